/* Access traces: everything translation depends on during a run, in order,
 * so that `mmusim replay` can run it again through mmu/ without Unicorn.
 * The binary layout is documented byte by byte in docs/trace.md; this
 * header is its C view: the record kinds as the reader delivers them, the
 * recorder API the machine calls (trace_write.c) and the streaming reader
 * (trace_read.c).
 *
 * What a trace holds:
 * - every access that reached the engine (each call of the TLB model from
 *   the Unicorn fill hook): VA, kind, EL, PAN, unprivileged, whether it
 *   walked and how it faulted, and where it happened (instruction count,
 *   PC, the instruction word: replay disassembles it for the walk log);
 * - every AT, MSR to a translation register, TLBI (operation and Xt) and
 *   exception entry/return, with where it happened;
 * - the memory the engine reads: a page is snapshotted the first time a
 *   walk reads a descriptor from it (MEM), and from then on every guest
 *   store to it is recorded (STORE) at the point it happens. A descriptor
 *   that a walk reads with a value the trace does not explain (a store the
 *   machine could not see) is recorded as a STORE just before that walk,
 *   so replay with the recording's own configuration always reads what the
 *   run read. See docs/trace.md "Memory" for the consequences;
 * - the initial state: every translation and ID register, the TLB
 *   configuration and the CPU preset's name; at the end, the run's counters.
 */
#ifndef MMUSIM_TRACE_H
#define MMUSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "at.h"
#include "mmu.h"
#include "tlb.h"
#include "tlbi.h"

#define TRACE_MAGIC "MMUTRACE"
#define TRACE_MAGIC_LEN 8
#define TRACE_VERSION 1

/* Memory is snapshotted and tracked in pages of this size (the smallest
 * granule): every table of any granule is made of such pages. */
#define TRACE_PAGE_SHIFT 12
#define TRACE_PAGE_SIZE (UINT64_C(1) << TRACE_PAGE_SHIFT)
#define TRACE_PAGE_WORDS (TRACE_PAGE_SIZE / 8)

/* Record tags (the first byte of each record). Tags below 0x80 are
 * ACCESS records whose low bits say what is predicted (docs/trace.md). */
enum {
    TRACE_TAG_ACCESS_MAX = 0x7F,
    TRACE_A_KIND = 0x03,      /* mmu_access_kind (3 is invalid) */
    TRACE_A_VA_STRIDE = 0x04, /* VA = previous VA of this kind + its last stride */
    TRACE_A_IC_STRIDE = 0x08, /* icount = previous + the last icount delta */
    TRACE_A_PC_SAME = 0x10,   /* PC = previous PC of this kind */
    TRACE_A_EXTRA = 0x20,     /* a flags byte follows (context change, fault) */
    TRACE_A_WALKED = 0x40,    /* the recording walked (TLB miss) */

    TRACE_TAG_SYSREG = 0x80,
    TRACE_TAG_REG_INIT = 0x81,
    TRACE_TAG_TLBI = 0x82,
    TRACE_TAG_AT = 0x83,
    TRACE_TAG_EXCEPTION = 0x84,
    TRACE_TAG_MEM = 0x85,
    TRACE_TAG_NOMEM = 0x86,
    TRACE_TAG_STORE = 0x87,
    TRACE_TAG_INSN = 0x88,
    TRACE_TAG_CONFIG = 0x89,
    TRACE_TAG_END = 0x8A,
};

/* The EXTRA byte of an ACCESS record (and the flags byte of AT). */
enum {
    TRACE_X_EL = 0x03,
    TRACE_X_PAN = 0x04,
    TRACE_X_UNPRIV = 0x08,
    TRACE_X_S1_ONLY = 0x10,
    TRACE_X_NO_UPDATE = 0x20,
    TRACE_X_FAULT = 0x40,     /* two fault bytes follow */
    TRACE_X_RESERVED = 0x80,
};

typedef enum trace_kind {
    TRACE_ACCESS,
    TRACE_AT,
    TRACE_SYSREG,     /* an MSR to a translation register (logged) */
    TRACE_REG_INIT,   /* a register's value when recording started (not logged) */
    TRACE_TLBI,
    TRACE_EXCEPTION,
    TRACE_MEM,        /* snapshot of one page */
    TRACE_NOMEM,      /* nothing (no RAM) behind this page */
    TRACE_STORE,
    TRACE_INSN,       /* the instruction word at a PC, from here on */
    TRACE_CONFIG,
    TRACE_END,
} trace_kind;

const char *trace_kind_name(trace_kind k);

/* Where a record happened (walklog_where without the text: replay
 * disassembles the word INSN records give for the PC). */
typedef struct trace_where {
    uint64_t icount;
    uint64_t pc;
    uint8_t el;           /* ACCESS: not stored, the access's EL is used */
    bool has_insn;        /* the word at pc could be read */
    uint32_t insn;
} trace_where;

/* An access (or AT) with its recorded outcome. For an AT, `op` is the
 * operation and acc holds its operand (va) and the access it implies (kind,
 * EL 0..2 of the permissions checked, unpriv, pan, s1_only); where.el is
 * the EL that issued it. */
typedef struct trace_access {
    mmu_access acc;
    const mmu_at_op *op;  /* AT only; NULL for an ACCESS */
    bool walked;          /* ACCESS: the recording walked (a TLB miss that read
                             a descriptor or faulted, as the run counts walks) */
    bool faulted;         /* the translation (AT: its walk) faulted */
    mmu_fault fault;      /* type, stage, level, s1ptw when faulted */
} trace_access;

