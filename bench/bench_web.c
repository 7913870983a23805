/* bench_web — the web UI's server (`glyphoxa-deploy serve`) on loopback:
 * the round trip of POST /api/validate over one kept-alive connection
 * (median and 99th percentile of R requests, after a warm-up), and the
 * server's resident set before and after N more requests (validate, values,
 * components, fields and the page in turn).
 *
 *   bench_web [-r R] [-n N] BINARY WORKSPACE
 *
 * Prints "key: value" lines for scripts/bench.sh. A benchmark, not a test:
 * it fails only when the server does not start or answers wrongly. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

static char host[64];
static int port;
static char cookie[128];
static char csrf[80];

static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("bench_web: connect");
        exit(1);
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Sends a request on fd and reads the whole response into buf (NUL
 * terminated); returns the status. */
static int request(int fd, const char *method, const char *path, const char *body, char *buf,
                   size_t size)
{
    char req[4096];
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.1\r\nHost: %s\r\nCookie: gx_session=%s\r\nOrigin: http://%s\r\n"
                     "X-CSRF-Token: %s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     method, path, host, cookie, host, csrf, body ? strlen(body) : 0,
                     body ? body : "");
    if (write(fd, req, (size_t)n) != n) {
        perror("bench_web: write");
        exit(1);
    }
    size_t got = 0;
    long want = -1;
    char *head_end = NULL;
    for (;;) {
        ssize_t r = read(fd, buf + got, size - 1 - got);
        if (r <= 0) {
            fprintf(stderr, "bench_web: the server closed the connection\n");
            exit(1);
        }
        got += (size_t)r;
        buf[got] = '\0';
        if (!head_end && (head_end = strstr(buf, "\r\n\r\n"))) {
            const char *cl = strcasestr(buf, "\r\nContent-Length:");
            want = cl ? strtol(cl + 17, NULL, 10) : 0;
        }
        if (head_end && (long)(got - (size_t)(head_end + 4 - buf)) >= want)
            break;
        if (got + 1 >= size) {
            fprintf(stderr, "bench_web: response too large\n");
            exit(1);
        }
    }
    return atoi(buf + 9);
}

int main(int argc, char **argv)
{
    int rounds = 1000, more = 10000, opt;
    while ((opt = getopt(argc, argv, "r:n:")) != -1) {
        if (opt == 'r')
            rounds = atoi(optarg);
        else if (opt == 'n')
            more = atoi(optarg);
        else
            return 2;
    }
    if (argc - optind != 2 || rounds < 10 || more < 1) {
        fprintf(stderr, "usage: bench_web [-r R] [-n N] BINARY WORKSPACE\n");
        return 2;
    }
    int out[2];
    if (pipe(out) != 0)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        execl(argv[optind], argv[optind], "-C", argv[optind + 1], "serve", "--listen",
              "127.0.0.1:0", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *so = fdopen(out[0], "r");
    char line[512], token[80] = "";
    while (fgets(line, sizeof line, so)) {
        char *t = strstr(line, "/login?token=");
        if (t && sscanf(line, "%*[^/]//127.0.0.1:%d/login?token=%79[0-9a-f]", &port, token) == 2)
            break;
    }
    if (!token[0]) {
        fprintf(stderr, "bench_web: serve printed no URL\n");
        return 1;
    }
    snprintf(host, sizeof host, "127.0.0.1:%d", port);
    static char buf[8 * 1024 * 1024];
    int fd = connect_server();
    char path[160];
    snprintf(path, sizeof path, "/login?token=%s", token);
    request(fd, "GET", path, NULL, buf, sizeof buf);
    char *c = strstr(buf, "gx_session=");
    if (!c || sscanf(c + 11, "%127[0-9a-f]", cookie) != 1) {
        fprintf(stderr, "bench_web: no session cookie\n");
        return 1;
    }
    close(fd); /* the login answer closes nothing, but start clean */
    fd = connect_server();
    if (request(fd, "GET", "/api/session", NULL, buf, sizeof buf) != 200 ||
        !(c = strstr(buf, "\"csrf\":\"")) || sscanf(c + 8, "%79[0-9a-f]", csrf) != 1) {
        fprintf(stderr, "bench_web: no CSRF token\n");
        return 1;
    }
    const char *body = "{\"values\":{\"gateway/replica-count\":\"4\",\"core/image-tag\":\"0.2.0\"}}";
    for (int i = 0; i < 100; i++) /* warm-up */
        request(fd, "POST", "/api/validate", body, buf, sizeof buf);
    double *t = malloc(sizeof *t * (size_t)rounds);
    for (int i = 0; i < rounds; i++) {
        double t0 = bench_now_us();
        int st = request(fd, "POST", "/api/validate", body, buf, sizeof buf);
        t[i] = bench_now_us() - t0;
        if (st != 200 || !strstr(buf, "\"valid\":")) {
            fprintf(stderr, "bench_web: validate answered %d\n", st);
            return 1;
        }
    }
    bench_sort(t, (size_t)rounds);
    printf("validate_requests: %d\n", rounds);
    printf("validate_round_trip_median_us: %.0f\n", t[rounds / 2]);
    printf("validate_round_trip_p99_us: %.0f\n", t[rounds * 99 / 100]);

    long before = bench_rss_kib(pid);
    static const char *const paths[] = {"/api/values", "/api/components", "/api/fields", "/"};
    for (int i = 0; i < more; i++) {
        int st = i % 2 ? request(fd, "GET", paths[(i / 2) % 4], NULL, buf, sizeof buf)
                       : request(fd, "POST", "/api/validate", body, buf, sizeof buf);
        if (st != 200) {
            fprintf(stderr, "bench_web: request %d answered %d\n", i, st);
            return 1;
        }
    }
    long after = bench_rss_kib(pid);
    printf("requests_after_warmup: %d\n", more);
    printf("rss_before_kib: %ld\n", before);
    printf("rss_after_kib: %ld\n", after);
    printf("rss_growth_kib: %ld\n", after - before);
    close(fd);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    free(t);
    return 0;
}
