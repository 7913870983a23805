/* mcp_tools — the tools of the MCP server. See mcp_tools.h. */
#include "mcp_tools.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gx_text.h"
#include "gx_xalloc.h"
#include "mcp_apply.h"
#include "mcp_history.h"

/* ---- collecting what an operation reports ---------------------------------------------------- */

void gx_mcp_collect_init(gx_mcp_collect *c, const char *workspace)
{
    c->workspace = workspace;
    c->diags = json_array();
    c->changed = json_array();
    c->generated = json_array();
    c->files = json_array();
}

void gx_mcp_collect_free(gx_mcp_collect *c)
{
    json_decref(c->diags);
    json_decref(c->changed);
    json_decref(c->generated);
    json_decref(c->files);
    memset(c, 0, sizeof *c);
}

/* path without the "<workspace>/" an operation put before it */
static const char *gx_relative(const char *workspace, const char *path)
{
    size_t n = workspace ? strlen(workspace) : 0;
    if (n && strcmp(workspace, ".") && !strncmp(path, workspace, n) && path[n] == '/')
        return path + n + 1;
    return path;
}

static void gx_collect_event(void *ctx, const gx_event *ev)
{
    gx_mcp_collect *c = ctx;
    switch (ev->kind) {
    case GX_EV_DIAG:
    case GX_EV_RESULT: json_array_append_new(c->diags, gx_json_diag(ev->diag)); break;
    case GX_EV_CHANGE:
        if (ev->text && !strcmp(ev->text, "generated"))
            json_array_append_new(c->generated, gx_mcp_str(ev->subject));
        else
            json_array_append_new(c->changed, gx_mcp_str(ev->subject));
        break;
    case GX_EV_FILE: {
        char mode[8];
        snprintf(mode, sizeof mode, "%04o", ev->mode & 07777);
        json_array_append_new(c->files, json_pack("{s:o, s:s}", "path",
                                                  gx_mcp_str(gx_relative(c->workspace, ev->subject)),
                                                  "mode", mode));
        break;
    }
    default: break;
    }
}

gx_sink gx_mcp_collect_sink(gx_mcp_collect *c)
{
    gx_sink sink = {gx_collect_event, c};
    return sink;
}

/* ---- answers ----------------------------------------------------------------------------------- */

void gx_mcp_tool_ok(gx_mcp_request *r, json_t *structured)
{
    /* the secrets go first, so that the text block is the same JSON */
    gx_json_redact(structured, &r->secrets);
    r->redacted = true;
    char *text = gx_mcp_dump(structured);
    json_t *result = json_pack("{s:[{s:s, s:s}], s:o, s:b}", "content", "type", "text", "text",
                               text ? text : "{}", "structuredContent", structured, "isError", 0);
    free(text);
    gx_mcp_reply(r, result, GX_MCP_NO_CACHE, 0);
}

void gx_mcp_tool_error(gx_mcp_request *r, const char *message, json_t *diags, json_t *extra)
{
    json_t *body = json_pack("{s:o}", "error", gx_mcp_str(message));
    json_object_set_new(body, "diagnostics", diags ? diags : json_array());
    if (extra) {
        json_object_update(body, extra);
        json_decref(extra);
    }
    gx_json_redact(body, &r->secrets);
    r->redacted = true;
    char *text = gx_mcp_dump(body);
    json_decref(body);
    json_t *result = json_pack("{s:[{s:s, s:s}], s:b}", "content", "type", "text", "text",
                               text ? text : "{}", "isError", 1);
    free(text);
    gx_mcp_reply(r, result, GX_MCP_NO_CACHE, 0);
}

/* Answers a failed operation: "<tool>: <first problem>" and every diagnostic. */
static void gx_op_failed(gx_mcp_request *r, const char *tool, gx_mcp_collect *c, json_t *extra)
{
    char text[600];
    snprintf(text, sizeof text, "%s failed: %s", tool,
             gx_json_first_blocking(c->diags, "the operation failed"));
    json_t *diags = json_incref(c->diags);
    gx_mcp_tool_error(r, text, diags, extra);
}

