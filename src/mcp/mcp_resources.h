/* mcp_resources — the resources of the MCP server: glyphoxa://values
 * (values.yaml, secrets "<redacted>"), glyphoxa://effective (every effective
 * value with its origin), glyphoxa://validation, glyphoxa://history (the
 * revisions kept of successful applies, mcp_history), glyphoxa://schema
 * (the JSON Schema of values.yaml, gx_core_json_schema; public, an hour, as
 * the lists), and the templates
 * glyphoxa://generated/{file} and glyphoxa://scripts/{target} (the file as an
 * export would write it now, from gx_op_preview, secrets redacted).
 * An unknown URI is "resource not found" (-32602 for 2026-07-28, -32002 for
 * 2025-11-25); an operation that fails is -32603 with its diagnostics in
 * data. Depends on gx_core.h, mcp_protocol, mcp_json. */
#ifndef GX_MCP_RESOURCES_H
#define GX_MCP_RESOURCES_H

#include "mcp_protocol.h"

json_t *gx_mcp_resources_list(void);
json_t *gx_mcp_resource_templates_list(void);
/* Answers resources/read (params uri) for r. */
void gx_mcp_resources_read(gx_mcp_request *r);

#endif
