#include "gx_run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

enum {
    GX_RUN_POLL_MS = 50,        /* longest sleep while a stopped group winds down */
    GX_RUN_KILL_WAIT_MS = 5000, /* how long SIGKILLed members may take to vanish */
};

/* ---- environment -------------------------------------------------------- */

/* Parent variables a child may inherit: locations and presentation only. */
static const char *const gx_run_passthrough[] = {
    "HOME",      "LANG",            "LC_ALL",         "LC_CTYPE",      "LC_MESSAGES",
    "TERM",      "NO_COLOR",        "TZ",             "TMPDIR",        "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME", "XDG_DATA_HOME", "HELM_CONFIG_HOME", "HELM_CACHE_HOME",
    "HELM_DATA_HOME",
};

/* The value of name in env, or NULL. */
static const char *gx_run_env_get(const char *const *env, const char *name)
{
    if (!env)
        return NULL;
    size_t len = strlen(name);
    for (size_t i = 0; env[i]; i++)
        if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
            return env[i] + len + 1;
    return NULL;
}

/* Length of the NAME in "NAME=VALUE", or 0 when entry is not of that form. */
static size_t gx_run_env_name_len(const char *entry)
{
    size_t i = 0;
    if (!(entry[0] == '_' || (entry[0] >= 'A' && entry[0] <= 'Z') ||
          (entry[0] >= 'a' && entry[0] <= 'z')))
        return 0;
    for (i = 1; entry[i] && entry[i] != '='; i++) {
        char c = entry[i];
        if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9')))
            return 0;
    }
    return entry[i] == '=' ? i : 0;
}

typedef struct gx_run_envb {
    gx_arena *arena;
    const char **items;
    size_t count, cap;
} gx_run_envb;

/* Adds "NAME=VALUE" (already formatted), replacing an entry of the same name. */
static void gx_run_envb_put(gx_run_envb *b, const char *entry)
{
    size_t len = gx_run_env_name_len(entry);
    if (len == 0)
        return;
    for (size_t i = 0; i < b->count; i++)
        if (strncmp(b->items[i], entry, len + 1) == 0) {
            b->items[i] = entry;
            return;
        }
    if (b->count + 1 < b->cap) /* always true: cap counts every possible entry */
        b->items[b->count++] = entry;
}

static void gx_run_envb_set(gx_run_envb *b, const char *name, const char *value)
{
    gx_run_envb_put(b, gx_arena_printf(b->arena, "%s=%s", name, value ? value : ""));
}

const char **gx_run_build_env(gx_arena *arena, const gx_run_env_spec *spec,
                              const char *const *parent_env)
{
    size_t extra = 0;
    if (spec->extra)
        while (spec->extra[extra])
            extra++;
    const size_t npass = sizeof gx_run_passthrough / sizeof gx_run_passthrough[0];
    gx_run_envb b = {arena, NULL, 0, 1 + npass + 1 + 7 + extra + 1};
    b.items = gx_arena_alloc(arena, b.cap * sizeof *b.items);

    const char *path = spec->path ? spec->path : gx_run_env_get(parent_env, "PATH");
    gx_run_envb_set(&b, "PATH", path ? path : GX_RUN_DEFAULT_PATH);
    for (size_t i = 0; i < npass; i++) {
        const char *v = gx_run_env_get(parent_env, gx_run_passthrough[i]);
        if (v)
            gx_run_envb_set(&b, gx_run_passthrough[i], v);
    }

    const char *kubeconfig = spec->kubeconfig;
    if (kubeconfig && kubeconfig[0] && kubeconfig[0] != '/') {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd))
            kubeconfig = gx_arena_printf(arena, "%s/%s", cwd, kubeconfig);
    }
    if (kubeconfig) {
        gx_run_envb_set(&b, "KUBECONFIG", kubeconfig);
    } else {
        const char *v = gx_run_env_get(parent_env, "KUBECONFIG");
        if (v)
            gx_run_envb_set(&b, "KUBECONFIG", v);
    }

    gx_run_envb_set(&b, "GX_TARGET", spec->target);
    gx_run_envb_set(&b, "GX_KUBECTL", spec->kubectl ? spec->kubectl : "kubectl");
    gx_run_envb_set(&b, "GX_HELM", spec->helm ? spec->helm : "helm");
    gx_run_envb_set(&b, "GX_KUBECONFIG", kubeconfig);
    gx_run_envb_set(&b, "GX_CONTEXT", spec->context);
    gx_run_envb_set(&b, "GX_DRY_RUN", spec->dry_run ? "1" : "0");
    gx_run_envb_put(&b, gx_arena_printf(arena, "GX_TIMEOUT=%d", spec->timeout_seconds));

    for (size_t i = 0; i < extra; i++)
        gx_run_envb_put(&b, gx_arena_strdup(arena, spec->extra[i]));
    b.items[b.count] = NULL;
    return b.items;
}

