/* test_delivery — issue #11 through the binary and the loader: init's next
 * steps (apply infrastructure with the bundled PostgreSQL; the kubectl label
 * and taint commands of the dedicated topology); the first install order
 * (apply warns about infrastructure components no infrastructure run
 * installed; a successful non-dry-run `apply infrastructure` records them);
 * local chart paths looked up relative to the workspace (V23); many -f
 * overlays (later files win, origins and problems in file order, values
 * copied out of each file's scratch arena); large inputs checked in linear
 * time (75,000 NPCs with duplicates). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gx_buf.h"
#include "gx_model.h"
#include "gx_rules.h"
#include "gx_test_run.h"
#include "gx_test_unit.h"
#include "gx_test_util.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/gx-delivery-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

/* Runs the binary with args (NULL-terminated) in cwd, the recording fakes
 * first on PATH and their log in dir. */
static gx_test_run_result tool(const char *cwd, const char *const *args)
{
    const char *argv[128];
    size_t n = 0;
    argv[n++] = GX_BINARY;
    for (; *args && n < 127; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    static char path[4096], log[512];
    snprintf(path, sizeof path, "PATH=%s/tests/fakes:%s", GX_SOURCE_DIR, getenv("PATH"));
    snprintf(log, sizeof log, "GX_FAKE_LOG=%s/fake.log", dir);
    const char *env[] = {path, log, "NO_COLOR=1", NULL};
    gx_test_run_opts opts = {.cwd = cwd, .set_env = env};
    gx_test_run_result r;
    assert_true(gx_test_run(argv, &opts, &r));
    return r;
}

#define RUN(cwd, ...) tool(cwd, (const char *const[]){__VA_ARGS__, NULL})

static void expect(gx_test_run_result *r, int status)
{
    if (r->status != status)
        fail_msg("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r->status, status, r->out, r->err);
}

/* Runs the tool (as tool) and checks its exit status; its output is not kept. */
static void tool_expect(int status, const char *cwd, const char *const *args)
{
    gx_test_run_result r = tool(cwd, args);
    expect(&r, status);
    gx_test_run_free(&r);
}

#define RUN_EXPECT(status, cwd, ...) tool_expect(status, cwd, (const char *const[]){__VA_ARGS__, NULL})

static const char *ws(const char *name)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* ---- init ------------------------------------------------------------------------- */

static void test_init_next_steps(void **state)
{
    (void)state;
    gx_test_run_result r = RUN(dir, "-C", "pg", "init");
    expect(&r, 0);
    gx_test_assert_has(r.out, "next: glyphoxa-deploy -C pg validate && glyphoxa-deploy -C pg apply "
                              "infrastructure && glyphoxa-deploy -C pg apply\n");
    gx_test_assert_lacks(r.out, "kubectl");
    gx_test_run_free(&r);

    r = RUN(dir, "-C", "ext", "init", "--dsn", "postgres://u:p@db.example:5432/x");
    expect(&r, 0);
    gx_test_assert_has(r.out, "next: glyphoxa-deploy -C ext validate && glyphoxa-deploy -C ext export\n");
    gx_test_assert_lacks(r.out, "apply infrastructure");
    gx_test_run_free(&r);

    r = RUN(dir, "-C", "ded", "init", "--topology", "dedicated", "--with-postgresql");
    expect(&r, 0);
    const char *next = strstr(r.out, "next: ");
    assert_non_null(next);
    const char *label = strstr(r.out, "  kubectl label nodes NODE glyphoxa.io/tier=dedicated\n");
    const char *taint =
        strstr(r.out, "  kubectl taint nodes NODE glyphoxa.io/tier=dedicated:NoSchedule\n");
    assert_non_null(label);
    assert_non_null(taint);
    assert_true(next < label && label < taint); /* after the "next:" line */
    gx_test_assert_has(next, "apply infrastructure");
    gx_test_run_free(&r);
}

/* ---- the first install order -------------------------------------------------------- */

static void test_first_install_order(void **state)
{
    (void)state;
    const char *w = ws("w");
    gx_test_run_result r;
    RUN_EXPECT(0, dir, "-C", w, "init");

    /* a plain apply before any infrastructure run: a warning naming it */
    r = RUN(w, "apply", "--dry-run");
    expect(&r, 0);
    gx_test_assert_has(r.err, "warning: the postgresql component is on, but no infrastructure run of this "
                              "workspace installed it");
    gx_test_assert_has(r.err, "try: glyphoxa-deploy apply infrastructure");
    gx_test_run_free(&r);

    /* a dry run and a failed run of the infrastructure target record nothing */
    RUN_EXPECT(0, w, "apply", "infrastructure", "--dry-run");
    char marker[1024];
    snprintf(marker, sizeof marker, "%s/.glyphoxa-deploy/infrastructure-applied", w);
    assert_int_equal(access(marker, F_OK), -1);
    setenv("GX_FAKE_FAIL_ON", "1:3", 1);
    r = RUN(w, "apply", "infrastructure");
    unsetenv("GX_FAKE_FAIL_ON");
    expect(&r, 3);
    gx_test_run_free(&r);
    assert_int_equal(access(marker, F_OK), -1);

    /* a successful run records what it installed; the warning is gone */
    RUN_EXPECT(0, w, "apply", "infrastructure");
    size_t len;
    char *text = gx_test_read_file(marker, &len);
    assert_non_null(text);
    assert_string_equal(text, "postgresql\n");
    free(text);
    r = RUN(w, "apply", "--dry-run");
    expect(&r, 0);
    gx_test_assert_lacks(r.err, "no infrastructure run");
    gx_test_run_free(&r);

    /* a component switched on later was not installed yet */
    RUN_EXPECT(0, w, "component", "enable", "sealed-secrets");
    r = RUN(w, "apply", "--dry-run");
    expect(&r, 0);
    gx_test_assert_has(r.err, "the sealed-secrets component is on, but no infrastructure run");
    gx_test_assert_lacks(r.err, "the postgresql component is on");
    gx_test_run_free(&r);
    RUN_EXPECT(0, w, "apply", "infrastructure");
    text = gx_test_read_file(marker, &len);
    assert_string_equal(text, "postgresql\nsealed-secrets\n");
    free(text);
    /* switched off and on again: still installed once (the record keeps it) */
    r = RUN(w, "component", "disable", "sealed-secrets");
    gx_test_run_free(&r);
    RUN_EXPECT(0, w, "apply", "infrastructure");
    text = gx_test_read_file(marker, &len);
    assert_string_equal(text, "postgresql\nsealed-secrets\n");
    free(text);
}

/* ---- local charts, relative to the workspace -------------------------------------- */

static void test_local_chart_relative_to_workspace(void **state)
{
    (void)state;
    const char *w = ws("charts-ws");
    gx_test_run_result r;
    RUN_EXPECT(0, dir, "-C", w, "init");
    RUN_EXPECT(0, dir, "-C", w, "set", "postgresql/chart=./charts/postgresql-16.4.11.tgz");

    /* validated from another directory: the path is the workspace's */
    r = RUN(dir, "-C", w, "validate");
    expect(&r, 1);
    gx_test_assert_has(r.out, "V23");
    gx_test_assert_has(r.out, "does not exist");
    gx_test_run_free(&r);

    char path[1024];
    snprintf(path, sizeof path, "%s/charts", w);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/charts/postgresql-16.4.11.tgz", w);
    gx_test_write_file(path, "plain text", 10, 0644);
    r = RUN(dir, "-C", w, "validate");
    expect(&r, 1);
    gx_test_assert_has(r.out, "no chart archive");
    gx_test_run_free(&r);
    gx_test_write_file(path, "\x1f\x8b\x08\x00", 4, 0644); /* gzip */
    r = RUN(dir, "-C", w, "validate");
    gx_test_assert_lacks(r.out, "V23");
    gx_test_run_free(&r);

    /* a chart directory needs its Chart.yaml */
    r = RUN(dir, "-C", w, "set", "postgresql/chart=charts/pg");
    gx_test_run_free(&r);
    snprintf(path, sizeof path, "%s/charts/pg", w);
    assert_int_equal(mkdir(path, 0755), 0);
    r = RUN(dir, "-C", w, "validate");
    expect(&r, 1);
    gx_test_assert_has(r.out, "without a Chart.yaml");
    gx_test_run_free(&r);
    snprintf(path, sizeof path, "%s/charts/pg/Chart.yaml", w);
    gx_test_write_file(path, "name: pg\n", 9, 0644);
    r = RUN(dir, "-C", w, "validate");
    gx_test_assert_lacks(r.out, "V23");
    gx_test_run_free(&r);
}

/* ---- many overlays ------------------------------------------------------------------ */

static void test_overlays_later_wins(void **state)
{
    (void)state;
    const char *w = ws("ov");
    gx_test_run_result r;
    RUN_EXPECT(0, dir, "-C", w, "init", "--dsn", "postgres://u:p@db.example/x");
    enum { N = 40 };
    const char *argv[2 * N + 8];
    size_t n = 0;
    static char names[N][128];
    argv[n++] = "-C";
    argv[n++] = w;
    argv[n++] = "get";
    argv[n++] = "--explain";
    argv[n++] = "gateway";
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "%s/o%02d.yaml", dir, i);
        char text[256];
        /* every file sets replica-count; only the 8th sets the admin port and a list */
        int len = snprintf(text, sizeof text,
                           "gateway:\n  replica-count: %d\n%s", i + 1,
                           i == 7 ? "  ports: {admin: 8181}\n  tolerations: [{operator: Exists}]\n"
                                  : "");
        gx_test_write_file(names[i], text, (size_t)len, 0644);
        argv[n++] = "-f";
        argv[n++] = names[i];
    }
    argv[n] = NULL;
    r = tool(dir, argv);
    expect(&r, 0);
    char origin[512];
    snprintf(origin, sizeof origin, "# --values %s:2:18\n  replica-count: 40\n", names[N - 1]);
    gx_test_assert_has(r.out, origin);
    snprintf(origin, sizeof origin, "# --values %s:3:18\n    admin: 8181\n", names[7]);
    gx_test_assert_has(r.out, origin);
    gx_test_assert_has(r.out, "operator: Exists");
    gx_test_run_free(&r);

    /* problems of several files come in file order */
    gx_test_write_file(names[3], "gateway: {replicas: 2}\n", 23, 0644);
    gx_test_write_file(names[20], "core: {topology: big}\n", 22, 0644);
    n = 0;
    argv[n++] = "-C";
    argv[n++] = w;
    argv[n++] = "validate";
    argv[n++] = "--json";
    for (int i = 0; i < N; i++) {
        argv[n++] = "-f";
        argv[n++] = names[i];
    }
    argv[n] = NULL;
    r = tool(dir, argv);
    expect(&r, 1);
    const char *a = strstr(r.out, "o03.yaml"), *b = strstr(r.out, "o20.yaml");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    gx_test_run_free(&r);
}

