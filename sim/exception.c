/* Building exceptions: see exception.h. */
#include "exception.h"

#include <inttypes.h>
#include <string.h>

#include "ldst.h"
#include "sysreg_hooks.h"

/* Register the syndrome registers of each target EL live in. */
static const uc_arm64_reg esr_reg[3] = {0, UC_ARM64_REG_ESR_EL1, UC_ARM64_REG_ESR_EL2};
static const uc_arm64_reg far_reg[3] = {0, UC_ARM64_REG_FAR_EL1, UC_ARM64_REG_FAR_EL2};
static const uc_arm64_reg elr_reg[3] = {0, UC_ARM64_REG_ELR_EL1, UC_ARM64_REG_ELR_EL2};
static const uc_arm64_reg vbar_reg[3] = {0, UC_ARM64_REG_VBAR_EL1, UC_ARM64_REG_VBAR_EL2};
static const uc_arm64_reg sp_reg[3] = {UC_ARM64_REG_SP_EL0, UC_ARM64_REG_SP_EL1,
                                       UC_ARM64_REG_SP_EL2};

/* Number of identical back-to-back faults, each with fewer than
 * STUCK_PROGRESS instructions in between, that count as "stuck". */
#define STUCK_REPEATS 100
#define STUCK_PROGRESS 64

uint8_t exception_route(const machine *m, uint8_t from_el)
{
    uint64_t hcr = mmu_cpu_get_reg(&m->cpu, MMU_HCR_EL2);
    uint8_t target = (from_el == 0 && (hcr & HCR_TGE)) ? 2 : 1;
    return target > from_el ? target : from_el;
}

/* A fault that re-executes the same instruction: repeating it identically
 * without progress means the guest cannot recover. */
static bool is_refault(machine_exc_kind k)
{
    return k == EXC_KIND_DATA_ABORT || k == EXC_KIND_INSN_ABORT || k == EXC_KIND_UNDEFINED ||
           k == EXC_KIND_SYSREG_TRAP;
}

static bool check_stuck(machine *m, const exc_entry *e, uint64_t esr, uint64_t vector)
{
    uint64_t sig[4] = {e->target_el, esr, e->has_far ? e->far : 0, e->return_addr};
    uint64_t progress = m->stats.insns - m->stuck_icount;
    bool same = is_refault(e->kind) && !memcmp(sig, m->stuck_sig, sizeof sig);
    m->stuck_repeats = same && progress < STUCK_PROGRESS ? m->stuck_repeats + 1 : 0;
    memcpy(m->stuck_sig, sig, sizeof sig);
    m->stuck_icount = m->stats.insns;
    if (!same || (progress != 0 && m->stuck_repeats < STUCK_REPEATS))
        return false;
    machine_halt(m, MACHINE_STUCK, 0,
                 "guest stuck: %s taken to EL%u again %s (ESR_EL%u 0x%08" PRIx64
                 ", FAR 0x%016" PRIx64 ", ELR 0x%016" PRIx64 ", vector 0x%016" PRIx64 ")",
                 machine_exc_kind_name(e->kind), e->target_el,
                 progress ? "and again without progress" : "with no instruction executed",
                 e->target_el, esr, e->has_far ? e->far : 0, e->return_addr, vector);
    return true;
}

static uint64_t new_pstate(const machine *m, uint64_t old, uint8_t target)
{
    /* AArch64.TakeException: NZCV, PAN and DIT are kept; DAIF masked;
     * SS, IL, UAO, BTYPE cleared; ELxh. */
    uint64_t ps = old & (PSTATE_NZCV | PSTATE_PAN | BIT64(24));
    ps |= PSTATE_DAIF | FIELD_PREP(PSTATE_EL, target) | PSTATE_SP;
    uint64_t hcr = mmu_cpu_get_reg(&m->cpu, MMU_HCR_EL2);
    uint64_t sctlr = mmu_cpu_get_reg(&m->cpu, target == 1 ? MMU_SCTLR_EL1 : MMU_SCTLR_EL2);
    bool host_el2 = target == 2 && (hcr & HCR_E2H) && (hcr & HCR_TGE);
    /* FEAT_PAN: PSTATE.PAN is set on entry to EL1 (or the EL2&0 host) when
     * SCTLR_ELx.SPAN is 0. */
    if ((target == 1 || host_el2) && !(sctlr & SCTLR_SPAN))
        ps |= PSTATE_PAN;
    if (sctlr & SCTLR_DSSBS)
        ps |= PSTATE_SSBS;
    return ps;
}

