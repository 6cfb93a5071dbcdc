#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when a C++ file differs from what the committed .clang-format produces.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.h')
[ ${#files[@]} -gt 0 ] || exit 0
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/clang-format.$$; then
    head -40 /tmp/clang-format.$$ >&2
    echo "clang-format: run 'clang-format -i' on the files above" >&2
    rm -f /tmp/clang-format.$$
    exit 1
fi
rm -f /tmp/clang-format.$$
echo "clang-format: ${#files[@]} files clean"
