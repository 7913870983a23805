/* test_yaml — gx_node (YAML reading), gx_yamlout (YAML writing) and gx_shell
 * (shell words): positions, every rejection with its line:col, and parse-back
 * round trips of hostile strings and trees at several indentations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_node.h"
#include "gx_shell.h"
#include "gx_test_fixture.h"
#include "gx_test_run.h"
#include "gx_yamlout.h"

/* ---- helpers --------------------------------------------------------------- */

typedef gx_test_fx fixture; /* arena and diagnostics (tests/support) */

static gx_node *parse_len(fixture *f, const char *text, size_t len)
{
    gx_node *n = (gx_node *)1;
    gx_diags_free(&f->diags);
    bool ok = gx_node_parse(f->arena, "t.yaml", text, len, &n, &f->diags);
    if (!ok) {
        gx_diags_print(&f->diags, stderr);
        fprintf(stderr, "--- input was:\n%.*s\n---\n", (int)(len > 2000 ? 2000 : len), text);
    }
    assert_true(ok);
    assert_int_equal(f->diags.count, 0);
    return n;
}

static gx_node *parse(fixture *f, const char *text)
{
    return parse_len(f, text, strlen(text));
}

/* The input is rejected; diagnostic number idx sits at line:col, its message
 * holds want, and it has a hint. A failure names the input. */
static void expect_error_n(fixture *f, const char *text, size_t len, size_t idx, int line,
                           int col, const char *want)
{
    gx_node *n = (gx_node *)1;
    gx_diags_free(&f->diags);
    bool ok = gx_node_parse(f->arena, "t.yaml", text, len, &n, &f->diags);
    const gx_diag *d = f->diags.count > idx ? &f->diags.items[idx] : NULL;
    if (ok || n || !d || !d->file || strcmp(d->file, "t.yaml") || d->line != line ||
        d->col != col || !strstr(d->message, want) || !d->hint) {
        gx_diags_print(&f->diags, stderr);
        fail_msg("input \"%.*s\" (%zu bytes): wanted diagnostic %zu at t.yaml:%d:%d holding '%s', "
                 "with a hint (the parse %s with %zu diagnostics)",
                 (int)(len > 200 ? 200 : len), text, len, idx, line, col, want,
                 ok ? "succeeded" : "failed", f->diags.count);
    }
}

static void expect_error(fixture *f, const char *text, int line, int col, const char *want)
{
    expect_error_n(f, text, strlen(text), 0, line, col, want);
}

/* An input the reader rejects (expect_error): the test it belongs to, the
 * text, and the line:col and part of the message of its first diagnostic. */
typedef struct reject_case {
    const char *test;
    const char *text;
    int line, col;
    const char *want;
} reject_case;

static const reject_case rejects[] = {
    /* test_positions_crlf_and_bom */
    {"bom", "\xEF\xBB\xBF" "a: &x b\n", 1, 4, "anchor"},
    {"bom", "\xEF\xBB\xBF" "a: b\r\nc: \xFF\n", 2, 4, "UTF-8"},
    /* test_reject_anchors_aliases */
    {"anchors", "a: &x 1\n", 1, 4, "anchors are not allowed (&x)"},
    {"anchors", "a: 1\nb: &list\n  - x\n", 2, 4, "anchor"},
    {"anchors", "a: &m {b: c}\n", 1, 4, "anchor"},
    {"anchors", "&root\na: b\n", 1, 1, "anchor"},
    {"anchors", "- &k !!str x\n", 1, 3, "anchor"},
    {"anchors", "a: b\nc: *x\n", 2, 4, "aliases are not allowed (*x)"},
    {"anchors", "- a\n- *y\n", 2, 3, "alias"},
    {"anchors", "base: {a: 1}\nother:\n  <<: *base\n", 3, 7, "alias"},
    /* test_reject_duplicate_keys */
    {"duplicate-keys", "a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key \"a\" (first defined at line 1 column 1)"},
    {"duplicate-keys", "x:\n  k: 1\n  'k': 2\n", 3, 3, "first defined at line 2"},
    {"duplicate-keys", "- {p: 1, q: 2, p: 3}\n", 1, 16, "duplicate key \"p\""},
    /* test_reject_nonscalar_keys */
    {"nonscalar-keys", "? [a, b]\n: c\n", 1, 3, "mapping key is a sequence"},
    {"nonscalar-keys", "? {a: b}\n: c\n", 1, 3, "mapping key is itself a mapping"},
    {"nonscalar-keys", "x: {[a]: b}\n", 1, 5, "sequence"},
    {"nonscalar-keys", "x:\n  ? - a\n  : b\n", 2, 5, "sequence"},
    /* test_reject_documents */
    {"documents", "a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document"},
    {"documents", "--- a\n--- b\n", 2, 1, "more than one"},
    {"documents", "a: 1\n...\n---\n", 3, 1, "more than one"},
    {"documents", "a\n...\nb\n", 3, 1, "did not find expected <document start>"},
    /* test_reject_libyaml */
    {"libyaml", "a: b: c\n", 1, 5, "invalid YAML: mapping values are not allowed"},
    {"libyaml", "a: [b, c\n", 2, 1, "invalid YAML"},
    {"libyaml", "a:\n  - b\n c: d\n", 3, 2, "invalid YAML"},
    {"libyaml", "x: \xC3\x28\n", 1, 5, "invalid YAML: invalid trailing UTF-8 octet"},
    {"libyaml", "k: ok\nx: \x01\n", 2, 4, "control characters are not allowed"},
    {"libyaml", "\xFF\xFE" "a: b\n", 1, 1, "UTF-16"},
    {"libyaml", "\xFE\xFF" "\xD8\x3D\xDE\x00", 1, 1, "UTF-16"},
    {"libyaml", "%YAML 9.9\n--- a\n", 1, 1, "invalid YAML"},
    {"libyaml", "a: b\nc: !x!y d\n", 2, 4, "undefined tag handle"},
};

/* expect_error of each rejects row of test, in order; a failure names the
 * text. The test must have rows. */
static void expect_rejects(fixture *f, const char *test)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof rejects / sizeof rejects[0]; i++) {
        const reject_case *c = &rejects[i];
        if (strcmp(c->test, test))
            continue;
        expect_error(f, c->text, c->line, c->col, c->want);
        n++;
    }
    if (n == 0)
        fail_msg("no rejects rows for %s", test);
}

static void assert_pos(const gx_node *n, int line, int col)
{
    assert_non_null(n);
    if (n->line != line || n->col != col)
        fprintf(stderr, "node '%s' at %d:%d, wanted %d:%d\n", n->text, n->line, n->col, line, col);
    assert_int_equal(n->line, line);
    assert_int_equal(n->col, col);
}

/* Key i of map sits at kline:kcol and its value at vline:vcol. */
static void assert_entry_pos(const gx_node *map, size_t i, int kline, int kcol, int vline,
                             int vcol)
{
    assert_non_null(map);
    assert_true(i < map->count);
    assert_pos(map->keys[i], kline, kcol);
    assert_pos(map->items[i], vline, vcol);
}

static void assert_scalar(const gx_node *n, const char *text)
{
    assert_non_null(n);
    assert_int_equal(n->kind, GX_NODE_SCALAR);
    assert_string_equal(n->text, text);
}

