/* Stage 1, 48-bit VA and PA, for one regime and one granule (compile-time
 * REGIME = 1: EL1&0 run at EL1 (and EL0); 2: EL2 with E2H=0; 20: EL2&0 with
 * HCR_EL2.{E2H,TGE} = {1,1} run at EL2 (and EL0). GBITS = 12, 14, 16).
 *
 * Mappings: pages, a level-2 block, a level-1 block (4K), a TTBR1 page
 * (two-range regimes), an EL0 page; then reads through each, AT, and the
 * faults the architecture defines for them: Translation (an empty entry at
 * level 3 and higher up), Permission (write to read-only, EL0 to a
 * privileged page). Arm DDI0487 D8 (VMSAv8-64 translation), D8.4
 * (permissions), D17.2 ESR_ELx DFSC encodings. */
#include "guest.h"

#ifndef REGIME
#error REGIME
#endif
#define G (1ul << GBITS)
#define TWO_RANGES (REGIME != 2)
#define HAS_EL0 (REGIME != 2)

#define VA_PAGE 0x0000712345600000ul    /* FRAME(1), RW; +G: FRAME(2), RO */
#define VA_BLK2 0x0000500000000000ul    /* level-2 block over FRAME(3) */
#define VA_BLK1 0x0000600000000000ul    /* level-1 block (4K) over RAM */
#define VA_USER 0x0000712345800000ul    /* FRAME(6), EL0 RW */
#define VA_HIGH 0xffff800000100000ul    /* TTBR1: FRAME(5) */
#define VA_EMPTY 0x0000010000000000ul   /* nothing mapped near */

static struct pt lo, hi;
static uint64_t blk2_size;

static void build(void)
{
    int start = pt_start_level(GBITS, 48);
    pt_init(&lo, GBITS, 48, start, 1);
    pt_map_runtime(&lo, 2);
    pt_map(&lo, VA_PAGE, FRAME(1), 3, S1_NORMAL | DESC_UXN | DESC_PXN);
    pt_map(&lo, VA_PAGE + G, FRAME(2), 3, S1_NORMAL | S1_RO | DESC_UXN | DESC_PXN);
    blk2_size = pt_level_size(&lo, 2);
    pt_map(&lo, VA_BLK2, FRAME(3) & ~(blk2_size - 1), 2, S1_NORMAL | DESC_UXN | DESC_PXN);
    if (GBITS == 12)
        pt_map(&lo, VA_BLK1, RAM_BASE, 1, S1_NORMAL | DESC_UXN | DESC_PXN);
    if (HAS_EL0)
        pt_map(&lo, VA_USER, FRAME(6), 3, S1_NORMAL | S1_EL0 | DESC_UXN | DESC_PXN);
    if (TWO_RANGES) {
        pt_init(&hi, GBITS, 48, start, 1);
        pt_map(&hi, VA_HIGH, FRAME(5), 3, S1_NORMAL | DESC_UXN | DESC_PXN);
    }
}

#if REGIME == 2
#define AT_R(va) at(s1e2r, va)
#define AT_W(va) at(s1e2w, va)
#else
#define AT_R(va) at(s1e1r, va)
#define AT_W(va) at(s1e1w, va)
#endif

static uint64_t body(uint64_t arg)
{
    (void)arg;
    say("EL", current_el());
    say("VAL page", probe_read(VA_PAGE + 0x10));
    say("VAL page+G", probe_read(VA_PAGE + G + 0x18));
    say("VAL blk2", probe_read(VA_BLK2 + (FRAME(3) & (blk2_size - 1)) + 0x28));
    if (GBITS == 12)
        say("VAL blk1", probe_read(VA_BLK1 + (FRAME(4) - RAM_BASE) + 0x30));
    if (TWO_RANGES)
        say("VAL high", probe_read(VA_HIGH + 0x38));
    probe_write(VA_PAGE + 0x40, 0x5a5a);
    say("VAL written", probe_read(VA_PAGE + 0x40));

    say_par("PAR R page", AT_R(VA_PAGE + 0x123));
    say_par("PAR R blk2", AT_R(VA_BLK2 + 0x123456));
    say_par("PAR W ro", AT_W(VA_PAGE + G));
    say_par("PAR R empty", AT_R(VA_EMPTY));
    if (TWO_RANGES)
        say_par("PAR R high", AT_R(VA_HIGH + 0x8));
#if REGIME == 1
    say_par("PAR S1E0W user", at(s1e0w, VA_USER));
    say_par("PAR S1E0R page", at(s1e0r, VA_PAGE));
#endif

    line("fault: write to read-only");
    probe_write(VA_PAGE + G + 0x8, 1);
    line("fault: next page unmapped");
    probe_read(VA_PAGE + 2 * G);
    line("fault: nothing mapped");
    probe_read(VA_EMPTY + 0x48);
    if (HAS_EL0) {
        say("EL0 VAL user", run_el0((uint64_t (*)(uint64_t))probe_read, VA_USER + 0x50));
        line("fault: EL0 read of a privileged page");
        say("EL0 VAL page", run_el0((uint64_t (*)(uint64_t))probe_read, VA_PAGE));
    }
    return fault_count;
}

int main(void);
int main(void)
{
#define ips FIELD_PREP(TCR_IPS, 5)
    for (unsigned n = 1; n <= 6; n++)
        frame_fill(n);
    build();
#if REGIME == 1
    uint64_t tcr = FIELD_PREP(TCR_T0SZ, 16) | FIELD_PREP(TCR_T1SZ, 16) | TCR_WALK0 | TCR_WALK1 |
                   FIELD_PREP(TCR_TG0, tg0_of(GBITS)) | FIELD_PREP(TCR_TG1, tg1_of(GBITS)) | ips;
    el1_mmu_on(tcr, ttbr_of(lo.root, 0), ttbr_of(hi.root, 0));
    say("EL1 faults", run_el1(body, 0));
#elif REGIME == 2
    /* TCR_EL2 (E2H=0): bits 31 and 23 are RES1. */
    uint64_t tcr = FIELD_PREP(TCR2_T0SZ, 16) | TCR_WALK0 | FIELD_PREP(TCR2_TG0, tg0_of(GBITS)) |
                   FIELD_PREP(TCR2_PS, 5) | BIT64(31) | BIT64(23);
    el2_mmu_on(&lo, tcr);
    body(0);
    el2_mmu_off();
#else
    uint64_t tcr = FIELD_PREP(TCR_T0SZ, 16) | FIELD_PREP(TCR_T1SZ, 16) | TCR_WALK0 | TCR_WALK1 |
                   FIELD_PREP(TCR_TG0, tg0_of(GBITS)) | FIELD_PREP(TCR_TG1, tg1_of(GBITS)) | ips;
    write_sysreg(read_sysreg(hcr_el2) | HCR_E2H | HCR_TGE, hcr_el2);
    isb();
    write_sysreg(ttbr_of(hi.root, 0), ttbr1_el2);
    el2_mmu_on(&lo, tcr);
    body(0);
    el2_mmu_off();
#endif
    say("faults", fault_count);
    return 0;
}
