/* gxg_emit_templates — writes gx_templates.h and gx_templates.c from checked
 * templates: one static render function per template (its tree as C calls
 * into gx_render), and gx_template_table with each file's front matter. See
 * gxg_emit.h. Only called when every template checked without errors. */
#include "gxg_emit.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gxg_util.h"

/* ---- expressions as C ------------------------------------------------------------- */

static char *gxg_c_expr(const gxg_expr *e);

/* The C text of a value with a text form (an operand of '~', a text comparison). */
static char *gxg_c_text(const gxg_expr *e)
{
    char *c = gxg_c_expr(e);
    char *t;
    switch (e->ty) {
    case GXG_TY_INT: t = gx_xasprintf("gx_render_itoa(r, %s)", c); break;
    case GXG_TY_BOOL: t = gx_xasprintf("((%s) ? \"true\" : \"false\")", c); break;
    case GXG_TY_ENUM: t = gx_xasprintf("gx_render_choice(&gx_fields[GX_F_%s], %s)", e->field->upper, c); break;
    default: return c; /* a string */
    }
    free(c);
    return t;
}

/* The C truth value of a condition. */
static char *gxg_c_truth(const gxg_expr *e)
{
    char *c = gxg_c_expr(e);
    char *t;
    switch (e->ty) {
    case GXG_TY_INT: t = gx_xasprintf("((%s) != 0)", c); break;
    case GXG_TY_STRING: t = gx_xasprintf("gx_render_str_truthy(%s)", c); break;
    case GXG_TY_MAP:
    case GXG_TY_LIST: t = gx_xasprintf("((%s).count > 0)", c); break;
    case GXG_TY_YAML: t = gx_xasprintf("gx_render_node_truthy(%s)", c); break;
    default: return c; /* a bool */
    }
    free(c);
    return t;
}

/* C member expression of a path: "gateway/ports/admin" -> "gateway.ports.admin". */
static char *gxg_member_of(const char *path)
{
    char *m = gxg_ident(path, false);
    for (size_t i = 0; path[i]; i++)
        if (path[i] == '/')
            m[i] = '.';
    return m;
}

/* Appends parts[0..n) joined by sep to a new string. */
static char *gxg_join(char **parts, size_t n, const char *sep)
{
    char *out = gx_xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *next = gx_xasprintf("%s%s%s", out, i ? sep : "", parts[i]);
        free(out);
        out = next;
        free(parts[i]);
    }
    return out;
}

