// SPDX-License-Identifier: MIT
#include "prompt/budget.h"

#include <algorithm>
#include <cmath>

namespace reposcope::prompt {

BudgetFigures computeBudget(const BudgetInput &in) {
    BudgetFigures f;
    f.inputTokens = in.contentTokens + in.packOverheadTokens + in.lineNumberTokens +
                    in.systemPromptTokens + in.imageTokens;
    f.usedTokens = f.inputTokens + in.reservedOutputTokens;
    f.contextCap = in.contextCap;
    f.fraction = in.contextCap > 0 ? double(f.usedTokens) / double(in.contextCap) : 0.0;
    if (in.contextCap > 0 && f.usedTokens > in.contextCap)
        f.level = BudgetFigures::Level::Over;
    else if (f.fraction >= 0.85)
        f.level = BudgetFigures::Level::Near;
    if (in.inputPricePerMillion)
        f.inputCost = double(f.inputTokens) * *in.inputPricePerMillion / 1e6;
    return f;
}

qint64 answerReserve(qint64 requested, qint64 contextCap, qint64 maxOutput) {
    qint64 reserve = std::max<qint64>(requested, 0);
    if (maxOutput > 0)
        reserve = std::min(reserve, maxOutput);
    if (contextCap > 0)
        reserve = std::min(reserve, contextCap / 2);
    return reserve;
}

namespace {

// True when `dir` ("/a/b/", lower case, with slashes around) holds one of the folders.
bool inFolder(const QByteArray &dir, std::initializer_list<const char *> names) {
    for (const char *n : names)
        if (dir.contains(QByteArray(QByteArray("/") + n + "/")))
            return true;
    return false;
}

} // namespace

DropReason dropReason(const QByteArray &path) {
    const QByteArray lower = path.toLower();
    const qsizetype slash = lower.lastIndexOf('/');
    const QByteArray name = lower.mid(slash + 1);
    const QByteArray dir = "/" + lower.left(slash + 1);
    if (inFolder(dir, {"testdata", "test-data", "test_data", "testfiles", "test-fixtures-data"}))
        return DropReason::TestData;
    if (inFolder(dir, {"examples", "example", "samples", "sample", "demo", "demos"}) ||
        name.startsWith("example_") || name.startsWith("example."))
        return DropReason::Example;
    if (inFolder(dir, {"bench", "benches", "benchmark", "benchmarks"}) ||
        name.contains("_bench.") || name.contains(".bench.") || name.startsWith("bench_") ||
        name.startsWith("benchmark"))
        return DropReason::Benchmark;
    if (inFolder(dir, {"fixtures", "fixture", "__fixtures__", "__snapshots__", "mocks"}) ||
        name.endsWith(".snap"))
        return DropReason::Fixture;
    if (name.contains(".min.") || name.contains(".generated.") || name.endsWith(".pb.go") ||
        name.endsWith("_pb2.py") || name.startsWith("zz_generated") ||
        inFolder(dir, {"generated", "gen"}))
        return DropReason::Generated;
    if (inFolder(dir, {"vendor", "third_party", "third-party", "thirdparty", "node_modules",
                       "bower_components"}))
        return DropReason::Vendored;
    if (inFolder(dir, {"test", "tests", "testing", "__tests__", "spec"}) ||
        name.startsWith("test_") || name.contains("_test.") || name.contains(".test.") ||
        name.contains(".spec.") || name.startsWith("tests."))
        return DropReason::Test;
    if (inFolder(dir, {"docs", "doc", "documentation"}) || name.endsWith(".md") ||
        name.endsWith(".rst") || name.endsWith(".txt") || name.endsWith(".adoc") ||
        name.startsWith("license") || name.startsWith("changelog"))
        return DropReason::Documentation;
    return DropReason::Largest;
}

QString dropReasonLabel(DropReason reason) {
    switch (reason) {
    case DropReason::TestData:
        return QStringLiteral("test data");
    case DropReason::Example:
        return QStringLiteral("example");
    case DropReason::Benchmark:
        return QStringLiteral("benchmark");
    case DropReason::Fixture:
        return QStringLiteral("fixture");
    case DropReason::Generated:
        return QStringLiteral("generated");
    case DropReason::Vendored:
        return QStringLiteral("vendored");
    case DropReason::Test:
        return QStringLiteral("test");
    case DropReason::Documentation:
        return QStringLiteral("docs");
    case DropReason::Largest:
        break;
    }
    return QStringLiteral("largest remaining");
}

FitResult fitToBudget(Selection &selection, qint64 fixedTokens, qint64 cap, double tokensPerLine) {
    FitResult result;
    auto cost = [&](const Totals &t) {
        return t.tokens + t.overhead + qint64(std::ceil(double(t.lines) * tokensPerLine));
    };
    qint64 used = fixedTokens + cost(selection.selected(0));
    if (used <= cap) {
        result.fits = true;
        return result;
    }
    std::vector<int> files = selection.selectedFiles();
    const repo::RepoSnapshot &snap = selection.snapshot();
    std::vector<std::pair<int, DropReason>> ranked;
    ranked.reserve(files.size());
    for (int node : files) {
        if (selection.isKept(node))
            ++result.keptPinned;
        else
            ranked.emplace_back(node, dropReason(snap.file(node).path));
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](const auto &a, const auto &b) {
        if (a.second != b.second)
            return a.second < b.second;
        return selection.file(a.first).stats.tokens > selection.file(b.first).stats.tokens;
    });
    for (const auto &[node, priority] : ranked) {
        if (used <= cap)
            break;
        selection.setChecked(node, false);
        // Folder tree lines may disappear too: measure rather than guess.
        const qint64 now = fixedTokens + cost(selection.selected(0));
        result.tokensFreed += used - now;
        const QString path = snap.visiblePath(node);
        result.details.push_back({path, priority, used - now});
        used = now;
        result.dropped << path;
    }
    result.fits = used <= cap;
    return result;
}

} // namespace reposcope::prompt
