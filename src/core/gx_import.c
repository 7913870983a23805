/* gx_import — `import helm` (gx_op_import in gx_core.h, docs/migration.md): the values
 * of a release of the old Helm chart layered the way Helm does (the chart's
 * defaults, the values files in order, the set arguments), every key mapped
 * through the chart's key table (gx_helm.h) onto a path or a component, the
 * keys that need more than one value worked out here (the tier scheduling,
 * config.data, the DSN, Vault, the API keys of secrets.*), a report of every
 * key, and a new workspace written through the same code as init, with the
 * record (.glyphoxa-deploy/helm-import) by which the first apply takes over
 * the release's objects.
 *
 * The Helm values are a gx_node tree; merging and setting build new nodes in
 * the session arena and never change a parsed one. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_core_internal.h"
#include "gx_files.h"
#include "gx_helm.h"
#include "gx_model.h"
#include "gx_node.h"
#include "gx_proc.h"
#include "gx_rules.h"
#include "gx_run.h"
#include "gx_schema.h"
#include "gx_yamlout.h"

extern char **environ;

#define GX_HELM_IMPORT_RECORD GX_STATE_DIR "/helm-import"
#define GX_HELM_TIMEOUT_MS 120000

/* ---- Helm values trees -------------------------------------------------------------- */

static gx_node *gx_hv_scalar(gx_arena *a, const char *text, size_t len, bool plain)
{
    gx_node *n = gx_arena_alloc(a, sizeof *n);
    n->kind = GX_NODE_SCALAR;
    n->text = gx_arena_strndup(a, text, len);
    n->len = len;
    n->plain = plain;
    return n;
}

static gx_node *gx_hv_collection(gx_arena *a, gx_node_kind kind, size_t count)
{
    gx_node *n = gx_arena_alloc(a, sizeof *n);
    n->kind = kind;
    n->count = count;
    n->keys = kind == GX_NODE_MAP ? gx_arena_alloc(a, (count + 1) * sizeof *n->keys) : NULL;
    n->items = gx_arena_alloc(a, (count + 1) * sizeof *n->items);
    return n;
}

static bool gx_hv_key_is(const gx_node *k, const char *key, size_t len)
{
    return k->len == len && !memcmp(k->text, key, len);
}

/* A copy of map (a map, or NULL for an empty one) with key set to value;
 * value NULL removes the key. */
static gx_node *gx_hv_put(gx_arena *a, const gx_node *map, const char *key, size_t len,
                          gx_node *value)
{
    size_t have = map && map->kind == GX_NODE_MAP ? map->count : 0;
    gx_node *out = gx_hv_collection(a, GX_NODE_MAP, have + 1);
    size_t n = 0;
    bool done = false;
    for (size_t i = 0; i < have; i++) {
        if (gx_hv_key_is(map->keys[i], key, len)) {
            done = true;
            if (!value)
                continue;
            out->keys[n] = map->keys[i];
            out->items[n++] = value;
            continue;
        }
        out->keys[n] = map->keys[i];
        out->items[n++] = map->items[i];
    }
    if (!done && value) {
        out->keys[n] = gx_hv_scalar(a, key, len, true);
        out->items[n++] = value;
    }
    out->count = n;
    return out;
}

