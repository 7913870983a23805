/* gx_values_io — values files on disk: reading a values file into a layer
 * through the file-safety layer. Core-internal. Depends on gx_model (config)
 * and gx_files (os). */
#ifndef GX_VALUES_IO_H
#define GX_VALUES_IO_H

#include <stdbool.h>

#include "gx_model.h"

/* gx_layer_read of a file: at most GX_VALUES_MAX_BYTES, must be a regular file.
 * A missing file is an error unless missing_ok (then the layer stays empty). */
bool gx_layer_read_file(gx_arena *arena, gx_layer *layer, const char *path, bool missing_ok,
                        gx_diags *diags);

#endif
