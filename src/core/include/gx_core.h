/* gx_core — THE API every front end drives: the command line (src/cli), and
 * the terminal UI, web UI and MCP server to come. A front end includes this
 * header and base headers only (the build enforces it); it turns its input
 * (argv, a key, an HTTP request, a JSON-RPC call) into an operation on a
 * session, and shows the events the operation reports its own way.
 *
 * Depends on base (gx_arena, gx_buf, gx_diag, gx_types) and jansson.
 *
 * Rules every operation keeps:
 *  - It never prints, never sees argv or flag names, and never writes to the
 *    process's stdout or stderr: it reports through the sink it is given
 *    (events, below) and returns a status. Output meant for stdout (the
 *    export stream) goes into a buffer the caller owns.
 *  - Every operation that writes or renders takes the workspace lock before
 *    it reads the values (exclusive for writes and exports to disk, shared
 *    for renders to a stream), so what it writes is never based on values
 *    another process changed in between.
 *  - Problems are diagnostics (gx_diag.h): load errors, rule results and
 *    operation errors alike; messages never name command-line flags; the fix
 *    is data (gx_remedy).
 *  - Memory: what an operation returns lives in the session's arena, valid
 *    until the session is freed or gx_session_reset. json_t values returned
 *    are new references the caller owns. */
#ifndef GX_CORE_H
#define GX_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_types.h"

/* ---- statuses ------------------------------------------------------------------ */

/* What an operation returns; the numbers are the command line's exit statuses. */
typedef enum gx_status {
    GX_STATUS_OK = 0,          /* done */
    GX_STATUS_FAILED = 1,      /* validation or operation failure */
    GX_STATUS_BAD_REQUEST = 2  /* the request names something unknown or malformed */
} gx_status;

/* ---- the compiled-in schema: facts that need no session --------------------- */

size_t gx_core_field_count(void);
const gx_field *gx_core_field(size_t index);
/* The index of path, or -1. */
int gx_core_field_find(const char *path);
/* "string", "int", "bool", "enum", "quantity", "map", "list", "yaml". */
const char *gx_core_type_name(gx_type type);
/* Adds the unknown-path diagnostic for path to diags: code unknown-path, a
 * did-you-mean hint naming the nearest path, and a remedy. */
void gx_core_unknown_path(gx_diags *diags, const char *path);
/* True when prefix names a section of paths ("gateway", "worker/profiles"):
 * some path starts with prefix + "/". */
bool gx_core_is_section(const char *prefix);

size_t gx_core_component_count(void);
const gx_component_info *gx_core_component(size_t index);
int gx_core_component_find(const char *name);

size_t gx_core_target_count(void);
const gx_target_info *gx_core_target(size_t index);
int gx_core_target_find(const char *name);

/* One validation rule as `list rules` shows it. */
typedef struct gx_rule_info {
    const char *id;         /* "V5" */
    gx_code code;
    const char *summary;
    const char *severities; /* "blocking", "warning" or "blocking, warning" */
} gx_rule_info;
size_t gx_core_rule_count(void);
gx_rule_info gx_core_rule(size_t index);

/* The JSON Schema (draft 2020-12) of values.yaml and secrets.yaml, written
 * from the compiled field table: every path with its type, default,
 * description, choices, range and pattern, the components map, and the
 * shapes of structured values (tolerations, NPCs, MCP servers, provider
 * options, …) under $defs. *out is a new reference the caller owns. Needs no
 * session and reads no file: the same bytes for the same binary. */
gx_status gx_core_json_schema(json_t **out);

/* The tool's version ("0.1.0"). */
const char *gx_core_version(void);

/* The files of web/ compiled into the binary (the web UI's page), sorted
 * bytewise by path: path below web/, content type, bytes. */
size_t gx_core_asset_count(void);
const gx_asset *gx_core_asset(size_t index);

/* ---- commands as data --------------------------------------------------------- */

/* One option of a command. */
typedef enum gx_opt_kind {
    GX_OPT_FLAG,   /* --name */
    GX_OPT_VALUE,  /* --name VALUE or --name=VALUE; the last one given wins */
    GX_OPT_REPEAT  /* --name VALUE, repeatable, all kept in order */
} gx_opt_kind;

typedef struct gx_cmd_option {
    const char *name;        /* "--timeout" */
    const char *short_name;  /* "-f", or NULL */
    gx_opt_kind kind;
    const char *value_name;  /* "SECONDS", NULL for flags */
    const char *help;
    const char *complete;    /* what completes its value: "paths", "components",
                              * "targets", "files", "dirs", a "|"-separated list of
                              * words, or NULL */
} gx_cmd_option;

