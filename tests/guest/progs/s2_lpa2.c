/* 52-bit IPA at stage 2: FEAT_LPA2 (VTCR_EL2.DS=1) for GBITS 12 or 14,
 * FEAT_LPA (OA[51:48] in desc[15:12], no DS) for GBITS 16. Start level from
 * SL2:SL0 (4K: SL2=1 -> level -1, 16 entries; SL0=2 -> level 0 with 16
 * concatenated tables; 16K: SL0=3 -> level 0, 32 entries; 64K: SL0=2 ->
 * level 1, 1024 entries).
 * Arm DDI0487 D8.2 (stage-2 start level, concatenation), D19 VTCR_EL2.
 *
 * Guest RAM is aliased at IPAs above 2^48: EL1's stage-1 tables (also DS=1,
 * 52-bit VA) are reached through IPA POOL_ALIAS + PA, TTBR0_EL1 holds
 * BADDR[51:48] in bits [5:2], and a page is read through IPA DATA_ALIAS +
 * PA, so every descriptor fetch of both stages uses 52-bit addresses.
 * Faults: stage-2 Translation at the start level for an IPA above 2^48
 * (HPFAR_EL2.FIPA = IPA[51:12]), and a stage-2 fault on a stage-1 walk. */
#include "guest.h"

#define POOL_ALIAS 0x000a000000000000ul
#define DATA_ALIAS 0x000f000000000000ul
#define IPA_HOLE 0x000e000000000000ul     /* not mapped at stage 2 */
#define IPA_S1_HOLE 0x000b000000000000ul  /* TTBR1 root: not mapped */
#define VA_DATA 0x000f123456000000ul      /* -> DATA_ALIAS + FRAME(1) */
#define VA_HOLE 0x000c123456000000ul      /* -> IPA_HOLE */
#define VA_S1PTW 0xfff0000000000000ul     /* TTBR1, root at IPA_S1_HOLE */

static int start_of(void)
{
    if (GBITS == 12)
        return SL2 ? -1 : (SL0 == 2 ? 0 : 1);
    return 3 - SL0;
}

#define LPA2 (GBITS != 16)

static void set_52bit_format(struct pt *pt)
{
    if (LPA2)
        pt->ds = 1;
    else
        pt->lpa = 1;
}

static struct pt s2, s1lo;

static void build(void)
{
    uint64_t pool = 0x42000000ul;
    pt_init(&s2, GBITS, 52, start_of(), 2);
    set_52bit_format(&s2);
    pt_map_runtime(&s2, 2);
    pt_map_range(&s2, POOL_ALIAS + pool, pool, RUNTIME_END - pool, 2, S2_NORMAL);
    pt_map_range(&s2, DATA_ALIAS + FRAME(0), FRAME(0), 0x100000, 2, S2_NORMAL);

    pt_init(&s1lo, GBITS, 52, pt_start_level(GBITS, 52), 1);
    set_52bit_format(&s1lo);
    s1lo.tbl_off = POOL_ALIAS;
    pt_map_runtime(&s1lo, 2);
    pt_map(&s1lo, VA_DATA, DATA_ALIAS + FRAME(1), 3, S1_NORMAL | DESC_UXN | DESC_PXN);
    pt_map(&s1lo, VA_HOLE, IPA_HOLE, 3, S1_NORMAL | DESC_UXN | DESC_PXN);
}

static uint64_t body(uint64_t arg)
{
    (void)arg;
    say("VAL data", probe_read(VA_DATA + 0x10));
    say_par("PAR S1E1R data", at(s1e1r, VA_DATA + 0x10));
    line("stage 2 translation fault at the start level");
    say("VAL", probe_read(VA_HOLE + 0x18));
    line("stage 2 fault on a stage 1 walk");
    say("VAL", probe_read(VA_S1PTW + 0x20));
    return fault_count;
}

int main(void);
int main(void)
{
    frame_fill(1);
    build();
    uint64_t vtcr = FIELD_PREP(VTCR_T0SZ, 12) | FIELD_PREP(VTCR_SL0, SL0) |
                    (SL2 ? VTCR_SL2 : 0) | (LPA2 ? VTCR_DS : 0) | FIELD_PREP(VTCR_IRGN0, 1) |
                    FIELD_PREP(VTCR_ORGN0, 1) | FIELD_PREP(VTCR_SH0, 3) |
                    FIELD_PREP(VTCR_TG0, tg0_of(GBITS)) | FIELD_PREP(VTCR_PS, 6) | BIT64(31);
    s2_on(vtcr, ttbr_of(s2.root, 7));
    uint64_t tcr = FIELD_PREP(TCR_T0SZ, 12) | FIELD_PREP(TCR_T1SZ, 12) | TCR_WALK0 | TCR_WALK1 |
                   FIELD_PREP(TCR_TG0, tg0_of(GBITS)) | FIELD_PREP(TCR_TG1, tg1_of(GBITS)) |
                   FIELD_PREP(TCR_IPS, 6) | (LPA2 ? TCR_DS : 0);
    el1_mmu_on(tcr, ttbr_of(s1lo.root + POOL_ALIAS, 1), ttbr_of(IPA_S1_HOLE, 1));
    say("TTBR0_EL1", read_sysreg(ttbr0_el1));

    say_par("PAR S12E1R data", at(s12e1r, VA_DATA + 0x10));
    say_par("PAR S12E1R hole", at(s12e1r, VA_HOLE));
    say_par("PAR S12E1R s1ptw", at(s12e1r, VA_S1PTW));
    say("EL1 faults", run_el1(body, 0));
    return 0;
}