static char *gxg_c_expr(const gxg_expr *e)
{
    switch (e->kind) {
    case GXG_X_STRING: return gxg_c_string_text(e->text);
    case GXG_X_INT: return gx_xasprintf("INT64_C(%lld)", (long long)e->value);
    case GXG_X_NAME:
        if (e->var_c)
            return gx_xasprintf("%s", e->var_c);
        if (e->derived)
            return gx_xasprintf("dv->%s", e->derived->ident);
        else {
            char *m = gxg_member_of(e->field->path);
            char *c = gx_xasprintf("cfg->%s", m);
            free(m);
            return c;
        }
    case GXG_X_COMPONENT: {
        char *up = gxg_ident(e->text, true);
        char *c = gx_xasprintf("cfg->enabled[GX_C_%s]", up);
        free(up);
        return c;
    }
    case GXG_X_PAREN: {
        char *in = gxg_c_expr(e->kids[0]);
        char *c = gx_xasprintf("(%s)", in);
        free(in);
        return c;
    }
    case GXG_X_CAT: {
        char **parts = gx_xcalloc(e->nkids, sizeof *parts);
        for (size_t i = 0; i < e->nkids; i++)
            parts[i] = gxg_c_text(e->kids[i]);
        char *joined = gxg_join(parts, e->nkids, ", ");
        char *c = gx_xasprintf("gx_render_concat(r, %zu, (const char *const[]){%s})", e->nkids, joined);
        free(joined);
        free(parts);
        return c;
    }
    case GXG_X_EQ:
    case GXG_X_NE: {
        const char *op = e->kind == GXG_X_EQ ? "==" : "!=";
        const gxg_expr *a = e->kids[0], *b = e->kids[1];
        char *ca, *cb, *c;
        switch (e->cmp) {
        case GXG_CMP_ENUM_CHOICE: {
            const gxg_expr *en = e->kids[e->enum_side];
            char *ce = gxg_c_expr(en);
            char *up = gxg_ident(en->field->choices[e->choice], true);
            c = gx_xasprintf("(%s %s GX_%s_%s)", ce, op, en->field->upper, up);
            free(up);
            free(ce);
            return c;
        }
        case GXG_CMP_ENUM_ENUM:
            ca = gxg_c_expr(a);
            cb = gxg_c_expr(b);
            c = gx_xasprintf("(%s %s %s)", ca, op, cb);
            break;
        case GXG_CMP_TEXT:
            ca = gxg_c_text(a);
            cb = gxg_c_text(b);
            c = gx_xasprintf("(%sgx_render_streq(%s, %s))", e->kind == GXG_X_EQ ? "" : "!", ca, cb);
            break;
        default:
            ca = gxg_c_expr(a);
            cb = gxg_c_expr(b);
            c = gx_xasprintf("((%s) %s (%s))", ca, op, cb);
            break;
        }
        free(ca);
        free(cb);
        return c;
    }
    case GXG_X_NOT: {
        char *t = gxg_c_truth(e->kids[0]);
        char *c = gx_xasprintf("!%s", t);
        free(t);
        return c;
    }
    case GXG_X_AND:
    case GXG_X_OR: {
        char **parts = gx_xcalloc(e->nkids, sizeof *parts);
        for (size_t i = 0; i < e->nkids; i++)
            parts[i] = gxg_c_truth(e->kids[i]);
        char *joined = gxg_join(parts, e->nkids, e->kind == GXG_X_AND ? " && " : " || ");
        char *c = gx_xasprintf("(%s)", joined);
        free(joined);
        free(parts);
        return c;
    }
    }
    return gx_xstrdup("0");
}

/* ---- statements ----------------------------------------------------------------------- */

typedef struct gxg_emitter {
    FILE *out;    /* the function body */
    int depth;    /* C indentation level */
    int loops;    /* loops emitted so far (unique C names) */
    char *text;   /* static text not yet emitted */
    size_t tlen;
    FILE *tmem;
} gxg_emitter;

