/* The walk log: one record per table walk, TLBI, exception and write of a
 * translation register, as JSON Lines (one object per line, schema in
 * docs/walk-record.md) or as a compact human-readable text. Records are
 * formatted straight into a buffer (no JSON tree), so logging every walk
 * stays cheap. A walklog is not thread-safe; one per run. */
#ifndef MMUSIM_WALKLOG_H
#define MMUSIM_WALKLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu.h"
#include "tlbi.h"

typedef enum walklog_format {
    WALKLOG_JSONL = 0,   /* JSON Lines, docs/walk-record.md */
    WALKLOG_TEXT = 1,    /* a few lines per record, for people */
} walklog_format;

/* Which record kinds are written (all by default). */
enum {
    WALKLOG_WALKS = 1u << 0,
    WALKLOG_TLBIS = 1u << 1,
    WALKLOG_EXCEPTIONS = 1u << 2,
    WALKLOG_REGISTERS = 1u << 3,
    WALKLOG_ALL = 0xFu,
};

typedef struct walklog walklog;

/* Where a record happened: the instruction that caused it. */
typedef struct walklog_where {
    uint64_t icount;      /* instructions retired before this one */
    uint64_t pc;
    uint8_t el;
    const char *insn;     /* disassembly, e.g. "ldr x0, [x1]"; NULL if unknown */
} walklog_where;

/* A TLB invalidation, as the machine decoded it. */
typedef struct walklog_tlbi {
    const char *op;       /* "RVAE1IS", "VMALLS12E1", ... */
    bool has_operand;
    uint64_t operand;     /* Xt as written */
    /* Decoded scope; the has_* flags say which parts the op carries. */
    bool has_asid, has_vmid, has_range, has_level;
    uint16_t asid, vmid;
    uint64_t start, end;  /* [start, end): VA or IPA range (one page for non-range ops) */
    int8_t level;         /* TTL hint: leaf level, when has_level */
    bool last_level;      /* *L* forms: leaf entries only */
    long removed;         /* TLB entries the model dropped; -1 if not counted */
} walklog_tlbi;

/* The walk-log view of a decoded TLBI that removed `removed` entries; the
 * operation's name (with "nXS") is written to name[24], which op points to. */
#define WALKLOG_TLBI_NAME_LEN 24
walklog_tlbi walklog_tlbi_of(const mmu_tlbi *t, long removed, char name[WALKLOG_TLBI_NAME_LEN]);

/* An exception taken (or returned from, kind "eret"). */
typedef struct walklog_exception {
    const char *kind;     /* "data-abort", "instruction-abort", "svc", "hvc", "eret", ... */
    uint8_t from_el, to_el;
    uint64_t esr, elr, spsr;
    bool has_far, has_hpfar;
    uint64_t far, hpfar;
    uint64_t vector;      /* PC the exception entered at (ERET: the return address) */
} walklog_exception;

/* Opens `path` for writing ("-" is standard error: standard output belongs
 * to the guest). 0 on success; -1 with a message in err. */
int walklog_open(walklog **out, const char *path, walklog_format fmt, char *err, size_t errlen);
/* Wraps an open stream (not closed by walklog_close). */
walklog *walklog_from_stream(FILE *f, walklog_format fmt);
/* Flushes, closes the file (if opened by walklog_open) and frees. 0 on
 * success; -1 with a message when a write failed at any point. NULL is
 * accepted. */
int walklog_close(walklog *l, char *err, size_t errlen);
/* Restricts the record kinds written to the WALKLOG_* mask. */
void walklog_select(walklog *l, unsigned kinds);
/* True when records of this WALKLOG_* kind are written (callers may skip
 * disassembly otherwise). */
bool walklog_wants(const walklog *l, unsigned kind);
/* Writes buffered output through to the file. */
void walklog_flush(walklog *l);

/* One table walk. `origin` says why it happened: "access" (a guest load,
 * store or fetch), "at" (an AT instruction), "replay"... */
void walklog_walk(walklog *l, const walklog_where *w, const char *origin, const mmu_walk *walk);
void walklog_tlbi_op(walklog *l, const walklog_where *w, const walklog_tlbi *t);
void walklog_exception_taken(walklog *l, const walklog_where *w, const walklog_exception *e);
/* A write (MSR) of a system register (mmu_reg_name() for translation
 * registers): its value before and after. */
void walklog_register_write(walklog *l, const walklog_where *w, const char *reg, uint64_t old_value,
                            uint64_t new_value);

#endif
