/* gx_node — YAML read with libyaml's event API into a positioned tree.
 * See gx_node.h for the contract. */
#include "gx_node.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "gx_utf8.h"
#include "gx_xalloc.h"

/* Maps with more keys than this are checked for duplicates by sorting. */
enum { GX_NODE_DUP_LINEAR_MAX = 32 };

/* Longest key text quoted in a message before it is cut short. */
enum { GX_NODE_MSG_KEY_MAX = 60 };

static const char gx_yaml_tag_prefix[] = "tag:yaml.org,2002:";

static const char gx_hint_alias[] =
    "write the value out in full: anchors (&name) and aliases (*name) are not "
    "expanded by this tool";

typedef struct gx_frame {
    gx_node *node;
    size_t base; /* index in the scratch stack where this collection's children start */
} gx_frame;

typedef struct gx_parser {
    gx_arena *arena;
    const char *file;
    const char *data;
    size_t len;
    gx_diags *diags;
    size_t errors; /* diagnostics this parse added (or tried to add) */
    bool bom;      /* the input starts with a UTF-8 byte order mark */
    /* children of every open collection, innermost last; malloc'd scratch
     * (gx_xalloc: running out of memory aborts, as the arena does) */
    gx_node **stack;
    size_t sp, scap;
    gx_frame frames[GX_NODE_MAX_DEPTH + 1];
    int depth; /* open collections; frames[1..depth] are in use */
    gx_node *root;
    bool have_root;
    /* byte offsets (start, end) are wanted (gx_node_parse_spans); without
     * them every node's start and end stay 0 */
    bool spans;
    /* where the last mark turned into a byte offset was: marks come in
     * document order, so each conversion goes on from there */
    size_t cur_line, cur_col, cur_off;
    bool lf_breaks; /* every line break is "\n" or "\r\n": lines can be skipped with memchr */
} gx_parser;

/* ---- positions --------------------------------------------------------- */

static int gx_clamp_int(size_t v)
{
    return v >= (size_t)INT_MAX ? INT_MAX : (int)v;
}

/* 1-based line and column of a libyaml mark (libyaml counts from 0, columns
 * in characters; the byte order mark its reader drops is not counted). */
static void gx_mark_pos(yaml_mark_t mark, int *line, int *col)
{
    *line = gx_clamp_int(mark.line + 1);
    *col = gx_clamp_int(mark.column + 1);
}

/* 1-based line and column of byte offset off, counted the way libyaml counts
 * them: "\n", "\r\n" and a lone "\r" end a line, a column is one character
 * (a UTF-8 continuation byte does not start a new one), the BOM is not counted. */
static void gx_offset_pos(const gx_parser *p, size_t off, int *line, int *col)
{
    const unsigned char *s = (const unsigned char *)p->data;
    size_t l = 0, c = 0, i = p->bom ? 3 : 0;
    if (off > p->len)
        off = p->len;
    for (; i < off; i++) {
        unsigned char b = s[i];
        if (b == '\n') {
            l++;
            c = 0;
        } else if (b == '\r') {
            if (i + 1 < p->len && s[i + 1] == '\n')
                continue; /* the '\n' ends the line */
            l++;
            c = 0;
        } else if (!gx_utf8_is_continuation(b)) {
            c++;
        }
    }
    *line = gx_clamp_int(l + 1);
    *col = gx_clamp_int(c + 1);
}

/* Byte offset of a libyaml mark (whose index counts characters, not bytes),
 * found again from its line and column; len when past the end. */
static size_t gx_mark_offset(const gx_parser *p, yaml_mark_t mark)
{
    const unsigned char *s = (const unsigned char *)p->data;
    size_t i = p->bom ? 3 : 0, line = 0;
    while (line < mark.line && i < p->len) {
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= p->len || s[i + 1] != '\n')))
            line++;
        i++;
    }
    for (size_t c = 0; c < mark.column && i < p->len; c++) {
        i++;
        while (i < p->len && gx_utf8_is_continuation(s[i]))
            i++;
    }
    return i;
}

/* Length of the line break at s[i] as libyaml reads one ("\r\n", "\r",
 * "\n", U+0085, U+2028, U+2029), or 0. */
