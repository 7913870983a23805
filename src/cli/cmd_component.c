/* The `component` command: list, enable, disable. */
#include <string.h>

#include "gx_cli.h"

int gx_list_components(gx_cli *cli, bool json);

int gx_cmd_component(gx_cli *cli)
{
    const char *action = cli->pos[0];
    if (!strcmp(action, "list") && cli->npos == 1)
        return gx_list_components(cli, gx_cli_flag(cli, "--json"));
    bool enable = !strcmp(action, "enable");
    if ((!enable && strcmp(action, "disable")) || cli->npos < 2)
        return gx_cli_usage(cli, "expected: list | enable NAME... | disable NAME...");
    if (gx_cli_no_layers(cli))
        return GX_EXIT_USAGE;
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_write_result res;
    gx_status st = gx_op_component(cli->session, cli->pos + 1, cli->npos - 1, enable,
                                   gx_cli_opt(cli, "--if-revision"), &sink, &res);
    return gx_cli_exit(st);
}
