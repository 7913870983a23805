/* gx_diag — the one diagnostic type: file:line:col, a message and a hint.
 * Library code collects diagnostics in a gx_diags list and returns; only the
 * command line prints them. Depends on gx_buf (printing) and libc.
 * Lines and columns are 1-based; 0 means "not known" and is not printed. */
#ifndef GX_DIAG_H
#define GX_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct gx_diag {
    char *file;    /* NULL when the problem has no file (e.g. a --set) */
    int line, col; /* 1-based; 0 when not known */
    char *message;
    char *hint;    /* NULL when none */
} gx_diag;

/* A list of diagnostics. Initialise with GX_DIAGS_INIT; free with gx_diags_free.
 * limit caps how many are kept (0 = GX_DIAGS_DEFAULT_LIMIT); once it is reached
 * gx_diags_full() is true and further adds are counted in dropped only. */
typedef struct gx_diags {
    gx_diag *items;
    size_t count, cap, limit, dropped;
} gx_diags;

#define GX_DIAGS_DEFAULT_LIMIT 20
#define GX_DIAGS_INIT {NULL, 0, 0, 0, 0}

/* Adds one diagnostic; file and hint may be NULL. Copies every string. */
void gx_diags_add(gx_diags *diags, const char *file, int line, int col, const char *hint,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
bool gx_diags_full(const gx_diags *diags);
/* Prints "file:line:col: error: message" and "  hint: ..." lines to out. */
void gx_diags_print(const gx_diags *diags, FILE *out);
void gx_diags_free(gx_diags *diags);

#endif