/* The type a YAML 1.2 core-schema reader gives a scalar of the tree. */
static gx_yaml_core_type scalar_type(const gx_node *n)
{
    if (n->plain && !n->tag)
        return gx_yaml_core_resolve(n->text, n->len);
    return GX_YAML_CORE_STR;
}

/* Equality of meaning: like gx_node_equal, but a scalar must also keep its
 * core-schema type, and all nulls are equal whatever their spelling. */
static bool same_value(const gx_node *a, const gx_node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return false;
    if (a->kind == GX_NODE_SCALAR) {
        gx_yaml_core_type ta = scalar_type(a), tb = scalar_type(b);
        if (ta != tb)
            return false;
        if (ta == GX_YAML_CORE_NULL)
            return true;
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    }
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        if (a->kind == GX_NODE_MAP && !same_value(a->keys[i], b->keys[i]))
            return false;
        if (!same_value(a->items[i], b->items[i]))
            return false;
    }
    return true;
}

/* ---- an independent judge of plain scalars ------------------------------------ */

/* What YAML 1.1 (the type repository regexes) or 1.2 (core and JSON schemas)
 * could read as something other than a string. Written from the specs, not
 * from gx_yamlout.c. */
static const char *const special_patterns[] = {
    /* 1.1 bool, 1.2 bool */
    "^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
    /* null */
    "^(~|null|Null|NULL|)$",
    /* 1.1 int */
    "^[-+]?0b[0-1_]+$",
    "^[-+]?0[0-7_]+$",
    "^[-+]?(0|[1-9][0-9_]*)$",
    "^[-+]?0x[0-9a-fA-F_]+$",
    "^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$",
    /* 1.1 float */
    "^[-+]?([0-9][0-9_]*)?\\.[0-9.]*([eE][-+][0-9]+)?$",
    "^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$",
    "^[-+]?\\.(inf|Inf|INF)$",
    "^\\.(nan|NaN|NAN)$",
    /* 1.2 core int and float */
    "^[-+]?[0-9]+$",
    "^0o[0-7]+$",
    "^0x[0-9a-fA-F]+$",
    "^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$",
    /* 1.1 timestamp (prefix is enough) */
    "^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?",
    /* 1.1 merge and value keys */
    "^<<$",
    "^=$",
};

static bool looks_special(const char *s)
{
    for (size_t i = 0; i < sizeof special_patterns / sizeof special_patterns[0]; i++) {
        regex_t re;
        assert_int_equal(regcomp(&re, special_patterns[i], REG_EXTENDED | REG_NOSUB), 0);
        int m = regexec(&re, s, 0, NULL, 0);
        regfree(&re);
        if (m == 0)
            return true;
    }
    return false;
}

/* A plain scalar as written must be safe by the rules of both versions. */
static void assert_plain_is_safe(const char *s, size_t len)
{
    assert_true(len > 0);
    assert_int_equal(strlen(s), len);
    if (looks_special(s))
        fail_msg("plain output '%s' is a special word or number", s);
    assert_null(strchr("-?:,[]{}#&*!|>'\"%@`", s[0]));
    assert_true(s[0] != ' ' && s[len - 1] != ' ' && s[len - 1] != ':');
    assert_null(strstr(s, ": "));
    assert_null(strstr(s, " #"));
    for (size_t i = 0; i < len; i++)
        assert_true((unsigned char)s[i] >= 0x20 && s[i] != 0x7F);
}

/* Writes "v: <scalar>\n", parses it back and checks the text is byte-exact. */
static void roundtrip_scalar(fixture *f, const char *s, size_t len)
{
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b, "v: ");
    size_t start = b.len;
    gx_yaml_scalar(&b, s, len);
    size_t written = b.len - start;
    assert_null(memchr(b.data + start, '\n', written)); /* never spans lines */
    bool plain = b.data[start] != '"';
    assert_int_equal(plain, gx_yaml_plain_ok(s, len));
    if (plain) {
        assert_int_equal(written, len);
        char *copy = strndup(b.data + start, written);
        assert_plain_is_safe(copy, written);
        free(copy);
    }
    gx_buf_puts(&b, "\n");
    gx_node *root = parse_len(f, b.data, b.len);
    const gx_node *v = gx_node_get(root, "v");
    assert_non_null(v);
    assert_int_equal(v->kind, GX_NODE_SCALAR);
    if (v->len != len || memcmp(v->text, s, len) != 0)
        fail_msg("round trip changed '%.*s' (written as %s)", (int)(len > 200 ? 200 : len), s,
                 b.data);
    /* also as a sequence item and as a map key */
    gx_buf_reset(&b);
    gx_buf_puts(&b, "- ");
    gx_yaml_scalar(&b, s, len);
    gx_buf_puts(&b, "\n");
    root = parse_len(f, b.data, b.len);
    assert_int_equal(root->kind, GX_NODE_SEQ);
    assert_int_equal(root->items[0]->len, len);
    assert_memory_equal(root->items[0]->text, s, len);
    gx_buf_free(&b);
}

/* ---- gx_node: positions, flags, queries ------------------------------------- */

static void test_positions(void **state)
{
    fixture *f = *state;
    gx_node *r = parse(f, "a: 1\n"
                          "b:\n"
                          "  - x\n"
                          "  - {c: d, e: [f]}\n"
                          "k:\n"
                          "- \"q\"\n"
                          "héllo: wörld\n"
                          "m:\n"
                          "    deep: |\n"
                          "      text\n");
    assert_int_equal(r->kind, GX_NODE_MAP);
    assert_pos(r, 1, 1);
    assert_int_equal(r->count, 5);
    assert_entry_pos(r, 0, 1, 1, 1, 4);
    assert_entry_pos(r, 1, 2, 1, 3, 3);
    const gx_node *b = r->items[1];
    assert_int_equal(b->kind, GX_NODE_SEQ);
    assert_pos(b->items[0], 3, 5);
    const gx_node *m = b->items[1];
    assert_int_equal(m->kind, GX_NODE_MAP);
    assert_pos(m, 4, 5);
    assert_entry_pos(m, 0, 4, 6, 4, 9);
    assert_entry_pos(m, 1, 4, 12, 4, 15);
    assert_pos(m->items[1]->items[0], 4, 16);
    assert_pos(r->items[2], 6, 1); /* indentless sequence starts at its dash */
    assert_pos(r->items[2]->items[0], 6, 3);
    /* columns count characters, not bytes */
    assert_entry_pos(r, 3, 7, 1, 7, 8);
    assert_pos(gx_node_get(r->items[4], "deep"), 9, 11);
    assert_string_equal(r->keys[0]->file, "t.yaml");
}

static void test_positions_crlf_and_bom(void **state)
{
    fixture *f = *state;
    gx_node *r = parse(f, "\xEF\xBB\xBF" "a: b\r\nc: d\r\n");
    assert_entry_pos(r, 0, 1, 1, 1, 4);
    assert_entry_pos(r, 1, 2, 1, 2, 4);
    /* errors after a BOM use the same columns */
    expect_rejects(f, "bom");
}

