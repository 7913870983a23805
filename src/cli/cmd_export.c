/* The `export` command: validate, then render generated/ and scripts/ (or a
 * --stdout stream) through gx_export. */
#include <stdio.h>
#include <string.h>

#include "gx_cli.h"
#include "gx_export.h"
#include "gx_files.h"

int gx_cmd_export(gx_cli *cli)
{
    const char *out_dir = NULL;
    bool to_stdout = false, no_secrets = false;
    gx_optspec specs[] = {{"--out", true, &out_dir, NULL},
                          {"--stdout", false, NULL, &to_stdout},
                          {"--no-secrets", false, NULL, &no_secrets},
                          {NULL, false, NULL, NULL}};
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, specs, &pos, &npos, 0, 0, NULL))
        return GX_EXIT_USAGE;
    if (out_dir && to_stdout) {
        gx_cli_usage_error(cli, "give --out or --stdout, not both");
        return GX_EXIT_USAGE;
    }
    if (out_dir && !*out_dir) {
        gx_cli_usage_error(cli, "--out needs a directory");
        return GX_EXIT_USAGE;
    }
    gx_model model;
    if (!gx_cli_load_valid(cli, &model))
        return GX_EXIT_FAIL;

    gx_export_opts opts = {0};
    opts.workspace = cli->workspace;
    opts.out_dir = out_dir;
    opts.to_stdout = to_stdout;
    opts.stream = stdout;
    opts.no_secrets = no_secrets;
    gx_diags diags = GX_DIAGS_INIT;
    int lock = -1;
    if (!to_stdout && !out_dir) {
        lock = gx_lock_workspace(cli->workspace, &diags);
        if (lock < 0) {
            gx_cli_print_diags(cli, &diags);
            gx_diags_free(&diags);
            return GX_EXIT_FAIL;
        }
    }
    bool ok = gx_export(&model.cfg, &opts, &diags);
    if (lock >= 0)
        gx_unlock_workspace(lock);
    if (!ok) {
        gx_cli_print_diags(cli, &diags);
        gx_diags_free(&diags);
        return GX_EXIT_FAIL;
    }
    gx_diags_free(&diags);
    if (!to_stdout) {
        const char *dest = out_dir ? out_dir : cli->workspace;
        gx_last_export record;
        if (gx_last_export_read(cli->arena, dest, &record, &diags) == GX_LAST_EXPORT_OK) {
            for (size_t i = 0; i < record.file_count; i++)
                printf("wrote %s%s%s (%04o)\n", strcmp(dest, ".") ? dest : "",
                       strcmp(dest, ".") ? "/" : "", record.files[i].path, record.files[i].mode);
            printf("exported %zu files%s\n", record.file_count,
                   no_secrets ? " without secrets (apply will refuse this export)" : "");
        }
        gx_diags_free(&diags);
    }
    return GX_EXIT_OK;
}
