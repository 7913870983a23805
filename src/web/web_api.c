/* web_api — the JSON API under /api/ (docs/web-api.md): every answer comes
 * from one operation of the core on the request's own session. See
 * web_internal.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "gx_buf.h"
#include "gx_xalloc.h"
#include "web_internal.h"

/* The workspace's revision now (in the request's session), or NULL. */
static const char *gx_web_revision(gx_web_req *r)
{
    gx_diags d = GX_DIAGS_INIT;
    const char *rev = gx_core_revision(gx_web_session(r), &d);
    gx_diags_free(&d);
    return rev;
}

static bool gx_has_code(const gx_web_collect *c, const char *code)
{
    size_t i;
    json_t *d;
    json_array_foreach(c->diags, i, d) {
        const char *dc = json_string_value(json_object_get(d, "code"));
        const char *dr = json_string_value(json_object_get(d, "rule"));
        if ((dc && !strcmp(dc, code)) || (dr && !strcmp(dr, code)))
            return true;
    }
    return false;
}

int gx_web_status_for(gx_status st, const gx_web_collect *c)
{
    if (gx_has_code(c, "stale-revision"))
        return 409;
    if (st == GX_STATUS_BAD_REQUEST)
        return 400;
    return 422;
}

/* Answers a failed operation: status from st and the diagnostics. */
static void gx_web_op_failed(gx_web_req *r, gx_status st, gx_web_collect *c, const char *what)
{
    int status = gx_web_status_for(st, c);
    const char *code = status == 409 ? "stale-revision" : status == 400 ? "bad-request" : "failed";
    char msg[600];
    snprintf(msg, sizeof msg, "%s: %s", what,
             gx_web_first_message(c, status == 409 ? "the workspace changed since it was read"
                                                   : "the operation failed"));
    json_t *diags = c->diags;
    c->diags = NULL;
    if (status == 409) {
        /* the page shows what changed: it gets the revision to read again */
        json_t *e = json_pack("{s:i, s:s, s:s, s:o}", "status", 409, "code", code, "message",
                              msg, "diagnostics", diags);
        const char *rev = gx_web_revision(r);
        if (rev)
            json_object_set_new(e, "revision", json_string(rev));
        gx_web_json(r, 409, json_pack("{s:o}", "error", e));
        return;
    }
    gx_web_error(r, status, code, msg, diags);
}

/* Refuses a write while a target runs (it holds the workspace lock). */
static bool gx_web_refuse_busy(gx_web_req *r)
{
    if (!gx_web_busy(r->srv))
        return false;
    gx_web_error(r, 409, "busy",
                 "a target is running and holds the workspace lock: change values once it has "
                 "ended, or cancel it",
                 NULL);
    return true;
}

/* The optional "revision" member: NULL when absent; false (answered) when
 * it is not a string. */
static bool gx_web_revision_arg(gx_web_req *r, const char **rev)
{
    json_t *v = json_object_get(r->body, "revision");
    *rev = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        gx_web_error(r, 400, "bad-request", "revision must be a string", NULL);
        return false;
    }
    *rev = json_string_value(v);
    return true;
}

/* A value of the request as the text a PATH=VALUE assignment takes. */
static char *gx_web_value_text(const json_t *v)
{
    if (json_is_string(v))
        return gx_xstrdup(json_string_value(v));
    if (json_is_integer(v))
        return gx_xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_boolean(v))
        return gx_xstrdup(json_is_true(v) ? "true" : "false");
    if (json_is_array(v) || json_is_object(v))
        return json_dumps(v, JSON_COMPACT); /* JSON is YAML flow syntax */
    return NULL;
}

/* "values": {PATH: VALUE}: the assignments (malloc'd texts), or false
 * (answered). Secret values given join the redaction list. */
