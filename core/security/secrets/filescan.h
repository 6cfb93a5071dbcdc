// SPDX-License-Identifier: MIT
#pragma once

#include "repo/scantypes.h"
#include "security/secrets/secrethit.h"

#include <QList>
#include <QStringList>

#include <atomic>
#include <vector>

class QThreadPool;

namespace reposcope::security::secrets {

class SecretScanner;

struct FileScanOptions {
    // Files whose content looks generated or minified are skipped, as the selection skips
    // them; binary files always are.
    bool skipGenerated = true;
    const std::atomic<bool> *cancel = nullptr; // checked between files
};

struct FileScanResult {
    QList<SecretHit> hits; // by path, then position
    int filesScanned = 0;
    qint64 bytesScanned = 0;
    QStringList problems; // files that could not be read: "path: why"
    bool cancelled = false;
};

// Reads `files` (from the disk or the object database, as `info` says) and scans each with
// `scanner`, on up to `workers` threads of `pool` (one content reader each), blocking until
// all are done. A file with a byte order mark (UTF-8, UTF-16 LE/BE) is decoded to UTF-8
// first, as the pack decodes it: its hits' lines are the file's, offsets and columns are in
// the decoded UTF-8 text (what the pack sends). For the CLI and for background jobs; never
// call it on the UI thread.
FileScanResult scanFiles(const repo::RepoInfo &info, const std::vector<repo::ScannedFile> &files,
                         const SecretScanner &scanner, QThreadPool *pool, int workers,
                         const FileScanOptions &options = {});

} // namespace reposcope::security::secrets
