/* gx_delivery — images, charts, chart values, endpoints and egress. See
 * gx_delivery.h. */
#include "gx_delivery.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small text helpers ------------------------------------------------------------ */

static bool gx_d_nonempty(const char *s)
{
    return s && *s;
}

static bool gx_d_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool gx_d_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static bool gx_d_prefix_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- node building --------------------------------------------------------------- */

/* Collections built here grow by doubling; the capacity follows from the
 * count (the next power of two, at least 4), so no member of gx_node has to
 * hold it. Only nodes built here are appended to, never parsed ones. */
static gx_node *gx_d_new(gx_arena *arena, gx_node_kind kind)
{
    gx_node *n = gx_arena_alloc(arena, sizeof *n);
    n->kind = kind;
    n->text = "";
    return n;
}

static gx_node *gx_d_str(gx_arena *arena, const char *s)
{
    gx_node *n = gx_d_new(arena, GX_NODE_SCALAR);
    n->text = s ? s : "";
    n->len = strlen(n->text);
    n->plain = false; /* a string: gx_yaml_node quotes it when needed */
    return n;
}

static gx_node *gx_d_int(gx_arena *arena, long long v)
{
    gx_node *n = gx_d_new(arena, GX_NODE_SCALAR);
    n->text = gx_arena_printf(arena, "%lld", v);
    n->len = strlen(n->text);
    n->plain = true; /* written plain: an int */
    return n;
}

static gx_node *gx_d_bool(gx_arena *arena, bool v)
{
    gx_node *n = gx_d_new(arena, GX_NODE_SCALAR);
    n->text = v ? "true" : "false";
    n->len = strlen(n->text);
    n->plain = true;
    return n;
}

static void gx_d_grow(gx_arena *arena, gx_node *n)
{
    size_t c = n->count;
    if (c != 0 && (c < 4 || (c & (c - 1)) != 0))
        return; /* room left: the capacity is the next power of two (at least 4) */
    size_t cap = c ? c * 2 : 4;
    gx_node **items = gx_arena_alloc(arena, cap * sizeof *items);
    if (c)
        memcpy(items, n->items, c * sizeof *items);
    n->items = items;
    if (n->kind == GX_NODE_MAP) {
        gx_node **keys = gx_arena_alloc(arena, cap * sizeof *keys);
        if (c)
            memcpy(keys, n->keys, c * sizeof *keys);
        n->keys = keys;
    }
}

static void gx_d_add(gx_arena *arena, gx_node *seq, gx_node *item)
{
    gx_d_grow(arena, seq);
    seq->items[seq->count++] = item;
}

static void gx_d_put_node(gx_arena *arena, gx_node *map, gx_node *key, gx_node *value)
{
    gx_d_grow(arena, map);
    map->keys[map->count] = key;
    map->items[map->count] = value;
    map->count++;
}

static void gx_d_put(gx_arena *arena, gx_node *map, const char *key, gx_node *value)
{
    gx_d_put_node(arena, map, gx_d_str(arena, key), value);
}

/* Copies a map node so that keys can be added and replaced (children shared). */
static gx_node *gx_d_copy_map(gx_arena *arena, const gx_node *map)
{
    gx_node *n = gx_d_new(arena, GX_NODE_MAP);
    for (size_t i = 0; map && map->kind == GX_NODE_MAP && i < map->count; i++)
        gx_d_put_node(arena, n, map->keys[i], map->items[i]);
    return n;
}

static long gx_d_find_key(const gx_node *map, const char *key, size_t len)
{
    for (size_t i = 0; map && map->kind == GX_NODE_MAP && i < map->count; i++) {
        const gx_node *k = map->keys[i];
        if (k->kind == GX_NODE_SCALAR && k->len == len && memcmp(k->text, key, len) == 0)
            return (long)i;
    }
    return -1;
}

/* ---- images ------------------------------------------------------------------------ */

const char *gx_image_registry(gx_arena *arena, const char *repository, const char **rest)
{
    const char *repo = repository ? repository : "";
    const char *slash = strchr(repo, '/');
    if (slash) {
        size_t n = (size_t)(slash - repo);
        bool host = memchr(repo, '.', n) || memchr(repo, ':', n) ||
                    (n == 9 && memcmp(repo, "localhost", 9) == 0);
        if (host) {
            if (rest)
                *rest = slash + 1;
            return gx_arena_strndup(arena, repo, n);
        }
    }
    if (rest)
        *rest = slash ? repo : gx_arena_printf(arena, "library/%s", repo);
    return "";
}

bool gx_registry_under(const char *reg, const char *mirror)
{
    if (!gx_d_nonempty(reg) || !gx_d_nonempty(mirror))
        return false;
    size_t n = strlen(mirror);
    while (n > 0 && mirror[n - 1] == '/')
        n--;
    return strncmp(reg, mirror, n) == 0 && (reg[n] == '\0' || reg[n] == '/');
}

