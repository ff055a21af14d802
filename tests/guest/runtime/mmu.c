/* Turning translation on and off for each regime, from EL2. The order is
 * the architectural one: registers, then DSB + TLBI for the regime + DSB +
 * ISB, then SCTLR.M / HCR_EL2.VM and an ISB (Arm DDI0487 D8.14,
 * "Translation table maintenance"). */
#include "guest.h"

uint64_t ttbr_of(uint64_t pa, uint64_t asid)
{
    /* 52-bit table base: PA[51:48] in TTBR[5:2] (DDI0487 D19 TTBR0_EL1.BADDR). */
    return (pa & GENMASK64(47, 1)) | FIELD_PREP(TTBR_BADDR_52_HI, pa >> 48) |
           FIELD_PREP(TTBR_ASID, asid);
}

void el2_mmu_on(const struct pt *pt, uint64_t tcr)
{
    write_sysreg(MAIR_VALUE, mair_el2);
    write_sysreg(tcr, tcr_el2);
    write_sysreg(ttbr_of(pt->root, 0), ttbr0_el2);
    dsb(ish);
    tlbi_all(alle2);
    dsb(ish);
    isb();
    write_sysreg(read_sysreg(sctlr_el2) | SCTLR_MMU_ON, sctlr_el2);
    isb();
}

void el2_mmu_off(void)
{
    write_sysreg(read_sysreg(sctlr_el2) & ~SCTLR_MMU_ON, sctlr_el2);
    isb();
}

void el1_mmu_on(uint64_t tcr, uint64_t ttbr0, uint64_t ttbr1)
{
    write_sysreg(MAIR_VALUE, mair_el1);
    write_sysreg(tcr, tcr_el1);
    write_sysreg(ttbr0, ttbr0_el1);
    write_sysreg(ttbr1, ttbr1_el1);
    dsb(ish);
    tlbi_all(vmalle1);
    dsb(ish);
    isb();
    write_sysreg(read_sysreg(sctlr_el1) | SCTLR_MMU_ON, sctlr_el1);
    isb();
}

void el1_mmu_off(void)
{
    write_sysreg(read_sysreg(sctlr_el1) & ~SCTLR_MMU_ON, sctlr_el1);
    isb();
}

void s2_on(uint64_t vtcr, uint64_t vttbr)
{
    write_sysreg(vtcr, vtcr_el2);
    write_sysreg(vttbr, vttbr_el2);
    dsb(ish);
    tlbi_all(vmalls12e1);
    dsb(ish);
    isb();
    write_sysreg(read_sysreg(hcr_el2) | HCR_VM, hcr_el2);
    isb();
}

void s2_off(void)
{
    write_sysreg(read_sysreg(hcr_el2) & ~HCR_VM, hcr_el2);
    isb();
}
