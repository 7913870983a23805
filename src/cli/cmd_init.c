/* The `init` command: a new workspace that validates. */
#include <string.h>

#include "gx_cli.h"

int gx_cmd_init(gx_cli *cli)
{
    gx_init_request req = {0};
    req.topology = gx_cli_opt(cli, "--topology");
    req.namespace_ = gx_cli_opt(cli, "--namespace");
    req.release = gx_cli_opt(cli, "--release");
    req.dsn = gx_cli_opt(cli, "--dsn");
    req.environment = gx_cli_opt(cli, "--environment");
    req.with_postgresql = gx_cli_flag(cli, "--with-postgresql");
    req.force = gx_cli_flag(cli, "--force");
    if (gx_cli_no_layers(cli))
        return GX_EXIT_USAGE;
    if (req.dsn && req.with_postgresql)
        return gx_cli_usage(cli, "give --dsn or --with-postgresql, not both");
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_status st = gx_op_init(cli->session, &req, &sink);
    if (st != GX_STATUS_OK)
        return gx_cli_exit(st);
    bool here = !strcmp(cli->workspace, ".");
    const char *ws = here ? "" : cli->workspace;
    printf("secrets.yaml holds the generated admin key%s; values.yaml holds no secret and can "
           "be committed (.gitignore keeps secrets.yaml out)\n",
           req.dsn ? " and the DSN" : " and PostgreSQL password");
    const char *c = here ? "" : " -C ";
    if (req.dsn)
        printf("next: glyphoxa-deploy%s%s validate && glyphoxa-deploy%s%s export\n", c, ws, c, ws);
    else /* the bundled PostgreSQL is installed by its own target, before the first apply */
        printf("next: glyphoxa-deploy%s%s validate && glyphoxa-deploy%s%s apply infrastructure && "
               "glyphoxa-deploy%s%s apply\n",
               c, ws, c, ws, c, ws);
    if (req.topology && !strcmp(req.topology, "dedicated"))
        printf("the dedicated topology schedules on nodes labelled and tainted for it "
               "(core/tier-scheduling); on the cluster, for each such node:\n"
               "  kubectl label nodes NODE glyphoxa.io/tier=dedicated\n"
               "  kubectl taint nodes NODE glyphoxa.io/tier=dedicated:NoSchedule\n");
    return GX_EXIT_OK;
}
