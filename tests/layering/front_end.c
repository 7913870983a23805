/* A front end that keeps to the rules: the core's public header and base
 * headers only. It must build (ctest layering_front_end_builds), so the
 * failing twin fails for the header and nothing else. */
#include "gx_arena.h"
#include "gx_core.h"

int main(void)
{
    gx_session *s = gx_session_new(".");
    gx_session_free(s);
    return gx_core_field_count() > 0 ? 0 : 1;
}
