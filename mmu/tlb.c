/* The TLB model: set-associative arrays of leaf translations and of walk
 * cache descriptors, the hit path, fills from walk records, replacement,
 * and TLBI application. Semantics are documented in tlb.h; the TLBI
 * predicate lives in tlbi.c. Arm DDI0487 D8.13. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc.h"
#include "geometry.h"
#include "internal.h"
#include "tlb.h"

static inline uint64_t make_tag(uint64_t base, unsigned shift, mmu_tlbe_kind kind, mmu_regime regime)
{
    return mmu_tlb_tag(base, shift, kind, regime);
}

static inline uint64_t walk_tag_base(uint64_t desc_pa) { return (desc_pa >> 3) << 12; }

static inline uint32_t make_ctx(uint16_t vmid, uint16_t asid) { return mmu_tlb_ctx(vmid, asid); }

/* Does key k's context match ctx? Global entries ignore the ASID half. */
static inline bool ctx_matches(const mmu_tlb_key *k, uint32_t ctx)
{
    return ((k->ctx ^ ctx) & (~UINT32_C(0) << (k->global << 4))) == 0;
}

static inline uint64_t low_mask(unsigned shift) { return shift >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << shift) - 1; }

/* Multiplicative hash of the page number (or descriptor index) and VMID;
 * the set comes from high product bits. */
static inline unsigned set_index(const mmu_tlb_array *a, uint64_t key, uint16_t vmid)
{
    uint64_t h = (key ^ ((uint64_t)vmid << 48)) * UINT64_C(0x9E3779B97F4A7C15);
    return (unsigned)(h >> 40) & (a->sets - 1);
}

static bool is_walk_kind(mmu_tlbe_kind k)
{
    return k == MMU_TLBE_S1_TABLE || k == MMU_TLBE_S2_TABLE || k == MMU_TLBE_S2;
}

/* The value an entry's set is chosen by. */
static uint64_t entry_hash_key(const mmu_tlb_entry *e)
{
    return is_walk_kind(e->tags.kind) ? e->desc_pa >> 3 : e->tags.ia >> e->tags.size_shift;
}

/* ------------------------------------------------------------------------
 * Arrays
 * ------------------------------------------------------------------------ */

static void array_free(mmu_tlb_array *a)
{
    free(a->keys);
    free(a->slots);
    free(a->ents);
    free(a->front);
    memset(a, 0, sizeof *a);
}

/* with_front: the leaf array, which gets a direct-mapped front index of
 * (the largest power of two <= its size) entries. */
static int array_alloc(mmu_tlb_array *a, unsigned sets, unsigned ways, bool with_front)
{
    size_t n = (size_t)sets * ways;
    memset(a, 0, sizeof *a);
    a->sets = sets;
    a->ways = ways;
    a->keys = calloc(n, sizeof *a->keys);
    a->slots = calloc(n, sizeof *a->slots);
    a->ents = calloc(n, sizeof *a->ents);
    if (with_front) {
        size_t nfront = 1;
        while (nfront * 2 <= n)
            nfront *= 2;
        a->front_mask = nfront - 1;
        a->front = calloc(nfront, sizeof *a->front);
    }
    if (!a->keys || !a->slots || !a->ents || (with_front && !a->front)) {
        array_free(a);
        return -1;
    }
    return 0;
}

static int check_geometry(const char *what, unsigned entries, unsigned ways, char *err, size_t errlen)
{
    if (!ways || !entries || entries % ways) {
        snprintf(err, errlen, "%s: %u entries cannot be split into sets of %u ways", what, entries, ways);
        return -1;
    }
    unsigned sets = entries / ways;
    if (sets & (sets - 1)) {
        snprintf(err, errlen, "%s: %u entries / %u ways = %u sets, not a power of two", what, entries,
                 ways, sets);
        return -1;
    }
    if (sets > (1u << 24)) {
        snprintf(err, errlen, "%s: %u sets is more than 2^24", what, sets);
        return -1;
    }
    return 0;
}

