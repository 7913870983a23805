/* The `export` command: validate, then render generated/ and scripts/, into
 * another directory, or as one YAML stream on stdout. */
#include <errno.h>
#include <string.h>

#include "gx_cli.h"

int gx_cmd_export(gx_cli *cli)
{
    const char *out_dir = gx_cli_opt(cli, "--out");
    bool to_stdout = gx_cli_flag(cli, "--stdout");
    if (out_dir && to_stdout)
        return gx_cli_usage(cli, "give --out or --stdout, not both");
    if (out_dir && !*out_dir)
        return gx_cli_usage(cli, "--out needs a directory");
    gx_export_request req = {0};
    gx_buf stream = GX_BUF_INIT;
    req.dest = to_stdout ? GX_EXPORT_STREAM : out_dir ? GX_EXPORT_DIR : GX_EXPORT_WORKSPACE;
    req.dir = out_dir;
    req.stream = &stream;
    req.no_secrets = gx_cli_flag(cli, "--no-secrets");
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_export_result res;
    gx_status st = gx_op_export(cli->session, &req, &sink, &res);
    if (st != GX_STATUS_OK) {
        gx_buf_free(&stream);
        return gx_cli_not_done(cli, &cs, st);
    }
    if (to_stdout) {
        bool ok = !stream.len || fwrite(stream.data, 1, stream.len, stdout) == stream.len;
        ok = fflush(stdout) == 0 && ok;
        gx_buf_free(&stream);
        if (!ok) {
            fprintf(stderr, "glyphoxa-deploy: error: cannot write the manifests to the output: %s\n",
                    strerror(errno));
            return GX_EXIT_FAIL;
        }
        return GX_EXIT_OK;
    }
    gx_buf_free(&stream);
    printf("exported %zu files%s\n", res.files,
           req.no_secrets ? " without secrets (apply will refuse this export)" : "");
    return GX_EXIT_OK;
}
