/* gx_rules — validation (docs/rules.md). See gx_rules.h for the contract.
 *
 * Layout: results and small helpers; Kubernetes quantities (exact comparison);
 * label keys/values; one static function per rule id (gx_rule_v1 … gx_rule_v20);
 * the rule table; gx_validate.
 *
 * Conventions of every rule:
 *  - A result's path is a schema path ("gateway/admin-key"). Results about a
 *    part of a structured value name that part at the start of the message
 *    ("config/npcs[2].voice.speed_factor: …"), and the position in the values
 *    file when the value came from one.
 *  - Messages say what is wrong and what to do, in words every front end can
 *    show: paths, components and YAML values, never a command, a command-line
 *    option or PATH=VALUE. A hint adds detail where the message would get long.
 *    A secret's value never appears in a message, a hint or a remedy; other
 *    values appear quoted, escaped and shortened.
 *  - A result with an obvious fix carries it as a remedy (gx_fix): set a path
 *    (with the value when it is known), unset one, enable a component, or,
 *    for a part of a structured value read from a file, edit that file at the
 *    result's file:line:col (gx_fix_at).
 *  - Paths of a disabled component are not looked at (gx_active); gateway and
 *    worker are mandatory and always on. core/, database/, vault/ and config/
 *    belong to no component and are always checked. */
#include "gx_rules.h"
#include "gx_rules_impl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_node.h"
#include "gx_text.h"
#include "gx_xalloc.h"

/* ---- results ------------------------------------------------------------------ */

static gx_diag *gx_result_addv(gx_diags *out, gx_arena *arena, gx_code rule, const char *path,
                               gx_severity severity, const char *fmt, va_list ap)
{
    if (!out->arena)
        gx_diags_use_arena(out, arena); /* results live in the list's arena */
    if (!out->limit)
        out->limit = GX_DIAGS_NO_LIMIT; /* every result is kept */
    return gx_diags_vpush(out, severity, rule, path, fmt, ap);
}

gx_diag *gx_result_add(gx_diags *out, gx_arena *arena, gx_code rule, const char *path,
                       gx_severity severity, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gx_diag *d = gx_result_addv(out, arena, rule, path, severity, fmt, ap);
    va_end(ap);
    return d;
}

/* Gives d (NULL: the result was dropped) a remedy; arg and value are copied
 * into the list's arena. value is a value text as gx_value_parse reads it, or
 * NULL when no value is known. */
void gx_fix(gx_diags *out, gx_diag *d, gx_remedy_kind kind, const char *arg,
                   const char *value)
{
    if (!d)
        return;
    d->remedy.kind = kind;
    d->remedy.arg = gx_diags_strdup(out, arg);
    d->remedy.value = gx_diags_strdup(out, value);
}

/* Gives d (NULL: dropped) a hint, copied into the list's arena. */
void gx_hint(gx_diags *out, gx_diag *d, const char *hint)
{
    if (d)
        d->hint = gx_diags_strdup(out, hint);
}

/* A result about a part of a structured value: when node was read from a
 * file, the result names that file, line and column and its remedy is to
 * edit the file there; otherwise the remedy is to set path again. */
void gx_fix_at(gx_diags *out, gx_diag *d, const gx_node *node, const char *path)
{
    if (!d)
        return;
    if (node && node->file && node->line > 0) {
        d->file = gx_diags_strdup(out, node->file);
        d->line = node->line;
        d->col = node->col;
        gx_fix(out, d, GX_REMEDY_EDIT_FILE, node->file, NULL);
    } else {
        gx_fix(out, d, GX_REMEDY_SET, path, NULL);
    }
}

/* A result about field f (gx_rules_impl.h): at f's path, with the remedy kind
 * of that path and value. */
gx_diag *gx_field_result(gx_diags *out, gx_arena *arena, gx_code rule, int f,
                         gx_severity severity, gx_remedy_kind kind, const char *value,
                         const char *fmt, ...)
{
    const char *path = gx_fields[f].path;
    va_list ap;
    va_start(ap, fmt);
    gx_diag *d = gx_result_addv(out, arena, rule, path, severity, fmt, ap);
    va_end(ap);
    gx_fix(out, d, kind, path, value);
    return d;
}

const char *gx_severity_name(gx_severity severity)
{
    return severity == GX_BLOCKING ? "blocking" : "warning";
}

/* ---- field access ------------------------------------------------------------- */

static const void *gx_fptr(const struct gx_config *cfg, int f)
{
    return (const char *)cfg + gx_fields[f].offset;
}

const char *gx_fstr(const struct gx_config *cfg, int f)
{
    const char *s = *(const char *const *)gx_fptr(cfg, f);
    return s ? s : "";
}

static int64_t gx_fint(const struct gx_config *cfg, int f)
{
    return *(const int64_t *)gx_fptr(cfg, f);
}

static int gx_fenum(const struct gx_config *cfg, int f)
{
    return *(const int *)gx_fptr(cfg, f);
}

static const gx_map *gx_fmap(const struct gx_config *cfg, int f)
{
    return (const gx_map *)gx_fptr(cfg, f);
}

static const gx_node *gx_fnode(const struct gx_config *cfg, int f)
{
    return *(const gx_node *const *)gx_fptr(cfg, f);
}

/* True when the field's component is on (or it belongs to none). */
bool gx_active(const struct gx_config *cfg, int f)
{
    int c = gx_fields[f].component;
    return c < 0 || c >= GX_COMPONENT_COUNT || cfg->enabled[c];
}

/* ---- text helpers ------------------------------------------------------------- */

enum { GX_QUOTE_MAX = 60 };

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0. */
static size_t gx_utf8_len(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned min;
    unsigned cp;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2, cp = s[0] & 0x1f, min = 0x80;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3, cp = s[0] & 0x0f, min = 0x800;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4, cp = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* s (len bytes) as a double-quoted, escaped string for a message: printable
 * ASCII and valid UTF-8 as is, '"' and '\\' escaped, anything else as \xNN;
 * cut after about GX_QUOTE_MAX bytes with "…". Never used for secrets. */
const char *gx_quote_n(gx_arena *arena, const char *s, size_t len)
{
    char *d = gx_arena_alloc(arena, GX_QUOTE_MAX * 4 + 16);
    size_t o = 0;
    d[o++] = '"';
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (i >= GX_QUOTE_MAX) {
            memcpy(d + o, "\"…", sizeof "\"…" - 1);
            o += sizeof "\"…" - 1;
            d[o] = '\0';
            return d;
        }
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            d[o++] = '\\';
            d[o++] = (char)c;
            i++;
        } else if (c >= 0x20 && c < 0x7f) {
            d[o++] = (char)c;
            i++;
        } else if (c >= 0x80 && gx_utf8_len(u + i, len - i)) {
            size_t n = gx_utf8_len(u + i, len - i);
            memcpy(d + o, u + i, n);
            o += n;
            i += n;
        } else {
            o += (size_t)snprintf(d + o, 5, "\\x%02x", c);
            i++;
        }
    }
    d[o++] = '"';
    d[o] = '\0';
    return d;
}

const char *gx_quote(gx_arena *arena, const char *s)
{
    return gx_quote_n(arena, s, strlen(s));
}

/* " (at FILE:LINE:COL)" for a node read from a file, else "". */
static bool gx_has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

static bool gx_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* ---- Kubernetes quantities ------------------------------------------------------ */

/* A parsed quantity: sign × digits × 10^exp, exactly. digits has no leading or
 * trailing zeros; n == 0 means zero. Binary suffixes are multiplied in. */
typedef struct gx_qty {
    int sign;
    char *digits; /* '0'..'9', not NUL-terminated */
    size_t n;
    int64_t exp;
} gx_qty;

enum { GX_QTY_MAX_EXP = 1000000000 };

/* Parses s by the quantity grammar of gx_patterns (sign, digits, optional
 * fraction, one suffix: Ki..Ei, n u m k M G T P E, or e/E exponent). */
static bool gx_qty_parse(char *d, const char *s, gx_qty *q)
{
    size_t i = 0;
    q->sign = 1;
    if (s[i] == '+' || s[i] == '-')
        q->sign = s[i++] == '-' ? -1 : 1;

    size_t n = 0, int_digits = 0, frac_digits = 0;
    while (s[i] >= '0' && s[i] <= '9')
        d[n++] = s[i++], int_digits++;
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9')
            d[n++] = s[i++], frac_digits++;
    }
    if (int_digits + frac_digits == 0)
        return false;
    int64_t exp = -(int64_t)frac_digits;
    int bin = 0;

    const char *suf = s + i;
    static const char *const bin_suffix[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    static const struct {
        char c;
        int exp;
    } dec_suffix[] = {{'n', -9}, {'u', -6}, {'m', -3}, {'k', 3},  {'M', 6},
                      {'G', 9},  {'T', 12}, {'P', 15}, {'E', 18}};
    bool matched = *suf == '\0';
    for (size_t k = 0; !matched && k < sizeof bin_suffix / sizeof *bin_suffix; k++) {
        if (strcmp(suf, bin_suffix[k]) == 0) {
            bin = (int)k + 1;
            matched = true;
        }
    }
    if (!matched && (suf[0] == 'e' || suf[0] == 'E') && suf[1] != '\0') {
        size_t j = 1;
        int esign = 1;
        if (suf[j] == '+' || suf[j] == '-')
            esign = suf[j++] == '-' ? -1 : 1;
        if (!(suf[j] >= '0' && suf[j] <= '9'))
            return false;
        int64_t e = 0;
        for (; suf[j] >= '0' && suf[j] <= '9'; j++) {
            e = e * 10 + (suf[j] - '0');
            if (e > GX_QTY_MAX_EXP)
                return false;
        }
        if (suf[j] != '\0')
            return false;
        exp += esign * e;
        matched = true;
    }
    for (size_t k = 0; !matched && k < sizeof dec_suffix / sizeof *dec_suffix; k++) {
        if (suf[0] == dec_suffix[k].c && suf[1] == '\0') {
            exp += dec_suffix[k].exp;
            matched = true;
        }
    }
    if (!matched)
        return false;

    /* strip leading zeros */
    size_t lead = 0;
    while (lead < n && d[lead] == '0')
        lead++;
    d += lead;
    n -= lead;
    /* multiply by 1024 per binary step; d has room for 4 more digits per step */
    for (int b = 0; b < bin && n > 0; b++) {
        unsigned carry = 0;
        for (size_t k = n; k-- > 0;) {
            unsigned v = (unsigned)(d[k] - '0') * 1024u + carry;
            d[k] = (char)('0' + v % 10);
            carry = v / 10;
        }
        char pre[8];
        size_t np = 0;
        while (carry) {
            pre[np++] = (char)('0' + carry % 10);
            carry /= 10;
        }
        memmove(d + np, d, n);
        for (size_t k = 0; k < np; k++)
            d[k] = pre[np - 1 - k];
        n += np;
    }
    /* strip trailing zeros into the exponent */
    while (n > 0 && d[n - 1] == '0') {
        n--;
        exp++;
    }
    q->digits = d;
    q->n = n;
    q->exp = exp;
    if (n == 0)
        q->sign = 1;
    return true;
}

