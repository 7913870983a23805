/* gx_core_seal — the certificate, the sealer and its cache. See
 * gx_core_seal.h. */
#include "gx_core_seal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "gx_delivery.h"
#include "gx_hash.h"
#include "gx_seal.h"

#define GX_SEAL_CACHE_MAX_BYTES (8 * 1024 * 1024)

const char *gx_core_certificate_path(gx_session *s, const char *value)
{
    if (value[0] == '/')
        return value;
    return gx_core_path(s, value);
}

/* Reads and parses the certificate at value; false with a diagnostic (naming
 * the file) when it cannot. */
static bool gx_core_read_certificate(gx_session *s, gx_arena *arena, const char *value,
                                     gx_seal_key **key, gx_diags *diags)
{
    const char *path = gx_core_certificate_path(s, value);
    char *pem;
    size_t len;
    if (!gx_file_read(arena, path, GX_SEAL_CERT_MAX_BYTES, &pem, &len, diags))
        return false;
    return gx_seal_cert_parse(arena, pem, len, path, key, diags);
}

/* A time as YYYY-MM-DD (UTC), in arena. */
static const char *gx_core_date(gx_arena *arena, int64_t when)
{
    time_t t = (time_t)when;
    struct tm tm;
    char text[32];
    if (!gmtime_r(&t, &tm) || !strftime(text, sizeof text, "%Y-%m-%d", &tm))
        return "?";
    return gx_arena_strdup(arena, text);
}