static void gxg_line(gxg_emitter *em, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gxg_line(gxg_emitter *em, const char *fmt, ...)
{
    fprintf(em->out, "%*s", 4 * em->depth, "");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(em->out, fmt, ap);
    va_end(ap);
    fputc('\n', em->out);
}

/* Emits the static text collected so far: one gx_render_text call, the
 * literal split after each newline. */
static void gxg_flush_text(gxg_emitter *em)
{
    fflush(em->tmem);
    const char *s = em->text;
    size_t len = em->tlen;
    if (len > 0) {
        fprintf(em->out, "%*sgx_render_text(r,", 4 * em->depth, "");
        size_t start = 0;
        while (start < len) {
            const char *nl = memchr(s + start, '\n', len - start);
            size_t stop = nl ? (size_t)(nl - s) + 1 : len;
            char *piece = gx_xstrndup(s + start, stop - start);
            fprintf(em->out, "\n%*s", 4 * em->depth + 4, "");
            if (memchr(piece, '\0', stop - start) == NULL)
                gxg_c_string(em->out, piece);
            free(piece);
            start = stop;
        }
        fprintf(em->out, ",\n%*s%zu);\n", 4 * em->depth + 4, "", len);
    }
    fclose(em->tmem);
    free(em->text);
    em->text = NULL;
    em->tlen = 0;
    em->tmem = open_memstream(&em->text, &em->tlen);
}

static void gxg_emit_block(gxg_emitter *em, const gxg_block *b);

static void gxg_emit_value(gxg_emitter *em, const gxg_expr *e)
{
    char *c = gxg_c_expr(e);
    switch (e->ty) {
    case GXG_TY_INT: gxg_line(em, "gx_render_int(r, %s);", c); break;
    case GXG_TY_BOOL: gxg_line(em, "gx_render_bool(r, %s);", c); break;
    case GXG_TY_ENUM:
        gxg_line(em, "gx_render_str(r, gx_render_choice(&gx_fields[GX_F_%s], %s));",
                 e->field->upper, c);
        break;
    default: gxg_line(em, "gx_render_str(r, %s);", c); break;
    }
    free(c);
}

static void gxg_emit_structured(gxg_emitter *em, const gxg_node *n)
{
    char *c = gxg_c_expr(n->expr);
    const char *ak = n->after_key ? "true" : "false";
    if (n->kind == GXG_N_BLOCK)
        gxg_line(em, "gx_render_block(r, %s, %d);", c, n->indent);
    else if (n->expr->ty == GXG_TY_MAP)
        gxg_line(em, "gx_render_yaml_map(r, &%s, %d, %s);", c, n->indent, ak);
    else if (n->expr->ty == GXG_TY_LIST)
        gxg_line(em, "gx_render_yaml_list(r, &%s, %d, %s);", c, n->indent, ak);
    else
        gxg_line(em, "gx_render_yaml_node(r, %s, %d, %s);", c, n->indent, ak);
    free(c);
}

static void gxg_emit_for(gxg_emitter *em, const gxg_node *n)
{
    int k = ++em->loops;
    char *c = gxg_c_expr(n->expr);
    gxg_line(em, "{");
    em->depth++;
    if (n->expr->ty == GXG_TY_LIST) {
        gxg_line(em, "const gx_list *gxl_%d = &%s;", k, c);
        gxg_line(em, "for (size_t gxi_%d = 0; gxi_%d < gxl_%d->count; gxi_%d++) {", k, k, k, k);
        em->depth++;
        gxg_line(em, "const char *%s = gx_render_nn(gxl_%d->items[gxi_%d]);", n->var_c[0], k, k);
        gxg_line(em, "(void)%s;", n->var_c[0]);
    } else {
        gxg_line(em, "const gx_map *gxm_%d = &%s;", k, c);
        gxg_line(em, "for (size_t gxi_%d = 0; gxi_%d < gxm_%d->count; gxi_%d++) {", k, k, k, k);
        em->depth++;
        gxg_line(em, "const char *%s = gx_render_nn(gxm_%d->keys[gxi_%d]);", n->var_c[0], k, k);
        gxg_line(em, "const char *%s = gx_render_nn(gxm_%d->values[gxi_%d]);", n->var_c[1], k,
                 k);
        gxg_line(em, "(void)%s;", n->var_c[0]);
        gxg_line(em, "(void)%s;", n->var_c[1]);
    }
    free(c);
    gxg_emit_block(em, &n->body);
    gxg_flush_text(em);
    em->depth--;
    gxg_line(em, "}");
    em->depth--;
    gxg_line(em, "}");
}

static void gxg_emit_if(gxg_emitter *em, const gxg_node *n)
{
    for (const gxg_node *br = n; br; br = br->next_branch) {
        gxg_flush_text(em);
        char *c = br->expr ? gxg_c_truth(br->expr) : NULL;
        if (br == n) {
            gxg_line(em, "if (%s) {", c);
        } else {
            em->depth--;
            if (c)
                gxg_line(em, "} else if (%s) {", c);
            else
                gxg_line(em, "} else {");
        }
        em->depth++;
        free(c);
        gxg_emit_block(em, &br->body);
    }
    gxg_flush_text(em);
    em->depth--;
    gxg_line(em, "}");
}

static void gxg_emit_block(gxg_emitter *em, const gxg_block *b)
{
    for (size_t i = 0; i < b->count; i++) {
        const gxg_node *n = b->items[i];
        switch (n->kind) {
        case GXG_N_TEXT:
            if (!n->dropped && n->keep > 0) {
                size_t keep = n->keep;
                if (n->head + keep > n->seg.len)
                    keep = n->seg.len - n->head;
                fwrite(n->seg.text + n->head, 1, keep, em->tmem);
            }
            break;
        case GXG_N_VALUE:
            gxg_flush_text(em);
            gxg_emit_value(em, n->expr);
            break;
        case GXG_N_YAML:
        case GXG_N_BLOCK:
            gxg_flush_text(em);
            gxg_emit_structured(em, n);
            break;
        case GXG_N_IF:
            gxg_emit_if(em, n);
            break;
        case GXG_N_FOR:
            gxg_flush_text(em);
            gxg_emit_for(em, n);
            break;
        default:
            break; /* comments */
        }
    }
}

/* The body of a template's render function. */
static char *gxg_emit_body(const gxg_tmpl *t)
{
    char *body = NULL;
    size_t blen = 0;
    gxg_emitter em;
    memset(&em, 0, sizeof em);
    em.out = open_memstream(&body, &blen);
    em.depth = 1;
    em.tmem = open_memstream(&em.text, &em.tlen);
    if (!em.out || !em.tmem)
        gx_xalloc_fail();
    gxg_emit_block(&em, &t->root);
    gxg_flush_text(&em);
    fclose(em.tmem);
    free(em.text);
    fclose(em.out);
    return body;
}

/* ---- the files ---------------------------------------------------------------------------- */

/* A unique C function name for each template's output. */
static char **gxg_func_names(const gxg_templates *ts)
{
    char **funcs = gx_xcalloc(ts->count + 1, sizeof *funcs);
    for (size_t i = 0; i < ts->count; i++) {
        char *base = gx_xasprintf("gx_tmpl_%s", ts->items[i].output);
        for (char *p = base + 8; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
                *p = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : '_';
        for (size_t j = 0; j < i; j++)
            if (strcmp(funcs[j], base) == 0) {
                char *alt = gx_xasprintf("%s_%zu", base, i);
                free(base);
                base = alt;
                break;
            }
        funcs[i] = base;
    }
    return funcs;
}

static const char *const gxg_kind_enum[] = {
    [GX_FILE_MANIFEST] = "GX_FILE_MANIFEST",
    [GX_FILE_HELM_VALUES] = "GX_FILE_HELM_VALUES",
    [GX_FILE_SCRIPT] = "GX_FILE_SCRIPT",
    [GX_FILE_KUSTOMIZATION] = "GX_FILE_KUSTOMIZATION",
};

static const char *const gxg_secrecy_enum[] = {
    [GX_SECRECY_NEVER] = "GX_SECRECY_NEVER",
    [GX_SECRECY_ALWAYS] = "GX_SECRECY_ALWAYS",
    [GX_SECRECY_WITH_CREDENTIALS] = "GX_SECRECY_WITH_CREDENTIALS",
};

static bool gxg_emit_templates_h(const gxg_templates *ts, const char *out_dir)
{
    FILE *h = gxg_open_output(out_dir, "gx_templates.h", "templates/");
    if (!h)
        return false;
    fprintf(h,
            "#ifndef GX_TEMPLATES_H\n#define GX_TEMPLATES_H\n\n"
            "#include <stdbool.h>\n#include <stddef.h>\n\n"
            "#include \"gx_render.h\"\n#include \"gx_schema.h\"\n\n"
            "#if GX_RENDER_VERSION != %d\n"
            "#error \"gx_templates.h was generated for render runtime version %d\"\n"
            "#endif\n\n",
            GXG_RENDER_VERSION, GXG_RENDER_VERSION);
    fputs("/* The compiled-in templates, one row per template, sorted bytewise by\n"
          " * output path, each with what its front matter declares the file to be\n"
          " * (export --stdout streams in apply order: gx_apply_order). */\n",
          h);
    fprintf(h, "#define GX_TEMPLATE_COUNT %zu\n", ts->count);
    fputs("extern const gx_template gx_template_table[];\n"
          "extern const size_t gx_template_count; /* == GX_TEMPLATE_COUNT */\n\n",
          h);
    for (size_t i = 0; i < ts->count; i++)
        fprintf(h, "/*   %-40s from templates/%s */\n", ts->items[i].output, ts->items[i].rel);
    fputs("\n/* The derived values the exporter sets and reads: derived/no-secrets (set\n"
          " * for export --no-secrets, after gx_derive) and derived/config-is-secret\n"
          " * (the application config holds credentials: a file whose front matter\n"
          " * says secrets: with-credentials holds secrets). When the schema lacks\n"
          " * derived/no-secrets, setting does nothing and returns false (the\n"
          " * templates cannot leave secrets out); when it lacks\n"
          " * derived/config-is-secret, reading gives false. */\n"
          "bool gx_templates_set_no_secrets(struct gx_derived *derived, bool on);\n"
          "bool gx_templates_config_is_secret(const struct gx_derived *derived);\n\n"
          "#endif\n",
          h);
    return gxg_close_output(h, "gx_templates.h");
}

static bool gxg_emit_templates_c(const gxg_templates *ts, const char *out_dir)
{
    FILE *c = gxg_open_output(out_dir, "gx_templates.c", "templates/");
    if (!c)
        return false;
    fprintf(c,
            "#include \"gx_templates.h\"\n\n#include <stddef.h>\n#include <stdint.h>\n\n"
            "_Static_assert(GX_RUNTIME_VERSION == %d, \"runtime version mismatch\");\n"
            "_Static_assert(GX_RENDER_VERSION == %d, \"render runtime version mismatch\");\n",
            GXG_RUNTIME_VERSION, GXG_RENDER_VERSION);
    char **funcs = gxg_func_names(ts);
    for (size_t i = 0; i < ts->count; i++) {
        const gxg_tmpl *t = &ts->items[i];
        char *body = gxg_emit_body(t);
        fprintf(c, "\n/* templates/%s -> %s (%s) */\n", t->rel, t->output,
                t->yaml ? "YAML" : "shell");
        fprintf(c,
                "static void %s(gx_render *r)\n{\n"
                "    const struct gx_config *cfg = r->cfg;\n"
                "    const struct gx_derived *dv = r->derived;\n"
                "    (void)cfg;\n    (void)dv;\n%s}\n",
                funcs[i], body ? body : "");
        free(body);
    }
    if (ts->count == 0) {
        fputs("\nconst gx_template gx_template_table[1] = {{.output = NULL}};\n", c);
    } else {
        fputs("\nconst gx_template gx_template_table[] = {\n", c);
        for (size_t i = 0; i < ts->count; i++) {
            const gxg_tmpl *t = &ts->items[i];
            const gxg_front *f = &t->front;
            fputs("    {.output = ", c);
            gxg_c_string(c, t->output);
            fprintf(c, ", .context = %s, .render = %s,\n", t->yaml ? "GX_CTX_YAML" : "GX_CTX_SHELL",
                    funcs[i]);
            fprintf(c,
                    "     .kind = %s, .mode = 0%o, .secrecy = %s, .stream = %s, .order = %d,\n"
                    "     .omit_without_secrets = %s, .sealable = %s, .size_hint = %zu},\n",
                    gxg_kind_enum[f->kind], f->mode, gxg_secrecy_enum[f->secrecy],
                    f->stream ? "true" : "false", f->order,
                    f->omit_without_secrets ? "true" : "false", f->sealable ? "true" : "false",
                    t->len);
        }
        fputs("};\n", c);
    }
    for (size_t i = 0; i < ts->count; i++)
        free(funcs[i]);
    free(funcs);
    fprintf(c, "const size_t gx_template_count = %zu;\n", ts->count);
    fputs("\nbool gx_templates_set_no_secrets(struct gx_derived *derived, bool on)\n{\n", c);
    if (ts->no_secrets)
        fprintf(c, "    derived->%s = on;\n    return true;\n}\n", ts->no_secrets->ident);
    else
        fputs("    (void)derived;\n    (void)on;\n    return false;\n}\n", c);
    fputs("\nbool gx_templates_config_is_secret(const struct gx_derived *derived)\n{\n", c);
    if (ts->config_secret)
        fprintf(c, "    return derived->%s;\n}\n", ts->config_secret->ident);
    else
        fputs("    (void)derived;\n    return false;\n}\n", c);
    return gxg_close_output(c, "gx_templates.c");
}

bool gxg_emit_templates(const gxg_templates *ts, const char *out_dir)
{
    return gxg_emit_templates_h(ts, out_dir) && gxg_emit_templates_c(ts, out_dir);
}
