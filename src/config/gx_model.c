#include "gx_model.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "gx_helm.h"
#include "gx_utf8.h"
#include "gx_yamlout.h"
#include "gx_text.h"

/* ---- lookups ---------------------------------------------------------------- */

/* The first position k of gx_fields_by_path whose path is not below s in
 * strcmp order (GX_FIELD_COUNT when every path is). */
static size_t gx_field_lower_bound(const char *s)
{
    size_t lo = 0, hi = GX_FIELD_COUNT;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(gx_fields[gx_fields_by_path[mid]].path, s) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int gx_field_find(const char *path)
{
    size_t k = gx_field_lower_bound(path);
    if (k < GX_FIELD_COUNT && strcmp(gx_fields[gx_fields_by_path[k]].path, path) == 0)
        return gx_fields_by_path[k];
    return -1;
}

int gx_component_find(const char *name)
{
    for (int i = 0; i < GX_COMPONENT_COUNT; i++)
        if (strcmp(gx_components[i].name, name) == 0)
            return i;
    return -1;
}

/* True when some field lives below prefix (prefix has no trailing '/'). */
static bool gx_is_branch(const char *prefix)
{
    char below[520];
    size_t len = strlen(prefix);
    if (len + 2 > sizeof below)
        return false; /* no path is that long */
    memcpy(below, prefix, len);
    memcpy(below + len, "/", 2);
    /* the paths below prefix/ stand together from the first at or after it */
    size_t k = gx_field_lower_bound(below);
    return k < GX_FIELD_COUNT && strncmp(gx_fields[gx_fields_by_path[k]].path, below, len + 1) == 0;
}

const char *gx_field_suggest(const char *path)
{
    /* a Helm-style path of the old chart ("gateway.replicaCount") */
    gx_helm_match hm;
    if (gx_helm_match_path(path, &hm))
        return hm.field >= 0 ? gx_fields[hm.field].path : NULL;
    const char *best = NULL;
    size_t best_distance = (size_t)-1;
    size_t len = strlen(path);
    for (int i = 0; i < GX_FIELD_COUNT; i++) {
        const char *candidate = gx_fields[i].path;
        size_t d = gx_edit_distance(path, candidate);
        /* a shortened key ("gateway/replica" for "gateway/replica-count") */
        if (strlen(candidate) > len && len < 256) {
            char head[256];
            memcpy(head, candidate, len);
            head[len] = '\0';
            size_t hd = gx_edit_distance(path, head);
            if (hd != SIZE_MAX && hd + 1 < d)
                d = hd + 1;
        }
        /* a branch of the candidate (e.g. "gateway/port" for "gateway/ports/admin") */
        const char *pos = NULL;
        char prefix[256];
        while (gx_path_branch_next(candidate, &pos, prefix, sizeof prefix)) {
            size_t pd = gx_edit_distance(path, prefix);
            if (pd < d)
                d = pd;
        }
        /* same last segment under another parent */
        const char *last = strrchr(path, '/');
        const char *clast = strrchr(candidate, '/');
        if (last && clast && strcmp(last, clast) == 0 && d > 2)
            d = 2;
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    size_t limit = len / 3 > 3 ? len / 3 : 3;
    return best_distance <= limit ? best : NULL;
}

void gx_field_unknown_hint(const char *path, char *hint, size_t size)
{
    gx_helm_match hm;
    if (*path && gx_helm_match_path(path, &hm)) {
        const char *chart = hm.key ? " (a key of the old Helm chart)" : "";
        if (hm.field >= 0)
            snprintf(hint, size, "did you mean '%s'?%s", gx_fields[hm.field].path, chart);
        else if (hm.component >= 0)
            snprintf(hint, size,
                     "%s is a component here, switched on and off as a whole: did you mean the "
                     "component '%s'? (in values.yaml: components: {%s: true})",
                     gx_components[hm.component].name, gx_components[hm.component].name,
                     gx_components[hm.component].name);
        else if (hm.key && hm.key->kind == GX_HELM_DROPPED)
            snprintf(hint, size, "'%.100s' is a key of the old Helm chart with no path here: %s",
                     hm.key->key, hm.key->note ? hm.key->note : "it is not carried over");
        else if (hm.key && hm.key->note)
            snprintf(hint, size, "'%.100s' is a key of the old Helm chart: %s; import helm "
                     "carries it over", hm.key->key, hm.key->note);
        else
            snprintf(hint, size, "'%.100s' is a key of the old Helm chart; import helm carries "
                     "it over", hm.key ? hm.key->key : path);
        return;
    }
    const char *suggestion = *path ? gx_field_suggest(path) : NULL;
    if (suggestion)
        snprintf(hint, size, "did you mean '%s'?", suggestion);
    else
        snprintf(hint, size, "the list of paths shows every path");
}

void gx_field_unknown_remedy(const char *path, gx_remedy *remedy)
{
    gx_helm_match hm;
    const char *near = NULL;
    if (*path && gx_helm_match_path(path, &hm)) {
        if (hm.component >= 0 && hm.field < 0) {
            remedy->kind = GX_REMEDY_ENABLE;
            remedy->arg = gx_components[hm.component].name;
            return;
        }
        near = hm.field >= 0 ? gx_fields[hm.field].path : NULL;
    } else if (*path) {
        near = gx_field_suggest(path);
    }
    remedy->kind = near ? GX_REMEDY_SET : GX_REMEDY_LIST_PATHS;
    remedy->arg = near;
}

/* ---- value conversion ------------------------------------------------------- */

static const char *gx_type_word(gx_type type)
{
    switch (type) {
    case GX_T_STRING: return "a string";
    case GX_T_INT: return "an integer";
    case GX_T_BOOL: return "true or false";
    case GX_T_ENUM: return "one of its choices";
    case GX_T_QUANTITY: return "a Kubernetes quantity (e.g. 500m, 1, 256Mi)";
    case GX_T_MAP: return "a map of strings";
    case GX_T_LIST: return "a list of strings";
    case GX_T_YAML: return "a structured YAML value";
    }
    return "a value";
}

static const char *gx_node_kind_word(const gx_node *node)
{
    if (!node)
        return "nothing";
    switch (node->kind) {
    case GX_NODE_MAP: return "a map";
    case GX_NODE_SEQ: return "a list";
    case GX_NODE_SCALAR: return gx_node_is_null(node) ? "null" : "a scalar";
    }
    return "a value";
}

static bool gx_parse_int64(const char *text, int64_t *out)
{
    if (!*text)
        return false;
    const char *p = text;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p)
        return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    /* "017" is 17 to a YAML 1.2 reader and 15 (octal) to a YAML 1.1 one: refuse it */
    if (p[0] == '0' && p[1])
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(text, &end, 10);
    if (errno == ERANGE || *end)
        return false;
    *out = v;
    return true;
}

static void gx_choices_text(char *buf, size_t size, const gx_field *f)
{
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < f->choice_count; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", f->choices[i]);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
}

/* Converts a scalar's text to a typed value; false with a diagnostic when it does not fit. */
static bool gx_scalar_value(int field, const char *text, const char *file, int line, int col,
                            gx_value *out, gx_diags *diags)
{
    const gx_field *f = &gx_fields[field];
    switch (f->type) {
    case GX_T_STRING:
    case GX_T_QUANTITY:
        out->s = text;
        return true;
    case GX_T_INT:
        if (gx_parse_int64(text, &out->i))
            return true;
        gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, line, col,
                     "write a whole number in decimal without leading zeros, e.g. 3",
                     "%s: expected an integer, got '%.60s'%s", f->path, text,
                     strlen(text) > 60 ? "…" : "");
        return false;
    case GX_T_BOOL:
        if (!strcmp(text, "true") || !strcmp(text, "True") || !strcmp(text, "TRUE")) {
            out->b = true;
            return true;
        }
        if (!strcmp(text, "false") || !strcmp(text, "False") || !strcmp(text, "FALSE")) {
            out->b = false;
            return true;
        }
        gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, line, col, "write true or false",
                     "%s: expected true or false, got '%.60s'", f->path, text);
        return false;
    case GX_T_ENUM:
        for (size_t i = 0; i < f->choice_count; i++)
            if (strcmp(text, f->choices[i]) == 0) {
                out->e = (int)i;
                return true;
            }
        {
            char choices[256];
            gx_choices_text(choices, sizeof choices, f);
            gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, line, col, NULL,
                         "%s: '%.60s' is not one of: %s", f->path, text, choices);
        }
        return false;
    default:
        return false;
    }
}

