#!/usr/bin/env bash
# Measure RepoScope against the performance targets of the "large repositories" issue.
#
#   scripts/bench/run-bench.sh [--quick] [--no-build]
#
# Steps:
#   0. build Release into build-bench/ (reposcope, reposcope-cli, reposcope_bench), or use
#      the existing binaries with --no-build; prepare the corpora and the peer (repomix).
#   a. GUI on the kernel (REPOSCOPE_BENCH=1, offscreen): cold token cache + cold page cache,
#      then warm; prints the probe's `bench …=` lines.
#   b. CLI `count` on the kernel, cold then warm, under /usr/bin/time -v (peak RSS).
#   c. CLI `pack` of the Go tree vs repomix (scripts/bench/peer-pack.sh), same run, same
#      nice level, same page-cache state; wall times, ratio, file counts, token totals.
#   d. the Google Benchmark program build-bench/tests/bench/reposcope_bench.
#   Then a summary: one line per target with the figure, the target and PASS/MISS.
#
# --quick: skips (b), runs the micro-benchmarks with a short minimum time, and does not
#          drop the page cache (cold = cold token cache only).
# --no-build: do not run cmake; fail if the binaries are missing.
#
# Environment:
#   BENCH_OUT     output folder (default .deps/bench-out/run-YYYYmmdd-HHMMSS)
#   BENCH_BUILD   build folder (default build-bench)
#   BENCH_JOBS    parallel build jobs (default 2)
#   GUI_TIMEOUT   seconds before a GUI run is killed (default 600)
#
# "Cold" drops the kernel's page cache with `sync; echo 3 > /proc/sys/vm/drop_caches`
# (needs root; affects the whole machine). Where that is not allowed the output says
# "page cache warm".
set -uo pipefail

quick=0
build=1
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        --no-build) build=0 ;;
        -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
        *) echo "run-bench: unknown option $arg" >&2; exit 2 ;;
    esac
done

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
JOBS=${BENCH_JOBS:-2}
OUT=${BENCH_OUT:-$ROOT/.deps/bench-out/run-$(date +%Y%m%d-%H%M%S)}
GUI_TIMEOUT=${GUI_TIMEOUT:-600}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LINUX=$ROOT/.deps/corpora/linux
GO=$ROOT/.deps/corpora/go
GUI_BIN=$BUILD/app/reposcope
CLI_BIN=$BUILD/app/reposcope-cli
BENCH_BIN=$BUILD/tests/bench/reposcope_bench

BENCH_LOG_TAG=run-bench
# shellcheck source=bench-lib.sh
. "$SCRIPT_DIR/bench-lib.sh"

