// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <array>
#include <cstdint>
#include <vector>

namespace reposcope::repo {

enum class EntryKind : quint8 { File, Directory, Submodule, Symlink };

// Why a file is not part of the default selection. Every reason is shown in the tree
// and can be overridden by ticking the file.
enum class Exclusion : quint8 {
    None,
    GitDir,         // anything under .git
    Binary,         // content looks binary (found while counting)
    TooLarge,       // over the size cap
    LockFile,       // package-lock.json, Cargo.lock, ...
    Generated,      // minified or generated (by name, or by content while counting)
    Vendored,       // node_modules/, vendor/, third_party/ ...
    UserExcluded,   // matched a user exclude glob or missed every include glob
    Unreadable,     // could not be read (permissions, I/O error)
    Symlink,        // a symlink (never followed out of the repository)
    SubmoduleEntry, // a submodule (not descended by default)
    SecretFile,     // .env, *.pem, id_rsa, credentials*.json ...: holds secrets by its name
};

QString exclusionLabel(Exclusion reason);

// A 20-byte git object id (SHA-1). For working-tree files whose index stat matches,
// the index's blob id; for ref audits, the tree's blob id; otherwise all zero until
// the content is read and hashed.
using ObjectId = std::array<uint8_t, 20>;
bool isNull(const ObjectId &id);
QString toHex(const ObjectId &id);

// One file found by a scan. Paths are relative to the repository root (or folder),
// '/'-separated, UTF-8 (file names that are not valid UTF-8 are kept byte-exact).
struct ScannedFile {
    QByteArray path;
    qint64 size = 0;
    EntryKind kind = EntryKind::File;
    Exclusion exclusion = Exclusion::None;
    ObjectId blobId{}; // zero when unknown (see ObjectId)
};

struct ScanOptions {
    QString path; // the folder dropped or given; may be a subfolder of a repository
    QString ref;  // empty: the working tree; else a commit, branch or tag
    qint64 sizeCap = 1024 * 1024;
    bool descendSubmodules = false; // not implemented yet: submodules are always entries
    QStringList includeGlobs;       // empty: everything
    QStringList excludeGlobs;
    // Default exclusion rules that can be switched off one by one.
    bool excludeLockFiles = true;
    bool excludeGenerated = true;
    bool excludeVendored = true;
    bool excludeSecretFiles = true;
    // false: RepoInfo::dirty is not worked out (stays false), which saves the
    // index-versus-HEAD diff on a second thread and hashing stale files. The CLI never
    // shows it.
    bool checkModified = true;
};

struct RepoInfo {
    QString rootPath;    // absolute: the working tree of the repository, or the folder
    QString scopePrefix; // relative subfolder the scan is limited to ("" = whole repo)
    bool isGit = false;
    QString ref;      // what was scanned: "" for the working tree, else the ref given
    QString headName; // branch name or "HEAD (detached)"
    QString shortSha; // commit of HEAD or of the ref
    QString sha;      // the same commit, full (40 hex digits)
    // Working-tree scans only, within the scope: true when there is an untracked file that
    // is not ignored, a tracked file is missing or changed (size differs, or same size and
    // newer mtime with different content — verified by hashing at most 256 such files;
    // more stale index stats than that count as dirty), or the index differs from HEAD's
    // tree (staged changes). Cheap: no per-file status call.
    bool dirty = false;
    QStringList warnings; // things a person should know (e.g. skipped symlink loops)
};

struct ScanResult {
    RepoInfo info;
    std::vector<ScannedFile> files; // in no particular order; directories are implied
};

} // namespace reposcope::repo
