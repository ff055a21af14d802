/* Arm semihosting through HLT #0xF000 (A64), as QEMU's -semihosting offers
 * it: the operation number in W0, its parameter (or parameter block
 * address) in X1, the result in X0. Supported: SYS_OPEN (":tt" only),
 * SYS_CLOSE, SYS_WRITEC, SYS_WRITE0, SYS_WRITE, SYS_ISTTY, SYS_ERRNO,
 * SYS_EXIT and SYS_EXIT_EXTENDED. Any other operation stops the run with a
 * message (QEMU aborts too). Source: Arm "Semihosting for AArch32 and
 * AArch64", version 2.0 (IHI0087 / DUI0471), sections 5.x. */
#ifndef MMUSIM_SEMIHOST_H
#define MMUSIM_SEMIHOST_H

#include <stdint.h>

#include "machine.h"

/* The encoding of HLT #0xF000. */
#define SEMIHOST_HLT_INSN UINT32_C(0xD45E0000)

/* Performs the call in X0/X1 for the HLT at pc (the caller advances the
 * PC). May stop the run (exit, unsupported operation). */
void semihost_call(machine *m, uint64_t pc);

#endif