page_cache_state="page cache dropped"
drop_caches() {
    if [ $quick -eq 1 ]; then
        page_cache_state="page cache warm (--quick)"
        return 1
    fi
    sync
    if { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null; then
        return 0
    fi
    page_cache_state="page cache warm (drop_caches not permitted)"
    log "cannot drop the page cache: page cache warm"
    return 1
}

# ------------------------------------------------------------------------------------------
# 0. Build, corpora, peer
if [ $build -eq 1 ]; then
    log "building Release into $BUILD"
    if [ ! -f "$BUILD/CMakeCache.txt" ]; then
        cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREPOSCOPE_BUILD_BENCH=ON \
            > "$OUT/cmake-configure.log" 2>&1 || { tail -30 "$OUT/cmake-configure.log" >&2; die "configure failed"; }
    fi
    cmake --build "$BUILD" -j"$JOBS" --target reposcope reposcope-cli reposcope_bench \
        > "$OUT/cmake-build.log" 2>&1 || { tail -40 "$OUT/cmake-build.log" >&2; die "build failed"; }
fi
for b in "$GUI_BIN" "$CLI_BIN"; do [ -x "$b" ] || die "missing $b (build first)"; done

"$SCRIPT_DIR/prepare-corpora.sh" >&2 || die "prepare-corpora.sh failed"
REPOMIX=$("$SCRIPT_DIR/install-peer.sh") || die "install-peer.sh failed"
export REPOMIX

linux_files=$(git -C "$LINUX" ls-files | wc -l)
go_files=$(git -C "$GO" ls-files | wc -l)
log "corpora: linux $linux_files tracked files, go $go_files tracked files; output in $OUT"

# Scratch HOME: the GUI and the CLI default cache live under it, so the first run is cold.
SCRATCH=$OUT/home
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/cache" "$SCRATCH/config" "$SCRATCH/data" "$SCRATCH/runtime"
chmod 700 "$SCRATCH/runtime"
scratch_env=(HOME="$SCRATCH" XDG_CACHE_HOME="$SCRATCH/cache" XDG_CONFIG_HOME="$SCRATCH/config"
             XDG_DATA_HOME="$SCRATCH/data" XDG_RUNTIME_DIR="$SCRATCH/runtime")

# ------------------------------------------------------------------------------------------
# a. GUI on the kernel
run_gui() { # name
    local name=$1 t0 t1 rc
    t0=$(now)
    env "${scratch_env[@]}" REPOSCOPE_BENCH=1 QT_QPA_PLATFORM=offscreen \
        timeout "$GUI_TIMEOUT" /usr/bin/time -v -o "$OUT/gui-$name.time" \
        "$GUI_BIN" "$LINUX" > "$OUT/gui-$name.stdout" 2> "$OUT/gui-$name.stderr"
    rc=$?
    t1=$(now)
    grep '^bench ' "$OUT/gui-$name.stderr" > "$OUT/gui-$name.bench" || true
    echo "process_wall_ms=$(elapsed_ms "$t0" "$t1") exit=$rc" >> "$OUT/gui-$name.bench"
    printf '  GUI %-5s: ' "$name"
    tr '\n' ' ' < "$OUT/gui-$name.bench" | sed 's/bench //g'
    printf 'time_v_peak_rss_mib=%s\n' "$(rss_mib "$OUT/gui-$name.time")"
    [ $rc -eq 0 ] || log "GUI $name run exited $rc; see $OUT/gui-$name.stderr"
}

echo "== (a) GUI, Linux kernel ($linux_files files)"
drop_caches || true
gui_cold_cache_state=$page_cache_state
run_gui cold
echo "     (cold: empty token cache, $gui_cold_cache_state)"
run_gui warm
echo "     (warm: token cache and page cache from the cold run)"

# ------------------------------------------------------------------------------------------
# b. CLI count on the kernel
cli_cold_ms="" cli_warm_ms="" cli_cold_rss="" cli_warm_rss=""
if [ $quick -eq 0 ]; then
    echo "== (b) CLI count, Linux kernel"
    cli_cache=$OUT/cli-cache
    rm -rf "$cli_cache"
    for name in cold warm; do
        [ "$name" = cold ] && { drop_caches || true; }
        t0=$(now)
        /usr/bin/time -v -o "$OUT/cli-count-$name.time" \
            "$CLI_BIN" count "$LINUX" --cache-dir "$cli_cache" > "$OUT/cli-count-$name.txt" 2> "$OUT/cli-count-$name.stderr"
        rc=$?
        t1=$(now)
        ms=$(elapsed_ms "$t0" "$t1")
        rss=$(rss_mib "$OUT/cli-count-$name.time")
        sel=$(grep '^selected:' "$OUT/cli-count-$name.txt" | tail -1)
        all=$(grep '^all files:' "$OUT/cli-count-$name.txt" | tail -1)
        printf '  CLI count %-4s: wall_ms=%s peak_rss_mib=%s exit=%s\n      %s\n      %s\n' \
            "$name" "$ms" "$rss" "$rc" "$sel" "$all"
        if [ "$name" = cold ]; then cli_cold_ms=$ms cli_cold_rss=$rss; else cli_warm_ms=$ms cli_warm_rss=$rss; fi
    done
    echo "     (cold: empty --cache-dir, $page_cache_state)"
fi

# ------------------------------------------------------------------------------------------
# c. Pack of the Go tree: reposcope-cli vs repomix
echo "== (c) pack of the Go tree ($go_files tracked files): reposcope-cli vs repomix"
# Same conditions for both: page cache warmed by reading the tree once, nice 0, no caches.
tar -C "$GO" --exclude=.git -cf - . > /dev/null 2>&1 || true
pack_out=$OUT/go-reposcope.xml
t0=$(now)
/usr/bin/time -v -o "$OUT/pack-ours.time" "$CLI_BIN" pack "$GO" -o "$pack_out" --no-cache \
    > "$OUT/pack-ours.stdout" 2> "$OUT/pack-ours.stderr"
ours_rc=$?
t1=$(now)
ours_ms=$(elapsed_ms "$t0" "$t1")
ours_s=$(awk -v m="$ours_ms" 'BEGIN { printf "%.2f", m / 1000 }')
ours_line=$(grep '^packed ' "$OUT/pack-ours.stderr" | tail -1)
ours_files=$(sed -n 's/^packed \([0-9]*\) files.*/\1/p' <<< "$ours_line")
ours_tokens=$(sed -n 's/^packed [0-9]* files, [0-9]* bytes, ~*\([0-9]*\) tokens.*/\1/p' <<< "$ours_line")
ours_bytes=$(stat -c %s "$pack_out" 2>/dev/null || echo 0)
ours_rss=$(rss_mib "$OUT/pack-ours.time")
echo "  reposcope-cli: wall_s=$ours_s files=$ours_files tokens=~$ours_tokens (estimate) output_bytes=$ours_bytes peak_rss_mib=$ours_rss exit=$ours_rc"
echo "      $ours_line"

# Closest to repomix's file set: no default excludes (repomix packs cmd/vendor/, generated
# files, lock files) and repomix's 50 MiB size cap instead of our 1 MiB default.
pack_all=$OUT/go-reposcope-all.xml
t0=$(now)
"$CLI_BIN" pack "$GO" -o "$pack_all" --no-cache --no-default-excludes --size-cap 52428800 \
    > "$OUT/pack-ours-all.stdout" 2> "$OUT/pack-ours-all.stderr"
t1=$(now)
all_s=$(awk -v m="$(elapsed_ms "$t0" "$t1")" 'BEGIN { printf "%.2f", m / 1000 }')
all_line=$(grep '^packed ' "$OUT/pack-ours-all.stderr" | tail -1)
all_files=$(sed -n 's/^packed \([0-9]*\) files.*/\1/p' <<< "$all_line")
all_tokens=$(sed -n 's/^packed [0-9]* files, [0-9]* bytes, ~*\([0-9]*\) tokens.*/\1/p' <<< "$all_line")
echo "  reposcope-cli --no-default-excludes --size-cap 50MiB (repomix-like file set): wall_s=$all_s files=$all_files tokens=~$all_tokens"
echo "      $all_line"

peer_line=$(PEER_NICE=0 "$SCRIPT_DIR/peer-pack.sh" "$GO" "$OUT/go-repomix.xml" 2> "$OUT/peer.stderr" | tail -1)
peer_rc=$?
echo "  repomix:       $peer_line"
peer_s=$(sed -n 's/.*peer_seconds=\([^ ]*\).*/\1/p' <<< "$peer_line")
peer_files=$(sed -n 's/.*peer_files=\([^ ]*\).*/\1/p' <<< "$peer_line")
peer_tokens=$(sed -n 's/.*peer_tokens=\([^ ]*\).*/\1/p' <<< "$peer_line")
pack_ratio=$(awk -v p="${peer_s:-0}" -v o="$ours_s" 'BEGIN { if (o > 0 && p > 0) printf "%.2f", p / o; else print "?" }')
tok_ratio=$(awk -v p="${peer_tokens:-0}" -v o="${ours_tokens:-0}" 'BEGIN { if (p > 0 && o > 0) printf "%.3f", o / p; else print "?" }')
all_ratio=$(awk -v p="${peer_s:-0}" -v o="$all_s" 'BEGIN { if (o > 0 && p > 0) printf "%.2f", p / o; else print "?" }')
echo "  ratio repomix/reposcope wall = ${pack_ratio}x default selection, ${all_ratio}x repomix-like file set (>1: reposcope faster)"
echo "  files: reposcope $ours_files vs repomix $peer_files; tokens: reposcope ~$ours_tokens (estimator, approximate) vs repomix $peer_tokens (o200k_base), ratio $tok_ratio"

# ------------------------------------------------------------------------------------------
# d. Google Benchmark
echo "== (d) micro-benchmarks ($BENCH_BIN)"
if [ -x "$BENCH_BIN" ]; then
    bench_args=(--benchmark_counters_tabular=false)
    [ $quick -eq 1 ] && bench_args+=(--benchmark_min_time=0.05)
    REPOSCOPE_BENCH_GO_DIR=$GO "$BENCH_BIN" "${bench_args[@]}" \
        --benchmark_out="$OUT/reposcope_bench.json" --benchmark_out_format=json 2>&1 | tee "$OUT/reposcope_bench.txt"
else
    echo "  (not built: $BENCH_BIN)"
fi

# The token map's layout of the whole kernel (Google Benchmark, mean real time).
tokenmap_ms= tokenmap_rects= tokenmap_tree=kernel
if [ -f "$OUT/reposcope_bench.json" ]; then
    read -r tokenmap_ms tokenmap_rects < <(python3 - "$OUT/reposcope_bench.json" <<'PY' 2>/dev/null
import json, sys
for b in json.load(open(sys.argv[1])).get("benchmarks", []):
    if b.get("run_name", b["name"]).startswith("BM_TokenMapLayout_Kernel/1600/1000") and b.get("run_type", "iteration") == "iteration":
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b.get("time_unit", "ns")]
        print("%.1f %d" % (b["real_time"] * scale, b.get("rects", 0)))
        break
PY
    )
    grep -q 'SYNTHETIC kernel-shaped' "$OUT/reposcope_bench.txt" 2>/dev/null && tokenmap_tree="synthetic kernel"
