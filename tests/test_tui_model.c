/* test_tui_model — the terminal UI's model (src/tui/gx_tui_model.h) without a
 * terminal: keys in, state and the drawn grid out. Each test gets a fresh
 * workspace (gx_op_init, dev environment, bundled PostgreSQL) whose
 * values.yaml carries an operator's comment. Covered: navigation, search
 * ranking and jumps, each editor's inline validation (number with range,
 * choice, masked secret, multi-line YAML with line:col), components, undo and
 * redo, save (only what changed, the comment kept), save against a stale
 * revision (nothing written, reload keeps the edits), quit and Ctrl-C with
 * unsaved edits, the canvas with wide and combining characters, the small
 * terminal message, and an apply dry run streamed through the recording
 * fakes (tests/fakes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gx_core.h"
#include "gx_test_unit.h"
#include "gx_test_util.h"
#include "gx_tui_model.h"

typedef struct fx {
    char dir[128];
    char values[192];
    gx_tui *m;
} fx;

static const char comment[] = "# keep two gateways for the demo (operator's note)\n";

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/tui-model.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    gx_session *s = gx_session_new(f->dir);
    gx_init_request req = {.environment = "dev", .with_postgresql = true};
    if (gx_op_init(s, &req, NULL) != GX_STATUS_OK)
        return -1;
    gx_session_free(s);
    snprintf(f->values, sizeof f->values, "%s/values.yaml", f->dir);
    /* the operator's comment and a value of their own */
    size_t len;
    char *text = gx_test_read_file(f->values, &len);
    FILE *out = fopen(f->values, "w");
    fprintf(out, "%sgateway:\n  %s  replica-count: 2\n", text, comment);
    fclose(out);
    free(text);
    gx_diags diags = GX_DIAGS_INIT;
    f->m = gx_tui_new(f->dir, &diags);
    gx_diags_free(&diags);
    if (!f->m)
        return -1;
    gx_tui_resize(f->m, 80, 24);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    gx_tui_free(f->m);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void keys(gx_tui *m, const char *text)
{
    for (const char *p = text; *p; p++)
        gx_tui_key(m, (unsigned char)*p);
}

/* Types UTF-8 text as code points. */
static void type_utf8(gx_tui *m, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        uint32_t cp;
        int n = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
        cp = n == 1 ? *p : (uint32_t)(*p & (0xff >> (n + 1)));
        for (int i = 1; i < n; i++)
            cp = (cp << 6) | (p[i] & 0x3f);
        p += n;
        gx_tui_key(m, cp);
    }
}

/* The screen as text, rows joined with '\n'. */
static char *screen(gx_tui *m, int w, int h)
{
    gx_tui_canvas c;
    gx_tui_canvas_init(&c, w, h);
    gx_tui_resize(m, w, h);
    gx_tui_draw(m, &c);
    size_t cap = (size_t)h * ((size_t)w * 4 + 2) + 1, n = 0;
    char *out = malloc(cap);
    for (int y = 0; y < h; y++) {
        gx_tui_canvas_row(&c, y, out + n, cap - n);
        n += strlen(out + n);
        out[n++] = '\n';
    }
    out[n] = '\0';
    gx_tui_canvas_free(&c);
    return out;
}

static void assert_screen_has(gx_tui *m, const char *what)
{
    char *s = screen(m, 80, 24);
    if (!strstr(s, what))
        fail_msg("the screen lacks \"%s\":\n%s", what, s);
    free(s);
}

/* Moves the tree cursor down until it stands on path (at most 400 keys). */
static void walk_to(gx_tui *m, const char *section, const char *path)
{
    for (int i = 0; i < 400; i++) {
        const char *s = gx_tui_cursor_section(m);
        if (s && !strcmp(s, section)) {
            gx_tui_key(m, GX_KEY_RIGHT); /* open it */
            break;
        }
        gx_tui_key(m, GX_KEY_DOWN);
    }
    for (int i = 0; i < 400; i++) {
        const char *p = gx_tui_cursor_path(m);
        if (p && !strcmp(p, path))
            return;
        gx_tui_key(m, GX_KEY_DOWN);
    }
    fail_msg("did not reach %s", path);
}

/* Retypes the value under the tree cursor in its line editor: Enter opens
 * the editor, Ctrl-U empties it, text is typed, Enter keeps it. */
