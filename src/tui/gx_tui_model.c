/* gx_tui_model — the terminal UI's state and keys (gx_tui_model.h). */
#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gx_text.h"
#include "gx_tui_internal.h"
#include "gx_utf8.h"
#include "gx_xalloc.h"

#define GX_TUI_MAX_LINES 5000

/* ---- small helpers ----------------------------------------------------------------- */

static void gx_msg(gx_tui *m, uint16_t attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void gx_msg(gx_tui *m, uint16_t attr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->message, sizeof m->message, fmt, ap);
    va_end(ap);
    m->message_attr = attr;
}

static void gx_input_clear(gx_tui_input *in)
{
    in->len = 0;
    in->cursor = 0;
}

static void gx_input_insert(gx_tui_input *in, uint32_t cp)
{
    if (in->len + 1 > in->cap) {
        in->cap = in->cap ? 2 * in->cap : 64;
        in->cp = gx_xrealloc(in->cp, in->cap * sizeof *in->cp);
    }
    memmove(in->cp + in->cursor + 1, in->cp + in->cursor, (in->len - in->cursor) * sizeof *in->cp);
    in->cp[in->cursor++] = cp;
    in->len++;
}

static void gx_input_set(gx_tui_input *in, const char *text)
{
    gx_input_clear(in);
    while (text && *text) {
        uint32_t cp;
        size_t n = gx_utf8_decode(text, strnlen(text, 4), &cp);
        if (!n) {
            cp = 0xfffd;
            n = 1;
        }
        text += n;
        gx_input_insert(in, cp);
    }
}

char *gx_tui_input_text(const gx_tui_input *in)
{
    gx_buf b = GX_BUF_INIT;
    for (size_t i = 0; i < in->len; i++) {
        char o[GX_UTF8_MAX_LEN];
        size_t n = gx_utf8_encode(in->cp[i], o);
        gx_buf_put(&b, o, n);
    }
    gx_buf_putc(&b, '\0');
    return b.data;
}

/* A combining mark (joins the character before it: the cursor skips it). */
static bool gx_is_mark(uint32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
           (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff) ||
           (cp >= 0xfe20 && cp <= 0xfe2f) || cp == 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f);
}

/* Edits in.cp for key; true when the text changed. multiline: Enter and Tab
 * insert, Up/Down move by line. */
static bool gx_input_key(gx_tui_input *in, uint32_t key, bool multiline, bool *handled)
{
    *handled = true;
    switch (key) {
    case GX_KEY_LEFT:
        while (in->cursor > 0) {
            in->cursor--;
            if (!gx_is_mark(in->cp[in->cursor]))
                break;
        }
        return false;
    case GX_KEY_RIGHT:
        if (in->cursor < in->len)
            in->cursor++;
        while (in->cursor < in->len && gx_is_mark(in->cp[in->cursor]))
            in->cursor++;
        return false;
    case GX_KEY_HOME:
    case GX_KEY_CTRL('a'):
        while (in->cursor > 0 && !(multiline && in->cp[in->cursor - 1] == '\n'))
            in->cursor--;
        return false;
    case GX_KEY_END:
    case GX_KEY_CTRL('e'):
        while (in->cursor < in->len && !(multiline && in->cp[in->cursor] == '\n'))
            in->cursor++;
        return false;
    case GX_KEY_BACKSPACE: {
        if (!in->cursor)
            return false;
        size_t end = in->cursor;
        size_t start = end;
        /* the character before the cursor with its combining marks */
        while (start > 0) {
            start--;
            if (!gx_is_mark(in->cp[start]))
                break;
        }
        memmove(in->cp + start, in->cp + end, (in->len - end) * sizeof *in->cp);
        in->len -= end - start;
        in->cursor = start;
        return true;
    }
    case GX_KEY_DELETE: {
        if (in->cursor >= in->len)
            return false;
        size_t end = in->cursor + 1;
        while (end < in->len && gx_is_mark(in->cp[end]))
            end++;
        memmove(in->cp + in->cursor, in->cp + end, (in->len - end) * sizeof *in->cp);
        in->len -= end - in->cursor;
        return true;
    }
    case GX_KEY_CTRL('u'):
        gx_input_clear(in);
        return true;
    case GX_KEY_UP:
    case GX_KEY_DOWN: {
        if (!multiline) {
            *handled = false;
            return false;
        }
        size_t start = in->cursor;
        while (start > 0 && in->cp[start - 1] != '\n')
            start--;
        size_t col = in->cursor - start;
        if (key == GX_KEY_UP) {
            if (!start)
                return false;
            size_t pstart = start - 1;
            while (pstart > 0 && in->cp[pstart - 1] != '\n')
                pstart--;
            size_t plen = start - 1 - pstart;
            in->cursor = pstart + (col < plen ? col : plen);
        } else {
            size_t end = in->cursor;
            while (end < in->len && in->cp[end] != '\n')
                end++;
            if (end >= in->len)
                return false;
            size_t nstart = end + 1, nend = nstart;
            while (nend < in->len && in->cp[nend] != '\n')
                nend++;
            in->cursor = nstart + (col < nend - nstart ? col : nend - nstart);
        }
        return false;
    }
    case GX_KEY_ENTER:
        if (!multiline) {
            *handled = false;
            return false;
        }
        gx_input_insert(in, '\n');
        return true;
    case GX_KEY_TAB:
        if (!multiline) {
            *handled = false;
            return false;
        }
        gx_input_insert(in, ' ');
        gx_input_insert(in, ' ');
        return true;
    default:
        if (key >= 0x20 && key != 0x7f && key < 0x110000) {
            gx_input_insert(in, key);
            return true;
        }
        *handled = false;
        return false;
    }
}

/* ---- the tree ------------------------------------------------------------------------- */

static int gx_node_find(gx_tui *m, const char *prefix, bool section)
{
    for (size_t i = 0; i < m->nnodes; i++)
        if ((m->nodes[i].field < 0) == section && !strcmp(m->nodes[i].prefix, prefix))
            return (int)i;
    return -1;
}

static int gx_node_add(gx_tui *m, const char *prefix, size_t len, int field, int parent)
{
    m->nodes = gx_xrealloc(m->nodes, (m->nnodes + 1) * sizeof *m->nodes);
    gx_tui_node *n = &m->nodes[m->nnodes];
    memset(n, 0, sizeof *n);
    n->prefix = gx_xstrndup(prefix, len);
    const char *slash = strrchr(n->prefix, '/');
    n->name = slash ? slash + 1 : n->prefix;
    n->field = field;
    n->parent = parent;
    n->depth = parent < 0 ? 0 : m->nodes[parent].depth + 1;
    n->component = -1;
    if (field < 0) {
        char with_slash[256];
        snprintf(with_slash, sizeof with_slash, "%s/", n->prefix);
        for (size_t c = 0; c < gx_core_component_count(); c++)
            if (!strcmp(gx_core_component(c)->prefix, with_slash))
                n->component = (int)c;
    }
    int idx = (int)m->nnodes++;
    if (parent < 0) {
        m->roots = gx_xrealloc(m->roots, (m->nroots + 1) * sizeof *m->roots);
        m->roots[m->nroots++] = idx;
    } else {
        gx_tui_node *p = &m->nodes[parent];
        p->children = gx_xrealloc(p->children, (p->nchildren + 1) * sizeof *p->children);
        p->children[p->nchildren++] = idx;
    }
    return idx;
}

static void gx_tree_build(gx_tui *m)
{
    for (size_t f = 0; f < gx_core_field_count(); f++) {
        const char *path = gx_core_field(f)->path;
        int parent = -1;
        const char *pos = NULL;
        char prefix[256];
        while (gx_path_branch_next(path, &pos, prefix, sizeof prefix)) {
            int n = gx_node_find(m, prefix, true);
            if (n < 0)
                n = gx_node_add(m, path, strlen(prefix), -1, parent);
            parent = n;
        }
        gx_node_add(m, path, strlen(path), (int)f, parent);
    }
}

