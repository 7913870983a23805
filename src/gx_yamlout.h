/* gx_yamlout — writing YAML that every reader takes back exactly: scalars
 * quoted whenever a YAML 1.1 or 1.2 reader could take them for anything but the
 * string, and structured values (gx_node trees, maps, lists) re-emitted in
 * block style at a given indentation. Used by the renderer and by the values
 * file writer. Depends on gx_buf, gx_node, gx_types.
 *
 * Output conventions: block style, two-space indentation, map keys in the order
 * given (gx_map is already sorted), sequences as "- item" at the parent's
 * indentation + 2 when nested under a key. Empty map "{}", empty list "[]". */
#ifndef GX_YAMLOUT_H
#define GX_YAMLOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_buf.h"
#include "gx_node.h"
#include "gx_types.h"

/* True when s (len bytes) may be written as a plain scalar: it is read back as
 * exactly this string by YAML 1.1 and 1.2 readers (not a bool/null/number/
 * timestamp word of either version, no leading indicator, no ": " or " #", no
 * leading/trailing space, no control characters or line breaks, not empty). */
bool gx_yaml_plain_ok(const char *s, size_t len);

/* Appends s as one scalar: plain when gx_yaml_plain_ok, otherwise double-quoted
 * with escapes (\" \\ \n \t \0 \xNN for other control bytes; valid UTF-8 is kept).
 * The output never spans lines. */
void gx_yaml_scalar(gx_buf *out, const char *s, size_t len);
void gx_yaml_str(gx_buf *out, const char *s); /* NUL-terminated convenience */

/* Appends a node tree. The first line is written where the buffer stands (the
 * caller has written "key:" or the indentation); later lines are indented by
 * indent spaces. A scalar/empty collection is written inline after one space
 * when after_key is true ("key: value"); a non-empty collection after a key
 * starts on a new line. With after_key false the tree starts at the current
 * position (used by "{{ yaml x }}" tags standing alone on a line at column indent).
 * Scalars are quoted as by gx_yaml_scalar; scalars that were plain in the input
 * and are YAML 1.2 core-schema ints, floats or bools (true/false) are written
 * plain so that their type is kept (e.g. tolerationSeconds: 30). Ends with "\n". */
void gx_yaml_node(gx_buf *out, const gx_node *node, int indent, bool after_key);

/* Same contract for a string map and a string list. */
void gx_yaml_map(gx_buf *out, const gx_map *map, int indent, bool after_key);
void gx_yaml_list(gx_buf *out, const gx_list *list, int indent, bool after_key);

#endif
