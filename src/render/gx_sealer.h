/* gx_sealer — what an export seals its Secrets with: the controller's key
 * (gx_seal), the random source, and the sealed values of earlier exports, so
 * that a value whose plaintext did not change keeps its ciphertext and two
 * exports of the same values give the same bytes. Depends on gx_seal,
 * gx_arena, gx_buf, gx_diag and nettle (HMAC-SHA256). Does no I/O: the core
 * reads and writes the cache file (.glyphoxa-deploy/sealed-cache) and hands
 * its entries in.
 *
 * The cache key of a sealed value is HMAC-SHA256, keyed with the cache's salt
 * (32 random bytes kept with the cache), of
 *
 *   the SHA-256 fingerprint of the certificate (32 bytes)
 *   || uint32 big-endian length || "<namespace>/<name>" (the strict-scope label)
 *   || uint32 big-endian length || the data key ("admin-key")
 *   || the plaintext,
 *
 * as 64 lower-case hex digits: a new certificate, another Secret, another key
 * or another value finds nothing and is sealed afresh. No plaintext is kept:
 * the cache holds only keys and ciphertexts. (The salt keeps the keys from
 * being compared across workspaces; the cache file is as private as
 * secrets.yaml, mode 0600, beside it.)
 *
 * Memory: strings handed in are copied; everything is freed by
 * gx_sealer_free. */
#ifndef GX_SEALER_H
#define GX_SEALER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_seal.h"

#define GX_SEALER_SALT_SIZE 32
#define GX_SEALER_KEY_HEX 64

/* One sealed value: its cache key and its spec.encryptedData text. */
typedef struct gx_sealed_entry {
    char key[GX_SEALER_KEY_HEX + 1];
    char *sealed; /* standard base64, malloc'd */
    bool used;    /* sealed or looked up by this export */
} gx_sealed_entry;

typedef struct gx_sealer {
    const gx_seal_key *key;     /* the controller's certificate */
    gx_seal_random_fn *random;  /* for the session keys and OAEP seeds */
    void *random_ctx;
    uint8_t salt[GX_SEALER_SALT_SIZE];
    gx_sealed_entry *items;     /* the cache: remembered entries first, then new ones */
    size_t count, cap;
    size_t sealed_fresh;        /* how many values this export sealed (not from the cache) */
} gx_sealer;

/* Prepares s for key, with salt (GX_SEALER_SALT_SIZE bytes) and an empty
 * cache. */
void gx_sealer_init(gx_sealer *s, const gx_seal_key *key, gx_seal_random_fn *random,
                    void *random_ctx, const uint8_t *salt);

/* Adds an entry of an earlier export (not used yet). False, nothing added,
 * when key is not 64 lower-case hex digits or sealed is not canonical base64
 * of a sealed value's length for this key (an entry of another certificate
 * size, or a damaged one: it would never be used correctly). */
bool gx_sealer_remember(gx_sealer *s, const char *key, const char *sealed);

/* The cache key (64 hex digits and a NUL into hex) of plain[0..len) as the
 * data key `item` of Secret ns/name. */
void gx_sealer_cache_key(const gx_sealer *s, const char *ns, const char *name, const char *item,
                         const void *plain, size_t len, char hex[GX_SEALER_KEY_HEX + 1]);

/* The sealed text of plain[0..len) as the data key `item` of Secret ns/name
 * (strict scope): the cached one when the cache holds it, else freshly
 * sealed (gx_seal_value) and added. The result lives in arena. NULL, with a
 * blocking diagnostic, when sealing fails. */
const char *gx_sealer_seal(gx_sealer *s, gx_arena *arena, const char *ns, const char *name,
                           const char *item, const void *plain, size_t len, gx_diags *diags);

/* Releases the entries; s is then as after a zeroing. */
void gx_sealer_free(gx_sealer *s);

#endif
