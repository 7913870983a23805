/* glyphoxa-deploy — the command line (SPEC §6). Parses global options, then
 * dispatches to one function per command. Exit status: 0 success, 1 validation
 * or operation failure, 2 usage error. */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gx_cli.h"
#include "gx_files.h"
#include "gx_model.h"
#include "gx_rules.h"
#include "gx_yamlout.h"

#ifndef GX_VERSION
#define GX_VERSION "0.0.0"
#endif

/* ---- help texts --------------------------------------------------------------- */

static const char gx_usage[] =
    "usage: glyphoxa-deploy [-C DIR] [-f FILE]... [--set PATH=VALUE]... [--set-file PATH=FILE]... COMMAND\n"
    "\n"
    "Configure, render and run Glyphoxa on Kubernetes from one executable.\n"
    "\n"
    "commands:\n"
    "  init        write a new workspace (values.yaml) that validates\n"
    "  list        list paths, components or targets\n"
    "  describe    show everything about one path\n"
    "  get         print the effective value of a path\n"
    "  set         set values in values.yaml\n"
    "  unset       remove values from values.yaml (back to the default)\n"
    "  component   list, enable or disable components\n"
    "  validate    check the configuration (exit 1 on a blocking result)\n"
    "  export      render generated/ and scripts/\n"
    "  apply       run a target (default, infrastructure, stop, destroy, restart, status, diff)\n"
    "  version     print the version\n"
    "\n"
    "global options:\n"
    "  -C DIR                 use DIR as the workspace (default: the current directory)\n"
    "  -f, --values FILE      layer FILE over values.yaml (repeatable, in order)\n"
    "  --set PATH=VALUE       set a value for this run only (highest precedence)\n"
    "  --set-file PATH=FILE   the same, with the content of FILE as the value\n"
    "\n"
    "Run `glyphoxa-deploy COMMAND --help` for a command's options and examples.\n";

typedef struct gx_command {
    const char *name;
    int (*run)(gx_cli *cli);
    const char *help;
} gx_command;

/* ---- JSON helpers ---------------------------------------------------------------- */

static json_t *gx_node_json(const gx_node *node)
{
    if (!node)
        return json_null();
    switch (node->kind) {
    case GX_NODE_SCALAR:
        if (node->plain && !node->tag) {
            switch (gx_yaml_core_resolve(node->text, node->len)) {
            case GX_YAML_CORE_NULL: return json_null();
            case GX_YAML_CORE_BOOL: return json_boolean(node->text[0] == 't' || node->text[0] == 'T');
            case GX_YAML_CORE_INT: {
                char *end;
                long long v = strtoll(node->text, &end, 0);
                if (!*end)
                    return json_integer(v);
                break;
            }
            case GX_YAML_CORE_FLOAT: {
                char *end;
                double v = strtod(node->text, &end);
                if (!*end)
                    return json_real(v);
                break;
            }
            default: break;
            }
        }
        return json_stringn(node->text, node->len);
    case GX_NODE_MAP: {
        json_t *obj = json_object();
        for (size_t i = 0; i < node->count; i++)
            json_object_setn_new(obj, node->keys[i]->text, node->keys[i]->len,
                                 gx_node_json(node->items[i]));
        return obj;
    }
    case GX_NODE_SEQ: {
        json_t *arr = json_array();
        for (size_t i = 0; i < node->count; i++)
            json_array_append_new(arr, gx_node_json(node->items[i]));
        return arr;
    }
    }
    return json_null();
}

static json_t *gx_value_json(int field, gx_value v)
{
    const gx_field *f = &gx_fields[field];
    switch (f->type) {
    case GX_T_STRING:
    case GX_T_QUANTITY: return json_string(v.s ? v.s : "");
    case GX_T_INT: return json_integer((json_int_t)v.i);
    case GX_T_BOOL: return json_boolean(v.b);
    case GX_T_ENUM: return json_string(f->choices[v.e]);
    case GX_T_MAP: {
        json_t *obj = json_object();
        for (size_t i = 0; i < v.map.count; i++)
            json_object_set_new(obj, v.map.keys[i], json_string(v.map.values[i]));
        return obj;
    }
    case GX_T_LIST: {
        json_t *arr = json_array();
        for (size_t i = 0; i < v.list.count; i++)
            json_array_append_new(arr, json_string(v.list.items[i]));
        return arr;
    }
    case GX_T_YAML: return gx_node_json(v.node);
    }
    return json_null();
}

