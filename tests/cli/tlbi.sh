#!/bin/bash
# mmusim tlbi: decoding in words and JSON, --encode, and bad arguments.
# usage: tlbi.sh MMUSIM SOURCE_DIR
set -u
mmusim=$1
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect_out "args..." pattern: exit 0 and stdout contains pattern (fixed string)
expect_out() {
    local pattern=$1
    shift
    local out
    out=$("$mmusim" tlbi "$@" 2>&1)
    local rc=$?
    [ $rc -eq 0 ] || fail "mmusim tlbi $*: exit $rc, output: $out"
    grep -qF -- "$pattern" <<<"$out" || fail "mmusim tlbi $*: no '$pattern' in: $out"
}

# expect_error "args..." pattern: exit 2, stderr contains pattern
expect_error() {
    local pattern=$1
    shift
    local err
    err=$("$mmusim" tlbi "$@" 2>&1 >/dev/null)
    local rc=$?
    [ $rc -eq 2 ] || fail "mmusim tlbi $*: exit $rc, expected 2"
    grep -qF -- "$pattern" <<<"$err" || fail "mmusim tlbi $*: no '$pattern' in stderr: $err"
}

# json_field "args..." key value: the JSON object's key equals value (as printed by python)
json_field() {
    local key=$1 want=$2
    shift 2
    local got
    got=$("$mmusim" tlbi "$@" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['$key'])")
    [ "$got" = "$want" ] || fail "mmusim tlbi $* --json: $key = '$got', expected '$want'"
}

# RVAE1IS, ASID 5, TG 4K, SCALE 1, NUM 3, BaseADDR 0x10: 4 * 2^6 = 256 pages.
xt=$(printf '0x%x' $(( (5 << 48) | (1 << 46) | (1 << 44) | (3 << 39) | 0x10 )))
expect_out "VA [0x10000, 0x110000)" rvae1is "$xt"
expect_out "VA [0x100000, 0x200000)" rvae1is "$xt" --ds
expect_out "TCR_EL1.DS=1" rvae1is "$xt" --ds
json_field start 0x100000 rvae1is "$xt" --ds
json_field end 0x200000 rvae1is "$xt" --ds
json_field asid 5 rvae1is "$xt"
json_field scale 1 rvae1is "$xt"
json_field num 3 rvae1is "$xt"
json_field tg 4K rvae1is "$xt"
json_field op RVAE1IS rvae1is "$xt"
json_field op RVAE1ISnXS rvae1isnxs "$xt"
# The TG says 4K: with the 16K granule in use it removes nothing.
expect_out "invalidates nothing: TG=4K does not match the 16K granule" rvae1is "$xt" --granule 16k
json_field invalidates_nothing True rvae1is "$xt" --granule 16k
# TG 0 is reserved.
expect_out "TG=0 is reserved" rvae1is 0x10
# A single-VA op covers the granule page; TTL 0b0111 (4K, level 3) is a hint.
json_field start 0x12345000 vale1is 0x0000700000012345
json_field end 0x12346000 vale1is 0x0000700000012345
json_field ttl 3 vale1is 0x0000700000012345
expect_out "leaf entries at level 3 of the 4K granule" vale1is 0x0000700000012345
# Stage 2 by IPA: not the combined entries.
expect_out "stage-2-only entries" ipas2e1is 0x40
json_field vmid 9 ipas2e1is 0x40 --vmid 9
expect_out "all entries of the EL2 and EL2&0 regimes" alle2
# EL1 ops with E2H and TGE set act on EL2&0.
json_field regime "EL2&0" vmalle1 0 --e2h --tge

# --encode: 15 single pages up to the 64KB boundary (DS), then one range op
# for 0x10000..0x44000 (52 pages: SCALE 0, NUM 25), then the odd last page.
out=$("$mmusim" tlbi --encode 0x1000 0x45000 --ds)
[ "$(grep -c '^TLBI VAE1IS ' <<<"$out")" = 16 ] || fail "--encode singles: $out"
grep -qF "TLBI RVAE1IS" <<<"$out" || fail "--encode range: $out"
grep -qF "SCALE=0 NUM=25" <<<"$out" || fail "--encode SCALE/NUM: $out"
grep -qF "17 operations" <<<"$out" || fail "--encode count: $out"
# Without DS no head is needed: one range op and the odd page.
expect_out "2 operations" --encode 0x1000 0x45000
n=$("$mmusim" tlbi --encode 0x1000 0x45000 --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['ops']))")
[ "$n" = 2 ] || fail "--encode --json: $n ops"
expect_out "RIPAS2E1IS" --encode 0x40000000 0x40200000 --op ripas2e1is --granule 64k

# Bad arguments: a clear message and exit status 2.
expect_error "unknown TLBI operation 'vae9'" vae9 0
expect_error "bad XT 'zz'" vae1 zz
expect_error "bad --granule '8k'" vae1 0 --granule 8k
expect_error "expected OP XT" vae1
expect_error "unknown option '--frobnicate'" vae1 0 --frobnicate
expect_error "--granule needs a value" vae1 0 --granule
expect_error "not aligned" --encode 0x1800 0x4000
expect_error "empty range" --encode 0x4000 0x4000
expect_error "not a range operation" --encode 0x1000 0x4000 --op vae1is
expect_error "bad --asid" --encode 0x1000 0x4000 --asid 0x10000
expect_error "go with --encode" vae1 0 --asid 3

if [ $failures -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "tlbi CLI: all passed"
