/* The `validate` command: every result, a summary, and exit 1 on a blocking
 * one; with --json exactly one JSON object, also when loading fails. */
#include "gx_cli.h"

int gx_cmd_validate(gx_cli *cli)
{
    bool json = gx_cli_flag(cli, "--json");
    gx_cli_sink cs = {.cli = cli, .results_out = stdout, .quiet_results = json};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_validation v;
    gx_status st = gx_op_validate(cli->session, &sink, &v);
    if (json) {
        gx_cli_print_json(gx_json_validation(&v));
        return gx_cli_exit(st);
    }
    if (v.loaded)
        gx_cli_print_summary(cli, stdout, v.blocking, v.warnings);
    return gx_cli_exit(st);
}
