/* Tests of the command line as a user meets it: the real binary (GX_BINARY) run
 * by tests/support's gx_test_run in a fresh mkdtemp workspace per test, stdout
 * and stderr captured, the exit status checked. Covers exit codes, --help of
 * every command, init, the layers of `get --explain` and their precedence,
 * `get --json` and secret redaction, set/unset of every type, hostile strings
 * byte-exact through set/get, `list paths --json`, components, `validate --json`,
 * an interrupted write (RLIMIT_FSIZE) and 16 concurrent `set` processes.
 *
 * A child that runs longer than CLI_HANG_SECONDS is killed with its process
 * group and reported as a hang; no assertion reads a clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "gx_test_run.h"
#include "gx_test_util.h"
#include "gx_xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef GX_BINARY
#error "GX_BINARY must name the glyphoxa-deploy executable"
#endif

#define CLI_HANG_SECONDS 120
#define CLI_MAX_ARGS 64

/* ---- running the binary ------------------------------------------------------------- */

/* What a run gave (tests/support/gx_test_run.h): status (-1 when a signal
 * ended it), out and err NUL-terminated. */
typedef gx_test_run_result cli_result;

typedef struct cli_opts {
    const char *cwd;   /* the child's working directory (the workspace) */
    const char *in;    /* stdin content, or NULL for an empty stdin */
    size_t in_len;
    long fsize_limit;  /* RLIMIT_FSIZE in bytes for the child, or -1 for none */
} cli_opts;

/* Fills argv with GX_BINARY and args (NULL-terminated, without argv[0]). */
static void cli_argv(const char *argv[CLI_MAX_ARGS + 2], const char *const *args)
{
    size_t n = 0;
    argv[n++] = GX_BINARY;
    for (size_t i = 0; args[i]; i++) {
        assert_true(n < CLI_MAX_ARGS);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
}

static gx_test_run_opts cli_run_opts(const cli_opts *o)
{
    static const char *const no_color[] = {"NO_COLOR=1", NULL};
    return (gx_test_run_opts){.cwd = o->cwd,
                              .set_env = no_color,
                              .in = o->in,
                              .in_len = o->in ? o->in_len : 0,
                              .timeout_s = CLI_HANG_SECONDS,
                              .fsize_limit = o->fsize_limit >= 0 ? o->fsize_limit : 0,
                              .limit_fsize = o->fsize_limit >= 0};
}

/* Runs GX_BINARY with args; a hang, a signal or a child that could not be
 * set up or executed fails the test. */
static cli_result cli_runv(const cli_opts *o, const char *const *args)
{
    const char *argv[CLI_MAX_ARGS + 2];
    cli_argv(argv, args);
    gx_test_run_opts ro = cli_run_opts(o);
    cli_result r;
    assert_true(gx_test_run(argv, &ro, &r));
    if (r.timed_out)
        fail_msg("glyphoxa-deploy hung (killed after %d s); stderr: %s", CLI_HANG_SECONDS, r.err);
    if (r.signal)
        fail_msg("glyphoxa-deploy died of signal %d; stderr: %s", r.signal, r.err);
    assert_int_not_equal(r.status, GX_TEST_RUN_SETUP_FAILED);
    assert_int_not_equal(r.status, GX_TEST_RUN_EXEC_FAILED);
    return r;
}

static void cli_free(cli_result *r)
{
    gx_test_run_free(r);
}

/* cli(ws, arg, ..., NULL): runs the binary in workspace ws. */
static cli_result cli(const char *ws, ...)
{
    const char *args[CLI_MAX_ARGS + 1];
    size_t n = 0;
    va_list ap;
    va_start(ap, ws);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL) {
        assert_true(n < CLI_MAX_ARGS);
        args[n++] = a;
    }
    va_end(ap);
    args[n] = NULL;
    cli_opts o = {ws, NULL, 0, -1};
    return cli_runv(&o, args);
}

/* Runs and checks the exit status; on a mismatch the failure shows both streams. */
#define CLI_EXPECT(r, want)                                                                   \
    do {                                                                                      \
        if ((r).status != (want))                                                             \
            fail_msg("exit status %d, expected %d\nstdout: %s\nstderr: %s", (r).status, (want), \
                     (r).out, (r).err);                                                       \
    } while (0)

/* Runs the binary in ws with the arguments and checks only its exit status. */
static void cli_status(const char *ws, int want, const char *const *args)
{
    cli_opts o = {ws, NULL, 0, -1};
    cli_result r = cli_runv(&o, args);
    CLI_EXPECT(r, want);
    cli_free(&r);
}

#define CLI_STATUS(ws, want, ...) cli_status((ws), (want), (const char *const[]){__VA_ARGS__, NULL})

/* Runs the binary like cli_runv and checks its exit status and that its
 * stdout holds each of outs and its stderr each of errs (NULL-terminated;
 * NULL: nothing to look for). */
static void cli_expectv(const cli_opts *o, int want, const char *const *outs,
                        const char *const *errs, const char *const *args)
{
    cli_result r = cli_runv(o, args);
    /* strlen: like assert_contains, up to the first NUL */
    gx_test_expect_output(args[0], r.status, want, r.out, strlen(r.out), r.err, strlen(r.err),
                          outs, errs);
    cli_free(&r);
}

/* cli_expectv in workspace ws with an empty stdin. */
static void cli_expect(const char *ws, int want, const char *const *outs, const char *const *errs,
                       const char *const *args)
{
    cli_opts o = {ws, NULL, 0, -1};
    cli_expectv(&o, want, outs, errs, args);
}

#define CLI_TEXTS(ws, want, outs, errs, ...)                                                  \
    cli_expect((ws), (want), (outs), (errs), (const char *const[]){__VA_ARGS__, NULL})

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("expected to find \"%s\" in:\n%s", needle, haystack);
}

/* ---- workspaces and files ------------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup_ws(void **state)
{
    const char *tmp = getenv("TMPDIR");
    char *tmpl = malloc(4096);
    if (!tmpl)
        return -1;
    snprintf(tmpl, 4096, "%s/gx-cli-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tmpl)) {
        free(tmpl);
        return -1;
    }
    *state = tmpl;
    return 0;
}

static int teardown_ws(void **state)
{
    char *ws = *state;
    int r = nftw(ws, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(ws);
    return r;
}

static char *ws_path(const char *ws, const char *name)
{
    char *p = malloc(strlen(ws) + strlen(name) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", ws, name);
    return p;
}

static void write_file(const char *ws, const char *name, const char *data, size_t len)
{
    char *p = ws_path(ws, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(p);
}

static void write_text(const char *ws, const char *name, const char *text)
{
    write_file(ws, name, text, strlen(text));
}

/* The whole file, NUL-terminated; NULL when it does not exist. */
static char *read_file(const char *ws, const char *name, size_t *len)
{
    char *p = ws_path(ws, name);
    char *data = gx_test_read_file(p, len);
    free(p);
    return data;
}

/* Fails unless the file name in ws holds exactly the len bytes at want. */
static void assert_file_is(const char *ws, const char *name, const char *want, size_t len)
{
    size_t got_len;
    char *got = read_file(ws, name, &got_len);
    assert_non_null(got);
    assert_int_equal(got_len, len);
    assert_memory_equal(got, want, len);
    free(got);
}

static mode_t file_mode(const char *ws, const char *name)
{
    char *p = ws_path(ws, name);
    struct stat st;
    int r = stat(p, &st);
    free(p);
    assert_int_equal(r, 0);
    return st.st_mode & 07777;
}

static bool file_exists(const char *ws, const char *name)
{
    char *p = ws_path(ws, name);
    bool e = access(p, F_OK) == 0;
    free(p);
    return e;
}

static void init_ws(const char *ws)
{
    CLI_STATUS(ws, 0, "init", "--force");
}

/* ---- JSON ---------------------------------------------------------------------------- */

/* Parses all of text as exactly one JSON value (jansson rejects trailing data). */
static json_t *parse_json(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    if (!j)
        fail_msg("not one JSON value (%s at %d:%d):\n%s", e.text, e.line, e.column, text);
    return j;
}

/* `get PATH --json [more options]` → the parsed object (exit 0 asserted). */
/* `[GLOBAL...] get PATH --json [OPT1 [OPT2]]` (global NULL-terminated, or
 * NULL): its JSON object, which names path. */
