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
#include "gx_test_run.h"
#include "gx_test_sink.h"
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

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("expected to find\n  %s\nin\n%s", needle, haystack);
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
    assert_contains(i.out, "wrote ws/.glyphoxa-deploy/values.schema.json (0644)");
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

static void expect_path_fix(const char *typed, gx_remedy_kind kind, const char *arg,
                            const char *hint_part)
{
    gx_diags d = GX_DIAGS_INIT;
    gx_core_unknown_path(&d, typed);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.items[0].code, GX_CODE_UNKNOWN_PATH);
    if (d.items[0].remedy.kind != kind)
        fail_msg("%s: remedy %d, not %d (hint: %s)", typed, d.items[0].remedy.kind, kind,
                 d.items[0].hint);
    if (arg)
        assert_string_equal(d.items[0].remedy.arg, arg);
    assert_contains(d.items[0].hint, hint_part);
    gx_diags_free(&d);
}

static void test_did_you_mean_core(void **state)
{
    (void)state;
    expect_path_fix("gateway.replicaCount", GX_REMEDY_SET, "gateway/replica-count",
                    "did you mean 'gateway/replica-count'?");
    expect_path_fix("mcpGateway.replicaCount", GX_REMEDY_SET, "mcp-gateway/replica-count",
                    "'mcp-gateway/replica-count'");
    expect_path_fix("postgresql.enabled", GX_REMEDY_ENABLE, "postgresql",
                    "the component 'postgresql'");
    /* it used to suggest worker/gpu/enabled */
    expect_path_fix("postgresql/enabled", GX_REMEDY_ENABLE, "postgresql",
                    "the component 'postgresql'");
    expect_path_fix("sealed-secrets.enabled", GX_REMEDY_ENABLE, "sealed-secrets",
                    "component 'sealed-secrets'");
    expect_path_fix("networkPolicy.enabled", GX_REMEDY_ENABLE, "network-policy",
                    "component 'network-policy'");
    expect_path_fix("gateway.resources.limits.cpu", GX_REMEDY_SET, "gateway/limits/cpu",
                    "'gateway/limits/cpu'");
    expect_path_fix("autoscaling.targetCPUUtilizationPercentage", GX_REMEDY_SET,
                    "autoscaling/target-cpu", "'autoscaling/target-cpu'");
    expect_path_fix("worker.gpu.nodeSelector", GX_REMEDY_SET, "worker/gpu/node-selector",
                    "'worker/gpu/node-selector'");
    /* camelCase of a path that is no chart key */
    expect_path_fix("network-policy/allowVoiceUdp", GX_REMEDY_SET,
                    "network-policy/allow-voice-udp", "'network-policy/allow-voice-udp'");
    expect_path_fix("secrets.openaiApiKey", GX_REMEDY_LIST_PATHS, NULL,
                    "config/providers/KIND/api-key");
    expect_path_fix("nameOverride", GX_REMEDY_LIST_PATHS, NULL, "no path here");
    /* the old suggestions still work */
    expect_path_fix("gateway/replica", GX_REMEDY_SET, "gateway/replica-count",
                    "did you mean 'gateway/replica-count'?");

    assert_int_equal(gx_component_suggest("sealedsecrets"), gx_core_component_find("sealed-secrets"));
    assert_int_equal(gx_component_suggest("sealedSecrets"), gx_core_component_find("sealed-secrets"));
    assert_int_equal(gx_component_suggest("network_policy"), gx_core_component_find("network-policy"));
    assert_int_equal(gx_component_suggest("mcpGateway"), gx_core_component_find("mcp-gateway"));
    assert_int_equal(gx_component_suggest("postgres"), gx_core_component_find("postgresql"));
    assert_int_equal(gx_component_suggest("kafka"), -1);
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
    assert_contains(rs.codes, "unknown-component");
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
            assert_contains(r.err, cases[i].want[k]);
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
    assert_contains(r.err, "helmish.yaml:2:3: unknown key 'gateway/replicaCount'");
    assert_contains(r.err, "did you mean 'gateway/replica-count'?");
    assert_contains(r.err, "helmish.yaml:3:3: unknown key 'gateway/podAntiAffinity'");
    assert_contains(r.err, "did you mean 'gateway/pod-anti-affinity'?");
    assert_contains(r.err, "unknown key 'mcpGateway'");
    assert_contains(r.err, "did you mean 'mcp-gateway");
    assert_contains(r.err, "helmish.yaml:8:3: unknown key 'postgresql/enabled'");
    assert_contains(r.err, "the component 'postgresql'");
    assert_contains(r.err, "helmish.yaml:10:3: unknown component 'sealedsecrets'");
    assert_contains(r.err, "did you mean 'sealed-secrets'?");
    gx_test_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_every_path),
        cmocka_unit_test_setup_teardown(test_schema_command_and_init, setup, teardown),
        cmocka_unit_test(test_did_you_mean_core),
        cmocka_unit_test_setup_teardown(test_did_you_mean_component_op, setup, teardown),
        cmocka_unit_test_setup_teardown(test_did_you_mean_command_line, setup, teardown),
    };
    return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
