#include "gx_helm.h"

#include <stdio.h>
#include <string.h>

#include "gx_model.h"
#include "gx_text.h"

#define P(key, path, def) {key, GX_HELM_PATH, path, def, false, NULL}
#define PT(key, path, def) {key, GX_HELM_PATH, path, def, true, NULL}
#define C(key, comp, def) {key, GX_HELM_COMPONENT, comp, def, false, NULL}
#define OWN(key, path, def, subtree, note) {key, GX_HELM_OWN, path, def, subtree, note}
#define DROP(key, def, note) {key, GX_HELM_DROPPED, NULL, def, false, note}

#define GX_RES(prefix, path, rc, rm, lc, lm)                                                     \
    P(prefix ".requests.cpu", path "/requests/cpu", rc),                                       \
        P(prefix ".requests.memory", path "/requests/memory", rm),                             \
        P(prefix ".limits.cpu", path "/limits/cpu", lc),                                       \
        P(prefix ".limits.memory", path "/limits/memory", lm)

/* The node selector and tolerations of a pod whose glyphoxa.io/tier entries
 * core/tier-scheduling sets here. */
#define GX_TIERED(prefix, path)                                                                \
    OWN(prefix ".nodeSelector", path "/node-selector", "{}", true,                             \
        "the glyphoxa.io/tier entry is core/tier-scheduling here"),                            \
        OWN(prefix ".tolerations", path "/tolerations", "[]", true,                            \
            "the glyphoxa.io/tier toleration is core/tier-scheduling here")

/* secrets.<name>ApiKey: the API key of the provider slots (KIND) that name it. */
#define GX_API_KEY(name, slots)                                                                \
    OWN("secrets." name "ApiKey", NULL, "''", false,                                           \
        "an API key of a provider: config/providers/KIND/api-key of the " slots)

/* In the order of the chart's values.yaml; the defaults are the chart's own
 * (the same in every version that has the key). */
