/* Declarations shared between mmu/ source files; not part of the API. */
#ifndef MMU_INTERNAL_H
#define MMU_INTERNAL_H

#include "mmu.h"
#include "sysreg.h"

/* features.c: ID registers -> cpu->feat. */
void decode_features(mmu_cpu *cpu);
/* regime.c: TCR/TTBR/SCTLR/HCR/VTCR/VTTBR -> cpu->s1[], cpu->s2. */
void decode_regimes(mmu_cpu *cpu);

/* regime.c: mmu_regime_for_el and mmu_stage2_active, inline for the
 * walker (every walk asks; a call would cost as much as the answer). */
static inline mmu_regime regime_for_el(const mmu_cpu *cpu, uint8_t el)
{
    uint64_t hcr = cpu->reg[MMU_HCR_EL2];
    bool e2h = hcr & HCR_E2H;
    if (el >= 2)
        return e2h ? MMU_REGIME_EL20 : MMU_REGIME_EL2;
    if (el == 0 && e2h && (hcr & HCR_TGE))
        return MMU_REGIME_EL20;
    return MMU_REGIME_EL10;
}

static inline bool stage2_active(const mmu_cpu *cpu, mmu_regime regime)
{
    return regime == MMU_REGIME_EL10 && cpu->s2.enabled;
}

/* A MAIR-format attribute byte 0b0000xxxx is Device memory. */
static inline bool memattr_is_device(uint8_t attr) { return (attr & 0xf0) == 0; }

/* attrs.c: memory attributes. */
mmu_memattr s1_leaf_attr(const mmu_s1_regime *r, const mmu_s1_range *range, uint64_t desc);
mmu_memattr s1_disabled_attr(const mmu_s1_regime *r, mmu_access_kind kind);
mmu_memattr s2_leaf_attr(const mmu_s2_regime *s2, uint64_t desc);
mmu_memattr combine_s1_s2_attr(mmu_memattr s1, mmu_memattr s2);
/* res->s1_attr and res->attr for an access of `kind` from the descriptor
 * attributes in res (s1_desc_attr, s2_desc_attr when s2_on): the
 * cacheability controls, then the stage 1 + stage 2 combination. */
void finish_attrs(const mmu_cpu *cpu, mmu_regime regime, bool s2_on, mmu_access_kind kind, mmu_result *res);

/* stage1.c: with stage 1 of regime r off, the output address of va, or
 * false for the Address size fault (level 0) of a VA bit at or above PAMax
 * below the tag (ASL AArch64.S1DisabledOutput). */
bool s1_disabled_output(const mmu_cpu *cpu, const mmu_s1_regime *r, uint64_t va, uint64_t *oa);

/* perms.c: what the context of `acc` (EL, unprivileged, PAN) may do
 * with memory that has these stage-1 / stage-2 permissions. */
typedef struct perm_set {
    bool r, w, x;      /* allowed now, without any descriptor update */
    bool w_if_dirtied; /* write allowed once hardware sets the dirty state */
} perm_set;
perm_set s1_perms(const mmu_cpu *cpu, mmu_regime regime, const mmu_access *acc, const mmu_s1_perms *p);
perm_set s2_perms(const mmu_cpu *cpu, const mmu_access *acc, const mmu_s2_perms *p);

/* May an access of `kind` go ahead? A write may where hardware can set
 * the dirty state first. */
static inline bool perms_allow(const perm_set *s, mmu_access_kind kind)
{
    switch (kind) {
    case MMU_ACC_READ: return s->r;
    case MMU_ACC_WRITE: return s->w_if_dirtied;
    case MMU_ACC_FETCH: return s->x;
    }
    return false;
}

/* res->r/w/x: what both stages allow. */
static inline void set_rwx(mmu_result *res, const perm_set *s1, const perm_set *s2)
{
    res->r = s1->r && s2->r;
    res->w = s1->w && s2->w;
    res->x = s1->x && s2->x;
}

/* Everything allowed: stage 2 when it is off. */
static const perm_set PERMS_ALL = {true, true, true, true};

#endif
