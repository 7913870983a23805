/* Tests of gx_proc: non-blocking child processes (exit status, timeout and
 * cancel of the whole group, lines of stdout and stderr, a child's output
 * never reaching our own stdout, the event-loop descriptor, the child's
 * environment, descriptors and signals, start failures, the caller's signal
 * mask and SIGCHLD action left alone, PR_SET_PDEATHSIG). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gx_diag.h"
#include "gx_proc.h"
#include "gx_test_util.h"

/* ---- helpers ------------------------------------------------------------ */

static const char *const base_env[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", NULL};

typedef struct line {
    int stream;
    size_t len;
    char *text;
} line;

/* Everything a child delivered. */
typedef struct collect {
    line *items;
    size_t count, cap;
    unsigned events; /* bit per gx_proc_event seen */
    gx_proc *cancel_on_first; /* cancel this handle when the first line arrives */
} collect;

static void on_line(void *ctx, int stream, const char *text, size_t len)
{
    collect *c = ctx;
    assert_true(stream == 1 || stream == 2);
    assert_true(len <= GX_PROC_LINE_MAX);
    assert_int_equal(text[len], '\0');
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->items = realloc(c->items, c->cap * sizeof *c->items);
        assert_non_null(c->items);
    }
    line *l = &c->items[c->count++];
    l->stream = stream;
    l->len = len;
    l->text = malloc(len + 1);
    assert_non_null(l->text);
    memcpy(l->text, text, len + 1);
    if (c->cancel_on_first) {
        gx_proc_cancel(c->cancel_on_first);
        c->cancel_on_first = NULL;
    }
}

static void on_event(void *ctx, gx_proc_event ev)
{
    collect *c = ctx;
    c->events |= 1u << ev;
}

static void collect_free(collect *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->items[i].text);
    free(c->items);
    memset(c, 0, sizeof *c);
}

/* The lines of one stream, in order (pointers into c). */
static size_t lines_of(const collect *c, int stream, const line **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < c->count; i++)
        if (c->items[i].stream == stream && n < max)
            out[n++] = &c->items[i];
    return n;
}

static gx_proc_opts opts_for(const char *const *argv, collect *c)
{
    gx_proc_opts o = GX_PROC_OPTS_INIT;
    o.argv = argv;
    o.env = base_env;
    o.on_event = on_event;
    o.event_ctx = c;
    return o;
}

static gx_proc *start(const gx_proc_opts *o)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_proc *p = gx_proc_start(o, &diags);
    if (!p) {
        gx_diags_print(&diags, stderr);
        gx_diags_free(&diags);
        fail_msg("gx_proc_start failed");
    }
    assert_int_equal(diags.count, 0);
    gx_diags_free(&diags);
    return p;
}

/* Polls until done; fails (after killing the group) when that takes longer
 * than limit_ms. */
static void finish(gx_proc *p, collect *c, int limit_ms)
{
    int64_t end = gx_test_now_ms() + limit_ms;
    while (!gx_proc_poll(p, 100, on_line, c)) {
        if (gx_test_now_ms() > end) {
            kill(-(pid_t)gx_proc_pid(p), SIGKILL);
            gx_proc_free(p);
            fail_msg("the child did not finish within %d ms", limit_ms);
        }
    }
    assert_true(gx_proc_done(p));
    assert_true(gx_proc_exited(p));
}

/* Runs argv to the end and returns its status. */
static int run_sh(const char *script, collect *c)
{
    const char *argv[] = {"/bin/bash", "-c", script, NULL};
    gx_proc_opts o = opts_for(argv, c);
    gx_proc *p = start(&o);
    finish(p, c, 20000);
    int st = gx_proc_status(p);
    gx_proc_free(p);
    return st;
}

static bool gone(pid_t pid)
{
    return kill(pid, 0) < 0 && errno == ESRCH;
}

/* Asserts that no process of group pgid is left (zombies included), then
 * frees p and what c collected. */
static void free_gone(gx_proc *p, collect *c, pid_t pgid)
{
    assert_true(gone(-pgid));
    gx_proc_free(p);
    collect_free(c);
}

/* True when pid no longer runs: gone, or a zombie waiting for its reaper. */
static bool dead(pid_t pid)
{
    return !gx_test_pid_runs(pid);
}

static bool wait_dead(pid_t pid, int limit_ms)
{
    return gx_test_wait_for(dead, pid, limit_ms);
}

static bool readable(int fd, int ms)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    int r;
    do
        r = poll(&pfd, 1, ms);
    while (r < 0 && errno == EINTR);
    return r == 1 && (pfd.revents & POLLIN);
}

/* ---- exit status -------------------------------------------------------- */

