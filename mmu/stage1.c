/* Stage 1: VA -> IPA (or PA) for the EL1&0, EL2&0 and EL2 regimes.
 * ASL AArch64.S1Translate, AArch64.S1Walk, AArch64.S1DisabledOutput;
 * Arm DDI0487 D8.2-D8.4. And the two-stage driver, mmu_walk_translate
 * (see there why it is here). */
#include <stddef.h>
#include <string.h>

#include "desc.h"
#include "geometry.h"
#include "sysreg.h"
#include "walk.h"

static bool el0_access(const mmu_access *acc) { return acc->el == 0 || acc->unpriv; }

/* Bits [top:ia_bits] of the VA (rg->va_range_bits) must all equal the
 * range's sign (0 for TTBR0 and single-range regimes, 1 for TTBR1); top is
 * 55 when the top byte is ignored (ASL AArch64.VAIsOutOfRange, AddrTop). */
static bool va_in_range(uint64_t va, const mmu_s1_range *rg, bool upper)
{
    return (va & rg->va_range_bits) == (upper ? rg->va_range_bits : 0);
}

bool s1_disabled_output(const mmu_cpu *cpu, const mmu_s1_regime *r, uint64_t va, uint64_t *oa)
{
    unsigned sel = r->two_ranges ? (unsigned)((va >> 55) & 1) : 0;
    unsigned top = r->range[sel].tbi ? 55 : 63;
    unsigned pa_bits = cpu->feat.pa_bits;
    if (va & GENMASK64(top, pa_bits))
        return false;
    *oa = va & GENMASK64(pa_bits - 1, 0);
    return true;
}

/* Stage 1 off: the VA is the output address, or an Address size fault at
 * level 0 (s1_disabled_output). */
static bool s1_disabled(walker *w, const mmu_s1_regime *r, mmu_result *res)
{
    if (!s1_disabled_output(w->cpu, r, w->acc->va, &res->ipa))
        return walk_fault(w, MMU_FAULT_ADDRESS_SIZE, 1, 0);
    res->s1_level = MMU_NO_LEVEL;
    res->s1_size_shift = w->cpu->feat.pa_bits;
    res->s1perm = (mmu_s1_perms){.off = true};
    res->s1_desc_attr = s1_disabled_attr(r, w->acc->kind);
    w->s1_allowed = PERMS_ALL;
    return true;
}

