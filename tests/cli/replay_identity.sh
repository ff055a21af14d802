#!/usr/bin/env bash
# Replay identity: every guest program (tests/guest, tests/machine) and
# every shipped scenario (configs/*.json) is run with --record, --log and
# --log-text; `mmusim replay` of the trace with the recording's own
# configuration must write the same walk log, byte for byte, in both
# formats (walks, TLBIs, exceptions and register writes, same order, same
# fields, instruction text included: docs/trace.md "Replay"), report the
# same counters as the run and no access that faults differently.
# Usage: replay_identity.sh MMUSIM SOURCE_DIR
set -uo pipefail
mmusim=${1:?usage: $0 MMUSIM SOURCE_DIR}
src=${2:?usage: $0 MMUSIM SOURCE_DIR}
build=$(dirname "$mmusim")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
checked=0
records=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# check NAME FILE: record FILE's run, replay it, compare.
check() {
    local name=$1 file=$2
    rm -f "$tmp/run.jsonl" "$tmp/replay.jsonl" "$tmp/run.txt" "$tmp/replay.txt" "$tmp/t.trace"
    # Runaway guests (m_loop) stop at the budget: their trace is still whole.
    timeout 120 "$mmusim" run "$file" --max-insns 2000000 --quiet \
        --log "$tmp/run.jsonl" --log-text "$tmp/run.txt" --record "$tmp/t.trace" \
        >/dev/null 2>"$tmp/run.err" </dev/null
    local rc=$?
    if [ $rc -eq 2 ] || [ $rc -eq 5 ] || [ $rc -ge 124 ]; then
        fail "$name: mmusim run exit $rc: $(head -3 "$tmp/run.err")"
        return
    fi
    "$mmusim" replay "$tmp/t.trace" --log "$tmp/replay.jsonl" >"$tmp/replay.out" 2>&1
    rc=$?
    [ $rc -eq 0 ] || { fail "$name: replay exit $rc: $(head -5 "$tmp/replay.out")"; return; }
    if ! cmp -s "$tmp/run.jsonl" "$tmp/replay.jsonl"; then
        fail "$name: the replay's walk log differs from the run's:"
        diff "$tmp/run.jsonl" "$tmp/replay.jsonl" | head -6 | cut -c1-400
        return
    fi
    "$mmusim" replay "$tmp/t.trace" --quiet --log "$tmp/replay.txt" --log-format text \
        >/dev/null 2>&1
    if ! cmp -s "$tmp/run.txt" "$tmp/replay.txt"; then
        fail "$name: the replay's text log differs from the run's:"
        diff "$tmp/run.txt" "$tmp/replay.txt" | head -6 | cut -c1-400
        return
    fi
    # Every counter row: recorded == replay.
    local bad
    bad=$(awk '/^  (accesses|walks|TLB hits|TLB misses|faults) / {
                  if ($(NF-1) != $NF) print }' "$tmp/replay.out")
    [ -z "$bad" ] || fail "$name: counters differ: $bad"
    grep -q '^summary: 0 accesses fault differently' "$tmp/replay.out" ||
        fail "$name: mismatches: $(grep mismatch "$tmp/replay.out" | head -3)"
    grep -q '^warning' "$tmp/replay.out" && fail "$name: $(grep '^warning' "$tmp/replay.out")"
    checked=$((checked + 1))
    records=$((records + $(wc -l <"$tmp/run.jsonl")))
}

shopt -s nullglob
elfs=("$build"/tests/guest/*.elf "$build"/tests/machine/*.elf)
[ ${#elfs[@]} -gt 0 ] || fail "no guest programs under $build/tests"
for elf in "${elfs[@]}"; do
    check "$(basename "$elf")" "$elf"
done
for scn in "$src"/configs/*.json; do
    check "$(basename "$scn")" "$scn"
done

echo "replay identity: $checked runs, $records log records compared, $failures failures"
[ $failures -eq 0 ] && [ $records -gt 0 ]
