#!/usr/bin/env bash
# `mmusim run --tarmac` then `mmusim diff` end to end: guest programs and
# the default scenario diffed against their own traces in both modes (zero
# disagreements); one altered PA, fault, PAR and TLBI operand in the default
# scenario's trace, each reported at its line in both modes; bad lines
# reported and skipped; exit statuses and argument errors.
# Usage: diff.sh MMUSIM SOURCE_DIR
set -uo pipefail
mmusim=${1:?usage: $0 MMUSIM SOURCE_DIR}
src=${2:?usage: $0 MMUSIM SOURCE_DIR}
mmusim=$(cd "$(dirname "$mmusim")" && pwd)/$(basename "$mmusim") # the test runs in a temporary directory
src=$(cd "$src" && pwd)
guests=$(dirname "$mmusim")/tests/guest
machine_guests=$(dirname "$mmusim")/tests/machine
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1 # the default scenario writes its walk log here
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# trace NAME PROGRAM [--tarmac-mmu]: $tmp/NAME.tarmac from `mmusim run`.
trace() {
    timeout 120 "$mmusim" run "$2" --tarmac "$tmp/$1.tarmac" ${3:-} >/dev/null 2>"$tmp/run.err" </dev/null
    local rc=$?
    [ -s "$tmp/$1.tarmac" ] || fail "$1: no trace written (exit $rc): $(head -3 "$tmp/run.err")"
}

# diff_both NAME PROGRAM: both modes agree everywhere (exit 0, no disagreement).
diff_both() {
    for mode in "" --lockstep; do
        timeout 120 "$mmusim" diff $mode "$tmp/$1.tarmac" "$2" >"$tmp/out" 2>"$tmp/err"
        local rc=$?
        [ $rc -eq 0 ] || fail "$1 ${mode:-replay}: exit $rc: $(head -c 600 "$tmp/out") $(cat "$tmp/err")"
        grep -qx 'disagreements: 0' "$tmp/out" || fail "$1 ${mode:-replay}: $(head -20 "$tmp/out")"
        grep -q '^fetch-pa ' "$tmp/out" || fail "$1 ${mode:-replay}: nothing compared"
    done
}

# Round trips. s1_faults: faults of every kind, AT, TLBI; s2_lpa2_4k_lm1:
# stage 2 from level -1; s1_lpa_64k_el2: 52-bit PA at EL2; m_abort: an
# external abort; the default scenario: LPA2 under stage 2, a stage-2 abort
# with HPFAR, AT, a range TLBI.
for prog in s1_faults s2_lpa2_4k_lm1 s1_lpa_64k_el2; do
    trace "$prog" "$guests/$prog.elf" --tarmac-mmu
    diff_both "$prog" "$guests/$prog.elf"
done
trace m_abort "$machine_guests/m_abort.elf"
diff_both m_abort "$machine_guests/m_abort.elf"
trace default "$src/configs/default.json" --tarmac-mmu
diff_both default "$src/configs/default.json"
grep -q '^hpfar  *1  *0$' "$tmp/out" || fail "default: HPFAR not compared: $(cat "$tmp/out")"

# alter NAME LINE_PATTERN SED_EXPR KIND: the first line matching the
# pattern, altered, is reported as KIND at its line in both modes (exit 1).
alter() {
    local n
    n=$(grep -n -m1 -- "$2" "$tmp/default.tarmac" | cut -d: -f1)
    [ -n "$n" ] || { fail "$1: no line matches '$2'"; return; }
    sed "${n}s/$3" "$tmp/default.tarmac" >"$tmp/$1.tarmac"
    for mode in "" --lockstep; do
        "$mmusim" diff $mode "$tmp/$1.tarmac" "$src/configs/default.json" >"$tmp/out" 2>&1
        local rc=$?
        [ $rc -eq 1 ] || fail "$1 ${mode:-replay}: exit $rc, not 1"
        grep -qx 'disagreements: 1' "$tmp/out" || fail "$1 ${mode:-replay}: $(head -20 "$tmp/out")"
        grep -q "^line $n: $4" "$tmp/out" ||
            fail "$1 ${mode:-replay}: not reported as $4 at line $n: $(grep '^line' "$tmp/out")"
    done
}
alter pa 'MR8 f000000000000:f000000000000_NS' 'f000000000000_NS/f000000001000_NS/' data-pa
alter fault 'R ESR_EL1 000000009600002b' '9600002b/96000007/' fault
alter par 'R PAR_EL1 0000000000000857' '0857/0859/' par
alter tlbi 'R TLBI RVAE1IS 0001538f:00000000' '0001538f/0001538e/' tlbi

