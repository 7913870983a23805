/* Tests of `glyphoxa-deploy apply` end to end: the real binary (GX_BINARY) in a
 * fresh mkdtemp workspace per test, with the recording fakes of tests/fakes as
 * kubectl and helm. Checks the exact command sequence (argv of every recorded
 * call) of every target for shared defaults and for dedicated with postgresql
 * and sealed-secrets, the deletion of a switched-off component by the next
 * apply, exit status passing, timeout with group kill, validation and missing
 * tools stopping before anything runs, --dry-run, that no secret value
 * reaches an argv, an environment, a stdin or a script, and what the command
 * line does with SIGINT, SIGTERM and SIGHUP while a target runs (passed on to
 * the target's process group; a second SIGINT kills it) and when it is killed
 * itself.
 *
 * How the fakes get their controls: each test puts two small wrappers,
 * bin/kubectl and bin/helm, first on PATH; they set the GX_FAKE_* variables of
 * the test and exec tests/fakes/kubectl or tests/fakes/helm. The tool finds
 * them by PATH lookup like real tools. (apply hands its child the operator's
 * environment, so the controls would pass as well; the wrappers keep each
 * test's controls in one place.)
 *
 * A child that runs longer than APPLY_HANG_SECONDS is killed by SIGALRM (armed
 * in the child before exec) and fails the test; no assertion reads a clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "gx_test_fakes.h"
#include "gx_test_util.h"

#include <jansson.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef GX_BINARY
#error "GX_BINARY must name the glyphoxa-deploy executable"
#endif

#define APPLY_HANG_SECONDS 120
#define APPLY_MAX_ARGS 48
#define APPLY_MAX_RECORDS 64

/* Distinctive secret values: none may show up anywhere but in 0600 files. */
static const char *const secret_values[] = {
    "ADMINKEY-zq81-distinctive",
    "DSNPASS-k7v3",
    "PGPASS-w8c1",
    "APIKEY-llm-x93",
    "APIKEY-tts-q27",
    "VAULTTOKEN-m4p2",
};
#define SECRET_COUNT (sizeof secret_values / sizeof secret_values[0])

/* A variable of the operator's environment: it reaches every child unchanged. */
#define OPERATOR_SENTINEL "SENTINEL-operator-env-j5"

/* ---- files ------------------------------------------------------------------------ */

static char *read_all(const char *path, size_t *len) { return gx_test_read_file(path, len); }

