/* glyphoxa-deploy — the command line (a client of gx_core.h). Parses the
 * global options and the command's own options and arguments against the
 * command table, sets up the session, and dispatches to one function per
 * command (cmd_*.c). Exit status: 0 success, 1 validation or operation
 * failure, 2 anything wrong in the command line itself. */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gx_cli.h"
/* GX_NO_MCP, GX_NO_WEB, GX_NO_TUI: the binary without that front end, built
 * only for scripts/bench.sh to say what each adds to the binary's size. */
#ifdef GX_NO_MCP
static int gx_cmd_mcp(gx_cli *cli) { return gx_cli_usage(cli, "this build has no MCP server"); }
#else
#include "mcp_main.h"
#endif
#ifdef GX_NO_TUI
static int gx_cmd_edit(gx_cli *cli) { return gx_cli_usage(cli, "this build has no terminal UI"); }
#else
#include "gx_tui_main.h"
#endif
#ifdef GX_NO_WEB
static int gx_cmd_serve(gx_cli *cli) { return gx_cli_usage(cli, "this build has no web UI"); }
#else
#include "web_main.h"
#endif

typedef struct gx_cli_command {
    const char *name;
    int (*run)(gx_cli *cli);
} gx_cli_command;

/* Each command of the table with its entry point. */
static const gx_cli_command gx_cli_commands[] = {
    {"init", gx_cmd_init},         {"list", gx_cmd_list},
    {"describe", gx_cmd_describe}, {"get", gx_cmd_get},
    {"set", gx_cmd_set},           {"unset", gx_cmd_unset},
    {"component", gx_cmd_component}, {"validate", gx_cmd_validate},
    {"export", gx_cmd_export},     {"apply", gx_cmd_apply},
    {"help", gx_cmd_help},         {"completion", gx_cmd_completion},
    {"version", gx_cmd_version},
    {"mcp", gx_cmd_mcp},           {"serve", gx_cmd_serve},
    {"history", gx_cmd_history},   {"rollback", gx_cmd_rollback},
    {"edit", gx_cmd_edit},
    {"schema", gx_cmd_schema},     {"import", gx_cmd_import},
};

static int (*gx_cli_entry(const char *name))(gx_cli *)
{
    for (size_t i = 0; i < sizeof gx_cli_commands / sizeof gx_cli_commands[0]; i++)
        if (!strcmp(gx_cli_commands[i].name, name))
            return gx_cli_commands[i].run;
    return NULL;
}

/* True when arg is the option name, alone or as "name=…". */
static bool gx_is_option(const char *arg, const char *name)
{
    size_t len = strlen(name);
    return !strncmp(arg, name, len) && (arg[len] == '\0' || arg[len] == '=');
}

/* The option of table matching arg (long name, or short name), or NULL. */
static const gx_cmd_option *gx_match(const gx_cmd_option *table, const char *arg, size_t *index)
{
    size_t i = 0;
    for (const gx_cmd_option *o = table; o && o->name; o++, i++)
        if (gx_is_option(arg, o->name) || (o->short_name && !strcmp(arg, o->short_name))) {
            *index = i;
            return o;
        }
    return NULL;
}

static size_t gx_option_count(const gx_cmd_option *table)
{
    size_t n = 0;
    for (const gx_cmd_option *o = table; o && o->name; o++)
        n++;
    return n;
}

/* Takes the value of option o at argv[*i]: "--name=V" or "--name V". */
static const char *gx_take_value(int argc, char **argv, int *i, const gx_cmd_option *o)
{
    const char *arg = argv[*i];
    const char *eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
    (void)o;
    if (eq)
        return eq + 1;
    if (*i + 1 < argc)
        return argv[++*i];
    return NULL;
}

