// SPDX-License-Identifier: MIT
// The exact BPE tokenizer against the targets: single-thread o200k throughput on the
// Go tree's .go files (at least 3x the fastest JS reference, aim 5x; compare with
// scripts/bench/js-tokenizer-speed.mjs in the same run), and loading the o200k vocabulary
// (< 300 ms, < 100 MB resident).
//
// Needs tiktoken@1.0.22's encoders ($REPOSCOPE_NPM_MODULES or .deps/npm/node_modules) and the
// Go tree (/usr/share/go-1.19/src; REPOSCOPE_BENCH_GO_SRC overrides it).
#include "tokenize/bpe/bpetokenizer.h"
#include "tokenize/tokenizerregistry.h"

#include <benchmark/benchmark.h>

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdio>
#include <string>
#include <vector>

using namespace reposcope::tokenize;

namespace {

QString o200kPath() {
    QString modules = qEnvironmentVariable("REPOSCOPE_NPM_MODULES");
    if (modules.isEmpty())
        modules = QStringLiteral(REPOSCOPE_SOURCE_DIR "/.deps/npm/node_modules");
    const QString path = modules + QStringLiteral("/tiktoken/encoders/o200k_base.json");
    return QFileInfo::exists(path) ? path : QString();
}

const std::vector<std::string> &goFiles() {
    static const std::vector<std::string> files = [] {
        QString dir = qEnvironmentVariable("REPOSCOPE_BENCH_GO_SRC");
        if (dir.isEmpty())
            dir = QStringLiteral("/usr/share/go-1.19/src");
        std::vector<std::string> out;
        QDirIterator it(dir, {QStringLiteral("*.go")},
                        QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly))
                out.push_back(f.readAll().toStdString());
        }
        return out;
    }();
    return files;
}

long residentKiB() {
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = f.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLong() * 4 : 0;
}

std::shared_ptr<const BpeTokenizer> loadO200k(benchmark::State &state) {
    const QString path = o200kPath();
    if (path.isEmpty()) {
        state.SkipWithError("tiktoken encoders not found (REPOSCOPE_NPM_MODULES)");
        return nullptr;
    }
    auto spec = loadTiktokenJson(path);
    if (!spec.ok()) {
        state.SkipWithError(qPrintable(spec.error().message));
        return nullptr;
    }
    auto t = BpeTokenizer::create(std::move(spec).value());
    if (!t.ok()) {
        state.SkipWithError(qPrintable(t.error().message));
        return nullptr;
    }
    return t.value();
}

void BM_BpeLoadO200k(benchmark::State &state) {
    const long before = residentKiB();
    long firstDelta = -1;
    for (auto _ : state) {
        auto t = loadO200k(state);
        if (!t)
            return;
        if (firstDelta < 0)
            firstDelta = residentKiB() - before;
        benchmark::DoNotOptimize(t);
    }
    state.counters["resident_MB"] = static_cast<double>(firstDelta) / 1024.0;
}
BENCHMARK(BM_BpeLoadO200k)->Unit(benchmark::kMillisecond)->Iterations(5);

// fromSnapshot() of the o200k snapshot bytes, already in memory.
void BM_BpeLoadO200kSnapshot(benchmark::State &state) {
    const auto built = loadO200k(state);
    if (!built)
        return;
    const QByteArray bytes = built->snapshot();
    for (auto _ : state) {
        auto t = BpeTokenizer::fromSnapshot(bytes);
        if (!t.ok()) {
            state.SkipWithError(qPrintable(t.error().message));
            return;
        }
        benchmark::DoNotOptimize(t);
    }
    state.counters["snapshot_MB"] = static_cast<double>(bytes.size()) / (1024.0 * 1024.0);
}
BENCHMARK(BM_BpeLoadO200kSnapshot)->Unit(benchmark::kMillisecond)->Iterations(20);

// A registry's second load of o200k, as the CLI and the app do it: read and hash the
// vocabulary file, read the snapshot file, check and restore it, compile the pattern.
void BM_BpeLoadO200kRegistrySnapshot(benchmark::State &state) {
    const QString path = o200kPath();
    QTemporaryDir folder;
    if (path.isEmpty() || !folder.isValid()) {
        state.SkipWithError("tiktoken encoders not found (REPOSCOPE_NPM_MODULES)");
        return;
    }
    const QString modules = path.left(path.indexOf(QLatin1String("/tiktoken/")));
    auto resolve = [&] {
        TokenizerRegistry registry(modules);
        registry.setSnapshotFolder(folder.path());
        return registry.resolve(QStringLiteral("o200k"), true);
    };
    if (!resolve().exactForModel) { // writes the snapshot; not timed
        state.SkipWithError("o200k could not be loaded");
        return;
    }
    for (auto _ : state)
        benchmark::DoNotOptimize(resolve());
}
BENCHMARK(BM_BpeLoadO200kRegistrySnapshot)->Unit(benchmark::kMillisecond)->Iterations(20);

// One tokenizer for all iterations: its per-thread piece cache is warm after the first file,
// as in a real count of a tree.
void BM_BpeCountO200kGoTree(benchmark::State &state) {
    const auto t = loadO200k(state);
    if (!t)
        return;
    const auto &files = goFiles();
    if (files.empty()) {
        state.SkipWithError("no .go files (REPOSCOPE_BENCH_GO_SRC)");
        return;
    }
    std::int64_t bytes = 0;
    qint64 tokens = 0;
    for (auto _ : state) {
        tokens = 0;
        for (const std::string &f : files) {
            tokens += t->count(f);
            bytes += static_cast<std::int64_t>(f.size());
        }
    }
    state.SetBytesProcessed(bytes);
    state.counters["tokens"] = static_cast<double>(tokens);
    state.counters["files"] = static_cast<double>(files.size());
}
BENCHMARK(BM_BpeCountO200kGoTree)->Unit(benchmark::kMillisecond)->Iterations(3);

// A fresh tokenizer (cold cache) per iteration; loading is not timed.
void BM_BpeCountO200kGoTreeCold(benchmark::State &state) {
    const auto &files = goFiles();
    std::int64_t bytes = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto t = loadO200k(state);
        state.ResumeTiming();
        if (!t)
            return;
        for (const std::string &f : files) {
            benchmark::DoNotOptimize(t->count(f));
            bytes += static_cast<std::int64_t>(f.size());
        }
    }
    state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_BpeCountO200kGoTreeCold)->Unit(benchmark::kMillisecond)->Iterations(2);

} // namespace
