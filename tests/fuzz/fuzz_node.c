/* fuzz_node — libFuzzer target for the structured-value parser (gx_node_parse)
 * and the YAML writer (gx_yaml_node).
 *
 * Oracles, for every input that parses:
 *  - re-emitted with gx_yaml_node in six placements (at the root at columns 0
 *    and 4, after a key at columns 0 and 3, as a sequence item at columns 0 and
 *    2), the text parses again and gives the same tree: every string exactly,
 *    nulls normalised as gx_yamlout.h documents (a plain null value is written
 *    "null", an empty plain key "null", other null words kept);
 *  - emitting the re-read tree gives the same bytes (the writer is stable);
 *  - used as every yaml-typed value of a configuration (tolerations, provider
 *    options, MCP servers, NPCs), gx_validate and gx_derive do not crash, and
 *    the application config.yaml parses back holding the same npcs, mcp
 *    servers and options.
 * A failed parse must leave *out NULL and add a diagnostic. */
#include "fuzz_common.h"
#include "gx_arena.h"
#include "gx_derived.h"
#include "gx_model.h"
#include "gx_rules.h"
#include "gx_yamlout.h"

/* ---- expected trees ---------------------------------------------------------- */

/* The tree a reader gets back from gx_yaml_node's output for n: the same
 * shape, scalars with the text they are written with. */
static gx_node *expected(gx_arena *arena, const gx_node *n, bool is_key)
{
    gx_node *e = gx_arena_alloc(arena, sizeof *e);
    if (!n) {
        e->kind = GX_NODE_SCALAR;
        e->text = "null";
        e->len = 4;
        return e;
    }
    *e = *n;
    if (n->kind == GX_NODE_SCALAR) {
        bool null = n->plain && !n->tag &&
                    gx_yaml_core_resolve(n->text, n->len) == GX_YAML_CORE_NULL;
        if (null && (!is_key || n->len == 0)) {
            e->text = "null";
            e->len = 4;
        }
        return e;
    }
    if (n->count) {
        e->items = gx_arena_alloc(arena, n->count * sizeof *e->items);
        if (n->kind == GX_NODE_MAP)
            e->keys = gx_arena_alloc(arena, n->count * sizeof *e->keys);
    }
    for (size_t i = 0; i < n->count; i++) {
        if (n->kind == GX_NODE_MAP)
            e->keys[i] = expected(arena, n->keys[i], true);
        e->items[i] = expected(arena, n->items[i], false);
    }
    return e;
}

/* True when some map of the tree has two keys with the same text. The writer
 * turns an empty plain key into "null" (gx_yamlout.h), so {"": a, null: b}
 * cannot be written back as two keys; such trees are skipped. */
static bool has_duplicate_keys(const gx_node *n)
{
    if (!n || n->kind == GX_NODE_SCALAR)
        return false;
    for (size_t i = 0; i < n->count; i++) {
        if (n->kind == GX_NODE_MAP) {
            for (size_t j = 0; j < i; j++)
                if (n->keys[i]->len == n->keys[j]->len &&
                    memcmp(n->keys[i]->text, n->keys[j]->text, n->keys[i]->len) == 0)
                    return true;
            if (has_duplicate_keys(n->keys[i]))
                return true;
        }
        if (has_duplicate_keys(n->items[i]))
            return true;
    }
    return false;
}

/* ---- re-emission ------------------------------------------------------------- */

typedef enum placement { AT_ROOT, AFTER_KEY, AS_ITEM } placement;

typedef struct variant {
    placement where;
    int col;     /* column of the tree (root), the key, or the dash */
    int wrapper; /* collections the placement adds around the tree */
} variant;

static const variant variants[] = {
    {AT_ROOT, 0, 0}, {AT_ROOT, 4, 0}, {AFTER_KEY, 0, 1},
    {AFTER_KEY, 3, 2}, {AS_ITEM, 0, 1}, {AS_ITEM, 2, 2},
};

/* Writes tree as placed by v: under "p:" when the column is not 0. */
static void emit(gx_buf *out, const gx_node *tree, const variant *v)
{
    bool parent = v->where != AT_ROOT && v->col > 0;
    if (parent)
        gx_buf_puts(out, "p:\n");
    gx_buf_indent(out, v->col);
    switch (v->where) {
    case AT_ROOT: gx_yaml_node(out, tree, v->col, false); break;
    case AFTER_KEY:
        gx_buf_puts(out, "k:");
        gx_yaml_node(out, tree, v->col, true);
        break;
    case AS_ITEM:
        gx_buf_puts(out, "- ");
        gx_yaml_node(out, tree, v->col + 2, false);
        break;
    }
}