/* Checks the positional arguments against the command's argument table. */
static bool gx_check_args(gx_cli *cli)
{
    const gx_cmd_arg *args = cli->command->args;
    size_t min = 0, max = 0;
    bool any = false;
    for (const gx_cmd_arg *a = args; a && a->name; a++) {
        min += a->min;
        if (a->max == GX_CMD_ANY)
            any = true;
        else
            max += a->max;
    }
    if (cli->npos < min) {
        gx_cli_usage(cli, "expected %s", cli->command->synopsis);
        return false;
    }
    if (!any && cli->npos > max) {
        gx_cli_usage(cli, "unexpected argument '%.200s'", cli->pos[max]);
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    /* No core dumps: the process holds secrets (values, keys) in memory. Not
     * dumpable also keeps other processes of the user from reading its memory. */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    signal(SIGXFSZ, SIG_IGN); /* a file-size limit becomes EFBIG, reported per file */
    signal(SIGCHLD, SIG_DFL); /* inherited SIG_IGN would lose the target's exit status */
    /* stderr is unbuffered by default: a diagnostic printed piece by piece (the
     * escaping of echoed values goes byte by byte) cost a write(2) a byte, 2,000
     * a run for a workspace with a dozen warnings. Line-buffered, each line is one
     * write; what prompts without a newline flushes itself. */
    static char err_buf[BUFSIZ];
    setvbuf(stderr, err_buf, _IOLBF, sizeof err_buf);
    gx_cli cli;
    memset(&cli, 0, sizeof cli);
    cli.arena = gx_arena_new();
    cli.workspace = ".";
    const char *no_color = getenv("NO_COLOR");
    cli.color_out = !(no_color && *no_color) && isatty(STDOUT_FILENO);
    cli.color_err = !(no_color && *no_color) && isatty(STDERR_FILENO);
    const gx_cmd_option *globals = gx_core_global_options();
    const char **values_files = gx_arena_alloc(cli.arena, (size_t)argc * sizeof(char *));
    size_t nvalues = 0;
    const char **sets = gx_arena_alloc(cli.arena, (size_t)argc * sizeof(char *));
    bool *set_from_file = gx_arena_alloc(cli.arena, (size_t)argc * sizeof(bool));
    size_t nsets = 0;
    cli.pos = gx_arena_alloc(cli.arena, (size_t)argc * sizeof(char *));
    bool help = false, only_positional = false;
    int status = GX_EXIT_USAGE;
    size_t nopts = 0;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        size_t idx;
        if (!only_positional && arg[0] == '-' && arg[1] != '\0') {
            if (!strcmp(arg, "--")) {
                only_positional = true;
                continue;
            }
            if (!cli.command && !strcmp(arg, "--version")) {
                cli.command = gx_core_command_find("version");
                nopts = gx_option_count(cli.command->options);
                continue;
            }
            /* a command's own option shadows a global one of the same name
             * (import helm -f FILE --set K=V: Helm's, not layers of this run) */
            size_t own_idx;
            const gx_cmd_option *o =
                cli.command && gx_match(cli.command->options, arg, &own_idx)
                    ? NULL
                    : gx_match(globals, arg, &idx);
            if (o) {
                if (o->kind == GX_OPT_FLAG) { /* --help */
                    help = true;
                    continue;
                }
                const char *v = gx_take_value(argc, argv, &i, o);
                if (!v) {
                    status = gx_cli_usage(&cli, "option '%s' needs a value", o->name);
                    goto done;
                }
                if (!strcmp(o->name, "-C"))
                    cli.workspace = v;
                else if (!strcmp(o->name, "--values"))
                    values_files[nvalues++] = v;
                else {
                    set_from_file[nsets] = !strcmp(o->name, "--set-file");
                    sets[nsets++] = v;
                }
                continue;
            }
            if (!cli.command) {
                status = gx_cli_usage(&cli, "unknown option '%.200s'", arg);
                goto done;
            }
            o = gx_match(cli.command->options, arg, &idx);
            if (!o) {
                status = gx_cli_usage(&cli, "unknown option '%.200s'", arg);
                goto done;
            }
            if (o->kind == GX_OPT_FLAG) {
                if (strchr(arg, '=')) {
                    status = gx_cli_usage(&cli, "option '%s' takes no value", o->name);
                    goto done;
                }
                cli.values[idx] = "1";
                continue;
            }
            const char *v = gx_take_value(argc, argv, &i, o);
            if (!v) {
                status = gx_cli_usage(&cli, "option '%s' needs a value", o->name);
                goto done;
            }
            cli.values[idx] = v;
            if (o->kind == GX_OPT_REPEAT) {
                if (!cli.repeats[idx])
                    cli.repeats[idx] = gx_arena_alloc(cli.arena, (size_t)argc * sizeof(char *));
                cli.repeats[idx][cli.repeat_counts[idx]++] = v;
            }
            continue;
        }
        if (!cli.command) {
            cli.command = gx_core_command_find(arg);
            if (!cli.command) {
                status = gx_cli_usage(&cli, "unknown command '%.200s'", arg);
                fputs("\n", stderr);
                gx_cli_print_usage(stderr);
                goto done;
            }
            nopts = gx_option_count(cli.command->options);
            cli.values = gx_arena_alloc(cli.arena, (nopts + 1) * sizeof *cli.values);
            cli.repeats = gx_arena_alloc(cli.arena, (nopts + 1) * sizeof *cli.repeats);
            cli.repeat_counts = gx_arena_alloc(cli.arena, (nopts + 1) * sizeof *cli.repeat_counts);
            continue;
        }
        cli.pos[cli.npos++] = arg;
    }
    if (!cli.command) {
        gx_cli_print_usage(help ? stdout : stderr);
        status = help ? GX_EXIT_OK : GX_EXIT_USAGE;
        goto done;
    }
    if (!cli.values) {
        cli.values = gx_arena_alloc(cli.arena, (nopts + 1) * sizeof *cli.values);
        cli.repeats = gx_arena_alloc(cli.arena, (nopts + 1) * sizeof *cli.repeats);
        cli.repeat_counts = gx_arena_alloc(cli.arena, (nopts + 1) * sizeof *cli.repeat_counts);
    }
    if (help) {
        gx_cli_print_command_help(stdout, cli.command);
        status = GX_EXIT_OK;
        goto done;
    }
    if (!gx_check_args(&cli))
        goto done;
    cli.layer_count = nvalues + nsets;
    cli.session = gx_session_new(cli.workspace);
    {
        /* who this is, for anyone waiting for the workspace lock: the command,
         * and the target of apply (a known name only; never other argv) */
        char client[128];
        const char *what = NULL;
        if (!strcmp(cli.command->name, "apply"))
            what = cli.npos && gx_core_target_find(cli.pos[0]) >= 0 ? cli.pos[0] : "default";
        snprintf(client, sizeof client, "glyphoxa-deploy %s%s%s", cli.command->name,
                 what ? " " : "", what ? what : "");
        static gx_cli_sink status_cs;
        status_cs.cli = &cli;
        gx_sink status = gx_cli_sink_make(&status_cs);
        gx_session_set_client(cli.session, client, &status);
    }
    for (size_t i = 0; i < nvalues; i++)
        gx_session_add_values_file(cli.session, values_files[i]);
    for (size_t i = 0; i < nsets; i++)
        gx_session_add_set(cli.session, sets[i], set_from_file[i]);
    if (cli.command->flags & GX_CMD_NEEDS_WORKSPACE) {
        gx_diags diags = GX_DIAGS_INIT;
        if (!gx_session_require_workspace(cli.session, &diags)) {
            for (size_t i = 0; i < diags.count; i++)
                gx_cli_print_diag(&cli, &diags.items[i]);
            gx_diags_free(&diags);
            status = GX_EXIT_FAIL;
            goto done;
        }
        gx_diags_free(&diags);
    }
    status = gx_cli_entry(cli.command->name)(&cli);
done:
    fflush(stdout);
    gx_session_free(cli.session);
    gx_arena_free(cli.arena);
    return status;
}
