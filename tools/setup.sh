#!/usr/bin/env bash
# Installs everything mmusim needs to build and test, from Debian's packages.
#
# Unicorn 2.1.x (virtual-TLB mode) and Capstone 5 are taken from Debian trixie
# on a bookworm host, through an apt pin that lets nothing else come from
# trixie (see DESIGN.md, "Dependencies"). Idempotent: when everything is
# present it only checks and returns.
set -euo pipefail

need_root() { if [ "$(id -u)" -ne 0 ]; then echo "sudo"; fi; }
SUDO=$(need_root)

base_pkgs=(cmake make gcc clang lld llvm libcjson-dev qemu-system-arm pkg-config)
trixie_pkgs=(libunicorn-dev libunicorn2t64 libcapstone-dev libcapstone5)

have_all() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || return 1
    done
}

unicorn_ok() {
    # Virtual-TLB mode arrived in Unicorn 2.1.
    local v
    v=$(dpkg-query -W -f='${Version}' libunicorn-dev 2>/dev/null || true)
    [ -n "$v" ] && dpkg --compare-versions "$v" ge 2.1
}

capstone_ok() {
    local v
    v=$(dpkg-query -W -f='${Version}' libcapstone-dev 2>/dev/null || true)
    [ -n "$v" ] && dpkg --compare-versions "$v" ge 5
}

if have_all "${base_pkgs[@]}" && unicorn_ok && capstone_ok; then
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

if [ "$codename" != "trixie" ] && [ "$codename" != "forky" ] && [ "$codename" != "sid" ]; then
    # Add trixie as a source but pin it below every other suite, except the
    # few packages we want from it.
    list=/etc/apt/sources.list.d/mmusim-trixie.sources
    if [ ! -f "$list" ]; then
        $SUDO tee "$list" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    fi
    $SUDO tee /etc/apt/preferences.d/mmusim-trixie >/dev/null <<'PIN'
# mmusim: take nothing from trixie by default ...
Package: *
Pin: release n=trixie
Pin-Priority: 1

# ... except Unicorn 2.1 and Capstone 5 (libc6 >= 2.34 suffices for both).
Package: libunicorn-dev libunicorn2t64 libcapstone-dev libcapstone5
Pin: release n=trixie
Pin-Priority: 990
PIN
fi

$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${base_pkgs[@]}" "${trixie_pkgs[@]}" >/dev/null

unicorn_ok || { echo "setup: libunicorn-dev >= 2.1 could not be installed" >&2; exit 1; }
capstone_ok || { echo "setup: libcapstone-dev >= 5 could not be installed" >&2; exit 1; }