static bool gx_web_assignments(gx_web_req *r, gx_assignment **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    json_t *vals = json_object_get(r->body, "values");
    if (!vals)
        return true;
    if (!json_is_object(vals)) {
        gx_web_error(r, 400, "bad-request", "values must be an object {path: value}", NULL);
        return false;
    }
    gx_assignment *a = gx_xcalloc(json_object_size(vals) + 1, sizeof *a);
    const char *path;
    json_t *v;
    size_t n = 0;
    json_object_foreach(vals, path, v) {
        int f = gx_core_field_find(path);
        char *text = f >= 0 ? gx_web_value_text(v) : NULL;
        if (!text) {
            for (size_t i = 0; i < n; i++)
                free((char *)a[i].text);
            free(a);
            char msg[300];
            if (f < 0) {
                gx_diags d = GX_DIAGS_INIT;
                gx_core_unknown_path(&d, path);
                json_t *arr = json_array();
                for (size_t i = 0; i < d.count; i++)
                    json_array_append_new(arr, gx_json_diag(&d.items[i]));
                snprintf(msg, sizeof msg, "unknown path '%.200s'", path);
                gx_diags_free(&d);
                gx_web_error(r, 400, "unknown-path", msg, arr);
            } else {
                snprintf(msg, sizeof msg, "the value of %.200s must be a string, number or "
                         "boolean", path);
                gx_web_error(r, 400, "bad-request", msg, NULL);
            }
            return false;
        }
        if (gx_core_field((size_t)f)->secret)
            gx_secrets_add(&r->secrets, text, strlen(text));
        a[n].text = gx_xasprintf("%s=%s", path, text);
        free(text);
        n++;
    }
    *out = a;
    *count = n;
    return true;
}

static void gx_web_assignments_free(gx_assignment *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)a[i].text);
    free(a);
}

/* A list of strings in member name: a NULL-terminated malloc'd array (of
 * the body's strings), or false (answered). */
static bool gx_web_strings(gx_web_req *r, const char *name, const char ***out, size_t *count)
{
    json_t *arr = json_object_get(r->body, name);
    *out = NULL;
    *count = 0;
    if (!arr)
        return true;
    char msg[120];
    snprintf(msg, sizeof msg, "%s must be a list of strings", name);
    if (!json_is_array(arr)) {
        gx_web_error(r, 400, "bad-request", msg, NULL);
        return false;
    }
    const char **list = gx_xcalloc(json_array_size(arr) + 1, sizeof *list);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v)) {
            free(list);
            gx_web_error(r, 400, "bad-request", msg, NULL);
            return false;
        }
        list[i] = json_string_value(v);
    }
    *out = list;
    *count = json_array_size(arr);
    return true;
}

/* ---- reading ---------------------------------------------------------------------------- */

static void gx_api_session(gx_web_req *r)
{
    json_t *targets = json_array();
    for (size_t t = 0; t < gx_core_target_count(); t++)
        json_array_append_new(targets, gx_json_target(gx_core_target(t)));
    const char *rev = gx_web_revision(r);
    gx_web_json(r, 200,
                json_pack("{s:s, s:s, s:s?, s:s, s:o, s:b, s:b}", "csrf", r->srv->csrf,
                          "workspace", gx_session_workspace(r->srv->session), "revision", rev,
                          "version", gx_core_version(), "targets", targets, "history", 1,
                          "busy", gx_web_busy(r->srv)));
}

static void gx_api_fields(gx_web_req *r)
{
    json_t *sections = json_array(), *cur = NULL;
    const char *cur_name = NULL;
    for (size_t i = 0; i < gx_core_field_count(); i++) {
        const gx_field *f = gx_core_field(i);
        if (!cur_name || strcmp(cur_name, f->section)) {
            /* a section seen before (schema order may come back to it) */
            cur = NULL;
            size_t k;
            json_t *s;
            json_array_foreach(sections, k, s)
                if (!strcmp(json_string_value(json_object_get(s, "name")), f->section))
                    cur = json_object_get(s, "fields");
            if (!cur) {
                cur = json_array();
                json_array_append_new(sections,
                                      json_pack("{s:s, s:o}", "name", f->section, "fields", cur));
            }
            cur_name = f->section;
        }
        json_array_append_new(cur, gx_json_field(f));
    }
    json_t *comps = json_array();
    for (size_t c = 0; c < gx_core_component_count(); c++) {
        const gx_component_info *ci = gx_core_component(c);
        json_array_append_new(comps, gx_json_component(ci, ci->default_on));
    }
    gx_web_json(r, 200, json_pack("{s:o, s:o}", "sections", sections, "components", comps));
}

