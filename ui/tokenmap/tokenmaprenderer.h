// SPDX-License-Identifier: MIT
#pragma once

#include "tokenmap/tokenmaplayout.h"
#include "tokenmap/tokenmappalette.h"

#include <QRectF>

#include <unordered_set>
#include <vector>

class QPainter;

namespace reposcope::prompt {
class Selection;
}

namespace reposcope::ui {

// Draws a laid-out token map: the same code paints the widget and the PNG / SVG export.
// Colours come from the selection at paint time, so a selection change needs a repaint,
// never a new layout. Cost: O(rects); file names only where they fit.
struct MapScene {
    const models::MapLayout *layout = nullptr;
    const prompt::Selection *selection = nullptr;
    const models::MapWeights *weights = nullptr;          // for the estimated areas; may be null
    const std::vector<models::FileKind> *kinds = nullptr; // per node; needed for Kind
    MapPalette palette = MapPalette::State;
};

struct MapDecorations {
    int hoverRect = -1;                              // index into layout->rects
    const std::unordered_set<int> *marked = nullptr; // nodes marked by the rubber band
};

class TokenMapRenderer {
public:
    // Paints scene into target (the layout is scaled to fill it).
    static void paint(QPainter &painter, const MapScene &scene, const QRectF &target,
                      const MapDecorations &decorations = {});
};

} // namespace reposcope::ui
