/* gx_test_fixture — see gx_test_fixture.h. */
#include "gx_test_fixture.h"

#include <stdlib.h>

int gx_test_fx_setup(void **state)
{
    gx_test_fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->arena = gx_arena_new();
    *state = f;
    return 0;
}

int gx_test_fx_teardown(void **state)
{
    gx_test_fx *f = *state;
    gx_diags_free(&f->diags);
    gx_arena_free(f->arena);
    free(f);
    return 0;
}
