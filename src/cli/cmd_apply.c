/* The `apply` command (SPEC §5): runs a target's script from scripts/ with bash.
 * The tool owns everything around the script: validation and export for the
 * pre-export targets (under the workspace lock, held until the script ends so
 * no other export swaps generated/ under it), the last-export record for the
 * others, finding kubectl and helm, the child's environment (gx_run_build_env:
 * names, paths and flags, never a secret), the timeout and the exit status.
 * Entry point gx_cmd_apply is declared in gx_cli.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_cli.h"
#include "gx_export.h"
#include "gx_files.h"
#include "gx_run.h"

extern char **environ;

/* Upper bound of --timeout: a week. */
#define GX_APPLY_MAX_TIMEOUT (7 * 24 * 3600)

/* Largest file read back to compare a script with its recorded hash. */
#define GX_APPLY_MAX_SCRIPT (1024 * 1024)

typedef struct gx_apply_args {
    const char *target;    /* NULL: "default" */
    const char *timeout;   /* --timeout S */
    const char *kubeconfig, *context, *kubectl, *helm;
    bool dry_run, delete_namespace;
} gx_apply_args;

/* Parses `apply [TARGET] [options]`; false after a usage error. */
static bool gx_apply_parse(gx_cli *cli, gx_apply_args *a)
{
    gx_optspec specs[] = {{"--dry-run", false, NULL, &a->dry_run},
                          {"--delete-namespace", false, NULL, &a->delete_namespace},
                          {"--timeout", true, &a->timeout, NULL},
                          {"--kubeconfig", true, &a->kubeconfig, NULL},
                          {"--context", true, &a->context, NULL},
                          {"--kubectl", true, &a->kubectl, NULL},
                          {"--helm", true, &a->helm, NULL},
                          {NULL, false, NULL, NULL}};
    const char **pos;
    size_t npos;
    if (!gx_cli_parse_opts(cli, specs, &pos, &npos, 0, 1, "one target at most"))
        return false;
    a->target = npos ? pos[0] : NULL;
    return true;
}

static int gx_apply_find_target(const char *name)
{
    for (int t = 0; t < GX_TARGET_COUNT; t++)
        if (!strcmp(gx_targets[t].name, name))
            return t;
    return -1;
}

static void gx_apply_list_targets(FILE *out)
{
    fputs("targets:\n", out);
    for (int t = 0; t < GX_TARGET_COUNT; t++)
        fprintf(out, "  %-15s %s\n", gx_targets[t].name, gx_targets[t].description);
}

/* Parses --timeout: whole seconds from 1 to a week, optionally followed by "s". */
static bool gx_apply_parse_timeout(const char *text, int *out)
{
    long v = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > GX_APPLY_MAX_TIMEOUT)
            return false;
    }
    if (p == text || v < 1)
        return false;
    if (p[0] == 's')
        p++;
    if (*p != '\0')
        return false;
    *out = (int)v;
    return true;
}

/* The record's entry of path, or NULL. */
static const gx_export_file *gx_apply_record_file(const gx_last_export *rec, const char *path)
{
    for (size_t i = 0; i < rec->file_count; i++)
        if (!strcmp(rec->files[i].path, path))
            return &rec->files[i];
    return NULL;
}

/* Finds a tool for the target. Returns false after printing an error naming
 * the target when it is required and missing; a tool that is not required
 * (or a dry run, which runs nothing) only gets a note when missing and is
 * then passed on by its plain name. */
static bool gx_apply_resolve(gx_cli *cli, const char *tool, const char *given, bool required,
                             bool dry_run, const char *target, const char **out)
{
    char path[PATH_MAX];
    const char *name = given ? given : tool;
    *out = NULL;
    if (gx_run_find_executable(name, getenv("PATH"), path, sizeof path)) {
        *out = gx_arena_strdup(cli->arena, path);
        return true;
    }
    if (!required)
        return true;
    const char *where = given ? "" : " on PATH";
    if (dry_run) {
        fprintf(stderr,
                "glyphoxa-deploy apply: note: %s '%s' not found%s; target '%s' needs it to run "
                "(the dry run shows it as '%s')\n",
                tool, name, where, target, name);
        return true;
    }
    const char *hint = given ? gx_arena_printf(cli->arena, "check the path given to --%s", tool)
                             : gx_arena_printf(cli->arena, "install it, or give its path with --%s",
                                               tool);
    gx_cli_error(cli, hint, "target '%s' needs %s, and '%s' was not found%s", target, tool, name,
                 where);
    return false;
}

