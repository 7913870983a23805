/* Tests for gx_files: bounded reads, atomic writes (modes, interrupted and killed
 * writers), the workspace lock under 16 processes, the export directory swap,
 * tree removal and the random source. Each test runs in its own mkdtemp
 * directory under /tmp, removed afterwards. Forked children report through
 * their exit status only (never cmocka asserts). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "gx_test_run.h"
#include "gx_test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gx_arena.h"
#include "gx_diag.h"
#include "gx_files.h"

/* ---- helpers -------------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup_dir(void **state)
{
    char tmpl[] = "/tmp/gx-files-test-XXXXXX";
    if (!mkdtemp(tmpl))
        return -1;
    *state = strdup(tmpl);
    return *state ? 0 : -1;
}

static int teardown_dir(void **state)
{
    char *dir = *state;
    /* independent of the code under test: nftw, physical walk, depth first */
    int r = nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
    gx_files_test_fail_commit_at = 0;
    gx_files_test_no_exchange = false;
    return r;
}

/* path = a "/" b in a rotating set of static buffers */
static const char *J(const char *a, const char *b)
{
    static char bufs[8][PATH_MAX];
    static int next;
    char *p = bufs[next++ % 8];
    int n = snprintf(p, PATH_MAX, "%s/%s", a, b);
    if (n < 0 || n >= PATH_MAX)
        abort(); /* test paths are short */
    return p;
}

static void put(const char *path, const char *content, mode_t mode)
{
    gx_test_write_file(path, content, strlen(content), mode);
}

/* whole file as a malloc'd string, NULL when it cannot be opened */
static char *slurp(const char *path) { return gx_test_read_file(path, NULL); }

static void assert_content(const char *path, const char *want)
{
    char *got = slurp(path);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_mode & 07777;
}

/* number of entries in dir (without . and ..); when prefix is given, only
 * those starting with it; the last such name is copied to last */
