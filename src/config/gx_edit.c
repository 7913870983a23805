/* gx_edit — edits of a values file applied to its text. See gx_edit.h.
 *
 * How: the edits are reduced to one final change per path and component
 * (the last edit wins; changes to what the file already holds are dropped),
 * then made one after another, in schema order, each on the text the one
 * before left: parse it (gx_node, with byte offsets), find the entries on the
 * path, and splice the text. The result is read back and compared with the
 * values expected; any doubt on the way ends in the full rewrite. */
#include "gx_edit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gx_node.h"
#include "gx_xalloc.h"
#include "gx_yamlout.h"

/* Path segments of a field ("config/providers/llm/options": 4). */
enum { GX_EDIT_MAX_SEGS = 16 };

/* One final change: a field or a component, set or removed. */
typedef struct gx_target {
    int field;     /* index in gx_fields[], or -1 for a component */
    int component; /* index in gx_components[] when field is -1 */
    bool set;      /* set to the value of the expected layer; else remove */
    const char *segs[GX_EDIT_MAX_SEGS];
    size_t nseg;
    char storage[512]; /* the segments' text */
} gx_target;

/* The document being edited, and what is known about it. */
typedef struct gx_ed {
    gx_buf text;       /* the current text */
    size_t body;       /* 3 after a byte order mark, else 0: where line 0 starts */
    const char *eol;   /* "\r\n" or "\n" */
    int step;          /* indentation step of the file */
    gx_layer *cur;     /* the values the current text holds (after the change
                          being made) */
    const gx_layer *want; /* the values the text must hold in the end */
    gx_arena *scratch; /* the current parse; renewed for every step */
    gx_node *root;     /* of the current text; NULL: an empty document */
    size_t *ls;        /* start of every line of the current text */
    size_t nl, lcap;
    const char *why;   /* why in-place editing gave up */
} gx_ed;

/* ---- values compared ---------------------------------------------------------- */

/* What a scalar of a structured value means: its YAML 1.2 core type when it
 * is plain and untagged, else a string (as gx_yamlout writes it back). */
static gx_yaml_core_type gx_scalar_class(const gx_node *n)
{
    return n->plain && !n->tag ? gx_yaml_core_resolve(n->text, n->len) : GX_YAML_CORE_STR;
}

/* Equality of structured values as their readers see them: every null is
 * the same null; other scalars are equal in type and text. */
static bool gx_node_same(const gx_node *a, const gx_node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->count != b->count)
        return false;
    if (a->kind == GX_NODE_SCALAR) {
        gx_yaml_core_type ca = gx_scalar_class(a), cb = gx_scalar_class(b);
        if (ca != cb)
            return false;
        return ca == GX_YAML_CORE_NULL || (a->len == b->len && memcmp(a->text, b->text, a->len) == 0);
    }
    for (size_t i = 0; i < a->count; i++) {
        if (a->kind == GX_NODE_MAP && !gx_node_same(a->keys[i], b->keys[i]))
            return false;
        if (!gx_node_same(a->items[i], b->items[i]))
            return false;
    }
    return true;
}

static bool gx_str_same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool gx_value_same(int field, gx_value a, gx_value b)
{
    switch (gx_fields[field].type) {
    case GX_T_STRING:
    case GX_T_QUANTITY: return gx_str_same(a.s, b.s);
    case GX_T_INT: return a.i == b.i;
    case GX_T_BOOL: return a.b == b.b;
    case GX_T_ENUM: return a.e == b.e;
    case GX_T_MAP:
        if (a.map.count != b.map.count)
            return false;
        for (size_t i = 0; i < a.map.count; i++)
            if (!gx_str_same(a.map.keys[i], b.map.keys[i]) ||
                !gx_str_same(a.map.values[i], b.map.values[i]))
                return false;
        return true;
    case GX_T_LIST:
        if (a.list.count != b.list.count)
            return false;
        for (size_t i = 0; i < a.list.count; i++)
            if (!gx_str_same(a.list.items[i], b.list.items[i]))
                return false;
        return true;
    case GX_T_YAML: return gx_node_same(a.node, b.node);
    }
    return false;
}

/* True when two layers set the same values and components. */
static bool gx_layer_same(const gx_layer *a, const gx_layer *b)
{
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        if (a->present[f] != b->present[f])
            return false;
        if (a->present[f] && !gx_value_same(f, a->value[f], b->value[f]))
            return false;
    }
    for (int c = 0; c < GX_COMPONENT_COUNT; c++) {
        if (a->comp_present[c] != b->comp_present[c])
            return false;
        if (a->comp_present[c] && a->comp_value[c] != b->comp_value[c])
            return false;
    }
    return true;
}

/* ---- lines of the current text ---------------------------------------------------- */

