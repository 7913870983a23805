/* gx_lines — a text cut into its lines, for the line diffs of the core
 * (history diff, export preview). */
#ifndef GX_LINES_H
#define GX_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_arena.h"

typedef struct gx_line {
    const char *s; /* the line's first byte, in the text given */
    size_t len;    /* without the newline */
    bool nl;       /* a newline follows (false only for a last line without one) */
} gx_line;

/* Cuts len bytes of text into lines at '\n': a last line without a newline
 * counts; "" has none. Sets *out to an array of them in arena (never NULL)
 * and returns their count. */
size_t gx_lines_split(gx_arena *arena, const char *text, size_t len, gx_line **out);

#endif
