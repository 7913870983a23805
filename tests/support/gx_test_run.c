/* gx_test_run — see gx_test_run.h. */
#include "gx_test_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gx_buf.h"

/* How long, after the kill at the timeout, output is still drained (a process
 * that left the group may hold the pipes open). */
enum { GX_TEST_RUN_DRAIN_MS = 5000 };

static int64_t gx_test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void gx_test_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* In the child: says why it cannot go on and exits with status. */
static _Noreturn void gx_test_child_fail(int status, const char *what, const char *arg)
{
    dprintf(2, "gx_test_run: %s %s: %s\n", what, arg, strerror(errno));
    _exit(status);
}

/* What the child does once set up: exec argv, or call fn(ctx). */
typedef struct gx_test_job {
    const char *const *argv;
    void (*fn)(void *ctx);
    void *ctx;
} gx_test_job;

/* In the child, after fork: stdio onto the pipes, then the options, then the job. */
static _Noreturn void gx_test_child(const gx_test_job *job, const gx_test_run_opts *o,
                                    const int pin[2], const int pout[2], const int perr[2])
{
    setpgid(0, 0);
    if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0 || dup2(perr[1], 2) < 0)
        _exit(GX_TEST_RUN_SETUP_FAILED);
    for (int i = 0; i < 2; i++)
        close(pin[i]), close(pout[i]), close(perr[i]);
    signal(SIGPIPE, SIG_DFL);
    if (o->cwd && chdir(o->cwd) != 0)
        gx_test_child_fail(GX_TEST_RUN_SETUP_FAILED, "cannot change to", o->cwd);
    if (o->fsize_limit > 0 || o->limit_fsize) {
        struct rlimit rl = {(rlim_t)o->fsize_limit, (rlim_t)o->fsize_limit};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            gx_test_child_fail(GX_TEST_RUN_SETUP_FAILED, "cannot set", "RLIMIT_FSIZE");
    }
    if (o->env) {
        clearenv();
        for (size_t i = 0; o->env[i]; i++)
            if (putenv((char *)o->env[i]) != 0)
                gx_test_child_fail(GX_TEST_RUN_SETUP_FAILED, "cannot set", o->env[i]);
    }
    for (size_t i = 0; o->set_env && o->set_env[i]; i++)
        if (putenv((char *)o->set_env[i]) != 0)
            gx_test_child_fail(GX_TEST_RUN_SETUP_FAILED, "cannot set", o->set_env[i]);
    if (job->fn) {
        job->fn(job->ctx);
        fflush(NULL);
        _exit(0);
    }
    if (o->search_path)
        execvp(job->argv[0], (char *const *)job->argv);
    else
        execv(job->argv[0], (char *const *)job->argv);
    gx_test_child_fail(GX_TEST_RUN_EXEC_FAILED, "cannot execute", job->argv[0]);
}

/* Feeds stdin and drains stdout and stderr until both end; at the deadline the
 * child's process group is killed. */
static void gx_test_pump(pid_t pid, unsigned timeout_s, const char *in, size_t in_len,
                         int fds[3], gx_buf *out, gx_buf *err, bool *timed_out)
{
    size_t in_done = 0;
    int64_t deadline = gx_test_now_ms() + (int64_t)timeout_s * 1000;
    while (fds[1] >= 0 || fds[2] >= 0) {
        struct pollfd p[3];
        int which[3];
        nfds_t n = 0;
        for (int k = 0; k < 3; k++)
            if (fds[k] >= 0) {
                p[n] = (struct pollfd){fds[k], (short)(k == 0 ? POLLOUT : POLLIN), 0};
                which[n++] = k;
            }
        int64_t left = deadline - gx_test_now_ms();
        if (left <= 0) {
            if (*timed_out)
                break; /* still open after the kill: give up on the rest */
            *timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            gx_test_close(&fds[0]);
            deadline = gx_test_now_ms() + GX_TEST_RUN_DRAIN_MS;
            continue;
        }
        int ready = poll(p, n, left > 1000 ? 1000 : (int)left);
        if (ready < 0 && errno != EINTR)
            break;
        for (nfds_t i = 0; ready > 0 && i < n; i++) {
            if (!p[i].revents)
                continue;
            int k = which[i];
            if (k == 0) {
                ssize_t w = write(fds[0], in + in_done, in_len - in_done);
                if (w > 0)
                    in_done += (size_t)w;
                if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_done == in_len)
                    gx_test_close(&fds[0]); /* all written, or the child closed stdin */
                continue;
            }
            char chunk[65536];
            ssize_t got = read(fds[k], chunk, sizeof chunk);
            if (got > 0)
                gx_buf_put(k == 1 ? out : err, chunk, (size_t)got);
            else if (got == 0 || (errno != EINTR && errno != EAGAIN))
                gx_test_close(&fds[k]);
        }
    }
    for (int k = 0; k < 3; k++)
        gx_test_close(&fds[k]);
}

static bool gx_test_spawn(const gx_test_job *job, const gx_test_run_opts *opts,
                          gx_test_run_result *r)
{
    static const gx_test_run_opts defaults = {0};
    const gx_test_run_opts *o = opts ? opts : &defaults;
    memset(r, 0, sizeof *r);
    int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
    if (pipe2(pin, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0 ||
        pipe2(perr, O_CLOEXEC) != 0) {
        int e = errno;
        for (int i = 0; i < 2; i++)
            gx_test_close(&pin[i]), gx_test_close(&pout[i]), gx_test_close(&perr[i]);
        errno = e;
        return false;
    }
    /* a child that exits before reading all of stdin must not kill the test */
    struct sigaction ignore = {.sa_handler = SIG_IGN}, old_pipe;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &old_pipe);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        gx_test_child(job, o, pin, pout, perr);
    int e = errno;
    close(pin[0]), close(pout[1]), close(perr[1]);
    int fds[3] = {pin[1], pout[0], perr[0]};
    if (pid < 0) {
        for (int k = 0; k < 3; k++)
            gx_test_close(&fds[k]);
        sigaction(SIGPIPE, &old_pipe, NULL);
        errno = e;
        return false;
    }
    setpgid(pid, pid); /* as the child does: the group exists before any kill */
    if (!o->in || o->in_len == 0)
        gx_test_close(&fds[0]);
    else
        fcntl(fds[0], F_SETFL, O_NONBLOCK);

    gx_buf out = GX_BUF_INIT, err = GX_BUF_INIT;
    gx_buf_extend(&out, 0); /* never NULL, even when nothing is written */
    gx_buf_extend(&err, 0);
    gx_test_pump(pid, o->timeout_s ? o->timeout_s : GX_TEST_RUN_TIMEOUT_S, o->in, o->in_len,
                 fds, &out, &err, &r->timed_out);
    sigaction(SIGPIPE, &old_pipe, NULL);

    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(ws)) {
        r->status = WEXITSTATUS(ws);
    } else {
        r->status = -1;
        r->signal = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;
    }
    r->out = out.data, r->out_len = out.len;
    r->err = err.data, r->err_len = err.len;
    return true;
}

bool gx_test_run(const char *const *argv, const gx_test_run_opts *opts, gx_test_run_result *r)
{
    gx_test_job job = {argv, NULL, NULL};
    return gx_test_spawn(&job, opts, r);
}

bool gx_test_run_function(void (*fn)(void *ctx), void *ctx, const gx_test_run_opts *opts,
                          gx_test_run_result *r)
{
    gx_test_job job = {NULL, fn, ctx};
    return gx_test_spawn(&job, opts, r);
}

void gx_test_run_free(gx_test_run_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

int gx_test_wait(pid_t pid)
{
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}