/* A positional argument. */
typedef struct gx_cmd_arg {
    const char *name;        /* "PATH=VALUE" */
    const char *help;
    unsigned min, max;       /* how many; max GX_CMD_ANY: no limit */
    const char *complete;    /* as gx_cmd_option.complete */
} gx_cmd_arg;
#define GX_CMD_ANY 0xffffu

/* What the dispatcher sets up before a command runs. */
enum {
    GX_CMD_NEEDS_WORKSPACE = 1 << 0, /* fails with no-workspace when values.yaml is missing */
    GX_CMD_LOCKS = 1 << 1,           /* its operation takes the workspace lock */
    GX_CMD_VALIDATES = 1 << 2,       /* blocking results stop it */
    GX_CMD_WRITES = 1 << 3,          /* changes files of the workspace */
    GX_CMD_LAYERS = 1 << 4           /* reads -f/--set layers */
};

typedef struct gx_command_info {
    const char *name;                /* "apply" */
    const char *summary;             /* one line for the command list */
    const char *synopsis;            /* "apply [TARGET] [options]" */
    const char *description;         /* paragraphs of help */
    const gx_cmd_option *options;    /* terminated by a row with name NULL */
    const gx_cmd_arg *args;          /* terminated by a row with name NULL */
    const char *const *examples;     /* NULL-terminated */
    unsigned flags;                  /* GX_CMD_* */
} gx_command_info;

/* Every command, in the order the help lists them. */
size_t gx_core_command_count(void);
const gx_command_info *gx_core_command(size_t index);
const gx_command_info *gx_core_command_find(const char *name);
/* The options every command takes (-C, -f, --set, --set-file, --help). */
const gx_cmd_option *gx_core_global_options(void);

/* ---- events and sinks ---------------------------------------------------------- */

typedef enum gx_event_kind {
    GX_EV_DIAG,    /* a diagnostic of the operation (load error, failure, warning, note) */
    GX_EV_RESULT,  /* a validation result */
    GX_EV_STEP,    /* a target's step: step of steps, text is the title */
    GX_EV_OUTPUT,  /* one line of a child's output: text/len without '\n', stream 1 or 2 */
    GX_EV_FILE,    /* a file written (changed true) or left as it was (changed false) */
    GX_EV_CHANGE,  /* a value changed: text "set", "unset", "enabled", "disabled",
                    * "generated"; subject the path or component */
    GX_EV_STATUS,  /* a line about the operation's progress (text), e.g. a target start */
    GX_EV_DONE     /* the operation ended: status */
} gx_event_kind;

typedef struct gx_event {
    gx_event_kind kind;
    const gx_diag *diag;  /* DIAG, RESULT */
    const char *text;     /* STEP, OUTPUT, CHANGE, STATUS */
    size_t len;           /* of text */
    int stream;           /* OUTPUT: 1 stdout, 2 stderr */
    int step, steps;      /* STEP */
    const char *subject;  /* FILE: path as given to the operation; CHANGE: path or component */
    unsigned mode;        /* FILE: its mode */
    bool changed;         /* FILE */
    bool partial;         /* OUTPUT: text has no end of line yet (a prompt on stderr
                           * waiting for an answer); the line goes on in a later
                           * OUTPUT event */
    int status;           /* DONE */
} gx_event;

typedef struct gx_sink {
    void (*event)(void *ctx, const gx_event *ev);
    void *ctx;
} gx_sink;

/* ---- sessions ---------------------------------------------------------------- */

/* A workspace plus the extra layers of one request or client, with its own
 * memory. Create one per request (or per client and reset it per request). */
typedef struct gx_session gx_session;

/* A new session on workspace (a directory; "." for the current one). Never fails. */
gx_session *gx_session_new(const char *workspace);
/* Adds a values file layered over the workspace (in the order added). */
void gx_session_add_values_file(gx_session *s, const char *file);
/* Adds a value that wins over every file ("PATH=VALUE"); from_file: the text
 * after '=' names a file whose content is the value. */
void gx_session_add_set(gx_session *s, const char *assignment, bool from_file);
const char *gx_session_workspace(const gx_session *s);
gx_arena *gx_session_arena(gx_session *s);
/* Frees everything the session's operations returned, keeps workspace and layers. */
void gx_session_reset(gx_session *s);
void gx_session_free(gx_session *s);

