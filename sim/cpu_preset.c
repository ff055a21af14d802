/* CPU presets and named ID register fields. The ID register layouts are
 * Arm DDI0487 D19.2.64 (ID_AA64MMFR0_EL1), D19.2.65 (ID_AA64MMFR1_EL1),
 * D19.2.66 (ID_AA64MMFR2_EL1) and D19.2.61 (ID_AA64ISAR0_EL1); the masks
 * live in mmu/sysreg.h. The presets span the hw_pa x hw_va axes of the
 * FEAT_LPA2 KVM series (../shared/seed/): PA 48 / FEAT_LPA / FEAT_LPA2 by
 * VA 48 / 52. */
#include "cpu_preset.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sysreg.h"

/* Features every preset from Armv8.4 up shares: 16-bit ASIDs and VMIDs,
 * hardware AF and dirty state, VHE, HPDS, PAN2 (AT S1E1RP/WP), XNX, CnP,
 * TTST, TTL, E0PD, TLBI outer-shareable + range. */
#define V84_MMFR0 (FIELD_PREP_CONST(MMFR0_ASIDBITS, 2) | FIELD_PREP_CONST(MMFR0_TGRAN64, 0))
#define V84_MMFR1                                                                         \
    (FIELD_PREP_CONST(MMFR1_HAFDBS, 2) | FIELD_PREP_CONST(MMFR1_VMIDBITS, 2) | FIELD_PREP_CONST(MMFR1_VH, 1) | \
     FIELD_PREP_CONST(MMFR1_HPDS, 1) | FIELD_PREP_CONST(MMFR1_PAN, 2) | FIELD_PREP_CONST(MMFR1_XNX, 1))
#define V84_MMFR2                                                                         \
    (FIELD_PREP_CONST(MMFR2_CNP, 1) | FIELD_PREP_CONST(MMFR2_ST, 1) | FIELD_PREP_CONST(MMFR2_TTL, 1) |       \
     FIELD_PREP_CONST(MMFR2_E0PD, 1))
#define V84_ISAR0 FIELD_PREP_CONST(ISAR0_TLB, 2)

/* Granule support without LPA2: 4K and 16K at both stages, stage 2 said
 * explicitly (TGranX_2 = 2, "supported"). 64K: TGran64 = 0 is "supported". */
#define GRAN_NO_LPA2                                                                      \
    (FIELD_PREP_CONST(MMFR0_TGRAN4, 0) | FIELD_PREP_CONST(MMFR0_TGRAN16, 1) |                          \
     FIELD_PREP_CONST(MMFR0_TGRAN4_2, 2) | FIELD_PREP_CONST(MMFR0_TGRAN16_2, 2) |                      \
     FIELD_PREP_CONST(MMFR0_TGRAN64_2, 2))
/* With LPA2 at both stages: TGran4 = 1, TGran16 = 2 (52-bit), TGran4_2 =
 * TGran16_2 = 3 (52-bit at stage 2), as Linux has_lpa2_at_stage1/2 test. */
#define GRAN_LPA2                                                                         \
    (FIELD_PREP_CONST(MMFR0_TGRAN4, 1) | FIELD_PREP_CONST(MMFR0_TGRAN16, 2) |                          \
     FIELD_PREP_CONST(MMFR0_TGRAN4_2, 3) | FIELD_PREP_CONST(MMFR0_TGRAN16_2, 3) |                      \
     FIELD_PREP_CONST(MMFR0_TGRAN64_2, 2))

#define PARANGE_48 FIELD_PREP_CONST(MMFR0_PARANGE, 5)
#define PARANGE_52 FIELD_PREP_CONST(MMFR0_PARANGE, 6)
#define VARANGE_52 FIELD_PREP_CONST(MMFR2_VARANGE, 1)

static const cpu_preset presets[] = {
    {"max", "everything modelled: 52-bit PA, LPA2 (4K/16K, both stages), 64K LPA/LVA, range TLBI",
     PARANGE_52 | GRAN_LPA2 | V84_MMFR0, V84_MMFR1, V84_MMFR2 | VARANGE_52, V84_ISAR0},
    {"v8.0", "Armv8.0: 48-bit PA and VA, 8-bit VMIDs, no HAFDBS/PAN/TTL, no LPA/LVA/LPA2, no range TLBI",
     PARANGE_48 | FIELD_PREP_CONST(MMFR0_ASIDBITS, 2) | FIELD_PREP_CONST(MMFR0_TGRAN16, 1), 0, 0, 0},
    {"lpa", "52-bit PA and VA with 64K only (FEAT_LPA + FEAT_LVA), 4K/16K without LPA2",
     PARANGE_52 | GRAN_NO_LPA2 | V84_MMFR0, V84_MMFR1, V84_MMFR2 | VARANGE_52, V84_ISAR0},
    {"pa48-va52", "48-bit PA, 52-bit VA with 64K (FEAT_LVA), no LPA/LPA2",
     PARANGE_48 | GRAN_NO_LPA2 | V84_MMFR0, V84_MMFR1, V84_MMFR2 | VARANGE_52, V84_ISAR0},
    {"lpa-va48", "52-bit PA with 64K (FEAT_LPA), 48-bit VA (no LVA), no LPA2",
     PARANGE_52 | GRAN_NO_LPA2 | V84_MMFR0, V84_MMFR1, V84_MMFR2, V84_ISAR0},
    {"lpa2-va48", "52-bit PA with LPA2 (4K/16K) and 64K LPA, but no FEAT_LVA for 64K",
     PARANGE_52 | GRAN_LPA2 | V84_MMFR0, V84_MMFR1, V84_MMFR2, V84_ISAR0},
};

