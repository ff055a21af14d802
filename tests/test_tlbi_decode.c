/* TLBI: the encoding table, operand decoding (VA, TTL, range fields, DS),
 * the per-entry predicate on hand-made entries, and encode/decode round
 * trips. Expected values are worked out from DDI0487 C5.5 / D8.13 (and the
 * notes' section 5), not taken from the code. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sysreg.h"
#include "tlbi.h"

/* The architecture's encodings (op0=1, CRn=8), typed from DDI0487 C5.1's
 * index / notes section 5.3, independently of mmu/tlbi_table.c. */
static const struct {
    const char *name;
    unsigned op1, crm, op2;
} expected_ops[] = {
    {"VMALLE1OS", 0, 1, 0},  {"VAE1OS", 0, 1, 1},      {"ASIDE1OS", 0, 1, 2},
    {"VAAE1OS", 0, 1, 3},    {"VALE1OS", 0, 1, 5},     {"VAALE1OS", 0, 1, 7},
    {"RVAE1IS", 0, 2, 1},    {"RVAAE1IS", 0, 2, 3},    {"RVALE1IS", 0, 2, 5},
    {"RVAALE1IS", 0, 2, 7},  {"VMALLE1IS", 0, 3, 0},   {"VAE1IS", 0, 3, 1},
    {"ASIDE1IS", 0, 3, 2},   {"VAAE1IS", 0, 3, 3},     {"VALE1IS", 0, 3, 5},
    {"VAALE1IS", 0, 3, 7},   {"RVAE1OS", 0, 5, 1},     {"RVAAE1OS", 0, 5, 3},
    {"RVALE1OS", 0, 5, 5},   {"RVAALE1OS", 0, 5, 7},   {"RVAE1", 0, 6, 1},
    {"RVAAE1", 0, 6, 3},     {"RVALE1", 0, 6, 5},      {"RVAALE1", 0, 6, 7},
    {"VMALLE1", 0, 7, 0},    {"VAE1", 0, 7, 1},        {"ASIDE1", 0, 7, 2},
    {"VAAE1", 0, 7, 3},      {"VALE1", 0, 7, 5},       {"VAALE1", 0, 7, 7},
    {"IPAS2E1IS", 4, 0, 1},  {"RIPAS2E1IS", 4, 0, 2},  {"IPAS2LE1IS", 4, 0, 5},
    {"RIPAS2LE1IS", 4, 0, 6}, {"ALLE2OS", 4, 1, 0},    {"VAE2OS", 4, 1, 1},
    {"ALLE1OS", 4, 1, 4},    {"VALE2OS", 4, 1, 5},     {"VMALLS12E1OS", 4, 1, 6},
    {"RVAE2IS", 4, 2, 1},    {"RVALE2IS", 4, 2, 5},    {"ALLE2IS", 4, 3, 0},
    {"VAE2IS", 4, 3, 1},     {"ALLE1IS", 4, 3, 4},     {"VALE2IS", 4, 3, 5},
    {"VMALLS12E1IS", 4, 3, 6}, {"IPAS2E1OS", 4, 4, 0}, {"IPAS2E1", 4, 4, 1},
    {"RIPAS2E1", 4, 4, 2},   {"RIPAS2E1OS", 4, 4, 3},  {"IPAS2LE1OS", 4, 4, 4},
    {"IPAS2LE1", 4, 4, 5},   {"RIPAS2LE1", 4, 4, 6},   {"RIPAS2LE1OS", 4, 4, 7},
    {"RVAE2OS", 4, 5, 1},    {"RVALE2OS", 4, 5, 5},    {"RVAE2", 4, 6, 1},
    {"RVALE2", 4, 6, 5},     {"ALLE2", 4, 7, 0},       {"VAE2", 4, 7, 1},
    {"ALLE1", 4, 7, 4},      {"VALE2", 4, 7, 5},       {"VMALLS12E1", 4, 7, 6},
};
#define N_EXPECTED (sizeof expected_ops / sizeof expected_ops[0])

