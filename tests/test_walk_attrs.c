/* Memory attributes: stage 1 from MAIR_ELx[AttrIndx] with SH from the
 * descriptor (or TCR.SHn when DS=1, where desc[9:8] hold OA[51:50]); stage
 * 2 MemAttr[3:0] (HCR_EL2.FWB=0) with SH (or VTCR.SH0 when DS=1); and the
 * combination PAR_EL1 reports. Sources: DDI0487 D8.5 "Memory region
 * attributes", D8.6 (stage 1 + stage 2 combination); ASL
 * S2CombineS1MemAttrs, S2CombineS1Device (the more restrictive Device
 * type), S2CombineS1AttrHints (the weaker cacheability, stage-1 hints),
 * S2CombineS1Shareability (the more shareable), EffectiveShareability
 * (Device and Normal Non-cacheable report OSH); AArch64.S1DisabledOutput
 * for the MMU-off attributes. Attributes are compared as MAIR bytes. */
#include "walkcase.h"

#define LO(k) (WC_LOW + (uint64_t)(k) * 0x10000)
#define HI(k) (WC_HIGH + (uint64_t)(k) * 0x10000)

/* MAIR: idx0 0x00 Device-nGnRnE, idx1 0x04 nGnRE, idx2 0x44 Normal NC,
 * idx3 0xff WB RW-alloc, idx4 0xbb WT RW-alloc, idx5 0x4f outer NC / inner
 * WB, idx6 0x0c Device-GRE, idx7 0xf4 outer WB / inner NC. */
#define MAIR 0xf40c4fbbff440400ull
#define ATTRIDX(i) FIELD_PREP_CONST(GENMASK64(4, 2), i)
#define SH(v) FIELD_PREP_CONST(GENMASK64(9, 8), v)
#define MEMATTR(v) FIELD_PREP_CONST(GENMASK64(5, 2), v)
#define S2AP_RW FIELD_PREP_CONST(GENMASK64(7, 6), 3)

/* Stage 1 alone: 4K 48-bit, VA 0x1234_5678_9abc (0x24, 0xd1, 0xb3, 0x189). */
static void test_stage1_attrs(void)
{
    static const struct {
        const char *name;
        uint64_t leaf;
        uint8_t attr, sh;
    } rows[] = {
        {"WB ISH", ATTRIDX(3) | SH(3), 0xff, 3},
        {"WB OSH", ATTRIDX(3) | SH(2), 0xff, 2},
        {"WB NSH", ATTRIDX(3) | SH(0), 0xff, 0},
        {"WT ISH", ATTRIDX(4) | SH(3), 0xbb, 3},
        {"Device-nGnRnE with SH=ISH reports OSH", ATTRIDX(0) | SH(3), 0x00, 2},
        {"Device-GRE with SH=NSH reports OSH", ATTRIDX(6) | SH(0), 0x0c, 2},
        {"Normal NC with SH=NSH reports OSH", ATTRIDX(2) | SH(0), 0x44, 2},
        {"outer NC, inner WB keeps ISH", ATTRIDX(5) | SH(3), 0x4f, 3},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        testmem m;
        testmem_init(&m);
        testmem_add(&m, WC_LOW, 0x100000);
        mmu_cpu cpu;
        wc_cpu_max(&cpu, &m);
        wc_chain c = {0, 4, {0x24, 0xd1, 0xb3, 0x189}, {LO(0), LO(1), LO(2), LO(3)}, WC_FMT_48, 0x876543000ull,
                      WC_AF | rows[i].leaf};
        wc_chain_write(&m, &c, MMU_NO_LEVEL, 0, NULL);
        mmu_cpu_set_reg(&cpu, MMU_MAIR_EL1, MAIR);
        mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 16, 5, false));
        mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, LO(0));
        mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M | SCTLR_C | SCTLR_I);
        mmu_walk w;
        CHECK(wc_walk(&cpu, 0x123456789abcull, MMU_ACC_READ, 1, &w));
        CHECK_EQ(w.result.s1_attr.attr, rows[i].attr);
        CHECK_EQ(w.result.s1_attr.sh, rows[i].sh);
        CHECK_EQ(w.result.attr.attr, rows[i].attr);
        CHECK_EQ(w.result.attr.sh, rows[i].sh);
        testmem_free(&m);
    }
}

