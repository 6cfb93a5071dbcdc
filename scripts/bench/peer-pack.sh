#!/usr/bin/env bash
# Pack a corpus with the peer tool (repomix) and report its figures.
#
#   scripts/bench/peer-pack.sh CORPUS_DIR OUT_FILE [extra repomix options...]
#
# Runs, inside CORPUS_DIR:
#   repomix --output OUT_FILE --no-security-check [extra options]
# (default xml style, o200k_base token counting, .gitignore + .ignore +
# .repomixignore + repomix's built-in ignore list; see scripts/bench/README.md).
# repomix prints its token total in its normal summary, so no extra flag is
# needed for counting.
#
# Prints, as the last line on stdout, one machine-readable line:
#   peer_seconds=21.5 peer_user_seconds=13.5 peer_sys_seconds=2.1 peer_tokens=25700000 peer_files=7647 peer_chars=73000000 peer_output_bytes=...
# repomix's own console output goes to OUT_FILE.log.
#
# Environment:
#   REPOMIX_TOKEN_CACHE  repomix >= 1.18 caches per-file token counts across
#                        runs; this script sets it to 0 (cold runs, comparable)
#                        unless it is already set (set it to 1 for warm runs).
#   PEER_NICE            nice level for the run (default 10; 0 for none).
#   REPOMIX              path of the repomix binary (default: install-peer.sh).
set -euo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,24p' "$0" >&2
    exit 2
fi
CORPUS=$1
OUT=$2
shift 2

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
[ -d "$CORPUS" ] || { echo "peer-pack: no such directory: $CORPUS" >&2; exit 2; }
CORPUS=$(cd "$CORPUS" && pwd)
mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
LOG="$OUT.log"

REPOMIX=${REPOMIX:-$("$SCRIPT_DIR/install-peer.sh")}
export REPOMIX_TOKEN_CACHE=${REPOMIX_TOKEN_CACHE:-0}
export NO_COLOR=1 FORCE_COLOR=0
nice_level=${PEER_NICE:-10}

rm -f "$OUT"
times=$(mktemp)
trap 'rm -f "$times"' EXIT
t0=$(date +%s.%N)
set +e
(cd "$CORPUS" && /usr/bin/time -o "$times" -f '%U %S' \
    nice -n "$nice_level" "$REPOMIX" --output "$OUT" --no-security-check "$@") > "$LOG" 2>&1
rc=$?
set -e
t1=$(date +%s.%N)
if [ $rc -ne 0 ]; then
    echo "peer-pack: repomix failed (exit $rc); see $LOG" >&2
    tail -20 "$LOG" >&2
    exit $rc
fi

# Summary lines look like "  Total Files: 7,647 files" / " Total Tokens: 25,7.. tokens".
clean=$(sed 's/\x1b\[[0-9;]*m//g' "$LOG")
field() { printf '%s\n' "$clean" | sed -n "s/^ *$1: *\([0-9,]*\).*/\1/p" | tail -1 | tr -d ,; }
files=$(field 'Total Files')
tokens=$(field 'Total Tokens')
chars=$(field 'Total Chars')
read -r user sys < "$times" || true
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
bytes=$(stat -c %s "$OUT" 2>/dev/null || echo 0)

echo "peer_seconds=$wall peer_user_seconds=${user:-?} peer_sys_seconds=${sys:-?} peer_tokens=${tokens:-?} peer_files=${files:-?} peer_chars=${chars:-?} peer_output_bytes=$bytes"
