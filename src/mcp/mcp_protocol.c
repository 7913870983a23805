/* mcp_protocol — the JSON-RPC side of the MCP server. See mcp_protocol.h. */
#include "mcp_protocol.h"

#include <stdlib.h>
#include <string.h>

#include "mcp_apply.h"
#include "mcp_prompts.h"
#include "mcp_resources.h"
#include "mcp_tools.h"

#define GX_META_VERSION "io.modelcontextprotocol/protocolVersion"
#define GX_META_CAPS "io.modelcontextprotocol/clientCapabilities"
#define GX_META_SERVER "io.modelcontextprotocol/serverInfo"

/* ---- sending ------------------------------------------------------------------------------ */

json_t *gx_mcp_server_info(void)
{
    return json_pack("{s:s, s:s, s:s}", "name", "glyphoxa-deploy", "title", "Glyphoxa deploy",
                     "version", gx_core_version());
}

void gx_mcp_send(gx_mcp_server *srv, json_t *msg)
{
    char *text = gx_mcp_dump(msg);
    json_decref(msg);
    if (!text)
        return;
    if (srv->send)
        srv->send(srv->send_ctx, text, strlen(text));
    free(text);
}

void gx_mcp_send_error(gx_mcp_server *srv, const json_t *id, int code, const char *message,
                       json_t *data)
{
    json_t *err = json_pack("{s:i, s:o}", "code", code, "message", gx_mcp_str(message));
    if (data)
        json_object_set_new(err, "data", data);
    json_t *msg = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id",
                            id ? (json_t *)id : json_null(), "error", err);
    gx_mcp_send(srv, msg);
}

static bool gx_same(const gx_buf *a, const gx_buf *b)
{
    return a->len == b->len && (!a->len || !memcmp(a->data, b->data, a->len));
}

void gx_mcp_request_secrets(gx_mcp_request *r)
{
    gx_mcp_server *srv = r->srv;
    gx_buf before = GX_BUF_INIT, after = GX_BUF_INIT;
    bool known = gx_session_inputs(r->session, &before);
    if (known && srv->secrets_valid && gx_same(&before, &srv->secrets_inputs)) {
        for (size_t i = 0; i < srv->secrets.count; i++)
            gx_secrets_add(&r->secrets, srv->secrets.items[i], srv->secrets.lens[i]);
        gx_buf_free(&before);
        return;
    }
    (void)gx_secrets_load(&r->secrets, r->session);
    gx_session_reset(r->session);
    /* kept only when nothing changed while they were read */
    gx_secrets_free(&srv->secrets);
    srv->secrets_valid = false;
    if (known && gx_session_inputs(r->session, &after) && gx_same(&before, &after)) {
        gx_secrets_copy(&srv->secrets, &r->secrets);
        gx_buf_free(&srv->secrets_inputs);
        srv->secrets_inputs = before;
        before = (gx_buf)GX_BUF_INIT;
        srv->secrets_valid = true;
    }
    gx_buf_free(&before);
    gx_buf_free(&after);
}

void gx_mcp_reply(gx_mcp_request *r, json_t *result, gx_mcp_cache cache, long ttl_ms)
{
    if (r->answered) {
        json_decref(result);
        return;
    }
    r->answered = true;
    if (!r->redacted)
        gx_json_redact(result, &r->secrets);
    if (r->modern) {
        json_object_set_new(result, "resultType", json_string("complete"));
        if (cache != GX_MCP_NO_CACHE) {
            json_object_set_new(result, "ttlMs", json_integer(ttl_ms));
            json_object_set_new(result, "cacheScope",
                                json_string(cache == GX_MCP_CACHE_PUBLIC ? "public" : "private"));
        }
        json_t *meta = json_object_get(result, "_meta");
        if (!json_is_object(meta)) {
            meta = json_object();
            json_object_set_new(result, "_meta", meta);
        }
        json_object_set_new(meta, GX_META_SERVER, gx_mcp_server_info());
    }
    json_t *msg = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", r->id, "result", result);
    gx_mcp_send(r->srv, msg);
}

