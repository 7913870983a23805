/* gxg_emit_schema — writes gx_schema.h (struct gx_config, the component,
 * field, target and pattern enums, the table declarations) and gx_schema.c
 * (the field, component and target tables, compiled-in defaults). See
 * gxg_emit.h. */
#include "gxg_emit.h"

#include <stdlib.h>
#include <string.h>

#include "gxg_util.h"

static const char *gxg_c_types[] = {
    [GX_T_STRING] = "const char *", [GX_T_INT] = "int64_t ", [GX_T_BOOL] = "bool ",
    [GX_T_ENUM] = "int ", [GX_T_QUANTITY] = "const char *", [GX_T_MAP] = "gx_map ",
    [GX_T_LIST] = "gx_list ", [GX_T_YAML] = "const struct gx_node *",
};
static const char *gxg_type_enum[] = {
    [GX_T_STRING] = "GX_T_STRING", [GX_T_INT] = "GX_T_INT",   [GX_T_BOOL] = "GX_T_BOOL",
    [GX_T_ENUM] = "GX_T_ENUM",     [GX_T_QUANTITY] = "GX_T_QUANTITY", [GX_T_MAP] = "GX_T_MAP",
    [GX_T_LIST] = "GX_T_LIST",     [GX_T_YAML] = "GX_T_YAML",
};
static const char *gxg_shape_enum[] = {
    [GX_SHAPE_NONE] = "GX_SHAPE_NONE", [GX_SHAPE_TOLERATIONS] = "GX_SHAPE_TOLERATIONS",
    [GX_SHAPE_OPTIONS] = "GX_SHAPE_OPTIONS", [GX_SHAPE_MCP_SERVERS] = "GX_SHAPE_MCP_SERVERS",
    [GX_SHAPE_NPCS] = "GX_SHAPE_NPCS", [GX_SHAPE_CHART_VALUES] = "GX_SHAPE_CHART_VALUES",
    [GX_SHAPE_EGRESS] = "GX_SHAPE_EGRESS", [GX_SHAPE_PEERS] = "GX_SHAPE_PEERS",
};

/* The C member expression of a path: "gateway/ports/admin" -> "gateway.ports.admin". */
static char *gxg_member(const char *path)
{
    char *m = gxg_ident(path, false);
    for (char *p = m, *q = (char *)path; *p; p++, q++)
        if (*q == '/')
            *p = '.';
    return m;
}

/* Emits the nested struct for all fields whose path starts with prefix (length plen). */
static void gxg_emit_struct(FILE *h, const gxg_schema *s, const char *prefix, size_t plen,
                            int depth)
{
    for (size_t i = 0; i < s->field_count; i++) {
        const gxg_field *f = &s->fields[i];
        if (strncmp(f->path, prefix, plen) != 0)
            continue;
        const char *rest = f->path + plen;
        const char *slash = strchr(rest, '/');
        size_t seglen = slash ? (size_t)(slash - rest) : strlen(rest);
        /* emit each segment once: skip if an earlier field shares this segment */
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            if (strncmp(s->fields[j].path, prefix, plen) == 0 &&
                strncmp(s->fields[j].path + plen, rest, seglen) == 0 &&
                (s->fields[j].path[plen + seglen] == '/' ||
                 s->fields[j].path[plen + seglen] == '\0'))
                seen = true;
        if (seen)
            continue;
        char seg[256];
        snprintf(seg, sizeof seg, "%.*s", (int)seglen, rest);
        char *ident = gxg_ident(seg, false);
        if (slash) {
            fprintf(h, "%*sstruct {\n", depth * 4, "");
            char sub[1024];
            snprintf(sub, sizeof sub, "%.*s/", (int)(plen + seglen), f->path);
            gxg_emit_struct(h, s, sub, strlen(sub), depth + 1);
            fprintf(h, "%*s} %s;\n", depth * 4, "", ident);
        } else {
            fprintf(h, "%*s%s%s; /* %s */\n", depth * 4, "", gxg_c_types[f->type], ident,
                    f->path);
        }
        free(ident);
    }
}

