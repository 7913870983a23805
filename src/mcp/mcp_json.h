/* mcp_json — JSON helpers of the MCP server: strings from bytes that may not
 * be UTF-8, the set of secret values that must never leave the server and
 * the pass that hides them in any JSON tree, and checking tool arguments
 * against the JSON Schema subset the server's own schemas use.
 * Depends on jansson, gx_core.h and base (gx_utf8, gx_hash). */
#ifndef GX_MCP_JSON_H
#define GX_MCP_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_core.h"

/* What every hidden secret reads as. */
#define GX_MCP_REDACTED "<redacted>"

/* A JSON string of len bytes; bytes that are not valid UTF-8 become U+FFFD,
 * NUL bytes stay (jansson writes them as \u0000). Never NULL. */
json_t *gx_mcp_text(const char *s, size_t len);
/* The same for a NUL-terminated string; NULL gives "". */
json_t *gx_mcp_str(const char *s);

/* Secret values known for one request. Each value is kept with its base64
 * form; values shorter than GX_MCP_SECRET_MIN bytes are not kept (hiding
 * every "a" of a reply protects nothing and breaks the reply). */
#define GX_MCP_SECRET_MIN 4
typedef struct gx_mcp_secrets {
    char **items; /* malloc'd copies, longest first after gx_mcp_secrets_add */
    size_t *lens;
    size_t count, cap;
} gx_mcp_secrets;
#define GX_MCP_SECRETS_INIT {NULL, NULL, 0, 0}

/* Adds s[0..len) and its base64 form (when long enough). */
void gx_mcp_secrets_add(gx_mcp_secrets *sec, const char *s, size_t len);
/* Adds every effective secret value the session's workspace and layers
 * hold (nothing when they do not load). Leaves the session's arena grown:
 * reset it afterwards when that matters. */
void gx_mcp_secrets_load(gx_mcp_secrets *sec, gx_session *s);
void gx_mcp_secrets_free(gx_mcp_secrets *sec);
/* dst (empty) gets a copy of src. */
void gx_mcp_secrets_copy(gx_mcp_secrets *dst, const gx_mcp_secrets *src);

/* Replaces every occurrence of every secret in every string value of root
 * (recursively; object keys are left alone) by "<redacted>". */
void gx_mcp_redact(json_t *root, const gx_mcp_secrets *sec);
/* The same for a byte string: a new malloc'd string (NUL-terminated, length
 * in *out_len), or NULL when s holds no secret. */
char *gx_mcp_redact_text(const char *s, size_t len, const gx_mcp_secrets *sec, size_t *out_len);

/* Checks value against schema, for the keywords the server's schemas use:
 * type (a name or a list), properties, required, additionalProperties (false
 * or a schema), items, enum, minItems, maxItems, minimum, maximum, minLength,
 * maxLength; annotations (title, description, default) are ignored; an empty
 * schema takes anything. On a mismatch returns false with a sentence naming
 * where ("arguments.values[0].path: expected a string") in err. */
bool gx_mcp_check(const json_t *schema, const json_t *value, const char *where, char *err,
                  size_t errlen);

/* Compact JSON text of value (malloc'd, NULL on failure), as the wire
 * carries it: no newline, UTF-8, key order as inserted. */
char *gx_mcp_dump(const json_t *value);

#endif
