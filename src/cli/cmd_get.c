/* The `get` command: the effective value of a path, a section, or all. */
#include <string.h>

#include "gx_cli.h"

int gx_cmd_get(gx_cli *cli)
{
    bool json = gx_cli_flag(cli, "--json"), explain = gx_cli_flag(cli, "--explain");
    bool all = gx_cli_flag(cli, "--all");
    unsigned flags = gx_cli_flag(cli, "--show-secrets") ? GX_GET_SHOW_SECRETS : 0;
    if (all == (cli->npos == 1))
        return gx_cli_usage(cli, all ? "give a PATH or --all, not both" : "expected a PATH or --all");
    const char *selector = all ? NULL : cli->pos[0];
    bool one = selector && gx_core_field_find(selector) >= 0;
    if (selector && !one && !gx_core_is_section(selector))
        return gx_cli_unknown_path(cli, selector);
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_values vals;
    gx_status st = gx_op_get(cli->session, selector, flags, &sink, &vals);
    if (st != GX_STATUS_OK)
        return gx_cli_exit(st);
    if (json) {
        if (one) {
            gx_cli_print_json(gx_json_value(cli->session, &vals.items[0], explain));
        } else {
            json_t *o = json_object();
            json_t *arr = json_array();
            for (size_t i = 0; i < vals.count; i++)
                json_array_append_new(arr, gx_json_value(cli->session, &vals.items[i], explain));
            json_object_set_new(o, "values", arr);
            json_object_set_new(o, "revision", json_string(vals.revision));
            gx_cli_print_json(o);
        }
        return GX_EXIT_OK;
    }
    if (one) {
        const gx_value_info *v = &vals.items[0];
        fputs(v->text, stdout);
        fputc('\n', stdout);
        if (explain)
            printf("  from: %s\n", v->origin.text);
        return GX_EXIT_OK;
    }
    gx_buf out = GX_BUF_INIT;
    gx_core_values_yaml(cli->session, &vals, explain, &out);
    if (out.len)
        fwrite(out.data, 1, out.len, stdout);
    gx_buf_free(&out);
    return GX_EXIT_OK;
}
