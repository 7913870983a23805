/* gx_derived — the values templates read as derived/NAME, computed from the
 * effective configuration: labels and selectors, the database DSN, the
 * Secret's data, the application's config.yaml and its checksum, merged node
 * selectors and tolerations, the chosen worker profile's resources, and small
 * conditions the template language cannot express (comparisons of ints).
 * Each value is declared in the `derived:` section of
 * schema/glyphoxa.schema.yaml, which makes the generator emit struct gx_derived
 * (gx_schema.h) and lets the template compiler type-check every use.
 * Depends on gx_schema (generated), gx_arena, gx_buf, gx_hash (SHA-256,
 * base64), gx_node and gx_yamlout.
 *
 * Memory: every string, map and node of *out lives in arena (or points into
 * cfg, which must outlive the arena's use); nothing is freed separately. */
#ifndef GX_DERIVED_H
#define GX_DERIVED_H

#include <stddef.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_schema.h"

/* Fills every member of *out from cfg. Never fails and never prints; works on
 * any configuration, valid or not (validation is gx_validate's job), e.g. an
 * empty DSN stays empty. Strings are never NULL (empty is ""); maps are sorted
 * bytewise by key with unique keys; yaml members are never NULL (an empty list
 * node when there is nothing). Deterministic: the same cfg gives the same
 * bytes. The meaning of each member is the description of its entry in the
 * schema's derived: section. */
void gx_derive(const struct gx_config *cfg, gx_arena *arena, struct gx_derived *out);

/* Appends the application's config.yaml for cfg (what derived/app-config
 * holds): the keys server, providers, npcs, memory, mcp, campaign and
 * transcript in that order, each only when it has something to say (server
 * and memory always do), snake_case as the application spells them, every
 * string quoted so that YAML 1.1 and 1.2 readers give it back exactly. */
void gx_app_config_write(const struct gx_config *cfg, gx_buf *out);

/* Appends s percent-encoded for a URL's userinfo or path segment: every byte
 * except the unreserved A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex). */
void gx_percent_encode(gx_buf *out, const char *s);

#endif
