#include "gx_diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *gx_diag_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        abort();
    memcpy(d, s, n);
    return d;
}

bool gx_diags_full(const gx_diags *diags)
{
    size_t limit = diags->limit ? diags->limit : GX_DIAGS_DEFAULT_LIMIT;
    return diags->count >= limit;
}

void gx_diags_add(gx_diags *diags, const char *file, int line, int col, const char *hint,
                  const char *fmt, ...)
{
    if (gx_diags_full(diags)) {
        diags->dropped++;
        return;
    }
    if (diags->count == diags->cap) {
        size_t cap = diags->cap ? diags->cap * 2 : 8;
        gx_diag *items = realloc(diags->items, cap * sizeof *items);
        if (!items)
            abort();
        diags->items = items;
        diags->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = malloc(n > 0 ? (size_t)n + 1 : 1);
    if (!msg)
        abort();
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap2);
    va_end(ap2);
    gx_diag *d = &diags->items[diags->count++];
    d->file = gx_diag_strdup(file);
    d->line = line;
    d->col = col;
    d->message = msg;
    d->hint = gx_diag_strdup(hint);
}

void gx_diags_print(const gx_diags *diags, FILE *out)
{
    for (size_t i = 0; i < diags->count; i++) {
        const gx_diag *d = &diags->items[i];
        if (d->file && d->line > 0)
            fprintf(out, "%s:%d:%d: error: %s\n", d->file, d->line, d->col, d->message);
        else if (d->file)
            fprintf(out, "%s: error: %s\n", d->file, d->message);
        else
            fprintf(out, "error: %s\n", d->message);
        if (d->hint)
            fprintf(out, "  hint: %s\n", d->hint);
    }
    if (diags->dropped)
        fprintf(out, "(%zu more errors not shown)\n", diags->dropped);
}

void gx_diags_free(gx_diags *diags)
{
    for (size_t i = 0; i < diags->count; i++) {
        free(diags->items[i].file);
        free(diags->items[i].message);
        free(diags->items[i].hint);
    }
    free(diags->items);
    diags->items = NULL;
    diags->count = diags->cap = diags->dropped = 0;
}