void gx_mcp_reply_error(gx_mcp_request *r, int code, const char *message, json_t *data)
{
    if (r->answered) {
        json_decref(data);
        return;
    }
    r->answered = true;
    gx_json_redact(data, &r->secrets);
    gx_mcp_send_error(r->srv, r->id, code, message, data);
}

/* ---- the lifecycle and lists -------------------------------------------------------------- */

static json_t *gx_mcp_capabilities(void)
{
    return json_pack("{s:{}, s:{}, s:{}}", "tools", "resources", "prompts");
}

static json_t *gx_mcp_instructions(const gx_mcp_server *srv)
{
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b,
                "glyphoxa-deploy configures, validates, renders and applies the Glyphoxa "
                "service on Kubernetes for one workspace (values.yaml). Read before you write: "
                "list_paths and describe_path explain every setting, get_values shows the "
                "effective values with their origins, validate checks the rules, "
                "preview_export shows the files an export would write and how they differ "
                "from the last export. ");
    if (srv->opts.read_only)
        gx_buf_puts(&b, "This server is read-only: it offers no tool that changes anything.");
    else
        gx_buf_puts(&b,
                    "Writes (set_values, unset_values, enable_component, disable_component) take "
                    "the revision you read and fail when the workspace changed since. Secret "
                    "values can be set but are never shown. apply runs a target as a dry run "
                    "unless dry_run is false, and so does rollback: ask the operator before a "
                    "real run, above all of the destroy and stop targets. A real destroy also "
                    "needs confirm, the namespace it deletes, as the operator confirmed it. "
                    "history lists what was deployed.");
    json_t *j = json_stringn(b.data, b.len);
    gx_buf_free(&b);
    return j;
}

static void gx_m_initialize(gx_mcp_request *r)
{
    json_t *pv = json_object_get(r->params, "protocolVersion");
    if (!json_is_string(pv)) {
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS,
                           "initialize needs params.protocolVersion (a string)", NULL);
        return;
    }
    json_t *caps = json_object_get(r->params, "capabilities");
    if (caps && !json_is_object(caps)) {
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, "params.capabilities must be an object",
                           NULL);
        return;
    }
    /* the one handshake revision served: the asked one when it is that one,
     * else still that one (the client decides whether it can speak it) */
    r->srv->legacy = true;
    json_t *result = json_pack("{s:s, s:o, s:o, s:o}", "protocolVersion", GX_MCP_LEGACY,
                               "capabilities", gx_mcp_capabilities(), "serverInfo",
                               gx_mcp_server_info(), "instructions", gx_mcp_instructions(r->srv));
    gx_mcp_reply(r, result, GX_MCP_NO_CACHE, 0);
}

static void gx_m_ping(gx_mcp_request *r) { gx_mcp_reply(r, json_object(), GX_MCP_NO_CACHE, 0); }

static void gx_m_discover(gx_mcp_request *r)
{
    json_t *result =
        json_pack("{s:[s,s], s:o, s:o}", "supportedVersions", GX_MCP_MODERN, GX_MCP_LEGACY,
                  "capabilities", gx_mcp_capabilities(), "instructions",
                  gx_mcp_instructions(r->srv));
    gx_mcp_reply(r, result, GX_MCP_CACHE_PUBLIC, GX_MCP_LIST_TTL_MS);
}

/* The lists are never paginated: a cursor cannot be one this server gave. */
static bool gx_no_cursor(gx_mcp_request *r)
{
    json_t *cursor = json_object_get(r->params, "cursor");
    if (!cursor)
        return true;
    gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS,
                       json_is_string(cursor) ? "unknown cursor: this server's lists have one page"
                                              : "params.cursor must be a string",
                       NULL);
    return false;
}

static void gx_m_tools_list(gx_mcp_request *r)
{
    if (gx_no_cursor(r))
        gx_mcp_reply(r, json_pack("{s:O}", "tools", r->srv->tools), GX_MCP_CACHE_PUBLIC,
                     GX_MCP_LIST_TTL_MS);
}

static void gx_m_resources_list(gx_mcp_request *r)
{
    if (gx_no_cursor(r))
        gx_mcp_reply(r, json_pack("{s:o}", "resources", gx_mcp_resources_list()),
                     GX_MCP_CACHE_PUBLIC, GX_MCP_LIST_TTL_MS);
}

