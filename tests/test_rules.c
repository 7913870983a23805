/* test_rules — cmocka tests of gx_rules: a valid baseline gives no result; for
 * every rule id each severity it can have is triggered and its rule, path,
 * severity and remedy asserted; values of disabled components are not
 * validated; a sweep over configurations that trigger every rule and severity
 * checks that the table's severities are what the rules produce, that no
 * message or hint names a command or a command-line option, that no secret
 * shows, that every result carries a well-formed remedy and that a remedy
 * with a value fixes its result; gx_quantity_compare. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_model.h"
#include "gx_node.h"
#include "gx_rules.h"
#include "gx_schema.h"

#define ADMIN_KEY "0123456789abcdef0123456789abcdef" /* 32 chars */
#define DSN "postgres://glyphoxa:s3cret@db.example:5432/glyphoxa"

static gx_arena *A;

/* Defaults of topology + a 32-character admin key + a DSN: valid. */
static void baseline(struct gx_config *cfg, int topology)
{
    gx_config_set_defaults(cfg, topology);
    cfg->core.topology = topology;
    cfg->gateway.admin_key = ADMIN_KEY;
    cfg->database.dsn = DSN;
}

/* Every test gets a new arena and, as its state, a valid shared-topology
 * baseline configuration (allocated there) to change. */
static int setup(void **state)
{
    A = gx_arena_new();
    struct gx_config *cfg = gx_arena_alloc(A, sizeof *cfg);
    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    *state = cfg;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gx_arena_free(A);
    A = NULL;
    return 0;
}

/* Parses YAML text into a node (NULL for an empty document); fails the test on
 * a parse error. */
static const gx_node *yaml(const char *text)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_node *n = NULL;
    bool ok = gx_node_parse(A, "values.yaml", text, strlen(text), &n, &diags);
    if (!ok)
        gx_diags_print(&diags, stderr);
    gx_diags_free(&diags);
    assert_true(ok);
    return n;
}

/* The environment every run validates in: a fake workspace where a chart
 * path says what it is ("missing", "not-gzip", "no-chart", "fifo",
 * "unreadable" in its name), anything else is a chart archive. */
static gx_chart_probe fake_probe(void *ctx, const char *path)
{
    (void)ctx;
    if (strstr(path, "missing"))
        return GX_PROBE_MISSING;
    if (strstr(path, "not-gzip"))
        return GX_PROBE_NOT_ARCHIVE;
    if (strstr(path, "no-chart"))
        return GX_PROBE_NO_CHART;
    if (strstr(path, "fifo"))
        return GX_PROBE_OTHER;
    if (strstr(path, "unreadable"))
        return GX_PROBE_UNREADABLE;
    if (strstr(path, "dir"))
        return GX_PROBE_DIRECTORY;
    return GX_PROBE_ARCHIVE;
}

/* A certificate path says what it holds the same way ("missing", "unreadable",
 * "invalid", "expired" in its name); anything else is a usable certificate. */
static gx_cert_probe fake_cert_probe(void *ctx, const char *path, gx_arena *arena,
                                     const char **detail)
{
    (void)ctx, (void)arena;
    *detail = NULL;
    if (strstr(path, "missing"))
        return GX_CERT_MISSING;
    if (strstr(path, "unreadable"))
        return GX_CERT_UNREADABLE;
    if (strstr(path, "invalid")) {
        *detail = "no PEM block of type CERTIFICATE";
        return GX_CERT_INVALID;
    }
    if (strstr(path, "expired")) {
        *detail = "2020-01-02";
        return GX_CERT_EXPIRED;
    }
    return GX_CERT_OK;
}

static const gx_validate_env fake_env = {fake_probe, NULL, fake_cert_probe};

static gx_diags run(const struct gx_config *cfg)
{
    gx_diags r;
    memset(&r, 0, sizeof r);
    gx_validate_with(cfg, &fake_env, A, &r);
    return r;
}

static void dump(const gx_diags *r)
{
    for (size_t i = 0; i < r->count; i++)
        fprintf(stderr, "  [%s] %s %s: %s\n", gx_code_id(r->items[i].code),
                r->items[i].severity == GX_BLOCKING ? "blocking" : "warning", r->items[i].path,
                r->items[i].message);
}

static const gx_diag *find(const gx_diags *r, const char *rule, const char *path,
                             gx_severity sev)
{
    for (size_t i = 0; i < r->count; i++) {
        const gx_diag *x = &r->items[i];
        if (strcmp(gx_code_id(x->code), rule) == 0 && strcmp(x->path, path) == 0 && x->severity == sev)
            return x;
    }
    return NULL;
}

static size_t count_rule(const gx_diags *r, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        n += strcmp(gx_code_id(r->items[i].code), rule) == 0;
    return n;
}

/* Asserts a result of rule at path with severity; returns it. */
static const gx_diag *expect(const gx_diags *r, const char *rule, const char *path,
                               gx_severity sev)
{
    const gx_diag *x = find(r, rule, path, sev);
    if (!x) {
        fprintf(stderr, "expected [%s] %s %s; got:\n", rule,
                sev == GX_BLOCKING ? "blocking" : "warning", path);
        dump(r);
    }
    assert_non_null(x);
    assert_non_null(x->message);
    assert_true(strlen(x->message) > 20);
    return x;
}

/* Asserts every result belongs to rule. */
static void only(const gx_diags *r, const char *rule)
{
    for (size_t i = 0; i < r->count; i++) {
        if (strcmp(gx_code_id(r->items[i].code), rule) != 0) {
            fprintf(stderr, "expected only %s results; got:\n", rule);
            dump(r);
            fail();
        }
    }
}

/* Asserts every blocking result belongs to rule. */
static void only_blocking(const gx_diags *r, const char *rule)
{
    for (size_t i = 0; i < r->count; i++) {
        if (r->items[i].severity == GX_BLOCKING && strcmp(gx_code_id(r->items[i].code), rule) != 0) {
            fprintf(stderr, "expected only %s blocking results; got:\n", rule);
            dump(r);
            fail();
        }
    }
}

static void none(const gx_diags *r)
{
    if (r->count) {
        fprintf(stderr, "expected no results; got:\n");
        dump(r);
    }
    assert_int_equal(r->count, 0);
    assert_int_equal(r->blocking, 0);
    assert_int_equal(r->warnings, 0);
}

static void contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", haystack, needle);
    assert_non_null(strstr(haystack, needle));
}

static const char *remedy_name(gx_remedy_kind kind)
{
    switch (kind) {
    case GX_REMEDY_NONE: return "none";
    case GX_REMEDY_SET: return "set";
    case GX_REMEDY_UNSET: return "unset";
    case GX_REMEDY_ENABLE: return "enable";
    case GX_REMEDY_DISABLE: return "disable";
    case GX_REMEDY_EDIT_FILE: return "edit-file";
    default: return "other";
    }
}

/* Asserts x's remedy: kind, arg and value (NULL: none). */
static void remedy(const gx_diag *x, gx_remedy_kind kind, const char *arg, const char *value)
{
    const gx_remedy *m = &x->remedy;
    bool ok = m->kind == kind && (arg ? m->arg && strcmp(m->arg, arg) == 0 : !m->arg) &&
              (value ? m->value && strcmp(m->value, value) == 0 : !m->value);
    if (!ok)
        fprintf(stderr, "[%s] %s: remedy %s %s %s, expected %s %s %s\n", gx_code_id(x->code),
                x->path, remedy_name(m->kind), m->arg ? m->arg : "(null)",
                m->value ? m->value : "(null)", remedy_name(kind), arg ? arg : "(null)",
                value ? value : "(null)");
    assert_true(ok);
}

/* ---- table and baseline ---------------------------------------------------------- */

static void test_rule_table(void **state)
{
    (void)state;
    assert_int_equal(gx_rule_count, 31);
    for (size_t i = 0; i < gx_rule_count; i++) {
        char id[32];
        snprintf(id, sizeof id, "V%zu", i + 1);
        assert_string_equal(gx_rules[i].id, id);
        assert_non_null(gx_rules[i].summary);
        assert_true(strlen(gx_rules[i].summary) > 10);
        assert_int_equal(gx_rules[i].code, (gx_code)(GX_CODE_V1 + i));
        assert_non_null(gx_rules[i].severities);
        assert_true(strcmp(gx_rules[i].severities, "blocking") == 0 ||
                    strcmp(gx_rules[i].severities, "warning") == 0 ||
                    strcmp(gx_rules[i].severities, "blocking, warning") == 0);
        assert_non_null(gx_rules[i].check);
    }
}

static void test_baseline_shared_valid(void **state)
{
    struct gx_config *cfg = *state;
    gx_diags r = run(cfg);
    none(&r);
}

static void test_baseline_dedicated_valid(void **state)
{
    struct gx_config *cfg = *state;
    baseline(cfg, GX_CORE_TOPOLOGY_DEDICATED);
    cfg->gateway.replica_count = 1;
    cfg->gateway.pod_anti_affinity = false;
    gx_diags r = run(cfg);
    none(&r);
}

static void test_baseline_all_components_valid(void **state)
{
    struct gx_config *cfg = *state;
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        cfg->enabled[c] = true;
    cfg->database.dsn = "";
    cfg->postgresql.postgres_password = "a-random-password";
    cfg->sealed_secrets.certificate = "sealed-secrets-cert.pem";
    gx_diags r = run(cfg);
    none(&r);
}

static void test_full_application_config_valid(void **state)
{
    struct gx_config *cfg = *state;
    cfg->config.providers.llm.name = "openai";
    cfg->config.providers.llm.api_key = "sk-123";
    cfg->config.providers.llm.options = yaml("temperature: 0.7\nnested: {a: [1, 2]}\n");
    cfg->config.providers.tts.name = "elevenlabs";
    cfg->config.providers.s2s.name = "openai-realtime";
    cfg->gateway.tolerations = yaml("- {key: example.com/dedicated, operator: Equal, value: "
                                   "\"true\", effect: NoSchedule}\n"
                                   "- {operator: Exists}\n"
                                   "- {key: node.kubernetes.io/unreachable, operator: Exists, "
                                   "effect: NoExecute, tolerationSeconds: 300}\n");
    static const char *keys[] = {"disktype", "glyphoxa.io/tier"};
    static const char *vals[] = {"ssd", ""};
    cfg->worker.node_selector = (gx_map){2, keys, vals};
    cfg->config.mcp_servers = yaml("- name: dice\n  transport: stdio\n  command: /bin/dice --x\n"
                                  "  env: {SEED: \"1\"}\n"
                                  "- name: wiki\n  transport: streamable-http\n"
                                  "  url: https://mcp.example.com/mcp\n"
                                  "  auth: {oauth: {client_id: a, client_secret: b, "
                                  "token_url: https://auth.example.com/t, scopes: [x, y]}}\n");
    cfg->config.npcs = yaml("- name: Greymantle\n  personality: A wise sage\n"
                           "  voice: {provider: elevenlabs, voice_id: abc, pitch_shift: -2, "
                           "speed_factor: 1.1}\n"
                           "  engine: cascaded\n  knowledge_scope: [history, magic]\n"
                           "  tools: [roll]\n  budget_tier: standard\n  cascade_mode: auto\n"
                           "  cascade: {fast_model: a, strong_model: b, opener_instruction: c}\n"
                           "  relationships:\n    - {target_name: Bob, type: knows, "
                           "bidirectional: true}\n"
                           "  gm_helper: false\n  address_only: true\n"
                           "- name: Oracle\n  engine: s2s\n"
                           "- name: Bard\n  voice: {speed_factor: 0}\n");
    gx_diags r = run(cfg);
    none(&r);
}

/* ---- V1 ------------------------------------------------------------------------------ */

static void test_v1_port_out_of_range(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.ports.admin = 70000;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V1", "gateway/ports/admin", GX_BLOCKING);
    contains(x->message, "1 to 65535");
    contains(x->message, "e.g. 8081");
    remedy(x, GX_REMEDY_SET, "gateway/ports/admin", "8081");
    only(&r, "V1");
    assert_int_equal(r.blocking, 1);
}

static void test_v1_int_below_min(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.active_deadline_seconds = 59;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V1", "worker/active-deadline-seconds", GX_BLOCKING);
    contains(x->message, "at least 60");
    remedy(x, GX_REMEDY_SET, "worker/active-deadline-seconds", "14400");
    only(&r, "V1");
}

