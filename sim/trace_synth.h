/* Synthetic recordings: a CPU, sparse RAM, stage-1 tables built with the
 * mmu/ builder and a TLB, driven access by access the way the machine's
 * hooks drive the engine, recording a trace and (optionally) the walk log
 * the run would write. For tests (replay must reproduce that log), the
 * replay benchmark and example traces, without Unicorn.
 *
 * The CPU is the "max" preset with the EL1&0 regime on: 4K granule,
 * 48-bit VA (TTBR0), MAIR attr 0 Normal WB, hardware AF and dirty updates
 * on, ASID 1. RAM is [TRACE_SYNTH_RAM, +TRACE_SYNTH_RAM_SIZE); tables are
 * allocated from its last 16 MiB. Table changes after trace_synth_start
 * (trace_synth_map/unmap/store) are guest stores and are recorded. */
#ifndef MMUSIM_TRACE_SYNTH_H
#define MMUSIM_TRACE_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu.h"
#include "tlb.h"
#include "trace.h"
#include "trace_mem.h"
#include "walklog.h"

#define TRACE_SYNTH_RAM UINT64_C(0x40000000)
#define TRACE_SYNTH_RAM_SIZE (UINT64_C(1) << 30)
#define TRACE_SYNTH_TABLES (TRACE_SYNTH_RAM + TRACE_SYNTH_RAM_SIZE - (UINT64_C(16) << 20))

/* Leaf attributes: AF set, EL1 read/write (AttrIndx 0). */
#define TRACE_SYNTH_RW (UINT64_C(1) << 10)

/* A64 encodings the synthetic instructions use. */
#define TRACE_SYNTH_LDR UINT32_C(0xf9400020) /* ldr x0, [x1] */
#define TRACE_SYNTH_STR UINT32_C(0xf9000020) /* str x0, [x1] */
#define TRACE_SYNTH_NOP UINT32_C(0xd503201f)

typedef struct trace_synth {
    trace_mem ram;        /* the guest's RAM (pages appear when written) */
    mmu_cpu cpu;
    mmu_tlb tlb;
    mmu_builder s1;
    uint64_t next_table;
    bool started;
    trace_rec *rec;
    walklog *log;         /* may be NULL */
    uint64_t icount, pc;
    trace_summary sum;
    char err[200];        /* the first failure inside a step */
    bool failed;
} trace_synth;

/* Sets up the machine with TLB configuration tlb. The trace goes to out
 * (not closed); log (may be NULL) receives the run's walk log. 0, or -1
 * with a message. */
int trace_synth_init(trace_synth *s, FILE *out, const mmu_tlb_config *tlb, walklog *log,
                     char *err, size_t errlen);
/* Maps [va, va+size) to pa with the builder (MMU_MAP_PAGES_ONLY: 4K pages).
 * After trace_synth_start this is the guest rewriting its tables. */
int trace_synth_map(trace_synth *s, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs);
int trace_synth_unmap(trace_synth *s, uint64_t va, uint64_t size);
/* Starts recording: CONFIG and register records; tables built so far are
 * the initial memory. */
void trace_synth_start(trace_synth *s);
/* Moves the place of the next record: n more instructions, at pc. */
void trace_synth_step(trace_synth *s, uint64_t insns, uint64_t pc);
/* A guest access at the current place; true when it translated. */
bool trace_synth_access(trace_synth *s, uint64_t va, mmu_access_kind kind, uint8_t el);
void trace_synth_sysreg(trace_synth *s, mmu_reg reg, uint64_t value);
/* TLBI by name ("VAE1IS") with operand xt. */
void trace_synth_tlbi(trace_synth *s, const char *name, uint64_t xt);
/* A guest store of 8 bytes to RAM; `report` false models a store the
 * machine does not see (the recorder then catches it at the next read). */
void trace_synth_store(trace_synth *s, uint64_t pa, uint64_t value, bool report);
/* Writes END and frees everything. 0, or -1 with the first failure. */
int trace_synth_finish(trace_synth *s, char *err, size_t errlen);

#endif
