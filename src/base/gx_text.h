/* gx_text — small text helpers shared by the runtime and the generator (which
 * compiles no base sources, so everything here is inline). Depends on libc. */
#ifndef GX_TEXT_H
#define GX_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* In a variadic function whose last named parameter is fmt: formats its
 * arguments into the char array buf, cut to fit, always NUL-terminated. */
#define GX_FORMAT_ARGS(buf, fmt)                                                                \
    do {                                                                                        \
        va_list gx_ap_;                                                                         \
        va_start(gx_ap_, fmt);                                                                  \
        if (vsnprintf(buf, sizeof buf, fmt, gx_ap_) < 0)                                        \
            buf[0] = '\0';                                                                      \
        va_end(gx_ap_);                                                                         \
    } while (0)

/* The longest strings gx_edit_distance compares. */
#define GX_EDIT_MAX 200

/* Edit distance of a and b (insert, delete, substitute: 1 each), or
 * SIZE_MAX when either is longer than GX_EDIT_MAX bytes. */
static inline size_t gx_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > GX_EDIT_MAX || lb > GX_EDIT_MAX)
        return SIZE_MAX;
    size_t row[GX_EDIT_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* True when s is one or more decimal digits after an optional '-' (and an
 * optional '+' when plus is true). */
static inline bool gx_is_digits(const char *s, bool plus)
{
    if (*s == '-' || (plus && *s == '+'))
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* True when the len bytes at s are only spaces, tabs, CR and LF (or len is 0). */
static inline bool gx_is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

/* Walks the branches of a slash-separated path, shortest first: each call
 * copies the next prefix that ends before a '/' ("gateway", then
 * "gateway/ports" of "gateway/ports/admin") into buf (cap bytes, NUL
 * terminated) and returns true; false when no '/' is left or the prefix does
 * not fit. *pos is the walk's place: NULL before the first call. */
static inline bool gx_path_branch_next(const char *path, const char **pos, char *buf, size_t cap)
{
    const char *slash = strchr(*pos ? *pos + 1 : path, '/');
    if (!slash || (size_t)(slash - path) >= cap)
        return false;
    size_t len = (size_t)(slash - path);
    memcpy(buf, path, len);
    buf[len] = '\0';
    *pos = slash;
    return true;
}

#endif
