/* gx_ops — the operations that read and write values: get, components,
 * validate, set, unset, component, init. See gx_core.h. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gx_core_internal.h"
#include "gx_edit.h"
#include "gx_files.h"
#include "gx_helm.h"
#include "gx_node.h"
#include "gx_rules.h"
#include "gx_schema.h"

/* ---- shared -------------------------------------------------------------------- */

/* Reports diags as events, and returns the status they call for. */
static gx_status gx_fail(const gx_sink *sink, const gx_diags *diags)
{
    gx_emit_diags(sink, diags, GX_EV_DIAG);
    return gx_status_of(diags);
}

/* gx_fail, then frees diags: what an operation returns when its request is
 * wrong before anything was read. */
static gx_status gx_fail_free(const gx_sink *sink, gx_diags *diags)
{
    gx_status st = gx_fail(sink, diags);
    gx_diags_free(diags);
    return st;
}

static void gx_origin_info_of(gx_session *s, const gx_origin *o, const struct gx_config *cfg,
                              gx_origin_info *out)
{
    static const char *const layers[] = {[GX_LAYER_DEFAULT] = "default",
                                         [GX_LAYER_TOPOLOGY] = "topology",
                                         [GX_LAYER_VALUES] = "values",
                                         [GX_LAYER_OVERLAY] = "overlay",
                                         [GX_LAYER_SET] = "set",
                                         [GX_LAYER_DRAFT] = "draft"};
    memset(out, 0, sizeof *out);
    out->layer = layers[o->kind];
    if (o->kind == GX_LAYER_TOPOLOGY)
        out->detail = gx_fields[GX_F_CORE_TOPOLOGY].choices[cfg->core.topology];
    if (o->kind == GX_LAYER_VALUES || o->kind == GX_LAYER_OVERLAY) {
        out->file = o->file;
        out->detail = o->file;
        out->line = o->line;
        out->col = o->col;
    }
    gx_buf b = GX_BUF_INIT;
    gx_origin_format(&b, o, cfg);
    out->text = gx_arena_strdup(s->arena, b.data ? b.data : "");
    gx_buf_free(&b);
}

/* gx_core_read that reports: warnings of the load as events on success;
 * on failure every diagnostic and *status. */
static bool gx_read_reporting(gx_session *s, const gx_sink *sink, gx_loaded *ld,
                              gx_status *status)
{
    gx_diags diags = GX_DIAGS_INIT;
    bool ok = gx_core_read(s, ld, &diags);
    if (ok)
        gx_emit_diags(sink, &diags, GX_EV_DIAG);
    else
        *status = gx_fail(sink, &diags);
    gx_diags_free(&diags);
    return ok;
}

/* ---- get ---------------------------------------------------------------------------- */

gx_node *gx_core_redacted_node(gx_arena *arena, const gx_node *like)
{
    gx_node *n = gx_arena_alloc(arena, sizeof *n);
    memset(n, 0, sizeof *n);
    n->kind = GX_NODE_SCALAR;
    n->file = like ? like->file : NULL;
    n->line = like ? like->line : 0;
    n->col = like ? like->col : 0;
    n->text = "<redacted>";
    n->len = strlen(n->text);
    n->plain = false;
    return n;
}

/* A copy of the map node with the values of keys that hold credentials
 * replaced; creds(key) says which. */
static gx_node *gx_redact_map(gx_arena *arena, const gx_node *map,
                              gx_node *(*inner)(gx_arena *, const char *, const gx_node *))
{
    gx_node *copy = gx_arena_alloc(arena, sizeof *copy);
    *copy = *map;
    copy->items = gx_arena_alloc(arena, (map->count ? map->count : 1) * sizeof *copy->items);
    for (size_t i = 0; i < map->count; i++)
        copy->items[i] = inner(arena, map->keys[i]->text, map->items[i]);
    return copy;
}

static gx_node *gx_redact_oauth(gx_arena *arena, const char *key, const gx_node *v)
{
    return !strcmp(key, "client_secret") ? gx_core_redacted_node(arena, v) : (gx_node *)v;
}