static void retype(gx_tui *m, const char *text)
{
    gx_tui_key(m, GX_KEY_ENTER);
    gx_tui_key(m, GX_KEY_CTRL('u'));
    keys(m, text);
    gx_tui_key(m, GX_KEY_ENTER);
}

/* Sends key; the model must then show pane. */
static void key_to_pane(gx_tui *m, uint32_t key, gx_tui_pane pane)
{
    gx_tui_key(m, key);
    assert_int_equal(gx_tui_current_pane(m), pane);
}

/* Sends key; the model must then show overlay (GX_OVERLAY_NONE: none). */
static void key_to_overlay(gx_tui *m, uint32_t key, gx_tui_overlay overlay)
{
    gx_tui_key(m, key);
    assert_int_equal(gx_tui_current_overlay(m), overlay);
}

/* Jumps to path (it must be there) and opens its editor with Enter, which
 * must be of kind. */
static void open_editor(gx_tui *m, const char *path, gx_tui_editor_kind kind)
{
    assert_true(gx_tui_jump(m, path));
    gx_tui_key(m, GX_KEY_ENTER);
    assert_int_equal(gx_tui_editor(m), kind);
}

/* Jumps to gateway/replica-count (it must be there) and retypes it as text. */
static void edit_replicas(gx_tui *m, const char *text)
{
    assert_true(gx_tui_jump(m, "gateway/replica-count"));
    retype(m, text);
}

/* Moves the cursor down (at most max keys) until an 80x24 screen holds what;
 * whether it got there. */
static bool down_until_screen_has(gx_tui *m, const char *what, int max)
{
    for (int i = 0; i < max; i++) {
        char *s = screen(m, 80, 24);
        bool at = strstr(s, what) != NULL;
        free(s);
        if (at)
            return true;
        gx_tui_key(m, GX_KEY_DOWN);
    }
    return false;
}

/* Ticks (10 ms each, at most 3000) while a run goes on. */
static void wait_run(gx_tui *m)
{
    for (int i = 0; i < 3000 && gx_tui_running(m); i++)
        gx_tui_tick(m, 10);
}

/* Whether a line of the run pane holds what. */
static bool run_has(gx_tui *m, const char *what)
{
    for (size_t i = 0; i < gx_tui_run_lines(m); i++)
        if (strstr(gx_tui_run_line(m, i), what))
            return true;
    return false;
}

/* Puts the recording fakes (tests/fakes) first on PATH, logging to
 * f->dir/fake.log, whose path goes to log. */
static void use_fakes(fx *f, char log[256])
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fakes:%s", GX_SOURCE_DIR, getenv("PATH"));
    snprintf(log, 256, "%s/fake.log", f->dir);
    setenv("PATH", path, 1);
    setenv("GX_FAKE_LOG", log, 1);
}

/* ---- navigation ----------------------------------------------------------------- */

static void test_navigation(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    assert_int_equal(gx_tui_current_pane(m), GX_PANE_TREE);
    assert_string_equal(gx_tui_cursor_section(m), "core");
    gx_tui_key(m, GX_KEY_DOWN);
    assert_string_equal(gx_tui_cursor_section(m), "gateway");
    gx_tui_key(m, GX_KEY_ENTER); /* opens the section */
    gx_tui_key(m, 'j');
    assert_string_equal(gx_tui_cursor_path(m), "gateway/replica-count");
    assert_screen_has(m, "replica-count");
    assert_screen_has(m, "from values.yaml:");
    gx_tui_key(m, GX_KEY_LEFT); /* to the section */
    assert_string_equal(gx_tui_cursor_section(m), "gateway");
    gx_tui_key(m, GX_KEY_LEFT); /* closes it */
    gx_tui_key(m, 'j');
    assert_string_equal(gx_tui_cursor_section(m), "worker");
    gx_tui_key(m, 'k');
    gx_tui_key(m, 'k');
    gx_tui_key(m, 'k'); /* stays at the top */
    assert_string_equal(gx_tui_cursor_section(m), "core");
    gx_tui_key(m, GX_KEY_END);
    assert_non_null(gx_tui_cursor_section(m));
    /* help for a path: the facts describe and get --explain give */
    assert_true(gx_tui_jump(m, "gateway/replica-count"));
    key_to_pane(m, '?', GX_PANE_HELP);
    assert_screen_has(m, "default:    shared: 3, dedicated: 1");
    assert_screen_has(m, "range:      min 1");
    assert_screen_has(m, "from:       values.yaml:");
    key_to_pane(m, GX_KEY_ESC, GX_PANE_TREE);
    /* the status line: workspace, results, unsaved edits, keys */
    char *s = screen(m, 80, 24);
    gx_test_assert_has_each(s, (const char *const[]){f->dir, "0 blocking", "saved", "Enter edit", NULL});
    free(s);
}

