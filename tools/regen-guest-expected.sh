#!/usr/bin/env bash
# Rebuilds the guest programs (tests/guest) and regenerates their expected
# UART output with QEMU:
#   qemu-system-aarch64 -M virt,virtualization=on -cpu max -m 128M
#       -nographic -semihosting -net none -kernel prog.elf
# Where QEMU 7.2 departs from the architecture, tests/guest/QEMU-DEVIATIONS.md
# says so and tests/guest/expected/fixups/<prog>.sed rewrites QEMU's output
# into the architectural one; the expected file is QEMU's output after that
# fix-up. A program QEMU 7.2 cannot run at all has its expected output
# written by hand from the architecture in tests/guest/expected/manual/
# (the deviation is in QEMU-DEVIATIONS.md); it is copied as it is. Usage: tools/regen-guest-expected.sh [program-name...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
guest=$root/tests/guest
build=${GUEST_BUILD_DIR:-$root/build-guest-regen}

cmake -S "$guest" -B "$build" >/dev/null
cmake --build "$build" -j2 >/dev/null

if [ $# -gt 0 ]; then
    names=("$@")
else
    names=()
    for elf in "$build"/*.elf; do names+=("$(basename "$elf" .elf)"); done
fi

status=0
for name in "${names[@]}"; do
    elf=$build/$name.elf
    out=$guest/expected/$name.txt
    [ -f "$elf" ] || { echo "regen: no $elf" >&2; status=1; continue; }
    manual=$guest/expected/manual/$name.txt
    if [ -f "$manual" ]; then
        cp "$manual" "$out"
        echo "$name: copied from $manual (QEMU 7.2 cannot run it)"
        continue
    fi
    set +e
    raw=$(timeout 20 qemu-system-aarch64 -M virt,virtualization=on -cpu max -m 128M \
        -nographic -semihosting -net none -kernel "$elf" </dev/null)
    rc=$?
    set -e
    if [ $rc -ne 0 ]; then
        echo "regen: $name: QEMU exit status $rc (not updated)" >&2
        status=1
        continue
    fi
    fixup=$guest/expected/fixups/$name.sed
    if [ -f "$fixup" ]; then
        printf '%s\n' "$raw" | sed -f "$fixup" > "$out"
        echo "$name: regenerated (with fix-up $fixup)"
    else
        printf '%s\n' "$raw" > "$out"
        echo "$name: regenerated"
    fi
done
exit $status
