/* mcp_resources — the resources of the MCP server. See mcp_resources.h. */
#include "mcp_resources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_xalloc.h"
#include "mcp_history.h"
#include "mcp_tools.h"

#define GX_URI_VALUES "glyphoxa://values"
#define GX_URI_EFFECTIVE "glyphoxa://effective"
#define GX_URI_VALIDATION "glyphoxa://validation"
#define GX_URI_HISTORY "glyphoxa://history"
#define GX_URI_SCHEMA "glyphoxa://schema"
#define GX_URI_GENERATED "glyphoxa://generated/"
#define GX_URI_SCRIPTS "glyphoxa://scripts/"

/* The fixed resources, in the order resources/list gives them. */
static const struct {
    const char *uri, *name, *title, *description, *mime;
} gx_mcp_resources[] = {
    {GX_URI_VALUES, "values", "values.yaml",
     "The workspace's values.yaml as written by set (comments not kept), every secret value "
     "\"<redacted>\".",
     "application/yaml"},
    {GX_URI_EFFECTIVE, "effective", "Effective values",
     "Every effective value (defaults, topology, values.yaml and the server's layers) with its "
     "origin and the workspace revision; secrets \"<redacted>\".",
     "application/json"},
    {GX_URI_VALIDATION, "validation", "Validation",
     "The validation of the workspace: every rule result with its path, severity, message, "
     "hint and remedy.",
     "application/json"},
    {GX_URI_HISTORY, "history", "Release history",
     "The revisions kept of successful applies, newest last, and the deployed one (as the "
     "history tool without diff).",
     "application/json"},
    {GX_URI_SCHEMA, "schema", "JSON Schema of values.yaml",
     "The JSON Schema (draft 2020-12) of values.yaml and secrets.yaml: every path with its "
     "type, default, description, choices, range and pattern, the components, and the shapes "
     "of structured values. The same for every workspace; cross-value rules are validate's.",
     "application/schema+json"},
};

json_t *gx_mcp_resources_list(void)
{
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof gx_mcp_resources / sizeof gx_mcp_resources[0]; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "uri",
                                              gx_mcp_resources[i].uri, "name",
                                              gx_mcp_resources[i].name, "title",
                                              gx_mcp_resources[i].title, "description",
                                              gx_mcp_resources[i].description, "mimeType",
                                              gx_mcp_resources[i].mime));
    return list;
}

json_t *gx_mcp_resource_templates_list(void)
{
    gx_buf targets = GX_BUF_INIT;
    for (size_t t = 0; t < gx_core_target_count(); t++)
        gx_buf_printf(&targets, "%s%s", t ? ", " : "", gx_core_target(t)->name);
    char *desc = gx_xasprintf("The script of a target ({target}: %s) as an export would write it "
                              "now.",
                              targets.data ? targets.data : "");
    gx_buf_free(&targets);
    json_t *list = json_pack(
        "[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}]", "uriTemplate",
        GX_URI_GENERATED "{file}", "name", "generated", "title", "Rendered file", "description",
        "A file below generated/ as an export would write it now ({file}: its path below "
        "generated/, e.g. gateway.yaml or infra/postgresql-values.yaml; preview_export lists "
        "them), secret values \"<redacted>\".",
        "mimeType", "application/yaml", "uriTemplate", GX_URI_SCRIPTS "{target}", "name",
        "scripts", "title", "Target script", "description", desc, "mimeType",
        "text/x-shellscript");
    free(desc);
    return list;
}

/* ---- reading ------------------------------------------------------------------------------- */

static void gx_contents(gx_mcp_request *r, const char *uri, const char *mime, json_t *text)
{
    json_t *result = json_pack("{s:[{s:s, s:s, s:o}]}", "contents", "uri", uri, "mimeType", mime,
                               "text", text);
    gx_mcp_reply(r, result, GX_MCP_CACHE_PRIVATE, 0);
}

/* doc (consumed) as the text of an application/json resource, its secrets
 * hidden. */
static void gx_contents_json(gx_mcp_request *r, const char *uri, json_t *doc)
{
    gx_json_redact(doc, &r->secrets);
    char *text = gx_mcp_dump(doc);
    json_decref(doc);
    gx_contents(r, uri, "application/json", gx_mcp_str(text));
    free(text);
}

static void gx_not_found(gx_mcp_request *r, const char *uri)
{
    char text[300];
    snprintf(text, sizeof text, "Resource not found: %.200s", uri);
    gx_mcp_reply_error(r,
                       r->modern ? GX_RPC_INVALID_PARAMS : GX_RPC_RESOURCE_NOT_FOUND_LEGACY,
                       text, json_pack("{s:s}", "uri", uri));
}

static void gx_read_failed(gx_mcp_request *r, const char *uri, gx_mcp_collect *c)
{
    char text[600];
    snprintf(text, sizeof text, "cannot read %.100s: %.400s", uri,
             gx_json_first_blocking(c->diags, "the operation failed"));
    gx_mcp_reply_error(r, GX_RPC_INTERNAL_ERROR, text,
                       json_pack("{s:s, s:O}", "uri", uri, "diagnostics", c->diags));
}

static int gx_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX escapes of s (a path below a URI); NULL for a bad escape or %00. */
static char *gx_uri_decode(const char *s)
{
    size_t n = strlen(s);
    char *out = gx_xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            *o++ = s[i];
            continue;
        }
        bool whole = i + 2 < n; /* both digits are there */
        int hi = whole ? gx_hex_digit(s[i + 1]) : -1;
        int lo = whole ? gx_hex_digit(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            free(out);
            return NULL;
        }
        *o++ = (char)(hi * 16 + lo);
        i += 2;
    }
    *o = '\0';
    return out;
}

