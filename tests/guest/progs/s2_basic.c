/* Stage 2 (VTCR_EL2/VTTBR_EL2) for one granule, IPA size and start level
 * (compile-time GBITS, IPA_BITS, SL0; BAD_SL0 is an SL0 inconsistent with
 * IPA_BITS). The start-level table is concatenated when the IPA size needs
 * it (Arm DDI0487 D8.2.x "Concatenated translation tables for the initial
 * stage 2 lookup"). EL1 runs with a stage-1 identity map of what it uses.
 *
 * Prints: reads through stage 2, AT S12E1R/S1E1R, the stage-2 faults taken
 * to EL2 (translation, access flag, permission, address size, IPA out of
 * range, inconsistent SL0, and a stage-2 fault on a stage-1 walk) with
 * ESR_EL2, FAR_EL2 and HPFAR_EL2 (D17.2.37, D17.2.66), and AT S12E1R's PAR
 * for a fault on the stage-1 walk (PAR.S=1, PTW=1). */
#include "guest.h"

#define G (1ul << GBITS)
#define IPA_TEST ((1ul << (IPA_BITS - 1)) + (1ul << (IPA_BITS - 2)))
#define IPA_OUT (1ul << IPA_BITS)           /* above the IPA size */
#define IPA_HOLE 0x80000000ul               /* never mapped at stage 2 */
#define VA_S1PTW 0xffffff8000000000ul       /* TTBR1, tables at IPA_HOLE */
/* VTCR_EL2.PS: 40 bits when the IPA fits (then an output address above it
 * gives an Address size fault), else 48 (an IPA wider than PS is
 * architecturally fine, QEMU 7.2 faults it: QEMU-DEVIATIONS.md D3). */
#define PS_40 (IPA_BITS <= 40)
#define OA_TOO_BIG (1ul << 41)

/* VTCR_EL2.SL0 -> start level (D19 VTCR_EL2.SL0). */
static int start_of(unsigned sl0)
{
    static const int sl4k[4] = {2, 1, 0, 3}, sl16_64[4] = {3, 2, 1, 0};
    return GBITS == 12 ? sl4k[sl0] : sl16_64[sl0];
}

static struct pt s2, s1lo, s1hi;

static void build(void)
{
    pt_init(&s2, GBITS, IPA_BITS, start_of(SL0), 2);
    pt_map_runtime(&s2, 2);
    pt_map(&s2, IPA_TEST, FRAME(1), 3, S2_NORMAL);
    pt_map(&s2, IPA_TEST + G, FRAME(2), 3, S2_NORMAL & ~DESC_S2AP_W);
    pt_map(&s2, IPA_TEST + 2 * G, FRAME(3), 3, S2_NORMAL & ~DESC_AF);
    pt_slot(&s2, IPA_TEST + 3 * G, 3);
    if (PS_40)
        pt_map(&s2, IPA_TEST + 4 * G, OA_TOO_BIG, 3, S2_NORMAL);

    /* Stage 1 (4K, 48-bit): identity over the runtime and the test IPAs;
     * TTBR1's root sits at an IPA that stage 2 leaves unmapped. */
    pt_init(&s1lo, 12, 48, 0, 1);
    pt_map_runtime(&s1lo, 2);
    pt_map(&s1lo, IPA_TEST, IPA_TEST, 1, S1_NORMAL | DESC_UXN | DESC_PXN);
    pt_map(&s1lo, IPA_OUT, IPA_OUT, 1, S1_NORMAL | DESC_UXN | DESC_PXN);
    s1hi.root = IPA_HOLE;
}

static void el1_read(const char *what, uint64_t va)
{
    line(what);
    say("VAL", probe_read(va));
}

static uint64_t body(uint64_t arg)
{
    (void)arg;
    el1_read("stage 2 page", IPA_TEST + 0x10);
    el1_read("stage 2 read-only page", IPA_TEST + G + 0x18);
    say_par("PAR S1E1R", at(s1e1r, IPA_TEST + 0x20));
    line("stage 2 permission: write to read-only");
    probe_write(IPA_TEST + G + 0x8, 1);
    el1_read("stage 2 access flag", IPA_TEST + 2 * G);
    el1_read("stage 2 translation L3", IPA_TEST + 3 * G + 0x30);
    if (PS_40)
        el1_read("stage 2 address size", IPA_TEST + 4 * G);
    el1_read("stage 2 IPA out of range", IPA_OUT + 0x40);
    el1_read("stage 2 fault on stage 1 walk", VA_S1PTW + 0x48);
    line("AT S1E1R with a stage 2 fault on the walk");
    probe_at_s1e1r(VA_S1PTW);
    return fault_count;
}

int main(void);
int main(void)
{
    for (unsigned n = 1; n <= 3; n++)
        frame_fill(n);
    build();
    uint64_t vtcr = FIELD_PREP(VTCR_T0SZ, 64 - IPA_BITS) | FIELD_PREP(VTCR_SL0, SL0) |
                    FIELD_PREP(VTCR_IRGN0, 1) | FIELD_PREP(VTCR_ORGN0, 1) |
                    FIELD_PREP(VTCR_SH0, 3) | FIELD_PREP(VTCR_TG0, tg0_of(GBITS)) |
                    FIELD_PREP(VTCR_PS, PS_40 ? 2 : 5) | BIT64(31); /* bit 31 RES1 */
    uint64_t vttbr = ttbr_of(s2.root, 5);
    s2_on(vtcr, vttbr);
    uint64_t tcr = FIELD_PREP(TCR_T0SZ, 16) | FIELD_PREP(TCR_T1SZ, 16) | TCR_WALK0 | TCR_WALK1 |
                   FIELD_PREP(TCR_TG0, TG0_4K) | FIELD_PREP(TCR_TG1, TG1_4K) |
                   FIELD_PREP(TCR_IPS, 5);
    el1_mmu_on(tcr, ttbr_of(s1lo.root, 1), ttbr_of(s1hi.root, 1));

    say_par("PAR S12E1R", at(s12e1r, IPA_TEST + 0x20));
    say_par("PAR S12E1R ro", at(s12e1w, IPA_TEST + G));
    say_par("PAR S12E1R af", at(s12e1r, IPA_TEST + 2 * G));
    say_par("PAR S12E1R unmapped", at(s12e1r, IPA_TEST + 3 * G));
    say_par("PAR S12E1R s1ptw", at(s12e1r, VA_S1PTW));
    say("EL1 faults", run_el1(body, 0));

    /* An SL0 that does not fit the IPA size: every stage-2 walk faults
     * with a Translation fault at level 0 (DDI0487 D8.2.x, pseudocode
     * AArch64.S2InconsistentSL). EL1 cannot run like that, so only AT. */
    write_sysreg((vtcr & ~VTCR_SL0) | FIELD_PREP(VTCR_SL0, BAD_SL0), vtcr_el2);
    isb();
    tlbi_all(vmalls12e1);
    dsb(ish);
    isb();
    say_par("PAR S12E1R bad SL0", at(s12e1r, IPA_TEST + 0x20));
    el1_mmu_off();
    say_par("PAR S12E1R bad SL0, stage 1 off", at(s12e1r, IPA_TEST + 0x20));
    say("faults", fault_count);
    return 0;
}
