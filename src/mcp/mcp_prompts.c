/* mcp_prompts — the prompts of the MCP server. See mcp_prompts.h. */
#include "mcp_prompts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *gx_mcp_prompts_list(void)
{
    return json_pack(
        "[{s:s, s:s, s:s},"
        " {s:s, s:s, s:s, s:[{s:s, s:s, s:b}]},"
        " {s:s, s:s, s:s, s:[{s:s, s:s, s:b}]},"
        " {s:s, s:s, s:s, s:[{s:s, s:s, s:b}]}]",
        "name", "explore-workspace", "title", "Explore the workspace", "description",
        "Find out what this Glyphoxa deployment is made of: components, notable values, "
        "validation and the state of the last export.",
        "name", "review-config", "title", "Review the configuration", "description",
        "Review the configuration, or one path or section of it, against the rules and good "
        "practice, and propose changes.",
        "arguments", "name", "path", "description",
        "a path (gateway/replica-count) or section (gateway) to focus on; none: everything",
        "required", 0,
        "name", "setup-component", "title", "Set up a component", "description",
        "Enable a component and set the values it needs, step by step, checking each change.",
        "arguments", "name", "component", "description",
        "the component to set up (list_components names them)", "required", 1,
        "name", "plan-apply", "title", "Plan an apply", "description",
        "Plan running an apply target: what it does, what it needs, a dry run first, and what "
        "to confirm with the operator.",
        "arguments", "name", "target", "description",
        "the target (default, infrastructure, stop, destroy, restart, status, diff)", "required",
        1);
}

/* s without a final '.', for a sentence that goes on ("%.*s"). */
static int gx_no_period(const char *s)
{
    size_t n = strlen(s);
    return (int)(n && s[n - 1] == '.' ? n - 1 : n);
}

/* Answers with one user message holding text (consumed buffer). */
static void gx_prompt_reply(gx_mcp_request *r, const char *description, gx_buf *text)
{
    json_t *msg = json_pack("{s:s, s:{s:s, s:o}}", "role", "user", "content", "type", "text",
                            "text", gx_mcp_text(text->data ? text->data : "", text->len));
    gx_buf_free(text);
    gx_mcp_reply(r, json_pack("{s:s, s:[o]}", "description", description, "messages", msg),
                 GX_MCP_NO_CACHE, 0);
}

static void gx_explore(gx_mcp_request *r)
{
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b,
                "Explore this glyphoxa-deploy workspace and give me a short overview.\n\n"
                "1. Call list_components: which parts are on (and which are mandatory)?\n"
                "2. Call get_values for the sections core and gateway, and read the resource "
                "glyphoxa://values to see what the operator changed from the defaults (the "
                "origin of each value tells).\n"
                "3. Call validate and summarise the results by severity, with each remedy.\n"
                "4. Call preview_export with content false: which files would an export write, "
                "and what changed since the last export?\n\n"
                "Secret values read as <redacted>; say which secrets are set, never guess "
                "them. Change nothing: this is a read-only tour.");
    gx_prompt_reply(r, "Explore the workspace", &b);
}

static void gx_review(gx_mcp_request *r, const char *path)
{
    gx_buf b = GX_BUF_INIT;
    if (path) {
        int f = gx_core_field_find(path);
        if (f < 0 && !gx_core_is_section(path)) {
            char text[300];
            snprintf(text, sizeof text, "unknown path or section '%.200s' (list_paths shows them)",
                     path);
            gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, text, NULL);
            return;
        }
        gx_buf_printf(&b, "Review the %s %s of this glyphoxa-deploy workspace.\n\n",
                      f >= 0 ? "setting" : "section", path);
        if (f >= 0)
            gx_buf_printf(&b,
                          "1. Call describe_path with path %s to learn what it means, its type, "
                          "default and range.\n"
                          "2. Call get_values with paths [\"%s\"] to see the effective value and "
                          "where it comes from.\n",
                          path, path);
        else
            gx_buf_printf(&b,
                          "1. Call list_paths with section %s to learn what each setting means, "
                          "its type, default and range.\n"
                          "2. Call get_values with paths [\"%s\"] to see the effective values and "
                          "where they come from.\n",
                          path, path);
    } else {
        gx_buf_puts(&b, "Review the configuration of this glyphoxa-deploy workspace.\n\n"
                        "1. Call get_values for every value and note what differs from the "
                        "defaults (the origin of each value).\n"
                        "2. Call list_components.\n");
    }
    gx_buf_printf(&b, "3. Call validate: explain every blocking result and warning%s, with "
                      "its remedy.\n",
                  path ? " that concerns it" : "");
    gx_buf_puts(&b,
                    "4. Point out values that look wrong or risky for production (replicas, "
                    "resources, the image tag, secrets that are not set) even when no rule "
                    "complains.\n\n"
                    "Then propose concrete changes as set_values calls with the revision you "
                    "read, but do not make them before I agree.");
    gx_prompt_reply(r, path ? "Review one part of the configuration" : "Review the configuration",
                    &b);
}