/* read_all of the file at the path printf makes of fmt; the file must exist. */
__attribute__((format(printf, 2, 3))) static char *read_at(size_t *len, const char *fmt, ...)
{
    char path[PATH_MAX + 64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof path);
    char *text = read_all(path, len);
    if (!text)
        fail_msg("%s: cannot be read", path);
    return text;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    gx_test_write_file(path, text, strlen(text), mode);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* True when the len bytes at data contain needle. */
static bool contains(const char *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    if (n > len)
        return false;
    for (size_t i = 0; i + n <= len; i++)
        if (data[i] == needle[0] && !memcmp(data + i, needle, n))
            return true;
    return false;
}

/* True when the NUL-separated environment (env -0 output, len bytes) holds
 * exactly the entry "NAME=VALUE". */
static bool env_has(const char *env, size_t len, const char *entry)
{
    for (size_t i = 0; i < len;) {
        size_t n = strnlen(env + i, len - i);
        if (n == strlen(entry) && !memcmp(env + i, entry, n))
            return true;
        i += n + 1;
    }
    return false;
}

/* ---- fixture ------------------------------------------------------------------------ */

typedef struct fx {
    gx_test_dirs d;      /* the test's folder: ws, bin, fake, log, path_env */
    char kubectl[256];   /* dir/bin/kubectl, what the scripts echo */
    pid_t tool;          /* a glyphoxa-deploy still running (signal tests), or 0 */
    pid_t group;         /* a target's process group that may still exist, or 0 */
    bool subreaper;      /* this process was made a child subreaper */
} fx;

typedef struct result {
    int status; /* exit status, or 128 + signal */
    char *out, *err;
    size_t out_len, err_len;
} result;

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

/* Writes bin/kubectl and bin/helm (each only when wanted): they set
 * GX_FAKE_LOG and the given extra "NAME=VALUE" controls, then exec the fake. */
static void write_wrappers(fx *f, bool kubectl, bool helm, const char *const *controls)
{
    const char *tools[2] = {"kubectl", "helm"};
    bool want[2] = {kubectl, helm};
    for (int t = 0; t < 2; t++) {
        char path[PATH_MAX + 16];
        snprintf(path, sizeof path, "%s/%s", f->d.bin, tools[t]);
        unlink(path);
        if (want[t])
            gx_test_write_fake_wrapper(&f->d, tools[t], controls);
    }
}

/* Forgets every recorded call. */
static void reset_log(fx *f)
{
    gx_test_remove_tree(f->d.fake);
    assert_int_equal(mkdir(f->d.fake, 0700), 0);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    gx_test_dirs_make(&f->d, "/tmp/gx-apply-test-XXXXXX");
    snprintf(f->kubectl, sizeof f->kubectl, "%s/kubectl", f->d.bin);
    write_wrappers(f, true, true, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    /* what a failed signal test left running */
    if (f->tool > 0) {
        kill(f->tool, SIGKILL);
        waitpid(f->tool, NULL, 0);
    }
    if (f->group > 0) {
        kill(-f->group, SIGKILL);
        while (f->subreaper && waitpid(-f->group, NULL, WNOHANG) > 0)
            ;
    }
    if (f->subreaper)
        prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    gx_test_remove_tree(f->d.dir);
    free(f);
    return 0;
}

/* ---- running the tool ----------------------------------------------------------------- */

/* Runs GX_BINARY -C ws ARGS... (NULL-terminated) in f->d.dir with the
 * environment PATH (path_env, or f's), HOME, NO_COLOR and a sentinel variable
 * of the operator's that reaches the children of apply unchanged.
 * stdout/stderr are captured. */
static result run_full(fx *f, const char *path_env, const char *const *extra_env,
                       const char *const *args);

static result run_env(fx *f, const char *path_env, const char *const *args)
{
    return run_full(f, path_env, NULL, args);
}

/* The argv and envp of a run: GX_BINARY -C ws ARGS..., and PATH (path_env,
 * or f's), HOME, NO_COLOR, LANG=C, the operator's sentinel, then extra_env
 * ("NAME=VALUE", NULL-terminated, may be NULL). */
typedef struct launch {
    const char *argv[APPLY_MAX_ARGS + 4];
    const char *envp[32];
    char home[PATH_MAX + 8], sentinel[128];
} launch;

static void launch_init(fx *f, launch *l, const char *path_env, const char *const *extra_env,
                        const char *const *args)
{
    size_t n = 0;
    l->argv[n++] = GX_BINARY;
    l->argv[n++] = "-C";
    l->argv[n++] = f->d.ws;
    for (size_t i = 0; args[i]; i++) {
        assert_true(n < APPLY_MAX_ARGS);
        l->argv[n++] = args[i];
    }
    l->argv[n] = NULL;
    snprintf(l->home, sizeof l->home, "HOME=%s", f->d.dir);
    snprintf(l->sentinel, sizeof l->sentinel, "GX_TEST_SENTINEL=%s", OPERATOR_SENTINEL);
    const char *envp[] = {path_env ? path_env : f->d.path_env, l->home, "NO_COLOR=1", "LANG=C",
                          l->sentinel};
    size_t e = sizeof envp / sizeof *envp;
    memcpy(l->envp, envp, sizeof envp);
    for (size_t j = 0; extra_env && extra_env[j] && e < 31; j++)
        l->envp[e++] = extra_env[j];
    l->envp[e] = NULL;
}

/* How spawn_tool starts the tool. */
typedef struct spawn_opts {
    const char *path_env;         /* PATH=...; NULL: f's */
    const char *const *extra_env; /* more "NAME=VALUE" entries, or NULL */
    const char *name;             /* stdout and stderr to f->d.dir/NAME.out and NAME.err;
                                     NULL: to f->d.dir/stdout and f->d.dir/stderr */
    bool raise_core_limit;        /* RLIMIT_CORE unlimited before exec (the tool must
                                     turn core dumps off itself) */
} spawn_opts;

/* Starts GX_BINARY -C ws ARGS... in f->d.dir, stdin /dev/null, stdout and
 * stderr to files, and returns its pid; wait_tool or await_tool collects it.
 * SIGINT, SIGTERM and SIGHUP are at their defaults in the tool and its signal
 * mask is empty, whatever the test runner inherited (a SIGINT ignored by
 * whoever started ctest would not be passed on, by design). */
static pid_t spawn_tool(fx *f, const spawn_opts *o, const char *const *args)
{
    launch l;
    launch_init(f, &l, o->path_env, o->extra_env, args);
    char out_path[PATH_MAX + 64], err_path[PATH_MAX + 64];
    if (o->name) {
        snprintf(out_path, sizeof out_path, "%s/%s.out", f->d.dir, o->name);
        snprintf(err_path, sizeof err_path, "%s/%s.err", f->d.dir, o->name);
    } else {
        snprintf(out_path, sizeof out_path, "%s/stdout", f->d.dir);
        snprintf(err_path, sizeof err_path, "%s/stderr", f->d.dir);
    }
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = open("/dev/null", O_RDONLY);
        if (out < 0 || err < 0 || in < 0 || chdir(f->d.dir) != 0)
            _exit(126);
        dup2(in, 0), dup2(out, 1), dup2(err, 2);
        signal(SIGINT, SIG_DFL), signal(SIGTERM, SIG_DFL), signal(SIGHUP, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (o->raise_core_limit) {
            struct rlimit cores = {RLIM_INFINITY, RLIM_INFINITY};
            setrlimit(RLIMIT_CORE, &cores);
        }
        alarm(APPLY_HANG_SECONDS);
        execve(GX_BINARY, (char *const *)l.argv, (char *const *)l.envp);
        _exit(127);
    }
    return pid;
}

/* Waits for a tool spawn_tool started (its alarm bounds the wait); returns
 * its exit status, or 128 + the signal that ended it. */
static int wait_tool(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
        fail_msg("glyphoxa-deploy hung (killed after %d s)", APPLY_HANG_SECONDS);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* wait_tool for a tool spawned without a name, with what it printed. */
static result await_tool(fx *f, pid_t pid)
{
    char out_path[PATH_MAX + 8], err_path[PATH_MAX + 8];
    snprintf(out_path, sizeof out_path, "%s/stdout", f->d.dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", f->d.dir);
    result r = {0};
    r.status = wait_tool(pid);
    r.out = read_all(out_path, &r.out_len);
    r.err = read_all(err_path, &r.err_len);
    assert_non_null(r.out);
    assert_non_null(r.err);
    return r;
}

/* run_env with extra "NAME=VALUE" entries (NULL-terminated, may be NULL)
 * after the usual ones. */
static result run_full(fx *f, const char *path_env, const char *const *extra_env,
                       const char *const *args)
{
    return await_tool(f, spawn_tool(f, &(spawn_opts){path_env, extra_env, NULL, false}, args));
}

static result run(fx *f, const char *const *args)
{
    return run_env(f, NULL, args);
}

#define RUN(f, ...) run((f), (const char *const[]){__VA_ARGS__, NULL})

/* Runs the tool like run and checks its exit status and that its stdout
 * holds each of outs and its stderr each of errs (NULL-terminated; NULL:
 * nothing to look for). */
static void run_expect(fx *f, int status, const char *const *outs, const char *const *errs,
                       const char *const *args)
{
    result r = run(f, args);
    if (r.status != status)
        fail_msg("%s %s: exit status %d, expected %d:\n%s%s", args[0], args[1] ? args[1] : "",
                 r.status, status, r.out, r.err);
    for (size_t i = 0; outs && outs[i]; i++)
        if (!contains(r.out, r.out_len, outs[i]))
            fail_msg("no '%s' on stdout:\n%s", outs[i], r.out);
    for (size_t i = 0; errs && errs[i]; i++)
        if (!contains(r.err, r.err_len, errs[i]))
            fail_msg("no '%s' on stderr:\n%s", errs[i], r.err);
    result_free(&r);
}

#define TEXTS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define RUN_EXPECT(f, status, outs, errs, ...)                                                \
    run_expect((f), (status), (outs), (errs), (const char *const[]){__VA_ARGS__, NULL})

/* Runs a command that must succeed (workspace set-up). */
static void must(fx *f, const char *const *args)
{
    result r = run(f, args);
    if (r.status != 0)
        fail_msg("%s %s failed (%d): %s%s", args[0], args[1] ? args[1] : "", r.status, r.out,
                 r.err);
    result_free(&r);
}

#define MUST(f, ...) must((f), (const char *const[]){__VA_ARGS__, NULL})

/* ---- the fakes' records --------------------------------------------------------------- */

typedef struct record {
    char text[4096]; /* "TOOL ARG1 ARG2 ..." (args joined by single spaces) */
    char cwd[PATH_MAX];
    char stdin_field[16];
} record;

/* Reads the fakes' log; returns the number of records (0 when there is no log). */
static size_t read_records(fx *f, record *recs, size_t max)
{
    char *log = read_all(f->d.log, NULL);
    if (!log)
        return 0;
    size_t count = 0;
    char *save_line = NULL;
    for (char *line = strtok_r(log, "\n", &save_line); line;
         line = strtok_r(NULL, "\n", &save_line)) {
        assert_true(count < max);
        record *r = &recs[count++];
        memset(r, 0, sizeof *r);
        /* N TOOL CWD STDIN ARGS... — split on tabs, keeping empty fields */
        char *fields[APPLY_MAX_ARGS * 2];
        size_t nf = 0;
        for (char *p = line;;) {
            assert_true(nf < APPLY_MAX_ARGS * 2);
            fields[nf++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        assert_true(nf >= 4);
        snprintf(r->cwd, sizeof r->cwd, "%s", fields[2]);
        snprintf(r->stdin_field, sizeof r->stdin_field, "%s", fields[3]);
        size_t len = (size_t)snprintf(r->text, sizeof r->text, "%s", fields[1]);
        for (size_t i = 4; i < nf; i++)
            len += (size_t)snprintf(r->text + len, sizeof r->text - len, " %s", fields[i]);
        assert_true(len < sizeof r->text);
    }
    free(log);
    return count;
}

/* True when the recorded call got is the expected one. A wait's
 * "--timeout=Ns" may be below the expected N (by up to 30 s, a slow machine):
 * the scripts give each wait what remains of the target's budget
 * (wait_budget), and the expected values are those of a script that took no
 * time. */
static bool call_matches(const char *expected, const char *got)
{
    static const char tag[] = "--timeout=";
    const size_t taglen = sizeof tag - 1;
    while (*expected && *got) {
        if (!strncmp(expected, tag, taglen) && !strncmp(got, tag, taglen)) {
            char *e_end, *g_end;
            long e = strtol(expected + taglen, &e_end, 10);
            long g = strtol(got + taglen, &g_end, 10);
            if (e_end != expected + taglen && g_end != got + taglen && *e_end == 's' &&
                *g_end == 's') {
                if (g > e || g < e - 30)
                    return false;
                expected = e_end;
                got = g_end;
                continue;
            }
        }
        if (*expected++ != *got++)
            return false;
    }
    return *expected == *got;
}

static void assert_call_equal(const char *got, const char *expected)
{
    if (!call_matches(expected, got))
        fail_msg("recorded call '%s', expected '%s'", got, expected);
}

/* Reads the recorded calls into recs and fails, printing both lists, unless
 * they are exactly expected[0..n); returns their number. */
static size_t read_expected_calls(fx *f, record *recs, const char *const *expected, size_t n,
                                  const char *what)
{
    size_t count = read_records(f, recs, APPLY_MAX_RECORDS);
    bool same = count == n;
    for (size_t i = 0; same && i < n; i++)
        same = call_matches(expected[i], recs[i].text);
    if (!same) {
        fprintf(stderr, "%s: expected %zu calls:\n", what, n);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "  %s\n", expected[i]);
        fprintf(stderr, "recorded %zu:\n", count);
        for (size_t i = 0; i < count; i++)
            fprintf(stderr, "  %s\n", recs[i].text);
        fail_msg("%s: the recorded calls differ", what);
    }
    return count;
}

/* Asserts that the recorded calls are exactly expected[0..n), each run in the
 * workspace without stdin. Prints both lists on a mismatch. */
static void assert_calls(fx *f, const char *const *expected, size_t n, const char *what)
{
    static record recs[APPLY_MAX_RECORDS];
    size_t count = read_expected_calls(f, recs, expected, n, what);
    char kept[PATH_MAX + 64];
    snprintf(kept, sizeof kept, "%s/.glyphoxa-deploy/history/", f->d.ws);
    for (size_t i = 0; i < count; i++) {
        /* the workspace, or (stop, restart, status, destroy after an apply) the
         * deployed revision's tree */
        if (strncmp(recs[i].cwd, kept, strlen(kept)) != 0)
            assert_string_equal(recs[i].cwd, f->d.ws);
        assert_string_equal(recs[i].stdin_field, "-");
    }
}

#define ASSERT_CALLS(f, what, ...)                                                            \
    do {                                                                                      \
        const char *const expected_[] = {__VA_ARGS__};                                        \
        assert_calls((f), expected_, sizeof expected_ / sizeof expected_[0], (what));         \
    } while (0)

/* assert_calls for calls that ran in dir below the workspace. */
static void assert_calls_in(fx *f, const char *dir, const char *const *expected, size_t n,
                            const char *what)
{
    static record recs[APPLY_MAX_RECORDS];
    size_t count = read_expected_calls(f, recs, expected, n, what);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s/%s", f->d.ws, dir);
    for (size_t i = 0; i < count; i++)
        assert_string_equal(recs[i].cwd, want);
}

#define ASSERT_CALLS_IN(f, dir, what, ...)                                                    \
    do {                                                                                      \
        const char *const expected_[] = {__VA_ARGS__};                                        \
        assert_calls_in((f), (dir), expected_, sizeof expected_ / sizeof expected_[0], (what)); \
    } while (0)

static size_t record_count(fx *f)
{
    static record recs[APPLY_MAX_RECORDS];
    return read_records(f, recs, APPLY_MAX_RECORDS);
}

/* run_expect, and then that the fakes recorded exactly calls calls. */
static void run_calls(fx *f, int status, size_t calls, const char *const *outs,
                      const char *const *errs, const char *const *args)
{
    run_expect(f, status, outs, errs, args);
    size_t count = record_count(f);
    if (count != calls)
        fail_msg("%s %s: %zu calls recorded, expected %zu", args[0], args[1] ? args[1] : "",
                 count, calls);
}

#define RUN_CALLS(f, status, calls, outs, errs, ...)                                          \
    run_calls((f), (status), (calls), (outs), (errs), (const char *const[]){__VA_ARGS__, NULL})

/* Runs `apply TARGET` (plus options), expects exit 0, and checks its calls. */
static void apply_ok(fx *f, const char *target)
{
    reset_log(f);
    /* destroy is confirmed in advance: the tests run without a terminal */
    result r = run(f, (const char *const[]){"apply", target,
                                            !strcmp(target, "destroy") ? "--yes" : NULL, NULL});
    if (r.status != 0)
        fail_msg("apply %s: exit %d\n%s%s", target, r.status, r.out, r.err);
    result_free(&r);
}

/* ---- workspaces --------------------------------------------------------------------- */

static void init_shared(fx *f)
{
    MUST(f, "init", "--dsn", "postgres://glyphoxa:DSNPASS-k7v3@db.example:5432/glyphoxa");
    MUST(f, "set", "gateway/admin-key=ADMINKEY-zq81-distinctive");
}

static void init_dedicated_infra(fx *f)
{
    MUST(f, "init", "--topology", "dedicated", "--with-postgresql");
    MUST(f, "set", "gateway/admin-key=ADMINKEY-zq81-distinctive",
         "postgresql/postgres-password=PGPASS-w8c1");
    MUST(f, "component", "enable", "sealed-secrets");
}

/* ---- command sequences ------------------------------------------------------------------ */

#define APPLY_FILE(name)                                                                      \
    "kubectl apply --server-side --field-manager=glyphoxa-deploy --force-conflicts -f generated/" name
#define SA_SELECTOR                                                                            \
    "--selector=app.kubernetes.io/instance=glyphoxa,app.kubernetes.io/managed-by=glyphoxa-deploy"
/* kubectl delete of this release's objects of KINDS, selected by its labels; more is
 * COMPONENT(c) and/or NAME_IS(n) (or "") */
#define DELETE_LABELLED(kinds, more)                                                           \
    "kubectl delete " kinds " --namespace=glyphoxa --ignore-not-found " SA_SELECTOR more
#define COMPONENT(c) ",app.kubernetes.io/component=" c
#define NAME_IS(n) " --field-selector=metadata.name=" n
#define DELETE_CONFIG_SECRET DELETE_LABELLED("secret", NAME_IS("glyphoxa-config"))
#define DELETE_HPA DELETE_LABELLED("horizontalpodautoscaler", COMPONENT("gateway"))
#define DELETE_PDB DELETE_LABELLED("poddisruptionbudget", COMPONENT("gateway"))
#define DELETE_MCP DELETE_LABELLED("deployment,service,networkpolicy", COMPONENT("mcp-gateway"))
#define DELETE_NETPOL DELETE_LABELLED("networkpolicy", "")
#define DELETE_STALE_SA                                                                       \
    "kubectl delete serviceaccount --namespace=glyphoxa --ignore-not-found " SA_SELECTOR        \
    " --field-selector=metadata.name!=glyphoxa-gateway"
/* step 1 of apply: the namespace is applied when it does not exist (the fakes print nothing) */
#define GET_NS "kubectl get namespace glyphoxa --ignore-not-found --output=name"
/* step 2 of apply: who owns the objects to apply (files: " -f generated/..." each) */
#define OWNERS(files)                                                                          \
    "kubectl get --namespace=glyphoxa --ignore-not-found --no-headers "                        \
    "--output=custom-columns=KIND:.kind,NAME:.metadata.name,"                                  \
    "RELEASE:.metadata.labels.app\\\\.kubernetes\\\\.io/instance" files
#define GET_SEALED_SECRETS_CRD                                                                 \
    "kubectl get customresourcedefinition sealedsecrets.bitnami.com --ignore-not-found "       \
    "--output=name"
#define WORKER_SELECTOR                                                                        \
    "--selector=app.kubernetes.io/name=glyphoxa,app.kubernetes.io/instance=glyphoxa,"          \
    "app.kubernetes.io/component=worker"
/* the calls of target stop (shared and dedicated alike) */
#define STOP_CALLS                                                                             \
    "kubectl scale --namespace=glyphoxa --replicas=0 deployment/glyphoxa-gateway",             \
        "kubectl scale --namespace=glyphoxa --replicas=0 deployment/glyphoxa-mcp-gateway",     \
        "kubectl delete jobs --namespace=glyphoxa --ignore-not-found " WORKER_SELECTOR         \
        " --field-selector=status.successful=0"
/* the calls of target destroy, and of restart (shared and dedicated alike) */
#define DESTROY_CALLS                                                                          \
    "kubectl delete jobs --namespace=glyphoxa --ignore-not-found " WORKER_SELECTOR,             \
        DESTROY_NAMED,                                                                         \
        "helm uninstall glyphoxa-postgresql --namespace=glyphoxa --ignore-not-found --wait "   \
        "--timeout=108s"
#define RESTART_CALL "kubectl rollout restart deployment --namespace=glyphoxa " RELEASE_SELECTOR
#define ROLLOUT(name, secs)                                                                    \
    "kubectl rollout status deployment/glyphoxa-" name " --namespace=glyphoxa --timeout=" secs "s"
#define RELEASE_SELECTOR "--selector=app.kubernetes.io/part-of=glyphoxa,app.kubernetes.io/instance=glyphoxa"
#define DESTROY_NAMED                                                                          \
    DELETE_LABELLED("deployment,service,networkpolicy,horizontalpodautoscaler,"                \
                    "poddisruptionbudget,configmap,secret,rolebinding,role,serviceaccount", "")
#define GET_STATUS                                                                             \
    "kubectl get deployments,pods,jobs,services,horizontalpodautoscalers --namespace=glyphoxa " \
    RELEASE_SELECTOR
#define DIFF_FLAGS "kubectl diff --server-side --field-manager=glyphoxa-deploy --force-conflicts"
#define GET_STALE_SA                                                                           \
    "kubectl get serviceaccount --namespace=glyphoxa --output=name " SA_SELECTOR              \
    " --field-selector=metadata.name!=glyphoxa-gateway"
/* diff step 2: kubectl get of what delete_labelled of apply deletes */
#define GET_LABELLED(kinds, more)                                                              \
    "kubectl get " kinds " --namespace=glyphoxa --ignore-not-found --output=name " SA_SELECTOR more

/* assert_calls for `apply` (target default): the namespace, who owns the
 * objects of files, applying each of files (names below generated/,
 * NULL-terminated, in that order), then the calls of tail (NULL-terminated). */
static void assert_default_apply(fx *f, const char *what, const char *const *files,
                                 const char *const *tail)
{
    static char owners[4096], applies[APPLY_MAX_RECORDS][256];
    const char *expected[APPLY_MAX_RECORDS];
    size_t n = 0;
    expected[n++] = GET_NS;
    expected[n++] = APPLY_FILE("namespace.yaml");
    size_t len = (size_t)snprintf(owners, sizeof owners, "%s", OWNERS(""));
    for (size_t i = 0; files[i]; i++)
        len += (size_t)snprintf(owners + len, sizeof owners - len, " -f generated/%s", files[i]);
    assert_true(len < sizeof owners);
    expected[n++] = owners;
    for (size_t i = 0; files[i]; i++) {
        assert_true(n < APPLY_MAX_RECORDS);
        snprintf(applies[i], sizeof applies[i], "%s%s", APPLY_FILE(""), files[i]);
        expected[n++] = applies[i];
    }
    for (size_t i = 0; tail[i]; i++) {
        assert_true(n < APPLY_MAX_RECORDS);
        expected[n++] = tail[i];
    }
    assert_calls(f, expected, n, what);
}

#define ASSERT_DEFAULT_APPLY(f, what, files, ...)                                             \
    assert_default_apply((f), (what), (files), (const char *const[]){__VA_ARGS__, NULL})

/* A target of apply and exactly the calls it makes (NULL-terminated). */
typedef struct target_case {
    const char *target;
    const char *const *calls;
} target_case;

#define NO_CALLS ((const char *const[]){NULL})

/* The first call of target diff: kubectl diff of the namespace and of files
 * (names below generated/, NULL-terminated), written to buf. */
static const char *diff_call(char *buf, size_t size, const char *const *files)
{
    size_t len = (size_t)snprintf(buf, size, "%s", DIFF_FLAGS " -f generated/namespace.yaml");
    for (size_t i = 0; files[i]; i++)
        len += (size_t)snprintf(buf + len, size - len, " -f generated/%s", files[i]);
    assert_true(len < size);
    return buf;
}

/* apply_ok of each case's target in turn, then assert_calls of its calls
 * (named "TOPOLOGY: TARGET" in a failure). */
static void apply_targets(fx *f, const char *topology, const target_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char what[96];
        snprintf(what, sizeof what, "%s: %s", topology, cases[i].target);
        size_t count = 0;
        while (cases[i].calls[count])
            count++;
        apply_ok(f, cases[i].target);
        assert_calls(f, cases[i].calls, count, what);
    }
}

static void test_shared_defaults_every_target(void **state)
{
    fx *f = *state;
    init_shared(f);

    const char *const *applied =
        TEXTS("serviceaccount.yaml", "secrets.yaml", "config.yaml", "worker-job-template.yaml",
              "networkpolicy.yaml", "gateway.yaml", "gateway-pdb.yaml", "mcp-gateway.yaml");
    apply_ok(f, "default");
    ASSERT_DEFAULT_APPLY(f, "shared: default", applied, DELETE_CONFIG_SECRET, DELETE_STALE_SA,
                         DELETE_HPA, ROLLOUT("gateway", "285"), ROLLOUT("mcp-gateway", "285"));

    /* every rendered manifest (generated/, not infra/; kustomization.yaml lists them for
     * GitOps and is no object) is applied exactly once */
    char gen[PATH_MAX + 16];
    snprintf(gen, sizeof gen, "%s/generated", f->d.ws);
    DIR *d = opendir(gen);
    assert_non_null(d);
    static record recs[APPLY_MAX_RECORDS];
    size_t count = read_records(f, recs, APPLY_MAX_RECORDS);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_type != DT_REG || !strcmp(e->d_name, "kustomization.yaml"))
            continue;
        files++;
        char want[PATH_MAX];
        snprintf(want, sizeof want, "%s%s", APPLY_FILE(""), e->d_name);
        size_t seen = 0;
        for (size_t i = 0; i < count; i++)
            seen += !strcmp(recs[i].text, want);
        if (seen != 1)
            fail_msg("generated/%s applied %zu times", e->d_name, seen);
    }
    closedir(d);
    assert_int_equal(files, 9);

    char diff[2048];
    const target_case targets[] = {
        {"infrastructure", NO_CALLS}, /* shared: no infrastructure of its own */
        {"stop", TEXTS(STOP_CALLS)},
        {"destroy", TEXTS(DESTROY_CALLS)},
        {"restart", TEXTS(RESTART_CALL)},
        {"status", TEXTS(GET_STATUS)},
        {"diff", TEXTS(diff_call(diff, sizeof diff, applied),
                       GET_LABELLED("secret", NAME_IS("glyphoxa-config")), GET_STALE_SA,
                       GET_LABELLED("horizontalpodautoscaler", COMPONENT("gateway")))},
    };
    apply_targets(f, "shared", targets, sizeof targets / sizeof *targets);
}

static void test_dedicated_with_infrastructure_every_target(void **state)
{
    fx *f = *state;
    init_dedicated_infra(f);

    /* one gateway replica by default: no PodDisruptionBudget */
    const char *const *applied =
        TEXTS("serviceaccount.yaml", "secrets.yaml", "config.yaml", "worker-job-template.yaml",
              "networkpolicy.yaml", "gateway.yaml", "mcp-gateway.yaml");
    apply_ok(f, "default");
    ASSERT_DEFAULT_APPLY(f, "dedicated: default", applied, DELETE_CONFIG_SECRET, DELETE_STALE_SA,
                         DELETE_PDB, DELETE_HPA, ROLLOUT("gateway", "285"),
                         ROLLOUT("mcp-gateway", "285"));
    char diff[2048];
    const target_case targets[] = {
        {"infrastructure",
         TEXTS(GET_NS, APPLY_FILE("namespace.yaml"),
               "helm upgrade --install glyphoxa-postgresql "
               "oci://registry-1.docker.io/bitnamicharts/postgresql --version 16.4.11 "
               "--namespace=glyphoxa --wait --timeout=285s "
               "-f generated/infra/postgresql-values.yaml",
               GET_SEALED_SECRETS_CRD,
               "helm upgrade --install sealed-secrets sealed-secrets "
               "--repo https://bitnami-labs.github.io/sealed-secrets --version 2.18.4 "
               "--namespace=kube-system --create-namespace --wait --timeout=285s "
               "-f generated/infra/sealed-secrets-values.yaml")},
        {"stop", TEXTS(STOP_CALLS)},
        {"destroy", TEXTS(DESTROY_CALLS)},
        {"restart", TEXTS(RESTART_CALL)},
        {"status", TEXTS(GET_STATUS, "helm status glyphoxa-postgresql --namespace=glyphoxa",
                         "helm status sealed-secrets --namespace=kube-system")},
        {"diff", TEXTS(diff_call(diff, sizeof diff, applied),
                       GET_LABELLED("secret", NAME_IS("glyphoxa-config")), GET_STALE_SA,
                       GET_LABELLED("poddisruptionbudget", COMPONENT("gateway")),
                       GET_LABELLED("horizontalpodautoscaler", COMPONENT("gateway")))},
    };
    apply_targets(f, "dedicated", targets, sizeof targets / sizeof *targets);
}

static void test_switched_off_component_is_deleted_by_next_apply(void **state)
{
    fx *f = *state;
    init_shared(f);
    apply_ok(f, "default");
    assert_int_equal(record_count(f), 16);

    MUST(f, "component", "disable", "mcp-gateway");
    apply_ok(f, "default");
    ASSERT_DEFAULT_APPLY(f, "after disabling mcp-gateway",
                         TEXTS("serviceaccount.yaml", "secrets.yaml", "config.yaml",
                               "worker-job-template.yaml", "networkpolicy.yaml", "gateway.yaml",
                               "gateway-pdb.yaml"),
                         DELETE_CONFIG_SECRET, DELETE_STALE_SA, DELETE_HPA, DELETE_MCP,
                         ROLLOUT("gateway", "285"));
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/generated/mcp-gateway.yaml", f->d.ws);
    assert_false(exists(path));

    /* autoscaling on: the HPA is applied (and a stopped gateway woken up to
     * min-replicas); switched off again: the HPA is deleted */
    MUST(f, "component", "enable", "autoscaling");
    reset_log(f);
    RUN_EXPECT(f, 0, NULL, NULL, "apply");
    ASSERT_DEFAULT_APPLY(f, "autoscaling on",
                         TEXTS("serviceaccount.yaml", "secrets.yaml", "config.yaml",
                               "worker-job-template.yaml", "networkpolicy.yaml", "gateway.yaml",
                               "gateway-pdb.yaml", "hpa.yaml"),
                         DELETE_CONFIG_SECRET, DELETE_STALE_SA, DELETE_MCP,
                         "kubectl get --namespace=glyphoxa deployment/glyphoxa-gateway "
                         "--output=jsonpath={.spec.replicas}",
                         ROLLOUT("gateway", "285"));

    /* a gateway at 0 replicas (after stop) is scaled to autoscaling/min-replicas */
    write_wrappers(f, true, true, (const char *const[]){"GX_FAKE_STDOUT_KUBECTL_GET=0", NULL});
    reset_log(f);
    RUN_EXPECT(f, 0, NULL, NULL, "apply");
    static record recs[APPLY_MAX_RECORDS];
    size_t count = read_records(f, recs, APPLY_MAX_RECORDS);
    assert_int_equal(count, 17);
    assert_string_equal(recs[15].text, "kubectl scale --namespace=glyphoxa --current-replicas=0 "
                                       "--replicas=2 deployment/glyphoxa-gateway");
    write_wrappers(f, true, true, NULL);

    MUST(f, "component", "disable", "autoscaling", "network-policy");
    apply_ok(f, "default");
    ASSERT_DEFAULT_APPLY(f, "autoscaling and network-policy off",
                         TEXTS("serviceaccount.yaml", "secrets.yaml", "config.yaml",
                               "worker-job-template.yaml", "gateway.yaml", "gateway-pdb.yaml"),
                         DELETE_CONFIG_SECRET, DELETE_STALE_SA, DELETE_NETPOL, DELETE_HPA,
                         DELETE_MCP, ROLLOUT("gateway", "285"));

    /* one replica: no PodDisruptionBudget, so it is deleted */
    MUST(f, "set", "gateway/replica-count=1");
    apply_ok(f, "default");
    static record again[APPLY_MAX_RECORDS];
    count = read_records(f, again, APPLY_MAX_RECORDS);
    bool pdb_deleted = false, pdb_applied = false;
    for (size_t i = 0; i < count; i++) {
        pdb_deleted |= !strcmp(again[i].text, DELETE_PDB);
        pdb_applied |= !strcmp(again[i].text, APPLY_FILE("gateway-pdb.yaml"));
    }
    assert_true(pdb_deleted);
    assert_false(pdb_applied);
}

static void test_failing_command_stops_with_its_status(void **state)
{
    fx *f = *state;
    init_shared(f);
    write_wrappers(f, true, true, (const char *const[]){"GX_FAKE_FAIL_ON=2:7", NULL});
    result r = RUN(f, "apply");
    assert_int_equal(r.status, 7);
    assert_true(contains(r.err, r.err_len, "target 'default' failed with exit status 7"));
    ASSERT_CALLS(f, "fail on 2", GET_NS, APPLY_FILE("namespace.yaml"));
    result_free(&r);

    /* the same for a target that does not export */
    reset_log(f);
    RUN_CALLS(f, 7, 2, NULL, NULL, "apply", "stop");
}

static void test_timeout_kills_the_group(void **state)
{
    fx *f = *state;
    init_shared(f);
    write_wrappers(f, true, true, (const char *const[]){"GX_FAKE_HANG_ON=2", NULL});
    /* 5 s: on a loaded machine 1 s ran out before the fake's second call */
    result r = RUN(f, "apply", "--timeout", "5");
    assert_int_equal(r.status, 124);
    assert_true(contains(r.err, r.err_len, "target 'default' exceeded its timeout of 5 s"));
    assert_int_equal(record_count(f), 2);

    /* the hanging fake and its sleep are gone */
    char hang[PATH_MAX + 16];
    snprintf(hang, sizeof hang, "%s.hang.2", f->d.log);
    char *pids = read_all(hang, NULL);
    assert_non_null(pids);
    long fake_pid = 0, sleep_pid = 0;
    assert_int_equal(sscanf(pids, "%ld %ld", &fake_pid, &sleep_pid), 2);
    free(pids);
    assert_true(fake_pid > 1 && sleep_pid > 1);
    errno = 0;
    assert_int_equal(kill((pid_t)fake_pid, 0), -1);
    assert_int_equal(errno, ESRCH);
    errno = 0;
    assert_int_equal(kill((pid_t)sleep_pid, 0), -1);
    assert_int_equal(errno, ESRCH);
    result_free(&r);

    /* the default limit of a target reaches the script */
    write_wrappers(f, true, true, NULL);
    reset_log(f);
    r = RUN(f, "apply", "restart", "--timeout=45");
    assert_int_equal(r.status, 0);
    char env_path[PATH_MAX + 16];
    snprintf(env_path, sizeof env_path, "%s.env.1", f->d.log);
    size_t len;
    char *env = read_all(env_path, &len);
    assert_non_null(env);
    assert_true(env_has(env, len, "GX_TIMEOUT=45"));
    assert_true(env_has(env, len, "GX_TARGET=restart"));
    assert_true(env_has(env, len, "GX_DRY_RUN=0"));
    free(env);
    result_free(&r);
}

static void test_blocking_validation_runs_nothing(void **state)
{
    fx *f = *state;
    init_shared(f);
    MUST(f, "set", "gateway/admin-key="); /* V5: empty in production is blocking */
    const char *targets[] = {"default", "infrastructure", "diff"};
    for (size_t i = 0; i < 3; i++) {
        RUN_EXPECT(f, 1, NULL, TEXTS("V5", "blocking"),
                   "apply", targets[i]);
    }
    assert_false(exists(f->d.log));
    char gen[PATH_MAX + 16];
    snprintf(gen, sizeof gen, "%s/generated", f->d.ws);
    assert_false(exists(gen));
}

/* The "+ ..." lines of an output, in order. */
static size_t plus_lines(const char *out, char lines[][4096], size_t max)
{
    size_t n = 0;
    for (const char *p = out; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len >= 2 && p[0] == '+' && p[1] == ' ') {
            assert_true(n < max && len < 4096);
            memcpy(lines[n], p, len);
            lines[n][len] = '\0';
            n++;
        }
        p += len + (nl ? 1 : 0);
    }
    return n;
}

static void test_dry_run_prints_every_command_and_runs_none(void **state)
{
    fx *f = *state;
    init_dedicated_infra(f);
    static char dry[APPLY_MAX_RECORDS][4096], real[APPLY_MAX_RECORDS][4096];
    const char *targets[] = {"default", "infrastructure", "stop", "destroy",
                             "restart", "status",         "diff"};
    for (size_t t = 0; t < 7; t++) {
        reset_log(f);
        result r = RUN(f, "apply", targets[t], "--dry-run");
        if (r.status != 0)
            fail_msg("dry run of %s: %d %s", targets[t], r.status, r.err);
        assert_false(exists(f->d.log)); /* nothing ran */
        assert_true(contains(r.err, r.err_len, "dry run"));
        size_t nd = plus_lines(r.out, dry, APPLY_MAX_RECORDS);
        result_free(&r);

        r = RUN(f, "apply", targets[t], "--yes");
        assert_int_equal(r.status, 0);
        size_t nr = plus_lines(r.out, real, APPLY_MAX_RECORDS);
        result_free(&r);
        /* the dry run printed exactly the commands the real run echoed and ran */
        assert_int_equal(nd, nr);
        assert_int_equal(nr, record_count(f));
        for (size_t i = 0; i < nd; i++)
            if (!call_matches(dry[i], real[i]) && !call_matches(real[i], dry[i]))
                assert_string_equal(dry[i], real[i]);
        assert_true(nd > 0);
    }
    /* one echoed command in full: the resolved kubectl, then the words */
    reset_log(f);
    result r = RUN(f, "apply", "--dry-run");
    char first[PATH_MAX + 256];
    snprintf(first, sizeof first,
             "+ %s apply --server-side --field-manager=glyphoxa-deploy --force-conflicts "
             "-f generated/namespace.yaml\n",
             f->kubectl);
    assert_true(contains(r.out, r.out_len, first));
    assert_true(contains(r.out, r.out_len, "[step 1/4] namespace glyphoxa\n"));
    assert_true(contains(r.out, r.out_len, "[step 4/4] wait for the rollout\n"));
    result_free(&r);
}

static void test_missing_tools_are_named_with_the_target(void **state)
{
    fx *f = *state;
    init_dedicated_infra(f);
    char empty[PATH_MAX + 16], path_env[PATH_MAX + 32];
    snprintf(empty, sizeof empty, "%s/empty", f->d.dir);
    assert_int_equal(mkdir(empty, 0755), 0);
    snprintf(path_env, sizeof path_env, "PATH=%s", empty);

    result r = run_env(f, path_env, (const char *const[]){"apply", NULL});
    assert_int_equal(r.status, 1);
    assert_true(contains(r.err, r.err_len, "target 'default' needs kubectl"));
    result_free(&r);
    char gen[PATH_MAX + 16];
    snprintf(gen, sizeof gen, "%s/generated", f->d.ws);
    assert_false(exists(gen)); /* found missing before the export */

    RUN_EXPECT(f, 1, NULL, TEXTS("'/nonexistent/kubectl' was not found"),
               "apply", "--kubectl", "/nonexistent/kubectl");

    /* only kubectl: default runs; infrastructure (charts on) and destroy need helm */
    write_wrappers(f, true, false, NULL);
    RUN_EXPECT(f, 0, NULL, NULL, "apply");
    const char *need_helm[] = {"infrastructure", "destroy"};
    for (size_t i = 0; i < 2; i++) {
        reset_log(f);
        r = RUN(f, "apply", need_helm[i], "--yes");
        assert_int_equal(r.status, 1);
        char want[128];
        snprintf(want, sizeof want, "target '%s' needs helm", need_helm[i]);
        assert_true(contains(r.err, r.err_len, want));
        assert_false(exists(f->d.log));
        result_free(&r);
    }
    /* status: helm is optional; its kubectl part runs and it says helm is missing */
    reset_log(f);
    RUN_CALLS(f, 0, 1, TEXTS("helm is missing"),
              TEXTS("target 'status' runs without its helm part"), "apply", "status");
    /* --helm names it explicitly */
    char helm[PATH_MAX + 16];
    snprintf(helm, sizeof helm, "%s/helm", f->d.bin);
    write_wrappers(f, true, true, NULL);
    char moved[PATH_MAX + 16];
    snprintf(moved, sizeof moved, "%s/my-helm", f->d.dir);
    assert_int_equal(rename(helm, moved), 0);
    reset_log(f);
    RUN_CALLS(f, 0, 3, NULL, NULL, "apply", "status", "--helm", moved);
}

static void test_status_without_infrastructure_needs_no_helm(void **state)
{
    fx *f = *state;
    init_shared(f);
    MUST(f, "export");
    write_wrappers(f, true, false, NULL);
    result r = RUN(f, "apply", "status");
    assert_int_equal(r.status, 0);
    ASSERT_CALLS(f, "status without helm", GET_STATUS);
    result_free(&r);
    RUN_EXPECT(f, 0, TEXTS("postgresql and sealed-secrets are both off"), NULL,
               "apply", "infrastructure");
}

static void test_targets_without_export_say_so(void **state)
{
    fx *f = *state;
    init_shared(f);
    const char *targets[] = {"stop", "destroy", "restart", "status"};
    for (size_t i = 0; i < 4; i++) {
        result r = RUN(f, "apply", targets[i]);
        assert_int_equal(r.status, 1);
        assert_true(contains(r.err, r.err_len, "nothing was deployed or exported"));
        char want[64];
        snprintf(want, sizeof want, "target '%s'", targets[i]);
        assert_true(contains(r.err, r.err_len, want));
        result_free(&r);
    }
    assert_false(exists(f->d.log));
}

static void test_usage_errors(void **state)
{
    fx *f = *state;
    init_shared(f);
    result r = RUN(f, "apply", "deploy");
    assert_int_equal(r.status, 2);
    assert_true(contains(r.err, r.err_len, "unknown target 'deploy'"));
    const char *names[] = {"default", "infrastructure", "stop", "destroy", "restart", "status",
                           "diff"};
    for (size_t i = 0; i < 7; i++)
        assert_true(contains(r.err, r.err_len, names[i]));
    result_free(&r);

    const char *const bad[][4] = {
        {"apply", "--timeout", "0", NULL},        {"apply", "--timeout", "abc", NULL},
        {"apply", "--timeout", "99999999", NULL}, {"apply", "stop", "--delete-namespace", NULL},
        {"apply", "stop", "status", NULL},        {"apply", "--bogus", NULL, NULL},
        {"apply", "--context", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = run(f, bad[i]);
        if (r.status != 2)
            fail_msg("apply %s %s: exit %d", bad[i][1], bad[i][2] ? bad[i][2] : "", r.status);
        result_free(&r);
    }
    assert_false(exists(f->d.log));
}

static void test_kubeconfig_context_and_delete_namespace(void **state)
{
    fx *f = *state;
    init_dedicated_infra(f);
    MUST(f, "export");
    RUN_EXPECT(f, 0, NULL, NULL, "apply", "status", "--kubeconfig", "kc.yaml", "--context", "prod-ctx");
    char k[PATH_MAX * 2], h[PATH_MAX * 2];
    snprintf(k, sizeof k, "kubectl --kubeconfig=%s/kc.yaml --context=prod-ctx %s", f->d.dir,
             GET_STATUS + strlen("kubectl "));
    snprintf(h, sizeof h,
             "helm --kubeconfig=%s/kc.yaml --kube-context=prod-ctx status glyphoxa-postgresql "
             "--namespace=glyphoxa",
             f->d.dir);
    static record recs[APPLY_MAX_RECORDS];
    assert_int_equal(read_records(f, recs, APPLY_MAX_RECORDS), 3);
    assert_string_equal(recs[0].text, k);
    assert_string_equal(recs[1].text, h);
    char env_path[PATH_MAX + 16], want[PATH_MAX + 32];
    snprintf(env_path, sizeof env_path, "%s.env.1", f->d.log);
    size_t len;
    char *env = read_all(env_path, &len);
    assert_non_null(env);
    snprintf(want, sizeof want, "KUBECONFIG=%s/kc.yaml", f->d.dir);
    assert_true(env_has(env, len, want));
    assert_true(env_has(env, len, "GX_CONTEXT=prod-ctx"));
    free(env);

    /* the namespace is deleted only when this workspace created it */
    reset_log(f);
    RUN_EXPECT(f, 0, TEXTS("was not created by this workspace"), NULL,
               "apply", "destroy", "--delete-namespace", "--yes");
    assert_int_equal(read_records(f, recs, APPLY_MAX_RECORDS), 3);
    MUST(f, "apply"); /* creates it: the fake says it does not exist */
    reset_log(f);
    RUN_EXPECT(f, 0, NULL, NULL, "apply", "destroy", "--delete-namespace", "--yes");
    assert_int_equal(read_records(f, recs, APPLY_MAX_RECORDS), 4);
    assert_call_equal(recs[3].text,
                      "kubectl delete namespace glyphoxa --ignore-not-found --timeout=108s");

    /* a namespace managed elsewhere is kept even then */
    MUST(f, "set", "core/create-namespace=false");
    MUST(f, "export");
    reset_log(f);
    RUN_CALLS(f, 0, 3, TEXTS("kept: core/create-namespace is off"), NULL, "apply", "destroy",
              "--delete-namespace", "--yes");
}

static void test_diff_exit_status(void **state)
{
    fx *f = *state;
    init_shared(f);
    /* kubectl diff exit 1 = differences: the script goes on, the target exits 1 */
    write_wrappers(f, true, true, (const char *const[]){"GX_FAKE_FAIL_ON=1:1", NULL});
    RUN_CALLS(f, 1, 4, NULL, TEXTS("the cluster differs"), "apply", "diff");
    /* exit 2 and above is an error: stop there */
    write_wrappers(f, true, true, (const char *const[]){"GX_FAKE_FAIL_ON=1:2", NULL});
    reset_log(f);
    RUN_CALLS(f, 2, 1, NULL, NULL, "apply", "diff");
    /* a resource that apply would delete still exists: a difference too */
    write_wrappers(f, true, true,
                   (const char *const[]){"GX_FAKE_STDOUT_KUBECTL_GET=secret/glyphoxa-config", NULL});
    reset_log(f);
    RUN_EXPECT(f, 1, TEXTS("secret/glyphoxa-config\n"), NULL,
               "apply", "diff");
    /* nothing differs */
    write_wrappers(f, true, true, NULL);
    reset_log(f);
    RUN_EXPECT(f, 0, TEXTS("diff: no differences"), NULL,
               "apply", "diff");
}

static void test_status_shows_everything_then_fails(void **state)
{
    fx *f = *state;
    init_dedicated_infra(f);
    MUST(f, "export");
    write_wrappers(f, true, true, (const char *const[]){"GX_FAKE_FAIL_ON=1:3", NULL});
    RUN_CALLS(f, 3, 3, NULL, NULL, "apply", "status");
}

static void test_no_secrets_export_is_refused_by_the_script(void **state)
{
    fx *f = *state;
    init_dedicated_infra(f);
    MUST(f, "export", "--no-secrets");
    /* run by hand, as an operator would */
    const char *scripts[] = {"apply.sh", "infra.sh", "diff.sh"};
    for (size_t i = 0; i < 3; i++) {
        char cmd[PATH_MAX * 3];
        snprintf(cmd, sizeof cmd, "cd '%s' && PATH='%s':/usr/bin:/bin bash scripts/%s 2>&1",
                 f->d.ws, f->d.bin, scripts[i]);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        char out[4096] = "";
        size_t n = fread(out, 1, sizeof out - 1, p);
        out[n] = '\0';
        int st = pclose(p);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 1);
        assert_true(contains(out, n, "--no-secrets"));
    }
    assert_false(exists(f->d.log));
    /* the tool itself exports with secrets before it applies */
    RUN_EXPECT(f, 0, NULL, NULL, "apply");
}

/* Runs shell command cmd (in f->d.dir) and returns its exit status. */
static int shell(fx *f, const char *cmd)
{
    char full[4096];
    snprintf(full, sizeof full, "PATH='%s':/usr/bin:/bin; export PATH; cd '%s' && (%s) >/dev/null 2>&1",
             f->d.bin, f->d.dir, cmd);
    int st = system(full);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void test_scripts_run_by_hand_from_anywhere(void **state)
{
    fx *f = *state;
    init_shared(f);
    MUST(f, "export");
    const char *ways[] = {"bash ws/scripts/stop.sh", "bash \"$PWD/ws/scripts/stop.sh\"",
                          "cd ws/scripts && bash stop.sh", "cd ws && ./scripts/stop.sh"};
    for (size_t i = 0; i < 4; i++) {
        reset_log(f);
        assert_int_equal(shell(f, ways[i]), 0);
        /* the calls ran in the workspace, whatever the caller's directory */
        ASSERT_CALLS(f, ways[i],
                     STOP_CALLS);
    }
    /* GX_DRY_RUN=1 by hand: printed, not run */
    reset_log(f);
    assert_int_equal(shell(f, "GX_DRY_RUN=1 bash ws/scripts/apply.sh"), 0);
    assert_false(exists(f->d.log));
}

/* Fails when any secret value occurs in the len bytes at data. */
static void assert_no_secret(const char *data, size_t len, const char *where)
{
    for (size_t i = 0; i < SECRET_COUNT; i++)
        if (contains(data, len, secret_values[i]))
            fail_msg("secret value '%s' found in %s", secret_values[i], where);
}

static void assert_no_secret_in_file(const char *path)
{
    size_t len;
    char *data = read_all(path, &len);
    assert_non_null(data);
    assert_no_secret(data, len, path);
    free(data);
}

static void test_no_secret_reaches_argv_env_stdin_or_scripts(void **state)
{
    fx *f = *state;
    init_dedicated_infra(f);
    MUST(f, "set", "database/dsn=postgres://glyphoxa:DSNPASS-k7v3@db.example:5432/glyphoxa",
         "config/providers/llm/name=openai", "config/providers/llm/api-key=APIKEY-llm-x93",
         "config/providers/tts/name=elevenlabs", "config/providers/tts/api-key=APIKEY-tts-q27",
         "vault/addr=https://vault.example:8200", "vault/token=VAULTTOKEN-m4p2");
    const char *targets[] = {"default", "infrastructure", "diff", "status",
                             "restart", "stop",           "destroy"};
    size_t total = 0;
    for (size_t t = 0; t < 7; t++) {
        for (int dry = 0; dry < 2; dry++) {
            result r = run(f, (const char *const[]){"apply", targets[t], "--kubeconfig", "kc",
                                                    "--context", "c", "--yes",
                                                    dry ? "--dry-run" : NULL, NULL});
            if (r.status != 0)
                fail_msg("apply %s: %d %s", targets[t], r.status, r.err);
            assert_no_secret(r.out, r.out_len, "the tool's stdout");
            assert_no_secret(r.err, r.err_len, "the tool's stderr");
            result_free(&r);
        }
    }
    /* everything the fakes recorded: argv log, environments, stdin */
    DIR *d = opendir(f->d.fake);
    assert_non_null(d);
    size_t envs = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", f->d.fake, e->d_name);
        assert_no_secret_in_file(path);
        envs += !strncmp(e->d_name, "log.env.", 8);
        assert_true(strncmp(e->d_name, "log.stdin.", 10) != 0); /* no call read stdin */
    }
    closedir(d);
    total = record_count(f);
    assert_true(total > 30);
    assert_int_equal(envs, total);
    /* and the scripts themselves */
    const char *scripts[] = {"apply.sh", "infra.sh", "stop.sh", "destroy.sh",
                             "restart.sh", "status.sh", "diff.sh"};
    for (size_t i = 0; i < 7; i++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/scripts/%s", f->d.ws, scripts[i]);
        assert_no_secret_in_file(path);
    }
    /* the secrets are where they belong: 0600 files */
    char path[PATH_MAX + 64];
    struct stat st;
    snprintf(path, sizeof path, "%s/generated/infra/postgresql-values.yaml", f->d.ws);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/generated/secrets.yaml", f->d.ws);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

/* ==== issue #9: operating a real cluster from a bastion ============================== */

/* The environment of fake call n (env -0 form) into *len; caller frees. */
static char *call_env(fx *f, int n, size_t *len)
{
    return read_at(len, "%s.env.%d", f->d.log, n);
}

static void test_child_environment_is_the_operators(void **state)
{
    fx *f = *state;
    init_shared(f);
    MUST(f, "export");
    /* a bastion's shell: proxies, CA bundle, credential plugins' variables, a
     * relative KUBECONFIG (relative to where the tool is started: f->d.dir) */
    const char *const operator_env[] = {
        "HTTPS_PROXY=http://proxy.internal:3128", "NO_PROXY=.cluster.local",
        "SSL_CERT_FILE=/etc/ssl/bastion.pem",     "AWS_PROFILE=prod-admin",
        "AWS_REGION=eu-central-1",                "CLOUDSDK_CORE_PROJECT=glyphoxa",
        "KUBECACHEDIR=/var/cache/kube",           "HELM_REGISTRY_CONFIG=/etc/helm/reg.json",
        "KUBECONFIG=kube/config:/etc/kube/shared", "GX_DRY_RUN=1",
        NULL};
    reset_log(f);
    result r = run_full(f, NULL, operator_env, (const char *const[]){"apply", "status", NULL});
    if (r.status != 0)
        fail_msg("apply status: %d\n%s%s", r.status, r.out, r.err);
    result_free(&r);
    assert_int_equal(record_count(f), 1);
    size_t len;
    char *env = call_env(f, 1, &len);
    for (size_t i = 0; i + 3 < sizeof operator_env / sizeof operator_env[0]; i++) /* not KUBECONFIG, GX_DRY_RUN */
        if (!env_has(env, len, operator_env[i]))
            fail_msg("%s did not reach kubectl", operator_env[i]);
    assert_true(env_has(env, len, "GX_TEST_SENTINEL=" OPERATOR_SENTINEL));
    assert_true(env_has(env, len, "LANG=C"));
    assert_true(env_has(env, len, "NO_COLOR=1"));
    char want[PATH_MAX * 2];
    snprintf(want, sizeof want, "KUBECONFIG=%s/kube/config:/etc/kube/shared", f->d.dir);
    assert_true(env_has(env, len, want));
    /* the tool's own variables win over the operator's of the same name */
    assert_true(env_has(env, len, "GX_DRY_RUN=0"));
    assert_true(env_has(env, len, "GX_TARGET=status"));
    assert_true(env_has(env, len, "GX_TIMEOUT=30"));
    /* and it adds no secret */
    for (size_t i = 0; i < SECRET_COUNT; i++)
        assert_false(contains(env, len, secret_values[i]));
    free(env);

    /* --kubeconfig (relative to the start directory too) wins over KUBECONFIG */
    reset_log(f);
    r = run_full(f, NULL, operator_env,
                 (const char *const[]){"apply", "status", "--kubeconfig", "other/kc", NULL});
    assert_int_equal(r.status, 0);
    result_free(&r);
    env = call_env(f, 1, &len);
    snprintf(want, sizeof want, "KUBECONFIG=%s/other/kc", f->d.dir);
    assert_true(env_has(env, len, want));
    snprintf(want, sizeof want, "GX_KUBECONFIG=%s/other/kc", f->d.dir);
    assert_true(env_has(env, len, want));
    free(env);
}

/* ---- the recording fakes themselves -------------------------------------------------- */

/* The fakes record what tests/fakes/README.md says: the working directory,
 * stdin only when an argument asks for it (and then its bytes), escaped
 * arguments, canned output per verb. (These checks ran through the old
 * blocking runner in test_run.c; they are about the fakes, so they live here.) */
static void test_fakes_record_what_they_claim(void **state)
{
    fx *f = *state;
    write_wrappers(f, true, true,
                   (const char *const[]){"GX_FAKE_STDOUT_KUBECTL_GET=canned-output", NULL});
    char script[PATH_MAX + 16];
    snprintf(script, sizeof script, "%s/fakes.sh", f->d.dir);
    write_file(script,
               "set -eu\n"
               "kubectl apply -f - </dev/null\n"
               "printf 'kind: Namespace\\n' | kubectl apply --filename=-\n"
               "echo not-read | kubectl get ns >/dev/null\n"
               "out=$(kubectl -n ns get deploy)\n"
               "[ \"$out\" = canned-output ] || exit 3\n"
               "out=$(helm status rel)\n"
               "[ -z \"$out\" ] || exit 4\n"
               "kubectl annotate x $'a\\tb\\nc' 'back\\slash' ''\n",
               0644);
    assert_int_equal(mkdir(f->d.ws, 0755), 0);
    assert_int_equal(shell(f, "cd ws && bash ../fakes.sh"), 0);

    char *log = read_all(f->d.log, NULL);
    assert_non_null(log);
    const char *want[] = {
        "1\tkubectl\t%s\t-\tapply\t-f\t-",
        "2\tkubectl\t%s\tstdin\tapply\t--filename=-",
        "3\tkubectl\t%s\t-\tget\tns",
        "4\tkubectl\t%s\t-\t-n\tns\tget\tdeploy",
        "5\thelm\t%s\t-\tstatus\trel",
        "6\tkubectl\t%s\t-\tannotate\tx\ta\\tb\\nc\tback\\\\slash\t",
    };
    char *save = NULL, *line = strtok_r(log, "\n", &save);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char expect[PATH_MAX + 128];
        snprintf(expect, sizeof expect, want[i], f->d.ws);
        assert_non_null(line);
        assert_string_equal(line, expect);
        line = strtok_r(NULL, "\n", &save);
    }
    assert_null(line);
    free(log);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s.stdin.2", f->d.log);
    char *in = read_all(path, NULL);
    assert_non_null(in);
    assert_string_equal(in, "kind: Namespace\n");
    free(in);
    for (int n = 1; n <= 6; n++) {
        snprintf(path, sizeof path, "%s.stdin.%d", f->d.log, n);
        assert_true(n == 2 || !exists(path));
    }
}

/* ---- a missing script ------------------------------------------------------------------ */

/* The script of a target that runs from the last export is gone: nothing
 * runs, and the message says what to do. (The old runner's refusal, now the
 * core's; test_proc.c covers the child's own start failures.) */
static void test_missing_script_runs_nothing(void **state)
{
    fx *f = *state;
    init_shared(f);
    MUST(f, "export");
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/scripts/stop.sh", f->d.ws);
    assert_int_equal(unlink(path), 0);
    reset_log(f);
    result r = RUN(f, "apply", "stop");
    assert_int_equal(r.status, 1);
    assert_true(contains(r.err, r.err_len,
                         "error: scripts/stop.sh: the target's script is missing or unreadable"));
    assert_true(contains(r.err, r.err_len, "hint: export again"));
    assert_true(contains(r.err, r.err_len, "error: target 'stop' did not run"));
    assert_int_equal(record_count(f), 0);
    result_free(&r);
}

/* ---- signals while a target runs ------------------------------------------------------- */

/* Every wait of the signal tests ends as soon as its condition holds; the
 * limit only keeps a broken build from hanging the suite. No assertion reads
 * how long anything took. */
#define SIGNAL_WAIT_MS 30000

/* True when no process of group pgid exists any more (zombies count as
 * existing: they are gone once reaped). */
static bool group_gone(pid_t pgid)
{
    return kill(-pgid, 0) < 0 && errno == ESRCH;
}

static bool wait_group_gone(pid_t pgid)
{
    return gx_test_wait_for(group_gone, pgid, SIGNAL_WAIT_MS);
}

/* True when pid catches SIGINT (SigCgt of /proc/PID/status). A
 * non-interactive bash catches SIGINT only while it waits for a foreground
 * command (it decides once the command ended whether to die of SIGINT
 * itself), so this says that the target's bash is in that wait. */
static bool catches_sigint(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    char *status = read_all(path, NULL);
    if (!status)
        return false;
    const char *cgt = strstr(status, "\nSigCgt:");
    unsigned long long mask = cgt ? strtoull(cgt + 8, NULL, 16) : 0;
    free(status);
    return mask & (1ull << (SIGINT - 1));
}

/* The script's bash: the one child of the target group's leader (gx_proc's
 * keeper, which forks the target into its group and waits for it); 0 while
 * it has none. */
static pid_t script_bash(pid_t keeper)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)keeper, (long)keeper);
    char *kids = read_all(path, NULL);
    long pid = kids ? strtol(kids, NULL, 10) : 0;
    free(kids);
    return (pid_t)pid;
}

