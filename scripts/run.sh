#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds RepoScope and launches it: scripts/run.sh [PATH] [--ref REF]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/bootstrap.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target reposcope reposcope-cli
exec "$root/build/app/reposcope" "$@"