/* A diagnostic built here (not by an operation), as JSON. */
static json_t *gx_diag_json(gx_code code, const char *path, const char *hint,
                            gx_remedy_kind remedy, const char *remedy_arg, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static json_t *gx_diag_json(gx_code code, const char *path, const char *hint,
                            gx_remedy_kind remedy, const char *remedy_arg, const char *fmt, ...)
{
    char text[600];
    GX_FORMAT_ARGS(text, fmt);
    gx_diag d;
    memset(&d, 0, sizeof d);
    d.severity = GX_BLOCKING;
    d.code = code;
    d.path = path;
    d.message = text;
    d.hint = hint;
    d.remedy.kind = remedy;
    d.remedy.arg = remedy_arg;
    return gx_json_diag(&d);
}

/* ---- schemas ------------------------------------------------------------------------------------ */

static json_t *gx_s_str(const char *desc)
{
    return json_pack("{s:s, s:s}", "type", "string", "description", desc);
}

static json_t *gx_s_bool(const char *desc, int def)
{
    json_t *s = json_pack("{s:s, s:s}", "type", "boolean", "description", desc);
    if (def >= 0)
        json_object_set_new(s, "default", json_boolean(def));
    return s;
}

static json_t *gx_s_strs(const char *desc, int min_items)
{
    json_t *s = json_pack("{s:s, s:s, s:{s:s, s:i}}", "type", "array", "description", desc,
                          "items", "type", "string", "minLength", 1);
    if (min_items > 0)
        json_object_set_new(s, "minItems", json_integer(min_items));
    return s;
}

/* An input schema: an object with exactly these properties (consumed). */
static json_t *gx_s_input(json_t *props, const char *const *required)
{
    json_t *s = json_pack("{s:s, s:o}", "type", "object", "properties", props);
    if (required && required[0]) {
        json_t *req = json_array();
        for (size_t i = 0; required[i]; i++)
            json_array_append_new(req, json_string(required[i]));
        json_object_set_new(s, "required", req);
    }
    json_object_set_new(s, "additionalProperties", json_false());
    return s;
}

/* An output object schema (consumed members). */
static json_t *gx_s_out(json_t *props, const char *const *required)
{
    json_t *s = json_pack("{s:s, s:o}", "type", "object", "properties", props);
    json_t *req = json_array();
    for (size_t i = 0; required && required[i]; i++)
        json_array_append_new(req, json_string(required[i]));
    json_object_set_new(s, "required", req);
    return s;
}

static json_t *gx_s_type(const char *type) { return json_pack("{s:s}", "type", type); }

json_t *gx_mcp_schema_diag(void)
{
    static const char *const req[] = {"rule", "path", "severity", "message", NULL};
    json_t *remedy = gx_s_out(json_pack("{s:o, s:o, s:o}", "action", gx_s_type("string"),
                                        "target", gx_s_type("string"), "value",
                                        gx_s_type("string")),
                              (const char *const[]){"action", NULL});
    return gx_s_out(
        json_pack("{s:o, s:{s:[s,s]}, s:{s:s, s:[s,s,s]}, s:o, s:o, s:o, s:o, s:o, s:o}", "rule",
                  gx_s_type("string"), "path", "type", "string", "null", "severity", "type",
                  "string", "enum", "blocking", "warning", "note", "message", gx_s_type("string"),
                  "hint", gx_s_type("string"), "file", gx_s_type("string"), "line",
                  gx_s_type("integer"), "column", gx_s_type("integer"), "remedy", remedy),
        req);
}

static json_t *gx_s_diags(void)
{
    return json_pack("{s:s, s:o}", "type", "array", "items", gx_mcp_schema_diag());
}

json_t *gx_mcp_schema_validation(void)
{
    static const char *const req[] = {"valid", "blocking", "warnings", "results", "revision", NULL};
    return gx_s_out(json_pack("{s:o, s:o, s:o, s:o, s:{s:[s,s]}}", "valid", gx_s_type("boolean"),
                              "blocking", gx_s_type("integer"), "warnings", gx_s_type("integer"),
                              "results", gx_s_diags(), "revision", "type", "string", "null"),
                    req);
}

static json_t *gx_s_field(void)
{
    static const char *const req[] = {"path",    "type",    "default",     "component",
                                      "section", "display", "description", "secret", NULL};
    json_t *p = json_object();
    json_object_set_new(p, "path", gx_s_type("string"));
    json_object_set_new(p, "type", gx_s_type("string"));
    json_object_set_new(p, "default", gx_s_type("string"));
    json_object_set_new(p, "default-shared", gx_s_type("string"));
    json_object_set_new(p, "default-dedicated", gx_s_type("string"));
    json_object_set_new(p, "component", json_pack("{s:[s,s]}", "type", "string", "null"));
    json_object_set_new(p, "section", gx_s_type("string"));
    json_object_set_new(p, "display", gx_s_type("string"));
    json_object_set_new(p, "description", gx_s_type("string"));
    json_object_set_new(p, "secret", gx_s_type("boolean"));
    json_object_set_new(p, "choices", json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type",
                                                "string"));
    json_object_set_new(p, "min", gx_s_type("integer"));
    json_object_set_new(p, "max", gx_s_type("integer"));
    json_object_set_new(p, "pattern", gx_s_type("string"));
    json_object_set_new(p, "placeholder", gx_s_type("string"));
    return gx_s_out(p, req);
}

static json_t *gx_s_value(void)
{
    static const char *const req[] = {"path", "value", "secret", "origin", "default", NULL};
    return gx_s_out(json_pack("{s:o, s:{s:s}, s:o, s:o, s:o}", "path", gx_s_type("string"),
                              "value", "description",
                              "the effective value in its type; \"<redacted>\" for a secret",
                              "secret", gx_s_type("boolean"), "origin", gx_s_type("string"),
                              "default", gx_s_type("boolean")),
                    req);
}

static json_t *gx_s_component(void)
{
    static const char *const req[] = {"name", "enabled", "mandatory", "default", "description",
                                      NULL};
    return gx_s_out(json_pack("{s:o, s:o, s:o, s:o, s:o}", "name", gx_s_type("string"), "enabled",
                              gx_s_type("boolean"), "mandatory", gx_s_type("boolean"), "default",
                              gx_s_type("boolean"), "description", gx_s_type("string")),
                    req);
}

static json_t *gx_s_array_of(json_t *items)
{
    return json_pack("{s:s, s:o}", "type", "array", "items", items);
}

const char *gx_mcp_opt_help(const char *command, const char *name, const char *fallback)
{
    const gx_command_info *c = gx_core_command_find(command);
    for (const gx_cmd_option *o = c ? c->options : NULL; o && o->name; o++)
        if (!strcmp(o->name, name))
            return o->help;
    for (const gx_cmd_arg *a = c ? c->args : NULL; a && a->name; a++)
        if (!strcmp(a->name, name))
            return a->help;
    return fallback;
}

static json_t *gx_s_revision(void)
{
    return json_pack("{s:s, s:s, s:i}", "type", "string", "description",
                     "the workspace revision the values were read at (get_values, validate and "
                     "every write answer it): nothing is changed when the workspace changed since",
                     "minLength", 1);
}

/* ---- list_paths --------------------------------------------------------------------------------- */

static json_t *gx_in_list_paths(void)
{
    return gx_s_input(
        json_pack("{s:o, s:o, s:o}", "section",
                  gx_s_str("only paths of this section: its name (\"Gateway\") or path prefix "
                           "(\"gateway\", \"worker/profiles\")"),
                  "component",
                  gx_s_str("only paths of this component (\"postgresql\"); \"none\" for the paths "
                           "that belong to no component"),
                  "text",
                  gx_s_str("only paths whose path, name or description contains this text "
                           "(case-insensitive)")),
        NULL);
}