static void gx_setup(gx_mcp_request *r, const char *name)
{
    int c = gx_core_component_find(name);
    if (c < 0) {
        char text[300];
        snprintf(text, sizeof text, "unknown component '%.200s' (list_components names them)",
                 name);
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, text, NULL);
        return;
    }
    const gx_component_info *ci = gx_core_component((size_t)c);
    gx_buf b = GX_BUF_INIT;
    gx_buf_printf(&b, "Set up the component %s of this glyphoxa-deploy workspace: %.*s.%s%s\n\n",
                  ci->name, gx_no_period(ci->description), ci->description,
                  ci->mandatory ? " It is mandatory (always on)." : "",
                  ci->infrastructure
                      ? " It is infrastructure: the infrastructure target installs it with Helm."
                      : "");
    gx_buf_puts(&b, "Its settings:\n");
    size_t n = 0;
    for (size_t i = 0; i < gx_core_field_count(); i++) {
        const gx_field *f = gx_core_field(i);
        if (f->component != c)
            continue;
        gx_buf_printf(&b, "- %s (%s%s): %s\n", f->path, gx_core_type_name(f->type),
                      f->secret ? ", secret" : "", f->display);
        n++;
    }
    if (!n)
        gx_buf_puts(&b, "- none of its own\n");
    gx_buf_printf(&b,
                  "\nSteps:\n"
                  "1. Call list_components to see whether %s is on, and get_values for its "
                  "settings (note the revision).\n"
                  "2. %s\n"
                  "3. Ask me for the values that have no good default (describe_path explains "
                  "each), then set them with one set_values call, passing the revision. Secret "
                  "values are never shown back: confirm them with me, not by reading them.\n"
                  "4. Fix what validate (in each answer) reports, then call preview_export to "
                  "show which files change.",
                  ci->name,
                  ci->mandatory ? "It is always on: nothing to enable."
                                : "Enable it with enable_component (passing the revision).");
    gx_prompt_reply(r, "Set up a component", &b);
}

static void gx_plan(gx_mcp_request *r, const char *name)
{
    int t = gx_core_target_find(name);
    if (t < 0) {
        char text[300];
        snprintf(text, sizeof text, "unknown target '%.200s'", name);
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, text, NULL);
        return;
    }
    const gx_target_info *ti = gx_core_target((size_t)t);
    bool destructive = !strcmp(ti->name, "destroy") || !strcmp(ti->name, "stop");
    gx_buf b = GX_BUF_INIT;
    gx_buf_printf(&b, "Plan running the apply target %s of this glyphoxa-deploy workspace: %.*s.\n",
                  ti->name, gx_no_period(ti->description), ti->description);
    gx_buf_printf(&b, "It %s, and its time limit is %d seconds.\n",
                  ti->pre_export ? "validates and exports first (generated/ and scripts/ are "
                                   "rewritten)"
                                 : "acts on the deployed release (its namespace and release; "
                                   "before the first deploy, on the last export)",
                  ti->timeout_seconds);
    if (destructive)
        gx_buf_puts(&b, "This target is destructive: it takes the running service down.\n");
    gx_buf_printf(&b,
                  "\nSteps:\n"
                  "1. Call validate; stop and report when a result is blocking.\n"
                  "2. %s\n"
                  "3. Call apply with target %s and dry_run true (the default): explain the "
                  "commands it would run, in order.\n"
                  "4. Ask me to confirm%s before calling apply with dry_run false%s. Follow "
                  "its progress and report the exit status; on a failure show the last output "
                  "lines.",
                  ti->pre_export ? "Call preview_export and summarise what changes against the "
                                   "last export."
                                 : "Call history to see which revision is deployed (what "
                                   "the target acts on).",
                  ti->name, destructive ? " explicitly, naming the namespace and release," : "",
                  strcmp(ti->name, "destroy") ? ""
                                              : " and confirm set to the namespace I confirmed "
                                                "(without it destroy is refused)");
    gx_prompt_reply(r, "Plan an apply", &b);
}

void gx_mcp_prompts_get(gx_mcp_request *r)
{
    const char *name = json_string_value(json_object_get(r->params, "name"));
    json_t *args = json_object_get(r->params, "arguments");
    if (!name) {
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, "params.name must be a string", NULL);
        return;
    }
    if (args && !json_is_object(args)) {
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, "params.arguments must be an object", NULL);
        return;
    }
    /* the arguments each prompt takes; every value is a string */
    const char *allowed = !strcmp(name, "review-config")     ? "path"
                          : !strcmp(name, "setup-component") ? "component"
                          : !strcmp(name, "plan-apply")      ? "target"
                                                             : NULL;
    if (strcmp(name, "explore-workspace") && !allowed) {
        char text[300];
        snprintf(text, sizeof text, "Unknown prompt: %.200s", name);
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, text, NULL);
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(args, key, v) {
        char text[300];
        if (!allowed || strcmp(key, allowed)) {
            snprintf(text, sizeof text, "prompt %s takes no argument '%.100s'", name, key);
            gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, text, NULL);
            return;
        }
        if (!json_is_string(v)) {
            snprintf(text, sizeof text, "argument '%s' must be a string", key);
            gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, text, NULL);
            return;
        }
    }
    const char *arg = allowed ? json_string_value(json_object_get(args, allowed)) : NULL;
    if (arg && !*arg)
        arg = NULL;
    if (!strcmp(name, "explore-workspace")) {
        gx_explore(r);
    } else if (!strcmp(name, "review-config")) {
        gx_review(r, arg);
    } else if (!arg) {
        char text[200];
        snprintf(text, sizeof text, "prompt %s needs the argument '%s'", name, allowed);
        gx_mcp_reply_error(r, GX_RPC_INVALID_PARAMS, text, NULL);
    } else if (!strcmp(name, "setup-component")) {
        gx_setup(r, arg);
    } else {
        gx_plan(r, arg);
    }
}
