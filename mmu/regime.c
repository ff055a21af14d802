/* Register model: writes to translation control registers are decoded here,
 * once, into per-regime parameters (mmu_s1_regime, mmu_s2_regime).
 * Sources: ASL AArch64.S1TTWParamsEL10/EL20/EL2, AArch64.GetS1TTWParams,
 * AArch64.S2TTWParams (NSS2TTWParams), S1MinTxSZ, MaxTxSZ, S2InvalidSL,
 * S2InconsistentSL; reference notes sections 2.1-2.8. */
#include <string.h>

#include "geometry.h"
#include "internal.h"
#include "sysreg.h"

/* TCR.TG0 / VTCR.TG0 encoding: 00 4K, 01 64K, 10 16K. */
static int tg0_granule(unsigned tg, mmu_granule *g)
{
    static const mmu_granule map[4] = {MMU_GRANULE_4K, MMU_GRANULE_64K, MMU_GRANULE_16K, 0};
    *g = map[tg & 3];
    return (tg & 3) != 3;
}

/* TCR.TG1 encoding differs: 01 16K, 10 4K, 11 64K. */
static int tg1_granule(unsigned tg, mmu_granule *g)
{
    static const mmu_granule map[4] = {0, MMU_GRANULE_16K, MMU_GRANULE_4K, MMU_GRANULE_64K};
    *g = map[tg & 3];
    return (tg & 3) != 0;
}

/* A reserved or unimplemented granule encoding selects an IMPLEMENTATION
 * DEFINED implemented granule (DDI0487 D8.2, ASL AArch64.S1DecodeTG0). Our
 * choice, documented in docs/engine.md: the smallest implemented one. */
static mmu_granule choose_granule(bool encodable, mmu_granule wanted, const bool supported[3])
{
    if (encodable && supported[mmu_granule_index(wanted)])
        return wanted;
    static const mmu_granule order[3] = {MMU_GRANULE_4K, MMU_GRANULE_16K, MMU_GRANULE_64K};
    for (int i = 0; i < 3; i++)
        if (supported[i])
            return order[i];
    return MMU_GRANULE_4K;
}

/* Output size for a given (I)PS encoding: never above PAMax, and 52 bits
 * only when the descriptors can hold them (DS=1, or 64K with FEAT_LPA);
 * ASL AArch64.PhysicalAddressSize / AArch64.S1TTWParams "ps". */
static uint8_t output_bits(const mmu_features *f, unsigned ps, mmu_granule g, bool ds)
{
    unsigned bits = pa_range_bits(ps > 6 ? 6 : ps);
    if (bits > f->pa_bits)
        bits = f->pa_bits;
    if (bits == 52 && !ds && !(g == MMU_GRANULE_64K && f->lpa))
        bits = 48;
    return (uint8_t)bits;
}

/* MaxTxSZ: 39, or 48 (4K/16K) / 47 (64K) with FEAT_TTST. */
static unsigned max_txsz(const mmu_features *f, mmu_granule g)
{
    if (!f->ttst)
        return 39;
    return g == MMU_GRANULE_64K ? 47 : 48;
}

typedef struct s1_range_regs {
    unsigned tg;
    bool tg_encodable;
    mmu_granule g;
    unsigned txsz, sh, irgn, orgn;
    bool epd, e0pd, hpd, tbi;
    uint64_t ttbr;
} s1_range_regs;