static void test_table_matches_architecture(void)
{
    size_t n;
    const mmu_tlbi_op *ops = mmu_tlbi_ops(&n);
    CHECK_EQ(n, N_EXPECTED);
    for (size_t i = 0; i < N_EXPECTED; i++) {
        check_context = expected_ops[i].name;
        for (unsigned crn = 8; crn <= 9; crn++) {
            bool nxs = !(crn == 9);
            const mmu_tlbi_op *op = mmu_tlbi_op_by_encoding(
                1, expected_ops[i].op1, crn, expected_ops[i].crm, expected_ops[i].op2, &nxs);
            CHECK(op != NULL);
            if (!op)
                continue;
            CHECK_STR(op->name, expected_ops[i].name);
            CHECK_EQ(nxs, crn == 9);
        }
        /* The name says what the row is. */
        const char *nm = expected_ops[i].name;
        bool nxs;
        const mmu_tlbi_op *op = mmu_tlbi_op_by_name(nm, &nxs);
        CHECK(op != NULL && !nxs);
        if (!op)
            continue;
        CHECK_EQ(op->range, nm[0] == 'R');
        CHECK_EQ(op->el, (unsigned)(expected_ops[i].op1 == 4 ? 2 : 1));
        size_t len = strlen(nm);
        mmu_tlbi_share sh = len > 2 && !strcmp(nm + len - 2, "IS")   ? MMU_TLBI_IS
                            : len > 2 && !strcmp(nm + len - 2, "OS") ? MMU_TLBI_OS
                                                                     : MMU_TLBI_NSH;
        CHECK_EQ(op->share, sh);
        CHECK_EQ(op->last, strstr(nm, "VALE") || strstr(nm, "VAALE") || strstr(nm, "S2LE"));
    }
    check_context = NULL;
    /* Every row is one of the expected ones (no extra, no duplicate). */
    for (size_t i = 0; i < n; i++) {
        int hits = 0;
        for (size_t j = 0; j < N_EXPECTED; j++)
            hits += !strcmp(ops[i].name, expected_ops[j].name);
        CHECK_EQ(hits, 1);
    }
    bool nxs = false;
    CHECK(mmu_tlbi_op_by_encoding(1, 0, 7, 1, 1, &nxs) == NULL);  /* not a TLBI (CRn=7: AT) */
    CHECK(mmu_tlbi_op_by_encoding(0, 0, 8, 7, 1, &nxs) == NULL);  /* op0 = 0 */
    CHECK(mmu_tlbi_op_by_encoding(1, 6, 8, 7, 0, &nxs) == NULL);  /* ALLE3: EL3, out of scope */
    const mmu_tlbi_op *op = mmu_tlbi_op_by_name("rvale1isnxs", &nxs);
    CHECK(op && nxs && !strcmp(op->name, "RVALE1IS"));
    CHECK(mmu_tlbi_op_by_name("vae3", &nxs) == NULL);
    CHECK(mmu_tlbi_op_by_name("", &nxs) == NULL);
}

static mmu_tlbi_ctx plain_ctx(void)
{
    mmu_tlbi_ctx c;
    memset(&c, 0, sizeof c);
    c.vmid = 7;
    c.asid16_el1 = c.asid16_el2 = true;
    return c;
}

static mmu_tlbi decode(const char *name, uint64_t xt, const mmu_tlbi_ctx *c)
{
    mmu_tlbi t;
    bool nxs;
    char err[128];
    const mmu_tlbi_op *op = mmu_tlbi_op_by_name(name, &nxs);
    CHECK(op != NULL);
    CHECK_EQ(mmu_tlbi_decode(op, nxs, xt, c, &t, err, sizeof err), 0);
    return t;
}

