/* gx_apply — running an apply target (gx_core.h): the tool owns everything
 * around the script: validation and export for the pre-export targets (under
 * the workspace lock, held until the script ends so no other export swaps
 * generated/ under it), the last-export record for the others, finding
 * kubectl and helm, the child's environment (gx_run_build_env: names, paths
 * and flags, never a secret), the timeout and the exit status. The script
 * runs as a child process (gx_proc) whose output lines become events; the
 * caller follows it with gx_apply_fd/poll and never blocks here. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gx_text.h"
#include "gx_core_internal.h"
#include "gx_core_seal.h"
#include "gx_delivery.h"
#include "gx_export.h"
#include "gx_files.h"
#include "gx_hash.h"
#include "gx_history.h"
#include "gx_proc.h"
#include "gx_run.h"
#include "gx_schema.h"
#include "gx_templates.h"
#include "gx_xalloc.h"

extern char **environ;

/* Largest file read back to compare a script with its recorded hash. */
#define GX_APPLY_MAX_SCRIPT (1024 * 1024)

struct gx_apply {
    gx_session *s;
    gx_sink sink;
    gx_proc *proc;
    int target;
    const char *name;
    bool dry_run;
    int timeout;
    bool ended;
    const char *run_dir;   /* where the script runs: the workspace, or a revision */
    bool deploys;          /* a successful run records a revision and the deployed record */
    const char *pending;   /* the revision being kept (gx_history_stage), or NULL */
    gx_release_record rec; /* what a successful deploying run records */
    int history_limit;
    const char *state_file; /* GX_STATE_FILE: facts the script reports for the record */
    const char *helm_release; /* the first apply after import helm: the Helm release whose
                               * objects it takes over (.glyphoxa-deploy/helm-import) */
    bool deployed_sealed;   /* the deployed release's secrets are SealedSecrets
                             * (GX_SECRETS_SEALED) */
    const char *cert_file;  /* GX_CERTIFICATE_FILE: where infra.sh writes the
                             * certificate it fetches (--fetch-certificate), or NULL */
    const char *cert_value; /* sealed-secrets/certificate of the values, or NULL */
};

#define GX_HELM_IMPORT GX_STATE_DIR "/helm-import"

/* The record import helm leaves for the first apply: "release NAME",
 * "namespace NS", "recreate-deployments 0|1" lines. False when there is none
 * (or it does not read). */
static bool gx_helm_import_read(gx_session *s, const char **release, const char **ns,
                                bool *recreate)
{
    char *data;
    size_t len;
    gx_diags ignored = GX_DIAGS_INIT;
    const char *path = gx_core_path(s, GX_HELM_IMPORT);
    bool ok = gx_file_exists(path) && gx_file_read(s->arena, path, 4096, &data, &len, &ignored);
    gx_diags_free(&ignored);
    if (!ok)
        return false;
    *release = *ns = NULL;
    *recreate = false;
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "release ", 8))
            *release = line + 8;
        else if (!strncmp(line, "namespace ", 10))
            *ns = line + 10;
        else if (!strcmp(line, "recreate-deployments 1"))
            *recreate = true;
    }
    return *release && *ns;
}

/* The entry of path among files, or NULL. */
static const gx_export_file *gx_record_file(const gx_export_file *files, size_t count,
                                            const char *path)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp(files[i].path, path))
            return &files[i];
    return NULL;
}

/* True when target t accepts the target option name. */
static bool gx_target_accepts(int t, const char *name)
{
    const gx_target_info *info = &gx_targets[t];
    for (const char *const *o = info->options; o && *o; o++)
        if (!strcmp(*o, name))
            return true;
    return false;
}

/* True when an infrastructure component is on in cfg. */
static bool gx_infra_on(const struct gx_config *cfg)
{
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        if (gx_components[c].infrastructure && cfg->enabled[c])
            return true;
    return false;
}

/* True when the record holds a Helm values file (an infrastructure
 * component was exported). */
static bool gx_record_has_infra(const gx_export_file *files, size_t count)
{
    for (size_t i = 0; i < count; i++)
        for (size_t t = 0; t < gx_template_count; t++)
            if (gx_template_table[t].kind == GX_FILE_HELM_VALUES &&
                !strcmp(gx_template_table[t].output, files[i].path))
                return true;
    return false;
}

/* Whether the target needs tool given its declared need and whether an
 * infrastructure component is in play. */
static bool gx_needs(gx_tool_need need, bool infra)
{
    /* an optional tool is looked for (and missed, with a warning) only when
     * its part of the script has something to do: an infrastructure release */
    return need == GX_NEED_ALWAYS ||
           ((need == GX_NEED_WITH_INFRASTRUCTURE || need == GX_NEED_OPTIONAL) && infra);
}

