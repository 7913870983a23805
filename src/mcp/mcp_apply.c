/* mcp_apply — the apply tool: a target followed without blocking. See mcp_apply.h. */
#include "mcp_apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gx_xalloc.h"
#include "mcp_tools.h"

/* Output lines kept for the answer (the last ones); every line still goes out
 * as a progress notification. */
#define GX_RUN_KEEP_LINES 500
/* Longest line text kept or sent; the rest is cut at a character boundary. */
#define GX_RUN_MAX_LINE 4096
/* Upper bound of timeout_seconds: a week, as the command line's --timeout. */
#define GX_RUN_MAX_TIMEOUT (7 * 24 * 3600)


struct gx_mcp_run {
    gx_mcp_server *srv;
    json_t *id;            /* the call's request id */
    json_t *token;         /* its progressToken, or NULL */
    bool modern;
    gx_session *session;   /* the call's session: the target's lock and memory */
    gx_secrets secrets;
    gx_apply *apply;
    const char *target;
    const char *tool;      /* "apply" or "rollback" */
    int rollback_of;       /* rollback: the revision re-applied */
    bool dry_run;
    bool holds_lock;       /* a target that exported first: the shared lock until it ends */
    bool cancelled, ended, started;
    long progress;
    json_t *steps, *output, *status, *diags;
    size_t dropped;
};

/* ---- schemas and description --------------------------------------------------------------- */

/* The arguments apply and rollback share (dry_run, timeout_seconds, context),
 * described as command's options are (timeout_help: --timeout's help when
 * the command table has none). */
static void gx_run_option_props(json_t *props, const char *command, const char *timeout_help)
{
    json_object_set_new(props, "dry_run",
                        json_pack("{s:s, s:b, s:s}", "type", "boolean", "default", 1,
                                  "description",
                                  gx_mcp_opt_help(command, "--dry-run",
                                                  "print the commands, run none")));
    json_object_set_new(props, "timeout_seconds",
                        json_pack("{s:s, s:i, s:i, s:s}", "type", "integer", "minimum", 1,
                                  "maximum", GX_RUN_MAX_TIMEOUT, "description",
                                  gx_mcp_opt_help(command, "--timeout", timeout_help)));
    json_object_set_new(props, "context",
                        json_pack("{s:s, s:i, s:s}", "type", "string", "minLength", 1,
                                  "description",
                                  gx_mcp_opt_help(command, "--context",
                                                  "the kubeconfig context to use")));
}

json_t *gx_mcp_apply_input_schema(void)
{
    json_t *names = json_array();
    for (size_t t = 0; t < gx_core_target_count(); t++)
        json_array_append_new(names, json_string(gx_core_target(t)->name));
    json_t *props = json_object();
    json_object_set_new(props, "target",
                        json_pack("{s:s, s:o, s:s, s:s}", "type", "string", "enum", names,
                                  "default", "default", "description",
                                  "the target to run (see the tool's description)"));
    gx_run_option_props(props, "apply", "the target's time limit in seconds");
    json_object_set_new(props, "delete_namespace",
                        json_pack("{s:s, s:b, s:s}", "type", "boolean", "default", 0,
                                  "description",
                                  gx_mcp_opt_help("apply", "--delete-namespace",
                                                  "destroy only: delete the Namespace too")));
    json_object_set_new(
        props, "confirm",
        json_pack("{s:s, s:i, s:s}", "type", "string", "minLength", 1, "description",
                  "destroy only, when dry_run is false: the namespace of the release to delete, "
                  "as the operator confirmed it to you (ask them first; a run of destroy "
                  "without it, or with another namespace, is refused and deletes nothing)"));
    return json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
                     "additionalProperties", 0);
}

