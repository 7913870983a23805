/* fuzz_model — the values.yaml write/read round trip oracle shared by the
 * fuzz targets: a layer written by gx_layer_write must read back with
 * gx_layer_read, name the same paths and components with the same values (as
 * gx_value_format prints them), write the same bytes again, and build the same
 * effective configuration. Header-only; depends on gx_model and fuzz_common. */
#ifndef GX_FUZZ_MODEL_H
#define GX_FUZZ_MODEL_H

#include "fuzz_common.h"
#include "gx_model.h"

/* Formats value v of field into a fresh buffer (caller frees). */
static inline gx_buf gx_fuzz_format(int field, gx_value v)
{
    gx_buf b = GX_BUF_INIT;
    gx_value_format(&b, field, v);
    gx_buf_putc(&b, '\0'); /* data non-NULL even when empty */
    b.len--;
    return b;
}

/* Compares the effective configurations of two models field by field (by
 * gx_value_format text) and component by component. */
static inline void gx_fuzz_models_equal(const gx_model *a, const gx_model *b, const char *what,
                                        const gx_buf *text)
{
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        gx_buf x = gx_fuzz_format(f, gx_config_get(&a->cfg, f));
        gx_buf y = gx_fuzz_format(f, gx_config_get(&b->cfg, f));
        if (!gx_fuzz_same(&x, &y)) {
            gx_fuzz_dump("values.yaml as written", text->data, text->len);
            gx_fuzz_dump("effective value before", x.data, x.len);
            gx_fuzz_dump("effective value after", y.data, y.len);
            gx_fuzz_fail(NULL, "%s: effective %s differs", what, gx_fields[f].path);
        }
        gx_buf_free(&x);
        gx_buf_free(&y);
    }
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        GX_FUZZ_CHECK(a->cfg.enabled[c] == b->cfg.enabled[c], NULL,
                      "%s: component %s differs", what, gx_components[c].name);
}

/* The round trip oracle for layer (read or set by the caller, arena-backed). */
static inline void gx_fuzz_layer_roundtrip(gx_arena *arena, const gx_layer *layer)
{
    gx_buf text = GX_BUF_INIT;
    gx_layer_write(layer, &text);

    gx_layer *back = gx_arena_alloc(arena, sizeof *back);
    gx_layer_init(back, GX_LAYER_VALUES, "values.yaml");
    gx_diags diags = GX_DIAGS_INIT;
    if (!gx_layer_read(arena, back, text.data, text.len, &diags)) {
        gx_fuzz_dump("values.yaml as written", text.data, text.len);
        gx_fuzz_fail(&diags, "gx_layer_write output does not read back");
    }
    GX_FUZZ_CHECK(diags.count == 0, &diags, "read back with diagnostics but no failure");

    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        if (layer->present[f] != back->present[f]) {
            gx_fuzz_dump("values.yaml as written", text.data, text.len);
            gx_fuzz_fail(NULL, "%s is %s before the round trip and %s after", gx_fields[f].path,
                         layer->present[f] ? "set" : "unset", back->present[f] ? "set" : "unset");
        }
        if (!layer->present[f])
            continue;
        gx_buf x = gx_fuzz_format(f, layer->value[f]);
        gx_buf y = gx_fuzz_format(f, back->value[f]);
        if (!gx_fuzz_same(&x, &y)) {
            gx_fuzz_dump("values.yaml as written", text.data, text.len);
            gx_fuzz_dump("value before", x.data, x.len);
            gx_fuzz_dump("value after", y.data, y.len);
            gx_fuzz_fail(NULL, "%s changed in the write/read round trip", gx_fields[f].path);
        }
        gx_buf_free(&x);
        gx_buf_free(&y);
    }
    for (int c = 0; c < GX_COMPONENT_COUNT; c++) {
        GX_FUZZ_CHECK(layer->comp_present[c] == back->comp_present[c], NULL,
                      "components/%s presence changed in the round trip", gx_components[c].name);
        GX_FUZZ_CHECK(!layer->comp_present[c] || layer->comp_value[c] == back->comp_value[c],
                      NULL, "components/%s changed in the round trip", gx_components[c].name);
    }

    /* writing what was read gives the same bytes */
    gx_buf again = GX_BUF_INIT;
    gx_layer_write(back, &again);
    if (!gx_fuzz_same(&text, &again)) {
        gx_fuzz_dump("first write", text.data, text.len);
        gx_fuzz_dump("second write", again.data, again.len);
        gx_fuzz_fail(NULL, "gx_layer_write is not stable across a round trip");
    }

    /* and both layers give the same effective configuration */
    gx_model *ma = gx_arena_alloc(arena, sizeof *ma);
    gx_model *mb = gx_arena_alloc(arena, sizeof *mb);
    const gx_layer *la[] = {layer}, *lb[] = {back};
    gx_model_build(ma, la, 1);
    gx_model_build(mb, lb, 1);
    gx_fuzz_models_equal(ma, mb, "round trip", &text);

    gx_buf_free(&again);
    gx_buf_free(&text);
    gx_diags_free(&diags);
}

#endif
