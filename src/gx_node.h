/* gx_node — a YAML document read with libyaml into a small tree that keeps the
 * position of every node. It is the one way this tool reads YAML (values files,
 * structured values, --set text, parse-back tests). Depends on libyaml,
 * gx_arena, gx_diag.
 *
 * Safety rules, enforced while parsing: anchors and aliases are rejected (no
 * alias expansion), duplicate mapping keys are rejected, mapping keys must be
 * scalars, a stream may hold at most one document, nesting deeper than
 * GX_NODE_MAX_DEPTH is rejected, scalars must be valid UTF-8 (libyaml checks),
 * and NUL bytes in the input are rejected. */
#ifndef GX_NODE_H
#define GX_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_arena.h"
#include "gx_diag.h"

#define GX_NODE_MAX_DEPTH 64

typedef enum gx_node_kind { GX_NODE_SCALAR, GX_NODE_MAP, GX_NODE_SEQ } gx_node_kind;

typedef struct gx_node {
    gx_node_kind kind;
    const char *file; /* as given to the parser */
    int line, col;    /* 1-based position of the node's first character */
    /* scalar */
    const char *text; /* NUL-terminated; len bytes */
    size_t len;
    bool plain;       /* true for a plain (unquoted, non-block) scalar */
    const char *tag;  /* explicit tag ("!!str", ...) or NULL */
    /* map and seq: count children; keys[i] (map only, scalars) and items[i] */
    size_t count;
    struct gx_node **keys;
    struct gx_node **items;
} gx_node;

/* Parses len bytes of YAML. On success returns true and sets *out to the root
 * node, or to NULL for an empty stream / empty document (no content at all).
 * On failure returns false, *out is NULL, and at least one diagnostic naming
 * file:line:col is added to diags. Everything is allocated in arena. */
bool gx_node_parse(gx_arena *arena, const char *file, const char *data, size_t len,
                   gx_node **out, gx_diags *diags);

/* The value under key in a map node, or NULL (also when node is not a map). */
const gx_node *gx_node_get(const gx_node *map, const char *key);

/* True for a plain scalar that YAML 1.2's core schema reads as null
 * ("", "~", "null", "Null", "NULL"). */
bool gx_node_is_null(const gx_node *node);

/* Deep structural equality of two trees (kinds, scalar texts, keys, order);
 * positions, styles and tags are ignored. NULL equals only NULL. */
bool gx_node_equal(const gx_node *a, const gx_node *b);

#endif
