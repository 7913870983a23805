/* gx_rules_delivery — the delivery rules V21–V29 and V31 (docs/rules.md):
 * images and the registry mirror, chart values, local charts, air-gapped
 * references, endpoints the network policy would block, Pod Security, values
 * Kubernetes rejects, settings without effect, the size of rendered
 * ConfigMaps and Secrets, and the Sealed Secrets certificate; plus the V15 shapes of network-policy/extra-egress and
 * network-policy/metrics-from. The conventions are those of gx_rules.c. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_delivery.h"
#include "gx_derived.h"
#include "gx_model.h"
#include "gx_rules_impl.h"
#include "gx_yamlout.h"

#define GX_PATH(f) (gx_fields[(f)].path)

static bool gx_nonempty(const char *s)
{
    return s && *s;
}

static bool gx_scalar(const gx_node *n)
{
    return n && n->kind == GX_NODE_SCALAR;
}

/* ---- V15: network-policy shapes ----------------------------------------------------- */

/* An IPv4 or IPv6 CIDR: ADDRESS/PREFIX. */
static bool gx_cidr_ok(const char *s, size_t len)
{
    if (strlen(s) != len || len >= 64)
        return false;
    const char *slash = strchr(s, '/');
    if (!slash || slash == s || !slash[1])
        return false;
    char addr[64];
    memcpy(addr, s, (size_t)(slash - s));
    addr[slash - s] = '\0';
    unsigned char buf[16];
    int max;
    if (inet_pton(AF_INET, addr, buf) == 1)
        max = 32;
    else if (inet_pton(AF_INET6, addr, buf) == 1)
        max = 128;
    else
        return false;
    int bits = 0;
    for (const char *p = slash + 1; *p; p++) {
        if (*p < '0' || *p > '9' || p - slash > 3)
            return false;
        bits = bits * 10 + (*p - '0');
    }
    return bits <= max;
}

/* True when n is a list to check item by item; false when it is absent or
 * null (nothing to check) or no list (reported: "must be a list of WHAT").
 * example is a valid value in flow style. */
static bool gx_shape_list(const gx_shape_ctx *c, const gx_node *n, const char *what,
                          const char *example)
{
    if (!n || gx_node_is_null(n))
        return false;
    if (n->kind != GX_NODE_SEQ) {
        gx_v15(c, c->path, n, "must be a list of %s, not %s; e.g. %s", what, gx_kind_name(n),
               example);
        return false;
    }
    return true;
}

void gx_check_egress_shape(const gx_shape_ctx *c, const gx_node *n)
{
    static const char example[] = "[{cidr: 10.20.0.0/16, ports: [8200]}]";
    if (!gx_shape_list(c, n, "egress rules {cidr, ports, protocol}", example))
        return;
    for (size_t i = 0; i < n->count; i++) {
        const gx_node *e = n->items[i];
        const char *where = gx_arena_printf(c->arena, "%s[%zu]", c->path, i);
        if (e->kind != GX_NODE_MAP) {
            gx_v15(c, where, e, "an egress rule must be a map with cidr, ports and protocol, "
                   "not %s; e.g. %s", gx_kind_name(e), example);
            continue;
        }
        bool cidr_seen = false;
        for (size_t k = 0; k < e->count; k++) {
            const gx_node *key = e->keys[k], *v = e->items[k];
            if (gx_scalar(key) && !strcmp(key->text, "cidr")) {
                cidr_seen = true;
                if (!gx_scalar(v) || !gx_cidr_ok(v->text, v->len))
                    gx_v15(c, gx_arena_printf(c->arena, "%s.cidr", where), v,
                           "%s is not an IPv4 or IPv6 CIDR; write ADDRESS/PREFIX, e.g. "
                           "10.20.0.0/16",
                           gx_scalar(v) ? gx_quote_n(c->arena, v->text, v->len) : "the value");
            } else if (gx_scalar(key) && !strcmp(key->text, "ports")) {
                if (v->kind != GX_NODE_SEQ) {
                    gx_v15(c, gx_arena_printf(c->arena, "%s.ports", where), v,
                           "must be a list of port numbers, not %s; e.g. ports: [8200, 8201]",
                           gx_kind_name(v));
                    continue;
                }
                for (size_t p = 0; p < v->count; p++) {
                    const gx_node *pn = v->items[p];
                    long port = gx_is_yaml_int(pn) ? strtol(pn->text, NULL, 10) : 0;
                    if (port < 1 || port > 65535)
                        gx_v15(c, gx_arena_printf(c->arena, "%s.ports[%zu]", where, p), pn,
                               "must be a TCP or UDP port number from 1 to 65535 (unquoted)");
                }
            } else if (gx_scalar(key) && !strcmp(key->text, "protocol")) {
                if (!gx_scalar(v) ||
                    (strcmp(v->text, "TCP") && strcmp(v->text, "UDP") && strcmp(v->text, "SCTP")))
                    gx_v15(c, gx_arena_printf(c->arena, "%s.protocol", where), v,
                           "protocol must be TCP, UDP or SCTP (TCP when left out)");
            } else {
                gx_v15(c, where, key,
                       "unknown key %s; an egress rule has only cidr, ports and protocol",
                       gx_quote_n(c->arena, key->text, key->len));
            }
        }
        if (!cidr_seen)
            gx_v15(c, where, e, "cidr is missing; give the addresses the rule allows, e.g. "
                   "cidr: 10.20.0.0/16 (0.0.0.0/0 for any)");
    }
}

