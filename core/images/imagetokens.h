// SPDX-License-Identifier: MIT
#pragma once

#include <QSize>
#include <QString>

namespace reposcope::images {

// How many prompt tokens one image costs a model, by the catalog's rule
// (ModelEntry::imageTokenRule).
struct ImageTokens {
    qint64 tokens = 0;
    bool exact = false; // false: an explicit default for an unknown rule, shown as "≈"
    QString rule;       // the rule applied ("llama4-tiles", or "default")
};

// The rule name for Llama 4's tile rule (PROVIDERS.md "Images").
inline constexpr QLatin1String kLlama4TilesRule{"llama4-tiles"};
// What an image counts when the rule is unknown or empty (exact = false).
inline constexpr qint64 kDefaultImageTokens = 1000;

// Tokens for an image of `sentSize` pixels (as sent, after preparation) under `rule`.
// "llama4-tiles": the image is fitted without distortion to the best grid of 336×336
// tiles (at most 16, never upscaled past what the smallest fitting grid needs); 144
// tokens a tile, a global tile when there is more than one, plus separators: one tile
// 147, 512×512 → 2×2 → 727, at most 2,467. Any other rule → kDefaultImageTokens,
// exact = false. Pure, cheap, thread-safe.
ImageTokens imageTokens(QSize sentSize, const QString &rule);

// The Llama 4 tile grid (rows × columns) the processor picks for an image of `size`
// (height = rows of 336 px). Exposed for tests and the docs.
QSize llama4TileGrid(QSize size);

} // namespace reposcope::images