json_t *gx_mcp_apply_output_schema(void)
{
    json_t *step = json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}, s:[s,s,s]}", "type", "object",
                             "properties", "step", "type", "integer", "steps", "type", "integer",
                             "title", "type", "string", "required", "step", "steps", "title");
    json_t *line = json_pack("{s:s, s:{s:{s:s, s:[s,s]}, s:{s:s}}, s:[s,s]}", "type", "object",
                             "properties", "stream", "type", "string", "enum", "stdout", "stderr",
                             "line", "type", "string", "required", "stream", "line");
    json_t *props = json_object();
    json_object_set_new(props, "target", json_pack("{s:s}", "type", "string"));
    json_object_set_new(props, "dry_run", json_pack("{s:s}", "type", "boolean"));
    json_object_set_new(props, "exit_status", json_pack("{s:s}", "type", "integer"));
    json_object_set_new(props, "ok", json_pack("{s:s}", "type", "boolean"));
    json_object_set_new(props, "differs",
                        json_pack("{s:s, s:s}", "type", "boolean", "description",
                                  "diff only: the cluster differs from the export"));
    json_object_set_new(props, "cancelled", json_pack("{s:s}", "type", "boolean"));
    json_object_set_new(props, "steps", json_pack("{s:s, s:o}", "type", "array", "items", step));
    json_object_set_new(props, "output", json_pack("{s:s, s:o}", "type", "array", "items", line));
    json_object_set_new(props, "output_dropped",
                        json_pack("{s:s, s:s}", "type", "integer", "description",
                                  "earlier output lines left out of output (each was sent as "
                                  "progress)"));
    json_object_set_new(props, "status",
                        json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "string"));
    json_object_set_new(props, "diagnostics",
                        json_pack("{s:s, s:o}", "type", "array", "items", gx_mcp_schema_diag()));
    return json_pack("{s:s, s:o, s:[s,s,s,s,s,s,s,s,s,s]}", "type", "object", "properties",
                     props, "required", "target", "dry_run", "exit_status", "ok", "cancelled",
                     "steps", "output", "output_dropped", "status", "diagnostics");
}

char *gx_mcp_apply_description(void)
{
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b, "Runs an apply target's script with kubectl and helm from the server's PATH "
                    "(and its KUBECONFIG). dry_run is true unless you pass false: the commands "
                    "are printed in order and none is run. The targets:");
    for (size_t t = 0; t < gx_core_target_count(); t++) {
        const gx_target_info *ti = gx_core_target(t);
        gx_buf_printf(&b, "\n- %s%s: %s", ti->name,
                      ti->pre_export ? " (validates and exports first)" : "", ti->description);
    }
    gx_buf_puts(&b, "\ndestroy and stop are destructive: ask the operator before running them "
                    "for real. With a progressToken every step and output line arrives as a "
                    "progress notification; cancelling the call kills the target's process "
                    "group. A real run of destroy also needs confirm: the namespace it deletes, "
                    "as the operator confirmed it.");
    gx_buf_putc(&b, '\0');
    return b.data;
}

json_t *gx_mcp_rollback_input_schema(void)
{
    json_t *props = json_object();
    json_object_set_new(
        props, "revision",
        json_pack("{s:s, s:i, s:i, s:s}", "type", "integer", "minimum", 1, "maximum", 1000000000,
                  "description",
                  gx_mcp_opt_help("rollback", "N",
                                  "the revision to re-apply (default: the one before the "
                                  "deployed one)")));
    gx_run_option_props(props, "rollback", "the time limit in seconds");
    return json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
                     "additionalProperties", 0);
}

json_t *gx_mcp_rollback_output_schema(void)
{
    json_t *s = gx_mcp_apply_output_schema();
    json_object_set_new(json_object_get(s, "properties"), "revision",
                        json_pack("{s:s, s:s}", "type", "integer", "description",
                                  "the revision re-applied"));
    json_array_append_new(json_object_get(s, "required"), json_string("revision"));
    return s;
}

/* ---- following a target ------------------------------------------------------------------------- */

/* At most GX_RUN_MAX_LINE bytes of s, cut at a character boundary. */
static size_t gx_cut(const char *s, size_t len)
{
    return gx_buf_utf8_cut(s, len, GX_RUN_MAX_LINE);
}

