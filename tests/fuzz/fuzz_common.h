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

/* True when a and b hold the same bytes. */
static inline bool gx_fuzz_same(const gx_buf *a, const gx_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

#endif