/* UNBOUNDED: doubles the sets (more if a set still overflows) and
 * re-inserts every valid entry. */
static int array_grow(mmu_tlb *tlb, mmu_tlb_array *a)
{
    for (unsigned sets = a->sets * 2; sets <= (1u << 24); sets *= 2) {
        mmu_tlb_array n;
        if (array_alloc(&n, sets, a->ways, a->front != NULL))
            return -1;
        bool fits = true;
        for (size_t i = 0; i < (size_t)a->sets * a->ways && fits; i++) {
            if (!(a->keys[i].tag & MMU_TLB_TAG_VALID))
                continue;
            const mmu_tlb_entry *e = &a->ents[i];
            unsigned idx = set_index(&n, entry_hash_key(e), e->tags.vmid);
            unsigned w = 0;
            while (w < n.ways && (n.keys[idx * n.ways + w].tag & MMU_TLB_TAG_VALID))
                w++;
            if (w == n.ways) {
                fits = false;
                break;
            }
            n.keys[idx * n.ways + w] = a->keys[i];
            n.slots[idx * n.ways + w] = a->slots[i];
            n.ents[idx * n.ways + w] = *e;
        }
        if (fits) {
            n.shifts = a->shifts;
            array_free(a);
            *a = n;
            tlb->stats.grows++;
            return 0;
        }
        array_free(&n);
    }
    return -1;
}

static uint64_t next_random(mmu_tlb *tlb)
{
    /* xorshift64 */
    uint64_t x = tlb->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    tlb->rng = x;
    return x;
}

/* The way to fill in set idx for (tag, ctx): the entry already there with
 * that tag and context, else a free way, else a victim (or, UNBOUNDED, a
 * grown array). Returns the slot index, or -1 if memory ran out. */
static long choose_slot(mmu_tlb *tlb, mmu_tlb_array *a, uint64_t hkey, uint16_t vmid, uint64_t tag,
                        uint32_t ctx, bool walk)
{
    for (;;) {
        unsigned idx = set_index(a, hkey, vmid);
        size_t first = (size_t)idx * a->ways;
        long free_slot = -1;
        for (unsigned w = 0; w < a->ways; w++) {
            const mmu_tlb_key *k = &a->keys[first + w];
            if (k->tag == tag && k->ctx == ctx)
                return (long)(first + w);
            if (!(k->tag & MMU_TLB_TAG_VALID) && free_slot < 0)
                free_slot = (long)(first + w);
        }
        if (free_slot >= 0)
            return free_slot;
        if (tlb->cfg.mode == MMU_TLB_UNBOUNDED) {
            if (array_grow(tlb, a))
                return -1;
            continue;
        }
        size_t victim = first;
        if (tlb->cfg.policy == MMU_TLB_RANDOM) {
            victim = first + (size_t)(next_random(tlb) % a->ways);
        } else {
            /* the oldest stamp: the largest age modulo 2^16 */
            uint16_t now = (uint16_t)tlb->clock;
            for (unsigned w = 1; w < a->ways; w++)
                if ((uint16_t)(now - a->slots[first + w].stamp) > (uint16_t)(now - a->slots[victim].stamp))
                    victim = first + w;
        }
        if (walk)
            tlb->stats.walk_evictions++;
        else
            tlb->stats.evictions++;
        return (long)victim;
    }
}

/* Invalidates every front entry at once. On the (2^32-th) wrap the front
 * is cleared so an old entry can never match again. */
static void bump_epoch(mmu_tlb *tlb)
{
    tlb->epoch += UINT64_C(1) << 32;
    if (tlb->epoch == 0 && tlb->leaf.front)
        memset(tlb->leaf.front, 0, (tlb->leaf.front_mask + 1) * sizeof *tlb->leaf.front);
}