static void test_v1_enum_out_of_range(void **state)
{
    struct gx_config *cfg = *state;
    cfg->config.server.log_level = 9;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V1", "config/server/log-level", GX_BLOCKING);
    contains(x->message, "debug, info, warn, error");
    remedy(x, GX_REMEDY_SET, "config/server/log-level", "info");
    only(&r, "V1");
}

static void test_v1_quantity_empty(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.requests.memory = "";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V1", "gateway/requests/memory", GX_BLOCKING);
    contains(x->message, "like 500m, 1, 256Mi");
    remedy(x, GX_REMEDY_SET, "gateway/requests/memory", "256Mi");
    assert_non_null(x->hint);
    contains(x->hint, "powers of 1024");
    only(&r, "V1");
    assert_int_equal(r.count, 1);
}

static void test_v1_quantity_garbage(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.profiles.local_llm.limits.cpu = "2 cores";
    cfg->postgresql.persistence_size = "10GB"; /* component off: not checked */
    gx_diags r = run(cfg);
    const gx_diag *x =
        expect(&r, "V1", "worker/profiles/local-llm/limits/cpu", GX_BLOCKING);
    contains(x->message, "\"2 cores\"");
    contains(x->message, "like 500m, 1, 256Mi");
    remedy(x, GX_REMEDY_SET, "worker/profiles/local-llm/limits/cpu", "8");
    only(&r, "V1"); /* no V11 for the unparsable pair */
    assert_int_equal(r.count, 1);
}

static void test_v1_quantity_negative(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.requests.cpu = "-1";
    gx_diags r = run(cfg);
    expect(&r, "V1", "gateway/requests/cpu", GX_BLOCKING);
    only(&r, "V1");
}

static void test_v1_string_pattern(void **state)
{
    struct gx_config *cfg = *state;
    cfg->enabled[GX_C_SEALED_SECRETS] = true;
    cfg->sealed_secrets.namespace = "Kube_System";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V1", "sealed-secrets/namespace", GX_BLOCKING);
    contains(x->message, "DNS label");
    contains(x->message, "e.g. kube-system");
    remedy(x, GX_REMEDY_SET, "sealed-secrets/namespace", "kube-system");
    only(&r, "V1");
}

static void test_v1_control_chars_escaped(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.limits.memory = "1Gi\n\x1b[31m";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V1", "gateway/limits/memory", GX_BLOCKING);
    assert_null(strchr(x->message, '\n'));
    assert_null(strchr(x->message, '\x1b'));
    contains(x->message, "\\x0a");
}

/* ---- V2 ------------------------------------------------------------------------------ */

static void test_v2_namespace_not_dns_label(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.namespace = "My_Namespace";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V2", "core/namespace", GX_BLOCKING);
    remedy(x, GX_REMEDY_SET, "core/namespace", NULL);
    only(&r, "V2");
    assert_int_equal(r.count, 1);
}

static void test_v2_namespace_too_long(void **state)
{
    struct gx_config *cfg = *state;
    char ns[65];
    memset(ns, 'a', 64);
    ns[64] = '\0';
    cfg->core.namespace = ns;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V2", "core/namespace", GX_BLOCKING);
    contains(x->message, "63");
    only(&r, "V2");
}

static void test_v2_release_name_over_40(void **state)
{
    struct gx_config *cfg = *state;
    char name[42];
    memset(name, 'r', 41);
    name[41] = '\0';
    cfg->core.release_name = name;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V2", "core/release-name", GX_BLOCKING);
    contains(x->message, "40");
    remedy(x, GX_REMEDY_SET, "core/release-name", NULL);
    only(&r, "V2");

    name[40] = '\0'; /* exactly 40: fine */
    r = run(cfg);
    none(&r);
}

static void test_v2_release_name_empty(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.release_name = "";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V2", "core/release-name", GX_BLOCKING);
    remedy(x, GX_REMEDY_SET, "core/release-name", "glyphoxa");
    only(&r, "V2");
}

/* ---- V3, V4 -------------------------------------------------------------------------- */

static void test_v3_dedicated_many_replicas(void **state)
{
    struct gx_config *cfg = *state;
    baseline(cfg, GX_CORE_TOPOLOGY_DEDICATED);
    cfg->gateway.pod_anti_affinity = false;
    cfg->gateway.replica_count = 3;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V3", "gateway/replica-count", GX_WARNING);
    remedy(x, GX_REMEDY_SET, "gateway/replica-count", "2");
    only(&r, "V3");
    assert_int_equal(r.blocking, 0);

    cfg->gateway.replica_count = 2;
    r = run(cfg);
    none(&r);

    cfg->gateway.replica_count = 3; /* shared: fine */
    cfg->core.topology = GX_CORE_TOPOLOGY_SHARED;
    r = run(cfg);
    none(&r);
}

static void test_v4_dedicated_anti_affinity(void **state)
{
    struct gx_config *cfg = *state;
    baseline(cfg, GX_CORE_TOPOLOGY_DEDICATED);
    cfg->gateway.replica_count = 1;
    cfg->gateway.pod_anti_affinity = true;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V4", "gateway/pod-anti-affinity", GX_WARNING);
    remedy(x, GX_REMEDY_SET, "gateway/pod-anti-affinity", "false");
    only(&r, "V4");
    assert_int_equal(r.blocking, 0);
}

/* ---- V5 ------------------------------------------------------------------------------ */

static void test_v5_empty_production_blocking(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.admin_key = "";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V5", "gateway/admin-key", GX_BLOCKING);
    contains(x->message, "production requires one");
    contains(x->message, "set gateway/admin-key to a random string of at least 16 characters");
    remedy(x, GX_REMEDY_SET, "gateway/admin-key", NULL); /* a secret is never suggested */
    assert_non_null(x->hint);
    contains(x->hint, "random");
    only(&r, "V5");
    assert_int_equal(r.count, 1);
}

static void test_v5_empty_dev_warning(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.environment = GX_CORE_ENVIRONMENT_DEV;
    cfg->gateway.admin_key = "";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V5", "gateway/admin-key", GX_WARNING);
    contains(x->message, "core/environment dev");
    remedy(x, GX_REMEDY_SET, "gateway/admin-key", NULL);
    only(&r, "V5");
    assert_int_equal(r.count, 1);
    assert_int_equal(r.blocking, 0);
}

static void test_v5_short_warning(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.admin_key = "hunter2hunter2"; /* 14 chars */
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V5", "gateway/admin-key", GX_WARNING);
    assert_null(strstr(x->message, "hunter2"));
    assert_null(strstr(x->hint, "hunter2"));
    contains(x->message, "14 characters");
    remedy(x, GX_REMEDY_SET, "gateway/admin-key", NULL);
    only(&r, "V5");
    assert_int_equal(r.count, 1);

    cfg->gateway.admin_key = "0123456789abcdef"; /* exactly 16: fine */
    r = run(cfg);
    none(&r);
}

static void test_v5_newline_blocking(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.admin_key = "0123456789abcdef0123456789\nabcdef";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V5", "gateway/admin-key", GX_BLOCKING);
    assert_null(strstr(x->message, "0123456789abcdef"));
    assert_null(strstr(x->hint, "0123456789abcdef"));
    remedy(x, GX_REMEDY_SET, "gateway/admin-key", NULL);
    only(&r, "V5");
    assert_int_equal(r.count, 1);

    cfg->gateway.admin_key = "0123456789abcdef0123456789\rabcdef";
    r = run(cfg);
    expect(&r, "V5", "gateway/admin-key", GX_BLOCKING);
}

/* ---- V6–V9 --------------------------------------------------------------------------- */

static void test_v6_no_database(void **state)
{
    struct gx_config *cfg = *state;
    cfg->database.dsn = "";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V6", "database/dsn", GX_BLOCKING);
    contains(x->message, "set database/dsn");
    contains(x->message, "enable the postgresql component");
    remedy(x, GX_REMEDY_SET, "database/dsn", NULL);
    contains(x->hint, "postgres://");
    only(&r, "V6");
    assert_int_equal(r.count, 1);

    /* the bundled database's password is there: enabling it is the fix */
    cfg->postgresql.postgres_password = "pw-pw-pw-pw-pw-pw";
    r = run(cfg);
    x = expect(&r, "V6", "database/dsn", GX_BLOCKING);
    remedy(x, GX_REMEDY_ENABLE, "postgresql", NULL);
    assert_null(strstr(x->hint, "pw-pw"));
    only(&r, "V6");
}

static void test_v7_dsn_with_postgresql(void **state)
{
    struct gx_config *cfg = *state;
    cfg->enabled[GX_C_POSTGRESQL] = true;
    cfg->postgresql.postgres_password = "pw-pw-pw-pw-pw-pw";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V7", "database/dsn", GX_WARNING);
    assert_null(strstr(x->message, "s3cret"));
    contains(x->message, "disable the postgresql component");
    remedy(x, GX_REMEDY_UNSET, "database/dsn", NULL);
    only(&r, "V7");
    assert_int_equal(r.blocking, 0);
}

static void test_v8_dsn_not_postgres_url(void **state)
{
    struct gx_config *cfg = *state;
    cfg->database.dsn = "mysql://root:t0psecret@db.example/glyphoxa";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V8", "database/dsn", GX_WARNING);
    assert_null(strstr(x->message, "t0psecret"));
    assert_null(strstr(x->message, "mysql"));
    remedy(x, GX_REMEDY_SET, "database/dsn", NULL);
    only(&r, "V8");
    assert_int_equal(r.blocking, 0);

    cfg->database.dsn = "postgresql://u:p@h.example/db";
    r = run(cfg);
    none(&r);
}

static void test_v9_password_empty(void **state)
{
    struct gx_config *cfg = *state;
    cfg->database.dsn = "";
    cfg->enabled[GX_C_POSTGRESQL] = true;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V9", "postgresql/postgres-password", GX_BLOCKING);
    remedy(x, GX_REMEDY_SET, "postgresql/postgres-password", NULL);
    only(&r, "V9");
    assert_int_equal(r.count, 1);
}

static void test_v9_password_newline(void **state)
{
    struct gx_config *cfg = *state;
    cfg->database.dsn = "";
    cfg->enabled[GX_C_POSTGRESQL] = true;
    cfg->postgresql.postgres_password = "abc\ndef-secret";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V9", "postgresql/postgres-password", GX_BLOCKING);
    assert_null(strstr(x->message, "def-secret"));
    assert_null(strstr(x->hint, "def-secret"));
    remedy(x, GX_REMEDY_SET, "postgresql/postgres-password", NULL);
    only(&r, "V9");
}

static void test_v9_postgresql_off_not_checked(void **state)
{
    struct gx_config *cfg = *state;
    cfg->postgresql.postgres_password = "bad\npassword";
    gx_diags r = run(cfg);
    none(&r);
}

/* ---- V10 ----------------------------------------------------------------------------- */

static void test_v10_local_llm_without_gpu_toleration(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.resource_profile = GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM;
    cfg->worker.gpu.enabled = false;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V10", "worker/gpu/enabled", GX_WARNING);
    remedy(x, GX_REMEDY_SET, "worker/gpu/enabled", "true");
    only(&r, "V10");
    assert_int_equal(r.blocking, 0);
}

static void test_v10_worker_toleration_is_enough(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.resource_profile = GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM;
    cfg->worker.gpu.enabled = false;
    cfg->worker.tolerations = yaml("- {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}");
    gx_diags r = run(cfg);
    none(&r);

    cfg->worker.tolerations = yaml("- operator: Exists\n"); /* tolerates everything */
    r = run(cfg);
    none(&r);
}

static void test_v10_gpu_enabled_defaults_fine(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.resource_profile = GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM;
    gx_diags r = run(cfg);
    none(&r);

    cfg->worker.gpu.tolerations = yaml("[]"); /* gpu on but its tolerations emptied */
    r = run(cfg);
    const gx_diag *x = expect(&r, "V10", "worker/gpu/tolerations", GX_WARNING);
    remedy(x, GX_REMEDY_SET, "worker/gpu/tolerations",
           gx_fields[GX_F_WORKER_GPU_TOLERATIONS].default_text);
    only(&r, "V10");
}

