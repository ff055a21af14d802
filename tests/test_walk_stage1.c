/* Stage-1 walks over granule x DS/LPA x start level x TTBR x regime: the
 * output address, the leaf's level and size, and the exact sequence of
 * descriptor reads in the walk record.
 *
 * Every index below is worked by hand from the VA (DDI0487 D8.2: at level
 * L the index is IA[lsb(L-1)-1 : lsb(L)], lsb(L) = G + (G-3)(3-L); the
 * start level takes every bit up to IAsize-1), and the tables are laid out
 * from those hand-computed indices, never from the engine's. */
#include "desc.h"
#include "walkcase.h"

typedef enum { EL1_TTBR, EL2_E2H0, EL2_E2H1 } regime_setup;

typedef struct s1_case {
    const char *name;
    regime_setup setup;
    int ttbr;              /* 0 or 1 */
    mmu_granule g;
    bool ds;
    unsigned txsz, ips;
    wc_fmt fmt;
    bool ttbr52;           /* BADDR[51:48] in TTBR[5:2] */
    uint64_t va;
    int8_t start;
    unsigned n;            /* levels read: start .. start+n-1 (the leaf) */
    uint16_t idx[5];
    uint64_t table[5];
    uint64_t oa;           /* leaf output address (block/page aligned) */
    uint64_t pa;           /* expected PA = oa | VA bits below the leaf size */
    uint8_t size_shift;
} s1_case;

#define LO(k) (WC_LOW + (uint64_t)(k) * 0x10000)
#define HI(k) (WC_HIGH + (uint64_t)(k) * 0x10000)
#define LO5 {LO(0), LO(1), LO(2), LO(3), LO(4)}
#define HI5 {HI(0), HI(1), HI(2), HI(3), HI(4)}

/* VA 0x0000_1234_5678_9abc, 4K: L0 = VA[47:39] = 0x123 >> 3 = 0x24,
 * L1 = VA[38:30] = (0x12345 >> 2) & 0x1ff = 0x48d1 & 0x1ff = 0xd1,
 * L2 = VA[29:21] = (0x1234567 >> 1) & 0x1ff = 0xb3, L3 = VA[20:12] = 0x189.
 * With 52 bits, VA 0x000f_1234_5678_9abc adds L-1 = VA[51:48] = 0xf.
 *
 * VA 0x000f_1234_5678_9abc, 16K DS=1 (T0SZ=12): L0 = VA[51:47] = 0xf1 >> 3
 * = 0x1e (of 32), L1 = VA[46:36] = 0xf123 & 0x7ff = 0x123, L2 = VA[35:25]
 * = (0xf123456 >> 1) & 0x7ff = 0x22b, L3 = VA[24:14] = (0x6789 >> 2) & 0x7ff
 * = 0x1e2, page offset VA[13:0] = 0x1abc.
 *
 * Same VA, 64K (T0SZ=12, FEAT_LVA): L1 = VA[51:42] = 0xf12 >> 2 = 0x3c4 (of
 * 1024), L2 = VA[41:29] = (0xf12345 >> 1) & 0x1fff = 0x11a2, L3 = VA[28:16]
 * = 0xf12345678 & 0x1fff = 0x1678, offset 0x9abc. */
