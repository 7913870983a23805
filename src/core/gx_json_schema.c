/* gx_json_schema — the JSON Schema (draft 2020-12) of values.yaml and
 * secrets.yaml (gx_core_json_schema in gx_core.h), written from the compiled
 * tables: every path of the field table with its type, default, description,
 * choices, range and pattern (the schema's re2c patterns carried over as
 * ECMAScript regexes by the generator), the components map, and the declared
 * shapes of structured values (tolerations, provider options, chart values,
 * egress rules, NetworkPolicy peers, and the MCP server and NPC descriptions
 * the V15 checker walks).
 *
 * The schema describes what the loader and the rules accept, never more
 * strictly: a string path takes any scalar (the loader reads a YAML number
 * or boolean as its text), null stands for an empty map, list or structured
 * value, and only checks that are plain data (choices, ranges, patterns,
 * shapes) are carried; the cross-value rules stay with `validate`. Integers
 * and booleans are described as the tool writes them (unquoted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_core_internal.h"
#include "gx_model.h"
#include "gx_rules.h"
#include "gx_schema.h"

/* A YAML scalar as the loader reads a string: its text, whatever it looks like. */
static json_t *gx_js_scalar_type(bool nullable)
{
    return nullable ? json_pack("[ssss]", "string", "number", "boolean", "null")
                    : json_pack("[sss]", "string", "number", "boolean");
}

/* The regex of pattern without its anchors ("^(?:" ... ")$"), in a buffer. */
static const char *gx_js_inner(int pattern, char *buf, size_t size)
{
    const char *re = gx_pattern_regexes[pattern];
    size_t len = strlen(re);
    if (len < 6) {
        snprintf(buf, size, "%s", re);
        return buf;
    }
    snprintf(buf, size, "%.*s", (int)(len - 6), re + 4);
    return buf;
}

/* A label key: an optional DNS-subdomain prefix and '/', then a name
 * (lengths: prefix 253, name 63; the pattern checks the form, maxLength the
 * whole). */
static json_t *gx_js_label_key(bool allow_empty)
{
    char prefix[512], name[512], re[1200];
    snprintf(re, sizeof re, "^(?:(?:(?:%s)/)?(?:%s))%s$",
             gx_js_inner(GX_PATTERN_LABEL_PREFIX, prefix, sizeof prefix),
             gx_js_inner(GX_PATTERN_LABEL_NAME, name, sizeof name), allow_empty ? "?" : "");
    return json_pack("{s:s, s:s, s:i}", "type", "string", "pattern", re, "maxLength", 317);
}

static json_t *gx_js_label_value(void)
{
    json_t *v = json_object();
    json_object_set_new(v, "type", gx_js_scalar_type(false));
    json_object_set_new(v, "pattern", json_string(gx_pattern_regexes[GX_PATTERN_LABEL_VALUE]));
    json_object_set_new(v, "maxLength", json_integer(63));
    return v;
}

static json_t *gx_js_ref(const char *def)
{
    char ref[128];
    snprintf(ref, sizeof ref, "#/$defs/%s", def);
    return json_pack("{s:s}", "$ref", ref);
}

/* A value that may also be null (absent): {"anyOf": [schema, {"type": "null"}]}. */
static json_t *gx_js_or_null(json_t *schema)
{
    return json_pack("{s:[o,{s:s}]}", "anyOf", schema, "type", "null");
}

/* ---- the application's structures, from the V15 descriptions ------------------- */

static void gx_js_object_def(json_t *defs, const char *name, const gx_object_desc *d);

/* A def name for a description: "an MCP server" -> "mcp-server". */
static void gx_js_def_name(const gx_object_desc *d, char *out, size_t size)
{
    const char *w = d->what;
    if (!strncmp(w, "an ", 3))
        w += 3;
    else if (!strncmp(w, "a ", 2))
        w += 2;
    size_t n = 0;
    for (; *w && n + 1 < size; w++)
        out[n++] = *w == ' ' ? '-' : (*w >= 'A' && *w <= 'Z') ? (char)(*w - 'A' + 'a') : *w;
    out[n] = '\0';
}