/* The text of the tool's stderr so far (caller frees). */
static char *tool_stderr(fx *f)
{
    char path[PATH_MAX + 8];
    snprintf(path, sizeof path, "%s/stderr", f->d.dir);
    char *err = read_all(path, NULL);
    return err ? err : strdup("");
}

/* A running `apply` (target default) whose script hangs in fake call 2. */
typedef struct hanging {
    pid_t fake;  /* the fake kubectl (a bash), a child of the script's bash */
    pid_t sleep; /* the fake's child `sleep 1000` */
} hanging;

/* Starts `apply` with call 2 hanging (init_shared first) and returns once
 * the fake has written its recording (so the fake and its sleep run) and
 * the script's bash waits for it. f->tool is the tool, f->group the target's
 * process group: the group of the fake as the kernel reports it (the
 * script's bash is its leader: gx_proc puts the child in a group of its own,
 * whose id is its pid). int_ignoring_kubectl: bin/kubectl ignores SIGINT
 * before it execs the fake, so the fake and its sleep inherit SIG_IGN. */
static hanging start_hanging(fx *f, bool int_ignoring_kubectl)
{
    write_wrappers(f, true, true, (const char *const[]){"GX_FAKE_HANG_ON=2", NULL});
    if (int_ignoring_kubectl) {
        char path[PATH_MAX + 16], text[PATH_MAX * 3];
        snprintf(path, sizeof path, "%s/kubectl", f->d.bin);
        snprintf(text, sizeof text,
                 "#!/bin/sh\ntrap '' INT\nGX_FAKE_LOG='%s'\nGX_FAKE_HANG_ON=2\n"
                 "export GX_FAKE_LOG GX_FAKE_HANG_ON\nexec '%s/tests/fakes/kubectl' \"$@\"\n",
                 f->d.log, gx_test_source_dir());
        write_file(path, text, 0755);
    }
    reset_log(f);
    f->tool = spawn_tool(f, &(spawn_opts){0}, (const char *const[]){"apply", NULL});

    char hang[PATH_MAX + 16];
    snprintf(hang, sizeof hang, "%s.hang.2", f->d.log);
    hanging h = {0, 0};
    int64_t end = gx_test_now_ms() + SIGNAL_WAIT_MS;
    for (;;) {
        char *pids = read_all(hang, NULL);
        long fake = 0, sleep_pid = 0;
        bool whole = pids && strchr(pids, '\n') &&
                     sscanf(pids, "%ld %ld", &fake, &sleep_pid) == 2;
        free(pids);
        if (whole) {
            h.fake = (pid_t)fake;
            h.sleep = (pid_t)sleep_pid;
            break;
        }
        int st;
        if (waitpid(f->tool, &st, WNOHANG) == f->tool) {
            f->tool = 0;
            char *err = tool_stderr(f);
            fail_msg("apply ended before the fake hung (status %d):\n%s", st, err);
        }
        if (gx_test_now_ms() > end)
            fail_msg("the fake did not hang within %d ms", SIGNAL_WAIT_MS);
        gx_test_sleep_ms(10);
    }
    /* The fake writes the pids from its subshell just before that subshell
     * execs sleep: a signal sent in between would be taken by the subshell's
     * bash, and the sleep would never see it. So wait for the exec. */
    for (;;) {
        char comm_path[64];
        snprintf(comm_path, sizeof comm_path, "/proc/%ld/comm", (long)h.sleep);
        char *comm = read_all(comm_path, NULL);
        bool execd = comm && !strcmp(comm, "sleep\n");
        free(comm);
        if (execd)
            break;
        if (gx_test_now_ms() > end)
            fail_msg("the fake's sleep (%ld) did not start within %d ms", (long)h.sleep,
                     SIGNAL_WAIT_MS);
        gx_test_sleep_ms(10);
    }
    f->group = getpgid(h.fake);
    assert_true(f->group > 1);
    assert_int_equal(getpgid(h.sleep), f->group);
    assert_true(f->group != getpgrp() && f->group != getpgid(f->tool)); /* its own group */
    /* the keeper leads the group and ignores what is sent to it */
    assert_false(catches_sigint(f->group));
    while (!catches_sigint(script_bash(f->group))) {
        if (gx_test_now_ms() > end)
            fail_msg("the target's bash (%ld) does not wait for the fake",
                     (long)script_bash(f->group));
        gx_test_sleep_ms(10);
    }
    return h;
}

