#!/usr/bin/env bash
# Sets up (tools/setup.sh), builds and runs every test with ctest; in CI (or
# with MMUSIM_SANITIZE=1) the suite also runs once under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

if [ "${CI:-}" = "true" ] || [ "${MMUSIM_SANITIZE:-}" = "1" ]; then
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMMUSIM_SANITIZE=ON >/dev/null
    cmake --build build-asan -j"$jobs"
    # tools/lsan.supp: a leak inside Unicorn itself.
    ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions="$PWD/tools/lsan.supp" \
        UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir build-asan --output-on-failure -j"$jobs"
fi
