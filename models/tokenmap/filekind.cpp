// SPDX-License-Identifier: MIT
// classifyFileKind: table look-ups on path components, no regular expressions.
#include "tokenmap/tokenmaplayout.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace reposcope::models {

namespace {

using namespace std::string_view_literals;

template <size_t N> bool inTable(const std::array<std::string_view, N> &table, std::string_view s) {
    return std::find(table.begin(), table.end(), s) != table.end();
}

// Compared in lower case.
constexpr std::array kTestDirs = {"test"sv,     "tests"sv,     "testdata"sv,  "__tests__"sv,
                                  "spec"sv,     "specs"sv,     "testing"sv,   "__mocks__"sv,
                                  "e2e"sv,      "testsuite"sv, "selftests"sv, "unittests"sv,
                                  "fixtures"sv, "kunit"sv};
constexpr std::array kDocDirs = {"docs"sv, "doc"sv, "documentation"sv, "man"sv};
// Exact file names, compared as they are.
constexpr std::array kConfigNames = {
    "Makefile"sv,      "makefile"sv,         "GNUmakefile"sv,   "Kconfig"sv,
    "Kbuild"sv,        "CMakeLists.txt"sv,   "Dockerfile"sv,    "Containerfile"sv,
    "Jenkinsfile"sv,   "Vagrantfile"sv,      "Gemfile"sv,       "Rakefile"sv,
    "Pipfile"sv,       "Procfile"sv,         "BUILD"sv,         "BUILD.bazel"sv,
    "WORKSPACE"sv,     "meson.build"sv,      "go.mod"sv,        "go.sum"sv,
    ".gitignore"sv,    ".gitattributes"sv,   ".gitmodules"sv,   ".editorconfig"sv,
    ".clang-format"sv, ".clang-tidy"sv,      ".dockerignore"sv, ".npmrc"sv,
    ".mailmap"sv,      "requirements.txt"sv, "CODEOWNERS"sv,    "MAINTAINERS"sv};
constexpr std::array kDocNames = {"README"sv,    "LICENSE"sv, "LICENCE"sv,      "COPYING"sv,
                                  "CHANGELOG"sv, "CHANGES"sv, "AUTHORS"sv,      "CREDITS"sv,
                                  "NEWS"sv,      "NOTICE"sv,  "CONTRIBUTING"sv, "HISTORY"sv};
// Extensions, lower case, without the dot.
constexpr std::array kDocExts = {"md"sv,       "markdown"sv, "rst"sv, "txt"sv,  "adoc"sv,
                                 "asciidoc"sv, "org"sv,      "tex"sv, "texi"sv, "pod"sv};
constexpr std::array kConfigExts = {
    "json"sv,  "jsonc"sv,  "json5"sv, "yaml"sv,    "yml"sv,    "toml"sv,
    "ini"sv,   "xml"sv,    "cfg"sv,   "conf"sv,    "config"sv, "properties"sv,
    "plist"sv, "cmake"sv,  "mk"sv,    "gradle"sv,  "env"sv,    "editorconfig"sv,
    "lock"sv,  "csproj"sv, "sln"sv,   "vcxproj"sv, "pom"sv,    "bazel"sv,
    "bzl"sv,   "nix"sv,    "hcl"sv,   "tf"sv,      "kconfig"sv};
constexpr std::array kCodeExts = {
    "c"sv,    "h"sv,      "cc"sv,    "cpp"sv,    "cxx"sv,     "hpp"sv,    "hh"sv,     "hxx"sv,
    "inl"sv,  "ipp"sv,    "m"sv,     "mm"sv,     "go"sv,      "rs"sv,     "py"sv,     "pyi"sv,
    "pyx"sv,  "js"sv,     "mjs"sv,   "cjs"sv,    "jsx"sv,     "ts"sv,     "tsx"sv,    "mts"sv,
    "cts"sv,  "java"sv,   "kt"sv,    "kts"sv,    "scala"sv,   "groovy"sv, "swift"sv,  "rb"sv,
    "php"sv,  "cs"sv,     "fs"sv,    "vb"sv,     "lua"sv,     "pl"sv,     "pm"sv,     "sh"sv,
    "bash"sv, "zsh"sv,    "fish"sv,  "ps1"sv,    "bat"sv,     "cmd"sv,    "sql"sv,    "s"sv,
    "asm"sv,  "dts"sv,    "dtsi"sv,  "awk"sv,    "sed"sv,     "r"sv,      "jl"sv,     "dart"sv,
    "ex"sv,   "exs"sv,    "erl"sv,   "hrl"sv,    "hs"sv,      "ml"sv,     "mli"sv,    "clj"sv,
    "cljs"sv, "el"sv,     "lisp"sv,  "scm"sv,    "zig"sv,     "nim"sv,    "v"sv,      "sv"sv,
    "vhd"sv,  "vhdl"sv,   "html"sv,  "htm"sv,    "css"sv,     "scss"sv,   "sass"sv,   "less"sv,
    "vue"sv,  "svelte"sv, "proto"sv, "thrift"sv, "graphql"sv, "cu"sv,     "cuh"sv,    "f"sv,
    "f90"sv,  "pas"sv,    "d"sv,     "y"sv,      "l"sv,       "rl"sv,     "cmm"sv,    "bpf"sv,
    "qml"sv,  "ui"sv,     "glsl"sv,  "hlsl"sv,   "wgsl"sv,    "metal"sv,  "coffee"sv, "elm"sv,
    "tcl"sv,  "vim"sv,    "py3"sv,   "rake"sv,   "gemspec"sv};

std::string_view lower(std::string_view s, char *buffer, size_t room) {
    const size_t n = std::min(s.size(), room);
    for (size_t i = 0; i < n; ++i) {
        const char c = s[i];
        buffer[i] = c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
    }
    return {buffer, n};
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// A test file by its name alone: foo_test.go, test_foo.py, foo.test.ts, FooTest.java, ...
bool testFileName(std::string_view name, std::string_view lowerName) {
    const size_t dot = name.rfind('.');
    const std::string_view stem = dot == std::string_view::npos ? name : name.substr(0, dot);
    const std::string_view lowerStem = lowerName.substr(0, stem.size());
    if (endsWith(lowerStem, "_test") || endsWith(lowerStem, "_tests") ||
        endsWith(lowerStem, "_spec") || endsWith(lowerStem, ".test") ||
        endsWith(lowerStem, ".spec") || endsWith(lowerStem, "-test") ||
        startsWith(lowerStem, "test_"))
        return true;
    // CamelCase suffixes (Java, Kotlin, C#, Swift): FooTest, FooTests, FooSpec, FooIT.
    for (std::string_view suffix : {"Test"sv, "Tests"sv, "Spec"sv, "IT"sv}) {
        if (stem.size() > suffix.size() && endsWith(stem, suffix)) {
            const char before = stem[stem.size() - suffix.size() - 1];
            if (before >= 'a' && before <= 'z')
                return true;
        }
    }
    return false;
}

} // namespace

FileKind classifyFileKind(const QByteArray &path, repo::Exclusion exclusion) {
    switch (exclusion) {
    case repo::Exclusion::Vendored:
        return FileKind::Vendored;
    case repo::Exclusion::Generated:
    case repo::Exclusion::LockFile:
        return FileKind::Generated;
    default:
        break;
    }
    const std::string_view p(path.constData(), size_t(path.size()));
    const size_t slash = p.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? p : p.substr(slash + 1);
    char buffer[256];

    // Folders on the way: tests win over docs (docs/examples/test_x.py is a test).
    bool inDocs = false;
    size_t start = 0;
    while (slash != std::string_view::npos && start < slash) {
        size_t next = p.find('/', start);
        if (next == std::string_view::npos || next > slash)
            next = slash;
        const std::string_view dir = lower(p.substr(start, next - start), buffer, sizeof buffer);
        if (inTable(kTestDirs, dir))
            return FileKind::Tests;
        if (inTable(kDocDirs, dir))
            inDocs = true;
        start = next + 1;
    }
    const std::string_view lowerName = lower(name, buffer, sizeof buffer);
    if (lowerName.size() == name.size() && testFileName(name, lowerName))
        return FileKind::Tests;
    if (inDocs)
        return FileKind::Docs;
    if (inTable(kConfigNames, name))
        return FileKind::Config;

    const size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) {
        if (inTable(kDocNames, name))
            return FileKind::Docs;
        return dot == 0 ? FileKind::Config : FileKind::Other; // .foorc: dotfiles configure
    }
    // Docs by stem too: README.md, LICENSE.txt, COPYING.LIB.
    const std::string_view stem = name.substr(0, name.find('.'));
    if (inTable(kDocNames, stem))
        return FileKind::Docs;
    char extBuffer[32];
    const std::string_view lowerExt = lower(name.substr(dot + 1), extBuffer, sizeof extBuffer);
    if (inTable(kDocExts, lowerExt))
        return FileKind::Docs;
    if (inTable(kConfigExts, lowerExt))
        return FileKind::Config;
    if (inTable(kCodeExts, lowerExt))
        return FileKind::Code;
    return FileKind::Other;
}

} // namespace reposcope::models