static void test_exit_codes(void **state)
{
    (void)state;
    collect c = {0};
    assert_int_equal(run_sh("exit 0", &c), 0);
    assert_int_equal(run_sh("exit 7", &c), 7);
    assert_int_equal(run_sh("exit 255", &c), 255);
    assert_int_equal(run_sh("kill -USR1 $$; sleep 5", &c), 128 + SIGUSR1);
    assert_int_equal(run_sh("kill -KILL $$", &c), 128 + SIGKILL);
    assert_int_equal(c.count, 0);
    assert_true(c.events & (1u << GX_PROC_EV_EXITED));
    assert_false(c.events & (1u << GX_PROC_EV_TIMED_OUT));

    /* the fallback without pidfd: exits noticed by ticks */
    const char *argv[] = {"/bin/sh", "-c", "sleep 0.1; exit 3", NULL};
    gx_proc_opts o = opts_for(argv, &c);
    o.flags = GX_PROC_NO_PIDFD;
    gx_proc *p = start(&o);
    finish(p, &c, 10000);
    assert_int_equal(gx_proc_status(p), 3);
    assert_false(gx_proc_timed_out(p));
    assert_false(gx_proc_cancelled(p));
    gx_proc_free(p);
    collect_free(&c);
}

/* ---- timeout, cancel, leftovers ---------------------------------------- */

/* The pid a script printed as its first stdout line. */
static pid_t first_pid(const collect *c)
{
    const line *l[4] = {0};
    assert_true(lines_of(c, 1, l, 4) >= 1);
    pid_t pid = (pid_t)atol(l[0]->text);
    assert_true(pid > 0);
    return pid;
}

static void test_timeout_kills_the_group(void **state)
{
    (void)state;
    collect c = {0};
    const char *argv[] = {"/bin/bash", "-c", "sleep 100 & echo $!; sleep 100; echo after",
                          NULL};
    gx_proc_opts o = opts_for(argv, &c);
    o.timeout_ms = 300;
    int64_t t0 = gx_test_now_ms();
    gx_proc *p = start(&o);
    pid_t pgid = (pid_t)gx_proc_pid(p);
    finish(p, &c, 15000);
    assert_true(gx_test_now_ms() - t0 >= 300);
    assert_int_equal(gx_proc_status(p), GX_PROC_TIMED_OUT);
    assert_true(gx_proc_timed_out(p));
    assert_false(gx_proc_cancelled(p));
    assert_true(c.events & (1u << GX_PROC_EV_TIMED_OUT));
    assert_true(gone(-pgid)); /* the whole group, the grandchild included */
    assert_true(gone(first_pid(&c)));
    assert_int_equal(c.count, 1); /* no "after" */
    gx_proc_free(p);
    collect_free(&c);
}

static void test_timeout_escalates_to_sigkill(void **state)
{
    (void)state;
    collect c = {0};
    /* SIGTERM ignored by the shell and, inherited, by its background sleep */
    const char *argv[] = {"/bin/bash", "-c", "trap '' TERM; sleep 100 & echo $!; wait", NULL};
    gx_proc_opts o = opts_for(argv, &c);
    o.timeout_ms = 200;
    o.grace_ms = 200;
    gx_proc *p = start(&o);
    pid_t pgid = (pid_t)gx_proc_pid(p);
    finish(p, &c, 15000);
    assert_int_equal(gx_proc_status(p), GX_PROC_TIMED_OUT);
    assert_true(c.events & (1u << GX_PROC_EV_TIMED_OUT));
    assert_true(c.events & (1u << GX_PROC_EV_KILLED));
    assert_false(c.events & (1u << GX_PROC_EV_ABANDONED));
    assert_true(gone(-pgid));
    assert_true(gone(first_pid(&c)));
    gx_proc_free(p);
    collect_free(&c);
}

static void test_cancel_kills_the_group(void **state)
{
    (void)state;
    collect c = {0};
    const char *argv[] = {"/bin/bash", "-c", "sleep 100 & echo $!; wait; echo after", NULL};
    gx_proc_opts o = opts_for(argv, &c);
    gx_proc *p = start(&o);
    pid_t pgid = (pid_t)gx_proc_pid(p);
    c.cancel_on_first = p; /* cancel from inside the line callback */
    finish(p, &c, 15000);
    assert_true(gx_proc_cancelled(p));
    assert_false(gx_proc_timed_out(p));
    assert_int_equal(gx_proc_status(p), 128 + SIGTERM);
    assert_true(gone(-pgid));
    assert_true(gone(first_pid(&c)));
    assert_int_equal(c.count, 1);
    gx_proc_cancel(p); /* done: nothing happens */
    gx_proc_signal(p, SIGKILL);
    gx_proc_free(p);
    collect_free(&c);

    /* a child that ignores SIGTERM gets SIGKILL after the grace */
    const char *argv2[] = {"/bin/bash", "-c", "trap '' TERM; echo ready; "
                                              "while :; do sleep 0.05; done", NULL};
    o = opts_for(argv2, &c);
    o.grace_ms = 100;
    p = start(&o);
    pgid = (pid_t)gx_proc_pid(p);
    c.cancel_on_first = p;
    finish(p, &c, 15000);
    assert_true(gx_proc_cancelled(p));
    assert_int_equal(gx_proc_status(p), 128 + SIGKILL);
    assert_true(c.events & (1u << GX_PROC_EV_KILLED));
    free_gone(p, &c, pgid);
}