const char *gx_image_repository(gx_arena *arena, const struct gx_config *cfg)
{
    const char *repo = cfg->core.image_repository ? cfg->core.image_repository : "";
    const char *mirror = cfg->core.registry_mirror;
    if (!gx_d_nonempty(mirror) || gx_registry_under(repo, mirror))
        return repo;
    const char *rest = NULL;
    gx_image_registry(arena, repo, &rest);
    size_t n = strlen(mirror);
    while (n > 0 && mirror[n - 1] == '/')
        n--;
    return gx_arena_printf(arena, "%.*s/%s", (int)n, mirror, rest);
}

const char *gx_image_ref(gx_arena *arena, const struct gx_config *cfg)
{
    const char *repo = gx_image_repository(arena, cfg);
    if (gx_d_nonempty(cfg->core.image_digest))
        return gx_arena_printf(arena, "%s@%s", repo, cfg->core.image_digest);
    return gx_arena_printf(arena, "%s:%s", repo, cfg->core.image_tag ? cfg->core.image_tag : "");
}

const char *gx_version_label(gx_arena *arena, const char *tag)
{
    const char *t = tag ? tag : "";
    size_t len = strcspn(t, "@");
    char *s = gx_arena_strndup(arena, t, len);
    for (size_t i = 0; i < len; i++)
        if (!gx_d_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
            s[i] = '-';
    size_t start = 0;
    while (start < len && !gx_d_alnum(s[start]))
        start++;
    size_t end = len;
    if (end - start > 63)
        end = start + 63;
    while (end > start && !gx_d_alnum(s[end - 1]))
        end--;
    s[end] = '\0';
    return s + start;
}

bool gx_is_sha256_digest(const char *s)
{
    if (!s || strncmp(s, "sha256:", 7) != 0)
        return false;
    s += 7;
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return false;
    return n == 64;
}

bool gx_is_oci_tag(const char *s)
{
    if (!s || !*s || !(gx_d_alnum(*s) || *s == '_'))
        return false;
    size_t n = 1;
    for (; s[n]; n++)
        if (!(gx_d_alnum(s[n]) || s[n] == '_' || s[n] == '.' || s[n] == '-'))
            return false;
    return n <= 128;
}

/* A DNS host name, or an IPv4 address: labels of letters, digits and '-'. */
static bool gx_d_hostname(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
        } else if (gx_d_alnum(c) || c == '-') {
            if (label == 0 && c == '-')
                return false;
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return label > 0 && s[n - 1] != '-';
}

/* A path component of a repository: [a-z0-9]+ separated by '.', '_', '__' or '-'s. */
static bool gx_d_path_component(const char *s, size_t n)
{
    if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return false;
    char last = s[n - 1];
    if (!((last >= 'a' && last <= 'z') || (last >= '0' && last <= '9')))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
        if (c == '.' && i + 1 < n && (s[i + 1] == '.' || s[i + 1] == '_' || s[i + 1] == '-'))
            return false;
    }
    return true;
}

/* What is wrong with host[:port] (n bytes), or NULL. */
static const char *gx_d_hostport_problem(const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    size_t hn = colon ? (size_t)(colon - s) : n;
    if (!gx_d_hostname(s, hn))
        return "has no valid host name before the first '/'";
    if (colon) {
        size_t pn = n - hn - 1;
        if (pn == 0 || pn > 5)
            return "has an invalid port";
        long port = 0;
        for (size_t i = 0; i < pn; i++) {
            char c = colon[1 + i];
            if (c < '0' || c > '9')
                return "has an invalid port";
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535)
            return "has a port outside 1-65535";
    }
    return NULL;
}

const char *gx_registry_problem(const char *s)
{
    if (!s || !*s)
        return NULL;
    if (strstr(s, "://"))
        return "starts with a scheme; give only host[:port][/path]";
    size_t n = strlen(s);
    if (s[n - 1] == '/')
        return "ends with '/'";
    size_t hn = strcspn(s, "/");
    const char *p = gx_d_hostport_problem(s, hn);
    if (p)
        return p;
    for (const char *c = s + hn; *c == '/';) {
        c++;
        size_t cn = strcspn(c, "/");
        if (!gx_d_path_component(c, cn))
            return "has a path part that is not lower-case letters, digits, '.', '_' and '-'";
        c += cn;
    }
    return NULL;
}

const char *gx_repository_problem(const char *s)
{
    if (!s || !*s)
        return "is empty";
    if (strstr(s, "://"))
        return "starts with a scheme; give [registry/]path";
    if (strchr(s, '@'))
        return "holds a digest; give the digest in core/image-digest";
    gx_arena *arena = gx_arena_new();
    const char *rest = NULL;
    const char *reg = gx_image_registry(arena, s, &rest);
    const char *problem = NULL;
    if (*reg)
        problem = gx_d_hostport_problem(reg, strlen(reg));
    for (const char *c = rest; !problem && c && *c;) {
        size_t cn = strcspn(c, "/");
        if (memchr(c, ':', cn))
            problem = "holds a tag; give the tag in core/image-tag";
        else if (!gx_d_path_component(c, cn))
            problem = "has a path part that is not lower-case letters, digits, '.', '_' and '-'";
        c += cn;
        if (*c == '/')
            c++;
        else
            break;
    }
    gx_arena_free(arena);
    return problem;
}

