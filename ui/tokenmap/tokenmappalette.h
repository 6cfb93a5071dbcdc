// SPDX-License-Identifier: MIT
#pragma once

#include "repo/scantypes.h"
#include "tokenmap/tokenmaplayout.h"

#include <QColor>
#include <QList>
#include <QString>

namespace reposcope::prompt {
class Selection;
}

namespace reposcope::ui {

// The token map's colours. "State": selected, not selected, or excluded with its reason
// (each reason its own colour). "Kind": what the file is (models::classifyFileKind); files
// that are not selected are drawn pale. Pure functions, cheap enough to call per rectangle.
enum class MapPalette { State, Kind };

struct LegendEntry {
    QColor color;
    QString label;
};

class TokenMapColors {
public:
    // The fill of a file rectangle.
    static QColor fileColor(MapPalette palette, bool checked, repo::Exclusion exclusion,
                            models::FileKind kind);
    // The background of a folder (what shows where its small files were merged into it).
    static QColor folderColor(MapPalette palette, const prompt::Selection &selection, int node);
    // Estimated (not yet counted) areas: the same colour, paler.
    static QColor estimated(const QColor &color);
    // Black or white, whichever reads better on `background` (by relative luminance).
    static QColor textOn(const QColor &background);

    static QColor selectedColor();
    static QColor notSelectedColor();
    static QColor excludedColor(repo::Exclusion reason);
    static QColor kindColor(models::FileKind kind);
    static QString kindLabel(models::FileKind kind);

    // The legend of `palette`; for State only the exclusion reasons in `reasons` (those the
    // open snapshot has).
    static QList<LegendEntry> legend(MapPalette palette, const QList<repo::Exclusion> &reasons);
};

} // namespace reposcope::ui