/* DS=1: desc[9:8] are OA[51:50]; shareability is TCR.SH0 for TTBR0 walks
 * and TCR.SH1 for TTBR1 walks (reference notes 1.4). The leaf OAs are
 * chosen so desc[9:8] would read as a different SH. */
static void test_ds_shareability(void)
{
    testmem m;
    testmem_init(&m);
    testmem_add(&m, WC_HIGH, 0x100000);
    mmu_cpu cpu;
    wc_cpu_max(&cpu, &m);
    /* TTBR0, VA 0x000f_1234_5678_9abc: 0xf, 0x24, 0xd1, 0xb3, 0x189; OA
     * 0x000a_0000_0000_0000 puts 0b10 (OSH) in desc[9:8]. */
    wc_chain c0 = {-1, 5, {0xf, 0x24, 0xd1, 0xb3, 0x189}, {HI(0), HI(1), HI(2), HI(3), HI(4)}, WC_FMT_DS,
                   0x000a000000000000ull, WC_AF | ATTRIDX(3)};
    uint64_t d[5];
    wc_chain_write(&m, &c0, MMU_NO_LEVEL, 0, d);
    CHECK_EQ(d[4] & SH(3), SH(2));
    /* TTBR1, VA 0xfff8_0000_4020_1abc: 8, 0, 1, 1, 1; OA
     * 0x000e_0000_0000_1000 puts 0b11 (ISH) in desc[9:8]. */
    wc_chain c1 = {-1, 5, {8, 0, 1, 1, 1}, {HI(5), HI(6), HI(7), HI(8), HI(9)}, WC_FMT_DS, 0x000e000000001000ull,
                   WC_AF | ATTRIDX(3)};
    wc_chain_write(&m, &c1, MMU_NO_LEVEL, 0, d);
    CHECK_EQ(d[4] & SH(3), SH(3));

    uint64_t tcr = FIELD_PREP(TCR_T0SZ, 12) | FIELD_PREP(TCR_T1SZ, 12) | FIELD_PREP(TCR_TG1, 2) |
                   FIELD_PREP(TCR_IPS, 6) | TCR_DS | FIELD_PREP(TCR_SH0, 3) | FIELD_PREP(TCR_SH1, 0);
    mmu_cpu_set_reg(&cpu, MMU_MAIR_EL1, MAIR);
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, tcr);
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, wc_ttbr(HI(0), true));
    mmu_cpu_set_reg(&cpu, MMU_TTBR1_EL1, wc_ttbr(HI(5), true));
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M | SCTLR_C | SCTLR_I);
    mmu_walk w;
    check_context = "DS=1 TTBR0: SH from TCR.SH0 (ISH)";
    CHECK(wc_walk(&cpu, 0x000f123456789abcull, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.pa, 0x000a000000000abcull);
    CHECK_EQ(w.result.attr.attr, 0xff);
    CHECK_EQ(w.result.attr.sh, 3);
    check_context = "DS=1 TTBR1: SH from TCR.SH1 (NSH)";
    CHECK(wc_walk(&cpu, 0xfff8000040201abcull, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.pa, 0x000e000000001abcull);
    CHECK_EQ(w.result.attr.sh, 0);
    testmem_free(&m);
}

/* Stage 1 + stage 2: stage 1 4K T0SZ=25 (start L1), VA 0x4000_1234: L1
 * index VA[38:30] = 1, a 1GB block to IPA 0x4000_0000 with the case's
 * stage-1 attributes; the stage-1 table is at IPA 0x4000_0000. Stage 2 4K
 * 40-bit from L1 (tables at PA 0x9000_0000): entry 1 is a 1GB block to PA
 * 0x8_4000_0000 with the case's MemAttr/SH. */
static void test_combined_attrs(void)
{
    static const struct {
        const char *name;
        uint64_t s1, s2;
        bool vtcr_ds;
        uint8_t s1attr, s1sh, attr, sh;
    } rows[] = {
        {"WB + WB", ATTRIDX(3) | SH(3), MEMATTR(0xf) | SH(3), false, 0xff, 3, 0xff, 3},
        {"WB + Device-nGnRE: stage 2 device wins", ATTRIDX(3) | SH(3), MEMATTR(0x1) | SH(3), false, 0xff, 3, 0x04, 2},
        {"Device-nGnRE + Device-nGnRnE: most restrictive", ATTRIDX(1), MEMATTR(0x0), false, 0x04, 2, 0x00, 2},
        {"Device-GRE + WB: stage 1 device", ATTRIDX(6), MEMATTR(0xf) | SH(3), false, 0x0c, 2, 0x0c, 2},
        {"Device-GRE + Device-nGRE", ATTRIDX(6), MEMATTR(0x2), false, 0x0c, 2, 0x08, 2},
        {"WB + NC: non-cacheable, OSH", ATTRIDX(3) | SH(3), MEMATTR(0x5) | SH(3), false, 0xff, 3, 0x44, 2},
        /* Stage 2 WT: WT with stage 1's RW-allocate hints (0b1011). */
        {"WB + WT: write-through", ATTRIDX(3) | SH(3), MEMATTR(0xa) | SH(3), false, 0xff, 3, 0xbb, 3},
        {"WT + WB: stage 1 WT kept", ATTRIDX(4) | SH(3), MEMATTR(0xf) | SH(3), false, 0xbb, 3, 0xbb, 3},
        {"NC + WB", ATTRIDX(2), MEMATTR(0xf) | SH(3), false, 0x44, 2, 0x44, 2},
        /* outer WB+WB -> WB (stage 1 0xf), inner NC+WT -> NC. */
        {"outer WB/inner NC + outer WB/inner WT", ATTRIDX(7) | SH(3), MEMATTR(0xe), false, 0xf4, 3, 0xf4, 3},
        {"shareability NSH + OSH", ATTRIDX(3) | SH(0), MEMATTR(0xf) | SH(2), false, 0xff, 0, 0xff, 2},
        {"shareability ISH + NSH", ATTRIDX(3) | SH(3), MEMATTR(0xf) | SH(0), false, 0xff, 3, 0xff, 3},
        {"shareability NSH + NSH", ATTRIDX(3) | SH(0), MEMATTR(0xf) | SH(0), false, 0xff, 0, 0xff, 0},
        /* VTCR.DS=1: stage-2 SH is VTCR.SH0 (ISH here); desc[9:8] = OA[51:50] = 0. */
        {"VTCR.DS=1: stage-2 SH from VTCR.SH0", ATTRIDX(3) | SH(0), MEMATTR(0xf), true, 0xff, 0, 0xff, 3},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        testmem m;
        testmem_init(&m);
        testmem_add(&m, 0x840000000ull, 0x10000);
        testmem_add(&m, 0x90000000ull, 0x10000);
        mmu_cpu cpu;
        wc_cpu_max(&cpu, &m);
        wc_fmt s2fmt = rows[i].vtcr_ds ? WC_FMT_DS : WC_FMT_48;
        testmem_write(&m, 0x90000000ull + 8, wc_leaf(0x840000000ull, s2fmt, 1, WC_AF | S2AP_RW | rows[i].s2));
        testmem_write(&m, 0x840000000ull + 8, wc_leaf(0x40000000ull, WC_FMT_48, 1, WC_AF | rows[i].s1));
        mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2,
                        wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, rows[i].vtcr_ds) | FIELD_PREP(VTCR_SH0, 3));
        mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, 0x90000000ull);
        mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM);
        mmu_cpu_set_reg(&cpu, MMU_MAIR_EL1, MAIR);
        mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 25, 5, false));
        mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, 0x40000000ull);
        mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M | SCTLR_C | SCTLR_I);
        mmu_walk w;
        CHECK(wc_walk(&cpu, 0x40001234ull, MMU_ACC_READ, 1, &w));
        CHECK_EQ(w.result.pa, 0x840001234ull);
        CHECK_EQ(w.result.s1_attr.attr, rows[i].s1attr);
        CHECK_EQ(w.result.s1_attr.sh, rows[i].s1sh);
        CHECK_EQ(w.result.attr.attr, rows[i].attr);
        CHECK_EQ(w.result.attr.sh, rows[i].sh);
        testmem_free(&m);
    }
}