static void decode_s1_range(const mmu_features *f, const s1_range_regs *in, bool tcr_ds, unsigned ps,
                            mmu_s1_range *out)
{
    memset(out, 0, sizeof *out);
    mmu_granule g = choose_granule(in->tg_encodable, in->g, f->s1_granule);
    int gi = mmu_granule_index(g);
    out->granule = g;
    out->txsz = (uint8_t)in->txsz;
    out->ia_bits = (uint8_t)(64 - in->txsz);
    /* DS is RES0 unless LPA2 is implemented for this granule (ASL
     * AArch64.S1TTWParams: ds only with Have52BitIPAAndPASpaceExt). */
    out->ds = tcr_ds && f->s1_lpa2[gi];
    out->lpa_desc = g == MMU_GRANULE_64K && f->lpa;
    out->oa_bits = output_bits(f, ps, g, out->ds);

    /* ASL AArch64.S1MinTxSZ: 12 with 64K and FEAT_LVA, or with DS; else 16.
     * Out-of-range TxSZ faults at level 0 (the IMPLEMENTATION DEFINED
     * alternative of clamping is not modelled; QEMU also faults). */
    unsigned min = ((g == MMU_GRANULE_64K && f->lva) || out->ds) ? 12 : 16;
    out->txsz_fault = in->txsz < min || in->txsz > max_txsz(f, g);
    unsigned ia = out->ia_bits;
    /* Keep the geometry defined for out-of-range TxSZ; such walks fault. */
    if (ia < (unsigned)g + 1)
        ia = (unsigned)g + 1;
    if (ia > 52)
        ia = 52;
    out->start_level = start_level_for(g, ia);
    out->start_shift = (uint8_t)level_shift(g, out->start_level);

    out->epd = in->epd;
    out->e0pd = in->e0pd && f->e0pd;
    out->hpd = in->hpd && f->hpds;
    out->tbi = in->tbi;
    /* ASL AArch64.VAIsOutOfRange with AddrTop: bits [top:IAsize]. */
    unsigned top = out->tbi ? 55 : 63;
    out->va_range_bits = out->ia_bits > top ? 0 : GENMASK64(top, out->ia_bits);
    out->sh = (uint8_t)in->sh;
    out->irgn = (uint8_t)in->irgn;
    out->orgn = (uint8_t)in->orgn;

    /* The 52-bit BADDR form (base[51:48] in TTBR[5:2]) is selected by DS=1,
     * or by 64K with FEAT_LPA and (I)PS = 0b110, whatever the effective
     * output size (ASL AArch64.S1TTBaseAddress). */
    bool baddr52 = out->ds || (g == MMU_GRANULE_64K && f->lpa && ps == 6);
    uint64_t bytes = start_table_entries(g, out->start_level, ia) * 8;
    out->table = ttbr_table_address(in->ttbr, baddr52, bytes);
    out->table_oob = out->oa_bits < 64 && (out->table >> out->oa_bits) != 0;
}

static uint16_t asid_of(const mmu_features *f, uint64_t tcr, uint64_t ttbr0, uint64_t ttbr1)
{
    uint64_t ttbr = (tcr & TCR_A1) ? ttbr1 : ttbr0;
    uint16_t asid = (uint16_t)FIELD_GET(TTBR_ASID, ttbr);
    /* TCR.AS selects 16-bit ASIDs where implemented; else the top 8 bits
     * are ignored. */
    if (!(f->asid16 && (tcr & TCR_AS)))
        asid &= 0xff;
    return asid;
}

