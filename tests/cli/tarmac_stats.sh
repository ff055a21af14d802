#!/bin/bash
# mmusim tarmac-stats: counts on a real sample, problems with their line
# numbers, bad arguments and a missing file.
# usage: tarmac_stats.sh MMUSIM SOURCE_DIR
set -u
mmusim=$1
src=$2
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# The crash64 sample (41 lines): 7 IT, 2 aborted MR8, 6 E, 26 R of which
# 19 are ESR/FAR/ELR/SPSR_EL3 (counted with grep, see docs/tarmac.md).
out=$("$mmusim" tarmac-stats "$src/tests/data/tarmac/tests_truncate_crash64.tarmac" 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "crash64: exit $rc: $out"
for want in "lines: 41" "insn       7" "mem        2" "sysreg     19" "reg        7" \
            "exception  6" "bad        0" "unknown    0"; do
    grep -qxF -- "$want" <<<"$out" || fail "crash64: no line '$want' in: $out"
done
grep -q "problems" <<<"$out" && fail "crash64: problems reported: $out"

# Bad and unknown lines are shown with their line numbers; reading goes on.
printf '%s\n' "1 clk IT (1) 00001000 d503201f O EL1h_n : NOP" "2 clk MR8" \
    "3 clk WHATEVER 1" "4 clk R TTBR0_EL1 0000000080000000" > "$tmp/bad.tarmac"
out=$("$mmusim" tarmac-stats "$tmp/bad.tarmac" 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "bad.tarmac: exit $rc: $out"
grep -qF "line 2: bad: memory access line truncated: no address: 2 clk MR8" <<<"$out" ||
    fail "bad.tarmac: line 2 not reported: $out"
grep -qF "line 3: unknown: 3 clk WHATEVER 1" <<<"$out" || fail "bad.tarmac: line 3 not reported: $out"
grep -qxF "sysreg     1" <<<"$out" || fail "bad.tarmac: line 4 not read: $out"

# --show limits the listing.
out=$("$mmusim" tarmac-stats --show 1 "$tmp/bad.tarmac" 2>&1)
grep -qF "... 1 more" <<<"$out" || fail "--show 1: no '... 1 more' in: $out"

# Standard input.
out=$("$mmusim" tarmac-stats - < "$tmp/bad.tarmac" 2>&1)
grep -qxF "insn       1" <<<"$out" || fail "stdin: $out"

# A missing file and bad arguments.
err=$("$mmusim" tarmac-stats "$tmp/none.tarmac" 2>&1 >/dev/null)
rc=$?
[ $rc -eq 1 ] || fail "missing file: exit $rc"
grep -qF "$tmp/none.tarmac" <<<"$err" || fail "missing file: path not named: $err"
"$mmusim" tarmac-stats >/dev/null 2>&1
[ $? -eq 2 ] || fail "no file: exit not 2"
"$mmusim" tarmac-stats --show x "$tmp/bad.tarmac" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--show x: exit not 2"

[ $failures -eq 0 ] && echo "tarmac_stats: all passed"
exit $((failures > 0))
