#!/usr/bin/env bash
# Regenerates tests/machine/expected/NAME.txt and NAME.status: the output
# and exit status of each machine test guest under QEMU's virt board, the
# reference `mmusim run` must match byte for byte.
#
# QEMU 7.2 writes semihosting console output (SYS_WRITE0/WRITEC) to its
# standard error, mmusim to standard output; the guests print it last, so
# the expected file is QEMU's standard output followed by its standard
# error (QEMU's own "qemu-system-aarch64:" warnings removed). Where QEMU
# departs from the architecture, expected/NAME.sed rewrites its output
# (QEMU-DEVIATIONS.md says why).
#
# Usage: regen-expected.sh BUILD_DIR   (guests in BUILD_DIR/tests/machine)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
elfdir=${1:?usage: $0 BUILD_DIR}/tests/machine
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in m_hello m_exc m_abort; do
    set +e
    timeout 20 qemu-system-aarch64 -M virt,virtualization=on -cpu max -m 128M -nographic \
        -semihosting -net none -kernel "$elfdir/$name.elf" </dev/null \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    grep -v '^qemu-system-aarch64:' "$tmp/err" >>"$tmp/out" || true
    if [ -f "$here/expected/$name.sed" ]; then
        sed -f "$here/expected/$name.sed" "$tmp/out" >"$here/expected/$name.txt"
    else
        cp "$tmp/out" "$here/expected/$name.txt"
    fi
    echo "$rc" >"$here/expected/$name.status"
    echo "$name: exit status $rc"
done