static int gx_qty_cmp(const gx_qty *a, const gx_qty *b)
{
    if (a->n == 0 && b->n == 0)
        return 0;
    int sa = a->n == 0 ? 0 : a->sign, sb = b->n == 0 ? 0 : b->sign;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    /* same sign, both non-zero: compare magnitudes, then apply the sign */
    int mag;
    int64_t ma = (int64_t)a->n + a->exp, mb = (int64_t)b->n + b->exp;
    if (ma != mb) {
        mag = ma < mb ? -1 : 1;
    } else {
        size_t m = a->n < b->n ? a->n : b->n;
        int c = memcmp(a->digits, b->digits, m);
        if (c != 0)
            mag = c < 0 ? -1 : 1;
        else
            mag = a->n == b->n ? 0 : (a->n < b->n ? -1 : 1);
    }
    return sa * mag;
}

bool gx_quantity_compare(const char *a, const char *b, int *cmp)
{
    if (!a || !b)
        return false;
    /* the digits of each, with room for up to 6 multiplications by 1024 (4
     * digits each): on the stack for any quantity a value file would hold */
    size_t la = strlen(a) + 32, lb = strlen(b) + 32;
    char small[2][96];
    char *da = la <= sizeof small[0] ? small[0] : gx_xmalloc(la);
    char *db = lb <= sizeof small[1] ? small[1] : gx_xmalloc(lb);
    gx_qty qa, qb;
    bool ok = gx_qty_parse(da, a, &qa) && gx_qty_parse(db, b, &qb);
    if (ok && cmp)
        *cmp = gx_qty_cmp(&qa, &qb);
    if (da != small[0])
        free(da);
    if (db != small[1])
        free(db);
    return ok;
}

/* ---- label keys and values ----------------------------------------------------- */

#define GX_LABEL_KEY_HELP                                                                   \
    "a label key is an optional DNS-subdomain prefix and '/', then a name of at most 63 "  \
    "letters, digits, '-', '_' and '.' that starts and ends with a letter or digit, e.g. " \
    "glyphoxa.io/tier or disktype"
#define GX_LABEL_VALUE_HELP                                                                \
    "a label value is empty or at most 63 letters, digits, '-', '_' and '.' that starts " \
    "and ends with a letter or digit, e.g. \"true\" or dedicated"

/* What is wrong with s (len bytes) as a Kubernetes label key, or NULL. */
const char *gx_label_key_problem(gx_arena *arena, const char *s, size_t len)
{
    if (strlen(s) != len)
        return "contains a NUL character";
    if (len == 0)
        return "is empty";
    const char *name = s;
    const char *slash = strchr(s, '/');
    if (slash) {
        if (strchr(slash + 1, '/'))
            return "has more than one '/'";
        size_t plen = (size_t)(slash - s);
        if (plen == 0)
            return "has an empty prefix before '/'";
        if (plen > 253)
            return "has a prefix longer than 253 characters";
        char *prefix = gx_arena_strndup(arena, s, plen);
        bool ok = gx_pattern_match(GX_PATTERN_LABEL_PREFIX, prefix);
        for (const char *p = prefix; ok && *p;) {
            size_t seg = strcspn(p, ".");
            if (seg > 63)
                ok = false;
            p += seg + (p[seg] == '.');
        }
        if (!ok)
            return "has a prefix that is not a DNS subdomain (lowercase letters, digits, '-' "
                   "and '.', each part at most 63 characters)";
        name = slash + 1;
    }
    size_t nlen = strlen(name);
    if (nlen == 0)
        return "has an empty name after '/'";
    if (nlen > 63)
        return "has a name longer than 63 characters";
    if (!gx_pattern_match(GX_PATTERN_LABEL_NAME, name))
        return "has a name that is not letters, digits, '-', '_' and '.' starting and ending "
               "with a letter or digit";
    return NULL;
}

size_t gx_pattern_max_len(int pattern)
{
    return pattern == GX_PATTERN_DNS_LABEL || pattern == GX_PATTERN_LABEL_VALUE ? 63 : 0;
}

bool gx_pattern_valid(int pattern, const char *s)
{
    size_t max = gx_pattern_max_len(pattern);
    return (!max || strlen(s) <= max) && gx_pattern_match(pattern, s);
}

bool gx_label_value_ok(const char *s, size_t len)
{
    return strlen(s) == len && gx_pattern_valid(GX_PATTERN_LABEL_VALUE, s);
}

/* ---- YAML scalar helpers ------------------------------------------------------- */

static bool gx_text_is(const gx_node *n, const char *s)
{
    return n && n->kind == GX_NODE_SCALAR && n->len == strlen(s) && memcmp(n->text, s, n->len) == 0;
}

/* A key or absent value: NULL node or a null scalar. */
static bool gx_absent(const gx_node *n)
{
    return !n || gx_node_is_null(n);
}

/* The text of a string-ish scalar ("" for null), or NULL when n is no scalar. */
static const char *gx_scalar_text(const gx_node *n, size_t *len)
{
    if (!n || gx_node_is_null(n)) {
        if (len)
            *len = 0;
        return n ? "" : NULL;
    }
    if (n->kind != GX_NODE_SCALAR)
        return NULL;
    if (len)
        *len = n->len;
    return n->text;
}

static bool gx_untagged_plain(const gx_node *n)
{
    return n->kind == GX_NODE_SCALAR && n->plain && !n->tag;
}

static bool gx_tag_is(const gx_node *n, const char *tag)
{
    return n->tag && strcmp(n->tag, tag) == 0;
}

static bool gx_match_any(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return true;
    return false;
}

/* Decimal number of YAML 1.2's core schema (no .inf / .nan, no 0x / 0o). */
static bool gx_is_decimal_number(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    size_t digits = 0;
    while (*s >= '0' && *s <= '9')
        s++, digits++;
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9')
            s++, digits++;
    }
    if (digits == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

static const char *const gx_yaml_bools_12[] = {"true", "True", "TRUE", "false", "False", "FALSE",
                                               NULL};
static const char *const gx_yaml_bools_11[] = {"y",  "Y",  "yes", "Yes", "YES", "n",   "N",
                                               "no", "No", "NO",  "on",  "On",  "ON",  "off",
                                               "Off", "OFF", NULL};

/* True when a YAML 1.1 or 1.2 reader would take the plain scalar n for
 * something other than a string (null, bool, int, float). */
static bool gx_reads_as_non_string(const gx_node *n)
{
    if (n->kind != GX_NODE_SCALAR)
        return true;
    if (n->tag)
        return strcmp(n->tag, "!!str") != 0 && strcmp(n->tag, "!") != 0;
    if (!n->plain)
        return false;
    const char *s = n->text;
    if (gx_node_is_null(n) || gx_match_any(s, gx_yaml_bools_12) ||
        gx_match_any(s, gx_yaml_bools_11))
        return true;
    if (gx_is_decimal_number(s))
        return true;
    if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) || strcmp(s, ".inf") == 0 ||
        strcmp(s, "-.inf") == 0 || strcmp(s, ".nan") == 0 || strcmp(s, ".Inf") == 0 ||
        strcmp(s, ".NaN") == 0)
        return true;
    return false;
}

static bool gx_is_yaml_number(const gx_node *n)
{
    if (n->kind != GX_NODE_SCALAR || strlen(n->text) != n->len)
        return false;
    if (gx_untagged_plain(n) || gx_tag_is(n, "!!int") || gx_tag_is(n, "!!float"))
        return gx_is_decimal_number(n->text);
    return false;
}

bool gx_is_yaml_int(const gx_node *n)
{
    if (n->kind != GX_NODE_SCALAR || strlen(n->text) != n->len)
        return false;
    if (gx_untagged_plain(n) || gx_tag_is(n, "!!int"))
        return gx_is_digits(n->text, true);
    return false;
}

static bool gx_is_yaml_bool(const gx_node *n)
{
    if (n->kind != GX_NODE_SCALAR)
        return false;
    if (gx_untagged_plain(n) || gx_tag_is(n, "!!bool"))
        return gx_match_any(n->text, gx_yaml_bools_12);
    return false;
}

/* ---- V1: per-field values ---------------------------------------------------------- */

static const char *gx_pattern_help(int pattern)
{
    switch (pattern) {
    case GX_PATTERN_DNS_LABEL:
        return "an RFC 1123 DNS label: at most 63 lowercase letters, digits and '-', starting "
               "and ending with a letter or digit";
    case GX_PATTERN_QUANTITY:
        return "a Kubernetes quantity like 500m, 1, 256Mi";
    case GX_PATTERN_LABEL_NAME:
        return "letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
    case GX_PATTERN_LABEL_PREFIX:
        return "a DNS subdomain (lowercase letters, digits, '-' and '.')";
    case GX_PATTERN_LABEL_VALUE:
        return "empty, or letters, digits, '-', '_' and '.' starting and ending with a letter "
               "or digit";
    default:
        return "a value of the right format";
    }
}

/* The schema default of fd for cfg's topology as a value text (what
 * gx_value_parse reads: strings and quantities as is, the rest as YAML flow
 * text), or NULL when it is empty or the field is secret. Every default
 * passes V1, so it is the suggested value of a V1 remedy. */
const char *gx_default_of(gx_arena *arena, const struct gx_config *cfg,
                                 const gx_field *fd)
{
    const char *t = fd->default_text;
    if (cfg->core.topology == GX_CORE_TOPOLOGY_DEDICATED && fd->default_dedicated)
        t = fd->default_dedicated;
    else if (cfg->core.topology == GX_CORE_TOPOLOGY_SHARED && fd->default_shared)
        t = fd->default_shared;
    if (!t || !*t || fd->secret)
        return NULL;
    if ((fd->type == GX_T_STRING || fd->type == GX_T_QUANTITY) && (*t == '"' || *t == '\'')) {
        /* a quoted YAML scalar ("8"): its text. The common case, one line with
         * no escape and no inner quote, is the text between the quotes; the
         * YAML reader does the rest. */
        size_t len = strlen(t);
        if (len >= 2 && t[len - 1] == *t && !memchr(t + 1, *t, len - 2) &&
            !strpbrk(t, "\\\n\r\t")) {
            const char *inner = gx_arena_strndup(arena, t + 1, len - 2);
            return *inner ? inner : NULL;
        }
        gx_diags diags = GX_DIAGS_INIT;
        gx_node *n = NULL;
        bool ok = gx_node_parse(arena, "default", t, strlen(t), &n, &diags) && n &&
                  n->kind == GX_NODE_SCALAR && strlen(n->text) == n->len;
        gx_diags_free(&diags);
        t = ok ? n->text : "";
    }
    return *t ? t : NULL;
}

/* ", e.g. DEFAULT" for a default (NULL: ""). */
static const char *gx_example(gx_arena *arena, const char *def)
{
    return def ? gx_arena_printf(arena, ", e.g. %s", def) : "";
}

/* list with item appended, after ", " unless index (the item's place) is 0. */
static const char *gx_join(gx_arena *arena, const char *list, size_t index, const char *item)
{
    return gx_arena_printf(arena, "%s%s%s", list, index ? ", " : "", item);
}

/* A V1 result about fd; its remedy is to set the path (to the default when
 * there is one). */
