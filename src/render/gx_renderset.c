/* gx_renderset — every template rendered once, modes, the --stdout stream.
 * See gx_renderset.h. */
#include "gx_renderset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_delivery.h"
#include "gx_derived.h"
#include "gx_node.h"
#include "gx_policy.h"
#include "gx_schema.h"
#include "gx_templates.h"
#include "gx_xalloc.h"

/* ---- in memory ------------------------------------------------------------------ */

void gx_render_set_init(gx_render_set *set, const gx_template *templates, size_t count)
{
    memset(set, 0, sizeof *set);
    if (templates) {
        set->templates = templates;
        set->count = count;
    } else {
        set->templates = gx_template_table;
        set->count = gx_template_count;
    }
    set->items = gx_xcalloc(set->count ? set->count : 1, sizeof *set->items);
    for (size_t i = 0; i < set->count; i++)
        set->items[i].tmpl = &set->templates[i];
}

bool gx_export_holds_secrets(const gx_template *t, bool config_is_secret, bool sealed)
{
    if (t->sealable && sealed)
        return false;
    return t->secrecy == GX_SECRECY_ALWAYS ||
           (t->secrecy == GX_SECRECY_WITH_CREDENTIALS && config_is_secret);
}

mode_t gx_export_mode(const gx_template *t, bool config_is_secret, bool sealed)
{
    bool secret = gx_export_holds_secrets(t, config_is_secret, sealed);
    return (mode_t)(secret ? t->mode & 0700 : t->mode);
}

/* ---- apply order -------------------------------------------------------------------- */

static bool gx_order_before(const gx_template *a, const gx_template *b)
{
    if (a->order != b->order)
        return a->order < b->order;
    return strcmp(a->output, b->output) < 0;
}

/* The indices of the set's templates in apply order (ascending order, then
 * output path; scripts and kustomizations, order 0, come first and are
 * skipped by every caller); malloc'd, set->count entries. An insertion sort:
 * a set holds a few dozen templates, and it needs no shared state. */
