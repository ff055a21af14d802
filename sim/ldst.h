/* Decoding the memory access of an A64 instruction: which address it uses,
 * how many bytes, read or write, and the Data Abort instruction syndrome
 * (ISV, SAS, SSE, SRT, SF, AR). Unicorn's fill hook only sees a 1 KiB
 * aligned address; the exact address of an access (FAR_ELx) and the
 * instruction behind a fill come from here.
 *
 * Encodings: Arm DDI0487 C4.1.66 "Loads and Stores" (the load/store
 * encoding groups); ISS fields: D24.2.40 ESR_ELx, "ISS encoding for an
 * exception from a Data Abort". */
#ifndef MMUSIM_LDST_H
#define MMUSIM_LDST_H

#include <stdbool.h>
#include <stdint.h>

/* Reads register n of the instruction's context: X0..X30, and for n = 31
 * either SP (as a base register) or XZR. */
typedef uint64_t (*ldst_reg_reader)(void *ctx, unsigned n, bool is_sp);

typedef struct ldst_info {
    bool is_mem;          /* the instruction accesses data memory */
    uint64_t addr;        /* lowest address accessed (before any writeback) */
    uint32_t bytes;       /* bytes accessed from addr (upper bound for SIMD
                             structure forms) */
    bool read, write;     /* atomics do both */
    bool unpriv;          /* LDTR/STTR family: EL0 permissions at EL1 */
    /* Instruction syndrome, valid when isv (single general-purpose
     * register, no writeback). */
    bool isv;
    uint8_t sas;          /* log2 of the access size */
    bool sse;             /* sign-extending load */
    uint8_t srt;          /* Rt */
    bool sf;              /* Rt is a 64-bit register */
    bool ar;              /* acquire/release semantics */
} ldst_info;

/* Decodes insn at pc. Returns true for a data memory access (and fills
 * *out), false otherwise. DC ZVA and other cache maintenance by VA are
 * reported as writes of one byte at Xt. */
bool ldst_decode(uint32_t insn, uint64_t pc, ldst_reg_reader reg, void *ctx, ldst_info *out);

#endif
