/* Stage-1 faults at every level they can occur (-1 included), in the
 * architecture's priority order, and the pre-walk checks that fault at
 * level 0 before any descriptor is read.
 *
 * Sources: ASL AArch64.S1Translate (TxSZ, VA range, E0PD), AArch64.S1Walk
 * (EPD, TTBR base address size at level 0, DecodeDescriptorType, the
 * table-address check at the level of the table descriptor, then for the
 * leaf: contiguous bit, OA range, then Access flag), AArch64.S1CheckPermissions;
 * EncodeLDFSC for the codes; reference notes sections 2.4, 2.5, 4.2. */
#include "walkcase.h"

#define LO(k) (WC_LOW + (uint64_t)(k) * 0x10000)
#define HI(k) (WC_HIGH + (uint64_t)(k) * 0x10000)
#define LO5 {LO(0), LO(1), LO(2), LO(3), LO(4)}
#define HI5 {HI(0), HI(1), HI(2), HI(3), HI(4)}

#define VA48 0x0000123456789abcull /* 4K: 0x24, 0xd1, 0xb3, 0x189 */
#define VA52 0x000f123456789abcull /* 4K DS=1: 0xf, 0x24, 0xd1, 0xb3, 0x189 */

/* 4K 48-bit in low memory: leaf page 0x8_7654_3000. */
static const wc_chain c4 = {0, 4, {0x24, 0xd1, 0xb3, 0x189}, LO5, WC_FMT_48, 0x876543000ull, WC_AF};
/* 4K DS=1 52-bit VA from level -1, tables above 2^48. */
static const wc_chain c4ds = {-1, 5, {0xf, 0x24, 0xd1, 0xb3, 0x189}, HI5, WC_FMT_DS, 0x000edcba98765000ull, WC_AF};
/* The same walk with its tables in low memory (for IPS < 52). */
static const wc_chain c4ds_lo = {-1, 5, {0xf, 0x24, 0xd1, 0xb3, 0x189}, LO5, WC_FMT_DS, 0x876543000ull, WC_AF};
/* 16K 48-bit, VA 0x9234_5678_9abc: 1, 0x123, 0x22b, 0x1e2. */
static const wc_chain c16 = {0, 4, {1, 0x123, 0x22b, 0x1e2}, LO5, WC_FMT_48, 0x1234564000ull, WC_AF};
/* 16K DS=1 52-bit, VA52: 0x1e, 0x123, 0x22b, 0x1e2. */
static const wc_chain c16ds = {0, 4, {0x1e, 0x123, 0x22b, 0x1e2}, HI5, WC_FMT_DS, 0x000edcba98764000ull, WC_AF};
/* TTBR1 4K 48-bit, VA 0xffff_8000_4020_1abc: 0x100, 1, then a 2MB block at
 * L2 index 1 to 0x1_0000_0000. */
static const wc_chain c4t1 = {0, 3, {0x100, 1, 1}, LO5, WC_FMT_48, 0x100000000ull, WC_AF};
/* 64K 48-bit, VA48: L1 = 4, L2 = 0x11a2, L3 = 0x1678. */
static const wc_chain c64 = {1, 3, {0x4, 0x11a2, 0x1678}, LO5, WC_FMT_LPA, 0x765430000ull, WC_AF};
/* 64K, FEAT_TTST T0SZ=47 (17-bit VA): start level 3 (two entries, VA[16]);
 * VA 0x1abcd -> index 1. */
static const wc_chain c64l3 = {3, 1, {1}, LO5, WC_FMT_LPA, 0x765430000ull, WC_AF};

enum { CPU_MAX, CPU_V82, CPU_NO16LPA2 };

typedef struct fault_case {
    const char *name;
    int cpu;
    const wc_chain *chain;
    uint64_t tcr, ttbr0, ttbr1, va;
    uint8_t el;
    int bad_level;          /* MMU_NO_LEVEL: the chain as it is */
    uint64_t bad;
    mmu_fault_type type;    /* NONE: the walk must succeed with `pa` */
    int8_t level;
    uint8_t fsc;
    unsigned reads;
    uint64_t pa;
} fault_case;