gx_cert_probe gx_core_probe_certificate(void *ctx, const char *path, gx_arena *arena,
                                        const char **detail)
{
    gx_session *s = ctx;
    *detail = NULL;
    const char *full = gx_core_certificate_path(s, path);
    struct stat st;
    if (stat(full, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? GX_CERT_MISSING : GX_CERT_UNREADABLE;
    if (!S_ISREG(st.st_mode))
        return GX_CERT_UNREADABLE;
    gx_diags tmp = GX_DIAGS_INIT;
    char *pem;
    size_t len;
    gx_seal_key *key = NULL;
    gx_cert_probe probe = GX_CERT_OK;
    if (!gx_file_read(arena, full, GX_SEAL_CERT_MAX_BYTES, &pem, &len, &tmp)) {
        probe = GX_CERT_UNREADABLE;
    } else if (!gx_seal_cert_parse(arena, pem, len, NULL, &key, &tmp)) {
        probe = GX_CERT_INVALID;
        if (tmp.count && tmp.items[0].message) {
            /* what is wrong with it, without the parser's lead-in */
            static const char *const leads[] = {"cannot seal with this certificate: ",
                                                "no certificate found: "};
            const char *why = tmp.items[0].message;
            for (size_t i = 0; i < sizeof leads / sizeof *leads; i++)
                if (!strncmp(why, leads[i], strlen(leads[i])))
                    why += strlen(leads[i]);
            *detail = gx_arena_strdup(arena, why);
        }
    } else if ((int64_t)time(NULL) > gx_seal_key_not_after(key)) {
        probe = GX_CERT_EXPIRED;
        *detail = gx_core_date(arena, gx_seal_key_not_after(key));
    }
    gx_diags_free(&tmp);
    return probe;
}

/* ---- the cache ------------------------------------------------------------------------ */

static bool gx_hex_decode32(const char *hex, uint8_t out[32])
{
    if (!hex || strlen(hex) != 64)
        return false;
    for (size_t i = 0; i < 32; i++) {
        int v = 0;
        for (int j = 0; j < 2; j++) {
            char c = hex[2 * i + (size_t)j];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return false;
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return true;
}

/* The OS random source for the sealer (a failure is reported by it). */
static bool gx_core_random(void *ctx, void *buf, size_t n)
{
    (void)ctx;
    gx_diags tmp = GX_DIAGS_INIT;
    bool ok = gx_random_bytes(buf, n, &tmp);
    gx_diags_free(&tmp);
    return ok;
}

/* Reads the cache into sealer (salt and entries); false when there is none
 * or it is unusable (then the salt is left for the caller to draw). */
static bool gx_core_cache_load(gx_session *s, gx_sealer *sealer, gx_diags *diags)
{
    const char *path = gx_core_path(s, GX_SEAL_CACHE_FILE);
    if (!gx_file_exists(path))
        return false;
    char *data;
    size_t len;
    gx_diags tmp = GX_DIAGS_INIT;
    bool ok = gx_file_read(s->arena, path, GX_SEAL_CACHE_MAX_BYTES, &data, &len, &tmp);
    gx_diags_free(&tmp);
    json_t *root = ok ? json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *entries = json_object_get(root, "entries");
    json_t *format = json_object_get(root, "format");
    uint8_t salt[GX_SEALER_SALT_SIZE];
    ok = root && json_is_integer(format) && json_integer_value(format) == GX_SEAL_CACHE_FORMAT &&
         gx_hex_decode32(json_string_value(json_object_get(root, "salt")), salt) &&
         json_is_array(entries);
    if (ok) {
        memcpy(sealer->salt, salt, sizeof salt);
        size_t i;
        json_t *e;
        json_array_foreach(entries, i, e)
            (void)gx_sealer_remember(sealer, json_string_value(json_object_get(e, "key")),
                                     json_string_value(json_object_get(e, "sealed")));
    } else {
        gx_diags_push(diags, GX_NOTE, GX_CODE_GENERIC, NULL,
                      "%s cannot be read (it holds the sealed values of earlier exports); every "
                      "secret is sealed afresh",
                      path);
    }
    json_decref(root);
    explicit_bzero(salt, sizeof salt);
    return ok;
}

bool gx_core_sealer_begin(gx_session *s, const struct gx_config *cfg, bool no_secrets,
                          gx_sealer *sealer, bool *active, gx_diags *diags)
{
    *active = false;
    if (no_secrets || !gx_secrets_sealed(cfg))
        return true;
    gx_seal_key *key;
    if (!gx_core_read_certificate(s, s->arena, cfg->sealed_secrets.certificate, &key, diags)) {
        gx_diags_push(diags, GX_BLOCKING, GX_CODE_GENERIC, "sealed-secrets/certificate",
                      "the secrets cannot be sealed without the controller's certificate; "
                      "nothing was exported");
        return false;
    }
    uint8_t salt[GX_SEALER_SALT_SIZE] = {0};
    gx_sealer_init(sealer, key, gx_core_random, NULL, salt);
    if (!gx_core_cache_load(s, sealer, diags)) {
        gx_sealer_free(sealer);
        if (!gx_random_bytes(salt, sizeof salt, diags))
            return false;
        gx_sealer_init(sealer, key, gx_core_random, NULL, salt);
        explicit_bzero(salt, sizeof salt);
    }
    *active = true;
    return true;
}

static void gx_core_cache_add(json_t *list, const gx_sealed_entry *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "key", json_string(e->key));
    json_object_set_new(o, "sealed", json_string(e->sealed));
    json_array_append_new(list, o);
}

void gx_core_sealer_save(gx_session *s, const gx_sealer *sealer, gx_diags *diags)
{
    static const char digits[] = "0123456789abcdef";
    char salt[2 * GX_SEALER_SALT_SIZE + 1];
    for (size_t i = 0; i < GX_SEALER_SALT_SIZE; i++) {
        salt[2 * i] = digits[sealer->salt[i] >> 4];
        salt[2 * i + 1] = digits[sealer->salt[i] & 15];
    }
    salt[2 * GX_SEALER_SALT_SIZE] = '\0';
    json_t *root = json_object();
    json_object_set_new(root, "format", json_integer(GX_SEAL_CACHE_FORMAT));
    json_object_set_new(root, "salt", json_string(salt));
    json_t *list = json_array();
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sealer->count && n < GX_SEAL_CACHE_MAX; i++)
            if (sealer->items[i].used == (pass == 0)) {
                gx_core_cache_add(list, &sealer->items[i]);
                n++;
            }
    json_object_set_new(root, "entries", list);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return;
    size_t len = strlen(text);
    const char *path = gx_core_path(s, GX_SEAL_CACHE_FILE);
    char *old;
    size_t old_len;
    gx_diags tmp = GX_DIAGS_INIT;
    bool same = gx_file_exists(path) &&
                gx_file_read(s->arena, path, GX_SEAL_CACHE_MAX_BYTES, &old, &old_len, &tmp) &&
                old_len == len + 1 && !memcmp(old, text, len) && old[len] == '\n';
    if (!same) {
        gx_buf b = GX_BUF_INIT;
        gx_buf_put(&b, text, len);
        gx_buf_putc(&b, '\n');
        if (!gx_mkdir_p(gx_core_path(s, GX_STATE_DIR), 0700, &tmp) ||
            !gx_file_write_atomic(path, b.data, b.len, 0600, false, &tmp))
            gx_diags_push(diags, GX_WARNING, GX_CODE_IO, NULL,
                          "the sealed values could not be kept in %s: the next export seals "
                          "them afresh (its SealedSecrets then differ from these)",
                          path);
        gx_buf_free(&b);
    }
    gx_diags_free(&tmp);
    free(text);
}

/* ---- fetching the certificate ------------------------------------------------------- */

const char *gx_core_defer_certificate(gx_diags *results, gx_model *m)
{
    bool deferred = false;
    const char *value = m->cfg.sealed_secrets.certificate;
    for (size_t i = 0; i < results->count; i++) {
        gx_diag *d = &results->items[i];
        if (d->code != GX_CODE_V31 || d->severity != GX_BLOCKING)
            continue;
        d->severity = GX_WARNING;
        results->blocking--;
        deferred = true;
    }
    if (deferred) {
        m->cfg.sealed_secrets.certificate = "";
        gx_diags_push(results, GX_NOTE, GX_CODE_V31, "sealed-secrets/certificate",
                      "this run fetches the controller's certificate; until it is in place the "
                      "secrets are exported as plain Secrets");
    }
    return deferred ? value : NULL;
}

/* The process's umask, unchanged. */
static mode_t gx_core_umask(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return mask;
}

bool gx_core_certificate_install(gx_session *s, const char *fetched, const char *value,
                                 const gx_sink *sink)
{
    gx_diags diags = GX_DIAGS_INIT;
    const char *target = value && *value ? value : GX_CERTIFICATE_DEFAULT;
    const char *dest = gx_core_certificate_path(s, target);
    char *pem = NULL;
    size_t len = 0;
    gx_seal_key *key;
    bool ok = gx_file_read(s->arena, fetched, GX_SEAL_CERT_MAX_BYTES, &pem, &len, &diags) &&
              gx_seal_cert_parse(s->arena, pem, len, NULL, &key, &diags);
    if (!ok) {
        gx_diag *d = gx_diags_push(&diags, GX_BLOCKING, GX_CODE_V31, "sealed-secrets/certificate",
                                   "the infrastructure target ran, but what it fetched from the "
                                   "Sealed Secrets controller is no usable certificate; %s was "
                                   "not changed",
                                   dest);
        if (d)
            d->hint = "fetch it by hand (docs/gitops.md) and set sealed-secrets/certificate";
    } else {
        ok = gx_file_write_atomic(dest, pem, len, 0644 & ~gx_core_umask(), true, &diags);
    }
    unlink(fetched);
    if (ok)
        gx_emit_file(sink, dest, 0644 & ~gx_core_umask(), true);
    gx_emit_diags(sink, &diags, GX_EV_DIAG);
    gx_diags_free(&diags);
    if (!ok)
        return false;
    if (!value || strcmp(value, target) != 0) {
        const char *text = gx_arena_printf(s->arena, "sealed-secrets/certificate=%s", target);
        gx_assignment set = {text, false};
        if (gx_op_set(s, &set, 1, NULL, sink, NULL) != GX_STATUS_OK)
            return false;
    }
    gx_emit_status(sink,
                   "the Sealed Secrets controller's certificate is in %s (SHA-256 %.16s..., "
                   "valid until %s); the next export seals the secrets with it",
                   dest, gx_seal_key_fingerprint_hex(key),
                   gx_core_date(s->arena, gx_seal_key_not_after(key)));
    return true;
}