bool gx_host_is_public(const char *host)
{
    static const char *const exact[] = {
        "docker.io",          "registry-1.docker.io", "index.docker.io", "ghcr.io",
        "quay.io",            "gcr.io",               "registry.k8s.io", "k8s.gcr.io",
        "mcr.microsoft.com",  "public.ecr.aws",       "registry.gitlab.com", "nvcr.io",
        "cgr.dev",            "docker.pkg.github.com", "github.com",      "raw.githubusercontent.com",
        "charts.bitnami.com", "registry.hub.docker.com", NULL};
    static const char *const suffix[] = {".gcr.io", ".pkg.dev", ".github.io", ".docker.io",
                                         ".quay.io", NULL};
    if (!host)
        return false;
    size_t n = strcspn(host, ":/");
    char h[256];
    if (n == 0 || n >= sizeof h)
        return false;
    for (size_t i = 0; i < n; i++)
        h[i] = (char)tolower((unsigned char)host[i]);
    h[n] = '\0';
    for (size_t i = 0; exact[i]; i++)
        if (strcmp(h, exact[i]) == 0)
            return true;
    for (size_t i = 0; suffix[i]; i++)
        if (gx_d_suffix(h, suffix[i]))
            return true;
    return false;
}

/* ---- charts ------------------------------------------------------------------------- */

gx_chart_kind gx_chart_kind_of(const char *chart, bool names_ok)
{
    const char *c = chart ? chart : "";
    if (gx_d_prefix_ci(c, "oci://"))
        return GX_CHART_OCI;
    if (gx_d_prefix_ci(c, "https://") || gx_d_prefix_ci(c, "http://"))
        return GX_CHART_URL;
    if (names_ok && *c && !strchr(c, '/') && !gx_d_suffix(c, ".tgz") &&
        !gx_d_suffix(c, ".tar.gz"))
        return GX_CHART_NAME;
    return GX_CHART_LOCAL;
}

const char *gx_ref_host(gx_arena *arena, const char *ref)
{
    const char *s = strstr(ref ? ref : "", "://");
    if (!s)
        return "";
    s += 3;
    size_t n = strcspn(s, "/?#");
    const char *at = memchr(s, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - s);
        s = at + 1;
    }
    return gx_arena_strndup(arena, s, n);
}

/* ---- Helm values ---------------------------------------------------------------------- */

static gx_node *gx_d_names(gx_arena *arena, const gx_list *l)
{
    gx_node *seq = gx_d_new(arena, GX_NODE_SEQ);
    for (size_t i = 0; l && i < l->count; i++)
        gx_d_add(arena, seq, gx_d_str(arena, l->items[i]));
    return seq;
}

/* Selector labels of a Glyphoxa pod: name, instance, component (sorted). */
static gx_node *gx_d_selector(gx_arena *arena, const struct gx_config *cfg, const char *component)
{
    gx_node *m = gx_d_new(arena, GX_NODE_MAP);
    gx_d_put(arena, m, "app.kubernetes.io/component", gx_d_str(arena, component));
    gx_d_put(arena, m, "app.kubernetes.io/instance", gx_d_str(arena, cfg->core.release_name));
    gx_d_put(arena, m, "app.kubernetes.io/name", gx_d_str(arena, "glyphoxa"));
    return m;
}

/* - podSelector: {matchLabels: SELECTOR of component} */
static gx_node *gx_d_pod_peer(gx_arena *arena, const struct gx_config *cfg, const char *component)
{
    gx_node *ps = gx_d_new(arena, GX_NODE_MAP);
    gx_d_put(arena, ps, "matchLabels", gx_d_selector(arena, cfg, component));
    gx_node *peer = gx_d_new(arena, GX_NODE_MAP);
    gx_d_put(arena, peer, "podSelector", ps);
    return peer;
}

bool gx_secrets_sealed(const struct gx_config *cfg)
{
    return cfg->enabled[GX_C_SEALED_SECRETS] && gx_d_nonempty(cfg->sealed_secrets.certificate);
}

