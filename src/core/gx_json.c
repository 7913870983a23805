/* gx_json — the one JSON form of fields, components, targets, rules,
 * commands, diagnostics, validations, values and events (gx_core.h), used by
 * the command line's --json and, next, by the web API and MCP. */
#include <stdlib.h>
#include <string.h>

#include "gx_core_internal.h"
#include "gx_hash.h"
#include "gx_node.h"
#include "gx_schema.h"
#include "gx_yamlout.h"
#include "gx_xalloc.h"

const char *gx_severity_word(gx_severity severity)
{
    return severity == GX_BLOCKING ? "blocking" : severity == GX_WARNING ? "warning" : "note";
}

/* A JSON string of s; bytes that are not valid UTF-8 become U+FFFD. */
json_t *gx_json_text(const char *s)
{
    s = s ? s : "";
    json_t *j = json_string(s);
    if (j)
        return j;
    size_t len = strlen(s);
    char *copy = gx_xmalloc(3 * len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x80) {
            copy[n++] = s[i];
        } else {
            memcpy(copy + n, "\xEF\xBF\xBD", 3);
            n += 3;
        }
    }
    copy[n] = '\0';
    j = json_string(copy);
    free(copy);
    return j ? j : json_string("");
}

/* A JSON string of len bytes (which may hold NULs); invalid UTF-8 repaired. */
static json_t *gx_json_strn(const char *s, size_t len)
{
    json_t *j = json_stringn(s ? s : "", s ? len : 0);
    return j ? j : gx_json_text(s);
}

static json_t *gx_node_json(const gx_node *node)
{
    if (!node)
        return json_null();
    switch (node->kind) {
    case GX_NODE_SCALAR:
        if (node->plain && !node->tag) {
            switch (gx_yaml_core_resolve(node->text, node->len)) {
            case GX_YAML_CORE_NULL: return json_null();
            case GX_YAML_CORE_BOOL: return json_boolean(node->text[0] == 't' || node->text[0] == 'T');
            case GX_YAML_CORE_INT: {
                char *end;
                long long v = strtoll(node->text, &end, 0);
                if (!*end)
                    return json_integer(v);
                break;
            }
            case GX_YAML_CORE_FLOAT: {
                char *end;
                double v = strtod(node->text, &end);
                if (!*end)
                    return json_real(v);
                break;
            }
            default: break;
            }
        }
        return gx_json_strn(node->text, node->len);
    case GX_NODE_MAP: {
        json_t *obj = json_object();
        for (size_t i = 0; i < node->count; i++)
            json_object_setn_new(obj, node->keys[i]->text, node->keys[i]->len,
                                 gx_node_json(node->items[i]));
        return obj;
    }
    case GX_NODE_SEQ: {
        json_t *arr = json_array();
        for (size_t i = 0; i < node->count; i++)
            json_array_append_new(arr, gx_node_json(node->items[i]));
        return arr;
    }
    }
    return json_null();
}

json_t *gx_json_typed(int field, gx_value v)
{
    const gx_field *f = &gx_fields[field];
    switch (f->type) {
    case GX_T_STRING:
    case GX_T_QUANTITY: return gx_json_text(v.s);
    case GX_T_INT: return json_integer((json_int_t)v.i);
    case GX_T_BOOL: return json_boolean(v.b);
    case GX_T_ENUM: return json_string(f->choices[v.e]);
    case GX_T_MAP: {
        json_t *obj = json_object();
        for (size_t i = 0; i < v.map.count; i++)
            json_object_set_new(obj, v.map.keys[i], gx_json_text(v.map.values[i]));
        return obj;
    }
    case GX_T_LIST: {
        json_t *arr = json_array();
        for (size_t i = 0; i < v.list.count; i++)
            json_array_append_new(arr, gx_json_text(v.list.items[i]));
        return arr;
    }
    case GX_T_YAML: return gx_node_json(v.node);
    }
    return json_null();
}

json_t *gx_json_value(gx_session *s, const gx_value_info *v, bool with_origin)
{
    const gx_model *m = v->priv;
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(v->path));
    json_object_set_new(o, "value", v->redacted || !m
                                        ? json_null()
                                        : gx_json_typed(v->field, gx_core_shown_value(s, v)));
    if (v->secret)
        json_object_set_new(o, "secret", json_true());
    if (with_origin)
        json_object_set_new(o, "origin", gx_json_text(v->origin.text));
    return o;
}

