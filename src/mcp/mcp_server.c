/* mcp_server — the server's life cycle and its entry points. See mcp_server.h. */
#include "mcp_server.h"

#include <stdlib.h>
#include <string.h>

#include "gx_xalloc.h"
#include "mcp_apply.h"
#include "mcp_protocol.h"
#include "mcp_tools.h"

gx_mcp_server *gx_mcp_server_new(gx_session *base, const gx_mcp_options *opts,
                                 gx_mcp_send_fn send, void *send_ctx)
{
    gx_mcp_server *srv = gx_xcalloc(1, sizeof *srv);
    srv->base = base;
    if (opts)
        srv->opts = *opts;
    srv->send = send;
    srv->send_ctx = send_ctx;
    srv->secrets = (gx_secrets)GX_MCP_SECRETS_INIT;
    srv->tools = gx_mcp_tools_list(srv->opts.read_only);
    return srv;
}

void gx_mcp_server_handle(gx_mcp_server *srv, const char *line, size_t len)
{
    if (len && line[len - 1] == '\r')
        len--;
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
        i++;
    if (i == len)
        return; /* an empty line carries no message */
    json_error_t err;
    json_t *msg = json_loadb(line, len, JSON_DECODE_ANY, &err);
    if (!msg) {
        char text[300];
        snprintf(text, sizeof text, "Parse error: %s (at character %d)", err.text, err.position);
        gx_mcp_send_error(srv, NULL, GX_RPC_PARSE_ERROR, text, NULL);
        return;
    }
    gx_mcp_dispatch(srv, msg);
}

void gx_mcp_server_too_long(gx_mcp_server *srv)
{
    char text[120];
    snprintf(text, sizeof text, "Invalid Request: the message is longer than %u bytes",
             GX_MCP_MAX_LINE);
    gx_mcp_send_error(srv, NULL, GX_RPC_INVALID_REQUEST, text, NULL);
}

size_t gx_mcp_server_running(const gx_mcp_server *srv) { return srv->nruns; }

int gx_mcp_server_fd(const gx_mcp_server *srv, size_t index)
{
    return index < srv->nruns ? gx_mcp_run_fd(srv->runs[index]) : -1;
}

void gx_mcp_server_poll(gx_mcp_server *srv)
{
    for (size_t i = 0; i < srv->nruns;) {
        gx_mcp_run *run = srv->runs[i];
        if (gx_mcp_run_poll(run)) {
            memmove(srv->runs + i, srv->runs + i + 1, (srv->nruns - i - 1) * sizeof *srv->runs);
            srv->nruns--;
            gx_mcp_run_free(run);
        } else {
            i++;
        }
    }
}

void gx_mcp_server_cancel_all(gx_mcp_server *srv)
{
    for (size_t i = 0; i < srv->nruns; i++)
        gx_mcp_run_cancel(srv->runs[i]);
}

void gx_mcp_server_free(gx_mcp_server *srv)
{
    if (!srv)
        return;
    while (srv->nruns) {
        gx_mcp_run *run = srv->runs[--srv->nruns];
        gx_mcp_run_free(run);
    }
    free(srv->runs);
    json_decref(srv->tools);
    gx_secrets_free(&srv->secrets);
    gx_buf_free(&srv->secrets_inputs);
    free(srv);
}

/* ---- in memory ------------------------------------------------------------------------------ */

static void gx_collect(void *ctx, const char *text, size_t len)
{
    gx_buf *b = ctx;
    gx_buf_put(b, text, len);
    gx_buf_putc(b, '\n');
}

char *gx_mcp_server_exchange(gx_mcp_server *srv, const char *line, size_t len, size_t *out_len)
{
    gx_buf b = GX_BUF_INIT;
    gx_mcp_send_fn send = srv->send;
    void *ctx = srv->send_ctx;
    srv->send = gx_collect;
    srv->send_ctx = &b;
    gx_mcp_server_handle(srv, line, len);
    srv->send = send;
    srv->send_ctx = ctx;
    gx_buf_putc(&b, '\0');
    *out_len = b.len - 1;
    return b.data;
}