static gx_node *gx_redact_auth(gx_arena *arena, const char *key, const gx_node *v)
{
    if (!strcmp(key, "token"))
        return gx_core_redacted_node(arena, v);
    if (!strcmp(key, "oauth") && v && v->kind == GX_NODE_MAP)
        return gx_redact_map(arena, v, gx_redact_oauth);
    return (gx_node *)v;
}

static gx_node *gx_redact_env(gx_arena *arena, const char *key, const gx_node *v)
{
    (void)key;
    return gx_core_redacted_node(arena, v);
}

static gx_node *gx_redact_server(gx_arena *arena, const char *key, const gx_node *v)
{
    if (!strcmp(key, "auth") && v && v->kind == GX_NODE_MAP)
        return gx_redact_map(arena, v, gx_redact_auth);
    if (!strcmp(key, "env") && v && v->kind == GX_NODE_MAP)
        return gx_redact_map(arena, v, gx_redact_env);
    return (gx_node *)v;
}

/* The value of field in m as a read shows it: structured values that hold
 * credentials (an MCP server's auth.token, auth.oauth.client_secret and env
 * values) have them replaced by "<redacted>" unless secrets are shown. */
static gx_value gx_shown_value(gx_session *s, const gx_model *m, int field, bool show)
{
    gx_value v = gx_config_get(&m->cfg, field);
    if (show || gx_fields[field].shape != GX_SHAPE_MCP_SERVERS || !v.node ||
        v.node->kind != GX_NODE_SEQ)
        return v;
    gx_node *list = gx_arena_alloc(s->arena, sizeof *list);
    *list = *v.node;
    list->items = gx_arena_alloc(s->arena, (list->count ? list->count : 1) * sizeof *list->items);
    for (size_t i = 0; i < v.node->count; i++) {
        const gx_node *server = v.node->items[i];
        list->items[i] = server && server->kind == GX_NODE_MAP
                             ? gx_redact_map(s->arena, server, gx_redact_server)
                             : (gx_node *)server;
    }
    v.node = list;
    return v;
}

gx_value gx_core_shown_value(gx_session *s, const gx_value_info *v)
{
    return gx_shown_value(s, v->priv, v->field, !v->redacted && v->shown);
}

static void gx_value_info_of(gx_session *s, const gx_model *m, int field, unsigned flags,
                             gx_value_info *v)
{
    const gx_field *f = &gx_fields[field];
    memset(v, 0, sizeof *v);
    v->field = field;
    v->path = f->path;
    v->secret = f->secret;
    v->redacted = f->secret && !(flags & GX_GET_SHOW_SECRETS);
    v->shown = flags & GX_GET_SHOW_SECRETS;
    if (v->redacted) {
        v->text = "<redacted>";
    } else {
        gx_buf b = GX_BUF_INIT;
        gx_value_format(&b, field, gx_shown_value(s, m, field, flags & GX_GET_SHOW_SECRETS));
        if (b.len && b.data[b.len - 1] == '\n')
            b.data[--b.len] = '\0';
        v->text = gx_arena_strdup(s->arena, b.data ? b.data : "");
        gx_buf_free(&b);
    }
    v->is_default = m->origin[field].kind == GX_LAYER_DEFAULT ||
                    m->origin[field].kind == GX_LAYER_TOPOLOGY;
    gx_origin_info_of(s, &m->origin[field], &m->cfg, &v->origin);
    v->priv = m;
}

gx_status gx_op_get(gx_session *s, const char *selector, unsigned flags, const gx_sink *sink,
                    gx_values *out)
{
    memset(out, 0, sizeof *out);
    gx_diags diags = GX_DIAGS_INIT;
    int one = -1;
    size_t prefix = 0;
    if (selector && *selector) {
        one = gx_field_find(selector);
        if (one < 0) {
            if (!gx_core_is_section(selector)) {
                gx_core_unknown_path(&diags, selector);
                return gx_fail_free(sink, &diags);
            }
            prefix = strlen(selector);
        }
    }
    gx_diags_free(&diags);
    gx_loaded ld;
    gx_status st;
    if (!gx_read_reporting(s, sink, &ld, &st))
        return st;
    out->items = gx_arena_alloc(s->arena, GX_FIELD_COUNT * sizeof *out->items);
    for (int i = 0; i < GX_FIELD_COUNT; i++) {
        if (one >= 0 && i != one)
            continue;
        if (prefix && (strncmp(gx_fields[i].path, selector, prefix) ||
                       gx_fields[i].path[prefix] != '/'))
            continue;
        gx_value_info_of(s, ld.model, i, flags, &out->items[out->count++]);
    }
    out->revision = gx_loaded_revision(s, &ld);
    return GX_STATUS_OK;
}

