/* web_main — `glyphoxa-deploy serve`: the web UI, a local HTTP server
 * (libevent's evhttp) for guided editing in a browser. It serves the page
 * compiled in from web/ and the JSON API under /api/ (docs/web-api.md); a
 * target's output streams as server-sent events. One event loop: a running
 * target is followed through its descriptor, never waited for. The command
 * line calls it (src/cli/main.c); it includes gx_core.h and base headers
 * only. */
#ifndef GX_WEB_MAIN_H
#define GX_WEB_MAIN_H

#include <stdbool.h>

#include "gx_core.h"

/* Serves s's workspace and layers on listen ("ADDRESS[:PORT]", NULL:
 * 127.0.0.1:8080; port 0 picks a free one) until SIGINT or SIGTERM. Prints
 * the URL with the one-time login token on stdout; open: also hands it to
 * the desktop's browser (xdg-open from PATH, detached). Returns the exit
 * status (0; 1 when it could not listen; 2 for a malformed listen address). */
int gx_web_main(gx_session *s, const char *listen, bool open);

/* The command line's entry for `serve` (its entry table in src/cli/main.c),
 * defined where gx_cli.h was included first. */
#ifdef GX_CLI_H
static inline int gx_cmd_serve(gx_cli *cli)
{
    return gx_web_main(cli->session, gx_cli_opt(cli, "--listen"), gx_cli_flag(cli, "--open"));
}
#endif

#endif
