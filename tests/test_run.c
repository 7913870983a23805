/* Tests of gx_run: the script runner (exit status, timeout and group kill,
 * signal forwarding, child output, environment and directory) and executable
 * lookup, with toy scripts that call the recording fakes of tests/fakes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "gx_test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gx_arena.h"
#include "gx_diag.h"
#include "gx_run.h"

static const char *source_dir(void)
{
#ifdef GX_SOURCE_DIR
    return GX_SOURCE_DIR;
#else
    const char *s = getenv("GX_SOURCE_DIR");
    return s ? s : ".";
#endif
}

/* ---- fixture ------------------------------------------------------------ */

typedef struct fx {
    char ws[64];             /* the workspace, from mkdtemp */
    char real_ws[PATH_MAX];  /* the same, symlinks resolved */
    char log[PATH_MAX];      /* GX_FAKE_LOG */
    char fakes[PATH_MAX];    /* tests/fakes */
    char path[PATH_MAX + 32];/* PATH of the child */
    char kubectl[PATH_MAX];
    char helm[PATH_MAX];
    gx_arena *arena;
    gx_diags diags;
    char *status;            /* what the runner printed to status_out */
    size_t status_len;
    FILE *status_out;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->ws, sizeof f->ws, "/tmp/gx-run-test-XXXXXX");
    assert_non_null(mkdtemp(f->ws));
    assert_non_null(realpath(f->ws, f->real_ws));
    char scripts[PATH_MAX];
    snprintf(scripts, sizeof scripts, "%s/scripts", f->ws);
    assert_int_equal(mkdir(scripts, 0755), 0);
    snprintf(f->log, sizeof f->log, "%s/fake.log", f->ws);
    snprintf(f->fakes, sizeof f->fakes, "%s/tests/fakes", source_dir());
    snprintf(f->path, sizeof f->path, "%s:/usr/bin:/bin", f->fakes);
    assert_true(gx_run_find_executable("kubectl", f->path, f->kubectl, sizeof f->kubectl));
    assert_true(gx_run_find_executable("helm", f->path, f->helm, sizeof f->helm));
    f->arena = gx_arena_new();
    gx_diags init = GX_DIAGS_INIT;
    f->diags = init;
    f->status_out = open_memstream(&f->status, &f->status_len);
    assert_non_null(f->status_out);
    *state = f;
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    fx *f = *state;
    signal(SIGCHLD, SIG_DFL); /* in case a failed test left it changed */
    nftw(f->ws, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    fclose(f->status_out);
    free(f->status);
    gx_diags_free(&f->diags);
    gx_arena_free(f->arena);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs(text, out);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(chmod(path, mode), 0);
}

/* Writes scripts/<name> into the workspace and returns its relative path. */
static const char *script(fx *f, const char *name, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/scripts/%s", f->ws, name);
    write_file(path, text, 0644);
    return gx_arena_printf(f->arena, "scripts/%s", name);
}

/* Path of a file in the workspace (arena). */
static const char *ws_file(fx *f, const char *name)
{
    return gx_arena_printf(f->arena, "%s/%s", f->ws, name);
}

/* The whole file, NUL-terminated, in the arena; NULL when it cannot be read. */
static char *read_all(fx *f, const char *path, size_t *len)
{
    size_t n;
    char *data = gx_test_read_file(path, &n);
    if (!data)
        return NULL;
    char *copy = gx_arena_strndup(f->arena, data, n);
    free(data);
    if (len)
        *len = n;
    return copy;
}

/* The child environment used by most tests: the fakes first on PATH, the log,
 * and extra NAME=VALUE entries (NULL-terminated varargs). */
static const char *const *child_env(fx *f, ...)
{
    const char *extra[16];
    size_t n = 0;
    extra[n++] = gx_arena_printf(f->arena, "GX_FAKE_LOG=%s", f->log);
    va_list ap;
    va_start(ap, f);
    const char *e;
    while ((e = va_arg(ap, const char *)) != NULL && n < 15)
        extra[n++] = e;
    va_end(ap);
    extra[n] = NULL;
    gx_run_env_spec spec = {
        .target = "test",
        .path = f->path,
        .kubectl = f->kubectl,
        .helm = f->helm,
        .timeout_seconds = 10,
        .extra = extra,
    };
    return gx_run_build_env(f->arena, &spec, (const char *const *)environ);
}