static void test_plain_flag_and_tags(void **state)
{
    fixture *f = *state;
    /* each key of the document: whether its value is plain, its tag (NULL:
     * none) and its text */
    static const struct {
        const char *key;
        bool plain;
        const char *tag, *text;
    } values[] = {
        {"p", true, NULL, "plain"}, {"d", false, NULL, "double"}, {"s", false, NULL, "single"},
        {"l", false, NULL, "literal\n"}, {"g", false, NULL, "folded\n"},
        {"t", true, "!!str", "12"}, {"u", true, "!custom", "x"}, {"n", true, NULL, "30"},
        {"e", true, NULL, ""},
    };
    gx_node *r = parse(f, "p: plain\n"
                          "d: \"double\"\n"
                          "s: 'single'\n"
                          "l: |\n  literal\n"
                          "g: >\n  folded\n"
                          "t: !!str 12\n"
                          "u: !custom x\n"
                          "n: 30\n"
                          "e:\n");
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        const gx_node *v = gx_node_get(r, values[i].key);
        if (!v || v->plain != values[i].plain || (!v->tag) != (!values[i].tag) ||
            (v->tag && strcmp(v->tag, values[i].tag)) || v->len != strlen(values[i].text) ||
            memcmp(v->text, values[i].text, v->len))
            fail_msg("value of %s: %s, tag %s, text '%s'", values[i].key,
                     v && v->plain ? "plain" : "not plain", v && v->tag ? v->tag : "(none)",
                     v ? v->text : "(missing)");
    }
    const gx_node *v = gx_node_get(r, "e");
    assert_true(gx_node_is_null(v));
    assert_null(gx_node_get(r, "missing"));
    assert_null(gx_node_get(v, "p")); /* not a map */
    assert_null(gx_node_get(NULL, "p"));

    /* a NUL written as an escape is kept with its length */
    r = parse(f, "z: \"a\\0b\"\n");
    v = gx_node_get(r, "z");
    assert_int_equal(v->len, 3);
    assert_memory_equal(v->text, "a\0b", 3);
}

static void test_is_null(void **state)
{
    fixture *f = *state;
    gx_node *r = parse(f, "a: ~\nb: null\nc: Null\nd: NULL\ne:\n"
                          "f: \"null\"\ng: 'null'\nh: nul\ni: !!null x\nj: !!str null\n"
                          "k: []\nl: nULL\n");
    const char *yes[] = {"a", "b", "c", "d", "e", "i"};
    const char *no[] = {"f", "g", "h", "j", "k", "l"};
    for (size_t i = 0; i < 6; i++) {
        assert_true(gx_node_is_null(gx_node_get(r, yes[i])));
        assert_false(gx_node_is_null(gx_node_get(r, no[i])));
    }
    assert_false(gx_node_is_null(NULL));
}

static void test_equal(void **state)
{
    fixture *f = *state;
    gx_node *a = parse(f, "x: [1, 2, {y: z}]\nw: 'q'\n");
    gx_node *b = parse(f, "x:\n  - 1\n  - \"2\"\n  - y: z\nw: q\n");
    gx_node *c = parse(f, "w: q\nx: [1, 2, {y: z}]\n");
    gx_node *d = parse(f, "x: [1, 2, {y: zz}]\nw: q\n");
    gx_node *e = parse(f, "x: [1, 2]\nw: q\n");
    assert_true(gx_node_equal(a, b)); /* styles and positions ignored */
    assert_false(gx_node_equal(a, c)); /* order matters */
    assert_false(gx_node_equal(a, d));
    assert_false(gx_node_equal(a, e));
    assert_true(gx_node_equal(NULL, NULL));
    assert_false(gx_node_equal(a, NULL));
    assert_false(gx_node_equal(NULL, a));
}

static void test_empty_documents(void **state)
{
    fixture *f = *state;
    const char *empties[] = {"", "\n\n", "# just a comment\n", "---\n", "--- # c\n...\n",
                             "%YAML 1.1\n---\n", "\xEF\xBB\xBF"};
    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
        gx_node *n = (gx_node *)1;
        gx_diags_free(&f->diags);
        assert_true(gx_node_parse(f->arena, "t.yaml", empties[i], strlen(empties[i]), &n,
                                  &f->diags));
        assert_null(n);
        assert_int_equal(f->diags.count, 0);
    }
    gx_node *n = (gx_node *)1;
    assert_true(gx_node_parse(f->arena, "t.yaml", NULL, 0, &n, &f->diags));
    assert_null(n);
    /* content that is null is not an empty document */
    n = parse(f, "~\n");
    assert_non_null(n);
    assert_true(gx_node_is_null(n));
    n = parse(f, "--- \"\"\n");
    assert_non_null(n);
    assert_false(n->plain);
    n = parse(f, "--- a\n...\n");
    assert_scalar(n, "a");
}

/* ---- gx_node: rejections ------------------------------------------------------ */

static void test_reject_anchors_aliases(void **state)
{
    fixture *f = *state;
    expect_rejects(f, "anchors");
    /* billion laughs: the first anchor and each alias are reported */
    const char *lol = "a: &a [x, x]\n"
                      "b: &b [*a, *a]\n";
    expect_error_n(f, lol, strlen(lol), 0, 1, 4, "anchor");
    expect_error_n(f, lol, strlen(lol), 1, 2, 4, "anchor");
    expect_error_n(f, lol, strlen(lol), 2, 2, 8, "alias");
    expect_error_n(f, lol, strlen(lol), 3, 2, 12, "alias");
    /* merge keys are aliases too */
}

static void test_reject_duplicate_keys(void **state)
{
    fixture *f = *state;
    expect_rejects(f, "duplicate-keys");
    /* every repeat, in document order */
    const char *three = "a: 1\nb: 1\na: 2\nb: 2\na: 3\n";
    expect_error_n(f, three, strlen(three), 0, 3, 1, "\"a\" (first defined at line 1");
    expect_error_n(f, three, strlen(three), 1, 4, 1, "\"b\" (first defined at line 2");
    expect_error_n(f, three, strlen(three), 2, 5, 1, "\"a\" (first defined at line 1");
    /* keys differing only after a NUL escape are different keys */
    parse(f, "\"a\\0b\": 1\n\"a\\0c\": 2\n\"a\": 3\n");

    /* a large map is checked by sorting: same results */
    gx_buf b = GX_BUF_INIT;
    for (int i = 0; i < 500; i++)
        gx_buf_printf(&b, "key%03d: %d\n", i, i);
    parse_len(f, b.data, b.len);
    gx_buf_printf(&b, "key250: dup\n");  /* line 501 */
    gx_buf_printf(&b, "other: x\n");     /* line 502 */
    gx_buf_printf(&b, "key007: dup\n");  /* line 503 */
    gx_buf_printf(&b, "key250: again\n"); /* line 504 */
    expect_error_n(f, b.data, b.len, 0, 501, 1, "\"key250\" (first defined at line 251 column 1)");
    expect_error_n(f, b.data, b.len, 1, 503, 1, "\"key007\" (first defined at line 8 column 1)");
    expect_error_n(f, b.data, b.len, 2, 504, 1, "\"key250\" (first defined at line 251 column 1)");
    assert_int_equal(f->diags.count, 3);
    gx_buf_free(&b);

    /* a long key is cut short in the message, control bytes escaped */
    gx_buf c = GX_BUF_INIT;
    gx_buf_puts(&c, "\"\\t");
    for (int i = 0; i < 100; i++)
        gx_buf_putc(&c, 'k');
    gx_buf_puts(&c, "\": 1\n");
    size_t one = c.len;
    gx_buf_put(&c, c.data, one);
    expect_error(f, c.data, 2, 1, "duplicate key \"\\x09kkk");
    assert_non_null(strstr(f->diags.items[0].message, "...\""));
    gx_buf_free(&c);
}

