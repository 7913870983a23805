/* gx_yamlout — writing YAML that every reader takes back exactly: scalars
 * quoted whenever a YAML 1.1 or 1.2 reader could take them for anything but the
 * string, and structured values (gx_node trees, maps, lists) re-emitted in
 * block style at a given indentation. Used by the renderer and by the values
 * file writer. Depends on gx_buf, gx_utf8, gx_node, gx_types.
 *
 * Output conventions: block style, two-space indentation, map keys in the order
 * given (gx_map is already sorted), sequences as "- item" at the parent's
 * indentation + 2 when nested under a key. Empty map "{}", empty list "[]".
 * A map key longer than 1000 bytes as written uses the explicit form
 * ("? key" newline ": value"), since implicit keys are limited to 1024
 * characters by YAML readers. Nothing here allocates except the buffer. */
#ifndef GX_YAMLOUT_H
#define GX_YAMLOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gx_buf.h"
#include "gx_node.h"
#include "gx_types.h"

/* True for a code point above U+007F that YAML output never holds raw:
 * U+0080..U+009F (C1 controls; libyaml refuses them, U+0085 is a line break),
 * U+2028 and U+2029 (line and paragraph separators), U+FEFF (byte order mark),
 * U+FFFE and U+FFFF (non-characters libyaml refuses). */
bool gx_yaml_cp_needs_escape(uint32_t cp);

/* True when s (len bytes) may be written as a plain scalar: it is read back as
 * exactly this string by YAML 1.1 and 1.2 readers (not a bool/null/number/
 * timestamp word of either version, no leading indicator, no ": " or " #", no
 * leading/trailing space, no control characters or line breaks, not empty).
 *
 * The rule is deliberately conservative. Not plain: empty; a first character
 * that is a digit or one of - ? : , [ ] { } # & * ! | > ' " % @ ` + . ~ (this
 * covers every number, timestamp, .inf/.nan and document marker of both
 * versions); the words y yes n no true false on off null ~ in any letter case,
 * and "<<" and "="; a leading or trailing space; a trailing ':'; ": " or " #"
 * anywhere; any byte below 0x20 or 0x7F; bytes that are not well-formed UTF-8;
 * U+0080..U+009F (incl. U+0085 NEL), U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF.
 * Other non-ASCII text ("héllo ✓") is plain. */
bool gx_yaml_plain_ok(const char *s, size_t len);

/* Appends s as one scalar: plain when gx_yaml_plain_ok, otherwise double-quoted
 * with escapes (\" \\ \n \t \r \0 \xNN for other control bytes and DEL,
 * \N \L \P for U+0085 U+2028 U+2029, \xNN for other C1 controls, \uFEFF
 * \uFFFE \uFFFF; other valid UTF-8 is kept as is). The output never spans
 * lines, and a YAML reader gives back exactly s for every s that is valid
 * UTF-8 (NUL bytes included, as "\0").
 * Bytes that are not valid UTF-8 cannot be represented in YAML at all: each is
 * written as \xNN, which readers take as the code point U+00NN (its Latin-1
 * reading), so such strings do not come back byte for byte. Reject them
 * earlier if that matters. s NULL is the empty string. */
void gx_yaml_scalar(gx_buf *out, const char *s, size_t len);
void gx_yaml_str(gx_buf *out, const char *s); /* NUL-terminated convenience; NULL is "" */

/* What YAML 1.2's core schema makes of an untagged plain scalar. */
typedef enum gx_yaml_core_type {
    GX_YAML_CORE_STR,
    GX_YAML_CORE_NULL,  /* "" ~ null Null NULL */
    GX_YAML_CORE_BOOL,  /* true True TRUE false False FALSE */
    GX_YAML_CORE_INT,   /* [-+]?[0-9]+  0o[0-7]+  0x[0-9a-fA-F]+ */
    GX_YAML_CORE_FLOAT  /* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?,
                           [-+]?\.(inf|Inf|INF), \.(nan|NaN|NAN) */
} gx_yaml_core_type;

/* Resolves s (len bytes) as an untagged plain scalar by the YAML 1.2 core
 * schema (s NULL is null). Useful for typing --set values the way YAML would. */
gx_yaml_core_type gx_yaml_core_resolve(const char *s, size_t len);

/* Appends a node tree. The first line is written where the buffer stands (the
 * caller has written "key:" or the indentation); later lines are indented
 * relative to indent, exactly as described below. A scalar/empty collection
 * is written inline after one space when after_key is true ("key: value"); a non-empty collection after a key
 * starts on a new line. With after_key false the tree starts at the current
 * position (used by "{{ yaml x }}" tags standing alone on a line at column indent).
 * Scalars are quoted as by gx_yaml_scalar; scalars that were plain in the input
 * and are YAML 1.2 core-schema ints, floats or bools (true/false) are written
 * plain so that their type is kept (e.g. tolerationSeconds: 30). Ends with "\n".
 *
 * Exactly, with c = indent (negative counts as 0):
 *
 *   after_key true — the buffer ends with "key:" and the key starts at column c:
 *     scalar / empty   " value\n", " {}\n", " []\n" on the same line;
 *     non-empty map    "\n", then its keys at column c+2;
 *     non-empty seq    "\n", then its "- " dashes at column c+2.
 *       buffer "    tolerations:", c = 4, a list of one map gives
 *         "\n      - key: a\n        operator: Exists\n"
 *
 *   after_key false — the buffer stands at column c (e.g. the caller wrote c
 *   spaces, or "- " that ends at column c):
 *     scalar / empty   "value\n", "{}\n", "[]\n";
 *     non-empty map    first key right here, the other keys at column c;
 *     non-empty seq    first "- " right here, the other dashes at column c.
 *       c = 4, the same list gives "- key: a\n      operator: Exists\n"
 *       (the map inside the item starts after "- ", at column c+2).
 *
 * Nested below that, the same rules apply recursively: a map value or seq
 * under a key at column k goes to column k+2; a map or seq that is an item of
 * a sequence whose dash is at column d starts right after "- " and continues
 * at column d+2 ("- - a" for a seq in a seq).
 *
 * Scalars: an untagged plain core-schema null ("", "~", "null", ...) is written
 * "null" (as a map key, a non-empty null word is kept as written so that
 * distinct keys stay distinct; an empty key is "null"); an untagged plain core-schema bool/int/float is written as in the
 * input (note that YAML 1.1 readers take a leading-zero int such as 0123 as
 * octal; validators should refuse such input where it matters); everything
 * else, including any scalar with an explicit tag, is written as a string by
 * gx_yaml_scalar. Tags are not written. node NULL is written as "null". */
void gx_yaml_node(gx_buf *out, const gx_node *node, int indent, bool after_key);

/* Same contract for a string map and a string list (keys and values, items,
 * always strings: written by gx_yaml_scalar; a NULL value or item is "").
 * map or list NULL is the empty collection. */
void gx_yaml_map(gx_buf *out, const gx_map *map, int indent, bool after_key);
void gx_yaml_list(gx_buf *out, const gx_list *list, int indent, bool after_key);

#endif
