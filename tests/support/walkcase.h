/* Shared helpers for the table-driven walker tests (tests/test_walk_*.c).
 *
 * The tests never ask the engine where a descriptor goes: every case lists
 * the table addresses and the per-level indices worked out by hand from the
 * Arm ARM (DDI0487 D8.2 "Translation table walk": index at level L is
 * IA[lsb(L-1)-1 : lsb(L)], lsb(L) = G + (G-3)(3-L)), and the helpers below
 * write the descriptors exactly there, encoded as DDI0487 D8.3 describes
 * (written here independently of mmu/geometry.c). A walk that indexes a
 * table differently reads a zero descriptor and faults.
 *
 * Header-only (static inline) so each test stays one executable. */
#ifndef MMUSIM_TEST_WALKCASE_H
#define MMUSIM_TEST_WALKCASE_H

#include <stdint.h>

#include "check.h"
#include "memory.h"
#include "mmu.h"
#include "sysreg.h"

/* ---- the CPU model -------------------------------------------------- */

/* A `max`-like CPU (QEMU -cpu max with LPA2): PARange=6 (52 bits),
 * ASIDBits=2, TGran16=2 (16K + 52-bit), TGran64=0, TGran4=1 (4K + 52-bit),
 * TGran16_2=3, TGran64_2=2, TGran4_2=3; MMFR1 HAFDBS=2, VMIDBits=2, HPDS=1,
 * PAN=1, XNX=1; MMFR2 VARange=1, ST=1, E0PD=1. */
#define WC_MMFR0_MAX                                                                                 \
    (FIELD_PREP_CONST(MMFR0_PARANGE, 6) | FIELD_PREP_CONST(MMFR0_ASIDBITS, 2) |                      \
     FIELD_PREP_CONST(MMFR0_TGRAN16, 2) | FIELD_PREP_CONST(MMFR0_TGRAN64, 0) |                       \
     FIELD_PREP_CONST(MMFR0_TGRAN4, 1) | FIELD_PREP_CONST(MMFR0_TGRAN16_2, 3) |                      \
     FIELD_PREP_CONST(MMFR0_TGRAN64_2, 2) | FIELD_PREP_CONST(MMFR0_TGRAN4_2, 3))
#define WC_MMFR1_MAX                                                                                 \
    (FIELD_PREP_CONST(MMFR1_HAFDBS, 2) | FIELD_PREP_CONST(MMFR1_VMIDBITS, 2) |                       \
     FIELD_PREP_CONST(MMFR1_HPDS, 1) | FIELD_PREP_CONST(MMFR1_PAN, 1) | FIELD_PREP_CONST(MMFR1_XNX, 1))
#define WC_MMFR2_MAX                                                                                 \
    (FIELD_PREP_CONST(MMFR2_VARANGE, 1) | FIELD_PREP_CONST(MMFR2_ST, 1) | FIELD_PREP_CONST(MMFR2_E0PD, 1))

/* A plain Armv8.2-like CPU without LPA/LPA2/TTST: PARange=5 (48 bits),
 * TGran4=0, TGran16=1, TGran64=0, stage-2 fields "as stage 1"; MMFR1 as
 * max but without HAFDBS; MMFR2 all zero. */
#define WC_MMFR0_V82                                                                                 \
    (FIELD_PREP_CONST(MMFR0_PARANGE, 5) | FIELD_PREP_CONST(MMFR0_TGRAN16, 1))
#define WC_MMFR1_V82                                                                                 \
    (FIELD_PREP_CONST(MMFR1_VMIDBITS, 2) | FIELD_PREP_CONST(MMFR1_HPDS, 1) | FIELD_PREP_CONST(MMFR1_PAN, 1))

static inline void wc_cpu(mmu_cpu *cpu, testmem *m, uint64_t mmfr0, uint64_t mmfr1, uint64_t mmfr2)
{
    mmu_port port = testmem_port(m);
    mmu_cpu_init(cpu, &port);
    mmu_cpu_set_reg(cpu, MMU_ID_AA64MMFR0_EL1, mmfr0);
    mmu_cpu_set_reg(cpu, MMU_ID_AA64MMFR1_EL1, mmfr1);
    mmu_cpu_set_reg(cpu, MMU_ID_AA64MMFR2_EL1, mmfr2);
}

