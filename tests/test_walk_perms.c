/* Stage-1 permissions: AP[2:1], UXN/PXN, APTable/UXNTable/PXNTable and
 * HPD, WXN, the implicit PXN of EL0-writable memory, PAN, unprivileged
 * (LDTR/STTR) accesses, and the single-EL EL2 regime that ignores AP[1].
 * Stage-2 permissions (S2AP, XN[1:0] with FEAT_XNX) follow.
 *
 * Expected results are read off ASL AArch64.S1DirectBasePermissions
 * (DDI0487 D8.4 "Memory access control"):
 *   AP 00: pr pw, 01: pr pw ur uw, 10: pr, 11: pr ur;
 *   APTable 01 clears ur uw, 10 clears pw uw, 11 clears pw ur uw;
 *   px = !(PXN | PXNTable | uw), ux = !(UXN | UXNTable);
 *   PAN: pr = pw = 0 when ur | uw (fetches unaffected);
 *   WXN: x = 0 where w = 1;
 *   single-EL regimes: AP[2] and APTable[1] only, x = !(XN | XNTable);
 *   (r,w,x) = EL0 access ? (ur,uw,ux) : (pr,pw,px).
 * The walk is 4K 48-bit, VA 0x1234_5678_9abc (indices 0x24, 0xd1, 0xb3,
 * 0x189); `tattr` goes on the level-0 table descriptor, `leaf` on the page.
 * A denied access is a stage-1 Permission fault at level 3 (FSC 0x0f). */
#include "walkcase.h"

#define LO(k) (WC_LOW + (uint64_t)(k) * 0x10000)
#define VA48 0x0000123456789abcull

#define AP00 0
#define AP01 BIT64(6)
#define AP10 BIT64(7)
#define AP11 (BIT64(7) | BIT64(6))
#define PXN BIT64(53)
#define UXN BIT64(54)
#define PXNT BIT64(59)
#define UXNT BIT64(60)
#define APT01 BIT64(61)
#define APT10 BIT64(62)

enum { EL10, EL2_ONLY, EL20 };
#define R MMU_ACC_READ
#define W MMU_ACC_WRITE
#define X MMU_ACC_FETCH
enum { PLAIN = 0, UNPRIV = 1, PAN = 2, WXN = 4, HPD = 8, HD = 16 };
#define DBM BIT64(51)

typedef struct perm_case {
    const char *name;
    int regime;
    uint64_t leaf, tattr;
    unsigned ctl;          /* UNPRIV, PAN (access), WXN, HPD, HD (registers) */
    uint8_t el;
    mmu_access_kind kind;
    bool allowed;
    const char *rwx;       /* allowed rows: what the context may do */
} perm_case;

