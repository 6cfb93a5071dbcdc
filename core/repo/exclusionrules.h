// SPDX-License-Identifier: MIT
#pragma once

#include "repo/ignorerules.h"
#include "repo/scantypes.h"

#include <QByteArrayView>

namespace reposcope::repo {

// The default exclusion rules (lock files, generated/minified files, vendored folders,
// the size cap) and the user's include/exclude globs, as configured by ScanOptions.
// Immutable after construction and so safe to share between threads.
//
// User globs are gitignore-like: a glob without '/' matches a file or folder name at any
// depth ("*.go", "vendor"), one with '/' matches the path from the root ("src/**",
// "**/test/*", "/docs"), a trailing '/' matches folders only. A glob that matches a
// folder applies to everything under it. '!' negation is not supported.
class ExclusionRules {
public:
    explicit ExclusionRules(const ScanOptions &options);

    // The reason, by path and size, a regular file is excluded, or Exclusion::None.
    // Precedence: UserExcluded, SecretFile, Vendored, LockFile, Generated, TooLarge.
    Exclusion classify(const QByteArray &path, qint64 size) const;

    bool userExcluded(const QByteArray &path) const;

    static bool isLockFileName(QByteArrayView name);
    // Files that hold secrets by their name: .env and .env.* (not .env.example, .sample,
    // .template, .dist), *.pem, *.key, id_rsa*, id_dsa*, id_ecdsa*, id_ed25519* (not .pub),
    // *.p12, *.pfx, *.keystore, *.jks, .npmrc, .pypirc, .netrc, .pgpass, .htpasswd,
    // credentials*.json, service-account*.json and *-sa-key.json.
    static bool isSecretFileName(QByteArrayView name);
    static bool isGeneratedName(QByteArrayView name);
    static bool hasVendoredComponent(QByteArrayView path);

private:
    ScanOptions m_options;
    IgnoreList m_include;
    IgnoreList m_exclude;
};

// Content-based check for the start of a file (a few KiB suffice): Binary when it holds
// a NUL byte in the first 8000 bytes (git's heuristic), Generated when it carries a
// "generated, do not edit" marker in its first lines or looks minified (a line over
// 1000 bytes with few line breaks), else None. Pure and cheap.
Exclusion contentExclusion(QByteArrayView head);

} // namespace reposcope::repo
