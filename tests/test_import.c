/* Tests of the migration from the old Helm chart (issue #15, SPEC §14):
 *  - the JSON Schema of the values (gx_core_json_schema and `schema
 *    --json-schema`): every path, types, defaults, choices, ranges, secrets,
 *    the shapes of structured values; init's copy and its modeline (Ajv checks
 *    the schema itself and the golden values files in tests/schema/check.sh);
 *  - did-you-mean for Helm-style paths and component names, in the core, the
 *    loader of values files and the command line.
 * The binary (GX_BINARY) runs in a fresh mkdtemp workspace per test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gx_core.h"
#include "gx_helm.h"
#include "gx_model.h"
#include "gx_node.h"
#include "gx_test_run.h"
#include "gx_test_sink.h"
#include "gx_test_unit.h"
#include "gx_test_util.h"

#ifndef GX_BINARY
#error "GX_BINARY must name the glyphoxa-deploy executable"
#endif

/* ---- workspaces and the binary ---------------------------------------------------- */

typedef struct fx {
    char dir[256];  /* the test's temporary directory */
    char ws[300];   /* dir/ws: the workspace */
} fx;

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/import-test-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->ws, sizeof f->ws, "%s/ws", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Runs the binary with args (NULL-terminated, without argv[0]) in cwd. */
static gx_test_run_result run_in(const char *cwd, const char *const *args, const char *in)
{
    const char *argv[64];
    size_t n = 0;
    argv[n++] = GX_BINARY;
    for (size_t i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    static const char *const env[] = {"NO_COLOR=1", NULL};
    gx_test_run_opts o = {.cwd = cwd, .set_env = env, .in = in, .in_len = in ? strlen(in) : 0};
    gx_test_run_result r;
    assert_true(gx_test_run(argv, &o, &r));
    return r;
}

static void init_ws(fx *f)
{
    gx_session *s = gx_session_new(f->ws);
    gx_init_request req = {.dsn = "postgres://g:pw@db.example:5432/g", .environment = "dev"};
    assert_int_equal(gx_op_init(s, &req, NULL), GX_STATUS_OK);
    gx_session_free(s);
}

/* ---- the JSON Schema ---------------------------------------------------------------- */

/* The schema node of path: properties of each segment in turn. */
static json_t *schema_at(json_t *schema, const char *path)
{
    json_t *node = schema;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *seg = strtok(buf, "/"); seg && node; seg = strtok(NULL, "/"))
        node = json_object_get(json_object_get(node, "properties"), seg);
    return node;
}

static bool type_has(json_t *node, const char *type)
{
    json_t *t = json_object_get(node, "type");
    if (json_is_string(t))
        return !strcmp(json_string_value(t), type);
    size_t i;
    json_t *v;
    json_array_foreach(t, i, v)
        if (!strcmp(json_string_value(v), type))
            return true;
    return false;
}

static void test_schema_every_path(void **state)
{
    (void)state;
    json_t *schema = NULL;
    assert_int_equal(gx_core_json_schema(&schema), GX_STATUS_OK);
    assert_string_equal(json_string_value(json_object_get(schema, "$schema")),
                        "https://json-schema.org/draft/2020-12/schema");
    assert_true(json_is_false(json_object_get(schema, "additionalProperties")));
    for (size_t i = 0; i < gx_core_field_count(); i++) {
        const gx_field *fd = gx_core_field(i);
        json_t *node = schema_at(schema, fd->path);
        if (!node)
            fail_msg("%s is not in the schema", fd->path);
        assert_string_equal(json_string_value(json_object_get(node, "title")), fd->display);
        assert_non_null(strstr(json_string_value(json_object_get(node, "description")),
                               fd->description));
        assert_true(json_is_true(json_object_get(node, "writeOnly")) == fd->secret);
        assert_non_null(json_object_get(node, "default"));
        switch (fd->type) {
        case GX_T_INT:
            assert_true(type_has(node, "integer"));
            if (fd->has_min)
                assert_int_equal(json_integer_value(json_object_get(node, "minimum")), fd->min);
            if (fd->has_max)
                assert_int_equal(json_integer_value(json_object_get(node, "maximum")), fd->max);
            break;
        case GX_T_ENUM:
            assert_int_equal(json_array_size(json_object_get(node, "enum")), fd->choice_count);
            break;
        case GX_T_BOOL: assert_true(type_has(node, "boolean")); break;
        case GX_T_STRING: assert_true(type_has(node, "string")); break;
        case GX_T_QUANTITY:
            assert_true(type_has(node, "string"));
            assert_non_null(json_object_get(node, "pattern"));
            break;
        case GX_T_MAP: assert_true(type_has(node, "object")); break;
        case GX_T_LIST: assert_true(type_has(node, "array")); break;
        case GX_T_YAML: assert_true(type_has(node, "object") || type_has(node, "array")); break;
        }
    }
    /* a few facts by name */
    json_t *rc = schema_at(schema, "gateway/replica-count");
    assert_int_equal(json_integer_value(json_object_get(rc, "minimum")), 1);
    assert_non_null(strstr(json_string_value(json_object_get(rc, "description")),
                           "shared 3, dedicated 1"));
    json_t *top = schema_at(schema, "core/topology");
    assert_string_equal(json_string_value(json_array_get(json_object_get(top, "enum"), 1)),
                        "dedicated");
    assert_true(json_is_true(json_object_get(schema_at(schema, "gateway/admin-key"), "writeOnly")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(schema_at(schema, "gateway/tolerations"), "items"),
                            "$ref")),
                        "#/$defs/toleration");
    json_t *defs = json_object_get(schema, "$defs");
    for (const char *d = "toleration\0npc\0mcp-server\0voice\0egress-rule\0peer\0"; *d;
         d += strlen(d) + 1)
        if (!json_object_get(defs, d))
            fail_msg("no $defs/%s", d);
    json_t *npc = json_object_get(defs, "npc");
    assert_string_equal(json_string_value(json_array_get(json_object_get(npc, "required"), 0)),
                        "name");
    json_t *engine = json_object_get(json_object_get(npc, "properties"), "engine");
    assert_string_equal(json_string_value(json_array_get(json_object_get(engine, "enum"), 2)),
                        "sentence_cascade");
    json_t *gpu_default = json_object_get(schema_at(schema, "worker/gpu/tolerations"), "default");
    assert_string_equal(json_string_value(json_object_get(json_array_get(gpu_default, 0), "key")),
                        "nvidia.com/gpu");
    json_t *comps = schema_at(schema, "components");
    assert_true(json_is_true(json_object_get(json_object_get(json_object_get(comps, "properties"),
                                                             "gateway"),
                                             "const")));
    assert_true(json_is_false(json_object_get(json_object_get(json_object_get(comps, "properties"),
                                                              "autoscaling"),
                                              "default")));
    json_decref(schema);
}