/* ---- search ------------------------------------------------------------------------ */

static void test_search_ranking(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    key_to_pane(m, '/', GX_PANE_SEARCH);
    keys(m, "replica-count");
    /* exact last segments first, in schema order */
    assert_true(gx_tui_search_count(m) >= 2);
    assert_string_equal(gx_tui_search_path(m, 0), "gateway/replica-count");
    const char *second = gx_tui_search_path(m, 1);
    assert_non_null(strstr(second, "replica-count"));
    /* a path prefix ranks above a match in a description */
    for (int i = 0; i < 13; i++)
        gx_tui_key(m, GX_KEY_BACKSPACE);
    keys(m, "gateway/rep");
    assert_string_equal(gx_tui_search_path(m, 0), "gateway/replica-count");
    for (int i = 0; i < 11; i++)
        gx_tui_key(m, GX_KEY_BACKSPACE);
    /* a word only descriptions hold: "omitted" (gateway/replica-count's) */
    keys(m, "omitted when autoscaling");
    assert_true(gx_tui_search_count(m) >= 1);
    bool found = false;
    for (size_t i = 0; i < gx_tui_search_count(m); i++)
        found |= !strcmp(gx_tui_search_path(m, i), "gateway/replica-count");
    assert_true(found);
    assert_screen_has(m, "description");
    /* a value: the comment's workspace sets replica-count to 2; values match too */
    for (int i = 0; i < 24; i++)
        gx_tui_key(m, GX_KEY_BACKSPACE);
    keys(m, "ghcr.io");
    assert_string_equal(gx_tui_search_path(m, 0), "core/image-repository");
    /* Enter jumps to the result in the tree */
    key_to_pane(m, GX_KEY_ENTER, GX_PANE_TREE);
    assert_string_equal(gx_tui_cursor_path(m), "core/image-repository");
    /* nothing matches */
    gx_tui_key(m, '/');
    keys(m, "zzzqqq");
    assert_int_equal(gx_tui_search_count(m), 0);
    assert_screen_has(m, "nothing matches");
}

/* ---- editors ------------------------------------------------------------------------ */

static void test_number_editor(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    walk_to(m, "gateway", "gateway/replica-count");
    key_to_overlay(m, GX_KEY_ENTER, GX_OVERLAY_EDITOR);
    assert_int_equal(gx_tui_editor(m), GX_EDITOR_LINE);
    gx_tui_key(m, GX_KEY_CTRL('u'));
    keys(m, "abc");
    assert_non_null(gx_tui_editor_error(m));
    assert_non_null(strstr(gx_tui_editor_error(m), "expected an integer"));
    assert_screen_has(m, "error: gateway/replica-count: expected an integer");
    /* Enter refuses what does not parse */
    key_to_overlay(m, GX_KEY_ENTER, GX_OVERLAY_EDITOR);
    gx_tui_key(m, GX_KEY_CTRL('u'));
    keys(m, "0"); /* parses, below the range: the rule says so as it is typed */
    assert_non_null(gx_tui_editor_error(m));
    assert_true(gx_tui_blocking(m) >= 1);
    gx_tui_key(m, GX_KEY_BACKSPACE);
    keys(m, "4");
    assert_null(gx_tui_editor_error(m));
    assert_screen_has(m, "ok: valid");
    /* nothing changed yet: the editor's candidate is no edit */
    assert_int_equal(gx_tui_unsaved(m), 0);
    key_to_overlay(m, GX_KEY_ENTER, GX_OVERLAY_NONE);
    assert_int_equal(gx_tui_unsaved(m), 1);
    assert_string_equal(gx_tui_value(m, "gateway/replica-count"), "4");
    assert_screen_has(m, "1 unsaved");
    /* Esc leaves a value as it was */
    gx_tui_key(m, GX_KEY_ENTER);
    keys(m, "99");
    gx_tui_key(m, GX_KEY_ESC);
    assert_string_equal(gx_tui_value(m, "gateway/replica-count"), "4");
}