static json_t *gx_out_list_paths(void)
{
    static const char *const req[] = {"count", "paths", NULL};
    return gx_s_out(json_pack("{s:o, s:o}", "count", gx_s_type("integer"), "paths",
                              gx_s_array_of(gx_s_field())),
                    req);
}

static bool gx_in_section(const gx_field *f, const char *section)
{
    size_t n = strlen(section);
    if (!strcasecmp(f->section, section))
        return true;
    return n && !strncmp(f->path, section, n) && f->path[n] == '/';
}

static void gx_call_list_paths(gx_mcp_request *r, const json_t *args)
{
    const char *section = json_string_value(json_object_get(args, "section"));
    const char *component = json_string_value(json_object_get(args, "component"));
    const char *text = json_string_value(json_object_get(args, "text"));
    int comp = -2;
    if (component) {
        comp = !strcmp(component, "none") ? -1 : gx_core_component_find(component);
        if (comp == -1 && strcmp(component, "none")) {
            gx_mcp_tool_error(r, "list_paths failed: unknown component",
                              json_pack("[o]", gx_diag_json(GX_CODE_UNKNOWN_COMPONENT, NULL,
                                                            "list_components shows every component",
                                                            GX_REMEDY_LIST_COMPONENTS, NULL,
                                                            "unknown component '%.80s'", component)),
                              NULL);
            return;
        }
    }
    if (section) {
        bool known = false;
        for (size_t i = 0; i < gx_core_field_count() && !known; i++)
            known = gx_in_section(gx_core_field(i), section);
        if (!known) {
            gx_buf names = GX_BUF_INIT;
            const char *last = NULL;
            for (size_t i = 0; i < gx_core_field_count(); i++) {
                const gx_field *f = gx_core_field(i);
                if (last && !strcmp(last, f->section))
                    continue;
                gx_buf_printf(&names, "%s%s", last ? ", " : "", f->section);
                last = f->section;
            }
            char *hint = gx_xasprintf("the sections: %s", names.data ? names.data : "");
            gx_buf_free(&names);
            gx_mcp_tool_error(r, "list_paths failed: unknown section",
                              json_pack("[o]", gx_diag_json(GX_CODE_UNKNOWN_PATH, NULL, hint,
                                                            GX_REMEDY_LIST_PATHS, NULL,
                                                            "no section '%.80s'", section)),
                              NULL);
            free(hint);
            return;
        }
    }
    json_t *paths = json_array();
    for (size_t i = 0; i < gx_core_field_count(); i++) {
        const gx_field *f = gx_core_field(i);
        if (section && !gx_in_section(f, section))
            continue;
        if (comp != -2 && f->component != comp)
            continue;
        if (text && !strcasestr(f->path, text) && !strcasestr(f->display, text) &&
            !strcasestr(f->description, text))
            continue;
        json_array_append_new(paths, gx_json_field(f));
    }
    gx_mcp_tool_ok(r, json_pack("{s:I, s:o}", "count", (json_int_t)json_array_size(paths), "paths",
                                paths));
}

/* ---- describe_path ------------------------------------------------------------------------------ */

static json_t *gx_in_describe_path(void)
{
    return gx_s_input(json_pack("{s:{s:s, s:s, s:i}}", "path", "type", "string", "description",
                                "a path, e.g. gateway/replica-count", "minLength", 1),
                      (const char *const[]){"path", NULL});
}

static json_t *gx_unknown_path_diags(const char *path)
{
    gx_diags d = GX_DIAGS_INIT;
    gx_core_unknown_path(&d, path);
    json_t *arr = json_array();
    for (size_t i = 0; i < d.count; i++)
        json_array_append_new(arr, gx_json_diag(&d.items[i]));
    gx_diags_free(&d);
    return arr;
}

static void gx_call_describe_path(gx_mcp_request *r, const json_t *args)
{
    const char *path = json_string_value(json_object_get(args, "path"));
    int f = gx_core_field_find(path);
    if (f < 0) {
        gx_mcp_tool_error(r, "describe_path failed: unknown path", gx_unknown_path_diags(path),
                          NULL);
        return;
    }
    gx_mcp_tool_ok(r, gx_json_field(gx_core_field((size_t)f)));
}

/* ---- get_values --------------------------------------------------------------------------------- */

static json_t *gx_in_get_values(void)
{
    return gx_s_input(json_pack("{s:o}", "paths",
                                gx_s_strs("paths (gateway/replica-count) or sections (gateway, "
                                          "worker/profiles) to read; none: every value",
                                          0)),
                      NULL);
}

static json_t *gx_out_get_values(void)
{
    static const char *const req[] = {"revision", "values", NULL};
    return gx_s_out(json_pack("{s:o, s:o}", "revision", gx_s_type("string"), "values",
                              gx_s_array_of(gx_s_value())),
                    req);
}

json_t *gx_mcp_value_json(gx_session *s, const gx_value_info *v)
{
    json_t *o = gx_json_value(s, v, true);
    if (v->redacted)
        json_object_set_new(o, "value", json_string(GX_MCP_REDACTED));
    json_object_set_new(o, "secret", json_boolean(v->secret));
    json_object_set_new(o, "default", json_boolean(v->is_default));
    return o;
}

static bool gx_selected(const char *path, const json_t *selectors)
{
    if (!json_array_size(selectors))
        return true;
    size_t i;
    json_t *sel;
    json_array_foreach(selectors, i, sel) {
        const char *s = json_string_value(sel);
        size_t n = strlen(s);
        if (!strcmp(path, s) || (!strncmp(path, s, n) && path[n] == '/'))
            return true;
    }
    return false;
}

/* Unknown-path diagnostics for the selectors that are neither a path nor a
 * section; NULL when all are known. */
static json_t *gx_check_selectors(const json_t *selectors, bool sections_too)
{
    json_t *bad = NULL;
    size_t i;
    json_t *sel;
    json_array_foreach(selectors, i, sel) {
        const char *s = json_string_value(sel);
        if (gx_core_field_find(s) >= 0 || (sections_too && gx_core_is_section(s)))
            continue;
        if (!bad)
            bad = json_array();
        {
            json_t *d = gx_unknown_path_diags(s);
            json_array_extend(bad, d);
            json_decref(d);
        }
    }
    return bad;
}