static gx_diag *gx_v1_add(const struct gx_config *cfg, gx_arena *arena, gx_diags *out,
                          const gx_field *fd, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static gx_diag *gx_v1_add(const struct gx_config *cfg, gx_arena *arena, gx_diags *out,
                          const gx_field *fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gx_diag *d = gx_result_addv(out, arena, GX_CODE_V1, fd->path, GX_BLOCKING, fmt, ap);
    va_end(ap);
    gx_fix(out, d, GX_REMEDY_SET, fd->path, gx_default_of(arena, cfg, fd));
    return d;
}

static void gx_v1_int(const struct gx_config *cfg, gx_arena *arena, gx_diags *out, int f)
{
    const gx_field *fd = &gx_fields[f];
    int64_t v = gx_fint(cfg, f);
    bool low = fd->has_min && v < fd->min, high = fd->has_max && v > fd->max;
    if (!low && !high)
        return;
    const char *range;
    if (fd->has_min && fd->has_max && fd->min == 1 && fd->max == 65535)
        range = "a TCP port from 1 to 65535";
    else if (fd->has_min && fd->has_max)
        range = gx_arena_printf(arena, "a whole number from %lld to %lld", (long long)fd->min,
                                (long long)fd->max);
    else if (fd->has_min)
        range = gx_arena_printf(arena, "a whole number of at least %lld", (long long)fd->min);
    else
        range = gx_arena_printf(arena, "a whole number of at most %lld", (long long)fd->max);
    gx_v1_add(cfg, arena, out, fd, "%s is %lld; set it to %s%s", fd->path, (long long)v, range,
              gx_example(arena, gx_default_of(arena, cfg, fd)));
}

static void gx_v1_enum(const struct gx_config *cfg, gx_arena *arena, gx_diags *out, int f)
{
    const gx_field *fd = &gx_fields[f];
    int v = gx_fenum(cfg, f);
    if (v >= 0 && (size_t)v < fd->choice_count)
        return;
    const char *list = "";
    for (size_t i = 0; i < fd->choice_count; i++)
        list = gx_join(arena, list, i, fd->choices[i]);
    gx_v1_add(cfg, arena, out, fd, "%s holds no valid choice; set it to one of: %s%s", fd->path,
              list, gx_example(arena, gx_default_of(arena, cfg, fd)));
}

static void gx_v1_string(const struct gx_config *cfg, gx_arena *arena, gx_diags *out, int f)
{
    const gx_field *fd = &gx_fields[f];
    const char *s = gx_fstr(cfg, f);
    size_t len = strlen(s);
    bool too_short = fd->has_min && (int64_t)len < fd->min;
    bool too_long = fd->has_max && (int64_t)len > fd->max;
    bool ok = too_short || too_long || !fd->pattern || gx_pattern_valid(fd->pattern, s);
    if (!too_short && !too_long && ok)
        return; /* the common case: nothing to say, nothing quoted */
    const char *shown = fd->secret ? "the value" : gx_quote(arena, s);
    if (too_short) {
        gx_v1_add(cfg, arena, out, fd,
                  "%s: %s is %zu characters long; use at least %lld characters", fd->path, shown,
                  len, (long long)fd->min);
        return;
    }
    if (too_long) {
        gx_v1_add(cfg, arena, out, fd,
                  "%s: %s is %zu characters long; use at most %lld characters", fd->path, shown,
                  len, (long long)fd->max);
        return;
    }
    gx_v1_add(cfg, arena, out, fd, "%s: %s is not %s; change it%s", fd->path,
              len ? shown : "the empty value", gx_pattern_help(fd->pattern),
              gx_example(arena, gx_default_of(arena, cfg, fd)));
}

#define GX_QUANTITY_HINT                                                                    \
    "a quantity is a number with an optional suffix: m = 1/1000; k, M, G = powers of 1000; " \
    "Ki, Mi, Gi = powers of 1024"

static void gx_v1_quantity(const struct gx_config *cfg, gx_arena *arena, gx_diags *out, int f)
{
    const gx_field *fd = &gx_fields[f];
    const char *s = gx_fstr(cfg, f);
    int pattern = fd->pattern ? fd->pattern : GX_PATTERN_QUANTITY;
    int cmp = 0;
    bool valid = *s && gx_pattern_match(pattern, s) && gx_quantity_compare(s, "0", &cmp);
    if (valid && cmp >= 0)
        return; /* the common case: no example to look up */
    const char *eg = gx_example(arena, gx_default_of(arena, cfg, fd));
    gx_diag *d = NULL;
    if (!*s) {
        d = gx_v1_add(cfg, arena, out, fd,
                      "%s is empty; set it to a Kubernetes quantity like 500m, 1, 256Mi%s",
                      fd->path, eg);
    } else if (!valid) {
        d = gx_v1_add(cfg, arena, out, fd,
                      "%s: %s is not a Kubernetes quantity; set it to a number with an "
                      "optional suffix like 500m, 1, 256Mi%s",
                      fd->path, gx_quote(arena, s), eg);
    } else if (cmp < 0) {
        d = gx_v1_add(cfg, arena, out, fd,
                      "%s: %s is negative; set it to a quantity of zero or more, like 500m, 1, "
                      "256Mi%s",
                      fd->path, gx_quote(arena, s), eg);
    }
    gx_hint(out, d, GX_QUANTITY_HINT);
}

/* The V1 check of each value type, by gx_type; NULL for bool, map and list
 * (typed by the loader) and yaml (V15's). */
static void (*const gx_v1_checks[GX_T_YAML + 1])(const struct gx_config *, gx_arena *,
                                                  gx_diags *, int) = {
    [GX_T_STRING] = gx_v1_string,
    [GX_T_INT] = gx_v1_int,
    [GX_T_ENUM] = gx_v1_enum,
    [GX_T_QUANTITY] = gx_v1_quantity,
};

static void gx_rule_v1(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        if (gx_active(cfg, f) && gx_v1_checks[gx_fields[f].type])
            gx_v1_checks[gx_fields[f].type](cfg, arena, out, f);
}

/* ---- V2: namespace and release name -------------------------------------------- */

static void gx_v2_label(const struct gx_config *cfg, gx_arena *arena, gx_diags *out, int f,
                        size_t max, const char *why)
{
    const char *path = gx_fields[f].path;
    const char *s = gx_fstr(cfg, f);
    size_t len = strlen(s);
    gx_diag *d = NULL;
    if (!*s) {
        d = gx_result_add(out, arena, GX_CODE_V2, path, GX_BLOCKING,
                          "%s is empty; set it to an RFC 1123 DNS label (lowercase letters, "
                          "digits and '-', starting and ending with a letter or digit), e.g. "
                          "glyphoxa",
                          path);
        gx_fix(out, d, GX_REMEDY_SET, path, gx_default_of(arena, cfg, &gx_fields[f]));
        return;
    }
    if (!gx_pattern_match(GX_PATTERN_DNS_LABEL, s))
        d = gx_result_add(out, arena, GX_CODE_V2, path, GX_BLOCKING,
                          "%s: %s is not an RFC 1123 DNS label; use only lowercase letters, "
                          "digits and '-', starting and ending with a letter or digit, e.g. "
                          "glyphoxa",
                          path, gx_quote(arena, s));
    else if (len > max)
        d = gx_result_add(out, arena, GX_CODE_V2, path, GX_BLOCKING,
                          "%s is %zu characters long; shorten it to at most %zu characters%s",
                          path, len, max, why);
    gx_fix(out, d, GX_REMEDY_SET, path, NULL);
}

static void gx_rule_v2(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    gx_v2_label(cfg, arena, out, GX_F_CORE_RELEASE_NAME, 40,
                " (names derived from it, like RELEASE-mcp-gateway, must fit in 63)");
    gx_v2_label(cfg, arena, out, GX_F_CORE_NAMESPACE, 63, "");
}

/* ---- V3, V4: dedicated topology ------------------------------------------------ */

static void gx_rule_v3(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (cfg->core.topology != GX_CORE_TOPOLOGY_DEDICATED || cfg->gateway.replica_count <= 2)
        return;
    gx_field_result(out, arena, GX_CODE_V3, GX_F_GATEWAY_REPLICA_COUNT, GX_WARNING, GX_REMEDY_SET,
                    "2",
                    "gateway/replica-count is %lld with topology dedicated, which is meant for "
                    "small clusters where 1 or 2 gateways are enough; set gateway/replica-count "
                    "to 2, or to 1 (the dedicated default)",
                    (long long)cfg->gateway.replica_count);
}

static void gx_rule_v4(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (cfg->core.topology != GX_CORE_TOPOLOGY_DEDICATED || !cfg->gateway.pod_anti_affinity)
        return;
    gx_field_result(out, arena, GX_CODE_V4, GX_F_GATEWAY_POD_ANTI_AFFINITY, GX_WARNING,
                    GX_REMEDY_SET, "false",
                    "gateway/pod-anti-affinity is on with topology dedicated, where the "
                    "gateways usually share few nodes; turn gateway/pod-anti-affinity off (the "
                    "dedicated default) unless there is a node for every gateway replica");
}

/* ---- V5: admin key -------------------------------------------------------------- */

enum { GX_ADMIN_KEY_MIN = 16 };

#define GX_ADMIN_KEY_HOWTO "set gateway/admin-key to a random string of at least 16 characters"
#define GX_RANDOM_HINT                                                                  \
    "use a freshly generated random string of printable characters, e.g. 48 random " \
    "hexadecimal digits"

static void gx_rule_v5(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    const char *path = gx_fields[GX_F_GATEWAY_ADMIN_KEY].path;
    const char *key = cfg->gateway.admin_key ? cfg->gateway.admin_key : "";
    size_t len = strlen(key);
    gx_diag *d;
    if (len == 0) {
        if (cfg->core.environment == GX_CORE_ENVIRONMENT_DEV)
            d = gx_result_add(out, arena, GX_CODE_V5, path, GX_WARNING,
                              "gateway/admin-key is empty, so the admin API is unprotected "
                              "(allowed with core/environment dev only); " GX_ADMIN_KEY_HOWTO);
        else
            d = gx_result_add(out, arena, GX_CODE_V5, path, GX_BLOCKING,
                              "gateway/admin-key is empty, and production requires one; "
                              GX_ADMIN_KEY_HOWTO);
        gx_fix(out, d, GX_REMEDY_SET, path, NULL);
        gx_hint(out, d, GX_RANDOM_HINT);
        return;
    }
    if (gx_has_control(key)) {
        d = gx_result_add(out, arena, GX_CODE_V5, path, GX_BLOCKING,
                          "gateway/admin-key contains a newline or another control character, "
                          "which breaks the Secret and the GLYPHOXA_ADMIN_KEY variable; "
                          GX_ADMIN_KEY_HOWTO " (printable characters only)");
        gx_fix(out, d, GX_REMEDY_SET, path, NULL);
        gx_hint(out, d, GX_RANDOM_HINT);
    }
    if (len < GX_ADMIN_KEY_MIN) {
        d = gx_result_add(out, arena, GX_CODE_V5, path, GX_WARNING,
                          "gateway/admin-key is only %zu characters long, which is easy to "
                          "guess; " GX_ADMIN_KEY_HOWTO,
                          len);
        gx_fix(out, d, GX_REMEDY_SET, path, NULL);
        gx_hint(out, d, GX_RANDOM_HINT);
    }
}

/* ---- V6–V9: database ------------------------------------------------------------ */

#define GX_DSN_EXAMPLE "postgres://USER:PASSWORD@HOST:5432/glyphoxa?sslmode=require"

static void gx_rule_v6(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (*cfg->database.dsn || cfg->enabled[GX_C_POSTGRESQL])
        return;
    const char *path = gx_fields[GX_F_DATABASE_DSN].path;
    gx_diag *d = gx_result_add(out, arena, GX_CODE_V6, path, GX_BLOCKING,
                               "database/dsn is empty and the postgresql component is off, so "
                               "the service has no database and cannot start; set database/dsn "
                               "to the URL of your PostgreSQL database, or enable the postgresql "
                               "component to run a bundled one");
    /* A password for the bundled database is already there: enabling the
     * component is the fix that was meant. Otherwise the URL is. */
    if (*cfg->postgresql.postgres_password) {
        gx_fix(out, d, GX_REMEDY_ENABLE, "postgresql", NULL);
        gx_hint(out, d,
                "postgresql/postgres-password is set, so the bundled database is ready once "
                "the postgresql component is on");
    } else {
        gx_fix(out, d, GX_REMEDY_SET, path, NULL);
        gx_hint(out, d,
                "a PostgreSQL URL looks like " GX_DSN_EXAMPLE "; the bundled database "
                "needs postgresql/postgres-password as well as the postgresql component");
    }
}

static void gx_rule_v7(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (!*cfg->database.dsn || !cfg->enabled[GX_C_POSTGRESQL])
        return;
    gx_field_result(out, arena, GX_CODE_V7, GX_F_DATABASE_DSN, GX_WARNING, GX_REMEDY_UNSET, NULL,
                    "database/dsn is set while the postgresql component is on: the service "
                    "uses database/dsn and the bundled PostgreSQL stays unused; unset "
                    "database/dsn to use the bundled database, or disable the postgresql "
                    "component to keep your own");
}

static void gx_rule_v8(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    const char *dsn = cfg->database.dsn;
    if (!*dsn || strncmp(dsn, "postgres://", 11) == 0 || strncmp(dsn, "postgresql://", 13) == 0)
        return;
    gx_field_result(out, arena, GX_CODE_V8, GX_F_DATABASE_DSN, GX_WARNING, GX_REMEDY_SET, NULL,
                    "database/dsn does not start with postgres:// or postgresql://; set it to "
                    "the PostgreSQL URL the service expects, such as " GX_DSN_EXAMPLE);
}

static void gx_rule_v9(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (!cfg->enabled[GX_C_POSTGRESQL])
        return;
    const char *path = gx_fields[GX_F_POSTGRESQL_POSTGRES_PASSWORD].path;
    const char *pw = cfg->postgresql.postgres_password;
    gx_diag *d = NULL;
    if (!*pw)
        d = gx_result_add(out, arena, GX_CODE_V9, path, GX_BLOCKING,
                          "postgresql/postgres-password is empty while the postgresql component "
                          "is on; set postgresql/postgres-password to a random string");
    else if (gx_has_control(pw))
        d = gx_result_add(out, arena, GX_CODE_V9, path, GX_BLOCKING,
                          "postgresql/postgres-password contains a newline or another control "
                          "character, which breaks the Helm values and the database URL; set "
                          "postgresql/postgres-password to a random string of printable "
                          "characters");
    gx_fix(out, d, GX_REMEDY_SET, path, NULL);
    gx_hint(out, d, GX_RANDOM_HINT);
}

/* ---- V10: GPU toleration -------------------------------------------------------- */

/* True when the list of tolerations n holds one that tolerates the
 * nvidia.com/gpu taint: key nvidia.com/gpu, or an empty key with Exists. */
static bool gx_tolerates_gpu(const gx_node *n)
{
    if (!n || n->kind != GX_NODE_SEQ)
        return false;
    for (size_t i = 0; i < n->count; i++) {
        const gx_node *t = n->items[i];
        if (t->kind != GX_NODE_MAP)
            continue;
        const gx_node *key = gx_node_get(t, "key");
        const gx_node *op = gx_node_get(t, "operator");
        if (gx_text_is(key, "nvidia.com/gpu"))
            return true;
        size_t klen = 0;
        const char *k = gx_scalar_text(key, &klen);
        if ((!key || (k && klen == 0)) && gx_text_is(op, "Exists"))
            return true;
    }
    return false;
}

#define GX_GPU_TOLERATION "{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}"

static void gx_rule_v10(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (cfg->worker.resource_profile != GX_WORKER_RESOURCE_PROFILE_LOCAL_LLM)
        return;
    if (gx_tolerates_gpu(cfg->worker.tolerations))
        return;
    if (!cfg->worker.gpu.enabled) {
        gx_field_result(
            out, arena, GX_CODE_V10, GX_F_WORKER_GPU_ENABLED, GX_WARNING, GX_REMEDY_SET, "true",
            "worker/resource-profile is local-llm but worker/gpu/enabled is off and "
            "worker/tolerations has no toleration for nvidia.com/gpu, so workers cannot run on "
            "tainted GPU nodes; turn worker/gpu/enabled on, or add " GX_GPU_TOLERATION " to "
            "worker/tolerations if the workers should run on GPU nodes");
    } else if (!gx_tolerates_gpu(cfg->worker.gpu.tolerations)) {
        gx_field_result(
            out, arena, GX_CODE_V10, GX_F_WORKER_GPU_TOLERATIONS, GX_WARNING, GX_REMEDY_SET,
            gx_fields[GX_F_WORKER_GPU_TOLERATIONS].default_text,
            "worker/resource-profile is local-llm with worker/gpu/enabled on, but neither "
            "worker/gpu/tolerations nor worker/tolerations tolerates the nvidia.com/gpu taint, "
            "so workers cannot run on tainted GPU nodes; set worker/gpu/tolerations to "
            "[" GX_GPU_TOLERATION "] (the default)");
    }
}

/* ---- V11: requests ≤ limits ----------------------------------------------------- */

static const struct {
    int request, limit;
} gx_v11_pairs[] = {
    {GX_F_GATEWAY_REQUESTS_CPU, GX_F_GATEWAY_LIMITS_CPU},
    {GX_F_GATEWAY_REQUESTS_MEMORY, GX_F_GATEWAY_LIMITS_MEMORY},
    {GX_F_WORKER_PROFILES_CLOUD_REQUESTS_CPU, GX_F_WORKER_PROFILES_CLOUD_LIMITS_CPU},
    {GX_F_WORKER_PROFILES_CLOUD_REQUESTS_MEMORY, GX_F_WORKER_PROFILES_CLOUD_LIMITS_MEMORY},
    {GX_F_WORKER_PROFILES_WHISPER_NATIVE_REQUESTS_CPU,
     GX_F_WORKER_PROFILES_WHISPER_NATIVE_LIMITS_CPU},
    {GX_F_WORKER_PROFILES_WHISPER_NATIVE_REQUESTS_MEMORY,
     GX_F_WORKER_PROFILES_WHISPER_NATIVE_LIMITS_MEMORY},
    {GX_F_WORKER_PROFILES_LOCAL_LLM_REQUESTS_CPU, GX_F_WORKER_PROFILES_LOCAL_LLM_LIMITS_CPU},
    {GX_F_WORKER_PROFILES_LOCAL_LLM_REQUESTS_MEMORY,
     GX_F_WORKER_PROFILES_LOCAL_LLM_LIMITS_MEMORY},
    {GX_F_MCP_GATEWAY_REQUESTS_CPU, GX_F_MCP_GATEWAY_LIMITS_CPU},
    {GX_F_MCP_GATEWAY_REQUESTS_MEMORY, GX_F_MCP_GATEWAY_LIMITS_MEMORY},
};

static void gx_rule_v11(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    for (size_t i = 0; i < sizeof gx_v11_pairs / sizeof *gx_v11_pairs; i++) {
        int rq = gx_v11_pairs[i].request, lim = gx_v11_pairs[i].limit;
        if (!gx_active(cfg, rq) || !gx_active(cfg, lim))
            continue;
        const char *a = gx_fstr(cfg, rq), *b = gx_fstr(cfg, lim);
        int cmp;
        if (!gx_quantity_compare(a, b, &cmp) || cmp <= 0)
            continue; /* unparsable values are V1's */
        gx_field_result(out, arena, GX_CODE_V11, rq, GX_BLOCKING, GX_REMEDY_SET, b,
                        "%s (%s) is greater than %s (%s), which Kubernetes rejects; lower %s to "
                        "at most %s, or raise %s",
                        gx_fields[rq].path, a, gx_fields[lim].path, b, gx_fields[rq].path, b,
                        gx_fields[lim].path);
    }
}

/* ---- V12: autoscaling ----------------------------------------------------------- */

static void gx_rule_v12(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (!cfg->enabled[GX_C_AUTOSCALING])
        return;
    if (cfg->autoscaling.min_replicas <= cfg->autoscaling.max_replicas)
        return;
    long long max = (long long)cfg->autoscaling.max_replicas;
    gx_field_result(out, arena, GX_CODE_V12, GX_F_AUTOSCALING_MIN_REPLICAS, GX_BLOCKING,
                    GX_REMEDY_SET, gx_arena_printf(arena, "%lld", max),
                    "autoscaling/min-replicas (%lld) is greater than autoscaling/max-replicas "
                    "(%lld); lower autoscaling/min-replicas to at most %lld, or raise "
                    "autoscaling/max-replicas",
                    (long long)cfg->autoscaling.min_replicas, max, max);
}

/* ---- V13: ports ----------------------------------------------------------------- */

static void gx_v13_pod(const struct gx_config *cfg, gx_arena *arena, gx_diags *out,
                       const int *ports, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        if (!gx_active(cfg, ports[i]))
            return;
        for (size_t j = 0; j < i; j++) {
            if (gx_fint(cfg, ports[i]) != gx_fint(cfg, ports[j]))
                continue;
            /* the observe port (last) must stay equal across pods: move the other */
            const char *move = gx_fields[i == count - 1 ? ports[j] : ports[i]].path;
            gx_diag *d = gx_result_add(out, arena, GX_CODE_V13, gx_fields[ports[i]].path,
                                       GX_BLOCKING,
                                       "%s and %s are both %lld, but the ports of one pod must "
                                       "differ; set %s to another port",
                                       gx_fields[ports[j]].path, gx_fields[ports[i]].path,
                                       (long long)gx_fint(cfg, ports[i]), move);
            gx_fix(out, d, GX_REMEDY_SET, move, NULL);
            break;
        }
    }
}