gx_node *gx_postgresql_values_base(gx_arena *arena, const struct gx_config *cfg,
                                   bool with_password)
{
    gx_node *root = gx_d_new(arena, GX_NODE_MAP);
    gx_d_put(arena, root, "fullnameOverride",
             gx_d_str(arena, gx_arena_printf(arena, "%s-postgresql", cfg->core.release_name)));
    gx_node *auth = gx_d_new(arena, GX_NODE_MAP);
    if (with_password && gx_secrets_sealed(cfg)) {
        /* the password stays out of generated/: the chart reads it from the
         * Secret that the controller unseals from generated/postgresql-auth.yaml */
        gx_d_put(arena, auth, "existingSecret",
                 gx_d_str(arena, gx_arena_printf(arena, "%s" GX_POSTGRESQL_AUTH_SUFFIX,
                                                 cfg->core.release_name)));
        gx_node *keys = gx_d_new(arena, GX_NODE_MAP);
        gx_d_put(arena, keys, "adminPasswordKey", gx_d_str(arena, GX_POSTGRESQL_AUTH_KEY));
        gx_d_put(arena, auth, "secretKeys", keys);
    } else if (with_password) {
        gx_d_put(arena, auth, "postgresPassword",
                 gx_d_str(arena, cfg->postgresql.postgres_password));
    }
    gx_d_put(arena, auth, "database", gx_d_str(arena, cfg->postgresql.database));
    gx_d_put(arena, root, "auth", auth);

    gx_node *primary = gx_d_new(arena, GX_NODE_MAP);
    gx_node *persistence = gx_d_new(arena, GX_NODE_MAP);
    gx_d_put(arena, persistence, "size", gx_d_str(arena, cfg->postgresql.persistence_size));
    gx_d_put(arena, primary, "persistence", persistence);
    if (cfg->enabled[GX_C_NETWORK_POLICY]) {
        /* the chart's own policy, closed: PostgreSQL is reached by the gateway
         * and the workers only, and reaches nothing but DNS */
        gx_node *np = gx_d_new(arena, GX_NODE_MAP);
        gx_d_put(arena, np, "enabled", gx_d_bool(arena, true));
        gx_d_put(arena, np, "allowExternal", gx_d_bool(arena, false));
        gx_d_put(arena, np, "allowExternalEgress", gx_d_bool(arena, false));
        gx_node *port = gx_d_new(arena, GX_NODE_MAP);
        gx_d_put(arena, port, "port", gx_d_int(arena, 5432));
        gx_node *ports = gx_d_new(arena, GX_NODE_SEQ);
        gx_d_add(arena, ports, port);
        gx_node *from = gx_d_new(arena, GX_NODE_SEQ);
        gx_d_add(arena, from, gx_d_pod_peer(arena, cfg, "gateway"));
        gx_d_add(arena, from, gx_d_pod_peer(arena, cfg, "worker"));
        gx_node *rule = gx_d_new(arena, GX_NODE_MAP);
        gx_d_put(arena, rule, "ports", ports);
        gx_d_put(arena, rule, "from", from);
        gx_node *extra = gx_d_new(arena, GX_NODE_SEQ);
        gx_d_add(arena, extra, rule);
        gx_d_put(arena, np, "extraIngress", extra);
        gx_d_put(arena, primary, "networkPolicy", np);
    }
    gx_d_put(arena, root, "primary", primary);

    const char *registry = gx_d_nonempty(cfg->postgresql.image_registry)
                               ? cfg->postgresql.image_registry
                               : cfg->core.registry_mirror;
    if (gx_d_nonempty(registry) || cfg->core.image_pull_secrets.count) {
        gx_node *global = gx_d_new(arena, GX_NODE_MAP);
        if (gx_d_nonempty(registry))
            gx_d_put(arena, global, "imageRegistry", gx_d_str(arena, registry));
        if (cfg->core.image_pull_secrets.count)
            gx_d_put(arena, global, "imagePullSecrets",
                     gx_d_names(arena, &cfg->core.image_pull_secrets));
        gx_d_put(arena, root, "global", global);
    }
    return root;
}

gx_node *gx_sealed_secrets_values_base(gx_arena *arena, const struct gx_config *cfg)
{
    gx_node *root = gx_d_new(arena, GX_NODE_MAP);
    gx_d_put(arena, root, "fullnameOverride", gx_d_str(arena, "sealed-secrets-controller"));
    bool mirror = gx_d_nonempty(cfg->core.registry_mirror);
    if (mirror || cfg->core.image_pull_secrets.count) {
        gx_node *image = gx_d_new(arena, GX_NODE_MAP);
        if (mirror)
            gx_d_put(arena, image, "registry", gx_d_str(arena, cfg->core.registry_mirror));
        if (cfg->core.image_pull_secrets.count)
            gx_d_put(arena, image, "pullSecrets",
                     gx_d_names(arena, &cfg->core.image_pull_secrets));
        gx_d_put(arena, root, "image", image);
    }
    return root;
}

typedef struct gx_d_merge {
    gx_arena *arena;
    gx_override_fn on_override;
    void *ctx;
} gx_d_merge;

static gx_node *gx_d_merge_maps(const gx_d_merge *m, const gx_node *base, const gx_node *user,
                                const char *prefix)
{
    gx_node *out = gx_d_copy_map(m->arena, base);
    size_t base_count = out->count; /* user keys are looked up among the base's only */
    for (size_t i = 0; i < user->count; i++) {
        const gx_node *k = user->keys[i], *v = user->items[i];
        long at = k->kind == GX_NODE_SCALAR ? gx_d_find_key(base, k->text, k->len) : -1;
        if (at < 0 || (size_t)at >= base_count) {
            gx_d_put_node(m->arena, out, user->keys[i], user->items[i]);
            continue;
        }
        const char *path = *prefix ? gx_arena_printf(m->arena, "%s.%s", prefix, k->text)
                                   : gx_arena_strdup(m->arena, k->text);
        const gx_node *b = base->items[at];
        if (b->kind == GX_NODE_MAP && v->kind == GX_NODE_MAP) {
            out->items[at] = gx_d_merge_maps(m, b, v, path);
        } else {
            out->items[at] = user->items[i];
            if (m->on_override)
                m->on_override(m->ctx, path, k);
        }
    }
    return out;
}