/* Names the session's client for the workspace lock ("glyphoxa-deploy
 * apply"; no secret: it is written into the lock file). An operation that
 * waits more than a second for the lock reports who holds it (pid and that
 * holder's client) as a STATUS event to status (may be NULL); an operation
 * holding the lock exclusively notes its own pid and client there. */
void gx_session_set_client(gx_session *s, const char *client, const gx_sink *status);

/* True when the workspace has a values.yaml. */
bool gx_session_has_workspace(const gx_session *s);
/* gx_session_has_workspace, or false with the no-workspace diagnostic (its
 * remedy: init) added to diags. Operations that read the values check it
 * too; a front end checks it first for commands that need a workspace. */
bool gx_session_require_workspace(gx_session *s, gx_diags *diags);

/* ---- drafts: edits checked before they are saved ----------------------------------- */

/* A session may carry a draft: edits not saved yet, which the session's reads
 * (gx_op_get, gx_op_components, gx_op_validate) apply over values.yaml and
 * secrets.yaml as if they were saved, so a front end can show and check
 * candidate values as the operator types (their origin: layer "draft", text
 * "edited (not saved)"). Writes (set, unset, component, init), export,
 * preview and apply load the files alone. A path has at most one drafted
 * edit (set or unset) and a component one switch: a later one replaces it.
 * gx_session_clone does not copy the draft. */

/* Drafts path = text (the text `set` takes, parsed by the path's type). False
 * with a diagnostic (unknown-path; bad-value or wrong-type, for structured
 * values with the text's line:col) when it does not parse: the draft keeps
 * what it had for path. */
bool gx_session_draft_set(gx_session *s, const char *path, const char *text, gx_diags *diags);
/* Drafts returning path to its default (as unset). False for an unknown path. */
bool gx_session_draft_unset(gx_session *s, const char *path, gx_diags *diags);
/* Drafts switching a component on or off. False for an unknown component or
 * for disabling a mandatory one. (Enabling postgresql drafts no password: the
 * write, gx_op_component, generates it.) */
bool gx_session_draft_component(gx_session *s, const char *name, bool enable, gx_diags *diags);
/* How many paths and components the draft changes. */
size_t gx_session_draft_count(const gx_session *s);
/* Forgets the draft. */
void gx_session_draft_clear(gx_session *s);

/* ---- reading ------------------------------------------------------------------ */

/* Where an effective value comes from. */
typedef struct gx_origin_info {
    const char *layer;  /* "default", "topology", "values", "secrets", "overlay", "set",
                         * "draft" (a session's unsaved edit) */
    const char *detail; /* topology: "shared"/"dedicated"; overlay/values: the file */
    const char *file;   /* NULL for default, topology and set */
    int line, col;
    const char *text;   /* the whole origin as `get --explain` shows it:
                         * "default", "topology:dedicated", "values.yaml:12:5",
                         * "--values overlay.yaml:3:1", "--set" */
} gx_origin_info;

typedef struct gx_value_info {
    int field;
    const char *path;
    bool secret;
    bool redacted;      /* secret and not asked to show: text is "<redacted>" */
    bool shown;         /* asked to show secrets (else credentials inside structured
                         * values, such as an MCP server's token, read "<redacted>") */
    const char *text;   /* the value as YAML text; scalars without a newline */
    bool is_default;    /* no layer set it (schema or topology default) */
    gx_origin_info origin;
    const void *priv;   /* the core's own: the model the value was read from */
} gx_value_info;

typedef struct gx_values {
    gx_value_info *items;  /* in schema order */
    size_t count;
    const char *revision;  /* the workspace revision these values were read at */
} gx_values;

enum { GX_GET_SHOW_SECRETS = 1 };

/* Loads the workspace and layers and returns the effective values of
 * selector: one path, a section ("gateway" → every path below it), or NULL
 * for every path. Unknown selector: BAD_REQUEST with an unknown-path
 * diagnostic (and a did-you-mean). Load errors: FAILED (or BAD_REQUEST when
 * a layer given in the request is malformed) with their diagnostics. */
gx_status gx_op_get(gx_session *s, const char *selector, unsigned flags, const gx_sink *sink,
                    gx_values *out);

/* Appends the values as one YAML document nested by path segment (as
 * values.yaml is written), redacted secrets as "<redacted>"; with_origin: a
 * comment line naming each value's origin before it. */
void gx_core_values_yaml(gx_session *s, const gx_values *values, bool with_origin, gx_buf *out);

/* Component states after loading. enabled has gx_core_component_count()
 * entries. */