void gx_core_values_yaml(gx_session *s, const gx_values *values, bool with_origin, gx_buf *out)
{
    gx_layer *layer = gx_arena_alloc(s->arena, sizeof *layer);
    gx_layer_init(layer, GX_LAYER_VALUES, NULL);
    const char **comments = gx_arena_alloc(s->arena, GX_FIELD_COUNT * sizeof *comments);
    for (size_t i = 0; i < values->count; i++) {
        const gx_value_info *v = &values->items[i];
        layer->present[v->field] = true;
        if (v->redacted)
            layer->value[v->field].s = "<redacted>";
        else
            layer->value[v->field] = gx_core_shown_value(s, v);
        if (with_origin)
            comments[v->field] = v->origin.text;
    }
    gx_layer_write_commented(layer, with_origin ? comments : NULL, out);
}

gx_status gx_op_components(gx_session *s, const gx_sink *sink, bool *enabled)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_diags_free(&diags);
    gx_loaded ld;
    gx_status st;
    if (!gx_read_reporting(s, sink, &ld, &st))
        return st;
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        enabled[c] = ld.model->cfg.enabled[c];
    return GX_STATUS_OK;
}

/* ---- validate ------------------------------------------------------------------------ */

gx_status gx_op_validate(gx_session *s, const gx_sink *sink, gx_validation *out)
{
    memset(out, 0, sizeof *out);
    gx_diags diags = GX_DIAGS_INIT;
    gx_loaded ld;
    if (!gx_core_read(s, &ld, &diags)) {
        out->loaded = false;
        out->diags = gx_core_keep_diags(s, &diags);
        out->blocking = out->diags->blocking;
        out->warnings = out->diags->warnings;
        gx_emit_diags(sink, out->diags, GX_EV_RESULT);
        gx_status st = gx_status_of(&diags);
        gx_diags_free(&diags);
        return st;
    }
    /* the warnings of the load come first among the results */
    gx_diags *results = gx_core_keep_diags(s, &diags);
    gx_diags_free(&diags);
    gx_core_validate(s, &ld.model->cfg, results);
    gx_core_check_secrets_mode(s, &ld, results);
    gx_core_locate_results(results, ld.model);
    out->loaded = true;
    out->diags = results;
    out->blocking = results->blocking;
    out->warnings = results->warnings;
    out->revision = gx_loaded_revision(s, &ld);
    gx_emit_diags(sink, results, GX_EV_RESULT);
    return results->blocking ? GX_STATUS_FAILED : GX_STATUS_OK;
}

/* ---- writes ---------------------------------------------------------------------------- */

static const char gx_values_banner[] =
    "# yaml-language-server: $schema=" GX_SCHEMA_FILE "\n"
    "# glyphoxa-deploy values: only what differs from the defaults; no secrets\n"
    "# (those are in secrets.yaml). Edit with `glyphoxa-deploy set PATH=VALUE`;\n"
    "# see `glyphoxa-deploy list paths`.\n";
static const char gx_secrets_banner[] =
    "# glyphoxa-deploy secrets: the secret paths of this workspace. Mode 0600;\n"
    "# keep it out of git. Edit with `glyphoxa-deploy set PATH -`.\n";

/* The workspace as one layer: values.yaml with secrets.yaml over it. */
static gx_layer *gx_workspace_layer(gx_session *s, const gx_loaded *ld)
{
    gx_layer *ws = gx_arena_alloc(s->arena, sizeof *ws);
    *ws = *ld->values;
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        if (ld->secrets->present[f]) {
            ws->present[f] = true;
            ws->value[f] = ld->secrets->value[f];
        }
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        if (ld->secrets->comp_present[c] && !ws->comp_present[c]) {
            ws->comp_present[c] = true;
            ws->comp_value[c] = ld->secrets->comp_value[c];
        }
    return ws;
}

