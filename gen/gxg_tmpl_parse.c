/* gxg_tmpl_parse — the template parser: segments -> front matter, nodes and
 * a tree. See gxg_tmpl.h (the phases) and templates/README.md (the language).
 *
 * In order:
 *   1. the front matter (the '---' lines that open the template) is read and
 *      taken off the segments;
 *   2. {{ include "_NAME" }} lines are replaced by the partial's lines;
 *   3. every segment becomes a node; a tag is classified by its first word
 *      (if/elif/else/end/for/yaml/block, else a value) and its expression is
 *      parsed into an expression tree (syntax errors only: names and types are
 *      the check's);
 *   4. lines that hold only control tags and white space are marked dropped;
 *   5. if/elif/else/end and for/end are matched (opener/closer links, errors
 *      for unbalanced ones) and nested into the tree. After a structural
 *      error the tree is still built as far as it goes, so that the check can
 *      report what else is wrong. */
#include "gxg_tmpl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gxg_util.h"
#include "gx_text.h"

/* ---- errors ------------------------------------------------------------------------ */

static void gxg_tmpl_verror(gxg_tmpl *t, int line, int col, const char *fmt, va_list ap)
{
    t->errors++;
    if (t->errors > GXG_MAX_ERRORS_PER_TEMPLATE)
        return;
    if (line > 0)
        fprintf(stderr, "%s:%d:%d: error: ", t->file, line, col);
    else
        fprintf(stderr, "%s: error: ", t->file);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    if (t->errors == GXG_MAX_ERRORS_PER_TEMPLATE)
        fprintf(stderr, "%s: note: too many errors; stopping here\n", t->file);
}

void gxg_tmpl_error(gxg_tmpl *t, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gxg_tmpl_verror(t, line, col, fmt, ap);
    va_end(ap);
}

void gxg_tmpl_error_cb(void *ctx, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gxg_tmpl_verror(ctx, line, col, fmt, ap);
    va_end(ap);
}

