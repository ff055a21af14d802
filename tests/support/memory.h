/* Test memory: a few RAM regions anywhere in the 52-bit PA space, exposed
 * as an mmu_port, with a bump allocator for page tables. */
#ifndef MMUSIM_TEST_MEMORY_H
#define MMUSIM_TEST_MEMORY_H

#include "mmu.h"

#define TESTMEM_MAX_REGIONS 8

typedef struct testmem {
    struct {
        uint64_t base, size;
        uint8_t *bytes;
    } region[TESTMEM_MAX_REGIONS];
    int n;
    uint64_t next_alloc;   /* bump pointer inside the allocation region */
    uint64_t alloc_end;
    unsigned reads, writes;
} testmem;

void testmem_init(testmem *m);
void testmem_free(testmem *m);
/* Adds zeroed RAM at [base, base+size). */
void testmem_add(testmem *m, uint64_t base, uint64_t size);
/* Table allocations come from [base, base+size), which must be RAM. */
void testmem_alloc_from(testmem *m, uint64_t base, uint64_t size);
mmu_port testmem_port(testmem *m);
mmu_pt_alloc testmem_allocator(testmem *m);
uint64_t testmem_read(testmem *m, uint64_t pa);
void testmem_write(testmem *m, uint64_t pa, uint64_t v);

#endif
