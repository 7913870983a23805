/* Tests of gx_derived: percent-encoding, the derived DSN, the
 * Secret's keys, the application config.yaml (keys, omissions, hostile text
 * read back), config-is-secret, the PDB condition, merged node selectors and
 * tolerations, the worker profile and GPU values, determinism; images
 * (mirror, digest, the version label), the infrastructure charts' values
 * merged with the user's, the egress and metrics peers of each policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "gx_delivery.h"
#include "gx_derived.h"
#include "gx_model.h"
#include "gx_node.h"
#include "gx_test_unit.h"
#include "gx_yamlout.h"

typedef struct fixture {
    gx_arena *arena;
    gx_model model;
    struct gx_derived d;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->arena = gx_arena_new();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gx_arena_free(f->arena);
    free(f);
    return 0;
}

/* Builds the model from values text and derives. */
static void derive(fixture *f, const char *values)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_layer *layer = gx_arena_alloc(f->arena, sizeof *layer);
    gx_layer_init(layer, GX_LAYER_VALUES, "values.yaml");
    if (!gx_layer_read(f->arena, layer, values, strlen(values), &diags)) {
        gx_diags_print(&diags, stderr);
        fail_msg("values did not load");
    }
    gx_diags_free(&diags);
    const gx_layer *layers[] = {layer};
    gx_model_build(&f->model, layers, 1);
    gx_derive(&f->model.cfg, f->arena, &f->d);
}

static const char *map_get(const gx_map *m, const char *key)
{
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->keys[i], key) == 0)
            return m->values[i];
    return NULL;
}

static void assert_sorted(const gx_map *m)
{
    for (size_t i = 1; i < m->count; i++)
        assert_true(strcmp(m->keys[i - 1], m->keys[i]) < 0);
}

static const gx_node *parse(fixture *f, const char *text)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_node *root = NULL;
    if (!gx_node_parse(f->arena, "config.yaml", text, strlen(text), &root, &diags)) {
        gx_diags_print(&diags, stderr);
        fail_msg("derived text does not parse:\n%s", text);
    }
    gx_diags_free(&diags);
    return root;
}

static const char *scalar_at(const gx_node *n, const char *a, const char *b)
{
    n = gx_node_get(n, a);
    if (b)
        n = gx_node_get(n, b);
    assert_non_null(n);
    assert_int_equal(n->kind, GX_NODE_SCALAR);
    return n->text;
}

/* (base64 and SHA-256 are gx_hash's, tested in test_base.c) */
static void test_percent_encode(void **state)
{
    (void)state;
    gx_buf b = GX_BUF_INIT;
    gx_percent_encode(&b, "p@ss:w/rd% ~-._Az9ü");
    assert_string_equal(b.data, "p%40ss%3Aw%2Frd%25%20~-._Az9%C3%BC");
    gx_buf_free(&b);
}

static void test_dsn(void **state)
{
    fixture *f = *state;
    derive(f, "core: {release-name: gx, namespace: games}\n"
              "postgresql: {postgres-password: \"p@ss:w/rd%\", database: \"my db\"}\n"
              "components: {postgresql: true}\n");
    assert_string_equal(f->d.database_dsn,
                        "postgres://postgres:p%40ss%3Aw%2Frd%25@gx-postgresql.games.svc:5432/"
                        "my%20db?sslmode=disable");
    assert_true(f->d.has_database_dsn);
    /* an explicit DSN wins, also with postgresql on */
    derive(f, "database: {dsn: \"postgres://a:b@h/d\"}\ncomponents: {postgresql: true}\n");
    assert_string_equal(f->d.database_dsn, "postgres://a:b@h/d");
    /* neither: empty, and no Secret key */
    derive(f, "gateway: {admin-key: k}\n");
    assert_string_equal(f->d.database_dsn, "");
    assert_false(f->d.has_database_dsn);
    assert_null(map_get(&f->d.secret_data, "database-dsn"));
}