static void test_leftovers_are_stopped(void **state)
{
    (void)state;
    collect c = {0};
    assert_int_equal(run_sh("sleep 100 & echo $!; exit 4", &c), 4);
    assert_true(c.events & (1u << GX_PROC_EV_LEFTOVERS));
    assert_true(gone(first_pid(&c)));
    collect_free(&c);
}

/* A caller that is a child subreaper inherits the group's orphans; with
 * GX_PROC_REAP_GROUP gx_proc reaps their zombies, so an orphan that already
 * ended is no leftover, and one still running is stopped and reaped. */
static void test_subreaper_reaps_the_group(void **state)
{
    (void)state;
    int old = 0;
    assert_int_equal(prctl(PR_GET_CHILD_SUBREAPER, &old, 0, 0, 0), 0);
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
    collect c = {0};

    const char *argv[] = {"/bin/bash", "-c", "sh -c 'sleep 0.1 & echo $!'; sleep 0.5; exit 3",
                          NULL};
    gx_proc_opts o = opts_for(argv, &c);
    o.flags = GX_PROC_REAP_GROUP;
    gx_proc *p = start(&o);
    pid_t pgid = (pid_t)gx_proc_pid(p);
    finish(p, &c, 10000);
    assert_int_equal(gx_proc_status(p), 3);
    assert_false(c.events & (1u << GX_PROC_EV_LEFTOVERS));
    /* reaped, not a zombie */
    assert_true(gone(first_pid(&c)));
    free_gone(p, &c, pgid);

    const char *argv2[] = {"/bin/bash", "-c", "sh -c 'sleep 100 & echo $!'; exit 0", NULL};
    o = opts_for(argv2, &c);
    o.flags = GX_PROC_REAP_GROUP;
    p = start(&o);
    pgid = (pid_t)gx_proc_pid(p);
    finish(p, &c, 10000);
    assert_int_equal(gx_proc_status(p), 0);
    assert_true(c.events & (1u << GX_PROC_EV_LEFTOVERS));
    assert_false(c.events & (1u << GX_PROC_EV_KILLED)); /* SIGTERM did it */
    assert_true(gone(first_pid(&c)));
    free_gone(p, &c, pgid);

    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, old, 0, 0, 0), 0);
}

static void test_signal_goes_to_the_group(void **state)
{
    (void)state;
    collect c = {0};
    const char *argv[] = {"/bin/bash", "-c",
                          "trap 'echo usr1; exit 9' USR1; echo ready; "
                          "while :; do sleep 0.05; done", NULL};
    gx_proc_opts o = opts_for(argv, &c);
    gx_proc *p = start(&o);
    while (c.count == 0)
        assert_false(gx_proc_poll(p, 5000, on_line, &c));
    assert_string_equal(c.items[0].text, "ready");
    gx_proc_signal(p, SIGUSR1);
    finish(p, &c, 10000);
    assert_int_equal(gx_proc_status(p), 9);
    const line *out[4] = {0}; /* stderr may hold bash's note on the sleep USR1 killed */
    assert_int_equal(lines_of(&c, 1, out, 4), 2);
    assert_string_equal(out[1]->text, "usr1");
    gx_proc_free(p);
    collect_free(&c);
}

static void test_free_kills_a_running_child(void **state)
{
    (void)state;
    collect c = {0};
    const char *argv[] = {"/bin/sleep", "100", NULL};
    gx_proc_opts o = opts_for(argv, &c);
    gx_proc *p = start(&o);
    pid_t pid = (pid_t)gx_proc_pid(p);
    assert_false(gx_proc_poll(p, 0, on_line, &c));
    assert_int_equal(gx_proc_status(p), -1); /* not reaped yet */
    gx_proc_free(p);
    assert_true(gone(pid)); /* killed and reaped */
    gx_proc_free(NULL);
}

/* Follows p as an event loop would; returns how often its descriptor woke
 * the loop. */
static int follow(gx_proc *p, collect *c, int limit_ms)
{
    int wakeups = 0;
    int64_t end = gx_test_now_ms() + limit_ms;
    while (!gx_proc_poll(p, 0, on_line, c)) {
        if (gx_test_now_ms() > end) {
            kill(-(pid_t)gx_proc_pid(p), SIGKILL);
            fail_msg("the child did not finish within %d ms", limit_ms);
        }
        if (readable(gx_proc_fd(p), 1000))
            wakeups++;
    }
    return wakeups;
}

/* A process that left the group (setsid) keeps a pipe open: the output is
 * read for grace_ms after the group is gone, then the handle is done; the
 * descriptor does not spin meanwhile. */
