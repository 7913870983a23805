/* gx_diag — the one diagnostic type of the tool: load errors, validation
 * results and operation errors alike. Each carries a severity, a stable code
 * from one list (GX_DIAG_CODES below), the schema path it is about, the
 * file:line:col where a file is involved, a message, a hint and a structured
 * remedy that each front end shows its own way (the command line as a command
 * line, the web UI as a link to a field). Library code collects diagnostics
 * in a gx_diags list and returns; only front ends print them.
 * Depends on gx_arena and libc.
 *
 * Memory: every string of a diagnostic, and the items array, live in the
 * list's arena: its own (made on the first add, freed by gx_diags_free) or
 * one the caller lends with gx_diags_use_arena (then gx_diags_free releases
 * nothing of it). Lines and columns are 1-based; 0 means "not known". */
#ifndef GX_DIAG_H
#define GX_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gx_arena.h"

typedef enum gx_severity {
    GX_BLOCKING, /* an error: stops export, apply and the operation that met it */
    GX_WARNING,  /* printed, stops nothing */
    GX_NOTE      /* information */
} gx_severity;

/* What class of problem a code is: it decides the exit status of the command
 * line (request problems are usage errors, exit 2; the others exit 1). */
typedef enum gx_code_class {
    GX_CC_RULE,    /* a validation rule's result */
    GX_CC_LOAD,    /* a values file or --set value that cannot be read */
    GX_CC_REQUEST, /* the request itself names something unknown or malformed */
    GX_CC_OP       /* an operation failed (files, lock, processes, records) */
} gx_code_class;

/* The stable codes: X(ENUM_SUFFIX, "id", class, "summary"). Ids never change
 * meaning once released; new codes are appended to their group. */
