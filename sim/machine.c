/* The simulated machine: Unicorn setup, the run loop and its hooks (block
 * counting, CPU exceptions), guest output and the end-of-run summary. See
 * machine.h. */
#include "machine.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "access_hooks.h"
#include "cpu_preset.h"
#include "exception.h"
#include "fill.h"
#include "loader.h"
#include "semihost.h"
#include "sysreg_hooks.h"

/* QEMU's exception numbers as Unicorn's UC_HOOK_INTR reports them
 * (target/arm/cpu.h EXCP_*). */
enum {
    EXCP_UDEF = 1,
    EXCP_SWI = 2,
    EXCP_BKPT = 7,
    EXCP_HVC = 11,
    EXCP_SMC = 13,
};

/* SCR_EL3 as the virt board without EL3 firmware implies: Non-secure,
 * HVC enabled, EL2 AArch64 (DDI0487 D19.2.117). */
#define SCR_NS BIT64(0)
#define SCR_HCE BIT64(8)
#define SCR_RW BIT64(10)

/* Reset values of the shadowed SCTLRs, as QEMU 7.2 -cpu max reports them
 * on the virt board (RES1 bits and SPAN set; MMU, caches off). */
#define RESET_SCTLR_EL1 UINT64_C(0x30d00800)
#define RESET_SCTLR_EL2 UINT64_C(0x30c50830)

/* The machine's TLB unless a scenario says otherwise. */
static const mmu_tlb_config default_tlb = {
    .mode = MMU_TLB_BOUNDED, .entries = 1024, .ways = 4, .policy = MMU_TLB_LRU};

/* A64 encodings the exception hook decodes: imm16 of SVC/HVC/SMC/BRK. */
#define INSN_IMM16 GENMASK64(20, 5)

const char *machine_exc_kind_name(machine_exc_kind k)
{
    static const char *const names[EXC_KIND_COUNT] = {
        "data-abort", "instruction-abort", "svc", "hvc", "smc", "brk", "undefined",
        "sysreg-trap"};
    return (unsigned)k < EXC_KIND_COUNT ? names[k] : "?";
}

uint64_t machine_pstate(machine *m)
{
    uint64_t ps = 0;
    uc_reg_read(m->uc, UC_ARM64_REG_PSTATE, &ps);
    return ps;
}

uint8_t machine_el(machine *m)
{
    return (uint8_t)FIELD_GET(PSTATE_EL, machine_pstate(m));
}

void machine_halt(machine *m, machine_stop_reason reason, int exit_code, const char *fmt, ...)
{
    if (m->stop.reason != MACHINE_RUNNING)
        return; /* the first reason wins */
    m->stop.reason = reason;
    m->stop.exit_code = exit_code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->stop.message, sizeof m->stop.message, fmt, ap);
    va_end(ap);
    uc_emu_stop(m->uc);
}

void machine_flush_fills(machine *m)
{
    uc_ctl_flush_tlb(m->uc);
    fill_map_clear(&m->fills);
}

void machine_guest_output(machine *m, const char *bytes, size_t len)
{
    if (m->out) {
        fwrite(bytes, 1, len, m->out);
        fflush(m->out);
    }
    if (!m->capture)
        return;
    if (m->captured_len + len + 1 > m->captured_cap) {
        size_t cap = m->captured_cap ? m->captured_cap : 256;
        while (cap < m->captured_len + len + 1)
            cap *= 2;
        char *p = realloc(m->captured, cap);
        if (!p)
            return; /* the capture is best effort; stdout has the bytes */
        m->captured = p;
        m->captured_cap = cap;
    }
    memcpy(m->captured + m->captured_len, bytes, len);
    m->captured_len += len;
    m->captured[m->captured_len] = 0;
}

static void uart_to_guest_output(void *ctx, const char *bytes, size_t len)
{
    machine_guest_output(ctx, bytes, len);
}