static void gx_print_json(json_t *value)
{
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (text) {
        puts(text);
        free(text);
    }
    json_decref(value);
}

static const char *gx_type_names[] = {
    [GX_T_STRING] = "string", [GX_T_INT] = "int",   [GX_T_BOOL] = "bool",
    [GX_T_ENUM] = "enum",     [GX_T_QUANTITY] = "quantity", [GX_T_MAP] = "map",
    [GX_T_LIST] = "list",     [GX_T_YAML] = "yaml",
};

static json_t *gx_field_json(int index)
{
    const gx_field *f = &gx_fields[index];
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(f->path));
    json_object_set_new(o, "type", json_string(gx_type_names[f->type]));
    json_object_set_new(o, "default", json_string(f->default_text));
    if (f->default_shared) {
        json_object_set_new(o, "default-shared", json_string(f->default_shared));
        json_object_set_new(o, "default-dedicated", json_string(f->default_dedicated));
    }
    json_object_set_new(o, "component",
                        f->component >= 0 ? json_string(gx_components[f->component].name)
                                          : json_null());
    json_object_set_new(o, "section", json_string(f->section));
    json_object_set_new(o, "display", json_string(f->display));
    json_object_set_new(o, "description", json_string(f->description));
    json_object_set_new(o, "secret", json_boolean(f->secret));
    if (f->choices) {
        json_t *c = json_array();
        for (size_t i = 0; i < f->choice_count; i++)
            json_array_append_new(c, json_string(f->choices[i]));
        json_object_set_new(o, "choices", c);
    }
    if (f->has_min)
        json_object_set_new(o, "min", json_integer((json_int_t)f->min));
    if (f->has_max)
        json_object_set_new(o, "max", json_integer((json_int_t)f->max));
    if (f->pattern_name)
        json_object_set_new(o, "pattern", json_string(f->pattern_name));
    if (f->placeholder)
        json_object_set_new(o, "placeholder", json_string(f->placeholder));
    return o;
}

/* ---- commands ------------------------------------------------------------------------ */

static int gx_cmd_version(gx_cli *cli)
{
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, NULL, &pos, &npos, 0, 0, NULL))
        return GX_EXIT_USAGE;
    printf("glyphoxa-deploy %s (schema: %d paths, %d components)\n", GX_VERSION, GX_FIELD_COUNT,
           GX_COMPONENT_COUNT);
    return GX_EXIT_OK;
}

static int gx_cmd_list(gx_cli *cli)
{
    bool json = false;
    gx_optspec specs[] = {{"--json", false, NULL, &json}, {NULL, false, NULL, NULL}};
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, specs, &pos, &npos, 1, 1, "one of: paths, components, targets"))
        return GX_EXIT_USAGE;
    if (!strcmp(pos[0], "paths")) {
        if (json) {
            json_t *arr = json_array();
            for (int i = 0; i < GX_FIELD_COUNT; i++)
                json_array_append_new(arr, gx_field_json(i));
            gx_print_json(arr);
            return GX_EXIT_OK;
        }
        const char *section = NULL;
        for (int i = 0; i < GX_FIELD_COUNT; i++) {
            const gx_field *f = &gx_fields[i];
            if (!section || strcmp(section, f->section)) {
                printf("%s%s:\n", section ? "\n" : "", f->section);
                section = f->section;
            }
            printf("  %-48s %-9s", f->path, gx_type_names[f->type]);
            if (f->secret)
                printf(" (secret)");
            else if (f->default_shared)
                printf(" shared: %s, dedicated: %s", f->default_shared, f->default_dedicated);
            else if (f->default_text[0])
                printf(" default: %s", f->default_text);
            putchar('\n');
        }
        return GX_EXIT_OK;
    }
    if (!strcmp(pos[0], "components")) {
        gx_model model;
        if (!gx_cli_load(cli, &model))
            return GX_EXIT_FAIL;
        if (json) {
            json_t *arr = json_array();
            for (int c = 0; c < GX_COMPONENT_COUNT; c++) {
                json_t *o = json_object();
                json_object_set_new(o, "name", json_string(gx_components[c].name));
                json_object_set_new(o, "enabled", json_boolean(model.cfg.enabled[c]));
                json_object_set_new(o, "mandatory", json_boolean(gx_components[c].mandatory));
                json_object_set_new(o, "default", json_boolean(gx_components[c].default_on));
                json_object_set_new(o, "description", json_string(gx_components[c].description));
                json_array_append_new(arr, o);
            }
            gx_print_json(arr);
            return GX_EXIT_OK;
        }
        for (int c = 0; c < GX_COMPONENT_COUNT; c++)
            printf("  %-16s %-4s %s%s\n", gx_components[c].name,
                   model.cfg.enabled[c] ? "on" : "off", gx_components[c].description,
                   gx_components[c].mandatory ? " (mandatory)" : "");
        return GX_EXIT_OK;
    }
    if (!strcmp(pos[0], "targets")) {
        if (json) {
            json_t *arr = json_array();
            for (int t = 0; t < GX_TARGET_COUNT; t++) {
                json_t *o = json_object();
                json_object_set_new(o, "name", json_string(gx_targets[t].name));
                json_object_set_new(o, "script", json_string(gx_targets[t].script));
                json_object_set_new(o, "pre-export", json_boolean(gx_targets[t].pre_export));
                json_object_set_new(o, "timeout", json_integer(gx_targets[t].timeout_seconds));
                json_object_set_new(o, "description", json_string(gx_targets[t].description));
                json_array_append_new(arr, o);
            }
            gx_print_json(arr);
            return GX_EXIT_OK;
        }
        printf("  %-15s %-10s %-8s %s\n", "TARGET", "EXPORTS", "TIMEOUT", "WHAT IT DOES");
        for (int t = 0; t < GX_TARGET_COUNT; t++)
            printf("  %-15s %-10s %-8d %s\n", gx_targets[t].name,
                   gx_targets[t].pre_export ? "yes" : "no", gx_targets[t].timeout_seconds,
                   gx_targets[t].description);
        return GX_EXIT_OK;
    }
    gx_cli_usage_error(cli, "unknown list '%s' (paths, components, targets)", pos[0]);
    return GX_EXIT_USAGE;
}

