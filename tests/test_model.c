/* Tests of gx_model: loading values files into layers (every error kind with
 * its line:col), layering order and origins, --set parsing for every type,
 * values.yaml write/read round trips with hostile strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_model.h"
#include "gx_test_fixture.h"

typedef gx_test_fx fixture; /* arena and diagnostics (tests/support) */

static bool read_layer(fixture *f, gx_layer *layer, const char *file, const char *text)
{
    gx_layer_init(layer, GX_LAYER_VALUES, file);
    return gx_layer_read(f->arena, layer, text, strlen(text), &f->diags);
}

/* Asserts that reading text fails with a diagnostic at line:col containing needle. */
static void expect_error(fixture *f, const char *text, int line, int col, const char *needle)
{
    gx_layer layer;
    gx_diags_free(&f->diags);
    assert_false(read_layer(f, &layer, "values.yaml", text));
    bool found = false;
    for (size_t i = 0; i < f->diags.count; i++) {
        const gx_diag *d = &f->diags.items[i];
        if (d->line == line && d->col == col &&
            (strstr(d->message, needle) || (d->hint && strstr(d->hint, needle))))
            found = true;
    }
    if (!found) {
        gx_diags_print(&f->diags, stderr);
        fail_msg("expected an error at %d:%d containing '%s' for\n%s", line, col, needle, text);
    }
}

static void test_loader_errors(void **state)
{
    fixture *f = *state;
    /* a values text, and the line:col and part of a diagnostic it must give */
    static const struct {
        const char *text;
        int line, col;
        const char *needle;
    } errors[] = {
        /* unknown key at the top, in the middle and at a leaf, with suggestions */
        {"gatway:\n  replica-count: 2\n", 1, 1, "did you mean 'gateway"},
        {"gateway:\n  replicas: 2\n", 2, 3, "did you mean 'gateway/replica-count'"},
        {"gateway:\n  ports:\n    admn: 1\n", 3, 5, "gateway/ports/admin"},
        {"core:\n  namespace:\n    x: 1\n", 3, 5, "expected a string"},
        /* wrong types */
        {"gateway:\n  replica-count: three\n", 2, 18, "expected an integer"},
        {"gateway:\n  replica-count: 017\n", 2, 18, "without leading zeros"},
        {"core:\n  create-namespace: yes\n", 2, 21, "expected true or false"},
        {"core:\n  topology: mixed\n", 2, 13, "shared, dedicated"},
        {"gateway:\n  node-selector: [a]\n", 2, 18, "expected a map of strings"},
        {"core:\n  image-pull-secrets: {a: b}\n", 2, 23, "expected a list of strings"},
        {"gateway:\n  tolerations: {a: b}\n", 2, 16, "expected a list"},
        {"gateway: 3\n", 1, 10, "expected a map of settings"},
        {"- a\n", 1, 1, "expected a map at the top level"},
        {"core:\n  namespace: ~\n", 2, 14, "expected a string"},
        {"gateway:\n  replica-count: 99999999999999999999\n", 2, 18, "expected an integer"},
        /* duplicate keys, anchors, aliases, several documents, bad YAML */
        {"core:\n  namespace: a\n  namespace: b\n", 3, 3, "duplicate"},
        {"core:\n  namespace: &x a\n  release-name: *x\n", 2, 14, "anchor"},
        {"core: {namespace: a}\n---\ncore: {namespace: b}\n", 2, 1, "document"},
        {"core:\n  namespace: [a\n", 3, 1, ""},
        /* every null key is the same key: "~" and "null" clash, as "" and "null" do */
        {"config:\n  providers:\n    llm:\n      options: {~: a, null: b}\n", 4, 23, "duplicate key"},
        {"config:\n  providers:\n    llm:\n      options: {? : a, null: b}\n", 4, 24, "duplicate key"},
        /* a NUL inside a value, a map value and a list item */
        {"gateway:\n  admin-key: \"abc\\0def-0123456789\"\n", 2, 14, "NUL character"},
        {"gateway:\n  node-selector: {a: \"x\\0\"}\n", 2, 22, "NUL character"},
        {"core:\n  image-pull-secrets: [\"x\\0\"]\n", 2, 24, "NUL character"},
        /* components */
        {"components:\n  autoscale: true\n", 2, 3, "unknown component"},
        {"components:\n  autoscaling: yes\n", 2, 16, "true or false"},
    };
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        expect_error(f, errors[i].text, errors[i].line, errors[i].col, errors[i].needle);
}