static void test_v10_other_profile_not_checked(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.resource_profile = GX_WORKER_RESOURCE_PROFILE_WHISPER_NATIVE;
    cfg->worker.gpu.enabled = false;
    gx_diags r = run(cfg);
    none(&r);
}

/* ---- V11 ----------------------------------------------------------------------------- */

static void test_v11_gateway_cpu_request_over_limit(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.requests.cpu = "1500m";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V11", "gateway/requests/cpu", GX_BLOCKING);
    contains(x->message, "gateway/limits/cpu");
    remedy(x, GX_REMEDY_SET, "gateway/requests/cpu", "1");
    only(&r, "V11");
    assert_int_equal(r.count, 1);
}

static void test_v11_every_worker_profile(void **state)
{
    struct gx_config *cfg = *state;
    /* profile cloud is selected; the local-llm profile is still checked */
    cfg->worker.profiles.local_llm.requests.memory = "9Gi";
    cfg->worker.profiles.whisper_native.requests.cpu = "5";
    gx_diags r = run(cfg);
    expect(&r, "V11", "worker/profiles/local-llm/requests/memory", GX_BLOCKING);
    expect(&r, "V11", "worker/profiles/whisper-native/requests/cpu", GX_BLOCKING);
    only(&r, "V11");
    assert_int_equal(r.count, 2);
}

static void test_v11_equal_in_other_units(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.requests.cpu = "1000m";
    cfg->gateway.limits.cpu = "1";
    cfg->gateway.requests.memory = "0.5Gi";
    cfg->gateway.limits.memory = "512Mi";
    gx_diags r = run(cfg);
    none(&r);

    cfg->gateway.requests.memory = "1G"; /* 1G < 1Gi */
    cfg->gateway.limits.memory = "1Gi";
    r = run(cfg);
    none(&r);

    cfg->gateway.requests.memory = "1Gi"; /* 1Gi > 1G */
    cfg->gateway.limits.memory = "1G";
    r = run(cfg);
    expect(&r, "V11", "gateway/requests/memory", GX_BLOCKING);
}

static void test_v11_mcp_gateway_only_when_enabled(void **state)
{
    struct gx_config *cfg = *state;
    cfg->mcp_gateway.requests.memory = "1Gi";
    gx_diags r = run(cfg);
    expect(&r, "V11", "mcp-gateway/requests/memory", GX_BLOCKING);
    only(&r, "V11");

    cfg->enabled[GX_C_MCP_GATEWAY] = false;
    r = run(cfg);
    none(&r);
}

/* ---- V12 ----------------------------------------------------------------------------- */

static void test_v12_min_over_max(void **state)
{
    struct gx_config *cfg = *state;
    cfg->enabled[GX_C_AUTOSCALING] = true;
    cfg->autoscaling.min_replicas = 5;
    cfg->autoscaling.max_replicas = 3;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V12", "autoscaling/min-replicas", GX_BLOCKING);
    remedy(x, GX_REMEDY_SET, "autoscaling/min-replicas", "3");
    only(&r, "V12");
    assert_int_equal(r.count, 1);

    cfg->autoscaling.min_replicas = 3; /* equal: fine */
    r = run(cfg);
    none(&r);
}

/* ---- V13 ----------------------------------------------------------------------------- */

static void test_v13_observe_ports_differ(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.ports.observe = 9091;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V13", "worker/ports/observe", GX_BLOCKING);
    contains(x->message, "gateway/ports/observe");
    remedy(x, GX_REMEDY_SET, "worker/ports/observe", "9090");
    only(&r, "V13");
    assert_int_equal(r.count, 1);
}

static void test_v13_same_port_in_one_pod(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.ports.grpc = 8081; /* = admin */
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V13", "gateway/ports/grpc", GX_BLOCKING);
    contains(x->message, "gateway/ports/admin");
    remedy(x, GX_REMEDY_SET, "gateway/ports/grpc", NULL);
    only_blocking(&r, "V13");
    assert_int_equal(r.blocking, 1);
}

static void test_v13_mcp_gateway_ports(void **state)
{
    struct gx_config *cfg = *state;
    cfg->mcp_gateway.ports.mcp = 9090; /* = its observe port */
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V13", "mcp-gateway/ports/observe", GX_BLOCKING);
    /* the observe port must stay equal to the gateway's: move the other one */
    remedy(x, GX_REMEDY_SET, "mcp-gateway/ports/mcp", NULL);
    only(&r, "V13");

    cfg->mcp_gateway.ports.mcp = 8080;
    cfg->mcp_gateway.ports.observe = 9999; /* differs from gateway's */
    r = run(cfg);
    expect(&r, "V13", "mcp-gateway/ports/observe", GX_BLOCKING);
    only(&r, "V13");

    cfg->enabled[GX_C_MCP_GATEWAY] = false;
    r = run(cfg);
    none(&r);
}

/* ---- V14 ----------------------------------------------------------------------------- */

static void test_v14_worker_grpc_port(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.ports.grpc = 50052;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V14", "worker/ports/grpc", GX_WARNING);
    remedy(x, GX_REMEDY_SET, "worker/ports/grpc", "50051");
    only(&r, "V14");
    assert_int_equal(r.blocking, 0);
}

/* ---- V15 ----------------------------------------------------------------------------- */

/* Runs the baseline with one yaml field set and expects exactly V15 results,
 * the first of which contains want. */
static void expect_v15_only(struct gx_config *cfg, const char *path, const char *want)
{
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V15", path, GX_BLOCKING);
    only(&r, "V15");
    contains(x->message, want);
}

/* A text for a YAML-valued field and a fragment of the message of the one
 * V15 result it gives. */
typedef struct yaml_case {
    const char *text;
    const char *want;
} yaml_case;

/* For each case: *slot (the field of cfg at path) read from its text, then
 * expect_v15_only. */
static void expect_v15_cases(struct gx_config *cfg, const gx_node **slot, const char *path,
                             const yaml_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        *slot = yaml(cases[i].text);
        expect_v15_only(cfg, path, cases[i].want);
    }
}

#define EXPECT_V15_CASES(cfg, field, path, ...)                                               \
    do {                                                                                      \
        static const yaml_case cases_[] = {__VA_ARGS__};                                      \
        expect_v15_cases((cfg), &(cfg)->field, (path), cases_, sizeof cases_ / sizeof *cases_); \
    } while (0)

static void test_v15_tolerations_not_a_list(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.tolerations = yaml("key: nvidia.com/gpu\n");
    expect_v15_only(cfg, "gateway/tolerations", "must be a list of tolerations");
}

static void test_v15_toleration_bad_operator(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.tolerations = yaml("- {key: a, operator: In, value: b}\n");
    expect_v15_only(cfg, "worker/tolerations", "worker/tolerations[0]: operator \"In\"");
}

static void test_v15_toleration_exists_with_value(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.tolerations = yaml("- {key: a, operator: Exists, value: b}\n");
    expect_v15_only(cfg, "worker/tolerations", "value must be empty with operator Exists");
}

static void test_v15_toleration_bad_effect(void **state)
{
    struct gx_config *cfg = *state;
    cfg->worker.tolerations = yaml("- {key: a, operator: Exists}\n"
                                  "- {key: b, operator: Exists, effect: NoRun}\n");
    expect_v15_only(cfg, "worker/tolerations", "worker/tolerations[1]: effect \"NoRun\"");
}

static void test_v15_toleration_unknown_key_and_bad_label_key(void **state)
{
    struct gx_config *cfg = *state;
    EXPECT_V15_CASES(cfg, gateway.tolerations, "gateway/tolerations",
        {"- {key: a, operator: Exists, tolerationSecond: 5}\n", "unknown key \"tolerationSecond\""},
        {"- {key: \"bad key!\", operator: Exists}\n", "key \"bad key!\""},
        {"- {key: Example.COM/x, operator: Exists}\n", "prefix"}
    );
}

static void test_v15_toleration_empty_key_needs_exists(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.tolerations = yaml("- {operator: Equal, value: x}\n");
    expect_v15_only(cfg, "gateway/tolerations", "key is empty");
}

static void test_v15_toleration_seconds_and_kinds(void **state)
{
    struct gx_config *cfg = *state;
    EXPECT_V15_CASES(cfg, gateway.tolerations, "gateway/tolerations",
        {"- {key: a, operator: Exists, effect: NoExecute, tolerationSeconds: soon}\n",
         "tolerationSeconds must be a whole number"},
        {"- {key: a, operator: Exists, effect: NoSchedule, tolerationSeconds: 30}\n",
         "only applies to effect NoExecute"},
        {"- {key: a, operator: Equal, value: true}\n", "quote it"}
    );

    cfg->gateway.tolerations = yaml("- {key: [a], operator: Equal}\n");
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V15", "gateway/tolerations", GX_BLOCKING);
    contains(x->message, "key must be a string, not a list");
    assert_int_equal(r.count, 1); /* not also "key is empty" */

    cfg->gateway.tolerations = yaml("- {key: a, operator: Equal, value: \"true\"}\n");
    r = run(cfg);
    none(&r);
}

static void test_v15_node_selector_labels(void **state)
{
    struct gx_config *cfg = *state;
    static const char *keys[] = {"bad key"};
    static const char *vals[] = {"ok"};
    cfg->gateway.node_selector = (gx_map){1, keys, vals};
    expect_v15_only(cfg, "gateway/node-selector", "gateway/node-selector[\"bad key\"]");
    gx_diags r = run(cfg); /* a map value has no position: set the path again */
    remedy(&r.items[0], GX_REMEDY_SET, "gateway/node-selector", NULL);
    assert_null(r.items[0].file);

    static const char *keys2[] = {"tier"};
    static const char *vals2[] = {"not a label value"};
    cfg->gateway.node_selector = (gx_map){0, NULL, NULL};
    cfg->worker.gpu.node_selector = (gx_map){1, keys2, vals2};
    cfg->worker.resource_profile = GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM; /* else V28 warns */
    expect_v15_only(cfg, "worker/gpu/node-selector", "is not a label value");
}

static void test_v15_annotation_keys(void **state)
{
    struct gx_config *cfg = *state;
    static const char *keys[] = {"eks.amazonaws.com/role-arn"};
    static const char *vals[] = {"arn:aws:iam::123:role/any value, with spaces"};
    cfg->gateway.service_account.annotations = (gx_map){1, keys, vals};
    gx_diags r = run(cfg);
    none(&r); /* annotation values are free text */

    static const char *bad[] = {"a/b/c"};
    cfg->gateway.service_account.annotations = (gx_map){1, bad, vals};
    expect_v15_only(cfg, "gateway/service-account/annotations", "more than one '/'");
}

static void test_v15_provider_options_not_a_map(void **state)
{
    struct gx_config *cfg = *state;
    cfg->config.providers.llm.name = "openai";
    cfg->config.providers.llm.options = yaml("- temperature\n");
    expect_v15_only(cfg, "config/providers/llm/options", "must be a map");
}

static void test_v15_mcp_server_shape(void **state)
{
    struct gx_config *cfg = *state;
    EXPECT_V15_CASES(cfg, config.mcp_servers, "config/mcp-servers",
        {"- name: dice\n  transport: stdio\n  command: dice\n  args: [x]\n",
         "config/mcp-servers[0]: unknown key \"args\""},
        {"- name: dice\n  transport: stdio\n  command: dice\n  env: {A: [1]}\n",
         "config/mcp-servers[0].env.\"A\""},
        {"- name: w\n  transport: streamable-http\n  url: http://u.example\n"
         "  auth: {oauth: {scopes: x}}\n",
         "config/mcp-servers[0].auth.oauth.scopes"},
        {"dice: stdio\n", "must be a list"}
    );
}

