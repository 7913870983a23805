/* mcp_main — the stdio transport and event loop of `glyphoxa-deploy mcp`.
 * See mcp_main.h. */
#include "mcp_main.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gx_xalloc.h"
#include "mcp_server.h"

/* Pending output above which stdin is not read until the client reads. */
#define GX_MCP_MAX_PENDING (64u * 1024u * 1024u)
/* Most bytes written to a pipe per wake-up: what POLLOUT guarantees fits. */
#define GX_MCP_PIPE_CHUNK 4096u

/* How often, and how long at most, an answer that follows notifications
 * waits for the client to have read them (see gx_mcp_io). */
#define GX_MCP_DRAIN_POLL_MS 2
#define GX_MCP_DRAIN_MAX_MS 200

/* stdout. Messages are queued and written as poll says stdout takes them.
 * An answer that follows notifications (progress of an apply call) is held
 * back until the client has read what came before it (nothing is left in
 * the pipe or socket), or GX_MCP_DRAIN_MAX_MS passed: clients such as the
 * TypeScript SDK handle the notifications of a read one step after its
 * responses, and would take progress that arrives in the same read as the
 * call's answer for progress of a finished call. */
typedef struct gx_mcp_io {
    gx_buf out;       /* messages not yet written, each with its newline */
    size_t off;       /* written so far */
    bool chunked;     /* stdout is a pipe or socket: write at most GX_MCP_PIPE_CHUNK */
    bool socket;      /* stdout is a socket (else a pipe, when chunked) */
    bool closed;      /* stdout cannot be written any more */
    bool notified;    /* a notification was queued since the last answer */
    size_t *barriers; /* offsets in out of answers that wait for the client to read */
    size_t nbarriers, cap_barriers;
    long long waiting_since; /* ms: when writing reached the first barrier; 0: not */
} gx_mcp_io;

static long long gx_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void gx_io_send(void *ctx, const char *text, size_t len)
{
    gx_mcp_io *io = ctx;
    if (io->closed)
        return;
    static const char notification[] = "{\"jsonrpc\":\"2.0\",\"method\":";
    bool is_notification =
        len >= sizeof notification - 1 && !memcmp(text, notification, sizeof notification - 1);
    if (is_notification) {
        io->notified = true;
    } else if (io->notified) {
        if (io->nbarriers == io->cap_barriers) {
            io->cap_barriers = io->cap_barriers ? 2 * io->cap_barriers : 8;
            io->barriers = gx_xrealloc(io->barriers, io->cap_barriers * sizeof *io->barriers);
        }
        io->barriers[io->nbarriers++] = io->out.len;
        io->notified = false;
    }
    gx_buf_put(&io->out, text, len);
    gx_buf_putc(&io->out, '\n');
}

/* True when the client has read everything written to stdout so far. */
static bool gx_io_drained(const gx_mcp_io *io)
{
    int queued = 0;
    if (!io->chunked)
        return true; /* a file or terminal */
    if (ioctl(STDOUT_FILENO, io->socket ? SIOCOUTQ : FIONREAD, &queued) != 0)
        return true; /* cannot tell: do not hold answers back */
    return queued == 0;
}

/* Where writing has to stop for now: the first barrier, or the end. */
static size_t gx_io_limit(const gx_mcp_io *io)
{
    return io->nbarriers ? io->barriers[0] : io->out.len;
}

/* Writes what stdout takes now (poll said it is writable, or a barrier may
 * have cleared). */