static void test_reject_nonscalar_keys(void **state)
{
    fixture *f = *state;
    expect_rejects(f, "nonscalar-keys");
}

static void test_reject_documents(void **state)
{
    fixture *f = *state;
    expect_rejects(f, "documents");
}

static void nest(gx_buf *b, int levels, const char *open, const char *close)
{
    for (int i = 0; i < levels; i++)
        gx_buf_puts(b, open);
    gx_buf_puts(b, "x");
    for (int i = 0; i < levels; i++)
        gx_buf_puts(b, close);
    gx_buf_puts(b, "\n");
}

static void test_reject_depth(void **state)
{
    fixture *f = *state;
    gx_buf b = GX_BUF_INIT;
    nest(&b, GX_NODE_MAX_DEPTH, "[", "]");
    gx_node *n = parse_len(f, b.data, b.len);
    for (int i = 0; i < GX_NODE_MAX_DEPTH; i++) {
        assert_int_equal(n->kind, GX_NODE_SEQ);
        n = n->items[0];
    }
    assert_scalar(n, "x");
    gx_buf_reset(&b);
    nest(&b, GX_NODE_MAX_DEPTH + 1, "[", "]");
    expect_error(f, b.data, 1, GX_NODE_MAX_DEPTH + 1, "nested too deeply");
    gx_buf_reset(&b);
    nest(&b, GX_NODE_MAX_DEPTH + 1, "{a: ", "}");
    expect_error(f, b.data, 1, 4 * GX_NODE_MAX_DEPTH + 1, "nested too deeply");

    /* block style: 64 maps then 65 */
    for (int levels = GX_NODE_MAX_DEPTH; levels <= GX_NODE_MAX_DEPTH + 1; levels++) {
        gx_buf_reset(&b);
        for (int i = 0; i < levels; i++) {
            gx_buf_indent(&b, i);
            gx_buf_puts(&b, "k:\n");
        }
        gx_buf_indent(&b, levels);
        gx_buf_puts(&b, "v\n");
        if (levels == GX_NODE_MAX_DEPTH)
            parse_len(f, b.data, b.len);
        else
            expect_error(f, b.data, GX_NODE_MAX_DEPTH + 1, GX_NODE_MAX_DEPTH + 1, "too deeply");
    }

    /* a million open brackets stop at once */
    gx_buf_reset(&b);
    for (int i = 0; i < 1000000; i++)
        gx_buf_putc(&b, '[');
    expect_error(f, b.data, 1, GX_NODE_MAX_DEPTH + 1, "nested too deeply");
    gx_buf_free(&b);
}

static void test_reject_nul(void **state)
{
    fixture *f = *state;
    static const char t1[] = "a: b\nc: d\0e\n";
    expect_error_n(f, t1, sizeof t1 - 1, 0, 2, 5, "NUL byte");
    static const char t2[] = "\0";
    expect_error_n(f, t2, 1, 0, 1, 1, "NUL");
    static const char t3[] = "ü: \0";   /* columns count characters */
    expect_error_n(f, t3, sizeof t3 - 1, 0, 1, 4, "NUL");
    static const char t4[] = "a\r\nb\rc\0";
    expect_error_n(f, t4, sizeof t4 - 1, 0, 3, 2, "NUL");
    /* UTF-16 is full of NULs */
    static const char t5[] = "\xFF\xFE" "a\0:\0 \0b\0";
    expect_error_n(f, t5, sizeof t5 - 1, 0, 1, 4, "NUL");
    assert_int_equal(f->diags.count, 1);
}

static void test_reject_libyaml(void **state)
{
    fixture *f = *state;
    expect_rejects(f, "libyaml");
    expect_error(f, "a:\n\tb: c\n", 2, 1, "invalid YAML");
    assert_non_null(strstr(f->diags.items[0].hint, "tabs"));
    expect_error(f, "é✓: x\r\n\tb: c\n", 2, 1, "invalid YAML");
    assert_non_null(strstr(f->diags.items[0].hint, "tabs"));
    expect_error(f, "a: b: c\t\n", 1, 5, "invalid YAML");
    assert_null(strstr(f->diags.items[0].hint, "tabs"));
    expect_error(f, "a: \"open\n", 2, 1, "invalid YAML: found unexpected end of stream");
    assert_non_null(strstr(f->diags.items[0].message, "while scanning a quoted scalar at line 1 column 4"));
    expect_error_n(f, "\xFE\xFF\x00", 3, 0, 1, 3, "NUL");

    /* errors that do not stop the parse are all collected */
    const char *many = "a: &x 1\nb: *x\na: 2\n? [k]\n: v\n";
    expect_error_n(f, many, strlen(many), 0, 1, 4, "anchor");
    expect_error_n(f, many, strlen(many), 1, 2, 4, "alias");
    expect_error_n(f, many, strlen(many), 2, 4, 3, "sequence");
    expect_error_n(f, many, strlen(many), 3, 3, 1, "duplicate key \"a\"");

    /* printed as file:line:col */
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    expect_error(f, "a: 1\na: 2\n", 2, 1, "duplicate");
    gx_diags_print(&f->diags, mem);
    fclose(mem);
    assert_non_null(strstr(text, "t.yaml:2:1: error: duplicate key \"a\""));
    assert_non_null(strstr(text, "  hint: "));
    free(text);
}

static void test_diag_limit(void **state)
{
    fixture *f = *state;
    gx_buf b = GX_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        gx_buf_printf(&b, "k%d: &a%d v\n", i, i);
    gx_node *n = (gx_node *)1;
    gx_diags_free(&f->diags);
    f->diags.limit = 5;
    assert_false(gx_node_parse(f->arena, "t.yaml", b.data, b.len, &n, &f->diags));
    assert_null(n);
    assert_int_equal(f->diags.count, 5);
    assert_int_equal(f->diags.items[4].line, 5);
    f->diags.limit = 0;
    gx_buf_free(&b);
}

/* Random bytes and YAML-ish token soup must never crash; whatever parses must
 * re-emit as YAML that parses back to the same values. */
static void test_parse_never_crashes(void **state)
{
    (void)state;
    static const char *const tokens[] = {
        "a",  "b",  ": ",  "- ",  "\n", "  ", "[",   "]",     "{",   "}",     ",",    "\"",
        "'",  "#",  "&x ", "*x",  "!!str ", "? ", "|", ">",   "---", "...",   "~",    "1",
        "é",  "\t", "\\",  "\xFF", "%YAML 1.1\n", ":", "-", " ", "\r\n", "0x1F", "yes", "\\n",
        "\xE2\x80\xA8", "!", "@", "`", "<<", "\xEF\xBB\xBF", "\xC2\x85", "key:", "\"a\\0\"",
    };
    const size_t ntok = sizeof tokens / sizeof tokens[0];
    uint64_t seed = 0x9E3779B97F4A7C15u;
    gx_buf in = GX_BUF_INIT, out = GX_BUF_INIT;
    int parsed = 0;
    for (int iter = 0; iter < 20000; iter++) {
        gx_buf_reset(&in);
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        int count = (int)((seed >> 33) % 40);
        for (int t = 0; t < count; t++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            if (iter % 5 == 0) {
                gx_buf_putc(&in, (char)(seed >> 40)); /* raw bytes */
            } else {
                gx_buf_puts(&in, tokens[(seed >> 33) % ntok]);
            }
        }
        gx_arena *arena = gx_arena_new();
        gx_diags diags = GX_DIAGS_INIT;
        gx_node *n = (gx_node *)1;
        bool ok = gx_node_parse(arena, "fuzz", in.data, in.len, &n, &diags);
        if (!ok) {
            assert_null(n);
            assert_true(diags.count > 0);
            for (size_t i = 0; i < diags.count; i++)
                assert_non_null(diags.items[i].message);
        } else {
            assert_int_equal(diags.count, 0);
            if (n) {
                parsed++;
                gx_buf_reset(&out);
                gx_yaml_node(&out, n, 0, false);
                gx_node *back = NULL;
                gx_diags d2 = GX_DIAGS_INIT;
                if (!gx_node_parse(arena, "back", out.data, out.len, &back, &d2)) {
                    gx_diags_print(&d2, stderr);
                    fail_msg("re-emitted YAML does not parse:\n%s\nfrom:\n%s", out.data, in.data);
                }
                if (!same_value(n, back))
                    fail_msg("re-emitted YAML differs:\n%s\nfrom:\n%s", out.data, in.data);
                gx_diags_free(&d2);
            }
        }
        gx_diags_free(&diags);
        gx_arena_free(arena);
    }
    assert_true(parsed > 100);
    gx_buf_free(&in);
    gx_buf_free(&out);
}

