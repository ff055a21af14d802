/* mmu/at.h — address translation instructions (AT) of EL1 and EL2.
 *
 * Arm DDI0487 C5.5 (AT S1E1R ... AT S12E0W), D8.15 "Address translation
 * instructions"; ASL AArch64.AT, AArch64.EncodePAR. Summary in
 * ../shared/reference/aarch64-translation-notes.md section 4.4.
 *
 * An AT goes through the walker (mmu_walk_translate; the S1 forms with
 * acc.s1_only, so the result is the IPA when stage 2 is on) and produces
 * PAR_EL1 (mmu_par_success / mmu_par_fault), except when the architecture
 * says it takes an exception instead; the caller (sim/) then delivers it.
 *
 * Modelling choices, both allowed by DDI0487:
 * - AT never looks up nor fills the TLB model: it always walks the tables
 *   as they are in memory. (The architecture lets an AT use cached entries
 *   and allocate new ones; mmusim's AT therefore never reveals a stale TLB
 *   entry, and never hides a missing TLBI by refreshing one.)
 * - AT performs no hardware Access flag or dirty-state update
 *   (acc.no_update): the dirty state must not be set by an AT, and setting
 *   AF is permitted but not required.
 */
#ifndef MMU_AT_H
#define MMU_AT_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu.h"

typedef enum mmu_at_stages {
    MMU_AT_S1,      /* stage 1 only: PAR holds the IPA when stage 2 is on */
    MMU_AT_S12,     /* stage 1 then stage 2: PAR holds the PA */
} mmu_at_stages;

/* One AT operation: op0 = 1, CRn = 7, and this row's op1/CRm/op2. */
typedef struct mmu_at_op {
    const char *name;    /* "S1E1R" */
    uint8_t op1, crm, op2;
    mmu_at_stages stages;
    uint8_t target_el;   /* 0: EL0 permissions, 1: EL1, 2: EL2 */
    bool write;          /* the W forms check write permission */
    bool pan;            /* S1E1RP/WP: PSTATE.PAN is taken into account */
    uint8_t min_el;      /* the lowest EL that may execute it (1 or 2) */
} mmu_at_op;

/* The table (*count rows). */
const mmu_at_op *mmu_at_ops(size_t *count);
/* The row for an encoding, NULL if it is not an EL1/EL2 AT. */
const mmu_at_op *mmu_at_op_by_encoding(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
                                       unsigned op2);
/* The row for a name such as "s1e1r" (case-insensitive), NULL if unknown. */
const mmu_at_op *mmu_at_op_by_name(const char *name);

typedef enum mmu_at_status {
    MMU_AT_PAR = 0,        /* par holds the new PAR_EL1 value */
    MMU_AT_EXCEPTION,      /* take a Data Abort to exception_el instead: walk.fault
                              describes it (S1PTW, stage, level, IPA for HPFAR);
                              PAR_EL1 is left unchanged */
    MMU_AT_UNDEFINED,      /* not executable at this EL */
} mmu_at_status;

typedef struct mmu_at_result {
    mmu_at_status status;
    uint64_t par;
    uint8_t exception_el;
    mmu_walk walk;         /* the walk behind the answer, for logs */
} mmu_at_result;

/* Executes `op` for address va, issued at exception level `el` (1 or 2).
 * Fills *out and returns its status.
 *
 * Exceptions instead of PAR (ASL AArch64.AT): a stage-2 fault on the
 * stage-1 walk of an AT executed at EL1 goes to EL2 (the hypervisor must
 * see it, with HPFAR and ESR.S1PTW); a synchronous external abort on the
 * walk is taken as a Data Abort (to EL2 for a stage-2 one or when issued at
 * EL2, else EL1). */
mmu_at_status mmu_at_execute(mmu_cpu *cpu, const mmu_at_op *op, uint64_t va, uint8_t el,
                             mmu_at_result *out);

#endif
