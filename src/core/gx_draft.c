/* gx_draft — a session's unsaved edits (gx_core.h, "drafts"): kept as text,
 * checked when drafted, applied over the workspace files by the reads of the
 * session (gx_core_read: get, components, validate). Writes, exports,
 * previews and targets load the files without it. */
#include <stdlib.h>
#include <string.h>

#include "gx_core_internal.h"
#include "gx_schema.h"
#include "gx_xalloc.h"

typedef enum gx_draft_kind { GX_DRAFT_SET, GX_DRAFT_UNSET, GX_DRAFT_COMPONENT } gx_draft_kind;

struct gx_draft_edit {
    gx_draft_kind kind;
    int index;  /* field (SET, UNSET) or component */
    char *text; /* SET: the value as set takes it, malloc'd */
    bool enable; /* COMPONENT */
};

void gx_core_draft_free(gx_session *s)
{
    for (size_t i = 0; i < s->draft_count; i++)
        free(s->draft[i].text);
    free(s->draft);
    s->draft = NULL;
    s->draft_count = 0;
}

void gx_session_draft_clear(gx_session *s) { gx_core_draft_free(s); }

/* The entry for (kind class, index), made when missing: a path has one entry
 * (set or unset), a component one. */
static struct gx_draft_edit *gx_draft_slot(gx_session *s, bool component, int index)
{
    for (size_t i = 0; i < s->draft_count; i++)
        if ((s->draft[i].kind == GX_DRAFT_COMPONENT) == component && s->draft[i].index == index)
            return &s->draft[i];
    s->draft = gx_xrealloc(s->draft, (s->draft_count + 1) * sizeof *s->draft);
    struct gx_draft_edit *e = &s->draft[s->draft_count++];
    memset(e, 0, sizeof *e);
    e->index = index;
    return e;
}

bool gx_session_draft_set(gx_session *s, const char *path, const char *text, gx_diags *diags)
{
    int f = gx_field_find(path);
    if (f < 0) {
        gx_core_unknown_path(diags, path);
        return false;
    }
    gx_arena *scratch = gx_arena_new();
    gx_value v;
    bool ok = gx_value_parse(scratch, f, text ? text : "", &v, diags);
    gx_arena_free(scratch);
    if (!ok)
        return false;
    struct gx_draft_edit *e = gx_draft_slot(s, false, f);
    free(e->text);
    e->kind = GX_DRAFT_SET;
    e->text = gx_xstrdup(text ? text : "");
    return true;
}

bool gx_session_draft_unset(gx_session *s, const char *path, gx_diags *diags)
{
    int f = gx_field_find(path);
    if (f < 0) {
        gx_core_unknown_path(diags, path);
        return false;
    }
    struct gx_draft_edit *e = gx_draft_slot(s, false, f);
    free(e->text);
    e->text = NULL;
    e->kind = GX_DRAFT_UNSET;
    return true;
}

bool gx_session_draft_component(gx_session *s, const char *name, bool enable, gx_diags *diags)
{
    int c = gx_component_find(name);
    if (c < 0) {
        gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_UNKNOWN_COMPONENT, NULL,
                                   "unknown component '%.80s'", name);
        if (d)
            d->remedy.kind = GX_REMEDY_LIST_COMPONENTS;
        return false;
    }
    if (!enable && gx_components[c].mandatory) {
        gx_diags_push(diags, GX_BLOCKING, GX_CODE_MANDATORY_COMPONENT, NULL,
                      "component '%s' is mandatory and cannot be disabled",
                      gx_components[c].name);
        return false;
    }
    struct gx_draft_edit *e = gx_draft_slot(s, true, c);
    e->kind = GX_DRAFT_COMPONENT;
    e->enable = enable;
    return true;
}

size_t gx_session_draft_count(const gx_session *s) { return s->draft_count; }

bool gx_core_apply_draft(gx_session *s, gx_layer *values, gx_layer *secrets, gx_layer *draft,
                         gx_diags *diags)
{
    gx_layer_init(draft, GX_LAYER_DRAFT, NULL);
    bool ok = true;
    for (size_t i = 0; i < s->draft_count; i++) {
        const struct gx_draft_edit *e = &s->draft[i];
        switch (e->kind) {
        case GX_DRAFT_SET: {
            gx_value v;
            if (!gx_value_parse(s->arena, e->index, e->text, &v, diags)) {
                ok = false;
                break;
            }
            draft->present[e->index] = true;
            draft->value[e->index] = v;
            draft->origin[e->index] = (gx_origin){GX_LAYER_DRAFT, NULL, 0, 0};
            break;
        }
        case GX_DRAFT_UNSET:
            values->present[e->index] = false;
            secrets->present[e->index] = false;
            break;
        case GX_DRAFT_COMPONENT:
            draft->comp_present[e->index] = true;
            draft->comp_value[e->index] = e->enable;
            draft->comp_origin[e->index] = (gx_origin){GX_LAYER_DRAFT, NULL, 0, 0};
            break;
        }
    }
    return ok;
}
