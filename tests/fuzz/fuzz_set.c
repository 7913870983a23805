/* fuzz_set — libFuzzer target for the --set parser (gx_layer_set_arg,
 * gx_value_parse).
 *
 * Input: when it holds a NUL byte or a newline, the bytes before the first one
 * are PATH and the rest (up to a further NUL) VALUE, and "PATH=VALUE" goes to
 * gx_layer_set_arg. Otherwise the first byte picks a field (modulo
 * GX_FIELD_COUNT), the rest is the text for gx_value_parse, and
 * gx_layer_set_arg of "that-path=text" must agree with it.
 *
 * Oracles for a value that parses: its gx_value_format text parses to the same
 * value (what `get` prints, `set` takes back), and a layer holding it survives
 * the values.yaml write/read round trip (fuzz_model.h). A failure must come
 * with a diagnostic. */
#include "fuzz_model.h"

static void check_value(gx_arena *arena, int field, gx_value v)
{
    gx_buf text = gx_fuzz_format(field, v);
    gx_diags diags = GX_DIAGS_INIT;
    gx_value again;
    if (!gx_value_parse(arena, field, text.data, &again, &diags)) {
        gx_fuzz_dump("formatted", text.data, text.len);
        gx_fuzz_fail(&diags, "%s: the formatted value does not parse", gx_fields[field].path);
    }
    gx_buf text2 = gx_fuzz_format(field, again);
    if (!gx_fuzz_same(&text, &text2)) {
        gx_fuzz_dump("formatted", text.data, text.len);
        gx_fuzz_dump("formatted again", text2.data, text2.len);
        gx_fuzz_fail(NULL, "%s: format/parse is not stable", gx_fields[field].path);
    }
    gx_buf_free(&text);
    gx_buf_free(&text2);
    gx_diags_free(&diags);

    gx_layer *layer = gx_arena_alloc(arena, sizeof *layer);
    gx_layer_init(layer, GX_LAYER_SET, NULL);
    layer->present[field] = true;
    layer->value[field] = v;
    layer->origin[field] = (gx_origin){GX_LAYER_SET, NULL, 0, 0};
    gx_fuzz_layer_roundtrip(arena, layer);
}

/* The one field a layer holds, or -1. */
static int only_field(const gx_layer *layer)
{
    int found = -1;
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        if (layer->present[f]) {
            GX_FUZZ_CHECK(found < 0, NULL, "one --set stored two values");
            found = f;
        }
    return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 64 * 1024)
        return -1;
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    gx_layer *layer = gx_arena_alloc(arena, sizeof *layer);
    gx_layer_init(layer, GX_LAYER_SET, NULL);
    const char *in = (const char *)data;

    size_t cut = 0;
    while (cut < size && in[cut] != '\0' && in[cut] != '\n')
        cut++;
    if (cut < size) {
        /* PATH=VALUE */
        char *arg = gx_arena_alloc(arena, size + 1);
        memcpy(arg, in, cut);
        arg[cut] = '=';
        memcpy(arg + cut + 1, in + cut + 1, size - cut - 1);
        bool ok = gx_layer_set_arg(arena, layer, arg, &diags);
        GX_FUZZ_CHECK(ok || diags.count > 0, NULL, "set failed without a diagnostic");
        int field = only_field(layer);
        GX_FUZZ_CHECK(ok == (field >= 0), NULL, "set returned %d but stored %s", ok,
                      field >= 0 ? "a value" : "nothing");
        if (ok) {
            GX_FUZZ_CHECK(layer->origin[field].kind == GX_LAYER_SET, NULL, "origin not --set");
            check_value(arena, field, layer->value[field]);
        }
    } else {
        /* field index, then the value text */
        int field = data[0] % GX_FIELD_COUNT;
        char *text = gx_arena_strndup(arena, in + 1, size - 1);
        gx_value v;
        bool ok = gx_value_parse(arena, field, text, &v, &diags);
        GX_FUZZ_CHECK(ok || diags.count > 0, NULL, "parse failed without a diagnostic");

        char *arg = gx_arena_printf(arena, "%s=%s", gx_fields[field].path, text);
        gx_diags diags2 = GX_DIAGS_INIT;
        bool ok2 = gx_layer_set_arg(arena, layer, arg, &diags2);
        GX_FUZZ_CHECK(ok == ok2, &diags2, "gx_value_parse says %d, gx_layer_set_arg %d", ok, ok2);
        if (ok) {
            GX_FUZZ_CHECK(only_field(layer) == field, NULL, "set stored another field");
            gx_buf a = gx_fuzz_format(field, v), b = gx_fuzz_format(field, layer->value[field]);
            GX_FUZZ_CHECK(gx_fuzz_same(&a, &b), NULL, "set and parse disagree on the value");
            gx_buf_free(&a);
            gx_buf_free(&b);
            check_value(arena, field, v);
        }
        gx_diags_free(&diags2);
    }

    gx_diags_free(&diags);
    gx_arena_free(arena);
    return 0;
}