static size_t *gx_render_set_order(const gx_render_set *set)
{
    size_t *idx = gx_xcalloc(set->count ? set->count : 1, sizeof *idx);
    for (size_t i = 0; i < set->count; i++) {
        size_t j = i;
        while (j > 0 && gx_order_before(&set->templates[i], &set->templates[idx[j - 1]])) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    return idx;
}

/* ---- sealing ------------------------------------------------------------------------ */

/* One value sealed for Secret name (of the release's namespace) under data
 * key item; "<sealed>" in placeholder mode. NULL when sealing failed. */
static const char *gx_render_set_seal_one(gx_render_set *set, const struct gx_config *cfg,
                                          const char *name, const char *item, const char *plain,
                                          gx_diags *diags)
{
    if (!set->sealer)
        return "<sealed>";
    return gx_sealer_seal(set->sealer, set->arena, cfg->core.namespace, name, item, plain,
                          strlen(plain), diags);
}

/* Fills derived/sealed-secret-data, sealed-app-config and
 * sealed-postgresql-password. */
static bool gx_render_set_seal(gx_render_set *set, const struct gx_config *cfg, gx_diags *diags)
{
    struct gx_derived *d = set->derived;
    if (!set->sealer && !set->seal_placeholders) {
        gx_diags_add(diags, GX_CODE_GENERIC, NULL, 0, 0,
                     "export through the workspace, which reads the certificate",
                     "the secrets are to be sealed (sealed-secrets is on and "
                     "sealed-secrets/certificate is set), but no certificate was loaded to seal "
                     "them with; nothing is rendered in plain text instead");
        return false;
    }
    const char *release = cfg->core.release_name;
    const char *secrets = gx_arena_printf(set->arena, "%s-secrets", release);
    /* the keys of R-secrets, in the sorted order of derived/secret-data */
    const struct {
        const char *item;
        const char *plain;
        bool on;
    } items[] = {
        {"admin-key", cfg->gateway.admin_key, d->has_admin_key},
        {"database-dsn", d->database_dsn, d->has_database_dsn},
        {"vault-token", cfg->vault.token, d->has_vault_token},
    };
    size_t n = 0;
    const char **keys = gx_arena_alloc(set->arena, 3 * sizeof *keys);
    const char **values = gx_arena_alloc(set->arena, 3 * sizeof *values);
    for (size_t i = 0; i < 3; i++) {
        if (!items[i].on)
            continue;
        const char *sealed =
            gx_render_set_seal_one(set, cfg, secrets, items[i].item, items[i].plain, diags);
        if (!sealed)
            return false;
        keys[n] = items[i].item;
        values[n++] = sealed;
    }
    d->sealed_secret_data = (gx_map){.count = n, .keys = keys, .values = values};
    if (d->config_is_secret) {
        d->sealed_app_config = gx_render_set_seal_one(
            set, cfg, gx_arena_printf(set->arena, "%s-config", release), "config.yaml",
            d->app_config, diags);
        if (!d->sealed_app_config)
            return false;
    }
    if (cfg->enabled[GX_C_POSTGRESQL]) {
        d->sealed_postgresql_password = gx_render_set_seal_one(
            set, cfg, gx_arena_printf(set->arena, "%s" GX_POSTGRESQL_AUTH_SUFFIX, release),
            GX_POSTGRESQL_AUTH_KEY, cfg->postgresql.postgres_password, diags);
        if (!d->sealed_postgresql_password)
            return false;
    }
    return true;
}

/* ---- kustomization ------------------------------------------------------------------ */

/* derived/kustomize-resources for a kustomization at output: the manifests
 * written below its folder, relative to it, in apply order. */
static void gx_render_set_resources(gx_render_set *set, const char *output, const size_t *order)
{
    const char *slash = strrchr(output, '/');
    size_t dir_len = slash ? (size_t)(slash - output) + 1 : 0;
    gx_node *list = gx_arena_alloc(set->arena, sizeof *list);
    list->kind = GX_NODE_SEQ;
    list->text = "";
    list->items = gx_arena_alloc(set->arena, (set->count + 1) * sizeof *list->items);
    for (size_t k = 0; k < set->count; k++) {
        const gx_rendered *it = &set->items[order[k]];
        if (it->skipped || it->tmpl->kind != GX_FILE_MANIFEST ||
            strncmp(it->tmpl->output, output, dir_len) != 0)
            continue;
        gx_node *item = gx_arena_alloc(set->arena, sizeof *item);
        item->kind = GX_NODE_SCALAR;
        item->text = it->tmpl->output + dir_len;
        item->len = strlen(item->text);
        list->items[list->count++] = item;
    }
    set->derived->kustomize_resources = list;
}

bool gx_output_top_declared(const char *output)
{
    const char *slash = strchr(output, '/');
    if (!slash || slash == output || slash[1] == '\0')
        return false;
    size_t len = (size_t)(slash - output);
    for (size_t i = 0; i < gx_output_top_count; i++)
        if (strlen(gx_output_tops[i]) == len && memcmp(gx_output_tops[i], output, len) == 0)
            return true;
    return false;
}

/* Renders template t at the end of stream as one output of the --stdout
 * stream (gx_render_set_run): its "---" and "# Source:" lines, then its
 * text without a "---" line that opens it, ending with a newline. A blank
 * output leaves nothing; returns whether it was blank. */
static bool gx_render_stream_one(gx_render *r, gx_buf *stream, const gx_template *t)
{
    size_t start = stream->len;
    gx_buf_puts(stream, "---\n# Source: ");
    gx_buf_puts(stream, t->output);
    gx_buf_putc(stream, '\n');
    size_t body = stream->len;
    r->out = *stream;
    gx_render_template(r, t);
    *stream = r->out;
    char *s = stream->data + body;
    size_t len = stream->len - body;
    if (gx_render_blank(s, len)) {
        gx_buf_truncate(stream, start);
        return true;
    }
    if (len >= 3 && memcmp(s, "---", 3) == 0 && (len == 3 || s[3] == '\n')) {
        size_t cut = len == 3 ? 3 : 4;
        memmove(s, s + cut, len - cut);
        len -= cut;
        gx_buf_truncate(stream, body + len);
    }
    if (len > 0 && s[len - 1] != '\n')
        gx_buf_putc(stream, '\n');
    return false;
}

/* The run of a set with a stream (gx_render_set_run): the streamed outputs in
 * apply order, straight into set->stream; every other item skipped. */
static void gx_render_set_stream(gx_render_set *set, gx_render *r, bool no_secrets,
                                 bool config_secret, bool sealed)
{
    size_t room = 0;
    for (size_t i = 0; i < set->count; i++)
        if (set->templates[i].stream)
            room += set->templates[i].size_hint;
    gx_buf_reserve(set->stream, room);
    size_t *order = gx_render_set_order(set);
    for (size_t k = 0; k < set->count; k++) {
        gx_rendered *it = &set->items[order[k]];
        const gx_template *t = it->tmpl;
        gx_buf_reset(&it->text);
        it->mode = gx_export_mode(t, config_secret, sealed);
        it->skipped = !t->stream || (no_secrets && t->omit_without_secrets) ||
                      gx_render_stream_one(r, set->stream, t);
    }
    free(order);
}

bool gx_render_set_run(gx_render_set *set, const struct gx_config *cfg, bool no_secrets,
                       gx_diags *diags)
{
    gx_arena_free(set->arena);
    set->arena = gx_arena_new();
    set->derived = gx_arena_alloc(set->arena, sizeof *set->derived);
    gx_derive(cfg, set->arena, set->derived);
    if (!gx_templates_set_no_secrets(set->derived, no_secrets) && no_secrets) {
        gx_diags_add(diags, GX_CODE_TEMPLATE, NULL, 0, 0,
                     "the schema declares no derived/no-secrets, which the templates need to "
                     "leave secret values out",
                     "cannot render without secrets: this build's templates do not support it");
        return false;
    }
    bool config_secret = gx_templates_config_is_secret(set->derived);
    bool sealed = set->derived->sealed && !no_secrets;
    if (sealed && !gx_render_set_seal(set, cfg, diags))
        return false;
    gx_render r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    r.derived = set->derived;
    r.arena = set->arena;
    size_t *order = NULL;
    gx_buf spare = GX_BUF_INIT; /* a buffer an item handed back (set->keep) */
    if (set->stream) {
        gx_render_set_stream(set, &r, no_secrets, config_secret, sealed);
        return true;
    }
    /* pass 0: every file but the kustomizations; pass 1: those, which list
     * what pass 0 wrote */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < set->count; i++) {
            gx_rendered *it = &set->items[i];
            const gx_template *t = it->tmpl;
            if ((t->kind == GX_FILE_KUSTOMIZATION) != (pass == 1))
                continue;
            if (pass == 1) {
                if (!order)
                    order = gx_render_set_order(set);
                gx_render_set_resources(set, t->output, order);
            }
            /* render straight into the item's buffer (its memory is reused,
             * or a buffer an earlier item handed back), sized for the
             * template's output at once */
            if (!it->text.data) {
                it->text = spare;
                spare = (gx_buf)GX_BUF_INIT;
            }
            r.out = it->text;
            gx_buf_reset(&r.out);
            gx_buf_reserve(&r.out, t->size_hint);
            gx_render_template(&r, t);
            it->text = r.out;
            it->skipped = gx_render_blank(it->text.data, it->text.len) ||
                          (no_secrets && t->omit_without_secrets);
            it->mode = gx_export_mode(t, config_secret, sealed);
            if (set->keep && !set->keep(set->keep_ctx, it, i)) {
                gx_buf_free(&spare);
                spare = it->text;
                it->text = (gx_buf)GX_BUF_INIT;
            }
        }
    }
    gx_buf_free(&spare);
    free(order);
    return true;
}

void gx_render_set_free(gx_render_set *set)
{
    if (set->items)
        for (size_t i = 0; i < set->count; i++)
            gx_buf_free(&set->items[i].text);
    free(set->items);
    gx_arena_free(set->arena);
    memset(set, 0, sizeof *set);
}

bool gx_rendered_in_stream(const gx_rendered *it)
{
    return !it->skipped && it->tmpl->stream;
}


