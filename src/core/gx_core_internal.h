/* gx_core_internal — what the core's own files share: the session, loading
 * the workspace and the request's layers into a model, the workspace lock,
 * the revision, and emitting events. Core-internal: front ends never see it.
 * Depends on the config, render and os layers. */
#ifndef GX_CORE_INTERNAL_H
#define GX_CORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_core.h"
#include "gx_model.h"

#define GX_VALUES_FILE "values.yaml"
#define GX_SECRETS_FILE "secrets.yaml"
/* The JSON Schema of the values (gx_core_json_schema), for editors: values.yaml
 * names it in its first line (# yaml-language-server: $schema=...), relative
 * to the workspace. */
#define GX_SCHEMA_FILE ".glyphoxa-deploy/values.schema.json"

typedef struct gx_session_set {
    char *text;     /* "PATH=VALUE" or "PATH=FILE" */
    bool from_file;
} gx_session_set;

struct gx_session {
    char *workspace;            /* malloc'd */
    char **values_files;        /* -f layers, malloc'd */
    size_t values_file_count;
    gx_session_set *sets;       /* --set layers, malloc'd */
    size_t set_count;
    gx_arena *arena;            /* per request: everything operations return */
    int lock_fd;                /* the workspace lock while an operation holds it */
    bool render_without_secrets; /* during an export without secrets: empty secrets
                                  * do not block (gx_core_defer_empty_secrets) */
    bool fetching_certificate;  /* during apply infrastructure --fetch-certificate: a
                                 * certificate that cannot be used does not block
                                 * (gx_core_defer_certificate) */
    const char *deferred_certificate; /* the certificate value it then cleared (arena) */
    char *client;               /* who holds the lock, for waiters (malloc'd; NULL:
                                 * "glyphoxa-deploy") */
    gx_sink wait_sink;          /* hears lock waits (STATUS), gx_session_set_client */
    bool lock_exclusive;        /* lock_fd is held exclusively (and noted) */
    struct gx_draft_edit *draft; /* unsaved edits (gx_draft.c), malloc'd */
    size_t draft_count;
    bool reading;               /* inside gx_core_read: the draft applies */
};

/* Applies the session's draft to a load (gx_draft.c): unsets clear the path in
 * values and secrets; sets and component switches go into draft (a layer of
 * kind GX_LAYER_DRAFT, initialised here). False with diagnostics when a
 * drafted text no longer parses (it was checked when drafted). */
bool gx_core_apply_draft(gx_session *s, gx_layer *values, gx_layer *secrets, gx_layer *draft,
                         gx_diags *diags);
/* Frees the draft's entries. */
void gx_core_draft_free(gx_session *s);

/* The workspace as loaded by gx_core_load. */
typedef struct gx_loaded {
    gx_model *model;            /* the effective configuration and origins */
    gx_layer *values;           /* values.yaml alone */
    gx_layer *secrets;          /* secrets.yaml alone */
    const char *secrets_path;
    const char *secrets_text;   /* its bytes (NULL when missing) */
    size_t secrets_len;
    const char *values_path;    /* "<workspace>/values.yaml" (or "values.yaml") */
    const char *values_text;    /* its bytes (NULL when missing) */
    size_t values_len;
    bool values_exists;
    const char *revision;       /* hex SHA-256 of what was read: gx_loaded_revision */
} gx_loaded;

/* The revision of what was loaded (computed on first use: hashing costs
 * more than a render of the stream needs). */
const char *gx_loaded_revision(gx_session *s, gx_loaded *ld);

/* "<workspace>/<name>" in the session arena ("name" alone for "."). */
const char *gx_core_path(gx_session *s, const char *name);

/* Reads values.yaml and secrets.yaml (a missing secrets.yaml is an empty
 * layer), each values file and each set into a model. layers false: the
 * workspace alone (for writes). Errors go to diags (false); warnings too (a
 * secret found in values.yaml, …) without failing: callers report them. */
bool gx_core_load(gx_session *s, bool layers, gx_loaded *out, gx_diags *diags);

/* Reads the session's values and layers under a shared lock (released
 * before it returns): gx_core_load with the lock. */
bool gx_core_read(gx_session *s, gx_loaded *out, gx_diags *diags);

/* Gives each rule result about a path the file:line:col of its value when
 * the value came from a file. */
void gx_core_locate_results(gx_diags *results, const gx_model *m);

/* The hex revision of the bytes of values.yaml and secrets.yaml (NULL: missing). */
const char *gx_core_revision_of(gx_session *s, const char *values, size_t values_len,
                                const char *secrets, size_t secrets_len);

/* Takes the workspace lock (exclusive or shared). A shared lock that cannot
 * be had because the state directory cannot be created (a read-only
 * workspace) is skipped: true with no lock. False with a diagnostic on other
 * failures. */
bool gx_core_lock(gx_session *s, bool exclusive, gx_diags *diags);
void gx_core_unlock(gx_session *s);

/* "PATH=FILE" → "PATH=<the file's content as a value>" (gx_core_value_text),
 * in the session arena; NULL with a diagnostic. */
const char *gx_core_assignment_from_file(gx_session *s, const char *assignment, gx_diags *diags);

