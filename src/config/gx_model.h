/* gx_model — values and their layers: reading values files into typed layers,
 * parsing --set text by a path's type, layering (schema default < topology
 * default < values.yaml < -f files in order < --set/--set-file) into the
 * effective struct gx_config with the origin of every value, and writing a
 * layer back as a values.yaml. Table-driven from the generated gx_fields[].
 * Depends on gx_schema (generated), gx_node, gx_yamlout, gx_arena, gx_diag.
 *
 * Memory: every string, map, list and node a layer or model holds lives in the
 * arena passed in; nothing is freed separately. */
#ifndef GX_MODEL_H
#define GX_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_node.h"
#include "gx_schema.h"

#define GX_VALUES_MAX_BYTES (1024 * 1024)

typedef enum gx_layer_kind {
    GX_LAYER_DEFAULT,  /* schema default */
    GX_LAYER_TOPOLOGY, /* default-shared / default-dedicated */
    GX_LAYER_VALUES,   /* the workspace's values.yaml */
    GX_LAYER_SECRETS,  /* the workspace's secrets.yaml (the secret paths) */
    GX_LAYER_OVERLAY,  /* a -f/--values file */
    GX_LAYER_SET,      /* --set / --set-file */
    GX_LAYER_DRAFT     /* a session's unsaved edits (gx_session_draft_*), over the workspace */
} gx_layer_kind;

/* Where a value came from. file is NULL for defaults and --set. */
typedef struct gx_origin {
    gx_layer_kind kind;
    const char *file;
    int line, col;
} gx_origin;

/* One typed value; which member is meaningful follows the field's type
 * (string/quantity: s, int: i, bool: b, enum: e (choice index), map, list,
 * yaml: node). */
typedef union gx_value {
    const char *s;
    int64_t i;
    bool b;
    int e;
    gx_map map;
    gx_list list;
    const gx_node *node;
} gx_value;

/* The values one source sets: only what it names explicitly. */
typedef struct gx_layer {
    gx_layer_kind kind;
    const char *file;
    bool present[GX_FIELD_COUNT];
    gx_value value[GX_FIELD_COUNT];
    gx_origin origin[GX_FIELD_COUNT];
    bool comp_present[GX_COMPONENT_COUNT];
    bool comp_value[GX_COMPONENT_COUNT];
    gx_origin comp_origin[GX_COMPONENT_COUNT];
} gx_layer;

/* The effective configuration and the origin of each value. */
typedef struct gx_model {
    struct gx_config cfg;
    gx_origin origin[GX_FIELD_COUNT];
    gx_origin comp_origin[GX_COMPONENT_COUNT];
    /* gateway/service-account/name when no layer sets it: RELEASE-gateway, so
     * that two releases in one namespace never share (and prune) an account;
     * cfg points here. */
    char default_service_account[96];
} gx_model;

/* The index of path in gx_fields[], or -1. */
int gx_field_find(const char *path);

/* The known path nearest to path (edit distance over the full path and its
 * last segment), or NULL when nothing is reasonably close. */
const char *gx_field_suggest(const char *path);

/* Writes the hint for an unknown path into hint (size bytes): "did you mean
 * 'X'?" with the nearest known path, or where the list of paths is. A
 * Helm-style path of the old chart (gx_helm.h) gets the path or the
 * component it names ("postgresql.enabled": the component postgresql). */
void gx_field_unknown_hint(const char *path, char *hint, size_t size);

/* The remedy for an unknown path: set the nearest path (arg; no value),
 * enable the component a Helm-style switch names, or look the paths up.
 * arg points to static data. */
void gx_field_unknown_remedy(const char *path, gx_remedy *remedy);

/* The index of the component named name, or -1. */
int gx_component_find(const char *name);

/* Initialises an empty layer of the given kind (file may be NULL). */
void gx_layer_init(gx_layer *layer, gx_layer_kind kind, const char *file);