static size_t gx_break_at(const unsigned char *s, size_t len, size_t i)
{
    switch (s[i]) {
    case '\n': return 1;
    case '\r': return i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
    case 0xC2: return i + 1 < len && s[i + 1] == 0x85 ? 2 : 0;
    case 0xE2:
        return i + 2 < len && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9) ? 3 : 0;
    default: return 0;
    }
}

/* True when every line break of the input is "\n" or "\r\n" (no lone "\r",
 * U+0085, U+2028 or U+2029). */
static bool gx_lf_breaks(const unsigned char *s, size_t len)
{
    static const unsigned char leads[] = {'\r', 0xC2, 0xE2};
    for (size_t k = 0; k < sizeof leads; k++)
        for (const unsigned char *q = memchr(s, leads[k], len); q;
             q = memchr(q + 1, leads[k], len - (size_t)(q + 1 - s))) {
            size_t b = gx_break_at(s, len, (size_t)(q - s));
            if (b && !(*q == '\r' && b == 2))
                return false;
        }
    return true;
}

/* Byte offset of a libyaml mark, counted on from the previous conversion
 * (from the start when the mark lies before it); len when past the end. */
static size_t gx_mark_walk(gx_parser *p, yaml_mark_t mark)
{
    const unsigned char *s = (const unsigned char *)p->data;
    if (mark.line < p->cur_line || (mark.line == p->cur_line && mark.column < p->cur_col)) {
        p->cur_line = p->cur_col = 0;
        p->cur_off = p->bom ? 3 : 0;
    }
    size_t i = p->cur_off, line = p->cur_line, col = p->cur_col;
    if (p->lf_breaks) {
        while (line < mark.line && i < p->len) {
            const char *nl = memchr(p->data + i, '\n', p->len - i);
            i = nl ? (size_t)(nl - p->data) + 1 : p->len;
            if (nl) {
                line++;
                col = 0;
            }
        }
    }
    while (i < p->len && (line < mark.line || col < mark.column)) {
        size_t b = gx_break_at(s, p->len, i);
        if (b) {
            if (line == mark.line)
                break; /* a column past the end of its line */
            i += b;
            line++;
            col = 0;
        } else {
            i++;
            while (i < p->len && gx_utf8_is_continuation(s[i]))
                i++;
            col++;
        }
    }
    p->cur_line = line;
    p->cur_col = col;
    p->cur_off = i;
    return i;
}

/* gx_mark_walk when the parse records spans, else 0 (no walk at all). */
static inline size_t gx_mark_byte(gx_parser *p, yaml_mark_t mark)
{
    return p->spans ? gx_mark_walk(p, mark) : 0;
}

/* ---- diagnostics --------------------------------------------------------- */

/* A short printable rendering of a key for messages: control bytes escaped,
 * long keys cut. */
static const char *gx_msg_key(gx_parser *p, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t shown = len > GX_NODE_MSG_KEY_MAX ? GX_NODE_MSG_KEY_MAX : len;
    char *d = gx_arena_alloc(p->arena, shown * 4 + 4);
    size_t j = 0;
    for (size_t i = 0; i < shown; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x20 || b == 0x7F || b == '"' || b == '\\') {
            d[j++] = '\\';
            if (b == '"' || b == '\\') {
                d[j++] = (char)b;
            } else {
                d[j++] = 'x';
                d[j++] = hex[b >> 4];
                d[j++] = hex[b & 15];
            }
        } else {
            d[j++] = (char)b;
        }
    }
    if (shown < len) {
        memcpy(d + j, "...", 3);
        j += 3;
    }
    d[j] = '\0';
    return d;
}

static void gx_error_at(gx_parser *p, gx_code code, int line, int col, const char *hint,
                        const char *what, const char *detail)
{
    p->errors++;
    gx_diags_add(p->diags, code, p->file, line, col, hint, "%s%s", what, detail ? detail : "");
}

static void gx_error_mark(gx_parser *p, gx_code code, yaml_mark_t mark, const char *hint, const char *what,
                          const char *detail)
{
    int line, col;
    gx_mark_pos(mark, &line, &col);
    gx_error_at(p, code, line, col, hint, what, detail);
}

/* The parse stops once the diagnostics list cannot take more. */
static bool gx_give_up(const gx_parser *p)
{
    return p->errors > 0 && gx_diags_full(p->diags);
}

