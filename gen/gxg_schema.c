#include "gxg_schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 3, 4))) static void gxg_error(gxg_schema *schema,
                                                            const yaml_node_t *node,
                                                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (node)
        fprintf(stderr, "%s:%zu:%zu: error: ", schema->file, node->start_mark.line + 1,
                node->start_mark.column + 1);
    else
        fprintf(stderr, "%s: error: ", schema->file);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    schema->errors++;
}

static yaml_node_t *gxg_node(gxg_schema *s, int index)
{
    return yaml_document_get_node(&s->doc, index);
}

static const char *gxg_scalar(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

/* The value node under key in a mapping node, or NULL; reports duplicate keys. */
static yaml_node_t *gxg_get(gxg_schema *s, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    yaml_node_t *found = NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *k = gxg_scalar(gxg_node(s, p->key));
        if (k && strcmp(k, key) == 0) {
            if (found)
                gxg_error(s, gxg_node(s, p->key), "duplicate key '%s'", key);
            found = gxg_node(s, p->value);
        }
    }
    return found;
}

static void gxg_check_keys(gxg_schema *s, yaml_node_t *map, const char *const *allowed)
{
    if (!map || map->type != YAML_MAPPING_NODE) {
        gxg_error(s, map, "expected a mapping");
        return;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *kn = gxg_node(s, p->key);
        const char *k = gxg_scalar(kn);
        bool ok = false;
        for (size_t i = 0; k && allowed[i]; i++)
            if (strcmp(k, allowed[i]) == 0)
                ok = true;
        if (!ok)
            gxg_error(s, kn, "unknown key '%s'", k ? k : "(non-scalar)");
    }
}

static char *gxg_req_string(gxg_schema *s, yaml_node_t *map, const char *key)
{
    yaml_node_t *n = gxg_get(s, map, key);
    const char *v = gxg_scalar(n);
    if (!v) {
        gxg_error(s, n ? n : map, "'%s' must be a string and is required", key);
        return gx_xstrdup("");
    }
    return gx_xstrdup(v);
}

static char *gxg_opt_string(gxg_schema *s, yaml_node_t *map, const char *key)
{
    yaml_node_t *n = gxg_get(s, map, key);
    if (!n)
        return NULL;
    const char *v = gxg_scalar(n);
    if (!v) {
        gxg_error(s, n, "'%s' must be a string", key);
        return NULL;
    }
    return gx_xstrdup(v);
}

static bool gxg_parse_bool(gxg_schema *s, yaml_node_t *n, bool *out)
{
    const char *v = gxg_scalar(n);
    if (v && strcmp(v, "true") == 0)
        *out = true;
    else if (v && strcmp(v, "false") == 0)
        *out = false;
    else {
        gxg_error(s, n, "expected true or false");
        return false;
    }
    return true;
}

static bool gxg_parse_int(gxg_schema *s, yaml_node_t *n, int64_t *out)
{
    const char *v = gxg_scalar(n);
    if (!v || !*v) {
        gxg_error(s, n, "expected an integer");
        return false;
    }
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || *end) {
        gxg_error(s, n, "expected an integer, got '%s'", v);
        return false;
    }
    *out = x;
    return true;
}

static bool gxg_opt_bool(gxg_schema *s, yaml_node_t *map, const char *key, bool dflt)
{
    yaml_node_t *n = gxg_get(s, map, key);
    bool v = dflt;
    if (n)
        gxg_parse_bool(s, n, &v);
    return v;
}

static bool gxg_is_segment(const char *seg, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = seg[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return seg[0] != '-' && seg[len - 1] != '-';
}

static bool gxg_valid_path(const char *path)
{
    const char *p = path;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (!gxg_is_segment(p, len))
            return false;
        if (!slash)
            return true;
        p = slash + 1;
    }
}

static const struct {
    const char *name;
    gx_type type;
} gxg_types[] = {
    {"string", GX_T_STRING}, {"int", GX_T_INT},         {"bool", GX_T_BOOL},
    {"enum", GX_T_ENUM},     {"quantity", GX_T_QUANTITY}, {"map", GX_T_MAP},
    {"list", GX_T_LIST},     {"yaml", GX_T_YAML},
};