static void gx_api_values(gx_web_req *r)
{
    gx_session *s = gx_web_session(r);
    gx_web_collect c = {0};
    gx_sink sink = gx_web_collect_sink(&c);
    gx_values shown, full;
    gx_status st = gx_op_get(s, NULL, 0, &sink, &shown);
    if (st == GX_STATUS_OK)
        st = gx_op_get(s, NULL, GX_GET_SHOW_SECRETS, &sink, &full);
    if (st != GX_STATUS_OK) {
        gx_web_op_failed(r, st, &c, "values");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < shown.count; i++) {
        const gx_value_info *v = &shown.items[i];
        json_t *o = json_pack("{s:s, s:b, s:s}", "path", v->path, "default", v->is_default,
                              "origin", v->origin.text ? v->origin.text : "");
        if (v->secret) {
            const char *t = full.items[i].text;
            json_object_set_new(o, "secret", json_true());
            json_object_set_new(o, "set", json_boolean(t && *t));
        } else {
            json_object_set_new(o, "text", json_string(v->text ? v->text : ""));
        }
        json_array_append_new(arr, o);
    }
    bool *enabled = gx_xcalloc(gx_core_component_count() + 1, sizeof *enabled);
    json_t *comps = json_array();
    if (gx_op_components(s, &sink, enabled) == GX_STATUS_OK)
        for (size_t k = 0; k < gx_core_component_count(); k++)
            json_array_append_new(comps, gx_json_component(gx_core_component(k), enabled[k]));
    free(enabled);
    json_decref(c.diags);
    gx_web_json(r, 200, json_pack("{s:s, s:o, s:o}", "revision", shown.revision, "values", arr,
                                  "components", comps));
}

static void gx_api_components_get(gx_web_req *r)
{
    gx_web_collect c = {0};
    gx_sink sink = gx_web_collect_sink(&c);
    bool *enabled = gx_xcalloc(gx_core_component_count() + 1, sizeof *enabled);
    gx_status st = gx_op_components(gx_web_session(r), &sink, enabled);
    if (st != GX_STATUS_OK) {
        free(enabled);
        gx_web_op_failed(r, st, &c, "components");
        return;
    }
    json_t *comps = json_array();
    for (size_t k = 0; k < gx_core_component_count(); k++)
        json_array_append_new(comps, gx_json_component(gx_core_component(k), enabled[k]));
    free(enabled);
    json_decref(c.diags);
    const char *rev = gx_web_revision(r);
    gx_web_json(r, 200, json_pack("{s:s?, s:o}", "revision", rev, "components", comps));
}

/* Validates s, answering {"revision", "valid", "blocking", "warnings",
 * "results"} with extra diagnostics of the request first. */
static void gx_web_validation(gx_web_req *r, gx_session *s, int status, json_t *extra)
{
    gx_validation v;
    gx_op_validate(s, NULL, &v);
    json_t *o = gx_json_validation(&v);
    const char *rev = v.revision ? v.revision : gx_web_revision(r);
    if (rev)
        json_object_set_new(o, "revision", json_string(rev));
    json_object_set_new(o, "loaded", json_boolean(v.loaded));
    if (extra)
        json_object_set_new(o, "changes", extra);
    gx_web_json(r, status, o);
}

static void gx_api_validate(gx_web_req *r)
{
    gx_assignment *a;
    size_t n;
    if (!gx_web_assignments(r, &a, &n))
        return;
    gx_session *s = gx_web_session(r);
    for (size_t i = 0; i < n; i++)
        gx_session_add_set(s, a[i].text, false);
    gx_web_assignments_free(a, n);
    gx_web_validation(r, s, 200, NULL);
}

/* ---- writing ---------------------------------------------------------------------------- */