static void gx_rows_walk(gx_tui *m, int node)
{
    m->rows[m->nrows++] = node;
    const gx_tui_node *n = &m->nodes[node];
    if (n->field < 0 && n->expanded)
        for (size_t i = 0; i < n->nchildren; i++)
            gx_rows_walk(m, n->children[i]);
}

static void gx_rows_build(gx_tui *m)
{
    int keep = m->nrows ? m->rows[m->cursor] : -1;
    m->rows = gx_xrealloc(m->rows, (m->nnodes + 1) * sizeof *m->rows);
    m->nrows = 0;
    for (size_t i = 0; i < m->nroots; i++)
        gx_rows_walk(m, m->roots[i]);
    m->cursor = 0;
    for (size_t i = 0; i < m->nrows; i++)
        if (m->rows[i] == keep)
            m->cursor = i;
}

int gx_tui_pane_rows(const gx_tui *m)
{
    int rows = m->h - 8; /* title, legend; info (3), status, keys */
    return rows < 1 ? 1 : rows;
}

static const gx_tui_node *gx_cursor_node(const gx_tui *m)
{
    return m->nrows ? &m->nodes[m->rows[m->cursor]] : NULL;
}

bool gx_tui_jump(gx_tui *m, const char *path)
{
    int f = gx_core_field_find(path);
    if (f < 0)
        return false;
    int node = gx_node_find(m, path, false);
    for (int p = m->nodes[node].parent; p >= 0; p = m->nodes[p].parent)
        m->nodes[p].expanded = true;
    gx_rows_build(m);
    for (size_t i = 0; i < m->nrows; i++)
        if (m->rows[i] == node)
            m->cursor = i;
    /* the path a third down the pane, its sections above it; no empty rows below */
    size_t rows = (size_t)gx_tui_pane_rows(m);
    m->top = m->cursor > rows / 3 ? m->cursor - rows / 3 : 0;
    if (m->nrows > rows && m->top > m->nrows - rows)
        m->top = m->nrows - rows;
    m->pane = GX_PANE_TREE;
    return true;
}

/* ---- reading --------------------------------------------------------------------------- */

/* Collects the first blocking diagnostic an operation reports. */
typedef struct gx_collect {
    char first[600];
    gx_code code;
    bool any;
} gx_collect;

static void gx_collect_event(void *ctx, const gx_event *ev)
{
    gx_collect *c = ctx;
    if ((ev->kind == GX_EV_DIAG || ev->kind == GX_EV_RESULT) && ev->diag &&
        ev->diag->severity == GX_BLOCKING && !c->any) {
        const gx_diag *d = ev->diag;
        c->any = true;
        c->code = d->code;
        if (d->line)
            snprintf(c->first, sizeof c->first, "%s:%d:%d: %s", d->file ? d->file : "", d->line,
                     d->col, d->message);
        else
            snprintf(c->first, sizeof c->first, "%s", d->message);
    }
}

/* Reads the saved values, the revision and the saved component states. */
static bool gx_read_saved(gx_tui *m, gx_diags *diags)
{
    gx_session_reset(m->saved);
    gx_collect col = {0};
    gx_sink sink = {gx_collect_event, &col};
    gx_values vals;
    if (gx_op_get(m->saved, NULL, 0, &sink, &vals) != GX_STATUS_OK) {
        if (diags)
            gx_diags_push(diags, GX_BLOCKING, col.code, NULL, "%s",
                          col.any ? col.first : "the workspace cannot be read");
        return false;
    }
    for (size_t i = 0; i < vals.count && i < m->nfields; i++) {
        int f = vals.items[i].field;
        free(m->saved_text[f]);
        m->saved_text[f] = gx_xstrdup(vals.items[i].text);
        m->saved_default[f] = vals.items[i].is_default;
    }
    free(m->revision);
    m->revision = gx_xstrdup(vals.revision);
    gx_op_components(m->saved, NULL, m->comp_saved);
    return true;
}

/* Reads the values with the draft applied, the components and the validation. */
static void gx_refresh(gx_tui *m)
{
    gx_session_reset(m->draft);
    free(m->load_error);
    m->load_error = NULL;
    gx_collect col = {0};
    gx_sink sink = {gx_collect_event, &col};
    gx_values vals;
    memset(m->fs, 0, m->nfields * sizeof *m->fs);
    memset(&m->validation, 0, sizeof m->validation);
    m->blocking = m->warnings = 0;
    if (gx_op_get(m->draft, NULL, 0, &sink, &vals) != GX_STATUS_OK) {
        m->load_error = gx_xstrdup(col.any ? col.first : "the values cannot be read");
        m->blocking = 1;
        return;
    }
    for (size_t i = 0; i < vals.count; i++) {
        gx_tui_field_state *s = &m->fs[vals.items[i].field];
        s->text = vals.items[i].text;
        s->origin = vals.items[i].origin.text;
        s->layer = vals.items[i].origin.layer ? vals.items[i].origin.layer : "secrets";
        s->is_default = vals.items[i].is_default;
    }
    /* a value typed in an editor switches no component: its keys skip that read */
    if (!m->typing)
        gx_op_components(m->draft, NULL, m->comp_on);
    gx_op_validate(m->draft, NULL, &m->validation);
    m->blocking = m->validation.blocking;
    m->warnings = m->validation.warnings;
    for (size_t i = 0; m->validation.diags && i < m->validation.diags->count; i++) {
        const gx_diag *d = &m->validation.diags->items[i];
        int f = d->path ? gx_core_field_find(d->path) : -1;
        if (f < 0)
            continue;
        gx_tui_field_state *s = &m->fs[f];
        if (d->severity == GX_BLOCKING)
            s->blocking++;
        else if (d->severity == GX_WARNING)
            s->warnings++;
        else
            continue;
        if (!s->result || (d->severity == GX_BLOCKING && s->blocking == 1))
            s->result = d->message;
    }
}

/* Gives the draft session the edits (and, when cand_field >= 0, the
 * candidate text for that path, checked: false with *error when it does not
 * parse). */
static bool gx_sync_draft(gx_tui *m, int cand_field, const char *cand, char **error)
{
    gx_session_draft_clear(m->draft);
    gx_diags diags = GX_DIAGS_INIT;
    for (size_t i = 0; i < m->nedits; i++) {
        const gx_tui_edit *e = &m->edits[i];
        if (e->kind == GX_TE_COMPONENT)
            gx_session_draft_component(m->draft, gx_core_component((size_t)e->index)->name,
                                       e->enable, &diags);
        else if (e->index == cand_field)
            continue;
        else if (e->kind == GX_TE_SET)
            gx_session_draft_set(m->draft, gx_core_field((size_t)e->index)->path, e->text, &diags);
        else
            gx_session_draft_unset(m->draft, gx_core_field((size_t)e->index)->path, &diags);
    }
    gx_diags_free(&diags);
    bool ok = true;
    if (cand_field >= 0) {
        gx_diags cd = GX_DIAGS_INIT;
        ok = gx_session_draft_set(m->draft, gx_core_field((size_t)cand_field)->path, cand, &cd);
        if (!ok && error) {
            const gx_diag *d = cd.count ? &cd.items[0] : NULL;
            char text[700];
            if (d && d->line)
                snprintf(text, sizeof text, "line %d:%d: %s", d->line, d->col, d->message);
            else
                snprintf(text, sizeof text, "%s", d ? d->message : "the value does not parse");
            *error = gx_xstrdup(text);
        }
        if (!ok) { /* the edits as they were, for what is shown meanwhile */
            for (size_t i = 0; i < m->nedits; i++)
                if (m->edits[i].index == cand_field && m->edits[i].kind != GX_TE_COMPONENT) {
                    if (m->edits[i].kind == GX_TE_SET)
                        gx_session_draft_set(m->draft, gx_core_field((size_t)cand_field)->path,
                                             m->edits[i].text, &cd);
                    else
                        gx_session_draft_unset(m->draft, gx_core_field((size_t)cand_field)->path,
                                               &cd);
                }
        }
        gx_diags_free(&cd);
    }
    return ok;
}

/* ---- edits, undo, redo -------------------------------------------------------------------- */