/* Transient hints survive the combination: the result takes stage 1's
 * allocation hints and transient hint whenever it is cacheable (DDI0487
 * D8.6.3 "the final cache allocation hints are the stage 1 cache
 * allocation hints"; ASL S2CombineS1AttrHints copies s1 hints and
 * transient). MAIR nibbles: 0b01RW WB transient, 0b00RW WT transient,
 * 0b10RW WT. Stage 1 0x77 (WB transient, RW) with stage 2 WT (MemAttr
 * 0b1010) is WT transient RW: 0x33, not 0xbb. */
static void test_transient_hints(void)
{
    static const struct {
        const char *name;
        uint8_t s1mair;
        uint64_t s2;
        uint8_t attr;
    } rows[] = {
        {"WB transient + WT: WT transient", 0x77, MEMATTR(0xa), 0x33},
        {"WB transient + WB: WB transient", 0x77, MEMATTR(0xf), 0x77},
        {"WT transient + WB: WT transient", 0x33, MEMATTR(0xf), 0x33},
        {"WB transient + NC: NC", 0x77, MEMATTR(0x5), 0x44},
        /* outer WB transient R (0b0110) + outer WT; inner WB RW + inner WB. */
        {"outer WB-transient R + WT, inner WB + WB", 0x6f, MEMATTR(0xb), 0x2f},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        testmem m;
        testmem_init(&m);
        testmem_add(&m, 0x840000000ull, 0x10000);
        testmem_add(&m, 0x90000000ull, 0x10000);
        mmu_cpu cpu;
        wc_cpu_max(&cpu, &m);
        testmem_write(&m, 0x90000000ull + 8, wc_leaf(0x840000000ull, WC_FMT_48, 1, WC_AF | S2AP_RW | SH(3) | rows[i].s2));
        testmem_write(&m, 0x840000000ull + 8, wc_leaf(0x40000000ull, WC_FMT_48, 1, WC_AF | ATTRIDX(1) | SH(3)));
        mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false));
        mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, 0x90000000ull);
        mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM);
        mmu_cpu_set_reg(&cpu, MMU_MAIR_EL1, (uint64_t)rows[i].s1mair << 8);
        mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 25, 5, false));
        mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, 0x40000000ull);
        mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M | SCTLR_C | SCTLR_I);
        mmu_walk w;
        CHECK(wc_walk(&cpu, 0x40001234ull, MMU_ACC_READ, 1, &w));
        CHECK_EQ(w.result.s1_attr.attr, rows[i].s1mair);
        CHECK_EQ(w.result.attr.attr, rows[i].attr);
        testmem_free(&m);
    }
}

