/* gxg_schema — phase 1 of gxgen: reads schema/glyphoxa.schema.yaml (the
 * fields, components, targets with what they need, derived values and value
 * patterns) and checks it for consistency. Build-time only (part of gxgen).
 * Depends on libyaml and gxg_util.
 *
 * Errors are printed by gxgen's main as file:line:col; the reader collects them
 * in gxg_schema.errors and returns false. Memory is never freed: gxgen is a
 * short-lived build tool. */
#ifndef GXG_SCHEMA_H
#define GXG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "gx_types.h"
#include "gxg_util.h"

typedef struct gxg_value { /* a default value as written in the schema */
    yaml_document_t *doc;
    yaml_node_t *node;     /* NULL when absent */
} gxg_value;

typedef struct gxg_field {
    char *path;
    char *ident;      /* "gateway_ports_admin" */
    char *upper;      /* "GATEWAY_PORTS_ADMIN" */
    gx_type type;
    const char *type_name;
    char *section, *display, *description, *placeholder;
    char **choices;
    size_t choice_count;
    bool has_min, has_max;
    int64_t min, max;
    int pattern;      /* index into patterns + 1; 0 = none */
    bool secret;
    int component;    /* index or -1 */
    gx_shape shape;
    gxg_value def, def_shared, def_dedicated;
    int line, col;
} gxg_field;

typedef struct gxg_pattern {
    char *name, *upper, *regex;
    char *ecma;       /* the same as an anchored ECMAScript regex (JSON Schema's
                       * pattern): "^(?:...)$" */
} gxg_pattern;

typedef struct gxg_component {
    char *name, *upper, *description;
    bool mandatory, default_on;
    bool infrastructure; /* installed with Helm by the infrastructure target */
    int line, col;
} gxg_component;

typedef struct gxg_target {
    char *name, *upper, *script, *description;
    bool pre_export;
    int timeout;
    gx_tool_need kubectl, helm;
    char **options;      /* without "--": "delete-namespace" */
    size_t option_count;
    int line, col;
} gxg_target;

typedef struct gxg_derived { /* a value computed in C (src/gx_derived.c), readable by templates */
    char *name, *ident, *description;
    gx_type type; /* string, int, bool, map, list or yaml */
    const char *type_name;
} gxg_derived;

typedef struct gxg_schema {
    const char *file;
    yaml_document_t doc;
    gxg_field *fields;
    size_t field_count;
    gxg_pattern *patterns;
    size_t pattern_count;
    gxg_component *components;
    size_t component_count;
    gxg_target *targets;
    size_t target_count;
    gxg_derived *derived;
    size_t derived_count;
    size_t errors;
} gxg_schema;

/* Reads and checks the schema file. Prints each problem to stderr as
 * file:line:col: error: ... and returns false when there was any. */
bool gxg_schema_read(gxg_schema *schema, const char *file);

/* The field with this path, or NULL. */
const gxg_field *gxg_schema_field(const gxg_schema *schema, const char *path);

/* The index of the component with this name, or -1. */
int gxg_schema_component(const gxg_schema *schema, const char *name);

/* The derived value with this name, or NULL. */
const gxg_derived *gxg_schema_derived(const gxg_schema *schema, const char *name);

#endif
