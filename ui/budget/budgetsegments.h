// SPDX-License-Identifier: MIT
#pragma once

#include "prompt/budget.h"
#include "prompt/selection.h"

#include <QColor>
#include <QString>

#include <vector>

namespace reposcope::ui {

// One part of the budget bar: a top-level folder of the selection, the other folders, the
// root-level files, or one of the fixed parts of a request.
struct BudgetSegment {
    enum class Kind {
        Folder,       // a top-level folder (node is its snapshot node)
        OtherFolders, // the smaller top-level folders together
        RootFiles,    // files directly in the repository's root
        PackOverhead, // the pack's fixed wrappers and the root's tree line
        LineNumbers,
        SystemPrompt,
        Images,
        Reserve, // kept for the answer
    };
    Kind kind = Kind::Folder;
    QString label; // "src/", "other folders (7)", "pack overhead", …
    qint64 tokens = 0;
    int node = -1;   // Folder only
    int folders = 0; // OtherFolders: how many folders it holds
};

// The budget bar's segments from exactly the meter's figures: `in` is the BudgetInput the
// meter passed to computeBudget, `correction` the factor it applied to the selection's
// content tokens. A folder's segment is its content (corrected, rounded so that the
// folders' contents add up to in.contentTokens) plus its pack overhead; the segments add up
// to computeBudget(in).usedTokens exactly. The `topFolders` largest folders get their own
// segment, the rest one "other folders" segment. Parts of 0 tokens are left out. O(top-level
// children). `selection` null: only the fixed parts.
std::vector<BudgetSegment> budgetSegments(const prompt::Selection *selection,
                                          const prompt::BudgetInput &in, double correction,
                                          int topFolders = 5);

// The fill of a segment: folders take the `folderIndex`-th hue of a fixed palette.
QColor segmentColour(BudgetSegment::Kind kind, int folderIndex = 0);
// Black or white, whichever contrasts more with `background` (WCAG contrast ratio; the better
// of the two is at least 4.58 for any colour).
QColor textColourOn(const QColor &background);
// The WCAG 2 contrast ratio of two colours (1 to 21).
double contrastRatio(const QColor &a, const QColor &b);

} // namespace reposcope::ui