/* The stage-2 cacheability controls (DDI0487 D7.5: HCR_EL2.CD = 1 makes
 * stage-2 translations of data accesses to Normal memory Non-cacheable,
 * HCR_EL2.ID = 1 those of instruction accesses; ASL AArch64.S2Translate,
 * which also turns a fetch from stage-2 Device memory into Normal NC),
 * then the usual combination with stage 1 (whose own attributes, what AT
 * S1E1* reports, are untouched). Same two-stage setup as above. */
static void test_stage2_cache_controls(void)
{
    static const struct {
        const char *name;
        uint64_t hcr, s2;
        mmu_access_kind kind;
        uint8_t attr, sh;
    } rows[] = {
        {"CD: WB data is NC", HCR_CD, MEMATTR(0xf) | SH(3), MMU_ACC_READ, 0x44, 2},
        {"CD: stage-2 Device stays Device", HCR_CD, MEMATTR(0x1), MMU_ACC_READ, 0x04, 2},
        {"CD does not touch fetches", HCR_CD, MEMATTR(0xf) | SH(3), MMU_ACC_FETCH, 0xff, 3},
        {"ID: WB fetch is NC", HCR_ID, MEMATTR(0xf) | SH(3), MMU_ACC_FETCH, 0x44, 2},
        {"ID does not touch data", HCR_ID, MEMATTR(0xf) | SH(3), MMU_ACC_WRITE, 0xff, 3},
        {"fetch from stage-2 Device-nGnRE is NC", 0, MEMATTR(0x1), MMU_ACC_FETCH, 0x44, 2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        testmem m;
        testmem_init(&m);
        testmem_add(&m, 0x840000000ull, 0x10000);
        testmem_add(&m, 0x90000000ull, 0x10000);
        mmu_cpu cpu;
        wc_cpu_max(&cpu, &m);
        testmem_write(&m, 0x90000000ull + 8, wc_leaf(0x840000000ull, WC_FMT_48, 1, WC_AF | S2AP_RW | rows[i].s2));
        testmem_write(&m, 0x840000000ull + 8, wc_leaf(0x40000000ull, WC_FMT_48, 1, WC_AF | ATTRIDX(3) | SH(3)));
        mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false));
        mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, 0x90000000ull);
        mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM | rows[i].hcr);
        mmu_cpu_set_reg(&cpu, MMU_MAIR_EL1, MAIR);
        mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 25, 5, false));
        mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, 0x40000000ull);
        mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M | SCTLR_C | SCTLR_I);
        mmu_walk w;
        CHECK(wc_walk(&cpu, 0x40001234ull, rows[i].kind, 1, &w));
        CHECK_EQ(w.result.pa, 0x840001234ull);
        CHECK_EQ(w.result.s1_attr.attr, 0xff);
        CHECK_EQ(w.result.s1_attr.sh, 3);
        CHECK_EQ(w.result.attr.attr, rows[i].attr);
        CHECK_EQ(w.result.attr.sh, rows[i].sh);
        testmem_free(&m);
    }
}

