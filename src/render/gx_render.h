/* gx_render — the runtime that compiled templates (gx_templates.c, written by
 * gen/gxg_templates.c) call: the render context and the helpers that escape
 * every value for where it lands (a YAML scalar through gx_yamlout, a shell
 * word through gx_shell), join strings, and print structured values and
 * literal blocks. Depends on gx_arena, gx_buf, gx_node, gx_types, gx_yamlout,
 * gx_shell.
 *
 * Memory: text the helpers build (gx_render_concat, gx_render_itoa) lives in
 * r->arena and lasts as long as that arena; output goes to r->out, which the
 * caller owns (gx_buf_free). Nothing here fails: the helpers only append.
 *
 * A template never sees NULL where a string is expected: every helper takes
 * NULL as "". */
#ifndef GX_RENDER_H
#define GX_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_types.h"

/* Generated code checks this (an #error when the generator and the runtime
 * disagree). */
#define GX_RENDER_VERSION 3

struct gx_config;  /* gx_schema.h (generated) */
struct gx_derived; /* gx_schema.h (generated) */
struct gx_node;    /* gx_node.h */

/* Where a template's output lands, from its file name: *.yaml.tmpl or *.sh.tmpl. */
typedef enum gx_tmpl_context {
    GX_CTX_YAML, /* values are YAML scalars (gx_yaml_scalar) */
    GX_CTX_SHELL /* values are single-quoted shell words (gx_shell_word) */
} gx_tmpl_context;

/* One render: the inputs, the output buffer and the context of the template
 * being rendered. */
typedef struct gx_render {
    const struct gx_config *cfg;
    const struct gx_derived *derived;
    gx_buf out;              /* the rendered text is appended here */
    gx_arena *arena;         /* for joined strings and number texts */
    gx_tmpl_context context; /* set by gx_render_template */
} gx_render;

/* One compiled template (a row of gx_template_table in gx_templates.h): how
 * to render it, and what the file is, as its front matter declares
 * (templates/README.md). */
typedef struct gx_template {
    const char *output;      /* path below the workspace: "generated/gateway.yaml" */
    gx_tmpl_context context;
    void (*render)(gx_render *r);
    gx_file_kind kind;       /* manifest, Helm values, script or kustomization */
    unsigned mode;           /* file mode while it holds no secrets (0644, 0755) */
    gx_file_secrecy secrecy; /* whether it holds secrets (then only the owner bits of
                              * mode apply: gx_export_mode) */
    bool stream;             /* part of the export --stdout stream */
    int order;               /* apply order, ascending (the Namespace first); unique
                              * among manifests and Helm values; 0 for the others */
    bool omit_without_secrets; /* not written at all by export --no-secrets */
    bool sealable;           /* holds no secret when secrets are sealed (derived/sealed):
                              * its secrets are then SealedSecrets */
    size_t size_hint;        /* bytes to reserve for its output before it renders (the
                              * template's own size); 0: none */
} gx_template;

/* Renders template t: sets r->context and appends its output to r->out (the
 * buffer is not reset first). */
void gx_render_template(gx_render *r, const gx_template *t);

/* True when the len bytes at s are only spaces, tabs, CR and LF (or len is 0):
 * such an output is not written. */
bool gx_render_blank(const char *s, size_t len);

/* ---- helpers called by generated code ---------------------------------------- */

/* Appends static template text as is. */
void gx_render_text(gx_render *r, const char *s, size_t len);

/* Appends a string value escaped for the context: YAML — a scalar that reads
 * back as exactly s (gx_yaml_scalar; plain when safe, else double-quoted);
 * shell — one single-quoted word (gx_shell_word). */
void gx_render_str(gx_render *r, const char *s);

/* Appends an int: YAML — plain decimal (an int to YAML readers); shell — the
 * decimal text as one single-quoted word. */
void gx_render_int(gx_render *r, int64_t v);

/* Appends a bool: YAML — plain true/false; shell — 'true'/'false'. */
void gx_render_bool(gx_render *r, bool v);

/* v in decimal, in r->arena. */
const char *gx_render_itoa(gx_render *r, int64_t v);

/* parts[0..n) joined into one string in r->arena (NULL parts are ""). */
const char *gx_render_concat(gx_render *r, size_t n, const char *const *parts);

/* s, or "" for NULL. */
const char *gx_render_nn(const char *s);

/* Byte equality of two strings, NULL being "". */
bool gx_render_streq(const char *a, const char *b);

/* The text of choice v of enum field f ("" when v is out of range). */
const char *gx_render_choice(const gx_field *f, int v);

/* Truth of a string: non-NULL and non-empty. */
bool gx_render_str_truthy(const char *s);

/* Truth of a yaml value: not NULL, not a null scalar, not an empty collection. */
bool gx_render_node_truthy(const struct gx_node *n);

/* {{ yaml X }}: a structured value re-emitted as block YAML by gx_yaml_node /
 * gx_yaml_map / gx_yaml_list, with their indent/after_key contract: after_key
 * when the buffer ends with "key:" (indent = the key's column), else the
 * buffer stands at column indent. The output ends with a newline. */
void gx_render_yaml_node(gx_render *r, const struct gx_node *n, int indent, bool after_key);
void gx_render_yaml_map(gx_render *r, const gx_map *m, int indent, bool after_key);
void gx_render_yaml_list(gx_render *r, const gx_list *l, int indent, bool after_key);

/* {{ block X }} after "key:" whose key starts at column indent. When
 * gx_render_block_ok(s) the string is written as a literal block — " |-" (no
 * final newline) or " |" (exactly one final newline), a newline, then every
 * line at column indent + 2 (empty lines as bare newlines) — else as " "
 * followed by a double-quoted scalar (gx_yaml_scalar) and a newline. Either
 * way a YAML reader gives back exactly s. */
void gx_render_block(gx_render *r, const char *s, int indent);

/* True when s can be written as a literal block and read back exactly: not
 * empty; first character neither space, tab nor newline; at most one trailing
 * newline and not "\n" alone; no line with trailing spaces or tabs; only
 * printable characters besides newline and tab (no other control bytes, DEL,
 * C1 controls, U+2028/U+2029, U+FEFF, U+FFFE/U+FFFF); valid UTF-8. */
bool gx_render_block_ok(const char *s, size_t len);

#endif
