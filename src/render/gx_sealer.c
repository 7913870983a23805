/* gx_sealer — sealing with a cache of earlier ciphertexts. See gx_sealer.h. */
#include "gx_sealer.h"

#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>

#include "gx_hash.h"
#include "gx_xalloc.h"

void gx_sealer_init(gx_sealer *s, const gx_seal_key *key, gx_seal_random_fn *random,
                    void *random_ctx, const uint8_t *salt)
{
    memset(s, 0, sizeof *s);
    s->key = key;
    s->random = random;
    s->random_ctx = random_ctx;
    memcpy(s->salt, salt, GX_SEALER_SALT_SIZE);
}

static bool gx_sealer_hex64(const char *k)
{
    size_t i = 0;
    for (; k[i]; i++)
        if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f')))
            return false;
    return i == GX_SEALER_KEY_HEX;
}

static gx_sealed_entry *gx_sealer_find(gx_sealer *s, const char *key)
{
    for (size_t i = 0; i < s->count; i++)
        if (!memcmp(s->items[i].key, key, GX_SEALER_KEY_HEX))
            return &s->items[i];
    return NULL;
}

static gx_sealed_entry *gx_sealer_add(gx_sealer *s, const char *key, const char *sealed,
                                      size_t len)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->items = gx_xrealloc(s->items, s->cap * sizeof *s->items);
    }
    gx_sealed_entry *e = &s->items[s->count++];
    memcpy(e->key, key, GX_SEALER_KEY_HEX);
    e->key[GX_SEALER_KEY_HEX] = '\0';
    e->sealed = gx_xstrndup(sealed, len);
    e->used = false;
    return e;
}

bool gx_sealer_remember(gx_sealer *s, const char *key, const char *sealed)
{
    if (!key || !sealed || !gx_sealer_hex64(key) || gx_sealer_find(s, key))
        return false;
    /* the ciphertext must be one this key could have made: uint16 k || RSA
     * block of k bytes || GCM ciphertext || 16-byte tag */
    gx_buf raw = GX_BUF_INIT;
    bool ok = gx_base64_decode(&raw, sealed, strlen(sealed));
    size_t k = gx_seal_key_size(s->key);
    ok = ok && raw.len >= 2 + k + GX_SEAL_GCM_TAG_SIZE &&
         (((size_t)(unsigned char)raw.data[0] << 8) | (unsigned char)raw.data[1]) == k;
    gx_buf_free(&raw);
    if (ok)
        gx_sealer_add(s, key, sealed, strlen(sealed));
    return ok;
}

static void gx_sealer_hmac_len(struct hmac_sha256_ctx *h, size_t n)
{
    uint8_t be[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    hmac_sha256_update(h, sizeof be, be);
}

void gx_sealer_cache_key(const gx_sealer *s, const char *ns, const char *name, const char *item,
                         const void *plain, size_t len, char hex[GX_SEALER_KEY_HEX + 1])
{
    struct hmac_sha256_ctx h;
    hmac_sha256_set_key(&h, GX_SEALER_SALT_SIZE, s->salt);
    hmac_sha256_update(&h, GX_SHA256_SIZE, gx_seal_key_fingerprint(s->key));
    size_t nl = strlen(ns), ml = strlen(name), il = strlen(item);
    gx_sealer_hmac_len(&h, nl + 1 + ml);
    hmac_sha256_update(&h, nl, (const uint8_t *)ns);
    hmac_sha256_update(&h, 1, (const uint8_t *)"/");
    hmac_sha256_update(&h, ml, (const uint8_t *)name);
    gx_sealer_hmac_len(&h, il);
    hmac_sha256_update(&h, il, (const uint8_t *)item);
    if (len)
        hmac_sha256_update(&h, len, plain);
    uint8_t digest[SHA256_DIGEST_SIZE];
    hmac_sha256_digest(&h, sizeof digest, digest);
    explicit_bzero(&h, sizeof h);
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof digest; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[GX_SEALER_KEY_HEX] = '\0';
}

const char *gx_sealer_seal(gx_sealer *s, gx_arena *arena, const char *ns, const char *name,
                           const char *item, const void *plain, size_t len, gx_diags *diags)
{
    char key[GX_SEALER_KEY_HEX + 1];
    gx_sealer_cache_key(s, ns, name, item, plain, len, key);
    gx_sealed_entry *e = gx_sealer_find(s, key);
    if (!e) {
        gx_buf out = GX_BUF_INIT;
        if (!gx_seal_value(s->key, ns, name, plain, len, s->random, s->random_ctx, &out, diags)) {
            gx_buf_free(&out);
            gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_GENERIC, NULL,
                                       "cannot seal %s of Secret %s/%s", item, ns, name);
            (void)d;
            return NULL;
        }
        e = gx_sealer_add(s, key, out.data, out.len);
        gx_buf_free(&out);
        s->sealed_fresh++;
    }
    e->used = true;
    return gx_arena_strdup(arena, e->sealed);
}

void gx_sealer_free(gx_sealer *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->items[i].sealed);
    free(s->items);
    explicit_bzero(s->salt, sizeof s->salt);
    memset(s, 0, sizeof *s);
}