/* The current values of selectors (JSON array), or NULL when they cannot be read. */
static json_t *gx_values_of(gx_session *s, const json_t *selectors, const char **revision)
{
    gx_values vals;
    if (gx_op_get(s, NULL, 0, NULL, &vals) != GX_STATUS_OK)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < vals.count; i++)
        if (gx_selected(vals.items[i].path, selectors))
            json_array_append_new(arr, gx_mcp_value_json(s, &vals.items[i]));
    if (revision)
        *revision = vals.revision;
    return arr;
}

static void gx_call_get_values(gx_mcp_request *r, const json_t *args)
{
    const json_t *selectors = json_object_get(args, "paths");
    json_t *bad = gx_check_selectors(selectors, true);
    if (bad) {
        gx_mcp_tool_error(r, "get_values failed: unknown path", bad, NULL);
        return;
    }
    gx_mcp_collect c;
    gx_mcp_collect_init(&c, gx_session_workspace(r->session));
    gx_sink sink = gx_mcp_collect_sink(&c);
    gx_values vals;
    if (gx_op_get(r->session, NULL, 0, &sink, &vals) != GX_STATUS_OK) {
        gx_op_failed(r, "get_values", &c, NULL);
        gx_mcp_collect_free(&c);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < vals.count; i++)
        if (gx_selected(vals.items[i].path, selectors))
            json_array_append_new(arr, gx_mcp_value_json(r->session, &vals.items[i]));
    gx_mcp_tool_ok(r, json_pack("{s:s, s:o}", "revision", vals.revision, "values", arr));
    gx_mcp_collect_free(&c);
}

/* ---- writes ------------------------------------------------------------------------------------- */

static json_t *gx_out_write(bool generated)
{
    static const char *const req[] = {"revision", "changed", "validation", NULL};
    json_t *p = json_pack("{s:o, s:o, s:o}", "revision", gx_s_type("string"), "changed",
                          gx_s_array_of(gx_s_type("string")), "validation",
                          gx_mcp_schema_validation());
    if (generated)
        json_object_set_new(p, "generated", gx_s_array_of(gx_s_type("string")));
    return gx_s_out(p, req);
}

/* Refuses a write while a running target holds the workspace lock. */
static bool gx_refuse_busy(gx_mcp_request *r, const char *tool)
{
    json_t *diag;
    if (!gx_mcp_apply_busy(r->srv, &diag))
        return false;
    char text[200];
    snprintf(text, sizeof text, "%s failed: %s", tool,
             json_string_value(json_object_get(diag, "message")));
    gx_mcp_tool_error(r, text, json_pack("[o]", diag), NULL);
    return true;
}

/* Answers a successful write: the new revision, what changed, and the
 * validation of the workspace as it is now. */
static void gx_write_done(gx_mcp_request *r, const char *revision, gx_mcp_collect *c,
                          bool generated)
{
    gx_validation v;
    (void)gx_op_validate(r->session, NULL, &v);
    json_t *out = json_pack("{s:s, s:O}", "revision", revision ? revision : "", "changed",
                            c->changed);
    if (generated)
        json_object_set(out, "generated", c->generated);
    json_object_set_new(out, "validation", gx_json_validation(&v));
    gx_mcp_tool_ok(r, out);
}

/* Answers a failed write; for a stale revision with what the workspace holds now. */
static void gx_write_failed(gx_mcp_request *r, const char *tool, gx_mcp_collect *c,
                            const json_t *paths)
{
    bool stale = false;
    size_t i;
    json_t *d;
    json_array_foreach(c->diags, i, d)
    {
        const char *rule = json_string_value(json_object_get(d, "rule"));
        if (rule && !strcmp(rule, "stale-revision"))
            stale = true;
    }
    json_t *extra = NULL;
    if (stale) {
        gx_session_reset(r->session);
        const char *rev = NULL;
        json_t *now = gx_values_of(r->session, paths, &rev);
        extra = json_object();
        if (rev)
            json_object_set_new(extra, "current_revision", json_string(rev));
        if (now)
            json_object_set_new(extra, "current_values", now);
    }
    gx_op_failed(r, tool, c, extra);
}

static json_t *gx_in_set_values(void)
{
    json_t *item = gx_s_input(
        json_pack("{s:{s:s, s:s, s:i}, s:{s:[s,s,s,s,s], s:s}}", "path", "type", "string",
                  "description", "a path, e.g. gateway/replica-count", "minLength", 1, "value",
                  "type", "string", "integer", "boolean", "array", "object", "description",
                  "the value in the path's type: text, an integer, true/false, an enum choice; "
                  "maps, lists and structured values as JSON (or YAML text)"),
        (const char *const[]){"path", "value", NULL});
    return gx_s_input(json_pack("{s:{s:s, s:s, s:o, s:i}, s:o}", "values", "type", "array",
                                "description", "the values to set, all at once", "items", item,
                                "minItems", 1, "revision", gx_s_revision()),
                      (const char *const[]){"values", NULL});
}

/* The value's text for "PATH=VALUE": strings as they are, numbers in
 * decimal, true/false, arrays and objects as JSON (YAML flow text). */
static char *gx_value_text(const json_t *value)
{
    if (json_is_string(value))
        return gx_xstrndup(json_string_value(value), json_string_length(value));
    if (json_is_integer(value))
        return gx_xasprintf("%lld", (long long)json_integer_value(value));
    if (json_is_boolean(value))
        return gx_xstrdup(json_is_true(value) ? "true" : "false");
    char *text = gx_mcp_dump(value);
    return text ? text : gx_xstrdup("");
}

