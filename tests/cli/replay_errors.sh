#!/usr/bin/env bash
# `mmusim run --record`, `mmusim replay` and `mmusim trace` on bad input: a
# truncated trace, a wrong version, a corrupted record, trailing bytes, not
# a trace at all, bad options. Each error names the offset and what was
# expected there; the records before a bad one are replayed and summarised
# (exit status 1). Also: another configuration reports the accesses that
# fault differently (exit status 3).
# Usage: replay_errors.sh MMUSIM SOURCE_DIR
set -uo pipefail
mmusim=${1:?usage: $0 MMUSIM SOURCE_DIR}
src=${2:?usage: $0 MMUSIM SOURCE_DIR}
elf=$(dirname "$mmusim")/tests/guest/tlbi_4k.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# replay ARGS...: leaves stdout, stderr and the status in $tmp.
replay() {
    "$mmusim" replay "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    echo $? >"$tmp/status"
}

expect_status() { # WHAT STATUS
    [ "$(cat "$tmp/status")" = "$2" ] || fail "$1: exit status $(cat "$tmp/status"), expected $2: $(head -3 "$tmp/err")"
}

expect_err() { # WHAT TEXT
    grep -qF -- "$2" "$tmp/err" || fail "$1: no '$2' in: $(cat "$tmp/err")"
}

# A replayed access count: the 'accesses' row's replay column.
replayed() {
    awk '/^  accesses / { print $NF }' "$tmp/out"
}

"$mmusim" run "$elf" --record "$tmp/t.trace" --quiet >/dev/null 2>"$tmp/err"
[ -s "$tmp/t.trace" ] || { echo "FAIL: no trace recorded: $(cat "$tmp/err")"; exit 1; }
size=$(stat -c %s "$tmp/t.trace")
total=$("$mmusim" trace dump "$tmp/t.trace" | grep -c '"type":"access"')

# The whole trace replays.
replay "$tmp/t.trace"
expect_status "whole trace" 0
[ "$(replayed)" = "$total" ] || fail "whole trace: $(replayed) accesses replayed, $total in the dump"

# Truncated: the error names the field cut short and where the data ends;
# what came before is replayed and summarised (the recorded column has
# no END counters: '?').
head -c $((size * 3 / 4)) "$tmp/t.trace" >"$tmp/trunc.trace"
replay "$tmp/trunc.trace"
expect_status truncated 1
expect_err truncated "trunc.trace: offset "
expect_err truncated "got the end of the trace at offset $((size * 3 / 4)) (truncated)"
n=$(replayed)
[ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -lt "$total" ] ||
    fail "truncated: $n accesses replayed (of $total)"
grep -q '^  accesses  *? ' "$tmp/out" || fail "truncated: recorded count not '?': $(cat "$tmp/out")"
# trace dump prints the records up to the error, then the error.
"$mmusim" trace dump "$tmp/trunc.trace" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "trace dump truncated: not exit 1"
[ "$(grep -c '"type":"access"' "$tmp/out")" = "$n" ] ||
    fail "trace dump truncated: $(grep -c '"type":"access"' "$tmp/out") accesses, replay had $n"
expect_err "trace dump truncated" "(truncated)"

# Wrong version: named at offset 8, after the magic.
{ printf 'MMUTRACE\002'; tail -c +10 "$tmp/t.trace"; } >"$tmp/v2.trace"
replay "$tmp/v2.trace"
expect_status "wrong version" 1
expect_err "wrong version" "v2.trace: offset 8: expected format version 1, got 2"

# A corrupted record: the tag of the 200th record overwritten.
off=$("$mmusim" trace dump "$tmp/t.trace" | sed -n 200p | sed 's/^{"offset":\([0-9]*\),.*/\1/')
cp "$tmp/t.trace" "$tmp/bad.trace"
printf '\377' | dd of="$tmp/bad.trace" bs=1 seek="$off" conv=notrunc 2>/dev/null
replay "$tmp/bad.trace"
expect_status "bad tag" 1
expect_err "bad tag" "bad.trace: offset $off: expected a record tag (0x00-0x7f access, 0x80-0x8a), got 0xff"
[ "$(awk '/^summary: [0-9]* records/ { print $2 }' "$tmp/out")" = 199 ] ||
    fail "bad tag: not 199 records replayed: $(cat "$tmp/out")"

