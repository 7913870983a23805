/* Tests of the core (gx_core.h) in process, through a recording sink:
 *  - lock first: the export/set race, reproduced deterministically with the
 *    test hooks of a GX_TEST_HOOKS build of the core;
 *  - a target's child writing to stdout reaches the sink, not our stdout;
 *  - 100,000 get/set/validate operations with sessions created and freed
 *    leave the allocated memory at its baseline;
 *  - revisions: every read returns one, a stale one writes nothing;
 *  - events of the operations, and statuses (bad request vs failure). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gx_core.h"
#include "gx_test_core.h"
#include "gx_test_run.h"
#include "gx_test_sink.h"

/* ---- workspaces -------------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static char *make_workspace(const char *base)
{
    char tmpl[256];
    snprintf(tmpl, sizeof tmpl, "%s/gx-core-XXXXXX", base);
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char *ws = strdup(dir);
    gx_session *s = gx_session_new(ws);
    gx_init_request req = {0};
    req.dsn = "postgres://glyphoxa:pw@db:5432/glyphoxa";
    assert_int_equal(gx_op_init(s, &req, NULL), GX_STATUS_OK);
    gx_session_free(s);
    return ws;
}

static void drop_workspace(char *ws)
{
    nftw(ws, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(ws);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strdup(buf);
}

/* ---- lock first: the race ---------------------------------------------------------- */

/* The scenario of the race: export A has read the values; meanwhile B sets
 * gateway/replica-count=5 and exports. Without the lock taken before the
 * read, A then renders the old value (the default, 3) and records it as the
 * latest export. With it, B waits for A and its export wins.
 *
 * Deterministic: A's hook at "loaded" starts B and waits until B either
 * reports that it is waiting for the lock (byte 'W', from B's "lock-wait"
 * hook) or has finished (byte 'D'). */
static const char *race_ws;
static int race_notify[2] = {-1, -1};
static bool race_in_a;
static pid_t race_b = -1;

static void race_hook_b(const char *point, const char *ws)
{
    (void)ws;
    if (!strcmp(point, "lock-wait"))
        (void)!write(race_notify[1], "W", 1);
}

static void race_run_b(void)
{
    gx_core_test_hook = race_hook_b;
    gx_session *s = gx_session_new(race_ws);
    gx_assignment a = {"gateway/replica-count=5", false};
    int ok = gx_op_set(s, &a, 1, NULL, NULL, NULL) == GX_STATUS_OK;
    gx_session_reset(s);
    ok = ok && gx_test_export(s) == GX_STATUS_OK;
    gx_session_free(s);
    (void)!write(race_notify[1], "D", 1);
    _exit(ok ? 0 : 1);
}

static void race_hook_a(const char *point, const char *ws)
{
    (void)ws;
    if (!race_in_a || strcmp(point, "loaded") != 0)
        return;
    race_in_a = false; /* once */
    race_b = fork();
    if (race_b == 0)
        race_run_b();
    char c = 0;
    while (read(race_notify[0], &c, 1) != 1)
        ;
    /* 'W': B waits for our lock (the fix); 'D': B already ran (the race) */
}

/* Export A (in a child: gx_test_run_function), which starts B from its hook;
 * exits 0 when both succeeded. */
static void race_run_a(void *ctx)
{
    (void)ctx;
    gx_core_test_hook = race_hook_a;
    race_in_a = true;
    gx_session *s = gx_session_new(race_ws);
    int ok = gx_test_export(s) == GX_STATUS_OK;
    gx_session_free(s);
    int st = 0;
    if (race_b > 0)
        waitpid(race_b, &st, 0);
    _exit(ok && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1);
}

static void test_lock_first_race(void **state)
{
    (void)state;
    char *ws = make_workspace("/tmp");
    race_ws = ws;
    assert_int_equal(pipe(race_notify), 0);
    gx_test_run_result r;
    assert_true(gx_test_run_function(race_run_a, NULL, NULL, &r));
    if (r.status != 0)
        fail_msg("export A or set and export B failed (status %d, signal %d): %s", r.status,
                 r.signal, r.err);
    gx_test_run_free(&r);
    close(race_notify[0]);
    close(race_notify[1]);

    char path[512];
    snprintf(path, sizeof path, "%s/values.yaml", ws);
    char *values = slurp(path);
    assert_non_null(strstr(values, "replica-count: 5"));
    snprintf(path, sizeof path, "%s/generated/gateway.yaml", ws);
    char *gateway = slurp(path);
    assert_non_null(gateway);
    if (!strstr(gateway, "replicas: 5"))
        fail_msg("the latest export rendered stale values (the race): %.200s",
                 strstr(gateway, "replicas:") ? strstr(gateway, "replicas:") : gateway);
    free(values);
    free(gateway);
    drop_workspace(ws);
}

/* ---- a child's stdout reaches the sink, never our stdout ------------------------------ */

