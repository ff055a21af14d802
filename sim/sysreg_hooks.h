/* System register and system instruction hooks (Unicorn UC_HOOK_INSN with
 * MRS, MSR and SYS). Every translation register (SCTLR, TCR, TTBR0/1, MAIR
 * of EL1 and EL2, HCR_EL2, VTCR_EL2, VTTBR_EL2) and the ID registers that
 * describe translation features (ID_AA64MMFR0/1/2_EL1, ID_AA64ISAR0_EL1) are
 * served from the mmu_cpu shadow, with the VHE aliases (*_EL12, *_EL1 at EL2
 * with HCR_EL2.E2H = 1), EL checks and the HCR_EL2.TVM/TRVM/TTLB traps. TLBI
 * instructions are decoded by mmu/tlbi.h and drop Unicorn's cached
 * translations; the rest (ELR, SPSR, ESR, FAR, VBAR, PAR...) stays in
 * Unicorn's CPU, where exception.c and the guest's ERET find it.
 *
 * Encodings: Arm DDI0487 D19 (system register index by encoding), C5.3
 * (MRS/MSR), ISS for EC 0x18: D24.2.40. */
#ifndef MMUSIM_SYSREG_HOOKS_H
#define MMUSIM_SYSREG_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"
#include "sysreg.h"

typedef struct sysreg_enc {
    uint8_t op0, op1, crn, crm, op2;
} sysreg_enc;

#define SYSREG_ENC(o0, o1, n, m, o2) ((sysreg_enc){(o0), (o1), (n), (m), (o2)})
#define SYSREG_SPSR_EL1 SYSREG_ENC(3, 0, 4, 0, 0)
#define SYSREG_SPSR_EL2 SYSREG_ENC(3, 4, 4, 0, 0)
#define SYSREG_HPFAR_EL2 SYSREG_ENC(3, 4, 6, 0, 4)
#define SYSREG_HCR_EL2 SYSREG_ENC(3, 4, 1, 1, 0)
#define SYSREG_SCR_EL3 SYSREG_ENC(3, 6, 1, 1, 0)

/* ISS of a trapped MSR/MRS (EC 0x18). */
#define SYSREG_ISS_DIR BIT64(0) /* 1: read (MRS) */
#define SYSREG_ISS_CRM GENMASK64(4, 1)
#define SYSREG_ISS_RT GENMASK64(9, 5)
#define SYSREG_ISS_CRN GENMASK64(13, 10)
#define SYSREG_ISS_OP1 GENMASK64(16, 14)
#define SYSREG_ISS_OP2 GENMASK64(19, 17)
#define SYSREG_ISS_OP0 GENMASK64(21, 20)

/* HCR_EL2 trap controls (DDI0487 D19.2.48). */
#define HCR_TTLB BIT64(25)
#define HCR_TVM BIT64(26)
#define HCR_TRVM BIT64(30)

/* Writes a register of Unicorn's CPU by encoding. */
void sysreg_write_cpu(machine *m, sysreg_enc e, uint64_t value);
/* Reads one; false when Unicorn does not know the encoding. */
bool sysreg_read_cpu(machine *m, sysreg_enc e, uint64_t *value);
/* The HCR_EL2 Unicorn's CPU should hold for a shadow value: the bits that
 * change which registers and regime QEMU's own code uses (E2H, TGE) and RW
 * (EL1 is AArch64); traps and stage 2 are ours. */
uint64_t sysreg_hcr_for_cpu(uint64_t hcr);

/* Installs the MRS, MSR and SYS hooks. 0, or -1 with a message. */
int sysreg_install(machine *m, char *err, size_t errlen);

#endif