static void test_schema_command_and_init(void **state)
{
    fx *f = *state;
    gx_test_run_result a = run_in(f->dir, (const char *[]){"schema", "--json-schema", NULL}, NULL);
    assert_int_equal(a.status, 0);
    gx_test_run_result b = run_in(f->dir, (const char *[]){"schema", NULL}, NULL);
    assert_int_equal(b.status, 0);
    assert_string_equal(a.out, b.out);
    json_error_t err;
    json_t *parsed = json_loads(a.out, 0, &err);
    assert_non_null(parsed);
    json_decref(parsed);
    /* init: the copy and the modeline */
    gx_test_run_result i = run_in(f->dir, (const char *[]){"-C", "ws", "init", NULL}, NULL);
    assert_int_equal(i.status, 0);
    gx_test_assert_has(i.out, "wrote ws/.glyphoxa-deploy/values.schema.json (0644)");
    char path[400];
    snprintf(path, sizeof path, "%s/.glyphoxa-deploy/values.schema.json", f->ws);
    char *copy = gx_test_read_file(path, NULL);
    assert_non_null(copy);
    assert_string_equal(copy, a.out);
    snprintf(path, sizeof path, "%s/values.yaml", f->ws);
    char *values = gx_test_read_file(path, NULL);
    assert_true(!strncmp(values, "# yaml-language-server: $schema=.glyphoxa-deploy/values.schema.json\n",
                         68));
    /* later writes keep the line */
    gx_test_run_result s =
        run_in(f->ws, (const char *[]){"set", "gateway/replica-count=2", NULL}, NULL);
    assert_int_equal(s.status, 0);
    free(values);
    values = gx_test_read_file(path, NULL);
    assert_true(!strncmp(values, "# yaml-language-server: $schema=", 32));
    free(values);
    free(copy);
    gx_test_run_free(&a), gx_test_run_free(&b), gx_test_run_free(&i), gx_test_run_free(&s);
}

/* ---- did-you-mean for Helm-style paths ---------------------------------------------- */

/* One unknown path typed and the fix gx_core_unknown_path offers for it:
 * the remedy's kind, its argument (NULL: not checked) and part of the hint. */
typedef struct path_fix {
    const char *typed;
    gx_remedy_kind kind;
    const char *arg;
    const char *hint_part;
} path_fix;

/* Checks one path_fix; a failure names what was typed. */
static void expect_path_fix(const path_fix *c)
{
    gx_diags d = GX_DIAGS_INIT;
    gx_core_unknown_path(&d, c->typed);
    if (d.count != 1)
        fail_msg("%s: %zu diagnostics, not 1", c->typed, d.count);
    const gx_diag *g = &d.items[0];
    if (g->code != GX_CODE_UNKNOWN_PATH)
        fail_msg("%s: code %d, not unknown-path", c->typed, (int)g->code);
    if (g->remedy.kind != c->kind)
        fail_msg("%s: remedy %d, not %d (hint: %s)", c->typed, g->remedy.kind, c->kind, g->hint);
    if (c->arg && (!g->remedy.arg || strcmp(g->remedy.arg, c->arg)))
        fail_msg("%s: remedy argument %s, not %s", c->typed, g->remedy.arg ? g->remedy.arg : "(none)",
                 c->arg);
    if (!g->hint || !strstr(g->hint, c->hint_part))
        fail_msg("%s: the hint lacks \"%s\": %s", c->typed, c->hint_part,
                 g->hint ? g->hint : "(none)");
    gx_diags_free(&d);
}

static void test_did_you_mean_core(void **state)
{
    (void)state;
    static const path_fix fixes[] = {
        {"gateway.replicaCount", GX_REMEDY_SET, "gateway/replica-count",
         "did you mean 'gateway/replica-count'?"},
        {"mcpGateway.replicaCount", GX_REMEDY_SET, "mcp-gateway/replica-count",
         "'mcp-gateway/replica-count'"},
        {"postgresql.enabled", GX_REMEDY_ENABLE, "postgresql", "the component 'postgresql'"},
        /* it used to suggest worker/gpu/enabled */
        {"postgresql/enabled", GX_REMEDY_ENABLE, "postgresql", "the component 'postgresql'"},
        {"sealed-secrets.enabled", GX_REMEDY_ENABLE, "sealed-secrets", "component 'sealed-secrets'"},
        {"networkPolicy.enabled", GX_REMEDY_ENABLE, "network-policy", "component 'network-policy'"},
        {"gateway.resources.limits.cpu", GX_REMEDY_SET, "gateway/limits/cpu", "'gateway/limits/cpu'"},
        {"autoscaling.targetCPUUtilizationPercentage", GX_REMEDY_SET, "autoscaling/target-cpu",
         "'autoscaling/target-cpu'"},
        {"worker.gpu.nodeSelector", GX_REMEDY_SET, "worker/gpu/node-selector",
         "'worker/gpu/node-selector'"},
        /* camelCase of a path that is no chart key */
        {"network-policy/allowVoiceUdp", GX_REMEDY_SET, "network-policy/allow-voice-udp",
         "'network-policy/allow-voice-udp'"},
        {"secrets.openaiApiKey", GX_REMEDY_LIST_PATHS, NULL, "config/providers/KIND/api-key"},
        {"nameOverride", GX_REMEDY_LIST_PATHS, NULL, "no path here"},
        /* the old suggestions still work */
        {"gateway/replica", GX_REMEDY_SET, "gateway/replica-count",
         "did you mean 'gateway/replica-count'?"},
    };
    for (size_t i = 0; i < sizeof fixes / sizeof fixes[0]; i++)
        expect_path_fix(&fixes[i]);
    /* component names: typed, and the one suggested (NULL: none) */
    static const char *const components[][2] = {
        {"sealedsecrets", "sealed-secrets"}, {"sealedSecrets", "sealed-secrets"},
        {"network_policy", "network-policy"}, {"mcpGateway", "mcp-gateway"},
        {"postgres", "postgresql"}, {"kafka", NULL},
    };
    for (size_t i = 0; i < sizeof components / sizeof components[0]; i++) {
        int want = components[i][1] ? gx_core_component_find(components[i][1]) : -1;
        int got = gx_component_suggest(components[i][0]);
        if (got != want)
            fail_msg("component %s: suggested %d, not %d (%s)", components[i][0], got, want,
                     components[i][1] ? components[i][1] : "none");
    }
}

static void test_did_you_mean_component_op(void **state)
{
    fx *f = *state;
    init_ws(f);
    gx_session *s = gx_session_new(f->ws);
    rec_sink rs;
    gx_sink sink = rec_make(&rs);
    const char *names[] = {"sealedsecrets"};
    assert_int_equal(gx_op_component(s, names, 1, true, NULL, &sink, NULL), GX_STATUS_BAD_REQUEST);
    gx_test_assert_has(rs.codes, "unknown-component");
    gx_session_free(s);
}