/* A default value as display text (flow YAML). */
static void gxg_flow(FILE *out, yaml_document_t *doc, yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE:
        if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && n->data.scalar.length > 0)
            fputs((const char *)n->data.scalar.value, out);
        else {
            fputc('"', out);
            for (const char *p = (const char *)n->data.scalar.value; *p; p++) {
                if (*p == '"' || *p == '\\')
                    fputc('\\', out);
                fputc(*p, out);
            }
            fputc('"', out);
        }
        break;
    case YAML_SEQUENCE_NODE:
        fputc('[', out);
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            if (it != n->data.sequence.items.start)
                fputs(", ", out);
            gxg_flow(out, doc, yaml_document_get_node(doc, *it));
        }
        fputc(']', out);
        break;
    case YAML_MAPPING_NODE:
        fputc('{', out);
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            if (p != n->data.mapping.pairs.start)
                fputs(", ", out);
            gxg_flow(out, doc, yaml_document_get_node(doc, p->key));
            fputs(": ", out);
            gxg_flow(out, doc, yaml_document_get_node(doc, p->value));
        }
        fputc('}', out);
        break;
    default:
        break;
    }
}

static char *gxg_flow_text(const gxg_value *v)
{
    if (!v->node)
        return NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    gxg_flow(mem, v->doc, v->node);
    fclose(mem);
    return text;
}

static int gxg_node_counter;

/* Emits a static gx_node tree for a default; returns its number. */
static int gxg_emit_node(FILE *c, yaml_document_t *doc, yaml_node_t *n)
{
    if (n->type == YAML_SCALAR_NODE) {
        int id = gxg_node_counter++;
        fprintf(c, "static gx_node gx_dn_%d = {.kind = GX_NODE_SCALAR, .text = ", id);
        gxg_c_string(c, (const char *)n->data.scalar.value);
        fprintf(c, ", .len = %zu, .plain = %s};\n", n->data.scalar.length,
                n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? "true" : "false");
        return id;
    }
    size_t count;
    int *keys = NULL, *items;
    if (n->type == YAML_SEQUENCE_NODE) {
        count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        items = gx_xcalloc(count + 1, sizeof *items);
        for (size_t i = 0; i < count; i++)
            items[i] = gxg_emit_node(c, doc,
                                     yaml_document_get_node(doc, n->data.sequence.items.start[i]));
    } else {
        count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        keys = gx_xcalloc(count + 1, sizeof *keys);
        items = gx_xcalloc(count + 1, sizeof *items);
        for (size_t i = 0; i < count; i++) {
            yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
            keys[i] = gxg_emit_node(c, doc, yaml_document_get_node(doc, p->key));
            items[i] = gxg_emit_node(c, doc, yaml_document_get_node(doc, p->value));
        }
    }
    int id = gxg_node_counter++;
    if (count) {
        if (keys) {
            fprintf(c, "static gx_node *gx_dn_%d_keys[] = {", id);
            for (size_t i = 0; i < count; i++)
                fprintf(c, "%s&gx_dn_%d", i ? ", " : "", keys[i]);
            fputs("};\n", c);
        }
        fprintf(c, "static gx_node *gx_dn_%d_items[] = {", id);
        for (size_t i = 0; i < count; i++)
            fprintf(c, "%s&gx_dn_%d", i ? ", " : "", items[i]);
        fputs("};\n", c);
    }
    fprintf(c, "static gx_node gx_dn_%d = {.kind = %s, .count = %zu", id,
            keys ? "GX_NODE_MAP" : "GX_NODE_SEQ", count);
    if (count && keys)
        fprintf(c, ", .keys = gx_dn_%d_keys", id);
    if (count)
        fprintf(c, ", .items = gx_dn_%d_items", id);
    fputs("};\n", c);
    free(keys);
    free(items);
    return id;
}

typedef struct gxg_kv {
    const char *k, *v;
} gxg_kv;

static int gxg_kv_cmp(const void *a, const void *b)
{
    return strcmp(((const gxg_kv *)a)->k, ((const gxg_kv *)b)->k);
}