static void gx_ed_index(gx_ed *ed)
{
    const char *s = ed->text.data ? ed->text.data : "";
    size_t len = ed->text.len;
    ed->nl = 0;
    for (size_t i = ed->body;;) {
        if (ed->nl == ed->lcap) {
            ed->lcap = ed->lcap ? 2 * ed->lcap : 256;
            ed->ls = gx_xrealloc(ed->ls, ed->lcap * sizeof *ed->ls);
        }
        ed->ls[ed->nl++] = i;
        const char *nlp = i < len ? memchr(s + i, '\n', len - i) : NULL;
        if (!nlp || (size_t)(nlp - s) + 1 >= len)
            break;
        i = (size_t)(nlp - s) + 1;
    }
}

static const char *gx_ed_s(const gx_ed *ed)
{
    return ed->text.data ? ed->text.data : "";
}

/* The line that holds byte off. */
static size_t gx_ed_line_of(const gx_ed *ed, size_t off)
{
    size_t lo = 0, hi = ed->nl; /* ls[lo] <= off < ls[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ed->ls[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Start of the line after line i (the text's length after the last line). */
static size_t gx_ed_next(const gx_ed *ed, size_t i)
{
    return i + 1 < ed->nl ? ed->ls[i + 1] : ed->text.len;
}

/* End of line i's content, before its line break. */
static size_t gx_ed_end(const gx_ed *ed, size_t i)
{
    const char *s = gx_ed_s(ed);
    size_t e = gx_ed_next(ed, i);
    if (e > ed->ls[i] && s[e - 1] == '\n') {
        e--;
        if (e > ed->ls[i] && s[e - 1] == '\r')
            e--;
    }
    return e;
}

static bool gx_is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* True when [a, b) holds only spaces and tabs. */
static bool gx_ed_blank_span(const gx_ed *ed, size_t a, size_t b)
{
    const char *s = gx_ed_s(ed);
    for (size_t i = a; i < b; i++)
        if (!gx_is_space(s[i]))
            return false;
    return true;
}

/* True when [a, b) holds only spaces, then optionally a comment. */
static bool gx_ed_tail_ok(const gx_ed *ed, size_t a, size_t b)
{
    const char *s = gx_ed_s(ed);
    while (a < b && gx_is_space(s[a]))
        a++;
    return a == b || s[a] == '#';
}

static bool gx_ed_blank(const gx_ed *ed, size_t i)
{
    return gx_ed_blank_span(ed, ed->ls[i], gx_ed_end(ed, i));
}

/* Columns of leading spaces of line i. */
static size_t gx_ed_indent(const gx_ed *ed, size_t i)
{
    const char *s = gx_ed_s(ed);
    size_t a = ed->ls[i], e = gx_ed_end(ed, i);
    while (a < e && s[a] == ' ')
        a++;
    return a - ed->ls[i];
}

static bool gx_ed_comment(const gx_ed *ed, size_t i)
{
    size_t at = ed->ls[i] + gx_ed_indent(ed, i);
    return at < gx_ed_end(ed, i) && gx_ed_s(ed)[at] == '#';
}

static bool gx_ed_ends_with_break(const gx_ed *ed)
{
    return ed->text.len > ed->body && ed->text.data[ed->text.len - 1] == '\n';
}

/* ---- changing the text ------------------------------------------------------------- */

/* Appends s (n bytes, lines ended by "\n") with the file's line endings. */
static void gx_ed_conv(const gx_ed *ed, gx_buf *out, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\n')
            continue;
        gx_buf_put(out, s + run, i - run);
        gx_buf_puts(out, ed->eol);
        run = i + 1;
    }
    gx_buf_put(out, s + run, n - run);
}

/* Replaces the bytes [a, b) of the text with r (rn bytes, already in the
 * file's line endings). */
static void gx_ed_splice(gx_ed *ed, size_t a, size_t b, const char *r, size_t rn)
{
    gx_buf next = GX_BUF_INIT;
    const char *s = gx_ed_s(ed);
    gx_buf_put(&next, s, a);
    gx_buf_put(&next, r, rn);
    gx_buf_put(&next, s + b, ed->text.len - b);
    gx_buf_free(&ed->text);
    ed->text = next;
}

static bool gx_ed_give_up(gx_ed *ed, const char *why)
{
    if (!ed->why)
        ed->why = why;
    return false;
}

/* Parses the current text into ed->root and indexes its lines. */
static bool gx_ed_parse(gx_ed *ed)
{
    gx_arena_free(ed->scratch);
    ed->scratch = gx_arena_new();
    gx_diags scratch = GX_DIAGS_INIT;
    gx_diags_use_arena(&scratch, ed->scratch);
    bool ok = gx_node_parse_spans(ed->scratch, "values", gx_ed_s(ed), ed->text.len, &ed->root, &scratch);
    gx_diags_free(&scratch);
    gx_ed_index(ed);
    return ok || gx_ed_give_up(ed, "an intermediate text did not parse");
}