static void test_did_you_mean_command_line(void **state)
{
    fx *f = *state;
    init_ws(f);
    struct {
        const char *const *args;
        const char *want[3];
    } cases[] = {
        {(const char *[]){"get", "gateway.replicaCount", NULL},
         {"unknown path 'gateway.replicaCount'", "did you mean 'gateway/replica-count'?", NULL}},
        {(const char *[]){"describe", "mcpGateway.replicaCount", NULL},
         {"did you mean 'mcp-gateway/replica-count'?", NULL}},
        {(const char *[]){"set", "postgresql.enabled=true", NULL},
         {"the component 'postgresql'", "try: glyphoxa-deploy component enable postgresql",
          NULL}},
        {(const char *[]){"get", "postgresql/enabled", NULL},
         {"the component 'postgresql'", NULL}},
        {(const char *[]){"component", "enable", "sealedsecrets", NULL},
         {"unknown component 'sealedsecrets'", "did you mean 'sealed-secrets'?",
          "try: glyphoxa-deploy component enable sealed-secrets"}},
        {(const char *[]){"component", "disable", "networkPolicy", NULL},
         {"did you mean 'network-policy'?", "try: glyphoxa-deploy component disable network-policy",
          NULL}},
        {(const char *[]){"--set", "gateway.replicaCount=2", "validate", NULL},
         {"did you mean 'gateway/replica-count'?", NULL}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gx_test_run_result r = run_in(f->ws, cases[i].args, NULL);
        if (r.status != 2)
            fail_msg("%s %s: exit %d, not 2\n%s", cases[i].args[0], cases[i].args[1], r.status,
                     r.err);
        for (size_t k = 0; k < 3 && cases[i].want[k]; k++)
            gx_test_assert_has(r.err, cases[i].want[k]);
        gx_test_run_free(&r);
    }
    /* a values file written in the chart's style: each key with its path */
    char path[400];
    snprintf(path, sizeof path, "%s/helmish.yaml", f->dir);
    const char *text = "gateway:\n  replicaCount: 2\n  podAntiAffinity:\n    enabled: false\n"
                       "mcpGateway:\n  replicaCount: 1\npostgresql:\n  enabled: true\n"
                       "components:\n  sealedsecrets: true\n";
    gx_test_write_file(path, text, strlen(text), 0644);
    gx_test_run_result r = run_in(f->ws, (const char *[]){"-f", path, "validate", NULL}, NULL);
    assert_int_equal(r.status, 1);
    /* each key: where it stands, and the hint */
    gx_test_assert_has_each(r.err, (const char *const[]){
        "helmish.yaml:2:3: unknown key 'gateway/replicaCount'", "did you mean 'gateway/replica-count'?",
        "helmish.yaml:3:3: unknown key 'gateway/podAntiAffinity'", "did you mean 'gateway/pod-anti-affinity'?",
        "unknown key 'mcpGateway'", "did you mean 'mcp-gateway",
        "helmish.yaml:8:3: unknown key 'postgresql/enabled'", "the component 'postgresql'",
        "helmish.yaml:10:3: unknown component 'sealedsecrets'", "did you mean 'sealed-secrets'?",
        NULL});
    gx_test_run_free(&r);
}


/* ---- import helm ------------------------------------------------------------------------- */

#define FIXTURES GX_SOURCE_DIR "/tests/import/"

/* The effective value of path in workspace ws as `get --json` gives it (secrets shown). */
static json_t *ws_value(const char *ws, const char *path)
{
    gx_session *s = gx_session_new(ws);
    gx_values v;
    assert_int_equal(gx_op_get(s, path, GX_GET_SHOW_SECRETS, NULL, &v), GX_STATUS_OK);
    assert_int_equal(v.count, 1);
    json_t *j = gx_json_value(s, &v.items[0], false);
    json_t *value = json_incref(json_object_get(j, "value"));
    json_decref(j);
    gx_session_free(s);
    return value;
}

static void assert_ws_text(const char *ws, const char *path, const char *want)
{
    json_t *v = ws_value(ws, path);
    char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    json_error_t err;
    json_t *w = json_loads(want, JSON_DECODE_ANY, &err);
    assert_non_null(w);
    bool same = json_equal(v, w);
    json_decref(w);
    if (!same)
        fail_msg("%s is %s, not %s", path, text, want);
    free(text);
    json_decref(v);
}

/* One value a workspace should hold after an import test: the test (case),
 * the path and its JSON text. */
typedef struct ws_want {
    const char *test;
    const char *path;
    const char *json;
} ws_want;

static const ws_want ws_wants[] = {
    /* test_import_every_key: every-key.yaml, then unknown-keys.yaml */
    {"every-key", "core/namespace", "\"voice\""},
    {"every-key", "core/image-repository", "\"registry.example.internal/mrwong99/glyphoxa\""},
    {"every-key", "core/image-tag", "\"0.3.1\""},
    {"every-key", "core/image-pull-policy", "\"Always\""},
    {"every-key", "core/image-pull-secrets", "[\"regcred\",\"mirror-pull\"]"},
    {"every-key", "core/tier-scheduling", "false"},
    {"every-key", "gateway/admin-key", "\"k3y-from-the-chart-values-0001\""},
    {"every-key", "gateway/ports/admin", "18081"},
    {"every-key", "gateway/ports/observe", "19090"},
    {"every-key", "gateway/requests/cpu", "\"300m\""},
    {"every-key", "gateway/limits/memory", "\"1Gi\""},
    {"every-key", "gateway/node-selector", "{\"disktype\":\"ssd\"}"},
    {"every-key", "gateway/tolerations", "[{\"key\":\"dedicated-nodes\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}]"},
    {"every-key", "gateway/pod-anti-affinity", "false"},
    {"every-key", "gateway/service-account/name", "\"voice-gateway\""},
    {"every-key", "gateway/service-account/annotations", "{\"eks.amazonaws.com/role-arn\":\"arn:aws:iam::123456789012:role/glyphoxa\"}"},
    {"every-key", "worker/resource-profile", "\"local-llm\""},
    {"every-key", "worker/profiles/cloud/requests/cpu", "\"600m\""},
    {"every-key", "worker/profiles/whisper-native/limits/memory", "\"3Gi\""},
    {"every-key", "worker/profiles/local-llm/limits/cpu", "\"10\""},
    {"every-key", "worker/active-deadline-seconds", "7200"},
    {"every-key", "worker/ttl-seconds-after-finished", "120"},
    {"every-key", "worker/ports/observe", "19090"},
    {"every-key", "worker/node-selector", "{\"pool\":\"voice\"}"},
    /* maps merge with the chart's defaults, as helm does */
    {"every-key", "worker/gpu/node-selector", "{\"accelerator\":\"nvidia-l4\",\"nvidia.com/gpu\":\"true\"}"},
    {"every-key", "mcp-gateway/replica-count", "3"},
    {"every-key", "mcp-gateway/ports/mcp", "18080"},
    {"every-key", "mcp-gateway/limits/cpu", "\"500m\""},
    {"every-key", "mcp-gateway/node-selector", "{\"pool\":\"tools\"}"},
    {"every-key", "config/server/log-level", "\"debug\""},
    {"every-key", "config/memory/embedding-dimensions", "3072"},
    {"every-key", "config/campaign/name", "\"The Sunless Citadel\""},
    {"every-key", "config/transcript/llm-correction", "true"},
    {"every-key", "config/providers/llm/model", "\"gpt-4o\""},
    {"every-key", "config/providers/llm/options", "{\"temperature\":0.4}"},
    {"every-key", "config/providers/tts/base-url", "\"https://api.elevenlabs.io\""},
    {"every-key", "config/mcp-servers", "[{\"name\":\"dice\",\"transport\":\"stdio\",\"command\":\"/usr/local/bin/mcp-dice\"}]"},
    {"every-key", "config/npcs", "[{\"name\":\"Belak\",\"personality\":\"A druid who tends a twisted tree\",\"engine\":\"cascaded\"}]"},
    {"every-key", "vault/addr", "\"https://vault.example.internal:8200\""},
    {"every-key", "vault/token", "\"hvs.fixture-vault-token\""},
    {"every-key", "database/dsn", "\"postgres://glyphoxa:fixture@db.example.internal:5432/glyphoxa\""},
    /* the API keys go to the slots config.data names their provider in */
    {"every-key", "config/providers/llm/api-key", "\"sk-fixture-key\""},
    {"every-key", "config/providers/embeddings/api-key", "\"sk-fixture-key\""},
    {"every-key", "config/providers/stt/api-key", "\"dg-fixture-key\""},
    {"every-key", "config/providers/tts/api-key", "\"el-fixture-key\""},
    {"every-key", "autoscaling/min-replicas", "3"},
    {"every-key", "autoscaling/max-replicas", "7"},
    {"every-key", "autoscaling/target-cpu", "65"},
    {"every-key", "postgresql/database", "\"voice\""},
    {"every-key", "postgresql/persistence-size", "\"20Gi\""},
    /* test_import_shared_overlay: shared.yaml and two --set */
    {"shared-overlay", "core/tier-scheduling", "true"},
    {"shared-overlay", "gateway/node-selector", "{}"},
    {"shared-overlay", "worker/tolerations", "[]"},
    {"shared-overlay", "core/topology", "\"shared\""},
    {"shared-overlay", "gateway/replica-count", "3"},
    /* test_import_dedicated_overlay: every-key.yaml, then dedicated.yaml */
    {"dedicated-overlay", "core/topology", "\"dedicated\""},
    {"dedicated-overlay", "worker/resource-profile", "\"cloud\""},
    {"dedicated-overlay", "core/tier-scheduling", "true"},
    /* maps merge (the tier entry is core/tier-scheduling), lists are replaced */
    {"dedicated-overlay", "gateway/node-selector", "{\"disktype\":\"ssd\"}"},
    {"dedicated-overlay", "gateway/tolerations", "[]"},
    {"dedicated-overlay", "gateway/pod-anti-affinity", "false"},
    {"dedicated-overlay", "gateway/ports/admin", "18081"},
    /* test_import_set_syntax: every-key.yaml and --set of each syntax */
    {"set-syntax", "gateway/ports/admin", "28081"},
    {"set-syntax", "mcp-gateway/replica-count", "4"},
    {"set-syntax", "worker/tolerations", "[{\"key\":\"gpu-pool\",\"value\":\"true\",\"effect\":\"NoSchedule\",\"operator\":\"Exists\"}]"},
    {"set-syntax", "core/image-pull-secrets", "[\"regcred\",\"other-pull\"]"},
    {"set-syntax", "config/campaign/name", "\"Curse, of Strahd\""},
    {"set-syntax", "gateway/node-selector", "{\"disktype\":\"ssd\",\"kubernetes.io/arch\":\"arm64\"}"},
    {"set-syntax", "config/providers/llm/options", "{\"temperature\":0.4,\"stop\":[\"END\",\"STOP\"]}"},
    /* vault.addr=null removed the address: vault on without one is a change, not a value */
    {"set-syntax", "vault/addr", "\"\""},
};

/* assert_ws_text of each ws_wants row of test, in order; a failure names
 * the path. The test must have rows. */
static void assert_ws_wants(const char *ws, const char *test)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof ws_wants / sizeof ws_wants[0]; i++)
        if (!strcmp(ws_wants[i].test, test)) {
            assert_ws_text(ws, ws_wants[i].path, ws_wants[i].json);
            n++;
        }
    if (n == 0)
        fail_msg("no ws_wants rows for %s", test);
}

