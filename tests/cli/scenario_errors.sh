#!/bin/bash
# mmusim run with broken scenarios: a non-zero status (2, bad input), an
# error on standard error that names the file and the key path, nothing on
# standard output.
# usage: scenario_errors.sh MMUSIM SOURCE_DIR
set -u
mmusim=$1
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect_error NAME JSON MESSAGE: writes $tmp/NAME.json, runs it.
expect_error() {
    local name=$1 json=$2 want=$3
    printf '%s\n' "$json" > "$tmp/$name.json"
    "$mmusim" run "$tmp/$name.json" > "$tmp/out" 2> "$tmp/err"
    local rc=$?
    [ $rc -eq 2 ] || fail "$name: exit status $rc, expected 2"
    [ -s "$tmp/out" ] && fail "$name: standard output not empty: $(cat "$tmp/out")"
    grep -qF -- "$tmp/$name.json: $want" "$tmp/err" ||
        fail "$name: no '$tmp/$name.json: $want' in: $(cat "$tmp/err")"
}

expect_error unknown_key '{"memory": [], "colour": "red"}' "colour: unknown key"
expect_error wrong_type '{"memory": [{"base": "0x40000000", "size": "1M"}, {"base": "0x50000000", "size": [1]}]}' \
    "memory[1].size: expected a number or hex string, found an array"
expect_error bad_hex '{"registers": {"TCR_EL1": "0x12g4"}}' 'registers.TCR_EL1: bad number "0x12g4"'
expect_error bad_preset '{"cpu": {"preset": "cortex-a53"}}' 'cpu.preset: unknown preset "cortex-a53"'
expect_error bad_field '{"cpu": {"fields": {"ID_AA64MMFR0_EL1.TGran8": 1}}}' \
    "cpu.fields.ID_AA64MMFR0_EL1.TGran8: unknown CPU field"
expect_error nested '{"page_tables": [{"stage": 1, "granule": "4K", "ia_bits": 48, "root": "TTBR0_EL1", "table_memory": {"base": "0x40400000", "size": "1M"}, "mappings": [{"ia": 0, "oa": 0, "size": "4K", "s2ap": "rw"}]}]}' \
    "page_tables[0].mappings[0].s2ap: not a stage-1 attribute"

# Malformed JSON: file:line:column (cJSON points at or just after the
# offending character).
printf '{\n  "name": "x",, }\n' > "$tmp/syntax.json"
"$mmusim" run "$tmp/syntax.json" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "syntax: exit status $rc, expected 2"
grep -qE -- "$tmp/syntax.json:2:1[56]: malformed JSON" "$tmp/err" || fail "syntax: no position in: $(cat "$tmp/err")"

# A scenario whose image does not exist: the error names the image path.
printf '%s\n' '{"images": [{"file": "no-such-guest.elf"}]}' > "$tmp/noimage.json"
"$mmusim" run "$tmp/noimage.json" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "noimage: exit status $rc, expected 2"
grep -qF "no-such-guest.elf" "$tmp/err" || fail "noimage: image not named in: $(cat "$tmp/err")"

# A missing scenario file.
"$mmusim" run "$tmp/missing.json" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "missing: exit status $rc, expected 2"
grep -qF "$tmp/missing.json: cannot open: No such file or directory" "$tmp/err" ||
    fail "missing: no message in: $(cat "$tmp/err")"

# Truncated copies of the default scenario: always a clean error, never a
# crash (status 2, a message naming the file).
src=$2
size=$(wc -c < "$src/configs/default.json")
for cut in 1 17 100 333 777 1200 $((size / 2)) $((size - 40)) $((size - 3)); do
    head -c "$cut" "$src/configs/default.json" > "$tmp/cut.json"
    "$mmusim" run "$tmp/cut.json" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || fail "truncated at $cut: exit status $rc, expected 2"
    grep -qF "$tmp/cut.json:" "$tmp/err" || fail "truncated at $cut: no message: $(cat "$tmp/err")"
done

[ $failures -eq 0 ] && echo "scenario_errors: all passed"
exit $((failures > 0))
