/* gx_commands — the commands as data (gx_core.h): each command's name,
 * summary, synopsis, description, options with their help, positional
 * arguments, examples and what it needs. The command line's dispatcher,
 * --help, `help COMMAND` and shell completion read this table, and so will
 * the MCP tool list and the web API routes. */
#include <string.h>

#include "gx_core.h"

#define END {NULL, NULL, GX_OPT_FLAG, NULL, NULL, NULL}
#define ARGS_END {NULL, NULL, 0, 0, NULL}
#define JSON_OPT {"--json", NULL, GX_OPT_FLAG, NULL, "print JSON instead of text", NULL}
#define DRY_RUN_OPT                                                                               \
    {"--dry-run", NULL, GX_OPT_FLAG, NULL, "print the commands in order and run none", NULL}
/* the options of the commands that run kubectl and helm (apply, rollback) */
#define CLUSTER_OPTS                                                                              \
    {"--kubeconfig", NULL, GX_OPT_VALUE, "FILE", "the kubeconfig kubectl and helm use", "files"}, \
        {"--context", NULL, GX_OPT_VALUE, "NAME", "the kubeconfig context to use", NULL},         \
        {"--kubectl", NULL, GX_OPT_VALUE, "PATH", "the kubectl to run (default: found on PATH)",  \
         "files"},                                                                                \
        {"--helm", NULL, GX_OPT_VALUE, "PATH", "the helm to run (default: found on PATH)", "files"}

static const gx_cmd_option gx_global_options[] = {
    {"-C", NULL, GX_OPT_VALUE, "DIR", "use DIR as the workspace (default: the current directory)",
     "dirs"},
    {"--values", "-f", GX_OPT_REPEAT, "FILE", "layer FILE over values.yaml (repeatable, in order)",
     "files"},
    {"--set", NULL, GX_OPT_REPEAT, "PATH=VALUE",
     "set a value for this run only (highest precedence)", "paths"},
    {"--set-file", NULL, GX_OPT_REPEAT, "PATH=FILE",
     "the same, with the content of FILE as the value (a pipe or <(...) works; one trailing "
     "newline is removed for scalar paths)",
     "paths"},
    {"--help", "-h", GX_OPT_FLAG, NULL, "show help", NULL},
    END,
};

/* ---- init ---- */
static const gx_cmd_option gx_init_opts[] = {
    {"--topology", NULL, GX_OPT_VALUE, "T", "shared or dedicated (drives the topology defaults)",
     "shared|dedicated"},
    {"--namespace", NULL, GX_OPT_VALUE, "NS", "the Kubernetes namespace", NULL},
    {"--release", NULL, GX_OPT_VALUE, "NAME", "the release name (prefix of every resource)", NULL},
    {"--dsn", NULL, GX_OPT_VALUE, "DSN", "the PostgreSQL URL of an existing database", NULL},
    {"--with-postgresql", NULL, GX_OPT_FLAG, NULL,
     "bundle PostgreSQL (the default without --dsn; a random password is generated)", NULL},
    {"--environment", NULL, GX_OPT_VALUE, "E", "production or dev (dev relaxes the admin-key rule)",
     "production|dev"},
    {"--force", NULL, GX_OPT_FLAG, NULL, "replace an existing values.yaml", NULL},
    END,
};
static const char *const gx_init_ex[] = {
    "glyphoxa-deploy -C prod init --topology dedicated --dsn 'postgres://glyphoxa:pw@db.example.internal:5432/glyphoxa'",
    "glyphoxa-deploy init --with-postgresql --environment dev", NULL};

/* ---- list ---- */
static const gx_cmd_option gx_json_only[] = {JSON_OPT, END};
static const gx_cmd_arg gx_list_args[] = {
    {"WHAT", "paths, components, targets or rules", 1, 1, "paths|components|targets|rules"},
    ARGS_END};
static const char *const gx_list_ex[] = {"glyphoxa-deploy list paths",
                                         "glyphoxa-deploy list components --json",
                                         "glyphoxa-deploy list rules", NULL};

/* ---- describe ---- */
static const gx_cmd_arg gx_path_arg[] = {{"PATH", "a path, e.g. gateway/replica-count", 1, 1,
                                          "paths"},
                                         ARGS_END};