/* The tree back out of a parsed placement. */
static const gx_node *unwrap(const gx_node *root, const variant *v, const gx_buf *text)
{
    const gx_node *n = root;
    if (v->where != AT_ROOT && v->col > 0) {
        GX_FUZZ_CHECK(n && n->kind == GX_NODE_MAP && n->count == 1, NULL, "no parent map");
        n = n->items[0];
    }
    if (v->where == AFTER_KEY) {
        n = gx_node_get(n, "k");
        if (!n) {
            gx_fuzz_dump("emitted", text->data, text->len);
            gx_fuzz_fail(NULL, "the key k is missing");
        }
    } else if (v->where == AS_ITEM) {
        if (!n || n->kind != GX_NODE_SEQ || n->count != 1) {
            gx_fuzz_dump("emitted", text->data, text->len);
            gx_fuzz_fail(NULL, "not a one-item sequence");
        }
        n = n->items[0];
    }
    return n;
}

static void check_reemit(gx_arena *arena, const gx_node *tree)
{
    const gx_node *want = expected(arena, tree, false);
    if (has_duplicate_keys(want))
        return;
    int depth = gx_fuzz_depth(tree);
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        const variant *v = &variants[i];
        if (depth + v->wrapper > GX_NODE_MAX_DEPTH)
            continue;
        gx_buf text = GX_BUF_INIT;
        emit(&text, tree, v);
        gx_diags diags = GX_DIAGS_INIT;
        gx_node *root = NULL;
        if (!gx_node_parse(arena, "emitted.yaml", text.data, text.len, &root, &diags)) {
            gx_fuzz_dump("emitted", text.data, text.len);
            gx_fuzz_fail(&diags, "gx_yaml_node output (placement %zu) does not parse", i);
        }
        const gx_node *got = unwrap(root, v, &text);
        if (!gx_node_equal(want, got)) {
            gx_fuzz_dump("emitted", text.data, text.len);
            gx_fuzz_fail(NULL, "placement %zu: the tree read back differs", i);
        }
        if (i == 0) {
            /* stability: writing what was read gives the same bytes */
            gx_buf again = GX_BUF_INIT;
            emit(&again, got, v);
            if (!gx_fuzz_same(&text, &again)) {
                gx_fuzz_dump("first", text.data, text.len);
                gx_fuzz_dump("second", again.data, again.len);
                gx_fuzz_fail(NULL, "gx_yaml_node is not stable across a round trip");
            }
            gx_buf_free(&again);
        }
        gx_buf_free(&text);
        gx_diags_free(&diags);
    }
}

/* ---- the tree as configuration values ------------------------------------------ */

static gx_node *new_node(gx_arena *arena, gx_node_kind kind, size_t count)
{
    gx_node *n = gx_arena_alloc(arena, sizeof *n);
    n->kind = kind;
    n->text = "";
    n->count = count;
    if (count) {
        n->items = gx_arena_alloc(arena, count * sizeof *n->items);
        if (kind == GX_NODE_MAP)
            n->keys = gx_arena_alloc(arena, count * sizeof *n->keys);
    }
    return n;
}

/* tree as a value of the given kind, as the loader could hand it over: as is
 * when it has that kind, else wrapped ([tree] or {x: tree}); NULL is empty. */
static const gx_node *as_kind(gx_arena *arena, const gx_node *tree, gx_node_kind kind)
{
    if (!tree)
        return new_node(arena, kind, 0);
    if (tree->kind == kind)
        return tree;
    gx_node *w = new_node(arena, kind, 1);
    w->items[0] = (gx_node *)tree;
    if (kind == GX_NODE_MAP) {
        gx_node *k = new_node(arena, GX_NODE_SCALAR, 0);
        k->text = "x";
        k->len = 1;
        w->keys[0] = k;
    }
    return w;
}

