/* libFuzzer harness for the walker; see tools/fuzz/run.sh. */
#include <stdio.h>
#include <stdlib.h>

#include "walk_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[256];
    if (walk_fuzz_one(data, size, why, sizeof why)) {
        fprintf(stderr, "walker invariant broken: %s\n", why);
        abort();
    }
    return 0;
}