/* Waits for the tool of start_hanging and checks that the target's whole
 * process group is gone. */
static result finish_hanging(fx *f)
{
    result r = await_tool(f, f->tool);
    f->tool = 0;
    if (!wait_group_gone(f->group))
        fail_msg("process group %ld of the target outlived apply", (long)f->group);
    f->group = 0;
    return r;
}

/* What finish_hanging gave for a target ended by a signal the tool passed
 * on (or by its kill): exit status, the tool's note said and the failure line
 * on stderr; the fake and its sleep gone; the script stopped after the
 * fake's call (2 calls recorded). */
static void expect_group_ended(fx *f, const hanging *h, const result *r, int status,
                               const char *said)
{
    assert_int_equal(r->status, status);
    assert_true(contains(r->err, r->err_len, said));
    char line[128];
    snprintf(line, sizeof line, "target 'default' failed with exit status %d", status);
    assert_true(contains(r->err, r->err_len, line));
    assert_false(gx_test_pid_runs(h->fake));
    assert_false(gx_test_pid_runs(h->sleep));
    assert_int_equal(record_count(f), 2);
}

/* Waits until the tool's stderr holds text. */
static void wait_stderr(fx *f, const char *text)
{
    int64_t end = gx_test_now_ms() + SIGNAL_WAIT_MS;
    for (;;) {
        char *err = tool_stderr(f);
        bool seen = strstr(err, text) != NULL;
        if (seen || gx_test_now_ms() > end) {
            if (!seen)
                fail_msg("no '%s' on stderr within %d ms:\n%s", text, SIGNAL_WAIT_MS, err);
            free(err);
            return;
        }
        free(err);
        gx_test_sleep_ms(10);
    }
}

