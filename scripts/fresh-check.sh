#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tries the README's two commands (scripts/test.sh, then scripts/run.sh) as a new user
# would, on a fresh minimal Debian 12 (bookworm, debootstrap --variant=minbase) in a chroot,
# with a clean clone of this repository's HEAD (committed files only). Prints each step, every
# step that failed with the end of its log, and a PASS/FAIL summary. Needs root and network
# (Debian's mirror as configured in this machine's apt sources, and the npm registry).
#
#   scripts/fresh-check.sh [--node none|18] [--work DIR] [--bootstrap-only] [--keep-root] [--ccache DIR]
#                          [--app-seconds N]
#
#   --node none   no Node.js in the root (default): bootstrap must bring its own
#   --node 18     Debian's nodejs (18) and npm installed in the root first
#   --work DIR    where the root and the logs go (default: a new folder under /var/tmp)
#   --bootstrap-only  run only scripts/bootstrap.sh (minutes, not the build): a quick check
# Developer opt-ins (the default is a truly fresh root, built and deleted each run):
#   --keep-root   keep the root afterwards, and reuse a debootstrapped base found in --work
#   --ccache DIR  compile through ccache with its cache in DIR (on this machine)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
node_case=none
work=""
keep_root=0
ccache_dir=""
app_seconds=60
bootstrap_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --node) node_case=${2:?--node needs none or 18}; shift 2 ;;
        --work) work=${2:?--work needs a folder}; shift 2 ;;
        --keep-root) keep_root=1; shift ;;
        --bootstrap-only) bootstrap_only=1; shift ;;
        --ccache) ccache_dir=${2:?--ccache needs a folder}; shift 2 ;;
        --app-seconds) app_seconds=${2:?--app-seconds needs a number}; shift 2 ;;
        -h | --help) sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "fresh-check: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$node_case" in none | 18) ;; *) echo "fresh-check: --node takes none or 18" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "fresh-check: run as root (debootstrap and chroot need it)" >&2; exit 2; }

say() { printf '[fresh-check] %s\n' "$*"; }
[ -n "$work" ] || work=$(mktemp -d /var/tmp/reposcope-fresh.XXXXXX)
mkdir -p "$work"
work=$(cd "$work" && pwd)
root="$work/root"
logs="$work/logs"
mkdir -p "$logs"
started=$(date +%s)

# ------------------------------------------------------------------ bookkeeping
failed=()
results=()
step() { # step NAME COMMAND...: runs it with its output in logs/NAME.log, records the result
    local name=$1; shift
    local t0 rc
    t0=$(date +%s)
    say "step $name ..."
    set +e
    "$@" >"$logs/$name.log" 2>&1
    rc=$?
    set -e
    local took=$(($(date +%s) - t0))
    if [ $rc -eq 0 ]; then
        results+=("PASS  $name  (${took} s)")
        say "step $name: ok (${took} s)"
    else
        results+=("FAIL  $name  (${took} s, exit $rc, log $logs/$name.log)")
        failed+=("$name")
        say "step $name: FAILED (exit $rc after ${took} s); the end of $logs/$name.log:"
        tail -n 40 "$logs/$name.log" | sed 's/^/    | /'
    fi
    return $rc
}

mounted=()
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount -l "${mounted[$i]}" 2>/dev/null || true
    done
    mounted=()
}
cleanup() {
    unmount_all
    # Never delete through a live bind mount: only when nothing under the root is mounted.
    if [ $keep_root -eq 0 ] && [ -d "$root" ] && ! grep -q " $root/" /proc/self/mounts; then
        rm -rf "$root"
    fi
}
trap cleanup EXIT

# ------------------------------------------------------------------ the mirror
mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' "$f")
    [ -n "$mirror" ] && break
done
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
    mirror=$(awk '/^deb / && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || { echo "fresh-check: no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list" >&2; exit 2; }
say "mirror $mirror, case: node $node_case, work folder $work"

# ------------------------------------------------------------------ the root
if ! command -v debootstrap >/dev/null; then
    step host-debootstrap env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap ||
        exit 1
fi
if [ $keep_root -eq 1 ] && [ -f "$work/base.tar" ]; then
    say "reusing the debootstrapped base in $work/base.tar (--keep-root)"
    rm -rf "$root" && mkdir -p "$root" && tar -C "$root" -xf "$work/base.tar"
else
    rm -rf "$root"
    step debootstrap debootstrap --variant=minbase bookworm "$root" "$mirror" || exit 1
    [ $keep_root -eq 1 ] && tar -C "$root" -cf "$work/base.tar" .
fi
# The root's apt sources: the same mirror, with bookworm-updates and security like a real install.
security=$(grep -ho 'http[^ ]*debian-security' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n1 || true)
{
    echo "deb $mirror bookworm main"
    echo "deb $mirror bookworm-updates main"
    [ -n "$security" ] && echo "deb $security bookworm-security main"
} >"$root/etc/apt/sources.list"
# This machine's network settings, not the project's: its resolver, and its CA bundle for
# Node (NODE_EXTRA_CA_CERTS below) so that npm works behind a TLS-inspecting proxy whose CA
# only this machine trusts. A real fresh machine needs neither.
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
host_ca=""
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    host_ca=/etc/fresh-check-host-ca.crt
    cp -L /etc/ssl/certs/ca-certificates.crt "$root$host_ca"
fi

# A clean clone of HEAD: committed files only; no .deps, no build, no node_modules.
head=$(git -C "$repo" rev-parse HEAD)
src_in_root=/home/newuser/reposcope
rm -rf "$work/clone"
git clone -q --no-checkout "$repo" "$work/clone"
git -C "$work/clone" checkout -q --detach "$head"
mkdir -p "$root/home/newuser"
cp -a "$work/clone" "$root$src_in_root"
rm -rf "$work/clone"
say "cloned $head into the root at $src_in_root"

for m in proc sys dev dev/pts; do
    mkdir -p "$root/$m"
    case "$m" in
        proc) mount -t proc proc "$root/proc" ;;
        sys) mount --bind /sys "$root/sys" ;;
        dev) mount --bind /dev "$root/dev" ;;
        dev/pts) mount --bind /dev/pts "$root/dev/pts" ;;
    esac
    mounted+=("$root/$m")
