// SPDX-License-Identifier: MIT
#pragma once

#include "prompt/selection.h"

#include <QStringList>

#include <optional>

namespace reposcope::prompt {

// Everything one request spends against the model's context window.
struct BudgetInput {
    qint64 contentTokens = 0;      // selected files' content
    qint64 packOverheadTokens = 0; // headers, directory tree, fixed wrappers
    qint64 lineNumberTokens = 0;   // when line numbers are on
    qint64 systemPromptTokens = 0;
    qint64 imageTokens = 0;
    qint64 reservedOutputTokens = 0;
    qint64 contextCap = 0;
    std::optional<double> inputPricePerMillion; // unknown price: no cost shown
};

struct BudgetFigures {
    enum class Level { Comfortable, Near, Over };
    qint64 inputTokens = 0; // what is sent
    qint64 usedTokens = 0;  // sent + reserved output
    qint64 contextCap = 0;
    double fraction = 0; // used / cap
    Level level = Level::Comfortable;
    std::optional<double> inputCost; // dollars for one request's input
    qint64 overBy() const { return usedTokens > contextCap ? usedTokens - contextCap : 0; }
};

// Near from 85% of the cap; over past 100%.
BudgetFigures computeBudget(const BudgetInput &in);

// The tokens kept for the answer (the request's max_tokens): the user's `requested` figure,
// at most half of `contextCap` (so a model with an 8K context never gets an 8K reserve that
// leaves no room for the prompt) and, when `maxOutput` > 0, at most the model's own maximum
// output. 0 for either limit means unknown: that limit does not apply.
qint64 answerReserve(qint64 requested, qint64 contextCap, qint64 maxOutput = 0);

// Why "Fit to budget" drops a file, in the order it drops them: test data, examples,
// benchmarks, fixtures, generated and vendored files, tests and docs first; then the
// core sources, largest first. Within a group, largest first.
enum class DropReason {
    TestData = 0,
    Example,
    Benchmark,
    Fixture,
    Generated,
    Vendored,
    Test,
    Documentation,
    Largest, // none of the above: a core source, dropped last
};
DropReason dropReason(const QByteArray &path);
// "test data", "example", ..., "largest remaining".
QString dropReasonLabel(DropReason reason);

struct DroppedFile {
    QString path;
    DropReason reason = DropReason::Largest;
    qint64 tokens = 0; // what dropping it freed (content, overhead, folder lines)
};

struct FitResult {
    QStringList dropped;              // paths, in the order they were deselected
    std::vector<DroppedFile> details; // the same files, with reason and tokens freed
    qint64 tokensFreed = 0;
    int keptPinned = 0; // selected files kept because they (or a folder) are pinned
    bool fits = false;
};

// Deselects files by DropReason until `selection`'s tokens plus `fixedTokens` (everything
// that does not depend on the selection) fit in `cap`. tokensPerLine adds the
// line-number cost per line when line numbers are on. Pinned files (Selection::isKept)
// are never dropped.
FitResult fitToBudget(Selection &selection, qint64 fixedTokens, qint64 cap,
                      double tokensPerLine = 0);

} // namespace reposcope::prompt