static void defer(machine *m, const exc_entry *e)
{
    if (m->deferred)
        return; /* the first exception of the instruction wins */
    *m->deferred_exc = *e;
    m->deferred = true;
    uc_context_save(m->uc, m->deferred_ctx);
    uc_emu_stop(m->uc);
}

void exception_take_deferred(machine *m)
{
    m->deferred = false;
    /* Undo whatever the rest of the translation block did after the
     * instruction (registers and PSTATE: the block ends at the next ISB or
     * branch, so in practice a few register moves). */
    uc_context_restore(m->uc, m->deferred_ctx);
    exception_take(m, m->deferred_exc);
}

void exception_take(machine *m, const exc_entry *e)
{
    if (m->in_insn_hook) {
        defer(m, e);
        return;
    }
    uint8_t t = e->target_el;
    uint64_t old = machine_pstate(m);
    uint8_t from = (uint8_t)FIELD_GET(PSTATE_EL, old);
    uint64_t esr = FIELD_PREP(ESR_EC, e->ec) | ESR_IL | FIELD_PREP(ESR_ISS, e->iss);
    uint64_t vbar = 0, sp = 0, elr = e->return_addr;
    uc_reg_read(m->uc, vbar_reg[t], &vbar);
    uint64_t offset = t > from ? VECTOR_LOWER_A64
                               : (old & PSTATE_SP) ? VECTOR_CURRENT_SPX : VECTOR_CURRENT_SP0;
    uint64_t vector = vbar + offset + VECTOR_SYNC;

    m->stats.exceptions[e->kind]++;
    if (check_stuck(m, e, esr, vector))
        return;

    /* Bank the current SP, switch PSTATE, load the target's SP_ELx; the
     * CP register writes that follow make QEMU rebuild its cached state. */
    uc_reg_read(m->uc, UC_ARM64_REG_SP, &sp);
    uc_reg_write(m->uc, sp_reg[(old & PSTATE_SP) ? from : 0], &sp);
    uint64_t ps = new_pstate(m, old, t);
    uc_reg_write(m->uc, UC_ARM64_REG_PSTATE, &ps);
    uc_reg_read(m->uc, sp_reg[t], &sp);
    uc_reg_write(m->uc, UC_ARM64_REG_SP, &sp);

    uc_reg_write(m->uc, esr_reg[t], &esr);
    uc_reg_write(m->uc, elr_reg[t], &elr);
    if (e->has_far)
        uc_reg_write(m->uc, far_reg[t], &e->far);
    if (e->has_hpfar)
        sysreg_write_cpu(m, SYSREG_HPFAR_EL2, e->hpfar);
    sysreg_write_cpu(m, t == 1 ? SYSREG_SPSR_EL1 : SYSREG_SPSR_EL2, old);
    uc_reg_write(m->uc, UC_ARM64_REG_PC, &vector);
    m->el_seen = t;
    machine_note_return_addr(m, elr);

    machine_exc_regs *r = &m->exc[t];
    *r = (machine_exc_regs){.valid = true, .esr = esr, .far = e->has_far ? e->far : 0,
                            .elr = elr, .spsr = old, .hpfar = e->has_hpfar ? e->hpfar : 0,
                            .vector = vector, .icount = m->stats.insns};

    if (machine_wants(m, MEV_EXCEPTION)) {
        machine_event ev = {.kind = MEV_EXCEPTION, .icount = m->stats.insns,
                            .pc = e->return_addr, .el = from};
        ev.u.exception = (walklog_exception){
            .kind = machine_exc_kind_name(e->kind), .from_el = from, .to_el = t, .esr = esr,
            .elr = elr, .spsr = old, .has_far = e->has_far, .far = e->far,
            .has_hpfar = e->has_hpfar, .hpfar = e->hpfar, .vector = vector};
        machine_emit(m, &ev);
    }
}

/* FAR for a data abort: the address of the first byte the faulting access
 * could not reach. The fill hook names the faulting (sub-)page; the
 * instruction gives the address inside it (an access that starts below the
 * page and crosses into it faults at the page's first byte). */
static uint64_t data_far(machine *m, uint64_t pc, ldst_info *li)
{
    uint64_t page = m->abort.page_va;
    uint32_t insn;
    memset(li, 0, sizeof *li);
    if (!machine_read_va(m, pc, &insn, sizeof insn, MMU_ACC_FETCH) || !ldst_decode(insn, pc, machine_read_x, m, li))
        return page;
    uint64_t sub = page & ~UINT64_C(0x3FF);
    if ((li->addr & ~UINT64_C(0x3FF)) == sub)
        return li->addr;
    if (li->addr < sub && li->addr + li->bytes > sub)
        return sub;
    return page;
}