static void install(mmu_tlb *tlb, mmu_tlb_array *a, const mmu_tlb_entry *e, uint64_t tag, uint32_t ctx,
                    bool global, bool walk)
{
    long slot = choose_slot(tlb, a, entry_hash_key(e), e->tags.vmid, tag, ctx, walk);
    if (slot < 0)
        return; /* out of memory: the translation is simply not cached */
    /* Front entries point at leaf ways of the leaf array only: replacing
     * one of those (eviction, or a refill after a permission miss) must
     * invalidate them. Walk-cache ways never concern the front. */
    if ((a->keys[slot].tag & MMU_TLB_TAG_VALID) && a->front && !is_walk_kind(a->ents[slot].tags.kind))
        bump_epoch(tlb);
    a->ents[slot] = *e;
    a->keys[slot] = (mmu_tlb_key){.tag = tag, .ctx = ctx, .global = global};
    a->slots[slot].stamp = (uint16_t)++tlb->clock;
    if (!walk)
        a->shifts |= BIT64(e->tags.size_shift);
    if (walk)
        tlb->stats.walk_fills++;
    else
        tlb->stats.fills++;
}

/* ------------------------------------------------------------------------
 * Setup
 * ------------------------------------------------------------------------ */

int mmu_tlb_init(mmu_tlb *tlb, const mmu_tlb_config *cfg, char *err, size_t errlen)
{
    size_t nops;
    mmu_tlbi_ops(&nops);
    memset(tlb, 0, sizeof *tlb);
    tlb->cfg = *cfg;
    tlb->rng = cfg->seed ? cfg->seed : 1;
    if (nops > MMU_TLB_MAX_OPS) {
        snprintf(err, errlen, "tlb: %zu TLBI operations, counters for %d", nops, MMU_TLB_MAX_OPS);
        return -1;
    }
    if (cfg->mode == MMU_TLB_NONE) {
        /* A front of one entry that never matches (its tag lacks the
         * valid bit), so that lookups need no test for this mode. */
        tlb->leaf.front = calloc(1, sizeof *tlb->leaf.front);
        if (!tlb->leaf.front) {
            snprintf(err, errlen, "tlb: out of memory");
            return -1;
        }
        return 0;
    }
    if (cfg->mode != MMU_TLB_BOUNDED && cfg->mode != MMU_TLB_UNBOUNDED) {
        snprintf(err, errlen, "tlb: unknown mode %d", (int)cfg->mode);
        return -1;
    }
    if (cfg->policy != MMU_TLB_LRU && cfg->policy != MMU_TLB_FIFO && cfg->policy != MMU_TLB_RANDOM) {
        snprintf(err, errlen, "tlb: unknown replacement policy %d", (int)cfg->policy);
        return -1;
    }
    if (check_geometry("tlb", cfg->entries, cfg->ways, err, errlen))
        return -1;
    bool separate_walk = cfg->walk_entries && !cfg->walk_unified;
    if (separate_walk && check_geometry("tlb walk cache", cfg->walk_entries, cfg->walk_ways, err, errlen))
        return -1;
    if (array_alloc(&tlb->leaf, cfg->entries / cfg->ways, cfg->ways, true) ||
        (separate_walk &&
         array_alloc(&tlb->walk, cfg->walk_entries / cfg->walk_ways, cfg->walk_ways, false))) {
        array_free(&tlb->leaf);
        snprintf(err, errlen, "tlb: out of memory");
        return -1;
    }
    return 0;
}

void mmu_tlb_free(mmu_tlb *tlb)
{
    array_free(&tlb->leaf);
    array_free(&tlb->walk);
}

static bool has_walk_cache(const mmu_tlb *tlb)
{
    return tlb->cfg.mode != MMU_TLB_NONE && (tlb->cfg.walk_unified || tlb->cfg.walk_entries);
}

static mmu_tlb_array *walk_array(mmu_tlb *tlb)
{
    return tlb->cfg.walk_unified ? &tlb->leaf : &tlb->walk;
}

/* ------------------------------------------------------------------------
 * Lookup and hit
 * ------------------------------------------------------------------------ */

