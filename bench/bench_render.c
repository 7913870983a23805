/* bench_render — in-process render rate of the full manifest set (SPEC §8).
 *
 * usage: bench_render VALUES.yaml [RENDERS_PER_ROUND [ROUNDS]]
 *
 * Loads VALUES.yaml as the workspace's values.yaml layer, builds the model,
 * then renders every compiled-in template (gx_render_set_run: derived values
 * and all templates, what export does before writing) over and over on one
 * core: a warm-up, then ROUNDS rounds of RENDERS_PER_ROUND renders, each round
 * timed with CLOCK_MONOTONIC. Prints renders per second and ns per render of
 * the median and the best round, the byte count and file count of one render
 * set, and, for scale, the time of the load + model build that precedes a
 * render in a real export. Exit 0 on success, 1 when the file does not load,
 * 2 on a usage error. Prints figures only; asserts nothing about time. */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gx_arena.h"
#include "gx_diag.h"
#include "gx_export.h"
#include "gx_model.h"
#include "gx_values_io.h"

/* Everything the renders produce is folded into this, so that no compiler can
 * drop the work as unused. */
static volatile uint64_t gx_bench_sink;

static uint64_t gx_clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t gx_now_ns(void)
{
    return gx_clock_ns(CLOCK_MONOTONIC);
}

/* CPU time of this thread: what the renders cost when other processes share
 * the core (wall time then also counts their slices). */
static uint64_t gx_cpu_ns(void)
{
    return gx_clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static int gx_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* A cheap digest of a render set: lengths and a few bytes of every item. */
static uint64_t gx_fold(const gx_render_set *set)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < set->count; i++) {
        const gx_buf *b = &set->items[i].text;
        h = (h ^ b->len) * 1099511628211u;
        if (b->len)
            h = (h ^ (unsigned char)b->data[b->len / 2] ^
                 ((uint64_t)(unsigned char)b->data[b->len - 1] << 8)) * 1099511628211u;
    }
    return h;
}

static bool gx_load(const char *path, gx_model *model, gx_arena **arena_out)
{
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    gx_layer *layer = gx_arena_alloc(arena, sizeof *layer);
    gx_layer_init(layer, GX_LAYER_VALUES, path);
    if (!gx_layer_read_file(arena, layer, path, false, &diags)) {
        gx_diags_print(&diags, stderr);
        gx_diags_free(&diags);
        gx_arena_free(arena);
        return false;
    }
    const gx_layer *layers[1] = {layer};
    gx_model_build(model, layers, 1);
    gx_diags_free(&diags);
    *arena_out = arena;
    return true;
}

static long gx_arg(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi)
        return -1;
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: bench_render VALUES.yaml [RENDERS_PER_ROUND [ROUNDS]]\n");
        return 2;
    }
    long per_round = argc > 2 ? gx_arg(argv[2], 1, 100000000) : 20000;
    long rounds = argc > 3 ? gx_arg(argv[3], 1, 1000) : 7;
    if (per_round < 0 || rounds < 0) {
        fprintf(stderr, "bench_render: RENDERS_PER_ROUND and ROUNDS are positive integers\n");
        return 2;
    }

    /* one core: stay on the CPU we started on */
    int cpu = sched_getcpu();
    if (cpu >= 0) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        if (sched_setaffinity(0, sizeof one, &one) != 0)
            cpu = -1;
    }

    gx_model *model = malloc(sizeof *model);
    if (!model) {
        perror("bench_render");
        return 1;
    }
    gx_arena *arena = NULL;
    if (!gx_load(argv[1], model, &arena)) {
        free(model);
        return 1;
    }

    /* load + model build, for scale (what export does before rendering) */
    enum { LOADS = 200 };
    uint64_t load_ns[LOADS];
    for (int i = 0; i < LOADS; i++) {
        gx_model *m = malloc(sizeof *m);
        gx_arena *a = NULL;
        uint64_t t0 = gx_now_ns();
        bool ok = m && gx_load(argv[1], m, &a);
        load_ns[i] = gx_now_ns() - t0;
        if (ok)
            gx_bench_sink += (uint64_t)m->cfg.gateway.replica_count;
        gx_arena_free(a);
        free(m);
    }
    qsort(load_ns, LOADS, sizeof load_ns[0], gx_cmp_u64);

    gx_render_set set;
    gx_render_set_init(&set, NULL, 0);
    gx_diags diags = GX_DIAGS_INIT;

    /* one set: its size */
    if (!gx_render_set_run(&set, &model->cfg, false, &diags)) {
        gx_diags_print(&diags, stderr);
        return 1;
    }
    size_t bytes = 0, files = 0;
    for (size_t i = 0; i < set.count; i++) {
        if (set.items[i].skipped)
            continue;
        bytes += set.items[i].text.len;
        files++;
    }

    /* warm-up: caches, branch predictors, the buffers' final sizes */
    long warm = per_round / 10 > 100 ? per_round / 10 : 100;
    for (long i = 0; i < warm; i++) {
        gx_render_set_run(&set, &model->cfg, false, &diags);
        gx_bench_sink += gx_fold(&set);
    }

    uint64_t *round_ns = malloc((size_t)rounds * sizeof *round_ns);
    uint64_t *round_cpu = malloc((size_t)rounds * sizeof *round_cpu);
    if (!round_ns || !round_cpu) {
        perror("bench_render");
        return 1;
    }
    for (long r = 0; r < rounds; r++) {
        uint64_t c0 = gx_cpu_ns();
        uint64_t t0 = gx_now_ns();
        for (long i = 0; i < per_round; i++) {
            gx_render_set_run(&set, &model->cfg, false, &diags);
            gx_bench_sink += gx_fold(&set);
        }
        round_ns[r] = gx_now_ns() - t0;
        round_cpu[r] = gx_cpu_ns() - c0;
    }
    qsort(round_ns, (size_t)rounds, sizeof round_ns[0], gx_cmp_u64);
    qsort(round_cpu, (size_t)rounds, sizeof round_cpu[0], gx_cmp_u64);
    double med_ns = (double)round_ns[rounds / 2] / (double)per_round;
    double best_ns = (double)round_ns[0] / (double)per_round;
    double cpu_ns = (double)round_cpu[rounds / 2] / (double)per_round;

    printf("bench_render: %s\n", argv[1]);
    printf("cpu: %d (pinned)\n", cpu);
    printf("render set: %zu templates, %zu files written, %zu bytes\n", set.count, files,
           bytes);
    printf("rounds: %ld x %ld renders (after %ld warm-up renders)\n", rounds, per_round, warm);
    printf("ns_per_render_median: %.0f\n", med_ns);
    printf("ns_per_render_best: %.0f\n", best_ns);
    printf("renders_per_second_median: %.0f\n", 1e9 / med_ns);
    printf("renders_per_second_best: %.0f\n", 1e9 / best_ns);
    printf("cpu_ns_per_render_median: %.0f (thread CPU time)\n", cpu_ns);
    printf("renders_per_cpu_second_median: %.0f\n", 1e9 / cpu_ns);
    printf("load_build_us_median: %.1f (read + parse + model build of the values file)\n",
           (double)load_ns[LOADS / 2] / 1000.0);
    printf("set_bytes: %zu\n", bytes);
    printf("sink: %016llx\n", (unsigned long long)gx_bench_sink);

    free(round_ns);
    free(round_cpu);
    gx_render_set_free(&set);
    gx_diags_free(&diags);
    gx_arena_free(arena);
    free(model);
    return 0;
}
