/* TLB maintenance: what the architecture guarantees after the right TLBI.
 * For each operation a mapping is used (so it may be cached), then replaced
 * with break-before-make: the descriptor is made invalid, DSB, the TLBI under
 * test, DSB, ISB -- after which the old translation must be gone, so an
 * access takes a Translation fault -- then the new descriptor is written,
 * DSB, ISB, and the access must see the new output address. Whether a stale
 * entry is used *before* the TLBI is not architecturally defined and is
 * never printed. (Arm DDI0487 D8.14 "Translation Lookaside Buffers", D8.15
 * "TLB maintenance"; C5.5 TLBI instructions; range operands: D8.15.x
 * "TLB range maintenance instructions", FEAT_TLBIRANGE.)
 *
 * Compile-time GBITS (12, 14, 16) and DS (LPA2 descriptors, 52-bit VA:
 * range BaseADDR then counts 64 KiB units). Covers EL1&0 by-VA, by-ASID,
 * all-ASID, last-level, range forms (executed at EL1), EL2 forms and range
 * forms (at EL2), and stage-2 forms (IPAS2E1IS / RIPAS2E1IS + VMALLE1IS,
 * VMALLS12E1IS) with EL1 reading through both stages. */
#include "guest.h"

#define G (1ul << GBITS)
#define ASID 0x2aul
#define VMID 3ul
#define IA_BITS (DS || GBITS == 16 ? 52 : 48)
#define VA_EL1 0x0000712345600000ul    /* EL1&0 test pages */
#define VA_EL2 0x0000512345600000ul    /* EL2 test pages */
#define IPA_S2 0x0000000080000000ul    /* stage-2 test pages (EL1 identity) */
#define NPAGES 32   /* 8 single-page + 5 range cases of 4 pages */
/* Each test page gets its own 64 KiB frame: old and new output addresses. */
#define F_EL1_OLD 16
#define F_EL1_NEW 48
#define F_EL2_OLD 80
#define F_EL2_NEW 112
#define F_S2_OLD 144
#define F_S2_NEW 176
#define F_END 208
#define RANGE_PAGES 4                  /* NUM=1, SCALE=0: (1+1) * 2^1 */

/* TLBI encodings the assembler may not know (FEAT_TLBIRANGE): op1, CRm, op2
 * with CRn = 8 (DDI0487 C5.5; aarch64-translation-notes section 5.3). */