static const struct {
    const char *name;
    gx_shape shape;
} gxg_shapes[] = {
    {"tolerations", GX_SHAPE_TOLERATIONS},
    {"options", GX_SHAPE_OPTIONS},
    {"mcp-servers", GX_SHAPE_MCP_SERVERS},
    {"npcs", GX_SHAPE_NPCS},
    {"chart-values", GX_SHAPE_CHART_VALUES},
    {"egress", GX_SHAPE_EGRESS},
    {"peers", GX_SHAPE_PEERS},
};

/* Checks that a default value fits the field's type. */
static void gxg_check_default(gxg_schema *s, gxg_field *f, yaml_node_t *n, const char *what)
{
    if (!n)
        return;
    const char *v = gxg_scalar(n);
    switch (f->type) {
    case GX_T_STRING:
    case GX_T_QUANTITY:
        if (!v)
            gxg_error(s, n, "%s of %s must be a scalar", what, f->path);
        break;
    case GX_T_INT: {
        int64_t x;
        if (gxg_parse_int(s, n, &x)) {
            if ((f->has_min && x < f->min) || (f->has_max && x > f->max))
                gxg_error(s, n, "%s of %s is outside its min/max", what, f->path);
        }
        break;
    }
    case GX_T_BOOL: {
        bool b;
        gxg_parse_bool(s, n, &b);
        break;
    }
    case GX_T_ENUM: {
        bool ok = false;
        for (size_t i = 0; v && i < f->choice_count; i++)
            if (strcmp(v, f->choices[i]) == 0)
                ok = true;
        if (!ok)
            gxg_error(s, n, "%s of %s is not one of its choices", what, f->path);
        break;
    }
    case GX_T_MAP:
        if (n->type != YAML_MAPPING_NODE)
            gxg_error(s, n, "%s of %s must be a mapping", what, f->path);
        else
            for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
                 p < n->data.mapping.pairs.top; p++)
                if (!gxg_scalar(gxg_node(s, p->key)) || !gxg_scalar(gxg_node(s, p->value)))
                    gxg_error(s, n, "%s of %s must map strings to strings", what, f->path);
        break;
    case GX_T_LIST:
        if (n->type != YAML_SEQUENCE_NODE)
            gxg_error(s, n, "%s of %s must be a sequence", what, f->path);
        else
            for (yaml_node_item_t *it = n->data.sequence.items.start;
                 it < n->data.sequence.items.top; it++)
                if (!gxg_scalar(gxg_node(s, *it)))
                    gxg_error(s, n, "%s of %s must be a list of strings", what, f->path);
        break;
    case GX_T_YAML:
        if (n->type == YAML_SCALAR_NODE)
            gxg_error(s, n, "%s of %s must be a mapping or a sequence", what, f->path);
        break;
    }
}

