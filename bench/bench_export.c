/* bench_export — whole-process time and peak memory of a command, against a
 * baseline command timed the same way in the same run (SPEC §8).
 *
 * usage: bench_export [-n RUNS] [-w WARMUP] [-b BASELINE] [-u PATH] [-s DIR]...
 *                     -- COMMAND [ARG...]
 *
 * Runs COMMAND and BASELINE (default /bin/true) alternately, RUNS times each
 * (default 300, at least 200) after WARMUP runs of each (default 20, not
 * counted). Every run is timed the same way: CLOCK_MONOTONIC read just before
 * fork(), the child execs the program with stdin, stdout and stderr on
 * /dev/null, and the clock is read again as soon as wait4() returns. The
 * order alternates (baseline first on even runs, command first on odd ones) so
 * that neither gains from always running second. Each command run must exit 0.
 *
 * Prints, for each of the two: median, p10, p90, min and max in microseconds,
 * the median CPU time of the child (user + system from wait4's rusage: what
 * the run cost when other processes compete for the cores, which the wall
 * clock then also counts), and the peak resident set (ru_maxrss from wait4)
 * in KiB, largest and median;
 * then the difference of the medians and the median of the paired differences
 * (command run i minus baseline run i).
 *
 * -u PATH: PATH is unlinked before every run of COMMAND (not timed), e.g. one
 * exported file, so that every export has something to write.
 * -s DIR (repeatable): every file below DIR is noted (inode, size, mtime)
 * before the first run and compared after the last; prints
 * files_changed_below_dirs, which is 0 when COMMAND never wrote there (an
 * export that changes nothing).
 *
 * ru_maxrss of a child counts the larger of its pages before exec (a fork of
 * this small program) and the exec'd program's own peak; the baseline's figure
 * shows that floor. Prints figures only; asserts nothing about time. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct gx_sample {
    uint64_t ns;      /* wall clock, fork to wait4 */
    uint64_t cpu_ns;  /* the child's user + system CPU time (wait4 rusage) */
    long maxrss_kib;
} gx_sample;

static uint64_t gx_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Runs argv once; false (with a message) when it cannot be started, is
 * killed, or exits non-zero. */
static bool gx_run_once(char *const *argv, int devnull, gx_sample *out)
{
    struct rusage ru;
    int status;
    uint64_t t0 = gx_now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench_export: fork");
        return false;
    }
    if (pid == 0) {
        if (dup2(devnull, STDIN_FILENO) < 0 || dup2(devnull, STDOUT_FILENO) < 0 ||
            dup2(devnull, STDERR_FILENO) < 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    pid_t got;
    do
        got = wait4(pid, &status, 0, &ru);
    while (got < 0 && errno == EINTR);
    uint64_t t1 = gx_now_ns();
    if (got < 0) {
        perror("bench_export: wait4");
        return false;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFEXITED(status))
            fprintf(stderr, "bench_export: %s exited with status %d%s\n", argv[0],
                    WEXITSTATUS(status),
                    WEXITSTATUS(status) == 127 ? " (could not be executed)" : "");
        else
            fprintf(stderr, "bench_export: %s was killed by signal %d\n", argv[0],
                    WIFSIGNALED(status) ? WTERMSIG(status) : -1);
        return false;
    }
    out->ns = t1 - t0;
    out->cpu_ns = ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
                  ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
    out->maxrss_kib = ru.ru_maxrss; /* KiB on Linux */
    return true;
}

static int gx_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int gx_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int gx_cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile p (0..100) of n sorted values. */
static size_t gx_rank(size_t n, int p)
{
    size_t r = (size_t)(((uint64_t)p * n + 99) / 100);
    return r == 0 ? 0 : r - 1;
}