static int gx_kv_compare(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    return strcmp(x[0], y[0]);
}

/* True when a scalar holds a NUL byte (a "\0" escape): settings are C strings,
 * so such a value would be cut short without a word. */
static bool gx_has_nul(const gx_node *node)
{
    return node->kind == GX_NODE_SCALAR && strlen(node->text) != node->len;
}

static void gx_nul_error(gx_diags *diags, const char *file, const gx_node *node,
                         const char *path)
{
    gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, node->line, node->col, "remove the \\0 escape",
                 "%s: the value holds a NUL character, which no setting can carry", path);
}

/* Converts a parsed node to a typed value of field. */
static bool gx_node_value(gx_arena *arena, int field, const gx_node *node, const char *file,
                          gx_value *out, gx_diags *diags)
{
    const gx_field *f = &gx_fields[field];
    int line = node ? node->line : 0, col = node ? node->col : 0;
    switch (f->type) {
    case GX_T_STRING:
    case GX_T_INT:
    case GX_T_BOOL:
    case GX_T_ENUM:
    case GX_T_QUANTITY:
        if (!node || node->kind != GX_NODE_SCALAR || (node->plain && gx_node_is_null(node))) {
            gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, line, col,
                         node && node->kind == GX_NODE_SCALAR
                             ? "quote it (\"\") for an empty string, or remove the key to use the default"
                             : NULL,
                         "%s: expected %s, got %s", f->path, gx_type_word(f->type),
                         gx_node_kind_word(node));
            return false;
        }
        if (gx_has_nul(node)) {
            gx_nul_error(diags, file, node, f->path);
            return false;
        }
        return gx_scalar_value(field, node->text, file, line, col, out, diags);
    case GX_T_MAP: {
        if (node && node->kind == GX_NODE_SCALAR && node->plain && gx_node_is_null(node)) {
            out->map = (gx_map){0, NULL, NULL};
            return true;
        }
        if (!node || node->kind != GX_NODE_MAP) {
            gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, line, col, "write key: value pairs, e.g. {tier: gpu}",
                         "%s: expected a map of strings, got %s", f->path,
                         gx_node_kind_word(node));
            return false;
        }
        const char **pairs = gx_arena_alloc(arena, 2 * node->count * sizeof *pairs + 1);
        bool ok = true;
        for (size_t i = 0; i < node->count; i++) {
            const gx_node *v = node->items[i];
            if (gx_has_nul(v) || gx_has_nul(node->keys[i])) {
                gx_nul_error(diags, file, gx_has_nul(v) ? v : node->keys[i], f->path);
                ok = false;
                continue;
            }
            if (v->kind != GX_NODE_SCALAR || (v->plain && gx_node_is_null(v))) {
                gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, v->line, v->col, "quote the value",
                             "%s: the value of '%s' must be a string, got %s", f->path,
                             node->keys[i]->text, gx_node_kind_word(v));
                ok = false;
                continue;
            }
            pairs[2 * i] = node->keys[i]->text;
            pairs[2 * i + 1] = v->text;
        }
        if (!ok)
            return false;
        qsort(pairs, node->count, 2 * sizeof *pairs, gx_kv_compare);
        gx_map map = {node->count, gx_arena_alloc(arena, node->count * sizeof(char *) + 1),
                      gx_arena_alloc(arena, node->count * sizeof(char *) + 1)};
        for (size_t i = 0; i < node->count; i++) {
            map.keys[i] = pairs[2 * i];
            map.values[i] = pairs[2 * i + 1];
        }
        out->map = map;
        return true;
    }
    case GX_T_LIST: {
        if (node && node->kind == GX_NODE_SCALAR && node->plain && gx_node_is_null(node)) {
            out->list = (gx_list){0, NULL};
            return true;
        }
        if (!node || node->kind != GX_NODE_SEQ) {
            gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, line, col, "write a YAML list, e.g. [a, b]",
                         "%s: expected a list of strings, got %s", f->path,
                         gx_node_kind_word(node));
            return false;
        }
        gx_list list = {node->count, gx_arena_alloc(arena, node->count * sizeof(char *) + 1)};
        bool ok = true;
        for (size_t i = 0; i < node->count; i++) {
            const gx_node *v = node->items[i];
            if (v->kind != GX_NODE_SCALAR || (v->plain && gx_node_is_null(v))) {
                gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, v->line, v->col, NULL,
                             "%s: item %zu must be a string, got %s", f->path, i + 1,
                             gx_node_kind_word(v));
                ok = false;
                continue;
            }
            if (gx_has_nul(v)) {
                gx_nul_error(diags, file, v, f->path);
                ok = false;
                continue;
            }
            list.items[i] = v->text;
        }
        out->list = list;
        return ok;
    }
    case GX_T_YAML: {
        bool want_map = f->shape == GX_SHAPE_OPTIONS || f->shape == GX_SHAPE_CHART_VALUES;
        if (node && node->kind == GX_NODE_SCALAR && node->plain && gx_node_is_null(node))
            node = NULL;
        if (!node) {
            gx_node *empty = gx_arena_alloc(arena, sizeof *empty);
            empty->kind = want_map ? GX_NODE_MAP : GX_NODE_SEQ;
            empty->file = file;
            out->node = empty;
            return true;
        }
        if (node->kind != (want_map ? GX_NODE_MAP : GX_NODE_SEQ)) {
            gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, line, col, NULL, "%s: expected %s, got %s", f->path,
                         want_map ? "a map" : "a list", gx_node_kind_word(node));
            return false;
        }
        out->node = node;
        return true;
    }
    }
    return false;
}