static bool component_on(const char *ws, const char *name)
{
    gx_session *s = gx_session_new(ws);
    bool on[16];
    assert_int_equal(gx_op_components(s, NULL, on), GX_STATUS_OK);
    bool r = on[gx_core_component_find(name)];
    gx_session_free(s);
    return r;
}

static const gx_import_item *report_item(const gx_import_report *r, const char *key,
                                         const char *path)
{
    for (size_t i = 0; i < r->count; i++)
        if (!strcmp(r->items[i].key, key) &&
            (!path || (r->items[i].path && !strcmp(r->items[i].path, path))))
            return &r->items[i];
    fail_msg("the report has no item %s%s%s", key, path ? " -> " : "", path ? path : "");
    return NULL;
}

static bool report_has_change(const gx_import_report *r, const char *part)
{
    for (size_t i = 0; i < r->change_count; i++)
        if (strstr(r->changes[i], part))
            return true;
    return false;
}

static gx_status do_import(gx_session *s, const char *const *files, size_t nfiles,
                           const char *const *sets, size_t nsets, gx_import_report *r,
                           rec_sink *rs)
{
    gx_import_request req = {.files = files, .file_count = nfiles, .sets = sets,
                             .set_count = nsets, .release = "glyphoxa", .namespace_ = "voice"};
    gx_sink sink = rec_make(rs);
    return gx_op_import(s, &req, &sink, r);
}

/* A session on f->ws after do_import of files and sets succeeded (the report
 * in *r); the caller frees the session. */
static gx_session *import_ok(fx *f, const char *const *files, size_t nfiles,
                             const char *const *sets, size_t nsets, gx_import_report *r)
{
    gx_session *s = gx_session_new(f->ws);
    rec_sink rs;
    gx_status st = do_import(s, files, nfiles, sets, nsets, r, &rs);
    if (st != GX_STATUS_OK)
        fail_msg("import: status %d, not OK (codes: %s)", (int)st, rs.codes);
    return s;
}

