/* mmu/tlb.h — a configurable TLB model in front of the walker.
 *
 * What it caches (Arm DDI0487 D8.13 "Translation Lookaside Buffers"):
 * - leaf entries: one per successful stage-1 translation (kind S1), or per
 *   successful two-stage translation as one combined VA->PA entry (S12),
 *   covering min(stage-1 size, stage-2 size) (block size from the level and
 *   the contiguous bit). Tagged with regime, VMID (EL1&0 only: the current
 *   VTTBR_EL2.VMID, also when stage 2 is off), ASID (none for EL2, and
 *   global entries, nG = 0, match any ASID), granule and level.
 * - for EL1&0 with stage 1 off (SCTLR_EL1.M = 0, HCR_EL2.DC, TGE) under
 *   stage 2, stage-2-only leaf entries (S2_ONLY): IPA (= the VA) -> PA,
 *   tagged with the VMID and the stage-2 granule and level, removed by
 *   IPAS2E1/VMALLS12E1/ALLE1 and kept by VMALLE1 like any stage-2-only
 *   entry. (Walking every time would also be a legal model, since nothing
 *   obliges a TLB to cache, but it would hide a missing IPAS2E1 for guests
 *   running with their MMU off.) A hit re-applies the MMU-off stage-1
 *   rules of its access (attributes, the PAMax address-size check).
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
 * What it never does: cache faults; cache a translation with both stages
 * off; answer a lookup made with a different regime, VMID or (for
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

#include "bits.h"
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
    uint64_t out_base;           /* leaf: PA of the covered block */
    mmu_tlb_tags tags;           /* what TLBI matches against */
    uint64_t ipa_base;           /* leaf: IPA of the covered block */
    uint64_t desc_pa, desc;      /* walk: descriptor address and value */
    mmu_result res;              /* leaf: attributes, raw permissions, levels */
    /* leaf: the walk context reported on a hit */
    uint8_t ttbr;
    mmu_granule s1_granule, s2_granule;
    uint8_t s1_txsz, s2_t0sz;
    bool s1_ds, s2_ds, s2_enabled;
    int8_t s1_start_level, s2_start_level;
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
 * sizeof). keys[] is what a set probe reads (one 64-byte line per 4-way
 * set); slots[] holds each way's replacement stamp (time in fills modulo
 * 2^16; LRU: last use through the sets, FIFO: fill); ents[] is read when a
 * hit is answered.
 *
 * The leaf array also has front[]: a direct-mapped index by 4K page in
 * front of the sets, like a core's micro-TLB or QEMU's fast TLB. It maps
 * (page, exact context) to a slot the sets hold, and is valid only while
 * the TLB's epoch is unchanged; the epoch moves whenever any way is
 * overwritten or removed (eviction, TLBI, flush, growth), never on a fill
 * into a free way. So the front never answers differently from the sets.
 * Like a micro-TLB's hits, front hits do not refresh the sets' LRU stamps:
 * recency is what the sets see. */
typedef struct mmu_tlb_key {
    uint64_t tag;
    uint32_t ctx;                /* VMID << 16 | ASID */
    uint32_t global;             /* 1: the ASID is not compared */
} mmu_tlb_key;

typedef struct mmu_tlb_slot {
    uint16_t stamp;
} mmu_tlb_slot;

typedef struct mmu_tlb_front {
    uint64_t tag;                /* the 4K page's tag (kind, regime) */
    uint64_t ctx_epoch;          /* epoch << 32 | the lookup's exact VMID << 16 | ASID */
    uint64_t pa_page;            /* PA of that page */
    const mmu_tlb_entry *ent;    /* the way it came from */
} mmu_tlb_front;

typedef struct mmu_tlb_array {
    unsigned sets, ways;
    mmu_tlb_key *keys;
    mmu_tlb_slot *slots;
    mmu_tlb_entry *ents;
    uint64_t shifts;             /* bit n set: some valid entry covers 2^n bytes */
    mmu_tlb_front *front;        /* leaf array only: front_mask + 1 entries (a power
                                    of two; one that never matches in a NONE TLB) */
    size_t front_mask;
} mmu_tlb_array;

typedef struct mmu_tlb {
    mmu_tlb_config cfg;
    mmu_tlb_array leaf, walk;    /* walk unused when walk_unified or no cache */
    uint64_t clock;              /* fills so far: the LRU/FIFO time base */
    uint64_t epoch;              /* front[] validity, in bits [63:32] (so that it is
                                    or-ed into ctx_epoch as it is): bumped when a
                                    way changes */
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
 * walk's result (no_update walks fill no leaf entry: their leaf may still
 * have AF = 0). acc->s1_only accesses (AT) bypass the TLB. */
