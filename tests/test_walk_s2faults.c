/* Stage-2 faults: in the stage-2 walk of an IPA (levels -1..3 with their
 * own codes: Translation L-1 0x2b, Address size L-1 0x29, external abort
 * L-1 0x13), the VTCR_EL2 legality checks (ASL AArch64.S2InvalidSL,
 * S2InconsistentSL, S2TxSZFaults, IPAIsOutOfRange: Translation level 0)
 * and the VTTBR base check (Address size level 0); then stage-2 faults met
 * while walking stage 1 (S1PTW, the IPA is the stage-1 descriptor's) and
 * on the final IPA. Every stage-2 fault records the IPA (for HPFAR_EL2). */
#include "walkcase.h"

#define LO(k) (WC_LOW + (uint64_t)(k) * 0x10000)
#define HI(k) (WC_HIGH + (uint64_t)(k) * 0x10000)
#define LO5 {LO(0), LO(1), LO(2), LO(3), LO(4)}
#define HI5 {HI(0), HI(1), HI(2), HI(3), HI(4)}
#define IPA52 0x000f123456789abcull /* 4K: 0xf, 0x24, 0xd1, 0xb3, 0x189 */

static const wc_chain s2ds = {-1, 5, {0xf, 0x24, 0xd1, 0xb3, 0x189}, HI5, WC_FMT_DS, 0x000edcba98765000ull, WC_S2_RW};
static const wc_chain s2ds_lo = {-1, 5, {0xf, 0x24, 0xd1, 0xb3, 0x189}, LO5, WC_FMT_DS, 0x876543000ull, WC_S2_RW};
/* 4K 40-bit IPA 0xab_cdef_1234 from L1 (2 tables): 0x2af, 0x6f, 0xf1. */
static const wc_chain s2l1 = {1, 3, {0x2af, 0x6f, 0xf1}, LO5, WC_FMT_48, 0x300000000ull, WC_S2_RW};
/* 64K, FEAT_TTST T0SZ=47 (17-bit IPA), SL0=0: start level 3 (2 entries,
 * IPA[16]); IPA 0x1abcd -> index 1. */
static const wc_chain s2l3 = {3, 1, {1}, LO5, WC_FMT_LPA, 0x76540000ull, WC_S2_RW};

enum { CPU_MAX, CPU_V82, CPU_PA42 };

typedef struct s2f_case {
    const char *name;
    int cpu;
    const wc_chain *chain;
    uint64_t vtcr, vttbr, ipa;
    int bad_level;
    uint64_t bad;
    mmu_fault_type type;
    int8_t level;
    uint8_t fsc;
    unsigned reads;
} s2f_case;

static void run_case(const s2f_case *c)
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
    else /* PARange = 3: 42 bits */
        wc_cpu(&cpu, &m, (WC_MMFR0_V82 & ~MMFR0_PARANGE) | 3, WC_MMFR1_V82, 0);
    wc_chain_write(&m, c->chain, c->bad_level, c->bad, NULL);
    mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, c->vtcr);
    mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, c->vttbr);
    mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM);

    mmu_walk w;
    CHECK(!wc_walk(&cpu, c->ipa, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.fault.type, c->type);
    CHECK_EQ(w.fault.stage, 2);
    CHECK_EQ((int64_t)w.fault.level, (int64_t)c->level);
    CHECK_EQ(mmu_fsc(&w.fault), c->fsc);
    CHECK(!w.fault.s1ptw);
    CHECK(w.fault.ipa_valid);
    CHECK_EQ(w.fault.ipa, c->ipa);
    CHECK_EQ(w.n_reads, c->reads);
    testmem_free(&m);
}