static void test_secret_data(void **state)
{
    fixture *f = *state;
    derive(f, "gateway: {admin-key: foobar}\ndatabase: {dsn: foo}\n");
    assert_int_equal(f->d.secret_data.count, 2);
    assert_string_equal(map_get(&f->d.secret_data, "admin-key"), "Zm9vYmFy");
    assert_string_equal(map_get(&f->d.secret_data, "database-dsn"), "Zm9v");
    assert_false(f->d.has_vault_token);
    derive(f, "vault: {token: \"a\\nb\"}\n");
    assert_int_equal(f->d.secret_data.count, 1);
    assert_string_equal(map_get(&f->d.secret_data, "vault-token"), "YQpi");
    assert_false(f->d.has_admin_key);
    assert_true(f->d.has_vault_token);
}

static void test_app_config_defaults(void **state)
{
    fixture *f = *state;
    derive(f, "gateway: {ports: {admin: 8000, observe: 9100}}\n");
    assert_string_equal(f->d.app_config, "server:\n"
                                         "  listen_addr: \":8000\"\n"
                                         "  observe_addr: \":9100\"\n"
                                         "  log_level: info\n"
                                         "memory:\n"
                                         "  embedding_dimensions: 1536\n");
    assert_false(f->d.config_is_secret);
    assert_int_equal(strlen(f->d.config_checksum), 64);
    /* sha256 of the text above, computed independently (sha256sum) */
    assert_string_equal(f->d.config_checksum,
                        "b859aa999aa750e5563700417e6ad4430351150a5040f694f2f7b2d6b48372ec");
}

static void test_app_config_full(void **state)
{
    fixture *f = *state;
    derive(f, "config:\n"
              "  server: {log-level: debug}\n"
              "  campaign: {name: \"The \\\"Crown\\\"\\nof 'Ash' # x\", system: \"- a\"}\n"
              "  transcript: {llm-correction: true}\n"
              "  providers:\n"
              "    llm: {name: openai, model: \"0123\", options: {temperature: 0.5, \"y\": \"n\"}}\n"
              "    vad: {base-url: \"$(id)\"}\n"
              "  mcp-servers: [{name: dice, transport: stdio, command: /bin/dice}]\n"
              "  npcs: [{name: \"null\", engine: cascaded, voice: {pitch_shift: -2}}]\n");
    const gx_node *root = parse(f, f->d.app_config);
    assert_int_equal(root->kind, GX_NODE_MAP);
    static const char *const order[] = {"server", "providers", "npcs", "memory", "mcp",
                                        "campaign", "transcript"};
    assert_int_equal(root->count, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(root->keys[i]->text, order[i]);
    assert_string_equal(scalar_at(root, "server", "log_level"), "debug");
    assert_string_equal(scalar_at(root, "campaign", "name"), "The \"Crown\"\nof 'Ash' # x");
    assert_string_equal(scalar_at(root, "campaign", "system"), "- a");
    assert_string_equal(scalar_at(root, "transcript", "llm_correction"), "true");
    const gx_node *providers = gx_node_get(root, "providers");
    assert_int_equal(providers->count, 2); /* llm and vad only */
    assert_string_equal(scalar_at(providers, "llm", "model"), "0123");
    assert_false(gx_node_get(gx_node_get(providers, "llm"), "model")->plain);
    assert_null(gx_node_get(gx_node_get(providers, "llm"), "api_key"));
    assert_string_equal(scalar_at(providers, "vad", "base_url"), "$(id)");
    assert_true(gx_node_equal(gx_node_get(gx_node_get(providers, "llm"), "options"),
                              f->model.cfg.config.providers.llm.options));
    assert_true(gx_node_equal(gx_node_get(root, "npcs"), f->model.cfg.config.npcs));
    assert_true(gx_node_equal(gx_node_get(gx_node_get(root, "mcp"), "servers"),
                              f->model.cfg.config.mcp_servers));
    assert_false(f->d.config_is_secret);
}

/* A values text and what one bool of the derived result must be for it;
 * test names the test the row belongs to. */
typedef struct flag_case {
    const char *test;
    const char *values;
    bool want;
} flag_case;

static const flag_case flag_cases[] = {
    /* test_config_is_secret: config_is_secret, with secrets in the MCP servers */
    {"config-is-secret", "config: {mcp-servers: [{name: a, transport: streamable-http, url: u, auth: {token: t}}]}\n", true},
    {"config-is-secret", "config: {mcp-servers: [{name: a, transport: stdio, command: c, env: {T: x}}]}\n", true},
    {"config-is-secret", "config: {mcp-servers: [{name: a, transport: stdio, command: c, env: {}}]}\n", false},
    /* test_pdb: gateway_pdb */
    {"pdb", "gateway: {replica-count: 2}\n", true},
    {"pdb", "gateway: {replica-count: 1}\n", false},
    {"pdb", "gateway: {replica-count: 1}\ncomponents: {autoscaling: true}\n", true},
    {"pdb", "gateway: {replica-count: 3, disruption-budget: false}\n", false},
    {"pdb", "core: {topology: dedicated}\n", false},
};

/* Derives each flag_cases row of test in turn and checks the bool at offset
 * of struct gx_derived; a failure names the values. The test must have rows. */
static void expect_flags(fixture *f, const char *test, size_t offset)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof flag_cases / sizeof flag_cases[0]; i++) {
        const flag_case *c = &flag_cases[i];
        if (strcmp(c->test, test))
            continue;
        derive(f, c->values);
        bool got = *(const bool *)((const char *)&f->d + offset);
        if (got != c->want)
            fail_msg("%s of %s: %s, not %s", test, c->values, got ? "true" : "false",
                     c->want ? "true" : "false");
        n++;
    }
    if (n == 0)
        fail_msg("no flag_cases rows for %s", test);
}