/* Finds a tool for the target; *out NULL when not found. A missing tool the
 * target needs is an error (false), except in a dry run (a note) or when the
 * need is optional (a warning; the target runs without it). */
static bool gx_resolve(gx_apply *a, const char *tool, const char *given, gx_tool_need need,
                       bool infra, const char **out, gx_diags *diags)
{
    char path[PATH_MAX];
    const char *name = given ? given : tool;
    *out = NULL;
    if (gx_run_find_executable(name, getenv("PATH"), path, sizeof path)) {
        *out = gx_arena_strdup(a->s->arena, path);
        return true;
    }
    if (!gx_needs(need, infra))
        return true;
    const char *where = given ? "" : " on PATH";
    if (a->dry_run || need == GX_NEED_OPTIONAL) {
        gx_diag *d = gx_diags_push(diags, a->dry_run ? GX_NOTE : GX_WARNING, GX_CODE_TOOL_MISSING,
                                   NULL,
                                   a->dry_run ? "%s '%s' not found%s; target '%s' needs it to run "
                                                "(the dry run shows it as '%s')"
                                              : "%s '%s' not found%s; target '%s' runs without "
                                                "its %s part",
                                   tool, name, where, a->name, a->dry_run ? name : tool);
        (void)d;
        return true;
    }
    gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_TOOL_MISSING, NULL,
                               "target '%s' needs %s, and '%s' was not found%s", a->name, tool,
                               name, where);
    if (d)
        d->hint = given ? gx_diags_strdup(diags, "check the path given for it")
                        : gx_diags_strdup(diags, "install it, or give its path");
    return false;
}

/* Warns when the script to run (below a->run_dir) is not the one recorded. */
static void gx_check_script(gx_apply *a, const gx_export_file *files, size_t count,
                            const char *script, const char *what, gx_diags *diags)
{
    const gx_export_file *f = gx_record_file(files, count, script);
    if (!f)
        return; /* reported as missing when it is started */
    char *data;
    size_t len;
    gx_diags tmp = GX_DIAGS_INIT;
    if (gx_file_read(a->s->arena, gx_arena_printf(a->s->arena, "%s/%s", a->run_dir, script),
                     GX_APPLY_MAX_SCRIPT, &data, &len, &tmp)) {
        char hex[65];
        gx_sha256_hex(data, len, hex);
        if (strcmp(hex, f->sha256) != 0)
            gx_diags_push(diags, GX_WARNING, GX_CODE_SCRIPT_CHANGED, NULL,
                          "%s was changed since %s; running it as it is", script, what);
    }
    gx_diags_free(&tmp);
}

/* Output lines of the script: "[step N/M] TITLE" become STEP events, the
 * rest OUTPUT events. */
static void gx_apply_line(void *ctx, int stream, const char *line, size_t len)
{
    gx_apply *a = ctx;
    if (stream == 1 && len > 7 && !memcmp(line, "[step ", 6)) {
        int n = 0, m = 0, used = 0;
        char tail[2];
        if (sscanf(line, "[step %d/%d]%n%1c", &n, &m, &used, tail) >= 2 && used > 0 &&
            (size_t)used < len && line[used] == ' ' && n > 0 && m > 0) {
            char check[48];
            int k = snprintf(check, sizeof check, "[step %d/%d] ", n, m);
            if (k > 0 && (size_t)k <= len && !memcmp(check, line, (size_t)k)) {
                gx_event ev = {.kind = GX_EV_STEP, .step = n, .steps = m,
                               .text = line + k, .len = len - (size_t)k};
                gx_emit(&a->sink, &ev);
                return;
            }
        }
    }
    gx_event ev = {.kind = GX_EV_OUTPUT, .text = line, .len = len, .stream = stream & 3,
                   /* a prompt without its end of line yet, or a piece of a
                    * line longer than GX_PROC_LINE_MAX that goes on */
                   .partial = (stream & GX_PROC_PARTIAL) != 0 || len == GX_PROC_LINE_MAX};
    gx_emit(&a->sink, &ev);
}

static gx_status gx_apply_fail(gx_apply *a, gx_diags *diags, gx_status st)
{
    gx_emit_diags(&a->sink, diags, GX_EV_DIAG);
    gx_diags_free(diags);
    gx_history_discard(a->pending);
    gx_core_unlock(a->s);
    free(a);
    return st;
}

/* Refuses to run: one blocking diagnostic with code, hint and remedy, then
 * gx_apply_fail. */
