/* Memory attributes: stage 1 (MAIR), stage 2 (MemAttr) and their
 * combination. Arm DDI0487 D8.5 "Memory region attributes" and D8.6
 * "Combining the stage 1 and stage 2 attributes" (ASL S2CombineS1MemAttrs,
 * S2CombineS1Device, S2CombineS1AttrHints, S2CombineS1Shareability). */
#include "desc.h"
#include "internal.h"
#include "sysreg.h"

enum { SH_NSH = 0, SH_OSH = 2, SH_ISH = 3 };

/* MAIR attribute bytes used when stage 1 is off (ASL
 * AArch64.S1DisabledOutput): data is Device-nGnRnE; fetches are Normal,
 * Write-Through when SCTLR.I=1 else Non-cacheable; HCR_EL2.DC makes
 * everything Normal Write-Back. */
#define ATTR_DEVICE_nGnRnE 0x00
#define ATTR_NORMAL_NC 0x44
#define ATTR_NORMAL_WT 0xaa
#define ATTR_NORMAL_WB 0xff


/* Cacheability class of a Normal nibble: 0 NC, 1 WT, 2 WB. */
static int nibble_class(uint8_t n)
{
    if (n == 0x4)
        return 0;
    return (n & 0x4) ? 2 : 1; /* 0b00RW/0b10RW WT, 0b01RW/0b11RW WB */
}

static bool attr_is_nc(uint8_t a)
{
    return !memattr_is_device(a) && nibble_class(a >> 4) == 0 && nibble_class(a & 0xf) == 0;
}

/* Device and Normal Non-cacheable memory is reported Outer Shareable (ASL
 * PAREncodeShareability; also the effective shareability of such memory). */
static uint8_t effective_sh(uint8_t attr, uint8_t sh)
{
    return memattr_is_device(attr) || attr_is_nc(attr) ? SH_OSH : sh;
}

mmu_memattr s1_leaf_attr(const mmu_s1_regime *r, const mmu_s1_range *range, uint64_t desc)
{
    unsigned idx = (unsigned)FIELD_GET(DESC_ATTRINDX, desc);
    uint8_t attr = (uint8_t)(r->mair >> (8 * idx));
    /* With DS=1 desc[9:8] are OA bits: shareability comes from TCR.SHn. */
    uint8_t sh = range->ds ? range->sh : (uint8_t)FIELD_GET(DESC_SH, desc);
    return (mmu_memattr){attr, effective_sh(attr, sh)};
}

mmu_memattr s1_disabled_attr(const mmu_s1_regime *r, mmu_access_kind kind)
{
    uint8_t attr;
    if (r->dc)
        attr = ATTR_NORMAL_WB;
    else if (kind == MMU_ACC_FETCH)
        attr = r->icache_on ? ATTR_NORMAL_WT : ATTR_NORMAL_NC;
    else
        attr = ATTR_DEVICE_nGnRnE;
    return (mmu_memattr){attr, r->dc ? SH_NSH : SH_OSH};
}

/* Stage-2 MemAttr[3:0] (HCR_EL2.FWB = 0) as a MAIR-format byte:
 * MemAttr[3:2] = 00 Device with type MemAttr[1:0]; otherwise outer
 * MemAttr[3:2] and inner MemAttr[1:0], 01 NC, 10 WT, 11 WB (00 inner is
 * reserved: treated as Non-cacheable). */
static uint8_t s2_memattr_byte(unsigned memattr)
{
    unsigned outer = memattr >> 2, inner = memattr & 3;
    if (outer == 0)
        return (uint8_t)(inner << 2); /* Device-nGnRnE/nGnRE/nGRE/GRE */
    static const uint8_t nibble[4] = {0x4, 0x4, 0x8, 0xc};
    return (uint8_t)(nibble[outer] << 4 | nibble[inner]);
}

mmu_memattr s2_leaf_attr(const mmu_s2_regime *s2, uint64_t desc)
{
    uint8_t attr = s2_memattr_byte((unsigned)FIELD_GET(DESC_S2_MEMATTR, desc));
    uint8_t sh = s2->ds ? s2->sh : (uint8_t)FIELD_GET(DESC_SH, desc);
    return (mmu_memattr){attr, effective_sh(attr, sh)};
}

