/* A digest of walk records, to show that a change to the walker changes
 * nothing it reports: run the same inputs through two builds and compare.
 *
 *   build/tools/walk_digest [INPUTS [SEED]] > new.txt    (default 200000, 1)
 *   /tmp/base/build/tools/walk_digest [INPUTS [SEED]] > old.txt
 *   diff old.txt new.txt
 *
 * Each input is a CPU (random ID and control registers; a plausible CPU,
 * or one with valid-looking TCR/VTCR/HCR values, most of the time), 64 KiB
 * of table memory whose valid-looking descriptors point back into it (as
 * in tests/support/walk_fuzz.c) and eight accesses of every kind, EL and
 * option. Every field of every walk record (the descriptor reads, fault
 * and result, also the parts of a result filled before a fault) and every
 * descriptor write the walker makes goes into a 64-bit FNV-1a hash, field
 * by field (never padding). One line per input: its index and hash; a
 * last line counts walks, faults and reads, for coverage. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geometry.h"
#include "mmu.h"
#include "sysreg.h"

#define MEM_BASE UINT64_C(0x40000000)
#define MEM_SIZE (64 * 1024)
#define ADDR_47_12 UINT64_C(0x0000fffffffff000)
/* Where the builder puts the tables of the built-table inputs. */
#define BUILT_BASE UINT64_C(0x80000000)
#define BUILT_SIZE (4u << 20)

static uint8_t mem[MEM_SIZE];
static uint8_t built[BUILT_SIZE];
static uint64_t built_next;
static uint64_t hash;

static void mix(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        hash ^= (v >> (8 * i)) & 0xff;
        hash *= UINT64_C(0x100000001b3);
    }
}

/* The 8 bytes at pa, or NULL where there is no memory. */
static uint8_t *at(uint64_t pa)
{
    if (pa >= MEM_BASE && pa - MEM_BASE <= MEM_SIZE - 8)
        return mem + (pa - MEM_BASE);
    if (pa >= BUILT_BASE && pa - BUILT_BASE <= BUILT_SIZE - 8)
        return built + (pa - BUILT_BASE);
    return NULL;
}

static bool mem_read(void *ctx, uint64_t pa, uint64_t *v)
{
    (void)ctx;
    uint8_t *p = at(pa);
    if (p)
        memcpy(v, p, 8);
    return p != NULL;
}

/* Every write is part of the digest: where and what. */
static bool mem_write(void *ctx, uint64_t pa, uint64_t v)
{
    (void)ctx;
    mix(pa);
    mix(v);
    uint8_t *p = at(pa);
    if (p)
        memcpy(p, &v, 8);
    return p != NULL;
}

static bool built_alloc(void *ctx, uint64_t size, uint64_t align, uint64_t *pa)
{
    (void)ctx;
    uint64_t start = (built_next + align - 1) & ~(align - 1);
    if (start + size > BUILT_BASE + BUILT_SIZE)
        return false;
    memset(built + (start - BUILT_BASE), 0, size);
    built_next = start + size;
    *pa = start;
    return true;
}

static uint64_t rng;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Descriptors: mostly valid, mostly tables/pages, pointing at one of the
 * memory's 4K pages. The address bits above 47 (OA[49:48] with DS=1) and
 * OA[51:50] (DS=1) are usually clear, and so, half the time, is the page
 * number (desc[15:12] hold OA[51:48] with 64K and FEAT_LPA), so that walks
 * of every format go on. */
static uint64_t descriptor(void)
{
    uint64_t w = next(), how = next();
    if (how & 7)
        w |= 1;
    if (how & (3u << 3))
        w |= 2;
    if (how & (3u << 5))
        w &= ~((UINT64_C(3) << 8) | (UINT64_C(0xf) << 48));
    if (!(w & 1))
        return w;
    uint64_t page = (how >> 7) & 1 ? (w >> 16) & 0xf : 0;
    return (w & ~ADDR_47_12) | (MEM_BASE + page * 0x1000);
}

static const uint64_t max_mmfr0 = 0x0000032310201126ull; /* PARange 52, LPA2 at both stages */
static const uint64_t max_mmfr1 = 0x0000000010212122ull;
static const uint64_t max_mmfr2 = 0x1001000010010000ull;

/* TCR_EL1/TCR_EL2 (E2H layout) with in-range T0SZ/T1SZ, EPDn and E0PDn
 * usually clear, and random other fields; TCR_EL2's own layout shares
 * T0SZ, TG0, PS, HA/HD and DS. */