/* ---- entries --------------------------------------------------------------------------- */

/* Where a block map entry "key: value" stands in the text. */
typedef struct gx_entry {
    size_t lk, lv, le;   /* lines: the key's, the value's first and last */
    size_t col;          /* the key's column (its line's leading spaces) */
    size_t colon_end;    /* just past the ':' after the key */
    size_t vs, ce;       /* the value's first byte and the end of its text */
} gx_entry;

/* End of a node's text: its end with trailing blanks and line breaks (those
 * of a block scalar) left out. */
static size_t gx_ed_value_end(const gx_ed *ed, const gx_node *v)
{
    const char *s = gx_ed_s(ed);
    size_t e = v->end;
    while (e > v->start && (gx_is_space(s[e - 1]) || s[e - 1] == '\n' || s[e - 1] == '\r'))
        e--;
    return e;
}

/* The column of a key that starts its line (after spaces), or false. */
static bool gx_ed_key_col(gx_ed *ed, const gx_node *key, size_t *col)
{
    size_t l = gx_ed_line_of(ed, key->start);
    if (key->start > ed->text.len || !gx_ed_blank_span(ed, ed->ls[l], key->start))
        return gx_ed_give_up(ed, "a key does not start its line");
    const char *s = gx_ed_s(ed);
    for (size_t i = ed->ls[l]; i < key->start; i++)
        if (s[i] != ' ')
            return gx_ed_give_up(ed, "a key is indented with a tab");
    *col = key->start - ed->ls[l];
    return true;
}

static bool gx_ed_entry(gx_ed *ed, const gx_node *key, const gx_node *value, gx_entry *e)
{
    const char *s = gx_ed_s(ed);
    size_t len = ed->text.len;
    if (key->kind != GX_NODE_SCALAR || key->end > len || value->end > len ||
        value->start > value->end)
        return gx_ed_give_up(ed, "an entry's position is not known");
    if (!gx_ed_key_col(ed, key, &e->col))
        return false;
    e->lk = gx_ed_line_of(ed, key->start);
    size_t p = key->end;
    while (p < len && gx_is_space(s[p]))
        p++;
    if (p >= len || s[p] != ':')
        return gx_ed_give_up(ed, "a key is not followed by ':'");
    e->colon_end = p + 1;
    e->vs = value->start;
    e->ce = gx_ed_value_end(ed, value);
    if (e->vs < e->colon_end)
        return gx_ed_give_up(ed, "a value starts before its key's ':'");
    e->lv = gx_ed_line_of(ed, e->vs);
    e->le = gx_ed_line_of(ed, e->ce > e->vs ? e->ce - 1 : e->vs);
    if (e->lv != e->lk) {
        if (!gx_ed_tail_ok(ed, e->colon_end, gx_ed_end(ed, e->lk)) ||
            !gx_ed_blank_span(ed, ed->ls[e->lv], e->vs))
            return gx_ed_give_up(ed, "a value below its key shares a line");
    }
    if (!gx_ed_tail_ok(ed, e->ce, gx_ed_end(ed, e->le)))
        return gx_ed_give_up(ed, "a value is followed by more than a comment");
    return true;
}

/* Removes lines a..b (whole lines), and the blank lines that would be left
 * over: one of two blank lines that the removed lines stood between (or the
 * one after removed lines at the start), and the blank lines before removed
 * lines after which only blank lines follow. A text without a line break at
 * its end stays so. */
static void gx_ed_remove_lines(gx_ed *ed, size_t a, size_t b)
{
    size_t end = gx_ed_next(ed, b);
    bool rest_blank = true;
    for (size_t i = b + 1; i < ed->nl && rest_blank; i++)
        rest_blank = gx_ed_blank(ed, i);
    if (rest_blank) {
        while (a > 0 && gx_ed_blank(ed, a - 1))
            a--;
    } else if ((a == 0 || gx_ed_blank(ed, a - 1)) && gx_ed_blank(ed, b + 1)) {
        end = gx_ed_next(ed, b + 1);
    }
    size_t start = ed->ls[a];
    if (end == ed->text.len && a > 0 && !gx_ed_ends_with_break(ed))
        start = gx_ed_end(ed, a - 1);
    gx_ed_splice(ed, start, end, "", 0);
}

static bool gx_ed_remove_entry(gx_ed *ed, const gx_node *key, const gx_node *value)
{
    gx_entry e;
    if (!gx_ed_entry(ed, key, value, &e))
        return false;
    gx_ed_remove_lines(ed, e.lk, e.le);
    return true;
}

/* Replaces an entry's value with r, a rendering after "key:" as
 * gx_value_write gives it: " scalar\n" or "\n" and block lines. */
