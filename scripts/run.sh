#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds RepoScope and launches it: scripts/run.sh [PATH] [--ref REF]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/bootstrap.sh"
# When the system's Node.js is older than 20, bootstrap fetched one into .deps/node: the
# engine (app, CLI and tests) runs with it.
if [ -x "$root/.deps/node/bin/node" ]; then
    export REPOSCOPE_NODE="$root/.deps/node/bin/node"
    export PATH="$root/.deps/node/bin:$PATH"
fi
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target reposcope reposcope-cli
exec "$root/build/app/reposcope" "$@"