static uint64_t plausible_tcr(void)
{
    uint64_t t = next();
    t &= ~(UINT64_C(0x3f) | (UINT64_C(0x3f) << 16));
    t |= 12 + next() % 28;
    t |= (12 + next() % 28) << 16;
    if (next() % 8)
        t &= ~((UINT64_C(1) << 7) | (UINT64_C(1) << 23) | (UINT64_C(3) << 55));
    return t;
}

static uint64_t plausible_vtcr(void)
{
    uint64_t t = next() & ~UINT64_C(0x3f);
    return t | (12 + next() % 28);
}

static uint64_t table_reg(uint64_t v) { return (v & 0xffff000000000000ull) | (MEM_BASE + (v & 0xf000)); }

static void setup_cpu(mmu_cpu *cpu, unsigned mode)
{
    mmu_port port = {NULL, mem_read, mem_write};
    mmu_cpu_init(cpu, &port);
    for (int reg = 0; reg < MMU_REG_COUNT; reg++) {
        uint64_t v = next();
        if (mode > 0) {
            switch (reg) {
            case MMU_ID_AA64MMFR0_EL1: v = max_mmfr0; break;
            case MMU_ID_AA64MMFR1_EL1: v = max_mmfr1; break;
            case MMU_ID_AA64MMFR2_EL1: v = max_mmfr2; break;
            case MMU_TTBR0_EL1:
            case MMU_TTBR1_EL1:
            case MMU_TTBR0_EL2:
            case MMU_TTBR1_EL2:
            case MMU_VTTBR_EL2: v = table_reg(v); break;
            default: break;
            }
        }
        if (mode > 1) {
            switch (reg) {
            case MMU_TCR_EL1:
            case MMU_TCR_EL2: v = plausible_tcr(); break;
            case MMU_VTCR_EL2: v = plausible_vtcr(); break;
            case MMU_SCTLR_EL1:
            case MMU_SCTLR_EL2: v |= 1; break;
            /* VM, E2H, PTW, ID, CD one chance in two each; DC and TGE
             * (which turn EL1&0 stage 1 off) one in eight. */
            case MMU_HCR_EL2:
                v &= (1u << 0) | (1ull << 34) | (1u << 2) | (1ull << 33) | (1ull << 32);
                if (next() % 8 == 0)
                    v |= 1u << 12;
                if (next() % 8 == 0)
                    v |= 1u << 27;
                break;
            default: break;
            }
        }
        mmu_cpu_set_reg(cpu, (mmu_reg)reg, v);
    }
    /* Most random VTCRs have a start level inconsistent with T0SZ: retry
     * a few, so that stage 2 walks too. */
    for (int tries = 0; mode > 1 && cpu->s2.config_fault && tries < 16; tries++)
        mmu_cpu_set_reg(cpu, MMU_VTCR_EL2, plausible_vtcr());
}

/* The built-table inputs: stage 1 (and half the time stage 2) made by the
 * page-table builder in any granule, DS/LPA format, input size and stage-2
 * start level (concatenated or not), with random leaf attributes, pages
 * and blocks, contiguous runs: the long successful walks of real use. */
#define MAX_MAPS 16

typedef struct mapping {
    uint64_t va, size;
} mapping;

static mmu_granule any_granule(void)
{
    static const mmu_granule g[3] = {MMU_GRANULE_4K, MMU_GRANULE_16K, MMU_GRANULE_64K};
    return g[next() % 3];
}

/* TCR/VTCR TG0 encoding: 00 4K, 01 64K, 10 16K. */
static uint64_t tg0_of(mmu_granule g) { return g == MMU_GRANULE_4K ? 0 : g == MMU_GRANULE_64K ? 1 : 2; }

/* A size a leaf can map: the granule, or a block of the level above or
 * the one above that (the builder uses blocks where they are allowed). */
static uint64_t leaf_size(mmu_granule g, unsigned ia_bits)
{
    unsigned shift = (unsigned)g + granule_stride(g) * (unsigned)(next() % 3);
    if (shift >= ia_bits)
        shift = g;
    return UINT64_C(1) << shift;
}

static uint64_t s1_leaf_attrs(bool ds)
{
    uint64_t a = next() & (DESC_ATTRINDX | DESC_AP | DESC_NG | DESC_DBM | DESC_PXN | DESC_UXN);
    if (!ds)
        a |= next() & DESC_SH;
    if (next() % 8)
        a |= DESC_AF;
    return a;
}