static void gx_rule_v13(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    static const int observe[] = {GX_F_WORKER_PORTS_OBSERVE, GX_F_MCP_GATEWAY_PORTS_OBSERVE};
    int64_t gw = cfg->gateway.ports.observe;
    for (size_t i = 0; i < sizeof observe / sizeof *observe; i++) {
        int f = observe[i];
        if (!gx_active(cfg, f) || gx_fint(cfg, f) == gw)
            continue;
        gx_field_result(out, arena, GX_CODE_V13, f, GX_BLOCKING, GX_REMEDY_SET,
                        gx_arena_printf(arena, "%lld", (long long)gw),
                        "%s is %lld but gateway/ports/observe is %lld; one application config "
                        "sets the observe port for every pod, so set %s to %lld as well",
                        gx_fields[f].path, (long long)gx_fint(cfg, f), (long long)gw,
                        gx_fields[f].path, (long long)gw);
    }
    static const int gateway[] = {GX_F_GATEWAY_PORTS_ADMIN, GX_F_GATEWAY_PORTS_GRPC,
                                  GX_F_GATEWAY_PORTS_OBSERVE};
    static const int worker[] = {GX_F_WORKER_PORTS_GRPC, GX_F_WORKER_PORTS_OBSERVE};
    static const int mcp[] = {GX_F_MCP_GATEWAY_PORTS_MCP, GX_F_MCP_GATEWAY_PORTS_OBSERVE};
    gx_v13_pod(cfg, arena, out, gateway, 3);
    gx_v13_pod(cfg, arena, out, worker, 2);
    if (gx_active(cfg, GX_F_MCP_GATEWAY_PORTS_MCP))
        gx_v13_pod(cfg, arena, out, mcp, 2);
}