#define SYS_TLBI(op1, crm, op2, v) \
    __asm__ volatile("sys #" #op1 ", c8, c" #crm ", #" #op2 ", %0" : : "r"((uint64_t)(v)) : "memory")
#define RVAE1IS(v) SYS_TLBI(0, 2, 1, v)
#define RVAAE1IS(v) SYS_TLBI(0, 2, 3, v)
#define RVALE1IS(v) SYS_TLBI(0, 2, 5, v)
#define RVAALE1IS(v) SYS_TLBI(0, 2, 7, v)
#define RVAE1(v) SYS_TLBI(0, 6, 1, v)
#define RIPAS2E1IS(v) SYS_TLBI(4, 0, 2, v)
#define RVAE2IS(v) SYS_TLBI(4, 2, 1, v)
#define RVALE2IS(v) SYS_TLBI(4, 2, 5, v)

static struct pt s1, s2pt, el2pt;
static volatile uint64_t *slot_el1[NPAGES], *slot_el2[NPAGES], *slot_s2[NPAGES];

/* Test page `idx` of a region: indices 0-7 for single-page cases, one page
 * apart; 8 + 4r + i for page i of range case r, each range 1 MiB apart so
 * that it starts 64 KiB-aligned (a DS=1 range operand counts 64 KiB units,
 * so an unaligned start would not cover the pages). */
static uint64_t page_ia(uint64_t base, unsigned idx)
{
    if (idx < 8)
        return base + idx * G;
    return base + ((idx - 8) / 4 + 1) * 0x100000ul + ((idx - 8) % 4) * G;
}

struct counters { unsigned single, range; };
static struct counters next_el1, next_el2, next_s2;

static unsigned take(struct counters *c, unsigned pages)
{
    return pages == 1 ? c->single++ : 8 + 4 * c->range++;
}

/* VA-based operand: VA[55:12] in [43:0], ASID in [63:48] (DDI0487 D8.15). */
static uint64_t va_op(uint64_t va, uint64_t asid)
{
    return ((va >> 12) & GENMASK64(43, 0)) | FIELD_PREP(TTBR_ASID, asid);
}

/* TTL hint for a level-3 entry of this granule: TTL[3:2] = TG, [1:0] = 3. */
static uint64_t ttl3(void)
{
    return FIELD_PREP(GENMASK64(47, 44), ((GBITS == 12 ? 1ul : GBITS == 14 ? 2ul : 3ul) << 2) | 3);
}

/* Range operand: ASID[63:48], TG[47:46], SCALE[45:44], NUM[43:39],
 * TTL[38:37], BaseADDR[36:0] in granule units, or 64 KiB units with DS=1
 * or the 64K granule (pseudocode TLBIRange). */
static uint64_t range_op(uint64_t va, uint64_t asid, unsigned num, unsigned scale)
{
    unsigned base_shift = (DS || GBITS == 16) ? 16 : GBITS;
    uint64_t tg = GBITS == 12 ? 1 : GBITS == 14 ? 2 : 3;
    return FIELD_PREP(TTBR_ASID, asid) | FIELD_PREP(GENMASK64(47, 46), tg) |
           FIELD_PREP(GENMASK64(45, 44), scale) | FIELD_PREP(GENMASK64(43, 39), num) |
           ((va >> base_shift) & GENMASK64(36, 0));
}

static uint64_t leaf_attrs_el1(void)
{
    return S1_NORMAL | DESC_NG | DESC_UXN | DESC_PXN;
}

/* --- EL1&0, executed at EL1 --------------------------------------------- */

enum el1_op { VAE1IS, VALE1IS, VAAE1IS, VAALE1IS, VAE1, VAE1IS_TTL, ASIDE1IS, VMALLE1IS,
              R_VAE1IS, R_VALE1IS, R_VAAE1IS, R_VAALE1IS, R_VAE1 };
static const char *const el1_names[] = {
    "VAE1IS", "VALE1IS", "VAAE1IS", "VAALE1IS", "VAE1", "VAE1IS with TTL", "ASIDE1IS",
    "VMALLE1IS", "RVAE1IS", "RVALE1IS", "RVAAE1IS", "RVAALE1IS", "RVAE1"};

static void el1_tlbi(enum el1_op op, uint64_t va, unsigned pages)
{
    unsigned num = pages / 2 - 1;
    switch (op) {
    case VAE1IS: tlbi(vae1is, va_op(va, ASID)); break;
    case VALE1IS: tlbi(vale1is, va_op(va, ASID)); break;
    case VAAE1IS: tlbi(vaae1is, va_op(va, 0)); break;
    case VAALE1IS: tlbi(vaale1is, va_op(va, 0)); break;
    case VAE1: tlbi(vae1, va_op(va, ASID)); break;
    case VAE1IS_TTL: tlbi(vae1is, va_op(va, ASID) | ttl3()); break;
    case ASIDE1IS: tlbi(aside1is, FIELD_PREP(TTBR_ASID, ASID)); break;
    case VMALLE1IS: tlbi_all(vmalle1is); break;
    case R_VAE1IS: RVAE1IS(range_op(va, ASID, num, 0)); break;
    case R_VALE1IS: RVALE1IS(range_op(va, ASID, num, 0)); break;
    case R_VAAE1IS: RVAAE1IS(range_op(va, 0, num, 0)); break;
    case R_VAALE1IS: RVAALE1IS(range_op(va, 0, num, 0)); break;
    case R_VAE1: RVAE1(range_op(va, ASID, num, 0)); break;
    }
}

static uint64_t el1_case(uint64_t op)
{
    unsigned pages = op >= R_VAE1IS ? RANGE_PAGES : 1;
    unsigned first = take(&next_el1, pages);
    uint64_t va = page_ia(VA_EL1, first);

    put_str("TLBI ");
    line(el1_names[op]);
    for (unsigned i = 0; i < pages; i++)
        say("VAL old", probe_read(page_ia(VA_EL1, first + i) + 8 * i));
    for (unsigned i = 0; i < pages; i++)
        *slot_el1[first + i] = 0;
    dsb(ishst);
    el1_tlbi((enum el1_op)op, va, pages);
    dsb(ish);
    isb();
    for (unsigned i = 0; i < pages; i++)
        probe_read(page_ia(VA_EL1, first + i) + 8 * i);
    for (unsigned i = 0; i < pages; i++)
        *slot_el1[first + i] = pt_encode_oa(&s1, FRAME(F_EL1_NEW + first + i)) | leaf_attrs_el1() |
                                DESC_VALID | DESC_TABLE | (s1.ds ? 0 : FIELD_PREP(DESC_SH, 3));
    dsb(ishst);
    isb();
    for (unsigned i = 0; i < pages; i++)
        say("VAL new", probe_read(page_ia(VA_EL1, first + i) + 8 * i));
    return 0;
}

/* --- EL2 regime, at EL2 -------------------------------------------------- */

enum el2_op { VAE2IS, VALE2IS, ALLE2IS, R_VAE2IS, R_VALE2IS };
static const char *const el2_names[] = {"VAE2IS", "VALE2IS", "ALLE2IS", "RVAE2IS", "RVALE2IS"};

static void el2_case(enum el2_op op)
{
    unsigned pages = op >= R_VAE2IS ? RANGE_PAGES : 1;
    unsigned first = take(&next_el2, pages);
    uint64_t va = page_ia(VA_EL2, first);

    put_str("TLBI ");
    line(el2_names[op]);
    for (unsigned i = 0; i < pages; i++)
        say("VAL old", probe_read(page_ia(VA_EL2, first + i) + 8 * i));
    for (unsigned i = 0; i < pages; i++)
        *slot_el2[first + i] = 0;
    dsb(ishst);
    switch (op) {
    case VAE2IS: tlbi(vae2is, va_op(va, 0)); break;
    case VALE2IS: tlbi(vale2is, va_op(va, 0)); break;
    case ALLE2IS: tlbi_all(alle2is); break;
    case R_VAE2IS: RVAE2IS(range_op(va, 0, pages / 2 - 1, 0)); break;
    case R_VALE2IS: RVALE2IS(range_op(va, 0, pages / 2 - 1, 0)); break;
    }
    dsb(ish);
    isb();
    for (unsigned i = 0; i < pages; i++)
        probe_read(page_ia(VA_EL2, first + i) + 8 * i);
    for (unsigned i = 0; i < pages; i++)
        *slot_el2[first + i] = pt_encode_oa(&el2pt, FRAME(F_EL2_NEW + first + i)) | S1_NORMAL |
                                DESC_UXN | DESC_VALID | DESC_TABLE |
                                (el2pt.ds ? 0 : FIELD_PREP(DESC_SH, 3));
    dsb(ishst);
    isb();
    for (unsigned i = 0; i < pages; i++)
        say("VAL new", probe_read(page_ia(VA_EL2, first + i) + 8 * i));
}

/* --- Stage 2, TLBI at EL2, accesses at EL1 ------------------------------- */

static uint64_t el1_read(uint64_t va)
{
    return probe_read(va);
}

enum s2_op { IPAS2E1IS, R_IPAS2E1IS, VMALLS12E1IS };
static const char *const s2_names[] = {"IPAS2E1IS + VMALLE1IS", "RIPAS2E1IS + VMALLE1IS",
                                       "VMALLS12E1IS"};

/* IPAS2E1IS operand: IPA[51:12] in [39:0] (DDI0487 C5.5 TLBI IPAS2E1IS). */
static uint64_t ipa_op(uint64_t ipa)
{
    return (ipa >> 12) & GENMASK64(39, 0);
}

static void s2_case(enum s2_op op)
{
    unsigned pages = op == R_IPAS2E1IS ? RANGE_PAGES : 1;
    unsigned first = take(&next_s2, pages);
    uint64_t ipa = page_ia(IPA_S2, first);

    put_str("TLBI ");
    line(s2_names[op]);
    for (unsigned i = 0; i < pages; i++)
        say("VAL old", run_el1(el1_read, page_ia(IPA_S2, first + i) + 8 * i));
    for (unsigned i = 0; i < pages; i++)
        *slot_s2[first + i] = 0;
    dsb(ishst);
    switch (op) {
    case IPAS2E1IS: tlbi(ipas2e1is, ipa_op(ipa)); break;
    case R_IPAS2E1IS: RIPAS2E1IS(range_op(ipa, 0, pages / 2 - 1, 0)); break;
    case VMALLS12E1IS: tlbi_all(vmalls12e1is); break;
    }
    dsb(ish);
    if (op != VMALLS12E1IS)
        tlbi_all(vmalle1is);
    dsb(ish);
    isb();
    for (unsigned i = 0; i < pages; i++)
        run_el1(el1_read, page_ia(IPA_S2, first + i) + 8 * i);
    for (unsigned i = 0; i < pages; i++)
        *slot_s2[first + i] = pt_encode_oa(&s2pt, FRAME(F_S2_NEW + first + i)) | S2_NORMAL |
                               DESC_VALID | DESC_TABLE | (s2pt.ds ? 0 : FIELD_PREP(DESC_SH, 3));
    dsb(ishst);
    isb();
    for (unsigned i = 0; i < pages; i++)
        say("VAL new", run_el1(el1_read, page_ia(IPA_S2, first + i) + 8 * i));
}

static void set_format(struct pt *pt)
{
    if (DS)
        pt->ds = 1;
    else if (GBITS == 16)
        pt->lpa = 1;
}

int main(void);
int main(void)
{
    int start = pt_start_level(GBITS, IA_BITS);
    for (unsigned n = F_EL1_OLD; n < F_END; n++)
        frame_fill(n);

    /* EL1&0 stage 1: nG test pages (later replaced). */
    pt_init(&s1, GBITS, IA_BITS, start, 1);
    set_format(&s1);
    pt_map_runtime(&s1, 2);
    for (unsigned i = 0; i < NPAGES; i++) {
        pt_map(&s1, page_ia(VA_EL1, i), FRAME(F_EL1_OLD + i), 3, leaf_attrs_el1());
        slot_el1[i] = pt_slot(&s1, page_ia(VA_EL1, i), 3);
    }
    pt_map_range(&s1, IPA_S2, IPA_S2, 0x40000000, GBITS == 12 ? 1 : 2,
                 S1_NORMAL | DESC_UXN | DESC_PXN);

    /* Stage 2 (same granule, 40-bit IPA, SL0=1: 4K level 1 with 2
     * concatenated tables, 16K level 2 with 16, 64K level 2). */
    pt_init(&s2pt, GBITS, 40, GBITS == 12 ? 1 : 2, 2);
    set_format(&s2pt);
    pt_map_runtime(&s2pt, 2);
    pt_map_range(&s2pt, FRAME_BASE, FRAME_BASE, FRAME(F_END) - FRAME_BASE, 2, S2_NORMAL);
    for (unsigned i = 0; i < NPAGES; i++) {
        pt_map(&s2pt, page_ia(IPA_S2, i), FRAME(F_S2_OLD + i), 3, S2_NORMAL);
        slot_s2[i] = pt_slot(&s2pt, page_ia(IPA_S2, i), 3);
    }

    /* EL2 stage 1: runtime identity, test pages. */
    pt_init(&el2pt, GBITS, IA_BITS, start, 1);
    set_format(&el2pt);
    pt_map_runtime(&el2pt, 2);
    for (unsigned i = 0; i < NPAGES; i++) {
        pt_map(&el2pt, page_ia(VA_EL2, i), FRAME(F_EL2_OLD + i), 3, S1_NORMAL | DESC_UXN);
        slot_el2[i] = pt_slot(&el2pt, page_ia(VA_EL2, i), 3);
    }
    uint64_t tcr2 = FIELD_PREP(TCR2_T0SZ, 64 - IA_BITS) | TCR_WALK0 |
                    FIELD_PREP(TCR2_TG0, tg0_of(GBITS)) | FIELD_PREP(TCR2_PS, 6) |
                    (DS ? TCR2_DS : 0) | BIT64(31) | BIT64(23);
    el2_mmu_on(&el2pt, tcr2);
    for (unsigned op = VAE2IS; op <= R_VALE2IS; op++)
        el2_case((enum el2_op)op);

    uint64_t vtcr = FIELD_PREP(VTCR_T0SZ, 24) | FIELD_PREP(VTCR_SL0, 1) |
                    FIELD_PREP(VTCR_IRGN0, 1) | FIELD_PREP(VTCR_ORGN0, 1) |
                    FIELD_PREP(VTCR_SH0, 3) | FIELD_PREP(VTCR_TG0, tg0_of(GBITS)) |
                    FIELD_PREP(VTCR_PS, 6) | (DS ? VTCR_DS : 0) | BIT64(31);
    s2_on(vtcr, ttbr_of(s2pt.root, VMID));
    uint64_t tcr = FIELD_PREP(TCR_T0SZ, 64 - IA_BITS) | TCR_WALK0 | TCR_EPD1 |
                   FIELD_PREP(TCR_TG0, tg0_of(GBITS)) | FIELD_PREP(TCR_TG1, tg1_of(GBITS)) |
                   FIELD_PREP(TCR_IPS, 6) | (DS ? TCR_DS : 0) | TCR_AS;
    el1_mmu_on(tcr, ttbr_of(s1.root, ASID), 0);
    for (unsigned op = VAE1IS; op <= R_VAE1; op++)
        run_el1(el1_case, op);
    for (unsigned op = IPAS2E1IS; op <= VMALLS12E1IS; op++)
        s2_case((enum s2_op)op);
    say("faults", fault_count);
    return 0;
}
