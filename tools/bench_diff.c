/* bench_diff: `mmusim diff` (replay mode) speed and memory.
 *
 * Writes a synthetic translated trace of N lines (default 10 million,
 * sim/tarmac_synth.h: an EL1 guest whose page tables are built by stores in
 * the trace, instructions and loads/stores with VA:PA, register writes,
 * TLBI, AT + PAR_EL1, aborted loads with ESR/FAR), then
 *   1. parses it alone (the reader), as a baseline;
 *   2. diffs it in replay mode with no scenario (memory is only what the
 *      trace stores), checking that nothing disagrees;
 * and prints lines/s for both and the peak resident memory.
 *
 *   bench_diff [--lines N] [--file PATH] [--keep]
 *
 * The file (default /tmp/mmusim-bench-diff.tarmac) is removed afterwards
 * unless --keep; it is read right after being written, so it is in the page
 * cache: the figures are parsing and diffing speed, not disk speed. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_clock.h"
#include "diff.h"
#include "tarmac_synth.h"

static int parse_only(const char *path, uint64_t *lines, char *err, size_t errlen)
{
    tarmac_reader *r = tarmac_reader_open(path, err, errlen);
    if (!r)
        return -1;
    tarmac_record rec;
    int st;
    while ((st = tarmac_reader_next(r, &rec, err, errlen)) > 0)
        ;
    *lines = tarmac_reader_lines(r);
    tarmac_reader_close(r);
    return st < 0 ? -1 : 0;
}

static int diff_replay_file(const char *path, diff_report *rep, char *err, size_t errlen)
{
    machine *m = calloc(1, sizeof *m);
    tarmac_reader *r = tarmac_reader_open(path, err, errlen);
    int rc = -1;
    if (m && r && !machine_init(m, err, errlen) &&
        !diff_report_init(rep, "replay", 10, err, errlen)) {
        rc = diff_replay(m, r, rep, err, errlen);
    } else if (!m) {
        snprintf(err, errlen, "out of memory");
    }
    tarmac_reader_close(r);
    if (m)
        machine_destroy(m);
    free(m);
    return rc;
}

int main(int argc, char **argv)
{
    tarmac_synth_opts o = {.lines = 10000000};
    const char *path = "/tmp/mmusim-bench-diff.tarmac";
    bool keep = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--lines") && i + 1 < argc) {
            o.lines = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--file") && i + 1 < argc) {
            path = argv[++i];
        } else if (!strcmp(argv[i], "--keep")) {
            keep = true;
        } else {
            fprintf(stderr, "usage: bench_diff [--lines N] [--file PATH] [--keep]\n");
            return 2;
        }
    }
    char err[512];
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    tarmac_synth_stats st;
    double t0 = now();
    int rc = tarmac_synth_write(f, &o, &st, err, sizeof err);
    if (fclose(f) && !rc) {
        snprintf(err, sizeof err, "%s: write error", path);
        rc = -1;
    }
    if (rc) {
        fprintf(stderr, "bench_diff: %s\n", err);
        return 1;
    }
    double t1 = now();
    printf("generated %" PRIu64 " lines (%" PRIu64 " instructions, %" PRIu64 " loads, %" PRIu64
           " stores, %" PRIu64 " TLBI, %" PRIu64 " AT, %" PRIu64 " aborts) in %.2f s\n",
           st.lines, st.insns, st.loads, st.stores, st.tlbis, st.ats, st.aborts, t1 - t0);

    uint64_t lines = 0;
    t0 = now();
    if (parse_only(path, &lines, err, sizeof err)) {
        fprintf(stderr, "bench_diff: %s\n", err);
        return 1;
    }
    t1 = now();
    printf("parse only:   %" PRIu64 " lines in %.2f s: %.2f M lines/s\n", lines, t1 - t0,
           (double)lines / (t1 - t0) / 1e6);

    diff_report rep;
    t0 = now();
    rc = diff_replay_file(path, &rep, err, sizeof err);
    t1 = now();
    if (rc) {
        fprintf(stderr, "bench_diff: %s\n", err);
        return 1;
    }
    uint64_t bad = diff_disagreements(&rep);
    printf("diff replay:  %" PRIu64 " lines in %.2f s: %.2f M lines/s, %" PRIu64
           " fetches, %" PRIu64 " data accesses, %" PRIu64 " faults, %" PRIu64 " PAR, %" PRIu64
           " TLBI compared, %" PRIu64 " disagreements\n",
           rep.lines, t1 - t0, (double)rep.lines / (t1 - t0) / 1e6, rep.agree[DIFF_FETCH_PA],
           rep.agree[DIFF_DATA_PA], rep.agree[DIFF_FAULT], rep.agree[DIFF_PAR],
           rep.agree[DIFF_TLBI], bad);
    printf("peak RSS: %.1f MiB\n", (double)peak_rss_kib() / 1024.0);
    bool ok = !bad && rep.agree[DIFF_FETCH_PA] == st.insns &&
              rep.agree[DIFF_DATA_PA] == st.loads + st.stores + st.table_stores &&
              rep.agree[DIFF_FAULT] == st.aborts && rep.agree[DIFF_PAR] == st.ats &&
              rep.agree[DIFF_TLBI] == st.tlbis;
    if (!ok)
        fprintf(stderr, "bench_diff: the diff does not account for every record written\n");
    diff_report_free(&rep);
    if (!keep)
        remove(path);
    return ok ? 0 : 1;
}
