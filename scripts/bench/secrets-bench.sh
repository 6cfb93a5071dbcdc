#!/usr/bin/env bash
# Issue 19's figures in one run: `reposcope-cli scan` against secretlint (recommended preset,
# pinned, installed by install-secretlint.sh outside the repository) on the same files: a
# generated planted corpus and the Go tree; then RepoScope's hit count on the Go tree and on
# the Linux kernel, when .deps/corpora/linux exists (prepare-corpora.sh).
#
#   scripts/bench/secrets-bench.sh [--runs N]      BENCH_BUILD=build (default)
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
BENCH_LOG_TAG=secrets-bench
. "$SCRIPT_DIR/bench-lib.sh"
RUNS=3
[ "${1:-}" = "--runs" ] && RUNS=$2
CLI="$ROOT/${BENCH_BUILD:-build}/app/reposcope-cli"
[ -x "$CLI" ] || die "no $CLI: build the reposcope-cli target first"
SECRETLINT=$("$SCRIPT_DIR/install-secretlint.sh")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
GO="$ROOT/.deps/corpora/go"
[ -d "$GO" ] || GO=/usr/share/go-1.19/src # what prepare-corpora.sh copies
LINUX="$ROOT/.deps/corpora/linux"
printf '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}\n' > "$WORK/.secretlintrc.json"
# Every file both tools read: all of them (no default excludes, 50 MB size cap).
FLAGS=(--no-default-excludes --include-secret-files --size-cap 52428800)

time_scan() { # corpus -> prints "seconds hits"
    local best="" hits=0 s e
    for _ in $(seq "$RUNS"); do
        s=$(now); "$CLI" scan "$1" "${FLAGS[@]}" --json > "$WORK/scan.json" 2> "$WORK/scan.err" || true; e=$(now)
        t=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", b - a }')
        best=$(min_of $t $best)
    done
    hits=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["secrets"])' "$WORK/scan.json")
    echo "$best $hits"
}
time_secretlint() { # corpus -> prints "seconds hits"
    local s e
    s=$(now)
    (cd "$1" && nice -n 0 "$SECRETLINT" --secretlintrc "$WORK/.secretlintrc.json" --format json \
        --secretlintignore /dev/null "**/*" > "$WORK/sl.json" 2> "$WORK/sl.err") || true
    e=$(now)
    local hits
    hits=$(python3 -c '
import json,sys
try: d=json.load(open(sys.argv[1]))
except Exception: print("?"); sys.exit()
print(sum(len(f.get("messages",[])) for f in d))' "$WORK/sl.json")
    echo "$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", b - a }') $hits"
}

log "$(machine_load)"
PLANTED="$WORK/planted"
planted_count=$(python3 "$SCRIPT_DIR/plant-secrets.py" "$PLANTED" 50 19)
tar -cf /dev/null "$GO" 2>/dev/null || true # page cache warm for both tools
read -r rs_p rs_p_hits < <(time_scan "$PLANTED")
read -r sl_p sl_p_hits < <(time_secretlint "$PLANTED")
read -r rs_g rs_g_hits < <(time_scan "$GO")
cp "$WORK/scan.json" "$WORK/go-hits.json"
read -r sl_g sl_g_hits < <(time_secretlint "$GO")
echo "planted corpus: $planted_count secrets planted in 50 files"
echo "  reposcope-cli scan: ${rs_p}s, $rs_p_hits hits | secretlint: ${sl_p}s, $sl_p_hits hits | ratio $(ratio "$sl_p" "$rs_p")x"
echo "Go tree ($GO):"
echo "  reposcope-cli scan: ${rs_g}s, $rs_g_hits hits | secretlint: ${sl_g}s, $sl_g_hits hits | ratio $(ratio "$sl_g" "$rs_g")x"
echo "  reposcope scan < 0.5 s: $(awk -v t="$rs_g" 'BEGIN { print (t < 0.5 ? "PASS" : "MISS") }')"
python3 -c '
import json,sys
for h in json.load(open(sys.argv[1]))["hits"]: print("   ", h["path"]+":"+str(h["line"]), h["rule"], h["masked"])' "$WORK/go-hits.json"
if [ -d "$LINUX" ]; then
    read -r rs_l rs_l_hits < <(time_scan "$LINUX")
    echo "Linux kernel: reposcope-cli scan ${rs_l}s, $rs_l_hits hits"
    python3 -c '
import json,sys
for h in json.load(open(sys.argv[1]))["hits"]: print("   ", h["path"]+":"+str(h["line"]), h["rule"], h["masked"])' "$WORK/scan.json"
else
    echo "Linux kernel: not prepared (scripts/bench/prepare-corpora.sh --only linux)"
fi
