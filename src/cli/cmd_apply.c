/* The `apply` command: runs a target through the core (gx_apply_*) and
 * follows it here, blocking: the target's output and steps are printed as
 * they arrive; SIGINT, SIGTERM and SIGHUP are taken with a signalfd while the
 * target runs and passed on to its process group (a second SIGINT kills the
 * group at once); SIGQUIT kills the group at once (the tool quits, and takes
 * its children with it); the exit status is the target's.
 * On a terminal where the tool is in the foreground, the target gets the
 * terminal (stdin, foreground process group) so that credential plugins can
 * prompt; keys like Ctrl-C then reach the target directly. SIGTTOU is blocked
 * meanwhile, so printing its output from the background never stops us. */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "gx_cli.h"

/* Upper bound of --timeout: a week (604800 s). */
#define GX_APPLY_MAX_TIMEOUT (7 * 24 * 3600)

bool gx_cli_parse_timeout(const char *text, int *out)
{
    /* NUMBER[UNIT]... with units h, m, s in that order, each at most once; a
     * bare number is seconds and stands alone */
    static const char units[] = "hms";
    static const long scale[] = {3600, 60, 1};
    long total = 0;
    int next_unit = 0;
    const char *p = text;
    if (!*p)
        return false;
    while (*p) {
        long v = 0;
        const char *digits = p;
        for (; *p >= '0' && *p <= '9'; p++) {
            v = v * 10 + (*p - '0');
            if (v > GX_APPLY_MAX_TIMEOUT)
                return false;
        }
        if (p == digits)
            return false;
        if (!*p && p == text + strlen(text) && digits == text) {
            total = v; /* plain seconds */
            break;
        }
        const char *u = *p ? strchr(units + next_unit, *p) : NULL;
        if (!u)
            return false;
        total += v * scale[u - units];
        if (total > GX_APPLY_MAX_TIMEOUT)
            return false;
        next_unit = (int)(u - units) + 1;
        p++;
    }
    if (total < 1 || total > GX_APPLY_MAX_TIMEOUT)
        return false;
    *out = (int)total;
    return true;
}

