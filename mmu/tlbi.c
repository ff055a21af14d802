/* TLBI operand decoding and the predicate each operation applies to TLB
 * entries. Arm DDI0487 D8.13 "TLB maintenance", C5.5 (instruction
 * descriptions); ASL AArch64_TLBI_*, TLBIRange, TLBIMatch. */
#include <stdio.h>
#include <string.h>

#include "sysreg.h"
#include "tlbi.h"

unsigned mmu_tlbi_tg_encode(mmu_granule g)
{
    return g == MMU_GRANULE_4K ? 1 : g == MMU_GRANULE_16K ? 2 : 3;
}

bool mmu_tlbi_tg_decode(unsigned tg, mmu_granule *g)
{
    static const mmu_granule by_tg[4] = {MMU_GRANULE_4K, MMU_GRANULE_4K, MMU_GRANULE_16K,
                                         MMU_GRANULE_64K};
    if (tg == 0 || tg > 3)
        return false;
    *g = by_tg[tg];
    return true;
}

/* Is "leaf at `level` in granule g" a hint the TTL field can carry?
 * DDI0487 C5.5, TTL field of TLBI VAE1 (FEAT_TTL): 4K levels 1..3, and level
 * 0 when FEAT_LPA2 is implemented (before LPA2, 4K:0b00 meant "no hint");
 * 16K levels 2..3, and level 1 with FEAT_LPA2; 64K levels 1..3. Reserved
 * combinations carry no information. */
static bool ttl_hint_valid(mmu_granule g, int level, bool lpa2)
{
    switch (g) {
    case MMU_GRANULE_4K:
        return (level >= 1 && level <= 3) || (level == 0 && lpa2);
    case MMU_GRANULE_16K:
        return (level >= 2 && level <= 3) || (level == 1 && lpa2);
    case MMU_GRANULE_64K:
        return level >= 1 && level <= 3;
    }
    return false;
}

uint16_t mmu_current_vmid(const mmu_cpu *cpu)
{
    bool vmid16 = cpu->feat.vmid16 && (cpu->reg[MMU_VTCR_EL2] & VTCR_VS);
    return (uint16_t)(FIELD_GET(TTBR_ASID, cpu->reg[MMU_VTTBR_EL2]) & (vmid16 ? 0xFFFF : 0xFF));
}

void mmu_tlbi_context(const mmu_cpu *cpu, mmu_tlbi_ctx *ctx)
{
    uint64_t hcr = cpu->reg[MMU_HCR_EL2];

    memset(ctx, 0, sizeof *ctx);
    ctx->e2h = hcr & HCR_E2H;
    ctx->tge = hcr & HCR_TGE;
    ctx->vmid = mmu_current_vmid(cpu);
    ctx->asid16_el1 = cpu->feat.asid16 && (cpu->reg[MMU_TCR_EL1] & TCR_AS);
    ctx->asid16_el2 = cpu->feat.asid16 && (cpu->reg[MMU_TCR_EL2] & TCR_AS);
    /* The DS bits as programmed: they count only when FEAT_LPA2 is
     * implemented (DS is RES0 otherwise). */
    bool lpa2_s1 = cpu->feat.s1_lpa2[0] || cpu->feat.s1_lpa2[1];
    bool lpa2_s2 = cpu->feat.s2_lpa2[0] || cpu->feat.s2_lpa2[1];
    ctx->ds[MMU_REGIME_EL10] = lpa2_s1 && (cpu->reg[MMU_TCR_EL1] & TCR_DS);
    ctx->ds[MMU_REGIME_EL20] = lpa2_s1 && (cpu->reg[MMU_TCR_EL2] & TCR_DS);
    ctx->ds[MMU_REGIME_EL2] = lpa2_s1 && (cpu->reg[MMU_TCR_EL2] & TCR2_DS);
    ctx->s2_ds = lpa2_s2 && (cpu->reg[MMU_VTCR_EL2] & VTCR_DS);
    ctx->lpa2 = lpa2_s1;
}

/* Which regime an operation acts on, and whether its entries carry ASIDs.
 * EL1 operations act on EL1&0 for the current VMID, except with
 * HCR_EL2.{E2H,TGE} = {1,1}, where they act on EL2&0 (DDI0487 C5.5, e.g.
 * TLBI VAE1: "When EL2 is implemented and enabled ... if HCR_EL2.{E2H, TGE}
 * is {1, 1}, the entries are from the EL2&0 translation regime"). EL2 VA
 * operations act on EL2&0 when E2H = 1, else on EL2 (no ASIDs). */
