/* The table walker shared by both stages. Internal to mmu/. */
#ifndef MMU_WALK_H
#define MMU_WALK_H

#include "internal.h"

/* One translation in progress: the CPU, the access, and the record being
 * filled. */
typedef struct walker {
    mmu_cpu *cpu;
    const mmu_access *acc;
    mmu_walk *rec;
    bool s2_on;       /* stage-1 table addresses and the final IPA go through stage 2 */
    /* What the access's context may do with the stage-1 leaf, and with
     * the last stage-2 leaf (that of the final IPA once the walk is
     * done), after any hardware dirty update: for the result's r/w/x. */
    perm_set s1_allowed, s2_allowed;
} walker;

/* The geometry and format of one stage's walk. */
typedef struct walk_params {
    int8_t stage;
    mmu_granule granule;
    uint8_t ia_bits;
    int8_t start_level;
    bool ds, lpa_desc, pa52;
    uint8_t oa_bits;
    uint64_t table;
    bool hpd;         /* stage 1: ignore APTable/XNTable/PXNTable */
    bool single_el;   /* stage 1 of the EL2 regime: no EL0, APTable[0]/PXNTable RES0 */
} walk_params;

/* Stage-1 hierarchical attributes gathered from table descriptors. */
typedef struct table_attrs {
    bool no_el0;      /* APTable[0] */
    bool read_only;   /* APTable[1] */
    bool pxn, uxn;    /* PXNTable, UXNTable/XNTable */
} table_attrs;

/* The descriptor a walk ended on. */
typedef struct leaf_desc {
    uint64_t desc;
    uint64_t pa;          /* where it lives (for hardware updates) */
    int8_t level;
    unsigned read_index;  /* its entry in rec->reads */
    table_attrs tattrs;
} leaf_desc;

/* Walks the tables of one stage for input address `ia` down to a leaf
 * (block or page). Table reads of stage 1 are themselves translated by
 * stage 2 when w->s2_on. `for_s1_level` tags the reads of a stage-2 walk
 * made for a stage-1 table read (MMU_NO_LEVEL otherwise). On a fault fills
 * w->rec->fault (stage, level; IPA and S1PTW are the caller's to add) and
 * returns false. */
bool walk_tables(walker *w, const walk_params *p, uint64_t ia, int8_t for_s1_level, leaf_desc *leaf);

/* Stage 2 of `ipa` for an access of `kind`: for a stage-1 table read
 * (s1ptw, tagged with that stage-1 level) or for the final IPA. Fills
 * *pa, and the leaf's permissions, level, size and descriptor attributes
 * (s2_desc_attr) in res's s2 fields. On a fault fills w->rec->fault as a
 * stage-2 fault. */
bool s2_translate(walker *w, uint64_t ipa, mmu_access_kind kind, bool s1ptw, int8_t for_s1_level,
                  uint64_t *pa, mmu_result *res);

/* Stage 1 of acc->va in `regime`: fills res (ipa, s1 fields). */
bool s1_translate(walker *w, mmu_regime regime, mmu_result *res);

/* Writes a hardware-updated descriptor back and records it. */
bool write_back(walker *w, const leaf_desc *leaf, uint64_t new_desc);

/* Fills rec->fault and returns false, for `return fault(...)`. */
bool walk_fault(walker *w, mmu_fault_type type, int stage, int level);

#endif
