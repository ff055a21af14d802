/* Fault information -> architectural syndromes: DFSC/IFSC, ESR ISS,
 * HPFAR_EL2, PAR_EL1. The encoders live only here.
 * ASL EncodeLDFSC, AArch64.EncodePAR; Arm DDI0487 D24.2 (ESR_ELx ISS
 * encodings for Data/Instruction Aborts, HPFAR_EL2, PAR_EL1). */
#include "bits.h"
#include "mmu.h"

/* DFSC/IFSC codes, long-descriptor format (ASL EncodeLDFSC): the level
 * -1 forms have codes of their own. */
uint8_t mmu_fsc(const mmu_fault *f)
{
    int level = f->level;
    switch (f->type) {
    case MMU_FAULT_ADDRESS_SIZE:
        return level < 0 ? 0x29 : (uint8_t)(0x00 + level);
    case MMU_FAULT_TRANSLATION:
        return level < 0 ? 0x2b : (uint8_t)(0x04 + level);
    case MMU_FAULT_ACCESS_FLAG:
        return (uint8_t)(0x08 + (level < 0 ? 0 : level));
    case MMU_FAULT_PERMISSION:
        return (uint8_t)(0x0c + (level < 0 ? 0 : level));
    case MMU_FAULT_EXTERNAL_WALK:
        return level < 0 ? 0x13 : (uint8_t)(0x14 + level);
    case MMU_FAULT_NONE:
        break;
    }
    return 0;
}

#define ISS_FSC GENMASK64(5, 0)
#define ISS_WNR BIT64(6)
#define ISS_S1PTW BIT64(7)
#define ISS_CM BIT64(8)

uint32_t mmu_dabt_iss(const mmu_fault *f, bool cm)
{
    uint64_t iss = FIELD_PREP(ISS_FSC, mmu_fsc(f));
    /* WnR: for cache maintenance (CM=1) it is 1 (DDI0487 D24.2 ESR_ELx). */
    if (f->write || cm)
        iss |= ISS_WNR;
    if (f->s1ptw)
        iss |= ISS_S1PTW;
    if (cm)
        iss |= ISS_CM;
    return (uint32_t)iss;
}

uint32_t mmu_iabt_iss(const mmu_fault *f)
{
    uint64_t iss = FIELD_PREP(ISS_FSC, mmu_fsc(f));
    if (f->s1ptw)
        iss |= ISS_S1PTW;
    return (uint32_t)iss;
}

/* HPFAR_EL2.FIPA[43:4] = IPA[51:12] (with FEAT_LPA/LPA2; without them the
 * IPA has no bits above 47 so the same placement holds). */
#define HPFAR_FIPA GENMASK64(43, 4)

uint64_t mmu_hpfar(uint64_t ipa) { return FIELD_PREP(HPFAR_FIPA, ipa >> 12); }

#define PAR_F BIT64(0)
#define PAR_FST GENMASK64(6, 1)
#define PAR_SH GENMASK64(8, 7)
#define PAR_PTW BIT64(8)
#define PAR_NS BIT64(9)
#define PAR_S BIT64(9)
#define PAR_RES1 BIT64(11)
#define PAR_PA GENMASK64(51, 12)
#define PAR_ATTR GENMASK64(63, 56)

/* F=0: PA[51:12], ATTR, SH; bit 11 is RES1. NS is UNKNOWN for a
 * Non-secure translation regime: like QEMU we report 1, the security state
 * of every access mmusim models. */
uint64_t mmu_par_success(uint64_t pa, mmu_memattr attr)
{
    return (pa & PAR_PA) | FIELD_PREP(PAR_ATTR, attr.attr) | FIELD_PREP(PAR_SH, attr.sh) | PAR_NS | PAR_RES1;
}

/* F=1: FST, PTW (stage-2 fault on the stage-1 walk), S (stage 2). */
uint64_t mmu_par_fault(const mmu_fault *f)
{
    uint64_t par = PAR_F | PAR_RES1 | FIELD_PREP(PAR_FST, mmu_fsc(f));
    if (f->s1ptw)
        par |= PAR_PTW;
    if (f->stage == 2)
        par |= PAR_S;
    return par;
}
