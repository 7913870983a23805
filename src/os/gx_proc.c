#include "gx_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

enum {
    GX_PROC_READS_PER_POLL = 16, /* reads of up to GX_PROC_LINE_MAX per stream and call */
};

typedef struct gx_proc_stream {
    int fd;     /* our read end, non-blocking; -1 once it ended */
    size_t len; /* bytes of an unfinished line in buf (no '\n' among them) */
    char buf[GX_PROC_LINE_MAX + 1]; /* + the NUL after a full piece */
} gx_proc_stream;

struct gx_proc {
    pid_t pid; /* also the process group id */
    int ep;    /* epoll: the pipes, pidfd and timer */
    int timer; /* timerfd for the next deadline */
    int pidfd; /* -1: none (kernel without pidfd, GX_PROC_NO_PIDFD, or reaped) */
    int tty;   /* GX_PROC_FOREGROUND: the terminal the child's group has, until
                * it is given back to ours; else -1 */
    gx_proc_stream streams[2]; /* stdout, stderr */
    int grace_ms;
    unsigned flags;
    gx_proc_event_fn on_event;
    void *event_ctx;

    int64_t timeout_at;  /* monotonic ms; 0: no timeout */
    int64_t kill_at;     /* when SIGKILL is due (terminating) */
    int64_t giveup_at;   /* after SIGKILL: when the group is given up */
    int64_t drain_until; /* the group is gone: pipes still open are read until then */
    int wstatus;
    bool terminating, killed, exited, lost, group_gone, abandoned;
    bool timed_out, cancelled, done;
};

/* ---- small helpers ------------------------------------------------------ */

static int64_t gx_proc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void gx_proc_close(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* Moves a descriptor of ours above 0-2, so that the child's dup2 onto 0, 1 and
 * 2 never overwrites another of the descriptors it still needs. */
static int gx_proc_above_stdio(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int err = errno;
    close(fd);
    errno = err;
    return moved;
}

static bool gx_proc_pipe(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC) != 0)
        return false;
    fds[0] = gx_proc_above_stdio(fds[0]);
    fds[1] = gx_proc_above_stdio(fds[1]);
    if (fds[0] < 0 || fds[1] < 0) {
        int err = errno;
        gx_proc_close(&fds[0]);
        gx_proc_close(&fds[1]);
        errno = err;
        return false;
    }
    return true;
}

static bool gx_proc_group_gone(pid_t pgid)
{
    return kill(-pgid, 0) < 0 && errno == ESRCH;
}

static void gx_proc_emit(gx_proc *p, gx_proc_event ev)
{
    if (p->on_event)
        p->on_event(p->event_ctx, ev);
}

/* Makes pgrp the foreground process group of the terminal tty, with SIGTTOU
 * blocked in the calling thread meanwhile (a background caller would be
 * stopped by it otherwise). Async-signal-safe. */
static void gx_proc_tcsetpgrp(int tty, pid_t pgrp)
{
    sigset_t ttou, old;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, &old);
    while (tcsetpgrp(tty, pgrp) != 0 && errno == EINTR)
        ;
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* GX_PROC_FOREGROUND: gives the terminal back to our own group, once. */
static void gx_proc_take_terminal_back(gx_proc *p)
{
    if (p->tty < 0)
        return;
    gx_proc_tcsetpgrp(p->tty, getpgrp());
    gx_proc_close(&p->tty);
}

/* ---- the child ---------------------------------------------------------- */

/* What the child reports through the CLOEXEC pipe when it cannot exec. */
enum gx_proc_step { GX_PROC_STEP_STDIN = 1, GX_PROC_STEP_STDOUT, GX_PROC_STEP_CHDIR,
                    GX_PROC_STEP_EXEC, GX_PROC_STEP_FORK };

typedef struct gx_proc_failure {
    int step;
    int err;
} gx_proc_failure;

/* Everything the child needs, prepared before fork. */
typedef struct gx_proc_child {
    char *const *argv;
    char *const *envp;
    const char *cwd;
    int in_fd, out_fd, err_fd, report_fd;
    pid_t parent;
    /* The caller's allocations of this start (the handle, the label): the
     * keeper never frees or uses them, but keeps them reachable, so that a
     * leak checker following the fork (valgrind) sees them in use rather
     * than lost, and does not turn the keeper's exit status into its own
     * error code. */
    const void *held[2];
    int fd_limit;
    bool foreground; /* GX_PROC_FOREGROUND on a terminal: in_fd is it */
} gx_proc_child;

