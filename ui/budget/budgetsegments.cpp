// SPDX-License-Identifier: MIT
#include "budget/budgetsegments.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace reposcope::ui {

namespace {

QString tr(const char *text) {
    return QCoreApplication::translate("BudgetSegments", text);
}

double channel(double c) {
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(const QColor &c) {
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

} // namespace

std::vector<BudgetSegment> budgetSegments(const prompt::Selection *selection,
                                          const prompt::BudgetInput &in, double correction,
                                          int topFolders) {
    std::vector<BudgetSegment> folders;
    BudgetSegment rootFiles{BudgetSegment::Kind::RootFiles, tr("files in the root")};
    qint64 childOverhead = 0; // the overhead the folder and root-file segments carry
    if (selection) {
        const repo::RepoSnapshot &snap = selection->snapshot();
        // Content tokens corrected as the meter corrects the total: each part is the
        // difference of the rounded running sums, so the parts add up to the meter's
        // rounded total exactly.
        qint64 rawSoFar = 0;
        qint64 roundedSoFar = 0;
        auto corrected = [&](qint64 raw) {
            rawSoFar += raw;
            const qint64 rounded = qint64(std::llround(double(rawSoFar) * correction));
            const qint64 part = rounded - roundedSoFar;
            roundedSoFar = rounded;
            return part;
        };
        // A root that holds one folder and nothing else (a repository opened at src/, or
        // whose code is all under one folder) is split by that folder's children instead.
        int base = 0;
        while (snap.childCount(base) == 1 && snap.isDirectory(snap.child(base, 0)))
            base = snap.child(base, 0);
        for (int row = 0, rows = snap.childCount(base); row < rows; ++row) {
            const int node = snap.child(base, row);
            const prompt::Totals &t = selection->selected(node);
            const qint64 content = corrected(t.tokens);
            childOverhead += t.overhead;
            if (snap.isDirectory(node)) {
                if (content + t.overhead > 0)
                    folders.push_back({BudgetSegment::Kind::Folder,
                                       snap.name(node) + QLatin1Char('/'), content + t.overhead,
                                       node});
            } else {
                rootFiles.tokens += content + t.overhead;
            }
        }
        // Whatever the running sums miss (a root of no children) stays in the content total.
        rootFiles.tokens += in.contentTokens - roundedSoFar;
    } else {
        rootFiles.tokens = in.contentTokens;
    }
    std::stable_sort(
        folders.begin(), folders.end(),
        [](const BudgetSegment &a, const BudgetSegment &b) { return a.tokens > b.tokens; });
    std::vector<BudgetSegment> out;
    const size_t top = size_t(std::max(0, topFolders));
    // "other folders (1)" would hide a name that fits as well as the sum does.
    const size_t own = folders.size() <= top + 1 ? folders.size() : top;
    out.insert(out.end(), folders.begin(), folders.begin() + std::ptrdiff_t(own));
    if (own < folders.size()) {
        BudgetSegment other{BudgetSegment::Kind::OtherFolders};
        for (size_t i = own; i < folders.size(); ++i)
            other.tokens += folders[i].tokens;
        other.folders = int(folders.size() - own);
        other.label = tr("other folders (%1)").arg(other.folders);
        out.push_back(other);
    }
    auto add = [&out](BudgetSegment::Kind kind, const QString &label, qint64 tokens) {
        if (tokens != 0)
            out.push_back({kind, label, tokens});
    };
    add(BudgetSegment::Kind::RootFiles, rootFiles.label, rootFiles.tokens);
    add(BudgetSegment::Kind::PackOverhead, tr("pack overhead"),
        in.packOverheadTokens - childOverhead);
    add(BudgetSegment::Kind::LineNumbers, tr("line numbers"), in.lineNumberTokens);
    add(BudgetSegment::Kind::SystemPrompt, tr("system prompt"), in.systemPromptTokens);
    add(BudgetSegment::Kind::Images, tr("images"), in.imageTokens);
    add(BudgetSegment::Kind::Reserve, tr("answer reserve"), in.reservedOutputTokens);
    return out;
}

QColor segmentColour(BudgetSegment::Kind kind, int folderIndex) {
    // Hues that stay apart from each other and from the fixed parts' greys and violets.
    static const QColor folders[] = {QColor(0x1f, 0x77, 0xb4), QColor(0x2c, 0xa0, 0x2c),
                                     QColor(0xff, 0x7f, 0x0e), QColor(0x17, 0xbe, 0xcf),
                                     QColor(0xbc, 0xbd, 0x22), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2)};
    switch (kind) {
    case BudgetSegment::Kind::Folder:
        return folders[size_t(std::max(0, folderIndex)) % std::size(folders)];
    case BudgetSegment::Kind::OtherFolders:
        return QColor(0x6b, 0x8e, 0xa8);
    case BudgetSegment::Kind::RootFiles:
        return QColor(0x9e, 0xc5, 0xe6);
    case BudgetSegment::Kind::PackOverhead:
        return QColor(0x7f, 0x7f, 0x7f);
    case BudgetSegment::Kind::LineNumbers:
        return QColor(0xa9, 0xa9, 0xa9);
    case BudgetSegment::Kind::SystemPrompt:
        return QColor(0x94, 0x67, 0xbd);
    case BudgetSegment::Kind::Images:
        return QColor(0xd6, 0x27, 0x28);
    case BudgetSegment::Kind::Reserve:
        return QColor(0x45, 0x45, 0x45);
    }
    return Qt::gray;
}

double contrastRatio(const QColor &a, const QColor &b) {
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor textColourOn(const QColor &background) {
    return contrastRatio(background, Qt::black) >= contrastRatio(background, Qt::white)
               ? QColor(Qt::black)
               : QColor(Qt::white);
}

} // namespace reposcope::ui
