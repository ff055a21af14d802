/* The TLB-fill hook: see fill.h. */
#include "fill.h"

#include <stdio.h>
#include <string.h>

#include "exception.h"
#include "ldst.h"

/* Unicorn's page on AArch64 (TARGET_PAGE_BITS = 10): the hook is called
 * once per 1 KiB sub-page, access kind and QEMU mmu_idx. */
#define UC_SUBPAGE UINT64_C(0x400)
#define MAX_BLOCK_BYTES 4096

static mmu_access_kind access_kind(uc_mem_type type)
{
    switch (type) {
    case UC_MEM_WRITE:
        return MMU_ACC_WRITE;
    case UC_MEM_FETCH:
        return MMU_ACC_FETCH;
    default:
        return MMU_ACC_READ;
    }
}

/* Inside the hook Unicorn's PC is the start
 * of the translation block, but the general-purpose registers are current;
 * a fetch fill is for the block's start or, when the block crosses a page,
 * for the first instruction of the new page, and a data fill belongs to
 * the load/store of the block whose address falls in the sub-page. */
uint64_t fill_access_pc(machine *m, uint64_t va, mmu_access_kind kind, uint32_t *insn,
                        bool *have_insn)
{
    uint64_t pc = 0;
    *have_insn = false;
    uc_reg_read(m->uc, UC_ARM64_REG_PC, &pc);
    if (kind == MMU_ACC_FETCH)
        return (pc & ~(UC_SUBPAGE - 1)) == va ? pc : va;
    uint32_t insns[MAX_BLOCK_BYTES / 4];
    uint32_t size = m->block_size < MAX_BLOCK_BYTES ? m->block_size : MAX_BLOCK_BYTES;
    if (!size || !machine_read_va(m, m->block_pc, insns, size, MMU_ACC_FETCH))
        return m->block_pc;
    *have_insn = true;
    for (uint32_t i = 0; i < size / 4; i++) {
        ldst_info li;
        uint64_t at = m->block_pc + 4 * i;
        if (!ldst_decode(insns[i], at, machine_read_x, m, &li))
            continue;
        bool dir = kind == MMU_ACC_WRITE ? li.write : li.read;
        if (dir && li.addr < va + UC_SUBPAGE && li.addr + li.bytes > va) {
            *insn = insns[i];
            return at;
        }
    }
    *insn = insns[0];
    return m->block_pc;
}

/* Write permission is granted to a fill only when a write would not need
 * a hardware dirty-state update (DBM set on a clean page, at either stage):
 * the first write then comes back here and walks (DDI0487 D8.4.6). */
static bool clean_dbm(const mmu_result *r)
{
    bool s1_clean = r->s1perm.dbm && (r->s1perm.ap & 2);
    bool s2_clean = r->s2perm.dbm && !(r->s2perm.s2ap & 2);
    return s1_clean || s2_clean;
}

static bool fill_hook(uc_engine *uc, uint64_t va, uc_mem_type type, uc_tlb_entry *out, void *ctx)
{
    (void)uc;
    machine *m = ctx;
    uint64_t ps = machine_pstate(m);
    mmu_access acc = {.va = va, .kind = access_kind(type), .el = (uint8_t)FIELD_GET(PSTATE_EL, ps)};
    acc.pan = (ps & PSTATE_PAN) && acc.kind != MMU_ACC_FETCH;
    mmu_walk walk;
    bool walked = false;
    uint64_t evictions = m->tlb.stats.evictions;

    m->stats.fills++;
    bool ok = mmu_tlb_translate(&m->cpu, &m->tlb, &acc, &walk, &walked);
    /* A translation with both stages off reads no descriptor: not a walk
     * (unless it faults, e.g. a PA beyond PARange). */
    bool is_walk = walked && (walk.n_reads || !ok);
    m->stats.walks += is_walk;
    if (machine_wants(m, MEV_ACCESS)) {
        machine_event ev = {.kind = MEV_ACCESS, .icount = m->stats.insns, .el = acc.el,
                            .u.access = {.acc = &acc, .walk = &walk, .walked = walked,
                                         .is_walk = is_walk, .ok = ok}};
        machine_emit(m, &ev);
    }
    /* The TLB model dropped an entry: Unicorn must forget it too, or later
     * accesses would use a translation our TLB no longer holds. */
    if (m->tlb.stats.evictions != evictions)
        machine_flush_fills(m);
    if (!ok) {
        m->abort = (machine_abort){.pending = true, .kind = acc.kind, .page_va = va,
                                   .fault = walk.fault, .el = acc.el};
        return false;
    }
    const mmu_result *r = &walk.result;
    if (!physmem_find(&m->mem, r->pa)) {
        m->abort = (machine_abort){.pending = true, .kind = acc.kind, .page_va = va, .sea = true,
                                   .pa = r->pa, .el = acc.el};
        return false;
    }
    out->paddr = r->pa;
    out->perms = (r->r ? UC_PROT_READ : 0) | (r->w && (acc.kind == MMU_ACC_WRITE || !clean_dbm(r))
                                                  ? UC_PROT_WRITE
                                                  : 0) |
                 (r->x ? UC_PROT_EXEC : 0);
    return true;
}

int fill_install(machine *m, char *err, size_t errlen)
{
    uc_hook h;
    uc_err e = uc_ctl_tlb_mode(m->uc, UC_TLB_VIRTUAL);
    if (e == UC_ERR_OK)
        e = uc_hook_add(m->uc, &h, UC_HOOK_TLB_FILL, (void *)fill_hook, m, 1, 0);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot install the TLB-fill hook: %s", uc_strerror(e));
        return -1;
    }
    return 0;
}
