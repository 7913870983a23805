/* mcp_server — the MCP server without I/O: it takes one JSON-RPC message at
 * a time (a line of the stdio transport) and hands every message it sends
 * (responses and progress notifications) to a callback, one JSON text
 * without newline each. Targets started by the apply tool keep running after
 * the call returns; the owner of the event loop waits on their descriptors
 * and calls gx_mcp_server_poll (mcp_main.c does, with stdin and stdout).
 *
 * Both protocol revisions are served by one server: 2026-07-28 (every
 * request carries its protocol version and client capabilities in _meta;
 * server/discover) and the legacy 2025-11-25 lifecycle (initialize,
 * notifications/initialized, ping). See docs/mcp.md.
 *
 * Memory: each request runs on its own session, cloned from the base
 * session (workspace and layers) and freed when the request is answered, so
 * what a long-running server holds does not grow with the requests served.
 * Depends on gx_core.h, jansson and base. */
#ifndef GX_MCP_SERVER_H
#define GX_MCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_core.h"

/* The revisions served, newest first. */
#define GX_MCP_MODERN "2026-07-28"
#define GX_MCP_LEGACY "2025-11-25"

/* Longest message taken; a longer line is refused (-32600). */
#define GX_MCP_MAX_LINE (4u * 1024u * 1024u)

typedef struct gx_mcp_server gx_mcp_server;

/* Receives every message the server sends: len bytes of JSON, no newline. */
typedef void (*gx_mcp_send_fn)(void *ctx, const char *text, size_t len);

typedef struct gx_mcp_options {
    bool read_only;    /* offer and run no tool that changes the workspace or a cluster */
    bool no_processes; /* refuse to start targets (the fuzz target) */
} gx_mcp_options;

/* A server on base's workspace and layers (base stays the caller's and must
 * outlive the server). */
gx_mcp_server *gx_mcp_server_new(gx_session *base, const gx_mcp_options *opts,
                                 gx_mcp_send_fn send, void *send_ctx);

/* Handles one message: line[0..len) without its newline (a final '\r' is
 * ignored). Invalid JSON, a wrong envelope, unknown methods and wrong
 * parameters get their JSON-RPC error; a notification gets no answer. */
void gx_mcp_server_handle(gx_mcp_server *srv, const char *line, size_t len);

/* Answers a line that was longer than GX_MCP_MAX_LINE (its bytes are gone). */
void gx_mcp_server_too_long(gx_mcp_server *srv);

/* Running targets: how many, and the descriptor of each (readable when
 * gx_mcp_server_poll has work for it). */
size_t gx_mcp_server_running(const gx_mcp_server *srv);
int gx_mcp_server_fd(const gx_mcp_server *srv, size_t index); /* -1: ended */
/* Delivers what every running target has ready (output lines become
 * progress notifications) and answers the calls whose target ended. Never
 * blocks. */
void gx_mcp_server_poll(gx_mcp_server *srv);
/* Cancels every running target (their process groups are killed). */
void gx_mcp_server_cancel_all(gx_mcp_server *srv);

/* Cancels what still runs, waits for it, and frees the server. */
void gx_mcp_server_free(gx_mcp_server *srv);

/* For tests and the fuzz target: handles one message and returns every
 * message sent meanwhile, each followed by a newline (malloc'd, NUL
 * terminated; length in *out_len). */
char *gx_mcp_server_exchange(gx_mcp_server *srv, const char *line, size_t len, size_t *out_len);

#endif
