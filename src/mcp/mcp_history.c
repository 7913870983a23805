/* mcp_history — the release history for the MCP server. See mcp_history.h. */
#include "mcp_history.h"

#include <stdio.h>
#include <string.h>

#include "mcp_tools.h"

/* Highest revision number accepted, as the command line's. */
#define GX_HISTORY_MAX_REVISION 1000000000

/* ---- schemas ------------------------------------------------------------------------------------ */

static json_t *gx_h_type(const char *type) { return json_pack("{s:s}", "type", type); }

json_t *gx_mcp_history_input_schema(void)
{
    json_t *rev = json_pack("{s:s, s:i, s:i}", "type", "integer", "minimum", 1, "maximum",
                            GX_HISTORY_MAX_REVISION);
    json_t *diff = json_pack(
        "{s:s, s:s, s:{s:o, s:o}, s:[s,s], s:b}", "type", "object", "description",
        "also show what changed from revision from to revision to (as history diff A B): "
        "files added and removed, a unified diff per changed file; files that hold secrets are "
        "named, never shown",
        "properties", "from", rev, "to", json_deep_copy(rev), "required", "from", "to",
        "additionalProperties", 0);
    return json_pack("{s:s, s:{s:o}, s:b}", "type", "object", "properties", "diff", diff,
                     "additionalProperties", 0);
}

static json_t *gx_revision_schema(void)
{
    json_t *p = json_object();
    json_object_set_new(p, "revision", gx_h_type("integer"));
    json_object_set_new(p, "time", json_pack("{s:s, s:s}", "type", "string", "description",
                                             "when it was applied (UTC, ISO 8601)"));
    json_object_set_new(p, "target", json_pack("{s:s, s:s}", "type", "string", "description",
                                               "default or infrastructure"));
    json_object_set_new(p, "export-hash",
                        json_pack("{s:s, s:s}", "type", "string", "description",
                                  "SHA-256 over the applied files' paths and hashes"));
    json_object_set_new(p, "namespace", gx_h_type("string"));
    json_object_set_new(p, "release-name", gx_h_type("string"));
    json_object_set_new(p, "components",
                        json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "string"));
    json_object_set_new(p, "exit-status", gx_h_type("integer"));
    json_object_set_new(p, "rollback-of",
                        json_pack("{s:[s,s], s:s}", "type", "integer", "null", "description",
                                  "the revision this one re-applied (a rollback); null: none"));
    json_object_set_new(p, "tool-version", gx_h_type("string"));
    json_object_set_new(p, "deployed",
                        json_pack("{s:s, s:s}", "type", "boolean", "description",
                                  "the deployed record names this revision"));
    return json_pack("{s:s, s:o, s:[s,s,s,s,s,s,s,s,s,s,s]}", "type", "object", "properties", p,
                     "required", "revision", "time", "target", "export-hash", "namespace",
                     "release-name", "components", "exit-status", "rollback-of", "tool-version",
                     "deployed");
}

json_t *gx_mcp_history_output_schema(void)
{
    json_t *diff = json_pack(
        "{s:s, s:{s:o, s:o, s:o, s:o}, s:[s,s,s,s]}", "type", "object", "properties", "from",
        gx_h_type("integer"), "to", gx_h_type("integer"), "same",
        json_pack("{s:s, s:s}", "type", "boolean", "description",
                  "both revisions applied the same files"),
        "text",
        json_pack("{s:s, s:s}", "type", "string", "description",
                  "\"added PATH\" and \"removed PATH\" lines, a unified diff per changed file, "
                  "\"changed PATH (it holds secrets: not shown)\""),
        "required", "from", "to", "same", "text");
    return json_pack("{s:s, s:{s:{s:[s,s], s:s}, s:{s:s, s:o}, s:o}, s:[s,s]}", "type", "object",
                     "properties", "deployed", "type", "integer", "null", "description",
                     "the deployed revision; null: nothing deployed (or its record is gone)",
                     "revisions", "type", "array", "items", gx_revision_schema(), "diff", diff,
                     "required", "deployed", "revisions");
}

/* ---- the document and the tool ------------------------------------------------------------------ */

json_t *gx_mcp_history_doc(gx_session *s, const gx_sink *sink)
{
    gx_history h;
    if (gx_op_history(s, sink, &h) != GX_STATUS_OK)
        return NULL;
    json_t *list = json_array();
    for (size_t i = 0; i < h.count; i++)
        json_array_append_new(list, gx_json_revision(&h.items[i]));
    return json_pack("{s:o, s:o}", "deployed", h.deployed ? json_integer(h.deployed) : json_null(),
                     "revisions", list);
}

/* Answers a failed operation: "history failed: <first blocking problem>". */
static void gx_history_failed(gx_mcp_request *r, gx_mcp_collect *c)
{
    char text[600];
    snprintf(text, sizeof text, "history failed: %s",
             gx_json_first_blocking(c->diags, "the operation failed"));
    gx_mcp_tool_error(r, text, json_incref(c->diags), NULL);
}

void gx_mcp_history_call(gx_mcp_request *r, const json_t *args)
{
    gx_mcp_collect c;
    gx_mcp_collect_init(&c, gx_session_workspace(r->session));
    gx_sink sink = gx_mcp_collect_sink(&c);
    json_t *doc = gx_mcp_history_doc(r->session, &sink);
    if (!doc) {
        gx_history_failed(r, &c);
        gx_mcp_collect_free(&c);
        return;
    }
    const json_t *diff = json_object_get(args, "diff");
    if (diff) {
        int a = (int)json_integer_value(json_object_get(diff, "from"));
        int b = (int)json_integer_value(json_object_get(diff, "to"));
        gx_buf text = GX_BUF_INIT;
        if (gx_op_history_diff(r->session, a, b, &sink, &text) != GX_STATUS_OK) {
            gx_buf_free(&text);
            json_decref(doc);
            gx_history_failed(r, &c);
            gx_mcp_collect_free(&c);
            return;
        }
        json_object_set_new(doc, "diff",
                            json_pack("{s:i, s:i, s:b, s:o}", "from", a, "to", b, "same",
                                      text.len == 0, "text",
                                      gx_mcp_text(text.data ? text.data : "", text.len)));
        gx_buf_free(&text);
    }
    gx_mcp_collect_free(&c);
    gx_mcp_tool_ok(r, doc);
}
