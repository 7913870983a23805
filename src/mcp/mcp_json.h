/* mcp_json — JSON helpers of the MCP server: strings from bytes that may not
 * be UTF-8, how the server keeps its secret values (the core's gx_secrets
 * and gx_json_redact hide them), and checking tool arguments
 * against the JSON Schema subset the server's own schemas use.
 * Depends on jansson, gx_core.h and base (gx_utf8). */
#ifndef GX_MCP_JSON_H
#define GX_MCP_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_core.h"

/* What every hidden secret reads as. */
#define GX_MCP_REDACTED GX_REDACTED

/* A JSON string of len bytes; bytes that are not valid UTF-8 become U+FFFD,
 * NUL bytes stay (jansson writes them as \u0000). Never NULL. */
json_t *gx_mcp_text(const char *s, size_t len);
/* The same for a NUL-terminated string; NULL gives "". */
json_t *gx_mcp_str(const char *s);

/* The secret values known for one request (gx_secrets of the core): each is
 * kept with its base64 form; values shorter than GX_MCP_SECRET_MIN bytes are
 * not kept. Every gx_secrets of the server starts as GX_MCP_SECRETS_INIT. */
#define GX_MCP_SECRET_MIN 4
#define GX_MCP_SECRETS_INIT GX_SECRETS_INIT(GX_MCP_SECRET_MIN, true)

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