static void test_config_is_secret(void **state)
{
    fixture *f = *state;
    derive(f, "config: {providers: {tts: {name: elevenlabs, api-key: k}}}\n");
    assert_true(f->d.config_is_secret);
    assert_string_equal(scalar_at(gx_node_get(parse(f, f->d.app_config), "providers"), "tts",
                                  "api_key"),
                        "k");
    expect_flags(f, "config-is-secret", offsetof(struct gx_derived, config_is_secret));
}

static void test_pdb(void **state)
{
    expect_flags(*state, "pdb", offsetof(struct gx_derived, gateway_pdb));
}

static void test_labels(void **state)
{
    fixture *f = *state;
    derive(f, "core: {release-name: voice, image-tag: \"0123\"}\n");
    assert_int_equal(f->d.labels.count, 5);
    assert_null(map_get(&f->d.labels, "app.kubernetes.io/component"));
    assert_int_equal(f->d.labels_worker.count, 6);
    assert_string_equal(map_get(&f->d.labels_worker, "app.kubernetes.io/version"), "0123");
    assert_string_equal(map_get(&f->d.labels_mcp_gateway, "app.kubernetes.io/component"),
                        "mcp-gateway");
    assert_int_equal(f->d.selector_gateway.count, 3);
    assert_string_equal(map_get(&f->d.selector_gateway, "app.kubernetes.io/instance"), "voice");
    assert_null(map_get(&f->d.selector_gateway, "app.kubernetes.io/version"));
    const gx_map *maps[] = {&f->d.labels, &f->d.labels_gateway, &f->d.labels_worker,
                            &f->d.labels_mcp_gateway, &f->d.selector_gateway,
                            &f->d.selector_worker, &f->d.selector_mcp_gateway};
    for (size_t i = 0; i < 7; i++)
        assert_sorted(maps[i]);
    assert_string_equal(f->d.image, "ghcr.io/mrwong99/glyphoxa:0123");
}