static void check_app_part(gx_arena *arena, const gx_node *app, const char *a, const char *b,
                           const gx_node *value, const gx_buf *text)
{
    if (!value || value->count == 0)
        return;
    const gx_node *got = gx_node_get(app, a);
    if (b)
        got = gx_node_get(got, b);
    const gx_node *want = expected(arena, value, false);
    if (has_duplicate_keys(want))
        return;
    if (!gx_node_equal(want, got)) {
        gx_fuzz_dump("config.yaml", text->data, text->len);
        gx_fuzz_fail(NULL, "%s%s%s in the application config differs from the value", a,
                     b ? "." : "", b ? b : "");
    }
}

static void check_config(gx_arena *arena, const gx_node *tree, uint32_t seed)
{
    struct gx_config *cfg = gx_arena_alloc(arena, sizeof *cfg);
    gx_config_set_defaults(cfg, (seed & 1) ? GX_CORE_TOPOLOGY_DEDICATED : GX_CORE_TOPOLOGY_SHARED);
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        if (!gx_components[c].mandatory)
            cfg->enabled[c] = (seed >> (1 + c)) & 1;
    const gx_node *seq = as_kind(arena, tree, GX_NODE_SEQ);
    const gx_node *map = as_kind(arena, tree, GX_NODE_MAP);
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        if (gx_fields[f].type != GX_T_YAML)
            continue;
        const gx_node *v = gx_fields[f].shape == GX_SHAPE_OPTIONS ||
                                   gx_fields[f].shape == GX_SHAPE_CHART_VALUES
                               ? map
                               : seq;
        memcpy((char *)cfg + gx_fields[f].offset, &v, sizeof v);
    }
    /* a provider name, so that the options are written out */
    cfg->config.providers.llm.name = "openai";

    gx_diags results;
    memset(&results, 0, sizeof results);
    gx_validate(cfg, arena, &results);
    GX_FUZZ_CHECK(results.blocking + results.warnings == results.count, NULL,
                  "result counts do not add up");
    for (size_t i = 0; i < results.count; i++)
        GX_FUZZ_CHECK(gx_code_id(results.items[i].code) && results.items[i].path && results.items[i].message,
                      NULL, "result %zu is incomplete", i);

    struct gx_derived derived;
    gx_derive(cfg, arena, &derived);

    /* the loader accepts trees this deep under config/…; deeper ones cannot
     * reach the application config */
    if (gx_fuzz_depth(seq) > 60 || gx_fuzz_depth(map) > 60)
        return;
    gx_buf text = GX_BUF_INIT;
    gx_app_config_write(cfg, &text);
    gx_diags diags = GX_DIAGS_INIT;
    gx_node *app = NULL;
    if (!gx_node_parse(arena, "config.yaml", text.data, text.len, &app, &diags)) {
        gx_fuzz_dump("config.yaml", text.data, text.len);
        gx_fuzz_fail(&diags, "the application config does not parse");
    }
    GX_FUZZ_CHECK(strcmp(derived.app_config, text.data) == 0, NULL,
                  "derived/app-config differs from gx_app_config_write");
    check_app_part(arena, app, "npcs", NULL, seq, &text);
    check_app_part(arena, app, "mcp", "servers", seq, &text);
    {
        const gx_node *llm = gx_node_get(gx_node_get(app, "providers"), "llm");
        check_app_part(arena, llm, "options", NULL, map, &text);
    }
    gx_buf_free(&text);
    gx_diags_free(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    gx_node *tree = (gx_node *)&diags; /* must be overwritten */
    bool ok = gx_node_parse_spans(arena, "input.yaml", (const char *)data, size, &tree, &diags);
    if (!ok) {
        GX_FUZZ_CHECK(tree == NULL, NULL, "failed parse left *out set");
        GX_FUZZ_CHECK(diags.count > 0, NULL, "failed parse without a diagnostic");
        for (size_t i = 0; i < diags.count; i++)
            GX_FUZZ_CHECK(diags.items[i].line >= 0 && diags.items[i].col >= 0, &diags,
                          "negative position");
    } else {
        GX_FUZZ_CHECK(gx_fuzz_depth(tree) <= GX_NODE_MAX_DEPTH, NULL, "tree deeper than allowed");
        if (tree)
            check_reemit(arena, tree);
        uint32_t seed = 0;
        for (size_t i = 0; i < size && i < 64; i++)
            seed = seed * 31u + data[i];
        check_config(arena, tree, seed);
    }
    gx_diags_free(&diags);
    gx_arena_free(arena);
    return 0;
}
