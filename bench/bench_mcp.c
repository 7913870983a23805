/* bench_mcp — the MCP server over stdio, as a client sees it: starts
 * `TOOL -C WORKSPACE mcp`, then
 *   1. sends ROUNDS (default 1000) `tools/call validate` requests one at a
 *      time, each answered before the next is sent, and prints the median
 *      (and 90th percentile) round trip: write of the request to read of the
 *      whole answer line;
 *   2. sends 500 requests of five kinds in turn (validate, get_values of a
 *      section, tools/list, preview_export, resources/read of
 *      glyphoxa://effective) to warm every path up, reads the server's
 *      resident set (VmRSS of /proc/PID/status), sends REQUESTS (default
 *      10000) more of the same kinds, reads it again, and prints the growth.
 * Every request carries the 2026-07-28 _meta. Prints "KEY: VALUE" lines
 * (scripts/bench.sh reads them); exits 1 when the server does not answer.
 *
 *   bench_mcp [-r ROUNDS] [-n REQUESTS] TOOL WORKSPACE */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

#define META                                                                                     \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                     \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}"

static int to_srv = -1, from_srv = -1;
static pid_t srv_pid = -1;
static char *rbuf;
static size_t rlen, rcap;

static void start(const char *tool, const char *ws)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out)) {
        perror("pipe");
        exit(1);
    }
    srv_pid = fork();
    if (srv_pid < 0) {
        perror("fork");
        exit(1);
    }
    if (srv_pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        execl(tool, tool, "-C", ws, "mcp", (char *)NULL);
        perror(tool);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_srv = in[1];
    from_srv = out[0];
}

static void send_line(const char *s)
{
    size_t len = strlen(s), off = 0;
    while (off < len) {
        ssize_t w = write(to_srv, s + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            perror("write to the server");
            exit(1);
        }
        off += (size_t)w;
    }
}

/* Reads up to and including the next answer (a line with an "id"); notifications
 * are skipped. */
static void read_answer(void)
{
    for (;;) {
        char *nl = rlen ? memchr(rbuf, '\n', rlen) : NULL;
        if (nl) {
            size_t line = (size_t)(nl - rbuf) + 1;
            bool answer = memmem(rbuf, line, "\"id\":", 5) != NULL;
            memmove(rbuf, rbuf + line, rlen - line);
            rlen -= line;
            if (answer)
                return;
            continue;
        }
        if (rlen + 65536 > rcap) {
            rcap = (rlen + 65536) * 2;
            rbuf = realloc(rbuf, rcap);
            if (!rbuf)
                abort();
        }
        ssize_t n = read(from_srv, rbuf + rlen, rcap - rlen);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "bench_mcp: the server closed its output\n");
            exit(1);
        }
        rlen += (size_t)n;
    }
}

int main(int argc, char **argv)
{
    long rounds = 1000, requests = 10000;
    int opt;
    while ((opt = getopt(argc, argv, "r:n:")) != -1) {
        if (opt == 'r')
            rounds = strtol(optarg, NULL, 10);
        else if (opt == 'n')
            requests = strtol(optarg, NULL, 10);
        else
            return 2;
    }
    if (argc - optind != 2 || rounds < 10 || requests < 2000) {
        fprintf(stderr, "usage: bench_mcp [-r ROUNDS>=10] [-n REQUESTS>=2000] TOOL WORKSPACE\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    start(argv[optind], argv[optind + 1]);
    char req[1024];
    long id = 0;

    /* warm up */
    for (int i = 0; i < 20; i++) {
        snprintf(req, sizeof req,
                 "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{\"name\":"
                 "\"validate\"," META "}}\n",
                 ++id);
        send_line(req);
        read_answer();
    }
    double *rt = malloc((size_t)rounds * sizeof *rt);
    for (long i = 0; i < rounds; i++) {
        snprintf(req, sizeof req,
                 "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{\"name\":"
                 "\"validate\"," META "}}\n",
                 ++id);
        double t0 = bench_now_us();
        send_line(req);
        read_answer();
        rt[i] = bench_now_us() - t0;
    }
    bench_sort(rt, (size_t)rounds);
    printf("validate_round_trips: %ld\n", rounds);
    printf("validate_round_trip_median_us: %.1f\n", rt[rounds / 2]);
    printf("validate_round_trip_p90_us: %.1f\n", rt[rounds * 9 / 10]);
    free(rt);

    static const char *const kinds[] = {
        "\"method\":\"tools/call\",\"params\":{\"name\":\"validate\"," META "}",
        "\"method\":\"tools/call\",\"params\":{\"name\":\"get_values\",\"arguments\":{\"paths\":"
        "[\"gateway\"]}," META "}",
        "\"method\":\"tools/list\",\"params\":{" META "}",
        "\"method\":\"tools/call\",\"params\":{\"name\":\"preview_export\",\"arguments\":{"
        "\"content\":false}," META "}",
        "\"method\":\"resources/read\",\"params\":{\"uri\":\"glyphoxa://effective\"," META "}",
    };
    for (long i = 0; i < 500; i++) {
        snprintf(req, sizeof req, "{\"jsonrpc\":\"2.0\",\"id\":%ld,%s}\n", ++id, kinds[i % 5]);
        send_line(req);
        read_answer();
    }
    long before = bench_rss_kib(srv_pid);
    double t0 = bench_now_us();
    for (long i = 0; i < requests; i++) {
        snprintf(req, sizeof req, "{\"jsonrpc\":\"2.0\",\"id\":%ld,%s}\n", ++id, kinds[i % 5]);
        send_line(req);
        read_answer();
    }
    double secs = (bench_now_us() - t0) / 1e6;
    long after = bench_rss_kib(srv_pid);
    printf("requests: %ld (validate, get_values, tools/list, preview_export, resources/read)\n",
           requests);
    printf("requests_per_second: %.0f\n", (double)requests / secs);
    printf("rss_before_kib: %ld\n", before);
    printf("rss_after_all_kib: %ld\n", after);
    printf("rss_growth_kib: %ld\n", after - before);

    close(to_srv);
    int status;
    waitpid(srv_pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_mcp: the server ended with status %d\n", status);
        return 1;
    }
    return 0;
}