static void test_scheduling(void **state)
{
    fixture *f = *state;
    derive(f, "core: {topology: dedicated}\n"
              "gateway:\n"
              "  node-selector: {z.example/a: b, glyphoxa.io/tier: custom}\n"
              "  tolerations: [{key: glyphoxa.io/tier, operator: Equal, value: dedicated, "
              "effect: NoSchedule}, {key: x, operator: Exists}]\n");
    assert_int_equal(f->d.gateway_node_selector.count, 2);
    assert_sorted(&f->d.gateway_node_selector);
    assert_string_equal(map_get(&f->d.gateway_node_selector, "glyphoxa.io/tier"), "custom");
    /* the tier toleration is already there: not added twice */
    assert_int_equal(f->d.gateway_tolerations->count, 2);

    derive(f, "core: {tier-scheduling: false}\n");
    assert_int_equal(f->d.gateway_node_selector.count, 0);
    assert_int_equal(f->d.gateway_tolerations->kind, GX_NODE_SEQ);
    assert_int_equal(f->d.gateway_tolerations->count, 0);
    assert_int_equal(f->d.worker_tolerations->count, 0);

    /* cloud profile: GPU values ignored */
    derive(f, "worker: {node-selector: {pool: a}}\n");
    assert_false(f->d.gpu_merged);
    assert_int_equal(f->d.worker_gpu_count, 0);
    assert_int_equal(f->d.worker_node_selector.count, 2);
    assert_string_equal(map_get(&f->d.worker_node_selector, "glyphoxa.io/tier"), "shared");
    assert_int_equal(f->d.worker_tolerations->count, 1);
    assert_string_equal(f->d.worker_requests_cpu, "500m");
    assert_string_equal(f->d.worker_limits_memory, "768Mi");

    derive(f, "worker:\n"
              "  resource-profile: local-llm\n"
              "  node-selector: {pool: gpu, nvidia.com/gpu: \"false\"}\n"
              "  gpu: {count: 2}\n");
    assert_true(f->d.gpu_merged);
    assert_int_equal(f->d.worker_gpu_count, 2);
    assert_int_equal(f->d.worker_node_selector.count, 3);
    assert_sorted(&f->d.worker_node_selector);
    assert_string_equal(map_get(&f->d.worker_node_selector, "nvidia.com/gpu"), "false");
    assert_int_equal(f->d.worker_tolerations->count, 2);
    assert_string_equal(f->d.worker_tolerations->items[1]->items[0]->text, "nvidia.com/gpu");
    assert_string_equal(f->d.worker_requests_cpu, "4");
    assert_string_equal(f->d.worker_limits_memory, "8Gi");

    derive(f, "worker: {resource-profile: local-llm, gpu: {enabled: false}}\n");
    assert_false(f->d.gpu_merged);
    assert_int_equal(f->d.worker_gpu_count, 0);
    assert_int_equal(f->d.worker_node_selector.count, 1);

    derive(f, "worker: {resource-profile: whisper-native}\n");
    assert_string_equal(f->d.worker_requests_memory, "1Gi");
    assert_string_equal(f->d.worker_limits_cpu, "4");
}

static void test_addresses(void **state)
{
    fixture *f = *state;
    derive(f, "core: {release-name: r, namespace: n}\n"
              "gateway: {ports: {grpc: 7000}}\nmcp-gateway: {ports: {mcp: 8181}}\n"
              "network-policy: {api-server-port: 443}\n");
    assert_string_equal(f->d.worker_gateway_addr, "r-gateway.n.svc:7000");
    assert_string_equal(f->d.mcp_gateway_url, "http://r-mcp-gateway.n.svc:8181/mcp");
    assert_false(f->d.api_server_port_extra);
    derive(f, "components: {mcp-gateway: false}\n");
    assert_string_equal(f->d.mcp_gateway_url, "");
    assert_true(f->d.api_server_port_extra);
}

