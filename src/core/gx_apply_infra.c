/* gx_apply_infra — the first install order (gx_core_internal.h): which
 * infrastructure components a successful `apply infrastructure` installed
 * from this workspace, recorded in .glyphoxa-deploy/infrastructure-applied
 * (one component name per line), and the warning of the default target when
 * a component that is on was never installed: the plain apply does not
 * install PostgreSQL or the Sealed Secrets controller. */
#include <string.h>

#include "gx_core_internal.h"
#include "gx_files.h"

#define GX_INFRA_APPLIED GX_STATE_DIR "/infrastructure-applied"

/* True when the record text lists name on a line of its own. */
static bool gx_infra_listed(const char *text, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        if (end - i == n && !memcmp(text + i, name, n))
            return true;
        i = end + 1;
    }
    return false;
}

/* The record's text (NULL and 0 when there is none or it cannot be read). */
static const char *gx_infra_read(gx_session *s, size_t *len)
{
    const char *path = gx_core_path(s, GX_INFRA_APPLIED);
    *len = 0;
    if (!gx_file_exists(path))
        return NULL;
    char *data = NULL;
    gx_diags ignored = GX_DIAGS_INIT;
    bool ok = gx_file_read(s->arena, path, 64 * 1024, &data, len, &ignored);
    gx_diags_free(&ignored);
    return ok ? data : NULL;
}

void gx_apply_infra_check(gx_session *s, const struct gx_config *cfg, gx_diags *diags)
{
    size_t len;
    const char *text = gx_infra_read(s, &len);
    for (int c = 0; c < GX_COMPONENT_COUNT; c++) {
        const gx_component_info *ci = &gx_components[c];
        if (!ci->infrastructure || !cfg->enabled[c] || (text && gx_infra_listed(text, len, ci->name)))
            continue;
        gx_diag *d = gx_diags_push(
            diags, GX_WARNING, GX_CODE_NOT_INSTALLED, NULL,
            "the %s component is on, but no infrastructure run of this workspace installed it; "
            "this target does not install it%s",
            ci->name,
            c == GX_C_POSTGRESQL && !*cfg->database.dsn
                ? ", and the gateway and workers cannot start without their database"
                : "");
        if (d) {
            d->hint = gx_diags_strdup(diags, "run the infrastructure target first (once, and "
                                             "again after changing its settings)");
            d->remedy.kind = GX_REMEDY_RUN_TARGET;
            d->remedy.arg = gx_diags_strdup(diags, "infrastructure");
        }
    }
}

void gx_apply_infra_record(gx_session *s)
{
    gx_loaded ld;
    gx_diags diags = GX_DIAGS_INIT;
    if (gx_core_load(s, true, &ld, &diags)) {
        size_t len;
        const char *old = gx_infra_read(s, &len);
        gx_buf b = GX_BUF_INIT;
        for (int c = 0; c < GX_COMPONENT_COUNT; c++) {
            const gx_component_info *ci = &gx_components[c];
            if (ci->infrastructure &&
                (ld.model->cfg.enabled[c] || (old && gx_infra_listed(old, len, ci->name))))
                gx_buf_printf(&b, "%s\n", ci->name);
        }
        const char *dir = gx_core_path(s, GX_STATE_DIR);
        if (gx_mkdir_p(dir, 0700, &diags))
            (void)gx_file_write_atomic(gx_core_path(s, GX_INFRA_APPLIED), b.data ? b.data : "",
                                       b.len, 0600, false, &diags);
        gx_buf_free(&b);
    }
    gx_diags_free(&diags); /* a record that cannot be written only costs a warning later */
}