static const s1_case cases[] = {
    {"4K 48-bit, L0 start, page", EL1_TTBR, 0, MMU_GRANULE_4K, false, 16, 5, WC_FMT_48, false,
     0x0000123456789abcull, 0, 4,
     {0x24, 0xd1, 0xb3, 0x189}, LO5, 0x876543000ull, 0x876543abcull, 12},
    /* L1 block: PA = 0x80_4000_0000 | VA[29:0] (0x1678_9abc). */
    {"4K 48-bit, L1 block 1GB", EL1_TTBR, 0, MMU_GRANULE_4K, false, 16, 5, WC_FMT_48, false,
     0x0000123456789abcull, 0, 2, {0x24, 0xd1}, LO5, 0x8040000000ull, 0x8056789abcull, 30},
    /* L2 block: VA[20:0] = 0x189abc. */
    {"4K 48-bit, L2 block 2MB", EL1_TTBR, 0, MMU_GRANULE_4K, false, 16, 5, WC_FMT_48, false,
     0x0000123456789abcull, 0, 3, {0x24, 0xd1, 0xb3}, LO5, 0x8000600000ull, 0x8000789abcull, 21},
    /* 4K DS=1, T0SZ=12: 52-bit VA, the walk starts at level -1 (16 entries). */
    {"4K DS=1 52-bit, L-1 start, page above 2^48", EL1_TTBR, 0, MMU_GRANULE_4K, true, 12, 6, WC_FMT_DS, true,
     0x000f123456789abcull, -1, 5, {0xf, 0x24, 0xd1, 0xb3, 0x189}, HI5, 0x000edcba98765000ull,
     0x000edcba98765abcull, 12},
    /* Level-0 block with DS=1: 512GB; VA[38:0] = 0x1234_5678_9abc - 0x24<<39
     * = 0x34_5678_9abc. */
    {"4K DS=1 52-bit, L0 block 512GB", EL1_TTBR, 0, MMU_GRANULE_4K, true, 12, 6, WC_FMT_DS, true,
     0x000f123456789abcull, -1, 2, {0xf, 0x24}, HI5, 0x000a800000000000ull, 0x000a803456789abcull, 39},
    {"4K DS=1 48-bit VA, L0 start, page", EL1_TTBR, 0, MMU_GRANULE_4K, true, 16, 6, WC_FMT_DS, true,
     0x0000123456789abcull, 0, 4, {0x24, 0xd1, 0xb3, 0x189}, HI5, 0x000edcba98765000ull,
     0x000edcba98765abcull, 12},
    {"4K DS=1, L1 block above 2^48", EL1_TTBR, 0, MMU_GRANULE_4K, true, 16, 6, WC_FMT_DS, true,
     0x0000123456789abcull, 0, 2, {0x24, 0xd1}, HI5, 0x000b000040000000ull, 0x000b000056789abcull, 30},
    {"16K DS=1 52-bit, L0 start (32 entries), page", EL1_TTBR, 0, MMU_GRANULE_16K, true, 12, 6, WC_FMT_DS, true,
     0x000f123456789abcull, 0, 4, {0x1e, 0x123, 0x22b, 0x1e2}, HI5, 0x000edcba98764000ull,
     0x000edcba98765abcull, 14},
    /* 16K L1 block with DS=1: 64GB; VA[35:0] = 0x4_5678_9abc. */
    {"16K DS=1, L1 block 64GB", EL1_TTBR, 0, MMU_GRANULE_16K, true, 12, 6, WC_FMT_DS, true,
     0x000f123456789abcull, 0, 2, {0x1e, 0x123}, HI5, 0x000c001000000000ull, 0x000c001456789abcull, 36},
    /* 16K L2 block: 32MB; VA[24:0] = 0x78_9abc. */
    {"16K DS=1, L2 block 32MB", EL1_TTBR, 0, MMU_GRANULE_16K, true, 12, 6, WC_FMT_DS, true,
     0x000f123456789abcull, 0, 3, {0x1e, 0x123, 0x22b}, HI5, 0x000c000002000000ull, 0x000c000002789abcull, 25},
    /* 16K 48-bit: L0 has 2 entries (VA[47]); VA 0x9234_5678_9abc: L0 = 1,
     * L1 = 0x923 & 0x7ff = 0x123, L2 = (0x923456 >> 1) & 0x7ff = 0x22b,
     * L3 = 0x1e2. */
    {"16K 48-bit, L0 start (2 entries), page", EL1_TTBR, 0, MMU_GRANULE_16K, false, 16, 5, WC_FMT_48, false,
     0x0000923456789abcull, 0, 4, {1, 0x123, 0x22b, 0x1e2}, LO5, 0x1234564000ull, 0x1234565abcull, 14},
    /* 16K T0SZ=28 (36-bit): start 3 - (35-14)/11 = 2; VA 0x8_1234_5678:
     * L2 = VA[35:25] = 0x812 >> 1 = 0x409, L3 = VA[24:14] = 0x345678 >> 14
     * = 0xd1, offset 0x1678. */
    {"16K 36-bit, L2 start, page", EL1_TTBR, 0, MMU_GRANULE_16K, false, 28, 5, WC_FMT_48, false,
     0x812345678ull, 2, 2, {0x409, 0xd1}, LO5, 0x987654000ull, 0x987655678ull, 14},
    {"64K LPA/LVA 52-bit, L1 start (1024 entries), page", EL1_TTBR, 0, MMU_GRANULE_64K, false, 12, 6, WC_FMT_LPA,
     true, 0x000f123456789abcull, 1, 3, {0x3c4, 0x11a2, 0x1678}, HI5, 0x000edcba98760000ull,
     0x000edcba98769abcull, 16},
    /* 64K L1 block (PAMax 52): 4TB; VA[41:0] = 0x234_5678_9abc. */
    {"64K LPA, L1 block 4TB", EL1_TTBR, 0, MMU_GRANULE_64K, false, 12, 6, WC_FMT_LPA, true,
     0x000f123456789abcull, 1, 1, {0x3c4}, HI5, 0x000c000000000000ull, 0x000c023456789abcull, 42},
    /* 64K L2 block: 512MB; VA[28:0] = 0x1678_9abc. */
    {"64K LPA, L2 block 512MB", EL1_TTBR, 0, MMU_GRANULE_64K, false, 12, 6, WC_FMT_LPA, true,
     0x000f123456789abcull, 1, 2, {0x3c4, 0x11a2}, HI5, 0x000c000020000000ull, 0x000c000036789abcull, 29},
    /* 64K 48-bit: L1 = VA[47:42] = 0x123 >> 6 = 4 (of 64). */
    {"64K 48-bit, L1 start (64 entries), page", EL1_TTBR, 0, MMU_GRANULE_64K, false, 16, 5, WC_FMT_LPA, false,
     0x0000123456789abcull, 1, 3, {0x4, 0x11a2, 0x1678}, LO5, 0x765430000ull, 0x765439abcull, 16},
    /* 4K T0SZ=25 (39-bit): start L1; VA 0x40_1234_5abc: L1 = VA[38:30] =
     * 0x100, L2 = (0x20091) & 0x1ff = 0x91, L3 = 0x4012345 & 0x1ff = 0x145. */
    {"4K 39-bit, L1 start, page", EL1_TTBR, 0, MMU_GRANULE_4K, false, 25, 5, WC_FMT_48, false,
     0x4012345abcull, 1, 3, {0x100, 0x91, 0x145}, LO5, 0x555555000ull, 0x555555abcull, 12},
    /* FEAT_TTST, T0SZ=48 (16-bit): start L3 with 16 entries, L3 = VA[15:12]. */
    {"4K TTST T0SZ=48, L3 start", EL1_TTBR, 0, MMU_GRANULE_4K, false, 48, 5, WC_FMT_48, false, 0xabcd, 3, 1,
     {0xa}, LO5, 0x400000000ull, 0x400000bcdull, 12},
    /* TTBR1, T1SZ=16, VA 0xffff_8000_4020_1abc: L0 = 0x800 >> 3 = 0x100,
     * L1 = (0x80004 >> 2) & 0x1ff = 1, L2 = (0x8000402 >> 1) & 0x1ff = 1;
     * L2 block: VA[20:0] = 0x1abc. */
    {"TTBR1 4K 48-bit, L2 block", EL1_TTBR, 1, MMU_GRANULE_4K, false, 16, 5, WC_FMT_48, false,
     0xffff800040201abcull, 0, 3, {0x100, 1, 1}, LO5, 0x100000000ull, 0x100001abcull, 21},
    /* TTBR1 with DS=1, T1SZ=12, VA 0xfff8_0000_4020_1abc: L-1 = VA[51:48] =
     * 8, L0 = 0, L1 = L2 = L3 = 1. */
    {"TTBR1 4K DS=1 52-bit, L-1 start, page", EL1_TTBR, 1, MMU_GRANULE_4K, true, 12, 6, WC_FMT_DS, true,
     0xfff8000040201abcull, -1, 5, {8, 0, 1, 1, 1}, HI5, 0x000e000000001000ull, 0x000e000000001abcull, 12},
    {"EL2 (E2H=0) 4K 48-bit, page", EL2_E2H0, 0, MMU_GRANULE_4K, false, 16, 5, WC_FMT_48, false,
     0x0000123456789abcull, 0, 4, {0x24, 0xd1, 0xb3, 0x189}, LO5, 0x876543000ull, 0x876543abcull, 12},
    {"EL2 (E2H=0) 16K DS=1 52-bit, L1 block", EL2_E2H0, 0, MMU_GRANULE_16K, true, 12, 6, WC_FMT_DS, true,
     0x000f123456789abcull, 0, 2, {0x1e, 0x123}, HI5, 0x000c001000000000ull, 0x000c001456789abcull, 36},
    /* EL2&0, TTBR1_EL2: L1 block, VA[29:0] = 0x20_1abc. */
    {"EL2&0 (E2H=1) TTBR1 4K, L1 block", EL2_E2H1, 1, MMU_GRANULE_4K, false, 16, 5, WC_FMT_48, false,
     0xffff800040201abcull, 0, 2, {0x100, 1}, LO5, 0x240000000ull, 0x240201abcull, 30},
};

