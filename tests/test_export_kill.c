/* An export killed at every step (issue #9): a child process runs the export
 * operation of the core (gx_op_export) on a workspace that was exported
 * before, with different values, and _exits at one named step — after
 * staging, after the pending record, after the first and after the second of
 * the two directory swaps, after the record. Then, through the real binary:
 *   - when the kill left generated/ and scripts/ from different exports (the
 *     pending record is there), a target that runs from the last export
 *     refuses, naming why; before that point nothing changed, after it the
 *     export is whole;
 *   - the next `export` repairs everything: both trees and the record agree,
 *     no staging directory and no pending record is left;
 *   - a stale staging directory is swept under the lock.
 * The file layer's hook (gx_files_test_after_move) and the export's
 * (gx_export_test_step) name the points. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gx_core.h"
#include "gx_export.h"
#include "gx_files.h"
#include "gx_hash.h"
#include "gx_test_core.h"
#include "gx_test_run.h"
#include "gx_test_util.h"

#ifndef GX_BINARY
#error "GX_BINARY must name the glyphoxa-deploy executable"
#endif

static char ws[PATH_MAX];
static const char *kill_at; /* the step the child dies at */

/* Runs the binary with -C ws and args; returns its exit status, stderr in err. */
static int tool(char **err, const char *const *args)
{
    char errpath[PATH_MAX + 16];
    snprintf(errpath, sizeof errpath, "%s.err", ws);
    const char *argv[16] = {GX_BINARY, "-C", ws};
    size_t n = 3;
    for (size_t i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int o = open("/dev/null", O_WRONLY);
        if (e < 0 || o < 0)
            _exit(126);
        dup2(o, 1), dup2(e, 2);
        const char *envp[] = {"PATH=/usr/bin:/bin", "NO_COLOR=1", NULL};
        execve(GX_BINARY, (char *const *)argv, (char *const *)envp);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    if (err)
        *err = gx_test_read_file(errpath, NULL);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define TOOL(err, ...) tool((err), (const char *const[]){__VA_ARGS__, NULL})

static void die_at(const char *step)
{
    if (!strcmp(step, kill_at))
        _exit(0);
}

static void die_after_move(size_t k)
{
    char step[32];
    snprintf(step, sizeof step, "move:%zu", k);
    die_at(step);
}

/* The export of the core (in a child: gx_test_run_function), dying at kill_at. */
static void killed_export_child(void *ctx)
{
    (void)ctx;
    gx_export_test_step = die_at;
    gx_files_test_after_move = die_after_move;
    gx_status st = gx_test_export(gx_session_new(ws));
    _exit(st == GX_STATUS_OK ? 3 : 4); /* not killed: the step was never reached */
}

/* Runs killed_export_child; fails unless it died at kill_at (status 0). */
static void killed_export(void)
{
    gx_test_run_result r;
    assert_true(gx_test_run_function(killed_export_child, NULL, NULL, &r));
    if (r.status != 0)
        fail_msg("the export was not killed at %s (exit %d, signal %d): %s", kill_at, r.status,
                 r.signal, r.err);
    gx_test_run_free(&r);
}

/* True when every file of the last-export record has its hash on disk and
 * nothing else lies in generated/ and scripts/. */
static bool tree_matches_record(void)
{
    gx_arena *arena = gx_arena_new();
    gx_last_export rec;
    gx_diags diags = GX_DIAGS_INIT;
    bool ok = gx_last_export_read(arena, ws, &rec, &diags) == GX_LAST_EXPORT_OK;
    for (size_t i = 0; ok && i < rec.file_count; i++) {
        char path[PATH_MAX * 2];
        snprintf(path, sizeof path, "%s/%s", ws, rec.files[i].path);
        size_t len;
        char *data = gx_test_read_file(path, &len);
        char hex[65];
        ok = data != NULL;
        if (ok) {
            gx_sha256_hex(data, len, hex);
            ok = !strcmp(hex, rec.files[i].sha256);
        }
        free(data);
    }
    gx_diags_free(&diags);
    gx_arena_free(arena);
    return ok;
}

/* Entries of ws/.glyphoxa-deploy whose name starts with prefix. */
static size_t state_entries(const char *prefix)
{
    char dir[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/.glyphoxa-deploy", ws);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += !strncmp(e->d_name, prefix, strlen(prefix));
    closedir(d);
    return n;
}

static int setup(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/gx-export-kill-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    snprintf(ws, sizeof ws, "%s/ws", tmpl);
    assert_int_equal(TOOL(NULL, "init", "--dsn", "postgres://u:p@db:5432/x"), 0);
    assert_int_equal(TOOL(NULL, "export"), 0);
    /* the next export differs in generated/ and in scripts/ */
    assert_int_equal(TOOL(NULL, "set", "core/release-name=other"), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char *slash = strrchr(ws, '/');
    *slash = '\0';
    gx_test_remove_tree(ws);
    return 0;
}

/* Kills the export at step; mixed: whether the trees may then come from
 * different exports (the pending record is left). */
static void kill_then_check(const char *step, bool mixed)
{
    kill_at = step;
    killed_export();
    char pending[PATH_MAX + 64];
    snprintf(pending, sizeof pending, "%s/%s", ws, GX_LAST_EXPORT_PENDING);
    struct stat st;
    assert_int_equal(stat(pending, &st) == 0, mixed);
    assert_int_equal(gx_export_interrupted(ws), mixed);

    /* a target that runs from the last export refuses a mixed tree */
    char *err = NULL;
    int status = TOOL(&err, "apply", "stop", "--kubectl", "/bin/true");
    if (mixed) {
        assert_int_equal(status, 1);
        if (!strstr(err, "was interrupted between its two directories"))
            fail_msg("%s: %s", step, err);
    } else {
        assert_true(tree_matches_record()); /* the old export or the new, whole */
        assert_null(strstr(err, "interrupted"));
    }
    free(err);

    /* export repairs: both trees and the record agree, nothing is left over */
    assert_int_equal(TOOL(&err, "export"), 0);
    if (mixed)
        assert_non_null(strstr(err, "was interrupted between its directories"));
    free(err);
    assert_true(tree_matches_record());
    assert_false(gx_export_interrupted(ws));
    assert_int_equal(state_entries(".glyphoxa-staging-"), 0);
    char gw[PATH_MAX + 64];
    snprintf(gw, sizeof gw, "%s/generated/gateway.yaml", ws);
    char *text = gx_test_read_file(gw, NULL);
    assert_non_null(strstr(text, "name: other-gateway"));
    free(text);
}

/* A step the export is killed at, and whether the trees may then come from
 * different exports; each is a test of its own (named in the table of
 * main), given to test_killed_at as its state. */
typedef struct kill_case {
    const char *step;
    bool mixed;
} kill_case;

static void test_killed_at(void **state)
{
    const kill_case *c = *state;
    kill_then_check(c->step, c->mixed);
}

/* A table entry: the test NAME, test_killed_at of its step. */
#define KILL_TEST(name, step, mixed)                                                          \
    {#name, test_killed_at, NULL, NULL, &(kill_case){(step), (mixed)}}

int main(void)
{
    struct CMUnitTest tests[] = {
        KILL_TEST(test_killed_after_staging, "export:staged", false),
        KILL_TEST(test_killed_after_the_pending_record, "export:pending", true),
        KILL_TEST(test_killed_between_the_swaps, "move:1", true),
        KILL_TEST(test_killed_after_the_swaps, "move:2", true),
        KILL_TEST(test_killed_after_the_record, "export:recorded", false),
    };
    return GX_TEST_RUN_SUITE("tests", tests, setup, teardown);
}