static int count_entries(const char *dir, const char *prefix, char *last)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (prefix && strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        n++;
        if (last)
            snprintf(last, NAME_MAX + 1, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

static bool diag_has(const gx_diags *d, const char *needle)
{
    for (size_t i = 0; i < d->count; i++) {
        if (strstr(d->items[i].message, needle))
            return true;
        if (d->items[i].hint && strstr(d->items[i].hint, needle))
            return true;
    }
    return false;
}

/* ---- reading --------------------------------------------------------------------- */

static void test_read_limits(void **state)
{
    const char *dir = *state;
    char hundred[101];
    memset(hundred, 'x', 100);
    hundred[100] = '\0';
    const char *p = J(dir, "f.yaml");
    put(p, hundred, 0600);

    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    char *data = NULL;
    size_t len = 0;

    /* exactly the limit: accepted, NUL-terminated */
    assert_true(gx_file_read(arena, p, 100, &data, &len, &diags));
    assert_int_equal(len, 100);
    assert_int_equal(data[100], '\0');
    assert_memory_equal(data, hundred, 100);
    assert_int_equal(diags.count, 0);

    /* one byte over: rejected by size, message names both numbers and the path */
    data = NULL;
    assert_false(gx_file_read(arena, p, 99, &data, &len, &diags));
    assert_null(data);
    assert_int_equal(diags.count, 1);
    assert_string_equal(diags.items[0].file, p);
    assert_true(diag_has(&diags, "100 bytes"));
    assert_true(diag_has(&diags, "99 bytes"));
    gx_diags_free(&diags);

    /* empty file */
    const char *e = J(dir, "empty");
    put(e, "", 0600);
    assert_true(gx_file_read(arena, e, 0, &data, &len, &diags));
    assert_int_equal(len, 0);
    assert_string_equal(data, "");

    /* embedded NUL kept, len authoritative */
    const char *z = J(dir, "nul");
    int fd = open(z, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_int_equal(write(fd, "a\0b", 3), 3);
    close(fd);
    assert_true(gx_file_read(arena, z, 3, &data, &len, &diags));
    assert_int_equal(len, 3);
    assert_memory_equal(data, "a\0b", 4);

    gx_arena_free(arena);
    gx_diags_free(&diags);
}

static void test_read_rejects(void **state)
{
    const char *dir = *state;
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    char *data = NULL;
    size_t len = 0;

    assert_false(gx_file_read(arena, dir, 1024, &data, &len, &diags));
    assert_true(diag_has(&diags, "is a directory"));
    gx_diags_free(&diags);

    const char *missing = J(dir, "nope.yaml");
    assert_false(gx_file_read(arena, missing, 1024, &data, &len, &diags));
    assert_int_equal(diags.count, 1);
    assert_string_equal(diags.items[0].file, missing);
    assert_true(diag_has(&diags, "no such file"));
    assert_non_null(diags.items[0].hint);
    gx_diags_free(&diags);

    /* a FIFO with no writer: refused at once, not waited on */
    const char *fifo = J(dir, "fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_false(gx_file_read(arena, fifo, 1024, &data, &len, &diags));
    assert_true(diag_has(&diags, "FIFO"));
    gx_diags_free(&diags);

    assert_false(gx_file_read(arena, "/dev/null", 1024, &data, &len, &diags));
    assert_true(diag_has(&diags, "character device"));
    gx_diags_free(&diags);

    assert_null(data);
    gx_arena_free(arena);
}

/* A /proc file reports size 0 but holds more: the cap applies while reading. */
static void test_read_cap_while_reading(void **state)
{
    (void)state;
    struct stat st;
    if (stat("/proc/self/status", &st) != 0 || st.st_size != 0)
        skip();
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    char *data = NULL;
    size_t len = 0;
    assert_false(gx_file_read(arena, "/proc/self/status", 16, &data, &len, &diags));
    assert_true(diag_has(&diags, "grew while being read"));
    gx_diags_free(&diags);
    /* and with room enough it is read in full (growing the buffer) */
    assert_true(gx_file_read(arena, "/proc/self/status", 1 << 20, &data, &len, &diags));
    assert_true(len > 16);
    assert_int_equal(strlen(data), len);
    assert_non_null(strstr(data, "Pid:"));
    gx_arena_free(arena);
}

static void test_exists(void **state)
{
    const char *dir = *state;
    put(J(dir, "f"), "x", 0600);
    assert_int_equal(symlink(J(dir, "nowhere"), J(dir, "dangling")), 0);
    assert_true(gx_file_exists(J(dir, "f")));
    assert_true(gx_file_exists(dir));
    assert_true(gx_file_exists(J(dir, "dangling")));
    assert_false(gx_file_exists(J(dir, "nowhere")));
}

static void test_same(void **state)
{
    const char *dir = *state;
    /* longer than one piece of the comparison (16 KiB), differing near the end */
    size_t len = 40000;
    char *big = malloc(len + 1);
    assert_non_null(big);
    for (size_t i = 0; i < len; i++)
        big[i] = (char)('a' + i % 26);
    big[len] = '\0';
    gx_test_write_file(J(dir, "big"), big, len, 0644);
    assert_true(gx_file_same(J(dir, "big"), big, len, 0644));
    assert_false(gx_file_same(J(dir, "big"), big, len, 0600)); /* another mode */
    assert_false(gx_file_same(J(dir, "big"), big, len - 1, 0644)); /* shorter data */
    big[len - 3] = '#';
    assert_false(gx_file_same(J(dir, "big"), big, len, 0644)); /* a byte differs */
    free(big);

    put(J(dir, "empty"), "", 0600);
    assert_true(gx_file_same(J(dir, "empty"), "", 0, 0600));
    assert_false(gx_file_same(J(dir, "empty"), "x", 1, 0600));
    put(J(dir, "f"), "abc", 0600);
    assert_int_equal(symlink(J(dir, "f"), J(dir, "link")), 0);
    assert_true(gx_file_same(J(dir, "f"), "abc", 3, 0600));
    assert_false(gx_file_same(J(dir, "link"), "abc", 3, 0600)); /* a link is not followed */
    assert_false(gx_file_same(J(dir, "nowhere"), "", 0, 0600));
    assert_int_equal(mkfifo(J(dir, "fifo"), 0600), 0);
    assert_false(gx_file_same(J(dir, "fifo"), "", 0, 0600)); /* refused without blocking */
    assert_false(gx_file_same(dir, "", 0, 0700));
}

/* ---- writing --------------------------------------------------------------------- */

static void test_write_atomic_modes(void **state)
{
    const char *dir = *state;
    gx_diags diags = GX_DIAGS_INIT;
    const char *p = J(dir, "values.yaml");

    mode_t old = umask(0);
    assert_true(gx_file_write_atomic(p, "a: 1\n", 5, 0600, true, &diags));
    assert_int_equal(mode_of(p), 0600);
    assert_content(p, "a: 1\n");

    /* umask 077 does not narrow an asked-for 0644 */
    umask(077);
    const char *q = J(dir, "public.yaml");
    assert_true(gx_file_write_atomic(q, "b", 1, 0644, false, &diags));
    assert_int_equal(mode_of(q), 0644);
    umask(old);

    /* replacing an existing 0644 file: new content, the asked mode */
    put(p, "old\n", 0644);
    assert_true(gx_file_write_atomic(p, "new\n", 4, 0600, false, &diags));
    assert_content(p, "new\n");
    assert_int_equal(mode_of(p), 0600);

    /* empty content */
    assert_true(gx_file_write_atomic(p, "", 0, 0600, true, &diags));
    assert_content(p, "");

    /* a relative path (directory ".") */
    int cwd = open(".", O_RDONLY | O_DIRECTORY);
    assert_true(cwd >= 0);
    assert_int_equal(chdir(dir), 0);
    assert_true(gx_file_write_atomic("rel.yaml", "r", 1, 0600, true, &diags));
    assert_int_equal(fchdir(cwd), 0);
    close(cwd);
    assert_content(J(dir, "rel.yaml"), "r");

    assert_int_equal(diags.count, 0);
    assert_int_equal(count_entries(dir, NULL, NULL), 3); /* no temporary files left */
}

static void test_write_atomic_errors(void **state)
{
    const char *dir = *state;
    gx_diags diags = GX_DIAGS_INIT;

    /* a directory in the way */
    assert_int_equal(mkdir(J(dir, "sub"), 0755), 0);
    assert_false(gx_file_write_atomic(J(dir, "sub"), "x", 1, 0600, true, &diags));
    assert_true(diag_has(&diags, "directory is in the way"));
    gx_diags_free(&diags);

    /* a missing directory */
    assert_false(gx_file_write_atomic(J(dir, "no/such/f"), "x", 1, 0600, true, &diags));
    assert_true(diag_has(&diags, "does not exist"));
    gx_diags_free(&diags);

    /* a path that names a directory */
    assert_false(gx_file_write_atomic(J(dir, "sub/"), "x", 1, 0600, true, &diags));
    assert_int_equal(diags.count, 1);
    gx_diags_free(&diags);

    assert_int_equal(count_entries(dir, NULL, NULL), 1);
    assert_int_equal(count_entries(J(dir, "sub"), NULL, NULL), 0);
}

enum { FSIZE_LIMIT = 4096, BIG = 1 << 20 };

typedef struct fsize_job {
    const char *path;
    bool durable;
} fsize_job;

/* In a child under RLIMIT_FSIZE: writes 1 MiB to job->path, which must fail
 * with one diagnostic naming the file size limit; exits 0 when it does. */
static void write_over_fsize(void *ctx)
{
    const fsize_job *job = ctx;
    signal(SIGXFSZ, SIG_IGN); /* as the CLI sets it */
    char *big = malloc(BIG);
    if (!big)
        _exit(11);
    memset(big, 'n', BIG);
    gx_diags diags = GX_DIAGS_INIT;
    int rc = 0;
    if (gx_file_write_atomic(job->path, big, BIG, 0600, job->durable, &diags))
        rc = 12;
    else if (diags.count != 1 || !strstr(diags.items[0].message, "file size limit"))
        rc = 13;
    else if (strcmp(diags.items[0].file, job->path) != 0)
        rc = 14;
    gx_diags_free(&diags);
    free(big);
    _exit(rc); /* freed first: valgrind checks children for leaks too */
}

/* A writer that hits RLIMIT_FSIZE (SIGXFSZ ignored, as the CLI sets it) fails
 * cleanly: old content kept, temporary file removed. */
static void test_write_interrupted_by_fsize(void **state)
{
    const char *dir = *state;
    const char *p = J(dir, "values.yaml");
    put(p, "precious: true\n", 0600);

    for (int durable = 0; durable <= 1; durable++) {
        fsize_job job = {p, durable};
        gx_test_run_opts o = {.fsize_limit = FSIZE_LIMIT};
        gx_test_run_result r;
        assert_true(gx_test_run_function(write_over_fsize, &job, &o, &r));
        assert_int_equal(r.status, 0);
        gx_test_run_free(&r);
        assert_content(p, "precious: true\n");
        assert_int_equal(count_entries(dir, NULL, NULL), 1);
    }
}

static int killed_pipe = -1;

static void on_xfsz_block(int sig)
{
    (void)sig;
    char c = 'x';
    (void)!write(killed_pipe, &c, 1);
    for (;;)
        pause();
}

/* A writer killed with SIGKILL in the middle of writing: the old file is
 * intact. What remains: the one temporary file ".values.yaml.tmp-XXXXXXXX",
 * partial (4096 bytes here), with the asked mode 0600 even under umask 0. */
static void test_write_killed_midway(void **state)
{
    const char *dir = *state;
    const char *p = J(dir, "values.yaml");
    put(p, "precious: true\n", 0600);
    int fds[2];
    assert_int_equal(pipe(fds), 0);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        killed_pipe = fds[1];
        umask(0);
        /* the second write() of the 1 MiB raises SIGXFSZ: the handler tells the
         * parent and blocks, so the kill lands deterministically mid-write */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_xfsz_block;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGXFSZ, &sa, NULL);
        struct rlimit rl = {FSIZE_LIMIT, FSIZE_LIMIT};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(10);
        char *big = malloc(BIG);
        if (!big)
            _exit(11);
        memset(big, 'n', BIG);
        gx_diags diags = GX_DIAGS_INIT;
        (void)gx_file_write_atomic(p, big, BIG, 0600, true, &diags);
        _exit(12); /* not reached */
    }
    close(fds[1]);
    char c;
    assert_int_equal(read(fds[0], &c, 1), 1);
    close(fds[0]);
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(gx_test_wait(pid), 128 + SIGKILL);

    assert_content(p, "precious: true\n");
    char leftover[NAME_MAX + 1];
    assert_int_equal(count_entries(dir, NULL, NULL), 2);
    assert_int_equal(count_entries(dir, ".values.yaml.tmp-", leftover), 1);
    assert_int_equal(strlen(leftover), strlen(".values.yaml.tmp-") + 8);
    const char *tmp = J(dir, leftover);
    assert_int_equal(mode_of(tmp), 0600);
    struct stat st;
    assert_int_equal(stat(tmp, &st), 0);
    assert_int_equal(st.st_size, FSIZE_LIMIT);
}

static void test_mkdir_p(void **state)
{
    const char *dir = *state;
    gx_diags diags = GX_DIAGS_INIT;
    mode_t old = umask(077);
    assert_true(gx_mkdir_p(J(dir, "a/b//c/"), 0750, &diags));
    umask(old);
    assert_int_equal(mode_of(J(dir, "a")), 0750);
    assert_int_equal(mode_of(J(dir, "a/b")), 0750);
    assert_int_equal(mode_of(J(dir, "a/b/c")), 0750);
    /* existing: fine, mode left alone */
    assert_true(gx_mkdir_p(J(dir, "a/b"), 0700, &diags));
    assert_int_equal(mode_of(J(dir, "a/b")), 0750);
    assert_true(gx_mkdir_p("/", 0755, &diags));
    assert_int_equal(diags.count, 0);

    put(J(dir, "a/file"), "x", 0600);
    assert_false(gx_mkdir_p(J(dir, "a/file/x/y"), 0755, &diags));
    assert_int_equal(diags.count, 1);
    assert_string_equal(diags.items[0].file, J(dir, "a/file"));
    gx_diags_free(&diags);

    assert_false(gx_mkdir_p("", 0755, &diags));
    gx_diags_free(&diags);
}

static void test_remove_tree(void **state)
{
    const char *dir = *state;
    gx_diags diags = GX_DIAGS_INIT;
    /* outside: must survive */
    assert_int_equal(mkdir(J(dir, "outside"), 0755), 0);
    put(J(dir, "outside/keep"), "keep", 0644);

    assert_true(gx_mkdir_p(J(dir, "t/x/y/z"), 0755, &diags));
    put(J(dir, "t/f"), "1", 0600);
    put(J(dir, "t/x/y/z/g"), "2", 0000);
    assert_int_equal(symlink(J(dir, "outside"), J(dir, "t/x/link-dir")), 0);
    assert_int_equal(symlink(J(dir, "outside/keep"), J(dir, "t/link-file")), 0);
    assert_int_equal(mkfifo(J(dir, "t/x/fifo"), 0600), 0);

    assert_true(gx_remove_tree(J(dir, "t"), &diags));
    assert_int_equal(diags.count, 0);
    assert_false(gx_file_exists(J(dir, "t")));
    assert_content(J(dir, "outside/keep"), "keep");

    /* missing: success */
    assert_true(gx_remove_tree(J(dir, "t"), &diags));
    /* a link to a directory: the link goes, the target stays */
    assert_int_equal(symlink(J(dir, "outside"), J(dir, "l")), 0);
    assert_true(gx_remove_tree(J(dir, "l"), &diags));
    assert_false(gx_file_exists(J(dir, "l")));
    assert_content(J(dir, "outside/keep"), "keep");
    /* a plain file */
    assert_true(gx_remove_tree(J(dir, "outside/keep"), &diags));
    assert_false(gx_file_exists(J(dir, "outside/keep")));
    assert_int_equal(diags.count, 0);
}

/* ---- the workspace lock ------------------------------------------------------------ */

enum { LOCKERS = 16 };

static void test_lock_counter(void **state)
{
    const char *dir = *state;
    const char *counter = J(dir, "counter");
    put(counter, "0", 0600);
    char counter_path[PATH_MAX];
    snprintf(counter_path, sizeof counter_path, "%s", counter); /* J's buffers rotate */

    mode_t old = umask(0);
    pid_t pids[LOCKERS];
    for (int i = 0; i < LOCKERS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            gx_diags diags = GX_DIAGS_INIT;
            gx_arena *arena = gx_arena_new();
            int rc = 0;
            int fd = gx_lock_workspace(dir, &diags);
            char *data;
            size_t len;
            if (fd < 0) {
                rc = 10;
            } else if (!gx_file_read(arena, counter_path, 64, &data, &len, &diags)) {
                rc = 11;
            } else {
                long v = strtol(data, NULL, 10);
                usleep(2000); /* widen the window a missing lock would lose updates in */
                char out[32];
                int n = snprintf(out, sizeof out, "%ld", v + 1);
                if (!gx_file_write_atomic(counter_path, out, (size_t)n, 0600, true, &diags))
                    rc = 12;
            }
            gx_unlock_workspace(fd);
            gx_arena_free(arena);
            gx_diags_free(&diags);
            _exit(rc);
        }
    }
    umask(old);
    for (int i = 0; i < LOCKERS; i++)
        assert_int_equal(gx_test_wait(pids[i]), 0);
    assert_content(counter, "16");
    assert_int_equal(mode_of(J(dir, GX_STATE_DIR)), 0700);
    assert_int_equal(mode_of(J(dir, GX_LOCK_FILE)), 0600);
    assert_int_equal(count_entries(dir, NULL, NULL), 2); /* counter, .glyphoxa-deploy */
}

static void test_lock_excludes(void **state)
{
    const char *dir = *state;
    gx_diags diags = GX_DIAGS_INIT;
    int fd = gx_lock_workspace(dir, &diags);
    assert_true(fd >= 0);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

    for (int round = 0; round < 2; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int lfd = open(J(dir, GX_LOCK_FILE), O_RDWR);
            if (lfd < 0)
                _exit(10);
            if (flock(lfd, LOCK_EX | LOCK_NB) == 0)
                _exit(round == 0 ? 11 : 0);
            _exit(errno == EWOULDBLOCK && round == 0 ? 0 : 12);
        }
        assert_int_equal(gx_test_wait(pid), 0);
        if (round == 0)
            gx_unlock_workspace(fd);
    }
    gx_unlock_workspace(-1);

    /* a missing workspace, and a file where the state directory belongs */
    assert_int_equal(gx_lock_workspace(J(dir, "missing"), &diags), -1);
    assert_true(diag_has(&diags, "does not exist"));
    gx_diags_free(&diags);
    assert_int_equal(mkdir(J(dir, "ws2"), 0755), 0);
    put(J(dir, "ws2/" GX_STATE_DIR), "x", 0600);
    assert_int_equal(gx_lock_workspace(J(dir, "ws2"), &diags), -1);
    assert_true(diag_has(&diags, "not a directory"));
    gx_diags_free(&diags);
}

