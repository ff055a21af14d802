/* Regime choice and the context a walk is tagged with: HCR_EL2.{VM, DC,
 * TGE, E2H} pick EL1&0 / EL2 / EL2&0 and turn stage 1 / stage 2 on or off
 * (DDI0487 D8.1 "Translation regimes"; HCR_EL2.TGE: SCTLR_EL1.M behaves
 * as 0; HCR_EL2.DC: EL1&0 stage 1 off, stage 2 on; HCR_EL2.VM and DC have
 * an Effective value of 0 only when {E2H, TGE} = {1, 1}, D24.2 HCR_EL2);
 * ASID (TCR.A1, TCR.AS) and VMID (VTCR_EL2.VS) widths; the ID fields
 * TGran4_2 (0 = as stage 1) that gate VTCR_EL2.DS. */
#include "walkcase.h"

#define LO(k) (WC_LOW + (uint64_t)(k) * 0x10000)
#define VA48 0x0000123456789abcull /* 4K: 0x24, 0xd1, 0xb3, 0x189 */
#define S2ROOT 0x90000000ull

/* EL1 tables (TTBR0_EL1) map VA48 to 0x8_7654_3abc; EL2 tables
 * (TTBR0_EL2) map it to 0x9_0000_0abc. Stage 2 (4K 40-bit from L1, two
 * tables at S2ROOT) has 1GB blocks: IPA index 1 -> PA 0x4000_0000 (where
 * the EL1 tables are), index 0x21 (IPA 0x8_4000_0000) -> PA
 * 0xa_4000_0000. So VA48 under both stages ends at 0xa_7654_3abc. */
static void setup(testmem *m, mmu_cpu *cpu)
{
    testmem_init(m);
    testmem_add(m, WC_LOW, 0x100000);
    testmem_add(m, S2ROOT, 0x10000);
    wc_cpu_max(cpu, m);
    wc_chain el1 = {0, 4, {0x24, 0xd1, 0xb3, 0x189}, {LO(0), LO(1), LO(2), LO(3)}, WC_FMT_48, 0x876543000ull,
                    WC_AF | BIT64(6)};
    wc_chain el2 = {0, 4, {0x24, 0xd1, 0xb3, 0x189}, {LO(8), LO(9), LO(10), LO(11)}, WC_FMT_48, 0x900000000ull,
                    WC_AF | BIT64(6)};
    wc_chain_write(m, &el1, MMU_NO_LEVEL, 0, NULL);
    wc_chain_write(m, &el2, MMU_NO_LEVEL, 0, NULL);
    testmem_write(m, S2ROOT + 1 * 8, wc_leaf(0x40000000ull, WC_FMT_48, 1, WC_S2_RW));
    testmem_write(m, S2ROOT + 0x21 * 8, wc_leaf(0xa40000000ull, WC_FMT_48, 1, WC_S2_RW));
    mmu_cpu_set_reg(cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 16, 5, false));
    mmu_cpu_set_reg(cpu, MMU_TTBR0_EL1, LO(0));
    mmu_cpu_set_reg(cpu, MMU_TTBR0_EL2, LO(8));
    mmu_cpu_set_reg(cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false));
    mmu_cpu_set_reg(cpu, MMU_VTTBR_EL2, S2ROOT);
}