/* ---- V14: worker gRPC port ------------------------------------------------------ */

static void gx_rule_v14(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (cfg->worker.ports.grpc == 50051)
        return;
    gx_field_result(out, arena, GX_CODE_V14, GX_F_WORKER_PORTS_GRPC, GX_WARNING, GX_REMEDY_SET,
                    "50051",
                    "worker/ports/grpc is %lld, but the gateway always dials workers on port "
                    "50051, so sessions will fail to connect; set worker/ports/grpc to 50051",
                    (long long)cfg->worker.ports.grpc);
}

/* ---- V15: shapes of structured values -------------------------------------------- */

/* gx_shape_ctx: gx_rules_impl.h. Adds a V15 result "<where>: <message><at>". */
void gx_v15(const gx_shape_ctx *c, const char *where, const gx_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = gx_arena_vprintf(c->arena, fmt, ap);
    va_end(ap);
    gx_diag *d = gx_result_add(c->out, c->arena, GX_CODE_V15, c->path, GX_BLOCKING, "%s: %s",
                               where, msg);
    gx_fix_at(c->out, d, at, c->path);
}

const char *gx_kind_name(const gx_node *n)
{
    switch (n->kind) {
    case GX_NODE_MAP:
        return "a map";
    case GX_NODE_SEQ:
        return "a list";
    default:
        return "a scalar";
    }
}

/* Tolerations: fields that must be strings in the Kubernetes API. */
static bool gx_tol_string(const gx_shape_ctx *c, const char *where, const char *name,
                          const gx_node *v)
{
    if (v->kind != GX_NODE_SCALAR) {
        gx_v15(c, where, v, "%s must be a string, not %s", name, gx_kind_name(v));
        return false;
    }
    if (gx_reads_as_non_string(v)) {
        const char *q = gx_quote_n(c->arena, v->text, v->len);
        const char *as = "non-string value";
        if (gx_node_is_null(v))
            as = "null";
        else if (gx_match_any(v->text, gx_yaml_bools_12) || gx_match_any(v->text, gx_yaml_bools_11))
            as = "boolean";
        else if (gx_is_decimal_number(v->text))
            as = "number";
        gx_v15(c, where, v, "%s %s is read as a %s, not a string; quote it, e.g. %s: %s", name, q,
               as, name, q);
        return false;
    }
    return true;
}

static void gx_check_toleration(const gx_shape_ctx *c, const char *where, const gx_node *t)
{
    if (t->kind != GX_NODE_MAP) {
        gx_v15(c, where, t,
               "a toleration must be a map with key, operator, value, effect and "
               "tolerationSeconds, not %s; e.g. {key: nvidia.com/gpu, operator: Exists, "
               "effect: NoSchedule}",
               gx_kind_name(t));
        return;
    }
    const gx_node *key = NULL, *op = NULL, *val = NULL, *eff = NULL, *secs = NULL;
    bool key_reported = false; /* key there but of the wrong kind */
    for (size_t i = 0; i < t->count; i++) {
        const gx_node *k = t->keys[i], *v = t->items[i];
        const gx_node **slot = NULL;
        if (gx_text_is(k, "key"))
            slot = &key;
        else if (gx_text_is(k, "operator"))
            slot = &op;
        else if (gx_text_is(k, "value"))
            slot = &val;
        else if (gx_text_is(k, "effect"))
            slot = &eff;
        else if (gx_text_is(k, "tolerationSeconds"))
            slot = &secs;
        if (!slot) {
            gx_v15(c, where, k,
                   "unknown key %s; a toleration has only key, operator, value, effect and "
                   "tolerationSeconds",
                   gx_quote_n(c->arena, k->text, k->len));
            continue;
        }
        if (gx_absent(v))
            continue;
        if (slot != &secs && !gx_tol_string(c, where, k->text, v)) {
            key_reported |= slot == &key;
            continue;
        }
        *slot = v;
    }
    bool exists = false;
    if (op) {
        if (gx_text_is(op, "Exists"))
            exists = true;
        else if (!gx_text_is(op, "Equal"))
            gx_v15(c, where, op, "operator %s is not Exists or Equal; use one of them",
                   gx_quote_n(c->arena, op->text, op->len));
    }
    if (key && key->len > 0) {
        const char *problem = gx_label_key_problem(c->arena, key->text, key->len);
        if (problem)
            gx_v15(c, where, key, "key %s %s; " GX_LABEL_KEY_HELP,
                   gx_quote_n(c->arena, key->text, key->len), problem);
    } else if (!exists && !key_reported) {
        gx_v15(c, where, key ? key : t,
               "key is empty, which only operator Exists allows (it tolerates every taint); "
               "set a key such as nvidia.com/gpu, or operator: Exists");
    }
    if (val && val->len > 0) {
        if (exists)
            gx_v15(c, where, val,
                   "value must be empty with operator Exists; remove value or use operator "
                   "Equal");
        else if (!gx_label_value_ok(val->text, val->len))
            gx_v15(c, where, val, "value %s is not a label value; " GX_LABEL_VALUE_HELP,
                   gx_quote_n(c->arena, val->text, val->len));
    }
    if (eff && eff->len > 0 && !gx_text_is(eff, "NoSchedule") &&
        !gx_text_is(eff, "PreferNoSchedule") && !gx_text_is(eff, "NoExecute"))
        gx_v15(c, where, eff,
               "effect %s is not NoSchedule, PreferNoSchedule or NoExecute; use one of them, "
               "or leave effect out to match every effect",
               gx_quote_n(c->arena, eff->text, eff->len));
    if (secs) {
        if (!gx_is_yaml_int(secs))
            gx_v15(c, where, secs,
                   "tolerationSeconds must be a whole number of seconds, e.g. "
                   "tolerationSeconds: 300");
        else if (!gx_text_is(eff, "NoExecute"))
            gx_v15(c, where, secs,
                   "tolerationSeconds only applies to effect NoExecute; set effect: NoExecute "
                   "or remove tolerationSeconds");
    }
}

static void gx_check_tolerations(const gx_shape_ctx *c, const gx_node *n)
{
    if (gx_absent(n))
        return;
    if (n->kind != GX_NODE_SEQ) {
        gx_v15(c, c->path, n,
               "must be a list of tolerations, not %s; e.g. [{key: nvidia.com/gpu, operator: "
               "Exists, effect: NoSchedule}]",
               gx_kind_name(n));
        return;
    }
    for (size_t i = 0; i < n->count; i++)
        gx_check_toleration(c, gx_arena_printf(c->arena, "%s[%zu]", c->path, i), n->items[i]);
}

/* Declared shapes of the application's own structures (MCP servers, NPCs): a
 * small description table (gx_rules.h) walked by one checker. */

/* Defines id_keys[] (the keys given after what and names) and id_desc, the
 * description of an object with those keys. */
#define GX_OBJECT(id, what, names, ...)                                                     \
    static const gx_key_desc id##_keys[] = {__VA_ARGS__};                                  \
    static const gx_object_desc id##_desc = {what, names, id##_keys,                       \
                                             sizeof id##_keys / sizeof *id##_keys}

/* A key of kind whose value is not limited further. */
#define GX_KEY(name, kind) {name, kind, NULL, NULL, NULL, NULL, false}
/* A GX_V_OBJECT or GX_V_OBJLIST key of the keys of sub. */
#define GX_SUB(name, kind, sub) {name, kind, sub, NULL, NULL, NULL, false}
/* A string key limited to choices (NULL: any), required or not. */
#define GX_CHOICE(name, choices, required) {name, GX_V_STRING, NULL, choices, NULL, NULL, required}
/* A number key within [min, max]. */
#define GX_RANGE(name, min, max) {name, GX_V_NUMBER, NULL, NULL, min, max, false}

/* The choices of NPC and MCP server keys (V16, V17); empty is allowed where
 * the rule allows it. */
static const char *const gx_transports[] = {"stdio", "streamable-http", NULL};
static const char *const gx_engines[] = {"cascaded", "s2s", "sentence_cascade", NULL};
static const char *const gx_budget_tiers[] = {"fast", "standard", "deep", NULL};
static const char *const gx_cascade_modes[] = {"off", "auto", "always", NULL};

GX_OBJECT(gx_oauth, "an OAuth block", "client_id, client_secret, token_url, scopes",
          GX_KEY("client_id", GX_V_STRING),
          GX_KEY("client_secret", GX_V_STRING),
          GX_KEY("token_url", GX_V_STRING),
          GX_KEY("scopes", GX_V_STRLIST));

GX_OBJECT(gx_auth, "an auth block", "token, oauth",
          GX_KEY("token", GX_V_STRING),
          GX_SUB("oauth", GX_V_OBJECT, &gx_oauth_desc));

GX_OBJECT(gx_mcp_server, "an MCP server", "name, transport, command, url, auth, env",
          GX_CHOICE("name", NULL, true),
          GX_CHOICE("transport", gx_transports, true),
          GX_KEY("command", GX_V_STRING),
          GX_KEY("url", GX_V_STRING),
          GX_SUB("auth", GX_V_OBJECT, &gx_auth_desc),
          GX_KEY("env", GX_V_STRMAP));

GX_OBJECT(gx_voice, "a voice", "provider, voice_id, pitch_shift, speed_factor",
          GX_KEY("provider", GX_V_STRING),
          GX_KEY("voice_id", GX_V_STRING),
          GX_RANGE("pitch_shift", "-10", "10"),
          GX_RANGE("speed_factor", "0.5", "2"));

GX_OBJECT(gx_cascade, "a cascade block", "fast_model, strong_model, opener_instruction",
          GX_KEY("fast_model", GX_V_STRING),
          GX_KEY("strong_model", GX_V_STRING),
          GX_KEY("opener_instruction", GX_V_STRING));

GX_OBJECT(gx_relationship, "a relationship", "target_id, target_name, type, bidirectional",
          GX_KEY("target_id", GX_V_STRING),
          GX_KEY("target_name", GX_V_STRING),
          GX_KEY("type", GX_V_STRING),
          GX_KEY("bidirectional", GX_V_BOOL));