static json_t *gx_js_key(json_t *defs, const gx_key_desc *k)
{
    json_t *v = json_object();
    switch (k->kind) {
    case GX_V_STRING:
        json_object_set_new(v, "type", gx_js_scalar_type(!k->required));
        if (k->choices) {
            json_t *e = json_array();
            for (const char *const *c = k->choices; *c; c++)
                json_array_append_new(e, json_string(*c));
            if (!k->required) {
                json_array_append_new(e, json_string(""));
                json_array_append_new(e, json_null());
            }
            json_object_set_new(v, "enum", e);
        }
        if (k->required)
            json_object_set_new(v, "minLength", json_integer(1));
        break;
    case GX_V_NUMBER:
        json_object_set_new(v, "type", json_pack("[ss]", "number", "null"));
        if (k->min)
            json_object_set_new(v, "minimum", json_real(strtod(k->min, NULL)));
        if (k->max)
            json_object_set_new(v, "maximum", json_real(strtod(k->max, NULL)));
        break;
    case GX_V_BOOL:
        json_object_set_new(v, "type", json_pack("[ss]", "boolean", "null"));
        break;
    case GX_V_STRLIST:
        json_object_set_new(v, "type", json_pack("[ss]", "array", "null"));
        json_object_set_new(v, "items", json_pack("{s:o}", "type", gx_js_scalar_type(false)));
        break;
    case GX_V_STRMAP:
        json_object_set_new(v, "type", json_pack("[ss]", "object", "null"));
        json_object_set_new(v, "additionalProperties",
                            json_pack("{s:o}", "type", gx_js_scalar_type(true)));
        break;
    case GX_V_OBJECT:
    case GX_V_OBJLIST: {
        char name[64];
        gx_js_def_name(k->sub, name, sizeof name);
        gx_js_object_def(defs, name, k->sub);
        json_decref(v);
        if (k->kind == GX_V_OBJECT)
            return gx_js_or_null(gx_js_ref(name));
        return json_pack("{s:[ss], s:o}", "type", "array", "null", "items", gx_js_ref(name));
    }
    }
    return v;
}

/* Adds $defs/name: an object with exactly the keys of d. */
static void gx_js_object_def(json_t *defs, const char *name, const gx_object_desc *d)
{
    if (json_object_get(defs, name))
        return;
    json_t *obj = json_object();
    json_object_set_new(defs, name, obj);
    char desc[400];
    snprintf(desc, sizeof desc, "%c%s: %s (the application refuses to start on any other key)",
             d->what[0] - 'a' + 'A', d->what + 1, d->key_names);
    json_object_set_new(obj, "description", json_string(desc));
    json_object_set_new(obj, "type", json_string("object"));
    json_object_set_new(obj, "additionalProperties", json_false());
    json_t *props = json_object(), *required = json_array();
    for (size_t i = 0; i < d->count; i++) {
        json_object_set_new(props, d->keys[i].name, gx_js_key(defs, &d->keys[i]));
        if (d->keys[i].required)
            json_array_append_new(required, json_string(d->keys[i].name));
    }
    json_object_set_new(obj, "properties", props);
    if (json_array_size(required))
        json_object_set_new(obj, "required", required);
    else
        json_decref(required);
}

/* ---- Kubernetes shapes ---------------------------------------------------------- */