static void gx_run_progress(gx_mcp_run *run, const char *prefix, const char *text, size_t len)
{
    /* after the end (the closing status line of gx_apply_finish) the answer
     * follows at once and carries it: a notification right before it would
     * reach some clients after the answer (the TypeScript SDK handles
     * notifications a step later than responses) */
    if (!run->token || run->cancelled || run->ended)
        return;
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b, prefix);
    gx_buf_put(&b, text, gx_cut(text, len));
    json_t *params = json_pack("{s:O, s:I, s:o}", "progressToken", run->token, "progress",
                               (json_int_t)++run->progress, "message",
                               gx_mcp_text(b.data ? b.data : "", b.len));
    gx_buf_free(&b);
    gx_json_redact(params, &run->secrets);
    gx_mcp_send(run->srv, json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method",
                                    "notifications/progress", "params", params));
}

static void gx_run_event(void *ctx, const gx_event *ev)
{
    gx_mcp_run *run = ctx;
    switch (ev->kind) {
    case GX_EV_DIAG:
    case GX_EV_RESULT: {
        gx_diag d = *ev->diag;
        /* the core's hint speaks of confirming in advance: here that is an
         * argument of the call, after the operator was asked */
        if (d.code == GX_CODE_NOT_CONFIRMED)
            d.hint = "ask the operator; once they confirm, call apply again with confirm set to "
                     "the namespace";
        json_array_append_new(run->diags, gx_json_diag(&d));
        const char *word = gx_severity_word(ev->diag->severity);
        char prefix[32];
        snprintf(prefix, sizeof prefix, "%s: ", word);
        gx_run_progress(run, prefix, ev->diag->message, strlen(ev->diag->message));
        break;
    }
    case GX_EV_STEP: {
        size_t n = gx_cut(ev->text, ev->len);
        json_array_append_new(run->steps, json_pack("{s:i, s:i, s:o}", "step", ev->step, "steps",
                                                    ev->steps, "title", gx_mcp_text(ev->text, n)));
        char prefix[48];
        snprintf(prefix, sizeof prefix, "[step %d/%d] ", ev->step, ev->steps);
        gx_run_progress(run, prefix, ev->text, ev->len);
        break;
    }
    case GX_EV_OUTPUT: {
        size_t n = gx_cut(ev->text, ev->len);
        if (json_array_size(run->output) >= GX_RUN_KEEP_LINES) {
            json_array_remove(run->output, 0);
            run->dropped++;
        }
        json_array_append_new(run->output,
                              json_pack("{s:s, s:o}", "stream", ev->stream == 2 ? "stderr" : "stdout",
                                        "line", gx_mcp_text(ev->text, n)));
        gx_run_progress(run, ev->stream == 2 ? "stderr: " : "", ev->text, ev->len);
        break;
    }
    case GX_EV_STATUS:
        json_array_append_new(run->status, gx_mcp_text(ev->text, gx_cut(ev->text, ev->len)));
        gx_run_progress(run, "", ev->text, ev->len);
        break;
    default: break;
    }
}

static void gx_run_log(const gx_mcp_run *run, const char *what)
{
    char *id = gx_mcp_dump(run->id);
    fprintf(stderr, "glyphoxa-deploy mcp: request %s: target '%s' %s\n", id ? id : "?",
            run->target, what);
    free(id);
}