fi

# ------------------------------------------------------------------------------------------
# Summary
verdict() { # value limit (PASS when value < limit)
    awk -v v="$1" -v l="$2" 'BEGIN { if (v == "" || v == "?") print "n/a "; else if (v + 0 < l + 0) print "PASS"; else print "MISS" }'
}
gc=$OUT/gui-cold.bench gw=$OUT/gui-warm.bench
tree_ms=$(kv "$gc" tree_ready_ms)
cold_ms=$(kv "$gc" open_to_counted_ms)
warm_ms=$(kv "$gw" open_to_counted_ms)
tree_warm_ms=$(kv "$gw" tree_ready_ms)
rss_c=$(kv "$gc" peak_rss_mib) rss_w=$(kv "$gw" peak_rss_mib)
rss=$(awk -v a="${rss_c:-0}" -v b="${rss_w:-0}" 'BEGIN { print (a > b ? a : b) }')
tog_c=$(kv "$gc" toggle_worst_ms) tog_w=$(kv "$gw" toggle_worst_ms)
tog=$(awk -v a="${tog_c:-0}" -v b="${tog_w:-0}" 'BEGIN { print (a > b ? a : b) }')
tog_folder=$(kv "$gc" folder)

echo
echo "================================ SUMMARY ================================"
echo "kernel: $linux_files files; cold = empty token cache, $gui_cold_cache_state"
printf '%-52s %12s %10s  %s\n' "target" "figure" "limit" "verdict"
printf '%-52s %12s %10s  %s\n' "GUI kernel: tree usable after drop (cold)" "${tree_ms:-?} ms" "< 2000 ms" "$(verdict "$tree_ms" 2000)"
printf '%-52s %12s %10s  %s\n' "GUI kernel: tree usable after drop (warm)" "${tree_warm_ms:-?} ms" "< 2000 ms" "$(verdict "$tree_warm_ms" 2000)"
printf '%-52s %12s %10s  %s\n' "GUI kernel: scan + estimate, cold" "${cold_ms:-?} ms" "< 10000 ms" "$(verdict "$cold_ms" 10000)"
printf '%-52s %12s %10s  %s\n' "GUI kernel: scan + estimate, warm" "${warm_ms:-?} ms" "< 2000 ms" "$(verdict "$warm_ms" 2000)"
if [ $quick -eq 0 ]; then
    printf '%-52s %12s %10s  %s\n' "CLI count kernel: cold (process wall)" "${cli_cold_ms:-?} ms" "< 10000 ms" "$(verdict "$cli_cold_ms" 10000)"
    printf '%-52s %12s %10s  %s\n' "CLI count kernel: warm (process wall)" "${cli_warm_ms:-?} ms" "< 2000 ms" "$(verdict "$cli_warm_ms" 2000)"
    printf '%-52s %12s %10s  %s\n' "CLI count kernel: peak RSS (cold/warm max)" \
        "$(awk -v a="${cli_cold_rss:-0}" -v b="${cli_warm_rss:-0}" 'BEGIN { print (a > b ? a : b) }') MiB" "< 1536 MiB" \
        "$(verdict "$(awk -v a="${cli_cold_rss:-0}" -v b="${cli_warm_rss:-0}" 'BEGIN { print (a > b ? a : b) }')" 1536)"