/* Makes src the descriptor dst, without FD_CLOEXEC. */
static int gx_proc_dup_onto(int src, int dst)
{
    if (src == dst)
        return fcntl(dst, F_SETFD, 0);
    int r;
    do
        r = dup2(src, dst);
    while (r < 0 && (errno == EINTR || errno == EBUSY));
    return r < 0 ? -1 : 0;
}

/* Closes every descriptor from 3 up except keep (the report pipe, CLOEXEC). */
static void gx_proc_close_others(int keep, int fd_limit)
{
#if defined(__linux__) && defined(SYS_close_range)
    bool ok = true;
    if (keep > 3)
        ok = syscall(SYS_close_range, 3u, (unsigned)keep - 1, 0u) == 0;
    if (ok && syscall(SYS_close_range, (unsigned)keep + 1, ~0u, 0u) == 0)
        return;
#endif
    for (int fd = 3; fd < fd_limit; fd++)
        if (fd != keep)
            close(fd);
}

/* The signal the keeper gets when the tool dies (PR_SET_PDEATHSIG). */
#define GX_PROC_KEEPER_SIGNAL SIGUSR2

/* The tool's pid, in the keeper (set before the handler below is installed). */
static volatile pid_t gx_proc_keeper_parent;

/* In the keeper only: the caller's allocations of this start (see
 * gx_proc_child.held), kept reachable from static memory, which a leak
 * checker always scans. */
static const void *volatile gx_proc_keeper_held[2];

/* In the keeper: when the tool died (the keeper was reparented), the whole
 * group goes, the keeper too; the same signal sent by anyone else is ignored. */
static void gx_proc_keeper_signal(int sig)
{
    (void)sig;
    if (getppid() != gx_proc_keeper_parent)
        kill(0, SIGKILL);
}

/* Sets every signal the keeper may change (all but KILL, STOP and glibc's
 * own) to handler. */
static void gx_proc_all_signals(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = handler;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &sa, NULL); /* EINVAL for the reserved ones: fine */
}

static void gx_proc_report(int fd, gx_proc_failure f) __attribute__((noreturn));
static void gx_proc_report(int fd, gx_proc_failure f)
{
    ssize_t w;
    do
        w = write(fd, &f, sizeof f);
    while (w < 0 && errno == EINTR);
    _exit(127);
}

/* The target itself, in the keeper's group: between fork and exec,
 * async-signal-safe calls only. Never returns. */
static void gx_proc_run_target(const gx_proc_child *c, pid_t keeper) __attribute__((noreturn));
static void gx_proc_run_target(const gx_proc_child *c, pid_t keeper)
{
    gx_proc_failure f = {0, 0};
#ifdef __linux__
    /* die with the keeper, should it ever go first */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != keeper)
        _exit(127);
#else
    (void)keeper;
#endif
    gx_proc_all_signals(SIG_DFL); /* the keeper ignores them */

    /* stdin first: the caller's descriptor may be 1 or 2; ours are above 2. */
    if (gx_proc_dup_onto(c->in_fd, STDIN_FILENO) != 0) {
        f.step = GX_PROC_STEP_STDIN;
        goto fail;
    }
    if (gx_proc_dup_onto(c->out_fd, STDOUT_FILENO) != 0 ||
        gx_proc_dup_onto(c->err_fd, STDERR_FILENO) != 0) {
        f.step = GX_PROC_STEP_STDOUT;
        goto fail;
    }
    if (c->cwd && chdir(c->cwd) != 0) {
        f.step = GX_PROC_STEP_CHDIR;
        goto fail;
    }
    gx_proc_close_others(c->report_fd, c->fd_limit);

    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(c->argv[0], c->argv, c->envp);
    f.step = GX_PROC_STEP_EXEC;
fail:
    f.err = errno;
    gx_proc_report(c->report_fd, f);
}

