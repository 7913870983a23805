/* web_server — the HTTP side of `serve`: listening, the login with the
 * one-time token, the checks every request passes (Host, session cookie,
 * CSRF token and Origin), the security headers, the compiled-in page and
 * the JSON replies. See web_main.h. */
#include "web_main.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

#include "gx_buf.h"
#include "gx_xalloc.h"
#include "web_internal.h"

/* Bodies up to this size are read, so that those over GX_WEB_MAX_BODY get a
 * JSON 413 from here; libevent answers larger ones itself (413 as well). */
#define GX_WEB_READ_LIMIT (4 * GX_WEB_MAX_BODY)
/* Seconds a client may take to send a request (slow clients are dropped). */
#define GX_WEB_TIMEOUT 10

/* ---- replies ---------------------------------------------------------------------------- */

void gx_web_security_headers(struct evhttp_request *req)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Security-Policy",
                      "default-src 'none'; script-src 'self'; style-src 'self'; "
                      "img-src 'self'; connect-src 'self'; form-action 'self'; "
                      "base-uri 'none'; frame-ancestors 'none'");
    evhttp_add_header(h, "X-Frame-Options", "DENY");
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    evhttp_add_header(h, "Referrer-Policy", "no-referrer");
    evhttp_add_header(h, "Cache-Control", "no-store");
    evhttp_add_header(h, "Cross-Origin-Opener-Policy", "same-origin");
    evhttp_add_header(h, "Cross-Origin-Resource-Policy", "same-origin");
}

static const char *gx_web_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    default: return status >= 500 ? "Internal Server Error" : "Error";
    }
}

void gx_web_json(gx_web_req *r, int status, json_t *o)
{
    gx_json_redact(o, &r->secrets);
    char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    struct evbuffer *buf = evbuffer_new();
    if (text) {
        evbuffer_add(buf, text, strlen(text));
        evbuffer_add(buf, "\n", 1);
    }
    free(text);
    gx_web_security_headers(r->req);
    evhttp_add_header(evhttp_request_get_output_headers(r->req), "Content-Type",
                      "application/json");
    evhttp_send_reply(r->req, status, gx_web_reason(status), buf);
    evbuffer_free(buf);
}

void gx_web_error(gx_web_req *r, int status, const char *code, const char *message,
                  json_t *diags)
{
    json_t *e = json_pack("{s:i, s:s, s:s}", "status", status, "code", code, "message", message);
    if (diags)
        json_object_set_new(e, "diagnostics", diags);
    gx_web_json(r, status, json_pack("{s:o}", "error", e));
}

gx_session *gx_web_session(gx_web_req *r)
{
    if (!r->s) {
        r->s = gx_session_clone(r->srv->session);
        gx_session_set_client(r->s, "glyphoxa-deploy serve", NULL);
    }
    return r->s;
}

static void gx_collect_event(void *ctx, const gx_event *ev)
{
    gx_web_collect *c = ctx;
    if ((ev->kind == GX_EV_DIAG || ev->kind == GX_EV_RESULT) && ev->diag)
        json_array_append_new(c->diags, gx_json_diag(ev->diag));
}

gx_sink gx_web_collect_sink(gx_web_collect *c)
{
    if (!c->diags)
        c->diags = json_array();
    return (gx_sink){gx_collect_event, c};
}

const char *gx_web_first_message(const gx_web_collect *c, const char *fallback)
{
    return gx_json_first_blocking(c->diags, fallback);
}

/* ---- checks --------------------------------------------------------------------------- */

/* Compares in time independent of where they differ. */
static bool gx_web_token_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = (unsigned char)(la != lb);
    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return la && !diff;
}

static bool gx_web_host_ok(const gx_web *srv, const char *host)
{
    return host && (!strcmp(host, srv->host) || (srv->host_alt[0] && !strcmp(host, srv->host_alt)));
}

/* The value of cookie name in the Cookie header, copied into out. */
static bool gx_web_cookie(struct evhttp_request *req, const char *name, char *out, size_t size)
{
    const char *c = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
    size_t nl = strlen(name);
    while (c && *c) {
        while (*c == ' ' || *c == ';')
            c++;
        const char *end = strchr(c, ';');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        if (len > nl && !strncmp(c, name, nl) && c[nl] == '=') {
            size_t vl = len - nl - 1;
            if (vl >= size)
                return false;
            memcpy(out, c + nl + 1, vl);
            out[vl] = '\0';
            return true;
        }
        c = end;
    }
    return false;
}