# Operand bits an operation ignores (Xt of VMALLE1) leave its set unchanged.
sed '/R TLBI VMALLE1/s/00000000:00000000/00000000:00001234/' "$tmp/s1_faults.tarmac" >"$tmp/vmall.tarmac"
grep -q 'R TLBI VMALLE1 00000000:00001234' "$tmp/vmall.tarmac" || fail "vmall: no VMALLE1 in s1_faults"
"$mmusim" diff --lockstep "$tmp/vmall.tarmac" "$guests/s1_faults.elf" >"$tmp/out" 2>&1 ||
    fail "vmall: $(grep -A3 '^line' "$tmp/out")"
grep -q '^tlbi  *1  *0$' "$tmp/out" || fail "vmall: TLBI not compared: $(cat "$tmp/out")"

# The text report shows both answers and mmusim's descriptors.
"$mmusim" diff "$tmp/pa.tarmac" "$src/configs/default.json" >"$tmp/out" 2>&1
grep -q '  trace:  PA 0xf000000001000' "$tmp/out" || fail "text report: $(cat "$tmp/out")"
grep -q '  mmusim: PA 0xf000000000000' "$tmp/out" || fail "text report: $(cat "$tmp/out")"
grep -q 's1 L-1' "$tmp/out" || fail "text report: no walk: $(cat "$tmp/out")"
# ... and JSON too.
"$mmusim" diff --json --max-report 1 "$tmp/pa.tarmac" "$src/configs/default.json" >"$tmp/out" 2>&1
grep -q '"disagreements":1' "$tmp/out" || fail "--json: $(head -c 300 "$tmp/out")"
grep -q '"kind":"data-pa"' "$tmp/out" || fail "--json: no divergence: $(head -c 300 "$tmp/out")"

# Bad lines are reported with their numbers and the diff goes on.
{ head -n 100 "$tmp/default.tarmac"; echo "1 clk MR8"; echo "1 clk R AT";
  tail -n +101 "$tmp/default.tarmac"; } >"$tmp/bad.tarmac"
for mode in "" --lockstep; do
    "$mmusim" diff $mode "$tmp/bad.tarmac" "$src/configs/default.json" >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 0 ] || fail "bad lines ${mode:-replay}: exit $rc"
    grep -q '^bad lines: 2$' "$tmp/out" || fail "bad lines ${mode:-replay}: $(tail -5 "$tmp/out")"
    grep -q '^  line 101: memory access line truncated' "$tmp/out" ||
        fail "bad lines ${mode:-replay}: line 101 not reported: $(tail -5 "$tmp/out")"
    grep -q '^  line 102: ' "$tmp/out" || fail "bad lines ${mode:-replay}: line 102 not reported"
done

# The real sample traces (Secure EL3 code, other dialects) are read to the
# end: their accesses are counted as not compared, nothing disagrees.
for f in "$src"/tests/data/tarmac/*.tarmac* "$src"/tests/data/tarmac/tests_parsertest.txt; do
    "$mmusim" diff "$f" >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 0 ] || fail "$(basename "$f"): exit $rc: $(tail -3 "$tmp/out")"
    grep -q '^bad lines' "$tmp/out" && fail "$(basename "$f"): bad lines: $(tail -3 "$tmp/out")"
done

# Errors: no trace, a missing file, --lockstep without a program, bad options.
"$mmusim" diff >/dev/null 2>&1
[ $? -eq 2 ] || fail "no trace: exit not 2"
"$mmusim" diff "$tmp/none.tarmac" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "missing trace: exit not 2"
grep -qF "$tmp/none.tarmac" "$tmp/err" || fail "missing trace: not named: $(cat "$tmp/err")"
"$mmusim" diff --lockstep "$tmp/default.tarmac" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--lockstep without a program: exit not 2"
"$mmusim" diff --max-report x "$tmp/default.tarmac" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--max-report x: exit not 2"
"$mmusim" diff --frobnicate "$tmp/default.tarmac" >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option: exit not 2"
"$mmusim" run "$guests/hello.elf" --tarmac "$tmp/no/such/dir.tarmac" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "run --tarmac to a bad path: exit not 2"
grep -q 'no/such/dir.tarmac' "$tmp/err" || fail "run --tarmac bad path: not named: $(cat "$tmp/err")"

[ $failures -eq 0 ] && echo "diff: all passed"
exit $((failures > 0))
