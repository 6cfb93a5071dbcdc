// SPDX-License-Identifier: MIT
#include "repo/refs.h"

#include "repo/gitutil.h"

namespace reposcope::repo {

namespace {

Result<git::Repository> openContaining(const QString &path) {
    git::ensureInit();
    git_repository *raw = nullptr;
    if (git_repository_open_ext(&raw, path.toUtf8().constData(), 0, nullptr) != 0)
        return git::lastError(
            Error::Code::NotARepository,
            QStringLiteral("%1 is not inside a git repository").arg(path),
            QStringLiteral("Branches, tags and change lists need a git repository."));
    return git::Repository(raw);
}

} // namespace

Result<QStringList> listReferences(const QString &path) {
    Result<git::Repository> repo = openContaining(path);
    if (!repo)
        return repo.error();
    QStringList local, remote, tags;
    git_reference_iterator *rawIt = nullptr;
    if (git_reference_iterator_new(&rawIt, repo->get()) != 0)
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("cannot list references"));
    std::unique_ptr<git_reference_iterator, decltype(&git_reference_iterator_free)> it(
        rawIt, git_reference_iterator_free);
    git_reference *ref = nullptr;
    while (git_reference_next(&ref, it.get()) == 0) {
        git::Reference owned(ref);
        const QString name = QString::fromUtf8(git_reference_shorthand(ref));
        if (git_reference_is_branch(ref))
            local << name;
        else if (git_reference_is_remote(ref))
            remote << name;
        else if (git_reference_is_tag(ref))
            tags << name;
    }
    local.sort();
    remote.sort();
    tags.sort();
    return local + remote + tags;
}

Result<QList<QByteArray>> changedFilesSince(const QString &path, const QString &ref) {
    Result<git::Repository> repo = openContaining(path);
    if (!repo)
        return repo.error();
    git_object *rawObj = nullptr;
    if (git_revparse_single(&rawObj, repo->get(), ref.toUtf8().constData()) != 0)
        return git::lastError(
            Error::Code::BadReference, QStringLiteral("unknown reference \"%1\"").arg(ref),
            QStringLiteral("Give a branch, tag or commit that exists in this repository."));
    git::Object obj(rawObj);
    git_object *rawTree = nullptr;
    if (git_object_peel(&rawTree, obj.get(), GIT_OBJECT_TREE) != 0)
        return git::lastError(Error::Code::BadReference,
                              QStringLiteral("\"%1\" does not name a commit").arg(ref));
    git::Tree tree(reinterpret_cast<git_tree *>(rawTree));
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
    git_diff *rawDiff = nullptr;
    if (git_diff_tree_to_workdir_with_index(&rawDiff, repo->get(), tree.get(), &opts) != 0)
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("cannot compare with \"%1\"").arg(ref));
    git::Diff diff(rawDiff);
    QList<QByteArray> paths;
    for (size_t i = 0, n = git_diff_num_deltas(diff.get()); i < n; ++i) {
        const git_diff_delta *d = git_diff_get_delta(diff.get(), i);
        if (d->status == GIT_DELTA_DELETED)
            continue;
        paths.append(QByteArray(d->new_file.path));
    }
    return paths;
}

} // namespace reposcope::repo
