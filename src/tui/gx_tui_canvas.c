/* gx_tui_canvas — the grid of cells the model draws into (gx_tui_model.h):
 * UTF-8 decoded with gx_utf8, widths from wcwidth (wide characters two
 * cells, combining marks joined to the cell before them). */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "gx_tui_model.h"
#include "gx_utf8.h"
#include "gx_xalloc.h"

void gx_tui_canvas_init(gx_tui_canvas *c, int w, int h)
{
    memset(c, 0, sizeof *c);
    c->w = w > 0 ? w : 1;
    c->h = h > 0 ? h : 1;
    c->cells = gx_xcalloc((size_t)c->w * (size_t)c->h, sizeof *c->cells);
    gx_tui_canvas_clear(c, 0);
}

void gx_tui_canvas_free(gx_tui_canvas *c)
{
    free(c->cells);
    c->cells = NULL;
}

void gx_tui_canvas_clear(gx_tui_canvas *c, uint16_t attr)
{
    for (int i = 0; i < c->w * c->h; i++) {
        memset(&c->cells[i], 0, sizeof c->cells[i]);
        c->cells[i].ch[0] = ' ';
        c->cells[i].width = 1;
        c->cells[i].attr = attr;
    }
    c->cursor_on = false;
}

/* The display width of code point cp: 0 for a combining mark, 2 for a wide
 * character, 1 otherwise; -1 for a control character. */
static int gx_cp_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
        return -1;
    if (cp < 0x7f)
        return 1;
    int w = wcwidth((wchar_t)cp);
    if (w < 0)
        return 1; /* unknown to the locale: one cell */
    return w > 2 ? 2 : w;
}

/* Decodes the next character of s (advances *s); bytes that are not UTF-8
 * give U+FFFD. */
static uint32_t gx_next_cp(const char **s)
{
    uint32_t cp;
    size_t n = gx_utf8_decode(*s, strnlen(*s, 4), &cp);
    if (!n) {
        (*s)++;
        return 0xfffd;
    }
    *s += n;
    return cp;
}

int gx_tui_text_width(const char *text)
{
    int w = 0;
    while (text && *text) {
        int cw = gx_cp_width(gx_next_cp(&text));
        w += cw < 0 ? 1 : cw;
    }
    return w;
}

int gx_tui_canvas_put(gx_tui_canvas *c, int x, int y, const char *text, int maxw,
                      uint16_t attr)
{
    if (y < 0 || y >= c->h || x < 0 || x >= c->w || !text)
        return 0;
    if (maxw > c->w - x)
        maxw = c->w - x;
    int used = 0;
    gx_tui_cell *row = &c->cells[(size_t)y * (size_t)c->w];
    while (*text && used <= maxw) {
        uint32_t cp = gx_next_cp(&text);
        int cw = gx_cp_width(cp);
        if (cw < 0) {
            cp = '?';
            cw = 1;
        }
        if (cw == 0) { /* a combining mark: joins the character before it */
            if (used > 0) {
                gx_tui_cell *prev = &row[x + used - 1];
                if (prev->width == 0 && x + used - 2 >= 0)
                    prev = &row[x + used - 2];
                for (int k = 1; k < GX_TUI_CELL_CHARS; k++)
                    if (!prev->ch[k]) {
                        prev->ch[k] = cp;
                        break;
                    }
            }
            continue;
        }
        if (used + cw > maxw)
            break;
        gx_tui_cell *cell = &row[x + used];
        memset(cell, 0, sizeof *cell);
        cell->ch[0] = cp;
        cell->width = (uint8_t)cw;
        cell->attr = attr;
        if (cw == 2) {
            memset(&row[x + used + 1], 0, sizeof *cell);
            row[x + used + 1].attr = attr;
        }
        used += cw;
    }
    return used;
}

void gx_tui_canvas_row(const gx_tui_canvas *c, int y, char *out, size_t size)
{
    size_t n = 0, keep = 0;
    if (!size)
        return;
    for (int x = 0; y >= 0 && y < c->h && x < c->w; x++) {
        const gx_tui_cell *cell = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
        if (cell->width == 0)
            continue;
        for (int k = 0; k < GX_TUI_CELL_CHARS && cell->ch[k]; k++) {
            char b[GX_UTF8_MAX_LEN];
            size_t len = gx_utf8_encode(cell->ch[k], b);
            if (n + len >= size)
                goto end;
            memcpy(out + n, b, len);
            n += len;
            if (cell->ch[k] != ' ')
                keep = n;
        }
    }
end:
    out[keep] = '\0';
}