/* ---- layers ----------------------------------------------------------------- */

void gx_layer_init(gx_layer *layer, gx_layer_kind kind, const char *file)
{
    memset(layer, 0, sizeof *layer);
    layer->kind = kind;
    layer->file = file;
}

static void gx_layer_store(gx_layer *layer, int field, gx_value value, int line, int col)
{
    layer->present[field] = true;
    layer->value[field] = value;
    layer->origin[field] = (gx_origin){layer->kind, layer->file, line, col};
}

static bool gx_read_components(gx_layer *layer, const gx_node *node, gx_diags *diags)
{
    const char *file = layer->file;
    if (node->kind != GX_NODE_MAP) {
        gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, node->line, node->col, "write e.g. components: {autoscaling: true}",
                     "components: expected a map of component names to true/false, got %s",
                     gx_node_kind_word(node));
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < node->count; i++) {
        const gx_node *key = node->keys[i], *value = node->items[i];
        int c = gx_component_find(key->text);
        if (c < 0) {
            char hint[512];
            int near = gx_component_suggest(key->text);
            if (near >= 0)
                snprintf(hint, sizeof hint, "did you mean '%s'? known components:",
                         gx_components[near].name);
            else
                snprintf(hint, sizeof hint, "known components:");
            for (int k = 0; k < GX_COMPONENT_COUNT; k++) {
                strncat(hint, " ", sizeof hint - strlen(hint) - 1);
                strncat(hint, gx_components[k].name, sizeof hint - strlen(hint) - 1);
            }
            gx_diags_add(diags, GX_CODE_UNKNOWN_KEY, file, key->line, key->col, hint, "unknown component '%.60s'",
                         key->text);
            ok = false;
            continue;
        }
        bool on;
        if (value->kind == GX_NODE_SCALAR && !strcmp(value->text, "true"))
            on = true;
        else if (value->kind == GX_NODE_SCALAR && !strcmp(value->text, "false"))
            on = false;
        else {
            gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, value->line, value->col, "write true or false",
                         "components/%s: expected true or false", key->text);
            ok = false;
            continue;
        }
        if (!on && gx_components[c].mandatory) {
            gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, value->line, value->col,
                         "remove this line: the component is always on",
                         "components/%s: the component is mandatory and cannot be disabled",
                         key->text);
            ok = false;
            continue;
        }
        layer->comp_present[c] = true;
        layer->comp_value[c] = on;
        layer->comp_origin[c] = (gx_origin){layer->kind, file, value->line, value->col};
    }
    return ok;
}

