/* Clocks for the benchmarks (tools/bench_*.c): wall time, the process's CPU
 * time, and its peak resident memory. Static inline: each benchmark is one
 * executable of its own. Needs _POSIX_C_SOURCE >= 199309L before any
 * include. */
#ifndef MMUSIM_BENCH_CLOCK_H
#define MMUSIM_BENCH_CLOCK_H

#include <sys/resource.h>
#include <time.h>

static inline double bench_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Monotonic wall time, in seconds. */
static inline double now(void)
{
    return bench_seconds(CLOCK_MONOTONIC);
}

/* CPU time of this process (all threads), in seconds. */
static inline double cpu_now(void)
{
    return bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

/* Peak resident set size so far, in KiB. */
static inline long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

#endif
