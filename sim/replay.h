/* Replay: runs the records of a trace through mmu/ and the TLB model — no
 * Unicorn, no guest code — and writes the same walk log as the machine
 * (walklog_* with the same fields: walks, TLBIs, exceptions, register
 * writes). With the recording's configuration the log is the run's log;
 * with another TLB or CPU preset it shows what that configuration would
 * have done, and every access whose fault outcome differs from the
 * recording is reported through a callback.
 *
 * Guest memory is rebuilt from the trace's page snapshots and stores
 * (trace.h); a descriptor read from a page the trace had not described
 * yet (possible only when replay walks where the run did not) is counted
 * in untracked_reads and reads as "nothing there". */
#ifndef MMUSIM_REPLAY_H
#define MMUSIM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capstone/capstone.h>

#include "cpu_preset.h"
#include "mmu.h"
#include "tlb.h"
#include "trace.h"
#include "trace_mem.h"
#include "walklog.h"

/* An access whose outcome differs from the recording's. */
typedef struct replay_mismatch {
    uint64_t offset;      /* of the ACCESS or AT record */
    trace_where where;
    mmu_access acc;
    bool at;              /* an AT, not a guest access */
    bool rec_faulted;
    mmu_fault rec_fault;
    bool faulted;
    mmu_fault fault;      /* replay's */
} replay_mismatch;

typedef struct replay_opts {
    bool has_tlb;         /* else the recording's TLB configuration */
    mmu_tlb_config tlb;
    const cpu_preset *preset; /* NULL: the recording's ID registers */
    walklog *log;         /* NULL: no walk log */
    void (*on_mismatch)(void *ctx, const replay_mismatch *m);
    void *ctx;
} replay_opts;

/* What replay did, and what the recording says the run did. */
typedef struct replay_stats {
    uint64_t records;
    uint64_t accesses, ats, walks, faults, tlbis, sysregs, exceptions, stores, pages;
    uint64_t hits, misses;          /* from the TLB model */
    uint64_t mismatches;            /* accesses that fault differently */
    uint64_t untracked_reads;       /* descriptor reads of memory the trace had not described */
    uint64_t rec_walks, rec_faults; /* from the ACCESS records */
    bool has_end;                   /* the END record was replayed: */
    trace_summary rec;              /* the run's own counters */
    trace_config rec_config;        /* the recording's TLB and preset */
} replay_stats;

/* Instruction text by PC for the log (Capstone is slow next to a walk). */
#define REPLAY_INSN_TEXT 96
typedef struct replay_insn_text {
    uint64_t pc, val;     /* val as in trace_insn_map; 0: empty */
    bool ok;
    char text[REPLAY_INSN_TEXT];
} replay_insn_text;
#define REPLAY_INSN_CACHE 1024

typedef struct replay {
    replay_opts opts;
    mmu_cpu cpu;
    mmu_tlb tlb;
    bool tlb_ready;
    trace_mem mem;
    trace_insn_map insns;
    csh cs;
    bool cs_open;
    replay_insn_text *texts; /* REPLAY_INSN_CACHE entries, direct-mapped by PC */
    replay_stats stats;
} replay;

/* 0, or -1 with a message. */
int replay_init(replay *rp, const replay_opts *opts, char *err, size_t errlen);
void replay_free(replay *rp);
/* Applies one record. 0, or -1 with a message naming the record's offset
 * (a record that cannot apply, e.g. a store to memory the trace never
 * described). */
int replay_record(replay *rp, const trace_record *rec, char *err, size_t errlen);
/* Replays every record of r. 0 when the trace was read to its END; -1
 * with a message at the first bad record (everything before it was
 * replayed and is in the stats and the log). */
int replay_run(replay *rp, trace_reader *r, char *err, size_t errlen);

#endif
