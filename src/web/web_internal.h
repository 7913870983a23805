/* web_internal — what the parts of the web front end share: the server,
 * the context of one request, the replies (every one with the security
 * headers, every JSON body searched for secret values), and the runs of
 * targets. Depends on gx_core.h, base and libevent; private to src/web. */
#ifndef GX_WEB_INTERNAL_H
#define GX_WEB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

#include "gx_buf.h"
#include "gx_core.h"

/* Largest request body taken (SPEC: 1 MiB); larger ones get 413. */
#define GX_WEB_MAX_BODY (1024 * 1024)

/* Secret values that no response may carry are kept in a gx_secrets of the
 * core (zeroed: every non-empty value, as it is); gx_json_redact replaces
 * each by "<redacted>" in every JSON string sent. */

typedef struct gx_web_run gx_web_run;

/* The server. */
typedef struct gx_web {
    struct event_base *base;
    struct evhttp *http;
    gx_session *session;  /* the one the command line set up: cloned per request */
    char host[300];       /* what the Host header must read: "127.0.0.1:PORT" */
    char host_alt[300];   /* "localhost:PORT" when listening on loopback, else "" */
    char origin[320], origin_alt[320]; /* "http://" + host, host_alt */
    char token[65];       /* the one-time login token; "" once used */
    char cookie[65];      /* the session cookie's value; "" before the login */
    char csrf[65];        /* the CSRF token the page sends back */
    gx_web_run **runs;
    size_t nruns, cap_runs;
    gx_buf inputs;          /* gx_session_inputs when secrets was loaded */
    gx_secrets secrets;     /* the workspace's secret values at inputs */
    bool secrets_known;
    int next_run;
} gx_web;

/* One request being answered. */
typedef struct gx_web_req {
    gx_web *srv;
    struct evhttp_request *req;
    const char *path;     /* the decoded path ("/api/values") */
    struct evkeyvalq *query;
    json_t *body;         /* POST: the parsed JSON object; NULL otherwise */
    gx_session *s;        /* the request's own session (gx_web_session) */
    gx_secrets secrets;
} gx_web_req;

/* The request's session (a clone of the server's, made on first use, freed
 * with the request). */
gx_session *gx_web_session(gx_web_req *r);

/* Replies: o (consumed) as JSON with status, after replacing every secret
 * value of r->secrets in it. */
void gx_web_json(gx_web_req *r, int status, json_t *o);
/* {"error": {"status", "code", "message", "diagnostics"?}}; diags consumed
 * (may be NULL). */
void gx_web_error(gx_web_req *r, int status, const char *code, const char *message,
                  json_t *diags);
/* Adds the headers every response carries (CSP, frame, sniffing, referrer,
 * caching). */
void gx_web_security_headers(struct evhttp_request *req);

/* A sink collecting diagnostics and results as JSON (gx_web_collect_sink). */
typedef struct gx_web_collect {
    json_t *diags;   /* array */
} gx_web_collect;
gx_sink gx_web_collect_sink(gx_web_collect *c);
/* The first blocking message of c, or fallback. */
const char *gx_web_first_message(const gx_web_collect *c, const char *fallback);

/* ---- the API (web_api.c) ---- */
/* Answers r (path below /api/). */
void gx_web_api(gx_web_req *r);
/* HTTP status for an operation's failure. */
int gx_web_status_for(gx_status st, const gx_web_collect *c);

/* ---- runs of targets (web_apply.c) ---- */
/* True when a run has not ended (it may hold the workspace lock). */
bool gx_web_busy(gx_web *srv);
/* POST /api/apply, POST /api/rollback. */
void gx_web_apply_start(gx_web_req *r, bool rollback);
/* /api/runs/ID[/events|/cancel]: rest is what follows "/api/runs/". */
void gx_web_runs(gx_web_req *r, const char *rest);
/* At shutdown: cancels and finishes every run. */
void gx_web_runs_free(gx_web *srv);

#endif
