/* Field helpers for architectural registers and descriptors, after Linux's
 * GENMASK/FIELD_GET/FIELD_PREP: every field is a named mask, never a bare
 * shift scattered through the code. Internal to mmu/ and sim/. */
#ifndef MMU_BITS_H
#define MMU_BITS_H

#include <stdint.h>

/* Bits hi..lo set (inclusive), 0 <= lo <= hi <= 63. */
#define GENMASK64(hi, lo) ((~UINT64_C(0) >> (63 - (hi))) & (~UINT64_C(0) << (lo)))
#define BIT64(n) (UINT64_C(1) << (n))

static inline unsigned field_shift(uint64_t mask) { return (unsigned)__builtin_ctzll(mask); }

/* The value of field `mask` in `reg`, shifted down. */
#define FIELD_GET(mask, reg) (((uint64_t)(reg) & (mask)) >> field_shift(mask))
/* `val` placed in field `mask` (bits outside the field dropped). */
#define FIELD_PREP(mask, val) (((uint64_t)(val) << field_shift(mask)) & (mask))

/* FIELD_PREP for static initializers (constant mask and value): GCC and
 * clang fold __builtin_ctzll of a constant. */
#define FIELD_PREP_CONST(mask, val) (((uint64_t)(val) << __builtin_ctzll(mask)) & (mask))

/* Sign-extend `v` from bit `bit` (bit is the sign bit). */
static inline uint64_t sext64(uint64_t v, unsigned bit)
{
    unsigned sh = 63 - bit;
    return (uint64_t)((int64_t)(v << sh) >> sh);
}

#endif