/* True when the value of field holds credentials: a secret path, or a
 * structured value with credentials inside (an MCP server's auth.token,
 * auth.oauth.client_secret or env). Such values live in secrets.yaml. */
bool gx_core_holds_credentials(int field, gx_value v);

/* A scalar node holding "<redacted>", at the position of like (may be NULL). */
struct gx_node;
struct gx_node *gx_core_redacted_node(gx_arena *arena, const struct gx_node *like);

/* The value a read shows for v (credentials inside structured values
 * redacted unless secrets are shown). */
gx_value gx_core_shown_value(gx_session *s, const gx_value_info *v);

/* Adds a warning to out when secrets.yaml is readable by others. */
void gx_core_check_secrets_mode(gx_session *s, const gx_loaded *ld, gx_diags *out);

/* Locks (exclusive or shared), loads the session's values and validates
 * them, reporting every diagnostic and result to sink. False when loading
 * failed or a result is blocking (*status says how; the lock is released);
 * on true the lock stays held and *ld holds the model. */
bool gx_core_load_valid(gx_session *s, bool exclusive, const gx_sink *sink, gx_loaded *ld,
                        gx_status *status);

/* Runs the rules on cfg with the session's workspace as their environment
 * (local chart paths are looked up relative to it): gx_validate_with. */
void gx_core_validate(gx_session *s, const struct gx_config *cfg, gx_diags *results);

/* The first install order (gx_apply_infra.c). Warnings (code not-installed,
 * remedy: run the infrastructure target) for each infrastructure component
 * on in cfg that no successful infrastructure run of the workspace
 * installed; and, after such a run, recording the components it installed
 * in .glyphoxa-deploy/infrastructure-applied. */
void gx_apply_infra_check(gx_session *s, const struct gx_config *cfg, gx_diags *diags);
void gx_apply_infra_record(gx_session *s);

/* Blocking results about secret paths whose value is empty become notes:
 * a render without secrets gets them at deploy time. */
void gx_core_defer_empty_secrets(gx_diags *results, const gx_model *m);

/* Event helpers: each does nothing when sink or sink->event is NULL. */
void gx_emit(const gx_sink *sink, const gx_event *ev);
void gx_emit_diag(const gx_sink *sink, const gx_diag *d);
void gx_emit_diags(const gx_sink *sink, const gx_diags *diags, gx_event_kind kind);
void gx_emit_file(const gx_sink *sink, const char *path, unsigned mode, bool changed);
void gx_emit_change(const gx_sink *sink, const char *what, const char *subject);
void gx_emit_status(const gx_sink *sink, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void gx_emit_done(const gx_sink *sink, int status);
/* A note (GX_NOTE diagnostic) with a printf-formatted message. */
void gx_emit_note(const gx_sink *sink, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The status for a failed load or request: BAD_REQUEST when diags hold a
 * request problem, FAILED otherwise. */
gx_status gx_status_of(const gx_diags *diags);

/* A JSON string of s (NULL: ""); bytes that are not valid UTF-8 become U+FFFD. */
json_t *gx_json_text(const char *s);

/* The JSON form of a typed value of field: strings, integers, booleans, enum
 * choices, objects of strings, arrays of strings, structured values as JSON. */
json_t *gx_json_typed(int field, gx_value v);

/* Writes the JSON Schema to GX_SCHEMA_FILE of the workspace (a FILE event);
 * false with a diagnostic. The caller holds the workspace lock. */
bool gx_core_write_schema_file(gx_session *s, const gx_sink *sink, gx_diags *diags);

/* Creating a workspace (init, import). gx_core_begin_create makes the
 * directory, takes the exclusive lock and refuses an existing values.yaml
 * unless force (workspace-exists, remedy: force); false with a diagnostic
 * (the lock may be held: end with gx_core_end_write). Then
 * gx_core_create_workspace writes layer as a new workspace: secrets.yaml
 * (the paths holding credentials) and values.yaml, the JSON Schema, and
 * .gitignore (replaced with force), each with a FILE event.
 * gx_core_workspace_texts gives the two texts it would write, secrets.yaml
 * empty when nothing is secret, and writes nothing. gx_core_end_write
 * releases the lock, reports the diagnostics (notes too on success), frees
 * them and returns the status. */
bool gx_core_begin_create(gx_session *s, bool force, gx_diags *diags);
bool gx_core_create_workspace(gx_session *s, const gx_layer *layer, bool force,
                              const gx_sink *sink, gx_diags *diags);
bool gx_core_workspace_texts(gx_session *s, const gx_layer *layer, gx_buf *values,
                             gx_buf *secrets, gx_diags *diags);
gx_status gx_core_end_write(gx_session *s, bool ok, const gx_sink *sink, gx_diags *diags);

/* Copies diags into the session arena as a list (for results returned). */
gx_diags *gx_core_keep_diags(gx_session *s, const gx_diags *diags);

#ifdef GX_TEST_HOOKS
#define GX_HOOK(point, ws)                                                                       \
    do {                                                                                         \
        if (gx_core_test_hook)                                                                   \
            gx_core_test_hook(point, ws);                                                        \
    } while (0)
#else
#define GX_HOOK(point, ws) ((void)0)
#endif

#endif
