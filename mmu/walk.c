/* The one table walker, for both stages: index, descriptor address,
 * (stage-2 translation of stage-1 table addresses), fetch, decode, next
 * level. ASL AArch64.S1Walk / AArch64.S2Walk, AArch64.DecodeDescriptorType,
 * AArch64.NextTableBase; Arm DDI0487 D8.2-D8.3. */
#include "desc.h"
#include "geometry.h"
#include "walk.h"

bool walk_fault(walker *w, mmu_fault_type type, int stage, int level)
{
    mmu_fault *f = &w->rec->fault;
    *f = (mmu_fault){0};
    f->type = type;
    f->stage = (int8_t)stage;
    f->level = (int8_t)level;
    f->write = w->acc->kind == MMU_ACC_WRITE;
    return false;
}

/* Table descriptor bits that restrict what lies below (APTable,
 * PXNTable, UXNTable/XNTable): each level's are ORed into the next, so a
 * walk accumulates them with one OR per table and decodes them once, at
 * the leaf (table_attrs_of). */
#define DESC_TABLE_ATTRS (DESC_APTABLE | DESC_PXNTABLE | DESC_UXNTABLE)

/* Stage-1 hierarchical attributes from the table bits ORed along a walk
 * (ASL AArch64.S1Walk: the walk state's APTable, PXNTable, UXNTable). */
static table_attrs table_attrs_of(const walk_params *p, uint64_t bits)
{
    table_attrs t = {0};
    if (p->stage != 1 || p->hpd)
        return t;
    unsigned ap = (unsigned)FIELD_GET(DESC_APTABLE, bits);
    if (!p->single_el) {
        t.no_el0 = ap & 1;
        t.pxn = (bits & DESC_PXNTABLE) != 0;
    }
    t.read_only = (ap & 2) != 0;
    t.uxn = (bits & DESC_UXNTABLE) != 0;
    return t;
}

bool walk_tables(walker *w, const walk_params *p, uint64_t ia, int8_t for_s1_level, leaf_desc *leaf)
{
    mmu_granule g = p->granule;
    uint64_t table = p->table;
    mmu_walk *rec = w->rec;
    const mmu_port port = w->cpu->port;
    bool s1_under_s2 = p->stage == 1 && w->s2_on;
    int8_t read_tag = p->stage == 2 ? for_s1_level : MMU_NO_LEVEL;
    uint64_t table_bits = 0;

    /* The input address bits each level indexes, level by level (what
     * table_index gives): the start level takes every bit from ia_bits - 1
     * down to its level shift (covering concatenated stage-2 tables),
     * each later level `stride` bits, `stride` lower. */
    unsigned stride = granule_stride(g);
    unsigned shift = level_shift(g, p->start_level);
    uint64_t index_mask = GENMASK64(p->ia_bits - 1 - shift, 0);

    for (int level = p->start_level;; level++, shift -= stride, index_mask = GENMASK64(stride - 1, 0)) {
        uint64_t index = (ia >> shift) & index_mask;
        uint64_t desc_ipa = table + index * 8;
        uint64_t desc_pa = desc_ipa;

        if (s1_under_s2) {
            /* Each stage-1 table address is an IPA: translate it. A fault
             * here is a stage-2 fault with S1PTW set. */
            mmu_result s2res = {0};
            if (!s2_translate(w, desc_ipa, MMU_ACC_READ, true, (int8_t)level, &desc_pa, &s2res))
                return false;
        }

        if (rec->n_reads >= MMU_MAX_READS) /* cannot happen: 40 reads at most */
            return walk_fault(w, MMU_FAULT_EXTERNAL_WALK, p->stage, level);
        uint64_t desc;
        if (!port.read64(port.ctx, desc_pa, &desc)) {
            /* Nothing at that address: synchronous external abort on the
             * walk (ASL FetchDescriptor). */
            return walk_fault(w, MMU_FAULT_EXTERNAL_WALK, p->stage, level);
        }
        /* Every field written once (no clearing first: a walk appends
         * up to 40 of these). */
        mmu_desc_read *rd = &rec->reads[rec->n_reads++];
        rd->stage = p->stage;
        rd->level = (int8_t)level;
        rd->for_s1_level = read_tag;
        rd->index = (uint16_t)index;
        rd->table = table;
        rd->ipa = desc_ipa;
        rd->pa = desc_pa;
        rd->value = desc;
        rd->updated = false;
        rd->new_value = 0;

        if (!(desc & DESC_VALID))
            return walk_fault(w, MMU_FAULT_TRANSLATION, p->stage, level);

        if (level < 3 && (desc & DESC_TABLE)) {
            uint64_t next = desc_output_address(desc, (unsigned)g, p->ds, p->lpa_desc);
            /* A next-level table above the output size: Address size
             * fault at the level of this table descriptor. */
            if (next >> p->oa_bits)
                return walk_fault(w, MMU_FAULT_ADDRESS_SIZE, p->stage, level);
            table_bits |= desc & DESC_TABLE_ATTRS;
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
        leaf->read_index = rec->n_reads - 1;
        leaf->tattrs = table_attrs_of(p, table_bits);
        return true;
    }
}

bool write_back(walker *w, const leaf_desc *leaf, uint64_t new_desc)
{
    if (!w->cpu->port.write64(w->cpu->port.ctx, leaf->pa, new_desc)) {
        int stage = w->rec->reads[leaf->read_index].stage;
        return walk_fault(w, MMU_FAULT_EXTERNAL_WALK, stage, leaf->level);
    }
    mmu_desc_read *rd = &w->rec->reads[leaf->read_index];
    rd->updated = true;
    rd->new_value = new_desc;
    return true;
}
