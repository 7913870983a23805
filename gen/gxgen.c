/* gxgen — the build-time generator: schema, templates and web assets -> C.
 *
 *   gxgen SCHEMA.yaml TEMPLATES_DIR OUT_DIR [WEB_DIR]
 *
 * The phases: read and check the schema (gxg_schema); lex, parse and check
 * every template (gxg_templates, over gxg_tmpl_*); read the web assets; then,
 * when nothing was wrong, one emitter per output (gxg_emit.h). Errors are
 * printed as FILE:LINE:COL: error: ...; after any, no output is left in
 * OUT_DIR (so the build runs the generator again) and the exit status is 1.
 * Without WEB_DIR the asset table is empty. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "gxg_emit.h"
#include "gxg_schema.h"
#include "gxg_templates.h"
#include "gxg_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define GXG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GXG_ASAN 1
#endif
#endif
#ifdef GXG_ASAN
#include <sanitizer/lsan_interface.h>
#endif

/* Removes every output, so that a failed run leaves nothing stale behind. */
static void gxg_remove_outputs(const char *out_dir)
{
    for (size_t i = 0; gxg_outputs[i]; i++) {
        char *path = gx_xasprintf("%s/%s", out_dir, gxg_outputs[i]);
        unlink(path);
        free(path);
    }
}

int main(int argc, char **argv)
{
#ifdef GXG_ASAN
    /* a short-lived build tool: it keeps everything it reads until it exits */
    __lsan_disable();
#endif
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: gxgen SCHEMA.yaml TEMPLATES_DIR OUT_DIR [WEB_DIR]\n");
        return 2;
    }
    const char *out_dir = argv[3], *web_dir = argc == 5 ? argv[4] : NULL;
    gxg_remove_outputs(out_dir);

    gxg_schema schema;
    if (!gxg_schema_read(&schema, argv[1]))
        return 1;
    gxg_templates templates;
    bool ok = gxg_templates_compile(&schema, argv[2], &templates);
    gxg_assets assets;
    ok = gxg_assets_read(web_dir, &assets) && ok;
    if (!ok)
        return 1;

    ok = gxg_emit_schema(&schema, out_dir) && gxg_emit_patterns(&schema, out_dir) &&
         gxg_emit_templates(&templates, out_dir) && gxg_emit_policy(&templates, out_dir) &&
         gxg_emit_assets(&assets, out_dir);
    if (!ok) {
        gxg_remove_outputs(out_dir);
        return 1;
    }
    return 0;
}