static void gx_change_event(void *ctx, const gx_event *ev)
{
    json_t **arr = ctx;
    if (ev->kind == GX_EV_CHANGE)
        json_array_append_new(*arr, json_pack("{s:s, s:s}", "change", ev->text ? ev->text : "",
                                              "subject", ev->subject ? ev->subject : ""));
    else if ((ev->kind == GX_EV_DIAG || ev->kind == GX_EV_RESULT) && ev->diag)
        json_array_append_new(arr[1], gx_json_diag(ev->diag));
}

/* A write from the page: its session, the changes and diagnostics its
 * operations report (ev[0], ev[1], through sink), and the last one's result. */
typedef struct gx_web_write {
    gx_session *s;
    json_t *ev[2];
    gx_sink sink;
    gx_write_result wr;
} gx_web_write;

/* Starts a write based on revision rev: false, with a 400 answered, when the
 * request named none. */
static bool gx_write_begin(gx_web_req *r, gx_web_write *w, const char *rev)
{
    if (!rev) {
        gx_web_error(r, 400, "bad-request",
                     "a write carries the revision it was based on (\"revision\")", NULL);
        return false;
    }
    w->s = gx_web_session(r);
    w->ev[0] = json_array();
    w->ev[1] = json_array();
    w->sink = (gx_sink){gx_change_event, w->ev};
    w->wr = (gx_write_result){rev};
    return true;
}

/* Answers a write whose operations ended with st: the failure (what: the
 * operation's name), or the validation afterwards with the changes made. */
static void gx_write_end(gx_web_req *r, gx_web_write *w, gx_status st, const char *what)
{
    if (st != GX_STATUS_OK) {
        json_decref(w->ev[0]);
        gx_web_collect c = {w->ev[1]};
        gx_web_op_failed(r, st, &c, what);
        return;
    }
    json_decref(w->ev[1]);
    gx_session_reset(w->s);
    gx_web_validation(r, w->s, 200, w->ev[0]);
}

static void gx_api_set(gx_web_req *r)
{
    if (gx_web_refuse_busy(r))
        return;
    const char *rev;
    gx_assignment *a;
    size_t n, nu;
    const char **unset;
    if (!gx_web_revision_arg(r, &rev) || !gx_web_assignments(r, &a, &n))
        return;
    if (!gx_web_strings(r, "unset", &unset, &nu)) {
        gx_web_assignments_free(a, n);
        return;
    }
    gx_web_write w;
    if (gx_write_begin(r, &w, rev)) {
        gx_status st = GX_STATUS_OK;
        if (n)
            st = gx_op_set(w.s, a, n, rev, &w.sink, &w.wr);
        if (st == GX_STATUS_OK && nu)
            st = gx_op_unset(w.s, unset, nu, w.wr.revision, &w.sink, &w.wr);
        gx_write_end(r, &w, st, "set");
    }
    gx_web_assignments_free(a, n);
    free(unset);
}

static void gx_api_components_post(gx_web_req *r)
{
    if (gx_web_refuse_busy(r))
        return;
    const char *rev;
    const char **en, **dis;
    size_t ne, nd;
    if (!gx_web_revision_arg(r, &rev))
        return;
    if (!gx_web_strings(r, "enable", &en, &ne))
        return;
    if (!gx_web_strings(r, "disable", &dis, &nd)) {
        free(en);
        return;
    }
    gx_web_write w;
    if (gx_write_begin(r, &w, rev)) {
        gx_status st = GX_STATUS_OK;
        if (ne)
            st = gx_op_component(w.s, en, ne, true, rev, &w.sink, &w.wr);
        if (st == GX_STATUS_OK && nd)
            st = gx_op_component(w.s, dis, nd, false, w.wr.revision, &w.sink, &w.wr);
        gx_write_end(r, &w, st, "component");
    }
    free(en);
    free(dis);
}

static const char *gx_preview_state_word(gx_preview_state st)
{
    switch (st) {
    case GX_PREVIEW_ADDED: return "added";
    case GX_PREVIEW_CHANGED: return "changed";
    case GX_PREVIEW_UNCHANGED: return "unchanged";
    case GX_PREVIEW_REMOVED: return "removed";
    }
    return "?";
}