static void test_stage2_walk_faults(void)
{
    const uint64_t v4ds = wc_vtcr(MMU_GRANULE_4K, 12, 0, true, 6, true); /* SL2=1: level -1 */
    const uint64_t v4ds_ps48 = wc_vtcr(MMU_GRANULE_4K, 12, 0, true, 5, true);
    const uint64_t vttbr_hi = wc_ttbr(HI(0), true);
    const s2f_case cases[] = {
        {"L-1 invalid", CPU_MAX, &s2ds, v4ds, vttbr_hi, IPA52, -1, 0, MMU_FAULT_TRANSLATION, -1, 0x2b, 1},
        {"L-1 block (no blocks at level -1)", CPU_MAX, &s2ds, v4ds, vttbr_hi, IPA52, -1,
         0x0008000000000000ull | WC_S2_RW | 1, MMU_FAULT_TRANSLATION, -1, 0x2b, 1},
        {"L-1 table outside memory: abort reading L0", CPU_MAX, &s2ds, v4ds, vttbr_hi, IPA52, -1,
         wc_table(0x000c000000000000ull, WC_FMT_DS), MMU_FAULT_EXTERNAL_WALK, 0, 0x14, 1},
        {"VTTBR outside memory: abort reading L-1", CPU_MAX, &s2ds, v4ds, wc_ttbr(0x000c000000000000ull, true), IPA52,
         MMU_NO_LEVEL, 0, MMU_FAULT_EXTERNAL_WALK, -1, 0x13, 0},
        {"L1 invalid", CPU_MAX, &s2ds, v4ds, vttbr_hi, IPA52, 1, 0, MMU_FAULT_TRANSLATION, 1, 0x05, 3},
        {"L3 AF=0", CPU_MAX, &s2ds, v4ds, vttbr_hi, IPA52, 3,
         wc_leaf(0x000edcba98765000ull, WC_FMT_DS, 3, WC_S2_RW & ~WC_AF), MMU_FAULT_ACCESS_FLAG, 3, 0x0b, 5},
        {"L2 block AF=0", CPU_MAX, &s2ds, v4ds, vttbr_hi, IPA52, 2,
         wc_leaf(0x000c000000200000ull, WC_FMT_DS, 2, WC_S2_RW & ~WC_AF), MMU_FAULT_ACCESS_FLAG, 2, 0x0a, 4},
        /* PS=48 with DS=1: tables in low memory, descriptors point above. */
        {"PS=48: L-1 table above 2^48", CPU_MAX, &s2ds_lo, v4ds_ps48, LO(0), IPA52, -1,
         wc_table(0x000f000000000000ull, WC_FMT_DS), MMU_FAULT_ADDRESS_SIZE, -1, 0x29, 1},
        {"PS=48: L2 block above 2^48", CPU_MAX, &s2ds_lo, v4ds_ps48, LO(0), IPA52, 2,
         wc_leaf(0x0001000000000000ull, WC_FMT_DS, 2, WC_S2_RW), MMU_FAULT_ADDRESS_SIZE, 2, 0x02, 4},
        {"PS=48: L3 page above 2^48", CPU_MAX, &s2ds_lo, v4ds_ps48, LO(0), IPA52, 3,
         wc_leaf(0x0004000000000000ull, WC_FMT_DS, 3, WC_S2_RW), MMU_FAULT_ADDRESS_SIZE, 3, 0x03, 5},

        /* A misprogrammed contiguous bit (32 x 64KB = 2MB run in a 17-bit
         * IPA range: the IMPLEMENTATION DEFINED Translation fault) is
         * checked before the output address (ASL AArch64.S2Walk), so a
         * run whose page is also above PS=32 still gives Translation. */
        {"contiguous run larger than the 17-bit IPA range", CPU_MAX, &s2l3,
         wc_vtcr(MMU_GRANULE_64K, 47, 0, false, 0, false), LO(0), 0x1abcd, 3,
         wc_leaf(0x76540000ull, WC_FMT_LPA, 3, WC_S2_RW) | BIT64(52), MMU_FAULT_TRANSLATION, 3, 0x07, 1},
        {"page above PS=32 (control)", CPU_MAX, &s2l3, wc_vtcr(MMU_GRANULE_64K, 47, 0, false, 0, false), LO(0),
         0x1abcd, 3, wc_leaf(0x100000000ull, WC_FMT_LPA, 3, WC_S2_RW), MMU_FAULT_ADDRESS_SIZE, 3, 0x03, 1},
        {"misprogrammed contiguous bit before address size", CPU_MAX, &s2l3,
         wc_vtcr(MMU_GRANULE_64K, 47, 0, false, 0, false), LO(0), 0x1abcd, 3,
         wc_leaf(0x100000000ull, WC_FMT_LPA, 3, WC_S2_RW) | BIT64(52), MMU_FAULT_TRANSLATION, 3, 0x07, 1},

        /* ---- VTCR_EL2 legality: Translation fault level 0, no read ---- */
        {"16K SL0=3 (L0) without DS", CPU_MAX, &s2l1, wc_vtcr(MMU_GRANULE_16K, 16, 3, false, 5, false), LO(0),
         0x1000, MMU_NO_LEVEL, 0, MMU_FAULT_TRANSLATION, 0, 0x04, 0},
        /* 4K SL0=3 (L3) needs FEAT_TTST; T0SZ=39 (25 bits) is consistent
         * with L3 (13..25 bits). */
        {"4K SL0=3 without FEAT_TTST", CPU_V82, &s2l1, wc_vtcr(MMU_GRANULE_4K, 39, 3, false, 5, false), LO(0), 0x1000,
         MMU_NO_LEVEL, 0, MMU_FAULT_TRANSLATION, 0, 0x04, 0},
        /* L2 start resolves 22..34 bits; a 40-bit IPA is inconsistent. */
        {"4K SL0=0 (L2) with T0SZ=24 (40-bit)", CPU_MAX, &s2l1, wc_vtcr(MMU_GRANULE_4K, 24, 0, false, 5, false), LO(0),
         0x1000, MMU_NO_LEVEL, 0, MMU_FAULT_TRANSLATION, 0, 0x04, 0},
        {"4K SL2=1 with SL0=1 (reserved)", CPU_MAX, &s2ds, wc_vtcr(MMU_GRANULE_4K, 12, 1, true, 6, true), vttbr_hi,
         IPA52, MMU_NO_LEVEL, 0, MMU_FAULT_TRANSLATION, 0, 0x04, 0},
        {"4K SL0=2 (L0) with PAMax 42", CPU_PA42, &s2l1, wc_vtcr(MMU_GRANULE_4K, 24, 2, false, 3, false), LO(0),
         0x1000, MMU_NO_LEVEL, 0, MMU_FAULT_TRANSLATION, 0, 0x04, 0},
        {"64K SL0=3 (reserved)", CPU_MAX, &s2l1, wc_vtcr(MMU_GRANULE_64K, 24, 3, false, 5, false), LO(0), 0x1000,
         MMU_NO_LEVEL, 0, MMU_FAULT_TRANSLATION, 0, 0x04, 0},
        {"T0SZ=12 without DS (min 16)", CPU_MAX, &s2l1, wc_vtcr(MMU_GRANULE_4K, 12, 2, false, 6, false), LO(0), 0x1000,
         MMU_NO_LEVEL, 0, MMU_FAULT_TRANSLATION, 0, 0x04, 0},
        {"T0SZ=40 without FEAT_TTST", CPU_V82, &s2l1, wc_vtcr(MMU_GRANULE_4K, 40, 0, false, 5, false), LO(0), 0x1000,
         MMU_NO_LEVEL, 0, MMU_FAULT_TRANSLATION, 0, 0x04, 0},
        {"IPA above the 40-bit input size", CPU_MAX, &s2l1, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false), LO(0),
         0x10000000000ull, MMU_NO_LEVEL, 0, MMU_FAULT_TRANSLATION, 0, 0x04, 0},
        {"VTTBR base above PS=40", CPU_MAX, &s2l1, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 2, false),
         0x10000000000ull, 0x1000, MMU_NO_LEVEL, 0, MMU_FAULT_ADDRESS_SIZE, 0, 0x00, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        check_context = cases[i].name;
        run_case(&cases[i]);
    }
}

