#include "gx_run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
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
    GX_RUN_POLL_MS = 50, /* wake-up interval when signals cannot come by signalfd */
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

/* ---- the runner --------------------------------------------------------- */

/* Signals the runner takes over while it waits, and passes on. */
static const int gx_run_forwarded[] = {SIGINT, SIGTERM, SIGHUP};
#define GX_RUN_NFORWARDED (sizeof gx_run_forwarded / sizeof gx_run_forwarded[0])

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

static int gx_run_fail(gx_diags *diags, const gx_run_opts *opts, const char *hint,
                       const char *what, int err)
{
    gx_diags_add(diags, GX_CODE_PROCESS, opts->script, 0, 0, hint, "target '%s': %s%s%s",
                 opts->target ? opts->target : "?", what, err ? ": " : "",
                 err ? strerror(err) : "");
    return 1;
}

/* What the wait loop knows besides the gx_proc handle. */
typedef struct gx_run_wait {
    const gx_run_opts *opts;
    gx_proc *proc;
    int grace_ms;
    int sigints;    /* SIGINTs passed on so far */
    bool abandoned; /* the group outlived SIGKILL */
} gx_run_wait;

/* gx_proc's events as the runner's status lines. */
static void gx_run_on_event(void *ctx, gx_proc_event ev)
{
    gx_run_wait *w = ctx;
    switch (ev) {
    case GX_PROC_EV_LEFTOVERS:
        gx_run_status(w->opts,
                      "[glyphoxa-deploy] target '%s' left processes running in its process "
                      "group %ld; stopping them\n",
                      w->opts->target, gx_proc_pid(w->proc));
        break;
    case GX_PROC_EV_KILLED:
        gx_run_status(w->opts,
                      "[glyphoxa-deploy] target '%s' did not stop within %ld ms of SIGTERM; "
                      "sending SIGKILL\n",
                      w->opts->target, (long)w->grace_ms);
        break;
    case GX_PROC_EV_ABANDONED:
        w->abandoned = true;
        break;
    case GX_PROC_EV_EXITED:
    case GX_PROC_EV_TIMED_OUT:
        break; /* the timeout is reported once the group is gone */
    }
}

/* The default line sink: the child's lines on our own stdout and stderr, as
 * the child wrote them (a piece of a long line without its '\n'). */
static void gx_run_write_line(void *ctx, int stream, const char *line, size_t len)
{
    (void)ctx;
    FILE *out = stream == 2 ? stderr : stdout;
    fwrite(line, 1, len, out);
    if (len != GX_PROC_LINE_MAX)
        putc('\n', out);
    fflush(out);
}

/* Passes one taken signal on to the group; a second SIGINT kills it. */
static void gx_run_forward(gx_run_wait *w, int sig)
{
    if (sig == SIGINT && w->sigints++ > 0) {
        gx_proc_signal(w->proc, SIGKILL);
        gx_run_status(w->opts,
                      "[glyphoxa-deploy] received SIGINT again; sent SIGKILL to target '%s'\n",
                      w->opts->target);
        return;
    }
    gx_proc_signal(w->proc, sig);
    gx_run_status(w->opts, "[glyphoxa-deploy] received %s; passed it on to target '%s'\n",
                  sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP",
                  w->opts->target);
}

/* Takes every pending forwarded signal, from the signalfd or, without one,
 * with sigtimedwait. */