/* The slot of set `first` whose key matches (tag, ctx), or -1. Tags are
 * compared branch-free over the ways (which way hits is random, and a
 * branch per way would be mispredicted on most hits); the context is then
 * checked on the tag matches only. */
static inline long find_way(const mmu_tlb_array *a, size_t first, uint64_t tag, uint32_t ctx)
{
    const mmu_tlb_key *k = &a->keys[first];
    unsigned m = 0;
    if (a->ways == 4) {
        m = (unsigned)(k[0].tag == tag) | (unsigned)(k[1].tag == tag) << 1 |
            (unsigned)(k[2].tag == tag) << 2 | (unsigned)(k[3].tag == tag) << 3;
    } else {
        for (unsigned w = 0; w < a->ways; w++)
            m |= (unsigned)(k[w].tag == tag) << w;
    }
    for (; m; m &= m - 1) {
        unsigned w = (unsigned)__builtin_ctz(m);
        if (ctx_matches(&k[w], ctx))
            return (long)(first + w);
    }
    return -1;
}

/* LRU recency is counted in fills (see mmu_tlb_touch in tlb.h). */
static inline void touch(const mmu_tlb *tlb, mmu_tlb_slot *st)
{
    mmu_tlb_touch(tlb, st);
}

const mmu_tlb_entry *mmu_tlb_lookup_sets(mmu_tlb *tlb, mmu_tlbe_kind kind, mmu_regime regime,
                                         uint16_t vmid, uint16_t asid, uint64_t va, uint64_t *pa)
{
    mmu_tlb_array *a = &tlb->leaf;
    uint32_t ctx = make_ctx(vmid, asid);
    for (uint64_t shifts = a->shifts; shifts; shifts &= shifts - 1) {
        unsigned s = (unsigned)__builtin_ctzll(shifts);
        uint64_t tag = make_tag(va & ~low_mask(s), s, kind, regime);
        size_t first = (size_t)set_index(a, va >> s, vmid) * a->ways;
        long slot = find_way(a, first, tag, ctx);
        if (slot >= 0) {
            const mmu_tlb_entry *e = &a->ents[slot];
            touch(tlb, &a->slots[slot]);
            *pa = e->out_base | (va & low_mask(s));
            a->front[(va >> 12) & a->front_mask] = (mmu_tlb_front){
                .tag = make_tag(va & ~low_mask(12), 12, kind, regime),
                .ctx_epoch = mmu_tlb_front_ctx(tlb, vmid, asid),
                .pa_page = *pa & ~low_mask(12),
                .ent = e,
            };
            return e;
        }
    }
    return NULL;
}

static bool allowed_now(const mmu_result *res, mmu_access_kind kind)
{
    return kind == MMU_ACC_READ ? res->r : kind == MMU_ACC_WRITE ? res->w : res->x;
}

/* Answers acc from entry e if the cached permissions allow it without a
 * descriptor update; false sends the access to the walker (which rewrites
 * all of *walk). The result is built in place: a copy of it after the
 * permission check's byte stores would stall on store forwarding. */
