/* Taking exceptions: Unicorn never takes one itself, so every synchronous
 * exception — aborts from the engine, SVC, HVC, SMC, BRK, undefined
 * instructions, system register traps — is built here: routing (target EL,
 * HCR_EL2.TGE, stage-2 faults to EL2), ESR_ELx, ELR_ELx, SPSR_ELx, FAR_ELx,
 * HPFAR_EL2, the new PSTATE, SP banking and the vector.
 *
 * Arm DDI0487 D1.10 "Exception entry" (AArch64.TakeException), D1.10.2
 * "Exception vectors", D24.2.40 ESR_ELx (exception classes and ISS
 * encodings), D1.3.4 routing of synchronous exceptions (AArch64.TakeException
 * callers: AArch64.Abort, AArch64.CallSupervisor, AArch64.CallHypervisor). */
#ifndef MMUSIM_EXCEPTION_H
#define MMUSIM_EXCEPTION_H

#include <stdbool.h>
#include <stdint.h>

#include "bits.h"
#include "machine.h"

/* Exception classes (ESR_ELx.EC). */
enum {
    EC_UNKNOWN = 0x00,
    EC_SVC64 = 0x15,
    EC_HVC64 = 0x16,
    EC_SMC64 = 0x17,
    EC_SYSREG = 0x18,
    EC_IABT_LOWER = 0x20,
    EC_IABT_SAME = 0x21,
    EC_DABT_LOWER = 0x24,
    EC_DABT_SAME = 0x25,
    EC_BRK64 = 0x3C,
};

#define ESR_EC GENMASK64(31, 26)
#define ESR_IL BIT64(25)
#define ESR_ISS GENMASK64(24, 0)

/* Data Abort ISS fields beyond what mmu_dabt_iss fills (DFSC, WnR, S1PTW, CM). */
#define DABT_ISS_EA BIT64(9)
#define DABT_ISS_AR BIT64(14)
#define DABT_ISS_SF BIT64(15)
#define DABT_ISS_SRT GENMASK64(20, 16)
#define DABT_ISS_SSE BIT64(21)
#define DABT_ISS_SAS GENMASK64(23, 22)
#define DABT_ISS_ISV BIT64(24)
/* Fault status code of a synchronous external abort not on a walk. */
#define FSC_SEA 0x10

/* PSTATE / SPSR_ELx fields (AArch64 view, DDI0487 C5.2.18 SPSR_EL1). */
#define PSTATE_SP BIT64(0)
#define PSTATE_EL GENMASK64(3, 2)
#define PSTATE_M GENMASK64(3, 0)
#define PSTATE_DAIF GENMASK64(9, 6)
#define PSTATE_SSBS BIT64(12)
#define PSTATE_IL BIT64(20)
#define PSTATE_SS BIT64(21)
#define PSTATE_PAN BIT64(22)
#define PSTATE_UAO BIT64(23)
#define PSTATE_NZCV GENMASK64(31, 28)
#define PSTATE_BTYPE GENMASK64(11, 10)

#define SCTLR_DSSBS BIT64(44)

/* Vector offsets from VBAR_ELx (DDI0487 D1.10.2, table D1-7). */
#define VECTOR_CURRENT_SP0 0x000
#define VECTOR_CURRENT_SPX 0x200
#define VECTOR_LOWER_A64 0x400
#define VECTOR_SYNC 0x000

/* One exception to take. */
typedef struct exc_entry {
    machine_exc_kind kind;
    uint8_t target_el;
    uint32_t ec;
    uint32_t iss;
    uint64_t return_addr; /* ELR_ELx: the preferred return address */
    bool has_far;
    uint64_t far;
    bool has_hpfar;
    uint64_t hpfar;
} exc_entry;

/* Takes e from the current PSTATE: writes ESR/ELR/SPSR (and FAR, HPFAR),
 * banks SP, sets PSTATE (ELxh, DAIF masked, PAN per SCTLR.SPAN), jumps to
 * the synchronous vector, logs it. Stops the run if the guest is stuck
 * (the same fault again with no progress). Called from an MRS/MSR/SYS hook
 * (m->in_insn_hook), it saves the CPU state and stops Unicorn instead;
 * the run loop then calls exception_take_deferred. */
void exception_take(machine *m, const exc_entry *e);
/* Restores the state saved by a deferred exception_take and takes it. */
void exception_take_deferred(machine *m);

/* The EL a synchronous exception other than an HVC, SMC or stage-2 fault
 * from `from_el` goes to: EL1, or EL2 from EL0 with HCR_EL2.TGE = 1, never
 * below the current EL (AArch64.TakeException / routing rules R_SVJQG). */
uint8_t exception_route(const machine *m, uint8_t from_el);

/* Delivers m->abort (found by the fill hook) for the instruction at pc,
 * with the exact FAR decoded from that instruction. */
void exception_abort(machine *m, uint64_t pc);
/* A Data Abort for fault f raised by the instruction at pc (an AT whose
 * walk faulted in a way that is not reported in PAR_EL1), to target_el,
 * with FAR = far and ESR.CM = cm. */
void exception_data_abort(machine *m, uint64_t pc, uint64_t far, const mmu_fault *f,
                          uint8_t target_el, bool cm);
/* SVC/HVC/SMC #imm16 executed at pc - 4 (Unicorn reports the next PC). */
void exception_call(machine *m, machine_exc_kind kind, uint64_t next_pc, uint16_t imm16);
/* BRK #imm16 at pc. */
void exception_brk(machine *m, uint64_t pc, uint16_t imm16);
/* An undefined instruction at pc (EC 0, to EL1 or EL2 by routing). */
void exception_undefined(machine *m, uint64_t pc);
/* A trapped MSR/MRS/SYS at pc, to EL2 with EC 0x18 and this ISS. */
void exception_sysreg_trap(machine *m, uint64_t pc, uint32_t iss);

#endif
