/* CPU presets: the ID register values of a modelled CPU, named after what
 * they model, plus field-by-field overrides by architectural name
 * ("ID_AA64MMFR0_EL1.TGran4"). The values go into an mmu_cpu through
 * mmu_cpu_set_reg, which decodes them into mmu_cpu.feat. Field meanings:
 * Arm DDI0487 D19.2 (ID_AA64MMFR0/1/2_EL1, ID_AA64ISAR0_EL1); summary in
 * ../shared/reference/aarch64-translation-notes.md section 3. */
#ifndef MMUSIM_CPU_PRESET_H
#define MMUSIM_CPU_PRESET_H

#include <stddef.h>
#include <stdint.h>

#include "mmu.h"

typedef struct cpu_preset {
    const char *name;     /* "max", "v8.0", "lpa", ... */
    const char *summary;  /* one line: what it models */
    uint64_t mmfr0, mmfr1, mmfr2, isar0;
} cpu_preset;

/* The preset called `name` (case-sensitive), or NULL. */
const cpu_preset *cpu_preset_find(const char *name);
/* All presets, in a fixed order; *count receives their number. */
const cpu_preset *cpu_preset_all(size_t *count);
/* Writes the preset's ID registers into cpu (other registers untouched). */
void cpu_preset_apply(mmu_cpu *cpu, const cpu_preset *p);

/* One ID register field that can be overridden by name. */
typedef struct cpu_field {
    const char *name;     /* "ID_AA64MMFR0_EL1.TGran4" */
    mmu_reg reg;
    uint64_t mask;        /* from mmu/sysreg.h */
} cpu_field;

/* All named fields; *count receives their number. */
const cpu_field *cpu_field_all(size_t *count);
/* Looks up "REG.Field" (case-insensitive), or a whole ID register by its
 * name ("ID_AA64MMFR0_EL1", mask = all ones). 0 on success, -1 with a
 * message in err when unknown. */
int cpu_field_lookup(const char *name, mmu_reg *reg, uint64_t *mask, char *err, size_t errlen);
/* Sets a named field (or whole ID register) of cpu to value. -1 with a
 * message when the name is unknown or the value does not fit the field. */
int cpu_field_set(mmu_cpu *cpu, const char *name, uint64_t value, char *err, size_t errlen);

#endif
