// SPDX-License-Identifier: MIT
#include "images/imagetokens.h"

#include <limits>

namespace reposcope::images {

namespace {

constexpr int kTile = 336;
constexpr int kMaxTiles = 16;
constexpr qint64 kTokensPerTile = (336 / 14) * (336 / 14) / 4; // 144 patch tokens

// The scale that fits an image of h × w into a canvas of rows × cols tiles without
// distortion (the smaller of the two axis scales), as transformers' get_best_fit.
double fitScale(int rows, int cols, int h, int w) {
    const double scaleH = double(rows * kTile) / double(h);
    const double scaleW = double(cols * kTile) / double(w);
    return scaleH > scaleW ? scaleW : scaleH;
}

} // namespace

QSize llama4TileGrid(QSize size) {
    const int h = qMax(1, size.height());
    const int w = qMax(1, size.width());
    // transformers' image_processing_llama4_fast get_best_fit (resize_to_max_canvas
    // false): among every rows × cols canvas with at most 16 tiles, the smallest
    // upscale when any canvas holds the image at scale ≥ 1, else the largest
    // downscale; ties go to the smallest canvas area. Equal rationals divide to equal
    // doubles (IEEE division is correctly rounded), so == is exact here.
    bool haveUp = false;
    double bestUp = std::numeric_limits<double>::max();
    double bestDown = 0.0;
    for (int rows = 1; rows <= kMaxTiles; ++rows) {
        for (int cols = 1; rows * cols <= kMaxTiles; ++cols) {
            const double s = fitScale(rows, cols, h, w);
            if (s >= 1.0) {
                haveUp = true;
                bestUp = qMin(bestUp, s);
            } else {
                bestDown = qMax(bestDown, s);
            }
        }
    }
    const double chosen = haveUp ? bestUp : bestDown;
    QSize grid;
    int bestArea = std::numeric_limits<int>::max();
    for (int rows = 1; rows <= kMaxTiles; ++rows) {
        for (int cols = 1; rows * cols <= kMaxTiles; ++cols) {
            if (fitScale(rows, cols, h, w) == chosen && rows * cols < bestArea) {
                bestArea = rows * cols;
                grid = QSize(cols, rows);
            }
        }
    }
    return grid; // width = columns, height = rows
}

ImageTokens imageTokens(QSize sentSize, const QString &rule) {
    if (rule == kLlama4TilesRule) {
        const QSize grid = llama4TileGrid(sentSize);
        const qint64 rows = grid.height();
        const qint64 tiles = qint64(grid.width()) * rows;
        // PROVIDERS.md: one tile 144 + 3; an r×c grid 144·(r·c+1) + (r·c − r) + r + 3
        // (the global tile, tile and row separators, start/end markers).
        const qint64 tokens = tiles == 1 ? kTokensPerTile + 3
                                         : kTokensPerTile * (tiles + 1) + (tiles - rows) + rows + 3;
        return ImageTokens{tokens, true, QString(kLlama4TilesRule)};
    }
    return ImageTokens{kDefaultImageTokens, false, QStringLiteral("default")};
}

} // namespace reposcope::images
