#!/usr/bin/env bash
# Records the example traces again from their scenarios (see README.md).
# usage: traces/regen.sh [MMUSIM]   (default: build/mmusim)
set -euo pipefail
cd "$(dirname "$0")/.."
mmusim=${1:-build/mmusim}
"$mmusim" run configs/default.json --record traces/default.trace --quiet >/dev/null
"$mmusim" run configs/default.json --tarmac traces/default.tarmac --tarmac-mmu --log /dev/null \
    --quiet >/dev/null
echo "recorded traces/default.trace and traces/default.tarmac"