static void test_choice_editor(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    open_editor(m, "core/topology", GX_EDITOR_CHOICE);
    assert_screen_has(m, "> shared");
    gx_tui_key(m, GX_KEY_DOWN);
    assert_screen_has(m, "> dedicated");
    /* the candidate is validated as chosen: dedicated with 2 replicas is fine */
    gx_tui_key(m, GX_KEY_ENTER);
    assert_string_equal(gx_tui_value(m, "core/topology"), "dedicated");
    /* the topology default follows: the worker's replica count of dedicated */
    assert_int_equal(gx_tui_unsaved(m), 1);
    /* a bool: Space switches it in the tree */
    assert_true(gx_tui_jump(m, "gateway/pod-anti-affinity"));
    const char *before = gx_tui_value(m, "gateway/pod-anti-affinity");
    bool was_true = !strcmp(before, "true");
    gx_tui_key(m, ' ');
    assert_string_equal(gx_tui_value(m, "gateway/pod-anti-affinity"), was_true ? "false" : "true");
    assert_int_equal(gx_tui_unsaved(m), 2);
}

static void test_secret_editor(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    assert_true(gx_tui_jump(m, "gateway/admin-key"));
    assert_screen_has(m, "<redacted>");
    gx_tui_key(m, GX_KEY_ENTER);
    assert_int_equal(gx_tui_editor(m), GX_EDITOR_SECRET);
    keys(m, "hunter2hunter2hunter2hunter2hunter2");
    char *s = screen(m, 80, 24);
    assert_null(strstr(s, "hunter2"));
    assert_non_null(strstr(s, "**********"));
    free(s);
    gx_tui_key(m, GX_KEY_ENTER);
    assert_int_equal(gx_tui_unsaved(m), 1);
    assert_string_equal(gx_tui_value(m, "gateway/admin-key"), "<redacted>");
    assert_int_equal(gx_tui_key(m, 's'), true);
    assert_int_equal(gx_tui_unsaved(m), 0);
    /* the secret went to secrets.yaml, never to values.yaml */
    char path[256];
    snprintf(path, sizeof path, "%s/secrets.yaml", f->dir);
    char *secrets = gx_test_read_file(path, NULL);
    char *values = gx_test_read_file(f->values, NULL);
    assert_non_null(strstr(secrets, "hunter2hunter2hunter2hunter2hunter2"));
    assert_null(strstr(values, "hunter2"));
    free(secrets);
    free(values);
}

static void test_yaml_editor(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    open_editor(m, "gateway/node-selector", GX_EDITOR_YAML);
    gx_tui_key(m, GX_KEY_DELETE);
    gx_tui_key(m, GX_KEY_DELETE); /* "{}" gone */
    keys(m, "disktype: ssd");
    gx_tui_key(m, GX_KEY_ENTER); /* a new line, not the end of the edit */
    keys(m, "zone: a: b");
    assert_int_equal(gx_tui_current_overlay(m), GX_OVERLAY_EDITOR);
    const char *err = gx_tui_editor_error(m);
    assert_non_null(err);
    assert_non_null(strstr(err, "line 2:8:")); /* line:col of the text typed */
    assert_screen_has(m, "error: line 2:8:");
    key_to_overlay(m, GX_KEY_CTRL('s'), GX_OVERLAY_EDITOR); /* refused while it does not parse */
    for (int i = 0; i < 4; i++)
        gx_tui_key(m, GX_KEY_BACKSPACE);
    keys(m, "eu-1");
    assert_null(gx_tui_editor_error(m));
    key_to_overlay(m, GX_KEY_CTRL('s'), GX_OVERLAY_NONE);
    const char *v = gx_tui_value(m, "gateway/node-selector");
    assert_non_null(strstr(v, "disktype: ssd"));
    assert_non_null(strstr(v, "zone: eu-1"));
}