gx_node *gx_values_merge(gx_arena *arena, const gx_node *base, const gx_node *user,
                         gx_override_fn on_override, void *ctx)
{
    if (!user || user->kind != GX_NODE_MAP || user->count == 0)
        return (gx_node *)base;
    gx_d_merge m = {arena, on_override, ctx};
    return gx_d_merge_maps(&m, base, user, "");
}

const gx_node *gx_values_at(const gx_node *map, const char *keypath)
{
    const gx_node *n = map;
    const char *p = keypath;
    while (n && *p) {
        size_t len = strcspn(p, ".");
        long i = gx_d_find_key(n, p, len);
        n = i < 0 ? NULL : n->items[i];
        p += len;
        if (*p == '.')
            p++;
    }
    return n;
}

/* ---- endpoints ------------------------------------------------------------------------ */

static int gx_d_port(const char *s, size_t n)
{
    if (n == 0 || n > 5)
        return 0;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v >= 1 && v <= 65535 ? (int)v : 0;
}

/* host[:port] or [v6]:port of n bytes at s: the host into *host, the port
 * (0 when absent or invalid; *given tells whether one was written). */
static int gx_d_hostport(gx_arena *arena, const char *s, size_t n, const char **host, bool *given)
{
    *given = false;
    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close) {
            *host = gx_arena_strndup(arena, s, n);
            return 0;
        }
        *host = gx_arena_strndup(arena, s + 1, (size_t)(close - s - 1));
        size_t rest = n - (size_t)(close + 1 - s);
        if (rest > 0 && close[1] == ':') {
            *given = true;
            return gx_d_port(close + 2, rest - 1);
        }
        return 0;
    }
    const char *colon = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ':')
            colon = s + i;
    if (colon) {
        *host = gx_arena_strndup(arena, s, (size_t)(colon - s));
        *given = true;
        return gx_d_port(colon + 1, n - (size_t)(colon + 1 - s));
    }
    *host = gx_arena_strndup(arena, s, n);
    return 0;
}

static int gx_d_scheme_port(const char *scheme, size_t n)
{
    static const struct {
        const char *name;
        int port;
    } known[] = {{"http", 80},        {"https", 443},        {"ws", 80},
                 {"wss", 443},        {"postgres", 5432},    {"postgresql", 5432}};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strlen(known[i].name) == n && strncasecmp(scheme, known[i].name, n) == 0)
            return known[i].port;
    return 0;
}

/* The host part of the authority that starts at s (after "scheme://"): it
 * ends at the first '/', '?' or '#' and starts after the last '@' before
 * that (user information dropped). Returns its start and sets *n to its
 * length. */
static const char *gx_d_authority(const char *s, size_t *n)
{
    size_t len = strcspn(s, "/?#");
    for (size_t i = len; i > 0; i--)
        if (s[i - 1] == '@') {
            *n = len - i;
            return s + i;
        }
    *n = len;
    return s;
}

gx_endpoint gx_url_endpoint(gx_arena *arena, const char *url)
{
    gx_endpoint ep = {"", 0};
    const char *u = url ? url : "";
    while (*u == ' ' || *u == '\t')
        u++;
    const char *sep = strstr(u, "://");
    size_t n;
    const char *auth = gx_d_authority(sep ? sep + 3 : u, &n);
    bool given;
    ep.port = gx_d_hostport(arena, auth, n, &ep.host, &given);
    if (!given && sep)
        ep.port = gx_d_scheme_port(u, (size_t)(sep - u));
    return ep;
}

size_t gx_dsn_endpoints(gx_arena *arena, const char *dsn, gx_endpoint *out, size_t max)
{
    const char *d = dsn ? dsn : "";
    size_t count = 0;
    const char *sep = strstr(d, "://");
    if (sep) {
        size_t n;
        const char *auth = gx_d_authority(sep + 3, &n);
        /* host lists: "h1:5432,h2:5433" */
        while (count < max) {
            size_t hn = 0;
            while (hn < n && auth[hn] != ',')
                hn++;
            bool given;
            gx_endpoint ep;
            ep.port = gx_d_hostport(arena, auth, hn, &ep.host, &given);
            if (!given)
                ep.port = 5432;
            out[count++] = ep;
            if (hn >= n)
                break;
            auth += hn + 1;
            n -= hn + 1;
        }
        return count;
    }
    /* key/value form: host=a,b port=5432,5433 */
    const char *host = "", *port = "";
    size_t hostn = 0, portn = 0;
    for (const char *p = d; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t kn = strcspn(p, "= \t");
        if (p[kn] != '=') {
            p += kn;
            continue;
        }
        const char *v = p + kn + 1;
        size_t vn = strcspn(v, " \t");
        if (kn == 4 && !strncmp(p, "host", 4))
            host = v, hostn = vn;
        else if (kn == 4 && !strncmp(p, "port", 4))
            port = v, portn = vn;
        p = v + vn;
    }
    while (count < max) {
        size_t hn = strcspn(host, ","), pn = 0;
        while (pn < portn && port[pn] != ',')
            pn++;
        gx_endpoint ep;
        ep.host = gx_arena_strndup(arena, host, hn < hostn ? hn : hostn);
        ep.port = portn ? gx_d_port(port, pn) : 5432;
        out[count++] = ep;
        if (hn >= hostn)
            break;
        host += hn + 1;
        hostn -= hn + 1;
        if (pn < portn) {
            port += pn + 1;
            portn -= pn + 1;
        }
    }
    return count;
}