/* A lexer callback that reports nothing (for peeking at a tag). */
static void gxg_quiet(void *ctx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void gxg_quiet(void *ctx, int line, int col, const char *fmt, ...)
{
    (void)ctx;
    (void)line;
    (void)col;
    (void)fmt;
}


/* ---- 1. front matter --------------------------------------------------------------- */

const char *const gxg_front_keys[GXG_FM_COUNT] = {
    [GXG_FM_KIND] = "kind",       [GXG_FM_MODE] = "mode",
    [GXG_FM_SECRETS] = "secrets", [GXG_FM_STREAM] = "stream",
    [GXG_FM_ORDER] = "order",     [GXG_FM_OMIT_WITHOUT_SECRETS] = "omit-without-secrets",
    [GXG_FM_SEALABLE] = "sealable",
};

static bool gxg_is_delimiter(const gxg_seg *s)
{
    return s->kind == GXG_SEG_TEXT && s->col == 1 &&
           ((s->len == 4 && memcmp(s->text, "---\n", 4) == 0) ||
            (s->len == 3 && memcmp(s->text, "---", 3) == 0));
}

/* The end (exclusive) of the line that starts at segment i. */
static size_t gxg_line_end(const gxg_tmpl *t, size_t i)
{
    while (i < t->nseg && !gxg_ends_line(&t->segs[i]))
        i++;
    return i < t->nseg ? i + 1 : i;
}

static bool gxg_word_is(const char *s, size_t len, const char *w)
{
    return strlen(w) == len && memcmp(s, w, len) == 0;
}

static bool gxg_front_bool(gxg_tmpl *t, const char *v, size_t len, int line, int col,
                           const char *key, bool *out)
{
    if (gxg_word_is(v, len, "true"))
        *out = true;
    else if (gxg_word_is(v, len, "false"))
        *out = false;
    else {
        gxg_tmpl_error(t, line, col, "%s: expected true or false, not '%.*s'", key, (int)len, v);
        return false;
    }
    return true;
}

/* One "key: value" line of the front matter. */
static void gxg_front_line(gxg_tmpl *t, const gxg_seg *s)
{
    gxg_front *f = &t->front;
    size_t len = s->len;
    if (len > 0 && s->text[len - 1] == '\n')
        len--;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s->text[i] < 0x20 || (unsigned char)s->text[i] >= 0x7f) {
            gxg_tmpl_error(t, s->line, (int)i + 1,
                           "only printable ASCII and spaces in the front matter");
            return;
        }
    const char *colon = memchr(s->text, ':', len);
    size_t klen = colon ? (size_t)(colon - s->text) : 0;
    if (!colon || klen == 0 || (size_t)(colon - s->text) + 1 >= len || colon[1] != ' ') {
        gxg_tmpl_error(t, s->line, 1,
                       "expected 'key: value' in the front matter (keys: kind, mode, secrets, "
                       "stream, order, omit-without-secrets, sealable), or '---' to close it");
        return;
    }
    int key = -1;
    for (int k = 0; k < GXG_FM_COUNT; k++)
        if (gxg_word_is(s->text, klen, gxg_front_keys[k]))
            key = k;
    if (key < 0) {
        gxg_tmpl_error(t, s->line, 1,
                       "unknown key '%.*s' in the front matter (keys: kind, mode, secrets, "
                       "stream, order, omit-without-secrets, sealable)",
                       (int)klen, s->text);
        return;
    }
    const char *v = colon + 1;
    while (v < s->text + len && *v == ' ')
        v++;
    size_t vlen = (size_t)(s->text + len - v);
    while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
        vlen--;
    int col = (int)(v - s->text) + 1; /* ASCII: bytes are columns */
    if (f->at[key].set) {
        gxg_tmpl_error(t, s->line, 1, "'%s' is given twice in the front matter (first at line %d)",
                       gxg_front_keys[key], f->at[key].line);
        return;
    }
    bool ok = true;
    switch ((gxg_front_key)key) {
    case GXG_FM_KIND:
        if (gxg_word_is(v, vlen, "manifest"))
            f->kind = GX_FILE_MANIFEST;
        else if (gxg_word_is(v, vlen, "helm-values"))
            f->kind = GX_FILE_HELM_VALUES;
        else if (gxg_word_is(v, vlen, "script"))
            f->kind = GX_FILE_SCRIPT;
        else if (gxg_word_is(v, vlen, "kustomization"))
            f->kind = GX_FILE_KUSTOMIZATION;
        else {
            gxg_tmpl_error(t, s->line, col,
                           "unknown kind '%.*s' (manifest, helm-values, script or kustomization)",
                           (int)vlen, v);
            ok = false;
        }
        break;
    case GXG_FM_MODE: {
        bool octal = vlen == 4 && v[0] == '0';
        for (size_t i = 1; octal && i < 4; i++)
            octal = v[i] >= '0' && v[i] <= '7';
        if (!octal) {
            gxg_tmpl_error(t, s->line, col,
                           "mode '%.*s' is not an octal file mode of four digits, e.g. 0644",
                           (int)vlen, v);
            ok = false;
        } else {
            f->mode = (unsigned)strtoul(v, NULL, 8);
        }
        break;
    }
    case GXG_FM_SECRETS:
        if (gxg_word_is(v, vlen, "never"))
            f->secrecy = GX_SECRECY_NEVER;
        else if (gxg_word_is(v, vlen, "always"))
            f->secrecy = GX_SECRECY_ALWAYS;
        else if (gxg_word_is(v, vlen, "with-credentials"))
            f->secrecy = GX_SECRECY_WITH_CREDENTIALS;
        else {
            gxg_tmpl_error(t, s->line, col,
                           "secrets: '%.*s' is not one of never, always, with-credentials",
                           (int)vlen, v);
            ok = false;
        }
        break;
    case GXG_FM_STREAM:
        ok = gxg_front_bool(t, v, vlen, s->line, col, "stream", &f->stream);
        break;
    case GXG_FM_OMIT_WITHOUT_SECRETS:
        ok = gxg_front_bool(t, v, vlen, s->line, col, "omit-without-secrets",
                            &f->omit_without_secrets);
        break;
    case GXG_FM_SEALABLE:
        ok = gxg_front_bool(t, v, vlen, s->line, col, "sealable", &f->sealable);
        break;
    case GXG_FM_ORDER: {
        bool digits = vlen > 0 && vlen <= 6;
        for (size_t i = 0; digits && i < vlen; i++)
            digits = v[i] >= '0' && v[i] <= '9';
        if (!digits) {
            gxg_tmpl_error(t, s->line, col,
                           "order '%.*s' is not a whole number from 0 to 999999", (int)vlen, v);
            ok = false;
        } else {
            f->order = (int)strtol(v, NULL, 10);
        }
        break;
    }
    case GXG_FM_COUNT:
        break;
    }
    f->at[key].set = true;
    f->at[key].bad = !ok;
    f->at[key].line = s->line;
    f->at[key].col = col;
}

