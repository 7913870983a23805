/* gx_export — renders every compiled-in template for a configuration and
 * writes the result (docs/targets.md): into a workspace's generated/ and scripts/
 * (swapped in atomically) or into another directory (--out); records what
 * was exported in .glyphoxa-deploy/last-export. (The --stdout stream is a
 * render set's: gx_render_set.stream.) Depends on gx_derived (gx_derive), gx_render,
 * gx_templates and gx_schema (generated), gx_files, gx_arena, gx_buf,
 * gx_diag, jansson (the record) and nettle (SHA-256).
 *
 * Errors are added to diags and reported by a false return; nothing is
 * printed.
 * The caller holds the workspace lock (gx_lock_workspace) around an export to
 * disk: this module does not take it. */
#ifndef GX_EXPORT_H
#define GX_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_render.h"
#include "gx_renderset.h"

struct gx_config;
struct gx_derived;

/* The record of the last export, below the directory exported to. */
#define GX_LAST_EXPORT_FILE ".glyphoxa-deploy/last-export"
#define GX_LAST_EXPORT_FORMAT 1

/* The top-level directories an export replaces as a whole. */
#define GX_EXPORT_TOP_GENERATED "generated"
#define GX_EXPORT_TOP_SCRIPTS "scripts"

/* ---- to disk ---------------------------------------------------------------------- */

typedef struct gx_export_opts {
    const char *workspace;   /* the workspace directory; required unless out_dir */
    const char *out_dir;     /* --out DIR: generated/, scripts/ and the record go below
                              * DIR (created 0755 if missing) instead of the workspace;
                              * NULL: the workspace */
    bool no_secrets;         /* --no-secrets: derived/no-secrets is set, the Secret
                              * generated/secrets.yaml is not written, and the record
                              * says so (apply refuses to run from such an export) */
    gx_sealer *sealer;       /* seals the secrets when the values say they are sealed
                              * (derived/sealed; gx_render_set.sealer); NULL otherwise */
    const gx_template *templates; /* NULL: the compiled-in table (tests pass their own) */
    size_t template_count;
    size_t *files_written;   /* out, optional: how many files were written or streamed */
    size_t *files_changed;   /* out, optional (to disk): how many of them differ from what
                              * was there (content or mode); 0: nothing was written */
    bool sweep_stale;        /* the caller holds the workspace lock of DEST exclusively:
                              * staging directories an export killed earlier left below
                              * DEST/.glyphoxa-deploy are removed first */
    /* called for every file of an export to disk, in path order, after it is in
     * place: its path below DEST, mode, and whether it changed */
    void (*on_file)(void *ctx, const char *path, unsigned mode, bool changed);
    void *file_ctx;
} gx_export_opts;

/* The record an export to disk writes before it swaps the trees in, and
 * renames to GX_LAST_EXPORT_FILE after: while it exists, an export was
 * interrupted between the two swaps, and generated/ and scripts/ may come
 * from different exports (gx_export_interrupted). */
#define GX_LAST_EXPORT_PENDING ".glyphoxa-deploy/last-export.pending"

/* True when dir holds the pending record of an export that did not finish:
 * the trees below it may be mixed. The next export to dir repairs them. */
bool gx_export_interrupted(const char *dir);

/* Test hook (tests only; NULL in the tool): called at the named points of an
 * export to disk ("export:staged", "export:pending", "export:swapped",
 * "export:recorded"), e.g. to kill the process there. */
extern void (*gx_export_test_step)(const char *step);

/* Renders every template for cfg and writes the outputs.
 *
 * To disk (workspace, or out_dir): every non-skipped output is written into a
 * staging directory below DEST/.glyphoxa-deploy (created 0700 if missing),
 * with its gx_export_mode, then DEST/generated and DEST/scripts are each
 * replaced as a whole by the staged trees (gx_staging_commit; a top dir with
 * no output becomes an empty directory). So: a failure at any point before
 * the swap leaves the previous generated/ and scripts/ exactly as they were,
 * and files that the new export does not produce (a component switched off)
 * are gone after it. Then DEST/.glyphoxa-deploy/last-export is replaced
 * (atomically, mode 0600) by the record of this export; when that write fails
 * after a successful swap, the old record is removed (so no one acts on a
 * stale one) and false is returned with a diagnostic saying the files were
 * exported.
 *
 * Every output must lie below generated/ or scripts/ (a diagnostic otherwise,
 * before anything is written).
 *
 * Modes: a file that holds secrets gets exactly its owner-only mode; every
 * other file gets its mode with the umask applied, as any new file would.
 *
 * Nothing changes, nothing is written: when every output equals the file
 * in place (bytes and mode), no other file is in generated/ or scripts/, and
 * the record would read the same, the export writes nothing at all and file
 * times stay. Otherwise unchanged files are hard-linked into the staging
 * tree (their times stay too) and only changed ones are written.
 *
 * Returns true on success. */
bool gx_export(const struct gx_config *cfg, const gx_export_opts *opts, gx_diags *diags);

/* ---- the record of the last export ------------------------------------------------ */

/* DEST/.glyphoxa-deploy/last-export (mode 0600) is one JSON object, keys in
 * this order, written by jansson with two-space indentation and a final
 * newline (shown compacted here):
 *
 *   {"format": 1, "tool-version": "0.1.0",
 *    "namespace": "glyphoxa", "release-name": "glyphoxa", "no-secrets": false,
 *    "files": [{"path": "generated/config.yaml", "mode": "0644",
 *               "sha256": "<64 lower-case hex digits>"}, ...]}
 *
 * files lists every file written, in table order (bytewise by path), with its
 * octal mode and the SHA-256 of its content. namespace and release-name are
 * core/namespace and core/release-name of the exported configuration: the
 * targets that do not export act on these, not on values edited since.
 * no-secrets true means the export left secrets out: apply must refuse it. */

typedef struct gx_export_file {
    const char *path;   /* "generated/gateway.yaml" */
    unsigned mode;      /* 0644 */
    const char *sha256; /* 64 lower-case hex digits */
} gx_export_file;

typedef struct gx_last_export {
    int format;
    const char *tool_version;
    const char *namespace_;
    const char *release_name;
    bool no_secrets;
    size_t file_count;
    gx_export_file *files;
} gx_last_export;

typedef enum gx_last_export_status {
    GX_LAST_EXPORT_OK,   /* *out is filled */
    GX_LAST_EXPORT_NONE, /* nothing was exported there yet (no record); no diagnostic */
    GX_LAST_EXPORT_BAD   /* unreadable or malformed record; one diagnostic */
} gx_last_export_status;

/* Reads dir/.glyphoxa-deploy/last-export into *out (strings in arena). */
gx_last_export_status gx_last_export_read(gx_arena *arena, const char *dir,
                                          gx_last_export *out, gx_diags *diags);



#endif