static void test_v15_npc_shape(void **state)
{
    struct gx_config *cfg = *state;
    cfg->config.providers.llm.name = "openai";
    cfg->config.providers.tts.name = "elevenlabs";
    cfg->config.npcs = yaml("- name: a\n- name: b\n- name: c\n  voice: {speed_factor: fast}\n");
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V15", "config/npcs", GX_BLOCKING);
    only(&r, "V15");
    contains(x->message, "config/npcs[2].voice.speed_factor: must be a number");
    assert_null(strstr(x->message, "values.yaml:")); /* the position is data, not text */
    remedy(x, GX_REMEDY_EDIT_FILE, "values.yaml", NULL);
    assert_string_equal(x->file, "values.yaml");
    assert_int_equal(x->line, 4);
    assert_true(x->col > 0);

    EXPECT_V15_CASES(cfg, config.npcs, "config/npcs",
        {"- name: a\n  voice: {pitch_shift: \"2\"}\n",
         "config/npcs[0].voice.pitch_shift: must be a number"},
        {"- name: a\n  mood: grumpy\n", "unknown key \"mood\""},
        {"- name: a\n  tools: roll\n", "config/npcs[0].tools: must be a list of strings"},
        {"- name: a\n  gm_helper: \"yes\"\n", "config/npcs[0].gm_helper: must be true or false"},
        {"- name: a\n  relationships: [knows-bob]\n",
         "config/npcs[0].relationships[0]: a relationship"},
        {"- name: a\n  relationships: [{type: knows, bidirectional: 1}]\n",
         "relationships[0].bidirectional"},
        {"- just a string\n", "config/npcs[0]: an NPC must be a map"}
    );
}

static void test_v15_disabled_component_not_checked(void **state)
{
    struct gx_config *cfg = *state;
    cfg->enabled[GX_C_MCP_GATEWAY] = false;
    cfg->mcp_gateway.tolerations = yaml("not: a list\n");
    static const char *keys[] = {"bad key"};
    static const char *vals[] = {"bad value!"};
    cfg->mcp_gateway.node_selector = (gx_map){1, keys, vals};
    gx_diags r = run(cfg);
    none(&r);

    cfg->enabled[GX_C_MCP_GATEWAY] = true;
    r = run(cfg);
    expect(&r, "V15", "mcp-gateway/tolerations", GX_BLOCKING);
    expect(&r, "V15", "mcp-gateway/node-selector", GX_BLOCKING);
}

/* ---- V16 ----------------------------------------------------------------------------- */

static void test_v16_names(void **state)
{
    struct gx_config *cfg = *state;
    cfg->config.mcp_servers = yaml("- {transport: stdio, command: a}\n");
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V16", "config/mcp-servers", GX_BLOCKING);
    contains(x->message, "config/mcp-servers[0]: name is empty");
    remedy(x, GX_REMEDY_EDIT_FILE, "values.yaml", NULL);
    assert_int_equal(x->line, 1);
    only(&r, "V16");
    assert_int_equal(r.count, 1);

    cfg->config.mcp_servers = yaml("- {name: dice, transport: stdio, command: a}\n"
                                  "- {name: dice, transport: stdio, command: b}\n");
    r = run(cfg);
    x = expect(&r, "V16", "config/mcp-servers", GX_BLOCKING);
    contains(x->message, "config/mcp-servers[1]: name \"dice\" is already used by "
                         "config/mcp-servers[0]");
    only(&r, "V16");
    assert_int_equal(r.count, 1);
}

static void test_v16_transport_needs(void **state)
{
    struct gx_config *cfg = *state;
    cfg->config.mcp_servers = yaml("- {name: a, transport: stdio, url: http://x}\n");
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V16", "config/mcp-servers", GX_BLOCKING);
    contains(x->message, "needs a command");
    remedy(x, GX_REMEDY_EDIT_FILE, "values.yaml", NULL);
    only(&r, "V16");

    cfg->config.mcp_servers = yaml("- {name: a, transport: streamable-http, command: x}\n");
    r = run(cfg);
    x = expect(&r, "V16", "config/mcp-servers", GX_BLOCKING);
    contains(x->message, "needs a url");
    only(&r, "V16");

    cfg->config.mcp_servers = yaml("- {name: a, transport: sse, url: http://x}\n");
    r = run(cfg);
    x = expect(&r, "V16", "config/mcp-servers", GX_BLOCKING);
    contains(x->message, "transport \"sse\" is not stdio or streamable-http");

    cfg->config.mcp_servers = yaml("- {name: a, command: x}\n");
    r = run(cfg);
    x = expect(&r, "V16", "config/mcp-servers", GX_BLOCKING);
    contains(x->message, "transport is not set");
}

/* ---- V17 ----------------------------------------------------------------------------- */

static void providers_on(struct gx_config *cfg)
{
    cfg->config.providers.llm.name = "openai";
    cfg->config.providers.tts.name = "elevenlabs";
    cfg->config.providers.s2s.name = "gemini-live";
}

static void expect_v17_only(struct gx_config *cfg, const char *npcs, const char *want)
{
    cfg->config.npcs = yaml(npcs);
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V17", "config/npcs", GX_BLOCKING);
    only(&r, "V17");
    contains(x->message, want);
}

static void test_v17_names(void **state)
{
    struct gx_config *cfg = *state;
    providers_on(cfg);
    expect_v17_only(cfg, "- {personality: x}\n", "config/npcs[0]: name is empty");
    expect_v17_only(cfg, "- {name: Bob}\n- {name: Ann}\n- {name: Bob}\n",
                    "config/npcs[2]: name \"Bob\" is already used by config/npcs[0]");
}

static void test_v17_choices(void **state)
{
    struct gx_config *cfg = *state;
    providers_on(cfg);
    expect_v17_only(cfg, "- {name: a, engine: turbo}\n",
                    "config/npcs[0].engine \"turbo\" is not one of cascaded, s2s, "
                    "sentence_cascade");
    expect_v17_only(cfg, "- {name: a, budget_tier: huge}\n", "budget_tier \"huge\"");
    expect_v17_only(cfg, "- {name: a, cascade_mode: sometimes}\n", "cascade_mode \"sometimes\"");
}

static void test_v17_voice_ranges(void **state)
{
    struct gx_config *cfg = *state;
    providers_on(cfg);
    expect_v17_only(cfg, "- {name: a, voice: {speed_factor: 2.5}}\n",
                    "config/npcs[0].voice.speed_factor");
    expect_v17_only(cfg, "- {name: a, voice: {speed_factor: 0.25}}\n", "[0.5, 2]");
    expect_v17_only(cfg, "- {name: a, voice: {pitch_shift: -11}}\n",
                    "config/npcs[0].voice.pitch_shift");

    cfg->config.npcs = yaml("- {name: a, voice: {speed_factor: 0.5, pitch_shift: 10}}\n"
                           "- {name: b, voice: {speed_factor: 2, pitch_shift: -10}}\n");
    gx_diags r = run(cfg);
    none(&r);
}

static void test_v17_engine_providers(void **state)
{
    struct gx_config *cfg = *state;
    expect_v17_only(cfg, "- {name: a, engine: s2s}\n", "config/providers/s2s/name is empty");
    gx_diags r = run(cfg);
    remedy(&r.items[0], GX_REMEDY_SET, "config/providers/s2s/name", NULL);

    cfg->config.providers.llm.name = "openai";
    expect_v17_only(cfg, "- {name: a, engine: sentence_cascade}\n",
                    "config/providers/tts/name is empty");
    r = run(cfg);
    remedy(&r.items[0], GX_REMEDY_SET, "config/providers/tts/name", NULL);

    /* no engine means cascaded: needs llm and tts */
    cfg->config.providers.llm.name = "";
    cfg->config.npcs = yaml("- {name: a}\n");
    r = run(cfg);
    assert_int_equal(count_rule(&r, "V17"), 2);
    remedy(&r.items[0], GX_REMEDY_SET, "config/providers/llm/name", NULL);
    only(&r, "V17");
    contains(r.items[0].message, "engine is not set (which means cascaded)");

    providers_on(cfg);
    r = run(cfg);
    none(&r);
}

/* ---- V18 ----------------------------------------------------------------------------- */

static void test_v18_unknown_provider(void **state)
{
    struct gx_config *cfg = *state;
    cfg->config.providers.stt.name = "deepgramm";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V18", "config/providers/stt/name", GX_WARNING);
    contains(x->message, "deepgram, whisper, whisper-native");
    remedy(x, GX_REMEDY_SET, "config/providers/stt/name", NULL);
    only(&r, "V18");
    assert_int_equal(r.blocking, 0);
}

static void test_v18_settings_without_name(void **state)
{
    struct gx_config *cfg = *state;
    cfg->config.providers.embeddings.api_key = "sk-very-secret";
    cfg->config.providers.embeddings.model = "text-embedding-3-small";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V18", "config/providers/embeddings/name", GX_WARNING);
    contains(x->message, "config/providers/embeddings/api-key");
    contains(x->message, "config/providers/embeddings/model");
    remedy(x, GX_REMEDY_SET, "config/providers/embeddings/name", NULL);
    assert_null(strstr(x->message, "sk-very-secret"));
    only(&r, "V18");
    assert_int_equal(r.count, 1);
}

static void test_v18_options_without_name(void **state)
{
    struct gx_config *cfg = *state;
    cfg->config.providers.tts.options = yaml("{output_format: pcm_16000}\n");
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V18", "config/providers/tts/name", GX_WARNING);
    contains(x->message, "config/providers/tts/options");
    only(&r, "V18");

    cfg->config.providers.tts.options = yaml("{}\n"); /* empty options: nothing set */
    r = run(cfg);
    none(&r);
}

/* ---- V19, V20 ------------------------------------------------------------------------ */

static void test_v19_latest(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.image_tag = "latest";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V19", "core/image-tag", GX_WARNING);
    remedy(x, GX_REMEDY_SET, "core/image-tag", gx_fields[GX_F_CORE_IMAGE_TAG].default_text);
    only(&r, "V19");
    assert_int_equal(r.blocking, 0);
}

static void test_v20_no_service_account(void **state)
{
    struct gx_config *cfg = *state;
    cfg->gateway.service_account.create = false;
    cfg->gateway.service_account.name = "";
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V20", "gateway/service-account/name", GX_BLOCKING);
    contains(x->message, "turn gateway/service-account/create on");
    remedy(x, GX_REMEDY_SET, "gateway/service-account/name", NULL);
    only(&r, "V20");
    assert_int_equal(r.count, 1);

    cfg->gateway.service_account.name = "existing-sa";
    r = run(cfg);
    none(&r);
}

/* ---- V21–V29: delivery ------------------------------------------------------------- */

#define DIGEST "sha256:4f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

static void test_v21_tag_with_digest(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.image_tag = "0.1.0@" DIGEST;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V21", "core/image-tag", GX_BLOCKING);
    contains(x->message, "holds a digest");
    contains(x->message, "core/image-digest");
    remedy(x, GX_REMEDY_SET, "core/image-tag", "0.1.0");
    only(&r, "V21");

    /* the fix: the tag and the digest apart; latest is only a label then */
    cfg->core.image_tag = "latest";
    cfg->core.image_digest = DIGEST;
    r = run(cfg);
    none(&r);
}

static void test_v21_tag_grammar_and_length(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.image_tag = "-bad";
    gx_diags r = run(cfg);
    contains(expect(&r, "V21", "core/image-tag", GX_BLOCKING)->message, "is not an image tag");
    only(&r, "V21");
    cfg->core.image_tag = "1.0 beta";
    r = run(cfg);
    expect(&r, "V21", "core/image-tag", GX_BLOCKING);

    /* 64 characters: a valid OCI tag, but not a label value */
    static char tag[65];
    memset(tag, 'a', 64);
    cfg->core.image_tag = tag;
    r = run(cfg);
    const gx_diag *x = expect(&r, "V21", "core/image-tag", GX_BLOCKING);
    contains(x->message, "64 characters");
    contains(x->message, "app.kubernetes.io/version");
    remedy(x, GX_REMEDY_SET, "core/image-tag", NULL);
    tag[63] = '\0';
    r = run(cfg);
    none(&r);

    cfg->core.image_tag = "";
    r = run(cfg);
    remedy(expect(&r, "V21", "core/image-tag", GX_BLOCKING), GX_REMEDY_SET, "core/image-tag",
           "0.1.0");
    cfg->core.image_digest = DIGEST; /* a digest alone names the image */
    r = run(cfg);
    none(&r);
}