/* Reads the front matter: after lines of comments only, a "---" line, one
 * "key: value" line per key, a "---" line. Takes those segments (and the
 * comment lines before them) off the template. */
static void gxg_parse_front(gxg_tmpl *t)
{
    size_t i = 0;
    /* lines of comments only (at least one) come first */
    for (;;) {
        size_t end = gxg_line_end(t, i);
        if (end == i)
            break;
        bool comment = false, only = true;
        for (size_t j = i; j < end; j++) {
            const gxg_seg *s = &t->segs[j];
            if (s->kind == GXG_SEG_COMMENT)
                comment = true;
            else if (s->kind != GXG_SEG_TEXT || !gx_is_blank(s->text, s->len))
                only = false;
        }
        if (!comment || !only)
            break;
        i = end;
    }
    if (i >= t->nseg || !gxg_is_delimiter(&t->segs[i])) {
        int line = i < t->nseg ? t->segs[i].line : 1;
        gxg_tmpl_error(t, line, 1,
                       "the template must open with its front matter: a '---' line, 'key: "
                       "value' lines (kind, mode, secrets, stream, order, "
                       "omit-without-secrets, sealable) and a '---' line "
                       "(templates/README.md)");
        return;
    }
    t->front.line = t->segs[i].line;
    size_t j = i + 1;
    for (;;) {
        if (j >= t->nseg) {
            gxg_tmpl_error(t, t->front.line, 1,
                           "the front matter opened here has no closing '---' line");
            return;
        }
        size_t end = gxg_line_end(t, j);
        if (end == j + 1 && gxg_is_delimiter(&t->segs[j]))
            break;
        if (end != j + 1 || t->segs[j].kind != GXG_SEG_TEXT)
            gxg_tmpl_error(t, t->segs[j].line, t->segs[j].col,
                           "the front matter holds 'key: value' lines only, no tags");
        else
            gxg_front_line(t, &t->segs[j]);
        j = end;
    }
    t->front.present = true;
    j++; /* the closing "---" */
    memmove(t->segs, t->segs + j, (t->nseg - j) * sizeof *t->segs);
    t->nseg -= j;
}

/* ---- 2. includes ---------------------------------------------------------------------- */

/* Expands {{ include "NAME" }}: a tag alone on its line is replaced by the
 * lines of the partial NAME, a file beside the template whose name starts with
 * '_' and which holds plain text only (no tags), emitted as it is. */
static void gxg_expand_includes(gxg_tmpl *t)
{
    size_t cap = t->nseg + 1, n = 0;
    gxg_seg *out = gx_xmalloc(cap * sizeof *out);
    for (size_t i = 0; i < t->nseg; i++) {
        gxg_seg *s = &t->segs[i];
        gxg_tok first = {0}, name = {0}, end = {0};
        if (s->kind == GXG_SEG_TAG) {
            gxg_toks toks;
            gxg_toks_init(&toks, s, gxg_quiet, NULL);
            first = gxg_toks_next(&toks);
            if (gxg_tok_is(&first, "include")) {
                gxg_toks_init(&toks, s, gxg_tmpl_error_cb, t);
                first = gxg_toks_next(&toks);
                name = gxg_toks_next(&toks);
                end = gxg_toks_next(&toks);
            }
        }
        if (!gxg_tok_is(&first, "include")) {
            if (n == cap)
                out = gx_xrealloc(out, (cap *= 2) * sizeof *out);
            out[n++] = *s;
            continue;
        }
        bool alone = s->col == 1 && (i + 1 == t->nseg || (t->segs[i + 1].kind == GXG_SEG_TEXT &&
                                                           t->segs[i + 1].len == 1 &&
                                                           t->segs[i + 1].text[0] == '\n'));
        if (name.kind != GXG_TOK_STRING || end.kind != GXG_TOK_END) {
            gxg_tmpl_error(t, s->line, s->col,
                           "'include' takes one partial's name in quotes, e.g. include \"_NAME\"");
            continue;
        }
        char *partial = gxg_tok_string(&name, gxg_tmpl_error_cb, t);
        if (!partial)
            continue;
        if (!alone || partial[0] != '_' || strchr(partial, '/')) {
            gxg_tmpl_error(t, s->line, s->col,
                           "an include stands alone on its line and names a partial beside the "
                           "template ('_NAME'), not '%s'",
                           partial);
            free(partial);
            continue;
        }
        const char *slash = strrchr(t->file, '/');
        char *path = slash ? gx_xasprintf("%.*s/%s", (int)(slash - t->file), t->file, partial)
                           : gx_xasprintf("%s", partial);
        char *text;
        size_t len;
        if (!gxg_read_file(path, &text, &len)) {
            gxg_tmpl_error(t, s->line, s->col, "cannot include '%s'", partial);
        } else if (strstr(text, "{{") || memchr(text, '\0', len)) {
            gxg_tmpl_error(t, s->line, s->col,
                           "the partial '%s' must be plain text (no tags, no NUL bytes)", partial);
        } else {
            /* the partial's buffer is kept to the end: the segments point into it */
            for (size_t at = 0; at < len;) {
                const char *nl = memchr(text + at, '\n', len - at);
                size_t l = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
                if (n == cap)
                    out = gx_xrealloc(out, (cap *= 2) * sizeof *out);
                out[n++] = (gxg_seg){GXG_SEG_TEXT, text + at, l, s->line, 1, s->line, 0, 0};
                at += l;
            }
            if (i + 1 < t->nseg && len > 0 && text[len - 1] == '\n')
                i++; /* the include line's own newline: the partial brought its own */
        }
        free(path);
        free(partial);
    }
    free(t->segs);
    t->segs = out;
    t->nseg = n;
}

