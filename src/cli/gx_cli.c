/* gx_cli — printing and the command line's sink. See gx_cli.h. */
#include "gx_cli.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gx_utf8.h"

const char *gx_cli_opt(const gx_cli *cli, const char *name)
{
    if (!cli->command || !cli->values)
        return NULL;
    size_t i = 0;
    for (const gx_cmd_option *o = cli->command->options; o && o->name; o++, i++)
        if (!strcmp(o->name, name))
            return cli->values[i];
    return NULL;
}

bool gx_cli_flag(const gx_cli *cli, const char *name) { return gx_cli_opt(cli, name) != NULL; }

void gx_cli_cluster(const gx_cli *cli, const char **kubeconfig, const char **context,
                    const char **kubectl, const char **helm)
{
    const char **fields[] = {kubeconfig, context, kubectl, helm};
    static const char *const names[] = {"--kubeconfig", "--context", "--kubectl", "--helm"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (fields[i])
            *fields[i] = gx_cli_opt(cli, names[i]);
}

int gx_cli_exit(gx_status st)
{
    return st == GX_STATUS_OK ? GX_EXIT_OK : st == GX_STATUS_BAD_REQUEST ? GX_EXIT_USAGE
                                                                        : GX_EXIT_FAIL;
}

static void gx_cli_prefix(gx_cli *cli, const char *word, const char *color)
{
    if (cli->color_err)
        fprintf(stderr, "glyphoxa-deploy: %s%s\033[0m: ", color, word);
    else
        fprintf(stderr, "glyphoxa-deploy: %s: ", word);
}

int gx_cli_usage(gx_cli *cli, const char *fmt, ...)
{
    const char *name = cli->command ? cli->command->name : NULL;
    gx_cli_prefix(cli, "error", "\033[31m");
    if (name)
        fprintf(stderr, "%s: ", name);
    va_list ap;
    va_start(ap, fmt);
    char text[1024];
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    gx_cli_put_safe(stderr, text, strlen(text));
    fputc('\n', stderr);
    if (name)
        fprintf(stderr, "  hint: run `glyphoxa-deploy %s --help` for usage\n", name);
    else
        fputs("  hint: run `glyphoxa-deploy --help` for usage\n", stderr);
    return GX_EXIT_USAGE;
}

void gx_cli_put_safe(FILE *out, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0; /* the start of the bytes shown as they are, not yet written */
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x7f) { /* the common case: printable ASCII */
            i++;
            continue;
        }
        uint32_t cp = c;
        size_t n = c < 0x80 ? 1 : gx_utf8_decode(u + i, len - i, &cp);
        if (n > 1 && cp >= 0xA0) { /* UTF-8 beyond the C1 controls: as it is */
            i += n;
            continue;
        }
        fwrite(u + run, 1, i - run, out);
        if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c < 0x80 || n == 0) /* a control character, or not UTF-8: the byte */
            fprintf(out, "\\x%02x", c), n = 1;
        else /* a C1 control character, e.g. CSI */
            fprintf(out, "\\u%04x", (unsigned)cp);
        i += n;
        run = i;
    }
    fwrite(u + run, 1, len - run, out);
}

static void gx_cli_puts_safe(FILE *out, const char *s)
{
    if (s)
        gx_cli_put_safe(out, s, strlen(s));
}

