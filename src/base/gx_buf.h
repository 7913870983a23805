/* gx_buf — a growable byte buffer that render and output code append to.
 * Depends on gx_xalloc. The buffer owns its bytes (malloc); gx_buf_free releases
 * them; running out of memory aborts (gx_xalloc).
 * data is always NUL-terminated after any append (len excludes the NUL). */
#ifndef GX_BUF_H
#define GX_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct gx_buf {
    char *data;
    size_t len, cap;
} gx_buf;

#define GX_BUF_INIT {NULL, 0, 0}

/* The growing path of gx_buf_put (use gx_buf_put). */
void gx_buf_put_grow(gx_buf *buf, const char *bytes, size_t len);

/* Appends len bytes. Inline: rendering appends many short pieces, and the call
 * was a quarter of a render (README, Performance). */
static inline void gx_buf_put(gx_buf *buf, const char *bytes, size_t len)
{
    if (buf->cap - buf->len > len) {
        memcpy(buf->data + buf->len, bytes, len);
        buf->len += len;
        buf->data[buf->len] = '\0';
    } else {
        gx_buf_put_grow(buf, bytes, len);
    }
}

static inline void gx_buf_puts(gx_buf *buf, const char *s) { gx_buf_put(buf, s, strlen(s)); }

static inline void gx_buf_putc(gx_buf *buf, char c)
{
    if (buf->cap - buf->len > 1) {
        buf->data[buf->len++] = c;
        buf->data[buf->len] = '\0';
    } else {
        gx_buf_put_grow(buf, &c, 1);
    }
}

/* Makes room for extra more bytes (and the terminating NUL) at once, so that
 * appending them reallocates nothing; the content stays as it is. */
void gx_buf_reserve(gx_buf *buf, size_t extra);

/* Appends n bytes for the caller to fill (followed by a NUL) and returns where
 * they start; valid until the next append. */
char *gx_buf_extend(gx_buf *buf, size_t n);

/* count spaces (nothing when count <= 0) */
void gx_buf_indent(gx_buf *buf, int count);
void gx_buf_printf(gx_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Shortens the buffer to its first len bytes, keeping its memory; nothing
 * happens when len > buf->len. */
void gx_buf_truncate(gx_buf *buf, size_t len);
/* s (len bytes) with every occurrence of each of the count needles (needles[i],
 * lens[i] bytes, replaced in that order) replaced by with; a malloc'd,
 * NUL-terminated copy whose length goes to *out_len, or NULL when s holds none
 * of them (or s is NULL or count 0). Used to redact secret values from text. */
char *gx_buf_replace_all(const char *s, size_t len, char *const *needles, const size_t *lens,
                         size_t count, const char *with, size_t *out_len);
/* How many bytes of s[0..len) to keep so that at most max are kept and the
 * cut falls on a UTF-8 character boundary: len when len <= max, else max
 * less the continuation bytes that would start the part cut off. */
size_t gx_buf_utf8_cut(const char *s, size_t len, size_t max);
/* Empties the buffer, keeping its memory. */
void gx_buf_reset(gx_buf *buf);
void gx_buf_free(gx_buf *buf);

#endif
