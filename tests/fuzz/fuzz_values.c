/* fuzz_values — libFuzzer target for the values loader (gx_layer_read).
 * Any input: reading must not crash, and a failed read must say why. An input
 * that reads: the model builds, every origin formats, and the layer survives a
 * gx_layer_write / gx_layer_read round trip (fuzz_model.h). */
#include "fuzz_model.h"

/* Fails when a scalar holding a NUL byte (a "\0" escape) was loaded into a
 * string, quantity, map or list field: those keep C strings, so the loader cuts
 * the value at the NUL without a word (a defect this target found; the loader
 * now refuses such values, tests/fuzz/regressions/fuzz_values/nul-in-string-cut). */
static void check_no_cut_strings(const gx_node *map, const char *prefix)
{
    for (size_t i = 0; map && map->kind == GX_NODE_MAP && i < map->count; i++) {
        const gx_node *key = map->keys[i], *value = map->items[i];
        if (!*prefix && strcmp(key->text, "components") == 0)
            continue;
        char path[512];
        int n = snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "/" : "", key->text);
        if (n < 0 || (size_t)n >= sizeof path)
            continue;
        int f = gx_field_find(path);
        if (f < 0) {
            check_no_cut_strings(value, path);
            continue;
        }
        gx_type type = gx_fields[f].type;
        if (type == GX_T_YAML)
            continue; /* trees keep the length of every scalar */
        const gx_node *one[] = {value};
        const gx_node *const *scalars = one;
        size_t count = 1;
        if (type == GX_T_MAP || type == GX_T_LIST) {
            scalars = (const gx_node *const *)value->items;
            count = value->count;
        }
        for (size_t k = 0; k < count; k++) {
            const gx_node *v = scalars[k];
            if (v && v->kind == GX_NODE_SCALAR && strlen(v->text) != v->len)
                gx_fuzz_fail(NULL, "%s: the value holds a NUL byte at %zu of %zu and is cut there "
                             "without a diagnostic", path, strlen(v->text), v->len);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > GX_VALUES_MAX_BYTES) /* gx_layer_read_file refuses these */
        return -1;
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    gx_layer *layer = gx_arena_alloc(arena, sizeof *layer);
    gx_layer_init(layer, GX_LAYER_VALUES, "values.yaml");

    bool ok = gx_layer_read(arena, layer, (const char *)data, size, &diags);
    if (!ok) {
        GX_FUZZ_CHECK(diags.count > 0 || diags.dropped > 0, NULL,
                      "gx_layer_read failed without a diagnostic");
        for (size_t i = 0; i < diags.count; i++)
            GX_FUZZ_CHECK(diags.items[i].message && diags.items[i].message[0], &diags,
                          "diagnostic %zu has no message", i);
    } else {
        gx_model *model = gx_arena_alloc(arena, sizeof *model);
        const gx_layer *layers[] = {layer};
        gx_model_build(model, layers, 1);
        gx_buf scratch = GX_BUF_INIT;
        for (int f = 0; f < GX_FIELD_COUNT; f++) {
            gx_origin_format(&scratch, &model->origin[f], &model->cfg);
            gx_buf_reset(&scratch);
        }
        gx_buf_free(&scratch);
        gx_fuzz_layer_roundtrip(arena, layer);
        gx_node *root = NULL;
        gx_diags d2 = GX_DIAGS_INIT;
        if (gx_node_parse(arena, "values.yaml", (const char *)data, size, &root, &d2))
            check_no_cut_strings(root, "");
        gx_diags_free(&d2);
    }

    gx_diags_free(&diags);
    gx_arena_free(arena);
    return 0;
}