fi
printf '%-52s %12s %10s  %s\n' "GUI kernel: peak RSS (VmHWM, cold/warm max)" "$rss MiB" "< 1536 MiB" "$(verdict "$rss" 1536)"
printf '%-52s %12s %10s  %s\n' "GUI kernel: toggle top-level folder (worst: ${tog_folder:-?})" "$tog ms" "< 16 ms" "$(verdict "$tog" 16)"
printf '%-52s %12s %10s  %s\n' "token map: lay out $tokenmap_tree, 1600x1000 (${tokenmap_rects:-?} rects)" "${tokenmap_ms:-?} ms" "< 100 ms" "$(verdict "$tokenmap_ms" 100)"
printf '%-52s %12s %10s  %s\n' "pack Go tree: reposcope-cli wall" "${ours_s} s" "< ${peer_s:-?} s" "$(verdict "$ours_s" "${peer_s:-0}")"
printf '%-52s %12s %10s  %s\n' "pack Go tree: reposcope-cli, repomix-like file set" "${all_s} s" "< ${peer_s:-?} s" "$(verdict "$all_s" "${peer_s:-0}")"
printf '%-52s %12s\n' "  repomix wall / reposcope wall (default set)" "${pack_ratio}x"
printf '%-52s %12s\n' "  repomix wall / reposcope wall (repomix-like set)" "${all_ratio}x"
printf '%-52s %12s\n' "  files packed (repomix-like set / repomix)" "$all_files / $peer_files"
printf '%-52s %12s\n' "  tokens (repomix-like set ~estimate / repomix)" "~$all_tokens / $peer_tokens"
printf '%-52s %12s\n' "  files packed (reposcope / repomix)" "$ours_files / $peer_files"
printf '%-52s %12s\n' "  tokens (reposcope ~estimate / repomix o200k)" "~$ours_tokens / $peer_tokens"
echo "outputs: $OUT"
