/* gx_rules_impl — what the rule files of src/config share: the helpers of
 * gx_rules.c (results, remedies, quoting, field access, label checks, the V15
 * shape context) and the rules of gx_rules_delivery.c (V21–V29 and the V15
 * checks of the network-policy shapes). Internal to src/config; see
 * gx_rules.h for the conventions every rule follows. */
#ifndef GX_RULES_IMPL_H
#define GX_RULES_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gx_node.h"
#include "gx_rules.h"

/* ---- helpers of gx_rules.c ---------------------------------------------------- */

/* Gives d (NULL: the result was dropped) a remedy; arg and value are copied. */
void gx_fix(gx_diags *out, gx_diag *d, gx_remedy_kind kind, const char *arg, const char *value);
/* Gives d (NULL: dropped) a hint, copied. */
void gx_hint(gx_diags *out, gx_diag *d, const char *hint);
/* A result about a part of a structured value: file:line:col of node and the
 * remedy to edit that file there when node came from one, else to set path. */
void gx_fix_at(gx_diags *out, gx_diag *d, const gx_node *node, const char *path);
/* Adds a result (message printf-formatted) about field f at its schema path,
 * with the remedy kind of that path and value (copied; NULL: no value known).
 * Returns it, or NULL when the result was dropped. */
gx_diag *gx_field_result(gx_diags *out, gx_arena *arena, gx_code rule, int f,
                         gx_severity severity, gx_remedy_kind kind, const char *value,
                         const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* s as a double-quoted, escaped, shortened string for a message (no secrets). */
const char *gx_quote(gx_arena *arena, const char *s);
const char *gx_quote_n(gx_arena *arena, const char *s, size_t len);

const char *gx_fstr(const struct gx_config *cfg, int f);
/* True when the field's component is on (or it belongs to none). */
bool gx_active(const struct gx_config *cfg, int f);
/* The schema default of fd for cfg's topology as a value text, or NULL when it
 * is empty or secret. */
const char *gx_default_of(gx_arena *arena, const struct gx_config *cfg, const gx_field *fd);

/* What is wrong with s (len bytes) as a label key, or NULL. */
const char *gx_label_key_problem(gx_arena *arena, const char *s, size_t len);
bool gx_label_value_ok(const char *s, size_t len);

/* "a map", "a list" or "a scalar". */
const char *gx_kind_name(const gx_node *n);
/* An untagged plain (or !!int) decimal integer scalar. */
bool gx_is_yaml_int(const gx_node *n);

/* V15: the value being checked and where results go. */
typedef struct gx_shape_ctx {
    gx_arena *arena;
    gx_diags *out;
    const char *path; /* schema path of the value */
} gx_shape_ctx;

/* Adds a V15 result "<where>: <message>" located at node at. */
void gx_v15(const gx_shape_ctx *c, const char *where, const gx_node *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- gx_rules_delivery.c ---------------------------------------------------------- */

/* V15 for network-policy/extra-egress and network-policy/metrics-from. */
void gx_check_egress_shape(const gx_shape_ctx *c, const gx_node *n);
void gx_check_peers_shape(const gx_shape_ctx *c, const gx_node *n);

void gx_rule_v21(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);
void gx_rule_v22(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);
/* The environment of the running gx_validate_with (per thread; NULL: none),
 * for the rules that look at files: sets env and returns the one before. */
const gx_validate_env *gx_rules_env(const gx_validate_env *env);
void gx_rule_v23(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);
void gx_rule_v31(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);
void gx_rule_v24(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);
void gx_rule_v25(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);
void gx_rule_v26(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);
void gx_rule_v27(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);
void gx_rule_v28(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);
void gx_rule_v29(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);

#endif