static void gx_libyaml_error(gx_parser *p, const yaml_parser_t *yp)
{
    int line, col;
    const char *problem = yp->problem ? yp->problem : "unknown error";
    const char *hint = "check the indentation and quoting here; quote a value that "
                       "contains \": \" or \" #\" or starts with a special character";

    if (yp->error == YAML_MEMORY_ERROR) {
        p->errors++;
        gx_diags_add(p->diags, GX_CODE_YAML_SYNTAX, p->file, 0, 0, NULL, "out of memory while reading YAML");
        return;
    }
    if (yp->error == YAML_READER_ERROR) {
        gx_offset_pos(p, yp->problem_offset, &line, &col);
        hint = "save the file as UTF-8 text without control characters";
        if (yp->problem_value != -1)
            gx_diags_add(p->diags, GX_CODE_YAML_SYNTAX, p->file, line, col, hint, "invalid YAML: %s (#%X)", problem,
                         (unsigned)yp->problem_value);
        else
            gx_diags_add(p->diags, GX_CODE_YAML_SYNTAX, p->file, line, col, hint, "invalid YAML: %s", problem);
        p->errors++;
        return;
    }
    gx_mark_pos(yp->problem_mark, &line, &col);
    size_t at = gx_mark_offset(p, yp->problem_mark);
    if (at < p->len && p->data[at] == '\t')
        hint = "YAML does not allow tabs for indentation; indent with spaces";
    p->errors++;
    if (yp->context) {
        int cline, ccol;
        gx_mark_pos(yp->context_mark, &cline, &ccol);
        gx_diags_add(p->diags, GX_CODE_YAML_SYNTAX, p->file, line, col, hint, "invalid YAML: %s (%s at line %d column %d)",
                     problem, yp->context, cline, ccol);
    } else {
        gx_diags_add(p->diags, GX_CODE_YAML_SYNTAX, p->file, line, col, hint, "invalid YAML: %s", problem);
    }
}

/* ---- tree building ------------------------------------------------------- */

static void gx_push_child(gx_parser *p, gx_node *node)
{
    if (p->sp == p->scap) {
        p->scap = p->scap ? p->scap * 2 : 64;
        p->stack = gx_xrealloc(p->stack, p->scap * sizeof *p->stack);
    }
    p->stack[p->sp++] = node;
}

/* Places a finished node: as the document root, or as the next child of the
 * innermost open collection. */
static void gx_attach(gx_parser *p, gx_node *node)
{
    if (p->depth == 0) {
        p->root = node;
        p->have_root = true;
    } else {
        gx_push_child(p, node);
    }
}

/* True when the next child of the innermost open collection is a mapping key. */
static bool gx_expect_key(const gx_parser *p)
{
    if (p->depth == 0)
        return false;
    const gx_frame *f = &p->frames[p->depth];
    return f->node->kind == GX_NODE_MAP && (p->sp - f->base) % 2 == 0;
}

static const char *gx_copy_tag(gx_parser *p, const yaml_char_t *tag)
{
    if (!tag)
        return NULL;
    const char *t = (const char *)tag;
    size_t n = sizeof gx_yaml_tag_prefix - 1;
    if (strncmp(t, gx_yaml_tag_prefix, n) == 0)
        return gx_arena_printf(p->arena, "!!%s", t + n);
    return gx_arena_strdup(p->arena, t);
}

static gx_node *gx_new_node(gx_parser *p, gx_node_kind kind, yaml_mark_t mark,
                            const yaml_char_t *tag)
{
    gx_node *n = gx_arena_alloc(p->arena, sizeof *n);
    n->kind = kind;
    n->file = p->file;
    gx_mark_pos(mark, &n->line, &n->col);
    n->start = n->end = gx_mark_byte(p, mark);
    n->tag = gx_copy_tag(p, tag);
    n->text = "";
    return n;
}

static void gx_check_anchor(gx_parser *p, const yaml_event_t *ev, const yaml_char_t *anchor)
{
    if (!anchor)
        return;
    const char *a = (const char *)anchor;
    const char *detail = gx_arena_printf(p->arena, " (&%s)", gx_msg_key(p, a, strlen(a)));
    gx_error_mark(p, GX_CODE_YAML_UNSAFE, ev->start_mark, gx_hint_alias, "YAML anchors are not allowed", detail);
}