static void test_layer_take_copies(void **state)
{
    (void)state;
    gx_arena *keep = gx_arena_new();
    gx_layer *merged = gx_arena_alloc(keep, sizeof *merged);
    gx_layer_init(merged, GX_LAYER_OVERLAY, NULL);
    static const char *const files[] = {
        "config:\n  npcs: [{name: a, voice: {speed_factor: 1.5}}]\n  campaign: {name: late}\n"
        "components: {autoscaling: true}\n",
        "config:\n  npcs: [{name: early}]\n  campaign: {name: early, system: \"n\\u00fcl\"}\n"
        "gateway: {node-selector: {a: b}}\ncore: {image-pull-secrets: [p]}\n"
        "components: {autoscaling: false}\n"};
    /* the later file first, as the loader does */
    for (int i = 1; i >= 0; i--) {
        gx_arena *scratch = gx_arena_new();
        gx_layer *l = gx_arena_alloc(scratch, sizeof *l);
        gx_layer_init(l, GX_LAYER_OVERLAY, i ? "two.yaml" : "one.yaml");
        gx_diags diags = GX_DIAGS_INIT;
        bool ok = gx_layer_read(scratch, l, files[i == 1 ? 0 : 1], strlen(files[i == 1 ? 0 : 1]),
                                &diags);
        if (!ok)
            gx_diags_print(&diags, stderr);
        assert_true(ok);
        gx_diags_free(&diags);
        gx_layer_take(keep, merged, l);
        /* the scratch arena is gone: everything kept must be a copy */
        memset(l, 0xa5, sizeof *l);
        gx_arena_free(scratch);
    }
    const gx_layer *layers[] = {merged};
    gx_model m;
    gx_model_build(&m, layers, 1);
    assert_string_equal(m.cfg.config.campaign.name, "late");
    assert_string_equal(m.origin[GX_F_CONFIG_CAMPAIGN_NAME].file, "two.yaml");
    assert_string_equal(m.cfg.config.campaign.system, "n\xc3\xbcl");
    assert_string_equal(m.origin[GX_F_CONFIG_CAMPAIGN_SYSTEM].file, "one.yaml");
    const gx_node *npcs = m.cfg.config.npcs;
    assert_int_equal(npcs->count, 1);
    assert_string_equal(gx_node_get(npcs->items[0], "name")->text, "a");
    assert_string_equal(npcs->items[0]->file, "two.yaml");
    assert_string_equal(gx_node_get(gx_node_get(npcs->items[0], "voice"), "speed_factor")->text,
                        "1.5");
    assert_string_equal(m.cfg.gateway.node_selector.values[0], "b");
    assert_string_equal(m.cfg.core.image_pull_secrets.items[0], "p");
    assert_true(m.cfg.enabled[GX_C_AUTOSCALING]); /* the later file's */
    gx_arena_free(keep);
}

