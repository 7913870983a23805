/* seal_tool — a test-only front to gx_seal for tests/seal/check.sh; built
 * with the cmocka tests, never installed. It shows how a caller wires the
 * module: the certificate read by the caller, randomness from the OS layer's
 * gx_random_bytes.
 *
 *   seal_tool info CERT                  fingerprint, bits, notBefore, notAfter
 *   seal_tool seal CERT NAMESPACE NAME   stdin sealed in strict scope, base64
 *   seal_tool seal-label CERT LABEL      stdin sealed with any OAEP label, base64
 *
 * Output is one line on stdout; problems go to stderr with exit status 1
 * (2 for a usage error). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_files.h"
#include "gx_seal.h"

static bool os_random(void *ctx, void *buf, size_t n) { return gx_random_bytes(buf, n, ctx); }

static bool read_all(FILE *f, gx_buf *out)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        gx_buf_put(out, chunk, n);
    return !ferror(f);
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "info") == 0 ? argc != 3
                     : strcmp(argv[1], "seal") == 0 ? argc != 5
                     : strcmp(argv[1], "seal-label") == 0 ? argc != 4
                     : true)) {
        fprintf(stderr, "usage: seal_tool info CERT | seal CERT NAMESPACE NAME | "
                        "seal-label CERT LABEL  (value on stdin)\n");
        return 2;
    }
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    gx_buf pem = GX_BUF_INIT, plain = GX_BUF_INIT, out = GX_BUF_INIT;
    int status = 1;

    FILE *f = fopen(argv[2], "rb");
    if (!f || !read_all(f, &pem)) {
        perror(argv[2]);
        if (f)
            fclose(f);
        goto done;
    }
    fclose(f);
    gx_seal_key *key;
    if (!gx_seal_cert_parse(arena, pem.data ? pem.data : "", pem.len, argv[2], &key, &diags))
        goto done;

    if (strcmp(argv[1], "info") == 0) {
        printf("%s %zu %lld %lld\n", gx_seal_key_fingerprint_hex(key), gx_seal_key_bits(key),
               (long long)gx_seal_key_not_before(key), (long long)gx_seal_key_not_after(key));
        status = 0;
        goto done;
    }
    if (!read_all(stdin, &plain)) {
        perror("stdin");
        goto done;
    }
    bool ok;
    if (strcmp(argv[1], "seal") == 0) {
        ok = gx_seal_value(key, argv[3], argv[4], plain.data, plain.len, os_random, &diags, &out,
                           &diags);
    } else {
        gx_buf raw = GX_BUF_INIT;
        ok = gx_seal_hybrid(key, argv[3], strlen(argv[3]), plain.data, plain.len, os_random,
                            &diags, &raw, &diags);
        if (ok)
            gx_base64_encode(&out, raw.data, raw.len);
        gx_buf_free(&raw);
    }
    if (ok) {
        fwrite(out.data, 1, out.len, stdout);
        putchar('\n');
        status = fflush(stdout) == 0 ? 0 : 1;
    }

done:
    gx_diags_print(&diags, stderr);
    gx_diags_free(&diags);
    gx_buf_free(&pem);
    gx_buf_free(&plain);
    gx_buf_free(&out);
    gx_arena_free(arena);
    return status;
}
