/* Stage-2 walks (VTCR_EL2 SL0/SL2 start levels, concatenated initial
 * tables, DS/LPA formats) and stage 1 under stage 2, where every stage-1
 * table address is an IPA that stage 2 translates first: the walk record
 * holds the stage-2 reads for each stage-1 read before it, tagged with the
 * stage-1 level they serve (DDI0487 D8.2.6 "Translation table walks with
 * stage 2"; ASL AArch64.S1Walk calls AArch64.S2Translate per descriptor).
 *
 * Indices are worked by hand (see test_walk_stage1.c for the VA used
 * there); concatenated tables are one large table whose index takes every
 * IPA bit from IAsize-1 down (ASL AArch64.S2SLTTEntryAddress). */
#include "desc.h"
#include "walkcase.h"

typedef struct s2_case {
    const char *name;
    mmu_granule g;
    bool ds;
    unsigned t0sz, sl0;
    bool sl2;
    unsigned ps;
    wc_fmt fmt;
    bool vttbr52;
    uint64_t ipa;
    int8_t start;
    uint8_t concat;
    unsigned n;
    uint16_t idx[5];
    uint64_t table[5];
    uint64_t oa, pa;
    uint8_t size_shift;
} s2_case;

#define LO(k) (WC_LOW + (uint64_t)(k) * 0x10000)
#define HI(k) (WC_HIGH + (uint64_t)(k) * 0x10000)
#define LO5 {LO(0), LO(1), LO(2), LO(3), LO(4)}
#define HI5 {HI(0), HI(1), HI(2), HI(3), HI(4)}

static const s2_case cases[] = {
    /* SL2:SL0 = 1:00 with DS=1: level -1, IPA[51:48] (16 entries). */
    {"4K DS=1 SL2=1, L-1 start, 52-bit IPA", MMU_GRANULE_4K, true, 12, 0, true, 6, WC_FMT_DS, true,
     0x000f123456789abcull, -1, 1, 5, {0xf, 0x24, 0xd1, 0xb3, 0x189}, HI5, 0x000edcba98765000ull,
     0x000edcba98765abcull, 12},
    /* SL0=2 (L0) with a 52-bit IPA: 2^(52-39-9) = 16 concatenated tables;
     * index IPA[51:39] = 0xf << 9 | 0x24 = 0x1e24 (table base 64KB aligned). */
    {"4K DS=1 SL0=2, 16 concatenated L0 tables", MMU_GRANULE_4K, true, 12, 2, false, 6, WC_FMT_DS, true,
     0x000f123456789abcull, 0, 16, 4, {0x1e24, 0xd1, 0xb3, 0x189}, HI5, 0x000edcba98765000ull,
     0x000edcba98765abcull, 12},
    /* 40-bit IPA at L1: 2 tables; IPA 0xab_cdef_1234: L1 = IPA[39:30] =
     * 0xabc >> 2 = 0x2af, L2 = (0xabcde >> 1) & 0x1ff = 0x6f, L3 = IPA[20:12] =
     * 0xabcdef1 & 0x1ff = 0xf1, offset 0x234. */
    {"4K 40-bit SL0=1, 2 concatenated L1 tables", MMU_GRANULE_4K, false, 24, 1, false, 5, WC_FMT_48, false,
     0xabcdef1234ull, 1, 2, 3, {0x2af, 0x6f, 0xf1}, LO5, 0x300000000ull, 0x300000234ull, 12},
    /* 40-bit IPA, L1 1GB block: IPA[29:0] = 0xab_cdef_1234 - 0x2af << 30 = 0x0def_1234. */
    {"4K 40-bit SL0=1, L1 block", MMU_GRANULE_4K, false, 24, 1, false, 5, WC_FMT_48, false, 0xabcdef1234ull, 1, 2, 1,
     {0x2af}, LO5, 0x340000000ull, 0x34def1234ull, 30},
    /* FEAT_TTST: SL0=3 starts at L3; T0SZ=40 (24 bits) needs 2^(24-21) = 8
     * tables; index IPA[23:12] = 0xabc. */
    {"4K TTST SL0=3, 8 concatenated L3 tables", MMU_GRANULE_4K, false, 40, 3, false, 5, WC_FMT_48, false, 0xabc123,
     3, 8, 1, {0xabc}, LO5, 0x700000000ull, 0x700000123ull, 12},
    /* 16K SL0=3 (L0) needs DS=1: 52-bit IPA, IPA[51:47] (32 entries). */
    {"16K DS=1 SL0=3, L0 start", MMU_GRANULE_16K, true, 12, 3, false, 6, WC_FMT_DS, true, 0x000f123456789abcull, 0,
     1, 4, {0x1e, 0x123, 0x22b, 0x1e2}, HI5, 0x000edcba98764000ull, 0x000edcba98765abcull, 14},
    {"16K DS=1 SL0=2, L1 block 64GB", MMU_GRANULE_16K, true, 16, 2, false, 6, WC_FMT_DS, true,
     0x0000923456789abcull, 1, 2, 1, {0x923 & 0xfff}, HI5, 0x000c001000000000ull, 0x000c001456789abcull, 36},
    /* 16K, 40-bit IPA at L2 (SL0=1): 2^(40-25-11) = 16 tables; index
     * IPA[39:25] = 0xabcd >> 1 = 0x55e6; L3 = IPA[24:14] = (0xabcdef1 >> 2)
     * & 0x7ff = 0x7bc; offset IPA[13:0] = 0x1234. */
    {"16K 40-bit SL0=1, 16 concatenated L2 tables", MMU_GRANULE_16K, false, 24, 1, false, 5, WC_FMT_48, false,
     0xabcdef1234ull, 2, 16, 2, {0x55e6, 0x7bc}, {LO(0), LO(4)}, 0x600000000ull, 0x600001234ull, 14},
    {"64K LPA SL0=2, L1 start, 52-bit IPA", MMU_GRANULE_64K, false, 12, 2, false, 6, WC_FMT_LPA, true,
     0x000f123456789abcull, 1, 1, 3, {0x3c4, 0x11a2, 0x1678}, HI5, 0x000edcba98760000ull, 0x000edcba98769abcull,
     16},
    {"64K LPA SL0=2, L1 block 4TB above 2^48", MMU_GRANULE_64K, false, 12, 2, false, 6, WC_FMT_LPA, true,
     0x000f123456789abcull, 1, 1, 1, {0x3c4}, HI5, 0x000c000000000000ull, 0x000c023456789abcull, 42},
    /* 64K, 44-bit IPA at L2 (SL0=1): 2^(44-29-13) = 4 tables; IPA
     * 0xabc_def1_2345: L2 = IPA[43:29] = 0xabcd >> 1 = 0x55e6, L3 =
     * IPA[28:16] = 0xdef1 & 0x1fff = 0x1ef1, offset 0x2345. */
    {"64K 44-bit SL0=1, 4 concatenated L2 tables", MMU_GRANULE_64K, false, 20, 1, false, 5, WC_FMT_LPA, false,
     0xabcdef12345ull, 2, 4, 2, {0x55e6, 0x1ef1}, {LO(0), LO(4)}, 0x500000000ull, 0x500002345ull, 16},
};

