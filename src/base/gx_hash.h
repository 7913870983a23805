/* gx_hash — digests and byte-to-text encodings: SHA-256 (raw and lower-case
 * hex), lower-case hex, and standard base64 (RFC 4648 §4: the alphabet
 * A-Z a-z 0-9 + /, '=' padding, no line breaks) both ways. Depends on gx_buf
 * and nettle (SHA-256).
 *
 * Functions that write into a caller's array write exactly the size they
 * name; none allocates except through the gx_buf they append to. */
#ifndef GX_HASH_H
#define GX_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gx_buf.h"

#define GX_SHA256_SIZE 32     /* bytes in a digest */
#define GX_SHA256_HEX_LEN 64  /* characters in its hex form, without the NUL */

/* The SHA-256 digest of len bytes at data (data may be NULL when len is 0). */
void gx_sha256(const void *data, size_t len, uint8_t digest[GX_SHA256_SIZE]);

/* The SHA-256 of len bytes at data as 64 lower-case hex digits and a NUL. */
void gx_sha256_hex(const void *data, size_t len, char hex[GX_SHA256_HEX_LEN + 1]);

/* Writes len bytes at data as 2 * len lower-case hex digits and a NUL to dst
 * (2 * len + 1 bytes). */
void gx_hex_encode(char *dst, const void *data, size_t len);

/* The length of the base64 of len bytes: 4 * ceil(len / 3), no NUL counted. */
static inline size_t gx_base64_encoded_len(size_t len) { return 4 * ((len + 2) / 3); }

/* Writes the base64 of len bytes at data to dst: exactly
 * gx_base64_encoded_len(len) bytes, no NUL. */
void gx_base64_encode_to(char *dst, const void *data, size_t len);

/* Appends the base64 of len bytes at data to out. */
void gx_base64_encode(gx_buf *out, const void *data, size_t len);

/* Appends the bytes that the base64 text s[0..len) encodes to out and returns
 * true; returns false, out unchanged, unless s is canonical standard base64:
 * a multiple of 4 characters of the alphabet, '=' only as the last one or two
 * characters, and the bits the padding leaves over zero (so that decoding is
 * the exact inverse of gx_base64_encode). No white space is skipped. */
bool gx_base64_decode(gx_buf *out, const char *s, size_t len);

#endif