static void test_loader_collects_many_errors(void **state)
{
    fixture *f = *state;
    gx_layer layer;
    const char *text = "gateway:\n  a: 1\n  b: 2\n  c: 3\ncore:\n  topology: x\n";
    assert_false(read_layer(f, &layer, "v.yaml", text));
    assert_int_equal(f->diags.count, 4);
    assert_string_equal(f->diags.items[0].file, "v.yaml");
}

static void test_loader_limit(void **state)
{
    fixture *f = *state;
    gx_buf text = GX_BUF_INIT;
    gx_buf_puts(&text, "gateway:\n");
    for (int i = 0; i < 50; i++)
        gx_buf_printf(&text, "  unknown-%d: 1\n", i);
    gx_layer layer;
    assert_false(read_layer(f, &layer, "v.yaml", text.data));
    assert_int_equal(f->diags.count, GX_DIAGS_DEFAULT_LIMIT);
    gx_buf_free(&text);
}

static gx_model build(const gx_layer *const *layers, size_t count)
{
    gx_model model;
    gx_model_build(&model, layers, count);
    return model;
}

static void test_layering_order_and_origins(void **state)
{
    fixture *f = *state;
    gx_layer values, overlay1, overlay2, sets;
    assert_true(read_layer(f, &values, "values.yaml",
                           "core:\n  topology: dedicated\n  namespace: from-values\n"
                           "  release-name: from-values\n  image-tag: v1\n"));
    gx_layer_init(&overlay1, GX_LAYER_OVERLAY, "a.yaml");
    const char *t1 = "core:\n  namespace: from-a\n  release-name: from-a\n";
    assert_true(gx_layer_read(f->arena, &overlay1, t1, strlen(t1), &f->diags));
    gx_layer_init(&overlay2, GX_LAYER_OVERLAY, "b.yaml");
    const char *t2 = "\ncore:\n  release-name: from-b\n";
    assert_true(gx_layer_read(f->arena, &overlay2, t2, strlen(t2), &f->diags));
    gx_layer_init(&sets, GX_LAYER_SET, NULL);
    assert_true(gx_layer_set_arg(f->arena, &sets, "core/image-tag=from-set", &f->diags));

    const gx_layer *all[] = {&values, &overlay1, &overlay2, &sets};
    gx_model m = build(all, 4);
    assert_string_equal(m.cfg.core.namespace, "from-a");
    assert_string_equal(m.cfg.core.release_name, "from-b");
    assert_string_equal(m.cfg.core.image_tag, "from-set");
    /* topology default of the effective topology, and schema default */
    assert_int_equal(m.cfg.gateway.replica_count, 1);
    assert_false(m.cfg.gateway.pod_anti_affinity);
    assert_int_equal(m.cfg.gateway.ports.admin, 8081);

    /* where each value came from */
    static const struct {
        int field;
        const char *origin;
    } origins[] = {
        {GX_F_GATEWAY_REPLICA_COUNT, "topology:dedicated"},
        {GX_F_GATEWAY_PORTS_ADMIN, "default"},
        {GX_F_CORE_TOPOLOGY, "values.yaml:2:13"},
        {GX_F_CORE_NAMESPACE, "--values a.yaml:2:14"},
        {GX_F_CORE_RELEASE_NAME, "--values b.yaml:3:17"},
        {GX_F_CORE_IMAGE_TAG, "--set"},
    };
    gx_buf b = GX_BUF_INIT;
    for (size_t i = 0; i < sizeof origins / sizeof origins[0]; i++) {
        gx_buf_reset(&b);
        gx_origin_format(&b, &m.origin[origins[i].field], &m.cfg);
        const char *got = b.data ? b.data : "";
        if (strcmp(got, origins[i].origin))
            fail_msg("origin of field %d: %s, not %s", origins[i].field, got, origins[i].origin);
    }
    gx_buf_free(&b);

    /* a later layer's topology switches the topology defaults */
    gx_layer shared;
    gx_layer_init(&shared, GX_LAYER_SET, NULL);
    assert_true(gx_layer_set_arg(f->arena, &shared, "core/topology=shared", &f->diags));
    const gx_layer *two[] = {&values, &shared};
    m = build(two, 2);
    assert_int_equal(m.cfg.gateway.replica_count, 3);
    assert_true(m.cfg.gateway.pod_anti_affinity);
}

