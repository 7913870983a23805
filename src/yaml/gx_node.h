/* gx_node — a YAML document read with libyaml into a small tree that keeps the
 * position of every node. It is the one way this tool reads YAML (values files,
 * structured values, --set text, parse-back tests). Depends on libyaml,
 * gx_arena, gx_diag, gx_utf8 and gx_xalloc (running out of memory aborts).
 *
 * Safety rules, enforced while parsing: anchors and aliases are rejected (no
 * alias expansion), duplicate mapping keys are rejected (keys compare by
 * their bytes, except that every null key — plain "", "~", "null", … — is
 * one and the same key), mapping keys must be scalars, a stream may hold at
 * most one document, nesting deeper than GX_NODE_MAX_DEPTH is rejected,
 * scalars must be valid UTF-8 (libyaml checks), and NUL bytes in the input
 * are rejected.
 *
 * Positions: line and column are 1-based; a column counts characters (UTF-8
 * sequences), not bytes, as libyaml does; a leading byte order mark is not
 * counted. "\n", "\r\n" and a lone "\r" end lines.
 *
 * Byte offsets (start, end) index the input as given to gx_node_parse_spans
 * (a leading byte order mark included), so that a caller can edit the text in
 * place (gx_edit). They are found from libyaml's marks, so they follow its
 * reading of lines, in which U+0085, U+2028 and U+2029 end a line too.
 * Finding them costs a walk over the text for every node, so only
 * gx_node_parse_spans records them; gx_node_parse (every reader that does not
 * edit) leaves start and end 0. */
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
    const char *file; /* as given to the parser (a copy in the arena) */
    int line, col;    /* 1-based position of the node's first character */
    /* Byte offsets into the parsed input (gx_node_parse_spans only; 0 after
     * gx_node_parse): start is where the node begins (its
     * tag, when it has one; the '-' of a block sequence; the '{' or '[' of a
     * flow collection; the quote or '|' '>' indicator of a scalar); end is just
     * past its last character: after the closing bracket of a flow
     * collection; after the last character of a plain or quoted scalar; for a
     * block scalar (| >) after the line breaks that end its text (up to where
     * libyaml stopped reading it, possibly the indentation of the next line);
     * for a block collection the end of its last item. An empty plain scalar
     * (the null of "key:") has start == end, just after the ':'. The alias
     * stand-in (never returned: aliases fail the parse) spans the alias. */
    size_t start, end;
    /* scalar */
    const char *text; /* NUL-terminated; len bytes ("" for collections). May hold
                         NUL bytes written as "\0" in a double-quoted scalar. */
    size_t len;
    bool plain;       /* true for a plain (unquoted, non-block) scalar */
    bool flow;        /* a map or seq written in flow style ({...}, [...]) */
    const char *tag;  /* explicit tag of any node, or NULL. Tags of the YAML
                         namespace in short form ("!!str", "!!int"); others as
                         libyaml resolved them ("!", "!local", "tag:x.org:y") */
    /* map and seq: count children; keys[i] (map only, scalars) and items[i] */
    size_t count;
    struct gx_node **keys;
    struct gx_node **items;
} gx_node;

/* Parses len bytes of YAML. On success returns true and sets *out to the root
 * node, or to NULL for an empty stream / empty document (no content at all:
 * "", comments only, "---" alone; an untagged empty plain root scalar).
 * On failure returns false, *out is NULL, and at least one diagnostic naming
 * file:line:col is added to diags. Everything is allocated in arena; nothing
 * else is kept after the call (data may be freed; file is copied).
 *
 * Diagnostics (message + hint, never printed here):
 *   NUL byte           at the NUL (input scanned before parsing; stops)
 *   anchor  (&a)       at the node that carries it
 *   alias   (*a)       at the alias
 *   duplicate key      at the second occurrence, naming the first's line:col;
 *                      every repeat is reported, in document order
 *   non-scalar key     at the key
 *   second document    at its start ("---"); stops
 *   nesting too deep   at the collection that opens level GX_NODE_MAX_DEPTH+1
 *                      (depth = collections open, a root map/seq is level 1;
 *                      GX_NODE_MAX_DEPTH levels are accepted); stops
 *   libyaml error      at libyaml's problem mark (reader errors: at the byte
 *                      offset), "invalid YAML: problem (context at line L
 *                      column C)"; stops
 * Errors that do not stop the parse are collected until diags is full.
 * Input is UTF-8 only (a UTF-16 byte order mark is an error at 1:1; a UTF-8
 * byte order mark is dropped).
 * len is not limited here; callers enforce their own size limits. */
bool gx_node_parse(gx_arena *arena, const char *file, const char *data, size_t len,
                   gx_node **out, gx_diags *diags);

/* As gx_node_parse, and every node's start and end are set to its byte
 * offsets in data (see gx_node). For callers that edit the text in place. */
bool gx_node_parse_spans(gx_arena *arena, const char *file, const char *data, size_t len,
                         gx_node **out, gx_diags *diags);

/* The value under key in a map node, or NULL (also when node is not a map).
 * Linear in the number of keys. */
const gx_node *gx_node_get(const gx_node *map, const char *key);

/* True for a plain scalar that YAML 1.2's core schema reads as null
 * ("", "~", "null", "Null", "NULL") without a tag, or a scalar tagged "!!null".
 * NULL (no node) gives false. */
bool gx_node_is_null(const gx_node *node);

/* Deep structural equality of two trees (kinds, scalar texts, keys, order);
 * positions, styles and tags are ignored. NULL equals only NULL. */
bool gx_node_equal(const gx_node *a, const gx_node *b);

#endif
