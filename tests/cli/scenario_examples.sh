#!/bin/bash
# The shipped scenarios run and meet their own expectations (mmusim exits
# 6 when they do not). The default scenario prints what the architecture
# says and writes a walk log whose lines parse back as JSON with walks from
# level -1, the two aborts, the AT walks and the range TLBI.
# usage: scenario_examples.sh MMUSIM SOURCE_DIR
set -u
mmusim=$(realpath "$1")
src=$(realpath "$2")
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

for s in "$src"/configs/*.json; do
    name=$(basename "$s" .json)
    "$mmusim" run "$s" --quiet > "$tmp/$name.out" 2> "$tmp/$name.err"
    rc=$?
    [ $rc -eq 0 ] || fail "$name: exit status $rc: $(cat "$tmp/$name.err")"
done

# The default scenario's output, line by line. The values follow the
# architecture (DDI0487): ESR_EL1 = EC 0x25 | IL | DFSC 0x2B (translation,
# level -1); ESR_EL2 = EC 0x24 | IL | ISV | SAS=3 | SRT=21 | SF | DFSC 0x06
# (stage-2 translation, level 2); HPFAR_EL2 = IPA[51:12] << 4; PAR_EL1 of
# AT S1E1R = ATTR 0xff | IPA | bit 11 (RES1) | SH 0b11 (TCR_EL1.SH0, DS=1),
# NS (bit 9) UNKNOWN; of the faulting AT = FST 0x2B << 1 | F | bit 11.
# The ID register and roots are mmusim's: the "max" preset and the first
# allocations of the scenario's table memory.
out="$tmp/default.out"
expect_line() {
    grep -qxF -- "$1" "$out" || fail "default: no line '$1' in: $(cat "$out")"
}
expect_line "mmusim default scenario: LPA2, stage 1 + stage 2, 52-bit VA/IPA/PA"
expect_line "EL2: ID_AA64MMFR0_EL1=0x0000032310200026"
expect_line "EL2: stage 2 on, VTTBR_EL2=0x0001000040600000"
expect_line "EL1: MMU on, TTBR0_EL1=0x0001000040400000"
expect_line "EL1: [0x000f000000000000] = 0x5eed0f52b17ad0d5"
expect_line "EL1: data abort ESR_EL1=0x000000009600002b FAR_EL1=0x0001000000000000"
expect_line "EL2: stage-2 abort ESR_EL2=0x0000000093d58006 FAR_EL2=0x0000000050000000 HPFAR_EL2=0x0000000000500000"
expect_line "EL1: after TLBI RVAE1IS, [0x000f000000000000] = 0x5eed0f52b17ad0d5"
expect_line "done"
par=$(sed -n 's/^EL1: AT S1E1R 0x000f000000000000 -> PAR_EL1=//p' "$out")
[ -n "$par" ] && [ "$(printf '0x%016x' $((par & ~0x200)))" = "0xff08000000000980" ] ||
    fail "default: AT S1E1R on the high VA: PAR_EL1 '$par', expected 0xff08000000000980 (bit 9 aside)"
expect_line "EL1: AT S1E1R 0x0001000000000000 -> PAR_EL1=0x0000000000000857"

# The walk log the scenario asks for (log.file: default-walks.jsonl).
log="$tmp/default-walks.jsonl"
[ -s "$log" ] || fail "default: no walk log at $log"
if ! command -v python3 > /dev/null; then
    echo "scenario_examples: python3 not found, walk log not parsed" >&2
else
python3 - "$log" <<'PY' || fail "default: walk log check failed"
import json, sys
kinds = {}
level_m1 = tlbi = at = 0
aborts = set()
for n, line in enumerate(open(sys.argv[1]), 1):
    r = json.loads(line)                      # every line is one JSON object
    for k in ("type", "icount", "pc", "el", "insn"):
        assert k in r, f"line {n}: no {k}"
    int(r["pc"], 16)
    kinds[r["type"]] = kinds.get(r["type"], 0) + 1
    if r["type"] == "walk":
        assert ("result" in r) != ("fault" in r), f"line {n}: result xor fault"
        for d in r["reads"]:
            for k in ("stage", "level", "for_s1_level", "table", "index", "ipa", "pa", "value", "updated"):
                assert k in d, f"line {n}: read without {k}"
            if d["stage"] == 1 and d["level"] == -1:
                level_m1 += 1
        if r["origin"] == "at":
            at += 1
    elif r["type"] == "tlbi" and r["op"] == "RVAE1IS":
        tlbi += 1
    elif r["type"] == "exception":
        aborts.add((r["ec"], r["to_el"]))
assert level_m1 >= 3, f"{level_m1} stage-1 reads at level -1"
assert tlbi == 1, f"{tlbi} RVAE1IS records"
assert at >= 2, f"{at} AT walks"
assert (0x25, 1) in aborts and (0x24, 2) in aborts, f"aborts {aborts}"
assert kinds.get("register", 0) >= 5, kinds
PY
fi

[ $failures -eq 0 ] && echo "scenario_examples: all passed"
exit $((failures > 0))
