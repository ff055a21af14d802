/* Page-table builder: maps and unmaps ranges into guest memory through the
 * memory port, for every descriptor format the walker reads (4K/16K/64K,
 * DS=1 LPA2, 64K LPA, stage 1 and stage 2 with concatenated initial
 * tables). One recursive routine visits the tables of a range, like the
 * walker in Linux's kvm/hyp/pgtable.c; map and unmap are its visitors. */
#include <stdio.h>
#include <string.h>

#include "desc.h"
#include "geometry.h"
#include "sysreg.h"

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__), -1)

static unsigned oa_limit_bits(const mmu_pt_format *f) { return (f->ds || f->lpa) ? 52 : 48; }

static bool pa52_blocks(const mmu_pt_format *f) { return f->granule == MMU_GRANULE_64K && f->lpa; }

int mmu_pt_init(mmu_builder *b, const mmu_pt_format *fmt, const mmu_port *port, const mmu_pt_alloc *alloc,
                char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    mmu_pt_format f = *fmt;
    if (f.stage != 1 && f.stage != 2)
        return ERR("stage must be 1 or 2, not %d", f.stage);
    if (f.granule != MMU_GRANULE_4K && f.granule != MMU_GRANULE_16K && f.granule != MMU_GRANULE_64K)
        return ERR("granule must be 4K, 16K or 64K");
    if (f.ds && f.granule == MMU_GRANULE_64K)
        return ERR("DS (LPA2 format) applies to the 4K and 16K granules only; 64K uses lpa");
    if (f.lpa && f.granule != MMU_GRANULE_64K)
        return ERR("lpa (OA[51:48] in desc[15:12]) applies to the 64K granule only; 4K/16K use ds");
    unsigned max_ia = (f.ds || (f.granule == MMU_GRANULE_64K && f.lpa)) ? 52 : 48;
    if (f.stage == 2 && f.ds)
        max_ia = 52;
    if (f.ia_bits < 16 || f.ia_bits > max_ia)
        return ERR("input size %u bits is outside 16..%u for this format", f.ia_bits, max_ia);

    unsigned stride = granule_stride(f.granule);
    int8_t natural = start_level_for(f.granule, f.ia_bits);
    if (f.start_level == MMU_NO_LEVEL || (f.stage == 1 && f.start_level == natural)) {
        f.start_level = natural;
    } else if (f.stage == 1) {
        return ERR("a stage-1 walk of a %u-bit input starts at level %d, not %d", f.ia_bits, natural,
                   f.start_level);
    } else if (f.start_level < MMU_LEVEL_MIN || f.start_level > MMU_LEVEL_MAX ||
               !s2_start_level_consistent(f.granule, f.start_level, f.ia_bits)) {
        return ERR("stage-2 start level %d cannot translate a %u-bit IPA with the %s granule "
                   "(at most 16 concatenated tables)", f.start_level, f.ia_bits, mmu_granule_name(f.granule));
    }
    if (f.start_level == -1 && !(f.granule == MMU_GRANULE_4K && f.ds))
        return ERR("level -1 exists only with the 4K granule and DS=1");

    uint64_t entries = start_table_entries(f.granule, f.start_level, f.ia_bits);
    uint64_t one_table = UINT64_C(1) << stride;
    uint64_t bytes = entries * 8;
    uint64_t align = bytes < 64 ? 64 : bytes;
    if (!alloc->alloc(alloc->ctx, align, align, &b->root))
        return ERR("no memory for the initial table (%llu bytes)", (unsigned long long)align);
    b->fmt = f;
    b->port = *port;
    b->alloc = *alloc;
    b->concat = (uint8_t)(entries > one_table ? entries / one_table : 1);
    return 0;
}

uint64_t mmu_pt_ttbr_baddr(const mmu_builder *b)
{
    if (oa_limit_bits(&b->fmt) == 52)
        return (b->root & GENMASK64(47, 6)) | FIELD_PREP(TTBR_BADDR_52_HI, b->root >> 48);
    return b->root;
}

/* ---- descriptors ---- */

static unsigned size_shift(const mmu_builder *b, int level) { return level_shift(b->fmt.granule, level); }

/* Every bit of a leaf descriptor that holds address at `level`. */
static uint64_t address_bits(const mmu_builder *b, int level)
{
    unsigned lo = size_shift(b, level);
    if (b->fmt.ds)
        return GENMASK64(49, lo) | DESC_OA_LPA2_HI;
    uint64_t m = GENMASK64(47, lo);
    if (b->fmt.lpa)
        m |= DESC_OA_LPA_HI;
    return m;
}

static uint64_t leaf_desc(const mmu_builder *b, int level, uint64_t oa, uint64_t attrs)
{
    uint64_t d = attrs | desc_encode_address(oa, b->fmt.ds, b->fmt.lpa) | DESC_VALID;
    return level == 3 ? d | DESC_TABLE : d;
}

