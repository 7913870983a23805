/* gx_xalloc — heap allocation that does not fail: when memory is exhausted the
 * process prints "glyphoxa-deploy: out of memory" on stderr and aborts. This is
 * the one place that prints that message; code elsewhere never tests malloc's
 * result itself. Depends on libc.
 *
 * Ownership: everything returned is malloc'd; the caller frees it with free().
 * A size of 0 allocates 1 byte, so the result is never NULL.
 *
 * The allocators are inline: the arena, the buffer and the YAML reader use
 * them, and the render test compiles those sources on their own
 * (tests/test_render.c lists them), so they must not need gx_xalloc.c. */
#ifndef GX_XALLOC_H
#define GX_XALLOC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the out-of-memory message and aborts. For allocators this module does
 * not wrap (a library returning NULL when it could not allocate). */
static inline _Noreturn void gx_xalloc_fail(void)
{
    fputs("glyphoxa-deploy: out of memory\n", stderr);
    abort();
}

/* size bytes, uninitialised. */
static inline void *gx_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        gx_xalloc_fail();
    return p;
}

/* n * size bytes, zeroed; a product that overflows size_t is out of memory. */
static inline void *gx_xcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        gx_xalloc_fail();
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        gx_xalloc_fail();
    return p;
}

/* p (NULL or from these functions) resized to size bytes, as realloc does. */
static inline void *gx_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        gx_xalloc_fail();
    return q;
}

/* A NUL-terminated copy of exactly the first n bytes at s (which may hold
 * NULs), as gx_arena_strndup does; s may be NULL when n is 0. */
static inline char *gx_xstrndup(const char *s, size_t n)
{
    if (n == SIZE_MAX)
        gx_xalloc_fail();
    char *d = gx_xmalloc(n + 1);
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* A copy of the NUL-terminated string s; NULL gives NULL. */
static inline char *gx_xstrdup(const char *s) { return s ? gx_xstrndup(s, strlen(s)) : NULL; }

/* printf into a new malloc'd string. */
char *gx_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
