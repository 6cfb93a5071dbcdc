// SPDX-License-Identifier: MIT
#include "repo/dirwalker.h"
#include "repo/repolog.h"
#include "repo/scaninternal.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <future>
#include <optional>
#include <thread>

#include <sys/stat.h>

namespace reposcope::repo::detail {

namespace {

QByteArray readFile(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.read(16 * 1024 * 1024);
}

// core.excludesFile (with '~' expanded by libgit2), else $XDG_CONFIG_HOME/git/ignore,
// else ~/.config/git/ignore.
QString excludesFilePath(git_repository *repo) {
    git_config *raw = nullptr;
    if (git_repository_config_snapshot(&raw, repo) == 0) {
        const git::Config cfg(raw);
        git_buf buf = GIT_BUF_INIT;
        if (git_config_get_path(&buf, cfg.get(), "core.excludesfile") == 0) {
            const QString path = QFile::decodeName(QByteArray(buf.ptr, qsizetype(buf.size)));
            git_buf_dispose(&buf);
            return path;
        }
        git_error_clear();
    }
    const QByteArray xdg = qgetenv("XDG_CONFIG_HOME");
    if (!xdg.isEmpty())
        return QFile::decodeName(xdg) + QStringLiteral("/git/ignore");
    return QDir::homePath() + QStringLiteral("/.config/git/ignore");
}

// How much of an index entry's stat data to trust, from core.trustctime and core.checkStat,
// the way git reads them (both default to the strict choice).
struct StatPolicy {
    bool trustCtime = true;
    bool checkInode = true;
};

StatPolicy statPolicy(git_repository *repo) {
    StatPolicy policy;
    git_config *raw = nullptr;
    if (git_repository_config_snapshot(&raw, repo) != 0) {
        git_error_clear();
        return policy;
    }
    const git::Config cfg(raw);
    int trust = 1;
    if (git_config_get_bool(&trust, cfg.get(), "core.trustctime") == 0)
        policy.trustCtime = trust != 0;
    git_error_clear();
    const char *checkStat = nullptr;
    if (git_config_get_string(&checkStat, cfg.get(), "core.checkstat") == 0 && checkStat)
        policy.checkInode = qstricmp(checkStat, "minimal") != 0;
    git_error_clear();
    return policy;
}

// Whether the file on disk still has the stat data the index recorded for it: size, mtime,
// ctime and inode, as git compares them. A rewrite that puts back the old size and mtime
// (touch -r, rsync -t, tar, an editor saving by rename) still changes the ctime or the inode.
bool statMatches(const git_index_entry &e, const FileStat &s, const StatPolicy &policy) {
    if (!s.exists || s.size != qint64(e.file_size) || s.mtimeSec != qint64(e.mtime.seconds) ||
        s.mtimeNsec != qint64(e.mtime.nanoseconds))
        return false;
    if (policy.trustCtime &&
        (s.ctimeSec != qint64(e.ctime.seconds) || s.ctimeNsec != qint64(e.ctime.nanoseconds)))
        return false;
    // An index written where inodes mean nothing records 0; git skips the check then too.
    return !policy.checkInode || e.ino == 0 || quint32(s.inode) == e.ino;
}

// Git's "racily clean" entries: modified in the same second the index was written (or
// later), so a matching stat proves nothing about the content: such a file is hashed.
bool isRacy(const git_index_entry &e, const struct stat &indexStat) {
    return qint64(e.mtime.seconds) >= qint64(indexStat.st_mtim.tv_sec);
}

bool underScope(const QByteArray &path, const QByteArray &scope) {
    return scope.isEmpty() ||
           (path.size() > scope.size() && path.startsWith(scope) && path[scope.size()] == '/');
}

// Whether HEAD's tree and the index differ (restricted to the scope). Unborn HEAD:
// whether the index has anything in it.
bool indexDiffersFromHead(git_repository *repo, git_index *index, const QByteArray &scope) {
    git_object *headObj = nullptr;
    if (git_revparse_single(&headObj, repo, "HEAD^{tree}") != 0) {
        git_error_clear();
        return git_index_entrycount(index) > 0;
    }
    const git::Object head(headObj);
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    char *spec = const_cast<char *>(scope.constData());
    if (!scope.isEmpty()) {
        opts.pathspec.strings = &spec;
        opts.pathspec.count = 1;
    }
    git_diff *rawDiff = nullptr;
    if (git_diff_tree_to_index(&rawDiff, repo, reinterpret_cast<git_tree *>(head.get()), index,
                               &opts) != 0) {
        git_error_clear();
        return true; // cannot tell: say dirty rather than clean
    }
    const git::Diff diff(rawDiff);
    return git_diff_num_deltas(diff.get()) > 0;
}

// indexDiffersFromHead on a handle of its own, on its own thread: it reads tree objects
// while the walk stats files, so a cold open pays for the slower of the two, not both.
std::future<bool> indexDiffersFromHeadAsync(git_repository *repo, const QByteArray &scope) {
    const QByteArray gitDir(git_repository_path(repo));
    return std::async(std::launch::async, [gitDir, scope] {
        git_repository *raw = nullptr;
        if (git_repository_open(&raw, gitDir.constData()) != 0) {
            git_error_clear();
            return true; // cannot tell: say dirty rather than clean
        }
        const git::Repository own(raw);
        git_index *rawIndex = nullptr;
        if (git_repository_index(&rawIndex, own.get()) != 0) {
            git_error_clear();
            return true;
        }
        const git::Index index(rawIndex);
        return indexDiffersFromHead(own.get(), index.get(), scope);
    });
}

// Reads the ignore lists that do not live in the tree: core.excludesFile, info/exclude.
void addGlobalIgnores(git_repository *repo, IgnoreStack &ignores) {
    ignores.addGlobal(IgnoreList::parse(readFile(excludesFilePath(repo)), {}));
    const QString common = QFile::decodeName(git_repository_commondir(repo));
    ignores.addGlobal(IgnoreList::parse(readFile(common + QStringLiteral("info/exclude")), {}));
}

// Runs `walk` over info.rootPath. Returns the error to give back when the folder could
// not be read or the walk was cancelled; otherwise adds the walk's warnings to `info`.
// Folders are walked by up to four threads: the walk is mostly system calls (readdir,
// fstatat), and a second core halves it.
int walkThreads() {
    return std::clamp(int(std::thread::hardware_concurrency()), 1, 4);
}

std::optional<Error> runWalk(DirWalk &walk, RepoInfo &info) {
    if (!walk.run())
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("Could not read the folder %1 (%2). Check its "
                                          "permissions.")
                               .arg(info.rootPath, QString::fromLocal8Bit(strerror(errno))));
    if (walk.cancelled)
        return cancelledError();
    info.warnings << walk.warnings;
    return std::nullopt;
}

} // namespace