static void test_child_stdout_to_sink(void **state)
{
    (void)state;
    char *ws = make_workspace("/tmp");
    /* a dry run of the default target: the script prints its steps and
     * commands on stdout, runs nothing */
    char tmp[] = "/tmp/gx-core-stdout-XXXXXX";
    int capture = mkstemp(tmp);
    assert_true(capture >= 0);
    fflush(stdout);
    int saved = dup(1);
    assert_int_equal(dup2(capture, 1), 1);

    rec_sink r;
    gx_sink sink = rec_make(&r);
    gx_session *s = gx_session_new(ws);
    gx_apply_request req = {0};
    req.dry_run = true;
    req.kubectl = "/bin/true"; /* found; never run in a dry run */
    gx_apply *a = NULL;
    gx_status st = gx_apply_start(s, &req, &sink, &a);
    int status = -1;
    if (st == GX_STATUS_OK) {
        while (!gx_apply_poll(a, -1))
            ;
        status = gx_apply_finish(a);
    }
    gx_session_free(s);

    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    struct stat sb;
    assert_int_equal(fstat(capture, &sb), 0);
    close(capture);
    unlink(tmp);
    assert_int_equal(st, GX_STATUS_OK);
    assert_int_equal(status, 0);
    assert_int_equal(sb.st_size, 0); /* nothing reached the process's stdout */
    assert_true(r.events[GX_EV_STEP] >= 3);
    assert_non_null(strstr(r.output, "1:+ "));
    assert_non_null(strstr(r.output, "1:+ /bin/true apply --server-side"));
    assert_int_equal(r.events[GX_EV_DONE], 1);
    drop_workspace(ws);
}

/* ---- memory stays flat over 100,000 operations ------------------------------------------ */

static size_t allocated(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks;
}

static void one_op(const char *ws, int i)
{
    gx_session *s = gx_session_new(ws);
    switch (i % 3) {
    case 0: {
        gx_values v;
        assert_int_equal(gx_op_get(s, "gateway/replica-count", 0, NULL, &v), GX_STATUS_OK);
        assert_int_equal(v.count, 1);
        break;
    }
    case 1: {
        char text[64];
        snprintf(text, sizeof text, "gateway/replica-count=%d", 1 + i % 5);
        gx_assignment a = {text, false};
        assert_int_equal(gx_op_set(s, &a, 1, NULL, NULL, NULL), GX_STATUS_OK);
        break;
    }
    default: {
        gx_validation v;
        assert_int_equal(gx_op_validate(s, NULL, &v), GX_STATUS_OK);
        break;
    }
    }
    gx_session_free(s);
}

static void test_memory_baseline(void **state)
{
    (void)state;
    struct stat sb;
    /* tmpfs when there is one: set writes durably, and fsync there is cheap */
    char *ws = make_workspace(stat("/dev/shm", &sb) == 0 && access("/dev/shm", W_OK) == 0
                                  ? "/dev/shm"
                                  : "/tmp");
    const int warmup = 300, total = 100000;
    for (int i = 0; i < warmup; i++)
        one_op(ws, i);
    malloc_trim(0);
    size_t baseline = allocated();
    for (int i = warmup; i < total; i++)
        one_op(ws, i);
    malloc_trim(0);
    size_t after = allocated();
    printf("memory: %zu bytes allocated after %d warm-up operations, %zu after %d operations\n",
           baseline, warmup, after, total);
    /* back to the baseline: a leak of even 1 byte per operation would show
     * as 100 KB here */
    assert_true(after <= baseline + 16 * 1024);
    drop_workspace(ws);
}

/* ---- revisions ----------------------------------------------------------------------- */

static void test_revision_checked(void **state)
{
    (void)state;
    char *ws = make_workspace("/tmp");
    gx_session *s = gx_session_new(ws);
    gx_values v;
    assert_int_equal(gx_op_get(s, "core/namespace", 0, NULL, &v), GX_STATUS_OK);
    assert_int_equal(strlen(v.revision), 64);
    char *rev = strdup(v.revision);

    gx_assignment a = {"gateway/replica-count=2", false};
    gx_write_result w;
    assert_int_equal(gx_op_set(s, &a, 1, rev, NULL, &w), GX_STATUS_OK);
    assert_string_not_equal(w.revision, rev);
    char *rev2 = strdup(w.revision);

    /* the new revision is what a read reports */
    gx_validation val;
    gx_op_validate(s, NULL, &val);
    assert_string_equal(val.revision, rev2);

    /* a stale revision writes nothing and says why */
    rec_sink r;
    gx_sink sink = rec_make(&r);
    gx_assignment b = {"gateway/replica-count=3", false};
    assert_int_equal(gx_op_set(s, &b, 1, rev, &sink, NULL), GX_STATUS_FAILED);
    assert_non_null(strstr(r.codes, "stale-revision"));
    assert_int_equal(gx_op_get(s, "gateway/replica-count", 0, NULL, &v), GX_STATUS_OK);
    assert_string_equal(v.items[0].text, "2");
    const char *unset_paths[] = {"gateway/replica-count"};
    assert_int_equal(gx_op_unset(s, unset_paths, 1, rev, NULL, NULL), GX_STATUS_FAILED);
    const char *names[] = {"autoscaling"};
    assert_int_equal(gx_op_component(s, names, 1, true, rev, NULL, NULL), GX_STATUS_FAILED);
    assert_int_equal(gx_op_component(s, names, 1, true, rev2, NULL, NULL), GX_STATUS_OK);
    free(rev);
    free(rev2);
    gx_session_free(s);
    drop_workspace(ws);
}