static void gx_js_kubernetes_defs(json_t *defs)
{
    json_t *label_string = json_pack("{s:[ss]}", "type", "string", "null");
    json_t *value = json_deep_copy(label_string);
    json_object_set_new(value, "pattern", json_string(gx_pattern_regexes[GX_PATTERN_LABEL_VALUE]));
    json_object_set_new(value, "maxLength", json_integer(63));
    json_t *key = json_deep_copy(label_string);
    json_t *lk = gx_js_label_key(true); /* empty: with operator Exists */
    json_object_set(key, "pattern", json_object_get(lk, "pattern"));
    json_object_set(key, "maxLength", json_object_get(lk, "maxLength"));
    json_decref(lk);
    json_decref(label_string);
    json_object_set_new(
        defs, "toleration",
        json_pack("{s:s, s:s, s:b, s:{s:o, s:{s:[ss], s:[ssn]}, s:o, s:{s:[ss], s:[ssss]}, "
                  "s:{s:[ss]}}}",
                  "description",
                  "A Kubernetes toleration: key, operator (Exists or Equal), value, effect "
                  "(NoSchedule, PreferNoSchedule or NoExecute; empty matches every effect), "
                  "tolerationSeconds (only with NoExecute)",
                  "type", "object", "additionalProperties", false, "properties", "key", key,
                  "operator", "type", "string", "null", "enum", "Exists", "Equal",
                  "value", value, "effect", "type", "string", "null", "enum", "NoSchedule",
                  "PreferNoSchedule", "NoExecute", "", "tolerationSeconds", "type", "integer",
                  "null"));
    json_t *selector = json_pack("{s:s, s:s, s:o, s:o}", "description",
                                 "Label keys to label values (a selector's matchLabels)", "type",
                                 "object", "propertyNames", gx_js_label_key(false),
                                 "additionalProperties", gx_js_label_value());
    json_object_set_new(defs, "label-selector", selector);
    json_object_set_new(
        defs, "peer",
        json_pack("{s:s, s:s, s:b, s:i, s:{s:o, s:o}}", "description",
                  "A NetworkPolicy peer: namespace-selector and/or pod-selector", "type",
                  "object", "additionalProperties", false, "minProperties", 1, "properties",
                  "namespace-selector", gx_js_ref("label-selector"), "pod-selector",
                  gx_js_ref("label-selector")));
    json_object_set_new(
        defs, "egress-rule",
        json_pack("{s:s, s:s, s:b, s:[s], s:{s:{s:s, s:s}, s:{s:s, s:{s:s, s:i, s:i}}, "
                  "s:{s:[sss]}}}",
                  "description",
                  "An extra egress rule: cidr (IPv4 or IPv6 ADDRESS/PREFIX), ports, protocol "
                  "(TCP when left out)",
                  "type", "object", "additionalProperties", false, "required", "cidr",
                  "properties", "cidr", "type", "string", "description",
                  "addresses the rule allows, e.g. 10.20.0.0/16 (0.0.0.0/0 for any)", "ports",
                  "type", "array", "items", "type", "integer", "minimum", 1, "maximum", 65535,
                  "protocol", "enum", "TCP", "UDP", "SCTP"));
}

/* ---- fields -------------------------------------------------------------------- */

/* The typed default of field f as JSON, or NULL when it cannot be read. */
static json_t *gx_js_default(gx_arena *arena, int f)
{
    const gx_field *fd = &gx_fields[f];
    if (!*fd->default_text) {
        switch (fd->type) {
        case GX_T_MAP: return json_object();
        case GX_T_LIST: return json_array();
        case GX_T_YAML:
            return fd->shape == GX_SHAPE_OPTIONS || fd->shape == GX_SHAPE_CHART_VALUES
                       ? json_object()
                       : json_array();
        case GX_T_STRING: return json_string("");
        default: return NULL;
        }
    }
    gx_value v;
    gx_diags diags = GX_DIAGS_INIT;
    gx_diags_use_arena(&diags, arena);
    json_t *j = gx_value_parse(arena, f, fd->default_text, &v, &diags) ? gx_json_typed(f, v)
                                                                       : NULL;
    gx_diags_free(&diags);
    return j;
}