static void gx_check_key_kind(gx_parser *p, const gx_node *n)
{
    if (n->kind == GX_NODE_SCALAR || !gx_expect_key(p))
        return;
    gx_error_at(p, GX_CODE_YAML_SYNTAX, n->line, n->col,
                "mapping keys must be plain strings; move the structure into the value",
                n->kind == GX_NODE_MAP ? "a mapping key is itself a mapping"
                                       : "a mapping key is a sequence",
                NULL);
}

/* Keys compare by what they mean: every null key ("", "~", "null", "Null",
 * "NULL" plain, or tagged !!null) is the same key, sorted first; any other key
 * compares by its bytes. */
static int gx_key_cmp(const gx_node *a, const gx_node *b)
{
    bool an = gx_node_is_null(a), bn = gx_node_is_null(b);
    if (an || bn)
        return an && bn ? 0 : an ? -1 : 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->text, b->text, n);
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

typedef struct gx_keyref {
    const gx_node *key;
    size_t index;
} gx_keyref;

static int gx_keyref_cmp(const void *va, const void *vb)
{
    const gx_keyref *a = va, *b = vb;
    int c = gx_key_cmp(a->key, b->key);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

static void gx_report_dup(gx_parser *p, const gx_node *first, const gx_node *dup)
{
    const char *what = gx_arena_printf(p->arena, "duplicate key \"%s\"",
                                       gx_msg_key(p, dup->text, dup->len));
    const char *detail = gx_arena_printf(p->arena, " (first defined at line %d column %d)",
                                         first->line, first->col);
    gx_error_at(p, GX_CODE_DUPLICATE_KEY, dup->line, dup->col,
                "a key may appear only once in a mapping; keep one of them", what, detail);
}

/* Reports every key that repeats an earlier key of the map, in document order,
 * each naming the first occurrence. */
static void gx_check_dups(gx_parser *p, gx_node *map)
{
    size_t n = map->count;
    if (n < 2)
        return;
    if (n <= GX_NODE_DUP_LINEAR_MAX) {
        for (size_t j = 1; j < n && !gx_give_up(p); j++) {
            if (map->keys[j]->kind != GX_NODE_SCALAR)
                continue;
            for (size_t i = 0; i < j; i++) {
                if (map->keys[i]->kind == GX_NODE_SCALAR &&
                    gx_key_cmp(map->keys[i], map->keys[j]) == 0) {
                    gx_report_dup(p, map->keys[i], map->keys[j]);
                    break;
                }
            }
        }
        return;
    }
    gx_keyref *refs = gx_xcalloc(n, sizeof *refs);
    size_t *first_of = gx_xcalloc(n, sizeof *first_of);
    for (size_t i = 0; i < n; i++) {
        refs[i].key = map->keys[i];
        refs[i].index = i;
        first_of[i] = SIZE_MAX;
    }
    qsort(refs, n, sizeof *refs, gx_keyref_cmp);
    size_t group = 0; /* index into refs where the run of equal keys starts */
    for (size_t k = 1; k < n; k++) {
        if (refs[k].key->kind == GX_NODE_SCALAR && refs[group].key->kind == GX_NODE_SCALAR &&
            gx_key_cmp(refs[group].key, refs[k].key) == 0)
            first_of[refs[k].index] = refs[group].index;
        else
            group = k;
    }
    for (size_t j = 0; j < n && !gx_give_up(p); j++)
        if (first_of[j] != SIZE_MAX)
            gx_report_dup(p, map->keys[first_of[j]], map->keys[j]);
    free(refs);
    free(first_of);
}

static void gx_open(gx_parser *p, gx_node *n)
{
    p->depth++;
    p->frames[p->depth].node = n;
    p->frames[p->depth].base = p->sp;
}

/* Closes the innermost collection: its children move from the scratch stack
 * into the arena, a map is checked for duplicate keys, and it is attached. */
static void gx_close(gx_parser *p)
{
    gx_frame *f = &p->frames[p->depth];
    gx_node *n = f->node;
    size_t count = p->sp - f->base;
    gx_node **kids = p->stack ? p->stack + f->base : NULL; /* NULL + 0 is UB */
    if (n->kind == GX_NODE_MAP) {
        n->count = count / 2;
        if (n->count) {
            n->keys = gx_arena_alloc(p->arena, n->count * sizeof *n->keys);
            n->items = gx_arena_alloc(p->arena, n->count * sizeof *n->items);
            for (size_t i = 0; i < n->count; i++) {
                n->keys[i] = kids[2 * i];
                n->items[i] = kids[2 * i + 1];
            }
        }
    } else {
        n->count = count;
        if (count) {
            n->items = gx_arena_alloc(p->arena, count * sizeof *n->items);
            memcpy(n->items, kids, count * sizeof *kids);
        }
    }
    p->sp = f->base;
    p->depth--;
    if (!n->flow && n->count)
        n->end = n->items[n->count - 1]->end;
    if (n->kind == GX_NODE_MAP)
        gx_check_dups(p, n);
    gx_attach(p, n);
}

/* Looks for a NUL byte; reports its position. */
static bool gx_scan_nul(gx_parser *p)
{
    const char *z = p->len ? memchr(p->data, '\0', p->len) : NULL;
    if (!z)
        return true;
    int line, col;
    gx_offset_pos(p, (size_t)(z - p->data), &line, &col);
    gx_error_at(p, GX_CODE_YAML_UNSAFE, line, col,
                "the file looks binary or UTF-16 encoded; save it as UTF-8 text",
                "NUL byte in input", NULL);
    return false;
}

static bool gx_parse(gx_arena *arena, const char *file, const char *data, size_t len,
                     bool spans, gx_node **out, gx_diags *diags)
{
    gx_parser p;
    memset(&p, 0, sizeof p);
    p.arena = arena;
    p.file = gx_arena_strdup(arena, file);
    p.data = data ? data : "";
    p.len = data ? len : 0;
    p.diags = diags;
    p.bom = p.len >= 3 && memcmp(p.data, "\xEF\xBB\xBF", 3) == 0;
    p.spans = spans;
    p.cur_off = p.bom ? 3 : 0;
    p.lf_breaks = spans && gx_lf_breaks((const unsigned char *)p.data, p.len);
    *out = NULL;

    if (!gx_scan_nul(&p))
        return false;
    /* UTF-8 only: libyaml would switch to UTF-16 on its byte order mark
     * (UTF-32 has NUL bytes, caught above) */
    if (p.len >= 2 && ((unsigned char)p.data[0] == 0xFF || (unsigned char)p.data[0] == 0xFE) &&
        ((unsigned char)p.data[1] ^ (unsigned char)p.data[0]) == 0x01) {
        gx_error_at(&p, GX_CODE_YAML_UNSAFE, 1, 1, "save the file as UTF-8 text", "input is UTF-16, not UTF-8", NULL);
        return false;
    }

    yaml_parser_t yp;
    if (!yaml_parser_initialize(&yp)) {
        gx_diags_add(diags, GX_CODE_YAML_SYNTAX, file, 0, 0, NULL, "out of memory while reading YAML");
        return false;
    }
    yaml_parser_set_input_string(&yp, (const unsigned char *)p.data, p.len);

    int documents = 0;
    bool done = false, fatal = false;
    while (!done && !fatal) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&yp, &ev)) {
            gx_libyaml_error(&p, &yp);
            fatal = true;
            break;
        }
        gx_node *n;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                gx_error_mark(&p, GX_CODE_YAML_UNSAFE, ev.start_mark,
                              "a file holds one YAML document; remove this '---' and what "
                              "follows, or move it into a separate file",
                              "more than one YAML document in the stream", NULL);
                fatal = true;
            }
            break;
        case YAML_ALIAS_EVENT: {
            const char *a = (const char *)ev.data.alias.anchor;
            const char *detail = gx_arena_printf(p.arena, " (*%s)",
                                                 gx_msg_key(&p, a, a ? strlen(a) : 0));
            gx_error_mark(&p, GX_CODE_YAML_UNSAFE, ev.start_mark, gx_hint_alias, "YAML aliases are not allowed", detail);
            /* a stand-in keeps the shape of the tree for further checks */
            n = gx_new_node(&p, GX_NODE_SCALAR, ev.start_mark, NULL);
            n->text = gx_arena_printf(p.arena, "*%s", a ? a : "");
            n->len = strlen(n->text);
            n->end = gx_mark_byte(&p, ev.end_mark);
            gx_attach(&p, n);
            break;
        }
        case YAML_SCALAR_EVENT:
            gx_check_anchor(&p, &ev, ev.data.scalar.anchor);
            n = gx_new_node(&p, GX_NODE_SCALAR, ev.start_mark, ev.data.scalar.tag);
            n->len = ev.data.scalar.length;
            n->text = gx_arena_strndup(p.arena, (const char *)ev.data.scalar.value, n->len);
            n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            n->end = gx_mark_byte(&p, ev.end_mark);
            gx_attach(&p, n);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            bool map = ev.type == YAML_MAPPING_START_EVENT;
            gx_check_anchor(&p, &ev, map ? ev.data.mapping_start.anchor
                                         : ev.data.sequence_start.anchor);
            n = gx_new_node(&p, map ? GX_NODE_MAP : GX_NODE_SEQ, ev.start_mark,
                            map ? ev.data.mapping_start.tag : ev.data.sequence_start.tag);
            n->flow = map ? ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                          : ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
            gx_check_key_kind(&p, n);
            if (p.depth >= GX_NODE_MAX_DEPTH) {
                char detail[64];
                snprintf(detail, sizeof detail, " (more than %d levels)", GX_NODE_MAX_DEPTH);
                gx_error_mark(&p, GX_CODE_YAML_UNSAFE, ev.start_mark,
                              "flatten the structure; values never need this much nesting",
                              "YAML nested too deeply", detail);
                fatal = true;
                break;
            }
            gx_open(&p, n);
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (p.depth == 0) {
                fatal = true; /* cannot happen with libyaml's events */
            } else {
                gx_node *open = p.frames[p.depth].node;
                if (open->flow)
                    open->end = gx_mark_byte(&p, ev.end_mark);
                gx_close(&p);
            }
            break;
        default: /* stream start, document end, no event */
            break;
        }
        yaml_event_delete(&ev);
        if (gx_give_up(&p))
            fatal = true;
    }
    yaml_parser_delete(&yp);
    free(p.stack);

    if (p.errors > 0 || fatal)
        return false;
    gx_node *root = p.have_root ? p.root : NULL;
    /* "---" with nothing after it: an empty document, like an empty stream */
    if (root && root->kind == GX_NODE_SCALAR && root->plain && root->len == 0 && !root->tag)
        root = NULL;
    *out = root;
    return true;
}

