/* The Unicorn TLB-fill hook (UC_HOOK_TLB_FILL in UC_TLB_VIRTUAL mode): every
 * translation Unicorn needs comes from mmu/'s TLB model (mmu_tlb_translate),
 * judged for the EL and PAN in PSTATE at the time of the fill. A successful
 * translation returns the PA and the permissions this context has; a fault
 * (or a PA with nothing behind it) is recorded in m->abort and the hook
 * returns false, which stops Unicorn at the faulting instruction; the run
 * loop then delivers the abort (exception_abort). Each access is an
 * MEV_ACCESS event. */
#ifndef MMUSIM_FILL_H
#define MMUSIM_FILL_H

#include <stddef.h>

#include "machine.h"

/* Installs the hook. 0, or -1 with a message. */
int fill_install(machine *m, char *err, size_t errlen);
/* The instruction behind a fill of va for an access of this kind, found
 * by decoding the current translation block (inside the hook Unicorn's PC
 * is the block's start). When that meant reading the block, *insn gets the
 * instruction's encoding and *have_insn is true (a caller that wants the
 * encoding need not read it again). */
uint64_t fill_access_pc(machine *m, uint64_t va, mmu_access_kind kind, uint32_t *insn,
                        bool *have_insn);

#endif