GX_OBJECT(gx_npc, "an NPC",
          "name, personality, voice, engine, knowledge_scope, tools, budget_tier, "
          "cascade_mode, cascade, relationships, gm_helper, address_only",
          GX_CHOICE("name", NULL, true),
          GX_KEY("personality", GX_V_STRING),
          GX_SUB("voice", GX_V_OBJECT, &gx_voice_desc),
          GX_CHOICE("engine", gx_engines, false),
          GX_KEY("knowledge_scope", GX_V_STRLIST),
          GX_KEY("tools", GX_V_STRLIST),
          GX_CHOICE("budget_tier", gx_budget_tiers, false),
          GX_CHOICE("cascade_mode", gx_cascade_modes, false),
          GX_SUB("cascade", GX_V_OBJECT, &gx_cascade_desc),
          GX_SUB("relationships", GX_V_OBJLIST, &gx_relationship_desc),
          GX_KEY("gm_helper", GX_V_BOOL),
          GX_KEY("address_only", GX_V_BOOL));

const gx_object_desc *gx_shape_item(gx_shape shape)
{
    switch (shape) {
    case GX_SHAPE_MCP_SERVERS: return &gx_mcp_server_desc;
    case GX_SHAPE_NPCS: return &gx_npc_desc;
    default: return NULL;
    }
}

static void gx_check_object(const gx_shape_ctx *c, const char *where, const gx_node *n,
                            const gx_object_desc *d);

/* GX_V_STRLIST, GX_V_STRMAP (k->kind): v is a list (a map) whose items are
 * strings; an item of a list may not be null, one of a map may. */
static void gx_check_strings(const gx_shape_ctx *c, const char *where, const gx_node *v,
                             const gx_key_desc *k)
{
    bool map = k->kind == GX_V_STRMAP;
    if (v->kind != (map ? GX_NODE_MAP : GX_NODE_SEQ)) {
        gx_v15(c, where, v,
               map ? "must be a map of names to strings, not %s; e.g. %s: {NAME: value}"
                   : "must be a list of strings, not %s; e.g. %s: [a, b]",
               gx_kind_name(v), k->name);
        return;
    }
    for (size_t i = 0; i < v->count; i++) {
        const gx_node *item = v->items[i];
        if (item->kind == GX_NODE_SCALAR && (map || !gx_node_is_null(item)))
            continue;
        const char *at =
            map ? gx_arena_printf(c->arena, "%s.%s", where,
                                  gx_quote_n(c->arena, v->keys[i]->text, v->keys[i]->len))
                : gx_arena_printf(c->arena, "%s[%zu]", where, i);
        gx_v15(c, at, item, "must be a string, not %s",
               item->kind == GX_NODE_SCALAR ? "null" : gx_kind_name(item));
    }
}

static void gx_check_value(const gx_shape_ctx *c, const char *where, const gx_node *v,
                           const gx_key_desc *k)
{
    if (gx_absent(v))
        return; /* the application reads null as "not set" */
    switch (k->kind) {
    case GX_V_STRING:
        if (v->kind != GX_NODE_SCALAR)
            gx_v15(c, where, v, "must be a string, not %s", gx_kind_name(v));
        break;
    case GX_V_NUMBER:
        if (!gx_is_yaml_number(v))
            gx_v15(c, where, v, "must be a number (unquoted), e.g. %s: 1.0",
                   k->name);
        break;
    case GX_V_BOOL:
        if (!gx_is_yaml_bool(v))
            gx_v15(c, where, v, "must be true or false (unquoted)");
        break;
    case GX_V_STRLIST:
    case GX_V_STRMAP:
        gx_check_strings(c, where, v, k);
        break;
    case GX_V_OBJECT:
        gx_check_object(c, where, v, k->sub);
        break;
    case GX_V_OBJLIST:
        if (v->kind != GX_NODE_SEQ) {
            gx_v15(c, where, v, "must be a list of maps, not %s", gx_kind_name(v));
            break;
        }
        for (size_t i = 0; i < v->count; i++)
            gx_check_object(c, gx_arena_printf(c->arena, "%s[%zu]", where, i), v->items[i],
                            k->sub);
        break;
    }
}

static void gx_check_object(const gx_shape_ctx *c, const char *where, const gx_node *n,
                            const gx_object_desc *d)
{
    if (n->kind != GX_NODE_MAP) {
        gx_v15(c, where, n, "%s must be a map with %s, not %s", d->what, d->key_names,
               gx_kind_name(n));
        return;
    }
    for (size_t i = 0; i < n->count; i++) {
        const gx_node *k = n->keys[i];
        const gx_key_desc *kd = NULL;
        for (size_t j = 0; j < d->count && !kd; j++)
            if (gx_text_is(k, d->keys[j].name))
                kd = &d->keys[j];
        if (!kd) {
            gx_v15(c, where, k,
                   "unknown key %s (the application refuses to start on unknown keys); %s has "
                   "only %s",
                   gx_quote_n(c->arena, k->text, k->len), d->what, d->key_names);
            continue;
        }
        gx_check_value(c, gx_arena_printf(c->arena, "%s.%s", where, kd->name), n->items[i], kd);
    }
}

static void gx_check_object_list(const gx_shape_ctx *c, const gx_node *n, const gx_object_desc *d,
                                 const char *example)
{
    if (gx_absent(n))
        return;
    if (n->kind != GX_NODE_SEQ) {
        gx_v15(c, c->path, n, "must be a list, each item %s, not %s; e.g. %s", d->what,
               gx_kind_name(n), example);
        return;
    }
    for (size_t i = 0; i < n->count; i++)
        gx_check_object(c, gx_arena_printf(c->arena, "%s[%zu]", c->path, i), n->items[i], d);
}

static void gx_check_label_map(const gx_shape_ctx *c, const gx_map *m, bool values_are_labels)
{
    for (size_t i = 0; i < m->count; i++) {
        const char *k = m->keys[i] ? m->keys[i] : "";
        const char *v = m->values[i] ? m->values[i] : "";
        const char *problem = gx_label_key_problem(c->arena, k, strlen(k));
        bool bad_value = values_are_labels && !gx_label_value_ok(v, strlen(v));
        if (!problem && !bad_value)
            continue;
        const char *where = gx_arena_printf(c->arena, "%s[%s]", c->path, gx_quote(c->arena, k));
        if (problem)
            gx_v15(c, where, NULL, "the key %s; " GX_LABEL_KEY_HELP, problem);
        if (bad_value)
            gx_v15(c, where, NULL, "the value %s is not a label value; " GX_LABEL_VALUE_HELP,
                   gx_quote(c->arena, v));
    }
}

static void gx_rule_v15(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        const gx_field *fd = &gx_fields[f];
        if (!gx_active(cfg, f))
            continue;
        gx_shape_ctx c = {arena, out, fd->path};
        if (fd->type == GX_T_MAP) {
            /* annotations take any value; every other map is a node selector */
            gx_check_label_map(&c, gx_fmap(cfg, f), !gx_ends_with(fd->path, "/annotations"));
            continue;
        }
        if (fd->type != GX_T_YAML)
            continue;
        const gx_node *n = gx_fnode(cfg, f);
        switch (fd->shape) {
        case GX_SHAPE_TOLERATIONS:
            gx_check_tolerations(&c, n);
            break;
        case GX_SHAPE_OPTIONS:
            if (!gx_absent(n) && n->kind != GX_NODE_MAP)
                gx_v15(&c, fd->path, n,
                       "provider options must be a map of option names to values, not %s; "
                       "e.g. {temperature: 0.7}",
                       gx_kind_name(n));
            break;
        case GX_SHAPE_MCP_SERVERS:
            gx_check_object_list(&c, n, &gx_mcp_server_desc,
                                 "[{name: dice, transport: stdio, "
                                 "command: /usr/local/bin/mcp-dice}]");
            break;
        case GX_SHAPE_NPCS:
            gx_check_object_list(&c, n, &gx_npc_desc,
                                 "[{name: Greymantle, personality: \"A wise old sage\", "
                                 "engine: cascaded}]");
            break;
        case GX_SHAPE_CHART_VALUES:
            if (!gx_absent(n) && n->kind != GX_NODE_MAP)
                gx_v15(&c, fd->path, n, "chart values must be a map of Helm values, not %s",
                       gx_kind_name(n));
            break;
        case GX_SHAPE_EGRESS:
            gx_check_egress_shape(&c, n);
            break;
        case GX_SHAPE_PEERS:
            gx_check_peers_shape(&c, n);
            break;
        default:
            break;
        }
    }
}

/* ---- V16, V17: MCP servers and NPCs ------------------------------------------- */

/* The string value of key in item: text and length; NULL when the key is there
 * but not a scalar (V15 reports it). An absent key or null gives "". */
static const char *gx_item_str(const gx_node *item, const char *key, size_t *len)
{
    const gx_node *v = gx_node_get(item, key);
    if (!v) {
        *len = 0;
        return "";
    }
    return gx_scalar_text(v, len);
}

static bool gx_bytes_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* A name of a list item, for finding repeats by sorting. */
typedef struct gx_name_ref {
    const char *name;
    size_t len, index;
} gx_name_ref;

static int gx_name_ref_cmp(const void *va, const void *vb)
{
    const gx_name_ref *a = va, *b = vb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->name, b->name, n);
    if (c)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Unique non-empty names of a list of maps (V16, V17). Each repeat names the
 * first item with that name; results come in list order. Sorting keeps this
 * O(n log n): a list of 75,000 NPCs is checked in milliseconds. */
static void gx_check_names(const gx_node *list, gx_arena *arena, gx_diags *out, gx_code rule,
                           const char *path, const char *what, const char *example)
{
    size_t n = list->count;
    gx_name_ref *refs = gx_arena_alloc(arena, (n ? n : 1) * sizeof *refs);
    size_t *first = gx_arena_alloc(arena, (n ? n : 1) * sizeof *first);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        first[i] = SIZE_MAX;
        const gx_node *item = list->items[i];
        if (item->kind != GX_NODE_MAP)
            continue;
        size_t len;
        const char *name = gx_item_str(item, "name", &len);
        if (name && !gx_is_blank(name, len))
            refs[m++] = (gx_name_ref){name, len, i};
    }
    qsort(refs, m, sizeof *refs, gx_name_ref_cmp);
    for (size_t k = 1, group = 0; k < m; k++) {
        if (gx_bytes_eq(refs[k].name, refs[k].len, refs[group].name, refs[group].len))
            first[refs[k].index] = refs[group].index;
        else
            group = k;
    }
    for (size_t i = 0; i < n; i++) {
        const gx_node *item = list->items[i];
        if (item->kind != GX_NODE_MAP)
            continue;
        size_t len;
        const char *name = gx_item_str(item, "name", &len);
        if (!name)
            continue;
        if (gx_is_blank(name, len)) {
            gx_diag *d = gx_result_add(out, arena, rule, path, GX_BLOCKING,
                                       "%s[%zu]: name is empty; give every %s a unique name, "
                                       "e.g. name: %s",
                                       path, i, what, example);
            gx_fix_at(out, d, item, path);
        } else if (first[i] != SIZE_MAX) {
            const gx_node *at = gx_node_get(item, "name");
            gx_diag *d = gx_result_add(out, arena, rule, path, GX_BLOCKING,
                                       "%s[%zu]: name %s is already used by %s[%zu]; names "
                                       "must be unique, so rename one of them",
                                       path, i, gx_quote_n(arena, name, len), path, first[i]);
            gx_fix_at(out, d, at, path);
        }
    }
}

