/* gxg_util — small helpers every phase of gxgen shares: allocation that
 * never returns NULL, formatted strings, whole-file reading, sorted file
 * lists of a directory tree, and "did you mean" suggestions. Build-time only
 * (part of gxgen). Depends on libc and the base layer's gx_xalloc and gx_text.
 *
 * Memory: gxgen is a short-lived build tool; what these helpers return is
 * malloc'd and may be freed with free(), or kept until the process exits. */
#ifndef GXG_UTIL_H
#define GXG_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Allocation that never returns NULL and formatted strings come from the
 * runtime's base layer (gx_xalloc.h: gx_xmalloc, gx_xcalloc, gx_xrealloc,
 * gx_xstrdup, gx_xstrndup, gx_xasprintf). */
#include "gx_xalloc.h"

/* "a-b/c" -> "a_b_c" (lower) or "A_B_C" (upper); '-', '/', '.' and ' ' become '_'. */
char *gxg_ident(const char *text, bool upper);

/* Reads the whole file into a NUL-terminated buffer (*len excludes the NUL).
 * Prints "PATH: error: ..." and returns false when it cannot. */
bool gxg_read_file(const char *path, char **data, size_t *len);

/* A growing list of strings. */
typedef struct gxg_names {
    char **items;
    size_t count, cap;
} gxg_names;

void gxg_names_add(gxg_names *n, char *s);

/* Collects the regular files below dir as paths relative to dir, sorted
 * bytewise. Entries whose name starts with '.' are skipped, and so are
 * entries starting with one of the characters in skip_first (e.g. "_");
 * with suffix non-NULL, only files whose name ends in it are listed.
 * Prints why and returns false when a directory cannot be read. */
bool gxg_list_tree(const char *dir, const char *skip_first, const char *suffix,
                   gxg_names *out);

/* The candidate nearest to a query, for "did you mean" hints. */
typedef struct gxg_near {
    const char *query;
    const char *best; /* NULL when none is close */
    size_t dist;
    size_t limit;
} gxg_near;

void gxg_near_init(gxg_near *n, const char *query);

/* Offers one candidate: it wins when its edit distance is the smallest so far
 * and within the limit (or the query is a prefix of it, less its last byte). */
void gxg_near_try(gxg_near *n, const char *candidate);

#endif
