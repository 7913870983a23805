/* gx_tui_internal — the model's state, shared by its key handling
 * (gx_tui_model.c) and its drawing (gx_tui_draw.c). Private to src/tui. */
#ifndef GX_TUI_INTERNAL_H
#define GX_TUI_INTERNAL_H

#include "gx_tui_model.h"

/* One node of the tree: a section (a path prefix) or a path. */
typedef struct gx_tui_node {
    char *prefix;      /* "gateway", "config/providers" (sections); the path (paths) */
    const char *name;  /* the last segment */
    int field;         /* -1 for a section */
    int depth;
    int parent;        /* node index, -1 at the top */
    int component;     /* a section that is a component's: its index, else -1 */
    bool expanded;
    int *children;
    size_t nchildren;
} gx_tui_node;

/* An unsaved edit of a path or a component. */
typedef enum gx_tui_edit_kind { GX_TE_SET, GX_TE_UNSET, GX_TE_COMPONENT } gx_tui_edit_kind;
typedef struct gx_tui_edit {
    gx_tui_edit_kind kind;
    int index;   /* field, or component */
    char *text;  /* SET, malloc'd */
    bool enable; /* COMPONENT */
} gx_tui_edit;

/* One step of undo: what the edit of one path or component was before and after. */
typedef struct gx_tui_step {
    bool component;
    int index;
    bool had_before, had_after;
    gx_tui_edit before, after; /* texts malloc'd */
} gx_tui_step;

/* What the last read says about one path. */
typedef struct gx_tui_field_state {
    const char *text;       /* effective value (draft applied), secrets "<redacted>" */
    const char *origin;     /* "values.yaml:3:5", "topology:shared", "edited (not saved)" */
    const char *layer;      /* "default", "topology", "values", …, "draft" */
    bool is_default;
    size_t blocking, warnings;
    const char *result;     /* the first result about it (message) */
} gx_tui_field_state;

typedef struct gx_tui_search_hit {
    int field;
    int score;
    const char *why; /* "path", "name", "description", "value" */
} gx_tui_search_hit;

/* A growing text input: code points, the cursor between them. */
typedef struct gx_tui_input {
    uint32_t *cp;
    size_t len, cap, cursor;
} gx_tui_input;

typedef struct gx_tui_run_line {
    char *text;
    uint16_t attr;
    bool partial;
} gx_tui_run_line_t;

struct gx_tui {
    gx_session *saved, *draft;
    char *workspace;
    int w, h;
    bool quit;
    gx_tui_pane pane, back_pane;
    gx_tui_overlay overlay;

    /* the tree */
    gx_tui_node *nodes;
    size_t nnodes;
    int *roots;
    size_t nroots;
    int *rows;     /* visible nodes, in order */
    size_t nrows;
    size_t cursor, top;

    /* values and results */
    size_t nfields;
    gx_tui_field_state *fs;       /* draft applied */
    char **saved_text;            /* per field: the saved text (malloc'd) */
    bool *saved_default;
    bool *comp_on, *comp_saved;
    char *revision;               /* of the files the saved values were read at */
    gx_validation validation;     /* in the draft session */
    size_t blocking, warnings;
    char *load_error;             /* the draft does not load (malloc'd) */
    bool typing;                  /* refreshing for a key in an editor */

    /* edits, undo, redo */
    gx_tui_edit *edits;
    size_t nedits;
    gx_tui_step *undo, *redo;
    size_t nundo, nredo;

    /* the editor */
    gx_tui_editor_kind ed_kind;
    int ed_field;
    gx_tui_input ed;
    size_t ed_top;          /* YAML: first line shown */
    int ed_choice;          /* CHOICE: selected index */
    const char *const *ed_choices;
    size_t ed_nchoices;
    char *ed_error;         /* inline error (malloc'd) */
    bool ed_error_blocking;

    /* search */
    gx_tui_input query;
    gx_tui_search_hit *hits;
    size_t nhits, hit_cursor, hit_top;

    /* help, validation, components */
    char **help;
    size_t nhelp, help_top;
    size_t val_cursor, val_top;
    size_t comp_cursor;

    /* the run pane: export and apply */
    bool run_is_export;
    size_t target;            /* selected target */
    int dry_done_target;      /* the target whose dry run ended well, -1 none */
    gx_apply *apply;
    bool apply_dry;
    gx_tui_run_line_t *lines;
    size_t nlines, lines_top;
    bool follow;              /* keep the last line in view */
    int exit_status;

    /* after the SAVE_FIRST question */
    bool then_export;

    char message[512];
    uint16_t message_attr;
};

/* Moves *top so that cursor is among the rows shown from it. */
static inline void gx_scroll_into_view(size_t cursor, size_t *top, size_t rows)
{
    if (cursor < *top)
        *top = cursor;
    if (rows && cursor >= *top + rows)
        *top = cursor - rows + 1;
}

/* gx_tui_draw.c */
void gx_tui_draw_all(gx_tui *m, gx_tui_canvas *c);
/* Rows of the main pane for height h. */
int gx_tui_pane_rows(const gx_tui *m);
/* The input as UTF-8 (malloc'd). */
char *gx_tui_input_text(const gx_tui_input *in);

#endif