static gx_run_opts opts_for(fx *f, const char *script_path, int timeout,
                            const char *const *env)
{
    gx_run_opts o = {
        .target = "test",
        .workspace = f->ws,
        .script = script_path,
        .timeout_seconds = timeout,
        .env = env,
        .status_out = f->status_out,
    };
    return o;
}

static int run(fx *f, const char *script_path, int timeout, const char *const *env)
{
    gx_run_opts o = opts_for(f, script_path, timeout, env);
    return gx_run_script(&o, &f->diags);
}

static const char *status_text(fx *f)
{
    fflush(f->status_out);
    return f->status ? f->status : "";
}

/* Number of records (lines) in the fake log; *lines gets them (arena). */
static size_t records(fx *f, char ***lines)
{
    char *text = read_all(f, f->log, NULL);
    size_t count = 0;
    char **out = gx_arena_alloc(f->arena, 64 * sizeof *out);
    for (char *p = text; p && *p && count < 64;) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl);
        *nl = '\0';
        out[count++] = p;
        p = nl + 1;
    }
    if (lines)
        *lines = out;
    return count;
}

static bool process_gone(pid_t pid)
{
    return kill(pid, 0) < 0 && errno == ESRCH;
}

static pid_t read_pid(fx *f, const char *name)
{
    char *text = read_all(f, ws_file(f, name), NULL);
    assert_non_null(text);
    return (pid_t)atol(text);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool same_sigmask(const sigset_t *a, const sigset_t *b)
{
    for (int s = 1; s < SIGRTMIN; s++)
        if (sigismember(a, s) != sigismember(b, s))
            return false;
    return true;
}

/* ---- exit status -------------------------------------------------------- */

static void test_exit_status_passes_through(void **state)
{
    fx *f = *state;
    sigset_t before, after;
    sigprocmask(SIG_SETMASK, NULL, &before);

    assert_int_equal(run(f, script(f, "seven.sh", "exit 7\n"), 10, child_env(f, NULL)), 7);
    assert_int_equal(run(f, script(f, "zero.sh", "true\n"), 10, child_env(f, NULL)), 0);
    /* ended by a signal: 128 + n */
    assert_int_equal(run(f, script(f, "usr1.sh", "kill -USR1 $$\nsleep 5\n"), 10,
                         child_env(f, NULL)),
                     128 + SIGUSR1);
    assert_int_equal(f->diags.count, 0);
    assert_string_equal(status_text(f), "");

    sigprocmask(SIG_SETMASK, NULL, &after);
    assert_true(same_sigmask(&before, &after));
}

static void test_ignored_sigchld_in_caller(void **state)
{
    fx *f = *state;
    struct sigaction ign, old, now;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGCHLD, &ign, &old);

    assert_int_equal(run(f, script(f, "three.sh", "exit 3\n"), 10, child_env(f, NULL)), 3);

    sigaction(SIGCHLD, NULL, &now);
    assert_true(now.sa_handler == SIG_IGN); /* restored */
    sigaction(SIGCHLD, &old, NULL);
}

static void test_failing_command_stops_the_script(void **state)
{
    fx *f = *state;
    const char *s = script(f, "three-calls.sh",
                           "set -euo pipefail\n"
                           "kubectl get pods -n ns\n"
                           "helm status rel\n"
                           "kubectl apply -f generated\n");
    int rc = run(f, s, 10, child_env(f, "GX_FAKE_FAIL_ON=2:5", NULL));
    assert_int_equal(rc, 5);
    assert_int_equal(f->diags.count, 0);

    char **lines;
    assert_int_equal(records(f, &lines), 2);
    const char *want1 = gx_arena_printf(f->arena, "1\tkubectl\t%s\t-\tget\tpods\t-n\tns",
                                        f->real_ws);
    const char *want2 = gx_arena_printf(f->arena, "2\thelm\t%s\t-\tstatus\trel", f->real_ws);
    assert_string_equal(lines[0], want1);
    assert_string_equal(lines[1], want2);
}