static const char *const gx_describe_ex[] = {"glyphoxa-deploy describe gateway/replica-count",
                                             NULL};

/* ---- get ---- */
static const gx_cmd_option gx_get_opts[] = {
    {"--explain", NULL, GX_OPT_FLAG, NULL, "name the layer each value comes from", NULL},
    {"--show-secrets", NULL, GX_OPT_FLAG, NULL, "print secret values instead of <redacted>", NULL},
    {"--all", NULL, GX_OPT_FLAG, NULL, "every effective value, as one YAML document", NULL},
    JSON_OPT,
    END,
};
static const gx_cmd_arg gx_get_args[] = {
    {"PATH", "a path, or a section such as gateway (every path below it)", 0, 1, "paths"},
    ARGS_END};
static const char *const gx_get_ex[] = {"glyphoxa-deploy get gateway/replica-count --explain",
                                        "glyphoxa-deploy -f overlay.yaml get core/namespace --json",
                                        "glyphoxa-deploy get gateway",
                                        "glyphoxa-deploy get --all --explain", NULL};

/* ---- set / unset ---- */
static const gx_cmd_option gx_set_opts[] = {
    {"--if-revision", NULL, GX_OPT_VALUE, "REV",
     "write only if the workspace is still at revision REV (as get --json or validate --json "
     "report it)",
     NULL},
    END,
};
static const gx_cmd_arg gx_set_args[] = {{"PATH=VALUE", "the value of a path; `PATH -` reads it "
                                                        "from standard input",
                                          1, GX_CMD_ANY, "paths"},
                                         ARGS_END};
static const char *const gx_set_ex[] = {
    "glyphoxa-deploy set gateway/replica-count=2 core/topology=dedicated",
    "glyphoxa-deploy set 'gateway/node-selector={disktype: ssd}'",
    "glyphoxa-deploy set 'core/image-pull-secrets=[regcred]'",
    "glyphoxa-deploy set config/providers/llm/api-key - < openai.key", NULL};
static const gx_cmd_arg gx_unset_args[] = {{"PATH", "a path to return to its default", 1,
                                            GX_CMD_ANY, "paths"},
                                           ARGS_END};
static const char *const gx_unset_ex[] = {"glyphoxa-deploy unset gateway/replica-count", NULL};

/* ---- component ---- */
static const gx_cmd_option gx_component_opts[] = {
    JSON_OPT,
    {"--if-revision", NULL, GX_OPT_VALUE, "REV",
     "change only if the workspace is still at revision REV", NULL},
    END,
};
static const gx_cmd_arg gx_component_args[] = {
    {"ACTION", "list, enable or disable", 1, 1, "list|enable|disable"},
    {"NAME", "components to enable or disable", 0, GX_CMD_ANY, "components"},
    ARGS_END};
static const char *const gx_component_ex[] = {
    "glyphoxa-deploy component enable autoscaling postgresql",
    "glyphoxa-deploy component disable mcp-gateway", "glyphoxa-deploy component list --json",
    NULL};

/* ---- validate ---- */
static const char *const gx_validate_ex[] = {"glyphoxa-deploy validate",
                                             "glyphoxa-deploy -f ci.yaml validate --json", NULL};

/* ---- export ---- */
static const gx_cmd_option gx_export_opts[] = {
    {"--out", NULL, GX_OPT_VALUE, "DIR", "write generated/ and scripts/ below DIR instead",
     "dirs"},
    {"--stdout", NULL, GX_OPT_FLAG, NULL, "print the manifests as one YAML stream, write no file",
     NULL},
    {"--no-secrets", NULL, GX_OPT_FLAG, NULL,
     "render without secret values (for review in CI; apply refuses such an export)", NULL},
    {"--quiet", NULL, GX_OPT_FLAG, NULL, "print nothing but problems", NULL},
    JSON_OPT,
    END,
};
static const char *const gx_export_ex[] = {
    "glyphoxa-deploy export",
    "glyphoxa-deploy export --json",
    "glyphoxa-deploy export --stdout --no-secrets > manifests.yaml", NULL};

