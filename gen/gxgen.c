/* gxgen — the build-time generator: schema (+ templates) -> C.
 * Usage: gxgen SCHEMA.yaml TEMPLATES_DIR OUT_DIR */
#include <stdio.h>

#include "gxg_emit.h"
#include "gxg_schema.h"
#include "gxg_templates.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: gxgen SCHEMA.yaml TEMPLATES_DIR OUT_DIR\n");
        return 2;
    }
    gxg_schema schema;
    if (!gxg_schema_read(&schema, argv[1]))
        return 1;
    if (!gxg_emit_schema(&schema, argv[3]))
        return 1;
    if (!gxg_compile_templates(&schema, argv[2], argv[3]))
        return 1;
    return 0;
}
