/* MRS/MSR/SYS hooks: see sysreg_hooks.h. */
#include "sysreg_hooks.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "at.h"
#include "exception.h"
#include "tlb.h"
#include "tlbi.h"

/* A register served from the mmu_cpu shadow. `vhe` names the EL2 register
 * an EL1 encoding reaches at EL2 with HCR_EL2.E2H = 1 (DDI0487 D5.6
 * "Virtualization Host Extensions", register redirection), and `el12` says
 * the row is an *_EL12 encoding that reaches the EL1 register from there. */
typedef struct shadow_reg {
    sysreg_enc enc;
    mmu_reg reg;
    uint8_t min_el;
    bool read_only;
    bool tvm;             /* EL1 write trapped by HCR_EL2.TVM, read by TRVM */
    bool el12;
    mmu_reg vhe;          /* MMU_REG_COUNT: no redirection */
} shadow_reg;

#define NO_VHE MMU_REG_COUNT
static const shadow_reg shadow_regs[] = {
    {SYSREG_ENC(3, 0, 0, 7, 0), MMU_ID_AA64MMFR0_EL1, 1, true, false, false, NO_VHE},
    {SYSREG_ENC(3, 0, 0, 7, 1), MMU_ID_AA64MMFR1_EL1, 1, true, false, false, NO_VHE},
    {SYSREG_ENC(3, 0, 0, 7, 2), MMU_ID_AA64MMFR2_EL1, 1, true, false, false, NO_VHE},
    {SYSREG_ENC(3, 0, 0, 6, 0), MMU_ID_AA64ISAR0_EL1, 1, true, false, false, NO_VHE},
    {SYSREG_ENC(3, 0, 1, 0, 0), MMU_SCTLR_EL1, 1, false, true, false, MMU_SCTLR_EL2},
    {SYSREG_ENC(3, 0, 2, 0, 0), MMU_TTBR0_EL1, 1, false, true, false, MMU_TTBR0_EL2},
    {SYSREG_ENC(3, 0, 2, 0, 1), MMU_TTBR1_EL1, 1, false, true, false, MMU_TTBR1_EL2},
    {SYSREG_ENC(3, 0, 2, 0, 2), MMU_TCR_EL1, 1, false, true, false, MMU_TCR_EL2},
    {SYSREG_ENC(3, 0, 10, 2, 0), MMU_MAIR_EL1, 1, false, true, false, MMU_MAIR_EL2},
    {SYSREG_ENC(3, 5, 1, 0, 0), MMU_SCTLR_EL1, 2, false, false, true, NO_VHE},
    {SYSREG_ENC(3, 5, 2, 0, 0), MMU_TTBR0_EL1, 2, false, false, true, NO_VHE},
    {SYSREG_ENC(3, 5, 2, 0, 1), MMU_TTBR1_EL1, 2, false, false, true, NO_VHE},
    {SYSREG_ENC(3, 5, 2, 0, 2), MMU_TCR_EL1, 2, false, false, true, NO_VHE},
    {SYSREG_ENC(3, 5, 10, 2, 0), MMU_MAIR_EL1, 2, false, false, true, NO_VHE},
    {SYSREG_ENC(3, 4, 1, 0, 0), MMU_SCTLR_EL2, 2, false, false, false, NO_VHE},
    {SYSREG_ENC(3, 4, 2, 0, 0), MMU_TTBR0_EL2, 2, false, false, false, NO_VHE},
    {SYSREG_ENC(3, 4, 2, 0, 1), MMU_TTBR1_EL2, 2, false, false, false, NO_VHE},
    {SYSREG_ENC(3, 4, 2, 0, 2), MMU_TCR_EL2, 2, false, false, false, NO_VHE},
    {SYSREG_ENC(3, 4, 10, 2, 0), MMU_MAIR_EL2, 2, false, false, false, NO_VHE},
    {SYSREG_ENC(3, 4, 1, 1, 0), MMU_HCR_EL2, 2, false, false, false, NO_VHE},
    {SYSREG_ENC(3, 4, 2, 1, 2), MMU_VTCR_EL2, 2, false, false, false, NO_VHE},
    {SYSREG_ENC(3, 4, 2, 1, 0), MMU_VTTBR_EL2, 2, false, false, false, NO_VHE},
};

static bool enc_eq(sysreg_enc a, const uc_arm64_cp_reg *cp)
{
    return a.op0 == cp->op0 && a.op1 == cp->op1 && a.crn == cp->crn && a.crm == cp->crm &&
           a.op2 == cp->op2;
}

static const shadow_reg *find_shadow(const uc_arm64_cp_reg *cp)
{
    for (size_t i = 0; i < sizeof shadow_regs / sizeof shadow_regs[0]; i++)
        if (enc_eq(shadow_regs[i].enc, cp))
            return &shadow_regs[i];
    return NULL;
}