/* Answers the call once its target ended with exit status. */
static void gx_run_answer(gx_mcp_run *run, int status)
{
    if (run->cancelled && run->modern) {
        /* 2026-07-28: no message at all for a cancelled request */
        gx_run_log(run, "was cancelled; its process group was killed (no answer, as the "
                        "protocol asks)");
        return;
    }
    gx_mcp_request r;
    memset(&r, 0, sizeof r);
    r.srv = run->srv;
    r.id = run->id;
    r.modern = run->modern;
    r.secrets = run->secrets;
    bool diff = !strcmp(run->target, "diff");
    bool ok = !run->cancelled && (status == 0 || (diff && status == 1));
    json_t *out = json_pack("{s:s, s:b, s:i, s:b}", "target", run->target, "dry_run",
                            run->dry_run, "exit_status", status, "ok", ok);
    if (run->rollback_of)
        json_object_set_new(out, "revision", json_integer(run->rollback_of));
    if (diff && !run->cancelled && (status == 0 || status == 1))
        json_object_set_new(out, "differs", json_boolean(status == 1));
    json_object_set_new(out, "cancelled", json_boolean(run->cancelled));
    json_object_set(out, "steps", run->steps);
    json_object_set(out, "output", run->output);
    json_object_set_new(out, "output_dropped", json_integer((json_int_t)run->dropped));
    json_object_set(out, "status", run->status);
    json_object_set(out, "diagnostics", run->diags);
    if (ok) {
        gx_mcp_tool_ok(&r, out);
        return;
    }
    char text[200];
    if (run->cancelled)
        snprintf(text, sizeof text,
                 "%s: target '%s' was cancelled; its process group was killed (exit status %d)",
                 run->tool, run->target, status);
    else
        snprintf(text, sizeof text, "%s: target '%s' failed with exit status %d", run->tool,
                 run->target, status);
    json_t *diags = json_incref(run->diags);
    json_object_del(out, "diagnostics");
    gx_mcp_tool_error(&r, text, diags, out);
}

/* ---- the tool ------------------------------------------------------------------------------------- */

bool gx_mcp_apply_busy(gx_mcp_server *srv, json_t **diag)
{
    for (size_t i = 0; i < srv->nruns; i++) {
        gx_mcp_run *run = srv->runs[i];
        if (!run->holds_lock || run->ended)
            continue;
        if (diag) {
            char *id = gx_mcp_dump(run->id);
            char text[300];
            snprintf(text, sizeof text,
                     "target '%s' (the %s call of request %s) is running and holds the "
                     "workspace lock: a change now would have to wait until it ends",
                     run->target, run->tool, id ? id : "?");
            free(id);
            gx_diag d;
            memset(&d, 0, sizeof d);
            d.severity = GX_BLOCKING;
            d.code = GX_CODE_LOCK;
            d.message = text;
            d.hint = run->rollback_of ? "repeat the change once the rollback call is answered, "
                                        "or cancel that call"
                                      : "repeat the change once the apply call is answered, or "
                                        "cancel that call";
            *diag = gx_json_diag(&d);
        }
        return true;
    }
    return false;
}

static void gx_run_release(gx_mcp_run *run)
{
    json_decref(run->id);
    json_decref(run->token);
    json_decref(run->steps);
    json_decref(run->output);
    json_decref(run->status);
    json_decref(run->diags);
    free(run);
}

/* The confirmation of a destroy: the namespace the call named (ctx) must be
 * the one the core expects (the deployed release's). */
static bool gx_confirm_arg(void *ctx, const char *question, const char *expected)
{
    (void)question;
    return ctx && expected && !strcmp(ctx, expected);
}

/* A new run for r (not started yet). */
static gx_mcp_run *gx_run_new(gx_mcp_request *r, const char *tool, const char *target,
                              bool dry_run)
{
    gx_mcp_run *run = gx_xcalloc(1, sizeof *run);
    run->srv = r->srv;
    run->id = json_incref(r->id);
    run->token = json_incref(r->progress_token);
    run->modern = r->modern;
    run->tool = tool;
    run->target = target;
    run->dry_run = dry_run;
    run->steps = json_array();
    run->output = json_array();
    run->status = json_array();
    run->diags = json_array();
    run->secrets = r->secrets; /* progress sent while starting hides them too */
    return run;
}

/* Answers r (isError, the diagnostics) for a run whose target did not
 * start, and frees the run. */
static void gx_run_not_started(gx_mcp_request *r, gx_mcp_run *run)
{
    char text[600];
    snprintf(text, sizeof text, "%s failed: %s", run->tool,
             gx_json_first_blocking(run->diags, "the target did not start"));
    json_t *diags = json_incref(run->diags);
    json_t *extra = json_object();
    if (run->target)
        json_object_set_new(extra, "target", json_string(run->target));
    json_object_set_new(extra, "dry_run", json_boolean(run->dry_run));
    json_object_set(extra, "status", run->status);
    if (run->rollback_of)
        json_object_set_new(extra, "revision", json_integer(run->rollback_of));
    gx_run_release(run);
    gx_mcp_tool_error(r, text, diags, extra);
}

