/* gxg_templates — the template compiler's driver (part of gxgen, build-time
 * only): finds every template below a folder and runs the phases of gxg_tmpl.h
 * on each (lex, parse, check), then checks what concerns the set: one
 * template per output, distinct apply orders, the derived values the exporter
 * relies on. The emitters (gxg_emit.h) write C from the result. */
#ifndef GXG_TEMPLATES_H
#define GXG_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>

#include "gxg_schema.h"
#include "gxg_tmpl.h"

/* The checked templates, sorted bytewise by path (so by output path). */
typedef struct gxg_templates {
    gxg_tmpl *items;
    size_t count;
    const gxg_derived *no_secrets;    /* derived/no-secrets when declared as a bool */
    const gxg_derived *config_secret; /* derived/config-is-secret when declared as a bool */
} gxg_templates;

/* Parses and checks every *.tmpl below templates_dir (names starting with '_'
 * are partials, with '.' hidden: both skipped). Prints FILE:LINE:COL errors to
 * stderr and returns false on any. */
bool gxg_templates_compile(const gxg_schema *schema, const char *templates_dir,
                           gxg_templates *out);

#endif