static gx_tui_edit *gx_edit_find(gx_tui *m, bool component, int index)
{
    for (size_t i = 0; i < m->nedits; i++)
        if ((m->edits[i].kind == GX_TE_COMPONENT) == component && m->edits[i].index == index)
            return &m->edits[i];
    return NULL;
}

static gx_tui_edit gx_edit_copy(const gx_tui_edit *e)
{
    gx_tui_edit c = *e;
    c.text = e->text ? gx_xstrdup(e->text) : NULL;
    return c;
}

/* Makes the edit of (component, index) e, or none when e is NULL. */
static void gx_edit_put(gx_tui *m, bool component, int index, const gx_tui_edit *e)
{
    gx_tui_edit *old = gx_edit_find(m, component, index);
    if (old) {
        free(old->text);
        size_t at = (size_t)(old - m->edits);
        memmove(old, old + 1, (m->nedits - at - 1) * sizeof *old);
        m->nedits--;
    }
    if (e) {
        m->edits = gx_xrealloc(m->edits, (m->nedits + 1) * sizeof *m->edits);
        m->edits[m->nedits++] = gx_edit_copy(e);
    }
}

static void gx_step_free(gx_tui_step *s)
{
    free(s->before.text);
    free(s->after.text);
}

static void gx_steps_clear(gx_tui_step *steps, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        gx_step_free(&steps[i]);
    *n = 0;
}

static void gx_step_push(gx_tui_step **steps, size_t *n, gx_tui_step s)
{
    *steps = gx_xrealloc(*steps, (*n + 1) * sizeof **steps);
    (*steps)[(*n)++] = s;
}

static const char *gx_edit_subject(const gx_tui_edit *e)
{
    return e->kind == GX_TE_COMPONENT ? gx_core_component((size_t)e->index)->name
                                      : gx_core_field((size_t)e->index)->path;
}

/* True when e leaves things as the files have them (so it is no edit). */
static bool gx_edit_is_saved_state(gx_tui *m, const gx_tui_edit *e)
{
    if (e->kind == GX_TE_COMPONENT)
        return m->comp_saved[e->index] == e->enable;
    if (e->kind == GX_TE_UNSET)
        return m->saved_default[e->index];
    const gx_field *f = gx_core_field((size_t)e->index);
    return !f->secret && !m->saved_default[e->index] && m->saved_text[e->index] &&
           m->fs[e->index].text && !strcmp(m->fs[e->index].text, m->saved_text[e->index]);
}

/* Records and applies an edit (NULL e: back to the files' state), then reads
 * again. */
static void gx_edit_make(gx_tui *m, bool component, int index, const gx_tui_edit *e)
{
    gx_tui_step s;
    memset(&s, 0, sizeof s);
    s.component = component;
    s.index = index;
    gx_tui_edit *old = gx_edit_find(m, component, index);
    if (old) {
        s.had_before = true;
        s.before = gx_edit_copy(old);
    }
    gx_edit_put(m, component, index, e);
    gx_sync_draft(m, -1, NULL, NULL);
    gx_refresh(m);
    if (e && gx_edit_is_saved_state(m, e)) { /* back where the files are: no edit */
        gx_edit_put(m, component, index, NULL);
        gx_sync_draft(m, -1, NULL, NULL);
        gx_refresh(m);
        e = NULL;
    }
    if (e) {
        s.had_after = true;
        s.after = gx_edit_copy(e);
    }
    gx_step_push(&m->undo, &m->nundo, s);
    gx_steps_clear(m->redo, &m->nredo);
}

static void gx_undo_redo(gx_tui *m, bool undo)
{
    gx_tui_step **from = undo ? &m->undo : &m->redo;
    size_t *nfrom = undo ? &m->nundo : &m->nredo;
    if (!*nfrom) {
        gx_msg(m, GX_A_YELLOW, "nothing to %s", undo ? "undo" : "redo");
        return;
    }
    gx_tui_step s = (*from)[--*nfrom];
    bool had = undo ? s.had_before : s.had_after;
    gx_tui_edit *e = undo ? &s.before : &s.after;
    gx_edit_put(m, s.component, s.index, had ? e : NULL);
    gx_sync_draft(m, -1, NULL, NULL);
    gx_refresh(m);
    const char *subject = s.component ? gx_core_component((size_t)s.index)->name
                                      : gx_core_field((size_t)s.index)->path;
    gx_msg(m, 0, "%s: %s", undo ? "undone" : "redone", subject);
    if (undo)
        gx_step_push(&m->redo, &m->nredo, s);
    else
        gx_step_push(&m->undo, &m->nundo, s);
}

/* ---- save and reload --------------------------------------------------------------------- */

/* Writes the edits through the core, each step with the revision read; true
 * when all were written. A stale revision opens the STALE question. */
static bool gx_save(gx_tui *m)
{
    if (!m->nedits) {
        gx_msg(m, 0, "nothing to save: no unsaved edits");
        return true;
    }
    size_t total = m->nedits;
    for (int pass = 0; pass < 4; pass++) {
        /* 0: sets, 1: unsets, 2: components on, 3: components off */
        const char **names = gx_xcalloc(m->nedits + 1, sizeof *names);
        gx_assignment *asg = gx_xcalloc(m->nedits + 1, sizeof *asg);
        char **texts = gx_xcalloc(m->nedits + 1, sizeof *texts);
        size_t n = 0;
        for (size_t i = 0; i < m->nedits; i++) {
            const gx_tui_edit *e = &m->edits[i];
            bool take = (pass == 0 && e->kind == GX_TE_SET) ||
                        (pass == 1 && e->kind == GX_TE_UNSET) ||
                        (pass == 2 && e->kind == GX_TE_COMPONENT && e->enable) ||
                        (pass == 3 && e->kind == GX_TE_COMPONENT && !e->enable);
            if (!take)
                continue;
            if (pass == 0) {
                texts[n] = gx_xasprintf("%s=%s", gx_edit_subject(e), e->text);
                asg[n].text = texts[n];
            }
            names[n++] = gx_edit_subject(e);
        }
        gx_status st = GX_STATUS_OK;
        gx_collect col = {0};
        gx_sink sink = {gx_collect_event, &col};
        gx_write_result wr = {0};
        if (n) {
            gx_session_reset(m->saved);
            if (pass == 0)
                st = gx_op_set(m->saved, asg, n, m->revision, &sink, &wr);
            else if (pass == 1)
                st = gx_op_unset(m->saved, names, n, m->revision, &sink, &wr);
            else
                st = gx_op_component(m->saved, names, n, pass == 2, m->revision, &sink, &wr);
        }
        if (n && st == GX_STATUS_OK) {
            free(m->revision);
            m->revision = gx_xstrdup(wr.revision);
            for (size_t i = 0; i < n; i++) {
                int c = gx_core_component_find(names[i]);
                int f = gx_core_field_find(names[i]);
                bool comp = pass >= 2;
                gx_edit_put(m, comp, comp ? c : f, NULL);
            }
        }
        for (size_t i = 0; i < n; i++)
            free(texts[i]);
        free(texts);
        free(asg);
        free(names);
        if (st != GX_STATUS_OK) {
            gx_read_saved(m, NULL);
            gx_sync_draft(m, -1, NULL, NULL);
            gx_refresh(m);
            if (col.code == GX_CODE_STALE_REVISION) {
                m->overlay = GX_OVERLAY_STALE;
                gx_msg(m, GX_A_RED, "not saved: the files changed outside this editor");
            } else {
                gx_msg(m, GX_A_RED, "not saved: %s", col.any ? col.first : "the write failed");
            }
            return false;
        }
    }
    gx_read_saved(m, NULL);
    gx_sync_draft(m, -1, NULL, NULL);
    gx_refresh(m);
    /* what was undone before the save is in the files now: the history starts again */
    gx_steps_clear(m->undo, &m->nundo);
    gx_steps_clear(m->redo, &m->nredo);
    gx_msg(m, GX_A_GREEN, "saved %zu edit%s (values.yaml%s)", total, total == 1 ? "" : "s",
           ", secrets.yaml for secrets");
    return true;
}

/* Reads the files again; the edits stay on top (those that now equal the
 * files are dropped). */
