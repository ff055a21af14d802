/* Names of the engine's enumerations, for logs and the CLI. */
#include <ctype.h>
#include <stddef.h>

#include "mmu.h"

int mmu_granule_index(mmu_granule g)
{
    return g == MMU_GRANULE_4K ? 0 : g == MMU_GRANULE_16K ? 1 : 2;
}

const char *mmu_granule_name(mmu_granule g)
{
    return g == MMU_GRANULE_4K ? "4K" : g == MMU_GRANULE_16K ? "16K" : g == MMU_GRANULE_64K ? "64K" : "?";
}

const char *mmu_regime_name(mmu_regime r)
{
    static const char *const names[] = {"EL1&0", "EL2&0", "EL2"};
    return (unsigned)r < MMU_REGIME_COUNT ? names[r] : "?";
}

const char *mmu_access_kind_name(mmu_access_kind k)
{
    static const char *const names[] = {"read", "write", "fetch"};
    return (unsigned)k <= MMU_ACC_FETCH ? names[k] : "?";
}

const char *mmu_fault_type_name(mmu_fault_type t)
{
    static const char *const names[] = {"none", "address-size", "translation", "access-flag",
                                        "permission", "external-abort-on-walk"};
    return (unsigned)t <= MMU_FAULT_EXTERNAL_WALK ? names[t] : "?";
}

static const char *const reg_names[MMU_REG_COUNT] = {
    [MMU_ID_AA64MMFR0_EL1] = "ID_AA64MMFR0_EL1",
    [MMU_ID_AA64MMFR1_EL1] = "ID_AA64MMFR1_EL1",
    [MMU_ID_AA64MMFR2_EL1] = "ID_AA64MMFR2_EL1",
    [MMU_ID_AA64ISAR0_EL1] = "ID_AA64ISAR0_EL1",
    [MMU_SCTLR_EL1] = "SCTLR_EL1",
    [MMU_TCR_EL1] = "TCR_EL1",
    [MMU_TTBR0_EL1] = "TTBR0_EL1",
    [MMU_TTBR1_EL1] = "TTBR1_EL1",
    [MMU_MAIR_EL1] = "MAIR_EL1",
    [MMU_SCTLR_EL2] = "SCTLR_EL2",
    [MMU_TCR_EL2] = "TCR_EL2",
    [MMU_TTBR0_EL2] = "TTBR0_EL2",
    [MMU_TTBR1_EL2] = "TTBR1_EL2",
    [MMU_MAIR_EL2] = "MAIR_EL2",
    [MMU_HCR_EL2] = "HCR_EL2",
    [MMU_VTCR_EL2] = "VTCR_EL2",
    [MMU_VTTBR_EL2] = "VTTBR_EL2",
};

const char *mmu_reg_name(mmu_reg r)
{
    return (unsigned)r < MMU_REG_COUNT ? reg_names[r] : NULL;
}

mmu_reg mmu_reg_by_name(const char *name)
{
    for (int r = 0; r < MMU_REG_COUNT; r++) {
        const char *a = reg_names[r], *b = name;
        while (*a && *b && toupper((unsigned char)*b) == *a)
            a++, b++;
        if (!*a && !*b)
            return (mmu_reg)r;
    }
    return MMU_REG_COUNT;
}