/* EL1&0 and EL2&0: the TCR_EL1 layout with two VA ranges. */
static void decode_two_range(const mmu_features *f, uint64_t tcr, uint64_t ttbr0, uint64_t ttbr1, mmu_s1_regime *r)
{
    s1_range_regs in[2];
    in[0] = (s1_range_regs){
        .tg = (unsigned)FIELD_GET(TCR_TG0, tcr),
        .txsz = (unsigned)FIELD_GET(TCR_T0SZ, tcr),
        .sh = (unsigned)FIELD_GET(TCR_SH0, tcr),
        .irgn = (unsigned)FIELD_GET(TCR_IRGN0, tcr),
        .orgn = (unsigned)FIELD_GET(TCR_ORGN0, tcr),
        .epd = tcr & TCR_EPD0,
        .e0pd = tcr & TCR_E0PD0,
        .hpd = tcr & TCR_HPD0,
        .tbi = tcr & TCR_TBI0,
        .ttbr = ttbr0,
    };
    in[0].tg_encodable = tg0_granule(in[0].tg, &in[0].g);
    in[1] = (s1_range_regs){
        .tg = (unsigned)FIELD_GET(TCR_TG1, tcr),
        .txsz = (unsigned)FIELD_GET(TCR_T1SZ, tcr),
        .sh = (unsigned)FIELD_GET(TCR_SH1, tcr),
        .irgn = (unsigned)FIELD_GET(TCR_IRGN1, tcr),
        .orgn = (unsigned)FIELD_GET(TCR_ORGN1, tcr),
        .epd = tcr & TCR_EPD1,
        .e0pd = tcr & TCR_E0PD1,
        .hpd = tcr & TCR_HPD1,
        .tbi = tcr & TCR_TBI1,
        .ttbr = ttbr1,
    };
    in[1].tg_encodable = tg1_granule(in[1].tg, &in[1].g);
    unsigned ips = (unsigned)FIELD_GET(TCR_IPS, tcr);
    uint16_t asid = asid_of(f, tcr, ttbr0, ttbr1);
    for (int i = 0; i < 2; i++) {
        decode_s1_range(f, &in[i], tcr & TCR_DS, ips, &r->range[i]);
        r->range[i].asid = asid;
    }
    r->two_ranges = true;
    r->ha = (tcr & TCR_HA) && f->hafdbs_af;
    r->hd = r->ha && (tcr & TCR_HD) && f->hafdbs_dirty;
}

/* EL2 with E2H=0: TCR_EL2's own layout, one range, no ASID. */
static void decode_el2(const mmu_features *f, uint64_t tcr, uint64_t ttbr0, mmu_s1_regime *r)
{
    s1_range_regs in = {
        .tg = (unsigned)FIELD_GET(TCR2_TG0, tcr),
        .txsz = (unsigned)FIELD_GET(TCR2_T0SZ, tcr),
        .sh = (unsigned)FIELD_GET(TCR2_SH0, tcr),
        .irgn = (unsigned)FIELD_GET(TCR2_IRGN0, tcr),
        .orgn = (unsigned)FIELD_GET(TCR2_ORGN0, tcr),
        .hpd = tcr & TCR2_HPD,
        .tbi = tcr & TCR2_TBI,
        .ttbr = ttbr0,
    };
    in.tg_encodable = tg0_granule(in.tg, &in.g);
    decode_s1_range(f, &in, tcr & TCR2_DS, (unsigned)FIELD_GET(TCR2_PS, tcr), &r->range[0]);
    r->range[1] = r->range[0];
    r->two_ranges = false;
    r->ha = (tcr & TCR2_HA) && f->hafdbs_af;
    r->hd = r->ha && (tcr & TCR2_HD) && f->hafdbs_dirty;
}

/* HCR_EL2.{E2H, TGE} = {1, 1}: the host configuration, in which VM and DC
 * have an Effective value of 0. */
static bool hcr_host(uint64_t hcr) { return (hcr & HCR_E2H) && (hcr & HCR_TGE); }

/* Stage-2 start level from SL2:SL0 (ASL AArch64.S2StartLevel) and whether
 * the encoding is legal (ASL AArch64.S2InvalidSL). SL2 counts only with
 * DS=1 and 4K (NSS2TTWParams: sl2 = VTCR.SL2 AND VTCR.DS). */
static bool s2_start_level(const mmu_features *f, mmu_granule g, unsigned sl0, bool sl2, bool ds, int8_t *level)
{
    switch (g) {
    case MMU_GRANULE_4K:
        if (sl2) {
            *level = -1;
            return sl0 == 0;
        }
        static const int8_t l4[4] = {2, 1, 0, 3};
        *level = l4[sl0];
        if (sl0 == 2)
            return f->pa_bits >= 44;
        if (sl0 == 3)
            return f->ttst;
        return true;
    case MMU_GRANULE_16K:
        *level = (int8_t)(3 - (int)sl0);
        if (sl0 == 3)
            return ds;
        if (sl0 == 2)
            return f->pa_bits >= 42;
        return true;
    case MMU_GRANULE_64K:
        *level = (int8_t)(3 - (int)sl0);
        if (sl0 == 3)
            return false;
        if (sl0 == 2)
            return f->pa_bits >= 44;
        return true;
    }
    return false;
}