static void gx_reload(gx_tui *m)
{
    gx_read_saved(m, NULL);
    gx_sync_draft(m, -1, NULL, NULL);
    gx_refresh(m);
    for (size_t i = m->nedits; i-- > 0;)
        if (m->edits[i].kind != GX_TE_SET && gx_edit_is_saved_state(m, &m->edits[i]))
            gx_edit_put(m, m->edits[i].kind == GX_TE_COMPONENT, m->edits[i].index, NULL);
    gx_sync_draft(m, -1, NULL, NULL);
    gx_refresh(m);
    gx_msg(m, GX_A_YELLOW, "reloaded the files; your %zu unsaved edit%s stay on top: s saves them",
           m->nedits, m->nedits == 1 ? "" : "s");
}

/* ---- the editor --------------------------------------------------------------------------- */

static const char *const gx_bool_choices[] = {"false", "true"};

/* Checks the editor's text: parse, then validation with it drafted. */
static void gx_editor_check(gx_tui *m)
{
    free(m->ed_error);
    m->ed_error = NULL;
    m->ed_error_blocking = false;
    char *text = m->ed_kind == GX_EDITOR_CHOICE
                     ? gx_xstrdup(m->ed_choices[m->ed_choice])
                     : gx_tui_input_text(&m->ed);
    char *err = NULL;
    bool ok = gx_sync_draft(m, m->ed_field, text, &err);
    m->typing = true;
    gx_refresh(m);
    m->typing = false;
    if (!ok) {
        m->ed_error = err;
        m->ed_error_blocking = true;
    } else {
        const gx_tui_field_state *s = &m->fs[m->ed_field];
        if (s->result) {
            m->ed_error = gx_xstrdup(s->result);
            m->ed_error_blocking = s->blocking > 0;
        }
    }
    free(text);
}

static void gx_editor_open(gx_tui *m, int field)
{
    const gx_field *f = gx_core_field((size_t)field);
    m->ed_field = field;
    m->ed_top = 0;
    gx_input_clear(&m->ed);
    switch (f->type) {
    case GX_T_ENUM:
    case GX_T_BOOL:
        m->ed_kind = GX_EDITOR_CHOICE;
        m->ed_choices = f->type == GX_T_BOOL ? gx_bool_choices : f->choices;
        m->ed_nchoices = f->type == GX_T_BOOL ? 2 : f->choice_count;
        m->ed_choice = 0;
        for (size_t i = 0; i < m->ed_nchoices; i++)
            if (m->fs[field].text && !strcmp(m->ed_choices[i], m->fs[field].text))
                m->ed_choice = (int)i;
        break;
    case GX_T_MAP:
    case GX_T_LIST:
    case GX_T_YAML:
        m->ed_kind = GX_EDITOR_YAML;
        gx_input_set(&m->ed, f->secret ? "" : m->fs[field].text);
        m->ed.cursor = 0;
        break;
    default:
        m->ed_kind = f->secret ? GX_EDITOR_SECRET : GX_EDITOR_LINE;
        if (!f->secret)
            gx_input_set(&m->ed, m->fs[field].text);
        break;
    }
    m->overlay = GX_OVERLAY_EDITOR;
    gx_editor_check(m);
}

static void gx_editor_close(gx_tui *m)
{
    m->overlay = GX_OVERLAY_NONE;
    free(m->ed_error);
    m->ed_error = NULL;
    gx_sync_draft(m, -1, NULL, NULL);
    gx_refresh(m);
}

static void gx_editor_accept(gx_tui *m)
{
    char *text = m->ed_kind == GX_EDITOR_CHOICE ? gx_xstrdup(m->ed_choices[m->ed_choice])
                                                : gx_tui_input_text(&m->ed);
    const gx_field *f = gx_core_field((size_t)m->ed_field);
    if (m->ed_kind == GX_EDITOR_SECRET && !*text) {
        free(text);
        gx_editor_close(m);
        gx_msg(m, 0, "%s left as it was (d returns it to its default)", f->path);
        return;
    }
    char *err = NULL;
    if (!gx_sync_draft(m, m->ed_field, text, &err)) {
        free(m->ed_error);
        m->ed_error = err;
        m->ed_error_blocking = true;
        gx_msg(m, GX_A_RED, "fix the value first (Esc leaves it as it was)");
        free(text);
        return;
    }
    gx_tui_edit e = {GX_TE_SET, m->ed_field, text, false};
    m->overlay = GX_OVERLAY_NONE;
    free(m->ed_error);
    m->ed_error = NULL;
    gx_edit_make(m, false, m->ed_field, &e);
    free(text);
    const gx_tui_field_state *s = &m->fs[m->ed_field];
    if (s->blocking)
        gx_msg(m, GX_A_RED, "%s changed (not saved), but blocking: %s", f->path, s->result);
    else if (s->warnings)
        gx_msg(m, GX_A_YELLOW, "%s changed (not saved); warning: %s", f->path, s->result);
    else
        gx_msg(m, GX_A_YELLOW, "%s changed (not saved yet: s saves)", f->path);
}

static bool gx_editor_key(gx_tui *m, uint32_t key)
{
    if (key == GX_KEY_ESC) {
        gx_editor_close(m);
        gx_msg(m, 0, "edit cancelled");
        return true;
    }
    if (m->ed_kind == GX_EDITOR_CHOICE) {
        if (key == GX_KEY_UP || key == 'k') {
            if (m->ed_choice > 0)
                m->ed_choice--;
        } else if (key == GX_KEY_DOWN || key == 'j') {
            if ((size_t)m->ed_choice + 1 < m->ed_nchoices)
                m->ed_choice++;
        } else if (key == GX_KEY_HOME) {
            m->ed_choice = 0;
        } else if (key == GX_KEY_END) {
            m->ed_choice = (int)m->ed_nchoices - 1;
        } else if (key == GX_KEY_ENTER || key == ' ') {
            gx_editor_accept(m);
            return true;
        } else {
            return false;
        }
        gx_editor_check(m);
        return true;
    }
    bool yaml = m->ed_kind == GX_EDITOR_YAML;
    if ((!yaml && key == GX_KEY_ENTER) || (yaml && key == GX_KEY_CTRL('s'))) {
        gx_editor_accept(m);
        return true;
    }
    bool handled;
    if (gx_input_key(&m->ed, key, yaml, &handled))
        gx_editor_check(m);
    return handled;
}

/* ---- search ------------------------------------------------------------------------------- */

/* Case-insensitive (ASCII) substring: the offset, or -1. */
static long gx_find_ci(const char *hay, const char *needle)
{
    if (!hay || !*needle)
        return -1;
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return p - hay;
    }
    return -1;
}

/* How well word matches field f (0: not at all), and where. */
static int gx_word_score(const gx_tui *m, int f, const char *word, const char **why)
{
    const gx_field *fd = gx_core_field((size_t)f);
    const char *last = strrchr(fd->path, '/');
    last = last ? last + 1 : fd->path;
    if (!strcasecmp(fd->path, word) || !strcasecmp(last, word)) {
        *why = "path";
        return 1000;
    }
    if (gx_find_ci(last, word) == 0) {
        *why = "path";
        return 800;
    }
    if (gx_find_ci(fd->path, word) == 0) {
        *why = "path";
        return 700;
    }
    long at = gx_find_ci(fd->path, word);
    if (at > 0) {
        *why = "path";
        return 600 - (int)(at > 50 ? 50 : at);
    }
    at = gx_find_ci(fd->display, word);
    if (at >= 0) {
        *why = "name";
        return at == 0 ? 550 : 500;
    }
    at = gx_find_ci(fd->description, word);
    if (at >= 0) {
        *why = "description";
        size_t n = strlen(word);
        const char *d = fd->description;
        bool start = at == 0 || !isalnum((unsigned char)d[at - 1]);
        bool end = !isalnum((unsigned char)d[at + (long)n]);
        return start && end ? 400 : start ? 350 : 300;
    }
    if (!fd->secret && m->fs[f].text && gx_find_ci(m->fs[f].text, word) >= 0) {
        *why = "value";
        return 200;
    }
    return 0;
}

