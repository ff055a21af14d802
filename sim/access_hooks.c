/* Code and memory hooks: see access_hooks.h. */
#include "access_hooks.h"

#include <stdio.h>

#include "ldst.h"

/* The PA an access from the current EL used, as its fill said. */
static bool filled_pa(machine *m, uint8_t el, uint64_t va, uint64_t *pa)
{
    return fill_map_get(&m->fills, mmu_regime_for_el(&m->cpu, el), va, pa);
}

static void hook_code(uc_engine *uc, uint64_t pc, uint32_t size, void *ctx)
{
    (void)uc;
    (void)size;
    machine *m = ctx;
    uint8_t el = machine_el(m);
    /* The block was counted as a whole when it started (machine.c). */
    uint64_t icount = m->stats.insns - m->block_size / 4 + (pc - m->block_pc) / 4;
    machine_event ev = {.kind = MEV_INSN, .icount = icount, .pc = pc, .el = el};
    ev.u.insn.pa_known = filled_pa(m, el, pc, &ev.u.insn.pa) &&
                         physmem_read(&m->mem, ev.u.insn.pa, &ev.u.insn.word, 4);
    machine_emit(m, &ev);
}

/* The VA of a data access Unicorn reports by PA (its memory hooks see
 * physical addresses in virtual-TLB mode): the instruction at the PC
 * (exact inside memory hooks) is decoded, and of the pages its access
 * touches, the one whose fill holds pa gives the VA. Aliases (two VAs of
 * one PA) are thus told apart by the instruction. */
static bool access_va(machine *m, uint8_t el, uint64_t pa, uint64_t *va, bool *unpriv)
{
    uint64_t pc = 0, insn_pa;
    uint32_t insn;
    ldst_info li;
    uc_reg_read(m->uc, UC_ARM64_REG_PC, &pc);
    if (!filled_pa(m, el, pc, &insn_pa) || !physmem_read(&m->mem, insn_pa, &insn, 4) ||
        !ldst_decode(insn, pc, machine_read_x, m, &li))
        return false;
    uint64_t first = li.addr & ~(FILL_SUBPAGE - 1);
    for (uint64_t page = first; page < li.addr + li.bytes; page += FILL_SUBPAGE) {
        uint64_t page_pa;
        if (filled_pa(m, el, page, &page_pa) && pa - page_pa < FILL_SUBPAGE) {
            *va = page + (pa - page_pa);
            *unpriv = li.unpriv && machine_unpriv_applies(m, machine_pstate(m));
            return true;
        }
    }
    return false;
}

static void hook_mem(uc_engine *uc, uc_mem_type type, uint64_t pa, int size, int64_t value,
                     void *ctx)
{
    (void)uc;
    machine *m = ctx;
    uint8_t el = machine_el(m);
    machine_event ev = {.kind = MEV_MEM, .icount = m->stats.insns, .el = el};
    ev.u.mem.pa = pa;
    ev.u.mem.va_known = access_va(m, el, pa, &ev.u.mem.va, &ev.u.mem.unpriv);
    ev.u.mem.size = (uint8_t)size;
    ev.u.mem.write = type == UC_MEM_WRITE;
    ev.u.mem.value = (uint64_t)value;
    machine_emit(m, &ev);
}

/* MEV_STORE: the store as Unicorn reports it, nothing worked out. */
static void hook_store(uc_engine *uc, uc_mem_type type, uint64_t pa, int size, int64_t value,
                       void *ctx)
{
    (void)uc;
    (void)type;
    machine *m = ctx;
    machine_event ev = {.kind = MEV_STORE, .icount = m->stats.insns, .el = machine_el(m)};
    ev.u.mem.pa = pa;
    ev.u.mem.size = (uint8_t)size;
    ev.u.mem.write = true;
    ev.u.mem.value = (uint64_t)value;
    machine_emit(m, &ev);
}

int access_hooks_install(machine *m, unsigned kinds, char *err, size_t errlen)
{
    uc_hook h;
    uc_err e = UC_ERR_OK;
    if ((kinds & MEV_INSN) && !m->code_hook) {
        e = uc_hook_add(m->uc, &h, UC_HOOK_CODE, (void *)hook_code, m, 1, 0);
        m->code_hook = e == UC_ERR_OK;
    }
    if (e == UC_ERR_OK && (kinds & MEV_MEM) && !m->mem_hook) {
        e = uc_hook_add(m->uc, &h, UC_HOOK_MEM_READ_AFTER | UC_HOOK_MEM_WRITE, (void *)hook_mem, m,
                        1, 0);
        m->mem_hook = e == UC_ERR_OK;
    }
    /* Separate from hook_mem, so that a store-only sink is served whether
     * or not another sink wants MEV_MEM. */
    if (e == UC_ERR_OK && (kinds & MEV_STORE) && !m->store_hook) {
        e = uc_hook_add(m->uc, &h, UC_HOOK_MEM_WRITE, (void *)hook_store, m, 1, 0);
        m->store_hook = e == UC_ERR_OK;
    }
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot install the code/memory hooks: %s", uc_strerror(e));
        return -1;
    }
    return 0;
}
