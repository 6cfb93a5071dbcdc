// SPDX-License-Identifier: MIT
#include "repo/blame.h"

#include "repo/gitutil.h"

#include <QFile>
#include <QHash>
#include <QTimeZone>

#include <algorithm>
#include <numeric>
#include <vector>

namespace reposcope::repo {

namespace {

using Blame = git::Handle<git_blame, git_blame_free>;

bool cancelled(const std::atomic_bool *cancel) {
    return cancel && cancel->load(std::memory_order_relaxed);
}

Error cancelledError() {
    return Error::make(Error::Code::Cancelled, QStringLiteral("Blame cancelled."));
}

// A repository-relative path that stays inside the repository.
bool isInsidePath(const QString &path) {
    if (path.isEmpty() || path.startsWith(QLatin1Char('/')) || path.contains(QLatin1Char('\\')))
        return false;
    const QStringList parts = path.split(QLatin1Char('/'));
    return std::none_of(parts.begin(), parts.end(), [](const QString &part) {
        return part.isEmpty() || part == QLatin1String(".") || part == QLatin1String("..");
    });
}

int countLines(const QByteArray &content) {
    if (content.isEmpty())
        return 0;
    const int newlines = int(content.count('\n'));
    return content.endsWith('\n') ? newlines : newlines + 1;
}

Result<git::Commit> resolveCommit(git_repository *repo, const QString &ref) {
    const QString spec = ref.isEmpty() ? QStringLiteral("HEAD") : ref;
    git_object *rawObj = nullptr;
    if (git_revparse_single(&rawObj, repo, spec.toUtf8().constData()) != 0) {
        if (ref.isEmpty())
            return git::lastError(Error::Code::NotFound,
                                  QStringLiteral("This repository has no commit yet"),
                                  QStringLiteral("Commit the file to see who changed its lines"));
        return git::lastError(Error::Code::BadReference,
                              QStringLiteral("Unknown reference \"%1\"").arg(ref));
    }
    const git::Object obj(rawObj);
    git_object *rawCommit = nullptr;
    if (git_object_peel(&rawCommit, obj.get(), GIT_OBJECT_COMMIT) != 0)
        return git::lastError(Error::Code::BadReference,
                              QStringLiteral("\"%1\" does not name a commit").arg(spec));
    return git::Commit(reinterpret_cast<git_commit *>(rawCommit));
}

// The content of `path` in the commit's tree.
Result<QByteArray> committedContent(git_repository *repo, git_commit *commit, const QString &path,
                                    const QString &where) {
    git_tree *rawTree = nullptr;
    if (git_commit_tree(&rawTree, commit) != 0)
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("Could not read the tree of %1").arg(where));
    const git::Tree tree(rawTree);
    git_tree_entry *rawEntry = nullptr;
    if (git_tree_entry_bypath(&rawEntry, tree.get(), path.toUtf8().constData()) != 0)
        return Error::make(Error::Code::NotFound,
                           QStringLiteral("%1 is not in %2 (untracked or new): it has no history "
                                          "yet. Commit it to see who changed its lines.")
                               .arg(path, where));
    const git::TreeEntry entry(rawEntry);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB)
        return Error::make(Error::Code::Usage,
                           QStringLiteral("%1 is not a file in %2.").arg(path, where));
    git_blob *rawBlob = nullptr;
    if (git_blob_lookup(&rawBlob, repo, git_tree_entry_id(entry.get())) != 0)
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("Could not read %1 at %2").arg(path, where));
    const git::Blob blob(rawBlob);
    return QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                      qsizetype(git_blob_rawsize(blob.get())));
}

Result<QByteArray> diskContent(const RepoInfo &info, const QString &path) {
    QFile file(info.rootPath + QLatin1Char('/') + path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::NotFound,
                           QStringLiteral("Could not read %1: %2.").arg(path, file.errorString()));
    return file.readAll();
}

Error blameError(git_repository *repo, const QString &path) {
    if (git_repository_is_shallow(repo) == 1)
        return git::lastError(Error::Code::CorruptRepository,
                              QStringLiteral("Could not blame %1 in a shallow clone").arg(path),
                              QStringLiteral("Its history is cut short; run `git fetch "
                                             "--unshallow` to fetch the rest"));
    return git::lastError(Error::Code::CorruptRepository,
                          QStringLiteral("Could not blame %1").arg(path));
}

