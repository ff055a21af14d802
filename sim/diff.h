/* `mmusim diff`: mmusim's translations against a Tarmac trace (an FVP run,
 * or another mmusim run written with `run --tarmac`).
 *
 * What is compared, in the order of trust of issue 6 (docs/diff.md):
 *   1. the PA of every translated access: instruction fetches (IT/IS, and
 *      the second PA of a two-halfword fetch) and loads/stores (MR/MW);
 *   2. fault or no fault, and for aborts the exception class, fault status
 *      (type and level), S1PTW and the EL the abort is taken to (ESR_ELx);
 *   3. FAR_ELx and HPFAR_EL2 of aborts;
 *   4. PAR_EL1 after each AT;
 *   5. the set each TLBI invalidates;
 *   then, where the trace has them, TLB FILL lines (the entry a walk
 *   installs) and TTW lines (the descriptors a walk reads; upper levels may
 *   be missing from the trace, as a walk cache skips them). Eviction order
 *   is never compared.
 *
 * Two modes:
 *   - replay (diff_replay): the trace's own accesses, register writes, AT
 *     and TLBI go through mmu/ and a TLB model; memory is the scenario's
 *     initial image (or nothing) plus the trace's stores, applied in order;
 *   - lock-step (diff_lockstep): the scenario runs on the machine and its
 *     own Tarmac lines (tarmac_sink) are compared with the trace's,
 *     instruction by instruction.
 *
 * Nothing here prints: the report is written by diff_report_text/json to
 * the stream the command gives. */
#ifndef MMUSIM_DIFF_H
#define MMUSIM_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "machine.h"
#include "mmu.h"
#include "tarmac.h"

typedef enum diff_kind {
    DIFF_FETCH_PA,   /* PA of an instruction fetch */
    DIFF_DATA_PA,    /* PA of a load or store */
    DIFF_FAULT,      /* fault or not; class, status, S1PTW, target EL */
    DIFF_FAR,        /* FAR_ELx of an abort */
    DIFF_HPFAR,      /* HPFAR_EL2 of a stage-2 abort */
    DIFF_PAR,        /* PAR_EL1 after an AT */
    DIFF_TLBI,       /* the set a TLBI invalidates */
    DIFF_TLB_FILL,   /* a TLB FILL line: the entry a walk installs */
    DIFF_TTW,        /* TTW lines: the descriptors a walk reads */
    DIFF_REGISTER,   /* lock-step: a translation register written */
    DIFF_FLOW,       /* lock-step: the runs part ways (PC, opcode, accesses) */
    DIFF_KIND_COUNT
} diff_kind;

/* "fetch-pa", "data-pa", "fault", ... (stable names, used in JSON). */
const char *diff_kind_name(diff_kind k);

/* Where a check happened: the trace line, and the instruction (the last IT
 * line before it) it belongs to. */
typedef struct diff_where {
    uint64_t line;
    uint64_t insn_line;   /* 0: before the first instruction */
    uint64_t icount;      /* the instruction's (n) in the trace */
    uint64_t pc;
    int8_t el;            /* -1: unknown */
    const char *insn;     /* disassembly (NUL-terminated), "" if none */
} diff_where;

#define DIFF_TEXT 400

/* One disagreement, as reported. */
typedef struct diff_divergence {
    diff_kind kind;
    uint64_t line, insn_line, icount, pc;
    int8_t el;
    char insn[96];
    char trace[DIFF_TEXT];  /* the trace's answer, in words */
    char ours[DIFF_TEXT];   /* mmusim's */
    char note[DIFF_TEXT];   /* how they were compared, or why they differ */
    bool has_walk;          /* mmusim's walk for it */
    mmu_walk walk;
} diff_divergence;

typedef struct diff_bad_line {
    uint64_t line;
    const char *problem;    /* static string */
    char text[120];
} diff_bad_line;

/* What was not compared, and why. */
typedef struct diff_skipped {
    uint64_t secure;        /* accesses in Secure/Root/Realm state or at EL3 */
    uint64_t no_pa;         /* accesses printed without a PA */
    uint64_t no_el;         /* accesses before any instruction gave the EL */
    uint64_t unknown_op;    /* TLBI/AT operations mmusim does not implement */
    uint64_t par_unprinted; /* AT whose PAR_EL1 the trace did not print (unchanged) */
    uint64_t tlb_reloads;   /* the trace re-walked where mmusim's TLB model held an entry
                               no TLBI had removed (replay: eviction, not compared) */
    uint64_t untracked_reads; /* descriptor reads of memory no image or store described */
    uint64_t not_run;       /* lock-step: trace instructions after the comparison stopped */
} diff_skipped;

typedef struct diff_report {
    const char *mode;       /* "replay" or "lockstep" */
    uint64_t agree[DIFF_KIND_COUNT], disagree[DIFF_KIND_COUNT];
    diff_skipped skipped;
    uint64_t lines, insns, unknown_lines, bad_lines;
    size_t max_report;      /* divergences and bad lines kept (each) */
    size_t n_div, n_bad;
    diff_divergence *div;
    diff_bad_line *bad;
    diff_divergence scratch; /* filled and dropped beyond max_report */
    char stopped[256];      /* lock-step: why the comparison ended early ("" if not) */
} diff_report;

/* 0, or -1 (out of memory) with a message. */
int diff_report_init(diff_report *r, const char *mode, size_t max_report, char *err,
                     size_t errlen);
void diff_report_free(diff_report *r);
/* Counts an agreement of kind k. */
void diff_agree(diff_report *r, diff_kind k);
/* Counts a disagreement and returns the record to fill in (trace, ours,
 * note, walk): kept when fewer than max_report are, else a scratch copy. */
diff_divergence *diff_disagree(diff_report *r, diff_kind k, const diff_where *w);
/* A bad (truncated or garbled) trace line. */
void diff_bad(diff_report *r, const tarmac_record *rec);
uint64_t diff_disagreements(const diff_report *r);

/* The report for people: counts per kind, then each kept divergence with
 * its line, instruction, both answers and mmusim's walk, then bad lines. */
void diff_report_text(const diff_report *r, const char *trace_path, FILE *f);
/* The same as one JSON object (schema in docs/diff.md). */
void diff_report_json(const diff_report *r, const char *trace_path, FILE *f);

/* ---- The two modes ------------------------------------------------------- */

/* Replays the trace read by r on m's initial state (memory, CPU registers
 * and features), without running m: m->cpu's memory port is replaced by
 * one that adds the trace's stores to m's memory. The TLB model is
 * unbounded (only TLBIs remove entries). 0 at the end of the trace; -1
 * with a message on a read error. */
int diff_replay(machine *m, tarmac_reader *r, diff_report *rep, char *err, size_t errlen);

/* Runs m (set up, not yet run) and compares each of its instructions with
 * the trace's, aligned by instruction count: the trace's first instruction
 * is the run's instruction (n) when the trace starts at (n) > 1, else the
 * run's first. Stops when the trace ends, the run stops, or the PCs part
 * ways. 0, or -1 with a message (read error, sink not attached). */
int diff_lockstep(machine *m, tarmac_reader *r, diff_report *rep, char *err, size_t errlen);

#endif