/* Reads a values document (root mapping nested by path segment, plus an optional
 * components: map of name -> bool) into layer. Unknown keys (with a suggestion),
 * wrong types, enum values outside the choices, ints out of int64 range,
 * duplicate keys, anchors/aliases and multi-document streams are errors with
 * file:line:col; reading goes on after an error so that up to the diags limit
 * are reported in one run. Returns false when any error was added. */
bool gx_layer_read(gx_arena *arena, gx_layer *layer, const char *data, size_t len,
                   gx_diags *diags);

/* Parses text as a value of field (the --set / set syntax): strings taken as
 * is; ints in decimal; bools true/false; enums one of the choices; quantities
 * as is; maps, lists and yaml values as YAML flow or block text. Errors name
 * the path and what is expected. */
bool gx_value_parse(gx_arena *arena, int field, const char *text, gx_value *out,
                    gx_diags *diags);

/* Parses "PATH=VALUE" (the first '=' splits) and stores it in layer with origin
 * kind GX_LAYER_SET (file NULL). Unknown paths get a suggestion. */
bool gx_layer_set_arg(gx_arena *arena, gx_layer *layer, const char *arg, gx_diags *diags);

/* Copies into dst (into arena, deeply) every value and component src sets
 * that dst does not set yet, with its origin. Reading overlays from the last
 * to the first, each in a scratch arena freed after the take, keeps the
 * memory of many overlays at that of the largest plus the values that win
 * (gx_layer_take.c). */
void gx_layer_take(gx_arena *arena, gx_layer *dst, const gx_layer *src);

/* Builds the effective configuration from layers in increasing precedence
 * (values.yaml, then -f files, then --set): schema defaults, topology defaults
 * of the effective core/topology, then each layer. Never fails. */
void gx_model_build(gx_model *model, const gx_layer *const *layers, size_t count);

/* The value of field in cfg. */
gx_value gx_config_get(const struct gx_config *cfg, int field);

/* Appends a human-readable text of a value (what `get` prints): strings as is,
 * ints in decimal, bools true/false, enums their choice, maps/lists/yaml as
 * block YAML (no trailing newline for scalars). */
void gx_value_format(gx_buf *out, int field, gx_value value);

/* Appends the origin as `get --explain` names it: "default",
 * "topology:dedicated", "values.yaml:12:5", "--values FILE:3:1", "--set". */
void gx_origin_format(gx_buf *out, const gx_origin *origin, const struct gx_config *cfg);

/* Appends what gx_layer_write writes after "key:" for value (of field's
 * type), the key standing at column indent: " scalar\n" (quoted so that it
 * reads back exactly), " {}\n" or " []\n" for an empty map, list or yaml
 * value, or "\n" and the block lines of a non-empty one, its top level at
 * column indent + step and every level nested below that 2 further (the
 * gx_yamlout layout). gx_layer_write writes with step 2; gx_edit with the
 * indentation of the file it edits. */
void gx_value_write(gx_buf *out, int field, gx_value value, int indent, int step);

/* Size of the branch gx_layer_open_branch keeps between calls. */
#define GX_LAYER_OPEN_MAX 512

/* One step of writing fields nested by path segment in schema order: open
 * holds the branch written last ("gateway/ports/"; "" at first); the whole
 * segments path ("gateway/ports/http", relative to what is written) shares
 * with it stay open, every further segment before the leaf is written as
 * "name:" on a line of its own at column col + step * level. open becomes
 * path's branch. Returns the leaf segment and sets *depth to its level. */
const char *gx_layer_open_branch(gx_buf *out, char open[GX_LAYER_OPEN_MAX], const char *path,
                                 int col, int step, int *depth);

/* Writes layer as a values.yaml document: nested by path segment in schema
 * order, values quoted so that they read back exactly, then the components:
 * map. An empty layer gives "{}\n". */
void gx_layer_write(const gx_layer *layer, gx_buf *out);

/* gx_layer_write with a comment line ("# TEXT", one line, at the leaf's
 * indentation) before each leaf whose comments[field] is not NULL; comments
 * NULL: none. */
void gx_layer_write_commented(const gx_layer *layer, const char *const *comments, gx_buf *out);

#endif
