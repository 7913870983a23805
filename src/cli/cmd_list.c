/* The `list` command: paths, components, targets, rules. */
#include <string.h>

#include "gx_cli.h"

static int gx_list_paths(bool json)
{
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < gx_core_field_count(); i++)
            json_array_append_new(arr, gx_json_field(gx_core_field(i)));
        gx_cli_print_json(arr);
        return GX_EXIT_OK;
    }
    const char *section = NULL;
    for (size_t i = 0; i < gx_core_field_count(); i++) {
        const gx_field *f = gx_core_field(i);
        if (!section || strcmp(section, f->section)) {
            printf("%s%s:\n", section ? "\n" : "", f->section);
            section = f->section;
        }
        printf("  %-48s %-9s", f->path, gx_core_type_name(f->type));
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

int gx_list_components(gx_cli *cli, bool json);
int gx_list_components(gx_cli *cli, bool json)
{
    size_t n = gx_core_component_count();
    bool *enabled = gx_arena_alloc(cli->arena, n * sizeof *enabled);
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_status st = gx_op_components(cli->session, &sink, enabled);
    if (st != GX_STATUS_OK)
        return gx_cli_exit(st);
    if (json) {
        json_t *arr = json_array();
        for (size_t c = 0; c < n; c++)
            json_array_append_new(arr, gx_json_component(gx_core_component(c), enabled[c]));
        gx_cli_print_json(arr);
        return GX_EXIT_OK;
    }
    for (size_t c = 0; c < n; c++) {
        const gx_component_info *ci = gx_core_component(c);
        printf("  %-16s %-4s %s%s\n", ci->name, enabled[c] ? "on" : "off", ci->description,
               ci->mandatory ? " (mandatory)" : "");
    }
    return GX_EXIT_OK;
}

static int gx_list_targets(bool json)
{
    if (json) {
        json_t *arr = json_array();
        for (size_t t = 0; t < gx_core_target_count(); t++)
            json_array_append_new(arr, gx_json_target(gx_core_target(t)));
        gx_cli_print_json(arr);
        return GX_EXIT_OK;
    }
    printf("  %-15s %-10s %-8s %s\n", "TARGET", "EXPORTS", "TIMEOUT", "WHAT IT DOES");
    for (size_t t = 0; t < gx_core_target_count(); t++) {
        const gx_target_info *ti = gx_core_target(t);
        printf("  %-15s %-10s %-8d %s\n", ti->name, ti->pre_export ? "yes" : "no",
               ti->timeout_seconds, ti->description);
    }
    return GX_EXIT_OK;
}

static int gx_list_rules(bool json)
{
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < gx_core_rule_count(); i++) {
            gx_rule_info r = gx_core_rule(i);
            json_array_append_new(arr, gx_json_rule(&r));
        }
        gx_cli_print_json(arr);
        return GX_EXIT_OK;
    }
    for (size_t i = 0; i < gx_core_rule_count(); i++) {
        gx_rule_info r = gx_core_rule(i);
        printf("  %-4s %-18s %s\n", r.id, r.severities ? r.severities : "", r.summary);
    }
    return GX_EXIT_OK;
}

int gx_cmd_list(gx_cli *cli)
{
    bool json = gx_cli_flag(cli, "--json");
    const char *what = cli->pos[0];
    if (!strcmp(what, "paths"))
        return gx_list_paths(json);
    if (!strcmp(what, "components"))
        return gx_list_components(cli, json);
    if (!strcmp(what, "targets"))
        return gx_list_targets(json);
    if (!strcmp(what, "rules"))
        return gx_list_rules(json);
    return gx_cli_usage(cli, "unknown list '%.80s' (paths, components, targets, rules)", what);
}