/* ---- timeout ------------------------------------------------------------ */

static void test_timeout_kills_the_whole_group(void **state)
{
    fx *f = *state;
    const char *s = script(f, "hang.sh",
                           "echo $$ > leader.pid\n"
                           "kubectl rollout status deployment/x\n"
                           "echo after > after\n");
    int64_t start = now_ms();
    int rc = run(f, s, 1, child_env(f, "GX_FAKE_HANG_ON=1", NULL));
    int64_t took = now_ms() - start;

    assert_int_equal(rc, GX_RUN_TIMED_OUT);
    assert_int_equal(f->diags.count, 0);
    assert_non_null(strstr(status_text(f),
                           "glyphoxa-deploy: target 'test' exceeded its timeout of 1 s; killed\n"));
    assert_true(took < 8000); /* generous: 1 s timeout plus at most the grace */

    char *pids = read_all(f, gx_arena_printf(f->arena, "%s.hang.1", f->log), NULL);
    assert_non_null(pids);
    long fake_pid = 0, sleep_pid = 0;
    assert_int_equal(sscanf(pids, "%ld %ld", &fake_pid, &sleep_pid), 2);
    pid_t leader = read_pid(f, "leader.pid");
    assert_true(fake_pid > 0 && sleep_pid > 0 && leader > 0);
    assert_true(process_gone((pid_t)fake_pid));
    assert_true(process_gone((pid_t)sleep_pid));
    assert_true(process_gone(leader));
    assert_true(process_gone(-leader)); /* the whole group */
    assert_null(read_all(f, ws_file(f, "after"), NULL));
    assert_int_equal(records(f, NULL), 1);
}

static void test_timeout_escalates_to_sigkill(void **state)
{
    fx *f = *state;
    /* SIGTERM is ignored by the script and, inherited, by its sleep. */
    const char *s = script(f, "stubborn.sh",
                           "trap '' TERM\n"
                           "echo $$ > leader.pid\n"
                           "sleep 1000 &\n"
                           "echo $! > bg.pid\n"
                           "wait\n");
    gx_run_opts o = opts_for(f, s, 1, child_env(f, NULL));
    o.grace_ms = 300;
    assert_int_equal(gx_run_script(&o, &f->diags), GX_RUN_TIMED_OUT);
    const char *text = status_text(f);
    assert_non_null(strstr(text, "did not stop within 300 ms of SIGTERM; sending SIGKILL"));
    assert_non_null(strstr(text, "exceeded its timeout of 1 s; killed"));
    assert_true(process_gone(read_pid(f, "bg.pid")));
    assert_true(process_gone(-read_pid(f, "leader.pid")));
}

static void test_leftover_processes_are_stopped(void **state)
{
    fx *f = *state;
    const char *s = script(f, "leaves.sh", "sleep 1000 &\necho $! > bg.pid\nexit 0\n");
    assert_int_equal(run(f, s, 10, child_env(f, NULL)), 0);
    assert_non_null(strstr(status_text(f), "target 'test' left processes running"));
    assert_true(process_gone(read_pid(f, "bg.pid")));
}

/* ---- signal forwarding -------------------------------------------------- */

/* Runs the script with the runner in a forked child, sends sig to that child
 * once the script has written its pid (its process group) to "ready" (and
 * then second, when not 0, once the script has written "marker"), and returns
 * the child's exit status. On failure both are killed. */
