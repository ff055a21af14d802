/* The bump allocator: see bump.h. */
#include "bump.h"

static bool bump_alloc(void *ctx, uint64_t size, uint64_t align, uint64_t *pa)
{
    bump *b = ctx;
    uint64_t at = (b->next + align - 1) & ~(align - 1);
    if (at + size > b->end)
        return false;
    b->next = at + size;
    *pa = at;
    return true;
}

mmu_pt_alloc bump_allocator(bump *b)
{
    return (mmu_pt_alloc){b, bump_alloc};
}
