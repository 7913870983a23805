/* gx_diag — see gx_diag.h. */
#include "gx_diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *id;
    gx_code_class cls;
    const char *summary;
} gx_code_table[] = {
#define GX_DIAG_CODE_ROW(name, id, cls, summary) {id, cls, summary},
    GX_DIAG_CODES(GX_DIAG_CODE_ROW)
#undef GX_DIAG_CODE_ROW
};

const char *gx_code_id(gx_code code)
{
    return (unsigned)code < GX_CODE_COUNT ? gx_code_table[code].id : "error";
}

gx_code_class gx_code_class_of(gx_code code)
{
    return (unsigned)code < GX_CODE_COUNT ? gx_code_table[code].cls : GX_CC_OP;
}

const char *gx_code_summary(gx_code code)
{
    return (unsigned)code < GX_CODE_COUNT ? gx_code_table[code].summary : "";
}

int gx_code_find(const char *id)
{
    for (int i = 0; i < GX_CODE_COUNT; i++)
        if (!strcmp(gx_code_table[i].id, id))
            return i;
    return -1;
}

void gx_diags_use_arena(gx_diags *diags, gx_arena *arena)
{
    if (diags->own_arena)
        gx_arena_free(diags->arena);
    diags->arena = arena;
    diags->own_arena = false;
}

static gx_arena *gx_diags_arena(gx_diags *diags)
{
    if (!diags->arena) {
        diags->arena = gx_arena_new();
        diags->own_arena = true;
    }
    return diags->arena;
}

const char *gx_diags_strdup(gx_diags *diags, const char *s)
{
    return s ? gx_arena_strdup(gx_diags_arena(diags), s) : NULL;
}

bool gx_diags_full(const gx_diags *diags)
{
    size_t limit = diags->limit ? diags->limit : GX_DIAGS_DEFAULT_LIMIT;
    return diags->count >= limit;
}

/* A new zeroed item at the end, or NULL when the list is full. */
static gx_diag *gx_diags_new_item(gx_diags *diags, gx_severity severity)
{
    if (gx_diags_full(diags)) {
        diags->dropped++;
        return NULL;
    }
    if (diags->count == diags->cap) {
        size_t cap = diags->cap ? diags->cap * 2 : 8;
        gx_diag *items = gx_arena_alloc(gx_diags_arena(diags), cap * sizeof *items);
        if (diags->count)
            memcpy(items, diags->items, diags->count * sizeof *items);
        diags->items = items;
        diags->cap = cap;
    }
    gx_diag *d = &diags->items[diags->count++];
    memset(d, 0, sizeof *d);
    d->severity = severity;
    if (severity == GX_BLOCKING)
        diags->blocking++;
    else if (severity == GX_WARNING)
        diags->warnings++;
    return d;
}

void gx_diags_add(gx_diags *diags, gx_code code, const char *file, int line, int col,
                  const char *hint, const char *fmt, ...)
{
    gx_diag *d = gx_diags_new_item(diags, GX_BLOCKING);
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    d->message = gx_arena_vprintf(gx_diags_arena(diags), fmt, ap);
    va_end(ap);
    d->code = code;
    d->file = gx_diags_strdup(diags, file);
    d->line = line;
    d->col = col;
    d->hint = gx_diags_strdup(diags, hint);
}

gx_diag *gx_diags_push(gx_diags *diags, gx_severity severity, gx_code code, const char *path,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gx_diag *d = gx_diags_vpush(diags, severity, code, path, fmt, ap);
    va_end(ap);
    return d;
}

gx_diag *gx_diags_vpush(gx_diags *diags, gx_severity severity, gx_code code, const char *path,
                        const char *fmt, va_list ap)
{
    gx_diag *d = gx_diags_new_item(diags, severity);
    if (!d)
        return NULL;
    const char *msg = gx_arena_vprintf(gx_diags_arena(diags), fmt, ap);
    d = &diags->items[diags->count - 1]; /* the format did not add, but stay exact */
    d->message = msg;
    d->code = code;
    d->path = gx_diags_strdup(diags, path);
    return d;
}

void gx_diags_append(gx_diags *diags, const gx_diag *src)
{
    gx_diag *d = gx_diags_new_item(diags, src->severity);
    if (!d)
        return;
    d->code = src->code;
    d->path = gx_diags_strdup(diags, src->path);
    d->file = gx_diags_strdup(diags, src->file);
    d->line = src->line;
    d->col = src->col;
    d->message = gx_diags_strdup(diags, src->message);
    d->hint = gx_diags_strdup(diags, src->hint);
    d->remedy.kind = src->remedy.kind;
    d->remedy.arg = gx_diags_strdup(diags, src->remedy.arg);
    d->remedy.value = gx_diags_strdup(diags, src->remedy.value);
}

bool gx_diags_has_request_error(const gx_diags *diags)
{
    for (size_t i = 0; i < diags->count; i++)
        if (diags->items[i].severity == GX_BLOCKING &&
            gx_code_class_of(diags->items[i].code) == GX_CC_REQUEST)
            return true;
    return false;
}

void gx_diags_print(const gx_diags *diags, FILE *out)
{
    for (size_t i = 0; i < diags->count; i++) {
        const gx_diag *d = &diags->items[i];
        const char *sev = d->severity == GX_BLOCKING  ? "error"
                          : d->severity == GX_WARNING ? "warning"
                                                      : "note";
        if (d->file && d->line > 0)
            fprintf(out, "%s:%d:%d: %s: %s\n", d->file, d->line, d->col, sev, d->message);
        else if (d->file)
            fprintf(out, "%s: %s: %s\n", d->file, sev, d->message);
        else
            fprintf(out, "%s: %s\n", sev, d->message);
        if (d->hint)
            fprintf(out, "  hint: %s\n", d->hint);
    }
    if (diags->dropped)
        fprintf(out, "(%zu more errors not shown)\n", diags->dropped);
}

void gx_diags_free(gx_diags *diags)
{
    if (diags->own_arena)
        gx_arena_free(diags->arena);
    memset(diags, 0, sizeof *diags);
}
