/* gxg_emit — writes the C that the runtime builds on: gx_schema.h (struct
 * gx_config, the field/component/target/pattern enums, table declarations),
 * gx_schema.c (the tables, compiled-in defaults), and gx_patterns.re (value
 * patterns as re2c rules, compiled to C by re2c). Build-time only. */
#ifndef GXG_EMIT_H
#define GXG_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "gxg_schema.h"

/* Writes the three files into out_dir. Returns false (after printing why) on
 * an I/O error or a schema that cannot be expressed in C. */
bool gxg_emit_schema(const gxg_schema *schema, const char *out_dir);

/* Writes s as a C string literal (with quotes), escaping everything that is not
 * printable ASCII. */
void gxg_c_string(FILE *out, const char *s);

/* Opens out_dir/name for writing and writes the generated-file banner. */
FILE *gxg_open_output(const char *out_dir, const char *name, const char *source);

/* Closes a generated file; false (after printing why) on a write error. */
bool gxg_close_output(FILE *fp, const char *name);

#endif
