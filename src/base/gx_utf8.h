/* gx_utf8 — the one UTF-8 decoder and encoder: every other module that looks
 * at UTF-8 (the YAML writer, the render runtime, value parsing, rules, the
 * terminal UI) asks this one.
 * Depends on libc.
 *
 * Well-formed means RFC 3629 / Unicode table 3-7: the shortest form only (no
 * overlongs, so no C0/C1 lead bytes), no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF (no F5..FF lead bytes), no stray continuation bytes, no
 * sequence cut short.
 *
 * The decoder is inline: the YAML writer and the render runtime call it per
 * character on hot paths, and the render test compiles those runtime sources
 * on their own (tests/test_render.c lists them), so they must not need
 * gx_utf8.c. */
#ifndef GX_UTF8_H
#define GX_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GX_UTF8_MAX_CP 0x10FFFFu /* the largest code point */
#define GX_UTF8_MAX_LEN 4        /* the longest sequence in bytes */

/* True for a continuation byte (10xxxxxx): it never starts a character. */
static inline bool gx_utf8_is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

/* Length (1-4) of the well-formed UTF-8 sequence at s[0..len) and, when cp is
 * not NULL, its code point in *cp; 0 when the bytes there are not well-formed
 * (see above) or len is 0. ASCII, NUL included, gives 1. Reads at most
 * min(len, 4) bytes. */
static inline size_t gx_utf8_decode(const void *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = s;
    if (len == 0)
        return 0;
    unsigned char b = u[0];
    size_t n;
    uint32_t c, min;
    if (b < 0x80) {
        if (cp)
            *cp = b;
        return 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
        n = 2, c = b & 0x1F, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3, c = b & 0x0F, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4, c = b & 0x07, min = 0x10000;
    } else {
        return 0; /* a continuation byte, an overlong lead (C0, C1) or above F4 */
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (!gx_utf8_is_continuation(u[i]))
            return 0;
        c = (c << 6) | (u[i] & 0x3F);
    }
    if (c < min || c > GX_UTF8_MAX_CP || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    if (cp)
        *cp = c;
    return n;
}

/* Writes the UTF-8 of code point cp (at most GX_UTF8_MAX_CP; a surrogate is
 * encoded as its three bytes, which the decoder refuses) to out and returns
 * its length, 1 to 4. */
static inline size_t gx_utf8_encode(uint32_t cp, char out[GX_UTF8_MAX_LEN])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    size_t n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const unsigned char lead[5] = {0, 0, 0xC0, 0xE0, 0xF0};
    for (size_t i = n - 1; i > 0; i--) {
        out[i] = (char)(0x80 | (cp & 0x3F));
        cp >>= 6;
    }
    out[0] = (char)(lead[n] | cp);
    return n;
}

/* The offset of the first byte of s[0..len) that does not start a well-formed
 * sequence (a cut-short sequence at the end counts as such), or -1 when all of
 * it is well-formed. NUL bytes are well-formed (U+0000). */
ptrdiff_t gx_utf8_invalid_at(const char *s, size_t len);

/* True when all of s[0..len) is well-formed (gx_utf8_invalid_at gives -1). */
bool gx_utf8_valid(const char *s, size_t len);

#endif