/* Programs the regime's registers for a case. */
static void setup_regime(mmu_cpu *cpu, const s1_case *c, uint64_t ttbr)
{
    uint64_t tcr = c->ttbr ? wc_tcr1(c->g, c->txsz, c->ips, c->ds) : wc_tcr0(c->g, c->txsz, c->ips, c->ds);
    switch (c->setup) {
    case EL1_TTBR:
        mmu_cpu_set_reg(cpu, MMU_TCR_EL1, tcr);
        mmu_cpu_set_reg(cpu, c->ttbr ? MMU_TTBR1_EL1 : MMU_TTBR0_EL1, ttbr);
        mmu_cpu_set_reg(cpu, MMU_SCTLR_EL1, SCTLR_M);
        break;
    case EL2_E2H0:
        /* TCR_EL2 with E2H=0: T0SZ, TG0, PS[18:16], DS[32]. */
        mmu_cpu_set_reg(cpu, MMU_TCR_EL2, FIELD_PREP(TCR2_T0SZ, c->txsz) | FIELD_PREP(TCR2_TG0, wc_tg0(c->g)) |
                                              FIELD_PREP(TCR2_PS, c->ips) | (c->ds ? TCR2_DS : 0));
        mmu_cpu_set_reg(cpu, MMU_TTBR0_EL2, ttbr);
        mmu_cpu_set_reg(cpu, MMU_SCTLR_EL2, SCTLR_M);
        break;
    case EL2_E2H1:
        mmu_cpu_set_reg(cpu, MMU_HCR_EL2, HCR_E2H);
        mmu_cpu_set_reg(cpu, MMU_TCR_EL2, tcr);
        mmu_cpu_set_reg(cpu, c->ttbr ? MMU_TTBR1_EL2 : MMU_TTBR0_EL2, ttbr);
        mmu_cpu_set_reg(cpu, MMU_SCTLR_EL2, SCTLR_M);
        break;
    }
}