/* ---- the export directory swap -------------------------------------------------------- */

static const char *const TOPS[] = {"generated", "scripts"};

/* ws with an old export: generated/{old.yaml,keep.yaml}, scripts/apply.sh */
static const char *make_ws(const char *dir, bool with_old)
{
    static char ws[PATH_MAX];
    snprintf(ws, sizeof ws, "%s", J(dir, "ws"));
    assert_int_equal(mkdir(ws, 0755), 0);
    assert_int_equal(mkdir(J(ws, GX_STATE_DIR), 0700), 0);
    if (with_old) {
        assert_int_equal(mkdir(J(ws, "generated"), 0755), 0);
        assert_int_equal(mkdir(J(ws, "scripts"), 0755), 0);
        put(J(ws, "generated/old.yaml"), "old", 0644);
        put(J(ws, "generated/keep.yaml"), "old keep", 0644);
        put(J(ws, "scripts/apply.sh"), "old apply", 0755);
    }
    return ws;
}

static void stage_new(gx_staging *st, gx_diags *diags)
{
    assert_true(gx_staging_write(st, "generated/keep.yaml", "new keep", 8, 0644, diags));
    assert_true(gx_staging_write(st, "generated/secrets.yaml", "s3cret", 6, 0600, diags));
    assert_true(gx_staging_write(st, "generated/infra/postgresql.yaml", "pg", 2, 0600, diags));
    assert_true(gx_staging_write(st, "scripts/apply.sh", "new apply", 9, 0755, diags));
}

