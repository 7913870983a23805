/* gx_helm — the keys of the old Helm chart (deploy/helm/glyphoxa of the
 * Glyphoxa repository; the union of its versions' values.yaml,
 * values-shared.yaml and values-dedicated.yaml, and the keys its templates
 * read), each with what it is here: a path, a component switch, something
 * the import works out itself, or nothing. The import (gx_import.c in the
 * core) walks it, and the did-you-mean of unknown paths uses it, so that a
 * Helm-style path typed anywhere ("gateway.replicaCount",
 * "postgresql.enabled") names the right path or component.
 * Depends on gx_schema (generated) and gx_model. */
#ifndef GX_HELM_H
#define GX_HELM_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_diag.h"
#include "gx_schema.h"

typedef enum gx_helm_kind {
    GX_HELM_PATH,      /* the value becomes target's value (converted by its type) */
    GX_HELM_COMPONENT, /* true/false switches the component target */
    GX_HELM_OWN,       /* the import works it out with the keys around it (target: where
                        * it usually lands, or NULL); note says how */
    GX_HELM_DROPPED    /* not carried over; note says why */
} gx_helm_kind;

typedef struct gx_helm_key {
    const char *key;           /* "gateway.replicaCount" (dots between segments) */
    gx_helm_kind kind;
    const char *target;        /* a path or a component name; NULL when none */
    const char *chart_default; /* the chart's own default as YAML flow text; NULL: the
                                * chart has none (a key only its templates read) */
    bool subtree;              /* the key's value is a whole map or list (node selectors,
                                * tolerations, config.data, ...): the walk stops here */
    const char *note;          /* how it is carried over, or why not; NULL */
} gx_helm_key;

extern const gx_helm_key gx_helm_keys[];
extern const size_t gx_helm_key_count;

/* The chart key named key ("gateway.replicaCount"), or NULL. */
const gx_helm_key *gx_helm_find(const char *key);

/* True when some chart key lies below prefix ("gateway.resources"). */
bool gx_helm_is_branch(const char *prefix);

/* What a Helm-style path typed where a path is expected names here:
 * "gateway.replicaCount", "gateway/replicaCount", "mcpGateway.replicaCount",
 * "postgresql.enabled", "postgresql/enabled", "sealed-secrets.enabled". A key
 * of the chart is looked up in the table; otherwise every segment is turned
 * from camelCase into kebab-case ("replicaCount" -> "replica-count") and the
 * result is looked up as a path, and "X/enabled" where X is a component
 * names that component. */
typedef struct gx_helm_match {
    int field;               /* index in gx_fields[], or -1 */
    int component;           /* index in gx_components[], or -1 */
    const gx_helm_key *key;  /* the chart key it is, or NULL */
} gx_helm_match;

/* Fills *out; false when typed names nothing (out->field and component -1). */
bool gx_helm_match_path(const char *typed, gx_helm_match *out);

/* The component a mistyped component name means ("sealedsecrets",
 * "sealedSecrets", "sealed_secrets", "networkPolicy", "postgres"): compared
 * without case, '-' and '_', camelCase turned into kebab-case, then by edit
 * distance. -1 when none is close. */
int gx_component_suggest(const char *name);

/* Adds the unknown-component diagnostic for name, with a did-you-mean
 * (gx_component_suggest) when one is close; its remedy is fix (ENABLE or
 * DISABLE) of that component, else the list of components. */
void gx_component_unknown(gx_diags *diags, const char *name, gx_remedy_kind fix);

/* "replicaCount" -> "replica-count", "targetCPUUtilizationPercentage" ->
 * "target-cpu-utilization-percentage", '.' -> '/'; into out (size bytes,
 * truncated). */
void gx_helm_kebab(const char *text, char *out, size_t size);

#endif