static json_t *gx_js_field(gx_arena *arena, json_t *defs, int f)
{
    const gx_field *fd = &gx_fields[f];
    json_t *v = json_object();
    json_object_set_new(v, "title", json_string(fd->display));
    char extra[1024];
    size_t n = (size_t)snprintf(extra, sizeof extra, "%s", fd->description);
    if (fd->default_shared && n < sizeof extra)
        n += (size_t)snprintf(extra + n, sizeof extra - n,
                              " Default by core/topology: shared %s, dedicated %s.",
                              *fd->default_shared ? fd->default_shared : "empty",
                              *fd->default_dedicated ? fd->default_dedicated : "empty");
    if (fd->component >= 0 && n < sizeof extra)
        n += (size_t)snprintf(extra + n, sizeof extra - n,
                              " Used only while the component %s is enabled.",
                              gx_components[fd->component].name);
    if (fd->secret && n < sizeof extra)
        snprintf(extra + n, sizeof extra - n,
                 " Secret: it belongs in secrets.yaml (mode 0600), never in values.yaml.");
    json_object_set_new(v, "description", json_string(extra));
    json_t *def = gx_js_default(arena, f);
    if (def)
        json_object_set_new(v, "default", def);
    if (fd->secret)
        json_object_set_new(v, "writeOnly", json_true());
    if (fd->placeholder)
        json_object_set_new(v, "examples", json_pack("[s]", fd->placeholder));
    switch (fd->type) {
    case GX_T_STRING:
        json_object_set_new(v, "type", gx_js_scalar_type(false));
        if (fd->has_min)
            json_object_set_new(v, "minLength", json_integer((json_int_t)fd->min));
        if (fd->has_max)
            json_object_set_new(v, "maxLength", json_integer((json_int_t)fd->max));
        if (fd->pattern > 0 && fd->pattern < GX_PATTERN_END)
            json_object_set_new(v, "pattern", json_string(gx_pattern_regexes[fd->pattern]));
        /* V1: the length limit of the pattern (a DNS label, a label value) */
        if (!fd->has_max && gx_pattern_max_len(fd->pattern))
            json_object_set_new(v, "maxLength",
                                json_integer((json_int_t)gx_pattern_max_len(fd->pattern)));
        break;
    case GX_T_INT:
        json_object_set_new(v, "type", json_string("integer"));
        if (fd->has_min)
            json_object_set_new(v, "minimum", json_integer((json_int_t)fd->min));
        if (fd->has_max)
            json_object_set_new(v, "maximum", json_integer((json_int_t)fd->max));
        break;
    case GX_T_BOOL:
        json_object_set_new(v, "type", json_string("boolean"));
        break;
    case GX_T_ENUM: {
        json_t *e = json_array();
        for (size_t i = 0; i < fd->choice_count; i++)
            json_array_append_new(e, json_string(fd->choices[i]));
        json_object_set_new(v, "enum", e);
        break;
    }
    case GX_T_QUANTITY:
        /* "1" and "0.5" are YAML numbers; the loader reads their text */
        json_object_set_new(v, "type", json_pack("[ss]", "string", "number"));
        json_object_set_new(v, "minimum", json_integer(0));
        json_object_set_new(v, "pattern",
                            json_string(gx_pattern_regexes[fd->pattern ? fd->pattern
                                                                       : GX_PATTERN_QUANTITY]));
        break;
    case GX_T_MAP: {
        /* every map is a node selector but the annotations: label keys, and
         * label values unless annotations (V15) */
        size_t len = strlen(fd->path);
        bool annotations = len >= 12 && !strcmp(fd->path + len - 12, "/annotations");
        json_object_set_new(v, "type", json_pack("[ss]", "object", "null"));
        json_object_set_new(v, "propertyNames", gx_js_label_key(false));
        json_object_set_new(v, "additionalProperties",
                            annotations ? json_pack("{s:o}", "type", gx_js_scalar_type(false))
                                        : gx_js_label_value());
        break;
    }
    case GX_T_LIST:
        json_object_set_new(v, "type", json_pack("[ss]", "array", "null"));
        json_object_set_new(v, "items", json_pack("{s:o}", "type", gx_js_scalar_type(false)));
        break;
    case GX_T_YAML:
        switch (fd->shape) {
        case GX_SHAPE_TOLERATIONS:
            json_object_set_new(v, "type", json_pack("[ss]", "array", "null"));
            json_object_set_new(v, "items", gx_js_ref("toleration"));
            break;
        case GX_SHAPE_OPTIONS:
        case GX_SHAPE_CHART_VALUES:
            json_object_set_new(v, "type", json_pack("[ss]", "object", "null"));
            break;
        case GX_SHAPE_MCP_SERVERS:
        case GX_SHAPE_NPCS: {
            const gx_object_desc *d = gx_shape_item(fd->shape);
            char name[64];
            gx_js_def_name(d, name, sizeof name);
            gx_js_object_def(defs, name, d);
            json_object_set_new(v, "type", json_pack("[ss]", "array", "null"));
            json_object_set_new(v, "items", gx_js_ref(name));
            break;
        }
        case GX_SHAPE_EGRESS:
            json_object_set_new(v, "type", json_pack("[ss]", "array", "null"));
            json_object_set_new(v, "items", gx_js_ref("egress-rule"));
            break;
        case GX_SHAPE_PEERS:
            json_object_set_new(v, "type", json_pack("[ss]", "array", "null"));
            json_object_set_new(v, "items", gx_js_ref("peer"));
            break;
        case GX_SHAPE_NONE:
            break;
        }
        break;
    }
    return v;
}

