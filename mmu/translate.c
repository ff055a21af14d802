/* The two-stage driver: regime selection, stage 1, then stage 2 of the
 * final IPA, and the walk record. ASL AArch64.FullTranslate. */
#include <stddef.h>
#include <string.h>

#include "walk.h"

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
