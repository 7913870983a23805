/* gx_proc — a child process that is started, followed and cancelled without
 * blocking (docs/architecture.md, "Child processes"): its stdout and stderr
 * arrive through pipes as lines, an event loop (poll, epoll, libevent) waits
 * on one descriptor, and a timeout or cancel stops the child's whole process
 * group. The core's apply targets (gx_apply) are built on it, and through
 * them every front end.
 * Depends on gx_diag and Linux (epoll, timerfd, pidfd_open when the kernel has
 * it, prctl(PR_SET_PDEATHSIG)).
 *
 * Conventions for every function here:
 * - Nothing is ever written to the process's stdout or stderr, and the child
 *   never inherits them: its stdout and stderr are pipes read by gx_proc_poll,
 *   its stdin is /dev/null unless the caller hands a descriptor on.
 * - No process-wide state is touched: no signal handler, no SIGCHLD takeover,
 *   no change of the signal mask, no global variable. The only reaping is
 *   waitpid(pid, WNOHANG) on the child's own pid (never wait(-1)), plus, when
 *   asked with GX_PROC_REAP_GROUP, waitpid(-pgid) on members of the child's own
 *   group once the child itself was reaped.
 * - The caller must leave SIGCHLD at a disposition that keeps zombies (SIG_DFL
 *   or a handler without SA_NOCLDWAIT) and must not reap the child itself;
 *   otherwise its exit status is lost (gx_proc_status then gives -1).
 * - Every descriptor is O_CLOEXEC. A handle belongs to one thread at a time;
 *   different handles may be used from different threads.
 * - Failures to start are one diagnostic (code GX_CODE_PROCESS, no file) and a
 *   NULL return; once started, nothing can fail that the caller must handle.
 *
 * The child: gx_proc_start forks a keeper that leads a new process group (its
 * pid is the group id; setpgid in child and parent) and forks the target into
 * it. The target gets working directory opts->cwd, environment exactly
 * opts->env, stdout and stderr pipes, stdin /dev/null or opts->stdin_fd, every
 * other descriptor closed (close_range, or a loop where the kernel lacks it),
 * an empty signal mask and every signal at SIG_DFL. The keeper holds no
 * descriptor, ignores every signal sent to the group (they are the target's),
 * waits for the target and ends the way it ended (the same exit status or the
 * same signal), so gx_proc_status is the target's. On Linux the keeper has
 * PR_SET_PDEATHSIG (checked against a parent that died before the prctl):
 * when the tool dies, even of SIGKILL, the keeper kills its whole group, the
 * target's own children included. PR_SET_PDEATHSIG fires when the THREAD that
 * called gx_proc_start ends, not only the process: in a threaded front end,
 * start children from a thread that outlives them.
 *
 * Stopping the group ("terminate"): SIGTERM and SIGCONT (a stopped member must
 * be able to act on SIGTERM) to the group; once grace_ms pass, SIGKILL to the
 * group, repeated while members are left; GX_PROC_KILL_WAIT_MS after the first
 * SIGKILL with members still there (unkillable, or zombies nobody reaps), the
 * group is given up (GX_PROC_EV_ABANDONED). Processes that moved to another group
 * or session are out of reach, as with any process-group based tool.
 * Orphaned members of the group are reparented to init (or the nearest child
 * subreaper) and exist as zombies until it reaps them; the group counts as
 * gone only after that. A caller that is a child subreaper itself sets
 * GX_PROC_REAP_GROUP so that gx_proc reaps them. */
#ifndef GX_PROC_H
#define GX_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_diag.h"

/* Longest line delivered in one piece; see gx_proc_line_fn. */
#define GX_PROC_LINE_MAX 65536

/* Exit status given for a child that ran out of time (as timeout(1) does). */
#define GX_PROC_TIMED_OUT 124

/* Milliseconds between SIGTERM and SIGKILL when grace_ms is 0. */
#define GX_PROC_DEFAULT_GRACE_MS 2000

/* Milliseconds after the first SIGKILL before a group that is still there is
 * given up. */
#define GX_PROC_KILL_WAIT_MS 5000

/* Milliseconds between checks while something can only be polled: members of
 * the group left after the child exited, or the child's exit without pidfd. */
#define GX_PROC_TICK_MS 50

typedef struct gx_proc gx_proc;

/* What gx_proc_poll did on its own, for callers that report it. Delivered
 * from inside gx_proc_poll. */
typedef enum gx_proc_event {
    GX_PROC_EV_EXITED,    /* the child was reaped: gx_proc_status is final (output
                           * and members of the group may still be pending) */
    GX_PROC_EV_TIMED_OUT, /* timeout_ms passed: the group is being terminated */
    GX_PROC_EV_LEFTOVERS, /* the child exited but members of its group are left:
                           * the group is being terminated */
    GX_PROC_EV_KILLED,    /* grace_ms passed after SIGTERM: SIGKILL sent to the group */
    GX_PROC_EV_ABANDONED  /* the group was still there GX_PROC_KILL_WAIT_MS after
                           * SIGKILL: given up, gx_proc_poll finishes anyway */
} gx_proc_event;