/* machine_read_va for an access from `el`. */
static bool read_va_at(machine *m, uint8_t el, uint64_t va, void *buf, size_t len,
                       mmu_access_kind kind)
{
    uint8_t *dst = buf;
    while (len) {
        mmu_access acc = {.va = va, .kind = kind, .el = el, .no_update = true};
        mmu_walk walk;
        if (!mmu_walk_translate(&m->cpu, &acc, &walk))
            return false;
        /* Copy up to the end of the smallest granule page. */
        uint64_t in_page = 0x1000 - (va & 0xFFF);
        size_t n = len < in_page ? len : (size_t)in_page;
        if (!physmem_read(&m->mem, walk.result.pa, dst, n))
            return false;
        dst += n;
        va += n;
        len -= n;
    }
    return true;
}

/* Unicorn's enum for Xn, n in 0..30 (X29 and X30 are not after X28). */
static uc_arm64_reg x_reg(unsigned n)
{
    return n <= 28 ? UC_ARM64_REG_X0 + (int)n : UC_ARM64_REG_X29 + (int)(n - 29);
}

uint64_t machine_read_x(void *ctx, unsigned n, bool is_sp)
{
    machine *m = ctx;
    uint64_t v = 0;
    if (n == 31) {
        if (is_sp)
            uc_reg_read(m->uc, UC_ARM64_REG_SP, &v);
        return v;
    }
    uc_reg_read(m->uc, x_reg(n), &v);
    return v;
}

bool machine_unpriv_applies(const machine *m, uint64_t pstate)
{
    uint8_t el = (uint8_t)FIELD_GET(PSTATE_EL, pstate);
    uint64_t hcr = mmu_cpu_get_reg(&m->cpu, MMU_HCR_EL2);
    bool host = (hcr & HCR_E2H) && (hcr & HCR_TGE);
    return !(pstate & PSTATE_UAO) && (el == 1 || (el == 2 && host));
}

bool machine_read_va(machine *m, uint64_t va, void *buf, size_t len, mmu_access_kind kind)
{
    return read_va_at(m, machine_el(m), va, buf, len, kind);
}

/* The PC an event is reported at (for MEV_ACCESS the instruction behind
 * the fill) and the instruction word there; false when it cannot be read. */
static bool event_insn(machine *m, const machine_event *ev, uint64_t *pc, uint32_t *word)
{
    bool have = false;
    *pc = ev->pc;
    if (ev->kind == MEV_ACCESS)
        *pc = fill_access_pc(m, ev->u.access.acc->va, ev->u.access.acc->kind, word, &have);
    if (!have)
        have = read_va_at(m, ev->el, *pc, word, sizeof *word, MMU_ACC_FETCH);
    if (!have)
        *word = 0;
    return have;
}

walklog_where machine_event_where(machine *m, const machine_event *ev, char *insn_buf,
                                  size_t insn_len)
{
    uint64_t pc;
    uint32_t word;
    bool have = event_insn(m, ev, &pc, &word);
    walklog_where w = {.icount = ev->icount, .pc = pc, .el = ev->el};
    const char *text = have && insn_len ? disasm_cache_text(&m->disasm, m->cs, pc, word) : NULL;
    if (text) {
        snprintf(insn_buf, insn_len, "%s", text);
        w.insn = insn_buf;
    }
    return w;
}

walklog_where machine_event_place(machine *m, const machine_event *ev, bool *has_word,
                                  uint32_t *word)
{
    uint64_t pc;
    *has_word = event_insn(m, ev, &pc, word);
    return (walklog_where){.icount = ev->icount, .pc = pc, .el = ev->el};
}

int machine_attach_sink(machine *m, unsigned kinds, machine_sink_fn fn, void *ctx, char *err,
                        size_t errlen)
{
    if (m->n_sinks == MACHINE_MAX_SINKS) {
        snprintf(err, errlen, "at most %d event sinks (logs, recorders) per run", MACHINE_MAX_SINKS);
        return -1;
    }
    if (access_hooks_install(m, kinds, err, errlen))
        return -1;
    m->sinks[m->n_sinks++] = (machine_sink){.kinds = kinds, .fn = fn, .ctx = ctx};
    m->sink_kinds |= kinds;
    return 0;
}

void machine_emit(machine *m, const machine_event *ev)
{
    for (unsigned i = 0; i < m->n_sinks; i++)
        if (m->sinks[i].kinds & ev->kind)
            m->sinks[i].fn(m->sinks[i].ctx, m, ev);
}


/* ---- Instruction counting ---------------------------------------------- */