static void test_regime_choice(void)
{
    static const struct {
        const char *name;
        uint64_t hcr;
        bool m1, m2;
        uint8_t el;
        uint64_t va;
        mmu_regime regime;
        bool s1, s2;
        uint64_t pa;
        unsigned reads;
    } rows[] = {
        {"EL1, no EL2 controls", 0, true, true, 1, VA48, MMU_REGIME_EL10, true, false, 0x876543abcull, 4},
        {"EL1, VM: two stages", HCR_VM, true, true, 1, VA48, MMU_REGIME_EL10, true, true, 0xa76543abcull, 9},
        {"EL0, VM: two stages", HCR_VM, true, true, 0, VA48, MMU_REGIME_EL10, true, true, 0xa76543abcull, 9},
        {"EL1, VM, SCTLR_EL1.M=0: stage 2 only", HCR_VM, false, true, 1, 0x876543abcull, MMU_REGIME_EL10, false, true,
         0xa76543abcull, 1},
        {"EL1, DC: stage 1 off, stage 2 on", HCR_DC, true, true, 1, 0x876543abcull, MMU_REGIME_EL10, false, true,
         0xa76543abcull, 1},
        {"EL2 (E2H=0), VM: EL2 regime, no stage 2", HCR_VM, true, true, 2, VA48, MMU_REGIME_EL2, true, false,
         0x900000abcull, 4},
        /* TGE with E2H=0 turns EL1&0 stage 1 off but not stage 2: VM (and
         * DC) are forced to 0 only with E2H=1 (D24.2 HCR_EL2.VM, .DC; ASL
         * AArch64.NSS2TTWParams reads HCR_EL2.VM | HCR_EL2.DC; QEMU's
         * arm_hcr_el2_eff clears them only with E2H). */
        {"EL0, TGE (E2H=0): stage 1 off, VM still on", HCR_VM | HCR_TGE, true, true, 0, 0x876543abcull,
         MMU_REGIME_EL10, false, true, 0xa76543abcull, 1},
        {"EL0, TGE+DC (E2H=0): stage 1 off, DC turns stage 2 on", HCR_DC | HCR_TGE, true, true, 0, 0x876543abcull,
         MMU_REGIME_EL10, false, true, 0xa76543abcull, 1},
        {"EL1&0 from EL2 (AT S12E1*), E2H+TGE: VM and DC behave as 0", HCR_E2H | HCR_TGE | HCR_VM | HCR_DC, true,
         true, 1, 0x876543abcull, MMU_REGIME_EL10, false, false, 0x876543abcull, 0},
        {"EL0, E2H without TGE: EL1&0", HCR_E2H, true, true, 0, VA48, MMU_REGIME_EL10, true, false, 0x876543abcull, 4},
        {"EL0, E2H+TGE: EL2&0, VM ignored", HCR_E2H | HCR_TGE | HCR_VM, true, true, 0, VA48, MMU_REGIME_EL20, true,
         false, 0x900000abcull, 4},
        {"EL2, E2H: EL2&0", HCR_E2H | HCR_VM, true, true, 2, VA48, MMU_REGIME_EL20, true, false, 0x900000abcull, 4},
        {"EL2, E2H, SCTLR_EL2.M=0: flat", HCR_E2H, true, false, 2, VA48, MMU_REGIME_EL20, false, false, VA48, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        testmem m;
        mmu_cpu cpu;
        setup(&m, &cpu);
        mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, rows[i].hcr);
        /* TCR_EL2 has the EL1 layout only with E2H=1. */
        if (rows[i].hcr & HCR_E2H)
            mmu_cpu_set_reg(&cpu, MMU_TCR_EL2, wc_tcr0(MMU_GRANULE_4K, 16, 5, false));
        else
            mmu_cpu_set_reg(&cpu, MMU_TCR_EL2, FIELD_PREP(TCR2_T0SZ, 16) | FIELD_PREP(TCR2_PS, 5));
        mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, rows[i].m1 ? SCTLR_M : 0);
        mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL2, rows[i].m2 ? SCTLR_M : 0);
        mmu_walk w;
        CHECK(wc_walk(&cpu, rows[i].va, MMU_ACC_READ, rows[i].el, &w));
        CHECK_EQ(w.regime, rows[i].regime);
        CHECK_EQ(mmu_regime_for_el(&cpu, rows[i].el), rows[i].regime);
        CHECK_EQ(w.s1_enabled, rows[i].s1);
        CHECK_EQ(w.s2_enabled, rows[i].s2);
        CHECK_EQ(w.result.pa, rows[i].pa);
        CHECK_EQ(w.n_reads, rows[i].reads);
        testmem_free(&m);
    }
}