/* UTF-8 values: typed, shown by width, edited by character. */
static void test_wide_characters(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    assert_true(gx_tui_jump(m, "config/campaign/name"));
    gx_tui_key(m, GX_KEY_ENTER);
    type_utf8(m, "冒険の書 🐉 cafe\xcc\x81!"); /* CJK, an emoji, e + combining acute */
    gx_tui_key(m, GX_KEY_BACKSPACE);           /* "!" */
    gx_tui_key(m, GX_KEY_BACKSPACE);           /* "é" with its mark */
    type_utf8(m, "é");
    gx_tui_key(m, GX_KEY_ENTER);
    assert_string_equal(gx_tui_value(m, "config/campaign/name"), "冒険の書 🐉 café");
    assert_screen_has(m, "冒険の書 🐉 café");
    gx_tui_key(m, 's');
    char *values = gx_test_read_file(f->values, NULL);
    assert_non_null(strstr(values, "冒険の書 🐉 café"));
    free(values);
    /* widths: wide characters two cells, combining marks none */
    gx_tui_canvas c;
    gx_tui_canvas_init(&c, 20, 1);
    assert_int_equal(gx_tui_canvas_put(&c, 0, 0, "冒険", 20, 0), 4);
    assert_int_equal(gx_tui_canvas_put(&c, 4, 0, "cafe\xcc\x81", 16, 0), 4);
    assert_int_equal(gx_tui_canvas_put(&c, 8, 0, "\x1b[31m", 12, 0), 5); /* escapes shown as '?' */
    char row[128];
    gx_tui_canvas_row(&c, 0, row, sizeof row);
    assert_string_equal(row, "冒険cafe\xcc\x81?[31m");
    /* a wide character that does not fit is left out, not split */
    gx_tui_canvas_clear(&c, 0);
    assert_int_equal(gx_tui_canvas_put(&c, 17, 0, "ab冒", 3, 0), 2);
    gx_tui_canvas_free(&c);
    assert_int_equal(gx_tui_text_width("🐉x"), 3);
}

/* ---- components --------------------------------------------------------------------- */

static void test_components(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    assert_false(gx_tui_component_on(m, "autoscaling"));
    key_to_pane(m, 'c', GX_PANE_COMPONENTS);
    assert_screen_has(m, "mandatory");
    /* the mandatory gateway stays on */
    gx_tui_key(m, ' ');
    assert_true(gx_tui_component_on(m, "gateway"));
    assert_int_equal(gx_tui_unsaved(m), 0);
    down_until_screen_has(m, "autoscaling: off", 20);
    gx_tui_key(m, ' ');
    assert_true(gx_tui_component_on(m, "autoscaling"));
    assert_int_equal(gx_tui_unsaved(m), 1);
    assert_screen_has(m, "+ unsaved");
    /* switching it back is no edit any more */
    gx_tui_key(m, ' ');
    assert_false(gx_tui_component_on(m, "autoscaling"));
    assert_int_equal(gx_tui_unsaved(m), 0);
    /* in the tree: Space on the component's section */
    gx_tui_key(m, GX_KEY_ESC);
    assert_true(gx_tui_jump(m, "autoscaling/min-replicas") || gx_tui_jump(m, "autoscaling/max-replicas"));
    gx_tui_key(m, GX_KEY_LEFT);
    assert_string_equal(gx_tui_cursor_section(m), "autoscaling");
    gx_tui_key(m, ' ');
    assert_true(gx_tui_component_on(m, "autoscaling"));
    gx_tui_key(m, 's');
    char *values = gx_test_read_file(f->values, NULL);
    assert_non_null(strstr(values, "autoscaling: true"));
    assert_non_null(strstr(values, comment));
    free(values);
}

/* ---- undo, redo ---------------------------------------------------------------------- */

static void test_undo_redo(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    edit_replicas(m, "5");
    retype(m, "6");
    assert_string_equal(gx_tui_value(m, "gateway/replica-count"), "6");
    gx_tui_key(m, 'u');
    assert_string_equal(gx_tui_value(m, "gateway/replica-count"), "5");
    gx_tui_key(m, 'u');
    assert_string_equal(gx_tui_value(m, "gateway/replica-count"), "2");
    assert_int_equal(gx_tui_unsaved(m), 0);
    gx_tui_key(m, 'u'); /* nothing left */
    assert_non_null(strstr(gx_tui_message(m), "nothing to undo"));
    gx_tui_key(m, GX_KEY_CTRL('r'));
    assert_string_equal(gx_tui_value(m, "gateway/replica-count"), "5");
    gx_tui_key(m, GX_KEY_CTRL('r'));
    assert_string_equal(gx_tui_value(m, "gateway/replica-count"), "6");
    /* a new edit forgets what could be redone */
    gx_tui_key(m, 'u');
    gx_tui_key(m, 'd'); /* back to the default */
    assert_string_equal(gx_tui_value(m, "gateway/replica-count"), "3");
    gx_tui_key(m, GX_KEY_CTRL('r'));
    assert_non_null(strstr(gx_tui_message(m), "nothing to redo"));
    gx_tui_key(m, 'u');
    assert_string_equal(gx_tui_value(m, "gateway/replica-count"), "5");
}