static void decode_scope(const mmu_tlbi_op *op, const mmu_tlbi_ctx *ctx, mmu_tlbi *t)
{
    if (op->el == 1) {
        bool host = ctx->e2h && ctx->tge;
        t->regime = host ? MMU_REGIME_EL20 : MMU_REGIME_EL10;
        t->vmid = host ? 0 : ctx->vmid;
        t->asid16 = host ? ctx->asid16_el2 : ctx->asid16_el1;
    } else if (op->kind == MMU_TLBI_VA) {
        t->regime = ctx->e2h ? MMU_REGIME_EL20 : MMU_REGIME_EL2;
        t->asid16 = ctx->asid16_el2;
    } else if (op->kind == MMU_TLBI_ALLE2) {
        t->regime = MMU_REGIME_EL2; /* and EL2&0: see mmu_tlbi_matches */
    } else {
        t->regime = MMU_REGIME_EL10; /* ALLE1, VMALLS12E1, IPAS2 */
        t->vmid = ctx->vmid;
    }

    switch (op->kind) {
    case MMU_TLBI_VMALL:
        t->stage1 = true;
        t->all_addresses = true;
        break;
    case MMU_TLBI_VMALLS12:
        t->stage1 = t->stage2 = true;
        t->all_addresses = true;
        break;
    case MMU_TLBI_ALLE1:
    case MMU_TLBI_ALLE2:
        t->stage1 = t->stage2 = true;
        t->any_vmid = true;
        t->all_addresses = true;
        break;
    case MMU_TLBI_ASID:
        t->stage1 = true;
        t->use_asid = true;
        t->all_addresses = true;
        break;
    case MMU_TLBI_VA:
        t->stage1 = true;
        t->use_asid = t->regime != MMU_REGIME_EL2;
        break;
    case MMU_TLBI_VAA:
        t->stage1 = true;
        break;
    case MMU_TLBI_IPAS2:
        t->stage2 = true;
        break;
    }
    if (t->use_asid)
        t->asid = (uint16_t)FIELD_GET(TLBI_ASID, t->xt);
}

/* Which DS gives the unit of a range operation's BaseADDR.
 * DDI0487 C5.5, BaseADDR field of TLBI RVAE1 / RVAE2: "When FEAT_LPA2 is
 * implemented and TCR_ELx.DS == 1", where TCR_ELx is the control register of
 * the regime the operation acts on: TCR_EL1.DS for EL1&0, TCR_EL2.DS (bit
 * 59 in the E2H=1 layout) for EL2&0, TCR_EL2.DS (bit 32) for EL2.
 * RIPAS2E1/RIPAS2LE1 take an IPA, an input of stage 2, so we use
 * VTCR_EL2.DS: the stage-2 translation whose entries they remove is the one
 * whose descriptor format VTCR_EL2.DS selects (this is how QEMU decodes it).
 * The 2023-03 ASL instead passes Regime_EL10 to HasLargeAddress and so
 * reads TCR_EL1.DS; the two only differ when TCR_EL1.DS != VTCR_EL2.DS,
 * which Linux never programs (it sets both from one lpa2 flag). Not checked
 * against the DDI0487 PDF in this session: see docs/tlb.md. */
static void range_ds(const mmu_tlbi_op *op, const mmu_tlbi_ctx *ctx, mmu_tlbi *t)
{
    if (op->kind == MMU_TLBI_IPAS2) {
        t->ds = ctx->s2_ds;
        t->ds_source = "VTCR_EL2.DS";
        return;
    }
    t->ds = ctx->ds[t->regime];
    t->ds_source = t->regime == MMU_REGIME_EL10   ? "TCR_EL1.DS"
                   : t->regime == MMU_REGIME_EL20 ? "TCR_EL2.DS (bit 59, E2H=1)"
                                                  : "TCR_EL2.DS (bit 32, E2H=0)";
}

/* last = start + len - 1, saturating at the top of the 64-bit space. */
static uint64_t range_last(uint64_t start, uint64_t len)
{
    return len - 1 > UINT64_MAX - start ? UINT64_MAX : start + (len - 1);
}

/* Range operand, ASL TLBIRange: BaseADDR is VA[48:12] (4K, DS=0),
 * VA[50:14] (16K, DS=0) or VA[52:16] (64K, or DS=1), sign-extended for VAs;
 * length (NUM+1) * 2^(5*SCALE+1) pages of the TG granule. TG=0 is reserved
 * and removes nothing. */
