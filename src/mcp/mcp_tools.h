/* mcp_tools — the tools of the MCP server: their list (name, title,
 * description, inputSchema with additionalProperties false, outputSchema,
 * annotations; descriptions and option help taken from the command table
 * where a tool maps to a command) and their calls. A call checks its
 * arguments against its inputSchema (-32602 when they do not fit), runs the
 * core operation on the request's session and answers with structuredContent
 * that conforms to the outputSchema plus the same JSON as a text block; an
 * operation that fails answers isError with the diagnostics (code, path,
 * message, hint, remedy) and no structuredContent. Writes take the workspace
 * lock and the optional expected revision in the core; a server started
 * read-only neither lists nor runs the tools that change anything.
 * Depends on gx_core.h, mcp_protocol, mcp_apply, mcp_json. */
#ifndef GX_MCP_TOOLS_H
#define GX_MCP_TOOLS_H

#include <stdbool.h>

#include "mcp_protocol.h"

/* The tools/list array for a server (read_only: without the tools that write). */
json_t *gx_mcp_tools_list(bool read_only);

/* Answers tools/call (params name, arguments) for r; an apply call that
 * starts a target is answered when the target ends (mcp_apply). */
void gx_mcp_tools_call(gx_mcp_request *r);

/* What an operation reported through its sink, as JSON: diagnostics (DIAG
 * and RESULT events, in order), changed subjects (CHANGE events: "set",
 * "unset", "enabled", "disabled"), generated paths (CHANGE "generated") and
 * files written (FILE events, paths made relative to the workspace). */
typedef struct gx_mcp_collect {
    const char *workspace;
    json_t *diags, *changed, *generated, *files;
} gx_mcp_collect;
void gx_mcp_collect_init(gx_mcp_collect *c, const char *workspace);
gx_sink gx_mcp_collect_sink(gx_mcp_collect *c);
void gx_mcp_collect_free(gx_mcp_collect *c);

/* Answers a tool call with structured (consumed): structuredContent and the
 * same JSON as text. */
void gx_mcp_tool_ok(gx_mcp_request *r, json_t *structured);
/* Answers a tool call with isError: a text block holding the JSON object
 * {"error": message, "diagnostics": diags (consumed; may be NULL), ...extra
 * members (consumed; may be NULL)}. */
void gx_mcp_tool_error(gx_mcp_request *r, const char *message, json_t *diags, json_t *extra);

/* One effective value as the tools and resources show it: {"path", "value"
 * (in its type; "<redacted>" for a secret), "secret", "origin", "default"}. */
json_t *gx_mcp_value_json(gx_session *s, const gx_value_info *v);

/* The help of the option (or argument) name of command in the command
 * table ("--dry-run" of "apply"), or fallback: what a tool's schema says of
 * the argument that stands for it. */
const char *gx_mcp_opt_help(const char *command, const char *name, const char *fallback);

/* The JSON Schema of a diagnostic (gx_json_diag) and of a validation
 * (gx_json_validation), for outputSchemas. */
json_t *gx_mcp_schema_diag(void);
json_t *gx_mcp_schema_validation(void);

#endif