/* ---- save -------------------------------------------------------------------------- */

static void test_save_keeps_comment(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    char *before = gx_test_read_file(f->values, NULL);
    edit_replicas(m, "7");
    /* nothing written before s */
    char *now = gx_test_read_file(f->values, NULL);
    assert_string_equal(now, before);
    free(now);
    gx_tui_key(m, 's');
    assert_int_equal(gx_tui_unsaved(m), 0);
    assert_non_null(strstr(gx_tui_message(m), "saved 1 edit"));
    char *after = gx_test_read_file(f->values, NULL);
    assert_non_null(strstr(after, comment));
    assert_non_null(strstr(after, "replica-count: 7"));
    /* only that line changed */
    char *expected = strdup(before);
    char *at = strstr(expected, "replica-count: 2");
    at[strlen("replica-count: ")] = '7';
    assert_string_equal(after, expected);
    free(expected);
    free(before);
    free(after);
    assert_screen_has(m, "saved");
}

static void test_save_stale_revision(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    edit_replicas(m, "3");
    /* meanwhile someone changes the workspace from the command line */
    gx_session *other = gx_session_new(f->dir);
    gx_assignment a = {"core/namespace=elsewhere", false};
    assert_int_equal(gx_op_set(other, &a, 1, NULL, NULL, NULL), GX_STATUS_OK);
    gx_session_free(other);
    char *theirs = gx_test_read_file(f->values, NULL);
    key_to_overlay(m, 's', GX_OVERLAY_STALE);
    assert_screen_has(m, "The files changed outside this editor");
    char *now = gx_test_read_file(f->values, NULL);
    assert_string_equal(now, theirs); /* nothing written */
    free(now);
    /* reload: their change is read, the edit stays on top */
    key_to_overlay(m, 'r', GX_OVERLAY_NONE);
    assert_int_equal(gx_tui_unsaved(m), 1);
    assert_string_equal(gx_tui_value(m, "core/namespace"), "elsewhere");
    assert_string_equal(gx_tui_value(m, "gateway/replica-count"), "3");
    gx_tui_key(m, 's');
    assert_int_equal(gx_tui_unsaved(m), 0);
    now = gx_test_read_file(f->values, NULL);
    assert_non_null(strstr(now, "namespace: elsewhere"));
    assert_non_null(strstr(now, "replica-count: 3"));
    assert_non_null(strstr(now, comment));
    free(now);
    free(theirs);
}

/* ---- quitting ---------------------------------------------------------------------------- */

static void test_quit_with_unsaved_edits(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    char *before = gx_test_read_file(f->values, NULL);
    edit_replicas(m, "8");
    key_to_overlay(m, 'q', GX_OVERLAY_QUIT);
    assert_screen_has(m, "Quit with 1 unsaved edit?");
    gx_tui_key(m, GX_KEY_ESC); /* keep editing */
    assert_false(gx_tui_done(m));
    assert_int_equal(gx_tui_unsaved(m), 1);
    key_to_overlay(m, GX_KEY_CTRL('c'), GX_OVERLAY_QUIT); /* Ctrl-C asks the same */
    assert_false(gx_tui_done(m));
    gx_tui_key(m, 'x'); /* not an answer */
    assert_false(gx_tui_done(m));
    gx_tui_key(m, 'd'); /* discard */
    assert_true(gx_tui_done(m));
    char *after = gx_test_read_file(f->values, NULL);
    assert_string_equal(after, before);
    free(before);
    free(after);
}

static void test_quit_saving(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    assert_true(gx_tui_jump(m, "gateway/replica-count"));
    gx_tui_key(m, 'd');
    gx_tui_key(m, 'q');
    gx_tui_key(m, 's');
    assert_true(gx_tui_done(m));
    char *after = gx_test_read_file(f->values, NULL);
    assert_null(strstr(after, "replica-count"));
    assert_non_null(strstr(after, "core:"));
    free(after);
}

static void test_quit_without_edits(void **state)
{
    fx *f = *state;
    gx_tui_key(f->m, 'q');
    assert_true(gx_tui_done(f->m));
}

/* ---- the screen --------------------------------------------------------------------------- */

