/* gx_cli — what every command of the command line shares: the parsed global
 * options (-C, -f, --set, --set-file), loading the workspace into a model, and
 * output helpers (colour, secret redaction). Depends on gx_model, gx_files,
 * gx_diag, gx_arena. Only the command line prints; library modules return. */
#ifndef GX_CLI_H
#define GX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gx_arena.h"
#include "gx_diag.h"
#include "gx_model.h"
#include "gx_rules.h"

enum { GX_EXIT_OK = 0, GX_EXIT_FAIL = 1, GX_EXIT_USAGE = 2 };

typedef struct gx_cli {
    gx_arena *arena;
    const char *workspace;       /* -C DIR, default "." */
    const char **value_files;    /* -f/--values, in order */
    size_t value_file_count;
    const char **sets;           /* --set PATH=VALUE and --set-file PATH=FILE, in order */
    bool *set_is_file;
    size_t set_count;
    const char *command;
    const char **args;           /* the command's arguments (options included), in order */
    size_t arg_count;
    bool color_out, color_err;   /* colour only on a terminal and never with NO_COLOR */
} gx_cli;

/* One option of a command: a flag (flag set to true when given) or an option
 * with a value (value set; "--name VALUE" and "--name=VALUE" both work). */
typedef struct gx_optspec {
    const char *name;
    bool takes_value;
    const char **value;
    bool *flag;
} gx_optspec;

#define GX_ANY ((size_t)-1)

/* True when arg is the option name, alone or as "name=…". */
bool gx_cli_option_is(const char *arg, const char *name);

/* Parses cli->args against specs (terminated by a NULL name; specs may be
 * NULL); "--" ends the options. Positional arguments go to *pos (arena), and
 * there must be between min and max of them (max GX_ANY: no limit), else the
 * usage error says "expected <expected>" (with max 0: "unexpected argument").
 * Returns false after printing a usage error on an unknown option, a flag given
 * a value, a missing value or a wrong number of arguments. */
bool gx_cli_parse_opts(gx_cli *cli, const gx_optspec *specs, const char ***pos, size_t *npos,
                       size_t min, size_t max, const char *expected);

/* Prints "glyphoxa-deploy COMMAND: <message>" and where the usage is. */
void gx_cli_usage_error(gx_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "<workspace>/<name>" in the arena. */
const char *gx_cli_path(gx_cli *cli, const char *name);

/* Loads values.yaml (missing is fine), each -f file and each --set into layers
 * and builds the model. On failure prints the diagnostics and returns false. */
bool gx_cli_load(gx_cli *cli, gx_model *model);

/* Reads just the workspace's values.yaml into layer (missing gives an empty
 * layer). Prints diagnostics and returns false on failure. */
bool gx_cli_read_values(gx_cli *cli, gx_layer *layer);

/* Writes layer as the workspace's values.yaml: atomic, durable, mode 0600. */
bool gx_cli_write_values(gx_cli *cli, const gx_layer *layer);

/* Prints diags to stderr, prefixed with the program name when they carry no file. */
void gx_cli_print_diags(gx_cli *cli, const gx_diags *diags);

/* Prints validation results as text lines ("blocking V5 gateway/admin-key: …")
 * and a closing summary line to out. */
void gx_cli_print_results(gx_cli *cli, const gx_diags *results, FILE *out);

/* Loads the model and validates it; prints the results to stderr when any is
 * blocking (then returns false), and the warnings otherwise. Used by every
 * command that exports. */
bool gx_cli_load_valid(gx_cli *cli, gx_model *model);

/* Command entry points that live in their own files; each returns the exit status. */
int gx_cmd_export(gx_cli *cli);
int gx_cmd_apply(gx_cli *cli);

/* Prints "glyphoxa-deploy: error: <message>" (and a hint line) to stderr. */
void gx_cli_error(gx_cli *cli, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));


#endif
