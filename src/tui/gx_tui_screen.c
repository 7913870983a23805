/* gx_tui_screen — the ncursesw screen of `glyphoxa-deploy edit`
 * (gx_tui_main.h): keys in, the model's grid out. */
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#include "gx_tui_main.h"
#include "gx_tui_model.h"

static int gx_no_terminal(const char *why)
{
    fprintf(stderr,
            "glyphoxa-deploy: error: edit needs a terminal it can draw on: %s\n"
            "  hint: on this connection use the command line: glyphoxa-deploy get, set, unset,\n"
            "        component, validate, export and apply (glyphoxa-deploy help lists them)\n",
            why);
    return 2;
}

/* A curses key as a model key (0: none). */
static uint32_t gx_map_key(int rc, wint_t ch)
{
    if (rc == KEY_CODE_YES) {
        switch (ch) {
        case KEY_UP: return GX_KEY_UP;
        case KEY_DOWN: return GX_KEY_DOWN;
        case KEY_LEFT: return GX_KEY_LEFT;
        case KEY_RIGHT: return GX_KEY_RIGHT;
        case KEY_HOME: return GX_KEY_HOME;
        case KEY_END: return GX_KEY_END;
        case KEY_PPAGE: return GX_KEY_PGUP;
        case KEY_NPAGE: return GX_KEY_PGDN;
        case KEY_ENTER: return GX_KEY_ENTER;
        case KEY_BACKSPACE: return GX_KEY_BACKSPACE;
        case KEY_DC: return GX_KEY_DELETE;
        default: return 0;
        }
    }
    switch (ch) {
    case 27: return GX_KEY_ESC;
    case '\r':
    case '\n': return GX_KEY_ENTER;
    case 127:
    case 8: return GX_KEY_BACKSPACE;
    case '\t': return GX_KEY_TAB;
    default: return (uint32_t)ch;
    }
}

static short gx_pair_of(uint16_t attr)
{
    switch (attr & GX_A_COLOR_MASK) {
    case GX_A_RED: return 1;
    case GX_A_YELLOW: return 2;
    case GX_A_GREEN: return 3;
    case GX_A_CYAN: return 4;
    default: return 0;
    }
}

/* Copies the grid to the terminal. */
static void gx_blit(const gx_tui_canvas *c, bool colors, bool utf8)
{
    for (int y = 0; y < c->h; y++) {
        for (int x = 0; x < c->w; x++) {
            const gx_tui_cell *cell = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
            if (cell->width == 0)
                continue;
            wchar_t wch[GX_TUI_CELL_CHARS + 1];
            int n = 0;
            for (int k = 0; k < GX_TUI_CELL_CHARS && cell->ch[k]; k++)
                wch[n++] = (!utf8 && cell->ch[k] > 0x7e) ? L'?' : (wchar_t)cell->ch[k];
            if (!n)
                wch[n++] = L' ';
            wch[n] = L'\0';
            attr_t a = A_NORMAL;
            if (cell->attr & GX_A_BOLD)
                a |= A_BOLD;
            if (cell->attr & GX_A_DIM)
                a |= A_DIM;
            if (cell->attr & GX_A_REVERSE)
                a |= A_REVERSE;
            if (cell->attr & GX_A_UNDERLINE)
                a |= A_UNDERLINE;
            short pair = colors ? gx_pair_of(cell->attr) : 0;
            if (!colors && (cell->attr & GX_A_COLOR_MASK) == GX_A_RED)
                a |= A_BOLD; /* without colours an error still stands out */
            cchar_t cc;
            setcchar(&cc, wch, a, pair, NULL);
            mvadd_wch(y, x, &cc);
        }
    }
    if (c->cursor_on) {
        curs_set(1);
        move(c->cursor_y, c->cursor_x);
    } else {
        curs_set(0);
        move(c->h - 1, c->w - 1);
    }
}

int gx_tui_main(const char *workspace)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return gx_no_terminal("standard input and output are not a terminal");
    const char *term = getenv("TERM");
    if (!term || !*term)
        return gx_no_terminal("TERM is not set");
    if (!strcmp(term, "dumb"))
        return gx_no_terminal("TERM=dumb cannot move the cursor");
    setlocale(LC_ALL, "");
    bool utf8 = MB_CUR_MAX > 1;

    gx_diags diags = GX_DIAGS_INIT;
    gx_tui *m = gx_tui_new(workspace, &diags);
    if (!m) {
        for (size_t i = 0; i < diags.count; i++)
            fprintf(stderr, "glyphoxa-deploy: error: %s\n", diags.items[i].message);
        gx_diags_free(&diags);
        return 1;
    }
    gx_diags_free(&diags);

    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (!screen) {
        gx_tui_free(m);
        char why[200];
        snprintf(why, sizeof why, "the terminal type '%.80s' is unknown here (no terminfo entry)",
                 term);
        return gx_no_terminal(why);
    }
    set_term(screen);
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    const char *no_color = getenv("NO_COLOR");
    bool colors = !(no_color && *no_color) && has_colors();
    if (colors) {
        start_color();
        use_default_colors();
        init_pair(1, COLOR_RED, -1);
        init_pair(2, COLOR_YELLOW, -1);
        init_pair(3, COLOR_GREEN, -1);
        init_pair(4, COLOR_CYAN, -1);
    }

    gx_tui_canvas canvas = {0};
    bool dirty = true;
    while (!gx_tui_done(m)) {
        int h, w;
        getmaxyx(stdscr, h, w);
        if (dirty) {
            if (canvas.w != w || canvas.h != h || !canvas.cells) {
                gx_tui_canvas_free(&canvas);
                gx_tui_canvas_init(&canvas, w, h);
            }
            gx_tui_resize(m, w, h);
            gx_tui_draw(m, &canvas);
            erase();
            gx_blit(&canvas, colors, utf8);
            refresh();
            dirty = false;
        }
        struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {gx_tui_wait_fd(m), POLLIN, 0}};
        int np = p[1].fd >= 0 ? 2 : 1;
        int r = poll(p, (nfds_t)np, gx_tui_running(m) ? 200 : 1000);
        if (r < 0 && errno != EINTR)
            break;
        if (gx_tui_running(m) && (np == 2 && (p[1].revents || r == 0)))
            dirty |= gx_tui_tick(m, 0);
        /* every key that is there (ncurses may hold some already) */
        for (;;) {
            wint_t ch;
            int rc = get_wch(&ch);
            if (rc == ERR)
                break;
            if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
                dirty = true;
                continue;
            }
            uint32_t key = gx_map_key(rc, ch);
            if (key)
                dirty |= gx_tui_key(m, key);
            if (gx_tui_done(m))
                break;
        }
        if (p[0].revents & (POLLHUP | POLLERR))
            break; /* the terminal went away */
    }
    gx_tui_canvas_free(&canvas);
    endwin();
    delscreen(screen);
    gx_tui_free(m);
    return 0;
}