/* The mode a file gets from the umask, as any new file would. */
static mode_t gx_umask_mode(mode_t mode)
{
    mode_t mask = umask(0);
    umask(mask);
    return mode & ~mask;
}

/* Writes one workspace file when its text changes (atomic, durable). */
static bool gx_write_file_if_changed(gx_session *s, const char *path, const gx_buf *text,
                                     const char *old, size_t old_len, mode_t mode,
                                     const gx_sink *sink, gx_diags *diags)
{
    if (text->len > GX_VALUES_MAX_BYTES) {
        gx_diags_add(diags, GX_CODE_TOO_LARGE, path, 0, 0,
                     "shorten the largest values; the previous file is unchanged",
                     "not written: it would be %zu bytes, over the %d-byte limit for values files",
                     text->len, GX_VALUES_MAX_BYTES);
        return false;
    }
    if (old && old_len == text->len && !memcmp(old, text->data, old_len))
        return true;
    (void)s;
    /* a symbolic link (values.yaml kept elsewhere) stays a link: the file it
     * names is replaced, atomically, in its own directory */
    struct stat lst;
    char *real = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) ? realpath(path, NULL) : NULL;
    bool written = gx_file_write_atomic(real ? real : path, text->data, text->len, mode, true,
                                        diags);
    free(real);
    if (!written)
        return false;
    gx_emit_file(sink, path, (unsigned)mode, true);
    return true;
}

/* Writes the workspace layer ws: the secret paths and the values holding
 * credentials (gx_core_holds_credentials) to secrets.yaml (mode
 * 0600; created only when there is a secret to keep), everything else and
 * the components to values.yaml (mode from the umask: it holds no secret and
 * is meant to be committed). Each file is written only when its text
 * changes. Both texts are checked against the size limit before either is
 * written. The new revision in *revision. */
/* The texts of the workspace layer ws (see gx_write_workspace) over what ld
 * holds: values.yaml edited in place into vt, secrets.yaml into st when
 * *keep_secrets (a secret to keep, or a secrets file there already). */
static bool gx_workspace_texts(gx_session *s, const gx_loaded *ld, const gx_layer *ws,
                               gx_buf *vt, gx_buf *st, bool *keep_secrets, gx_diags *diags)
{
    gx_layer *values = gx_arena_alloc(s->arena, sizeof *values);
    gx_layer *secrets = gx_arena_alloc(s->arena, sizeof *secrets);
    gx_layer_init(values, GX_LAYER_VALUES, ld->values_path);
    gx_layer_init(secrets, GX_LAYER_SECRETS, ld->secrets_path);
    bool any_secret = false;
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        if (ws->present[f]) {
            bool secret = gx_core_holds_credentials(f, ws->value[f]);
            gx_layer *to = secret ? secrets : values;
            to->present[f] = true;
            to->value[f] = ws->value[f];
            any_secret |= secret;
        }
    memcpy(values->comp_present, ws->comp_present, sizeof values->comp_present);
    memcpy(values->comp_value, ws->comp_value, sizeof values->comp_value);
    /* values.yaml is edited in place: the operator's comments, blank lines,
     * key order and quoting survive; the whole new layer is given, so a
     * path that moved to secrets.yaml is an unset here */
    gx_value_edit *edits =
        gx_arena_alloc(s->arena, (GX_FIELD_COUNT + GX_COMPONENT_COUNT) * sizeof *edits);
    size_t n = 0;
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        edits[n++] = values->present[f] ? (gx_value_edit){.kind = GX_EDIT_SET,
                                                          .path = gx_fields[f].path,
                                                          .value = values->value[f]}
                                        : (gx_value_edit){.kind = GX_EDIT_UNSET,
                                                          .path = gx_fields[f].path};
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        edits[n++] = values->comp_present[c]
                         ? (gx_value_edit){.kind = GX_EDIT_COMPONENT,
                                           .path = gx_components[c].name,
                                           .enabled = values->comp_value[c]}
                         : (gx_value_edit){.kind = GX_EDIT_COMPONENT_UNSET,
                                           .path = gx_components[c].name};
    const char *old = ld->values_text ? ld->values_text : gx_values_banner;
    size_t old_len = ld->values_text ? ld->values_len : strlen(gx_values_banner);
    if (!gx_values_edit(ld->values_path, old, old_len, edits, n, vt, diags))
        return false;
    *keep_secrets = any_secret || ld->secrets_text;
    if (*keep_secrets) {
        gx_buf_puts(st, gx_secrets_banner);
        gx_layer_write(secrets, st);
    }
    return true;
}