/* A map of label keys to label values (a selector's matchLabels). */
static void gx_check_selector(const gx_shape_ctx *c, const char *where, const gx_node *m)
{
    if (m->kind != GX_NODE_MAP) {
        gx_v15(c, where, m, "must be a map of label keys to values, not %s; e.g. "
               "{kubernetes.io/metadata.name: monitoring}", gx_kind_name(m));
        return;
    }
    for (size_t i = 0; i < m->count; i++) {
        const gx_node *k = m->keys[i], *v = m->items[i];
        const char *at = gx_arena_printf(c->arena, "%s[%s]", where,
                                         gx_quote_n(c->arena, k->text, k->len));
        const char *problem = gx_label_key_problem(c->arena, k->text, k->len);
        if (problem)
            gx_v15(c, at, k, "the key %s; a label key is an optional DNS-subdomain prefix and "
                   "'/', then a name of at most 63 letters, digits, '-', '_' and '.'", problem);
        if (!gx_scalar(v) || !gx_label_value_ok(v->text, v->len))
            gx_v15(c, at, v, "the value is not a label value: at most 63 letters, digits, '-', "
                   "'_' and '.', starting and ending with a letter or digit");
    }
}

void gx_check_peers_shape(const gx_shape_ctx *c, const gx_node *n)
{
    static const char example[] =
        "[{namespace-selector: {kubernetes.io/metadata.name: monitoring}}]";
    if (!gx_shape_list(c, n, "peers {namespace-selector, pod-selector}", example))
        return;
    for (size_t i = 0; i < n->count; i++) {
        const gx_node *e = n->items[i];
        const char *where = gx_arena_printf(c->arena, "%s[%zu]", c->path, i);
        if (e->kind != GX_NODE_MAP || e->count == 0) {
            gx_v15(c, where, e, "a peer must be a map with namespace-selector and/or "
                   "pod-selector, not %s; e.g. %s",
                   e->kind == GX_NODE_MAP ? "an empty map" : gx_kind_name(e), example);
            continue;
        }
        for (size_t k = 0; k < e->count; k++) {
            const gx_node *key = e->keys[k];
            if (gx_scalar(key) &&
                (!strcmp(key->text, "namespace-selector") || !strcmp(key->text, "pod-selector")))
                gx_check_selector(c, gx_arena_printf(c->arena, "%s.%s", where, key->text),
                                  e->items[k]);
            else
                gx_v15(c, where, key,
                       "unknown key %s; a peer has only namespace-selector and pod-selector",
                       gx_quote_n(c->arena, key->text, key->len));
        }
    }
}

/* ---- V21: images ------------------------------------------------------------------- */

#define GX_TAG_HELP                                                                           \
    "a tag is letters, digits, '_', '.' and '-', starting with a letter, digit or '_'"