static void test_small_terminal(void **state)
{
    fx *f = *state;
    char *s = screen(f->m, 60, 20);
    assert_non_null(strstr(s, "needs at least 80x24"));
    assert_non_null(strstr(s, "this terminal is 60x20"));
    free(s);
    /* keys do nothing meanwhile; back at 80x24 the tree is there again */
    gx_tui_key(f->m, GX_KEY_DOWN);
    s = screen(f->m, 80, 24);
    assert_non_null(strstr(s, "[+] core/"));
    free(s);
    s = screen(f->m, 120, 40);
    assert_non_null(strstr(s, "[+] config/"));
    free(s);
}

static void test_validation_panel(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    edit_replicas(m, "0"); /* kept, though blocking */
    assert_true(gx_tui_blocking(m) >= 1);
    assert_screen_has(m, "!*+ replica-count");
    assert_true(gx_tui_jump(m, "core/namespace"));
    key_to_pane(m, 'v', GX_PANE_VALIDATION);
    assert_screen_has(m, "gateway/replica-count");
    down_until_screen_has(m, "blocking V1 gateway/replica-count", 40);
    key_to_pane(m, GX_KEY_ENTER, GX_PANE_TREE);
    assert_string_equal(gx_tui_cursor_path(m), "gateway/replica-count");
}

/* An apply dry run, streamed, through the recording fakes on PATH. */
static void test_apply_dry_run(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    char log[256];
    use_fakes(f, log);
    key_to_pane(m, 'a', GX_PANE_RUN);
    assert_screen_has(m, "target:  default");
    key_to_overlay(m, 'R', GX_OVERLAY_NONE); /* no real run before a dry run */
    assert_non_null(strstr(gx_tui_message(m), "dry run"));
    gx_tui_key(m, GX_KEY_ENTER);
    wait_run(m);
    assert_false(gx_tui_running(m));
    assert_true(run_has(m, "kubectl apply --server-side"));
    assert_true(run_has(m, "[step 1/"));
    assert_true(run_has(m, "dry run done (exit status 0)"));
    /* a dry run runs nothing: the fakes recorded no call */
    assert_int_equal(access(log, F_OK), -1);
    /* now the real run is offered, and asked for */
    key_to_overlay(m, 'R', GX_OVERLAY_RUN_REAL);
    key_to_overlay(m, GX_KEY_ESC, GX_OVERLAY_NONE);
    key_to_pane(m, GX_KEY_ESC, GX_PANE_TREE);
    /* with unsaved edits, apply asks to save first */
    assert_true(gx_tui_jump(m, "gateway/replica-count"));
    gx_tui_key(m, 'd');
    key_to_overlay(m, 'a', GX_OVERLAY_SAVE_FIRST);
    key_to_pane(m, GX_KEY_ESC, GX_PANE_TREE);
    assert_int_equal(gx_tui_unsaved(m), 1);
}

/* A real run, after its dry run and a yes; x cancels it: the target's whole
 * process group is killed (the fake's sleep child too). */
static void test_apply_cancel(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    char log[256], hang[300];
    use_fakes(f, log);
    snprintf(hang, sizeof hang, "%s.hang.1", log);
    setenv("GX_FAKE_HANG_ON", "1", 1);
    gx_tui_key(m, 'e'); /* status acts on the last export */
    gx_tui_key(m, GX_KEY_ESC);
    gx_tui_key(m, 'a');
    down_until_screen_has(m, "status: Shows", 10);
    gx_tui_key(m, GX_KEY_ENTER); /* the dry run */
    wait_run(m);
    key_to_overlay(m, 'R', GX_OVERLAY_RUN_REAL);
    gx_tui_key(m, 'y');
    assert_true(gx_tui_running(m));
    for (int i = 0; i < 1000 && access(hang, F_OK) != 0; i++)
        gx_tui_tick(m, 10);
    char *pids = gx_test_read_file(hang, NULL);
    assert_non_null(pids);
    for (int i = 0; i < 50 && !strchr(pids, '\n'); i++) { /* the line is written whole */
        free(pids);
        gx_tui_tick(m, 10);
        pids = gx_test_read_file(hang, NULL);
    }
    int fake = 0, sleeper = 0;
    assert_int_equal(sscanf(pids, "%d %d", &fake, &sleeper), 2);
    free(pids);
    assert_int_equal(kill(sleeper, 0), 0);
    assert_screen_has(m, "x cancel");
    gx_tui_key(m, 'x');
    wait_run(m);
    assert_false(gx_tui_running(m));
    assert_int_equal(kill(sleeper, 0), -1);
    assert_int_equal(kill(fake, 0), -1);
    assert_true(run_has(m, "cancelled"));
    assert_true(run_has(m, "ended with exit status"));
    unsetenv("GX_FAKE_HANG_ON");
}