/* Walks case c with `extra` ORed into the leaf descriptor; the leaf must
 * report size 2^want_shift and the contiguous flag want_contig. */
static void run_case_with(const s1_case *c, uint64_t extra, uint8_t want_shift, bool want_contig)
{
    testmem m;
    testmem_init(&m);
    testmem_add(&m, WC_LOW, 0x100000);
    testmem_add(&m, WC_HIGH, 0x100000);
    mmu_cpu cpu;
    wc_cpu_max(&cpu, &m);
    setup_regime(&cpu, c, wc_ttbr(c->table[0], c->ttbr52));

    wc_read exp[5];
    for (unsigned i = 0; i < c->n; i++) {
        int level = c->start + (int)i;
        bool leaf = i == c->n - 1;
        uint64_t desc = leaf ? wc_leaf(c->oa, c->fmt, level, WC_AF | extra) : wc_table(c->table[i + 1], c->fmt);
        uint64_t at = c->table[i] + (uint64_t)c->idx[i] * 8;
        testmem_write(&m, at, desc);
        exp[i] = (wc_read){1, (int8_t)level, MMU_NO_LEVEL, c->idx[i], c->table[i], at, at, desc};
    }

    mmu_walk w;
    bool ok = wc_walk(&cpu, c->va, MMU_ACC_READ, c->setup == EL1_TTBR ? 1 : 2, &w);
    CHECK(ok);
    CHECK_EQ(w.fault.type, MMU_FAULT_NONE);
    CHECK_EQ(w.result.pa, c->pa);
    CHECK_EQ(w.result.ipa, c->pa);
    CHECK_EQ((int64_t)w.result.s1_level, (int64_t)(c->start + (int)c->n - 1));
    CHECK_EQ(w.result.s1_size_shift, want_shift);
    CHECK_EQ(w.result.s1_contig, want_contig);
    CHECK_EQ(w.ttbr, c->ttbr);
    CHECK_EQ(w.s1_granule, c->g);
    CHECK_EQ(w.s1_ds, c->ds);
    CHECK_EQ(w.s1_txsz, c->txsz);
    CHECK_EQ((int64_t)w.s1_start_level, (int64_t)c->start);
    CHECK(!w.s2_enabled);
    wc_check_reads(&w, exp, c->n);
    testmem_free(&m);
}

