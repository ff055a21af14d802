/* The one table walker, for both stages: index, descriptor address,
 * (stage-2 translation of stage-1 table addresses), fetch, decode, next
 * level. ASL AArch64.S1Walk / AArch64.S2Walk, AArch64.DecodeDescriptorType,
 * AArch64.NextTableBase; Arm DDI0487 D8.2-D8.3. Internal to mmu/. */
#ifndef MMU_WALK_H
#define MMU_WALK_H

#include "desc.h"
#include "geometry.h"
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
    uint8_t start_shift;  /* level_shift of the start level */
    bool ds, lpa_desc, pa52;
    uint8_t oa_bits;
    uint64_t table;
} walk_params;

/* Table descriptor bits that restrict what lies below (stage 1: APTable,
 * PXNTable, UXNTable/XNTable). Each table's are ORed into what the levels
 * above gave (ASL AArch64.S1Walk: the walk state's APTable, PXNTable,
 * UXNTable), so the walk keeps their OR and stage 1 decodes it once, at
 * the leaf. */
#define DESC_TABLE_ATTRS (DESC_APTABLE | DESC_PXNTABLE | DESC_UXNTABLE)

/* The descriptor a walk ended on. */
typedef struct leaf_desc {
    uint64_t desc;
    uint64_t pa;          /* where it lives (for hardware updates) */
    int8_t level;
    uint8_t shift;        /* level_shift of its level: log2 of the size it maps */
    unsigned read_index;  /* its entry in rec->reads */
    uint64_t table_bits;  /* DESC_TABLE_ATTRS of the tables above it, ORed */
} leaf_desc;

/* Stage 2 of `ipa` for an access of `kind`: for a stage-1 table read
 * (s1ptw, tagged with that stage-1 level) or for the final IPA. Fills
 * *pa, and the leaf's permissions, level, size and descriptor attributes
 * (s2_desc_attr) in res's s2 fields. On a fault fills w->rec->fault as a
 * stage-2 fault. */
bool s2_translate(walker *w, uint64_t ipa, mmu_access_kind kind, bool s1ptw, int8_t for_s1_level,
                  uint64_t *pa, mmu_result *res);


/* Writes a hardware-updated descriptor back and records it. */
bool write_back(walker *w, const leaf_desc *leaf, uint64_t new_desc);

/* Fills rec->fault and returns false, for `return fault(...)`. */
bool walk_fault(walker *w, mmu_fault_type type, int stage, int level);

/* Walks the tables of one stage for input address `ia` down to a leaf
 * (block or page). Table reads of stage 1 are themselves translated by
 * stage 2 when w->s2_on. `for_s1_level` tags the reads of a stage-2 walk
 * made for a stage-1 table read (MMU_NO_LEVEL otherwise). On a fault fills
 * w->rec->fault (stage, level; IPA and S1PTW are the caller's to add) and
 * returns false.
 *
 * Defined here, inline, so that stage1.c and stage2.c each compile their
 * own copy with the stage and the walk parameters known: the stage-1 copy
 * has no stage-2 read tags, the stage-2 one no stage-2 translation of its
 * table addresses, and neither copy builds the walk_params in memory or
 * pays a call. That took about 65 of the 850 instructions a 4-level
 * stage-1 walk cost then (docs/performance.md). */