const gx_helm_key gx_helm_keys[] = {
    P("topology", "core/topology", "shared"),
    P("image.repository", "core/image-repository", "ghcr.io/mrwong99/glyphoxa"),
    OWN("image.tag", "core/image-tag", "''", false,
        "empty means the chart's appVersion, 0.1.0"),
    P("image.pullPolicy", "core/image-pull-policy", "IfNotPresent"),
    OWN("imagePullSecrets", "core/image-pull-secrets", "[]", true,
        "the chart's list of {name: SECRET} becomes a list of names"),
    DROP("nameOverride", NULL,
         "the app.kubernetes.io/name label is always glyphoxa here; the chart's selectors "
         "use the override, so its Deployments cannot be taken over (their selectors are "
         "immutable): delete them before the first apply"),
    OWN("fullnameOverride", "core/release-name", NULL, false,
        "names the chart's objects; this tool names them after core/release-name, which is "
        "also their app.kubernetes.io/instance label"),
    P("gateway.replicaCount", "gateway/replica-count", "3"),
    OWN("gateway.adminKey", "gateway/admin-key", "''", false,
        "a secret: kept in secrets.yaml and the Secret RELEASE-secrets"),
    P("gateway.ports.admin", "gateway/ports/admin", "8081"),
    P("gateway.ports.grpc", "gateway/ports/grpc", "50051"),
    P("gateway.ports.observe", "gateway/ports/observe", "9090"),
    GX_RES("gateway.resources", "gateway", "250m", "256Mi", "'1'", "512Mi"),
    GX_TIERED("gateway", "gateway"),
    P("gateway.podAntiAffinity.enabled", "gateway/pod-anti-affinity", "true"),
    P("gateway.serviceAccount.create", "gateway/service-account/create", "true"),
    P("gateway.serviceAccount.name", "gateway/service-account/name", "glyphoxa-gateway"),
    PT("gateway.serviceAccount.annotations", "gateway/service-account/annotations", "{}"),
    P("worker.resourceProfile", "worker/resource-profile", "cloud"),
    GX_RES("worker.profiles.cloud", "worker/profiles/cloud", "500m", "384Mi", "'2'", "768Mi"),
    GX_RES("worker.profiles.whisper-native", "worker/profiles/whisper-native", "'1'", "1Gi",
           "'4'", "2Gi"),
    GX_RES("worker.profiles.local-llm", "worker/profiles/local-llm", "'4'", "4Gi", "'8'",
           "8Gi"),
    P("worker.activeDeadlineSeconds", "worker/active-deadline-seconds", "14400"),
    P("worker.ttlSecondsAfterFinished", "worker/ttl-seconds-after-finished", "300"),
    P("worker.ports.grpc", "worker/ports/grpc", "50051"),
    P("worker.ports.observe", "worker/ports/observe", "9090"),
    GX_TIERED("worker", "worker"),
    PT("worker.gpu.nodeSelector", "worker/gpu/node-selector", "{nvidia.com/gpu: 'true'}"),
    PT("worker.gpu.tolerations", "worker/gpu/tolerations",
       "[{key: nvidia.com/gpu, effect: NoSchedule}]"),
    C("mcpGateway.enabled", "mcp-gateway", "true"),
    P("mcpGateway.replicaCount", "mcp-gateway/replica-count", "2"),
    P("mcpGateway.ports.mcp", "mcp-gateway/ports/mcp", "8080"),
    P("mcpGateway.ports.observe", "mcp-gateway/ports/observe", "9090"),
    GX_RES("mcpGateway.resources", "mcp-gateway", "250m", "256Mi", "'1'", "512Mi"),
    PT("mcpGateway.nodeSelector", "mcp-gateway/node-selector", "{}"),
    PT("mcpGateway.tolerations", "mcp-gateway/tolerations", "[]"),
    OWN("config.data", NULL, "{}", true,
        "the application's config.yaml: its keys map onto the typed config/ paths"),
    OWN("vault.enabled", "vault/addr", "false", false,
        "this tool sets VAULT_ADDR whenever vault/addr is set"),
    OWN("vault.addr", "vault/addr", "''", false, NULL),
    OWN("secrets.vaultToken", "vault/token", "''", false, NULL),
    OWN("secrets.databaseDSN", "database/dsn", "''", false,
        "overrides database.dsn, as in the chart"),
    GX_API_KEY("elevenlabs", "slot that names elevenlabs"),
    GX_API_KEY("gemini", "slots that name gemini or gemini-live"),
    GX_API_KEY("deepgram", "slot that names deepgram"),
    GX_API_KEY("openai", "slots that name openai or openai-realtime"),
    OWN("database.dsn", "database/dsn", "''", false,
        "a secret here: the DSN moves into the Secret RELEASE-secrets"),
    C("networkPolicy.enabled", "network-policy", "true"),
    C("autoscaling.enabled", "autoscaling", "false"),
    P("autoscaling.minReplicas", "autoscaling/min-replicas", "2"),
    P("autoscaling.maxReplicas", "autoscaling/max-replicas", "10"),
    P("autoscaling.targetCPUUtilizationPercentage", "autoscaling/target-cpu", "70"),
    C("postgresql.enabled", "postgresql", "false"),
    P("postgresql.auth.postgresPassword", "postgresql/postgres-password", "''"),
    P("postgresql.auth.database", "postgresql/database", "glyphoxa"),
    P("postgresql.primary.persistence.size", "postgresql/persistence-size", "10Gi"),
    C("sealed-secrets.enabled", "sealed-secrets", "false"),
};
const size_t gx_helm_key_count = sizeof gx_helm_keys / sizeof gx_helm_keys[0];

const gx_helm_key *gx_helm_find(const char *key)
{
    for (size_t i = 0; i < gx_helm_key_count; i++)
        if (!strcmp(gx_helm_keys[i].key, key))
            return &gx_helm_keys[i];
    return NULL;
}

bool gx_helm_is_branch(const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < gx_helm_key_count; i++)
        if (!strncmp(gx_helm_keys[i].key, prefix, n) && gx_helm_keys[i].key[n] == '.')
            return true;
    return false;
}