/* Walks case c with `extra` ORed into the leaf; the leaf must report size
 * 2^want_shift and the contiguous flag want_contig. */
static void run_case_with(const s2_case *c, uint64_t extra, uint8_t want_shift, bool want_contig)
{
    testmem m;
    testmem_init(&m);
    testmem_add(&m, WC_LOW, 0x100000);
    testmem_add(&m, WC_HIGH, 0x100000);
    mmu_cpu cpu;
    wc_cpu_max(&cpu, &m);
    /* Stage 1 off (SCTLR_EL1.M=0): the IPA is the VA. */
    mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, wc_vtcr(c->g, c->t0sz, c->sl0, c->sl2, c->ps, c->ds));
    mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, wc_ttbr(c->table[0], c->vttbr52) | FIELD_PREP(TTBR_ASID, 0x42));
    mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM);

    wc_read exp[5];
    for (unsigned i = 0; i < c->n; i++) {
        int level = c->start + (int)i;
        bool leaf = i == c->n - 1;
        uint64_t desc = leaf ? wc_leaf(c->oa, c->fmt, level, WC_S2_RW | extra) : wc_table(c->table[i + 1], c->fmt);
        uint64_t at = c->table[i] + (uint64_t)c->idx[i] * 8;
        testmem_write(&m, at, desc);
        exp[i] = (wc_read){2, (int8_t)level, MMU_NO_LEVEL, c->idx[i], c->table[i], at, at, desc};
    }

    CHECK_EQ(cpu.s2.concat, c->concat);
    CHECK(!cpu.s2.config_fault);
    mmu_walk w;
    CHECK(wc_walk(&cpu, c->ipa, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.fault.type, MMU_FAULT_NONE);
    CHECK(!w.s1_enabled);
    CHECK(w.s2_enabled);
    CHECK_EQ(w.vmid, 0x42);
    CHECK_EQ(w.result.ipa, c->ipa);
    CHECK_EQ(w.result.pa, c->pa);
    CHECK_EQ((int64_t)w.result.s2_level, (int64_t)(c->start + (int)c->n - 1));
    CHECK_EQ(w.result.s2_size_shift, want_shift);
    CHECK_EQ(w.result.s2_contig, want_contig);
    CHECK_EQ((int64_t)w.s2_start_level, (int64_t)c->start);
    CHECK_EQ(w.s2_granule, c->g);
    CHECK_EQ(w.s2_ds, c->ds);
    wc_check_reads(&w, exp, c->n);
    testmem_free(&m);
}

