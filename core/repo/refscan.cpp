// SPDX-License-Identifier: MIT
#include "repo/scaninternal.h"

namespace reposcope::repo::detail {

namespace {

struct TreeWalk {
    git_odb *odb = nullptr;
    QByteArray prefix; // "" or "scope/"
    const std::atomic_bool *cancel = nullptr;
    std::vector<ScannedFile> files;
    bool cancelled = false;
};

int onTreeEntry(const char *root, const git_tree_entry *entry, void *payload) {
    auto *walk = static_cast<TreeWalk *>(payload);
    if ((walk->files.size() & 1023) == 0 && walk->cancel &&
        walk->cancel->load(std::memory_order_relaxed)) {
        walk->cancelled = true;
        return -1;
    }
    const git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_TREE)
        return 0;
    ScannedFile f;
    f.path = walk->prefix + root + git_tree_entry_name(entry);
    if (mode == GIT_FILEMODE_COMMIT) {
        f.kind = EntryKind::Submodule;
        f.exclusion = Exclusion::SubmoduleEntry;
    } else {
        const git_oid *id = git_tree_entry_id(entry);
        f.blobId = git::toObjectId(*id);
        if (mode == GIT_FILEMODE_LINK) {
            f.kind = EntryKind::Symlink;
            f.exclusion = Exclusion::Symlink;
        }
        size_t len = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        if (git_odb_read_header(&len, &type, walk->odb, id) == 0) {
            f.size = qint64(len);
        } else {
            git_error_clear(); // a missing object (e.g. partial clone): unreadable
            f.exclusion = Exclusion::Unreadable;
        }
    }
    walk->files.push_back(std::move(f));
    return 0;
}

} // namespace

Result<std::vector<ScannedFile>> scanRef(git_repository *repo, RepoInfo &info,
                                         const std::atomic_bool *cancel) {
    const QByteArray ref = info.ref.toUtf8();
    git_object *rawObj = nullptr;
    if (git_revparse_single(&rawObj, repo, ref.constData()) != 0)
        return git::lastError(Error::Code::BadReference,
                              QStringLiteral("Unknown ref \"%1\"").arg(info.ref),
                              QStringLiteral("Give a branch, tag or commit id that exists in "
                                             "this repository (see `git branch -a`, `git tag`)"));
    const git::Object obj(rawObj);
    git_object *rawCommit = nullptr;
    if (git_object_peel(&rawCommit, obj.get(), GIT_OBJECT_COMMIT) != 0)
        return git::lastError(Error::Code::BadReference,
                              QStringLiteral("\"%1\" does not name a commit").arg(info.ref),
                              QStringLiteral("Give a branch, tag or commit id"));
    const git::Object commitObj(rawCommit);
    const auto *commit = reinterpret_cast<git_commit *>(commitObj.get());
    info.shortSha = git::shortSha(*git_commit_id(commit));
    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, git_commit_id(commit));
    info.sha = QString::fromLatin1(hex);

    git_tree *rawTree = nullptr;
    if (git_commit_tree(&rawTree, commit) != 0)
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("Could not read the tree of %1").arg(info.ref),
                              QStringLiteral("The repository may be damaged; try `git fsck`"));
    git::Tree tree(rawTree);

    TreeWalk walk;
    walk.cancel = cancel;
    if (!info.scopePrefix.isEmpty()) {
        const QByteArray scope = info.scopePrefix.toUtf8();
        git_tree_entry *rawEntry = nullptr;
        if (git_tree_entry_bypath(&rawEntry, tree.get(), scope.constData()) != 0) {
            git_error_clear();
            info.warnings << QStringLiteral("The folder %1 does not exist at %2.")
                                 .arg(info.scopePrefix, info.ref);
            return std::vector<ScannedFile>{};
        }
        const git::TreeEntry entry(rawEntry);
        if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) {
            info.warnings
                << QStringLiteral("%1 is not a folder at %2.").arg(info.scopePrefix, info.ref);
            return std::vector<ScannedFile>{};
        }
        git_tree *rawSub = nullptr;
        if (git_tree_lookup(&rawSub, repo, git_tree_entry_id(entry.get())) != 0)
            return git::lastError(
                Error::Code::CorruptRepository,
                QStringLiteral("Could not read %1 at %2").arg(info.scopePrefix, info.ref),
                QStringLiteral("The repository may be damaged; try `git fsck`"));
        tree.reset(rawSub);
        walk.prefix = scope + '/';
    }

    git_odb *rawOdb = nullptr;
    if (git_repository_odb(&rawOdb, repo) != 0)
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("Could not open the object database"),
                              QStringLiteral("The repository may be damaged; try `git fsck`"));
    const git::Odb odb(rawOdb);
    walk.odb = odb.get();
    const int rc = git_tree_walk(tree.get(), GIT_TREEWALK_PRE, onTreeEntry, &walk);
    if (walk.cancelled)
        return cancelledError();
    if (rc != 0)
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("Could not list the tree of %1").arg(info.ref),
                              QStringLiteral("The repository may be damaged; try `git fsck`"));
    return std::move(walk.files);
}

} // namespace reposcope::repo::detail
