#!/usr/bin/env bash
# Coverage-guided fuzzing of the trace reader and replay with libFuzzer
# (clang), ASan and UBSan: tools/fuzz/run_trace.sh [SECONDS]  (default 300).
# Seeds: traces recorded from configs/*.json and a few guest programs with
# build/mmusim (when built); crashes go to tools/fuzz/crash-*; the corpus to
# tools/fuzz/corpus-trace/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-300}
out=build-fuzz
mkdir -p $out tools/fuzz/corpus-trace
if [ -x build/mmusim ]; then
    for f in configs/*.json build/tests/guest/{tlbi_4k,s1_faults,s2_4k_l0}.elf; do
        [ -f "$f" ] || continue
        seed=tools/fuzz/corpus-trace/seed-$(basename "${f%.*}").trace
        [ -f "$seed" ] || build/mmusim run "$f" --quiet --log /dev/null --record "$seed" \
            >/dev/null 2>&1 || true
    done
fi
clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Isim -Immu sim/trace_read.c sim/trace_mem.c sim/replay.c sim/walklog.c sim/cpu_preset.c \
    mmu/*.c tools/fuzz/fuzz_trace.c -lcapstone -o $out/fuzz_trace
$out/fuzz_trace -max_total_time="$secs" -max_len=16384 -artifact_prefix=tools/fuzz/ \
    tools/fuzz/corpus-trace