static void run_case(const s2_case *c) { run_case_with(c, 0, c->size_shift, false); }

static void test_stage2_walks(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        check_context = cases[i].name;
        run_case(&cases[i]);
    }
}

/* Stage 1 (4K, 48-bit, VA 0x1234_5678_9abc: indices 0x24, 0xd1, 0xb3,
 * 0x189) with its tables at IPA 0x4000_0000 + k*0x1000, under a stage 2
 * (4K, 40-bit IPA, SL0=1: two concatenated L1 tables at PA 0x9000_0000)
 * that maps IPA [1GB, 2GB) with one L1 block (index IPA[39:30] = 1) to PA
 * 0x8_4000_0000. Expected: for each stage-1 level, one stage-2 read (L1,
 * index 1, tagged with that level) then the stage-1 read at PA = IPA +
 * 0x8_0000_0000; then the stage-2 read of the final IPA. 9 reads. */
static void test_nested_read_order(void)
{
    check_context = "s1 4K 4 levels under s2 L1 block";
    testmem m;
    testmem_init(&m);
    testmem_add(&m, 0x840000000ull, 0x100000);
    testmem_add(&m, 0x90000000ull, 0x10000);
    mmu_cpu cpu;
    wc_cpu_max(&cpu, &m);
    const uint64_t s2root = 0x90000000ull, shift = 0x800000000ull;
    const uint64_t s2blk = wc_leaf(0x840000000ull, WC_FMT_48, 1, WC_S2_RW);
    testmem_write(&m, s2root + 8, s2blk);

    static const uint16_t idx[4] = {0x24, 0xd1, 0xb3, 0x189};
    uint64_t t[4] = {0x40000000, 0x40001000, 0x40002000, 0x40003000};
    wc_read exp[9];
    unsigned n = 0;
    for (int k = 0; k < 4; k++) {
        uint64_t desc = k < 3 ? wc_table(t[k + 1], WC_FMT_48) : wc_leaf(0x40100000, WC_FMT_48, 3, WC_AF);
        uint64_t ipa = t[k] + idx[k] * 8u;
        testmem_write(&m, ipa + shift, desc);
        exp[n++] = (wc_read){2, 1, (int8_t)k, 1, s2root, s2root + 8, s2root + 8, s2blk};
        exp[n++] = (wc_read){1, (int8_t)k, MMU_NO_LEVEL, idx[k], t[k], ipa, ipa + shift, desc};
    }
    exp[n++] = (wc_read){2, 1, MMU_NO_LEVEL, 1, s2root, s2root + 8, s2root + 8, s2blk};

    mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false));
    mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, s2root);
    mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM);
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 16, 5, false));
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, t[0]);
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M);

    mmu_walk w;
    CHECK(wc_walk(&cpu, 0x123456789abcull, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.ipa, 0x40100abcull);
    CHECK_EQ(w.result.pa, 0x840100abcull);
    CHECK_EQ(w.result.s1_level, 3);
    CHECK_EQ(w.result.s2_level, 1);
    CHECK_EQ(w.result.s2_size_shift, 30);
    wc_check_reads(&w, exp, n);

    /* AT S1E1R-like (s1_only): stops after stage 1, the result is the IPA,
     * and no stage-2 read of the final IPA is made (8 reads). */
    mmu_access a = {.va = 0x123456789abcull, .kind = MMU_ACC_READ, .el = 1, .s1_only = true};
    CHECK(mmu_walk_translate(&cpu, &a, &w));
    CHECK_EQ(w.result.pa, 0x40100abcull);
    wc_check_reads(&w, exp, 8);
    testmem_free(&m);
}

/* The longest walk (35 reads): stage 1 4K DS=1 from level -1 (VA
 * 0x000f_1234_5678_9abc: 0xf, 0x24, 0xd1, 0xb3, 0x189) under stage 2 4K
 * DS=1 SL2=1 from level -1. Stage-1 tables are at IPA 0x000f_0000_0000_k000
 * (k = 0..4), the leaf maps IPA page 0x000f_0000_0000_5000; stage 2 maps
 * IPA 0x000f_0000_0000_j000 to PA 0x000d_0000_0000_j000 with pages: for
 * those IPAs the stage-2 indices are L-1 = IPA[51:48] = 0xf, L0 = L1 = L2 =
 * 0, L3 = IPA[20:12] = j. Stage-2 tables at PA 0x000e_0000_0000_j000. */
