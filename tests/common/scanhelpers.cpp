// SPDX-License-Identifier: MIT
#include "scanhelpers.h"

#include <gtest/gtest.h>

namespace reposcope::test {

Result<repo::ScanResult> scanAt(const QString &path, const QString &ref) {
    repo::ScanOptions opts;
    opts.path = path;
    opts.ref = ref;
    return repo::scanRepository(opts);
}

repo::ScanResult scan(const QString &path, const QString &ref) {
    auto r = scanAt(path, ref);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message.toStdString());
    return r.ok() ? std::move(r).value() : repo::ScanResult{};
}

repo::SnapshotPtr scanned(const QString &path) {
    return repo::RepoSnapshot::build(scan(path));
}

QStringList sortedPaths(const repo::ScanResult &r) {
    QStringList out;
    for (const repo::ScannedFile &f : r.files)
        out << QString::fromUtf8(f.path);
    out.sort();
    return out;
}

const repo::ScannedFile *findFile(const repo::ScanResult &r, const QByteArray &path) {
    for (const repo::ScannedFile &f : r.files)
        if (f.path == path)
            return &f;
    return nullptr;
}

} // namespace reposcope::test
