/* gx_delivery — what the delivery settings make of the values, shared by the
 * derived values (gx_derived) and the rules (gx_rules_delivery): image
 * references (registry mirror, digest, the version label), chart references
 * (local path, OCI, URL, a name in a repository), the Helm values of the
 * infrastructure charts merged with the user's, endpoint hosts and ports of
 * URLs and DSNs, and the egress and metrics peers of each NetworkPolicy.
 * Depends on gx_schema (generated), gx_arena, gx_node.
 *
 * Memory: everything returned lives in the arena passed in (or points into
 * cfg). Nothing here fails or prints; it works on any configuration, valid or
 * not (validation is gx_validate's job). */
#ifndef GX_DELIVERY_H
#define GX_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_arena.h"
#include "gx_node.h"
#include "gx_schema.h"

/* Kubernetes' limit for the data of one ConfigMap or Secret, in bytes. */
#define GX_K8S_OBJECT_DATA_MAX (1024 * 1024)

/* ---- images ---------------------------------------------------------------------- */

/* The registry part of an image repository ("ghcr.io", "localhost:5000"), as
 * the container runtime reads it: the first path component when it holds a
 * '.' or ':' or is "localhost"; "" when the repository names none (Docker Hub
 * is implied). *rest is what follows the registry and its '/' ("mrwong99/
 * glyphoxa"; a one-component Docker Hub name gets "library/"). */
const char *gx_image_registry(gx_arena *arena, const char *repository, const char **rest);

/* The Glyphoxa image repository after core/registry-mirror: the mirror
 * followed by the repository's path below its registry, unless the repository
 * is already below the mirror; the repository as is without a mirror. */
const char *gx_image_repository(gx_arena *arena, const struct gx_config *cfg);

/* The Glyphoxa image: repository@core/image-digest when a digest is set, else
 * repository:core/image-tag (repository after the mirror). */
const char *gx_image_ref(gx_arena *arena, const struct gx_config *cfg);

/* A valid label value for app.kubernetes.io/version made from a tag: what
 * precedes an '@', every character other than A-Z a-z 0-9 . _ - replaced by
 * '-', at most 63 characters, starting and ending with a letter or digit ("" for
 * a tag with none). A tag that is a valid label value stays as it is. */
const char *gx_version_label(gx_arena *arena, const char *tag);

/* True when s is "sha256:" followed by 64 lower-case hex digits. */
bool gx_is_sha256_digest(const char *s);

/* True when s matches the OCI tag grammar [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
bool gx_is_oci_tag(const char *s);

/* What is wrong with s as a registry (host[:port][/path] without a scheme),
 * or NULL. */
const char *gx_registry_problem(const char *s);

/* What is wrong with s as an image repository ([registry/]path, no tag, no
 * digest, lower-case path components), or NULL. */
const char *gx_repository_problem(const char *s);

/* True when host (a registry or URL host, with an optional ":port") is a
 * well-known public registry or chart host (docker.io, ghcr.io, quay.io,
 * *.gcr.io, *.pkg.dev, registry.k8s.io, mcr.microsoft.com, public.ecr.aws,
 * *.github.io, ...). */
bool gx_host_is_public(const char *host);

/* True when the registry reg (host[:port][/path]) is the mirror or below it. */
bool gx_registry_under(const char *reg, const char *mirror);

/* ---- charts ---------------------------------------------------------------------- */

typedef enum gx_chart_kind {
    GX_CHART_OCI,   /* oci://HOST/... */
    GX_CHART_URL,   /* http(s)://... (a chart archive URL) */
    GX_CHART_LOCAL, /* a path (archive or directory), relative to the workspace */
    GX_CHART_NAME   /* a chart name in a repository (--repo) */
} gx_chart_kind;

/* How helm reads chart: oci:// and http(s):// references; with names_ok (the
 * chart comes with a repository) a value without '/' that does not end in
 * .tgz / .tar.gz is a name; anything else is a local path. */
gx_chart_kind gx_chart_kind_of(const char *chart, bool names_ok);

/* The host (with port) of an oci:// or http(s):// reference, "" otherwise. */
const char *gx_ref_host(gx_arena *arena, const char *ref);

/* ---- Helm values of the infrastructure charts ------------------------------------ */

/* Called for every key of the user's values that replaces one the tool sets:
 * keypath is the dotted path ("primary.persistence.size"), at the user's key
 * node (its position names the values file). */
typedef void (*gx_override_fn)(void *ctx, const char *keypath, const gx_node *at);

/* True when secrets are sealed for cfg (derived/sealed): the sealed-secrets
 * component is on and sealed-secrets/certificate names the controller's
 * certificate. */