#define NONE MMU_NO_LEVEL
#define T4(t0sz, ips, ds) wc_tcr0(MMU_GRANULE_4K, t0sz, ips, ds)
#define T16(t0sz, ips, ds) wc_tcr0(MMU_GRANULE_16K, t0sz, ips, ds)
#define T64(t0sz, ips) wc_tcr0(MMU_GRANULE_64K, t0sz, ips, false)
#define TR MMU_FAULT_TRANSLATION
#define AS MMU_FAULT_ADDRESS_SIZE
#define AF MMU_FAULT_ACCESS_FLAG
#define EXT MMU_FAULT_EXTERNAL_WALK
#define OK MMU_FAULT_NONE
#define PERM MMU_FAULT_PERMISSION
/* TTBR1 range (T1SZ=16, TG1=4K) added to a TTBR0 TCR. */
#define T1RANGE (FIELD_PREP_CONST(TCR_T1SZ, 16) | FIELD_PREP_CONST(TCR_TG1, 2))
#define TTBR52_HI0 (((HI(0) >> 48) & 0xf) << 2) /* HI(0) in the 52-bit BADDR form: 0x3c */


static void run_case(const fault_case *c)
{
    testmem m;
    testmem_init(&m);
    testmem_add(&m, WC_LOW, 0x100000);
    testmem_add(&m, WC_HIGH, 0x100000);
    mmu_cpu cpu;
    if (c->cpu == CPU_MAX)
        wc_cpu_max(&cpu, &m);
    else if (c->cpu == CPU_V82)
        wc_cpu(&cpu, &m, WC_MMFR0_V82, WC_MMFR1_V82, 0);
    else /* max, but TGran16 = 1 (16K without 52-bit) and TGran16_2 = 2 */
        wc_cpu(&cpu, &m,
               (WC_MMFR0_MAX & ~(MMFR0_TGRAN16 | MMFR0_TGRAN16_2)) | FIELD_PREP(MMFR0_TGRAN16, 1) |
                   FIELD_PREP(MMFR0_TGRAN16_2, 2),
               WC_MMFR1_MAX, WC_MMFR2_MAX);
    wc_chain_write(&m, c->chain, c->bad_level, c->bad, NULL);
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, c->tcr);
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, c->ttbr0);
    mmu_cpu_set_reg(&cpu, MMU_TTBR1_EL1, c->ttbr1);
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M);

    mmu_walk w;
    bool ok = wc_walk(&cpu, c->va, MMU_ACC_READ, c->el, &w);
    CHECK_EQ(ok, c->type == OK);
    CHECK_EQ(w.fault.type, c->type);
    CHECK_EQ(w.n_reads, c->reads);
    if (c->type == OK) {
        CHECK_EQ(w.result.pa, c->pa);
    } else {
        CHECK_EQ(w.fault.stage, 1);
        CHECK_EQ((int64_t)w.fault.level, (int64_t)c->level);
        CHECK(!w.fault.s1ptw);
        CHECK_EQ(mmu_fsc(&w.fault), c->fsc);
    }
    testmem_free(&m);
}

