/* mcp_history — the release history for the MCP server: the history tool
 * (the revisions kept of successful applies, gx_op_history, and what changed
 * between two, gx_op_history_diff) and the document of the glyphoxa://history
 * resource. Each revision is the command line's `history --json` form
 * (gx_json_revision). The rollback tool, which runs a target, is in
 * mcp_apply. Depends on gx_core.h, mcp_protocol, mcp_tools, mcp_json. */
#ifndef GX_MCP_HISTORY_H
#define GX_MCP_HISTORY_H

#include "mcp_protocol.h"

/* The history tool's schemas: input {diff?: {from, to}} (no other member);
 * output {deployed, revisions, diff?}. */
json_t *gx_mcp_history_input_schema(void);
json_t *gx_mcp_history_output_schema(void);

/* {"deployed": N or null, "revisions": [gx_json_revision...]} of s's
 * workspace, or NULL when the history cannot be read (its diagnostics went
 * to sink). */
json_t *gx_mcp_history_doc(gx_session *s, const gx_sink *sink);

/* Answers the history tool for r with its checked arguments. */
void gx_mcp_history_call(gx_mcp_request *r, const json_t *args);

#endif