static void test_escaped_holder_of_a_pipe(void **state)
{
    (void)state;
    collect c = {0};
    const char *argv[] = {"/bin/bash", "-c", "setsid sh -c 'echo $$; exec sleep 30' & "
                                             "sleep 0.2; exit 0", NULL};
    gx_proc_opts o = opts_for(argv, &c);
    o.grace_ms = 300;
    int64_t t0 = gx_test_now_ms();
    gx_proc *p = start(&o);
    int wakeups = follow(p, &c, 10000);
    int64_t took = gx_test_now_ms() - t0;
    kill(first_pid(&c), SIGKILL);
    assert_int_equal(gx_proc_status(p), 0);
    assert_true(took >= 500); /* 0.2 s, then the pipe drains for grace_ms */
    assert_true(wakeups < 20);
    gx_proc_free(p);
    collect_free(&c);

    /* cancelled: the leader takes 0.2 s to go, then the pipe drains for
     * grace_ms, past the SIGKILL deadline that no longer applies */
    const char *argv2[] = {"/bin/bash", "-c", "trap 'sleep 0.2; exit 0' TERM; "
                                              "setsid sh -c 'echo $$; exec sleep 30' & "
                                              "sleep 30", NULL};
    o = opts_for(argv2, &c);
    o.grace_ms = 3000; /* room for the trap's 0.2 s on a loaded machine */
    p = start(&o);
    c.cancel_on_first = p;
    wakeups = follow(p, &c, 10000);
    kill(first_pid(&c), SIGKILL);
    assert_true(gx_proc_cancelled(p));
    assert_int_equal(gx_proc_status(p), 0);
    assert_false(c.events & (1u << GX_PROC_EV_KILLED));
    assert_true(wakeups < 20);
    gx_proc_free(p);
    collect_free(&c);
}

/* ---- lines -------------------------------------------------------------- */

static void test_lines_and_streams(void **state)
{
    (void)state;
    collect c = {0};
    assert_int_equal(run_sh("printf 'a\\n\\nb\\n'; printf 'e1\\n' >&2; sleep 0.05; "
                            "printf 'partial'; printf 'etail' >&2",
                            &c),
                     0);
    const line *out[8] = {0}, *err[8] = {0};
    assert_int_equal(lines_of(&c, 1, out, 8), 4);
    assert_string_equal(out[0]->text, "a");
    assert_string_equal(out[1]->text, "");
    assert_int_equal(out[1]->len, 0);
    assert_string_equal(out[2]->text, "b");
    assert_string_equal(out[3]->text, "partial");
    assert_int_equal(lines_of(&c, 2, err, 8), 2);
    assert_string_equal(err[0]->text, "e1");
    assert_string_equal(err[1]->text, "etail");
    collect_free(&c);

    /* a NUL inside a line: len is authoritative */
    assert_int_equal(run_sh("printf 'x\\0y\\n'", &c), 0);
    assert_int_equal(c.count, 1);
    assert_int_equal(c.items[0].len, 3);
    assert_memory_equal(c.items[0].text, "x\0y", 3);
    collect_free(&c);

    /* no callback: output is discarded */
    const char *argv[] = {"/bin/sh", "-c", "echo discarded; exit 2", NULL};
    gx_proc_opts o = opts_for(argv, &c);
    gx_proc *p = start(&o);
    while (!gx_proc_poll(p, 100, NULL, NULL))
        ;
    assert_int_equal(gx_proc_status(p), 2);
    gx_proc_free(p);
}

/* Puts the deliveries of one stream together again: a delivery of exactly
 * GX_PROC_LINE_MAX bytes is a piece, any other ends a line. */
static char *reassemble(const collect *c, int stream, size_t *len)
{
    size_t total = 0;
    for (size_t i = 0; i < c->count; i++)
        if (c->items[i].stream == stream)
            total += c->items[i].len + 1;
    char *out = malloc(total + 1);
    assert_non_null(out);
    size_t n = 0;
    for (size_t i = 0; i < c->count; i++) {
        if (c->items[i].stream != stream)
            continue;
        memcpy(out + n, c->items[i].text, c->items[i].len);
        n += c->items[i].len;
        if (c->items[i].len != GX_PROC_LINE_MAX)
            out[n++] = '\n';
    }
    out[n] = '\0';
    *len = n;
    return out;
}

