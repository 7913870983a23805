/* gx_core_assets — the files of web/ compiled into the binary (the
 * generated gx_assets table), for the web front end. See gx_core.h. */
#include "gx_core.h"

#include "gx_assets.h"

size_t gx_core_asset_count(void) { return gx_asset_count; }

const gx_asset *gx_core_asset(size_t index)
{
    return index < gx_asset_count ? &gx_assets[index] : NULL;
}
