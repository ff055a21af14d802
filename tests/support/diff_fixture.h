/* A small guest for the Tarmac sink and diff tests: EL2 with stage 1 on
 * (4K, 32-bit VA), built in memory without a compiler. It stores, loads,
 * runs AT S1E2R, remaps a page (a store to its descriptor, then TLBI VAE2),
 * loads through the new mapping, and ends with a load from an unmapped VA
 * that takes a Data Abort (translation fault, level 1) to its vector. */
#ifndef MMUSIM_DIFF_FIXTURE_H
#define MMUSIM_DIFF_FIXTURE_H

#include <stdio.h>

#include "machine.h"

/* Where things are. */
#define FIX_CODE UINT64_C(0x40000000)    /* VA == PA */
#define FIX_VECTOR UINT64_C(0x40000a00)  /* VBAR_EL2 + 0x200 */
#define FIX_DATA_VA UINT64_C(0x80000000) /* -> FIX_DATA_PA, then FIX_NEW_PA */
#define FIX_DATA_PA UINT64_C(0x40200000)
#define FIX_NEW_PA UINT64_C(0x40300000)
#define FIX_BAD_VA UINT64_C(0x90000010)  /* unmapped */
#define FIX_INSNS 18                     /* instructions until the abort, then the vector's b . */

/* A machine set up to run the guest (NULL and a message on failure). */
machine *fixture_machine(char *err, size_t errlen);
void fixture_free(machine *m);
/* Runs a fresh fixture machine for max_insns instructions with a Tarmac
 * sink (tarmac_sink.h flags) and returns the trace, rewound; NULL and a
 * message on failure. */
FILE *fixture_trace(unsigned sink_flags, uint64_t max_insns, char *err, size_t errlen);

#endif
