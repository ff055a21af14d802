/* The page-table builder (mmu_pt_*): blocks and pages chosen by alignment,
 * block splitting on partial unmap/remap, contiguous runs (DDI0487 D8.7
 * "The Contiguous bit": 16 entries for 4K; 16K: 32 at level 2, 128 at
 * level 3; 64K: 32), TTBR1-style addresses, the DS/LPA formats, stage-2
 * concatenation, and clear errors for bad formats and ranges.
 *
 * Descriptors are checked where the hand-computed index puts them (raw
 * memory reads), and every mapping is also walked by the engine. */
#include <string.h>

#include "walkcase.h"

#define ATTRS (WC_AF | FIELD_PREP_CONST(GENMASK64(9, 8), 3)) /* AF, ISH */
#define CONTIG BIT64(52)

typedef struct env {
    testmem m;
    mmu_cpu cpu;
    mmu_builder b;
    char err[256];
} env;

/* Test memory with table allocations from [base, base+1MB). */
static void env_init(env *e, uint64_t base, const mmu_pt_format *f)
{
    testmem_init(&e->m);
    testmem_add(&e->m, base, 0x100000);
    testmem_alloc_from(&e->m, base, 0x100000);
    wc_cpu_max(&e->cpu, &e->m);
    mmu_port port = testmem_port(&e->m);
    mmu_pt_alloc alloc = testmem_allocator(&e->m);
    e->err[0] = 0;
    CHECK_EQ(mmu_pt_init(&e->b, f, &port, &alloc, e->err, sizeof e->err), 0);
}

static uint64_t entry(env *e, uint64_t table, unsigned idx) { return testmem_read(&e->m, table + idx * 8u); }

/* Stage-1 EL1 registers for the builder's tables (TTBR0, or TTBR1). */
static void s1_regs(env *e, mmu_granule g, unsigned txsz, bool ds, bool ttbr1)
{
    uint64_t tcr = ttbr1 ? wc_tcr1(g, txsz, 6, ds) : wc_tcr0(g, txsz, 6, ds);
    mmu_cpu_set_reg(&e->cpu, MMU_TCR_EL1, tcr);
    mmu_cpu_set_reg(&e->cpu, ttbr1 ? MMU_TTBR1_EL1 : MMU_TTBR0_EL1, mmu_pt_ttbr_baddr(&e->b));
    mmu_cpu_set_reg(&e->cpu, MMU_SCTLR_EL1, SCTLR_M);
}

