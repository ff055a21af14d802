#!/usr/bin/env bash
# Runs every guest program under `mmusim run prog.elf` and compares its
# standard output with tests/guest/expected/<prog>.txt (QEMU's output, with
# the architectural fix-ups of QEMU-DEVIATIONS.md). Prints each program that
# differs, with the diff; exits non-zero if any does.
# Usage: run-under-mmusim.sh MMUSIM [SOURCE_DIR] [ELF_DIR]
#   ELF_DIR defaults to <dir of MMUSIM>/tests/guest (the CMake build tree).
set -uo pipefail
mmusim=${1:?usage: $0 MMUSIM [SOURCE_DIR] [ELF_DIR]}
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
elfdir=${3:-$(dirname "$mmusim")/tests/guest}

expected_dir=$src/tests/guest/expected
pass=0
fail=0
failed=()
for exp in "$expected_dir"/*.txt; do
    name=$(basename "$exp" .txt)
    elf=$elfdir/$name.elf
    if [ ! -f "$elf" ]; then
        echo "MISSING $name ($elf not built)"
        fail=$((fail + 1)); failed+=("$name")
        continue
    fi
    got=$(timeout 60 "$mmusim" run "$elf" 2>/dev/null </dev/null)
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $name: exit status $rc"
    fi
    if diff -u --label "expected/$name.txt" --label "mmusim run $name.elf" \
        "$exp" <(printf '%s\n' "$got") >/tmp/guest-diff.$$; then
        [ $rc -eq 0 ] && { pass=$((pass + 1)); continue; }
    else
        echo "DIFF $name:"
        cat /tmp/guest-diff.$$
    fi
    fail=$((fail + 1)); failed+=("$name")
done
rm -f /tmp/guest-diff.$$
echo "guest programs: $pass passed, $fail failed${failed:+ (${failed[*]})}"
[ $fail -eq 0 ]
