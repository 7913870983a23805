/* The `export` command: validate, then render generated/ and scripts/, into
 * another directory, or as one YAML stream on stdout. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gx_cli.h"

/* The command line's sink, and for --json the list of files with changed. */
typedef struct gx_export_files {
    gx_sink inner;
    json_t *list; /* NULL without --json */
} gx_export_files;

static void gx_export_files_event(void *ctx, const gx_event *ev)
{
    gx_export_files *fc = ctx;
    if (ev->kind == GX_EV_FILE && fc->list) {
        char mode[8];
        snprintf(mode, sizeof mode, "%04o", ev->mode & 07777);
        json_array_append_new(fc->list, json_pack("{s:s, s:s, s:b}", "path", ev->subject,
                                                  "mode", mode, "changed", ev->changed));
    }
    fc->inner.event(fc->inner.ctx, ev);
}

/* Writes the len bytes at data to standard output with write(2), past
 * stdio (the stream is one block: no second copy through stdio's buffer);
 * false with errno on a write error. */
static bool gx_write_stdout(const char *data, size_t len)
{
    if (fflush(stdout) != 0)
        return false;
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            errno = EIO;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

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
    bool quiet = gx_cli_flag(cli, "--quiet"), json = gx_cli_flag(cli, "--json");
    if (to_stdout && (quiet || json))
        return gx_cli_usage(cli, "--stdout prints the manifests; --quiet and --json do not go with it");
    gx_cli_sink cs = {.cli = cli};
    cs.quiet_files = quiet || json;
    gx_export_files fc = {gx_cli_sink_make(&cs), json ? json_array() : NULL};
    gx_sink sink = {gx_export_files_event, &fc};
    gx_export_result res;
    gx_status st = gx_op_export(cli->session, &req, &sink, &res);
    if (st != GX_STATUS_OK)
        json_decref(fc.list);
    if (st != GX_STATUS_OK) {
        gx_buf_free(&stream);
        return gx_cli_not_done(cli, &cs, st);
    }
    if (to_stdout) {
        bool ok = gx_write_stdout(stream.data, stream.len);
        gx_buf_free(&stream);
        if (!ok) {
            fprintf(stderr, "glyphoxa-deploy: error: cannot write the manifests to the output: %s\n",
                    strerror(errno));
            return GX_EXIT_FAIL;
        }
        return GX_EXIT_OK;
    }
    gx_buf_free(&stream);
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "dir", json_string(res.dir ? res.dir : ""));
        json_object_set_new(o, "files", json_integer((json_int_t)res.files));
        json_object_set_new(o, "changed", json_integer((json_int_t)res.changed));
        json_object_set_new(o, "unchanged", json_integer((json_int_t)(res.files - res.changed)));
        json_object_set_new(o, "no_secrets", json_boolean(req.no_secrets));
        json_object_set_new(o, "revision", json_string(res.revision ? res.revision : ""));
        json_object_set_new(o, "list", fc.list);
        gx_cli_print_json(o);
        return GX_EXIT_OK;
    }
    if (!quiet)
        printf("%zu files: %zu changed, %zu unchanged%s\n", res.files, res.changed,
               res.files - res.changed,
               req.no_secrets ? "; exported without secrets (apply will refuse this export)"
                              : "");
    return GX_EXIT_OK;
}
