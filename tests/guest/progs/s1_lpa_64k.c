/* 64K granule with FEAT_LVA (52-bit VA, T0SZ/T1SZ = 12) and FEAT_LPA
 * (52-bit OA, TCR.IPS/PS = 0b110, OA[51:48] in desc[15:12]), for REGIME 1
 * (EL1&0 at EL1, both halves) or 2 (EL2). The walk starts at level 1
 * (VA[51:42], 1024 entries); level-1 blocks (4 TB) exist only with a 52-bit
 * PA. Output addresses above 2^48 are checked with AT (no RAM there).
 * With IPS/PS = 48 bits, desc[15:12] still hold OA[51:48], so a non-zero
 * value there is an Address size fault (pseudocode AArch64.LeafBase takes
 * OA[51:48] from desc[15:12] whenever PAMax is 52; QEMU-DEVIATIONS.md D5).
 * Arm DDI0487 D8.2, D8.3 (64KB granule, 52-bit OA). */
#include "guest.h"

#define VA_HI 0x000f123450000000ul      /* -> FRAME(1) */
#define VA_PA52 0x000f123450010000ul    /* -> PA_HI (AT only) */
#define PA_HI 0x000f000040010000ul
#define VA_BLK1 0x0008000000000000ul    /* level-1 block (4 TB) -> PA 0 */
#define VA_HIGH 0xfff0000000000000ul    /* TTBR1 (52-bit) -> FRAME(3) */
#define VA_EMPTY 0x000e000000000000ul

static struct pt lo, hi;

static void build(void)
{
    const uint64_t nx = DESC_UXN | DESC_PXN;
    pt_init(&lo, 16, 52, 1, 1);
    lo.lpa = 1;
    pt_map_runtime(&lo, 2);
    pt_map(&lo, VA_HI, FRAME(1), 3, S1_NORMAL | nx);
    pt_map(&lo, VA_PA52, PA_HI, 3, S1_NORMAL | nx);
    pt_map(&lo, VA_BLK1, 0, 1, S1_NORMAL | nx);
    pt_init(&hi, 16, 52, 1, 1);
    hi.lpa = 1;
    pt_map(&hi, VA_HIGH, FRAME(3), 3, S1_NORMAL | nx);
}

#if REGIME == 2
#define AT_R(va) at(s1e2r, va)
#else
#define AT_R(va) at(s1e1r, va)
#endif

static uint64_t body(uint64_t phase)
{
    if (phase == 0) {
        say("EL", current_el());
        say("VAL hi", probe_read(VA_HI + 0x10));
        say("VAL blk1", probe_read(VA_BLK1 + FRAME(2) + 0x18));
        say_par("PAR hi", AT_R(VA_HI + 0x10));
        say_par("PAR pa52", AT_R(VA_PA52 + 0x10));
        say_par("PAR blk1", AT_R(VA_BLK1 + 0x0123456789aul));
        if (REGIME == 1) {
            say("VAL high", probe_read(VA_HIGH + 0x20));
            say_par("PAR high", AT_R(VA_HIGH + 0x20));
        }
        line("translation at level 1");
        say_par("PAR", AT_R(VA_EMPTY));
        probe_read(VA_EMPTY + 0x28);
    } else {
        line("IPS/PS = 48 bits: desc[15:12] non-zero");
        say_par("PAR", AT_R(VA_PA52));
        say("VAL hi", probe_read(VA_HI + 0x30));
    }
    return fault_count;
}

int main(void);
int main(void)
{
    frame_fill(1);
    frame_fill(2);
    frame_fill(3);
    build();
#if REGIME == 1
    uint64_t tcr = FIELD_PREP(TCR_T0SZ, 12) | FIELD_PREP(TCR_T1SZ, 12) | TCR_WALK0 | TCR_WALK1 |
                   FIELD_PREP(TCR_TG0, TG0_64K) | FIELD_PREP(TCR_TG1, TG1_64K) |
                   FIELD_PREP(TCR_IPS, 6);
    el1_mmu_on(tcr, ttbr_of(lo.root, 0), ttbr_of(hi.root, 0));
    run_el1(body, 0);
    write_sysreg((tcr & ~TCR_IPS) | FIELD_PREP(TCR_IPS, 5), tcr_el1);
    isb();
    tlbi_all(vmalle1);
    dsb(ish);
    isb();
    run_el1(body, 1);
#else
    uint64_t tcr = FIELD_PREP(TCR2_T0SZ, 12) | TCR_WALK0 | FIELD_PREP(TCR2_TG0, TG0_64K) |
                   FIELD_PREP(TCR2_PS, 6) | BIT64(31) | BIT64(23);
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