/* ---- stage 2 under stage 1 ----
 * Stage 1: 4K 48-bit, VA 0x1234_5678_9abc (0x24, 0xd1, 0xb3, 0x189), tables
 * at IPA 0x4000_0000 + k*0x1000, leaf -> IPA page 0x4010_0000. Stage 2:
 * 4K 40-bit from L1 (two tables at PA 0x9000_0000); entry 1 (IPA [1GB,
 * 2GB)) is a block to PA 0x8_4000_0000, entry 2 (IPA [2GB, 3GB)) invalid. */
#define S2ROOT 0x90000000ull
#define SHIFT 0x800000000ull
#define VA48 0x0000123456789abcull

typedef struct nested {
    testmem m;
    mmu_cpu cpu;
    uint64_t s1desc[4];
} nested;

static void nested_setup(nested *n, uint64_t s2blk_attrs, uint64_t l1_table_ipa, uint64_t leaf_ipa, uint64_t leaf_af)
{
    testmem_init(&n->m);
    testmem_add(&n->m, 0x840000000ull, 0x100000);
    testmem_add(&n->m, S2ROOT, 0x10000);
    wc_cpu_max(&n->cpu, &n->m);
    testmem_write(&n->m, S2ROOT + 8, wc_leaf(0x840000000ull, WC_FMT_48, 1, s2blk_attrs));
    uint64_t t[4] = {0x40000000, l1_table_ipa, 0x40002000, 0x40003000};
    static const uint16_t idx[4] = {0x24, 0xd1, 0xb3, 0x189};
    for (int k = 0; k < 4; k++) {
        n->s1desc[k] = k < 3 ? wc_table(t[k + 1], WC_FMT_48) : wc_leaf(leaf_ipa, WC_FMT_48, 3, leaf_af);
        testmem_write(&n->m, t[k] + idx[k] * 8u + SHIFT, n->s1desc[k]);
    }
    mmu_cpu_set_reg(&n->cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false));
    mmu_cpu_set_reg(&n->cpu, MMU_VTTBR_EL2, S2ROOT);
    mmu_cpu_set_reg(&n->cpu, MMU_HCR_EL2, HCR_VM);
    mmu_cpu_set_reg(&n->cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 16, 5, false));
    mmu_cpu_set_reg(&n->cpu, MMU_TTBR0_EL1, 0x40000000);
    mmu_cpu_set_reg(&n->cpu, MMU_SCTLR_EL1, SCTLR_M);
}