static void test_deterministic(void **state)
{
    fixture *f = *state;
    static const char values[] = "config: {npcs: [{name: a, engine: s2s}], "
                                 "providers: {llm: {options: {b: 1, a: 2}}}}\n";
    derive(f, values);
    char *first = strdup(f->d.app_config);
    char *sum = strdup(f->d.config_checksum);
    derive(f, values);
    assert_string_equal(first, f->d.app_config);
    assert_string_equal(sum, f->d.config_checksum);
    free(first);
    free(sum);
}

/* A node tree as block YAML, for comparing. */
static const char *yaml_of(fixture *f, const gx_node *n)
{
    gx_buf b = GX_BUF_INIT;
    gx_yaml_node(&b, n, 0, false);
    const char *s = gx_arena_strndup(f->arena, b.data ? b.data : "", b.len);
    gx_buf_free(&b);
    return s;
}

#define DIGEST "sha256:9c2f1a7b3e5d4c6b8a0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69"

static void test_images(void **state)
{
    fixture *f = *state;
    derive(f, "core: {registry-mirror: registry.example.internal:5000/mirror}\n");
    assert_string_equal(f->d.image,
                        "registry.example.internal:5000/mirror/mrwong99/glyphoxa:0.1.0");
    derive(f, "core: {registry-mirror: \"mirror.internal/\", image-repository: glyphoxa, "
              "image-digest: \"" DIGEST "\"}\n");
    assert_string_equal(f->d.image, "mirror.internal/library/glyphoxa@" DIGEST);
    assert_string_equal(map_get(&f->d.labels, "app.kubernetes.io/version"), "0.1.0");
    /* a repository below the mirror already is kept */
    derive(f, "core: {registry-mirror: mirror.internal, "
              "image-repository: mirror.internal/team/glyphoxa}\n");
    assert_string_equal(f->d.image, "mirror.internal/team/glyphoxa:0.1.0");
    derive(f, "core: {image-repository: \"localhost:5000/glyphoxa\", "
              "registry-mirror: mirror.internal}\n");
    assert_string_equal(f->d.image, "mirror.internal/glyphoxa:0.1.0");

    /* the version label is always a label value */
    static const struct {
        const char *tag, *label;
    } v[] = {{"0.1.0", "0.1.0"},
             {"0.1.0@" DIGEST, "0.1.0"},
             {"_build.7-", "build.7"},
             {"v1+meta", "v1-meta"},
             {"", ""},
             {"-.-", ""}};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        assert_string_equal(gx_version_label(f->arena, v[i].tag), v[i].label);
    char tag[129];
    memset(tag, 'a', 128);
    tag[128] = '\0';
    tag[62] = '.'; /* cut at 63, then no trailing '.' */
    const char *label = gx_version_label(f->arena, tag);
    assert_int_equal(strlen(label), 62);
}

