#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmarks the local engine host against node-llama-cpp driven directly (time to first
# token, decode tokens/s) and the time from start to "ready", on generated random models.
#   scripts/bench-engine.sh [BUILD_DIR] [extra options for engine/bench/overhead.mjs]
# Needs engine/node_modules (scripts/bootstrap.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
shift || true
[ -f "$root/engine/node_modules/node-llama-cpp/package.json" ] ||
    { echo "engine/node_modules is missing: run scripts/bootstrap.sh" >&2; exit 1; }
[ -f "$build/CMakeCache.txt" ] ||
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target reposcope-make-gguf >/dev/null
tool="$build/tests/reposcope-make-gguf"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tool" "$work/bench.gguf" --embd 512 --ff 1536 --blocks 8 --heads 8 --heads-kv 4 --context 4096
"$tool" "$work/tiny.gguf"
cd "$root/engine"
node bench/overhead.mjs --model "$work/bench.gguf" --tiny "$work/tiny.gguf" --ctx 4096 --threads 1 \
    --prompt-tokens 1500 --max-tokens 128 --runs 5 "$@"
