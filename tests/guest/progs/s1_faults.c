/* Every stage-1 fault kind, EL1&0 regime at EL1, 4K granule, 48-bit VA,
 * TCR_EL1.IPS = 32 bits. Each case prints AT S1E1R/W's PAR_EL1 and then the
 * abort taken by the access itself (they must agree).
 * Arm DDI0487: D8.2 (VA range, EPD), D8.3 (address size: table and output
 * address above the IPS), D8.4 (permissions, APTable, XN/PXN), D8.5 (access
 * flag); DFSC codes from D17.2 ESR_ELx (pseudocode EncodeLDFSC). */
#include "guest.h"

#define G 0x1000ul
#define VA_PAGE 0x0000712345600000ul  /* FRAME(1) page RW */
#define VA_TBL 0x0000712345600000ul
#define VA_L0_EMPTY 0x0000010000000000ul /* L0 entry empty */
#define VA_L1_EMPTY 0x0000714000000000ul /* L1 entry empty */
#define VA_L2_EMPTY 0x0000712340000000ul /* L2 entry empty */
#define VA_L3_EMPTY (VA_PAGE + 0xf000)   /* L3 entry empty */
#define VA_OUT 0x0001000000000000ul      /* bits above T0SZ not all zero */
#define VA_HIGH 0xffff800000000000ul     /* TTBR1 half */
#define VA_AS_TBL 0x0000200000000000ul   /* L0 -> table above IPS */
#define VA_AS_PAGE (VA_PAGE + 0x1000)    /* page above IPS */
#define VA_AS_BLK2 0x0000712340400000ul  /* L2 block above IPS */
#define VA_AF_PAGE (VA_PAGE + 0x2000)
#define VA_AF_BLK2 0x0000712340600000ul
#define VA_AF_BLK1 0x0000300000000000ul
#define VA_RO_PAGE (VA_PAGE + 0x3000)
#define VA_RO_BLK2 0x0000712340800000ul
#define VA_APT_RO 0x0000400000000000ul   /* table with APTable = 0b10 */
#define VA_CODE (VA_PAGE + 0x10000)      /* exec_page, executable */
#define VA_CODE_PXN (VA_PAGE + 0x11000)  /* exec_page, PXN */
#define VA_CODE_XN_TBL 0x0000500000000000ul /* under PXNTable */
#define VA_TBI 0x5a00712345600000ul      /* VA_PAGE with a tag; TBI0=1 */

static struct pt lo;

static void build(void)
{
    const uint64_t nx = DESC_UXN | DESC_PXN;
    pt_init(&lo, 12, 48, 0, 1);
    pt_map_runtime(&lo, 2);
    pt_map(&lo, VA_PAGE, FRAME(1), 3, S1_NORMAL | nx);
    /* Make sure the walks for the "empty" VAs get as far as intended. */
    pt_slot(&lo, VA_L3_EMPTY, 3);
    pt_slot(&lo, VA_L2_EMPTY, 2);
    pt_slot(&lo, VA_L1_EMPTY, 1);
    /* Address size: next-level table at 4 GiB, page and block above 4 GiB. */
    *pt_slot(&lo, VA_AS_TBL, 0) = 0x100000000ul | DESC_VALID | DESC_TABLE;
    pt_map(&lo, VA_AS_PAGE, 0x200000000ul, 3, S1_NORMAL | nx);
    pt_map(&lo, VA_AS_BLK2, 0x300000000ul, 2, S1_NORMAL | nx);
    /* Access flag clear at levels 3, 2, 1. */
    pt_map(&lo, VA_AF_PAGE, FRAME(2), 3, (S1_NORMAL & ~DESC_AF) | nx);
    pt_map(&lo, VA_AF_BLK2, FRAME(3) & ~0x1ffffful, 2, (S1_NORMAL & ~DESC_AF) | nx);
    pt_map(&lo, VA_AF_BLK1, RAM_BASE, 1, (S1_NORMAL & ~DESC_AF) | nx);
    /* Read-only page and block; a table whose APTable forbids writes. */
    pt_map(&lo, VA_RO_PAGE, FRAME(4), 3, S1_NORMAL | S1_RO | nx);
    pt_map(&lo, VA_RO_BLK2, FRAME(4) & ~0x1ffffful, 2, S1_NORMAL | S1_RO | nx);
    pt_map(&lo, VA_APT_RO, FRAME(5), 3, S1_NORMAL | nx);
    *pt_slot(&lo, VA_APT_RO, 0) |= FIELD_PREP(DESC_APTABLE, 2);
    /* Code: executable, PXN, and under a PXNTable table descriptor. */
    pt_map(&lo, VA_CODE, (uint64_t)exec_page, 3, S1_NORMAL | S1_RO);
    pt_map(&lo, VA_CODE_PXN, (uint64_t)exec_page, 3, S1_NORMAL | S1_RO | DESC_PXN);
    pt_map(&lo, VA_CODE_XN_TBL, (uint64_t)exec_page, 3, S1_NORMAL | S1_RO);
    *pt_slot(&lo, VA_CODE_XN_TBL, 1) |= DESC_PXNTABLE;
}

