/* gxg_emit — the emitters of gxgen, one per output, and what they share.
 * Build-time only.
 *
 *   gxg_emit_schema.c    gx_schema.h, gx_schema.c: struct gx_config, the field,
 *                        component and target tables, compiled-in defaults
 *   gxg_emit_patterns.c  gx_patterns.re: value patterns as re2c rules (re2c
 *                        compiles them to gx_patterns.c)
 *   gxg_emit_templates.c gx_templates.h, gx_templates.c: one C render function
 *                        per template and gx_template_table (with each file's
 *                        front matter)
 *   gxg_emit_policy.c    gx_policy.h, gx_policy.c: tables derived from the
 *                        templates' front matter (the top-level directories an
 *                        export replaces, the apply order)
 *   gxg_emit_assets.c    gx_assets.h, gx_assets.c: the files below web/ as byte
 *                        arrays, with a lookup by path
 *
 * Every generated file starts with a banner naming gxgen and its source (no
 * date, so the same sources give the same bytes) and checks the runtime
 * version it was written for. Each emitter prints why and returns false on an
 * I/O error. */
#ifndef GXG_EMIT_H
#define GXG_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gxg_schema.h"
#include "gxg_templates.h"

/* The runtime versions the generated code is written for: GX_RUNTIME_VERSION
 * (gx_types.h) and GX_RENDER_VERSION (gx_render.h). */
#define GXG_RUNTIME_VERSION 2
#define GXG_RENDER_VERSION 3

bool gxg_emit_schema(const gxg_schema *schema, const char *out_dir);
bool gxg_emit_patterns(const gxg_schema *schema, const char *out_dir);
bool gxg_emit_templates(const gxg_templates *templates, const char *out_dir);
bool gxg_emit_policy(const gxg_templates *templates, const char *out_dir);

/* The files below web_dir (NULL: none), read and checked before anything is
 * written: their content types come from the extension. */
typedef struct gxg_asset {
    char *path;               /* below web/: "css/app.css" */
    const char *content_type;
    char *data;
    size_t len;
} gxg_asset;

typedef struct gxg_assets {
    gxg_asset *items; /* sorted bytewise by path */
    size_t count;
} gxg_assets;

/* Reads every file below web_dir (hidden entries skipped). Prints
 * FILE: error: ... and returns false for an unknown extension, a path that is
 * not plain ([A-Za-z0-9._-] segments) or a read error. */
bool gxg_assets_read(const char *web_dir, gxg_assets *out);
bool gxg_emit_assets(const gxg_assets *assets, const char *out_dir);

/* The names of every file the emitters write (for removing them after an
 * error), NULL-terminated. */
extern const char *const gxg_outputs[];

/* ---- shared by the emitters ------------------------------------------------------- */

/* Writes s as a C string literal (with quotes), escaping everything that is not
 * printable ASCII. */
void gxg_c_string(FILE *out, const char *s);

/* s as a C string literal, malloc'd. */
char *gxg_c_string_text(const char *s);

/* Opens out_dir/name for writing and writes the generated-file banner. */
FILE *gxg_open_output(const char *out_dir, const char *name, const char *source);

/* Closes a generated file; false (after printing why) on a write error. */
bool gxg_close_output(FILE *fp, const char *name);

#endif