/* The core's draft the model relies on: reads apply it, writes and exports do not. */
static void test_core_draft(void **state)
{
    fx *f = *state;
    gx_session *s = gx_session_new(f->dir);
    gx_diags diags = GX_DIAGS_INIT;
    assert_false(gx_session_draft_set(s, "gateway/replica-cnt", "3", &diags));
    assert_int_equal(diags.items[0].code, GX_CODE_UNKNOWN_PATH);
    gx_diags_free(&diags);
    assert_false(gx_session_draft_set(s, "gateway/replica-count", "x", &diags));
    gx_diags_free(&diags);
    assert_int_equal(gx_session_draft_count(s), 0);
    assert_false(gx_session_draft_component(s, "gateway", false, &diags)); /* mandatory */
    gx_diags_free(&diags);
    assert_true(gx_session_draft_set(s, "gateway/replica-count", "5", &diags));
    assert_true(gx_session_draft_set(s, "gateway/replica-count", "6", &diags)); /* replaces */
    assert_true(gx_session_draft_unset(s, "core/environment", &diags));
    assert_true(gx_session_draft_component(s, "autoscaling", true, &diags));
    assert_int_equal(gx_session_draft_count(s), 3);
    gx_values v;
    assert_int_equal(gx_op_get(s, "gateway/replica-count", 0, NULL, &v), GX_STATUS_OK);
    assert_string_equal(v.items[0].text, "6");
    assert_string_equal(v.items[0].origin.layer, "draft");
    assert_string_equal(v.items[0].origin.text, "edited (not saved)");
    assert_int_equal(gx_op_get(s, "core/environment", 0, NULL, &v), GX_STATUS_OK);
    assert_true(v.items[0].is_default);
    bool on[32] = {false};
    assert_int_equal(gx_op_components(s, NULL, on), GX_STATUS_OK);
    assert_true(on[gx_core_component_find("autoscaling")]);
    /* an export renders the files, not the draft */
    gx_export_request req = {.dest = GX_EXPORT_STREAM};
    gx_buf out = GX_BUF_INIT;
    req.stream = &out;
    assert_int_equal(gx_op_export(s, &req, NULL, NULL), GX_STATUS_OK);
    gx_buf_putc(&out, '\0');
    assert_null(strstr(out.data, "HorizontalPodAutoscaler"));
    gx_buf_free(&out);
    /* a write neither: set writes its own value and leaves the rest as the files have it */
    gx_assignment a = {"core/namespace=drafted", false};
    assert_int_equal(gx_op_set(s, &a, 1, NULL, NULL, NULL), GX_STATUS_OK);
    char *values = gx_test_read_file(f->values, NULL);
    assert_non_null(strstr(values, "replica-count: 2"));
    assert_non_null(strstr(values, "environment: dev"));
    assert_null(strstr(values, "autoscaling"));
    free(values);
    gx_session_draft_clear(s);
    assert_int_equal(gx_op_get(s, "gateway/replica-count", 0, NULL, &v), GX_STATUS_OK);
    assert_string_equal(v.items[0].text, "2");
    gx_session_free(s);
}

/* e exports to the workspace and lists what it wrote. */
static void test_export(void **state)
{
    fx *f = *state;
    gx_tui *m = f->m;
    key_to_pane(m, 'e', GX_PANE_RUN);
    assert_true(run_has(m, "generated/gateway.yaml"));
    assert_true(run_has(m, "export done:"));
    char path[256];
    snprintf(path, sizeof path, "%s/generated/gateway.yaml", f->dir);
    assert_int_equal(access(path, F_OK), 0);
    assert_screen_has(m, "export done:");
    /* again: nothing changed, nothing written */
    gx_tui_key(m, 'e');
    assert_screen_has(m, " 0 changed");
}

int main(void)
{
    /* widths of CJK and emoji come from the locale, as in the tool */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "en_US.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_navigation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_ranking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_number_editor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_choice_editor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_editor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yaml_editor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_components, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undo_redo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_keeps_comment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_stale_revision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quit_with_unsaved_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quit_saving, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quit_without_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_terminal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation_panel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply_dry_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_core_draft, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
