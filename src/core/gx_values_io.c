/* gx_values_io — see gx_values_io.h. */
#include "gx_values_io.h"

#include "gx_files.h"

bool gx_layer_read_file(gx_arena *arena, gx_layer *layer, const char *path, bool missing_ok,
                        gx_diags *diags)
{
    if (missing_ok && !gx_file_exists(path))
        return true;
    char *data;
    size_t len;
    if (!gx_file_read(arena, path, GX_VALUES_MAX_BYTES, &data, &len, diags))
        return false;
    return gx_layer_read(arena, layer, data, len, diags);
}