static void decode_stage2(mmu_cpu *cpu)
{
    const mmu_features *f = &cpu->feat;
    uint64_t vtcr = cpu->reg[MMU_VTCR_EL2];
    uint64_t vttbr = cpu->reg[MMU_VTTBR_EL2];
    uint64_t hcr = cpu->reg[MMU_HCR_EL2];
    mmu_s2_regime *s2 = &cpu->s2;
    memset(s2, 0, sizeof *s2);

    /* Stage 2 is on with HCR_EL2.VM or DC (ASL AArch64.NSS2TTWParams).
     * Both have an Effective value of 0 when {E2H, TGE} = {1, 1} (DDI0487
     * D24.2 HCR_EL2.VM, HCR_EL2.DC), but not with TGE alone. */
    s2->enabled = (hcr & (HCR_VM | HCR_DC)) && !hcr_host(hcr);

    mmu_granule g;
    bool encodable = tg0_granule((unsigned)FIELD_GET(VTCR_TG0, vtcr), &g);
    g = choose_granule(encodable, g, f->s2_granule);
    int gi = mmu_granule_index(g);
    s2->granule = g;
    s2->ds = (vtcr & VTCR_DS) && f->s2_lpa2[gi];
    s2->lpa_desc = g == MMU_GRANULE_64K && f->lpa;
    s2->oa_bits = output_bits(f, (unsigned)FIELD_GET(VTCR_PS, vtcr), g, s2->ds);
    s2->t0sz = (uint8_t)FIELD_GET(VTCR_T0SZ, vtcr);
    s2->ia_bits = (uint8_t)(64 - s2->t0sz);
    s2->sh = (uint8_t)FIELD_GET(VTCR_SH0, vtcr);
    s2->irgn = (uint8_t)FIELD_GET(VTCR_IRGN0, vtcr);
    s2->orgn = (uint8_t)FIELD_GET(VTCR_ORGN0, vtcr);
    s2->ha = (vtcr & VTCR_HA) && f->hafdbs_af;
    s2->hd = s2->ha && (vtcr & VTCR_HD) && f->hafdbs_dirty;
    s2->vmid = (uint16_t)FIELD_GET(TTBR_ASID, vttbr);
    if (!(f->vmid16 && (vtcr & VTCR_VS)))
        s2->vmid &= 0xff;

    bool sl2 = (vtcr & VTCR_SL2) && s2->ds && g == MMU_GRANULE_4K;
    bool sl_ok = s2_start_level(f, g, (unsigned)FIELD_GET(VTCR_SL0, vtcr), sl2, s2->ds, &s2->start_level);
    s2->start_shift = (uint8_t)level_shift(g, s2->start_level);

    /* ASL AArch64.S2MinTxSZ: 64 - 52 when the descriptors can hold 52 bits
     * (DS, or 64K with FEAT_LPA), else 64 - min(PAMax, 48). */
    unsigned pa_cap = (s2->ds || s2->lpa_desc) ? 52 : 48;
    unsigned min = 64 - (f->pa_bits < pa_cap ? f->pa_bits : pa_cap);
    bool txsz_bad = s2->t0sz < min || s2->t0sz > max_txsz(f, g);

    unsigned stride = granule_stride(g);
    bool inconsistent = !s2_start_level_consistent(g, s2->start_level, s2->ia_bits);
    s2->config_fault = !sl_ok || txsz_bad || inconsistent;
    unsigned ia = s2->config_fault ? level_shift(g, s2->start_level) + stride : s2->ia_bits;
    unsigned extra = ia > level_shift(g, s2->start_level) + stride ? ia - level_shift(g, s2->start_level) - stride : 0;
    s2->concat = (uint8_t)(1u << extra);
    uint64_t bytes = start_table_entries(g, s2->start_level, ia) * 8;
    /* 52-bit VTTBR BADDR form: DS=1, or 64K with FEAT_LPA and PS = 0b110
     * (ASL AArch64.S2TTBaseAddress). */
    bool baddr52 = s2->ds || (g == MMU_GRANULE_64K && f->lpa && FIELD_GET(VTCR_PS, vtcr) == 6);
    s2->table = ttbr_table_address(vttbr, baddr52, bytes);
    s2->table_oob = (s2->table >> s2->oa_bits) != 0;
}

