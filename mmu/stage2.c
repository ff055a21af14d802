/* Stage 2: IPA -> PA for the EL1&0 regime, driven by VTCR_EL2/VTTBR_EL2.
 * ASL AArch64.S2Translate, AArch64.S2Walk; Arm DDI0487 D8.2.6 onwards. */
#include "desc.h"
#include "geometry.h"
#include "sysreg.h"
#include "walk.h"

/* Marks the fault just recorded as a stage-2 one on `ipa`. */
static bool s2_fault_at(walker *w, uint64_t ipa, bool s1ptw)
{
    mmu_fault *f = &w->rec->fault;
    f->ipa = ipa;
    f->ipa_valid = true;
    f->s1ptw = s1ptw;
    /* f->write stays the access's: ESR WnR reports whether the instruction
     * wrote, also for a stage-2 fault on its stage-1 walk (DDI0487 D24.2
     * ESR_ELx ISS WnR; ASL AArch64.S2Translate keeps the FaultRecord's
     * write, set from the access by NoFault, for table reads and updates). */
    return false;
}

bool s2_translate(walker *w, uint64_t ipa, mmu_access_kind kind, bool s1ptw, int8_t for_s1_level,
                  uint64_t *pa, mmu_result *res)
{
    const mmu_s2_regime *s2 = &w->cpu->s2;

    /* Checks before the walk (ASL AArch64.S2Translate / S2Walk), all
     * reported at level 0: illegal T0SZ/SL0/SL2, an IPA above the input
     * size, a VTTBR base above the output size. */
    if (s2->config_fault || (ipa >> s2->ia_bits) != 0) {
        walk_fault(w, MMU_FAULT_TRANSLATION, 2, 0);
        return s2_fault_at(w, ipa, s1ptw);
    }
    if (s2->table_oob) {
        walk_fault(w, MMU_FAULT_ADDRESS_SIZE, 2, 0);
        return s2_fault_at(w, ipa, s1ptw);
    }

    walk_params p = {
        .stage = 2,
        .granule = s2->granule,
        .ia_bits = s2->ia_bits,
        .start_level = s2->start_level,
        .start_shift = s2->start_shift,
        .ds = s2->ds,
        .lpa_desc = s2->lpa_desc,
        .pa52 = w->cpu->feat.lpa,
        .oa_bits = s2->oa_bits,
        .table = s2->table,
    };
    leaf_desc leaf;
    if (!walk_tables(w, &p, ipa, for_s1_level, &leaf))
        return s2_fault_at(w, ipa, s1ptw);

    uint64_t desc = leaf.desc;
    unsigned shift = leaf.shift;
    uint64_t out = desc_output_address(desc, shift, s2->ds, s2->lpa_desc) | (ipa & GENMASK64(shift - 1, 0));
    /* desc[52] is RES0 (Effective value 0) at the levels where it cannot
     * apply (contig_bit_effective: DDI0487 D8.7.1, ASL AArch64.ContiguousBit). */
    bool contig = (desc & DESC_CONTIG) && contig_bit_effective(s2->granule, leaf.level);
    unsigned size_shift = shift + (contig ? contig_entries_shift(s2->granule, leaf.level) : 0);
    /* A contiguous run larger than the input range is misprogrammed: the
     * IMPLEMENTATION DEFINED choice here is a Translation fault (ASL
     * AArch64.ContiguousBitFaults), checked before the output address
     * (ASL AArch64.S2Walk: contiguous, then OAOutOfRange, then AF). */
    if (contig && size_shift > s2->ia_bits) {
        walk_fault(w, MMU_FAULT_TRANSLATION, 2, leaf.level);
        return s2_fault_at(w, ipa, s1ptw);
    }
    if (out >> s2->oa_bits) {
        walk_fault(w, MMU_FAULT_ADDRESS_SIZE, 2, leaf.level);
        return s2_fault_at(w, ipa, s1ptw);
    }

    bool af = desc & DESC_AF;
    if (!af && !s2->ha) {
        walk_fault(w, MMU_FAULT_ACCESS_FLAG, 2, leaf.level);
        return s2_fault_at(w, ipa, s1ptw);
    }

    res->s2perm = (mmu_s2_perms){
        .s2ap = (uint8_t)FIELD_GET(DESC_S2AP, desc),
        .xn = (uint8_t)FIELD_GET(DESC_S2_XN, desc),
        .dbm = s2->hd && (desc & DESC_DBM),
    };
    res->s2_level = leaf.level;
    res->s2_size_shift = (uint8_t)size_shift;
    res->s2_contig = contig;

    mmu_memattr attr = s2_leaf_attr(s2, desc);
    /* HCR_EL2.PTW (effective with TGE = 0): a stage-1 table walk to
     * stage-2 Device memory is a stage-2 Permission fault (DDI0487 D8.6.3;
     * ASL AArch64.S2CheckPermissions, TTW accesses). Otherwise such a walk
     * behaves as if to Normal Non-cacheable memory. */
    uint64_t hcr = w->cpu->reg[MMU_HCR_EL2];
    bool ptw = (hcr & HCR_PTW) && !(hcr & HCR_TGE);
    /* Judged for the context of the access (EL, unprivileged), as an
     * access of `kind` (a table walk reads; a descriptor update writes). */
    perm_set allowed = s2_perms(w->cpu, w->acc, &res->s2perm);
    if ((s1ptw && ptw && memattr_is_device(attr.attr)) || !perms_allow(&allowed, kind)) {
        walk_fault(w, MMU_FAULT_PERMISSION, 2, leaf.level);
        return s2_fault_at(w, ipa, s1ptw);
    }

    /* Hardware updates (FEAT_HAFDBS): set AF on any access, and make a
     * DBM page writable (S2AP[1]) on a write. */
    uint64_t updated = desc | DESC_AF;
    if (kind == MMU_ACC_WRITE && res->s2perm.dbm)
        updated |= DESC_S2AP_W;
    if (updated != desc && !w->acc->no_update) {
        if (!write_back(w, &leaf, updated))
            return s2_fault_at(w, ipa, s1ptw);
        res->s2perm.s2ap = (uint8_t)FIELD_GET(DESC_S2AP, updated);
        allowed = s2_perms(w->cpu, w->acc, &res->s2perm);
    }
    w->s2_allowed = allowed;

    res->s2_desc_attr = attr;
    *pa = out;
    return true;
}
