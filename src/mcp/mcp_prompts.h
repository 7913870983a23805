/* mcp_prompts — the prompts of the MCP server: explore-workspace,
 * review-config (optional path), setup-component (component), plan-apply
 * (target). Each is built from the compiled-in schema (paths, components,
 * targets), so it reads no workspace. Unknown prompts, missing or unknown
 * arguments: -32602. Depends on gx_core.h, mcp_protocol. */
#ifndef GX_MCP_PROMPTS_H
#define GX_MCP_PROMPTS_H

#include "mcp_protocol.h"

json_t *gx_mcp_prompts_list(void);
/* Answers prompts/get (params name, arguments) for r. */
void gx_mcp_prompts_get(gx_mcp_request *r);

#endif
