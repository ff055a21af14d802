/* AT: PAR_EL1 for successes and faults, the stage-1-only and two-stage
 * forms, EL0 permissions and PAN, and the exception an AT at EL1 takes for
 * a stage-2 fault on its stage-1 walk. Expected PAR values are assembled
 * here from the PAR_EL1 layout (DDI0487 D19 PAR_EL1; notes section 4.3). */
#include "at.h"
#include "check.h"
#include "tlb_env.h"

#define VA0 UINT64_C(0x10000000)
#define PG UINT64_C(0x1000)
#define DATA (ENV_RAM + 0x100000)

#define PAR_F BIT64(0)
#define PAR_PTW BIT64(8)
#define PAR_S BIT64(9)
#define PAR_NS BIT64(9)
#define PAR_RES1 BIT64(11)

/* F=0: PA[51:12], ATTR (MAIR encoding) = 0xff, SH = 0 (non-shareable, as
 * the descriptors leave SH at 0), NS reported as 1. */
static uint64_t par_ok(uint64_t pa) { return (pa & GENMASK64(51, 12)) | (UINT64_C(0xff) << 56) | PAR_NS | PAR_RES1; }
/* F=1 with FST = the fault status code. */
static uint64_t par_fault(unsigned fst) { return PAR_F | PAR_RES1 | (uint64_t)fst << 1; }

static mmu_at_result res;

static mmu_at_status at(tlb_env *e, const char *name, uint64_t va, uint8_t el)
{
    const mmu_at_op *op = mmu_at_op_by_name(name);
    CHECK(op != NULL);
    return mmu_at_execute(&e->cpu, op, va, el, &res);
}

static void test_table(void)
{
    static const struct {
        const char *name;
        unsigned op1, crm, op2;
    } want[] = {
        {"S1E1R", 0, 8, 0},  {"S1E1W", 0, 8, 1},  {"S1E0R", 0, 8, 2},  {"S1E0W", 0, 8, 3},
        {"S1E1RP", 0, 9, 0}, {"S1E1WP", 0, 9, 1}, {"S1E2R", 4, 8, 0},  {"S1E2W", 4, 8, 1},
        {"S12E1R", 4, 8, 4}, {"S12E1W", 4, 8, 5}, {"S12E0R", 4, 8, 6}, {"S12E0W", 4, 8, 7},
    };
    size_t n;
    mmu_at_ops(&n);
    CHECK_EQ(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const mmu_at_op *op = mmu_at_op_by_encoding(1, want[i].op1, 7, want[i].crm, want[i].op2);
        CHECK(op && !strcmp(op->name, want[i].name));
        CHECK(mmu_at_op_by_name(want[i].name) == op);
    }
    CHECK(mmu_at_op_by_encoding(1, 6, 7, 8, 0) == NULL); /* S1E3R: EL3 */
    CHECK(mmu_at_op_by_encoding(1, 0, 8, 8, 0) == NULL); /* CRn 8: a TLBI */
    CHECK(mmu_at_op_by_name("s1e1") == NULL);
    CHECK(mmu_at_op_by_name("s1e1r") != NULL);
}

static void test_stage1(void)
{
    mmu_tlb_config cfg = {.mode = MMU_TLB_NONE};
    tlb_env e;
    env_init(&e, false, false, &cfg);
    env_map(&e, VA0, DATA, PG, S1_RW | DESC_AP_RO, 0);            /* EL1 read-only */
    env_map(&e, VA0 + PG, DATA + PG, PG, S1_RW | DESC_AP_EL0, 0);  /* EL0 and EL1 RW */
    CHECK_EQ(at(&e, "s1e1r", VA0 + 0x123, 1), MMU_AT_PAR);
    CHECK_EQ(res.par, par_ok(DATA));
    /* Write check on a read-only page: Permission fault, level 3 (0x0F). */
    at(&e, "s1e1w", VA0, 1);
    CHECK_EQ(res.par, par_fault(0x0f));
    /* Nothing mapped two pages on: Translation fault, level 3 (0x07). */
    at(&e, "s1e1r", VA0 + 2 * PG, 1);
    CHECK_EQ(res.par, par_fault(0x07));
    /* VA 2^46 has no level-0 entry (only VA0's is valid): level 0 (0x04). */
    at(&e, "s1e1r", UINT64_C(1) << 46, 1);
    CHECK_EQ(res.par, par_fault(0x04));
    /* EL0 permissions: the EL1-only page faults, the EL0 page does not. */
    at(&e, "s1e0r", VA0, 1);
    CHECK_EQ(res.par, par_fault(0x0f));
    at(&e, "s1e0w", VA0 + PG, 1);
    CHECK_EQ(res.par, par_ok(DATA + PG));
    /* PAN: S1E1R ignores it, S1E1RP applies it to EL0-accessible memory. */
    at(&e, "s1e1r", VA0 + PG, 1);
    CHECK_EQ(res.par, par_ok(DATA + PG));
    at(&e, "s1e1rp", VA0 + PG, 1);
    CHECK_EQ(res.par, par_fault(0x0f));
    at(&e, "s1e1rp", VA0, 1);
    CHECK_EQ(res.par, par_ok(DATA));
    /* EL2 forms are not executable at EL1. */
    CHECK_EQ(at(&e, "s1e2r", VA0, 1), MMU_AT_UNDEFINED);
    CHECK_EQ(at(&e, "s12e1r", VA0, 1), MMU_AT_UNDEFINED);
    /* S12E1R with stage 2 off: the stage-1 answer. */
    CHECK_EQ(at(&e, "s12e1r", VA0, 2), MMU_AT_PAR);
    CHECK_EQ(res.par, par_ok(DATA));
    /* SCTLR_EL1.C = 0: data accesses to Normal memory are Non-cacheable,
     * and PAR shows it (DDI0487 D7.5: "The effect of SCTLR_ELx.C ... is
     * reflected in the result of the address translation instructions in
     * the PAR"): ATTR 0x44, SH 0b10 (Normal NC reports Outer Shareable). */
    mmu_cpu_set_reg(&e.cpu, MMU_SCTLR_EL1, SCTLR_M | SCTLR_I);
    CHECK_EQ(at(&e, "s1e1r", VA0, 1), MMU_AT_PAR);
    CHECK_EQ(res.par, (DATA & GENMASK64(51, 12)) | (UINT64_C(0x44) << 56) | (UINT64_C(2) << 7) | PAR_NS | PAR_RES1);
    env_free(&e);
}

