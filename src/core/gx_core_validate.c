/* gx_core_validate — the rules with the session's workspace as their
 * environment (gx_core_internal.h): a chart given as a path is looked up
 * relative to the workspace, where the infrastructure target runs helm, and
 * so is the Sealed Secrets certificate (V31). */
#include "gx_core_internal.h"
#include "gx_core_seal.h"
#include "gx_files.h"
#include "gx_rules.h"

static gx_chart_probe gx_core_probe_chart(void *ctx, const char *path)
{
    const gx_session *s = ctx;
    switch (gx_chart_path_probe(s->workspace, path)) {
    case GX_CHART_PATH_ARCHIVE: return GX_PROBE_ARCHIVE;
    case GX_CHART_PATH_DIRECTORY: return GX_PROBE_DIRECTORY;
    case GX_CHART_PATH_MISSING: return GX_PROBE_MISSING;
    case GX_CHART_PATH_NOT_GZIP: return GX_PROBE_NOT_ARCHIVE;
    case GX_CHART_PATH_NO_CHART: return GX_PROBE_NO_CHART;
    case GX_CHART_PATH_OTHER: return GX_PROBE_OTHER;
    default: return GX_PROBE_UNREADABLE;
    }
}

void gx_core_validate(gx_session *s, const struct gx_config *cfg, gx_diags *results)
{
    gx_validate_env env = {gx_core_probe_chart, s, gx_core_probe_certificate};
    gx_validate_with(cfg, &env, s->arena, results);
}