/* Median of n sorted values (mean of the middle two for even n). */
static double gx_median_u64(const uint64_t *v, size_t n)
{
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

static void gx_report(const char *label, const char *prog, const gx_sample *s, size_t n,
                      double *median_us, double *cpu_median_us)
{
    uint64_t *ns = malloc(n * sizeof *ns);
    uint64_t *cpu = malloc(n * sizeof *cpu);
    long *rss = malloc(n * sizeof *rss);
    if (!ns || !cpu || !rss) {
        perror("bench_export");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        ns[i] = s[i].ns;
        cpu[i] = s[i].cpu_ns;
        rss[i] = s[i].maxrss_kib;
    }
    qsort(ns, n, sizeof *ns, gx_cmp_u64);
    qsort(cpu, n, sizeof *cpu, gx_cmp_u64);
    qsort(rss, n, sizeof *rss, gx_cmp_long);
    *median_us = gx_median_u64(ns, n) / 1000.0;
    printf("%s: %s\n", label, prog);
    printf("  %s_median_us: %.1f\n", label, *median_us);
    printf("  %s_p10_us: %.1f\n", label, (double)ns[gx_rank(n, 10)] / 1000.0);
    printf("  %s_p90_us: %.1f\n", label, (double)ns[gx_rank(n, 90)] / 1000.0);
    printf("  %s_min_us: %.1f\n", label, (double)ns[0] / 1000.0);
    printf("  %s_max_us: %.1f\n", label, (double)ns[n - 1] / 1000.0);
    *cpu_median_us = gx_median_u64(cpu, n) / 1000.0;
    printf("  %s_cpu_median_us: %.1f (user + system time of the child)\n", label,
           *cpu_median_us);
    printf("  %s_maxrss_kib_max: %ld\n", label, rss[n - 1]);
    printf("  %s_maxrss_kib_median: %ld\n", label, rss[n / 2]);
    free(ns);
    free(cpu);
    free(rss);
}

static long gx_count(const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno || v < lo || v > hi)
        return -1;
    return v;
}

/* The files below the -s directories: path, inode, size, mtime. */
typedef struct gx_entry {
    char *path;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} gx_entry;

typedef struct gx_entries {
    gx_entry *items;
    size_t count, cap;
} gx_entries;

static void gx_note_tree(gx_entries *e, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *de; (de = readdir(d));) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        char *path = malloc(len);
        if (!path)
            exit(1);
        snprintf(path, len, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) != 0) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            gx_note_tree(e, path);
            free(path);
            continue;
        }
        if (e->count == e->cap) {
            e->cap = e->cap ? e->cap * 2 : 64;
            e->items = realloc(e->items, e->cap * sizeof *e->items);
            if (!e->items)
                exit(1);
        }
        e->items[e->count++] = (gx_entry){path, st.st_ino, st.st_size, st.st_mtim};
    }
    closedir(d);
}

/* How many noted files are gone or differ in inode, size or mtime now, plus
 * files that are new. */
static size_t gx_changed_since(const gx_entries *before, const char *const *dirs, size_t ndirs)
{
    gx_entries now = {0};
    for (size_t i = 0; i < ndirs; i++)
        gx_note_tree(&now, dirs[i]);
    size_t changed = 0;
    for (size_t i = 0; i < before->count; i++) {
        const gx_entry *b = &before->items[i];
        const gx_entry *n = NULL;
        for (size_t k = 0; k < now.count && !n; k++)
            if (!strcmp(now.items[k].path, b->path))
                n = &now.items[k];
        if (!n || n->ino != b->ino || n->size != b->size ||
            n->mtime.tv_sec != b->mtime.tv_sec || n->mtime.tv_nsec != b->mtime.tv_nsec)
            changed++;
    }
    if (now.count > before->count)
        changed += now.count - before->count;
    for (size_t k = 0; k < now.count; k++)
        free(now.items[k].path);
    free(now.items);
    return changed;
}

static int gx_usage(void)
{
    fprintf(stderr, "usage: bench_export [-n RUNS] [-w WARMUP] [-b BASELINE] [-u PATH] [-s DIR]...\n"
                    "                    -- COMMAND [ARG...]\n"
                    "  RUNS >= 200 (default 300), WARMUP default 20, BASELINE default /bin/true;\n"
                    "  -u: unlink PATH before each command run; -s: count files changed below DIR;\n"
                    "  COMMAND is an absolute or relative path (no PATH search)\n");
    return 2;
}