static void expect_pa(env *e, uint64_t va, uint64_t pa, int level)
{
    mmu_walk w;
    CHECK(wc_walk(&e->cpu, va, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.pa, pa);
    CHECK_EQ((int64_t)w.result.s1_level, (int64_t)level);
}

static void expect_translation_fault(env *e, uint64_t va, int level)
{
    mmu_walk w;
    CHECK(!wc_walk(&e->cpu, va, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.fault.type, MMU_FAULT_TRANSLATION);
    CHECK_EQ((int64_t)w.fault.level, (int64_t)level);
}

static int map(env *e, uint64_t ia, uint64_t oa, uint64_t size, uint64_t attrs, unsigned flags)
{
    return mmu_pt_map(&e->b, ia, oa, size, attrs, flags, e->err, sizeof e->err);
}

static int unmap(env *e, uint64_t ia, uint64_t size) { return mmu_pt_unmap(&e->b, ia, size, e->err, sizeof e->err); }

/* 4K, 48-bit: L0 VA[47:39], L1 VA[38:30], L2 VA[29:21], L3 VA[20:12]. */
static void test_blocks_pages_split(void)
{
    check_context = "4K blocks, pages, split";
    env e;
    mmu_pt_format f = {1, MMU_GRANULE_4K, false, false, 48, MMU_NO_LEVEL};
    env_init(&e, WC_LOW, &f);
    s1_regs(&e, MMU_GRANULE_4K, 16, false, false);

    /* 1GB at 0x4000_0000 -> one L1 block, L1 index 1. */
    CHECK_EQ(map(&e, 0x40000000, 0x80000000, 0x40000000, ATTRS, 0), 0);
    uint64_t l0 = e.b.root;
    CHECK_EQ(entry(&e, l0, 0) & 3, 3);
    uint64_t l1 = wc_desc_addr(entry(&e, l0, 0), WC_FMT_48);
    CHECK_EQ(entry(&e, l1, 1), 0x80000000ull | ATTRS | 1);
    expect_pa(&e, 0x41234567, 0x81234567, 1);

    /* 4K + 2MB + 4K from 0x1f_f000: a page (L3 index 0x1ff under L2 index
     * 0), a 2MB block (L2 index 1), a page (L3 index 0 under L2 index 2). */
    CHECK_EQ(map(&e, 0x1ff000, 0x1001ff000ull, 0x202000, ATTRS, 0), 0);
    uint64_t l2 = wc_desc_addr(entry(&e, l1, 0), WC_FMT_48);
    uint64_t l3a = wc_desc_addr(entry(&e, l2, 0), WC_FMT_48);
    CHECK_EQ(entry(&e, l3a, 0x1ff), 0x1001ff000ull | ATTRS | 3);
    CHECK_EQ(entry(&e, l2, 1), 0x100200000ull | ATTRS | 1);
    uint64_t l3b = wc_desc_addr(entry(&e, l2, 2), WC_FMT_48);
    CHECK_EQ(entry(&e, l3b, 0), 0x100400000ull | ATTRS | 3);
    CHECK_EQ(entry(&e, l3b, 1), 0);
    expect_pa(&e, 0x1ffabc, 0x1001ffabcull, 3);
    expect_pa(&e, 0x300000, 0x100300000ull, 2);
    expect_pa(&e, 0x400123, 0x100400123ull, 3);
    expect_translation_fault(&e, 0x401000, 3);

    /* Unmapping 4K inside the 2MB block splits it into 512 pages with the
     * block's attributes, entry 1 invalid. */
    CHECK_EQ(unmap(&e, 0x201000, 0x1000), 0);
    CHECK_EQ(entry(&e, l2, 1) & 3, 3);
    uint64_t l3c = wc_desc_addr(entry(&e, l2, 1), WC_FMT_48);
    CHECK_EQ(entry(&e, l3c, 0), 0x100200000ull | ATTRS | 3);
    CHECK_EQ(entry(&e, l3c, 1), 0);
    CHECK_EQ(entry(&e, l3c, 2), 0x100202000ull | ATTRS | 3);
    CHECK_EQ(entry(&e, l3c, 511), 0x1003ff000ull | ATTRS | 3);
    expect_translation_fault(&e, 0x201000, 3);
    expect_pa(&e, 0x202abc, 0x100202abcull, 3);

    /* Remapping one page inside the 1GB block: split to 2MB blocks, then
     * the first one to pages; only page 3 moves. */
    CHECK_EQ(map(&e, 0x40003000, 0x900000000ull, 0x1000, ATTRS, 0), 0);
    expect_pa(&e, 0x40003abc, 0x900000abcull, 3);
    expect_pa(&e, 0x40004abc, 0x80004abcull, 3);
    expect_pa(&e, 0x41234567, 0x81234567, 2);
    uint64_t l2b = wc_desc_addr(entry(&e, l1, 1), WC_FMT_48);
    CHECK_EQ(entry(&e, l2b, 9), (0x80000000ull + 9 * 0x200000) | ATTRS | 1);

    /* Unmapping an aligned 2MB clears that block entry. */
    CHECK_EQ(unmap(&e, 0x40200000, 0x200000), 0);
    CHECK_EQ(entry(&e, l2b, 1), 0);
    expect_translation_fault(&e, 0x40212345, 2);

    /* PAGES_ONLY: a 2MB-aligned 2MB range still becomes 512 pages. */
    CHECK_EQ(map(&e, 0x600000, 0x200000000ull, 0x200000, ATTRS, MMU_MAP_PAGES_ONLY), 0);
    expect_pa(&e, 0x7ff123, 0x2001ff123ull, 3);
    testmem_free(&e.m);
}

/* Contiguous runs: every entry of an aligned run carries bit 52, the walk
 * reports the run's size; unaligned runs get none. */
static void test_contiguous(void)
{
    static const struct {
        const char *name;
        mmu_granule g;
        unsigned txsz;
        uint64_t ia, oa, size;
        unsigned entries;    /* entries per run */
        uint64_t step;       /* bytes per entry */
        int level;
        uint8_t shift;       /* log2 of the run */
    } rows[] = {
        {"4K L3 x16", MMU_GRANULE_4K, 16, 0x100000, 0x50000000, 0x20000, 16, 0x1000, 3, 16},
        {"4K L2 x16 (32MB)", MMU_GRANULE_4K, 16, 0x2000000, 0x100000000ull, 0x2000000, 16, 0x200000, 2, 25},
        {"16K L3 x128 (2MB)", MMU_GRANULE_16K, 16, 0x200000, 0x400000000ull, 0x200000, 128, 0x4000, 3, 21},
        {"16K L2 x32 (1GB)", MMU_GRANULE_16K, 16, 0x40000000, 0x80000000, 0x40000000, 32, 0x2000000, 2, 30},
        {"64K L3 x32 (2MB)", MMU_GRANULE_64K, 16, 0x200000, 0x400000000ull, 0x200000, 32, 0x10000, 3, 21},
        {"64K L2 x32 (16GB)", MMU_GRANULE_64K, 16, 0x400000000ull, 0x800000000ull, 0x400000000ull, 32, 0x20000000,
         2, 34},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        env e;
        mmu_pt_format f = {1, rows[i].g, false, rows[i].g == MMU_GRANULE_64K, 48, MMU_NO_LEVEL};
        env_init(&e, WC_LOW, &f);
        s1_regs(&e, rows[i].g, rows[i].txsz, false, false);
        unsigned flags = MMU_MAP_CONTIG | (rows[i].level == 3 ? MMU_MAP_PAGES_ONLY : 0);
        CHECK_EQ(map(&e, rows[i].ia, rows[i].oa, rows[i].size, ATTRS, flags), 0);
        unsigned n = (unsigned)(rows[i].size / rows[i].step);
        CHECK_EQ(n % rows[i].entries, 0);
        for (unsigned k = 0; k < n; k++) {
            mmu_walk w;
            uint64_t va = rows[i].ia + k * rows[i].step;
            CHECK(wc_walk(&e.cpu, va, MMU_ACC_READ, 1, &w));
            CHECK_EQ(w.result.pa, rows[i].oa + k * rows[i].step);
            CHECK_EQ(w.result.s1_level, rows[i].level);
            CHECK(w.result.s1_contig);
            CHECK_EQ(w.result.s1_size_shift, rows[i].shift);
            CHECK_EQ(w.reads[w.n_reads - 1].value & CONTIG, CONTIG);
        }
        testmem_free(&e.m);
    }

    check_context = "contiguous: unaligned output, partial unmap";
    env e;
    mmu_pt_format f = {1, MMU_GRANULE_4K, false, false, 48, MMU_NO_LEVEL};
    env_init(&e, WC_LOW, &f);
    s1_regs(&e, MMU_GRANULE_4K, 16, false, false);
    mmu_walk w;
    /* Output not 64KB aligned: plain pages. */
    CHECK_EQ(map(&e, 0x300000, 0x50001000, 0x10000, ATTRS, MMU_MAP_CONTIG), 0);
    CHECK(wc_walk(&e.cpu, 0x300000, MMU_ACC_READ, 1, &w));
    CHECK(!w.result.s1_contig);
    CHECK_EQ(w.result.s1_size_shift, 12);
    /* Unmapping one page of a run clears the bit on the other 15 (a run
     * partly changed would be misprogrammed). */
    CHECK_EQ(map(&e, 0x100000, 0x50000000, 0x10000, ATTRS, MMU_MAP_CONTIG), 0);
    CHECK_EQ(unmap(&e, 0x105000, 0x1000), 0);
    for (unsigned k = 0; k < 16; k++) {
        bool ok = wc_walk(&e.cpu, 0x100000 + k * 0x1000u, MMU_ACC_READ, 1, &w);
        CHECK_EQ(ok, k != 5);
        if (ok) {
            CHECK(!w.result.s1_contig);
            CHECK_EQ(w.reads[3].value & CONTIG, 0);
            CHECK_EQ(w.result.pa, 0x50000000ull + k * 0x1000u);
        }
    }
    /* Remapping one page of a run (without CONTIG) does the same. */
    CHECK_EQ(map(&e, 0x110000, 0x60000000, 0x10000, ATTRS, MMU_MAP_CONTIG), 0);
    CHECK_EQ(map(&e, 0x112000, 0x70000000, 0x1000, ATTRS, 0), 0);
    CHECK(wc_walk(&e.cpu, 0x11f000, MMU_ACC_READ, 1, &w));
    CHECK(!w.result.s1_contig);
    CHECK_EQ(w.result.pa, 0x6000f000);
    expect_pa(&e, 0x112000, 0x70000000, 3);
    testmem_free(&e.m);
}

/* Where the Contiguous bit is RES0 (DDI0487 D8.7.1: the 4K level-0 block
 * with DS=1, the 16K level-1 block with DS=1, the 64K level-1 block with
 * FEAT_LPA) MMU_MAP_CONTIG leaves it clear even over a run that would be
 * aligned: 16 x 512GB (4K L0) and 32 x 4TB (64K L1) blocks here, each a
 * block of its own size when walked. */
static void test_contiguous_res0(void)
{
    static const struct {
        const char *name;
        mmu_granule g;
        bool ds, lpa;
        wc_fmt fmt;
        uint64_t ia, oa, size, step;
        int level;
        uint8_t shift;
        unsigned l0_index;    /* root index of ia */
    } rows[] = {
        /* IA[51:48] = 0xf -> L-1 index 0xf, then L0 indices 0..15. */
        {"4K DS=1 L0 blocks", MMU_GRANULE_4K, true, false, WC_FMT_DS, 0x000f000000000000ull, 0x000a800000000000ull,
         0x80000000000ull, 0x8000000000ull, 0, 39, 0xf},
        /* IA[51:42] = 0xf00 >> 2 = 0x3c0 .. 0x3df. */
        {"64K LPA L1 blocks", MMU_GRANULE_64K, false, true, WC_FMT_LPA, 0x000f000000000000ull,
         0x000c000000000000ull, 0x800000000000ull, 0x40000000000ull, 1, 42, 0x3c0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        env e;
        mmu_pt_format f = {1, rows[i].g, rows[i].ds, rows[i].lpa, 52, MMU_NO_LEVEL};
        env_init(&e, WC_HIGH, &f);
        s1_regs(&e, rows[i].g, 12, rows[i].ds, false);
        CHECK_EQ(map(&e, rows[i].ia, rows[i].oa, rows[i].size, WC_AF, MMU_MAP_CONTIG), 0);
        uint64_t table = e.b.root;
        unsigned first = rows[i].l0_index;
        if (rows[i].level == 0) { /* through the level -1 table */
            table = wc_desc_addr(entry(&e, e.b.root, first), rows[i].fmt);
            first = 0;
        }
        unsigned n = (unsigned)(rows[i].size / rows[i].step);
        for (unsigned k = 0; k < n; k++)
            CHECK_EQ(entry(&e, table, first + k),
                     wc_leaf(rows[i].oa + k * rows[i].step, rows[i].fmt, rows[i].level, WC_AF));
        mmu_walk w;
        CHECK(wc_walk(&e.cpu, rows[i].ia + rows[i].step + 0x1234, MMU_ACC_READ, 1, &w));
        CHECK_EQ(w.result.pa, rows[i].oa + rows[i].step + 0x1234);
        CHECK(!w.result.s1_contig);
        CHECK_EQ(w.result.s1_size_shift, rows[i].shift);
        testmem_free(&e.m);
    }
}

/* TTBR1 addresses, DS=1 (level -1, 52-bit OA and table addresses), 64K
 * LPA, stage-2 concatenation. */
static void test_formats(void)
{
    env e;
    mmu_walk w;

    /* TTBR1, 48-bit: 0xffff_8000_0000_0000 -> L0 index 0x100. */
    check_context = "TTBR1 address";
    mmu_pt_format f4 = {1, MMU_GRANULE_4K, false, false, 48, MMU_NO_LEVEL};
    env_init(&e, WC_LOW, &f4);
    s1_regs(&e, MMU_GRANULE_4K, 16, false, true);
    CHECK_EQ(map(&e, 0xffff800000000000ull, 0x70000000, 0x200000, ATTRS, 0), 0);
    CHECK_EQ(entry(&e, e.b.root, 0x100) & 3, 3);
    CHECK_EQ(entry(&e, e.b.root, 0), 0);
    expect_pa(&e, 0xffff800000123456ull, 0x70123456, 2);
    testmem_free(&e.m);

    /* DS=1, 52-bit: root of 16 entries; IA 0x000f_0000_0000_0000 -> L-1
     * index 0xf, L0 index 0, a 512GB block at 0x000a_8000_0000_0000. */
    check_context = "4K DS=1 52-bit, L0 block";
    mmu_pt_format fds = {1, MMU_GRANULE_4K, true, false, 52, MMU_NO_LEVEL};
    env_init(&e, WC_HIGH, &fds);
    CHECK_EQ(e.b.fmt.start_level, -1);
    CHECK_EQ(e.b.root >> 48, 0xf);
    CHECK_EQ(mmu_pt_ttbr_baddr(&e.b), wc_ttbr(e.b.root, true));
    s1_regs(&e, MMU_GRANULE_4K, 12, true, false);
    CHECK_EQ(map(&e, 0x000f000000000000ull, 0x000a800000000000ull, 0x8000000000ull, WC_AF, 0), 0);
    uint64_t t0 = wc_desc_addr(entry(&e, e.b.root, 0xf), WC_FMT_DS);
    CHECK_EQ(t0 >> 48, 0xf);
    CHECK_EQ(entry(&e, t0, 0), wc_leaf(0x000a800000000000ull, WC_FMT_DS, 0, WC_AF));
    CHECK(wc_walk(&e.cpu, 0x000f00123456789aull, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.pa, 0x000a80123456789aull);
    CHECK_EQ(w.result.s1_level, 0);
    CHECK_EQ(w.result.s1_size_shift, 39);
    /* Under DS=1 desc[9:8] are OA bits: SH in attrs is refused. */
    CHECK_EQ(map(&e, 0x1000, 0x1000, 0x1000, ATTRS, 0), -1);
    CHECK(strstr(e.err, "TCR") != NULL);
    testmem_free(&e.m);

    /* 64K LPA, 52-bit: IA 0x000f_0400_0000_0000 -> L1 index IA[51:42] =
     * 0xf04 >> 2 = 0x3c1, a 4TB block at 0x000c_0000_0000_0000. */
    check_context = "64K LPA 52-bit, L1 block";
    mmu_pt_format f64 = {1, MMU_GRANULE_64K, false, true, 52, MMU_NO_LEVEL};
    env_init(&e, WC_HIGH, &f64);
    CHECK_EQ(e.b.fmt.start_level, 1);
    s1_regs(&e, MMU_GRANULE_64K, 12, false, false);
    CHECK_EQ(map(&e, 0x000f040000000000ull, 0x000c000000000000ull, 0x40000000000ull, WC_AF, 0), 0);
    CHECK_EQ(entry(&e, e.b.root, 0x3c1), wc_leaf(0x000c000000000000ull, WC_FMT_LPA, 1, WC_AF));
    CHECK(wc_walk(&e.cpu, 0x000f04123456789aull, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.pa, 0x000c00123456789aull);
    CHECK_EQ(w.result.s1_size_shift, 42);
    testmem_free(&e.m);

    /* Stage 2, 4K, 40-bit IPA from L1: two concatenated tables; IPA
     * 0x80_0000_0000 -> index IPA[39:30] = 0x200 (second table). */
    check_context = "stage 2, 2 concatenated tables";
    mmu_pt_format fs2 = {2, MMU_GRANULE_4K, false, false, 40, 1};
    env_init(&e, WC_LOW, &fs2);
    CHECK_EQ(e.b.concat, 2);
    CHECK_EQ(e.b.root & 0x1fff, 0);
    CHECK_EQ(map(&e, 0x8000000000ull, 0x100000000ull, 0x40000000, WC_S2_RW, 0), 0);
    CHECK_EQ(entry(&e, e.b.root, 0x200), wc_leaf(0x100000000ull, WC_FMT_48, 1, WC_S2_RW));
    mmu_cpu_set_reg(&e.cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false));
    mmu_cpu_set_reg(&e.cpu, MMU_VTTBR_EL2, mmu_pt_ttbr_baddr(&e.b));
    mmu_cpu_set_reg(&e.cpu, MMU_HCR_EL2, HCR_VM);
    CHECK(wc_walk(&e.cpu, 0x8012345678ull, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.pa, 0x112345678ull);
    /* A TTBR1-style address means nothing at stage 2. */
    CHECK_EQ(map(&e, 0xffffff8000000000ull, 0, 0x1000, WC_S2_RW, 0), -1);
    testmem_free(&e.m);

    /* Stage 2, 4K DS=1, 52-bit IPA: from L0 with 16 tables (64KB aligned),
     * or from L-1 (16 entries). */
    check_context = "stage 2, 16 concatenated tables / level -1";
    mmu_pt_format fs2c = {2, MMU_GRANULE_4K, true, false, 52, 0};
    env_init(&e, WC_HIGH, &fs2c);
    CHECK_EQ(e.b.concat, 16);
    CHECK_EQ(e.b.root & 0xffff, 0);
    CHECK_EQ(map(&e, 0x000f123456789000ull, 0x000e000000001000ull, 0x1000, WC_S2_RW, 0), 0);
    /* index IPA[51:39] = 0x1e24 */
    CHECK_EQ(entry(&e, e.b.root, 0x1e24) & 3, 3);
    testmem_free(&e.m);
    mmu_pt_format fs2m1 = {2, MMU_GRANULE_4K, true, false, 52, -1};
    env_init(&e, WC_HIGH, &fs2m1);
    CHECK_EQ(e.b.concat, 1);
    CHECK_EQ(map(&e, 0x000f123456789000ull, 0x000e000000001000ull, 0x1000, WC_S2_RW, 0), 0);
    CHECK_EQ(entry(&e, e.b.root, 0xf) & 3, 3);
    mmu_cpu_set_reg(&e.cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 12, 0, true, 6, true));
    mmu_cpu_set_reg(&e.cpu, MMU_VTTBR_EL2, mmu_pt_ttbr_baddr(&e.b));
    mmu_cpu_set_reg(&e.cpu, MMU_HCR_EL2, HCR_VM);
    CHECK(wc_walk(&e.cpu, 0x000f123456789abcull, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.pa, 0x000e000000001abcull);
    CHECK_EQ(w.n_reads, 5);
    testmem_free(&e.m);
}

/* Bad formats and ranges: -1 and a message, never a crash. */
static void test_errors(void)
{
    static const struct {
        const char *name;
        mmu_pt_format f;
        const char *word;
    } bad_formats[] = {
        {"stage 3", {3, MMU_GRANULE_4K, false, false, 48, MMU_NO_LEVEL}, "stage"},
        {"granule 8K", {1, (mmu_granule)13, false, false, 48, MMU_NO_LEVEL}, "granule"},
        {"DS with 64K", {1, MMU_GRANULE_64K, true, false, 48, MMU_NO_LEVEL}, "DS"},
        {"lpa with 4K", {1, MMU_GRANULE_4K, false, true, 48, MMU_NO_LEVEL}, "lpa"},
        {"52-bit input without DS", {1, MMU_GRANULE_4K, false, false, 52, MMU_NO_LEVEL}, "52"},
        {"input size 53", {1, MMU_GRANULE_4K, true, false, 53, MMU_NO_LEVEL}, "53"},
        {"input size 15", {1, MMU_GRANULE_4K, false, false, 15, MMU_NO_LEVEL}, "15"},
        {"stage-1 start level that does not fit", {1, MMU_GRANULE_4K, false, false, 48, 1}, "level"},
        {"stage-2 start level inconsistent (L2 for 40 bits)", {2, MMU_GRANULE_4K, false, false, 40, 2}, "level"},
        {"stage-2 level -1 without DS", {2, MMU_GRANULE_4K, false, false, 48, -1}, "level"},
    };
    for (size_t i = 0; i < sizeof bad_formats / sizeof bad_formats[0]; i++) {
        check_context = bad_formats[i].name;
        testmem m;
        testmem_init(&m);
        testmem_add(&m, WC_LOW, 0x100000);
        testmem_alloc_from(&m, WC_LOW, 0x100000);
        mmu_port port = testmem_port(&m);
        mmu_pt_alloc alloc = testmem_allocator(&m);
        mmu_builder b;
        char err[256] = "";
        CHECK_EQ(mmu_pt_init(&b, &bad_formats[i].f, &port, &alloc, err, sizeof err), -1);
        CHECK(err[0] != 0);
        CHECK(strstr(err, bad_formats[i].word) != NULL);
        testmem_free(&m);
    }

    static const struct {
        const char *name;
        uint64_t ia, oa, size, attrs;
    } bad_maps[] = {
        {"unaligned input", 0x1001, 0x1000, 0x1000, WC_AF},
        {"unaligned output", 0x1000, 0x1800, 0x1000, WC_AF},
        {"size 0", 0x1000, 0x1000, 0, WC_AF},
        {"size not a granule multiple", 0x1000, 0x1000, 0x1800, WC_AF},
        {"runs past the 48-bit input range", 0xfffffffff000ull, 0x1000, 0x2000, WC_AF},
        {"input above the range, not TTBR1-style", 0x0001000000000000ull, 0x1000, 0x1000, WC_AF},
        {"output beyond 48 bits without DS/LPA", 0x1000, 0x0001000000000000ull, 0x1000, WC_AF},
        {"attributes in the address field", 0x1000, 0x1000, 0x1000, WC_AF | BIT64(20)},
        {"attributes with the contiguous bit", 0x1000, 0x1000, 0x1000, WC_AF | CONTIG},
        {"attributes with the type bits", 0x1000, 0x1000, 0x1000, WC_AF | 3},
    };
    env e;
    mmu_pt_format f = {1, MMU_GRANULE_4K, false, false, 48, MMU_NO_LEVEL};
    env_init(&e, WC_LOW, &f);
    for (size_t i = 0; i < sizeof bad_maps / sizeof bad_maps[0]; i++) {
        check_context = bad_maps[i].name;
        e.err[0] = 0;
        CHECK_EQ(map(&e, bad_maps[i].ia, bad_maps[i].oa, bad_maps[i].size, bad_maps[i].attrs, 0), -1);
        CHECK(e.err[0] != 0);
    }
    check_context = "unmap errors";
    CHECK_EQ(unmap(&e, 0x1001, 0x1000), -1);
    CHECK(e.err[0] != 0);
    CHECK_EQ(unmap(&e, 0x1000, 0), -1);
    /* Unmapping what was never mapped is fine. */
    CHECK_EQ(unmap(&e, 0x40000000, 0x40000000), 0);
    testmem_free(&e.m);

    /* Table memory runs out: an error, and what was built stays walkable. */
    check_context = "out of table memory";
    testmem m;
    testmem_init(&m);
    testmem_add(&m, WC_LOW, 0x100000);
    testmem_alloc_from(&m, WC_LOW, 0x3000); /* root + 2 tables */
    mmu_port port = testmem_port(&m);
    mmu_pt_alloc alloc = testmem_allocator(&m);
    mmu_builder b;
    char err[256] = "";
    CHECK_EQ(mmu_pt_init(&b, &f, &port, &alloc, err, sizeof err), 0);
    CHECK_EQ(mmu_pt_map(&b, 0x1000, 0x1000, 0x1000, WC_AF, 0, err, sizeof err), -1);
    CHECK(strstr(err, "memory") != NULL);
    testmem_free(&m);
}

TEST_MAIN(TEST(test_blocks_pages_split), TEST(test_contiguous), TEST(test_contiguous_res0), TEST(test_formats), TEST(test_errors))