gx_status gx_op_components(gx_session *s, const gx_sink *sink, bool *enabled);

/* ---- validation ---------------------------------------------------------------- */

typedef struct gx_validation {
    bool loaded;           /* false: the values could not be read (diags hold why) */
    gx_diags *diags;       /* load errors (blocking) or rule results; in the session */
    size_t blocking, warnings;
    const char *revision;
} gx_validation;

/* Loads and validates. Every load error and rule result is also reported as
 * an event (GX_EV_RESULT). Rule results carry the file:line:col of the
 * value's origin when it came from a file. OK when nothing is blocking;
 * FAILED otherwise (BAD_REQUEST when the request's own layers are malformed). */
gx_status gx_op_validate(gx_session *s, const gx_sink *sink, gx_validation *out);

/* ---- writing -------------------------------------------------------------------- */

/* The result of a write: the new revision. */
typedef struct gx_write_result {
    const char *revision;
} gx_write_result;

/* Makes the content of a value file (or of standard input) the text of a
 * value for path: a UTF-8 byte order mark and NUL bytes are refused; for a
 * path of a scalar type (string, int, bool, enum, quantity) one trailing
 * "\n" or "\r\n" is removed — the way such files are usually made
 * (`echo key > file`) — while structured values keep their text. *len is
 * updated; text stays NUL-terminated. False with a bad-value diagnostic
 * naming where (a file name, or "standard input"). */
bool gx_core_value_text(const char *path, const char *where, char *text, size_t *len,
                        gx_diags *diags);

/* Sets values in the workspace: each assignment is "PATH=VALUE", parsed by
 * the path's type (from_file as in gx_session_add_set). if_revision: when
 * not NULL, the write happens only if the workspace is still at that
 * revision (else FAILED with a stale-revision diagnostic, nothing written).
 * Takes the lock before reading. Reports a CHANGE event per path. */
typedef struct gx_assignment {
    const char *text;  /* "PATH=VALUE" */
    bool from_file;    /* VALUE names a file */
} gx_assignment;
gx_status gx_op_set(gx_session *s, const gx_assignment *assignments, size_t count,
                    const char *if_revision, const gx_sink *sink, gx_write_result *out);
gx_status gx_op_unset(gx_session *s, const char *const *paths, size_t count,
                      const char *if_revision, const gx_sink *sink, gx_write_result *out);
/* Enables or disables components; enabling postgresql generates its password
 * when none is set (a CHANGE "generated" event). */
gx_status gx_op_component(gx_session *s, const char *const *names, size_t count, bool enable,
                          const char *if_revision, const gx_sink *sink, gx_write_result *out);

typedef struct gx_init_request {
    const char *topology, *namespace_, *release, *dsn, *environment; /* NULL: default */
    bool with_postgresql; /* implied when dsn is NULL */
    bool force;           /* replace an existing workspace */
} gx_init_request;
/* Writes a workspace that validates (FILE events for each file). */
gx_status gx_op_init(gx_session *s, const gx_init_request *req, const gx_sink *sink);

/* The workspace's current revision: SHA-256 (hex) over values.yaml (and the
 * secrets file once there is one); the revision of a workspace without
 * values.yaml is the hash of nothing. NULL on a read error (diags). */
const char *gx_core_revision(gx_session *s, gx_diags *diags);

/* ---- export ---------------------------------------------------------------------- */

typedef enum gx_export_dest {
    GX_EXPORT_WORKSPACE, /* generated/ and scripts/ of the workspace */
    GX_EXPORT_DIR,       /* the same below another directory */
    GX_EXPORT_STREAM     /* one YAML stream of the manifests into a buffer */
} gx_export_dest;

typedef struct gx_export_request {
    gx_export_dest dest;
    const char *dir;    /* GX_EXPORT_DIR */
    gx_buf *stream;     /* GX_EXPORT_STREAM: appended to; the caller writes it out */
    bool no_secrets;    /* render without secret values */
} gx_export_request;

typedef struct gx_export_result {
    size_t files;       /* written or streamed (to disk: every file the export holds,
                         * changed or not) */
    size_t changed;     /* to disk: how many differ from what was there (0: the export
                         * wrote nothing, and file times stayed) */
    const char *dir;    /* where the files went (NULL for a stream) */
    const char *revision;
} gx_export_result;

/* Locks, loads, validates (blocking results stop it: FAILED, nothing
 * written; warnings are RESULT events), renders and writes. FILE events for
 * every file, with changed false for a file that was in place already (an
 * export that changes nothing writes nothing). Leftovers of an export killed
 * earlier are swept; trees it left mixed are made whole (a note says so). */