void sysreg_write_cpu(machine *m, sysreg_enc e, uint64_t value)
{
    uc_arm64_cp_reg cp = {.op0 = e.op0, .op1 = e.op1, .crn = e.crn, .crm = e.crm, .op2 = e.op2,
                          .val = value};
    uc_reg_write(m->uc, UC_ARM64_REG_CP_REG, &cp);
}

bool sysreg_read_cpu(machine *m, sysreg_enc e, uint64_t *value)
{
    uc_arm64_cp_reg cp = {.op0 = e.op0, .op1 = e.op1, .crn = e.crn, .crm = e.crm, .op2 = e.op2};
    if (uc_reg_read(m->uc, UC_ARM64_REG_CP_REG, &cp) != UC_ERR_OK)
        return false;
    *value = cp.val;
    return true;
}

uint64_t sysreg_hcr_for_cpu(uint64_t hcr)
{
    return (hcr & (HCR_E2H | HCR_TGE)) | HCR_RW;
}

/* Unicorn names Xt by its register enum; the ISS wants the number. */
static unsigned rt_number(uc_arm64_reg r)
{
    if (r >= UC_ARM64_REG_X0 && r <= UC_ARM64_REG_X28)
        return (unsigned)(r - UC_ARM64_REG_X0);
    if (r == UC_ARM64_REG_X29 || r == UC_ARM64_REG_X30)
        return 29 + (unsigned)(r - UC_ARM64_REG_X29);
    return 31;
}

static uint32_t sysreg_iss(const uc_arm64_cp_reg *cp, uc_arm64_reg rt, bool read)
{
    return (uint32_t)(FIELD_PREP(SYSREG_ISS_OP0, cp->op0) | FIELD_PREP(SYSREG_ISS_OP2, cp->op2) |
                      FIELD_PREP(SYSREG_ISS_OP1, cp->op1) | FIELD_PREP(SYSREG_ISS_CRN, cp->crn) |
                      FIELD_PREP(SYSREG_ISS_RT, rt_number(rt)) |
                      FIELD_PREP(SYSREG_ISS_CRM, cp->crm) | (read ? SYSREG_ISS_DIR : 0));
}

static uint64_t current_pc(machine *m)
{
    uint64_t pc = 0;
    uc_reg_read(m->uc, UC_ARM64_REG_PC, &pc);
    return pc;
}

/* Ends a handled instruction: Unicorn does not advance past encodings it
 * considers undefined, so the PC is always moved explicitly (writing it
 * from a hook also ends the translation block, which is what we want after
 * a register that changes translation). */
static uint32_t skip(machine *m, uint64_t pc)
{
    pc += 4;
    uc_reg_write(m->uc, UC_ARM64_REG_PC, &pc);
    return 1;
}

/* An access that is not allowed: undefined at the current EL. */
static uint32_t undefined(machine *m, uint64_t pc)
{
    exception_undefined(m, pc);
    return 1;
}

/* The shadowed register an access reaches, after the VHE redirection, or
 * MMU_REG_COUNT when the access is undefined at this EL. */
static mmu_reg resolve(machine *m, const shadow_reg *s, uint8_t el)
{
    bool e2h = mmu_cpu_get_reg(&m->cpu, MMU_HCR_EL2) & HCR_E2H;
    if (el < s->min_el || (s->el12 && !e2h))
        return MMU_REG_COUNT;
    if (el == 2 && e2h && s->vhe != NO_VHE)
        return s->vhe;
    return s->reg;
}

static void emit_register_write(machine *m, uint64_t pc, mmu_reg reg, uint64_t old, uint64_t value)
{
    if (!machine_wants(m, MEV_SYSREG))
        return;
    machine_event ev = {.kind = MEV_SYSREG, .icount = m->stats.insns, .pc = pc,
                        .el = machine_el(m),
                        .u.sysreg = {.reg = reg, .old_value = old, .new_value = value}};
    machine_emit(m, &ev);
}

static uint32_t hook_mrs_body(machine *m, uc_arm64_reg rt, const uc_arm64_cp_reg *cp)
{
    const shadow_reg *s = find_shadow(cp);
    if (!s)
        return 0; /* Unicorn's own register */
    uint64_t pc = current_pc(m);
    uint8_t el = machine_el(m);
    mmu_reg reg = resolve(m, s, el);
    if (reg == MMU_REG_COUNT)
        return undefined(m, pc);
    if (el == 1 && s->tvm && (mmu_cpu_get_reg(&m->cpu, MMU_HCR_EL2) & HCR_TRVM)) {
        exception_sysreg_trap(m, pc, sysreg_iss(cp, rt, true));
        return 1;
    }
    uint64_t v = mmu_cpu_get_reg(&m->cpu, reg);
    if (rt_number(rt) != 31)
        uc_reg_write(m->uc, rt, &v);
    return skip(m, pc);
}