static void test_sigint_is_passed_on_to_the_group(void **state)
{
    fx *f = *state;
    init_shared(f);
    hanging h = start_hanging(f, false);
    assert_int_equal(kill(f->tool, SIGINT), 0);
    result r = finish_hanging(f);
    /* 130 = 128 + SIGINT: the SIGINT reaches every process of the group; the
     * sleep dies of it, then the fake's bash and the script's bash, each
     * waiting for its child, see that child die of SIGINT and end themselves
     * with SIGINT too (bash's rule for a non-interactive shell). The script
     * does not go on: call 3 never happens. */
    expect_group_ended(f, &h, &r, 130,
                       "[glyphoxa-deploy] received SIGINT; passed it on to target 'default'\n");
    assert_false(contains(r.err, r.err_len, "received SIGINT again"));
    result_free(&r);
}

static void test_sigterm_and_sighup_are_passed_on_to_the_group(void **state)
{
    fx *f = *state;
    init_shared(f);
    const int sigs[] = {SIGTERM, SIGHUP};
    const char *names[] = {"SIGTERM", "SIGHUP"};
    for (size_t i = 0; i < 2; i++) {
        hanging h = start_hanging(f, false);
        assert_int_equal(kill(f->tool, sigs[i]), 0);
        result r = finish_hanging(f);
        /* 128 + n: a non-interactive bash does not catch SIGTERM or SIGHUP, so
         * the script's bash dies of it at once, and so do the fake and its
         * sleep */
        char line[128];
        snprintf(line, sizeof line,
                 "[glyphoxa-deploy] received %s; passed it on to target 'default'\n", names[i]);
        expect_group_ended(f, &h, &r, 128 + sigs[i], line);
        result_free(&r);
    }
}