static bool answer_hit(const mmu_cpu *cpu, const mmu_tlb_entry *e, const mmu_access *acc,
                       mmu_regime regime, uint64_t va, uint16_t asid, mmu_walk *walk)
{
    mmu_result *res = &walk->result;
    uint64_t off = va & low_mask(e->tags.size_shift);
    *res = e->res;
    res->ipa = e->ipa_base | off;
    res->pa = e->out_base | off;
    /* A stage-2-only entry: stage 1 is off, its attributes are the MMU-off
     * ones of this access (ASL AArch64.S1DisabledOutput). */
    if (res->s1perm.off)
        res->s1_desc_attr = s1_disabled_attr(&cpu->s1[regime], acc->kind);
    mmu_fault f = mmu_check_permissions(cpu, regime, e->s2_enabled, acc, res);
    if (f.type != MMU_FAULT_NONE || !allowed_now(res, acc->kind))
        return false;
    /* Attributes depend on the access kind (SCTLR_ELx.{C, I}): finish
     * them for this access, not the one that filled the entry. */
    finish_attrs(cpu, regime, e->s2_enabled, acc->kind, res);

    walk->access = *acc;
    walk->regime = regime;
    walk->s1_enabled = !res->s1perm.off;
    walk->s2_enabled = e->s2_enabled;
    walk->ttbr = e->ttbr;
    walk->asid = asid;
    walk->vmid = e->s2_enabled ? e->tags.vmid : 0;
    walk->s1_granule = e->s1_granule;
    walk->s2_granule = e->s2_granule;
    walk->s1_txsz = e->s1_txsz;
    walk->s2_t0sz = e->s2_t0sz;
    walk->s1_ds = e->s1_ds;
    walk->s2_ds = e->s2_ds;
    walk->s1_start_level = e->s1_start_level;
    walk->s2_start_level = e->s2_start_level;
    walk->n_reads = 0;
    memset(&walk->fault, 0, sizeof walk->fault);
    return true;
}

/* ------------------------------------------------------------------------
 * Walk cache: served through the memory port during a walk
 * ------------------------------------------------------------------------ */

typedef struct walk_port {
    mmu_tlb *tlb;
    mmu_port mem;
    mmu_regime regime;
    uint16_t vmid, asid;
    uint64_t va;
} walk_port;

static const mmu_tlb_entry *walk_lookup(walk_port *p, uint64_t pa)
{
    mmu_tlb_array *a = walk_array(p->tlb);
    uint64_t base = walk_tag_base(pa);
    uint64_t t_s1 = make_tag(base, 0, MMU_TLBE_S1_TABLE, p->regime);
    uint64_t t_s2 = make_tag(base, 0, MMU_TLBE_S2, MMU_REGIME_EL10);
    uint64_t t_s2t = make_tag(base, 0, MMU_TLBE_S2_TABLE, MMU_REGIME_EL10);
    uint32_t ctx = make_ctx(p->vmid, p->asid);
    size_t first = (size_t)set_index(a, pa >> 3, p->vmid) * a->ways;
    for (unsigned w = 0; w < a->ways; w++) {
        mmu_tlb_key *k = &a->keys[first + w];
        if (!ctx_matches(k, ctx))
            continue;
        mmu_tlb_entry *e = &a->ents[first + w];
        bool s1_hit = k->tag == t_s1 && ((p->va ^ e->tags.ia) & ~low_mask(e->tags.size_shift)) == 0;
        bool s2_hit = p->regime == MMU_REGIME_EL10 && (k->tag == t_s2 || k->tag == t_s2t);
        if (s1_hit || s2_hit) {
            touch(p->tlb, &a->slots[first + w]);
            return e;
        }
    }
    return NULL;
}

static bool walk_port_read(void *ctx, uint64_t pa, uint64_t *value)
{
    walk_port *p = ctx;
    const mmu_tlb_entry *e = walk_lookup(p, pa);
    if (e) {
        *value = e->desc;
        p->tlb->stats.walk_hits++;
        return true;
    }
    return p->mem.read64(p->mem.ctx, pa, value);
}

static bool walk_port_write(void *ctx, uint64_t pa, uint64_t value)
{
    walk_port *p = ctx;
    return p->mem.write64(p->mem.ctx, pa, value);
}

static bool is_table_desc(uint64_t desc, int level)
{
    return level < 3 && (desc & (DESC_VALID | DESC_TABLE)) == (DESC_VALID | DESC_TABLE);
}