static void test_va_operand(void)
{
    mmu_tlbi_ctx c = plain_ctx();
    /* ASID 0x1234, VA 0x0000_7fff_1234_5000 -> Xt[43:0] = VA >> 12 */
    mmu_tlbi t = decode("vae1is", UINT64_C(0x1234) << 48 | UINT64_C(0x7fff12345), &c);
    CHECK_EQ(t.regime, MMU_REGIME_EL10);
    CHECK(t.stage1 && !t.stage2 && t.use_asid && !t.last_level);
    CHECK_EQ(t.asid, 0x1234);
    CHECK_EQ(t.vmid, 7);
    CHECK_EQ(t.start, UINT64_C(0x7fff12345000));
    CHECK(!t.ttl_valid);
    /* TTBR1 VA 0xffff_8000_0000_0000: VA[55:12] = 0xff8_0000_0000 sign-extends. */
    t = decode("vaae1", UINT64_C(0xff800000000), &c);
    CHECK_EQ(t.start, UINT64_C(0xffff800000000000));
    CHECK(!t.use_asid);
    /* IPAS2E1: IPA[51:12] in Xt[39:0], no sign extension, stage 2 only. */
    t = decode("ipas2e1is", UINT64_C(0x8000000001), &c);
    CHECK_EQ(t.start, UINT64_C(0x8000000001000));
    CHECK(t.stage2 && !t.stage1);
    /* VALE2 with E2H=0: EL2 regime, ASID ignored. */
    t = decode("vale2", UINT64_C(0x55) << 48 | 0x40000, &c);
    CHECK_EQ(t.regime, MMU_REGIME_EL2);
    CHECK(!t.use_asid && t.last_level);
    c.e2h = true;
    t = decode("vale2", UINT64_C(0x55) << 48 | 0x40000, &c);
    CHECK_EQ(t.regime, MMU_REGIME_EL20);
    CHECK(t.use_asid && t.asid == 0x55);
    /* EL1 ops with E2H = TGE = 1 act on EL2&0. */
    c.tge = true;
    t = decode("vmalle1", 0, &c);
    CHECK_EQ(t.regime, MMU_REGIME_EL20);
}

static void test_ttl(void)
{
    mmu_tlbi_ctx c = plain_ctx();
    /* TTL = TG:level in Xt[47:44]; TG 1 = 4K, 2 = 16K, 3 = 64K. */
    mmu_tlbi t = decode("vale1", UINT64_C(0x7) << 44 | 1, &c); /* 4K, level 3 */
    CHECK(t.ttl_valid && t.ttl_level == 3 && t.ttl_granule == MMU_GRANULE_4K);
    t = decode("vale1", UINT64_C(0x4) << 44, &c); /* 4K, level 0: reserved without LPA2 */
    CHECK(!t.ttl_valid);
    t = decode("vale1", UINT64_C(0x9) << 44, &c); /* 16K level 1: reserved without LPA2 */
    CHECK(!t.ttl_valid);
    t = decode("vale1", UINT64_C(0xc) << 44, &c); /* 64K level 0: reserved */
    CHECK(!t.ttl_valid);
    t = decode("vale1", UINT64_C(0xd) << 44, &c); /* 64K level 1 */
    CHECK(t.ttl_valid && t.ttl_level == 1 && t.ttl_granule == MMU_GRANULE_64K);
    t = decode("vale1", UINT64_C(0x3) << 44, &c); /* TG 0: no hint whatever the level */
    CHECK(!t.ttl_valid);
    c.lpa2 = true;
    t = decode("vale1", UINT64_C(0x4) << 44, &c); /* with LPA2: 4K level 0 */
    CHECK(t.ttl_valid && t.ttl_level == 0 && t.ttl_granule == MMU_GRANULE_4K);
    t = decode("vale1", UINT64_C(0x9) << 44, &c);
    CHECK(t.ttl_valid && t.ttl_level == 1 && t.ttl_granule == MMU_GRANULE_16K);
    t = decode("vale1", UINT64_C(0x8) << 44, &c); /* 16K level 0 stays reserved */
    CHECK(!t.ttl_valid);
}

