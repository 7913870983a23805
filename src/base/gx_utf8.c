/* gx_utf8 — whole-string checks over the decoder. See gx_utf8.h. */
#include "gx_utf8.h"

ptrdiff_t gx_utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = gx_utf8_decode(u + i, len - i, NULL);
        if (n == 0)
            return (ptrdiff_t)i;
        i += n;
    }
    return -1;
}

bool gx_utf8_valid(const char *s, size_t len) { return gx_utf8_invalid_at(s, len) < 0; }