static uint64_t s2_leaf_attrs(bool ds)
{
    uint64_t a = next() & (DESC_S2_MEMATTR | DESC_S2_XN | DESC_DBM);
    if (!ds)
        a |= next() & DESC_SH;
    a |= next() % 8 ? DESC_S2AP : next() & DESC_S2AP;
    if (next() % 8)
        a |= DESC_AF;
    return a;
}

static void setup_built(mmu_cpu *cpu, mapping *maps, unsigned *nmaps)
{
    mmu_port port = {NULL, mem_read, mem_write};
    mmu_pt_alloc alloc = {NULL, built_alloc};
    char err[256];
    mmu_cpu_init(cpu, &port);
    mmu_cpu_set_reg(cpu, MMU_ID_AA64MMFR0_EL1, max_mmfr0);
    mmu_cpu_set_reg(cpu, MMU_ID_AA64MMFR1_EL1, max_mmfr1);
    mmu_cpu_set_reg(cpu, MMU_ID_AA64MMFR2_EL1, max_mmfr2);
    built_next = BUILT_BASE;
    *nmaps = 0;

    /* Stage 1: 52-bit input and output with DS (4K, 16K) or with 64K
     * (FEAT_LVA, FEAT_LPA); else 48-bit output and 25..48-bit input. */
    mmu_granule g1 = any_granule();
    bool ds1 = g1 != MMU_GRANULE_64K && (next() & 1);
    bool big1 = ds1 || (g1 == MMU_GRANULE_64K && (next() & 1));
    unsigned ia1 = 25 + (unsigned)(next() % ((big1 ? 52 : 48) - 25 + 1));
    mmu_builder s1;
    mmu_pt_format f1 = {.stage = 1, .granule = g1, .ds = ds1, .lpa = g1 == MMU_GRANULE_64K && big1,
                        .ia_bits = (uint8_t)ia1, .start_level = MMU_NO_LEVEL};
    if (mmu_pt_init(&s1, &f1, &port, &alloc, err, sizeof err))
        return;

    bool stage2 = next() & 1;
    mmu_builder s2;
    mmu_granule g2 = any_granule();
    bool ds2 = g2 != MMU_GRANULE_64K && (next() & 1);
    bool big2 = ds2 || (g2 == MMU_GRANULE_64K && (next() & 1));
    unsigned ia2 = 32 + (unsigned)(next() % ((big2 ? 52 : 48) - 32 + 1));
    int8_t start2 = start_level_for(g2, ia2);
    if ((next() & 1) && s2_start_level_consistent(g2, start2 + 1, ia2))
        start2++; /* concatenated initial tables */
    if (stage2) {
        mmu_pt_format f2 = {.stage = 2, .granule = g2, .ds = ds2, .lpa = g2 == MMU_GRANULE_64K && big2,
                            .ia_bits = (uint8_t)ia2, .start_level = start2};
        if (mmu_pt_init(&s2, &f2, &port, &alloc, err, sizeof err))
            return;
    }

    uint64_t oa_limit = UINT64_C(1) << (big1 ? 52 : 48);
    if (stage2 && (UINT64_C(1) << ia2) < oa_limit)
        oa_limit = UINT64_C(1) << ia2;
    unsigned n = 1 + (unsigned)(next() % MAX_MAPS);
    for (unsigned i = 0; i < n; i++) {
        uint64_t size = leaf_size(g1, ia1);
        uint64_t va = next() & ((UINT64_C(1) << ia1) - 1) & ~(size - 1);
        uint64_t oa = next() & (oa_limit - 1) & ~(size - 1);
        unsigned flags = (next() & 1 ? MMU_MAP_CONTIG : 0) | (next() % 4 ? 0 : MMU_MAP_PAGES_ONLY);
        if (size > (UINT64_C(1) << g1) * 16 && (flags & MMU_MAP_PAGES_ONLY))
            flags &= ~(unsigned)MMU_MAP_PAGES_ONLY; /* no huge page runs */
        if (mmu_pt_map(&s1, va, oa, size, s1_leaf_attrs(ds1), flags, err, sizeof err))
            continue;
        maps[(*nmaps)++] = (mapping){va, size};
        /* Stage 2 maps most of the output IPAs (to anywhere). */
        if (stage2 && next() % 4) {
            uint64_t pa = next() & ((UINT64_C(1) << (big2 ? 52 : 48)) - 1) & ~(size - 1);
            mmu_pt_map(&s2, oa, pa, size, s2_leaf_attrs(ds2), next() & 1 ? MMU_MAP_CONTIG : 0, err, sizeof err);
        }
    }
    if (stage2) {
        /* The stage-1 tables, identity-mapped (blocks where possible);
         * sometimes with attributes that fault the walk. */
        uint64_t attrs = next() % 8 ? DESC_AF | DESC_S2AP | FIELD_PREP(DESC_S2_MEMATTR, 0xf) : s2_leaf_attrs(ds2);
        mmu_pt_map(&s2, BUILT_BASE, BUILT_BASE, BUILT_SIZE, attrs, 0, err, sizeof err);
    }

    uint64_t tcr = FIELD_PREP(TCR_T0SZ, 64 - ia1) | FIELD_PREP(TCR_TG0, tg0_of(g1)) |
                   FIELD_PREP(TCR_IPS, big1 ? 6 : 5) | TCR_EPD1 | (ds1 ? TCR_DS : 0) |
                   (next() & (TCR_HA | TCR_HD | TCR_HPD0 | TCR_TBI0 | TCR_AS | TCR_SH0 | TCR_IRGN0 | TCR_ORGN0));
    mmu_cpu_set_reg(cpu, MMU_TCR_EL1, tcr);
    mmu_cpu_set_reg(cpu, MMU_TTBR0_EL1, mmu_pt_ttbr_baddr(&s1) | (next() & TTBR_ASID));
    mmu_cpu_set_reg(cpu, MMU_MAIR_EL1, next());
    mmu_cpu_set_reg(cpu, MMU_SCTLR_EL1, SCTLR_M | (next() & (SCTLR_C | SCTLR_I | SCTLR_WXN)));
    if (stage2) {
        unsigned sl0;
        bool sl2 = false;
        if (g2 == MMU_GRANULE_4K) {
            static const unsigned sl0_4k[5] = {0, 2, 1, 0, 3}; /* levels -1..3 */
            sl0 = sl0_4k[start2 + 1];
            sl2 = start2 == -1;
        } else {
            sl0 = (unsigned)(3 - start2);
        }
        uint64_t vtcr = FIELD_PREP(VTCR_T0SZ, 64 - ia2) | FIELD_PREP(VTCR_SL0, sl0) | (sl2 ? VTCR_SL2 : 0) |
                        FIELD_PREP(VTCR_TG0, tg0_of(g2)) | FIELD_PREP(VTCR_PS, big2 ? 6 : 5) |
                        (ds2 ? VTCR_DS : 0) | (next() & (VTCR_HA | VTCR_HD | VTCR_VS | VTCR_SH0));
        mmu_cpu_set_reg(cpu, MMU_VTCR_EL2, vtcr);
        mmu_cpu_set_reg(cpu, MMU_VTTBR_EL2, mmu_pt_ttbr_baddr(&s2) | (next() & TTBR_ASID));
        mmu_cpu_set_reg(cpu, MMU_HCR_EL2, HCR_VM | (next() & (HCR_PTW | HCR_CD | HCR_ID)));
    }
}