static int run_forwarding(fx *f, const char *script_path, int sig, int second)
{
    const char *const *env = child_env(f, NULL);
    const char *ready = ws_file(f, "ready");
    const char *status_path = ws_file(f, "status.txt");
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        FILE *out = fopen(status_path, "w");
        gx_diags diags = GX_DIAGS_INIT;
        gx_run_opts o = opts_for(f, script_path, 20, env);
        o.status_out = out;
        int rc = gx_run_script(&o, &diags);
        if (out)
            fclose(out);
        _exit(diags.count ? 99 : rc);
    }
    int64_t end = now_ms() + 10000;
    while (access(ready, F_OK) != 0 && now_ms() < end) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(access(ready, F_OK), 0);
    assert_int_equal(kill(child, sig), 0);
    if (second) {
        const char *marker = ws_file(f, "marker");
        end = now_ms() + 10000;
        while (access(marker, F_OK) != 0 && now_ms() < end) {
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
        }
        assert_int_equal(access(marker, F_OK), 0);
        assert_int_equal(kill(child, second), 0);
    }

    int st = 0;
    pid_t r = 0;
    end = now_ms() + 15000;
    while ((r = waitpid(child, &st, WNOHANG)) == 0 && now_ms() < end) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (r == 0) {
        kill(child, SIGKILL);
        waitpid(child, &st, 0);
        pid_t group = read_pid(f, "ready");
        if (group > 0)
            kill(-group, SIGKILL);
        fail_msg("the runner did not return after a forwarded signal");
    }
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void test_sigint_is_forwarded_to_the_group(void **state)
{
    fx *f = *state;
    const char *s = script(f, "trap-int.sh",
                           "trap 'echo got-int > marker; exit 42' INT\n"
                           "echo $$ > ready.tmp && mv ready.tmp ready\n"
                           "while :; do sleep 0.05; done\n");
    assert_int_equal(run_forwarding(f, s, SIGINT, 0), 42);
    char *marker = read_all(f, ws_file(f, "marker"), NULL);
    assert_non_null(marker);
    assert_string_equal(marker, "got-int\n");
    char *status = read_all(f, ws_file(f, "status.txt"), NULL);
    assert_non_null(status);
    assert_non_null(strstr(status, "received SIGINT; passed it on to target 'test'"));
}

static void test_sigterm_is_forwarded_to_the_group(void **state)
{
    fx *f = *state;
    const char *s = script(f, "plain.sh", "echo $$ > ready.tmp && mv ready.tmp ready\n"
                                          "while :; do sleep 0.05; done\n");
    assert_int_equal(run_forwarding(f, s, SIGTERM, 0), 128 + SIGTERM);
}

static void test_second_sigint_kills_the_group(void **state)
{
    fx *f = *state;
    /* the script survives SIGINT (and so does its background sleep) */
    const char *s = script(f, "int-twice.sh",
                           "trap 'echo got-int > marker' INT\n"
                           "sleep 1000 &\n"
                           "echo $! > bg.pid\n"
                           "echo $$ > ready.tmp && mv ready.tmp ready\n"
                           "while :; do sleep 0.05; done\n");
    assert_int_equal(run_forwarding(f, s, SIGINT, SIGINT), 128 + SIGKILL);
    char *status = read_all(f, ws_file(f, "status.txt"), NULL);
    assert_non_null(status);
    assert_non_null(strstr(status, "received SIGINT; passed it on to target 'test'"));
    assert_non_null(strstr(status, "received SIGINT again; sent SIGKILL to target 'test'"));
    assert_true(process_gone(read_pid(f, "bg.pid")));
    assert_true(process_gone(-read_pid(f, "ready")));
}

/* ---- output ------------------------------------------------------------- */

typedef struct lines {
    fx *f;
    size_t count;
    int stream[16];
    const char *text[16];
} lines;

static void collect_line(void *ctx, int stream, const char *line, size_t len)
{
    lines *l = ctx;
    if (l->count < 16) {
        l->stream[l->count] = stream;
        l->text[l->count++] = gx_arena_strndup(l->f->arena, line, len);
    }
}

/* Runs the script with fd 1 and 2 redirected to files, whose contents are
 * returned in *out and *err (arena). */