static void assert_old_ws(const char *ws)
{
    assert_content(J(ws, "generated/old.yaml"), "old");
    assert_content(J(ws, "generated/keep.yaml"), "old keep");
    assert_content(J(ws, "scripts/apply.sh"), "old apply");
    assert_int_equal(count_entries(J(ws, "generated"), NULL, NULL), 2);
    assert_int_equal(count_entries(J(ws, "scripts"), NULL, NULL), 1);
}

static void assert_new_ws(const char *ws)
{
    assert_false(gx_file_exists(J(ws, "generated/old.yaml"))); /* stale file gone */
    assert_content(J(ws, "generated/keep.yaml"), "new keep");
    assert_content(J(ws, "generated/secrets.yaml"), "s3cret");
    assert_content(J(ws, "generated/infra/postgresql.yaml"), "pg");
    assert_content(J(ws, "scripts/apply.sh"), "new apply");
    assert_int_equal(mode_of(J(ws, "generated/keep.yaml")), 0644);
    assert_int_equal(mode_of(J(ws, "generated/secrets.yaml")), 0600);
    assert_int_equal(mode_of(J(ws, "generated/infra/postgresql.yaml")), 0600);
    assert_int_equal(mode_of(J(ws, "scripts/apply.sh")), 0755);
    assert_int_equal(mode_of(J(ws, "generated")), GX_STAGING_DIR_MODE);
    assert_int_equal(mode_of(J(ws, "generated/infra")), GX_STAGING_DIR_MODE);
    assert_int_equal(mode_of(J(ws, "scripts")), GX_STAGING_DIR_MODE);
    assert_int_equal(count_entries(J(ws, "generated"), NULL, NULL), 3);
    assert_int_equal(count_entries(J(ws, "scripts"), NULL, NULL), 1);
    /* staging directory and old trees removed */
    assert_int_equal(count_entries(J(ws, GX_STATE_DIR), NULL, NULL), 0);
}