static bool gx_read_branch(gx_arena *arena, gx_layer *layer, const gx_node *map,
                           const char *prefix, gx_diags *diags)
{
    bool ok = true;
    for (size_t i = 0; i < map->count && !gx_diags_full(diags); i++) {
        const gx_node *key = map->keys[i], *value = map->items[i];
        if (!*prefix && !strcmp(key->text, "components")) {
            if (!gx_read_components(layer, value, diags))
                ok = false;
            continue;
        }
        char path[512];
        int n = snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "/" : "", key->text);
        /* a key is one path segment: "core/namespace: x" at the top is not read as a path */
        bool fits = n > 0 && (size_t)n < sizeof path && strlen(key->text) == key->len &&
                    !strchr(key->text, '/');
        int field = fits ? gx_field_find(path) : -1;
        if (field >= 0) {
            gx_value v;
            if (gx_node_value(arena, field, value, layer->file, &v, diags))
                gx_layer_store(layer, field, v, value->line, value->col);
            else
                ok = false;
        } else if (fits && gx_is_branch(path)) {
            if (value->kind != GX_NODE_MAP) {
                gx_diags_add(diags, GX_CODE_WRONG_TYPE, layer->file, value->line, value->col,
                             "nest the settings below it, one level per path segment",
                             "%s: expected a map of settings, got %s", path,
                             gx_node_kind_word(value));
                ok = false;
            } else if (!gx_read_branch(arena, layer, value, path, diags)) {
                ok = false;
            }
        } else {
            char hint[600];
            if (!fits && n > 0 && (size_t)n < sizeof path && strchr(key->text, '/') &&
                (gx_field_find(path) >= 0 || gx_is_branch(path)))
                snprintf(hint, sizeof hint,
                         "nest it, one level per path segment ('%.200s' is a path, not a key)", path);
            else
                gx_field_unknown_hint(fits ? path : "", hint, sizeof hint);
            gx_diags_add(diags, GX_CODE_UNKNOWN_KEY, layer->file, key->line, key->col, hint, "unknown key '%.80s%s%.80s'",
                         prefix, *prefix ? "/" : "", key->text);
            ok = false;
        }
    }
    return ok;
}

