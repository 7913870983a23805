/* gx_tui_draw — what each pane shows, drawn into the model's grid
 * (gx_tui_model.h). Layout of an H-row screen: row 0 the title, row 1 the
 * legend (or the search line), rows 2..H-7 the pane, row H-6 a rule, rows
 * H-5..H-3 about the current row (or the editor's line and its inline error),
 * row H-2 the status (workspace, results, unsaved edits), row H-1 the keys
 * that work in the current pane. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_text.h"
#include "gx_tui_internal.h"

/* ---- pieces ------------------------------------------------------------------------ */

static void gx_fill(gx_tui_canvas *c, int y, uint16_t attr)
{
    for (int x = 0; x < c->w && y >= 0 && y < c->h; x++) {
        gx_tui_cell *cell = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
        memset(cell, 0, sizeof *cell);
        cell->ch[0] = ' ';
        cell->width = 1;
        cell->attr = attr;
    }
}

static int gx_put(gx_tui_canvas *c, int x, int y, const char *text, int maxw, uint16_t attr)
{
    return gx_tui_canvas_put(c, x, y, text, maxw, attr);
}

static int gx_putf(gx_tui_canvas *c, int x, int y, int maxw, uint16_t attr, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int gx_putf(gx_tui_canvas *c, int x, int y, int maxw, uint16_t attr, const char *fmt, ...)
{
    char text[2048];
    GX_FORMAT_ARGS(text, fmt);
    return gx_put(c, x, y, text, maxw, attr);
}

/* The first line of text (a value that spans lines shows as its first line and "…"). */
static void gx_first_line(const char *text, char *out, size_t size)
{
    if (!text)
        text = "";
    const char *nl = strchr(text, '\n');
    size_t n = nl ? (size_t)(nl - text) : strlen(text);
    if (n >= size - 8)
        n = size - 8;
    memcpy(out, text, n);
    out[n] = '\0';
    if (nl)
        strcat(out, " …");
}

/* Puts text over at most rows rows of w columns from x, y, breaking at spaces
 * (or, in a word longer than a row, before a character). */
static void gx_put_wrapped(gx_tui_canvas *c, int x, int y, const char *text, int w, int rows,
                           uint16_t attr)
{
    const char *p = text ? text : "";
    for (int r = 0; r < rows && *p; r++) {
        size_t n = strlen(p);
        if (gx_tui_text_width(p) > w) {
            /* the longest prefix that fits, ended at a space when there is one */
            size_t fit = 0, space = 0;
            char buf[1024];
            for (size_t i = 1; i <= n && i < sizeof buf; i++) {
                if (((unsigned char)p[i] & 0xc0) == 0x80)
                    continue; /* inside a character */
                memcpy(buf, p, i);
                buf[i] = '\0';
                if (gx_tui_text_width(buf) > w)
                    break;
                fit = i;
                if (p[i] == ' ')
                    space = i;
            }
            n = space && r + 1 < rows ? space : fit;
        }
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        gx_put(c, x, y + r, line, w, attr);
        p += n;
        while (*p == ' ')
            p++;
    }
}

typedef struct gx_keyhelp {
    const char *key, *what;
} gx_keyhelp;

/* The keys row: as many as fit, in the order given (the most needed first). */
static void gx_keys(gx_tui_canvas *c, const gx_keyhelp *keys, size_t n)
{
    int y = c->h - 1;
    gx_fill(c, y, GX_A_REVERSE);
    int x = 1;
    for (size_t i = 0; i < n; i++) {
        int need = gx_tui_text_width(keys[i].key) + 1 + gx_tui_text_width(keys[i].what) + 2;
        if (x + need > c->w)
            break;
        x += gx_put(c, x, y, keys[i].key, c->w - x, GX_A_REVERSE | GX_A_BOLD);
        x += gx_put(c, x, y, " ", 1, GX_A_REVERSE);
        x += gx_put(c, x, y, keys[i].what, c->w - x, GX_A_REVERSE);
        x += 2;
    }
}

static const char *gx_pane_title(const gx_tui *m)
{
    switch (m->pane) {
    case GX_PANE_TREE: return "values";
    case GX_PANE_SEARCH: return "search";
    case GX_PANE_HELP: return "help";
    case GX_PANE_VALIDATION: return "validation";
    case GX_PANE_COMPONENTS: return "components";
    case GX_PANE_RUN: return m->run_is_export ? "export" : "apply";
    }
    return "";
}

static void gx_draw_frame(gx_tui *m, gx_tui_canvas *c)
{
    gx_fill(c, 0, GX_A_REVERSE);
    int x = gx_putf(c, 1, 0, c->w - 2, GX_A_REVERSE | GX_A_BOLD, "glyphoxa-deploy edit");
    gx_putf(c, x + 2, 0, c->w - x - 3, GX_A_REVERSE, "· %s", gx_pane_title(m));
    /* the rule above the details */
    for (int i = 0; i < c->w; i++)
        gx_put(c, i, c->h - 6, "-", 1, GX_A_DIM);
    /* status: workspace, results, unsaved edits */
    int y = c->h - 2;
    x = gx_put(c, 0, y, " workspace: ", c->w, GX_A_DIM);
    int wsw = c->w - 48;
    char ws[1024];
    const char *w = m->workspace;
    if (gx_tui_text_width(w) > wsw && (int)strlen(w) > wsw) /* keep the end: it names it */
        snprintf(ws, sizeof ws, "…%s", w + strlen(w) - (size_t)(wsw - 1));
    else
        snprintf(ws, sizeof ws, "%s", w);
    x += gx_put(c, x, y, ws, wsw, 0);
    x += gx_put(c, x, y, " | ", 3, GX_A_DIM);
    x += gx_putf(c, x, y, 20, m->blocking ? GX_A_RED | GX_A_BOLD : GX_A_GREEN, "%zu blocking",
                 m->blocking);
    x += gx_putf(c, x, y, 16, m->warnings ? GX_A_YELLOW : 0, ", %zu warning%s", m->warnings,
                 m->warnings == 1 ? "" : "s");
    x += gx_put(c, x, y, " | ", 3, GX_A_DIM);
    if (m->nedits)
        gx_putf(c, x, y, c->w - x, GX_A_YELLOW | GX_A_BOLD, "%zu unsaved", m->nedits);
    else
        gx_put(c, x, y, "saved", c->w - x, GX_A_GREEN);
}

/* ---- the tree ------------------------------------------------------------------------ */

static void gx_draw_tree(gx_tui *m, gx_tui_canvas *c)
{
    gx_put(c, 1, 1,
           "* set  t topology default  - default  ! invalid  ~ warning  + unsaved edit",
           c->w - 2, GX_A_DIM);
    int rows = gx_tui_pane_rows(m);
    if (m->cursor < m->top)
        m->top = m->cursor;
    if (m->cursor >= m->top + (size_t)rows)
        m->top = m->cursor - (size_t)rows + 1;
    int value_x = c->w >= 100 ? 46 : 38;
    int type_w = 9;
    for (int r = 0; r < rows && m->top + (size_t)r < m->nrows; r++) {
        size_t i = m->top + (size_t)r;
        const gx_tui_node *n = &m->nodes[m->rows[i]];
        int y = 2 + r;
        bool sel = i == m->cursor;
        uint16_t base = sel ? GX_A_REVERSE : 0;
        if (sel)
            gx_fill(c, y, GX_A_REVERSE);
        int x = 1 + 2 * n->depth;
        if (n->field < 0) {
            bool off = n->component >= 0 && !m->comp_on[n->component];
            uint16_t a = base | (off ? GX_A_DIM : GX_A_BOLD | GX_A_CYAN);
            x += gx_putf(c, x, y, c->w - x, a, "%s %s/", n->expanded ? "[-]" : "[+]", n->name);
            if (n->component >= 0) {
                const gx_component_info *ci = gx_core_component((size_t)n->component);
                bool edited = false;
                for (size_t e = 0; e < m->nedits; e++)
                    edited |= m->edits[e].kind == GX_TE_COMPONENT &&
                              m->edits[e].index == n->component;
                gx_putf(c, x + 1, y, c->w - x - 1,
                        base | (m->comp_on[n->component] ? GX_A_GREEN : GX_A_DIM),
                        "[%s%s]%s", ci->mandatory ? "mandatory" : "component: ",
                        ci->mandatory ? "" : m->comp_on[n->component] ? "on" : "off",
                        edited ? " +" : "");
            }
            continue;
        }
        const gx_field *f = gx_core_field((size_t)n->field);
        const gx_tui_field_state *s = &m->fs[n->field];
        bool off = f->component >= 0 && !m->comp_on[f->component];
        bool edited = false;
        for (size_t e = 0; e < m->nedits; e++)
            edited |= m->edits[e].kind != GX_TE_COMPONENT && m->edits[e].index == n->field;
        char mark[4];
        mark[0] = s->blocking ? '!' : s->warnings ? '~' : ' ';
        mark[1] = s->is_default ? (s->layer && !strcmp(s->layer, "topology") ? 't' : '-') : '*';
        mark[2] = edited ? '+' : ' ';
        mark[3] = '\0';
        uint16_t a = base | (off ? GX_A_DIM : 0);
        gx_put(c, x, y, mark, 3, base | (s->blocking ? GX_A_RED | GX_A_BOLD
                                         : s->warnings || edited ? GX_A_YELLOW
                                         : (off ? GX_A_DIM : 0)));
        x += 4;
        gx_put(c, x, y, n->name, value_x - x - 1, a | (s->is_default ? 0 : GX_A_BOLD));
        char value[512];
        gx_first_line(s->text, value, sizeof value);
        if (f->secret)
            snprintf(value, sizeof value, "%s", s->text && *s->text && !s->is_default
                                                    ? "<redacted>" : "(not set)");
        int vw = c->w - value_x - type_w - 2;
        gx_put(c, value_x, y, value, vw, a | (s->blocking ? GX_A_RED : 0));
        gx_put(c, c->w - type_w - 1, y, gx_core_type_name(f->type), type_w, a | GX_A_DIM);
    }
    if (!m->nrows)
        gx_put(c, 2, 2, "(no paths)", c->w - 4, GX_A_DIM);
}

/* The bounds of f as ", range 1..10", ", min 0" or ", max 63" (length for
 * strings) into out, or "" when it has none. */
static void gx_field_range(const gx_field *f, char *out, size_t size)
{
    out[0] = '\0';
    if (f->has_min && f->has_max)
        snprintf(out, size, ", %s %lld..%lld", f->type == GX_T_INT ? "range" : "length",
                 (long long)f->min, (long long)f->max);
    else if (f->has_min)
        snprintf(out, size, ", min %lld", (long long)f->min);
    else if (f->has_max)
        snprintf(out, size, ", max %lld", (long long)f->max);
}

/* The details of field f in rows H-5..H-3. */
static void gx_draw_field_info(gx_tui *m, gx_tui_canvas *c, int field)
{
    const gx_field *f = gx_core_field((size_t)field);
    const gx_tui_field_state *s = &m->fs[field];
    char range[96];
    gx_field_range(f, range, sizeof range);
    int x = gx_putf(c, 1, c->h - 5, c->w - 2, GX_A_BOLD, "%s", f->path);
    gx_putf(c, x + 2, c->h - 5, c->w - x - 3, GX_A_DIM, "· %s · %s%s%s · from %s",
            f->display ? f->display : "", gx_core_type_name(f->type), f->secret ? " (secret)" : "",
            range, s->origin ? s->origin : "?");
    char desc[600];
    gx_first_line(f->description, desc, sizeof desc);
    gx_put(c, 1, c->h - 4, desc, c->w - 2, 0);
    if (m->message[0])
        gx_put(c, 1, c->h - 3, m->message, c->w - 2, m->message_attr);
    else if (s->result)
        gx_putf(c, 1, c->h - 3, c->w - 2, s->blocking ? GX_A_RED : GX_A_YELLOW, "%s: %s",
                s->blocking ? "blocking" : "warning", s->result);
}

static void gx_draw_message(gx_tui *m, gx_tui_canvas *c)
{
    if (m->message[0])
        gx_put(c, 1, c->h - 3, m->message, c->w - 2, m->message_attr);
}

/* ---- the editors ----------------------------------------------------------------------- */

/* The line editor's text in row y from column x, at most w columns, the
 * cursor kept in view; masked: every character as '*'. */
static void gx_draw_input(gx_tui_canvas *c, const gx_tui_input *in, int x, int y, int w,
                          bool masked)
{
    char *text;
    size_t cursor_bytes = 0;
    if (masked) {
        text = malloc(in->len + 1);
        memset(text, '*', in->len);
        text[in->len] = '\0';
        cursor_bytes = in->cursor;
    } else {
        gx_tui_input head = *in;
        head.len = in->cursor;
        char *h = gx_tui_input_text(&head);
        cursor_bytes = strlen(h);
        free(h);
        text = gx_tui_input_text(in);
    }
    /* the columns before the cursor; start later when they do not fit */
    char save = text[cursor_bytes];
    text[cursor_bytes] = '\0';
    int before = gx_tui_text_width(text);
    text[cursor_bytes] = save;
    const char *start = text;
    int skipped = 0;
    while (before - skipped > w - 2 && *start) {
        const char *p = start + 1;
        while (*p && ((unsigned char)*p & 0xc0) == 0x80)
            p++;
        char one[8];
        snprintf(one, sizeof one, "%.*s", (int)(p - start), start);
        skipped += gx_tui_text_width(one);
        start = p;
    }
    gx_put(c, x, y, start, w, GX_A_UNDERLINE);
    c->cursor_on = true;
    c->cursor_x = x + before - skipped;
    c->cursor_y = y;
    free(text);
}

static void gx_draw_editor(gx_tui *m, gx_tui_canvas *c)
{
    const gx_field *f = gx_core_field((size_t)m->ed_field);
    char range[96];
    gx_field_range(f, range, sizeof range);
    for (int y = c->h - 5; y <= c->h - 3; y++)
        gx_fill(c, y, 0);
    int x = gx_putf(c, 1, c->h - 5, c->w - 2, GX_A_BOLD | GX_A_CYAN, "edit %s", f->path);
    gx_putf(c, x + 2, c->h - 5, c->w - x - 3, GX_A_DIM, "(%s%s%s)", gx_core_type_name(f->type),
            f->secret ? ", secret: typed characters show as *" : "", range);
    int pane_top = 2, rows = gx_tui_pane_rows(m);
    if (m->ed_kind == GX_EDITOR_LINE || m->ed_kind == GX_EDITOR_SECRET) {
        gx_put(c, 1, c->h - 4, "> ", 2, GX_A_BOLD);
        gx_draw_input(c, &m->ed, 3, c->h - 4, c->w - 4, m->ed_kind == GX_EDITOR_SECRET);
    } else if (m->ed_kind == GX_EDITOR_CHOICE) {
        int bw = 40, bh = (int)m->ed_nchoices + 2;
        if (bh > rows)
            bh = rows;
        int bx = 6, by = pane_top + 1;
        for (int r = 0; r < bh; r++) {
            for (int i = 0; i < bw; i++)
                gx_put(c, bx + i, by + r, " ", 1, GX_A_REVERSE);
        }
        gx_putf(c, bx + 1, by, bw - 2, GX_A_REVERSE | GX_A_BOLD, "%s", f->path);
        size_t first = (size_t)m->ed_choice >= (size_t)(bh - 2) ? (size_t)m->ed_choice - (size_t)(bh - 3) : 0;
        for (int r = 0; r < bh - 2 && first + (size_t)r < m->ed_nchoices; r++) {
            size_t i = first + (size_t)r;
            bool sel = (int)i == m->ed_choice;
            gx_putf(c, bx + 2, by + 1 + r, bw - 4, sel ? GX_A_BOLD : GX_A_REVERSE, "%s %s",
                    sel ? ">" : " ", m->ed_choices[i]);
        }
        gx_putf(c, 1, c->h - 4, c->w - 2, 0, "> %s", m->ed_choices[m->ed_choice]);
    } else { /* YAML: the pane becomes the editor, with line numbers */
        for (int r = 0; r < rows; r++)
            gx_fill(c, pane_top + r, 0);
        /* the lines and the cursor's line and column */
        size_t line = 0, col_cp = 0;
        for (size_t i = 0; i < m->ed.cursor; i++) {
            if (m->ed.cp[i] == '\n') {
                line++;
                col_cp = 0;
            } else {
                col_cp++;
            }
        }
        gx_scroll_into_view(line, &m->ed_top, (size_t)rows);
        size_t ln = 0, i = 0;
        while (ln < m->ed_top && i < m->ed.len) {
            if (m->ed.cp[i++] == '\n')
                ln++;
        }
        for (int r = 0; r < rows && ln <= (size_t)-2; r++, ln++) {
            size_t start = i;
            while (i < m->ed.len && m->ed.cp[i] != '\n')
                i++;
            gx_tui_input one = {m->ed.cp + start, i - start, i - start, 0};
            char *text = gx_tui_input_text(&one);
            gx_putf(c, 0, pane_top + r, 5, GX_A_DIM, "%4zu", ln + 1);
            gx_put(c, 6, pane_top + r, text, c->w - 7, 0);
            if (ln == line) {
                gx_tui_input head = {m->ed.cp + start, col_cp, col_cp, 0};
                char *h = gx_tui_input_text(&head);
                c->cursor_on = true;
                c->cursor_x = 6 + gx_tui_text_width(h);
                if (c->cursor_x >= c->w)
                    c->cursor_x = c->w - 1;
                c->cursor_y = pane_top + r;
                free(h);
            }
            free(text);
            if (i >= m->ed.len)
                break;
            i++;
        }
        gx_putf(c, 1, c->h - 4, c->w - 2, GX_A_DIM, "line %zu, column %zu", line + 1, col_cp + 1);
    }
    if (m->ed_error)
        gx_putf(c, 1, c->h - 3, c->w - 2, m->ed_error_blocking ? GX_A_RED | GX_A_BOLD : GX_A_YELLOW,
                "%s %s", m->ed_error_blocking ? "error:" : "warning:", m->ed_error);
    else
        gx_put(c, 1, c->h - 3, "ok: valid", c->w - 2, GX_A_GREEN);
}

/* ---- the other panes -------------------------------------------------------------------- */

static void gx_draw_search(gx_tui *m, gx_tui_canvas *c)
{
    gx_put(c, 1, 1, "search: ", 8, GX_A_BOLD);
    gx_draw_input(c, &m->query, 9, 1, c->w - 10, false);
    int rows = gx_tui_pane_rows(m);
    gx_scroll_into_view(m->hit_cursor, &m->hit_top, (size_t)rows);
    for (int r = 0; r < rows && m->hit_top + (size_t)r < m->nhits; r++) {
        size_t i = m->hit_top + (size_t)r;
        const gx_field *f = gx_core_field((size_t)m->hits[i].field);
        bool sel = i == m->hit_cursor;
        uint16_t base = sel ? GX_A_REVERSE : 0;
        if (sel)
            gx_fill(c, 2 + r, GX_A_REVERSE);
        gx_put(c, 2, 2 + r, f->path, 44, base | GX_A_BOLD);
        gx_put(c, 47, 2 + r, f->display ? f->display : "", c->w - 47 - 15, base);
        gx_putf(c, c->w - 13, 2 + r, 12, base | GX_A_DIM, "%s", m->hits[i].why);
    }
    if (!m->nhits)
        gx_put(c, 2, 2, m->query.len ? "nothing matches" : "type to search paths, names, "
                                                         "descriptions and values",
               c->w - 4, GX_A_DIM);
    if (m->nhits)
        gx_draw_field_info(m, c, m->hits[m->hit_cursor].field);
    else
        gx_putf(c, 1, c->h - 5, c->w - 2, GX_A_DIM, "%zu results", m->nhits);
}

static void gx_draw_help(gx_tui *m, gx_tui_canvas *c)
{
    int rows = gx_tui_pane_rows(m) + 4; /* help uses the details rows too */
    if (m->help_top + 1 > m->nhelp)
        m->help_top = m->nhelp ? m->nhelp - 1 : 0;
    for (int r = 0; r < rows && m->help_top + (size_t)r < m->nhelp; r++)
        gx_put(c, 2, 1 + r, m->help[m->help_top + (size_t)r], c->w - 4, r == 0 && !m->help_top
                                                                          ? GX_A_BOLD | GX_A_CYAN
                                                                          : 0);
    gx_fill(c, c->h - 6, 0);
    gx_fill(c, c->h - 3, 0);
    gx_draw_message(m, c);
}

static void gx_draw_validation(gx_tui *m, gx_tui_canvas *c)
{
    size_t count = m->validation.diags ? m->validation.diags->count : 0;
    if (m->load_error)
        gx_putf(c, 1, 1, c->w - 2, GX_A_RED, "the values do not load: %s", m->load_error);
    else
        gx_putf(c, 1, 1, c->w - 2, GX_A_DIM, "%zu blocking, %zu warnings, %zu results in all "
                                             "(unsaved edits included)",
                m->blocking, m->warnings, count);
    int rows = gx_tui_pane_rows(m);
    gx_scroll_into_view(m->val_cursor, &m->val_top, (size_t)rows);
    for (int r = 0; r < rows && m->val_top + (size_t)r < count; r++) {
        size_t i = m->val_top + (size_t)r;
        const gx_diag *d = &m->validation.diags->items[i];
        bool sel = i == m->val_cursor;
        uint16_t base = sel ? GX_A_REVERSE : 0;
        if (sel)
            gx_fill(c, 2 + r, GX_A_REVERSE);
        uint16_t sev = d->severity == GX_BLOCKING ? GX_A_RED | GX_A_BOLD
                       : d->severity == GX_WARNING ? GX_A_YELLOW : GX_A_DIM;
        int x = 1;
        x += gx_putf(c, x, 2 + r, 9, base | sev, "%-8s", gx_severity_word(d->severity));
        x += gx_putf(c, x + 1, 2 + r, 4, base | GX_A_DIM, "%-4s", gx_code_id(d->code)) + 1;
        gx_putf(c, x + 1, 2 + r, 28, base | GX_A_BOLD, "%s", d->path ? d->path : "-");
        x += 30;
        gx_put(c, x + 1, 2 + r, d->message, c->w - x - 2, base);
    }
    if (!count && !m->load_error)
        gx_put(c, 2, 2, "no results: the values are valid", c->w - 4, GX_A_GREEN);
    if (count) {
        const gx_diag *d = &m->validation.diags->items[m->val_cursor];
        gx_putf(c, 1, c->h - 5, c->w - 2, GX_A_BOLD, "%s %s %s", gx_severity_word(d->severity),
                gx_code_id(d->code), d->path ? d->path : "");
        char text[1200];
        snprintf(text, sizeof text, "%s%s%s", d->message, d->hint ? " — hint: " : "",
                 d->hint ? d->hint : "");
        gx_put_wrapped(c, 1, c->h - 4, text, c->w - 2, 2, 0);
    }
    if (m->message[0])
        gx_draw_message(m, c);
}

static void gx_draw_components(gx_tui *m, gx_tui_canvas *c)
{
    gx_put(c, 1, 1, "Space switches a component on or off; its paths are dimmed while it is off",
           c->w - 2, GX_A_DIM);
    for (size_t i = 0; i < gx_core_component_count() && (int)i < gx_tui_pane_rows(m); i++) {
        const gx_component_info *ci = gx_core_component(i);
        bool sel = i == m->comp_cursor;
        uint16_t base = sel ? GX_A_REVERSE : 0;
        int y = 2 + (int)i;
        if (sel)
            gx_fill(c, y, GX_A_REVERSE);
        bool edited = false;
        for (size_t e = 0; e < m->nedits; e++)
            edited |= m->edits[e].kind == GX_TE_COMPONENT && m->edits[e].index == (int)i;
        gx_putf(c, 1, y, 4, base | (m->comp_on[i] ? GX_A_GREEN : GX_A_DIM), "[%s]",
                m->comp_on[i] ? "x" : " ");
        gx_putf(c, 5, y, 18, base | GX_A_BOLD, "%s", ci->name);
        gx_putf(c, 23, y, 12, base | (edited ? GX_A_YELLOW : GX_A_DIM), "%s",
                ci->mandatory ? "mandatory" : edited ? "+ unsaved" : "");
        gx_put(c, 36, y, ci->description ? ci->description : "", c->w - 37, base);
    }
    const gx_component_info *ci = gx_core_component(m->comp_cursor);
    gx_putf(c, 1, c->h - 5, c->w - 2, GX_A_BOLD, "%s: %s%s", ci->name,
            m->comp_on[m->comp_cursor] ? "on" : "off",
            m->comp_on[m->comp_cursor] != m->comp_saved[m->comp_cursor] ? " (not saved)" : "");
    gx_put(c, 1, c->h - 4, ci->description ? ci->description : "", c->w - 2, 0);
    gx_draw_message(m, c);
}

static void gx_draw_run(gx_tui *m, gx_tui_canvas *c)
{
    int y0 = 2, rows = gx_tui_pane_rows(m);
    if (!m->run_is_export) {
        int x = gx_put(c, 1, 1, "target: ", 8, GX_A_BOLD) + 1;
        for (size_t t = 0; t < gx_core_target_count(); t++) {
            const char *name = gx_core_target(t)->name;
            bool sel = t == m->target;
            x += gx_putf(c, x, 1, c->w - x, sel ? GX_A_REVERSE | GX_A_BOLD : GX_A_DIM, " %s ",
                         name) + 1;
        }
    } else {
        gx_put(c, 1, 1, "export: generated/ and scripts/ of the workspace", c->w - 2, GX_A_BOLD);
    }
    if (m->follow || m->lines_top + (size_t)rows > m->nlines)
        m->lines_top = m->nlines > (size_t)rows ? m->nlines - (size_t)rows : 0;
    for (int r = 0; r < rows && m->lines_top + (size_t)r < m->nlines; r++) {
        const gx_tui_run_line_t *l = &m->lines[m->lines_top + (size_t)r];
        gx_put(c, 1, y0 + r, l->text, c->w - 2, l->attr);
    }
    if (!m->nlines && !m->run_is_export)
        gx_putf(c, 2, y0, c->w - 4, GX_A_DIM, "%s", gx_core_target(m->target)->description);
    if (m->apply)
        gx_putf(c, 1, c->h - 5, c->w - 2, GX_A_BOLD | GX_A_YELLOW, "running: %s%s",
                gx_core_target(m->target)->name, m->apply_dry ? " (dry run)" : "");
    else if (!m->run_is_export)
        gx_putf(c, 1, c->h - 5, c->w - 2, GX_A_DIM, "%s: %s", gx_core_target(m->target)->name,
                gx_core_target(m->target)->description);
    gx_draw_message(m, c);
}

/* ---- questions ---------------------------------------------------------------------------- */

static void gx_draw_question(gx_tui *m, gx_tui_canvas *c, const char *const *lines, size_t n)
{
    int bw = 64, bh = (int)n + 2;
    int bx = (c->w - bw) / 2, by = 2 + (gx_tui_pane_rows(m) - bh) / 2;
    if (by < 2)
        by = 2;
    for (int r = 0; r < bh; r++)
        for (int i = 0; i < bw; i++)
            gx_put(c, bx + i, by + r, " ", 1, GX_A_REVERSE);
    for (size_t i = 0; i < n; i++)
        gx_put(c, bx + 2, by + 1 + (int)i, lines[i], bw - 4,
               GX_A_REVERSE | (i == 0 ? GX_A_BOLD : 0));
}

static void gx_draw_overlay(gx_tui *m, gx_tui_canvas *c)
{
    char first[160];
    switch (m->overlay) {
    case GX_OVERLAY_QUIT: {
        snprintf(first, sizeof first, "Quit with %zu unsaved edit%s?", m->nedits,
                 m->nedits == 1 ? "" : "s");
        const char *l[] = {first, "", "s    save them, then quit", "d    discard them and quit",
                           "Esc  keep editing"};
        gx_draw_question(m, c, l, 5);
        break;
    }
    case GX_OVERLAY_STALE: {
        const char *l[] = {"The files changed outside this editor: nothing was saved.", "",
                           "r    reload them (your unsaved edits stay on top;",
                           "     look them over, then s saves)",
                           "Esc  back, nothing reloaded"};
        gx_draw_question(m, c, l, 5);
        break;
    }
    case GX_OVERLAY_SAVE_FIRST: {
        snprintf(first, sizeof first, "%s works on the saved files: save %zu edit%s first?",
                 m->then_export ? "export" : "apply", m->nedits, m->nedits == 1 ? "" : "s");
        const char *l[] = {first, "", "s    save, then go on", "Esc  back"};
        gx_draw_question(m, c, l, 4);
        break;
    }
    case GX_OVERLAY_RUN_REAL: {
        snprintf(first, sizeof first, "Run %s for real, against the cluster?",
                 gx_core_target(m->target)->name);
        const char *l[] = {first, "", "y    run it", "Esc  no"};
        gx_draw_question(m, c, l, 4);
        break;
    }
    default: break;
    }
}

/* ---- the whole screen ------------------------------------------------------------------- */

static void gx_draw_keys(gx_tui *m, gx_tui_canvas *c)
{
    static const gx_keyhelp tree[] = {
        {"Enter", "edit"}, {"/", "find"},     {"?", "help"},     {"s", "save"},
        {"q", "quit"},     {"u", "undo"},     {"^R", "redo"},    {"Space", "toggle"},
        {"v", "results"},  {"c", "comps"},    {"a", "apply"},    {"e", "export"},
        {"d", "default"}};
    static const gx_keyhelp line[] = {{"Enter", "keep"}, {"Esc", "cancel"}, {"←→", "move"},
                                      {"^U", "clear"}};
    static const gx_keyhelp choice[] = {{"↑↓", "choose"}, {"Enter", "keep"}, {"Esc", "cancel"}};
    static const gx_keyhelp yaml[] = {{"^S", "keep"}, {"Esc", "cancel"}, {"Enter", "new line"},
                                      {"Tab", "2 spaces"}, {"arrows", "move"}};
    static const gx_keyhelp search[] = {{"Enter", "go there"}, {"↑↓", "choose"}, {"Esc", "back"}};
    static const gx_keyhelp help[] = {{"Esc", "back"}, {"↑↓", "scroll"}};
    static const gx_keyhelp val[] = {{"Enter", "go to the path"}, {"↑↓", "choose"}, {"Esc", "back"},
                                     {"s", "save"}, {"q", "quit"}};
    static const gx_keyhelp comps[] = {{"Space", "on/off"}, {"↑↓", "choose"}, {"Esc", "back"},
                                       {"u", "undo"}, {"s", "save"}, {"q", "quit"}};
    static const gx_keyhelp apply[] = {{"←→/↑↓", "target"}, {"Enter", "dry run"},
                                       {"R", "run for real"}, {"PgUp/PgDn", "scroll"},
                                       {"Esc", "back"}};
    static const gx_keyhelp running[] = {{"x", "cancel (kills it)"}, {"PgUp/PgDn", "scroll"},
                                         {"End", "follow"}};
    static const gx_keyhelp exported[] = {{"e", "export again"}, {"a", "apply"}, {"Esc", "back"},
                                          {"PgUp/PgDn", "scroll"}};
    static const gx_keyhelp question[] = {{"", "answer with a key shown above"}};
#define GX_K(a) gx_keys(c, a, sizeof a / sizeof a[0])
    if (m->overlay == GX_OVERLAY_EDITOR) {
        if (m->ed_kind == GX_EDITOR_CHOICE)
            GX_K(choice);
        else if (m->ed_kind == GX_EDITOR_YAML)
            GX_K(yaml);
        else
            GX_K(line);
        return;
    }
    if (m->overlay != GX_OVERLAY_NONE) {
        GX_K(question);
        return;
    }
    switch (m->pane) {
    case GX_PANE_TREE: GX_K(tree); break;
    case GX_PANE_SEARCH: GX_K(search); break;
    case GX_PANE_HELP: GX_K(help); break;
    case GX_PANE_VALIDATION: GX_K(val); break;
    case GX_PANE_COMPONENTS: GX_K(comps); break;
    case GX_PANE_RUN:
        if (m->apply)
            GX_K(running);
        else if (m->run_is_export)
            GX_K(exported);
        else
            GX_K(apply);
        break;
    }
#undef GX_K
}

static void gx_draw_too_small(gx_tui *m, gx_tui_canvas *c)
{
    char l1[120], l2[120];
    snprintf(l1, sizeof l1, "glyphoxa-deploy edit needs at least %dx%d;", GX_TUI_MIN_W,
             GX_TUI_MIN_H);
    snprintf(l2, sizeof l2, "this terminal is %dx%d. Make it larger:", c->w, c->h);
    const char *lines[] = {l1, l2, "your edits are kept meanwhile.", "",
                           "The command line works in any terminal:",
                           "glyphoxa-deploy get / set / validate"};
    int n = 6, y = (c->h - n) / 2;
    for (int i = 0; i < n; i++) {
        int w = gx_tui_text_width(lines[i]);
        int x = (c->w - w) / 2;
        gx_put(c, x < 0 ? 0 : x, y + i, lines[i], c->w, i < 2 ? GX_A_BOLD : 0);
    }
    (void)m;
}

void gx_tui_draw_all(gx_tui *m, gx_tui_canvas *c)
{
    gx_tui_canvas_clear(c, 0);
    if (c->w < GX_TUI_MIN_W || c->h < GX_TUI_MIN_H) {
        gx_draw_too_small(m, c);
        return;
    }
    gx_draw_frame(m, c);
    switch (m->pane) {
    case GX_PANE_TREE: {
        gx_draw_tree(m, c);
        const gx_tui_node *n = m->nrows ? &m->nodes[m->rows[m->cursor]] : NULL;
        if (n && n->field >= 0) {
            gx_draw_field_info(m, c, n->field);
        } else if (n) {
            gx_putf(c, 1, c->h - 5, c->w - 2, GX_A_BOLD, "%s/", n->prefix);
            if (n->component >= 0)
                gx_put(c, 1, c->h - 4, gx_core_component((size_t)n->component)->description,
                       c->w - 2, 0);
            gx_draw_message(m, c);
        }
        break;
    }
    case GX_PANE_SEARCH: gx_draw_search(m, c); break;
    case GX_PANE_HELP: gx_draw_help(m, c); break;
    case GX_PANE_VALIDATION: gx_draw_validation(m, c); break;
    case GX_PANE_COMPONENTS: gx_draw_components(m, c); break;
    case GX_PANE_RUN: gx_draw_run(m, c); break;
    }
    if (m->overlay == GX_OVERLAY_EDITOR)
        gx_draw_editor(m, c);
    else if (m->overlay != GX_OVERLAY_NONE)
        gx_draw_overlay(m, c);
    gx_draw_keys(m, c);
}