bool gx_secrets_sealed(const struct gx_config *cfg);

/* The Secret the bundled PostgreSQL reads its password from when secrets are
 * sealed: "<release>-postgresql-auth", key "postgres-password". */
#define GX_POSTGRESQL_AUTH_SUFFIX "-postgresql-auth"
#define GX_POSTGRESQL_AUTH_KEY "postgres-password"

/* The values the tool sets for the bundled PostgreSQL chart. with_password:
 * the password as auth.postgresPassword, or, when secrets are sealed
 * (gx_secrets_sealed), auth.existingSecret naming the Secret
 * R-postgresql-auth that the sealed copy in generated/ becomes; without it
 * neither (export --no-secrets). */
gx_node *gx_postgresql_values_base(gx_arena *arena, const struct gx_config *cfg,
                                   bool with_password);

/* The values the tool sets for the Sealed Secrets chart. */
gx_node *gx_sealed_secrets_values_base(gx_arena *arena, const struct gx_config *cfg);

/* Deep merge of user (a map; NULL or anything else: nothing) over base, as
 * Helm merges values: maps merge key by key, anything else replaces. Keys the
 * base has keep their place; new keys follow in the user's order. on_override
 * (may be NULL) hears of every replaced key. base is not changed. */
gx_node *gx_values_merge(gx_arena *arena, const gx_node *base, const gx_node *user,
                         gx_override_fn on_override, void *ctx);

/* The value at a dotted key path of a map tree, or NULL. */
const gx_node *gx_values_at(const gx_node *map, const char *keypath);

/* ---- endpoints ------------------------------------------------------------------- */

/* One endpoint the application connects to: host (may be "") and port (0 when
 * it cannot be told). */
typedef struct gx_endpoint {
    const char *host;
    int port;
} gx_endpoint;

/* The endpoint of a URL: scheme://[userinfo@]host[:port]/..., the port from
 * the URL or its scheme (http, ws 80; https, wss 443; postgres, postgresql
 * 5432); without "://" the value is read as host[:port]. */
gx_endpoint gx_url_endpoint(gx_arena *arena, const char *url);

/* The endpoints of a PostgreSQL DSN, URL form (several hosts separated by ',')
 * or key/value form (host=... port=...); 5432 when no port is given. Returns
 * how many were stored into out (at most max). */
size_t gx_dsn_endpoints(gx_arena *arena, const char *dsn, gx_endpoint *out, size_t max);

/* Every endpoint the values name, with the pods that connect to it (a bitmask
 * of 1 << gx_pod): the database (database/dsn, or the bundled PostgreSQL when
 * it is empty; gateway and worker), vault/addr (gateway), provider base-urls
 * (worker), URLs of streamable-http MCP servers (worker and MCP gateway, both
 * register them). */
typedef struct gx_endpoint_use {
    int field;          /* GX_F_* of the value */
    const char *where;  /* the value's path, or its part ("config/mcp-servers[1].url") */
    const gx_node *at;  /* the node of a part of a structured value, or NULL */
    bool secret;        /* the value is secret: never shown */
    bool bundled;       /* the bundled PostgreSQL (no value of its own) */
    unsigned pods;
    gx_endpoint ep;
} gx_endpoint_use;

/* Fills *out with the endpoints (in schema order) and returns how many. */
size_t gx_endpoints_of(gx_arena *arena, const struct gx_config *cfg, gx_endpoint_use **out);

/* The Kubernetes Service a host names in namespace ns, or NULL: "NAME" (a
 * single label, not localhost), "NAME.NS", "NAME.NS.svc" and
 * "NAME.NS.svc.cluster.local" name Service NAME in ns. */
const char *gx_host_service_in(gx_arena *arena, const char *host, const char *ns);

/* ---- network policy --------------------------------------------------------------- */

typedef enum gx_pod { GX_POD_GATEWAY, GX_POD_WORKER, GX_POD_MCP_GATEWAY } gx_pod;

/* The egress rules of a pod's NetworkPolicy: DNS; what the values name for
 * that pod (the database port, the port of vault/addr, provider base-url and
 * MCP server URL ports, 443, the API server port); the pods it talks to; UDP
 * for voice; network-policy/extra-egress. */
const gx_node *gx_egress(gx_arena *arena, const struct gx_config *cfg, gx_pod pod);

/* The peers that may reach the observe port: network-policy/metrics-from as
 * NetworkPolicy peers, or the release's namespace (podSelector {}) when empty. */
const gx_node *gx_metrics_from(gx_arena *arena, const struct gx_config *cfg);

#endif
