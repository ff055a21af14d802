/* mmu/tlb.h — a configurable TLB model in front of the walker.
 *
 * What it caches (Arm DDI0487 D8.13 "Translation Lookaside Buffers"):
 * - leaf entries: one per successful stage-1 translation (kind S1), or per
 *   successful two-stage translation as one combined VA->PA entry (S12),
 *   covering min(stage-1 size, stage-2 size) (block size from the level and
 *   the contiguous bit). Tagged with regime, VMID (EL1&0 only: the current
 *   VTTBR_EL2.VMID, also when stage 2 is off), ASID (none for EL2, and
 *   global entries, nG = 0, match any ASID), granule and level.
 * - optionally a walk cache: stage-1 table descriptors and stage-2
 *   descriptors (table and leaf, the latter only when no hardware update can
 *   follow). A walk that misses in the leaf TLB still walks, but descriptors
 *   found in the walk cache are served from it instead of memory, exactly
 *   as a hardware walk cache would: a stale table entry steers the walk until
 *   a TLBI removes it. Stage-1 table entries match on the descriptor's
 *   address, the walk's regime/VMID/ASID and the input range the descriptor
 *   covers; stage-2 entries on the address and VMID (page tables are trees:
 *   a descriptor address is reached from one input range only).
 *
 * What it never does: cache faults; cache a translation with stage 1
 * disabled; answer a lookup made with a different regime, VMID or (for
 * non-global entries) ASID; answer an access that needs a descriptor update
 * (a write to a clean DBM page, at either stage) — that access misses and
 * walks, so the hardware dirty update happens; answer an access the cached
 * permissions refuse (it walks and faults with a full record). Permissions
 * are re-checked on every hit for the access's EL, PAN and kind
 * (mmu_check_permissions), against the current SCTLR.WXN.
 *
 * Lookups use the current context: regime from the EL and HCR_EL2, ASID of
 * the VA's TTBR (cpu->s1[regime].range[].asid), VMID from VTTBR_EL2, and the
 * VA with its top byte replaced by bit 55 when TBI applies (TLBI addresses
 * are VA[55:0] sign-extended too).
 *
 * Modes: BOUNDED (entries / ways, power-of-two sets, LRU, FIFO or seeded
 * random replacement), NONE (nothing cached: every access walks) and
 * UNBOUNDED (a set that fills up grows the table instead of evicting, so
 * only TLBI removes entries: the mode in which a missing TLBI is guaranteed
 * to show as a stale translation).
 *
 * All state lives in the mmu_tlb the caller owns; the arrays are heap
 * memory released by mmu_tlb_free.
 */
#ifndef MMU_TLB_H
#define MMU_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu.h"
#include "tlbi.h"

typedef enum mmu_tlb_mode {
    MMU_TLB_BOUNDED = 0,
    MMU_TLB_NONE,
    MMU_TLB_UNBOUNDED,
} mmu_tlb_mode;

typedef enum mmu_tlb_policy {
    MMU_TLB_LRU = 0,
    MMU_TLB_FIFO,
    MMU_TLB_RANDOM,
} mmu_tlb_policy;

typedef struct mmu_tlb_config {
    mmu_tlb_mode mode;
    unsigned entries, ways;      /* leaf TLB: entries / ways sets, a power of two
                                    (UNBOUNDED: the initial size) */
    mmu_tlb_policy policy;
    uint64_t seed;               /* RANDOM: the generator's seed (0 picks 1) */
    unsigned walk_entries;       /* walk cache size; 0: no walk cache */
    unsigned walk_ways;
    bool walk_unified;           /* walk-cache entries share the leaf array
                                    (walk_entries/ways ignored) */
} mmu_tlb_config;

/* One cached item. Leaf entries answer lookups; walk entries hold one
 * descriptor. */