/* The target started: the run takes r's session and secrets over, and r is
 * answered when it ends. */
static void gx_run_started(gx_mcp_request *r, gx_mcp_run *run)
{
    run->started = true;
    if (!run->target) /* a rollback to a revision kept after the history was read */
        run->target = "default";
    run->session = r->session;
    r->session = NULL;
    memset(&r->secrets, 0, sizeof r->secrets);
    r->deferred = true;
    /* a target that exported first, and a rollback, hold the workspace lock
     * until they end: shared from now on, so that reads go on */
    run->holds_lock = gx_session_share_lock(run->session);
    gx_mcp_server *srv = r->srv;
    if (srv->nruns == srv->cap_runs) {
        srv->cap_runs = srv->cap_runs ? 2 * srv->cap_runs : 4;
        srv->runs = gx_xrealloc(srv->runs, srv->cap_runs * sizeof *srv->runs);
    }
    srv->runs[srv->nruns++] = run;
}

/* Refuses r while a running target holds the workspace lock (a target that
 * locks, or a rollback, would wait for this server's own lock). */
static bool gx_run_refuse_busy(gx_mcp_request *r, const char *tool)
{
    json_t *busy;
    if (!gx_mcp_apply_busy(r->srv, &busy))
        return false;
    char text[400];
    snprintf(text, sizeof text, "%s failed: %s", tool,
             json_string_value(json_object_get(busy, "message")));
    gx_mcp_tool_error(r, text, json_pack("[o]", busy), NULL);
    return true;
}

void gx_mcp_apply_call(gx_mcp_request *r, const json_t *args)
{
    if (r->srv->opts.no_processes) {
        gx_mcp_tool_error(r, "apply failed: this server runs no targets", NULL, NULL);
        return;
    }
    const char *target = json_string_value(json_object_get(args, "target"));
    if (!target)
        target = "default";
    int t = gx_core_target_find(target);
    if (t < 0) { /* the schema's enum lets no other name through */
        gx_mcp_tool_error(r, "apply failed: unknown target", NULL, NULL);
        return;
    }
    const gx_target_info *ti = gx_core_target((size_t)t);
    const char *confirm = json_string_value(json_object_get(args, "confirm"));
    if (confirm && strcmp(ti->name, "destroy")) {
        char text[200];
        snprintf(text, sizeof text,
                 "confirm belongs to target destroy, not '%s': it names the namespace a "
                 "destroy deletes",
                 ti->name);
        gx_diag d;
        memset(&d, 0, sizeof d);
        d.severity = GX_BLOCKING;
        d.code = GX_CODE_BAD_REQUEST;
        d.message = text;
        d.hint = "leave confirm out";
        char msg[300];
        snprintf(msg, sizeof msg, "apply failed: %s", text);
        gx_mcp_tool_error(r, msg, json_pack("[o]", gx_json_diag(&d)), NULL);
        return;
    }
    /* while a target holds the workspace lock, no other one starts: one that
     * locks would wait for this server's own lock */
    if (gx_run_refuse_busy(r, "apply"))
        return;
    gx_mcp_run *run = gx_run_new(r, "apply", ti->name,
                                 !json_is_false(json_object_get(args, "dry_run")));

    gx_apply_request req;
    memset(&req, 0, sizeof req);
    req.target = ti->name;
    req.dry_run = run->dry_run;
    req.timeout_seconds = (int)json_integer_value(json_object_get(args, "timeout_seconds"));
    req.context = json_string_value(json_object_get(args, "context"));
    const char *target_opts[2] = {NULL, NULL};
    if (json_is_true(json_object_get(args, "delete_namespace")))
        target_opts[0] = "delete-namespace";
    req.target_options = target_opts;
    /* destroy: confirmed only by the namespace the call names, compared by
     * the core with the deployed release's; without it the core refuses and
     * nothing runs (there is no one to ask on this transport) */
    if (confirm) {
        req.confirm = gx_confirm_arg;
        req.confirm_ctx = (void *)confirm;
    }
    gx_sink sink = {gx_run_event, run};
    if (gx_apply_start(r->session, &req, &sink, &run->apply) != GX_STATUS_OK) {
        gx_run_not_started(r, run);
        return;
    }
    gx_run_started(r, run);
}

