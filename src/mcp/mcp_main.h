/* mcp_main — `glyphoxa-deploy mcp [--read-only]`: the Model Context Protocol
 * over stdio. One event loop (poll(2)) reads stdin, writes stdout and
 * follows the running targets, so a long apply does not hold up other
 * requests. stdout carries nothing but protocol messages, one per line;
 * logs go to stderr. It exits once stdin ends and the targets it started
 * have ended and been answered, or at once (cancelling them) when stdout is
 * closed. The command line calls it (src/cli/main.c); it includes
 * gx_core.h and base headers only. */
#ifndef GX_MCP_MAIN_H
#define GX_MCP_MAIN_H

#include <stdbool.h>

#include "gx_core.h"

/* Serves s's workspace and layers; returns the exit status (0; 1 when the
 * input could not be read). */
int gx_mcp_main(gx_session *s, bool read_only);

/* The command line's entry for `mcp` (its entry table in src/cli/main.c),
 * defined where gx_cli.h was included first: the server gets the session
 * the command line set up (-C, -f, --set) and the --read-only flag. */
#ifdef GX_CLI_H
static inline int gx_cmd_mcp(gx_cli *cli)
{
    return gx_mcp_main(cli->session, gx_cli_flag(cli, "--read-only"));
}
#endif

#endif
