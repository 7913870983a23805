/* gx_renderset — every template rendered once, modes, the --stdout stream.
 * See gx_renderset.h. */
#include "gx_renderset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_derived.h"
#include "gx_schema.h"
#include "gx_templates.h"

#define GX_SECRETS_OUTPUT "generated/secrets.yaml"
#define GX_CONFIG_OUTPUT "generated/config.yaml"

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
    set->items = calloc(set->count ? set->count : 1, sizeof *set->items);
    if (!set->items) {
        fputs("glyphoxa-deploy: out of memory\n", stderr);
        abort();
    }
    for (size_t i = 0; i < set->count; i++)
        set->items[i].tmpl = &set->templates[i];
}

static bool gx_has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool gx_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

mode_t gx_export_mode(const char *output, bool config_is_secret)
{
    if (gx_has_prefix(output, "scripts/") && gx_has_suffix(output, ".sh"))
        return 0755;
    if (strcmp(output, GX_SECRETS_OUTPUT) == 0 || gx_has_prefix(output, "generated/infra/"))
        return 0600;
    if (config_is_secret && strcmp(output, GX_CONFIG_OUTPUT) == 0)
        return 0600;
    return 0644;
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
                      (no_secrets && strcmp(t->output, GX_SECRETS_OUTPUT) == 0);
        it->mode = gx_export_mode(t->output, config_secret);
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
    const char *out = it->tmpl->output;
    return !it->skipped && it->tmpl->context == GX_CTX_YAML &&
           gx_has_prefix(out, "generated/") && !gx_has_prefix(out, "generated/infra/");
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

