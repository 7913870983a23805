/* Tests of gx_edit (values files edited in place) and of what it builds on:
 * the byte offsets of gx_node and gx_value_write.
 *
 *   golden     tests/edit/<case>/{before.yaml, edits, after.yaml}: the edits
 *              applied to before.yaml give after.yaml byte for byte, and
 *              read back as the values expected. The edits file holds one
 *              edit a line: "set PATH=VALUE" (VALUE as `set` takes it),
 *              "unset PATH", "enable NAME", "disable NAME", "reset NAME"
 *              (the component's entry removed), and "expect rewrite" when
 *              the full rewrite (and its note) is the expected outcome;
 *              '#' lines and blank lines are skipped.
 *              GX_EDIT_UPDATE=1 writes after.yaml from the result instead
 *              (then read every diff before committing it).
 *   property   random sequences of edits (GX_EDIT_SEED, GX_EDIT_ROUNDS) over
 *              the golden inputs and over the results again: the result
 *              always reads back as the values expected, is always edited in
 *              place, and keeps every line of the input that lies outside
 *              the entries changed or removed (comment lines included), in
 *              order, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_edit.h"
#include "gx_model.h"
#include "gx_node.h"
#include "gx_test_fixture.h"
#include "gx_test_util.h"

typedef gx_test_fx fixture;

#define EDIT_DIR GX_SOURCE_DIR "/tests/edit"

/* ---- helpers ----------------------------------------------------------------------- */

static bool has_note(const gx_diags *diags)
{
    for (size_t i = 0; i < diags->count; i++)
        if (diags->items[i].severity == GX_NOTE)
            return true;
    return false;
}

/* The canonical text of a layer (gx_layer_write), malloc'd. */
static char *layer_text(const gx_layer *layer)
{
    gx_buf b = GX_BUF_INIT;
    gx_layer_write(layer, &b);
    char *s = strdup(b.data ? b.data : "");
    gx_buf_free(&b);
    return s;
}

/* Reads text into layer; fails the test when it does not read. */
static void must_read(fixture *f, const char *text, size_t len, gx_layer *layer)
{
    gx_layer_init(layer, GX_LAYER_VALUES, "values.yaml");
    gx_diags diags = GX_DIAGS_INIT;
    bool ok = gx_layer_read(f->arena, layer, text, len, &diags);
    if (!ok) {
        gx_diags_print(&diags, stderr);
        fprintf(stderr, "--- text ---\n%.*s\n---\n", (int)len, text);
    }
    gx_diags_free(&diags);
    assert_true(ok);
}

/* The test's own account of what edits do to a layer. */
static void apply_edits(gx_layer *layer, const gx_value_edit *edits, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const gx_value_edit *e = &edits[i];
        if (e->kind == GX_EDIT_SET || e->kind == GX_EDIT_UNSET) {
            int fi = gx_field_find(e->path);
            assert_true(fi >= 0);
            layer->present[fi] = e->kind == GX_EDIT_SET;
            layer->value[fi] = e->value;
        } else {
            int c = gx_component_find(e->path);
            assert_true(c >= 0);
            layer->comp_present[c] = e->kind == GX_EDIT_COMPONENT;
            layer->comp_value[c] = e->enabled;
        }
    }
}

/* Asserts that text reads back as before + edits. */
static void expect_reads_as(fixture *f, const char *before, size_t blen, const gx_value_edit *edits,
                            size_t count, const char *after, size_t alen)
{
    gx_layer *old = gx_arena_alloc(f->arena, sizeof *old);
    gx_layer *got = gx_arena_alloc(f->arena, sizeof *got);
    must_read(f, before, blen, old);
    apply_edits(old, edits, count);
    must_read(f, after, alen, got);
    char *want = layer_text(old), *have = layer_text(got);
    if (strcmp(want, have) != 0)
        fprintf(stderr, "--- expected values ---\n%s--- read back ---\n%s", want, have);
    assert_string_equal(want, have);
    free(want);
    free(have);
}

/* Runs gx_values_edit on a NUL-terminated text; returns the result
 * (malloc'd) and whether a note was given. */
static char *edit(fixture *f, const char *text, const gx_value_edit *edits, size_t count,
                  bool *noted)
{
    gx_buf out = GX_BUF_INIT;
    gx_diags_free(&f->diags);
    bool ok = gx_values_edit("values.yaml", text, strlen(text), edits, count, &out, &f->diags);
    if (!ok)
        gx_diags_print(&f->diags, stderr);
    assert_true(ok);
    if (noted)
        *noted = has_note(&f->diags);
    char *s = strdup(out.data ? out.data : "");
    gx_buf_free(&out);
    return s;
}