static void gxg_read_field(gxg_schema *s, yaml_node_t *n, gxg_field *f)
{
    static const char *const allowed[] = {
        "path",    "type",        "default",     "section",          "display",
        "description", "choices", "min",         "max",              "pattern",
        "secret",  "placeholder", "default-shared", "default-dedicated", "shape", NULL};
    f->line = (int)n->start_mark.line + 1;
    f->col = (int)n->start_mark.column + 1;
    f->component = -1;
    gxg_check_keys(s, n, allowed);
    f->path = gxg_req_string(s, n, "path");
    if (!gxg_valid_path(f->path))
        gxg_error(s, gxg_get(s, n, "path"),
                  "path '%s' must be slash-separated segments of [a-z0-9-]", f->path);
    f->ident = gxg_ident(f->path, false);
    f->upper = gxg_ident(f->path, true);
    char *type = gxg_req_string(s, n, "type");
    bool known = false;
    for (size_t i = 0; i < sizeof gxg_types / sizeof gxg_types[0]; i++)
        if (strcmp(type, gxg_types[i].name) == 0) {
            f->type = gxg_types[i].type;
            f->type_name = gxg_types[i].name;
            known = true;
        }
    if (!known)
        gxg_error(s, gxg_get(s, n, "type"),
                  "unknown type '%s' (string, int, bool, enum, quantity, map, list, yaml)", type);
    free(type);
    f->section = gxg_req_string(s, n, "section");
    f->display = gxg_req_string(s, n, "display");
    f->description = gxg_req_string(s, n, "description");
    f->placeholder = gxg_opt_string(s, n, "placeholder");
    f->secret = gxg_opt_bool(s, n, "secret", false);

    yaml_node_t *choices = gxg_get(s, n, "choices");
    if (choices) {
        if (choices->type != YAML_SEQUENCE_NODE) {
            gxg_error(s, choices, "choices must be a sequence");
        } else {
            size_t count = (size_t)(choices->data.sequence.items.top -
                                    choices->data.sequence.items.start);
            f->choices = gx_xcalloc(count, sizeof *f->choices);
            for (size_t i = 0; i < count; i++) {
                const char *c = gxg_scalar(gxg_node(s, choices->data.sequence.items.start[i]));
                if (!c)
                    gxg_error(s, choices, "choices must be strings");
                f->choices[f->choice_count++] = gx_xstrdup(c ? c : "");
            }
        }
    }
    if (known && (f->type == GX_T_ENUM) != (f->choices != NULL))
        gxg_error(s, n, "%s: an enum needs choices, and only an enum has them", f->path);

    yaml_node_t *mn = gxg_get(s, n, "min"), *xn = gxg_get(s, n, "max");
    if ((mn || xn) && f->type != GX_T_INT)
        gxg_error(s, mn ? mn : xn, "%s: min/max apply to ints only", f->path);
    if (mn)
        f->has_min = gxg_parse_int(s, mn, &f->min);
    if (xn)
        f->has_max = gxg_parse_int(s, xn, &f->max);
    if (f->has_min && f->has_max && f->min > f->max)
        gxg_error(s, mn, "%s: min is above max", f->path);

    char *pattern = gxg_opt_string(s, n, "pattern");
    if (pattern) {
        for (size_t i = 0; i < s->pattern_count; i++)
            if (strcmp(s->patterns[i].name, pattern) == 0)
                f->pattern = (int)i + 1;
        if (!f->pattern)
            gxg_error(s, gxg_get(s, n, "pattern"), "unknown pattern '%s'", pattern);
        if (f->type != GX_T_STRING)
            gxg_error(s, gxg_get(s, n, "pattern"), "%s: patterns apply to strings only",
                      f->path);
        free(pattern);
    } else if (f->type == GX_T_QUANTITY) {
        for (size_t i = 0; i < s->pattern_count; i++)
            if (strcmp(s->patterns[i].name, "quantity") == 0)
                f->pattern = (int)i + 1;
        if (!f->pattern)
            gxg_error(s, n, "quantity fields need a pattern named 'quantity'");
    }

    char *shape = gxg_opt_string(s, n, "shape");
    if (shape) {
        for (size_t i = 0; i < sizeof gxg_shapes / sizeof gxg_shapes[0]; i++)
            if (strcmp(shape, gxg_shapes[i].name) == 0)
                f->shape = gxg_shapes[i].shape;
        if (f->shape == GX_SHAPE_NONE)
            gxg_error(s, gxg_get(s, n, "shape"),
                      "unknown shape '%s' (tolerations, options, mcp-servers, npcs, chart-values, "
                      "egress, peers)", shape);
        free(shape);
    }
    if (known && (f->type == GX_T_YAML) != (f->shape != GX_SHAPE_NONE))
        gxg_error(s, n, "%s: a yaml field needs a shape, and only a yaml field has one", f->path);

    f->def = (gxg_value){&s->doc, gxg_get(s, n, "default")};
    f->def_shared = (gxg_value){&s->doc, gxg_get(s, n, "default-shared")};
    f->def_dedicated = (gxg_value){&s->doc, gxg_get(s, n, "default-dedicated")};
    if (!f->def.node)
        gxg_error(s, n, "%s: 'default' is required", f->path);
    if ((f->def_shared.node == NULL) != (f->def_dedicated.node == NULL))
        gxg_error(s, n, "%s: give both default-shared and default-dedicated, or neither",
                  f->path);
    if (known) {
        gxg_check_default(s, f, f->def.node, "the default");
        gxg_check_default(s, f, f->def_shared.node, "default-shared");
        gxg_check_default(s, f, f->def_dedicated.node, "default-dedicated");
    }
}