/* One Normal nibble combined: the weaker cacheability wins; allocation
 * and transient hints come from stage 1 when the result is still
 * cacheable (ASL S2CombineS1AttrHints; DDI0487 D8.6.3). */
static uint8_t combine_nibble(uint8_t s1, uint8_t s2)
{
    int c1 = nibble_class(s1), c2 = nibble_class(s2);
    if (c1 <= c2)
        return s1;
    if (c2 == 0)
        return 0x4;
    /* Stage 1 WB, stage 2 WT: Write-Through with stage 1's hints. Bit 2
     * is what tells WB (0b11RW, transient 0b01RW) from WT (0b10RW,
     * transient 0b00RW); bit 3 clear is the transient form of either. */
    return (uint8_t)(s1 & ~0x4u);
}

mmu_memattr combine_s1_s2_attr(mmu_memattr s1, mmu_memattr s2)
{
    uint8_t attr;
    if (memattr_is_device(s1.attr) || memattr_is_device(s2.attr)) {
        /* The more restrictive Device type (lower nGnRnE..GRE value). */
        uint8_t t1 = memattr_is_device(s1.attr) ? s1.attr : 0x0c;
        uint8_t t2 = memattr_is_device(s2.attr) ? s2.attr : 0x0c;
        attr = t1 < t2 ? t1 : t2;
    } else {
        attr = (uint8_t)(combine_nibble(s1.attr >> 4, s2.attr >> 4) << 4 |
                         combine_nibble(s1.attr & 0xf, s2.attr & 0xf));
    }
    /* Shareability: the more shareable wins (OSH > ISH > NSH). */
    uint8_t sh;
    if (s1.sh == SH_OSH || s2.sh == SH_OSH)
        sh = SH_OSH;
    else if (s1.sh == SH_ISH || s2.sh == SH_ISH)
        sh = SH_ISH;
    else
        sh = SH_NSH;
    return (mmu_memattr){attr, effective_sh(attr, sh)};
}

/* Stage 1's attributes for an access of `kind` (DDI0487 D7.5 "Cacheability
 * control fields"; ASL AArch64.S1Translate): with stage 1 on, a fetch from
 * Device memory or any fetch with SCTLR_ELx.I = 0 is Normal Non-cacheable,
 * and so is a data access to Normal memory with SCTLR_ELx.C = 0 (what AT
 * reports in PAR too). With stage 1 off the MMU-off rules already apply. */
static mmu_memattr s1_cache_controls(const mmu_s1_regime *r, const mmu_result *res, mmu_access_kind kind)
{
    mmu_memattr a = res->s1_desc_attr;
    if (res->s1perm.off)
        return a;
    bool nc = kind == MMU_ACC_FETCH ? memattr_is_device(a.attr) || !r->icache_on
                                    : !memattr_is_device(a.attr) && !r->dcache_on;
    return nc ? (mmu_memattr){ATTR_NORMAL_NC, SH_OSH} : a;
}

/* Stage 2's attributes for an access of `kind` (DDI0487 D7.5; ASL
 * AArch64.S2Translate): a fetch from Device memory, or any fetch with
 * HCR_EL2.ID = 1, is Normal Non-cacheable, and so is a data access to
 * Normal memory with HCR_EL2.CD = 1. */
static mmu_memattr s2_cache_controls(const mmu_cpu *cpu, mmu_memattr a, mmu_access_kind kind)
{
    uint64_t hcr = cpu->reg[MMU_HCR_EL2];
    bool nc = kind == MMU_ACC_FETCH ? memattr_is_device(a.attr) || (hcr & HCR_ID)
                                    : !memattr_is_device(a.attr) && (hcr & HCR_CD);
    return nc ? (mmu_memattr){ATTR_NORMAL_NC, SH_OSH} : a;
}

void finish_attrs(const mmu_cpu *cpu, mmu_regime regime, bool s2_on, mmu_access_kind kind, mmu_result *res)
{
    res->s1_attr = s1_cache_controls(&cpu->s1[regime], res, kind);
    res->attr = s2_on ? combine_s1_s2_attr(res->s1_attr, s2_cache_controls(cpu, res->s2_desc_attr, kind))
                      : res->s1_attr;
}