typedef struct mmu_tlb_entry {
    mmu_tlb_tags tags;           /* what TLBI matches against */
    uint64_t out_base;           /* leaf: PA of the covered block */
    uint64_t ipa_base;           /* leaf: IPA of the covered block */
    uint64_t desc_pa, desc;      /* walk: descriptor address and value */
    mmu_result res;              /* leaf: attributes, raw permissions, levels */
    /* leaf: the walk context reported on a hit */
    uint8_t ttbr;
    mmu_granule s1_granule, s2_granule;
    uint8_t s1_txsz, s2_t0sz;
    bool s1_ds, s2_ds, s2_enabled;
    int8_t s1_start_level, s2_start_level;
    uint64_t stamp;              /* LRU: last use; FIFO: fill time */
} mmu_tlb_entry;

/* Counters. invalidations[] is indexed by the operation's row in
 * mmu_tlbi_ops(); removed[] counts the entries each row removed. */
#define MMU_TLB_MAX_OPS 64
typedef struct mmu_tlb_stats {
    uint64_t hits, misses, fills, evictions;
    uint64_t walk_hits;          /* descriptors served by the walk cache */
    uint64_t walk_fills, walk_evictions;
    uint64_t grows;              /* UNBOUNDED: times a table doubled */
    uint64_t invalidations[MMU_TLB_MAX_OPS];
    uint64_t removed[MMU_TLB_MAX_OPS];
} mmu_tlb_stats;

/* A set-associative array (internal layout, exposed for the caller's
 * sizeof). keys[] holds a compact tag per way, probed on lookups. */
typedef struct mmu_tlb_key {
    uint64_t tag;
    uint32_t ctx, ctx_mask;
} mmu_tlb_key;

typedef struct mmu_tlb_array {
    unsigned sets, ways;
    mmu_tlb_key *keys;
    mmu_tlb_entry *ents;
    uint64_t shifts;             /* bit n set: some valid entry covers 2^n bytes */
} mmu_tlb_array;

typedef struct mmu_tlb {
    mmu_tlb_config cfg;
    mmu_tlb_array leaf, walk;    /* walk unused when walk_unified or no cache */
    uint64_t clock;
    uint64_t rng;
    mmu_tlb_stats stats;
} mmu_tlb;

/* Checks cfg and allocates the arrays. 0, or -1 with a message in err. */
int mmu_tlb_init(mmu_tlb *tlb, const mmu_tlb_config *cfg, char *err, size_t errlen);
void mmu_tlb_free(mmu_tlb *tlb);

/* The machine's front door: translate acc. On a hit fills walk->result and
 * the walk context (regime, ASID, VMID, granules, TxSZ, DS, start levels)
 * with n_reads = 0 and no fault, sets *walked = false and returns true. On
 * a miss walks (mmu_walk_translate, through the walk cache if any), sets
 * *walked = true, fills the TLB from a successful walk and returns the
 * walk's result. acc->s1_only accesses (AT) bypass the TLB. */
bool mmu_tlb_translate(mmu_cpu *cpu, mmu_tlb *tlb, const mmu_access *acc, mmu_walk *walk,
                       bool *walked);

/* Applies one decoded TLBI: removes every entry t matches and counts it. */
void mmu_tlb_invalidate(mmu_tlb *tlb, const mmu_tlbi *t);
/* Removes everything (a reset; not counted as a TLBI). */
void mmu_tlb_flush(mmu_tlb *tlb);

/* The raw lookup: the leaf entry of `kind` in `regime` with this VMID and
 * ASID covering va (already TBI-normalised), or NULL. Updates LRU state but
 * no counters. For benchmarks and tools; machines use mmu_tlb_translate. */
const mmu_tlb_entry *mmu_tlb_lookup(mmu_tlb *tlb, mmu_tlbe_kind kind, mmu_regime regime,
                                    uint16_t vmid, uint16_t asid, uint64_t va);

/* Calls fn for every valid entry (leaf and walk); for tests and dumps. */
void mmu_tlb_for_each(const mmu_tlb *tlb, void (*fn)(void *ctx, const mmu_tlb_entry *e), void *ctx);
/* Number of valid entries of `kind` (MMU_TLBE_KIND_COUNT: all). */
size_t mmu_tlb_count(const mmu_tlb *tlb, mmu_tlbe_kind kind);

#endif