/* ---- executable lookup -------------------------------------------------- */

static bool gx_run_is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Writes dir/name (dir "" meaning the current directory) made absolute into
 * out; false when it does not fit. */
static bool gx_run_join_abs(const char *dir, size_t dirlen, const char *name, char *out,
                            size_t outlen)
{
    char cwd[PATH_MAX];
    int n;
    if (dirlen > 0 && dir[0] == '/') {
        n = snprintf(out, outlen, "%.*s/%s", (int)dirlen, dir, name);
    } else {
        if (!getcwd(cwd, sizeof cwd))
            return false;
        if (dirlen > 0)
            n = snprintf(out, outlen, "%s/%.*s/%s", cwd, (int)dirlen, dir, name);
        else
            n = snprintf(out, outlen, "%s/%s", cwd, name);
    }
    return n >= 0 && (size_t)n < outlen;
}

bool gx_run_find_executable(const char *name_or_path, const char *path_env, char *out,
                            size_t outlen)
{
    if (outlen > 0)
        out[0] = '\0';
    if (!name_or_path || !name_or_path[0] || outlen == 0)
        return false;
    if (strchr(name_or_path, '/')) {
        bool ok = name_or_path[0] == '/'
                      ? (size_t)snprintf(out, outlen, "%s", name_or_path) < outlen
                      : gx_run_join_abs("", 0, name_or_path, out, outlen);
        if (ok && gx_run_is_executable(out))
            return true;
        out[0] = '\0';
        return false;
    }
    const char *p = path_env ? path_env : GX_RUN_DEFAULT_PATH;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (gx_run_join_abs(p, len, name_or_path, out, outlen) && gx_run_is_executable(out))
            return true;
        if (!colon)
            break;
        p = colon + 1;
    }
    out[0] = '\0';
    return false;
}

/* ---- the child ---------------------------------------------------------- */

/* What the child reports through the exec pipe when it cannot start bash. */
enum gx_run_step { GX_RUN_STEP_STDIN = 1, GX_RUN_STEP_CHDIR, GX_RUN_STEP_EXEC };

typedef struct gx_run_failure {
    int step;
    int err;
} gx_run_failure;

/* Signals the runner takes over while it waits. */
static const int gx_run_forwarded[] = {SIGINT, SIGTERM, SIGHUP};
#define GX_RUN_NFORWARDED (sizeof gx_run_forwarded / sizeof gx_run_forwarded[0])

/* Between fork and exec: async-signal-safe calls only. Never returns. */
static void gx_run_child(const char *workspace, const char *bash, char *const argv[],
                         char *const envp[], int report_fd, long fd_limit)
{
    gx_run_failure f = {0, 0};
    setpgid(0, 0);

    /* Handlers of the parent must not run here; ignored signals stay ignored
     * (as exec keeps them), except SIGPIPE and SIGCHLD which scripts need. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    static const int keep_ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof keep_ignored / sizeof keep_ignored[0]; i++) {
        struct sigaction cur;
        if (sigaction(keep_ignored[i], NULL, &cur) == 0 && cur.sa_handler != SIG_IGN)
            sigaction(keep_ignored[i], &dfl, NULL);
    }
    sigaction(SIGPIPE, &dfl, NULL);
    sigaction(SIGCHLD, &dfl, NULL);

    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0 || (fd != STDIN_FILENO && dup2(fd, STDIN_FILENO) < 0)) {
        f.step = GX_RUN_STEP_STDIN;
        goto fail;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    if (chdir(workspace) != 0) {
        f.step = GX_RUN_STEP_CHDIR;
        goto fail;
    }

    /* No descriptor of the tool (e.g. the workspace lock) reaches the script. */
    bool marked = false;
#if defined(__linux__) && defined(SYS_close_range)
    marked = syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) == 0;
