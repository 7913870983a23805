#include "gx_derived.h"

#include <stdio.h>
#include <string.h>

#include "gx_delivery.h"
#include "gx_hash.h"
#include "gx_node.h"
#include "gx_yamlout.h"

/* ---- small encoders ------------------------------------------------------ */

void gx_percent_encode(gx_buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            gx_buf_putc(out, (char)c);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            gx_buf_put(out, esc, 3);
        }
    }
}

/* The base64 of len bytes at s in arena, NUL-terminated. */
static const char *gx_base64_dup(gx_arena *arena, const char *s, size_t len)
{
    char *r = gx_arena_alloc(arena, gx_base64_encoded_len(len) + 1); /* zeroed: NUL-terminated */
    gx_base64_encode_to(r, s, len);
    return r;
}

/* The SHA-256 of len bytes at s as lower-case hex in arena. */
static const char *gx_sha256_hex_dup(gx_arena *arena, const char *s, size_t len)
{
    char *r = gx_arena_alloc(arena, GX_SHA256_HEX_LEN + 1);
    gx_sha256_hex(s, len, r);
    return r;
}

static bool gx_nonempty(const char *s)
{
    return s && *s;
}

/* ---- string maps --------------------------------------------------------- */

/* A map under construction: set() overrides an existing key, done() sorts. */
typedef struct gx_map_builder {
    gx_arena *arena;
    size_t count, cap;
    const char **keys, **values;
} gx_map_builder;

static void gx_mb_init(gx_map_builder *mb, gx_arena *arena, size_t cap)
{
    mb->arena = arena;
    mb->count = 0;
    mb->cap = cap ? cap : 1;
    mb->keys = gx_arena_alloc(arena, mb->cap * sizeof *mb->keys);
    mb->values = gx_arena_alloc(arena, mb->cap * sizeof *mb->values);
}

static void gx_mb_set(gx_map_builder *mb, const char *key, const char *value)
{
    for (size_t i = 0; i < mb->count; i++)
        if (strcmp(mb->keys[i], key) == 0) {
            mb->values[i] = value ? value : "";
            return;
        }
    if (mb->count == mb->cap) {
        size_t cap = mb->cap * 2;
        const char **k = gx_arena_alloc(mb->arena, cap * sizeof *k);
        const char **v = gx_arena_alloc(mb->arena, cap * sizeof *v);
        memcpy(k, mb->keys, mb->count * sizeof *k);
        memcpy(v, mb->values, mb->count * sizeof *v);
        mb->keys = k, mb->values = v, mb->cap = cap;
    }
    mb->keys[mb->count] = key;
    mb->values[mb->count] = value ? value : "";
    mb->count++;
}

static void gx_mb_set_map(gx_map_builder *mb, const gx_map *map)
{
    for (size_t i = 0; map && i < map->count; i++)
        gx_mb_set(mb, map->keys[i], map->values[i]);
}

static gx_map gx_mb_done(gx_map_builder *mb)
{
    /* insertion sort: maps here hold a handful of keys */
    for (size_t i = 1; i < mb->count; i++) {
        const char *k = mb->keys[i], *v = mb->values[i];
        size_t j = i;
        for (; j > 0 && strcmp(mb->keys[j - 1], k) > 0; j--) {
            mb->keys[j] = mb->keys[j - 1];
            mb->values[j] = mb->values[j - 1];
        }
        mb->keys[j] = k;
        mb->values[j] = v;
    }
    return (gx_map){mb->count, mb->keys, mb->values};
}

/* ---- node trees ---------------------------------------------------------- */

static gx_node *gx_new_scalar(gx_arena *arena, const char *text)
{
    gx_node *n = gx_arena_alloc(arena, sizeof *n);
    n->kind = GX_NODE_SCALAR;
    n->text = text;
    n->len = strlen(text);
    n->plain = false; /* always a string: gx_yaml_node quotes it when needed */
    return n;
}

/* {key: K, operator: Equal, value: V, effect: NoSchedule} */
static gx_node *gx_new_toleration(gx_arena *arena, const char *key, const char *value)
{
    static const char *const names[] = {"key", "operator", "value", "effect"};
    const char *vals[] = {key, "Equal", value, "NoSchedule"};
    gx_node *n = gx_arena_alloc(arena, sizeof *n);
    n->kind = GX_NODE_MAP;
    n->count = 4;
    n->keys = gx_arena_alloc(arena, 4 * sizeof *n->keys);
    n->items = gx_arena_alloc(arena, 4 * sizeof *n->items);
    for (size_t i = 0; i < 4; i++) {
        n->keys[i] = gx_new_scalar(arena, names[i]);
        n->items[i] = gx_new_scalar(arena, vals[i]);
    }
    return n;
}