static const perm_case cases[] = {
    {"AP=00 EL1 read", EL10, AP00, 0, PLAIN, 1, R, true, "rwx"},
    {"AP=00 EL1 write", EL10, AP00, 0, PLAIN, 1, W, true, "rwx"},
    {"AP=00 EL0 read", EL10, AP00, 0, PLAIN, 0, R, false, NULL},
    /* Execute at EL0 depends on UXN only, not on EL0 data access. */
    {"AP=00 EL0 fetch (UXN=0)", EL10, AP00, 0, PLAIN, 0, X, true, "--x"},
    {"AP=01 EL0 write", EL10, AP01, 0, PLAIN, 0, W, true, "rwx"},
    {"AP=01 EL1 fetch: implicit PXN (EL0-writable)", EL10, AP01, 0, PLAIN, 1, X, false, NULL},
    {"AP=01 EL1 read", EL10, AP01, 0, PLAIN, 1, R, true, "rw-"},
    {"AP=10 EL1 write", EL10, AP10, 0, PLAIN, 1, W, false, NULL},
    {"AP=10 EL1 read", EL10, AP10, 0, PLAIN, 1, R, true, "r-x"},
    {"AP=10 EL0 read", EL10, AP10, 0, PLAIN, 0, R, false, NULL},
    {"AP=11 EL0 read", EL10, AP11, 0, PLAIN, 0, R, true, "r-x"},
    {"AP=11 EL0 write", EL10, AP11, 0, PLAIN, 0, W, false, NULL},
    {"AP=11 EL1 fetch", EL10, AP11, 0, PLAIN, 1, X, true, "r-x"},
    {"UXN EL0 fetch", EL10, AP11 | UXN, 0, PLAIN, 0, X, false, NULL},
    {"UXN EL1 fetch", EL10, AP11 | UXN, 0, PLAIN, 1, X, true, "r-x"},
    {"PXN EL1 fetch", EL10, AP11 | PXN, 0, PLAIN, 1, X, false, NULL},
    {"PXN EL0 fetch", EL10, AP11 | PXN, 0, PLAIN, 0, X, true, "r-x"},
    {"APTable=01 AP=01 EL0 read", EL10, AP01, APT01, PLAIN, 0, R, false, NULL},
    /* APTable removed EL0 write, so the implicit PXN no longer applies. */
    {"APTable=01 AP=01 EL1 fetch", EL10, AP01, APT01, PLAIN, 1, X, true, "rwx"},
    {"APTable=10 AP=00 EL1 write", EL10, AP00, APT10, PLAIN, 1, W, false, NULL},
    {"APTable=10 AP=00 EL1 read", EL10, AP00, APT10, PLAIN, 1, R, true, "r-x"},
    {"APTable=11 AP=01 EL0 read", EL10, AP01, APT01 | APT10, PLAIN, 0, R, false, NULL},
    {"APTable=11 AP=01 EL1 write", EL10, AP01, APT01 | APT10, PLAIN, 1, W, false, NULL},
    {"APTable=11 AP=01 EL1 read", EL10, AP01, APT01 | APT10, PLAIN, 1, R, true, "r-x"},
    {"UXNTable EL0 fetch", EL10, AP11, UXNT, PLAIN, 0, X, false, NULL},
    {"UXNTable EL1 fetch", EL10, AP11, UXNT, PLAIN, 1, X, true, "r-x"},
    {"PXNTable EL1 fetch", EL10, AP00, PXNT, PLAIN, 1, X, false, NULL},
    {"HPD0 ignores APTable", EL10, AP00, APT10, HPD, 1, W, true, "rwx"},
    {"HPD0 ignores PXNTable", EL10, AP00, PXNT, HPD, 1, X, true, "rwx"},
    {"HPD0 ignores UXNTable", EL10, AP11, UXNT, HPD, 0, X, true, "r-x"},
    {"WXN AP=00 EL1 fetch", EL10, AP00, 0, WXN, 1, X, false, NULL},
    {"WXN AP=00 EL1 write", EL10, AP00, 0, WXN, 1, W, true, "rw-"},
    {"WXN AP=10 EL1 fetch", EL10, AP10, 0, WXN, 1, X, true, "r-x"},
    {"WXN AP=01 EL0 fetch", EL10, AP01, 0, WXN, 0, X, false, NULL},
    {"WXN AP=11 EL0 fetch", EL10, AP11, 0, WXN, 0, X, true, "r-x"},
    {"PAN AP=01 EL1 read", EL10, AP01, 0, PAN, 1, R, false, NULL},
    {"PAN AP=00 EL1 read", EL10, AP00, 0, PAN, 1, R, true, "rwx"},
    {"PAN AP=11 EL1 read", EL10, AP11, 0, PAN, 1, R, false, NULL},
    /* A fetch's access descriptor carries no PAN (ASL CreateAccDescIFetch),
     * so its context sees pr = 1 too. */
    {"PAN AP=11 EL1 fetch (PAN spares fetches)", EL10, AP11, 0, PAN, 1, X, true, "r-x"},
    {"PAN with APTable=01: not EL0-accessible", EL10, AP01, APT01, PAN, 1, R, true, "rwx"},
    {"LDTR (unpriv) AP=00", EL10, AP00, 0, UNPRIV, 1, R, false, NULL},
    {"STTR (unpriv) AP=01", EL10, AP01, 0, UNPRIV, 1, W, true, "rwx"},
    {"STTR (unpriv) AP=11", EL10, AP11, 0, UNPRIV, 1, W, false, NULL},
    {"LDTR (unpriv) with PAN AP=01", EL10, AP01, 0, UNPRIV | PAN, 1, R, true, "rwx"},
    /* EL2 (E2H=0): one privilege level; AP[1], APTable[0], PXN and
     * PXNTable do not apply; XN is bit 54, XNTable bit 60. */
    {"EL2 AP=00 write", EL2_ONLY, AP00, 0, PLAIN, 2, W, true, "rwx"},
    {"EL2 AP=01 write (AP[1] ignored)", EL2_ONLY, AP01, 0, PLAIN, 2, W, true, "rwx"},
    {"EL2 AP=01 fetch (no implicit PXN)", EL2_ONLY, AP01, 0, PLAIN, 2, X, true, "rwx"},
    {"EL2 AP=10 write", EL2_ONLY, AP10, 0, PLAIN, 2, W, false, NULL},
    {"EL2 AP=11 read", EL2_ONLY, AP11, 0, PLAIN, 2, R, true, "r-x"},
    {"EL2 XN fetch", EL2_ONLY, AP00 | UXN, 0, PLAIN, 2, X, false, NULL},
    {"EL2 bit 53 (PXN) ignored", EL2_ONLY, AP00 | PXN, 0, PLAIN, 2, X, true, "rwx"},
    {"EL2 WXN AP=00 fetch", EL2_ONLY, AP00, 0, WXN, 2, X, false, NULL},
    {"EL2 APTable[1] write", EL2_ONLY, AP00, APT10, PLAIN, 2, W, false, NULL},
    {"EL2 APTable[0] ignored", EL2_ONLY, AP00, APT01, PLAIN, 2, W, true, "rwx"},
    {"EL2 XNTable fetch", EL2_ONLY, AP00, UXNT, PLAIN, 2, X, false, NULL},
    {"EL2 PXNTable ignored", EL2_ONLY, AP00, PXNT, PLAIN, 2, X, true, "rwx"},
    /* EL2&0 (E2H=1, TGE=1): EL0 and EL2 share TTBR0_EL2 with EL1&0 rules. */
    {"EL2&0 AP=00 EL0 read", EL20, AP00, 0, PLAIN, 0, R, false, NULL},
    {"EL2&0 AP=01 EL0 read", EL20, AP01, 0, PLAIN, 0, R, true, "rwx"},
    {"EL2&0 AP=01 EL2 fetch: implicit PXN", EL20, AP01, 0, PLAIN, 2, X, false, NULL},
    {"EL2&0 PAN AP=01 EL2 read", EL20, AP01, 0, PAN, 2, R, false, NULL},
    /* Hardware dirty state (TCR.HA = HD = 1): a DBM=1 descriptor with
     * AP[2]=1 is writable-clean, and writable-clean counts as writable for
     * WXN and for the implicit PXN of EL0-writable memory (DDI0487
     * D8.5.2.2, R_TTLCV, I_NSYYW, R_NKLQN; ASL AArch64.S1ApplyOutputPerms
     * clears AP[2] when HA, HD and DBM are 1, before any permission is
     * worked out). Until a write dirties it, the context may not write
     * without an update: w is '-'. */
    {"DBM AP=11 (EL0 writable-clean) EL1 fetch: implicit PXN", EL10, AP11 | DBM, 0, HD, 1, X, false, NULL},
    {"DBM AP=11 EL0 fetch", EL10, AP11 | DBM, 0, HD, 0, X, true, "r-x"},
    {"DBM AP=11 EL0 write (dirties it)", EL10, AP11 | DBM, 0, HD, 0, W, true, "rwx"},
    {"DBM AP=10 (EL1 writable-clean) WXN EL1 fetch", EL10, AP10 | DBM, 0, HD | WXN, 1, X, false, NULL},
    {"DBM AP=11 WXN EL0 fetch", EL10, AP11 | DBM, 0, HD | WXN, 0, X, false, NULL},
    {"DBM AP=10 WXN, HD=0: not writable, EL1 fetch", EL10, AP10 | DBM, 0, WXN, 1, X, true, "r-x"},
    {"DBM AP=11 under APTable=10: read-only, EL1 fetch", EL10, AP11 | DBM, APT10, HD, 1, X, true, "r-x"},
    {"EL2 DBM AP=10 WXN fetch", EL2_ONLY, AP10 | DBM, 0, HD | WXN, 2, X, false, NULL},
};