static void test_staging_commit_replaces(void **state)
{
    const char *ws = make_ws(*state, true);
    gx_diags diags = GX_DIAGS_INIT;
    gx_staging st = GX_STAGING_INIT;
    mode_t old = umask(077); /* modes are exact whatever the umask */
    assert_true(gx_staging_begin(&st, J(ws, GX_STATE_DIR), &diags));
    assert_non_null(st.dir);
    assert_int_equal(mode_of(st.dir), 0700);
    assert_int_equal(count_entries(J(ws, GX_STATE_DIR), ".glyphoxa-staging-", NULL), 1);
    stage_new(&st, &diags);
    umask(old);
    assert_old_ws(ws); /* nothing visible before the commit */

    assert_true(gx_staging_commit(&st, TOPS, 2, ws, &diags));
    assert_null(st.dir);
    gx_staging_abort(&st); /* no-op after a commit */
    assert_int_equal(diags.count, 0);
    assert_new_ws(ws);
}

static void test_staging_first_export(void **state)
{
    const char *ws = make_ws(*state, false);
    gx_diags diags = GX_DIAGS_INIT;
    gx_staging st = GX_STAGING_INIT;
    assert_true(gx_staging_begin(&st, J(ws, GX_STATE_DIR), &diags));
    stage_new(&st, &diags);
    assert_true(gx_staging_commit(&st, TOPS, 2, ws, &diags));
    gx_staging_abort(&st);
    assert_new_ws(ws);
}