/* ---- statuses and events -------------------------------------------------------------- */

static void test_statuses(void **state)
{
    (void)state;
    char *ws = make_workspace("/tmp");
    gx_session *s = gx_session_new(ws);
    rec_sink r;
    gx_sink sink = rec_make(&r);
    gx_values v;
    /* an unknown path in the request: bad request, with a did-you-mean */
    assert_int_equal(gx_op_get(s, "gateway/replica-cont", 0, &sink, &v), GX_STATUS_BAD_REQUEST);
    assert_non_null(strstr(r.codes, "unknown-path"));
    /* a section */
    assert_int_equal(gx_op_get(s, "gateway/ports", 0, NULL, &v), GX_STATUS_OK);
    assert_int_equal(v.count, 3);
    /* a malformed value of the request's own layer: bad request, as a result */
    gx_session *bad = gx_session_new(ws);
    gx_session_add_set(bad, "core/topology=hybrid", false);
    gx_validation val;
    sink = rec_make(&r);
    assert_int_equal(gx_op_validate(bad, &sink, &val), GX_STATUS_BAD_REQUEST);
    assert_false(val.loaded);
    assert_int_equal(val.blocking, 1);
    assert_string_equal(val.diags->items[0].path, "core/topology");
    assert_int_equal(r.events[GX_EV_RESULT], 1);
    gx_session_free(bad);
    /* a values file with an unknown key: failure (not the request's fault) */
    char path[512];
    snprintf(path, sizeof path, "%s/values.yaml", ws);
    FILE *f = fopen(path, "w");
    fputs("core:\n  namespace: ok\ngatway:\n  replica-count: 2\n", f);
    fclose(f);
    gx_session_reset(s);
    assert_int_equal(gx_op_validate(s, NULL, &val), GX_STATUS_FAILED);
    assert_int_equal(val.diags->items[0].code, GX_CODE_UNKNOWN_KEY);
    assert_non_null(val.diags->items[0].file);
    assert_true(val.diags->items[0].line > 0);
    gx_session_free(s);
    drop_workspace(ws);
}

/* Reading a directory that holds no workspace changes nothing in it: no
 * .glyphoxa-deploy/ (and its lock) appears. */
static void test_reading_no_workspace_leaves_no_trace(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/gx-core-empty-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    gx_session *s = gx_session_new(dir);
    gx_values v;
    gx_validation val;
    bool enabled[64];
    assert_int_equal(gx_op_get(s, "gateway/replica-count", 0, NULL, &v), GX_STATUS_FAILED);
    assert_int_equal(gx_op_validate(s, NULL, &val), GX_STATUS_FAILED);
    assert_int_not_equal(gx_op_components(s, NULL, enabled), GX_STATUS_OK);
    gx_session_free(s);
    char statedir[sizeof tmpl + 32];
    snprintf(statedir, sizeof statedir, "%s/.glyphoxa-deploy", dir);
    assert_int_equal(access(statedir, F_OK), -1);
    assert_int_equal(rmdir(dir), 0); /* and nothing else either */
}

/* Rule results carry the position of the value they are about. */
static void test_result_positions(void **state)
{
    (void)state;
    char *ws = make_workspace("/tmp");
    gx_session *s = gx_session_new(ws);
    gx_assignment a = {"core/image-tag=latest", false};
    assert_int_equal(gx_op_set(s, &a, 1, NULL, NULL, NULL), GX_STATUS_OK);
    gx_validation val;
    assert_int_equal(gx_op_validate(s, NULL, &val), GX_STATUS_OK);
    bool seen = false;
    for (size_t i = 0; i < val.diags->count; i++) {
        const gx_diag *d = &val.diags->items[i];
        if (d->code == GX_CODE_V19) {
            seen = true;
            assert_non_null(d->file);
            assert_non_null(strstr(d->file, "values.yaml"));
            assert_true(d->line > 0 && d->col > 0);
        }
    }
    assert_true(seen);
    gx_session_free(s);
    drop_workspace(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_first_race),
        cmocka_unit_test(test_child_stdout_to_sink),
        cmocka_unit_test(test_revision_checked),
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_result_positions),
        cmocka_unit_test(test_reading_no_workspace_leaves_no_trace),
        cmocka_unit_test(test_memory_baseline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