static void test_second_sigint_kills_the_group(void **state)
{
    fx *f = *state;
    init_shared(f);
    hanging h = start_hanging(f, true);
    assert_int_equal(kill(f->tool, SIGINT), 0);
    /* the second SIGINT only once the tool has taken the first (two pending
     * SIGINTs would be one) */
    wait_stderr(f, "[glyphoxa-deploy] received SIGINT; passed it on to target 'default'\n");
    /* the first one ended nothing: the fake and its sleep ignore SIGINT, and
     * the script's bash keeps waiting for the fake */
    assert_true(gx_test_pid_runs(h.fake));
    assert_true(gx_test_pid_runs(h.sleep));
    assert_int_equal(kill(f->tool, SIGINT), 0);
    result r = finish_hanging(f);
    /* 137 = 128 + SIGKILL: the tool sent SIGKILL to the group, and the
     * script's bash, still waiting, died of it */
    expect_group_ended(f, &h, &r, 137,
                       "[glyphoxa-deploy] received SIGINT again; killing target 'default'\n");
    result_free(&r);
}

static void test_killed_tool_takes_the_script_along(void **state)
{
    fx *f = *state;
    init_shared(f);
    /* orphans of the tool's children come to us, so we can reap the
     * script's bash and see what ended it */
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
    f->subreaper = true;
    hanging h = start_hanging(f, false);
    pid_t keeper = f->group; /* the group's leader */
    pid_t bash = script_bash(keeper);
    assert_true(bash > 0);

    assert_int_equal(kill(f->tool, SIGKILL), 0);
    int st;
    assert_int_equal(waitpid(f->tool, &st, 0), f->tool);
    f->tool = 0;
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    /* The keeper gets the parent-death signal (PR_SET_PDEATHSIG, set by
     * gx_proc) and kills its whole group: the script's bash, the fake kubectl
     * and the fake's sleep go too, and nothing else sends them SIGKILL. They
     * come to us (a subreaper) to be reaped, so we see what ended them. */
    int64_t end = gx_test_now_ms() + SIGNAL_WAIT_MS;
    bool keeper_seen = false, bash_seen = false;
    while (!group_gone(f->group)) {
        if (gx_test_now_ms() > end)
            fail_msg("process group %ld outlived the killed tool (fake %s, sleep %s)",
                     (long)f->group, gx_test_pid_runs(h.fake) ? "running" : "gone",
                     gx_test_pid_runs(h.sleep) ? "running" : "gone");
        pid_t got;
        while ((got = waitpid(-f->group, &st, WNOHANG)) > 0) {
            if (got == keeper || got == bash) {
                assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
                keeper_seen |= got == keeper;
                bash_seen |= got == bash;
            }
        }
        gx_test_sleep_ms(10);
    }
    assert_true(keeper_seen && bash_seen);
    assert_false(gx_test_pid_runs(h.fake));
    assert_false(gx_test_pid_runs(h.sleep));
    f->group = 0;
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), 0);
    f->subreaper = false;
}

/* ---- the terminal, and signals of the tool ----------------------------------------- */

static void pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits (up to 20 s) for the hanging fake call n; gets its pids. */
static void wait_hang(fx *f, int n, long *fake, long *sleeper)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s.hang.%d", f->d.log, n);
    for (int i = 0; i < 400; i++) {
        char *text = read_all(path, NULL);
        if (text && sscanf(text, "%ld %ld", fake, sleeper) == 2) {
            free(text);
            pause_ms(100); /* the sleep has exec'd by now */
            return;
        }
        free(text);
        pause_ms(50);
    }
    fail_msg("fake call %d never hung", n);
}

/* True once pid is gone (or a zombie nobody reaped yet); waits up to 5 s. */
static bool process_gone(long pid)
{
    for (int i = 0; i < 100; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        char *stat = read_all(path, NULL);
        if (!stat)
            return true;
        char *close_paren = strrchr(stat, ')');
        bool zombie = close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
        free(stat);
        if (zombie)
            return true;
        pause_ms(50);
    }
    return false;
}

/* A shared workspace, exported, the fakes with control ("NAME=VALUE"), and
 * no call recorded yet: ready for `apply status` to meet the control in its
 * first call. */
static void exported_with_control(fx *f, const char *control)
{
    init_shared(f);
    MUST(f, "export");
    write_wrappers(f, true, true, (const char *const[]){control, NULL});
    reset_log(f);
}

static void test_sigquit_kills_the_target_group(void **state)
{
    fx *f = *state;
    exported_with_control(f, "GX_FAKE_HANG_ON=1");
    pid_t tool = spawn_tool(f, &(spawn_opts){0}, (const char *const[]){"apply", "status", NULL});
    long fake, sleeper;
    wait_hang(f, 1, &fake, &sleeper);
    assert_int_equal(kill(tool, SIGQUIT), 0);
    int status = wait_tool(tool);
    assert_int_equal(status, 137); /* the script, killed */
    assert_true(process_gone(fake));
    assert_true(process_gone(sleeper));
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/stderr", f->d.dir);
    char *err = read_all(path, NULL);
    assert_non_null(err);
    assert_non_null(strstr(err, "received SIGQUIT; killing target 'status'"));
    free(err);
}

/* Runs the tool on a new pseudo-terminal (as a session leader with it as
 * its controlling terminal, like a login shell), typing answer once the
 * output shows prompt; returns the exit status, the output in *out. */
static int run_on_pty(fx *f, const char *const *args, const char *prompt, const char *answer,
                      char *out, size_t outlen)
{
    launch l;
    launch_init(f, &l, NULL, NULL, args);
    int master;
    fflush(NULL);
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(f->d.dir) != 0)
            _exit(126);
        alarm(APPLY_HANG_SECONDS);
        execve(GX_BINARY, (char *const *)l.argv, (char *const *)l.envp);
        _exit(127);
    }
    size_t used = 0;
    bool answered = false;
    out[0] = '\0';
    for (;;) {
        char buf[1024];
        ssize_t n = read(master, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* EIO once the tool and its children closed the terminal */
        size_t take = (size_t)n < outlen - 1 - used ? (size_t)n : outlen - 1 - used;
        memcpy(out + used, buf, take);
        used += take;
        out[used] = '\0';
        if (!answered && strstr(out, prompt)) {
            assert_int_equal(write(master, answer, strlen(answer)), (ssize_t)strlen(answer));
            answered = true;
        }
    }
    close(master);
    return wait_tool(pid);
}

static void test_credential_prompt_reads_the_terminal(void **state)
{
    fx *f = *state;
    exported_with_control(f, "GX_FAKE_PROMPT_ON=1");
    char out[16384];
    int status = run_on_pty(f, (const char *const[]){"apply", "status", NULL},
                            "enter the code:", "424242\n", out, sizeof out);
    if (status != 0)
        fail_msg("apply status on a terminal: %d\n%s", status, out);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s.prompt.1", f->d.log);
    char *seen = read_all(path, NULL);
    assert_non_null(seen);
    long pgrp = 0, tpgid = -1;
    char code[32] = "";
    assert_int_equal(sscanf(seen, "%31s\n%ld %ld", code, &pgrp, &tpgid), 3);
    assert_string_equal(code, "424242");
    assert_int_equal(pgrp, tpgid); /* kubectl had the terminal: its group was in the foreground */
    free(seen);
    assert_non_null(strstr(out, "target 'status' done"));

    /* without a terminal nothing changes: stdin is /dev/null, the prompt reads nothing */
    reset_log(f);
    RUN_EXPECT(f, 0, NULL, NULL, "apply", "status");
    seen = read_all(path, NULL);
    assert_non_null(seen);
    assert_int_equal(seen[0], '\n'); /* nothing read */
    assert_int_equal(sscanf(seen + 1, "%ld %ld", &pgrp, &tpgid), 2);
    assert_int_equal(tpgid, -1); /* no terminal at all */
    free(seen);
}

/* ---- timeouts: each wait gets what remains of the budget ---------------------------- */

static void test_inner_timeout_fires_before_the_budget(void **state)
{
    fx *f = *state;
    init_shared(f);
    MUST(f, "component", "disable", "mcp-gateway");
    /* which call is the gateway's rollout wait: the dry run lists them */
    result r = RUN(f, "apply", "--dry-run");
    assert_int_equal(r.status, 0);
    static char lines[APPLY_MAX_RECORDS][4096];
    size_t nd = plus_lines(r.out, lines, APPLY_MAX_RECORDS), wait_call = 0;
    result_free(&r);
    for (size_t i = 0; i < nd && !wait_call; i++)
        if (strstr(lines[i], "rollout status deployment/glyphoxa-gateway"))
            wait_call = i + 1;
    assert_true(wait_call > 0);
    char control[64];
    snprintf(control, sizeof control, "GX_FAKE_WAIT_ON=%zu", wait_call);
    write_wrappers(f, true, true, (const char *const[]){control, NULL});
    reset_log(f);
    r = RUN(f, "apply", "--timeout", "8");
    static record recs[APPLY_MAX_RECORDS];
    size_t n = read_records(f, recs, APPLY_MAX_RECORDS);
    assert_int_equal(n, wait_call);
    /* 8 s budget, 2 s margin: the wait gets at most 6 s */
    assert_call_equal(recs[n - 1].text, ROLLOUT("gateway", "6"));
    /* the wait's own error ends the target, not the tool's kill */
    if (r.status != 1)
        fail_msg("apply: exit %d, expected the wait's 1\n%s", r.status, r.err);
    assert_non_null(strstr(r.err, "timed out waiting for the condition"));
    assert_null(strstr(r.err, "exceeded its timeout"));
    result_free(&r);
}

/* ---- the deployed release, history and rollback ------------------------------------- */

static json_t *load_json(fx *f, const char *rel)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", f->d.ws, rel);
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    if (!j)
        fail_msg("%s: %s", rel, err.text);
    return j;
}

/* Runs the tool like run; it must exit 0 and print one JSON value. */
static json_t *run_json(fx *f, const char *const *args)
{
    result r = run(f, args);
    if (r.status != 0)
        fail_msg("%s %s: exit status %d\n%s", args[0], args[1] ? args[1] : "", r.status, r.err);
    json_error_t err;
    json_t *j = json_loads(r.out, 0, &err);
    if (!j)
        fail_msg("%s %s: not JSON (%s):\n%s", args[0], args[1] ? args[1] : "", err.text, r.out);
    result_free(&r);
    return j;
}

#define RUN_JSON(f, ...) run_json((f), (const char *const[]){__VA_ARGS__, NULL})

/* The boolean key of .glyphoxa-deploy/deployed: 1 true, 0 false, -1 neither. */
static int deployed_flag(fx *f, const char *key)
{
    json_t *dep = load_json(f, ".glyphoxa-deploy/deployed");
    json_t *v = json_object_get(dep, key);
    int flag = json_is_true(v) ? 1 : json_is_false(v) ? 0 : -1;
    json_decref(dep);
    return flag;
}

static bool ws_exists(fx *f, const char *rel)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", f->d.ws, rel);
    return exists(path);
}

/* Every recorded call ran in dir (below the workspace, "" for itself). */
static void assert_calls_ran_in(fx *f, const char *dir)
{
    static record recs[APPLY_MAX_RECORDS];
    size_t n = read_records(f, recs, APPLY_MAX_RECORDS);
    assert_true(n > 0);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s%s%s", f->d.ws, *dir ? "/" : "", dir);
    for (size_t i = 0; i < n; i++)
        if (strcmp(recs[i].cwd, want))
            fail_msg("call %zu ran in %s, not %s", i + 1, recs[i].cwd, want);
}

/* Asserts mode of every entry below the workspace path rel: dirs 0700, files 0600. */
static void assert_private_tree(fx *f, const char *rel)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", f->d.ws, rel);
    DIR *d = opendir(path);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char sub[PATH_MAX + 128], child[PATH_MAX * 2];
        snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name);
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        struct stat st;
        assert_int_equal(lstat(child, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            if ((st.st_mode & 0777) != 0700)
                fail_msg("%s: mode %04o", sub, st.st_mode & 0777);
            assert_private_tree(f, sub);
        } else if ((st.st_mode & 0777) != 0600) {
            fail_msg("%s: mode %04o", sub, st.st_mode & 0777);
        }
    }
    closedir(d);
}