/* ---- gx_yamlout: scalars --------------------------------------------------------- */

static void test_plain_ok(void **state)
{
    (void)state;
    static const char *const quoted[] = {
        "", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
        "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null",
        "Null", "NULL", "~", "nUlL", "yEs", "0", "0123", "0o17", "0x1F", "0b1", "1:20", "1_000",
        "1e3", ".5", "1.", ".inf", "-.inf", "+.inf", ".nan", ".NaN", "+1", "-1", "-", "?", ":",
        ",", "[a]", "{a}", "#x", "&a", "*a", "!a", "|", ">", "'q'", "\"q\"", "%x", "@x", "`x",
        " a", "a ", "a: b", "a #b", "key:", "a\tb", "a\nb", "a\rb", "a\x7f", "a\x01", "<<", "=",
        "2001-12-14", "---", "...", "- a", "? a", "\xC2\x85", "a\xE2\x80\xA8" "b", "a\xE2\x80\xA9",
        "\xEF\xBB\xBF" "a", "a\xEF\xBF\xBE", "a\xFF", "a\xC3", "\xED\xA0\x80", "\xC0\xAF",
        "a\xC2\x9F",
    };
    static const char *const plain[] = {
        "a", "hello", "hello world", "a:b", "a#b", "a-b", "a,b", "a[0]", "glyphoxa.io/tier",
        "nvidia.com/gpu", "postgres://u@h:5432/db?sslmode=disable", "héllo ✓", "日本語",
        "yess", "nope", "onn", "nulll", "x1e3", "e3", "NaN", "inf", "Infinity", "a=b", "<",
        "a<<", "$(rm -rf /)", "\\", "C:\\path", "a'b", "a\"b", "a!", "a&b", "a*b", "a|b",
        "a?", "_1", "ABC_DEF", "a -b", "a - b", "mixed ✓ 1",
    };
    for (size_t i = 0; i < sizeof quoted / sizeof quoted[0]; i++) {
        if (gx_yaml_plain_ok(quoted[i], strlen(quoted[i])))
            fail_msg("'%s' must be quoted", quoted[i]);
    }
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (!gx_yaml_plain_ok(plain[i], strlen(plain[i])))
            fail_msg("'%s' should be plain", plain[i]);
        assert_false(looks_special(plain[i]));
    }
    assert_false(gx_yaml_plain_ok("a\0b", 3));
    assert_false(gx_yaml_plain_ok(NULL, 0));
}

/* A text of len bytes and how gx_yaml_scalar must write it. */
typedef struct scalar_case {
    const char *s;
    size_t len;
    const char *want;
} scalar_case;

static void expect_scalar(const scalar_case *c)
{
    gx_buf b = GX_BUF_INIT;
    gx_yaml_scalar(&b, c->s, c->len);
    if (strcmp(b.data, c->want) != 0)
        fail_msg("scalar written as %s, wanted %s", b.data, c->want);
    gx_buf_free(&b);
}

static void test_scalar_escapes(void **state)
{
    (void)state;
    static const scalar_case scalars[] = {
        /* plain, empty, NULL, a special word */
        {"plain", 5, "plain"}, {"", 0, "\"\""}, {NULL, 0, "\"\""}, {"yes", 3, "\"yes\""},
        /* quotes and backslashes: fine plain, escaped when quoted */
        {"a\"b\\c", 5, "a\"b\\c"}, {"\"a\"b\\c", 6, "\"\\\"a\\\"b\\\\c\""},
        /* control characters */
        {"l1\nl2\tt\rr", 9, "\"l1\\nl2\\tt\\rr\""}, {"a\0b", 3, "\"a\\0b\""},
        {"\x01\x1b\x7f", 3, "\"\\x01\\x1B\\x7F\""},
        /* UTF-8: kept, unless a space leads or it is a line break, C1 or BOM */
        {"é ✓", 6, "é ✓"}, {" é", 3, "\" é\""}, {"a\xC2\x85" "b", 4, "\"a\\Nb\""},
        {"a\xE2\x80\xA8" "b", 5, "\"a\\Lb\""}, {"a\xE2\x80\xA9" "b", 5, "\"a\\Pb\""},
        {"\xC2\x80", 2, "\"\\x80\""}, {"\xEF\xBB\xBF", 3, "\"\\uFEFF\""},
        {"\xEF\xBF\xBF", 3, "\"\\uFFFF\""}, {"😀 ok", 7, "😀 ok"},
        /* invalid UTF-8, byte by byte */
        {"a\xFF" "b", 3, "\"a\\xFFb\""}, {"\xE2\x82", 2, "\"\\xE2\\x82\""},
    };
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
        expect_scalar(&scalars[i]);
    gx_buf b = GX_BUF_INIT;
    gx_yaml_str(&b, "on");
    gx_yaml_str(&b, NULL);
    assert_string_equal(b.data, "\"on\"\"\"");
    gx_buf_free(&b);
}