static void test_import_every_key(void **state)
{
    fx *f = *state;
    const char *files[] = {FIXTURES "every-key.yaml", FIXTURES "unknown-keys.yaml"};
    gx_import_report r;
    gx_session *s = import_ok(f, files, 2, NULL, 0, &r);
    /* every key of the chart is in the report */
    for (size_t i = 0; i < gx_helm_key_count; i++) {
        bool found = false;
        size_t klen = strlen(gx_helm_keys[i].key);
        for (size_t k = 0; k < r.count && !found; k++) /* config.data: its own keys */
            found = !strcmp(r.items[k].key, gx_helm_keys[i].key) ||
                    (!strncmp(r.items[k].key, gx_helm_keys[i].key, klen) &&
                     r.items[k].key[klen] == '.');
        if (!found)
            fail_msg("chart key %s is not in the report", gx_helm_keys[i].key);
    }
    assert_string_equal(r.release_name, "glyphoxa");
    /* and each value where it belongs */
    const char *ws = f->ws;
    assert_ws_wants(ws, "every-key");
    assert_true(component_on(ws, "autoscaling"));
    assert_false(component_on(ws, "network-policy"));
    assert_true(component_on(ws, "mcp-gateway"));
    assert_false(component_on(ws, "postgresql"));
    /* the report: where things went, what was not carried over and why */
    assert_int_equal(report_item(&r, "gateway.replicaCount", NULL)->state, GX_IMPORT_DROPPED);
    assert_int_equal(report_item(&r, "gateway.ports.grpc", "gateway/ports/grpc")->state,
                     GX_IMPORT_DEFAULT);
    assert_string_equal(report_item(&r, "gateway.adminKey", "gateway/admin-key")->value,
                        "<redacted>");
    assert_int_equal(report_item(&r, "replicaCount", NULL)->state, GX_IMPORT_DROPPED);
    gx_test_assert_has(report_item(&r, "gateway.podLabels", NULL)->note, "not a key of the chart");
    gx_test_assert_has(report_item(&r, "gateway.resources.requests.ephemeral-storage", NULL)->note,
                       "cpu and memory");
    gx_test_assert_has(report_item(&r, "postgresql.primary.resources", NULL)->note, "subchart");
    gx_test_assert_has(report_item(&r, "config.data.telemetry.enabled", NULL)->note, "no typed path");
    gx_test_assert_has(report_item(&r, "config.data.server.tls", NULL)->note, "no typed path");
    /* a value not carried over is shown, unless its key sounds secret */
    assert_string_equal(report_item(&r, "config.data.memory.postgres_dsn", NULL)->value,
                        "<redacted>");
    assert_string_equal(report_item(&r, "gateway.podLabels", NULL)->value, "team: voice");
    assert_int_equal(report_item(&r, "config.data.server.listen_addr", NULL)->state,
                     GX_IMPORT_DEFAULT);
    assert_true(report_has_change(&r, "the DSN moves into a Secret"));
    assert_true(report_has_change(&r, "core/tier-scheduling is off"));
    assert_true(report_has_change(&r, "nvidia.com/gpu"));
    /* nothing secret in values.yaml; everything secret in secrets.yaml */
    char path[400];
    snprintf(path, sizeof path, "%s/values.yaml", f->ws);
    char *values = gx_test_read_file(path, NULL);
    assert_null(strstr(values, "fixture-key"));
    assert_null(strstr(values, "k3y-from-the-chart"));
    assert_null(strstr(values, "hvs."));
    free(values);
    struct stat st;
    snprintf(path, sizeof path, "%s/secrets.yaml", f->ws);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/.glyphoxa-deploy/helm-import", f->ws);
    char *record = gx_test_read_file(path, NULL);
    assert_non_null(record);
    gx_test_assert_has(record, "release glyphoxa\nnamespace voice\nfullname glyphoxa\n");
    free(record);
    /* the workspace validates */
    gx_session_reset(s);
    gx_validation v;
    assert_int_equal(gx_op_validate(s, NULL, &v), GX_STATUS_OK);
    gx_session_free(s);
}

/* the chart's values.yaml alone (its defaults) with an overlay of each topology */
static void test_import_shared_overlay(void **state)
{
    fx *f = *state;
    const char *files[] = {FIXTURES "shared.yaml"};
    const char *sets[] = {"gateway.adminKey=0123456789abcdef0123", "database.dsn=postgres://g:pw@db:5432/g"};
    gx_import_report r;
    gx_session *s = import_ok(f, files, 1, sets, 2, &r);
    /* the tier entries are core/tier-scheduling (on by default) */
    assert_ws_wants(f->ws, "shared-overlay");
    gx_test_assert_has(report_item(&r, "gateway.nodeSelector", "gateway/node-selector")->note,
                       "core/tier-scheduling");
    assert_false(report_has_change(&r, "core/tier-scheduling is off"));
    gx_session_free(s);
}

static void test_import_dedicated_overlay(void **state)
{
    fx *f = *state;
    const char *files[] = {FIXTURES "every-key.yaml", FIXTURES "dedicated.yaml"};
    gx_import_report r;
    gx_session *s = import_ok(f, files, 2, NULL, 0, &r);
    /* later files win: the overlay's topology, replicas and profile; the rest stays */
    assert_ws_wants(f->ws, "dedicated-overlay");
    assert_true(component_on(f->ws, "network-policy"));
    assert_false(component_on(f->ws, "autoscaling"));
    /* replicaCount 1 is the dedicated default here: nothing written */
    assert_int_equal(report_item(&r, "gateway.replicaCount", NULL)->state, GX_IMPORT_DEFAULT);
    char path[400];
    snprintf(path, sizeof path, "%s/values.yaml", f->ws);
    char *values = gx_test_read_file(path, NULL);
    gx_test_assert_has(values, "topology: dedicated");
    assert_null(strstr(values, "replica-count: 1"));
    free(values);
    gx_session_free(s);
}

static void test_import_set_syntax(void **state)
{
    fx *f = *state;
    const char *files[] = {FIXTURES "every-key.yaml"};
    const char *sets[] = {
        "gateway.ports.admin=28081,mcpGateway.replicaCount=4",
        "worker.tolerations[0].key=gpu-pool,worker.tolerations[0].operator=Exists",
        "imagePullSecrets[1].name=other-pull",
        "config.data.campaign.name=Curse\\, of Strahd",
        "gateway.nodeSelector.kubernetes\\.io/arch=arm64",
        "config.data.providers.llm.options.stop={END,STOP}",
        "vault.addr=null",
    };
    gx_import_report r;
    gx_session *s = import_ok(f, files, 1, sets, sizeof sets / sizeof sets[0], &r);
    assert_ws_wants(f->ws, "set-syntax");
    assert_true(report_has_change(&r, "empty vault.addr"));
    gx_session_free(s);
    /* malformed set syntax is refused, nothing written */
    fx g;
    snprintf(g.ws, sizeof g.ws, "%s/bad", f->dir);
    const char *bad[] = {"gateway.replicaCount"};
    rec_sink rs;
    s = gx_session_new(g.ws);
    assert_int_equal(do_import(s, files, 1, bad, 1, &r, &rs), GX_STATUS_BAD_REQUEST);
    gx_test_assert_has(rs.codes, "bad-value");
    gx_session_free(s);
    char path[400];
    snprintf(path, sizeof path, "%s/values.yaml", g.ws);
    assert_int_equal(access(path, F_OK), -1);
}

/* The spec.selector.matchLabels of Deployment name in a stream of manifests. */
static const gx_node *deployment_selector(gx_arena *a, const char *stream, const char *name)
{
    const char *p = stream;
    while (p && *p) {
        const char *next = strstr(p, "\n---\n");
        size_t len = next ? (size_t)(next - p) + 1 : strlen(p);
        gx_node *doc = NULL;
        gx_diags d = GX_DIAGS_INIT;
        gx_diags_use_arena(&d, a);
        gx_node_parse(a, "stream", p, len, &doc, &d);
        const gx_node *kind = gx_node_get(doc, "kind");
        const gx_node *meta = gx_node_get(doc, "metadata");
        const gx_node *n = gx_node_get(meta, "name");
        if (kind && !strcmp(kind->text, "Deployment") && n && !strcmp(n->text, name))
            return gx_node_get(gx_node_get(gx_node_get(doc, "spec"), "selector"), "matchLabels");
        p = next ? next + 5 : NULL;
    }
    return NULL;
}