static void test_components_layering(void **state)
{
    fixture *f = *state;
    gx_layer values, sets;
    assert_true(read_layer(f, &values, "values.yaml",
                           "components:\n  autoscaling: true\n  mcp-gateway: false\n"));
    gx_model m = build((const gx_layer *const[]){&values}, 1);
    assert_true(m.cfg.enabled[GX_C_AUTOSCALING]);
    assert_false(m.cfg.enabled[GX_C_MCP_GATEWAY]);
    assert_true(m.cfg.enabled[GX_C_NETWORK_POLICY]);
    assert_false(m.cfg.enabled[GX_C_POSTGRESQL]);
    gx_layer_init(&sets, GX_LAYER_OVERLAY, "o.yaml");
    const char *t = "components: {autoscaling: false}\n";
    assert_true(gx_layer_read(f->arena, &sets, t, strlen(t), &f->diags));
    m = build((const gx_layer *const[]){&values, &sets}, 2);
    assert_false(m.cfg.enabled[GX_C_AUTOSCALING]);
}

/* Sets text on field through --set syntax, writes the layer, reads it back and
 * checks the effective value prints as expect. */
static void roundtrip(fixture *f, const char *path, const char *text, const char *expect)
{
    gx_layer layer, back;
    gx_layer_init(&layer, GX_LAYER_VALUES, "values.yaml");
    char *arg = gx_arena_printf(f->arena, "%s=%s", path, text);
    if (!gx_layer_set_arg(f->arena, &layer, arg, &f->diags)) {
        gx_diags_print(&f->diags, stderr);
        fail_msg("set %s failed", path);
    }
    gx_buf out = GX_BUF_INIT;
    gx_layer_write(&layer, &out);
    gx_layer_init(&back, GX_LAYER_VALUES, "values.yaml");
    if (!gx_layer_read(f->arena, &back, out.data, out.len, &f->diags)) {
        gx_diags_print(&f->diags, stderr);
        fail_msg("reading back failed:\n%s", out.data);
    }
    int field = gx_field_find(path);
    assert_true(back.present[field]);
    gx_model m = build((const gx_layer *const[]){&back}, 1);
    gx_buf got = GX_BUF_INIT;
    gx_value_format(&got, field, gx_config_get(&m.cfg, field));
    if (strcmp(got.data ? got.data : "", expect) != 0)
        fail_msg("%s: expected [%s] got [%s]\nfile:\n%s", path, expect, got.data, out.data);
    gx_buf_free(&got);
    gx_buf_free(&out);
}

static void test_set_get_roundtrip_every_type(void **state)
{
    fixture *f = *state;
    roundtrip(f, "core/namespace", "glyphoxa-prod", "glyphoxa-prod");
    roundtrip(f, "gateway/replica-count", "7", "7");
    roundtrip(f, "gateway/replica-count", "-3", "-3");
    roundtrip(f, "core/create-namespace", "false", "false");
    roundtrip(f, "core/topology", "dedicated", "dedicated");
    roundtrip(f, "gateway/limits/memory", "1Gi", "1Gi");
    roundtrip(f, "gateway/node-selector", "{b: '2', a: x}", "a: x\nb: \"2\"\n");
    roundtrip(f, "gateway/node-selector", "{}", "{}");
    roundtrip(f, "core/image-pull-secrets", "[one, two]", "- one\n- two\n");
    roundtrip(f, "core/image-pull-secrets", "- one\n- 'y'\n", "- one\n- \"y\"\n");
    roundtrip(f, "gateway/tolerations",
              "[{key: a, operator: Exists, effect: NoSchedule, tolerationSeconds: 30}]",
              "- key: a\n  operator: Exists\n  effect: NoSchedule\n  tolerationSeconds: 30\n");
    roundtrip(f, "config/providers/llm/options", "{temperature: 0.5, stop: [a]}",
              "temperature: 0.5\nstop:\n  - a\n");
}

/* A new layer of kind (no file) with each of args (NULL-terminated) set on
 * it with --set syntax, in order: each must succeed (ok) or be refused (!ok);
 * a failure names the argument. */
static gx_layer layer_with(fixture *f, gx_layer_kind kind, bool ok, const char *const *args)
{
    gx_layer layer;
    gx_layer_init(&layer, kind, NULL);
    for (size_t i = 0; args[i]; i++)
        if (gx_layer_set_arg(f->arena, &layer, args[i], &f->diags) != ok)
            fail_msg("set %s was %s", args[i], ok ? "refused" : "accepted");
    return layer;
}