/* The child gx_proc_start forks is the group's keeper: it leads the new
 * process group, forks the target into it and waits for it, then ends the way
 * the target ended (its exit status, or the same signal). It ignores every
 * signal sent to the group (they are the target's; the target starts with
 * all of them at SIG_DFL and an empty mask), holds no
 * descriptor, and when the tool dies (PR_SET_PDEATHSIG) it kills the whole
 * group, itself included: so a SIGKILLed tool takes the script's children
 * along, not only the script. Between fork and exec: async-signal-safe calls
 * only. Never returns. */
static void gx_proc_run_child(const gx_proc_child *c) __attribute__((noreturn));
static void gx_proc_run_child(const gx_proc_child *c)
{
    gx_proc_failure f = {0, 0};
    gx_proc_keeper_parent = c->parent;
    gx_proc_keeper_held[0] = c->held[0];
    gx_proc_keeper_held[1] = c->held[1];
    gx_proc_all_signals(SIG_IGN); /* whatever is sent to the group is the target's */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = gx_proc_keeper_signal;
    sigaction(GX_PROC_KEEPER_SIGNAL, &sa, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL); /* ignored, it would make waitpid fail */
#ifdef __linux__
    /* Die with the tool; a parent that died before this prctl is noticed by
     * the changed parent pid. */
    prctl(PR_SET_PDEATHSIG, GX_PROC_KEEPER_SIGNAL, 0, 0, 0);
    if (getppid() != c->parent)
        _exit(127);
#endif
    setpgid(0, 0);
    if (c->foreground)
        gx_proc_tcsetpgrp(c->in_fd, getpid()); /* the parent does it too */

    pid_t keeper = getpid();
    pid_t target = fork();
    if (target < 0) {
        f.step = GX_PROC_STEP_FORK;
        f.err = errno;
        gx_proc_report(c->report_fd, f);
    }
    if (target == 0)
        gx_proc_run_target(c, keeper);

    /* the report pipe ends when the target execs: hold none of its ends */
#if defined(__linux__) && defined(SYS_close_range)
    if (syscall(SYS_close_range, 0u, ~0u, 0u) != 0)
#endif
        for (int fd = 0; fd < c->fd_limit; fd++)
            close(fd);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    int st = 0;
    while (waitpid(target, &st, 0) < 0)
        if (errno != EINTR)
            _exit(127);
    if (WIFEXITED(st))
        _exit(WEXITSTATUS(st));
    int sig = WTERMSIG(st);
    struct rlimit none_core = {0, 0};
    setrlimit(RLIMIT_CORE, &none_core); /* ending like the target, not dumping */
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
}

/* ---- start -------------------------------------------------------------- */

static void gx_proc_release(gx_proc *p)
{
    for (int i = 0; i < 2; i++)
        gx_proc_close(&p->streams[i].fd);
    gx_proc_close(&p->pidfd);
    gx_proc_take_terminal_back(p);
    gx_proc_close(&p->timer);
    gx_proc_close(&p->ep);
    free(p);
}

static bool gx_proc_watch(gx_proc *p, int fd, uint32_t tag)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.u32 = tag;
    return epoll_ctl(p->ep, EPOLL_CTL_ADD, fd, &ev) == 0;
}

static void gx_proc_unwatch(gx_proc *p, int fd)
{
    struct epoll_event ev; /* non-NULL for kernels before 2.6.9 */
    memset(&ev, 0, sizeof ev);
    epoll_ctl(p->ep, EPOLL_CTL_DEL, fd, &ev);
}

static void gx_proc_arm(gx_proc *p);