static void test_chart_values(void **state)
{
    fixture *f = *state;
    derive(f, "core: {registry-mirror: mirror.internal, image-pull-secrets: [pull]}\n"
              "postgresql:\n  postgres-password: pw\n"
              "  values:\n    primary:\n      resources: {limits: {memory: 1Gi}}\n"
              "      persistence: {storageClass: fast, size: 2Gi}\n    metrics: {enabled: true}\n"
              "sealed-secrets:\n  values: {image: {tag: 0.27.1}}\n"
              "components: {postgresql: true, sealed-secrets: true}\n");
    const char *pg = yaml_of(f, f->d.postgresql_values);
    /* the tool's order first, the user's keys after; maps merged, scalars replaced */
    gx_test_assert_has(pg, "fullnameOverride: glyphoxa-postgresql\nauth:\n  postgresPassword: pw\n"
                           "  database: glyphoxa\nprimary:\n  persistence:\n    size: \"2Gi\"\n"
                           "    storageClass: fast\n  networkPolicy:\n    enabled: true\n");
    gx_test_assert_has(pg, "  resources:\n    limits:\n      memory: \"1Gi\"\n"
                           "global:\n  imageRegistry: mirror.internal\n  imagePullSecrets:\n    - pull\n"
                           "metrics:\n  enabled: true\n");
    gx_test_assert_lacks(yaml_of(f, f->d.postgresql_values_no_password), "postgresPassword");
    gx_test_assert_has(yaml_of(f, f->d.sealed_secrets_values),
                       "fullnameOverride: sealed-secrets-controller\nimage:\n  registry: mirror.internal\n"
                       "  pullSecrets:\n    - pull\n  tag: \"0.27.1\"\n");

    /* postgresql/image-registry wins over the mirror; without network-policy no policy */
    derive(f, "core: {registry-mirror: mirror.internal}\n"
              "postgresql: {postgres-password: pw, image-registry: pg.internal}\n"
              "components: {postgresql: true, network-policy: false}\n");
    pg = yaml_of(f, f->d.postgresql_values);
    gx_test_assert_has(pg, "imageRegistry: pg.internal");
    gx_test_assert_lacks(pg, "networkPolicy");
    gx_test_assert_lacks(pg, "imagePullSecrets");

    /* the overrides the rules warn about */
    gx_node *base = gx_postgresql_values_base(f->arena, &f->model.cfg, true);
    const gx_node *user = parse(f, "auth: {database: x, extra: 1}\nfullnameOverride: y\n"
                                   "primary: {persistence: {size: 1Gi}}\n");
    const gx_node *merged = gx_values_merge(f->arena, base, user, NULL, NULL);
    assert_string_equal(gx_values_at(merged, "auth.database")->text, "x");
    assert_string_equal(gx_values_at(merged, "auth.postgresPassword")->text, "pw");
    assert_string_equal(gx_values_at(merged, "auth.extra")->text, "1");
    assert_string_equal(gx_values_at(merged, "fullnameOverride")->text, "y");
    /* the base is not changed */
    assert_string_equal(gx_values_at(base, "auth.database")->text, "glyphoxa");
}

/* The ports the egress rules of a policy allow to any destination, as
 * "TCP/5432 TCP/443 ...", and the rules that name pods or CIDRs. */
static const char *egress_text(fixture *f, const gx_node *egress)
{
    return yaml_of(f, egress);
}

