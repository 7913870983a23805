/* gx_tui_model — the terminal UI (`glyphoxa-deploy edit`) without a terminal:
 * its state, what each key does, and what each pane shows, drawn into a
 * plain grid of cells (gx_tui_canvas). The ncurses screen (gx_tui_screen.c)
 * only turns keys into gx_tui_key calls and copies the grid to the terminal,
 * so everything here is testable with no terminal (tests/test_tui_model.c).
 *
 * A front end like src/cli: it uses the core's public header (gx_core.h) and
 * base only. Two sessions on the workspace: "saved" reads what the files
 * hold and does every write (set, unset, component with the revision read,
 * export, apply); "draft" carries the operator's unsaved edits as the core's
 * draft (gx_session_draft_*), so every value, origin and validation result
 * shown is what saving would give. Every edit is validated when it is made
 * and, in an editor, as the operator types.
 *
 * Panes: the tree of sections and paths (collapsible), search, help for a
 * path, the validation results, the components, and the run pane of export
 * and apply. Overlays: an editor (line, masked secret, choice picker,
 * multi-line YAML) and a question (quit with unsaved edits, a stale
 * revision, save before export or apply, a real run). */
#ifndef GX_TUI_MODEL_H
#define GX_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gx_core.h"

/* ---- keys: Unicode code points, control characters (Ctrl-R is 18) and these --- */
enum {
    GX_KEY_UP = 0x110000,
    GX_KEY_DOWN,
    GX_KEY_LEFT,
    GX_KEY_RIGHT,
    GX_KEY_HOME,
    GX_KEY_END,
    GX_KEY_PGUP,
    GX_KEY_PGDN,
    GX_KEY_ENTER,
    GX_KEY_ESC,
    GX_KEY_BACKSPACE,
    GX_KEY_DELETE,
    GX_KEY_TAB
};
#define GX_KEY_CTRL(c) ((c) & 0x1f)

/* ---- the grid the model draws into ------------------------------------------- */

/* Attributes of a cell: a style and one colour (the screen leaves colours out
 * with NO_COLOR or on a terminal without them). */
enum {
    GX_A_BOLD = 1,
    GX_A_DIM = 2,
    GX_A_REVERSE = 4,
    GX_A_UNDERLINE = 8,
    GX_A_RED = 1 << 4,    /* blocking results, errors */
    GX_A_YELLOW = 2 << 4, /* warnings, unsaved edits */
    GX_A_GREEN = 3 << 4,  /* success */
    GX_A_CYAN = 4 << 4,   /* titles, sections */
    GX_A_COLOR_MASK = 7 << 4
};

#define GX_TUI_CELL_CHARS 4
/* One cell: a character (ch[0]) with up to 3 combining marks after it. A wide
 * character (CJK, most emoji) takes two cells: the second has width 0 and
 * ch[0] 0. */
typedef struct gx_tui_cell {
    uint32_t ch[GX_TUI_CELL_CHARS];
    uint8_t width;
    uint16_t attr;
} gx_tui_cell;

typedef struct gx_tui_canvas {
    int w, h;
    gx_tui_cell *cells;    /* w * h, row by row */
    int cursor_x, cursor_y; /* where the terminal's cursor goes */
    bool cursor_on;
} gx_tui_canvas;

void gx_tui_canvas_init(gx_tui_canvas *c, int w, int h);
void gx_tui_canvas_free(gx_tui_canvas *c);
/* Fills with spaces of attr. */
void gx_tui_canvas_clear(gx_tui_canvas *c, uint16_t attr);
/* Writes UTF-8 text at x, y in at most maxw columns (wcwidth: wide characters
 * take two, combining marks none; control characters and bytes that are not
 * UTF-8 show as '?'); returns the columns used. */
int gx_tui_canvas_put(gx_tui_canvas *c, int x, int y, const char *text, int maxw,
                      uint16_t attr);
/* Row y as UTF-8 text, trailing spaces removed, into out (size bytes). */
void gx_tui_canvas_row(const gx_tui_canvas *c, int y, char *out, size_t size);
/* The display width of UTF-8 text (as gx_tui_canvas_put counts). */
int gx_tui_text_width(const char *text);

/* ---- the model ----------------------------------------------------------------- */

