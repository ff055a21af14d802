/* Access permissions: stage 1 (AP, UXN/PXN after hierarchical controls,
 * WXN, PAN, the implicit PXN of EL0-writable memory) and stage 2 (S2AP,
 * XN[1:0]). Arm DDI0487 D8.4 "Memory access control"; ASL
 * AArch64.S1DirectBasePermissions, AArch64.S1HasPermissionsFault,
 * AArch64.S2DirectBasePermissions, AArch64.S2HasPermissionsFault. */
#include "internal.h"

static bool uses_el0_permissions(const mmu_access *acc) { return acc->el == 0 || acc->unpriv; }

perm_set s1_perms(const mmu_cpu *cpu, mmu_regime regime, const mmu_access *acc, const mmu_s1_perms *p)
{
    const mmu_s1_regime *r = &cpu->s1[regime];
    bool ro = p->ap & 2;      /* AP[2] */
    bool el0 = p->ap & 1;     /* AP[1] */
    perm_set s = {0};

    if (p->off)
        return (perm_set){true, true, true, true};
    /* A writable-clean descriptor (DBM with HD, p->dbm) counts as writable
     * for WXN and for the implicit PXN of EL0-writable memory (DDI0487
     * D8.5.2.2 R_TTLCV, I_NSYYW, R_NKLQN; ASL AArch64.S1ApplyOutputPerms
     * clears AP[2] before AArch64.S1DirectBasePermissions). Only the write
     * itself waits for the dirty update: w vs w_if_dirtied. */
    if (regime == MMU_REGIME_EL2) {
        /* Single privilege level: AP[1] is ignored, XN is bit 54. */
        s.r = true;
        s.w = !ro;
        s.w_if_dirtied = s.w || p->dbm;
        s.x = !p->uxn && !(r->wxn && s.w_if_dirtied);
        return s;
    }

    bool pr = true, pw = !ro, ur = el0, uw = el0 && !ro;
    bool pw_d = pw || p->dbm, uw_d = uw || (el0 && p->dbm);
    /* Memory writable at EL0 is never executable at EL1 (ASL
     * S1DirectBasePermissions: px = NOT(pxn OR uw)). */
    bool px = !(p->pxn || uw_d);
    bool ux = !p->uxn;
    if (r->wxn) {
        /* SCTLR_ELx.WXN: writable memory is execute-never. */
        if (pw_d)
            px = false;
        if (uw_d)
            ux = false;
    }
    if (uses_el0_permissions(acc)) {
        s.r = ur;
        s.w = uw;
        s.w_if_dirtied = uw_d;
        s.x = ux;
        return s;
    }
    /* PSTATE.PAN: privileged data accesses to EL0-accessible memory fault
     * (fetches are not affected; AT S1E1RP/WP set acc->pan). */
    if (acc->pan && el0 && acc->kind != MMU_ACC_FETCH) {
        pr = false;
        pw = false;
        pw_d = false;
    }
    s.r = pr;
    s.w = pw;
    s.w_if_dirtied = pw_d;
    s.x = px;
    return s;
}

perm_set s2_perms(const mmu_cpu *cpu, const mmu_access *acc, const mmu_s2_perms *p)
{
    perm_set s = {0};
    s.r = p->s2ap & 1;
    s.w = p->s2ap & 2;
    s.w_if_dirtied = s.w || p->dbm;
    /* XN[1:0] with FEAT_XNX: 00 executable at EL1 and EL0, 01 not at EL1,
     * 10 at neither, 11 not at EL0. Without FEAT_XNX only XN[1] exists. */
    unsigned xn = cpu->feat.xnx ? p->xn : (p->xn & 2);
    bool el0 = uses_el0_permissions(acc);
    switch (xn) {
    case 0: s.x = true; break;
    case 1: s.x = el0; break;
    case 2: s.x = false; break;
    default: s.x = !el0; break;
    }
    return s;
}

mmu_fault mmu_check_permissions(const mmu_cpu *cpu, mmu_regime regime, bool s2_enabled,
                                const mmu_access *acc, mmu_result *res)
{
    mmu_fault f = {0};
    perm_set s1 = s1_perms(cpu, regime, acc, &res->s1perm);
    perm_set s2 = PERMS_ALL;
    if (s2_enabled && !acc->s1_only)
        s2 = s2_perms(cpu, acc, &res->s2perm);
    set_rwx(res, &s1, &s2);

    /* Stage 1 is checked first: its faults take priority. */
    if (!perms_allow(&s1, acc->kind)) {
        f.type = MMU_FAULT_PERMISSION;
        f.stage = 1;
        f.level = res->s1_level;
    } else if (!perms_allow(&s2, acc->kind)) {
        f.type = MMU_FAULT_PERMISSION;
        f.stage = 2;
        f.level = res->s2_level;
        f.ipa_valid = true;
        f.ipa = res->ipa;
    }
    f.write = acc->kind == MMU_ACC_WRITE;
    return f;
}
