#define _POSIX_C_SOURCE 200809L /* open_memstream */
/* Replay: with the recording's configuration the walk log is the run's,
 * byte for byte; with another TLB or CPU the differences in fault outcome
 * are reported. Recordings come from sim/trace_synth (tables built with
 * the mmu/ builder, accesses driven as the machine's fill hook does). */
#include "check.h"
#include "trace_fixture.h"

#include "desc.h"

/* Same configuration: identical walk records (order and fields) and the
 * same counters; the last access of the workload faults (translation,
 * level 3: its leaf was unmapped and invalidated). */
static void same_config_same_log(void)
{
    fixture_rec r;
    mmu_tlb_config tlb = fixture_small_tlb();
    frec_begin(&r, &tlb);
    fixture_workload(&r);
    frec_end(&r);
    fixture_replay out;
    fixture_replay_run(r.trace.data, r.trace.len, NULL, &out);
    CHECK_EQ(out.rc, 0);
    CHECK(out.log.len > 0);
    CHECK_EQ(out.log.len, r.log.len);
    CHECK(out.log.len == r.log.len && !memcmp(out.log.data, r.log.data, r.log.len));
    CHECK_EQ(out.n_mismatch, 0);
    CHECK_EQ(out.stats.walks, r.s.sum.walks);
    CHECK_EQ(out.stats.rec_walks, r.s.sum.walks);
    CHECK_EQ(out.stats.accesses, r.s.sum.accesses);
    CHECK_EQ(out.stats.faults, 1);
    CHECK_EQ(out.stats.rec_faults, 1);
    CHECK(out.stats.has_end);
    CHECK_EQ(out.stats.rec.hits, out.stats.hits);
    CHECK_EQ(out.stats.rec.misses, out.stats.misses);
    CHECK_EQ(out.stats.untracked_reads, 0);
    /* the log holds the hardware updates, the TLBIs and the MSR */
    CHECK(strstr(out.log.data, "\"type\":\"tlbi\"") != NULL);
    CHECK(strstr(out.log.data, "TTBR0_EL1") != NULL);
    fixture_replay_free(&out);
    frec_free(&r);
}

/* A store the machine did not report is caught when a walk reads the
 * changed descriptor: replay still reads what the run read. */
static void unreported_store_is_caught(void)
{
    fixture_rec r;
    mmu_tlb_config tlb = fixture_small_tlb();
    frec_begin(&r, &tlb);
    trace_synth *s = &r.s;
    trace_synth_map(s, FIX_VA, FIX_PA, 0x1000, TRACE_SYNTH_RW);
    trace_synth_start(s);
    CHECK(trace_synth_access(s, FIX_VA, MMU_ACC_READ, 1));
    mmu_access acc = {.va = FIX_VA, .kind = MMU_ACC_READ, .el = 1, .no_update = true};
    mmu_walk w;
    CHECK(mmu_walk_translate(&s->cpu, &acc, &w));
    uint64_t leaf = w.reads[w.n_reads - 1].pa;
    uint64_t desc = w.reads[w.n_reads - 1].value;
    trace_synth_store(s, leaf, (desc & ~UINT64_C(0xfffffffff000)) | (FIX_PA + 0x5000), false);
    trace_synth_tlbi(s, "VMALLE1", 0);
    CHECK(trace_synth_access(s, FIX_VA, MMU_ACC_READ, 1));
    frec_end(&r);
    fixture_replay out;
    fixture_replay_run(r.trace.data, r.trace.len, NULL, &out);
    CHECK_EQ(out.rc, 0);
    CHECK(out.log.len == r.log.len && !memcmp(out.log.data, r.log.data, r.log.len));
    CHECK_EQ(out.stats.stores, 1);
    CHECK(strstr(out.log.data, "\"pa\":\"0x40105000\"") != NULL);
    fixture_replay_free(&out);
    frec_free(&r);
}

/* A missing TLBI: recorded without a TLB, the unmapped page faults; with
 * an unbounded TLB the stale entry still translates (DDI0487 D8.13: an
 * entry stays usable until invalidated), and replay reports it. */
static void missing_tlbi_is_reported(void)
{
    fixture_rec r;
    mmu_tlb_config none = {.mode = MMU_TLB_NONE};
    frec_begin(&r, &none);
    trace_synth *s = &r.s;
    trace_synth_map(s, FIX_VA, FIX_PA, 0x2000, TRACE_SYNTH_RW);
    trace_synth_start(s);
    trace_synth_step(s, 1, 0x40000000);
    CHECK(trace_synth_access(s, FIX_VA, MMU_ACC_READ, 1));
    trace_synth_unmap(s, FIX_VA, 0x1000);
    trace_synth_step(s, 1, 0x40000004);
    CHECK(!trace_synth_access(s, FIX_VA, MMU_ACC_READ, 1));
    frec_end(&r);

    fixture_replay same;
    fixture_replay_run(r.trace.data, r.trace.len, NULL, &same);
    CHECK_EQ(same.rc, 0);
    CHECK_EQ(same.n_mismatch, 0);
    CHECK_EQ(same.stats.walks, 2);
    fixture_replay_free(&same);

    replay_opts o = {.has_tlb = true,
                     .tlb = {.mode = MMU_TLB_UNBOUNDED, .entries = 64, .ways = 4}};
    fixture_replay out;
    fixture_replay_run(r.trace.data, r.trace.len, &o, &out);
    CHECK_EQ(out.rc, 0);
    CHECK_EQ(out.n_mismatch, 1);
    CHECK_EQ(out.stats.walks, 1);
    CHECK_EQ(out.stats.hits, 1);
    CHECK(out.first.rec_faulted);
    CHECK_EQ(out.first.rec_fault.type, MMU_FAULT_TRANSLATION);
    CHECK_EQ(out.first.rec_fault.level, 3);
    CHECK(!out.first.faulted);
    CHECK_EQ(out.first.acc.va, FIX_VA);
    CHECK_EQ(out.first.where.pc, 0x40000004);
    CHECK_EQ(out.first.where.icount, 2);
    fixture_replay_free(&out);
    frec_free(&r);
}