/* ---- 3. tags and expressions ------------------------------------------------------------ */

/* The parser's state within one tag. */
typedef struct gxg_parser {
    gxg_tmpl *t;
    gxg_toks toks;
    gxg_tok tok;
} gxg_parser;

static const char *const gxg_keywords[] = {"if",  "elif",  "else", "end", "for",       "in",
                                           "not", "and",   "or",   "yaml", "block",
                                           "component", "include", NULL};

static bool gxg_is_keyword(const gxg_tok *t)
{
    for (size_t i = 0; gxg_keywords[i]; i++)
        if (gxg_tok_is(t, gxg_keywords[i]))
            return true;
    return false;
}

static void gxg_next(gxg_parser *p) { p->tok = gxg_toks_next(&p->toks); }

static char *gxg_tok_text(const gxg_tok *t)
{
    switch (t->kind) {
    case GXG_TOK_END: return gx_xasprintf("the end of the tag");
    case GXG_TOK_STRING: return gx_xasprintf("\"%.*s\"", (int)t->len, t->text);
    default: return gx_xasprintf("'%.*s'", (int)t->len, t->text);
    }
}

static void gxg_unexpected(gxg_parser *p, const char *expected)
{
    if (p->tok.kind == GXG_TOK_ERROR)
        return; /* reported by the lexer */
    char *t = gxg_tok_text(&p->tok);
    gxg_tmpl_error(p->t, p->tok.line, p->tok.col, "expected %s, found %s", expected, t);
    free(t);
}

static gxg_expr *gxg_expr_new(gxg_expr_kind kind, int line, int col)
{
    gxg_expr *e = gx_xcalloc(1, sizeof *e);
    e->kind = kind;
    e->line = line;
    e->col = col;
    e->component = -1;
    return e;
}

static void gxg_expr_push(gxg_expr *e, gxg_expr *kid)
{
    e->kids = gx_xrealloc(e->kids, (e->nkids + 1) * sizeof *e->kids);
    e->kids[e->nkids++] = kid;
}

static gxg_expr *gxg_parse_or(gxg_parser *p);

/* primary := "(" or ")" | STRING | "component" NAME | INT | NAME. NULL after
 * a syntax error (reported). */