#define GX_DIAG_CODES(X)                                                                         \
    X(GENERIC, "error", GX_CC_OP, "an error without a more specific code")                        \
    X(V1, "V1", GX_CC_RULE, "every value matches its type, choices, range and format")           \
    X(V2, "V2", GX_CC_RULE, "namespace and release name are DNS labels")                          \
    X(V3, "V3", GX_CC_RULE, "replicas above 2 with topology dedicated")                           \
    X(V4, "V4", GX_CC_RULE, "pod anti-affinity with topology dedicated")                          \
    X(V5, "V5", GX_CC_RULE, "the gateway admin key")                                              \
    X(V6, "V6", GX_CC_RULE, "a database DSN when PostgreSQL is not bundled")                      \
    X(V7, "V7", GX_CC_RULE, "a DSN next to the bundled PostgreSQL")                               \
    X(V8, "V8", GX_CC_RULE, "the DSN is a PostgreSQL URL")                                        \
    X(V9, "V9", GX_CC_RULE, "the bundled PostgreSQL password")                                    \
    X(V10, "V10", GX_CC_RULE, "GPU toleration for the local-llm profile")                         \
    X(V11, "V11", GX_CC_RULE, "requests within limits")                                           \
    X(V12, "V12", GX_CC_RULE, "autoscaling minimum within maximum")                               \
    X(V13, "V13", GX_CC_RULE, "one observe port, distinct ports per pod")                         \
    X(V14, "V14", GX_CC_RULE, "the worker gRPC port the gateway dials")                           \
    X(V15, "V15", GX_CC_RULE, "structured values have their declared shape")                      \
    X(V16, "V16", GX_CC_RULE, "MCP servers")                                                      \
    X(V17, "V17", GX_CC_RULE, "NPCs")                                                             \
    X(V18, "V18", GX_CC_RULE, "provider names and settings")                                      \
    X(V19, "V19", GX_CC_RULE, "image tag latest")                                                 \
    X(V20, "V20", GX_CC_RULE, "service account name")                                             \
    X(V21, "V21", GX_CC_RULE, "image tag, digest, repository and registry mirror")                \
    X(V22, "V22", GX_CC_RULE, "chart values that override what the tool sets")                   \
    X(V23, "V23", GX_CC_RULE, "a local chart path is a chart")                                    \
    X(V24, "V24", GX_CC_RULE, "air-gapped: references outside the mirror")                        \
    X(V25, "V25", GX_CC_RULE, "endpoints the network policy would block")                         \
    X(V26, "V26", GX_CC_RULE, "the namespace's Pod Security labels")                              \
    X(V27, "V27", GX_CC_RULE, "values Kubernetes rejects or that cannot run")                     \
    X(V28, "V28", GX_CC_RULE, "settings without effect")                                          \
    X(V29, "V29", GX_CC_RULE, "ConfigMap and Secret size")                                        \
    X(V30, "V30", GX_CC_RULE, "names that reach other releases or the cluster's own objects")    \
    X(V31, "V31", GX_CC_RULE, "the Sealed Secrets controller's certificate")                     \
    X(YAML_SYNTAX, "yaml-syntax", GX_CC_LOAD, "the file is not valid YAML")                       \
    X(YAML_UNSAFE, "yaml-unsafe", GX_CC_LOAD, "anchors, aliases, several documents, NUL bytes")   \
    X(DUPLICATE_KEY, "duplicate-key", GX_CC_LOAD, "a key appears twice in one map")               \
    X(UNKNOWN_KEY, "unknown-key", GX_CC_LOAD, "a values file names a path that does not exist")   \
    X(WRONG_TYPE, "wrong-type", GX_CC_LOAD, "a value of the wrong type or outside its choices")   \
    X(FILE_TOO_LARGE, "file-too-large", GX_CC_LOAD, "a values file over the size limit")          \
    X(BAD_VALUE, "bad-value", GX_CC_REQUEST, "a value given in the request cannot be parsed")     \
    X(UNKNOWN_PATH, "unknown-path", GX_CC_REQUEST, "the request names an unknown path")           \
    X(UNKNOWN_COMPONENT, "unknown-component", GX_CC_REQUEST, "an unknown component")              \
    X(UNKNOWN_TARGET, "unknown-target", GX_CC_REQUEST, "an unknown apply target")                 \
    X(MANDATORY_COMPONENT, "mandatory-component", GX_CC_REQUEST, "a mandatory component")         \
    X(BAD_REQUEST, "bad-request", GX_CC_REQUEST, "options that do not fit together")              \
    X(NO_WORKSPACE, "no-workspace", GX_CC_OP, "the directory holds no workspace")                 \
    X(WORKSPACE_EXISTS, "workspace-exists", GX_CC_OP, "init would replace a workspace")           \
    X(STALE_REVISION, "stale-revision", GX_CC_OP, "the workspace changed since it was read")      \
    X(IO, "io", GX_CC_OP, "a file could not be read or written")                                  \
    X(LOCK, "lock", GX_CC_OP, "the workspace lock")                                               \
    X(RANDOM, "random", GX_CC_OP, "the OS random source")                                         \
    X(TOO_LARGE, "too-large", GX_CC_OP, "a file would exceed its size limit")                     \
    X(RECORD, "record", GX_CC_OP, "the record of the last export")                                \
    X(NOT_EXPORTED, "not-exported", GX_CC_OP, "nothing was exported yet")                         \
    X(NO_SECRETS_EXPORT, "no-secrets-export", GX_CC_OP, "the last export left secrets out")       \
    X(TOOL_MISSING, "tool-missing", GX_CC_OP, "kubectl or helm was not found")                    \
    X(SCRIPT_CHANGED, "script-changed", GX_CC_OP, "a target script was edited since the export")  \
    X(PROCESS, "process", GX_CC_OP, "a child process could not be started or followed")           \
    X(SECRET_IN_VALUES, "secret-in-values", GX_CC_LOAD, "a secret in values.yaml (moved by the next write)") \
    X(NOT_SECRET, "not-secret", GX_CC_LOAD, "a path in secrets.yaml that is not secret")        \
    X(DUPLICATE_PATH, "duplicate-path", GX_CC_LOAD, "a path set in values.yaml and secrets.yaml")  \
    X(SECRETS_MODE, "secrets-mode", GX_CC_OP, "secrets.yaml readable by other users")             \
    X(NOT_CONFIRMED, "not-confirmed", GX_CC_OP, "a destroy that was not confirmed")      \
    X(TEMPLATE, "template", GX_CC_OP, "the compiled-in templates cannot render this request") \
    X(NOT_INSTALLED, "not-installed", GX_CC_OP, "an infrastructure component was never installed")

typedef enum gx_code {
#define GX_DIAG_CODE_ENUM(name, id, cls, summary) GX_CODE_##name,
    GX_DIAG_CODES(GX_DIAG_CODE_ENUM)
#undef GX_DIAG_CODE_ENUM
    GX_CODE_COUNT
} gx_code;

/* The code's stable id ("V5", "unknown-key"), class and one-line summary. */
const char *gx_code_id(gx_code code);
gx_code_class gx_code_class_of(gx_code code);
const char *gx_code_summary(gx_code code);
/* The code with this id, or -1. */
int gx_code_find(const char *id);