/* A sequence under construction; add() drops items equal to one already in. */
typedef struct gx_seq_builder {
    gx_arena *arena;
    size_t count, cap;
    gx_node **items;
} gx_seq_builder;

static void gx_sb_add(gx_seq_builder *sb, gx_node *item)
{
    for (size_t i = 0; i < sb->count; i++)
        if (gx_node_equal(sb->items[i], item))
            return;
    if (sb->count == sb->cap) {
        size_t cap = sb->cap ? sb->cap * 2 : 8;
        gx_node **items = gx_arena_alloc(sb->arena, cap * sizeof *items);
        if (sb->count)
            memcpy(items, sb->items, sb->count * sizeof *items);
        sb->items = items, sb->cap = cap;
    }
    sb->items[sb->count++] = item;
}

/* Adds the items of a list value; a missing/null/non-list value adds nothing. */
static void gx_sb_add_list(gx_seq_builder *sb, const gx_node *list)
{
    if (!list || list->kind != GX_NODE_SEQ)
        return;
    for (size_t i = 0; i < list->count; i++)
        gx_sb_add(sb, list->items[i]);
}

static const gx_node *gx_sb_done(gx_seq_builder *sb)
{
    gx_node *n = gx_arena_alloc(sb->arena, sizeof *n);
    n->kind = GX_NODE_SEQ;
    n->count = sb->count;
    n->items = sb->items;
    return n;
}

/* True for a node that holds something: not NULL, not null, not an empty
 * collection, not an empty string. */
static bool gx_node_has_content(const gx_node *n)
{
    if (!n)
        return false;
    if (n->kind == GX_NODE_SCALAR)
        return !gx_node_is_null(n) && n->len > 0;
    return n->count > 0;
}

/* ---- the application's config.yaml --------------------------------------- */

typedef struct gx_provider_view {
    const char *kind;
    const char *name, *api_key, *base_url, *model;
    const gx_node *options;
} gx_provider_view;

#define GX_PROVIDER_KINDS 7

static void gx_providers(const struct gx_config *cfg, gx_provider_view out[GX_PROVIDER_KINDS])
{
#define GX_PV(i, k, m)                                                                     \
    out[i] = (gx_provider_view){k,                                                         \
                                cfg->config.providers.m.name,                              \
                                cfg->config.providers.m.api_key,                           \
                                cfg->config.providers.m.base_url,                          \
                                cfg->config.providers.m.model,                             \
                                cfg->config.providers.m.options}
    GX_PV(0, "llm", llm);
    GX_PV(1, "stt", stt);
    GX_PV(2, "tts", tts);
    GX_PV(3, "s2s", s2s);
    GX_PV(4, "embeddings", embeddings);
    GX_PV(5, "vad", vad);
    GX_PV(6, "audio", audio);
#undef GX_PV
}

static void gx_kv_str(gx_buf *out, int indent, const char *key, const char *value)
{
    gx_buf_indent(out, indent);
    gx_buf_puts(out, key);
    gx_buf_puts(out, ": ");
    gx_yaml_str(out, value);
    gx_buf_putc(out, '\n');
}

static const char *const gx_log_levels[] = {"debug", "info", "warn", "error"};