static void test_staging_abort(void **state)
{
    const char *ws = make_ws(*state, true);
    gx_diags diags = GX_DIAGS_INIT;
    gx_staging st = GX_STAGING_INIT;
    gx_staging_abort(&st); /* no-op on an initial one */
    assert_true(gx_staging_begin(&st, J(ws, GX_STATE_DIR), &diags));
    stage_new(&st, &diags);
    gx_staging_abort(&st);
    assert_null(st.dir);
    assert_old_ws(ws);
    assert_int_equal(mode_of(J(ws, "scripts/apply.sh")), 0755);
    assert_int_equal(count_entries(J(ws, GX_STATE_DIR), NULL, NULL), 0);
}

/* The second move fails: the first is undone and the workspace is as before. */
static void run_rollback(const char *ws, gx_diags *diags)
{
    gx_staging st = GX_STAGING_INIT;
    assert_true(gx_staging_begin(&st, J(ws, GX_STATE_DIR), diags));
    stage_new(&st, diags);
    gx_files_test_fail_commit_at = 2;
    assert_false(gx_staging_commit(&st, TOPS, 2, ws, diags));
    gx_files_test_fail_commit_at = 0;
    assert_int_equal(diags->count, 1);
    assert_string_equal(diags->items[0].file, J(ws, "scripts"));
    assert_false(st.keep);
    assert_non_null(st.dir); /* left for the abort */
    gx_staging_abort(&st);
    assert_int_equal(count_entries(J(ws, GX_STATE_DIR), NULL, NULL), 0);
    gx_diags_free(diags);
}