static yaml_node_t *gxg_req_seq(gxg_schema *s, yaml_node_t *root, const char *key)
{
    yaml_node_t *n = gxg_get(s, root, key);
    if (!n || n->type != YAML_SEQUENCE_NODE) {
        gxg_error(s, n ? n : root, "'%s' must be a sequence", key);
        return NULL;
    }
    return n;
}

static const char *const gxg_tool_need_names[] = {
    [GX_NEED_NEVER] = "never",
    [GX_NEED_ALWAYS] = "always",
    [GX_NEED_OPTIONAL] = "optional",
    [GX_NEED_WITH_INFRASTRUCTURE] = "with-infrastructure",
};

/* A target's need of a tool: required, one of gxg_tool_need_names. */
static gx_tool_need gxg_req_need(gxg_schema *s, yaml_node_t *tn, const char *key)
{
    yaml_node_t *n = gxg_get(s, tn, key);
    const char *v = gxg_scalar(n);
    for (size_t i = 0; v && i < sizeof gxg_tool_need_names / sizeof gxg_tool_need_names[0]; i++)
        if (strcmp(v, gxg_tool_need_names[i]) == 0)
            return (gx_tool_need)i;
    if (!n)
        gxg_error(s, tn, "'%s' is required: never, always, optional or with-infrastructure",
                  key);
    else
        gxg_error(s, n, "%s: '%s' is not one of never, always, optional, with-infrastructure",
                  key, v ? v : "(not a string)");
    return GX_NEED_NEVER;
}

/* options: the target-specific command-line options a target accepts, as a
 * sequence of option names without "--" (optional; none when absent). */
static void gxg_read_options(gxg_schema *s, yaml_node_t *tn, gxg_target *t)
{
    yaml_node_t *n = gxg_get(s, tn, "options");
    if (!n)
        return;
    if (n->type != YAML_SEQUENCE_NODE) {
        gxg_error(s, n, "options must be a sequence of option names");
        return;
    }
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    t->options = gx_xcalloc(count + 1, sizeof *t->options);
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *on = gxg_node(s, n->data.sequence.items.start[i]);
        const char *o = gxg_scalar(on);
        if (!o || !gxg_is_segment(o, strlen(o))) {
            gxg_error(s, on, "option '%s' must be a name of [a-z0-9-] without '--'",
                      o ? o : "(not a string)");
            continue;
        }
        for (size_t j = 0; j < t->option_count; j++)
            if (strcmp(t->options[j], o) == 0)
                gxg_error(s, on, "option '%s' is listed twice", o);
        t->options[t->option_count++] = gx_xstrdup(o);
    }
}

#define GXG_SEQ_COUNT(n) ((size_t)((n)->data.sequence.items.top - (n)->data.sequence.items.start))

/* The re2c regex re as an anchored ECMAScript regex, for JSON Schema's
 * "pattern": literals ('...' or "...") with the regex characters escaped,
 * classes ([...]) and the operators ( ) | ? * + {n,m} . as they are,
 * whitespace dropped. Anything else (a named definition) is refused with
 * why: a schema must never carry a pattern that differs from the tool's. */
static char *gxg_regex_to_ecma(const char *re, char *why, size_t why_size)
{
    size_t cap = 4 * strlen(re) + 16, n = 0;
    char *out = gx_xmalloc(cap);
    n += (size_t)snprintf(out, cap, "^(?:");
    for (const char *p = re; *p;) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\n') {
            p++;
        } else if (c == '\'' || c == '"') {
            char quote = c;
            p++;
            while (*p && *p != quote) {
                char lit = *p++;
                if (lit == '\\') {
                    if (*p == 'x' && p[1] && p[2]) { /* \xNN stays an escape */
                        out[n++] = '\\';
                        out[n++] = *p++;
                        out[n++] = *p++;
                        out[n++] = *p++;
                        continue;
                    }
                    lit = *p ? *p++ : '\\';
                    if (lit == 'n')
                        lit = '\n';
                    else if (lit == 't')
                        lit = '\t';
                }
                if (strchr("\\^$.|?*+()[]{}/", lit))
                    out[n++] = '\\';
                out[n++] = lit;
            }
            if (*p != quote) {
                snprintf(why, why_size, "an unterminated literal");
                free(out);
                return NULL;
            }
            p++;
        } else if (c == '[') {
            const char *start = p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            while (*p && *p != ']')
                p += *p == '\\' && p[1] ? 2 : 1;
            if (*p != ']') {
                snprintf(why, why_size, "an unterminated class");
                free(out);
                return NULL;
            }
            p++;
            memcpy(out + n, start, (size_t)(p - start));
            n += (size_t)(p - start);
        } else if (strchr("()|?*+.", c)) {
            out[n++] = c;
            p++;
        } else if (c == '{') {
            while (*p && *p != '}')
                out[n++] = *p++;
            if (*p)
                out[n++] = *p++;
        } else {
            snprintf(why, why_size,
                     "'%c' cannot be carried into a JSON Schema pattern (use literals, classes "
                     "and operators only)",
                     c);
            free(out);
            return NULL;
        }
    }
    memcpy(out + n, ")$", 3);
    return out;
}

