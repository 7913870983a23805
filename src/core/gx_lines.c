/* gx_lines — see gx_lines.h. */
#include "gx_lines.h"

size_t gx_lines_split(gx_arena *arena, const char *text, size_t len, gx_line **out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    if (len && text[len - 1] != '\n')
        n++;
    gx_line *lines = gx_arena_alloc(arena, (n ? n : 1) * sizeof *lines);
    size_t k = 0, start = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') {
            lines[k++] = (gx_line){text + start, i - start, true};
            start = i + 1;
        }
    if (start < len)
        lines[k++] = (gx_line){text + start, len - start, false};
    *out = lines;
    return n;
}