static void test_staging_rollback(void **state)
{
    const char *ws = make_ws(*state, true);
    gx_diags diags = GX_DIAGS_INIT;
    run_rollback(ws, &diags); /* with RENAME_EXCHANGE */
    assert_old_ws(ws);
    gx_files_test_no_exchange = true;
    run_rollback(ws, &diags); /* with the rename-aside fallback */
    assert_old_ws(ws);
    gx_files_test_no_exchange = false;

    /* first export where only generated/ is new: the undo removes it again */
    assert_true(gx_remove_tree(J(ws, "generated"), &diags));
    run_rollback(ws, &diags);
    assert_false(gx_file_exists(J(ws, "generated")));
    assert_content(J(ws, "scripts/apply.sh"), "old apply");
}

static void test_staging_fallback_commit(void **state)
{
    const char *ws = make_ws(*state, true);
    gx_diags diags = GX_DIAGS_INIT;
    gx_staging st = GX_STAGING_INIT;
    assert_true(gx_staging_begin(&st, J(ws, GX_STATE_DIR), &diags));
    stage_new(&st, &diags);
    gx_files_test_no_exchange = true;
    assert_true(gx_staging_commit(&st, TOPS, 2, ws, &diags));
    gx_files_test_no_exchange = false;
    gx_staging_abort(&st);
    assert_int_equal(diags.count, 0);
    assert_new_ws(ws);
}