gx_status gx_op_export(gx_session *s, const gx_export_request *req, const gx_sink *sink,
                       gx_export_result *out);

/* ---- apply ---------------------------------------------------------------------- */

typedef struct gx_apply_request {
    const char *target;       /* NULL: "default" */
    bool dry_run;
    int timeout_seconds;      /* 0: the target's default */
    const char *kubeconfig, *context;
    const char *kubectl, *helm; /* NULL: looked up on PATH */
    const char *const *target_options; /* NULL-terminated names the target accepts
                                        * ("delete-namespace") */
    bool use_terminal;        /* terminal_fd may be handed to the target: when it is a
                               * terminal on which this process is in the foreground,
                               * the target gets it as stdin and runs as its
                               * foreground process group until it ends (prompts of
                               * credential plugins work; Ctrl-C reaches the target
                               * directly); otherwise stdin is /dev/null */
    int terminal_fd;          /* with use_terminal: usually 0 */
    /* destroy deletes a production service, so it must be confirmed (not in
     * a dry run): confirmed says so in advance; else confirm, when set, asks
     * the operator to type expected (the namespace) and returns true when
     * they did; with neither the target is refused (FAILED), nothing runs. */
    bool confirmed;
    bool (*confirm)(void *ctx, const char *question, const char *expected);
    void *confirm_ctx;
} gx_apply_request;

/* A running target. */
typedef struct gx_apply gx_apply;

/* Validates the request (unknown target: BAD_REQUEST), prepares what the
 * target acts on (validation and export for pre-export targets, under the
 * lock held until the target ends; the last export otherwise), finds kubectl
 * and helm, and starts the target's script in its own process group with its
 * output delivered as events. On OK *out is the handle; otherwise nothing
 * runs and *out is NULL. */
gx_status gx_apply_start(gx_session *s, const gx_apply_request *req, const gx_sink *sink,
                         gx_apply **out);
/* A descriptor that becomes readable whenever gx_apply_poll has work. */
int gx_apply_fd(const gx_apply *a);
/* Delivers what is ready (waits up to timeout_ms; -1: until something
 * happens). True once the target has ended. */
bool gx_apply_poll(gx_apply *a, int timeout_ms);
/* Passes a signal to the target's whole process group. */
void gx_apply_signal(gx_apply *a, int sig);
/* Stops the target: its process group is terminated (killed after a grace
 * period); returns at once, later polls finish it. */
void gx_apply_cancel(gx_apply *a);
/* Waits for the end if needed, reports the DONE event, releases the lock and
 * the handle, and returns the exit status (the script's; 124 on timeout;
 * 128+n when ended by signal n). */
int gx_apply_finish(gx_apply *a);

/* ---- release state, history and rollback (src/core/gx_history.c) ---------------- */

/* A successful apply of default or infrastructure that is no dry run records
 * what it deployed (.glyphoxa-deploy/deployed: namespace, release,
 * components, the export's hashes, the tool version, the time) and keeps
 * the applied generated/ and scripts/ trees with the values that made them
 * as the next revision, .glyphoxa-deploy/history/N/ (mode 0600; the newest
 * core/history-limit are kept). stop, restart, status and destroy act on the
 * deployed revision's own scripts (before the first deploy: on the last
 * export, with a note saying so); a successful destroy removes the deployed
 * record. */

/* One revision as history lists it. */
typedef struct gx_revision_info {
    int number;
    const char *time;           /* UTC, ISO 8601 */
    const char *target;         /* "default" or "infrastructure" */
    const char *export_hash;    /* SHA-256 over the applied files' paths and hashes */
    const char *namespace_, *release_name, *tool_version;
    const char *const *components; /* enabled, schema order */
    size_t component_count;
    int exit_status;            /* 0: only successful applies are kept */
    int rollback_of;            /* the revision it re-applied; 0: none */
    bool deployed;              /* the deployed record names it */
} gx_revision_info;

typedef struct gx_history {
    gx_revision_info *items;    /* ascending */
    size_t count;
    int deployed;               /* the deployed revision; 0: none */
} gx_history;

/* The revisions kept (shared lock). A revision whose record cannot be read
 * is left out with a warning. */
gx_status gx_op_history(gx_session *s, const gx_sink *sink, gx_history *out);

/* What changed from revision a to revision b, appended to out: "added
 * PATH" / "removed PATH" lines, a unified diff per changed file, and
 * "changed PATH (it holds secrets: not shown)" for files that hold secrets.
 * An unknown revision: BAD_REQUEST. */