const char *gx_host_service_in(gx_arena *arena, const char *host, const char *ns)
{
    if (!gx_d_nonempty(host) || !gx_d_nonempty(ns))
        return NULL;
    size_t n = strlen(host);
    while (n > 0 && host[n - 1] == '.')
        n--;
    const char *dot = memchr(host, '.', n);
    if (!dot) {
        if ((n == 9 && !strncasecmp(host, "localhost", 9)) || host[0] == '[' ||
            !gx_d_hostname(host, n))
            return NULL;
        return gx_arena_strndup(arena, host, n);
    }
    size_t name = (size_t)(dot - host);
    const char *rest = dot + 1;
    size_t rn = n - name - 1;
    size_t nsn = strlen(ns);
    if (rn < nsn || strncmp(rest, ns, nsn) != 0)
        return NULL;
    const char *tail = rest + nsn;
    size_t tn = rn - nsn;
    if (tn == 0 || (tn == 4 && !strncmp(tail, ".svc", 4)) ||
        (tn == 18 && !strncmp(tail, ".svc.cluster.local", 18)))
        return gx_arena_strndup(arena, host, name);
    return NULL;
}

static void gx_d_use(gx_arena *arena, gx_endpoint_use **list, size_t *count, size_t *cap,
                     gx_endpoint_use u)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        gx_endpoint_use *n = gx_arena_alloc(arena, ncap * sizeof *n);
        if (*count)
            memcpy(n, *list, *count * sizeof *n);
        *list = n;
        *cap = ncap;
    }
    (*list)[(*count)++] = u;
}

enum { GX_D_PODS_DB = 1u << GX_POD_GATEWAY | 1u << GX_POD_WORKER };

size_t gx_endpoints_of(gx_arena *arena, const struct gx_config *cfg, gx_endpoint_use **out)
{
    gx_endpoint_use *list = NULL;
    size_t count = 0, cap = 0;
    const char *dsn_path = gx_fields[GX_F_DATABASE_DSN].path;
    if (gx_d_nonempty(cfg->database.dsn)) {
        gx_endpoint eps[16];
        size_t n = gx_dsn_endpoints(arena, cfg->database.dsn, eps, 16);
        for (size_t i = 0; i < n; i++)
            gx_d_use(arena, &list, &count, &cap,
                     (gx_endpoint_use){GX_F_DATABASE_DSN, dsn_path, NULL, true, false,
                                       GX_D_PODS_DB, eps[i]});
    } else if (cfg->enabled[GX_C_POSTGRESQL]) {
        gx_endpoint ep = {gx_arena_printf(arena, "%s-postgresql.%s.svc", cfg->core.release_name,
                                          cfg->core.namespace),
                          5432};
        gx_d_use(arena, &list, &count, &cap,
                 (gx_endpoint_use){GX_F_DATABASE_DSN, dsn_path, NULL, false, true, GX_D_PODS_DB,
                                   ep});
    }
    if (gx_d_nonempty(cfg->vault.addr))
        gx_d_use(arena, &list, &count, &cap,
                 (gx_endpoint_use){GX_F_VAULT_ADDR, gx_fields[GX_F_VAULT_ADDR].path, NULL, false,
                                   false, 1u << GX_POD_GATEWAY,
                                   gx_url_endpoint(arena, cfg->vault.addr)});
    static const int base_urls[] = {
        GX_F_CONFIG_PROVIDERS_LLM_BASE_URL,        GX_F_CONFIG_PROVIDERS_STT_BASE_URL,
        GX_F_CONFIG_PROVIDERS_TTS_BASE_URL,        GX_F_CONFIG_PROVIDERS_S2S_BASE_URL,
        GX_F_CONFIG_PROVIDERS_EMBEDDINGS_BASE_URL, GX_F_CONFIG_PROVIDERS_VAD_BASE_URL,
        GX_F_CONFIG_PROVIDERS_AUDIO_BASE_URL,
    };
    for (size_t i = 0; i < sizeof base_urls / sizeof *base_urls; i++) {
        int f = base_urls[i];
        const char *url = *(const char *const *)((const char *)cfg + gx_fields[f].offset);
        if (gx_d_nonempty(url))
            gx_d_use(arena, &list, &count, &cap,
                     (gx_endpoint_use){f, gx_fields[f].path, NULL, false, false,
                                       1u << GX_POD_WORKER, gx_url_endpoint(arena, url)});
    }
    const gx_node *servers = cfg->config.mcp_servers;
    for (size_t i = 0; servers && servers->kind == GX_NODE_SEQ && i < servers->count; i++) {
        const gx_node *s = servers->items[i];
        const gx_node *t = gx_node_get(s, "transport");
        const gx_node *u = gx_node_get(s, "url");
        if (!t || t->kind != GX_NODE_SCALAR || strcmp(t->text, "streamable-http") != 0 || !u ||
            u->kind != GX_NODE_SCALAR || !u->len)
            continue;
        unsigned pods = 1u << GX_POD_WORKER;
        if (cfg->enabled[GX_C_MCP_GATEWAY])
            pods |= 1u << GX_POD_MCP_GATEWAY;
        gx_d_use(arena, &list, &count, &cap,
                 (gx_endpoint_use){GX_F_CONFIG_MCP_SERVERS,
                                   gx_arena_printf(arena, "%s[%zu].url",
                                                   gx_fields[GX_F_CONFIG_MCP_SERVERS].path, i),
                                   u, false, false, pods, gx_url_endpoint(arena, u->text)});
    }
    *out = list;
    return count;
}

