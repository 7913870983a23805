/* gx_test_sink — a recording sink for tests of the core (gx_core.h): it
 * counts events by kind, keeps the output lines of a target ("STREAM:line\n"),
 * the exit status of the DONE event, and the codes of diagnostics and results
 * (space-separated). Header-only: tests that link the core include it. */
#ifndef GX_TEST_SINK_H
#define GX_TEST_SINK_H

#include <stdio.h>
#include <string.h>

#include "gx_core.h"

typedef struct rec_sink {
    int events[GX_EV_DONE + 1];
    char output[8192]; /* OUTPUT lines, each "STREAM:line\n" */
    size_t output_len;
    int last_done;
    char codes[1024];  /* codes of DIAG/RESULT events, space-separated */
} rec_sink;

static inline void rec_event(void *ctx, const gx_event *ev)
{
    rec_sink *r = ctx;
    r->events[ev->kind]++;
    if (ev->kind == GX_EV_OUTPUT && r->output_len + ev->len + 4 < sizeof r->output)
        r->output_len += (size_t)snprintf(r->output + r->output_len,
                                          sizeof r->output - r->output_len, "%d:%.*s\n",
                                          ev->stream, (int)ev->len, ev->text);
    if (ev->kind == GX_EV_DONE)
        r->last_done = ev->status;
    if ((ev->kind == GX_EV_DIAG || ev->kind == GX_EV_RESULT) &&
        strlen(r->codes) + 40 < sizeof r->codes) {
        strcat(r->codes, gx_code_id(ev->diag->code));
        strcat(r->codes, " ");
    }
}

static inline gx_sink rec_make(rec_sink *r)
{
    memset(r, 0, sizeof *r);
    gx_sink s = {rec_event, r};
    return s;
}

#endif