/* Emits the static data a default needs and writes the C expression to expr. */
static void gxg_default_expr(FILE *c, const gxg_field *f, const gxg_value *v, const char *tag,
                             char *expr, size_t exprlen)
{
    yaml_node_t *n = v->node;
    const char *text = n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
    switch (f->type) {
    case GX_T_STRING:
    case GX_T_QUANTITY: {
        char *lit = gxg_c_string_text(text);
        snprintf(expr, exprlen, "%s", lit);
        free(lit);
        break;
    }
    case GX_T_INT:
        snprintf(expr, exprlen, "INT64_C(%s)", text);
        break;
    case GX_T_BOOL:
        snprintf(expr, exprlen, "%s", text);
        break;
    case GX_T_ENUM:
        for (size_t i = 0; i < f->choice_count; i++)
            if (strcmp(text, f->choices[i]) == 0) {
                char *up = gxg_ident(f->choices[i], true);
                snprintf(expr, exprlen, "GX_%s_%s", f->upper, up);
                free(up);
            }
        break;
    case GX_T_MAP: {
        size_t count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        if (!count) {
            snprintf(expr, exprlen, "(gx_map){0, NULL, NULL}");
            break;
        }
        gxg_kv *kv = gx_xcalloc(count, sizeof *kv);
        for (size_t i = 0; i < count; i++) {
            yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
            kv[i].k = (const char *)yaml_document_get_node(v->doc, p->key)->data.scalar.value;
            kv[i].v = (const char *)yaml_document_get_node(v->doc, p->value)->data.scalar.value;
        }
        qsort(kv, count, sizeof *kv, gxg_kv_cmp);
        fprintf(c, "static const char *gx_dk_%s_%s[] = {", f->ident, tag);
        for (size_t i = 0; i < count; i++) {
            fputs(i ? ", " : "", c);
            gxg_c_string(c, kv[i].k);
        }
        fprintf(c, "};\nstatic const char *gx_dv_%s_%s[] = {", f->ident, tag);
        for (size_t i = 0; i < count; i++) {
            fputs(i ? ", " : "", c);
            gxg_c_string(c, kv[i].v);
        }
        fputs("};\n", c);
        snprintf(expr, exprlen, "(gx_map){%zu, gx_dk_%s_%s, gx_dv_%s_%s}", count, f->ident, tag,
                 f->ident, tag);
        free(kv);
        break;
    }
    case GX_T_LIST: {
        size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        if (!count) {
            snprintf(expr, exprlen, "(gx_list){0, NULL}");
            break;
        }
        fprintf(c, "static const char *gx_dl_%s_%s[] = {", f->ident, tag);
        for (size_t i = 0; i < count; i++) {
            fputs(i ? ", " : "", c);
            gxg_c_string(c, (const char *)yaml_document_get_node(
                                v->doc, n->data.sequence.items.start[i])->data.scalar.value);
        }
        fputs("};\n", c);
        snprintf(expr, exprlen, "(gx_list){%zu, gx_dl_%s_%s}", count, f->ident, tag);
        break;
    }
    case GX_T_YAML: {
        int id = gxg_emit_node(c, v->doc, n);
        snprintf(expr, exprlen, "&gx_dn_%d", id);
        break;
    }
    }
}