static void gx_call_set_values(gx_mcp_request *r, const json_t *args)
{
    if (gx_refuse_busy(r, "set_values"))
        return;
    const json_t *values = json_object_get(args, "values");
    const char *revision = json_string_value(json_object_get(args, "revision"));
    size_t n = json_array_size(values);
    gx_assignment *a = gx_xcalloc(n, sizeof *a);
    char **texts = gx_xcalloc(n, sizeof *texts);
    json_t *paths = json_array(), *bad = NULL;
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(values, i);
        const char *path = json_string_value(json_object_get(item, "path"));
        char *value = gx_value_text(json_object_get(item, "value"));
        int f = strchr(path, '=') ? -1 : gx_core_field_find(path);
        if (f < 0) {
            if (!bad)
                bad = json_array();
            json_t *d = gx_unknown_path_diags(path);
            json_array_extend(bad, d);
            json_decref(d);
        } else if (gx_core_field((size_t)f)->secret) {
            gx_secrets_add(&r->secrets, value, strlen(value));
        }
        texts[i] = gx_xasprintf("%s=%s", path, value);
        a[i].text = texts[i];
        json_array_append_new(paths, json_string(path));
        free(value);
    }
    if (bad) {
        gx_mcp_tool_error(r, "set_values failed: unknown path", bad, NULL);
    } else {
        gx_mcp_collect c;
        gx_mcp_collect_init(&c, gx_session_workspace(r->session));
        gx_sink sink = gx_mcp_collect_sink(&c);
        gx_write_result res;
        if (gx_op_set(r->session, a, n, revision, &sink, &res) == GX_STATUS_OK)
            gx_write_done(r, res.revision, &c, false);
        else
            gx_write_failed(r, "set_values", &c, paths);
        gx_mcp_collect_free(&c);
    }
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(a);
    json_decref(paths);
}

static json_t *gx_in_unset_values(void)
{
    return gx_s_input(json_pack("{s:o, s:o}", "paths",
                                gx_s_strs("the paths to return to their defaults", 1), "revision",
                                gx_s_revision()),
                      (const char *const[]){"paths", NULL});
}

static void gx_call_unset_values(gx_mcp_request *r, const json_t *args)
{
    if (gx_refuse_busy(r, "unset_values"))
        return;
    const json_t *paths = json_object_get(args, "paths");
    const char *revision = json_string_value(json_object_get(args, "revision"));
    json_t *bad = gx_check_selectors(paths, false);
    if (bad) {
        gx_mcp_tool_error(r, "unset_values failed: unknown path", bad, NULL);
        return;
    }
    size_t n = json_array_size(paths);
    const char **list = gx_xcalloc(n ? n : 1, sizeof *list);
    for (size_t i = 0; i < n; i++)
        list[i] = json_string_value(json_array_get(paths, i));
    gx_mcp_collect c;
    gx_mcp_collect_init(&c, gx_session_workspace(r->session));
    gx_sink sink = gx_mcp_collect_sink(&c);
    gx_write_result res;
    if (gx_op_unset(r->session, list, n, revision, &sink, &res) == GX_STATUS_OK)
        gx_write_done(r, res.revision, &c, false);
    else
        gx_write_failed(r, "unset_values", &c, paths);
    gx_mcp_collect_free(&c);
    free(list);
}

/* ---- components --------------------------------------------------------------------------------- */

static json_t *gx_in_none(void) { return gx_s_input(json_object(), NULL); }

static json_t *gx_out_list_components(void)
{
    static const char *const req[] = {"components", NULL};
    return gx_s_out(json_pack("{s:o}", "components", gx_s_array_of(gx_s_component())), req);
}

static void gx_call_list_components(gx_mcp_request *r, const json_t *args)
{
    (void)args;
    size_t n = gx_core_component_count();
    bool *enabled = gx_xcalloc(n ? n : 1, sizeof *enabled);
    gx_mcp_collect c;
    gx_mcp_collect_init(&c, gx_session_workspace(r->session));
    gx_sink sink = gx_mcp_collect_sink(&c);
    if (gx_op_components(r->session, &sink, enabled) != GX_STATUS_OK) {
        gx_op_failed(r, "list_components", &c, NULL);
    } else {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, gx_json_component(gx_core_component(i), enabled[i]));
        gx_mcp_tool_ok(r, json_pack("{s:o}", "components", arr));
    }
    gx_mcp_collect_free(&c);
    free(enabled);
}

static json_t *gx_in_component(bool enable)
{
    return gx_s_input(
        json_pack("{s:o, s:o}", "components",
                  gx_s_strs(enable ? "the components to enable (postgresql, autoscaling, ...)"
                                   : "the components to disable (gateway and worker are "
                                     "mandatory)",
                            1),
                  "revision", gx_s_revision()),
        (const char *const[]){"components", NULL});
}

static void gx_call_component(gx_mcp_request *r, const json_t *args, bool enable)
{
    const char *tool = enable ? "enable_component" : "disable_component";
    if (gx_refuse_busy(r, tool))
        return;
    const json_t *names = json_object_get(args, "components");
    const char *revision = json_string_value(json_object_get(args, "revision"));
    size_t n = json_array_size(names);
    const char **list = gx_xcalloc(n ? n : 1, sizeof *list);
    for (size_t i = 0; i < n; i++)
        list[i] = json_string_value(json_array_get(names, i));
    gx_mcp_collect c;
    gx_mcp_collect_init(&c, gx_session_workspace(r->session));
    gx_sink sink = gx_mcp_collect_sink(&c);
    gx_write_result res;
    if (gx_op_component(r->session, list, n, enable, revision, &sink, &res) == GX_STATUS_OK)
        gx_write_done(r, res.revision, &c, true);
    else
        gx_write_failed(r, tool, &c, NULL);
    gx_mcp_collect_free(&c);
    free(list);
}

static void gx_call_enable(gx_mcp_request *r, const json_t *args) { gx_call_component(r, args, true); }
static void gx_call_disable(gx_mcp_request *r, const json_t *args)
{
    gx_call_component(r, args, false);
}

/* ---- validate ----------------------------------------------------------------------------------- */

