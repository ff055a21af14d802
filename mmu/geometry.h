/* Translation geometry: the one place where granule, level and input size
 * turn into shifts, index widths, start levels and block sizes.
 * Arm DDI0487 D8.2 "Translation table walk"; ASL AArch64.S1StartLevel,
 * AArch64.BlockDescSupported, AArch64.ContiguousSize. Internal to mmu/. */
#ifndef MMU_GEOMETRY_H
#define MMU_GEOMETRY_H

#include "bits.h"
#include "desc.h"
#include "mmu.h"

/* Bits resolved per level: a table holds 2^stride 8-byte descriptors. */
static inline unsigned granule_stride(mmu_granule g) { return (unsigned)g - 3; }

/* Lowest input-address bit indexed at `level` (-1..3): also log2 of the
 * size a block or page at that level maps. */
static inline unsigned level_shift(mmu_granule g, int level)
{
    return (unsigned)g + granule_stride(g) * (unsigned)(3 - level);
}

/* The level a walk of an ia_bits-wide input starts at (ASL
 * AArch64.S1StartLevel: 3 - ((iasize - 1 - granulebits) DIV stride)).
 * Gives -1 for 4K with 49..52 bits. */
static inline int8_t start_level_for(mmu_granule g, unsigned ia_bits)
{
    return (int8_t)(3 - (int)((ia_bits - 1 - (unsigned)g) / granule_stride(g)));
}

/* Index bits [msb:lsb] of the input address used at `level`, where the
 * start level takes every bit up to ia_bits - 1 (covering stage-2
 * concatenation, ASL AArch64.S2SLTTEntryAddress). */
static inline uint64_t table_index(mmu_granule g, int level, int8_t start, unsigned ia_bits, uint64_t ia)
{
    unsigned lsb = level_shift(g, level);
    unsigned msb = level == start ? ia_bits - 1 : level_shift(g, level - 1) - 1;
    return (ia >> lsb) & (GENMASK64(msb - lsb, 0));
}

/* Entries in the initial table (all concatenated tables together). */
static inline uint64_t start_table_entries(mmu_granule g, int8_t start, unsigned ia_bits)
{
    return UINT64_C(1) << (ia_bits - level_shift(g, start));
}

/* Can a block descriptor sit at `level`? (ASL AArch64.BlockDescSupported):
 * 4K: L1, L2, and L0 with DS; 16K: L2, and L1 with DS; 64K: L2, and L1 when
 * 52-bit output addresses are implemented (FEAT_LPA). Never at level -1. */
static inline bool block_allowed(mmu_granule g, int level, bool ds, bool pa52)
{
    switch (g) {
    case MMU_GRANULE_4K:
        return level == 1 || level == 2 || (level == 0 && ds);
    case MMU_GRANULE_16K:
        return level == 2 || (level == 1 && ds);
    case MMU_GRANULE_64K:
        return level == 2 || (level == 1 && pa52);
    }
    return false;
}

/* Does the Contiguous bit (desc[52]) of a block/page at `level` count?
 * It is RES0 with an Effective value of 0 in the 4K level-0 block (DS=1),
 * the 16K level-1 block (DS=1) and the 64K level-1 block (FEAT_LPA):
 * DDI0487 D8.7.1 "The Contiguous bit"; ASL AArch64.ContiguousBit. */
static inline bool contig_bit_effective(mmu_granule g, int level)
{
    return g == MMU_GRANULE_4K ? level >= 1 : level >= 2;
}

/* log2 of the number of entries a contiguous hint spans where it counts
 * (DDI0487 Table D8-104; ASL ContiguousSize): 4K: 16 entries (levels
 * 1-3); 16K: 32 at level 2, 128 at level 3; 64K: 32 (levels 2-3). */
static inline unsigned contig_entries_shift(mmu_granule g, int level)
{
    switch (g) {
    case MMU_GRANULE_4K:
        return 4;
    case MMU_GRANULE_16K:
        return level == 2 ? 5 : 7;
    case MMU_GRANULE_64K:
        return 5;
    }
    return 0;
}

/* Can a stage-2 walk starting at `start` resolve an ia_bits-wide IPA with
 * at most 16 concatenated tables? (ASL AArch64.S2InconsistentSL) */
static inline bool s2_start_level_consistent(mmu_granule g, int start, unsigned ia_bits)
{
    unsigned stride = granule_stride(g);
    unsigned min_ia = (unsigned)(3 - start) * stride + (unsigned)g + 1;
    unsigned max_ia = min_ia + (stride - 1) + 4;
    return ia_bits >= min_ia && ia_bits <= max_ia;
}

/* Output address held in a descriptor whose address field starts at bit
 * `shift` (the granule for tables and pages, the level shift for blocks).
 * DS=1 (LPA2): OA[49:shift] = desc[49:shift], OA[51:50] = desc[9:8].
 * 64K with PAMax 52 (FEAT_LPA): OA[51:48] = desc[15:12].
 * Otherwise OA[47:shift]. ASL AArch64.NextTableBase / AArch64.LeafBase. */
static inline uint64_t desc_output_address(uint64_t desc, unsigned shift, bool ds, bool lpa_desc)
{
    if (ds)
        return (desc & GENMASK64(49, shift)) | (FIELD_GET(DESC_OA_LPA2_HI, desc) << 50);
    uint64_t oa = desc & GENMASK64(47, shift);
    if (lpa_desc)
        oa |= FIELD_GET(DESC_OA_LPA_HI, desc) << 48;
    return oa;
}

/* The inverse, for the builder: descriptor address bits for `oa`. */
uint64_t desc_encode_address(uint64_t oa, bool ds, bool lpa_desc);

/* Initial table address from a TTBR/VTTBR. With 52-bit output (DS=1, or 64K
 * with FEAT_LPA and (I)PS=52) BADDR[51:48] is in TTBR[5:2] and the table is
 * at least 64-byte aligned (ASL AArch64.S1TTBaseAddress/S2TTBaseAddress).
 * Low bits below the table's own alignment are ignored (masked). */
uint64_t ttbr_table_address(uint64_t ttbr, bool baddr52, uint64_t table_bytes);

#endif