Result<std::vector<ScannedFile>> scanWorktree(git_repository *repo, RepoInfo &info,
                                              bool checkModified, const std::atomic_bool *cancel) {
    git_index *rawIndex = nullptr;
    if (git_repository_index(&rawIndex, repo) != 0)
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("Could not read the index of %1").arg(info.rootPath),
                              QStringLiteral("The file .git/index may be damaged; `git status` "
                                             "shows the problem, `git reset` rebuilds it"));
    const git::Index index(rawIndex);
    const QByteArray root = QFile::encodeName(info.rootPath);
    const QByteArray scope = info.scopePrefix.toUtf8();
    std::future<bool> stagedChanges;
    if (checkModified)
        stagedChanges = indexDiffersFromHeadAsync(repo, scope);

    // Unique index paths (conflicted paths have several stages; git lists them once).
    std::vector<const git_index_entry *> entries;
    TrackedPaths tracked;
    const size_t count = git_index_entrycount(index.get());
    entries.reserve(count);
    tracked.sorted.reserve(count);
    tracked.slot.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const git_index_entry *e = git_index_get_byindex(index.get(), i);
        const std::string_view path(e->path);
        if (!tracked.slot.emplace(path, int(entries.size())).second)
            continue;
        entries.push_back(e);
        tracked.sorted.push_back(path);
    }
    tracked.stats.resize(entries.size());

    IgnoreStack ignores;
    addGlobalIgnores(repo, ignores);
    DirWalk walk;
    walk.root = root;
    walk.scope = scope;
    walk.tracked = &tracked;
    walk.ignores = &ignores;
    walk.cancel = cancel;
    walk.threads = walkThreads();
    if (std::optional<Error> failed = runWalk(walk, info))
        return *std::move(failed);
    std::vector<ScannedFile> files = std::move(walk.files);
    const bool untracked = !files.empty();

    struct stat indexStat {};
    const QByteArray indexPath = QByteArray(git_repository_path(repo)) + "index";
    ::stat(indexPath.constData(), &indexStat);
    const StatPolicy policy = statPolicy(repo);

    int missing = 0;
    std::vector<size_t> changedCandidates; // same size, different mtime: maybe unchanged
    bool sizeChanged = false;
    files.reserve(files.size() + entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
        const git_index_entry &e = *entries[i];
        ScannedFile f;
        f.path = QByteArray(e.path);
        if (!underScope(f.path, scope))
            continue;
        const bool gitlink = (e.mode & 0170000) == 0160000;
        FileStat &s = tracked.stats[i];
        if (!s.exists && !gitlink)
            s = lstatPath(QByteArray(root + '/' + f.path)); // e.g. tracked files in ignored folders
        f.size = s.exists ? s.size : qint64(e.file_size);
        if (gitlink) {
            f.kind = EntryKind::Submodule;
            f.exclusion = Exclusion::SubmoduleEntry;
            f.size = 0;
        } else if ((e.mode & 0170000) == 0120000) {
            f.kind = EntryKind::Symlink;
            f.exclusion = Exclusion::Symlink;
        } else if (!s.exists) {
            f.exclusion = Exclusion::Unreadable;
            ++missing;
        } else if (!s.readable) {
            f.exclusion = Exclusion::Unreadable;
        }
        if (!gitlink && s.exists) {
            if (statMatches(e, s, policy) && !isRacy(e, indexStat))
                f.blobId = git::toObjectId(e.id);
            else if (s.size != qint64(e.file_size))
                sizeChanged = true;
            else if (f.kind == EntryKind::File && s.kind == EntryKind::File)
                changedCandidates.push_back(i);
        }
        files.push_back(std::move(f));
    }
    if (missing > 0)
        info.warnings << QStringLiteral("%1 tracked file(s) are missing from the working tree; "
                                        "they are listed but cannot be read.")
                             .arg(missing);

    if (!checkModified)
        return files;
    // dirty, cheapest evidence first (see RepoInfo::dirty).
    bool dirty = untracked || missing > 0 || sizeChanged;
    constexpr size_t kMaxHashes = 256;
    if (!dirty && changedCandidates.size() > kMaxHashes)
        dirty = true; // too many stale stats to verify cheaply: assume changed
    for (size_t k = 0; !dirty && k < changedCandidates.size(); ++k) {
        const git_index_entry &e = *entries[changedCandidates[k]];
        git_oid oid;
        if (git_repository_hashfile(&oid, repo, QByteArray(root + '/' + e.path).constData(),
                                    GIT_OBJECT_BLOB, e.path) != 0) {
            git_error_clear();
            dirty = true;
        } else if (git_oid_cmp(&oid, &e.id) != 0) {
            dirty = true;
        }
    }
    const bool staged = stagedChanges.get();
    info.dirty = dirty || staged;
    return files;
}

Result<std::vector<ScannedFile>> scanPlainFolder(RepoInfo &info, const std::atomic_bool *cancel) {
    IgnoreStack ignores;
    DirWalk walk;
    walk.root = QFile::encodeName(info.rootPath);
    walk.ignores = &ignores;
    walk.cancel = cancel;
    walk.threads = walkThreads();
    if (std::optional<Error> failed = runWalk(walk, info))
        return *std::move(failed);
    return std::move(walk.files);
}

} // namespace reposcope::repo::detail