/* MMU off: data Device-nGnRnE OSH; fetches Normal WT read-allocate (0xaa)
 * with SCTLR.I=1, else Normal NC (0x44), OSH; HCR_EL2.DC: Normal WB
 * RW-allocate (0xff), NSH, then combined with stage 2. */
static void test_mmu_off_attrs(void)
{
    testmem m;
    testmem_init(&m);
    testmem_add(&m, 0x90000000ull, 0x10000);
    mmu_cpu cpu;
    wc_cpu_max(&cpu, &m);
    mmu_walk w;
    check_context = "MMU off";
    CHECK(wc_walk(&cpu, 0x40001234ull, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.result.attr.attr, 0x00);
    CHECK_EQ(w.result.attr.sh, 2);
    CHECK(wc_walk(&cpu, 0x40001234ull, MMU_ACC_FETCH, 1, &w));
    CHECK_EQ(w.result.attr.attr, 0x44);
    CHECK_EQ(w.result.attr.sh, 2);
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_I);
    CHECK(wc_walk(&cpu, 0x40001234ull, MMU_ACC_FETCH, 1, &w));
    CHECK_EQ(w.result.attr.attr, 0xaa);
    CHECK_EQ(w.result.attr.sh, 2);

    check_context = "HCR_EL2.DC";
    testmem_write(&m, 0x90000000ull + 8, wc_leaf(0x840000000ull, WC_FMT_48, 1, WC_AF | S2AP_RW | MEMATTR(0xf) | SH(3)));
    mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false));
    mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, 0x90000000ull);
    /* DC=1 with SCTLR_EL1.M=1: stage 1 behaves as off; stage 2 is on. */
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M);
    mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_DC);
    CHECK(wc_walk(&cpu, 0x40001234ull, MMU_ACC_READ, 1, &w));
    CHECK(!w.s1_enabled);
    CHECK(w.s2_enabled);
    CHECK_EQ(w.n_reads, 1);
    CHECK_EQ(w.result.pa, 0x840001234ull);
    CHECK_EQ(w.result.s1_attr.attr, 0xff);
    CHECK_EQ(w.result.s1_attr.sh, 0);
    CHECK_EQ(w.result.attr.attr, 0xff);
    CHECK_EQ(w.result.attr.sh, 3);
    /* DC keeps its effect under TGE when E2H=0 (an EL0 access of a
     * non-VHE host): only {E2H, TGE} = {1, 1} forces DC to 0 (D24.2
     * HCR_EL2.DC; ASL AArch64.S1DisabledOutput reads walkparams.dc). */
    check_context = "HCR_EL2.DC with TGE, E2H=0";
    mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_DC | HCR_TGE);
    CHECK(wc_walk(&cpu, 0x40001234ull, MMU_ACC_READ, 0, &w));
    CHECK(w.s2_enabled);
    CHECK_EQ(w.result.s1_attr.attr, 0xff);
    CHECK_EQ(w.result.s1_attr.sh, 0);
    testmem_free(&m);
}

