/* AT: which translation each operation asks for, and PAR_EL1 or the
 * exception it produces. DDI0487 C5.5 / D8.15; ASL AArch64.AT. */
#include <ctype.h>
#include <string.h>

#include "at.h"
#include "sysreg.h"

#define AT_CRN 7

/* Encodings from DDI0487 C5.1 (op0 = 1, CRn = 7); S1E3R/W (EL3) are out of
 * scope. S1E1RP/WP are FEAT_PAN2. */
static const mmu_at_op ops[] = {
    {"S1E1R", 0, 8, 0, MMU_AT_S1, 1, false, false, 1},
    {"S1E1W", 0, 8, 1, MMU_AT_S1, 1, true, false, 1},
    {"S1E0R", 0, 8, 2, MMU_AT_S1, 0, false, false, 1},
    {"S1E0W", 0, 8, 3, MMU_AT_S1, 0, true, false, 1},
    {"S1E1RP", 0, 9, 0, MMU_AT_S1, 1, false, true, 1},
    {"S1E1WP", 0, 9, 1, MMU_AT_S1, 1, true, true, 1},
    {"S1E2R", 4, 8, 0, MMU_AT_S1, 2, false, false, 2},
    {"S1E2W", 4, 8, 1, MMU_AT_S1, 2, true, false, 2},
    {"S12E1R", 4, 8, 4, MMU_AT_S12, 1, false, false, 2},
    {"S12E1W", 4, 8, 5, MMU_AT_S12, 1, true, false, 2},
    {"S12E0R", 4, 8, 6, MMU_AT_S12, 0, false, false, 2},
    {"S12E0W", 4, 8, 7, MMU_AT_S12, 0, true, false, 2},
};

const mmu_at_op *mmu_at_ops(size_t *count)
{
    *count = sizeof ops / sizeof ops[0];
    return ops;
}

const mmu_at_op *mmu_at_op_by_encoding(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
                                       unsigned op2)
{
    if (op0 != 1 || crn != AT_CRN)
        return NULL;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (ops[i].op1 == op1 && ops[i].crm == crm && ops[i].op2 == op2)
            return &ops[i];
    return NULL;
}

const mmu_at_op *mmu_at_op_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        const char *a = name, *b = ops[i].name;
        while (*a && toupper((unsigned char)*a) == *b)
            a++, b++;
        if (!*a && !*b)
            return &ops[i];
    }
    return NULL;
}

/* The access the walker is asked for. With HCR_EL2.{E2H,TGE} = {1,1} the
 * S1E1* and S1E0* forms translate in the EL2&0 regime (its EL2 / EL0
 * permissions); S12E* always mean EL1&0 followed by its stage 2, and
 * behave as the S1 forms when stage 2 is off. */
static mmu_access at_access(const mmu_cpu *cpu, const mmu_at_op *op, uint64_t va)
{
    uint64_t hcr = cpu->reg[MMU_HCR_EL2];
    bool host = (hcr & HCR_E2H) && (hcr & HCR_TGE);
    mmu_access acc = {
        .va = va,
        .kind = op->write ? MMU_ACC_WRITE : MMU_ACC_READ,
        .pan = op->pan,
        .s1_only = op->stages == MMU_AT_S1,
        .no_update = true,
    };
    if (op->target_el == 2)
        acc.el = 2;
    else if (op->stages == MMU_AT_S1 && host)
        acc.el = 2;
    else
        acc.el = 1;
    acc.unpriv = op->target_el == 0;
    return acc;
}

mmu_at_status mmu_at_execute(mmu_cpu *cpu, const mmu_at_op *op, uint64_t va, uint8_t el,
                             mmu_at_result *out)
{
    out->par = 0;
    out->exception_el = 0;
    if (!op || el < op->min_el || el > 2) {
        memset(&out->walk, 0, sizeof out->walk);
        return out->status = MMU_AT_UNDEFINED;
    }
    mmu_access acc = at_access(cpu, op, va);
    if (mmu_walk_translate(cpu, &acc, &out->walk)) {
        /* The S1 forms report stage 1's attributes (the walker leaves them
         * in result.attr when it stops after stage 1). */
        out->par = mmu_par_success(out->walk.result.pa, out->walk.result.attr);
        return out->status = MMU_AT_PAR;
    }
    const mmu_fault *f = &out->walk.fault;
    /* ASL AArch64.AT: a stage-2 fault during the stage-1 walk of an AT
     * executed at EL1 is taken to EL2 rather than reported in PAR. */
    if (el == 1 && f->stage == 2 && f->s1ptw) {
        out->exception_el = 2;
        return out->status = MMU_AT_EXCEPTION;
    }
    /* External aborts on the walk are taken as Data Aborts. */
    if (f->type == MMU_FAULT_EXTERNAL_WALK) {
        out->exception_el = (f->stage == 2 || el == 2) ? 2 : 1;
        return out->status = MMU_AT_EXCEPTION;
    }
    out->par = mmu_par_fault(f);
    return out->status = MMU_AT_PAR;
}
