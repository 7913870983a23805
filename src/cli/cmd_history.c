/* The `history` command: the revisions kept of successful applies
 * (gx_op_history), as a table or --json, and `history diff A B`
 * (gx_op_history_diff). */
#include <stdlib.h>
#include <string.h>

#include "gx_cli.h"

/* A revision number: digits only, from 1. */
static bool gx_revision_arg(const char *text, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || text[0] == '-' || text[0] == '+' || v < 1 || v > 1000000000)
        return false;
    *out = (int)v;
    return true;
}

/* Writes text line by line, control characters of each line escaped. */
static void gx_put_lines(const char *text, size_t len)
{
    for (size_t start = 0; start < len;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        gx_cli_put_safe(stdout, text + start, end - start);
        putchar('\n');
        start = end + 1;
    }
}

static int gx_history_diff(gx_cli *cli)
{
    int a, b;
    if (cli->npos != 3)
        return gx_cli_usage(cli, "expected history diff A B");
    if (!gx_revision_arg(cli->pos[1], &a) || !gx_revision_arg(cli->pos[2], &b))
        return gx_cli_usage(cli, "revisions are numbers from 1, not '%.40s' '%.40s'",
                            cli->pos[1], cli->pos[2]);
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_buf out = GX_BUF_INIT;
    gx_status st = gx_op_history_diff(cli->session, a, b, &sink, &out);
    if (st == GX_STATUS_OK) {
        if (out.len)
            gx_put_lines(out.data, out.len);
        else
            printf("revisions %d and %d applied the same files\n", a, b);
    }
    gx_buf_free(&out);
    return gx_cli_exit(st);
}

int gx_cmd_history(gx_cli *cli)
{
    if (cli->npos > 0) {
        if (strcmp(cli->pos[0], "diff") != 0)
            return gx_cli_usage(cli, "unknown action '%.80s' (history, or history diff A B)",
                                cli->pos[0]);
        return gx_history_diff(cli);
    }
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_history h;
    gx_status st = gx_op_history(cli->session, &sink, &h);
    if (st != GX_STATUS_OK)
        return gx_cli_exit(st);
    if (gx_cli_flag(cli, "--json")) {
        json_t *list = json_array();
        for (size_t i = 0; i < h.count; i++)
            json_array_append_new(list, gx_json_revision(&h.items[i]));
        json_t *o = json_object();
        json_object_set_new(o, "deployed", h.deployed ? json_integer(h.deployed) : json_null());
        json_object_set_new(o, "revisions", list);
        gx_cli_print_json(o);
        return GX_EXIT_OK;
    }
    if (!h.count) {
        puts("no revisions yet: a successful apply keeps one");
        return GX_EXIT_OK;
    }
    printf("%-9s %-20s %-15s %-28s %-12s %s\n", "REVISION", "TIME", "TARGET",
           "RELEASE/NAMESPACE", "EXPORT", "COMPONENTS");
    for (size_t i = 0; i < h.count; i++) {
        const gx_revision_info *r = &h.items[i];
        char num[32], rel[160];
        snprintf(num, sizeof num, "%d%s", r->number, r->deployed ? " *" : "");
        snprintf(rel, sizeof rel, "%s/%s", r->release_name, r->namespace_);
        printf("%-9s %-20s %-15s ", num, r->time, r->target);
        gx_cli_put_safe(stdout, rel, strlen(rel));
        printf("%*s %-12.12s ", (int)(strlen(rel) < 28 ? 28 - strlen(rel) : 0), "",
               r->export_hash);
        for (size_t c = 0; c < r->component_count; c++)
            printf("%s%s", c ? "," : "", r->components[c]);
        if (r->rollback_of)
            printf(" (rollback to %d)", r->rollback_of);
        putchar('\n');
    }
    if (h.deployed)
        printf("* deployed\n");
    return GX_EXIT_OK;
}
