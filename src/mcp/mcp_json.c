/* mcp_json — see mcp_json.h. */
#include "mcp_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_utf8.h"

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