static json_t *get_json_with(const char *ws, const char *const *global, const char *path,
                             const char *opt1, const char *opt2)
{
    const char *args[CLI_MAX_ARGS + 1];
    size_t n = 0;
    for (size_t i = 0; global && global[i]; i++) {
        assert_true(n + 6 < CLI_MAX_ARGS);
        args[n++] = global[i];
    }
    args[n++] = "get";
    args[n++] = path;
    args[n++] = "--json";
    if (opt1)
        args[n++] = opt1;
    if (opt1 && opt2)
        args[n++] = opt2;
    args[n] = NULL;
    cli_opts o = {ws, NULL, 0, -1};
    cli_result r = cli_runv(&o, args);
    CLI_EXPECT(r, 0);
    json_t *j = parse_json(r.out);
    cli_free(&r);
    assert_true(json_is_object(j));
    assert_string_equal(json_string_value(json_object_get(j, "path")), path);
    return j;
}

/* get PATH --json with --set-file ASSIGNMENT (NAME=FILE, the file in ws). */
static json_t *get_json_set_file(const char *ws, const char *assignment, const char *path)
{
    return get_json_with(ws, (const char *const[]){"--set-file", assignment, NULL}, path, NULL,
                         NULL);
}

static json_t *get_json(const char *ws, const char *path, const char *opt1, const char *opt2)
{
    return get_json_with(ws, NULL, path, opt1, opt2);
}

/* `get PATH --json --show-secrets` gives the string want. */
static void assert_get_string(const char *ws, const char *path, const char *want)
{
    json_t *j = get_json(ws, path, "--show-secrets", NULL);
    assert_string_equal(json_string_value(json_object_get(j, "value")), want);
    json_decref(j);
}

/* Whether `component list --json` lists name as enabled (fails when it is not listed). */
static bool component_enabled(const char *ws, const char *name)
{
    cli_result r = cli(ws, "component", "list", "--json", NULL);
    CLI_EXPECT(r, 0);
    json_t *list = parse_json(r.out);
    cli_free(&r);
    size_t i;
    json_t *c;
    int found = -1;
    json_array_foreach(list, i, c) {
        if (!strcmp(json_string_value(json_object_get(c, "name")), name))
            found = json_is_true(json_object_get(c, "enabled"));
    }
    json_decref(list);
    if (found < 0)
        fail_msg("component %s not listed", name);
    return found == 1;
}

/* `get PATH --explain --json` → the origin text (caller frees). */
static char *get_origin(const char *ws, const char *const *global, const char *path)
{
    json_t *j = get_json_with(ws, global, path, "--explain", NULL);
    const char *origin = json_string_value(json_object_get(j, "origin"));
    assert_non_null(origin);
    char *copy = strdup(origin);
    json_decref(j);
    return copy;
}

/* values.yaml holds no secret: the mode of any new file (from the umask);
 * secrets.yaml, when there is one, is readable by its owner only. */
static void assert_workspace_modes(const char *ws)
{
    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(file_mode(ws, "values.yaml"), 0666 & ~mask);
    if (file_exists(ws, "secrets.yaml"))
        assert_int_equal(file_mode(ws, "secrets.yaml"), 0600);
}

static void assert_json_string_bytes(json_t *value, const char *want, size_t want_len)
{
    assert_true(json_is_string(value));
    size_t got_len = json_string_length(value);
    if (got_len != want_len || memcmp(json_string_value(value), want, want_len) != 0)
        fail_msg("value differs: got %zu bytes \"%.200s\", expected %zu bytes \"%.200s\"",
                 got_len, json_string_value(value), want_len, want);
}

/* ---- exit codes and help ---------------------------------------------------------------- */

static void expect_usage_error(const char *ws, const char *const *args, const char *fragment)
{
    cli_opts o = {ws, NULL, 0, -1};
    cli_result r = cli_runv(&o, args);
    CLI_EXPECT(r, 2);
    assert_int_equal(r.out_len, 0);
    assert_contains(r.err, fragment);
    if (!strstr(r.err, "usage") && !strstr(r.err, "--help"))
        fail_msg("a usage error should point to the usage:\n%s", r.err);
    cli_free(&r);
}

static void test_exit_codes(void **state)
{
    const char *ws = *state;
    CLI_TEXTS(ws, 0, GX_TEXTS("glyphoxa-deploy "), NULL, "version");
    cli_result r;

    CLI_TEXTS(ws, 0, GX_TEXTS("usage: glyphoxa-deploy"), NULL, "--help");

    /* 1: no workspace (for every command but init) */
    CLI_TEXTS(ws, 1, NULL, GX_TEXTS("no workspace in", "init"), "get", "core/namespace");
    write_text(ws, "values.yaml", "{}\n");

    /* control characters of what the tool echoes never reach the terminal raw */
    r = cli(ws, "get", "gate\x1b[31mway\x07", NULL);
    CLI_EXPECT(r, 2);
    assert_null(strchr(r.err, '\x1b'));
    assert_null(strchr(r.err, '\x07'));
    assert_contains(r.err, "gate\\x1b[31mway\\x07");
    assert_contains(r.err, "glyphoxa-deploy: error: ");
    cli_free(&r);

    /* 2: a path that does not exist is wrong in the command line itself */
    /* the path, and the suggestion */
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("gateway/replica-cont", "gateway/replica-count"), "get",
              "gateway/replica-cont");
    /* a malformed value in the command line */
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("gateway/replica-count"), "set", "gateway/replica-count=three");

    /* 2: usage errors */
    expect_usage_error(ws, (const char *[]){NULL}, "usage");
    expect_usage_error(ws, (const char *[]){"frobnicate", NULL}, "unknown command 'frobnicate'");
    expect_usage_error(ws, (const char *[]){"--frob", "version", NULL}, "unknown option '--frob'");
    expect_usage_error(ws, (const char *[]){"get", "--frob", "core/namespace", NULL},
                       "unknown option '--frob'");
    expect_usage_error(ws, (const char *[]){"validate", "--strict", NULL}, "unknown option");
    expect_usage_error(ws, (const char *[]){"list", "paths", "--yaml", NULL}, "unknown option");
    expect_usage_error(ws, (const char *[]){"-C", NULL}, "'-C' needs a value");
    expect_usage_error(ws, (const char *[]){"get", "core/namespace", "-f", NULL}, "needs a value");
    expect_usage_error(ws, (const char *[]){"--set", NULL}, "'--set' needs a value");
    expect_usage_error(ws, (const char *[]){"init", "--topology", NULL}, "'--topology' needs a value");
    expect_usage_error(ws, (const char *[]){"get", NULL}, "PATH");
    expect_usage_error(ws, (const char *[]){"describe", NULL}, "PATH");
    expect_usage_error(ws, (const char *[]){"set", NULL}, "PATH=VALUE");
    expect_usage_error(ws, (const char *[]){"unset", NULL}, "PATH");
    expect_usage_error(ws, (const char *[]){"list", NULL}, "paths");
    expect_usage_error(ws, (const char *[]){"list", "nodes", NULL}, "nodes");
    expect_usage_error(ws, (const char *[]){"component", NULL}, "enable");
    expect_usage_error(ws, (const char *[]){"component", "enable", NULL}, "enable");
    expect_usage_error(ws, (const char *[]){"validate", "extra", NULL}, "extra");
    expect_usage_error(ws, (const char *[]){"version", "extra", NULL}, "extra");
    expect_usage_error(ws, (const char *[]){"init", "--dsn", "postgres://x@y/z", "--with-postgresql", NULL},
                       "--with-postgresql");
    /* a usage error changes nothing */
    size_t len;
    char *values = read_file(ws, "values.yaml", &len);
    assert_string_equal(values, "{}\n");
    free(values);
}

/* The commands the top-level usage lists (the lines under "commands:"). */
static size_t listed_commands(char names[][32], size_t max)
{
    cli_result r = cli(NULL, "--help", NULL);
    CLI_EXPECT(r, 0);
    const char *p = strstr(r.out, "\ncommands:\n");
    assert_non_null(p);
    p += strlen("\ncommands:\n");
    size_t n = 0;
    while (*p == ' ' && n < max) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " \n");
        assert_true(len > 0 && len < 32);
        memcpy(names[n], p, len);
        names[n++][len] = '\0';
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    cli_free(&r);
    return n;
}