static void test_core_resolve(void **state)
{
    (void)state;
    /* each core-schema type and the plain scalars that resolve to it */
    const struct {
        gx_yaml_core_type t;
        const char *const *texts; /* NULL-terminated */
    } types[] = {
        /* null */
        {GX_YAML_CORE_NULL, (const char *const[]){"", "~", "null", "Null", "NULL", NULL}},
        /* bool: true and false only */
        {GX_YAML_CORE_BOOL, (const char *const[]){"true", "False", NULL}},
        /* int: decimal, octal 0o, hex 0x */
        {GX_YAML_CORE_INT, (const char *const[]){"0", "-12", "+7", "0123", "0o17", "0x1F", NULL}},
        /* float */
        {GX_YAML_CORE_FLOAT, (const char *const[]){"1e3", "1.5", ".5", "1.", "-1.5e-3", ".inf",
            "-.Inf", "+.INF", ".nan", NULL}},
        /* strings: 1.1 words and numbers, near misses */
        {GX_YAML_CORE_STR, (const char *const[]){"nULL", "yes", "on", "0X1F", "0b1", "1_000",
            "1:20", ".", "+", "-", "1e", "e3", "-.nan", "inf", "1.2.3", "0x", "0o8", NULL}},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        for (const char *const *s = types[i].texts; *s; s++)
            if (gx_yaml_core_resolve(*s, strlen(*s)) != types[i].t)
                fail_msg("core type of '%s': %d, not %d", *s,
                         (int)gx_yaml_core_resolve(*s, strlen(*s)), (int)types[i].t);
    assert_int_equal(gx_yaml_core_resolve("1\0", 2), GX_YAML_CORE_STR);
    assert_int_equal(gx_yaml_core_resolve(NULL, 0), GX_YAML_CORE_NULL);
}

static void test_hostile_roundtrip(void **state)
{
    fixture *f = *state;
    static const char *const hostile[] = {
        "y", "Y", "yes", "no", "NO", "on", "off", "On", "true", "False", "null", "Null", "~",
        "0123", "0o17", "0x1F", "0b101", "1e3", "1E3", "1.5", ".5", "1.", "-1", "+1", ".inf",
        "-.inf", ".nan", "1:20", "1_000", "2001-12-14t21:59:43.10-05:00", "- a", "-", "--",
        "---", "...", "a: b", "a:b", "#x", "x #y", "x#y", "'", "\"", "'single'", "\"double\"",
        "it's \"mixed\"", "multi\nline\ntext\n", "\n", "\r\n", " leading", "trailing ",
        "  both  ", " ", "\t", "tab\there", "\ttab", "back\\slash", "\\", "\\n", "$(rm -rf /)",
        "`id`", "${HOME}", "héllo ✓", "\xE2\x80\xA8", "a\xE2\x80\xA9" "b", "\xC2\x85", "<<",
        "=", "", "-", ":", "?", "key:", "key: ", "? x", ": x", "[a, b]", "{a: b}", "a, b",
        "&anchor", "*alias", "!tag", "!!str", "%TAG", "@at", "`tick", "|", ">", "|-\n x",
        "a\0b", "\x01\x02\x7f", "\xEF\xBB\xBF" "bom", "\xC2\xA0nbsp\xC2\xA0", "😀",
        "0", "00", "0.0", "-0", "+.5", "1e-3", "0xZZ", ".", "..", "~x", "x~", "null\n",
        "  - item", "# comment", "a #", "a:", "a::", "::", "=x", "<<x", "\"\\\"", "'\\''",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        roundtrip_scalar(f, hostile[i], strlen(hostile[i]));
    }
    roundtrip_scalar(f, "a\0b", 3);
    roundtrip_scalar(f, "\0", 1);

    /* 100 KB strings: plain and quoted */
    size_t big = 100 * 1024;
    char *s = malloc(big + 1);
    for (size_t i = 0; i < big; i++)
        s[i] = (char)('a' + i % 26);
    s[big] = '\0';
    roundtrip_scalar(f, s, big);
    for (size_t i = 0; i < big; i += 97)
        s[i] = "\n\"\\ #:'\t"[i % 8];
    roundtrip_scalar(f, s, big);
    free(s);

    /* every single byte that is a character of its own */
    for (int c = 1; c < 0x80; c++) {
        char one[4] = {(char)c, 0, 0, 0};
        roundtrip_scalar(f, one, 1);
        char three[4] = {'a', (char)c, 'b', 0};
        roundtrip_scalar(f, three, 3);
        char tail[4] = {'a', (char)c, 0, 0};
        roundtrip_scalar(f, tail, 2);
    }
}

/* Random valid UTF-8 strings made of dangerous pieces survive exactly. */
static void test_random_roundtrip(void **state)
{
    fixture *f = *state;
    static const char *const pieces[] = {
        "a", "Z", "0", "1", "e", ".", "-", "+", ":", " ", "#", "'", "\"", "\\", "\n", "\t",
        "\r", "?", ",", "[", "}", "&", "*", "!", "|", ">", "%", "@", "`", "~", "é", "✓",
        "\xE2\x80\xA8", "\xC2\x85", "\xC2\x9F", "\xEF\xBB\xBF", "\xF0\x9F\x98\x80", "yes",
        "null", "<<", "=", "x", "\x7F", "\x01", "0x", "_",
    };
    const size_t np = sizeof pieces / sizeof pieces[0];
    uint64_t seed = 42;
    gx_buf s = GX_BUF_INIT;
    for (int iter = 0; iter < 3000; iter++) {
        gx_buf_reset(&s);
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        int count = 1 + (int)((seed >> 33) % 8);
        for (int t = 0; t < count; t++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            gx_buf_puts(&s, pieces[(seed >> 33) % np]);
        }
        roundtrip_scalar(f, s.data, s.len);
    }
    gx_buf_free(&s);
}

static void test_invalid_utf8_output(void **state)
{
    fixture *f = *state;
    /* not representable: written as \xNN, read back as the Latin-1 character */
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b, "v: ");
    gx_yaml_scalar(&b, "a\xFF\xC3", 3);
    gx_buf_puts(&b, "\n");
    gx_node *r = parse_len(f, b.data, b.len);
    assert_string_equal(gx_node_get(r, "v")->text, "a\xC3\xBF\xC3\x83");
    gx_buf_free(&b);
}

/* ---- gx_yamlout: trees ---------------------------------------------------------- */

static const char *const sample_trees[] = {
    "- key: a\n  operator: Exists\n- key: b\n  operator: Equal\n  value: \"yes\"\n"
    "  effect: NoSchedule\n  tolerationSeconds: 30\n",
    "a: 1\nb: [x, y, {c: d}]\ne: {}\nf: []\ng: {h: {i: {j: [[k, l], [], [[m]]]}}}\n",
    "plain: true\nquoted: \"true\"\nnum: 0x1F\nflt: 1.5e3\nnul: ~\nempty:\nword: \"null\"\n"
    "inf: -.inf\nstr: !!str 12\noct: 0o17\n",
    "\"a: b\": \"c #d\"\n\"\": x\n\"multi\\nline\": \"line\\nbreak\"\n\"- dash\": [\"? q\"]\n"
    "'yes': 'no'\n\"héllo ✓\": \"\\u2028\"\n",
    "- - a\n  - - b\n    - c\n- - []\n- {}\n- []\n- ''\n- ~\n- - {x: 1}\n",
    "script: |\n  #!/bin/sh\n  echo \"$(id)\"\n  exit 0\ntext: >\n  folded\n  lines\n",
    "just a scalar\n",
    "[]\n",
    "{}\n",
    "\"0123\"\n",
    "~: tilde\n\"null\": word\n1: one\ntrue: yes\n",
    "nested:\n  - name: a\n    args: [--flag, '--x=1', '']\n    env:\n      - {name: A, value: '1'}\n",
};

/* Writes tree in four placements at indentation indent and checks each reads
 * back the same. */