static int gx_find_field_or_complain(gx_cli *cli, const char *path)
{
    int field = gx_field_find(path);
    if (field < 0) {
        char hint[600];
        gx_field_unknown_hint(path, hint, sizeof hint);
        gx_cli_error(cli, hint, "unknown path '%.200s'", path);
    }
    return field;
}

static int gx_cmd_describe(gx_cli *cli)
{
    bool json = false;
    gx_optspec specs[] = {{"--json", false, NULL, &json}, {NULL, false, NULL, NULL}};
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, specs, &pos, &npos, 1, 1, "one PATH"))
        return GX_EXIT_USAGE;
    int field = gx_find_field_or_complain(cli, pos[0]);
    if (field < 0)
        return GX_EXIT_FAIL;
    if (json) {
        gx_print_json(gx_field_json(field));
        return GX_EXIT_OK;
    }
    const gx_field *f = &gx_fields[field];
    printf("%s — %s\n", f->path, f->display);
    printf("  type:        %s%s\n", gx_type_names[f->type], f->secret ? " (secret)" : "");
    printf("  section:     %s\n", f->section);
    printf("  component:   %s\n", f->component >= 0 ? gx_components[f->component].name
                                                   : "(none: always active)");
    if (f->default_shared)
        printf("  default:     shared: %s, dedicated: %s\n", f->default_shared,
               f->default_dedicated);
    else
        printf("  default:     %s\n", f->default_text[0] ? f->default_text : "(empty)");
    if (f->choices) {
        printf("  choices:    ");
        for (size_t i = 0; i < f->choice_count; i++)
            printf(" %s", f->choices[i]);
        putchar('\n');
    }
    if (f->has_min || f->has_max) {
        printf("  range:       ");
        if (f->has_min)
            printf("min %lld", (long long)f->min);
        if (f->has_min && f->has_max)
            printf(", ");
        if (f->has_max)
            printf("max %lld", (long long)f->max);
        putchar('\n');
    }
    if (f->pattern_name)
        printf("  format:      %s\n", f->pattern_name);
    if (f->placeholder)
        printf("  example:     %s\n", f->placeholder);
    printf("\n  %s\n", f->description);
    return GX_EXIT_OK;
}

