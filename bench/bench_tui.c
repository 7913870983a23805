/* bench_tui — the terminal UI's keystroke-to-redraw time (SPEC §8: a
 * keystroke that changes a value redraws with fresh validation in <= 16 ms).
 *
 * usage: bench_tui WORKSPACE [KEYSTROKES]
 *
 * Opens the UI's model (src/tui/gx_tui_model.h) on WORKSPACE, as `edit`
 * does, and times on one core, with CLOCK_MONOTONIC and the thread's CPU
 * clock, what the screen does for a key:
 *   - typing in the editor of gateway/replica-count: each key changes the
 *     candidate value, which is drafted, loaded with the workspace and
 *     validated (every rule), then the whole 80x24 screen is drawn into the
 *     model's grid (the headless draw; the terminal gets a copy of it);
 *   - accepting a value (Enter): the edit is made, read back, validated and
 *     drawn; then undone (u), which does the same again.
 * Prints the median, 99th percentile and maximum of each, in microseconds.
 * Figures only: nothing is asserted about time. Exit 0; 1 when the
 * workspace cannot be read; 2 on a usage error. */
#include <locale.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gx_tui_model.h"

static uint64_t gx_clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int gx_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void gx_report(const char *name, uint64_t *wall, uint64_t *cpu, size_t n)
{
    qsort(wall, n, sizeof *wall, gx_cmp_u64);
    qsort(cpu, n, sizeof *cpu, gx_cmp_u64);
    printf("%s_median_us: %.1f\n", name, wall[n / 2] / 1000.0);
    printf("%s_p99_us: %.1f\n", name, wall[n * 99 / 100] / 1000.0);
    printf("%s_max_us: %.1f\n", name, wall[n - 1] / 1000.0);
    printf("%s_cpu_median_us: %.1f\n", name, cpu[n / 2] / 1000.0);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_tui WORKSPACE [KEYSTROKES]\n");
        return 2;
    }
    size_t n = argc == 3 ? (size_t)strtoul(argv[2], NULL, 10) : 1000;
    if (n < 100)
        n = 100;
    setlocale(LC_CTYPE, "");
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    sched_setaffinity(0, sizeof one, &one);

    gx_diags diags = GX_DIAGS_INIT;
    gx_tui *m = gx_tui_new(argv[1], &diags);
    if (!m) {
        gx_diags_print(&diags, stderr);
        gx_diags_free(&diags);
        return 1;
    }
    gx_diags_free(&diags);
    gx_tui_canvas c;
    gx_tui_canvas_init(&c, 80, 24);
    gx_tui_resize(m, 80, 24);
    if (!gx_tui_jump(m, "gateway/replica-count")) {
        fprintf(stderr, "bench_tui: no gateway/replica-count\n");
        return 1;
    }
    uint64_t *wall = calloc(n, sizeof *wall), *cpu = calloc(n, sizeof *cpu);

    /* typing: each key a new candidate value, validated and drawn */
    gx_tui_key(m, GX_KEY_ENTER);
    gx_tui_key(m, GX_KEY_CTRL('u'));
    gx_tui_key(m, '2');
    gx_tui_draw(m, &c);
    for (size_t i = 0; i < n; i++) {
        uint32_t key = i % 2 ? GX_KEY_BACKSPACE : (uint32_t)('3' + i % 5);
        uint64_t t0 = gx_clock_ns(CLOCK_MONOTONIC), c0 = gx_clock_ns(CLOCK_THREAD_CPUTIME_ID);
        gx_tui_key(m, key);
        gx_tui_draw(m, &c);
        wall[i] = gx_clock_ns(CLOCK_MONOTONIC) - t0;
        cpu[i] = gx_clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
    }
    printf("keystrokes: %zu (editor of gateway/replica-count, 80x24)\n", n);
    printf("blocking_results_last: %zu\n", gx_tui_blocking(m));
    gx_report("keystroke_to_redraw", wall, cpu, n);
    gx_tui_key(m, GX_KEY_ESC);

    /* accepting a value, then undoing it: an edit made, validated and drawn */
    size_t k = n / 2;
    for (size_t i = 0; i < k; i++) {
        gx_tui_key(m, GX_KEY_ENTER); /* the editor */
        gx_tui_key(m, GX_KEY_CTRL('u'));
        gx_tui_key(m, (uint32_t)('3' + i % 5));
        uint64_t t0 = gx_clock_ns(CLOCK_MONOTONIC), c0 = gx_clock_ns(CLOCK_THREAD_CPUTIME_ID);
        gx_tui_key(m, GX_KEY_ENTER); /* kept: an edit */
        gx_tui_draw(m, &c);
        wall[i] = gx_clock_ns(CLOCK_MONOTONIC) - t0;
        cpu[i] = gx_clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
        gx_tui_key(m, 'u');
    }
    printf("edits: %zu (Enter keeps a new value)\n", k);
    gx_report("edit_to_redraw", wall, cpu, k);
    printf("unsaved_after_undo: %zu\n", gx_tui_unsaved(m));

    gx_tui_canvas_free(&c);
    gx_tui_free(m);
    free(wall);
    free(cpu);
    return 0;
}