void gx_app_config_write(const struct gx_config *cfg, gx_buf *out)
{
    char tmp[32];

    gx_buf_puts(out, "server:\n");
    snprintf(tmp, sizeof tmp, ":%lld", (long long)cfg->gateway.ports.admin);
    gx_kv_str(out, 2, "listen_addr", tmp);
    snprintf(tmp, sizeof tmp, ":%lld", (long long)cfg->gateway.ports.observe);
    gx_kv_str(out, 2, "observe_addr", tmp);
    int level = cfg->config.server.log_level;
    gx_kv_str(out, 2, "log_level",
              level >= 0 && level < 4 ? gx_log_levels[level] : gx_log_levels[1]);

    gx_provider_view pv[GX_PROVIDER_KINDS];
    gx_providers(cfg, pv);
    bool providers_open = false;
    for (size_t i = 0; i < GX_PROVIDER_KINDS; i++) {
        const gx_provider_view *v = &pv[i];
        bool has_options = gx_node_has_content(v->options);
        if (!gx_nonempty(v->name) && !gx_nonempty(v->api_key) && !gx_nonempty(v->base_url) &&
            !gx_nonempty(v->model) && !has_options)
            continue;
        if (!providers_open) {
            gx_buf_puts(out, "providers:\n");
            providers_open = true;
        }
        gx_buf_printf(out, "  %s:\n", v->kind);
        if (gx_nonempty(v->name))
            gx_kv_str(out, 4, "name", v->name);
        if (gx_nonempty(v->api_key))
            gx_kv_str(out, 4, "api_key", v->api_key);
        if (gx_nonempty(v->base_url))
            gx_kv_str(out, 4, "base_url", v->base_url);
        if (gx_nonempty(v->model))
            gx_kv_str(out, 4, "model", v->model);
        if (has_options) {
            gx_buf_puts(out, "    options:");
            gx_yaml_node(out, v->options, 4, true);
        }
    }

    if (gx_node_has_content(cfg->config.npcs)) {
        gx_buf_puts(out, "npcs:");
        gx_yaml_node(out, cfg->config.npcs, 0, true);
    }

    gx_buf_puts(out, "memory:\n");
    gx_buf_printf(out, "  embedding_dimensions: %lld\n",
                  (long long)cfg->config.memory.embedding_dimensions);

    if (gx_node_has_content(cfg->config.mcp_servers)) {
        gx_buf_puts(out, "mcp:\n  servers:");
        gx_yaml_node(out, cfg->config.mcp_servers, 2, true);
    }

    if (gx_nonempty(cfg->config.campaign.name) || gx_nonempty(cfg->config.campaign.system)) {
        gx_buf_puts(out, "campaign:\n");
        if (gx_nonempty(cfg->config.campaign.name))
            gx_kv_str(out, 2, "name", cfg->config.campaign.name);
        if (gx_nonempty(cfg->config.campaign.system))
            gx_kv_str(out, 2, "system", cfg->config.campaign.system);
    }

    if (cfg->config.transcript.llm_correction)
        gx_buf_puts(out, "transcript:\n  llm_correction: true\n");
}

/* Credentials in the application config: any provider api-key, or an MCP
 * server with auth or a non-empty env (env commonly carries tokens). */
static bool gx_config_has_credentials(const struct gx_config *cfg)
{
    gx_provider_view pv[GX_PROVIDER_KINDS];
    gx_providers(cfg, pv);
    for (size_t i = 0; i < GX_PROVIDER_KINDS; i++)
        if (gx_nonempty(pv[i].api_key))
            return true;
    const gx_node *servers = cfg->config.mcp_servers;
    if (servers && servers->kind == GX_NODE_SEQ)
        for (size_t i = 0; i < servers->count; i++) {
            const gx_node *s = servers->items[i];
            if (gx_node_has_content(gx_node_get(s, "auth")) ||
                gx_node_has_content(gx_node_get(s, "env")))
                return true;
        }
    return false;
}

/* ---- scheduling ------------------------------------------------------------ */

/* A workload's node selector: glyphoxa.io/tier=topology when tier scheduling
 * is on, then the keys of extra (NULL: none), then those of own; a later key
 * overrides an earlier one. */
static gx_map gx_node_selector(gx_arena *arena, const struct gx_config *cfg, const char *topology,
                               const gx_map *extra, const gx_map *own)
{
    gx_map_builder mb;
    gx_mb_init(&mb, arena, own->count + (extra ? extra->count : 0) + 1);
    if (cfg->core.tier_scheduling)
        gx_mb_set(&mb, "glyphoxa.io/tier", topology);
    gx_mb_set_map(&mb, extra);
    gx_mb_set_map(&mb, own);
    return gx_mb_done(&mb);
}

/* A workload's tolerations: own's items, then the glyphoxa.io/tier toleration
 * when tier scheduling is on, then extra's items (NULL: none); an item equal
 * to an earlier one is dropped. */
static const gx_node *gx_tolerations(gx_arena *arena, const struct gx_config *cfg,
                                     const char *topology, const gx_node *own,
                                     const gx_node *extra)
{
    gx_seq_builder sb = {arena, 0, 0, NULL};
    gx_sb_add_list(&sb, own);
    if (cfg->core.tier_scheduling)
        gx_sb_add(&sb, gx_new_toleration(arena, "glyphoxa.io/tier", topology));
    gx_sb_add_list(&sb, extra);
    return gx_sb_done(&sb);
}

/* ---- everything ---------------------------------------------------------- */

static const char *const gx_topology_names[] = {"shared", "dedicated"};