static bool gx_ed_replace_value(gx_ed *ed, const gx_node *key, const gx_node *value,
                                const char *r, size_t rn)
{
    gx_entry e;
    if (!gx_ed_entry(ed, key, value, &e))
        return false;
    if (rn < 1 || r[rn - 1] != '\n')
        return gx_ed_give_up(ed, "a value did not render");
    const char *s = gx_ed_s(ed);
    gx_buf rep = GX_BUF_INIT;
    if (rn == 1) {
        /* nothing: "key:" alone (a section emptied for now, filled by a later change) */
        if (e.lv == e.lk)
            gx_ed_splice(ed, e.colon_end, e.ce, "", 0);
        else
            gx_ed_remove_lines(ed, e.lv, e.le);
    } else if (r[0] == ' ') {
        /* a scalar or an empty collection: on the key's line */
        if (e.lv == e.lk) {
            if (e.vs == e.colon_end)
                gx_buf_putc(&rep, ' ');
            gx_ed_conv(ed, &rep, r + 1, rn - 2);
            gx_ed_splice(ed, e.vs, e.ce, rep.data, rep.len);
        } else {
            /* the lines of the old value go, then the value after the colon */
            size_t a = ed->ls[e.lv], b = gx_ed_next(ed, e.le);
            if (b == ed->text.len && !gx_ed_ends_with_break(ed))
                a = gx_ed_end(ed, e.lv - 1);
            gx_ed_splice(ed, a, b, "", 0);
            gx_buf_putc(&rep, ' ');
            gx_ed_conv(ed, &rep, r + 1, rn - 2);
            gx_ed_splice(ed, e.colon_end, e.colon_end, rep.data, rep.len);
        }
    } else if (r[0] == '\n') {
        /* a block value: its lines below the key */
        if (e.lv == e.lk) {
            size_t tail = e.ce, end = gx_ed_end(ed, e.le);
            if (!gx_ed_blank_span(ed, tail, end))
                gx_buf_put(&rep, s + tail, end - tail); /* "  # comment" stays on the key's line */
            gx_buf_puts(&rep, ed->eol);
            gx_ed_conv(ed, &rep, r + 1, rn - 2);
            gx_ed_splice(ed, e.colon_end, end, rep.data, rep.len);
        } else {
            gx_ed_conv(ed, &rep, r + 1, rn - 2);
            gx_ed_splice(ed, ed->ls[e.lv], gx_ed_end(ed, e.le), rep.data, rep.len);
        }
    } else {
        gx_buf_free(&rep);
        return gx_ed_give_up(ed, "a value did not render");
    }
    gx_buf_free(&rep);
    return true;
}

/* ---- rendering ----------------------------------------------------------------------- */

static bool gx_is_components(const gx_target *t)
{
    return t->field < 0;
}

/* Appends the lines of the fields of layer below prefix ("" for all of
 * them, else "a/b/"), nested by path segment in schema order, the first
 * level at column col. */
static void gx_render_fields(const gx_layer *layer, const char *prefix, int col, int step,
                             gx_buf *out)
{
    size_t plen = strlen(prefix);
    char open[GX_LAYER_OPEN_MAX] = ""; /* segments open below prefix, e.g. "ports/" */
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        const char *full = gx_fields[f].path;
        if (!layer->present[f] || strncmp(full, prefix, plen) != 0)
            continue;
        int depth;
        const char *seg = gx_layer_open_branch(out, open, full + plen, col, step, &depth);
        gx_buf_indent(out, col + step * depth);
        gx_yaml_str(out, seg);
        gx_buf_putc(out, ':');
        gx_value_write(out, f, layer->value[f], col + step * depth, step);
    }
}

static void gx_render_components(const gx_layer *layer, int col, gx_buf *out)
{
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        if (layer->comp_present[c]) {
            gx_buf_indent(out, col);
            gx_yaml_str(out, gx_components[c].name);
            gx_buf_puts(out, layer->comp_value[c] ? ": true\n" : ": false\n");
        }
}

static bool gx_any_component(const gx_layer *layer)
{
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        if (layer->comp_present[c])
            return true;
    return false;
}

/* The prefix "a/b/" of a target's first d segments. */
static void gx_prefix(const gx_target *t, size_t d, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d; i++) {
        int n = snprintf(buf + used, size - used, "%s/", t->segs[i]);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
}

/* True when nothing of layer lives below the target's first d
 * segments (d == nseg: the target itself). */
static bool gx_branch_empty(const gx_layer *layer, const gx_target *t, size_t d)
{
    if (gx_is_components(t))
        return d == 1 ? !gx_any_component(layer) : !layer->comp_present[t->component];
    if (d == t->nseg)
        return !layer->present[t->field];
    char prefix[512];
    gx_prefix(t, d, prefix, sizeof prefix);
    size_t plen = strlen(prefix);
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        if (layer->present[f] && strncmp(gx_fields[f].path, prefix, plen) == 0)
            return false;
    return true;
}

/* The lines of the section of the target's first d segments, its keys at
 * column col ("\n" first, as a block value after its key). */