static void test_state_targets_act_on_the_deployed_release(void **state)
{
    fx *f = *state;
    init_shared(f);

    /* before any deploy: the last export, saying so */
    MUST(f, "export");
    reset_log(f);
    RUN_EXPECT(f, 0, NULL, TEXTS("nothing was deployed from", "acts on the last export"),
               "apply", "stop");
    assert_calls_ran_in(f, "");
    assert_false(ws_exists(f, ".glyphoxa-deploy/deployed"));

    /* a dry run and a failed apply record nothing */
    RUN_EXPECT(f, 0, NULL, NULL, "apply", "--dry-run");
    write_wrappers(f, true, true, (const char *const[]){"GX_FAKE_FAIL_ON=3:5", NULL});
    reset_log(f);
    RUN_EXPECT(f, 5, NULL, NULL, "apply");
    write_wrappers(f, true, true, NULL);
    assert_false(ws_exists(f, ".glyphoxa-deploy/deployed"));
    assert_false(ws_exists(f, ".glyphoxa-deploy/history/1"));

    /* a successful apply records the deployed release and keeps revision 1 */
    apply_ok(f, "default");
    json_t *dep = load_json(f, ".glyphoxa-deploy/deployed");
    assert_int_equal(json_integer_value(json_object_get(dep, "revision")), 1);
    assert_string_equal(json_string_value(json_object_get(dep, "namespace")), "glyphoxa");
    assert_string_equal(json_string_value(json_object_get(dep, "release-name")), "glyphoxa");
    assert_string_equal(json_string_value(json_object_get(dep, "target")), "default");
    assert_true(json_is_string(json_object_get(dep, "tool-version")));
    assert_int_equal(strlen(json_string_value(json_object_get(dep, "time"))), 20);
    assert_int_equal(strlen(json_string_value(json_object_get(dep, "export-hash"))), 64);
    assert_int_equal(json_array_size(json_object_get(dep, "components")), 4);
    assert_true(json_array_size(json_object_get(dep, "files")) > 10);
    json_decref(dep);
    assert_private_tree(f, ".glyphoxa-deploy/history");
    assert_true(ws_exists(f, ".glyphoxa-deploy/history/1/generated/gateway.yaml"));
    assert_true(ws_exists(f, ".glyphoxa-deploy/history/1/scripts/stop.sh"));
    assert_true(ws_exists(f, ".glyphoxa-deploy/history/1/values.yaml"));

    /* values edited and exported since: stop acts on what was deployed */
    MUST(f, "set", "core/release-name=other");
    MUST(f, "export");
    reset_log(f);
    RUN_EXPECT(f, 0, NULL, TEXTS("are ignored"),
               "apply", "stop", "--set", "core/namespace=elsewhere");
    ASSERT_CALLS_IN(f, ".glyphoxa-deploy/history/1", "stop on the deployed release",
                    STOP_CALLS);

    /* applying another release: the old one stays, and how to remove it */
    reset_log(f);
    RUN_EXPECT(f, 0, NULL, TEXTS("the old one stays", ".glyphoxa-deploy/history/1/scripts/destroy.sh"),
               "apply");
    dep = load_json(f, ".glyphoxa-deploy/deployed");
    assert_int_equal(json_integer_value(json_object_get(dep, "revision")), 2);
    assert_string_equal(json_string_value(json_object_get(dep, "release-name")), "other");
    json_decref(dep);
}

static void test_history_and_rollback(void **state)
{
    fx *f = *state;
    init_shared(f);
    apply_ok(f, "default");
    MUST(f, "set", "gateway/replica-count=2");
    apply_ok(f, "default");

    json_t *h = RUN_JSON(f, "history", "--json");
    result r;
    assert_int_equal(json_integer_value(json_object_get(h, "deployed")), 2);
    json_t *revs = json_object_get(h, "revisions");
    assert_int_equal(json_array_size(revs), 2);
    json_t *r1 = json_array_get(revs, 0);
    assert_int_equal(json_integer_value(json_object_get(r1, "revision")), 1);
    assert_int_equal(json_integer_value(json_object_get(r1, "exit-status")), 0);
    assert_true(json_is_false(json_object_get(r1, "deployed")));
    assert_true(json_is_string(json_object_get(r1, "export-hash")));
    assert_true(json_is_array(json_object_get(r1, "components")));
    json_decref(h);

    RUN_EXPECT(f, 0, TEXTS("REVISION", "2 *"), NULL,
               "history");

    r = RUN(f, "history", "diff", "1", "2");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "--- a/generated/gateway.yaml"));
    assert_non_null(strstr(r.out, "-  replicas: 3\n+  replicas: 2\n")); /* as diff -u */
    assert_no_secret(r.out, r.out_len, "history diff");
    result_free(&r);
    RUN_EXPECT(f, 2, NULL, TEXTS("no revision 9"),
               "history", "diff", "1", "9");

    /* rollback --dry-run prints revision 1's commands and records nothing */
    reset_log(f);
    RUN_EXPECT(f, 0, TEXTS("rollout status deployment/glyphoxa-gateway"), TEXTS("rollback to revision 1"),
               "rollback", "--dry-run");
    assert_false(exists(f->d.log));
    assert_false(ws_exists(f, ".glyphoxa-deploy/history/3"));

    /* rollback re-applies revision 1's tree, without rendering, and keeps revision 3 */
    char values_before[PATH_MAX + 32];
    snprintf(values_before, sizeof values_before, "%s/values.yaml", f->d.ws);
    char *before = read_all(values_before, NULL);
    reset_log(f);
    r = RUN(f, "rollback");
    if (r.status != 0)
        fail_msg("rollback: %d %s", r.status, r.err);
    result_free(&r);
    assert_calls_ran_in(f, ".glyphoxa-deploy/history/1");
    char gw[PATH_MAX + 64];
    snprintf(gw, sizeof gw, "%s/.glyphoxa-deploy/history/1/generated/gateway.yaml", f->d.ws);
    char *applied = read_all(gw, NULL);
    assert_non_null(strstr(applied, "replicas: 3"));
    free(applied);
    char *after = read_all(values_before, NULL);
    assert_string_equal(before, after); /* values.yaml untouched */
    free(before);
    free(after);
    json_t *dep = load_json(f, ".glyphoxa-deploy/deployed");
    assert_int_equal(json_integer_value(json_object_get(dep, "revision")), 3);
    assert_int_equal(json_integer_value(json_object_get(dep, "rollback-of")), 1);
    json_decref(dep);
    assert_private_tree(f, ".glyphoxa-deploy/history");

    /* status acts on the deployed revision 3 */
    reset_log(f);
    RUN_EXPECT(f, 0, NULL, NULL, "apply", "status");
    assert_calls_ran_in(f, ".glyphoxa-deploy/history/3");

    /* core/history-limit keeps the newest N */
    MUST(f, "set", "core/history-limit=2");
    apply_ok(f, "default");
    assert_false(ws_exists(f, ".glyphoxa-deploy/history/1"));
    assert_false(ws_exists(f, ".glyphoxa-deploy/history/2"));
    assert_true(ws_exists(f, ".glyphoxa-deploy/history/3"));
    assert_true(ws_exists(f, ".glyphoxa-deploy/history/4"));
    RUN_EXPECT(f, 1, NULL, TEXTS("no revision 1"),
               "rollback", "1");

    /* a successful destroy ends the deployed record */
    RUN_EXPECT(f, 0, NULL, NULL, "apply", "destroy", "--yes");
    assert_false(ws_exists(f, ".glyphoxa-deploy/deployed"));
}

/* ---- deletes, shared and cluster-wide objects, destroy confirmation ------------------- */

static void test_objects_of_another_release_are_not_taken_over(void **state)
{
    fx *f = *state;
    init_shared(f);
    /* call 3 is the owner check (after the namespace's get and apply) */
    write_wrappers(f, true, true,
                   (const char *const[]){"GX_FAKE_STDOUT_CALL_3=Deployment glyphoxa-gateway other\n"
                                         "Secret glyphoxa-secrets glyphoxa\n"
                                         "ConfigMap glyphoxa-config <none>",
                                         NULL});
    reset_log(f);
    result r = RUN(f, "apply");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "belong to another release: "
                                  "Deployment/glyphoxa-gateway (release other)"));
    assert_null(strstr(r.err, "glyphoxa-secrets")); /* its own, and unlabelled ones, are fine */
    assert_int_equal(record_count(f), 3);             /* nothing applied after the check */
    result_free(&r);
    assert_false(ws_exists(f, ".glyphoxa-deploy/deployed"));

    /* --adopt takes them over */
    reset_log(f);
    r = RUN(f, "apply", "--adopt");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "taking over objects of another release (adopt): "
                                  "Deployment/glyphoxa-gateway (release other)"));
    assert_int_equal(record_count(f), 16);
    result_free(&r);
    r = RUN(f, "apply", "stop", "--adopt");
    assert_int_equal(r.status, 2); /* an option of another target */
    result_free(&r);

    /* the default ServiceAccount follows the release */
    MUST(f, "set", "core/release-name=voice");
    r = RUN(f, "get", "gateway/service-account/name");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "voice-gateway\n");
    result_free(&r);
}

static void test_a_shared_namespace_is_left_alone(void **state)
{
    fx *f = *state;
    init_shared(f);
    /* the namespace exists already (someone else's): not applied, not labelled */
    write_wrappers(f, true, true,
                   (const char *const[]){"GX_FAKE_STDOUT_CALL_1=namespace/glyphoxa", NULL});
    reset_log(f);
    RUN_EXPECT(f, 0, TEXTS("exists and was not created by this workspace"), NULL,
               "apply");
    static record recs[APPLY_MAX_RECORDS];
    size_t n = read_records(f, recs, APPLY_MAX_RECORDS);
    assert_int_equal(n, 15);
    for (size_t i = 0; i < n; i++)
        assert_null(strstr(recs[i].text, "namespace.yaml"));
    assert_int_equal(deployed_flag(f, "namespace-created"), 0);
    /* and destroy --delete-namespace keeps it */
    reset_log(f);
    RUN_EXPECT(f, 0, TEXTS("was not created by this workspace"), NULL,
               "apply", "destroy", "--delete-namespace", "--yes");
    n = read_records(f, recs, APPLY_MAX_RECORDS);
    for (size_t i = 0; i < n; i++)
        assert_null(strstr(recs[i].text, "delete namespace"));

    /* a namespace the tool created is recorded, and applied again later */
    write_wrappers(f, true, true, NULL);
    apply_ok(f, "default");
    assert_int_equal(deployed_flag(f, "namespace-created"), 1);
    write_wrappers(f, true, true,
                   (const char *const[]){"GX_FAKE_STDOUT_CALL_1=namespace/glyphoxa", NULL});
    apply_ok(f, "default");
    n = read_records(f, recs, APPLY_MAX_RECORDS);
    assert_call_equal(recs[1].text, APPLY_FILE("namespace.yaml"));
    assert_int_equal(deployed_flag(f, "namespace-created"), 1); /* still ours */
}

static void test_sealed_secrets_controller_is_shared(void **state)
{
    fx *f = *state;
    init_dedicated_infra(f);
    /* a controller is there already (call 4: its CRD), not installed by this workspace */
    write_wrappers(f, true, true,
                   (const char *const[]){
                       "GX_FAKE_STDOUT_CALL_4=customresourcedefinition.apiextensions.k8s.io/"
                       "sealedsecrets.bitnami.com",
                       NULL});
    reset_log(f);
    RUN_EXPECT(f, 0, TEXTS("installed already, not by this workspace: left as it is"), NULL,
               "apply", "infrastructure");
    static record recs[APPLY_MAX_RECORDS];
    size_t n = read_records(f, recs, APPLY_MAX_RECORDS);
    assert_int_equal(n, 4);
    assert_call_equal(recs[3].text, GET_SEALED_SECRETS_CRD);
    assert_int_equal(deployed_flag(f, "sealed-secrets-installed"), 0);

    /* none there: installed, and recorded as this workspace's */
    write_wrappers(f, true, true, NULL);
    apply_ok(f, "infrastructure");
    assert_int_equal(record_count(f), 5);
    assert_int_equal(deployed_flag(f, "sealed-secrets-installed"), 1);
    /* there now, but ours: upgraded */
    write_wrappers(f, true, true,
                   (const char *const[]){"GX_FAKE_STDOUT_CALL_4=customresourcedefinition/x", NULL});
    apply_ok(f, "infrastructure");
    assert_int_equal(record_count(f), 5);

    /* destroy keeps it, unless asked */
    write_wrappers(f, true, true, NULL);
    apply_ok(f, "destroy");
    n = read_records(f, recs, APPLY_MAX_RECORDS);
    for (size_t i = 0; i < n; i++)
        assert_null(strstr(recs[i].text, "uninstall sealed-secrets"));
    apply_ok(f, "default"); /* deployed again */
    reset_log(f);
    RUN_EXPECT(f, 0, NULL, NULL, "apply", "destroy", "--yes", "--uninstall-sealed-secrets");
    n = read_records(f, recs, APPLY_MAX_RECORDS);
    assert_call_equal(recs[n - 1].text, "helm uninstall sealed-secrets --namespace=kube-system "
                                        "--ignore-not-found --wait --timeout=108s");
}

static void test_destroy_asks(void **state)
{
    fx *f = *state;
    init_shared(f);
    apply_ok(f, "default");
    /* without a terminal it needs --yes */
    reset_log(f);
    RUN_EXPECT(f, 1, NULL, TEXTS("must be confirmed; nothing was deleted", "apply destroy --yes"),
               "apply", "destroy");
    assert_false(exists(f->d.log));
    /* a dry run needs no confirmation */
    RUN_EXPECT(f, 0, NULL, NULL, "apply", "destroy", "--dry-run");

    /* on a terminal: the namespace has to be typed */
    char out[16384];
    int status = run_on_pty(f, (const char *const[]){"apply", "destroy", NULL},
                            "type the namespace to confirm", "glyphoxa-staging\n", out,
                            sizeof out);
    assert_int_equal(status, 1);
    assert_non_null(strstr(out, "was not confirmed"));
    assert_false(exists(f->d.log));
    status = run_on_pty(f, (const char *const[]){"apply", "destroy", NULL},
                        "type the namespace to confirm", "glyphoxa\n", out, sizeof out);
    if (status != 0)
        fail_msg("confirmed destroy: %d\n%s", status, out);
    assert_true(record_count(f) >= 3);
    assert_false(ws_exists(f, ".glyphoxa-deploy/deployed"));
}

/* ---- the lock, core dumps, -C ------------------------------------------------------- */

/* spawn_tool with its stdout and stderr in f->d.dir/NAME.out and NAME.err, and
 * the core file limit raised (the tool must turn core dumps off itself) */
static pid_t start_tool_named(fx *f, const char *name, const char *const *args)
{
    return spawn_tool(f, &(spawn_opts){.name = name, .raise_core_limit = true}, args);
}

