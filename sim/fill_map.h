/* What the machine has told Unicorn: the PA of each 1 KiB sub-page Unicorn
 * has been given since its cache was last flushed, per translation regime
 * (fetch fills always, data fills when a sink wants MEV_MEM). Unicorn's code
 * hooks report virtual addresses and its memory hooks physical ones (in
 * virtual-TLB mode); the PA an instruction was fetched from, the VA of a
 * data access, and the words of the block being run come from the fill
 * Unicorn used, which may differ from what a walk would give now (a stale
 * TLB entry is the point of a TLB model).
 *
 * An open-addressing hash table that grows as needed; machine_flush_fills
 * empties it in O(1) by moving to a new generation. */
#ifndef MMUSIM_FILL_MAP_H
#define MMUSIM_FILL_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu.h"

/* Unicorn's page on AArch64 (TARGET_PAGE_BITS = 10): fills are per 1 KiB. */
#define FILL_SUBPAGE_SHIFT 10
#define FILL_SUBPAGE (UINT64_C(1) << FILL_SUBPAGE_SHIFT)

typedef struct fill_map_slot {
    uint64_t key;         /* VA sub-page number and regime; 0: never used */
    uint64_t pa_page;     /* PA of the sub-page */
    uint32_t gen;
} fill_map_slot;

typedef struct fill_map {
    fill_map_slot *slots;
    uint32_t cap;         /* a power of two, or 0 before the first insert */
    uint32_t used;        /* live slots of the current generation */
    uint32_t gen;
} fill_map;

void fill_map_init(fill_map *f);
void fill_map_free(fill_map *f);
/* Forgets every entry (Unicorn's cache was flushed). */
void fill_map_clear(fill_map *f);
/* Records that the sub-page holding va maps to the sub-page holding pa.
 * false when memory ran out (lookups then miss). */
bool fill_map_put(fill_map *f, mmu_regime regime, uint64_t va, uint64_t pa);
/* The PA of va as the last fill of its sub-page said; false if none. */
bool fill_map_get(const fill_map *f, mmu_regime regime, uint64_t va, uint64_t *pa);

#endif