/* The object schema for the section at prefix ("" for the root), made on
 * first use: {"type": "object", "additionalProperties": false, "properties"}. */
static json_t *gx_js_section(json_t *root, const char *path, size_t len)
{
    json_t *node = root;
    const char *p = path, *end = path + len;
    while (p < end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        size_t seg = slash ? (size_t)(slash - p) : (size_t)(end - p);
        json_t *props = json_object_get(node, "properties");
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)seg, p);
        json_t *next = json_object_get(props, key);
        if (!next) {
            char desc[300];
            snprintf(desc, sizeof desc, "The settings below %.*s/ (one level per path segment).",
                     (int)(p + seg - path), path);
            next = json_pack("{s:s, s:s, s:b, s:{}}", "description", desc, "type", "object",
                             "additionalProperties", false, "properties");
            json_object_set_new(props, key, next);
        }
        node = next;
        p += seg + 1;
    }
    return node;
}

gx_status gx_core_json_schema(json_t **out)
{
    gx_arena *arena = gx_arena_new();
    json_t *root = json_object();
    json_object_set_new(root, "$schema",
                        json_string("https://json-schema.org/draft/2020-12/schema"));
    json_object_set_new(root, "$id", json_string("urn:glyphoxa-deploy:values-schema"));
    json_object_set_new(root, "title", json_string("glyphoxa-deploy values"));
    char desc[600];
    snprintf(desc, sizeof desc,
             "values.yaml and secrets.yaml of a glyphoxa-deploy workspace (glyphoxa-deploy %s): "
             "each path segment is a nesting level, plus a components map (values.yaml only). "
             "Secret paths (writeOnly) belong in secrets.yaml. The cross-value rules "
             "(glyphoxa-deploy validate) are not part of this schema.",
             gx_core_version());
    json_object_set_new(root, "description", json_string(desc));
    json_object_set_new(root, "type", json_pack("[ss]", "object", "null"));
    json_object_set_new(root, "additionalProperties", json_false());
    json_object_set_new(root, "properties", json_object());
    json_t *defs = json_object();
    gx_js_kubernetes_defs(defs);
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        const char *path = gx_fields[f].path;
        const char *last = strrchr(path, '/');
        json_t *section = gx_js_section(root, path, last ? (size_t)(last - path) : 0);
        json_object_set_new(json_object_get(section, "properties"), last ? last + 1 : path,
                            gx_js_field(arena, defs, f));
    }
    json_t *comps = json_object();
    for (int c = 0; c < GX_COMPONENT_COUNT; c++) {
        const gx_component_info *ci = &gx_components[c];
        json_t *cs = json_pack("{s:s, s:s, s:b}", "type", "boolean", "description",
                               ci->description, "default", ci->default_on);
        if (ci->mandatory) {
            json_object_set_new(cs, "const", json_true());
            json_object_set_new(cs, "description",
                                json_pack("s+", ci->description,
                                          " Mandatory: it cannot be disabled."));
        }
        json_object_set_new(comps, ci->name, cs);
    }
    json_object_set_new(json_object_get(root, "properties"), "components",
                        json_pack("{s:s, s:[ss], s:b, s:o}", "description",
                                  "Component switches (values.yaml only): true enables, false "
                                  "disables; a component not named keeps its default.",
                                  "type", "object", "null", "additionalProperties", false,
                                  "properties", comps));
    json_object_set_new(root, "$defs", defs);
    gx_arena_free(arena);
    *out = root;
    return GX_STATUS_OK;
}