bool gx_layer_read(gx_arena *arena, gx_layer *layer, const char *data, size_t len,
                   gx_diags *diags)
{
    gx_node *root = NULL;
    const char *file = layer->file ? layer->file : "values";
    if (!gx_node_parse(arena, file, data, len, &root, diags))
        return false;
    if (!root)
        return true;
    if (root->kind != GX_NODE_MAP) {
        if (root->kind == GX_NODE_SCALAR && root->plain && gx_node_is_null(root))
            return true;
        gx_diags_add(diags, GX_CODE_WRONG_TYPE, file, root->line, root->col,
                     "a values file is a map nested by path segment, e.g. gateway: {replica-count: 2}",
                     "expected a map at the top level, got %s", gx_node_kind_word(root));
        return false;
    }
    return gx_read_branch(arena, layer, root, "", diags);
}

static bool gx_value_parse_text(gx_arena *arena, int field, const char *text, gx_value *out,
                                gx_diags *diags);

bool gx_value_parse(gx_arena *arena, int field, const char *text, gx_value *out,
                    gx_diags *diags)
{
    size_t before = diags->count;
    bool ok = gx_value_parse_text(arena, field, text, out, diags);
    /* a value given in a request (not read from a file) that does not parse
     * is a problem of the request itself */
    for (size_t i = before; i < diags->count; i++) {
        if (gx_code_class_of(diags->items[i].code) == GX_CC_LOAD)
            diags->items[i].code = GX_CODE_BAD_VALUE;
        if (!diags->items[i].path)
            diags->items[i].path = gx_fields[field].path;
    }
    return ok;
}

