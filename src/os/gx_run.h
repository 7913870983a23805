/* gx_run — runs an apply target: `bash <script>` in the workspace, in its own
 * process group, with a timeout, signal forwarding and an environment built by
 * the caller (SPEC §5). The blocking runner of the command line, built on the
 * non-blocking gx_proc. Depends on gx_arena, gx_diag, gx_proc and Linux
 * (signalfd, prctl(PR_SET_CHILD_SUBREAPER)).
 *
 * Secrets: nothing in this module carries a secret. The child environment holds
 * paths, names and flags only; secrets travel in files of mode 0600 that the
 * script reads (SPEC §7). Never put a secret value into gx_run_env_spec or into
 * gx_run_opts.env.
 *
 * Output: the child's stdout and stderr are pipes; their lines go to
 * opts->on_line, or, without one, are written to our own stdout and stderr
 * respectively (each line with its '\n', flushed at once), so line-oriented
 * output reaches the terminal byte for byte (a last line the child left
 * without '\n' gets one). The runner prints its own few status lines to
 * opts->status_out; everything that prevents the script from starting is
 * returned as a diagnostic instead. */
#ifndef GX_RUN_H
#define GX_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gx_arena.h"
#include "gx_diag.h"
#include "gx_proc.h"

/* PATH used when neither the caller nor the parent environment has one. */
#define GX_RUN_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* Exit status returned when a target ran out of time (as timeout(1) does). */
#define GX_RUN_TIMED_OUT 124

/* Milliseconds between SIGTERM and SIGKILL when the group is stopped. */
#define GX_RUN_DEFAULT_GRACE_MS 2000

typedef struct gx_run_opts {
    const char *target;     /* target name, for messages: "default" */
    const char *workspace;  /* working directory of the child */
    const char *script;     /* the script, relative to workspace or absolute */
    int timeout_seconds;    /* > 0 */
    const char *const *env; /* the child's whole environment, NULL-terminated
                             * "NAME=VALUE" strings (gx_run_build_env). Required:
                             * the runner never hands its own environment on. */
    FILE *status_out;       /* the runner's status lines (usually stderr); NULL: none */
    const char *bash;       /* bash to run; NULL: looked up on the PATH of env,
                             * then /bin/bash */
    int grace_ms;           /* SIGTERM → SIGKILL delay; 0: GX_RUN_DEFAULT_GRACE_MS */
    gx_proc_line_fn on_line; /* each line of the child's stdout (stream 1) and
                              * stderr (2), as gx_proc delivers them; NULL: written
                              * to our stdout and stderr */
    void *line_ctx;          /* passed to on_line */
} gx_run_opts;

/* Runs `bash -- <script>` and returns the exit status the tool should use:
 *   - the script's own exit status when it exits;
 *   - 128 + n when it is ended by signal n (also after a forwarded signal);
 *   - GX_RUN_TIMED_OUT (124) when timeout_seconds pass first;
 *   - 1 with one diagnostic added when it could not be started (bad options,
 *     missing or unreadable script, no bash, missing workspace, fork failure).
 * A diagnostic is added only in that last case, so a caller tells "the script
 * failed with 1" from "the script never ran" by the diagnostic count.
 *
 * The child (gx_proc): its own process group (the child's pid is the group
 * id), stdin from /dev/null, stdout/stderr pipes (see Output), working
 * directory opts->workspace, environment exactly opts->env, an empty signal
 * mask, SIGPIPE SIGCHLD SIGINT SIGTERM SIGHUP SIGQUIT at their defaults, every
 * descriptor above 2 closed, and PR_SET_PDEATHSIG so bash dies with the tool.
 * Output buffered in the caller's FILE streams is flushed before the child
 * starts, so lines stay in order.
 *
 * Timeout: SIGTERM (and SIGCONT) to the whole group; after grace_ms, SIGKILL to
 * the group (with a status line); once every member is gone (kill(-group, 0)
 * fails with ESRCH) the runner prints
 *   glyphoxa-deploy: target 'X' exceeded its timeout of N s; killed
 * to status_out and returns 124. A script that ends on its own but leaves
 * processes behind in its group has them stopped the same way (with a status
 * line). Processes that moved to another process group or session are out of
 * reach, as with any process-group based tool; output they keep writing into
 * the pipes is read for grace_ms after the group is gone, then dropped.
 *
 * Signals: while it waits, the runner blocks SIGCHLD, SIGINT, SIGTERM and
 * SIGHUP in the calling thread and takes the last three through a signalfd
 * (sigtimedwait where signalfd fails) — no signal handlers are installed, so
 * there is no global state. SIGINT, SIGTERM and SIGHUP are passed on to the
 * child's group (a status line says so) and the wait goes on: the returned
 * status is whatever the script then did (the timeout still applies). A second
 * SIGINT while the first is being passed on sends SIGKILL to the group at
 * once (with a status line); the status is then usually 137. A signal the caller
 * ignores (SIG_IGN) is neither blocked nor forwarded. SIGCHLD is set to
 * SIG_DFL for the call. On Linux the process is a child subreaper for the
 * call, so orphaned members of the group are reparented to it and reaped here
 * rather than left as zombies for init. Everything — signal mask, SIGCHLD
 * action, subreaper flag — is restored before return; a SIGINT/SIGTERM/SIGHUP
 * that arrives after the script and its group ended stays pending for the
 * caller. Meant for a single-threaded process: other threads must keep these
 * signals blocked, and a SIGCHLD from another child of the caller during the
 * call is consumed. */