static gx_value_edit set_edit(fixture *f, const char *path, const char *value)
{
    gx_value_edit e = {.kind = GX_EDIT_SET, .path = path};
    int fi = gx_field_find(path);
    assert_true(fi >= 0);
    gx_diags diags = GX_DIAGS_INIT;
    bool ok = gx_value_parse(f->arena, fi, value, &e.value, &diags);
    if (!ok)
        gx_diags_print(&diags, stderr);
    gx_diags_free(&diags);
    assert_true(ok);
    return e;
}

/* ---- gx_node byte offsets ------------------------------------------------------------- */

static void expect_span(const char *text, const gx_node *n, const char *want)
{
    size_t len = strlen(want);
    if (n->end - n->start != len || memcmp(text + n->start, want, len) != 0)
        fprintf(stderr, "span [%zu,%zu) '%.*s', wanted '%s'\n", n->start, n->end,
                (int)(n->end - n->start), text + n->start, want);
    assert_int_equal(n->end - n->start, len);
    assert_memory_equal(text + n->start, want, len);
}

static void test_node_offsets(void **state)
{
    fixture *f = *state;
    static const char text[] = "\xEF\xBB\xBF"
                               "a: 1  # c\n"
                               "b:\n"
                               "  c: \"q\xC3\xBC\"\n"
                               "  d: [1, {x: y}]\n"
                               "  e:\n"
                               "  f: |\n"
                               "    text\n"
                               "\n"
                               "l:\n"
                               "- x\n"
                               "- 'y'\n"
                               "t: !!str 3\n"
                               "m: plain\n"
                               "  more\n";
    gx_node *root;
    assert_true(gx_node_parse_spans(f->arena, "t", text, sizeof text - 1, &root, &f->diags));
    assert_false(root->flow);
    assert_int_equal(root->start, 3); /* after the byte order mark */
    expect_span(text, root->keys[0], "a");
    expect_span(text, root->items[0], "1");
    const gx_node *b = root->items[1];
    expect_span(text, b->keys[0], "c");
    expect_span(text, b->items[0], "\"q\xC3\xBC\"");
    expect_span(text, b->items[1], "[1, {x: y}]");
    assert_true(b->items[1]->flow);
    assert_true(b->items[1]->items[1]->flow);
    expect_span(text, b->items[1]->items[1], "{x: y}");
    /* the null of "e:" is empty, right after the colon */
    assert_int_equal(b->items[2]->start, b->items[2]->end);
    assert_int_equal(text[b->items[2]->start - 1], ':');
    /* a block scalar runs on past the line breaks after its text */
    assert_memory_equal(text + b->items[3]->start, "|\n    text\n", 11);
    /* a block map ends where its last value does */
    assert_int_equal(b->end, b->items[3]->end);
    expect_span(text, root->items[2], "- x\n- 'y'");
    assert_false(root->items[2]->flow);
    expect_span(text, root->items[3], "!!str 3");
    expect_span(text, root->items[4], "plain\n  more");
    /* positions are unchanged: 1-based, in characters, without the BOM */
    assert_int_equal(b->items[1]->line, 4);
    assert_int_equal(b->items[1]->col, 6);
    /* gx_node_parse reads the same tree, positions and styles, without spans */
    gx_node *plain;
    assert_true(gx_node_parse(f->arena, "t", text, sizeof text - 1, &plain, &f->diags));
    assert_true(gx_node_equal(plain, root));
    assert_int_equal(plain->items[1]->items[1]->line, 4);
    assert_int_equal(plain->items[1]->items[1]->col, 6);
    assert_true(plain->items[1]->items[1]->flow);
    assert_int_equal(plain->start, 0);
    assert_int_equal(plain->items[1]->items[1]->start, 0);
    assert_int_equal(plain->items[1]->items[1]->end, 0);
    /* CRLF, and characters of several bytes before a node on its line */
    static const char crlf[] = "k:\r\n  \xC3\xBC\xC3\xBC: v\r\n  w: [a]\r\n";
    assert_true(gx_node_parse_spans(f->arena, "t", crlf, sizeof crlf - 1, &root, &f->diags));
    expect_span(crlf, root->items[0]->keys[0], "\xC3\xBC\xC3\xBC");
    expect_span(crlf, root->items[0]->items[0], "v");
    expect_span(crlf, root->items[0]->items[1], "[a]");
    /* libyaml's other line breaks (U+2028 in a comment) */
    static const char ls[] = "a: 1 # x\xE2\x80\xA8" "b: 2\n";
    assert_true(gx_node_parse_spans(f->arena, "t", ls, sizeof ls - 1, &root, &f->diags));
    expect_span(ls, root->keys[1], "b");
    expect_span(ls, root->items[1], "2");
}

/* ---- gx_value_write ------------------------------------------------------------------------ */