static uint64_t range_xt(unsigned tg, unsigned scale, unsigned num, unsigned ttl, uint64_t baddr)
{
    return (uint64_t)tg << 46 | (uint64_t)scale << 44 | (uint64_t)num << 39 | (uint64_t)ttl << 37 |
           baddr;
}

static void test_range_operand(void)
{
    mmu_tlbi_ctx c = plain_ctx();
    /* 4K, SCALE 1, NUM 3: 4 * 2^6 = 256 pages = 1 MiB from BaseADDR 0x10 (4K units). */
    mmu_tlbi t = decode("rvae1is", UINT64_C(9) << 48 | range_xt(1, 1, 3, 0, 0x10), &c);
    CHECK_EQ(t.start, 0x10000);
    CHECK_EQ(t.last, 0x10000 + 0x100000 - 1);
    CHECK_EQ(t.asid, 9);
    CHECK(!t.ttl_valid && !t.nothing && !t.ds);
    CHECK_STR(t.ds_source, "TCR_EL1.DS");
    /* DS = 1: BaseADDR in 64KB units. */
    c.ds[MMU_REGIME_EL10] = true;
    t = decode("rvae1is", range_xt(1, 1, 3, 0, 0x10), &c);
    CHECK_EQ(t.start, 0x100000);
    CHECK_EQ(t.last, 0x200000 - 1);
    c.ds[MMU_REGIME_EL10] = false;
    /* 16K DS=0: 16K units; SCALE 0 NUM 0 = 2 pages. */
    t = decode("rvale1", range_xt(2, 0, 0, 2, 0x3), &c);
    CHECK_EQ(t.start, 0xc000);
    CHECK_EQ(t.last, 0xc000 + 0x8000 - 1);
    CHECK(t.ttl_valid && t.ttl_level == 2 && t.ttl_granule == MMU_GRANULE_16K && t.last_level);
    /* 64K: always 64KB units; SCALE 3 NUM 31 = 32 * 2^16 pages, the maximum. */
    t = decode("rvaae1", range_xt(3, 3, 31, 0, 0x1), &c);
    CHECK_EQ(t.start, 0x10000);
    CHECK_EQ(t.last, 0x10000 + (UINT64_C(32) << 16 << 16) - 1);
    /* 4K DS=0: BaseADDR is VA[48:12], sign-extended from bit 48. */
    t = decode("rvaae1", range_xt(1, 0, 0, 0, UINT64_C(0x1ffffffff0)), &c);
    CHECK_EQ(t.start, UINT64_C(0xffffffffffff0000));
    CHECK_EQ(t.last, UINT64_C(0xffffffffffff1fff));
    /* A range running past the top of the address space saturates. */
    t = decode("rvaae1", range_xt(1, 0, 31, 0, UINT64_C(0x1ffffffff0)), &c);
    CHECK_EQ(t.last, UINT64_MAX);
    /* TG 0 is reserved: nothing. */
    t = decode("rvae1", range_xt(0, 1, 3, 0, 0x10), &c);
    CHECK(t.nothing);
    /* Range TTL 0b01 (level 1) with the 16K granule is reserved without
     * FEAT_LPA2 and treated as 0b00, any level (DDI0487 Table D8-124; TTL
     * field of TLBI RVAE1 etc.): no hint, so 16K level-2/3 leaves still
     * go. With FEAT_LPA2 it means level 1; for 4K and 64K it always does. */
    t = decode("rvale1", range_xt(2, 0, 0, 1, 0x3), &c);
    CHECK(!t.ttl_valid);
    t = decode("rvale1", range_xt(1, 0, 0, 1, 0x3), &c);
    CHECK(t.ttl_valid && t.ttl_level == 1 && t.ttl_granule == MMU_GRANULE_4K);
    t = decode("rvale1", range_xt(3, 0, 0, 1, 0x3), &c);
    CHECK(t.ttl_valid && t.ttl_level == 1 && t.ttl_granule == MMU_GRANULE_64K);
    c.lpa2 = true;
    t = decode("rvale1", range_xt(2, 0, 0, 1, 0x3), &c);
    CHECK(t.ttl_valid && t.ttl_level == 1 && t.ttl_granule == MMU_GRANULE_16K);
}

