/* Tests of gx_proc's GX_PROC_FOREGROUND on a pseudo-terminal: the child's
 * process group gets the terminal (stdin, foreground group) while it runs, so
 * a prompt can read it; the terminal comes back to the caller's group
 * afterwards (taking it back from the background raises SIGTTOU, which
 * gx_proc blocks around the call: otherwise the caller would stop and the
 * case hang); without a terminal nothing changes.
 *
 * Each case runs in a forked process that makes itself a session leader with
 * the pty's slave as its controlling terminal (setsid, TIOCSCTTY), as a login
 * shell would; the test process writes the answer to the master. A case that
 * hangs is killed by SIGALRM. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gx_diag.h"
#include "gx_proc.h"

#define TTY_HANG_SECONDS 30

/* The child prints its pgrp and its terminal's foreground group, asks, reads
 * a line from stdin and prints it. */
static const char tty_script[] =
    "stat=$(</proc/self/stat); read -r -a f <<<\"${stat##*) }\"\n"
    "printf 'groups %s %s\\n' \"${f[2]}\" \"${f[5]}\"\n"
    "printf 'code? ' >&2\n"
    "IFS= read -r code\n"
    "printf 'got %s\\n' \"$code\"\n";

typedef struct lines {
    char text[4096];
    size_t len;
} lines;

static void collect(void *ctx, int stream, const char *line, size_t len)
{
    lines *l = ctx;
    if (stream != 1)
        return;
    l->len += (size_t)snprintf(l->text + l->len, sizeof l->text - l->len, "%.*s\n", (int)len,
                               line);
}

/* In the session leader: runs the script with stdin_fd (the terminal or
 * /dev/null) and flags, checks what it saw and that the terminal is ours
 * again; exits 0 when everything holds, else a code naming the check. */
static void leader(int slave, bool use_tty, unsigned flags) __attribute__((noreturn));
static void leader(int slave, bool use_tty, unsigned flags)
{
    if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0)
        _exit(10);
    int in = use_tty ? slave : open("/dev/null", O_RDONLY | O_CLOEXEC);
    const char *argv[] = {"/bin/bash", "-c", tty_script, NULL};
    const char *env[] = {"PATH=/usr/bin:/bin", NULL};
    gx_proc_opts o = GX_PROC_OPTS_INIT;
    o.argv = argv;
    o.env = env;
    o.stdin_fd = in;
    o.flags = flags;
    o.timeout_ms = 10000;
    gx_diags diags = GX_DIAGS_INIT;
    gx_proc *p = gx_proc_start(&o, &diags);
    if (!p)
        _exit(11);
    lines out = {{0}, 0};
    while (!gx_proc_poll(p, -1, collect, &out))
        ;
    int status = gx_proc_status(p);
    long pid = gx_proc_pid(p);
    gx_proc_free(p);
    /* the terminal is ours again */
    if (tcgetpgrp(slave) != getpgrp())
        _exit(12);
    long pgrp = -1, tpgid = -2;
    char code[64] = "";
    if (sscanf(out.text, "groups %ld %ld\ngot %63s", &pgrp, &tpgid, code) < 2)
        _exit(13);
    if (pgrp != pid)
        _exit(14);
    if (use_tty && (flags & GX_PROC_FOREGROUND)) {
        if (status != 0 || tpgid != pgrp || strcmp(code, "424242") != 0)
            _exit(15);
    } else {
        /* stdin /dev/null: read gets nothing; the terminal stays ours */
        if (tpgid != getpgrp() || code[0])
            _exit(16);
    }
    _exit(0);
}

/* Runs leader in a new session on a fresh pty, answers the prompt when asked
 * to, and returns its exit status. */
static int run_case(bool use_tty, unsigned flags, bool answer)
{
    int master, slave;
    assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(master);
        alarm(TTY_HANG_SECONDS);
        leader(slave, use_tty, flags);
    }
    close(slave);
    char buf[4096], seen[8192];
    size_t nseen = 0;
    bool answered = !answer;
    for (;;) {
        struct pollfd pfd = {master, POLLIN, 0};
        if (poll(&pfd, 1, 200) > 0) {
            ssize_t n = read(master, buf, sizeof buf);
            if (n <= 0)
                break; /* EIO: the slave side is closed */
            if (nseen + (size_t)n < sizeof seen) {
                memcpy(seen + nseen, buf, (size_t)n);
                nseen += (size_t)n;
            }
        }
        if (!answered) {
            /* the answer can be typed ahead: the line waits in the terminal */
            assert_int_equal(write(master, "424242\n", 7), 7);
            answered = true;
        }
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            close(master);
            if (WIFSIGNALED(st))
                fail_msg("the session leader died of signal %d", WTERMSIG(st));
            return WEXITSTATUS(st);
        }
    }
    close(master);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    if (WIFSIGNALED(st))
        fail_msg("the session leader died of signal %d", WTERMSIG(st));
    return WEXITSTATUS(st);
}

static void test_foreground_child_reads_the_terminal(void **state)
{
    (void)state;
    assert_int_equal(run_case(true, GX_PROC_FOREGROUND, true), 0);
}

static void test_without_the_flag_or_a_terminal_nothing_changes(void **state)
{
    (void)state;
    assert_int_equal(run_case(false, GX_PROC_FOREGROUND, false), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_foreground_child_reads_the_terminal),
        cmocka_unit_test(test_without_the_flag_or_a_terminal_nothing_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
