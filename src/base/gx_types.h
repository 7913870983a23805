/* gx_types — the runtime types shared by hand-written code and the code that
 * gen/ writes from the schema and templates (struct gx_config, the field table,
 * components, targets, what each rendered file is, embedded web assets).
 * Depends on nothing but libc.
 *
 * Generated files include this header and check GX_RUNTIME_VERSION, so a
 * generator and a runtime of different versions never build together. */
#ifndef GX_TYPES_H
#define GX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GX_RUNTIME_VERSION 2

/* The value types of the configuration paths. */
typedef enum gx_type {
    GX_T_STRING,
    GX_T_INT,
    GX_T_BOOL,
    GX_T_ENUM,
    GX_T_QUANTITY,
    GX_T_MAP,  /* string -> string */
    GX_T_LIST, /* of strings */
    GX_T_YAML  /* structured value of a declared shape */
} gx_type;

/* A string map, keys sorted bytewise ascending and unique. */
typedef struct gx_map {
    size_t count;
    const char **keys;
    const char **values;
} gx_map;

/* A list of strings in the order given. */
typedef struct gx_list {
    size_t count;
    const char **items;
} gx_list;

struct gx_node; /* gx_node.h: a parsed YAML tree */

/* Declared shapes of yaml-typed values (V15). */
typedef enum gx_shape {
    GX_SHAPE_NONE,
    GX_SHAPE_TOLERATIONS, /* list of Kubernetes tolerations */
    GX_SHAPE_OPTIONS,     /* map of string keys to any YAML value */
    GX_SHAPE_MCP_SERVERS, /* list of MCP servers */
    GX_SHAPE_NPCS,        /* list of NPCs */
    GX_SHAPE_CHART_VALUES, /* map of Helm values (any YAML below the keys) */
    GX_SHAPE_EGRESS,      /* list of extra egress rules: {cidr, ports, protocol} */
    GX_SHAPE_PEERS        /* list of NetworkPolicy peers: {namespace-selector, pod-selector} */
} gx_shape;

/* One row of the field table: everything known about one path. */
typedef struct gx_field {
    const char *path;         /* "gateway/replica-count" */
    gx_type type;
    size_t offset;            /* offset of the value inside struct gx_config */
    const char *section;      /* "Gateway" */
    const char *display;      /* "Replica count" */
    const char *description;
    const char *placeholder;  /* NULL when none */
    const char *const *choices; /* enum choices, in enum order; NULL otherwise */
    size_t choice_count;
    bool has_min, has_max;
    int64_t min, max;         /* ints: value range; strings: length range */
    int pattern;              /* GX_PATTERN_* or 0 (none) */
    const char *pattern_name; /* "quantity", or NULL */
    bool secret;
    int component;            /* GX_C_* or -1 when the path belongs to no component */
    gx_shape shape;           /* yaml type only */
    const char *default_text;      /* schema default as YAML text ("" for empty) */
    const char *default_shared;    /* topology defaults as YAML text, NULL when none */
    const char *default_dedicated;
} gx_field;

/* One row of the components table. */
typedef struct gx_component_info {
    const char *name;     /* "mcp-gateway" */
    const char *prefix;   /* "mcp-gateway/" */
    bool mandatory;
    bool default_on;
    const char *description;
    bool infrastructure;  /* installed with Helm by the infrastructure target
                           * (postgresql, sealed-secrets) */
} gx_component_info;

/* Whether a target needs a tool (the schema's targets: kubectl, helm). */
typedef enum gx_tool_need {
    GX_NEED_NEVER,              /* its script does not run it */
    GX_NEED_ALWAYS,             /* required: missing is an error before anything runs */
    GX_NEED_OPTIONAL,           /* its part of the script is skipped, with a note, when
                                 * the tool is missing */
    GX_NEED_WITH_INFRASTRUCTURE /* required when a component with infrastructure set is
                                 * on, else not needed */
} gx_tool_need;

/* One row of the targets table (docs/targets.md). */
typedef struct gx_target_info {
    const char *name;     /* "default", "infrastructure", ... */
    const char *script;   /* "apply.sh" */
    bool pre_export;
    int timeout_seconds;
    const char *description;
    gx_tool_need kubectl;
    gx_tool_need helm;
    const char *const *options; /* the target-specific options it accepts, without
                                 * "--" ("delete-namespace"); NULL-terminated, never NULL */
    size_t option_count;
} gx_target_info;

/* What a rendered file is (a template's front matter, templates/README.md). */
typedef enum gx_file_kind {
    GX_FILE_MANIFEST,    /* Kubernetes objects, applied with kubectl */
    GX_FILE_HELM_VALUES, /* values of a Helm release (the infrastructure target) */
    GX_FILE_SCRIPT,      /* a target's script, run with bash */
    GX_FILE_KUSTOMIZATION /* a kustomization.yaml listing the manifests beside it in
                           * apply order (GitOps: kubectl apply -k, Argo CD, Flux);
                           * rendered after every other file, never applied by the
                           * targets themselves */
} gx_file_kind;

/* Whether a rendered file holds secrets. A file that holds them is written
 * with only the owner bits of its declared mode (0644 -> 0600). */
typedef enum gx_file_secrecy {
    GX_SECRECY_NEVER,
    GX_SECRECY_ALWAYS,
    GX_SECRECY_WITH_CREDENTIALS /* when the application config holds credentials
                                 * (derived/config-is-secret) */
} gx_file_secrecy;

/* One file compiled into the binary from web/ (gx_assets.h, generated). */
typedef struct gx_asset {
    const char *path;            /* below web/, '/'-separated: "index.html" */
    const char *content_type;    /* from the extension: "text/html; charset=utf-8" */
    const unsigned char *data;   /* len bytes, followed by a NUL byte not counted */
    size_t len;
} gx_asset;

#endif