json_t *gx_json_field(const gx_field *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(f->path));
    json_object_set_new(o, "type", json_string(gx_core_type_name(f->type)));
    json_object_set_new(o, "default", json_string(f->default_text));
    if (f->default_shared) {
        json_object_set_new(o, "default-shared", json_string(f->default_shared));
        json_object_set_new(o, "default-dedicated", json_string(f->default_dedicated));
    }
    json_object_set_new(o, "component",
                        f->component >= 0 ? json_string(gx_components[f->component].name)
                                          : json_null());
    json_object_set_new(o, "section", json_string(f->section));
    json_object_set_new(o, "display", json_string(f->display));
    json_object_set_new(o, "description", json_string(f->description));
    json_object_set_new(o, "secret", json_boolean(f->secret));
    if (f->choices) {
        json_t *c = json_array();
        for (size_t i = 0; i < f->choice_count; i++)
            json_array_append_new(c, json_string(f->choices[i]));
        json_object_set_new(o, "choices", c);
    }
    if (f->has_min)
        json_object_set_new(o, "min", json_integer((json_int_t)f->min));
    if (f->has_max)
        json_object_set_new(o, "max", json_integer((json_int_t)f->max));
    if (f->pattern_name)
        json_object_set_new(o, "pattern", json_string(f->pattern_name));
    if (f->placeholder)
        json_object_set_new(o, "placeholder", json_string(f->placeholder));
    return o;
}

json_t *gx_json_component(const gx_component_info *c, bool enabled)
{
    return json_pack("{s:s, s:b, s:b, s:b, s:s}", "name", c->name, "enabled", enabled,
                     "mandatory", c->mandatory, "default", c->default_on, "description",
                     c->description);
}

json_t *gx_json_target(const gx_target_info *t)
{
    return json_pack("{s:s, s:s, s:b, s:i, s:s}", "name", t->name, "script", t->script,
                     "pre-export", t->pre_export, "timeout", t->timeout_seconds, "description",
                     t->description);
}

json_t *gx_json_rule(const gx_rule_info *r)
{
    return json_pack("{s:s, s:s, s:s}", "id", r->id, "severities",
                     r->severities ? r->severities : "", "summary", r->summary);
}

static json_t *gx_json_option(const gx_cmd_option *opt)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(opt->name));
    if (opt->short_name)
        json_object_set_new(o, "short", json_string(opt->short_name));
    json_object_set_new(o, "kind", json_string(opt->kind == GX_OPT_FLAG    ? "flag"
                                               : opt->kind == GX_OPT_VALUE ? "value"
                                                                           : "repeat"));
    if (opt->value_name)
        json_object_set_new(o, "value", json_string(opt->value_name));
    json_object_set_new(o, "help", json_string(opt->help));
    return o;
}

json_t *gx_json_command(const gx_command_info *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "summary", json_string(c->summary));
    json_object_set_new(o, "synopsis", json_string(c->synopsis));
    json_t *opts = json_array();
    for (const gx_cmd_option *opt = c->options; opt && opt->name; opt++)
        json_array_append_new(opts, gx_json_option(opt));
    json_object_set_new(o, "options", opts);
    json_t *args = json_array();
    for (const gx_cmd_arg *a = c->args; a && a->name; a++) {
        json_t *j = json_object();
        json_object_set_new(j, "name", json_string(a->name));
        json_object_set_new(j, "help", json_string(a->help));
        json_object_set_new(j, "min", json_integer(a->min));
        if (a->max != GX_CMD_ANY)
            json_object_set_new(j, "max", json_integer(a->max));
        json_array_append_new(args, j);
    }
    json_object_set_new(o, "arguments", args);
    return o;
}