static int gx_cmd_get(gx_cli *cli)
{
    bool json = false, explain = false, show = false;
    gx_optspec specs[] = {{"--json", false, NULL, &json},
                          {"--explain", false, NULL, &explain},
                          {"--show-secrets", false, NULL, &show},
                          {NULL, false, NULL, NULL}};
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, specs, &pos, &npos, 1, 1, "one PATH"))
        return GX_EXIT_USAGE;
    int field = gx_find_field_or_complain(cli, pos[0]);
    if (field < 0)
        return GX_EXIT_FAIL;
    gx_model model;
    if (!gx_cli_load(cli, &model))
        return GX_EXIT_FAIL;
    const gx_field *f = &gx_fields[field];
    gx_value v = gx_config_get(&model.cfg, field);
    bool redact = f->secret && !show;
    gx_buf origin = GX_BUF_INIT;
    gx_origin_format(&origin, &model.origin[field], &model.cfg);
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "path", json_string(f->path));
        json_object_set_new(o, "value", redact ? json_null() : gx_value_json(field, v));
        if (f->secret)
            json_object_set_new(o, "secret", json_true());
        if (explain)
            json_object_set_new(o, "origin", json_string(origin.data));
        gx_print_json(o);
    } else {
        gx_buf text = GX_BUF_INIT;
        if (redact)
            gx_buf_puts(&text, "<redacted>");
        else
            gx_value_format(&text, field, v);
        if (text.len && text.data[text.len - 1] == '\n')
            text.data[--text.len] = '\0';
        if (explain)
            printf("%s\n  from: %s\n", text.data ? text.data : "", origin.data);
        else
            printf("%s\n", text.data ? text.data : "");
        gx_buf_free(&text);
    }
    gx_buf_free(&origin);
    return GX_EXIT_OK;
}

/* Runs fn with the workspace locked; returns its status. */
static int gx_locked(gx_cli *cli, int (*fn)(gx_cli *cli, const char **pos, size_t npos),
                     const char **pos, size_t npos)
{
    gx_diags diags = GX_DIAGS_INIT;
    int fd = gx_lock_workspace(cli->workspace, &diags);
    if (fd < 0) {
        gx_cli_print_diags(cli, &diags);
        gx_diags_free(&diags);
        return GX_EXIT_FAIL;
    }
    int status = fn(cli, pos, npos);
    gx_unlock_workspace(fd);
    return status;
}

static int gx_do_set(gx_cli *cli, const char **pos, size_t npos)
{
    gx_layer *layer = gx_arena_alloc(cli->arena, sizeof *layer);
    if (!gx_cli_read_values(cli, layer))
        return GX_EXIT_FAIL;
    gx_diags diags = GX_DIAGS_INIT;
    bool ok = true;
    for (size_t i = 0; i < npos; i++) {
        /* store with the values.yaml origin kind */
        gx_layer tmp;
        gx_layer_init(&tmp, GX_LAYER_VALUES, layer->file);
        if (!gx_layer_set_arg(cli->arena, &tmp, pos[i], &diags)) {
            ok = false;
            continue;
        }
        for (int f = 0; f < GX_FIELD_COUNT; f++)
            if (tmp.present[f]) {
                layer->present[f] = true;
                layer->value[f] = tmp.value[f];
            }
    }
    if (!ok) {
        gx_cli_print_diags(cli, &diags);
        gx_diags_free(&diags);
        return GX_EXIT_FAIL;
    }
    gx_diags_free(&diags);
    if (!gx_cli_write_values(cli, layer))
        return GX_EXIT_FAIL;
    for (size_t i = 0; i < npos; i++) {
        const char *eq = strchr(pos[i], '=');
        int field = gx_field_find(gx_arena_strndup(cli->arena, pos[i], (size_t)(eq - pos[i])));
        printf("set %s\n", gx_fields[field].path);
    }
    return GX_EXIT_OK;
}

static int gx_cmd_set(gx_cli *cli)
{
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, NULL, &pos, &npos, 1, GX_ANY, "at least one PATH=VALUE"))
        return GX_EXIT_USAGE;
    for (size_t i = 0; i < npos; i++)
        if (!strchr(pos[i], '=')) {
            gx_cli_usage_error(cli, "'%s' is not PATH=VALUE", pos[i]);
            return GX_EXIT_USAGE;
        }
    return gx_locked(cli, gx_do_set, pos, npos);
}

static int gx_do_unset(gx_cli *cli, const char **pos, size_t npos)
{
    gx_layer *layer = gx_arena_alloc(cli->arena, sizeof *layer);
    if (!gx_cli_read_values(cli, layer))
        return GX_EXIT_FAIL;
    for (size_t i = 0; i < npos; i++)
        if (gx_find_field_or_complain(cli, pos[i]) < 0)
            return GX_EXIT_FAIL;
    for (size_t i = 0; i < npos; i++)
        layer->present[gx_field_find(pos[i])] = false;
    if (!gx_cli_write_values(cli, layer))
        return GX_EXIT_FAIL;
    for (size_t i = 0; i < npos; i++)
        printf("unset %s\n", pos[i]);
    return GX_EXIT_OK;
}

