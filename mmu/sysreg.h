/* Field masks of the system registers the engine decodes. One place for
 * these facts; sources: Arm DDI0487 chapter D19/D24 register descriptions
 * (see ../shared/reference/aarch64-translation-notes.md sections 2.1, 3). */
#ifndef MMU_SYSREG_H
#define MMU_SYSREG_H

#include "bits.h"

/* ID_AA64MMFR0_EL1 */
#define MMFR0_PARANGE GENMASK64(3, 0)
#define MMFR0_ASIDBITS GENMASK64(7, 4)
#define MMFR0_TGRAN16 GENMASK64(23, 20)   /* 0 NI, 1 yes, 2 yes + 52-bit */
#define MMFR0_TGRAN64 GENMASK64(27, 24)   /* 0 yes, 0xF NI */
#define MMFR0_TGRAN4 GENMASK64(31, 28)    /* 0 yes, 1 yes + 52-bit, 0xF NI */
#define MMFR0_TGRAN16_2 GENMASK64(35, 32) /* 0 as stage 1, 1 NI, 2 yes, 3 52-bit */
#define MMFR0_TGRAN64_2 GENMASK64(39, 36)
#define MMFR0_TGRAN4_2 GENMASK64(43, 40)

/* ID_AA64MMFR1_EL1 */
#define MMFR1_HAFDBS GENMASK64(3, 0)      /* 1 AF, 2 AF + dirty */
#define MMFR1_VMIDBITS GENMASK64(7, 4)    /* 0 8-bit, 2 16-bit */
#define MMFR1_VH GENMASK64(11, 8)         /* FEAT_VHE: HCR_EL2.E2H */
#define MMFR1_HPDS GENMASK64(15, 12)
#define MMFR1_PAN GENMASK64(23, 20)
#define MMFR1_XNX GENMASK64(31, 28)

/* ID_AA64MMFR2_EL1 */
#define MMFR2_CNP GENMASK64(3, 0)         /* FEAT_TTCNP: TTBR.CnP */
#define MMFR2_VARANGE GENMASK64(19, 16)   /* 1: 52-bit VA with 64K (FEAT_LVA) */
#define MMFR2_ST GENMASK64(31, 28)        /* FEAT_TTST */
#define MMFR2_TTL GENMASK64(51, 48)
#define MMFR2_BBM GENMASK64(55, 52)       /* FEAT_BBM level */
#define MMFR2_E0PD GENMASK64(63, 60)

/* ID_AA64ISAR0_EL1 */
#define ISAR0_TLB GENMASK64(59, 56)       /* 1 TLBIOS, 2 TLBIOS + range */

/* TCR_EL1, and TCR_EL2 when HCR_EL2.E2H = 1 */
#define TCR_T0SZ GENMASK64(5, 0)
#define TCR_EPD0 BIT64(7)
#define TCR_IRGN0 GENMASK64(9, 8)
#define TCR_ORGN0 GENMASK64(11, 10)
#define TCR_SH0 GENMASK64(13, 12)
#define TCR_TG0 GENMASK64(15, 14)         /* 00 4K, 01 64K, 10 16K */
#define TCR_T1SZ GENMASK64(21, 16)
#define TCR_A1 BIT64(22)
#define TCR_EPD1 BIT64(23)
#define TCR_IRGN1 GENMASK64(25, 24)
#define TCR_ORGN1 GENMASK64(27, 26)
#define TCR_SH1 GENMASK64(29, 28)
#define TCR_TG1 GENMASK64(31, 30)         /* 01 16K, 10 4K, 11 64K */
#define TCR_IPS GENMASK64(34, 32)
#define TCR_AS BIT64(36)
#define TCR_TBI0 BIT64(37)
#define TCR_TBI1 BIT64(38)
#define TCR_HA BIT64(39)
#define TCR_HD BIT64(40)
#define TCR_HPD0 BIT64(41)
#define TCR_HPD1 BIT64(42)
#define TCR_E0PD0 BIT64(55)
#define TCR_E0PD1 BIT64(56)
#define TCR_DS BIT64(59)

/* TCR_EL2 when HCR_EL2.E2H = 0 (one VA range) */
#define TCR2_T0SZ GENMASK64(5, 0)
#define TCR2_IRGN0 GENMASK64(9, 8)
#define TCR2_ORGN0 GENMASK64(11, 10)
#define TCR2_SH0 GENMASK64(13, 12)
#define TCR2_TG0 GENMASK64(15, 14)
#define TCR2_PS GENMASK64(18, 16)
#define TCR2_TBI BIT64(20)
#define TCR2_HA BIT64(21)
#define TCR2_HD BIT64(22)
#define TCR2_HPD BIT64(24)
#define TCR2_DS BIT64(32)

/* VTCR_EL2 */
#define VTCR_T0SZ GENMASK64(5, 0)
#define VTCR_SL0 GENMASK64(7, 6)
#define VTCR_IRGN0 GENMASK64(9, 8)
#define VTCR_ORGN0 GENMASK64(11, 10)
#define VTCR_SH0 GENMASK64(13, 12)
#define VTCR_TG0 GENMASK64(15, 14)        /* same encoding as TCR.TG0 */
#define VTCR_PS GENMASK64(18, 16)
#define VTCR_VS BIT64(19)
#define VTCR_HA BIT64(21)
#define VTCR_HD BIT64(22)
#define VTCR_DS BIT64(32)
#define VTCR_SL2 BIT64(33)

/* TTBRn_ELx, VTTBR_EL2 */
#define TTBR_ASID GENMASK64(63, 48)       /* VTTBR: VMID */
#define TTBR_BADDR GENMASK64(47, 1)
#define TTBR_BADDR_52_HI GENMASK64(5, 2)  /* table base [51:48] in 52-bit forms */
#define TTBR_CNP BIT64(0)

/* SCTLR_ELx */
#define SCTLR_M BIT64(0)
#define SCTLR_C BIT64(2)
#define SCTLR_I BIT64(12)
#define SCTLR_WXN BIT64(19)
#define SCTLR_SPAN BIT64(23)

/* HCR_EL2 */
#define HCR_VM BIT64(0)
#define HCR_PTW BIT64(2)
#define HCR_DC BIT64(12)
#define HCR_TGE BIT64(27)
#define HCR_RW BIT64(31)
#define HCR_CD BIT64(32)
#define HCR_ID BIT64(33)
#define HCR_E2H BIT64(34)

/* Encoding of PARange / IPS / PS: output size in bits (0..6). */
static inline unsigned pa_range_bits(unsigned enc)
{
    static const unsigned char bits[8] = {32, 36, 40, 42, 44, 48, 52, 52};
    return bits[enc & 7];
}

#endif