static void setup(mmu_cpu *cpu, const perm_case *c)
{
    uint64_t sctlr = SCTLR_M | ((c->ctl & WXN) ? SCTLR_WXN : 0);
    uint64_t hd = (c->ctl & HD) ? TCR_HA | TCR_HD : 0;
    switch (c->regime) {
    case EL10:
        mmu_cpu_set_reg(cpu, MMU_TCR_EL1,
                        wc_tcr0(MMU_GRANULE_4K, 16, 5, false) | ((c->ctl & HPD) ? TCR_HPD0 : 0) | hd);
        mmu_cpu_set_reg(cpu, MMU_TTBR0_EL1, LO(0));
        mmu_cpu_set_reg(cpu, MMU_SCTLR_EL1, sctlr);
        break;
    case EL2_ONLY:
        mmu_cpu_set_reg(cpu, MMU_TCR_EL2, FIELD_PREP(TCR2_T0SZ, 16) | FIELD_PREP(TCR2_PS, 5) |
                                              ((c->ctl & HD) ? TCR2_HA | TCR2_HD : 0));
        mmu_cpu_set_reg(cpu, MMU_TTBR0_EL2, LO(0));
        mmu_cpu_set_reg(cpu, MMU_SCTLR_EL2, sctlr);
        break;
    case EL20:
        mmu_cpu_set_reg(cpu, MMU_HCR_EL2, HCR_E2H | HCR_TGE);
        mmu_cpu_set_reg(cpu, MMU_TCR_EL2, wc_tcr0(MMU_GRANULE_4K, 16, 5, false) | hd);
        mmu_cpu_set_reg(cpu, MMU_TTBR0_EL2, LO(0));
        mmu_cpu_set_reg(cpu, MMU_SCTLR_EL2, sctlr);
        break;
    }
}