static const char *gx_remedy_word(gx_remedy_kind k)
{
    static const char *const words[] = {
        [GX_REMEDY_NONE] = NULL,           [GX_REMEDY_SET] = "set",
        [GX_REMEDY_UNSET] = "unset",       [GX_REMEDY_ENABLE] = "enable",
        [GX_REMEDY_DISABLE] = "disable",   [GX_REMEDY_RUN_TARGET] = "run-target",
        [GX_REMEDY_EXPORT] = "export",     [GX_REMEDY_INIT] = "init",
        [GX_REMEDY_EDIT_FILE] = "edit-file", [GX_REMEDY_LIST_PATHS] = "list-paths",
        [GX_REMEDY_LIST_COMPONENTS] = "list-components",
        [GX_REMEDY_LIST_TARGETS] = "list-targets", [GX_REMEDY_FORCE] = "force",
        [GX_REMEDY_RELOAD] = "reload",     [GX_REMEDY_ANSWER] = "answer",
    };
    return (unsigned)k < sizeof words / sizeof words[0] ? words[k] : NULL;
}

json_t *gx_json_diag(const gx_diag *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "rule", json_string(gx_code_id(d->code)));
    json_object_set_new(o, "path", d->path ? gx_json_text(d->path) : json_null());
    json_object_set_new(o, "severity", json_string(gx_severity_word(d->severity)));
    json_object_set_new(o, "message", gx_json_text(d->message));
    if (d->hint)
        json_object_set_new(o, "hint", gx_json_text(d->hint));
    if (d->file) {
        json_object_set_new(o, "file", gx_json_text(d->file));
        if (d->line > 0) {
            json_object_set_new(o, "line", json_integer(d->line));
            json_object_set_new(o, "column", json_integer(d->col));
        }
    }
    const char *word = gx_remedy_word(d->remedy.kind);
    if (word) {
        json_t *r = json_object();
        json_object_set_new(r, "action", json_string(word));
        if (d->remedy.arg)
            json_object_set_new(r, "target", gx_json_text(d->remedy.arg));
        if (d->remedy.value)
            json_object_set_new(r, "value", gx_json_text(d->remedy.value));
        json_object_set_new(o, "remedy", r);
    }
    return o;
}

const char *gx_json_first_blocking(const json_t *diags, const char *fallback)
{
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d) {
        const char *sev = json_string_value(json_object_get(d, "severity"));
        if (sev && !strcmp(sev, "blocking")) {
            const char *msg = json_string_value(json_object_get(d, "message"));
            return msg ? msg : fallback;
        }
    }
    return fallback;
}

json_t *gx_json_validation(const gx_validation *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "valid", json_boolean(v->blocking == 0));
    json_object_set_new(o, "blocking", json_integer((json_int_t)v->blocking));
    json_object_set_new(o, "warnings", json_integer((json_int_t)v->warnings));
    json_t *arr = json_array();
    for (size_t i = 0; v->diags && i < v->diags->count; i++)
        json_array_append_new(arr, gx_json_diag(&v->diags->items[i]));
    json_object_set_new(o, "results", arr);
    json_object_set_new(o, "revision", v->revision ? json_string(v->revision) : json_null());
    return o;
}

json_t *gx_json_event(const gx_event *ev)
{
    static const char *const kinds[] = {
        [GX_EV_DIAG] = "diagnostic", [GX_EV_RESULT] = "result", [GX_EV_STEP] = "step",
        [GX_EV_OUTPUT] = "output",   [GX_EV_FILE] = "file",     [GX_EV_CHANGE] = "change",
        [GX_EV_STATUS] = "status",   [GX_EV_DONE] = "done",
    };
    json_t *o = json_object();
    json_object_set_new(o, "event", json_string(kinds[ev->kind]));
    switch (ev->kind) {
    case GX_EV_DIAG:
    case GX_EV_RESULT: json_object_set_new(o, "diagnostic", gx_json_diag(ev->diag)); break;
    case GX_EV_STEP:
        json_object_set_new(o, "step", json_integer(ev->step));
        json_object_set_new(o, "steps", json_integer(ev->steps));
        json_object_set_new(o, "title", gx_json_strn(ev->text, ev->len));
        break;
    case GX_EV_OUTPUT:
        json_object_set_new(o, "line", gx_json_strn(ev->text, ev->len));
        json_object_set_new(o, "stream", json_string(ev->stream == 2 ? "stderr" : "stdout"));
        if (ev->partial)
            json_object_set_new(o, "partial", json_true());
        break;
    case GX_EV_FILE:
        json_object_set_new(o, "path", gx_json_text(ev->subject));
        json_object_set_new(o, "changed", json_boolean(ev->changed));
        break;
    case GX_EV_CHANGE:
        json_object_set_new(o, "action", gx_json_text(ev->text));
        json_object_set_new(o, "subject", gx_json_text(ev->subject));
        break;
    case GX_EV_STATUS: json_object_set_new(o, "text", gx_json_text(ev->text)); break;
    case GX_EV_DONE: json_object_set_new(o, "exit", json_integer(ev->status)); break;
    }
    return o;
}

