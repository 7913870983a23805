/* gxg_templates — the template compiler: reads each templates/NAME.tmpl, checks every
 * path and component reference against the schema, and writes gx_templates.h /
 * gx_templates.c (one C render function per template). Build-time only. */
#ifndef GXG_TEMPLATES_H
#define GXG_TEMPLATES_H

#include <stdbool.h>

#include "gxg_schema.h"

/* Compiles every *.tmpl in templates_dir into out_dir/gx_templates.{h,c}.
 * Prints template:line:col errors to stderr and returns false on any. */
bool gxg_compile_templates(const gxg_schema *schema, const char *templates_dir,
                           const char *out_dir);

#endif
