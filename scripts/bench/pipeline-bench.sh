#!/usr/bin/env bash
# Whole-pipeline benchmark of issue 3: `reposcope-cli pack` with exact o200k counts against
# repomix on the Go tree, in one run, on repomix's file set.
#
#   scripts/bench/pipeline-bench.sh [--no-build] [--runs N] [--peer-runs N]
#
# One run does, in this order:
#   0. build reposcope-cli (Release) into $BENCH_BUILD, unless --no-build; prepare the Go
#      corpus and repomix (prepare-corpora.sh --only go, install-peer.sh);
#   1. read the Go tree once so that the page cache is warm for every run below (both
#      tools read from memory; the page cache is never dropped here);
#   2. repomix (scripts/bench/peer-pack.sh, nice 0, its token cache off) --peer-runs times;
#   3. N times: `reposcope-cli pack GO -o … --no-default-excludes --size-cap 52428800`
#      with an empty --cache-dir ("cold": empty token cache), then the same command again
#      with the same folder ("warm": every count cached);
#   4. a summary: minimum and median wall time of each, the ratios repomix / reposcope
#      (taken from the minima, and from the medians), PASS/MISS against 10x cold and 50x
#      warm, and both token totals.
#
# Wall time is the whole process (start to exit), measured around the command; the output
# file is removed before each run, as peer-pack.sh does for repomix. The packs written by
# the cold and warm runs are compared with cmp (they must be identical).
#
# Options and environment:
#   --runs N       reposcope cold+warm pairs (default 5; RUNS)
#   --peer-runs N  repomix runs (default 1; PEER_RUNS); each takes ~13 s here
#   --no-build     use the existing binary; fail if it is missing
#   BENCH_BUILD    build folder (default build-bench)
#   BENCH_OUT      output folder (default .deps/bench-out/pipeline-YYYYmmdd-HHMMSS)
#   BENCH_JOBS     parallel build jobs (default 2)
set -uo pipefail

build=1
RUNS=${RUNS:-5}
PEER_RUNS=${PEER_RUNS:-1}
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --runs) RUNS=$2; shift ;;
        --peer-runs) PEER_RUNS=$2; shift ;;
        -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
        *) echo "pipeline-bench: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
BENCH_LOG_TAG=pipeline-bench
# shellcheck source=bench-lib.sh
. "$SCRIPT_DIR/bench-lib.sh"