/* Called as each translation block starts: the whole block is counted
 * (A64 instructions are 4 bytes) and uncount() takes back what an
 * exception in the middle of it skipped. */
void machine_note_return_addr(machine *m, uint64_t addr)
{
    m->return_addrs[m->next_return_addr++ % 4] = addr;
}

static bool may_be_eret_target(const machine *m, uint64_t pc)
{
    return pc == m->return_addrs[0] || pc == m->return_addrs[1] || pc == m->return_addrs[2] ||
           pc == m->return_addrs[3];
}

/* Unicorn executes ERET itself, without a hook, and ends the translation
 * block with it: an ERET shows as a block that starts at an ELR value
 * (machine_note_return_addr) at another EL than the last block ran at
 * (exceptions mmusim takes update el_seen themselves). Reading PSTATE at
 * every block would cost more than half the guest's speed; the ELR filter
 * makes it one compare. An ERET back to the same EL is not seen this way.
 * Checked only when a sink wants exceptions. */
__attribute__((noinline, cold)) static void notice_eret(machine *m, uint64_t pc)
{
    if (!m->block_size)
        return; /* the first block: no previous one to end with an ERET */
    uint64_t ps = machine_pstate(m);
    uint8_t el = (uint8_t)FIELD_GET(PSTATE_EL, ps);
    if (el == m->el_seen)
        return;
    /* The ERET was the last instruction of the previous block. */
    machine_event ev = {.kind = MEV_EXCEPTION, .icount = m->stats.insns - 1,
                        .pc = m->block_pc + m->block_size - 4, .el = m->el_seen};
    ev.u.exception = (walklog_exception){.kind = "eret", .from_el = m->el_seen, .to_el = el,
                                         .elr = pc, .spsr = ps, .vector = pc};
    m->el_seen = el;
    machine_emit(m, &ev);
}

/* A flush the fill hook asked for (mode NONE): out of line, so that the
 * hot path below needs no stack frame. */
__attribute__((noinline, cold)) static void flush_now(machine *m)
{
    m->flush_at_block = false;
    machine_flush_fills(m);
}

/* Runs before every block: the hot path of a TLB-friendly guest, kept to
 * a few loads and stores. */
static void hook_block(uc_engine *uc, uint64_t address, uint32_t size, void *ctx)
{
    (void)uc;
    machine *m = ctx;
    if (m->stats.insns >= m->insn_limit) {
        m->block_size = 0;
        machine_halt(m, MACHINE_MAX_INSNS, 0,
                     "stopped after %" PRIu64 " instructions (--max-insns) at PC 0x%016" PRIx64,
                     m->stats.insns, address);
        return;
    }
    if (m->flush_at_block)
        flush_now(m);
    if (m->watch_erets && may_be_eret_target(m, address))
        notice_eret(m, address);
    m->block_pc = address;
    m->block_size = size;
    m->fill_cursor = 0;
    m->stats.insns += size / 4;
}

/* The instruction at pc and those after it in the block did not execute. */
static void uncount(machine *m, uint64_t pc)
{
    uint64_t end = m->block_pc + m->block_size;
    if (pc >= m->block_pc && pc < end)
        m->stats.insns -= (end - pc) / 4;
}

/* ---- CPU exceptions Unicorn reports -------------------------------------- */

static uint32_t insn_at(machine *m, uint64_t pc)
{
    uint32_t insn = 0;
    machine_read_va(m, pc, &insn, sizeof insn, MMU_ACC_FETCH);
    return insn;
}

/* SMC on the virt board with virtualization=on: there is no EL3 and QEMU
 * implements PSCI itself with the SMC conduit. HCR_EL2.TSC traps it from
 * EL1 first (DDI0487 D1.4.x, HCR_EL2.TSC). Of PSCI (Arm DEN0022) only
 * SYSTEM_OFF and SYSTEM_RESET end the run; other functions return
 * NOT_SUPPORTED. */
#define HCR_TSC BIT64(19)
#define PSCI_SYSTEM_OFF UINT64_C(0x84000008)
#define PSCI_SYSTEM_RESET UINT64_C(0x84000009)
#define PSCI_NOT_SUPPORTED UINT64_MAX /* -1 */