static void test_stage1_faults(void)
{
    /* Automatic storage: the rows call the descriptor encoders. */
    const fault_case cases[] = {
        /* ---- Translation faults in the walk (FSC 0x2b for level -1, 0x04+L) ---- */
        {"L-1 invalid", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, -1, 0, TR, -1, 0x2b, 1, 0},
        {"L-1 block descriptor (no blocks at level -1)", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, -1,
         0x0008000000000000ull | WC_AF | 1, TR, -1, 0x2b, 1, 0},
        {"L0 invalid", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, 0, 0, TR, 0, 0x04, 2, 0},
        {"L1 invalid", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, 1, 0, TR, 1, 0x05, 3, 0},
        {"L2 invalid", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, 2, 0x000c000000200000ull, TR, 2, 0x06, 4, 0},
        {"L3 invalid", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, 3, 0, TR, 3, 0x07, 5, 0},
        /* Level 3, bits[1:0] = 01: reserved, behaves as invalid. */
        {"L3 reserved encoding 0b01", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, 3,
         0x000edcba98765000ull | WC_AF | 1, TR, 3, 0x07, 5, 0},
        /* Blocks where the granule has none (ASL AArch64.BlockDescSupported). */
        {"4K DS=0 L0 block", CPU_MAX, &c4, T4(16, 5, 0), LO(0), 0, VA48, 1, 0, 0x8000000000ull | WC_AF | 1, TR, 0,
         0x04, 1, 0},
        {"16K DS=0 L0 block", CPU_MAX, &c16, T16(16, 5, 0), LO(0), 0, 0x0000923456789abcull, 1, 0,
         0x800000000000ull | WC_AF | 1, TR, 0, 0x04, 1, 0},
        {"16K DS=0 L1 block", CPU_MAX, &c16, T16(16, 5, 0), LO(0), 0, 0x0000923456789abcull, 1, 1,
         0x1000000000ull | WC_AF | 1, TR, 1, 0x05, 2, 0},
        {"16K DS=1 L0 block (never)", CPU_MAX, &c16ds, T16(12, 6, 1), TTBR52_HI0, 0, VA52, 1, 0,
         0x000c000000000000ull | WC_AF | 1, TR, 0, 0x04, 1, 0},
        {"64K L1 block with PAMax 48 (no FEAT_LPA)", CPU_V82, &c64, T64(16, 5), LO(0), 0, VA48, 1, 1,
         WC_AF | 1, TR, 1, 0x05, 1, 0},

        /* ---- Access flag (AF=0, HA=0): levels 0..3 ---- */
        {"AF=0 L0 block (DS=1)", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, 0,
         wc_leaf(0x000a800000000000ull, WC_FMT_DS, 0, 0), AF, 0, 0x08, 2, 0},
        {"AF=0 L1 block", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, 1,
         wc_leaf(0x000b000040000000ull, WC_FMT_DS, 1, 0), AF, 1, 0x09, 3, 0},
        {"AF=0 L2 block", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, 2,
         wc_leaf(0x000c000000200000ull, WC_FMT_DS, 2, 0), AF, 2, 0x0a, 4, 0},
        {"AF=0 L3 page", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1, 3,
         wc_leaf(0x000edcba98765000ull, WC_FMT_DS, 3, 0), AF, 3, 0x0b, 5, 0},

        /* ---- Permission at block levels (EL0 read of AP=00), L0 with DS ---- */
        {"permission L1 block, EL0 read of AP=00", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 0, 1,
         wc_leaf(0x000b000040000000ull, WC_FMT_DS, 1, WC_AF), PERM, 1, 0x0d, 3, 0},
        {"permission L2 block, EL0 read of AP=00", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 0, 2,
         wc_leaf(0x000c000000200000ull, WC_FMT_DS, 2, WC_AF), PERM, 2, 0x0e, 4, 0},
        {"permission L0 block, EL0 read of AP=00", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 0, 0,
         wc_leaf(0x000a800000000000ull, WC_FMT_DS, 0, WC_AF), PERM, 0, 0x0c, 2, 0},
        /* Access flag before permission (ASL: AF in S1Walk, permissions
         * after it in S1Translate). */
        {"AF=0 and no EL0 access: access flag first", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 0, 3,
         wc_leaf(0x000edcba98765000ull, WC_FMT_DS, 3, 0), AF, 3, 0x0b, 5, 0},

        /* ---- External abort: the next table is where no memory is ---- */
        {"L-1 table pointing outside memory: abort reading L0", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1,
         -1, wc_table(0x000c000000000000ull, WC_FMT_DS), EXT, 0, 0x14, 1, 0},
        {"L2 table pointing outside memory: abort reading L3", CPU_MAX, &c4ds, T4(12, 6, 1), TTBR52_HI0, 0, VA52, 1,
         2, wc_table(0x000c000000000000ull, WC_FMT_DS), EXT, 3, 0x17, 4, 0},
        {"TTBR pointing outside memory: abort reading L-1", CPU_MAX, &c4ds, T4(12, 6, 1),
         wc_ttbr(0x000c000000000000ull, true), 0, VA52, 1, NONE, 0, EXT, -1, 0x13, 0, 0},

        /* ---- Address size (DS=1, IPS=48, tables in low memory) ----
         * A next-level table above PS faults at the level of the table
         * descriptor (ASL S1Walk: fault.level is set before the level moves). */
        {"L-1 table above 2^48", CPU_MAX, &c4ds_lo, T4(12, 5, 1), LO(0), 0, VA52, 1, -1,
         wc_table(0x000f000000000000ull, WC_FMT_DS), AS, -1, 0x29, 1, 0},
        {"L0 table above 2^48", CPU_MAX, &c4ds_lo, T4(12, 5, 1), LO(0), 0, VA52, 1, 0,
         wc_table(0x0001000000000000ull, WC_FMT_DS), AS, 0, 0x00, 2, 0},
        {"L1 table above 2^48", CPU_MAX, &c4ds_lo, T4(12, 5, 1), LO(0), 0, VA52, 1, 1,
         wc_table(0x0004000000000000ull, WC_FMT_DS), AS, 1, 0x01, 3, 0},
        {"L2 table above 2^48", CPU_MAX, &c4ds_lo, T4(12, 5, 1), LO(0), 0, VA52, 1, 2,
         wc_table(0x0001000000000000ull, WC_FMT_DS), AS, 2, 0x02, 4, 0},
        {"L3 page above 2^48", CPU_MAX, &c4ds_lo, T4(12, 5, 1), LO(0), 0, VA52, 1, 3,
         wc_leaf(0x0001000000000000ull, WC_FMT_DS, 3, WC_AF), AS, 3, 0x03, 5, 0},
        /* The OA check comes before the Access flag (ASL S1Walk). */
        {"L3 page above 2^48 with AF=0: address size first", CPU_MAX, &c4ds_lo, T4(12, 5, 1), LO(0), 0, VA52, 1, 3,
         wc_leaf(0x0001000000000000ull, WC_FMT_DS, 3, 0), AS, 3, 0x03, 5, 0},
        {"L2 block above 2^48", CPU_MAX, &c4ds_lo, T4(12, 5, 1), LO(0), 0, VA52, 1, 2,
         wc_leaf(0x0001000000000000ull, WC_FMT_DS, 2, WC_AF), AS, 2, 0x02, 4, 0},
        {"L1 block above 2^48", CPU_MAX, &c4ds_lo, T4(12, 5, 1), LO(0), 0, VA52, 1, 1,
         wc_leaf(0x0001000000000000ull, WC_FMT_DS, 1, WC_AF), AS, 1, 0x01, 3, 0},
        {"L0 block above 2^48", CPU_MAX, &c4ds_lo, T4(12, 5, 1), LO(0), 0, VA52, 1, 0,
         wc_leaf(0x0001000000000000ull, WC_FMT_DS, 0, WC_AF), AS, 0, 0x00, 2, 0},
        /* DS=0, IPS=40: a page at 2^40. */
        {"4K IPS=40, page at 2^40", CPU_MAX, &c4, T4(16, 2, 0), LO(0), 0, VA48, 1, 3,
         wc_leaf(0x10000000000ull, WC_FMT_48, 3, WC_AF), AS, 3, 0x03, 4, 0},
        /* 64K on a CPU with PAMax 52 always takes OA[51:48] from desc[15:12]
         * (ASL AArch64.LeafBase/NextTableBase: Have52BitPAExt and 64K), so
         * with PS=48 non-zero bits there are an Address size fault (notes 8.2). */
        {"64K LPA, PS=48, page desc[15:12]=1", CPU_MAX, &c64, T64(16, 5), LO(0), 0, VA48, 1, 3,
         wc_leaf(0x765430000ull, WC_FMT_LPA, 3, WC_AF) | BIT64(12), AS, 3, 0x03, 3, 0},
        {"64K LPA, PS=48, table desc[15:12]=1", CPU_MAX, &c64, T64(16, 5), LO(0), 0, VA48, 1, 1,
         wc_table(LO(1), WC_FMT_LPA) | BIT64(12), AS, 1, 0x01, 1, 0},
        {"64K LPA, PS=48, L2 block desc[15:12]=1", CPU_MAX, &c64, T64(16, 5), LO(0), 0, VA48, 1, 2,
         wc_leaf(0x20000000ull, WC_FMT_LPA, 2, WC_AF) | BIT64(12), AS, 2, 0x02, 2, 0},
        /* Control: PS=52, the same page is at 2^48 + 0x7_6543_0000. */
        {"64K LPA, PS=52, page desc[15:12]=1 is OA[48]", CPU_MAX, &c64, T64(16, 6), LO(0), 0, VA48, 1, 3,
         wc_leaf(0x765430000ull, WC_FMT_LPA, 3, WC_AF) | BIT64(12), OK, 0, 0, 3, 0x0001000765439abcull},

        /* ---- A misprogrammed contiguous bit (a 64K level-3 run of 32 pages,
         * 2MB, in a 17-bit input range) is a Translation fault here (the
         * IMPLEMENTATION DEFINED choice, docs/engine.md); ASL AArch64.S1Walk
         * checks it before the OA range, so with the page also above PS it
         * is still the Translation fault. ---- */
        {"contiguous run larger than the 17-bit input range", CPU_MAX, &c64l3, T64(47, 0), LO(0), 0, 0x1abcd, 1, 3,
         wc_leaf(0x76540000ull, WC_FMT_LPA, 3, WC_AF) | BIT64(52), TR, 3, 0x07, 1, 0},
        {"page above PS=32 (control)", CPU_MAX, &c64l3, T64(47, 0), LO(0), 0, 0x1abcd, 1, 3,
         wc_leaf(0x100000000ull, WC_FMT_LPA, 3, WC_AF), AS, 3, 0x03, 1, 0},
        {"misprogrammed contiguous bit before address size", CPU_MAX, &c64l3, T64(47, 0), LO(0), 0, 0x1abcd, 1, 3,
         wc_leaf(0x100000000ull, WC_FMT_LPA, 3, WC_AF) | BIT64(52), TR, 3, 0x07, 1, 0},

        /* ---- Pre-walk checks: Translation (or Address size) at level 0, no read ---- */
        {"T0SZ=15 below 16 (DS=0)", CPU_MAX, &c4, T4(15, 5, 0), LO(0), 0, VA48, 1, NONE, 0, TR, 0, 0x04, 0, 0},
        {"T0SZ=12 without DS", CPU_MAX, &c4, T4(12, 5, 0), LO(0), 0, VA48, 1, NONE, 0, TR, 0, 0x04, 0, 0},
        {"T0SZ=12, DS=1 on a CPU without LPA2 (DS RES0)", CPU_V82, &c4, T4(12, 5, 1), LO(0), 0, VA48, 1, NONE, 0, TR, 0,
         0x04, 0, 0},
        {"T0SZ=40 without FEAT_TTST", CPU_V82, &c4, T4(40, 5, 0), LO(0), 0, 0x1000, 1, NONE, 0, TR, 0, 0x04, 0, 0},
        {"T0SZ=49 above the FEAT_TTST max 48", CPU_MAX, &c4, T4(49, 5, 0), LO(0), 0, 0x1000, 1, NONE, 0, TR, 0, 0x04, 0,
         0},
        {"64K T0SZ=48 above the FEAT_TTST max 47", CPU_MAX, &c4, T64(48, 5), LO(0), 0, 0x1000, 1, NONE, 0, TR, 0, 0x04,
         0, 0},
        {"64K T0SZ=12 without FEAT_LVA", CPU_V82, &c4, T64(12, 5), LO(0), 0, VA48, 1, NONE, 0, TR, 0, 0x04, 0, 0},
        {"VA[48] set with T0SZ=16", CPU_MAX, &c4, T4(16, 5, 0), LO(0), 0, 0x0001123456789abcull, 1, NONE, 0, TR, 0,
         0x04, 0, 0},
        {"tagged VA without TBI", CPU_MAX, &c4, T4(16, 5, 0), LO(0), 0, 0x5a00123456789abcull, 1, NONE, 0, TR, 0, 0x04,
         0, 0},
        {"tagged VA with TBI0", CPU_MAX, &c4, T4(16, 5, 0) | TCR_TBI0, LO(0), 0, 0x5a00123456789abcull, 1, NONE, 0, OK,
         0, 0, 4, 0x876543abcull},
        /* VA[55] selects TTBR1: with EPD1 no walk; without, the walk reads
         * TTBR1's L0 entry (VA 0xffff_8000_4020_1abc: L0 index 0x100, empty). */
        {"VA[55]=1 selects TTBR1, EPD1", CPU_MAX, &c4, T4(16, 5, 0) | T1RANGE, LO(0), LO(0), 0xffff800040201abcull, 1,
         NONE, 0, TR, 0, 0x04, 0, 0},
        {"VA[55]=1 selects TTBR1, walked", CPU_MAX, &c4, (T4(16, 5, 0) | T1RANGE) & ~TCR_EPD1, LO(0), LO(0),
         0xffff800040201abcull, 1, NONE, 0, TR, 0, 0x04, 1, 0},
        {"TTBR1 VA not all-ones above T1SZ", CPU_MAX, &c4, wc_tcr1(MMU_GRANULE_4K, 16, 5, 0), 0, LO(0),
         0xfffe800040201abcull, 1, NONE, 0, TR, 0, 0x04, 0, 0},
        /* TBI1: a tagged TTBR1 address (bit 55 = 1 selects TTBR1, bits
         * [55:48] all ones); the walk reads TTBR1's L0 entry 0x100. */
        {"TTBR1 tagged VA with TBI1", CPU_MAX, &c4t1, wc_tcr1(MMU_GRANULE_4K, 16, 5, 0) | TCR_TBI1, 0, LO(0),
         0x12ff800040201abcull, 1, NONE, 0, OK, 0, 0, 3, 0x100001abcull},
        {"TTBR1 tagged VA without TBI1", CPU_MAX, &c4t1, wc_tcr1(MMU_GRANULE_4K, 16, 5, 0), 0, LO(0),
         0x12ff800040201abcull, 1, NONE, 0, TR, 0, 0x04, 0, 0},
        {"16K DS=1 without 16K LPA2: DS RES0, T0SZ=12 too small", CPU_NO16LPA2, &c16ds, T16(12, 6, 1), TTBR52_HI0, 0,
         VA52, 1, NONE, 0, TR, 0, 0x04, 0, 0},
        {"16K DS=1 with 16K LPA2", CPU_MAX, &c16ds, T16(12, 6, 1), TTBR52_HI0, 0, VA52, 1, NONE, 0, OK, 0, 0, 4,
         0x000edcba98765abcull},
        {"EPD0", CPU_MAX, &c4, T4(16, 5, 0) | TCR_EPD0, LO(0), 0, VA48, 1, NONE, 0, TR, 0, 0x04, 0, 0},
        {"E0PD0 at EL0", CPU_MAX, &c4, T4(16, 5, 0) | TCR_E0PD0, LO(0), 0, VA48, 0, NONE, 0, TR, 0, 0x04, 0, 0},
        {"E0PD0 at EL1", CPU_MAX, &c4, T4(16, 5, 0) | TCR_E0PD0, LO(0), 0, VA48, 1, NONE, 0, OK, 0, 0, 4, 0x876543abcull},
        {"TTBR base above IPS=44", CPU_MAX, &c4, T4(16, 4, 0), 0x100000000000ull, 0, VA48, 1, NONE, 0, AS, 0, 0x00, 0, 0},
        /* Level 0 even though the walk would start at level -1 (notes 8.5). */
        {"DS=1 IPS=44, TTBR base bit 44, start L-1", CPU_MAX, &c4ds, T4(12, 4, 1), 0x100000000000ull, 0, VA52, 1, NONE,
         0, AS, 0, 0x00, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        check_context = cases[i].name;
        run_case(&cases[i]);
    }
}

/* MMU off: the VA is the PA; bits above PAMax (below the tag when TBI
 * applies) are an Address size fault at level 0 (ASL
 * AArch64.S1DisabledOutput). */
static void test_mmu_off(void)
{
    static const struct {
        const char *name;
        int cpu;
        uint64_t tcr, va;
        bool ok;
        uint64_t pa;
    } rows[] = {
        {"MMU off, 52-bit PA", CPU_MAX, 0, 0x000f123456789abcull, true, 0x000f123456789abcull},
        {"MMU off, VA[52] set", CPU_MAX, 0, 0x0010000000000000ull, false, 0},
        {"MMU off, PAMax 48, VA[48] set", CPU_V82, 0, 0x0001000000000000ull, false, 0},
        {"MMU off, PAMax 48, tag with TBI0", CPU_V82, TCR_TBI0, 0xab00000012345000ull, true, 0x12345000},
        {"MMU off, PAMax 48, tag without TBI", CPU_V82, 0, 0xab00000012345000ull, false, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        testmem m;
        testmem_init(&m);
        mmu_cpu cpu;
        if (rows[i].cpu == CPU_MAX)
            wc_cpu_max(&cpu, &m);
        else
            wc_cpu(&cpu, &m, WC_MMFR0_V82, WC_MMFR1_V82, 0);
        mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, rows[i].tcr);
        mmu_walk w;
        CHECK_EQ(wc_walk(&cpu, rows[i].va, MMU_ACC_WRITE, 1, &w), rows[i].ok);
        CHECK(!w.s1_enabled);
        CHECK_EQ(w.n_reads, 0);
        if (rows[i].ok) {
            CHECK_EQ(w.result.pa, rows[i].pa);
        } else {
            CHECK_EQ(w.fault.type, MMU_FAULT_ADDRESS_SIZE);
            CHECK_EQ(w.fault.level, 0);
            CHECK_EQ(w.fault.stage, 1);
            CHECK_EQ(mmu_fsc(&w.fault), 0x00);
            CHECK(w.fault.write);
        }
        testmem_free(&m);
    }
}

/* Hardware Access flag and dirty state (FEAT_HAFDBS, TCR.HA/HD): no fault,
 * the descriptor is written back and the record shows the new value. */
static void test_hardware_updates(void)
{
    check_context = "HA/HD updates";
    testmem m;
    testmem_init(&m);
    testmem_add(&m, WC_LOW, 0x100000);
    mmu_cpu cpu;
    wc_cpu_max(&cpu, &m);
    wc_chain c = c4;
    c.leaf_attrs = 0; /* AF = 0 */
    uint64_t d[5];
    wc_chain_write(&m, &c, NONE, 0, d);
    uint64_t leaf_at = LO(3) + 0x189 * 8;
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, LO(0));
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M);
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, T4(16, 5, 0) | TCR_HA);

    /* A debug read (no_update) still succeeds and writes nothing. */
    mmu_walk w;
    mmu_access dbg = {.va = VA48, .kind = MMU_ACC_READ, .el = 1, .no_update = true};
    CHECK(mmu_walk_translate(&cpu, &dbg, &w));
    CHECK(!w.reads[3].updated);
    CHECK_EQ(testmem_read(&m, leaf_at), d[3]);

    CHECK(wc_walk(&cpu, VA48, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.pa, 0x876543abcull);
    CHECK(w.reads[3].updated);
    CHECK_EQ(w.reads[3].value, d[3]);
    CHECK_EQ(w.reads[3].new_value, d[3] | WC_AF);
    CHECK_EQ(testmem_read(&m, leaf_at), d[3] | WC_AF);
    CHECK(!w.reads[0].updated);

    /* HA without FEAT_HAFDBS (V8.2 CPU): TCR.HA has no effect, AF fault. */
    mmu_cpu cpu82;
    wc_cpu(&cpu82, &m, WC_MMFR0_V82, WC_MMFR1_V82, 0);
    testmem_write(&m, leaf_at, d[3]);
    mmu_cpu_set_reg(&cpu82, MMU_TTBR0_EL1, LO(0));
    mmu_cpu_set_reg(&cpu82, MMU_SCTLR_EL1, SCTLR_M);
    mmu_cpu_set_reg(&cpu82, MMU_TCR_EL1, T4(16, 5, 0) | TCR_HA);
    CHECK(!wc_walk(&cpu82, VA48, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.fault.type, MMU_FAULT_ACCESS_FLAG);
    CHECK_EQ(w.fault.level, 3);

    /* Dirty state: a read-only (AP[2]=1) DBM page; a write with HD clears
     * AP[2] (DDI0487 D8.4.6 "Hardware management of the dirty state"). */
    uint64_t dbm_page = wc_leaf(0x876543000ull, WC_FMT_48, 3, WC_AF | BIT64(7) | BIT64(51));
    testmem_write(&m, leaf_at, dbm_page);
    CHECK(!wc_walk(&cpu, VA48, MMU_ACC_WRITE, 1, &w)); /* HA only: no dirty management */
    CHECK_EQ(w.fault.type, MMU_FAULT_PERMISSION);
    CHECK_EQ(mmu_fsc(&w.fault), 0x0f);
    CHECK(w.fault.write);
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, T4(16, 5, 0) | TCR_HA | TCR_HD);
    CHECK(wc_walk(&cpu, VA48, MMU_ACC_READ, 1, &w)); /* a read leaves it clean */
    CHECK(!w.reads[3].updated);
    CHECK(wc_walk(&cpu, VA48, MMU_ACC_WRITE, 1, &w));
    CHECK(w.reads[3].updated);
    CHECK_EQ(w.reads[3].new_value, dbm_page & ~BIT64(7));
    CHECK_EQ(testmem_read(&m, leaf_at), dbm_page & ~BIT64(7));
    testmem_free(&m);
}

TEST_MAIN(TEST(test_stage1_faults), TEST(test_mmu_off), TEST(test_hardware_updates))