static bool gx_write_workspace(gx_session *s, const gx_loaded *ld, const gx_layer *ws,
                               const char **revision, const gx_sink *sink, gx_diags *diags)
{
    gx_buf vt = GX_BUF_INIT, st = GX_BUF_INIT;
    bool keep_secrets = false;
    if (!gx_workspace_texts(s, ld, ws, &vt, &st, &keep_secrets, diags)) {
        gx_buf_free(&vt);
        gx_buf_free(&st);
        return false;
    }
    bool ok = true;
    if (st.len > GX_VALUES_MAX_BYTES || vt.len > GX_VALUES_MAX_BYTES) {
        const gx_buf *big = st.len > GX_VALUES_MAX_BYTES ? &st : &vt;
        gx_diags_add(diags, GX_CODE_TOO_LARGE, big == &st ? ld->secrets_path : ld->values_path,
                     0, 0, "shorten the largest values; the previous files are unchanged",
                     "not written: it would be %zu bytes, over the %d-byte limit for values "
                     "files",
                     big->len, GX_VALUES_MAX_BYTES);
        ok = false;
    }
    /* secrets first: a secret never lives only in a file about to lose it;
     * when values.yaml then cannot be written, secrets.yaml goes back to
     * what it was, so a failed write changes nothing */
    bool secrets_written = false;
    if (ok && keep_secrets) {
        size_t before = diags->count;
        ok = gx_write_file_if_changed(s, ld->secrets_path, &st, ld->secrets_text,
                                      ld->secrets_len, 0600, sink, diags);
        secrets_written = ok && diags->count == before &&
                          !(ld->secrets_text && ld->secrets_len == st.len &&
                            !memcmp(ld->secrets_text, st.data, st.len));
    }
    if (ok)
        ok = gx_write_file_if_changed(s, ld->values_path, &vt, ld->values_text, ld->values_len,
                                      gx_umask_mode(0666), sink, diags);
    if (!ok && secrets_written) {
        gx_diags ignored = GX_DIAGS_INIT;
        if (ld->secrets_text)
            gx_file_write_atomic(ld->secrets_path, ld->secrets_text, ld->secrets_len, 0600, true,
                                 &ignored);
        else
            unlink(ld->secrets_path);
        gx_diags_free(&ignored);
    }
    if (ok && revision)
        *revision = gx_core_revision_of(s, vt.data, vt.len, keep_secrets ? st.data : NULL,
                                        keep_secrets ? st.len : 0);
    gx_buf_free(&vt);
    gx_buf_free(&st);
    return ok;
}

/* Locks, reads values.yaml alone, and checks the expected revision. */
static bool gx_begin_write(gx_session *s, const char *if_revision, gx_loaded *ld,
                           gx_diags *diags)
{
    if (!gx_core_lock(s, true, diags))
        return false;
    if (!gx_core_load(s, false, ld, diags))
        return false;
    if (if_revision && strcmp(if_revision, gx_loaded_revision(s, ld)) != 0) {
        gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_STALE_REVISION, NULL,
                                   "the workspace changed underneath: it is at revision %.12s, "
                                   "not %.12s as expected; nothing was written",
                                   gx_loaded_revision(s, ld), if_revision);
        if (d) {
            d->file = ld->values_path;
            d->hint = "read the values again and repeat the change";
            d->remedy.kind = GX_REMEDY_RELOAD;
        }
        return false;
    }
    return true;
}

