/* gx_render — helpers for compiled templates. See gx_render.h. */
#include "gx_render.h"

#include <string.h>

#include "gx_node.h"
#include "gx_shell.h"
#include "gx_utf8.h"
#include "gx_yamlout.h"
#include "gx_text.h"

void gx_render_template(gx_render *r, const gx_template *t)
{
    r->context = t->context;
    t->render(r);
}

bool gx_render_blank(const char *s, size_t len) { return gx_is_blank(s, len); }

void gx_render_text(gx_render *r, const char *s, size_t len) { gx_buf_put(&r->out, s, len); }

static void gx_render_bytes(gx_render *r, const char *s, size_t len)
{
    if (r->context == GX_CTX_SHELL)
        gx_shell_word(&r->out, s, len);
    else
        gx_yaml_scalar(&r->out, s, len);
}

void gx_render_str(gx_render *r, const char *s)
{
    s = gx_render_nn(s);
    gx_render_bytes(r, s, strlen(s));
}

/* v in decimal, written backwards from end; returns the first character. */
static char *gx_decimal(int64_t v, char *end)
{
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *p = end;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return p;
}

void gx_render_int(gx_render *r, int64_t v)
{
    char text[24];
    char *p = gx_decimal(v, text + sizeof text);
    size_t n = (size_t)(text + sizeof text - p);
    if (r->context == GX_CTX_SHELL)
        gx_shell_word(&r->out, p, n);
    else
        gx_buf_put(&r->out, p, n);
}

void gx_render_bool(gx_render *r, bool v)
{
    const char *text = v ? "true" : "false";
    if (r->context == GX_CTX_SHELL)
        gx_shell_word(&r->out, text, strlen(text));
    else
        gx_buf_puts(&r->out, text);
}

const char *gx_render_itoa(gx_render *r, int64_t v)
{
    char text[24];
    char *p = gx_decimal(v, text + sizeof text);
    return gx_arena_strndup(r->arena, p, (size_t)(text + sizeof text - p));
}

const char *gx_render_concat(gx_render *r, size_t n, const char *const *parts)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += parts[i] ? strlen(parts[i]) : 0;
    char *out = gx_arena_alloc(r->arena, total + 1);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (!parts[i])
            continue;
        size_t len = strlen(parts[i]);
        memcpy(out + at, parts[i], len);
        at += len;
    }
    out[at] = '\0';
    return out;
}

const char *gx_render_nn(const char *s) { return s ? s : ""; }

bool gx_render_streq(const char *a, const char *b)
{
    return strcmp(gx_render_nn(a), gx_render_nn(b)) == 0;
}

const char *gx_render_choice(const gx_field *f, int v)
{
    if (!f || !f->choices || v < 0 || (size_t)v >= f->choice_count)
        return "";
    return f->choices[v];
}

bool gx_render_str_truthy(const char *s) { return s && *s; }

bool gx_render_node_truthy(const struct gx_node *n)
{
    if (!n)
        return false;
    if (n->kind == GX_NODE_SCALAR)
        return !gx_node_is_null(n);
    return n->count > 0;
}

void gx_render_yaml_node(gx_render *r, const struct gx_node *n, int indent, bool after_key)
{
    gx_yaml_node(&r->out, n, indent, after_key);
}

void gx_render_yaml_map(gx_render *r, const gx_map *m, int indent, bool after_key)
{
    gx_yaml_map(&r->out, m, indent, after_key);
}

void gx_render_yaml_list(gx_render *r, const gx_list *l, int indent, bool after_key)
{
    gx_yaml_list(&r->out, l, indent, after_key);
}

bool gx_render_block_ok(const char *s, size_t len)
{
    if (!s || len == 0)
        return false;
    if (s[0] == ' ' || s[0] == '\t' || s[0] == '\n')
        return false;
    /* at most one final newline */
    if (len >= 2 && s[len - 1] == '\n' && s[len - 2] == '\n')
        return false;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        if (c == '\n') {
            if (i > 0 && (u[i - 1] == ' ' || u[i - 1] == '\t'))
                return false; /* trailing white space on a line */
            i++;
            continue;
        }
        if (c == '\t') {
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7F)
            return false;
        uint32_t cp;
        size_t n = gx_utf8_decode(u + i, len - i, &cp);
        if (n == 0 || gx_yaml_cp_needs_escape(cp))
            return false;
        i += n;
    }
    /* the last line, when not newline-terminated, must not end in white space */
    if (s[len - 1] == ' ' || s[len - 1] == '\t')
        return false;
    return true;
}

void gx_render_block(gx_render *r, const char *s, int indent)
{
    s = gx_render_nn(s);
    size_t len = strlen(s);
    if (indent < 0)
        indent = 0;
    if (!gx_render_block_ok(s, len)) {
        gx_buf_putc(&r->out, ' ');
        gx_yaml_scalar(&r->out, s, len);
        gx_buf_putc(&r->out, '\n');
        return;
    }
    bool final_newline = s[len - 1] == '\n';
    gx_buf_puts(&r->out, final_newline ? " |\n" : " |-\n");
    size_t body = final_newline ? len - 1 : len;
    size_t start = 0;
    while (start <= body) {
        const char *nl = memchr(s + start, '\n', body - start);
        size_t stop = nl ? (size_t)(nl - s) : body;
        if (stop > start) {
            gx_buf_indent(&r->out, indent + 2);
            gx_buf_put(&r->out, s + start, stop - start);
        }
        gx_buf_putc(&r->out, '\n');
        start = stop + 1;
    }
}