static void test_long_lines_come_in_pieces(void **state)
{
    (void)state;
    collect c = {0};
    /* 1 MiB: exactly 16 pieces, then the (empty) end of the line */
    assert_int_equal(run_sh("head -c 1048576 /dev/zero | tr '\\0' x; echo; echo after", &c), 0);
    assert_int_equal(c.count, 16 + 1 + 1);
    for (size_t i = 0; i < 16; i++) {
        assert_int_equal(c.items[i].stream, 1);
        assert_int_equal(c.items[i].len, GX_PROC_LINE_MAX);
    }
    assert_int_equal(c.items[16].len, 0);
    assert_string_equal(c.items[17].text, "after");
    size_t len;
    char *all = reassemble(&c, 1, &len);
    assert_int_equal(len, 1048576 + 1 + 6);
    for (size_t i = 0; i < 1048576; i++)
        if (all[i] != 'x')
            fail_msg("byte %zu is %d", i, all[i]);
    assert_string_equal(all + 1048576, "\nafter\n");
    free(all);
    collect_free(&c);

    /* 100,000 bytes on stderr: a piece and the rest */
    assert_int_equal(run_sh("head -c 100000 /dev/zero | tr '\\0' y >&2; echo >&2", &c), 0);
    assert_int_equal(c.count, 2);
    assert_int_equal(c.items[0].stream, 2);
    assert_int_equal(c.items[0].len, GX_PROC_LINE_MAX);
    assert_int_equal(c.items[1].len, 100000 - GX_PROC_LINE_MAX);
    collect_free(&c);
}

static void test_ten_thousand_lines_in_order(void **state)
{
    (void)state;
    collect c = {0};
    assert_int_equal(run_sh("seq 1 10000; seq 1 10000 >&2", &c), 0);
    assert_int_equal(c.count, 20000);
    for (int stream = 1; stream <= 2; stream++) {
        long want = 1;
        for (size_t i = 0; i < c.count; i++) {
            if (c.items[i].stream != stream)
                continue;
            char expect[32];
            snprintf(expect, sizeof expect, "%ld", want++);
            assert_string_equal(c.items[i].text, expect);
        }
        assert_int_equal(want, 10001);
    }
    collect_free(&c);
}

/* ---- the child's output never reaches ours ------------------------------ */

static size_t file_size(int fd)
{
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    return (size_t)st.st_size;
}

static void test_child_output_does_not_reach_our_stdout(void **state)
{
    (void)state;
    char out_path[] = "/tmp/gx-proc-stdout-XXXXXX";
    char err_path[] = "/tmp/gx-proc-stderr-XXXXXX";
    int out_fd = mkstemp(out_path);
    int err_fd = mkstemp(err_path);
    assert_true(out_fd >= 0 && err_fd >= 0);
    unlink(out_path);
    unlink(err_path);

    collect c = {0};
    const char *argv[] = {"/bin/sh", "-c",
                          "echo to-stdout; echo to-stderr >&2; echo direct > /dev/stdout",
                          NULL};
    gx_proc_opts o = opts_for(argv, &c);

    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(STDOUT_FILENO);
    int saved_err = dup(STDERR_FILENO);
    assert_true(saved_out >= 0 && saved_err >= 0);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    gx_diags diags = GX_DIAGS_INIT;
    gx_proc *p = gx_proc_start(&o, &diags);
    int64_t end = gx_test_now_ms() + 10000;
    while (p && !gx_proc_poll(p, 100, on_line, &c) && gx_test_now_ms() < end)
        ;
    bool done = p && gx_proc_done(p);
    int status = p ? gx_proc_status(p) : -2;
    gx_proc_free(p);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved_out);
    close(saved_err);

    assert_int_equal(diags.count, 0);
    assert_true(done);
    assert_int_equal(status, 0);
    /* nothing reached our stdout or stderr ... */
    assert_int_equal(file_size(out_fd), 0);
    assert_int_equal(file_size(err_fd), 0);
    /* ... and the callback got every line */
    const line *out[4] = {0}, *err[4] = {0};
    assert_int_equal(lines_of(&c, 1, out, 4), 2);
    assert_string_equal(out[0]->text, "to-stdout");
    assert_string_equal(out[1]->text, "direct");
    assert_int_equal(lines_of(&c, 2, err, 4), 1);
    assert_string_equal(err[0]->text, "to-stderr");
    close(out_fd);
    close(err_fd);
    gx_diags_free(&diags);
    collect_free(&c);
}

/* ---- the event-loop descriptor ------------------------------------------ */

