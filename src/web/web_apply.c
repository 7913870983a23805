/* web_apply — runs of targets started from the page: the target is followed
 * through its descriptor on the event loop (never waited for), its events are
 * kept and streamed to every subscriber as server-sent events (step, output,
 * status, diagnostic, done), and cancel kills its process group. See
 * web_internal.h. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "gx_buf.h"
#include "gx_xalloc.h"
#include "web_internal.h"

/* Runs kept after they ended (their events can still be read). */
#define GX_WEB_KEEP_RUNS 8
/* Bytes of events kept per run for late subscribers; later events still
 * stream to those connected. */
#define GX_WEB_RUN_LOG (4 * 1024 * 1024)
/* Longest line sent; the rest is cut at a character boundary. */
#define GX_WEB_MAX_LINE 8192

typedef struct gx_web_sub {
    gx_web_run *run;
    struct evhttp_request *req;
} gx_web_sub;

struct gx_web_run {
    gx_web *srv;
    int id;
    const char *target;   /* static: the target table's name, or "rollback" */
    bool dry_run, rollback;
    gx_session *s;
    gx_apply *apply;
    struct event *ev;
    gx_secrets secrets;
    bool ended, cancelled, log_full;
    int exit;
    gx_buf log;           /* the SSE text of every event so far */
    gx_web_sub **subs;
    size_t nsubs;
};

bool gx_web_busy(gx_web *srv)
{
    for (size_t i = 0; i < srv->nruns; i++)
        if (!srv->runs[i]->ended)
            return true;
    return false;
}

static size_t gx_cut(const char *s, size_t len)
{
    return gx_buf_utf8_cut(s, len, GX_WEB_MAX_LINE);
}

/* ---- subscribers ---------------------------------------------------------------------- */

static void gx_sub_drop(gx_web_sub *sub)
{
    gx_web_run *run = sub->run;
    for (size_t i = 0; i < run->nsubs; i++)
        if (run->subs[i] == sub) {
            run->subs[i] = run->subs[--run->nsubs];
            break;
        }
    free(sub);
}

static void gx_sub_closed(struct evhttp_connection *evcon, void *arg)
{
    (void)evcon;
    gx_sub_drop(arg); /* libevent frees the request with the connection */
}

static void gx_sub_end(gx_web_sub *sub)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(sub->req);
    if (evcon)
        evhttp_connection_set_closecb(evcon, NULL, NULL);
    evhttp_send_reply_end(sub->req);
    gx_sub_drop(sub);
}

/* Sends one event (o consumed, redacted) to every subscriber and keeps it. */
static void gx_run_emit(gx_web_run *run, const char *name, json_t *o)
{
    gx_json_redact(o, &run->secrets);
    char *data = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!data)
        return;
    gx_buf ev = GX_BUF_INIT;
    gx_buf_printf(&ev, "event: %s\ndata: %s\n\n", name, data);
    free(data);
    if (run->log.len + ev.len <= GX_WEB_RUN_LOG)
        gx_buf_put(&run->log, ev.data, ev.len);
    else
        run->log_full = true;
    for (size_t i = 0; i < run->nsubs; i++) {
        struct evbuffer *b = evbuffer_new();
        evbuffer_add(b, ev.data, ev.len);
        evhttp_send_reply_chunk(run->subs[i]->req, b);
        evbuffer_free(b);
    }
    gx_buf_free(&ev);
}

static void gx_run_event(void *ctx, const gx_event *ev)
{
    gx_web_run *run = ctx;
    switch (ev->kind) {
    case GX_EV_STEP:
        gx_run_emit(run, "step", json_pack("{s:i, s:i, s:s#}", "step", ev->step, "steps",
                                           ev->steps, "title", ev->text,
                                           gx_cut(ev->text, ev->len)));
        break;
    case GX_EV_OUTPUT:
        gx_run_emit(run, "output",
                    json_pack("{s:s#, s:s, s:b}", "line", ev->text, gx_cut(ev->text, ev->len),
                              "stream", ev->stream == 2 ? "stderr" : "stdout", "partial",
                              ev->partial));
        break;
    case GX_EV_STATUS:
        gx_run_emit(run, "status",
                    json_pack("{s:s#}", "text", ev->text, gx_cut(ev->text, ev->len)));
        break;
    case GX_EV_DIAG:
    case GX_EV_RESULT:
        if (ev->diag)
            gx_run_emit(run, "diagnostic", gx_json_diag(ev->diag));
        break;
    default: break;
    }
}

/* ---- following -------------------------------------------------------------------------- */

static void gx_run_end(gx_web_run *run)
{
    run->ended = true;
    if (run->ev) {
        event_free(run->ev);
        run->ev = NULL;
    }
    run->exit = gx_apply_finish(run->apply);
    run->apply = NULL;
    gx_run_emit(run, "done", json_pack("{s:i, s:b, s:s, s:b}", "exit", run->exit, "cancelled",
                                       run->cancelled, "target", run->target, "dry_run",
                                       run->dry_run));
    while (run->nsubs)
        gx_sub_end(run->subs[0]);
    gx_session_free(run->s); /* releases what the target held */
    run->s = NULL;
}

