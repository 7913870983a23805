#include "gx_buf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "gx_utf8.h"
#include "gx_xalloc.h"

void gx_buf_reserve(gx_buf *buf, size_t extra)
{
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap < need)
        cap *= 2;
    buf->data = gx_xrealloc(buf->data, cap);
    buf->cap = cap;
}

char *gx_buf_extend(gx_buf *buf, size_t n)
{
    gx_buf_reserve(buf, n);
    char *at = buf->data + buf->len;
    buf->len += n;
    buf->data[buf->len] = '\0';
    return at;
}

void gx_buf_put_grow(gx_buf *buf, const char *bytes, size_t len)
{
    char *at = gx_buf_extend(buf, len);
    if (len)
        memcpy(at, bytes, len);
}

void gx_buf_indent(gx_buf *buf, int count)
{
    if (count > 0)
        memset(gx_buf_extend(buf, (size_t)count), ' ', (size_t)count);
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
        vsnprintf(gx_buf_extend(buf, (size_t)n), (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
}

void gx_buf_truncate(gx_buf *buf, size_t len)
{
    if (len > buf->len)
        return;
    buf->len = len;
    if (buf->data)
        buf->data[len] = '\0';
}

void gx_buf_reset(gx_buf *buf) { gx_buf_truncate(buf, 0); }

void gx_buf_free(gx_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

char *gx_buf_replace_all(const char *s, size_t len, char *const *needles, const size_t *lens,
                         size_t count, const char *with, size_t *out_len)
{
    if (!s || !count)
        return NULL;
    bool any = false;
    for (size_t i = 0; i < count && !any; i++)
        any = memmem(s, len, needles[i], lens[i]) != NULL;
    if (!any)
        return NULL;
    gx_buf cur = GX_BUF_INIT, next = GX_BUF_INIT;
    gx_buf_put(&cur, s, len);
    for (size_t i = 0; i < count; i++) {
        const char *p = cur.data;
        size_t left = cur.len;
        const char *hit = memmem(p, left, needles[i], lens[i]);
        if (!hit)
            continue;
        gx_buf_reset(&next);
        while (hit) {
            gx_buf_put(&next, p, (size_t)(hit - p));
            gx_buf_puts(&next, with);
            left -= (size_t)(hit - p) + lens[i];
            p = hit + lens[i];
            hit = memmem(p, left, needles[i], lens[i]);
        }
        gx_buf_put(&next, p, left);
        gx_buf tmp = cur;
        cur = next;
        next = tmp;
    }
    gx_buf_free(&next);
    gx_buf_putc(&cur, '\0');
    *out_len = cur.len - 1;
    return cur.data;
}

size_t gx_buf_utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && gx_utf8_is_continuation((unsigned char)s[n]))
        n--;
    return n;
}