static void gx_api_preview(gx_web_req *r)
{
    gx_web_collect c = {0};
    gx_sink sink = gx_web_collect_sink(&c);
    gx_preview_request req = {.no_secrets = false, .diff = true};
    gx_preview p;
    gx_status st = gx_op_preview(gx_web_session(r), &req, &sink, &p);
    if (st != GX_STATUS_OK) {
        gx_web_op_failed(r, st, &c, "preview");
        return;
    }
    json_t *files = json_array();
    for (size_t i = 0; i < p.count; i++) {
        const gx_preview_file *f = &p.files[i];
        json_t *o = json_pack("{s:s, s:s, s:i, s:b, s:s}", "path", f->path, "kind",
                              f->kind ? f->kind : "", "mode", (int)f->mode, "holds-secrets",
                              f->holds_secrets, "state", gx_preview_state_word(f->state));
        if (f->content)
            json_object_set_new(o, "content", json_stringn(f->content, f->len));
        if (f->diff)
            json_object_set_new(o, "diff", json_string(f->diff));
        if (f->note)
            json_object_set_new(o, "note", json_string(f->note));
        json_array_append_new(files, o);
    }
    gx_web_json(r, 200, json_pack("{s:s?, s:b, s:o, s:o}", "revision", p.revision, "exported",
                                  p.exported, "files", files, "warnings", c.diags));
}

static void gx_api_export(gx_web_req *r)
{
    if (gx_web_refuse_busy(r))
        return;
    const char *rev;
    if (!gx_web_revision_arg(r, &rev))
        return;
    gx_session *s = gx_web_session(r);
    if (rev) {
        const char *now = gx_web_revision(r);
        if (!now || strcmp(now, rev)) {
            gx_web_collect c = {json_array()};
            gx_diag d;
            memset(&d, 0, sizeof d);
            d.severity = GX_BLOCKING;
            d.code = GX_CODE_STALE_REVISION;
            d.message = "the workspace changed since it was read";
            json_array_append_new(c.diags, gx_json_diag(&d));
            gx_web_op_failed(r, GX_STATUS_FAILED, &c, "export");
            return;
        }
    }
    gx_web_collect c = {0};
    gx_sink sink = gx_web_collect_sink(&c);
    gx_export_request req = {.dest = GX_EXPORT_WORKSPACE};
    gx_export_result out;
    gx_status st = gx_op_export(s, &req, &sink, &out);
    if (st != GX_STATUS_OK) {
        gx_web_op_failed(r, st, &c, "export");
        return;
    }
    gx_web_json(r, 200, json_pack("{s:i, s:i, s:s?, s:o}", "files", (int)out.files, "changed",
                                  (int)out.changed, "revision", out.revision, "warnings",
                                  c.diags));
}

static void gx_api_history(gx_web_req *r)
{
    gx_web_collect c = {0};
    gx_sink sink = gx_web_collect_sink(&c);
    gx_history h;
    gx_status st = gx_op_history(gx_web_session(r), &sink, &h);
    if (st != GX_STATUS_OK) {
        gx_web_op_failed(r, st, &c, "history");
        return;
    }
    json_t *revs = json_array();
    for (size_t i = 0; i < h.count; i++)
        json_array_append_new(revs, gx_json_revision(&h.items[i]));
    gx_web_json(r, 200, json_pack("{s:i, s:o, s:o}", "deployed", h.deployed, "revisions", revs,
                                  "warnings", c.diags));
}

static bool gx_web_int_query(gx_web_req *r, const char *name, int *out)
{
    const char *v = evhttp_find_header(r->query, name);
    char *end;
    long n = v ? strtol(v, &end, 10) : 0;
    if (!v || !*v || *end || n < 0 || n > 1000000)
        return false;
    *out = (int)n;
    return true;
}