static void test_set_errors(void **state)
{
    fixture *f = *state;
    gx_layer layer = layer_with(f, GX_LAYER_SET, false,
                                (const char *const[]){"gateway/replica-count=x", "core/topology=both",
                                                      "core/create-namespace=yes", "gateway/replica=2",
                                                      "no-equals-sign", "gateway/node-selector=[a", NULL});
    assert_int_equal(f->diags.count, 6);
    assert_non_null(strstr(f->diags.items[3].hint, "gateway/replica-count"));
    for (int i = 0; i < GX_FIELD_COUNT; i++)
        assert_false(layer.present[i]);
}

static void test_hostile_strings_roundtrip(void **state)
{
    fixture *f = *state;
    static const char *hostile[] = {
        "it's \"quoted\"", "line1\nline2\n", "$(rm -rf /)", "`id`", "#comment", "a: b",
        "y", "no", "on", "off", "null", "~", "0123", "1e3", "0x1F", "- a", "", " lead",
        "trail ", "tab\there", "héllo ✓ 日本", "back\\slash", "{a: b}", "[x]", "&anchor",
        "*alias", "!tag", "%dir", "@at", "key:", "? q", "|", ">", "=", "<<", "\r\n",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        roundtrip(f, "config/campaign/name", hostile[i], hostile[i]);
        roundtrip(f, "gateway/admin-key", hostile[i], hostile[i]);
    }
    /* 100 KB */
    size_t big = 100 * 1024;
    char *text = gx_arena_alloc(f->arena, big + 1);
    for (size_t i = 0; i < big; i++)
        text[i] = "ab: #'\"\\\n$`"[i % 11];
    roundtrip(f, "config/campaign/system", text, text);
}

static void test_write_shape(void **state)
{
    fixture *f = *state;
    gx_layer layer = layer_with(f, GX_LAYER_VALUES, true,
                                (const char *const[]){"gateway/ports/grpc=1", "core/namespace=ns",
                                                      "gateway/replica-count=2",
                                                      "gateway/requests/cpu=1", NULL});
    layer.comp_present[GX_C_AUTOSCALING] = true;
    layer.comp_value[GX_C_AUTOSCALING] = true;
    gx_buf out = GX_BUF_INIT;
    gx_layer_write(&layer, &out);
    assert_string_equal(out.data, "core:\n  namespace: ns\ngateway:\n  replica-count: 2\n"
                                  "  ports:\n    grpc: 1\n  requests:\n    cpu: \"1\"\n"
                                  "components:\n  autoscaling: true\n");
    gx_buf_free(&out);
    gx_layer empty;
    gx_layer_init(&empty, GX_LAYER_VALUES, NULL);
    gx_layer_write(&empty, &out);
    assert_string_equal(out.data, "{}\n");
    gx_buf_free(&out);
}

static void test_suggest_and_find(void **state)
{
    (void)state;
    assert_int_equal(gx_field_find("gateway/replica-count"), GX_F_GATEWAY_REPLICA_COUNT);
    assert_int_equal(gx_field_find("gateway"), -1);
    assert_string_equal(gx_field_suggest("gateway/replicas"), "gateway/replica-count");
    assert_string_equal(gx_field_suggest("core/namspace"), "core/namespace");
    assert_null(gx_field_suggest("completely/unrelated/thing/xyz"));
    assert_int_equal(gx_component_find("mcp-gateway"), GX_C_MCP_GATEWAY);
    assert_int_equal(gx_component_find("nope"), -1);
}

static void test_empty_documents(void **state)
{
    fixture *f = *state;
    gx_layer layer;
    assert_true(read_layer(f, &layer, "values.yaml", ""));
    assert_true(read_layer(f, &layer, "values.yaml", "# only a comment\n"));
    assert_true(read_layer(f, &layer, "values.yaml", "{}\n"));
    for (int i = 0; i < GX_FIELD_COUNT; i++)
        assert_false(layer.present[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        GX_TEST_FX(test_loader_errors),
        GX_TEST_FX(test_loader_collects_many_errors),
        GX_TEST_FX(test_loader_limit),
        GX_TEST_FX(test_layering_order_and_origins),
        GX_TEST_FX(test_components_layering),
        GX_TEST_FX(test_set_get_roundtrip_every_type),
        GX_TEST_FX(test_set_errors),
        GX_TEST_FX(test_hostile_strings_roundtrip),
        GX_TEST_FX(test_write_shape),
        GX_TEST_FX(test_suggest_and_find),
        GX_TEST_FX(test_empty_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