static void mix_memattr(mmu_memattr a)
{
    mix(a.attr);
    mix(a.sh);
}

static void digest_walk(bool ok, const mmu_walk *w)
{
    mix(ok);
    const mmu_access *a = &w->access;
    mix(a->va), mix(a->kind), mix(a->el), mix(a->unpriv), mix(a->pan), mix(a->s1_only), mix(a->no_update);
    mix(w->regime), mix(w->s1_enabled), mix(w->s2_enabled), mix(w->ttbr), mix(w->asid), mix(w->vmid);
    mix(w->s1_granule), mix(w->s2_granule), mix(w->s1_txsz), mix(w->s2_t0sz), mix(w->s1_ds), mix(w->s2_ds);
    mix((uint64_t)w->s1_start_level), mix((uint64_t)w->s2_start_level), mix(w->n_reads);
    for (unsigned i = 0; i < w->n_reads && i < MMU_MAX_READS; i++) {
        const mmu_desc_read *r = &w->reads[i];
        mix((uint64_t)r->stage), mix((uint64_t)r->level), mix((uint64_t)r->for_s1_level), mix(r->index);
        mix(r->table), mix(r->ipa), mix(r->pa), mix(r->value), mix(r->updated), mix(r->new_value);
    }
    const mmu_fault *f = &w->fault;
    mix(f->type), mix((uint64_t)f->stage), mix((uint64_t)f->level), mix(f->s1ptw), mix(f->ipa_valid), mix(f->ipa);
    mix(f->write);
    const mmu_result *res = &w->result;
    mix(res->ipa), mix(res->pa), mix(res->s1_size_shift), mix(res->s2_size_shift), mix((uint64_t)res->s1_level);
    mix((uint64_t)res->s2_level), mix(res->s1_contig), mix(res->s2_contig), mix(res->ng);
    mix(res->s1perm.off), mix(res->s1perm.ap), mix(res->s1perm.uxn), mix(res->s1perm.pxn), mix(res->s1perm.dbm);
    mix(res->s2perm.s2ap), mix(res->s2perm.xn), mix(res->s2perm.dbm);
    mix_memattr(res->s1_desc_attr), mix_memattr(res->s2_desc_attr), mix_memattr(res->s1_attr);
    mix_memattr(res->attr);
    mix(res->r), mix(res->w), mix(res->x);
}