static void read_case(const char *name, uint64_t va)
{
    line(name);
    say_par("PAR", at(s1e1r, va));
    say("VAL", probe_read(va));
}

static void write_case(const char *name, uint64_t va)
{
    line(name);
    say_par("PAR", at(s1e1w, va));
    probe_write(va, 0x77);
}

static uint64_t body(uint64_t arg)
{
    (void)arg;
    read_case("ok page", VA_PAGE + 0x8);
    read_case("translation L0", VA_L0_EMPTY);
    read_case("translation L1", VA_L1_EMPTY);
    read_case("translation L2", VA_L2_EMPTY);
    read_case("translation L3", VA_L3_EMPTY);
    read_case("translation: VA out of range", VA_OUT);
    read_case("translation: EPD1", VA_HIGH);
    read_case("address size: table above IPS", VA_AS_TBL);
    read_case("address size: page above IPS", VA_AS_PAGE);
    read_case("address size: block above IPS", VA_AS_BLK2);
    read_case("access flag L3", VA_AF_PAGE);
    read_case("access flag L2", VA_AF_BLK2);
    read_case("access flag L1", VA_AF_BLK1 + 0x10);
    write_case("permission L3 write RO", VA_RO_PAGE);
    write_case("permission L2 write RO", VA_RO_BLK2);
    read_case("APTable read", VA_APT_RO + 0x18);
    write_case("permission APTable write", VA_APT_RO);
    line("exec ok");
    say("VAL", probe_exec(VA_CODE));
    line("permission exec PXN");
    say("VAL", probe_exec(VA_CODE_PXN));
    line("permission exec PXNTable");
    say("VAL", probe_exec(VA_CODE_XN_TBL));
    line("permission exec XN data page");
    say("VAL", probe_exec(VA_PAGE));
    line("translation exec");
    say("VAL", probe_exec(VA_L3_EMPTY));
    read_case("TBI tagged read", VA_TBI + 0x20);
    return fault_count;
}

int main(void);
int main(void)
{
    for (unsigned n = 1; n <= 5; n++)
        frame_fill(n);
    build();
    /* TTBR1 walks disabled (EPD1); 32-bit IPS; TBI0. */
    uint64_t tcr = FIELD_PREP(TCR_T0SZ, 16) | FIELD_PREP(TCR_T1SZ, 16) | TCR_WALK0 | TCR_EPD1 |
                   FIELD_PREP(TCR_TG0, TG0_4K) | FIELD_PREP(TCR_TG1, TG1_4K) |
                   FIELD_PREP(TCR_IPS, 0) | TCR_TBI0;
    el1_mmu_on(tcr, ttbr_of(lo.root, 0), 0);
    say("EL1 faults", run_el1(body, 0));
    return 0;
}
