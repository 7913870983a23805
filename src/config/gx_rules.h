/* gx_rules — validation (SPEC §3): per-field checks driven by the field table
 * (V1) and the hand-written cross-value rules V2–V20, one function per rule id,
 * registered in one table. Values of disabled components are not validated.
 * Depends on gx_schema (generated), gx_model, gx_node, gx_arena. */
#ifndef GX_RULES_H
#define GX_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_arena.h"
#include "gx_diag.h"
#include "gx_schema.h"

/* Validation results are diagnostics (gx_diag.h): severity, the rule's code
 * (GX_CODE_V1 … GX_CODE_V20), the schema path, and a message that says what
 * is wrong and what to do. */

typedef void (*gx_rule_fn)(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);

typedef struct gx_rule {
    const char *id;          /* "V1" … "V20" */
    gx_code code;            /* GX_CODE_V1 … */
    const char *summary;     /* one line, for documentation and `list rules` */
    gx_rule_fn check;
} gx_rule;

extern const gx_rule gx_rules[];
extern const size_t gx_rule_count;

/* Runs every rule on cfg and appends results to out, which must be zeroed
 * (or GX_DIAGS_INIT) before the first call; the results live in arena unless
 * out already has one, and out keeps every result (no limit unless set). Results come in rule-table order, then
 * schema order within a rule. */
void gx_validate(const struct gx_config *cfg, gx_arena *arena, gx_diags *out);

/* Adds one result; message is printf-formatted into the arena. */
void gx_result_add(gx_diags *out, gx_arena *arena, gx_code rule, const char *path,
                   gx_severity severity, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* "blocking" or "warning" (for printing and --json). */
const char *gx_severity_name(gx_severity severity);

/* Compares two Kubernetes quantities; returns false when either does not parse.
 * *cmp is <0, 0, >0 as a is less than, equal to, greater than b. */
bool gx_quantity_compare(const char *a, const char *b, int *cmp);

#endif