/* Stage 1 of acc->va in `regime`: fills res (ipa, s1 fields). */
static bool s1_translate(walker *w, mmu_regime regime, mmu_result *res)
{
    const mmu_s1_regime *r = &w->cpu->s1[regime];
    const mmu_access *acc = w->acc;
    mmu_walk *rec = w->rec;

    rec->s1_enabled = r->enabled;
    if (!r->enabled)
        return s1_disabled(w, r, res);

    uint64_t va = acc->va;
    unsigned sel = r->two_ranges ? (unsigned)((va >> 55) & 1) : 0;
    const mmu_s1_range *rg = &r->range[sel];
    rec->ttbr = (uint8_t)sel;
    rec->asid = rg->asid; /* 0 in the EL2 regime (regime.c) */
    rec->s1_granule = rg->granule;
    rec->s1_txsz = rg->txsz;
    rec->s1_ds = rg->ds;
    rec->s1_start_level = rg->start_level;

    /* Checks before the walk, in the architecture's order (reference notes
     * 2.4), all at level 0. */
    if (rg->txsz_fault || !va_in_range(va, rg, sel == 1))
        return walk_fault(w, MMU_FAULT_TRANSLATION, 1, 0);
    if (rg->epd || (rg->e0pd && el0_access(acc)))
        return walk_fault(w, MMU_FAULT_TRANSLATION, 1, 0);
    if (rg->table_oob)
        return walk_fault(w, MMU_FAULT_ADDRESS_SIZE, 1, 0);

    walk_params p = {
        .stage = 1,
        .granule = rg->granule,
        .ia_bits = rg->ia_bits,
        .start_level = rg->start_level,
        .start_shift = rg->start_shift,
        .ds = rg->ds,
        .lpa_desc = rg->lpa_desc,
        .pa52 = w->cpu->feat.lpa,
        .oa_bits = rg->oa_bits,
        .table = rg->table,
    };
    leaf_desc leaf;
    if (!walk_tables(w, &p, va, MMU_NO_LEVEL, &leaf))
        return false;

    uint64_t desc = leaf.desc;
    unsigned shift = leaf.shift;
    uint64_t oa = desc_output_address(desc, shift, p.ds, p.lpa_desc) | (va & GENMASK64(shift - 1, 0));
    /* desc[52] is RES0 (Effective value 0) at the levels where it cannot
     * apply (contig_bit_effective: DDI0487 D8.7.1, ASL AArch64.ContiguousBit). */
    bool contig = (desc & DESC_CONTIG) && contig_bit_effective(p.granule, leaf.level);
    unsigned size_shift = shift + (contig ? contig_entries_shift(p.granule, leaf.level) : 0);
    /* IMPLEMENTATION DEFINED: a misprogrammed contiguous bit faults (ASL
     * AArch64.ContiguousBitFaults), checked before the output address
     * (ASL AArch64.S1Walk: contiguous, then OAOutOfRange, then AF). */
    if (contig && size_shift > p.ia_bits)
        return walk_fault(w, MMU_FAULT_TRANSLATION, 1, leaf.level);
    if (oa >> p.oa_bits)
        return walk_fault(w, MMU_FAULT_ADDRESS_SIZE, 1, leaf.level);

    /* Access flag: without hardware management AF=0 faults (before
     * permissions: DDI0487 "Prioritization of ... faults"). */
    if (!(desc & DESC_AF) && !r->ha)
        return walk_fault(w, MMU_FAULT_ACCESS_FLAG, 1, leaf.level);

    /* Permissions after the hierarchical controls, unless HPD disables
     * them: APTable[0] removes EL0 access (RES0 in the EL2 regime, which
     * has no EL0, as is PXNTable), APTable[1] write access, and the XN
     * tables OR in (ASL AArch64.S1Walk keeps them in its walk state). */
    uint64_t tbits = leaf.table_bits;
    if (rg->hpd)
        tbits = 0;
    else if (regime == MMU_REGIME_EL2)
        tbits &= ~(DESC_APTABLE_NO_EL0 | DESC_PXNTABLE);
    uint8_t ap = (uint8_t)FIELD_GET(DESC_AP, desc);
    if (tbits & DESC_APTABLE_NO_EL0)
        ap &= (uint8_t)~1u;
    if (tbits & DESC_APTABLE_RO)
        ap |= 2;
    res->s1perm = (mmu_s1_perms){
        .ap = ap,
        .uxn = (desc & DESC_UXN) || (tbits & DESC_UXNTABLE),
        .pxn = regime != MMU_REGIME_EL2 && ((desc & DESC_PXN) || (tbits & DESC_PXNTABLE)),
        /* DBM makes a read-only page writable by hardware, unless a table
         * forbids writes (ASL: dirty state only for AP[2] from the leaf). */
        .dbm = r->hd && (desc & DESC_DBM) && !(tbits & DESC_APTABLE_RO),
    };
    res->s1_level = leaf.level;
    res->s1_size_shift = (uint8_t)size_shift;
    res->s1_contig = contig;
    res->ng = regime != MMU_REGIME_EL2 && (desc & DESC_NG);
    res->s1_desc_attr = s1_leaf_attr(r, rg, desc);

    w->s1_allowed = s1_perms(w->cpu, regime, acc, &res->s1perm);
    if (!perms_allow(&w->s1_allowed, acc->kind))
        return walk_fault(w, MMU_FAULT_PERMISSION, 1, leaf.level);

    /* Hardware updates (FEAT_HAFDBS) once the access is known to be
     * allowed: AF on any access, AP[2] cleared by a write to a DBM page. */
    bool dirty = acc->kind == MMU_ACC_WRITE && res->s1perm.dbm;
    uint64_t updated = desc | DESC_AF;
    if (dirty)
        updated &= ~DESC_AP_RO;
    if (updated != desc && !acc->no_update) {
        /* Under stage 2 the update is a write to the descriptor's IPA: it
         * goes through stage 2 again as a table-walk write (ASL
         * AArch64.S1Translate: AArch64.S2Translate with
         * CreateAccDescTTEUpdate). Stage 2 must grant write, possibly by
         * making a writable-clean (DBM) entry writable-dirty (DDI0487
         * D8.5.2.1 R_BDJJL); otherwise it is a stage-2 fault on the walk
         * (S1PTW). Those stage-2 reads are recorded for the leaf's level. */
        leaf_desc target = leaf;
        if (w->s2_on) {
            mmu_result s2res = {0};
            if (!s2_translate(w, rec->reads[leaf.read_index].ipa, MMU_ACC_WRITE, true, leaf.level, &target.pa,
                              &s2res))
                return false;
        }
        if (!write_back(w, &target, updated))
            return false;
        if (dirty) {
            res->s1perm.ap &= 1; /* AP[2] cleared: writable now */
            w->s1_allowed = s1_perms(w->cpu, regime, acc, &res->s1perm);
        }
    }
    res->ipa = oa;
    return true;
}