static void gx_render_branch(const gx_ed *ed, const gx_target *t, size_t d, int col, gx_buf *out)
{
    gx_buf_putc(out, '\n');
    if (gx_is_components(t)) {
        gx_render_components(ed->cur, col, out);
        return;
    }
    char prefix[512];
    gx_prefix(t, d, prefix, sizeof prefix);
    gx_render_fields(ed->cur, prefix, col, ed->step, out);
}

/* The target's own value after "key:" at column col. */
static void gx_render_leaf(const gx_ed *ed, const gx_target *t, int col, gx_buf *out)
{
    if (gx_is_components(t))
        gx_buf_puts(out, ed->cur->comp_value[t->component] ? " true\n" : " false\n");
    else
        gx_value_write(out, t->field, ed->cur->value[t->field], col, ed->step);
}

/* The lines of the target's segments from found on: the sections missing
 * and the entry, the first at column col. */
static void gx_render_new(const gx_ed *ed, const gx_target *t, size_t found, int col, gx_buf *out)
{
    for (size_t d = found; d < t->nseg; d++) {
        int c = col + ed->step * (int)(d - found);
        gx_buf_indent(out, c);
        gx_yaml_str(out, t->segs[d]);
        gx_buf_putc(out, ':');
        if (d + 1 < t->nseg)
            gx_buf_putc(out, '\n');
        else
            gx_render_leaf(ed, t, c, out);
    }
}

/* ---- the edits ------------------------------------------------------------------------ */

/* The whole document anew in place of a top level that is a flow map or a
 * null: the expected values in block style, or "{}" when there are none. */
static bool gx_ed_reemit_root(gx_ed *ed)
{
    const gx_node *root = ed->root;
    const char *s = gx_ed_s(ed);
    if (root->end > ed->text.len)
        return gx_ed_give_up(ed, "the document's position is not known");
    size_t ce = gx_ed_value_end(ed, root);
    size_t lr = gx_ed_line_of(ed, root->start);
    size_t le = gx_ed_line_of(ed, ce > root->start ? ce - 1 : root->start);
    size_t end = gx_ed_end(ed, le);
    if (!gx_ed_tail_ok(ed, ce, end))
        return gx_ed_give_up(ed, "the document is followed by more than a comment");
    bool at_line_start = gx_ed_blank_span(ed, ed->ls[lr], root->start);
    size_t a = at_line_start ? ed->ls[lr] : root->start;
    gx_buf doc = GX_BUF_INIT;
    gx_render_fields(ed->cur, "", 0, ed->step, &doc);
    if (gx_any_component(ed->cur)) {
        gx_buf_puts(&doc, "components:\n");
        gx_render_components(ed->cur, ed->step, &doc);
    }
    if (!doc.len)
        gx_buf_puts(&doc, "{}\n");
    gx_buf rep = GX_BUF_INIT;
    if (!at_line_start)
        gx_buf_puts(&rep, ed->eol);
    gx_ed_conv(ed, &rep, doc.data, doc.len - 1);
    size_t c = ce;
    while (c < end && gx_is_space(s[c]))
        c++;
    if (c < end) { /* a comment after the flow document: on its own line */
        gx_buf_puts(&rep, ed->eol);
        gx_buf_put(&rep, s + c, end - c);
    }
    gx_ed_splice(ed, a, end, rep.data, rep.len);
    gx_buf_free(&rep);
    gx_buf_free(&doc);
    return true;
}

/* Adds the target's missing segments from found on, below map (NULL: the
 * document is empty). */
static bool gx_ed_insert(gx_ed *ed, const gx_node *map, const gx_target *t, size_t found)
{
    size_t col = 0, at = ed->text.len;
    if (!map) {
        /* an empty document: at its end, before a document end marker "..." */
        const char *s = gx_ed_s(ed);
        for (size_t i = 0; i < ed->nl; i++) {
            size_t a = ed->ls[i], e = gx_ed_end(ed, i);
            if (e - a >= 3 && !memcmp(s + a, "...", 3) && (e - a == 3 || gx_is_space(s[a + 3]))) {
                at = a;
                break;
            }
        }
    } else {
        if (map->kind != GX_NODE_MAP || map->count == 0)
            return gx_ed_give_up(ed, "a section is not a map");
        size_t e = map->count - 1;
        /* a new top-level section goes before a components: that ends the document */
        if (map == ed->root && found == 0 && !gx_is_components(t) && map->count >= 2 &&
            strcmp(map->keys[e]->text, "components") == 0)
            e--;
        gx_entry last;
        if (!gx_ed_entry(ed, map->keys[e], map->items[e], &last))
            return false;
        col = last.col;
        size_t j = last.le + 1;
        while (j < ed->nl && gx_ed_comment(ed, j) && gx_ed_indent(ed, j) > col)
            j++;
        at = j < ed->nl ? ed->ls[j] : ed->text.len;
    }
    gx_buf lines = GX_BUF_INIT;
    gx_render_new(ed, t, found, (int)col, &lines);
    gx_buf rep = GX_BUF_INIT;
    if (at == ed->text.len && ed->text.len > ed->body && !gx_ed_ends_with_break(ed))
        gx_buf_puts(&rep, ed->eol);
    gx_ed_conv(ed, &rep, lines.data, lines.len);
    gx_ed_splice(ed, at, at, rep.data, rep.len);
    gx_buf_free(&rep);
    gx_buf_free(&lines);
    return true;
}

