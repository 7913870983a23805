/* gxg_tmpl_lex — template segmentation and tag tokens. See gxg_tmpl_lex.h. */
#include "gxg_tmpl_lex.h"

#include <stdlib.h>
#include <string.h>

typedef struct gxg_pos {
    const char *p;
    int line, col;
} gxg_pos;

/* Advances over one byte, keeping line and column (columns count code points:
 * UTF-8 continuation bytes do not move the column). */
static void gxg_adv(gxg_pos *pos)
{
    unsigned char c = (unsigned char)*pos->p++;
    if (c == '\n') {
        pos->line++;
        pos->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        pos->col++;
    }
}

typedef struct gxg_segs {
    gxg_seg *items;
    size_t count, cap;
} gxg_segs;

static gxg_seg *gxg_segs_push(gxg_segs *v)
{
    if (v->count == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->items = realloc(v->items, v->cap * sizeof *v->items);
        if (!v->items)
            abort();
    }
    gxg_seg *s = &v->items[v->count++];
    memset(s, 0, sizeof *s);
    return s;
}

/* Adds the text from a to b (exclusive), split after each '\n'. */
static void gxg_add_text(gxg_segs *v, gxg_pos a, const char *b)
{
    while (a.p < b) {
        gxg_seg *s = gxg_segs_push(v);
        s->kind = GXG_SEG_TEXT;
        s->text = a.p;
        s->line = s->end_line = a.line;
        s->col = a.col;
        const char *nl = memchr(a.p, '\n', (size_t)(b - a.p));
        const char *stop = nl ? nl + 1 : b;
        s->len = (size_t)(stop - a.p);
        while (a.p < stop)
            gxg_adv(&a);
    }
}

bool gxg_tmpl_split(const char *src, size_t len, gxg_seg **segs, size_t *count,
                    gxg_tmpl_errorf err, void *ctx)
{
    gxg_segs v = {NULL, 0, 0};
    bool ok = true;
    const char *end = src + len;
    gxg_pos pos = {src, 1, 1};
    gxg_pos text = pos;
    while (pos.p < end) {
        if (*pos.p == '\0') {
            err(ctx, pos.line, pos.col, "NUL byte in template");
            ok = false;
            gxg_adv(&pos);
            continue;
        }
        if (!(pos.p + 1 < end && pos.p[0] == '{' && pos.p[1] == '{')) {
            gxg_adv(&pos);
            continue;
        }
        gxg_add_text(&v, text, pos.p);
        gxg_pos open = pos;
        gxg_adv(&pos);
        gxg_adv(&pos);
        bool comment = pos.p < end && *pos.p == '#';
        gxg_pos inner = pos;
        bool closed = false, in_string = false;
        gxg_pos string_start = pos;
        while (pos.p < end) {
            if (in_string) {
                if (*pos.p == '\\' && pos.p + 1 < end && pos.p[1] != '\n') {
                    gxg_adv(&pos);
                } else if (*pos.p == '"') {
                    in_string = false;
                } else if (*pos.p == '\n') {
                    break; /* reported below */
                }
                gxg_adv(&pos);
                continue;
            }
            if (pos.p + 1 < end && pos.p[0] == '}' && pos.p[1] == '}') {
                closed = true;
                break;
            }
            if (!comment && *pos.p == '"') {
                in_string = true;
                string_start = pos;
            }
            gxg_adv(&pos);
        }
        if (in_string) {
            err(ctx, string_start.line, string_start.col,
                "unterminated string (a string ends on the line it starts)");
            ok = false;
            break;
        }
        if (!closed) {
            err(ctx, open.line, open.col, "unterminated tag: '{{' without '}}'");
            ok = false;
            break;
        }
        gxg_seg *s = gxg_segs_push(&v);
        s->kind = comment ? GXG_SEG_COMMENT : GXG_SEG_TAG;
        s->text = inner.p;
        s->len = (size_t)(pos.p - inner.p);
        s->line = open.line;
        s->col = open.col;
        s->inner_line = inner.line;
        s->inner_col = inner.col;
        s->end_line = pos.line;
        gxg_adv(&pos);
        gxg_adv(&pos);
        text = pos;
    }
    if (ok)
        gxg_add_text(&v, text, end);
    *segs = v.items;
    *count = v.count;
    return ok;
}