/* The check of item i (a map) of a named list at path (V16, V17). */
typedef void gx_item_check(const struct gx_config *cfg, gx_arena *arena, gx_diags *out,
                           const char *path, size_t i, const gx_node *item);

/* V16, V17: when field f is active and a list, its names (gx_check_names, as
 * what and example) and then each item that is a map (check), in order. */
static void gx_check_named_list(const struct gx_config *cfg, gx_arena *arena, gx_diags *out,
                                gx_code rule, int f, const char *what, const char *example,
                                gx_item_check *check)
{
    const char *path = gx_fields[f].path;
    const gx_node *list = gx_fnode(cfg, f);
    if (!gx_active(cfg, f) || gx_absent(list) || list->kind != GX_NODE_SEQ)
        return;
    gx_check_names(list, arena, out, rule, path, what, example);
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i]->kind == GX_NODE_MAP)
            check(cfg, arena, out, path, i, list->items[i]);
}

/* The MCP transports (V16): the key each needs set and what to say without it. */
static const struct {
    const char *name, *key, *needs;
} gx_v16_transports[] = {
    {"stdio", "command",
     "needs a command; set command to the program to start, e.g. command: "
     "/usr/local/bin/mcp-dice"},
    {"streamable-http", "url", "needs a url; set it, e.g. url: https://mcp.example.com/mcp"},
};

/* What is wrong with the transport t (tlen bytes) of item, or NULL. */
static const char *gx_v16_transport(const gx_node *item, const char *t, size_t tlen,
                                    gx_arena *arena)
{
    for (size_t k = 0; k < sizeof gx_v16_transports / sizeof *gx_v16_transports; k++) {
        const char *name = gx_v16_transports[k].name;
        if (!gx_bytes_eq(t, tlen, name, strlen(name)))
            continue;
        size_t len;
        const char *v = gx_item_str(item, gx_v16_transports[k].key, &len);
        if (!v || !gx_is_blank(v, len))
            return NULL;
        return gx_arena_printf(arena, "transport %s %s", name, gx_v16_transports[k].needs);
    }
    if (tlen == 0)
        return "transport is not set, and the application cannot connect without one; set "
               "transport: stdio (with command) or transport: streamable-http (with url)";
    return gx_arena_printf(arena, "transport %s is not stdio or streamable-http; use one of them",
                           gx_quote_n(arena, t, tlen));
}

/* V16 of MCP server i: its transport and what that needs. */
static void gx_v16_server(const struct gx_config *cfg, gx_arena *arena, gx_diags *out,
                          const char *path, size_t i, const gx_node *item)
{
    (void)cfg;
    size_t tlen;
    const char *t = gx_item_str(item, "transport", &tlen);
    const char *problem = t ? gx_v16_transport(item, t, tlen, arena) : NULL;
    if (!problem)
        return;
    gx_diag *d = gx_result_add(out, arena, GX_CODE_V16, path, GX_BLOCKING, "%s[%zu]: %s", path,
                               i, problem);
    gx_fix_at(out, d, item, path);
}

static void gx_rule_v16(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    gx_check_named_list(cfg, arena, out, GX_CODE_V16, GX_F_CONFIG_MCP_SERVERS, "MCP server",
                        "dice", gx_v16_server);
}

/* Checks that the string value of key is empty or one of set. */
static void gx_v17_choice(const gx_node *item, const char *key, const char *const *set,
                          const char *list, gx_arena *arena, gx_diags *out, const char *where)
{
    size_t len;
    const char *s = gx_item_str(item, key, &len);
    if (!s || len == 0)
        return;
    if (strlen(s) == len && gx_match_any(s, set))
        return;
    const char *path = gx_fields[GX_F_CONFIG_NPCS].path;
    const gx_node *at = gx_node_get(item, key);
    gx_diag *d = gx_result_add(out, arena, GX_CODE_V17, path, GX_BLOCKING,
                               "%s.%s %s is not one of %s; use one of them", where, key,
                               gx_quote_n(arena, s, len), list);
    gx_fix_at(out, d, at, path);
}

/* Checks a voice number against [lo, hi] exactly (decimal text compared with
 * the quantity comparator: no floating point, no locale). */
static void gx_v17_range(const gx_node *voice, const char *key, const char *lo, const char *hi,
                         bool zero_is_default, gx_arena *arena, gx_diags *out,
                         const char *where)
{
    const gx_node *v = gx_node_get(voice, key);
    if (gx_absent(v) || !gx_is_yaml_number(v))
        return; /* a wrong kind is V15's */
    int c_lo = 0, c_hi = 0, c_zero = 1;
    bool ok = gx_quantity_compare(v->text, lo, &c_lo) && gx_quantity_compare(v->text, hi, &c_hi) &&
              gx_quantity_compare(v->text, "0", &c_zero);
    if (ok && zero_is_default && c_zero == 0)
        return;
    if (ok && c_lo >= 0 && c_hi <= 0)
        return;
    const char *path = gx_fields[GX_F_CONFIG_NPCS].path;
    gx_diag *d = gx_result_add(
        out, arena, GX_CODE_V17, path, GX_BLOCKING,
        "%s.voice.%s is %s, outside [%s, %s]; set it within that range%s", where, key,
        v->text, lo, hi,
        zero_is_default ? " (1.0 is normal speed; 0 or leaving it out means the default)"
                        : " (0 means no change)");
    gx_fix_at(out, d, v, path);
}

/* The engine that subject names needs a provider (what) in field f: a result
 * when f is empty, with advice after "set <f>". */
static void gx_v17_needs(const struct gx_config *cfg, gx_arena *arena, gx_diags *out,
                         const char *subject, int f, const char *what, const char *advice)
{
    if (*gx_fstr(cfg, f))
        return;
    const char *provider = gx_fields[f].path;
    gx_diag *d = gx_result_add(out, arena, GX_CODE_V17, gx_fields[GX_F_CONFIG_NPCS].path,
                               GX_BLOCKING, "%s needs %s, but %s is empty; set %s%s", subject,
                               what, provider, provider, advice);
    gx_fix(out, d, GX_REMEDY_SET, provider, NULL);
}

/* V17 of NPC i: its engine and the providers that needs, its choices and its
 * voice ranges. */
static void gx_v17_npc(const struct gx_config *cfg, gx_arena *arena, gx_diags *out,
                       const char *path, size_t i, const gx_node *item)
{
    const char *where = gx_arena_printf(arena, "%s[%zu]", path, i);
    size_t elen;
    const char *engine = gx_item_str(item, "engine", &elen);
    if (engine) {
        /* An NPC without an engine runs the cascaded engine (the worker's
         * default), so it needs the same providers. */
        bool unset = elen == 0;
        const char *eff = unset ? "cascaded" : engine;
        const char *subject =
            unset ? gx_arena_printf(arena, "%s: engine is not set (which means cascaded) and "
                                           "cascaded", where)
                  : gx_arena_printf(arena, "%s: engine %s", where, eff);
        if (!unset && !(strlen(engine) == elen && gx_match_any(engine, gx_engines))) {
            const gx_node *en = gx_node_get(item, "engine");
            gx_diag *d = gx_result_add(out, arena, GX_CODE_V17, path, GX_BLOCKING,
                                       "%s.engine %s is not one of cascaded, s2s, "
                                       "sentence_cascade; use one of them",
                                       where, gx_quote_n(arena, engine, elen));
            gx_fix_at(out, d, en, path);
        } else if (strcmp(eff, "s2s") == 0) {
            gx_v17_needs(cfg, arena, out, subject, GX_F_CONFIG_PROVIDERS_S2S_NAME,
                         "a speech-to-speech provider",
                         " (e.g. openai-realtime) or use engine cascaded");
        } else {
            gx_v17_needs(cfg, arena, out, subject, GX_F_CONFIG_PROVIDERS_LLM_NAME,
                         "an LLM provider", ", e.g. to openai");
            gx_v17_needs(cfg, arena, out, subject, GX_F_CONFIG_PROVIDERS_TTS_NAME,
                         "a TTS provider", ", e.g. to elevenlabs");
        }
    }
    gx_v17_choice(item, "budget_tier", gx_budget_tiers, "fast, standard, deep", arena, out, where);
    gx_v17_choice(item, "cascade_mode", gx_cascade_modes, "off, auto, always", arena, out, where);
    const gx_node *voice = gx_node_get(item, "voice");
    if (voice && voice->kind == GX_NODE_MAP) {
        gx_v17_range(voice, "speed_factor", "0.5", "2", true, arena, out, where);
        gx_v17_range(voice, "pitch_shift", "-10", "10", false, arena, out, where);
    }
}

static void gx_rule_v17(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    gx_check_named_list(cfg, arena, out, GX_CODE_V17, GX_F_CONFIG_NPCS, "NPC", "Greymantle",
                        gx_v17_npc);
}

/* ---- V18: providers ------------------------------------------------------------- */

static const char *const gx_known_llm[] = {"openai",  "anthropic", "ollama",
                                           "gemini",  "deepseek",  "mistral",
                                           "groq",    "llamacpp",  "llamafile",
                                           NULL};
static const char *const gx_known_stt[] = {"deepgram", "whisper", "whisper-native", NULL};
static const char *const gx_known_tts[] = {"elevenlabs", "coqui", NULL};
static const char *const gx_known_s2s[] = {"openai-realtime", "gemini-live", NULL};
static const char *const gx_known_embeddings[] = {"openai", "ollama", NULL};
static const char *const gx_known_vad[] = {"energy", "silero", NULL};
static const char *const gx_known_audio[] = {"discord", "webrtc", NULL};

static const struct {
    const char *kind;
    int name, api_key, base_url, model, options;
    const char *const *known;
} gx_providers[] = {
    {"llm", GX_F_CONFIG_PROVIDERS_LLM_NAME, GX_F_CONFIG_PROVIDERS_LLM_API_KEY,
     GX_F_CONFIG_PROVIDERS_LLM_BASE_URL, GX_F_CONFIG_PROVIDERS_LLM_MODEL,
     GX_F_CONFIG_PROVIDERS_LLM_OPTIONS, gx_known_llm},
    {"stt", GX_F_CONFIG_PROVIDERS_STT_NAME, GX_F_CONFIG_PROVIDERS_STT_API_KEY,
     GX_F_CONFIG_PROVIDERS_STT_BASE_URL, GX_F_CONFIG_PROVIDERS_STT_MODEL,
     GX_F_CONFIG_PROVIDERS_STT_OPTIONS, gx_known_stt},
    {"tts", GX_F_CONFIG_PROVIDERS_TTS_NAME, GX_F_CONFIG_PROVIDERS_TTS_API_KEY,
     GX_F_CONFIG_PROVIDERS_TTS_BASE_URL, GX_F_CONFIG_PROVIDERS_TTS_MODEL,
     GX_F_CONFIG_PROVIDERS_TTS_OPTIONS, gx_known_tts},
    {"s2s", GX_F_CONFIG_PROVIDERS_S2S_NAME, GX_F_CONFIG_PROVIDERS_S2S_API_KEY,
     GX_F_CONFIG_PROVIDERS_S2S_BASE_URL, GX_F_CONFIG_PROVIDERS_S2S_MODEL,
     GX_F_CONFIG_PROVIDERS_S2S_OPTIONS, gx_known_s2s},
    {"embeddings", GX_F_CONFIG_PROVIDERS_EMBEDDINGS_NAME,
     GX_F_CONFIG_PROVIDERS_EMBEDDINGS_API_KEY, GX_F_CONFIG_PROVIDERS_EMBEDDINGS_BASE_URL,
     GX_F_CONFIG_PROVIDERS_EMBEDDINGS_MODEL, GX_F_CONFIG_PROVIDERS_EMBEDDINGS_OPTIONS,
     gx_known_embeddings},
    {"vad", GX_F_CONFIG_PROVIDERS_VAD_NAME, GX_F_CONFIG_PROVIDERS_VAD_API_KEY,
     GX_F_CONFIG_PROVIDERS_VAD_BASE_URL, GX_F_CONFIG_PROVIDERS_VAD_MODEL,
     GX_F_CONFIG_PROVIDERS_VAD_OPTIONS, gx_known_vad},
    {"audio", GX_F_CONFIG_PROVIDERS_AUDIO_NAME, GX_F_CONFIG_PROVIDERS_AUDIO_API_KEY,
     GX_F_CONFIG_PROVIDERS_AUDIO_BASE_URL, GX_F_CONFIG_PROVIDERS_AUDIO_MODEL,
     GX_F_CONFIG_PROVIDERS_AUDIO_OPTIONS, gx_known_audio},
};

