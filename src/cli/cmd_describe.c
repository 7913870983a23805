/* The `describe` command: everything about one path. */
#include "gx_cli.h"


int gx_cmd_describe(gx_cli *cli)
{
    int field = gx_core_field_find(cli->pos[0]);
    if (field < 0)
        return gx_cli_unknown_path(cli, cli->pos[0]);
    const gx_field *f = gx_core_field((size_t)field);
    if (gx_cli_flag(cli, "--json")) {
        gx_cli_print_json(gx_json_field(f));
        return GX_EXIT_OK;
    }
    printf("%s — %s\n", f->path, f->display);
    printf("  type:        %s%s\n", gx_core_type_name(f->type), f->secret ? " (secret)" : "");
    printf("  section:     %s\n", f->section);
    printf("  component:   %s\n", f->component >= 0 ? gx_core_component((size_t)f->component)->name
                                                   : "(none: always active)");
    if (f->default_shared)
        printf("  default:     shared: %s, dedicated: %s\n", f->default_shared,
               f->default_dedicated);
    else
        printf("  default:     %s\n", f->default_text[0] ? f->default_text : "(empty)");
    if (f->choices) {
        printf("  choices:    ");
        for (size_t i = 0; i < f->choice_count; i++)
            printf(" %s", f->choices[i]);
        putchar('\n');
    }
    if (f->has_min || f->has_max) {
        printf("  range:       ");
        if (f->has_min)
            printf("min %lld", (long long)f->min);
        if (f->has_min && f->has_max)
            printf(", ");
        if (f->has_max)
            printf("max %lld", (long long)f->max);
        putchar('\n');
    }
    if (f->pattern_name)
        printf("  format:      %s\n", f->pattern_name);
    if (f->placeholder)
        printf("  example:     %s\n", f->placeholder);
    printf("\n  %s\n", f->description);
    return GX_EXIT_OK;
}
