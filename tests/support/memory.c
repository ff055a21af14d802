#include "memory.h"

#include <stdlib.h>
#include <string.h>

void testmem_init(testmem *m) { memset(m, 0, sizeof *m); }

void testmem_free(testmem *m)
{
    for (int i = 0; i < m->n; i++)
        free(m->region[i].bytes);
    m->n = 0;
}

void testmem_add(testmem *m, uint64_t base, uint64_t size)
{
    if (m->n == TESTMEM_MAX_REGIONS)
        abort();
    m->region[m->n].base = base;
    m->region[m->n].size = size;
    m->region[m->n].bytes = calloc(1, size);
    if (!m->region[m->n].bytes)
        abort();
    m->n++;
}

void testmem_alloc_from(testmem *m, uint64_t base, uint64_t size)
{
    m->next_alloc = base;
    m->alloc_end = base + size;
}

static uint8_t *find(testmem *m, uint64_t pa)
{
    for (int i = 0; i < m->n; i++)
        if (pa >= m->region[i].base && pa - m->region[i].base <= m->region[i].size - 8)
            return m->region[i].bytes + (pa - m->region[i].base);
    return NULL;
}

static bool port_read(void *ctx, uint64_t pa, uint64_t *v)
{
    testmem *m = ctx;
    uint8_t *p = find(m, pa);
    m->reads++;
    if (!p)
        return false;
    memcpy(v, p, 8);
    return true;
}

static bool port_write(void *ctx, uint64_t pa, uint64_t v)
{
    testmem *m = ctx;
    uint8_t *p = find(m, pa);
    m->writes++;
    if (!p)
        return false;
    memcpy(p, &v, 8);
    return true;
}

static bool port_alloc(void *ctx, uint64_t size, uint64_t align, uint64_t *pa)
{
    testmem *m = ctx;
    uint64_t at = (m->next_alloc + align - 1) & ~(align - 1);
    if (at + size > m->alloc_end || !find(m, at))
        return false;
    memset(find(m, at), 0, size);
    m->next_alloc = at + size;
    *pa = at;
    return true;
}

mmu_port testmem_port(testmem *m) { return (mmu_port){m, port_read, port_write}; }

mmu_pt_alloc testmem_allocator(testmem *m) { return (mmu_pt_alloc){m, port_alloc}; }

uint64_t testmem_read(testmem *m, uint64_t pa)
{
    uint64_t v = 0;
    uint8_t *p = find(m, pa);
    if (p)
        memcpy(&v, p, 8);
    return v;
}

void testmem_write(testmem *m, uint64_t pa, uint64_t v)
{
    uint8_t *p = find(m, pa);
    if (p)
        memcpy(p, &v, 8);
}
