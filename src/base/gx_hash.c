/* gx_hash — SHA-256, hex and base64. See gx_hash.h. */
#include "gx_hash.h"

#include <nettle/sha2.h>

_Static_assert(GX_SHA256_SIZE == SHA256_DIGEST_SIZE, "SHA-256 digest size");

void gx_sha256(const void *data, size_t len, uint8_t digest[GX_SHA256_SIZE])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    if (len)
        sha256_update(&ctx, len, data);
    sha256_digest(&ctx, GX_SHA256_SIZE, digest);
}

void gx_sha256_hex(const void *data, size_t len, char hex[GX_SHA256_HEX_LEN + 1])
{
    uint8_t digest[GX_SHA256_SIZE];
    gx_sha256(data, len, digest);
    gx_hex_encode(hex, digest, sizeof digest);
}

void gx_hex_encode(char *dst, const void *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        *dst++ = digits[p[i] >> 4];
        *dst++ = digits[p[i] & 15];
    }
    *dst = '\0';
}

static const char gx_base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void gx_base64_encode_to(char *dst, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        unsigned long v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 | p[i + 2];
        *dst++ = gx_base64_alphabet[v >> 18 & 63];
        *dst++ = gx_base64_alphabet[v >> 12 & 63];
        *dst++ = gx_base64_alphabet[v >> 6 & 63];
        *dst++ = gx_base64_alphabet[v & 63];
    }
    if (len - i) {
        unsigned long v = (unsigned long)p[i] << 16;
        if (len - i == 2)
            v |= (unsigned long)p[i + 1] << 8;
        *dst++ = gx_base64_alphabet[v >> 18 & 63];
        *dst++ = gx_base64_alphabet[v >> 12 & 63];
        *dst++ = len - i == 2 ? gx_base64_alphabet[v >> 6 & 63] : '=';
        *dst++ = '=';
    }
}

void gx_base64_encode(gx_buf *out, const void *data, size_t len)
{
    gx_base64_encode_to(gx_buf_extend(out, gx_base64_encoded_len(len)), data, len);
}

/* The 6-bit value of a base64 character, or -1. */
static int gx_base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool gx_base64_decode(gx_buf *out, const char *s, size_t len)
{
    if (len % 4)
        return false;
    size_t pad = 0;
    if (len && s[len - 1] == '=')
        pad = len >= 2 && s[len - 2] == '=' ? 2 : 1;
    size_t before = out->len;
    unsigned char *dst = (unsigned char *)gx_buf_extend(out, len / 4 * 3 - pad);
    for (size_t i = 0; i < len; i += 4) {
        bool last = i + 4 == len;
        unsigned long bits = 0;
        for (size_t k = 0; k < 4; k++) {
            int v = last && k >= 4 - pad ? 0 : gx_base64_value((unsigned char)s[i + k]);
            if (v < 0) {
                gx_buf_truncate(out, before);
                return false;
            }
            bits = bits << 6 | (unsigned long)v;
        }
        size_t n = last ? 3 - pad : 3;
        /* canonical: the bits below the last whole byte are zero */
        if (n < 3 && (bits & (n == 1 ? 0xFFFFul : 0xFFul))) {
            gx_buf_truncate(out, before);
            return false;
        }
        *dst++ = (unsigned char)(bits >> 16);
        if (n > 1)
            *dst++ = (unsigned char)(bits >> 8);
        if (n > 2)
            *dst++ = (unsigned char)bits;
    }
    return true;
}