static void gx_run_ready(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    gx_web_run *run = arg;
    if (!run->ended && gx_apply_poll(run->apply, 0))
        gx_run_end(run);
}

static void gx_run_free(gx_web_run *run)
{
    if (!run->ended) {
        if (!run->cancelled)
            gx_apply_cancel(run->apply);
        run->cancelled = true;
        while (!gx_apply_poll(run->apply, -1))
            ;
        gx_run_end(run);
    }
    while (run->nsubs)
        gx_sub_end(run->subs[0]);
    gx_secrets_free(&run->secrets);
    gx_buf_free(&run->log);
    free(run->subs);
    free(run);
}

void gx_web_runs_free(gx_web *srv)
{
    for (size_t i = 0; i < srv->nruns; i++)
        gx_run_free(srv->runs[i]);
    free(srv->runs);
    srv->runs = NULL;
    srv->nruns = 0;
}

static void gx_runs_add(gx_web *srv, gx_web_run *run)
{
    /* forget the oldest ended runs */
    while (srv->nruns >= GX_WEB_KEEP_RUNS) {
        size_t k = 0;
        while (k < srv->nruns && !srv->runs[k]->ended)
            k++;
        if (k == srv->nruns)
            break;
        gx_run_free(srv->runs[k]);
        memmove(srv->runs + k, srv->runs + k + 1, (srv->nruns - k - 1) * sizeof *srv->runs);
        srv->nruns--;
    }
    if (srv->nruns == srv->cap_runs) {
        srv->cap_runs = srv->cap_runs ? 2 * srv->cap_runs : 8;
        srv->runs = gx_xrealloc(srv->runs, srv->cap_runs * sizeof *srv->runs);
    }
    srv->runs[srv->nruns++] = run;
}

static gx_web_run *gx_runs_find(gx_web *srv, int id)
{
    for (size_t i = 0; i < srv->nruns; i++)
        if (srv->runs[i]->id == id)
            return srv->runs[i];
    return NULL;
}

/* ---- the endpoints ------------------------------------------------------------------------- */

void gx_web_apply_start(gx_web_req *r, bool rollback)
{
    gx_web *srv = r->srv;
    if (gx_web_busy(srv)) {
        gx_web_error(r, 409, "busy", "a target is running: wait for its end or cancel it", NULL);
        return;
    }
    const char *target = "default";
    json_t *t = json_object_get(r->body, "target");
    json_t *dry = json_object_get(r->body, "dry_run");
    json_t *timeout = json_object_get(r->body, "timeout_seconds");
    json_t *confirmed = json_object_get(r->body, "confirmed");
    json_t *number = json_object_get(r->body, "revision");
    if ((t && !json_is_string(t)) || (dry && !json_is_boolean(dry)) ||
        (confirmed && !json_is_boolean(confirmed)) ||
        (timeout && (!json_is_integer(timeout) || json_integer_value(timeout) < 1 ||
                     json_integer_value(timeout) > 7 * 24 * 3600)) ||
        (rollback && number && (!json_is_integer(number) || json_integer_value(number) < 0))) {
        gx_web_error(r, 400, "bad-request",
                     rollback ? "rollback takes {revision: N, dry_run, timeout_seconds}"
                              : "apply takes {target, dry_run, timeout_seconds, confirmed}",
                     NULL);
        return;
    }
    if (t)
        target = json_string_value(t);
    int ti = rollback ? 0 : gx_core_target_find(target);
    if (ti < 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "unknown target '%.100s'", target);
        gx_web_error(r, 400, "unknown-target", msg, NULL);
        return;
    }
    gx_web_run *run = gx_xcalloc(1, sizeof *run);
    run->srv = srv;
    run->id = srv->next_run++;
    run->rollback = rollback;
    run->target = rollback ? "rollback" : gx_core_target((size_t)ti)->name;
    run->dry_run = !json_is_false(dry); /* a dry run unless asked otherwise */
    gx_secrets_copy(&run->secrets, &r->secrets);
    run->s = gx_session_clone(srv->session);
    gx_session_set_client(run->s, rollback ? "glyphoxa-deploy serve: rollback"
                                           : "glyphoxa-deploy serve: apply",
                          NULL);

    gx_apply_request req;
    memset(&req, 0, sizeof req);
    req.target = run->target;
    req.dry_run = run->dry_run;
    req.timeout_seconds = timeout ? (int)json_integer_value(timeout) : 0;
    req.confirmed = json_is_true(confirmed);
    static const char *const no_options[] = {NULL};
    req.target_options = no_options;
    gx_web_collect c = {json_array()};
    /* events of the start go to the run's log too */
    gx_sink sink = {gx_run_event, run};
    gx_status st = rollback ? gx_rollback_start(run->s, &req,
                                                number ? (int)json_integer_value(number) : 0,
                                                &sink, &run->apply)
                            : gx_apply_start(run->s, &req, &sink, &run->apply);
    if (st != GX_STATUS_OK) {
        /* the diagnostics of the start, from the run's log */
        gx_session_free(run->s);
        run->s = NULL;
        const char *p = run->log.data;
        while (p && (p = strstr(p, "event: diagnostic\ndata: "))) {
            p += 24;
            const char *e = strchr(p, '\n');
            json_t *d = json_loadb(p, (size_t)(e - p), 0, NULL);
            if (d)
                json_array_append_new(c.diags, d);
            p = e;
        }
        gx_secrets_free(&run->secrets);
        gx_buf_free(&run->log);
        free(run);
        srv->next_run--;
        char msg[600];
        snprintf(msg, sizeof msg, "%s did not start: %s", rollback ? "rollback" : "apply",
                 gx_web_first_message(&c, "see the diagnostics"));
        json_t *diags = c.diags;
        gx_web_error(r, st == GX_STATUS_BAD_REQUEST ? 400 : 422,
                     st == GX_STATUS_BAD_REQUEST ? "bad-request" : "failed", msg, diags);
        return;
    }
    json_decref(c.diags);
    /* reads may go on while a target that exported first runs; writes wait */
    gx_session_share_lock(run->s);
    run->ev = event_new(srv->base, gx_apply_fd(run->apply), EV_READ | EV_PERSIST, gx_run_ready,
                        run);
    event_add(run->ev, NULL);
    gx_runs_add(srv, run);
    char events[64];
    snprintf(events, sizeof events, "/api/runs/%d/events", run->id);
    gx_web_json(r, 202, json_pack("{s:i, s:s, s:s, s:b}", "run", run->id, "events", events,
                                  "target", run->target, "dry_run", run->dry_run));
    /* something may be ready already */
    gx_run_ready(-1, 0, run);
}

