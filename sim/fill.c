/* The TLB-fill hook: see fill.h. */
#include "fill.h"

#include <stdio.h>
#include <string.h>

#include "exception.h"
#include "ldst.h"
#include "sysreg.h"

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

/* Copies the current translation block's instructions (at most n bytes)
 * from the RAM its fetch fills point at; returns the bytes copied. */
static uint32_t block_insns(machine *m, uint32_t *insns, uint32_t n)
{
    uint32_t size = m->block_size < n ? m->block_size : n;
    mmu_regime regime = mmu_regime_for_el(&m->cpu, machine_el(m));
    for (uint32_t done = 0; done < size;) {
        uint64_t va = m->block_pc + done, pa;
        uint32_t chunk = (uint32_t)(FILL_SUBPAGE - (va & (FILL_SUBPAGE - 1)));
        if (chunk > size - done)
            chunk = size - done;
        /* The fill map forgets the block's own fetch fill when a fill in
         * the middle of the block flushes Unicorn's cache: walk then. */
        bool read = fill_map_get(&m->fills, regime, va, &pa)
                        ? physmem_read(&m->mem, pa, (uint8_t *)insns + done, chunk)
                        : machine_read_va(m, va, (uint8_t *)insns + done, chunk, MMU_ACC_FETCH);
        if (!read)
            return done;
        done += chunk;
    }
    return size;
}

/* The load/store of the current block behind a data fill of va: the first
 * one whose access overlaps the sub-page in that direction, searching from
 * the instruction the last data fill of this block was found at (inside the
 * hook Unicorn's PC is the block's start, but the general-purpose registers
 * are current; fills come in execution order, so a later fill never belongs
 * to an earlier instruction). */
static bool data_insn(machine *m, uint64_t va, mmu_access_kind kind, uint64_t *pc, uint32_t *insn,
                      ldst_info *li)
{
    uint32_t insns[MAX_BLOCK_BYTES / 4];
    uint32_t size = block_insns(m, insns, sizeof insns);
    for (uint32_t i = m->fill_cursor; i < size / 4; i++) {
        uint64_t at = m->block_pc + 4 * i;
        if (!ldst_decode(insns[i], at, machine_read_x, m, li))
            continue;
        bool dir = kind == MMU_ACC_WRITE ? li->write : li->read;
        if (dir && li->addr < va + FILL_SUBPAGE && li->addr + li->bytes > va) {
            *pc = at;
            *insn = insns[i];
            m->fill_cursor = i;
            return true;
        }
    }
    return false;
}

/* A fetch fill is for the block's start or, when the block crosses a page,
 * for the first instruction of the new page. */
uint64_t fill_access_pc(machine *m, uint64_t va, mmu_access_kind kind, uint32_t *insn,
                        bool *have_insn)
{
    uint64_t pc = 0;
    *have_insn = false;
    uc_reg_read(m->uc, UC_ARM64_REG_PC, &pc);
    if (kind == MMU_ACC_FETCH)
        return (pc & ~(FILL_SUBPAGE - 1)) == va ? pc : va;
    ldst_info li;
    *have_insn = data_insn(m, va, kind, &pc, insn, &li);
    return *have_insn ? pc : m->block_pc;
}

/* Unprivileged loads and stores (LDTR, STTR and the rest of the "load/store
 * register (unprivileged)" class) are checked with EL0 permissions where
 * machine_unpriv_applies says so. QEMU gives them the EL0 mmu_idx, but the fill
 * hook is told neither the index nor the instruction: a data fill at such
 * an EL finds its instruction (data_insn) when the block holds an
 * unprivileged access. */
#define LDST_UNPRIV_MASK UINT32_C(0x3F200C00)
#define LDST_UNPRIV_BITS UINT32_C(0x38000800)

static bool unprivileged_access(machine *m, uint64_t va, mmu_access_kind kind)
{
    uint32_t insns[MAX_BLOCK_BYTES / 4];
    uint32_t size = block_insns(m, insns, sizeof insns);
    bool any = false;
    for (uint32_t i = 0; i < size / 4 && !any; i++)
        any = (insns[i] & LDST_UNPRIV_MASK) == LDST_UNPRIV_BITS;
    uint64_t pc;
    uint32_t insn;
    ldst_info li;
    return any && data_insn(m, va, kind, &pc, &insn, &li) && li.unpriv;
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
    if (acc.kind != MMU_ACC_FETCH && machine_unpriv_applies(m, ps) && unprivileged_access(m, va, acc.kind)) {
        acc.unpriv = true;
        acc.pan = false; /* PAN restricts privileged accesses only */
    }
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
    /* A TLB that holds nothing (mode NONE): Unicorn must not keep this
     * translation either. It cannot be dropped before the access uses it,
     * so it goes when the next block starts: accesses to one page within
     * a block still share one walk. */
    else if (m->tlb.cfg.mode == MMU_TLB_NONE && walk.n_reads)
        m->flush_at_block = true;
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
    /* Fetch fills find a block's instructions (fill_access_pc, LDTR
     * detection); data fills only the VA of an MEV_MEM access. */
    if (acc.kind == MMU_ACC_FETCH || machine_wants(m, MEV_MEM))
        fill_map_put(&m->fills, mmu_regime_for_el(&m->cpu, acc.el), va, r->pa);
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
