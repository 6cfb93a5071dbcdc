// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "repo/scantypes.h"

#include <atomic>

namespace reposcope::repo {

// Lists the files of a repository or folder.
//  - git working tree: exactly `git ls-files --cached --others --exclude-standard`
//    (nested .gitignore, negation, anchored/dir-only patterns, **, info/exclude,
//    core.excludesFile), submodules as entries, symlinks as entries (never followed).
//  - git ref: the tree of that commit/branch/tag (contents then come from the odb).
//  - plain folder: all files, honouring .gitignore files in it.
// Default exclusions and the user's globs are applied as Exclusion reasons, never by
// dropping files. Blocking: call on a worker thread. Checks `cancel` between
// directories.
Result<ScanResult> scanRepository(const ScanOptions &options,
                                  const std::atomic_bool *cancel = nullptr);

} // namespace reposcope::repo
