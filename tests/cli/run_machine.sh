#!/usr/bin/env bash
# `mmusim run` end to end with the machine test guests (tests/machine):
# standard output equals QEMU's (expected/*.txt), the exit status is the
# guest's, a stuck guest and a runaway guest are stopped with a diagnosis,
# and bad input is a clear error.
# Usage: run_machine.sh MMUSIM SOURCE_DIR
set -uo pipefail
mmusim=${1:?usage: $0 MMUSIM SOURCE_DIR}
src=${2:?usage: $0 MMUSIM SOURCE_DIR}
elfdir=$(dirname "$mmusim")/tests/machine
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# run NAME ARGS...: runs mmusim, leaving stdout, stderr and status in $tmp.
run() {
    timeout 60 "$mmusim" run "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    echo $? >"$tmp/status"
}

for name in m_hello m_exc m_abort; do
    run "$elfdir/$name.elf"
    cmp -s "$tmp/out" "$src/tests/machine/expected/$name.txt" ||
        fail "$name: standard output differs from QEMU's: $(diff "$tmp/out" "$src/tests/machine/expected/$name.txt" | head -5)"
    [ "$(cat "$tmp/status")" = "$(cat "$src/tests/machine/expected/$name.status")" ] ||
        fail "$name: exit status $(cat "$tmp/status"), QEMU's $(cat "$src/tests/machine/expected/$name.status")"
    grep -q '^summary: [0-9]* instructions' "$tmp/err" || fail "$name: no summary on standard error"
done

# The summary counts what happened: m_abort takes 6 data aborts and 1
# instruction abort, all translation/permission/access-flag/external.
run "$elfdir/m_abort.elf"
grep -q 'exceptions: data-abort 6 instruction-abort 1$' "$tmp/err" ||
    fail "m_abort: summary exceptions: $(grep exceptions "$tmp/err")"
grep -q 'faults: translation 4 access-flag 1 permission 1 external 1$' "$tmp/err" ||
    fail "m_abort: summary faults: $(grep faults "$tmp/err")"

# A jump to nothing with VBAR_EL2 = 0: stopped at once, with a diagnosis.
run "$elfdir/m_stuck.elf"
[ "$(cat "$tmp/status")" = 4 ] || fail "m_stuck: exit status $(cat "$tmp/status"), expected 4"
grep -q 'guest stuck: instruction-abort taken to EL2 again with no instruction executed (ESR_EL2 0x86000010, FAR 0x0000000000000200, ELR 0x0000000000000200, vector 0x0000000000000200)' "$tmp/err" ||
    fail "m_stuck: diagnosis: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "m_stuck: wrote to standard output"

# A runaway guest stops at --max-insns.
run --max-insns 100000 "$elfdir/m_loop.elf"
[ "$(cat "$tmp/status")" = 3 ] || fail "m_loop: exit status $(cat "$tmp/status"), expected 3"
[ "$(cat "$tmp/out")" = looping ] || fail "m_loop: output '$(cat "$tmp/out")'"
grep -q 'stopped after 10000[0-9] instructions (--max-insns)' "$tmp/err" ||
    fail "m_loop: message: $(cat "$tmp/err")"

# Bad input: clear errors, status 2, nothing on standard output.
run "$tmp/missing.elf"
[ "$(cat "$tmp/status")" = 2 ] && grep -q "missing.elf: cannot open" "$tmp/err" ||
    fail "missing file: $(cat "$tmp/status") $(cat "$tmp/err")"
printf 'not an elf at all, just text\n' >"$tmp/text.elf"
run "$tmp/text.elf"
[ "$(cat "$tmp/status")" = 2 ] && grep -q "text.elf: not an ELF file" "$tmp/err" ||
    fail "text file: $(cat "$tmp/status") $(cat "$tmp/err")"
head -c 100 "$elfdir/m_hello.elf" >"$tmp/trunc.elf"
run "$tmp/trunc.elf"
[ "$(cat "$tmp/status")" = 2 ] && grep -q "trunc.elf: program header table missing or truncated" "$tmp/err" ||
    fail "truncated ELF: $(cat "$tmp/status") $(cat "$tmp/err")"
run --max-insns lots "$elfdir/m_hello.elf"
[ "$(cat "$tmp/status")" = 2 ] && grep -q -- "--max-insns needs a number" "$tmp/err" ||
    fail "bad --max-insns: $(cat "$tmp/status") $(cat "$tmp/err")"
run --frobnicate "$elfdir/m_hello.elf"
[ "$(cat "$tmp/status")" = 2 ] && grep -q "unknown option '--frobnicate'" "$tmp/err" ||
    fail "unknown option: $(cat "$tmp/status") $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "usage error wrote to standard output"

if [ $failures -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "run_machine: all checks passed"
