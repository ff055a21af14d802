/* Translation table descriptor fields (VMSAv8-64, 64-bit descriptors).
 * Arm DDI0487 D8.3 "Translation table descriptor formats"; summary in
 * ../shared/reference/aarch64-translation-notes.md section 1. */
#ifndef MMU_DESC_H
#define MMU_DESC_H

#include "bits.h"

#define DESC_VALID BIT64(0)
#define DESC_TABLE BIT64(1)              /* table (level < 3) or page (level 3) */

/* Next-level table / output address fields */
#define DESC_OA_LPA2_HI GENMASK64(9, 8)  /* OA[51:50] when DS = 1 */
#define DESC_OA_LPA_HI GENMASK64(15, 12) /* OA[51:48], 64K with FEAT_LPA */

/* Lower attributes, stage 1 */
#define DESC_ATTRINDX GENMASK64(4, 2)
#define DESC_NS BIT64(5)
#define DESC_AP GENMASK64(7, 6)          /* AP[2:1] */
#define DESC_AP_EL0 BIT64(6)             /* AP[1]: EL0 access */
#define DESC_AP_RO BIT64(7)              /* AP[2]: read-only */
#define DESC_SH GENMASK64(9, 8)
#define DESC_AF BIT64(10)
#define DESC_NG BIT64(11)
/* Lower attributes, stage 2 */
#define DESC_S2_MEMATTR GENMASK64(5, 2)
#define DESC_S2AP GENMASK64(7, 6)        /* bit 6 read, bit 7 write */
#define DESC_S2AP_R BIT64(6)
#define DESC_S2AP_W BIT64(7)

/* Upper attributes */
#define DESC_DBM BIT64(51)
#define DESC_CONTIG BIT64(52)
#define DESC_PXN BIT64(53)
#define DESC_UXN BIT64(54)               /* XN in single-EL regimes */
#define DESC_S2_XN GENMASK64(54, 53)     /* XN[1:0] with FEAT_XNX */

/* Table descriptor attributes, stage 1 (ignored when HPD = 1) */
#define DESC_PXNTABLE BIT64(59)
#define DESC_UXNTABLE BIT64(60)          /* XNTable in single-EL regimes */
#define DESC_APTABLE GENMASK64(62, 61)
#define DESC_APTABLE_NO_EL0 BIT64(61)    /* APTable[0]: no EL0 access below */
#define DESC_APTABLE_RO BIT64(62)        /* APTable[1]: no write access below */
#define DESC_NSTABLE BIT64(63)

#endif