const cpu_preset *cpu_preset_find(const char *name)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (!strcmp(presets[i].name, name))
            return &presets[i];
    return NULL;
}

const cpu_preset *cpu_preset_all(size_t *count)
{
    *count = sizeof presets / sizeof presets[0];
    return presets;
}

void cpu_preset_apply(mmu_cpu *cpu, const cpu_preset *p)
{
    mmu_cpu_set_reg(cpu, MMU_ID_AA64MMFR0_EL1, p->mmfr0);
    mmu_cpu_set_reg(cpu, MMU_ID_AA64MMFR1_EL1, p->mmfr1);
    mmu_cpu_set_reg(cpu, MMU_ID_AA64MMFR2_EL1, p->mmfr2);
    mmu_cpu_set_reg(cpu, MMU_ID_AA64ISAR0_EL1, p->isar0);
}

#define F(reg, field, mask) {#reg "." field, MMU_##reg, mask}

static const cpu_field fields[] = {
    F(ID_AA64MMFR0_EL1, "PARange", MMFR0_PARANGE),
    F(ID_AA64MMFR0_EL1, "ASIDBits", MMFR0_ASIDBITS),
    F(ID_AA64MMFR0_EL1, "TGran16", MMFR0_TGRAN16),
    F(ID_AA64MMFR0_EL1, "TGran64", MMFR0_TGRAN64),
    F(ID_AA64MMFR0_EL1, "TGran4", MMFR0_TGRAN4),
    F(ID_AA64MMFR0_EL1, "TGran16_2", MMFR0_TGRAN16_2),
    F(ID_AA64MMFR0_EL1, "TGran64_2", MMFR0_TGRAN64_2),
    F(ID_AA64MMFR0_EL1, "TGran4_2", MMFR0_TGRAN4_2),
    F(ID_AA64MMFR1_EL1, "HAFDBS", MMFR1_HAFDBS),
    F(ID_AA64MMFR1_EL1, "VMIDBits", MMFR1_VMIDBITS),
    F(ID_AA64MMFR1_EL1, "VH", MMFR1_VH),
    F(ID_AA64MMFR1_EL1, "HPDS", MMFR1_HPDS),
    F(ID_AA64MMFR1_EL1, "PAN", MMFR1_PAN),
    F(ID_AA64MMFR1_EL1, "XNX", MMFR1_XNX),
    F(ID_AA64MMFR2_EL1, "CnP", MMFR2_CNP),
    F(ID_AA64MMFR2_EL1, "VARange", MMFR2_VARANGE),
    F(ID_AA64MMFR2_EL1, "ST", MMFR2_ST),
    F(ID_AA64MMFR2_EL1, "TTL", MMFR2_TTL),
    F(ID_AA64MMFR2_EL1, "BBM", MMFR2_BBM),
    F(ID_AA64MMFR2_EL1, "E0PD", MMFR2_E0PD),
    F(ID_AA64ISAR0_EL1, "TLB", ISAR0_TLB),
};

#undef F

const cpu_field *cpu_field_all(size_t *count)
{
    *count = sizeof fields / sizeof fields[0];
    return fields;
}

static bool same_name(const char *a, const char *b)
{
    while (*a && *b && tolower((unsigned char)*a) == tolower((unsigned char)*b))
        a++, b++;
    return !*a && !*b;
}

static bool is_id_reg(mmu_reg r)
{
    return r == MMU_ID_AA64MMFR0_EL1 || r == MMU_ID_AA64MMFR1_EL1 || r == MMU_ID_AA64MMFR2_EL1 ||
           r == MMU_ID_AA64ISAR0_EL1;
}

int cpu_field_lookup(const char *name, mmu_reg *reg, uint64_t *mask, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (same_name(fields[i].name, name)) {
            *reg = fields[i].reg;
            *mask = fields[i].mask;
            return 0;
        }
    }
    mmu_reg r = mmu_reg_by_name(name);
    if (r != MMU_REG_COUNT && is_id_reg(r)) {
        *reg = r;
        *mask = ~UINT64_C(0);
        return 0;
    }
    snprintf(err, errlen,
             "unknown CPU field '%s' (expected an ID register such as ID_AA64MMFR0_EL1 or "
             "one of its fields, e.g. ID_AA64MMFR0_EL1.TGran4)",
             name);
    return -1;
}

int cpu_field_set(mmu_cpu *cpu, const char *name, uint64_t value, char *err, size_t errlen)
{
    mmu_reg reg;
    uint64_t mask;
    if (cpu_field_lookup(name, &reg, &mask, err, errlen))
        return -1;
    uint64_t max = mask >> field_shift(mask);
    if (value > max) {
        snprintf(err, errlen, "%s: value 0x%" PRIx64 " does not fit the field (max 0x%" PRIx64 ")",
                 name, value, max);
        return -1;
    }
    uint64_t old = mmu_cpu_get_reg(cpu, reg);
    mmu_cpu_set_reg(cpu, reg, (old & ~mask) | FIELD_PREP(mask, value));
    return 0;
}