// Commit summaries, looked up once per commit.
class SummaryCache {
public:
    explicit SummaryCache(git_repository *repo)
        : m_repo(repo) {}
    QString summary(const git_oid &oid) {
        const QByteArray key(reinterpret_cast<const char *>(oid.id), sizeof oid.id);
        const auto found = m_summaries.constFind(key);
        if (found != m_summaries.constEnd())
            return *found;
        QString text;
        git_commit *raw = nullptr;
        if (git_commit_lookup(&raw, m_repo, &oid) == 0) {
            const git::Commit commit(raw);
            if (const char *s = git_commit_summary(commit.get()))
                text = QString::fromUtf8(s);
        }
        m_summaries.insert(key, text);
        return text;
    }

private:
    git_repository *m_repo;
    QHash<QByteArray, QString> m_summaries;
};

// The commit, author and summary of a libgit2 hunk; the caller sets the lines.
BlameHunk commitOf(const git_blame_hunk &raw, SummaryCache &summaries) {
    BlameHunk hunk;
    if (git_oid_is_zero(&raw.final_commit_id))
        return hunk;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &raw.final_commit_id);
    hunk.commit = QString::fromLatin1(hex);
    hunk.shortCommit = git::shortSha(raw.final_commit_id);
    if (const git_signature *sig = raw.final_signature) {
        hunk.authorName = QString::fromUtf8(sig->name);
        hunk.authorEmail = QString::fromUtf8(sig->email);
        hunk.time = QDateTime::fromSecsSinceEpoch(sig->when.time, QTimeZone(sig->when.offset * 60));
    }
    hunk.summary = summaries.summary(raw.final_commit_id);
    return hunk;
}

struct DiffHunk {
    int newStart = 0;
    int newLines = 0;
    int oldLines = 0;
    // Last new line the hunk covers; for a pure deletion, the line it follows.
    int newEnd() const { return newLines == 0 ? newStart : newStart + newLines - 1; }
};

int collectDiffHunk(const git_diff_delta *, const git_diff_hunk *hunk, void *payload) {
    static_cast<std::vector<DiffHunk> *>(payload)->push_back(
        {hunk->new_start, hunk->new_lines, hunk->old_lines});
    return 0;
}

// For each shown line first..last, the 1-based committed line it is, or 0 when it was added or
// changed since. libgit2's git_blame_buffer() is not used: in 1.5 it misplaces the hunks after
// a changed line.
Result<std::vector<int>> committedLines(const QByteArray &committed, const QByteArray &shown,
                                        int first, int last) {
    std::vector<int> origins(size_t(last - first + 1));
    if (committed == shown) {
        std::iota(origins.begin(), origins.end(), first);
        return origins;
    }
    std::vector<DiffHunk> hunks;
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.context_lines = 0;
    options.interhunk_lines = 0;
    options.flags = GIT_DIFF_FORCE_TEXT;
    if (git_diff_buffers(committed.constData(), size_t(committed.size()), nullptr,
                         shown.constData(), size_t(shown.size()), nullptr, &options, nullptr,
                         nullptr, collectDiffHunk, nullptr, &hunks) != 0)
        return git::lastError(Error::Code::Generic,
                              QStringLiteral("Could not compare the file with its commit"));
    size_t h = 0;
    int offset = 0; // committed line = shown line + offset, between hunks
    for (int line = first; line <= last; ++line) {
        for (; h < hunks.size() && hunks[h].newEnd() < line; ++h)
            offset += hunks[h].oldLines - hunks[h].newLines;
        const bool changed = h < hunks.size() && hunks[h].newLines > 0 && hunks[h].newStart <= line;
        origins[size_t(line - first)] = changed ? 0 : line + offset;
    }
    return origins;
}

// The lowest and highest committed line of `origins`; {0, 0} when none is committed.
std::pair<int, int> committedSpan(const std::vector<int> &origins) {
    int lowest = 0;
    int highest = 0;
    for (int origin : origins) {
        if (origin == 0)
            continue;
        lowest = lowest == 0 ? origin : std::min(lowest, origin);
        highest = std::max(highest, origin);
    }
    return {lowest, highest};
}

