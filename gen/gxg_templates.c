/* gxg_templates — the template compiler. See gxg_templates.h and
 * templates/README.md (the language contract).
 *
 * Per template, in order:
 *   1. split into text and tag segments (gxg_tmpl_lex);
 *   2. classify each tag by its first word (if/elif/else/end/for/yaml/block,
 *      else a value);
 *   3. strip lines that hold only control tags and white space;
 *   4. match if/elif/else/end and for/end;
 *   5. placement rules: yaml/block tags alone on their line or after "key:",
 *      and in YAML templates no value tag glued to other text;
 *   6. parse and type-check every expression against the schema while emitting
 *      the C render function.
 * Errors are printed as file:line:col: error: ...; any error fails the whole
 * compilation and removes the outputs (so the build reruns the generator). */
#include "gxg_templates.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gxg_emit.h"
#include "gxg_tmpl_lex.h"

/* ---- small utilities ------------------------------------------------------- */

static void *gxg_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("gxgen: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *gxg_xstrndup(const char *s, size_t n)
{
    char *d = gxg_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static char *gxg_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *gxg_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = gxg_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Edit distance (insert, delete, substitute: 1 each). */
static size_t gxg_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = gxg_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

/* The nearest of the candidates to query, or NULL when none is close. */
typedef struct gxg_near {
    const char *best;
    size_t dist;
    size_t limit;
} gxg_near;

static void gxg_near_init(gxg_near *n, const char *query)
{
    n->best = NULL;
    n->dist = SIZE_MAX;
    size_t len = strlen(query);
    n->limit = len * 2 / 5 > 3 ? len * 2 / 5 : 3;
}

static void gxg_near_try(gxg_near *n, const char *query, const char *candidate)
{
    size_t d = gxg_distance(query, candidate);
    /* a query that is a prefix of a candidate's last part ("replicas" for
     * "replica-count") counts as close too */
    size_t qlen = strlen(query);
    bool prefix = qlen >= 4 && strncmp(candidate, query, qlen - 1) == 0;
    if (d < n->dist && (d <= n->limit || prefix)) {
        n->best = candidate;
        n->dist = d;
    }
}

/* ---- types of expressions -------------------------------------------------- */

typedef enum gxg_ty {
    GXG_TY_STRING,
    GXG_TY_INT,
    GXG_TY_BOOL,
    GXG_TY_ENUM,
    GXG_TY_MAP,
    GXG_TY_LIST,
    GXG_TY_YAML,
    GXG_TY_ERROR /* already reported: no further messages */
} gxg_ty;

static gxg_ty gxg_ty_of(gx_type t)
{
    switch (t) {
    case GX_T_STRING:
    case GX_T_QUANTITY: return GXG_TY_STRING;
    case GX_T_INT: return GXG_TY_INT;
    case GX_T_BOOL: return GXG_TY_BOOL;
    case GX_T_ENUM: return GXG_TY_ENUM;
    case GX_T_MAP: return GXG_TY_MAP;
    case GX_T_LIST: return GXG_TY_LIST;
    case GX_T_YAML: return GXG_TY_YAML;
    }
    return GXG_TY_ERROR;
}

/* "a string", "an int": the type with its article, for messages. */
static const char *gxg_a_ty(gxg_ty t)
{
    static const char *const names[] = {"a string", "an int", "a bool", "an enum",
                                        "a map",    "a list", "a yaml value", "an error"};
    return names[t];
}

typedef struct gxg_ex {
    gxg_ty ty;
    char *c;                 /* the C expression (malloc'd) */
    const gxg_field *field;  /* enum: its field */
    char *lit;               /* a string literal's value, else NULL */
    char *what;              /* for messages: "'gateway/replica-count'", "this expression" */
    int line, col;
} gxg_ex;

/* An expression as the template wrote it, for hints: a path, a name, or
 * "..." for anything longer. Points into e->what or a static string. */
static const char *gxg_raw(const gxg_ex *e, char *buf, size_t size)
{
    const char *w = e->what ? e->what : "";
    size_t n = strlen(w);
    if (n >= 2 && w[0] == '\'' && w[n - 1] == '\'' && !strchr(w, ' ')) {
        snprintf(buf, size, "%.*s", (int)(n - 2), w + 1);
        return buf;
    }
    return "...";
}

static void gxg_ex_free(gxg_ex *e)
{
    free(e->c);
    free(e->lit);
    free(e->what);
    memset(e, 0, sizeof *e);
}

static gxg_ex gxg_ex_error(int line, int col)
{
    gxg_ex e = {GXG_TY_ERROR, NULL, NULL, NULL, NULL, line, col};
    return e;
}

/* ---- per-template state ------------------------------------------------------ */

typedef enum gxg_tag_kind {
    GXG_TK_TEXT,
    GXG_TK_COMMENT,
    GXG_TK_VALUE,
    GXG_TK_YAML,
    GXG_TK_BLOCK,
    GXG_TK_IF,
    GXG_TK_ELIF,
    GXG_TK_ELSE,
    GXG_TK_END,
    GXG_TK_FOR,
    GXG_TK_BAD /* a tag that could not be classified (reported) */
} gxg_tag_kind;

static bool gxg_tk_control(gxg_tag_kind k)
{
    return k == GXG_TK_COMMENT || k == GXG_TK_IF || k == GXG_TK_ELIF || k == GXG_TK_ELSE ||
           k == GXG_TK_END || k == GXG_TK_FOR || k == GXG_TK_BAD;
}

typedef struct gxg_ann {
    gxg_tag_kind kind;
    bool dropped;       /* text of a control-only line: emits nothing */
    size_t head;        /* text: bytes dropped at the start */
    size_t keep;        /* text: bytes kept from head on (set from len by default) */
    int opener;         /* elif/else/end: index of the if/for; -1 unknown */
    int closer;         /* if/elif/else/for: index of the group's end; -1 unknown */
    int indent;         /* yaml/block: the column */
    bool after_key;     /* yaml/block */
} gxg_ann;

typedef struct gxg_var {
    char *name;  /* loop variable as written */
    char *c;     /* its C name */
} gxg_var;

typedef struct gxg_tc {
    const gxg_schema *schema;
    const char *file; /* for messages */
    const char *src;
    size_t len;
    bool yaml;        /* YAML context, else shell */
    gxg_seg *segs;
    size_t nseg;
    gxg_ann *ann;
    int errors;
    FILE *out;        /* the function body */
    int depth;        /* C indentation level */
    gxg_var vars[32];
    size_t nvars;
    int loops;        /* loops emitted so far (unique C names) */
    /* current tag's token stream */
    gxg_toks toks;
    gxg_tok tok;
} gxg_tc;

#define GXG_MAX_ERRORS_PER_TEMPLATE 30

static void gxg_tc_error(void *ctx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void gxg_tc_error(void *ctx, int line, int col, const char *fmt, ...)
{
    gxg_tc *tc = ctx;
    tc->errors++;
    if (tc->errors > GXG_MAX_ERRORS_PER_TEMPLATE)
        return;
    fprintf(stderr, "%s:%d:%d: error: ", tc->file, line, col);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (tc->errors == GXG_MAX_ERRORS_PER_TEMPLATE)
        fprintf(stderr, "%s: note: too many errors; stopping here\n", tc->file);
}

/* ---- steps 2-4: classify, strip, match --------------------------------------- */

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

static void gxg_classify(gxg_tc *tc)
{
    for (size_t i = 0; i < tc->nseg; i++) {
        gxg_seg *s = &tc->segs[i];
        gxg_ann *a = &tc->ann[i];
        a->opener = a->closer = -1;
        a->keep = s->len;
        if (s->kind == GXG_SEG_TEXT) {
            a->kind = GXG_TK_TEXT;
            continue;
        }
        if (s->kind == GXG_SEG_COMMENT) {
            a->kind = GXG_TK_COMMENT;
            continue;
        }
        gxg_toks t;
        gxg_toks_init(&t, s, gxg_tc_error, tc);
        gxg_tok first = gxg_toks_next(&t);
        if (first.kind == GXG_TOK_END) {
            gxg_tc_error(tc, s->line, s->col, "empty tag");
            a->kind = GXG_TK_BAD;
        } else if (first.kind == GXG_TOK_ERROR) {
            a->kind = GXG_TK_BAD;
        } else if (gxg_tok_is(&first, "if")) {
            a->kind = GXG_TK_IF;
        } else if (gxg_tok_is(&first, "elif")) {
            a->kind = GXG_TK_ELIF;
        } else if (gxg_tok_is(&first, "else")) {
            a->kind = GXG_TK_ELSE;
        } else if (gxg_tok_is(&first, "end")) {
            a->kind = GXG_TK_END;
        } else if (gxg_tok_is(&first, "for")) {
            a->kind = GXG_TK_FOR;
        } else if (gxg_tok_is(&first, "yaml")) {
            a->kind = GXG_TK_YAML;
        } else if (gxg_tok_is(&first, "block")) {
            a->kind = GXG_TK_BLOCK;
        } else {
            a->kind = GXG_TK_VALUE;
        }
    }
}

static bool gxg_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

static bool gxg_ends_line(const gxg_seg *s)
{
    return s->kind == GXG_SEG_TEXT && s->len > 0 && s->text[s->len - 1] == '\n';
}

/* A line that holds only control tags (at least one) and white space leaves
 * nothing behind: its text, newline included, is dropped. */
static void gxg_strip_control_lines(gxg_tc *tc)
{
    size_t start = 0;
    for (size_t i = 0; i < tc->nseg; i++) {
        bool last = i + 1 == tc->nseg;
        if (!gxg_ends_line(&tc->segs[i]) && !last)
            continue;
        bool any_tag = false, only_control = true;
        for (size_t j = start; j <= i; j++) {
            const gxg_seg *s = &tc->segs[j];
            if (s->kind == GXG_SEG_TEXT) {
                if (!gxg_blank(s->text, s->len))
                    only_control = false;
            } else {
                any_tag = true;
                if (!gxg_tk_control(tc->ann[j].kind))
                    only_control = false;
            }
        }
        if (any_tag && only_control)
            for (size_t j = start; j <= i; j++)
                if (tc->segs[j].kind == GXG_SEG_TEXT)
                    tc->ann[j].dropped = true;
        start = i + 1;
    }
}

static const char *gxg_tk_name(gxg_tag_kind k)
{
    switch (k) {
    case GXG_TK_IF: return "if";
    case GXG_TK_ELIF: return "elif";
    case GXG_TK_ELSE: return "else";
    case GXG_TK_FOR: return "for";
    case GXG_TK_END: return "end";
    default: return "tag";
    }
}

static void gxg_match_blocks(gxg_tc *tc)
{
    int *stack = gxg_xmalloc((tc->nseg + 1) * sizeof *stack);
    size_t depth = 0;
    for (size_t i = 0; i < tc->nseg; i++) {
        gxg_ann *a = &tc->ann[i];
        const gxg_seg *s = &tc->segs[i];
        switch (a->kind) {
        case GXG_TK_IF:
        case GXG_TK_FOR:
            stack[depth++] = (int)i;
            break;
        case GXG_TK_ELIF:
        case GXG_TK_ELSE: {
            const char *name = gxg_tk_name(a->kind);
            if (depth == 0) {
                gxg_tc_error(tc, s->line, s->col, "'%s' without 'if'", name);
                break;
            }
            int top = stack[depth - 1];
            const gxg_seg *ts = &tc->segs[top];
            if (tc->ann[top].kind == GXG_TK_FOR) {
                gxg_tc_error(tc, s->line, s->col,
                             "'%s' without 'if' (inside the 'for' opened at %d:%d)", name,
                             ts->line, ts->col);
                break;
            }
            /* the last branch so far: the opener of the group is found through it */
            int first = tc->ann[top].kind == GXG_TK_IF ? top : tc->ann[top].opener;
            if (tc->ann[top].kind == GXG_TK_ELSE) {
                gxg_tc_error(tc, s->line, s->col, "'%s' after 'else' (the 'else' is at %d:%d)",
                             name, ts->line, ts->col);
                break;
            }
            a->opener = first;
            stack[depth - 1] = (int)i; /* branches chain: the group's top is the last one */
            break;
        }
        case GXG_TK_END: {
            if (depth == 0) {
                gxg_tc_error(tc, s->line, s->col, "'end' without 'if' or 'for'");
                break;
            }
            int top = stack[--depth];
            int first = tc->ann[top].kind == GXG_TK_IF || tc->ann[top].kind == GXG_TK_FOR
                            ? top
                            : tc->ann[top].opener;
            a->opener = first;
            /* every branch of the group learns its end */
            for (size_t j = (size_t)first; j < i; j++)
                if ((int)j == first || tc->ann[j].opener == first)
                    if (tc->ann[j].kind != GXG_TK_END)
                        tc->ann[j].closer = (int)i;
            break;
        }
        default:
            break;
        }
    }
    while (depth > 0) {
        int top = stack[--depth];
        int first = tc->ann[top].kind == GXG_TK_IF || tc->ann[top].kind == GXG_TK_FOR
                        ? top
                        : tc->ann[top].opener;
        const gxg_seg *s = &tc->segs[first];
        gxg_tc_error(tc, s->line, s->col, "'%s' is never closed (missing {{ end }})",
                     gxg_tk_name(tc->ann[first].kind));
    }
    free(stack);
}

/* ---- step 5: placement --------------------------------------------------------- */

/* The template line `line` (1-based) starts with '#' after spaces: a comment. */
static bool gxg_comment_line(const gxg_tc *tc, int line)
{
    const char *p = tc->src, *end = tc->src + tc->len;
    for (int l = 1; l < line && p < end; p++)
        if (*p == '\n')
            l++;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p < end && *p == '#';
}

static void gxg_glue_error(gxg_tc *tc, const gxg_seg *s, const char *what)
{
    gxg_tc_error(tc, s->line, s->col,
                 "value tag glued to %s: in a YAML template a tag fills a whole scalar; build "
                 "the value inside the tag (e.g. {{ core/release-name ~ \"-gateway\" }})",
                 what);
}

static char *gxg_quote_text(const char *s, size_t len)
{
    if (len > 20)
        return gxg_fmt("text '...%.*s'", 17, s + len - 17);
    return gxg_fmt("text '%.*s'", (int)len, s);
}

/* The glue walks go from a value tag over the segments beside it on its line,
 * following every way the if/for tags between could go. Results: */
enum { GXG_GLUE_OK, GXG_GLUE_BAD, GXG_GLUE_OPEN /* reached the limit undecided */ };

/* The branch tags of the group opened at o: o itself, its elifs and else, and
 * its end; count returned, -1 when the group is not matched. */
static long gxg_branches(const gxg_tc *tc, long o, long *out, long cap)
{
    long close = tc->ann[o].closer;
    if (close < 0)
        return -1;
    long n = 0;
    out[n++] = o;
    for (long m = o + 1; m < close && n + 1 < cap; m++)
        if ((tc->ann[m].kind == GXG_TK_ELIF || tc->ann[m].kind == GXG_TK_ELSE) &&
            tc->ann[m].opener == o)
            out[n++] = m;
    out[n++] = close;
    return n;
}

static bool gxg_has_else(const gxg_tc *tc, const long *br, long n)
{
    return n >= 2 && tc->ann[br[n - 2]].kind == GXG_TK_ELSE;
}

/* Backward from segment j down to (not including) floor. Before a value tag
 * may stand: line start, "key:" or "- " (then white space). */
static int gxg_glue_back(gxg_tc *tc, const gxg_seg *tag, long j, long floor)
{
    for (; j > floor; j--) {
        const gxg_seg *s = &tc->segs[j];
        const gxg_ann *a = &tc->ann[j];
        if (s->kind == GXG_SEG_TEXT) {
            if (a->dropped || gxg_ends_line(s))
                return GXG_GLUE_OK; /* line start */
            size_t n = s->len;
            while (n > 0 && (s->text[n - 1] == ' ' || s->text[n - 1] == '\t'))
                n--;
            if (n == 0) {
                if (s->col == 1)
                    return GXG_GLUE_OK;
                continue; /* only white space: look further back */
            }
            char last = s->text[n - 1];
            if (n < s->len && last == ':')
                return GXG_GLUE_OK;
            if (n < s->len && last == '-' && (n == 1 ? s->col == 1 : s->text[n - 2] == ' '))
                return GXG_GLUE_OK;
            char *q = gxg_quote_text(s->text, s->len);
            gxg_glue_error(tc, tag, q);
            free(q);
            return GXG_GLUE_BAD;
        }
        if (s->end_line != tag->line)
            return GXG_GLUE_OK;
        switch (a->kind) {
        case GXG_TK_VALUE:
        case GXG_TK_YAML:
        case GXG_TK_BLOCK:
            gxg_glue_error(tc, tag, "the value tag before it");
            return GXG_GLUE_BAD;
        case GXG_TK_ELIF:
        case GXG_TK_ELSE:
            /* inside a later branch: the earlier ones print nothing here */
            if (a->opener < 0)
                return GXG_GLUE_OK;
            j = a->opener;
            break;
        case GXG_TK_FOR:
            /* inside the loop body: the previous iteration's tail comes first */
            if (a->closer >= 0 && gxg_glue_back(tc, tag, a->closer - 1, j) == GXG_GLUE_BAD)
                return GXG_GLUE_BAD;
            break;
        case GXG_TK_END: {
            long br[64];
            long n = a->opener >= 0 ? gxg_branches(tc, a->opener, br, 64) : -1;
            if (n < 0)
                return GXG_GLUE_OK;
            bool open = tc->ann[a->opener].kind == GXG_TK_FOR || !gxg_has_else(tc, br, n);
            for (long k = 1; k < n; k++) {
                int r = gxg_glue_back(tc, tag, br[k] - 1, br[k - 1]);
                if (r == GXG_GLUE_BAD)
                    return r;
                if (r == GXG_GLUE_OPEN)
                    open = true;
            }
            if (!open)
                return GXG_GLUE_OK;
            j = a->opener; /* then what stands before the whole group */
            break;
        }
        default:
            break; /* if (we were in its first branch), comments */
        }
    }
    return floor < 0 ? GXG_GLUE_OK : GXG_GLUE_OPEN;
}

/* Forward from segment j up to (not including) ceil. After a value tag may
 * stand: end of line, ':' (the value is a key), or white space and a comment. */
static int gxg_glue_fwd(gxg_tc *tc, const gxg_seg *tag, long j, long ceil)
{
    long nseg = (long)tc->nseg;
    for (; j < nseg && (ceil < 0 || j < ceil); j++) {
        const gxg_seg *s = &tc->segs[j];
        const gxg_ann *a = &tc->ann[j];
        if (s->kind == GXG_SEG_TEXT) {
            if (a->dropped)
                return GXG_GLUE_OK;
            size_t k = 0;
            while (k < s->len && (s->text[k] == ' ' || s->text[k] == '\t'))
                k++;
            if (k == s->len)
                continue; /* only white space before a tag on the same line */
            if (s->text[k] == '\n' || s->text[k] == '\r')
                return GXG_GLUE_OK;
            if (k > 0 && s->text[k] == '#')
                return GXG_GLUE_OK;
            if (k == 0 && s->text[0] == ':' &&
                (s->len == 1 || s->text[1] == ' ' || s->text[1] == '\n'))
                return GXG_GLUE_OK;
            size_t n = s->len;
            while (n > 0 && (s->text[n - 1] == '\n' || s->text[n - 1] == '\r'))
                n--;
            char *q = gxg_quote_text(s->text, n);
            gxg_glue_error(tc, tag, q);
            free(q);
            return GXG_GLUE_BAD;
        }
        if (s->line != tag->end_line)
            return GXG_GLUE_OK;
        switch (a->kind) {
        case GXG_TK_VALUE:
        case GXG_TK_YAML:
        case GXG_TK_BLOCK:
            gxg_glue_error(tc, tag, "the value tag after it");
            return GXG_GLUE_BAD;
        case GXG_TK_ELIF:
        case GXG_TK_ELSE:
            /* the end of our branch: the group's end comes next */
            if (a->closer < 0)
                return GXG_GLUE_OK;
            j = a->closer;
            /* fall through to the end's handling */
            a = &tc->ann[j];
            if (a->opener >= 0 && tc->ann[a->opener].kind == GXG_TK_FOR &&
                gxg_glue_fwd(tc, tag, a->opener + 1, j) == GXG_GLUE_BAD)
                return GXG_GLUE_BAD;
            break;
        case GXG_TK_END:
            /* leaving a loop body: the next iteration may come first */
            if (a->opener >= 0 && tc->ann[a->opener].kind == GXG_TK_FOR &&
                gxg_glue_fwd(tc, tag, a->opener + 1, j) == GXG_GLUE_BAD)
                return GXG_GLUE_BAD;
            break;
        case GXG_TK_IF:
        case GXG_TK_FOR: {
            long br[64];
            long n = gxg_branches(tc, j, br, 64);
            if (n < 0)
                return GXG_GLUE_OK;
            bool open = a->kind == GXG_TK_FOR || !gxg_has_else(tc, br, n);
            for (long k = 0; k + 1 < n; k++) {
                int r = gxg_glue_fwd(tc, tag, br[k] + 1, br[k + 1]);
                if (r == GXG_GLUE_BAD)
                    return r;
                if (r == GXG_GLUE_OPEN)
                    open = true;
            }
            if (!open)
                return GXG_GLUE_OK;
            j = br[n - 1]; /* then what follows the whole group */
            break;
        }
        default:
            break; /* comments */
        }
    }
    return ceil < 0 ? GXG_GLUE_OK : GXG_GLUE_OPEN;
}

static void gxg_check_glue(gxg_tc *tc, size_t i)
{
    const gxg_seg *tag = &tc->segs[i];
    if (gxg_glue_back(tc, tag, (long)i - 1, -1) == GXG_GLUE_BAD)
        return;
    gxg_glue_fwd(tc, tag, (long)i + 1, -1);
}

/* Length of a run of spaces and "- " groups at the start of s (the column a
 * key or a yaml value starts at). */
static size_t gxg_lead(const char *s, size_t len)
{
    size_t i = 0;
    for (;;) {
        while (i < len && s[i] == ' ')
            i++;
        if (i + 1 < len && s[i] == '-' && s[i + 1] == ' ')
            i += 2;
        else if (i + 1 == len && s[i] == '-')
            return i; /* "-" at the very end: not a dash group */
        else
            return i;
    }
}

/* yaml and block tags: alone on their line (after indentation and dashes) or
 * after "key:", and nothing after them on the line. */
static void gxg_check_structured(gxg_tc *tc, size_t i)
{
    const gxg_seg *tag = &tc->segs[i];
    gxg_ann *a = &tc->ann[i];
    const char *name = a->kind == GXG_TK_YAML ? "yaml" : "block";
    if (!tc->yaml) {
        gxg_tc_error(tc, tag->line, tag->col,
                     "'%s' is for YAML templates; a shell template prints values as words",
                     name);
        return;
    }
    /* the text before the tag on its line */
    long p = (long)i - 1;
    gxg_ann *pa = NULL;
    const char *prefix = "";
    size_t plen = 0;
    if (p >= 0) {
        const gxg_seg *ps = &tc->segs[p];
        if (ps->kind == GXG_SEG_TEXT && !tc->ann[p].dropped && !gxg_ends_line(ps)) {
            if (ps->col != 1) {
                gxg_tc_error(tc, tag->line, tag->col,
                             "'%s' must stand alone on its line or follow 'key:'", name);
                return;
            }
            pa = &tc->ann[p];
            prefix = ps->text;
            plen = ps->len;
        } else if (ps->kind != GXG_SEG_TEXT && ps->end_line == tag->line) {
            gxg_tc_error(tc, tag->line, tag->col,
                         "'%s' must stand alone on its line or follow 'key:'", name);
            return;
        }
    }
    if (memchr(prefix, '\t', plen)) {
        gxg_tc_error(tc, tag->line, tag->col, "tab in the indentation before '%s'", name);
        return;
    }
    size_t lead = gxg_lead(prefix, plen);
    size_t trimmed = plen;
    while (trimmed > 0 && prefix[trimmed - 1] == ' ')
        trimmed--;
    if (lead == plen) {
        if (a->kind == GXG_TK_BLOCK) {
            gxg_tc_error(tc, tag->line, tag->col, "'block' must follow 'key:' on its line");
            return;
        }
        a->indent = (int)lead;
        a->after_key = false;
    } else if (trimmed > lead + 1 && prefix[trimmed - 1] == ':') {
        a->indent = (int)lead;
        a->after_key = true;
        if (pa)
            pa->keep = trimmed; /* the buffer must end with "key:" */
    } else {
        gxg_tc_error(tc, tag->line, tag->col,
                     "'%s' must stand alone on its line or follow 'key:'", name);
        return;
    }
    /* nothing after it on the line; its own output ends the line */
    if (i + 1 < tc->nseg) {
        const gxg_seg *ns = &tc->segs[i + 1];
        gxg_ann *na = &tc->ann[i + 1];
        if (ns->kind != GXG_SEG_TEXT) {
            if (ns->line == tag->end_line) {
                gxg_tc_error(tc, tag->line, tag->col,
                             "'%s' must be the last thing on its line", name);
                return;
            }
        } else if (!na->dropped) {
            if (!gxg_blank(ns->text, ns->len) ||
                (!gxg_ends_line(ns) && i + 2 < tc->nseg)) {
                gxg_tc_error(tc, tag->line, tag->col,
                             "'%s' must be the last thing on its line", name);
                return;
            }
            na->head = ns->len; /* its trailing spaces and newline */
            na->keep = 0;
        }
    }
}

static void gxg_check_placement(gxg_tc *tc)
{
    for (size_t i = 0; i < tc->nseg; i++) {
        gxg_tag_kind k = tc->ann[i].kind;
        if (k == GXG_TK_YAML || k == GXG_TK_BLOCK)
            gxg_check_structured(tc, i);
        else if (k == GXG_TK_VALUE && tc->yaml &&
                 !gxg_comment_line(tc, tc->segs[i].line)) {
            gxg_check_glue(tc, i);
        }
    }
}

/* ---- step 6: expressions ------------------------------------------------------- */

static void gxg_next(gxg_tc *tc) { tc->tok = gxg_toks_next(&tc->toks); }

static char *gxg_tok_text(const gxg_tok *t)
{
    switch (t->kind) {
    case GXG_TOK_END: return gxg_fmt("the end of the tag");
    case GXG_TOK_STRING: return gxg_fmt("\"%.*s\"", (int)t->len, t->text);
    default: return gxg_fmt("'%.*s'", (int)t->len, t->text);
    }
}

static void gxg_unexpected(gxg_tc *tc, const char *expected)
{
    if (tc->tok.kind == GXG_TOK_ERROR)
        return; /* reported by the lexer */
    char *t = gxg_tok_text(&tc->tok);
    gxg_tc_error(tc, tc->tok.line, tc->tok.col, "expected %s, found %s", expected, t);
    free(t);
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

static const gxg_derived *gxg_find_derived(const gxg_schema *s, const char *name)
{
    for (size_t i = 0; i < s->derived_count; i++)
        if (strcmp(s->derived[i].name, name) == 0)
            return &s->derived[i];
    return NULL;
}

static const gxg_var *gxg_find_var(const gxg_tc *tc, const char *name)
{
    for (size_t i = tc->nvars; i > 0; i--)
        if (strcmp(tc->vars[i - 1].name, name) == 0)
            return &tc->vars[i - 1];
    return NULL;
}

static bool gxg_all_digits(const char *s)
{
    if (*s == '-')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static gxg_ex gxg_parse_or(gxg_tc *tc);

static gxg_ex gxg_path_ex(gxg_tc *tc, const char *word, int line, int col)
{
    const gxg_schema *s = tc->schema;
    gxg_ex e = gxg_ex_error(line, col);
    if (strncmp(word, "derived/", 8) == 0) {
        const gxg_derived *d = gxg_find_derived(s, word + 8);
        if (!d) {
            gxg_near n;
            gxg_near_init(&n, word + 8);
            for (size_t i = 0; i < s->derived_count; i++)
                gxg_near_try(&n, word + 8, s->derived[i].name);
            if (n.best)
                gxg_tc_error(tc, line, col,
                             "unknown derived value '%s' (did you mean 'derived/%s'?)", word,
                             n.best);
            else
                gxg_tc_error(tc, line, col,
                             "unknown derived value '%s' (declare it in the schema's 'derived:' "
                             "section)",
                             word);
            return e;
        }
        e.ty = gxg_ty_of(d->type);
        e.c = gxg_fmt("dv->%s", d->ident);
        e.what = gxg_fmt("'%s'", word);
        return e;
    }
    const gxg_field *f = gxg_schema_field(s, word);
    if (!f) {
        size_t wlen = strlen(word);
        for (size_t i = 0; i < s->field_count; i++)
            if (strncmp(s->fields[i].path, word, wlen) == 0 && s->fields[i].path[wlen] == '/') {
                gxg_tc_error(tc, line, col,
                             "'%s' is a group of paths, not a value (e.g. '%s')", word,
                             s->fields[i].path);
                return e;
            }
        gxg_near n;
        gxg_near_init(&n, word);
        for (size_t i = 0; i < s->field_count; i++)
            gxg_near_try(&n, word, s->fields[i].path);
        if (n.best)
            gxg_tc_error(tc, line, col, "unknown path '%s' (did you mean '%s'?)", word, n.best);
        else
            gxg_tc_error(tc, line, col, "unknown path '%s'", word);
        return e;
    }
    char *m = gxg_member_of(f->path);
    e.ty = gxg_ty_of(f->type);
    e.c = gxg_fmt("cfg->%s", m);
    e.field = f->type == GX_T_ENUM ? f : NULL;
    e.what = gxg_fmt("'%s'", word);
    free(m);
    return e;
}

static gxg_ex gxg_parse_primary(gxg_tc *tc)
{
    gxg_tok t = tc->tok;
    gxg_ex e = gxg_ex_error(t.line, t.col);
    if (t.kind == GXG_TOK_LPAREN) {
        gxg_next(tc);
        e = gxg_parse_or(tc);
        if (tc->tok.kind != GXG_TOK_RPAREN) {
            if (e.ty != GXG_TY_ERROR)
                gxg_unexpected(tc, "')'");
            gxg_ex_free(&e);
            return gxg_ex_error(t.line, t.col);
        }
        gxg_next(tc);
        if (e.ty != GXG_TY_ERROR) {
            char *c = gxg_fmt("(%s)", e.c);
            free(e.c);
            e.c = c;
        }
        e.line = t.line;
        e.col = t.col;
        return e;
    }
    if (t.kind == GXG_TOK_STRING) {
        char *v = gxg_tok_string(&t, gxg_tc_error, tc);
        gxg_next(tc);
        if (!v)
            return e;
        char *c = NULL;
        size_t clen = 0;
        FILE *mem = open_memstream(&c, &clen);
        gxg_c_string(mem, v);
        fclose(mem);
        e.ty = GXG_TY_STRING;
        e.c = c;
        e.lit = v;
        e.what = gxg_fmt("\"%.*s\"", (int)t.len, t.text);
        return e;
    }
    if (t.kind != GXG_TOK_WORD) {
        gxg_unexpected(tc, "a value");
        if (t.kind != GXG_TOK_END)
            gxg_next(tc);
        return e;
    }
    if (gxg_tok_is(&t, "component")) {
        gxg_next(tc);
        gxg_tok n = tc->tok;
        if (n.kind != GXG_TOK_WORD || gxg_is_keyword(&n)) {
            gxg_unexpected(tc, "a component name after 'component'");
            return e;
        }
        gxg_next(tc);
        char *name = gxg_xstrndup(n.text, n.len);
        int ci = gxg_schema_component(tc->schema, name);
        if (ci < 0) {
            gxg_near near;
            gxg_near_init(&near, name);
            for (size_t i = 0; i < tc->schema->component_count; i++)
                gxg_near_try(&near, name, tc->schema->components[i].name);
            if (near.best)
                gxg_tc_error(tc, n.line, n.col,
                             "unknown component '%s' (did you mean '%s'?)", name, near.best);
            else
                gxg_tc_error(tc, n.line, n.col, "unknown component '%s'", name);
            free(name);
            return gxg_ex_error(t.line, t.col);
        }
        e.ty = GXG_TY_BOOL;
        e.c = gxg_fmt("cfg->enabled[GX_C_%s]", tc->schema->components[ci].upper);
        e.what = gxg_fmt("'component %s'", name);
        free(name);
        return e;
    }
    if (gxg_is_keyword(&t)) {
        gxg_unexpected(tc, "a value");
        gxg_next(tc);
        return e;
    }
    char *word = gxg_xstrndup(t.text, t.len);
    gxg_next(tc);
    if (gxg_all_digits(word)) {
        errno = 0;
        char *endp;
        long long v = strtoll(word, &endp, 10);
        if (errno == ERANGE) {
            gxg_tc_error(tc, t.line, t.col, "integer '%s' is out of range", word);
        } else {
            e.ty = GXG_TY_INT;
            e.c = gxg_fmt("INT64_C(%lld)", v);
            e.what = gxg_fmt("'%s'", word);
        }
        free(word);
        return e;
    }
    if (strchr(word, '/')) {
        e = gxg_path_ex(tc, word, t.line, t.col);
        free(word);
        return e;
    }
    const gxg_var *v = gxg_find_var(tc, word);
    if (v) {
        e.ty = GXG_TY_STRING;
        e.c = gxg_fmt("%s", v->c);
        e.what = gxg_fmt("'%s'", word);
    } else {
        gxg_tc_error(tc, t.line, t.col,
                     "unknown name '%s' (not a loop variable; schema paths have a '/', e.g. "
                     "'core/%s')",
                     word, word);
    }
    free(word);
    return e;
}

/* The C text of a scalar operand of '~' (NULL for a type that has none). */
static char *gxg_text_of(gxg_tc *tc, const gxg_ex *e, const char *op)
{
    switch (e->ty) {
    case GXG_TY_STRING: return gxg_fmt("%s", e->c);
    case GXG_TY_INT: return gxg_fmt("gx_render_itoa(r, %s)", e->c);
    case GXG_TY_BOOL: return gxg_fmt("((%s) ? \"true\" : \"false\")", e->c);
    case GXG_TY_ENUM:
        return gxg_fmt("gx_render_choice(&gx_fields[GX_F_%s], %s)", e->field->upper, e->c);
    case GXG_TY_ERROR: return NULL;
    default:
        gxg_tc_error(tc, e->line, e->col, "%s is %s: it cannot be %s", e->what,
                     gxg_a_ty(e->ty), op);
        return NULL;
    }
}

static gxg_ex gxg_parse_cat(gxg_tc *tc)
{
    gxg_ex first = gxg_parse_primary(tc);
    if (tc->tok.kind != GXG_TOK_TILDE)
        return first;
    gxg_ex e = gxg_ex_error(first.line, first.col);
    bool bad = first.ty == GXG_TY_ERROR;
    char *parts = gxg_text_of(tc, &first, "joined with '~'");
    if (!parts)
        bad = true;
    size_t n = 1;
    gxg_ex_free(&first);
    while (tc->tok.kind == GXG_TOK_TILDE) {
        gxg_next(tc);
        gxg_ex next = gxg_parse_primary(tc);
        char *text = gxg_text_of(tc, &next, "joined with '~'");
        if (!text) {
            bad = true;
        } else if (!bad) {
            char *joined = gxg_fmt("%s, %s", parts, text);
            free(parts);
            parts = joined;
            n++;
        }
        free(text);
        gxg_ex_free(&next);
    }
    if (bad) {
        free(parts);
        return e;
    }
    e.ty = GXG_TY_STRING;
    e.c = gxg_fmt("gx_render_concat(r, %zu, (const char *const[]){%s})", n, parts);
    e.what = gxg_fmt("this '~' expression");
    free(parts);
    return e;
}

static bool gxg_has_choice(const gxg_field *f, const char *v, size_t *index)
{
    for (size_t i = 0; i < f->choice_count; i++)
        if (strcmp(f->choices[i], v) == 0) {
            *index = i;
            return true;
        }
    return false;
}

static char *gxg_choice_list(const gxg_field *f)
{
    char *list = gxg_fmt("%s", "");
    for (size_t i = 0; i < f->choice_count; i++) {
        char *next = gxg_fmt("%s%s%s", list, i ? ", " : "", f->choices[i]);
        free(list);
        list = next;
    }
    return list;
}

/* enum == "choice": the choice must exist; compiles to an index comparison. */
static gxg_ex gxg_enum_cmp(gxg_tc *tc, const gxg_ex *en, const gxg_ex *lit, bool eq)
{
    gxg_ex e = gxg_ex_error(en->line, en->col);
    size_t index;
    if (!gxg_has_choice(en->field, lit->lit, &index)) {
        char *list = gxg_choice_list(en->field);
        gxg_tc_error(tc, lit->line, lit->col, "unknown choice \"%s\" for %s (choices: %s)",
                     lit->lit, en->what, list);
        free(list);
        return e;
    }
    char *up = gxg_ident(en->field->choices[index], true);
    e.ty = GXG_TY_BOOL;
    e.c = gxg_fmt("(%s %s GX_%s_%s)", en->c, eq ? "==" : "!=", en->field->upper, up);
    e.what = gxg_fmt("this comparison");
    free(up);
    return e;
}

static gxg_ex gxg_parse_cmp(gxg_tc *tc)
{
    gxg_ex a = gxg_parse_cat(tc);
    if (tc->tok.kind != GXG_TOK_EQ && tc->tok.kind != GXG_TOK_NE)
        return a;
    bool eq = tc->tok.kind == GXG_TOK_EQ;
    gxg_next(tc);
    gxg_ex b = gxg_parse_cat(tc);
    gxg_ex e = gxg_ex_error(a.line, a.col);
    if (a.ty == GXG_TY_ERROR || b.ty == GXG_TY_ERROR)
        goto done;
    if (a.ty == GXG_TY_ENUM && b.lit) {
        e = gxg_enum_cmp(tc, &a, &b, eq);
        goto done;
    }
    if (b.ty == GXG_TY_ENUM && a.lit) {
        e = gxg_enum_cmp(tc, &b, &a, eq);
        goto done;
    }
    if (a.ty == GXG_TY_ENUM && b.ty == GXG_TY_ENUM && a.field == b.field) {
        e.ty = GXG_TY_BOOL;
        e.c = gxg_fmt("(%s %s %s)", a.c, eq ? "==" : "!=", b.c);
        goto done;
    }
    bool a_text = a.ty == GXG_TY_STRING || a.ty == GXG_TY_ENUM;
    bool b_text = b.ty == GXG_TY_STRING || b.ty == GXG_TY_ENUM;
    if (a_text && b_text) {
        char *ta = gxg_text_of(tc, &a, "compared");
        char *tb = gxg_text_of(tc, &b, "compared");
        e.ty = GXG_TY_BOOL;
        e.c = gxg_fmt("(%sgx_render_streq(%s, %s))", eq ? "" : "!", ta, tb);
        free(ta);
        free(tb);
        goto done;
    }
    if ((a.ty == GXG_TY_INT && b.ty == GXG_TY_INT) ||
        (a.ty == GXG_TY_BOOL && b.ty == GXG_TY_BOOL)) {
        e.ty = GXG_TY_BOOL;
        e.c = gxg_fmt("((%s) %s (%s))", a.c, eq ? "==" : "!=", b.c);
        goto done;
    }
    gxg_tc_error(tc, a.line, a.col, "cannot compare %s (%s) with %s (%s)", a.what,
                 gxg_a_ty(a.ty), b.what, gxg_a_ty(b.ty));
done:
    if (e.ty != GXG_TY_ERROR && !e.what)
        e.what = gxg_fmt("this comparison");
    gxg_ex_free(&a);
    gxg_ex_free(&b);
    return e;
}

/* The C truth value of an expression (NULL, after reporting, for an enum). */
static char *gxg_truth(gxg_tc *tc, const gxg_ex *e)
{
    switch (e->ty) {
    case GXG_TY_BOOL: return gxg_fmt("%s", e->c);
    case GXG_TY_INT: return gxg_fmt("((%s) != 0)", e->c);
    case GXG_TY_STRING: return gxg_fmt("gx_render_str_truthy(%s)", e->c);
    case GXG_TY_MAP:
    case GXG_TY_LIST: return gxg_fmt("((%s).count > 0)", e->c);
    case GXG_TY_YAML: return gxg_fmt("gx_render_node_truthy(%s)", e->c);
    case GXG_TY_ENUM:
        gxg_tc_error(tc, e->line, e->col,
                     "%s is an enum and has no truth value: compare it (%s == \"%s\")", e->what,
                     e->field->path, e->field->choices[0]);
        return NULL;
    case GXG_TY_ERROR: return NULL;
    }
    return NULL;
}

static gxg_ex gxg_parse_not(gxg_tc *tc)
{
    if (!gxg_tok_is(&tc->tok, "not"))
        return gxg_parse_cmp(tc);
    gxg_tok t = tc->tok;
    gxg_next(tc);
    gxg_ex a = gxg_parse_not(tc);
    gxg_ex e = gxg_ex_error(t.line, t.col);
    char *truth = gxg_truth(tc, &a);
    if (truth) {
        e.ty = GXG_TY_BOOL;
        e.c = gxg_fmt("!%s", truth);
        e.what = gxg_fmt("this 'not' expression");
    }
    free(truth);
    gxg_ex_free(&a);
    return e;
}

static gxg_ex gxg_parse_logic(gxg_tc *tc, const char *op, const char *cop,
                              gxg_ex (*sub)(gxg_tc *))
{
    gxg_ex a = sub(tc);
    if (!gxg_tok_is(&tc->tok, op))
        return a;
    char *code = gxg_truth(tc, &a);
    bool bad = !code;
    gxg_ex e = gxg_ex_error(a.line, a.col);
    gxg_ex_free(&a);
    while (gxg_tok_is(&tc->tok, op)) {
        gxg_next(tc);
        gxg_ex b = sub(tc);
        char *tb = gxg_truth(tc, &b);
        if (!tb) {
            bad = true;
        } else if (!bad) {
            char *joined = gxg_fmt("%s %s %s", code, cop, tb);
            free(code);
            code = joined;
        }
        free(tb);
        gxg_ex_free(&b);
    }
    if (bad) {
        free(code);
        return e;
    }
    e.ty = GXG_TY_BOOL;
    e.c = gxg_fmt("(%s)", code);
    e.what = gxg_fmt("this '%s' expression", op);
    free(code);
    return e;
}

static gxg_ex gxg_parse_and(gxg_tc *tc) { return gxg_parse_logic(tc, "and", "&&", gxg_parse_not); }

static gxg_ex gxg_parse_or(gxg_tc *tc) { return gxg_parse_logic(tc, "or", "||", gxg_parse_and); }

/* A whole expression up to the end of the tag. */
static gxg_ex gxg_parse_expr(gxg_tc *tc)
{
    if (tc->tok.kind == GXG_TOK_END) {
        gxg_unexpected(tc, "an expression");
        return gxg_ex_error(tc->tok.line, tc->tok.col);
    }
    gxg_ex e = gxg_parse_or(tc);
    if (tc->tok.kind != GXG_TOK_END) {
        if (e.ty != GXG_TY_ERROR)
            gxg_unexpected(tc, "the end of the tag");
        gxg_ex_free(&e);
        return gxg_ex_error(tc->tok.line, tc->tok.col);
    }
    return e;
}

/* Starts reading tag i's tokens; skips the keyword when skip is true. */
static void gxg_begin_tag(gxg_tc *tc, size_t i, bool skip)
{
    gxg_toks_init(&tc->toks, &tc->segs[i], gxg_tc_error, tc);
    gxg_next(tc);
    if (skip)
        gxg_next(tc);
}

static void gxg_expect_end(gxg_tc *tc, const char *after)
{
    if (tc->tok.kind == GXG_TOK_END)
        return;
    if (gxg_tok_is(&tc->tok, "if") && strcmp(after, "else") == 0)
        gxg_tc_error(tc, tc->tok.line, tc->tok.col, "'else if' is written 'elif'");
    else {
        char *t = gxg_tok_text(&tc->tok);
        gxg_tc_error(tc, tc->tok.line, tc->tok.col, "unexpected %s after '%s'", t, after);
        free(t);
    }
}

/* ---- emission ------------------------------------------------------------------ */

static void gxg_line(gxg_tc *tc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gxg_line(gxg_tc *tc, const char *fmt, ...)
{
    fprintf(tc->out, "%*s", 4 * tc->depth, "");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(tc->out, fmt, ap);
    va_end(ap);
    fputc('\n', tc->out);
}

/* Static text: one gx_render_text call, the literal split after each newline. */
static void gxg_emit_text(gxg_tc *tc, const char *s, size_t len)
{
    if (len == 0)
        return;
    fprintf(tc->out, "%*sgx_render_text(r,", 4 * tc->depth, "");
    size_t start = 0;
    while (start < len) {
        const char *nl = memchr(s + start, '\n', len - start);
        size_t stop = nl ? (size_t)(nl - s) + 1 : len;
        char *piece = gxg_xstrndup(s + start, stop - start);
        fprintf(tc->out, "\n%*s", 4 * tc->depth + 4, "");
        if (memchr(piece, '\0', stop - start) == NULL)
            gxg_c_string(tc->out, piece);
        free(piece);
        start = stop;
    }
    fprintf(tc->out, ",\n%*s%zu);\n", 4 * tc->depth + 4, "", len);
}

typedef struct gxg_frame {
    gxg_tag_kind kind; /* IF or FOR */
    size_t nvars;      /* variables before the block */
} gxg_frame;

static void gxg_emit_value(gxg_tc *tc, size_t i)
{
    char raw[256];
    gxg_begin_tag(tc, i, false);
    gxg_ex e = gxg_parse_expr(tc);
    switch (e.ty) {
    case GXG_TY_STRING: gxg_line(tc, "gx_render_str(r, %s);", e.c); break;
    case GXG_TY_INT: gxg_line(tc, "gx_render_int(r, %s);", e.c); break;
    case GXG_TY_BOOL: gxg_line(tc, "gx_render_bool(r, %s);", e.c); break;
    case GXG_TY_ENUM:
        gxg_line(tc, "gx_render_str(r, gx_render_choice(&gx_fields[GX_F_%s], %s));",
                 e.field->upper, e.c);
        break;
    case GXG_TY_MAP:
    case GXG_TY_LIST:
    case GXG_TY_YAML:
        gxg_tc_error(tc, e.line, e.col,
                     "%s is %s: print it with {{ yaml %s }} (a value tag prints a scalar)",
                     e.what, gxg_a_ty(e.ty), gxg_raw(&e, raw, sizeof raw));
        break;
    case GXG_TY_ERROR: break;
    }
    gxg_ex_free(&e);
}

static void gxg_emit_structured(gxg_tc *tc, size_t i)
{
    char raw[256];
    const gxg_ann *a = &tc->ann[i];
    gxg_begin_tag(tc, i, true);
    gxg_ex e = gxg_parse_expr(tc);
    const char *ak = a->after_key ? "true" : "false";
    if (a->kind == GXG_TK_YAML) {
        switch (e.ty) {
        case GXG_TY_MAP: gxg_line(tc, "gx_render_yaml_map(r, &%s, %d, %s);", e.c, a->indent, ak); break;
        case GXG_TY_LIST: gxg_line(tc, "gx_render_yaml_list(r, &%s, %d, %s);", e.c, a->indent, ak); break;
        case GXG_TY_YAML: gxg_line(tc, "gx_render_yaml_node(r, %s, %d, %s);", e.c, a->indent, ak); break;
        case GXG_TY_ERROR: break;
        default:
            gxg_tc_error(tc, e.line, e.col,
                         "'yaml' needs a map, list or yaml value; %s is %s (print it with "
                         "{{ %s }})",
                         e.what, gxg_a_ty(e.ty), gxg_raw(&e, raw, sizeof raw));
        }
    } else {
        switch (e.ty) {
        case GXG_TY_STRING: gxg_line(tc, "gx_render_block(r, %s, %d);", e.c, a->indent); break;
        case GXG_TY_ERROR: break;
        default:
            gxg_tc_error(tc, e.line, e.col, "'block' needs a string; %s is %s", e.what,
                         gxg_a_ty(e.ty));
        }
    }
    gxg_ex_free(&e);
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

static void gxg_push_var(gxg_tc *tc, const gxg_tok *t, const char *c)
{
    char *name = gxg_xstrndup(t->text, t->len);
    if (gxg_find_var(tc, name)) {
        gxg_tc_error(tc, t->line, t->col, "loop variable '%s' is already in use", name);
    }
    if (tc->nvars == sizeof tc->vars / sizeof tc->vars[0]) {
        gxg_tc_error(tc, t->line, t->col, "loops nested too deeply");
        free(name);
        return;
    }
    tc->vars[tc->nvars].name = name;
    tc->vars[tc->nvars].c = gxg_fmt("%s", c);
    tc->nvars++;
}

static void gxg_pop_vars(gxg_tc *tc, size_t to)
{
    while (tc->nvars > to) {
        tc->nvars--;
        free(tc->vars[tc->nvars].name);
        free(tc->vars[tc->nvars].c);
    }
}

static void gxg_emit_for(gxg_tc *tc, size_t i)
{
    char raw[256];
    gxg_begin_tag(tc, i, true);
    gxg_tok names[2];
    size_t nnames = 0;
    bool bad = false;
    if (!gxg_var_name_ok(&tc->tok)) {
        gxg_unexpected(tc, "a loop variable name ([a-z][a-z0-9-]*)");
        bad = true;
    } else {
        names[nnames++] = tc->tok;
        gxg_next(tc);
        if (tc->tok.kind == GXG_TOK_COMMA) {
            gxg_next(tc);
            if (!gxg_var_name_ok(&tc->tok)) {
                gxg_unexpected(tc, "a second loop variable name");
                bad = true;
            } else {
                names[nnames++] = tc->tok;
                gxg_next(tc);
            }
        }
    }
    if (!bad && !gxg_tok_is(&tc->tok, "in")) {
        gxg_unexpected(tc, "'in'");
        bad = true;
    }
    gxg_ex e = gxg_ex_error(tc->tok.line, tc->tok.col);
    if (!bad) {
        gxg_next(tc);
        e = gxg_parse_expr(tc);
    }
    int n = ++tc->loops;
    char *c1 = NULL, *c2 = NULL;
    for (size_t k = 0; k < nnames; k++) {
        char *raw = gxg_xstrndup(names[k].text, names[k].len);
        char *id = gxg_ident(raw, false);
        *(k == 0 ? &c1 : &c2) = gxg_fmt("gxv_%s", id);
        free(id);
        free(raw);
    }
    if (e.ty == GXG_TY_LIST && nnames == 1) {
        gxg_line(tc, "{");
        tc->depth++;
        gxg_line(tc, "const gx_list *gxl_%d = &%s;", n, e.c);
        gxg_line(tc, "for (size_t gxi_%d = 0; gxi_%d < gxl_%d->count; gxi_%d++) {", n, n, n, n);
        tc->depth++;
        gxg_line(tc, "const char *%s = gx_render_nn(gxl_%d->items[gxi_%d]);", c1, n, n);
        gxg_line(tc, "(void)%s;", c1);
    } else if (e.ty == GXG_TY_MAP && nnames == 2) {
        gxg_line(tc, "{");
        tc->depth++;
        gxg_line(tc, "const gx_map *gxm_%d = &%s;", n, e.c);
        gxg_line(tc, "for (size_t gxi_%d = 0; gxi_%d < gxm_%d->count; gxi_%d++) {", n, n, n, n);
        tc->depth++;
        gxg_line(tc, "const char *%s = gx_render_nn(gxm_%d->keys[gxi_%d]);", c1, n, n);
        gxg_line(tc, "const char *%s = gx_render_nn(gxm_%d->values[gxi_%d]);", c2, n, n);
        gxg_line(tc, "(void)%s;", c1);
        gxg_line(tc, "(void)%s;", c2);
    } else {
        if (e.ty == GXG_TY_MAP)
            gxg_tc_error(tc, e.line, e.col,
                         "%s is a map: loop over it with two names (for k, v in %s)", e.what,
                         gxg_raw(&e, raw, sizeof raw));
        else if (e.ty == GXG_TY_LIST)
            gxg_tc_error(tc, e.line, e.col,
                         "%s is a list: loop over it with one name (for x in %s)", e.what,
                         gxg_raw(&e, raw, sizeof raw));
        else if (e.ty != GXG_TY_ERROR)
            gxg_tc_error(tc, e.line, e.col, "'for' needs a list or a map; %s is %s",
                         e.what, gxg_a_ty(e.ty));
        /* keep the structure going for further checks */
        gxg_line(tc, "{");
        tc->depth++;
        gxg_line(tc, "{");
        tc->depth++;
    }
    for (size_t k = 0; k < nnames; k++)
        gxg_push_var(tc, &names[k], k == 0 ? c1 : c2);
    free(c1);
    free(c2);
    gxg_ex_free(&e);
}

/* The condition of an if/elif tag as C (or "0" after an error). */
static char *gxg_condition(gxg_tc *tc, size_t i)
{
    gxg_begin_tag(tc, i, true);
    gxg_ex e = gxg_parse_expr(tc);
    char *c = gxg_truth(tc, &e);
    gxg_ex_free(&e);
    return c ? c : gxg_fmt("0");
}

/* Emits the body of the render function of one template. */
static void gxg_emit_body(gxg_tc *tc)
{
    gxg_frame *stack = gxg_xmalloc((tc->nseg + 1) * sizeof *stack);
    size_t depth = 0;
    /* static text collects here until a tag needs emitting */
    char *text = NULL;
    size_t tlen = 0;
    FILE *tmem = open_memstream(&text, &tlen);
    for (size_t i = 0; i < tc->nseg; i++) {
        const gxg_seg *s = &tc->segs[i];
        const gxg_ann *a = &tc->ann[i];
        if (a->kind == GXG_TK_TEXT) {
            if (!a->dropped && a->keep > 0) {
                size_t keep = a->keep;
                if (a->head + keep > s->len)
                    keep = s->len - a->head;
                fwrite(s->text + a->head, 1, keep, tmem);
            }
            continue;
        }
        if (a->kind == GXG_TK_COMMENT || a->kind == GXG_TK_BAD)
            continue;
        fflush(tmem);
        gxg_emit_text(tc, text, tlen);
        fclose(tmem);
        free(text);
        text = NULL;
        tlen = 0;
        tmem = open_memstream(&text, &tlen);
        switch (a->kind) {
        case GXG_TK_VALUE:
            gxg_emit_value(tc, i);
            break;
        case GXG_TK_YAML:
        case GXG_TK_BLOCK:
            gxg_emit_structured(tc, i);
            break;
        case GXG_TK_IF: {
            char *c = gxg_condition(tc, i);
            gxg_line(tc, "if (%s) {", c);
            free(c);
            tc->depth++;
            stack[depth].kind = GXG_TK_IF;
            stack[depth].nvars = tc->nvars;
            depth++;
            break;
        }
        case GXG_TK_ELIF:
        case GXG_TK_ELSE: {
            if (depth == 0 || stack[depth - 1].kind != GXG_TK_IF)
                break; /* reported by gxg_match_blocks */
            char *c = NULL;
            if (a->kind == GXG_TK_ELIF) {
                c = gxg_condition(tc, i);
            } else {
                gxg_begin_tag(tc, i, true);
                gxg_expect_end(tc, "else");
            }
            tc->depth--;
            if (c)
                gxg_line(tc, "} else if (%s) {", c);
            else
                gxg_line(tc, "} else {");
            tc->depth++;
            free(c);
            break;
        }
        case GXG_TK_FOR: {
            size_t before = tc->nvars;
            gxg_emit_for(tc, i);
            stack[depth].kind = GXG_TK_FOR;
            stack[depth].nvars = before;
            depth++;
            break;
        }
        case GXG_TK_END:
            gxg_begin_tag(tc, i, true);
            gxg_expect_end(tc, "end");
            if (depth == 0)
                break; /* reported by gxg_match_blocks */
            depth--;
            gxg_pop_vars(tc, stack[depth].nvars);
            tc->depth--;
            gxg_line(tc, "}");
            if (stack[depth].kind == GXG_TK_FOR) {
                tc->depth--;
                gxg_line(tc, "}");
            }
            break;
        default:
            break;
        }
    }
    fflush(tmem);
    gxg_emit_text(tc, text, tlen);
    fclose(tmem);
    free(text);
    while (depth > 0) { /* unclosed blocks (reported): keep the C balanced */
        depth--;
        tc->depth--;
        gxg_line(tc, "}");
        if (stack[depth].kind == GXG_TK_FOR) {
            tc->depth--;
            gxg_line(tc, "}");
        }
    }
    gxg_pop_vars(tc, 0);
    free(stack);
}

/* ---- files ------------------------------------------------------------------------ */

typedef struct gxg_names {
    char **items;
    size_t count, cap;
} gxg_names;

static void gxg_names_add(gxg_names *n, char *s)
{
    if (n->count == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 32;
        n->items = realloc(n->items, n->cap * sizeof *n->items);
        if (!n->items)
            abort();
    }
    n->items[n->count++] = s;
}

/* Collects every *.tmpl below dir (relative paths under rel); hidden entries
 * and partials (names starting with '_', pulled in by {{ include }}) are
 * skipped. */
static bool gxg_walk(const char *dir, const char *rel, gxg_names *out)
{
    char *path = rel[0] ? gxg_fmt("%s/%s", dir, rel) : gxg_fmt("%s", dir);
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "gxgen: cannot read %s: %s\n", path, strerror(errno));
        free(path);
        return false;
    }
    bool ok = true;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.' || ent->d_name[0] == '_')
            continue;
        char *sub = rel[0] ? gxg_fmt("%s/%s", rel, ent->d_name) : gxg_fmt("%s", ent->d_name);
        char *full = gxg_fmt("%s/%s", dir, sub);
        struct stat st;
        if (stat(full, &st) != 0) {
            fprintf(stderr, "gxgen: cannot stat %s: %s\n", full, strerror(errno));
            ok = false;
            free(sub);
        } else if (S_ISDIR(st.st_mode)) {
            ok = gxg_walk(dir, sub, out) && ok;
            free(sub);
        } else {
            size_t len = strlen(sub);
            if (S_ISREG(st.st_mode) && len > 5 && strcmp(sub + len - 5, ".tmpl") == 0)
                gxg_names_add(out, sub);
            else
                free(sub);
        }
        free(full);
    }
    closedir(d);
    free(path);
    return ok;
}

static int gxg_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool gxg_read_all(const char *path, char **data, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "%s: error: cannot open: %s\n", path, strerror(errno));
        return false;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
    }
    bool ok = !ferror(fp);
    fclose(fp);
    if (!ok) {
        fprintf(stderr, "%s: error: read error\n", path);
        free(buf);
        return false;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return true;
}

/* Expands {{ include "NAME" }}: a tag alone on its line is replaced by the
 * lines of the partial NAME, a file beside the template whose name starts with
 * '_' and which holds plain text only (no tags), emitted as it is. The partial's
 * buffer is kept to the end (gxgen is a short-lived build tool). */
static void gxg_expand_includes(gxg_tc *tc, const char *file)
{
    size_t cap = tc->nseg + 1, n = 0;
    gxg_seg *out = gxg_xmalloc(cap * sizeof *out);
    for (size_t i = 0; i < tc->nseg; i++) {
        gxg_seg *s = &tc->segs[i];
        gxg_tok first = {0}, name = {0}, end = {0};
        if (s->kind == GXG_SEG_TAG) {
            gxg_toks t;
            gxg_toks_init(&t, s, gxg_tc_error, tc);
            first = gxg_toks_next(&t);
            if (gxg_tok_is(&first, "include")) {
                name = gxg_toks_next(&t);
                end = gxg_toks_next(&t);
            }
        }
        if (!gxg_tok_is(&first, "include")) {
            if (n == cap)
                out = realloc(out, (cap *= 2) * sizeof *out);
            if (!out)
                abort();
            out[n++] = *s;
            continue;
        }
        bool alone = s->col == 1 && (i + 1 == tc->nseg || (tc->segs[i + 1].kind == GXG_SEG_TEXT &&
                                                            tc->segs[i + 1].len == 1 &&
                                                            tc->segs[i + 1].text[0] == '\n'));
        if (name.kind != GXG_TOK_STRING || end.kind != GXG_TOK_END) {
            gxg_tc_error(tc, s->line, s->col,
                         "'include' takes one partial's name in quotes, e.g. include \"_NAME\"");
            continue;
        }
        char *partial = gxg_tok_string(&name, gxg_tc_error, tc);
        if (!partial)
            continue;
        if (!alone || partial[0] != '_' || strchr(partial, '/')) {
            gxg_tc_error(tc, s->line, s->col,
                         "an include stands alone on its line and names a partial beside the "
                         "template ('_NAME'), not '%s'",
                         partial);
            free(partial);
            continue;
        }
        const char *slash = strrchr(file, '/');
        char *path = slash ? gxg_fmt("%.*s/%s", (int)(slash - file), file, partial)
                           : gxg_fmt("%s", partial);
        char *text;
        size_t len;
        if (!gxg_read_all(path, &text, &len)) {
            gxg_tc_error(tc, s->line, s->col, "cannot include '%s'", partial);
        } else if (strstr(text, "{{") || memchr(text, '\0', len)) {
            gxg_tc_error(tc, s->line, s->col,
                         "the partial '%s' must be plain text (no tags, no NUL bytes)", partial);
        } else {
            for (size_t at = 0; at < len;) {
                const char *nl = memchr(text + at, '\n', len - at);
                size_t l = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
                if (n == cap)
                    out = realloc(out, (cap *= 2) * sizeof *out);
                if (!out)
                    abort();
                out[n++] = (gxg_seg){GXG_SEG_TEXT, text + at, l, s->line, 1, s->line, 0, 0};
                at += l;
            }
            if (i + 1 < tc->nseg && len > 0 && text[len - 1] == '\n')
                i++; /* the include line's own newline: the partial brought its own */
        }
        free(path);
        free(partial);
    }
    free(tc->segs);
    tc->segs = out;
    tc->nseg = n;
}

typedef struct gxg_compiled {
    char *rel;      /* "generated/gateway.yaml.tmpl" */
    char *output;   /* "generated/gateway.yaml" */
    char *func;     /* C function name */
    bool yaml;
    char *body;     /* the function body */
} gxg_compiled;

/* Compiles one template; false after printing errors. */
static bool gxg_compile_one(const gxg_schema *schema, const char *file, gxg_compiled *c)
{
    size_t rlen = strlen(c->rel);
    if (rlen > 10 && strcmp(c->rel + rlen - 10, ".yaml.tmpl") == 0) {
        c->yaml = true;
    } else if (rlen > 8 && strcmp(c->rel + rlen - 8, ".sh.tmpl") == 0) {
        c->yaml = false;
    } else {
        fprintf(stderr,
                "%s: error: unknown template kind: a template's name ends in .yaml.tmpl (YAML "
                "output) or .sh.tmpl (shell script)\n",
                file);
        return false;
    }
    c->output = gxg_xstrndup(c->rel, rlen - 5);
    gxg_tc tc;
    memset(&tc, 0, sizeof tc);
    tc.schema = schema;
    tc.file = file;
    tc.yaml = c->yaml;
    char *src;
    if (!gxg_read_all(file, &src, &tc.len))
        return false;
    tc.src = src;
    gxg_tmpl_split(tc.src, tc.len, &tc.segs, &tc.nseg, gxg_tc_error, &tc);
    if (tc.errors == 0)
        gxg_expand_includes(&tc, file);
    tc.ann = calloc(tc.nseg + 1, sizeof *tc.ann);
    if (!tc.ann)
        abort();
    if (tc.errors == 0) {
        gxg_classify(&tc);
        gxg_strip_control_lines(&tc);
        gxg_match_blocks(&tc);
        gxg_check_placement(&tc);
        size_t blen = 0;
        tc.out = open_memstream(&c->body, &blen);
        tc.depth = 1;
        gxg_emit_body(&tc);
        fclose(tc.out);
    }
    free(tc.ann);
    free(tc.segs);
    free(src);
    return tc.errors == 0;
}

/* A unique C function name for an output path. */
static char *gxg_func_name(const char *output, gxg_compiled *done, size_t ndone)
{
    char *base = gxg_fmt("gx_tmpl_%s", output);
    for (char *p = base + 8; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            *p = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : '_';
    for (size_t i = 0; i < ndone; i++)
        if (done[i].func && strcmp(done[i].func, base) == 0) {
            char *alt = gxg_fmt("%s_%zu", base, ndone);
            free(base);
            return alt;
        }
    return base;
}

/* The derived values the exporter reads or sets (how --no-secrets and the
 * config Secret reach it): when declared they must be bools; a missing one is
 * a warning while there are templates (the exporter then refuses --no-secrets,
 * or treats the config as not a Secret). */
static bool gxg_check_export_derived(const gxg_schema *s, const char *name, const char *why,
                                     bool have_templates)
{
    const gxg_derived *d = gxg_find_derived(s, name);
    if (d && d->type != GX_T_BOOL) {
        fprintf(stderr, "%s: error: derived value 'derived/%s' must be a bool: %s\n", s->file,
                name, why);
        return false;
    }
    if (!d && have_templates)
        fprintf(stderr, "%s: warning: no derived value 'derived/%s' (bool): %s\n", s->file, name,
                why);
    return true;
}

bool gxg_compile_templates(const gxg_schema *schema, const char *templates_dir,
                           const char *out_dir)
{
    char *hpath = gxg_fmt("%s/gx_templates.h", out_dir);
    char *cpath = gxg_fmt("%s/gx_templates.c", out_dir);
    /* a failed run leaves no stale output, so the build runs the generator again */
    unlink(hpath);
    unlink(cpath);

    size_t dlen = strlen(templates_dir);
    while (dlen > 1 && templates_dir[dlen - 1] == '/')
        dlen--;
    char *dir = gxg_xstrndup(templates_dir, dlen);

    gxg_names names = {NULL, 0, 0};
    bool ok = gxg_walk(dir, "", &names);
    if (names.count > 1)
        qsort(names.items, names.count, sizeof *names.items, gxg_cmp_names);

    gxg_compiled *comp = calloc(names.count + 1, sizeof *comp);
    if (!comp)
        abort();
    for (size_t i = 0; i < names.count; i++) {
        comp[i].rel = names.items[i];
        char *file = gxg_fmt("%s/%s", dir, names.items[i]);
        if (!gxg_compile_one(schema, file, &comp[i]))
            ok = false;
        else
            comp[i].func = gxg_func_name(comp[i].output, comp, i);
        free(file);
    }
    /* two templates for the same output ("a.yaml.tmpl" is the only source of a.yaml) */
    for (size_t i = 1; i < names.count; i++)
        if (comp[i].output && comp[i - 1].output && strcmp(comp[i].output, comp[i - 1].output) == 0) {
            fprintf(stderr, "%s/%s: error: a second template for %s\n", dir, comp[i].rel,
                    comp[i].output);
            ok = false;
        }
    const gxg_derived *no_secrets = gxg_find_derived(schema, "no-secrets");
    const gxg_derived *config_secret = gxg_find_derived(schema, "config-is-secret");
    if (!gxg_check_export_derived(schema, "no-secrets",
                                  "export --no-secrets sets it after gx_derive() so that the "
                                  "templates leave secret values out; without it --no-secrets "
                                  "is refused",
                                  names.count > 0))
        ok = false;
    if (!gxg_check_export_derived(schema, "config-is-secret",
                                  "export gives generated/config.yaml mode 0600 when it is true",
                                  names.count > 0))
        ok = false;

    if (ok) {
        FILE *h = gxg_open_output(out_dir, "gx_templates.h", "templates/");
        if (!h) {
            ok = false;
        } else {
            fputs("#ifndef GX_TEMPLATES_H\n#define GX_TEMPLATES_H\n\n"
                  "#include <stdbool.h>\n#include <stddef.h>\n\n"
                  "#include \"gx_render.h\"\n#include \"gx_schema.h\"\n\n"
                  "#if GX_RENDER_VERSION != 1\n"
                  "#error \"gx_templates.h was generated for render runtime version 1\"\n"
                  "#endif\n\n",
                  h);
            fputs("/* The compiled-in templates, one row per template, sorted bytewise by\n"
                  " * output path (the order of export --stdout). */\n",
                  h);
            fprintf(h, "#define GX_TEMPLATE_COUNT %zu\n", names.count);
            fputs("extern const gx_template gx_template_table[];\n"
                  "extern const size_t gx_template_count; /* == GX_TEMPLATE_COUNT */\n\n",
                  h);
            for (size_t i = 0; i < names.count; i++)
                fprintf(h, "/*   %-40s from templates/%s */\n", comp[i].output, comp[i].rel);
            fputs("\n/* The derived values the exporter sets and reads: derived/no-secrets (set\n"
                  " * for export --no-secrets, after gx_derive) and derived/config-is-secret\n"
                  " * (the application config is a Secret: generated/config.yaml gets mode\n"
                  " * 0600). When the schema lacks derived/no-secrets, setting does nothing\n"
                  " * and returns false (the templates cannot leave secrets out); when it lacks\n"
                  " * derived/config-is-secret, reading gives false. */\n"
                  "bool gx_templates_set_no_secrets(struct gx_derived *derived, bool on);\n"
                  "bool gx_templates_config_is_secret(const struct gx_derived *derived);\n\n"
                  "#endif\n",
                  h);
            ok = gxg_close_output(h, "gx_templates.h");
        }
    }
    if (ok) {
        FILE *c = gxg_open_output(out_dir, "gx_templates.c", "templates/");
        if (!c) {
            ok = false;
        } else {
            fputs("#include \"gx_templates.h\"\n\n#include <stddef.h>\n#include <stdint.h>\n\n"
                  "_Static_assert(GX_RUNTIME_VERSION == 1, \"runtime version mismatch\");\n"
                  "_Static_assert(GX_RENDER_VERSION == 1, \"render runtime version mismatch\");\n",
                  c);
            for (size_t i = 0; i < names.count; i++) {
                fprintf(c, "\n/* templates/%s -> %s (%s) */\n", comp[i].rel, comp[i].output,
                        comp[i].yaml ? "YAML" : "shell");
                fprintf(c,
                        "static void %s(gx_render *r)\n{\n"
                        "    const struct gx_config *cfg = r->cfg;\n"
                        "    const struct gx_derived *dv = r->derived;\n"
                        "    (void)cfg;\n    (void)dv;\n%s}\n",
                        comp[i].func, comp[i].body ? comp[i].body : "");
            }
            if (names.count == 0) {
                fputs("\nconst gx_template gx_template_table[1] = {{NULL, GX_CTX_YAML, NULL}};\n",
                      c);
            } else {
                fputs("\nconst gx_template gx_template_table[] = {\n", c);
                for (size_t i = 0; i < names.count; i++) {
                    fputs("    {", c);
                    gxg_c_string(c, comp[i].output);
                    fprintf(c, ", %s, %s},\n", comp[i].yaml ? "GX_CTX_YAML" : "GX_CTX_SHELL",
                            comp[i].func);
                }
                fputs("};\n", c);
            }
            fprintf(c, "const size_t gx_template_count = %zu;\n", names.count);
            fputs("\nbool gx_templates_set_no_secrets(struct gx_derived *derived, bool on)\n{\n", c);
            if (no_secrets && no_secrets->type == GX_T_BOOL)
                fprintf(c, "    derived->%s = on;\n    return true;\n}\n", no_secrets->ident);
            else
                fputs("    (void)derived;\n    (void)on;\n    return false;\n}\n", c);
            fputs("\nbool gx_templates_config_is_secret(const struct gx_derived *derived)\n{\n", c);
            if (config_secret && config_secret->type == GX_T_BOOL)
                fprintf(c, "    return derived->%s;\n}\n", config_secret->ident);
            else
                fputs("    (void)derived;\n    return false;\n}\n", c);
            ok = gxg_close_output(c, "gx_templates.c");
        }
    }
    if (!ok) {
        unlink(hpath);
        unlink(cpath);
    }
    for (size_t i = 0; i < names.count; i++) {
        free(comp[i].rel);
        free(comp[i].output);
        free(comp[i].func);
        free(comp[i].body);
    }
    free(comp);
    free(names.items);
    free(dir);
    free(hpath);
    free(cpath);
    return ok;
}
