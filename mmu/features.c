/* ID registers -> what the CPU implements. Decoded once per ID write.
 * Field meanings: Arm DDI0487 D19.2 (ID_AA64MMFR0_EL1, ID_AA64MMFR1_EL1,
 * ID_AA64MMFR2_EL1, ID_AA64ISAR0_EL1); reference notes section 3. */
#include "internal.h"
#include "sysreg.h"

/* TGran4 and TGran64 are signed fields (0xF = not implemented); TGran16 is
 * unsigned (0 = not implemented). */
static int signed_field(uint64_t reg, uint64_t mask)
{
    int v = (int)FIELD_GET(mask, reg);
    return v >= 8 ? v - 16 : v;
}

void decode_features(mmu_cpu *cpu)
{
    uint64_t mmfr0 = cpu->reg[MMU_ID_AA64MMFR0_EL1];
    uint64_t mmfr1 = cpu->reg[MMU_ID_AA64MMFR1_EL1];
    uint64_t mmfr2 = cpu->reg[MMU_ID_AA64MMFR2_EL1];
    uint64_t isar0 = cpu->reg[MMU_ID_AA64ISAR0_EL1];
    mmu_features *f = &cpu->feat;

    unsigned parange = (unsigned)FIELD_GET(MMFR0_PARANGE, mmfr0);
    f->pa_bits = (uint8_t)pa_range_bits(parange > 6 ? 6 : parange);
    f->lpa = f->pa_bits == 52;

    int tg4 = signed_field(mmfr0, MMFR0_TGRAN4);
    int tg64 = signed_field(mmfr0, MMFR0_TGRAN64);
    unsigned tg16 = (unsigned)FIELD_GET(MMFR0_TGRAN16, mmfr0);
    f->s1_granule[0] = tg4 >= 0;
    f->s1_granule[1] = tg16 >= 1;
    f->s1_granule[2] = tg64 >= 0;
    /* 52-bit (LPA2) encodings: TGran4 = 1, TGran16 = 2. */
    f->s1_lpa2[0] = tg4 >= 1;
    f->s1_lpa2[1] = tg16 >= 2;
    f->s1_lpa2[2] = false;

    /* TGranX_2: 0 = as stage 1, 1 = not implemented, 2 = implemented,
     * 3 = implemented with 52-bit (DDI0487 "Alternative ID scheme used for
     * ID_AA64MMFR0_EL1 stage 2 granule sizes"). Stage-2 LPA2 is also
     * implied by 0 with the stage-1 field saying LPA2 (notes section 8.3). */
    static const uint64_t s2_fields[3] = {MMFR0_TGRAN4_2, MMFR0_TGRAN16_2, MMFR0_TGRAN64_2};
    for (int i = 0; i < 3; i++) {
        unsigned v = (unsigned)FIELD_GET(s2_fields[i], mmfr0);
        f->s2_granule[i] = v == 0 ? f->s1_granule[i] : v >= 2;
        f->s2_lpa2[i] = i < 2 && (v == 0 ? f->s1_lpa2[i] : v >= 3);
    }

    f->hafdbs_af = FIELD_GET(MMFR1_HAFDBS, mmfr1) >= 1;
    f->hafdbs_dirty = FIELD_GET(MMFR1_HAFDBS, mmfr1) >= 2;
    f->vmid16 = FIELD_GET(MMFR1_VMIDBITS, mmfr1) == 2;
    f->hpds = FIELD_GET(MMFR1_HPDS, mmfr1) >= 1;
    f->pan = FIELD_GET(MMFR1_PAN, mmfr1) >= 1;
    f->xnx = FIELD_GET(MMFR1_XNX, mmfr1) >= 1;
    f->asid16 = FIELD_GET(MMFR0_ASIDBITS, mmfr0) == 2;

    f->lva = FIELD_GET(MMFR2_VARANGE, mmfr2) >= 1;
    f->ttst = FIELD_GET(MMFR2_ST, mmfr2) >= 1;
    f->ttl = FIELD_GET(MMFR2_TTL, mmfr2) >= 1;
    f->e0pd = FIELD_GET(MMFR2_E0PD, mmfr2) >= 1;

    f->tlbios = FIELD_GET(ISAR0_TLB, isar0) >= 1;
    f->tlbirange = FIELD_GET(ISAR0_TLB, isar0) >= 2;
}