#endif
    for (long i = 3; !marked && i < fd_limit; i++)
        if (i != report_fd)
            fcntl((int)i, F_SETFD, FD_CLOEXEC);

    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(bash, argv, envp);
    f.step = GX_RUN_STEP_EXEC;
fail:
    f.err = errno;
    ssize_t w;
    do
        w = write(report_fd, &f, sizeof f);
    while (w < 0 && errno == EINTR);
    _exit(127);
}

/* ---- waiting ------------------------------------------------------------ */

typedef struct gx_run_wait {
    const gx_run_opts *opts;
    const sigset_t *set; /* the signals taken with sigtimedwait */
    pid_t pgid;          /* the child's pid and process group id */
    bool leader_done;
    bool leader_lost; /* the script ended but its status could not be had */
    int leader_status;
} gx_run_wait;

static int64_t gx_run_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void gx_run_status(const gx_run_opts *opts, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints one status line of the runner to status_out, if any. */
static void gx_run_status(const gx_run_opts *opts, const char *fmt, ...)
{
    if (!opts->status_out)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(opts->status_out, fmt, ap);
    va_end(ap);
    fflush(opts->status_out);
}

/* Reaps every finished child in the group (the script and, with the subreaper
 * flag, orphans of the group) without blocking. */
static void gx_run_reap(gx_run_wait *w)
{
    for (;;) {
        int st;
        pid_t r = waitpid(-w->pgid, &st, WNOHANG);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (r == w->pgid) {
            w->leader_done = true;
            w->leader_status = st;
        }
    }
    if (!w->leader_done) {
        int st;
        pid_t r = waitpid(w->pgid, &st, WNOHANG);
        if (r == w->pgid) {
            w->leader_done = true;
            w->leader_status = st;
        } else if (r < 0 && errno == ECHILD) {
            /* reaped behind our back (another thread's waitpid): status lost */
            w->leader_done = true;
            w->leader_lost = true;
        }
    }
}

static bool gx_run_group_gone(pid_t pgid)
{
    return kill(-pgid, 0) < 0 && errno == ESRCH;
}

/* Waits up to ms for one of the signals of the set; passes on SIGINT, SIGTERM
 * and SIGHUP to the group. */
static void gx_run_wait_event(gx_run_wait *w, int64_t ms)
{
    if (ms < 0)
        ms = 0;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    siginfo_t info;
    int sig = sigtimedwait(w->set, &info, &ts);
    if (sig > 0 && sig != SIGCHLD) {
        kill(-w->pgid, sig);
        gx_run_status(w->opts, "[glyphoxa-deploy] received %s; passed it on to target '%s'\n",
                      sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP",
                      w->opts->target);
    }
}

/* Stops every process of the group: SIGTERM, grace, SIGKILL; reaps them and
 * returns true once kill(-pgid, 0) reports ESRCH. */
static bool gx_run_stop_group(gx_run_wait *w)
{
    int grace = w->opts->grace_ms > 0 ? w->opts->grace_ms : GX_RUN_DEFAULT_GRACE_MS;
    kill(-w->pgid, SIGTERM);
    kill(-w->pgid, SIGCONT); /* a stopped member must be able to act on SIGTERM */
    int64_t end = gx_run_now_ms() + grace;
    for (;;) {
        gx_run_reap(w);
        if (w->leader_done && gx_run_group_gone(w->pgid))
            return true;
        int64_t left = end - gx_run_now_ms();
        if (left <= 0)
            break;
        gx_run_wait_event(w, left < GX_RUN_POLL_MS ? left : GX_RUN_POLL_MS);
    }
    gx_run_status(w->opts,
                  "[glyphoxa-deploy] target '%s' did not stop within %ld ms of SIGTERM; "
                  "sending SIGKILL\n",
                  w->opts->target, (long)grace);
    end = gx_run_now_ms() + GX_RUN_KILL_WAIT_MS;
    for (;;) {
        kill(-w->pgid, SIGKILL);
        gx_run_reap(w);
        if (w->leader_done && gx_run_group_gone(w->pgid))
            return true;
        int64_t left = end - gx_run_now_ms();
        if (left <= 0)
            return false;
        gx_run_wait_event(w, left < GX_RUN_POLL_MS ? left : GX_RUN_POLL_MS);
    }
}

/* ---- the runner --------------------------------------------------------- */

static int gx_run_fail(gx_diags *diags, const gx_run_opts *opts, const char *hint,
                       const char *what, int err)
{
    gx_diags_add(diags, GX_CODE_PROCESS, opts->script, 0, 0, hint, "target '%s': %s%s%s",
                 opts->target ? opts->target : "?", what, err ? ": " : "",
                 err ? strerror(err) : "");
    return 1;
}

/* Saved process state, restored by gx_run_restore. */
typedef struct gx_run_saved {
    sigset_t mask;
    struct sigaction chld;
#ifdef __linux__
    int subreaper;
    bool subreaper_set;
#endif
} gx_run_saved;

static void gx_run_take_over(gx_run_saved *saved, sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    for (size_t i = 0; i < GX_RUN_NFORWARDED; i++) {
        struct sigaction cur;
        if (sigaction(gx_run_forwarded[i], NULL, &cur) == 0 && cur.sa_handler != SIG_IGN)
            sigaddset(set, gx_run_forwarded[i]);
    }
    sigprocmask(SIG_BLOCK, set, &saved->mask);

    /* SIG_IGN or SA_NOCLDWAIT on SIGCHLD would reap the child behind our back. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, &saved->chld);

#ifdef __linux__
    saved->subreaper = 0;
    saved->subreaper_set = prctl(PR_GET_CHILD_SUBREAPER, &saved->subreaper, 0, 0, 0) == 0 &&
                           prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
#endif
}

static void gx_run_restore(const gx_run_saved *saved)
{
#ifdef __linux__
    if (saved->subreaper_set)
        prctl(PR_SET_CHILD_SUBREAPER, saved->subreaper, 0, 0, 0);
#endif
    /* A SIGCHLD of ours must not reach the caller's handler. */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    struct timespec zero = {0, 0};
    if (!sigismember(&saved->mask, SIGCHLD))
        while (sigtimedwait(&chld, NULL, &zero) == SIGCHLD)
            ;
    sigaction(SIGCHLD, &saved->chld, NULL);
    sigprocmask(SIG_SETMASK, &saved->mask, NULL);
}

int gx_run_script(const gx_run_opts *opts, gx_diags *diags)
{
    if (!opts->target || !opts->workspace || !opts->script || !opts->script[0])
        return gx_run_fail(diags, opts, NULL, "no target, workspace or script given", 0);
    if (opts->timeout_seconds <= 0)
        return gx_run_fail(diags, opts, NULL, "the timeout must be a positive number of seconds",
                           0);
    if (!opts->env)
        return gx_run_fail(diags, opts, NULL, "no environment given for the script", 0);

    char script_path[PATH_MAX];
    int n = opts->script[0] == '/'
                ? snprintf(script_path, sizeof script_path, "%s", opts->script)
                : snprintf(script_path, sizeof script_path, "%s/%s", opts->workspace,
                           opts->script);
    if (n < 0 || (size_t)n >= sizeof script_path)
        return gx_run_fail(diags, opts, NULL, "the script path is too long", 0);
    struct stat st;
    if (stat(script_path, &st) != 0) {
        int err = errno;
        return gx_run_fail(diags, opts,
                           err == ENOENT ? "the scripts are written by export; run "
                                           "`glyphoxa-deploy export` (or a pre-export "
                                           "target) first"
                                         : NULL,
                           "cannot find the script", err);
    }
    if (!S_ISREG(st.st_mode))
        return gx_run_fail(diags, opts, NULL, "the script is not a regular file", 0);
    if (access(script_path, R_OK) != 0)
        return gx_run_fail(diags, opts, NULL, "cannot read the script", errno);

    char bash[PATH_MAX];
    if (opts->bash) {
        if (!gx_run_find_executable(opts->bash, NULL, bash, sizeof bash))
            return gx_run_fail(diags, opts, NULL, "the given bash is not an executable file",
                               0);
    } else if (!gx_run_find_executable("bash", gx_run_env_get(opts->env, "PATH"), bash,
                                       sizeof bash) &&
               !gx_run_find_executable("/bin/bash", NULL, bash, sizeof bash)) {
        return gx_run_fail(diags, opts, "targets are bash scripts; install bash",
                           "bash was not found on PATH", 0);
    }

    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0)
        return gx_run_fail(diags, opts, NULL, "cannot create a pipe", errno);

    long fd_limit = sysconf(_SC_OPEN_MAX);
    if (fd_limit < 0 || fd_limit > 65536)
        fd_limit = 65536;
    char *argv[] = {"bash", "--", (char *)opts->script, NULL};

    gx_run_saved saved;
    sigset_t set;
    gx_run_take_over(&saved, &set);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(report[0]);
        close(report[1]);
        gx_run_restore(&saved);
        return gx_run_fail(diags, opts, NULL, "cannot start a process", err);
    }
    if (pid == 0)
        gx_run_child(opts->workspace, bash, argv, (char *const *)opts->env, report[1],
                     fd_limit);
    setpgid(pid, pid); /* also here, so the group exists before we signal it */
    close(report[1]);

    gx_run_failure f = {0, 0};
    ssize_t got;
    do
        got = read(report[0], &f, sizeof f);
    while (got < 0 && errno == EINTR);
    close(report[0]);

    gx_run_wait w = {opts, &set, pid, false, false, 0};
    if (got == (ssize_t)sizeof f) {
        int ignored;
        while (waitpid(pid, &ignored, 0) < 0 && errno == EINTR)
            ; /* the child _exits right after its report */
        gx_run_restore(&saved);
        if (f.step == GX_RUN_STEP_CHDIR)
            return gx_run_fail(diags, opts, NULL, "cannot enter the workspace", f.err);
        if (f.step == GX_RUN_STEP_EXEC)
            return gx_run_fail(diags, opts, NULL, "cannot execute bash", f.err);
        return gx_run_fail(diags, opts, NULL, "cannot open /dev/null for the script", f.err);
    }

    int64_t deadline = gx_run_now_ms() + (int64_t)opts->timeout_seconds * 1000;
    bool timed_out = false;
    for (;;) {
        gx_run_reap(&w);
        if (w.leader_done)
            break;
        int64_t left = deadline - gx_run_now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        gx_run_wait_event(&w, left);
    }

    int result;
    bool gone;
    if (timed_out) {
        gone = gx_run_stop_group(&w);
        gx_run_status(opts, "glyphoxa-deploy: target '%s' exceeded its timeout of %ld s; killed\n",
                      opts->target, (long)opts->timeout_seconds);
        result = GX_RUN_TIMED_OUT;
    } else {
        gone = gx_run_group_gone(pid);
        if (!gone) {
            gx_run_status(opts, "[glyphoxa-deploy] target '%s' left processes running in its "
                                "process group %ld; stopping them\n",
                          opts->target, (long)pid);
            gone = gx_run_stop_group(&w);
        }
        if (w.leader_lost) {
            gx_run_status(opts, "[glyphoxa-deploy] the exit status of target '%s' was lost\n",
                          opts->target);
            result = 1;
        } else if (WIFEXITED(w.leader_status))
            result = WEXITSTATUS(w.leader_status);
        else if (WIFSIGNALED(w.leader_status))
            result = 128 + WTERMSIG(w.leader_status);
        else
            result = 1;
    }
    if (!gone)
        gx_run_status(opts,
                      "[glyphoxa-deploy] warning: processes of target '%s' (process group %ld) "
                      "did not exit after SIGKILL\n",
                      opts->target, (long)pid);
    gx_run_restore(&saved);
    return result;
}
