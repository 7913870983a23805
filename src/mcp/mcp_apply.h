/* mcp_apply — the apply and rollback tools: start a target through the
 * core (gx_apply_start, gx_rollback_start) on the request's session and
 * follow it without blocking. Every step, output line and status line becomes a
 * notifications/progress message when the request carried a progressToken
 * (secret values hidden); the call is answered when the target ends, with
 * its steps, the last output lines, its status lines and exit status.
 * notifications/cancelled for the call kills the target's process group
 * (gx_apply_cancel); a 2025-11-25 request is then answered with cancelled
 * true, a 2026-07-28 request is not answered at all (its revision forbids
 * any further message for a cancelled request). A target that exports first
 * keeps the workspace lock until it ends, shared (gx_session_share_lock) so
 * that reads go on; writes and other targets are refused meanwhile
 * (gx_mcp_apply_busy).
 * Depends on gx_core.h, mcp_protocol, mcp_tools, mcp_json. */
#ifndef GX_MCP_APPLY_H
#define GX_MCP_APPLY_H

#include <stdbool.h>

#include "mcp_protocol.h"

typedef struct gx_mcp_run gx_mcp_run;

/* The input and output schemas of the apply tool, and its description. */
json_t *gx_mcp_apply_input_schema(void);
json_t *gx_mcp_apply_output_schema(void);
char *gx_mcp_apply_description(void); /* malloc'd */
/* The schemas of the rollback tool: its output is apply's plus "revision". */
json_t *gx_mcp_rollback_input_schema(void);
json_t *gx_mcp_rollback_output_schema(void);

/* Runs the apply tool for r with its checked arguments. When a target
 * starts, r's session and secrets move to the run and the call is answered
 * later; otherwise it is answered now. A real run of destroy is confirmed
 * only by the argument confirm naming the namespace the core expects (the
 * deployed release's): without it, or with another one, the core refuses
 * and nothing runs. */
void gx_mcp_apply_call(gx_mcp_request *r, const json_t *args);

/* Runs the rollback tool for r (gx_rollback_start: a kept revision
 * re-applied as it was), followed like apply: progress, cancellation, the
 * workspace lock held (shared) until it ends, answered when it ends. A
 * call without revision re-applies the one gx_rollback_start would pick,
 * named beforehand from gx_op_history so that the answer can say which. */
void gx_mcp_rollback_call(gx_mcp_request *r, const json_t *args);

/* True when a running target holds the workspace lock: a write now would
 * wait for it. *diag (may be NULL) gets the diagnostic that says so. */
bool gx_mcp_apply_busy(gx_mcp_server *srv, json_t **diag);

/* The descriptor to wait on while the target runs; -1 once it ended. */
int gx_mcp_run_fd(const gx_mcp_run *run);
/* Delivers what is ready; true once the target ended and the call was
 * answered (then free the run). */
bool gx_mcp_run_poll(gx_mcp_run *run);
/* Cancels the run whose request id equals id (borrowed); false when none. */
bool gx_mcp_apply_cancel(gx_mcp_server *srv, const json_t *id, const char *reason);
void gx_mcp_run_cancel(gx_mcp_run *run);
/* Waits for the end (cancelling first when still running), answers, frees. */
void gx_mcp_run_free(gx_mcp_run *run);

#endif