/* ---- secret values ------------------------------------------------------------------------ */

/* Adds s[0..len) unless it is there already, keeping the set longest first. */
static void gx_secrets_put(gx_secrets *sec, const char *s, size_t len)
{
    for (size_t i = 0; i < sec->count; i++)
        if (sec->lens[i] == len && !memcmp(sec->items[i], s, len))
            return;
    if (sec->count == sec->cap) {
        sec->cap = sec->cap ? 2 * sec->cap : 16;
        sec->items = gx_xrealloc(sec->items, sec->cap * sizeof *sec->items);
        sec->lens = gx_xrealloc(sec->lens, sec->cap * sizeof *sec->lens);
    }
    size_t at = sec->count++;
    while (at > 0 && sec->lens[at - 1] < len) {
        sec->items[at] = sec->items[at - 1];
        sec->lens[at] = sec->lens[at - 1];
        at--;
    }
    sec->items[at] = gx_xstrndup(s, len);
    sec->lens[at] = len;
}

void gx_secrets_add(gx_secrets *sec, const char *s, size_t len)
{
    if (!s || !len || len < sec->min_len)
        return;
    gx_secrets_put(sec, s, len);
    if (!sec->base64)
        return;
    gx_buf b64 = GX_BUF_INIT;
    gx_base64_encode(&b64, s, len);
    if (b64.len)
        gx_secrets_put(sec, b64.data, b64.len);
    gx_buf_free(&b64);
}

bool gx_secrets_load(gx_secrets *sec, gx_session *s)
{
    gx_values vals;
    if (gx_op_get(s, NULL, GX_GET_SHOW_SECRETS, NULL, &vals) != GX_STATUS_OK)
        return false;
    for (size_t i = 0; i < vals.count; i++)
        if (vals.items[i].secret && vals.items[i].text)
            gx_secrets_add(sec, vals.items[i].text, strlen(vals.items[i].text));
    return true;
}

void gx_secrets_free(gx_secrets *sec)
{
    for (size_t i = 0; i < sec->count; i++)
        free(sec->items[i]);
    free(sec->items);
    free(sec->lens);
    *sec = (gx_secrets)GX_SECRETS_INIT(sec->min_len, sec->base64);
}

void gx_secrets_copy(gx_secrets *dst, const gx_secrets *src)
{
    *dst = (gx_secrets)GX_SECRETS_INIT(src->min_len, src->base64);
    if (!src->count)
        return;
    dst->cap = dst->count = src->count;
    dst->items = gx_xmalloc(src->count * sizeof *dst->items);
    dst->lens = gx_xmalloc(src->count * sizeof *dst->lens);
    for (size_t i = 0; i < src->count; i++) {
        dst->items[i] = gx_xstrndup(src->items[i], src->lens[i]);
        dst->lens[i] = src->lens[i];
    }
}

char *gx_secrets_redact_text(const char *s, size_t len, const gx_secrets *sec, size_t *out_len)
{
    if (!sec)
        return NULL;
    return gx_buf_replace_all(s, len, sec->items, sec->lens, sec->count, GX_REDACTED, out_len);
}

void gx_json_redact(json_t *root, const gx_secrets *sec)
{
    if (!root || !sec || !sec->count)
        return;
    if (json_is_string(root)) {
        size_t n;
        char *r =
            gx_secrets_redact_text(json_string_value(root), json_string_length(root), sec, &n);
        if (r && json_string_setn(root, r, n) != 0)
            json_string_set(root, GX_REDACTED);
        free(r);
    } else if (json_is_object(root)) {
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v)
            gx_json_redact(v, sec);
    } else if (json_is_array(root)) {
        size_t i;
        json_t *v;
        json_array_foreach(root, i, v)
            gx_json_redact(v, sec);
    }
}