static bool gxg_emit_schema_h(const gxg_schema *s, const char *out_dir)
{
    FILE *h = gxg_open_output(out_dir, "gx_schema.h", s->file);
    if (!h)
        return false;
    fputs("#ifndef GX_SCHEMA_H\n#define GX_SCHEMA_H\n\n#include <stdbool.h>\n#include <stdint.h>\n\n"
          "#include \"gx_types.h\"\n\n",
          h);
    fprintf(h,
            "#if GX_RUNTIME_VERSION != %d\n#error \"gx_schema.h was generated for runtime version "
            "%d\"\n#endif\n\n",
            GXG_RUNTIME_VERSION, GXG_RUNTIME_VERSION);
    fputs("/* Components, in schema order. */\nenum {\n", h);
    for (size_t i = 0; i < s->component_count; i++)
        fprintf(h, "    GX_C_%s,\n", s->components[i].upper);
    fputs("    GX_COMPONENT_COUNT\n};\n\n", h);

    fputs("/* Fields: the index of each path in gx_fields[], in schema order. */\nenum {\n", h);
    for (size_t i = 0; i < s->field_count; i++)
        fprintf(h, "    GX_F_%s, /* %s */\n", s->fields[i].upper, s->fields[i].path);
    fputs("    GX_FIELD_COUNT\n};\n\n", h);

    fputs("/* The apply targets (docs/targets.md), in schema order. */\nenum {\n", h);
    for (size_t i = 0; i < s->target_count; i++)
        fprintf(h, "    GX_TARGET_%s,\n", s->targets[i].upper);
    fputs("    GX_TARGET_COUNT\n};\n\n", h);

    fputs("/* Value patterns (compiled by re2c); 0 is \"no pattern\". */\nenum {\n    GX_PATTERN_NONE,\n", h);
    for (size_t i = 0; i < s->pattern_count; i++)
        fprintf(h, "    GX_PATTERN_%s,\n", s->patterns[i].upper);
    fputs("    GX_PATTERN_END\n};\n\n", h);

    for (size_t i = 0; i < s->field_count; i++) {
        const gxg_field *f = &s->fields[i];
        if (f->type != GX_T_ENUM)
            continue;
        fprintf(h, "/* Choices of %s. */\nenum gx_%s {\n", f->path, f->ident);
        for (size_t j = 0; j < f->choice_count; j++) {
            char *up = gxg_ident(f->choices[j], true);
            fprintf(h, "    GX_%s_%s,\n", f->upper, up);
            free(up);
        }
        fputs("};\n", h);
    }

    fputs("\n/* Every setting, typed; nested by path segment ('-' becomes '_'). Enum fields hold\n"
          " * the choice's index. Strings are never NULL. */\nstruct gx_config {\n",
          h);
    gxg_emit_struct(h, s, "", 0, 1);
    fputs("    bool enabled[GX_COMPONENT_COUNT]; /* component toggles */\n};\n\n", h);

    fputs("/* Values computed from the configuration in C (src/gx_derived.c) for the\n"
          " * templates, which name them derived/NAME. */\nstruct gx_derived {\n", h);
    for (size_t i = 0; i < s->derived_count; i++)
        fprintf(h, "    %s%s; /* derived/%s */\n", gxg_c_types[s->derived[i].type],
                s->derived[i].ident, s->derived[i].name);
    if (!s->derived_count)
        fputs("    int unused;\n", h);
    fputs("};\n\n", h);

    fputs("extern const gx_field gx_fields[GX_FIELD_COUNT];\n"
          "/* The indexes of gx_fields[] in ascending strcmp order of their paths:\n"
          " * a path is found by binary search, and the paths below a branch stand\n"
          " * together from the first at or after \"BRANCH/\". */\n"
          "extern const unsigned short gx_fields_by_path[GX_FIELD_COUNT];\n"
          "extern const gx_component_info gx_components[GX_COMPONENT_COUNT];\n"
          "extern const gx_target_info gx_targets[GX_TARGET_COUNT];\n"
          "extern const char *const gx_pattern_names[GX_PATTERN_END];\n"
          "/* Each pattern as an anchored ECMAScript regex (a JSON Schema pattern). */\n"
          "extern const char *const gx_pattern_regexes[GX_PATTERN_END];\n\n"
          "/* Sets every field to its schema default, then to the topology default of\n"
          " * topology (a GX_CORE_TOPOLOGY_* value) where the schema gives one; components to\n"
          " * their defaults. Defaults point to static data: nothing to free. */\n"
          "void gx_config_set_defaults(struct gx_config *cfg, int topology);\n\n"
          "/* True when s matches the whole pattern (a GX_PATTERN_* value). */\n"
          "bool gx_pattern_match(int pattern, const char *s);\n\n#endif\n",
          h);
    return gxg_close_output(h, "gx_schema.h");
}

/* qsort order of field indexes by the strcmp order of their paths (in
 * gxg_sort_fields_schema). */
static const gxg_schema *gxg_sort_fields_schema;
static int gxg_field_path_cmp(const void *a, const void *b)
{
    const gxg_field *f = gxg_sort_fields_schema->fields;
    return strcmp(f[*(const size_t *)a].path, f[*(const size_t *)b].path);
}