void gx_rule_v21(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    const char *tag = gx_fstr(cfg, GX_F_CORE_IMAGE_TAG);
    const char *digest = gx_fstr(cfg, GX_F_CORE_IMAGE_DIGEST);
    const char *tag_path = GX_PATH(GX_F_CORE_IMAGE_TAG);
    const char *def = gx_default_of(arena, cfg, &gx_fields[GX_F_CORE_IMAGE_TAG]);
    gx_diag *d;
    const char *at = strchr(tag, '@');
    if (!*tag && !*digest) {
        d = gx_result_add(out, arena, GX_CODE_V21, tag_path, GX_BLOCKING,
                          "core/image-tag is empty and core/image-digest is not set, so the "
                          "image names no version; set core/image-tag to a released version, "
                          "e.g. %s",
                          def ? def : "0.1.0");
        gx_fix(out, d, GX_REMEDY_SET, tag_path, def);
    } else if (at) {
        const char *head = gx_arena_strndup(arena, tag, (size_t)(at - tag));
        d = gx_result_add(out, arena, GX_CODE_V21, tag_path, GX_BLOCKING,
                          "core/image-tag: %s holds a digest, which is no tag (and no label "
                          "value for app.kubernetes.io/version); set core/image-tag to the tag "
                          "(%s) and core/image-digest to the digest (%s)",
                          gx_quote(arena, tag), *head ? head : "e.g. 0.1.0",
                          gx_quote(arena, at + 1));
        gx_fix(out, d, GX_REMEDY_SET, tag_path, gx_is_oci_tag(head) && strlen(head) <= 63 ? head : def);
    } else if (*tag && !gx_is_oci_tag(tag)) {
        d = gx_result_add(out, arena, GX_CODE_V21, tag_path, GX_BLOCKING,
                          "core/image-tag: %s is not an image tag (%s, at most 128 "
                          "characters); set core/image-tag to the image's tag",
                          gx_quote(arena, tag), GX_TAG_HELP);
        gx_fix(out, d, GX_REMEDY_SET, tag_path, NULL);
    } else if (strlen(tag) > 63) {
        d = gx_result_add(out, arena, GX_CODE_V21, tag_path, GX_BLOCKING,
                          "core/image-tag is %zu characters long; it is also the "
                          "app.kubernetes.io/version label, which Kubernetes limits to 63 "
                          "characters; use a tag of at most 63 characters (pin the exact image "
                          "with core/image-digest if the tag cannot be shorter)",
                          strlen(tag));
        gx_fix(out, d, GX_REMEDY_SET, tag_path, NULL);
    }

    if (*digest && !gx_is_sha256_digest(digest)) {
        const char *path = GX_PATH(GX_F_CORE_IMAGE_DIGEST);
        d = gx_result_add(out, arena, GX_CODE_V21, path, GX_BLOCKING,
                          "core/image-digest: %s is not a digest; give sha256: followed by 64 "
                          "lower-case hex digits, as the registry reports it, or unset "
                          "core/image-digest to use core/image-tag",
                          gx_quote(arena, digest));
        gx_fix(out, d, GX_REMEDY_SET, path, NULL);
    }

    const char *mirror = gx_fstr(cfg, GX_F_CORE_REGISTRY_MIRROR);
    const char *problem = gx_registry_problem(mirror);
    if (problem) {
        const char *path = GX_PATH(GX_F_CORE_REGISTRY_MIRROR);
        d = gx_result_add(out, arena, GX_CODE_V21, path, GX_BLOCKING,
                          "core/registry-mirror: %s %s; give the mirror as host[:port][/path], "
                          "e.g. registry.example.internal:5000",
                          gx_quote(arena, mirror), problem);
        const char *fixed = NULL;
        const char *scheme = strstr(mirror, "://");
        if (scheme) {
            char *rest = gx_arena_strdup(arena, scheme + 3);
            size_t n = strlen(rest);
            while (n > 0 && rest[n - 1] == '/')
                rest[--n] = '\0';
            if (!gx_registry_problem(rest) && *rest)
                fixed = rest;
        }
        gx_fix(out, d, GX_REMEDY_SET, path, fixed);
    }

    const char *repo = gx_fstr(cfg, GX_F_CORE_IMAGE_REPOSITORY);
    problem = gx_repository_problem(repo);
    if (problem) {
        const char *path = GX_PATH(GX_F_CORE_IMAGE_REPOSITORY);
        d = gx_result_add(out, arena, GX_CODE_V21, path, GX_BLOCKING,
                          "core/image-repository: %s %s; give [registry/]path, e.g. "
                          "ghcr.io/mrwong99/glyphoxa",
                          *repo ? gx_quote(arena, repo) : "the value", problem);
        /* "host/path:1.0": the repository is what precedes the tag */
        const char *fixed = NULL;
        const char *slash = strrchr(repo, '/');
        const char *colon = strrchr(repo, ':');
        if (colon && (!slash || colon > slash)) {
            const char *head = gx_arena_strndup(arena, repo, (size_t)(colon - repo));
            if (!gx_repository_problem(head))
                fixed = head;
        }
        gx_fix(out, d, GX_REMEDY_SET, path, fixed ? fixed
                                                  : gx_default_of(arena, cfg,
                                                                  &gx_fields[GX_F_CORE_IMAGE_REPOSITORY]));
    }
}

/* ---- V22: chart values overriding the tool's -------------------------------------- */

typedef struct gx_v22_ctx {
    gx_arena *arena;
    gx_diags *out;
    int field; /* postgresql/values or sealed-secrets/values */
    const struct gx_config *cfg;
} gx_v22_ctx;