static void roundtrip_tree_at(fixture *f, const gx_node *tree, int indent)
{
    gx_buf b = GX_BUF_INIT;
    gx_node *r;

    /* 1. under a key at column indent, followed by a sibling key */
    if (indent > 0)
        gx_buf_puts(&b, "outer:\n");
    gx_buf_indent(&b, indent);
    gx_buf_puts(&b, "v:");
    gx_yaml_node(&b, tree, indent, true);
    gx_buf_indent(&b, indent);
    gx_buf_puts(&b, "after: end\n");
    r = parse_len(f, b.data, b.len);
    if (indent > 0)
        r = (gx_node *)gx_node_get(r, "outer");
    if (!same_value(tree, gx_node_get(r, "v")))
        fail_msg("after_key at %d:\n%s", indent, b.data);
    assert_scalar(gx_node_get(r, "after"), "end");

    /* 2. standing alone at column indent (a "{{ yaml x }}" tag) */
    gx_buf_reset(&b);
    if (indent > 0)
        gx_buf_puts(&b, "outer:\n");
    gx_buf_indent(&b, indent);
    gx_yaml_node(&b, tree, indent, false);
    r = parse_len(f, b.data, b.len);
    if (indent > 0)
        r = (gx_node *)gx_node_get(r, "outer");
    if (!same_value(tree, r))
        fail_msg("standalone at %d:\n%s", indent, b.data);

    /* 3. as a sequence item: the caller wrote "- " ending at column indent */
    if (indent >= 2) {
        gx_buf_reset(&b);
        if (indent > 2)
            gx_buf_puts(&b, "outer:\n");
        gx_buf_indent(&b, indent - 2);
        gx_buf_puts(&b, "- ");
        gx_yaml_node(&b, tree, indent, false);
        gx_buf_indent(&b, indent - 2);
        gx_buf_puts(&b, "- second\n");
        r = parse_len(f, b.data, b.len);
        if (indent > 2)
            r = (gx_node *)gx_node_get(r, "outer");
        assert_int_equal(r->kind, GX_NODE_SEQ);
        assert_int_equal(r->count, 2);
        if (!same_value(tree, r->items[0]))
            fail_msg("item at %d:\n%s", indent, b.data);
        assert_scalar(r->items[1], "second");
    }
    gx_buf_free(&b);
}

static void test_tree_roundtrip(void **state)
{
    fixture *f = *state;
    for (size_t t = 0; t < sizeof sample_trees / sizeof sample_trees[0]; t++) {
        gx_node *tree = parse(f, sample_trees[t]);
        for (int indent = 0; indent <= 8; indent++)
            roundtrip_tree_at(f, tree, indent);
        /* the texts of trees without nulls come back as they were */
        gx_buf b = GX_BUF_INIT;
        gx_yaml_node(&b, tree, 0, false);
        gx_node *back = parse_len(f, b.data, b.len);
        if (!strstr(sample_trees[t], "~") && !strstr(sample_trees[t], "empty:") &&
            !strstr(sample_trees[t], "null"))
            assert_true(gx_node_equal(tree, back));
        /* writing again gives the same bytes */
        gx_buf b2 = GX_BUF_INIT;
        gx_yaml_node(&b2, back, 0, false);
        assert_string_equal(b.data, b2.data);
        gx_buf_free(&b);
        gx_buf_free(&b2);
    }
}

/* What a writer of gx_yamlout is given: a string map, a string list or (when
 * neither is set) a tree. */
typedef struct yaml_input {
    const gx_node *node;
    const gx_map *map;
    const gx_list *list;
} yaml_input;

/* Writes prefix, then in with its writer at indent (after a key or not), and
 * checks the text is want. */
static void expect_written(yaml_input in, const char *prefix, int indent, bool after_key,
                           const char *want)
{
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b, prefix);
    if (in.map)
        gx_yaml_map(&b, in.map, indent, after_key);
    else if (in.list)
        gx_yaml_list(&b, in.list, indent, after_key);
    else
        gx_yaml_node(&b, in.node, indent, after_key);
    if (strcmp(b.data, want) != 0)
        fail_msg("got:\n%s\nwanted:\n%s", b.data, want);
    gx_buf_free(&b);
}

static void expect_node_output(fixture *f, const char *yaml, const char *prefix, int indent,
                               bool after_key, const char *want)
{
    expect_written((yaml_input){.node = parse(f, yaml)}, prefix, indent, after_key, want);
}

static void test_tree_layout(void **state)
{
    fixture *f = *state;
    /* a tree (as YAML), the prefix written before it, its indentation, whether
     * it follows a key, and the text gx_yaml_node writes */
    static const struct {
        const char *yaml, *prefix;
        int indent;
        bool after_key;
        const char *want;
    } layouts[] = {
        {"- key: a\n  operator: Exists\n", "    tolerations:", 4, true,
         "    tolerations:\n      - key: a\n        operator: Exists\n"},
        {"- key: a\n  operator: Exists\n", "    ", 4, false,
         "    - key: a\n      operator: Exists\n"},
        {"a: 1\nb: {c: x}\n", "  labels:", 2, true,
         "  labels:\n    a: 1\n    b:\n      c: x\n"},
        {"a: 1\nb: {c: x}\n", "    ", 4, false,
         "    a: 1\n    b:\n      c: x\n"},
        {"[[a, b], [c]]", "x:", 0, true,
         "x:\n  - - a\n    - b\n  - - c\n"},
        {"- {}\n- []\n- [{a: [b]}]\n", "", 0, false,
         "- {}\n- []\n- - a:\n      - b\n"},
        {"{}", "k:", 6, true,
         "k: {}\n"},
        {"[]", "k:", 6, true,
         "k: []\n"},
        {"'yes'", "k:", 6, true,
         "k: \"yes\"\n"},
        {"[]", "", 6, false,
         "[]\n"},
        {"plain", "", 6, false,
         "plain\n"},
        {"a: ~\nb:\nc: Null\n", "", 0, false,
         "a: null\nb: null\nc: null\n"},
        {"s: 30\nq: \"30\"\nb: true\nB: yes\no: on\nt: !!str 5\nn: .5\n", "", 0, false,
         "s: 30\nq: \"30\"\nb: true\nB: \"yes\"\no: \"on\"\nt: \"5\"\n\"n\": .5\n"},
        {"k: |\n  two\n  lines\n", "", 0, false,
         "k: \"two\\nlines\\n\"\n"},
    };
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        expect_node_output(f, layouts[i].yaml, layouts[i].prefix, layouts[i].indent,
                           layouts[i].after_key, layouts[i].want);
    gx_buf b = GX_BUF_INIT;
    gx_yaml_node(&b, NULL, 2, true);
    gx_yaml_node(&b, NULL, 2, false);
    assert_string_equal(b.data, " null\nnull\n");
    gx_buf_free(&b);
}

static void test_long_keys(void **state)
{
    fixture *f = *state;
    /* keys near and over the 1024-character limit of implicit keys */
    size_t sizes[] = {1, 990, 1000, 1001, 1024, 1025, 5000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        gx_buf key = GX_BUF_INIT;
        for (size_t j = 0; j < sizes[i]; j++)
            gx_buf_putc(&key, j % 7 == 3 ? ' ' : 'k');
        /* a tree with long keys, written with explicit keys so it parses */
        gx_buf big = GX_BUF_INIT;
        gx_buf_puts(&big, "- ? ");
        gx_yaml_str(&big, key.data);
        gx_buf_puts(&big, "\n  : {x: [1]}\n  ? \"");
        gx_buf_puts(&big, key.data);
        gx_buf_puts(&big, "x\"\n  : \"yes\"\n");
        gx_node *tree = parse_len(f, big.data, big.len);
        for (int indent = 0; indent <= 4; indent += 2)
            roundtrip_tree_at(f, tree, indent);
        /* and as string maps */
        const char *keys[1] = {key.data};
        const char *vals[1] = {"v"};
        gx_map m = {1, keys, vals};
        gx_buf out = GX_BUF_INIT;
        gx_buf_puts(&out, "m:");
        gx_yaml_map(&out, &m, 0, true);
        gx_node *r = parse_len(f, out.data, out.len);
        assert_scalar(gx_node_get(gx_node_get(r, "m"), key.data), "v");
        if (sizes[i] > 1000)
            assert_non_null(strstr(out.data, "? "));
        else
            assert_null(strstr(out.data, "? "));
        gx_buf_free(&out);
        gx_buf_free(&big);
        gx_buf_free(&key);
    }
}

