/* mcp_json — see mcp_json.h. */
#include "mcp_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_hash.h"
#include "gx_utf8.h"
#include "gx_xalloc.h"

/* ---- strings --------------------------------------------------------------------------- */

json_t *gx_mcp_text(const char *s, size_t len)
{
    if (!s)
        return json_string("");
    json_t *j = json_stringn(s, len);
    if (j)
        return j;
    /* repair: every byte that does not start a well-formed sequence becomes U+FFFD */
    gx_buf b = GX_BUF_INIT;
    for (size_t i = 0; i < len;) {
        size_t n = gx_utf8_decode(s + i, len - i, NULL);
        if (n) {
            gx_buf_put(&b, s + i, n);
            i += n;
        } else {
            gx_buf_put(&b, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
    j = json_stringn(b.data ? b.data : "", b.len);
    gx_buf_free(&b);
    return j ? j : json_string("");
}

json_t *gx_mcp_str(const char *s) { return gx_mcp_text(s, s ? strlen(s) : 0); }

char *gx_mcp_dump(const json_t *value)
{
    return json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* ---- secrets --------------------------------------------------------------------------- */

static void gx_mcp_secrets_put(gx_mcp_secrets *sec, const char *s, size_t len)
{
    if (len < GX_MCP_SECRET_MIN)
        return;
    for (size_t i = 0; i < sec->count; i++)
        if (sec->lens[i] == len && !memcmp(sec->items[i], s, len))
            return;
    if (sec->count == sec->cap) {
        sec->cap = sec->cap ? 2 * sec->cap : 16;
        sec->items = gx_xrealloc(sec->items, sec->cap * sizeof *sec->items);
        sec->lens = gx_xrealloc(sec->lens, sec->cap * sizeof *sec->lens);
    }
    /* longest first: a secret inside a longer one must not break its match */
    size_t at = sec->count;
    while (at > 0 && sec->lens[at - 1] < len) {
        sec->items[at] = sec->items[at - 1];
        sec->lens[at] = sec->lens[at - 1];
        at--;
    }
    sec->items[at] = gx_xstrndup(s, len);
    sec->lens[at] = len;
    sec->count++;
}

void gx_mcp_secrets_add(gx_mcp_secrets *sec, const char *s, size_t len)
{
    if (!s || len < GX_MCP_SECRET_MIN)
        return;
    gx_mcp_secrets_put(sec, s, len);
    gx_buf b64 = GX_BUF_INIT;
    gx_base64_encode(&b64, s, len);
    if (b64.len)
        gx_mcp_secrets_put(sec, b64.data, b64.len);
    gx_buf_free(&b64);
}

void gx_mcp_secrets_load(gx_mcp_secrets *sec, gx_session *s)
{
    gx_values vals;
    if (gx_op_get(s, NULL, GX_GET_SHOW_SECRETS, NULL, &vals) != GX_STATUS_OK)
        return;
    for (size_t i = 0; i < vals.count; i++)
        if (vals.items[i].secret && vals.items[i].text)
            gx_mcp_secrets_add(sec, vals.items[i].text, strlen(vals.items[i].text));
}

void gx_mcp_secrets_free(gx_mcp_secrets *sec)
{
    for (size_t i = 0; i < sec->count; i++)
        free(sec->items[i]);
    free(sec->items);
    free(sec->lens);
    memset(sec, 0, sizeof *sec);
}

void gx_mcp_secrets_copy(gx_mcp_secrets *dst, const gx_mcp_secrets *src)
{
    memset(dst, 0, sizeof *dst);
    if (!src->count)
        return;
    dst->cap = dst->count = src->count;
    dst->items = gx_xmalloc(src->count * sizeof *dst->items);
    dst->lens = gx_xmalloc(src->count * sizeof *dst->lens);
    for (size_t i = 0; i < src->count; i++) {
        dst->items[i] = gx_xstrndup(src->items[i], src->lens[i]);
        dst->lens[i] = src->lens[i];
    }
}

char *gx_mcp_redact_text(const char *s, size_t len, const gx_mcp_secrets *sec, size_t *out_len)
{
    if (!sec)
        return NULL;
    return gx_buf_replace_all(s, len, sec->items, sec->lens, sec->count, GX_MCP_REDACTED,
                              out_len);
}

void gx_mcp_redact(json_t *root, const gx_mcp_secrets *sec)
{
    if (!root || !sec || !sec->count)
        return;
    if (json_is_string(root)) {
        size_t n;
        char *r = gx_mcp_redact_text(json_string_value(root), json_string_length(root), sec, &n);
        if (r) {
            if (json_string_setn(root, r, n) != 0)
                json_string_set(root, GX_MCP_REDACTED);
            free(r);
        }
    } else if (json_is_object(root)) {
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v)
            gx_mcp_redact(v, sec);
    } else if (json_is_array(root)) {
        size_t i;
        json_t *v;
        json_array_foreach(root, i, v)
            gx_mcp_redact(v, sec);
    }
}

/* ---- checking arguments ------------------------------------------------------------------- */

static bool gx_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool gx_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

static bool gx_type_is(const json_t *value, const char *type)
{
    if (!strcmp(type, "object"))
        return json_is_object(value);
    if (!strcmp(type, "array"))
        return json_is_array(value);
    if (!strcmp(type, "string"))
        return json_is_string(value);
    if (!strcmp(type, "integer"))
        return json_is_integer(value);
    if (!strcmp(type, "number"))
        return json_is_number(value);
    if (!strcmp(type, "boolean"))
        return json_is_boolean(value);
    if (!strcmp(type, "null"))
        return json_is_null(value);
    return false;
}

static const char *gx_article(const char *type)
{
    return (type[0] == 'a' || type[0] == 'i' || type[0] == 'o') ? "an" : "a";
}

/* Counts the code points of a UTF-8 string (jansson strings are valid UTF-8). */
static size_t gx_code_points(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += !gx_utf8_is_continuation((unsigned char)s[i]);
    return n;
}

bool gx_mcp_check(const json_t *schema, const json_t *value, const char *where, char *err,
                  size_t errlen)
{
    if (!json_is_object(schema))
        return true;
    const json_t *type = json_object_get(schema, "type");
    if (json_is_string(type)) {
        const char *t = json_string_value(type);
        if (!gx_type_is(value, t))
            return gx_fail(err, errlen, "%s: expected %s %s", where, gx_article(t), t);
    } else if (json_is_array(type)) {
        bool ok = false;
        size_t i;
        json_t *t;
        json_array_foreach(type, i, t)
            if (json_is_string(t) && gx_type_is(value, json_string_value(t)))
                ok = true;
        if (!ok)
            return gx_fail(err, errlen, "%s: not of an accepted type", where);
    }
    const json_t *en = json_object_get(schema, "enum");
    if (json_is_array(en)) {
        bool ok = false;
        size_t i;
        json_t *e;
        json_array_foreach(en, i, e)
            if (json_equal((json_t *)e, (json_t *)value))
                ok = true;
        if (!ok) {
            gx_buf b = GX_BUF_INIT;
            json_array_foreach(en, i, e)
                if (json_is_string(e))
                    gx_buf_printf(&b, "%s%s", i ? ", " : "", json_string_value(e));
            bool r = gx_fail(err, errlen, "%s: expected one of %s", where, b.data ? b.data : "");
            gx_buf_free(&b);
            return r;
        }
    }
    if (json_is_integer(value) || json_is_real(value)) {
        double v = json_number_value(value);
        const json_t *min = json_object_get(schema, "minimum");
        const json_t *max = json_object_get(schema, "maximum");
        if (json_is_number(min) && v < json_number_value(min))
            return gx_fail(err, errlen, "%s: at least %g", where, json_number_value(min));
        if (json_is_number(max) && v > json_number_value(max))
            return gx_fail(err, errlen, "%s: at most %g", where, json_number_value(max));
    }
    if (json_is_string(value)) {
        size_t n = gx_code_points(json_string_value(value), json_string_length(value));
        const json_t *min = json_object_get(schema, "minLength");
        const json_t *max = json_object_get(schema, "maxLength");
        if (json_is_integer(min) && (json_int_t)n < json_integer_value(min))
            return gx_fail(err, errlen, "%s: at least %lld characters", where,
                           (long long)json_integer_value(min));
        if (json_is_integer(max) && (json_int_t)n > json_integer_value(max))
            return gx_fail(err, errlen, "%s: at most %lld characters", where,
                           (long long)json_integer_value(max));
    }
    if (json_is_array(value)) {
        size_t n = json_array_size(value);
        const json_t *min = json_object_get(schema, "minItems");
        const json_t *max = json_object_get(schema, "maxItems");
        if (json_is_integer(min) && (json_int_t)n < json_integer_value(min))
            return gx_fail(err, errlen, "%s: at least %lld item%s", where,
                           (long long)json_integer_value(min),
                           json_integer_value(min) == 1 ? "" : "s");
        if (json_is_integer(max) && (json_int_t)n > json_integer_value(max))
            return gx_fail(err, errlen, "%s: at most %lld items", where,
                           (long long)json_integer_value(max));
        const json_t *items = json_object_get(schema, "items");
        if (json_is_object(items)) {
            size_t i;
            json_t *v;
            json_array_foreach(value, i, v) {
                char sub[200];
                snprintf(sub, sizeof sub, "%s[%zu]", where, i);
                if (!gx_mcp_check(items, v, sub, err, errlen))
                    return false;
            }
        }
    }
    if (json_is_object(value)) {
        const json_t *props = json_object_get(schema, "properties");
        const json_t *req = json_object_get(schema, "required");
        const json_t *addl = json_object_get(schema, "additionalProperties");
        size_t i;
        json_t *r;
        json_array_foreach(req, i, r)
            if (json_is_string(r) && !json_object_get(value, json_string_value(r)))
                return gx_fail(err, errlen, "%s: '%s' is required", where, json_string_value(r));
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)value, key, v) {
            char sub[200];
            snprintf(sub, sizeof sub, "%s.%.80s", where, key);
            const json_t *ps = json_is_object(props) ? json_object_get(props, key) : NULL;
            if (ps) {
                if (!gx_mcp_check(ps, v, sub, err, errlen))
                    return false;
            } else if (json_is_false(addl)) {
                return gx_fail(err, errlen, "%s: unknown argument '%.80s'", where, key);
            } else if (json_is_object(addl)) {
                if (!gx_mcp_check(addl, v, sub, err, errlen))
                    return false;
            }
        }
    }
    return true;
}