static void test_value_write(void **state)
{
    fixture *f = *state;
    gx_value_edit e = set_edit(f, "gateway/tolerations", "[{key: a, operator: Exists}]");
    int fi = gx_field_find("gateway/tolerations");
    gx_buf b = GX_BUF_INIT;
    gx_value_write(&b, fi, e.value, 2, 2);
    assert_string_equal(b.data, "\n    - key: a\n      operator: Exists\n");
    gx_buf_reset(&b);
    gx_value_write(&b, fi, e.value, 4, 4);
    assert_string_equal(b.data, "\n        - key: a\n          operator: Exists\n");
    gx_buf_reset(&b);
    e = set_edit(f, "gateway/node-selector", "{b: 'yes', a: x}");
    gx_value_write(&b, gx_field_find("gateway/node-selector"), e.value, 0, 4);
    assert_string_equal(b.data, "\n    a: x\n    b: \"yes\"\n");
    gx_buf_reset(&b);
    e = set_edit(f, "core/image-pull-secrets", "[]");
    gx_value_write(&b, gx_field_find("core/image-pull-secrets"), e.value, 2, 2);
    assert_string_equal(b.data, " []\n");
    gx_buf_reset(&b);
    e = set_edit(f, "core/namespace", "on");
    gx_value_write(&b, gx_field_find("core/namespace"), e.value, 2, 2);
    assert_string_equal(b.data, " \"on\"\n");
    gx_buf_free(&b);
}

/* ---- the API's own answers --------------------------------------------------------------- */

static void test_errors(void **state)
{
    fixture *f = *state;
    gx_buf out = GX_BUF_INIT;
    static const char text[] = "gateway:\n  replica-count: 2\n";
    gx_value_edit bad_path = {.kind = GX_EDIT_UNSET, .path = "gateway/replicas"};
    assert_false(gx_values_edit(NULL, text, strlen(text), &bad_path, 1, &out, &f->diags));
    assert_int_equal(f->diags.items[0].code, GX_CODE_UNKNOWN_PATH);
    assert_non_null(strstr(f->diags.items[0].hint, "gateway/replica-count"));
    gx_diags_free(&f->diags);
    gx_value_edit bad_comp = {.kind = GX_EDIT_COMPONENT, .path = "autoscale", .enabled = true};
    assert_false(gx_values_edit(NULL, text, strlen(text), &bad_comp, 1, &out, &f->diags));
    assert_int_equal(f->diags.items[0].code, GX_CODE_UNKNOWN_COMPONENT);
    gx_diags_free(&f->diags);
    gx_value_edit mandatory = {.kind = GX_EDIT_COMPONENT, .path = "gateway", .enabled = false};
    assert_false(gx_values_edit(NULL, text, strlen(text), &mandatory, 1, &out, &f->diags));
    assert_int_equal(f->diags.items[0].code, GX_CODE_MANDATORY_COMPONENT);
    gx_diags_free(&f->diags);
    /* a text that does not read: the reader's diagnostics, with the file's name */
    static const char broken[] = "gateway:\n  replicas: 2\n";
    gx_value_edit ok_edit = set_edit(f, "gateway/replica-count", "3");
    assert_false(gx_values_edit("w/values.yaml", broken, strlen(broken), &ok_edit, 1, &out, &f->diags));
    assert_int_equal(f->diags.items[0].code, GX_CODE_UNKNOWN_KEY);
    assert_string_equal(f->diags.items[0].file, "w/values.yaml");
    assert_int_equal(f->diags.items[0].line, 2);
    gx_diags_free(&f->diags);
    /* a string YAML cannot hold (not UTF-8) is never written */
    gx_value_edit latin1 = {.kind = GX_EDIT_SET, .path = "core/namespace", .value.s = "caf\xE9"};
    assert_false(gx_values_edit(NULL, text, strlen(text), &latin1, 1, &out, &f->diags));
    assert_int_equal(f->diags.items[0].code, GX_CODE_GENERIC);
    assert_int_equal(f->diags.items[0].severity, GX_BLOCKING);
    assert_int_equal(out.len, 0);
    gx_buf_free(&out);
}