/* ---- network policy ------------------------------------------------------------------- */

/* - protocol: P
 *   port: N      (no port: every port of the protocol) */
static gx_node *gx_d_port_entry(gx_arena *arena, const char *protocol, int port)
{
    gx_node *p = gx_d_new(arena, GX_NODE_MAP);
    gx_d_put(arena, p, "protocol", gx_d_str(arena, protocol));
    if (port > 0)
        gx_d_put(arena, p, "port", gx_d_int(arena, port));
    return p;
}

static void gx_d_add_port(gx_arena *arena, gx_node *ports, int port)
{
    for (size_t i = 0; i < ports->count; i++) {
        const gx_node *p = gx_node_get(ports->items[i], "port");
        if (p && atoi(p->text) == port)
            return;
    }
    gx_d_add(arena, ports, gx_d_port_entry(arena, "TCP", port));
}

/* {to: [podSelector: SELECTOR], ports: [TCP port]} */
static gx_node *gx_d_to_pods(gx_arena *arena, const struct gx_config *cfg, const char *component,
                             int port)
{
    gx_node *to = gx_d_new(arena, GX_NODE_SEQ);
    gx_d_add(arena, to, gx_d_pod_peer(arena, cfg, component));
    gx_node *ports = gx_d_new(arena, GX_NODE_SEQ);
    gx_d_add(arena, ports, gx_d_port_entry(arena, "TCP", port));
    gx_node *rule = gx_d_new(arena, GX_NODE_MAP);
    gx_d_put(arena, rule, "to", to);
    gx_d_put(arena, rule, "ports", ports);
    return rule;
}

static gx_node *gx_d_ports_rule(gx_arena *arena, gx_node *ports)
{
    gx_node *rule = gx_d_new(arena, GX_NODE_MAP);
    gx_d_put(arena, rule, "ports", ports);
    return rule;
}

/* The rules of network-policy/extra-egress; entries of the wrong shape are
 * left out (V15 reports them). */
static void gx_d_extra_egress(gx_arena *arena, const struct gx_config *cfg, gx_node *egress)
{
    const gx_node *list = cfg->network_policy.extra_egress;
    for (size_t i = 0; list && list->kind == GX_NODE_SEQ && i < list->count; i++) {
        const gx_node *e = list->items[i];
        const gx_node *cidr = gx_node_get(e, "cidr");
        if (!cidr || cidr->kind != GX_NODE_SCALAR || !cidr->len)
            continue;
        const gx_node *proto = gx_node_get(e, "protocol");
        const char *p = proto && proto->kind == GX_NODE_SCALAR && proto->len ? proto->text : "TCP";
        gx_node *block = gx_d_new(arena, GX_NODE_MAP);
        gx_d_put(arena, block, "cidr", gx_d_str(arena, cidr->text));
        gx_node *peer = gx_d_new(arena, GX_NODE_MAP);
        gx_d_put(arena, peer, "ipBlock", block);
        gx_node *to = gx_d_new(arena, GX_NODE_SEQ);
        gx_d_add(arena, to, peer);
        gx_node *rule = gx_d_new(arena, GX_NODE_MAP);
        gx_d_put(arena, rule, "to", to);
        const gx_node *ports = gx_node_get(e, "ports");
        gx_node *out = gx_d_new(arena, GX_NODE_SEQ);
        for (size_t k = 0; ports && ports->kind == GX_NODE_SEQ && k < ports->count; k++) {
            const gx_node *pn = ports->items[k];
            int port = pn->kind == GX_NODE_SCALAR ? gx_d_port(pn->text, pn->len) : 0;
            if (port)
                gx_d_add(arena, out, gx_d_port_entry(arena, p, port));
        }
        if (!out->count && proto)
            gx_d_add(arena, out, gx_d_port_entry(arena, p, 0)); /* every port of it */
        if (out->count)
            gx_d_put(arena, rule, "ports", out);
        gx_d_add(arena, egress, rule);
    }
}