#define TRACE_EXC_KIND_LEN 24
typedef struct trace_exception {
    char kind[TRACE_EXC_KIND_LEN]; /* as walklog_exception.kind */
    uint8_t from_el, to_el;
    uint64_t esr, elr, spsr;
    bool has_far, has_hpfar;
    uint64_t far, hpfar;
    uint64_t vector;
} trace_exception;

#define TRACE_PRESET_LEN 32
/* TLBI and AT operations are named ("VAE1IS", "RVALE1ISnXS", "S1E1R"). */
#define TRACE_OP_NAME_LEN 32
/* The largest TLB or walk-cache size (entries, ways) a trace may give, as
 * for scenarios (docs/scenario.md, "tlb"). */
#define TRACE_TLB_MAX (1u << 24)
typedef struct trace_config {
    mmu_tlb_config tlb;
    char preset[TRACE_PRESET_LEN]; /* informational: the ID registers are REG_INIT records */
} trace_config;

/* The recorded run's counters (END record). */
typedef struct trace_summary {
    uint64_t insns, accesses, walks, hits, misses, faults;
} trace_summary;

typedef struct trace_record {
    trace_kind kind;
    uint64_t offset;      /* byte offset of the record in the trace */
    trace_where where;    /* ACCESS, AT, SYSREG, TLBI, EXCEPTION */
    union {
        trace_access access;                 /* ACCESS, AT */
        struct { mmu_reg reg; uint64_t value; } reg;   /* SYSREG, REG_INIT */
        struct { const mmu_tlbi_op *op; bool nxs; uint64_t xt; } tlbi;
        trace_exception exc;
        struct { uint64_t pa; uint64_t words[TRACE_PAGE_WORDS]; } mem; /* MEM; NOMEM: pa */
        struct { uint64_t pa; uint8_t size; uint64_t value; } store; /* size 1..8 */
        struct { uint64_t pc; bool known; uint32_t word; } insn;
        trace_config config;
        trace_summary summary;
    } u;
} trace_record;

/* ------------------------------------------------------------------------
 * Recording (trace_write.c)
 * ------------------------------------------------------------------------ */

typedef struct trace_rec trace_rec;

/* Creates path and writes the header. 0, or -1 with a message. */
int trace_rec_open(trace_rec **out, const char *path, char *err, size_t errlen);
/* Same on an open stream (not closed by trace_rec_close). */
int trace_rec_from_stream(trace_rec **out, FILE *f, char *err, size_t errlen);
/* Writes the END record with the run's counters (NULL: none), flushes,
 * closes and frees. 0, or -1 when any write failed. NULL is accepted. */
int trace_rec_close(trace_rec *r, const trace_summary *s, char *err, size_t errlen);

/* The initial state: the TLB configuration and preset name, and every
 * register of cpu (REG_INIT). Call once, before the first access. */
void trace_rec_start(trace_rec *r, const mmu_cpu *cpu, const mmu_tlb_config *tlb,
                     const char *preset);
/* Routes the engine's descriptor reads and writes through the recorder
 * (port is replaced; the original is kept): a page's first read emits its
 * snapshot, a read that disagrees with the trace's view emits a STORE.
 * Call after the initial tables are built (their builder writes are part
 * of the snapshots, not of the trace). */
void trace_rec_wrap_port(trace_rec *r, mmu_port *port);
/* A guest store of size (1..8) bytes at pa, value little-endian: recorded
 * when pa lies in a page the trace tracks (cheap otherwise). Larger stores
 * are passed 8 bytes at a time. */
void trace_rec_store(trace_rec *r, uint64_t pa, unsigned size, uint64_t value);
/* True when pa lies in a tracked page (a store there must be recorded). */
bool trace_rec_tracks(const trace_rec *r, uint64_t pa);

/* The records with a place. The instruction word in w is recorded (INSN)
 * only when it differs from what the trace last said for that PC. */
void trace_rec_access(trace_rec *r, const trace_where *w, const trace_access *a);
/* An AT: a->op, a->acc.va (the operand), a->faulted and a->fault. */
void trace_rec_at(trace_rec *r, const trace_where *w, const trace_access *a);
void trace_rec_sysreg(trace_rec *r, const trace_where *w, mmu_reg reg, uint64_t value);
void trace_rec_tlbi(trace_rec *r, const trace_where *w, const mmu_tlbi_op *op, bool nxs,
                    uint64_t xt);
void trace_rec_exception(trace_rec *r, const trace_where *w, const trace_exception *e);

/* Bytes written so far (header included). */
uint64_t trace_rec_bytes(const trace_rec *r);

/* ------------------------------------------------------------------------
 * Reading (trace_read.c)
 * ------------------------------------------------------------------------ */

typedef struct trace_reader trace_reader;

/* Opens a trace file and checks its header. 0, or -1 with a message naming
 * the file and the offset. */
int trace_reader_open(trace_reader **out, const char *path, char *err, size_t errlen);
/* Reads from memory (not copied: buf must outlive the reader); `name`
 * appears in messages. */
int trace_reader_from_memory(trace_reader **out, const void *buf, size_t len, const char *name,
                             char *err, size_t errlen);
void trace_reader_close(trace_reader *r);
/* The next record: 1 and *rec filled, 0 after the END record, -1 with a
 * message "FILE: offset N: expected ..., got ..." for bad data, including
 * data that ends before END (a truncated trace) or bytes after it. Records
 * delivered before an error are valid; after an error every call returns
 * -1. */
int trace_next(trace_reader *r, trace_record *rec, char *err, size_t errlen);
/* Offset of the next byte to decode. */
uint64_t trace_reader_offset(const trace_reader *r);

#endif