/* ---- apply ---- */
static const gx_cmd_option gx_apply_opts[] = {
    DRY_RUN_OPT,
    {"--timeout", NULL, GX_OPT_VALUE, "DURATION",
     "the target's time limit: seconds or a duration (90s, 5m, 1h30m)", NULL},
    CLUSTER_OPTS,
    {"--delete-namespace", NULL, GX_OPT_FLAG, NULL,
     "destroy only: delete the Namespace too, with its PersistentVolumeClaims (only one this "
     "workspace created)",
     NULL},
    {"--uninstall-sealed-secrets", NULL, GX_OPT_FLAG, NULL,
     "destroy only: uninstall the cluster-wide Sealed Secrets controller too", NULL},
    {"--adopt", NULL, GX_OPT_FLAG, NULL,
     "default only: take over objects that exist as objects of another release", NULL},
    {"--fetch-certificate", NULL, GX_OPT_FLAG, NULL,
     "infrastructure only: then fetch the Sealed Secrets controller's certificate into "
     "sealed-secrets/certificate (the next export seals the secrets)",
     NULL},
    {"--yes", NULL, GX_OPT_FLAG, NULL,
     "destroy only: confirmed in advance (without a terminal destroy needs it)", NULL},
    END,
};
static const gx_cmd_arg gx_apply_args[] = {{"TARGET",
                                            "default, infrastructure, stop, destroy, restart, "
                                            "status or diff",
                                            0, 1, "targets"},
                                           ARGS_END};
static const char *const gx_apply_ex[] = {"glyphoxa-deploy apply --dry-run",
                                          "glyphoxa-deploy apply infrastructure --timeout 600",
                                          "glyphoxa-deploy apply status --context prod",
                                          "glyphoxa-deploy apply destroy --delete-namespace",
                                          "glyphoxa-deploy apply infrastructure --fetch-certificate",
                                          NULL};

/* ---- help, completion, version ---- */
static const gx_cmd_arg gx_help_args[] = {{"COMMAND", "the command to explain", 0, 1,
                                           "commands"},
                                          ARGS_END};
static const char *const gx_help_ex[] = {"glyphoxa-deploy help apply", NULL};
static const gx_cmd_arg gx_completion_args[] = {{"SHELL", "bash or zsh", 1, 1, "bash|zsh"},
                                                ARGS_END};
static const char *const gx_completion_ex[] = {
    "source <(glyphoxa-deploy completion bash)",
    "glyphoxa-deploy completion zsh > \"${fpath[1]}/_glyphoxa-deploy\"", NULL};
static const char *const gx_version_ex[] = {"glyphoxa-deploy version", NULL};

/* ---- mcp ---- */
static const gx_cmd_option gx_mcp_opts[] = {
    {"--read-only", NULL, GX_OPT_FLAG, NULL,
     "offer no tool that changes the workspace or a cluster", NULL},
    END,
};
static const char *const gx_mcp_ex[] = {"glyphoxa-deploy -C prod mcp",
                                        "glyphoxa-deploy -C prod mcp --read-only", NULL};

/* ---- serve ---- */
static const gx_cmd_option gx_serve_opts[] = {
    {"--listen", NULL, GX_OPT_VALUE, "ADDRESS[:PORT]",
     "where to listen (default 127.0.0.1:8080; port 0 picks a free one; another address than "
     "loopback is warned about)",
     NULL},
    {"--open", NULL, GX_OPT_FLAG, NULL, "also open the login URL in the desktop's browser (xdg-open)",
     NULL},
    END,
};
static const char *const gx_serve_ex[] = {"glyphoxa-deploy -C prod serve",
                                          "glyphoxa-deploy serve --listen 127.0.0.1:0", NULL};

/* ---- edit ---- */
static const char *const gx_edit_ex[] = {"glyphoxa-deploy edit", "glyphoxa-deploy -C prod edit",
                                         NULL};

/* ---- history, rollback ---- */
static const gx_cmd_arg gx_history_args[] = {
    {"diff A B", "show what changed from revision A to revision B", 0, 3, "diff"}, ARGS_END};
static const char *const gx_history_ex[] = {"glyphoxa-deploy history",
                                            "glyphoxa-deploy history --json",
                                            "glyphoxa-deploy history diff 3 4", NULL};
