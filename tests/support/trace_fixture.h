/* Helpers for the trace and replay tests: record a synthetic run
 * (sim/trace_synth.h) into memory with its walk log, and replay a trace
 * from memory into a walk log. Header-only: each test includes it once. */
#ifndef MMUSIM_TRACE_FIXTURE_H
#define MMUSIM_TRACE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "trace_synth.h"

typedef struct fixture_buf {
    char *data;
    size_t len;
    FILE *f;
} fixture_buf;

static inline void fbuf_open(fixture_buf *b)
{
    memset(b, 0, sizeof *b);
    b->f = open_memstream(&b->data, &b->len);
    if (!b->f) {
        perror("open_memstream");
        exit(1);
    }
}

static inline void fbuf_close(fixture_buf *b)
{
    fclose(b->f);
    b->f = NULL;
}

/* A recording in progress: the trace and the run's walk log in memory. */
typedef struct fixture_rec {
    trace_synth s;
    fixture_buf trace, log;
    walklog *wl;
} fixture_rec;

static inline void frec_begin(fixture_rec *r, const mmu_tlb_config *tlb)
{
    char err[200];
    fbuf_open(&r->trace);
    fbuf_open(&r->log);
    r->wl = walklog_from_stream(r->log.f, WALKLOG_JSONL);
    if (trace_synth_init(&r->s, r->trace.f, tlb, r->wl, err, sizeof err)) {
        fprintf(stderr, "fixture: %s\n", err);
        exit(1);
    }
}

static inline void frec_end(fixture_rec *r)
{
    char err[200];
    if (trace_synth_finish(&r->s, err, sizeof err)) {
        fprintf(stderr, "fixture: %s\n", err);
        exit(1);
    }
    walklog_close(r->wl, err, sizeof err);
    fbuf_close(&r->trace);
    fbuf_close(&r->log);
}

static inline void frec_free(fixture_rec *r)
{
    free(r->trace.data);
    free(r->log.data);
}

/* A replay's outcome: its log, stats, mismatches, and the error if any. */
typedef struct fixture_replay {
    fixture_buf log;
    replay_stats stats;
    int rc;
    char err[300];
    replay_mismatch first;
    unsigned n_mismatch;
} fixture_replay;

static inline void fixture_on_mismatch(void *ctx, const replay_mismatch *m)
{
    fixture_replay *out = ctx;
    if (!out->n_mismatch++)
        out->first = *m;
}

/* Replays buf; opts may be NULL (the recording's configuration). */
static inline void fixture_replay_run(const void *buf, size_t len, const replay_opts *opts,
                                      fixture_replay *out)
{
    memset(out, 0, sizeof *out);
    fbuf_open(&out->log);
    walklog *wl = walklog_from_stream(out->log.f, WALKLOG_JSONL);
    replay_opts o = opts ? *opts : (replay_opts){0};
    o.log = wl;
    o.on_mismatch = fixture_on_mismatch;
    o.ctx = out;
    replay rp;
    trace_reader *r = NULL;
    out->rc = trace_reader_from_memory(&r, buf, len, "mem.trace", out->err, sizeof out->err);
    if (!out->rc && replay_init(&rp, &o, out->err, sizeof out->err) == 0) {
        out->rc = replay_run(&rp, r, out->err, sizeof out->err);
        out->stats = rp.stats;
        replay_free(&rp);
    }
    trace_reader_close(r);
    char err[200];
    walklog_close(wl, err, sizeof err);
    fbuf_close(&out->log);
}

static inline void fixture_replay_free(fixture_replay *out)
{
    free(out->log.data);
}

/* The standard workload: 64 pages read and written in 1 KiB steps (a
 * 16-entry TLB evicts), pages with AF = 0 (hardware AF update) and a DBM
 * page (hardware dirty update), fetches, an ASID change, a remap with
 * TLBI and an unmap with TLBI that then faults. */
#define FIX_VA UINT64_C(0x10000000)
#define FIX_PA UINT64_C(0x40100000)
#define FIX_PAGES 64

static inline void fixture_workload(fixture_rec *r)
{
    trace_synth *s = &r->s;
    trace_synth_map(s, FIX_VA, FIX_PA, FIX_PAGES * 0x1000, TRACE_SYNTH_RW);
    trace_synth_map(s, TRACE_SYNTH_RAM, TRACE_SYNTH_RAM, 0x10000, TRACE_SYNTH_RW); /* code */
    /* page 64: AF = 0; page 65: DBM, read-only until dirtied (AP[2] = 1) */
    trace_synth_map(s, FIX_VA + 0x40000, FIX_PA + 0x40000, 0x1000, 0);
    trace_synth_map(s, FIX_VA + 0x41000, FIX_PA + 0x41000, 0x1000,
                    TRACE_SYNTH_RW | (UINT64_C(1) << 51) | (UINT64_C(1) << 7));
    trace_synth_start(s);
    for (int round = 0; round < 2; round++)
        for (uint64_t off = 0; off < FIX_PAGES * 0x1000; off += 0x400) {
            trace_synth_step(s, 9, 0x40000100);
            trace_synth_access(s, FIX_VA + off, round ? MMU_ACC_WRITE : MMU_ACC_READ, 1);
            if ((off & 0x3fff) == 0) {
                trace_synth_step(s, 1, 0x40000200 + (off >> 12) * 4);
                trace_synth_access(s, 0x40000000, MMU_ACC_FETCH, 1);
            }
        }
    trace_synth_step(s, 3, 0x40000300);
    trace_synth_access(s, FIX_VA + 0x40000, MMU_ACC_READ, 1);
    trace_synth_access(s, FIX_VA + 0x41000, MMU_ACC_READ, 1);
    trace_synth_access(s, FIX_VA + 0x41008, MMU_ACC_WRITE, 1);
    /* a new ASID: non-global entries of ASID 1 no longer match */
    trace_synth_step(s, 1, 0x40000304);
    trace_synth_sysreg(s, MMU_TTBR0_EL1, (mmu_cpu_get_reg(&s->cpu, MMU_TTBR0_EL1) &
                                          ~(UINT64_C(0xffff) << 48)) | UINT64_C(2) << 48);
    trace_synth_step(s, 1, 0x40000308);
    trace_synth_access(s, FIX_VA, MMU_ACC_READ, 1);
    /* remap page 0 to another PA, TLBI, access */
    trace_synth_map(s, FIX_VA, FIX_PA + 0x80000, 0x1000, TRACE_SYNTH_RW);
    trace_synth_step(s, 1, 0x4000030c);
    trace_synth_tlbi(s, "VAE1IS", (FIX_VA >> 12) | UINT64_C(2) << 48);
    trace_synth_step(s, 1, 0x40000310);
    trace_synth_access(s, FIX_VA, MMU_ACC_READ, 1);
    /* unmap page 1, TLBI, access: translation fault at level 3 */
    trace_synth_unmap(s, FIX_VA + 0x1000, 0x1000);
    trace_synth_step(s, 1, 0x40000314);
    trace_synth_tlbi(s, "VAE1IS", ((FIX_VA + 0x1000) >> 12) | UINT64_C(2) << 48);
    trace_synth_step(s, 1, 0x40000318);
    trace_synth_access(s, FIX_VA + 0x1000, MMU_ACC_READ, 1);
}

static inline mmu_tlb_config fixture_small_tlb(void)
{
    return (mmu_tlb_config){.mode = MMU_TLB_BOUNDED, .entries = 16, .ways = 4,
                            .policy = MMU_TLB_LRU};
}

#endif