static void test_stage1_permissions(void)
{
    static const mmu_regime want[] = {MMU_REGIME_EL10, MMU_REGIME_EL2, MMU_REGIME_EL20};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const perm_case *c = &cases[i];
        check_context = c->name;
        testmem m;
        testmem_init(&m);
        testmem_add(&m, WC_LOW, 0x100000);
        mmu_cpu cpu;
        wc_cpu_max(&cpu, &m);
        wc_chain ch = {0, 4, {0x24, 0xd1, 0xb3, 0x189}, {LO(0), LO(1), LO(2), LO(3)}, WC_FMT_48, 0x876543000ull,
                       WC_AF | c->leaf};
        uint64_t d[5];
        wc_chain_write(&m, &ch, MMU_NO_LEVEL, 0, d);
        testmem_write(&m, LO(0) + 0x24 * 8, d[0] | c->tattr);
        setup(&cpu, c);

        mmu_access a = {.va = VA48, .kind = c->kind, .el = c->el, .unpriv = c->ctl & UNPRIV, .pan = c->ctl & PAN};
        mmu_walk w;
        bool ok = mmu_walk_translate(&cpu, &a, &w);
        CHECK_EQ(w.regime, want[c->regime]);
        CHECK_EQ(ok, c->allowed);
        if (c->allowed) {
            CHECK_EQ(w.result.pa, 0x876543abcull);
            char rwx[4] = {w.result.r ? 'r' : '-', w.result.w ? 'w' : '-', w.result.x ? 'x' : '-', 0};
            CHECK_STR(rwx, c->rwx);
        } else {
            CHECK_EQ(w.fault.type, MMU_FAULT_PERMISSION);
            CHECK_EQ(w.fault.stage, 1);
            CHECK_EQ(w.fault.level, 3);
            CHECK_EQ(mmu_fsc(&w.fault), 0x0f);
            CHECK_EQ(w.fault.write, c->kind == W);
            CHECK_EQ(w.n_reads, 4);
        }
        testmem_free(&m);
    }
}