static int gx_hit_cmp(const void *a, const void *b)
{
    const gx_tui_search_hit *x = a, *y = b;
    if (x->score != y->score)
        return y->score - x->score;
    return x->field - y->field;
}

static void gx_search_run(gx_tui *m)
{
    char *q = gx_tui_input_text(&m->query);
    m->nhits = 0;
    m->hit_cursor = m->hit_top = 0;
    char *words[16];
    size_t nw = 0;
    for (char *tok = strtok(q, " \t"); tok && nw < 16; tok = strtok(NULL, " \t"))
        words[nw++] = tok;
    if (nw) {
        for (size_t f = 0; f < m->nfields; f++) {
            int total = 0;
            const char *why = NULL;
            for (size_t w = 0; w < nw; w++) {
                const char *wwhy = NULL;
                int s = gx_word_score(m, (int)f, words[w], &wwhy);
                if (!s) {
                    total = 0;
                    break;
                }
                total += s;
                if (!why)
                    why = wwhy;
            }
            if (total)
                m->hits[m->nhits++] = (gx_tui_search_hit){(int)f, total, why};
        }
        qsort(m->hits, m->nhits, sizeof *m->hits, gx_hit_cmp);
    }
    free(q);
}

/* ---- help ------------------------------------------------------------------------------------ */

static void gx_help_add(gx_tui *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gx_help_add(gx_tui *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = NULL;
    if (vasprintf(&line, fmt, ap) < 0)
        line = NULL;
    va_end(ap);
    if (!line)
        return;
    m->help = gx_xrealloc(m->help, (m->nhelp + 1) * sizeof *m->help);
    m->help[m->nhelp++] = line;
}

/* Adds text wrapped at width columns (bytes; words kept whole), each line
 * indented. Splits at newlines too. */
static void gx_help_wrap(gx_tui *m, const char *text, int width, const char *indent)
{
    const char *p = text;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t rest = nl ? (size_t)(nl - p) : strlen(p);
        size_t take = rest;
        if ((int)take > width) {
            take = (size_t)width;
            while (take > 0 && p[take] != ' ')
                take--;
            if (!take)
                take = (size_t)width;
        }
        gx_help_add(m, "%s%.*s", indent, (int)take, p);
        p += take;
        while (*p == ' ')
            p++;
        if (*p == '\n')
            p++;
    }
}

static void gx_help_clear(gx_tui *m)
{
    for (size_t i = 0; i < m->nhelp; i++)
        free(m->help[i]);
    m->nhelp = 0;
    m->help_top = 0;
}

static void gx_help_open(gx_tui *m, int field)
{
    gx_help_clear(m);
    const gx_field *f = gx_core_field((size_t)field);
    const gx_tui_field_state *s = &m->fs[field];
    gx_help_add(m, "%s — %s", f->path, f->display ? f->display : "");
    gx_help_add(m, "%s", "");
    gx_help_add(m, "type:       %s%s", gx_core_type_name(f->type), f->secret ? " (secret)" : "");
    gx_help_add(m, "section:    %s", f->section ? f->section : "");
    if (f->component >= 0)
        gx_help_add(m, "component:  %s (%s)", gx_core_component((size_t)f->component)->name,
                    m->comp_on[f->component] ? "on" : "off: this path has no effect");
    if (f->default_shared || f->default_dedicated)
        gx_help_add(m, "default:    shared: %s, dedicated: %s",
                    f->default_shared ? f->default_shared : f->default_text,
                    f->default_dedicated ? f->default_dedicated : f->default_text);
    else
        gx_help_add(m, "default:    %s", *f->default_text ? f->default_text : "(empty)");
    if (f->choice_count) {
        gx_buf b = GX_BUF_INIT;
        for (size_t i = 0; i < f->choice_count; i++)
            gx_buf_printf(&b, "%s%s", i ? ", " : "", f->choices[i]);
        gx_buf_putc(&b, '\0');
        gx_help_add(m, "choices:    %s", b.data);
        gx_buf_free(&b);
    }
    if (f->has_min || f->has_max) {
        const char *what = f->type == GX_T_INT ? "range:" : "length:";
        if (f->has_min && f->has_max)
            gx_help_add(m, "%-12smin %lld, max %lld", what, (long long)f->min, (long long)f->max);
        else if (f->has_min)
            gx_help_add(m, "%-12smin %lld", what, (long long)f->min);
        else
            gx_help_add(m, "%-12smax %lld", what, (long long)f->max);
    }
    if (f->pattern_name)
        gx_help_add(m, "format:     %s", f->pattern_name);
    if (f->placeholder)
        gx_help_add(m, "example:    %s", f->placeholder);
    gx_help_add(m, "%s", "");
    gx_help_add(m, "value:      %s", s->text && !strchr(s->text, '\n') ? s->text : "");
    if (s->text && strchr(s->text, '\n'))
        gx_help_wrap(m, s->text, 1000, "  ");
    gx_help_add(m, "from:       %s", s->origin ? s->origin : "");
    if (m->saved_text[field] && gx_edit_find(m, false, field))
        gx_help_add(m, "saved:      %s", f->secret ? "<redacted>" : m->saved_text[field]);
    gx_help_add(m, "%s", "");
    gx_help_wrap(m, f->description ? f->description : "", m->w > 10 ? m->w - 6 : 70, "");
    for (size_t i = 0; m->validation.diags && i < m->validation.diags->count; i++) {
        const gx_diag *d = &m->validation.diags->items[i];
        if (!d->path || strcmp(d->path, f->path))
            continue;
        gx_help_add(m, "%s", "");
        gx_help_add(m, "%s %s: %s", gx_severity_word(d->severity), gx_code_id(d->code), d->message);
        if (d->hint)
            gx_help_add(m, "  hint: %s", d->hint);
    }
    m->back_pane = m->pane;
    m->pane = GX_PANE_HELP;
}

/* ---- export and apply ---------------------------------------------------------------------- */

static void gx_run_add(gx_tui *m, uint16_t attr, bool partial, const char *text, size_t len)
{
    if (m->nlines && m->lines[m->nlines - 1].partial) { /* the line goes on */
        gx_tui_run_line_t *l = &m->lines[m->nlines - 1];
        size_t old = strlen(l->text);
        l->text = gx_xrealloc(l->text, old + len + 1);
        memcpy(l->text + old, text, len);
        l->text[old + len] = '\0';
        l->partial = partial;
        return;
    }
    if (m->nlines == GX_TUI_MAX_LINES) {
        free(m->lines[0].text);
        memmove(m->lines, m->lines + 1, (m->nlines - 1) * sizeof *m->lines);
        m->nlines--;
    }
    m->lines = gx_xrealloc(m->lines, (m->nlines + 1) * sizeof *m->lines);
    m->lines[m->nlines++] = (gx_tui_run_line_t){gx_xstrndup(text, len), attr, partial};
}