gx_proc *gx_proc_start(const gx_proc_opts *opts, gx_diags *diags)
{
    if (!opts || !opts->argv || !opts->argv[0] || !opts->argv[0][0]) {
        gx_diags_add(diags, GX_CODE_PROCESS, NULL, 0, 0, NULL,
                     "cannot start a process: no program given");
        return NULL;
    }
    const char *prog = opts->argv[0];
    char *prog_label = NULL;
    const char *name = opts->name;
    if (!name) {
        size_t n = strlen(prog) + 3;
        prog_label = malloc(n);
        if (prog_label)
            snprintf(prog_label, n, "'%s'", prog);
        name = prog_label ? prog_label : prog;
    }
#define GX_PROC_FAIL(hint, ...)                                                                    \
    do {                                                                                           \
        gx_diags_add(diags, GX_CODE_PROCESS, NULL, 0, 0, hint, __VA_ARGS__);                       \
        goto fail;                                                                                 \
    } while (0)

    gx_proc *p = NULL;
    int out[2] = {-1, -1}, err[2] = {-1, -1}, report[2] = {-1, -1}, devnull = -1;

    if (!opts->env)
        GX_PROC_FAIL(NULL, "cannot start %s: no environment given", name);
    if (opts->timeout_ms < 0 || opts->grace_ms < 0)
        GX_PROC_FAIL(NULL, "cannot start %s: a negative timeout or grace period", name);

    p = malloc(sizeof *p);
    if (!p)
        GX_PROC_FAIL(NULL, "cannot start %s: out of memory", name);
    memset(p, 0, sizeof *p);
    p->ep = p->timer = p->pidfd = p->tty = -1;
    p->streams[0].fd = p->streams[1].fd = -1;
    p->grace_ms = opts->grace_ms > 0 ? opts->grace_ms : GX_PROC_DEFAULT_GRACE_MS;
    p->flags = opts->flags;
    p->on_event = opts->on_event;
    p->event_ctx = opts->event_ctx;

    p->ep = gx_proc_above_stdio(epoll_create1(EPOLL_CLOEXEC));
    if (p->ep < 0)
        GX_PROC_FAIL(NULL, "cannot start %s: epoll: %s", name, strerror(errno));
    p->timer = gx_proc_above_stdio(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    if (p->timer < 0 || !gx_proc_watch(p, p->timer, 0))
        GX_PROC_FAIL(NULL, "cannot start %s: timerfd: %s", name, strerror(errno));
    if (!gx_proc_pipe(out) || !gx_proc_pipe(err) || !gx_proc_pipe(report))
        GX_PROC_FAIL(NULL, "cannot start %s: cannot create a pipe: %s", name, strerror(errno));
    if (fcntl(out[0], F_SETFL, O_NONBLOCK) != 0 || fcntl(err[0], F_SETFL, O_NONBLOCK) != 0 ||
        !gx_proc_watch(p, out[0], 1) || !gx_proc_watch(p, err[0], 2))
        GX_PROC_FAIL(NULL, "cannot start %s: pipe setup: %s", name, strerror(errno));
    bool foreground = (opts->flags & GX_PROC_FOREGROUND) && opts->stdin_fd >= 0 &&
                      isatty(opts->stdin_fd) && tcgetpgrp(opts->stdin_fd) == getpgrp();
    if (foreground) {
        p->tty = fcntl(opts->stdin_fd, F_DUPFD_CLOEXEC, 3);
        if (p->tty < 0)
            GX_PROC_FAIL(NULL, "cannot start %s: cannot keep the terminal: %s", name,
                         strerror(errno));
    }
    if (opts->stdin_fd < 0) {
        devnull = gx_proc_above_stdio(open("/dev/null", O_RDONLY | O_CLOEXEC));
        if (devnull < 0)
            GX_PROC_FAIL(NULL, "cannot start %s: cannot open /dev/null: %s", name,
                         strerror(errno));
    }

    /* Where close_range is missing, the child closes descriptors up to this. */
    struct rlimit rl;
    int fd_limit = 1 << 20;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)fd_limit)
        fd_limit = (int)rl.rlim_cur;
    gx_proc_child c = {
        .argv = (char *const *)opts->argv,
        .envp = (char *const *)opts->env,
        .cwd = opts->cwd,
        .in_fd = opts->stdin_fd < 0 ? devnull : opts->stdin_fd,
        .out_fd = out[1],
        .err_fd = err[1],
        .report_fd = report[1],
        .parent = getpid(),
        .held = {p, prog_label},
        .fd_limit = fd_limit,
        .foreground = foreground,
    };

    pid_t pid = fork();
    if (pid < 0)
        GX_PROC_FAIL(NULL, "cannot start %s: fork: %s", name, strerror(errno));
    if (pid == 0)
        gx_proc_run_child(&c);
    setpgid(pid, pid); /* also here, so the group exists whatever runs first */
    if (p->tty >= 0)
        gx_proc_tcsetpgrp(p->tty, pid); /* the child does it too */
    gx_proc_close(&out[1]);
    gx_proc_close(&err[1]);
    gx_proc_close(&report[1]);
    gx_proc_close(&devnull);

    gx_proc_failure f = {0, 0};
    ssize_t got;
    do
        got = read(report[0], &f, sizeof f);
    while (got < 0 && errno == EINTR);
    gx_proc_close(&report[0]);
    if (got == (ssize_t)sizeof f) {
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ; /* the child _exits right after its report */
        const char *why = strerror(f.err);
        if (f.step == GX_PROC_STEP_CHDIR) {
            if (opts->cwd_name)
                GX_PROC_FAIL(NULL, "cannot enter %s: %s", opts->cwd_name, why);
            GX_PROC_FAIL(NULL, "cannot enter the working directory '%s': %s", opts->cwd, why);
        }
        if (f.step == GX_PROC_STEP_EXEC)
            GX_PROC_FAIL(NULL, "cannot execute %s: %s", name, why);
        if (f.step == GX_PROC_STEP_FORK)
            GX_PROC_FAIL(NULL, "cannot start %s: fork: %s", name, why);
        if (f.step == GX_PROC_STEP_STDIN)
            GX_PROC_FAIL(NULL, "cannot start %s: cannot set up its standard input: %s", name,
                         why);
        GX_PROC_FAIL(NULL, "cannot start %s: cannot set up its output pipes: %s", name, why);
    }

    p->pid = pid;
    p->streams[0].fd = out[0];
    p->streams[1].fd = err[0];