/* import, then export: the Deployments keep the chart's selectors (name,
 * instance = the release, component), so applying them over the chart's
 * objects changes no immutable field */
static void test_import_then_export_keeps_selectors(void **state)
{
    fx *f = *state;
    const char *files[] = {FIXTURES "shared.yaml"};
    const char *sets[] = {"gateway.adminKey=0123456789abcdef0123",
                          "database.dsn=postgres://g:pw@db:5432/g"};
    gx_import_report r;
    gx_session *s = import_ok(f, files, 1, sets, 2, &r);
    gx_session_reset(s);
    gx_buf stream = GX_BUF_INIT;
    gx_export_request ereq = {.dest = GX_EXPORT_STREAM, .stream = &stream};
    gx_export_result eres;
    assert_int_equal(gx_op_export(s, &ereq, NULL, &eres), GX_STATUS_OK);
    gx_buf_putc(&stream, '\0');
    gx_arena *a = gx_arena_new();
    static const char *const components[][2] = {{"glyphoxa-gateway", "gateway"},
                                                {"glyphoxa-mcp-gateway", "mcp-gateway"}};
    for (size_t i = 0; i < 2; i++) {
        const gx_node *sel = deployment_selector(a, stream.data, components[i][0]);
        if (!sel)
            fail_msg("no Deployment %s in the export", components[i][0]);
        /* the chart's selectorLabels of release glyphoxa, and nothing else */
        assert_int_equal(sel->count, 3);
        assert_string_equal(gx_node_get(sel, "app.kubernetes.io/name")->text, "glyphoxa");
        assert_string_equal(gx_node_get(sel, "app.kubernetes.io/instance")->text, "glyphoxa");
        assert_string_equal(gx_node_get(sel, "app.kubernetes.io/component")->text,
                            components[i][1]);
    }
    gx_arena_free(a);
    gx_buf_free(&stream);
    gx_session_free(s);
}

/* a release whose name does not hold "glyphoxa": the chart's objects are
 * RELEASE-glyphoxa-*, labelled instance=RELEASE; the import says the
 * Deployments are re-created, and records it for the first apply */
static void test_import_release_naming(void **state)
{
    fx *f = *state;
    const char *files[] = {FIXTURES "shared.yaml"};
    gx_session *s = gx_session_new(f->ws);
    gx_import_request req = {.files = files, .file_count = 1, .release = "voice",
                             .namespace_ = "voice"};
    gx_import_report r;
    assert_int_equal(gx_op_import(s, &req, NULL, &r), GX_STATUS_OK);
    assert_string_equal(r.release_name, "voice-glyphoxa");
    assert_true(report_has_change(&r, "deletes and re-creates voice-glyphoxa-gateway"));
    assert_ws_text(f->ws, "core/release-name", "\"voice-glyphoxa\"");
    char path[400];
    snprintf(path, sizeof path, "%s/.glyphoxa-deploy/helm-import", f->ws);
    char *record = gx_test_read_file(path, NULL);
    gx_test_assert_has(record, "release voice\n");
    gx_test_assert_has(record, "fullname voice-glyphoxa\n");
    gx_test_assert_has(record, "recreate-deployments 1\n");
    free(record);
    /* an existing workspace is refused without force, and left as it was */
    gx_session_reset(s);
    rec_sink rs;
    gx_sink sink = rec_make(&rs);
    req.release = "glyphoxa";
    assert_int_equal(gx_op_import(s, &req, &sink, &r), GX_STATUS_FAILED);
    gx_test_assert_has(rs.codes, "workspace-exists");
    assert_ws_text(f->ws, "core/release-name", "\"voice-glyphoxa\"");
    req.force = true;
    gx_session_reset(s);
    assert_int_equal(gx_op_import(s, &req, NULL, &r), GX_STATUS_OK);
    assert_ws_text(f->ws, "core/release-name", "\"glyphoxa\"");
    gx_session_free(s);
}

/* the command line: questions without a terminal need their options, and
 * say which; a dry run writes nothing */
static void test_import_command_line(void **state)
{
    fx *f = *state;
    const char *every = FIXTURES "every-key.yaml";
    /* no release, no namespace, no terminal */
    gx_test_run_result r =
        run_in(f->dir, (const char *[]){"-C", "ws", "import", "helm", "-f", every, NULL}, NULL);
    assert_int_equal(r.status, 2);
    gx_test_assert_has(r.err, "name of the Helm release");
    gx_test_assert_has(r.err, "--release NAME");
    gx_test_assert_has(r.err, "--namespace NS");
    gx_test_run_free(&r);
    /* an API key whose slot config.data does not say */
    char path[400];
    snprintf(path, sizeof path, "%s/gemini.yaml", f->dir);
    const char *gemini = "secrets:\n  geminiApiKey: gm-fixture-key\n";
    gx_test_write_file(path, gemini, strlen(gemini), 0644);
    r = run_in(f->dir,
               (const char *[]){"-C", "ws", "import", "helm", "-f", every, "-f", path,
                                "--release", "glyphoxa", "--namespace", "voice", NULL},
               NULL);
    assert_int_equal(r.status, 2);
    gx_test_assert_has(r.err, "secrets.geminiApiKey holds an API key for gemini");
    gx_test_assert_has(r.err, "--provider-slot gemini=KIND");
    assert_null(strstr(r.err, "gm-fixture-key"));
    gx_test_run_free(&r);
    snprintf(path, sizeof path, "%s/values.yaml", f->ws);
    assert_int_equal(access(path, F_OK), -1);
    /* answered with the option: a dry run prints the report and the files */
    char gem[400];
    snprintf(gem, sizeof gem, "%s/gemini.yaml", f->dir);
    r = run_in(f->dir,
               (const char *[]){"-C", "ws", "import", "helm", "-f", every, "-f", gem,
                                "--set", "gateway.replicaCount=9", "--release", "glyphoxa",
                                "--namespace", "voice", "--provider-slot", "gemini=s2s",
                                "--dry-run", NULL},
               NULL);
    if (r.status != 0)
        fail_msg("exit %d\n%s", r.status, r.err);
    /* the report: the key, where it went, the sections; then the files */
    gx_test_assert_has_each(r.out, (const char *const[]){
        "secrets.geminiApiKey", "-> config/providers/s2s/api-key = <redacted>",
        "not carried over (", "behaviour that changes (", "the DSN moves into a Secret",
        "values.yaml (dry run: nothing was written):", "# yaml-language-server: $schema=",
        "secrets.yaml (values redacted):", NULL});
    assert_null(strstr(r.out, "gm-fixture-key"));
    assert_null(strstr(r.out, "sk-fixture-key"));
    assert_null(strstr(r.out, "fixture@db"));
    assert_int_equal(access(path, F_OK), -1);
    gx_test_run_free(&r);
    /* a global -f before the command is a layer of one run, not a Helm file */
    r = run_in(f->dir,
               (const char *[]){"-f", every, "-C", "ws", "import", "helm", "--release", "g",
                                "--namespace", "v", NULL},
               NULL);
    assert_int_equal(r.status, 2);
    gx_test_run_free(&r);
}

/* --release without files: helm get values --all of the cluster, with the
 * operator's environment, kubeconfig and context (the recording fake) */
