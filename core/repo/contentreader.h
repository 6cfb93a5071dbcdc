// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "repo/scantypes.h"

#include <QByteArray>

#include <memory>

namespace reposcope::repo {

// Reads the raw bytes of scanned files: from the disk for a working-tree scan, from
// the object database for a ref scan. One reader per thread (it may hold a
// git_repository handle, which belongs to one thread at a time).
class ContentReader {
public:
    virtual ~ContentReader() = default;
    virtual Result<QByteArray> read(const ScannedFile &file) = 0;
};

// Creates a reader suitable for the scan described by info. Cheap; call once per
// worker thread.
std::unique_ptr<ContentReader> makeContentReader(const RepoInfo &info);

} // namespace reposcope::repo
