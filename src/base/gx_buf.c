#include "gx_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void gx_buf_reserve(gx_buf *buf, size_t extra)
{
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(buf->data, cap);
    if (!p) {
        fputs("glyphoxa-deploy: out of memory\n", stderr);
        abort();
    }
    buf->data = p;
    buf->cap = cap;
}

void gx_buf_put_grow(gx_buf *buf, const char *bytes, size_t len)
{
    gx_buf_reserve(buf, len);
    if (len)
        memcpy(buf->data + buf->len, bytes, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}


void gx_buf_indent(gx_buf *buf, int count)
{
    if (count <= 0)
        return;
    gx_buf_reserve(buf, (size_t)count);
    memset(buf->data + buf->len, ' ', (size_t)count);
    buf->len += (size_t)count;
    buf->data[buf->len] = '\0';
}

void gx_buf_printf(gx_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        gx_buf_put(buf, small, (size_t)n);
    } else {
        gx_buf_reserve(buf, (size_t)n);
        vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap2);
        buf->len += (size_t)n;
    }
    va_end(ap2);
}

void gx_buf_reset(gx_buf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void gx_buf_free(gx_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}