static void gx_call_validate(gx_mcp_request *r, const json_t *args)
{
    (void)args;
    gx_validation v;
    (void)gx_op_validate(r->session, NULL, &v);
    /* as validate --json: one object, load errors included as results */
    gx_mcp_tool_ok(r, gx_json_validation(&v));
}

/* ---- preview_export ----------------------------------------------------------------------------- */

static json_t *gx_in_preview(void)
{
    return gx_s_input(
        json_pack("{s:o, s:o, s:o, s:o}", "no_secrets",
                  gx_s_bool(gx_mcp_opt_help("export", "--no-secrets", "render without secret values"),
                            0),
                  "files",
                  gx_s_strs("only these files (generated/gateway.yaml, or gateway.yaml); none: "
                            "every file",
                            0),
                  "content", gx_s_bool("include each file's content", 1), "diff",
                  gx_s_bool("include the line diff against the last export", 1)),
        NULL);
}

static json_t *gx_out_preview(void)
{
    static const char *const file_req[] = {"path", "kind", "mode", "holds_secrets", "state", NULL};
    json_t *file = gx_s_out(
        json_pack("{s:o, s:{s:s, s:[s,s,s,s]}, s:o, s:o, s:{s:s, s:[s,s,s,s]}, s:o, s:o, s:o}",
                  "path", gx_s_type("string"), "kind", "type", "string", "enum", "manifest",
                  "helm-values", "script", "kustomization", "mode", gx_s_type("string"), "holds_secrets",
                  gx_s_type("boolean"), "state", "type", "string", "enum", "added", "changed",
                  "unchanged", "removed", "content", gx_s_type("string"), "diff",
                  gx_s_type("string"), "note", gx_s_type("string")),
        file_req);
    static const char *const sum_req[] = {"added", "changed", "unchanged", "removed", NULL};
    json_t *summary = gx_s_out(json_pack("{s:o, s:o, s:o, s:o}", "added", gx_s_type("integer"),
                                         "changed", gx_s_type("integer"), "unchanged",
                                         gx_s_type("integer"), "removed", gx_s_type("integer")),
                               sum_req);
    static const char *const req[] = {"revision", "no_secrets", "exported", "exported_no_secrets",
                                      "summary",  "files",      "warnings", NULL};
    return gx_s_out(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "revision",
                              gx_s_type("string"), "no_secrets", gx_s_type("boolean"), "exported",
                              gx_s_type("boolean"), "exported_no_secrets", gx_s_type("boolean"),
                              "summary", summary, "files", gx_s_array_of(file), "warnings",
                              gx_s_diags()),
                    req);
}

static bool gx_file_selected(const char *path, const json_t *files, bool *used)
{
    if (!json_array_size(files))
        return true;
    bool any = false;
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) {
        const char *want = json_string_value(f);
        size_t n = strlen(want), len = strlen(path);
        if (!strcmp(path, want) || (len > n && path[len - n - 1] == '/' && !strcmp(path + len - n, want))) {
            used[i] = true;
            any = true;
        }
    }
    return any;
}

static void gx_call_preview(gx_mcp_request *r, const json_t *args)
{
    static const char *const states[] = {"added", "changed", "unchanged", "removed"};
    gx_preview_request req = {0};
    req.no_secrets = json_is_true(json_object_get(args, "no_secrets"));
    const json_t *jc = json_object_get(args, "content"), *jd = json_object_get(args, "diff");
    bool content = !json_is_false(jc);
    req.diff = !json_is_false(jd);
    const json_t *files = json_object_get(args, "files");
    gx_mcp_collect c;
    gx_mcp_collect_init(&c, gx_session_workspace(r->session));
    gx_sink sink = gx_mcp_collect_sink(&c);
    gx_preview p;
    if (gx_op_preview(r->session, &req, &sink, &p) != GX_STATUS_OK) {
        gx_op_failed(r, "preview_export", &c, NULL);
        gx_mcp_collect_free(&c);
        return;
    }
    size_t nf = json_array_size(files);
    bool *used = gx_xcalloc(nf ? nf : 1, sizeof *used);
    json_t *arr = json_array();
    size_t counts[4] = {0};
    for (size_t i = 0; i < p.count; i++) {
        const gx_preview_file *pf = &p.files[i];
        counts[pf->state]++;
        if (!gx_file_selected(pf->path, files, used))
            continue;
        char mode[8];
        snprintf(mode, sizeof mode, "%04o", pf->mode & 07777);
        json_t *o = json_pack("{s:o, s:s, s:s, s:b, s:s}", "path", gx_mcp_str(pf->path), "kind",
                              pf->kind, "mode", mode, "holds_secrets", pf->holds_secrets, "state",
                              states[pf->state]);
        if (content && pf->content)
            json_object_set_new(o, "content", gx_mcp_text(pf->content, pf->len));
        if (pf->diff)
            json_object_set_new(o, "diff", gx_mcp_str(pf->diff));
        if (pf->note)
            json_object_set_new(o, "note", gx_mcp_str(pf->note));
        json_array_append_new(arr, o);
    }
    json_t *unknown = NULL;
    for (size_t i = 0; i < nf; i++)
        if (!used[i]) {
            if (!unknown)
                unknown = json_array();
            json_array_append_new(
                unknown, gx_diag_json(GX_CODE_BAD_REQUEST, NULL,
                                      "preview_export without files lists every file", GX_REMEDY_NONE,
                                      NULL, "an export writes no file '%.200s'",
                                      json_string_value(json_array_get(files, i))));
        }
    free(used);
    if (unknown) {
        json_decref(arr);
        gx_mcp_tool_error(r, "preview_export failed: unknown file", unknown, NULL);
        gx_mcp_collect_free(&c);
        return;
    }
    json_t *summary = json_pack("{s:I, s:I, s:I, s:I}", "added", (json_int_t)counts[0], "changed",
                                (json_int_t)counts[1], "unchanged", (json_int_t)counts[2],
                                "removed", (json_int_t)counts[3]);
    gx_mcp_tool_ok(r, json_pack("{s:s, s:b, s:b, s:b, s:o, s:o, s:O}", "revision", p.revision,
                                "no_secrets", req.no_secrets, "exported", p.exported,
                                "exported_no_secrets", p.exported_no_secrets, "summary", summary,
                                "files", arr, "warnings", c.diags));
    gx_mcp_collect_free(&c);
}