static gxg_expr *gxg_parse_primary(gxg_parser *p)
{
    gxg_tok t = p->tok;
    if (t.kind == GXG_TOK_LPAREN) {
        gxg_next(p);
        gxg_expr *inner = gxg_parse_or(p);
        if (p->tok.kind != GXG_TOK_RPAREN) {
            if (inner)
                gxg_unexpected(p, "')'");
            return NULL;
        }
        gxg_next(p);
        if (!inner)
            return NULL;
        gxg_expr *e = gxg_expr_new(GXG_X_PAREN, t.line, t.col);
        gxg_expr_push(e, inner);
        return e;
    }
    if (t.kind == GXG_TOK_STRING) {
        char *v = gxg_tok_string(&t, gxg_tmpl_error_cb, p->t);
        gxg_next(p);
        if (!v)
            return NULL;
        gxg_expr *e = gxg_expr_new(GXG_X_STRING, t.line, t.col);
        e->text = v;
        e->raw = gx_xasprintf("\"%.*s\"", (int)t.len, t.text);
        return e;
    }
    if (t.kind != GXG_TOK_WORD) {
        gxg_unexpected(p, "a value");
        if (t.kind != GXG_TOK_END)
            gxg_next(p);
        return NULL;
    }
    if (gxg_tok_is(&t, "component")) {
        gxg_next(p);
        gxg_tok n = p->tok;
        if (n.kind != GXG_TOK_WORD || gxg_is_keyword(&n)) {
            gxg_unexpected(p, "a component name after 'component'");
            return NULL;
        }
        gxg_next(p);
        gxg_expr *e = gxg_expr_new(GXG_X_COMPONENT, t.line, t.col);
        e->text = gx_xstrndup(n.text, n.len);
        e->name_line = n.line;
        e->name_col = n.col;
        return e;
    }
    if (gxg_is_keyword(&t)) {
        gxg_unexpected(p, "a value");
        gxg_next(p);
        return NULL;
    }
    char *word = gx_xstrndup(t.text, t.len);
    gxg_next(p);
    if (gx_is_digits(word, false)) {
        errno = 0;
        char *endp;
        long long v = strtoll(word, &endp, 10);
        if (errno == ERANGE) {
            gxg_tmpl_error(p->t, t.line, t.col, "integer '%s' is out of range", word);
            free(word);
            return NULL;
        }
        gxg_expr *e = gxg_expr_new(GXG_X_INT, t.line, t.col);
        e->text = word;
        e->value = v;
        return e;
    }
    gxg_expr *e = gxg_expr_new(GXG_X_NAME, t.line, t.col);
    e->text = word;
    return e;
}

/* cat := primary ("~" primary)* */
static gxg_expr *gxg_parse_cat(gxg_parser *p)
{
    gxg_expr *first = gxg_parse_primary(p);
    if (p->tok.kind != GXG_TOK_TILDE)
        return first;
    bool bad = first == NULL;
    gxg_expr *e = NULL;
    if (first) {
        e = gxg_expr_new(GXG_X_CAT, first->line, first->col);
        gxg_expr_push(e, first);
    }
    while (p->tok.kind == GXG_TOK_TILDE) {
        gxg_next(p);
        gxg_expr *next = gxg_parse_primary(p);
        if (!next)
            bad = true;
        else if (e)
            gxg_expr_push(e, next);
    }
    return bad ? NULL : e;
}

/* cmp := cat (("==" | "!=") cat)? */
static gxg_expr *gxg_parse_cmp(gxg_parser *p)
{
    gxg_expr *a = gxg_parse_cat(p);
    if (p->tok.kind != GXG_TOK_EQ && p->tok.kind != GXG_TOK_NE)
        return a;
    bool eq = p->tok.kind == GXG_TOK_EQ;
    gxg_next(p);
    gxg_expr *b = gxg_parse_cat(p);
    if (!a || !b)
        return NULL;
    gxg_expr *e = gxg_expr_new(eq ? GXG_X_EQ : GXG_X_NE, a->line, a->col);
    gxg_expr_push(e, a);
    gxg_expr_push(e, b);
    return e;
}

/* not := "not" not | cmp */
static gxg_expr *gxg_parse_not(gxg_parser *p)
{
    if (!gxg_tok_is(&p->tok, "not"))
        return gxg_parse_cmp(p);
    gxg_tok t = p->tok;
    gxg_next(p);
    gxg_expr *a = gxg_parse_not(p);
    if (!a)
        return NULL;
    gxg_expr *e = gxg_expr_new(GXG_X_NOT, t.line, t.col);
    gxg_expr_push(e, a);
    return e;
}