/* Which DS each range operation consults (see range_ds in mmu/tlbi.c). */
static void test_range_ds_source(void)
{
    mmu_tlbi_ctx c = plain_ctx();
    c.ds[MMU_REGIME_EL10] = false;
    c.ds[MMU_REGIME_EL20] = true;
    c.ds[MMU_REGIME_EL2] = false;
    c.s2_ds = true;
    uint64_t xt = range_xt(1, 0, 0, 0, 0x10);
    mmu_tlbi t = decode("rvae1", xt, &c);
    CHECK(!t.ds);
    CHECK_EQ(t.start, 0x10000);
    t = decode("ripas2e1is", xt, &c);
    CHECK(t.ds);
    CHECK_STR(t.ds_source, "VTCR_EL2.DS");
    CHECK_EQ(t.start, 0x100000); /* IPA, 64KB units */
    t = decode("rvae2", xt, &c); /* E2H = 0: EL2, TCR_EL2.DS bit 32 */
    CHECK(!t.ds);
    CHECK_STR(t.ds_source, "TCR_EL2.DS (bit 32, E2H=0)");
    c.e2h = true;
    t = decode("rvae2", xt, &c);
    CHECK(t.ds);
    CHECK_EQ(t.start, 0x100000);
    c.tge = true; /* EL1 ops now act on EL2&0 and consult its DS */
    t = decode("rvae1", xt, &c);
    CHECK(t.ds && t.regime == MMU_REGIME_EL20);
}

/* The context read from a CPU's registers. */
static void test_context_from_cpu(void)
{
    static mmu_cpu cpu;
    memset(&cpu, 0, sizeof cpu);
    cpu.feat.vmid16 = true;
    cpu.feat.asid16 = true;
    cpu.feat.s1_lpa2[0] = true;
    cpu.reg[MMU_HCR_EL2] = HCR_E2H | HCR_VM;
    cpu.reg[MMU_VTTBR_EL2] = UINT64_C(0x1234) << 48 | 0x80000;
    cpu.reg[MMU_TCR_EL1] = TCR_DS | TCR_AS;
    mmu_tlbi_ctx c;
    mmu_tlbi_context(&cpu, &c);
    CHECK(c.e2h && !c.tge);
    CHECK_EQ(c.vmid, 0x34); /* VTCR_EL2.VS = 0: 8-bit VMID */
    CHECK(c.ds[MMU_REGIME_EL10] && !c.ds[MMU_REGIME_EL2] && !c.s2_ds && c.lpa2);
    CHECK(c.asid16_el1 && !c.asid16_el2);
    cpu.reg[MMU_VTCR_EL2] = VTCR_VS | VTCR_DS;
    mmu_tlbi_context(&cpu, &c);
    CHECK_EQ(c.vmid, 0x1234);
    CHECK(!c.s2_ds); /* no stage-2 LPA2: VTCR_EL2.DS is RES0 */
    cpu.feat.s1_lpa2[0] = false;
    mmu_tlbi_context(&cpu, &c);
    CHECK(!c.ds[MMU_REGIME_EL10] && !c.lpa2);
}

static mmu_tlb_tags leaf(mmu_tlbe_kind kind, uint64_t ia, int level, uint16_t asid, bool global)
{
    mmu_tlb_tags e = {
        .kind = kind,
        .regime = MMU_REGIME_EL10,
        .global = global,
        .asid = asid,
        .vmid = 7,
        .granule = MMU_GRANULE_4K,
        .level = (int8_t)level,
        .size_shift = (uint8_t)(level == 3 ? 12 : level == 2 ? 21 : 30),
        .ia = ia,
    };
    return e;
}