static void decode_range(const mmu_tlbi_op *op, const mmu_tlbi_ctx *ctx, mmu_tlbi *t)
{
    uint64_t xt = t->xt;
    t->tg_raw = (unsigned)FIELD_GET(TLBI_R_TG, xt);
    t->scale = (unsigned)FIELD_GET(TLBI_R_SCALE, xt);
    t->num = (unsigned)FIELD_GET(TLBI_R_NUM, xt);
    t->ttl_raw = (unsigned)FIELD_GET(TLBI_R_TTL, xt);
    t->baddr = FIELD_GET(TLBI_R_BADDR, xt);
    range_ds(op, ctx, t);
    if (!mmu_tlbi_tg_decode(t->tg_raw, &t->tg)) {
        t->nothing = true;
        return;
    }
    unsigned unit = (t->ds || t->tg == MMU_GRANULE_64K) ? 16 : (unsigned)t->tg;
    uint64_t base = t->baddr << unit;
    if (op->kind != MMU_TLBI_IPAS2)
        base = sext64(base, 36 + unit);
    uint64_t pages = (uint64_t)(t->num + 1) << (5 * t->scale + 1);
    t->start = base;
    t->last = range_last(base, pages << t->tg);
    /* TTL 0b00: any level; else the leaf level, except that 0b01 with the
     * 16K granule is reserved (treated as 0b00) without FEAT_LPA2 (DDI0487
     * Table D8-124): ttl_hint_valid() holds that rule for levels 1..3. */
    if (t->ttl_raw && ttl_hint_valid(t->tg, (int)t->ttl_raw, ctx->lpa2)) {
        t->ttl_valid = true;
        t->ttl_granule = t->tg;
        t->ttl_level = (int8_t)t->ttl_raw;
    }
}

int mmu_tlbi_decode(const mmu_tlbi_op *op, bool nxs, uint64_t xt, const mmu_tlbi_ctx *ctx,
                    mmu_tlbi *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!op) {
        snprintf(err, errlen, "no TLBI operation given");
        return -1;
    }
    out->op = op;
    out->nxs = nxs;
    out->xt = xt;
    out->last_level = op->last;
    decode_scope(op, ctx, out);
    if (out->all_addresses)
        return 0;
    if (op->range) {
        decode_range(op, ctx, out);
        return 0;
    }
    /* VA operand: VA[55:12] in Xt[43:0], sign-extended from bit 55; IPAS2:
     * IPA[51:12] in Xt[39:0]. Entries containing the address match. */
    if (op->kind == MMU_TLBI_IPAS2)
        out->start = FIELD_GET(TLBI_IPA, xt) << 12;
    else
        out->start = sext64(FIELD_GET(TLBI_VA, xt) << 12, 55);
    out->last = out->start;
    mmu_granule g;
    unsigned ttl_tg = (unsigned)FIELD_GET(TLBI_TTL_TG, xt);
    int level = (int)FIELD_GET(TLBI_TTL_LEVEL, xt);
    if (mmu_tlbi_tg_decode(ttl_tg, &g) && ttl_hint_valid(g, level, ctx->lpa2)) {
        out->ttl_valid = true;
        out->ttl_granule = g;
        out->ttl_level = (int8_t)level;
    }
    return 0;
}

static bool is_table(mmu_tlbe_kind k)
{
    return k == MMU_TLBE_S1_TABLE || k == MMU_TLBE_S2_TABLE;
}

/* ASL TLBIMatch, with two documented modelling choices:
 * - IPAS2* remove stage-2 entries only, never combined stage 1+2 entries:
 *   DDI0487 D8.13 lets an implementation keep them, which is why software
 *   follows IPAS2E1 with VMALLE1 (Linux __kvm_tlb_flush_vmid_ipa). Keeping
 *   them makes a missing VMALLE1 visible.
 * - Walk-cache (table) entries are looked up with the ASID of the walk
 *   that filled them but are removed by every stage-1 VA or ASID operation
 *   of their regime and VMID, whatever ASID it names: whether table entries
 *   are ASID-tagged is left open here, and over-invalidation is always
 *   allowed, so this never hides a missing TLBI. */