static void test_import_from_release(void **state)
{
    fx *f = *state;
    char log[400], path_env[4200], log_env[420], kubeconfig[400];
    snprintf(log, sizeof log, "%s/fake.log", f->dir);
    snprintf(log_env, sizeof log_env, "GX_FAKE_LOG=%s", log);
    snprintf(path_env, sizeof path_env, "PATH=%s/tests/fakes:%s", GX_SOURCE_DIR,
             getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    snprintf(kubeconfig, sizeof kubeconfig, "--kubeconfig=%s/kc", f->dir);
    const char *values = "GX_FAKE_STDOUT_HELM_GET=topology: dedicated\n"
                         "gateway:\n  replicaCount: 2\n  adminKey: from-the-cluster-0123456789\n"
                         "database:\n  dsn: postgres://g:pw@db:5432/g\n"
                         "mcpGateway:\n  enabled: false\n";
    const char *env[] = {"NO_COLOR=1", path_env, log_env, values, "HTTPS_PROXY=http://proxy:3128",
                         NULL};
    const char *argv[] = {GX_BINARY, "-C", "ws", "import", "helm", "--release", "glyphoxa",
                          "--namespace", "voice", kubeconfig, "--context", "prod", NULL};
    gx_test_run_opts o = {.cwd = f->dir, .set_env = env};
    gx_test_run_result r;
    assert_true(gx_test_run(argv, &o, &r));
    if (r.status != 0)
        fail_msg("exit %d\n%s\n%s", r.status, r.out, r.err);
    gx_test_run_free(&r);
    char *rec = gx_test_read_file(log, NULL);
    assert_non_null(rec);
    char want[1400];
    snprintf(want, sizeof want,
             "\thelm\t%s\t-\t--kubeconfig=%s/kc\t--kube-context=prod\tget\tvalues\tglyphoxa\t--all\t"
             "--output=yaml\t--namespace=voice\n",
             f->dir, f->dir);
    gx_test_assert_has(rec, want);
    free(rec);
    char envfile[420];
    snprintf(envfile, sizeof envfile, "%s.env.1", log);
    size_t len;
    char *e = gx_test_read_file(envfile, &len);
    bool proxy = false;
    for (size_t i = 0; i < len; i += strlen(e + i) + 1)
        proxy |= !strcmp(e + i, "HTTPS_PROXY=http://proxy:3128");
    assert_true(proxy);
    free(e);
    assert_ws_text(f->ws, "core/topology", "\"dedicated\"");
    assert_ws_text(f->ws, "gateway/replica-count", "2");
    assert_ws_text(f->ws, "gateway/admin-key", "\"from-the-cluster-0123456789\"");
    assert_false(component_on(f->ws, "mcp-gateway"));
    /* helm failing: the import fails, nothing written */
    fx g;
    snprintf(g.ws, sizeof g.ws, "%s/ws2", f->dir);
    const char *fail_env[] = {"NO_COLOR=1", path_env, log_env, "GX_FAKE_FAIL_ON=2:1", NULL};
    const char *argv2[] = {GX_BINARY, "-C", "ws2", "import", "helm", "--release", "glyphoxa",
                           "--namespace", "voice", NULL};
    gx_test_run_opts o2 = {.cwd = f->dir, .set_env = fail_env};
    assert_true(gx_test_run(argv2, &o2, &r));
    assert_int_equal(r.status, 1);
    gx_test_assert_has(r.err, "helm get values glyphoxa failed (exit status 1)");
    gx_test_run_free(&r);
    char p2[400];
    snprintf(p2, sizeof p2, "%s/values.yaml", g.ws);
    assert_int_equal(access(p2, F_OK), -1);
}

/* The recorded calls of the fakes: each line's arguments after the STDIN field,
 * tab-separated, one line per call, in order. */
static char *fake_calls(const char *log)
{
    char *text = gx_test_read_file(log, NULL);
    assert_non_null(text);
    gx_buf out = GX_BUF_INIT;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *p = line;
        for (int field = 0; field < 4 && p; field++) /* N, tool, cwd, stdin */
            p = strchr(p, '\t') ? strchr(p, '\t') + 1 : NULL;
        gx_buf_puts(&out, p ? p : "");
        gx_buf_putc(&out, '\n');
    }
    gx_buf_putc(&out, '\0');
    free(text);
    return out.data;
}

/* Runs apply in the workspace with the recording fakes first on PATH;
 * extra: more "NAME=VALUE" for them (NULL-terminated). */