static void gx_web_random_hex(char out[65])
{
    unsigned char raw[32];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "glyphoxa-deploy: error: serve: the OS random source failed\n");
            abort();
        }
        got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/* ---- the page ----------------------------------------------------------------------------- */

static void gx_web_asset(gx_web_req *r, const char *path)
{
    size_t n = gx_core_asset_count();
    for (size_t i = 0; i < n; i++) {
        const gx_asset *a = gx_core_asset(i);
        if (strcmp(a->path, path))
            continue;
        struct evbuffer *buf = evbuffer_new();
        evbuffer_add_reference(buf, a->data, a->len, NULL, NULL);
        gx_web_security_headers(r->req);
        evhttp_add_header(evhttp_request_get_output_headers(r->req), "Content-Type",
                          a->content_type ? a->content_type : "application/octet-stream");
        evhttp_send_reply(r->req, 200, "OK", buf);
        evbuffer_free(buf);
        return;
    }
    gx_web_error(r, 404, "not-found", "no such page", NULL);
}

/* GET /login?token=T: the one-time token sets the session cookie. */
static void gx_web_login(gx_web_req *r)
{
    gx_web *srv = r->srv;
    const char *token = evhttp_find_header(r->query, "token");
    if (!token || !srv->token[0] || !gx_web_token_equal(token, srv->token)) {
        gx_web_error(r, 401, "unauthorized",
                     "this login link is not valid (it works once): start serve again for a new "
                     "one",
                     NULL);
        return;
    }
    srv->token[0] = '\0'; /* one time */
    gx_web_random_hex(srv->cookie);
    char cookie[160];
    snprintf(cookie, sizeof cookie, "gx_session=%s; Path=/; HttpOnly; SameSite=Strict",
             srv->cookie);
    struct evkeyvalq *h = evhttp_request_get_output_headers(r->req);
    gx_web_security_headers(r->req);
    evhttp_add_header(h, "Set-Cookie", cookie);
    evhttp_add_header(h, "Location", "/");
    evhttp_add_header(h, "Content-Type", "application/json");
    struct evbuffer *buf = evbuffer_new();
    evbuffer_add_printf(buf, "{\"login\":true}\n");
    evhttp_send_reply(r->req, 303, "See Other", buf);
    evbuffer_free(buf);
}

static bool gx_web_is_write(enum evhttp_cmd_type cmd)
{
    return cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD;
}

