#!/usr/bin/env bash
# Install secretlint and its recommended rule preset (pinned) into a cache folder outside the
# repository (default ~/.cache/reposcope-bench/secretlint, or $SECRETLINT_CACHE) with npm.
#
#   scripts/bench/install-secretlint.sh
#
# Idempotent. Prints the path of the secretlint binary on stdout.
set -euo pipefail

SECRETLINT_VERSION=13.0.6
PRESET_VERSION=13.1.0

CACHE=${SECRETLINT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reposcope-bench/secretlint}
mkdir -p "$CACHE"
BIN="$CACHE/node_modules/.bin/secretlint"

version_of() {
    node -e 'try{process.stdout.write(require(process.argv[1]).version)}catch(e){}' \
        "$CACHE/node_modules/$1/package.json" 2>/dev/null || true
}

if [ ! -x "$BIN" ] || [ "$(version_of secretlint)" != "$SECRETLINT_VERSION" ] ||
    [ "$(version_of @secretlint/secretlint-rule-preset-recommend)" != "$PRESET_VERSION" ]; then
    echo "[install-secretlint] installing secretlint@$SECRETLINT_VERSION into $CACHE" >&2
    nice -n 10 npm install --prefix "$CACHE" -E "secretlint@$SECRETLINT_VERSION" \
        "@secretlint/secretlint-rule-preset-recommend@$PRESET_VERSION" --no-audit --no-fund >&2
fi
[ -x "$BIN" ] || { echo "[install-secretlint] secretlint not installed" >&2; exit 1; }
echo "$BIN"