static const gx_cmd_option gx_rollback_opts[] = {
    DRY_RUN_OPT,
    {"--timeout", NULL, GX_OPT_VALUE, "DURATION",
     "the time limit: seconds or a duration (90s, 5m, 1h30m)", NULL},
    CLUSTER_OPTS,
    END,
};
static const gx_cmd_arg gx_rollback_args[] = {
    {"N", "the revision to re-apply (default: the one before the deployed one)", 0, 1, NULL},
    ARGS_END};
static const char *const gx_rollback_ex[] = {"glyphoxa-deploy rollback --dry-run",
                                             "glyphoxa-deploy rollback 3", NULL};

/* ---- import ---- */
static const gx_cmd_option gx_import_opts[] = {
    {"--values", "-f", GX_OPT_REPEAT, "FILE",
     "a values file of the Helm release (repeatable; later files win, as with helm -f)",
     "files"},
    {"--set", NULL, GX_OPT_REPEAT, "KEY=VALUE",
     "a Helm --set argument (repeatable; dots, commas, [i] indexes and {a,b} lists)", NULL},
    {"--release", NULL, GX_OPT_VALUE, "NAME",
     "the Helm release the values belong to; without -f its values are read from the cluster "
     "(helm get values NAME --all)",
     NULL},
    {"--namespace", NULL, GX_OPT_VALUE, "NS", "the namespace of the Helm release", NULL},
    {"--provider-slot", NULL, GX_OPT_REPEAT, "PROVIDER=KIND",
     "the provider slot (llm, stt, tts, s2s, embeddings, or none) of an API key of the chart's "
     "secrets.* that config.data does not place (repeatable)",
     NULL},
    {"--dry-run", NULL, GX_OPT_FLAG, NULL, "print the report and the files, write nothing", NULL},
    {"--force", NULL, GX_OPT_FLAG, NULL, "replace an existing workspace", NULL},
    {"--kubeconfig", NULL, GX_OPT_VALUE, "FILE", "the kubeconfig helm uses", "files"},
    {"--context", NULL, GX_OPT_VALUE, "NAME", "the kubeconfig context to use", NULL},
    {"--helm", NULL, GX_OPT_VALUE, "PATH", "the helm to run (default: found on PATH)", "files"},
    JSON_OPT,
    END,
};
static const gx_cmd_arg gx_import_args[] = {{"SOURCE", "helm: the old Helm chart", 1, 1, "helm"},
                                            ARGS_END};
static const char *const gx_import_ex[] = {
    "glyphoxa-deploy -C prod import helm -f values.yaml -f values-dedicated.yaml --release "
    "glyphoxa --namespace glyphoxa --dry-run",
    "glyphoxa-deploy -C prod import helm --release glyphoxa --namespace glyphoxa --context prod",
    "glyphoxa-deploy import helm -f my-values.yaml --set gateway.replicaCount=2 --release "
    "glyphoxa --namespace glyphoxa --provider-slot openai=llm",
    NULL};

/* ---- schema ---- */
static const gx_cmd_option gx_schema_opts[] = {
    {"--json-schema", NULL, GX_OPT_FLAG, NULL,
     "print the JSON Schema (draft 2020-12) of values.yaml and secrets.yaml (the default and "
     "only format)",
     NULL},
    END,
};
static const char *const gx_schema_ex[] = {
    "glyphoxa-deploy schema --json-schema > values.schema.json", NULL};