BUILD=${BENCH_BUILD:-$ROOT/build-bench}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
JOBS=${BENCH_JOBS:-2}
OUT=${BENCH_OUT:-$ROOT/.deps/bench-out/pipeline-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
GO=$ROOT/.deps/corpora/go
CLI_BIN=$BUILD/app/reposcope-cli
# repomix's file set: no default excludes, its 50 MiB size cap (scripts/bench/README.md).
PACK_FLAGS=(--no-default-excludes --size-cap 52428800)

if [ $build -eq 1 ]; then
    log "building Release reposcope-cli into $BUILD"
    if [ ! -f "$BUILD/CMakeCache.txt" ]; then
        cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            > "$OUT/cmake-configure.log" 2>&1 || { tail -30 "$OUT/cmake-configure.log" >&2; die "configure failed"; }
    fi
    cmake --build "$BUILD" -j"$JOBS" --target reposcope-cli > "$OUT/cmake-build.log" 2>&1 ||
        { tail -40 "$OUT/cmake-build.log" >&2; die "build failed"; }
fi
[ -x "$CLI_BIN" ] || die "missing $CLI_BIN (build first, or drop --no-build)"
"$SCRIPT_DIR/prepare-corpora.sh" --only go >&2 || die "prepare-corpora.sh failed"
REPOMIX=$("$SCRIPT_DIR/install-peer.sh") || die "install-peer.sh failed"
export REPOMIX

echo "== pipeline: Go tree ($(git -C "$GO" ls-files | wc -l) tracked files), repomix-like file set"
echo "   $(machine_load) at start; outputs in $OUT"

# 1. Page cache warm for both tools.
tar -C "$GO" --exclude=.git -cf - . > /dev/null 2>&1 || true

# 2. repomix
peer_times=()
peer_line=""
for i in $(seq 1 "$PEER_RUNS"); do
    line=$(PEER_NICE=0 "$SCRIPT_DIR/peer-pack.sh" "$GO" "$OUT/go-repomix.xml" 2> "$OUT/peer-$i.stderr" | tail -1)
    s=$(sed -n 's/.*peer_seconds=\([^ ]*\).*/\1/p' <<< "$line")
    [ -n "$s" ] || { cat "$OUT/peer-$i.stderr" >&2; die "repomix run $i failed"; }
    peer_times+=("$s")
    peer_line=$line
    echo "  repomix run $i: $line"
done
peer_tokens=$(sed -n 's/.*peer_tokens=\([^ ]*\).*/\1/p' <<< "$peer_line")
peer_files=$(sed -n 's/.*peer_files=\([^ ]*\).*/\1/p' <<< "$peer_line")

# 3. reposcope-cli pack, cold then warm token cache.
run_pack() { # name cache-dir out-file -> prints wall seconds; the "packed" line goes to $OUT/$name.line
    local name=$1 cache=$2 file=$3 t0 t1 rc
    rm -f "$file"
    t0=$(now)
    "$CLI_BIN" pack "$GO" -o "$file" --cache-dir "$cache" "${PACK_FLAGS[@]}" \
        > "$OUT/$name.stdout" 2> "$OUT/$name.stderr"
    rc=$?
    t1=$(now)
    [ $rc -eq 0 ] || { tail -5 "$OUT/$name.stderr" >&2; die "reposcope-cli pack ($name) exited $rc"; }
    grep '^packed ' "$OUT/$name.stderr" | tail -1 > "$OUT/$name.line"
    awk -v m="$(elapsed_ms "$t0" "$t1")" 'BEGIN { printf "%.3f", m / 1000 }'
}
cold_times=() warm_times=()
ours_line=""
for i in $(seq 1 "$RUNS"); do
    cache=$OUT/cache-$i
    rm -rf "$cache"
    mkdir -p "$cache"
    c=$(run_pack "cold-$i" "$cache" "$OUT/go-reposcope-cold.xml") || exit 1
    w=$(run_pack "warm-$i" "$cache" "$OUT/go-reposcope-warm.xml") || exit 1
    cmp -s "$OUT/go-reposcope-cold.xml" "$OUT/go-reposcope-warm.xml" ||
        die "the cold and warm packs of run $i differ"
    cold_times+=("$c")
    warm_times+=("$w")
    ours_line=$(cat "$OUT/warm-$i.line")
    [ "$(sed 's/ in [0-9]* ms$//' "$OUT/cold-$i.line")" = "$(sed 's/ in [0-9]* ms$//' "$OUT/warm-$i.line")" ] ||
        die "cold and warm runs report different totals: $(cat "$OUT/cold-$i.line") / $ours_line"
    echo "  reposcope run $i: cold_s=$c warm_s=$w  ($(machine_load))"
done
echo "      $ours_line"
ours_files=$(sed -n 's/^packed \([0-9]*\) files.*/\1/p' <<< "$ours_line")
ours_tokens=$(sed -n 's/^packed [0-9]* files, [0-9]* bytes, ~*\([0-9]*\) tokens.*/\1/p' <<< "$ours_line")
ours_file_tokens=$(sed -n 's/.*(files ~*\([0-9]*\) + overhead.*/\1/p' <<< "$ours_line")
exact=yes
grep -q '~' <<< "$ours_line" && exact="no (estimator: is the o200k vocabulary installed?)"

# 4. Summary
peer_min=$(min_of "${peer_times[@]}") peer_med=$(median_of "${peer_times[@]}")
cold_min=$(min_of "${cold_times[@]}") cold_med=$(median_of "${cold_times[@]}")
warm_min=$(min_of "${warm_times[@]}") warm_med=$(median_of "${warm_times[@]}")
cold_x=$(ratio "$peer_min" "$cold_min") cold_x_med=$(ratio "$peer_med" "$cold_med")
warm_x=$(ratio "$peer_min" "$warm_min") warm_x_med=$(ratio "$peer_med" "$warm_med")

echo
echo "=========================== PIPELINE SUMMARY ==========================="
echo "page cache warm for all runs; cold = empty token cache, warm = the same cache again"
echo "$(machine_load) at end"
printf '%-40s %10s %10s\n' "" "min (s)" "median (s)"
printf '%-40s %10s %10s\n' "repomix ($PEER_RUNS run(s))" "$peer_min" "$peer_med"
printf '%-40s %10s %10s\n' "reposcope-cli pack, cold ($RUNS runs)" "$cold_min" "$cold_med"
printf '%-40s %10s %10s\n' "reposcope-cli pack, warm ($RUNS runs)" "$warm_min" "$warm_med"
printf '%-40s %10s %10s  %s\n' "speed-up cold (target >= 10x)" "${cold_x}x" "${cold_x_med}x" "$(at_least "$cold_x" 10)"
printf '%-40s %10s %10s  %s\n' "speed-up warm (target >= 50x)" "${warm_x}x" "${warm_x_med}x" "$(at_least "$warm_x" 50)"
echo "(verdicts use the minima; the medians are shown beside them)"
echo "files packed:  reposcope $ours_files, repomix $peer_files"
echo "token totals:  reposcope $ours_tokens exact o200k: $exact (file contents $ours_file_tokens + pack overhead)"
echo "               repomix   $peer_tokens (o200k_base via gpt-tokenizer, its whole output)"
echo "outputs: $OUT"