/* Stage 2 (stage 1 off, so IPA = VA): S2AP bit 6 read, bit 7 write;
 * XN[1:0] at bits [54:53] with FEAT_XNX: 00 executable at EL1 and EL0,
 * 01 not at EL1, 10 at neither, 11 not at EL0 (DDI0487 D8.4.3, ASL
 * AArch64.S2DirectBasePermissions). Without FEAT_XNX only bit 54 counts.
 * A denied access is a stage-2 Permission fault at level 3 with the IPA. */
static void test_stage2_permissions(void)
{
#define S2AP(v) FIELD_PREP_CONST(GENMASK64(7, 6), v)
#define XN(v) FIELD_PREP_CONST(GENMASK64(54, 53), v)
    static const struct {
        const char *name;
        bool xnx;
        uint64_t attrs;
        uint8_t el;
        mmu_access_kind kind;
        bool allowed;
    } rows[] = {
        {"S2AP=00 read", true, S2AP(0), 1, R, false},
        {"S2AP=01 read", true, S2AP(1), 1, R, true},
        {"S2AP=01 write", true, S2AP(1), 1, W, false},
        {"S2AP=10 write", true, S2AP(2), 1, W, true},
        {"S2AP=10 read", true, S2AP(2), 1, R, false},
        /* Fetch permission does not need S2AP read. */
        {"S2AP=00 XN=00 EL1 fetch", true, S2AP(0), 1, X, true},
        {"XN=01 EL1 fetch", true, S2AP(3) | XN(1), 1, X, false},
        {"XN=01 EL0 fetch", true, S2AP(3) | XN(1), 0, X, true},
        {"XN=10 EL0 fetch", true, S2AP(3) | XN(2), 0, X, false},
        {"XN=10 EL1 fetch", true, S2AP(3) | XN(2), 1, X, false},
        {"XN=11 EL0 fetch", true, S2AP(3) | XN(3), 0, X, false},
        {"XN=11 EL1 fetch", true, S2AP(3) | XN(3), 1, X, true},
        {"no FEAT_XNX: bit 53 ignored", false, S2AP(3) | XN(1), 1, X, true},
        {"no FEAT_XNX: bit 54 is XN", false, S2AP(3) | XN(2), 0, X, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        check_context = rows[i].name;
        testmem m;
        testmem_init(&m);
        testmem_add(&m, WC_LOW, 0x100000);
        mmu_cpu cpu;
        wc_cpu(&cpu, &m, WC_MMFR0_MAX, rows[i].xnx ? WC_MMFR1_MAX : WC_MMFR1_MAX & ~MMFR1_XNX, WC_MMFR2_MAX);
        /* 4K 40-bit IPA from L1 (2 tables): IPA 0xab_cdef_1234 -> 0x2af,
         * 0x6f, 0xf1 (see test_walk_stage2.c). */
        wc_chain ch = {1, 3, {0x2af, 0x6f, 0xf1}, {LO(0), LO(1), LO(2)}, WC_FMT_48, 0x300000000ull,
                       WC_AF | FIELD_PREP_CONST(GENMASK64(5, 2), 0xf) | rows[i].attrs};
        wc_chain_write(&m, &ch, MMU_NO_LEVEL, 0, NULL);
        mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 24, 1, false, 5, false));
        mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, LO(0));
        mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM);
        mmu_walk w;
        bool ok = wc_walk(&cpu, 0xabcdef1234ull, rows[i].kind, rows[i].el, &w);
        CHECK_EQ(ok, rows[i].allowed);
        if (ok) {
            CHECK_EQ(w.result.pa, 0x300000234ull);
        } else {
            CHECK_EQ(w.fault.type, MMU_FAULT_PERMISSION);
            CHECK_EQ(w.fault.stage, 2);
            CHECK_EQ(w.fault.level, 3);
            CHECK(!w.fault.s1ptw);
            CHECK(w.fault.ipa_valid);
            CHECK_EQ(w.fault.ipa, 0xabcdef1234ull);
            CHECK_EQ(mmu_fsc(&w.fault), 0x0f);
        }
        testmem_free(&m);
    }
#undef S2AP
#undef XN
}

TEST_MAIN(TEST(test_stage1_permissions), TEST(test_stage2_permissions))