int main(int argc, char **argv)
{
    long inputs = argc > 1 ? atol(argv[1]) : 200000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    if (inputs <= 0 || rng == 0) {
        fprintf(stderr, "usage: walk_digest [INPUTS [SEED]] (INPUTS >= 1, SEED != 0)\n");
        return 2;
    }
    static mmu_walk w;
    uint64_t walks = 0, ok_walks = 0, reads = 0, faults[MMU_FAULT_EXTERNAL_WALK + 1] = {0};
    uint64_t total = UINT64_C(0xcbf29ce484222325);
    for (long in = 0; in < inputs; in++) {
        hash = UINT64_C(0xcbf29ce484222325);
        /* Fuzzed tables: raw registers one input in eight, plausible ID
         * registers one in eight, plausible control registers too two in
         * eight. Built tables: half the inputs. */
        unsigned mode = (unsigned)(next() % 8);
        mmu_cpu cpu;
        mapping maps[MAX_MAPS];
        unsigned nmaps = 0;
        if (mode < 4) {
            for (size_t i = 0; i < MEM_SIZE; i += 8) {
                uint64_t d = descriptor();
                memcpy(mem + i, &d, 8);
            }
            setup_cpu(&cpu, mode < 2 ? mode : 2);
        } else {
            setup_built(&cpu, maps, &nmaps);
        }
        for (int k = 0; k < 8; k++) {
            uint64_t va = next(), how = next();
            uint8_t el = (uint8_t)((how >> 2) % 3);
            if (nmaps && (how >> 20) & 3) {
                /* Built tables: mostly inside a mapping, at EL0 or EL1. */
                const mapping *m = &maps[(how >> 32) % nmaps];
                va = m->va + (va & (m->size - 1));
                el = (uint8_t)((how >> 2) & 1);
            } else if ((how >> 24) & 7) {
                /* Most other VAs inside the range of the regime's TTBR0
                 * or TTBR1 (sometimes with a tag), so that walks start. */
                const mmu_s1_regime *r = &cpu.s1[mmu_regime_for_el(&cpu, el)];
                unsigned sel = r->two_ranges ? (how >> 30) & 1 : 0;
                unsigned bits = r->range[sel].ia_bits;
                uint64_t low = bits < 64 ? va & ((UINT64_C(1) << bits) - 1) : va;
                va = sel && bits < 64 ? low | ~((UINT64_C(1) << bits) - 1) : low;
                if (((how >> 27) & 7) == 0)
                    va = (va & ~(UINT64_C(0xff) << 56)) | (next() & (UINT64_C(0xff) << 56));
            }
            mmu_access acc = {
                .va = va,
                .kind = (mmu_access_kind)(how % 3),
                .el = el,
                .unpriv = (how >> 4) & 1,
                .pan = (how >> 5) & 1,
                .s1_only = (how >> 6) & 1,
                .no_update = ((how >> 7) & 3) == 0,
            };
            bool ok = mmu_walk_translate(&cpu, &acc, &w);
            digest_walk(ok, &w);
            walks++;
            ok_walks += ok;
            reads += w.n_reads;
            faults[w.fault.type]++;
        }
        printf("%ld %016" PRIx64 "\n", in, hash);
        total ^= hash;
        total *= UINT64_C(0x100000001b3);
    }
    printf("total %016" PRIx64 ": %" PRIu64 " walks, %" PRIu64 " translated, %" PRIu64 " reads; faults: "
           "address size %" PRIu64 ", translation %" PRIu64 ", access flag %" PRIu64 ", permission %" PRIu64
           ", external %" PRIu64 "\n",
           total, walks, ok_walks, reads, faults[MMU_FAULT_ADDRESS_SIZE], faults[MMU_FAULT_TRANSLATION],
           faults[MMU_FAULT_ACCESS_FLAG], faults[MMU_FAULT_PERMISSION], faults[MMU_FAULT_EXTERNAL_WALK]);
    return 0;
}
