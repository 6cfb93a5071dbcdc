// SPDX-License-Identifier: MIT
#pragma once

// Small scan helpers shared by the core tests: scan a folder with default options and
// look at what came back. All blocking, on the calling thread.

#include "common/result.h"
#include "repo/reposcanner.h"
#include "repo/reposnapshot.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace reposcope::test {

// scanRepository() of `path` (at `ref` when given) with otherwise default options.
Result<repo::ScanResult> scanAt(const QString &path, const QString &ref = {});

// As scanAt(), but a failed scan fails the current test (non-fatally) and yields an
// empty result, so callers can go on comparing.
repo::ScanResult scan(const QString &path, const QString &ref = {});

// scan() of the working tree at `path`, built into a snapshot.
repo::SnapshotPtr scanned(const QString &path);

// The scanned files' paths as UTF-8 strings, sorted.
QStringList sortedPaths(const repo::ScanResult &r);

// The scanned file with exactly this repository-relative path, or nullptr.
const repo::ScannedFile *findFile(const repo::ScanResult &r, const QByteArray &path);

} // namespace reposcope::test
