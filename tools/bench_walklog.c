/* bench_walklog: walk records written per second by the walk log, JSON
 * Lines and text, for a two-stage LPA2 walk (17 descriptor reads: a
 * stage 1 from level -1, each table read behind three stage-2 reads), to
 * /dev/null.
 * Baseline in the same run: the same record formatted with fprintf of
 * every field (what a straightforward writer would do).
 *
 * usage: bench_walklog [RECORDS]   (default 1000000) */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"
#include "walklog.h"

static mmu_walk sample_walk(void)
{
    mmu_walk w;
    memset(&w, 0, sizeof w);
    w.access = (mmu_access){.va = UINT64_C(0x000f000000001000), .kind = MMU_ACC_READ, .el = 1};
    w.regime = MMU_REGIME_EL10;
    w.s1_enabled = w.s2_enabled = true;
    w.asid = 1;
    w.vmid = 1;
    w.s1_granule = w.s2_granule = MMU_GRANULE_4K;
    w.s1_txsz = w.s2_t0sz = 12;
    w.s1_ds = w.s2_ds = true;
    w.s1_start_level = -1;
    w.s2_start_level = 0;
    unsigned n = 0;
    for (int l1 = -1; l1 <= 3; l1++) {
        for (int l2 = 0; l2 <= 2 && l1 < 3; l2++)
            w.reads[n++] = (mmu_desc_read){.stage = 2, .level = (int8_t)l2, .for_s1_level = (int8_t)l1,
                                           .index = (uint16_t)(l2 + 1), .table = UINT64_C(0x40600000),
                                           .ipa = UINT64_C(0x40600008), .pa = UINT64_C(0x40600008),
                                           .value = UINT64_C(0x40610003)};
        w.reads[n++] = (mmu_desc_read){.stage = 1, .level = (int8_t)l1, .for_s1_level = MMU_NO_LEVEL,
                                       .index = 15, .table = UINT64_C(0x40400000),
                                       .ipa = UINT64_C(0x40400078), .pa = UINT64_C(0x40400078),
                                       .value = UINT64_C(0x40406003)};
    }
    w.n_reads = n;
    w.result.ipa = UINT64_C(0x0008000000001000);
    w.result.pa = UINT64_C(0x000f000000001000);
    w.result.s1_size_shift = 12;
    w.result.s2_size_shift = 21;
    w.result.attr = w.result.s1_attr = (mmu_memattr){0xff, 3};
    w.result.r = true;
    return w;
}

/* The baseline: every field through fprintf. */
static void fprintf_walk(FILE *f, const walklog_where *where, const mmu_walk *w)
{
    fprintf(f, "{\"type\":\"walk\",\"icount\":%" PRIu64 ",\"pc\":\"0x%" PRIx64 "\",\"el\":%u,\"insn\":\"%s\"",
            where->icount, where->pc, where->el, where->insn);
    fprintf(f, ",\"access\":{\"va\":\"0x%" PRIx64 "\",\"kind\":\"%s\",\"el\":%u}", w->access.va,
            mmu_access_kind_name(w->access.kind), w->access.el);
    fprintf(f, ",\"reads\":[");
    for (unsigned i = 0; i < w->n_reads; i++) {
        const mmu_desc_read *r = &w->reads[i];
        fprintf(f,
                "%s{\"stage\":%d,\"level\":%d,\"for_s1_level\":%d,\"table\":\"0x%" PRIx64
                "\",\"index\":%u,\"ipa\":\"0x%" PRIx64 "\",\"pa\":\"0x%" PRIx64 "\",\"value\":\"0x%" PRIx64
                "\",\"updated\":%s}",
                i ? "," : "", r->stage, r->level, r->for_s1_level, r->table, r->index, r->ipa, r->pa,
                r->value, r->updated ? "true" : "false");
    }
    fprintf(f, "],\"result\":{\"ipa\":\"0x%" PRIx64 "\",\"pa\":\"0x%" PRIx64 "\"}}\n", w->result.ipa,
            w->result.pa);
}

int main(int argc, char **argv)
{
    long records = argc > 1 ? atol(argv[1]) : 1000000;
    if (records <= 0) {
        fprintf(stderr, "usage: bench_walklog [RECORDS]\n");
        return 2;
    }
    mmu_walk w = sample_walk();
    walklog_where where = {0, UINT64_C(0x401000c4), 1, "ldr x2, [x19]"};
    char err[256];

    FILE *null = fopen("/dev/null", "w");
    if (!null) {
        perror("/dev/null");
        return 1;
    }
    double t0 = now();
    for (long i = 0; i < records; i++) {
        where.icount = (uint64_t)i;
        fprintf_walk(null, &where, &w);
    }
    double base = now() - t0;
    fclose(null);

    static const struct {
        const char *name;
        walklog_format fmt;
    } formats[] = {{"jsonl", WALKLOG_JSONL}, {"text", WALKLOG_TEXT}};
    printf("%u descriptor reads per walk, %ld records\n", w.n_reads, records);
    printf("  fprintf baseline: %8.0f walks/s\n", (double)records / base);
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        walklog *l;
        if (walklog_open(&l, "/dev/null", formats[f].fmt, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        t0 = now();
        for (long i = 0; i < records; i++) {
            where.icount = (uint64_t)i;
            walklog_walk(l, &where, "access", &w);
        }
        walklog_flush(l);
        double t = now() - t0;
        if (walklog_close(l, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        printf("  walklog %-6s   %8.0f walks/s (%.2fx the baseline)\n", formats[f].name,
               (double)records / t, base / t);
    }
    return 0;
}
