// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "repo/scantypes.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <atomic>

namespace reposcope::repo {

// Who last changed a run of consecutive lines, and in which commit.
struct BlameHunk {
    int startLine = 0; // 1-based line of the file as shown (the ref's, or the working tree's)
    int lineCount = 0;
    QString commit;      // full hex SHA; empty for lines not committed yet
    QString shortCommit; // first 7 hex digits; empty when not committed
    QString authorName;
    QString authorEmail;
    QDateTime time;  // author time, in the author's UTC offset; invalid when not
                     // committed
    QString summary; // first line of the commit message
    bool isCommitted() const { return !commit.isEmpty(); }
    int lastLine() const { return startLine + lineCount - 1; }
};

// Blames 1-based lines first..last (clamped to the file) of the
// repository-relative `path` with libgit2. For a ref audit (info.ref set) the
// file is blamed as it is at that commit; for a working tree it is blamed at
// HEAD, and when the file on disk differs from HEAD the blame is redone over
// the disk content, so changed or added lines come back as hunks without a
// commit ("not committed yet").
//
// Errors: NotARepository (a plain folder), NotFound (the file is not in the
// commit: untracked or new), Usage (an absolute path, one with "..", or an
// empty range), CorruptRepository (e.g. a shallow clone whose history stops
// short), Cancelled.
//
// Blocking and possibly slow (seconds in a large history): call it on a pool
// thread. It opens its own git_repository. `cancel` (may be null) is checked
// between steps; libgit2's blame itself cannot be interrupted, so a cancel
// takes effect once it returns.
Result<QList<BlameHunk>> blameLines(const RepoInfo &info, const QString &path, int first, int last,
                                    const std::atomic_bool *cancel = nullptr);

} // namespace reposcope::repo