done
if [ -n "$ccache_dir" ]; then
    mkdir -p "$ccache_dir" "$root/var/cache/fresh-ccache"
    mount --bind "$ccache_dir" "$root/var/cache/fresh-ccache"
    mounted+=("$root/var/cache/fresh-ccache")
fi

# Inside: a clean environment with the root's own HOME (no ~/.cache from this machine).
in_root() {
    local extra=()
    if [ -n "$ccache_dir" ]; then
        extra=(CCACHE_DIR=/var/cache/fresh-ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache)
    fi
    [ -n "$host_ca" ] && extra+=(NODE_EXTRA_CA_CERTS="$host_ca")
    env -i HOME=/home/newuser USER=root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${extra[@]}" \
        chroot "$root" /bin/bash -c "cd $src_in_root && $1"
}

if [ "$node_case" = 18 ]; then
    step node18 in_root 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm && node --version' ||
        exit 1
    say "the root has $(in_root 'node --version') on PATH"
fi
if [ -n "$ccache_dir" ]; then
    step ccache in_root 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ccache' || exit 1
fi

# ------------------------------------------------------------------ the README's two commands
if [ $bootstrap_only -eq 1 ]; then
    step bootstrap.sh in_root 'scripts/bootstrap.sh' || true
fi
[ $bootstrap_only -eq 1 ] || step test.sh in_root 'scripts/test.sh' || true
# The app runs headless (offscreen); it works when its process, build/app/reposcope in the
# root, has been running for N seconds. run.sh first bootstraps and builds (quick after
# test.sh); if it ends before the app is up, that is a failure.
run_app() {
    local app="$root$src_in_root/build/app/reposcope" pid app_pid="" since=0 rc=0
    in_root "QT_QPA_PLATFORM=offscreen scripts/run.sh $src_in_root" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if [ -z "$app_pid" ]; then
            for p in /proc/[0-9]*; do
                if [ "$(readlink "$p/exe" 2>/dev/null)" = "$app" ]; then
                    app_pid=${p#/proc/}
                    since=$(date +%s)
                    echo "fresh-check: the app is running (pid $app_pid)"
                    break
                fi
            done
        elif [ $(($(date +%s) - since)) -ge "$app_seconds" ]; then
            echo "fresh-check: the app was still running after $app_seconds s: ok"
            kill -TERM "$app_pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            return 0
        fi
        sleep 1
    done
    wait "$pid" || rc=$?
    if [ -n "$app_pid" ]; then
        echo "fresh-check: the app ended with exit $rc after $(($(date +%s) - since)) s (less than $app_seconds s)"
    else
        echo "fresh-check: scripts/run.sh ended with exit $rc before the app started"
    fi
    return 1
}
[ $bootstrap_only -eq 1 ] || step run.sh run_app || true

# ------------------------------------------------------------------ what was missing
for f in "$root$src_in_root"/.deps/*.log; do
    [ -f "$f" ] && cp "$f" "$logs/bootstrap-$(basename "$f")"
done
missing=$(cat "$logs"/*.log 2>/dev/null |
    grep -E 'command not found|No such file or directory|not installed|is missing|Could NOT find|CMAKE_MAKE_PROGRAM|error:' |
    sort -u | head -n 40 || true)
echo
say "summary (node: $node_case, $(($(date +%s) - started)) s in all, commit $head):"
for r in "${results[@]}"; do
    echo "    $r"
done
if [ -n "$missing" ]; then
    say "lines in the logs that name something missing or an error:"
    printf '%s\n' "$missing" | sed 's/^/    | /'
fi
if [ ${#failed[@]} -eq 0 ]; then
    if [ $bootstrap_only -eq 1 ]; then
        say "PASS (bootstrap only, not the two commands): scripts/bootstrap.sh works on a fresh Debian 12 (node: $node_case)"
    else
        say "PASS: the README's two commands work on a fresh Debian 12 (node: $node_case)"
    fi
    exit 0
fi
say "FAIL: ${failed[*]} (logs in $logs)"
exit 1
