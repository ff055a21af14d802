/* A run as a Tarmac trace (`mmusim run --tarmac FILE`): a machine event
 * sink that writes Fast Models' dialect, the one sim/tarmac.c reads back:
 *
 *   R <reg> <value>                 translation registers at the start, then each MSR
 *   R cpsr <value>                  PSTATE, when anything but NZCV changed
 *   IT (<n>) <va>:<pa>_NS <opcode> O EL<n><h|t>_n : <disassembly>
 *   MR<size> <va>:<pa>_NS <data>    each load; MW for stores
 *   M<R|W><size> <va> (ABORTED)     the access of a Data Abort (at FAR)
 *   E <elr> <offset> CoreEvent_...  an exception, then R cpsr, ESR, FAR,
 *                                   HPFAR_EL2, ELR, SPSR of the target EL
 *   R TLBI <op> <hi32>:<lo32>       a TLBI and its Xt
 *   R AT <op> <hi32>:<lo32>         an AT, then R PAR_EL1 (unless it aborts)
 *
 * and, with TARMAC_SINK_MMU (Fast Models' trace_mmu), before the access
 * that caused each table walk: one `TTW <pa>_NS <descriptor> stage=<s>
 * level=<l>` line per descriptor read, then `TLB FILL` when the walk filled
 * the TLB model. Walks for instruction fetches are written just before the
 * first instruction of their 1 KiB sub-page that executes (Unicorn
 * translates a block, and fetches its pages, before running it).
 *
 * Times are instruction numbers: instruction n (counted from 0, every
 * instruction that started, including those that fault) is at time n.
 * See docs/tarmac.md. */
#ifndef MMUSIM_TARMAC_SINK_H
#define MMUSIM_TARMAC_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "machine.h"
#include "tarmac.h"

enum {
    TARMAC_SINK_MMU = 1u << 0, /* TTW and TLB FILL lines */
};

typedef struct tarmac_sink tarmac_sink;

/* A sink writing to out (not closed by tarmac_sink_free). NULL when out of
 * memory. */
tarmac_sink *tarmac_sink_new(FILE *out, unsigned flags);
/* The MEV_* kinds the sink needs. */
unsigned tarmac_sink_kinds(const tarmac_sink *s);
/* The machine_sink_fn: pass the sink as ctx. Exposed so that another sink
 * (diff --lockstep) can forward events to it. */
void tarmac_sink_event(void *ctx, machine *m, const machine_event *ev);
/* Attaches s to m for its kinds. 0, or -1 with a message. */
int tarmac_sink_attach(tarmac_sink *s, machine *m, char *err, size_t errlen);
/* Instructions written so far (the number the next IT line gets). */
uint64_t tarmac_sink_insns(const tarmac_sink *s);
/* Loads/stores not written because their VA was not known. */
uint64_t tarmac_sink_skipped(const tarmac_sink *s);
/* 0 when every line was written; -1 with the first write error. */
int tarmac_sink_status(const tarmac_sink *s, char *err, size_t errlen);
void tarmac_sink_free(tarmac_sink *s);

#endif