/* The two-stage driver: regime selection, stage 1, then stage 2 of the
 * final IPA, and the walk record (ASL AArch64.FullTranslate). It lives
 * with stage 1 so that the compiler makes one function of a stage-1 walk:
 * called across files, s1_translate cost 37 more instructions per 4-level
 * walk (docs/performance.md). */
bool mmu_walk_translate(mmu_cpu *cpu, const mmu_access *acc, mmu_walk *rec)
{
    /* Clear all but the read array (2 KiB; entries are set as appended). */
    memset(rec, 0, offsetof(mmu_walk, reads));
    rec->fault = (mmu_fault){0};
    rec->result = (mmu_result){0};
    rec->access = *acc;
    rec->regime = regime_for_el(cpu, acc->el);
    rec->s2_enabled = stage2_active(cpu, rec->regime);
    rec->s1_start_level = MMU_NO_LEVEL;
    rec->s2_start_level = MMU_NO_LEVEL;
    if (rec->s2_enabled) {
        rec->vmid = cpu->s2.vmid;
        rec->s2_granule = cpu->s2.granule;
        rec->s2_t0sz = cpu->s2.t0sz;
        rec->s2_ds = cpu->s2.ds;
        rec->s2_start_level = cpu->s2.start_level;
    }

    walker w = {.cpu = cpu, .acc = acc, .rec = rec, .s2_on = rec->s2_enabled};
    mmu_result *res = &rec->result;
    res->s1_level = MMU_NO_LEVEL;
    res->s2_level = MMU_NO_LEVEL;

    if (!s1_translate(&w, rec->regime, res))
        return false;

    /* r/w/x from the permissions each stage judged (what
     * mmu_check_permissions computes for a cached translation). */
    if (!w.s2_on || acc->s1_only) {
        res->pa = res->ipa;
        finish_attrs(cpu, rec->regime, false, acc->kind, res);
        set_rwx(res, &w.s1_allowed, &PERMS_ALL);
        return true;
    }
    if (!s2_translate(&w, res->ipa, acc->kind, false, MMU_NO_LEVEL, &res->pa, res))
        return false;
    finish_attrs(cpu, rec->regime, true, acc->kind, res);
    set_rwx(res, &w.s1_allowed, &w.s2_allowed);
    return true;
}
