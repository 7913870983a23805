/* gxg_templates — every template of a folder through lex, parse and check.
 * See gxg_templates.h. */
#include "gxg_templates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gxg_util.h"

/* The derived values the exporter reads or sets (how --no-secrets and the
 * config Secret reach it): when declared they must be bools; a missing one is
 * a warning while there are templates (the exporter then refuses --no-secrets,
 * or treats the config as not a Secret). */
static bool gxg_check_export_derived(const gxg_schema *s, const char *name, const char *why,
                                     bool have_templates, const gxg_derived **out)
{
    const gxg_derived *d = gxg_schema_derived(s, name);
    *out = NULL;
    if (d && d->type != GX_T_BOOL) {
        fprintf(stderr, "%s: error: derived value 'derived/%s' must be a bool: %s\n", s->file,
                name, why);
        return false;
    }
    if (!d && have_templates)
        fprintf(stderr, "%s: warning: no derived value 'derived/%s' (bool): %s\n", s->file, name,
                why);
    *out = d;
    return true;
}

bool gxg_templates_compile(const gxg_schema *schema, const char *templates_dir,
                           gxg_templates *out)
{
    memset(out, 0, sizeof *out);
    size_t dlen = strlen(templates_dir);
    while (dlen > 1 && templates_dir[dlen - 1] == '/')
        dlen--;
    char *dir = gx_xstrndup(templates_dir, dlen);

    gxg_names names = {NULL, 0, 0};
    bool ok = gxg_list_tree(dir, "_", ".tmpl", &names);
    out->items = gx_xcalloc(names.count + 1, sizeof *out->items);
    out->count = names.count;
    for (size_t i = 0; i < names.count; i++) {
        gxg_tmpl *t = &out->items[i];
        t->schema = schema;
        t->rel = names.items[i];
        t->file = gx_xasprintf("%s/%s", dir, names.items[i]);
        if (gxg_tmpl_parse(t))
            gxg_tmpl_check(t);
        if (t->errors)
            ok = false;
    }
    /* two templates for the same output ("a.yaml.tmpl" is the only source of a.yaml) */
    for (size_t i = 1; i < out->count; i++) {
        const gxg_tmpl *a = &out->items[i - 1], *b = &out->items[i];
        if (a->output && b->output && strcmp(a->output, b->output) == 0) {
            fprintf(stderr, "%s: error: a second template for %s\n", b->file, b->output);
            ok = false;
        }
    }
    /* the apply order is total: no two applied files share an order */
    for (size_t i = 0; i < out->count; i++) {
        const gxg_tmpl *b = &out->items[i];
        if (!b->front.at[GXG_FM_ORDER].set || b->front.at[GXG_FM_ORDER].bad)
            continue;
        for (size_t j = 0; j < i; j++) {
            const gxg_tmpl *a = &out->items[j];
            if (a->front.at[GXG_FM_ORDER].set && !a->front.at[GXG_FM_ORDER].bad &&
                a->front.order == b->front.order) {
                fprintf(stderr, "%s:%d:%d: error: order %d is also the order of %s (%s:%d)\n",
                        b->file, b->front.at[GXG_FM_ORDER].line, b->front.at[GXG_FM_ORDER].col,
                        b->front.order, a->output, a->file, a->front.at[GXG_FM_ORDER].line);
                ok = false;
                break;
            }
        }
    }
    if (!gxg_check_export_derived(schema, "no-secrets",
                                  "export --no-secrets sets it after gx_derive() so that the "
                                  "templates leave secret values out; without it --no-secrets "
                                  "is refused",
                                  out->count > 0, &out->no_secrets))
        ok = false;
    if (!gxg_check_export_derived(schema, "config-is-secret",
                                  "when it is true, a file whose front matter says secrets: "
                                  "with-credentials holds secrets (written 0600)",
                                  out->count > 0, &out->config_secret))
        ok = false;
    free(names.items);
    free(dir);
    return ok;
}