static void smc(machine *m, uint64_t next_pc)
{
    uint8_t el = machine_el(m);
    uint16_t imm = (uint16_t)FIELD_GET(INSN_IMM16, insn_at(m, next_pc - 4));
    if (el == 1 && (mmu_cpu_get_reg(&m->cpu, MMU_HCR_EL2) & HCR_TSC)) {
        exception_call(m, EXC_KIND_SMC, next_pc, imm);
        return;
    }
    uint64_t fn = 0;
    uc_reg_read(m->uc, UC_ARM64_REG_X0, &fn);
    fn &= 0xFFFFFFFFu;
    if (fn == PSCI_SYSTEM_OFF || fn == PSCI_SYSTEM_RESET) {
        machine_halt(m, MACHINE_EXITED, 0, "guest called PSCI %s",
                     fn == PSCI_SYSTEM_OFF ? "SYSTEM_OFF" : "SYSTEM_RESET");
        return;
    }
    uint64_t ret = PSCI_NOT_SUPPORTED;
    uc_reg_write(m->uc, UC_ARM64_REG_X0, &ret);
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *ctx)
{
    machine *m = ctx;
    uint64_t pc = 0;
    uc_reg_read(uc, UC_ARM64_REG_PC, &pc);
    switch (intno) {
    case EXCP_SWI:
        exception_call(m, EXC_KIND_SVC, pc, (uint16_t)FIELD_GET(INSN_IMM16, insn_at(m, pc - 4)));
        break;
    case EXCP_HVC:
        exception_call(m, EXC_KIND_HVC, pc, (uint16_t)FIELD_GET(INSN_IMM16, insn_at(m, pc - 4)));
        break;
    case EXCP_SMC:
        smc(m, pc);
        break;
    case EXCP_BKPT:
        uncount(m, pc);
        exception_brk(m, pc, (uint16_t)FIELD_GET(INSN_IMM16, insn_at(m, pc)));
        break;
    case EXCP_UDEF:
        /* Semihosting is refused at EL0, as QEMU does without
         * userspace=on: HLT is then undefined. */
        if (insn_at(m, pc) == SEMIHOST_HLT_INSN && machine_el(m) > 0) {
            semihost_call(m, pc);
            pc += 4;
            uc_reg_write(uc, UC_ARM64_REG_PC, &pc);
        } else {
            uncount(m, pc);
            exception_undefined(m, pc);
        }
        break;
    default:
        machine_halt(m, MACHINE_FAILED, 0, "unexpected CPU exception %u at PC 0x%016" PRIx64,
                     intno, pc);
        break;
    }
}

/* ---- Setup ------------------------------------------------------------- */

static int uc_fail(char *err, size_t errlen, const char *what, uc_err e)
{
    snprintf(err, errlen, "Unicorn: %s: %s", what, uc_strerror(e));
    return -1;
}