static gx_map gx_labels(gx_arena *arena, const struct gx_config *cfg, const char *component,
                        bool selector, const char *version)
{
    gx_map_builder mb;
    gx_mb_init(&mb, arena, 6);
    gx_mb_set(&mb, "app.kubernetes.io/name", "glyphoxa");
    gx_mb_set(&mb, "app.kubernetes.io/instance", cfg->core.release_name);
    if (!selector) {
        gx_mb_set(&mb, "app.kubernetes.io/part-of", "glyphoxa");
        gx_mb_set(&mb, "app.kubernetes.io/managed-by", "glyphoxa-deploy");
        gx_mb_set(&mb, "app.kubernetes.io/version", version);
    }
    if (component)
        gx_mb_set(&mb, "app.kubernetes.io/component", component);
    return gx_mb_done(&mb);
}

static const char *gx_database_dsn(const struct gx_config *cfg, gx_arena *arena)
{
    if (gx_nonempty(cfg->database.dsn) || !cfg->enabled[GX_C_POSTGRESQL])
        return cfg->database.dsn ? cfg->database.dsn : "";
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b, "postgres://postgres:");
    gx_percent_encode(&b, cfg->postgresql.postgres_password);
    gx_buf_printf(&b, "@%s-postgresql.%s.svc:5432/", cfg->core.release_name, cfg->core.namespace);
    gx_percent_encode(&b, cfg->postgresql.database);
    gx_buf_puts(&b, "?sslmode=disable");
    const char *r = gx_arena_strndup(arena, b.data, b.len);
    gx_buf_free(&b);
    return r;
}

