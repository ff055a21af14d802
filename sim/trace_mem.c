/* Sparse page memory and the PC -> instruction map: see trace_mem.h. Both
 * are open-addressing hash tables with linear probing that double when
 * half full. */
#include "trace_mem.h"

#include <stdlib.h>
#include <string.h>

#include "trace.h"

static size_t hash64(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= UINT64_C(0xff51afd7ed558ccd);
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

void trace_mem_init(trace_mem *m)
{
    memset(m, 0, sizeof *m);
}

void trace_mem_free(trace_mem *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].words);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static trace_page *slot_for(trace_page *slots, size_t cap, uint64_t key)
{
    size_t i = hash64(key, cap);
    while (slots[i].key && slots[i].key != key)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

trace_page *trace_mem_find(const trace_mem *m, uint64_t pa)
{
    if (!m->cap)
        return NULL;
    trace_page *p = slot_for(m->slots, m->cap, (pa >> TRACE_PAGE_SHIFT) + 1);
    return p->key ? p : NULL;
}

static bool grow_pages(trace_mem *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    trace_page *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *slot_for(slots, cap, m->slots[i].key) = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return true;
}

trace_page *trace_mem_add(trace_mem *m, uint64_t pa, bool ram)
{
    trace_page *p = trace_mem_find(m, pa);
    if (p)
        return p;
    if ((m->n + 1) * 2 > m->cap && !grow_pages(m))
        return NULL;
    uint64_t *words = NULL;
    if (ram && !(words = calloc(TRACE_PAGE_WORDS, sizeof *words)))
        return NULL;
    p = slot_for(m->slots, m->cap, (pa >> TRACE_PAGE_SHIFT) + 1);
    p->key = (pa >> TRACE_PAGE_SHIFT) + 1;
    p->words = words;
    m->n++;
    return p;
}

/* Byte access across page boundaries (stores need not be aligned). */
static uint8_t *byte_at(const trace_mem *m, uint64_t pa)
{
    trace_page *p = trace_mem_find(m, pa);
    if (!p || !p->words)
        return NULL;
    return (uint8_t *)p->words + (pa & (TRACE_PAGE_SIZE - 1));
}

/* The page's bytes when [pa, pa+size) lies in one RAM page, else NULL. */
static uint8_t *in_one_page(const trace_mem *m, uint64_t pa, unsigned size)
{
    if (((pa & (TRACE_PAGE_SIZE - 1)) + size) > TRACE_PAGE_SIZE)
        return NULL;
    return byte_at(m, pa);
}

bool trace_mem_read(const trace_mem *m, uint64_t pa, unsigned size, uint64_t *value)
{
    const uint8_t *p = in_one_page(m, pa, size);
    if (p) { /* the usual case: one lookup (descriptors are aligned words) */
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)p[i] << (8 * i);
        *value = v;
        return true;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        const uint8_t *b = byte_at(m, pa + i);
        if (!b)
            return false;
        v |= (uint64_t)*b << (8 * i);
    }
    *value = v;
    return true;
}

bool trace_mem_write(trace_mem *m, uint64_t pa, unsigned size, uint64_t value)
{
    uint8_t *p = in_one_page(m, pa, size);
    if (p) {
        for (unsigned i = 0; i < size; i++)
            p[i] = (uint8_t)(value >> (8 * i));
        return true;
    }
    for (unsigned i = 0; i < size; i++)
        if (!byte_at(m, pa + i))
            return false;
    for (unsigned i = 0; i < size; i++)
        *byte_at(m, pa + i) = (uint8_t)(value >> (8 * i));
    return true;
}

void trace_insn_map_init(trace_insn_map *m)
{
    memset(m, 0, sizeof *m);
}

void trace_insn_map_free(trace_insn_map *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static trace_insn_slot *insn_slot(trace_insn_slot *slots, size_t cap, uint64_t key)
{
    size_t i = hash64(key, cap);
    while (slots[i].key && slots[i].key != key)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

bool trace_insn_map_get(const trace_insn_map *m, uint64_t pc, uint64_t *val)
{
    if (!m->cap)
        return false;
    const trace_insn_slot *s = insn_slot(m->slots, m->cap, pc + 1);
    if (!s->key)
        return false;
    *val = s->val;
    return true;
}

bool trace_insn_map_put(trace_insn_map *m, uint64_t pc, uint64_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        trace_insn_slot *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return false;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key)
                *insn_slot(slots, cap, m->slots[i].key) = m->slots[i];
        free(m->slots);
        m->slots = slots;
        m->cap = cap;
    }
    trace_insn_slot *s = insn_slot(m->slots, m->cap, pc + 1);
    if (!s->key)
        m->n++;
    s->key = pc + 1;
    s->val = val;
    return true;
}