/* ---- export ------------------------------------------------------------------------------------- */

static json_t *gx_in_export(void)
{
    return gx_s_input(
        json_pack("{s:o}", "no_secrets",
                  gx_s_bool(gx_mcp_opt_help("export", "--no-secrets", "render without secret values"),
                            0)),
        NULL);
}

static json_t *gx_out_export(void)
{
    static const char *const file_req[] = {"path", "mode", NULL};
    json_t *file = gx_s_out(json_pack("{s:o, s:o}", "path", gx_s_type("string"), "mode",
                                      gx_s_type("string")),
                            file_req);
    static const char *const req[] = {"revision", "no_secrets", "count", "files", "warnings", NULL};
    return gx_s_out(json_pack("{s:o, s:o, s:o, s:o, s:o}", "revision", gx_s_type("string"),
                              "no_secrets", gx_s_type("boolean"), "count", gx_s_type("integer"),
                              "files", gx_s_array_of(file), "warnings", gx_s_diags()),
                    req);
}

static void gx_call_export(gx_mcp_request *r, const json_t *args)
{
    if (gx_refuse_busy(r, "export"))
        return;
    gx_export_request req = {0};
    req.dest = GX_EXPORT_WORKSPACE;
    req.no_secrets = json_is_true(json_object_get(args, "no_secrets"));
    gx_mcp_collect c;
    gx_mcp_collect_init(&c, gx_session_workspace(r->session));
    gx_sink sink = gx_mcp_collect_sink(&c);
    gx_export_result res;
    if (gx_op_export(r->session, &req, &sink, &res) != GX_STATUS_OK)
        gx_op_failed(r, "export", &c, NULL);
    else
        gx_mcp_tool_ok(r, json_pack("{s:s, s:b, s:I, s:O, s:O}", "revision",
                                    res.revision ? res.revision : "", "no_secrets", req.no_secrets,
                                    "count", (json_int_t)res.files, "files", c.files, "warnings",
                                    c.diags));
    gx_mcp_collect_free(&c);
}

/* ---- the table ---------------------------------------------------------------------------------- */

static json_t *gx_out_validate(void) { return gx_mcp_schema_validation(); }
static json_t *gx_out_describe(void) { return gx_s_field(); }
static json_t *gx_out_write_plain(void) { return gx_out_write(false); }
static json_t *gx_out_write_generated(void) { return gx_out_write(true); }
static json_t *gx_in_enable(void) { return gx_in_component(true); }
static json_t *gx_in_disable(void) { return gx_in_component(false); }
static json_t *gx_in_apply(void) { return gx_mcp_apply_input_schema(); }
static json_t *gx_out_apply(void) { return gx_mcp_apply_output_schema(); }
static json_t *gx_in_history(void) { return gx_mcp_history_input_schema(); }
static json_t *gx_out_history(void) { return gx_mcp_history_output_schema(); }
static json_t *gx_in_rollback(void) { return gx_mcp_rollback_input_schema(); }
static json_t *gx_out_rollback(void) { return gx_mcp_rollback_output_schema(); }

typedef struct gx_tool {
    const char *name, *title;
    const char *command; /* the command-table row it maps to, or NULL */
    const char *lead;    /* what it does, for the model (NULL: generated) */
    bool writes;         /* changes the workspace or a cluster: not offered read-only */
    bool workspace;      /* its answer holds workspace values: secrets are loaded */
    bool read_only_hint, destructive_hint, idempotent_hint, open_world_hint;
    json_t *(*input)(void);
    json_t *(*output)(void);
    void (*call)(gx_mcp_request *r, const json_t *args);
} gx_tool;