gx_status gx_op_history_diff(gx_session *s, int a, int b, const gx_sink *sink, gx_buf *out);

/* Re-applies revision (0: the one before the deployed one) as it was kept —
 * no validation, no render: its own script on its own tree — under the
 * exclusive lock, and on success records a new revision (rollback-of) and
 * the deployed record. req->target and target options are not used; the
 * rest as for gx_apply_start; follow it with gx_apply_fd/poll/finish. */
gx_status gx_rollback_start(gx_session *s, const gx_apply_request *req, int revision,
                            const gx_sink *sink, gx_apply **out);

/* {"revision", "time", "target", "export-hash", "namespace", "release-name",
 *  "components", "exit-status", "rollback-of", "tool-version", "deployed"} */
json_t *gx_json_revision(const gx_revision_info *r);

/* ---- import from the old Helm chart (src/core/gx_import.c) --------------------- */

/* What to import: the values of a release of the old chart
 * (deploy/helm/glyphoxa), layered the way Helm does: the chart's own
 * defaults, then each values file in order (maps merge, everything else is
 * replaced by the later file, null removes a key), then each set. */
typedef struct gx_import_request {
    const char *const *files;   /* values files, in order (later wins) */
    size_t file_count;
    const char *const *sets;    /* Helm set arguments ("a.b=1,c[0].d=x", "l={a,b}"), in order */
    size_t set_count;
    const char *release;        /* the Helm release the values belong to (its name decides
                                 * the objects' names, so core/release-name); without
                                 * files its values are read from the cluster (helm get
                                 * values RELEASE --all --output yaml). NULL: asked */
    const char *namespace_;     /* the release's namespace. NULL: asked */
    const char *const *provider_slots; /* "PROVIDER=KIND" answers ("openai=llm", a KIND
                                 * of config/providers, or "none") for the API keys of
                                 * the chart's secrets.* whose slot config.data does not
                                 * name; a provider may be given for several kinds */
    size_t provider_slot_count;
    bool dry_run;               /* report, and show the files, without writing */
    bool force;                 /* replace an existing workspace */
    const char *helm;           /* the helm to run (NULL: found on PATH) */
    const char *kubeconfig, *context; /* passed to helm, as for apply */
    /* Asks the operator (on a terminal) and returns the answer: one of choices
     * (NULL-terminated), or any text when choices is NULL; NULL when nobody can
     * answer. NULL: nobody can. What cannot be answered is an error naming the
     * question (remedy GX_REMEDY_ANSWER), and nothing is written. */
    const char *(*ask)(void *ctx, const char *question, const char *const *choices);
    void *ask_ctx;
} gx_import_request;

typedef enum gx_import_state {
    GX_IMPORT_SET,      /* written to the workspace */
    GX_IMPORT_DEFAULT,  /* carried over: the same as the default here, nothing to write */
    GX_IMPORT_DROPPED   /* not carried over: note says why */
} gx_import_state;

/* One chart key of the layered values. */
typedef struct gx_import_item {
    const char *key;    /* "gateway.replicaCount", "config.data.providers.llm.name" */
    const char *path;   /* where it went: a path, "components/NAME"; NULL when dropped */
    const char *value;  /* the value as YAML text (secrets "<redacted>"); NULL */
    gx_import_state state;
    const char *note;   /* how it was carried over, or why not; NULL */
} gx_import_item;

typedef struct gx_import_report {
    gx_import_item *items;     /* in the chart's key order, then the keys it does not know */
    size_t count;
    const char **changes;      /* settings whose behaviour changes, one sentence each */
    size_t change_count;
    const char *release;       /* the Helm release */
    const char *namespace_;
    const char *release_name;  /* core/release-name: the chart's name of its objects */
    const char *values_text;   /* what values.yaml gets (also written) */
    const char *secrets_text;  /* what secrets.yaml gets, every value "<redacted>"; NULL:
                                * no secret */
    size_t blocking, warnings; /* validation of the imported values (RESULT events) */
} gx_import_report;

/* Imports the values into a new workspace (refused when values.yaml exists,
 * unless force): values.yaml, secrets.yaml, the JSON Schema and .gitignore
 * (FILE events), and .glyphoxa-deploy/helm-import, the record by which the
 * first apply takes over the release's objects (adoption). Every key of the
 * layered values is in the report; nothing is guessed: a question the values
 * do not answer (the release and its namespace when not given, the provider
 * slot of an API key) is asked through req->ask, and fails the import when
 * nobody answers (BAD_REQUEST, nothing written). The imported values are then
 * validated: results are RESULT events and counted in the report; they do
 * not fail the import. With dry_run nothing is written and the lock is not
 * taken. */