static void run_case(const s1_case *c) { run_case_with(c, 0, c->size_shift, false); }

static void test_stage1_walks(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        check_context = cases[i].name;
        run_case(&cases[i]);
    }
}

static const s1_case *case_named(const char *name)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (!strcmp(cases[i].name, name))
            return &cases[i];
    return NULL;
}

/* The Contiguous bit (desc[52]) of the block cases above. DDI0487 D8.7.1:
 * it is RES0 with an Effective value of 0 in the 4K level-0 block (DS=1),
 * the 16K level-1 block (DS=1) and the 64K level-1 block (FEAT_LPA) (ASL
 * AArch64.ContiguousBit returns '0' there), so those leaves keep their own
 * size. Elsewhere it groups 16 (4K), 32 (16K L2, 64K) or 128 (16K L3)
 * entries (Table D8-104, ASL ContiguousSize): 4K L1 1GB x16 = 2^34, 16K L2
 * 32MB x32 = 2^30, 64K L2 512MB x32 = 2^34. */
static void test_contiguous_bit(void)
{
    static const struct {
        const char *name;
        uint8_t shift;
        bool contig;
    } rows[] = {
        {"4K DS=1 52-bit, L0 block 512GB", 39, false},
        {"16K DS=1, L1 block 64GB", 36, false},
        {"64K LPA, L1 block 4TB", 42, false},
        {"4K 48-bit, L1 block 1GB", 34, true},
        {"16K DS=1, L2 block 32MB", 30, true},
        {"64K LPA, L2 block 512MB", 34, true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        const s1_case *c = case_named(rows[i].name);
        CHECK(c != NULL);
        if (c)
            run_case_with(c, DESC_CONTIG, rows[i].shift, rows[i].contig);
    }
}

TEST_MAIN(TEST(test_stage1_walks), TEST(test_contiguous_bit))