static gxg_expr *gxg_parse_logic(gxg_parser *p, const char *op, gxg_expr_kind kind,
                                 gxg_expr *(*sub)(gxg_parser *))
{
    gxg_expr *a = sub(p);
    if (!gxg_tok_is(&p->tok, op))
        return a;
    bool bad = a == NULL;
    gxg_expr *e = NULL;
    if (a) {
        e = gxg_expr_new(kind, a->line, a->col);
        gxg_expr_push(e, a);
    }
    while (gxg_tok_is(&p->tok, op)) {
        gxg_next(p);
        gxg_expr *b = sub(p);
        if (!b)
            bad = true;
        else if (e)
            gxg_expr_push(e, b);
    }
    return bad ? NULL : e;
}

/* and := not ("and" not)* ; or := and ("or" and)* */
static gxg_expr *gxg_parse_and(gxg_parser *p)
{
    return gxg_parse_logic(p, "and", GXG_X_AND, gxg_parse_not);
}

static gxg_expr *gxg_parse_or(gxg_parser *p)
{
    return gxg_parse_logic(p, "or", GXG_X_OR, gxg_parse_and);
}

/* A whole expression up to the end of the tag. */
static gxg_expr *gxg_parse_expr(gxg_parser *p)
{
    if (p->tok.kind == GXG_TOK_END) {
        gxg_unexpected(p, "an expression");
        return NULL;
    }
    gxg_expr *e = gxg_parse_or(p);
    if (p->tok.kind != GXG_TOK_END) {
        if (e)
            gxg_unexpected(p, "the end of the tag");
        return NULL;
    }
    return e;
}

static void gxg_expect_end(gxg_parser *p, const char *after)
{
    if (p->tok.kind == GXG_TOK_END)
        return;
    if (gxg_tok_is(&p->tok, "if") && strcmp(after, "else") == 0)
        gxg_tmpl_error(p->t, p->tok.line, p->tok.col, "'else if' is written 'elif'");
    else if (p->tok.kind != GXG_TOK_ERROR) {
        char *t = gxg_tok_text(&p->tok);
        gxg_tmpl_error(p->t, p->tok.line, p->tok.col, "unexpected %s after '%s'", t, after);
        free(t);
    }
}