/* The remedy as a command line the operator can run. */
static void gx_cli_print_remedy(gx_cli *cli, const gx_remedy *r)
{
    const char *ws = strcmp(cli->workspace, ".") ? cli->workspace : NULL;
    char c[600];
    c[0] = '\0';
    switch (r->kind) {
    case GX_REMEDY_NONE: return;
    case GX_REMEDY_SET:
        if (!r->value || !r->arg)
            return; /* the message or hint says what to set */
        if (strspn(r->value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/:-") ==
            strlen(r->value))
            snprintf(c, sizeof c, "set %s=%s", r->arg, r->value);
        else if (!strchr(r->value, '\''))
            snprintf(c, sizeof c, "set '%s=%s'", r->arg, r->value);
        else
            return;
        break;
    case GX_REMEDY_UNSET: snprintf(c, sizeof c, "unset %s", r->arg ? r->arg : "PATH"); break;
    case GX_REMEDY_ENABLE: snprintf(c, sizeof c, "component enable %s", r->arg); break;
    case GX_REMEDY_DISABLE: snprintf(c, sizeof c, "component disable %s", r->arg); break;
    case GX_REMEDY_RUN_TARGET:
        snprintf(c, sizeof c, "apply%s%s", r->arg && strcmp(r->arg, "default") ? " " : "",
                 r->arg && strcmp(r->arg, "default") ? r->arg : "");
        break;
    case GX_REMEDY_EXPORT: snprintf(c, sizeof c, "export"); break;
    case GX_REMEDY_INIT: snprintf(c, sizeof c, "init"); break;
    case GX_REMEDY_EDIT_FILE: return;
    case GX_REMEDY_LIST_PATHS: snprintf(c, sizeof c, "list paths"); break;
    case GX_REMEDY_LIST_COMPONENTS: snprintf(c, sizeof c, "component list"); break;
    case GX_REMEDY_LIST_TARGETS: snprintf(c, sizeof c, "list targets"); break;
    case GX_REMEDY_FORCE:
        snprintf(c, sizeof c, "%s --force", cli->command ? cli->command->name : "");
        break;
    case GX_REMEDY_RELOAD: snprintf(c, sizeof c, "get --all"); break;
    case GX_REMEDY_ANSWER: /* the option that answers the question */
        if (!r->arg)
            return;
        if (!strcmp(r->arg, "provider-slot"))
            snprintf(c, sizeof c, "%s ... --provider-slot %s=KIND",
                     cli->command ? cli->command->name : "", r->value ? r->value : "PROVIDER");
        else
            snprintf(c, sizeof c, "%s ... --%s %s", cli->command ? cli->command->name : "",
                     r->arg, !strcmp(r->arg, "namespace") ? "NS" : "NAME");
        break;
    }
    fputs("  try: glyphoxa-deploy ", stderr);
    if (ws && r->kind != GX_REMEDY_EDIT_FILE) {
        fputs("-C ", stderr);
        gx_cli_puts_safe(stderr, ws);
        fputc(' ', stderr);
    }
    gx_cli_puts_safe(stderr, c);
    fputc('\n', stderr);
}

void gx_cli_print_diag(gx_cli *cli, const gx_diag *d)
{
    if (d->severity == GX_BLOCKING)
        gx_cli_prefix(cli, "error", "\033[31m");
    else if (d->severity == GX_WARNING)
        gx_cli_prefix(cli, "warning", "\033[33m");
    else
        gx_cli_prefix(cli, "note", "\033[36m");
    if (d->file) {
        gx_cli_puts_safe(stderr, d->file);
        if (d->line > 0)
            fprintf(stderr, ":%d:%d", d->line, d->col);
        fputs(": ", stderr);
    }
    /* a message that starts with its path names it already */
    if (d->path && strncmp(d->message, d->path, strlen(d->path)) != 0 &&
        gx_code_class_of(d->code) == GX_CC_RULE) {
        gx_cli_puts_safe(stderr, d->path);
        fputs(": ", stderr);
    }
    gx_cli_puts_safe(stderr, d->message);
    fputc('\n', stderr);
    if (d->hint) {
        fputs("  hint: ", stderr);
        gx_cli_puts_safe(stderr, d->hint);
        fputc('\n', stderr);
    }
    gx_cli_print_remedy(cli, &d->remedy);
}

/* One rule result as a line: "blocking V5  gateway/admin-key: message". */
static void gx_cli_print_result(gx_cli *cli, FILE *out, const gx_diag *d)
{
    if (gx_code_class_of(d->code) != GX_CC_RULE) {
        gx_cli_print_diag(cli, d);
        return;
    }
    bool color = out == stdout ? cli->color_out : cli->color_err;
    bool blocking = d->severity == GX_BLOCKING;
    const char *label = blocking ? "blocking" : d->severity == GX_WARNING ? "warning" : "note";
    if (color)
        fprintf(out, "%s%-8s\033[0m %-3s ",
                blocking ? "\033[31m" : d->severity == GX_WARNING ? "\033[33m" : "\033[36m",
                label, gx_code_id(d->code));
    else
        fprintf(out, "%-8s %-3s ", label, gx_code_id(d->code));
    if (d->path && strncmp(d->message, d->path, strlen(d->path)) != 0) {
        gx_cli_puts_safe(out, d->path);
        fputs(": ", out);
    }
    gx_cli_puts_safe(out, d->message);
    if (d->file && d->line > 0) {
        fputs(" (at ", out);
        gx_cli_puts_safe(out, d->file);
        fprintf(out, ":%d:%d)", d->line, d->col);
    }
    fputc('\n', out);
}

void gx_cli_print_summary(gx_cli *cli, FILE *out, size_t blocking, size_t warnings)
{
    (void)cli;
    fprintf(out, "%s: %zu blocking, %zu warning%s\n", blocking ? "invalid" : "valid", blocking,
            warnings, warnings == 1 ? "" : "s");
}

void gx_cli_print_json(json_t *value)
{
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (text) {
        puts(text);
        free(text);
    }
    json_decref(value);
}

static void gx_cli_event(void *ctx, const gx_event *ev)
{
    gx_cli_sink *cs = ctx;
    gx_cli *cli = cs->cli;
    switch (ev->kind) {
    case GX_EV_DIAG: gx_cli_print_diag(cli, ev->diag); break;
    case GX_EV_RESULT:
        cs->blocking += ev->diag->severity == GX_BLOCKING;
        cs->warnings += ev->diag->severity == GX_WARNING;
        if (!cs->quiet_results)
            gx_cli_print_result(cli, cs->results_out ? cs->results_out : stderr, ev->diag);
        break;
    case GX_EV_STEP:
        fflush(stderr);
        fprintf(stdout, "[step %d/%d] %.*s\n", ev->step, ev->steps, (int)ev->len, ev->text);
        fflush(stdout);
        break;
    case GX_EV_OUTPUT: {
        FILE *out = ev->stream == 2 ? stderr : stdout;
        fflush(ev->stream == 2 ? stdout : stderr);
        fwrite(ev->text, 1, ev->len, out);
        if (!ev->partial)
            fputc('\n', out);
        fflush(out);
        break;
    }
    case GX_EV_FILE:
        if (!cs->quiet_files && ev->changed) { /* files left as they were go unmentioned */
            fputs("wrote ", stdout);
            gx_cli_puts_safe(stdout, ev->subject);
            fprintf(stdout, " (%04o)\n", ev->mode);
        }
        break;
    case GX_EV_CHANGE:
        if (!cs->quiet_changes) {
            fprintf(stdout, "%.*s ", (int)ev->len, ev->text);
            gx_cli_puts_safe(stdout, ev->subject);
            fputc('\n', stdout);
        }
        break;
    case GX_EV_STATUS:
        fflush(stdout);
        fputs("glyphoxa-deploy: ", stderr);
        fwrite(ev->text, 1, ev->len, stderr);
        fputc('\n', stderr);
        fflush(stderr);
        break;
    case GX_EV_DONE: break;
    }
}

gx_sink gx_cli_sink_make(gx_cli_sink *cs)
{
    gx_sink sink = {gx_cli_event, cs};
    return sink;
}

int gx_cli_unknown_path(gx_cli *cli, const char *path)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_core_unknown_path(&diags, path);
    for (size_t i = 0; i < diags.count; i++)
        gx_cli_print_diag(cli, &diags.items[i]);
    gx_diags_free(&diags);
    return GX_EXIT_USAGE;
}

int gx_cli_not_done(gx_cli *cli, const gx_cli_sink *cs, gx_status st)
{
    if (cs->blocking)
        fprintf(stderr,
                "glyphoxa-deploy: error: %s: nothing was done; fix the %zu blocking result%s above\n",
                cli->command->name, cs->blocking, cs->blocking == 1 ? "" : "s");
    return gx_cli_exit(st);
}

int gx_cli_no_layers(gx_cli *cli)
{
    if (!cli->layer_count)
        return GX_EXIT_OK;
    return gx_cli_usage(cli,
                        "-f, --set and --set-file change one run only and have no effect on "
                        "%s; store a value with `set PATH=VALUE`, or from a file with "
                        "`set PATH - < FILE`",
                        cli->command->name);
}
