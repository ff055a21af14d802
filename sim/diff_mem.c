/* Replay memory: the scenario's physical memory plus the trace's stores
 * outside it. See diff_parts.h. */
#include "diff_parts.h"

#include "trace.h"

void diff_mem_init(diff_mem *dm, physmem *pm)
{
    dm->pm = pm;
    trace_mem_init(&dm->extra);
    dm->untracked = 0;
    dm->last_untracked = 0;
}

void diff_mem_free(diff_mem *dm)
{
    trace_mem_free(&dm->extra);
}

static bool read64(void *ctx, uint64_t pa, uint64_t *value)
{
    diff_mem *dm = ctx;
    if (physmem_read(dm->pm, pa, value, sizeof *value) ||
        trace_mem_read(&dm->extra, pa, 8, value))
        return true;
    dm->untracked++;
    dm->last_untracked = pa;
    return false;
}

static bool write64(void *ctx, uint64_t pa, uint64_t value)
{
    diff_mem *dm = ctx;
    return physmem_write(dm->pm, pa, &value, sizeof value) ||
           trace_mem_write(&dm->extra, pa, 8, value);
}

mmu_port diff_mem_port(diff_mem *dm)
{
    return (mmu_port){.ctx = dm, .read64 = read64, .write64 = write64};
}

bool diff_mem_backed(diff_mem *dm, uint64_t pa)
{
    return physmem_find(dm->pm, pa) || trace_mem_find(&dm->extra, pa);
}

/* Up to 8 bytes that do not cross a region or page. */
static bool store_part(diff_mem *dm, uint64_t pa, unsigned size, uint64_t value)
{
    uint8_t bytes[8];
    for (unsigned i = 0; i < size; i++)
        bytes[i] = (uint8_t)(value >> (8 * i));
    if (physmem_write(dm->pm, pa, bytes, size))
        return true;
    if (physmem_find(dm->pm, pa))
        return true; /* a device, or RAM ending inside the store: dropped */
    for (uint64_t page = pa >> TRACE_PAGE_SHIFT; page <= (pa + size - 1) >> TRACE_PAGE_SHIFT;
         page++)
        if (!trace_mem_add(&dm->extra, page << TRACE_PAGE_SHIFT, true))
            return false;
    return trace_mem_write(&dm->extra, pa, size, value);
}

bool diff_mem_store(diff_mem *dm, uint64_t pa, unsigned size, uint64_t value, uint64_t value_hi)
{
    if (size > 8)
        return store_part(dm, pa, 8, value) && store_part(dm, pa + 8, size - 8, value_hi);
    return store_part(dm, pa, size, value);
}
