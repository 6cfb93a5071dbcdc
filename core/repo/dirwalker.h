// SPDX-License-Identifier: MIT
#pragma once

#include "repo/ignorerules.h"
#include "repo/scantypes.h"

#include <QStringList>

#include <atomic>
#include <string_view>
#include <unordered_map>
#include <vector>

struct stat;

namespace reposcope::repo {

// What lstat said about a path, reduced to what the scanner needs.
struct FileStat {
    bool exists = false;
    bool readable = true; // judged from the mode bits and our uid/gids (no extra syscall)
    EntryKind kind = EntryKind::File;
    qint64 size = 0;
    qint64 mtimeSec = 0;
    qint64 mtimeNsec = 0;
    qint64 ctimeSec = 0;  // ctime and the inode: what git's index also compares (see
    qint64 ctimeNsec = 0; // worktreescan.cpp), so a rewrite that restores mtime is seen
    quint64 inode = 0;
};
FileStat toFileStat(const struct stat &st);
FileStat lstatPath(const QByteArray &absolutePath);

// Paths of the index (tracked files), which the walker must not filter by ignore rules.
// The string_views point into the git_index entries and live as long as the index.
struct TrackedPaths {
    std::unordered_map<std::string_view, int> slot; // path -> index into stats
    std::vector<std::string_view> sorted;           // all paths, bytewise sorted
    std::vector<FileStat> stats;                    // filled by the walker for seen paths
    bool hasTrackedUnder(const QByteArray &dirWithSlash) const;
};

// Walks a working tree with openat/fdopendir/readdir/fstatat (d_type when the file
// system gives it), the way `git ls-files --others --exclude-standard` does: ignored
// folders are not descended, `.git` entries are skipped, a folder with its own `.git`
// (and no tracked files) is reported as a submodule, symlinks are reported and never
// followed, FIFOs/sockets/devices are skipped. Untracked, non-ignored entries go to
// `files`; for tracked paths only their stat goes to `tracked->stats`.
// Blocking. With threads > 1 the folders are shared out among that many threads (this one
// included); what it finds is the same, in another order.
struct DirWalk {
    QByteArray root;                 // absolute, no trailing '/'
    QByteArray scope;                // "" or "sub/dir": only this subtree is listed
    TrackedPaths *tracked = nullptr; // may be null (plain folder)
    IgnoreStack *ignores = nullptr;
    const std::atomic_bool *cancel = nullptr;
    int threads = 1;

    std::vector<ScannedFile> files; // untracked entries, in no particular order
    QStringList warnings;
    bool cancelled = false;

    // Returns false when the root itself cannot be opened (errno is kept).
    bool run();

private:
    struct Shared;
    void walkDir(int fd, QByteArray &rel, int depth, Shared *shared);
    void work(Shared &shared);
    void runShared(int rootFd);
    bool inScope(const QByteArray &path, bool isDir) const;
};

} // namespace reposcope::repo