/* Warns when the script to run is not the one the last export wrote (edited by
 * hand since): it runs as it is, but the operator should know. */
static void gx_apply_check_script(gx_cli *cli, const gx_last_export *rec, const char *script)
{
    const gx_export_file *f = gx_apply_record_file(rec, script);
    if (!f)
        return; /* the runner reports a missing script */
    char *data;
    size_t len;
    gx_diags diags = GX_DIAGS_INIT;
    if (gx_file_read(cli->arena, gx_cli_path(cli, script), GX_APPLY_MAX_SCRIPT, &data, &len,
                     &diags)) {
        char hex[65];
        gx_export_sha256_hex(data, len, hex);
        if (strcmp(hex, f->sha256) != 0)
            fprintf(stderr,
                    "glyphoxa-deploy apply: warning: %s was changed since the last export; "
                    "running it as it is\n",
                    script);
    }
    gx_diags_free(&diags);
}

int gx_cmd_apply(gx_cli *cli)
{
    gx_apply_args a = {0};
    if (!gx_apply_parse(cli, &a))
        return GX_EXIT_USAGE;
    const char *target_name = a.target ? a.target : "default";
    int t = gx_apply_find_target(target_name);
    if (t < 0) {
        fprintf(stderr, "glyphoxa-deploy apply: unknown target '%s'\n", target_name);
        gx_apply_list_targets(stderr);
        return GX_EXIT_USAGE;
    }
    const gx_target_info *target = &gx_targets[t];
    int timeout = target->timeout_seconds;
    if (a.timeout && !gx_apply_parse_timeout(a.timeout, &timeout)) {
        gx_cli_usage_error(cli, "--timeout needs whole seconds from 1 to 604800, not '%s'",
                           a.timeout);
        return GX_EXIT_USAGE;
    }
    if (a.delete_namespace && t != GX_TARGET_DESTROY) {
        gx_cli_usage_error(cli, "--delete-namespace belongs to the destroy target, not '%s'",
                           target_name);
        return GX_EXIT_USAGE;
    }
    const char *script = gx_arena_printf(cli->arena, "scripts/%s", target->script);

    /* What the run acts on: a fresh export (validated first), or the last one. */
    static gx_model model; /* large; static keeps it off the stack */
    bool need_helm;
    if (target->pre_export) {
        if (!gx_cli_load_valid(cli, &model))
            return GX_EXIT_FAIL;
        need_helm = t == GX_TARGET_INFRASTRUCTURE &&
                    (model.cfg.enabled[GX_C_POSTGRESQL] || model.cfg.enabled[GX_C_SEALED_SECRETS]);
    } else {
        need_helm = t == GX_TARGET_DESTROY || t == GX_TARGET_STATUS;
    }

    gx_diags diags = GX_DIAGS_INIT;
    gx_last_export rec;
    if (!target->pre_export) {
        switch (gx_last_export_read(cli->arena, cli->workspace, &rec, &diags)) {
        case GX_LAST_EXPORT_OK:
            break;
        case GX_LAST_EXPORT_NONE:
            gx_cli_error(cli,
                         "run `glyphoxa-deploy apply` (or `glyphoxa-deploy export`) first",
                         "nothing was exported in %s yet: target '%s' acts on the last export "
                         "(its namespace and release)",
                         cli->workspace, target_name);
            return GX_EXIT_FAIL;
        case GX_LAST_EXPORT_BAD:
            gx_cli_print_diags(cli, &diags);
            gx_diags_free(&diags);
            return GX_EXIT_FAIL;
        }
        if (t == GX_TARGET_STATUS)
            need_helm = gx_apply_record_file(&rec, "generated/infra/postgresql-values.yaml") ||
                        gx_apply_record_file(&rec, "generated/infra/sealed-secrets-values.yaml");
    }

    /* The tools, before anything changes or runs. */
    const char *kubectl, *helm;
    if (!gx_apply_resolve(cli, "kubectl", a.kubectl, true, a.dry_run, target_name, &kubectl) ||
        !gx_apply_resolve(cli, "helm", a.helm, need_helm, a.dry_run, target_name, &helm))
        return GX_EXIT_FAIL;

    int lock = -1;
    if (target->pre_export) {
        lock = gx_lock_workspace(cli->workspace, &diags);
        if (lock < 0) {
            gx_cli_print_diags(cli, &diags);
            gx_diags_free(&diags);
            return GX_EXIT_FAIL;
        }
        gx_export_opts opts = {0};
        opts.workspace = cli->workspace;
        if (!gx_export(&model.cfg, &opts, &diags)) {
            gx_unlock_workspace(lock);
            gx_cli_print_diags(cli, &diags);
            gx_diags_free(&diags);
            fprintf(stderr, "glyphoxa-deploy apply: target '%s' did not run: the export failed\n",
                    target_name);
            return GX_EXIT_FAIL;
        }
        gx_last_export_status st = gx_last_export_read(cli->arena, cli->workspace, &rec, &diags);
        if (st != GX_LAST_EXPORT_OK) {
            gx_unlock_workspace(lock);
            if (st == GX_LAST_EXPORT_NONE)
                gx_cli_error(cli, NULL, "the export left no record in %s/%s", cli->workspace,
                             GX_LAST_EXPORT_FILE);
            gx_cli_print_diags(cli, &diags);
            gx_diags_free(&diags);
            return GX_EXIT_FAIL;
        }
    } else {
        gx_apply_check_script(cli, &rec, script);
    }
    if (rec.no_secrets && t == GX_TARGET_DEFAULT) {
        if (lock >= 0)
            gx_unlock_workspace(lock);
        gx_cli_error(cli, "run `glyphoxa-deploy export` without --no-secrets",
                     "the last export in %s left the secrets out (--no-secrets); "
                     "target '%s' refuses to run from it",
                     cli->workspace, target_name);
        return GX_EXIT_FAIL;
    }

    const char *extra[] = {a.delete_namespace ? "GX_DELETE_NAMESPACE=1" : "GX_DELETE_NAMESPACE=0",
                           NULL};
    gx_run_env_spec spec = {0};
    spec.target = target_name;
    spec.kubectl = kubectl;
    spec.helm = helm;
    spec.kubeconfig = a.kubeconfig;
    spec.context = a.context;
    spec.dry_run = a.dry_run;
    spec.timeout_seconds = timeout;
    spec.extra = extra;
    const char **env = gx_run_build_env(cli->arena, &spec, (const char *const *)environ);

    fprintf(stderr, "glyphoxa-deploy: target '%s': %s in namespace %s, release %s (timeout %d s)%s\n",
            target_name, script, rec.namespace_, rec.release_name, timeout,
            a.dry_run ? "; dry run: the commands are printed, none is run" : "");
    gx_run_opts run = {0};
    run.target = target_name;
    run.workspace = cli->workspace;
    run.script = script;
    run.timeout_seconds = timeout;
    run.env = env;
    run.status_out = stderr;
    int status = gx_run_script(&run, &diags);
    if (lock >= 0)
        gx_unlock_workspace(lock);
    if (diags.count) {
        gx_cli_print_diags(cli, &diags);
        gx_diags_free(&diags);
        fprintf(stderr, "glyphoxa-deploy: target '%s' did not run\n", target_name);
        return GX_EXIT_FAIL;
    }
    gx_diags_free(&diags);
    if (status == 0)
        fprintf(stderr, "glyphoxa-deploy: target '%s' %s\n", target_name,
                a.dry_run ? "dry run done" : "done");
    else if (status == GX_RUN_TIMED_OUT)
        ; /* the runner named the target and the limit */
    else if (t == GX_TARGET_DIFF && status == 1)
        fprintf(stderr, "glyphoxa-deploy: target 'diff': the cluster differs (exit status 1)\n");
    else
        fprintf(stderr, "glyphoxa-deploy: target '%s' failed with exit status %d\n", target_name,
                status);
    return status;
}