/* Makes one change to the values (ed->cur) and the text. */
static bool gx_ed_apply(gx_ed *ed, const gx_target *t)
{
    const gx_layer *want = ed->want;
    if (gx_is_components(t)) {
        ed->cur->comp_present[t->component] = t->set;
        ed->cur->comp_value[t->component] = want->comp_value[t->component];
    } else {
        ed->cur->present[t->field] = t->set;
        ed->cur->value[t->field] = want->value[t->field];
    }
    if (!gx_ed_parse(ed))
        return false;
    const gx_node *root = ed->root;
    if (root && (root->kind != GX_NODE_MAP || root->flow))
        return gx_ed_reemit_root(ed);
    /* the entries on the path that exist */
    const gx_node *keys[GX_EDIT_MAX_SEGS], *values[GX_EDIT_MAX_SEGS];
    size_t found = 0;
    const gx_node *map = root;
    bool null_section = false; /* "section:" without entries (emptied by an earlier change) */
    while (map && found < t->nseg) {
        if (map->kind == GX_NODE_SCALAR && found > 0 && map->plain && gx_node_is_null(map)) {
            null_section = true;
            break;
        }
        if (map->kind != GX_NODE_MAP)
            return gx_ed_give_up(ed, "a section is not a map");
        const gx_node *v = NULL;
        size_t i = 0;
        for (; i < map->count; i++)
            if (map->keys[i]->kind == GX_NODE_SCALAR && strcmp(map->keys[i]->text, t->segs[found]) == 0 &&
                map->keys[i]->len == strlen(t->segs[found])) {
                v = map->items[i];
                break;
            }
        if (!v)
            break;
        keys[found] = map->keys[i];
        values[found] = v;
        found++;
        map = found < t->nseg ? v : NULL;
    }
    /* the outermost section on the way written in flow style */
    size_t flow = 0;
    for (size_t d = 1; d <= found && d < t->nseg && !flow; d++)
        if (values[d - 1]->kind == GX_NODE_MAP && values[d - 1]->flow)
            flow = d;
    if (!t->set) {
        if (found < t->nseg)
            return true; /* gone already, with a section an earlier change removed */
        /* the outermost section left without entries in the end goes with it */
        size_t empty = t->nseg;
        for (size_t d = 1; d < t->nseg; d++)
            if (gx_branch_empty(ed->want, t, d)) {
                empty = d;
                break;
            }
        if (!flow || empty <= flow)
            return gx_ed_remove_entry(ed, keys[empty - 1], values[empty - 1]);
    }
    gx_buf r = GX_BUF_INIT;
    bool ok;
    if (flow) {
        size_t col;
        ok = gx_ed_key_col(ed, keys[flow - 1], &col);
        if (ok) {
            gx_render_branch(ed, t, flow, (int)col + ed->step, &r);
            ok = gx_ed_replace_value(ed, keys[flow - 1], values[flow - 1], r.data, r.len);
        }
    } else if (found == t->nseg) {
        size_t col;
        ok = gx_ed_key_col(ed, keys[found - 1], &col);
        if (ok) {
            gx_render_leaf(ed, t, (int)col, &r);
            ok = gx_ed_replace_value(ed, keys[found - 1], values[found - 1], r.data, r.len);
        }
    } else if (null_section) {
        /* the missing segments as the block value of the empty section */
        size_t col;
        ok = gx_ed_key_col(ed, keys[found - 1], &col);
        if (ok) {
            gx_buf_putc(&r, '\n');
            gx_render_new(ed, t, found, (int)col + ed->step, &r);
            ok = gx_ed_replace_value(ed, keys[found - 1], values[found - 1], r.data, r.len);
        }
    } else {
        ok = gx_ed_insert(ed, found ? values[found - 1] : root, t, found);
    }
    gx_buf_free(&r);
    return ok;
}

/* ---- the file's conventions -------------------------------------------------------------- */