/* The cacheability controls with stage 1 on (DDI0487 D7.5 "Cacheability
 * control fields": SCTLR_ELx.C = 0 makes stage-1 data accesses to Normal
 * memory Non-cacheable, SCTLR_ELx.I = 0 instruction accesses; "the effect
 * of SCTLR_ELx.C ... is reflected in ... the PAR"; ASL AArch64.S1Translate
 * also turns a fetch from Device memory into Normal Non-cacheable).
 * Normal NC reports OSH. Same walk as test_stage1_attrs; EL1&0 and EL2. */
static void test_cache_controls(void)
{
    static const struct {
        const char *name;
        bool el2;
        uint64_t sctlr, leaf;
        mmu_access_kind kind;
        uint8_t attr, sh;
    } rows[] = {
        {"C=0: WB data is NC", false, SCTLR_I, ATTRIDX(3) | SH(3), MMU_ACC_READ, 0x44, 2},
        {"C=0: WT write is NC", false, SCTLR_I, ATTRIDX(4) | SH(3), MMU_ACC_WRITE, 0x44, 2},
        {"C=0: Device stays Device", false, SCTLR_I, ATTRIDX(1), MMU_ACC_READ, 0x04, 2},
        {"C=0: outer NC inner WB is NC", false, SCTLR_I, ATTRIDX(5) | SH(3), MMU_ACC_READ, 0x44, 2},
        {"C=0 does not touch fetches", false, SCTLR_I, ATTRIDX(3) | SH(3), MMU_ACC_FETCH, 0xff, 3},
        {"I=0: WB fetch is NC", false, SCTLR_C, ATTRIDX(3) | SH(3), MMU_ACC_FETCH, 0x44, 2},
        {"I=0 does not touch data", false, SCTLR_C, ATTRIDX(3) | SH(3), MMU_ACC_READ, 0xff, 3},
        {"fetch from Device-nGnRE is NC", false, SCTLR_C | SCTLR_I, ATTRIDX(1), MMU_ACC_FETCH, 0x44, 2},
        {"EL2: SCTLR_EL2.C=0, WB data is NC", true, SCTLR_I, ATTRIDX(3) | SH(3), MMU_ACC_READ, 0x44, 2},
        {"EL2: SCTLR_EL2.C=1 keeps WB", true, SCTLR_C | SCTLR_I, ATTRIDX(3) | SH(3), MMU_ACC_READ, 0xff, 3},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        testmem m;
        testmem_init(&m);
        testmem_add(&m, WC_LOW, 0x100000);
        mmu_cpu cpu;
        wc_cpu_max(&cpu, &m);
        wc_chain c = {0, 4, {0x24, 0xd1, 0xb3, 0x189}, {LO(0), LO(1), LO(2), LO(3)}, WC_FMT_48, 0x876543000ull,
                      WC_AF | rows[i].leaf};
        wc_chain_write(&m, &c, MMU_NO_LEVEL, 0, NULL);
        if (rows[i].el2) {
            mmu_cpu_set_reg(&cpu, MMU_MAIR_EL2, MAIR);
            mmu_cpu_set_reg(&cpu, MMU_TCR_EL2, FIELD_PREP(TCR2_T0SZ, 16) | FIELD_PREP(TCR2_PS, 5));
            mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL2, LO(0));
            mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL2, SCTLR_M | rows[i].sctlr);
            /* SCTLR_EL1.C does not reach the EL2 regime. */
            mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_C | SCTLR_I);
        } else {
            mmu_cpu_set_reg(&cpu, MMU_MAIR_EL1, MAIR);
            mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 16, 5, false));
            mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, LO(0));
            mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M | rows[i].sctlr);
        }
        mmu_walk w;
        CHECK(wc_walk(&cpu, 0x123456789abcull, rows[i].kind, rows[i].el2 ? 2 : 1, &w));
        CHECK_EQ(w.result.s1_attr.attr, rows[i].attr);
        CHECK_EQ(w.result.s1_attr.sh, rows[i].sh);
        CHECK_EQ(w.result.attr.attr, rows[i].attr);
        CHECK_EQ(w.result.attr.sh, rows[i].sh);
        testmem_free(&m);
    }
}

TEST_MAIN(TEST(test_stage1_attrs), TEST(test_cache_controls), TEST(test_ds_shareability), TEST(test_combined_attrs), TEST(test_transient_hints), TEST(test_stage2_cache_controls), TEST(test_mmu_off_attrs))