static void test_fd_is_readable_for_output_and_exit(void **state)
{
    (void)state;
    collect c = {0};
    int in[2];
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    /* one line in, one line out; then the child closes its output and waits
     * for the end of stdin before it exits: the exit alone must wake us */
    const char *argv[] = {"/bin/bash", "-c",
                          "read -r l; echo \"got $l\"; exec >&- 2>&-; read -r l; exit 5", NULL};
    gx_proc_opts o = opts_for(argv, &c);
    o.stdin_fd = in[0];
    gx_proc *p = start(&o);
    close(in[0]);
    int fd = gx_proc_fd(p);

    assert_false(readable(fd, 200)); /* nothing to do: no busy wake-ups */
    assert_int_equal(write(in[1], "hello\n", 6), 6);
    assert_true(readable(fd, 5000));
    int64_t end = gx_test_now_ms() + 5000;
    while (c.count == 0 && gx_test_now_ms() < end)
        if (readable(fd, 1000))
            assert_false(gx_proc_poll(p, 0, on_line, &c));
    assert_int_equal(c.count, 1);
    assert_string_equal(c.items[0].text, "got hello");

    /* the output pipes end: readable, then quiet again */
    end = gx_test_now_ms() + 5000;
    while (readable(fd, 500) && gx_test_now_ms() < end)
        assert_false(gx_proc_poll(p, 0, on_line, &c));
    assert_false(readable(fd, 200));
    assert_false(gx_proc_exited(p));

    close(in[1]); /* the child exits */
    assert_true(readable(fd, 5000));
    end = gx_test_now_ms() + 5000;
    while (!gx_proc_poll(p, 0, on_line, &c) && gx_test_now_ms() < end)
        readable(fd, 1000);
    assert_true(gx_proc_done(p));
    assert_int_equal(gx_proc_status(p), 5);
    assert_false(readable(fd, 0)); /* never again */
    gx_proc_free(p);
    collect_free(&c);
}

static void test_two_children_in_one_loop(void **state)
{
    (void)state;
    collect a = {0}, b = {0};
    const char *argv_a[] = {"/bin/sh", "-c",
                            "for i in 1 2 3 4 5; do echo A$i; sleep 0.03; done; exit 1", NULL};
    const char *argv_b[] = {"/bin/sh", "-c",
                            "for i in 1 2 3 4 5; do echo B$i >&2; sleep 0.02; done; exit 2",
                            NULL};
    gx_proc_opts oa = opts_for(argv_a, &a);
    gx_proc_opts ob = opts_for(argv_b, &b);
    gx_proc *procs[2] = {start(&oa), start(&ob)};
    collect *cols[2] = {&a, &b};
    bool done[2] = {false, false};
    int64_t end = gx_test_now_ms() + 15000;
    while (!(done[0] && done[1])) {
        assert_true(gx_test_now_ms() < end);
        struct pollfd pfd[2];
        nfds_t n = 0;
        int which[2];
        for (int i = 0; i < 2; i++)
            if (!done[i]) {
                pfd[n].fd = gx_proc_fd(procs[i]);
                pfd[n].events = POLLIN;
                pfd[n].revents = 0;
                which[n++] = i;
            }
        int r = poll(pfd, n, 1000);
        assert_true(r >= 0 || errno == EINTR);
        for (nfds_t k = 0; k < n; k++)
            if (pfd[k].revents & POLLIN)
                done[which[k]] = gx_proc_poll(procs[which[k]], 0, on_line, cols[which[k]]);
    }
    assert_int_equal(gx_proc_status(procs[0]), 1);
    assert_int_equal(gx_proc_status(procs[1]), 2);
    assert_int_equal(a.count, 5);
    assert_int_equal(b.count, 5);
    for (int i = 0; i < 5; i++) {
        char want[16];
        snprintf(want, sizeof want, "A%d", i + 1);
        assert_int_equal(a.items[i].stream, 1);
        assert_string_equal(a.items[i].text, want);
        snprintf(want, sizeof want, "B%d", i + 1);
        assert_int_equal(b.items[i].stream, 2);
        assert_string_equal(b.items[i].text, want);
    }
    gx_proc_free(procs[0]);
    gx_proc_free(procs[1]);
    collect_free(&a);
    collect_free(&b);
}

/* ---- what the child gets ------------------------------------------------ */