static int run_redirected(fx *f, gx_run_opts *o, char **out, size_t *out_len, char **err,
                          size_t *err_len)
{
    const char *out_path = ws_file(f, "our-stdout");
    const char *err_path = ws_file(f, "our-stderr");
    int out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err_fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(out_fd >= 0 && err_fd >= 0);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(STDOUT_FILENO);
    int saved_err = dup(STDERR_FILENO);
    assert_true(saved_out >= 0 && saved_err >= 0);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    int rc = gx_run_script(o, &f->diags);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved_out);
    close(saved_err);
    close(out_fd);
    close(err_fd);
    *out = read_all(f, out_path, out_len);
    *err = read_all(f, err_path, err_len);
    assert_non_null(*out);
    assert_non_null(*err);
    return rc;
}

static void test_output_lines_go_to_the_callback(void **state)
{
    fx *f = *state;
    const char *s = script(f, "talk.sh",
                           "echo out1\n"
                           "echo err1 >&2\n"
                           "kubectl get pods\n"
                           "printf 'no-newline'\n");
    gx_run_opts o = opts_for(f, s, 10, child_env(f, "GX_FAKE_STDOUT_KUBECTL_GET=pods-here",
                                                  NULL));
    lines l = {.f = f};
    o.on_line = collect_line;
    o.line_ctx = &l;
    char *out, *err;
    size_t out_len, err_len;
    assert_int_equal(run_redirected(f, &o, &out, &out_len, &err, &err_len), 0);
    /* nothing of the child reached our stdout or stderr */
    assert_int_equal(out_len, 0);
    assert_int_equal(err_len, 0);
    assert_int_equal(f->diags.count, 0);
    size_t n1 = 0, n2 = 0;
    const char *want1[] = {"out1", "pods-here", "no-newline"};
    for (size_t i = 0; i < l.count; i++) {
        if (l.stream[i] == 1) {
            assert_true(n1 < 3);
            assert_string_equal(l.text[i], want1[n1++]);
        } else {
            assert_int_equal(l.stream[i], 2);
            assert_string_equal(l.text[i], "err1");
            n2++;
        }
    }
    assert_int_equal(n1, 3);
    assert_int_equal(n2, 1);
    assert_string_equal(status_text(f), "");
}

static void test_output_without_callback_is_ours(void **state)
{
    fx *f = *state;
    const char *s = script(f, "talk2.sh",
                           "echo out1\n"
                           "echo err1 >&2\n"
                           "printf '\\n'\n"
                           "head -c 100000 /dev/zero | tr '\\0' y\n"
                           "echo\n"
                           "echo out2\n");
    gx_run_opts o = opts_for(f, s, 10, child_env(f, NULL));
    char *out, *err;
    size_t out_len, err_len;
    assert_int_equal(run_redirected(f, &o, &out, &out_len, &err, &err_len), 0);
    /* byte for byte, a line longer than GX_PROC_LINE_MAX included */
    assert_int_equal(out_len, 5 + 1 + 100000 + 1 + 5);
    assert_memory_equal(out, "out1\n\n", 6);
    for (size_t i = 6; i < 6 + 100000; i++)
        if (out[i] != 'y')
            fail_msg("byte %zu of stdout is %d", i, out[i]);
    assert_string_equal(out + 6 + 100000, "\nout2\n");
    assert_string_equal(err, "err1\n");
    assert_string_equal(status_text(f), "");
}

/* ---- environment, directory, stdin ------------------------------------- */

static bool bash_own_variable(const char *entry)
{
    static const char *const own[] = {"PWD=", "OLDPWD=", "SHLVL=", "_="};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (strncmp(entry, own[i], strlen(own[i])) == 0)
            return true;
    return false;
}

static bool env_has(const char *const *env, const char *entry)
{
    for (size_t i = 0; env[i]; i++)
        if (strcmp(env[i], entry) == 0)
            return true;
    return false;
}

