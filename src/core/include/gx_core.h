/* gx_core — the one API every front end drives (placeholder while the core
 * operations move here). */
#ifndef GX_CORE_H
#define GX_CORE_H
#endif
