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

// Why a file is dropped early by "Fit to budget": generated first, then tests, then
// docs, then everything else; largest first within each group.
enum class DropPriority { Generated = 0, Test = 1, Documentation = 2, Source = 3 };
DropPriority dropPriority(const QByteArray &path);

struct FitResult {
    QStringList dropped; // paths, in the order they were deselected
    qint64 tokensFreed = 0;
    bool fits = false;
};

// Deselects files by DropPriority until `selection`'s tokens plus `fixedTokens` (everything
// that does not depend on the selection) fit in `cap`. tokensPerLine adds the
// line-number cost per line when line numbers are on.
FitResult fitToBudget(Selection &selection, qint64 fixedTokens, qint64 cap,
                      double tokensPerLine = 0);

} // namespace reposcope::prompt
