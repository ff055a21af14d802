/* A bump allocator for page-table builders working in a machine's RAM
 * (tests that build tables with mmu_pt_* in physmem rather than testmem):
 * tables come from [next, end) in order, aligned as asked. The RAM must
 * already be zero (fresh machine RAM is). */
#ifndef MMUSIM_TEST_BUMP_H
#define MMUSIM_TEST_BUMP_H

#include <stdint.h>

#include "mmu.h"

typedef struct bump {
    uint64_t next, end;
} bump;

/* The mmu_pt_alloc that allocates from b (b must outlive its use). */
mmu_pt_alloc bump_allocator(bump *b);

#endif