static void gx_run_take_signals(gx_run_wait *w, int sfd, const sigset_t *fwd)
{
    for (;;) {
        int sig;
        if (sfd >= 0) {
            struct signalfd_siginfo si;
            ssize_t n = read(sfd, &si, sizeof si);
            if (n < 0 && errno == EINTR)
                continue;
            if (n != (ssize_t)sizeof si)
                return;
            sig = (int)si.ssi_signo;
        } else {
            struct timespec zero = {0, 0};
            sig = sigtimedwait(fwd, NULL, &zero);
            if (sig < 0 && errno == EINTR)
                continue;
            if (sig <= 0)
                return;
        }
        gx_run_forward(w, sig);
    }
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

/* Blocks SIGCHLD and the forwarded signals the caller does not ignore (set:
 * all of them; fwd: the forwarded ones), sets SIGCHLD to SIG_DFL and makes the
 * process a child subreaper. */
static void gx_run_take_over(gx_run_saved *saved, sigset_t *set, sigset_t *fwd, bool *any)
{
    sigemptyset(set);
    sigemptyset(fwd);
    *any = false;
    sigaddset(set, SIGCHLD);
    for (size_t i = 0; i < GX_RUN_NFORWARDED; i++) {
        struct sigaction cur;
        if (sigaction(gx_run_forwarded[i], NULL, &cur) == 0 && cur.sa_handler != SIG_IGN) {
            sigaddset(set, gx_run_forwarded[i]);
            sigaddset(fwd, gx_run_forwarded[i]);
            *any = true;
        }
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

    const char *argv[] = {bash, "--", opts->script, NULL};
    gx_run_wait w = {opts, NULL, opts->grace_ms > 0 ? opts->grace_ms : GX_RUN_DEFAULT_GRACE_MS,
                     0, false};
    gx_proc_opts po = GX_PROC_OPTS_INIT;
    po.argv = argv;
    po.env = opts->env;
    po.cwd = opts->workspace;
    po.timeout_ms = opts->timeout_seconds > INT_MAX / 1000 ? INT_MAX / 1000 * 1000
                                                           : opts->timeout_seconds * 1000;
    po.grace_ms = w.grace_ms;
    po.stdin_fd = -1;
    po.name = "bash";
    po.cwd_name = "the workspace";
    po.on_event = gx_run_on_event;
    po.event_ctx = &w;

    gx_run_saved saved;
    sigset_t set, fwd;
    bool any_forwarded;
    gx_run_take_over(&saved, &set, &fwd, &any_forwarded);
#ifdef __linux__
    if (saved.subreaper_set)
        po.flags |= GX_PROC_REAP_GROUP; /* orphans of the group are ours to reap */
#endif
    fflush(NULL);
    gx_diags start = GX_DIAGS_INIT;
    w.proc = gx_proc_start(&po, &start);
    if (!w.proc) {
        gx_run_restore(&saved);
        gx_run_fail(diags, opts, NULL,
                    start.count ? start.items[0].message : "cannot start a process", 0);
        gx_diags_free(&start);
        return 1;
    }
    gx_diags_free(&start);

    int sfd = any_forwarded ? signalfd(-1, &fwd, SFD_NONBLOCK | SFD_CLOEXEC) : -1;
    gx_proc_line_fn on_line = opts->on_line ? opts->on_line : gx_run_write_line;
    void *line_ctx = opts->on_line ? opts->line_ctx : NULL;
    while (!gx_proc_poll(w.proc, 0, on_line, line_ctx)) {
        struct pollfd pfd[2] = {{gx_proc_fd(w.proc), POLLIN, 0}, {sfd, POLLIN, 0}};
        (void)poll(pfd, 2, sfd >= 0 || !any_forwarded ? -1 : GX_RUN_POLL_MS);
        if (any_forwarded)
            gx_run_take_signals(&w, sfd, &fwd);
    }
    if (sfd >= 0)
        close(sfd);

    int result;
    if (gx_proc_timed_out(w.proc)) {
        gx_run_status(opts, "glyphoxa-deploy: target '%s' exceeded its timeout of %ld s; killed\n",
                      opts->target, (long)opts->timeout_seconds);
        result = GX_RUN_TIMED_OUT;
    } else {
        result = gx_proc_status(w.proc);
        if (result < 0) {
            gx_run_status(opts, "[glyphoxa-deploy] the exit status of target '%s' was lost\n",
                          opts->target);
            result = 1;
        }
    }
    if (w.abandoned)
        gx_run_status(opts,
                      "[glyphoxa-deploy] warning: processes of target '%s' (process group %ld) "
                      "did not exit after SIGKILL\n",
                      opts->target, gx_proc_pid(w.proc));
    gx_proc_free(w.proc);
    gx_run_restore(&saved);
    return result;
}
