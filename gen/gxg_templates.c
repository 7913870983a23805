#include "gxg_templates.h"

#include "gxg_emit.h"

/* Placeholder until the template compiler lands: emits an empty template set. */
bool gxg_compile_templates(const gxg_schema *schema, const char *templates_dir,
                           const char *out_dir)
{
    (void)templates_dir;
    FILE *h = gxg_open_output(out_dir, "gx_templates.h", "templates/");
    if (!h)
        return false;
    fputs("#ifndef GX_TEMPLATES_H\n#define GX_TEMPLATES_H\n#include \"gx_schema.h\"\n#endif\n", h);
    if (!gxg_close_output(h, "gx_templates.h"))
        return false;
    FILE *c = gxg_open_output(out_dir, "gx_templates.c", "templates/");
    if (!c)
        return false;
    fputs("#include \"gx_templates.h\"\ntypedef int gx_templates_empty;\n", c);
    (void)schema;
    return gxg_close_output(c, "gx_templates.c");
}
