// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "repo/scantypes.h"

#include <QByteArray>

#include <functional>
#include <memory>

namespace reposcope::repo {

// Reads the raw bytes of scanned files: from the disk for a working-tree scan, from
// the object database for a ref scan. One reader per thread (it may hold a
// git_repository handle, which belongs to one thread at a time).
class ContentReader {
public:
    virtual ~ContentReader() = default;
    virtual Result<QByteArray> read(const ScannedFile &file) = 0;
    // Appends the file's bytes to `out` and returns how many; on an error `out` is as it
    // was. The disk reader reads straight into `out` (no buffer of its own, no copy), which
    // is what writing a pack of thousands of files wants.
    virtual Result<qsizetype> appendTo(const ScannedFile &file, QByteArray &out);
    // Reads the file into buffer[0, capacity) and returns its size; -1 (what the buffer
    // holds is not the file) when it is larger than capacity.
    virtual Result<qsizetype> readInto(const ScannedFile &file, char *buffer, qsizetype capacity);
    // Reads the file in pieces of at most chunkBytes and hands each to `sink` in order;
    // `sink` returns false to stop early. Returns the bytes read. The disk reader holds one
    // chunk at a time (bounded memory for files of any size); the blob reader holds the blob.
    using ChunkSink = std::function<bool(QByteArrayView)>;
    virtual Result<qint64> readChunks(const ScannedFile &file, qsizetype chunkBytes,
                                      const ChunkSink &sink);
};

// Creates a reader suitable for the scan described by info. Cheap; call once per
// worker thread.
std::unique_ptr<ContentReader> makeContentReader(const RepoInfo &info);

} // namespace reposcope::repo
