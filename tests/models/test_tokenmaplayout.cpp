// SPDX-License-Identifier: MIT
// The token map's squarified layout: geometry on synthetic trees and on a scanned git
// repository, squarified quality, and hitTest / filesIn against brute-force scans.
#include "prompt/selection.h"
#include "scanhelpers.h"
#include "scratchrepo.h"
#include "tokenmap/tokenmaplayout.h"
#include "tokenmaptestsupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

using namespace reposcope;
using models::layoutTokenMap;
using models::MapLayout;
using models::MapLayoutOptions;
using models::MapRect;
using test::checkLayoutInvariants;
using test::sizeWeights;

namespace {

TEST(TokenMapLayout, RandomTreesKeepEveryInvariant) {
    for (unsigned seed : {1u, 2u, 3u}) {
        SCOPED_TRACE(seed);
        const repo::SnapshotPtr snap = test::randomTree(3000, 150, seed);
        const auto weights = sizeWeights(*snap);
        for (QSizeF size : {QSizeF(1600, 1000), QSizeF(800, 600), QSizeF(300, 900)}) {
            const MapLayout layout = layoutTokenMap(*snap, *weights, 0, size);
            EXPECT_EQ(layout.size, size);
            EXPECT_EQ(layout.generation, weights->generation);
            ASSERT_NO_FATAL_FAILURE(checkLayoutInvariants(*snap, *weights, layout));
            EXPECT_GT(layout.rects.size(), 500u); // most files are big enough at these sizes
        }
    }
}

TEST(TokenMapLayout, OtherOptionsAndAZoomedFolder) {
    const repo::SnapshotPtr snap = test::randomTree(2000, 80, 7);
    const auto weights = sizeWeights(*snap);
    MapLayoutOptions options;
    options.framePx = 2;
    options.labelPx = 18;
    options.minSide = 6;
    const MapLayout whole = layoutTokenMap(*snap, *weights, 0, {1200, 800}, options);
    checkLayoutInvariants(*snap, *weights, whole, options);
    // Zoom into the largest folder below the top: its own layout, root first.
    int folder = -1;
    for (int node = 2; node < snap->nodeCount(); ++node) {
        if (snap->isDirectory(node) &&
            (folder < 0 || weights->weight[size_t(node)] > weights->weight[size_t(folder)]))
            folder = node;
    }
    ASSERT_GT(folder, 0);
    const MapLayout zoomed = layoutTokenMap(*snap, *weights, folder, {1200, 800}, options);
    EXPECT_EQ(zoomed.root, folder);
    checkLayoutInvariants(*snap, *weights, zoomed, options);
    for (const MapRect &r : zoomed.rects)
        EXPECT_TRUE(r.node >= folder && r.node < snap->subtreeEnd(folder));
}

// A folder too small for its children stays one block: nothing below minSide is emitted,
// and the left-out children's share is still the folder's (the others keep exact areas,
// which checkLayoutInvariants verifies).
TEST(TokenMapLayout, SmallRectanglesAreNotSubdivided) {
    std::vector<std::pair<QByteArray, qint64>> files{{"big/a.c", 1'000'000}};
    for (int i = 0; i < 400; ++i)
        files.emplace_back("small/f" + QByteArray::number(i) + ".c", 100);
    files.emplace_back("big/tiny.c", 1);
    const repo::SnapshotPtr snap = test::snapshotOf(files);
    const auto weights = sizeWeights(*snap);
    MapLayoutOptions options;
    options.minSide = 6;
    const MapLayout layout = layoutTokenMap(*snap, *weights, 0, {400, 300}, options);
    checkLayoutInvariants(*snap, *weights, layout, options);
    const int small = snap->find("small");
    const int tiny = snap->find("big/tiny.c");
    bool smallShown = false;
    for (const MapRect &r : layout.rects) {
        EXPECT_NE(r.node, tiny) << "a rect under minSide was emitted";
        if (r.node == small) {
            smallShown = true;
            // 40,000 bytes of 1,040,001 in 400×300 px: ~4,500 px² for 400 files, ~11 px²
            // each, under 6 × 6.
            EXPECT_EQ(r.end, &r - layout.rects.data() + 1) << "the tiny folder was subdivided";
        }
    }
    EXPECT_TRUE(smallShown) << "the small folder itself still has its block";
}

TEST(TokenMapLayout, ZeroWeightNodesGetNoRectangle) {
    const repo::SnapshotPtr snap = test::snapshotOf(
        {{"src/a.c", 100}, {"src/empty.c", 0}, {"hollow/x.c", 0}, {"hollow/y.c", 0}});
    const auto weights = sizeWeights(*snap);
    const MapLayout layout = layoutTokenMap(*snap, *weights, 0, {500, 400});
    checkLayoutInvariants(*snap, *weights, layout);
    std::set<int> nodes;
    for (const MapRect &r : layout.rects)
        nodes.insert(r.node);
    EXPECT_EQ(nodes, (std::set<int>{0, snap->find("src"), snap->find("src/a.c")}));

    // A root of zero weight: nothing at all, and the queries say so.
    const MapLayout none = layoutTokenMap(*snap, *weights, snap->find("hollow"), {500, 400});
    EXPECT_TRUE(none.rects.empty());
    EXPECT_EQ(none.hitTest({10, 10}), -1);
    EXPECT_TRUE(none.filesIn({0, 0, 500, 400}).empty());
    // Degenerate sizes and roots.
    EXPECT_TRUE(layoutTokenMap(*snap, *weights, 0, {0, 400}).rects.empty());
    EXPECT_TRUE(layoutTokenMap(*snap, *weights, -1, {500, 400}).rects.empty());
}

TEST(TokenMapLayout, SingleFileFillsTheRootsContentArea) {
    const repo::SnapshotPtr snap = test::snapshotOf({{"main.go", 1234}});
    const auto weights = sizeWeights(*snap);
    const MapLayoutOptions options;
    const MapLayout layout = layoutTokenMap(*snap, *weights, 0, {640, 480}, options);
    checkLayoutInvariants(*snap, *weights, layout, options);
    ASSERT_EQ(layout.rects.size(), 2u);
    EXPECT_FALSE(layout.rects[0].labelRect.isEmpty());
    const QRectF content = test::contentArea(layout.rects[0], options);
    EXPECT_EQ(layout.rects[1].rect, content);
    EXPECT_EQ(layout.hitTest({320, 240}), 1);
    EXPECT_EQ(layout.hitTest({320, 5}), 0); // on the root's label strip
    EXPECT_EQ(layout.hitTest({700, 5}), -1);
    // A file as the root: one rect, the whole area.
    const MapLayout file = layoutTokenMap(*snap, *weights, snap->find("main.go"), {64, 48});
    ASSERT_EQ(file.rects.size(), 1u);
    EXPECT_EQ(file.rects[0].rect, QRectF(0, 0, 64, 48));
    EXPECT_FALSE(file.rects[0].folder);
}

// a/a/a/.../leaf.c, 200 folders deep: every level nests inside the one above until the
// content area is under minSide; the deepest rect is then a folder drawn as one block.
TEST(TokenMapLayout, DeepChainNestsUntilThereIsNoRoom) {
    QByteArray path;
    for (int i = 0; i < 200; ++i)
        path += "d" + QByteArray::number(i) + "/";
    const repo::SnapshotPtr snap = test::snapshotOf({{path + "leaf.c", 5000}});
    const auto weights = sizeWeights(*snap);
    const MapLayout layout = layoutTokenMap(*snap, *weights, 0, {800, 600});
    checkLayoutInvariants(*snap, *weights, layout);
    ASSERT_GT(layout.rects.size(), 30u);
    ASSERT_LT(layout.rects.size(), 202u); // 600 px cannot hold 200 frames
    for (size_t i = 1; i < layout.rects.size(); ++i)
        EXPECT_EQ(layout.rects[i].parent, int(i) - 1);
    const MapRect &last = layout.rects.back();
    EXPECT_TRUE(last.folder);
    EXPECT_EQ(layout.hitTest(last.rect.center()), int(layout.rects.size()) - 1);
    // Shallow enough: the file itself is reached.
    const QByteArray shallow = "a/b/c/d/e/f/g/h/i/j/";
    const repo::SnapshotPtr snap2 = test::snapshotOf({{shallow + "leaf.c", 5000}});
    const auto w2 = sizeWeights(*snap2);
    const MapLayout l2 = layoutTokenMap(*snap2, *w2, 0, {800, 600});
    checkLayoutInvariants(*snap2, *w2, l2);
    ASSERT_EQ(l2.rects.size(), 12u);
    EXPECT_FALSE(l2.rects.back().folder);
}

// Squarified quality on a realistic (scanned, kernel-like fan-out) tree: the rects'
// aspect ratios are computed and compared with the slice-and-dice layout of the same
// children, which squarifying exists to beat.
TEST(TokenMapLayout, SquarifiedAspectRatiosStayLow) {
    const repo::SnapshotPtr snap = test::randomTree(6000, 300, 11);
    const auto weights = sizeWeights(*snap);
    const MapLayout layout = layoutTokenMap(*snap, *weights, 0, {1600, 1000});
    checkLayoutInvariants(*snap, *weights, layout);
    const MapLayoutOptions options;
    double squarifiedSum = 0, sliceSum = 0;
    int count = 0;
    double weightedSum = 0, weightedPx = 0; // aspect ratio weighted by area: what the eye sees
    std::vector<double> ratios;
    for (const MapRect &r : layout.rects) {
        if (r.parent < 0)
            continue;
        const MapRect &p = layout.rects[size_t(r.parent)];
        const QRectF content = test::contentArea(p, options);
        const double share =
            r.rect.width() * r.rect.height() / (content.width() * content.height());
        // Slice-and-dice: a strip across the content area's longer side.
        const double longSide = std::max(content.width(), content.height());
        const double shortSide = std::min(content.width(), content.height());
        const double sliceAspect =
            std::max(share * longSide / shortSide, shortSide / (share * longSide));
        const double a = test::aspect(r.rect);
        ratios.push_back(a);
        squarifiedSum += a;
        sliceSum += sliceAspect;
        ++count;
        const double px = r.rect.width() * r.rect.height();
        weightedSum += a * px;
        weightedPx += px;
    }
    ASSERT_GT(count, 1000);
    std::sort(ratios.begin(), ratios.end());
    const double median = ratios[ratios.size() / 2];
    const double p95 = ratios[ratios.size() * 95 / 100];
    const double mean = squarifiedSum / count;
    const double weighted = weightedSum / weightedPx;
    std::printf("aspect ratios over %d rects: median %.2f, 95th percentile %.2f, worst %.2f, "
                "mean %.2f, area-weighted mean %.2f; slice-and-dice mean %.2f\n",
                count, median, p95, ratios.back(), mean, weighted, sliceSum / count);
    EXPECT_LT(median, 2.0);
    EXPECT_LT(p95, 6.0);
    EXPECT_LT(mean, 3.0);
    // Greedy rows leave a few slivers beside a dominant sibling (one of 80% leaves a strip
    // the next must fill), but they are few and small: weighted by area the map is square.
    EXPECT_LT(weighted, 2.5);
    EXPECT_LT(ratios.back(), 30.0); // the worst sliver on this tree (13.7 when written)
    EXPECT_LT(mean * 5, sliceSum / count);
}

std::vector<int> bruteFilesIn(const MapLayout &layout, const QRectF &r) {
    std::vector<int> out;
    for (size_t i = 0; i < layout.rects.size(); ++i) {
        if (!layout.rects[i].folder && layout.rects[i].rect.intersects(r))
            out.push_back(int(i));
    }
    return out;
}

TEST(TokenMapLayout, HitTestAndFilesInMatchABruteForceScan) {
    const repo::SnapshotPtr snap = test::randomTree(5000, 200, 5);
    const auto weights = sizeWeights(*snap);
    const MapLayout layout = layoutTokenMap(*snap, *weights, 0, {1600, 1000});
    ASSERT_GT(layout.rects.size(), 2000u);
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> x(-20, 1620), y(-20, 1020);
    int onFiles = 0;
    for (int k = 0; k < 3000; ++k) {
        const QPointF p(x(rng), y(rng));
        int deepest = -1;
        for (size_t i = 0; i < layout.rects.size(); ++i) {
            if (layout.rects[i].rect.contains(p) &&
                (deepest < 0 || layout.rects[i].depth > layout.rects[size_t(deepest)].depth))
                deepest = int(i);
        }
        const int hit = layout.hitTest(p);
        if (deepest < 0) {
            EXPECT_EQ(hit, -1);
            continue;
        }
        ASSERT_GE(hit, 0);
        EXPECT_TRUE(layout.rects[size_t(hit)].rect.contains(p));
        EXPECT_EQ(layout.rects[size_t(hit)].depth, layout.rects[size_t(deepest)].depth);
        onFiles += !layout.rects[size_t(hit)].folder;
    }
    EXPECT_GT(onFiles, 1000); // most of the map is files
    std::uniform_real_distribution<double> w(1, 600);
    size_t total = 0;
    for (int k = 0; k < 300; ++k) {
        const QRectF band(x(rng), y(rng), w(rng), w(rng));
        const std::vector<int> got = layout.filesIn(band);
        EXPECT_EQ(got, bruteFilesIn(layout, band));
        total += got.size();
    }
    EXPECT_GT(total, 1000u);
    EXPECT_EQ(layout.filesIn({0, 0, 1600, 1000}), bruteFilesIn(layout, {0, 0, 1600, 1000}));
}

// A real scan of a git scratch repository, weights from a real Selection (estimates from
// bytes before any count).
TEST(TokenMapLayout, ScannedRepositoryLaysOut) {
    test::ScratchRepo repo;
    repo.initGit();
    for (int i = 0; i < 30; ++i)
        repo.write(QStringLiteral("src/pkg%1/file%2.go").arg(i % 6).arg(i),
                   QByteArray("func F() int { return 1 }\n").repeated(5 + i * 7));
    repo.write(QStringLiteral("docs/guide.md"), QByteArray("Words and words.\n").repeated(300));
    repo.write(QStringLiteral("README.md"), QByteArray("# demo\n").repeated(40));
    repo.write(QStringLiteral("empty.txt"), "");
    repo.commitAll();
    const repo::SnapshotPtr snap = test::scanned(repo.path());
    ASSERT_TRUE(snap);
    const prompt::Selection selection(snap, std::vector<qint32>(size_t(snap->nodeCount()), 0));
    const auto weights = models::MapWeights::fromSelection(selection, 1);
    const MapLayout layout = layoutTokenMap(*snap, *weights, 0, {1000, 700});
    checkLayoutInvariants(*snap, *weights, layout);
    std::set<QByteArray> files;
    for (const MapRect &r : layout.rects) {
        if (!r.folder)
            files.insert(snap->path(r.node));
    }
    EXPECT_TRUE(files.count("docs/guide.md"));
    EXPECT_TRUE(files.count("src/pkg5/file29.go"));
    EXPECT_FALSE(files.count("empty.txt"));
    EXPECT_EQ(files.size(), 32u); // every non-empty file has room at 1000×700
}

} // namespace