/* Follows a running target until it ends, forwarding signals. */
int gx_cli_follow(gx_apply *a, const char *target)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    sigset_t set, old;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        if (sigaction(sigs[i], NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
            continue; /* ignored by whoever started us: not ours to pass on */
        sigaddset(&set, sigs[i]);
    }
    sigset_t blocked = set;
    sigaddset(&blocked, SIGTTOU); /* blocked, not taken: writes from the background go on */
    sigprocmask(SIG_BLOCK, &blocked, &old);
    int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    int interrupts = 0;
    while (!gx_apply_poll(a, 0)) {
        struct pollfd p[2] = {{gx_apply_fd(a), POLLIN, 0}, {sfd, POLLIN, 0}};
        if (poll(p, sfd >= 0 ? 2 : 1, -1) < 0)
            continue;
        struct signalfd_siginfo si;
        while (sfd >= 0 && read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
            int sig = (int)si.ssi_signo;
            if (sig == SIGQUIT) {
                fflush(stdout);
                fprintf(stderr, "[glyphoxa-deploy] received SIGQUIT; killing target '%s'\n",
                        target);
                gx_apply_signal(a, SIGKILL);
                continue;
            }
            if (sig == SIGINT && ++interrupts > 1) {
                fflush(stdout);
                fprintf(stderr, "[glyphoxa-deploy] received SIGINT again; killing target '%s'\n",
                        target);
                gx_apply_signal(a, SIGKILL);
                continue;
            }
            fflush(stdout);
            fprintf(stderr, "[glyphoxa-deploy] received %s; passed it on to target '%s'\n",
                    sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP", target);
            gx_apply_signal(a, sig);
        }
    }
    int status = gx_apply_finish(a);
    if (sfd >= 0)
        close(sfd);
    /* signals that arrived after the end stay pending for us */
    sigprocmask(SIG_SETMASK, &old, NULL);
    return status;
}

/* The command line's sink, plus the command that confirms a destroy in
 * advance when one could not be asked for. */
typedef struct gx_apply_cli_sink {
    gx_cli_sink *cs;
    gx_sink inner;
    bool no_terminal;
} gx_apply_cli_sink;

static void gx_apply_event(void *ctx, const gx_event *ev)
{
    gx_apply_cli_sink *as = ctx;
    as->inner.event(as->inner.ctx, ev);
    if (ev->kind == GX_EV_DIAG && ev->diag->code == GX_CODE_NOT_CONFIRMED && as->no_terminal) {
        const char *ws = as->cs->cli->workspace;
        fputs("  try: glyphoxa-deploy ", stderr);
        if (strcmp(ws, ".")) {
            fputs("-C ", stderr);
            gx_cli_put_safe(stderr, ws, strlen(ws));
            fputc(' ', stderr);
        }
        fputs("apply destroy --yes\n", stderr);
    }
}

/* Asks on the terminal (stdin) to type expected; true when the line typed is it. */
static bool gx_cli_confirm(void *ctx, const char *question, const char *expected)
{
    (void)ctx;
    fflush(stdout);
    fprintf(stderr, "glyphoxa-deploy: %s: ", question);
    fflush(stderr);
    char line[512];
    if (!fgets(line, sizeof line, stdin))
        return false;
    line[strcspn(line, "\r\n")] = '\0';
    return !strcmp(line, expected);
}

int gx_cli_apply_common(gx_cli *cli, gx_apply_request *req)
{
    req->dry_run = gx_cli_flag(cli, "--dry-run");
    gx_cli_cluster(cli, &req->kubeconfig, &req->context, &req->kubectl, &req->helm);
    const char *timeout = gx_cli_opt(cli, "--timeout");
    if (timeout && !gx_cli_parse_timeout(timeout, &req->timeout_seconds))
        return gx_cli_usage(cli,
                            "--timeout needs seconds or a duration (90, 90s, 5m, 1h30m) from 1 s "
                            "to a week, not '%.80s'",
                            timeout);
    req->use_terminal = true;
    req->terminal_fd = STDIN_FILENO;
    return 0;
}

int gx_cmd_apply(gx_cli *cli)
{
    gx_apply_request req = {0};
    req.target = cli->npos ? cli->pos[0] : NULL;
    if (gx_cli_apply_common(cli, &req))
        return GX_EXIT_USAGE;
    const char *target_opts[5] = {NULL, NULL, NULL, NULL, NULL};
    size_t nopts = 0;
    if (gx_cli_flag(cli, "--delete-namespace"))
        target_opts[nopts++] = "delete-namespace";
    if (gx_cli_flag(cli, "--uninstall-sealed-secrets"))
        target_opts[nopts++] = "uninstall-sealed-secrets";
    if (gx_cli_flag(cli, "--adopt"))
        target_opts[nopts++] = "adopt";
    if (gx_cli_flag(cli, "--fetch-certificate"))
        target_opts[nopts++] = "fetch-certificate";
    req.target_options = target_opts;
    req.confirmed = gx_cli_flag(cli, "--yes");
    if (isatty(STDIN_FILENO))
        req.confirm = gx_cli_confirm;
    const char *name = req.target ? req.target : "default";
    if (gx_core_target_find(name) < 0) {
        gx_cli_usage(cli, "unknown target '%.80s'", name);
        fputs("targets:\n", stderr);
        for (size_t t = 0; t < gx_core_target_count(); t++)
            fprintf(stderr, "  %-15s %s\n", gx_core_target(t)->name,
                    gx_core_target(t)->description);
        return GX_EXIT_USAGE;
    }
    gx_cli_sink cs = {.cli = cli};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_apply *a;
    gx_apply_cli_sink as = {&cs, sink, !req.confirm};
    gx_sink wrapped = {gx_apply_event, &as};
    gx_status st = gx_apply_start(cli->session, &req, &wrapped, &a);
    if (st != GX_STATUS_OK)
        return gx_cli_not_done(cli, &cs, st);
    return gx_cli_follow(a, name);
}