static bool gx_value_parse_text(gx_arena *arena, int field, const char *text, gx_value *out,
                                gx_diags *diags)
{
    const gx_field *f = &gx_fields[field];
    /* values.yaml is UTF-8 YAML: a byte string it cannot hold would come back changed */
    ptrdiff_t bad = gx_utf8_invalid_at(text, strlen(text));
    if (bad >= 0) {
        gx_diags_add(diags, GX_CODE_BAD_VALUE, NULL, 0, 0, "values are UTF-8 text; check the terminal's or file's encoding",
                     "%s: the value is not valid UTF-8 (byte %td)", f->path, bad + 1);
        return false;
    }
    if (f->type == GX_T_MAP || f->type == GX_T_LIST || f->type == GX_T_YAML) {
        const char *where = f->path;
        gx_node *node = NULL;
        if (!gx_node_parse(arena, where, text, strlen(text), &node, diags))
            return false;
        return gx_node_value(arena, field, node, where, out, diags);
    }
    return gx_scalar_value(field, gx_arena_strdup(arena, text), NULL, 0, 0, out, diags);
}

bool gx_layer_set_arg(gx_arena *arena, gx_layer *layer, const char *arg, gx_diags *diags)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        gx_diags_add(diags, GX_CODE_BAD_VALUE, NULL, 0, 0, "write PATH=VALUE, e.g. gateway/replica-count=2",
                     "'%.80s' is not PATH=VALUE", arg);
        return false;
    }
    char *path = gx_arena_strndup(arena, arg, (size_t)(eq - arg));
    int field = gx_field_find(path);
    if (field < 0) {
        char hint[600];
        gx_field_unknown_hint(path, hint, sizeof hint);
        gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_UNKNOWN_PATH, NULL,
                                   "unknown path '%.80s'", path);
        if (d) {
            d->hint = gx_diags_strdup(diags, hint);
            gx_field_unknown_remedy(path, &d->remedy);
        }
        return false;
    }
    gx_value v;
    if (!gx_value_parse(arena, field, eq + 1, &v, diags))
        return false;
    gx_layer_store(layer, field, v, 0, 0);
    return true;
}

/* ---- the effective configuration -------------------------------------------- */

static void gx_config_store(struct gx_config *cfg, int field, gx_value v)
{
    char *at = (char *)cfg + gx_fields[field].offset;
    switch (gx_fields[field].type) {
    case GX_T_STRING:
    case GX_T_QUANTITY: memcpy(at, &v.s, sizeof v.s); break;
    case GX_T_INT: memcpy(at, &v.i, sizeof v.i); break;
    case GX_T_BOOL: memcpy(at, &v.b, sizeof v.b); break;
    case GX_T_ENUM: memcpy(at, &v.e, sizeof v.e); break;
    case GX_T_MAP: memcpy(at, &v.map, sizeof v.map); break;
    case GX_T_LIST: memcpy(at, &v.list, sizeof v.list); break;
    case GX_T_YAML: memcpy(at, &v.node, sizeof v.node); break;
    }
}

gx_value gx_config_get(const struct gx_config *cfg, int field)
{
    gx_value v;
    memset(&v, 0, sizeof v);
    const char *at = (const char *)cfg + gx_fields[field].offset;
    switch (gx_fields[field].type) {
    case GX_T_STRING:
    case GX_T_QUANTITY: memcpy(&v.s, at, sizeof v.s); break;
    case GX_T_INT: memcpy(&v.i, at, sizeof v.i); break;
    case GX_T_BOOL: memcpy(&v.b, at, sizeof v.b); break;
    case GX_T_ENUM: memcpy(&v.e, at, sizeof v.e); break;
    case GX_T_MAP: memcpy(&v.map, at, sizeof v.map); break;
    case GX_T_LIST: memcpy(&v.list, at, sizeof v.list); break;
    case GX_T_YAML: memcpy(&v.node, at, sizeof v.node); break;
    }
    return v;
}