static gx_status gx_apply_refuse(gx_apply *a, gx_diags *diags, gx_code code, const char *hint,
                                 gx_remedy_kind kind, const char *arg, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static gx_status gx_apply_refuse(gx_apply *a, gx_diags *diags, gx_code code, const char *hint,
                                 gx_remedy_kind kind, const char *arg, const char *fmt, ...)
{
    char text[1024];
    GX_FORMAT_ARGS(text, fmt);
    gx_diag *d = gx_diags_push(diags, GX_BLOCKING, code, NULL, "%s", text);
    if (d) {
        d->hint = hint;
        d->remedy.kind = kind;
        d->remedy.arg = arg;
    }
    return gx_apply_fail(a, diags, GX_STATUS_FAILED);
}

/* The components on in cfg, by name, in schema order (session arena). */
static const char **gx_enabled_names(gx_session *s, const struct gx_config *cfg, size_t *count)
{
    const char **names = gx_arena_alloc(s->arena, (GX_COMPONENT_COUNT + 1) * sizeof *names);
    size_t n = 0;
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        if (cfg->enabled[c])
            names[n++] = gx_components[c].name;
    *count = n;
    return names;
}

/* True when the request carries option name (target options). */
static bool gx_has_option(const gx_apply_request *req, const char *name)
{
    for (const char *const *o = req->target_options; o && *o; o++)
        if (!strcmp(*o, name))
            return true;
    return false;
}

/* An absolute form of path (relative to the current directory). */
static const char *gx_absolute(gx_session *s, const char *path)
{
    char cwd[PATH_MAX];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return path;
    return gx_arena_printf(s->arena, "%s/%s", cwd, path);
}

/* The shared start of a target and of a rollback (rollback: the revision to
 * re-apply, -1 for the one before the deployed one; 0 for a target). */
static gx_status gx_apply_begin(gx_session *s, const gx_apply_request *req, const gx_sink *sink,
                                int rollback, gx_apply **out)
{
    *out = NULL;
    gx_apply *a = gx_xcalloc(1, sizeof *a);
    a->s = s;
    if (sink)
        a->sink = *sink;
    a->dry_run = req->dry_run;
    a->name = req->target ? req->target : "default";
    a->run_dir = s->workspace;
    a->history_limit = GX_HISTORY_DEFAULT_LIMIT;
    gx_diags diags = GX_DIAGS_INIT;

    /* A rollback re-applies a stored tree: which, and as what target. */
    gx_release_record deployed, from;
    gx_record_status ds = GX_RECORD_NONE;
    if (rollback) {
        if (!gx_session_require_workspace(s, &diags) || !gx_core_lock(s, true, &diags))
            return gx_apply_fail(a, &diags, gx_status_of(&diags));
        ds = gx_deployed_read(s, &deployed, &diags);
        if (ds == GX_RECORD_BAD)
            return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
        if (rollback < 0) {
            int *nums;
            size_t n = gx_history_list(s, &nums);
            for (size_t i = n; i-- > 0 && rollback < 0;)
                if (ds == GX_RECORD_OK ? nums[i] < deployed.revision : i + 1 < n)
                    rollback = nums[i];
            if (rollback < 0)
                return gx_apply_refuse(a, &diags, GX_CODE_BAD_REQUEST,
                                       "name a revision the history lists", GX_REMEDY_NONE, NULL,
                                       "there is no revision before the deployed one in %s to "
                                       "roll back to",
                                       s->workspace);
        }
        switch (gx_revision_read(s, rollback, &from, &diags)) {
        case GX_RECORD_OK: break;
        case GX_RECORD_NONE:
            return gx_apply_refuse(a, &diags, GX_CODE_BAD_REQUEST,
                                   "the history lists the revisions kept", GX_REMEDY_NONE, NULL,
                                   "there is no revision %d in the history of %s", rollback,
                                   s->workspace);
        case GX_RECORD_BAD: return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
        }
        a->name = from.target;
        a->run_dir = gx_history_path(s, rollback);
    }

    a->target = gx_core_target_find(a->name);
    if (a->target < 0) {
        gx_diag *d = gx_diags_push(&diags, GX_BLOCKING, GX_CODE_UNKNOWN_TARGET, NULL,
                                   "unknown target '%.80s'", a->name);
        if (d)
            d->remedy.kind = GX_REMEDY_LIST_TARGETS;
        return gx_apply_fail(a, &diags, GX_STATUS_BAD_REQUEST);
    }
    const gx_target_info *target = &gx_targets[a->target];
    for (const char *const *o = req->target_options; o && *o; o++)
        if (rollback || !gx_target_accepts(a->target, *o)) {
            gx_diags_push(&diags, GX_BLOCKING, GX_CODE_BAD_REQUEST, NULL,
                          "%s belongs to another target, not '%s'", *o, a->name);
            return gx_apply_fail(a, &diags, GX_STATUS_BAD_REQUEST);
        }
    a->timeout = req->timeout_seconds > 0 ? req->timeout_seconds : target->timeout_seconds;
    const char *script = gx_arena_printf(s->arena, "scripts/%s", target->script);
    bool pre_export = target->pre_export && !rollback;
    a->deploys = (a->target == GX_TARGET_DEFAULT || a->target == GX_TARGET_INFRASTRUCTURE) &&
                 (pre_export || rollback);

    /* What the run acts on: a fresh export (validated first), a stored
     * revision (rollback), or the deployed release (else the last export). */
    gx_loaded ld;
    gx_status st;
    bool infra;
    gx_last_export rec;
    memset(&rec, 0, sizeof rec);
    const char *acts_on = "the last export";
    bool fetch_cert = gx_has_option(req, "fetch-certificate");
    if (pre_export) {
        /* a run that fetches the certificate comes before one that can be
         * read: it is no reason to stop (gx_core_load_valid) */
        s->fetching_certificate = fetch_cert;
        s->deferred_certificate = NULL;
        bool valid = gx_core_load_valid(s, true, sink, &ld, &st);
        s->fetching_certificate = false;
        if (!valid) {
            gx_diags_free(&diags);
            free(a);
            return st;
        }
        a->cert_value = s->deferred_certificate ? s->deferred_certificate
                                                : ld.model->cfg.sealed_secrets.certificate;
        if (fetch_cert && !ld.model->cfg.enabled[GX_C_SEALED_SECRETS]) {
            gx_diag *d = gx_diags_push(&diags, GX_BLOCKING, GX_CODE_BAD_REQUEST, NULL,
                                       "--fetch-certificate fetches the certificate of the "
                                       "Sealed Secrets controller, and the sealed-secrets "
                                       "component is off; nothing was run");
            if (d) {
                d->remedy.kind = GX_REMEDY_ENABLE;
                d->remedy.arg = "sealed-secrets";
            }
            return gx_apply_fail(a, &diags, GX_STATUS_BAD_REQUEST);
        }
        infra = gx_infra_on(&ld.model->cfg);
        if (a->target == GX_TARGET_DEFAULT)
            gx_apply_infra_check(s, &ld.model->cfg, &diags); /* the first install order */
        ds = gx_deployed_read(s, &deployed, &diags);
        if (ds == GX_RECORD_BAD) { /* a broken record does not stop a deploy */
            for (size_t i = 0; i < diags.count; i++)
                diags.items[i].severity = GX_WARNING;
        }
        if (a->deploys) {
            const struct gx_config *cfg = &ld.model->cfg;
            a->history_limit = (int)cfg->core.history_limit;
            a->rec.namespace_ = cfg->core.namespace;
            a->rec.release_name = cfg->core.release_name;
            a->rec.components = gx_enabled_names(s, cfg, &a->rec.component_count);
            if (ds == GX_RECORD_OK &&
                (strcmp(deployed.namespace_, cfg->core.namespace) ||
                 strcmp(deployed.release_name, cfg->core.release_name))) {
                gx_diag *d = gx_diags_push(
                    &diags, GX_WARNING, GX_CODE_GENERIC, NULL,
                    "the values name release %s in namespace %s, but release %s in namespace %s "
                    "is deployed (revision %d): this apply deploys the new one, and the old one "
                    "stays in the cluster",
                    cfg->core.release_name, cfg->core.namespace, deployed.release_name,
                    deployed.namespace_, deployed.revision);
                if (d)
                    d->hint = gx_diags_strdup(
                        &diags, gx_arena_printf(s->arena,
                                                "remove the old release with bash %s/scripts/"
                                                "destroy.sh (its own destroy script)",
                                                gx_history_path(s, deployed.revision)));
            } else if (ds == GX_RECORD_OK) {
                a->rec.namespace_created = deployed.namespace_created;
                a->rec.sealed_secrets_installed = deployed.sealed_secrets_installed;
                a->deployed_sealed = deployed.secrets_sealed;
            }
        }
    } else if (rollback) {
        infra = gx_record_has_infra(from.files, from.file_count);
        acts_on = "it was kept";
        a->rec = from;
        a->rec.rollback_of = rollback;
        gx_loaded cur;
        gx_diags ignored = GX_DIAGS_INIT;
        if (gx_core_load(s, false, &cur, &ignored) && cur.model)
            a->history_limit = (int)cur.model->cfg.core.history_limit;
        gx_diags_free(&ignored);
        if (ds == GX_RECORD_OK && !strcmp(deployed.namespace_, from.namespace_)) {
            a->rec.namespace_created = deployed.namespace_created || from.namespace_created;
            a->rec.sealed_secrets_installed =
                deployed.sealed_secrets_installed || from.sealed_secrets_installed;
            a->deployed_sealed = deployed.secrets_sealed;
        }
        a->rec.secrets_sealed = false; /* reported again by the script when they are */
        rec.namespace_ = from.namespace_;
        rec.release_name = from.release_name;
    } else {
        if (s->values_file_count || s->set_count)
            gx_diags_push(&diags, GX_WARNING, GX_CODE_GENERIC, NULL,
                          "the values files and values given with this request are ignored: "
                          "target '%s' acts on the deployed release, not on values",
                          a->name);
        ds = gx_deployed_read(s, &deployed, &diags);
        if (ds == GX_RECORD_BAD)
            return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
        const char *kept = ds == GX_RECORD_OK ? gx_history_path(s, deployed.revision) : NULL;
        if (kept && gx_file_exists(kept)) {
            a->run_dir = kept;
            acts_on = "it was deployed";
            rec.namespace_ = deployed.namespace_;
            rec.release_name = deployed.release_name;
            rec.files = deployed.files;
            rec.file_count = deployed.file_count;
            infra = gx_record_has_infra(deployed.files, deployed.file_count);
        } else {
            switch (gx_last_export_read(s->arena, s->workspace, &rec, &diags)) {
            case GX_LAST_EXPORT_OK: break;
            case GX_LAST_EXPORT_NONE:
                return gx_apply_refuse(a, &diags, GX_CODE_NOT_EXPORTED,
                                       "apply (or export) first", GX_REMEDY_RUN_TARGET, "default",
                                       "nothing was deployed or exported in %s yet: target '%s' "
                                       "acts on the deployed release (its namespace and "
                                       "release)",
                                       s->workspace, a->name);
            case GX_LAST_EXPORT_BAD: return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
            }
            if (gx_export_interrupted(s->workspace))
                return gx_apply_refuse(
                    a, &diags, GX_CODE_RECORD, "export again: it makes both whole",
                    GX_REMEDY_EXPORT, NULL,
                    "the last export in %s was interrupted between its two directories: "
                    "generated/ and scripts/ may come from different exports, so target '%s' "
                    "does not run from them",
                    s->workspace, a->name);
            gx_diags_push(&diags, GX_NOTE, GX_CODE_GENERIC, NULL,
                          "nothing was deployed from %s yet%s: target '%s' acts on the last "
                          "export",
                          s->workspace, kept ? " (the deployed revision is no longer kept)" : "",
                          a->name);
            infra = gx_record_has_infra(rec.files, rec.file_count);
        }
        if (ds == GX_RECORD_OK && !strcmp(deployed.namespace_, rec.namespace_)) {
            a->rec = deployed; /* ownership facts for the script */
            a->deployed_sealed = deployed.secrets_sealed;
        }
    }

    /* The tools, before anything changes or runs. */
    const char *kubectl, *helm;
    if (!gx_resolve(a, "kubectl", req->kubectl, target->kubectl, infra, &kubectl, &diags) ||
        !gx_resolve(a, "helm", req->helm, target->helm, infra, &helm, &diags))
        return gx_apply_fail(a, &diags, GX_STATUS_FAILED);

    if (pre_export) {
        gx_export_opts opts = {0};
        opts.workspace = s->workspace;
        opts.sweep_stale = true; /* the exclusive lock is ours */
        gx_sealer sealer;
        bool sealing = false;
        bool exported =
            gx_core_sealer_begin(s, &ld.model->cfg, false, &sealer, &sealing, &diags);
        opts.sealer = sealing ? &sealer : NULL;
        exported = exported && gx_export(&ld.model->cfg, &opts, &diags);
        if (sealing) {
            if (exported)
                gx_core_sealer_save(s, &sealer, &diags);
            gx_sealer_free(&sealer);
        }
        if (!exported) {
            gx_diags_push(&diags, GX_BLOCKING, GX_CODE_GENERIC, NULL,
                          "target '%s' did not run: the export failed", a->name);
            return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
        }
        gx_last_export_status rs = gx_last_export_read(s->arena, s->workspace, &rec, &diags);
        if (rs != GX_LAST_EXPORT_OK) {
            if (rs == GX_LAST_EXPORT_NONE)
                gx_diags_add(&diags, GX_CODE_RECORD, NULL, 0, 0, NULL,
                             "the export left no record in %s/%s", s->workspace,
                             GX_LAST_EXPORT_FILE);
            return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
        }
        a->rec.files = rec.files;
        a->rec.file_count = rec.file_count;
    } else if (rollback) {
        gx_check_script(a, from.files, from.file_count, script, acts_on, &diags);
    } else {
        gx_check_script(a, rec.files, rec.file_count, script, acts_on, &diags);
    }
    if (rec.no_secrets && a->target == GX_TARGET_DEFAULT)
        return gx_apply_refuse(a, &diags, GX_CODE_NO_SECRETS_EXPORT,
                               "export again with the secrets", GX_REMEDY_EXPORT, NULL,
                               "the last export in %s left the secrets out; target '%s' "
                               "refuses to run from it",
                               s->workspace, a->name);

    /* destroy is confirmed before anything runs */
    if (a->target == GX_TARGET_DESTROY && !a->dry_run && !req->confirmed) {
        const char *question = gx_arena_printf(
            s->arena,
            "target 'destroy' deletes release %s in namespace %s; type the namespace to confirm",
            rec.release_name, rec.namespace_);
        if (!req->confirm)
            return gx_apply_refuse(a, &diags, GX_CODE_NOT_CONFIRMED,
                                   "confirm it in advance: no one can be asked here",
                                   GX_REMEDY_NONE, NULL,
                                   "target 'destroy' deletes release %s in namespace %s and "
                                   "must be confirmed; nothing was deleted",
                                   rec.release_name, rec.namespace_);
        gx_emit_diags(&a->sink, &diags, GX_EV_DIAG); /* what was said so far, then ask */
        gx_diags_free(&diags);
        diags = (gx_diags)GX_DIAGS_INIT;
        if (!req->confirm(req->confirm_ctx, question, rec.namespace_))
            return gx_apply_refuse(a, &diags, GX_CODE_NOT_CONFIRMED, NULL, GX_REMEDY_NONE, NULL,
                                   "target 'destroy' was not confirmed (the namespace typed "
                                   "was not %s); nothing was deleted",
                                   rec.namespace_);
    }

    /* A deploying run keeps what it applies as the next revision. */
    if (a->deploys && !a->dry_run) {
        a->pending = gx_history_stage(s, a->run_dir, rollback ? a->run_dir : NULL, &diags);
        if (!a->pending) {
            gx_diags_push(&diags, GX_BLOCKING, GX_CODE_IO, NULL,
                          "target '%s' did not run: what it applies could not be kept in the "
                          "history",
                          a->name);
            return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
        }
        a->rec.target = a->name;
        a->rec.tool_version = gx_core_version();
        a->rec.export_hash = gx_export_hash(s, a->rec.files, a->rec.file_count);
        a->state_file = gx_absolute(s, gx_core_path(s, GX_STATE_DIR "/run-state"));
        (void)gx_file_write_atomic(a->state_file, "", 0, 0600, false, &diags);
    }
    /* warnings and notes so far (a changed script, a missing optional tool) */
    gx_emit_diags(&a->sink, &diags, GX_EV_DIAG);
    gx_diags_free(&diags);

    if (fetch_cert) {
        /* infra.sh writes what it fetches here; gx_apply_finish checks it and
         * puts it in place */
        a->cert_file = gx_absolute(s, gx_core_path(s, GX_STATE_DIR "/fetched-certificate.pem"));
        unlink(a->cert_file);
        if (!a->dry_run && !gx_mkdir_p(gx_core_path(s, GX_STATE_DIR), 0700, &diags))
            return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
    }
    const char *extra[16];
    size_t ne = 0;
    /* the first apply after import helm takes over the Helm release's objects */
    const char *helm_release = NULL, *helm_ns = NULL;
    bool recreate = false;
    if (a->target == GX_TARGET_DEFAULT && !rollback &&
        gx_helm_import_read(s, &helm_release, &helm_ns, &recreate)) {
        if (!strcmp(helm_ns, rec.namespace_ ? rec.namespace_ : "")) {
            a->helm_release = helm_release;
            extra[ne++] = gx_arena_printf(s->arena, "GX_HELM_RELEASE=%s", helm_release);
            extra[ne++] = recreate ? "GX_HELM_RECREATE=1" : "GX_HELM_RECREATE=0";
            gx_emit_status(&a->sink,
                           "the first apply after import helm: it takes over the objects of "
                           "Helm release %s",
                           helm_release);
        } else {
            gx_emit_note(&a->sink,
                         "the objects of Helm release %s are in namespace %s, and this "
                         "workspace deploys into %s: they are not taken over",
                         helm_release, helm_ns, rec.namespace_ ? rec.namespace_ : "");
        }
    }
    extra[ne++] = gx_has_option(req, "delete-namespace") ? "GX_DELETE_NAMESPACE=1"
                                                         : "GX_DELETE_NAMESPACE=0";
    extra[ne++] = a->rec.namespace_created ? "GX_NAMESPACE_OWNED=1" : "GX_NAMESPACE_OWNED=0";
    extra[ne++] = a->rec.sealed_secrets_installed ? "GX_SEALED_SECRETS_OWNED=1"
                                                  : "GX_SEALED_SECRETS_OWNED=0";
    extra[ne++] = gx_arena_printf(s->arena, "GX_STATE_FILE=%s",
                                  a->state_file ? a->state_file : "");
    extra[ne++] = gx_has_option(req, "uninstall-sealed-secrets") ? "GX_UNINSTALL_SEALED_SECRETS=1"
                                                                 : "GX_UNINSTALL_SEALED_SECRETS=0";
    extra[ne++] = gx_has_option(req, "adopt") ? "GX_ADOPT=1" : "GX_ADOPT=0";
    extra[ne++] = a->deployed_sealed ? "GX_SECRETS_SEALED=1" : "GX_SECRETS_SEALED=0";
    extra[ne++] = fetch_cert ? "GX_FETCH_CERTIFICATE=1" : "GX_FETCH_CERTIFICATE=0";
    extra[ne++] = gx_arena_printf(s->arena, "GX_CERTIFICATE_FILE=%s",
                                  a->cert_file ? a->cert_file : "");
    extra[ne] = NULL;
    gx_run_env_spec spec = {0};
    spec.target = a->name;
    spec.kubectl = kubectl;
    spec.helm = helm ? helm : "";
    spec.kubeconfig = req->kubeconfig;
    spec.context = req->context;
    spec.dry_run = a->dry_run;
    spec.timeout_seconds = a->timeout;
    spec.extra = extra;
    const char **env = gx_run_build_env(s->arena, &spec, (const char *const *)environ);

    const char *shown = strcmp(a->run_dir, s->workspace)
                            ? gx_arena_printf(s->arena, "%s/%s", a->run_dir, script)
                            : script;
    if (rollback)
        gx_emit_status(&a->sink, "rollback to revision %d: target '%s' of it", rollback,
                       a->name);
    gx_emit_status(&a->sink, "target '%s': %s in namespace %s, release %s (timeout %d s)%s",
                   a->name, shown, rec.namespace_, rec.release_name, a->timeout,
                   a->dry_run ? "; dry run: the commands are printed, none is run" : "");

    const char *path_env = NULL;
    for (const char **e = env; *e; e++)
        if (!strncmp(*e, "PATH=", 5))
            path_env = *e + 5;
    char bash[PATH_MAX];
    if (!gx_run_find_executable("bash", path_env, bash, sizeof bash))
        snprintf(bash, sizeof bash, "/bin/bash");
    if (access(gx_arena_printf(s->arena, "%s/%s", a->run_dir, script), R_OK) != 0) {
        gx_diags_add(&diags, GX_CODE_PROCESS, script, 0, 0,
                     "export again (or run a pre-export target)",
                     "the target's script is missing or unreadable");
        gx_diags_push(&diags, GX_BLOCKING, GX_CODE_PROCESS, NULL, "target '%s' did not run",
                      a->name);
        return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
    }
    const char *argv[] = {bash, "--", script, NULL};
    gx_proc_opts po = {0};
    po.argv = argv;
    po.env = env;
    po.cwd = a->run_dir;
    po.timeout_ms = a->timeout * 1000;
    po.stdin_fd = -1;
    if (req->use_terminal && req->terminal_fd >= 0 && isatty(req->terminal_fd)) {
        po.stdin_fd = req->terminal_fd; /* gx_proc checks that we are its foreground */
        po.flags |= GX_PROC_FOREGROUND | GX_PROC_PROMPTS;
        if (tcgetpgrp(req->terminal_fd) != getpgrp())
            po.stdin_fd = -1, po.flags &= ~(unsigned)(GX_PROC_FOREGROUND | GX_PROC_PROMPTS);
    }
    a->proc = gx_proc_start(&po, &diags);
    if (!a->proc) {
        gx_diags_push(&diags, GX_BLOCKING, GX_CODE_PROCESS, NULL, "target '%s' did not run",
                      a->name);
        return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
    }
    *out = a;
    return GX_STATUS_OK;
}

gx_status gx_apply_start(gx_session *s, const gx_apply_request *req, const gx_sink *sink,
                         gx_apply **out)
{
    return gx_apply_begin(s, req, sink, 0, out);
}

gx_status gx_rollback_start(gx_session *s, const gx_apply_request *req, int revision,
                            const gx_sink *sink, gx_apply **out)
{
    return gx_apply_begin(s, req, sink, revision > 0 ? revision : -1, out);
}

int gx_apply_fd(const gx_apply *a) { return gx_proc_fd(a->proc); }

bool gx_apply_poll(gx_apply *a, int timeout_ms)
{
    if (!a->ended)
        a->ended = gx_proc_poll(a->proc, timeout_ms, gx_apply_line, a);
    return a->ended;
}

void gx_apply_signal(gx_apply *a, int sig) { gx_proc_signal(a->proc, sig); }

void gx_apply_cancel(gx_apply *a) { gx_proc_cancel(a->proc); }

/* After a successful deploying run: the facts the script reported, then the
 * revision and the deployed record. */
static void gx_apply_record(gx_apply *a)
{
    gx_session *s = a->s;
    gx_diags diags = GX_DIAGS_INIT;
    char *facts;
    size_t len;
    if (gx_file_read(s->arena, a->state_file, 1024 * 1024, &facts, &len, &diags)) {
        for (char *line = facts, *nl; line && *line; line = nl ? nl + 1 : NULL) {
            nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            if (!strcmp(line, "namespace-created"))
                a->rec.namespace_created = true;
            else if (!strcmp(line, "sealed-secrets-installed"))
                a->rec.sealed_secrets_installed = true;
            else if (!strcmp(line, "secrets-sealed"))
                a->rec.secrets_sealed = true;
        }
    }
    unlink(a->state_file);
    gx_diags_free(&diags);
    a->rec.time = gx_history_now(s);
    a->rec.exit_status = 0;
    if (gx_history_commit(s, a->pending, &a->rec, a->history_limit, &diags))
        gx_emit_status(&a->sink, "kept as revision %d; release %s in namespace %s is deployed",
                       a->rec.revision, a->rec.release_name, a->rec.namespace_);
    else
        gx_emit_diags(&a->sink, &diags, GX_EV_DIAG);
    a->pending = NULL;
    gx_diags_free(&diags);
}

int gx_apply_finish(gx_apply *a)
{
    while (!gx_apply_poll(a, -1))
        ;
    int status = gx_proc_status(a->proc);
    if (a->target == GX_TARGET_INFRASTRUCTURE && status == 0 && !a->dry_run &&
        !gx_proc_timed_out(a->proc) && !gx_proc_cancelled(a->proc))
        gx_apply_infra_record(a->s); /* the first install order: what is installed now */
    bool ok = false;
    if (gx_proc_timed_out(a->proc))
        gx_emit_status(&a->sink, "target '%s' exceeded its timeout of %d s; killed", a->name,
                       a->timeout);
    else if (gx_proc_cancelled(a->proc))
        gx_emit_status(&a->sink, "target '%s' was cancelled (exit status %d)", a->name, status);
    else if (status == 0)
        ok = true, gx_emit_status(&a->sink, "target '%s' %s", a->name,
                                  a->dry_run ? "dry run done" : "done");
    else if (a->target == GX_TARGET_DIFF && status == 1)
        gx_emit_status(&a->sink, "target 'diff': the cluster differs (exit status 1)");
    else
        gx_emit_status(&a->sink, "target '%s' failed with exit status %d", a->name, status);
    if (ok && a->pending)
        gx_apply_record(a);
    if (ok && !a->dry_run && a->helm_release) {
        /* taken over: later applies are ordinary ones */
        if (rename(gx_core_path(a->s, GX_HELM_IMPORT),
                   gx_core_path(a->s, GX_HELM_IMPORT ".adopted")) == 0)
            gx_emit_status(&a->sink,
                           "the objects of Helm release %s are this workspace's now; Helm's "
                           "record of the release can go (docs/migration.md)",
                           a->helm_release);
    }
    /* --fetch-certificate: infra.sh fetched it; check it and put it in place */
    if (ok && !a->dry_run && a->cert_file &&
        !gx_core_certificate_install(a->s, a->cert_file, a->cert_value, &a->sink))
        status = 1;
    if (ok && !a->dry_run && a->target == GX_TARGET_DESTROY &&
        unlink(gx_core_path(a->s, GX_DEPLOYED_FILE)) == 0)
        gx_emit_status(&a->sink, "release %s was destroyed: nothing is deployed from %s now",
                       a->rec.release_name ? a->rec.release_name : "", a->s->workspace);
    if (a->state_file)
        unlink(a->state_file);
    if (a->cert_file)
        unlink(a->cert_file);
    gx_history_discard(a->pending);
    gx_emit_done(&a->sink, status);
    gx_proc_free(a->proc);
    gx_core_unlock(a->s);
    free(a);
    return status;
}