void gx_derive(const struct gx_config *cfg, gx_arena *arena, struct gx_derived *out)
{
    memset(out, 0, sizeof *out);
    int topo = cfg->core.topology;
    const char *topology = gx_topology_names[topo == GX_CORE_TOPOLOGY_DEDICATED ? 1 : 0];

    out->version_label = gx_version_label(arena, cfg->core.image_tag);
    const char *v = out->version_label;
    out->labels = gx_labels(arena, cfg, NULL, false, v);
    out->labels_gateway = gx_labels(arena, cfg, "gateway", false, v);
    out->labels_worker = gx_labels(arena, cfg, "worker", false, v);
    out->labels_mcp_gateway = gx_labels(arena, cfg, "mcp-gateway", false, v);
    out->selector_gateway = gx_labels(arena, cfg, "gateway", true, v);
    out->selector_worker = gx_labels(arena, cfg, "worker", true, v);
    out->selector_mcp_gateway = gx_labels(arena, cfg, "mcp-gateway", true, v);
    out->image = gx_image_ref(arena, cfg);

    /* secrets */
    out->database_dsn = gx_database_dsn(cfg, arena);
    out->has_admin_key = gx_nonempty(cfg->gateway.admin_key);
    out->has_database_dsn = gx_nonempty(out->database_dsn);
    out->has_vault_token = gx_nonempty(cfg->vault.token);
    gx_map_builder sec;
    gx_mb_init(&sec, arena, 3);
    if (out->has_admin_key)
        gx_mb_set(&sec, "admin-key",
                  gx_base64_dup(arena, cfg->gateway.admin_key, strlen(cfg->gateway.admin_key)));
    if (out->has_database_dsn)
        gx_mb_set(&sec, "database-dsn",
                  gx_base64_dup(arena, out->database_dsn, strlen(out->database_dsn)));
    if (out->has_vault_token)
        gx_mb_set(&sec, "vault-token",
                  gx_base64_dup(arena, cfg->vault.token, strlen(cfg->vault.token)));
    out->secret_data = gx_mb_done(&sec);

    /* the application config */
    gx_buf b = GX_BUF_INIT;
    gx_app_config_write(cfg, &b);
    out->app_config = gx_arena_strndup(arena, b.data ? b.data : "", b.len);
    out->config_checksum = gx_sha256_hex_dup(arena, out->app_config, b.len);
    out->config_is_secret = gx_config_has_credentials(cfg);
    /* only the Secret form of R-config needs it */
    out->app_config_base64 = out->config_is_secret ? gx_base64_dup(arena, out->app_config, b.len) : "";
    gx_buf_free(&b);

    /* gateway */
    bool autoscaling = cfg->enabled[GX_C_AUTOSCALING];
    out->gateway_pdb =
        cfg->gateway.disruption_budget && (cfg->gateway.replica_count > 1 || autoscaling);
    out->gateway_node_selector =
        gx_node_selector(arena, cfg, topology, NULL, &cfg->gateway.node_selector);
    out->gateway_tolerations = gx_tolerations(arena, cfg, topology, cfg->gateway.tolerations, NULL);

    /* worker */
    out->worker_gateway_addr =
        gx_arena_printf(arena, "%s-gateway.%s.svc:%lld", cfg->core.release_name,
                        cfg->core.namespace, (long long)cfg->gateway.ports.grpc);
#define GX_PROFILE(m)                                                                      \
    do {                                                                                   \
        out->worker_requests_cpu = cfg->worker.profiles.m.requests.cpu;                    \
        out->worker_requests_memory = cfg->worker.profiles.m.requests.memory;              \
        out->worker_limits_cpu = cfg->worker.profiles.m.limits.cpu;                        \
        out->worker_limits_memory = cfg->worker.profiles.m.limits.memory;                  \
    } while (0)
    if (cfg->worker.resource_profile == GX_WORKER_RESOURCE_PROFILE_WHISPER_NATIVE)
        GX_PROFILE(whisper_native);
    else if (cfg->worker.resource_profile == GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM)
        GX_PROFILE(local_llm);
    else
        GX_PROFILE(cloud);
#undef GX_PROFILE
    out->gpu_merged = cfg->worker.resource_profile == GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM &&
                      cfg->worker.gpu.enabled;
    out->worker_gpu_count = out->gpu_merged && cfg->worker.gpu.count > 0 ? cfg->worker.gpu.count : 0;
    out->worker_node_selector =
        gx_node_selector(arena, cfg, topology,
                         out->gpu_merged ? &cfg->worker.gpu.node_selector : NULL,
                         &cfg->worker.node_selector);
    out->worker_tolerations = gx_tolerations(arena, cfg, topology, cfg->worker.tolerations,
                                             out->gpu_merged ? cfg->worker.gpu.tolerations : NULL);

    /* mcp-gateway, network policy */
    out->mcp_gateway_url =
        cfg->enabled[GX_C_MCP_GATEWAY]
            ? gx_arena_printf(arena, "http://%s-mcp-gateway.%s.svc:%lld/mcp",
                              cfg->core.release_name, cfg->core.namespace,
                              (long long)cfg->mcp_gateway.ports.mcp)
            : "";
    out->api_server_port_extra = cfg->network_policy.api_server_port != 443;
    /* only what a template of an enabled component uses is computed; the
     * rest stays an empty node */
    gx_node *none = gx_arena_alloc(arena, sizeof *none);
    none->kind = GX_NODE_MAP;
    none->text = "";
    out->gateway_egress = out->worker_egress = out->mcp_gateway_egress = out->metrics_from =
        out->postgresql_values = out->postgresql_values_no_password =
            out->sealed_secrets_values = none;
    if (cfg->enabled[GX_C_NETWORK_POLICY]) {
        out->gateway_egress = gx_egress(arena, cfg, GX_POD_GATEWAY);
        out->worker_egress = gx_egress(arena, cfg, GX_POD_WORKER);
        out->mcp_gateway_egress = gx_egress(arena, cfg, GX_POD_MCP_GATEWAY);
        out->metrics_from = gx_metrics_from(arena, cfg);
    }
    /* the infrastructure charts' Helm values, with the user's merged over them */
    if (cfg->enabled[GX_C_POSTGRESQL]) {
        out->postgresql_values = gx_values_merge(
            arena, gx_postgresql_values_base(arena, cfg, true), cfg->postgresql.values, NULL, NULL);
        out->postgresql_values_no_password =
            gx_values_merge(arena, gx_postgresql_values_base(arena, cfg, false),
                            cfg->postgresql.values, NULL, NULL);
    }
    out->sealed_secrets_controller = "sealed-secrets-controller";
    if (cfg->enabled[GX_C_SEALED_SECRETS]) {
        out->sealed_secrets_values = gx_values_merge(
            arena, gx_sealed_secrets_values_base(arena, cfg), cfg->sealed_secrets.values, NULL, NULL);
        /* the chart names its Service after fullnameOverride */
        const gx_node *v = out->sealed_secrets_values;
        for (size_t i = 0; v->kind == GX_NODE_MAP && i < v->count; i++)
            if (!strcmp(v->keys[i]->text, "fullnameOverride") &&
                v->items[i]->kind == GX_NODE_SCALAR && *v->items[i]->text)
                out->sealed_secrets_controller = v->items[i]->text;
    }
    /* sealed secrets: whether they are sealed follows from the values; the
     * sealed texts need the controller's certificate, which the exporter
     * holds (gx_render_set_run fills them) */
    out->sealed = gx_secrets_sealed(cfg);
    out->sealed_app_config = "";
    out->sealed_postgresql_password = "";
    /* the resources of generated/kustomization.yaml: known once the
     * manifests are rendered (the render set fills the list) */
    gx_node *resources = gx_arena_alloc(arena, sizeof *resources);
    resources->kind = GX_NODE_SEQ;
    resources->text = "";
    out->kustomize_resources = resources;
    out->no_secrets = false; /* set by the exporter for export --no-secrets */
}