static void test_predicate(void)
{
    mmu_tlbi_ctx c = plain_ctx();
    mmu_tlb_tags page = leaf(MMU_TLBE_S1, 0x400000, 3, 5, false);
    mmu_tlb_tags glob = leaf(MMU_TLBE_S1, 0x400000, 3, 9, true);
    mmu_tlb_tags comb = leaf(MMU_TLBE_S12, 0x400000, 3, 5, false);
    mmu_tlb_tags s2 = leaf(MMU_TLBE_S2, 0x400000, 3, 0, true);
    mmu_tlb_tags table = leaf(MMU_TLBE_S1_TABLE, 0x400000, 2, 5, false);
    mmu_tlb_tags block = leaf(MMU_TLBE_S1, 0x200000, 2, 5, false);

    mmu_tlbi t = decode("vae1is", UINT64_C(5) << 48 | 0x400, &c);
    CHECK(mmu_tlbi_matches(&t, &page) && mmu_tlbi_matches(&t, &glob));
    CHECK(mmu_tlbi_matches(&t, &comb) && mmu_tlbi_matches(&t, &table));
    CHECK(!mmu_tlbi_matches(&t, &s2));
    CHECK(!mmu_tlbi_matches(&t, &block)); /* the block ends at 0x400000 */
    t = decode("vae1is", UINT64_C(6) << 48 | 0x400, &c); /* other ASID */
    CHECK(!mmu_tlbi_matches(&t, &page) && mmu_tlbi_matches(&t, &glob));
    t = decode("vale1is", UINT64_C(5) << 48 | 0x401, &c); /* next page, last level */
    CHECK(!mmu_tlbi_matches(&t, &page) && !mmu_tlbi_matches(&t, &table));
    t = decode("vale1is", UINT64_C(5) << 48 | 0x400, &c);
    CHECK(!mmu_tlbi_matches(&t, &table) && mmu_tlbi_matches(&t, &page));
    t = decode("aside1", UINT64_C(5) << 48, &c);
    CHECK(mmu_tlbi_matches(&t, &page) && !mmu_tlbi_matches(&t, &glob));
    t = decode("ipas2e1", 0x400, &c);
    CHECK(mmu_tlbi_matches(&t, &s2) && !mmu_tlbi_matches(&t, &comb) && !mmu_tlbi_matches(&t, &page));
    t = decode("vmalle1", 0, &c);
    CHECK(mmu_tlbi_matches(&t, &comb) && mmu_tlbi_matches(&t, &glob) && !mmu_tlbi_matches(&t, &s2));
    t = decode("vmalls12e1", 0, &c);
    CHECK(mmu_tlbi_matches(&t, &comb) && mmu_tlbi_matches(&t, &s2));
    c.vmid = 8; /* another VM */
    t = decode("vmalls12e1", 0, &c);
    CHECK(!mmu_tlbi_matches(&t, &comb) && !mmu_tlbi_matches(&t, &s2));
    t = decode("alle1is", 0, &c);
    CHECK(mmu_tlbi_matches(&t, &comb) && mmu_tlbi_matches(&t, &s2));
    t = decode("alle2", 0, &c);
    CHECK(!mmu_tlbi_matches(&t, &page));
    mmu_tlb_tags el2 = leaf(MMU_TLBE_S1, 0x400000, 3, 0, true);
    el2.regime = MMU_REGIME_EL2;
    CHECK(mmu_tlbi_matches(&t, &el2));
}