static void gx_m_templates_list(gx_mcp_request *r)
{
    if (gx_no_cursor(r))
        gx_mcp_reply(r, json_pack("{s:o}", "resourceTemplates", gx_mcp_resource_templates_list()),
                     GX_MCP_CACHE_PUBLIC, GX_MCP_LIST_TTL_MS);
}

static void gx_m_prompts_list(gx_mcp_request *r)
{
    if (gx_no_cursor(r))
        gx_mcp_reply(r, json_pack("{s:o}", "prompts", gx_mcp_prompts_list()),
                     GX_MCP_CACHE_PUBLIC, GX_MCP_LIST_TTL_MS);
}

/* ---- dispatch ------------------------------------------------------------------------------- */

typedef enum gx_era { GX_ERA_ANY, GX_ERA_MODERN, GX_ERA_LEGACY } gx_era;

typedef struct gx_method {
    const char *name;
    void (*run)(gx_mcp_request *r);
    gx_era era; /* the revision the method belongs to */
} gx_method;

static const gx_method gx_methods[] = {
    {"initialize", gx_m_initialize, GX_ERA_LEGACY},
    {"ping", gx_m_ping, GX_ERA_LEGACY},
    {"server/discover", gx_m_discover, GX_ERA_MODERN},
    {"tools/list", gx_m_tools_list, GX_ERA_ANY},
    {"tools/call", gx_mcp_tools_call, GX_ERA_ANY},
    {"resources/list", gx_m_resources_list, GX_ERA_ANY},
    {"resources/templates/list", gx_m_templates_list, GX_ERA_ANY},
    {"resources/read", gx_mcp_resources_read, GX_ERA_ANY},
    {"prompts/list", gx_m_prompts_list, GX_ERA_ANY},
    {"prompts/get", gx_mcp_prompts_get, GX_ERA_ANY},
};

static const gx_method *gx_method_find(const char *name)
{
    for (size_t i = 0; i < sizeof gx_methods / sizeof gx_methods[0]; i++)
        if (!strcmp(gx_methods[i].name, name))
            return &gx_methods[i];
    return NULL;
}

/* Decides the revision a request is served in from its _meta; false when it
 * was answered with an error instead. */
static bool gx_request_era(gx_mcp_request *r, const gx_method *m)
{
    json_t *meta = json_object_get(r->params, "_meta");
    if (meta && !json_is_object(meta)) {
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, "params._meta must be an object", NULL);
        return false;
    }
    json_t *tok = json_object_get(meta, "progressToken");
    if (tok && (json_is_string(tok) || json_is_integer(tok)))
        r->progress_token = json_incref(tok);
    if (m->run == gx_m_initialize)
        return true; /* the handshake itself: 2025-11-25 by definition */
    json_t *pv = json_object_get(meta, GX_META_VERSION);
    json_t *caps = json_object_get(meta, GX_META_CAPS);
    if (caps && !json_is_object(caps)) {
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, "_meta." GX_META_CAPS " must be an object",
                           NULL);
        return false;
    }
    if (pv) {
        if (!json_is_string(pv)) {
            gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, "_meta." GX_META_VERSION " must be a string",
                               NULL);
            return false;
        }
        const char *v = json_string_value(pv);
        if (!strcmp(v, GX_MCP_MODERN)) {
            if (!caps) {
                gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS,
                                   "_meta." GX_META_CAPS " is missing: every 2026-07-28 request "
                                   "carries the client capabilities",
                                   NULL);
                return false;
            }
            r->modern = true;
        } else if (strcmp(v, GX_MCP_LEGACY) != 0) {
            json_t *data = json_pack("{s:[s,s], s:o}", "supported", GX_MCP_MODERN, GX_MCP_LEGACY,
                                     "requested", gx_mcp_str(v));
            gx_mcp_reply_error(r, GX_RPC_UNSUPPORTED_VERSION, "Unsupported protocol version", data);
            return false;
        }
    } else if (m->era != GX_ERA_LEGACY && !r->srv->legacy) {
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS,
                           "_meta." GX_META_VERSION " is missing: every 2026-07-28 request "
                           "carries its protocol version and client capabilities (or initialize "
                           "first to speak 2025-11-25)",
                           NULL);
        return false;
    }
    if ((m->era == GX_ERA_MODERN && !r->modern) || (m->era == GX_ERA_LEGACY && r->modern)) {
        char text[160];
        snprintf(text, sizeof text, "Method not found: %s is not part of protocol version %s",
                 m->name, r->modern ? GX_MCP_MODERN : GX_MCP_LEGACY);
        gx_mcp_reply_error(r, GX_RPC_METHOD_NOT_FOUND, text, NULL);
        return false;
    }
    return true;
}

