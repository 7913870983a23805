/* The `rollback` command: re-applies a kept revision as it was
 * (gx_rollback_start) and follows it like apply does (gx_cli_follow). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gx_cli.h"

int gx_cmd_rollback(gx_cli *cli)
{
    gx_apply_request req = {0};
    int revision = 0;
    if (cli->npos) {
        char *end;
        long v = strtol(cli->pos[0], &end, 10);
        if (!cli->pos[0][0] || *end || v < 1 || v > 1000000000)
            return gx_cli_usage(cli, "the revision is a number from 1, not '%.80s'", cli->pos[0]);
        revision = (int)v;
    }
    if (gx_cli_apply_common(cli, &req))
        return GX_EXIT_USAGE;
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_apply *a;
    gx_status st = gx_rollback_start(cli->session, &req, revision, &sink, &a);
    if (st != GX_STATUS_OK)
        return gx_cli_exit(st);
    return gx_cli_follow(a, "rollback");
}