static gx_status gx_end_write(gx_session *s, bool ok, const gx_sink *sink, gx_diags *diags)
{
    gx_core_unlock(s);
    gx_status st = ok ? GX_STATUS_OK : gx_fail(sink, diags);
    if (ok) /* notes and warnings, e.g. that a file was rewritten as a whole */
        for (size_t i = 0; i < diags->count; i++)
            if (diags->items[i].severity == GX_NOTE)
                gx_emit_diag(sink, &diags->items[i]);
    gx_diags_free(diags);
    return st;
}

gx_status gx_op_set(gx_session *s, const gx_assignment *assignments, size_t count,
                    const char *if_revision, const gx_sink *sink, gx_write_result *out)
{
    gx_diags diags = GX_DIAGS_INIT;
    if (out)
        memset(out, 0, sizeof *out);
    /* the request first: unknown paths and values that do not parse change nothing */
    gx_layer *req = gx_arena_alloc(s->arena, sizeof *req);
    gx_layer_init(req, GX_LAYER_VALUES, NULL);
    const char **paths = gx_arena_alloc(s->arena, (count + 1) * sizeof *paths);
    bool ok = true;
    for (size_t i = 0; i < count; i++) {
        const char *text = assignments[i].text;
        const char *eq = strchr(text, '=');
        if (!eq || eq == text) {
            gx_diags_add(&diags, GX_CODE_BAD_VALUE, NULL, 0, 0,
                         "write PATH=VALUE, e.g. gateway/replica-count=2",
                         "'%.80s' is not PATH=VALUE", text);
            ok = false;
            continue;
        }
        char *path = gx_arena_strndup(s->arena, text, (size_t)(eq - text));
        paths[i] = path;
        if (assignments[i].from_file) {
            text = gx_core_assignment_from_file(s, text, &diags);
            if (!text) {
                ok = false;
                continue;
            }
        }
        if (!gx_layer_set_arg(s->arena, req, text, &diags))
            ok = false;
    }
    if (!ok)
        return gx_fail_free(sink, &diags);
    gx_loaded ld;
    ok = gx_begin_write(s, if_revision, &ld, &diags);
    const char *revision = NULL;
    if (ok) {
        gx_layer *ws = gx_workspace_layer(s, &ld);
        for (int f = 0; f < GX_FIELD_COUNT; f++)
            if (req->present[f]) {
                ws->present[f] = true;
                ws->value[f] = req->value[f];
            }
        ok = gx_write_workspace(s, &ld, ws, &revision, NULL, &diags);
    }
    if (ok) {
        for (size_t i = 0; i < count; i++)
            gx_emit_change(sink, "set", gx_fields[gx_field_find(paths[i])].path);
        if (out)
            out->revision = revision;
    }
    return gx_end_write(s, ok, sink, &diags);
}

gx_status gx_op_unset(gx_session *s, const char *const *paths, size_t count,
                      const char *if_revision, const gx_sink *sink, gx_write_result *out)
{
    gx_diags diags = GX_DIAGS_INIT;
    if (out)
        memset(out, 0, sizeof *out);
    for (size_t i = 0; i < count; i++)
        if (gx_field_find(paths[i]) < 0)
            gx_core_unknown_path(&diags, paths[i]);
    if (diags.count)
        return gx_fail_free(sink, &diags);
    gx_loaded ld;
    bool ok = gx_begin_write(s, if_revision, &ld, &diags);
    const char *revision = NULL;
    if (ok) {
        gx_layer *ws = gx_workspace_layer(s, &ld);
        for (size_t i = 0; i < count; i++)
            ws->present[gx_field_find(paths[i])] = false;
        ok = gx_write_workspace(s, &ld, ws, &revision, NULL, &diags);
    }
    if (ok) {
        for (size_t i = 0; i < count; i++)
            gx_emit_change(sink, "unset", paths[i]);
        if (out)
            out->revision = revision;
    }
    return gx_end_write(s, ok, sink, &diags);
}

/* Puts a fresh random token of nchars into field of layer. */
static bool gx_generate_secret(gx_session *s, gx_layer *layer, int field, size_t nchars,
                               gx_diags *diags)
{
    char *token = gx_random_token(s->arena, nchars, diags);
    if (!token)
        return false;
    layer->present[field] = true;
    layer->value[field].s = token;
    return true;
}