static void test_v21_digest_repository_mirror(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.image_digest = "sha256:ABC";
    gx_diags r = run(cfg);
    remedy(expect(&r, "V21", "core/image-digest", GX_BLOCKING), GX_REMEDY_SET,
           "core/image-digest", NULL);
    only(&r, "V21");

    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg->core.image_repository = "ghcr.io/mrwong99/glyphoxa:0.1.0";
    r = run(cfg);
    const gx_diag *x = expect(&r, "V21", "core/image-repository", GX_BLOCKING);
    contains(x->message, "holds a tag");
    remedy(x, GX_REMEDY_SET, "core/image-repository", "ghcr.io/mrwong99/glyphoxa");
    cfg->core.image_repository = "GHCR.io/Upper/Case";
    r = run(cfg);
    expect(&r, "V21", "core/image-repository", GX_BLOCKING);

    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg->core.registry_mirror = "https://registry.example.internal:5000/";
    r = run(cfg);
    x = expect(&r, "V21", "core/registry-mirror", GX_BLOCKING);
    remedy(x, GX_REMEDY_SET, "core/registry-mirror", "registry.example.internal:5000");
    cfg->core.registry_mirror = "registry.example.internal:99999";
    r = run(cfg);
    remedy(expect(&r, "V21", "core/registry-mirror", GX_BLOCKING), GX_REMEDY_SET,
           "core/registry-mirror", NULL);
    cfg->core.registry_mirror = "registry.example.internal:5000/mirror";
    r = run(cfg);
    none(&r);
}

static void test_v22_chart_values_override(void **state)
{
    struct gx_config *cfg = *state;
    cfg->database.dsn = "";
    cfg->enabled[GX_C_POSTGRESQL] = true;
    cfg->enabled[GX_C_SEALED_SECRETS] = true;
    cfg->postgresql.postgres_password = "pw-pw-pw-pw";
    /* new keys and keys inside the tool's maps merge without a word */
    cfg->postgresql.values = yaml("primary:\n  resources: {limits: {memory: 1Gi}}\n"
                                 "  persistence: {storageClass: fast}\n");
    cfg->sealed_secrets.values = yaml("resources: {requests: {cpu: 50m}}\n");
    gx_diags r = run(cfg);
    none(&r);

    cfg->postgresql.values = yaml("primary:\n  persistence: {size: 99Gi}\nauth: {database: x}\n");
    cfg->sealed_secrets.values = yaml("fullnameOverride: other\n");
    r = run(cfg);
    only(&r, "V22");
    assert_int_equal(r.warnings, 3);
    const gx_diag *x = expect(&r, "V22", "postgresql/values", GX_WARNING);
    contains(x->message, "\"primary.persistence.size\"");
    contains(x->message, "postgresql/persistence-size");
    assert_string_equal(x->file, "values.yaml");
    remedy(x, GX_REMEDY_EDIT_FILE, "values.yaml", NULL);
    contains(r.items[1].message, "\"auth.database\"");
    x = expect(&r, "V22", "sealed-secrets/values", GX_WARNING);
    contains(x->message, "\"fullnameOverride\"");

    /* off components: their values are not looked at */
    cfg->enabled[GX_C_POSTGRESQL] = false;
    cfg->enabled[GX_C_SEALED_SECRETS] = false;
    cfg->database.dsn = DSN;
    r = run(cfg);
    none(&r);
}

static void test_v23_local_charts(void **state)
{
    struct gx_config *cfg = *state;
    cfg->database.dsn = "";
    cfg->enabled[GX_C_POSTGRESQL] = true;
    cfg->enabled[GX_C_SEALED_SECRETS] = true;
    cfg->postgresql.postgres_password = "pw-pw-pw-pw";
    cfg->postgresql.chart = "./charts/postgresql-16.4.11.tgz";
    cfg->sealed_secrets.chart = "charts/sealed-secrets-dir";
    gx_diags r = run(cfg);
    none(&r);

    static const struct {
        const char *chart, *says;
    } cases[] = {{"./charts/missing.tgz", "does not exist"},
                 {"./charts/not-gzip.tgz", "no chart archive"},
                 {"./charts/no-chart", "without a Chart.yaml"},
                 {"./charts/fifo", "neither a file nor a directory"},
                 {"/abs/unreadable.tgz", "cannot be read"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cfg->postgresql.chart = cases[i].chart;
        r = run(cfg);
        only(&r, "V23");
        const gx_diag *x = expect(&r, "V23", "postgresql/chart", GX_BLOCKING);
        contains(x->message, cases[i].says);
        contains(x->message, "relative to the workspace");
        remedy(x, GX_REMEDY_SET, "postgresql/chart", NULL);
    }
    cfg->postgresql.chart = "oci://registry-1.docker.io/bitnamicharts/postgresql";
    cfg->sealed_secrets.chart = "missing.tgz"; /* a path: it ends in .tgz */
    r = run(cfg);
    expect(&r, "V23", "sealed-secrets/chart", GX_BLOCKING);
    cfg->sealed_secrets.chart = "missing"; /* a name in sealed-secrets/repository */
    r = run(cfg);
    none(&r);

    /* without an environment (no workspace) nothing is looked at */
    cfg->sealed_secrets.chart = "./missing.tgz";
    gx_diags plain;
    memset(&plain, 0, sizeof plain);
    gx_validate(cfg, A, &plain);
    none(&plain);
}

static void test_v24_air_gapped(void **state)
{
    struct gx_config *cfg = *state;
    cfg->database.dsn = "";
    cfg->enabled[GX_C_POSTGRESQL] = true;
    cfg->enabled[GX_C_SEALED_SECRETS] = true;
    cfg->postgresql.postgres_password = "pw-pw-pw-pw";
    cfg->core.air_gapped = true;
    gx_diags r = run(cfg);
    only(&r, "V24");
    /* the Glyphoxa image, both charts' images, both charts (the sealed-secrets
     * chart through its https repository) */
    assert_int_equal(r.blocking, 5);
    const gx_diag *x = expect(&r, "V24", "core/registry-mirror", GX_BLOCKING);
    contains(x->message, "ghcr.io/mrwong99/glyphoxa:0.1.0");
    contains(x->message, "core/registry-mirror is empty");
    remedy(x, GX_REMEDY_SET, "core/registry-mirror", NULL);
    contains(expect(&r, "V24", "postgresql/chart", GX_BLOCKING)->message,
             "registry-1.docker.io");
    contains(expect(&r, "V24", "sealed-secrets/repository", GX_BLOCKING)->message,
             "https://bitnami-labs.github.io/sealed-secrets");

    /* the mirror and local charts: nothing left */
    cfg->core.registry_mirror = "registry.example.internal:5000";
    cfg->postgresql.chart = "./charts/postgresql-16.4.11.tgz";
    cfg->sealed_secrets.chart = "./charts/sealed-secrets-2.18.4.tgz";
    r = run(cfg);
    none(&r);
    /* OCI charts served by the mirror's host are fine too */
    cfg->postgresql.chart = "oci://registry.example.internal:5000/charts/postgresql";
    r = run(cfg);
    none(&r);

    /* a per-chart override to a public registry, from the chart values */
    cfg->postgresql.values = yaml("global: {imageRegistry: docker.io}\n");
    r = run(cfg);
    x = expect(&r, "V24", "postgresql/values", GX_BLOCKING);
    contains(x->message, "docker.io");
    /* an explicit internal registry counts (postgresql/image-registry) */
    cfg->postgresql.values = NULL;
    cfg->postgresql.image_registry = "pg-images.example.internal";
    r = run(cfg);
    none(&r);
}

static void test_v25_endpoints_blocked(void **state)
{
    struct gx_config *cfg = *state;
    cfg->vault.addr = "vault.example";
    cfg->config.providers.llm.name = "ollama";
    cfg->config.providers.llm.base_url = "http://ollama:11434";
    cfg->config.mcp_servers = yaml("- {name: wiki, transport: streamable-http, "
                                  "url: \"wss2://mcp.example/x\"}\n");
    cfg->config.providers.audio.name = "discord";
    cfg->network_policy.allow_voice_udp = false;
    gx_diags r = run(cfg);
    only(&r, "V25");
    assert_int_equal(r.warnings, 4);
    const gx_diag *x = expect(&r, "V25", "vault/addr", GX_WARNING);
    contains(x->message, "cannot be told");
    remedy(x, GX_REMEDY_SET, "vault/addr", NULL);
    x = expect(&r, "V25", "config/providers/llm/base-url", GX_WARNING);
    contains(x->message, "\"ollama\" is a Service in the release's namespace glyphoxa");
    contains(x->message, "glyphoxa-default-deny");
    contains(x->message, "worker pods on port 11434");
    x = expect(&r, "V25", "config/mcp-servers", GX_WARNING);
    contains(x->message, "config/mcp-servers[0].url");
    remedy(x, GX_REMEDY_EDIT_FILE, "values.yaml", NULL);
    x = expect(&r, "V25", "network-policy/allow-voice-udp", GX_WARNING);
    remedy(x, GX_REMEDY_SET, "network-policy/allow-voice-udp", "true");

    /* a host in the namespace hidden in the DSN: never shown */
    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg->database.dsn = "postgres://glyphoxa:s3cret@pg.glyphoxa.svc:6543/glyphoxa";
    r = run(cfg);
    x = expect(&r, "V25", "database/dsn", GX_WARNING);
    contains(x->message, "the host of database/dsn");
    assert_null(strstr(x->message, "s3cret"));
    assert_null(strstr(x->message, "pg.glyphoxa"));

    /* the tool's own Services and the bundled database are fine; ports given */
    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg->vault.addr = "https://vault.example:8200";
    cfg->config.providers.llm.name = "ollama";
    cfg->config.providers.llm.base_url = "http://ollama.ai.svc.cluster.local:11434";
    cfg->config.mcp_servers = yaml("- {name: gw, transport: streamable-http, "
                                  "url: \"http://glyphoxa-mcp-gateway.glyphoxa.svc:8080/mcp\"}\n");
    r = run(cfg);
    none(&r);
    /* network-policy off: nothing to block */
    cfg->enabled[GX_C_NETWORK_POLICY] = false;
    cfg->vault.addr = "vault";
    r = run(cfg);
    none(&r);
}

static void test_v26_create_namespace_off(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.create_namespace = false;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V26", "core/create-namespace", GX_WARNING);
    contains(x->message, "pod-security.kubernetes.io/");
    remedy(x, GX_REMEDY_SET, "core/create-namespace", "true");
    only(&r, "V26");
}

static void test_v27_rejected_values(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.run_as_user = 0;
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V27", "core/run-as-user", GX_BLOCKING);
    contains(x->message, "runAsNonRoot");
    remedy(x, GX_REMEDY_SET, "core/run-as-user", "65532");
    only(&r, "V27");

    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg->gateway.service_account.name = "";
    r = run(cfg);
    x = expect(&r, "V27", "gateway/service-account/name", GX_BLOCKING);
    contains(x->message, "without a name");
    remedy(x, GX_REMEDY_SET, "gateway/service-account/name", "glyphoxa-gateway");
    only(&r, "V27");
    /* with create off an empty name is V20's */
    cfg->gateway.service_account.create = false;
    r = run(cfg);
    only(&r, "V20");

    cfg->gateway.service_account.create = true;
    cfg->gateway.service_account.name = "Glyphoxa_Gateway";
    r = run(cfg);
    contains(expect(&r, "V27", "gateway/service-account/name", GX_BLOCKING)->message,
             "not a DNS subdomain");
    cfg->gateway.service_account.name = "gateway.sa-1";
    r = run(cfg);
    none(&r);
}

static void test_v28_settings_without_effect(void **state)
{
    struct gx_config *cfg = *state;
    static const char *k[] = {"gpu"};
    static const char *v[] = {"a100"};
    cfg->worker.gpu.node_selector = (gx_map){1, k, v};
    cfg->worker.gpu.tolerations = yaml("[{key: gpu, operator: Exists}]\n");
    cfg->worker.gpu.count = 2;
    gx_diags r = run(cfg);
    only(&r, "V28");
    assert_int_equal(r.warnings, 3);
    const gx_diag *x = expect(&r, "V28", "worker/gpu/node-selector", GX_WARNING);
    contains(x->message, "the profile is cloud");
    remedy(x, GX_REMEDY_UNSET, "worker/gpu/node-selector", NULL);
    expect(&r, "V28", "worker/gpu/tolerations", GX_WARNING);
    expect(&r, "V28", "worker/gpu/count", GX_WARNING);
    /* with local-llm they apply */
    cfg->worker.resource_profile = GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM;
    cfg->worker.gpu.tolerations = yaml("[{key: nvidia.com/gpu, operator: Exists}]\n");
    r = run(cfg);
    none(&r);

    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg->enabled[GX_C_AUTOSCALING] = true;
    r = run(cfg);
    none(&r); /* the topology's default counts as not set */
    cfg->gateway.replica_count = 5;
    r = run(cfg);
    x = expect(&r, "V28", "gateway/replica-count", GX_WARNING);
    contains(x->message, "HorizontalPodAutoscaler");
    remedy(x, GX_REMEDY_UNSET, "gateway/replica-count", NULL);
    only(&r, "V28");
    baseline(cfg, GX_CORE_TOPOLOGY_DEDICATED);
    cfg->gateway.pod_anti_affinity = false;
    cfg->gateway.replica_count = 1; /* the dedicated default */
    cfg->enabled[GX_C_AUTOSCALING] = true;
    r = run(cfg);
    none(&r);
}

static void test_v29_object_size(void **state)
{
    struct gx_config *cfg = *state;
    cfg->config.providers.llm.name = "openai";
    cfg->config.providers.tts.name = "elevenlabs";
    /* 70,000 NPCs: the application config is over 1 MiB */
    gx_buf b = GX_BUF_INIT;
    for (int i = 0; i < 70000; i++)
        gx_buf_printf(&b, "- {name: n%d}\n", i);
    cfg->config.npcs = yaml(b.data);
    gx_buf_free(&b);
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V29", "config/npcs", GX_BLOCKING);
    contains(x->message, "glyphoxa-config");
    contains(x->message, "1048576");
    remedy(x, GX_REMEDY_EDIT_FILE, "values.yaml", NULL);
    only(&r, "V29");

    /* the Secret: a huge admin key, never shown */
    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    char *key = gx_arena_alloc(A, 1100000);
    memset(key, 'k', 1100000 - 1);
    cfg->gateway.admin_key = key;
    r = run(cfg);
    x = expect(&r, "V29", "gateway/admin-key", GX_BLOCKING);
    contains(x->message, "glyphoxa-secrets");
    assert_null(strstr(x->message, "kkkk"));
    remedy(x, GX_REMEDY_SET, "gateway/admin-key", NULL);
}

static void test_delivery_shapes(void **state)
{
    struct gx_config *cfg = *state;
    cfg->network_policy.extra_egress =
        yaml("- {cidr: 10.20.0.0/16, ports: [8200, 8201]}\n"
             "- {cidr: \"fd00::/8\", protocol: UDP}\n- {cidr: 0.0.0.0/0}\n");
    cfg->network_policy.metrics_from =
        yaml("- namespace-selector: {kubernetes.io/metadata.name: monitoring}\n"
             "  pod-selector: {app.kubernetes.io/name: prometheus}\n"
             "- namespace-selector: {}\n");
    gx_diags r = run(cfg);
    none(&r);

    cfg->network_policy.extra_egress =
        yaml("- {cidr: 10.20.0.0/33, ports: [0, http], protocol: ICMP, to: x}\n- {ports: [1]}\n"
             "- just-a-string\n");
    r = run(cfg);
    only(&r, "V15");
    assert_int_equal(r.blocking, 7);
    contains(r.items[0].message, "network-policy/extra-egress[0].cidr");
    contains(r.items[6].message, "an egress rule must be a map");
    cfg->network_policy.extra_egress = yaml("cidr: 10.0.0.0/8\n");
    r = run(cfg);
    contains(expect(&r, "V15", "network-policy/extra-egress", GX_BLOCKING)->message,
             "must be a list");

    cfg->network_policy.extra_egress = NULL;
    cfg->network_policy.metrics_from =
        yaml("- {}\n- {pods: {a: b}}\n- {pod-selector: {\"bad key!\": x}}\n"
             "- {namespace-selector: [a]}\n");
    r = run(cfg);
    only(&r, "V15");
    assert_int_equal(r.blocking, 4);
    contains(r.items[0].message, "an empty map");
    contains(r.items[1].message, "unknown key \"pods\"");
}

/* ---- disabled components ---------------------------------------------------------- */

static void test_disabled_autoscaling_not_validated(void **state)
{
    struct gx_config *cfg = *state;
    cfg->autoscaling.min_replicas = 8;
    cfg->autoscaling.max_replicas = 2;
    cfg->autoscaling.target_cpu = 500; /* V1 range, also skipped */
    gx_diags r = run(cfg);
    none(&r);
}

static void test_disabled_mcp_gateway_not_validated(void **state)
{
    struct gx_config *cfg = *state;
    cfg->enabled[GX_C_MCP_GATEWAY] = false;
    cfg->mcp_gateway.ports.mcp = 0;
    cfg->mcp_gateway.replica_count = 0;
    cfg->mcp_gateway.requests.cpu = "lots";
    gx_diags r = run(cfg);
    none(&r);

    cfg->enabled[GX_C_MCP_GATEWAY] = true;
    r = run(cfg);
    expect(&r, "V1", "mcp-gateway/ports/mcp", GX_BLOCKING);
    expect(&r, "V1", "mcp-gateway/replica-count", GX_BLOCKING);
    expect(&r, "V1", "mcp-gateway/requests/cpu", GX_BLOCKING);
}

static void test_hostile_values(void **state)
{
    struct gx_config *cfg = *state;
    /* NUL bytes inside double-quoted scalars */
    cfg->gateway.tolerations = yaml("- {key: \"a\\0b\", operator: Exists}\n");
    cfg->config.npcs = yaml("- {name: \"x\\0y\", engine: \"s2s\\0\"}\n- {name: \"x\\0z\"}\n");
    cfg->config.providers.llm.name = "openai";
    cfg->config.providers.tts.name = "elevenlabs";
    cfg->config.providers.s2s.name = "gemini-live";
    /* invalid UTF-8 and escape sequences in a node selector */
    static const char *keys[] = {"\xff\xfe\x1b[2J"};
    static const char *vals[] = {"\xc3"};
    cfg->worker.node_selector = (gx_map){1, keys, vals};
    /* a very long quantity */
    static char big[4096];
    memset(big, '9', sizeof big - 3);
    memcpy(big + sizeof big - 3, "Ei", 3);
    cfg->gateway.limits.memory = big;
    gx_diags r = run(cfg);
    expect(&r, "V15", "gateway/tolerations", GX_BLOCKING);
    expect(&r, "V15", "worker/node-selector", GX_BLOCKING);
    expect(&r, "V17", "config/npcs", GX_BLOCKING); /* engine "s2s\0" is not s2s */
    assert_null(find(&r, "V11", "gateway/requests/memory", GX_BLOCKING));
    for (size_t i = 0; i < r.count; i++) {
        for (const unsigned char *p = (const unsigned char *)r.items[i].message; *p; p++)
            assert_true(*p >= 0x20 && *p != 0x7f);
        assert_true(strlen(r.items[i].message) < 2000);
    }
}

static void test_results_order_and_counts(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.image_tag = "latest";       /* V19 warning */
    cfg->gateway.admin_key = "";          /* V5 blocking */
    cfg->gateway.ports.observe = 70000;   /* V1 blocking, V13 x2 blocking */
    gx_diags r = run(cfg);
    assert_int_equal(r.blocking + r.warnings, r.count);
    assert_int_equal(r.warnings, 1);
    assert_string_equal(gx_code_id(r.items[0].code), "V1");
    assert_string_equal(gx_code_id(r.items[r.count - 1].code), "V19");
    for (size_t i = 1; i < r.count; i++)
        assert_true(atoi(gx_code_id(r.items[i - 1].code) + 1) <= atoi(gx_code_id(r.items[i].code) + 1));
}

static void test_result_add_grows(void **state)
{
    (void)state;
    gx_diags r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < 100; i++)
        gx_result_add(&r, A, GX_CODE_V1, "core/namespace", i % 3 ? GX_BLOCKING : GX_WARNING,
                      "message %d", i);
    assert_int_equal(r.count, 100);
    assert_int_equal(r.warnings, 34);
    assert_int_equal(r.blocking, 66);
    assert_string_equal(r.items[99].message, "message 99");
    assert_string_equal(r.items[0].message, "message 0");
    assert_string_equal(gx_severity_name(GX_BLOCKING), "blocking");
    assert_string_equal(gx_severity_name(GX_WARNING), "warning");

    /* the added result comes back to be completed; NULL once the list is full */
    gx_diags l;
    memset(&l, 0, sizeof l);
    l.limit = 2;
    gx_diag *d = gx_result_add(&l, A, GX_CODE_V19, "core/image-tag", GX_WARNING, "a %s", "b");
    assert_non_null(d);
    assert_ptr_equal(d, &l.items[0]);
    assert_string_equal(d->message, "a b");
    assert_string_equal(d->path, "core/image-tag");
    assert_int_equal(d->remedy.kind, GX_REMEDY_NONE);
    assert_null(d->hint);
    assert_non_null(gx_result_add(&l, A, GX_CODE_V19, "core/image-tag", GX_WARNING, "c"));
    assert_null(gx_result_add(&l, A, GX_CODE_V19, "core/image-tag", GX_WARNING, "d"));
    assert_int_equal(l.count, 2);
    assert_int_equal(l.dropped, 1);
}