/* The column step of the first block map nested in a block map, or 0. */
static size_t gx_find_step(const gx_ed *ed, const gx_node *map)
{
    if (!map || map->kind != GX_NODE_MAP || map->flow || map->count == 0)
        return 0;
    for (size_t i = 0; i < map->count; i++) {
        const gx_node *v = map->items[i];
        if (v->kind == GX_NODE_MAP && !v->flow && v->count) {
            size_t pk = map->keys[i]->start, ck = v->keys[0]->start;
            size_t pl = gx_ed_line_of(ed, pk), cl = gx_ed_line_of(ed, ck);
            size_t pc = pk - ed->ls[pl], cc = ck - ed->ls[cl];
            if (cl > pl && cc > pc && gx_ed_blank_span(ed, ed->ls[pl], pk) &&
                gx_ed_blank_span(ed, ed->ls[cl], ck))
                return cc - pc;
        }
        size_t inner = gx_find_step(ed, v);
        if (inner)
            return inner;
    }
    return 0;
}

/* True when the text holds a line break this module does not edit around:
 * a lone "\r", or U+0085, U+2028, U+2029 (libyaml's other line breaks). */
static bool gx_odd_breaks(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        if (u[i] == '\r' && (i + 1 >= len || u[i + 1] != '\n'))
            return true;
        if (u[i] == 0xC2 && i + 1 < len && u[i + 1] == 0x85)
            return true;
        if (u[i] == 0xE2 && i + 2 < len && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9))
            return true;
    }
    return false;
}

/* ---- the whole ------------------------------------------------------------------------------ */

/* Reads text into a layer in arena; diagnostics into diags. */
static bool gx_read(gx_arena *arena, const char *file, const char *text, size_t len,
                    gx_layer *layer, gx_diags *diags)
{
    gx_layer_init(layer, GX_LAYER_VALUES, file);
    return gx_layer_read(arena, layer, text, len, diags);
}

/* True when text reads back as exactly the expected values. */
static bool gx_reads_as(const char *file, const char *text, size_t len, const gx_layer *expected)
{
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    gx_diags_use_arena(&diags, arena);
    gx_layer *got = gx_arena_alloc(arena, sizeof *got);
    bool ok = gx_read(arena, file, text, len, got, &diags) && gx_layer_same(got, expected);
    gx_diags_free(&diags);
    gx_arena_free(arena);
    return ok;
}

/* The full rewrite: the byte order mark and the leading comment and blank
 * lines of text, then gx_layer_write's document, in the file's line endings. */
static void gx_rewrite(const gx_ed *ed, const char *text, size_t len, const gx_layer *expected,
                       gx_buf *out)
{
    size_t head = ed->body;
    while (head < len) {
        size_t a = head;
        while (a < len && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        if (a < len && text[a] != '#' && text[a] != '\n')
            break;
        const char *nl = a < len ? memchr(text + a, '\n', len - a) : NULL;
        head = nl ? (size_t)(nl - text) + 1 : len;
    }
    gx_buf_put(out, text, head);
    if (head > ed->body && text[head - 1] != '\n')
        gx_buf_puts(out, ed->eol);
    gx_buf doc = GX_BUF_INIT;
    gx_layer_write(expected, &doc);
    gx_ed_conv(ed, out, doc.data, doc.len);
    gx_buf_free(&doc);
}

/* Splits a path into segments (in t->storage). */
static bool gx_target_segs(gx_target *t, const char *path)
{
    snprintf(t->storage, sizeof t->storage, "%s", path);
    t->nseg = 0;
    for (char *p = t->storage;;) {
        if (t->nseg == GX_EDIT_MAX_SEGS)
            return false;
        t->segs[t->nseg++] = p;
        char *slash = strchr(p, '/');
        if (!slash)
            return true;
        *slash = '\0';
        p = slash + 1;
    }
}

/* Resolves the edits into the expected layer (old values with the edits
 * applied). False with a diagnostic for an edit that names something
 * unknown or disables a mandatory component. */
static bool gx_expect(const gx_value_edit *edits, size_t count, gx_layer *expected, gx_diags *diags)
{
    bool ok = true;
    for (size_t i = 0; i < count; i++) {
        const gx_value_edit *e = &edits[i];
        const char *name = e->path ? e->path : "";
        if (e->kind == GX_EDIT_SET || e->kind == GX_EDIT_UNSET) {
            int f = gx_field_find(name);
            if (f < 0) {
                char hint[600];
                gx_field_unknown_hint(name, hint, sizeof hint);
                gx_diags_add(diags, GX_CODE_UNKNOWN_PATH, NULL, 0, 0, hint, "unknown path '%.80s'", name);
                ok = false;
                continue;
            }
            expected->present[f] = e->kind == GX_EDIT_SET;
            if (e->kind == GX_EDIT_SET)
                expected->value[f] = e->value;
            continue;
        }
        int c = gx_component_find(name);
        if (c < 0) {
            gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_UNKNOWN_COMPONENT, NULL,
                                       "unknown component '%.80s'", name);
            if (d) {
                d->hint = "the component list shows every component";
                d->remedy.kind = GX_REMEDY_LIST_COMPONENTS;
            }
            ok = false;
            continue;
        }
        if (e->kind == GX_EDIT_COMPONENT && !e->enabled && gx_components[c].mandatory) {
            gx_diags_push(diags, GX_BLOCKING, GX_CODE_MANDATORY_COMPONENT, NULL,
                          "component '%s' is mandatory and cannot be disabled", gx_components[c].name);
            ok = false;
            continue;
        }
        expected->comp_present[c] = e->kind == GX_EDIT_COMPONENT;
        expected->comp_value[c] = e->kind == GX_EDIT_COMPONENT && e->enabled;
    }
    return ok;
}

