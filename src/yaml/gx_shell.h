/* gx_shell — shell words for rendered scripts. Depends on gx_buf. */
#ifndef GX_SHELL_H
#define GX_SHELL_H

#include <stddef.h>

#include "gx_buf.h"

/* Appends s as one single-quoted POSIX shell word ('it'\''s'); the empty string
 * becomes ''. Every byte other than the quote is kept as is. */
void gx_shell_word(gx_buf *out, const char *s, size_t len);

#endif
