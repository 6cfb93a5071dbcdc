// SPDX-License-Identifier: MIT
// Micro-benchmarks for the hot paths behind the targets:
//  - the selection and budget update when the kernel's largest top-level folder is toggled
//    (target: every meter updated in < 16 ms);
//  - snapshot build and applyCounts on a kernel-shaped tree (tree on screen < 2 s);
//  - the estimator tokenizer and the text decoder throughput (scan + estimate < 10 s cold).
//
// The Go corpus (.deps/corpora/go, see scripts/bench/prepare-corpora.sh) is used for the text
// benchmarks when present; REPOSCOPE_BENCH_GO_DIR overrides its location. Otherwise the text is
// synthetic Go-like source.
#include "kernelshaped.h"
#include "prompt/budget.h"
#include "prompt/selection.h"
#include "repo/reposnapshot.h"
#include "repo/scantypes.h"
#include "text/textdecoder.h"
#include "tokenize/countjob.h"
#include "tokenize/estimatortokenizer.h"

#include <benchmark/benchmark.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QList>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

using namespace reposcope;

namespace {

const repo::SnapshotPtr &kernelSnapshot() {
    static const repo::SnapshotPtr snap = [] {
        repo::SnapshotPtr s = repo::RepoSnapshot::build(bench::kernelShapedScan());
        std::fprintf(stderr, "synthetic kernel snapshot: %d nodes, %d files\n", s->nodeCount(),
                     s->fileCount());
        return s;
    }();
    return snap;
}

QList<QList<tokenize::FileCount>> fakeCounts(const repo::RepoSnapshot &snap, int batchSize) {
    QList<QList<tokenize::FileCount>> batches;
    QList<tokenize::FileCount> batch;
    for (int node = 0; node < snap.nodeCount(); ++node) {
        if (snap.isDirectory(node) || !tokenize::isCountable(snap.file(node)))
            continue;
        tokenize::FileCount fc;
        fc.node = node;
        fc.ok = true;
        const qint64 size = snap.file(node).size;
        fc.stats.tokens = quint32(size / 4 + 1);
        fc.stats.lines = quint32(size / 30 + 1);
        fc.stats.binary = node % 997 == 0;
        fc.stats.generated = node % 1499 == 0;
        batch.append(fc);
        if (batch.size() == batchSize) {
            batches.append(batch);
            batch.clear();
        }
    }
    if (!batch.isEmpty())
        batches.append(batch);
    return batches;
}

std::unique_ptr<prompt::Selection> countedSelection() {
    const repo::SnapshotPtr &snap = kernelSnapshot();
    auto sel = std::make_unique<prompt::Selection>(
        snap, std::vector<qint32>(size_t(snap->nodeCount()), 10));
    for (const auto &b : fakeCounts(*snap, 1000))
        sel->applyCounts(b);
    return sel;
}

int largestTopLevel(const repo::RepoSnapshot &snap) {
    int best = -1, bestSize = -1;
    for (int r = 0; r < snap.childCount(0); ++r) {
        const int c = snap.child(0, r);
        const int size = snap.subtreeEnd(c) - c;
        if (size > bestSize) {
            bestSize = size;
            best = c;
        }
    }
    return best;
}

prompt::BudgetInput budgetInput(const prompt::Selection &sel) {
    prompt::BudgetInput in;
    in.contentTokens = sel.selected(0).tokens;
    in.packOverheadTokens = sel.selected(0).overhead + 200;
    in.systemPromptTokens = 500;
    in.reservedOutputTokens = 8192;
    in.contextCap = 200'000;
    in.inputPricePerMillion = 3.0;
    return in;
}

// ---------------------------------------------------------------------------------------

void BM_SnapshotBuild_Kernel(benchmark::State &state) {
    const repo::ScanResult scan = bench::kernelShapedScan();
    for (auto _ : state) {
        repo::ScanResult copy = scan;
        benchmark::DoNotOptimize(repo::RepoSnapshot::build(std::move(copy)));
    }
    state.SetItemsProcessed(state.iterations() * qint64(scan.files.size()));
}
BENCHMARK(BM_SnapshotBuild_Kernel)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SelectionConstruct_Kernel(benchmark::State &state) {
    const repo::SnapshotPtr &snap = kernelSnapshot();
    for (auto _ : state) {
        prompt::Selection sel(snap, std::vector<qint32>(size_t(snap->nodeCount()), 10));
        benchmark::DoNotOptimize(sel.selected(0));
    }
}
BENCHMARK(BM_SelectionConstruct_Kernel)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_ApplyCounts_Kernel(benchmark::State &state) {
    const repo::SnapshotPtr &snap = kernelSnapshot();
    const auto batches = fakeCounts(*snap, int(state.range(0)));
    for (auto _ : state) {
        state.PauseTiming();
        auto sel = std::make_unique<prompt::Selection>(
            snap, std::vector<qint32>(size_t(snap->nodeCount()), 10));
        state.ResumeTiming();
        for (const auto &b : batches)
            sel->applyCounts(b);
        benchmark::DoNotOptimize(sel->selected(0));
        state.PauseTiming();
        sel.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * snap->fileCount());
}
BENCHMARK(BM_ApplyCounts_Kernel)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(3);

// One toggle (off or on) of the largest top-level folder, then the budget figures: what
// the UI does before it repaints the meters. Time per toggle.
void BM_ToggleLargestTopLevel_Kernel(benchmark::State &state) {
    auto sel = countedSelection();
    const int node = largestTopLevel(sel->snapshot());
    bool on = false;
    for (auto _ : state) {
        sel->setChecked(node, on);
        benchmark::DoNotOptimize(prompt::computeBudget(budgetInput(*sel)));
        on = !on;
    }
    state.counters["subtree_nodes"] = sel->snapshot().subtreeEnd(node) - node;
    state.counters["files"] = sel->total(node).files;
}
BENCHMARK(BM_ToggleLargestTopLevel_Kernel)->Unit(benchmark::kMillisecond)->MinTime(0.3);

// Toggling the root (every file): the worst single click.
void BM_ToggleRoot_Kernel(benchmark::State &state) {
    auto sel = countedSelection();
    bool on = false;
    for (auto _ : state) {
        sel->setChecked(0, on);
        benchmark::DoNotOptimize(sel->selected(0));
        on = !on;
    }
}
BENCHMARK(BM_ToggleRoot_Kernel)->Unit(benchmark::kMillisecond)->MinTime(0.3);

void BM_ComputeBudget(benchmark::State &state) {
    auto sel = countedSelection();
    const prompt::BudgetInput in = budgetInput(*sel);
    for (auto _ : state)
        benchmark::DoNotOptimize(prompt::computeBudget(in));
}
BENCHMARK(BM_ComputeBudget);

void BM_SelectedFiles_Kernel(benchmark::State &state) {
    auto sel = countedSelection();
    for (auto _ : state)
        benchmark::DoNotOptimize(sel->selectedFiles());
}
BENCHMARK(BM_SelectedFiles_Kernel)->Unit(benchmark::kMillisecond)->MinTime(0.2);

// ---------------------------------------------------------------------------------------
// Text: the Go corpus's .go files concatenated (capped), or synthetic Go-like source.

constexpr qsizetype kTextCap = 24 * 1024 * 1024;

QString goCorpusDir() {
    const QByteArray env = qgetenv("REPOSCOPE_BENCH_GO_DIR");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
#ifdef REPOSCOPE_SOURCE_DIR
    return QStringLiteral(REPOSCOPE_SOURCE_DIR "/.deps/corpora/go");
#else
    return QStringLiteral(".deps/corpora/go");
#endif
}

const QByteArray &goText() {
    static const QByteArray text = [] {
        QByteArray all;
        const QString dir = goCorpusDir();
        if (QDir(dir).exists()) {
            QStringList files;
            QDirIterator it(dir, {QStringLiteral("*.go")}, QDir::Files | QDir::NoSymLinks,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString f = it.next();
                if (!f.contains(QLatin1String("/.git/")))
                    files << f;
            }
            files.sort(); // deterministic subset under the cap
            for (const QString &f : files) {
                QFile file(f);
                if (file.open(QIODevice::ReadOnly))
                    all += file.readAll();
                if (all.size() >= kTextCap)
                    break;
            }
        }
        if (all.isEmpty()) {
            const QByteArray chunk =
                "// Package sample does things.\npackage sample\n\nimport "
                "(\n\t\"fmt\"\n\t\"strings\"\n)\n\n"
                "func JoinNames(names []string, sep string) (string, error) {\n"
                "\tif len(names) == 0 {\n\t\treturn \"\", fmt.Errorf(\"no names: %d\", 0x1F)\n\t}\n"
                "\treturn strings.Join(names, sep), nil // joined\n}\n\n";
            while (all.size() < 8 * 1024 * 1024)
                all += chunk;
            std::fprintf(stderr, "go corpus not found at %s: using %lld bytes of synthetic text\n",
                         qPrintable(dir), static_cast<long long>(all.size()));
        } else {
            std::fprintf(stderr, "go corpus text: %lld bytes of .go files from %s\n",
                         static_cast<long long>(all.size()), qPrintable(dir));
        }
        return all;
    }();
    return text;
}

void BM_EstimatorTokenizer_GoText(benchmark::State &state) {
    const QByteArray &text = goText();
    const tokenize::EstimatorTokenizer tok;
    qint64 tokens = 0;
    for (auto _ : state) {
        tokens = tok.count(std::string_view(text.constData(), size_t(text.size())));
        benchmark::DoNotOptimize(tokens);
    }
    state.SetBytesProcessed(state.iterations() * text.size());
    state.counters["bytes_per_token"] = double(text.size()) / double(std::max<qint64>(tokens, 1));
}
BENCHMARK(BM_EstimatorTokenizer_GoText)->Unit(benchmark::kMillisecond)->MinTime(0.5);

void BM_DecodeText_GoText(benchmark::State &state) {
    const QByteArray &text = goText();
    for (auto _ : state)
        benchmark::DoNotOptimize(text::decodeText(text));
    state.SetBytesProcessed(state.iterations() * text.size());
}
BENCHMARK(BM_DecodeText_GoText)->Unit(benchmark::kMillisecond)->MinTime(0.5);

// Latin-1 text (not UTF-8): the legacy-decoding path.
void BM_DecodeText_Legacy8Bit(benchmark::State &state) {
    QByteArray text = goText().left(4 * 1024 * 1024);
    for (qsizetype i = 0; i < text.size(); i += 97)
        if (text[i] != '\n')
            text[i] = char(0xE9); // é in Latin-1, invalid as UTF-8
    for (auto _ : state)
        benchmark::DoNotOptimize(text::decodeText(text));
    state.SetBytesProcessed(state.iterations() * text.size());
}
BENCHMARK(BM_DecodeText_Legacy8Bit)->Unit(benchmark::kMillisecond)->MinTime(0.3);

// The whole per-file path of the counter (decode, lines, tokens, generated check) on
// file-sized pieces.
void BM_CountJobAnalyse_GoText(benchmark::State &state) {
    const QByteArray &text = goText();
    const tokenize::EstimatorTokenizer tok;
    constexpr qsizetype piece = 16 * 1024;
    // QByteArray pieces: work with analyse(QByteArrayView) and analyse(const QByteArray &).
    std::vector<QByteArray> pieces;
    for (qsizetype off = 0; off < text.size(); off += piece)
        pieces.push_back(text.mid(off, piece));
    for (auto _ : state) {
        for (const QByteArray &p : pieces)
            benchmark::DoNotOptimize(tokenize::CountJob::analyse(p, tok));
    }
    state.SetBytesProcessed(state.iterations() * text.size());
}
BENCHMARK(BM_CountJobAnalyse_GoText)->Unit(benchmark::kMillisecond)->MinTime(0.5);

} // namespace

BENCHMARK_MAIN();