bool mmu_tlbi_matches(const mmu_tlbi *t, const mmu_tlb_tags *e)
{
    if (t->nothing)
        return false;
    if (t->op->kind == MMU_TLBI_ALLE2)
        return e->regime == MMU_REGIME_EL2 || e->regime == MMU_REGIME_EL20;
    if (e->regime != t->regime)
        return false;

    bool s2 = e->kind == MMU_TLBE_S2 || e->kind == MMU_TLBE_S2_TABLE || e->kind == MMU_TLBE_S2_ONLY;
    if (s2 ? !t->stage2 : !t->stage1)
        return false;
    if (e->regime == MMU_REGIME_EL10 && !t->any_vmid && e->vmid != t->vmid)
        return false;
    if (t->last_level && is_table(e->kind))
        return false;
    if (t->use_asid && !is_table(e->kind)) {
        uint16_t mask = t->asid16 ? 0xFFFF : 0xFF;
        bool asid_match = ((e->asid ^ t->asid) & mask) == 0;
        if (t->op->kind == MMU_TLBI_ASID ? (e->global || !asid_match)
                                         : (!e->global && !asid_match))
            return false;
    }
    if (t->all_addresses)
        return true;

    uint64_t e_last = e->ia + ((UINT64_C(1) << e->size_shift) - 1);
    if (e_last < t->start || e->ia > t->last)
        return false;
    if (t->op->range && e->granule != t->tg)
        return false;
    /* A level hint names the level of the leaf: leaves elsewhere need not be
     * removed (DDI0487 D8.13.6); table entries above it still must be. */
    if (t->ttl_valid && !is_table(e->kind) &&
        (e->granule != t->ttl_granule || e->level != t->ttl_level))
        return false;
    return true;
}

static const char *stage_words(const mmu_tlbi *t)
{
    if (t->stage1 && t->stage2)
        return "stage-1, stage-2 and combined entries";
    return t->stage1 ? "stage-1 and combined stage 1+2 entries"
                     : "stage-2-only entries (not combined stage 1+2 entries)";
}

void mmu_tlbi_describe(const mmu_tlbi *t, char *buf, size_t len)
{
    size_t n = 0;
#define PUT(...)                                                              \
    do {                                                                      \
        int w_ = snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__);       \
        if (w_ > 0)                                                           \
            n += (size_t)w_;                                                  \
    } while (0)

    PUT("TLBI %s%s: ", t->op->name, t->nxs ? "nXS" : "");
    if (t->nothing) {
        PUT("TG=0 is reserved: invalidates nothing");
        return;
    }
    if (t->op->kind == MMU_TLBI_ALLE2) {
        PUT("all entries of the EL2 and EL2&0 regimes");
        return;
    }
    PUT("%s of the %s regime", stage_words(t), mmu_regime_name(t->regime));
    if (t->regime == MMU_REGIME_EL10) {
        if (t->any_vmid)
            PUT(", every VMID");
        else
            PUT(", VMID %u", t->vmid);
    }
    if (t->op->kind == MMU_TLBI_ASID)
        PUT(", non-global entries of ASID %u", t->asid);
    else if (t->use_asid)
        PUT(", ASID %u and global entries", t->asid);
    else if (t->op->kind == MMU_TLBI_VAA)
        PUT(", any ASID");
    PUT(t->last_level ? ", last level only (walk caches kept)" : ", all levels");
    if (t->all_addresses)
        PUT(", all addresses");
    else if (t->op->range)
        PUT(", %s [0x%llx, 0x%llx%s) = (NUM %u + 1) * 2^(5*SCALE %u + 1) pages of %s; "
            "BaseADDR 0x%llx in %s units (%s=%d)",
            t->op->kind == MMU_TLBI_IPAS2 ? "IPA" : "VA", (unsigned long long)t->start,
            (unsigned long long)(t->last + 1), t->last == UINT64_MAX ? " + 2^64" : "",
            t->num, t->scale, mmu_granule_name(t->tg), (unsigned long long)t->baddr,
            (t->ds || t->tg == MMU_GRANULE_64K) ? "64KB" : mmu_granule_name(t->tg),
            t->ds_source, t->ds);
    else
        PUT(", entries containing %s 0x%llx", t->op->kind == MMU_TLBI_IPAS2 ? "IPA" : "VA",
            (unsigned long long)t->start);
    if (t->ttl_valid)
        PUT("; hint: leaf entries at level %d of the %s granule only", t->ttl_level,
            mmu_granule_name(t->ttl_granule));
    else if (!t->all_addresses)
        PUT("; no level hint");
#undef PUT
}

/* ------------------------------------------------------------------------
 * Encoding
 * ------------------------------------------------------------------------ */

const mmu_tlbi_op *mmu_tlbi_single_op(const mmu_tlbi_op *range_op)
{
    bool nxs;
    if (!range_op || !range_op->range)
        return NULL;
    return mmu_tlbi_op_by_name(range_op->name + 1, &nxs); /* drop the leading R */
}

