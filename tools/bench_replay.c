/* Replay benchmark: trace size (bytes per access) and replay speed
 * (accesses per second) for two synthetic recordings made with
 * sim/trace_synth (the engine driven access by access as the machine's
 * fill hook drives it, with the walk log on, no Unicorn):
 *
 *   friendly: sequential 1 KiB steps over 64 pages (Unicorn's fill
 *             granule) with an occasional fetch: almost every access hits
 *             the TLB and its fields are predicted;
 *   hopping:  pseudo-random pages over 64 MiB (16384 pages, 4 PCs): most
 *             accesses miss a 1024-entry TLB and walk.
 *
 * Both are timed in the same run: the recording (engine + walk log +
 * trace writer), then replay with the walk log on (to /dev/null) and off.
 *
 * usage: bench_replay [ACCESSES [DIR]]   (default 2000000, /tmp)
 * The traces are left in DIR as bench-friendly.trace and
 * bench-hopping.trace for `mmusim replay` / `mmusim trace stats`. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay.h"
#include "trace_synth.h"

#define VA_BASE UINT64_C(0x10000000)
#define PA_BASE UINT64_C(0x40000000)
#define HOP_PAGES 16384

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, const char *err)
{
    fprintf(stderr, "bench_replay: %s: %s\n", what, err);
    exit(1);
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Records `n` accesses of the pattern; returns the seconds it took. */
static double record(const char *path, bool hopping, uint64_t n)
{
    char err[300];
    FILE *f = fopen(path, "wb");
    FILE *logf = fopen("/dev/null", "w");
    if (!f || !logf)
        die(path, "cannot open");
    walklog *log = walklog_from_stream(logf, WALKLOG_JSONL);
    mmu_tlb_config tlb = {.mode = MMU_TLB_BOUNDED, .entries = 1024, .ways = 4};
    trace_synth s;
    if (trace_synth_init(&s, f, &tlb, log, err, sizeof err))
        die("setup", err);
    uint64_t pages = hopping ? HOP_PAGES : 64;
    trace_synth_map(&s, VA_BASE, PA_BASE + 0x1000000, pages * 0x1000, TRACE_SYNTH_RW);
    trace_synth_map(&s, PA_BASE, PA_BASE, 0x10000, TRACE_SYNTH_RW);
    double t0 = now();
    trace_synth_start(&s);
    uint64_t seed = 0x9E3779B97F4A7C15u, off = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (hopping) {
            /* four loads and stores at four PCs, odd ones store */
            uint64_t r = xorshift(&seed), insn = (r >> 8) & 3;
            trace_synth_step(&s, 1 + (r & 15), PA_BASE + 0x100 + insn * 4);
            trace_synth_access(&s, VA_BASE + ((r >> 16) % pages) * 0x1000 + ((r >> 4) & 3) * 0x400,
                               insn & 1 ? MMU_ACC_WRITE : MMU_ACC_READ, 1);
        } else if (i % 1024 == 1023) {
            trace_synth_step(&s, 5, PA_BASE + 0x200);
            trace_synth_access(&s, PA_BASE, MMU_ACC_FETCH, 1);
        } else {
            trace_synth_step(&s, 128, PA_BASE + 0x100);
            trace_synth_access(&s, VA_BASE + off, MMU_ACC_READ, 1);
            off = (off + 0x400) % (pages * 0x1000);
        }
    }
    if (trace_synth_finish(&s, err, sizeof err))
        die("recording", err);
    double t = now() - t0;
    walklog_close(log, err, sizeof err);
    fclose(logf);
    fclose(f);
    return t;
}

/* Replays path (walk log to /dev/null when log); returns seconds. */
static double replay_file(const char *path, bool log, replay_stats *st)
{
    char err[300];
    trace_reader *r;
    if (trace_reader_open(&r, path, err, sizeof err))
        die(path, err);
    FILE *logf = log ? fopen("/dev/null", "w") : NULL;
    walklog *wl = logf ? walklog_from_stream(logf, WALKLOG_JSONL) : NULL;
    replay_opts o = {.log = wl};
    replay rp;
    if (replay_init(&rp, &o, err, sizeof err))
        die("replay", err);
    double t0 = now();
    if (replay_run(&rp, r, err, sizeof err))
        die("replay", err);
    double t = now() - t0;
    *st = rp.stats;
    replay_free(&rp);
    trace_reader_close(r);
    if (wl) {
        walklog_close(wl, err, sizeof err);
        fclose(logf);
    }
    return t;
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END))
        die(path, "cannot stat");
    long n = ftell(f);
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 2000000;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    if (!n)
        die("ACCESSES", "must be at least 1");
    printf("%-9s %10s %8s %10s %12s %14s %14s %8s\n", "trace", "accesses", "walks", "bytes/acc",
           "record s", "replay+log/s", "replay/s", "speedup");
    for (int hop = 0; hop < 2; hop++) {
        char path[512];
        snprintf(path, sizeof path, "%s/bench-%s.trace", dir, hop ? "hopping" : "friendly");
        double t_rec = record(path, hop, n);
        replay_stats st;
        double t_log = replay_file(path, true, &st);
        double t_nolog = replay_file(path, false, &st);
        printf("%-9s %10" PRIu64 " %8" PRIu64 " %10.2f %12.3f %14.0f %14.0f %7.1fx\n",
               hop ? "hopping" : "friendly", st.accesses, st.walks,
               (double)file_size(path) / (double)st.accesses, t_rec,
               (double)st.accesses / t_log, (double)st.accesses / t_nolog, t_rec / t_log);
    }
    printf("record: the synthetic run (engine + walk log + trace writer, no Unicorn);\n"
           "speedup: recording time / replay time, both with the walk log on.\n");
    return 0;
}