static bool is_table(uint64_t d, int level) { return level < 3 && (d & DESC_VALID) && (d & DESC_TABLE); }

static int rd(mmu_builder *b, uint64_t pa, uint64_t *v, char *err, size_t errlen)
{
    if (!b->port.read64(b->port.ctx, pa, v))
        return ERR("no memory at table entry 0x%llx", (unsigned long long)pa);
    return 0;
}

static int wr(mmu_builder *b, uint64_t pa, uint64_t v, char *err, size_t errlen)
{
    if (!b->port.write64(b->port.ctx, pa, v))
        return ERR("no memory at table entry 0x%llx", (unsigned long long)pa);
    return 0;
}

static int new_table(mmu_builder *b, uint64_t *pa, char *err, size_t errlen)
{
    uint64_t size = UINT64_C(1) << b->fmt.granule;
    if (!b->alloc.alloc(b->alloc.ctx, size, size, pa))
        return ERR("out of table memory");
    if ((*pa >> oa_limit_bits(&b->fmt)) != 0)
        return ERR("table memory at 0x%llx is beyond what this format can address", (unsigned long long)*pa);
    return 0;
}

/* Before changing one entry of a contiguous run, the whole run loses its
 * contiguous bit: a partly-changed run is misprogrammed (DDI0487 D8.7
 * "The Contiguous bit"). */
static int break_contig_run(mmu_builder *b, uint64_t table, uint64_t index, int level, char *err, size_t errlen)
{
    uint64_t n = UINT64_C(1) << contig_entries_shift(b->fmt.granule, level);
    uint64_t first = index & ~(n - 1);
    for (uint64_t i = first; i < first + n; i++) {
        uint64_t d;
        if (rd(b, table + i * 8, &d, err, errlen) || ((d & DESC_CONTIG) && wr(b, table + i * 8, d & ~DESC_CONTIG, err, errlen)))
            return -1;
    }
    return 0;
}

/* Replaces the block at `entry` (level) by a table of next-level leaves
 * mapping the same range with the same attributes. */
static int split_block(mmu_builder *b, uint64_t entry, int level, uint64_t desc, uint64_t *table, char *err,
                       size_t errlen)
{
    uint64_t attrs = desc & ~(address_bits(b, level) | DESC_VALID | DESC_TABLE | DESC_CONTIG);
    uint64_t oa = desc_output_address(desc, size_shift(b, level), b->fmt.ds, b->fmt.lpa);
    uint64_t step = UINT64_C(1) << size_shift(b, level + 1);
    if (new_table(b, table, err, errlen))
        return -1;
    for (uint64_t i = 0; i < (UINT64_C(1) << granule_stride(b->fmt.granule)); i++)
        if (wr(b, *table + i * 8, leaf_desc(b, level + 1, oa + i * step, attrs), err, errlen))
            return -1;
    return wr(b, entry, desc_encode_address(*table, b->fmt.ds, b->fmt.lpa) | DESC_VALID | DESC_TABLE, err,
              errlen);
}

/* Finds (creating tables, splitting blocks) the table that holds the
 * entry for `ia` at `level`. */
static int table_for(mmu_builder *b, uint64_t ia, int level, uint64_t *out, char *err, size_t errlen)
{
    const mmu_pt_format *f = &b->fmt;
    uint64_t table = b->root;
    for (int l = f->start_level; l < level; l++) {
        uint64_t index = table_index(f->granule, l, f->start_level, f->ia_bits, ia);
        uint64_t entry = table + index * 8, d;
        if (rd(b, entry, &d, err, errlen))
            return -1;
        if (is_table(d, l)) {
            table = desc_output_address(d, f->granule, f->ds, f->lpa);
        } else if (d & DESC_VALID) {
            if ((d & DESC_CONTIG) && break_contig_run(b, table, index, l, err, errlen))
                return -1;
            if (split_block(b, entry, l, d & ~DESC_CONTIG, &table, err, errlen))
                return -1;
        } else {
            uint64_t next;
            if (new_table(b, &next, err, errlen) ||
                wr(b, entry, desc_encode_address(next, f->ds, f->lpa) | DESC_VALID | DESC_TABLE, err, errlen))
                return -1;
            table = next;
        }
    }
    *out = table;
    return 0;
}

/* The input address inside the table's range: a TTBR1 address (upper bits
 * all ones) is reduced to its low ia_bits. */