static void test_help_every_command(void **state)
{
    const char *ws = *state;
    char names[32][32];
    size_t n = listed_commands(names, 32);
    assert_true(n >= 9);
    char missing[512] = "";
    size_t checked = 0;
    for (size_t i = 0; i < n; i++) {
        cli_result r = cli(ws, names[i], "--help", NULL);
        if (r.status == 2 && strstr(r.err, "unknown command")) {
            /* listed in the usage but not built yet: reported below as a skip */
            strncat(missing, " ", sizeof missing - strlen(missing) - 1);
            strncat(missing, names[i], sizeof missing - strlen(missing) - 1);
            cli_free(&r);
            continue;
        }
        if (r.status != 0)
            fail_msg("%s --help: exit %d\n%s", names[i], r.status, r.err);
        assert_contains(r.out, "usage: glyphoxa-deploy");
        assert_contains(r.out, names[i]);
        if (!strstr(r.out, "example"))
            fail_msg("`%s --help` shows no example:\n%s", names[i], r.out);
        /* every example line runs this very command */
        char example[64];
        snprintf(example, sizeof example, "glyphoxa-deploy %.31s", names[i]);
        const char *ex = strstr(r.out, "example");
        if (!strstr(ex, example) && !strstr(ex, " -C ") && !strstr(ex, " -f "))
            fail_msg("`%s --help`: the example does not show the command:\n%s", names[i], r.out);
        /* --help also works after the command's other arguments, and changes nothing */
        cli_free(&r);
        CLI_TEXTS(ws, 0, GX_TEXTS("usage: glyphoxa-deploy"), NULL, names[i], "some-argument",
                  "--help");
        checked++;
    }
    assert_false(file_exists(ws, "values.yaml"));
    assert_true(checked >= 9);
    if (*missing) {
        print_message("commands listed in the usage but not implemented yet:%s\n", missing);
        skip();
    }
}

/* ---- init ---------------------------------------------------------------------------- */

static void test_init_writes_workspace(void **state)
{
    const char *ws = *state;
    CLI_TEXTS(ws, 0, GX_TEXTS("values.yaml"), NULL, "init");
    assert_workspace_modes(ws);
    char *gi = read_file(ws, ".gitignore", NULL);
    assert_non_null(gi);
    assert_contains(gi, "generated/\n");
    assert_contains(gi, "scripts/\n");
    assert_contains(gi, ".glyphoxa-deploy/\n");
    free(gi);

    /* the workspace validates as written */
    CLI_STATUS(ws, 0, "validate");

    /* no overwrite without --force; the file stays as it was */
    size_t len1;
    char *before = read_file(ws, "values.yaml", &len1);
    CLI_TEXTS(ws, 1, NULL, GX_TEXTS("values.yaml", "--force"), "init");
    assert_file_is(ws, "values.yaml", before, len1);

    /* --force replaces it: a fresh random admin key */
    json_t *k1 = get_json(ws, "gateway/admin-key", "--show-secrets", NULL);
    CLI_STATUS(ws, 0, "init", "--force");
    json_t *k2 = get_json(ws, "gateway/admin-key", "--show-secrets", NULL);
    assert_string_not_equal(json_string_value(json_object_get(k1, "value")),
                            json_string_value(json_object_get(k2, "value")));
    assert_workspace_modes(ws);
    json_decref(k1);
    json_decref(k2);
    free(before);
}

static void test_init_default_is_postgresql(void **state)
{
    const char *ws = *state;
    init_ws(ws);
    json_t *key = get_json(ws, "gateway/admin-key", "--show-secrets", NULL);
    assert_true(json_string_length(json_object_get(key, "value")) >= 16);
    json_decref(key);
    json_t *pw = get_json(ws, "postgresql/postgres-password", "--show-secrets", "--explain");
    assert_true(json_string_length(json_object_get(pw, "value")) >= 16);
    /* a secret lives in secrets.yaml, never in values.yaml */
    assert_int_equal(strncmp(json_string_value(json_object_get(pw, "origin")), "secrets.yaml:", 13), 0);
    json_decref(pw);
    assert_get_string(ws, "database/dsn", "");
    assert_true(component_enabled(ws, "postgresql"));
    CLI_STATUS(ws, 0, "validate");
}

static void test_init_with_dsn_and_options(void **state)
{
    const char *ws = *state;
    const char *dsn = "postgres://glyphoxa:s3cret@db.example:5432/glyphoxa?sslmode=require";
    CLI_STATUS(ws, 0, "init", "--dsn", dsn, "--topology", "dedicated", "--namespace", "voice",
                       "--release", "npc", "--environment", "dev");
    assert_workspace_modes(ws);
    static const char *const want[][2] = {
        {"database/dsn", NULL}, /* dsn */
        {"postgresql/postgres-password", ""},
        {"core/topology", "dedicated"},
        {"core/namespace", "voice"},
        {"core/release-name", "npc"},
        {"core/environment", "dev"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_get_string(ws, want[i][0], want[i][1] ? want[i][1] : dsn);
    assert_false(component_enabled(ws, "postgresql"));
    CLI_STATUS(ws, 0, "validate");
}

static void test_init_bad_value_writes_nothing(void **state)
{
    const char *ws = *state;
    /* a malformed value on the command line */
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("core/topology", "dedicated"), "init", "--topology", "both");
    assert_false(file_exists(ws, "values.yaml"));
    assert_false(file_exists(ws, ".gitignore"));
}

/* ---- layers ---------------------------------------------------------------------------- */

/* Fails unless got (what was read of path, malloc'd) is want; frees got. */
static void expect_read(char *got, const char *path, const char *what, const char *want)
{
    if (strcmp(got, want))
        fail_msg("%s: %s \"%s\", expected \"%s\"", path, what, got, want);
    free(got);
}

static void assert_origin(const char *ws, const char *const *global, const char *path,
                          const char *want)
{
    expect_read(get_origin(ws, global, path), path, "origin", want);
}

static char *get_value_string(const char *ws, const char *const *global, const char *path)
{
    json_t *j = get_json_with(ws, global, path, "--show-secrets", NULL);
    json_t *v = json_object_get(j, "value");
    char *s = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY);
    json_decref(j);
    return s;
}

static void assert_value(const char *ws, const char *const *global, const char *path,
                         const char *want)
{
    expect_read(get_value_string(ws, global, path), path, "value", want);
}

static void test_explain_every_layer(void **state)
{
    const char *ws = *state;
    /* a workspace without values: schema and topology defaults */
    write_text(ws, "values.yaml", "{}\n");
    assert_origin(ws, NULL, "core/namespace", "default");
    assert_origin(ws, NULL, "gateway/replica-count", "topology:shared");

    write_text(ws, "values.yaml", "core:\n  topology: dedicated\n  namespace: from-values\n");
    assert_origin(ws, NULL, "gateway/replica-count", "topology:dedicated");
    assert_origin(ws, NULL, "core/topology", "values.yaml:2:13");
    assert_origin(ws, NULL, "core/namespace", "values.yaml:3:14");
    assert_origin(ws, NULL, "core/image-tag", "default");

    write_text(ws, "over.yaml", "# overlay\ngateway:\n    replica-count: 5\n");
    assert_origin(ws, (const char *[]){"-f", "over.yaml", NULL}, "gateway/replica-count",
                  "--values over.yaml:3:20");
    assert_origin(ws, (const char *[]){"--values", "over.yaml", NULL}, "gateway/replica-count",
                  "--values over.yaml:3:20");
    assert_origin(ws, (const char *[]){"--values=over.yaml", NULL}, "gateway/replica-count",
                  "--values over.yaml:3:20");
    assert_origin(ws, (const char *[]){"--set", "gateway/replica-count=7", NULL},
                  "gateway/replica-count", "--set");
    assert_origin(ws, (const char *[]){"--set=gateway/replica-count=7", NULL},
                  "gateway/replica-count", "--set");
    write_text(ws, "count.txt", "8");
    assert_origin(ws, (const char *[]){"--set-file", "gateway/replica-count=count.txt", NULL},
                  "gateway/replica-count", "--set");

    /* the text form names the same layer */
    CLI_TEXTS(ws, 0, GX_TEXTS("5", "--values over.yaml:3:20"), NULL, "-f", "over.yaml", "get",
              "gateway/replica-count", "--explain");

    /* a topology set on the command line switches the topology defaults */
    write_text(ws, "values.yaml", "{}\n");
    assert_origin(ws, (const char *[]){"--set", "core/topology=dedicated", NULL},
                  "gateway/pod-anti-affinity", "topology:dedicated");
}

