#!/bin/bash
# Every example access trace in traces/ replays cleanly (exit 0: no bad
# record, no access faulting differently) and with its own configuration
# replays to the recorded counts: each summary row has equal columns. Every
# example Tarmac trace diffs against its scenario with no disagreement.
# usage: trace_examples.sh MMUSIM SOURCE_DIR
set -u
mmusim=$(realpath "$1")
src=$(realpath "$2")
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

n=0
for t in "$src"/traces/*.trace; do
    name=$(basename "$t")
    n=$((n + 1))
    out=$("$mmusim" replay "$t" 2>&1)
    rc=$?
    [ $rc -eq 0 ] || fail "$name: exit status $rc: $out"
    rows=$(printf '%s\n' "$out" | awk '/^  (accesses|walks|TLB hits|TLB misses|faults) / {print}')
    [ "$(printf '%s\n' "$rows" | grep -c .)" -eq 5 ] || fail "$name: summary rows missing: $out"
    printf '%s\n' "$rows" | awk '{ if ($(NF-1) != $NF) exit 1 }' ||
        fail "$name: replay differs from the recording: $rows"
done
[ $n -gt 0 ] || fail "no example traces in $src/traces"

# Each Tarmac example against the scenario of the same name.
for t in "$src"/traces/*.tarmac; do
    name=$(basename "$t" .tarmac)
    n=$((n + 1))
    out=$("$mmusim" diff "$t" "$src/configs/$name.json" 2>&1)
    rc=$?
    [ $rc -eq 0 ] || fail "$name.tarmac: diff exit status $rc: $out"
    printf '%s\n' "$out" | grep -qx "disagreements: 0" || fail "$name.tarmac: $out"
done
[ $failures -eq 0 ] && echo "$n example traces agree with their recordings"
[ $failures -eq 0 ]