typedef void (*gx_proc_event_fn)(void *ctx, gx_proc_event event);

/* A line of the child's output. stream is 1 for stdout, 2 for stderr. line
 * holds len bytes without the '\n', followed by a NUL for convenience (the
 * line may hold NULs of its own: len is authoritative); it is valid during
 * the call only. A last line without '\n' is delivered when its stream ends.
 * A line longer than GX_PROC_LINE_MAX comes in pieces: a delivery of exactly
 * GX_PROC_LINE_MAX bytes is a piece, and the line goes on in the next delivery
 * of the same stream (which is empty when the line ended right there), so the
 * output can be put together again byte for byte (except whether the very
 * last line of a stream had a '\n'). Lines of both streams are delivered in
 * the order read; the order between stdout and stderr is only approximate, as
 * with any two pipes. The callback may call gx_proc_signal and gx_proc_cancel,
 * but not gx_proc_poll or gx_proc_free. */
typedef void (*gx_proc_line_fn)(void *ctx, int stream, const char *line, size_t len);

/* Or'ed into stream (only with GX_PROC_PROMPTS): the bytes are the start (or
 * the next part) of a stderr line that has no '\n' yet — a prompt. Show them
 * without ending the line; the rest of the line comes in a later delivery. */
#define GX_PROC_PARTIAL 0x100

/* Flags of gx_proc_opts. */
enum {
    /* The caller is a child subreaper (prctl PR_SET_CHILD_SUBREAPER): once the
     * child was reaped, reap members of its group too (waitpid(-pgid, WNOHANG)),
     * which are then the caller's children; else their zombies keep the group
     * alive. */
    GX_PROC_REAP_GROUP = 1u << 0,
    /* Do not use pidfd_open even where the kernel has it: the child's exit is
     * then noticed every GX_PROC_TICK_MS, as on kernels without pidfd. For
     * tests of that path. */
    GX_PROC_NO_PIDFD = 1u << 1,
    /* stdin_fd is a terminal on which the caller's process group is the
     * foreground group: the child's group becomes the foreground group while
     * the child runs (tcsetpgrp, in the child and the parent, so either order
     * works), so that a prompt of a program in it (a credential plugin asking
     * for an MFA or device code) can read the terminal and Ctrl-C reaches it;
     * once the child was reaped (or the handle is freed, or the start fails)
     * the terminal goes back to the caller's group. SIGTTOU is blocked in the
     * calling thread around each tcsetpgrp and restored, so taking the
     * terminal back from the background does not stop the caller. While the
     * child has the terminal the caller is in the background: a caller that
     * writes to the terminal keeps SIGTTOU blocked meanwhile (a terminal with
     * `stty tostop` would stop it otherwise). Ignored when stdin_fd is not a
     * terminal, or the caller's group is not its foreground group. */
    GX_PROC_FOREGROUND = 1u << 2,
    /* Deliver what stderr holds of an unfinished line as soon as the pipe is
     * idle, with GX_PROC_PARTIAL in stream, so a prompt ("Enter MFA code: ")
     * shows before its answer is typed. Output stays byte for byte the
     * same when the parts are put together. */
    GX_PROC_PROMPTS = 1u << 3,
};

typedef struct gx_proc_opts {
    const char *const *argv; /* NULL-terminated; argv[0] is executed as it is (no
                              * PATH search): an absolute path, or one found by the
                              * caller (gx_run_find_executable). Required. */
    const char *const *env;  /* the child's whole environment, NULL-terminated
                              * "NAME=VALUE" strings. Required: the parent's
                              * environment is never handed on. */
    const char *cwd;         /* working directory of the child; NULL: ours */
    int timeout_ms;          /* 0: none; else once it passes with the child still
                              * running, the group is terminated (event
                              * GX_PROC_EV_TIMED_OUT), the status is
                              * GX_PROC_TIMED_OUT and gx_proc_timed_out is true */
    int grace_ms;            /* SIGTERM -> SIGKILL delay; 0: GX_PROC_DEFAULT_GRACE_MS.
                              * Also how long output is still read after the group
                              * is gone while a process outside it holds a pipe. */
    int stdin_fd;            /* -1: /dev/null; otherwise this descriptor is dup'ed
                              * onto the child's stdin (e.g. a terminal). NOTE: 0
                              * is the caller's own stdin, so a zeroed struct hands
                              * stdin on; start from GX_PROC_OPTS_INIT. */
    unsigned flags;          /* GX_PROC_REAP_GROUP, GX_PROC_NO_PIDFD,
                              * GX_PROC_FOREGROUND, GX_PROC_PROMPTS */
    const char *name;        /* how diagnostics name the program ("bash"); NULL:
                              * 'argv[0]' */
    const char *cwd_name;    /* how diagnostics name cwd ("the workspace"); NULL:
                              * "the working directory 'CWD'" */
    gx_proc_event_fn on_event; /* NULL: none */
    void *event_ctx;
} gx_proc_opts;

