/* The state the trace writer and reader share to predict and delta-encode
 * records (docs/trace.md "Encoding"): both sides update it identically
 * after each record, so a field equal to its prediction costs no byte.
 * Private to trace_write.c and trace_read.c. */
#ifndef MMUSIM_TRACE_CODEC_H
#define MMUSIM_TRACE_CODEC_H

#include <stdint.h>

#include "trace.h"

/* Numbers the format takes from mmu/'s enums (docs/trace.md): changing
 * any of them changes the format (TRACE_VERSION). */
_Static_assert(MMU_ID_AA64MMFR0_EL1 == 0 && MMU_ID_AA64MMFR1_EL1 == 1 &&
                   MMU_ID_AA64MMFR2_EL1 == 2 && MMU_ID_AA64ISAR0_EL1 == 3 &&
                   MMU_SCTLR_EL1 == 4 && MMU_TCR_EL1 == 5 && MMU_TTBR0_EL1 == 6 &&
                   MMU_TTBR1_EL1 == 7 && MMU_MAIR_EL1 == 8 && MMU_SCTLR_EL2 == 9 &&
                   MMU_TCR_EL2 == 10 && MMU_TTBR0_EL2 == 11 && MMU_TTBR1_EL2 == 12 &&
                   MMU_MAIR_EL2 == 13 && MMU_HCR_EL2 == 14 && MMU_VTCR_EL2 == 15 &&
                   MMU_VTTBR_EL2 == 16 && MMU_REG_COUNT == 17,
               "trace format: register numbers (docs/trace.md)");
_Static_assert(MMU_ACC_READ == 0 && MMU_ACC_WRITE == 1 && MMU_ACC_FETCH == 2,
               "trace format: access kinds");
_Static_assert(MMU_FAULT_ADDRESS_SIZE == 1 && MMU_FAULT_TRANSLATION == 2 &&
                   MMU_FAULT_ACCESS_FLAG == 3 && MMU_FAULT_PERMISSION == 4 &&
                   MMU_FAULT_EXTERNAL_WALK == 5,
               "trace format: fault types");
_Static_assert(MMU_TLB_BOUNDED == 0 && MMU_TLB_NONE == 1 && MMU_TLB_UNBOUNDED == 2 &&
                   MMU_TLB_LRU == 0 && MMU_TLB_FIFO == 1 && MMU_TLB_RANDOM == 2,
               "trace format: TLB modes and policies");

/* The longest LEB128 encoding of a 64-bit value. */
#define TRACE_VARINT_MAX 10

typedef struct trace_codec {
    /* ACCESS predictors, by access kind (fetches and data interleave) */
    uint64_t last_va[3];
    uint64_t va_stride[3];
    uint64_t last_pc[3];
    uint64_t last_icount;
    uint64_t icount_stride;
    uint8_t ctx;          /* the last EXTRA byte's context bits */
    /* other records */
    uint64_t last_pc_other;
    uint64_t last_store_pa;
} trace_codec;

/* Context bits of the EXTRA byte: everything but FAULT. */
#define TRACE_X_CTX (TRACE_X_EL | TRACE_X_PAN | TRACE_X_UNPRIV | TRACE_X_S1_ONLY | TRACE_X_NO_UPDATE)

static inline void trace_codec_init(trace_codec *c)
{
    *c = (trace_codec){.ctx = 0};
}

/* Signed deltas as unsigned varints: 0, -1, 1, -2, ... -> 0, 1, 2, 3. */
static inline uint64_t trace_zigzag(uint64_t delta)
{
    return (delta << 1) ^ (uint64_t)-(int64_t)(delta >> 63);
}

static inline uint64_t trace_unzigzag(uint64_t z)
{
    return (z >> 1) ^ (uint64_t)-(int64_t)(z & 1);
}

static inline uint8_t trace_ctx_of(const mmu_access *a)
{
    return (uint8_t)((a->el & TRACE_X_EL) | (a->pan ? TRACE_X_PAN : 0) |
                     (a->unpriv ? TRACE_X_UNPRIV : 0) | (a->s1_only ? TRACE_X_S1_ONLY : 0) |
                     (a->no_update ? TRACE_X_NO_UPDATE : 0));
}

static inline void trace_ctx_apply(uint8_t ctx, mmu_access *a)
{
    a->el = ctx & TRACE_X_EL;
    a->pan = ctx & TRACE_X_PAN;
    a->unpriv = ctx & TRACE_X_UNPRIV;
    a->s1_only = ctx & TRACE_X_S1_ONLY;
    a->no_update = ctx & TRACE_X_NO_UPDATE;
}

/* Fault bytes: type (bits 2:0), stage 2 (bit 3), S1PTW (bit 4); then the
 * level + 1 (0..4). */
#define TRACE_F_TYPE 0x07
#define TRACE_F_STAGE2 0x08
#define TRACE_F_S1PTW 0x10

#endif