static void test_environment_is_exactly_the_given_one(void **state)
{
    (void)state;
    setenv("GX_PROC_TEST_SECRET", "hunter2", 1);
    collect c = {0};
    const char *const env[] = {"A=1", "B=two words", "EMPTY=", "PATH=/nowhere", NULL};
    const char *argv[] = {"/usr/bin/env", NULL};
    gx_proc_opts o = opts_for(argv, &c);
    o.env = env;
    gx_proc *p = start(&o);
    finish(p, &c, 10000);
    unsetenv("GX_PROC_TEST_SECRET");
    assert_int_equal(gx_proc_status(p), 0);
    assert_int_equal(c.count, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(c.items[i].text, env[i]);
    gx_proc_free(p);
    collect_free(&c);

    const char *const none[] = {NULL};
    o.env = none;
    p = start(&o);
    finish(p, &c, 10000);
    assert_int_equal(c.count, 0);
    gx_proc_free(p);
}

static void test_cwd_stdin_descriptors_signals(void **state)
{
    (void)state;
    collect c = {0};
    /* a descriptor of ours without O_CLOEXEC must not reach the child */
    int leak = open("/dev/null", O_RDONLY);
    assert_true(leak > 2);
    /* nor our blocked or ignored signals */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, &old);
    struct sigaction ign, old_int;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);

    char script[256];
    snprintf(script, sizeof script,
             "pwd -P; [ /dev/stdin -ef /dev/null ] && echo devnull; "
             "[ -e /proc/self/fd/%d ] && echo leaked; "
             "grep -E '^(SigBlk|SigIgn):' /proc/self/status; "
             "echo pgid=$(cut -d' ' -f5 /proc/$$/stat)",
             leak);
    const char *argv[] = {"/bin/bash", "-c", script, NULL};
    gx_proc_opts o = opts_for(argv, &c);
    o.cwd = "/";
    gx_proc *p = start(&o);
    long pid = gx_proc_pid(p);
    finish(p, &c, 10000);
    sigprocmask(SIG_SETMASK, &old, NULL);
    sigaction(SIGINT, &old_int, NULL);
    close(leak);

    assert_int_equal(gx_proc_status(p), 0);
    const line *out[8] = {0};
    size_t n = lines_of(&c, 1, out, 8);
    assert_true(n >= 4);
    assert_string_equal(out[0]->text, "/");
    assert_string_equal(out[1]->text, "devnull");
    /* bash itself ignores nothing with -c; the mask is empty */
    bool blk = false, ignored_int = false;
    for (size_t i = 2; i < n; i++) {
        assert_string_not_equal(out[i]->text, "leaked");
        if (strncmp(out[i]->text, "SigBlk:", 7) == 0) {
            blk = true;
            assert_string_equal(out[i]->text, "SigBlk:\t0000000000000000");
        }
        if (strncmp(out[i]->text, "SigIgn:", 7) == 0) {
            unsigned long long mask = strtoull(out[i]->text + 8, NULL, 16);
            ignored_int = mask & (1ull << (SIGINT - 1));
        }
        if (strncmp(out[i]->text, "pgid=", 5) == 0)
            assert_int_equal(atol(out[i]->text + 5), pid);
    }
    assert_true(blk);
    assert_false(ignored_int);
    gx_proc_free(p);
    collect_free(&c);
}

/* ---- start failures ------------------------------------------------------ */

static bool no_child_left(void)
{
    int st;
    return waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD;
}

static void test_start_failures_are_diagnostics(void **state)
{
    (void)state;
    gx_diags diags = GX_DIAGS_INIT;
    collect c = {0};
    const char *argv[] = {"/bin/sh", "-c", "exit 0", NULL};
    gx_proc_opts o = opts_for(argv, &c);

    /* missing working directory */
    o.cwd = "/nonexistent-gx-proc-dir";
    assert_null(gx_proc_start(&o, &diags));
    assert_int_equal(diags.count, 1);
    assert_int_equal(diags.items[0].code, GX_CODE_PROCESS);
    assert_non_null(strstr(diags.items[0].message,
                           "cannot enter the working directory '/nonexistent-gx-proc-dir'"));
    assert_non_null(strstr(diags.items[0].message, strerror(ENOENT)));
    assert_true(no_child_left());
    o.cwd_name = "the workspace";
    assert_null(gx_proc_start(&o, &diags));
    assert_non_null(strstr(diags.items[1].message, "cannot enter the workspace: "));
    o.cwd = NULL;

    /* not executable, missing, not a program */
    char path[] = "/tmp/gx-proc-noexec-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "#!/bin/sh\nexit 0\n", 17), 17);
    close(fd);
    assert_int_equal(chmod(path, 0644), 0);
    const char *argv2[] = {path, NULL};
    o.argv = argv2;
    assert_null(gx_proc_start(&o, &diags));
    assert_int_equal(diags.count, 3);
    assert_non_null(strstr(diags.items[2].message, "cannot execute '"));
    assert_non_null(strstr(diags.items[2].message, strerror(EACCES)));
    assert_true(no_child_left());

    o.name = "bash";
    assert_int_equal(chmod(path, 0755), 0);
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "\x7f" "ELF junk\n", 10), 10);
    close(fd);
    assert_null(gx_proc_start(&o, &diags));
    assert_non_null(strstr(diags.items[3].message, "cannot execute bash: "));
    unlink(path);

    const char *argv3[] = {"/nonexistent/gx-proc-program", NULL};
    o.argv = argv3;
    o.name = NULL;
    assert_null(gx_proc_start(&o, &diags));
    assert_non_null(strstr(diags.items[4].message,
                           "cannot execute '/nonexistent/gx-proc-program': "));
    assert_true(no_child_left());

    /* bad options */
    o.argv = argv;
    o.env = NULL;
    assert_null(gx_proc_start(&o, &diags));
    o.env = base_env;
    o.timeout_ms = -1;
    assert_null(gx_proc_start(&o, &diags));
    const char *empty[] = {NULL};
    o.timeout_ms = 0;
    o.argv = empty;
    assert_null(gx_proc_start(&o, &diags));
    assert_int_equal(diags.count, 8);
    for (size_t i = 0; i < diags.count; i++)
        assert_int_equal(diags.items[i].code, GX_CODE_PROCESS);
    assert_true(no_child_left());
    gx_diags_free(&diags);
}