static bool gxg_emit_schema_c(const gxg_schema *s, const char *out_dir)
{
    FILE *c = gxg_open_output(out_dir, "gx_schema.c", s->file);
    if (!c)
        return false;
    fputs("#include \"gx_schema.h\"\n\n#include <stddef.h>\n#include <string.h>\n\n#include \"gx_node.h\"\n\n", c);
    fprintf(c, "_Static_assert(GX_RUNTIME_VERSION == %d, \"runtime version mismatch\");\n\n",
            GXG_RUNTIME_VERSION);

    for (size_t i = 0; i < s->field_count; i++) {
        const gxg_field *f = &s->fields[i];
        if (f->type != GX_T_ENUM)
            continue;
        fprintf(c, "static const char *const gx_choices_%s[] = {", f->ident);
        for (size_t j = 0; j < f->choice_count; j++) {
            fputs(j ? ", " : "", c);
            gxg_c_string(c, f->choices[j]);
        }
        fputs("};\n", c);
    }

    fputs("\nconst gx_field gx_fields[GX_FIELD_COUNT] = {\n", c);
    for (size_t i = 0; i < s->field_count; i++) {
        const gxg_field *f = &s->fields[i];
        char *member = gxg_member(f->path);
        fputs("    {.path = ", c);
        gxg_c_string(c, f->path);
        fprintf(c, ", .type = %s, .offset = offsetof(struct gx_config, %s),\n     .section = ",
                gxg_type_enum[f->type], member);
        gxg_c_string(c, f->section);
        fputs(", .display = ", c);
        gxg_c_string(c, f->display);
        fputs(",\n     .description = ", c);
        gxg_c_string(c, f->description);
        if (f->placeholder) {
            fputs(",\n     .placeholder = ", c);
            gxg_c_string(c, f->placeholder);
        }
        if (f->type == GX_T_ENUM)
            fprintf(c, ",\n     .choices = gx_choices_%s, .choice_count = %zu", f->ident,
                    f->choice_count);
        if (f->has_min)
            fprintf(c, ", .has_min = true, .min = INT64_C(%lld)", (long long)f->min);
        if (f->has_max)
            fprintf(c, ", .has_max = true, .max = INT64_C(%lld)", (long long)f->max);
        if (f->pattern) {
            fprintf(c, ", .pattern = GX_PATTERN_%s, .pattern_name = ",
                    s->patterns[f->pattern - 1].upper);
            gxg_c_string(c, s->patterns[f->pattern - 1].name);
        }
        if (f->secret)
            fputs(", .secret = true", c);
        if (f->component >= 0)
            fprintf(c, ", .component = GX_C_%s", s->components[f->component].upper);
        else
            fputs(", .component = -1", c);
        if (f->shape)
            fprintf(c, ", .shape = %s", gxg_shape_enum[f->shape]);
        char *dt = gxg_flow_text(&f->def);
        fputs(",\n     .default_text = ", c);
        gxg_c_string(c, dt ? dt : "");
        free(dt);
        if (f->def_shared.node) {
            char *sh = gxg_flow_text(&f->def_shared), *de = gxg_flow_text(&f->def_dedicated);
            fputs(", .default_shared = ", c);
            gxg_c_string(c, sh);
            fputs(", .default_dedicated = ", c);
            gxg_c_string(c, de);
            free(sh);
            free(de);
        }
        fputs("},\n", c);
        free(member);
    }
    fputs("};\n\nconst unsigned short gx_fields_by_path[GX_FIELD_COUNT] = {", c);
    size_t *order = gx_xmalloc(s->field_count * sizeof *order);
    for (size_t i = 0; i < s->field_count; i++)
        order[i] = i;
    gxg_sort_fields_schema = s;
    qsort(order, s->field_count, sizeof *order, gxg_field_path_cmp);
    for (size_t i = 0; i < s->field_count; i++)
        fprintf(c, "%s%zu", i ? (i % 16 ? ", " : ",\n    ") : "\n    ", order[i]);
    free(order);
    fputs("\n};\n\nconst gx_component_info gx_components[GX_COMPONENT_COUNT] = {\n", c);
    for (size_t i = 0; i < s->component_count; i++) {
        const gxg_component *k = &s->components[i];
        fputs("    {.name = ", c);
        gxg_c_string(c, k->name);
        fputs(", .prefix = ", c);
        char *prefix = gx_xasprintf("%s/", k->name);
        gxg_c_string(c, prefix);
        free(prefix);
        fprintf(c, ", .mandatory = %s, .default_on = %s,\n     .description = ",
                k->mandatory ? "true" : "false", k->default_on ? "true" : "false");
        gxg_c_string(c, k->description);
        fprintf(c, ",\n     .infrastructure = %s},\n", k->infrastructure ? "true" : "false");
    }
    fputs("};\n\n", c);
    static const char *const needs[] = {
        [GX_NEED_NEVER] = "GX_NEED_NEVER",
        [GX_NEED_ALWAYS] = "GX_NEED_ALWAYS",
        [GX_NEED_OPTIONAL] = "GX_NEED_OPTIONAL",
        [GX_NEED_WITH_INFRASTRUCTURE] = "GX_NEED_WITH_INFRASTRUCTURE",
    };
    for (size_t i = 0; i < s->target_count; i++) {
        const gxg_target *t = &s->targets[i];
        char *ident = gxg_ident(t->name, false);
        fprintf(c, "static const char *const gx_target_options_%s[] = {", ident);
        for (size_t j = 0; j < t->option_count; j++) {
            gxg_c_string(c, t->options[j]);
            fputs(", ", c);
        }
        fputs("NULL};\n", c);
        free(ident);
    }
    fputs("\nconst gx_target_info gx_targets[GX_TARGET_COUNT] = {\n", c);
    for (size_t i = 0; i < s->target_count; i++) {
        const gxg_target *t = &s->targets[i];
        char *ident = gxg_ident(t->name, false);
        fputs("    {.name = ", c);
        gxg_c_string(c, t->name);
        fputs(", .script = ", c);
        gxg_c_string(c, t->script);
        fprintf(c, ", .pre_export = %s, .timeout_seconds = %d,\n     .description = ",
                t->pre_export ? "true" : "false", t->timeout);
        gxg_c_string(c, t->description);
        fprintf(c,
                ",\n     .kubectl = %s, .helm = %s, .options = gx_target_options_%s, "
                ".option_count = %zu},\n",
                needs[t->kubectl], needs[t->helm], ident, t->option_count);
        free(ident);
    }
    fputs("};\n\nconst char *const gx_pattern_names[GX_PATTERN_END] = {NULL", c);
    for (size_t i = 0; i < s->pattern_count; i++) {
        fputs(", ", c);
        gxg_c_string(c, s->patterns[i].name);
    }
    fputs("};\n\nconst char *const gx_pattern_regexes[GX_PATTERN_END] = {NULL", c);
    for (size_t i = 0; i < s->pattern_count; i++) {
        fputs(", ", c);
        gxg_c_string(c, s->patterns[i].ecma);
    }
    fputs("};\n\n", c);

    /* defaults: static data first, then the function */
    char **common = gx_xcalloc(s->field_count, sizeof *common);
    char **shared = gx_xcalloc(s->field_count, sizeof *shared);
    char **dedicated = gx_xcalloc(s->field_count, sizeof *dedicated);
    for (size_t i = 0; i < s->field_count; i++) {
        const gxg_field *f = &s->fields[i];
        char expr[512] = "";
        gxg_default_expr(c, f, &f->def, "d", expr, sizeof expr);
        common[i] = gx_xstrdup(expr);
        if (f->def_shared.node) {
            gxg_default_expr(c, f, &f->def_shared, "s", expr, sizeof expr);
            shared[i] = gx_xstrdup(expr);
            gxg_default_expr(c, f, &f->def_dedicated, "x", expr, sizeof expr);
            dedicated[i] = gx_xstrdup(expr);
        }
    }
    const gxg_field *topo = gxg_schema_field(s, "core/topology");
    fputs("\nvoid gx_config_set_defaults(struct gx_config *cfg, int topology)\n{\n"
          "    memset(cfg, 0, sizeof *cfg);\n    (void)topology;\n",
          c);
    for (size_t i = 0; i < s->field_count; i++) {
        const gxg_field *f = &s->fields[i];
        char *member = gxg_member(f->path);
        if (shared[i]) {
            if (!topo) {
                fprintf(stderr, "%s: error: topology defaults need an enum core/topology\n",
                        s->file);
                fclose(c);
                return false;
            }
            fprintf(c, "    cfg->%s = topology == GX_CORE_TOPOLOGY_DEDICATED ? %s : %s;\n",
                    member, dedicated[i], shared[i]);
        } else {
            fprintf(c, "    cfg->%s = %s;\n", member, common[i]);
        }
        free(member);
        free(common[i]);
        free(shared[i]);
        free(dedicated[i]);
    }
    free(common);
    free(shared);
    free(dedicated);
    for (size_t i = 0; i < s->component_count; i++)
        fprintf(c, "    cfg->enabled[GX_C_%s] = %s;\n", s->components[i].upper,
                s->components[i].default_on ? "true" : "false");
    fputs("}\n", c);
    return gxg_close_output(c, "gx_schema.c");
}

bool gxg_emit_schema(const gxg_schema *s, const char *out_dir)
{
    return gxg_emit_schema_h(s, out_dir) && gxg_emit_schema_c(s, out_dir);
}