void exception_abort(machine *m, uint64_t pc)
{
    machine_abort *a = &m->abort;
    a->pending = false;
    uint8_t from = machine_el(m);
    bool fetch = a->kind == MMU_ACC_FETCH;
    ldst_info li = {0};
    exc_entry e = {.kind = fetch ? EXC_KIND_INSN_ABORT : EXC_KIND_DATA_ABORT,
                   .return_addr = pc, .has_far = true};
    e.far = fetch ? pc : data_far(m, pc, &li);

    if (a->sea) {
        /* Synchronous External abort, not on a translation table walk. */
        m->stats.faults[MACHINE_FAULT_SEA]++;
        e.target_el = exception_route(m, from);
        e.iss = FSC_SEA;
        if (!fetch && a->kind == MMU_ACC_WRITE)
            e.iss |= BIT64(6); /* WnR */
    } else {
        const mmu_fault *f = &a->fault;
        m->stats.faults[f->type]++;
        bool stage2 = f->stage == 2;
        e.target_el = stage2 ? 2 : exception_route(m, from);
        e.iss = fetch ? mmu_iabt_iss(f) : mmu_dabt_iss(f, false);
        if (stage2 && f->ipa_valid) {
            e.has_hpfar = true;
            e.hpfar = mmu_hpfar(f->ipa);
        }
        /* ISV: the instruction syndrome is provided for stage-2 aborts
         * taken to EL2 on a single-register load/store without writeback
         * (ESR_ELx ISS encoding for a Data Abort, ISV). */
        if (!fetch && stage2 && !f->s1ptw && li.isv)
            e.iss |= DABT_ISS_ISV | FIELD_PREP(DABT_ISS_SAS, li.sas) |
                     (li.sse ? DABT_ISS_SSE : 0) | FIELD_PREP(DABT_ISS_SRT, li.srt) |
                     (li.sf ? DABT_ISS_SF : 0) | (li.ar ? DABT_ISS_AR : 0);
    }
    bool same = e.target_el == from;
    e.ec = fetch ? (same ? EC_IABT_SAME : EC_IABT_LOWER) : (same ? EC_DABT_SAME : EC_DABT_LOWER);
    exception_take(m, &e);
}

void exception_data_abort(machine *m, uint64_t pc, uint64_t far, const mmu_fault *f,
                          uint8_t target_el, bool cm)
{
    m->stats.faults[f->type]++;
    exc_entry e = {.kind = EXC_KIND_DATA_ABORT, .target_el = target_el, .return_addr = pc,
                   .has_far = true, .far = far, .iss = mmu_dabt_iss(f, cm)};
    e.ec = target_el == machine_el(m) ? EC_DABT_SAME : EC_DABT_LOWER;
    if (f->stage == 2 && f->ipa_valid) {
        e.has_hpfar = true;
        e.hpfar = mmu_hpfar(f->ipa);
    }
    exception_take(m, &e);
}

void exception_call(machine *m, machine_exc_kind kind, uint64_t next_pc, uint16_t imm16)
{
    uint8_t from = machine_el(m);
    exc_entry e = {.kind = kind, .iss = imm16, .return_addr = next_pc};
    switch (kind) {
    case EXC_KIND_HVC:
        e.ec = EC_HVC64;
        e.target_el = 2;
        break;
    case EXC_KIND_SMC:
        /* Only reaches here trapped by HCR_EL2.TSC: a trap returns to the
         * SMC itself. */
        e.ec = EC_SMC64;
        e.target_el = 2;
        e.return_addr = next_pc - 4;
        break;
    default:
        e.ec = EC_SVC64;
        e.target_el = exception_route(m, from);
        break;
    }
    exception_take(m, &e);
}

void exception_brk(machine *m, uint64_t pc, uint16_t imm16)
{
    exc_entry e = {.kind = EXC_KIND_BRK, .ec = EC_BRK64, .iss = imm16, .return_addr = pc,
                   .target_el = exception_route(m, machine_el(m))};
    exception_take(m, &e);
}

void exception_undefined(machine *m, uint64_t pc)
{
    exc_entry e = {.kind = EXC_KIND_UNDEFINED, .ec = EC_UNKNOWN, .return_addr = pc,
                   .target_el = exception_route(m, machine_el(m))};
    exception_take(m, &e);
}

void exception_sysreg_trap(machine *m, uint64_t pc, uint32_t iss)
{
    exc_entry e = {.kind = EXC_KIND_SYSREG_TRAP, .ec = EC_SYSREG, .iss = iss, .return_addr = pc,
                   .target_el = 2};
    exception_take(m, &e);
}