/* Edits the text in place, change by change in schema order; false (with
 * ed->why) when something is not as this module edits it. */
static bool gx_edit_in_place(gx_ed *ed, const gx_layer *old)
{
    const gx_layer *want = ed->want;
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        bool changed = want->present[f] != old->present[f] ||
                       (want->present[f] && !gx_value_same(f, want->value[f], old->value[f]));
        if (!changed)
            continue;
        gx_target t = {.field = f, .component = -1, .set = want->present[f]};
        if (!gx_target_segs(&t, gx_fields[f].path))
            return gx_ed_give_up(ed, "a path is too deep");
        if (!gx_ed_apply(ed, &t))
            return false;
    }
    for (int c = 0; c < GX_COMPONENT_COUNT; c++) {
        bool changed = want->comp_present[c] != old->comp_present[c] ||
                       (want->comp_present[c] && want->comp_value[c] != old->comp_value[c]);
        if (!changed)
            continue;
        gx_target t = {.field = -1, .component = c, .set = want->comp_present[c]};
        t.segs[0] = "components";
        t.segs[1] = gx_components[c].name;
        t.nseg = 2;
        if (!gx_ed_apply(ed, &t))
            return false;
    }
    return true;
}

bool gx_values_edit(const char *file, const char *text, size_t len, const gx_value_edit *edits,
                    size_t count, gx_buf *out, gx_diags *diags)
{
    if (!file)
        file = "values.yaml";
    if (!text)
        text = "", len = 0;
    gx_arena *arena = gx_arena_new();
    gx_layer *old = gx_arena_alloc(arena, sizeof *old);
    gx_layer *expected = gx_arena_alloc(arena, sizeof *expected);
    if (!gx_read(arena, file, text, len, old, diags)) {
        gx_arena_free(arena);
        return false;
    }
    *expected = *old;
    if (!gx_expect(edits, count, expected, diags)) {
        gx_arena_free(arena);
        return false;
    }

    gx_ed ed;
    memset(&ed, 0, sizeof ed);
    ed.cur = gx_arena_alloc(arena, sizeof *ed.cur);
    *ed.cur = *old;
    ed.want = expected;
    ed.body = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const char *first_nl = memchr(text, '\n', len);
    ed.eol = first_nl && first_nl > text && first_nl[-1] == '\r' ? "\r\n" : "\n";
    gx_buf_put(&ed.text, text, len);

    bool in_place = false;
    if (gx_odd_breaks(text, len)) {
        ed.why = "the file has line breaks other than \"\\n\" and \"\\r\\n\"";
    } else if (gx_ed_parse(&ed)) {
        size_t step = gx_find_step(&ed, ed.root);
        ed.step = step >= 1 && step <= 8 ? (int)step : 2;
        in_place = gx_edit_in_place(&ed, old) &&
                   (gx_reads_as(file, gx_ed_s(&ed), ed.text.len, expected) ||
                    gx_ed_give_up(&ed, "the edited text did not read back as the values set"));
    }
    bool ok = true;
    if (in_place) {
        gx_buf_put(out, gx_ed_s(&ed), ed.text.len);
    } else {
        gx_buf full = GX_BUF_INIT;
        if (!ed.step)
            ed.step = 2;
        gx_rewrite(&ed, text, len, expected, &full);
        if (gx_reads_as(file, full.data ? full.data : "", full.len, expected)) {
            gx_buf_put(out, full.data ? full.data : "", full.len);
            gx_diag *d = gx_diags_push(diags, GX_NOTE, GX_CODE_GENERIC, NULL,
                                       "%s was written anew, not edited in place (%s): its "
                                       "comments and layout were not kept",
                                       file, ed.why ? ed.why : "unknown reason");
            if (d)
                d->file = gx_diags_strdup(diags, file);
        } else {
            gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_GENERIC, NULL,
                                       "%s not written: the values would not read back as set",
                                       file);
            if (d) {
                d->file = gx_diags_strdup(diags, file);
                d->hint = "values are UTF-8 text; check the value's encoding";
            }
            ok = false;
        }
        gx_buf_free(&full);
    }
    gx_buf_free(&ed.text);
    free(ed.ls);
    gx_arena_free(ed.scratch);
    gx_arena_free(arena);
    return ok;
}