static bool gxg_var_name_ok(const gxg_tok *t)
{
    if (t->kind != GXG_TOK_WORD || gxg_is_keyword(t) || t->len == 0)
        return false;
    if (t->text[0] < 'a' || t->text[0] > 'z')
        return false;
    for (size_t i = 0; i < t->len; i++) {
        char c = t->text[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

/* for NAME[, NAME] in EXPR */
static void gxg_parse_for(gxg_parser *p, gxg_node *n)
{
    if (!gxg_var_name_ok(&p->tok)) {
        gxg_unexpected(p, "a loop variable name ([a-z][a-z0-9-]*)");
        return;
    }
    n->vars[n->nvars++] = p->tok;
    gxg_next(p);
    if (p->tok.kind == GXG_TOK_COMMA) {
        gxg_next(p);
        if (!gxg_var_name_ok(&p->tok)) {
            gxg_unexpected(p, "a second loop variable name");
            return;
        }
        n->vars[n->nvars++] = p->tok;
        gxg_next(p);
    }
    if (!gxg_tok_is(&p->tok, "in")) {
        gxg_unexpected(p, "'in'");
        return;
    }
    gxg_next(p);
    n->expr = gxg_parse_expr(p);
}

/* Classifies a tag by its first word and parses the rest of it. */
static void gxg_parse_tag(gxg_tmpl *t, gxg_node *n)
{
    gxg_parser p = {t, {0}, {0}};
    gxg_toks_init(&p.toks, &n->seg, gxg_tmpl_error_cb, t);
    gxg_next(&p);
    gxg_tok first = p.tok;
    if (first.kind == GXG_TOK_END) {
        gxg_tmpl_error(t, n->seg.line, n->seg.col, "empty tag");
        n->kind = GXG_N_BAD;
        return;
    }
    if (first.kind == GXG_TOK_ERROR) {
        n->kind = GXG_N_BAD;
        return;
    }
    static const struct {
        const char *word;
        gxg_node_kind kind;
    } words[] = {{"if", GXG_N_IF},   {"elif", GXG_N_ELIF}, {"else", GXG_N_ELSE},
                 {"end", GXG_N_END}, {"for", GXG_N_FOR},   {"yaml", GXG_N_YAML},
                 {"block", GXG_N_BLOCK}};
    n->kind = GXG_N_VALUE;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (gxg_tok_is(&first, words[i].word))
            n->kind = words[i].kind;
    if (n->kind != GXG_N_VALUE)
        gxg_next(&p); /* the keyword */
    switch (n->kind) {
    case GXG_N_VALUE:
    case GXG_N_YAML:
    case GXG_N_BLOCK:
    case GXG_N_IF:
    case GXG_N_ELIF:
        n->expr = gxg_parse_expr(&p);
        break;
    case GXG_N_ELSE:
        gxg_expect_end(&p, "else");
        break;
    case GXG_N_END:
        gxg_expect_end(&p, "end");
        break;
    case GXG_N_FOR:
        gxg_parse_for(&p, n);
        break;
    default:
        break;
    }
}

static bool gxg_is_control(gxg_node_kind k)
{
    return k == GXG_N_COMMENT || k == GXG_N_IF || k == GXG_N_ELIF || k == GXG_N_ELSE ||
           k == GXG_N_END || k == GXG_N_FOR || k == GXG_N_BAD;
}

/* ---- 4. lines of control tags --------------------------------------------------------------- */

/* A line that holds only control tags (at least one) and white space leaves
 * nothing behind: its text, newline included, is dropped. */
static void gxg_strip_control_lines(gxg_tmpl *t)
{
    size_t start = 0;
    for (size_t i = 0; i < t->nnodes; i++) {
        bool last = i + 1 == t->nnodes;
        if (!gxg_ends_line(&t->nodes[i].seg) && !last)
            continue;
        bool any_tag = false, only_control = true;
        for (size_t j = start; j <= i; j++) {
            const gxg_node *n = &t->nodes[j];
            if (n->kind == GXG_N_TEXT) {
                if (!gx_is_blank(n->seg.text, n->seg.len))
                    only_control = false;
            } else {
                any_tag = true;
                if (!gxg_is_control(n->kind))
                    only_control = false;
            }
        }
        if (any_tag && only_control)
            for (size_t j = start; j <= i; j++)
                if (t->nodes[j].kind == GXG_N_TEXT)
                    t->nodes[j].dropped = true;
        start = i + 1;
    }
}

/* ---- 5. blocks ---------------------------------------------------------------------------------- */

static const char *gxg_kind_name(gxg_node_kind k)
{
    switch (k) {
    case GXG_N_IF: return "if";
    case GXG_N_ELIF: return "elif";
    case GXG_N_ELSE: return "else";
    case GXG_N_FOR: return "for";
    case GXG_N_END: return "end";
    default: return "tag";
    }
}

/* Links every elif/else/end to the if or for it belongs to, and every branch
 * to the group's end; reports what does not match. */
static void gxg_match_blocks(gxg_tmpl *t)
{
    long *stack = gx_xmalloc((t->nnodes + 1) * sizeof *stack);
    size_t depth = 0;
    for (size_t i = 0; i < t->nnodes; i++) {
        gxg_node *a = &t->nodes[i];
        const gxg_seg *s = &a->seg;
        switch (a->kind) {
        case GXG_N_IF:
        case GXG_N_FOR:
            stack[depth++] = (long)i;
            break;
        case GXG_N_ELIF:
        case GXG_N_ELSE: {
            const char *name = gxg_kind_name(a->kind);
            if (depth == 0) {
                gxg_tmpl_error(t, s->line, s->col, "'%s' without 'if'", name);
                break;
            }
            long top = stack[depth - 1];
            const gxg_seg *ts = &t->nodes[top].seg;
            if (t->nodes[top].kind == GXG_N_FOR) {
                gxg_tmpl_error(t, s->line, s->col,
                               "'%s' without 'if' (inside the 'for' opened at %d:%d)", name,
                               ts->line, ts->col);
                break;
            }
            /* the last branch so far: the opener of the group is found through it */
            long first = t->nodes[top].kind == GXG_N_IF ? top : t->nodes[top].opener;
            if (t->nodes[top].kind == GXG_N_ELSE) {
                gxg_tmpl_error(t, s->line, s->col, "'%s' after 'else' (the 'else' is at %d:%d)",
                               name, ts->line, ts->col);
                break;
            }
            a->opener = first;
            stack[depth - 1] = (long)i; /* branches chain: the group's top is the last one */
            break;
        }
        case GXG_N_END: {
            if (depth == 0) {
                gxg_tmpl_error(t, s->line, s->col, "'end' without 'if' or 'for'");
                break;
            }
            long top = stack[--depth];
            long first = t->nodes[top].kind == GXG_N_IF || t->nodes[top].kind == GXG_N_FOR
                             ? top
                             : t->nodes[top].opener;
            a->opener = first;
            /* every branch of the group learns its end */
            for (size_t j = (size_t)first; j < i; j++)
                if ((long)j == first || t->nodes[j].opener == first)
                    if (t->nodes[j].kind != GXG_N_END)
                        t->nodes[j].closer = (long)i;
            break;
        }
        default:
            break;
        }
    }
    while (depth > 0) {
        long top = stack[--depth];
        long first = t->nodes[top].kind == GXG_N_IF || t->nodes[top].kind == GXG_N_FOR
                         ? top
                         : t->nodes[top].opener;
        const gxg_seg *s = &t->nodes[first].seg;
        gxg_tmpl_error(t, s->line, s->col, "'%s' is never closed (missing {{ end }})",
                       gxg_kind_name(t->nodes[first].kind));
    }
    free(stack);
}

static void gxg_block_push(gxg_block *b, gxg_node *n)
{
    if (b->count == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->items = gx_xrealloc(b->items, b->cap * sizeof *b->items);
    }
    b->items[b->count++] = n;
}

/* Nests the nodes into the tree: an if holds its branches (chained through
 * next_branch), a for its body. An elif or else that does not follow an if
 * (reported by gxg_match_blocks) and an end without a block are left out;
 * blocks left open at the end are closed there. */
static void gxg_build_tree(gxg_tmpl *t)
{
    typedef struct {
        gxg_node *opener; /* IF or FOR */
        gxg_node *branch; /* the current branch (IF, ELIF, ELSE) or the FOR */
    } frame;
    frame *stack = gx_xmalloc((t->nnodes + 1) * sizeof *stack);
    size_t depth = 0;
    for (size_t i = 0; i < t->nnodes; i++) {
        gxg_node *n = &t->nodes[i];
        gxg_block *into = depth ? &stack[depth - 1].branch->body : &t->root;
        switch (n->kind) {
        case GXG_N_IF:
        case GXG_N_FOR:
            gxg_block_push(into, n);
            stack[depth].opener = n;
            stack[depth].branch = n;
            depth++;
            break;
        case GXG_N_ELIF:
        case GXG_N_ELSE:
            if (depth == 0 || stack[depth - 1].opener->kind != GXG_N_IF)
                break;
            stack[depth - 1].branch->next_branch = n;
            stack[depth - 1].branch = n;
            break;
        case GXG_N_END:
            if (depth > 0)
                depth--;
            break;
        default:
            gxg_block_push(into, n);
            break;
        }
    }
    free(stack);
}

/* ---- the parser ------------------------------------------------------------------------------------ */

static bool gxg_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

bool gxg_tmpl_parse(gxg_tmpl *t)
{
    if (gxg_has_suffix(t->rel, ".yaml.tmpl")) {
        t->yaml = true;
    } else if (gxg_has_suffix(t->rel, ".sh.tmpl")) {
        t->yaml = false;
    } else {
        gxg_tmpl_error(t, 0, 0,
                       "unknown template kind: a template's name ends in .yaml.tmpl (YAML "
                       "output) or .sh.tmpl (shell script)");
        return false;
    }
    t->output = gx_xstrndup(t->rel, strlen(t->rel) - 5);
    if (!gxg_read_file(t->file, &t->src, &t->len)) {
        t->errors++;
        return false;
    }
    gxg_tmpl_split(t->src, t->len, &t->segs, &t->nseg, gxg_tmpl_error_cb, t);
    if (t->errors)
        return false;
    gxg_parse_front(t);
    gxg_expand_includes(t);
    t->nnodes = t->nseg;
    t->nodes = gx_xcalloc(t->nnodes + 1, sizeof *t->nodes);
    for (size_t i = 0; i < t->nnodes; i++) {
        gxg_node *n = &t->nodes[i];
        n->seg = t->segs[i];
        n->opener = n->closer = -1;
        n->keep = n->seg.len;
        if (n->seg.kind == GXG_SEG_TEXT)
            n->kind = GXG_N_TEXT;
        else if (n->seg.kind == GXG_SEG_COMMENT)
            n->kind = GXG_N_COMMENT;
        else
            gxg_parse_tag(t, n);
    }
    gxg_strip_control_lines(t);
    gxg_match_blocks(t);
    gxg_build_tree(t);
    return true;
}