#if defined(__linux__) && defined(SYS_pidfd_open)
    if (!(p->flags & GX_PROC_NO_PIDFD)) {
        /* ENOSYS (kernel before 5.3) or any other failure: exits are noticed
         * by GX_PROC_TICK_MS checks instead. */
        p->pidfd = gx_proc_above_stdio((int)syscall(SYS_pidfd_open, pid, 0u));
        if (p->pidfd >= 0) {
            fcntl(p->pidfd, F_SETFD, FD_CLOEXEC);
            if (!gx_proc_watch(p, p->pidfd, 3))
                gx_proc_close(&p->pidfd);
        }
    }
#endif
    if (opts->timeout_ms > 0)
        p->timeout_at = gx_proc_now_ms() + opts->timeout_ms;
    gx_proc_arm(p);
    free(prog_label);
    return p;

fail:
    gx_proc_close(&out[0]);
    gx_proc_close(&out[1]);
    gx_proc_close(&err[0]);
    gx_proc_close(&err[1]);
    gx_proc_close(&report[0]);
    gx_proc_close(&report[1]);
    gx_proc_close(&devnull);
    if (p)
        gx_proc_release(p);
    free(prog_label);
    return NULL;
#undef GX_PROC_FAIL
}

/* ---- following ---------------------------------------------------------- */

/* Arms the timer for the next deadline, or disarms it. */
static void gx_proc_arm(gx_proc *p)
{
    int64_t next = 0;
#define GX_PROC_CONSIDER(t)                                                                        \
    do {                                                                                           \
        int64_t t_ = (t);                                                                          \
        if (t_ > 0 && (next == 0 || t_ < next))                                                    \
            next = t_;                                                                             \
    } while (0)
    /* Only deadlines that gx_proc_step acts on once they passed (so that a
     * past one cannot keep the descriptor readable). */
    bool group_left = !(p->exited && p->group_gone);
    if (!p->done) {
        if (!p->exited && !p->terminating)
            GX_PROC_CONSIDER(p->timeout_at);
        if (p->terminating && !p->killed && group_left)
            GX_PROC_CONSIDER(p->kill_at);
        if (p->killed && p->exited && group_left && !p->abandoned)
            GX_PROC_CONSIDER(p->giveup_at);
        GX_PROC_CONSIDER(p->drain_until);
        if ((p->exited && group_left && !p->abandoned) || (!p->exited && p->pidfd < 0))
            GX_PROC_CONSIDER(gx_proc_now_ms() + GX_PROC_TICK_MS);
    }
#undef GX_PROC_CONSIDER
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (next > 0) {
        its.it_value.tv_sec = (time_t)(next / 1000);
        its.it_value.tv_nsec = (long)(next % 1000) * 1000000L;
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
            its.it_value.tv_nsec = 1; /* zero would disarm */
    }
    timerfd_settime(p->timer, TFD_TIMER_ABSTIME, &its, NULL);
}