// One BlameHunk per run of shown lines from the same libgit2 hunk at consecutive committed
// lines, or per run of uncommitted lines.
QList<BlameHunk> collectHunks(git_blame *blame, const std::vector<int> &origins, int first,
                              SummaryCache &summaries) {
    QList<BlameHunk> hunks;
    const git_blame_hunk *previous = nullptr;
    int previousOrigin = -1;
    for (size_t i = 0; i < origins.size(); ++i) {
        const int origin = origins[i];
        const git_blame_hunk *raw =
            origin > 0 && blame ? git_blame_get_hunk_byline(blame, size_t(origin)) : nullptr;
        const bool continues =
            !hunks.isEmpty() && raw == previous && (raw == nullptr || origin == previousOrigin + 1);
        if (continues) {
            ++hunks.last().lineCount;
        } else {
            BlameHunk hunk = raw ? commitOf(*raw, summaries) : BlameHunk{};
            hunk.startLine = first + int(i);
            hunk.lineCount = 1;
            hunks.append(hunk);
        }
        previous = raw;
        previousOrigin = origin;
    }
    return hunks;
}

} // namespace

Result<QList<BlameHunk>> blameLines(const RepoInfo &info, const QString &path, int first, int last,
                                    const std::atomic_bool *cancel) {
    if (!info.isGit)
        return Error::make(Error::Code::NotARepository,
                           QStringLiteral("%1 is not a git repository: there is no history to "
                                          "show. Open a git checkout to see who changed lines.")
                               .arg(info.rootPath));
    if (!isInsidePath(path))
        return Error::make(Error::Code::Usage,
                           QStringLiteral("\"%1\" is not a path inside the repository.").arg(path));
    if (first > last)
        std::swap(first, last);
    if (last < 1)
        return Error::make(Error::Code::Usage,
                           QStringLiteral("No lines to blame (%1-%2).").arg(first).arg(last));
    first = std::max(first, 1);

    git::ensureInit();
    git_repository *rawRepo = nullptr;
    if (git_repository_open_ext(&rawRepo, QFile::encodeName(info.rootPath).constData(),
                                GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
        return git::lastError(Error::Code::NotARepository,
                              QStringLiteral("Could not open %1").arg(info.rootPath));
    const git::Repository repo(rawRepo);
    Result<git::Commit> commit = resolveCommit(repo.get(), info.ref);
    if (!commit)
        return commit.error();
    const QString where = info.ref.isEmpty() ? QStringLiteral("HEAD") : info.ref;
    const Result<QByteArray> committed = committedContent(repo.get(), commit->get(), path, where);
    if (!committed)
        return committed.error();

    // A working tree shows the disk: blame HEAD and map the disk's lines onto it.
    QByteArray shown = *committed;
    if (info.ref.isEmpty()) {
        Result<QByteArray> disk = diskContent(info, path);
        if (!disk)
            return disk.error();
        shown = std::move(disk).value();
    }
    const int lines = countLines(shown);
    if (first > lines)
        return Error::make(Error::Code::Usage, QStringLiteral("Line %1 is past the end of %2 "
                                                              "(%3 lines).")
                                                   .arg(first)
                                                   .arg(path)
                                                   .arg(lines));
    last = std::min(last, lines);
    const Result<std::vector<int>> origins = committedLines(*committed, shown, first, last);
    if (!origins)
        return origins.error();
    if (cancelled(cancel))
        return cancelledError();

    // Only the committed lines the range maps to are blamed.
    const auto [lowest, highest] = committedSpan(*origins);
    Blame blame;
    if (lowest > 0) {
        git_blame_options options = GIT_BLAME_OPTIONS_INIT;
        options.flags = GIT_BLAME_USE_MAILMAP;
        options.newest_commit = *git_commit_id(commit->get());
        options.min_line = size_t(lowest);
        options.max_line = size_t(highest);
        git_blame *rawBlame = nullptr;
        if (git_blame_file(&rawBlame, repo.get(), path.toUtf8().constData(), &options) != 0)
            return blameError(repo.get(), path);
        blame.reset(rawBlame);
    }
    if (cancelled(cancel))
        return cancelledError();
    SummaryCache summaries(repo.get());
    return collectHunks(blame.get(), *origins, first, summaries);
}

} // namespace reposcope::repo