int main(int argc, char **argv)
{
    long runs = 300, warmup = 20;
    const char *baseline = "/bin/true", *unlink_path = NULL;
    const char *still[16];
    size_t nstill = 0;
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (i + 1 >= argc)
            return gx_usage();
        if (!strcmp(argv[i], "-n"))
            runs = gx_count(argv[++i], 200, 1000000);
        else if (!strcmp(argv[i], "-w"))
            warmup = gx_count(argv[++i], 0, 1000000);
        else if (!strcmp(argv[i], "-b"))
            baseline = argv[++i];
        else if (!strcmp(argv[i], "-u"))
            unlink_path = argv[++i];
        else if (!strcmp(argv[i], "-s") && nstill < 16)
            still[nstill++] = argv[++i];
        else
            return gx_usage();
        if (runs < 0 || warmup < 0)
            return gx_usage();
    }
    if (i >= argc)
        return gx_usage();
    char **cmd = argv + i;
    char *base_argv[] = {(char *)baseline, NULL};

    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) {
        perror("bench_export: /dev/null");
        return 1;
    }
    gx_sample *cs = calloc((size_t)runs, sizeof *cs);
    gx_sample *bs = calloc((size_t)runs, sizeof *bs);
    int64_t *diff = calloc((size_t)runs, sizeof *diff);
    if (!cs || !bs || !diff) {
        perror("bench_export");
        return 1;
    }

    gx_sample scratch;
    for (long k = 0; k < warmup; k++) {
        if (unlink_path)
            unlink(unlink_path);
        if (!gx_run_once(base_argv, devnull, &scratch) || !gx_run_once(cmd, devnull, &scratch))
            return 1;
    }
    gx_entries before = {0};
    for (size_t k = 0; k < nstill; k++)
        gx_note_tree(&before, still[k]);
    for (long k = 0; k < runs; k++) {
        if (unlink_path)
            unlink(unlink_path);
        bool ok = k % 2 == 0
                      ? gx_run_once(base_argv, devnull, &bs[k]) && gx_run_once(cmd, devnull, &cs[k])
                      : gx_run_once(cmd, devnull, &cs[k]) && gx_run_once(base_argv, devnull, &bs[k]);
        if (!ok)
            return 1;
        diff[k] = (int64_t)cs[k].ns - (int64_t)bs[k].ns;
    }

    printf("bench_export: %ld runs each, interleaved, after %ld warm-up runs each\n", runs,
           warmup);
    printf("  timing: fork + exec + wait4, CLOCK_MONOTONIC; output to /dev/null\n");
    double cmd_med, base_med, cmd_cpu, base_cpu;
    gx_report("baseline", baseline, bs, (size_t)runs, &base_med, &base_cpu);
    gx_report("command", cmd[0], cs, (size_t)runs, &cmd_med, &cmd_cpu);
    qsort(diff, (size_t)runs, sizeof *diff, gx_cmp_i64);
    double paired = runs % 2 ? (double)diff[runs / 2]
                             : ((double)diff[runs / 2 - 1] + (double)diff[runs / 2]) / 2.0;
    printf("median_difference_us: %.1f (command median - baseline median)\n", cmd_med - base_med);
    printf("paired_difference_median_us: %.1f (median of command run i - baseline run i)\n",
           paired / 1000.0);
    printf("cpu_median_difference_us: %.1f (command CPU median - baseline CPU median)\n",
           cmd_cpu - base_cpu);
    if (unlink_path)
        printf("unlinked before each command run: %s\n", unlink_path);
    if (nstill) {
        printf("files_changed_below_dirs: %zu of %zu (inode, size or mtime; new ones count)\n",
               gx_changed_since(&before, still, nstill), before.count);
        for (size_t k = 0; k < before.count; k++)
            free(before.items[k].path);
        free(before.items);
    }

    free(cs);
    free(bs);
    free(diff);
    close(devnull);
    return 0;
}
