/* gx_shell — single-quoted POSIX shell words. See gx_shell.h. */
#include "gx_shell.h"

#include <string.h>

void gx_shell_word(gx_buf *out, const char *s, size_t len)
{
    if (!s)
        len = 0;
    gx_buf_putc(out, '\'');
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\'')
            continue;
        gx_buf_put(out, s + run, i - run);
        /* close the quote, an escaped quote, reopen */
        gx_buf_put(out, "'\\''", 4);
        run = i + 1;
    }
    if (len > run)
        gx_buf_put(out, s + run, len - run);
    gx_buf_putc(out, '\'');
}
