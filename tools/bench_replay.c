/* Replay benchmark: trace size (bytes per access) and replay speed
 * (accesses per second) against the original run, in one run.
 *
 * 1. Real guests (tools/bench/sweep.S under `mmusim run`, EL1, stage 1,
 *    4K pages, the default 1024-entry 4-way TLB), each timed as separate
 *    `mmusim` processes, best of three:
 *
 *      friendly: 30 M read-modify-writes of consecutive words of a 2 MiB
 *                region (512 pages: they fit the TLB; Unicorn's own cache
 *                of 256 KiB does not, so the engine sees a fill every KiB);
 *      hopping:  2 M read-modify-writes of pseudo-random words of 64 MiB
 *                (16384 pages): nearly every access misses and walks.
 *
 *    Times are the child's CPU time (user + system), not the elapsed time,
 *    so that other work on a shared machine disturbs them less.
 *
 *    run+log     mmusim run S --log /dev/null               (the original run)
 *    run+rec     mmusim run S --log /dev/null --record T    (recording it)
 *    replay+log  mmusim replay T --log /dev/null            (same walk log)
 *    replay      mmusim replay T                            (summary only)
 *
 *    "accesses" are the accesses that reached the engine (the trace's
 *    ACCESS records); speedup = run+log / replay+log.
 *
 * 2. Synthetic recordings (sim/trace_synth: the engine driven access by
 *    access as the fill hook drives it, no Unicorn) of the same two
 *    shapes, for the trace format and replay alone.
 *
 * usage: bench_replay [MMUSIM [DIR [SYNTH_ACCESSES]]]
 *   MMUSIM defaults to ../mmusim beside this program (build/tools/); the
 *   guest is tools/bench/sweep.elf beside MMUSIM; scenarios and traces go
 *   to DIR (default /tmp); SYNTH_ACCESSES defaults to 2000000. */
#define _DEFAULT_SOURCE /* wait4 */
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "replay.h"
#include "trace_synth.h"

#define VA_BASE UINT64_C(0x10000000)
#define PA_BASE UINT64_C(0x40000000)
#define HOP_PAGES 16384

/* CPU seconds of this process (single-threaded), as for the children. */
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
    double t0 = cpu_now();
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
    double t = cpu_now() - t0;
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
    double t0 = cpu_now();
    if (replay_run(&rp, r, err, sizeof err))
        die("replay", err);
    double t = cpu_now() - t0;
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

/* ---- Real guests --------------------------------------------------------- */

extern char **environ;

/* Runs argv with standard output and error to /dev/null; the CPU seconds
 * (user + system) it took: on a shared machine these depend far less on
 * what else runs than the elapsed time. */
static double spawn_timed(char *const argv[])
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ))
        die(argv[0], "cannot start");
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
        die(argv[1], "mmusim failed (exit status not 0)");
    posix_spawn_file_actions_destroy(&fa);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static double best_of_3(char *const argv[])
{
    double best = 0;
    for (int i = 0; i < 3; i++) {
        double t = spawn_timed(argv);
        if (!i || t < best)
            best = t;
    }
    return best;
}

typedef struct guest {
    const char *name;
    uint64_t count;
    int random;
    const char *region;
} guest;

static void write_scenario(const char *path, const char *elf, const guest *g)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die(path, "cannot create");
    fprintf(f,
            "{\n"
            "  \"name\": \"bench-%s\",\n"
            "  \"images\": [ { \"file\": \"%s\" } ],\n"
            "  \"entry\": { \"el\": 1, \"regs\": { \"x0\": \"0x1_0000_0000\", \"x1\": %" PRIu64 ",\n"
            "             \"x2\": %d, \"x3\": 8, \"x4\": \"%s\" } },\n"
            "  \"registers\": { \"HCR_EL2\": \"0x8000_0000\", \"MAIR_EL1\": \"0x04ff\",\n"
            "                 \"TCR_EL1\": \"0x0000_0005_0080_3510\", \"SCTLR_EL1\": \"0x30d0_1805\" },\n"
            "  \"page_tables\": [ { \"stage\": 1, \"granule\": \"4K\", \"ia_bits\": 48,\n"
            "      \"table_memory\": { \"base\": \"0x4040_0000\", \"size\": \"1M\" },\n"
            "      \"root\": \"TTBR0_EL1\",\n"
            "      \"mappings\": [\n"
            "        { \"ia\": \"0x4000_0000\", \"oa\": \"0x4000_0000\", \"size\": \"32M\" },\n"
            "        { \"ia\": \"0x1_0000_0000\", \"oa\": \"0x4400_0000\", \"size\": \"64M\",\n"
            "          \"pages_only\": true, \"pxn\": true, \"uxn\": true } ] } ],\n"
            "  \"max_insns\": \"100000000000\"\n"
            "}\n",
            g->name, elf, g->count, g->random, g->region);
    if (fclose(f))
        die(path, "cannot write");
}

