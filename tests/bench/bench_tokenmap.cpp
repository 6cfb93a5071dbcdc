// SPDX-License-Identifier: MIT
// The token map's layout on the Linux kernel (target: the whole tree in < 100 ms, off the
// UI thread), a re-layout of one zoomed folder, the weights built on the UI thread, and
// the hit test a mouse move costs.
//
// The kernel corpus (.deps/corpora/linux, see scripts/bench/prepare-corpora.sh; override
// with REPOSCOPE_BENCH_LINUX_DIR) is scanned once with the real scanner; weights are the
// bytes-based estimates a map shows before counts (the layout's cost does not depend on
// where the weights come from). Without the corpus the synthetic kernel-shaped tree of
// kernelshaped.h is used, and the output says so.
#include "kernelshaped.h"
#include "prompt/selection.h"
#include "repo/reposcanner.h"
#include "repo/reposnapshot.h"
#include "tokenmap/tokenmaplayout.h"

#include <benchmark/benchmark.h>

#include <QDir>

#include <cstdio>
#include <memory>
#include <random>

using namespace reposcope;

namespace {

QString linuxCorpusDir() {
    const QByteArray env = qgetenv("REPOSCOPE_BENCH_LINUX_DIR");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
#ifdef REPOSCOPE_SOURCE_DIR
    return QStringLiteral(REPOSCOPE_SOURCE_DIR "/.deps/corpora/linux");
#else
    return QStringLiteral(".deps/corpora/linux");
#endif
}

struct MapCorpus {
    repo::SnapshotPtr snapshot;
    std::unique_ptr<prompt::Selection> selection;
    std::shared_ptr<const models::MapWeights> weights;
};

const MapCorpus &corpus() {
    static const MapCorpus c = [] {
        MapCorpus m;
        const QString dir = linuxCorpusDir();
        if (QDir(dir).exists()) {
            repo::ScanOptions options;
            options.path = dir;
            options.checkModified = false;
            Result<repo::ScanResult> scan = repo::scanRepository(options);
            if (scan) {
                m.snapshot = repo::RepoSnapshot::build(std::move(*scan));
                std::fprintf(stderr, "token map: Linux kernel corpus at %s: %d nodes, %d files\n",
                             qPrintable(dir), m.snapshot->nodeCount(), m.snapshot->fileCount());
            } else {
                std::fprintf(stderr, "token map: scanning %s failed (%s)\n", qPrintable(dir),
                             qPrintable(scan.error().message));
            }
        }
        if (!m.snapshot) {
            m.snapshot = repo::RepoSnapshot::build(bench::kernelShapedScan());
            std::fprintf(stderr,
                         "token map: kernel corpus not found at %s: using the SYNTHETIC "
                         "kernel-shaped tree (%d nodes, %d files)\n",
                         qPrintable(dir), m.snapshot->nodeCount(), m.snapshot->fileCount());
        }
        m.selection = std::make_unique<prompt::Selection>(
            m.snapshot, std::vector<qint32>(size_t(m.snapshot->nodeCount()), 0));
        m.weights = models::MapWeights::fromSelection(*m.selection, 1);
        return m;
    }();
    return c;
}

// The heaviest folder below the top (drivers/ in the kernel): what a double-click zooms to.
int heaviestTopFolder(const MapCorpus &c) {
    int best = -1;
    for (int row = 0; row < c.snapshot->childCount(0); ++row) {
        const int node = c.snapshot->child(0, row);
        if (c.snapshot->isDirectory(node) &&
            (best < 0 || c.weights->weight[size_t(node)] > c.weights->weight[size_t(best)]))
            best = node;
    }
    return best;
}

void BM_TokenMapLayout_Kernel(benchmark::State &state) {
    const MapCorpus &c = corpus();
    const QSizeF size(qreal(state.range(0)), qreal(state.range(1)));
    size_t rects = 0;
    for (auto _ : state) {
        models::MapLayout layout = models::layoutTokenMap(*c.snapshot, *c.weights, 0, size);
        rects = layout.rects.size();
        benchmark::DoNotOptimize(layout.rects.data());
    }
    state.counters["rects"] = double(rects);
    state.counters["files"] = double(c.snapshot->fileCount());
}
BENCHMARK(BM_TokenMapLayout_Kernel)
    ->Args({1600, 1000})
    ->Args({800, 600})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.5);

// Zoomed into drivers/: the layout a toggle does not redo (weights are tokens, not ticks),
// and the one a zoom computes once and then takes from the cache.
void BM_TokenMapLayout_ZoomedFolder(benchmark::State &state) {
    const MapCorpus &c = corpus();
    const int folder = heaviestTopFolder(c);
    size_t rects = 0;
    for (auto _ : state) {
        models::MapLayout layout =
            models::layoutTokenMap(*c.snapshot, *c.weights, folder, {1600, 1000});
        rects = layout.rects.size();
        benchmark::DoNotOptimize(layout.rects.data());
    }
    state.SetLabel(c.snapshot->path(folder).toStdString());
    state.counters["rects"] = double(rects);
}
BENCHMARK(BM_TokenMapLayout_ZoomedFolder)->Unit(benchmark::kMillisecond)->MinTime(0.5);

// Building the weights from the Selection: on the UI thread whenever counts arrive.
void BM_TokenMapWeights_Kernel(benchmark::State &state) {
    const MapCorpus &c = corpus();
    quint64 generation = 1;
    for (auto _ : state)
        benchmark::DoNotOptimize(models::MapWeights::fromSelection(*c.selection, ++generation));
}
BENCHMARK(BM_TokenMapWeights_Kernel)->Unit(benchmark::kMillisecond)->MinTime(0.5);

// What a mouse move costs on the whole kernel's map.
void BM_TokenMapHitTest_Kernel(benchmark::State &state) {
    const MapCorpus &c = corpus();
    const models::MapLayout layout =
        models::layoutTokenMap(*c.snapshot, *c.weights, 0, {1600, 1000});
    std::mt19937 rng(1);
    std::uniform_real_distribution<double> x(0, 1600), y(0, 1000);
    std::vector<QPointF> points(4096);
    for (QPointF &p : points)
        p = QPointF(x(rng), y(rng));
    size_t i = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(layout.hitTest(points[i++ % points.size()]));
    state.counters["rects"] = double(layout.rects.size());
}
BENCHMARK(BM_TokenMapHitTest_Kernel)->Unit(benchmark::kMicrosecond);

} // namespace