/* Another CPU: Armv8.0 has no FEAT_HAFDBS, so TCR.HA/HD do nothing: the
 * page with AF = 0 takes an Access flag fault at level 3 (DDI0487 D8.5.1)
 * where the recording's CPU set AF in hardware. */
static void other_cpu_faults_differently(void)
{
    fixture_rec r;
    mmu_tlb_config tlb = fixture_small_tlb();
    frec_begin(&r, &tlb);
    fixture_workload(&r);
    frec_end(&r);
    replay_opts o = {.preset = cpu_preset_find("v8.0")};
    fixture_replay out;
    fixture_replay_run(r.trace.data, r.trace.len, &o, &out);
    CHECK_EQ(out.rc, 0);
    CHECK(out.n_mismatch >= 1);
    CHECK(!out.first.rec_faulted);
    CHECK(out.first.faulted);
    CHECK_EQ(out.first.fault.type, MMU_FAULT_ACCESS_FLAG);
    CHECK_EQ(out.first.fault.level, 3);
    CHECK_EQ(out.first.acc.va, FIX_VA + 0x40000);
    fixture_replay_free(&out);
    frec_free(&r);
}

/* A bigger TLB: fewer walks than recorded, the same outcomes. */
static void bigger_tlb_walks_less(void)
{
    fixture_rec r;
    mmu_tlb_config tlb = fixture_small_tlb();
    frec_begin(&r, &tlb);
    fixture_workload(&r);
    frec_end(&r);
    replay_opts o = {.has_tlb = true,
                     .tlb = {.mode = MMU_TLB_BOUNDED, .entries = 1024, .ways = 4}};
    fixture_replay out;
    fixture_replay_run(r.trace.data, r.trace.len, &o, &out);
    CHECK_EQ(out.rc, 0);
    CHECK_EQ(out.n_mismatch, 0);
    CHECK(out.stats.walks < out.stats.rec_walks);
    fixture_replay_free(&out);
    frec_free(&r);
}

/* A store across the end of a table page into a page the trace does not
 * track: only the tracked part is recorded (replay has no memory for the
 * other), and the trace replays. */
static void straddling_store(void)
{
    fixture_rec r;
    mmu_tlb_config tlb = fixture_small_tlb();
    frec_begin(&r, &tlb);
    trace_synth *s = &r.s;
    trace_synth_map(s, FIX_VA, FIX_PA, 0x1000, TRACE_SYNTH_RW);
    trace_synth_start(s);
    CHECK(trace_synth_access(s, FIX_VA, MMU_ACC_READ, 1));
    mmu_access acc = {.va = FIX_VA, .kind = MMU_ACC_READ, .el = 1, .no_update = true};
    mmu_walk w;
    CHECK(mmu_walk_translate(&s->cpu, &acc, &w));
    /* the last table allocated: the page after it was never read */
    uint64_t page = w.reads[w.n_reads - 1].pa & ~UINT64_C(0xfff);
    trace_synth_store(s, page + 0x1000, 0, false); /* RAM there, untracked */
    trace_synth_store(s, page + 0xffc, UINT64_C(0x1122334455667788), true);
    frec_end(&r);
    fixture_replay out;
    fixture_replay_run(r.trace.data, r.trace.len, NULL, &out);
    CHECK_EQ(out.rc, 0);
    CHECK_EQ(out.stats.stores, 1);
    fixture_replay_free(&out);
    trace_reader *rd;
    char err[200];
    trace_record *rec = malloc(sizeof *rec);
    CHECK_EQ(trace_reader_from_memory(&rd, r.trace.data, r.trace.len, "t", err, sizeof err), 0);
    while (trace_next(rd, rec, err, sizeof err) == 1)
        if (rec->kind == TRACE_STORE) {
            CHECK_EQ(rec->u.store.pa, page + 0xffc);
            CHECK_EQ(rec->u.store.size, 4);
            CHECK_EQ(rec->u.store.value, 0x55667788);
        }
    trace_reader_close(rd);
    free(rec);
    frec_free(&r);
}

/* A truncated trace: the records before the cut are replayed, then the
 * error names the offset. */
static void truncated_trace_replays_the_prefix(void)
{
    fixture_rec r;
    mmu_tlb_config tlb = fixture_small_tlb();
    frec_begin(&r, &tlb);
    fixture_workload(&r);
    frec_end(&r);
    size_t cut = r.trace.len * 2 / 3;
    fixture_replay out;
    fixture_replay_run(r.trace.data, cut, NULL, &out);
    CHECK_EQ(out.rc, -1);
    CHECK(strstr(out.err, "mem.trace: offset ") != NULL);
    CHECK(strstr(out.err, "truncated") != NULL);
    CHECK(out.stats.accesses > 0);
    CHECK(out.stats.accesses < r.s.sum.accesses);
    /* what was replayed is a prefix of the run's log */
    CHECK(out.log.len <= r.log.len && !memcmp(out.log.data, r.log.data, out.log.len));
    fixture_replay_free(&out);
    frec_free(&r);
}

TEST_MAIN(TEST(same_config_same_log), TEST(unreported_store_is_caught),
          TEST(missing_tlbi_is_reported), TEST(other_cpu_faults_differently),
          TEST(bigger_tlb_walks_less), TEST(truncated_trace_replays_the_prefix),
          TEST(straddling_store))