void gx_helm_kebab(const char *text, char *out, size_t size)
{
    size_t n = 0;
    if (!size)
        return;
    for (const char *p = text; *p && n + 2 < size; p++) {
        char c = *p;
        bool upper = c >= 'A' && c <= 'Z';
        if (upper) {
            /* a new word: after a lower-case letter or digit, or before the
             * last capital of a run ("CPUUtilization" -> "cpu-utilization") */
            char prev = p > text ? p[-1] : '\0';
            bool prev_lower = (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9');
            bool prev_upper = prev >= 'A' && prev <= 'Z';
            bool next_lower = p[1] >= 'a' && p[1] <= 'z';
            if (n > 0 && out[n - 1] != '/' && out[n - 1] != '-' &&
                (prev_lower || (prev_upper && next_lower)))
                out[n++] = '-';
            c = (char)(c - 'A' + 'a');
        } else if (c == '.' || c == '/') {
            c = '/';
        } else if (c == '_') {
            c = '-';
        }
        out[n++] = c;
    }
    out[n] = '\0';
}

/* The component switched by "NAME/enabled" (NAME kebab-case), or -1. */
static int gx_enabled_component(const char *kebab)
{
    size_t len = strlen(kebab);
    static const char suffix[] = "/enabled";
    if (len <= sizeof suffix - 1 || strcmp(kebab + len - (sizeof suffix - 1), suffix))
        return -1;
    char name[128];
    size_t n = len - (sizeof suffix - 1);
    if (n >= sizeof name)
        return -1;
    memcpy(name, kebab, n);
    name[n] = '\0';
    return gx_component_find(name);
}

bool gx_helm_match_path(const char *typed, gx_helm_match *out)
{
    out->field = -1;
    out->component = -1;
    out->key = NULL;
    char key[256];
    size_t n = 0;
    for (const char *p = typed; *p && n + 1 < sizeof key; p++)
        key[n++] = *p == '/' ? '.' : *p;
    key[n] = '\0';
    const gx_helm_key *k = gx_helm_find(key);
    if (k) {
        out->key = k;
        if (k->kind == GX_HELM_COMPONENT)
            out->component = gx_component_find(k->target);
        else if (k->target)
            out->field = gx_field_find(k->target);
        if (out->field < 0 && out->component < 0 && k->target)
            out->component = gx_component_find(k->target);
        return true;
    }
    char kebab[256];
    gx_helm_kebab(typed, kebab, sizeof kebab);
    out->field = gx_field_find(kebab);
    if (out->field < 0)
        out->component = gx_enabled_component(kebab);
    return out->field >= 0 || out->component >= 0;
}

/* name without case, '-' and '_' ("Sealed_Secrets" -> "sealedsecrets"). */
static void gx_squash(const char *name, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < size; p++) {
        char c = *p;
        if (c == '-' || c == '_' || c == ' ')
            continue;
        out[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
}

int gx_component_suggest(const char *name)
{
    char want[128], kebab[128];
    gx_squash(name, want, sizeof want);
    gx_helm_kebab(name, kebab, sizeof kebab);
    int c = gx_component_find(kebab);
    if (c >= 0)
        return c;
    int best = -1;
    size_t best_d = (size_t)-1;
    for (int i = 0; i < GX_COMPONENT_COUNT; i++) {
        char have[128];
        gx_squash(gx_components[i].name, have, sizeof have);
        if (!strcmp(have, want))
            return i;
        size_t d = gx_edit_distance(want, have);
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    size_t len = strlen(want);
    size_t limit = len / 3 > 2 ? len / 3 : 2;
    return best_d <= limit ? best : -1;
}

void gx_component_unknown(gx_diags *diags, const char *name, gx_remedy_kind fix)
{
    gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_UNKNOWN_COMPONENT, NULL,
                               "unknown component '%.80s'", name);
    if (!d)
        return;
    int near = gx_component_suggest(name);
    if (near >= 0) {
        char hint[200];
        snprintf(hint, sizeof hint, "did you mean '%s'?", gx_components[near].name);
        d->hint = gx_diags_strdup(diags, hint);
        d->remedy.kind = fix;
        d->remedy.arg = fix == GX_REMEDY_LIST_COMPONENTS ? NULL : gx_components[near].name;
    } else {
        d->hint = "the component list shows every component";
        d->remedy.kind = GX_REMEDY_LIST_COMPONENTS;
    }
}