static int gx_cmd_unset(gx_cli *cli)
{
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, NULL, &pos, &npos, 1, GX_ANY, "at least one PATH"))
        return GX_EXIT_USAGE;
    return gx_locked(cli, gx_do_unset, pos, npos);
}

static bool gx_generate_secret(gx_cli *cli, gx_layer *layer, int field, size_t length)
{
    gx_diags diags = GX_DIAGS_INIT;
    char *token = gx_random_token(cli->arena, length, &diags);
    if (!token) {
        gx_cli_print_diags(cli, &diags);
        gx_diags_free(&diags);
        return false;
    }
    layer->present[field] = true;
    layer->value[field].s = token;
    return true;
}

static int gx_do_component(gx_cli *cli, const char **pos, size_t npos)
{
    bool enable = !strcmp(pos[0], "enable");
    gx_layer *layer = gx_arena_alloc(cli->arena, sizeof *layer);
    if (!gx_cli_read_values(cli, layer))
        return GX_EXIT_FAIL;
    for (size_t i = 1; i < npos; i++) {
        int c = gx_component_find(pos[i]);
        if (c < 0) {
            gx_cli_error(cli, "`glyphoxa-deploy component list` shows every component",
                         "unknown component '%.80s'", pos[i]);
            return GX_EXIT_FAIL;
        }
        if (!enable && gx_components[c].mandatory) {
            gx_cli_error(cli, NULL, "component '%s' is mandatory and cannot be disabled",
                         gx_components[c].name);
            return GX_EXIT_FAIL;
        }
    }
    for (size_t i = 1; i < npos; i++) {
        int c = gx_component_find(pos[i]);
        layer->comp_present[c] = true;
        layer->comp_value[c] = enable;
        if (enable && c == GX_C_POSTGRESQL && !layer->present[GX_F_POSTGRESQL_POSTGRES_PASSWORD]) {
            if (!gx_generate_secret(cli, layer, GX_F_POSTGRESQL_POSTGRES_PASSWORD, 24))
                return GX_EXIT_FAIL;
            printf("generated postgresql/postgres-password\n");
        }
    }
    if (!gx_cli_write_values(cli, layer))
        return GX_EXIT_FAIL;
    for (size_t i = 1; i < npos; i++)
        printf("%s %s\n", enable ? "enabled" : "disabled", pos[i]);
    return GX_EXIT_OK;
}

static int gx_cmd_component(gx_cli *cli)
{
    bool json = false;
    gx_optspec specs[] = {{"--json", false, NULL, &json}, {NULL, false, NULL, NULL}};
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, specs, &pos, &npos, 0, GX_ANY, NULL))
        return GX_EXIT_USAGE;
    if (npos >= 1 && !strcmp(pos[0], "list") && npos == 1) {
        cli->args = (const char *[]){"components", json ? "--json" : NULL};
        cli->arg_count = json ? 2 : 1;
        return gx_cmd_list(cli);
    }
    if (npos >= 2 && (!strcmp(pos[0], "enable") || !strcmp(pos[0], "disable")))
        return gx_locked(cli, gx_do_component, pos, npos);
    gx_cli_usage_error(cli, "%s", "expected: list | enable NAME... | disable NAME...");
    return GX_EXIT_USAGE;
}

static int gx_cmd_validate(gx_cli *cli)
{
    bool json = false;
    gx_optspec specs[] = {{"--json", false, NULL, &json}, {NULL, false, NULL, NULL}};
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, specs, &pos, &npos, 0, 0, NULL))
        return GX_EXIT_USAGE;
    gx_model model;
    if (!gx_cli_load(cli, &model))
        return GX_EXIT_FAIL;
    gx_diags results = {0};
    gx_validate(&model.cfg, cli->arena, &results);
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "valid", json_boolean(results.blocking == 0));
        json_object_set_new(o, "blocking", json_integer((json_int_t)results.blocking));
        json_object_set_new(o, "warnings", json_integer((json_int_t)results.warnings));
        json_t *arr = json_array();
        for (size_t i = 0; i < results.count; i++) {
            const gx_diag *r = &results.items[i];
            json_t *item = json_object();
            json_object_set_new(item, "rule", json_string(gx_code_id(r->code)));
            json_object_set_new(item, "path", json_string(r->path));
            json_object_set_new(item, "severity",
                                json_string(r->severity == GX_BLOCKING ? "blocking" : "warning"));
            json_object_set_new(item, "message", json_string(r->message));
            json_array_append_new(arr, item);
        }
        json_object_set_new(o, "results", arr);
        gx_print_json(o);
    } else {
        gx_cli_print_results(cli, &results, stdout);
    }
    return results.blocking ? GX_EXIT_FAIL : GX_EXIT_OK;
}