/* The recorded run's counters (END). */
static trace_summary trace_end(const char *path)
{
    char err[300];
    trace_reader *r;
    trace_record *rec = malloc(sizeof *rec);
    if (!rec || trace_reader_open(&r, path, err, sizeof err))
        die(path, rec ? err : "out of memory");
    int rc;
    while ((rc = trace_next(r, rec, err, sizeof err)) == 1)
        if (rec->kind == TRACE_END)
            break;
    if (rc != 1)
        die(path, rc ? err : "no END record");
    trace_summary s = rec->u.summary;
    trace_reader_close(r);
    free(rec);
    return s;
}

static void real_guests(char *mmusim, const char *dir)
{
    static const guest guests[] = {
        {"friendly", 30000000, 0, "2M"},
        {"hopping", 2000000, 1, "64M"},
    };
    char elf[800], tmp[700];
    snprintf(tmp, sizeof tmp, "%s", mmusim);
    snprintf(elf, sizeof elf, "%s/tools/bench/sweep.elf", dirname(tmp));
    if (access(elf, R_OK))
        die(elf, "not built (the build makes it with clang and ld.lld)");
    printf("real guests (%s), CPU seconds (user + system), best of 3:\n", mmusim);
    printf("%-9s %10s %8s %9s %9s %9s %10s %9s %13s %8s\n", "guest", "accesses", "walks",
           "bytes/acc", "run+log", "run+rec", "replay+log", "replay", "replay+log/s",
           "speedup");
    for (size_t i = 0; i < sizeof guests / sizeof guests[0]; i++) {
        const guest *g = &guests[i];
        char scn[800], trace[800];
        snprintf(scn, sizeof scn, "%s/bench-%s.json", dir, g->name);
        snprintf(trace, sizeof trace, "%s/bench-%s.trace", dir, g->name);
        write_scenario(scn, elf, g);
        char *run_log[] = {mmusim, "run", scn, "--quiet", "--log", "/dev/null", NULL};
        char *run_rec[] = {mmusim, "run",      scn,   "--quiet", "--log",
                           "/dev/null", "--record", trace, NULL};
        char *rep_log[] = {mmusim, "replay", trace, "--quiet", "--log", "/dev/null", NULL};
        char *rep[] = {mmusim, "replay", trace, "--quiet", NULL};
        double t_run = best_of_3(run_log), t_rec = best_of_3(run_rec);
        double t_rep_log = best_of_3(rep_log), t_rep = best_of_3(rep);
        trace_summary s = trace_end(trace);
        printf("%-9s %10" PRIu64 " %8" PRIu64 " %9.2f %8.3fs %8.3fs %9.3fs %8.3fs %13.0f %7.1fx\n",
               g->name, s.accesses, s.walks, (double)file_size(trace) / (double)s.accesses, t_run,
               t_rec, t_rep_log, t_rep, (double)s.accesses / t_rep_log, t_run / t_rep_log);
    }
    printf("accesses: that reached the engine (Unicorn fills); speedup: run+log / replay+log\n\n");
}

/* ---- Synthetic recordings ------------------------------------------------ */

static void synthetic(uint64_t n, const char *dir)
{
    printf("synthetic recordings (engine + walk log + trace writer, no Unicorn):\n");
    printf("%-9s %10s %8s %10s %12s %14s %14s %8s\n", "trace", "accesses", "walks", "bytes/acc",
           "record s", "replay+log/s", "replay/s", "speedup");
    for (int hop = 0; hop < 2; hop++) {
        char path[512];
        snprintf(path, sizeof path, "%s/bench-synth-%s.trace", dir, hop ? "hopping" : "friendly");
        double t_rec = record(path, hop, n);
        replay_stats st;
        double t_log = replay_file(path, true, &st);
        double t_nolog = replay_file(path, false, &st);
        printf("%-9s %10" PRIu64 " %8" PRIu64 " %10.2f %12.3f %14.0f %14.0f %7.1fx\n",
               hop ? "hopping" : "friendly", st.accesses, st.walks,
               (double)file_size(path) / (double)st.accesses, t_rec,
               (double)st.accesses / t_log, (double)st.accesses / t_nolog, t_rec / t_log);
    }
    printf("speedup: recording time / replay time, both with the walk log on.\n");
}

int main(int argc, char **argv)
{
    char self[600], mmusim[700];
    if (argc > 1) {
        snprintf(mmusim, sizeof mmusim, "%s", argv[1]);
    } else {
        ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
        if (len <= 0)
            die("/proc/self/exe", "cannot read");
        self[len] = 0;
        snprintf(mmusim, sizeof mmusim, "%s/../mmusim", dirname(self));
    }
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    uint64_t n = argc > 3 ? strtoull(argv[3], NULL, 0) : 2000000;
    if (!n)
        die("SYNTH_ACCESSES", "must be at least 1");
    real_guests(mmusim, dir);
    synthetic(n, dir);
    return 0;
}
