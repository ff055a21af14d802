/* sim/diff_parts.h — private to the diff (sim/diff_*.c): the pieces both
 * modes share. */
#ifndef MMUSIM_DIFF_PARTS_H
#define MMUSIM_DIFF_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diff.h"
#include "physmem.h"
#include "trace_mem.h"

/* ---- Memory for replay (diff_mem.c) ---------------------------------------
 * The scenario's physical memory, plus a sparse copy of whatever the
 * trace stores outside it (an FVP trace needs no scenario when it holds the
 * stores that built its tables). */
typedef struct diff_mem {
    physmem *pm;          /* may have no region at all */
    trace_mem extra;      /* pages the trace stored to outside pm */
    uint64_t untracked;   /* descriptor reads of memory neither describes */
    uint64_t last_untracked;
} diff_mem;

void diff_mem_init(diff_mem *dm, physmem *pm);
void diff_mem_free(diff_mem *dm);
/* The engine's port onto this memory. */
mmu_port diff_mem_port(diff_mem *dm);
/* Applies a store of size bytes (1..16; value_hi holds bytes 8..15). A
 * store to a device is dropped. false when out of memory. */
bool diff_mem_store(diff_mem *dm, uint64_t pa, unsigned size, uint64_t value, uint64_t value_hi);
/* Something (RAM or a device) is at pa. */
bool diff_mem_backed(diff_mem *dm, uint64_t pa);

/* ---- Aborts (diff_abort.c) ------------------------------------------------- */

/* An abort as ESR_ELx reports it: what is compared. */
typedef struct diff_abort {
    bool is_abort;        /* an Instruction or Data Abort */
    bool fetch;           /* Instruction Abort */
    uint8_t ec;           /* exception class */
    uint8_t fsc;          /* DFSC/IFSC */
    bool s1ptw, wnr, cm;
    int8_t to_el;         /* the ESR's EL, -1 unknown */
} diff_abort;

/* The EL of a register name's `_EL<n>` suffix, or -1. */
int8_t diff_reg_el(const char *name, size_t len);
diff_abort diff_abort_from_esr(uint64_t esr, int8_t to_el);
/* The abort mmusim takes for fault f of an access from from_el: fetch or
 * data, taken to to_el; sea: an external abort outside a walk (FSC 0x10). */
diff_abort diff_abort_from_fault(const mmu_fault *f, bool sea, bool fetch, bool cm,
                                 uint8_t from_el, uint8_t to_el);
/* Same class, fault status, S1PTW and target EL. */
bool diff_abort_same(const diff_abort *a, const diff_abort *b);
/* "data abort to EL1 (EC 0x25): translation fault, level 2 (FSC 0x06)". */
void diff_abort_describe(const diff_abort *a, char *buf, size_t len);
/* "translation fault, stage 2, level 1, S1PTW, IPA 0x40000000". */
void diff_fault_describe(const mmu_fault *f, char *buf, size_t len);
/* The PAR_EL1 value in words: "PA 0x... attr 0xff sh 3" or "fault FST 0x07 ...". */
void diff_par_describe(uint64_t par, char *buf, size_t len);

/* ---- TTW and TLB FILL lines (diff_mmu_lines.c) ------------------------------
 * The trace's walk lines are kept until the access they come before, then
 * compared with mmusim's walk for that access. */
#define DIFF_MAX_TTW 48

typedef struct diff_ttw_line {
    uint64_t line, pa, value;
} diff_ttw_line;

typedef struct diff_mmu_lines {
    unsigned n_ttw;
    diff_ttw_line ttw[DIFF_MAX_TTW];
    bool has_fill;
    uint64_t fill_line;
    tarmac_tlb fill;      /* id not kept */
} diff_mmu_lines;

/* Keeps a TTW line or a TLB FILL line (others are ignored). */
void diff_mmu_lines_add(diff_mmu_lines *p, const tarmac_record *rec);
/* An R line's register name in upper case, NUL-terminated, in name; false
 * when it does not fit (no register the diff compares is that long). */
#define DIFF_REG_NAME_LEN 32
bool diff_reg_name(const tarmac_reg *r, char name[DIFF_REG_NAME_LEN]);

/* The lines both modes take the same way: a bad line is reported, an
 * unknown one counted, TTW / TLB FILL kept in mmu (when not NULL). True
 * when rec was one of them. */
bool diff_common_line(diff_report *r, diff_mmu_lines *mmu, const tarmac_record *rec);
static inline bool diff_mmu_lines_pending(const diff_mmu_lines *p)
{
    return p->n_ttw || p->has_fill;
}
/* Compares the kept lines with mmusim's walk of the access they came
 * before (ok: the walk succeeded), counts and reports, and forgets them.
 * Each TTW line must be one of the walk's descriptor reads, in order, with
 * the same value except the bits hardware updates (AF, and AP[2]/S2AP[1]
 * of dirty state); the last must be the walk's last read. A TLB FILL must
 * describe the entry the walk gives: size, VA and PA of the block, ASID
 * when nG, VMID. */
void diff_mmu_lines_check(diff_mmu_lines *p, diff_report *rep, const diff_where *w,
                          const mmu_walk *walk, bool ok);

#endif