static void test_predicate_ranges_and_ttl(void)
{
    mmu_tlbi_ctx c = plain_ctx();
    /* 2 MiB block at [0x200000, 0x400000), level 2. */
    mmu_tlb_tags block = leaf(MMU_TLBE_S1, 0x200000, 2, 5, false);
    /* A range covering only the block's last two pages still removes it. */
    mmu_tlbi t = decode("rvae1", UINT64_C(5) << 48 | range_xt(1, 0, 0, 0, 0x3fe), &c);
    CHECK_EQ(t.start, 0x3fe000);
    CHECK(mmu_tlbi_matches(&t, &block));
    /* The range right after it does not. */
    t = decode("rvae1", UINT64_C(5) << 48 | range_xt(1, 0, 0, 0, 0x400), &c);
    CHECK(!mmu_tlbi_matches(&t, &block));
    /* TTL level 3 says "the leaf is a page": the level-2 block need not go. */
    t = decode("rvae1", UINT64_C(5) << 48 | range_xt(1, 0, 0, 3, 0x3fe), &c);
    CHECK(!mmu_tlbi_matches(&t, &block));
    t = decode("rvae1", UINT64_C(5) << 48 | range_xt(1, 0, 0, 2, 0x3fe), &c);
    CHECK(mmu_tlbi_matches(&t, &block));
    /* TG 16K against a 4K entry: nothing. */
    t = decode("rvae1", UINT64_C(5) << 48 | range_xt(2, 0, 0, 0, 0xff), &c);
    CHECK(!mmu_tlbi_matches(&t, &block));
    /* Non-range TTL: 4K level 2 matches the block, 4K level 3 does not,
     * 16K level 2 does not (wrong granule). */
    t = decode("vae1", UINT64_C(5) << 48 | UINT64_C(0x6) << 44 | 0x300, &c);
    CHECK(mmu_tlbi_matches(&t, &block));
    t = decode("vae1", UINT64_C(5) << 48 | UINT64_C(0x7) << 44 | 0x300, &c);
    CHECK(!mmu_tlbi_matches(&t, &block));
    t = decode("vae1", UINT64_C(5) << 48 | UINT64_C(0xa) << 44 | 0x300, &c);
    CHECK(!mmu_tlbi_matches(&t, &block));
    /* 8-bit ASIDs compare the low byte only. */
    c.asid16_el1 = false;
    t = decode("vae1", UINT64_C(0x1205) << 48 | 0x300, &c);
    CHECK(mmu_tlbi_matches(&t, &block));
}

/* decode(encode(r)) covers exactly r. */
static void check_roundtrip(uint64_t start, uint64_t end, mmu_granule g, bool ds, const char *op)
{
    static mmu_tlbi_insn insns[4096];
    char err[160];
    bool nxs;
    mmu_tlbi_range_req req = {
        .start = start, .end = end, .granule = g, .ds = ds, .asid = 3,
        .ttl_level = MMU_NO_LEVEL, .range_op = mmu_tlbi_op_by_name(op, &nxs),
        .ipa = op[1] == 'i',
    };
    int n = mmu_tlbi_encode_range(&req, insns, 4096, err, sizeof err);
    CHECK(n > 0);
    mmu_tlbi_ctx c = plain_ctx();
    for (int r = 0; r < MMU_REGIME_COUNT; r++)
        c.ds[r] = ds;
    c.s2_ds = ds;
    uint64_t next = start;
    int ranges = 0;
    for (int i = 0; i < n; i++) {
        mmu_tlbi t = decode(insns[i].op->name, insns[i].xt, &c);
        uint64_t s = t.start, e = t.last + 1;
        if (!t.op->range) {
            e = s + (UINT64_C(1) << g);
        } else {
            ranges++;
            CHECK(t.tg == g);
            if (ds)
                CHECK_EQ(s & 0xffff, 0);
        }
        if (req.ipa)
            CHECK(t.op->kind == MMU_TLBI_IPAS2);
        else if (t.use_asid)
            CHECK_EQ(t.asid, 3);
        CHECK_EQ(s, next); /* contiguous, in order, no overlap */
        next = e;
    }
    CHECK_EQ(next, end);
    /* Ranges of four pages or more that start aligned use range ops. */
    if (!ds && (end - start) >> g >= 4)
        CHECK(ranges > 0);
}

