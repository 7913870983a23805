/* gx_renderset — every template rendered once, modes, the --stdout stream.
 * See gx_renderset.h. */
#include "gx_renderset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_derived.h"
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

mode_t gx_export_mode(const gx_template *t, bool config_is_secret)
{
    bool secret = t->secrecy == GX_SECRECY_ALWAYS ||
                  (t->secrecy == GX_SECRECY_WITH_CREDENTIALS && config_is_secret);
    return (mode_t)(secret ? t->mode & 0700 : t->mode);
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
    gx_render r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    r.derived = set->derived;
    r.arena = set->arena;
    for (size_t i = 0; i < set->count; i++) {
        gx_rendered *it = &set->items[i];
        const gx_template *t = it->tmpl;
        /* render straight into the item's buffer (its memory is reused) */
        r.out = it->text;
        gx_buf_reset(&r.out);
        gx_render_template(&r, t);
        it->text = r.out;
        it->skipped = gx_render_blank(it->text.data, it->text.len) ||
                      (no_secrets && t->omit_without_secrets);
        it->mode = gx_export_mode(t, config_secret);
    }
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

void gx_export_stream(const gx_render_set *set, gx_buf *out)
{
    for (size_t i = 0; i < set->count; i++) {
        const gx_rendered *it = &set->items[i];
        if (!gx_rendered_in_stream(it))
            continue;
        const char *s = it->text.data;
        size_t len = it->text.len;
        /* an output that opens with its own "---" line: ours replaces it */
        if (len >= 3 && memcmp(s, "---", 3) == 0 && (len == 3 || s[3] == '\n')) {
            s += len == 3 ? 3 : 4;
            len -= len == 3 ? 3 : 4;
        }
        gx_buf_puts(out, "---\n# Source: ");
        gx_buf_puts(out, it->tmpl->output);
        gx_buf_putc(out, '\n');
        gx_buf_put(out, s, len);
        if (len > 0 && s[len - 1] != '\n')
            gx_buf_putc(out, '\n');
    }
}