static gx_test_run_result apply_with_fakes(fx *f, const char *log, const char *const *extra)
{
    static char path_env[4200], log_env[420];
    snprintf(log_env, sizeof log_env, "GX_FAKE_LOG=%s", log);
    snprintf(path_env, sizeof path_env, "PATH=%s/tests/fakes:%s", GX_SOURCE_DIR,
             getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    const char *env[16] = {"NO_COLOR=1", path_env, log_env};
    size_t n = 3;
    for (size_t i = 0; extra && extra[i]; i++)
        env[n++] = extra[i];
    env[n] = NULL;
    const char *argv[] = {GX_BINARY, "apply", NULL};
    gx_test_run_opts o = {.cwd = f->ws, .set_env = env};
    gx_test_run_result r;
    assert_true(gx_test_run(argv, &o, &r));
    return r;
}

static void import_shared(fx *f, const char *release)
{
    const char *files[] = {FIXTURES "shared.yaml"};
    const char *sets[] = {"gateway.adminKey=0123456789abcdef0123",
                          "database.dsn=postgres://g:pw@db.example.internal:5432/g"};
    gx_session *s = gx_session_new(f->ws);
    gx_import_request req = {.files = files, .file_count = 1, .sets = sets, .set_count = 2,
                             .release = release, .namespace_ = "voice"};
    gx_import_report r;
    assert_int_equal(gx_op_import(s, &req, NULL, &r), GX_STATUS_OK);
    gx_session_free(s);
}

/* The first apply after import_shared(f, release), through the recording
 * fakes given extra (as apply_with_fakes); log receives the path of their
 * log (f->dir/fake.log). The apply must succeed. */
static gx_test_run_result apply_after_import(fx *f, const char *release,
                                             const char *const *extra, char log[400])
{
    import_shared(f, release);
    snprintf(log, 400, "%s/fake.log", f->dir);
    gx_test_run_result r = apply_with_fakes(f, log, extra);
    if (r.status != 0)
        fail_msg("apply: exit %d\n%s\n%s", r.status, r.out, r.err);
    return r;
}

/* the first apply after an import takes over the chart's objects: in order,
 * it lists the release's objects, hands Helm's field ownership of each
 * rendered one to glyphoxa-deploy, deletes the ones not rendered, applies,
 * then removes Helm's labels and annotations; a second apply is an ordinary
 * one */
static void test_adoption_commands_in_order(void **state)
{
    fx *f = *state;
    char log[400];
    const char *extra[] = {
        "GX_FAKE_STDOUT_CALL_1=namespace/voice",
        "GX_FAKE_STDOUT_CALL_2=Deployment glyphoxa-gateway glyphoxa\n"
        "Service glyphoxa-gateway glyphoxa\nSecret glyphoxa-secrets glyphoxa\n"
        "ConfigMap glyphoxa-leftover glyphoxa\nDeployment other-gateway other",
        "GX_FAKE_STDOUT_CALL_3=kube-controller-manager/Update helm/Update ",
        "GX_FAKE_STDOUT_CALL_5=helm/Update ",
        "GX_FAKE_STDOUT_CALL_7=Helm/Update glyphoxa-deploy/Apply ",
        NULL};
    gx_test_run_result r = apply_after_import(f, "glyphoxa", extra, log);
    gx_test_assert_has(r.err, "takes over the objects of Helm release glyphoxa");
    gx_test_assert_has(r.out, "took over from Helm release glyphoxa: Deployment/glyphoxa-gateway "
                              "Service/glyphoxa-gateway Secret/glyphoxa-secrets\n");
    gx_test_assert_has(r.out, "deleted (the chart made them, they are not rendered here): "
                              "ConfigMap/glyphoxa-leftover\n");
    gx_test_assert_has(r.out, "kubectl delete secret --namespace=voice "
                              "--selector=owner=helm,name=glyphoxa");
    gx_test_run_free(&r);
    char *calls = fake_calls(log);
    static const char mf[] = "--output=jsonpath={range .metadata.managedFields[*]}{.manager}"
                             "{\"/\"}{.operation}{\" \"}{end}";
    char want[8192];
    snprintf(want, sizeof want,
             "get\tnamespace\tvoice\t--ignore-not-found\t--output=name\n"
             "get\tdeployment,service,serviceaccount,role,rolebinding,configmap,secret,"
             "networkpolicy,horizontalpodautoscaler\t--namespace=voice\t--ignore-not-found\t"
             "--no-headers\t--selector=app.kubernetes.io/part-of=glyphoxa,"
             "app.kubernetes.io/managed-by=Helm\t--output=custom-columns=KIND:.kind,"
             "NAME:.metadata.name,RELEASE:.metadata.annotations.meta\\\\.helm\\\\.sh/release-name\n"
             "get\tDeployment/glyphoxa-gateway\t--namespace=voice\t%s\n"
             "patch\tDeployment/glyphoxa-gateway\t--namespace=voice\t--type=json\t"
             "--patch=[{\"op\":\"test\",\"path\":\"/metadata/managedFields/1/manager\","
             "\"value\":\"helm\"},{\"op\":\"replace\",\"path\":\"/metadata/managedFields/1/"
             "manager\",\"value\":\"glyphoxa-deploy\"},{\"op\":\"replace\",\"path\":"
             "\"/metadata/managedFields/1/operation\",\"value\":\"Apply\"}]\n"
             "get\tService/glyphoxa-gateway\t--namespace=voice\t%s\n"
             "patch\tService/glyphoxa-gateway\t--namespace=voice\t--type=json\t"
             "--patch=[{\"op\":\"test\",\"path\":\"/metadata/managedFields/0/manager\","
             "\"value\":\"helm\"},{\"op\":\"replace\",\"path\":\"/metadata/managedFields/0/"
             "manager\",\"value\":\"glyphoxa-deploy\"},{\"op\":\"replace\",\"path\":"
             "\"/metadata/managedFields/0/operation\",\"value\":\"Apply\"}]\n"
             "get\tSecret/glyphoxa-secrets\t--namespace=voice\t%s\n"
             "delete\tConfigMap/glyphoxa-leftover\t--namespace=voice\t--ignore-not-found\n",
             mf, mf, mf);
    gx_test_assert_has(calls, want);
    /* Helm's metadata goes after the apply of the files */
    const char *applied = strstr(calls, "apply\t--server-side\t--field-manager=glyphoxa-deploy\t"
                                        "--force-conflicts\t-f\tgenerated/gateway.yaml\n");
    const char *cleaned =
        strstr(calls, "label\tDeployment/glyphoxa-gateway\t--namespace=voice\thelm.sh/chart-\n"
                      "annotate\tDeployment/glyphoxa-gateway\t--namespace=voice\t"
                      "meta.helm.sh/release-name-\tmeta.helm.sh/release-namespace-\n"
                      "label\tService/glyphoxa-gateway\t--namespace=voice\thelm.sh/chart-\n");
    assert_non_null(applied);
    assert_non_null(cleaned);
    assert_true(applied < cleaned);
    assert_non_null(strstr(cleaned, "annotate\tSecret/glyphoxa-secrets\t--namespace=voice\t"
                                    "meta.helm.sh/release-name-\tmeta.helm.sh/release-namespace-\n"));
    /* the other release's object is left alone */
    assert_null(strstr(calls, "other-gateway\t--namespace"));
    free(calls);
    char path[400];
    snprintf(path, sizeof path, "%s/.glyphoxa-deploy/helm-import", f->ws);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/.glyphoxa-deploy/helm-import.adopted", f->ws);
    assert_int_equal(access(path, F_OK), 0);
    /* the next apply is an ordinary one */
    char log2[400];
    snprintf(log2, sizeof log2, "%s/fake2.log", f->dir);
    const char *extra2[] = {"GX_FAKE_STDOUT_CALL_1=namespace/voice", NULL};
    r = apply_with_fakes(f, log2, extra2);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "taking over"));
    gx_test_run_free(&r);
    calls = fake_calls(log2);
    assert_null(strstr(calls, "managed-by=Helm"));
    free(calls);
}

/* a release whose objects change selectors: its Deployments are deleted and
 * created again by the apply, never patched */
static void test_adoption_recreates_deployments(void **state)
{
    fx *f = *state;
    char log[400];
    const char *extra[] = {"GX_FAKE_STDOUT_CALL_1=namespace/voice",
                           "GX_FAKE_STDOUT_CALL_2=Deployment voice-glyphoxa-gateway voice\n"
                           "Deployment voice-glyphoxa-mcp-gateway voice",
                           NULL};
    gx_test_run_result r = apply_after_import(f, "voice", extra, log);
    gx_test_assert_has(r.out, "re-created (their selectors changed): "
                              "Deployment/voice-glyphoxa-gateway "
                              "Deployment/voice-glyphoxa-mcp-gateway\n");
    gx_test_run_free(&r);
    char *calls = fake_calls(log);
    gx_test_assert_has(calls, "delete\tDeployment/voice-glyphoxa-gateway\t--namespace=voice\t"
                              "--ignore-not-found\ndelete\tDeployment/voice-glyphoxa-mcp-gateway\t"
                              "--namespace=voice\t--ignore-not-found\nget\t--namespace=voice");
    assert_null(strstr(calls, "patch\t"));
    free(calls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_every_path),
        cmocka_unit_test_setup_teardown(test_schema_command_and_init, setup, teardown),
        cmocka_unit_test(test_did_you_mean_core),
        cmocka_unit_test_setup_teardown(test_did_you_mean_component_op, setup, teardown),
        cmocka_unit_test_setup_teardown(test_did_you_mean_command_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_every_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_shared_overlay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_dedicated_overlay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_set_syntax, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_then_export_keeps_selectors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_release_naming, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_command_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_from_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adoption_commands_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adoption_recreates_deployments, setup, teardown),
    };
    return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
