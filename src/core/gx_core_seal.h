/* gx_core_seal — sealed secrets in the core: the controller's certificate
 * (sealed-secrets/certificate, a PEM file relative to the workspace) read
 * and checked for rule V31, the sealer an export seals with, and its cache of
 * earlier ciphertexts in .glyphoxa-deploy/sealed-cache (mode 0600: cache keys
 * and ciphertexts, never a plaintext; see gx_sealer.h). Core-internal.
 * Depends on gx_seal, gx_sealer (render), gx_files (os), jansson.
 *
 * The cache file is one JSON object:
 *   {"format": 1, "salt": "<64 hex digits>",
 *    "entries": [{"key": "<64 hex>", "sealed": "<base64>"}, ...]}
 * An export writes the entries it used first, then older ones (each group in
 * the order of the file, new ones last), at most GX_SEAL_CACHE_MAX in all:
 * values sealed for another render (an export with -f, --out) stay for a
 * while. A cache that cannot be read is ignored (a note): values are sealed
 * afresh. */
#ifndef GX_CORE_SEAL_H
#define GX_CORE_SEAL_H

#include <stdbool.h>

#include "gx_core_internal.h"
#include "gx_files.h"
#include "gx_rules.h"
#include "gx_sealer.h"

#define GX_SEAL_CACHE_FILE GX_STATE_DIR "/sealed-cache"
#define GX_SEAL_CACHE_FORMAT 1
#define GX_SEAL_CACHE_MAX 256
/* the largest certificate file read (a PEM certificate is a few KiB) */
#define GX_SEAL_CERT_MAX_BYTES (1024 * 1024)

/* For apply infrastructure --fetch-certificate: a blocking V31 result (the
 * certificate named cannot be used) becomes a warning, and the certificate is
 * cleared in m's configuration, so that this run exports plain Secrets (as
 * before any certificate) while it fetches one. Returns the value cleared, or
 * NULL when nothing was deferred. */
const char *gx_core_defer_certificate(gx_diags *results, gx_model *m);

/* After a successful apply infrastructure --fetch-certificate: checks the
 * certificate infra.sh fetched into fetched (a PEM file), puts it at value
 * (sealed-secrets/certificate; "sealed-secrets-cert.pem" in the workspace
 * when empty) and sets that path when it was empty. False with a blocking
 * diagnostic (emitted to sink) when nothing usable was fetched. The caller
 * holds the workspace lock (gx_op_set releases it). */
bool gx_core_certificate_install(gx_session *s, const char *fetched, const char *value,
                                 const gx_sink *sink);

#define GX_CERTIFICATE_DEFAULT "sealed-secrets-cert.pem"

/* The probe of rule V31 (gx_validate_env.probe_certificate); ctx is the
 * session. */
gx_cert_probe gx_core_probe_certificate(void *ctx, const char *path, gx_arena *arena,
                                        const char **detail);

/* The path of a certificate value as the tool opens it: absolute as given, or
 * below the workspace (session arena). */
const char *gx_core_certificate_path(gx_session *s, const char *value);

/* A sealer for an export of cfg, when its secrets are sealed
 * (gx_secrets_sealed) and no_secrets is off: reads the certificate, and the
 * cache of the workspace (a new salt when there is none). *active says
 * whether sealing applies; when it does not, sealer is untouched and true is
 * returned. False with a blocking diagnostic when the certificate cannot be
 * read or parsed. Free with gx_sealer_free. */
bool gx_core_sealer_begin(gx_session *s, const struct gx_config *cfg, bool no_secrets,
                          gx_sealer *sealer, bool *active, gx_diags *diags);

/* Writes the cache of sealer to the workspace (atomically, 0600), when this
 * export sealed something new or the file would otherwise change; a failure
 * is a warning (the next export seals those values again). The caller holds
 * the workspace lock. */
void gx_core_sealer_save(gx_session *s, const gx_sealer *sealer, gx_diags *diags);

#endif
