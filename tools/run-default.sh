#!/usr/bin/env bash
# Sets up (tools/setup.sh), builds, and runs mmusim on the built-in default
# scenario: an LPA2 guest under stage 2, with walks from level -1, a fault
# delivered and handled, an AT and a range TLBI. The walk log goes to
# build/default-walks.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/mmusim run configs/default.json --log build/default-walks.jsonl --log-text - "$@"