/* ---- every rule, every severity: texts, table, remedies ---------------------------- */

/* Secrets the scenarios use; none may show in a message, hint or remedy. */
static const char *const secrets[] = {"s3cret", "t0psecret", "hunter2", "def-secret",
                                      "pw-pw-pw", "sk-very-secret", "abcdef0123456789",
                                      NULL};

/* Configuration number i on top of the baseline: together they trigger every
 * rule with every severity it has. False when there is no configuration i. */
static bool scenario(size_t i, struct gx_config *cfg)
{
    static const char *bad_keys[] = {"bad key"};
    static const char *bad_vals[] = {"bad value!"};
    switch (i) {
    case 0: /* V1: int, enum, quantity, string pattern and length */
        cfg->gateway.ports.admin = 70000;
        cfg->worker.active_deadline_seconds = 59;
        cfg->config.server.log_level = 9;
        cfg->gateway.requests.memory = "";
        cfg->worker.profiles.local_llm.limits.cpu = "2 cores";
        cfg->mcp_gateway.requests.cpu = "-1";
        cfg->enabled[GX_C_SEALED_SECRETS] = true;
        cfg->sealed_secrets.namespace = "Kube_System";
        return true;
    case 1: /* V2: not a label, empty */
        cfg->core.namespace = "My_Namespace";
        cfg->core.release_name = "";
        return true;
    case 2: { /* V2: too long */
        static char name[42];
        memset(name, 'r', 41);
        cfg->core.release_name = name;
        return true;
    }
    case 3: /* V3, V4 */
        cfg->core.topology = GX_CORE_TOPOLOGY_DEDICATED;
        cfg->gateway.replica_count = 3;
        cfg->gateway.pod_anti_affinity = true;
        return true;
    case 4: /* V5 blocking: empty in production */
        cfg->gateway.admin_key = "";
        return true;
    case 5: /* V5 warning: empty in dev */
        cfg->core.environment = GX_CORE_ENVIRONMENT_DEV;
        cfg->gateway.admin_key = "";
        return true;
    case 6: /* V5 blocking and warning: short with a newline */
        cfg->gateway.admin_key = "hunter2\nhunter2";
        return true;
    case 7: /* V6 (set the DSN) */
        cfg->database.dsn = "";
        return true;
    case 8: /* V6 (enable postgresql) */
        cfg->database.dsn = "";
        cfg->postgresql.postgres_password = "pw-pw-pw-pw-pw-pw";
        return true;
    case 9: /* V7, V9 (control character) */
        cfg->enabled[GX_C_POSTGRESQL] = true;
        cfg->postgresql.postgres_password = "abc\ndef-secret";
        return true;
    case 10: /* V9 (empty) */
        cfg->database.dsn = "";
        cfg->enabled[GX_C_POSTGRESQL] = true;
        return true;
    case 11: /* V8 */
        cfg->database.dsn = "mysql://root:t0psecret@db/glyphoxa";
        return true;
    case 12: /* V10: gpu off */
        cfg->worker.resource_profile = GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM;
        cfg->worker.gpu.enabled = false;
        return true;
    case 13: /* V10: gpu tolerations emptied */
        cfg->worker.resource_profile = GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM;
        cfg->worker.gpu.tolerations = yaml("[]");
        return true;
    case 14: /* V11, V12, V13 (both kinds), V14 */
        cfg->gateway.requests.cpu = "1500m";
        cfg->worker.profiles.local_llm.requests.memory = "9Gi";
        cfg->enabled[GX_C_AUTOSCALING] = true;
        cfg->autoscaling.min_replicas = 5;
        cfg->autoscaling.max_replicas = 3;
        cfg->worker.ports.observe = 9091;
        cfg->gateway.ports.grpc = 8081;
        cfg->mcp_gateway.ports.mcp = 9090;
        cfg->worker.ports.grpc = 50052;
        return true;
    case 15: /* V15: tolerations, label maps, options */
        cfg->gateway.tolerations =
            yaml("- {key: a, operator: In, value: b}\n"
                 "- {key: a, operator: Exists, value: b, effect: NoRun, tolerationSecond: 5}\n"
                 "- {key: \"bad key!\", operator: Equal, value: true}\n"
                 "- {operator: Equal, value: x}\n"
                 "- {key: a, operator: Exists, effect: NoSchedule, tolerationSeconds: 30}\n"
                 "- {key: a, operator: Exists, effect: NoExecute, tolerationSeconds: soon}\n"
                 "- just a string\n");
        cfg->worker.tolerations = yaml("key: nvidia.com/gpu\n");
        cfg->gateway.node_selector = (gx_map){1, bad_keys, bad_vals};
        cfg->config.providers.llm.name = "openai";
        cfg->config.providers.llm.options = yaml("- temperature\n");
        return true;
    case 16: /* V15: MCP servers and NPCs */
        cfg->config.mcp_servers = yaml("- name: dice\n  transport: stdio\n  command: dice\n"
                                       "  args: [x]\n  env: {A: [1]}\n"
                                       "  auth: {oauth: {scopes: x}}\n");
        cfg->config.providers.llm.name = "openai";
        cfg->config.providers.tts.name = "elevenlabs";
        cfg->config.npcs = yaml("- name: a\n  mood: grumpy\n  tools: roll\n"
                                "  gm_helper: \"yes\"\n  voice: {speed_factor: fast}\n"
                                "  relationships: [knows-bob, {bidirectional: 1}]\n"
                                "- just a string\n");
        return true;
    case 17: /* V16 */
        cfg->config.mcp_servers = yaml("- {transport: stdio, command: a}\n"
                                       "- {name: dice, transport: stdio, url: http://x}\n"
                                       "- {name: dice, transport: streamable-http}\n"
                                       "- {name: w, transport: sse, url: http://x}\n"
                                       "- {name: v, command: x}\n");
        return true;
    case 18: /* V17 */
        cfg->config.npcs = yaml("- {personality: x}\n"
                                "- {name: Bob, engine: turbo, budget_tier: huge}\n"
                                "- {name: Bob, cascade_mode: sometimes}\n"
                                "- {name: c, engine: s2s, voice: {speed_factor: 2.5}}\n"
                                "- {name: d, voice: {pitch_shift: -11}}\n");
        return true;
    case 19: /* V18, V19, V20 */
        cfg->config.providers.stt.name = "deepgramm";
        cfg->config.providers.embeddings.api_key = "sk-very-secret";
        cfg->config.providers.embeddings.model = "text-embedding-3-small";
        cfg->config.providers.tts.options = yaml("{output_format: pcm_16000}\n");
        cfg->core.image_tag = "latest";
        cfg->gateway.service_account.create = false;
        cfg->gateway.service_account.name = "";
        return true;
    case 20: /* V21: a digest in the tag, a bad digest, a mirror with a scheme, a repository
              * with a tag */
        cfg->core.image_tag = "0.1.0@" DIGEST;
        cfg->core.image_digest = "sha256:123";
        cfg->core.registry_mirror = "https://mirror.example.internal/";
        cfg->core.image_repository = "ghcr.io/mrwong99/glyphoxa:0.1.0";
        return true;
    case 21: { /* V21 (64 characters), V26, V27 */
        static char tag[65];
        memset(tag, '7', 64);
        cfg->core.image_tag = tag;
        cfg->core.create_namespace = false;
        cfg->core.run_as_user = 0;
        cfg->gateway.service_account.name = "Not_A_Name";
        return true;
    }
    case 22: /* V22, V23, V24 */
        cfg->database.dsn = "";
        cfg->enabled[GX_C_POSTGRESQL] = true;
        cfg->enabled[GX_C_SEALED_SECRETS] = true;
        cfg->postgresql.postgres_password = "pw-pw-pw-pw";
        cfg->postgresql.values = yaml("primary: {persistence: {size: 1Gi}}\n");
        cfg->sealed_secrets.values = yaml("image: {registry: quay.io}\n");
        cfg->postgresql.chart = "./charts/missing.tgz";
        cfg->core.air_gapped = true;
        return true;
    case 23: /* V25, V28 */
        cfg->vault.addr = "vault.example";
        cfg->config.providers.audio.name = "discord";
        cfg->network_policy.allow_voice_udp = false;
        cfg->config.mcp_servers = yaml("- {name: w, transport: streamable-http, "
                                       "url: \"http://wiki:8000/mcp\"}\n");
        cfg->worker.gpu.count = 4;
        cfg->enabled[GX_C_AUTOSCALING] = true;
        cfg->gateway.replica_count = 6;
        return true;
    case 24: { /* V29: the Secret */
        static char key[1100000];
        memset(key, 'x', sizeof key - 1);
        cfg->gateway.admin_key = key;
        return true;
    }
    case 25: /* V30: a release name that collides, a namespace of the cluster's own */
        cfg->core.release_name = "voice-mcp";
        cfg->core.namespace = "kube-system";
        return true;
    case 26: /* V31: a certificate that is not there */
        cfg->enabled[GX_C_SEALED_SECRETS] = true;
        cfg->sealed_secrets.certificate = "certs/missing.pem";
        return true;
    case 27: /* V31: one that expired */
        cfg->enabled[GX_C_SEALED_SECRETS] = true;
        cfg->sealed_secrets.certificate = "expired.pem";
        return true;
    default:
        return false;
    }
}

