/* gxg_tmpl_lex — the template compiler's lexer (part of gxgen, build-time only):
 * splits a template into text and tag segments, and a tag's inside into
 * expression tokens. Depends on libc only.
 *
 * Positions are 1-based; columns count characters (UTF-8 code points), not
 * bytes. Errors are reported through the caller's gxg_tmpl_errorf callback and
 * never printed here. Memory: segments and tokens point into the source text,
 * which must outlive them; the segment array is malloc'd and owned by the
 * caller (free()). */
#ifndef GXG_TMPL_LEX_H
#define GXG_TMPL_LEX_H

#include <stdbool.h>
#include <stddef.h>

/* Reports one error at line:col of the template being lexed. */
typedef void (*gxg_tmpl_errorf)(void *ctx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

typedef enum gxg_seg_kind {
    GXG_SEG_TEXT,   /* literal text: at most one '\n', and only as the last byte */
    GXG_SEG_TAG,    /* {{ ... }} */
    GXG_SEG_COMMENT /* {{# ... }} */
} gxg_seg_kind;

typedef struct gxg_seg {
    gxg_seg_kind kind;
    const char *text; /* TEXT: the bytes; TAG: the inside between "{{" and "}}" */
    size_t len;
    int line, col;          /* where the segment starts ("{{" for tags) */
    int end_line;           /* line of the segment's last character ("}}" for tags) */
    int inner_line, inner_col; /* TAG: position of text[0] */
} gxg_seg;

/* True when the segment is text that ends a line. */
static inline bool gxg_ends_line(const gxg_seg *s)
{
    return s->kind == GXG_SEG_TEXT && s->len > 0 && s->text[s->len - 1] == '\n';
}

/* Splits src (len bytes) into segments. Text is split after every '\n'. A tag
 * runs from "{{" to the first "}}" outside a string literal ("..." with
 * backslash escapes); a comment from "{{#" to the first "}}". Tags may span
 * lines. Errors: an unterminated tag or string, a NUL byte. Returns false
 * after reporting when there was any error; *segs and *count are set either way. */
bool gxg_tmpl_split(const char *src, size_t len, gxg_seg **segs, size_t *count,
                    gxg_tmpl_errorf err, void *ctx);

typedef enum gxg_tok_kind {
    GXG_TOK_END,    /* end of the tag */
    GXG_TOK_WORD,   /* [A-Za-z0-9_-]+ with '/' between parts: keyword, name, path, int */
    GXG_TOK_STRING, /* "..." — text/len are the raw inside, escapes not yet applied */
    GXG_TOK_TILDE,  /* ~ */
    GXG_TOK_EQ,     /* == */
    GXG_TOK_NE,     /* != */
    GXG_TOK_LPAREN,
    GXG_TOK_RPAREN,
    GXG_TOK_COMMA,
    GXG_TOK_ERROR   /* an unexpected character (reported already) */
} gxg_tok_kind;

typedef struct gxg_tok {
    gxg_tok_kind kind;
    const char *text;
    size_t len;
    int line, col;
} gxg_tok;

/* A cursor over the inside of one tag. */
typedef struct gxg_toks {
    const char *p, *end;
    int line, col;
    gxg_tmpl_errorf err;
    void *ctx;
} gxg_toks;

void gxg_toks_init(gxg_toks *t, const gxg_seg *tag, gxg_tmpl_errorf err, void *ctx);

/* The next token (reports and returns GXG_TOK_ERROR for a bad character). */
gxg_tok gxg_toks_next(gxg_toks *t);

/* Decodes a string token's escapes (\" \\ \n \t) into a malloc'd string.
 * Reports an unknown escape and returns NULL. */
char *gxg_tok_string(const gxg_tok *tok, gxg_tmpl_errorf err, void *ctx);

/* True when the token is the word w. */
bool gxg_tok_is(const gxg_tok *tok, const char *w);

#endif
