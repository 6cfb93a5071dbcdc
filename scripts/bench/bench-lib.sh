# Helpers shared by the benchmark scripts (sourced, not run).
# Requires: bash, awk, sed, date.

log() { printf '[%s] %s\n' "${BENCH_LOG_TAG:-bench}" "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
# Value of key=... in a file of `bench k=v k=v` lines (last occurrence).
kv() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" "$1" | tail -1; }
# Peak RSS (MiB) from /usr/bin/time -v output.
rss_mib() { awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }
# Wall seconds from /usr/bin/time -v output ("h:mm:ss" or "m:ss.ss").
wall_s() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1"
}
# Minimum and median of numbers given as arguments ("" when none).
min_of() { printf '%s\n' "$@" | sort -g | head -1; }
median_of() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
# a / b with two decimals, "?" when either is missing or zero.
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "?" }'; }
# PASS when value >= limit (for speed-up ratios), MISS otherwise, n/a when unknown.
at_least() { awk -v v="$1" -v l="$2" 'BEGIN { if (v == "" || v == "?") print "n/a "; else if (v + 0 >= l + 0) print "PASS"; else print "MISS" }'; }
# The 1-minute load average and the number of CPUs, for the record.
machine_load() { printf 'load %s on %s CPUs' "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"; }