static void test_unchanged(void **state)
{
    fixture *f = *state;
    static const char text[] = "# mine\ngateway:\n  replica-count: \"3\"   # quoted on purpose\n"
                               "core:\n  namespace: 'x'\n";
    bool noted;
    char *s = edit(f, text, NULL, 0, &noted);
    assert_string_equal(s, text);
    assert_false(noted);
    free(s);
    /* set to what the file holds (however it is written), unset of what is absent */
    gx_value_edit edits[] = {set_edit(f, "gateway/replica-count", "3"),
                             set_edit(f, "core/namespace", "x"),
                             {.kind = GX_EDIT_UNSET, .path = "worker/gpu/count"},
                             {.kind = GX_EDIT_COMPONENT_UNSET, .path = "autoscaling"}};
    s = edit(f, text, edits, 4, &noted);
    assert_string_equal(s, text);
    assert_false(noted);
    free(s);
    /* a later edit of the same path wins */
    gx_value_edit twice[] = {set_edit(f, "gateway/replica-count", "5"),
                             {.kind = GX_EDIT_UNSET, .path = "gateway/replica-count"},
                             set_edit(f, "gateway/replica-count", "4")};
    s = edit(f, text, twice, 3, &noted);
    assert_string_equal(s, "# mine\ngateway:\n  replica-count: 4   # quoted on purpose\n"
                           "core:\n  namespace: 'x'\n");
    free(s);
}

/* Layouts that are not edited in place: the whole document anew, with a note. */
static void test_rewrite_note(void **state)
{
    fixture *f = *state;
    gx_value_edit e = set_edit(f, "gateway/replica-count", "3");
    bool noted;
    /* an explicit key */
    char *s = edit(f, "# head\n? gateway\n: replica-count: 2\n", &e, 1, &noted);
    assert_true(noted);
    assert_string_equal(s, "# head\ngateway:\n  replica-count: 3\n");
    assert_int_equal(f->diags.items[0].severity, GX_NOTE);
    assert_string_equal(f->diags.items[0].file, "values.yaml");
    assert_non_null(strstr(f->diags.items[0].message, "a key does not start its line"));
    free(s);
    /* a lone "\r" */
    s = edit(f, "gateway:\r  replica-count: 2\r", &e, 1, &noted);
    assert_true(noted);
    assert_string_equal(s, "gateway:\n  replica-count: 3\n");
    free(s);
}

/* ---- golden cases ------------------------------------------------------------------------- */

typedef struct edit_list {
    gx_value_edit items[64];
    size_t count;
    bool expect_rewrite;
} edit_list;

static bool parse_edits(fixture *f, const char *text, edit_list *list, const char *where)
{
    memset(list, 0, sizeof *list);
    char *copy = gx_arena_strdup(f->arena, text);
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = '\0';
        if (!n || line[0] == '#')
            continue;
        if (!strcmp(line, "expect rewrite")) {
            list->expect_rewrite = true;
            continue;
        }
        assert_true(list->count < 64);
        gx_value_edit *e = &list->items[list->count++];
        if (!strncmp(line, "set ", 4)) {
            char *eq = strchr(line + 4, '=');
            assert_non_null(eq);
            *eq = '\0';
            *e = set_edit(f, line + 4, eq + 1);
        } else if (!strncmp(line, "unset ", 6)) {
            *e = (gx_value_edit){.kind = GX_EDIT_UNSET, .path = line + 6};
        } else if (!strncmp(line, "enable ", 7)) {
            *e = (gx_value_edit){.kind = GX_EDIT_COMPONENT, .path = line + 7, .enabled = true};
        } else if (!strncmp(line, "disable ", 8)) {
            *e = (gx_value_edit){.kind = GX_EDIT_COMPONENT, .path = line + 8, .enabled = false};
        } else if (!strncmp(line, "reset ", 6)) {
            *e = (gx_value_edit){.kind = GX_EDIT_COMPONENT_UNSET, .path = line + 6};
        } else {
            fprintf(stderr, "%s: unknown edit line '%s'\n", where, line);
            return false;
        }
    }
    return true;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The case directories under tests/edit, sorted (malloc'd names). */
static size_t list_cases(char ***out)
{
    DIR *d = opendir(EDIT_DIR);
    assert_non_null(d);
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s/before.yaml", EDIT_DIR, de->d_name);
        if (access(path, R_OK) != 0)
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    *out = names;
    return n;
}

static char *case_file(const char *name, const char *file, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", EDIT_DIR, name, file);
    return gx_test_read_file(path, len);
}

static void test_golden(void **state)
{
    fixture *f = *state;
    char **names;
    size_t n = list_cases(&names);
    assert_true(n >= 20);
    bool update = getenv("GX_EDIT_UPDATE") && !strcmp(getenv("GX_EDIT_UPDATE"), "1");
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        size_t blen, alen, elen;
        char *before = case_file(names[i], "before.yaml", &blen);
        char *edits_text = case_file(names[i], "edits", &elen);
        assert_non_null(before);
        assert_non_null(edits_text);
        edit_list list;
        assert_true(parse_edits(f, edits_text, &list, names[i]));
        gx_buf out = GX_BUF_INIT;
        gx_diags_free(&f->diags);
        bool ok = gx_values_edit("values.yaml", before, blen, list.items, list.count, &out, &f->diags);
        if (!ok) {
            gx_diags_print(&f->diags, stderr);
            fail_msg("%s: the edit failed", names[i]);
        }
        if (has_note(&f->diags) != list.expect_rewrite) {
            gx_diags_print(&f->diags, stderr);
            fprintf(stderr, "%s: %s\n", names[i],
                    list.expect_rewrite ? "expected the full rewrite" : "not edited in place");
            failed++;
        }
        expect_reads_as(f, before, blen, list.items, list.count, out.data ? out.data : "", out.len);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s/after.yaml", EDIT_DIR, names[i]);
        if (update) {
            gx_test_write_file(path, out.data ? out.data : "", out.len, 0644);
        } else {
            char *after = case_file(names[i], "after.yaml", &alen);
            if (!after || alen != out.len || memcmp(after, out.data ? out.data : "", alen) != 0) {
                fprintf(stderr, "%s: after.yaml differs; got:\n---\n%.*s---\n", names[i],
                        (int)out.len, out.data ? out.data : "");
                failed++;
            }
            free(after);
        }
        /* the result is stable: no edits leave it as it is */
        gx_buf again = GX_BUF_INIT;
        gx_diags_free(&f->diags);
        assert_true(gx_values_edit("values.yaml", out.data ? out.data : "", out.len, NULL, 0, &again,
                                   &f->diags));
        assert_int_equal(again.len, out.len);
        assert_memory_equal(again.data ? again.data : "", out.data ? out.data : "", out.len);
        gx_buf_free(&again);
        gx_buf_free(&out);
        free(before);
        free(edits_text);
        free(names[i]);
    }
    free(names);
    assert_int_equal(failed, 0);
}

