/* gxg_emit_assets — reads the files below web/ and writes gx_assets.h and
 * gx_assets.c: each file as a byte array, a table sorted by path with its
 * content type, and gx_asset_find. See gxg_emit.h. */
#include "gxg_emit.h"

#include <stdlib.h>
#include <string.h>

#include "gxg_util.h"

/* Content types by extension (the last '.' of the file name). */
static const struct {
    const char *ext;
    const char *type;
} gxg_types[] = {
    {"css", "text/css; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/vnd.microsoft.icon"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"png", "image/png"},
    {"svg", "image/svg+xml"},
    {"txt", "text/plain; charset=utf-8"},
    {"webmanifest", "application/manifest+json"},
    {"woff2", "font/woff2"},
};

static const char *gxg_content_type(const char *path)
{
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        return NULL;
    for (size_t i = 0; i < sizeof gxg_types / sizeof gxg_types[0]; i++)
        if (strcmp(dot + 1, gxg_types[i].ext) == 0)
            return gxg_types[i].type;
    return NULL;
}

/* '/'-separated segments of [A-Za-z0-9._-], none empty. */
static bool gxg_plain_path(const char *p)
{
    size_t seg = 0;
    for (; *p; p++) {
        char c = *p;
        if (c == '/') {
            if (seg == 0)
                return false;
            seg = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-') {
            seg++;
        } else {
            return false;
        }
    }
    return seg > 0;
}

bool gxg_assets_read(const char *web_dir, gxg_assets *out)
{
    memset(out, 0, sizeof *out);
    if (!web_dir)
        return true;
    gxg_names names = {NULL, 0, 0};
    bool ok = gxg_list_tree(web_dir, "", NULL, &names);
    out->items = gx_xcalloc(names.count + 1, sizeof *out->items);
    for (size_t i = 0; i < names.count; i++) {
        char *path = names.items[i];
        char *file = gx_xasprintf("%s/%s", web_dir, path);
        const char *type = gxg_content_type(path);
        if (!gxg_plain_path(path)) {
            fprintf(stderr,
                    "%s: error: a web asset's path is made of [A-Za-z0-9._-] segments only\n",
                    file);
            ok = false;
        } else if (!type) {
            fprintf(stderr,
                    "%s: error: no content type for this extension (known: css html ico js "
                    "json map mjs png svg txt webmanifest woff2)\n",
                    file);
            ok = false;
        } else {
            gxg_asset *a = &out->items[out->count];
            if (gxg_read_file(file, &a->data, &a->len)) {
                a->path = path;
                a->content_type = type;
                out->count++;
                path = NULL;
            } else {
                ok = false;
            }
        }
        free(path);
        free(file);
    }
    free(names.items);
    return ok;
}

static bool gxg_emit_assets_h(const gxg_assets *as, const char *out_dir)
{
    FILE *h = gxg_open_output(out_dir, "gx_assets.h", "web/");
    if (!h)
        return false;
    fprintf(h,
            "#ifndef GX_ASSETS_H\n#define GX_ASSETS_H\n\n#include <stddef.h>\n\n"
            "#include \"gx_types.h\"\n\n"
            "#if GX_RUNTIME_VERSION != %d\n"
            "#error \"gx_assets.h was generated for runtime version %d\"\n"
            "#endif\n\n",
            GXG_RUNTIME_VERSION, GXG_RUNTIME_VERSION);
    fprintf(h,
            "/* The files below web/, compiled in: path, content type, bytes. Sorted\n"
            " * bytewise by path. */\n"
            "#define GX_ASSET_COUNT %zu\n"
            "extern const gx_asset gx_assets[];\n"
            "extern const size_t gx_asset_count; /* == GX_ASSET_COUNT */\n\n",
            as->count);
    for (size_t i = 0; i < as->count; i++)
        fprintf(h, "/*   %-40s %8zu bytes  %s */\n", as->items[i].path, as->items[i].len,
                as->items[i].content_type);
    fputs("\n/* The asset at path (below web/, no leading '/'; not NULL), or NULL. */\n"
          "const gx_asset *gx_asset_find(const char *path);\n\n#endif\n",
          h);
    return gxg_close_output(h, "gx_assets.h");
}

static bool gxg_emit_assets_c(const gxg_assets *as, const char *out_dir)
{
    FILE *c = gxg_open_output(out_dir, "gx_assets.c", "web/");
    if (!c)
        return false;
    fprintf(c,
            "#include \"gx_assets.h\"\n\n#include <string.h>\n\n"
            "_Static_assert(GX_RUNTIME_VERSION == %d, \"runtime version mismatch\");\n",
            GXG_RUNTIME_VERSION);
    for (size_t i = 0; i < as->count; i++) {
        const gxg_asset *a = &as->items[i];
        fprintf(c, "\n/* web/%s */\nstatic const unsigned char gx_asset_%zu[%zu] = {", a->path, i,
                a->len + 1);
        for (size_t k = 0; k <= a->len; k++) {
            unsigned char b = k < a->len ? (unsigned char)a->data[k] : 0;
            fprintf(c, "%s0x%02x", k % 12 == 0 ? "\n    " : " ", b);
            if (k < a->len)
                fputc(',', c);
        }
        fputs("};\n", c);
    }
    if (as->count == 0) {
        fputs("\nconst gx_asset gx_assets[1] = {{.path = NULL}};\n", c);
    } else {
        fputs("\nconst gx_asset gx_assets[] = {\n", c);
        for (size_t i = 0; i < as->count; i++) {
            fputs("    {.path = ", c);
            gxg_c_string(c, as->items[i].path);
            fputs(", .content_type = ", c);
            gxg_c_string(c, as->items[i].content_type);
            fprintf(c, ", .data = gx_asset_%zu, .len = %zu},\n", i, as->items[i].len);
        }
        fputs("};\n", c);
    }
    fprintf(c, "const size_t gx_asset_count = %zu;\n", as->count);
    fputs("\nconst gx_asset *gx_asset_find(const char *path)\n{\n"
          "    size_t lo = 0, hi = GX_ASSET_COUNT;\n"
          "    while (lo < hi) {\n"
          "        size_t mid = lo + (hi - lo) / 2;\n"
          "        int cmp = strcmp(path, gx_assets[mid].path);\n"
          "        if (cmp == 0)\n"
          "            return &gx_assets[mid];\n"
          "        if (cmp < 0)\n"
          "            hi = mid;\n"
          "        else\n"
          "            lo = mid + 1;\n"
          "    }\n"
          "    return NULL;\n}\n",
          c);
    return gxg_close_output(c, "gx_assets.c");
}

bool gxg_emit_assets(const gxg_assets *as, const char *out_dir)
{
    return gxg_emit_assets_h(as, out_dir) && gxg_emit_assets_c(as, out_dir);
}
