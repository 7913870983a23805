/* gx_cli — the command line: one client of the core (gx_core.h). It parses
 * argv against the command table (global options, each command's options
 * and arguments), sets up the session, and prints what the core reports:
 * every diagnostic as "glyphoxa-deploy: error: …" / "warning: …", values,
 * results and a target's output. It includes the core's public header and
 * base headers only. Exit statuses: 0 success, 1 validation or operation
 * failure, 2 anything wrong in the command line itself. */
#ifndef GX_CLI_H
#define GX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gx_core.h"

enum { GX_EXIT_OK = 0, GX_EXIT_FAIL = 1, GX_EXIT_USAGE = 2 };

/* The parsed command line. */
typedef struct gx_cli {
    gx_arena *arena;
    const char *workspace;             /* -C DIR, default "." */
    const gx_command_info *command;    /* NULL: none given */
    const char **values;               /* per option of command->options: the last value
                                        * (GX_OPT_VALUE), or "1" for a flag given */
    const char ***repeats;             /* per option: the values of a GX_OPT_REPEAT option */
    size_t *repeat_counts;
    const char **pos;                  /* positional arguments */
    size_t npos;
    gx_session *session;
    size_t layer_count;                /* -f, --set and --set-file given */
    bool color_out, color_err;         /* colour only on a terminal and never with NO_COLOR */
} gx_cli;

/* The value of the command's option name (as in the table, "--json"), or
 * NULL when it was not given. For a flag: "1" when given. */
const char *gx_cli_opt(const gx_cli *cli, const char *name);
bool gx_cli_flag(const gx_cli *cli, const char *name);

/* Prints "glyphoxa-deploy: error: COMMAND: <message>" and how to get help;
 * returns GX_EXIT_USAGE. */
int gx_cli_usage(gx_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints one diagnostic to stderr with the program prefix, its place, its
 * hint and its remedy as a command line; control characters of the
 * message are escaped. */
void gx_cli_print_diag(gx_cli *cli, const gx_diag *d);

/* Writes s to out with control characters (C0, DEL, C1, and ESC sequences)
 * shown as escapes (\n, \t, \x1b, …), so values never reach the terminal raw. */
void gx_cli_put_safe(FILE *out, const char *s, size_t len);

/* Prints the unknown-path error for path (with a did-you-mean); returns
 * GX_EXIT_USAGE. */
int gx_cli_unknown_path(gx_cli *cli, const char *path);

/* For commands that change the workspace: -f, --set and --set-file change
 * one run only, so they are refused with a usage error (returns
 * GX_EXIT_USAGE) rather than silently dropped; returns GX_EXIT_OK when none
 * was given. */
int gx_cli_no_layers(gx_cli *cli);

/* The exit status for an operation's status. */
int gx_cli_exit(gx_status st);

/* A sink that prints every event the way the command line shows it:
 * diagnostics to stderr; results as "blocking V5 path: message" lines to
 * results_out (stderr unless set); child output to stdout/stderr by stream;
 * steps and status lines; CHANGE events as "set PATH". */
typedef struct gx_cli_sink {
    gx_cli *cli;
    FILE *results_out;   /* where rule results go; NULL: stderr */
    bool quiet_results;  /* do not print results (validate --json prints them itself) */
    bool quiet_files;    /* do not print FILE events */
    bool quiet_changes;
    size_t blocking, warnings; /* results seen */
} gx_cli_sink;
gx_sink gx_cli_sink_make(gx_cli_sink *cs);

/* After an operation that validates first failed: says that nothing was
 * done when blocking results stopped it; returns the exit status of st. */
int gx_cli_not_done(gx_cli *cli, const gx_cli_sink *cs, gx_status st);

/* Prints the closing line of results: "valid: 0 blocking, 1 warning". */
void gx_cli_print_summary(gx_cli *cli, FILE *out, size_t blocking, size_t warnings);

/* Prints json (consumed) to stdout with two-space indentation. */
void gx_cli_print_json(json_t *value);

/* Command entry points, one file each (cmd_*.c). Each returns the exit status. */
int gx_cmd_init(gx_cli *cli);
int gx_cmd_list(gx_cli *cli);
int gx_cmd_describe(gx_cli *cli);
int gx_cmd_get(gx_cli *cli);
int gx_cmd_set(gx_cli *cli);
int gx_cmd_unset(gx_cli *cli);
int gx_cmd_component(gx_cli *cli);
int gx_cmd_validate(gx_cli *cli);
int gx_cmd_export(gx_cli *cli);
int gx_cmd_apply(gx_cli *cli);
int gx_cmd_help(gx_cli *cli);
int gx_cmd_completion(gx_cli *cli);
int gx_cmd_version(gx_cli *cli);
int gx_cmd_history(gx_cli *cli);
int gx_cmd_rollback(gx_cli *cli);
int gx_cmd_schema(gx_cli *cli);
int gx_cmd_import(gx_cli *cli);

/* cmd_apply.c, shared with rollback: follows a running target until it ends,
 * passing signals on (see cmd_apply.c); returns its exit status. */
int gx_cli_follow(gx_apply *a, const char *target);
/* --timeout: whole seconds ("90", "90s") or a duration ("5m", "1h30m",
 * "2m30s"), from 1 s to a week. */
bool gx_cli_parse_timeout(const char *text, int *out);
/* cmd_apply.c, shared with rollback: the request fields both take from the
 * command line — --dry-run, the cluster options, --timeout, and the terminal
 * (stdin) for what a target asks. Returns 0, or GX_EXIT_USAGE after the usage
 * message for a malformed --timeout. */
int gx_cli_apply_common(gx_cli *cli, gx_apply_request *req);

/* The cluster options of the command table (--kubeconfig, --context,
 * --kubectl, --helm) into the request fields given; a NULL field is one the
 * command does not take. */
void gx_cli_cluster(const gx_cli *cli, const char **kubeconfig, const char **context,
                    const char **kubectl, const char **helm);

/* The help of a command, as --help and `help COMMAND` print it. */
void gx_cli_print_command_help(FILE *out, const gx_command_info *c);
/* The top-level usage with the command list. */
void gx_cli_print_usage(FILE *out);

#endif