static void test_precedence(void **state)
{
    const char *ws = *state;
    write_text(ws, "values.yaml", "core:\n  namespace: v\n");
    write_text(ws, "a.yaml", "core:\n  namespace: a\n");
    write_text(ws, "b.yaml", "core:\n  namespace: b\n");
    write_text(ws, "other.yaml", "core:\n  image-tag: \"1.2\"\n");
    write_text(ws, "ns.txt", "from-file");
    assert_value(ws, NULL, "core/namespace", "v");
    assert_value(ws, (const char *[]){"-f", "a.yaml", NULL}, "core/namespace", "a");
    assert_value(ws, (const char *[]){"-f", "a.yaml", "-f", "b.yaml", NULL}, "core/namespace", "b");
    assert_value(ws, (const char *[]){"-f", "b.yaml", "-f", "a.yaml", NULL}, "core/namespace", "a");
    /* a file that does not name the path leaves the lower layer's value */
    assert_value(ws, (const char *[]){"-f", "a.yaml", "-f", "other.yaml", NULL}, "core/namespace",
                 "a");
    /* --set wins wherever it stands on the line */
    assert_value(ws, (const char *[]){"--set", "core/namespace=s", "-f", "a.yaml", "-f", "b.yaml", NULL},
                 "core/namespace", "s");
    assert_value(ws, (const char *[]){"-f", "a.yaml", "--set", "core/namespace=s", "-f", "b.yaml", NULL},
                 "core/namespace", "s");
    /* among --set and --set-file, the last one given wins */
    assert_value(ws, (const char *[]){"--set", "core/namespace=s1", "--set", "core/namespace=s2", NULL},
                 "core/namespace", "s2");
    assert_value(ws, (const char *[]){"--set", "core/namespace=s", "--set-file", "core/namespace=ns.txt", NULL},
                 "core/namespace", "from-file");
    assert_value(ws, (const char *[]){"--set-file", "core/namespace=ns.txt", "--set", "core/namespace=s", NULL},
                 "core/namespace", "s");
    /* the layers are for this run only: values.yaml is unchanged */
    char *v = read_file(ws, "values.yaml", NULL);
    assert_string_equal(v, "core:\n  namespace: v\n");
    free(v);
}

static void test_set_file(void **state)
{
    const char *ws = *state;
    init_ws(ws);
    /* the content is the value, byte for byte (newlines, quotes), less one
     * trailing newline: the way such files are made (`echo key > f`) */
    const char content[] = "line one\n  \"two\" 'three' # four: five\n$(six) `seven`\n";
    write_text(ws, "name.txt", content);
    json_t *j = get_json_set_file(ws, "config/campaign/name=name.txt", "config/campaign/name");
    assert_json_string_bytes(json_object_get(j, "value"), content, sizeof content - 2);
    json_decref(j);
    /* one \r\n goes too, and only one newline */
    write_text(ws, "key.txt", "sk-123\r\n");
    j = get_json(ws, "config/providers/llm/api-key", "--show-secrets", NULL);
    json_decref(j);
    cli_result r = cli(ws, "--set-file", "config/providers/llm/api-key=key.txt", "get",
                       "config/providers/llm/api-key", "--show-secrets", NULL);
    CLI_EXPECT(r, 0);
    assert_string_equal(r.out, "sk-123\n");
    cli_free(&r);
    write_text(ws, "two.txt", "ab\n\n");
    j = get_json_set_file(ws, "config/campaign/name=two.txt", "config/campaign/name");
    assert_json_string_bytes(json_object_get(j, "value"), "ab\n", 3);
    json_decref(j);
    /* a byte order mark is refused with a message */
    write_text(ws, "bom.txt", "\xEF\xBB\xBFsk-123\n");
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("byte order mark"), "--set-file",
              "config/providers/llm/api-key=bom.txt", "validate");
    /* a pipe works (as process substitution does: /dev/fd/N) */
    {
        cli_opts o = {ws, "from-a-pipe\n", 12, -1};
        const char *args[] = {"--set-file", "config/campaign/name=/dev/stdin", "get",
                              "config/campaign/name", NULL};
        r = cli_runv(&o, args);
        CLI_EXPECT(r, 0);
        assert_string_equal(r.out, "from-a-pipe\n");
        cli_free(&r);
    }

    /* structured types take YAML text from the file */
    write_text(ws, "sel.yaml", "disktype: ssd\nzone: \"no\"\n");
    j = get_json_set_file(ws, "gateway/node-selector=sel.yaml", "gateway/node-selector");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "value"), "zone")), "no");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "value"), "disktype")),
                        "ssd");
    json_decref(j);

    /* a missing file is an error naming it (in the command line: 2) */
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("absent.txt"), "--set-file", "config/campaign/name=absent.txt",
              "get", "config/campaign/name");
    /* so is a file with a NUL byte */
    write_file(ws, "nul.txt", "a\0b", 3);
    /* the value given on the command line is malformed */
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("nul.txt"), "--set-file", "config/campaign/name=nul.txt", "get",
              "config/campaign/name");
}

/* Secrets live in secrets.yaml (0600, ignored by git), never in values.yaml;
 * `set PATH -` reads from stdin; an old values.yaml holding a secret loads
 * with a warning and is split by the next write. */
static void test_secrets_apart(void **state)
{
    const char *ws = *state;
    CLI_STATUS(ws, 0, "init", "--with-postgresql");
    cli_result r;
    char *gi = read_file(ws, ".gitignore", NULL);
    assert_contains(gi, "secrets.yaml\n");
    assert_contains(gi, ".*.tmp-*\n");
    free(gi);
    cli_opts o = {ws, "sk-from-stdin\n", 14, -1};
    const char *args[] = {"set", "config/providers/llm/api-key", "-", NULL};
    r = cli_runv(&o, args);
    CLI_EXPECT(r, 0);
    cli_free(&r);
    CLI_STATUS(ws, 0, "set", "config/providers/llm/name=openai");
    char *values = read_file(ws, "values.yaml", NULL);
    char *secrets = read_file(ws, "secrets.yaml", NULL);
    assert_contains(secrets, "sk-from-stdin");
    assert_contains(secrets, "admin-key:");
    assert_contains(secrets, "postgres-password:");
    assert_null(strstr(values, "sk-from-stdin"));
    assert_null(strstr(values, "admin-key"));
    assert_null(strstr(values, "postgres-password"));
    assert_contains(values, "name: openai");
    assert_workspace_modes(ws);
    free(values);
    free(secrets);

    /* an older workspace: a secret in values.yaml is read with a warning … */
    write_text(ws, "values.yaml", "vault:\n  token: hvs.old\n  addr: https://vault:8200\n");
    r = cli(ws, "get", "vault/token", "--show-secrets", NULL);
    CLI_EXPECT(r, 0);
    assert_string_equal(r.out, "hvs.old\n");
    assert_contains(r.err, "warning");
    assert_contains(r.err, "vault/token");
    cli_free(&r);
    /* … and moved to secrets.yaml by the next write */
    CLI_STATUS(ws, 0, "set", "core/namespace=moved");
    values = read_file(ws, "values.yaml", NULL);
    secrets = read_file(ws, "secrets.yaml", NULL);
    assert_null(strstr(values, "hvs.old"));
    assert_contains(values, "addr: https://vault:8200");
    assert_contains(secrets, "token: hvs.old");
    free(values);
    free(secrets);
    r = cli(ws, "get", "vault/token", "--show-secrets", NULL);
    CLI_EXPECT(r, 0);
    assert_null(strstr(r.err, "warning"));
    cli_free(&r);

    /* secrets.yaml readable by others: validate warns */
    char path[4096];
    snprintf(path, sizeof path, "%s/secrets.yaml", ws);
    assert_int_equal(chmod(path, 0644), 0);
    r = cli(ws, "validate", NULL);
    assert_contains(r.err, "glyphoxa-deploy: warning: ");
    assert_contains(r.err, "secrets.yaml");
    assert_contains(r.err, "readable by every user");
    cli_free(&r);

    /* the operator's comments survive set, unset and component */
    write_text(ws, "values.yaml",
               "# GPU pool owned by team-ml (ticket OPS-123)\nmcp-gateway:\n"
               "  replica-count: 2  # needs A100\n\ncore:\n  namespace: prod\n");
    CLI_STATUS(ws, 0, "set", "mcp-gateway/replica-count=3");
    CLI_STATUS(ws, 0, "component", "enable", "autoscaling");
    values = read_file(ws, "values.yaml", NULL);
    assert_contains(values, "# GPU pool owned by team-ml (ticket OPS-123)\nmcp-gateway:\n"
                            "  replica-count: 3  # needs A100\n\ncore:\n  namespace: prod\n");
    assert_contains(values, "autoscaling: true");
    free(values);

    /* -f or --set with a write command: refused, nothing changes */
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("one run only"), "--set", "core/namespace=x", "set",
              "core/namespace=y");
}

/* Credentials inside structured values (an MCP server's token, OAuth client
 * secret, env) are redacted on every read and live in secrets.yaml; a
 * workspace put into git stages no secret value; a review render without
 * secrets is not blocked by the empty secrets. */