static void test_egress(void **state)
{
    fixture *f = *state;
    derive(f, "database: {dsn: \"postgres://u:p@db.example:6543,db2.example:6544/x\"}\n"
              "vault: {addr: \"https://vault.example:8200\"}\n"
              "network-policy:\n  api-server-port: 443\n"
              "  extra-egress: [{cidr: 10.0.0.0/8, ports: [9000]}, {cidr: \"fd00::/8\"}]\n"
              "config:\n  providers:\n    llm: {name: ollama, base-url: \"http://ollama:11434\"}\n"
              "    stt: {name: whisper, base-url: \"http://whisper.example\"}\n"
              "  mcp-servers:\n    - {name: a, transport: streamable-http, "
              "url: \"https://mcp.example:8443/mcp\"}\n"
              "    - {name: b, transport: stdio, command: x}\n");
    const char *gw = egress_text(f, f->d.gateway_egress);
    gx_test_assert_has(gw, "- ports:\n    - protocol: TCP\n      port: 6543\n    - protocol: TCP\n"
                           "      port: 6544\n    - protocol: TCP\n      port: 443\n    - protocol: TCP\n"
                           "      port: 8200\n- to:");
    gx_test_assert_lacks(gw, "11434");
    gx_test_assert_lacks(gw, "8443");
    gx_test_assert_has(gw, "cidr: \"10.0.0.0/8\"");
    gx_test_assert_has(gw, "- to:\n    - ipBlock:\n        cidr: fd00::/8\n"); /* no ports: all */
              const char *w = egress_text(f, f->d.worker_egress);
    gx_test_assert_has(w, "port: 6543");
    gx_test_assert_has(w, "port: 11434");
    gx_test_assert_has(w, "port: 80\n");
    gx_test_assert_has(w, "port: 8443");
    gx_test_assert_lacks(w, "8200");
    gx_test_assert_has(w, "- ports:\n    - protocol: UDP\n"); /* voice */
              const char *m = egress_text(f, f->d.mcp_gateway_egress);
    gx_test_assert_has(m, "port: 8443");
    gx_test_assert_lacks(m, "6543");
    gx_test_assert_lacks(m, "11434");
    assert_string_equal(yaml_of(f, f->d.metrics_from), "- podSelector: {}\n");

    /* the bundled database; no UDP; metrics from another namespace */
    derive(f, "postgresql: {postgres-password: pw}\ncomponents: {postgresql: true}\n"
              "network-policy:\n  allow-voice-udp: false\n  metrics-from:\n"
              "    - namespace-selector: {kubernetes.io/metadata.name: monitoring}\n"
              "    - namespace-selector: {}\n      pod-selector: {app: prom}\n");
    w = egress_text(f, f->d.worker_egress);
    gx_test_assert_has(w, "port: 5432");
    gx_test_assert_lacks(w, "protocol: UDP\n- ");
    assert_string_equal(yaml_of(f, f->d.metrics_from),
                        "- namespaceSelector:\n    matchLabels:\n"
                        "      kubernetes.io/metadata.name: monitoring\n"
                        "- namespaceSelector: {}\n  podSelector:\n    matchLabels:\n"
                        "      app: prom\n");

    /* endpoints: URLs, DSNs (both forms), Services of the namespace */
    gx_endpoint e = gx_url_endpoint(f->arena, "wss://[fd00::1]/x");
    assert_string_equal(e.host, "fd00::1");
    assert_int_equal(e.port, 443);
    e = gx_url_endpoint(f->arena, "http://user:p@ss@host.example:81/x");
    assert_string_equal(e.host, "host.example");
    assert_int_equal(e.port, 81);
    assert_int_equal(gx_url_endpoint(f->arena, "grpc://x").port, 0);
    assert_int_equal(gx_url_endpoint(f->arena, "vault.example:8200").port, 8200);
    gx_endpoint eps[4];
    assert_int_equal(gx_dsn_endpoints(f->arena, "host=a,b port=5433,5434 dbname=x", eps, 4), 2);
    assert_string_equal(eps[1].host, "b");
    assert_int_equal(eps[1].port, 5434);
    assert_int_equal(gx_dsn_endpoints(f->arena, "postgresql://u@h/x", eps, 4), 1);
    assert_int_equal(eps[0].port, 5432);
    assert_string_equal(gx_host_service_in(f->arena, "ollama", "games"), "ollama");
    assert_string_equal(gx_host_service_in(f->arena, "db.games.svc.cluster.local", "games"), "db");
    assert_null(gx_host_service_in(f->arena, "db.other.svc", "games"));
    assert_null(gx_host_service_in(f->arena, "localhost", "games"));
    assert_null(gx_host_service_in(f->arena, "db.games.example.com", "games"));
}

static void test_delivery_only_when_on(void **state)
{
    fixture *f = *state;
    /* nothing of an off component is computed: empty nodes */
    derive(f, "components: {network-policy: false}\n");
    assert_int_equal(f->d.gateway_egress->count, 0);
    assert_int_equal(f->d.postgresql_values->count, 0);
    assert_int_equal(f->d.sealed_secrets_values->count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percent_encode),
        cmocka_unit_test_setup_teardown(test_dsn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_config_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_config_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_is_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pdb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scheduling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_images, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chart_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_egress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delivery_only_when_on, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
