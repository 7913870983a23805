/* bench_util — what the benchmarks of the servers (bench_mcp, bench_web)
 * share: a monotonic clock, the resident set of a process, and sorting
 * timings for their percentiles. Compiled into each of them (CMakeLists.txt). */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Microseconds on CLOCK_MONOTONIC. */
double bench_now_us(void);
/* The resident set of process pid in KiB (VmRSS of /proc/PID/status), or -1
 * when it cannot be read. */
long bench_rss_kib(pid_t pid);
/* Sorts t[0..n) ascending, for medians and percentiles (t[n / 2]). */
void bench_sort(double *t, size_t n);

#endif