static inline void wc_cpu_max(mmu_cpu *cpu, testmem *m)
{
    wc_cpu(cpu, m, WC_MMFR0_MAX, WC_MMFR1_MAX, WC_MMFR2_MAX);
}

/* ---- register values -------------------------------------------------- */

/* TCR.TG0 / VTCR.TG0: 00 4K, 01 64K, 10 16K. TCR.TG1: 10 4K, 01 16K, 11 64K. */
static inline uint64_t wc_tg0(mmu_granule g)
{
    return g == MMU_GRANULE_4K ? 0 : g == MMU_GRANULE_64K ? 1 : 2;
}
static inline uint64_t wc_tg1(mmu_granule g)
{
    return g == MMU_GRANULE_4K ? 2 : g == MMU_GRANULE_16K ? 1 : 3;
}

/* TCR_EL1 for a TTBR0-only setup (EPD1 = 1). */
static inline uint64_t wc_tcr0(mmu_granule g, unsigned t0sz, unsigned ips, bool ds)
{
    return FIELD_PREP(TCR_T0SZ, t0sz) | FIELD_PREP(TCR_TG0, wc_tg0(g)) | FIELD_PREP(TCR_IPS, ips) |
           TCR_EPD1 | (ds ? TCR_DS : 0);
}

/* TCR_EL1 for a TTBR1-only setup (EPD0 = 1). */
static inline uint64_t wc_tcr1(mmu_granule g, unsigned t1sz, unsigned ips, bool ds)
{
    return FIELD_PREP(TCR_T1SZ, t1sz) | FIELD_PREP(TCR_TG1, wc_tg1(g)) | FIELD_PREP(TCR_IPS, ips) |
           TCR_EPD0 | (ds ? TCR_DS : 0);
}

/* VTCR_EL2: SL2 is bit 33, SL0 bits [7:6]. */
static inline uint64_t wc_vtcr(mmu_granule g, unsigned t0sz, unsigned sl0, bool sl2, unsigned ps, bool ds)
{
    return FIELD_PREP(VTCR_T0SZ, t0sz) | FIELD_PREP(VTCR_SL0, sl0) | FIELD_PREP(VTCR_TG0, wc_tg0(g)) |
           FIELD_PREP(VTCR_PS, ps) | (ds ? VTCR_DS : 0) | (sl2 ? VTCR_SL2 : 0);
}

/* TTBR/VTTBR BADDR of a table at `base`. The 52-bit form (DS=1, or 64K
 * with IPS=52): BADDR[51:48] in TTBR[5:2], [47:6] in place (DDI0487
 * D19 TTBR0_EL1 "BADDR[47:1]" with FEAT_LPA/FEAT_LPA2). */
static inline uint64_t wc_ttbr(uint64_t base, bool form52)
{
    if (form52)
        return (base & GENMASK64(47, 6)) | (((base >> 48) & 0xf) << 2);
    return base & GENMASK64(47, 1);
}

/* ---- descriptors -------------------------------------------------- */

typedef enum wc_fmt {
    WC_FMT_48,   /* OA[47:G] in place */
    WC_FMT_DS,   /* LPA2: OA[49:G] in place, OA[51:50] in desc[9:8] */
    WC_FMT_LPA,  /* 64K FEAT_LPA: OA[51:48] in desc[15:12] */
} wc_fmt;

static inline uint64_t wc_addr(uint64_t oa, wc_fmt f)
{
    switch (f) {
    case WC_FMT_DS:
        return (oa & GENMASK64(49, 12)) | (((oa >> 50) & 3) << 8);
    case WC_FMT_LPA:
        return (oa & GENMASK64(47, 16)) | (((oa >> 48) & 0xf) << 12);
    case WC_FMT_48:
        break;
    }
    return oa & GENMASK64(47, 12);
}

/* The inverse of wc_addr: the table/output address a descriptor holds,
 * for a field starting at bit 12 (tables, 4K pages; callers mask blocks). */
static inline uint64_t wc_desc_addr(uint64_t desc, wc_fmt f)
{
    switch (f) {
    case WC_FMT_DS:
        return (desc & GENMASK64(49, 12)) | (((desc >> 8) & 3) << 50);
    case WC_FMT_LPA:
        return (desc & GENMASK64(47, 16)) | (((desc >> 12) & 0xf) << 48);
    case WC_FMT_48:
        break;
    }
    return desc & GENMASK64(47, 12);
}

