/* gx_test_fixture — the fixture most unit suites start from: an arena and an
 * empty diagnostics list, fresh for every test. Part of tests/support (linked
 * into every test as gx_test_support); depends on gx_arena and gx_diag.
 *
 * Use gx_test_fx_setup / gx_test_fx_teardown as a test's setup and teardown
 * (GX_TEST_FX(test) in a cmocka table); the test gets its gx_test_fx from
 * *state. */
#ifndef GX_TEST_FIXTURE_H
#define GX_TEST_FIXTURE_H

#include "gx_arena.h"
#include "gx_diag.h"

typedef struct gx_test_fx {
    gx_arena *arena;
    gx_diags diags;
} gx_test_fx;

/* *state = a new fixture; 0, or -1 when it cannot be allocated. */
int gx_test_fx_setup(void **state);

/* Frees the fixture in *state: its diagnostics and its arena. Returns 0. */
int gx_test_fx_teardown(void **state);

/* A cmocka table entry: test with this fixture. */
#define GX_TEST_FX(test) cmocka_unit_test_setup_teardown(test, gx_test_fx_setup, gx_test_fx_teardown)

#endif