/* ---- property: random edits over the corpus ------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static size_t pick(size_t n)
{
    return (size_t)(rng() % n);
}

static const char *const tricky[] = {
    "plain", "yes", "no", "on", "null", "~", "", " lead", "trail ", "a: b", "x #y", "#hash",
    "- dash", "? q", "[a]", "{b}", "a,b", "it's", "say \"hi\"", "back\\slash", "tab\there",
    "two\nlines", "h\xC3\xA9llo \xE2\x9C\x93", "0x1F", "1e3", ".inf", "017", "<<", "=", "*star",
    "&amp", "!bang", "%pct", "@at", "`tick", "|", ">", "12:30", "2024-01-01", "-", ":", "a:",
    "components", "gateway"};

static const char *rand_str(void)
{
    return tricky[pick(sizeof tricky / sizeof tricky[0])];
}

/* A YAML flow text holding a tricky string. */
static const char *quoted(fixture *f, const char *s)
{
    gx_buf b = GX_BUF_INIT;
    gx_buf_putc(&b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            gx_buf_putc(&b, '\\');
        if (*p == '\n')
            gx_buf_puts(&b, "\\n");
        else if (*p == '\t')
            gx_buf_puts(&b, "\\t");
        else
            gx_buf_putc(&b, *p);
    }
    gx_buf_putc(&b, '"');
    const char *r = gx_arena_strdup(f->arena, b.data);
    gx_buf_free(&b);
    return r;
}

/* Text of a random value of field fi, as `set` takes it. */
static const char *rand_value_text(fixture *f, int fi)
{
    const gx_field *fd = &gx_fields[fi];
    switch (fd->type) {
    case GX_T_STRING: return rand_str();
    case GX_T_QUANTITY: {
        static const char *const q[] = {"500m", "1", "256Mi", "1.5Gi", "2"};
        return q[pick(5)];
    }
    case GX_T_INT: {
        static const char *const iv[] = {"0", "1", "3", "-7", "65535", "9223372036854775807"};
        return iv[pick(6)];
    }
    case GX_T_BOOL: return pick(2) ? "true" : "false";
    case GX_T_ENUM: return fd->choices[pick(fd->choice_count)];
    case GX_T_MAP: {
        size_t n = pick(4);
        gx_buf b = GX_BUF_INIT;
        gx_buf_putc(&b, '{');
        for (size_t i = 0; i < n; i++)
            gx_buf_printf(&b, "%s%s: %s", i ? ", " : "", quoted(f, gx_arena_printf(f->arena, "k%zu%s", i, rand_str())),
                          quoted(f, rand_str()));
        gx_buf_putc(&b, '}');
        const char *r = gx_arena_strdup(f->arena, b.data);
        gx_buf_free(&b);
        return r;
    }
    case GX_T_LIST: {
        size_t n = pick(4);
        gx_buf b = GX_BUF_INIT;
        gx_buf_putc(&b, '[');
        for (size_t i = 0; i < n; i++)
            gx_buf_printf(&b, "%s%s", i ? ", " : "", quoted(f, rand_str()));
        gx_buf_putc(&b, ']');
        const char *r = gx_arena_strdup(f->arena, b.data);
        gx_buf_free(&b);
        return r;
    }
    case GX_T_YAML: {
        bool map = fd->shape == GX_SHAPE_OPTIONS || fd->shape == GX_SHAPE_CHART_VALUES;
        static const char *const maps[] = {"{}", "{a: 1}", "{temperature: 0.5, stop: [x, \"y z\"]}",
                                           "{nested: {deep: {er: true}}, n: null, s: '1'}",
                                           "a: 1\nb:\n  - c\n  - d: e\n"};
        static const char *const seqs[] = {"[]", "[{key: a, operator: Exists}]",
                                           "[{name: x, args: [1, '2']}, {name: y}]",
                                           "- key: gpu\n  effect: NoSchedule\n- x\n"};
        return map ? maps[pick(5)] : seqs[pick(4)];
    }
    }
    return "";
}