static void test_secrets_never_shown_or_committed(void **state)
{
    const char *ws = *state;
    CLI_STATUS(ws, 0, "init", "--with-postgresql");
    cli_result r =
        cli(ws, "set", "config/providers/llm/name=openai", "config/providers/llm/api-key=sk-K1X",
            "config/providers/tts/api-key=el-K2X",
            "config/mcp-servers=[{name: dice, transport: streamable-http, url: 'https://x/mcp', "
            "auth: {token: tok-K3X, oauth: {client_id: cid, client_secret: cs-K4X}}, "
            "env: {API_KEY: env-K5X}}]",
            NULL);
    CLI_EXPECT(r, 0);
    cli_free(&r);
    static const char *const leaks[] = {"K1X", "K2X", "K3X", "K4X", "K5X"};
    const char *reads[][4] = {{"get", "config/mcp-servers", NULL, NULL},
                              {"get", "config/mcp-servers", "--json", NULL},
                              {"get", "--all", "--explain", NULL},
                              {"get", "config", "--json", NULL},
                              {"validate", "--json", NULL, NULL}};
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        cli_opts o = {ws, NULL, 0, -1};
        r = cli_runv(&o, reads[i]);
        for (size_t k = 0; k < sizeof leaks / sizeof leaks[0]; k++) {
            if (strstr(r.out, leaks[k]) || strstr(r.err, leaks[k]))
                fail_msg("%s %s shows %s", reads[i][0], reads[i][1] ? reads[i][1] : "", leaks[k]);
        }
        cli_free(&r);
    }
    r = cli(ws, "get", "config/mcp-servers", "--show-secrets", NULL);
    assert_contains(r.out, "tok-K3X");
    cli_free(&r);
    /* git add -A stages no secret value */
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && git init -q . && git add -A && "
             "! git grep --cached -q -e K1X -e K2X -e K3X -e K4X -e K5X -e admin-key "
             "-e postgres-password && git ls-files | grep -qx values.yaml && "
             "! git ls-files | grep -q secrets.yaml",
             ws);
    assert_int_equal(system(cmd), 0);

    /* a review render of values without secrets: empty secrets do not block */
    write_text(ws, "review.yaml", "core:\n  namespace: review\n");
    char *dir = gx_xasprintf("%s/review", ws);
    mkdir(dir, 0755);
    write_text(dir, "values.yaml", "core:\n  namespace: review\n");
    CLI_TEXTS(dir, 0, GX_TEXTS("kind: Deployment"), GX_TEXTS("secrets.yaml is left out"), "export",
              "--no-secrets", "--stdout");
    r = cli(dir, "export", "--stdout", NULL);
    CLI_EXPECT(r, 1);
    cli_free(&r);
    free(dir);
}

/* ---- get --json and secrets ------------------------------------------------------------------ */

static void test_get_json_shape_and_secrets(void **state)
{
    const char *ws = *state;
    init_ws(ws);
    /* a plain value: exactly path and value */
    json_t *j = get_json(ws, "gateway/replica-count", NULL, NULL);
    assert_int_equal(json_object_size(j), 2);
    assert_true(json_is_integer(json_object_get(j, "value")));
    assert_int_equal(json_integer_value(json_object_get(j, "value")), 3);
    json_decref(j);
    j = get_json(ws, "core/namespace", "--explain", NULL);
    assert_int_equal(json_object_size(j), 3);
    assert_string_equal(json_string_value(json_object_get(j, "value")), "glyphoxa");
    assert_string_equal(json_string_value(json_object_get(j, "origin")), "default");
    json_decref(j);

    /* every secret path: null and "secret": true, unless --show-secrets */
    const char *secrets[] = {"gateway/admin-key", "postgresql/postgres-password", "database/dsn",
                             "vault/token", "config/providers/llm/api-key"};
    CLI_STATUS(ws, 0, "set", "vault/token=hvs.tok", "config/providers/llm/api-key=sk-123",
                       "database/dsn=postgres://u:pw@h/d");
    cli_result r;
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
        j = get_json(ws, secrets[i], NULL, NULL);
        assert_true(json_is_null(json_object_get(j, "value")));
        assert_true(json_is_true(json_object_get(j, "secret")));
        assert_int_equal(json_object_size(j), 3);
        json_decref(j);
        j = get_json(ws, secrets[i], "--show-secrets", NULL);
        assert_true(json_is_string(json_object_get(j, "value")));
        assert_true(json_string_length(json_object_get(j, "value")) > 0);
        assert_true(json_is_true(json_object_get(j, "secret")));
        json_decref(j);

        r = cli(ws, "get", secrets[i], NULL);
        CLI_EXPECT(r, 0);
        assert_string_equal(r.out, "<redacted>\n");
        cli_free(&r);
        CLI_TEXTS(ws, 0, GX_TEXTS("<redacted>", "secrets.yaml:"), NULL, "get", secrets[i],
                  "--explain");
    }
    r = cli(ws, "get", "vault/token", "--show-secrets", NULL);
    CLI_EXPECT(r, 0);
    assert_string_equal(r.out, "hvs.tok\n");
    cli_free(&r);
    /* secrets never leak through --explain or errors either */
    r = cli(ws, "get", "config/providers/llm/api-key", "--explain", "--json", NULL);
    CLI_EXPECT(r, 0);
    assert_null(strstr(r.out, "sk-123"));
    cli_free(&r);
    r = cli(ws, "validate", "--json", NULL);
    assert_null(strstr(r.out, "sk-123"));
    assert_null(strstr(r.out, "hvs.tok"));
    cli_free(&r);
}

/* ---- set/unset of every type ------------------------------------------------------------------ */

typedef struct type_case {
    const char *path;
    const char *text;      /* what `set` is given */
    const char *json;      /* the value `get --json` gives back, as compact JSON */
    const char *def_json;  /* the default, as compact JSON */
} type_case;

static char *compact(json_t *v)
{
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
}

static void assert_json_value(const char *ws, const char *path, const char *want)
{
    json_t *j = get_json(ws, path, "--show-secrets", NULL);
    char *got = compact(json_object_get(j, "value"));
    json_t *w = parse_json(want);
    char *wc = compact(w);
    if (strcmp(got, wc))
        fail_msg("%s: %s, expected %s", path, got, wc);
    free(got);
    free(wc);
    json_decref(w);
    json_decref(j);
}

static void test_set_unset_every_type(void **state)
{
    const char *ws = *state;
    init_ws(ws);
    const type_case cases[] = {
        {"core/image-tag", "1.2.3-rc.1", "\"1.2.3-rc.1\"", "\"0.1.0\""},
        {"gateway/admin-key", "a-much-longer-admin-key-0123", "\"a-much-longer-admin-key-0123\"", NULL},
        {"gateway/replica-count", "2", "2", "3"},
        {"worker/gpu/count", "-4", "-4", "1"},
        {"core/create-namespace", "false", "false", "true"},
        {"config/transcript/llm-correction", "true", "true", "false"},
        {"core/image-pull-policy", "Never", "\"Never\"", "\"IfNotPresent\""},
        {"worker/resource-profile", "local-llm", "\"local-llm\"", "\"cloud\""},
        {"gateway/requests/cpu", "300m", "\"300m\"", "\"250m\""},
        {"postgresql/persistence-size", "1.5Gi", "\"1.5Gi\"", "\"10Gi\""},
        {"gateway/node-selector", "{disktype: ssd, glyphoxa.io/tier: \"yes\"}",
         "{\"disktype\": \"ssd\", \"glyphoxa.io/tier\": \"yes\"}", "{}"},
        {"gateway/service-account/annotations", "eks.amazonaws.com/role-arn: arn:aws:iam::1:role/x\n",
         "{\"eks.amazonaws.com/role-arn\": \"arn:aws:iam::1:role/x\"}", "{}"},
        {"core/image-pull-secrets", "[regcred, \"no\", \"123\"]", "[\"regcred\", \"no\", \"123\"]", "[]"},
        {"core/image-pull-secrets", "- one\n- two\n", "[\"one\", \"two\"]", "[]"},
        {"gateway/tolerations", "[{key: k, operator: Equal, value: v, effect: NoExecute, tolerationSeconds: 30}]",
         "[{\"key\": \"k\", \"operator\": \"Equal\", \"value\": \"v\", \"effect\": \"NoExecute\", \"tolerationSeconds\": 30}]",
         "[]"},
        {"config/providers/llm/options", "{temperature: 0.5, stop: [\"\\n\", END]}",
         "{\"temperature\": 0.5, \"stop\": [\"\\n\", \"END\"]}", "{}"},
        {"config/npcs", "- name: Greta\n  personality: gruff \"smith\"\n  engine: cascaded\n",
         "[{\"name\": \"Greta\", \"personality\": \"gruff \\\"smith\\\"\", \"engine\": \"cascaded\"}]", "[]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const type_case *c = &cases[i];
        char *arg = malloc(strlen(c->path) + strlen(c->text) + 2);
        sprintf(arg, "%s=%s", c->path, c->text);
        cli_result r = cli(ws, "set", arg, NULL);
        CLI_EXPECT(r, 0);
        assert_contains(r.out, c->path);
        cli_free(&r);
        free(arg);
        assert_workspace_modes(ws);
        assert_json_value(ws, c->path, c->json);
        char *origin = get_origin(ws, NULL, c->path);
        /* secret paths go to secrets.yaml, the others to values.yaml */
        assert_true(strncmp(origin, "values.yaml:", 12) == 0 ||
                    strncmp(origin, "secrets.yaml:", 13) == 0);
        free(origin);
        /* the workspace still loads and validates as a whole document */
        r = cli(ws, "validate", "--json", NULL);
        json_t *v = parse_json(r.out);
        json_decref(v);
        cli_free(&r);

        if (!c->def_json)
            continue;
        CLI_STATUS(ws, 0, "unset", c->path);
        assert_json_value(ws, c->path, c->def_json);
        origin = get_origin(ws, NULL, c->path);
        if (strcmp(origin, "default") && strncmp(origin, "topology:", 9))
            fail_msg("%s after unset: origin %s", c->path, origin);
        free(origin);
    }
    /* several at once, then unset several at once */
    CLI_STATUS(ws, 0, "set", "core/namespace=ns2", "gateway/ports/admin=9000", "core/topology=dedicated");
    assert_value(ws, NULL, "core/namespace", "ns2");
    assert_value(ws, NULL, "gateway/ports/admin", "9000");
    assert_value(ws, NULL, "gateway/replica-count", "1"); /* topology default followed */
    CLI_STATUS(ws, 0, "unset", "core/namespace", "gateway/ports/admin", "core/topology");
    assert_value(ws, NULL, "core/namespace", "glyphoxa");
    assert_value(ws, NULL, "gateway/ports/admin", "8081");
    assert_value(ws, NULL, "gateway/replica-count", "3");

    /* one bad value among good ones: nothing is written */
    size_t l1;
    char *before = read_file(ws, "values.yaml", &l1);
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("gateway/replica-count"), "set", "core/namespace=fine",
              "gateway/replica-count=3.5");
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("core/no-such-path"), "unset", "core/namespace",
              "core/no-such-path");
    /* bytes that are not UTF-8 cannot be stored in YAML as they are: refused */
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("config/campaign/name", "UTF-8"), "set",
              "config/campaign/name=ab\xff\xfe" "cd");
    CLI_STATUS(ws, 2, "set", "config/campaign/name=overlong \xc0\xaf");
    assert_file_is(ws, "values.yaml", before, l1);
    free(before);
}

