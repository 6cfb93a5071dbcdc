// SPDX-License-Identifier: MIT
#pragma once

// A synthetic scan shaped like the Linux kernel, shared by the benchmarks that need a
// kernel-sized tree without the corpus.

#include "repo/scantypes.h"

#include <QByteArray>

#include <algorithm>
#include <iterator>
#include <random>
#include <vector>

namespace reposcope::bench {

// A synthetic snapshot shaped like Linux 6.1: ~78k files in ~5k folders, 20 top-level
// folders whose share of files follows the real tree (drivers ≈ 40%, arch ≈ 22%, ...).

inline constexpr int kFiles = 78'000;
inline constexpr int kFolders = 5'000;

struct TopLevel {
    const char *name;
    double share; // of files and folders
};

inline constexpr TopLevel kTop[] = {
    {"drivers", 0.42}, {"arch", 0.22},     {"tools", 0.06},    {"Documentation", 0.07},
    {"include", 0.06}, {"sound", 0.035},   {"fs", 0.03},       {"net", 0.025},
    {"kernel", 0.008}, {"lib", 0.008},     {"mm", 0.002},      {"security", 0.004},
    {"crypto", 0.002}, {"scripts", 0.007}, {"samples", 0.003}, {"block", 0.001},
    {"init", 0.0005},  {"ipc", 0.0005},    {"virt", 0.0005},   {"usr", 0.0005},
};

inline repo::ScanResult kernelShapedScan() {
    std::mt19937 rng(42);
    repo::ScanResult scan;
    scan.info.rootPath = QStringLiteral("/synthetic/linux");
    scan.info.isGit = true;
    scan.files.reserve(kFiles);
    double shareSum = 0;
    for (const TopLevel &t : kTop)
        shareSum += t.share;
    int filesLeft = kFiles;
    for (size_t ti = 0; ti < std::size(kTop); ++ti) {
        const TopLevel &t = kTop[ti];
        const bool last = ti + 1 == std::size(kTop);
        const int files = last ? filesLeft : std::max(1, int(kFiles * t.share / shareSum));
        filesLeft -= files;
        const int folders = std::max(1, int(kFolders * t.share / shareSum));
        // Folder 0 is the top-level folder; each further folder hangs below a random earlier
        // one (biased towards recent ones, so the tree gets a few levels deep).
        std::vector<QByteArray> dirs;
        dirs.reserve(size_t(folders));
        dirs.push_back(QByteArray(t.name));
        for (int d = 1; d < folders; ++d) {
            std::uniform_int_distribution<int> pick(std::max(0, d - 40), d - 1);
            const QByteArray &parent = dirs[size_t(pick(rng))];
            dirs.push_back(parent + "/dir" + QByteArray::number(d));
        }
        std::uniform_int_distribution<int> pickDir(0, folders - 1);
        std::lognormal_distribution<double> sizeDist(8.8, 1.2); // median ≈ 6.6 KB
        for (int f = 0; f < files; ++f) {
            repo::ScannedFile file;
            file.path = dirs[size_t(pickDir(rng))] + "/file" + QByteArray::number(f) +
                        (f % 5 ? ".c" : ".h");
            file.size = std::min<qint64>(qint64(sizeDist(rng)), 4 * 1024 * 1024);
            if (file.size > 1024 * 1024)
                file.exclusion = repo::Exclusion::TooLarge;
            scan.files.push_back(std::move(file));
        }
    }
    return scan;
}

} // namespace reposcope::bench