/* ELR_EL1, ELR_EL2 and ELR_EL12 (op0 3, CRn 4, CRm 0, op2 1). */
static bool is_elr(const uc_arm64_cp_reg *cp)
{
    return cp->op0 == 3 && cp->crn == 4 && cp->crm == 0 && cp->op2 == 1 &&
           (cp->op1 == 0 || cp->op1 == 4 || cp->op1 == 5);
}

static uint32_t hook_msr_body(machine *m, uc_arm64_reg rt, const uc_arm64_cp_reg *cp)
{
    const shadow_reg *s = find_shadow(cp);
    if (!s) {
        if (is_elr(cp))
            machine_note_return_addr(m, cp->val); /* for ERET detection */
        return 0; /* Unicorn's own register */
    }
    uint64_t pc = current_pc(m);
    uint8_t el = machine_el(m);
    mmu_reg reg = resolve(m, s, el);
    if (reg == MMU_REG_COUNT || s->read_only)
        return undefined(m, pc);
    if (el == 1 && s->tvm && (mmu_cpu_get_reg(&m->cpu, MMU_HCR_EL2) & HCR_TVM)) {
        exception_sysreg_trap(m, pc, sysreg_iss(cp, rt, false));
        return 1;
    }
    uint64_t old = mmu_cpu_get_reg(&m->cpu, reg);
    mmu_cpu_set_reg(&m->cpu, reg, cp->val);
    m->stats.sysreg_writes++;
    if (reg == MMU_HCR_EL2)
        sysreg_write_cpu(m, SYSREG_HCR_EL2, sysreg_hcr_for_cpu(cp->val));
    /* Unicorn's cached fills were judged under the old value. */
    machine_flush_fills(m);
    emit_register_write(m, pc, reg, old, mmu_cpu_get_reg(&m->cpu, reg));
    return skip(m, pc);
}

static void count_tlbi(machine *m, const char *name)
{
    machine_stats *st = &m->stats;
    st->tlbis++;
    for (int i = 0; i < st->n_tlbi_ops; i++)
        if (st->tlbi_by_op[i].op == name) {
            st->tlbi_by_op[i].count++;
            return;
        }
    if (st->n_tlbi_ops < MACHINE_MAX_TLBI_OPS) {
        st->tlbi_by_op[st->n_tlbi_ops].op = name;
        st->tlbi_by_op[st->n_tlbi_ops++].count = 1;
    }
}

static void emit_tlbi(machine *m, uint64_t pc, const mmu_tlbi_op *op, bool nxs, uint64_t xt,
                      const mmu_tlbi *t, long removed)
{
    if (!machine_wants(m, MEV_TLBI))
        return;
    machine_event ev = {.kind = MEV_TLBI, .icount = m->stats.insns, .pc = pc,
                        .el = machine_el(m),
                        .u.tlbi = {.op = op, .nxs = nxs, .xt = xt, .decoded = t,
                                   .removed = removed}};
    machine_emit(m, &ev);
}

/* FEAT_XS, as ID_AA64ISAR1_EL1.XS (bits [59:56]) of Unicorn's CPU says:
 * without it the nXS forms (CRn = 9) are unallocated encodings. mmusim
 * does not shadow ID_AA64ISAR1_EL1, so the guest reads the same value. */
#define ISAR1_XS GENMASK64(59, 56)
static bool cpu_has_xs(machine *m)
{
    uint64_t isar1 = 0;
    return sysreg_read_cpu(m, SYSREG_ENC(3, 0, 0, 6, 1), &isar1) && FIELD_GET(ISAR1_XS, isar1);
}

/* TLBI: DDI0487 C5.5; undefined at EL0, EL2 operations undefined at EL1,
 * nXS forms undefined without FEAT_XS,
 * EL1 operations at EL1 trapped by HCR_EL2.TTLB (D19.2.48). */
static uint32_t do_tlbi(machine *m, const mmu_tlbi_op *op, bool nxs, uc_arm64_reg rt,
                        const uc_arm64_cp_reg *cp)
{
    uint64_t pc = current_pc(m);
    uint8_t el = machine_el(m);
    const mmu_features *f = &m->cpu.feat;
    if (el < op->el || (op->range && !f->tlbirange) || (op->share == MMU_TLBI_OS && !f->tlbios) ||
        (nxs && !cpu_has_xs(m)))
        return undefined(m, pc);
    if (el == 1 && (mmu_cpu_get_reg(&m->cpu, MMU_HCR_EL2) & HCR_TTLB)) {
        exception_sysreg_trap(m, pc, sysreg_iss(cp, rt, false));
        return 1;
    }
    mmu_tlbi_ctx tctx;
    mmu_tlbi t;
    char err[160];
    mmu_tlbi_context(&m->cpu, &tctx);
    if (mmu_tlbi_decode(op, nxs, cp->val, &tctx, &t, err, sizeof err) == 0) {
        size_t n_ops;
        size_t row = (size_t)(op - mmu_tlbi_ops(&n_ops));
        uint64_t before = m->tlb.stats.removed[row];
        mmu_tlb_invalidate(&m->tlb, &t);
        emit_tlbi(m, pc, op, nxs, cp->val, &t, (long)(m->tlb.stats.removed[row] - before));
    } else {
        emit_tlbi(m, pc, op, nxs, cp->val, NULL, 0);
    }
    count_tlbi(m, op->name);
    machine_flush_fills(m);
    return skip(m, pc);
}

