/* Synthetic Tarmac traces with real translation: a stage-1 EL1 guest whose
 * page tables are built by stores in the trace itself (MW8 lines with the
 * MMU off), then a long run of instructions, loads and stores with VA:PA,
 * register writes, TLBI, AT + PAR_EL1 and aborted loads with their
 * exception, ESR and FAR. Every PA is computed from the mapping by
 * arithmetic, not by the walker, so `mmusim diff` with no scenario must
 * agree with all of it. For tests and tools/bench_diff. */
#ifndef MMUSIM_TARMAC_SYNTH_H
#define MMUSIM_TARMAC_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct tarmac_synth_opts {
    uint64_t lines;       /* stop after about this many lines */
    uint64_t seed;        /* 0: a fixed default */
    unsigned data_pages;  /* 4 KiB data pages mapped, a power of two (0: 1024) */
} tarmac_synth_opts;

/* What was written. */
typedef struct tarmac_synth_stats {
    uint64_t lines, insns, loads, stores, table_stores, tlbis, ats, aborts;
} tarmac_synth_stats;

/* Writes the trace to out. 0, or -1 with a message. */
int tarmac_synth_write(FILE *out, const tarmac_synth_opts *o, tarmac_synth_stats *st, char *err,
                       size_t errlen);

#endif