static void gx_run_addf(gx_tui *m, uint16_t attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void gx_run_addf(gx_tui *m, uint16_t attr, const char *fmt, ...)
{
    char text[2048];
    GX_FORMAT_ARGS(text, fmt);
    gx_run_add(m, attr, false, text, strlen(text));
}

static void gx_run_clear(gx_tui *m)
{
    for (size_t i = 0; i < m->nlines; i++)
        free(m->lines[i].text);
    m->nlines = 0;
    m->lines_top = 0;
    m->follow = true;
}

static void gx_run_event(void *ctx, const gx_event *ev)
{
    gx_tui *m = ctx;
    switch (ev->kind) {
    case GX_EV_DIAG:
    case GX_EV_RESULT: {
        const gx_diag *d = ev->diag;
        uint16_t attr = d->severity == GX_BLOCKING ? GX_A_RED
                        : d->severity == GX_WARNING ? GX_A_YELLOW : 0;
        gx_run_addf(m, attr, "%s%s%s: %s", gx_severity_word(d->severity), d->path ? " " : "",
                    d->path ? d->path : "", d->message);
        if (d->hint)
            gx_run_addf(m, GX_A_DIM, "  hint: %s", d->hint);
        break;
    }
    case GX_EV_STEP:
        gx_run_addf(m, GX_A_BOLD | GX_A_CYAN, "[step %d/%d] %.*s", ev->step, ev->steps,
                    (int)ev->len, ev->text);
        break;
    case GX_EV_OUTPUT:
        gx_run_add(m, ev->stream == 2 ? GX_A_YELLOW : 0, ev->partial, ev->text, ev->len);
        break;
    case GX_EV_FILE:
        gx_run_addf(m, ev->changed ? 0 : GX_A_DIM, "%s %s", ev->changed ? "wrote    " : "unchanged",
                    ev->subject);
        break;
    case GX_EV_CHANGE:
        gx_run_addf(m, 0, "%.*s %s", (int)ev->len, ev->text, ev->subject ? ev->subject : "");
        break;
    case GX_EV_STATUS:
        gx_run_addf(m, GX_A_DIM, "%.*s", (int)ev->len, ev->text);
        break;
    case GX_EV_DONE:
        break;
    }
}

static void gx_export_run(gx_tui *m)
{
    m->pane = GX_PANE_RUN;
    m->run_is_export = true;
    gx_run_clear(m);
    gx_run_addf(m, GX_A_BOLD, "export: validate, then render generated/ and scripts/");
    gx_session_reset(m->saved);
    gx_export_request req = {.dest = GX_EXPORT_WORKSPACE};
    gx_export_result res = {0};
    gx_sink sink = {gx_run_event, m};
    gx_status st = gx_op_export(m->saved, &req, &sink, &res);
    if (st == GX_STATUS_OK) {
        gx_run_addf(m, GX_A_GREEN, "export done: %zu files, %zu changed, %zu unchanged", res.files,
                    res.changed, res.files - res.changed);
        gx_msg(m, GX_A_GREEN, "exported: %zu files, %zu changed", res.files, res.changed);
    } else {
        gx_run_addf(m, GX_A_RED, "export failed: nothing was written");
        gx_msg(m, GX_A_RED, "export failed");
    }
}

static void gx_apply_begin(gx_tui *m, bool dry)
{
    const gx_target_info *t = gx_core_target(m->target);
    m->run_is_export = false;
    gx_run_clear(m);
    gx_run_addf(m, GX_A_BOLD, "apply %s%s", t->name, dry ? " (dry run: commands printed, none run)"
                                                        : " (for real)");
    gx_session_reset(m->saved);
    gx_apply_request req;
    memset(&req, 0, sizeof req);
    req.target = t->name;
    req.dry_run = dry;
    static const char *const no_opts[] = {NULL};
    req.target_options = no_opts;
    gx_sink sink = {gx_run_event, m};
    m->apply_dry = dry;
    m->exit_status = -1;
    gx_status st = gx_apply_start(m->saved, &req, &sink, &m->apply);
    if (st != GX_STATUS_OK) {
        m->apply = NULL;
        gx_run_addf(m, GX_A_RED, "apply %s did not start", t->name);
        gx_msg(m, GX_A_RED, "apply %s did not start (see above)", t->name);
        return;
    }
    /* reads (the draft's validation) go on while the target runs */
    gx_session_share_lock(m->saved);
    gx_msg(m, 0, "apply %s%s running: x cancels (kills its process group)", t->name,
           dry ? " --dry-run" : "");
}

static void gx_apply_end(gx_tui *m)
{
    int status = gx_apply_finish(m->apply);
    m->apply = NULL;
    m->exit_status = status;
    const char *name = gx_core_target(m->target)->name;
    if (status == 0) {
        gx_run_addf(m, GX_A_GREEN, "%s %s done (exit status 0)", name,
                    m->apply_dry ? "dry run" : "");
        if (m->apply_dry)
            m->dry_done_target = (int)m->target;
        gx_msg(m, GX_A_GREEN, "%s%s done%s", name, m->apply_dry ? " dry run" : "",
               m->apply_dry ? ": R runs it for real" : "");
    } else {
        gx_run_addf(m, GX_A_RED, "%s ended with exit status %d", name, status);
        gx_msg(m, GX_A_RED, "%s ended with exit status %d", name, status);
    }
    gx_session_reset(m->saved);
}

int gx_tui_wait_fd(const gx_tui *m) { return m->apply ? gx_apply_fd(m->apply) : -1; }

bool gx_tui_tick(gx_tui *m, int timeout_ms)
{
    if (!m->apply)
        return false;
    if (gx_apply_poll(m->apply, timeout_ms))
        gx_apply_end(m);
    return true;
}

static void gx_run_open(gx_tui *m, bool export)
{
    if (m->nedits) {
        m->then_export = export;
        m->overlay = GX_OVERLAY_SAVE_FIRST;
        return;
    }
    if (export) {
        gx_export_run(m);
        return;
    }
    m->pane = GX_PANE_RUN;
    m->run_is_export = false;
    gx_run_clear(m);
    m->dry_done_target = -1;
    gx_msg(m, 0, "choose a target; Enter runs it as a dry run first");
}

/* ---- keys per pane ---------------------------------------------------------------------------- */

static void gx_list_move(size_t *cursor, size_t count, uint32_t key, size_t page)
{
    if (!count)
        return;
    switch (key) {
    case GX_KEY_UP:
    case 'k':
        if (*cursor)
            (*cursor)--;
        break;
    case GX_KEY_DOWN:
    case 'j':
        if (*cursor + 1 < count)
            (*cursor)++;
        break;
    case GX_KEY_PGUP: *cursor = *cursor > page ? *cursor - page : 0; break;
    case GX_KEY_PGDN: *cursor = *cursor + page < count ? *cursor + page : count - 1; break;
    case GX_KEY_HOME:
    case 'g': *cursor = 0; break;
    case GX_KEY_END:
    case 'G': *cursor = count - 1; break;
    }
}

static bool gx_is_move(uint32_t key)
{
    return key == GX_KEY_UP || key == GX_KEY_DOWN || key == 'j' || key == 'k' ||
           key == GX_KEY_PGUP || key == GX_KEY_PGDN || key == GX_KEY_HOME || key == GX_KEY_END ||
           key == 'g' || key == 'G';
}

static void gx_toggle_component(gx_tui *m, int c)
{
    const gx_component_info *ci = gx_core_component((size_t)c);
    if (ci->mandatory) {
        gx_msg(m, GX_A_YELLOW, "%s is mandatory: it is always on", ci->name);
        return;
    }
    gx_tui_edit e = {GX_TE_COMPONENT, c, NULL, !m->comp_on[c]};
    gx_edit_make(m, true, c, &e);
    gx_msg(m, GX_A_YELLOW, "component %s %s (not saved yet: s saves)", ci->name,
           m->comp_on[c] ? "enabled" : "disabled");
}

static bool gx_quit_key(gx_tui *m)
{
    if (m->nedits) {
        m->overlay = GX_OVERLAY_QUIT;
        return true;
    }
    m->quit = true;
    return true;
}

/* Keys every pane but the run pane shares. */
static bool gx_global_key(gx_tui *m, uint32_t key)
{
    switch (key) {
    case '/':
        m->pane = GX_PANE_SEARCH;
        gx_input_clear(&m->query); /* a new search */
        gx_search_run(m);
        return true;
    case 'v':
        m->pane = GX_PANE_VALIDATION;
        m->val_cursor = m->val_top = 0;
        return true;
    case 'c':
        m->pane = GX_PANE_COMPONENTS;
        return true;
    case 'u':
        gx_undo_redo(m, true);
        return true;
    case GX_KEY_CTRL('r'):
        gx_undo_redo(m, false);
        return true;
    case 's':
        gx_save(m);
        return true;
    case 'e':
        gx_run_open(m, true);
        return true;
    case 'a':
        gx_run_open(m, false);
        return true;
    case 'q':
    case GX_KEY_CTRL('c'):
        return gx_quit_key(m);
    }
    return false;
}

static bool gx_tree_key(gx_tui *m, uint32_t key)
{
    const gx_tui_node *n = gx_cursor_node(m);
    size_t page = (size_t)gx_tui_pane_rows(m);
    if (gx_is_move(key)) {
        gx_list_move(&m->cursor, m->nrows, key, page);
        return true;
    }
    if (!n)
        return gx_global_key(m, key);
    int idx = m->rows[m->cursor];
    switch (key) {
    case GX_KEY_RIGHT:
    case 'l':
        if (n->field < 0 && !n->expanded) {
            m->nodes[idx].expanded = true;
            gx_rows_build(m);
        } else if (n->field < 0 && m->cursor + 1 < m->nrows) {
            m->cursor++;
        }
        return true;
    case GX_KEY_LEFT:
    case 'h':
        if (n->field < 0 && n->expanded) {
            m->nodes[idx].expanded = false;
            gx_rows_build(m);
        } else if (n->parent >= 0) {
            for (size_t i = 0; i < m->nrows; i++)
                if (m->rows[i] == n->parent)
                    m->cursor = i;
        }
        return true;
    case GX_KEY_ENTER:
        if (n->field < 0) {
            m->nodes[idx].expanded = !n->expanded;
            gx_rows_build(m);
        } else {
            gx_editor_open(m, n->field);
        }
        return true;
    case ' ':
        if (n->field < 0 && n->component >= 0) {
            gx_toggle_component(m, n->component);
        } else if (n->field < 0) {
            m->nodes[idx].expanded = !n->expanded;
            gx_rows_build(m);
        } else if (gx_core_field((size_t)n->field)->type == GX_T_BOOL) {
            const char *now = m->fs[n->field].text;
            gx_tui_edit e = {GX_TE_SET, n->field,
                             (char *)(now && !strcmp(now, "true") ? "false" : "true"), false};
            gx_edit_make(m, false, n->field, &e);
            gx_msg(m, GX_A_YELLOW, "%s = %s (not saved yet: s saves)", n->prefix,
                   m->fs[n->field].text);
        } else {
            gx_msg(m, 0, "Space toggles bools and components; Enter edits");
        }
        return true;
    case 'd':
        if (n->field >= 0) {
            gx_tui_edit e = {GX_TE_UNSET, n->field, NULL, false};
            gx_edit_make(m, false, n->field, &e);
            if (gx_edit_find(m, false, n->field))
                gx_msg(m, GX_A_YELLOW, "%s back to its default (not saved yet)", n->prefix);
            else
                gx_msg(m, 0, "%s: the files hold no value of it (its default applies)",
                       n->prefix);
        }
        return true;
    case '?':
        if (n->field >= 0)
            gx_help_open(m, n->field);
        else
            gx_msg(m, 0, "? explains a path: move to one");
        return true;
    }
    return gx_global_key(m, key);
}

static bool gx_search_key(gx_tui *m, uint32_t key)
{
    size_t page = (size_t)gx_tui_pane_rows(m) / 2;
    switch (key) {
    case GX_KEY_ESC:
        m->pane = GX_PANE_TREE;
        return true;
    case GX_KEY_ENTER:
        if (m->nhits) {
            const char *path = gx_core_field((size_t)m->hits[m->hit_cursor].field)->path;
            gx_tui_jump(m, path);
            gx_msg(m, 0, "%s", path);
        }
        return true;
    case GX_KEY_UP:
    case GX_KEY_DOWN:
    case GX_KEY_PGUP:
    case GX_KEY_PGDN:
        gx_list_move(&m->hit_cursor, m->nhits, key, page);
        return true;
    case GX_KEY_CTRL('c'):
        return gx_quit_key(m);
    }
    bool handled;
    if (gx_input_key(&m->query, key, false, &handled))
        gx_search_run(m);
    return handled;
}

static bool gx_validation_key(gx_tui *m, uint32_t key)
{
    size_t count = m->validation.diags ? m->validation.diags->count : 0;
    if (gx_is_move(key)) {
        gx_list_move(&m->val_cursor, count, key, (size_t)gx_tui_pane_rows(m));
        return true;
    }
    if (key == GX_KEY_ENTER) {
        if (count) {
            const gx_diag *d = &m->validation.diags->items[m->val_cursor];
            if (d->path && gx_tui_jump(m, d->path))
                gx_msg(m, 0, "%s: %s", d->path, d->message);
            else
                gx_msg(m, 0, "this result is about no single path");
        }
        return true;
    }
    if (key == GX_KEY_ESC || key == 'v') {
        m->pane = GX_PANE_TREE;
        return true;
    }
    return gx_global_key(m, key);
}

static bool gx_components_key(gx_tui *m, uint32_t key)
{
    if (gx_is_move(key)) {
        gx_list_move(&m->comp_cursor, gx_core_component_count(), key, 10);
        return true;
    }
    if (key == ' ' || key == GX_KEY_ENTER) {
        gx_toggle_component(m, (int)m->comp_cursor);
        return true;
    }
    if (key == GX_KEY_ESC || key == 'c') {
        m->pane = GX_PANE_TREE;
        return true;
    }
    return gx_global_key(m, key);
}

static bool gx_help_key(gx_tui *m, uint32_t key)
{
    if (key == GX_KEY_ESC || key == '?' || key == 'q') {
        m->pane = m->back_pane == GX_PANE_HELP ? GX_PANE_TREE : m->back_pane;
        return true;
    }
    if (gx_is_move(key)) {
        gx_list_move(&m->help_top, m->nhelp, key, (size_t)gx_tui_pane_rows(m));
        return true;
    }
    if (key == GX_KEY_CTRL('c'))
        return gx_quit_key(m);
    return false;
}

static bool gx_run_key(gx_tui *m, uint32_t key)
{
    size_t page = (size_t)gx_tui_pane_rows(m) - 3;
    if (m->apply) {
        if (key == 'x' || key == GX_KEY_CTRL('c')) {
            gx_apply_cancel(m->apply);
            gx_run_addf(m, GX_A_RED, "cancelled: the target's process group is being killed");
            gx_msg(m, GX_A_RED, "cancelling %s", gx_core_target(m->target)->name);
            return true;
        }
        if (key == GX_KEY_PGUP || key == GX_KEY_PGDN || key == GX_KEY_UP || key == GX_KEY_DOWN) {
            m->follow = false;
            gx_list_move(&m->lines_top, m->nlines, key, page);
            return true;
        }
        if (key == GX_KEY_END) {
            m->follow = true;
            return true;
        }
        gx_msg(m, 0, "%s is running: x cancels it", gx_core_target(m->target)->name);
        return true;
    }
    switch (key) {
    case GX_KEY_ESC:
    case 'q':
        m->pane = GX_PANE_TREE;
        return true;
    case GX_KEY_CTRL('c'):
        return gx_quit_key(m);
    case GX_KEY_PGUP:
    case GX_KEY_PGDN:
        m->follow = false;
        gx_list_move(&m->lines_top, m->nlines, key, page);
        return true;
    case GX_KEY_END:
        m->follow = true;
        return true;
    }
    if (m->run_is_export) {
        if (key == 'e') {
            gx_export_run(m);
            return true;
        }
        if (key == 'a') {
            gx_run_open(m, false);
            return true;
        }
        return false;
    }
    switch (key) {
    case GX_KEY_UP:
    case GX_KEY_DOWN:
    case 'j':
    case 'k':
        gx_list_move(&m->target, gx_core_target_count(), key, 1);
        return true;
    case GX_KEY_ENTER:
    case 'd':
        gx_apply_begin(m, true);
        return true;
    case 'R':
        if (m->dry_done_target != (int)m->target) {
            gx_msg(m, GX_A_YELLOW, "run a dry run of %s first (Enter)",
                   gx_core_target(m->target)->name);
            return true;
        }
        m->overlay = GX_OVERLAY_RUN_REAL;
        return true;
    }
    return false;
}

static bool gx_overlay_key(gx_tui *m, uint32_t key)
{
    switch (m->overlay) {
    case GX_OVERLAY_EDITOR: return gx_editor_key(m, key);
    case GX_OVERLAY_QUIT:
        if (key == 's') {
            m->overlay = GX_OVERLAY_NONE;
            if (gx_save(m) && !m->nedits)
                m->quit = true;
        } else if (key == 'd' || key == 'y') {
            m->quit = true;
        } else if (key == GX_KEY_ESC || key == 'n' || key == 'q' || key == GX_KEY_CTRL('c')) {
            m->overlay = GX_OVERLAY_NONE;
            gx_msg(m, 0, "still editing: %zu unsaved edit%s", m->nedits,
                   m->nedits == 1 ? "" : "s");
        }
        return true;
    case GX_OVERLAY_STALE:
        if (key == 'r') {
            m->overlay = GX_OVERLAY_NONE;
            gx_reload(m);
        } else if (key == GX_KEY_ESC || key == 'n') {
            m->overlay = GX_OVERLAY_NONE;
            gx_msg(m, GX_A_YELLOW, "not saved; r in this question reloads (s asks again)");
        }
        return true;
    case GX_OVERLAY_SAVE_FIRST:
        if (key == 's' || key == 'y') {
            m->overlay = GX_OVERLAY_NONE;
            if (gx_save(m) && !m->nedits)
                gx_run_open(m, m->then_export);
        } else if (key == GX_KEY_ESC || key == 'n') {
            m->overlay = GX_OVERLAY_NONE;
        }
        return true;
    case GX_OVERLAY_RUN_REAL:
        if (key == 'y') {
            m->overlay = GX_OVERLAY_NONE;
            gx_apply_begin(m, false);
        } else if (key == GX_KEY_ESC || key == 'n') {
            m->overlay = GX_OVERLAY_NONE;
            gx_msg(m, 0, "not run");
        }
        return true;
    case GX_OVERLAY_NONE: break;
    }
    return false;
}

bool gx_tui_key(gx_tui *m, uint32_t key)
{
    if (m->w < GX_TUI_MIN_W || m->h < GX_TUI_MIN_H) {
        /* too small to show anything: only a quit without unsaved edits */
        if ((key == 'q' || key == GX_KEY_CTRL('c')) && !m->nedits && !m->apply)
            m->quit = true;
        return true;
    }
    if (m->overlay != GX_OVERLAY_NONE)
        return gx_overlay_key(m, key);
    m->message[0] = '\0';
    switch (m->pane) {
    case GX_PANE_TREE: return gx_tree_key(m, key);
    case GX_PANE_SEARCH: return gx_search_key(m, key);
    case GX_PANE_HELP: return gx_help_key(m, key);
    case GX_PANE_VALIDATION: return gx_validation_key(m, key);
    case GX_PANE_COMPONENTS: return gx_components_key(m, key);
    case GX_PANE_RUN: return gx_run_key(m, key);
    }
    return false;
}

/* ---- life ------------------------------------------------------------------------------------- */

gx_tui *gx_tui_new(const char *workspace, gx_diags *diags)
{
    gx_tui *m = gx_xcalloc(1, sizeof *m);
    /* shown on the status line as given (-C prod), the current one by its path */
    char *cwd = !strcmp(workspace, ".") ? getcwd(NULL, 0) : NULL;
    m->workspace = gx_xstrdup(cwd ? cwd : workspace);
    free(cwd);
    m->saved = gx_session_new(workspace);
    m->draft = gx_session_new(workspace);
    gx_session_set_client(m->saved, "glyphoxa-deploy edit", NULL);
    gx_session_set_client(m->draft, "glyphoxa-deploy edit", NULL);
    m->nfields = gx_core_field_count();
    m->fs = gx_xcalloc(m->nfields, sizeof *m->fs);
    m->saved_text = gx_xcalloc(m->nfields, sizeof *m->saved_text);
    m->saved_default = gx_xcalloc(m->nfields, sizeof *m->saved_default);
    m->comp_on = gx_xcalloc(gx_core_component_count() + 1, sizeof *m->comp_on);
    m->comp_saved = gx_xcalloc(gx_core_component_count() + 1, sizeof *m->comp_saved);
    m->hits = gx_xcalloc(m->nfields + 1, sizeof *m->hits);
    m->dry_done_target = -1;
    m->w = GX_TUI_MIN_W;
    m->h = GX_TUI_MIN_H;
    m->follow = true;
    if (!gx_read_saved(m, diags)) {
        gx_tui_free(m);
        return NULL;
    }
    gx_tree_build(m);
    gx_rows_build(m);
    gx_refresh(m);
    gx_msg(m, 0, "Enter opens a section or edits a value; / searches; ? explains; q quits");
    return m;
}

void gx_tui_free(gx_tui *m)
{
    if (!m)
        return;
    if (m->apply) {
        gx_apply_cancel(m->apply);
        gx_apply_finish(m->apply);
    }
    gx_session_free(m->saved);
    gx_session_free(m->draft);
    for (size_t i = 0; i < m->nnodes; i++) {
        free(m->nodes[i].prefix);
        free(m->nodes[i].children);
    }
    free(m->nodes);
    free(m->roots);
    free(m->rows);
    for (size_t i = 0; i < m->nfields; i++)
        free(m->saved_text[i]);
    free(m->saved_text);
    free(m->saved_default);
    free(m->fs);
    free(m->comp_on);
    free(m->comp_saved);
    free(m->revision);
    free(m->load_error);
    for (size_t i = 0; i < m->nedits; i++)
        free(m->edits[i].text);
    free(m->edits);
    gx_steps_clear(m->undo, &m->nundo);
    gx_steps_clear(m->redo, &m->nredo);
    free(m->undo);
    free(m->redo);
    free(m->ed.cp);
    free(m->ed_error);
    free(m->query.cp);
    free(m->hits);
    gx_help_clear(m);
    free(m->help);
    gx_run_clear(m);
    free(m->lines);
    free(m->workspace);
    free(m);
}

void gx_tui_resize(gx_tui *m, int w, int h)
{
    m->w = w;
    m->h = h;
}

bool gx_tui_done(const gx_tui *m) { return m->quit; }

void gx_tui_draw(gx_tui *m, gx_tui_canvas *c) { gx_tui_draw_all(m, c); }

/* ---- for tests and the benchmark -------------------------------------------------------------- */

gx_tui_pane gx_tui_current_pane(const gx_tui *m) { return m->pane; }
gx_tui_overlay gx_tui_current_overlay(const gx_tui *m) { return m->overlay; }
gx_tui_editor_kind gx_tui_editor(const gx_tui *m) { return m->ed_kind; }

const char *gx_tui_cursor_path(const gx_tui *m)
{
    const gx_tui_node *n = gx_cursor_node(m);
    return n && n->field >= 0 ? n->prefix : NULL;
}

const char *gx_tui_cursor_section(const gx_tui *m)
{
    const gx_tui_node *n = gx_cursor_node(m);
    return n && n->field < 0 ? n->prefix : NULL;
}

const char *gx_tui_editor_error(const gx_tui *m)
{
    return m->overlay == GX_OVERLAY_EDITOR ? m->ed_error : NULL;
}

size_t gx_tui_unsaved(const gx_tui *m) { return m->nedits; }
size_t gx_tui_blocking(const gx_tui *m) { return m->blocking; }
size_t gx_tui_warnings(const gx_tui *m) { return m->warnings; }

const char *gx_tui_value(const gx_tui *m, const char *path)
{
    int f = gx_core_field_find(path);
    return f < 0 ? NULL : m->fs[f].text;
}

bool gx_tui_component_on(const gx_tui *m, const char *name)
{
    int c = gx_core_component_find(name);
    return c >= 0 && m->comp_on[c];
}

size_t gx_tui_search_count(const gx_tui *m) { return m->nhits; }
const char *gx_tui_search_path(const gx_tui *m, size_t i)
{
    return i < m->nhits ? gx_core_field((size_t)m->hits[i].field)->path : NULL;
}
const char *gx_tui_message(const gx_tui *m) { return m->message; }
size_t gx_tui_run_lines(const gx_tui *m) { return m->nlines; }
const char *gx_tui_run_line(const gx_tui *m, size_t i)
{
    return i < m->nlines ? m->lines[i].text : NULL;
}
bool gx_tui_running(const gx_tui *m) { return m->apply != NULL; }