/* ---- hostile strings ------------------------------------------------------------------------------ */

/* Sets values[i] on paths[i % npaths], a batch of distinct paths per `set`,
 * then checks that `get --json --show-secrets` gives each back byte for byte,
 * and (with text) the text form: the value and one newline (a value ending in
 * a newline is printed as it is; --json is the exact form). */
static void roundtrip_strings(const char *ws, const char *const *paths, size_t npaths,
                              const char *const *values, size_t nvalues, bool text)
{
    for (size_t first = 0; first < nvalues; first += npaths) {
        size_t n = nvalues - first < npaths ? nvalues - first : npaths;
        const char *argv[CLI_MAX_ARGS + 2] = {"set"};
        char *args[CLI_MAX_ARGS];
        assert_true(n < CLI_MAX_ARGS);
        for (size_t k = 0; k < n; k++) {
            args[k] = malloc(strlen(paths[k]) + strlen(values[first + k]) + 2);
            assert_non_null(args[k]);
            sprintf(args[k], "%s=%s", paths[k], values[first + k]);
            argv[k + 1] = args[k];
        }
        argv[n + 1] = NULL;
        cli_opts o = {ws, NULL, 0, -1};
        cli_result r = cli_runv(&o, argv);
        if (r.status != 0)
            fail_msg("set of values %zu..%zu: exit %d\n%s", first, first + n - 1, r.status, r.err);
        cli_free(&r);
        for (size_t k = 0; k < n; k++) {
            free(args[k]);
            const char *value = values[first + k];
            size_t len = strlen(value);
            json_t *j = get_json(ws, paths[k], "--show-secrets", NULL);
            assert_json_string_bytes(json_object_get(j, "value"), value, len);
            json_decref(j);
            if (!text)
                continue;
            r = cli(ws, "get", paths[k], "--show-secrets", NULL);
            CLI_EXPECT(r, 0);
            size_t want = len && value[len - 1] == '\n' ? len : len + 1;
            if (r.out_len != want || memcmp(r.out, value, len) != 0 || r.out[want - 1] != '\n')
                fail_msg("get %s: text form differs for \"%.80s\"", paths[k], value);
            cli_free(&r);
        }
    }
}

static void test_hostile_strings_roundtrip(void **state)
{
    const char *ws = *state;
    init_ws(ws);
    static const char *const values[] = {
        "a \"double\" and 'single' quote", "\"", "'", "''", "\\", "\\n is not a newline",
        "line one\nline two", "trailing newline\n", "\n", "\n\nleading newlines",
        "crlf\r\nline", "tab\there", "\t", "$(touch /tmp/gx-cli-pwned)", "`id`",
        "${HOME}", "; rm -rf / #", "# a comment", "value # not a comment", "key: value",
        "key:value", ":", "- item", "-", "---", "...", "? complex", "[1, 2]", "{a: b}",
        "&anchor", "*alias", "!!binary aGk=", "!tag", "%YAML 1.1", "@at", "|", ">",
        "y", "Y", "yes", "no", "NO", "on", "off", "true", "False", "null", "Null", "~",
        "0123", "0x1F", "0o17", "1e3", "+1", "-1", ".inf", "-.inf", ".nan", "12:30:45",
        "2024-01-01", "", " ", " leading space", "trailing space ", "=", "a=b=c",
        "ünïcødé ✓ 日本語 🎲", "\xef\xbb\xbf" "bom", "ctl \x01\x02\x1f\x7f", "emoji \xf0\x9f\x90\x89",
        "<script>alert(1)</script>", "%s%n%x", "{{ core/namespace }}", "'; DROP TABLE npcs; --",
        "next line \xc2\x85 (U+0085)", "line separator \xe2\x80\xa8 (U+2028)",
        "paragraph \xe2\x80\xa9", "noncharacter \xef\xbf\xbe", "max \xf4\x8f\xbf\xbf",
    };
    static const char *const plain[] = {
        "config/campaign/name", "config/campaign/system", "core/image-tag", "core/image-repository",
        "vault/addr", "postgresql/image-registry", "postgresql/chart", "sealed-secrets/chart",
        "config/providers/llm/name", "config/providers/llm/model", "config/providers/llm/base-url",
        "config/providers/stt/name", "config/providers/stt/model", "config/providers/tts/name",
        "config/providers/tts/base-url", "config/providers/s2s/model",
        "config/providers/embeddings/name", "config/providers/vad/model",
        "config/providers/audio/base-url", "gateway/service-account/name"};
    static const char *const secret[] = {
        "gateway/admin-key", "database/dsn", "vault/token", "postgresql/postgres-password",
        "config/providers/llm/api-key", "config/providers/stt/api-key",
        "config/providers/tts/api-key", "config/providers/s2s/api-key",
        "config/providers/embeddings/api-key", "config/providers/vad/api-key",
        "config/providers/audio/api-key"};
    size_t nvalues = sizeof values / sizeof *values;
    roundtrip_strings(ws, plain, sizeof plain / sizeof *plain, values, nvalues, true);
    roundtrip_strings(ws, secret, sizeof secret / sizeof *secret, values, nvalues, false);
    /* 100 KB, with every kind of line in it */
    size_t big = 100 * 1024;
    char *v = malloc(big + 1);
    assert_non_null(v);
    for (size_t i = 0; i < big; i++)
        v[i] = "ab: #'\"\n$`\\c"[i % 13];
    v[big] = '\0';
    const char *bigs[] = {v};
    roundtrip_strings(ws, (const char *[]){"config/campaign/system"}, 1, bigs, 1, true);
    roundtrip_strings(ws, (const char *[]){"vault/token"}, 1, bigs, 1, false);
    free(v);
    assert_workspace_modes(ws);
    /* nothing was executed along the way */
    assert_int_not_equal(access("/tmp/gx-cli-pwned", F_OK), 0);
}

/* ---- list paths --------------------------------------------------------------------------------------- */

