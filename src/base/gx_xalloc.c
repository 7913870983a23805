/* gx_xalloc — see gx_xalloc.h. */
#include "gx_xalloc.h"

#include <stdarg.h>

char *gx_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        gx_xalloc_fail(); /* vasprintf could not allocate (or the text exceeds INT_MAX) */
    return s;
}
