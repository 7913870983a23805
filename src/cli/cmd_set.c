/* The `set` and `unset` commands. `set PATH -` takes the value from standard
 * input (on a terminal: a prompt without echo, asked twice for a secret), so
 * a secret never stands in the process list. */
#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "gx_cli.h"

/* Reads all of standard input into out (at most limit bytes). */
static bool gx_read_stdin(gx_buf *out, size_t limit)
{
    char chunk[4096];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
        if (n == 0)
            return true;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (out->len + (size_t)n > limit)
            return false;
        gx_buf_put(out, chunk, (size_t)n);
    }
}

/* Reads one line from the terminal without echo after printing prompt. */
static bool gx_read_hidden(const char *prompt, gx_buf *out)
{
    struct termios old, quiet;
    bool restore = tcgetattr(STDIN_FILENO, &old) == 0;
    if (restore) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    fputs(prompt, stderr);
    fflush(stderr);
    bool ok = false;
    for (;;) {
        char c;
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (c == '\n') {
            ok = true;
            break;
        }
        gx_buf_putc(out, c);
    }
    if (restore)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    return ok;
}

/* The value of path from standard input, as "PATH=VALUE" in the arena. */
static const char *gx_value_from_stdin(gx_cli *cli, const char *path)
{
    int field = gx_core_field_find(path);
    if (field < 0) {
        gx_cli_unknown_path(cli, path);
        return NULL;
    }
    bool secret = gx_core_field((size_t)field)->secret;
    gx_buf value = GX_BUF_INIT;
    bool ok;
    if (isatty(STDIN_FILENO)) {
        char prompt[300];
        snprintf(prompt, sizeof prompt, "value for %s%s: ", path, secret ? " (not shown)" : "");
        ok = gx_read_hidden(prompt, &value);
        if (ok && secret) {
            gx_buf again = GX_BUF_INIT;
            ok = gx_read_hidden("the same again: ", &again);
            if (ok && (again.len != value.len ||
                       (value.len && memcmp(again.data, value.data, value.len)))) {
                fputs("glyphoxa-deploy: error: the two entries differ; nothing was changed\n",
                      stderr);
                ok = false;
            }
            gx_buf_free(&again);
        }
        gx_buf_putc(&value, '\n'); /* the line's end, removed like a file's */
    } else {
        ok = gx_read_stdin(&value, 1024 * 1024);
        if (!ok)
            fputs("glyphoxa-deploy: error: cannot read the value from standard input (at most "
                  "1 MiB)\n",
                  stderr);
    }
    const char *out = NULL;
    if (ok) {
        gx_buf_putc(&value, '\0');
        size_t len = value.len - 1;
        gx_diags diags = GX_DIAGS_INIT;
        if (gx_core_value_text(path, "standard input", value.data, &len, &diags))
            out = gx_arena_printf(cli->arena, "%s=%s", path, value.data);
        for (size_t i = 0; i < diags.count; i++)
            gx_cli_print_diag(cli, &diags.items[i]);
        gx_diags_free(&diags);
    }
    if (value.data) /* the value may be a secret: leave nothing behind */
        memset(value.data, 0, value.cap);
    gx_buf_free(&value);
    return out;
}

int gx_cmd_set(gx_cli *cli)
{
    if (gx_cli_no_layers(cli))
        return GX_EXIT_USAGE;
    gx_assignment *a = gx_arena_alloc(cli->arena, cli->npos * sizeof *a);
    size_t n = 0;
    bool stdin_used = false;
    for (size_t i = 0; i < cli->npos; i++) {
        const char *arg = cli->pos[i];
        if (!strchr(arg, '=') && i + 1 < cli->npos && !strcmp(cli->pos[i + 1], "-")) {
            if (stdin_used)
                return gx_cli_usage(cli, "only one value can come from standard input");
            stdin_used = true;
            a[n].text = gx_value_from_stdin(cli, arg);
            if (!a[n].text)
                return GX_EXIT_FAIL;
            n++;
            i++;
            continue;
        }
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg)
            return gx_cli_usage(cli, "'%.200s' is not PATH=VALUE (or PATH - for standard input)",
                                arg);
        a[n++].text = arg;
    }
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_write_result res;
    gx_status st = gx_op_set(cli->session, a, n, gx_cli_opt(cli, "--if-revision"), &sink, &res);
    return gx_cli_exit(st);
}

int gx_cmd_unset(gx_cli *cli)
{
    if (gx_cli_no_layers(cli))
        return GX_EXIT_USAGE;
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_write_result res;
    gx_status st = gx_op_unset(cli->session, cli->pos, cli->npos,
                               gx_cli_opt(cli, "--if-revision"), &sink, &res);
    return gx_cli_exit(st);
}
