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

static mmu_desc_read *new_read(mmu_walk *rec)
{
    if (rec->n_reads >= MMU_MAX_READS)
        return NULL; /* cannot happen: 40 reads at most */
    mmu_desc_read *r = &rec->reads[rec->n_reads++];
    *r = (mmu_desc_read){0};
    return r;
}

static void gather_table_attrs(const walk_params *p, uint64_t desc, table_attrs *t)
{
    if (p->stage != 1 || p->hpd)
        return;
    unsigned ap = (unsigned)FIELD_GET(DESC_APTABLE, desc);
    if (!p->single_el) {
        t->no_el0 |= ap & 1;
        t->pxn |= (desc & DESC_PXNTABLE) != 0;
    }
    t->read_only |= (ap & 2) != 0;
    t->uxn |= (desc & DESC_UXNTABLE) != 0;
}

bool walk_tables(walker *w, const walk_params *p, uint64_t ia, int8_t for_s1_level, leaf_desc *leaf)
{
    mmu_granule g = p->granule;
    uint64_t table = p->table;
    *leaf = (leaf_desc){0};

    for (int level = p->start_level;; level++) {
        uint64_t index = table_index(g, level, p->start_level, p->ia_bits, ia);
        uint64_t desc_ipa = table + index * 8;
        uint64_t desc_pa = desc_ipa;
        mmu_result s2res = {0};

        if (p->stage == 1 && w->s2_on) {
            /* Each stage-1 table address is an IPA: translate it. A fault
             * here is a stage-2 fault with S1PTW set. */
            if (!s2_translate(w, desc_ipa, MMU_ACC_READ, true, (int8_t)level, &desc_pa, &s2res))
                return false;
        }

        mmu_desc_read *rd = new_read(w->rec);
        if (!rd)
            return walk_fault(w, MMU_FAULT_EXTERNAL_WALK, p->stage, level);
        rd->stage = p->stage;
        rd->level = (int8_t)level;
        rd->for_s1_level = p->stage == 2 ? for_s1_level : MMU_NO_LEVEL;
        rd->index = (uint16_t)index;
        rd->table = table;
        rd->ipa = desc_ipa;
        rd->pa = desc_pa;

        uint64_t desc;
        if (!w->cpu->port.read64(w->cpu->port.ctx, desc_pa, &desc)) {
            /* Nothing at that address: synchronous external abort on the
             * walk (ASL FetchDescriptor). */
            w->rec->n_reads--;
            return walk_fault(w, MMU_FAULT_EXTERNAL_WALK, p->stage, level);
        }
        rd->value = desc;

        if (!(desc & DESC_VALID))
            return walk_fault(w, MMU_FAULT_TRANSLATION, p->stage, level);

        if (level < 3 && (desc & DESC_TABLE)) {
            uint64_t next = desc_output_address(desc, (unsigned)g, p->ds, p->lpa_desc);
            /* A next-level table above the output size: Address size
             * fault at the level of this table descriptor. */
            if (next >> p->oa_bits)
                return walk_fault(w, MMU_FAULT_ADDRESS_SIZE, p->stage, level);
            gather_table_attrs(p, desc, &leaf->tattrs);
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
        leaf->read_index = w->rec->n_reads - 1;
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