/* A file of the preview as a resource: path below the workspace. */
static void gx_read_rendered(gx_mcp_request *r, const char *uri, const char *path,
                             const char *mime)
{
    gx_mcp_collect c;
    gx_mcp_collect_init(&c, gx_session_workspace(r->session));
    gx_sink sink = gx_mcp_collect_sink(&c);
    gx_preview_request req = {0};
    gx_preview p;
    if (gx_op_preview(r->session, &req, &sink, &p) != GX_STATUS_OK) {
        gx_read_failed(r, uri, &c);
        gx_mcp_collect_free(&c);
        return;
    }
    gx_mcp_collect_free(&c);
    for (size_t i = 0; i < p.count; i++)
        if (p.files[i].content && !strcmp(p.files[i].path, path)) {
            gx_contents(r, uri, mime, gx_mcp_text(p.files[i].content, p.files[i].len));
            return;
        }
    gx_not_found(r, uri);
}

/* glyphoxa://schema: from the compiled tables (gx_core_json_schema), the
 * same for every workspace and request, so it needs no session, reads no
 * file, holds no value of the workspace, and may be cached as the lists. */
static void gx_read_schema(gx_mcp_request *r, const char *uri)
{
    json_t *doc = NULL;
    char *text = gx_core_json_schema(&doc) == GX_STATUS_OK ? gx_mcp_dump(doc) : NULL;
    json_decref(doc);
    if (text)
        gx_mcp_reply(r,
                     json_pack("{s:[{s:s, s:s, s:o}]}", "contents", "uri", uri, "mimeType",
                               "application/schema+json", "text", gx_mcp_str(text)),
                     GX_MCP_CACHE_PUBLIC, GX_MCP_LIST_TTL_MS);
    else
        gx_mcp_reply_error(r, GX_RPC_INTERNAL_ERROR, "cannot read glyphoxa://schema",
                           json_pack("{s:s}", "uri", uri));
    free(text);
}

void gx_mcp_resources_read(gx_mcp_request *r)
{
    const char *uri = json_string_value(json_object_get(r->params, "uri"));
    if (!uri) {
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, "params.uri must be a string", NULL);
        return;
    }
    if (!strcmp(uri, GX_URI_SCHEMA)) {
        gx_read_schema(r, uri);
        return;
    }
    r->session = gx_session_clone(r->srv->base);
    gx_mcp_request_secrets(r);

    gx_mcp_collect c;
    gx_mcp_collect_init(&c, gx_session_workspace(r->session));
    gx_sink sink = gx_mcp_collect_sink(&c);
    if (!strcmp(uri, GX_URI_VALUES)) {
        gx_buf text = GX_BUF_INIT;
        if (gx_op_values_text(r->session, &sink, &text, NULL) == GX_STATUS_OK)
            gx_contents(r, uri, "application/yaml", gx_mcp_text(text.data ? text.data : "", text.len));
        else
            gx_read_failed(r, uri, &c);
        gx_buf_free(&text);
    } else if (!strcmp(uri, GX_URI_EFFECTIVE)) {
        gx_values vals;
        if (gx_op_get(r->session, NULL, 0, &sink, &vals) == GX_STATUS_OK) {
            json_t *arr = json_array();
            for (size_t i = 0; i < vals.count; i++)
                json_array_append_new(arr, gx_mcp_value_json(r->session, &vals.items[i]));
            json_t *doc = json_pack("{s:s, s:o}", "revision", vals.revision, "values", arr);
            gx_contents_json(r, uri, doc);
        } else {
            gx_read_failed(r, uri, &c);
        }
    } else if (!strcmp(uri, GX_URI_VALIDATION)) {
        gx_validation v;
        (void)gx_op_validate(r->session, NULL, &v);
        json_t *doc = gx_json_validation(&v);
        gx_contents_json(r, uri, doc);
    } else if (!strcmp(uri, GX_URI_HISTORY)) {
        json_t *doc = gx_mcp_history_doc(r->session, &sink);
        if (doc) {
            gx_contents_json(r, uri, doc);
        } else {
            gx_read_failed(r, uri, &c);
        }
    } else if (!strncmp(uri, GX_URI_GENERATED, strlen(GX_URI_GENERATED))) {
        char *file = gx_uri_decode(uri + strlen(GX_URI_GENERATED));
        if (!file || !*file) {
            gx_not_found(r, uri);
        } else {
            char *path = gx_xasprintf("generated/%s", file);
            gx_read_rendered(r, uri, path, "application/yaml");
            free(path);
        }
        free(file);
    } else if (!strncmp(uri, GX_URI_SCRIPTS, strlen(GX_URI_SCRIPTS))) {
        char *name = gx_uri_decode(uri + strlen(GX_URI_SCRIPTS));
        const gx_target_info *found = NULL;
        for (size_t t = 0; name && t < gx_core_target_count() && !found; t++) {
            const gx_target_info *ti = gx_core_target(t);
            if (!strcmp(ti->name, name) || !strcmp(ti->script, name))
                found = ti;
        }
        if (!found) {
            gx_not_found(r, uri);
        } else {
            char *path = gx_xasprintf("scripts/%s", found->script);
            gx_read_rendered(r, uri, path, "text/x-shellscript");
            free(path);
        }
        free(name);
    } else {
        gx_not_found(r, uri);
    }
    gx_mcp_collect_free(&c);
}
