/* The `set` and `unset` commands. */
#include <string.h>

#include "gx_cli.h"

int gx_cmd_set(gx_cli *cli)
{
    gx_assignment *a = gx_arena_alloc(cli->arena, cli->npos * sizeof *a);
    for (size_t i = 0; i < cli->npos; i++) {
        const char *eq = strchr(cli->pos[i], '=');
        if (!eq || eq == cli->pos[i])
            return gx_cli_usage(cli, "'%.200s' is not PATH=VALUE", cli->pos[i]);
        a[i].text = cli->pos[i];
    }
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_write_result res;
    gx_status st = gx_op_set(cli->session, a, cli->npos, gx_cli_opt(cli, "--if-revision"), &sink,
                             &res);
    return gx_cli_exit(st);
}

int gx_cmd_unset(gx_cli *cli)
{
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_write_result res;
    gx_status st = gx_op_unset(cli->session, cli->pos, cli->npos,
                               gx_cli_opt(cli, "--if-revision"), &sink, &res);
    return gx_cli_exit(st);
}
