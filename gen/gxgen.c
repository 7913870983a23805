/* gxgen — the build-time generator: schema (+ templates) -> C.
 * Usage: gxgen SCHEMA.yaml TEMPLATES_DIR OUT_DIR */
#include <stdio.h>

#include "gxg_emit.h"
#include "gxg_schema.h"
#include "gxg_templates.h"

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

int main(int argc, char **argv)
{
#ifdef GXG_ASAN
    /* a short-lived build tool: it keeps everything it reads until it exits */
    __lsan_disable();
#endif
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