static void test_map_list_output(void **state)
{
    fixture *f = *state;
    const char *keys[] = {"app.kubernetes.io/name", "empty", "on", "x: y"};
    const char *vals[] = {"glyphoxa", "", "0123", NULL};
    gx_map m = {4, keys, vals};
    const char *items[] = {"a", "yes", "- b", "multi\nline", NULL};
    gx_list l = {5, items};

    expect_written((yaml_input){.map = &m}, "  labels:", 2, true,
                   "  labels:\n"
                   "    app.kubernetes.io/name: glyphoxa\n"
                   "    empty: \"\"\n"
                   "    \"on\": \"0123\"\n"
                   "    \"x: y\": \"\"\n");
    expect_written((yaml_input){.map = &m}, "    ", 4, false,
                   "    app.kubernetes.io/name: glyphoxa\n"
                   "    empty: \"\"\n"
                   "    \"on\": \"0123\"\n"
                   "    \"x: y\": \"\"\n");
    expect_written((yaml_input){.list = &l}, "args:", 0, true,
                   "args:\n  - a\n  - \"yes\"\n  - \"- b\"\n  - \"multi\\nline\"\n  - \"\"\n");
    expect_written((yaml_input){.list = &l}, "      ", 6, false,
                   "      - a\n      - \"yes\"\n      - \"- b\"\n"
                   "      - \"multi\\nline\"\n      - \"\"\n");
    gx_buf b = GX_BUF_INIT;
    gx_map none = {0, NULL, NULL};
    gx_list nothing = {0, NULL};
    gx_buf_puts(&b, "a:");
    gx_yaml_map(&b, &none, 0, true);
    gx_buf_puts(&b, "b:");
    gx_yaml_list(&b, &nothing, 0, true);
    gx_buf_puts(&b, "c:");
    gx_yaml_map(&b, NULL, 0, true);
    gx_buf_puts(&b, "d:");
    gx_yaml_list(&b, NULL, 0, true);
    gx_buf_puts(&b, "e:\n  ");
    gx_yaml_list(&b, &nothing, 2, false);
    assert_string_equal(b.data, "a: {}\nb: []\nc: {}\nd: []\ne:\n  []\n");
    gx_node *r = parse_len(f, b.data, b.len);
    assert_int_equal(gx_node_get(r, "a")->kind, GX_NODE_MAP);
    assert_int_equal(gx_node_get(r, "e")->kind, GX_NODE_SEQ);

    /* parse-back in every placement */
    for (int indent = 0; indent <= 6; indent += 2) {
        gx_buf_reset(&b);
        if (indent)
            gx_buf_puts(&b, "o:\n");
        gx_buf_indent(&b, indent);
        gx_buf_puts(&b, "m:");
        gx_yaml_map(&b, &m, indent, true);
        gx_buf_indent(&b, indent);
        gx_buf_puts(&b, "l:");
        gx_yaml_list(&b, &l, indent, true);
        r = parse_len(f, b.data, b.len);
        if (indent)
            r = (gx_node *)gx_node_get(r, "o");
        const gx_node *rm = gx_node_get(r, "m"), *rl = gx_node_get(r, "l");
        assert_int_equal(rm->count, 4);
        assert_int_equal(rl->count, 5);
        for (size_t i = 0; i < 4; i++) {
            assert_scalar(rm->keys[i], keys[i]);
            assert_scalar(rm->items[i], vals[i] ? vals[i] : "");
        }
        for (size_t i = 0; i < 5; i++)
            assert_scalar(rl->items[i], items[i] ? items[i] : "");
    }
    gx_buf_free(&b);
}

/* ---- gx_shell --------------------------------------------------------------- */

static void shell_roundtrip(const char *s, size_t len)
{
    gx_buf cmd = GX_BUF_INIT;
    gx_buf_puts(&cmd, "printf %s ");
    gx_shell_word(&cmd, s, len);
    const char *argv[] = {"/bin/sh", "-c", cmd.data, NULL};
    gx_test_run_result got;
    assert_true(gx_test_run(argv, NULL, &got));
    assert_int_equal(got.status, 0);
    if (got.out_len != len || (len && memcmp(got.out, s, len) != 0))
        fail_msg("shell word %s gave '%.*s'", cmd.data, (int)got.out_len, got.out);
    gx_test_run_free(&got);
    gx_buf_free(&cmd);
}

static void test_shell_word(void **state)
{
    (void)state;
    gx_buf b = GX_BUF_INIT;
    gx_shell_word(&b, "", 0);
    gx_shell_word(&b, NULL, 0);
    gx_shell_word(&b, "it's", 4);
    gx_shell_word(&b, "'", 1);
    assert_string_equal(b.data, "''''" "'it'\\''s'" "''\\'''");
    gx_buf_free(&b);

    static const char *const words[] = {
        "", "plain", "it's", "'", "''", "'''", "a b", "  spaced  ", "$(rm -rf /)", "`id`",
        "$HOME", "${HOME}", "\\", "\\n", "multi\nline\n", "\n", "tab\there", "*", "?", "[a]",
        "~", "!x", "!!", "a\"b", "-n", "--", "%s", "%%", ";", "&&", "|", ">", "<", "#c",
        "héllo ✓", "\xFF\xFE", "end\\", "'; rm -rf / #", "a'b'c'",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        shell_roundtrip(words[i], strlen(words[i]));
    char all[256];
    for (int c = 1; c < 256; c++)
        all[c - 1] = (char)c;
    shell_roundtrip(all, 255);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        GX_TEST_FX(test_positions),
        GX_TEST_FX(test_positions_crlf_and_bom),
        GX_TEST_FX(test_plain_flag_and_tags),
        GX_TEST_FX(test_is_null),
        GX_TEST_FX(test_equal),
        GX_TEST_FX(test_empty_documents),
        GX_TEST_FX(test_reject_anchors_aliases),
        GX_TEST_FX(test_reject_duplicate_keys),
        GX_TEST_FX(test_reject_nonscalar_keys),
        GX_TEST_FX(test_reject_documents),
        GX_TEST_FX(test_reject_depth),
        GX_TEST_FX(test_reject_nul),
        GX_TEST_FX(test_reject_libyaml),
        GX_TEST_FX(test_diag_limit),
        cmocka_unit_test(test_parse_never_crashes),
        cmocka_unit_test(test_plain_ok),
        cmocka_unit_test(test_scalar_escapes),
        cmocka_unit_test(test_core_resolve),
        GX_TEST_FX(test_hostile_roundtrip),
        GX_TEST_FX(test_random_roundtrip),
        GX_TEST_FX(test_invalid_utf8_output),
        GX_TEST_FX(test_tree_roundtrip),
        GX_TEST_FX(test_tree_layout),
        GX_TEST_FX(test_long_keys),
        GX_TEST_FX(test_map_list_output),
        cmocka_unit_test(test_shell_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
