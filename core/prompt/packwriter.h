// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "prompt/packformat.h"
#include "repo/reposnapshot.h"

#include <QByteArray>
#include <QIODevice>
#include <QList>
#include <QStringList>

#include <atomic>
#include <optional>
#include <vector>

class QThreadPool;

namespace reposcope::prompt {

// Where one file's content lies in a written pack.
struct PackedFile {
    QByteArray path;      // repository-relative, as in the snapshot
    qsizetype offset = 0; // of the content's first byte, from the start of what writePack wrote
    qsizetype length = 0; // bytes of content as written (with line prefixes if numbered), not
                          // counting the newline the pack adds after a file without a final one
};
using PackManifest = QList<PackedFile>;

struct PackStats {
    int files = 0;
    qint64 bytes = 0;
    QStringList problems; // files that could not be read or were not text (skipped)
    // Files left out because their size is not the one scanned and counted (they changed
    // since): what the meter counted is not what would be sent. Also named in problems.
    QList<QByteArray> changed;
    PackManifest manifest; // every file written, in pack order
};

// Decoded text (valid UTF-8, as text::decodeText returns it) of files a caller already
// read, indexed by node; nullopt (or a node past the end): the writer reads the file.
// Lets the CLI write the pack from what the counting pass read instead of reading and
// decoding every file twice.
using HeldTexts = std::vector<std::optional<QByteArray>>;

// Writes exactly the pack that would be sent for the given file nodes (pre-order, as
// Selection::selectedFiles() returns them). Workers on the pool read, decode and format
// runs of files into chunks while this thread writes finished chunks in order, so reading
// and writing overlap. Blocking: run it on a worker thread or in the CLI. `held`, when
// given, must describe the same snapshot; the bytes written are the same with or without it.
Result<PackStats> writePack(const repo::RepoSnapshot &snapshot, const std::vector<int> &files,
                            const PackFormat &format, QIODevice &out, QThreadPool *pool,
                            const std::atomic_bool *cancel = nullptr,
                            const HeldTexts *held = nullptr);

} // namespace reposcope::prompt
