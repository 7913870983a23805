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

#include "gx_core_internal.h"
#include "gx_export.h"
#include "gx_files.h"
#include "gx_hash.h"
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
};

/* The record's entry of path, or NULL. */
static const gx_export_file *gx_record_file(const gx_last_export *rec, const char *path)
{
    for (size_t i = 0; i < rec->file_count; i++)
        if (!strcmp(rec->files[i].path, path))
            return &rec->files[i];
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
static bool gx_record_has_infra(const gx_last_export *rec)
{
    for (size_t i = 0; i < rec->file_count; i++)
        for (size_t t = 0; t < gx_template_count; t++)
            if (gx_template_table[t].kind == GX_FILE_HELM_VALUES &&
                !strcmp(gx_template_table[t].output, rec->files[i].path))
                return true;
    return false;
}

/* Whether the target needs tool given its declared need and whether an
 * infrastructure component is in play. */
static bool gx_needs(gx_tool_need need, bool infra)
{
    return need == GX_NEED_ALWAYS || need == GX_NEED_OPTIONAL ||
           (need == GX_NEED_WITH_INFRASTRUCTURE && infra);
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

/* Warns when the script to run is not the one the last export wrote. */
static void gx_check_script(gx_apply *a, const gx_last_export *rec, const char *script,
                            gx_diags *diags)
{
    const gx_export_file *f = gx_record_file(rec, script);
    if (!f)
        return; /* the runner reports a missing script */
    char *data;
    size_t len;
    gx_diags tmp = GX_DIAGS_INIT;
    if (gx_file_read(a->s->arena, gx_core_path(a->s, script), GX_APPLY_MAX_SCRIPT, &data, &len,
                     &tmp)) {
        char hex[65];
        gx_sha256_hex(data, len, hex);
        if (strcmp(hex, f->sha256) != 0)
            gx_diags_push(diags, GX_WARNING, GX_CODE_SCRIPT_CHANGED, NULL,
                          "%s was changed since the last export; running it as it is", script);
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
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    gx_diag *d = gx_diags_push(diags, GX_BLOCKING, code, NULL, "%s", text);
    if (d) {
        d->hint = hint;
        d->remedy.kind = kind;
        d->remedy.arg = arg;
    }
    return gx_apply_fail(a, diags, GX_STATUS_FAILED);
}

gx_status gx_apply_start(gx_session *s, const gx_apply_request *req, const gx_sink *sink,
                         gx_apply **out)
{
    *out = NULL;
    gx_apply *a = gx_xcalloc(1, sizeof *a);
    a->s = s;
    if (sink)
        a->sink = *sink;
    a->dry_run = req->dry_run;
    a->name = req->target ? req->target : "default";
    gx_diags diags = GX_DIAGS_INIT;

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
        if (!gx_target_accepts(a->target, *o)) {
            gx_diags_push(&diags, GX_BLOCKING, GX_CODE_BAD_REQUEST, NULL,
                          "%s belongs to another target, not '%s'", *o, a->name);
            return gx_apply_fail(a, &diags, GX_STATUS_BAD_REQUEST);
        }
    a->timeout = req->timeout_seconds > 0 ? req->timeout_seconds : target->timeout_seconds;
    const char *script = gx_arena_printf(s->arena, "scripts/%s", target->script);

    /* What the run acts on: a fresh export (validated first), or the last one. */
    gx_loaded ld;
    gx_status st;
    bool infra;
    gx_last_export rec;
    if (target->pre_export) {
        if (!gx_core_load_valid(s, true, sink, &ld, &st)) {
            gx_diags_free(&diags);
            free(a);
            return st;
        }
        infra = gx_infra_on(&ld.model->cfg);
        if (a->target == GX_TARGET_DEFAULT)
            gx_apply_infra_check(s, &ld.model->cfg, &diags); /* the first install order */
    } else {
        switch (gx_last_export_read(s->arena, s->workspace, &rec, &diags)) {
        case GX_LAST_EXPORT_OK: break;
        case GX_LAST_EXPORT_NONE:
            return gx_apply_refuse(a, &diags, GX_CODE_NOT_EXPORTED, "apply (or export) first",
                                   GX_REMEDY_RUN_TARGET, "default",
                                   "nothing was exported in %s yet: target '%s' acts on the "
                                   "last export (its namespace and release)",
                                   s->workspace, a->name);
        case GX_LAST_EXPORT_BAD: return gx_apply_fail(a, &diags, GX_STATUS_FAILED);
        }
        infra = gx_record_has_infra(&rec);
    }

    /* The tools, before anything changes or runs. */
    const char *kubectl, *helm;
    if (!gx_resolve(a, "kubectl", req->kubectl, target->kubectl, infra, &kubectl, &diags) ||
        !gx_resolve(a, "helm", req->helm, target->helm, infra, &helm, &diags))
        return gx_apply_fail(a, &diags, GX_STATUS_FAILED);

    if (target->pre_export) {
        gx_export_opts opts = {0};
        opts.workspace = s->workspace;
        if (!gx_export(&ld.model->cfg, &opts, &diags)) {
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
    } else {
        gx_check_script(a, &rec, script, &diags);
    }
    if (rec.no_secrets && a->target == GX_TARGET_DEFAULT)
        return gx_apply_refuse(a, &diags, GX_CODE_NO_SECRETS_EXPORT,
                               "export again with the secrets", GX_REMEDY_EXPORT, NULL,
                               "the last export in %s left the secrets out; target '%s' "
                               "refuses to run from it",
                               s->workspace, a->name);
    /* warnings and notes so far (a changed script, a missing optional tool) */
    gx_emit_diags(&a->sink, &diags, GX_EV_DIAG);
    gx_diags_free(&diags);

    bool delete_ns = false;
    for (const char *const *o = req->target_options; o && *o; o++)
        if (!strcmp(*o, "delete-namespace"))
            delete_ns = true;
    const char *extra[] = {delete_ns ? "GX_DELETE_NAMESPACE=1" : "GX_DELETE_NAMESPACE=0", NULL};
    gx_run_env_spec spec = {0};
    spec.target = a->name;
    spec.kubectl = kubectl;
    spec.helm = helm;
    spec.kubeconfig = req->kubeconfig;
    spec.context = req->context;
    spec.dry_run = a->dry_run;
    spec.timeout_seconds = a->timeout;
    spec.extra = extra;
    const char **env = gx_run_build_env(s->arena, &spec, (const char *const *)environ);

    gx_emit_status(&a->sink, "target '%s': %s in namespace %s, release %s (timeout %d s)%s",
                   a->name, script, rec.namespace_, rec.release_name, a->timeout,
                   a->dry_run ? "; dry run: the commands are printed, none is run" : "");

    const char *path_env = NULL;
    for (const char **e = env; *e; e++)
        if (!strncmp(*e, "PATH=", 5))
            path_env = *e + 5;
    char bash[PATH_MAX];
    if (!gx_run_find_executable("bash", path_env, bash, sizeof bash))
        snprintf(bash, sizeof bash, "/bin/bash");
    if (access(gx_core_path(s, script), R_OK) != 0) {
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
    po.cwd = s->workspace;
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

int gx_apply_fd(const gx_apply *a) { return gx_proc_fd(a->proc); }

bool gx_apply_poll(gx_apply *a, int timeout_ms)
{
    if (!a->ended)
        a->ended = gx_proc_poll(a->proc, timeout_ms, gx_apply_line, a);
    return a->ended;
}

void gx_apply_signal(gx_apply *a, int sig) { gx_proc_signal(a->proc, sig); }

void gx_apply_cancel(gx_apply *a) { gx_proc_cancel(a->proc); }

int gx_apply_finish(gx_apply *a)
{
    while (!gx_apply_poll(a, -1))
        ;
    int status = gx_proc_status(a->proc);
    if (a->target == GX_TARGET_INFRASTRUCTURE && status == 0 && !a->dry_run &&
        !gx_proc_timed_out(a->proc) && !gx_proc_cancelled(a->proc))
        gx_apply_infra_record(a->s); /* the first install order: what is installed now */
    if (gx_proc_timed_out(a->proc))
        gx_emit_status(&a->sink, "target '%s' exceeded its timeout of %d s; killed", a->name,
                       a->timeout);
    else if (gx_proc_cancelled(a->proc))
        gx_emit_status(&a->sink, "target '%s' was cancelled (exit status %d)", a->name, status);
    else if (status == 0)
        gx_emit_status(&a->sink, "target '%s' %s", a->name, a->dry_run ? "dry run done" : "done");
    else if (a->target == GX_TARGET_DIFF && status == 1)
        gx_emit_status(&a->sink, "target 'diff': the cluster differs (exit status 1)");
    else
        gx_emit_status(&a->sink, "target '%s' failed with exit status %d", a->name, status);
    gx_emit_done(&a->sink, status);
    gx_proc_free(a->proc);
    gx_core_unlock(a->s);
    free(a);
    return status;
}