static void test_list_paths_json(void **state)
{
    const char *ws = *state;
    write_text(ws, "values.yaml", "{}\n");
    cli_result r = cli(ws, "list", "paths", "--json", NULL);
    CLI_EXPECT(r, 0);
    json_t *arr = parse_json(r.out);
    cli_free(&r);
    assert_true(json_is_array(arr));

    /* as many entries as the schema has paths (version names the count) */
    r = cli(ws, "version", NULL);
    CLI_EXPECT(r, 0);
    const char *schema = strstr(r.out, "schema: ");
    assert_non_null(schema);
    long count = strtol(schema + 8, NULL, 10);
    cli_free(&r);
    assert_int_equal(json_array_size(arr), (size_t)count);

    r = cli(ws, "component", "list", "--json", NULL);
    CLI_EXPECT(r, 0);
    json_t *comps = parse_json(r.out);
    cli_free(&r);

    static const char *const types[] = {"string", "int", "bool", "enum", "quantity", "map", "list", "yaml"};
    size_t i;
    json_t *e;
    size_t secrets = 0;
    json_array_foreach(arr, i, e) {
        assert_true(json_is_object(e));
        const char *path = json_string_value(json_object_get(e, "path"));
        assert_non_null(path);
        /* segments of [a-z0-9-] joined by '/' */
        assert_true(*path && path[strlen(path) - 1] != '/');
        for (const char *p = path; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '/'))
                fail_msg("path %s: character '%c'", path, *p);
        const char *type = json_string_value(json_object_get(e, "type"));
        assert_non_null(type);
        bool known = false;
        for (size_t t = 0; t < sizeof types / sizeof *types; t++)
            known |= !strcmp(type, types[t]);
        if (!known)
            fail_msg("path %s: type %s", path, type);
        assert_true(json_is_string(json_object_get(e, "default")));
        json_t *comp = json_object_get(e, "component");
        assert_non_null(comp);
        if (json_is_string(comp)) {
            bool found = false;
            size_t k;
            json_t *c;
            json_array_foreach(comps, k, c) found |= !strcmp(json_string_value(json_object_get(c, "name")),
                                                            json_string_value(comp));
            if (!found)
                fail_msg("path %s: unknown component %s", path, json_string_value(comp));
        } else {
            assert_true(json_is_null(comp));
        }
        const char *section = json_string_value(json_object_get(e, "section"));
        assert_non_null(section);
        assert_true(*section);
        assert_true(json_is_boolean(json_object_get(e, "secret")));
        if (!strcmp(type, "enum"))
            assert_true(json_array_size(json_object_get(e, "choices")) >= 2);
        /* unique */
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(json_string_value(json_object_get(json_array_get(arr, k), "path")), path);
        /* every listed path can be read, and a secret is redacted */
        json_t *g = get_json(ws, path, NULL, NULL);
        if (json_is_true(json_object_get(e, "secret"))) {
            assert_true(json_is_null(json_object_get(g, "value")));
            secrets++;
        } else {
            assert_false(json_is_null(json_object_get(g, "value")));
            assert_null(json_object_get(g, "secret"));
        }
        json_decref(g);
    }
    /* the secrets the spec names are flagged */
    assert_true(secrets >= 4 + 7);
    const char *must_be_secret[] = {"gateway/admin-key", "database/dsn", "vault/token",
                                    "postgresql/postgres-password", "config/providers/tts/api-key"};
    for (size_t s = 0; s < sizeof must_be_secret / sizeof *must_be_secret; s++) {
        bool flagged = false;
        json_array_foreach(arr, i, e) {
            if (!strcmp(json_string_value(json_object_get(e, "path")), must_be_secret[s]))
                flagged = json_is_true(json_object_get(e, "secret"));
        }
        if (!flagged)
            fail_msg("%s is not listed as a secret", must_be_secret[s]);
    }
    json_decref(comps);
    json_decref(arr);
}

/* ---- components -------------------------------------------------------------------------------------------- */

static void test_components(void **state)
{
    const char *ws = *state;
    init_ws(ws);
    assert_false(component_enabled(ws, "autoscaling"));
    assert_false(component_enabled(ws, "sealed-secrets"));
    assert_true(component_enabled(ws, "mcp-gateway"));

    CLI_TEXTS(ws, 0, GX_TEXTS("autoscaling", "sealed-secrets"), NULL, "component", "enable",
              "autoscaling", "sealed-secrets");
    assert_true(component_enabled(ws, "autoscaling"));
    assert_true(component_enabled(ws, "sealed-secrets"));
    assert_workspace_modes(ws);

    CLI_STATUS(ws, 0, "component", "disable", "autoscaling", "sealed-secrets", "mcp-gateway",
            "network-policy");
    assert_false(component_enabled(ws, "autoscaling"));
    assert_false(component_enabled(ws, "sealed-secrets"));
    assert_false(component_enabled(ws, "mcp-gateway"));
    assert_false(component_enabled(ws, "network-policy"));

    /* a mandatory one, alone or among others: exit 1, values.yaml unchanged */
    const char *mandatory[][4] = {{"gateway", NULL}, {"worker", NULL},
                                  {"autoscaling", "gateway", NULL}, {"mcp-gateway", "worker", NULL}};
    for (size_t m = 0; m < sizeof mandatory / sizeof *mandatory; m++) {
        size_t l1;
        char *before = read_file(ws, "values.yaml", &l1);
        const char *args[8] = {"component", "disable"};
        size_t n = 2;
        for (size_t k = 0; mandatory[m][k]; k++)
            args[n++] = mandatory[m][k];
        args[n] = NULL;
        cli_opts o = {ws, NULL, 0, -1};
        cli_expectv(&o, 2, NULL, GX_TEXTS("mandatory"), args);
        assert_file_is(ws, "values.yaml", before, l1);
        free(before);
    }
    assert_true(component_enabled(ws, "gateway"));
    assert_true(component_enabled(ws, "worker"));
    assert_false(component_enabled(ws, "autoscaling"));

    /* an unknown name: exit 2 (wrong in the command line), nothing enabled */
    CLI_TEXTS(ws, 2, NULL, GX_TEXTS("autoscale"), "component", "enable", "autoscaling",
              "autoscale");
    assert_false(component_enabled(ws, "autoscaling"));

    /* a values file cannot switch a mandatory component off either */
    write_text(ws, "off.yaml", "components:\n  autoscaling: true\n  gateway: false\n");
    CLI_TEXTS(ws, 1, NULL, GX_TEXTS("off.yaml:3:", "gateway"), "-f", "off.yaml", "component",
              "list");
}

/* ---- validate --json ----------------------------------------------------------------------------------------- */

static void check_validate_json(const char *ws, int want_status)
{
    cli_result r = cli(ws, "validate", "--json", NULL);
    CLI_EXPECT(r, want_status);
    json_t *o = parse_json(r.out);
    cli_free(&r);
    assert_true(json_is_object(o));
    assert_int_equal(json_object_size(o), 5); /* valid, blocking, warnings, results, revision */
    assert_int_equal(strlen(json_string_value(json_object_get(o, "revision"))), 64);
    json_t *valid = json_object_get(o, "valid"), *blocking = json_object_get(o, "blocking"),
           *warnings = json_object_get(o, "warnings"), *results = json_object_get(o, "results");
    assert_true(json_is_boolean(valid));
    assert_true(json_is_integer(blocking));
    assert_true(json_is_integer(warnings));
    assert_true(json_is_array(results));
    size_t nb = 0, nw = 0, i;
    json_t *res;
    json_array_foreach(results, i, res) {
        const char *sev = json_string_value(json_object_get(res, "severity"));
        assert_non_null(sev);
        assert_non_null(json_string_value(json_object_get(res, "rule")));
        assert_non_null(json_string_value(json_object_get(res, "path")));
        assert_true(json_string_length(json_object_get(res, "message")) > 0);
        if (!strcmp(sev, "blocking"))
            nb++;
        else if (!strcmp(sev, "warning"))
            nw++;
        else
            fail_msg("severity %s", sev);
    }
    assert_int_equal(json_integer_value(blocking), nb);
    assert_int_equal(json_integer_value(warnings), nw);
    assert_int_equal(json_is_true(valid), nb == 0);
    assert_int_equal(want_status == 0, nb == 0);
    json_decref(o);
}