/* What would fix a problem, as data. */
typedef enum gx_remedy_kind {
    GX_REMEDY_NONE,
    GX_REMEDY_SET,         /* set path (arg) — to value when known */
    GX_REMEDY_UNSET,       /* unset path (arg) */
    GX_REMEDY_ENABLE,      /* enable component (arg) */
    GX_REMEDY_DISABLE,     /* disable component (arg) */
    GX_REMEDY_RUN_TARGET,  /* run apply target (arg) */
    GX_REMEDY_EXPORT,      /* export again */
    GX_REMEDY_INIT,        /* create a workspace */
    GX_REMEDY_EDIT_FILE,   /* edit the file (arg) at the diagnostic's line */
    GX_REMEDY_LIST_PATHS,  /* look up the known paths */
    GX_REMEDY_LIST_COMPONENTS,
    GX_REMEDY_LIST_TARGETS,
    GX_REMEDY_FORCE,       /* repeat with force (replace what exists) */
    GX_REMEDY_RELOAD,      /* read the workspace again, then repeat */
    GX_REMEDY_ANSWER       /* repeat with the answer to the question named arg
                            * ("release", "namespace", "provider-slot" for the
                            * provider named by value), which nobody could give */
} gx_remedy_kind;

typedef struct gx_remedy {
    gx_remedy_kind kind;
    const char *arg;   /* path, component, target or file; NULL when none */
    const char *value; /* GX_REMEDY_SET: the suggested value; NULL when none */
} gx_remedy;

typedef struct gx_diag {
    gx_severity severity;
    gx_code code;
    const char *path;    /* the schema path concerned, or NULL */
    const char *file;    /* NULL when no file is involved (e.g. a --set) */
    int line, col;       /* 1-based; 0 when not known */
    const char *message; /* what is wrong; names no command-line flag */
    const char *hint;    /* NULL when none */
    gx_remedy remedy;
} gx_diag;

/* A list of diagnostics. Initialise with GX_DIAGS_INIT (or zero it); free
 * with gx_diags_free. limit caps how many are kept (0 = GX_DIAGS_DEFAULT_LIMIT,
 * GX_DIAGS_NO_LIMIT for none); once it is reached gx_diags_full() is true and
 * further adds are counted in dropped only. blocking and warnings count the
 * kept items by severity. */
typedef struct gx_diags {
    gx_diag *items;
    size_t count, cap, limit, dropped;
    size_t blocking, warnings;
    gx_arena *arena;
    bool own_arena;
} gx_diags;

#define GX_DIAGS_DEFAULT_LIMIT 20
#define GX_DIAGS_NO_LIMIT ((size_t)-1)
#define GX_DIAGS_INIT {NULL, 0, 0, 0, 0, 0, 0, NULL, false}

/* Lends arena to the list: everything added later lives there, and
 * gx_diags_free leaves it alone. Call before the first add. */
void gx_diags_use_arena(gx_diags *diags, gx_arena *arena);

/* Adds one blocking diagnostic with code, file:line:col, hint (file and hint
 * may be NULL) and a printf-formatted message. Copies every string. */
void gx_diags_add(gx_diags *diags, gx_code code, const char *file, int line, int col,
                  const char *hint, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Adds one diagnostic of any severity about path (may be NULL) and returns
 * it, so the caller can fill file, line, col, hint and remedy (copy strings
 * with gx_diags_strdup); NULL when the list is full (the add is counted in
 * dropped). The pointer is valid until the next add. */
gx_diag *gx_diags_push(gx_diags *diags, gx_severity severity, gx_code code, const char *path,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same with a va_list (which it consumes). */
gx_diag *gx_diags_vpush(gx_diags *diags, gx_severity severity, gx_code code, const char *path,
                        const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* Appends a copy of d (strings copied) unless the list is full. */
void gx_diags_append(gx_diags *diags, const gx_diag *d);

/* A copy of s (NULL for NULL) in the list's arena. */
const char *gx_diags_strdup(gx_diags *diags, const char *s);

bool gx_diags_full(const gx_diags *diags);

/* True when any kept item is blocking with a code of class GX_CC_REQUEST. */
bool gx_diags_has_request_error(const gx_diags *diags);

/* Prints "file:line:col: error: message" and "  hint: ..." lines to out, as
 * compilers do: for tools and tests. Front ends print diagnostics their own way. */
void gx_diags_print(const gx_diags *diags, FILE *out);

void gx_diags_free(gx_diags *diags);

#endif