static void gx_notification(gx_mcp_server *srv, const char *method, json_t *params)
{
    if (!strcmp(method, "notifications/cancelled")) {
        json_t *id = json_object_get(params, "requestId");
        json_t *reason = json_object_get(params, "reason");
        if (id && (json_is_string(id) || json_is_integer(id)))
            (void)gx_mcp_apply_cancel(srv, id, json_is_string(reason) ? json_string_value(reason)
                                                                     : NULL);
    }
    /* notifications/initialized and anything else: nothing to do */
}

void gx_mcp_dispatch(gx_mcp_server *srv, json_t *msg)
{
    if (!json_is_object(msg)) {
        gx_mcp_send_error(srv, NULL, GX_RPC_INVALID_REQUEST,
                          json_is_array(msg) ? "Invalid Request: batches are not supported"
                                             : "Invalid Request: a message is a JSON object",
                          NULL);
        json_decref(msg);
        return;
    }
    json_t *jsonrpc = json_object_get(msg, "jsonrpc");
    json_t *method = json_object_get(msg, "method");
    json_t *id = json_object_get(msg, "id");
    json_t *params = json_object_get(msg, "params");
    bool id_ok = id && (json_is_string(id) || json_is_integer(id));
    const json_t *reply_id = id_ok ? id : NULL;
    if (!method && id_ok && (json_object_get(msg, "result") || json_object_get(msg, "error"))) {
        json_decref(msg); /* a response: this server sends no requests */
        return;
    }
    if (!json_is_string(jsonrpc) || strcmp(json_string_value(jsonrpc), "2.0") != 0) {
        gx_mcp_send_error(srv, reply_id, GX_RPC_INVALID_REQUEST,
                          "Invalid Request: \"jsonrpc\" must be \"2.0\"", NULL);
        json_decref(msg);
        return;
    }
    if (!json_is_string(method)) {
        gx_mcp_send_error(srv, reply_id, GX_RPC_INVALID_REQUEST,
                          "Invalid Request: \"method\" must be a string", NULL);
        json_decref(msg);
        return;
    }
    if (id && !id_ok) {
        gx_mcp_send_error(srv, NULL, GX_RPC_INVALID_REQUEST,
                          "Invalid Request: \"id\" must be a string or an integer", NULL);
        json_decref(msg);
        return;
    }
    if (params && !json_is_object(params)) {
        if (id)
            gx_mcp_send_error(srv, id, GX_RPC_INVALID_PARAMS, "params must be an object", NULL);
        json_decref(msg);
        return;
    }
    if (!id) {
        gx_notification(srv, json_string_value(method), params);
        json_decref(msg);
        return;
    }
    gx_mcp_request r;
    memset(&r, 0, sizeof r);
    r.srv = srv;
    r.secrets = (gx_secrets)GX_MCP_SECRETS_INIT;
    r.id = json_incref(id);
    r.method = json_string_value(method);
    r.params = params ? json_incref(params) : json_object();
    const gx_method *m = gx_method_find(r.method);
    if (!m) {
        char text[200];
        snprintf(text, sizeof text, "Method not found: %.120s", r.method);
        gx_mcp_reply_error(&r, GX_RPC_METHOD_NOT_FOUND, text, NULL);
    } else if (gx_request_era(&r, m)) {
        m->run(&r);
        if (!r.answered && !r.deferred)
            gx_mcp_reply_error(&r, GX_RPC_INTERNAL_ERROR, "Internal error: no answer", NULL);
    }
    json_decref(r.id);
    json_decref(r.params);
    json_decref(r.progress_token);
    gx_secrets_free(&r.secrets);
    gx_session_free(r.session);
    json_decref(msg);
}