static void gx_web_handle(struct evhttp_request *req, void *arg)
{
    gx_web *srv = arg;
    gx_web_req r;
    memset(&r, 0, sizeof r);
    r.srv = srv;
    r.req = req;
    struct evkeyvalq query;
    TAILQ_INIT(&query);
    r.query = &query;
    char *path = NULL;
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);

    /* DNS rebinding: the Host must name the address listened on */
    if (!gx_web_host_ok(srv, evhttp_find_header(in, "Host"))) {
        gx_web_error(&r, 403, "bad-host",
                     "the Host header does not name the address this server listens on", NULL);
        goto out;
    }
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *raw = uri ? evhttp_uri_get_path(uri) : NULL;
    path = raw ? evhttp_uridecode(raw, 0, NULL) : NULL;
    if (!path || path[0] != '/' || strstr(path, "/..") || strchr(path, '\\')) {
        gx_web_error(&r, 400, "bad-path", "the request path is malformed", NULL);
        goto out;
    }
    r.path = path;
    const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
    if (q && evhttp_parse_query_str(q, &query) != 0) {
        gx_web_error(&r, 400, "bad-query", "the query string is malformed", NULL);
        goto out;
    }
    if (!strcmp(path, "/login")) {
        if (cmd != EVHTTP_REQ_GET) {
            gx_web_error(&r, 405, "method-not-allowed", "use GET", NULL);
            goto out;
        }
        gx_web_login(&r);
        goto out;
    }
    char cookie[80];
    if (!srv->cookie[0] || !gx_web_cookie(req, "gx_session", cookie, sizeof cookie) ||
        !gx_web_token_equal(cookie, srv->cookie)) {
        gx_web_error(&r, 401, "unauthorized",
                     "no session: open the URL serve printed (its token logs you in once)", NULL);
        goto out;
    }
    if (gx_web_is_write(cmd)) {
        const char *origin = evhttp_find_header(in, "Origin");
        const char *csrf = evhttp_find_header(in, "X-CSRF-Token");
        if (!origin || (strcmp(origin, srv->origin) && (!srv->origin_alt[0] ||
                                                        strcmp(origin, srv->origin_alt)))) {
            gx_web_error(&r, 403, "bad-origin",
                         "a request that changes something needs the Origin of this page", NULL);
            goto out;
        }
        if (!csrf || !gx_web_token_equal(csrf, srv->csrf)) {
            gx_web_error(&r, 403, "bad-csrf-token",
                         "a request that changes something needs the page's CSRF token "
                         "(X-CSRF-Token)",
                         NULL);
            goto out;
        }
        if (cmd != EVHTTP_REQ_POST) {
            gx_web_error(&r, 405, "method-not-allowed", "use GET or POST", NULL);
            goto out;
        }
        struct evbuffer *body = evhttp_request_get_input_buffer(req);
        size_t len = evbuffer_get_length(body);
        if (len > GX_WEB_MAX_BODY) {
            gx_web_error(&r, 413, "too-large", "the request body is over 1 MiB", NULL);
            goto out;
        }
        const char *ct = evhttp_find_header(in, "Content-Type");
        if (len && (!ct || strncmp(ct, "application/json", 16))) {
            gx_web_error(&r, 415, "bad-content-type", "the body must be application/json",
                         NULL);
            goto out;
        }
        if (len) {
            json_error_t err;
            r.body = json_loadb((const char *)evbuffer_pullup(body, -1), len,
                                JSON_REJECT_DUPLICATES, &err);
            if (!r.body || !json_is_object(r.body)) {
                char msg[300];
                snprintf(msg, sizeof msg, "the body is not a JSON object%s%s",
                         r.body ? "" : ": ", r.body ? "" : err.text);
                gx_web_error(&r, 400, "bad-json", msg, NULL);
                goto out;
            }
        } else {
            r.body = json_object();
        }
    } else if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) > GX_WEB_MAX_BODY) {
        gx_web_error(&r, 413, "too-large", "the request body is over 1 MiB", NULL);
        goto out;
    }

    if (!strncmp(path, "/api/", 5) || !strcmp(path, "/api")) {
        gx_web_api(&r);
    } else if (gx_web_is_write(cmd)) {
        gx_web_error(&r, 405, "method-not-allowed", "pages are read with GET", NULL);
    } else if (!strcmp(path, "/")) {
        gx_web_asset(&r, "index.html");
    } else {
        gx_web_asset(&r, path + 1);
    }
out:
    json_decref(r.body);
    evhttp_clear_headers(&query);
    free(path);
    gx_session_free(r.s);
    gx_secrets_free(&r.secrets);
}

/* ---- listening ------------------------------------------------------------------------------ */

static void gx_web_stop(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopexit(arg, NULL);
}

/* Splits "ADDRESS[:PORT]" ("[::1]:8080" for IPv6). */
static bool gx_web_parse_listen(const char *listen, char *addr, size_t size, int *port)
{
    *port = 8080;
    const char *colon = NULL, *host = listen, *end;
    if (listen[0] == '[') {
        end = strchr(listen, ']');
        if (!end)
            return false;
        host = listen + 1;
        if (end[1] == ':')
            colon = end + 1;
        else if (end[1])
            return false;
    } else {
        colon = strrchr(listen, ':');
        if (colon && strchr(listen, ':') != colon)
            return false; /* an IPv6 address needs brackets */
        end = colon ? colon : listen + strlen(listen);
    }
    size_t n = (size_t)(end - host);
    if (!n || n >= size)
        return false;
    memcpy(addr, host, n);
    addr[n] = '\0';
    if (colon) {
        char *stop;
        errno = 0;
        long p = strtol(colon + 1, &stop, 10);
        if (!colon[1] || *stop || errno || p < 0 || p > 65535)
            return false;
        *port = (int)p;
    }
    unsigned char probe[16];
    return inet_pton(AF_INET, addr, probe) == 1 || inet_pton(AF_INET6, addr, probe) == 1;
}

/* A non-blocking listening socket on addr:port, or -1 (errno set). */
static int gx_web_listen(const char *addr, int port)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    int family;
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
        family = a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        len = sizeof *a4;
    } else if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
        family = a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        len = sizeof *a6;
    } else {
        errno = EINVAL;
        return -1;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 1024) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static bool gx_web_loopback(const char *addr)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, addr, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Hands url to the desktop's browser: xdg-open from PATH, in a grandchild of
 * its own session (nothing to reap, no terminal), output discarded. */