static void gx_api_history_diff(gx_web_req *r)
{
    int a, b;
    if (!gx_web_int_query(r, "a", &a) || !gx_web_int_query(r, "b", &b)) {
        gx_web_error(r, 400, "bad-request", "give two revision numbers: ?a=N&b=M", NULL);
        return;
    }
    gx_web_collect c = {0};
    gx_sink sink = gx_web_collect_sink(&c);
    gx_buf out = GX_BUF_INIT;
    gx_status st = gx_op_history_diff(gx_web_session(r), a, b, &sink, &out);
    if (st != GX_STATUS_OK) {
        gx_buf_free(&out);
        gx_web_op_failed(r, st, &c, "history diff");
        return;
    }
    json_t *o = json_pack("{s:i, s:i, s:s#}", "a", a, "b", b, "diff", out.data ? out.data : "",
                          out.len);
    gx_buf_free(&out);
    json_decref(c.diags);
    gx_web_json(r, 200, o);
}

/* ---- routing ------------------------------------------------------------------------------- */

typedef struct gx_web_route {
    const char *path;
    enum evhttp_cmd_type method;
    void (*fn)(gx_web_req *r);
} gx_web_route;

static void gx_api_apply(gx_web_req *r) { gx_web_apply_start(r, false); }
static void gx_api_rollback(gx_web_req *r) { gx_web_apply_start(r, true); }

static const gx_web_route gx_web_routes[] = {
    {"/api/session", EVHTTP_REQ_GET, gx_api_session},
    {"/api/fields", EVHTTP_REQ_GET, gx_api_fields},
    {"/api/values", EVHTTP_REQ_GET, gx_api_values},
    {"/api/validate", EVHTTP_REQ_POST, gx_api_validate},
    {"/api/set", EVHTTP_REQ_POST, gx_api_set},
    {"/api/components", EVHTTP_REQ_GET, gx_api_components_get},
    {"/api/components", EVHTTP_REQ_POST, gx_api_components_post},
    {"/api/preview", EVHTTP_REQ_GET, gx_api_preview},
    {"/api/export", EVHTTP_REQ_POST, gx_api_export},
    {"/api/apply", EVHTTP_REQ_POST, gx_api_apply},
    {"/api/rollback", EVHTTP_REQ_POST, gx_api_rollback},
    {"/api/history", EVHTTP_REQ_GET, gx_api_history},
    {"/api/history/diff", EVHTTP_REQ_GET, gx_api_history_diff},
};

void gx_web_api(gx_web_req *r)
{
    enum evhttp_cmd_type cmd = evhttp_request_get_command(r->req);
    /* every answer is searched for the workspace's secret values (read
     * again whenever a file they come from changed) */
    gx_web *srv = r->srv;
    gx_session *guard = gx_session_clone(srv->session);
    gx_buf fp = GX_BUF_INIT;
    bool listed = gx_session_inputs(guard, &fp);
    if (!listed || !srv->secrets_known || fp.len != srv->inputs.len ||
        memcmp(fp.data, srv->inputs.data, fp.len)) {
        gx_secrets_free(&srv->secrets);
        srv->secrets_known = gx_secrets_load(&srv->secrets, guard) && listed;
        gx_buf tmp = srv->inputs;
        srv->inputs = fp;
        fp = tmp;
    }
    gx_buf_free(&fp);
    gx_session_free(guard);
    gx_secrets_copy(&r->secrets, &srv->secrets); /* the request's set starts empty */

    if (!strncmp(r->path, "/api/runs/", 10)) {
        gx_web_runs(r, r->path + 10);
        return;
    }
    bool known = false;
    for (size_t i = 0; i < sizeof gx_web_routes / sizeof gx_web_routes[0]; i++) {
        if (strcmp(gx_web_routes[i].path, r->path))
            continue;
        known = true;
        if (gx_web_routes[i].method == cmd ||
            (cmd == EVHTTP_REQ_HEAD && gx_web_routes[i].method == EVHTTP_REQ_GET)) {
            gx_web_routes[i].fn(r);
            return;
        }
    }
    if (known)
        gx_web_error(r, 405, "method-not-allowed", "this endpoint does not take that method",
                     NULL);
    else
        gx_web_error(r, 404, "not-found", "no such endpoint (docs/web-api.md lists them)", NULL);
}