static int check_range(const mmu_builder *b, uint64_t *ia, uint64_t size, char *err, size_t errlen)
{
    unsigned n = b->fmt.ia_bits;
    uint64_t top = *ia & GENMASK64(63, n);
    if (top != 0 && !(b->fmt.stage == 1 && top == GENMASK64(63, n)))
        return ERR("address 0x%llx is outside the %u-bit input range", (unsigned long long)*ia, n);
    *ia &= GENMASK64(n - 1, 0);
    uint64_t gran = UINT64_C(1) << b->fmt.granule;
    if (size == 0 || (*ia | size) & (gran - 1))
        return ERR("address 0x%llx and size 0x%llx must be non-zero multiples of the %s granule",
                   (unsigned long long)*ia, (unsigned long long)size, mmu_granule_name(b->fmt.granule));
    if (size > (UINT64_C(1) << n) - *ia)
        return ERR("range 0x%llx+0x%llx runs past the %u-bit input range", (unsigned long long)*ia,
                   (unsigned long long)size, n);
    return 0;
}

int mmu_pt_map(mmu_builder *b, uint64_t ia, uint64_t oa, uint64_t size, uint64_t attrs, unsigned flags,
               char *err, size_t errlen)
{
    const mmu_pt_format *f = &b->fmt;
    if (check_range(b, &ia, size, err, errlen))
        return -1;
    if ((oa & ((UINT64_C(1) << f->granule) - 1)) || ((oa + size - 1) >> oa_limit_bits(f)))
        return ERR("output range 0x%llx+0x%llx is unaligned or beyond %u bits", (unsigned long long)oa,
                   (unsigned long long)size, oa_limit_bits(f));
    uint64_t reserved = address_bits(b, 3) | DESC_VALID | DESC_TABLE | DESC_CONTIG;
    if (attrs & reserved)
        return ERR("attributes 0x%llx overlap address/type/contiguous bits 0x%llx%s", (unsigned long long)attrs,
                   (unsigned long long)(attrs & reserved),
                   f->ds && (attrs & DESC_OA_LPA2_HI) ? " (with DS=1 shareability is in TCR.SHn/VTCR.SH0)" : "");

    uint64_t end = ia + size;
    while (ia < end) {
        int level = 3;
        for (int l = f->start_level; l < 3; l++) {
            uint64_t bsize = UINT64_C(1) << size_shift(b, l);
            if (!(flags & MMU_MAP_PAGES_ONLY) && block_allowed(f->granule, l, f->ds, pa52_blocks(f)) &&
                !((ia | oa) & (bsize - 1)) && end - ia >= bsize) {
                level = l;
                break;
            }
        }
        uint64_t step = UINT64_C(1) << size_shift(b, level);
        uint64_t count = 1, contig = 0;
        uint64_t run = step << contig_entries_shift(f->granule, level);
        /* No contiguous bit where it is RES0 (DDI0487 D8.7.1). */
        if ((flags & MMU_MAP_CONTIG) && contig_bit_effective(f->granule, level) && !((ia | oa) & (run - 1)) &&
            end - ia >= run) {
            count = run / step;
            contig = DESC_CONTIG;
        }
        uint64_t table;
        if (table_for(b, ia, level, &table, err, errlen))
            return -1;
        for (uint64_t k = 0; k < count; k++, ia += step, oa += step) {
            uint64_t index = table_index(f->granule, level, f->start_level, f->ia_bits, ia);
            uint64_t old;
            if (rd(b, table + index * 8, &old, err, errlen))
                return -1;
            if ((old & DESC_CONTIG) && !contig && break_contig_run(b, table, index, level, err, errlen))
                return -1;
            if (wr(b, table + index * 8, leaf_desc(b, level, oa, attrs | contig), err, errlen))
                return -1;
        }
    }
    return 0;
}

int mmu_pt_unmap(mmu_builder *b, uint64_t ia, uint64_t size, char *err, size_t errlen)
{
    const mmu_pt_format *f = &b->fmt;
    if (check_range(b, &ia, size, err, errlen))
        return -1;
    uint64_t end = ia + size;
    while (ia < end) {
        uint64_t table = b->root;
        for (int level = f->start_level;; level++) {
            uint64_t bsize = UINT64_C(1) << size_shift(b, level);
            uint64_t index = table_index(f->granule, level, f->start_level, f->ia_bits, ia);
            uint64_t entry = table + index * 8, d;
            if (rd(b, entry, &d, err, errlen))
                return -1;
            if (!(d & DESC_VALID)) {
                ia = (ia | (bsize - 1)) + 1; /* nothing mapped up to the next boundary */
                break;
            }
            if (is_table(d, level)) {
                table = desc_output_address(d, f->granule, f->ds, f->lpa);
                continue;
            }
            if ((d & DESC_CONTIG) && break_contig_run(b, table, index, level, err, errlen))
                return -1;
            if (!(ia & (bsize - 1)) && end - ia >= bsize) {
                if (wr(b, entry, 0, err, errlen))
                    return -1;
                ia += bsize;
                break;
            }
            if (split_block(b, entry, level, d & ~DESC_CONTIG, &table, err, errlen))
                return -1;
        }
    }
    return 0;
}
