/* gx_yamlout — YAML that every reader takes back exactly. See gx_yamlout.h. */
#include "gx_yamlout.h"

#include <stdint.h>
#include <string.h>

#include "gx_utf8.h"

/* An implicit ("key: value") key must fit in 1024 characters for libyaml and
 * the YAML spec; longer written keys use the explicit "? key" form. Counted
 * in bytes, which is never less than characters. */
enum { GX_YAML_SIMPLE_KEY_MAX = 1000 };

static const char gx_hex[] = "0123456789ABCDEF";

bool gx_yaml_cp_needs_escape(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
           cp == 0xFFFE || cp == 0xFFFF;
}

/* ---- plain scalars ------------------------------------------------------- */

static bool gx_ieq(const char *s, size_t len, const char *word, size_t n)
{
    if (len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

/* Words a YAML 1.1 or 1.2 reader takes for a bool or null, in any case
 * (conservative: "yEs" is a string to both, but quoting it costs nothing). */
static bool gx_special_word(const char *s, size_t len)
{
#define GX_WORD(w) {w, sizeof w - 1}
    static const struct {
        const char *text;
        size_t len;
    } words[] = {GX_WORD("y"),    GX_WORD("yes"),   GX_WORD("n"),  GX_WORD("no"),
                 GX_WORD("true"), GX_WORD("false"), GX_WORD("on"), GX_WORD("off"),
                 GX_WORD("null"), GX_WORD("~"),     GX_WORD("<<"), GX_WORD("=")};
#undef GX_WORD
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (gx_ieq(s, len, words[i].text, words[i].len))
            return true;
    return false;
}

/* True when each of the 8 bytes at p is printable ASCII (0x21..0x7E) other
 * than ':': nothing in them can keep a scalar from being plain. Word-at-a-time
 * tests, each exact as a yes/no answer: a byte below 0x21 (the subtraction
 * borrows only from such a byte; bytes >= 0x80 are masked by ~x), a byte above
 * 0x7E (adding 1 sets the high bit of 0x7F; x itself that of bytes >= 0x80),
 * a byte equal to ':' (a zero byte of x ^ "::::::::"). */
static bool gx_plain8(const unsigned char *p)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t x;
    memcpy(&x, p, sizeof x);
    uint64_t below = (x - ones * 0x21) & ~x & high;
    uint64_t above = ((x + ones) | x) & high;
    uint64_t c = x ^ (ones * ':');
    uint64_t colon = (c - ones) & ~c & high;
    return !(below | above | colon);
}

/* A first character that keeps a scalar from being plain: see gx_yaml_plain_ok. */
static bool gx_bad_first(unsigned char c)
{
    switch (c) {
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
    case '-': case '?': case ':': case ',': case '[': case ']': case '{': case '}':
    case '#': case '&': case '*': case '!': case '|': case '>': case '\'':
    case '"': case '%': case '@': case '`': case '+': case '.': case '~':
    case ' ': case '\0':
        return true;
    default:
        return false;
    }
}

bool gx_yaml_plain_ok(const char *s, size_t len)
{
    if (!s || len == 0)
        return false;
    const unsigned char *u = (const unsigned char *)s;
    unsigned char first = u[0], last = u[len - 1];
    /* digits and signs start every number and timestamp of either version;
     * a leading '.' starts .5, .inf, .nan and the "..." marker; the rest are
     * indicators (and '~', the null word, as a prefix), a leading space, and
     * NUL (escaped). */
    if (gx_bad_first(first))
        return false;
    if (last == ' ' || last == ':')
        return false;
    /* the longest special word is "false" */
    if (len <= 5 && gx_special_word(s, len))
        return false;
    /* the common case: printable ASCII other than ':' and ' ' throughout (no
     * ": " or " #" can start anywhere), tested 8 bytes at a time, the last 8
     * bytes overlapping the block before them */
    size_t i = 0;
    if (len >= 8) {
        while (i + 8 < len && gx_plain8(u + i))
            i += 8;
        if (i + 8 >= len && gx_plain8(u + len - 8))
            return true;
    }
    /* byte by byte from the first block that did not pass (no ':' or ' '
     * before it), still 8 at a time where it can */
    while (i < len) {
        if (len - i >= 8 && gx_plain8(u + i)) {
            i += 8;
            continue;
        }
        unsigned char b = u[i];
        if (b > 0x20 && b < 0x7F && b != ':') {
            i++;
            continue;
        }
        if (b < 0x20 || b == 0x7F)
            return false;
        if (b == ':' && i + 1 < len && u[i + 1] == ' ')
            return false;
        if (b == ' ' && i + 1 < len && u[i + 1] == '#')
            return false;
        if (b < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = gx_utf8_decode(u + i, len - i, &cp);
        if (n == 0 || gx_yaml_cp_needs_escape(cp))
            return false;
        i += n;
    }
    return true;
}

/* ---- double-quoted scalars ----------------------------------------------- */

static void gx_put_hex_escape(gx_buf *out, char kind, uint32_t v, int digits)
{
    char e[10];
    int k = 0;
    e[k++] = '\\';
    e[k++] = kind;
    for (int d = digits - 1; d >= 0; d--)
        e[k++] = gx_hex[(v >> (4 * d)) & 15];
    gx_buf_put(out, e, (size_t)k);
}

static void gx_yaml_quoted(gx_buf *out, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0; /* start of the bytes not yet written */
    gx_buf_putc(out, '"');
    for (size_t i = 0; i < len;) {
        unsigned char b = u[i];
        const char *esc = NULL;
        size_t n = 1;
        if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
            i++;
            continue;
        }
        if (b >= 0x80) {
            uint32_t cp;
            n = gx_utf8_decode(u + i, len - i, &cp);
            if (n > 0 && !gx_yaml_cp_needs_escape(cp)) {
                i += n;
                continue;
            }
            gx_buf_put(out, s + run, i - run);
            if (n == 0) {
                /* not UTF-8: YAML cannot hold the byte; \xNN is its Latin-1 reading */
                n = 1;
                gx_put_hex_escape(out, 'x', b, 2);
            } else if (cp == 0x85) {
                gx_buf_put(out, "\\N", 2);
            } else if (cp == 0x2028) {
                gx_buf_put(out, "\\L", 2);
            } else if (cp == 0x2029) {
                gx_buf_put(out, "\\P", 2);
            } else if (cp <= 0xFF) {
                gx_put_hex_escape(out, 'x', cp, 2);
            } else {
                gx_put_hex_escape(out, 'u', cp, 4);
            }
            i += n;
            run = i;
            continue;
        }
        gx_buf_put(out, s + run, i - run);
        switch (b) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\t': esc = "\\t"; break;
        case '\r': esc = "\\r"; break;
        case '\0': esc = "\\0"; break;
        default: break;
        }
        if (esc)
            gx_buf_puts(out, esc);
        else
            gx_put_hex_escape(out, 'x', b, 2);
        i++;
        run = i;
    }
    gx_buf_put(out, s + run, len - run);
    gx_buf_putc(out, '"');
}