static void test_child_environment_is_exactly_the_built_one(void **state)
{
    fx *f = *state;
    setenv("GX_SECRET_TEST", "hunter2", 1);
    const char *const *env = child_env(f, NULL);
    unsetenv("GX_SECRET_TEST");
    assert_false(env_has(env, "GX_SECRET_TEST=hunter2"));

    assert_int_equal(run(f, script(f, "env.sh", "kubectl version --client\n"), 10, env), 0);

    size_t len = 0;
    char *recorded = read_all(f, gx_arena_printf(f->arena, "%s.env.1", f->log), &len);
    assert_non_null(recorded);
    const char *seen[128];
    size_t n = 0;
    for (size_t off = 0; off < len && n < 127; off += strlen(recorded + off) + 1) {
        const char *entry = recorded + off;
        assert_null(strstr(entry, "GX_SECRET_TEST"));
        assert_null(strstr(entry, "hunter2"));
        if (bash_own_variable(entry))
            continue;
        if (!env_has(env, entry))
            fail_msg("unexpected variable in the child: %s", entry);
        seen[n++] = entry;
    }
    seen[n] = NULL;
    for (size_t i = 0; env[i]; i++)
        if (!bash_own_variable(env[i]) && !env_has(seen, env[i]))
            fail_msg("variable missing in the child: %s", env[i]);

    assert_true(env_has(env, gx_arena_printf(f->arena, "GX_KUBECTL=%s", f->kubectl)));
    assert_true(env_has(env, "GX_DRY_RUN=0"));
    assert_true(env_has(env, "GX_TIMEOUT=10"));
    assert_true(env_has(env, "GX_TARGET=test"));
}

static void test_working_directory_is_the_workspace(void **state)
{
    fx *f = *state;
    const char *s = script(f, "where.sh", "pwd -P > where\nkubectl get ns\n");
    assert_int_equal(run(f, s, 10, child_env(f, NULL)), 0);
    char *where = read_all(f, ws_file(f, "where"), NULL);
    assert_non_null(where);
    assert_string_equal(where, gx_arena_printf(f->arena, "%s\n", f->real_ws));
    char **lines;
    assert_int_equal(records(f, &lines), 1);
    assert_string_equal(lines[0],
                        gx_arena_printf(f->arena, "1\tkubectl\t%s\t-\tget\tns", f->real_ws));
}

static void test_stdin_is_dev_null_and_piped_input_is_recorded(void **state)
{
    fx *f = *state;
    const char *s = script(f, "stdin.sh",
                           "set -euo pipefail\n"
                           "[ /dev/stdin -ef /dev/null ] || exit 3\n"
                           "kubectl apply -f -\n"
                           "printf 'kind: Namespace\\n' | kubectl apply --filename=-\n");
    /* The test's own stdin may be /dev/null already: make it a pipe meanwhile. */
    int saved = dup(STDIN_FILENO);
    int pipefd[2];
    assert_true(saved >= 0);
    assert_int_equal(pipe(pipefd), 0);
    assert_true(dup2(pipefd[0], STDIN_FILENO) >= 0);
    close(pipefd[0]);
    int rc = run(f, s, 10, child_env(f, NULL));
    dup2(saved, STDIN_FILENO);
    close(saved);
    close(pipefd[1]);
    assert_int_equal(rc, 0);
    char **lines;
    assert_int_equal(records(f, &lines), 2);
    assert_string_equal(lines[0],
                        gx_arena_printf(f->arena, "1\tkubectl\t%s\t-\tapply\t-f\t-", f->real_ws));
    assert_string_equal(lines[1], gx_arena_printf(f->arena, "2\tkubectl\t%s\tstdin\tapply\t"
                                                            "--filename=-",
                                                  f->real_ws));
    char *in = read_all(f, gx_arena_printf(f->arena, "%s.stdin.2", f->log), NULL);
    assert_non_null(in);
    assert_string_equal(in, "kind: Namespace\n");
    assert_null(read_all(f, gx_arena_printf(f->arena, "%s.stdin.1", f->log), NULL));
}

static void test_fake_escapes_and_canned_output(void **state)
{
    fx *f = *state;
    const char *s = script(f, "canned.sh",
                           "set -euo pipefail\n"
                           "out=$(kubectl -n ns get deploy)\n"
                           "[ \"$out\" = canned-output ] || exit 3\n"
                           "out=$(helm status rel)\n"
                           "[ -z \"$out\" ] || exit 4\n"
                           "kubectl annotate x $'a\\tb\\nc' 'back\\slash' ''\n");
    assert_int_equal(
        run(f, s, 10, child_env(f, "GX_FAKE_STDOUT_KUBECTL_GET=canned-output", NULL)), 0);
    char **lines;
    assert_int_equal(records(f, &lines), 3);
    assert_string_equal(lines[2], gx_arena_printf(f->arena,
                                                  "3\tkubectl\t%s\t-\tannotate\tx\t"
                                                  "a\\tb\\nc\tback\\\\slash\t",
                                                  f->real_ws));
}