static void gx_rule_v18(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    for (size_t i = 0; i < sizeof gx_providers / sizeof *gx_providers; i++) {
        const char *kind = gx_providers[i].kind;
        const char *const *known = gx_providers[i].known;
        int fname = gx_providers[i].name;
        const char *name = gx_fstr(cfg, fname);
        const char *list = "";
        for (size_t k = 0; known[k]; k++)
            list = gx_join(arena, list, k, known[k]);
        if (*name) {
            if (!gx_match_any(name, known)) {
                gx_diag *d = gx_result_add(out, arena, GX_CODE_V18, gx_fields[fname].path,
                                           GX_WARNING,
                                           "%s: %s is not a known %s provider (known: %s); "
                                           "check the spelling and set %s to one of them",
                                           gx_fields[fname].path, gx_quote(arena, name), kind,
                                           list, gx_fields[fname].path);
                gx_fix(out, d, GX_REMEDY_SET, gx_fields[fname].path, NULL);
                gx_hint(out, d,
                        "a provider the application gained after this tool was built may still "
                        "work; then the warning can be ignored");
            }
            continue;
        }
        const int fields[] = {gx_providers[i].api_key, gx_providers[i].base_url,
                              gx_providers[i].model};
        const char *set = "";
        size_t nset = 0;
        for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
            if (*gx_fstr(cfg, fields[k]))
                set = gx_join(arena, set, nset++, gx_fields[fields[k]].path);
        const gx_node *opts = gx_fnode(cfg, gx_providers[i].options);
        if (opts && opts->kind == GX_NODE_MAP && opts->count > 0)
            set = gx_join(arena, set, nset++, gx_fields[gx_providers[i].options].path);
        if (nset) {
            gx_diag *d = gx_result_add(out, arena, GX_CODE_V18, gx_fields[fname].path,
                                       GX_WARNING,
                                       "%s %s set but %s is empty, so the %s provider is not "
                                       "used; set %s to one of %s, or unset %s",
                                       set, nset > 1 ? "are" : "is", gx_fields[fname].path,
                                       kind, gx_fields[fname].path, list,
                                       nset > 1 ? "them" : "it");
            gx_fix(out, d, GX_REMEDY_SET, gx_fields[fname].path, NULL);
        }
    }
}

/* ---- V19, V20 ------------------------------------------------------------------- */

static void gx_rule_v19(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    /* with a digest the tag only names the version in a label */
    if (strcmp(cfg->core.image_tag, "latest") != 0 || *gx_fstr(cfg, GX_F_CORE_IMAGE_DIGEST))
        return;
    const char *release = gx_default_of(arena, cfg, &gx_fields[GX_F_CORE_IMAGE_TAG]);
    gx_field_result(out, arena, GX_CODE_V19, GX_F_CORE_IMAGE_TAG, GX_WARNING, GX_REMEDY_SET,
                    release,
                    "core/image-tag is latest, so the same render can run different images and "
                    "pods can differ from each other; set core/image-tag to a released "
                    "version%s",
                    gx_example(arena, release));
}

static void gx_rule_v20(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    if (cfg->gateway.service_account.create || *cfg->gateway.service_account.name)
        return;
    gx_field_result(out, arena, GX_CODE_V20, GX_F_GATEWAY_SERVICE_ACCOUNT_NAME, GX_BLOCKING,
                    GX_REMEDY_SET, NULL,
                    "gateway/service-account/create is off and gateway/service-account/name is "
                    "empty, so the gateway has no account with the rights to start workers; set "
                    "gateway/service-account/name to an existing ServiceAccount with those "
                    "rights, or turn gateway/service-account/create on");
}

/* ---- the table ------------------------------------------------------------------- */

/* ---- V30: names that reach other releases or the cluster's own objects ---------------- */

static void gx_rule_v30(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    const char *release = cfg->core.release_name ? cfg->core.release_name : "";
    size_t len = strlen(release);
    if (len > 4 && !strcmp(release + len - 4, "-mcp")) {
        gx_field_result(
            out, arena, GX_CODE_V30, GX_F_CORE_RELEASE_NAME, GX_BLOCKING, GX_REMEDY_SET,
            gx_arena_printf(arena, "%.*s-app", (int)(len - 4), release),
            "%s %s ends in -mcp: its objects would be named like the MCP gateway of release %s "
            "(%s-gateway is also %.*s's MCP gateway), so the two releases would overwrite and "
            "delete each other's objects; choose a name that does not end in -mcp",
            gx_fields[GX_F_CORE_RELEASE_NAME].path, gx_quote(arena, release),
            gx_quote(arena, gx_arena_strndup(arena, release, len - 4)), release,
            (int)(len - 4), release);
    }
    static const char *const system[] = {"kube-system", "kube-public", "kube-node-lease"};
    const char *ns = cfg->core.namespace ? cfg->core.namespace : "";
    for (size_t i = 0; i < sizeof system / sizeof system[0]; i++)
        if (!strcmp(ns, system[i]))
            gx_field_result(out, arena, GX_CODE_V30, GX_F_CORE_NAMESPACE, GX_BLOCKING,
                            GX_REMEDY_SET, "glyphoxa",
                            "%s is %s, a namespace of the cluster itself: the release's "
                            "objects, its labels and a later destroy would reach objects that "
                            "other parts of the cluster depend on; use a namespace of the "
                            "release's own",
                            gx_fields[GX_F_CORE_NAMESPACE].path, ns);
}

#define GX_B "blocking"
#define GX_W "warning"
#define GX_BW "blocking, warning"

/* One row a rule: V<n>, its severities, its summary (GX_CODE_V<n>, gx_rule_v<n>). */
#define GX_RULE(n, severities, summary) {"V" #n, GX_CODE_V##n, summary, severities, gx_rule_v##n}

const gx_rule gx_rules[] = {
    /* clang-format off */
    GX_RULE(1, GX_B, "every value matches its type, choices, range and format"),
    GX_RULE(2, GX_B, "core/namespace and core/release-name are DNS labels; release name at most 40 chars"),
    GX_RULE(3, GX_W, "warn when gateway/replica-count > 2 with topology dedicated"),
    GX_RULE(4, GX_W, "warn when gateway/pod-anti-affinity is on with topology dedicated"),
    GX_RULE(5, GX_BW, "gateway/admin-key: required in production, at least 16 chars, no control chars"),
    GX_RULE(6, GX_B, "database/dsn is required when the postgresql component is off"),
    GX_RULE(7, GX_W, "warn when database/dsn is set while the postgresql component is on"),
    GX_RULE(8, GX_W, "warn when database/dsn is not a postgres:// or postgresql:// URL"),
    GX_RULE(9, GX_B, "postgresql/postgres-password is set and has no newline (postgresql on)"),
    GX_RULE(10, GX_W, "warn when local-llm workers get no toleration for nvidia.com/gpu"),
    GX_RULE(11, GX_B, "every resource request is at most its limit"),
    GX_RULE(12, GX_B, "autoscaling/min-replicas is at most autoscaling/max-replicas"),
    GX_RULE(13, GX_B, "observe ports are equal across pods; ports within a pod differ"),
    GX_RULE(14, GX_W, "warn when worker/ports/grpc is not 50051"),
    GX_RULE(15, GX_B, "structured values have their declared shape (tolerations, labels, NPCs, ...)"),
    GX_RULE(16, GX_B, "MCP servers: unique names; stdio needs command, streamable-http needs url"),
    GX_RULE(17, GX_B, "NPCs: unique names, known engine/tier/mode, voice ranges, needed providers"),
    GX_RULE(18, GX_W, "warn on unknown provider names and provider settings without a name"),
    GX_RULE(19, GX_W, "warn when core/image-tag is latest"),
    GX_RULE(20, GX_B, "gateway/service-account/name is set when create is off"),
    GX_RULE(21, GX_B, "image tag (OCI grammar, a label of at most 63 chars), digest, repository and mirror"),
    GX_RULE(22, GX_W, "warn when chart values override a key the tool sets"),
    GX_RULE(23, GX_B, "a chart given as a path exists and is a chart archive or directory"),
    GX_RULE(24, GX_B, "air-gapped: every chart, repository and image goes through the mirror or a local path"),
    GX_RULE(25, GX_W, "warn when the network policy would block a configured endpoint"),
    GX_RULE(26, GX_W, "warn when the tool does not set the namespace's Pod Security"),
    GX_RULE(27, GX_B, "values Kubernetes rejects or that cannot run: root user, service account name"),
    GX_RULE(28, GX_W, "warn on settings that have no effect (GPU, replicas with autoscaling)"),
    GX_RULE(29, GX_B, "a rendered ConfigMap or Secret stays within Kubernetes' 1 MiB"),
    GX_RULE(30, GX_B, "core/release-name does not end in -mcp; core/namespace is not kube-system, kube-public or kube-node-lease"),
    GX_RULE(31, GX_BW, "with sealed-secrets on, sealed-secrets/certificate names the controller's certificate (a readable, current X.509 certificate of an RSA key)"),
    /* clang-format on */
};

#undef GX_B
#undef GX_W
#undef GX_BW
#undef GX_RULE

const size_t gx_rule_count = sizeof gx_rules / sizeof *gx_rules;

void gx_validate(const struct gx_config *cfg, gx_arena *arena, gx_diags *out)
{
    gx_validate_with(cfg, NULL, arena, out);
}

void gx_validate_with(const struct gx_config *cfg, const gx_validate_env *env, gx_arena *arena,
                      gx_diags *out)
{
    if (!out->arena)
        gx_diags_use_arena(out, arena);
    if (!out->limit)
        out->limit = GX_DIAGS_NO_LIMIT;
    const gx_validate_env *saved = gx_rules_env(env);
    for (size_t i = 0; i < gx_rule_count; i++)
        gx_rules[i].check(cfg, arena, out);
    gx_rules_env(saved);
}