/* ---- large inputs: linear ------------------------------------------------------------ */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Three characters of base 62: 238,328 distinct names, 75,000 of them fit the
 * 1 MiB limit of a values file in flow style. */
static const char *name62(int i, char out[4])
{
    static const char al[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (int k = 0; k < 3; k++, i /= 62)
        out[k] = al[i % 62];
    out[3] = '\0';
    return out;
}

static void test_many_npcs_linear(void **state)
{
    (void)state;
    enum { N = 75000 };
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b, "config:\n  providers: {llm: {name: openai}, tts: {name: elevenlabs}}\n"
                    "  npcs: [");
    char nm[4];
    for (int i = 0; i < N; i++) /* repeats: 10 twice, 60000 and 20 once */
        gx_buf_printf(&b, "%s{name: %s}", i ? "," : "",
                      name62(i == 50000 || i == 70000 ? 10 : i == 74999 ? 60000 : i == 30 ? 20 : i,
                             nm));
    gx_buf_puts(&b, "]\n");
    assert_true(b.len < 1024 * 1024);
    char path[1024];
    snprintf(path, sizeof path, "%s/many.yaml", dir);
    gx_test_write_file(path, b.data, b.len, 0644);
    gx_buf_free(&b);
    const char *w = ws("many");
    gx_test_run_result r = RUN(dir, "-C", w, "init", "--dsn", "postgres://u:p@db.example/x");
    gx_test_run_free(&r);
    double t = now();
    r = RUN(dir, "-C", w, "validate", "-f", path);
    double took = now() - t;
    expect(&r, 1);
    char want[128];
    snprintf(want, sizeof want, "config/npcs[50000]: name \"%s\" is already used by config/npcs[10]",
             name62(10, nm));
    gx_test_assert_has(r.out, want);
    snprintf(want, sizeof want, "config/npcs[70000]: name \"%s\" is already used by config/npcs[10]",
             name62(10, nm));
    gx_test_assert_has(r.out, want);
    snprintf(want, sizeof want,
             "config/npcs[74999]: name \"%s\" is already used by config/npcs[60000]",
             name62(60000, nm));
    gx_test_assert_has(r.out, want);
    snprintf(want, sizeof want, "config/npcs[30]: name \"%s\" is already used by config/npcs[20]",
             name62(20, nm));
    gx_test_assert_has(r.out, want);
    const char *first = strstr(r.out, "config/npcs[30]"), *last = strstr(r.out, "npcs[74999]");
    assert_true(first < last); /* list order */
    /* comparing every pair took 20-40 s here; sorting takes well under a
     * second. A figure, not a check: tests never assert on wall-clock time. */
    print_message("validating 75,000 NPCs took %.2f s\n", took);
    gx_test_run_free(&r);
}

