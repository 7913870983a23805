/* gx_history — the release state of a workspace (core-internal): the record
 * of what was last deployed (.glyphoxa-deploy/deployed) and the revisions
 * kept under .glyphoxa-deploy/history/N/, each the applied generated/ and
 * scripts/ trees, the values that made them and its record (revision.json),
 * every file mode 0600 and every directory 0700.
 *
 * A record (deployed, and each revision.json) is one JSON object:
 *   {"format": 1, "revision": 3, "rollback-of": null, "target": "default",
 *    "time": "2026-12-01T16:10:22Z", "tool-version": "0.1.0",
 *    "namespace": "glyphoxa", "release-name": "glyphoxa",
 *    "components": ["gateway", "worker", ...], "export-hash": "<sha256>",
 *    "namespace-created": false, "sealed-secrets-installed": false,
 *    "exit-status": 0,
 *    "files": [{"path": "generated/config.yaml", "mode": "0644", "sha256": "..."}]}
 * "secrets-sealed": true follows "sealed-secrets-installed" in the record of
 * a deploy whose secrets were SealedSecrets (left out otherwise).
 * export-hash is the SHA-256 over "PATH\tSHA256\n" of every file in order.
 * Written only by a successful apply that is no dry run (gx_apply.c). */
#ifndef GX_HISTORY_H
#define GX_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_core_internal.h"
#include "gx_export.h"

#define GX_DEPLOYED_FILE ".glyphoxa-deploy/deployed"
#define GX_HISTORY_DIR ".glyphoxa-deploy/history"
#define GX_HISTORY_RECORD "revision.json"
#define GX_HISTORY_DEFAULT_LIMIT 10

typedef struct gx_release_record {
    int revision;            /* its number below history/ */
    int rollback_of;         /* 0: none */
    const char *target;      /* "default" or "infrastructure" */
    const char *time;        /* UTC, ISO 8601 */
    const char *tool_version;
    const char *namespace_, *release_name;
    const char **components; /* enabled ones, schema order */
    size_t component_count;
    const char *export_hash;
    bool namespace_created;        /* the tool created the namespace (some apply of it) */
    bool sealed_secrets_installed; /* this workspace installed the controller */
    bool secrets_sealed;           /* the release's secrets were applied as SealedSecrets */
    int exit_status;
    gx_export_file *files;
    size_t file_count;
} gx_release_record;

typedef enum gx_record_status {
    GX_RECORD_OK,
    GX_RECORD_NONE, /* no such record; no diagnostic */
    GX_RECORD_BAD   /* unreadable or malformed; one diagnostic */
} gx_record_status;

/* The deployed record. */
gx_record_status gx_deployed_read(gx_session *s, gx_release_record *out, gx_diags *diags);
/* The record of revision n. */
gx_record_status gx_revision_read(gx_session *s, int n, gx_release_record *out,
                                  gx_diags *diags);
/* "<workspace>/.glyphoxa-deploy/history/N" (as gx_core_path). */
const char *gx_history_path(gx_session *s, int n);
/* The revision numbers kept, ascending, in the session arena. */
size_t gx_history_list(gx_session *s, int **out);

/* The export hash of a file list. */
const char *gx_export_hash(gx_session *s, const gx_export_file *files, size_t count);

/* Copies src/generated and src/scripts, and values.yaml and secrets.yaml of
 * the workspace (when present; values_from: another directory holding them,
 * e.g. a revision), into a new pending directory below history/ (files 0600,
 * directories 0700). Returns its path (session arena), or NULL with a
 * diagnostic. */
const char *gx_history_stage(gx_session *s, const char *src, const char *values_from,
                             gx_diags *diags);
/* Turns the pending directory into the next revision: rec->revision is set,
 * revision.json and the deployed record are written, and all but the newest
 * limit revisions are removed. False with a diagnostic (the pending directory
 * is then removed). */
bool gx_history_commit(gx_session *s, const char *pending, gx_release_record *rec, int limit,
                       gx_diags *diags);
/* Removes a pending directory (NULL: nothing). */
void gx_history_discard(const char *pending);

/* The current UTC time as ISO 8601, in the session arena. */
const char *gx_history_now(gx_session *s);

#endif
