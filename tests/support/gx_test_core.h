/* gx_test_core — helpers for tests that call the core (gx_core.h) in
 * process. Header-only: tests that link the core include it. */
#ifndef GX_TEST_CORE_H
#define GX_TEST_CORE_H

#include "gx_core.h"

/* Exports the workspace of session s into the workspace (generated/,
 * scripts/ and the last-export record), as `export` does, with no sink and
 * no progress; returns the operation's status. */
static inline gx_status gx_test_export(gx_session *s)
{
    gx_export_request req = {0};
    req.dest = GX_EXPORT_WORKSPACE;
    return gx_op_export(s, &req, NULL, NULL);
}

#endif
