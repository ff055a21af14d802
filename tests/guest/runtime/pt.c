/* A small translation-table builder for guest programs: tables come from a
 * bump pool at PT_POOL (identity-mapped by every program), descriptors are
 * written through their PAs (the builder runs at EL2 with the MMU off or
 * identity-mapped).
 * Geometry: Arm DDI0487 D8.2 (lookup levels, "level shift" = G + (G-3)(3-L));
 * address fields: D8.3 (OA[51:48] in desc[15:12] for 64K with 52-bit OA,
 * OA[51:50] in desc[9:8] with DS=1). */
#include "guest.h"

#define PT_POOL 0x42000000ul
#define PT_POOL_END RUNTIME_END

static uint64_t pool_next = PT_POOL;

uint64_t pt_alloc(uint64_t size, uint64_t align)
{
    uint64_t pa = (pool_next + align - 1) & ~(align - 1);
    if (pa + size > PT_POOL_END) {
        line("pt: pool exhausted");
        exit_guest(4);
    }
    pool_next = pa + size;
    for (uint64_t o = 0; o < size; o += 8)
        *(volatile uint64_t *)(pa + o) = 0;
    return pa;
}

static unsigned level_shift(const struct pt *pt, int level)
{
    return pt->gbits + (pt->gbits - 3) * (unsigned)(3 - level);
}

uint64_t pt_level_size(const struct pt *pt, int level)
{
    return 1ul << level_shift(pt, level);
}

void pt_init(struct pt *pt, unsigned gbits, unsigned ia_bits, int start, int stage)
{
    uint64_t bytes = 8ul << (ia_bits - level_shift(&(struct pt){.gbits = gbits}, start));
    uint64_t granule = 1ul << gbits;

    pt->gbits = gbits;
    pt->ia_bits = ia_bits;
    pt->start = start;
    pt->stage = stage;
    pt->ds = 0;
    pt->lpa = 0;
    pt->tbl_off = 0;
    /* A (possibly concatenated) start-level table is aligned to its size. */
    pt->root = pt_alloc(bytes < granule ? granule : bytes, bytes < granule ? granule : bytes);
}

uint64_t pt_encode_oa(const struct pt *pt, uint64_t oa)
{
    if (pt->ds)
        return (oa & GENMASK64(49, pt->gbits)) | FIELD_PREP(DESC_OA_LPA2_HI, oa >> 50);
    if (pt->lpa)
        return (oa & GENMASK64(47, 16)) | FIELD_PREP(DESC_OA_LPA_HI, oa >> 48);
    return oa & GENMASK64(47, pt->gbits);
}

static uint64_t decode_oa(const struct pt *pt, uint64_t desc)
{
    if (pt->ds)
        return (desc & GENMASK64(49, pt->gbits)) | (FIELD_GET(DESC_OA_LPA2_HI, desc) << 50);
    if (pt->lpa)
        return (desc & GENMASK64(47, 16)) | (FIELD_GET(DESC_OA_LPA_HI, desc) << 48);
    return desc & GENMASK64(47, pt->gbits);
}

static uint64_t index_at(const struct pt *pt, uint64_t ia, int level)
{
    unsigned lsb = level_shift(pt, level);
    unsigned msb = level == pt->start ? pt->ia_bits - 1 : lsb + pt->gbits - 4;
    return (ia & GENMASK64(msb, 0)) >> lsb;
}

volatile uint64_t *pt_slot(struct pt *pt, uint64_t ia, int level)
{
    uint64_t table = pt->root;
    for (int l = pt->start;; l++) {
        volatile uint64_t *slot = (volatile uint64_t *)(table + 8 * index_at(pt, ia, l));
        if (l == level)
            return slot;
        if (!(*slot & DESC_VALID)) {
            uint64_t granule = 1ul << pt->gbits;
            *slot = pt_encode_oa(pt, pt_alloc(granule, granule) + pt->tbl_off) | DESC_VALID |
                    DESC_TABLE;
        } else if (!(*slot & DESC_TABLE)) {
            say("pt: block in the way at level", (uint64_t)l);
            exit_guest(4);
        }
        table = decode_oa(pt, *slot) - pt->tbl_off;
    }
}

void pt_map(struct pt *pt, uint64_t ia, uint64_t oa, int level, uint64_t attrs)
{
    uint64_t desc = pt_encode_oa(pt, oa) | attrs | DESC_VALID;
    if (level == 3)
        desc |= DESC_TABLE;
    /* With DS=1, desc[9:8] hold OA[51:50] and shareability comes from the
     * TCR; otherwise mark the mapping Inner Shareable. */
    if (!pt->ds)
        desc |= FIELD_PREP(DESC_SH, 3);
    *pt_slot(pt, ia, level) = desc;
}

void pt_map_range(struct pt *pt, uint64_t ia, uint64_t oa, uint64_t size, int level, uint64_t attrs)
{
    uint64_t step = pt_level_size(pt, level);
    uint64_t start = ia & ~(step - 1);
    oa &= ~(step - 1);
    for (uint64_t a = start; a < ia + size; a += step, oa += step)
        pt_map(pt, a, oa, level, attrs);
}

void pt_map_runtime(struct pt *pt, int level)
{
    uint64_t normal = pt->stage == 2 ? S2_NORMAL : S1_NORMAL;
    uint64_t device = pt->stage == 2 ? S2_DEVICE : S1_DEVICE;
    pt_map_range(pt, RAM_BASE, RAM_BASE, RUNTIME_END - RAM_BASE, level, normal);
    pt_map_range(pt, UART_BASE, UART_BASE, 0x1000, level, device);
}

void frame_fill(unsigned n)
{
    for (uint64_t off = 0; off < 0x10000; off += 8)
        *(volatile uint64_t *)(FRAME(n) + off) = FRAME_WORD(n, off);
}