uint64_t mmu_tlbi_encode_va(uint64_t addr, uint16_t asid, mmu_granule g, int8_t level,
                            bool lpa2, bool ipa)
{
    uint64_t xt = ipa ? FIELD_PREP(TLBI_IPA, addr >> 12)
                      : FIELD_PREP(TLBI_VA, addr >> 12) | FIELD_PREP(TLBI_ASID, asid);
    if (level != MMU_NO_LEVEL && ttl_hint_valid(g, level, lpa2))
        xt |= FIELD_PREP(TLBI_TTL_TG, mmu_tlbi_tg_encode(g)) |
              FIELD_PREP(TLBI_TTL_LEVEL, (unsigned)level);
    return xt;
}

static int encode_range_op(const mmu_tlbi_range_req *req, uint64_t addr, unsigned scale,
                           unsigned num, uint64_t *xt, char *err, size_t errlen)
{
    unsigned unit = (req->ds || req->granule == MMU_GRANULE_64K) ? 16 : (unsigned)req->granule;
    uint64_t baddr = (addr >> unit) & TLBI_R_BADDR;
    uint64_t back = baddr << unit;
    if (!req->ipa)
        back = sext64(back, 36 + unit);
    if (back != addr) {
        snprintf(err, errlen, "address 0x%llx cannot be a range BaseADDR (%u-bit units)",
                 (unsigned long long)addr, unit);
        return -1;
    }
    *xt = FIELD_PREP(TLBI_R_BADDR, baddr) | FIELD_PREP(TLBI_R_TG, mmu_tlbi_tg_encode(req->granule)) |
          FIELD_PREP(TLBI_R_SCALE, scale) | FIELD_PREP(TLBI_R_NUM, num);
    if (!req->ipa)
        *xt |= FIELD_PREP(TLBI_ASID, req->asid);
    if (req->ttl_level >= 1 && req->ttl_level <= 3)
        *xt |= FIELD_PREP(TLBI_R_TTL, (unsigned)req->ttl_level);
    return 0;
}

int mmu_tlbi_encode_range(const mmu_tlbi_range_req *req, mmu_tlbi_insn *out, size_t max,
                          char *err, size_t errlen)
{
    const mmu_tlbi_op *single = mmu_tlbi_single_op(req->range_op);
    uint64_t page = UINT64_C(1) << req->granule;
    if (!single) {
        snprintf(err, errlen, "%s is not a range TLBI operation",
                 req->range_op ? req->range_op->name : "(none)");
        return -1;
    }
    if ((req->start | req->end) & (page - 1)) {
        snprintf(err, errlen, "range [0x%llx, 0x%llx) is not aligned to the %s granule",
                 (unsigned long long)req->start, (unsigned long long)req->end,
                 mmu_granule_name(req->granule));
        return -1;
    }
    if (req->end <= req->start) {
        snprintf(err, errlen, "empty range [0x%llx, 0x%llx)", (unsigned long long)req->start,
                 (unsigned long long)req->end);
        return -1;
    }

    uint64_t addr = req->start, pages = (req->end - req->start) >> req->granule;
    size_t n = 0;
    while (pages) {
        if (n == max) {
            snprintf(err, errlen, "more than %zu operations needed", max);
            return -1;
        }
        /* One page left, or (DS) a start BaseADDR cannot express: one
         * single-page operation. */
        if (pages == 1 || (req->ds && (addr & 0xFFFF))) {
            out[n].op = single;
            out[n].xt = mmu_tlbi_encode_va(addr, req->asid, req->granule, req->ttl_level,
                                           req->ds, req->ipa);
            n++;
            addr += page;
            pages--;
            continue;
        }
        /* The largest SCALE that fits. Its chunk is a multiple of 64 pages
         * for SCALE >= 1, so the next start stays 64KB aligned; a SCALE 0
         * chunk leaves at most one page. */
        for (int scale = 3; scale >= 0; scale--) {
            uint64_t unit = UINT64_C(1) << (5 * scale + 1);
            if (pages < unit)
                continue;
            uint64_t steps = pages / unit > 32 ? 32 : pages / unit;
            if (encode_range_op(req, addr, (unsigned)scale, (unsigned)(steps - 1), &out[n].xt,
                                err, errlen))
                return -1;
            out[n++].op = req->range_op;
            addr += (steps * unit) << req->granule;
            pages -= steps * unit;
            break;
        }
    }
    return (int)n;
}