typedef enum gx_tui_pane {
    GX_PANE_TREE,
    GX_PANE_SEARCH,
    GX_PANE_HELP,
    GX_PANE_VALIDATION,
    GX_PANE_COMPONENTS,
    GX_PANE_RUN
} gx_tui_pane;

typedef enum gx_tui_overlay {
    GX_OVERLAY_NONE,
    GX_OVERLAY_EDITOR,
    GX_OVERLAY_QUIT,       /* unsaved edits: save and quit, discard, or go on */
    GX_OVERLAY_STALE,      /* the files changed outside: reload (edits kept) */
    GX_OVERLAY_SAVE_FIRST, /* export/apply with unsaved edits */
    GX_OVERLAY_RUN_REAL    /* run the target for real? */
} gx_tui_overlay;

typedef enum gx_tui_editor_kind {
    GX_EDITOR_LINE,   /* string, int, quantity */
    GX_EDITOR_SECRET, /* masked */
    GX_EDITOR_CHOICE, /* enum, bool */
    GX_EDITOR_YAML    /* map, list, yaml: several lines */
} gx_tui_editor_kind;

typedef struct gx_tui gx_tui;

/* The smallest terminal the UI draws in. */
#define GX_TUI_MIN_W 80
#define GX_TUI_MIN_H 24

/* Opens the UI on workspace (which has a values.yaml). Reads the values,
 * components and validation. NULL with diagnostics in diags when the
 * workspace cannot be read (the command line shows them). */
gx_tui *gx_tui_new(const char *workspace, gx_diags *diags);
void gx_tui_free(gx_tui *m);

/* The terminal's size (the next draw uses it). */
void gx_tui_resize(gx_tui *m, int w, int h);
/* Handles one key. Returns true when the screen should be drawn again. */
bool gx_tui_key(gx_tui *m, uint32_t key);
/* Draws the current state into c (sized to the terminal: gx_tui_resize). */
void gx_tui_draw(gx_tui *m, gx_tui_canvas *c);
/* True once the operator has quit. */
bool gx_tui_done(const gx_tui *m);

/* A running target: the descriptor to wait on (-1: none), and the work to do
 * when it is readable (or after a while); true when the screen changed. */
int gx_tui_wait_fd(const gx_tui *m);
bool gx_tui_tick(gx_tui *m, int timeout_ms);

/* ---- what tests and the benchmark look at ------------------------------------------ */

gx_tui_pane gx_tui_current_pane(const gx_tui *m);
gx_tui_overlay gx_tui_current_overlay(const gx_tui *m);
gx_tui_editor_kind gx_tui_editor(const gx_tui *m);
/* The path of the row under the cursor (NULL on a section), and its section
 * prefix ("gateway") when it is a section. */
const char *gx_tui_cursor_path(const gx_tui *m);
const char *gx_tui_cursor_section(const gx_tui *m);
/* The inline error of the open editor (NULL when none). */
const char *gx_tui_editor_error(const gx_tui *m);
/* Unsaved edits (paths and components). */
size_t gx_tui_unsaved(const gx_tui *m);
/* Results of the last validation. */
size_t gx_tui_blocking(const gx_tui *m);
size_t gx_tui_warnings(const gx_tui *m);
/* The effective value text of path as shown (secrets "<redacted>"), with the
 * draft applied; NULL for an unknown path. */
const char *gx_tui_value(const gx_tui *m, const char *path);
/* Whether component name is on (with the draft applied). */
bool gx_tui_component_on(const gx_tui *m, const char *name);
/* The search results in rank order: count, and the path of result i. */
size_t gx_tui_search_count(const gx_tui *m);
const char *gx_tui_search_path(const gx_tui *m, size_t i);
/* The last message shown on the status line ("" when none). */
const char *gx_tui_message(const gx_tui *m);
/* Jumps the tree's cursor to path (expanding its sections). */
bool gx_tui_jump(gx_tui *m, const char *path);
/* Lines of the run pane (export, apply): count and line i. */
size_t gx_tui_run_lines(const gx_tui *m);
const char *gx_tui_run_line(const gx_tui *m, size_t i);
/* Whether a target runs now. */
bool gx_tui_running(const gx_tui *m);

#endif
