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

DropPriority dropPriority(const QByteArray &path) {
    const QByteArray lower = path.toLower();
    const qsizetype slash = lower.lastIndexOf('/');
    const QByteArray name = lower.mid(slash + 1);
    const QByteArray dir = "/" + lower.left(slash + 1);
    if (name.contains(".min.") || name.contains(".generated.") || name.endsWith(".pb.go") ||
        name.endsWith("_pb2.py") || dir.contains("/generated/") || dir.contains("/gen/"))
        return DropPriority::Generated;
    if (dir.contains("/test/") || dir.contains("/tests/") || dir.contains("/testdata/") ||
        dir.contains("/__tests__/") || dir.contains("/spec/") || name.startsWith("test_") ||
        name.contains("_test.") || name.contains(".test.") || name.contains(".spec.") ||
        name.startsWith("tests."))
        return DropPriority::Test;
    if (dir.contains("/docs/") || dir.contains("/doc/") || dir.contains("/documentation/") ||
        name.endsWith(".md") || name.endsWith(".rst") || name.endsWith(".txt") ||
        name.endsWith(".adoc") || name.startsWith("license") || name.startsWith("changelog"))
        return DropPriority::Documentation;
    return DropPriority::Source;
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
    std::vector<std::pair<int, DropPriority>> ranked;
    ranked.reserve(files.size());
    for (int node : files)
        ranked.emplace_back(node, dropPriority(snap.file(node).path));
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
        used = now;
        result.dropped << QString::fromUtf8(snap.file(node).path);
    }
    result.fits = used <= cap;
    return result;
}

} // namespace reposcope::prompt
