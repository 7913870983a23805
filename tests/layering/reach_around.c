/* A front end that reaches around the core: it includes an internal header of
 * the config layer. The build must refuse it (tests/layering, ctest
 * layering_front_end_cannot_reach_around): front ends see only gx_core.h and
 * base headers. */
#include "gx_core.h"
#include "gx_model.h"

int main(void)
{
    gx_layer layer;
    (void)layer;
    return 0;
}
