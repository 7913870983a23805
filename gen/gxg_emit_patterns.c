/* gxg_emit_patterns — writes gx_patterns.re: each value pattern of the
 * schema as an re2c rule, and gx_pattern_match. See gxg_emit.h. */
#include "gxg_emit.h"

#include <stdlib.h>

#include "gxg_util.h"

bool gxg_emit_patterns(const gxg_schema *s, const char *out_dir)
{
    FILE *r = gxg_open_output(out_dir, "gx_patterns.re", s->file);
    if (!r)
        return false;
    fputs("#include \"gx_schema.h\"\n\n", r);
    for (size_t i = 0; i < s->pattern_count; i++) {
        const gxg_pattern *p = &s->patterns[i];
        char *lower = gxg_ident(p->name, false);
        fprintf(r,
                "static bool gx_pattern_%s(const char *s)\n{\n"
                "    const unsigned char *YYCURSOR = (const unsigned char *)s;\n"
                "    const unsigned char *YYMARKER = YYCURSOR;\n"
                "    (void)YYMARKER;\n"
                "    /*!re2c\n"
                "        re2c:yyfill:enable = 0;\n"
                "        re2c:define:YYCTYPE = \"unsigned char\";\n"
                "        (%s) \"\\x00\" { return true; }\n"
                "        * { return false; }\n"
                "    */\n}\n\n",
                lower, p->regex);
        free(lower);
    }
    fputs("bool gx_pattern_match(int pattern, const char *s)\n{\n    switch (pattern) {\n", r);
    for (size_t i = 0; i < s->pattern_count; i++) {
        char *lower = gxg_ident(s->patterns[i].name, false);
        fprintf(r, "    case GX_PATTERN_%s:\n        return gx_pattern_%s(s);\n",
                s->patterns[i].upper, lower);
        free(lower);
    }
    fputs("    default:\n        return true;\n    }\n}\n", r);
    return gxg_close_output(r, "gx_patterns.re");
}

