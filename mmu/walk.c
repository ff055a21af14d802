/* The table walker's out-of-line parts: fault recording and hardware
 * descriptor updates. The walk itself, walk_tables, is in walk.h (inline:
 * see there why). */
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
