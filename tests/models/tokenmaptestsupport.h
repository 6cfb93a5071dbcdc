// SPDX-License-Identifier: MIT
#pragma once

// Synthetic snapshots and an invariant checker shared by the token-map tests.

#include "repo/reposnapshot.h"
#include "tokenmap/tokenmaplayout.h"

#include <QByteArray>
#include <QRectF>

#include <algorithm>
#include <memory>
#include <random>
#include <utility>
#include <vector>

namespace reposcope::test {

// A snapshot of exactly these (path, size) files.
inline repo::SnapshotPtr snapshotOf(const std::vector<std::pair<QByteArray, qint64>> &files) {
    repo::ScanResult scan;
    scan.info.rootPath = QStringLiteral("/synthetic");
    for (const auto &[path, size] : files) {
        repo::ScannedFile f;
        f.path = path;
        f.size = size;
        scan.files.push_back(f);
    }
    return repo::RepoSnapshot::build(std::move(scan));
}

// A random tree of `files` files in `folders` folders, a few levels deep, with
// log-normal sizes (some zero), reproducible from `seed`.
inline repo::SnapshotPtr randomTree(int files, int folders, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<QByteArray> dirs{QByteArray("top")};
    for (int d = 1; d < folders; ++d) {
        // A random recursive tree: depth grows like log(folders), as in real repositories.
        std::uniform_int_distribution<int> pick(0, d - 1);
        dirs.push_back(dirs[size_t(pick(rng))] + "/d" + QByteArray::number(d));
    }
    std::uniform_int_distribution<int> pickDir(0, folders - 1);
    std::lognormal_distribution<double> sizeDist(8.0, 1.5);
    std::vector<std::pair<QByteArray, qint64>> list;
    for (int f = 0; f < files; ++f) {
        const qint64 size = f % 37 == 0 ? 0 : qint64(sizeDist(rng)) + 1;
        list.emplace_back(dirs[size_t(pickDir(rng))] + "/f" + QByteArray::number(f) + ".c", size);
    }
    return snapshotOf(list);
}

// Weights = file sizes, folders summed: a MapWeights without a Selection.
std::shared_ptr<const models::MapWeights> sizeWeights(const repo::RepoSnapshot &snap,
                                                      quint64 generation = 1);

// A folder rect's content area: inset by the frame, less its label strip.
QRectF contentArea(const models::MapRect &r, const models::MapLayoutOptions &options);

// Checks every geometric promise of layoutTokenMap on `layout` (non-fatal failures):
// pre-order with parents first and consistent `end`, rects inside the layout and inside
// their parent's content area, direct snapshot children, no sibling overlap, areas within
// 1% of the weight share, label strips exactly where there is room, no side below
// minSide, no zero-weight node.
void checkLayoutInvariants(const repo::RepoSnapshot &snap, const models::MapWeights &weights,
                           const models::MapLayout &layout,
                           const models::MapLayoutOptions &options = {});

// Aspect ratio (long side / short side) of a rect.
inline double aspect(const QRectF &r) {
    return std::max(r.width(), r.height()) / std::min(r.width(), r.height());
}

} // namespace reposcope::test