/* Options with stdin /dev/null and everything else zero. */
#define GX_PROC_OPTS_INIT {.stdin_fd = -1}

/* Starts the child and returns its handle, or NULL with one diagnostic when
 * it cannot start: bad options (no argv[0], no env, a negative timeout or
 * grace), no pipe/epoll/timer descriptors, fork failure, or a failure in the
 * child before exec — cannot enter cwd, cannot set up stdin, cannot execute
 * argv[0] (missing, not executable, bad format) — which the child reports as
 * its errno through a CLOEXEC pipe; that child is reaped before NULL is
 * returned, so no process is left. Returns once the child has exec'd; the
 * timeout counts from then. */
gx_proc *gx_proc_start(const gx_proc_opts *opts, gx_diags *diags);

/* ONE descriptor for an event loop: it is readable whenever gx_proc_poll has
 * something to do — output, end of output, the child's exit, or a deadline
 * (timeout, grace, a GX_PROC_TICK_MS check). Wait for readability (poll
 * POLLIN, epoll EPOLLIN, level-triggered), then call gx_proc_poll(p, 0, ...);
 * a wake-up with nothing to do is harmless. It is an epoll descriptor holding
 * the two pipes, a pidfd and a timerfd. Owned by the handle: do not close it.
 * Once gx_proc_poll returned true it never becomes readable again. */
int gx_proc_fd(const gx_proc *p);

/* Waits up to timeout_ms (0: not at all, -1: until something happens) for
 * gx_proc_fd to become readable, then: reads what is available (at most about
 * 1 MiB per stream per call, so one busy child cannot starve a loop) and
 * delivers the whole lines to fn (NULL: output is discarded); reaps the child
 * when it exited; enforces the deadlines (timeout, grace, kill wait); after
 * the child exited, terminates members of its group that are left
 * (GX_PROC_EV_LEFTOVERS); delivers events to opts->on_event. Returns true once
 * the child was reaped AND both pipes reached their end AND no member of its
 * group is left (or the group was given up) — gx_proc_done — and from then on
 * at once. Output still held open by a process outside the group is read for
 * grace_ms after the group is gone, then dropped. EINTR is absorbed. */
bool gx_proc_poll(gx_proc *p, int timeout_ms, gx_proc_line_fn fn, void *ctx);

/* Sends sig to the whole process group (kill(-pgid, sig)), e.g. to pass on a
 * SIGINT. Does nothing once the child was reaped and no member is left (the
 * group id could belong to someone else by then). */
void gx_proc_signal(gx_proc *p, int sig);

/* Terminates the group now without blocking: SIGTERM and SIGCONT, SIGKILL
 * after grace_ms, enforced by later gx_proc_poll calls (keep polling until it
 * returns true). gx_proc_cancelled becomes true; the status is what the child
 * then did, usually 128 + the signal that ended it. Does nothing once done;
 * a second call, or one during a timeout, changes no deadline. */
void gx_proc_cancel(gx_proc *p);

/* True once gx_proc_poll returned true. */
bool gx_proc_done(const gx_proc *p);

/* True once the child itself was reaped (GX_PROC_EV_EXITED): gx_proc_status is
 * final, though output and members of its group may still be pending. */
bool gx_proc_exited(const gx_proc *p);

/* The exit status: the child's exit code; 128 + n when signal n ended it;
 * GX_PROC_TIMED_OUT when the timeout passed first (whatever the child then
 * did). -1 before the child was reaped, or when its status was lost (the
 * child was reaped by someone else, e.g. SIGCHLD set to SIG_IGN). */
int gx_proc_status(const gx_proc *p);

/* True when the timeout passed while the child was running. */
bool gx_proc_timed_out(const gx_proc *p);

/* True when gx_proc_cancel was called before the handle was done. */
bool gx_proc_cancelled(const gx_proc *p);

/* The child's pid, which is also its process group id. */
long gx_proc_pid(const gx_proc *p);

/* Frees the handle (NULL: nothing). A child that was not reaped yet gets
 * SIGKILL — with the group, when members are left — and is reaped (this
 * waits for it to die); members of the group are sent SIGKILL, not waited
 * for. Closes every descriptor. */
void gx_proc_free(gx_proc *p);

#endif
