/* The `schema` command: the JSON Schema of values.yaml and secrets.yaml. */
#include "gx_cli.h"

int gx_cmd_schema(gx_cli *cli)
{
    (void)cli;
    json_t *schema = NULL;
    gx_status st = gx_core_json_schema(&schema);
    if (st != GX_STATUS_OK)
        return gx_cli_exit(st);
    gx_cli_print_json(schema);
    return GX_EXIT_OK;
}
