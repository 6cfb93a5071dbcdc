// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "prompt/packformat.h"
#include "repo/reposnapshot.h"

#include <QIODevice>
#include <QStringList>

#include <atomic>
#include <vector>

class QThreadPool;

namespace reposcope::prompt {

struct PackStats {
    int files = 0;
    qint64 bytes = 0;
    QStringList problems; // files that could not be read or were not text (skipped)
};

// Writes exactly the pack that would be sent for the given file nodes (pre-order, as
// Selection::selectedFiles() returns them). Reads and decodes files in parallel on the
// pool, writes in order. Blocking: run it on a worker thread or in the CLI.
Result<PackStats> writePack(const repo::RepoSnapshot &snapshot, const std::vector<int> &files,
                            const PackFormat &format, QIODevice &out, QThreadPool *pool,
                            const std::atomic_bool *cancel = nullptr);

} // namespace reposcope::prompt
