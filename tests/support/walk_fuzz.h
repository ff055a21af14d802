/* A walker fuzz target shared by the libFuzzer harness (tools/fuzz/) and
 * the deterministic random test (tests/test_walk_fuzz.c): bytes become
 * registers, table memory and accesses; the walker must never crash and
 * its answers must keep the architecture's invariants. */
#ifndef MMUSIM_WALK_FUZZ_H
#define MMUSIM_WALK_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input. Returns 0, or -1 with the broken invariant in `why`. */
int walk_fuzz_one(const uint8_t *data, size_t size, char *why, size_t whylen);

#endif
