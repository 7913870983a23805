/* mcp_protocol — the JSON-RPC side of the MCP server: the envelope of a
 * message, the protocol revision of a request (per-request _meta of
 * 2026-07-28, or the legacy 2025-11-25 session after initialize), the
 * methods and their dispatch, and how results and errors are written:
 * results of 2026-07-28 requests carry resultType, serverInfo in _meta and,
 * for lists and reads, ttlMs/cacheScope; every reply passes through the
 * secret filter of its request first.
 * Shared by the server's modules; front ends see mcp_server.h only.
 * Depends on jansson, gx_core.h, mcp_json. */
#ifndef GX_MCP_PROTOCOL_H
#define GX_MCP_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_core.h"
#include "mcp_json.h"
#include "mcp_server.h"

/* JSON-RPC and MCP error codes used. */
enum {
    GX_RPC_PARSE_ERROR = -32700,
    GX_RPC_INVALID_REQUEST = -32600,
    GX_RPC_METHOD_NOT_FOUND = -32601,
    GX_RPC_INVALID_PARAMS = -32602,
    GX_RPC_INTERNAL_ERROR = -32603,
    GX_RPC_RESOURCE_NOT_FOUND_LEGACY = -32002, /* 2025-11-25; -32602 since 2026-07-28 */
    GX_RPC_UNSUPPORTED_VERSION = -32022
};

struct gx_mcp_run;

/* The server's state (mcp_server.c owns it). */
struct gx_mcp_server {
    gx_session *base;           /* workspace and layers; each request clones it */
    gx_mcp_options opts;
    gx_mcp_send_fn send;
    void *send_ctx;
    bool legacy;                /* an initialize was answered: requests without _meta
                                 * are served as 2025-11-25 */
    json_t *tools;              /* the tool list, built once */
    gx_secrets secrets;         /* the workspace's secret values as last read ... */
    gx_buf secrets_inputs;      /* ... when its inputs were these (gx_session_inputs) */
    bool secrets_valid;
    struct gx_mcp_run **runs;   /* running targets */
    size_t nruns, cap_runs;
};

/* One request being answered. */
typedef struct gx_mcp_request {
    gx_mcp_server *srv;
    json_t *id;                 /* the request's id (a reference held) */
    const char *method;
    json_t *params;             /* an object (empty when the request had none) */
    bool modern;                /* served as 2026-07-28 (else 2025-11-25) */
    json_t *progress_token;     /* _meta.progressToken or NULL (a reference held) */
    gx_session *session;        /* tools/call and resources/read: this request's own */
    gx_secrets secrets;         /* what the reply must not show */
    bool redacted;              /* the reply was filtered already */
    bool answered;
    bool deferred;              /* answered later (a running target took the call over) */
} gx_mcp_request;

/* How a result may be cached (2026-07-28): not at all (no fields), the
 * same for everyone, or only for this caller. */
typedef enum gx_mcp_cache { GX_MCP_NO_CACHE, GX_MCP_CACHE_PUBLIC, GX_MCP_CACHE_PRIVATE } gx_mcp_cache;

/* How long what never changes while the server runs (the lists, discovery,
 * the JSON Schema of the values) may be cached: an hour. */
#define GX_MCP_LIST_TTL_MS 3600000L

/* Fills r->secrets with the secret values of r->session's workspace and
 * layers: read again only when their inputs changed since the last time
 * (gx_session_inputs). Leaves the session reset. */
void gx_mcp_request_secrets(gx_mcp_request *r);

/* Sends result (consumed) as the request's answer, after hiding its
 * secrets; adds resultType, serverInfo and (unless NO_CACHE) ttlMs and
 * cacheScope for a 2026-07-28 request. */
void gx_mcp_reply(gx_mcp_request *r, json_t *result, gx_mcp_cache cache, long ttl_ms);
/* Sends an error answer; data (consumed, may be NULL) after hiding secrets. */
void gx_mcp_reply_error(gx_mcp_request *r, int code, const char *message, json_t *data);

/* Sends any message (consumed): a response or notification. */
void gx_mcp_send(gx_mcp_server *srv, json_t *msg);
/* Sends an error for id (borrowed; NULL: null). */
void gx_mcp_send_error(gx_mcp_server *srv, const json_t *id, int code, const char *message,
                       json_t *data);

/* {"name": "glyphoxa-deploy", "title": ..., "version": ...} */
json_t *gx_mcp_server_info(void);

/* Handles one parsed message (consumed). */
void gx_mcp_dispatch(gx_mcp_server *srv, json_t *msg);

#endif