bool mmu_tlb_translate(mmu_cpu *cpu, mmu_tlb *tlb, const mmu_access *acc, mmu_walk *walk,
                       bool *walked);

/* Applies one decoded TLBI: removes every entry t matches and counts it. */
void mmu_tlb_invalidate(mmu_tlb *tlb, const mmu_tlbi *t);
/* Removes everything (a reset; not counted as a TLBI). */
void mmu_tlb_flush(mmu_tlb *tlb);

/* ------------------------------------------------------------------------
 * The raw lookup, inline so a hot caller pays no call for a front hit
 * ------------------------------------------------------------------------ */

/* A key's tag: the covered input block (or, for walk entries, the
 * descriptor address shifted up by 9) with the entry's size shift, kind
 * and regime in the 12 low bits, so one 64-bit compare checks all four. */
#define MMU_TLB_TAG_SHIFT GENMASK64(5, 0)
#define MMU_TLB_TAG_KIND GENMASK64(8, 6)
#define MMU_TLB_TAG_REGIME GENMASK64(10, 9)
#define MMU_TLB_TAG_VALID BIT64(11)

static inline uint64_t mmu_tlb_tag(uint64_t base, unsigned shift, mmu_tlbe_kind kind, mmu_regime regime)
{
    return base | FIELD_PREP(MMU_TLB_TAG_SHIFT, shift) | FIELD_PREP(MMU_TLB_TAG_KIND, kind) |
           FIELD_PREP(MMU_TLB_TAG_REGIME, regime) | MMU_TLB_TAG_VALID;
}

static inline uint32_t mmu_tlb_ctx(uint16_t vmid, uint16_t asid) { return (uint32_t)vmid << 16 | asid; }

/* What a front entry's ctx_epoch must equal for a lookup in this context
 * now: context and validity in one compare. */
static inline uint64_t mmu_tlb_front_ctx(const mmu_tlb *tlb, uint16_t vmid, uint16_t asid)
{
    return tlb->epoch | mmu_tlb_ctx(vmid, asid);
}

/* LRU recency is counted in fills: a hit through the sets stamps the way
 * with the current fill count, so the victim is the way whose last use came
 * before the others' (ways used since the same fill tie). No global counter
 * moves on a hit. */
static inline void mmu_tlb_touch(const mmu_tlb *tlb, mmu_tlb_slot *st)
{
    if (tlb->cfg.policy == MMU_TLB_LRU && st->stamp != (uint16_t)tlb->clock)
        st->stamp = (uint16_t)tlb->clock;
}

/* The set probe behind a front miss (refreshes LRU and the front on a hit). */
const mmu_tlb_entry *mmu_tlb_lookup_sets(mmu_tlb *tlb, mmu_tlbe_kind kind, mmu_regime regime,
                                         uint16_t vmid, uint16_t asid, uint64_t va, uint64_t *pa);

/* The leaf entry of `kind` in `regime` with this VMID and ASID covering va
 * (already TBI-normalised), or NULL; *pa receives va's output address.
 * Updates LRU state but no counters. Machines call mmu_tlb_translate, which
 * adds the permission re-check and the walk record; this is its first step,
 * for benchmarks and tools. A MMU_TLB_NONE TLB finds nothing. */
static inline const mmu_tlb_entry *mmu_tlb_lookup(mmu_tlb *tlb, mmu_tlbe_kind kind, mmu_regime regime,
                                                  uint16_t vmid, uint16_t asid, uint64_t va, uint64_t *pa)
{
    mmu_tlb_array *a = &tlb->leaf;
    const mmu_tlb_front *f = &a->front[(va >> 12) & a->front_mask];
    /* Front hits are the common case: keep them on the straight path. */
    if (__builtin_expect(f->tag == mmu_tlb_tag(va & ~UINT64_C(0xfff), 12, kind, regime) &&
                             f->ctx_epoch == mmu_tlb_front_ctx(tlb, vmid, asid),
                         1)) {
        *pa = f->pa_page | (va & UINT64_C(0xfff));
        return f->ent;
    }
    return mmu_tlb_lookup_sets(tlb, kind, regime, vmid, asid, va, pa);
}

/* Calls fn for every valid entry (leaf and walk); for tests and dumps. */
void mmu_tlb_for_each(const mmu_tlb *tlb, void (*fn)(void *ctx, const mmu_tlb_entry *e), void *ctx);
/* Number of valid entries of `kind` (MMU_TLBE_KIND_COUNT: all). */
size_t mmu_tlb_count(const mmu_tlb *tlb, mmu_tlbe_kind kind);

#endif