static void test_longest_walk(void)
{
    check_context = "35-read walk: 5-level s1 under 5-level s2";
    testmem m;
    testmem_init(&m);
    testmem_add(&m, 0x000d000000000000ull, 0x10000);
    testmem_add(&m, 0x000e000000000000ull, 0x10000);
    mmu_cpu cpu;
    wc_cpu_max(&cpu, &m);

    const uint64_t s1ipa = 0x000f000000000000ull, s1pa = 0x000d000000000000ull, s2t = 0x000e000000000000ull;
    /* Stage 2: a chain L-1 -> L0 -> L1 -> L2 -> L3 with pages 0..5. */
    uint64_t s2desc[4];
    for (int j = 0; j < 4; j++) {
        s2desc[j] = wc_table(s2t + (uint64_t)(j + 1) * 0x1000, WC_FMT_DS);
        testmem_write(&m, s2t + (uint64_t)j * 0x1000 + (j == 0 ? 0xf * 8 : 0), s2desc[j]);
    }
    uint64_t s2page[6];
    for (int j = 0; j < 6; j++) {
        s2page[j] = wc_leaf(s1pa + (uint64_t)j * 0x1000, WC_FMT_DS, 3, WC_S2_RW);
        testmem_write(&m, s2t + 0x4000 + (uint64_t)j * 8, s2page[j]);
    }

    static const uint16_t idx[5] = {0xf, 0x24, 0xd1, 0xb3, 0x189};
    wc_read exp[35];
    unsigned n = 0;
    for (int k = 0; k <= 5; k++) {
        int8_t tag = k < 5 ? (int8_t)(k - 1) : MMU_NO_LEVEL;
        for (int j = 0; j < 4; j++) {
            uint64_t at = s2t + (uint64_t)j * 0x1000 + (j == 0 ? 0xf * 8 : 0);
            exp[n++] = (wc_read){2, (int8_t)(j - 1), tag, j == 0 ? 0xf : 0, s2t + (uint64_t)j * 0x1000, at, at,
                                 s2desc[j]};
        }
        uint64_t at = s2t + 0x4000 + (uint64_t)k * 8;
        exp[n++] = (wc_read){2, 3, tag, (uint16_t)k, s2t + 0x4000, at, at, s2page[k]};
        if (k == 5)
            break;
        uint64_t desc = k < 4 ? wc_table(s1ipa + (uint64_t)(k + 1) * 0x1000, WC_FMT_DS)
                              : wc_leaf(s1ipa + 0x5000, WC_FMT_DS, 3, WC_AF);
        uint64_t off = (uint64_t)k * 0x1000 + idx[k] * 8u;
        testmem_write(&m, s1pa + off, desc);
        exp[n++] = (wc_read){1, (int8_t)(k - 1), MMU_NO_LEVEL, idx[k], s1ipa + (uint64_t)k * 0x1000, s1ipa + off,
                             s1pa + off, desc};
    }
    CHECK_EQ(n, 35);

    mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 12, 0, true, 6, true));
    mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, wc_ttbr(s2t, true));
    mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM);
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 12, 6, true));
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, wc_ttbr(s1ipa, true));
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M);

    mmu_walk w;
    CHECK(wc_walk(&cpu, 0x000f123456789abcull, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.ipa, 0x000f000000005abcull);
    CHECK_EQ(w.result.pa, 0x000d000000005abcull);
    CHECK_EQ(w.s1_start_level, -1);
    CHECK_EQ(w.s2_start_level, -1);
    wc_check_reads(&w, exp, n);
    testmem_free(&m);
}

/* The Contiguous bit at stage 2 follows the same rule as stage 1 (DDI0487
 * D8.7.1, "TCR_ELx.DS or VTCR_EL2.DS"; ASL AArch64.S2NextWalkStateLeaf
 * uses AArch64.ContiguousBit): RES0, Effective value 0, in the 16K level-1
 * block (DS=1) and the 64K level-1 block (FEAT_LPA); a 4K level-1 block
 * groups 16 entries: 2^(30+4). */
static void test_contiguous_bit(void)
{
    static const struct {
        const char *name;
        uint8_t shift;
        bool contig;
    } rows[] = {
        {"16K DS=1 SL0=2, L1 block 64GB", 36, false},
        {"64K LPA SL0=2, L1 block 4TB above 2^48", 42, false},
        {"4K 40-bit SL0=1, L1 block", 34, true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        const s2_case *c = NULL;
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
            if (!strcmp(cases[k].name, rows[i].name))
                c = &cases[k];
        CHECK(c != NULL);
        if (c)
            run_case_with(c, DESC_CONTIG, rows[i].shift, rows[i].contig);
    }
}

TEST_MAIN(TEST(test_stage2_walks), TEST(test_contiguous_bit), TEST(test_nested_read_order), TEST(test_longest_walk))
