/* gx_rules — validation (docs/rules.md): per-field checks driven by the field table
 * (V1) and the hand-written cross-value rules V2–V31 (V21–V29 and V31, the delivery rules, in gx_rules_delivery.c), one function per rule id,
 * registered in one table. Values of disabled components are not validated.
 * Depends on gx_schema (generated), gx_model, gx_node, gx_arena. */
#ifndef GX_RULES_H
#define GX_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_arena.h"
#include "gx_diag.h"
#include "gx_schema.h"

/* Validation results are diagnostics (gx_diag.h): severity, the rule's code
 * (GX_CODE_V1 … GX_CODE_V29), the schema path, a message that says what is
 * wrong and what to do, sometimes a hint, and a structured remedy when a fix
 * is obvious (set or unset a path, enable a component, edit the file at the
 * line the diagnostic names). Messages and hints are front-end neutral: they
 * name paths and components, never a command, a command-line option or
 * PATH=VALUE syntax; each front end turns the remedy into its own form. A
 * remedy's value, when there is one, is text as gx_value_parse reads it
 * (strings and quantities as is, maps, lists and yaml values as YAML flow
 * text). A secret's value never appears in a message, hint or remedy. */

typedef void (*gx_rule_fn)(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);

/* What a local chart path is, as the environment's probe reports it. */
typedef enum gx_chart_probe {
    GX_PROBE_MISSING,      /* nothing there */
    GX_PROBE_ARCHIVE,      /* a gzip-compressed file: a chart archive */
    GX_PROBE_DIRECTORY,    /* a directory with a Chart.yaml */
    GX_PROBE_NOT_ARCHIVE,  /* a file that is not gzip-compressed */
    GX_PROBE_NO_CHART,     /* a directory without Chart.yaml */
    GX_PROBE_OTHER,        /* a FIFO, device or socket */
    GX_PROBE_UNREADABLE    /* there, but it cannot be examined */
} gx_chart_probe;

/* What a certificate path holds, as the environment's probe reports it. */
typedef enum gx_cert_probe {
    GX_CERT_OK,         /* a usable certificate of the controller */
    GX_CERT_MISSING,    /* nothing there */
    GX_CERT_UNREADABLE, /* there, but not a regular file that can be read */
    GX_CERT_INVALID,    /* read, but no usable certificate (detail: why) */
    GX_CERT_EXPIRED     /* usable, but past its notAfter (detail: the date) */
} gx_cert_probe;

/* What the rules may ask of the world outside the values (the workspace's
 * files). Without one (gx_validate), the rules that need it check nothing. */
typedef struct gx_validate_env {
    /* What path (a chart value: relative to the workspace, or absolute) is. */
    gx_chart_probe (*probe_chart)(void *ctx, const char *path);
    void *ctx;
    /* What the certificate file at path (relative to the workspace, or
     * absolute) holds; *detail (in arena, or NULL) says why for
     * GX_CERT_INVALID and when for GX_CERT_EXPIRED. NULL: not checked. */
    gx_cert_probe (*probe_certificate)(void *ctx, const char *path, gx_arena *arena,
                                       const char **detail);
} gx_validate_env;

typedef struct gx_rule {
    const char *id;          /* "V1" … "V29" */
    gx_code code;            /* GX_CODE_V1 … */
    const char *summary;     /* one line, for documentation and `list rules` */
    const char *severities;  /* what it can produce: "blocking", "warning" or
                                "blocking, warning" (for `list rules`) */
    gx_rule_fn check;
} gx_rule;

extern const gx_rule gx_rules[];
extern const size_t gx_rule_count;

/* Runs every rule on cfg and appends results to out, which must be zeroed
 * (or GX_DIAGS_INIT) before the first call; the results live in arena unless
 * out already has one, and out keeps every result (no limit unless set).
 * Results come in rule-table order, then schema order within a rule. */
void gx_validate(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);

/* gx_validate with an environment (NULL: none, as gx_validate): the rules that
 * look at files (local chart paths, V23) ask env. */
void gx_validate_with(const struct gx_config *cfg, const gx_validate_env *env, gx_arena *arena,
                      gx_diags *out);

/* Adds one result; message is printf-formatted into the list's arena (arena
 * when out has none yet). Returns the result so the caller can fill hint,
 * remedy, file, line and col (strings that must outlive the list are copied
 * with gx_diags_strdup), or NULL when the list is full and the result was
 * only counted in dropped. The pointer is valid until the next add. path is
 * copied. */
gx_diag *gx_result_add(gx_diags *out, gx_arena *arena, gx_code rule, const char *path,
                       gx_severity severity, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The declared shapes of the application's own structures (MCP servers,
 * NPCs) as data: the V15 checker walks them, and the JSON Schema of the
 * values (gx_core_json_schema) is written from them. */
typedef enum gx_vkind {
    GX_V_STRING,   /* any scalar (the application reads it as a string) */
    GX_V_NUMBER,   /* a YAML int or float */
    GX_V_BOOL,     /* true / false */
    GX_V_STRLIST,  /* list of scalars */
    GX_V_STRMAP,   /* map of scalar values */
    GX_V_OBJECT,   /* map of the keys in sub */
    GX_V_OBJLIST   /* list of maps of the keys in sub */
} gx_vkind;

typedef struct gx_object_desc gx_object_desc;

typedef struct gx_key_desc {
    const char *name;
    gx_vkind kind;
    const gx_object_desc *sub;
    const char *const *choices; /* GX_V_STRING: the values V16/V17 allow besides the empty
                                 * one (NULL-terminated); NULL: any */
    const char *min, *max;      /* GX_V_NUMBER: the range V17 allows, as text; NULL: any */
    bool required;              /* V16/V17 need it set and not empty (a name, a transport) */
} gx_key_desc;

struct gx_object_desc {
    const char *what;      /* "an NPC" */
    const char *key_names; /* "name, personality, …" */
    const gx_key_desc *keys;
    size_t count;
};

/* The item of a list-of-objects shape: an MCP server (GX_SHAPE_MCP_SERVERS)
 * or an NPC (GX_SHAPE_NPCS); NULL for every other shape. */
const gx_object_desc *gx_shape_item(gx_shape shape);

/* "blocking" or "warning" (for printing and --json). */
const char *gx_severity_name(gx_severity severity);

/* Compares two Kubernetes quantities; returns false when either does not parse.
 * *cmp is <0, 0, >0 as a is less than, equal to, greater than b. */
bool gx_quantity_compare(const char *a, const char *b, int *cmp);

/* The most characters a value of pattern (GX_PATTERN_*) may have beside what
 * the pattern itself says: 63 for a DNS label and a label value (Kubernetes'
 * limit), 0 for no limit. */
size_t gx_pattern_max_len(int pattern);

/* True when s matches pattern (gx_pattern_match) within its length limit
 * (gx_pattern_max_len). */
bool gx_pattern_valid(int pattern, const char *s);

#endif