/* ---- process-wide state ------------------------------------------------- */

static bool same_sigmask(const sigset_t *a, const sigset_t *b)
{
    for (int s = 1; s <= SIGRTMAX; s++)
        if (sigismember(a, s) != sigismember(b, s))
            return false;
    return true;
}

/* gx_proc takes nothing over: the caller's signal mask and SIGCHLD action are
 * left as they are (the blocking runner that came before it set SIGCHLD to
 * SIG_DFL for its call, and tests/test_run.c checked that). With SIGCHLD
 * ignored the kernel reaps the child behind gx_proc's back: the handle still
 * finishes, and the status is lost (-1), as gx_proc.h says. */
static void test_process_state_is_left_alone(void **state)
{
    (void)state;
    sigset_t block, before, after;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, &before);
    struct sigaction ign, old_chld, now;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGCHLD, &ign, &old_chld);

    collect c = {0};
    const char *argv[] = {"/bin/sh", "-c", "exit 3", NULL};
    gx_proc_opts o = opts_for(argv, &c);
    gx_proc *p = start(&o);
    finish(p, &c, 10000);
    int lost = gx_proc_status(p);
    gx_proc_free(p);
    sigaction(SIGCHLD, NULL, &now);
    sigaction(SIGCHLD, &old_chld, NULL);
    sigprocmask(SIG_SETMASK, NULL, &after);
    sigprocmask(SIG_SETMASK, &before, NULL);

    assert_int_equal(lost, -1);
    assert_true(now.sa_handler == SIG_IGN); /* not changed by gx_proc */
    sigaddset(&before, SIGUSR2);
    assert_true(same_sigmask(&before, &after));
    assert_true(no_child_left());

    /* with SIGCHLD at its default, the same child's status is there */
    assert_int_equal(run_sh("exit 3", &c), 3);
    collect_free(&c);
}

/* ---- the child dies with the tool --------------------------------------- */

static void test_child_dies_with_its_parent(void **state)
{
    (void)state;
    int report[2];
    assert_int_equal(pipe(report), 0);
    fflush(NULL);
    pid_t helper = fork();
    assert_true(helper >= 0);
    if (helper == 0) {
        close(report[0]);
        gx_diags diags = GX_DIAGS_INIT;
        const char *argv[] = {"/bin/sleep", "100", NULL};
        gx_proc_opts o = GX_PROC_OPTS_INIT;
        o.argv = argv;
        o.env = base_env;
        gx_proc *p = gx_proc_start(&o, &diags);
        long pid = p ? gx_proc_pid(p) : -1;
        if (write(report[1], &pid, sizeof pid) != (ssize_t)sizeof pid)
            _exit(1);
        for (;;)
            pause(); /* until SIGKILL: no cleanup of any kind */
    }
    close(report[1]);
    long pid = -1;
    assert_int_equal(read(report[0], &pid, sizeof pid), (ssize_t)sizeof pid);
    close(report[0]);
    assert_true(pid > 0);
    assert_false(dead((pid_t)pid)); /* the sleep runs */

    assert_int_equal(kill(helper, SIGKILL), 0);
    int st;
    assert_int_equal(waitpid(helper, &st, 0), helper);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    bool died = wait_dead((pid_t)pid, 10000);
    if (!died)
        kill((pid_t)pid, SIGKILL);
    assert_true(died);
}

int main(void)
{
    struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_timeout_kills_the_group),
        cmocka_unit_test(test_timeout_escalates_to_sigkill),
        cmocka_unit_test(test_cancel_kills_the_group),
        cmocka_unit_test(test_leftovers_are_stopped),
        cmocka_unit_test(test_subreaper_reaps_the_group),
        cmocka_unit_test(test_signal_goes_to_the_group),
        cmocka_unit_test(test_free_kills_a_running_child),
        cmocka_unit_test(test_escaped_holder_of_a_pipe),
        cmocka_unit_test(test_lines_and_streams),
        cmocka_unit_test(test_long_lines_come_in_pieces),
        cmocka_unit_test(test_ten_thousand_lines_in_order),
        cmocka_unit_test(test_child_output_does_not_reach_our_stdout),
        cmocka_unit_test(test_fd_is_readable_for_output_and_exit),
        cmocka_unit_test(test_two_children_in_one_loop),
        cmocka_unit_test(test_environment_is_exactly_the_given_one),
        cmocka_unit_test(test_cwd_stdin_descriptors_signals),
        cmocka_unit_test(test_start_failures_are_diagnostics),
        cmocka_unit_test(test_process_state_is_left_alone),
        cmocka_unit_test(test_child_dies_with_its_parent),
    };
    /* GX_TEST_FILTER="*stdout*" runs some */
    return GX_TEST_RUN_SUITE("tests", tests, NULL, NULL);
}
