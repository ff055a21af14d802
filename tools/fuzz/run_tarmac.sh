#!/usr/bin/env bash
# Coverage-guided fuzzing of the Tarmac reader with libFuzzer (clang), ASan
# and UBSan: tools/fuzz/run_tarmac.sh [SECONDS]  (default 300). Seeds are
# the sample traces in tests/data/tarmac; crashes go to tools/fuzz/crash-*;
# the corpus to tools/fuzz/corpus-tarmac/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-300}
out=build-fuzz
mkdir -p $out tools/fuzz/corpus-tarmac
clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Isim sim/tarmac.c sim/tarmac_lex.c sim/tarmac_parse*.c tools/fuzz/fuzz_tarmac.c \
    -o $out/fuzz_tarmac
$out/fuzz_tarmac -max_total_time="$secs" -max_len=16384 -artifact_prefix=tools/fuzz/ \
    tools/fuzz/corpus-tarmac tests/data/tarmac