/* Where the tool takes the value of a chart key from. */
static const char *gx_v22_source(const char *keypath)
{
    static const struct {
        const char *prefix, *source;
    } map[] = {
        {"fullnameOverride", "core/release-name (names the DSN's host and the policies depend on it)"},
        {"auth.postgresPassword", "postgresql/postgres-password"},
        {"auth.database", "postgresql/database"},
        {"auth", "postgresql/postgres-password and postgresql/database"},
        {"primary.persistence.size", "postgresql/persistence-size"},
        {"primary.networkPolicy", "the network-policy component"},
        {"primary", "postgresql/persistence-size and the network-policy component"},
        {"global.imageRegistry", "postgresql/image-registry or core/registry-mirror"},
        {"global.imagePullSecrets", "core/image-pull-secrets"},
        {"global", "core/registry-mirror and core/image-pull-secrets"},
        {"image.registry", "core/registry-mirror"},
        {"image.pullSecrets", "core/image-pull-secrets"},
        {"image", "core/registry-mirror and core/image-pull-secrets"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        size_t n = strlen(map[i].prefix);
        if (!strncmp(keypath, map[i].prefix, n) && (keypath[n] == '\0' || keypath[n] == '.'))
            return map[i].source;
    }
    return "its own settings";
}

static void gx_v22_override(void *vctx, const char *keypath, const gx_node *at)
{
    gx_v22_ctx *c = vctx;
    const char *path = GX_PATH(c->field);
    gx_diag *d = gx_result_add(c->out, c->arena, GX_CODE_V22, path, GX_WARNING,
                               "%s: %s overrides a value the tool sets from %s; change that "
                               "setting instead, or keep the override if it is meant",
                               path, gx_quote(c->arena, keypath), gx_v22_source(keypath));
    gx_fix_at(c->out, d, at, path);
}

void gx_rule_v22(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (cfg->enabled[GX_C_POSTGRESQL]) {
        gx_v22_ctx c = {arena, out, GX_F_POSTGRESQL_VALUES, cfg};
        gx_values_merge(arena, gx_postgresql_values_base(arena, cfg, true),
                        cfg->postgresql.values, gx_v22_override, &c);
    }
    if (cfg->enabled[GX_C_SEALED_SECRETS]) {
        gx_v22_ctx c = {arena, out, GX_F_SEALED_SECRETS_VALUES, cfg};
        gx_values_merge(arena, gx_sealed_secrets_values_base(arena, cfg),
                        cfg->sealed_secrets.values, gx_v22_override, &c);
    }
}

/* ---- V23: local charts -------------------------------------------------------------- */

static _Thread_local const gx_validate_env *gx_env;

const gx_validate_env *gx_rules_env(const gx_validate_env *env)
{
    const gx_validate_env *old = gx_env;
    gx_env = env;
    return old;
}

static void gx_v23_chart(const struct gx_config *cfg, const gx_validate_env *env, gx_arena *arena,
                         gx_diags *out, int field, bool names_ok)
{
    const char *chart = gx_fstr(cfg, field);
    if (!*chart || gx_chart_kind_of(chart, names_ok) != GX_CHART_LOCAL)
        return;
    const char *what;
    switch (env->probe_chart(env->ctx, chart)) {
    case GX_PROBE_ARCHIVE:
    case GX_PROBE_DIRECTORY:
        return;
    case GX_PROBE_MISSING:
        what = "does not exist";
        break;
    case GX_PROBE_NOT_ARCHIVE:
        what = "is a file but no chart archive (not gzip-compressed)";
        break;
    case GX_PROBE_NO_CHART:
        what = "is a directory without a Chart.yaml";
        break;
    case GX_PROBE_OTHER:
        what = "is neither a file nor a directory";
        break;
    default:
        what = "cannot be read";
        break;
    }
    const char *path = GX_PATH(field);
    gx_diag *d = gx_result_add(out, arena, GX_CODE_V23, path, GX_BLOCKING,
                               "%s: %s %s (a path is taken relative to the workspace), so helm "
                               "cannot install it; give the path of a chart archive (helm "
                               "package) or a chart directory",
                               path, gx_quote(arena, chart), what);
    gx_fix(out, d, GX_REMEDY_SET, path, NULL);
}

void gx_rule_v23(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    /* without an environment there is no workspace to look in */
    const gx_validate_env *env = gx_env;
    if (!env || !env->probe_chart)
        return;
    if (cfg->enabled[GX_C_POSTGRESQL])
        gx_v23_chart(cfg, env, arena, out, GX_F_POSTGRESQL_CHART, false);
    if (cfg->enabled[GX_C_SEALED_SECRETS])
        gx_v23_chart(cfg, env, arena, out, GX_F_SEALED_SECRETS_CHART, true);
}

/* ---- V31: the Sealed Secrets certificate ---------------------------------------------- */

void gx_rule_v31(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (!cfg->enabled[GX_C_SEALED_SECRETS])
        return;
    const char *path = GX_PATH(GX_F_SEALED_SECRETS_CERTIFICATE);
    const char *cert = cfg->sealed_secrets.certificate;
    /* empty: the secrets are exported as plain Secrets, as without the
     * controller (the export says so); without an environment there is no
     * workspace to look in */
    const gx_validate_env *env = gx_env;
    if (!*cert || !env || !env->probe_certificate)
        return;
    const char *detail = NULL;
    gx_cert_probe probe = env->probe_certificate(env->ctx, cert, arena, &detail);
    if (probe == GX_CERT_OK)
        return;
    const char *shown = gx_quote(arena, cert);
    gx_diag *d;
    if (probe == GX_CERT_EXPIRED) {
        d = gx_result_add(out, arena, GX_CODE_V31, path, GX_WARNING,
                          "%s: the certificate in %s expired%s%s; the controller may have "
                          "renewed its key since (kubeseal refuses an expired certificate): "
                          "fetch its current certificate into %s",
                          path, shown, detail ? " on " : "", detail ? detail : "", path);
    } else {
        const char *what =
            probe == GX_CERT_MISSING      ? "does not exist (a path is taken relative to the workspace)"
            : probe == GX_CERT_UNREADABLE ? "cannot be read (not a regular file, or no permission)"
            : detail ? gx_arena_printf(arena, "holds no usable certificate (%s)", detail)
                     : "holds no usable certificate";
        d = gx_result_add(out, arena, GX_CODE_V31, path, GX_BLOCKING,
                          "%s: %s %s, so the secrets cannot be sealed; give the PEM file of the "
                          "Sealed Secrets controller's certificate (the infrastructure target "
                          "can fetch it), or unset %s to export plain Secrets",
                          path, shown, what, path);
    }
    gx_fix(out, d, GX_REMEDY_SET, path, NULL);
}

/* ---- V24: air-gapped ------------------------------------------------------------------ */

/* The host of the mirror (what precedes its first '/'), or "". */
static const char *gx_mirror_host(gx_arena *arena, const struct gx_config *cfg)
{
    const char *m = gx_fstr(cfg, GX_F_CORE_REGISTRY_MIRROR);
    return gx_arena_strndup(arena, m, strcspn(m, "/"));
}

static bool gx_same_host(const char *a, const char *b)
{
    return *a && *b && strcasecmp(a, b) == 0;
}

/* An image registry counts as reachable when it is the mirror (or below it),
 * or explicitly a registry that is not a well-known public one. */
static bool gx_registry_ok(const struct gx_config *cfg, const char *registry)
{
    const char *mirror = gx_fstr(cfg, GX_F_CORE_REGISTRY_MIRROR);
    if (gx_registry_under(registry, mirror))
        return true;
    return gx_nonempty(registry) && !gx_host_is_public(registry);
}

static gx_diag *gx_v24_add(gx_arena *arena, gx_diags *out, int field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static gx_diag *gx_v24_add(gx_arena *arena, gx_diags *out, int field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *msg = gx_arena_vprintf(arena, fmt, ap);
    va_end(ap);
    gx_diag *d = gx_result_add(out, arena, GX_CODE_V24, GX_PATH(field), GX_BLOCKING,
                               "core/air-gapped is on, but %s", msg);
    gx_fix(out, d, GX_REMEDY_SET, GX_PATH(field), NULL);
    return d;
}

/* A chart reference: local paths are fine; oci:// only on a registry that is
 * not public (or the mirror's host); http(s):// only on the mirror's host. */
static void gx_v24_chart(const struct gx_config *cfg, gx_arena *arena, gx_diags *out, int field,
                         int repo_field)
{
    const char *chart = gx_fstr(cfg, field);
    const char *mhost = gx_mirror_host(arena, cfg);
    gx_chart_kind kind = gx_chart_kind_of(chart, repo_field >= 0);
    if (kind == GX_CHART_LOCAL)
        return;
    /* where the chart comes from: a chart name from its repository */
    const char *repo = kind == GX_CHART_NAME ? gx_fstr(cfg, repo_field) : chart;
    const char *host = gx_ref_host(arena, repo);
    if (gx_same_host(host, mhost) || (kind == GX_CHART_OCI && *host && !gx_host_is_public(host)))
        return;
    switch (kind) {
    case GX_CHART_OCI:
        gx_v24_add(arena, out, field,
                   "%s is the chart %s on the public registry %s; use the chart from the "
                   "mirror (oci://%s/...) or a local chart archive",
                   GX_PATH(field), gx_quote(arena, chart), *host ? host : "(none)",
                   *mhost ? mhost : "MIRROR");
        break;
    case GX_CHART_URL:
        gx_v24_add(arena, out, field,
                   "%s is the chart URL %s outside the mirror; use a local chart archive or "
                   "one served by the mirror",
                   GX_PATH(field), gx_quote(arena, chart));
        break;
    default: /* GX_CHART_NAME */
        gx_v24_add(arena, out, repo_field,
                   "%s (the repository of the chart %s) is %s, outside the mirror; use a "
                   "local chart archive in %s, or a repository the mirror serves",
                   GX_PATH(repo_field), gx_quote(arena, chart),
                   *repo ? gx_quote(arena, repo) : "empty", GX_PATH(field));
        break;
    }
}

void gx_rule_v24(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (!cfg->core.air_gapped)
        return;
    const char *mirror = gx_fstr(cfg, GX_F_CORE_REGISTRY_MIRROR);

    /* the Glyphoxa image */
    const char *repo = gx_image_repository(arena, cfg);
    const char *registry = gx_image_registry(arena, repo, NULL);
    if (!gx_registry_ok(cfg, registry))
        gx_v24_add(arena, out, GX_F_CORE_REGISTRY_MIRROR,
                   "the Glyphoxa image %s comes from %s%s; set core/registry-mirror to the "
                   "registry that mirrors the images",
                   gx_quote(arena, gx_image_ref(arena, cfg)),
                   *registry ? registry : "Docker Hub (no registry in core/image-repository)",
                   *mirror ? "" : " and core/registry-mirror is empty");

    if (cfg->enabled[GX_C_POSTGRESQL]) {
        const gx_node *values = gx_values_merge(arena, gx_postgresql_values_base(arena, cfg, true),
                                                cfg->postgresql.values, NULL, NULL);
        const gx_node *g = gx_values_at(values, "global.imageRegistry");
        const gx_node *r = gx_values_at(values, "image.registry");
        const char *reg = gx_scalar(g) && g->len ? g->text
                          : gx_scalar(r) && r->len ? r->text
                                                   : "docker.io";
        if (!gx_registry_ok(cfg, reg)) {
            bool user = gx_values_at(cfg->postgresql.values, "global.imageRegistry") ||
                        gx_values_at(cfg->postgresql.values, "image.registry");
            int field = user ? GX_F_POSTGRESQL_VALUES
                        : *gx_fstr(cfg, GX_F_POSTGRESQL_IMAGE_REGISTRY) ? GX_F_POSTGRESQL_IMAGE_REGISTRY
                                                                        : GX_F_CORE_REGISTRY_MIRROR;
            gx_v24_add(arena, out, field,
                       "the PostgreSQL chart's images come from the public registry %s; set "
                       "core/registry-mirror (or postgresql/image-registry) to the registry "
                       "that mirrors them",
                       reg);
        }
        gx_v24_chart(cfg, arena, out, GX_F_POSTGRESQL_CHART, -1);
    }
    if (cfg->enabled[GX_C_SEALED_SECRETS]) {
        const gx_node *values = gx_values_merge(arena, gx_sealed_secrets_values_base(arena, cfg),
                                                cfg->sealed_secrets.values, NULL, NULL);
        const gx_node *r = gx_values_at(values, "image.registry");
        const char *reg = gx_scalar(r) && r->len ? r->text : "docker.io";
        if (!gx_registry_ok(cfg, reg)) {
            bool user = gx_values_at(cfg->sealed_secrets.values, "image.registry") != NULL;
            gx_v24_add(arena, out, user ? GX_F_SEALED_SECRETS_VALUES : GX_F_CORE_REGISTRY_MIRROR,
                       "the Sealed Secrets controller's image comes from the public registry "
                       "%s; set core/registry-mirror to the registry that mirrors it",
                       reg);
        }
        gx_v24_chart(cfg, arena, out, GX_F_SEALED_SECRETS_CHART, GX_F_SEALED_SECRETS_REPOSITORY);
    }
}

/* ---- V25: endpoints the network policy would block ---------------------------------- */

static const char *const gx_pod_names[] = {"gateway", "worker", "MCP gateway"};

static const char *gx_pods_text(gx_arena *arena, unsigned pods)
{
    const char *s = "";
    int n = 0;
    for (int p = 0; p < 3; p++)
        if (pods & (1u << p))
            s = gx_arena_printf(arena, "%s%s%s", s, n++ ? " and " : "", gx_pod_names[p]);
    return s;
}

static void gx_v25_fix(gx_diags *out, gx_diag *d, const gx_endpoint_use *u)
{
    if (u->at)
        gx_fix_at(out, d, u->at, GX_PATH(u->field));
    else
        gx_fix(out, d, GX_REMEDY_SET, GX_PATH(u->field), NULL);
}

void gx_rule_v25(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (!cfg->enabled[GX_C_NETWORK_POLICY])
        return;
    const char *R = cfg->core.release_name, *N = cfg->core.namespace;
    gx_endpoint_use *uses;
    size_t n = gx_endpoints_of(arena, cfg, &uses);
    for (size_t i = 0; i < n; i++) {
        const gx_endpoint_use *u = &uses[i];
        if (u->bundled)
            continue; /* the bundled PostgreSQL admits the gateway and workers */
        const char *what = u->secret ? gx_arena_printf(arena, "the host of %s", u->where)
                                     : gx_quote(arena, u->ep.host);
        if (u->ep.port == 0) {
            gx_diag *d = gx_result_add(
                out, arena, GX_CODE_V25, GX_PATH(u->field), GX_WARNING,
                "%s: the port of %s cannot be told (no port and no known scheme), so the "
                "%s's network policy does not allow it; write the port into the value "
                "(host:port), or allow it in network-policy/extra-egress",
                u->where, what, gx_pods_text(arena, u->pods));
            gx_v25_fix(out, d, u);
            continue;
        }
        const char *svc = gx_host_service_in(arena, u->ep.host, N);
        if (!svc)
            continue;
        const char *gw = gx_arena_printf(arena, "%s-gateway", R);
        const char *mcp = gx_arena_printf(arena, "%s-mcp-gateway", R);
        if (!strcmp(svc, gw) || (!strcmp(svc, mcp) && cfg->enabled[GX_C_MCP_GATEWAY]))
            continue;
        gx_diag *d = gx_result_add(
            out, arena, GX_CODE_V25, GX_PATH(u->field), GX_WARNING,
            "%s: %s is a Service in the release's namespace %s, where the NetworkPolicy "
            "%s-default-deny blocks every connection to pods the tool does not manage; give "
            "that workload a NetworkPolicy that admits the %s pods on port %d, or move it to "
            "another namespace",
            u->where, u->secret ? what : gx_quote(arena, svc), N, R,
            gx_pods_text(arena, u->pods), u->ep.port);
        gx_v25_fix(out, d, u);
    }
    const char *audio = gx_fstr(cfg, GX_F_CONFIG_PROVIDERS_AUDIO_NAME);
    if (!cfg->network_policy.allow_voice_udp && (!strcmp(audio, "discord") || !strcmp(audio, "webrtc"))) {
        gx_field_result(out, arena, GX_CODE_V25, GX_F_NETWORK_POLICY_ALLOW_VOICE_UDP, GX_WARNING,
                        GX_REMEDY_SET, "true",
                        "network-policy/allow-voice-udp is off, but config/providers/audio/name "
                        "is %s, whose voice runs over UDP: the worker's network policy would "
                        "block it; turn network-policy/allow-voice-udp on",
                        audio);
    }
}

/* ---- V26: Pod Security ------------------------------------------------------------------ */

void gx_rule_v26(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (cfg->core.create_namespace)
        return;
    gx_field_result(out, arena, GX_CODE_V26, GX_F_CORE_CREATE_NAMESPACE, GX_WARNING,
                    GX_REMEDY_SET, "true",
                    "core/create-namespace is off, so the tool does not set the Pod Security "
                    "labels of namespace %s (pod-security.kubernetes.io/enforce, audit and "
                    "warn: restricted); label the namespace that way yourself, or turn "
                    "core/create-namespace on",
                    cfg->core.namespace);
}

/* ---- V27: values Kubernetes rejects or that cannot run -------------------------------- */

static bool gx_dns_subdomain(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253 || !gx_pattern_match(GX_PATTERN_LABEL_PREFIX, s))
        return false;
    for (const char *p = s; *p;) {
        size_t seg = strcspn(p, ".");
        if (seg > 63)
            return false;
        p += seg + (p[seg] == '.');
    }
    return true;
}

void gx_rule_v27(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (cfg->core.run_as_user == 0) {
        gx_field_result(out, arena, GX_CODE_V27, GX_F_CORE_RUN_AS_USER, GX_BLOCKING,
                        GX_REMEDY_SET, "65532",
                        "core/run-as-user is 0 (root), which contradicts the pods' runAsNonRoot: "
                        "the kubelet refuses to start their containers; set core/run-as-user to "
                        "a non-root user, e.g. 65532 (the image's nonroot user)");
    }
    const char *name = gx_fstr(cfg, GX_F_GATEWAY_SERVICE_ACCOUNT_NAME);
    const char *path = GX_PATH(GX_F_GATEWAY_SERVICE_ACCOUNT_NAME);
    const char *def = gx_default_of(arena, cfg, &gx_fields[GX_F_GATEWAY_SERVICE_ACCOUNT_NAME]);
    gx_diag *d = NULL;
    if (!*name && cfg->gateway.service_account.create)
        d = gx_result_add(out, arena, GX_CODE_V27, path, GX_BLOCKING,
                          "gateway/service-account/name is empty while "
                          "gateway/service-account/create is on: Kubernetes rejects a "
                          "ServiceAccount without a name; set gateway/service-account/name, "
                          "e.g. %s",
                          def ? def : "glyphoxa-gateway");
    else if (*name && !gx_dns_subdomain(name))
        d = gx_result_add(out, arena, GX_CODE_V27, path, GX_BLOCKING,
                          "gateway/service-account/name: %s is not a DNS subdomain, which "
                          "Kubernetes requires of a ServiceAccount name; use lowercase "
                          "letters, digits, '-' and '.', starting and ending with a letter or "
                          "digit, at most 253 characters, e.g. %s",
                          gx_quote(arena, name), def ? def : "glyphoxa-gateway");
    gx_fix(out, d, GX_REMEDY_SET, path, def);
}

/* ---- V28: settings without effect ------------------------------------------------------ */

/* True when the value of f differs from its schema default. */
static bool gx_differs_from_default(gx_arena *arena, const struct gx_config *cfg, int f)
{
    const gx_field *fd = &gx_fields[f];
    gx_value def;
    gx_diags diags = GX_DIAGS_INIT;
    const char *text = fd->default_text;
    bool ok = gx_value_parse(arena, f, strcmp(text, "\"\"") ? text : "", &def, &diags);
    gx_diags_free(&diags);
    if (!ok)
        return false;
    gx_value v = gx_config_get(cfg, f);
    switch (fd->type) {
    case GX_T_INT:
        return v.i != def.i;
    case GX_T_MAP:
        if (v.map.count != def.map.count)
            return true;
        for (size_t i = 0; i < v.map.count; i++)
            if (strcmp(v.map.keys[i], def.map.keys[i]) || strcmp(v.map.values[i], def.map.values[i]))
                return true;
        return false;
    case GX_T_YAML:
        return !gx_node_equal(v.node, def.node);
    default:
        return false;
    }
}

void gx_rule_v28(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (cfg->worker.resource_profile != GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM) {
        static const int gpu[] = {GX_F_WORKER_GPU_NODE_SELECTOR, GX_F_WORKER_GPU_TOLERATIONS,
                                  GX_F_WORKER_GPU_COUNT};
        const gx_field *pf = &gx_fields[GX_F_WORKER_RESOURCE_PROFILE];
        int prof = cfg->worker.resource_profile;
        const char *profile =
            prof >= 0 && (size_t)prof < pf->choice_count ? pf->choices[prof] : "another";
        for (size_t i = 0; i < sizeof gpu / sizeof *gpu; i++) {
            if (!gx_differs_from_default(arena, cfg, gpu[i]))
                continue;
            const char *path = GX_PATH(gpu[i]);
            gx_diag *d = gx_result_add(out, arena, GX_CODE_V28, path, GX_WARNING,
                                       "%s is set, but it applies only with "
                                       "worker/resource-profile local-llm, and the profile is "
                                       "%s; unset %s, or set worker/resource-profile to "
                                       "local-llm",
                                       path, profile, path);
            gx_fix(out, d, GX_REMEDY_UNSET, path, NULL);
        }
    }
    if (cfg->enabled[GX_C_AUTOSCALING] &&
        gx_differs_from_default(arena, cfg, GX_F_GATEWAY_REPLICA_COUNT)) {
        /* the default of the topology counts as not set */
        const gx_field *fd = &gx_fields[GX_F_GATEWAY_REPLICA_COUNT];
        const char *topo_def = gx_default_of(arena, cfg, fd);
        if (!topo_def || strtoll(topo_def, NULL, 10) != cfg->gateway.replica_count) {
            const char *path = fd->path;
            gx_diag *d = gx_result_add(out, arena, GX_CODE_V28, path, GX_WARNING,
                                       "gateway/replica-count is %lld, but with the autoscaling "
                                       "component on the Deployment has no replica count: the "
                                       "HorizontalPodAutoscaler keeps it between "
                                       "autoscaling/min-replicas and autoscaling/max-replicas; "
                                       "unset gateway/replica-count, or set those instead",
                                       (long long)cfg->gateway.replica_count);
            gx_fix(out, d, GX_REMEDY_UNSET, path, NULL);
        }
    }
}

/* ---- V29: ConfigMap and Secret size ------------------------------------------------------- */

/* The bytes the value of field f takes when written as YAML at indent. */
static size_t gx_yaml_size(const struct gx_config *cfg, int f, int indent)
{
    gx_value v = gx_config_get(cfg, f);
    gx_buf b = GX_BUF_INIT;
    switch (gx_fields[f].type) {
    case GX_T_YAML:
        gx_yaml_node(&b, v.node, indent, true);
        break;
    case GX_T_MAP:
        gx_yaml_map(&b, &v.map, indent, true);
        break;
    case GX_T_LIST:
        gx_yaml_list(&b, &v.list, indent, true);
        break;
    case GX_T_STRING:
    case GX_T_QUANTITY:
        gx_yaml_str(&b, v.s);
        break;
    default:
        break;
    }
    size_t n = b.len;
    gx_buf_free(&b);
    return n;
}

static void gx_v29_add(const struct gx_config *cfg, gx_arena *arena, gx_diags *out,
                       const char *object, size_t size, int largest, size_t part)
{
    const char *path = GX_PATH(largest);
    gx_diag *d = gx_result_add(out, arena, GX_CODE_V29, path, GX_BLOCKING,
                               "%s would hold %zu bytes, over Kubernetes' limit of %d bytes for "
                               "the data of a ConfigMap or Secret, and the apply would fail; %s "
                               "makes up %zu bytes of it: make it smaller",
                               object, size, GX_K8S_OBJECT_DATA_MAX, path, part);
    if (gx_fields[largest].type == GX_T_YAML)
        gx_fix_at(out, d, gx_config_get(cfg, largest).node, path);
    else
        gx_fix(out, d, GX_REMEDY_SET, path, NULL);
}

void gx_rule_v29(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    const char *R = cfg->core.release_name;

    /* R-config: the application config, as a ConfigMap or a Secret */
    gx_buf b = GX_BUF_INIT;
    gx_app_config_write(cfg, &b);
    size_t size = b.len;
    gx_buf_free(&b);
    if (size > GX_K8S_OBJECT_DATA_MAX) {
        int largest = -1;
        size_t best = 0;
        for (int f = 0; f < GX_FIELD_COUNT; f++) {
            if (strncmp(gx_fields[f].path, "config/", 7) != 0)
                continue;
            /* the indentation the application config writes it at */
            int indent = f == GX_F_CONFIG_NPCS ? 0 : f == GX_F_CONFIG_MCP_SERVERS ? 2 : 4;
            size_t n = gx_yaml_size(cfg, f, indent);
            if (n > best)
                best = n, largest = f;
        }
        if (largest >= 0)
            gx_v29_add(cfg, arena, out, gx_arena_printf(arena, "the application config %s-config", R),
                       size, largest, best);
    }

    /* R-secrets: the admin key, the DSN and the Vault token */
    static const int secrets[] = {GX_F_GATEWAY_ADMIN_KEY, GX_F_DATABASE_DSN, GX_F_VAULT_TOKEN};
    size = 0;
    int largest = -1;
    size_t best = 0;
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
        size_t n = strlen(gx_fstr(cfg, secrets[i]));
        size += n;
        if (n > best)
            best = n, largest = secrets[i];
    }
    if (size > GX_K8S_OBJECT_DATA_MAX && largest >= 0)
        gx_v29_add(cfg, arena, out, gx_arena_printf(arena, "the Secret %s-secrets", R), size,
                   largest, best);

    /* R-worker-job-template: the Job (about 6 KiB) with the worker's scheduling */
    static const int job[] = {GX_F_WORKER_TOLERATIONS, GX_F_WORKER_GPU_TOLERATIONS,
                              GX_F_WORKER_NODE_SELECTOR, GX_F_WORKER_GPU_NODE_SELECTOR,
                              GX_F_CORE_IMAGE_PULL_SECRETS};
    size = 6 * 1024;
    largest = -1;
    best = 0;
    for (size_t i = 0; i < sizeof job / sizeof *job; i++) {
        size_t n = gx_yaml_size(cfg, job[i], 12);
        size += n;
        if (n > best)
            best = n, largest = job[i];
    }
    if (size > GX_K8S_OBJECT_DATA_MAX && largest >= 0)
        gx_v29_add(cfg, arena, out,
                   gx_arena_printf(arena, "the ConfigMap %s-worker-job-template", R), size,
                   largest, best);
}
