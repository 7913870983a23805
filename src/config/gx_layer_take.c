/* gx_layer_take — copying the values one layer sets that another does not
 * set yet (gx_model.h). The copy is deep: nothing of it points into the
 * arena src lives in, so that arena can be freed right after. */
#include <string.h>

#include "gx_model.h"

typedef struct gx_take {
    gx_arena *arena;
    const char *from_file; /* the last file name seen in a node, and its copy */
    const char *to_file;
} gx_take;

static const char *gx_take_file(gx_take *t, const char *file)
{
    if (!file)
        return NULL;
    if (file != t->from_file) {
        t->from_file = file;
        t->to_file = gx_arena_strdup(t->arena, file);
    }
    return t->to_file;
}

/* A scalar's text may hold NUL bytes of its own: len is authoritative. */
static const char *gx_take_text(gx_arena *arena, const char *text, size_t len)
{
    char *d = gx_arena_alloc(arena, len + 1);
    if (len)
        memcpy(d, text, len);
    return d;
}

static gx_node *gx_take_node(gx_take *t, const gx_node *n)
{
    if (!n)
        return NULL;
    gx_node *c = gx_arena_alloc(t->arena, sizeof *c);
    *c = *n;
    c->file = gx_take_file(t, n->file);
    c->text = gx_take_text(t->arena, n->text ? n->text : "", n->text ? n->len : 0);
    c->tag = n->tag ? gx_arena_strdup(t->arena, n->tag) : NULL;
    c->keys = c->items = NULL;
    if (n->count) {
        c->items = gx_arena_alloc(t->arena, n->count * sizeof *c->items);
        if (n->kind == GX_NODE_MAP)
            c->keys = gx_arena_alloc(t->arena, n->count * sizeof *c->keys);
        for (size_t i = 0; i < n->count; i++) {
            c->items[i] = gx_take_node(t, n->items[i]);
            if (n->kind == GX_NODE_MAP)
                c->keys[i] = gx_take_node(t, n->keys[i]);
        }
    }
    return c;
}

static const char *gx_take_str(gx_arena *arena, const char *s)
{
    return s ? gx_arena_strdup(arena, s) : NULL;
}

static gx_value gx_take_value(gx_take *t, int field, gx_value v)
{
    gx_value c = v;
    switch (gx_fields[field].type) {
    case GX_T_STRING:
    case GX_T_QUANTITY:
        c.s = gx_take_str(t->arena, v.s);
        break;
    case GX_T_MAP:
        if (v.map.count) {
            c.map.keys = gx_arena_alloc(t->arena, v.map.count * sizeof *c.map.keys);
            c.map.values = gx_arena_alloc(t->arena, v.map.count * sizeof *c.map.values);
            for (size_t i = 0; i < v.map.count; i++) {
                c.map.keys[i] = gx_take_str(t->arena, v.map.keys[i]);
                c.map.values[i] = gx_take_str(t->arena, v.map.values[i]);
            }
        }
        break;
    case GX_T_LIST:
        if (v.list.count) {
            c.list.items = gx_arena_alloc(t->arena, v.list.count * sizeof *c.list.items);
            for (size_t i = 0; i < v.list.count; i++)
                c.list.items[i] = gx_take_str(t->arena, v.list.items[i]);
        }
        break;
    case GX_T_YAML:
        c.node = gx_take_node(t, v.node);
        break;
    default: /* int, bool, enum: no pointers */
        break;
    }
    return c;
}

void gx_layer_take(gx_arena *arena, gx_layer *dst, const gx_layer *src)
{
    gx_take t = {arena, NULL, NULL};
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        if (!src->present[f] || dst->present[f])
            continue;
        dst->present[f] = true;
        dst->value[f] = gx_take_value(&t, f, src->value[f]);
        dst->origin[f] = src->origin[f];
        dst->origin[f].file = gx_take_file(&t, src->origin[f].file);
    }
    for (int c = 0; c < GX_COMPONENT_COUNT; c++) {
        if (!src->comp_present[c] || dst->comp_present[c])
            continue;
        dst->comp_present[c] = true;
        dst->comp_value[c] = src->comp_value[c];
        dst->comp_origin[c] = src->comp_origin[c];
        dst->comp_origin[c].file = gx_take_file(&t, src->comp_origin[c].file);
    }
}