void gxg_toks_init(gxg_toks *t, const gxg_seg *tag, gxg_tmpl_errorf err, void *ctx)
{
    t->p = tag->text;
    t->end = tag->text + tag->len;
    t->line = tag->inner_line;
    t->col = tag->inner_col;
    t->err = err;
    t->ctx = ctx;
}

static void gxg_toks_adv(gxg_toks *t)
{
    gxg_pos pos = {t->p, t->line, t->col};
    gxg_adv(&pos);
    t->p = pos.p;
    t->line = pos.line;
    t->col = pos.col;
}

static bool gxg_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

gxg_tok gxg_toks_next(gxg_toks *t)
{
    while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\n' || *t->p == '\r'))
        gxg_toks_adv(t);
    gxg_tok tok = {GXG_TOK_END, t->p, 0, t->line, t->col};
    if (t->p >= t->end)
        return tok;
    char c = *t->p;
    if (gxg_word_char(c)) {
        tok.kind = GXG_TOK_WORD;
        while (t->p < t->end &&
               (gxg_word_char(*t->p) ||
                (*t->p == '/' && t->p + 1 < t->end && gxg_word_char(t->p[1]))))
            gxg_toks_adv(t);
    } else if (c == '"') {
        tok.kind = GXG_TOK_STRING;
        gxg_toks_adv(t);
        tok.text = t->p;
        while (t->p < t->end && *t->p != '"') {
            if (*t->p == '\\' && t->p + 1 < t->end)
                gxg_toks_adv(t);
            gxg_toks_adv(t);
        }
        tok.len = (size_t)(t->p - tok.text);
        if (t->p < t->end)
            gxg_toks_adv(t); /* closing quote (the splitter guarantees one) */
        return tok;
    } else if (c == '~' || c == '(' || c == ')' || c == ',') {
        tok.kind = c == '~'   ? GXG_TOK_TILDE
                   : c == '(' ? GXG_TOK_LPAREN
                   : c == ')' ? GXG_TOK_RPAREN
                              : GXG_TOK_COMMA;
        gxg_toks_adv(t);
    } else if ((c == '=' || c == '!') && t->p + 1 < t->end && t->p[1] == '=') {
        tok.kind = c == '=' ? GXG_TOK_EQ : GXG_TOK_NE;
        gxg_toks_adv(t);
        gxg_toks_adv(t);
    } else {
        tok.kind = GXG_TOK_ERROR;
        if (c == '=')
            t->err(t->ctx, t->line, t->col, "unexpected '=' (comparison is '==')");
        else if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
            t->err(t->ctx, t->line, t->col, "unexpected character '%c' in tag", c);
        else
            t->err(t->ctx, t->line, t->col, "unexpected byte 0x%02x in tag", (unsigned char)c);
        gxg_toks_adv(t);
    }
    tok.len = (size_t)(t->p - tok.text);
    return tok;
}

char *gxg_tok_string(const gxg_tok *tok, gxg_tmpl_errorf err, void *ctx)
{
    char *out = malloc(tok->len + 1);
    if (!out)
        abort();
    size_t n = 0;
    int col = tok->col + 1;
    for (size_t i = 0; i < tok->len; i++, col++) {
        char c = tok->text[i];
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        char e = i + 1 < tok->len ? tok->text[++i] : '\0';
        switch (e) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        default:
            err(ctx, tok->line, col, "unknown escape in string (known: \\\" \\\\ \\n \\t)");
            free(out);
            return NULL;
        }
        col++;
    }
    out[n] = '\0';
    return out;
}

bool gxg_tok_is(const gxg_tok *tok, const char *w)
{
    return tok->kind == GXG_TOK_WORD && strlen(w) == tok->len && memcmp(tok->text, w, tok->len) == 0;
}