/* A random edit of text's values (layer l): mostly of paths the file sets. */
static bool rand_edit(fixture *f, const gx_layer *l, gx_value_edit *e)
{
    size_t what = pick(10);
    if (what < 2) {
        int c = (int)pick(GX_COMPONENT_COUNT);
        size_t how = pick(3);
        if (how == 0 && !gx_components[c].mandatory)
            *e = (gx_value_edit){.kind = GX_EDIT_COMPONENT, .path = gx_components[c].name, .enabled = false};
        else if (how == 1)
            *e = (gx_value_edit){.kind = GX_EDIT_COMPONENT_UNSET, .path = gx_components[c].name};
        else
            *e = (gx_value_edit){.kind = GX_EDIT_COMPONENT, .path = gx_components[c].name, .enabled = true};
        return true;
    }
    int fi = -1;
    if (pick(2)) {
        int present[GX_FIELD_COUNT], n = 0;
        for (int i = 0; i < GX_FIELD_COUNT; i++)
            if (l->present[i])
                present[n++] = i;
        if (n)
            fi = present[pick((size_t)n)];
    }
    if (fi < 0)
        fi = (int)pick(GX_FIELD_COUNT);
    if (what < 5) {
        *e = (gx_value_edit){.kind = GX_EDIT_UNSET, .path = gx_fields[fi].path};
        return true;
    }
    *e = (gx_value_edit){.kind = GX_EDIT_SET, .path = gx_fields[fi].path};
    gx_diags diags = GX_DIAGS_INIT;
    bool ok = gx_value_parse(f->arena, fi, rand_value_text(f, fi), &e->value, &diags);
    gx_diags_free(&diags);
    return ok;
}

/* Lines of text (without their line breaks), malloc'd array of offsets. */
typedef struct lines {
    size_t n;
    size_t *start, *len;
} lines;

static lines split_lines(const char *s, size_t len)
{
    lines l = {0, malloc((len + 2) * sizeof(size_t)), malloc((len + 2) * sizeof(size_t))};
    size_t a = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '\n') {
            if (i == len && a == len && len > 0)
                break;
            size_t e = i;
            if (e > a && s[e - 1] == '\r')
                e--;
            l.start[l.n] = a;
            l.len[l.n++] = e - a;
            a = i + 1;
        }
    }
    return l;
}

static size_t line_of(const char *s, size_t off)
{
    size_t n = 0;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n')
            n++;
    return n;
}

/* Marks the lines of an entry: from its key's line to the line of the last
 * non-blank byte of its value. */
static void mark_entry(const char *s, const gx_node *key, const gx_node *value, bool *touched)
{
    size_t e = value->end;
    while (e > value->start && strchr(" \t\r\n", s[e - 1]))
        e--;
    size_t last = line_of(s, e > value->start ? e - 1 : value->start);
    for (size_t i = line_of(s, key->start); i <= last; i++)
        touched[i] = true;
}