/* Asserts text (a message or a hint) is front-end neutral: no command, no
 * command-line option, no PATH=VALUE; and that it shows no secret. */
static void neutral(const gx_diag *d, const char *text)
{
    if (!text)
        return;
    static const char *const banned[] = {"glyphoxa-deploy", " --", "--set", "`",
                                         "component enable", "component disable",
                                         "--values", "--show-secrets", NULL};
    for (size_t k = 0; banned[k]; k++) {
        if (strstr(text, banned[k]))
            fprintf(stderr, "[%s] %s: \"%s\" names \"%s\"\n", gx_code_id(d->code), d->path,
                    text, banned[k]);
        assert_null(strstr(text, banned[k]));
    }
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        char pv[256];
        snprintf(pv, sizeof pv, "%s=", gx_fields[f].path);
        if (strstr(text, pv))
            fprintf(stderr, "[%s] %s: \"%s\" uses %s\n", gx_code_id(d->code), d->path, text, pv);
        assert_null(strstr(text, pv));
    }
    for (size_t k = 0; secrets[k]; k++)
        assert_null(strstr(text, secrets[k]));
}

/* Asserts the remedy of d is well formed. */
static void well_formed_remedy(const gx_diag *d)
{
    const gx_remedy *m = &d->remedy;
    if (m->kind == GX_REMEDY_NONE)
        fprintf(stderr, "[%s] %s: no remedy: %s\n", gx_code_id(d->code), d->path, d->message);
    switch (m->kind) {
    case GX_REMEDY_SET:
    case GX_REMEDY_UNSET: {
        assert_non_null(m->arg);
        int f = gx_field_find(m->arg);
        assert_true(f >= 0);
        if (m->value) {
            assert_int_equal(m->kind, GX_REMEDY_SET);
            assert_false(gx_fields[f].secret); /* a secret is never suggested */
            for (size_t k = 0; secrets[k]; k++)
                assert_null(strstr(m->value, secrets[k]));
            gx_diags diags = GX_DIAGS_INIT;
            gx_value v;
            bool ok = gx_value_parse(A, f, m->value, &v, &diags);
            if (!ok)
                gx_diags_print(&diags, stderr);
            gx_diags_free(&diags);
            assert_true(ok); /* a value the set operation takes */
        }
        break;
    }
    case GX_REMEDY_ENABLE:
    case GX_REMEDY_DISABLE:
        assert_non_null(m->arg);
        assert_true(gx_component_find(m->arg) >= 0);
        assert_null(m->value);
        break;
    case GX_REMEDY_EDIT_FILE:
        assert_non_null(m->arg);
        assert_non_null(d->file);
        assert_string_equal(m->arg, d->file);
        assert_true(d->line > 0 && d->col > 0);
        assert_null(m->value);
        break;
    default:
        fail(); /* every rule result has one of the kinds above */
    }
}

static void test_every_rule_texts_table_and_remedies(void **state)
{
    (void)state;
    bool seen[GX_CODE_COUNT][2];
    memset(seen, 0, sizeof seen);
    size_t i;
    for (i = 0;; i++) {
        struct gx_config cfg;
        baseline(&cfg, GX_CORE_TOPOLOGY_SHARED);
        if (!scenario(i, &cfg))
            break;
        gx_diags r = run(&cfg);
        if (r.count == 0)
            fprintf(stderr, "scenario %zu gives no result\n", i);
        assert_true(r.count > 0);
        for (size_t k = 0; k < r.count; k++) {
            const gx_diag *d = &r.items[k];
            assert_true(gx_code_class_of(d->code) == GX_CC_RULE);
            assert_true(d->severity == GX_BLOCKING || d->severity == GX_WARNING);
            seen[d->code][d->severity == GX_WARNING] = true;
            assert_non_null(d->message);
            neutral(d, d->message);
            neutral(d, d->hint);
            well_formed_remedy(d);
        }
    }
    assert_true(i >= 20);
    /* every rule was triggered, with exactly the severities the table names */
    for (size_t k = 0; k < gx_rule_count; k++) {
        const bool *s = seen[gx_rules[k].code];
        const char *got = s[0] && s[1] ? "blocking, warning"
                          : s[0]       ? "blocking"
                          : s[1]       ? "warning"
                                       : "(none)";
        if (strcmp(got, gx_rules[k].severities) != 0)
            fprintf(stderr, "%s: the scenarios give %s, the table says %s\n", gx_rules[k].id,
                    got, gx_rules[k].severities);
        assert_string_equal(got, gx_rules[k].severities);
    }
}

/* Stores v as the value of field f in cfg. */
static void store(struct gx_config *cfg, int f, gx_value v)
{
    void *p = (char *)cfg + gx_fields[f].offset;
    switch (gx_fields[f].type) {
    case GX_T_STRING:
    case GX_T_QUANTITY: *(const char **)p = v.s; break;
    case GX_T_INT: *(int64_t *)p = v.i; break;
    case GX_T_BOOL: *(bool *)p = v.b; break;
    case GX_T_ENUM: *(int *)p = v.e; break;
    case GX_T_MAP: *(gx_map *)p = v.map; break;
    case GX_T_LIST: *(gx_list *)p = v.list; break;
    case GX_T_YAML: *(const gx_node **)p = v.node; break;
    }
}

static size_t count_at(const gx_diags *r, gx_code code, const char *path)
{
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        n += r->items[i].code == code && strcmp(r->items[i].path, path) == 0;
    return n;
}

/* A remedy that is complete (set with a value, unset, enable) fixes its
 * result: applied alone, that result goes away. */
