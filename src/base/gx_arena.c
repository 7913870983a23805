#include "gx_arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_xalloc.h"

enum { GX_ARENA_BLOCK = 64 * 1024, GX_ARENA_ALIGN = 16 };

typedef struct gx_block {
    struct gx_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} gx_block;

struct gx_arena {
    gx_block *head;
};

gx_arena *gx_arena_new(void)
{
    gx_arena *arena = gx_xmalloc(sizeof *arena);
    arena->head = NULL;
    return arena;
}

void gx_arena_free(gx_arena *arena)
{
    if (!arena)
        return;
    gx_block *b = arena->head;
    while (b) {
        gx_block *next = b->next;
        free(b);
        b = next;
    }
    free(arena);
}

void *gx_arena_alloc(gx_arena *arena, size_t size)
{
    if (size > SIZE_MAX / 2)
        gx_xalloc_fail(); /* the rounding and block header below would overflow */
    size = (size + GX_ARENA_ALIGN - 1) & ~(size_t)(GX_ARENA_ALIGN - 1);
    if (size == 0)
        size = GX_ARENA_ALIGN;
    gx_block *b = arena->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > GX_ARENA_BLOCK / 4 ? size : GX_ARENA_BLOCK;
        gx_block *nb = gx_xmalloc(sizeof *nb + cap);
        nb->used = 0;
        nb->size = cap;
        if (cap == size && b) {
            /* a large allocation gets its own block behind the current one */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            arena->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *gx_arena_strndup(gx_arena *arena, const char *s, size_t len)
{
    char *d = gx_arena_alloc(arena, len + 1);
    if (len)
        memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *gx_arena_strdup(gx_arena *arena, const char *s)
{
    return s ? gx_arena_strndup(arena, s, strlen(s)) : NULL;
}

char *gx_arena_vprintf(gx_arena *arena, const char *fmt, va_list ap)
{
    /* first straight into the room left in the current block: one formatting
     * pass for the common short string */
    gx_block *b = arena->head;
    if (b && b->size - b->used > GX_ARENA_ALIGN) {
        size_t room = b->size - b->used;
        char *d = (char *)b->data + b->used;
        va_list first;
        va_copy(first, ap);
        int n = vsnprintf(d, room, fmt, first);
        va_end(first);
        if (n >= 0 && (size_t)n < room) {
            size_t size = ((size_t)n + GX_ARENA_ALIGN) & ~(size_t)(GX_ARENA_ALIGN - 1);
            b->used += size < room ? size : room;
            return d;
        }
    }
    /* no room for it there: measured, then written where it fits */
    va_list measure;
    va_copy(measure, ap);
    int n = vsnprintf(NULL, 0, fmt, measure);
    va_end(measure);
    if (n < 0)
        n = 0;
    char *d = gx_arena_alloc(arena, (size_t)n + 1);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *gx_arena_printf(gx_arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = gx_arena_vprintf(arena, fmt, ap);
    va_end(ap);
    return d;
}