static const gx_command_info gx_commands[] = {
    {"init", "write a new workspace (values.yaml) that validates",
     "init [--topology shared|dedicated] [--namespace NS] [--release NAME]\n"
     "         [--dsn DSN | --with-postgresql] [--environment dev|production] [--force]",
     "Writes values.yaml (mode 0600) and .gitignore into the workspace. The workspace\n"
     "validates as written: a random admin key is generated, and either the given DSN is\n"
     "used or the postgresql component is enabled with a random password.",
     gx_init_opts, NULL, gx_init_ex, GX_CMD_LOCKS | GX_CMD_WRITES},
    {"list", "list paths, components, targets or rules", "list paths|components|targets|rules [--json]",
     "Lists every path with its type and default, the components and their state, the apply\n"
     "targets, or the validation rules.",
     gx_json_only, gx_list_args, gx_list_ex, GX_CMD_LAYERS},
    {"describe", "show everything about one path", "describe PATH [--json]",
     "Shows a path's type, default(s), choices, range, component and description.",
     gx_json_only, gx_path_arg, gx_describe_ex, 0},
    {"get", "print the effective value of a path or section",
     "get PATH|SECTION [--explain] [--show-secrets] [--json]  |  get --all [--explain]",
     "Prints the effective value (defaults < topology < values.yaml < -f files < --set).\n"
     "--explain names the layer that won. Secrets print as <redacted> unless --show-secrets.\n"
     "A section (e.g. gateway) prints every path below it; --all prints every value.",
     gx_get_opts, gx_get_args, gx_get_ex, GX_CMD_NEEDS_WORKSPACE | GX_CMD_LAYERS},
    {"set", "set values in values.yaml", "set PATH=VALUE... [--if-revision REV]",
     "Stores values in values.yaml (secret paths in secrets.yaml, mode 0600), parsed by each\n"
     "path's type: ints, true/false, enum choices, maps and lists as YAML text. `PATH -`\n"
     "reads the value from standard input, so it never shows in the process list; on a\n"
     "terminal it asks without echo (twice for a secret). From a file or a pipe, one\n"
     "trailing newline (\\n or \\r\\n) is removed for scalar paths and a byte order mark\n"
     "is refused; --set-file values are read the same way.",
     gx_set_opts, gx_set_args, gx_set_ex, GX_CMD_NEEDS_WORKSPACE | GX_CMD_LOCKS | GX_CMD_WRITES},
    {"unset", "remove values from values.yaml (back to the default)",
     "unset PATH... [--if-revision REV]", "Removes values from values.yaml, so the defaults apply again.",
     gx_set_opts, gx_unset_args, gx_unset_ex, GX_CMD_NEEDS_WORKSPACE | GX_CMD_LOCKS | GX_CMD_WRITES},
    {"component", "list, enable or disable components",
     "component list [--json] | enable NAME... | disable NAME...",
     "Components switch whole parts of the deployment on and off: mcp-gateway,\n"
     "network-policy, autoscaling, postgresql, sealed-secrets. gateway and worker are\n"
     "mandatory. Enabling postgresql generates its password when none is set.",
     gx_component_opts, gx_component_args, gx_component_ex,
     GX_CMD_NEEDS_WORKSPACE | GX_CMD_LOCKS | GX_CMD_WRITES},
    {"validate", "check the configuration (exit 1 on a blocking result)", "validate [--json]",
     "Checks every value and the rules V1-V31. Exit status 1 when any result is blocking.\n"
     "With --json it prints exactly one JSON object, also when the values cannot be read.",
     gx_json_only, NULL, gx_validate_ex, GX_CMD_LAYERS | GX_CMD_VALIDATES},
    {"export", "render generated/ and scripts/",
     "export [--out DIR] [--stdout] [--no-secrets] [--quiet] [--json]",
     "Validates, then renders generated/*.yaml and scripts/*.sh (atomically), and says what\n"
     "changed: \"19 files: 2 changed, 17 unchanged\". An export that changes nothing writes\n"
     "nothing (file times stay). --json lists every file with its mode and whether it changed.\n"
     "generated/kustomization.yaml lists the manifests in apply order (kubectl apply -k, Argo\n"
     "CD, Flux); --stdout prints them in that order. With sealed-secrets on and\n"
     "sealed-secrets/certificate set, every Secret is a SealedSecret sealed offline: generated/\n"
     "then holds no plaintext and can be committed (docs/gitops.md).",
     gx_export_opts, NULL, gx_export_ex,
     GX_CMD_NEEDS_WORKSPACE | GX_CMD_LOCKS | GX_CMD_WRITES | GX_CMD_VALIDATES | GX_CMD_LAYERS},
    {"apply", "run a target (default, infrastructure, stop, destroy, restart, status, diff)",
     "apply [TARGET] [--dry-run] [--timeout DURATION] [--kubeconfig F] [--context C]\n"
     "         [--kubectl PATH] [--helm PATH] [--delete-namespace] [--uninstall-sealed-secrets]\n"
     "         [--adopt] [--fetch-certificate] [--yes]",
     "Runs a target's script from scripts/ with bash: default (apply), infrastructure, stop,\n"
     "destroy, restart, status, diff (see `glyphoxa-deploy list targets` and docs/targets.md).\n"
     "default, infrastructure and diff validate and export first; the others act on the last\n"
     "export. --dry-run prints the commands in order and runs none. kubectl and helm come from\n"
     "PATH unless --kubectl/--helm. The exit status is the failing command's, 124 when the\n"
     "timeout stopped the target; diff exits 1 when the cluster differs. --delete-namespace\n"
     "(destroy only) deletes the Namespace too, with its PersistentVolumeClaims.\n"
     "--fetch-certificate (infrastructure only) then fetches the Sealed Secrets controller's\n"
     "certificate into sealed-secrets/certificate, so that exports seal the secrets.",
     gx_apply_opts, gx_apply_args, gx_apply_ex,
     GX_CMD_NEEDS_WORKSPACE | GX_CMD_LOCKS | GX_CMD_WRITES | GX_CMD_VALIDATES | GX_CMD_LAYERS},
    {"help", "show the help of a command", "help [COMMAND]",
     "Shows the list of commands, or the help of one command.", NULL, gx_help_args,
     gx_help_ex, 0},
    {"completion", "print a shell completion script", "completion bash|zsh",
     "Prints a completion script for bash or zsh: commands, options, paths, components\n"
     "and targets complete.",
     NULL, gx_completion_args, gx_completion_ex, 0},
    {"version", "print the version", "version",
     "Prints the version and the size of the compiled-in schema.", NULL, NULL, gx_version_ex,
     0},
    {"mcp", "serve the workspace to an AI assistant (Model Context Protocol on stdio)",
     "mcp [--read-only]",
     "Serves the workspace over the Model Context Protocol: one JSON-RPC message per line on\n"
     "stdin and stdout (logs on stderr) until stdin ends. Its tools do what the commands do,\n"
     "through the same operations, locks and revision checks; secret values can be set but are\n"
     "never shown. --read-only offers no tool that changes anything. docs/mcp.md shows how to\n"
     "register it with a client.",
     gx_mcp_opts, NULL, gx_mcp_ex, GX_CMD_LOCKS | GX_CMD_WRITES | GX_CMD_VALIDATES | GX_CMD_LAYERS},
    {"serve", "serve the workspace to a local web page (guided editing, preview, apply)",
     "serve [--listen ADDRESS[:PORT]] [--open]",
     "Serves a web page for the workspace on 127.0.0.1:8080 (or --listen): every setting with\n"
     "its description and an editor that fits its type, validation as you type, components,\n"
     "a preview of the files an export writes with their diff, apply with live output, and\n"
     "history. It prints a URL with a one-time token that logs the browser in; the page and its\n"
     "JSON API (docs/web-api.md) need that session. Secret values can be set but are never\n"
     "shown. Writes carry the revision they were based on, so a change made meanwhile from\n"
     "the command line is never overwritten. Stop it with Ctrl-C.",
     gx_serve_opts, NULL, gx_serve_ex,
     GX_CMD_NEEDS_WORKSPACE | GX_CMD_LOCKS | GX_CMD_WRITES | GX_CMD_VALIDATES | GX_CMD_LAYERS},
    {"edit", "edit the workspace in a full-screen terminal UI (menuconfig-like)", "edit",
     "Opens the workspace in a full-screen terminal UI (needs a terminal of at least 80x24):\n"
     "every section and path as a tree, search (/), help for a path (?), editors that check\n"
     "the value as you type, the validation results (v), the components (c), undo (u) and\n"
     "redo (Ctrl-R). s saves only what changed (comments kept), refused when the files\n"
     "changed meanwhile (reload offered); q and Ctrl-C ask before unsaved edits are lost.\n"
     "e exports, a runs an apply target (a dry run first). docs/tui.md lists every key.",
     NULL, NULL, gx_edit_ex, GX_CMD_NEEDS_WORKSPACE | GX_CMD_LOCKS | GX_CMD_WRITES | GX_CMD_VALIDATES},
    {"history", "list the revisions kept of successful applies, or what changed between two",
     "history [--json] | history diff A B",
     "Every successful apply (default or infrastructure, not a dry run) keeps the applied\n"
     "generated/ and scripts/ trees and the values that made them as a revision under\n"
     ".glyphoxa-deploy/history/N/ (mode 0600; the newest core/history-limit are kept).\n"
     "history lists them: number, time, target, export hash, components, and which one is\n"
     "deployed. history diff A B shows what changed from A to B (files that hold secrets\n"
     "are named, never shown).",
     gx_json_only, gx_history_args, gx_history_ex, GX_CMD_NEEDS_WORKSPACE | GX_CMD_LOCKS},
    {"rollback", "re-apply a kept revision as it was (no re-render)",
     "rollback [N] [--dry-run] [--timeout DURATION] [--kubeconfig F] [--context C]",
     "Re-applies revision N (default: the one before the deployed one) with its own script\n"
     "and its own generated/ tree, as they were applied; nothing is validated or rendered\n"
     "again, values.yaml is not changed. On success it is kept as a new revision and becomes\n"
     "the deployed one. --dry-run prints the commands and records nothing.",
     gx_rollback_opts, gx_rollback_args, gx_rollback_ex,
     GX_CMD_NEEDS_WORKSPACE | GX_CMD_LOCKS | GX_CMD_WRITES},
    {"import", "turn the old Helm chart's values into a new workspace",
     "import helm -f FILE... [--set KEY=VALUE]... [--release NAME] [--namespace NS]\n"
     "         [--provider-slot PROVIDER=KIND]... [--dry-run] [--force] [--json]\n"
     "       import helm --release NAME [--namespace NS] [--kubeconfig F] [--context C]",
     "Reads the values of a release of the old Helm chart (deploy/helm/glyphoxa): its values\n"
     "files layered as Helm does (the chart's defaults, each -f in order, then each --set),\n"
     "or, with --release and no -f, the release's values from the cluster (helm get values\n"
     "NAME --all, with the same environment, kubeconfig and context as apply). Every chart key\n"
     "is mapped to its path or component, and the report lists each key with where it went,\n"
     "each key not carried over with the reason, and the settings whose behaviour changes.\n"
     "Nothing is guessed: the release name and namespace (they name the objects), and the\n"
     "provider slot of an API key that config.data does not place, are asked on a terminal\n"
     "or need --release, --namespace, --provider-slot. Writes values.yaml and secrets.yaml\n"
     "(an existing workspace only with --force); the first apply then takes over the\n"
     "release's objects (docs/migration.md). --dry-run prints the report and the files.",
     gx_import_opts, gx_import_args, gx_import_ex, GX_CMD_LOCKS | GX_CMD_WRITES},
    {"schema", "print the JSON Schema of values.yaml (for editors)", "schema [--json-schema]",
     "Prints a JSON Schema (draft 2020-12) of values.yaml and secrets.yaml, written from the\n"
     "compiled-in schema: every path with its type, default, description, choices, range and\n"
     "pattern, the components map, and the shapes of structured values (tolerations, NPCs,\n"
     "MCP servers, provider options). init writes a copy to .glyphoxa-deploy/values.schema.json\n"
     "and points values.yaml at it (# yaml-language-server: $schema=...), so editors with the\n"
     "YAML language server complete and check values. The cross-value rules stay with validate.",
     gx_schema_opts, NULL, gx_schema_ex, 0},
};

size_t gx_core_command_count(void) { return sizeof gx_commands / sizeof gx_commands[0]; }

const gx_command_info *gx_core_command(size_t index)
{
    return index < gx_core_command_count() ? &gx_commands[index] : NULL;
}

const gx_command_info *gx_core_command_find(const char *name)
{
    for (size_t i = 0; i < gx_core_command_count(); i++)
        if (!strcmp(gx_commands[i].name, name))
            return &gx_commands[i];
    return NULL;
}

const gx_cmd_option *gx_core_global_options(void) { return gx_global_options; }