static void test_encode_roundtrip(void)
{
    static const mmu_granule gs[3] = {MMU_GRANULE_4K, MMU_GRANULE_16K, MMU_GRANULE_64K};
    static const char *const ops[] = {"rvae1is", "rvaale1", "ripas2e1is", "rvae2os"};
    srand(12345);
    for (int i = 0; i < 3000; i++) {
        mmu_granule g = gs[i % 3];
        bool ds = (i / 3) % 2 && g != MMU_GRANULE_64K;
        /* sizes from 1 page to ~2^22 pages, starts anywhere below 2^47 */
        uint64_t pages = 1 + ((uint64_t)rand() % ((i % 4 == 0) ? (1u << 22) : 300));
        uint64_t start = (((uint64_t)rand() << 20) ^ (uint64_t)rand()) & GENMASK64(46, 0);
        start &= ~((UINT64_C(1) << g) - 1);
        check_roundtrip(start, start + (pages << g), g, ds, ops[i % 4]);
    }
    /* Corners: one page, two pages, the largest single range, a TTBR1 range. */
    check_roundtrip(0x1000, 0x2000, MMU_GRANULE_4K, true, "rvae1is");
    check_roundtrip(0x10000, 0x12000, MMU_GRANULE_4K, true, "rvae1is");
    check_roundtrip(0, UINT64_C(1) << 33, MMU_GRANULE_4K, false, "rvae1is");
    check_roundtrip(UINT64_C(0xffff800000000000), UINT64_C(0xffff800000100000), MMU_GRANULE_4K,
                    false, "rvae1is");
    check_roundtrip(UINT64_C(0xfff0000000000000), UINT64_C(0xfff0000000100000), MMU_GRANULE_16K,
                    true, "rvae1is");
}

static void test_encode_errors(void)
{
    mmu_tlbi_insn insns[8];
    char err[160];
    bool nxs;
    mmu_tlbi_range_req req = {
        .start = 0x1800, .end = 0x4000, .granule = MMU_GRANULE_4K,
        .ttl_level = MMU_NO_LEVEL, .range_op = mmu_tlbi_op_by_name("rvae1is", &nxs),
    };
    CHECK_EQ(mmu_tlbi_encode_range(&req, insns, 8, err, sizeof err), -1);
    CHECK(strstr(err, "aligned") != NULL);
    req.start = 0x4000;
    CHECK_EQ(mmu_tlbi_encode_range(&req, insns, 8, err, sizeof err), -1);
    CHECK(strstr(err, "empty") != NULL);
    req.start = 0x1000;
    req.end = 0x100000;
    req.ds = true; /* 15 head pages + 1 range: more than 8 */
    CHECK_EQ(mmu_tlbi_encode_range(&req, insns, 8, err, sizeof err), -1);
    req.range_op = mmu_tlbi_op_by_name("vae1is", &nxs);
    CHECK_EQ(mmu_tlbi_encode_range(&req, insns, 8, err, sizeof err), -1);
    CHECK(strstr(err, "not a range") != NULL);
    /* TTL hints in the encoding: range TTL 3, single TTL 4K:3 = 0b0111. */
    req.range_op = mmu_tlbi_op_by_name("rvale1is", &nxs);
    req.ds = false;
    req.start = 0x1000;
    req.end = 0x4000;
    req.ttl_level = 3;
    CHECK_EQ(mmu_tlbi_encode_range(&req, insns, 8, err, sizeof err), 2);
    CHECK_EQ(FIELD_GET(TLBI_R_TTL, insns[0].xt), 3);
    CHECK_EQ(FIELD_GET(TLBI_TTL, insns[1].xt), 0x7);
}

TEST_MAIN(TEST(test_table_matches_architecture), TEST(test_va_operand), TEST(test_ttl),
          TEST(test_range_operand), TEST(test_range_ds_source), TEST(test_context_from_cpu),
          TEST(test_predicate), TEST(test_predicate_ranges_and_ttl), TEST(test_encode_roundtrip),
          TEST(test_encode_errors))
