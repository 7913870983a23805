/* gx_tui_main — `glyphoxa-deploy edit`: the full-screen terminal UI
 * (ncursesw) on the workspace. The screen (gx_tui_screen.c) reads keys,
 * passes them to the model (gx_tui_model.h) and copies what the model draws
 * to the terminal; it follows resizes and a running target's output in one
 * poll(2) loop. It includes gx_core.h and base headers only. */
#ifndef GX_TUI_MAIN_H
#define GX_TUI_MAIN_H

/* Runs the UI on workspace; returns the exit status: 0 after a quit, 1 when
 * the workspace cannot be read, 2 without a terminal that can show it
 * (standard input or output is not a terminal, TERM is unset, "dumb" or
 * unknown): a message then points to the command line. */
int gx_tui_main(const char *workspace);

/* The command line's entry for `edit` (src/cli/main.c), defined where
 * gx_cli.h was included first. -f and --set change one run only, so they
 * are refused: the UI saves to the workspace. */
#ifdef GX_CLI_H
static inline int gx_cmd_edit(gx_cli *cli)
{
    int st = gx_cli_no_layers(cli);
    return st != GX_EXIT_OK ? st : gx_tui_main(cli->workspace);
}
#endif

#endif