static const gx_node *child(const gx_node *map, const char *key, const gx_node **k)
{
    if (!map || map->kind != GX_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (!strcmp(map->keys[i]->text, key)) {
            *k = map->keys[i];
            return map->items[i];
        }
    return NULL;
}

/* The comment at the end of an entry's key line, or of the last line of
 * a value that starts on the key's line (NULL when none). */
static char *key_comment(const char *s, size_t len, const gx_node *key, const gx_node *value)
{
    size_t p = key->end;
    while (p < len && s[p] != ':')
        p++;
    size_t e = value->end;
    while (e > value->start && strchr(" \t\r\n", s[e - 1]))
        e--;
    bool inline_value = !memchr(s + p, '\n', value->start - p);
    size_t a = inline_value ? e : p + 1;
    while (a < len && (s[a] == ' ' || s[a] == '\t'))
        a++;
    if (a >= len || s[a] != '#')
        return NULL;
    size_t b = a;
    while (b < len && s[b] != '\n' && s[b] != '\r')
        b++;
    return strndup(s + a, b - a);
}

/* Marks the input lines an edit of segs may change: the entry itself, the
 * outermost section on its way written in flow style, and the sections that
 * end up empty (want: the values after the edits). False when everything
 * may change (a flow or null top level). A set of an entry that stays, on
 * no flow section's way, keeps the comment of its key's line: added to keep. */
static bool mark_target(const char *s, size_t len, const gx_node *root, const char *const *segs,
                        size_t nseg, const gx_layer *want, bool set, bool *touched, char **keep,
                        size_t *nkeep)
{
    if (!root)
        return true;
    if (root->kind != GX_NODE_MAP || root->flow)
        return false;
    const gx_node *map = root;
    bool flowed = false;
    for (size_t d = 0; d < nseg; d++) {
        const gx_node *k = NULL, *v = child(map, segs[d], &k);
        if (!v)
            return true;
        /* the section's prefix: empty in want? */
        bool empty = true;
        if (!strcmp(segs[0], "components")) {
            for (int c = 0; c < GX_COMPONENT_COUNT && empty; c++)
                if (want->comp_present[c] && (d == 0 || !strcmp(gx_components[c].name, segs[1])))
                    empty = false;
        } else {
            char prefix[512] = "";
            for (size_t i = 0; i <= d; i++) {
                strcat(prefix, segs[i]);
                strcat(prefix, "/");
            }
            size_t plen = strlen(prefix);
            for (int fi = 0; fi < GX_FIELD_COUNT && empty; fi++) {
                char path[512];
                snprintf(path, sizeof path, "%s/", gx_fields[fi].path);
                if (want->present[fi] && !strncmp(path, prefix, plen))
                    empty = false;
            }
        }
        if (d + 1 == nseg && set && !flowed) {
            char *c = key_comment(s, len, k, v);
            if (c)
                keep[(*nkeep)++] = c;
        }
        if (d + 1 == nseg || empty || (!flowed && v->kind == GX_NODE_MAP && v->flow)) {
            mark_entry(s, k, v, touched);
            if (v->kind == GX_NODE_MAP && v->flow)
                flowed = true;
            if (d + 1 == nseg || empty)
                return true;
        }
        map = v;
    }
    return true;
}

/* Every input line outside the entries changed, and not blank, is in the
 * output, in order. */
static void expect_kept_lines(fixture *f, const char *in, size_t inlen, const char *out,
                              size_t outlen, const gx_layer *old, const gx_layer *want)
{
    gx_node *root = NULL;
    gx_diags diags = GX_DIAGS_INIT;
    assert_true(gx_node_parse_spans(f->arena, "in", in, inlen, &root, &diags));
    gx_diags_free(&diags);
    /* a byte order mark stays, and is no line's content */
    if (inlen >= 3 && !memcmp(in, "\xEF\xBB\xBF", 3)) {
        assert_true(outlen >= 3 && !memcmp(out, "\xEF\xBB\xBF", 3));
        in += 3, inlen -= 3, out += 3, outlen -= 3;
        /* node offsets count the mark: parse the rest again */
        assert_true(gx_node_parse_spans(f->arena, "in", in, inlen, &root, &diags));
        gx_diags_free(&diags);
    }
    lines li = split_lines(in, inlen), lo = split_lines(out, outlen);
    bool *touched = calloc(li.n + 1, sizeof *touched);
    char *keep[GX_FIELD_COUNT + GX_COMPONENT_COUNT];
    size_t nkeep = 0;
    bool check = true;
    for (int fi = 0; fi < GX_FIELD_COUNT && check; fi++) {
        bool changed = old->present[fi] != want->present[fi];
        if (!changed && want->present[fi]) {
            char *a, *b;
            gx_layer one, two;
            gx_layer_init(&one, GX_LAYER_VALUES, NULL);
            gx_layer_init(&two, GX_LAYER_VALUES, NULL);
            one.present[fi] = two.present[fi] = true;
            one.value[fi] = old->value[fi];
            two.value[fi] = want->value[fi];
            a = layer_text(&one);
            b = layer_text(&two);
            changed = strcmp(a, b) != 0;
            free(a);
            free(b);
        }
        if (!changed)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s", gx_fields[fi].path);
        const char *segs[16];
        size_t nseg = 0;
        for (char *p = strtok(path, "/"); p; p = strtok(NULL, "/"))
            segs[nseg++] = p;
        check = mark_target(in, inlen, root, segs, nseg, want, want->present[fi], touched, keep,
                            &nkeep);
    }
    for (int c = 0; c < GX_COMPONENT_COUNT && check; c++) {
        if (old->comp_present[c] == want->comp_present[c] &&
            (!want->comp_present[c] || old->comp_value[c] == want->comp_value[c]))
            continue;
        const char *segs[2] = {"components", gx_components[c].name};
        check = mark_target(in, inlen, root, segs, 2, want, want->comp_present[c], touched, keep,
                            &nkeep);
    }
    size_t j = 0;
    for (size_t i = 0; check && i < li.n; i++) {
        if (touched[i])
            continue;
        const char *line = in + li.start[i];
        size_t n = li.len[i], k = 0;
        while (k < n && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == n)
            continue; /* blank */
        while (j < lo.n && !(lo.len[j] == n && !memcmp(out + lo.start[j], line, n)))
            j++;
        if (j == lo.n) {
            fprintf(stderr, "--- input ---\n%.*s--- output ---\n%.*s---\n", (int)inlen, in,
                    (int)outlen, out);
            fail_msg("input line %zu '%.*s' is not kept in order", i + 1, (int)n, line);
        }
        j++;
    }
    for (size_t i = 0; i < nkeep; i++) {
        if (check && !memmem(out, outlen, keep[i], strlen(keep[i]))) {
            fprintf(stderr, "--- input ---\n%.*s--- output ---\n%.*s---\n", (int)inlen, in,
                    (int)outlen, out);
            fail_msg("the comment '%s' of a changed entry's line is lost", keep[i]);
        }
        free(keep[i]);
    }
    free(touched);
    free(li.start);
    free(li.len);
    free(lo.start);
    free(lo.len);
}

static void test_property(void **state)
{
    fixture *f = *state;
    const char *seed = getenv("GX_EDIT_SEED");
    const char *rounds_env = getenv("GX_EDIT_ROUNDS");
    rng_state = seed ? strtoull(seed, NULL, 0) : 0x9E3779B97F4A7C15ull;
    if (!rng_state)
        rng_state = 1;
    size_t rounds = rounds_env ? strtoul(rounds_env, NULL, 0) : 40;
    char **names;
    size_t n = list_cases(&names);
    size_t runs = 0;
    for (size_t i = 0; i < n; i++) {
        size_t elen, len;
        char *edits_text = case_file(names[i], "edits", &elen);
        edit_list skip;
        assert_true(parse_edits(f, edits_text, &skip, names[i]));
        free(edits_text);
        char *text = case_file(names[i], "before.yaml", &len);
        if (skip.expect_rewrite) {
            free(text);
            free(names[i]);
            continue;
        }
        for (size_t r = 0; r < rounds; r++) {
            /* a fresh arena now and then keeps the memory of long runs flat */
            gx_arena_free(f->arena);
            f->arena = gx_arena_new();
            gx_layer *old = gx_arena_alloc(f->arena, sizeof *old);
            must_read(f, text, len, old);
            gx_value_edit edits[6];
            size_t count = 1 + pick(6), made = 0;
            for (size_t k = 0; k < count; k++)
                if (rand_edit(f, old, &edits[made]))
                    made++;
            gx_buf out = GX_BUF_INIT;
            gx_diags_free(&f->diags);
            bool ok = gx_values_edit("values.yaml", text, len, edits, made, &out, &f->diags);
            if (!ok || has_note(&f->diags)) {
                gx_diags_print(&f->diags, stderr);
                fprintf(stderr, "--- %s round %zu, input ---\n%.*s---\n", names[i], r, (int)len, text);
                for (size_t k = 0; k < made; k++)
                    fprintf(stderr, "edit %d %s\n", (int)edits[k].kind, edits[k].path);
                fail_msg("%s: random edits were not made in place", names[i]);
            }
            gx_layer *want = gx_arena_alloc(f->arena, sizeof *want);
            *want = *old;
            apply_edits(want, edits, made);
            expect_reads_as(f, text, len, edits, made, out.data ? out.data : "", out.len);
            expect_kept_lines(f, text, len, out.data ? out.data : "", out.len, old, want);
            runs++;
            /* go on from the result now and then, back to the start after a while */
            if (pick(3)) {
                free(text);
                text = malloc(out.len + 1);
                memcpy(text, out.data ? out.data : "", out.len);
                text[out.len] = '\0';
                len = out.len;
            }
            gx_buf_free(&out);
            if (r % 10 == 9) {
                free(text);
                text = case_file(names[i], "before.yaml", &len);
            }
        }
        free(text);
        free(names[i]);
    }
    free(names);
    assert_true(runs > 0 || rounds == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        GX_TEST_FX(test_node_offsets), GX_TEST_FX(test_value_write), GX_TEST_FX(test_errors),
        GX_TEST_FX(test_unchanged),    GX_TEST_FX(test_rewrite_note), GX_TEST_FX(test_golden),
        GX_TEST_FX(test_property),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