static void test_staging_rejects(void **state)
{
    const char *ws = make_ws(*state, true);
    gx_diags diags = GX_DIAGS_INIT;
    gx_staging st = GX_STAGING_INIT;
    assert_false(gx_staging_write(&st, "generated/a", "x", 1, 0644, &diags)); /* not begun */
    gx_diags_free(&diags);
    assert_true(gx_staging_begin(&st, J(ws, GX_STATE_DIR), &diags));

    static const char *const bad[] = {"", "/abs", "../x", "generated/../../x", "a//b",
                                      "generated/", "./a", "generated/."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(gx_staging_write(&st, bad[i], "x", 1, 0644, &diags));
        assert_int_equal(diags.count, 1);
        gx_diags_free(&diags);
    }
    assert_true(gx_staging_write(&st, "generated/a.yaml", "1", 1, 0644, &diags));
    assert_false(gx_staging_write(&st, "generated/a.yaml", "2", 1, 0644, &diags));
    assert_true(diag_has(&diags, "twice"));
    gx_diags_free(&diags);

    /* "scripts" was not staged: nothing moves, generated/ included */
    assert_false(gx_staging_commit(&st, TOPS, 2, ws, &diags));
    assert_true(diag_has(&diags, "nothing was staged"));
    gx_diags_free(&diags);
    assert_old_ws(ws);

    assert_true(gx_staging_write(&st, "scripts/apply.sh", "new", 3, 0755, &diags));
    static const char *const odd[] = {".hidden", "a/b", ""};
    for (size_t i = 0; i < 3; i++) {
        assert_false(gx_staging_commit(&st, &odd[i], 1, ws, &diags));
        gx_diags_free(&diags);
    }

    /* a destination that is a file or a symbolic link is not replaced; checked
     * before anything moves (scripts comes first here) */
    static const char *const rev[] = {"scripts", "generated"};
    assert_int_equal(rename(J(ws, "generated"), J(ws, "real-generated")), 0);
    put(J(ws, "generated"), "my file", 0644);
    assert_false(gx_staging_commit(&st, rev, 2, ws, &diags));
    assert_true(diag_has(&diags, "not a directory"));
    gx_diags_free(&diags);
    assert_content(J(ws, "generated"), "my file");
    assert_content(J(ws, "scripts/apply.sh"), "old apply");

    assert_int_equal(unlink(J(ws, "generated")), 0);
    assert_int_equal(symlink("real-generated", J(ws, "generated")), 0);
    assert_false(gx_staging_commit(&st, rev, 2, ws, &diags));
    assert_true(diag_has(&diags, "symbolic link"));
    gx_diags_free(&diags);
    assert_content(J(ws, "generated/old.yaml"), "old");
    assert_content(J(ws, "scripts/apply.sh"), "old apply");

    /* a missing parent for begin */
    gx_staging st2 = GX_STAGING_INIT;
    assert_false(gx_staging_begin(&st2, J(ws, "missing"), &diags));
    assert_null(st2.dir);
    gx_diags_free(&diags);

    gx_staging_abort(&st);
    assert_int_equal(count_entries(J(ws, GX_STATE_DIR), NULL, NULL), 0);
}

/* ---- the random source ---------------------------------------------------------------- */

static void test_random(void **state)
{
    (void)state;
    gx_diags diags = GX_DIAGS_INIT;
    unsigned char one;
    assert_true(gx_random_bytes(&one, 0, &diags));
    enum { N = 1 << 20 };
    unsigned char *big = calloc(N, 1);
    assert_true(gx_random_bytes(big, N, &diags));
    size_t zeros = 0;
    for (size_t i = 0; i < N; i++)
        zeros += big[i] == 0;
    assert_true(zeros < 2 * N / 256); /* expected N/256 */
    free(big);

    gx_arena *arena = gx_arena_new();
    char *t0 = gx_random_token(arena, 0, &diags);
    assert_non_null(t0);
    assert_string_equal(t0, "");

    char *a = gx_random_token(arena, 32, &diags);
    char *b = gx_random_token(arena, 32, &diags);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strlen(b), 32);
    assert_string_not_equal(a, b);

    /* alphabet, and every one of the 62 characters about equally often:
     * 62 * 200 draws, each count expected 200 (sd ~14): [100, 300] is > 7 sd */
    enum { PER = 200, TOTAL = 62 * PER };
    char *t = gx_random_token(arena, TOTAL, &diags);
    assert_int_equal(strlen(t), TOTAL);
    int counts[256] = {0};
    for (size_t i = 0; i < TOTAL; i++) {
        unsigned char c = (unsigned char)t[i];
        assert_true((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
        counts[c]++;
    }
    int distinct = 0;
    for (int c = 0; c < 256; c++) {
        if (!counts[c])
            continue;
        distinct++;
        assert_in_range(counts[c], 100, 300);
    }
    assert_int_equal(distinct, 62);
    assert_int_equal(diags.count, 0);
    gx_arena_free(arena);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)
    const struct CMUnitTest tests[] = {
        T(test_read_limits),
        T(test_read_rejects),
        T(test_read_cap_while_reading),
        T(test_exists),
        T(test_same),
        T(test_write_atomic_modes),
        T(test_write_atomic_errors),
        T(test_write_interrupted_by_fsize),
        T(test_write_killed_midway),
        T(test_mkdir_p),
        T(test_remove_tree),
        T(test_lock_counter),
        T(test_lock_excludes),
        T(test_staging_commit_replaces),
        T(test_staging_first_export),
        T(test_staging_abort),
        T(test_staging_rollback),
        T(test_staging_fallback_commit),
        T(test_staging_rejects),
        T(test_random),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