void gx_model_build(gx_model *model, const gx_layer *const *layers, size_t count)
{
    int topology = GX_CORE_TOPOLOGY_SHARED;
    {
        struct gx_config probe;
        gx_config_set_defaults(&probe, GX_CORE_TOPOLOGY_SHARED);
        topology = probe.core.topology;
    }
    for (size_t l = 0; l < count; l++)
        if (layers[l]->present[GX_F_CORE_TOPOLOGY])
            topology = layers[l]->value[GX_F_CORE_TOPOLOGY].e;
    memset(model, 0, sizeof *model);
    gx_config_set_defaults(&model->cfg, topology);
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        model->origin[f] = (gx_origin){
            gx_fields[f].default_shared ? GX_LAYER_TOPOLOGY : GX_LAYER_DEFAULT, NULL, 0, 0};
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        model->comp_origin[c] = (gx_origin){GX_LAYER_DEFAULT, NULL, 0, 0};
    bool sa_named = false; /* some layer names the gateway's service account */
    for (size_t l = 0; l < count; l++) {
        const gx_layer *layer = layers[l];
        sa_named |= layer->present[GX_F_GATEWAY_SERVICE_ACCOUNT_NAME];
        for (int f = 0; f < GX_FIELD_COUNT; f++)
            if (layer->present[f]) {
                gx_config_store(&model->cfg, f, layer->value[f]);
                model->origin[f] = layer->origin[f];
            }
        for (int c = 0; c < GX_COMPONENT_COUNT; c++)
            if (layer->comp_present[c]) {
                model->cfg.enabled[c] = layer->comp_value[c];
                model->comp_origin[c] = layer->comp_origin[c];
            }
    }
    /* the default service account follows the release: RELEASE-gateway */
    /* (decided by presence, not by the origin a caller may have left zeroed) */
    if (!sa_named) {
        snprintf(model->default_service_account, sizeof model->default_service_account,
                 "%s-gateway", model->cfg.core.release_name ? model->cfg.core.release_name : "");
        model->cfg.gateway.service_account.name = model->default_service_account;
    }
}

/* ---- text output ------------------------------------------------------------- */

void gx_value_format(gx_buf *out, int field, gx_value v)
{
    const gx_field *f = &gx_fields[field];
    switch (f->type) {
    case GX_T_STRING:
    case GX_T_QUANTITY: gx_buf_puts(out, v.s ? v.s : ""); break;
    case GX_T_INT: gx_buf_printf(out, "%lld", (long long)v.i); break;
    case GX_T_BOOL: gx_buf_puts(out, v.b ? "true" : "false"); break;
    case GX_T_ENUM:
        gx_buf_puts(out, v.e >= 0 && (size_t)v.e < f->choice_count ? f->choices[v.e] : "?");
        break;
    case GX_T_MAP:
        if (v.map.count)
            gx_yaml_map(out, &v.map, 0, false);
        else
            gx_buf_puts(out, "{}");
        break;
    case GX_T_LIST:
        if (v.list.count)
            gx_yaml_list(out, &v.list, 0, false);
        else
            gx_buf_puts(out, "[]");
        break;
    case GX_T_YAML:
        if (v.node && v.node->count)
            gx_yaml_node(out, v.node, 0, false);
        else
            gx_buf_puts(out, v.node && v.node->kind == GX_NODE_MAP ? "{}" : "[]");
        break;
    }
}

void gx_origin_format(gx_buf *out, const gx_origin *origin, const struct gx_config *cfg)
{
    switch (origin->kind) {
    case GX_LAYER_DEFAULT: gx_buf_puts(out, "default"); break;
    case GX_LAYER_TOPOLOGY:
        gx_buf_printf(out, "topology:%s", gx_fields[GX_F_CORE_TOPOLOGY].choices[cfg->core.topology]);
        break;
    case GX_LAYER_VALUES:
        gx_buf_printf(out, "values.yaml:%d:%d", origin->line, origin->col);
        break;
    case GX_LAYER_SECRETS:
        gx_buf_printf(out, "secrets.yaml:%d:%d", origin->line, origin->col);
        break;
    case GX_LAYER_OVERLAY:
        gx_buf_printf(out, "--values %s:%d:%d", origin->file ? origin->file : "?", origin->line,
                      origin->col);
        break;
    case GX_LAYER_SET: gx_buf_puts(out, "--set"); break;
    case GX_LAYER_DRAFT: gx_buf_puts(out, "edited (not saved)"); break;
    }
}