/* AT performs no hardware update: AF stays 0 in memory (HA is on). */
static void test_no_update(void)
{
    mmu_tlb_config cfg = {.mode = MMU_TLB_NONE};
    tlb_env e;
    env_init(&e, false, false, &cfg);
    env_map(&e, VA0, DATA, PG, 0, 0); /* AF = 0 */
    at(&e, "s1e1w", VA0, 1);
    CHECK_EQ(res.par, par_ok(DATA));
    const mmu_desc_read *leaf = &res.walk.reads[res.walk.n_reads - 1];
    CHECK_EQ(testmem_read(&e.mem, leaf->pa) & DESC_AF, 0);
    CHECK(!leaf->updated);
    env_free(&e);
}

static void test_two_stages(void)
{
    mmu_tlb_config cfg = {.mode = MMU_TLB_NONE};
    tlb_env e;
    env_init(&e, false, true, &cfg);
    uint64_t ipa = DATA, pa = ENV_RAM + 0x900000;
    env_map(&e, VA0, ipa, PG, S1_RW, 0);
    env_map_s2(&e, ipa, pa, PG);
    at(&e, "s1e1r", VA0, 1);
    CHECK_EQ(res.par, par_ok(ipa)); /* stage 1 only: the IPA */
    at(&e, "s12e1r", VA0, 2);
    CHECK_EQ(res.par, par_ok(pa));
    at(&e, "s12e0r", VA0, 2); /* EL1-only page at EL0: stage-1 Permission fault */
    CHECK_EQ(res.par, par_fault(0x0f));

    /* The final IPA unmapped at stage 2: S=1, PTW=0, Translation level 3. */
    char err[200];
    CHECK_EQ(mmu_pt_unmap(&e.s2, ipa, PG, err, sizeof err), 0);
    at(&e, "s12e1r", VA0, 2);
    CHECK_EQ(res.par, par_fault(0x07) | PAR_S);
    at(&e, "s1e1r", VA0, 1); /* stage 1 alone does not look at that IPA */
    CHECK_EQ(res.par, par_ok(ipa));

    /* The stage-1 level-3 table's page unmapped at stage 2: a stage-2 fault
     * on the stage-1 walk. From EL1 that is an exception to EL2; from EL2
     * it is reported in PAR with S=1 and PTW=1. */
    uint64_t l3_table_ipa = 0;
    for (unsigned i = 0; i < res.walk.n_reads; i++)
        if (res.walk.reads[i].stage == 1 && res.walk.reads[i].level == 3)
            l3_table_ipa = res.walk.reads[i].ipa & ~(PG - 1);
    CHECK(l3_table_ipa != 0);
    CHECK_EQ(mmu_pt_unmap(&e.s2, l3_table_ipa, PG, err, sizeof err), 0);
    CHECK_EQ(at(&e, "s1e1r", VA0, 1), MMU_AT_EXCEPTION);
    CHECK_EQ(res.exception_el, 2);
    CHECK(res.walk.fault.s1ptw && res.walk.fault.stage == 2);
    CHECK_EQ(res.walk.fault.ipa, l3_table_ipa + ((VA0 >> 12) & 0x1ff) * 8);
    CHECK_EQ(res.par, 0);
    CHECK_EQ(at(&e, "s1e1r", VA0, 2), MMU_AT_PAR);
    CHECK_EQ(res.par, par_fault(0x07) | PAR_S | PAR_PTW);
    env_free(&e);
}

TEST_MAIN(TEST(test_table), TEST(test_stage1), TEST(test_no_update), TEST(test_two_stages))