gx_status gx_op_import(gx_session *s, const gx_import_request *req, const gx_sink *sink,
                       gx_import_report *out);

/* The report as JSON: {"release", "namespace", "release-name", "items":
 * [{"key", "path", "value", "state": "set"|"default"|"dropped", "note"}],
 * "changes": [...], "blocking", "warnings"}. */
json_t *gx_json_import_report(const gx_import_report *r);

/* ---- JSON forms (one for --json, the web API and MCP) ---------------------------- */

json_t *gx_json_field(const gx_field *f);
json_t *gx_json_component(const gx_component_info *c, bool enabled);
json_t *gx_json_target(const gx_target_info *t);
json_t *gx_json_rule(const gx_rule_info *r);
json_t *gx_json_command(const gx_command_info *c);
/* A diagnostic: {"rule"|"code", "path", "severity", "message", "hint",
 * "file", "line", "column", "remedy"} (absent members omitted). */
json_t *gx_json_diag(const gx_diag *d);
/* The validate --json object: {"valid", "blocking", "warnings", "results": [...]}. */
json_t *gx_json_validation(const gx_validation *v);
json_t *gx_json_value(gx_session *s, const gx_value_info *v, bool with_origin);
json_t *gx_json_event(const gx_event *ev);
/* "blocking", "warning", "note". */
const char *gx_severity_word(gx_severity severity);
/* The message of the first blocking diagnostic in diags (an array of
 * gx_json_diag objects), or fallback when there is none (or it has no
 * message): what a front end says first when an operation failed. */
const char *gx_json_first_blocking(const json_t *diags, const char *fallback);

/* ==== for servers: preview, the values file, request sessions, lock sharing =========
 * (src/core/gx_op_preview.c) What a long-running front end (the MCP server)
 * needs beyond the command line's operations. */

/* How a file of a preview compares with the last export. */
typedef enum gx_preview_state {
    GX_PREVIEW_ADDED,     /* the last export did not write it (or nothing was exported) */
    GX_PREVIEW_CHANGED,   /* the last export wrote other bytes */
    GX_PREVIEW_UNCHANGED, /* the last export wrote the same bytes */
    GX_PREVIEW_REMOVED    /* the last export wrote it; an export now would not */
} gx_preview_state;

/* One file of a preview. */
typedef struct gx_preview_file {
    const char *path;     /* "generated/gateway.yaml", as below the workspace */
    const char *kind;     /* "manifest", "helm-values", "script" or "kustomization" */
    unsigned mode;        /* the mode an export gives it (REMOVED: the last export gave) */
    bool holds_secrets;   /* an export writes it owner-only: it holds secret values */
    const char *content;  /* the bytes an export would write, every secret value shown
                           * as "<redacted>" (also where the file holds it base64
                           * encoded); NULL for REMOVED */
    size_t len;           /* of content */
    gx_preview_state state;
    const char *diff;     /* unified diff (3 lines of context) from the exported copy
                           * to content; NULL when UNCHANGED or ADDED, and when note
                           * says why there is none */
    const char *note;     /* why there is no diff (the file holds secrets, the
                           * exported copy is missing, too many differences), or that
                           * the exported copy was edited since the export; NULL */
} gx_preview_file;

typedef struct gx_preview {
    gx_preview_file *files;   /* what an export would write, in the export's (path)
                               * order, then the REMOVED ones */
    size_t count;
    bool exported;            /* the workspace has a record of a last export */
    bool exported_no_secrets; /* that export left the secrets out */
    const char *revision;     /* the revision the values were read at */
} gx_preview;

typedef struct gx_preview_request {
    bool no_secrets; /* render as an export without secret values would */
    bool diff;       /* compute diffs (otherwise states only) */
} gx_preview_request;

/* Renders in memory what an export to the workspace would write, and compares
 * it with the last export: takes the shared lock, loads and validates like
 * gx_op_export (blocking results stop it: FAILED; warnings are RESULT events),
 * renders, reads the record of the last export and, for diffs, the exported
 * files, then releases the lock. Writes nothing. Secret values never reach
 * *out: files that hold secrets are rendered a second time from the values
 * with every secret (and the credentials of MCP servers) replaced by
 * "<redacted>", and get no line diff. Everything lives in the session. */
