/* gx_rules — validation (SPEC §3): per-field checks driven by the field table
 * (V1) and the hand-written cross-value rules V2–V20, one function per rule id,
 * registered in one table. Values of disabled components are not validated.
 * Depends on gx_schema (generated), gx_model, gx_node, gx_arena. */
#ifndef GX_RULES_H
#define GX_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_arena.h"
#include "gx_schema.h"

typedef enum gx_severity { GX_BLOCKING, GX_WARNING } gx_severity;

typedef struct gx_result {
    const char *rule;    /* "V5" */
    const char *path;    /* the path the result is about ("gateway/admin-key") */
    gx_severity severity;
    const char *message; /* says what is wrong and what to do */
} gx_result;

typedef struct gx_results {
    gx_result *items;    /* in arena */
    size_t count, cap;
    size_t blocking, warnings;
} gx_results;

typedef void (*gx_rule_fn)(const struct gx_config *cfg, gx_arena *arena, gx_results *out);

typedef struct gx_rule {
    const char *id;          /* "V1" … "V20" */
    const char *summary;     /* one line, for documentation and `list rules` */
    gx_rule_fn check;
} gx_rule;

extern const gx_rule gx_rules[];
extern const size_t gx_rule_count;

/* Runs every rule on cfg and appends results (arena-allocated) to out, which
 * must be zeroed before the first call. Results come in rule-table order, then
 * schema order within a rule. */
void gx_validate(const struct gx_config *cfg, gx_arena *arena, gx_results *out);

/* Adds one result; message is printf-formatted into the arena. */
void gx_result_add(gx_results *out, gx_arena *arena, const char *rule, const char *path,
                   gx_severity severity, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* "blocking" or "warning" (for printing and --json). */
const char *gx_severity_name(gx_severity severity);

/* Compares two Kubernetes quantities; returns false when either does not parse.
 * *cmp is <0, 0, >0 as a is less than, equal to, greater than b. */
bool gx_quantity_compare(const char *a, const char *b, int *cmp);

#endif