bool gxg_schema_read(gxg_schema *s, const char *file)
{
    memset(s, 0, sizeof *s);
    s->file = file;
    FILE *fp = fopen(file, "rb");
    if (!fp) {
        fprintf(stderr, "%s: error: cannot open: %s\n", file, strerror(errno));
        return false;
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, fp);
    if (!yaml_parser_load(&parser, &s->doc)) {
        fprintf(stderr, "%s:%zu:%zu: error: %s\n", file, parser.problem_mark.line + 1,
                parser.problem_mark.column + 1, parser.problem ? parser.problem : "bad YAML");
        yaml_parser_delete(&parser);
        fclose(fp);
        return false;
    }
    yaml_parser_delete(&parser);
    fclose(fp);

    yaml_node_t *root = yaml_document_get_root_node(&s->doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        gxg_error(s, root, "the schema must be a mapping");
        return false;
    }
    static const char *const top[] = {"schema-version", "patterns", "components", "targets",
                                      "derived", "fields", NULL};
    gxg_check_keys(s, root, top);
    int64_t version = 0;
    yaml_node_t *vn = gxg_get(s, root, "schema-version");
    if (!vn || !gxg_parse_int(s, vn, &version) || version != 1)
        gxg_error(s, vn ? vn : root, "schema-version must be 1");

    yaml_node_t *pats = gxg_get(s, root, "patterns");
    if (pats && pats->type == YAML_MAPPING_NODE) {
        size_t count = (size_t)(pats->data.mapping.pairs.top - pats->data.mapping.pairs.start);
        s->patterns = gx_xcalloc(count, sizeof *s->patterns);
        for (yaml_node_pair_t *p = pats->data.mapping.pairs.start;
             p < pats->data.mapping.pairs.top; p++) {
            const char *name = gxg_scalar(gxg_node(s, p->key));
            const char *re = gxg_scalar(gxg_node(s, p->value));
            if (!name || !re) {
                gxg_error(s, gxg_node(s, p->key), "a pattern maps a name to a regex string");
                continue;
            }
            gxg_pattern *pt = &s->patterns[s->pattern_count++];
            pt->name = gx_xstrdup(name);
            pt->upper = gxg_ident(name, true);
            pt->regex = gx_xstrdup(re);
            char why[160];
            pt->ecma = gxg_regex_to_ecma(re, why, sizeof why);
            if (!pt->ecma)
                gxg_error(s, gxg_node(s, p->value), "pattern '%s': %s", name, why);
        }
    } else {
        gxg_error(s, pats ? pats : root, "'patterns' must be a mapping");
    }

    yaml_node_t *comps = gxg_req_seq(s, root, "components");
    if (comps) {
        s->components = gx_xcalloc(GXG_SEQ_COUNT(comps), sizeof *s->components);
        static const char *const allowed[] = {"name", "mandatory", "default", "description",
                                              "infrastructure", NULL};
        for (yaml_node_item_t *it = comps->data.sequence.items.start;
             it < comps->data.sequence.items.top; it++) {
            yaml_node_t *cn = gxg_node(s, *it);
            gxg_check_keys(s, cn, allowed);
            gxg_component *c = &s->components[s->component_count++];
            c->line = (int)cn->start_mark.line + 1;
            c->col = (int)cn->start_mark.column + 1;
            c->name = gxg_req_string(s, cn, "name");
            c->upper = gxg_ident(c->name, true);
            c->description = gxg_req_string(s, cn, "description");
            c->mandatory = gxg_opt_bool(s, cn, "mandatory", false);
            c->default_on = gxg_opt_bool(s, cn, "default", false);
            c->infrastructure = gxg_opt_bool(s, cn, "infrastructure", false);
            if (c->mandatory && c->infrastructure)
                gxg_error(s, gxg_get(s, cn, "infrastructure"),
                          "component '%s': an infrastructure component is optional (mandatory: "
                          "false)",
                          c->name);
            if (!gxg_is_segment(c->name, strlen(c->name)))
                gxg_error(s, cn, "component name '%s' must be a path segment", c->name);
            if (c->mandatory && !c->default_on)
                gxg_error(s, cn, "mandatory component '%s' must default to on", c->name);
            for (size_t j = 0; j + 1 < s->component_count; j++)
                if (strcmp(s->components[j].name, c->name) == 0)
                    gxg_error(s, cn, "component '%s' is declared twice", c->name);
        }
    }

    yaml_node_t *targets = gxg_req_seq(s, root, "targets");
    if (targets) {
        s->targets = gx_xcalloc(GXG_SEQ_COUNT(targets), sizeof *s->targets);
        static const char *const allowed[] = {"name",    "script", "pre-export", "timeout",
                                              "description", "kubectl", "helm", "options",
                                              NULL};
        for (yaml_node_item_t *it = targets->data.sequence.items.start;
             it < targets->data.sequence.items.top; it++) {
            yaml_node_t *tn = gxg_node(s, *it);
            gxg_check_keys(s, tn, allowed);
            gxg_target *t = &s->targets[s->target_count++];
            t->line = (int)tn->start_mark.line + 1;
            t->col = (int)tn->start_mark.column + 1;
            t->name = gxg_req_string(s, tn, "name");
            if (!gxg_is_segment(t->name, strlen(t->name)))
                gxg_error(s, gxg_get(s, tn, "name"), "target name '%s' must be a path segment",
                          t->name);
            for (size_t j = 0; j + 1 < s->target_count; j++)
                if (strcmp(s->targets[j].name, t->name) == 0)
                    gxg_error(s, tn, "target '%s' is declared twice", t->name);
            t->kubectl = gxg_req_need(s, tn, "kubectl");
            t->helm = gxg_req_need(s, tn, "helm");
            gxg_read_options(s, tn, t);
            t->upper = gxg_ident(t->name, true);
            t->script = gxg_req_string(s, tn, "script");
            t->description = gxg_req_string(s, tn, "description");
            t->pre_export = gxg_opt_bool(s, tn, "pre-export", false);
            int64_t timeout = 0;
            yaml_node_t *ton = gxg_get(s, tn, "timeout");
            if (!ton || !gxg_parse_int(s, ton, &timeout) || timeout <= 0 || timeout > 86400)
                gxg_error(s, ton ? ton : tn, "timeout must be seconds between 1 and 86400");
            t->timeout = (int)timeout;
        }
    }

    yaml_node_t *derived = gxg_get(s, root, "derived");
    if (derived && derived->type != YAML_SEQUENCE_NODE)
        gxg_error(s, derived, "'derived' must be a sequence");
    else if (derived) {
        s->derived = gx_xcalloc(GXG_SEQ_COUNT(derived), sizeof *s->derived);
        static const char *const allowed[] = {"name", "type", "description", NULL};
        for (yaml_node_item_t *it = derived->data.sequence.items.start;
             it < derived->data.sequence.items.top; it++) {
            yaml_node_t *dn = gxg_node(s, *it);
            gxg_check_keys(s, dn, allowed);
            gxg_derived *d = &s->derived[s->derived_count++];
            d->name = gxg_req_string(s, dn, "name");
            d->ident = gxg_ident(d->name, false);
            d->description = gxg_req_string(s, dn, "description");
            char *type = gxg_req_string(s, dn, "type");
            bool known = false;
            for (size_t i = 0; i < sizeof gxg_types / sizeof gxg_types[0]; i++)
                if (strcmp(type, gxg_types[i].name) == 0 && gxg_types[i].type != GX_T_ENUM &&
                    gxg_types[i].type != GX_T_QUANTITY) {
                    d->type = gxg_types[i].type;
                    d->type_name = gxg_types[i].name;
                    known = true;
                }
            if (!known)
                gxg_error(s, dn, "derived '%s': type must be string, int, bool, map, list or yaml",
                          d->name);
            free(type);
            if (!gxg_is_segment(d->name, strlen(d->name)))
                gxg_error(s, dn, "derived name '%s' must be a path segment", d->name);
        }
    }

    yaml_node_t *fields = gxg_req_seq(s, root, "fields");
    if (fields) {
        s->fields = gx_xcalloc(GXG_SEQ_COUNT(fields), sizeof *s->fields);
        for (yaml_node_item_t *it = fields->data.sequence.items.start;
             it < fields->data.sequence.items.top; it++) {
            yaml_node_t *fn = gxg_node(s, *it);
            gxg_field *f = &s->fields[s->field_count++];
            gxg_read_field(s, fn, f);
            for (size_t j = 0; j + 1 < s->field_count; j++) {
                const char *a = s->fields[j].path, *b = f->path;
                size_t la = strlen(a), lb = strlen(b);
                if (strcmp(a, b) == 0)
                    gxg_error(s, fn, "path '%s' is declared twice (first at line %d)", b,
                              s->fields[j].line);
                else if ((la < lb && strncmp(a, b, la) == 0 && b[la] == '/') ||
                         (lb < la && strncmp(a, b, lb) == 0 && a[lb] == '/'))
                    gxg_error(s, fn, "path '%s' and '%s' nest: a leaf cannot have children", a,
                              b);
            }
            for (size_t c = 0; c < s->component_count; c++) {
                size_t len = strlen(s->components[c].name);
                if (strncmp(f->path, s->components[c].name, len) == 0 && f->path[len] == '/')
                    f->component = (int)c;
            }
        }
    }
    /* the fields of one branch stand together, so that a values file written in
     * schema order opens each branch once */
    for (size_t i = 1; i < s->field_count; i++) {
        const char *path = s->fields[i].path;
        for (const char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
            size_t blen = (size_t)(slash - path) + 1;
            if (strncmp(s->fields[i - 1].path, path, blen) == 0)
                continue;
            for (size_t j = 0; j + 1 < i; j++)
                if (strncmp(s->fields[j].path, path, blen) == 0) {
                    fprintf(stderr,
                            "%s:%d:%d: error: '%s' must follow the other paths under '%.*s' "
                            "(first at line %d)\n",
                            s->file, s->fields[i].line, s->fields[i].col, path, (int)blen, path,
                            s->fields[j].line);
                    s->errors++;
                    break;
                }
        }
    }
    bool any_infrastructure = false;
    for (size_t c = 0; c < s->component_count; c++)
        any_infrastructure = any_infrastructure || s->components[c].infrastructure;
    for (size_t t = 0; t < s->target_count; t++) {
        const gxg_target *tg = &s->targets[t];
        if (!any_infrastructure && (tg->kubectl == GX_NEED_WITH_INFRASTRUCTURE ||
                                    tg->helm == GX_NEED_WITH_INFRASTRUCTURE)) {
            fprintf(stderr,
                    "%s:%d:%d: error: target '%s' needs a tool with-infrastructure, but no "
                    "component is marked infrastructure: true\n",
                    s->file, tg->line, tg->col, tg->name);
            s->errors++;
        }
    }
    for (size_t c = 0; c < s->component_count; c++) {
        bool used = false;
        for (size_t i = 0; i < s->field_count; i++)
            if (s->fields[i].component == (int)c)
                used = true;
        if (!used)
            gxg_error(s, comps, "component '%s' owns no path", s->components[c].name);
    }
    return s->errors == 0;
}

const gxg_field *gxg_schema_field(const gxg_schema *s, const char *path)
{
    for (size_t i = 0; i < s->field_count; i++)
        if (strcmp(s->fields[i].path, path) == 0)
            return &s->fields[i];
    return NULL;
}

int gxg_schema_component(const gxg_schema *s, const char *name)
{
    for (size_t i = 0; i < s->component_count; i++)
        if (strcmp(s->components[i].name, name) == 0)
            return (int)i;
    return -1;
}

const gxg_derived *gxg_schema_derived(const gxg_schema *s, const char *name)
{
    for (size_t i = 0; i < s->derived_count; i++)
        if (strcmp(s->derived[i].name, name) == 0)
            return &s->derived[i];
    return NULL;
}