gx_status gx_op_preview(gx_session *s, const gx_preview_request *req, const gx_sink *sink,
                        gx_preview *out);

/* values.yaml as the workspace holds it, written out again in the form a
 * write gives it (its comments are not kept), with every secret value (and
 * the auth and env values of MCP servers) "<redacted>", appended to out;
 * *revision (may be NULL) gets the revision it was read at. Takes the shared
 * lock while reading. No workspace, or a values.yaml that does not read:
 * FAILED with the diagnostics as events. */
gx_status gx_op_values_text(gx_session *s, const gx_sink *sink, gx_buf *out,
                            const char **revision);

/* A new session on the workspace of s with the same layers (values files
 * and sets, in order), and its own memory: a server makes one per request
 * from the session it was started with. */
gx_session *gx_session_clone(const gx_session *s);

/* Writes into out (replacing what it held) a fingerprint of everything the
 * effective values of s are read from: the files directly in the workspace
 * (their bytes; for one over 1 MiB its size and time of change; dot files
 * left out), each values file and each set. Equal fingerprints (bytes) mean
 * equal effective values, so a server may keep what it derived from them
 * (e.g. the secret values it must keep out of its answers) until the
 * fingerprint changes. False when the workspace cannot be listed. */
bool gx_session_inputs(gx_session *s, gx_buf *out);

/* When s holds the workspace lock exclusively (a target that exports first,
 * started on s, is running), turns it into a shared lock: reads (get,
 * validate, preview) may proceed while writers and exports still wait until
 * the target ends. For servers that answer reads while a target runs; the
 * lock itself stays held, and the conversion lets no writer in between.
 * Returns true when s held the lock. Note that a write in the same process
 * would then wait for this session's own lock: a server refuses writes while
 * such a target runs. */
bool gx_session_share_lock(gx_session *s);

/* ---- secret values a server keeps out of its answers (src/core/gx_json.c) ----------
 * The MCP server and the web UI search every reply for the workspace's secret
 * values and show each as GX_REDACTED. */

/* What every hidden secret value reads as. */
#define GX_REDACTED "<redacted>"

/* A set of secret values, longest first: a secret inside a longer one then
 * never breaks the longer one's match. min_len and base64 say what
 * gx_secrets_add keeps; a zeroed set keeps every non-empty value as it is. */
typedef struct gx_secrets {
    char **items;   /* malloc'd copies (not NUL-safe: use lens) */
    size_t *lens;
    size_t count, cap;
    size_t min_len; /* values shorter than this are not kept (hiding every "a"
                     * of a reply protects nothing and breaks the reply) */
    bool base64;    /* the base64 form of each value is kept as well */
} gx_secrets;
#define GX_SECRETS_INIT(min_len, base64) {NULL, NULL, 0, 0, (min_len), (base64)}

/* Adds s[0..len) and, when sec->base64, its base64 form; nothing when s is
 * NULL, empty, shorter than sec->min_len or in the set already. */
void gx_secrets_add(gx_secrets *sec, const char *s, size_t len);
/* Adds (gx_secrets_add) every effective secret value of s's workspace and
 * layers. False when they do not load (nothing added). Leaves the session's
 * arena grown: reset it afterwards when that matters. */
bool gx_secrets_load(gx_secrets *sec, gx_session *s);
/* Empties sec and frees its values; min_len and base64 stay. */
void gx_secrets_free(gx_secrets *sec);
/* dst (whatever it held is overwritten, not freed) becomes a copy of src,
 * min_len and base64 included. */
void gx_secrets_copy(gx_secrets *dst, const gx_secrets *src);
/* s[0..len) with every secret of sec replaced by GX_REDACTED: a new malloc'd
 * string (NUL-terminated, its length in *out_len), or NULL when s holds none
 * (or sec is NULL or empty). */
char *gx_secrets_redact_text(const char *s, size_t len, const gx_secrets *sec, size_t *out_len);
/* Replaces every secret of sec in every string value of root (recursively;
 * object keys are left alone) as gx_secrets_redact_text does. root and sec
 * may be NULL. */
void gx_json_redact(json_t *root, const gx_secrets *sec);

/* ---- test hooks ------------------------------------------------------------------ */
#ifdef GX_TEST_HOOKS
/* Called by operations at named points ("loaded": the values were read;
 * "lock-wait": the lock is held elsewhere and the operation is about to
 * wait for it). Test builds only. */
extern void (*gx_core_test_hook)(const char *point, const char *workspace);
#endif

#endif