void gx_value_write(gx_buf *out, int field, gx_value v, int indent, int step)
{
    const gx_field *f = &gx_fields[field];
    if (indent < 0)
        indent = 0;
    if (step < 1)
        step = 2;
    /* a non-empty map, list or yaml value: its lines below the key, the first
     * one started here at indent + step (gx_yamlout's "after_key false" form) */
    bool block = (f->type == GX_T_MAP && v.map.count) || (f->type == GX_T_LIST && v.list.count) ||
                 (f->type == GX_T_YAML && v.node && v.node->kind != GX_NODE_SCALAR && v.node->count);
    if (block) {
        gx_buf_putc(out, '\n');
        gx_buf_indent(out, indent + step);
    }
    switch (f->type) {
    case GX_T_STRING:
    case GX_T_QUANTITY:
        gx_buf_putc(out, ' ');
        gx_yaml_str(out, v.s);
        gx_buf_putc(out, '\n');
        break;
    case GX_T_INT: gx_buf_printf(out, " %lld\n", (long long)v.i); break;
    case GX_T_BOOL: gx_buf_puts(out, v.b ? " true\n" : " false\n"); break;
    case GX_T_ENUM:
        gx_buf_putc(out, ' ');
        gx_yaml_str(out, f->choices[v.e]);
        gx_buf_putc(out, '\n');
        break;
    case GX_T_MAP: gx_yaml_map(out, &v.map, block ? indent + step : indent, !block); break;
    case GX_T_LIST: gx_yaml_list(out, &v.list, block ? indent + step : indent, !block); break;
    case GX_T_YAML: gx_yaml_node(out, v.node, block ? indent + step : indent, !block); break;
    }
}

/* Writes one leaf "key: value" at indent. */
static void gx_write_leaf(gx_buf *out, int field, gx_value v, const char *key, int indent)
{
    gx_buf_indent(out, indent);
    gx_yaml_str(out, key);
    gx_buf_putc(out, ':');
    gx_value_write(out, field, v, indent, 2);
}

const char *gx_layer_open_branch(gx_buf *out, char open[GX_LAYER_OPEN_MAX], const char *path,
                                 int col, int step, int *depth)
{
    /* longest common prefix of whole segments with what is open */
    size_t common = 0;
    for (size_t i = 0; open[i] && path[i] == open[i]; i++)
        if (open[i] == '/')
            common = i + 1;
    int d = 0;
    for (size_t i = 0; i < common; i++)
        if (path[i] == '/')
            d++;
    /* open the new branches */
    const char *seg = path + common, *slash;
    while ((slash = strchr(seg, '/')) != NULL) {
        gx_buf_indent(out, col + step * d);
        gx_yaml_scalar(out, seg, (size_t)(slash - seg));
        gx_buf_puts(out, ":\n");
        d++;
        seg = slash + 1;
    }
    snprintf(open, GX_LAYER_OPEN_MAX, "%.*s", (int)(seg - path), path);
    *depth = d;
    return seg;
}

void gx_layer_write(const gx_layer *layer, gx_buf *out)
{
    gx_layer_write_commented(layer, NULL, out);
}

void gx_layer_write_commented(const gx_layer *layer, const char *const *comments, gx_buf *out)
{
    char open[GX_LAYER_OPEN_MAX] = "";
    bool any = false;
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        if (!layer->present[f])
            continue;
        any = true;
        int depth;
        const char *seg = gx_layer_open_branch(out, open, gx_fields[f].path, 0, 2, &depth);
        if (comments && comments[f]) {
            gx_buf_indent(out, 2 * depth);
            gx_buf_puts(out, "# ");
            gx_buf_puts(out, comments[f]);
            gx_buf_putc(out, '\n');
        }
        gx_write_leaf(out, f, layer->value[f], seg, 2 * depth);
    }
    bool comps = false;
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        if (layer->comp_present[c]) {
            if (!comps)
                gx_buf_puts(out, "components:\n");
            comps = true;
            gx_buf_printf(out, "  %s: %s\n", gx_components[c].name,
                          layer->comp_value[c] ? "true" : "false");
        }
    if (!any && !comps)
        gx_buf_puts(out, "{}\n");
}