/* GET /api/runs/ID/events: the events so far, then live ones. */
static void gx_run_subscribe(gx_web_req *r, gx_web_run *run)
{
    struct evhttp_request *req = r->req;
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    gx_web_security_headers(req);
    evhttp_add_header(h, "Content-Type", "text/event-stream");
    evhttp_add_header(h, "X-Accel-Buffering", "no");
    evhttp_send_reply_start(req, 200, "OK");
    struct evbuffer *b = evbuffer_new();
    evbuffer_add_printf(b, "retry: 100000000\n\n");
    if (run->log.len)
        evbuffer_add(b, run->log.data, run->log.len);
    evhttp_send_reply_chunk(req, b);
    evbuffer_free(b);
    if (run->ended) {
        evhttp_send_reply_end(req);
        return;
    }
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    /* the stream lasts as long as the target; the client sends nothing meanwhile */
    evhttp_connection_set_timeout(evcon, 7 * 24 * 3600);
    gx_web_sub *sub = gx_xcalloc(1, sizeof *sub);
    sub->run = run;
    sub->req = req;
    run->subs = gx_xrealloc(run->subs, (run->nsubs + 1) * sizeof *run->subs);
    run->subs[run->nsubs++] = sub;
    evhttp_connection_set_closecb(evcon, gx_sub_closed, sub);
}

void gx_web_runs(gx_web_req *r, const char *rest)
{
    char *end;
    long id = strtol(rest, &end, 10);
    gx_web_run *run = (end != rest && id > 0 && id < 1000000000) ? gx_runs_find(r->srv, (int)id)
                                                                 : NULL;
    if (!run) {
        gx_web_error(r, 404, "not-found", "no such run (the last 8 are kept)", NULL);
        return;
    }
    enum evhttp_cmd_type cmd = evhttp_request_get_command(r->req);
    if (!strcmp(end, "") && cmd == EVHTTP_REQ_GET) {
        gx_web_json(r, 200,
                    json_pack("{s:i, s:s, s:b, s:b, s:b, s:o}", "run", run->id, "target",
                              run->target, "dry_run", run->dry_run, "ended", run->ended,
                              "cancelled", run->cancelled, "exit",
                              run->ended ? json_integer(run->exit) : json_null()));
    } else if (!strcmp(end, "/events") && cmd == EVHTTP_REQ_GET) {
        gx_run_subscribe(r, run);
    } else if (!strcmp(end, "/cancel") && cmd == EVHTTP_REQ_POST) {
        bool was = !run->ended && !run->cancelled;
        if (was) {
            run->cancelled = true;
            gx_apply_cancel(run->apply);
        }
        gx_web_json(r, 200, json_pack("{s:i, s:b, s:b}", "run", run->id, "cancelled",
                                      run->cancelled, "ended", run->ended));
    } else if (!strcmp(end, "") || !strcmp(end, "/events") || !strcmp(end, "/cancel")) {
        gx_web_error(r, 405, "method-not-allowed", "this endpoint does not take that method",
                     NULL);
    } else {
        gx_web_error(r, 404, "not-found", "no such endpoint (docs/web-api.md lists them)", NULL);
    }
}