static char *named_output(fx *f, const char *name, const char *ext)
{
    return read_at(NULL, "%s/%s.%s", f->d.dir, name, ext);
}

static void test_waiting_for_the_lock_says_who_holds_it(void **state)
{
    fx *f = *state;
    init_shared(f);
    /* apply holds the workspace lock while its script runs; its first call hangs */
    write_wrappers(f, true, true, (const char *const[]){"GX_FAKE_HANG_ON=1", NULL});
    reset_log(f);
    pid_t holder = start_tool_named(f, "holder", (const char *const[]){"apply", NULL});
    long fake, sleeper;
    wait_hang(f, 1, &fake, &sleeper);
    char lock[PATH_MAX + 64];
    snprintf(lock, sizeof lock, "%s/.glyphoxa-deploy/lock", f->d.ws);
    char *note = read_all(lock, NULL);
    char want[128];
    snprintf(want, sizeof want, "%ld glyphoxa-deploy apply default\n", (long)holder);
    assert_string_equal(note, want);
    free(note);

    pid_t waiter = start_tool_named(f, "waiter",
                                    (const char *const[]){"set", "gateway/replica-count=2", NULL});
    char *err = NULL;
    for (int i = 0; i < 100; i++) { /* it says so after a second */
        pause_ms(50);
        free(err);
        err = named_output(f, "waiter", "err");
        if (strstr(err, "waiting for the workspace lock"))
            break;
    }
    snprintf(want, sizeof want, "held by pid %ld (glyphoxa-deploy apply default)", (long)holder);
    if (!strstr(err, want))
        fail_msg("the waiter said: %s", err);
    free(err);
    int st;
    assert_int_equal(waitpid(waiter, &st, WNOHANG), 0); /* still waiting */

    assert_int_equal(kill(holder, SIGTERM), 0);
    assert_int_equal(wait_tool(holder), 143);
    assert_int_equal(wait_tool(waiter), 0);
    note = read_all(lock, NULL);
    assert_string_equal(note, ""); /* cleared by its holder */
    free(note);
    process_gone(fake);
    process_gone(sleeper);
}

static void test_no_core_dumps(void **state)
{
    fx *f = *state;
    exported_with_control(f, "GX_FAKE_HANG_ON=1");
    pid_t tool = start_tool_named(f, "crash", (const char *const[]){"apply", "status", NULL});
    long fake, sleeper;
    wait_hang(f, 1, &fake, &sleeper);
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/limits", (long)tool);
    char *limits = read_all(path, NULL);
    assert_non_null(limits);
    char *line = strstr(limits, "Max core file size");
    assert_non_null(line);
    long soft = -1, hard = -1;
    assert_int_equal(sscanf(line + strlen("Max core file size"), "%ld %ld", &soft, &hard), 2);
    assert_int_equal(soft, 0);
    assert_int_equal(hard, 0);
    free(limits);
    /* a crash leaves no core (the test raised the limit before exec) */
    /* SIGABRT: its default action dumps core (a sanitizer build handles SIGSEGV itself) */
    assert_int_equal(kill(tool, SIGABRT), 0);
    int st;
    while (waitpid(tool, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    assert_false(WCOREDUMP(st));
    kill((pid_t)fake, SIGKILL);
    kill((pid_t)sleeper, SIGKILL);
}

static void test_workspace_typo_is_named(void **state)
{
    fx *f = *state;
    init_shared(f);
    char saved[sizeof f->d.ws];
    memcpy(saved, f->d.ws, sizeof saved);
    snprintf(f->d.ws, sizeof f->d.ws, "%s/wss", f->d.dir); /* -C wss for ws */
    const char *commands[][3] = {{"apply", NULL, NULL},  {"apply", "status", NULL},
                                 {"history", NULL, NULL}, {"rollback", NULL, NULL},
                                 {"export", NULL, NULL}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        result r = run(f, commands[i]);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "no workspace in"));
        assert_non_null(strstr(r.err, "/wss"));
        result_free(&r);
        assert_false(exists(f->d.ws)); /* nothing created for the typo */
    }
    memcpy(f->d.ws, saved, sizeof saved);
}

/* ---- export says what changed; modes and links -------------------------------------- */

static void ws_stat(fx *f, const char *rel, struct stat *st)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", f->d.ws, rel);
    assert_int_equal(stat(path, st), 0);
}

static void test_export_says_what_changed(void **state)
{
    fx *f = *state;
    init_shared(f);
    RUN_EXPECT(f, 0, TEXTS("17 files: 17 changed, 0 unchanged\n"), NULL,
               "export");
    result r;

    /* the same output again: nothing is written, file times stay */
    struct stat gw1, cfg1, rec1, gw2, cfg2, rec2;
    ws_stat(f, "generated/gateway.yaml", &gw1);
    ws_stat(f, "generated/config.yaml", &cfg1);
    ws_stat(f, ".glyphoxa-deploy/last-export", &rec1);
    r = RUN(f, "export");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "17 files: 0 changed, 17 unchanged\n");
    result_free(&r);
    ws_stat(f, "generated/gateway.yaml", &gw2);
    ws_stat(f, ".glyphoxa-deploy/last-export", &rec2);
    assert_int_equal(gw1.st_ino, gw2.st_ino);
    assert_true(gw1.st_mtim.tv_sec == gw2.st_mtim.tv_sec &&
                gw1.st_mtim.tv_nsec == gw2.st_mtim.tv_nsec);
    assert_int_equal(rec1.st_ino, rec2.st_ino);

    /* one value changed: one file written, the others kept as they were */
    MUST(f, "set", "gateway/replica-count=2");
    r = RUN(f, "export");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "/generated/gateway.yaml (0644)\n"));
    assert_non_null(strstr(r.out, "17 files: 1 changed, 16 unchanged\n"));
    assert_null(strstr(r.out, "config.yaml"));
    result_free(&r);
    ws_stat(f, "generated/config.yaml", &cfg2);
    assert_int_equal(cfg1.st_ino, cfg2.st_ino);
    assert_true(cfg1.st_mtim.tv_sec == cfg2.st_mtim.tv_sec &&
                cfg1.st_mtim.tv_nsec == cfg2.st_mtim.tv_nsec);

    /* --quiet says nothing; --json lists each file with changed */
    r = RUN(f, "export", "--quiet");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    result_free(&r);
    MUST(f, "set", "gateway/replica-count=4");
    json_t *j = RUN_JSON(f, "export", "--json");
    assert_int_equal(json_integer_value(json_object_get(j, "files")), 17);
    assert_int_equal(json_integer_value(json_object_get(j, "changed")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "unchanged")), 16);
    json_t *list = json_object_get(j, "list");
    assert_int_equal(json_array_size(list), 17);
    size_t changed = 0;
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *e = json_array_get(list, i);
        if (json_is_true(json_object_get(e, "changed"))) {
            changed++;
            assert_non_null(strstr(json_string_value(json_object_get(e, "path")),
                                   "generated/gateway.yaml"));
        }
        assert_true(json_is_string(json_object_get(e, "mode")));
    }
    assert_int_equal(changed, 1);
    json_decref(j);
}

static void test_modes_links_and_the_state_directory(void **state)
{
    fx *f = *state;
    init_shared(f);
    /* non-secret files honour the umask; files with secrets are owner-only */
    mode_t old = umask(027);
    result r = RUN(f, "export");
    umask(old);
    assert_int_equal(r.status, 0);
    result_free(&r);
    struct stat st;
    ws_stat(f, "generated/gateway.yaml", &st);
    assert_int_equal(st.st_mode & 0777, 0640);
    ws_stat(f, "scripts/apply.sh", &st);
    assert_int_equal(st.st_mode & 0777, 0750);
    ws_stat(f, "generated/secrets.yaml", &st);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* and so do the directories export creates */
    static const char *const dirs[] = {"generated", "scripts"};
    for (size_t i = 0; i < 2; i++) {
        ws_stat(f, dirs[i], &st);
        assert_int_equal(st.st_mode & 0777, 0750);
    }
    json_t *rec = load_json(f, ".glyphoxa-deploy/last-export");
    json_t *files = json_object_get(rec, "files");
    for (size_t i = 0; i < json_array_size(files); i++) {
        json_t *e = json_array_get(files, i);
        if (!strcmp(json_string_value(json_object_get(e, "path")), "generated/gateway.yaml"))
            assert_string_equal(json_string_value(json_object_get(e, "mode")), "0640");
    }
    json_decref(rec);

    /* a symlinked values.yaml is written through; the link stays a link */
    char link_path[PATH_MAX + 32], real[PATH_MAX + 32];
    snprintf(link_path, sizeof link_path, "%s/values.yaml", f->d.ws);
    snprintf(real, sizeof real, "%s/kept-values.yaml", f->d.dir);
    assert_int_equal(rename(link_path, real), 0);
    assert_int_equal(symlink("../kept-values.yaml", link_path), 0);
    MUST(f, "set", "gateway/replica-count=2");
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    char *text = read_all(real, NULL);
    assert_non_null(strstr(text, "replica-count: 2"));
    free(text);

    /* a state directory others could change is refused by writers */
    char state_dir[PATH_MAX + 32];
    snprintf(state_dir, sizeof state_dir, "%s/.glyphoxa-deploy", f->d.ws);
    assert_int_equal(chmod(state_dir, 0777), 0);
    RUN_EXPECT(f, 1, NULL, TEXTS("is writable by other users (mode 0777)"),
               "set", "gateway/replica-count=3");
    r = RUN(f, "get", "gateway/replica-count"); /* a reader is not affected */
    assert_int_equal(r.status, 0);
    result_free(&r);
    assert_int_equal(chmod(state_dir, 0700), 0);
    if (geteuid() == 0) {
        assert_int_equal(chown(state_dir, 12345, 12345), 0);
        RUN_EXPECT(f, 1, NULL, TEXTS("belongs to another user (uid 12345)"),
                   "export");
        assert_int_equal(chown(state_dir, 0, 0), 0);
    }
    MUST(f, "set", "gateway/replica-count=3");
}

static void test_timeout_takes_durations(void **state)
{
    fx *f = *state;
    init_shared(f);
    MUST(f, "export");
    static const struct {
        const char *text;
        int seconds;
    } good[] = {{"90", 90}, {"90s", 90}, {"5m", 300}, {"1h30m", 5400}, {"2m30s", 150},
                {"1h", 3600}, {"168h", 604800}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        result r = RUN(f, "apply", "status", "--dry-run", "--timeout", good[i].text);
        assert_int_equal(r.status, 0);
        char want[64];
        snprintf(want, sizeof want, "(timeout %d s)", good[i].seconds);
        if (!strstr(r.err, want))
            fail_msg("--timeout %s: %s", good[i].text, r.err);
        result_free(&r);
    }
    static const char *const bad[] = {"0", "1h30", "30s5m", "5x", "", "m", "169h", "1.5m", "-5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        result r = RUN(f, "apply", "status", "--dry-run", "--timeout", bad[i]);
        if (r.status != 2)
            fail_msg("--timeout '%s' gave %d", bad[i], r.status);
        assert_non_null(strstr(r.err, "--timeout needs seconds or a duration"));
        result_free(&r);
    }
    RUN_EXPECT(f, 2, NULL, NULL, "rollback", "--dry-run", "--timeout", "1x");
}

int main(void)
{
    struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_defaults_every_target),
        cmocka_unit_test(test_dedicated_with_infrastructure_every_target),
        cmocka_unit_test(test_switched_off_component_is_deleted_by_next_apply),
        cmocka_unit_test(test_failing_command_stops_with_its_status),
        cmocka_unit_test(test_timeout_kills_the_group),
        cmocka_unit_test(test_blocking_validation_runs_nothing),
        cmocka_unit_test(test_dry_run_prints_every_command_and_runs_none),
        cmocka_unit_test(test_missing_tools_are_named_with_the_target),
        cmocka_unit_test(test_status_without_infrastructure_needs_no_helm),
        cmocka_unit_test(test_targets_without_export_say_so),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_kubeconfig_context_and_delete_namespace),
        cmocka_unit_test(test_diff_exit_status),
        cmocka_unit_test(test_status_shows_everything_then_fails),
        cmocka_unit_test(test_no_secrets_export_is_refused_by_the_script),
        cmocka_unit_test(test_scripts_run_by_hand_from_anywhere),
        cmocka_unit_test(test_no_secret_reaches_argv_env_stdin_or_scripts),
        /* issue #9 */
        cmocka_unit_test(test_child_environment_is_the_operators),
        cmocka_unit_test(test_fakes_record_what_they_claim),
        cmocka_unit_test(test_missing_script_runs_nothing),
        cmocka_unit_test(test_sigint_is_passed_on_to_the_group),
        cmocka_unit_test(test_sigterm_and_sighup_are_passed_on_to_the_group),
        cmocka_unit_test(test_second_sigint_kills_the_group),
        cmocka_unit_test(test_killed_tool_takes_the_script_along),
        /* issue #9: SIGQUIT, and prompts on a terminal */
        cmocka_unit_test(test_sigquit_kills_the_target_group),
        cmocka_unit_test(test_credential_prompt_reads_the_terminal),
        cmocka_unit_test(test_inner_timeout_fires_before_the_budget),
        cmocka_unit_test(test_state_targets_act_on_the_deployed_release),
        cmocka_unit_test(test_history_and_rollback),
        cmocka_unit_test(test_objects_of_another_release_are_not_taken_over),
        cmocka_unit_test(test_a_shared_namespace_is_left_alone),
        cmocka_unit_test(test_sealed_secrets_controller_is_shared),
        cmocka_unit_test(test_destroy_asks),
        cmocka_unit_test(test_waiting_for_the_lock_says_who_holds_it),
        cmocka_unit_test(test_no_core_dumps),
        cmocka_unit_test(test_workspace_typo_is_named),
        cmocka_unit_test(test_export_says_what_changed),
        cmocka_unit_test(test_timeout_takes_durations),
        cmocka_unit_test(test_modes_links_and_the_state_directory),
    };
    /* every test with a fresh fixture; GX_TEST_FILTER='test_sig*' runs some */
    return GX_TEST_RUN_SUITE("tests", tests, setup, teardown);
}