static const gx_tool gx_tools[] = {
    {"list_paths", "List configuration paths", "list",
     "Lists the configuration paths (every setting of values.yaml) with type, defaults, "
     "component, section and description; filter by section, component or text.",
     false, false, true, false, true, false, gx_in_list_paths, gx_out_list_paths,
     gx_call_list_paths},
    {"describe_path", "Describe a path", "describe",
     "Everything about one path: type, default(s), choices, range, format, component, section "
     "and description.",
     false, false, true, false, true, false, gx_in_describe_path, gx_out_describe,
     gx_call_describe_path},
    {"get_values", "Get effective values", "get",
     "The effective values of paths or sections (all when none is given) with the origin of "
     "each (default, topology, values.yaml:LINE:COL, a layer) and the workspace revision to "
     "pass to writes. Secret values read as \"<redacted>\".",
     false, true, true, false, true, false, gx_in_get_values, gx_out_get_values,
     gx_call_get_values},
    {"set_values", "Set values", "set",
     "Sets several values in values.yaml at once, each parsed by its path's type; all or "
     "nothing. Pass the revision you read to refuse the change when the workspace changed "
     "since. Answers the new revision and the validation after the change. Secret values can "
     "be set; they are never shown.",
     true, true, false, false, true, false, gx_in_set_values, gx_out_write_plain,
     gx_call_set_values},
    {"unset_values", "Unset values", "unset",
     "Removes values from values.yaml so that their defaults apply again (a removed secret is "
     "gone). Answers the new revision and the validation after the change.",
     true, true, false, true, true, false, gx_in_unset_values, gx_out_write_plain,
     gx_call_unset_values},
    {"list_components", "List components", "component",
     "The components (whole parts of the deployment) with their state in this workspace.",
     false, false, true, false, true, false, gx_in_none, gx_out_list_components,
     gx_call_list_components},
    {"enable_component", "Enable components", "component",
     "Enables components; enabling postgresql generates its password when none is set. Answers "
     "the new revision and the validation after the change.",
     true, true, false, false, true, false, gx_in_enable, gx_out_write_generated, gx_call_enable},
    {"disable_component", "Disable components", "component",
     "Disables components (their values stay in values.yaml). Answers the new revision and the "
     "validation after the change.",
     true, true, false, false, true, false, gx_in_disable, gx_out_write_generated,
     gx_call_disable},
    {"validate", "Validate the configuration", "validate",
     "Checks every value and every rule (V1-V31, docs/rules.md): each result with its rule, path, severity, "
     "message, hint, file:line:col and remedy. valid is false when any result is blocking.",
     false, true, true, false, true, false, gx_in_none, gx_out_validate, gx_call_validate},
    {"preview_export", "Preview the export", "export",
     "Renders in memory what an export would write (nothing is written): each file with its "
     "kind, mode and content, and how it differs from the last export (state and a unified "
     "diff). Secret values show as \"<redacted>\"; files that hold secrets get no line diff.",
     false, true, true, false, true, false, gx_in_preview, gx_out_preview, gx_call_preview},
    {"export", "Export", "export",
     "Validates, then writes generated/ and scripts/ of the workspace (atomically: a failed "
     "export leaves the previous files).",
     true, true, false, false, true, false, gx_in_export, gx_out_export, gx_call_export},
    {"apply", "Run an apply target", "apply", NULL, true, true, false, true, false, true,
     gx_in_apply, gx_out_apply, gx_mcp_apply_call},
    {"history", "Release history", "history",
     "The revisions kept of successful applies (default or infrastructure, no dry run): number, "
     "time, target, export hash, namespace, release, components, the one it rolled back to, and "
     "which one is deployed. With diff {from, to}: what changed between two revisions (files "
     "that hold secrets are named, never shown).",
     false, true, true, false, true, false, gx_in_history, gx_out_history, gx_mcp_history_call},
    {"rollback", "Roll back to a revision", "rollback",
     "Re-applies a kept revision (default: the one before the deployed one) with its own script "
     "and files as they were applied: nothing is validated or rendered again, values.yaml is "
     "not changed; on success it is kept as a new revision and becomes the deployed one. "
     "dry_run is true unless you pass false: the commands are printed in order and none is run. "
     "It changes what runs in the cluster: ask the operator before a real run. With a "
     "progressToken every step and output line arrives as a progress notification; "
     "cancelling the call kills its process group.",
     true, true, false, true, false, true, gx_in_rollback, gx_out_rollback, gx_mcp_rollback_call},
};

static const gx_tool *gx_tool_find(const char *name)
{
    for (size_t i = 0; i < sizeof gx_tools / sizeof gx_tools[0]; i++)
        if (!strcmp(gx_tools[i].name, name))
            return &gx_tools[i];
    return NULL;
}

/* lead, then the command-line equivalent from the command table. */
static json_t *gx_tool_description(const gx_tool *t)
{
    gx_buf b = GX_BUF_INIT;
    if (t->lead) {
        gx_buf_puts(&b, t->lead);
    } else {
        char *d = gx_mcp_apply_description();
        gx_buf_puts(&b, d);
        free(d);
    }
    const gx_command_info *c = t->command ? gx_core_command_find(t->command) : NULL;
    if (c) {
        const char *nl = strchr(c->synopsis, '\n');
        int len = nl ? (int)(nl - c->synopsis) : (int)strlen(c->synopsis);
        gx_buf_printf(&b, "%sSame as the command `glyphoxa-deploy %.*s` (%s).",
                      t->lead ? " " : "\n", len, c->synopsis, c->summary);
    }
    json_t *j = json_stringn(b.data, b.len);
    gx_buf_free(&b);
    return j;
}

json_t *gx_mcp_tools_list(bool read_only)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof gx_tools / sizeof gx_tools[0]; i++) {
        const gx_tool *t = &gx_tools[i];
        if (read_only && t->writes)
            continue;
        json_t *ann = json_pack("{s:s, s:b, s:b, s:b, s:b}", "title", t->title, "readOnlyHint",
                                t->read_only_hint, "destructiveHint", t->destructive_hint,
                                "idempotentHint", t->idempotent_hint, "openWorldHint",
                                t->open_world_hint);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "name", t->name,
                                             "title", t->title, "description",
                                             gx_tool_description(t), "inputSchema", t->input(),
                                             "outputSchema", t->output(), "annotations", ann));
    }
    return arr;
}

/* The listed tool's inputSchema. */
static const json_t *gx_listed_input(const gx_mcp_server *srv, const char *name)
{
    size_t i;
    json_t *t;
    json_array_foreach(srv->tools, i, t)
        if (!strcmp(json_string_value(json_object_get(t, "name")), name))
            return json_object_get(t, "inputSchema");
    return NULL;
}

void gx_mcp_tools_call(gx_mcp_request *r)
{
    const char *name = json_string_value(json_object_get(r->params, "name"));
    if (!name) {
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, "params.name (the tool) must be a string",
                           NULL);
        return;
    }
    json_t *args = json_object_get(r->params, "arguments");
    if (args && !json_is_object(args)) {
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, "params.arguments must be an object", NULL);
        return;
    }
    const gx_tool *t = gx_tool_find(name);
    const json_t *schema = t ? gx_listed_input(r->srv, name) : NULL;
    if (!t || !schema) {
        char text[300];
        if (t)
            snprintf(text, sizeof text,
                     "Unknown tool: %s changes the workspace or a cluster, and this server runs "
                     "read-only",
                     t->name);
        else
            snprintf(text, sizeof text, "Unknown tool: %.200s", name);
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, text, NULL);
        return;
    }
    json_t *empty = NULL;
    if (!args)
        args = empty = json_object();
    char err[400];
    if (!gx_mcp_check(schema, args, "arguments", err, sizeof err)) {
        char text[480];
        snprintf(text, sizeof text, "Invalid arguments for tool %s: %s", t->name, err);
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, text, NULL);
        json_decref(empty);
        return;
    }
    r->session = gx_session_clone(r->srv->base);
    if (t->workspace)
        gx_mcp_request_secrets(r);
    t->call(r, args);
    json_decref(empty);
}
