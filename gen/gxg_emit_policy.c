/* gxg_emit_policy — writes gx_policy.h and gx_policy.c: the tables that
 * follow from the templates' front matter as a set (each row of
 * gx_template_table carries its own file's). See gxg_emit.h. */
#include "gxg_emit.h"

#include <stdlib.h>
#include <string.h>

#include "gxg_util.h"

static const gxg_templates *gxg_sort_set;

static int gxg_cmp_order(const void *a, const void *b)
{
    const gxg_tmpl *ta = &gxg_sort_set->items[*(const size_t *)a];
    const gxg_tmpl *tb = &gxg_sort_set->items[*(const size_t *)b];
    if (ta->front.order != tb->front.order)
        return ta->front.order < tb->front.order ? -1 : 1;
    return strcmp(ta->output, tb->output);
}

static int gxg_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool gxg_emit_policy(const gxg_templates *ts, const char *out_dir)
{
    /* the first path segment of every output, once each */
    char **tops = gx_xcalloc(ts->count + 1, sizeof *tops);
    size_t ntops = 0;
    for (size_t i = 0; i < ts->count; i++) {
        const char *out = ts->items[i].output;
        const char *slash = strchr(out, '/');
        char *top = gx_xstrndup(out, slash ? (size_t)(slash - out) : strlen(out));
        bool seen = false;
        for (size_t j = 0; j < ntops; j++)
            seen = seen || strcmp(tops[j], top) == 0;
        if (seen)
            free(top);
        else
            tops[ntops++] = top;
    }
    if (ntops > 1)
        qsort(tops, ntops, sizeof *tops, gxg_cmp_str);
    /* what is applied, in apply order */
    size_t *order = gx_xcalloc(ts->count + 1, sizeof *order);
    size_t norder = 0;
    for (size_t i = 0; i < ts->count; i++)
        if (ts->items[i].front.kind == GX_FILE_MANIFEST ||
            ts->items[i].front.kind == GX_FILE_HELM_VALUES)
            order[norder++] = i;
    gxg_sort_set = ts;
    if (norder > 1)
        qsort(order, norder, sizeof *order, gxg_cmp_order);

    bool ok = false;
    FILE *h = gxg_open_output(out_dir, "gx_policy.h", "templates/ (front matter)");
    if (h) {
        fprintf(h,
                "#ifndef GX_POLICY_H\n#define GX_POLICY_H\n\n#include <stddef.h>\n\n"
                "#include \"gx_templates.h\"\n\n"
                "#if GX_RENDER_VERSION != %d\n"
                "#error \"gx_policy.h was generated for render runtime version %d\"\n"
                "#endif\n\n",
                GXG_RENDER_VERSION, GXG_RENDER_VERSION);
        fprintf(h,
                "/* The top-level directories below which the templates write, sorted: the\n"
                " * first path segment of every output (an export writes nothing else, and\n"
                " * replaces each of them as a whole). */\n"
                "#define GX_OUTPUT_TOP_COUNT %zu\n"
                "extern const char *const gx_output_tops[];\n"
                "extern const size_t gx_output_top_count; /* == GX_OUTPUT_TOP_COUNT */\n\n",
                ntops);
        fprintf(h,
                "/* What is applied, in apply order: the indices into gx_template_table of\n"
                " * every manifest and Helm values file, by ascending order (distinct). */\n"
                "#define GX_APPLY_ORDER_COUNT %zu\n"
                "extern const size_t gx_apply_order[];\n"
                "extern const size_t gx_apply_order_count; /* == GX_APPLY_ORDER_COUNT */\n\n"
                "#endif\n",
                norder);
        ok = gxg_close_output(h, "gx_policy.h");
    }
    FILE *c = ok ? gxg_open_output(out_dir, "gx_policy.c", "templates/ (front matter)") : NULL;
    if (c) {
        fprintf(c,
                "#include \"gx_policy.h\"\n\n"
                "_Static_assert(GX_RENDER_VERSION == %d, \"render runtime version mismatch\");\n\n",
                GXG_RENDER_VERSION);
        fputs("const char *const gx_output_tops[] = {", c);
        for (size_t i = 0; i < ntops; i++) {
            gxg_c_string(c, tops[i]);
            fputs(", ", c);
        }
        fputs("NULL};\n", c);
        fprintf(c, "const size_t gx_output_top_count = %zu;\n\n", ntops);
        fputs("const size_t gx_apply_order[] = {", c);
        for (size_t i = 0; i < norder; i++)
            fprintf(c, "%s%zu", i ? ", " : "", order[i]);
        if (norder == 0)
            fputs("0", c);
        fputs("};\n", c);
        for (size_t i = 0; i < norder; i++) {
            const gxg_tmpl *t = &ts->items[order[i]];
            fprintf(c, "/*   %6d  %s */\n", t->front.order, t->output);
        }
        fprintf(c, "const size_t gx_apply_order_count = %zu;\n", norder);
        ok = gxg_close_output(c, "gx_policy.c");
    } else {
        ok = false;
    }
    for (size_t i = 0; i < ntops; i++)
        free(tops[i]);
    free(tops);
    free(order);
    return ok;
}