/* Which revision a rollback re-applies (*revision: the one asked for; 0:
 * the newest kept one before the deployed one, or with no deployed record
 * the one before the newest, as gx_rollback_start picks it) and as what
 * target: *revision stays 0 when there is none, *target NULL when the
 * history does not list it (the core then refuses and says why). */
static void gx_rollback_pick(gx_session *s, int *revision, const char **target)
{
    *target = NULL;
    gx_history h;
    if (gx_op_history(s, NULL, &h) != GX_STATUS_OK)
        return;
    for (size_t i = h.count; i-- > 0 && !*revision;)
        if (h.deployed ? h.items[i].number < h.deployed : i + 1 < h.count)
            *revision = h.items[i].number;
    for (size_t i = 0; i < h.count; i++)
        if (h.items[i].number == *revision) {
            int t = gx_core_target_find(h.items[i].target);
            *target = t >= 0 ? gx_core_target((size_t)t)->name : NULL;
        }
}

void gx_mcp_rollback_call(gx_mcp_request *r, const json_t *args)
{
    if (r->srv->opts.no_processes) {
        gx_mcp_tool_error(r, "rollback failed: this server runs no targets", NULL, NULL);
        return;
    }
    if (gx_run_refuse_busy(r, "rollback"))
        return;
    int revision = (int)json_integer_value(json_object_get(args, "revision"));
    const char *target;
    gx_rollback_pick(r->session, &revision, &target);
    /* the target is the revision's own (default or infrastructure) */
    gx_mcp_run *run = gx_run_new(r, "rollback", target,
                                 !json_is_false(json_object_get(args, "dry_run")));
    run->rollback_of = revision;

    gx_apply_request req;
    memset(&req, 0, sizeof req);
    req.dry_run = run->dry_run;
    req.timeout_seconds = (int)json_integer_value(json_object_get(args, "timeout_seconds"));
    req.context = json_string_value(json_object_get(args, "context"));
    gx_sink sink = {gx_run_event, run};
    if (gx_rollback_start(r->session, &req, revision, &sink, &run->apply) != GX_STATUS_OK) {
        gx_run_not_started(r, run);
        return;
    }
    gx_run_started(r, run);
}

int gx_mcp_run_fd(const gx_mcp_run *run) { return run->ended ? -1 : gx_apply_fd(run->apply); }

static void gx_run_end(gx_mcp_run *run)
{
    run->ended = true;
    int status = gx_apply_finish(run->apply);
    run->apply = NULL;
    run->holds_lock = false;
    gx_run_answer(run, status);
}

bool gx_mcp_run_poll(gx_mcp_run *run)
{
    if (run->ended)
        return true;
    if (!gx_apply_poll(run->apply, 0))
        return false;
    gx_run_end(run);
    return true;
}

void gx_mcp_run_cancel(gx_mcp_run *run)
{
    if (run->ended || run->cancelled)
        return;
    run->cancelled = true;
    gx_apply_cancel(run->apply);
}

bool gx_mcp_apply_cancel(gx_mcp_server *srv, const json_t *id, const char *reason)
{
    for (size_t i = 0; i < srv->nruns; i++) {
        gx_mcp_run *run = srv->runs[i];
        if (!json_equal(run->id, (json_t *)id) || run->ended || run->cancelled)
            continue;
        char what[300];
        snprintf(what, sizeof what, "cancelled by the client%s%.200s%s; killing its process group",
                 reason ? " (" : "", reason ? reason : "", reason ? ")" : "");
        gx_run_log(run, what);
        gx_mcp_run_cancel(run);
        return true;
    }
    return false;
}

void gx_mcp_run_free(gx_mcp_run *run)
{
    if (!run)
        return;
    if (!run->ended) {
        gx_mcp_run_cancel(run);
        gx_run_end(run);
    }
    gx_session_free(run->session);
    gx_secrets_free(&run->secrets);
    gx_run_release(run);
}