static void test_build_env(void **state)
{
    fx *f = *state;
    const char *const parent[] = {
        "PATH=/p",          "HOME=/h",          "KUBECONFIG=/parent/kc",
        "HELM_KUBETOKEN=t", "AWS_SECRET_ACCESS_KEY=x", "LANG=C.UTF-8",
        "GX_SECRET_TEST=s", NULL,
    };
    const char *const extra[] = {"GX_DELETE_NAMESPACE=1", "GX_HELM=/opt/helm", "not an entry",
                                 "=x", NULL};
    gx_run_env_spec spec = {.target = "default", .kubectl = "/k", .dry_run = true,
                            .timeout_seconds = 300, .extra = extra};
    const char **env = gx_run_build_env(f->arena, &spec, parent);
    const char *const want[] = {
        "PATH=/p",          "HOME=/h",          "LANG=C.UTF-8",     "KUBECONFIG=/parent/kc",
        "GX_TARGET=default", "GX_KUBECTL=/k",   "GX_HELM=/opt/helm", "GX_KUBECONFIG=",
        "GX_CONTEXT=",      "GX_DRY_RUN=1",     "GX_TIMEOUT=300",   "GX_DELETE_NAMESPACE=1",
        NULL,
    };
    for (size_t i = 0; want[i] || env[i]; i++) {
        assert_non_null(want[i]);
        assert_non_null(env[i]);
        assert_string_equal(env[i], want[i]);
    }

    /* --kubeconfig (relative: made absolute) and --context; no parent */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    gx_run_env_spec given = {.target = "status", .path = "/x", .kubeconfig = "rel/kc",
                             .context = "ctx", .timeout_seconds = 30};
    env = gx_run_build_env(f->arena, &given, NULL);
    const char *kc = gx_arena_printf(f->arena, "%s/rel/kc", cwd);
    const char *const want2[] = {
        "PATH=/x",
        gx_arena_printf(f->arena, "KUBECONFIG=%s", kc),
        "GX_TARGET=status",
        "GX_KUBECTL=kubectl",
        "GX_HELM=helm",
        gx_arena_printf(f->arena, "GX_KUBECONFIG=%s", kc),
        "GX_CONTEXT=ctx",
        "GX_DRY_RUN=0",
        "GX_TIMEOUT=30",
        NULL,
    };
    for (size_t i = 0; want2[i] || env[i]; i++) {
        assert_non_null(want2[i]);
        assert_non_null(env[i]);
        assert_string_equal(env[i], want2[i]);
    }

    /* given kubeconfig wins over the parent's; default PATH */
    const char *const parent2[] = {"KUBECONFIG=/parent/kc", NULL};
    gx_run_env_spec abs = {.target = "t", .kubeconfig = "/abs/kc", .timeout_seconds = 1};
    env = gx_run_build_env(f->arena, &abs, parent2);
    assert_string_equal(env[0], "PATH=" GX_RUN_DEFAULT_PATH);
    assert_string_equal(env[1], "KUBECONFIG=/abs/kc");
}

/* ---- executable lookup, refusals ---------------------------------------- */