static void test_complete_remedies_fix_their_result(void **state)
{
    (void)state;
    size_t applied = 0;
    for (size_t i = 0;; i++) {
        struct gx_config cfg;
        baseline(&cfg, GX_CORE_TOPOLOGY_SHARED);
        if (!scenario(i, &cfg))
            break;
        gx_diags r = run(&cfg);
        for (size_t k = 0; k < r.count; k++) {
            const gx_diag *d = &r.items[k];
            const gx_remedy *m = &d->remedy;
            struct gx_config fixed = cfg;
            gx_diags diags = GX_DIAGS_INIT;
            gx_value v;
            if (m->kind == GX_REMEDY_SET && m->value) {
                int f = gx_field_find(m->arg);
                assert_true(gx_value_parse(A, f, m->value, &v, &diags));
                store(&fixed, f, v);
            } else if (m->kind == GX_REMEDY_UNSET) {
                /* what the workspace falls back to: the schema default */
                int f = gx_field_find(m->arg);
                const char *def = gx_fields[f].default_text;
                assert_true(gx_value_parse(A, f, strcmp(def, "\"\"") ? def : "", &v, &diags));
                store(&fixed, f, v);
            } else if (m->kind == GX_REMEDY_ENABLE) {
                int c = gx_component_find(m->arg);
                fixed.enabled[c] = true;
            } else {
                gx_diags_free(&diags);
                continue;
            }
            gx_diags_free(&diags);
            gx_diags after = run(&fixed);
            size_t before = count_at(&r, d->code, d->path);
            size_t now = count_at(&after, d->code, d->path);
            if (now >= before)
                fprintf(stderr, "scenario %zu: the remedy of [%s] %s does not fix it: %s\n", i,
                        gx_code_id(d->code), d->path, d->message);
            assert_true(now < before);
            applied++;
        }
    }
    assert_true(applied >= 15);
}

/* ---- gx_quantity_compare ---------------------------------------------------------- */

static int qcmp(const char *a, const char *b)
{
    int c = 99;
    if (!gx_quantity_compare(a, b, &c)) {
        fprintf(stderr, "quantity compare failed: %s vs %s\n", a, b);
        fail();
    }
    return c;
}

static void test_quantity_compare(void **state)
{
    (void)state;
    assert_int_equal(qcmp("1", "1000m"), 0);
    assert_true(qcmp("1Gi", "1G") > 0);
    assert_true(qcmp("1G", "1Gi") < 0);
    assert_int_equal(qcmp("0.5", "500m"), 0);
    assert_int_equal(qcmp("1e3", "1k"), 0);
    assert_int_equal(qcmp("2Ki", "2048"), 0);
    assert_int_equal(qcmp("1.5Gi", "1536Mi"), 0);
    assert_int_equal(qcmp("1E", "1e18"), 0);
    assert_int_equal(qcmp("1Ei", "1152921504606846976"), 0);
    assert_int_equal(qcmp("1E3", "1000"), 0);
    assert_int_equal(qcmp("100n", "0.1u"), 0);
    assert_int_equal(qcmp("0", "-0"), 0);
    assert_int_equal(qcmp("0.000", "0Ki"), 0);
    assert_int_equal(qcmp("+1.", "1"), 0);
    assert_int_equal(qcmp(".5", "0.5"), 0);
    assert_int_equal(qcmp("007", "7"), 0);
    assert_true(qcmp("-1", "0") < 0);
    assert_true(qcmp("-2", "-1") < 0);
    assert_true(qcmp("1001m", "1") > 0);
    assert_true(qcmp("999999999999999999999", "1E") > 0);
    assert_true(qcmp("256Mi", "512Mi") < 0);
    assert_true(qcmp("1m", "1n") > 0);
    assert_true(qcmp("1e-3", "1u") > 0);
    assert_true(qcmp("1e-999", "0") > 0);
    /* cmp may be NULL */
    assert_true(gx_quantity_compare("1", "2", NULL));

    int c = 42;
    assert_false(gx_quantity_compare("garbage", "1", &c));
    assert_false(gx_quantity_compare("1", "garbage", &c));
    assert_int_equal(c, 42);
    assert_false(gx_quantity_compare("", "1", &c));
    assert_false(gx_quantity_compare("1", "", &c));
    assert_false(gx_quantity_compare(".", "1", &c));
    assert_false(gx_quantity_compare("1KI", "1", &c));
    assert_false(gx_quantity_compare("1K", "1", &c));
    assert_false(gx_quantity_compare("1e", "1", &c));
    assert_false(gx_quantity_compare("1e+", "1", &c));
    assert_false(gx_quantity_compare("1 m", "1", &c));
    assert_false(gx_quantity_compare("1mm", "1", &c));
    assert_false(gx_quantity_compare("1Gi ", "1", &c));
    assert_false(gx_quantity_compare("--1", "1", &c));
    assert_false(gx_quantity_compare("1e99999999999999999999", "1", &c));
    assert_false(gx_quantity_compare(NULL, "1", &c));
}

/* ---- V30: names that reach other releases or the cluster's own (issue #9) --------------- */

static void test_v30_release_and_namespace_names(void **state)
{
    struct gx_config *cfg = *state;
    cfg->core.release_name = "voice-mcp"; /* voice-mcp-gateway is also voice's MCP gateway */
    gx_diags r = run(cfg);
    const gx_diag *x = expect(&r, "V30", "core/release-name", GX_BLOCKING);
    assert_non_null(strstr(x->message, "ends in -mcp"));
    assert_string_equal(x->remedy.value, "voice-app");
    only(&r, "V30");

    static const char *const fine[] = {"mcp", "voice-mcpx", "mcp-voice", "my-mcp-gw", NULL};
    for (size_t i = 0; fine[i]; i++) {
        baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
        cfg->core.release_name = fine[i];
        r = run(cfg);
        assert_int_equal(count_rule(&r, "V30"), 0);
    }

    static const char *const system[] = {"kube-system", "kube-public", "kube-node-lease", NULL};
    for (size_t i = 0; system[i]; i++) {
        baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
        cfg->core.namespace = system[i];
        r = run(cfg);
        x = expect(&r, "V30", "core/namespace", GX_BLOCKING);
        assert_string_equal(x->remedy.value, "glyphoxa");
        only(&r, "V30");
    }
    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg->core.namespace = "kube-systems";
    r = run(cfg);
    assert_int_equal(count_rule(&r, "V30"), 0);
}

/* ---- V31: the Sealed Secrets certificate (issue #10) ------------------------------------ */

static void test_v31_certificate(void **state)
{
    struct gx_config *cfg = *state;
    /* off: nothing to say, whatever the path */
    cfg->sealed_secrets.certificate = "missing.pem";
    gx_diags r = run(cfg);
    assert_int_equal(count_rule(&r, "V31"), 0);

    /* on without a certificate: exported plain (the export says so), no result */
    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg->enabled[GX_C_SEALED_SECRETS] = true;
    r = run(cfg);
    none(&r);
    const gx_diag *x;

    /* a certificate that cannot be used blocks: nothing is rendered in clear instead */
    static const struct {
        const char *path, *says;
    } bad[] = {
        {"certs/missing.pem", "does not exist"},
        {"unreadable.pem", "cannot be read"},
        {"invalid.pem", "no PEM block of type CERTIFICATE"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
        cfg->enabled[GX_C_SEALED_SECRETS] = true;
        cfg->sealed_secrets.certificate = bad[i].path;
        r = run(cfg);
        x = expect(&r, "V31", "sealed-secrets/certificate", GX_BLOCKING);
        assert_int_equal(x->remedy.kind, GX_REMEDY_SET);
        assert_string_equal(x->remedy.arg, "sealed-secrets/certificate");
        assert_non_null(strstr(x->message, bad[i].says));
        assert_non_null(strstr(x->message, bad[i].path));
        assert_non_null(strstr(x->message, "cannot be sealed"));
        only(&r, "V31");
    }
    /* expired: sealing still works for the controller; kubeseal would refuse it */
    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg->enabled[GX_C_SEALED_SECRETS] = true;
    cfg->sealed_secrets.certificate = "expired.pem";
    r = run(cfg);
    x = expect(&r, "V31", "sealed-secrets/certificate", GX_WARNING);
    assert_non_null(strstr(x->message, "expired on 2020-01-02"));
    only(&r, "V31");
    /* a usable one: nothing */
    cfg->sealed_secrets.certificate = "/etc/glyphoxa/cert.pem";
    r = run(cfg);
    assert_int_equal(count_rule(&r, "V31"), 0);
    /* without an environment there is nothing to look at but the value */
    cfg->sealed_secrets.certificate = "missing.pem";
    gx_diags plain;
    memset(&plain, 0, sizeof plain);
    gx_validate(cfg, A, &plain);
    assert_int_equal(count_rule(&plain, "V31"), 0);

    /* V1: the value is a file path (no control characters, not a directory) */
    baseline(cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg->enabled[GX_C_SEALED_SECRETS] = true;
    cfg->sealed_secrets.certificate = "certs/";
    r = run(cfg);
    expect(&r, "V1", "sealed-secrets/certificate", GX_BLOCKING);
    cfg->sealed_secrets.certificate = "cert\n.pem";
    r = run(cfg);
    expect(&r, "V1", "sealed-secrets/certificate", GX_BLOCKING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_rule_table),
        T(test_v31_certificate),
        T(test_v30_release_and_namespace_names),
        T(test_baseline_shared_valid),
        T(test_baseline_dedicated_valid),
        T(test_baseline_all_components_valid),
        T(test_full_application_config_valid),
        T(test_v1_port_out_of_range),
        T(test_v1_int_below_min),
        T(test_v1_enum_out_of_range),
        T(test_v1_quantity_empty),
        T(test_v1_quantity_garbage),
        T(test_v1_quantity_negative),
        T(test_v1_string_pattern),
        T(test_v1_control_chars_escaped),
        T(test_v2_namespace_not_dns_label),
        T(test_v2_namespace_too_long),
        T(test_v2_release_name_over_40),
        T(test_v2_release_name_empty),
        T(test_v3_dedicated_many_replicas),
        T(test_v4_dedicated_anti_affinity),
        T(test_v5_empty_production_blocking),
        T(test_v5_empty_dev_warning),
        T(test_v5_short_warning),
        T(test_v5_newline_blocking),
        T(test_v6_no_database),
        T(test_v7_dsn_with_postgresql),
        T(test_v8_dsn_not_postgres_url),
        T(test_v9_password_empty),
        T(test_v9_password_newline),
        T(test_v9_postgresql_off_not_checked),
        T(test_v10_local_llm_without_gpu_toleration),
        T(test_v10_worker_toleration_is_enough),
        T(test_v10_gpu_enabled_defaults_fine),
        T(test_v10_other_profile_not_checked),
        T(test_v11_gateway_cpu_request_over_limit),
        T(test_v11_every_worker_profile),
        T(test_v11_equal_in_other_units),
        T(test_v11_mcp_gateway_only_when_enabled),
        T(test_v12_min_over_max),
        T(test_v13_observe_ports_differ),
        T(test_v13_same_port_in_one_pod),
        T(test_v13_mcp_gateway_ports),
        T(test_v14_worker_grpc_port),
        T(test_v15_tolerations_not_a_list),
        T(test_v15_toleration_bad_operator),
        T(test_v15_toleration_exists_with_value),
        T(test_v15_toleration_bad_effect),
        T(test_v15_toleration_unknown_key_and_bad_label_key),
        T(test_v15_toleration_empty_key_needs_exists),
        T(test_v15_toleration_seconds_and_kinds),
        T(test_v15_node_selector_labels),
        T(test_v15_annotation_keys),
        T(test_v15_provider_options_not_a_map),
        T(test_v15_mcp_server_shape),
        T(test_v15_npc_shape),
        T(test_v15_disabled_component_not_checked),
        T(test_v16_names),
        T(test_v16_transport_needs),
        T(test_v17_names),
        T(test_v17_choices),
        T(test_v17_voice_ranges),
        T(test_v17_engine_providers),
        T(test_v18_unknown_provider),
        T(test_v18_settings_without_name),
        T(test_v18_options_without_name),
        T(test_v19_latest),
        T(test_v20_no_service_account),
        T(test_v21_tag_with_digest),
        T(test_v21_tag_grammar_and_length),
        T(test_v21_digest_repository_mirror),
        T(test_v22_chart_values_override),
        T(test_v23_local_charts),
        T(test_v24_air_gapped),
        T(test_v25_endpoints_blocked),
        T(test_v26_create_namespace_off),
        T(test_v27_rejected_values),
        T(test_v28_settings_without_effect),
        T(test_v29_object_size),
        T(test_delivery_shapes),
        T(test_disabled_autoscaling_not_validated),
        T(test_disabled_mcp_gateway_not_validated),
        T(test_hostile_values),
        T(test_results_order_and_counts),
        T(test_result_add_grows),
        T(test_every_rule_texts_table_and_remedies),
        T(test_complete_remedies_fix_their_result),
        T(test_quantity_compare),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
