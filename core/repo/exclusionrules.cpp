// SPDX-License-Identifier: MIT
#include "repo/exclusionrules.h"

#include <algorithm>
#include <array>

namespace reposcope::repo {

namespace {

QByteArrayView baseName(QByteArrayView path) {
    const qsizetype slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.sliced(slash + 1);
}

// Does any pattern of `list` match the path or one of its parent folders?
bool matchesPathOrParent(const IgnoreList &list, const QByteArray &path) {
    const int len = int(path.size());
    int nameOffset = int(path.lastIndexOf('/')) + 1;
    if (list.match(path.constData(), len, nameOffset, false) == IgnoreList::Verdict::Ignored)
        return true;
    // Parent folders: NUL-terminated copies, from the top down.
    for (qsizetype slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        const QByteArray dir = path.left(slash);
        nameOffset = int(dir.lastIndexOf('/')) + 1;
        if (list.match(dir.constData(), int(dir.size()), nameOffset, true) ==
            IgnoreList::Verdict::Ignored)
            return true;
    }
    return false;
}

IgnoreList globList(const QStringList &globs) {
    IgnoreList list;
    for (const QString &g : globs) {
        const QByteArray bytes = g.trimmed().toUtf8();
        if (!bytes.isEmpty() && !bytes.startsWith('!') && !bytes.startsWith('#'))
            list.addPattern(bytes);
    }
    return list;
}

} // namespace

ExclusionRules::ExclusionRules(const ScanOptions &options)
    : m_options(options)
    , m_include(globList(options.includeGlobs))
    , m_exclude(globList(options.excludeGlobs)) {}

bool ExclusionRules::userExcluded(const QByteArray &path) const {
    if (!m_exclude.patterns.empty() && matchesPathOrParent(m_exclude, path))
        return true;
    return !m_include.patterns.empty() && !matchesPathOrParent(m_include, path);
}

Exclusion ExclusionRules::classify(const QByteArray &path, qint64 size) const {
    if (userExcluded(path))
        return Exclusion::UserExcluded;
    if (m_options.excludeSecretFiles && isSecretFileName(baseName(path)))
        return Exclusion::SecretFile;
    if (m_options.excludeVendored && hasVendoredComponent(path))
        return Exclusion::Vendored;
    const QByteArrayView name = baseName(path);
    if (m_options.excludeLockFiles && isLockFileName(name))
        return Exclusion::LockFile;
    if (m_options.excludeGenerated && isGeneratedName(name))
        return Exclusion::Generated;
    if (m_options.sizeCap > 0 && size > m_options.sizeCap)
        return Exclusion::TooLarge;
    return Exclusion::None;
}

bool ExclusionRules::isLockFileName(QByteArrayView name) {
    static constexpr std::array<const char *, 16> names{"package-lock.json", "npm-shrinkwrap.json",
                                                        "yarn.lock",         "pnpm-lock.yaml",
                                                        "Cargo.lock",        "poetry.lock",
                                                        "Pipfile.lock",      "composer.lock",
                                                        "Gemfile.lock",      "go.sum",
                                                        "bun.lockb",         "mix.lock",
                                                        "pubspec.lock",      "Podfile.lock",
                                                        "flake.lock",        "packages.lock.json"};
    for (const char *n : names)
        if (name == QByteArrayView(n))
            return true;
    return name.endsWith(".lock") || name.endsWith(".lockb");
}

bool ExclusionRules::isSecretFileName(QByteArrayView name) {
    if (name == ".env")
        return true;
    if (name.startsWith(".env.")) {
        static constexpr std::array<const char *, 6> templates{".example", ".sample",   ".template",
                                                               ".dist",    ".defaults", ".schema"};
        for (const char *t : templates)
            if (name.endsWith(QByteArrayView(t)))
                return false;
        return true;
    }
    static constexpr std::array<const char *, 6> exact{".npmrc",  ".pypirc",   ".netrc",
                                                       ".pgpass", ".htpasswd", "_netrc"};
    for (const char *e : exact)
        if (name == QByteArrayView(e))
            return true;
    static constexpr std::array<const char *, 7> suffixes{".pem",      ".key", ".p12", ".pfx",
                                                          ".keystore", ".jks", ".ppk"};
    for (const char *s : suffixes)
        if (name.endsWith(QByteArrayView(s)))
            return true;
    static constexpr std::array<const char *, 4> keys{"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"};
    for (const char *k : keys)
        if (name.startsWith(QByteArrayView(k)))
            return !name.endsWith(".pub");
    if (name.endsWith(".json"))
        return name.startsWith("credentials") || name.startsWith("service-account") ||
               name.startsWith("service_account") || name.endsWith("-sa-key.json");
    return false;
}

bool ExclusionRules::isGeneratedName(QByteArrayView name) {
    static constexpr std::array<const char *, 12> suffixes{
        ".min.js", ".min.css", ".map",    ".pb.go",        "_pb2.py",      "_pb2_grpc.py",
        ".pb.cc",  ".pb.h",    ".g.dart", ".freezed.dart", ".designer.cs", "-min.js"};
    for (const char *s : suffixes)
        if (name.endsWith(QByteArrayView(s)))
            return true;
    // foo.generated.ts, foo.g.cs, foo_generated.go
    return name.contains(".generated.") || name.endsWith(".g.cs") || name.contains("_generated.");
}

bool ExclusionRules::hasVendoredComponent(QByteArrayView path) {
    static constexpr std::array<const char *, 9> dirs{
        "node_modules", "vendor", "third_party", "thirdparty",   "bower_components",
        ".venv",        "venv",   "Pods",        "jspm_packages"};
    qsizetype start = 0;
    for (qsizetype slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', start)) {
        const QByteArrayView component = path.sliced(start, slash - start);
        for (const char *d : dirs)
            if (component == QByteArrayView(d))
                return true;
        start = slash + 1;
    }
    return false;
}

QByteArrayView prefix(QByteArrayView v, qsizetype n) {
    return v.first(std::min(n, v.size()));
}

Exclusion contentExclusion(QByteArrayView head) {
    if (prefix(head, 8000).contains('\0'))
        return Exclusion::Binary;
    const QByteArrayView top = prefix(head, 1024);
    if (top.contains("Code generated") && top.contains("DO NOT EDIT"))
        return Exclusion::Generated;
    if (top.contains("@generated") || top.contains("<auto-generated"))
        return Exclusion::Generated;
    // Minified: long lines with almost no line breaks.
    const QByteArrayView sample = prefix(head, 4096);
    if (sample.size() >= 1000) {
        const qsizetype lines = sample.count('\n') + 1;
        if (sample.size() / lines > 1000)
            return Exclusion::Generated;
    }
    return Exclusion::None;
}

} // namespace reposcope::repo