static int gx_do_init(gx_cli *cli, const char **pos, size_t npos);

typedef struct gx_init_opts {
    const char *topology, *ns, *release, *dsn, *environment;
    bool with_postgresql, force;
} gx_init_opts;
static gx_init_opts gx_init;

static int gx_cmd_init(gx_cli *cli)
{
    gx_optspec specs[] = {{"--topology", true, &gx_init.topology, NULL},
                          {"--namespace", true, &gx_init.ns, NULL},
                          {"--release", true, &gx_init.release, NULL},
                          {"--dsn", true, &gx_init.dsn, NULL},
                          {"--environment", true, &gx_init.environment, NULL},
                          {"--with-postgresql", false, NULL, &gx_init.with_postgresql},
                          {"--force", false, NULL, &gx_init.force},
                          {NULL, false, NULL, NULL}};
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, specs, &pos, &npos, 0, 0, NULL))
        return GX_EXIT_USAGE;
    if (gx_init.dsn && gx_init.with_postgresql) {
        gx_cli_usage_error(cli, "%s", "give --dsn or --with-postgresql, not both");
        return GX_EXIT_USAGE;
    }
    gx_diags diags = GX_DIAGS_INIT;
    if (!gx_mkdir_p(cli->workspace, 0755, &diags)) {
        gx_cli_print_diags(cli, &diags);
        gx_diags_free(&diags);
        return GX_EXIT_FAIL;
    }
    return gx_locked(cli, gx_do_init, pos, npos);
}

static bool gx_init_set(gx_cli *cli, gx_layer *layer, const char *path, const char *value,
                        gx_diags *diags)
{
    if (!value)
        return true;
    return gx_layer_set_arg(cli->arena, layer,
                            gx_arena_printf(cli->arena, "%s=%s", path, value), diags);
}

static int gx_do_init(gx_cli *cli, const char **pos, size_t npos)
{
    (void)pos;
    (void)npos;
    const char *values_path = gx_cli_path(cli, "values.yaml");
    if (gx_file_exists(values_path) && !gx_init.force) {
        gx_cli_error(cli, "use --force to replace it", "%s exists already", values_path);
        return GX_EXIT_FAIL;
    }
    gx_layer *layer = gx_arena_alloc(cli->arena, sizeof *layer);
    gx_layer_init(layer, GX_LAYER_VALUES, values_path);
    gx_diags diags = GX_DIAGS_INIT;
    bool ok = gx_init_set(cli, layer, "core/topology", gx_init.topology, &diags) &&
              gx_init_set(cli, layer, "core/namespace", gx_init.ns, &diags) &&
              gx_init_set(cli, layer, "core/release-name", gx_init.release, &diags) &&
              gx_init_set(cli, layer, "core/environment", gx_init.environment, &diags) &&
              gx_init_set(cli, layer, "database/dsn", gx_init.dsn, &diags);
    if (!ok) {
        gx_cli_print_diags(cli, &diags);
        gx_diags_free(&diags);
        return GX_EXIT_FAIL;
    }
    gx_diags_free(&diags);
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        layer->origin[f].kind = GX_LAYER_VALUES;
    if (!gx_generate_secret(cli, layer, GX_F_GATEWAY_ADMIN_KEY, 32))
        return GX_EXIT_FAIL;
    if (!gx_init.dsn) {
        layer->comp_present[GX_C_POSTGRESQL] = true;
        layer->comp_value[GX_C_POSTGRESQL] = true;
        if (!gx_generate_secret(cli, layer, GX_F_POSTGRESQL_POSTGRES_PASSWORD, 24))
            return GX_EXIT_FAIL;
    }
    if (!gx_cli_write_values(cli, layer))
        return GX_EXIT_FAIL;
    static const char gitignore[] =
        "# written by glyphoxa-deploy init: rendered output and tool state\n"
        "generated/\nscripts/\n.glyphoxa-deploy/\n";
    const char *gi = gx_cli_path(cli, ".gitignore");
    if (!gx_file_exists(gi) || gx_init.force) {
        if (!gx_file_write_atomic(gi, gitignore, sizeof gitignore - 1, 0644, true, &diags)) {
            gx_cli_print_diags(cli, &diags);
            gx_diags_free(&diags);
            return GX_EXIT_FAIL;
        }
    }
    printf("wrote %s (mode 0600: it holds a generated admin key%s)\n", values_path,
           gx_init.dsn ? "" : " and PostgreSQL password");
    printf("wrote %s\n", gi);
    printf("next: glyphoxa-deploy%s%s validate && glyphoxa-deploy%s%s export\n",
           strcmp(cli->workspace, ".") ? " -C " : "", strcmp(cli->workspace, ".") ? cli->workspace : "",
           strcmp(cli->workspace, ".") ? " -C " : "", strcmp(cli->workspace, ".") ? cli->workspace : "");
    return GX_EXIT_OK;
}