int machine_init(machine *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    fill_map_init(&m->fills);
    m->out = stdout;
    m->guest_err = stderr;
    uc_err e = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &m->uc);
    if (e != UC_ERR_OK)
        return uc_fail(err, errlen, "cannot open an AArch64 CPU", e);
    e = uc_ctl_set_cpu_model(m->uc, UC_CPU_ARM64_MAX);
    if (e != UC_ERR_OK)
        return uc_fail(err, errlen, "cannot select the 'max' CPU", e);
    if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &m->cs) != CS_ERR_OK) {
        snprintf(err, errlen, "Capstone: cannot open an AArch64 disassembler");
        return -1;
    }
    if (disasm_cache_init(&m->disasm)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    physmem_init(&m->mem, m->uc);
    mmu_port port = physmem_port(&m->mem);
    mmu_cpu_init(&m->cpu, &port);
    const cpu_preset *max = cpu_preset_find("max");
    if (!max) {
        snprintf(err, errlen, "CPU preset 'max' is missing");
        return -1;
    }
    cpu_preset_apply(&m->cpu, max);
    mmu_cpu_set_reg(&m->cpu, MMU_SCTLR_EL1, RESET_SCTLR_EL1);
    mmu_cpu_set_reg(&m->cpu, MMU_SCTLR_EL2, RESET_SCTLR_EL2);
    if (mmu_tlb_init(&m->tlb, &default_tlb, err, errlen))
        return -1;
    m->deferred_exc = calloc(1, sizeof *m->deferred_exc);
    if (!m->deferred_exc) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    if (fill_install(m, err, errlen) || sysreg_install(m, err, errlen))
        return -1;
    uc_hook h;
    e = uc_hook_add(m->uc, &h, UC_HOOK_INTR, (void *)hook_intr, m, 1, 0);
    if (e == UC_ERR_OK)
        e = uc_hook_add(m->uc, &h, UC_HOOK_BLOCK, (void *)hook_block, m, 1, 0);
    if (e != UC_ERR_OK)
        return uc_fail(err, errlen, "cannot install the CPU hooks", e);
    /* Run until uc_emu_stop: exits enabled with an empty set. */
    e = uc_ctl_exits_enable(m->uc);
    if (e != UC_ERR_OK)
        return uc_fail(err, errlen, "cannot enable exits", e);
    e = uc_context_alloc(m->uc, &m->deferred_ctx);
    if (e != UC_ERR_OK)
        return uc_fail(err, errlen, "cannot allocate a CPU context", e);

    /* EL3 absent, EL2 and EL1 AArch64: without this an ERET sets PSTATE.IL. */
    sysreg_write_cpu(m, SYSREG_SCR_EL3, SCR_NS | SCR_HCE | SCR_RW);
    sysreg_write_cpu(m, SYSREG_HCR_EL2, sysreg_hcr_for_cpu(0));
    return machine_set_entry(m, MACHINE_VIRT_RAM_BASE, 2, false, 0, err, errlen);
}

void machine_destroy(machine *m)
{
    if (m->deferred_ctx)
        uc_context_free(m->deferred_ctx);
    free(m->deferred_exc);
    if (m->uc)
        uc_close(m->uc);
    if (m->cs)
        cs_close(&m->cs);
    disasm_cache_free(&m->disasm);
    physmem_free(&m->mem);
    fill_map_free(&m->fills);
    mmu_tlb_free(&m->tlb);
    free(m->captured);
    memset(m, 0, sizeof *m);
}

int machine_add_ram(machine *m, const char *name, uint64_t base, uint64_t size, char *err,
                    size_t errlen)
{
    return physmem_add_ram(&m->mem, name, base, size, err, errlen);
}

int machine_add_uart(machine *m, char *err, size_t errlen)
{
    return uart_attach(&m->uart, &m->mem, UART_BASE, uart_to_guest_output, m, err, errlen);
}

int machine_add_virt_board(machine *m, uint64_t ram_size, char *err, size_t errlen)
{
    if (machine_add_ram(m, "ram", MACHINE_VIRT_RAM_BASE, ram_size, err, errlen))
        return -1;
    return machine_add_uart(m, err, errlen);
}

int machine_load_elf(machine *m, const char *path, uint64_t *entry, char *err, size_t errlen)
{
    return loader_load_elf(&m->mem, path, entry, err, errlen);
}

int machine_load_raw(machine *m, const char *path, uint64_t pa, char *err, size_t errlen)
{
    return loader_load_raw(&m->mem, path, pa, err, errlen);
}

int machine_set_entry(machine *m, uint64_t pc, uint8_t el, bool sp_el0, uint64_t sp, char *err,
                      size_t errlen)
{
    static const uc_arm64_reg sp_bank[3] = {UC_ARM64_REG_SP_EL0, UC_ARM64_REG_SP_EL1,
                                            UC_ARM64_REG_SP_EL2};
    if (el > 2) {
        snprintf(err, errlen, "entry EL%u: only EL0, EL1 and EL2 exist on this machine", el);
        return -1;
    }
    if (el == 0 && !sp_el0)
        sp_el0 = true; /* EL0 has only SP_EL0 */
    /* NZCV is UNKNOWN at reset; QEMU starts with Z set (0b0100), and so
     * do we, so that SPSR values match it. */
    uint64_t ps = PSTATE_DAIF | FIELD_PREP(PSTATE_EL, el) | (sp_el0 ? 0 : PSTATE_SP) |
                  FIELD_PREP(PSTATE_NZCV, 4);
    /* PSTATE first, then the SP of the new mode, then a CP register write
     * so that QEMU rebuilds its cached view of the CPU state. */
    uc_reg_write(m->uc, UC_ARM64_REG_PSTATE, &ps);
    uc_reg_write(m->uc, sp_bank[sp_el0 ? 0 : el], &sp);
    uc_reg_write(m->uc, UC_ARM64_REG_SP, &sp);
    sysreg_write_cpu(m, SYSREG_HCR_EL2,
                     sysreg_hcr_for_cpu(mmu_cpu_get_reg(&m->cpu, MMU_HCR_EL2)));
    uc_reg_write(m->uc, UC_ARM64_REG_PC, &pc);
    machine_flush_fills(m);
    m->el_seen = el;
    return 0;
}