static const gx_node *gx_hv_get(const gx_node *map, const char *key, size_t len)
{
    if (!map || map->kind != GX_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (gx_hv_key_is(map->keys[i], key, len))
            return map->items[i];
    return NULL;
}

/* Helm's layering of over onto base: maps merge key by key, a null removes
 * the key, anything else replaces what was there. */
static gx_node *gx_hv_merge(gx_arena *a, gx_node *base, const gx_node *over)
{
    if (!over)
        return base;
    if (over->kind != GX_NODE_MAP || !base || base->kind != GX_NODE_MAP)
        return (gx_node *)over;
    gx_node *out = base;
    for (size_t i = 0; i < over->count; i++) {
        const gx_node *k = over->keys[i], *v = over->items[i];
        if (gx_node_is_null(v)) {
            out = gx_hv_put(a, out, k->text, k->len, NULL);
            continue;
        }
        gx_node *old = (gx_node *)gx_hv_get(out, k->text, k->len);
        out = gx_hv_put(a, out, k->text, k->len, gx_hv_merge(a, old, v));
    }
    return out;
}

/* ---- Helm's --set syntax -------------------------------------------------------------- */

typedef struct gx_hv_seg {
    const char *key; /* NULL for an index */
    size_t len;
    size_t index;
} gx_hv_seg;

/* Sets the value at segs below node (copies along the way); value NULL
 * removes the last key. */
static gx_node *gx_hv_set(gx_arena *a, const gx_node *node, const gx_hv_seg *segs, size_t n,
                          gx_node *value)
{
    if (n == 0)
        return value;
    if (segs[0].key) {
        const gx_node *child = gx_hv_get(node, segs[0].key, segs[0].len);
        gx_node *v = n == 1 ? value : gx_hv_set(a, child, segs + 1, n - 1, value);
        return gx_hv_put(a, node && node->kind == GX_NODE_MAP ? node : NULL, segs[0].key,
                         segs[0].len, v);
    }
    size_t have = node && node->kind == GX_NODE_SEQ ? node->count : 0;
    size_t count = have > segs[0].index ? have : segs[0].index + 1;
    gx_node *out = gx_hv_collection(a, GX_NODE_SEQ, count);
    for (size_t i = 0; i < count; i++)
        out->items[i] = i < have ? node->items[i] : gx_hv_scalar(a, "null", 4, true);
    const gx_node *child = segs[0].index < have ? node->items[segs[0].index] : NULL;
    gx_node *v = gx_hv_set(a, child, segs + 1, n - 1, value);
    out->items[segs[0].index] = v ? v : gx_hv_scalar(a, "null", 4, true);
    return out;
}

/* A --set value as Helm types it: true/false, null, a whole number without a
 * leading zero stay plain (typed); everything else is a string. */
static gx_node *gx_hv_typed(gx_arena *a, const char *text, size_t len)
{
    bool plain = false;
    if ((len == 4 && !memcmp(text, "true", 4)) || (len == 5 && !memcmp(text, "false", 5)) ||
        (len == 4 && !memcmp(text, "null", 4)))
        plain = true;
    else if (len > 0) {
        size_t i = text[0] == '-' ? 1 : 0;
        plain = i < len && !(text[i] == '0' && len > i + 1);
        for (; i < len && plain; i++)
            plain = text[i] >= '0' && text[i] <= '9';
    }
    return gx_hv_scalar(a, text, len, plain);
}

/* Reads up to an unescaped stop character (or the end) into out; returns
 * where it stopped. Backslash escapes the next character. */
static const char *gx_hv_scan(gx_buf *out, const char *p, const char *stops)
{
    while (*p && !strchr(stops, *p)) {
        if (*p == '\\' && p[1])
            p++;
        gx_buf_putc(out, *p++);
    }
    return p;
}

/* Applies one set argument ("a.b=1,c[0]=x,l={a,b}") to *root; false with a
 * diagnostic naming the argument. */
static bool gx_hv_apply_set(gx_arena *a, gx_node **root, const char *arg, gx_diags *diags)
{
    const char *p = arg;
    while (*p) {
        gx_hv_seg segs[64];
        size_t n = 0;
        /* the key: segments split by unescaped '.', with [N] indexes */
        for (;;) {
            gx_buf seg = GX_BUF_INIT;
            p = gx_hv_scan(&seg, p, ".[=,");
            bool full = seg.len && n == 64;
            if (seg.len && !full)
                segs[n++] = (gx_hv_seg){gx_arena_strndup(a, seg.data, seg.len), seg.len, 0};
            gx_buf_free(&seg);
            if (full)
                goto bad;
            while (*p == '[') {
                char *end;
                unsigned long long idx = strtoull(p + 1, &end, 10);
                if (end == p + 1 || *end != ']' || idx > 65535 || n == 64)
                    goto bad;
                segs[n++] = (gx_hv_seg){NULL, 0, (size_t)idx};
                p = end + 1;
            }
            if (*p == '.') {
                p++;
                continue;
            }
            break;
        }
        if (*p != '=' || n == 0)
            goto bad;
        p++;
        gx_node *value;
        if (*p == '{') { /* a list: {a,b,c} */
            const char *close = strchr(p, '}');
            if (!close)
                goto bad;
            size_t count = 0;
            gx_node *items[256];
            const char *q = p + 1;
            while (q < close) {
                if (count == 256)
                    goto bad;
                gx_buf item = GX_BUF_INIT;
                while (q < close && *q != ',') {
                    if (*q == '\\' && q + 1 < close)
                        q++;
                    gx_buf_putc(&item, *q++);
                }
                items[count++] = gx_hv_typed(a, item.data ? item.data : "", item.len);
                gx_buf_free(&item);
                if (q < close)
                    q++;
            }
            value = gx_hv_collection(a, GX_NODE_SEQ, count);
            memcpy(value->items, items, count * sizeof *items);
            p = close + 1;
        } else {
            gx_buf v = GX_BUF_INIT;
            p = gx_hv_scan(&v, p, ",");
            value = gx_hv_typed(a, v.data ? v.data : "", v.len);
            gx_buf_free(&v);
        }
        if (gx_node_is_null(value))
            value = NULL; /* Helm: a null removes the key */
        *root = gx_hv_set(a, *root, segs, n, value);
        if (!*root)
            *root = gx_hv_collection(a, GX_NODE_MAP, 0);
        if (*p == ',')
            p++;
        else if (*p)
            goto bad;
    }
    return true;
bad:
    gx_diags_add(diags, GX_CODE_BAD_VALUE, NULL, 0, 0,
                 "write KEY=VALUE pairs separated by ',', keys with '.' and [N], lists as "
                 "{a,b}, e.g. gateway.replicaCount=2,worker.tolerations[0].key=gpu",
                 "set argument '%.200s' is not Helm set syntax", arg);
    return false;
}

/* ---- the import ------------------------------------------------------------------------- */

typedef struct gx_imp {
    gx_session *s;
    gx_arena *a;
    const gx_import_request *req;
    const gx_sink *sink;
    gx_diags *diags;
    gx_layer *layer;      /* what the workspace gets */
    gx_model *defaults;   /* the defaults under the imported topology, release, namespace */
    const gx_node **vals; /* per gx_helm_keys entry: its value in the layered values */
    gx_import_item *items;
    size_t count, cap;
    const char **changes;
    size_t nchanges, capch;
    bool unanswered;
    bool recreate;        /* the Deployments' selectors change: re-created by adoption */
} gx_imp;

static const char *gx_imp_printf(gx_imp *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *gx_imp_printf(gx_imp *im, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *out = gx_arena_vprintf(im->a, fmt, ap);
    va_end(ap);
    return out;
}

/* True when a key the table does not know may hold a secret by its name
 * (password, token, secret, key, dsn, credentials): its value is not shown. */
static bool gx_imp_looks_secret(const char *key)
{
    static const char *const words[] = {"pass", "secret", "token", "key", "dsn", "credential",
                                        "auth", NULL};
    char lower[256];
    size_t n = 0;
    for (const char *p = key; *p && n + 1 < sizeof lower; p++)
        lower[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    lower[n] = '\0';
    for (size_t i = 0; words[i]; i++)
        if (strstr(lower, words[i]))
            return true;
    return false;
}

static void gx_imp_item(gx_imp *im, const char *key, const char *path, const char *value,
                        gx_import_state state, const char *note)
{
    if (im->count == im->cap) {
        size_t cap = im->cap ? 2 * im->cap : 64;
        gx_import_item *grown = gx_arena_alloc(im->a, cap * sizeof *grown);
        if (im->count)
            memcpy(grown, im->items, im->count * sizeof *grown);
        im->items = grown;
        im->cap = cap;
    }
    /* a value that is not carried over is shown, unless its key sounds secret */
    if (state == GX_IMPORT_DROPPED && value && *value && gx_imp_looks_secret(key))
        value = "<redacted>";
    im->items[im->count++] = (gx_import_item){key, path, value, state, note};
}

static void gx_imp_change(gx_imp *im, const char *text)
{
    for (size_t i = 0; i < im->nchanges; i++)
        if (!strcmp(im->changes[i], text))
            return;
    if (im->nchanges == im->capch) {
        size_t cap = im->capch ? 2 * im->capch : 16;
        const char **grown = gx_arena_alloc(im->a, cap * sizeof *grown);
        if (im->nchanges)
            memcpy(grown, im->changes, im->nchanges * sizeof *grown);
        im->changes = grown;
        im->capch = cap;
    }
    im->changes[im->nchanges++] = text;
}

/* A node as YAML text: a scalar as its text, anything else as a block. */
static const char *gx_imp_text(gx_imp *im, const gx_node *n)
{
    if (!n)
        return "";
    if (n->kind == GX_NODE_SCALAR)
        return gx_node_is_null(n) ? "" : n->text;
    gx_buf b = GX_BUF_INIT;
    gx_yaml_node(&b, n, 0, false);
    while (b.len && b.data[b.len - 1] == '\n')
        b.len--;
    const char *out = gx_arena_strndup(im->a, b.data ? b.data : "", b.len);
    gx_buf_free(&b);
    return out;
}

/* How the report shows a value of field: secrets redacted. */
static const char *gx_imp_shown(gx_imp *im, int field, gx_value v)
{
    if (gx_core_holds_credentials(field, v))
        return "<redacted>";
    gx_buf b = GX_BUF_INIT;
    gx_value_format(&b, field, v);
    const char *out = gx_arena_strndup(im->a, b.data ? b.data : "", b.len);
    gx_buf_free(&b);
    return out;
}

/* True when v is what field is by default under the imported topology. */
static bool gx_imp_is_default(gx_imp *im, int field, gx_value v)
{
    gx_buf x = GX_BUF_INIT, y = GX_BUF_INIT;
    gx_value_format(&x, field, v);
    if (field == GX_F_CORE_TOPOLOGY) /* the defaults were built with it */
        gx_buf_puts(&y, gx_fields[field].default_text);
    else
        gx_value_format(&y, field, gx_config_get(&im->defaults->cfg, field));
    bool same = x.len == y.len && (!x.len || !memcmp(x.data, y.data, x.len));
    gx_buf_free(&x);
    gx_buf_free(&y);
    return same;
}

/* Carries value (YAML text, as `set` reads it) of chart key to field: SET,
 * or DEFAULT when it is the default here; DROPPED with the reason when it
 * does not read as the path's type. */
static bool gx_imp_put_text(gx_imp *im, const char *key, int field, const char *text,
                            const char *note)
{
    gx_value v;
    gx_diags local = GX_DIAGS_INIT;
    gx_diags_use_arena(&local, im->a);
    if (!gx_value_parse(im->a, field, text, &v, &local)) {
        const char *why = local.count ? local.items[0].message : "it does not read";
        gx_imp_item(im, key, NULL, NULL, GX_IMPORT_DROPPED,
                    gx_imp_printf(im, "not a value of %s: %s", gx_fields[field].path, why));
        gx_diag *d = gx_diags_push(im->diags, GX_WARNING, GX_CODE_BAD_VALUE, gx_fields[field].path,
                                   "%s: not carried over: %s", key, why);
        (void)d;
        gx_diags_free(&local);
        return false;
    }
    gx_diags_free(&local);
    bool def = gx_imp_is_default(im, field, v);
    if (!def) {
        im->layer->present[field] = true;
        im->layer->value[field] = v;
    }
    gx_imp_item(im, key, gx_fields[field].path, gx_imp_shown(im, field, v),
                def ? GX_IMPORT_DEFAULT : GX_IMPORT_SET, note);
    return true;
}

static bool gx_imp_put(gx_imp *im, const char *key, const char *path, const gx_node *n,
                       const char *note)
{
    int f = gx_field_find(path);
    if (f < 0)
        return false;
    return gx_imp_put_text(im, key, f, gx_imp_text(im, n), note);
}

static void gx_imp_component(gx_imp *im, const char *key, const char *name, const gx_node *n)
{
    int c = gx_component_find(name);
    const char *t = gx_imp_text(im, n);
    bool on;
    if (!strcmp(t, "true"))
        on = true;
    else if (!strcmp(t, "false") || !*t)
        on = false;
    else {
        gx_imp_item(im, key, NULL, NULL, GX_IMPORT_DROPPED,
                    gx_imp_printf(im, "'%s' is not true or false", t));
        return;
    }
    bool def = on == gx_components[c].default_on;
    if (!def) {
        im->layer->comp_present[c] = true;
        im->layer->comp_value[c] = on;
    }
    gx_imp_item(im, key, gx_imp_printf(im, "components/%s", name), on ? "true" : "false",
                def ? GX_IMPORT_DEFAULT : GX_IMPORT_SET, NULL);
}

/* The value of a chart key in the layered values (NULL: absent or null). */
static const gx_node *gx_imp_val(gx_imp *im, const char *key)
{
    for (size_t i = 0; i < gx_helm_key_count; i++)
        if (!strcmp(gx_helm_keys[i].key, key))
            return im->vals[i] && !gx_node_is_null(im->vals[i]) ? im->vals[i] : NULL;
    return NULL;
}

static const char *gx_imp_str(gx_imp *im, const char *key)
{
    const gx_node *n = gx_imp_val(im, key);
    return n && n->kind == GX_NODE_SCALAR ? n->text : "";
}

static bool gx_imp_true(gx_imp *im, const char *key)
{
    return !strcmp(gx_imp_str(im, key), "true");
}

/* Collects the value of every chart key; keys the table does not know are
 * reported (subchart values apart). */
static void gx_imp_walk(gx_imp *im, const gx_node *map, const char *prefix)
{
    if (!map || map->kind != GX_NODE_MAP)
        return;
    for (size_t i = 0; i < map->count; i++) {
        const gx_node *k = map->keys[i], *v = map->items[i];
        const char *full = *prefix ? gx_imp_printf(im, "%s.%s", prefix, k->text)
                                   : gx_arena_strdup(im->a, k->text);
        const gx_helm_key *hk = gx_helm_find(full);
        if (hk) {
            im->vals[hk - gx_helm_keys] = v;
            if (!hk->subtree && v && v->kind != GX_NODE_SCALAR && gx_helm_is_branch(full))
                gx_imp_walk(im, v, full);
            continue;
        }
        if (gx_helm_is_branch(full) && v && v->kind == GX_NODE_MAP) {
            gx_imp_walk(im, v, full);
            continue;
        }
        if (gx_node_is_null(v))
            continue;
        const char *why;
        if (strstr(full, ".resources.") || !strncmp(full, "worker.profiles.", 16))
            why = "only the cpu and memory of requests and limits are carried over (the chart "
                  "rendered the whole resources map)";
        else if (!strncmp(full, "postgresql.", 11))
            why = "a value of the chart's PostgreSQL subchart: this tool installs PostgreSQL as "
                  "its own Helm release (apply infrastructure); put the values it needs into "
                  "postgresql/values";
        else if (!strncmp(full, "sealed-secrets.", 15))
            why = "a value of the chart's Sealed Secrets subchart: this tool installs the "
                  "controller as its own Helm release (apply infrastructure); put the values it "
                  "needs into sealed-secrets/values";
        else if (!strncmp(full, "config.", 7))
            why = "not a key of the chart (its application config is config.data)";
        else
            why = "not a key of the chart (no template reads it)";
        gx_imp_item(im, full, NULL, gx_imp_text(im, v), GX_IMPORT_DROPPED, why);
    }
}

/* ---- questions -------------------------------------------------------------------------- */

/* Asks the operator; NULL when nobody can answer (then the import fails with a
 * diagnostic naming the question, remedy: answer it). */
static const char *gx_imp_ask(gx_imp *im, const char *question, const char *const *choices,
                              const char *id, const char *id_value)
{
    const char *answer =
        im->req->ask ? im->req->ask(im->req->ask_ctx, question, choices) : NULL;
    if (answer)
        return gx_arena_strdup(im->a, answer);
    gx_diag *d = gx_diags_push(im->diags, GX_BLOCKING, GX_CODE_BAD_REQUEST, NULL,
                               "%s (no terminal to ask on); nothing was written", question);
    if (d) {
        d->remedy.kind = GX_REMEDY_ANSWER;
        d->remedy.arg = id;
        d->remedy.value = id_value ? gx_diags_strdup(im->diags, id_value) : NULL;
    }
    im->unanswered = true;
    return NULL;
}

/* ---- the keys worked out here ---------------------------------------------------------- */

/* Whether the chart's node selectors and tolerations put both the gateway and
 * the worker on the glyphoxa.io/tier=<topology> nodes, as core/tier-scheduling
 * does here. */
static bool gx_imp_has_tier_selector(const gx_node *sel, const char *tier)
{
    const gx_node *v = gx_hv_get(sel, "glyphoxa.io/tier", 16);
    return v && v->kind == GX_NODE_SCALAR && !strcmp(v->text, tier);
}

static bool gx_imp_is_tier_toleration(const gx_node *t, const char *tier)
{
    if (!t || t->kind != GX_NODE_MAP)
        return false;
    const gx_node *key = gx_hv_get(t, "key", 3), *value = gx_hv_get(t, "value", 5),
                  *effect = gx_hv_get(t, "effect", 6), *op = gx_hv_get(t, "operator", 8);
    for (size_t i = 0; i < t->count; i++)
        if (!gx_hv_key_is(t->keys[i], "key", 3) && !gx_hv_key_is(t->keys[i], "value", 5) &&
            !gx_hv_key_is(t->keys[i], "effect", 6) && !gx_hv_key_is(t->keys[i], "operator", 8))
            return false;
    return key && !strcmp(key->text, "glyphoxa.io/tier") && value && !strcmp(value->text, tier) &&
           effect && !strcmp(effect->text, "NoSchedule") &&
           (!op || !strcmp(op->text, "Equal"));
}

static bool gx_imp_has_tier_toleration(const gx_node *tols, const char *tier)
{
    if (!tols || tols->kind != GX_NODE_SEQ)
        return false;
    for (size_t i = 0; i < tols->count; i++)
        if (gx_imp_is_tier_toleration(tols->items[i], tier))
            return true;
    return false;
}

static void gx_imp_scheduling(gx_imp *im, const char *tier)
{
    const gx_node *gs = gx_imp_val(im, "gateway.nodeSelector"),
                  *ws = gx_imp_val(im, "worker.nodeSelector"),
                  *gt = gx_imp_val(im, "gateway.tolerations"),
                  *wt = gx_imp_val(im, "worker.tolerations");
    bool tiered = gx_imp_has_tier_selector(gs, tier) && gx_imp_has_tier_selector(ws, tier) &&
                  gx_imp_has_tier_toleration(gt, tier) && gx_imp_has_tier_toleration(wt, tier);
    const char *tier_note =
        gx_imp_printf(im, "glyphoxa.io/tier=%s is core/tier-scheduling here", tier);
    if (!tiered) {
        im->layer->present[GX_F_CORE_TIER_SCHEDULING] = true;
        im->layer->value[GX_F_CORE_TIER_SCHEDULING].b = false;
        gx_imp_change(im, gx_imp_printf(
                              im,
                              "core/tier-scheduling is off: the chart's values do not put both "
                              "the gateway and the worker on glyphoxa.io/tier=%s nodes (node "
                              "selector and toleration), so neither does this workspace",
                              tier));
    }
    struct {
        const char *key, *path;
        const gx_node *n;
        bool selector;
    } parts[] = {{"gateway.nodeSelector", "gateway/node-selector", gs, true},
                 {"worker.nodeSelector", "worker/node-selector", ws, true},
                 {"gateway.tolerations", "gateway/tolerations", gt, false},
                 {"worker.tolerations", "worker/tolerations", wt, false}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const gx_node *n = parts[i].n;
        if (tiered && n) { /* the tier entries go: core/tier-scheduling adds them */
            if (parts[i].selector) {
                n = gx_hv_put(im->a, n, "glyphoxa.io/tier", 16, NULL);
            } else {
                gx_node *kept = gx_hv_collection(im->a, GX_NODE_SEQ, n->count);
                size_t k = 0;
                for (size_t j = 0; j < n->count; j++)
                    if (!gx_imp_is_tier_toleration(n->items[j], tier))
                        kept->items[k++] = n->items[j];
                kept->count = k;
                n = kept;
            }
        }
        gx_imp_put(im, parts[i].key, parts[i].path, n, tiered ? tier_note : NULL);
    }
}

static void gx_imp_pull_secrets(gx_imp *im)
{
    const gx_node *n = gx_imp_val(im, "imagePullSecrets");
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b, "[");
    size_t kept = 0;
    for (size_t i = 0; n && n->kind == GX_NODE_SEQ && i < n->count; i++) {
        const gx_node *it = n->items[i];
        const gx_node *name = it->kind == GX_NODE_MAP ? gx_hv_get(it, "name", 4) : it;
        if (!name || name->kind != GX_NODE_SCALAR || !name->len) {
            gx_imp_item(im, gx_imp_printf(im, "imagePullSecrets[%zu]", i), NULL,
                        gx_imp_text(im, it), GX_IMPORT_DROPPED,
                        "not {name: SECRET} or a name");
            continue;
        }
        if (kept++)
            gx_buf_puts(&b, ", ");
        gx_yaml_scalar(&b, name->text, name->len);
    }
    gx_buf_puts(&b, "]");
    gx_buf_putc(&b, '\0');
    gx_imp_put_text(im, "imagePullSecrets", GX_F_CORE_IMAGE_PULL_SECRETS, b.data,
                    "the chart's {name: SECRET} items are names here");
    gx_buf_free(&b);
}

/* config.data: the application's config.yaml, onto the typed config/ paths. */
static void gx_imp_config_data(gx_imp *im, const char *admin_port, const char *observe_port)
{
    const gx_node *data = gx_imp_val(im, "config.data");
    if (!data)
        return;
    if (data->kind != GX_NODE_MAP) {
        gx_imp_item(im, "config.data", NULL, gx_imp_text(im, data), GX_IMPORT_DROPPED,
                    "not a map (the application's config.yaml)");
        return;
    }
    static const struct {
        const char *key, *path;
    } typed[] = {
        {"server.log_level", "config/server/log-level"},
        {"memory.embedding_dimensions", "config/memory/embedding-dimensions"},
        {"campaign.name", "config/campaign/name"},
        {"campaign.system", "config/campaign/system"},
        {"transcript.llm_correction", "config/transcript/llm-correction"},
        {"mcp.servers", "config/mcp-servers"},
        {"npcs", "config/npcs"},
    };
    static const char *const provider_keys[][2] = {
        {"name", "name"}, {"api_key", "api-key"}, {"base_url", "base-url"},
        {"model", "model"}, {"options", "options"}};
    /* walk two levels (section.key), and providers.KIND.key */
    for (size_t i = 0; i < data->count; i++) {
        const gx_node *sk = data->keys[i], *sv = data->items[i];
        const char *section = sk->text;
        const char *base = gx_imp_printf(im, "config.data.%s", section);
        if (!strcmp(section, "npcs")) {
            gx_imp_put(im, base, "config/npcs", sv, NULL);
            continue;
        }
        if (sv->kind != GX_NODE_MAP) {
            gx_imp_item(im, base, NULL, gx_imp_text(im, sv), GX_IMPORT_DROPPED,
                        "the application's config.yaml has no such key: the config rendered "
                        "here holds server, providers, npcs, memory, mcp, campaign and "
                        "transcript");
            continue;
        }
        for (size_t j = 0; j < sv->count; j++) {
            const gx_node *k = sv->keys[j], *v = sv->items[j];
            const char *key = gx_imp_printf(im, "%s.%s", base, k->text);
            const char *short_key = gx_imp_printf(im, "%s.%s", section, k->text);
            if (!strcmp(section, "providers")) {
                const char *kind = k->text;
                char path[128];
                snprintf(path, sizeof path, "config/providers/%s/name", kind);
                if (gx_field_find(path) < 0 || v->kind != GX_NODE_MAP) {
                    gx_imp_item(im, key, NULL, gx_imp_text(im, v), GX_IMPORT_DROPPED,
                                "not a provider kind here (llm, stt, tts, s2s, embeddings, vad, "
                                "audio)");
                    continue;
                }
                for (size_t p = 0; p < v->count; p++) {
                    const gx_node *pk = v->keys[p];
                    const char *pkey = gx_imp_printf(im, "%s.%s", key, pk->text);
                    const char *to = NULL;
                    for (size_t q = 0; q < sizeof provider_keys / sizeof provider_keys[0]; q++)
                        if (!strcmp(pk->text, provider_keys[q][0]))
                            to = provider_keys[q][1];
                    if (!to) {
                        gx_imp_item(im, pkey, NULL, gx_imp_text(im, v->items[p]),
                                    GX_IMPORT_DROPPED,
                                    "a provider here has only name, api_key, base_url, model "
                                    "and options");
                        continue;
                    }
                    snprintf(path, sizeof path, "config/providers/%s/%s", kind, to);
                    gx_imp_put(im, pkey, path, v->items[p], NULL);
                }
                continue;
            }
            if (!strcmp(short_key, "server.listen_addr") ||
                !strcmp(short_key, "server.observe_addr")) {
                bool admin = !strcmp(k->text, "listen_addr");
                const char *want = gx_imp_printf(im, ":%s", admin ? admin_port : observe_port);
                const char *have = gx_imp_text(im, v);
                const char *from = admin ? "gateway/ports/admin" : "gateway/ports/observe";
                if (!strcmp(have, want))
                    gx_imp_item(im, key, from, have, GX_IMPORT_DEFAULT,
                                gx_imp_printf(im, "derived from %s here", from));
                else
                    gx_imp_item(im, key, NULL, have, GX_IMPORT_DROPPED,
                                gx_imp_printf(im, "derived from %s here (%s); set that port "
                                              "instead",
                                              from, want));
                continue;
            }
            const char *to = NULL;
            for (size_t q = 0; q < sizeof typed / sizeof typed[0]; q++)
                if (!strcmp(short_key, typed[q].key))
                    to = typed[q].path;
            if (to)
                gx_imp_put(im, key, to, v, NULL);
            else
                gx_imp_item(im, key, NULL, gx_imp_text(im, v), GX_IMPORT_DROPPED,
                            "no typed path here: the config rendered here holds only the keys "
                            "of the config/ paths");
        }
    }
}

/* The API keys of secrets.*: the provider slots that name the provider. */
static void gx_imp_api_keys(gx_imp *im)
{
    static const struct {
        const char *key, *provider;
        const char *names[3]; /* provider names per kind below */
        const char *kinds[3];
    } keys[] = {
        {"secrets.openaiApiKey", "openai", {"openai", "openai", "openai-realtime"},
         {"llm", "embeddings", "s2s"}},
        {"secrets.geminiApiKey", "gemini", {"gemini", "gemini-live", NULL}, {"llm", "s2s", NULL}},
        {"secrets.deepgramApiKey", "deepgram", {"deepgram", NULL, NULL}, {"stt", NULL, NULL}},
        {"secrets.elevenlabsApiKey", "elevenlabs", {"elevenlabs", NULL, NULL},
         {"tts", NULL, NULL}},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *value = gx_imp_str(im, keys[i].key);
        if (!*value) {
            gx_imp_item(im, keys[i].key, NULL, "", GX_IMPORT_DEFAULT, "empty: nothing to carry");
            continue;
        }
        const char *slots[3] = {NULL, NULL, NULL};
        size_t nslots = 0;
        const char *why = NULL;
        /* the operator's answer first */
        bool answered = false;
        for (size_t a = 0; a < im->req->provider_slot_count; a++) {
            const char *ans = im->req->provider_slots[a];
            size_t plen = strlen(keys[i].provider);
            if (strncmp(ans, keys[i].provider, plen) || ans[plen] != '=')
                continue;
            answered = true;
            const char *kind = ans + plen + 1;
            for (size_t k = 0; k < 3; k++)
                if (keys[i].kinds[k] && !strcmp(kind, keys[i].kinds[k]) && nslots < 3)
                    slots[nslots++] = keys[i].kinds[k];
            if (strcmp(kind, "none") && !nslots) {
                gx_diag *d = gx_diags_push(im->diags, GX_BLOCKING, GX_CODE_BAD_VALUE, NULL,
                                           "provider slot '%.60s' for %s: a %s API key belongs "
                                           "to one of: %s%s%s%s%s, or none",
                                           kind, keys[i].provider, keys[i].provider,
                                           keys[i].kinds[0], keys[i].kinds[1] ? ", " : "",
                                           keys[i].kinds[1] ? keys[i].kinds[1] : "",
                                           keys[i].kinds[2] ? ", " : "",
                                           keys[i].kinds[2] ? keys[i].kinds[2] : "");
                (void)d;
                im->unanswered = true;
            }
            why = "the slot given for it";
        }
        if (!answered) {
            /* the slots whose provider config.data names */
            for (size_t k = 0; k < 3 && keys[i].kinds[k]; k++) {
                char path[128];
                snprintf(path, sizeof path, "config/providers/%s/name", keys[i].kinds[k]);
                int f = gx_field_find(path);
                if (f >= 0 && im->layer->present[f] &&
                    !strcmp(im->layer->value[f].s, keys[i].names[k]))
                    slots[nslots++] = keys[i].kinds[k];
            }
            if (nslots)
                why = "config.data names the provider in that slot";
        }
        if (!answered && !nslots) {
            const char *choices[5];
            size_t nc = 0;
            for (size_t k = 0; k < 3 && keys[i].kinds[k]; k++)
                choices[nc++] = keys[i].kinds[k];
            choices[nc++] = "none";
            choices[nc] = NULL;
            const char *q = gx_imp_printf(
                im,
                "%s holds an API key for %s, and config.data names %s in no provider slot: "
                "which slot of config/providers does it belong to (%s%s%s%s%s, or none)?",
                keys[i].key, keys[i].provider, keys[i].provider, keys[i].kinds[0],
                keys[i].kinds[1] ? ", " : "", keys[i].kinds[1] ? keys[i].kinds[1] : "",
                keys[i].kinds[2] ? ", " : "", keys[i].kinds[2] ? keys[i].kinds[2] : "");
            const char *answer = gx_imp_ask(im, q, choices, "provider-slot", keys[i].provider);
            if (!answer)
                continue;
            for (size_t k = 0; k < 3; k++)
                if (keys[i].kinds[k] && !strcmp(answer, keys[i].kinds[k]))
                    slots[nslots++] = keys[i].kinds[k];
            why = "the slot given for it";
        }
        if (!nslots) {
            gx_imp_item(im, keys[i].key, NULL, "<redacted>", GX_IMPORT_DROPPED,
                        "no provider slot (as answered): the key is not carried over");
            continue;
        }
        for (size_t k = 0; k < nslots; k++) {
            char path[128];
            snprintf(path, sizeof path, "config/providers/%s/api-key", slots[k]);
            int f = gx_field_find(path);
            if (im->layer->present[f] && strcmp(im->layer->value[f].s, value)) {
                gx_imp_item(im, keys[i].key, NULL, "<redacted>", GX_IMPORT_DROPPED,
                            gx_imp_printf(im, "config.data sets providers.%s.api_key already: "
                                          "that one is kept",
                                          slots[k]));
                continue;
            }
            gx_imp_put_text(im, keys[i].key, f, value,
                            gx_imp_printf(im, "%s; the chart passed it as an environment "
                                          "variable, here it is in the application config "
                                          "(a Secret)",
                                          why));
        }
    }
}

static void gx_imp_vault_and_dsn(gx_imp *im)
{
    bool vault = gx_imp_true(im, "vault.enabled");
    const char *addr = gx_imp_str(im, "vault.addr"), *token = gx_imp_str(im, "secrets.vaultToken");
    gx_imp_item(im, "vault.enabled", vault ? "vault/addr" : NULL, vault ? "true" : "false",
                vault && *addr ? GX_IMPORT_SET : GX_IMPORT_DEFAULT,
                "no switch here: Vault is on when vault/addr is set");
    if (vault) {
        if (*addr)
            gx_imp_put_text(im, "vault.addr", GX_F_VAULT_ADDR, addr, NULL);
        else
            gx_imp_change(im, "vault.enabled is on with an empty vault.addr: the chart set an "
                              "empty VAULT_ADDR; here no VAULT_ADDR is set until vault/addr is");
        if (*token)
            gx_imp_put_text(im, "secrets.vaultToken", GX_F_VAULT_TOKEN, token, NULL);
    } else {
        if (*addr)
            gx_imp_item(im, "vault.addr", NULL, addr, GX_IMPORT_DROPPED,
                        "vault.enabled is off, so the chart did not pass it on; here vault/addr "
                        "alone would turn Vault on");
        if (*token)
            gx_imp_item(im, "secrets.vaultToken", NULL, "<redacted>", GX_IMPORT_DROPPED,
                        "vault.enabled is off, so the chart did not pass it on");
    }
    const char *secret_dsn = gx_imp_str(im, "secrets.databaseDSN");
    const char *plain_dsn = gx_imp_str(im, "database.dsn");
    if (*secret_dsn) {
        gx_imp_put_text(im, "secrets.databaseDSN", GX_F_DATABASE_DSN, secret_dsn,
                        "it wins over database.dsn, as in the chart");
        if (*plain_dsn)
            gx_imp_item(im, "database.dsn", NULL, "<redacted>", GX_IMPORT_DROPPED,
                        "secrets.databaseDSN wins over it, as in the chart");
    } else if (*plain_dsn) {
        gx_imp_put_text(im, "database.dsn", GX_F_DATABASE_DSN, plain_dsn,
                        "kept in secrets.yaml and the Secret RELEASE-secrets");
        gx_imp_change(im, "the DSN moves into a Secret: the chart put database.dsn into the pods' "
                          "environment as plain text; here GLYPHOXA_DATABASE_DSN comes from the "
                          "Secret RELEASE-secrets (key database-dsn) and database/dsn lives in "
                          "secrets.yaml");
    }
}

/* ---- reading the values ---------------------------------------------------------------- */

typedef struct gx_capture {
    gx_buf out;
    const gx_sink *sink;
    bool piece; /* the last stdout delivery was a piece of a longer line */
} gx_capture;

static void gx_capture_line(void *ctx, int stream, const char *line, size_t len)
{
    gx_capture *c = ctx;
    if (stream == 1) {
        gx_buf_put(&c->out, line, len);
        c->piece = len == GX_PROC_LINE_MAX;
        if (!c->piece)
            gx_buf_putc(&c->out, '\n');
        return;
    }
    gx_event ev = {.kind = GX_EV_OUTPUT, .text = line, .len = len, .stream = 2};
    gx_emit(c->sink, &ev);
}

/* helm get values RELEASE --all --output yaml of the cluster, into *text. */
static bool gx_imp_helm_values(gx_imp *im, const char *release, const char *ns, char **text,
                               size_t *len)
{
    const gx_import_request *req = im->req;
    char helm[PATH_MAX];
    const char *name = req->helm ? req->helm : "helm";
    if (!gx_run_find_executable(name, getenv("PATH"), helm, sizeof helm)) {
        gx_diag *d = gx_diags_push(im->diags, GX_BLOCKING, GX_CODE_TOOL_MISSING, NULL,
                                   "reading the values of release %s needs helm, and '%s' was "
                                   "not found%s",
                                   release, name, req->helm ? "" : " on PATH");
        if (d)
            d->hint = req->helm ? "check the path given for it"
                                : "install it, give its path, or import the release's values "
                                  "files instead";
        return false;
    }
    const char *argv[16];
    size_t n = 0;
    argv[n++] = helm;
    if (req->kubeconfig)
        argv[n++] = gx_imp_printf(im, "--kubeconfig=%s", req->kubeconfig);
    if (req->context)
        argv[n++] = gx_imp_printf(im, "--kube-context=%s", req->context);
    argv[n++] = "get";
    argv[n++] = "values";
    argv[n++] = release;
    argv[n++] = "--all";
    argv[n++] = "--output=yaml";
    argv[n++] = gx_imp_printf(im, "--namespace=%s", ns);
    argv[n] = NULL;
    gx_run_env_spec spec = {.target = "import", .helm = helm, .kubeconfig = req->kubeconfig,
                            .context = req->context};
    const char **env = gx_run_build_env(im->a, &spec, (const char *const *)environ);
    gx_emit_status(im->sink, "reading the values of Helm release %s in namespace %s: helm get "
                             "values %s --all",
                   release, ns, release);
    gx_proc_opts o = GX_PROC_OPTS_INIT;
    o.argv = argv;
    o.env = env;
    o.timeout_ms = GX_HELM_TIMEOUT_MS;
    o.name = "helm";
    gx_proc *p = gx_proc_start(&o, im->diags);
    if (!p)
        return false;
    gx_capture c = {GX_BUF_INIT, im->sink, false};
    while (!gx_proc_poll(p, -1, gx_capture_line, &c))
        ;
    int status = gx_proc_status(p);
    bool timed_out = gx_proc_timed_out(p);
    gx_proc_free(p);
    if (status != 0) {
        gx_diag *d = gx_diags_push(im->diags, GX_BLOCKING, GX_CODE_PROCESS, NULL,
                                   timed_out ? "helm get values %s did not end within %d s"
                                             : "helm get values %s failed (exit status %d)",
                                   release, timed_out ? GX_HELM_TIMEOUT_MS / 1000 : status);
        if (d)
            d->hint = "its output above says why (the release name, its namespace, the "
                      "kubeconfig and context)";
        gx_buf_free(&c.out);
        return false;
    }
    *len = c.out.len;
    *text = gx_arena_strndup(im->a, c.out.data ? c.out.data : "", c.out.len);
    gx_buf_free(&c.out);
    return true;
}

/* True when v is the chart's own default of k. */
static bool gx_imp_is_chart_default(gx_imp *im, const gx_helm_key *k, const gx_node *v)
{
    if (!k->chart_default)
        return false;
    gx_node *d = NULL;
    gx_diags local = GX_DIAGS_INIT;
    gx_diags_use_arena(&local, im->a);
    gx_node_parse(im->a, "chart defaults", k->chart_default, strlen(k->chart_default), &d, &local);
    gx_diags_free(&local);
    return d && gx_node_equal(d, v);
}

/* The chart's defaults as a values tree. */
static gx_node *gx_imp_chart_defaults(gx_imp *im)
{
    gx_node *root = gx_hv_collection(im->a, GX_NODE_MAP, 0);
    for (size_t i = 0; i < gx_helm_key_count; i++) {
        const gx_helm_key *k = &gx_helm_keys[i];
        if (!k->chart_default)
            continue;
        gx_node *v = NULL;
        gx_diags local = GX_DIAGS_INIT;
        gx_diags_use_arena(&local, im->a);
        gx_node_parse(im->a, "chart defaults", k->chart_default, strlen(k->chart_default), &v,
                      &local);
        gx_diags_free(&local);
        if (!v)
            v = gx_hv_scalar(im->a, "", 0, false);
        gx_hv_seg segs[16];
        size_t n = 0;
        const char *p = k->key;
        while (*p && n < 16) {
            size_t len = strcspn(p, ".");
            segs[n++] = (gx_hv_seg){p, len, 0};
            p += len + (p[len] == '.');
        }
        root = gx_hv_set(im->a, root, segs, n, v);
    }
    return root;
}

/* ---- the op ------------------------------------------------------------------------------ */

static bool gx_imp_dns_label(const char *s) { return gx_pattern_valid(GX_PATTERN_DNS_LABEL, s); }

/* The chart's name of its objects (its "glyphoxa.fullname" helper). */
static const char *gx_imp_fullname(gx_imp *im, const char *release)
{
    const char *override = gx_imp_str(im, "fullnameOverride");
    const char *name = *gx_imp_str(im, "nameOverride") ? gx_imp_str(im, "nameOverride")
                                                        : "glyphoxa";
    char buf[128];
    if (*override)
        snprintf(buf, sizeof buf, "%.63s", override);
    else if (strstr(release, name))
        snprintf(buf, sizeof buf, "%.63s", release);
    else
        snprintf(buf, sizeof buf, "%s-%s", release, name);
    buf[63] = '\0';
    size_t len = strlen(buf);
    while (len && buf[len - 1] == '-')
        buf[--len] = '\0';
    return gx_arena_strdup(im->a, buf);
}

static void gx_imp_report_texts(gx_imp *im, gx_import_report *out)
{
    /* secrets redacted: a copy of the layer with every credential replaced */
    gx_layer *shown = gx_arena_alloc(im->a, sizeof *shown);
    *shown = *im->layer;
    bool any = false;
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        if (shown->present[f] && gx_core_holds_credentials(f, shown->value[f])) {
            any = true;
            if (gx_fields[f].type == GX_T_YAML)
                shown->value[f].node = gx_core_redacted_node(im->a, shown->value[f].node);
            else
                shown->value[f].s = "<redacted>";
        }
    gx_buf vt = GX_BUF_INIT, st = GX_BUF_INIT;
    gx_diags local = GX_DIAGS_INIT;
    gx_diags_use_arena(&local, im->a);
    if (gx_core_workspace_texts(im->s, shown, &vt, &st, &local)) {
        out->values_text = gx_arena_strndup(im->a, vt.data ? vt.data : "", vt.len);
        out->secrets_text = any ? gx_arena_strndup(im->a, st.data ? st.data : "", st.len) : NULL;
    }
    gx_diags_free(&local);
    gx_buf_free(&vt);
    gx_buf_free(&st);
}

gx_status gx_op_import(gx_session *s, const gx_import_request *req, const gx_sink *sink,
                       gx_import_report *out)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_import_report dummy;
    if (!out)
        out = &dummy;
    memset(out, 0, sizeof *out);
    gx_imp im = {.s = s, .a = gx_session_arena(s), .req = req, .sink = sink, .diags = &diags};
    im.vals = gx_arena_alloc(im.a, (gx_helm_key_count + 1) * sizeof *im.vals);
    im.layer = gx_arena_alloc(im.a, sizeof *im.layer);
    gx_layer_init(im.layer, GX_LAYER_VALUES, gx_core_path(s, GX_VALUES_FILE));

    /* the release and its namespace: given, or asked */
    const char *release = req->release;
    if (!release)
        release = gx_imp_ask(&im,
                             "the name of the Helm release these values belong to is needed "
                             "(the chart named its objects after it)",
                             NULL, "release", NULL);
    const char *ns = req->namespace_;
    if (!ns)
        ns = gx_imp_ask(&im, "the namespace of the Helm release is needed", NULL, "namespace",
                        NULL);
    if (!release || !ns)
        return gx_core_end_write(s, false, sink, &diags);
    if (!gx_imp_dns_label(release) || !gx_imp_dns_label(ns)) {
        gx_diags_add(&diags, GX_CODE_BAD_VALUE, NULL, 0, 0,
                     "lowercase letters, digits and '-', starting and ending with a letter or "
                     "digit, at most 63 characters",
                     "'%.80s' is not a release name or namespace Helm accepts",
                     gx_imp_dns_label(release) ? ns : release);
        return gx_core_end_write(s, false, sink, &diags);
    }

    /* the values, layered as Helm does */
    gx_node *values = gx_imp_chart_defaults(&im);
    bool ok = true;
    if (!req->file_count) {
        char *text = NULL;
        size_t len = 0;
        gx_node *root = NULL;
        ok = gx_imp_helm_values(&im, release, ns, &text, &len) &&
             gx_node_parse(im.a, "helm get values", text, len, &root, &diags);
        if (ok && root && root->kind != GX_NODE_MAP) {
            gx_diags_add(&diags, GX_CODE_WRONG_TYPE, NULL, 0, 0, NULL,
                         "helm get values %s printed no map of values", release);
            ok = false;
        }
        if (ok)
            values = gx_hv_merge(im.a, values, root);
    }
    for (size_t i = 0; ok && i < req->file_count; i++) {
        char *data;
        size_t len;
        gx_node *root = NULL;
        ok = gx_file_read(im.a, req->files[i], GX_VALUES_MAX_BYTES, &data, &len, &diags) &&
             gx_node_parse(im.a, req->files[i], data, len, &root, &diags);
        if (ok && root && root->kind != GX_NODE_MAP) {
            gx_diags_add(&diags, GX_CODE_WRONG_TYPE, req->files[i], root->line, root->col, NULL,
                         "a Helm values file is a map of values");
            ok = false;
        }
        if (ok)
            values = gx_hv_merge(im.a, values, root);
    }
    for (size_t i = 0; ok && i < req->set_count; i++)
        ok = gx_hv_apply_set(im.a, &values, req->sets[i], &diags);
    if (!ok)
        return gx_core_end_write(s, false, sink, &diags);
    gx_imp_walk(&im, values, "");

    /* the names: the chart's objects are FULLNAME-*, labelled instance=RELEASE */
    const char *fullname = gx_imp_fullname(&im, release);
    const char *tier = gx_imp_str(&im, "topology");
    if (strcmp(tier, "shared") && strcmp(tier, "dedicated"))
        tier = "shared";
    gx_diags local = GX_DIAGS_INIT;
    gx_diags_use_arena(&local, im.a);
    gx_layer *base = gx_arena_alloc(im.a, sizeof *base);
    gx_layer_init(base, GX_LAYER_VALUES, NULL);
    const char *sets[] = {gx_imp_printf(&im, "core/topology=%s", tier),
                          gx_imp_printf(&im, "core/release-name=%s", fullname),
                          gx_imp_printf(&im, "core/namespace=%s", ns)};
    for (size_t i = 0; i < 3; i++)
        gx_layer_set_arg(im.a, base, sets[i], &local);
    gx_diags_free(&local);
    im.defaults = gx_arena_alloc(im.a, sizeof *im.defaults);
    const gx_layer *bl[] = {base};
    gx_model_build(im.defaults, bl, 1);
    /* core/release-name and core/namespace from the release */
    im.layer->present[GX_F_CORE_RELEASE_NAME] = strcmp(fullname, "glyphoxa") != 0;
    im.layer->value[GX_F_CORE_RELEASE_NAME].s = fullname;
    im.layer->present[GX_F_CORE_NAMESPACE] = strcmp(ns, "glyphoxa") != 0;
    im.layer->value[GX_F_CORE_NAMESPACE].s = ns;
    if (strcmp(fullname, release)) {
        im.recreate = true;
        gx_imp_change(&im, gx_imp_printf(
                               &im,
                               "the chart named its objects %s-* and labelled them "
                               "app.kubernetes.io/instance=%s; here core/release-name (%s) is "
                               "both, so the Deployments' selectors change: the first apply "
                               "deletes and re-creates %s-gateway and %s-mcp-gateway (a short "
                               "interruption)",
                               fullname, release, fullname, fullname, fullname));
    }

    /* every chart key, in the table's order */
    const char *admin_port = "8081", *observe_port = "9090";
    for (size_t i = 0; i < gx_helm_key_count; i++) {
        const gx_helm_key *k = &gx_helm_keys[i];
        const gx_node *v = im.vals[i] && !gx_node_is_null(im.vals[i]) ? im.vals[i] : NULL;
        if (!strcmp(k->key, "gateway.ports.admin") && v)
            admin_port = v->text;
        if (!strcmp(k->key, "gateway.ports.observe") && v)
            observe_port = v->text;
        switch (k->kind) {
        case GX_HELM_PATH:
            if (v && !strncmp(k->key, "worker.gpu.", 11) &&
                strcmp(gx_imp_str(&im, "worker.resourceProfile"), "local-llm") &&
                gx_imp_is_chart_default(&im, k, v)) {
                gx_imp_item(&im, k->key, k->target, gx_imp_text(&im, v), GX_IMPORT_DEFAULT,
                            "the chart's default, without effect unless the profile is "
                            "local-llm: the default here applies");
                break;
            }
            if (v && !strcmp(k->key, "gateway.replicaCount") &&
                gx_imp_true(&im, "autoscaling.enabled")) {
                gx_imp_item(&im, k->key, NULL, gx_imp_text(&im, v), GX_IMPORT_DROPPED,
                            "without effect: autoscaling is on (the chart left the replicas "
                            "out too)");
                break;
            }
            if (v)
                gx_imp_put(&im, k->key, k->target, v, k->note);
            break;
        case GX_HELM_COMPONENT:
            gx_imp_component(&im, k->key, k->target, v);
            break;
        case GX_HELM_DROPPED:
            if (v && !*gx_imp_text(&im, v))
                gx_imp_item(&im, k->key, NULL, "", GX_IMPORT_DEFAULT, "empty: nothing to carry");
            if (v && *gx_imp_text(&im, v)) {
                gx_imp_item(&im, k->key, NULL, gx_imp_text(&im, v), GX_IMPORT_DROPPED, k->note);
                if (!strcmp(k->key, "nameOverride")) {
                    im.recreate = true;
                    gx_imp_change(&im, gx_imp_printf(
                                           &im,
                                           "nameOverride %s: the chart's selectors use "
                                           "app.kubernetes.io/name=%s, here it is glyphoxa; the "
                                           "first apply deletes and re-creates the Deployments",
                                           v->text, v->text));
                }
            }
            break;
        case GX_HELM_OWN:
            if (!strcmp(k->key, "image.tag")) {
                if (v && *v->text)
                    gx_imp_put(&im, k->key, k->target, v, NULL);
                else
                    gx_imp_item(&im, k->key, k->target, "", GX_IMPORT_DEFAULT,
                                "empty: the chart's appVersion 0.1.0, the default here too");
            } else if (!strcmp(k->key, "fullnameOverride")) {
                if (v && *v->text)
                    gx_imp_item(&im, k->key, "core/release-name", v->text, GX_IMPORT_SET,
                                k->note);
            } else if (!strcmp(k->key, "gateway.adminKey")) {
                if (v && *v->text)
                    gx_imp_put(&im, k->key, k->target, v, k->note);
                else {
                    gx_imp_item(&im, k->key, k->target, "", GX_IMPORT_DEFAULT, "empty");
                    gx_imp_change(&im,
                                  "the admin key is empty: the chart started the gateway "
                                  "without one; here an empty gateway/admin-key is blocking "
                                  "in production (V5): set one before the first apply (or "
                                  "core/environment dev)");
                }
            }
            break;
        }
    }
    gx_imp_pull_secrets(&im);
    gx_imp_scheduling(&im, tier);
    gx_imp_config_data(&im, admin_port, observe_port);
    gx_imp_vault_and_dsn(&im);
    gx_imp_api_keys(&im);
    if (im.unanswered)
        return gx_core_end_write(s, false, sink, &diags);
    /* the items whose keys were walked but that no step above reported */
    for (size_t i = 0; i < gx_helm_key_count; i++) {
        const gx_helm_key *k = &gx_helm_keys[i];
        if (!im.vals[i] || gx_node_is_null(im.vals[i]) || k->kind != GX_HELM_OWN)
            continue;
        bool seen = false;
        for (size_t j = 0; j < im.count && !seen; j++)
            seen = !strcmp(im.items[j].key, k->key) ||
                   (!strncmp(im.items[j].key, k->key, strlen(k->key)) &&
                    (im.items[j].key[strlen(k->key)] == '.' ||
                     im.items[j].key[strlen(k->key)] == '['));
        if (!seen)
            gx_imp_item(&im, k->key, k->target, gx_imp_text(&im, im.vals[i]), GX_IMPORT_DEFAULT,
                        "empty: nothing to carry");
    }

    /* behaviour that changes with the values as they are */
    bool pg = gx_imp_true(&im, "postgresql.enabled");
    if (pg && !*gx_imp_str(&im, "postgresql.auth.postgresPassword"))
        gx_imp_change(&im, gx_imp_printf(
                               &im,
                               "postgresql.auth.postgresPassword is empty: the subchart "
                               "generated the password of the existing database and keeps it "
                               "in the Secret %s-postgresql (key postgres-password); set "
                               "postgresql/postgres-password to it before the first apply "
                               "(docs/migration.md shows how)",
                               fullname));
    if (pg)
        gx_imp_change(&im, gx_imp_printf(
                               &im,
                               "PostgreSQL was a subchart of release %s; here it is its own Helm "
                               "release %s-postgresql (apply infrastructure): its objects keep "
                               "their names, and docs/migration.md shows how to hand them over",
                               release, fullname));
    if (gx_imp_true(&im, "sealed-secrets.enabled"))
        gx_imp_change(&im, gx_imp_printf(&im,
                                         "the Sealed Secrets controller was a subchart of "
                                         "release %s in namespace %s; here it is its own Helm "
                                         "release in sealed-secrets/namespace (apply "
                                         "infrastructure); docs/migration.md shows how to keep "
                                         "its sealing key",
                                         release, ns));
    if (!pg && !im.layer->present[GX_F_DATABASE_DSN])
        gx_imp_change(&im, "no DSN and no bundled PostgreSQL: the chart started the pods without "
                           "GLYPHOXA_DATABASE_DSN; here database/dsn is blocking (V6)");
    if (!strcmp(gx_imp_str(&im, "worker.resourceProfile"), "local-llm"))
        gx_imp_change(&im, "worker profile local-llm: here the worker Job also asks for "
                           "nvidia.com/gpu (worker/gpu/count, 1) besides the GPU node selector "
                           "and tolerations; set worker/gpu/count=0 to keep the chart's request");
    if (gx_imp_true(&im, "networkPolicy.enabled"))
        gx_imp_change(&im, "the NetworkPolicies are stricter: the chart let the gateway reach "
                           "anything; here every pod reaches DNS, PostgreSQL, HTTPS and the "
                           "endpoints the values name (network-policy/extra-egress for more), "
                           "behind a default-deny policy of the release");
    gx_imp_change(&im, "a PodDisruptionBudget for the gateway is added when more than one "
                       "replica can run (gateway/disruption-budget)");

    /* the result */
    out->items = im.items;
    out->count = im.count;
    out->changes = im.changes;
    out->change_count = im.nchanges;
    out->release = release;
    out->namespace_ = ns;
    out->release_name = fullname;
    gx_imp_report_texts(&im, out);
    gx_model *m = gx_arena_alloc(im.a, sizeof *m);
    const gx_layer *ll[] = {im.layer};
    gx_model_build(m, ll, 1);
    gx_diags results = GX_DIAGS_INIT;
    gx_diags_use_arena(&results, im.a);
    results.limit = GX_DIAGS_NO_LIMIT;
    gx_core_validate(s, &m->cfg, &results);
    out->blocking = results.blocking;
    out->warnings = results.warnings;
    gx_emit_diags(sink, &results, GX_EV_RESULT);
    if (req->dry_run)
        return gx_core_end_write(s, true, sink, &diags);

    ok = gx_core_begin_create(s, req->force, &diags) &&
         gx_core_create_workspace(s, im.layer, req->force, sink, &diags);
    if (ok) {
        const char *record = gx_imp_printf(&im,
                                           "# written by glyphoxa-deploy import helm: the first "
                                           "apply takes over these objects\n"
                                           "release %s\nnamespace %s\nfullname %s\n"
                                           "recreate-deployments %d\n",
                                           release, ns, fullname, im.recreate ? 1 : 0);
        const char *path = gx_core_path(s, GX_HELM_IMPORT_RECORD);
        ok = gx_file_write_atomic(path, record, strlen(record), 0600, true, &diags);
        if (ok)
            gx_emit_file(sink, path, 0600, true);
    }
    return gx_core_end_write(s, ok, sink, &diags);
}

json_t *gx_json_import_report(const gx_import_report *r)
{
    static const char *const states[] = {"set", "default", "dropped"};
    json_t *items = json_array();
    for (size_t i = 0; i < r->count; i++) {
        const gx_import_item *it = &r->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "key", gx_json_text(it->key));
        json_object_set_new(o, "path", it->path ? gx_json_text(it->path) : json_null());
        json_object_set_new(o, "value", it->value ? gx_json_text(it->value) : json_null());
        json_object_set_new(o, "state", json_string(states[it->state]));
        if (it->note)
            json_object_set_new(o, "note", gx_json_text(it->note));
        json_array_append_new(items, o);
    }
    json_t *changes = json_array();
    for (size_t i = 0; i < r->change_count; i++)
        json_array_append_new(changes, gx_json_text(r->changes[i]));
    json_t *o = json_object();
    json_object_set_new(o, "release", r->release ? gx_json_text(r->release) : json_null());
    json_object_set_new(o, "namespace", r->namespace_ ? gx_json_text(r->namespace_) : json_null());
    json_object_set_new(o, "release-name",
                        r->release_name ? gx_json_text(r->release_name) : json_null());
    json_object_set_new(o, "items", items);
    json_object_set_new(o, "changes", changes);
    json_object_set_new(o, "blocking", json_integer((json_int_t)r->blocking));
    json_object_set_new(o, "warnings", json_integer((json_int_t)r->warnings));
    return o;
}