static void cache_descriptor(mmu_tlb *tlb, const mmu_desc_read *rd, mmu_tlbe_kind kind, mmu_regime regime,
                             mmu_granule g, uint64_t ia, uint16_t vmid, uint16_t asid)
{
    mmu_tlb_entry e;
    memset(&e, 0, sizeof e);
    unsigned shift = level_shift(g, rd->level);
    e.tags = (mmu_tlb_tags){
        .kind = kind,
        .regime = regime,
        .global = kind != MMU_TLBE_S1_TABLE,
        .asid = kind == MMU_TLBE_S1_TABLE ? asid : 0,
        .vmid = vmid,
        .granule = g,
        .level = rd->level,
        .size_shift = (uint8_t)shift,
        .ia = ia & ~low_mask(shift),
    };
    e.desc_pa = rd->pa;
    e.desc = rd->value;
    uint32_t ctx = make_ctx(vmid, e.tags.asid);
    install(tlb, walk_array(tlb), &e, make_tag(walk_tag_base(rd->pa), 0, kind, regime), ctx,
            kind != MMU_TLBE_S1_TABLE, true);
}

/* A stage-2 descriptor may be cached when nothing would write it back:
 * tables always; leaves with AF set and not waiting for a dirty update. */
static void cache_s2_read(mmu_tlb *tlb, const mmu_walk *w, const mmu_desc_read *rd, uint64_t ipa,
                          uint16_t vmid)
{
    if (rd->updated)
        return;
    bool table = is_table_desc(rd->value, rd->level);
    if (!table && (!(rd->value & DESC_AF) || ((rd->value & DESC_DBM) && !(rd->value & DESC_S2AP_W))))
        return;
    cache_descriptor(tlb, rd, table ? MMU_TLBE_S2_TABLE : MMU_TLBE_S2, MMU_REGIME_EL10, w->s2_granule,
                     ipa, vmid, 0);
}

/* Fills the walk cache from a successful walk's reads. A stage-2 read
 * tagged for_s1_level = L translated the IPA of the stage-1 read at level
 * L (the table read itself, or the hardware update of the stage-1 leaf,
 * which walks stage 2 again after it); untagged stage-2 reads translated
 * the final IPA. */
static void fill_walk_cache(mmu_tlb *tlb, const mmu_walk *w, uint64_t va, uint16_t vmid)
{
    uint64_t s1_ipa[MMU_LEVEL_MAX - MMU_LEVEL_MIN + 1] = {0};
    for (unsigned i = 0; i < w->n_reads; i++) {
        const mmu_desc_read *rd = &w->reads[i];
        if (rd->stage != 1)
            continue;
        s1_ipa[rd->level - MMU_LEVEL_MIN] = rd->ipa;
        if (is_table_desc(rd->value, rd->level) && !rd->updated)
            cache_descriptor(tlb, rd, MMU_TLBE_S1_TABLE, w->regime, w->s1_granule, va, vmid, w->asid);
    }
    for (unsigned i = 0; i < w->n_reads; i++) {
        const mmu_desc_read *rd = &w->reads[i];
        if (rd->stage != 2)
            continue;
        uint64_t ipa = rd->for_s1_level == MMU_NO_LEVEL ? w->result.ipa : s1_ipa[rd->for_s1_level - MMU_LEVEL_MIN];
        cache_s2_read(tlb, w, rd, ipa, vmid);
    }
}

/* ------------------------------------------------------------------------
 * Leaf fill and the front door
 * ------------------------------------------------------------------------ */

/* A leaf entry from a successful walk of `ia`: the VA (kinds S1, S12), or
 * the IPA when stage 1 is off (S2_ONLY: the stage-2 leaf alone, global,
 * tagged with the stage-2 granule and level). */