/* Table descriptor: bits[1:0] = 0b11. */
static inline uint64_t wc_table(uint64_t next, wc_fmt f) { return wc_addr(next, f) | 3; }

/* Block (bits[1:0] = 0b01) below level 3, page (0b11) at level 3. AF and
 * AttrIndx 0 are left to `attrs`. */
static inline uint64_t wc_leaf(uint64_t oa, wc_fmt f, int level, uint64_t attrs)
{
    return wc_addr(oa, f) | attrs | (level == 3 ? 3 : 1);
}

#define WC_AF BIT64(10)
/* Stage-2 leaf: S2AP = 11 (RW), MemAttr = 1111 (Normal WB), AF. */
#define WC_S2_RW (FIELD_PREP_CONST(GENMASK64(7, 6), 3) | FIELD_PREP_CONST(GENMASK64(5, 2), 0xf) | WC_AF)

/* ---- a chain of tables from the start level to a leaf ---- */

typedef struct wc_chain {
    int8_t start;          /* level of table[0] */
    unsigned n;            /* levels start .. start+n-1, the last holds the leaf */
    uint16_t idx[5];       /* hand-computed index at each level */
    uint64_t table[5];     /* table address at each level */
    wc_fmt fmt;
    uint64_t oa;           /* leaf output address */
    uint64_t leaf_attrs;   /* e.g. WC_AF, or WC_S2_RW for stage 2 */
} wc_chain;

/* Writes the chain; at level `bad_level` (MMU_NO_LEVEL for none) writes
 * `bad` instead. desc[i] receives what was written at each level. */
static inline void wc_chain_write(testmem *m, const wc_chain *c, int bad_level, uint64_t bad, uint64_t desc[5])
{
    for (unsigned i = 0; i < c->n; i++) {
        int level = c->start + (int)i;
        bool leaf = i == c->n - 1;
        uint64_t d = leaf ? wc_leaf(c->oa, c->fmt, level, c->leaf_attrs) : wc_table(c->table[i + 1], c->fmt);
        if (level == bad_level)
            d = bad;
        testmem_write(m, c->table[i] + (uint64_t)c->idx[i] * 8, d);
        if (desc)
            desc[i] = d;
    }
}

/* ---- walks and records -------------------------------------------------- */

static inline bool wc_walk(mmu_cpu *cpu, uint64_t va, mmu_access_kind kind, uint8_t el, mmu_walk *w)
{
    mmu_access a = {.va = va, .kind = kind, .el = el};
    return mmu_walk_translate(cpu, &a, w);
}

/* One expected descriptor read. */
typedef struct wc_read {
    int8_t stage, level, for_s1_level;
    uint16_t index;
    uint64_t table, ipa, pa, value;
} wc_read;

/* Compares the walk record's reads with `exp` (n entries), field by field. */
static inline void wc_check_reads(const mmu_walk *w, const wc_read *exp, unsigned n)
{
    CHECK_EQ(w->n_reads, n);
    for (unsigned i = 0; i < n && i < w->n_reads; i++) {
        int before = check_failures;
        const mmu_desc_read *r = &w->reads[i];
        CHECK_EQ(r->stage, exp[i].stage);
        CHECK_EQ((int64_t)r->level, (int64_t)exp[i].level);
        CHECK_EQ((int64_t)r->for_s1_level, (int64_t)exp[i].for_s1_level);
        CHECK_EQ(r->index, exp[i].index);
        CHECK_EQ(r->table, exp[i].table);
        CHECK_EQ(r->ipa, exp[i].ipa);
        CHECK_EQ(r->pa, exp[i].pa);
        CHECK_EQ(r->value, exp[i].value);
        if (check_failures != before)
            fprintf(stderr, "  (descriptor read %u of the walk)\n", i);
    }
}

/* Memory map used by most cases: low RAM, and RAM far above 2^48 (the
 * 52-bit PA space). */
#define WC_LOW 0x40000000ull
#define WC_HIGH 0x000f000000000000ull
#define WC_HIGH2 0x000d000000000000ull

#endif