gx_status gx_op_component(gx_session *s, const char *const *names, size_t count, bool enable,
                          const char *if_revision, const gx_sink *sink, gx_write_result *out)
{
    gx_diags diags = GX_DIAGS_INIT;
    if (out)
        memset(out, 0, sizeof *out);
    for (size_t i = 0; i < count; i++) {
        int c = gx_component_find(names[i]);
        if (c < 0) {
            gx_component_unknown(&diags, names[i], enable ? GX_REMEDY_ENABLE : GX_REMEDY_DISABLE);
        } else if (!enable && gx_components[c].mandatory) {
            gx_diags_push(&diags, GX_BLOCKING, GX_CODE_MANDATORY_COMPONENT, NULL,
                          "component '%s' is mandatory and cannot be disabled",
                          gx_components[c].name);
        }
    }
    if (diags.count)
        return gx_fail_free(sink, &diags);
    gx_loaded ld;
    bool ok = gx_begin_write(s, if_revision, &ld, &diags);
    const char *revision = NULL;
    bool generated = false;
    gx_layer *ws = ok ? gx_workspace_layer(s, &ld) : NULL;
    for (size_t i = 0; ok && i < count; i++) {
        int c = gx_component_find(names[i]);
        ws->comp_present[c] = true;
        ws->comp_value[c] = enable;
        if (enable && c == GX_C_POSTGRESQL &&
            !ws->present[GX_F_POSTGRESQL_POSTGRES_PASSWORD]) {
            ok = gx_generate_secret(s, ws, GX_F_POSTGRESQL_POSTGRES_PASSWORD, 24, &diags);
            generated = ok;
        }
    }
    if (ok)
        ok = gx_write_workspace(s, &ld, ws, &revision, NULL, &diags);
    if (ok) {
        if (generated)
            gx_emit_change(sink, "generated", gx_fields[GX_F_POSTGRESQL_POSTGRES_PASSWORD].path);
        for (size_t i = 0; i < count; i++)
            gx_emit_change(sink, enable ? "enabled" : "disabled", names[i]);
        if (out)
            out->revision = revision;
    }
    return gx_end_write(s, ok, sink, &diags);
}

/* ---- init ------------------------------------------------------------------------------ */

static bool gx_init_set(gx_session *s, gx_layer *layer, const char *path, const char *value,
                        gx_diags *diags)
{
    if (!value)
        return true;
    return gx_layer_set_arg(s->arena, layer, gx_arena_printf(s->arena, "%s=%s", path, value),
                            diags);
}

bool gx_core_write_schema_file(gx_session *s, const gx_sink *sink, gx_diags *diags)
{
    json_t *schema = NULL;
    if (gx_core_json_schema(&schema) != GX_STATUS_OK || !schema) {
        gx_diags_add(diags, GX_CODE_GENERIC, NULL, 0, 0, NULL, "the JSON Schema cannot be made");
        return false;
    }
    char *text = json_dumps(schema, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(schema);
    if (!text) {
        gx_diags_add(diags, GX_CODE_GENERIC, NULL, 0, 0, NULL, "the JSON Schema cannot be made");
        return false;
    }
    size_t len = strlen(text);
    char *data = gx_arena_alloc(s->arena, len + 2);
    memcpy(data, text, len);
    data[len++] = '\n';
    free(text);
    const char *path = gx_core_path(s, GX_SCHEMA_FILE);
    if (!gx_mkdir_p(gx_core_path(s, GX_STATE_DIR), 0700, diags) ||
        !gx_file_write_atomic(path, data, len, 0644, false, diags))
        return false;
    gx_emit_file(sink, path, 0644, true);
    return true;
}

bool gx_core_begin_create(gx_session *s, bool force, gx_diags *diags)
{
    const char *values_path = gx_core_path(s, GX_VALUES_FILE);
    if (!gx_mkdir_p(s->workspace, gx_umask_mode(0755), diags) || !gx_core_lock(s, true, diags))
        return false;
    if (gx_file_exists(values_path) && !force) {
        gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_WORKSPACE_EXISTS, NULL,
                                   "%s exists already", values_path);
        if (d) {
            d->file = values_path;
            d->remedy.kind = GX_REMEDY_FORCE;
        }
        return false;
    }
    return true;
}

