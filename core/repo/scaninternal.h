// SPDX-License-Identifier: MIT
#pragma once

// Internal pieces of scanRepository(), split by kind of scan. Not for use outside
// core/repo. All blocking; `repo` is used by the calling thread only.

#include "common/result.h"
#include "repo/gitutil.h"
#include "repo/scantypes.h"

#include <atomic>

namespace reposcope::repo::detail {

// Working tree of a non-bare repository: index entries (tracked) + untracked files that
// are not ignored, under info.scopePrefix. Fills warnings, and info.dirty when
// checkModified.
Result<std::vector<ScannedFile>> scanWorktree(git_repository *repo, RepoInfo &info,
                                              bool checkModified, const std::atomic_bool *cancel);

// The tree of info.ref (peeled to a commit), under info.scopePrefix. Fills info.shortSha.
Result<std::vector<ScannedFile>> scanRef(git_repository *repo, RepoInfo &info,
                                         const std::atomic_bool *cancel);

// A folder that is not a git repository: everything, honouring .gitignore files in it.
Result<std::vector<ScannedFile>> scanPlainFolder(RepoInfo &info, const std::atomic_bool *cancel);

inline Error cancelledError() {
    return Error::make(Error::Code::Cancelled, QStringLiteral("The scan was cancelled."));
}

} // namespace reposcope::repo::detail
