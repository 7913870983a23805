/* fuzz_mcp — libFuzzer target for the MCP server's message handler
 * (gx_mcp_server_exchange: one line in, the messages it answers out, no I/O).
 *
 * Input: lines (split at '\n', at most 64), handed one by one to a fresh
 * server (so a legacy initialize in one input does not change the next) on a
 * workspace made once in a temporary directory, whose values.yaml is written
 * again before each input (writes of the tools do not pile up). The server
 * runs no target (no_processes): apply answers isError. An input that starts
 * with a space gets a read-only server.
 *
 * Oracles besides "no crash, no sanitizer report":
 *  - every message sent is one line of JSON: an object with "jsonrpc": "2.0"
 *    that is either a response (an "id" that is a string, an integer or null,
 *    and exactly one of "result" (an object) and "error" (an object with an
 *    integer "code" and a string "message")) or a notification ("method");
 *  - an answer to a request with a usable id carries that id;
 *  - no secret value of the workspace (nor its base64 form) appears in any
 *    message, unless the input line itself holds it (an error may quote what
 *    the client sent, e.g. an unknown method's name). */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fuzz_common.h"
#include "gx_core.h"
#include "gx_hash.h"
#include "mcp_server.h"

#define ADMIN_KEY "fuzzAdminKey0123456789abcdefXYZ"
#define PG_PASSWORD "fuzzPostgresPw987654321"

static const char gx_fixture[] = "core:\n"
                                "  environment: dev\n"
                                "gateway:\n"
                                "  admin-key: " ADMIN_KEY "\n"
                                "postgresql:\n"
                                "  postgres-password: " PG_PASSWORD "\n"
                                "components:\n"
                                "  postgresql: true\n";

static char gx_ws[64];
static char gx_values_path[128];
static gx_session *gx_base;

static int gx_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void gx_cleanup(void)
{
    gx_session_free(gx_base);
    if (gx_ws[0])
        nftw(gx_ws, gx_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void gx_write_values(void)
{
    FILE *f = fopen(gx_values_path, "w");
    if (!f || fwrite(gx_fixture, 1, sizeof gx_fixture - 1, f) != sizeof gx_fixture - 1) {
        perror(gx_values_path);
        abort();
    }
    fclose(f);
}

static void gx_setup(void)
{
    if (gx_ws[0])
        return;
    snprintf(gx_ws, sizeof gx_ws, "/tmp/gx-fuzz-mcp-XXXXXX");
    if (!mkdtemp(gx_ws)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(gx_values_path, sizeof gx_values_path, "%s/values.yaml", gx_ws);
    gx_base = gx_session_new(gx_ws);
    atexit(gx_cleanup);
}

static bool gx_contains(const char *hay, size_t len, const char *needle, size_t n)
{
    return n && memmem(hay, len, needle, n) != NULL;
}

/* Checks every message of out (lines) for one input line. */
static void gx_check_output(const char *in, size_t in_len, const char *out, size_t out_len)
{
    static const char *const secrets[] = {ADMIN_KEY, PG_PASSWORD};
    for (size_t i = 0; i < 2; i++) {
        gx_buf b64 = GX_BUF_INIT;
        gx_base64_encode(&b64, secrets[i], strlen(secrets[i]));
        bool in_out = gx_contains(out, out_len, secrets[i], strlen(secrets[i])) &&
                      !gx_contains(in, in_len, secrets[i], strlen(secrets[i]));
        bool b64_out = gx_contains(out, out_len, b64.data, b64.len) &&
                       !gx_contains(in, in_len, b64.data, b64.len);
        if (in_out || b64_out) {
            gx_fuzz_dump("input", in, in_len);
            gx_fuzz_dump("output", out, out_len);
            gx_fuzz_fail(NULL, "a secret value reached a message");
        }
        gx_buf_free(&b64);
    }
    /* the id the input asked with, when it parses as a request */
    json_t *req = json_loadb(in, in_len, JSON_DECODE_ANY, NULL);
    json_t *req_id = json_is_object(req) ? json_object_get(req, "id") : NULL;
    bool usable = req_id && (json_is_string(req_id) || json_is_integer(req_id));
    const char *p = out, *end = out + out_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        GX_FUZZ_CHECK(nl, NULL, "a message without its newline");
        json_error_t err;
        json_t *msg = json_loadb(p, (size_t)(nl - p), 0, &err);
        if (!json_is_object(msg)) {
            gx_fuzz_dump("input", in, in_len);
            gx_fuzz_dump("message", p, (size_t)(nl - p));
            gx_fuzz_fail(NULL, "a message is not a JSON object: %s", err.text);
        }
        const char *v = json_string_value(json_object_get(msg, "jsonrpc"));
        GX_FUZZ_CHECK(v && !strcmp(v, "2.0"), NULL, "a message without \"jsonrpc\": \"2.0\"");
        json_t *id = json_object_get(msg, "id");
        json_t *result = json_object_get(msg, "result");
        json_t *error = json_object_get(msg, "error");
        if (json_object_get(msg, "method")) {
            GX_FUZZ_CHECK(!id && !result && !error, NULL, "a notification with an id or result");
        } else {
            GX_FUZZ_CHECK(id && (json_is_string(id) || json_is_integer(id) || json_is_null(id)),
                          NULL, "a response without a proper id");
            GX_FUZZ_CHECK(!result != !error, NULL, "a response needs exactly one of result, error");
            GX_FUZZ_CHECK(!result || json_is_object(result), NULL, "a result that is no object");
            if (error)
                GX_FUZZ_CHECK(json_is_integer(json_object_get(error, "code")) &&
                                  json_is_string(json_object_get(error, "message")),
                              NULL, "an error without an integer code and a message");
            if (usable && !json_is_null(id) && !json_equal(id, req_id)) {
                gx_fuzz_dump("input", in, in_len);
                gx_fuzz_dump("message", p, (size_t)(nl - p));
                gx_fuzz_fail(NULL, "an answer with another id than the request's");
            }
        }
        json_decref(msg);
        p = nl + 1;
    }
    json_decref(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gx_setup();
    gx_write_values();
    gx_mcp_options opts = {.read_only = size && data[0] == ' ',
                           .no_processes = true};
    gx_mcp_server *srv = gx_mcp_server_new(gx_base, &opts, NULL, NULL);
    const char *p = (const char *)data, *end = p + size;
    for (int lines = 0; p <= end && lines < 64; lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t out_len;
        char *out = gx_mcp_server_exchange(srv, p, len, &out_len);
        gx_check_output(p, len, out, out_len);
        free(out);
        if (!nl)
            break;
        p = nl + 1;
    }
    gx_mcp_server_free(srv);
    return 0;
}
