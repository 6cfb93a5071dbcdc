#!/usr/bin/env bash
# Prepare the benchmark corpora: real source trees made into git repositories.
#
#   scripts/bench/prepare-corpora.sh [--only go|linux] [--force]
#
# Result (under <repo>/.deps/corpora/, git-ignored):
#   go/      copy of /usr/share/go-1.19/src (Debian package golang-1.19-src),
#            ~8,200 files, ~120 MB, with nested .gitignore files (intended).
#   linux/   /usr/src/linux-source-6.1.tar.xz (Debian package linux-source-6.1)
#            unpacked, ~78,600 files, ~1.5 GB; its top-level .gitignore is cut
#            from the line "# Debian packaging" to the end (that tail is "/*",
#            which would ignore everything at the top level).
#
# Each corpus is `git init -b main`, `git add -A`, committed once. It is built
# in a temporary folder and renamed into place when complete, and a stamp
# file (.deps/corpora/<name>.stamp, outside the tree so scans don't see it)
# marks it done: re-running skips prepared corpora. --force rebuilds them.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
CORPORA=$(mkdir -p "$SCRIPT_DIR/../../.deps/corpora" && cd "$SCRIPT_DIR/../../.deps/corpora" && pwd)

GO_SRC=/usr/share/go-1.19/src
GO_PKG=golang-1.19-src
LINUX_TAR=/usr/src/linux-source-6.1.tar.xz
LINUX_PKG=linux-source-6.1

only=""
force=0
while [ $# -gt 0 ]; do
    case "$1" in
        --only) only="${2:-}"; shift 2 ;;
        --only=*) only="${1#--only=}"; shift ;;
        --force) force=1; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
case "$only" in
    ""|go|linux) ;;
    *) echo "--only takes go or linux, not '$only'" >&2; exit 2 ;;
esac

log() { echo "[prepare-corpora] $*" >&2; }

# Install a Debian package if the path it ships is missing.
ensure_pkg() { # path package
    [ -e "$1" ] && return 0
    log "$1 missing: installing Debian package $2"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y "$2" || { $sudo apt-get update && $sudo apt-get install -y "$2"; }
    [ -e "$1" ] || { log "package $2 did not provide $1"; exit 1; }
}

# git init + add + commit in the current directory.
commit_tree() {
    git init -q -b main
    git config core.preloadIndex true
    git config gc.auto 0
    git add -A
    git -c user.name=bench -c user.email=bench@localhost commit -q -m corpus
}

# Build corpus $1 with builder function $2 (run inside an empty folder).
prepare() { # name builder source-description
    local name=$1 builder=$2 source=$3
    local dest="$CORPORA/$name" stamp="$CORPORA/$name.stamp" tmp="$CORPORA/.tmp-$name"
    if [ "$force" -eq 0 ] && [ -f "$stamp" ] && [ -d "$dest/.git" ]; then
        log "$name: already prepared ($dest), skipping"
        return 0
    fi
    local t0=$SECONDS
    rm -rf "$tmp" "$dest" "$stamp"
    mkdir -p "$tmp"
    log "$name: preparing from $source"
    # Be gentle on a shared machine: the build runs at nice 10.
    (cd "$tmp" && renice -n 10 -p "$BASHPID" >/dev/null 2>&1; "$builder")
    mv "$tmp" "$dest"
    local files commit
    files=$(git -C "$dest" ls-files | wc -l)
    commit=$(git -C "$dest" rev-parse HEAD)
    {
        echo "source=$source"
        echo "files=$files"
        echo "commit=$commit"
        echo "seconds=$((SECONDS - t0))"
        echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    } > "$stamp"
    log "$name: done in $((SECONDS - t0)) s, $files tracked files, commit $commit"
}

build_go() {
    cp -a "$GO_SRC/." .
    commit_tree
}

build_linux() {
    tar -xJf "$LINUX_TAR" --strip-components=1 --no-same-owner
    # Debian's top-level .gitignore ends with "/*" (ignore everything at the
    # top): delete from "# Debian packaging" to the end, and the lone "#"
    # comment line left just above it.
    sed -i '/^# Debian packaging/,$d' .gitignore
    sed -i '${/^#$/d}' .gitignore
    if grep -qx '/\*' .gitignore; then log "linux: .gitignore still has /*"; exit 1; fi
    commit_tree
}

if [ -z "$only" ] || [ "$only" = go ]; then
    ensure_pkg "$GO_SRC" "$GO_PKG"
    prepare go build_go "$GO_SRC ($(dpkg-query -W -f='${Package} ${Version}' "$GO_PKG" 2>/dev/null || echo "$GO_PKG"))"
fi
if [ -z "$only" ] || [ "$only" = linux ]; then
    ensure_pkg "$LINUX_TAR" "$LINUX_PKG"
    prepare linux build_linux "$LINUX_TAR ($(dpkg-query -W -f='${Package} ${Version}' "$LINUX_PKG" 2>/dev/null || echo "$LINUX_PKG"))"
fi
echo "$CORPORA"