static void gx_proc_deliver(int stream, char *line, size_t len, gx_proc_line_fn fn, void *ctx)
{
    line[len] = '\0';
    if (fn)
        fn(ctx, stream, line, len);
}

/* Delivers the whole lines among the added bytes of s. */
static void gx_proc_lines(gx_proc_stream *s, int stream, size_t added, gx_proc_line_fn fn,
                          void *ctx)
{
    size_t start = 0, scan = s->len;
    s->len += added;
    char *nl;
    while (scan < s->len && (nl = memchr(s->buf + scan, '\n', s->len - scan)) != NULL) {
        size_t end = (size_t)(nl - s->buf);
        gx_proc_deliver(stream, s->buf + start, end - start, fn, ctx);
        start = scan = end + 1;
    }
    if (start > 0) {
        memmove(s->buf, s->buf + start, s->len - start);
        s->len -= start;
    }
    if (s->len == GX_PROC_LINE_MAX) { /* a piece of a longer line */
        gx_proc_deliver(stream, s->buf, s->len, fn, ctx);
        s->len = 0;
    }
}

/* The stream ended (or failed): delivers a last unfinished line and closes it. */
static void gx_proc_end_stream(gx_proc *p, int i, gx_proc_line_fn fn, void *ctx)
{
    gx_proc_stream *s = &p->streams[i];
    if (s->fd < 0)
        return;
    gx_proc_unwatch(p, s->fd);
    gx_proc_close(&s->fd);
    if (s->len > 0)
        gx_proc_deliver(i + 1, s->buf, s->len, fn, ctx);
    s->len = 0;
}

static void gx_proc_read(gx_proc *p, int i, gx_proc_line_fn fn, void *ctx)
{
    gx_proc_stream *s = &p->streams[i];
    for (int reads = 0; s->fd >= 0 && reads < GX_PROC_READS_PER_POLL; reads++) {
        ssize_t n = read(s->fd, s->buf + s->len, GX_PROC_LINE_MAX - s->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (i == 1 && s->len > 0 && (p->flags & GX_PROC_PROMPTS)) {
                gx_proc_deliver(2 | GX_PROC_PARTIAL, s->buf, s->len, fn, ctx); /* a prompt */
                s->len = 0;
            }
            return;
        }
        if (n <= 0) {
            gx_proc_end_stream(p, i, fn, ctx);
            return;
        }
        gx_proc_lines(s, i + 1, (size_t)n, fn, ctx);
    }
}

/* Reaps the child itself if it exited (its pid only). */
static void gx_proc_reap(gx_proc *p)
{
    if (p->exited)
        return;
    int st = 0;
    pid_t r;
    do
        r = waitpid(p->pid, &st, WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == p->pid) {
        p->wstatus = st;
    } else if (r < 0 && errno == ECHILD) {
        p->lost = true; /* reaped behind our back */
    } else {
        return;
    }
    p->exited = true;
    gx_proc_take_terminal_back(p);
    if (p->pidfd >= 0) {
        gx_proc_unwatch(p, p->pidfd);
        gx_proc_close(&p->pidfd);
    }
    gx_proc_emit(p, GX_PROC_EV_EXITED);
}

/* Reaps zombies of the group that are the caller's children (subreaper). */
static void gx_proc_reap_group(gx_proc *p)
{
    if (!(p->flags & GX_PROC_REAP_GROUP) || !p->exited || p->group_gone)
        return;
    for (;;) {
        int st;
        pid_t r = waitpid(-p->pid, &st, WNOHANG);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
    }
}

/* True while members of the group may exist (so signalling it is safe). */
static bool gx_proc_group_may_exist(gx_proc *p)
{
    if (p->exited && !p->group_gone)
        p->group_gone = gx_proc_group_gone(p->pid);
    return !(p->exited && p->group_gone);
}

static void gx_proc_terminate(gx_proc *p, int64_t now)
{
    if (p->terminating)
        return;
    p->terminating = true;
    p->kill_at = now + p->grace_ms;
    if (gx_proc_group_may_exist(p)) {
        kill(-p->pid, SIGTERM);
        kill(-p->pid, SIGCONT); /* a stopped member must be able to act on SIGTERM */
    }
}