int machine_set_x(machine *m, unsigned n, uint64_t value, char *err, size_t errlen)
{
    if (n > 30) {
        snprintf(err, errlen, "register x%u does not exist (x0..x30)", n);
        return -1;
    }
    uc_reg_write(m->uc, x_reg(n), &value);
    return 0;
}

/* ---- Running ----------------------------------------------------------- */

machine_stop_reason machine_run(machine *m)
{
    m->insn_limit = m->max_insns ? m->max_insns : UINT64_MAX;
    m->watch_erets = machine_wants(m, MEV_EXCEPTION);
    while (m->stop.reason == MACHINE_RUNNING) {
        uint64_t pc = 0;
        uc_reg_read(m->uc, UC_ARM64_REG_PC, &pc);
        m->block_size = 0;
        uc_err e = uc_emu_start(m->uc, pc, 0, 0, 0);
        if (m->stop.reason != MACHINE_RUNNING)
            break;
        uc_reg_read(m->uc, UC_ARM64_REG_PC, &pc);
        if (m->deferred) {
            /* The instruction that raised it did not complete. */
            uncount(m, m->deferred_exc->return_addr);
            exception_take_deferred(m);
        } else if (e == UC_ERR_EXCEPTION && m->abort.pending) {
            /* The fill hook refused a translation: Unicorn stopped with
             * the PC at the faulting instruction. */
            uncount(m, pc);
            exception_abort(m, pc);
        } else if (e != UC_ERR_OK) {
            machine_halt(m, MACHINE_FAILED, 0, "emulation stopped at PC 0x%016" PRIx64 ": %s",
                         pc, uc_strerror(e));
        }
    }
    return m->stop.reason;
}

/* ---- Summary ----------------------------------------------------------- */

void machine_write_summary(const machine *m, FILE *f)
{
    const machine_stats *s = &m->stats;
    fprintf(f,
            "summary: %" PRIu64 " instructions, %" PRIu64 " walks, TLB %" PRIu64 " hits / %" PRIu64
            " misses, %" PRIu64 " Unicorn fills\n",
            s->insns, s->walks, m->tlb.stats.hits, m->tlb.stats.misses, s->fills);
    static const char *const fault_names[MACHINE_FAULT_KINDS] = {
        [MMU_FAULT_ADDRESS_SIZE] = "address-size", [MMU_FAULT_TRANSLATION] = "translation",
        [MMU_FAULT_ACCESS_FLAG] = "access-flag",   [MMU_FAULT_PERMISSION] = "permission",
        [MMU_FAULT_EXTERNAL_WALK] = "external-walk", [MACHINE_FAULT_SEA] = "external"};
    fprintf(f, "summary: faults:");
    bool any = false;
    for (int k = 1; k < MACHINE_FAULT_KINDS; k++)
        if (s->faults[k]) {
            fprintf(f, " %s %" PRIu64, fault_names[k], s->faults[k]);
            any = true;
        }
    fprintf(f, "%s\nsummary: exceptions:", any ? "" : " none");
    any = false;
    for (int k = 0; k < EXC_KIND_COUNT; k++)
        if (s->exceptions[k]) {
            fprintf(f, " %s %" PRIu64, machine_exc_kind_name((machine_exc_kind)k),
                    s->exceptions[k]);
            any = true;
        }
    fprintf(f, "%s\nsummary: TLBIs:", any ? "" : " none");
    for (int i = 0; i < s->n_tlbi_ops; i++)
        fprintf(f, " %s %" PRIu64, s->tlbi_by_op[i].op, s->tlbi_by_op[i].count);
    fprintf(f, "%s\n", s->n_tlbi_ops ? "" : " none");
}