static inline bool walk_tables(walker *w, const walk_params *p, uint64_t ia, int8_t for_s1_level, leaf_desc *leaf)
{
    mmu_granule g = p->granule;
    uint64_t table = p->table;
    mmu_walk *rec = w->rec;
    const mmu_port port = w->cpu->port;
    bool s1_under_s2 = p->stage == 1 && w->s2_on;
    int8_t read_tag = p->stage == 2 ? for_s1_level : MMU_NO_LEVEL;
    uint64_t table_bits = 0;
    /* The next read's entry, &rec->reads[rec->n_reads], kept as a pointer
     * (no multiplication by the entry size per level). */
    mmu_desc_read *rd = &rec->reads[rec->n_reads];

    /* The input address bits each level indexes, level by level (what
     * table_index gives): the start level takes every bit from ia_bits - 1
     * down to its level shift (covering concatenated stage-2 tables),
     * each later level `stride` bits, `stride` lower. */
    unsigned stride = granule_stride(g);
    uint64_t beyond_oa = ~GENMASK64(p->oa_bits - 1, 0); /* address bits above the output size */
    unsigned shift = p->start_shift;
    uint64_t index_mask = GENMASK64(p->ia_bits - 1 - shift, 0);

    for (int level = p->start_level;; level++, shift -= stride, index_mask = GENMASK64(stride - 1, 0)) {
        uint64_t index = (ia >> shift) & index_mask;
        uint64_t desc_ipa = table + index * 8;
        uint64_t desc_pa = desc_ipa;

        if (s1_under_s2) {
            /* Each stage-1 table address is an IPA: translate it. A fault
             * here is a stage-2 fault with S1PTW set. */
            mmu_result s2res = {0};
            uint64_t s2_pa; /* (desc_pa, never address-taken, stays in a register) */
            if (!s2_translate(w, desc_ipa, MMU_ACC_READ, true, (int8_t)level, &s2_pa, &s2res))
                return false;
            desc_pa = s2_pa;
            rd = &rec->reads[rec->n_reads]; /* after the stage-2 reads */
        }

        if (rd >= rec->reads + MMU_MAX_READS) /* cannot happen: 40 reads at most */
            return walk_fault(w, MMU_FAULT_EXTERNAL_WALK, p->stage, level);
        /* The read's entry: every field written once (a walk appends up
         * to 40, none cleared first), the value fetched straight into it,
         * and the entry counted only once the fetch succeeds. */
        rd->stage = p->stage;
        rd->level = (int8_t)level;
        rd->for_s1_level = read_tag;
        rd->index = (uint16_t)index;
        rd->table = table;
        rd->ipa = desc_ipa;
        rd->pa = desc_pa;
        rd->updated = false;
        rd->new_value = 0;
        if (!port.read64(port.ctx, desc_pa, &rd->value)) {
            /* Nothing at that address: synchronous external abort on the
             * walk (ASL FetchDescriptor). */
            return walk_fault(w, MMU_FAULT_EXTERNAL_WALK, p->stage, level);
        }
        uint64_t desc = rd->value;
        rec->n_reads++;
        rd++;

        if (!(desc & DESC_VALID))
            return walk_fault(w, MMU_FAULT_TRANSLATION, p->stage, level);

        if (level < 3 && (desc & DESC_TABLE)) {
            uint64_t next = desc_output_address(desc, (unsigned)g, p->ds, p->lpa_desc);
            /* A next-level table above the output size: Address size
             * fault at the level of this table descriptor. */
            if (next & beyond_oa)
                return walk_fault(w, MMU_FAULT_ADDRESS_SIZE, p->stage, level);
            if (p->stage == 1) /* stage 2 has no hierarchical attributes */
                table_bits |= desc; /* DESC_TABLE_ATTRS taken at the leaf */
            table = next;
            continue;
        }
        /* Level 3 with bit[1]=0 is reserved; a block where the granule
         * has none (always at level -1) is invalid. */
        if (level == 3 ? !(desc & DESC_TABLE) : !block_allowed(g, level, p->ds, p->pa52))
            return walk_fault(w, MMU_FAULT_TRANSLATION, p->stage, level);

        leaf->desc = desc;
        leaf->pa = desc_pa;
        leaf->level = (int8_t)level;
        leaf->shift = (uint8_t)shift;
        leaf->read_index = (unsigned)(rd - 1 - rec->reads);
        leaf->table_bits = table_bits & DESC_TABLE_ATTRS;
        return true;
    }
}

#endif