int gx_run_script(const gx_run_opts *opts, gx_diags *diags);

/* What the child environment is built from. Every string is copied into the
 * arena. NONE OF THESE MAY HOLD A SECRET. */
typedef struct gx_run_env_spec {
    const char *target;       /* GX_TARGET */
    const char *path;         /* PATH; NULL: the parent's PATH, else GX_RUN_DEFAULT_PATH */
    const char *kubectl;      /* GX_KUBECTL, the resolved executable; NULL: "kubectl" */
    const char *helm;         /* GX_HELM; NULL: "helm" */
    const char *kubeconfig;   /* --kubeconfig: KUBECONFIG and GX_KUBECONFIG; NULL: not given */
    const char *context;      /* --context: GX_CONTEXT; NULL: not given */
    bool dry_run;             /* GX_DRY_RUN=1, else GX_DRY_RUN=0 */
    int timeout_seconds;      /* GX_TIMEOUT, the target's limit in seconds */
    const char *const *extra; /* NULL or NULL-terminated "NAME=VALUE" entries for
                               * target options (e.g. GX_DELETE_NAMESPACE=1); an
                               * entry replaces an earlier variable of the same
                               * name; entries without a valid NAME= are skipped */
} gx_run_env_spec;

/* Builds a minimal child environment, NULL-terminated, in the arena, in this
 * fixed order:
 *   PATH
 *   from parent_env, when set there: HOME LANG LC_ALL LC_CTYPE LC_MESSAGES TERM
 *     NO_COLOR TZ TMPDIR XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME
 *     HELM_CONFIG_HOME HELM_CACHE_HOME HELM_DATA_HOME, and KUBECONFIG unless
 *     spec->kubeconfig is given (then KUBECONFIG=spec->kubeconfig)
 *   GX_TARGET GX_KUBECTL GX_HELM GX_KUBECONFIG GX_CONTEXT GX_DRY_RUN GX_TIMEOUT
 *     — always present (empty when not given) so scripts under `set -u` can
 *     test them
 *   the extra entries.
 * Nothing else of parent_env is copied (no credentials such as HELM_KUBETOKEN,
 * proxies, or anything the operator exported). A relative spec->kubeconfig is
 * made absolute against the current directory, because the child runs in the
 * workspace. parent_env may be NULL (nothing passed through). */
const char **gx_run_build_env(gx_arena *arena, const gx_run_env_spec *spec,
                              const char *const *parent_env);

/* Finds an executable as execvp would and writes its absolute path to out.
 * A name with a '/' is taken as a path (relative to the current directory);
 * any other name is looked up in the ':'-separated path_env (an empty entry is
 * the current directory; NULL means GX_RUN_DEFAULT_PATH). A candidate must be a
 * regular file with execute permission (access X_OK). Returns false — out then
 * holds "" when outlen > 0 — when none is found or the path does not fit into
 * outlen bytes. Reports nothing: the caller names the target that needs it. */
bool gx_run_find_executable(const char *name_or_path, const char *path_env, char *out,
                            size_t outlen);

#endif
