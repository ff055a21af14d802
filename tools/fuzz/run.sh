#!/usr/bin/env bash
# Coverage-guided fuzzing of the walker with libFuzzer (clang), ASan and
# UBSan: tools/fuzz/run.sh [SECONDS]  (default 300). Crashes are written to
# tools/fuzz/crash-*; the corpus to tools/fuzz/corpus-walk/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-300}
out=build-fuzz
mkdir -p $out tools/fuzz/corpus-walk
clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Immu -Itests/support mmu/*.c tests/support/walk_fuzz.c tools/fuzz/fuzz_walk.c -o $out/fuzz_walk
$out/fuzz_walk -max_total_time="$secs" -max_len=8192 -artifact_prefix=tools/fuzz/ tools/fuzz/corpus-walk