bool gx_node_parse(gx_arena *arena, const char *file, const char *data, size_t len,
                   gx_node **out, gx_diags *diags)
{
    return gx_parse(arena, file, data, len, false, out, diags);
}

bool gx_node_parse_spans(gx_arena *arena, const char *file, const char *data, size_t len,
                         gx_node **out, gx_diags *diags)
{
    return gx_parse(arena, file, data, len, true, out, diags);
}

/* ---- queries -------------------------------------------------------------- */

const gx_node *gx_node_get(const gx_node *map, const char *key)
{
    if (!map || map->kind != GX_NODE_MAP || !key)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < map->count; i++) {
        const gx_node *k = map->keys[i];
        if (k->kind == GX_NODE_SCALAR && k->len == n && memcmp(k->text, key, n) == 0)
            return map->items[i];
    }
    return NULL;
}

bool gx_node_is_null(const gx_node *node)
{
    if (!node || node->kind != GX_NODE_SCALAR)
        return false;
    if (node->tag)
        return strcmp(node->tag, "!!null") == 0;
    if (!node->plain)
        return false;
    const char *t = node->text;
    switch (node->len) {
    case 0:
        return true;
    case 1:
        return t[0] == '~';
    case 4:
        return strcmp(t, "null") == 0 || strcmp(t, "Null") == 0 || strcmp(t, "NULL") == 0;
    default:
        return false;
    }
}

bool gx_node_equal(const gx_node *a, const gx_node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return false;
    if (a->kind == GX_NODE_SCALAR)
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        if (a->kind == GX_NODE_MAP && !gx_node_equal(a->keys[i], b->keys[i]))
            return false;
        if (!gx_node_equal(a->items[i], b->items[i]))
            return false;
    }
    return true;
}