/* ---- dispatch ---------------------------------------------------------------------- */

static const gx_command gx_commands[] = {
    {"init", gx_cmd_init,
     "usage: glyphoxa-deploy [-C DIR] init [--topology shared|dedicated] [--namespace NS]\n"
     "         [--release NAME] [--dsn DSN | --with-postgresql] [--environment dev|production] [--force]\n\n"
     "Writes values.yaml (mode 0600) and .gitignore into the workspace. The workspace\n"
     "validates as written: a random admin key is generated, and either the given DSN is\n"
     "used or the postgresql component is enabled with a random password.\n\n"
     "examples:\n"
     "  glyphoxa-deploy -C prod init --topology dedicated --dsn 'postgres://glyphoxa:pw@db:5432/glyphoxa'\n"
     "  glyphoxa-deploy init --with-postgresql --environment dev\n"},
    {"list", gx_cmd_list,
     "usage: glyphoxa-deploy list paths|components|targets [--json]\n\n"
     "examples:\n  glyphoxa-deploy list paths\n  glyphoxa-deploy list components --json\n"},
    {"describe", gx_cmd_describe,
     "usage: glyphoxa-deploy describe PATH [--json]\n\n"
     "Shows a path's type, default(s), choices, range, component and description.\n\n"
     "example:\n  glyphoxa-deploy describe gateway/replica-count\n"},
    {"get", gx_cmd_get,
     "usage: glyphoxa-deploy get PATH [--explain] [--show-secrets] [--json]\n\n"
     "Prints the effective value (defaults < topology < values.yaml < -f files < --set).\n"
     "--explain names the layer that won. Secrets print as <redacted> unless --show-secrets.\n\n"
     "examples:\n  glyphoxa-deploy get gateway/replica-count --explain\n"
     "  glyphoxa-deploy -f overlay.yaml get core/namespace --json\n"},
    {"set", gx_cmd_set,
     "usage: glyphoxa-deploy set PATH=VALUE...\n\n"
     "Stores values in values.yaml, parsed by each path's type: ints, true/false, enum\n"
     "choices, maps and lists as YAML text.\n\n"
     "examples:\n  glyphoxa-deploy set gateway/replica-count=2 core/topology=dedicated\n"
     "  glyphoxa-deploy set 'gateway/node-selector={disktype: ssd}'\n"
     "  glyphoxa-deploy set 'core/image-pull-secrets=[regcred]'\n"},
    {"unset", gx_cmd_unset,
     "usage: glyphoxa-deploy unset PATH...\n\n"
     "Removes values from values.yaml, so the defaults apply again.\n\n"
     "example:\n  glyphoxa-deploy unset gateway/replica-count\n"},
    {"component", gx_cmd_component,
     "usage: glyphoxa-deploy component list [--json] | enable NAME... | disable NAME...\n\n"
     "examples:\n  glyphoxa-deploy component enable autoscaling postgresql\n"
     "  glyphoxa-deploy component disable mcp-gateway\n"},
    {"validate", gx_cmd_validate,
     "usage: glyphoxa-deploy validate [--json]\n\n"
     "Checks every value and the rules V1-V20. Exit status 1 when any result is blocking.\n\n"
     "examples:\n  glyphoxa-deploy validate\n  glyphoxa-deploy -f ci.yaml validate --json\n"},
    {"export", gx_cmd_export,
     "usage: glyphoxa-deploy export [--out DIR] [--stdout] [--no-secrets]\n\n"
     "Validates, then renders generated/*.yaml and scripts/*.sh (atomically).\n\n"
     "examples:\n  glyphoxa-deploy export\n  glyphoxa-deploy export --stdout --no-secrets > manifests.yaml\n"},
    {"apply", gx_cmd_apply,
     "usage: glyphoxa-deploy apply [TARGET] [--dry-run] [--timeout S] [--kubeconfig F] [--context C]\n"
     "         [--kubectl PATH] [--helm PATH] [--delete-namespace]\n\n"
     "Runs a target's script from scripts/ with bash: default (apply), infrastructure, stop,\n"
     "destroy, restart, status, diff (see `glyphoxa-deploy list targets` and docs/targets.md).\n"
     "default, infrastructure and diff validate and export first; the others act on the last\n"
     "export. --dry-run prints the commands in order and runs none. kubectl and helm come from\n"
     "PATH unless --kubectl/--helm. The exit status is the failing command's, 124 when the\n"
     "timeout stopped the target; diff exits 1 when the cluster differs. --delete-namespace\n"
     "(destroy only) deletes the Namespace too, with its PersistentVolumeClaims.\n\n"
     "examples:\n  glyphoxa-deploy apply --dry-run\n  glyphoxa-deploy apply infrastructure --timeout 600\n"
     "  glyphoxa-deploy apply status --context prod\n"
     "  glyphoxa-deploy apply destroy --delete-namespace\n"},
    {"version", gx_cmd_version,
     "usage: glyphoxa-deploy version\n\n"
     "Prints the version and the size of the compiled-in schema.\n\n"
     "example:\n  glyphoxa-deploy version\n"},
};