static void fill_leaf(mmu_tlb *tlb, const mmu_walk *w, uint64_t ia, uint16_t vmid)
{
    const mmu_result *r = &w->result;
    bool s2_only = !w->s1_enabled;
    unsigned shift = s2_only ? r->s2_size_shift : r->s1_size_shift;
    if (w->s2_enabled && r->s2_size_shift < shift)
        shift = r->s2_size_shift;
    mmu_tlb_entry e;
    memset(&e, 0, sizeof e);
    e.tags = (mmu_tlb_tags){
        .kind = s2_only ? MMU_TLBE_S2_ONLY : w->s2_enabled ? MMU_TLBE_S12 : MMU_TLBE_S1,
        .regime = w->regime,
        .global = s2_only || !r->ng,
        .asid = s2_only || w->regime == MMU_REGIME_EL2 ? 0 : w->asid,
        .vmid = vmid,
        .granule = s2_only ? w->s2_granule : w->s1_granule,
        .level = s2_only ? r->s2_level : r->s1_level,
        .size_shift = (uint8_t)shift,
        .ia = ia & ~low_mask(shift),
    };
    e.out_base = r->pa & ~low_mask(shift);
    e.ipa_base = r->ipa & ~low_mask(shift);
    e.res = *r;
    e.ttbr = w->ttbr;
    e.s1_granule = w->s1_granule;
    e.s2_granule = w->s2_granule;
    e.s1_txsz = w->s1_txsz;
    e.s2_t0sz = w->s2_t0sz;
    e.s1_ds = w->s1_ds;
    e.s2_ds = w->s2_ds;
    e.s2_enabled = w->s2_enabled;
    e.s1_start_level = w->s1_start_level;
    e.s2_start_level = w->s2_start_level;
    install(tlb, &tlb->leaf, &e, make_tag(e.tags.ia, shift, e.tags.kind, e.tags.regime),
            make_ctx(vmid, e.tags.asid), e.tags.global, false);
}

bool mmu_tlb_translate(mmu_cpu *cpu, mmu_tlb *tlb, const mmu_access *acc, mmu_walk *walk,
                       bool *walked)
{
    mmu_regime regime = mmu_regime_for_el(cpu, acc->el);
    const mmu_s1_regime *r = &cpu->s1[regime];
    bool s2_on = mmu_stage2_active(cpu, regime);
    /* Stage 1 on: entries by VA (S1, S12). Stage 1 off under stage 2: the
     * IPA is the VA and the entries are stage-2-only, by IPA (ASL
     * AArch64.S2Walk caches them whatever stage 1 does). Both off: nothing
     * to cache. */
    bool cacheable = tlb->cfg.mode != MMU_TLB_NONE && !acc->s1_only && (r->enabled || s2_on);
    uint64_t ia = acc->va;
    uint16_t vmid = regime == MMU_REGIME_EL10 ? mmu_current_vmid(cpu) : 0;
    uint16_t asid = 0;

    if (cacheable) {
        bool lookup = true;
        mmu_tlbe_kind kind = MMU_TLBE_S2_ONLY;
        if (r->enabled) {
            const mmu_s1_range *rg = &r->range[r->two_ranges ? (ia >> 55) & 1 : 0];
            if (rg->tbi)
                ia = sext64(ia, 55);
            asid = regime == MMU_REGIME_EL2 ? 0 : rg->asid;
            /* E0PDn faults EL0 accesses whether or not a TLB entry exists
             * (DDI0487 D8.2, FEAT_E0PD): let the walker report it. */
            lookup = !(rg->e0pd && (acc->el == 0 || acc->unpriv));
            kind = s2_on ? MMU_TLBE_S12 : MMU_TLBE_S1;
        } else {
            /* A VA bit at or above PAMax is an Address size fault with
             * stage 1 off, entry or not: let the walker report it. */
            lookup = s1_disabled_output(cpu, r, acc->va, &ia);
        }
        uint64_t pa;
        const mmu_tlb_entry *e = lookup ? mmu_tlb_lookup(tlb, kind, regime, vmid, asid, ia, &pa) : NULL;
        if (e && answer_hit(cpu, e, acc, regime, ia, asid, walk)) {
            tlb->stats.hits++;
            *walked = false;
            return true;
        }
    }

    tlb->stats.misses++;
    *walked = true;
    bool ok;
    if (cacheable && has_walk_cache(tlb)) {
        walk_port wp = {.tlb = tlb, .mem = cpu->port, .regime = regime, .vmid = vmid, .asid = asid, .va = ia};
        cpu->port = (mmu_port){.ctx = &wp, .read64 = walk_port_read, .write64 = walk_port_write};
        ok = mmu_walk_translate(cpu, acc, walk);
        cpu->port = wp.mem;
        if (ok)
            fill_walk_cache(tlb, walk, ia, vmid);
    } else {
        ok = mmu_walk_translate(cpu, acc, walk);
    }
    /* A no_update walk may have left the leaf's Access flag at 0 with HA
     * set; the architecture caches a translation only with AF = 1 (ASL
     * AArch64.S1Walk/S2Walk call S1TLBCache/S2TLBCache for descriptor[10]
     * = 1), so such a walk fills no leaf entry. */
    if (ok && cacheable && !acc->no_update)
        fill_leaf(tlb, walk, ia, vmid);
    return ok;
}

