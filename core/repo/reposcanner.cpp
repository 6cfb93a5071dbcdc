// SPDX-License-Identifier: MIT
#include "repo/reposcanner.h"

#include "repo/exclusionrules.h"
#include "repo/repolog.h"
#include "repo/scaninternal.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <cstdlib>

namespace reposcope::repo {

namespace {

QString realPath(const QString &path) {
    char *resolved = ::realpath(QFile::encodeName(path).constData(), nullptr);
    if (!resolved)
        return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    const QString out = QFile::decodeName(resolved);
    std::free(resolved);
    return out;
}

QString withoutTrailingSlash(QString path) {
    while (path.size() > 1 && path.endsWith(QLatin1Char('/')))
        path.chop(1);
    return path;
}

// HEAD's branch name (or "HEAD (detached)") and short commit id.
Result<Ok> readHead(git_repository *repo, RepoInfo &info) {
    git_reference *rawHead = nullptr;
    const int rc = git_repository_head(&rawHead, repo);
    if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
        git_error_clear();
        git_reference *rawSym = nullptr;
        if (git_reference_lookup(&rawSym, repo, "HEAD") == 0) {
            const git::Reference sym(rawSym);
            if (const char *target = git_reference_symbolic_target(sym.get())) {
                QString name = QString::fromUtf8(target);
                if (name.startsWith(QLatin1String("refs/heads/")))
                    name = name.mid(11);
                info.headName = name;
            }
        } else {
            git_error_clear();
        }
        return Ok{};
    }
    if (rc != 0)
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("Could not read HEAD of %1").arg(info.rootPath),
                              QStringLiteral("The repository looks damaged; run `git status` "
                                             "there to see the problem (or `git fsck`)"));
    const git::Reference head(rawHead);
    info.headName = git_repository_head_detached(repo) == 1
                        ? QStringLiteral("HEAD (detached)")
                        : QString::fromUtf8(git_reference_shorthand(head.get()));
    if (const git_oid *oid = git_reference_target(head.get())) {
        info.shortSha = git::shortSha(*oid);
        char hex[GIT_OID_HEXSZ + 1] = {};
        git_oid_tostr(hex, sizeof hex, oid);
        info.sha = QString::fromLatin1(hex);
    }
    return Ok{};
}

void applyExclusions(std::vector<ScannedFile> &files, const ScanOptions &options) {
    const ExclusionRules rules(options);
    for (ScannedFile &f : files) {
        if (f.kind == EntryKind::File && f.exclusion == Exclusion::None)
            f.exclusion = rules.classify(f.path, f.size);
    }
}

Result<ScanResult> scanGit(git_repository *repo, const QString &dir, const ScanOptions &options,
                           const std::atomic_bool *cancel) {
    ScanResult result;
    RepoInfo &info = result.info;
    info.isGit = true;
    info.ref = options.ref;
    const bool bare = git_repository_is_bare(repo);
    if (bare) {
        info.rootPath = withoutTrailingSlash(QFile::decodeName(git_repository_path(repo)));
        if (info.ref.isEmpty())
            info.ref = QStringLiteral("HEAD"); // nothing checked out: audit HEAD's tree
    } else {
        info.rootPath =
            withoutTrailingSlash(realPath(QFile::decodeName(git_repository_workdir(repo))));
        const QString rel = QDir(info.rootPath).relativeFilePath(dir);
        // Opening the .git folder itself, or anything inside it, means the whole repository.
        if (!rel.isEmpty() && rel != QLatin1String(".") && !rel.startsWith(QLatin1String("..")) &&
            rel != QLatin1String(".git") && !rel.startsWith(QLatin1String(".git/")))
            info.scopePrefix = rel;
    }
    const Result<Ok> head = readHead(repo, info);
    if (!head)
        return head.error();
    // Submodules are listed as entries and never descended; descendSubmodules is not
    // implemented yet.
    Result<std::vector<ScannedFile>> files =
        info.ref.isEmpty() ? detail::scanWorktree(repo, info, options.checkModified, cancel)
                           : detail::scanRef(repo, info, cancel);
    if (!files)
        return files.error();
    result.files = std::move(files).value();
    return result;
}

} // namespace

Result<ScanResult> scanRepository(const ScanOptions &options, const std::atomic_bool *cancel) {
    git::ensureInit();
    QElapsedTimer timer;
    timer.start();
    const QFileInfo fi(options.path);
    if (options.path.isEmpty() || !fi.exists())
        return Error::make(Error::Code::NotFound,
                           QStringLiteral("The folder \"%1\" does not exist. Check the path, or "
                                          "open the folder again with File > Open.")
                               .arg(options.path));
    if (!fi.isDir())
        return Error::make(Error::Code::Usage,
                           QStringLiteral("\"%1\" is a file. Open the folder (or repository) "
                                          "that contains it.")
                               .arg(options.path));
    const QString dir = realPath(options.path);

    git_repository *rawRepo = nullptr;
    const int rc =
        git_repository_open_ext(&rawRepo, QFile::encodeName(dir).constData(), 0, nullptr);
    Result<ScanResult> result = Error{};
    if (rc == 0) {
        const git::Repository repo(rawRepo);
        result = scanGit(repo.get(), dir, options, cancel);
    } else if (rc == GIT_ENOTFOUND && !QFileInfo::exists(dir + QStringLiteral("/.git"))) {
        git_error_clear();
        if (!options.ref.isEmpty())
            return Error::make(Error::Code::NotARepository,
                               QStringLiteral("\"%1\" is not a git repository, so ref \"%2\" "
                                              "cannot be audited. Clear the ref to scan the "
                                              "folder as it is.")
                                   .arg(dir, options.ref));
        ScanResult plain;
        plain.info.rootPath = dir;
        Result<std::vector<ScannedFile>> files = detail::scanPlainFolder(plain.info, cancel);
        if (!files)
            return files.error();
        plain.files = std::move(files).value();
        result = std::move(plain);
    } else {
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("Could not open the git repository at %1").arg(dir),
                              QStringLiteral("It looks damaged: run `git status` there to see "
                                             "the problem, or remove the .git folder to scan it "
                                             "as a plain folder"));
    }
    if (!result)
        return result;
    applyExclusions(result->files, options);
    qCDebug(lcRepo) << "scanned" << result->info.rootPath << result->files.size() << "files in"
                    << timer.elapsed() << "ms";
    return result;
}

} // namespace reposcope::repo