static void gx_io_flush(gx_mcp_io *io)
{
    while (io->off < io->out.len) {
        if (io->off == gx_io_limit(io)) {
            /* an answer after notifications: wait until the client read them */
            long long now = gx_now_ms();
            if (!io->waiting_since)
                io->waiting_since = now;
            if (!gx_io_drained(io) && now - io->waiting_since < GX_MCP_DRAIN_MAX_MS)
                return;
            io->waiting_since = 0;
            memmove(io->barriers, io->barriers + 1, (io->nbarriers - 1) * sizeof *io->barriers);
            io->nbarriers--;
            continue;
        }
        size_t n = gx_io_limit(io) - io->off;
        if (io->chunked && n > GX_MCP_PIPE_CHUNK)
            n = GX_MCP_PIPE_CHUNK;
        ssize_t w = write(STDOUT_FILENO, io->out.data + io->off, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (w <= 0) {
            fprintf(stderr, "glyphoxa-deploy mcp: stdout is closed (%s); stopping\n",
                    w < 0 ? strerror(errno) : "nothing written");
            io->closed = true;
            gx_buf_free(&io->out);
            io->off = 0;
            io->nbarriers = 0;
            return;
        }
        io->off += (size_t)w;
        if (io->chunked)
            break; /* wait for POLLOUT again */
    }
    if (io->off == io->out.len) {
        /* all written: start over, and give back what a large answer took */
        if (io->out.cap > 1024u * 1024u)
            gx_buf_free(&io->out);
        else
            gx_buf_reset(&io->out);
        io->off = 0;
        io->nbarriers = 0;
    }
}

/* The line being read from stdin. */
typedef struct gx_mcp_in {
    gx_buf line;
    bool skipping; /* the current line went over the limit: drop it up to its newline */
} gx_mcp_in;

static void gx_in_line_done(gx_mcp_in *in)
{
    if (in->line.cap > 1024u * 1024u)
        gx_buf_free(&in->line);
    else
        gx_buf_reset(&in->line);
}

/* Splits data into lines and hands each to the server. */
static void gx_in_feed(gx_mcp_in *in, gx_mcp_server *srv, const char *data, size_t len)
{
    while (len) {
        const char *nl = memchr(data, '\n', len);
        size_t part = nl ? (size_t)(nl - data) : len;
        if (!in->skipping) {
            if (in->line.len + part > GX_MCP_MAX_LINE) {
                in->skipping = true;
                gx_in_line_done(in);
                gx_mcp_server_too_long(srv);
            } else {
                gx_buf_put(&in->line, data, part);
            }
        }
        if (!nl)
            return;
        if (!in->skipping)
            gx_mcp_server_handle(srv, in->line.data ? in->line.data : "", in->line.len);
        in->skipping = false;
        gx_in_line_done(in);
        data = nl + 1;
        len -= part + 1;
    }
}

int gx_mcp_main(gx_session *s, bool read_only)
{
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is a write error, handled */
    gx_mcp_io io;
    memset(&io, 0, sizeof io);
    struct stat st;
    io.chunked = fstat(STDOUT_FILENO, &st) != 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
    io.socket = io.chunked && S_ISSOCK(st.st_mode);
    gx_mcp_options opts = {.read_only = read_only};
    gx_mcp_server *srv = gx_mcp_server_new(s, &opts, gx_io_send, &io);
    fprintf(stderr,
            "glyphoxa-deploy mcp: serving the workspace %s%s on stdin/stdout (MCP %s and %s)\n",
            gx_session_workspace(s), read_only ? " read-only" : "", GX_MCP_MODERN, GX_MCP_LEGACY);

    gx_mcp_in in;
    memset(&in, 0, sizeof in);
    bool in_open = true;
    int status = 0;
    char *chunk = gx_xmalloc(65536);
    struct pollfd *fds = NULL;
    size_t fds_cap = 0;
    for (;;) {
        bool pending = io.off < io.out.len;
        bool at_barrier = pending && io.off == gx_io_limit(&io);
        size_t running = gx_mcp_server_running(srv);
        if (io.closed || (!in_open && !pending && running == 0))
            break;
        size_t need = 2 + running;
        if (need > fds_cap) {
            fds_cap = need * 2;
            fds = gx_xrealloc(fds, fds_cap * sizeof *fds);
        }
        size_t nfds = 0;
        int in_at = -1, out_at = -1;
        if (in_open && io.out.len - io.off < GX_MCP_MAX_PENDING) {
            in_at = (int)nfds;
            fds[nfds++] = (struct pollfd){STDIN_FILENO, POLLIN, 0};
        }
        if (pending && !at_barrier) {
            out_at = (int)nfds;
            fds[nfds++] = (struct pollfd){STDOUT_FILENO, POLLOUT, 0};
        }
        size_t runs_at = nfds;
        for (size_t i = 0; i < running; i++)
            fds[nfds++] = (struct pollfd){gx_mcp_server_fd(srv, i), POLLIN, 0};
        if (poll(fds, (nfds_t)nfds, at_barrier ? GX_MCP_DRAIN_POLL_MS : -1) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "glyphoxa-deploy mcp: poll: %s\n", strerror(errno));
            status = 1;
            break;
        }
        if ((out_at >= 0 && fds[out_at].revents) || at_barrier)
            gx_io_flush(&io);
        bool runs_ready = false;
        for (size_t i = runs_at; i < nfds; i++)
            if (fds[i].revents)
                runs_ready = true;
        if (runs_ready)
            gx_mcp_server_poll(srv);
        if (in_at >= 0 && fds[in_at].revents) {
            ssize_t n = read(STDIN_FILENO, chunk, 65536);
            if (n > 0) {
                gx_in_feed(&in, srv, chunk, (size_t)n);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                if (n < 0) {
                    fprintf(stderr, "glyphoxa-deploy mcp: stdin: %s\n", strerror(errno));
                    status = 1;
                }
                in_open = false;
                /* a last line without its newline is still a message */
                if (!in.skipping && in.line.len)
                    gx_mcp_server_handle(srv, in.line.data, in.line.len);
                gx_in_line_done(&in);
            }
        }
    }
    if (io.closed)
        gx_mcp_server_cancel_all(srv);
    gx_mcp_server_free(srv); /* waits for what still runs */
    if (!io.closed && io.off < io.out.len) {
        /* answers of the targets that just ended */
        while (!io.closed && io.off < io.out.len) {
            bool at_barrier = io.off == gx_io_limit(&io);
            struct pollfd p = {STDOUT_FILENO, POLLOUT, 0};
            if (poll(&p, at_barrier ? 0 : 1, at_barrier ? GX_MCP_DRAIN_POLL_MS : -1) < 0 &&
                errno != EINTR)
                break;
            gx_io_flush(&io);
        }
    }
    free(fds);
    free(chunk);
    free(io.barriers);
    gx_buf_free(&in.line);
    gx_buf_free(&io.out);
    return status;
}