/* ASID: TTBR[63:48], from TTBR1 when TCR.A1=1; 8 bits unless TCR.AS=1 on
 * a CPU with 16-bit ASIDs. VMID: VTTBR[63:48], 8 bits unless VTCR.VS=1. */
static void test_asid_vmid(void)
{
    check_context = "ASID/VMID";
    testmem m;
    mmu_cpu cpu;
    setup(&m, &cpu);
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M);
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, LO(0) | FIELD_PREP(TTBR_ASID, 0x1234));
    mmu_cpu_set_reg(&cpu, MMU_TTBR1_EL1, FIELD_PREP(TTBR_ASID, 0xab77));
    mmu_walk w;
    CHECK(wc_walk(&cpu, VA48, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.asid, 0x34);
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 16, 5, false) | TCR_AS);
    CHECK(wc_walk(&cpu, VA48, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.asid, 0x1234);
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 16, 5, false) | TCR_AS | TCR_A1);
    CHECK(wc_walk(&cpu, VA48, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.ttbr, 0);
    CHECK_EQ(w.asid, 0xab77);

    mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, S2ROOT | FIELD_PREP(TTBR_ASID, 0x1234));
    mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM);
    CHECK(wc_walk(&cpu, VA48, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.vmid, 0x34);
    mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false) | VTCR_VS);
    CHECK(wc_walk(&cpu, VA48, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.vmid, 0x1234);

    /* The EL2 regime has no ASID. */
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL2, FIELD_PREP(TCR2_T0SZ, 16) | FIELD_PREP(TCR2_PS, 5));
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL2, LO(8) | FIELD_PREP(TTBR_ASID, 0x55));
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL2, SCTLR_M);
    CHECK(wc_walk(&cpu, VA48, MMU_ACC_READ, 2, &w));
    CHECK_EQ(w.asid, 0);
    testmem_free(&m);
}

/* Stage-2 LPA2 comes from TGran4_2 = 3, or TGran4_2 = 0 ("as stage 1")
 * with TGran4 = 1 (reference notes 3.1); TGran4_2 = 2 has no 52-bit
 * stage 2, so VTCR.DS is RES0 there: SL2 is then ignored and T0SZ=12 is
 * below the minimum (Translation fault, level 0). */
static void test_stage2_lpa2_id(void)
{
    static const struct {
        const char *name;
        unsigned tgran4_2;
        bool ds, fault;
        int8_t start;
    } rows[] = {
        {"TGran4_2=3", 3, true, false, -1},
        {"TGran4_2=0 with TGran4=1", 0, true, false, -1},
        {"TGran4_2=2", 2, false, true, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        testmem m;
        testmem_init(&m);
        mmu_cpu cpu;
        uint64_t mmfr0 = (WC_MMFR0_MAX & ~MMFR0_TGRAN4_2) | FIELD_PREP(MMFR0_TGRAN4_2, rows[i].tgran4_2);
        wc_cpu(&cpu, &m, mmfr0, WC_MMFR1_MAX, WC_MMFR2_MAX);
        mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 12, 0, true, 6, true));
        mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM);
        CHECK_EQ(cpu.s2.ds, rows[i].ds);
        CHECK_EQ(cpu.s2.config_fault, rows[i].fault);
        if (!rows[i].fault)
            CHECK_EQ((int64_t)cpu.s2.start_level, (int64_t)rows[i].start);
        mmu_walk w;
        CHECK(!wc_walk(&cpu, 0x1000, MMU_ACC_READ, 1, &w));
        /* Either way nothing is mapped: no memory, or an illegal setup. */
        CHECK_EQ(w.fault.type, rows[i].fault ? MMU_FAULT_TRANSLATION : MMU_FAULT_EXTERNAL_WALK);
        CHECK_EQ(w.fault.stage, 2);
        testmem_free(&m);
    }
}

TEST_MAIN(TEST(test_regime_choice), TEST(test_asid_vmid), TEST(test_stage2_lpa2_id))