int main(int argc, char **argv)
{
    signal(SIGXFSZ, SIG_IGN); /* a file-size limit becomes EFBIG, reported per file */
    gx_cli cli;
    memset(&cli, 0, sizeof cli);
    cli.arena = gx_arena_new();
    cli.workspace = ".";
    cli.value_files = gx_arena_alloc(cli.arena, (size_t)argc * sizeof(char *));
    cli.sets = gx_arena_alloc(cli.arena, (size_t)argc * sizeof(char *));
    cli.set_is_file = gx_arena_alloc(cli.arena, (size_t)argc * sizeof(bool));
    cli.args = gx_arena_alloc(cli.arena, (size_t)argc * sizeof(char *));
    bool no_color = getenv("NO_COLOR") && *getenv("NO_COLOR");
    cli.color_out = !no_color && isatty(STDOUT_FILENO);
    cli.color_err = !no_color && isatty(STDERR_FILENO);
    bool help = false;
    int status = GX_EXIT_USAGE;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        bool is_c = !strcmp(arg, "-C"), is_f = !strcmp(arg, "-f") || gx_cli_option_is(arg, "--values"),
             is_set = gx_cli_option_is(arg, "--set"), is_set_file = gx_cli_option_is(arg, "--set-file");
        if (is_c || is_f || is_set || is_set_file) {
            const char *eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else {
                fprintf(stderr, "glyphoxa-deploy: option '%s' needs a value\n%s", arg, gx_usage);
                goto done;
            }
            if (is_c)
                cli.workspace = value;
            else if (is_f)
                cli.value_files[cli.value_file_count++] = value;
            else {
                cli.set_is_file[cli.set_count] = is_set_file;
                cli.sets[cli.set_count++] = value;
            }
            continue;
        }
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            help = true;
            continue;
        }
        if (!strcmp(arg, "--version") && !cli.command) {
            cli.command = "version";
            continue;
        }
        if (!cli.command && arg[0] == '-') {
            fprintf(stderr, "glyphoxa-deploy: unknown option '%s'\n%s", arg, gx_usage);
            goto done;
        }
        if (!cli.command)
            cli.command = arg;
        else
            cli.args[cli.arg_count++] = arg;
    }
    if (!cli.command) {
        fputs(gx_usage, help ? stdout : stderr);
        status = help ? GX_EXIT_OK : GX_EXIT_USAGE;
        goto done;
    }
    const gx_command *command = NULL;
    for (size_t i = 0; i < sizeof gx_commands / sizeof gx_commands[0]; i++)
        if (!strcmp(gx_commands[i].name, cli.command))
            command = &gx_commands[i];
    if (!command) {
        fprintf(stderr, "glyphoxa-deploy: unknown command '%s'\n%s", cli.command, gx_usage);
        goto done;
    }
    if (help) {
        fputs(command->help, stdout);
        status = GX_EXIT_OK;
        goto done;
    }
    status = command->run(&cli);
done:
    fflush(stdout);
    gx_arena_free(cli.arena);
    return status;
}