static void gx_proc_step(gx_proc *p, gx_proc_line_fn fn, void *ctx)
{
    uint64_t expirations;
    while (read(p->timer, &expirations, sizeof expirations) < 0 && errno == EINTR)
        ;
    for (int i = 0; i < 2; i++)
        gx_proc_read(p, i, fn, ctx);
    gx_proc_reap(p);
    gx_proc_reap_group(p);

    int64_t now = gx_proc_now_ms();
    if (!p->exited && !p->terminating && p->timeout_at > 0 && now >= p->timeout_at) {
        p->timed_out = true;
        gx_proc_terminate(p, now);
        gx_proc_emit(p, GX_PROC_EV_TIMED_OUT);
    }
    if (p->exited && !gx_proc_group_may_exist(p)) {
        /* nothing left to stop */
    } else if (p->exited && !p->terminating) {
        gx_proc_emit(p, GX_PROC_EV_LEFTOVERS);
        gx_proc_terminate(p, now);
    } else if (p->terminating && !p->killed && now >= p->kill_at) {
        p->killed = true;
        p->giveup_at = now + GX_PROC_KILL_WAIT_MS;
        gx_proc_emit(p, GX_PROC_EV_KILLED);
        kill(-p->pid, SIGKILL);
    } else if (p->killed && !p->abandoned) {
        kill(-p->pid, SIGKILL); /* members that forked meanwhile */
        if (p->exited && now >= p->giveup_at) {
            p->abandoned = true;
            gx_proc_emit(p, GX_PROC_EV_ABANDONED);
        }
    }

    if (p->exited && (p->group_gone || p->abandoned)) {
        bool open = p->streams[0].fd >= 0 || p->streams[1].fd >= 0;
        if (open && p->drain_until == 0)
            p->drain_until = now + p->grace_ms;
        if (open && (p->abandoned || now >= p->drain_until)) {
            for (int i = 0; i < 2; i++) {
                gx_proc_read(p, i, fn, ctx);
                gx_proc_end_stream(p, i, fn, ctx);
            }
            open = false;
        }
        if (!open)
            p->done = true;
    }
    gx_proc_arm(p);
}

bool gx_proc_poll(gx_proc *p, int timeout_ms, gx_proc_line_fn fn, void *ctx)
{
    if (p->done)
        return true;
    if (timeout_ms != 0) {
        struct epoll_event ev[4];
        (void)epoll_wait(p->ep, ev, 4, timeout_ms < 0 ? -1 : timeout_ms); /* EINTR: go on */
    }
    gx_proc_step(p, fn, ctx);
    return p->done;
}

int gx_proc_fd(const gx_proc *p)
{
    return p->ep;
}

void gx_proc_signal(gx_proc *p, int sig)
{
    if (p->done || !gx_proc_group_may_exist(p))
        return;
    kill(-p->pid, sig);
}

void gx_proc_cancel(gx_proc *p)
{
    if (p->done)
        return;
    p->cancelled = true;
    if (!p->terminating) {
        gx_proc_terminate(p, gx_proc_now_ms());
        gx_proc_arm(p);
    }
}

bool gx_proc_done(const gx_proc *p)
{
    return p->done;
}

bool gx_proc_exited(const gx_proc *p)
{
    return p->exited;
}

int gx_proc_status(const gx_proc *p)
{
    if (!p->exited)
        return -1;
    if (p->timed_out)
        return GX_PROC_TIMED_OUT;
    if (p->lost)
        return -1;
    if (WIFEXITED(p->wstatus))
        return WEXITSTATUS(p->wstatus);
    if (WIFSIGNALED(p->wstatus))
        return 128 + WTERMSIG(p->wstatus);
    return -1;
}

bool gx_proc_timed_out(const gx_proc *p)
{
    return p->timed_out;
}

bool gx_proc_cancelled(const gx_proc *p)
{
    return p->cancelled;
}

long gx_proc_pid(const gx_proc *p)
{
    return (long)p->pid;
}

void gx_proc_free(gx_proc *p)
{
    if (!p)
        return;
    if (!p->done) {
        if (gx_proc_group_may_exist(p))
            kill(-p->pid, SIGKILL);
        if (!p->exited) {
            int st;
            while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
                ;
        }
    }
    gx_proc_release(p);
}