void gx_yaml_scalar(gx_buf *out, const char *s, size_t len)
{
    if (!s)
        s = "", len = 0;
    if (gx_yaml_plain_ok(s, len))
        gx_buf_put(out, s, len);
    else
        gx_yaml_quoted(out, s, len);
}

void gx_yaml_str(gx_buf *out, const char *s)
{
    gx_yaml_scalar(out, s ? s : "", s ? strlen(s) : 0);
}

/* ---- YAML 1.2 core schema ------------------------------------------------ */

static size_t gx_span(const char *s, size_t len, size_t i, const char *set)
{
    while (i < len && s[i] && strchr(set, s[i]))
        i++;
    return i;
}

static size_t gx_span_digits(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

static bool gx_core_float(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    if (len - i == 4 && s[i] == '.' &&
        (memcmp(s + i, ".inf", 4) == 0 || memcmp(s + i, ".Inf", 4) == 0 ||
         memcmp(s + i, ".INF", 4) == 0))
        return true;
    /* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
    size_t j = gx_span_digits(s, len, i);
    if (j > i) {
        if (j < len && s[j] == '.')
            j = gx_span_digits(s, len, j + 1);
    } else {
        if (j >= len || s[j] != '.')
            return false;
        size_t k = gx_span_digits(s, len, j + 1);
        if (k == j + 1)
            return false;
        j = k;
    }
    if (j < len && (s[j] == 'e' || s[j] == 'E')) {
        j++;
        if (j < len && (s[j] == '-' || s[j] == '+'))
            j++;
        size_t k = gx_span_digits(s, len, j);
        if (k == j)
            return false;
        j = k;
    }
    return j == len;
}

gx_yaml_core_type gx_yaml_core_resolve(const char *s, size_t len)
{
    if (!s)
        return GX_YAML_CORE_NULL;
    switch (len) {
    case 0:
        return GX_YAML_CORE_NULL;
    case 1:
        if (s[0] == '~')
            return GX_YAML_CORE_NULL;
        break;
    case 4:
        if (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4))
            return GX_YAML_CORE_NULL;
        if (!memcmp(s, "true", 4) || !memcmp(s, "True", 4) || !memcmp(s, "TRUE", 4))
            return GX_YAML_CORE_BOOL;
        if (!memcmp(s, ".nan", 4) || !memcmp(s, ".NaN", 4) || !memcmp(s, ".NAN", 4))
            return GX_YAML_CORE_FLOAT;
        break;
    case 5:
        if (!memcmp(s, "false", 5) || !memcmp(s, "False", 5) || !memcmp(s, "FALSE", 5))
            return GX_YAML_CORE_BOOL;
        break;
    default:
        break;
    }
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i < len && gx_span_digits(s, len, i) == len)
        return GX_YAML_CORE_INT; /* [-+]?[0-9]+ */
    if (len > 2 && s[0] == '0' && s[1] == 'o' && gx_span(s, len, 2, "01234567") == len)
        return GX_YAML_CORE_INT;
    if (len > 2 && s[0] == '0' && s[1] == 'x' &&
        gx_span(s, len, 2, "0123456789abcdefABCDEF") == len)
        return GX_YAML_CORE_INT;
    if (gx_core_float(s, len))
        return GX_YAML_CORE_FLOAT;
    return GX_YAML_CORE_STR;
}

/* ---- structured values ----------------------------------------------------- */

/* How a scalar of a tree is written: an untagged plain null as "null", an
 * untagged plain core-schema bool/int/float as written, anything else as a
 * string. A NULL node is a null. */
static void gx_node_scalar(gx_buf *out, const gx_node *n)
{
    if (!n) {
        gx_buf_puts(out, "null");
        return;
    }
    if (n->plain && !n->tag) {
        switch (gx_yaml_core_resolve(n->text, n->len)) {
        case GX_YAML_CORE_NULL:
            gx_buf_puts(out, "null");
            return;
        case GX_YAML_CORE_BOOL:
        case GX_YAML_CORE_INT:
        case GX_YAML_CORE_FLOAT:
            gx_buf_put(out, n->text, n->len);
            return;
        case GX_YAML_CORE_STR:
            break;
        }
    }
    gx_yaml_scalar(out, n->text, n->len);
}

/* Writes a map key then ':' at the current position; col is the column the
 * key starts at. A key too long for the implicit form is written explicitly,
 * "? key" then ':' on the next line at col. key is a node (kn) or a string. */
static void gx_key(gx_buf *out, const gx_node *kn, const char *s, size_t len, int col)
{
    size_t start = out->len;
    if (kn && kn->kind == GX_NODE_SCALAR && kn->plain && !kn->tag && kn->len > 0 &&
        gx_yaml_core_resolve(kn->text, kn->len) == GX_YAML_CORE_NULL)
        gx_buf_put(out, kn->text, kn->len); /* "~", "null", ... kept: distinct keys stay distinct */
    else if (kn)
        gx_node_scalar(out, kn);
    else
        gx_yaml_scalar(out, s, len);
    size_t n = out->len - start;
    if (n > GX_YAML_SIMPLE_KEY_MAX) {
        gx_buf_put(out, "  ", 2); /* room for the "? " in front */
        memmove(out->data + start + 2, out->data + start, n);
        out->data[start] = '?';
        out->data[start + 1] = ' ';
        gx_buf_putc(out, '\n');
        gx_buf_indent(out, col);
    }
    gx_buf_putc(out, ':');
}

static bool gx_node_is_block(const gx_node *n)
{
    return n && n->kind != GX_NODE_SCALAR && n->count > 0;
}

/* Inline form of a scalar or an empty collection. */
static void gx_node_inline(gx_buf *out, const gx_node *n)
{
    if (n && n->kind == GX_NODE_MAP)
        gx_buf_puts(out, "{}");
    else if (n && n->kind == GX_NODE_SEQ)
        gx_buf_puts(out, "[]");
    else
        gx_node_scalar(out, n);
}

static void gx_node_map_at(gx_buf *out, const gx_node *n, int col, bool first_inline);
static void gx_node_seq_at(gx_buf *out, const gx_node *n, int col, bool first_inline);

/* Value after "key:" of a key that starts at column col. */
static void gx_node_value(gx_buf *out, const gx_node *n, int col)
{
    if (!gx_node_is_block(n)) {
        gx_buf_putc(out, ' ');
        gx_node_inline(out, n);
        gx_buf_putc(out, '\n');
    } else if (n->kind == GX_NODE_MAP) {
        gx_buf_putc(out, '\n');
        gx_node_map_at(out, n, col + 2, false);
    } else {
        gx_buf_putc(out, '\n');
        gx_node_seq_at(out, n, col + 2, false);
    }
}

/* Entries of a non-empty map, keys at column col; the first key is written
 * where the buffer stands when first_inline. */
static void gx_node_map_at(gx_buf *out, const gx_node *n, int col, bool first_inline)
{
    for (size_t i = 0; i < n->count; i++) {
        if (i > 0 || !first_inline)
            gx_buf_indent(out, col);
        gx_key(out, n->keys[i], NULL, 0, col);
        gx_node_value(out, n->items[i], col);
    }
}

/* Items of a non-empty sequence, dashes at column col. */
static void gx_node_seq_at(gx_buf *out, const gx_node *n, int col, bool first_inline)
{
    for (size_t i = 0; i < n->count; i++) {
        const gx_node *item = n->items[i];
        if (i > 0 || !first_inline)
            gx_buf_indent(out, col);
        gx_buf_put(out, "- ", 2);
        if (!gx_node_is_block(item)) {
            gx_node_inline(out, item);
            gx_buf_putc(out, '\n');
        } else if (item->kind == GX_NODE_MAP) {
            gx_node_map_at(out, item, col + 2, true);
        } else {
            gx_node_seq_at(out, item, col + 2, true);
        }
    }
}

void gx_yaml_node(gx_buf *out, const gx_node *node, int indent, bool after_key)
{
    if (indent < 0)
        indent = 0;
    if (after_key) {
        gx_node_value(out, node, indent);
    } else if (!gx_node_is_block(node)) {
        gx_node_inline(out, node);
        gx_buf_putc(out, '\n');
    } else if (node->kind == GX_NODE_MAP) {
        gx_node_map_at(out, node, indent, true);
    } else {
        gx_node_seq_at(out, node, indent, true);
    }
}

/* Starts a block map or list of count entries placed as gx_yaml_map says:
 * writes empty ("{}" or "[]", after a space when after_key, and a newline)
 * when count is 0, else the newline that follows a key; returns the column of
 * the entries. */
static int gx_block_start(gx_buf *out, size_t count, const char *empty, int indent,
                          bool after_key)
{
    if (indent < 0)
        indent = 0;
    if (count == 0) {
        if (after_key)
            gx_buf_putc(out, ' ');
        gx_buf_puts(out, empty);
        gx_buf_putc(out, '\n');
        return indent;
    }
    if (!after_key)
        return indent;
    gx_buf_putc(out, '\n');
    return indent + 2;
}

void gx_yaml_map(gx_buf *out, const gx_map *map, int indent, bool after_key)
{
    size_t count = map ? map->count : 0;
    int col = gx_block_start(out, count, "{}", indent, after_key);
    for (size_t i = 0; i < count; i++) {
        const char *k = map->keys[i] ? map->keys[i] : "";
        if (i > 0 || after_key)
            gx_buf_indent(out, col);
        gx_key(out, NULL, k, strlen(k), col);
        gx_buf_putc(out, ' ');
        gx_yaml_str(out, map->values[i]);
        gx_buf_putc(out, '\n');
    }
}

void gx_yaml_list(gx_buf *out, const gx_list *list, int indent, bool after_key)
{
    size_t count = list ? list->count : 0;
    int col = gx_block_start(out, count, "[]", indent, after_key);
    for (size_t i = 0; i < count; i++) {
        if (i > 0 || after_key)
            gx_buf_indent(out, col);
        gx_buf_put(out, "- ", 2);
        gx_yaml_str(out, list->items[i]);
        gx_buf_putc(out, '\n');
    }
}
