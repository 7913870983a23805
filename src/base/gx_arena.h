/* gx_arena — a bump allocator: many small allocations, freed in one step.
 * Used for one load (values, parsed YAML) and one render. Depends on gx_xalloc
 * (running out of memory aborts).
 *
 * Ownership rule: everything allocated from an arena lives exactly as long as
 * the arena; nothing allocated from it is ever freed on its own. */
#ifndef GX_ARENA_H
#define GX_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct gx_arena gx_arena;

/* A new empty arena. Aborts the process when memory is exhausted. */
gx_arena *gx_arena_new(void);

/* Releases every block of the arena and the arena itself. NULL is allowed. */
void gx_arena_free(gx_arena *arena);

/* size bytes, zeroed, aligned for any type. Never returns NULL (aborts on OOM). */
void *gx_arena_alloc(gx_arena *arena, size_t size);

/* A copy of the NUL-terminated string s (NULL gives NULL). */
char *gx_arena_strdup(gx_arena *arena, const char *s);

/* A NUL-terminated copy of the first len bytes at s (which may hold NULs). */
char *gx_arena_strndup(gx_arena *arena, const char *s, size_t len);

/* printf into the arena: the formatted string, NUL-terminated. */
char *gx_arena_printf(gx_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same with a va_list (which it consumes, as vprintf does). */
char *gx_arena_vprintf(gx_arena *arena, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
