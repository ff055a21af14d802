/* The walker against random registers, tables and accesses: no crash (the
 * suite also runs under ASan/UBSan) and the invariants of walk_fuzz.c. The
 * longer coverage-guided run is tools/fuzz/run.sh. */
#include <stdlib.h>

#include "check.h"
#include "walk_fuzz.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void random_inputs(void)
{
    static uint8_t buf[4096];
    char why[200];
    for (int iter = 0; iter < 2000; iter++) {
        size_t n = 64 + next() % (sizeof buf - 64);
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)next();
        if (walk_fuzz_one(buf, n, why, sizeof why)) {
            check_context = why;
            CHECK(!"walker invariant broken");
            return;
        }
    }
    CHECK(1);
}

TEST_MAIN(TEST(random_inputs))