static void check_s2_fault(const mmu_walk *w, mmu_fault_type type, int level, bool s1ptw, uint64_t ipa, bool write,
                           uint8_t fsc, unsigned reads)
{
    CHECK_EQ(w->fault.type, type);
    CHECK_EQ(w->fault.stage, 2);
    CHECK_EQ((int64_t)w->fault.level, (int64_t)level);
    CHECK_EQ(w->fault.s1ptw, s1ptw);
    CHECK(w->fault.ipa_valid);
    CHECK_EQ(w->fault.ipa, ipa);
    CHECK_EQ(w->fault.write, write);
    CHECK_EQ(mmu_fsc(&w->fault), fsc);
    CHECK_EQ(w->n_reads, reads);
}

static void test_s1ptw_faults(void)
{
    nested n;
    mmu_walk w;

    /* The stage-1 L1 table at IPA 0x8000_0000 is unmapped at stage 2: the
     * stage-2 read of entry 2 faults (level 1) while walking stage 1. The
     * IPA reported is the stage-1 descriptor's, 0x8000_0000 + 0xd1*8.
     * Reads: s2 L1 (for s1 L0), s1 L0, s2 L1 (invalid). ESR ISS = DFSC 0x05
     * | S1PTW (bit 7) = 0x85; HPFAR = IPA[51:12] << 4 = 0x80000 << 4. */
    check_context = "S1PTW: stage-1 table IPA unmapped at stage 2";
    nested_setup(&n, WC_S2_RW, 0x80000000ull, 0x40100000, WC_AF);
    CHECK(!wc_walk(&n.cpu, VA48, MMU_ACC_READ, 1, &w));
    check_s2_fault(&w, MMU_FAULT_TRANSLATION, 1, true, 0x80000688ull, false, 0x05, 3);
    CHECK_EQ(w.reads[2].stage, 2);
    CHECK_EQ(w.reads[2].for_s1_level, 1);
    CHECK_EQ(w.reads[2].index, 2);
    CHECK_EQ(mmu_dabt_iss(&w.fault, false), 0x85);
    CHECK_EQ(mmu_hpfar(w.fault.ipa), 0x800000ull);
    /* The same fault met by a store: ESR WnR reports the instruction, a
     * write (DDI0487 D24.2 ESR_ELx ISS WnR: "whether a synchronous abort
     * was caused by an instruction writing to a memory location", with a
     * permitted relaxation to 0 only for atomics; ASL AArch64.S2Translate
     * keeps the FaultRecord's write, set from the access by NoFault). ISS
     * = 0x05 | WnR | S1PTW = 0xc5. */
    CHECK(!wc_walk(&n.cpu, VA48, MMU_ACC_WRITE, 1, &w));
    check_s2_fault(&w, MMU_FAULT_TRANSLATION, 1, true, 0x80000688ull, true, 0x05, 3);
    CHECK_EQ(mmu_dabt_iss(&w.fault, false), 0xc5);
    testmem_free(&n.m);

    /* The final IPA 0x8010_0abc is unmapped: not S1PTW; 8 + 1 reads. */
    check_context = "stage-2 fault on the final IPA";
    nested_setup(&n, WC_S2_RW, 0x40001000, 0x80100000, WC_AF);
    CHECK(!wc_walk(&n.cpu, VA48, MMU_ACC_WRITE, 1, &w));
    check_s2_fault(&w, MMU_FAULT_TRANSLATION, 1, false, 0x80100abcull, true, 0x05, 9);
    CHECK_EQ(mmu_dabt_iss(&w.fault, false), 0x45); /* DFSC 0x05 | WnR */
    testmem_free(&n.m);

    /* Stage 2 grants no read (S2AP=00): the first stage-1 table read is a
     * stage-2 Permission fault with S1PTW; IPA 0x4000_0000 + 0x24*8. */
    check_context = "S1PTW permission: S2AP=00";
    nested_setup(&n, WC_S2_RW & ~FIELD_PREP_CONST(GENMASK64(7, 6), 3), 0x40001000, 0x40100000, WC_AF);
    CHECK(!wc_walk(&n.cpu, VA48, MMU_ACC_READ, 1, &w));
    check_s2_fault(&w, MMU_FAULT_PERMISSION, 1, true, 0x40000120ull, false, 0x0d, 1);
    CHECK_EQ(mmu_iabt_iss(&w.fault), 0x8d);
    testmem_free(&n.m);

    /* HCR_EL2.PTW = 1 and the stage-1 tables in stage-2 Device memory
     * (MemAttr 0b0001, Device-nGnRE): the first stage-1 table read is a
     * stage-2 Permission fault, S1PTW, at the block's level 1 (DDI0487
     * D8.6.3; ASL AArch64.S2CheckPermissions: TTW with walkparams.ptw and
     * Device memory). With PTW = 0 the walk is done as if to Normal
     * Non-cacheable memory and succeeds. */
    check_context = "S1PTW: HCR_EL2.PTW with stage-1 tables in Device memory";
    const uint64_t s2dev = (WC_S2_RW & ~FIELD_PREP_CONST(GENMASK64(5, 2), 0xf)) | FIELD_PREP_CONST(GENMASK64(5, 2), 1);
    nested_setup(&n, s2dev, 0x40001000, 0x40100000, WC_AF);
    CHECK(wc_walk(&n.cpu, VA48, MMU_ACC_READ, 1, &w));
    mmu_cpu_set_reg(&n.cpu, MMU_HCR_EL2, HCR_VM | HCR_PTW);
    CHECK(!wc_walk(&n.cpu, VA48, MMU_ACC_READ, 1, &w));
    check_s2_fault(&w, MMU_FAULT_PERMISSION, 1, true, 0x40000120ull, false, 0x0d, 1);
    testmem_free(&n.m);

    /* Stage-2 AF=0 on the block: Access flag fault, S1PTW, level 1. */
    check_context = "S1PTW access flag";
    nested_setup(&n, WC_S2_RW & ~WC_AF, 0x40001000, 0x40100000, WC_AF);
    CHECK(!wc_walk(&n.cpu, VA48, MMU_ACC_READ, 1, &w));
    check_s2_fault(&w, MMU_FAULT_ACCESS_FLAG, 1, true, 0x40000120ull, false, 0x09, 1);
    testmem_free(&n.m);

    /* Stage 2 read-only (S2AP=01): reads walk fine, a write to the final
     * IPA is a stage-2 Permission fault (not S1PTW) with the IPA. */
    check_context = "stage-2 read-only, write access";
    const uint64_t s2ro = WC_S2_RW & ~BIT64(7);
    nested_setup(&n, s2ro, 0x40001000, 0x40100000, WC_AF);
    CHECK(wc_walk(&n.cpu, VA48, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.pa, 0x840100abcull);
    CHECK(!wc_walk(&n.cpu, VA48, MMU_ACC_WRITE, 1, &w));
    check_s2_fault(&w, MMU_FAULT_PERMISSION, 1, false, 0x40100abcull, true, 0x0d, 9);
    testmem_free(&n.m);

    /* Hardware AF update of a stage-1 descriptor (TCR_EL1.HA) is a write
     * to the descriptor's IPA: with stage 2 read-only there it is a stage-2
     * Permission fault on the walk, S1PTW (ASL AArch64.S1Translate: the
     * update goes through AArch64.S2Translate with a TTW write), at the
     * leaf's descriptor IPA 0x4000_3000 + 0x189*8. That second stage-2
     * walk is in the record: 8 reads, then the stage-2 L1 block again.
     * WnR still reports the instruction, a load: 0 (the FaultRecord
     * AArch64.S2Translate fills keeps the access's write; QEMU agrees). */
    check_context = "S1PTW: hardware AF update under read-only stage 2";
    nested_setup(&n, s2ro, 0x40001000, 0x40100000, 0);
    mmu_cpu_set_reg(&n.cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 16, 5, false) | TCR_HA);
    CHECK(!wc_walk(&n.cpu, VA48, MMU_ACC_READ, 1, &w));
    check_s2_fault(&w, MMU_FAULT_PERMISSION, 1, true, 0x40003c48ull, false, 0x0d, 9);
    CHECK_EQ(w.reads[8].for_s1_level, 3);
    CHECK(!w.reads[7].updated);
    CHECK_EQ(mmu_dabt_iss(&w.fault, false), 0x8d);
    CHECK_EQ(testmem_read(&n.m, 0x40003c48ull + SHIFT), n.s1desc[3]); /* not written */
    /* ... and with stage 2 writable the update lands. */
    testmem_write(&n.m, S2ROOT + 8, wc_leaf(0x840000000ull, WC_FMT_48, 1, WC_S2_RW));
    CHECK(wc_walk(&n.cpu, VA48, MMU_ACC_READ, 1, &w));
    CHECK(w.reads[7].updated);
    CHECK_EQ(testmem_read(&n.m, 0x40003c48ull + SHIFT), n.s1desc[3] | WC_AF);
    testmem_free(&n.m);

    /* The same update when stage 2 is writable-clean there (S2AP=01 with
     * DBM=1, VTCR_EL2.HA = HD = 1): the stage-2 translation of the stage-1
     * descriptor write is made writable-dirty and the stage-1 update lands
     * (DDI0487 D8.5.2.1 R_BDJJL; ASL AArch64.S1Translate sends the update
     * through AArch64.S2Translate as a TTW write, whose
     * AArch64.S2ApplyOutputPerms sets S2AP[1] for DBM and whose dirty
     * update sets desc[7]). The walk record shows that second stage-2 walk
     * (one read of the L1 block, tagged with stage-1 level 3, updated)
     * after the stage-1 leaf and before the final IPA's. */
    check_context = "S1PTW: hardware AF update, stage 2 writable-clean";
    const uint64_t s2clean = s2ro | BIT64(51);
    nested_setup(&n, s2clean, 0x40001000, 0x40100000, 0);
    mmu_cpu_set_reg(&n.cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 16, 5, false) | TCR_HA);
    mmu_cpu_set_reg(&n.cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false) | VTCR_HA | VTCR_HD);
    const uint64_t blk = wc_leaf(0x840000000ull, WC_FMT_48, 1, s2clean);
    CHECK(wc_walk(&n.cpu, VA48, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.pa, 0x840100abcull);
    CHECK_EQ(testmem_read(&n.m, 0x40003c48ull + SHIFT), n.s1desc[3] | WC_AF);
    CHECK_EQ(testmem_read(&n.m, S2ROOT + 8), blk | BIT64(7));
    CHECK_EQ(w.n_reads, 10);
    CHECK(w.reads[7].updated);
    CHECK_EQ(w.reads[7].new_value, n.s1desc[3] | WC_AF);
    CHECK_EQ(w.reads[8].stage, 2);
    CHECK_EQ(w.reads[8].level, 1);
    CHECK_EQ(w.reads[8].for_s1_level, 3);
    CHECK_EQ(w.reads[8].value, blk);
    CHECK(w.reads[8].updated);
    CHECK_EQ(w.reads[8].new_value, blk | BIT64(7));
    CHECK_EQ(w.reads[9].for_s1_level, MMU_NO_LEVEL);
    CHECK_EQ(w.reads[9].value, blk | BIT64(7));
    testmem_free(&n.m);
}

TEST_MAIN(TEST(test_stage2_walk_faults), TEST(test_s1ptw_faults))
