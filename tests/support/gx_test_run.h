/* gx_test_run — running a program from a C test as a person or a script would:
 * argv with given stdin bytes, working directory and environment, stdout and
 * stderr captured into buffers, the exit status or the signal, and a timeout
 * after which the child's whole process group is killed; the same for a
 * function run in a forked child; and waiting for a child a test forked
 * itself. Part of tests/support (linked into every test
 * as gx_test_support); depends on gx_buf and POSIX, and never calls cmocka:
 * the test asserts on what comes back.
 *
 * The child runs in a process group of its own (so a timeout also kills what
 * it started), with SIGPIPE at its default, stdin a pipe that is closed once
 * the given bytes are written (at once when there are none). */
#ifndef GX_TEST_RUN_H
#define GX_TEST_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The timeout when the options give none, in seconds. */
#define GX_TEST_RUN_TIMEOUT_S 120

/* Exit statuses of a child that could not be set up (cwd, rlimit,
 * environment) or not executed; it writes why to its stderr. */
#define GX_TEST_RUN_SETUP_FAILED 126
#define GX_TEST_RUN_EXEC_FAILED 127

typedef struct gx_test_run_opts {
    const char *cwd;             /* the child's working directory; NULL: the test's */
    const char *const *env;      /* the child's whole environment ("NAME=VALUE",
                                    NULL-terminated); NULL: the test's own */
    const char *const *set_env;  /* "NAME=VALUE" set on top of that; NULL: none */
    const char *in;              /* stdin bytes (in_len of them); NULL: empty stdin */
    size_t in_len;
    unsigned timeout_s;          /* 0: GX_TEST_RUN_TIMEOUT_S */
    long long fsize_limit;       /* > 0: RLIMIT_FSIZE of the child in bytes */
    bool limit_fsize;            /* set RLIMIT_FSIZE to fsize_limit even when it is 0
                                    (the child can write no byte to a file) */
    bool search_path;            /* look argv[0] up in PATH (the child's PATH) */
} gx_test_run_opts;

typedef struct gx_test_run_result {
    int status;      /* exit status 0-255, or -1 when a signal ended the child */
    int signal;      /* the signal that ended it, or 0 */
    bool timed_out;  /* killed (SIGKILL to its process group) at the timeout */
    char *out;       /* stdout, malloc'd, NUL-terminated (may hold NULs before out_len) */
    size_t out_len;
    char *err;       /* stderr, likewise */
    size_t err_len;
} gx_test_run_result;

/* Runs argv[0] (a path, or a name looked up in PATH with search_path) with
 * the arguments argv[1..] (argv NULL-terminated) and opts (NULL: all
 * defaults), fills *r, and returns true. Returns false with errno set, *r
 * empty, when the child could not be started at all (pipe, fork). A program
 * that cannot be executed gives status GX_TEST_RUN_EXEC_FAILED. Free *r with
 * gx_test_run_free. */
bool gx_test_run(const char *const *argv, const gx_test_run_opts *opts, gx_test_run_result *r);

/* Like gx_test_run, but the child (a fork of the test, set up the same way:
 * cwd, environment, RLIMIT_FSIZE, stdio) calls fn(ctx) and then exits with
 * status 0 unless fn exits itself (_exit(status)); search_path is ignored.
 * fn must not call cmocka's assertions (they belong to the parent): it
 * reports through its exit status and output. */
bool gx_test_run_function(void (*fn)(void *ctx), void *ctx, const gx_test_run_opts *opts,
                          gx_test_run_result *r);

/* Frees what *r holds and empties it. */
void gx_test_run_free(gx_test_run_result *r);

/* Waits for the child pid (retrying on EINTR) and returns its exit status, or
 * 128 + the signal that ended it; -1 when it cannot be waited for. */
int gx_test_wait(pid_t pid);

#endif
