/* gx_buf — a growable byte buffer that render and output code append to.
 * Depends on libc. The buffer owns its bytes (malloc); gx_buf_free releases them.
 * data is always NUL-terminated after any append (len excludes the NUL). */
#ifndef GX_BUF_H
#define GX_BUF_H

#include <stddef.h>

typedef struct gx_buf {
    char *data;
    size_t len, cap;
} gx_buf;

#define GX_BUF_INIT {NULL, 0, 0}

void gx_buf_put(gx_buf *buf, const char *bytes, size_t len);
void gx_buf_puts(gx_buf *buf, const char *s);
void gx_buf_putc(gx_buf *buf, char c);
/* len spaces */
void gx_buf_indent(gx_buf *buf, int count);
void gx_buf_printf(gx_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its memory. */
void gx_buf_reset(gx_buf *buf);
void gx_buf_free(gx_buf *buf);

#endif