static void emit_at(machine *m, uint64_t pc, const mmu_at_op *op, uint64_t operand,
                    mmu_at_status st, const mmu_at_result *res)
{
    if (!machine_wants(m, MEV_AT))
        return;
    machine_event ev = {.kind = MEV_AT, .icount = m->stats.insns, .pc = pc,
                        .el = machine_el(m),
                        .u.at = {.op = op, .operand = operand, .walk = &res->walk, .status = st,
                                 .par = res->par}};
    machine_emit(m, &ev);
}

/* AT: mmu/at.h does the walk and builds PAR_EL1, or says which Data Abort
 * the AT takes instead (DDI0487 C5.5, ASL AArch64.AT). */
static uint32_t do_at(machine *m, const mmu_at_op *op, const uc_arm64_cp_reg *cp)
{
    uint64_t pc = current_pc(m);
    uint64_t ps = machine_pstate(m);
    uint8_t el = (uint8_t)FIELD_GET(PSTATE_EL, ps);
    if (el < op->min_el)
        return undefined(m, pc);
    /* AT S1E1RP/WP honour PSTATE.PAN (FEAT_PAN2): with PAN clear they
     * behave as S1E1R/W. */
    if (op->pan && !(ps & PSTATE_PAN))
        op = mmu_at_op_by_name(op->write ? "S1E1W" : "S1E1R");
    mmu_at_result res;
    mmu_at_status st = mmu_at_execute(&m->cpu, op, cp->val, el, &res);
    m->stats.ats++;
    emit_at(m, pc, op, cp->val, st, &res);
    switch (st) {
    case MMU_AT_PAR:
        uc_reg_write(m->uc, UC_ARM64_REG_PAR_EL1, &res.par);
        return skip(m, pc);
    case MMU_AT_EXCEPTION:
        /* ESR.CM = 1: the abort comes from a cache maintenance or address
         * translation instruction (ISS encoding for a Data Abort, CM). */
        exception_data_abort(m, pc, cp->val, &res.walk.fault, res.exception_el, true);
        return 1;
    default:
        return undefined(m, pc);
    }
}

static uint32_t hook_sys_body(machine *m, uc_arm64_reg rt, const uc_arm64_cp_reg *cp)
{
    bool nxs = false;
    const mmu_tlbi_op *op = mmu_tlbi_op_by_encoding(cp->op0, cp->op1, cp->crn, cp->crm, cp->op2,
                                                    &nxs);
    if (op)
        return do_tlbi(m, op, nxs, rt, cp);
    const mmu_at_op *at = mmu_at_op_by_encoding(cp->op0, cp->op1, cp->crn, cp->crm, cp->op2);
    if (at)
        return do_at(m, at, cp);
    return 0; /* DC, IC and the rest run in Unicorn */
}

/* The hooks proper: exceptions they raise are deferred (exception_take). */
#define INSN_HOOK(name)                                                                   \
    static uint32_t name(uc_engine *uc, uc_arm64_reg rt, const uc_arm64_cp_reg *cp,       \
                         void *ctx)                                                       \
    {                                                                                     \
        (void)uc;                                                                         \
        machine *m = ctx;                                                                 \
        m->in_insn_hook = true;                                                           \
        uint32_t skip_it = name##_body(m, rt, cp);                                        \
        m->in_insn_hook = false;                                                          \
        return skip_it;                                                                   \
    }
INSN_HOOK(hook_mrs)
INSN_HOOK(hook_msr)
INSN_HOOK(hook_sys)

int sysreg_install(machine *m, char *err, size_t errlen)
{
    uc_hook h;
    uc_err e = uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)hook_mrs, m, 1, 0, UC_ARM64_INS_MRS);
    if (e == UC_ERR_OK)
        e = uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)hook_msr, m, 1, 0, UC_ARM64_INS_MSR);
    if (e == UC_ERR_OK)
        e = uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)hook_sys, m, 1, 0, UC_ARM64_INS_SYS);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot install the system register hooks: %s", uc_strerror(e));
        return -1;
    }
    return 0;
}