static void test_validate_json(void **state)
{
    const char *ws = *state;
    /* no workspace at all: one JSON object all the same, with the reason */
    cli_result r0 = cli(ws, "validate", "--json", NULL);
    CLI_EXPECT(r0, 1);
    json_t *o0 = parse_json(r0.out);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(o0, "results"), 0), "rule")),
                        "no-workspace");
    json_decref(o0);
    cli_free(&r0);
    /* an empty workspace: no admin key, no database */
    write_text(ws, "values.yaml", "{}\n");
    check_validate_json(ws, 1);
    init_ws(ws);
    check_validate_json(ws, 0);
    /* a warning alone keeps it valid (image tag latest: V19) */
    CLI_STATUS(ws, 0, "set", "core/image-tag=latest");
    cli_result r;
    check_validate_json(ws, 0);
    /* the text form: one line per result, the path once, a summary with plurals */
    r = cli(ws, "validate", NULL);
    CLI_EXPECT(r, 0);
    assert_contains(r.out, "warning  V19 core/image-tag is latest");
    assert_contains(r.out, "valid: 0 blocking, 1 warning\n");
    assert_null(strstr(r.out, "core/image-tag: core/image-tag"));
    cli_free(&r);
    /* blocking: autoscaling with min > max (V12) */
    CLI_STATUS(ws, 0, "component", "enable", "autoscaling");
    CLI_STATUS(ws, 0, "set", "autoscaling/min-replicas=5", "autoscaling/max-replicas=2");
    check_validate_json(ws, 1);
    /* a file that does not load: exit 1 and still exactly one JSON object,
     * the load error a blocking result with its place */
    write_text(ws, "values.yaml", "core:\n  namespace: [\n");
    r = cli(ws, "validate", "--json", NULL);
    CLI_EXPECT(r, 1);
    json_t *o = parse_json(r.out);
    assert_true(json_is_object(o));
    assert_false(json_is_true(json_object_get(o, "valid")));
    json_t *first = json_array_get(json_object_get(o, "results"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "severity")), "blocking");
    assert_string_equal(json_string_value(json_object_get(first, "rule")), "yaml-syntax");
    assert_contains(json_string_value(json_object_get(first, "file")), "values.yaml");
    assert_true(json_integer_value(json_object_get(first, "line")) > 0);
    assert_true(json_integer_value(json_object_get(first, "column")) > 0);
    json_decref(o);
    cli_free(&r);
    /* a malformed --set: one JSON object naming the path, exit 2 */
    write_text(ws, "values.yaml", "core:\n  namespace: fine\n");
    r = cli(ws, "--set", "core/topology=hybrid", "validate", "--json", NULL);
    CLI_EXPECT(r, 2);
    o = parse_json(r.out);
    first = json_array_get(json_object_get(o, "results"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "path")), "core/topology");
    assert_string_equal(json_string_value(json_object_get(first, "severity")), "blocking");
    assert_int_equal(json_integer_value(json_object_get(o, "blocking")), 1);
    json_decref(o);
    cli_free(&r);
}

/* ---- an interrupted write ---------------------------------------------------------------------------------------- */

static void assert_only_entries(const char *ws, const char *const *allowed)
{
    DIR *d = opendir(ws);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++)
            ok |= !strcmp(e->d_name, allowed[i]);
        if (!ok)
            fail_msg("unexpected file left in the workspace: %s", e->d_name);
    }
    closedir(d);
}

static void test_interrupted_write(void **state)
{
    const char *ws = *state;
    init_ws(ws);
    size_t l1;
    char *before = read_file(ws, "values.yaml", &l1);
    /* a value far bigger than the file-size limit: the write fails midway */
    size_t big = 64 * 1024;
    char *arg = malloc(big + 64);
    assert_non_null(arg);
    strcpy(arg, "config/campaign/system=");
    size_t at = strlen(arg);
    memset(arg + at, 'x', big);
    arg[at + big] = '\0';
    const char *args[] = {"set", arg, NULL};
    cli_opts o = {ws, NULL, 0, (long)(l1 + 1024)};
    cli_expectv(&o, 1, NULL, GX_TEXTS("values.yaml"), args);
    assert_file_is(ws, "values.yaml", before, l1);
    assert_only_entries(ws, (const char *[]){"values.yaml", "secrets.yaml", ".gitignore",
                                             ".glyphoxa-deploy", NULL});
    assert_workspace_modes(ws);

    /* a limit of zero: nothing at all can be written */
    o.fsize_limit = 0;
    const char *small[] = {"set", "core/namespace=other", NULL};
    cli_expectv(&o, 1, NULL, GX_TEXTS("values.yaml"), small);
    assert_file_is(ws, "values.yaml", before, l1);
    assert_only_entries(ws, (const char *[]){"values.yaml", "secrets.yaml", ".gitignore",
                                             ".glyphoxa-deploy", NULL});

    /* values.yaml is never written bigger than the tool reads back (1 MiB):
     * nine values of 120 KB (one argument holds at most 128 KiB) */
    {
        static const char *const paths[] = {
            "config/providers/llm/name", "config/providers/stt/name", "config/providers/tts/name",
            "config/providers/s2s/name", "config/providers/embeddings/name",
            "config/providers/vad/name", "config/providers/audio/name", "config/campaign/name",
            "config/campaign/system"};
        enum { COUNT = sizeof paths / sizeof *paths, EACH = 120 * 1024 };
        char *sets[COUNT];
        const char *argv[COUNT + 2] = {"set"};
        for (size_t i = 0; i < COUNT; i++) {
            sets[i] = malloc(strlen(paths[i]) + EACH + 2);
            assert_non_null(sets[i]);
            size_t pl = strlen(paths[i]);
            memcpy(sets[i], paths[i], pl);
            sets[i][pl] = '=';
            memset(sets[i] + pl + 1, 'v', EACH);
            sets[i][pl + 1 + EACH] = '\0';
            argv[i + 1] = sets[i];
        }
        argv[COUNT + 1] = NULL;
        cli_opts plain = {ws, NULL, 0, -1};
        cli_expectv(&plain, 1, NULL, GX_TEXTS("values.yaml", "limit"), argv);
        for (size_t i = 0; i < COUNT; i++)
            free(sets[i]);
        assert_file_is(ws, "values.yaml", before, l1);
        CLI_STATUS(ws, 0, "validate");
    }

    /* without the limit the same command succeeds */
    CLI_STATUS(ws, 0, "set", arg);
    json_t *j = get_json(ws, "config/campaign/system", NULL, NULL);
    assert_int_equal(json_string_length(json_object_get(j, "value")), big);
    json_decref(j);
    free(arg);
    free(before);
}

/* ---- concurrent writers ------------------------------------------------------------------------------------------ */

static void test_concurrent_sets(void **state)
{
    const char *ws = *state;
    init_ws(ws);
    enum { N = 16 };
    static const char *const paths[N] = {
        "config/providers/llm/name",        "config/providers/llm/model",
        "config/providers/stt/name",        "config/providers/stt/model",
        "config/providers/tts/name",        "config/providers/tts/model",
        "config/providers/s2s/name",        "config/providers/s2s/model",
        "config/providers/embeddings/name", "config/providers/embeddings/model",
        "config/providers/vad/name",        "config/providers/vad/model",
        "config/providers/audio/name",      "config/providers/audio/model",
        "config/campaign/name",             "config/campaign/system",
    };
    /* each writer is run by a forked child of its own, so all run at once;
     * the child exits with the writer's status (125: no status) */
    pid_t pids[N];
    cli_opts o = {ws, NULL, 0, -1};
    gx_test_run_opts ro = cli_run_opts(&o);
    for (int i = 0; i < N; i++) {
        char arg[128];
        snprintf(arg, sizeof arg, "%s=value of writer %d: #%d", paths[i], i, i);
        const char *argv[CLI_MAX_ARGS + 2];
        cli_argv(argv, (const char *const[]){"set", arg, NULL});
        fflush(NULL);
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            cli_result r;
            if (!gx_test_run(argv, &ro, &r))
                _exit(125);
            if (r.status != 0)
                fprintf(stderr, "writer %d: exit status %d, signal %d: %s", i, r.status,
                        r.signal, r.err);
            _exit(r.status >= 0 && !r.timed_out ? r.status : 125);
        }
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(gx_test_wait(pids[i]), 0);
    for (int i = 0; i < N; i++) {
        char want[128];
        snprintf(want, sizeof want, "value of writer %d: #%d", i, i);
        assert_value(ws, NULL, paths[i], want);
    }
    /* what init wrote survived too */
    json_t *k = get_json(ws, "gateway/admin-key", "--show-secrets", NULL);
    assert_true(json_string_length(json_object_get(k, "value")) >= 16);
    json_decref(k);
    assert_workspace_modes(ws);
    assert_only_entries(ws, (const char *[]){"values.yaml", "secrets.yaml", ".gitignore",
                                             ".glyphoxa-deploy", NULL});
    CLI_STATUS(ws, 0, "validate");
}

int main(void)
{
    struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_help_every_command),
        cmocka_unit_test(test_init_writes_workspace),
        cmocka_unit_test(test_init_default_is_postgresql),
        cmocka_unit_test(test_init_with_dsn_and_options),
        cmocka_unit_test(test_init_bad_value_writes_nothing),
        cmocka_unit_test(test_explain_every_layer),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_set_file),
        cmocka_unit_test(test_secrets_apart),
        cmocka_unit_test(test_secrets_never_shown_or_committed),
        cmocka_unit_test(test_get_json_shape_and_secrets),
        cmocka_unit_test(test_set_unset_every_type),
        cmocka_unit_test(test_hostile_strings_roundtrip),
        cmocka_unit_test(test_list_paths_json),
        cmocka_unit_test(test_components),
        cmocka_unit_test(test_validate_json),
        cmocka_unit_test(test_interrupted_write),
        cmocka_unit_test(test_concurrent_sets),
    };
    return GX_TEST_RUN_SUITE("cli", tests, setup_ws, teardown_ws);
}