static void gx_web_open(const char *url)
{
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "glyphoxa-deploy: warning: serve: could not start a browser: %s\n",
                strerror(errno));
        return;
    }
    if (pid == 0) {
        if (fork() != 0)
            _exit(0);
        setsid();
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        signal(SIGPIPE, SIG_DFL);
        execlp("xdg-open", "xdg-open", url, (char *)NULL);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
}

int gx_web_main(gx_session *s, const char *listen, bool open_browser)
{
    char addr[128];
    int port;
    if (!listen)
        listen = "127.0.0.1:8080";
    if (!gx_web_parse_listen(listen, addr, sizeof addr, &port)) {
        fprintf(stderr,
                "glyphoxa-deploy: error: serve: --listen '%s' is not ADDRESS[:PORT] with an IP "
                "address (127.0.0.1:8080, [::1]:8080; port 0 picks a free one)\n",
                listen);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    gx_web srv;
    memset(&srv, 0, sizeof srv);
    srv.session = s;
    srv.next_run = 1;
    srv.base = event_base_new();
    srv.http = srv.base ? evhttp_new(srv.base) : NULL;
    if (!srv.http) {
        fprintf(stderr, "glyphoxa-deploy: error: serve: could not set up the event loop\n");
        return 1;
    }
    /* the socket is made here for a long accept queue (libevent's is 128) */
    struct evhttp_bound_socket *sock = NULL;
    int lfd = gx_web_listen(addr, port);
    if (lfd >= 0 && !(sock = evhttp_accept_socket_with_handle(srv.http, lfd)))
        close(lfd);
    if (!sock) {
        fprintf(stderr, "glyphoxa-deploy: error: serve: cannot listen on %s port %d: %s\n", addr,
                port, strerror(errno));
        evhttp_free(srv.http);
        event_base_free(srv.base);
        return 1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)&ss, &sl) == 0)
        port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                              : ((struct sockaddr_in *)&ss)->sin_port);
    bool v6 = strchr(addr, ':') != NULL;
    snprintf(srv.host, sizeof srv.host, v6 ? "[%s]:%d" : "%s:%d", addr, port);
    if (gx_web_loopback(addr))
        snprintf(srv.host_alt, sizeof srv.host_alt, "localhost:%d", port);
    snprintf(srv.origin, sizeof srv.origin, "http://%s", srv.host);
    if (srv.host_alt[0])
        snprintf(srv.origin_alt, sizeof srv.origin_alt, "http://%s", srv.host_alt);
    gx_web_random_hex(srv.token);
    gx_web_random_hex(srv.csrf);

    evhttp_set_max_body_size(srv.http, GX_WEB_READ_LIMIT);
    evhttp_set_max_headers_size(srv.http, 64 * 1024);
    evhttp_set_timeout(srv.http, GX_WEB_TIMEOUT);
    evhttp_set_allowed_methods(srv.http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
                                             EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                             EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
    evhttp_set_gencb(srv.http, gx_web_handle, &srv);

    struct event *sigint = evsignal_new(srv.base, SIGINT, gx_web_stop, srv.base);
    struct event *sigterm = evsignal_new(srv.base, SIGTERM, gx_web_stop, srv.base);
    event_add(sigint, NULL);
    event_add(sigterm, NULL);

    if (!gx_web_loopback(addr))
        fprintf(stderr,
                "glyphoxa-deploy: warning: serve: listening on %s, not on a loopback address: "
                "anyone who can reach it and gets the link can change this workspace (the "
                "connection is not encrypted)\n",
                addr);
    printf("glyphoxa-deploy: serving %s at http://%s/\n", gx_session_workspace(s), srv.host);
    printf("open this URL to log in (it works once): http://%s/login?token=%s\n", srv.host,
           srv.token);
    fflush(stdout);
    if (open_browser) {
        char url[400];
        snprintf(url, sizeof url, "http://%s/login?token=%s", srv.host, srv.token);
        gx_web_open(url);
    }

    event_base_dispatch(srv.base);

    gx_web_runs_free(&srv);
    gx_secrets_free(&srv.secrets);
    gx_buf_free(&srv.inputs);
    event_free(sigint);
    event_free(sigterm);
    evhttp_free(srv.http);
    event_base_free(srv.base);
    fprintf(stderr, "glyphoxa-deploy: serve: stopped\n");
    return 0;
}
