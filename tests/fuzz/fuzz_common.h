/* fuzz_common — helpers shared by the libFuzzer targets of tests/fuzz/: a
 * failing oracle aborts with a message naming what differed (libFuzzer and the
 * replay driver both report an abort as a crash), bounded dumps of texts, tree
 * depth, and a UTF-8 check. Header-only; every function is static.
 * Depends on gx_buf, gx_diag, gx_node. */
#ifndef GX_FUZZ_COMMON_H
#define GX_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes len bytes of s to stderr between markers, non-printable bytes as
 * \xNN, at most 4000 bytes. */
static inline void gx_fuzz_dump(const char *label, const char *s, size_t len)
{
    size_t shown = len > 4000 ? 4000 : len;
    fprintf(stderr, "--- %s (%zu bytes)\n", label, len);
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || (c >= 0x20 && c < 0x7F && c != '\\'))
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02X", c);
    }
    fprintf(stderr, "%s\n--- end of %s\n", shown < len ? "\n[...]" : "", label);
}

/* An oracle failed: prints the message (and diags, when given) and aborts. */
static inline void gx_fuzz_fail(const gx_diags *diags, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
static inline void gx_fuzz_fail(const gx_diags *diags, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FUZZ ORACLE FAILED: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (diags && diags->count)
        gx_diags_print(diags, stderr);
    fflush(stderr);
    abort();
}

#define GX_FUZZ_CHECK(cond, diags, ...)                                                  \
    do {                                                                                 \
        if (!(cond))                                                                     \
            gx_fuzz_fail((diags), __VA_ARGS__);                                          \
    } while (0)

/* Collections open at the deepest point of the tree (a root scalar is 0, a
 * root map of scalars 1), as gx_node_parse counts them for GX_NODE_MAX_DEPTH. */
static inline int gx_fuzz_depth(const gx_node *n)
{
    if (!n || n->kind == GX_NODE_SCALAR)
        return 0;
    int deepest = 0;
    for (size_t i = 0; i < n->count; i++) {
        int d = gx_fuzz_depth(n->items[i]);
        if (n->kind == GX_NODE_MAP && gx_fuzz_depth(n->keys[i]) > d)
            d = gx_fuzz_depth(n->keys[i]);
        if (d > deepest)
            deepest = d;
    }
    return deepest + 1;
}

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code
 * points beyond U+10FFFF). */
static inline bool gx_fuzz_utf8_ok(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned char b = u[i];
        size_t n;
        uint32_t c, min;
        if (b < 0x80) {
            i++;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            n = 2, c = b & 0x1Fu, min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 3, c = b & 0x0Fu, min = 0x800;
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 4, c = b & 0x07u, min = 0x10000;
        } else {
            return false;
        }
        if (len - i < n)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((u[i + k] & 0xC0) != 0x80)
                return false;
            c = (c << 6) | (u[i + k] & 0x3Fu);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return false;
        i += n;
    }
    return true;
}

/* True when GX_FUZZ_STRICT is set in the environment: the oracles for known,
 * reported defects of other modules (tests/fuzz/known/) are then on too. */
static inline bool gx_fuzz_strict(void)
{
    static int strict = -1;
    if (strict < 0) {
        const char *v = getenv("GX_FUZZ_STRICT");
        strict = v && *v && strcmp(v, "0") != 0;
    }
    return strict == 1;
}

/* True when a and b hold the same bytes. */
static inline bool gx_fuzz_same(const gx_buf *a, const gx_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

#endif
