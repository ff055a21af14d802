#!/usr/bin/env bash
# Coverage-guided fuzzing of the scenario parser and page-table setup with
# libFuzzer (clang), ASan and UBSan: tools/fuzz/run_scenario.sh [SECONDS]
# (default 300). Seeds are configs/*.json; crashes go to
# tools/fuzz/crash-*; the corpus to tools/fuzz/corpus-scenario/ (not
# committed).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-300}
out=build-fuzz
mkdir -p $out tools/fuzz/corpus-scenario
clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Isim -Immu sim/scenario.c sim/scenario_setup.c sim/scenario_check.c sim/json_value.c \
    sim/cpu_preset.c mmu/*.c tools/fuzz/fuzz_scenario.c -lcjson -o $out/fuzz_scenario
$out/fuzz_scenario -max_total_time="$secs" -max_len=8192 -artifact_prefix=tools/fuzz/ \
    tools/fuzz/corpus-scenario configs
