/* gx_run — what the child of an apply target gets, besides the process itself
 * (which gx_proc starts and follows): its environment, built from names,
 * paths and flags (docs/targets.md), and the lookup of the executables it runs
 * (bash, kubectl, helm) as execvp would find them. Used by the core's apply
 * (src/core/gx_apply.c). Depends on gx_arena.
 *
 * Secrets: nothing in this module carries a secret. The child environment holds
 * paths, names and flags only; secrets travel in files of mode 0600 that the
 * script reads (docs/targets.md). Never put a secret value into gx_run_env_spec. */
#ifndef GX_RUN_H
#define GX_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_arena.h"

/* PATH used when neither the caller nor the parent environment has one. */
#define GX_RUN_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* What the child environment is built from. Every string is copied into the
 * arena. NONE OF THESE MAY HOLD A SECRET (the tool adds none to the
 * operator's environment). */
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

/* Builds the child environment, NULL-terminated, in the arena: the
 * operator's environment (parent_env) passed through unchanged, in its own
 * order, with these set (replacing a variable of the same name where it is,
 * else added after it):
 *   PATH        spec->path, else the parent's, else GX_RUN_DEFAULT_PATH
 *   KUBECONFIG  spec->kubeconfig when given, else the parent's; every relative
 *               entry of the ':'-separated list is made absolute against the
 *               current directory (the one the tool was started in), because
 *               the child runs in the workspace
 *   GX_TARGET GX_KUBECTL GX_HELM GX_KUBECONFIG GX_CONTEXT GX_DRY_RUN GX_TIMEOUT
 *               — always present (empty when not given) so scripts under
 *               `set -u` can test them
 *   the extra entries.
 * kubectl and helm on a bastion need what the operator's shell has (proxies,
 * CA bundles, exec credential plugins' variables), so nothing is dropped; the
 * tool adds no secret: what it adds are names, paths and flags. Entries of
 * parent_env without "NAME=" are left out. parent_env may be NULL. */
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
