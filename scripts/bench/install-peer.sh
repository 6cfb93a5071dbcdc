#!/usr/bin/env bash
# Install the peer tool, repomix (pinned), into <repo>/.deps/peer/ with npm.
#
#   scripts/bench/install-peer.sh
#
# Idempotent: does nothing when the pinned version is already installed.
# Prints the path of the repomix binary on stdout.
set -euo pipefail

REPOMIX_VERSION=1.18.1

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
PEER=$(mkdir -p "$SCRIPT_DIR/../../.deps/peer" && cd "$SCRIPT_DIR/../../.deps/peer" && pwd)
BIN="$PEER/node_modules/.bin/repomix"

installed_version() {
    node -e 'try{process.stdout.write(require(process.argv[1]).version)}catch(e){}' \
        "$PEER/node_modules/repomix/package.json" 2>/dev/null || true
}

if [ ! -x "$BIN" ] || [ "$(installed_version)" != "$REPOMIX_VERSION" ]; then
    echo "[install-peer] installing repomix@$REPOMIX_VERSION into $PEER" >&2
    nice -n 10 npm install --prefix "$PEER" -E "repomix@$REPOMIX_VERSION" --no-audit --no-fund >&2
fi
v=$(installed_version)
if [ "$v" != "$REPOMIX_VERSION" ] || [ ! -x "$BIN" ]; then
    echo "[install-peer] repomix $REPOMIX_VERSION not installed (found '${v:-none}')" >&2
    exit 1
fi
echo "$BIN"