/* ------------------------------------------------------------------------
 * Invalidation and inspection
 * ------------------------------------------------------------------------ */

static uint64_t invalidate_array(mmu_tlb_array *a, const mmu_tlbi *t)
{
    uint64_t removed = 0, shifts = 0;
    for (size_t i = 0; i < (size_t)a->sets * a->ways; i++) {
        mmu_tlb_key *k = &a->keys[i];
        if (!(k->tag & MMU_TLB_TAG_VALID))
            continue;
        const mmu_tlb_entry *e = &a->ents[i];
        if (!t || mmu_tlbi_matches(t, &e->tags)) {
            k->tag = 0;
            removed++;
        } else if (!is_walk_kind(e->tags.kind)) {
            shifts |= BIT64(e->tags.size_shift);
        }
    }
    a->shifts = shifts;
    return removed;
}

void mmu_tlb_invalidate(mmu_tlb *tlb, const mmu_tlbi *t)
{
    size_t nops;
    const mmu_tlbi_op *ops = mmu_tlbi_ops(&nops);
    size_t row = (size_t)(t->op - ops);
    uint64_t removed = 0;
    if (tlb->cfg.mode != MMU_TLB_NONE) {
        removed = invalidate_array(&tlb->leaf, t);
        if (tlb->walk.keys)
            removed += invalidate_array(&tlb->walk, t);
        if (removed)
            bump_epoch(tlb);
    }
    if (row < nops) {
        tlb->stats.invalidations[row]++;
        tlb->stats.removed[row] += removed;
    }
}

void mmu_tlb_flush(mmu_tlb *tlb)
{
    bump_epoch(tlb);
    if (tlb->leaf.keys)
        invalidate_array(&tlb->leaf, NULL);
    if (tlb->walk.keys)
        invalidate_array(&tlb->walk, NULL);
}

static void for_each_in(const mmu_tlb_array *a, void (*fn)(void *, const mmu_tlb_entry *), void *ctx)
{
    for (size_t i = 0; a->keys && i < (size_t)a->sets * a->ways; i++)
        if (a->keys[i].tag & MMU_TLB_TAG_VALID)
            fn(ctx, &a->ents[i]);
}

void mmu_tlb_for_each(const mmu_tlb *tlb, void (*fn)(void *ctx, const mmu_tlb_entry *e), void *ctx)
{
    for_each_in(&tlb->leaf, fn, ctx);
    for_each_in(&tlb->walk, fn, ctx);
}

typedef struct count_ctx {
    mmu_tlbe_kind kind;
    size_t n;
} count_ctx;

static void count_one(void *ctx, const mmu_tlb_entry *e)
{
    count_ctx *c = ctx;
    if (c->kind == MMU_TLBE_KIND_COUNT || e->tags.kind == c->kind)
        c->n++;
}

size_t mmu_tlb_count(const mmu_tlb *tlb, mmu_tlbe_kind kind)
{
    count_ctx c = {kind, 0};
    mmu_tlb_for_each(tlb, count_one, &c);
    return c.n;
}