static gx_loaded gx_fresh(gx_session *s)
{
    gx_loaded fresh;
    memset(&fresh, 0, sizeof fresh);
    fresh.values_path = gx_core_path(s, GX_VALUES_FILE);
    fresh.secrets_path = gx_core_path(s, GX_SECRETS_FILE);
    return fresh;
}

bool gx_core_create_workspace(gx_session *s, const gx_layer *layer, bool force,
                              const gx_sink *sink, gx_diags *diags)
{
    gx_loaded fresh = gx_fresh(s);
    bool ok = gx_write_workspace(s, &fresh, layer, NULL, sink, diags);
    if (ok)
        ok = gx_core_write_schema_file(s, sink, diags);
    static const char gitignore[] =
        "# written by glyphoxa-deploy init: secrets, rendered output, tool state and the\n"
        "# temporary files of interrupted writes stay out of git\n"
        "secrets.yaml\ngenerated/\nscripts/\n.glyphoxa-deploy/\n.*.tmp-*\n";
    const char *gi = gx_core_path(s, ".gitignore");
    if (ok && (!gx_file_exists(gi) || force)) {
        ok = gx_file_write_atomic(gi, gitignore, sizeof gitignore - 1, 0644, true, diags);
        if (ok)
            gx_emit_file(sink, gi, 0644, true);
    }
    return ok;
}

bool gx_core_workspace_texts(gx_session *s, const gx_layer *layer, gx_buf *values,
                             gx_buf *secrets, gx_diags *diags)
{
    gx_loaded fresh = gx_fresh(s);
    bool keep = false;
    return gx_workspace_texts(s, &fresh, layer, values, secrets, &keep, diags);
}

gx_status gx_core_end_write(gx_session *s, bool ok, const gx_sink *sink, gx_diags *diags)
{
    return gx_end_write(s, ok, sink, diags);
}

gx_status gx_op_init(gx_session *s, const gx_init_request *req, const gx_sink *sink)
{
    gx_diags diags = GX_DIAGS_INIT;
    if (req->dsn && req->with_postgresql) {
        gx_diags_add(&diags, GX_CODE_BAD_REQUEST, NULL, 0, 0, NULL,
                     "give a DSN or the bundled PostgreSQL, not both");
        return gx_end_write(s, false, sink, &diags);
    }
    /* the request's values first: nothing is created for a bad one */
    gx_layer *layer = gx_arena_alloc(s->arena, sizeof *layer);
    const char *values_path = gx_core_path(s, GX_VALUES_FILE);
    gx_layer_init(layer, GX_LAYER_VALUES, values_path);
    bool ok = gx_init_set(s, layer, "core/topology", req->topology, &diags) &&
              gx_init_set(s, layer, "core/namespace", req->namespace_, &diags) &&
              gx_init_set(s, layer, "core/release-name", req->release, &diags) &&
              gx_init_set(s, layer, "core/environment", req->environment, &diags) &&
              gx_init_set(s, layer, "database/dsn", req->dsn, &diags);
    if (!ok)
        return gx_end_write(s, false, sink, &diags);
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        layer->origin[f].kind = GX_LAYER_VALUES;
    if (!gx_core_begin_create(s, req->force, &diags))
        return gx_end_write(s, false, sink, &diags);
    ok = gx_generate_secret(s, layer, GX_F_GATEWAY_ADMIN_KEY, 32, &diags);
    if (ok && !req->dsn) {
        layer->comp_present[GX_C_POSTGRESQL] = true;
        layer->comp_value[GX_C_POSTGRESQL] = true;
        ok = gx_generate_secret(s, layer, GX_F_POSTGRESQL_POSTGRES_PASSWORD, 24, &diags);
    }
    if (ok)
        ok = gx_core_create_workspace(s, layer, req->force, sink, &diags);
    return gx_end_write(s, ok, sink, &diags);
}
