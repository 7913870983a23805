/* gx_test_util — helpers shared by the cmocka test programs (tests/test_*.c).
 * Header-only; include after <cmocka.h>. */
#ifndef GX_TEST_UTIL_H
#define GX_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The whole file at path, malloc'd and NUL-terminated (it may hold NULs: *len
 * says how many bytes, when len is not NULL); NULL (and *len 0) when it cannot
 * be opened. */
static inline char *gx_test_read_file(const char *path, size_t *len)
{
    if (len)
        *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* Writes len bytes at data to path (created, or emptied first) and gives it
 * exactly mode, whatever the umask. */
static inline void gx_test_write_file(const char *path, const char *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(close(fd), 0);
}

/* True when the len bytes at data (which may hold NULs) contain needle. */
static inline bool gx_test_contains(const char *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i + n <= len; i++)
        if (!memcmp(data + i, needle, n))
            return true;
    return false;
}

/* Fails the test unless a run (what names it in the message, e.g. its
 * command) ended with exit status want, its stdout (out_len bytes at out)
 * holds each of outs and its stderr (err_len bytes at err) each of errs
 * (NULL-terminated lists; NULL: nothing to look for). out and err must be
 * NUL-terminated: a failure shows them. */
static inline void gx_test_expect_output(const char *what, int status, int want,
                                         const char *out, size_t out_len, const char *err,
                                         size_t err_len, const char *const *outs,
                                         const char *const *errs)
{
    if (status != want)
        fail_msg("%s: exit status %d, expected %d\nstdout: %s\nstderr: %s", what, status, want,
                 out, err);
    for (size_t i = 0; outs && outs[i]; i++)
        if (!gx_test_contains(out, out_len, outs[i]))
            fail_msg("%s: no '%s' on stdout:\n%s", what, outs[i], out);
    for (size_t i = 0; errs && errs[i]; i++)
        if (!gx_test_contains(err, err_len, errs[i]))
            fail_msg("%s: no '%s' on stderr:\n%s", what, errs[i], err);
}

/* A NULL-terminated list of strings, for gx_test_expect_output. */
#define GX_TEXTS(...) ((const char *const[]){__VA_ARGS__, NULL})

#ifdef GX_SOURCE_DIR
/* The source tree, as CMake compiles it into every tests/test_*.c program
 * (GX_SOURCE_DIR); not declared where it is not compiled in. */
static inline const char *gx_test_source_dir(void) { return GX_SOURCE_DIR; }
#endif

static inline int gx_test_remove_entry_(const char *path, const struct stat *st, int type,
                                        struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path);
}

/* Removes path and everything below it (links are removed, not followed);
 * what cannot be removed stays, silently. */
static inline void gx_test_remove_tree(const char *path)
{
    nftw(path, gx_test_remove_entry_, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes a fresh folder from the mkdtemp template tmpl ("/tmp/NAME-XXXXXX")
 * and writes its realpath to dir (size bytes); the test fails when it cannot
 * be made or its path does not fit. */
static inline void gx_test_make_temp_dir(const char *tmpl, char *dir, size_t size)
{
    char made[PATH_MAX], real[PATH_MAX];
    assert_true(strlen(tmpl) < sizeof made);
    memcpy(made, tmpl, strlen(tmpl) + 1);
    assert_non_null(mkdtemp(made));
    assert_non_null(realpath(made, real));
    assert_true(strlen(real) < size);
    memcpy(dir, real, strlen(real) + 1);
}

/* Milliseconds on CLOCK_MONOTONIC: for limits that keep a broken build from
 * hanging a test (and lower bounds), never for an upper bound on how long
 * something took. */
static inline int64_t gx_test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void gx_test_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* True while process pid runs: /proc/PID/stat exists and its state is
 * neither Z (a zombie waiting for its reaper) nor X. */
static inline bool gx_test_pid_runs(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *in = fopen(path, "r");
    if (!in)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    fclose(in);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

/* Polls done(id) every 10 ms until it holds (true) or limit_ms have passed
 * (false). The limit only ends a wait that would never end; no test may
 * assert on how long it took. */
static inline bool gx_test_wait_for(bool (*done)(pid_t id), pid_t id, int limit_ms)
{
    int64_t end = gx_test_now_ms() + limit_ms;
    while (!done(id)) {
        if (gx_test_now_ms() > end)
            return false;
        gx_test_sleep_ms(10);
    }
    return true;
}

/* Runs the cmocka tests[0..count) as the group name, every one of them with
 * the per-test setup and teardown given (NULL: none; whatever the table
 * entries said is replaced). With GX_TEST_FILTER in the environment (a
 * cmocka pattern such as "test_sig*") only the tests it matches run. Returns
 * what cmocka's group run returns (the number of failed tests). */
static inline int gx_test_run_suite(const char *name, struct CMUnitTest *tests, size_t count,
                                    CMFixtureFunction setup, CMFixtureFunction teardown)
{
    for (size_t i = 0; i < count; i++) {
        tests[i].setup_func = setup;
        tests[i].teardown_func = teardown;
    }
    const char *filter = getenv("GX_TEST_FILTER");
    if (filter)
        cmocka_set_test_filter(filter);
    return _cmocka_run_group_tests(name, tests, count, NULL, NULL);
}

/* gx_test_run_suite of a table (an array, not a pointer). */
#define GX_TEST_RUN_SUITE(name, tests, setup, teardown)                                       \
    gx_test_run_suite((name), (tests), sizeof(tests) / sizeof((tests)[0]), (setup), (teardown))

#endif
