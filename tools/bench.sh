#!/usr/bin/env bash
# Builds the benchmarks (build/, RelWithDebInfo) and runs every
# tools/bench_*.c, one after the other, each with the sizes below (the
# issue goals' sizes; --quick: a tenth or less, for a smoke run). Prints
# each command before its figures. Benchmarks are never part of ctest.
#
#   tools/bench.sh [--quick]        JOBS=N sets the build's parallelism (2)
#
# Every figure a benchmark prints is a ratio against a baseline it measured
# in the same run: on a shared machine absolute times vary run to run.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
case "${1:-}" in
    --quick) quick=1 ;;
    "") ;;
    *) echo "usage: tools/bench.sh [--quick]" >&2; exit 2 ;;
esac

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"${JOBS:-2}" >/dev/null

# Arguments for one benchmark: full size, then quick size.
args_for() {
    case "$1" in
        bench_walk)    echo "2000000|200000" ;;
        bench_tlb)     echo "20000000|2000000" ;;
        bench_walklog) echo "1000000|100000" ;;
        bench_tarmac)  echo "--lines 10000000|--lines 1000000" ;;
        bench_replay)  echo "2000000 /tmp|200000 /tmp" ;;
        bench_machine) echo "100000000 10000000 1000000 3|10000000 1000000 100000 1" ;;
        *)             echo "|" ;;
    esac
}

for src in tools/bench_*.c; do
    name=$(basename "$src" .c)
    both=$(args_for "$name")
    if [ $quick -eq 1 ]; then args=${both#*|}; else args=${both%|*}; fi
    echo "\$ build/tools/$name $args"
    # shellcheck disable=SC2086 # the arguments are meant to split
    build/tools/"$name" $args
    echo
done