static void test_find_executable(void **state)
{
    fx *f = *state;
    char out[PATH_MAX];
    char want[PATH_MAX + 16];

    snprintf(want, sizeof want, "%s/helm", f->fakes);
    assert_true(gx_run_find_executable("helm", f->path, out, sizeof out));
    assert_string_equal(out, want);

    assert_false(gx_run_find_executable("gx-no-such-tool", f->path, out, sizeof out));
    assert_string_equal(out, "");
    assert_false(gx_run_find_executable("", f->path, out, sizeof out));
    assert_false(gx_run_find_executable("kubectl", "/nonexistent:/also-not", out, sizeof out));

    /* paths: regular and executable only */
    assert_true(gx_run_find_executable("/bin/sh", NULL, out, sizeof out));
    assert_string_equal(out, "/bin/sh");
    snprintf(want, sizeof want, "%s/README.md", f->fakes);
    assert_false(gx_run_find_executable(want, NULL, out, sizeof out));
    assert_false(gx_run_find_executable(f->fakes, NULL, out, sizeof out));
    assert_false(gx_run_find_executable("/nonexistent/kubectl", NULL, out, sizeof out));

    /* does not fit */
    char small[8];
    assert_false(gx_run_find_executable("kubectl", f->path, small, sizeof small));
    assert_string_equal(small, "");

    /* relative names and the empty PATH entry mean the current directory */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->fakes), 0);
    char here[PATH_MAX];
    assert_non_null(getcwd(here, sizeof here));
    bool rel = gx_run_find_executable("./kubectl", NULL, out, sizeof out);
    char rel_out[PATH_MAX];
    snprintf(rel_out, sizeof rel_out, "%s", out);
    bool empty = gx_run_find_executable("kubectl", "/nonexistent::/bin", out, sizeof out);
    assert_int_equal(chdir(cwd), 0);
    assert_true(rel);
    snprintf(want, sizeof want, "%s/./kubectl", here);
    assert_string_equal(rel_out, want);
    assert_true(empty);
    snprintf(want, sizeof want, "%s/kubectl", here);
    assert_string_equal(out, want);
}

static void test_refusals_come_as_diagnostics(void **state)
{
    fx *f = *state;
    const char *const *env = child_env(f, NULL);
    const char *ok = script(f, "ok.sh", "exit 0\n");

    /* not exported yet */
    assert_int_equal(run(f, "scripts/missing.sh", 10, env), 1);
    assert_int_equal(f->diags.count, 1);
    assert_non_null(strstr(f->diags.items[0].message, "target 'test': cannot find the script"));
    assert_non_null(f->diags.items[0].hint);
    assert_non_null(strstr(f->diags.items[0].hint, "export"));

    /* bad options */
    assert_int_equal(run(f, ok, 0, env), 1);
    assert_int_equal(run(f, ok, 10, NULL), 1);
    assert_int_equal(f->diags.count, 3);

    /* the workspace vanished: the child cannot chdir (absolute script path) */
    gx_run_opts o = opts_for(f, ws_file(f, "scripts/ok.sh"), 10, env);
    o.workspace = "/nonexistent-gx-workspace";
    assert_int_equal(gx_run_script(&o, &f->diags), 1);
    assert_int_equal(f->diags.count, 4);
    assert_non_null(strstr(f->diags.items[3].message, "cannot enter the workspace"));

    /* bash missing, and bash that cannot be executed */
    o = opts_for(f, ok, 10, env);
    o.bash = "/nonexistent/bash";
    assert_int_equal(gx_run_script(&o, &f->diags), 1);
    assert_int_equal(f->diags.count, 5);
    const char *junk = ws_file(f, "not-bash");
    write_file(junk, "\x7f" "ELF but not really\n", 0755);
    o.bash = junk;
    assert_int_equal(gx_run_script(&o, &f->diags), 1);
    assert_int_equal(f->diags.count, 6);
    assert_non_null(strstr(f->diags.items[5].message, "cannot execute bash"));

    assert_string_equal(status_text(f), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exit_status_passes_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ignored_sigchld_in_caller, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_command_stops_the_script, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_kills_the_whole_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_escalates_to_sigkill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leftover_processes_are_stopped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigint_is_forwarded_to_the_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigterm_is_forwarded_to_the_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_sigint_kills_the_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_lines_go_to_the_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_without_callback_is_ours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_child_environment_is_exactly_the_built_one, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_working_directory_is_the_workspace, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stdin_is_dev_null_and_piped_input_is_recorded,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_fake_escapes_and_canned_output, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_executable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_come_as_diagnostics, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