void decode_regimes(mmu_cpu *cpu)
{
    const mmu_features *f = &cpu->feat;
    uint64_t hcr = cpu->reg[MMU_HCR_EL2];
    uint64_t sctlr1 = cpu->reg[MMU_SCTLR_EL1], sctlr2 = cpu->reg[MMU_SCTLR_EL2];

    mmu_s1_regime *el10 = &cpu->s1[MMU_REGIME_EL10];
    memset(el10, 0, sizeof *el10);
    decode_two_range(f, cpu->reg[MMU_TCR_EL1], cpu->reg[MMU_TTBR0_EL1], cpu->reg[MMU_TTBR1_EL1], el10);
    /* HCR_EL2.DC and TGE make EL1&0 stage 1 behave as disabled (ASL
     * AArch64.S1Enabled); DC is effectively 0 only with {E2H, TGE} = {1, 1}
     * (DDI0487 D24.2 HCR_EL2.DC). */
    el10->dc = (hcr & HCR_DC) && !hcr_host(hcr);
    el10->enabled = (sctlr1 & SCTLR_M) && !el10->dc && !(hcr & HCR_TGE);
    el10->wxn = sctlr1 & SCTLR_WXN;
    el10->icache_on = sctlr1 & SCTLR_I;
    el10->dcache_on = sctlr1 & SCTLR_C;
    el10->mair = cpu->reg[MMU_MAIR_EL1];

    mmu_s1_regime *el20 = &cpu->s1[MMU_REGIME_EL20];
    memset(el20, 0, sizeof *el20);
    decode_two_range(f, cpu->reg[MMU_TCR_EL2], cpu->reg[MMU_TTBR0_EL2], cpu->reg[MMU_TTBR1_EL2], el20);

    mmu_s1_regime *el2 = &cpu->s1[MMU_REGIME_EL2];
    memset(el2, 0, sizeof *el2);
    decode_el2(f, cpu->reg[MMU_TCR_EL2], cpu->reg[MMU_TTBR0_EL2], el2);

    for (mmu_s1_regime *r = el20; r <= el2; r++) {
        r->enabled = sctlr2 & SCTLR_M;
        r->wxn = sctlr2 & SCTLR_WXN;
        r->icache_on = sctlr2 & SCTLR_I;
        r->dcache_on = sctlr2 & SCTLR_C;
        r->mair = cpu->reg[MMU_MAIR_EL2];
    }
    decode_stage2(cpu);
}

void mmu_cpu_init(mmu_cpu *cpu, const mmu_port *port)
{
    memset(cpu, 0, sizeof *cpu);
    cpu->port = *port;
    decode_features(cpu);
    decode_regimes(cpu);
}

void mmu_cpu_set_reg(mmu_cpu *cpu, mmu_reg reg, uint64_t value)
{
    if ((unsigned)reg >= MMU_REG_COUNT)
        return;
    cpu->reg[reg] = value;
    if (reg <= MMU_ID_AA64ISAR0_EL1)
        decode_features(cpu);
    decode_regimes(cpu);
}

uint64_t mmu_cpu_get_reg(const mmu_cpu *cpu, mmu_reg reg)
{
    return (unsigned)reg < MMU_REG_COUNT ? cpu->reg[reg] : 0;
}

mmu_regime mmu_regime_for_el(const mmu_cpu *cpu, uint8_t el) { return regime_for_el(cpu, el); }

bool mmu_stage2_active(const mmu_cpu *cpu, mmu_regime regime) { return stage2_active(cpu, regime); }
