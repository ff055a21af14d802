/* FEAT_LPA2 at stage 1 (TCR.DS=1), 52-bit VA and PA, for REGIME 1 (EL1&0
 * at EL1) or 2 (EL2), GBITS 12 or 14. With 4K the walk starts at level -1
 * (VA[51:48] indexes a 16-entry table), with 16K at level 0 (32 entries).
 * Output addresses above 2^48 (OA[51:50] in desc[9:8], OA[49:48] in
 * desc[49:48]) are checked with AT, since the board has no RAM there.
 * Faults: Translation at level -1 (DFSC 0x2B), Address size at level -1
 * (0x29) and level 3 with TCR.IPS = 48 bits, Access flag and Permission at
 * level 0 (0x08, 0x0C: 4K level-0 blocks exist only with DS=1).
 * Arm DDI0487 D8.2 (lookup levels with DS=1), D8.3 (52-bit descriptors),
 * D17.2 (DFSC), pseudocode EncodeLDFSC. */
#include "guest.h"

#define G (1ul << GBITS)
#define VA_HI 0x000f123456000000ul     /* page -> FRAME(1) */
#define VA_PA52 0x000f123456100000ul   /* page -> PA_HI (AT only) */
#define PA_HI 0x000f000040010000ul
#define VA_BLK 0x0008000000000000ul    /* 4K: L0 (512G) / 16K: L1 (64G) block -> PA 0 */
#define VA_BLK_NOAF 0x0009000000000000ul
#define VA_BLK_RO 0x000a000000000000ul
#define VA_EMPTY 0x000e000000000000ul  /* empty level -1 / level 0 entry */
#define VA_AS_TBL 0x000d000000000000ul /* 4K: L-1 -> table at 2^48 */

static struct pt lo;

static int blk_level(void)
{
    return GBITS == 12 ? 0 : 1;
}

static void build(void)
{
    const uint64_t nx = DESC_UXN | DESC_PXN;
    pt_init(&lo, GBITS, 52, pt_start_level(GBITS, 52), 1);
    lo.ds = 1;
    pt_map_runtime(&lo, 2);
    pt_map(&lo, VA_HI, FRAME(1), 3, S1_NORMAL | nx);
    pt_map(&lo, VA_PA52, PA_HI, 3, S1_NORMAL | nx);
    pt_map(&lo, VA_BLK, 0, blk_level(), S1_NORMAL | nx);
    pt_map(&lo, VA_BLK_NOAF, 0, blk_level(), (S1_NORMAL & ~DESC_AF) | nx);
    pt_map(&lo, VA_BLK_RO, 0, blk_level(), S1_NORMAL | S1_RO | nx);
    if (GBITS == 12)
        *pt_slot(&lo, VA_AS_TBL, -1) = pt_encode_oa(&lo, 1ul << 48) | DESC_VALID | DESC_TABLE;
    else
        pt_slot(&lo, VA_EMPTY, 0);
}

#if REGIME == 2
#define AT_R(va) at(s1e2r, va)
#define AT_W(va) at(s1e2w, va)
#else
#define AT_R(va) at(s1e1r, va)
#define AT_W(va) at(s1e1w, va)
#endif

static uint64_t body(uint64_t phase)
{
    if (phase == 0) {
        say("EL", current_el());
        say("VAL hi", probe_read(VA_HI + 0x10));
        say("VAL blk", probe_read(VA_BLK + FRAME(2) + 0x18));
        say_par("PAR hi", AT_R(VA_HI + 0x10));
        say_par("PAR pa52", AT_R(VA_PA52 + 0x10));
        say_par("PAR blk", AT_R(VA_BLK + 0x0123456789ul));
        line("translation at the start level");
        say_par("PAR", AT_R(VA_EMPTY));
        probe_read(VA_EMPTY + 0x20);
        line("access flag on a block");
        say_par("PAR", AT_R(VA_BLK_NOAF));
        probe_read(VA_BLK_NOAF + 0x28);
        line("permission on a block");
        say_par("PAR", AT_W(VA_BLK_RO));
        probe_write(VA_BLK_RO + FRAME(3), 1);
    } else {
        line("IPS/PS = 48 bits: output address above it");
        say_par("PAR", AT_R(VA_PA52));
        if (GBITS == 12) {
            line("IPS/PS = 48 bits: level -1 table above it");
            say_par("PAR", AT_R(VA_AS_TBL));
            probe_read(VA_AS_TBL + 0x30);
        }
        say("VAL hi", probe_read(VA_HI + 0x38));
    }
    return fault_count;
}

int main(void);
int main(void)
{
    for (unsigned n = 1; n <= 3; n++)
        frame_fill(n);
    build();
#if REGIME == 1
    uint64_t tcr = FIELD_PREP(TCR_T0SZ, 12) | FIELD_PREP(TCR_T1SZ, 12) | TCR_WALK0 | TCR_WALK1 |
                   FIELD_PREP(TCR_TG0, tg0_of(GBITS)) | FIELD_PREP(TCR_TG1, tg1_of(GBITS)) |
                   FIELD_PREP(TCR_IPS, 6) | TCR_DS | TCR_EPD1;
    el1_mmu_on(tcr, ttbr_of(lo.root, 0), 0);
    run_el1(body, 0);
    write_sysreg((tcr & ~TCR_IPS) | FIELD_PREP(TCR_IPS, 5), tcr_el1);
    isb();
    tlbi_all(vmalle1);
    dsb(ish);
    isb();
    run_el1(body, 1);
#else
    uint64_t tcr = FIELD_PREP(TCR2_T0SZ, 12) | TCR_WALK0 | FIELD_PREP(TCR2_TG0, tg0_of(GBITS)) |
                   FIELD_PREP(TCR2_PS, 6) | TCR2_DS | BIT64(31) | BIT64(23);
    el2_mmu_on(&lo, tcr);
    body(0);
    write_sysreg((tcr & ~TCR2_PS) | FIELD_PREP(TCR2_PS, 5), tcr_el2);
    isb();
    tlbi_all(alle2);
    dsb(ish);
    isb();
    body(1);
    el2_mmu_off();
#endif
    say("faults", fault_count);
    return 0;
}