const gx_node *gx_egress(gx_arena *arena, const struct gx_config *cfg, gx_pod pod)
{
    gx_node *egress = gx_d_new(arena, GX_NODE_SEQ);
    gx_node *dns = gx_d_new(arena, GX_NODE_SEQ);
    gx_d_add(arena, dns, gx_d_port_entry(arena, "UDP", 53));
    gx_d_add(arena, dns, gx_d_port_entry(arena, "TCP", 53));
    gx_d_add(arena, egress, gx_d_ports_rule(arena, dns));

    /* the ports the values name for this pod, to any destination: the
     * database first, then 443 (provider APIs, Discord, the API server's
     * service), then the rest in schema order */
    gx_node *ports = gx_d_new(arena, GX_NODE_SEQ);
    gx_endpoint_use *uses;
    size_t n = gx_endpoints_of(arena, cfg, &uses);
    for (size_t i = 0; i < n; i++)
        if (uses[i].field == GX_F_DATABASE_DSN && (uses[i].pods & (1u << pod)) && uses[i].ep.port)
            gx_d_add_port(arena, ports, uses[i].ep.port);
    gx_d_add_port(arena, ports, 443);
    if (pod == GX_POD_GATEWAY)
        gx_d_add_port(arena, ports, (int)cfg->network_policy.api_server_port);
    for (size_t i = 0; i < n; i++)
        if (uses[i].field != GX_F_DATABASE_DSN && (uses[i].pods & (1u << pod)) && uses[i].ep.port)
            gx_d_add_port(arena, ports, uses[i].ep.port);

    switch (pod) {
    case GX_POD_GATEWAY:
        gx_d_add(arena, egress, gx_d_ports_rule(arena, ports));
        /* the gateway dials the workers */
        gx_d_add(arena, egress, gx_d_to_pods(arena, cfg, "worker", (int)cfg->worker.ports.grpc));
        break;
    case GX_POD_WORKER:
        gx_d_add(arena, egress, gx_d_to_pods(arena, cfg, "gateway", (int)cfg->gateway.ports.grpc));
        gx_d_add(arena, egress, gx_d_ports_rule(arena, ports));
        if (cfg->enabled[GX_C_MCP_GATEWAY])
            gx_d_add(arena, egress,
                     gx_d_to_pods(arena, cfg, "mcp-gateway", (int)cfg->mcp_gateway.ports.mcp));
        if (cfg->network_policy.allow_voice_udp) {
            gx_node *udp = gx_d_new(arena, GX_NODE_SEQ);
            gx_d_add(arena, udp, gx_d_port_entry(arena, "UDP", 0));
            gx_d_add(arena, egress, gx_d_ports_rule(arena, udp));
        }
        break;
    case GX_POD_MCP_GATEWAY:
        gx_d_add(arena, egress, gx_d_ports_rule(arena, ports));
        break;
    }
    gx_d_extra_egress(arena, cfg, egress);
    return egress;
}

const gx_node *gx_metrics_from(gx_arena *arena, const struct gx_config *cfg)
{
    gx_node *from = gx_d_new(arena, GX_NODE_SEQ);
    const gx_node *list = cfg->network_policy.metrics_from;
    for (size_t i = 0; list && list->kind == GX_NODE_SEQ && i < list->count; i++) {
        const gx_node *e = list->items[i];
        if (e->kind != GX_NODE_MAP)
            continue;
        gx_node *peer = gx_d_new(arena, GX_NODE_MAP);
        static const struct {
            const char *key, *k8s;
        } sel[] = {{"namespace-selector", "namespaceSelector"}, {"pod-selector", "podSelector"}};
        for (size_t k = 0; k < 2; k++) {
            const gx_node *m = gx_node_get(e, sel[k].key);
            if (!m || m->kind != GX_NODE_MAP)
                continue;
            gx_node *s = gx_d_new(arena, GX_NODE_MAP);
            if (m->count) {
                gx_node *labels = gx_d_new(arena, GX_NODE_MAP);
                for (size_t j = 0; j < m->count; j++)
                    gx_d_put_node(arena, labels, m->keys[j],
                                  gx_d_str(arena, m->items[j]->kind == GX_NODE_SCALAR
                                                      ? m->items[j]->text
                                                      : ""));
                gx_d_put(arena, s, "matchLabels", labels);
            }
            gx_d_put(arena, peer, sel[k].k8s, s);
        }
        if (peer->count)
            gx_d_add(arena, from, peer);
    }
    if (!from->count) {
        /* the release's namespace: every pod in it */
        gx_node *peer = gx_d_new(arena, GX_NODE_MAP);
        gx_d_put(arena, peer, "podSelector", gx_d_new(arena, GX_NODE_MAP));
        gx_d_add(arena, from, peer);
    }
    return from;
}
