/* The fill map: see fill_map.h. */
#include "fill_map.h"

#include <stdlib.h>

#define FILL_MAP_MIN_CAP 1024u

/* Sub-page number (at most 54 bits of a 64-bit VA) and regime in one
 * non-zero key. */
static uint64_t make_key(mmu_regime regime, uint64_t va)
{
    return ((va >> FILL_SUBPAGE_SHIFT) << 2 | (uint64_t)regime) + 1;
}

static uint32_t slot_of(uint64_t key, uint32_t cap)
{
    key *= UINT64_C(0x9E3779B97F4A7C15); /* Fibonacci hashing */
    return (uint32_t)(key >> 32) & (cap - 1);
}

void fill_map_init(fill_map *f)
{
    *f = (fill_map){.gen = 1};
}

void fill_map_free(fill_map *f)
{
    free(f->slots);
    fill_map_init(f);
}

void fill_map_clear(fill_map *f)
{
    f->used = 0;
    if (++f->gen == 0) { /* wrapped: old generations could come back to life */
        for (uint32_t i = 0; i < f->cap; i++)
            f->slots[i].gen = 0;
        f->gen = 1;
    }
}

static fill_map_slot *probe(const fill_map *f, uint64_t key)
{
    for (uint32_t i = slot_of(key, f->cap);; i = (i + 1) & (f->cap - 1)) {
        fill_map_slot *s = &f->slots[i];
        if (s->gen != f->gen || s->key == key)
            return s;
    }
}

static bool grow(fill_map *f)
{
    uint32_t cap = f->cap ? f->cap * 2 : FILL_MAP_MIN_CAP;
    fill_map_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    fill_map old = *f;
    f->slots = slots;
    f->cap = cap;
    for (uint32_t i = 0; i < old.cap; i++)
        if (old.slots[i].gen == old.gen)
            *probe(f, old.slots[i].key) = old.slots[i];
    free(old.slots);
    return true;
}

bool fill_map_put(fill_map *f, mmu_regime regime, uint64_t va, uint64_t pa)
{
    if ((f->used + 1) * 2 > f->cap && !grow(f))
        return false;
    uint64_t key = make_key(regime, va);
    fill_map_slot *s = probe(f, key);
    if (s->gen != f->gen)
        f->used++;
    *s = (fill_map_slot){.key = key, .pa_page = pa & ~(FILL_SUBPAGE - 1), .gen = f->gen};
    return true;
}

bool fill_map_get(const fill_map *f, mmu_regime regime, uint64_t va, uint64_t *pa)
{
    if (!f->cap)
        return false;
    const fill_map_slot *s = probe(f, make_key(regime, va));
    if (s->gen != f->gen)
        return false;
    *pa = s->pa_page | (va & (FILL_SUBPAGE - 1));
    return true;
}