/* ---- the new paths --------------------------------------------------------------------- */

static void test_new_paths_listed_described_set(void **state)
{
    (void)state;
    static const char *const paths[] = {"core/image-digest",        "core/registry-mirror",
                                        "core/air-gapped",          "network-policy/extra-egress",
                                        "network-policy/metrics-from", "postgresql/values",
                                        "sealed-secrets/values"};
    gx_test_run_result r = RUN(dir, "list", "paths");
    expect(&r, 0);
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        gx_test_assert_has(r.out, paths[i]);
    gx_test_run_free(&r);
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        r = RUN(dir, "describe", paths[i]);
        expect(&r, 0);
        gx_test_assert_has(r.out, paths[i]);
        if (strlen(r.out) < 200)
            fail_msg("describe %s says too little:\n%s", paths[i], r.out);
        gx_test_run_free(&r);
    }

    /* set them from the command line; a wrong shape is refused or blocked */
    const char *w = ws("paths");
    r = RUN(dir, "-C", w, "init", "--dsn", "postgres://u:p@db.example/x");
    gx_test_run_free(&r);
    RUN_EXPECT(0, dir, "-C", w, "set", "core/registry-mirror=registry.example.internal:5000",
               "core/image-digest=sha256:9c2f1a7b3e5d4c6b8a0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69",
               "network-policy/extra-egress=[{cidr: 10.20.0.0/16, ports: [9000]}]",
               "network-policy/metrics-from=[{namespace-selector: {team: obs}}]",
               "postgresql/values={primary: {resources: {}}}");
    r = RUN(dir, "-C", w, "export", "--stdout");
    expect(&r, 0);
    gx_test_assert_has(r.out, "image: registry.example.internal:5000/mrwong99/glyphoxa@sha256:9c2f");
    gx_test_assert_has(r.out, "cidr: \"10.20.0.0/16\"");
    gx_test_assert_has(r.out, "- namespaceSelector:\n            matchLabels:\n              team: obs\n");
    gx_test_assert_has(r.out, "name: glyphoxa-default-deny");
    gx_test_run_free(&r);
    r = RUN(dir, "-C", w, "set", "postgresql/values=[a]");
    expect(&r, 2); /* a list is no map of Helm values */
    gx_test_run_free(&r);
    RUN_EXPECT(0, dir, "-C", w, "set", "network-policy/extra-egress=[{cidr: nowhere}]");
    r = RUN(dir, "-C", w, "validate");
    expect(&r, 1);
    gx_test_assert_has(r.out, "network-policy/extra-egress[0].cidr: \"nowhere\" is not an IPv4 or IPv6 CIDR");
    gx_test_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_init_next_steps),
        T(test_first_install_order),
        T(test_local_chart_relative_to_workspace),
        T(test_overlays_later_wins),
        T(test_layer_take_copies),
        T(test_many_npcs_linear),
        T(test_new_paths_listed_described_set),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
