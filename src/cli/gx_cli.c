#include "gx_cli.h"

#include <stdarg.h>
#include <string.h>

#include "gx_files.h"
#include "gx_values_io.h"

const char *gx_cli_path(gx_cli *cli, const char *name)
{
    if (!strcmp(cli->workspace, "."))
        return name;
    return gx_arena_printf(cli->arena, "%s/%s", cli->workspace, name);
}

void gx_cli_print_diags(gx_cli *cli, const gx_diags *diags)
{
    (void)cli;
    gx_diags_print(diags, stderr);
}

void gx_cli_error(gx_cli *cli, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(cli->color_err ? "glyphoxa-deploy: \033[31merror\033[0m: " : "glyphoxa-deploy: error: ",
          stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    if (hint)
        fprintf(stderr, "  hint: %s\n", hint);
    va_end(ap);
}

bool gx_cli_read_values(gx_cli *cli, gx_layer *layer)
{
    const char *path = gx_cli_path(cli, "values.yaml");
    gx_layer_init(layer, GX_LAYER_VALUES, path);
    gx_diags diags = GX_DIAGS_INIT;
    bool ok = gx_layer_read_file(cli->arena, layer, path, true, &diags);
    if (!ok)
        gx_cli_print_diags(cli, &diags);
    gx_diags_free(&diags);
    return ok;
}

bool gx_cli_write_values(gx_cli *cli, const gx_layer *layer)
{
    gx_buf out = GX_BUF_INIT;
    gx_buf_puts(&out, "# glyphoxa-deploy values: only what differs from the defaults.\n"
                      "# Edit with `glyphoxa-deploy set PATH=VALUE`; see `glyphoxa-deploy list paths`.\n");
    gx_layer_write(layer, &out);
    gx_diags diags = GX_DIAGS_INIT;
    bool ok;
    if (out.len > GX_VALUES_MAX_BYTES) {
        /* a file the next command could not read back: refuse, keep the old one */
        gx_diags_add(&diags, GX_CODE_GENERIC, gx_cli_path(cli, "values.yaml"), 0, 0,
                     "shorten the largest values; the previous file is unchanged",
                     "not written: it would be %zu bytes, over the %d-byte limit for values files",
                     out.len, GX_VALUES_MAX_BYTES);
        ok = false;
    } else {
        ok = gx_file_write_atomic(gx_cli_path(cli, "values.yaml"), out.data, out.len, 0600, true,
                                  &diags);
    }
    if (!ok)
        gx_cli_print_diags(cli, &diags);
    gx_diags_free(&diags);
    gx_buf_free(&out);
    return ok;
}

bool gx_cli_load(gx_cli *cli, gx_model *model)
{
    size_t count = 1 + cli->value_file_count + (cli->set_count ? 1 : 0);
    gx_layer **layers = gx_arena_alloc(cli->arena, count * sizeof *layers);
    gx_diags diags = GX_DIAGS_INIT;
    bool ok = true;
    size_t n = 0;

    gx_layer *values = gx_arena_alloc(cli->arena, sizeof *values);
    const char *values_path = gx_cli_path(cli, "values.yaml");
    gx_layer_init(values, GX_LAYER_VALUES, values_path);
    if (!gx_layer_read_file(cli->arena, values, values_path, true, &diags))
        ok = false;
    layers[n++] = values;

    for (size_t i = 0; i < cli->value_file_count; i++) {
        gx_layer *overlay = gx_arena_alloc(cli->arena, sizeof *overlay);
        gx_layer_init(overlay, GX_LAYER_OVERLAY, cli->value_files[i]);
        if (!gx_layer_read_file(cli->arena, overlay, cli->value_files[i], false, &diags))
            ok = false;
        layers[n++] = overlay;
    }
    if (cli->set_count) {
        gx_layer *sets = gx_arena_alloc(cli->arena, sizeof *sets);
        gx_layer_init(sets, GX_LAYER_SET, NULL);
        for (size_t i = 0; i < cli->set_count; i++) {
            if (!cli->set_is_file[i]) {
                if (!gx_layer_set_arg(cli->arena, sets, cli->sets[i], &diags))
                    ok = false;
                continue;
            }
            const char *arg = cli->sets[i];
            const char *eq = strchr(arg, '=');
            if (!eq || eq == arg || !eq[1]) {
                gx_diags_add(&diags, GX_CODE_GENERIC, NULL, 0, 0, "write --set-file PATH=FILE",
                             "'%.80s' is not PATH=FILE", arg);
                ok = false;
                continue;
            }
            char *data;
            size_t len;
            if (!gx_file_read(cli->arena, eq + 1, GX_VALUES_MAX_BYTES, &data, &len, &diags)) {
                ok = false;
                continue;
            }
            if (strlen(data) != len) {
                gx_diags_add(&diags, GX_CODE_GENERIC, eq + 1, 0, 0, NULL, "the file holds a NUL byte");
                ok = false;
                continue;
            }
            char *joined = gx_arena_printf(cli->arena, "%.*s=%s", (int)(eq - arg), arg, data);
            if (!gx_layer_set_arg(cli->arena, sets, joined, &diags))
                ok = false;
        }
        layers[n++] = sets;
    }
    if (ok)
        gx_model_build(model, (const gx_layer *const *)layers, n);
    else
        gx_cli_print_diags(cli, &diags);
    gx_diags_free(&diags);
    return ok;
}

void gx_cli_print_results(gx_cli *cli, const gx_diags *results, FILE *out)
{
    bool color = out == stdout ? cli->color_out : cli->color_err;
    for (size_t i = 0; i < results->count; i++) {
        const gx_diag *r = &results->items[i];
        bool blocking = r->severity == GX_BLOCKING;
        const char *label = blocking ? "blocking" : "warning";
        if (color)
            fprintf(out, "%s%-8s\033[0m %-3s %s: %s\n", blocking ? "\033[31m" : "\033[33m",
                    label, gx_code_id(r->code), r->path, r->message);
        else
            fprintf(out, "%-8s %-3s %s: %s\n", label, gx_code_id(r->code), r->path, r->message);
    }
    if (results->blocking)
        fprintf(out, "invalid: %zu blocking, %zu warnings\n", results->blocking,
                results->warnings);
    else
        fprintf(out, "valid: 0 blocking, %zu warnings\n", results->warnings);
}

bool gx_cli_load_valid(gx_cli *cli, gx_model *model)
{
    if (!gx_cli_load(cli, model))
        return false;
    gx_diags results = {0};
    gx_validate(&model->cfg, cli->arena, &results);
    if (results.blocking) {
        gx_cli_print_results(cli, &results, stderr);
        fprintf(stderr, "glyphoxa-deploy %s: nothing was done; fix the blocking results above\n",
                cli->command);
        return false;
    }
    if (results.warnings)
        gx_cli_print_results(cli, &results, stderr);
    return true;
}

/* ---- options ------------------------------------------------------------------ */

bool gx_cli_option_is(const char *arg, const char *name)
{
    size_t len = strlen(name);
    return !strncmp(arg, name, len) && (arg[len] == '\0' || arg[len] == '=');
}

void gx_cli_usage_error(gx_cli *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "glyphoxa-deploy %s: ", cli->command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nRun `glyphoxa-deploy %s --help` for usage.\n", cli->command);
    va_end(ap);
}


bool gx_cli_parse_opts(gx_cli *cli, const gx_optspec *specs, const char ***pos, size_t *npos,
                       size_t min, size_t max, const char *expected)
{
    *pos = gx_arena_alloc(cli->arena, (cli->arg_count + 1) * sizeof **pos);
    *npos = 0;
    bool only_positional = false;
    for (size_t i = 0; i < cli->arg_count; i++) {
        const char *arg = cli->args[i];
        if (only_positional || arg[0] != '-' || !strcmp(arg, "-")) {
            (*pos)[(*npos)++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_positional = true;
            continue;
        }
        const gx_optspec *match = NULL;
        for (const gx_optspec *s = specs; s && s->name; s++)
            if (gx_cli_option_is(arg, s->name))
                match = s;
        if (!match) {
            gx_cli_usage_error(cli, "unknown option '%s'", arg);
            return false;
        }
        if (!match->takes_value) {
            if (strchr(arg, '=')) {
                gx_cli_usage_error(cli, "option '%s' takes no value", match->name);
                return false;
            }
            *match->flag = true;
            continue;
        }
        const char *eq = strchr(arg, '=');
        if (eq)
            *match->value = eq + 1;
        else if (i + 1 < cli->arg_count)
            *match->value = cli->args[++i];
        else {
            gx_cli_usage_error(cli, "option '%s' needs a value", match->name);
            return false;
        }
    }
    if (*npos > max && max == 0) {
        gx_cli_usage_error(cli, "unexpected argument '%s'", (*pos)[0]);
        return false;
    }
    if (*npos < min || *npos > max) {
        gx_cli_usage_error(cli, "expected %s", expected);
        return false;
    }
    return true;
}
