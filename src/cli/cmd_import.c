/* The `import helm` command: the old Helm chart's values into a new workspace
 * through the core (gx_op_import), and its report: every chart key with the
 * path it went to (or why not), and the settings whose behaviour changes.
 * Questions the values do not answer are asked on the terminal (stdin and
 * stderr both terminals), else they need their option. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gx_cli.h"

/* Asks on the terminal: the question on stderr, one line from stdin. */
static const char *gx_import_ask(void *ctx, const char *question, const char *const *choices)
{
    gx_cli *cli = ctx;
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
        return NULL;
    for (int tries = 0; tries < 3; tries++) {
        fprintf(stderr, "%s\n", question);
        if (choices) {
            fputs("  answer one of:", stderr);
            for (const char *const *c = choices; *c; c++)
                fprintf(stderr, " %s", *c);
            fputc('\n', stderr);
        }
        fputs("> ", stderr);
        fflush(stderr);
        char line[512];
        if (!fgets(line, sizeof line, stdin))
            return NULL;
        line[strcspn(line, "\r\n")] = '\0';
        if (!*line)
            continue;
        if (!choices)
            return gx_arena_strdup(cli->arena, line);
        for (const char *const *c = choices; *c; c++)
            if (!strcmp(*c, line))
                return *c;
        fprintf(stderr, "'%s' is none of the answers\n", line);
    }
    return NULL;
}

/* One value of the report on one line: control characters escaped, long
 * values cut. */
static void gx_print_value(const char *v)
{
    size_t len = strlen(v);
    bool cut = len > 60 || strchr(v, '\n');
    size_t n = strcspn(v, "\n");
    if (n > 60)
        n = 60;
    gx_cli_put_safe(stdout, v, n);
    if (cut)
        fputs(" …", stdout);
}

static void gx_print_report(const gx_import_report *r, bool dry_run)
{
    printf("Helm release %s in namespace %s: core/release-name %s, core/namespace %s\n\n",
           r->release, r->namespace_, r->release_name, r->namespace_);
    size_t set = 0, def = 0, dropped = 0;
    for (size_t i = 0; i < r->count; i++)
        r->items[i].state == GX_IMPORT_SET       ? set++
        : r->items[i].state == GX_IMPORT_DEFAULT ? def++
                                                  : dropped++;
    printf("carried over (%zu set, %zu the default here):\n", set, def);
    for (size_t i = 0; i < r->count; i++) {
        const gx_import_item *it = &r->items[i];
        if (it->state == GX_IMPORT_DROPPED)
            continue;
        printf("  %-44s -> %s", it->key, it->path ? it->path : "-");
        if (it->value && *it->value) {
            fputs(" = ", stdout);
            gx_print_value(it->value);
        }
        if (it->state == GX_IMPORT_DEFAULT)
            fputs(" (default)", stdout);
        if (it->note) {
            fputs("  [", stdout);
            gx_cli_put_safe(stdout, it->note, strlen(it->note));
            fputc(']', stdout);
        }
        putchar('\n');
    }
    printf("\nnot carried over (%zu):\n", dropped);
    if (!dropped)
        puts("  (none)");
    for (size_t i = 0; i < r->count; i++) {
        const gx_import_item *it = &r->items[i];
        if (it->state != GX_IMPORT_DROPPED)
            continue;
        fputs("  ", stdout);
        gx_cli_put_safe(stdout, it->key, strlen(it->key));
        if (it->value && *it->value) {
            fputs(" = ", stdout);
            gx_print_value(it->value);
        }
        fputs(": ", stdout);
        gx_cli_put_safe(stdout, it->note ? it->note : "", it->note ? strlen(it->note) : 0);
        putchar('\n');
    }
    printf("\nbehaviour that changes (%zu):\n", r->change_count);
    for (size_t i = 0; i < r->change_count; i++) {
        fputs("  - ", stdout);
        gx_cli_put_safe(stdout, r->changes[i], strlen(r->changes[i]));
        putchar('\n');
    }
    if (dry_run) {
        printf("\nvalues.yaml (dry run: nothing was written):\n");
        fputs(r->values_text ? r->values_text : "", stdout);
        if (r->secrets_text) {
            printf("\nsecrets.yaml (values redacted):\n");
            fputs(r->secrets_text, stdout);
        }
    }
}

int gx_cmd_import(gx_cli *cli)
{
    if (gx_cli_no_layers(cli))
        return GX_EXIT_USAGE;
    if (strcmp(cli->pos[0], "helm"))
        return gx_cli_usage(cli, "unknown source '%.100s': import reads the old Helm chart's "
                                 "values (import helm)",
                            cli->pos[0]);
    gx_import_request req = {0};
    const gx_cmd_option *opts = cli->command->options;
    for (size_t i = 0; opts[i].name; i++) {
        if (!strcmp(opts[i].name, "--values")) {
            req.files = cli->repeats[i];
            req.file_count = cli->repeat_counts[i];
        } else if (!strcmp(opts[i].name, "--set")) {
            req.sets = cli->repeats[i];
            req.set_count = cli->repeat_counts[i];
        } else if (!strcmp(opts[i].name, "--provider-slot")) {
            req.provider_slots = cli->repeats[i];
            req.provider_slot_count = cli->repeat_counts[i];
        }
    }
    req.release = gx_cli_opt(cli, "--release");
    req.namespace_ = gx_cli_opt(cli, "--namespace");
    req.dry_run = gx_cli_flag(cli, "--dry-run");
    req.force = gx_cli_flag(cli, "--force");
    gx_cli_cluster(cli, &req.kubeconfig, &req.context, NULL, &req.helm);
    req.ask = gx_import_ask;
    req.ask_ctx = cli;
    if (!req.file_count && !req.release)
        return gx_cli_usage(cli, "give the release's values files (-f FILE) or the release to "
                                 "read them from (--release NAME)");
    bool json = gx_cli_flag(cli, "--json");
    gx_cli_sink cs = {.cli = cli, .quiet_files = json};
    gx_sink sink = gx_cli_sink_make(&cs);
    gx_import_report report;
    gx_status st = gx_op_import(cli->session, &req, &sink, &report);
    if (st != GX_STATUS_OK)
        return gx_cli_exit(st);
    if (json) {
        gx_cli_print_json(gx_json_import_report(&report));
        return GX_EXIT_OK;
    }
    gx_print_report(&report, req.dry_run);
    putchar('\n');
    gx_cli_print_summary(cli, stdout, report.blocking, report.warnings);
    if (req.dry_run)
        return GX_EXIT_OK;
    const char *ws = strcmp(cli->workspace, ".") ? cli->workspace : NULL;
    printf("next: review values.yaml, then glyphoxa-deploy%s%s apply --dry-run; the first apply "
           "takes over the objects of release %s (docs/migration.md)\n",
           ws ? " -C " : "", ws ? ws : "", report.release);
    return GX_EXIT_OK;
}