# A corrupted field inside a record: the EL byte of the first register
# write (after its tag, register, value and two deltas).
line=$("$mmusim" trace dump "$tmp/t.trace" | grep -m1 '"type":"sysreg"')
off=$(sed 's/^{"offset":\([0-9]*\),.*/\1/' <<<"$line")
next=$("$mmusim" trace dump "$tmp/t.trace" | grep -A1 -m1 '"type":"sysreg"' | tail -1 |
    sed 's/^{"offset":\([0-9]*\),.*/\1/')
cp "$tmp/t.trace" "$tmp/bad.trace"
printf '\007' | dd of="$tmp/bad.trace" bs=1 seek=$((next - 1)) conv=notrunc 2>/dev/null
replay "$tmp/bad.trace"
expect_status "bad EL" 1
expect_err "bad EL" "offset $((next - 1)): sysreg record at offset $off: expected an EL 0..2, got 7"

# Bytes after END.
cat "$tmp/t.trace" "$tmp/t.trace" >"$tmp/two.trace"
replay "$tmp/two.trace"
expect_status "after END" 1
expect_err "after END" "offset $size: end record at offset"
expect_err "after END" "expected the end of the trace after END"

# Not a trace, empty, missing.
printf 'hello' >"$tmp/hello"
replay "$tmp/hello"
expect_status "not a trace" 1
expect_err "not a trace" "offset 0: expected the magic \"MMUTRACE\" (not an mmusim trace), got byte 0x68"
: >"$tmp/empty"
replay "$tmp/empty"
expect_status empty 1
expect_err empty "offset 0: expected the magic \"MMUTRACE\", got the end of the trace at offset 0 (truncated)"
replay "$tmp/missing.trace"
expect_status missing 1
expect_err missing "missing.trace: No such file or directory"

# Options.
for args in "" "--tlb" "--tlb 12:5 $tmp/t.trace" "--tlb 99999999 $tmp/t.trace" \
    "--tlb x $tmp/t.trace" "--cpu nope $tmp/t.trace" "--log-format xml $tmp/t.trace" \
    "--mismatches -1 $tmp/t.trace" "--bogus $tmp/t.trace" "$tmp/t.trace $tmp/t.trace"; do
    # shellcheck disable=SC2086
    replay $args
    expect_status "replay $args" 2
done
replay --tlb 12:5 "$tmp/t.trace"
expect_err "--tlb 12:5" "--tlb 12:5: tlb: 12 entries cannot be split"
replay --cpu nope "$tmp/t.trace"
expect_err "--cpu nope" "unknown preset 'nope'"
"$mmusim" trace frob "$tmp/t.trace" >/dev/null 2>&1
[ $? -eq 2 ] || fail "trace frob: not exit 2"

# run --record: a path that cannot be created, a missing value.
"$mmusim" run "$elf" --record "$tmp/no/such/dir/t.trace" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "run --record into a missing directory: not exit 2"
expect_err "run --record missing dir" "$tmp/no/such/dir/t.trace: No such file or directory"
"$mmusim" run "$elf" --record >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "run --record without a value: not exit 2"

# Another CPU: the Armv8.0 preset has no LPA2, so default.json's 52-bit
# stage 1 faults where the recording translated: listed, counted, exit 3.
"$mmusim" run "$src/configs/default.json" --log /dev/null --record "$tmp/d.trace" --quiet \
    >/dev/null 2>&1
replay "$tmp/d.trace" --cpu v8.0 --mismatches 3
expect_status "--cpu v8.0" 3
[ "$(grep -c '^mismatch: offset' "$tmp/out")" = 3 ] || fail "--cpu v8.0: not 3 listed: $(cat "$tmp/out")"
grep -q '^mismatch: \.\.\. and [0-9]* more' "$tmp/out" || fail "--cpu v8.0: no '... more'"
grep -q 'recorded translated; replay translation fault, stage 2, level 0$' "$tmp/out" ||
    fail "--cpu v8.0: no stage-2 level-0 fault listed: $(head -3 "$tmp/out")"
grep -q '^summary: [1-9][0-9]* accesses fault differently' "$tmp/out" ||
    fail "--cpu v8.0: no mismatch count"
grep -q '^  faults  *2  *[1-9][0-9]*$' "$tmp/out" || fail "--cpu v8.0: faults row: $(grep faults "$tmp/out")"
# A TLB with no entries walks on every access, with the same outcomes.
replay "$tmp/d.trace" --tlb none
expect_status "--tlb none" 0
grep -q '^  TLB hits  *[1-9][0-9]*  *0$' "$tmp/out" || fail "--tlb none: hits row: $(cat "$tmp/out")"

[ $failures -eq 0 ] && echo "replay_errors: all passed"
exit $((failures > 0))
