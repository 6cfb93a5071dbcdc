// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QImage>
#include <QSize>

#include <atomic>

namespace reposcope::images {

// Internal to core/images: decoding with the safety limits prepareImage promises.

// Header sizes above this are refused before decoding (250 MP × 4 bytes ≈ 1 GB).
inline constexpr qint64 kMaxDecodePixels = 250'000'000;
// QImageReader's allocation limit, raised from Qt's 256 MB so that anything under
// kMaxDecodePixels decodes as 32-bit pixels; kMaxDecodePixels refuses the rest first.
inline constexpr int kAllocationLimitMb = 1024;

// The largest size within `longEdge` and `maxPixels` (0 = none) with `size`'s aspect
// ratio; never larger than `size`.
QSize fitSize(QSize size, int longEdge, qint64 maxPixels);

struct Decoded {
    QImage image;       // 32-bit (ARGB32 or RGB32), orientation applied, ≥ the fitted size
    QSize originalSize; // as stored, orientation applied
    bool orientationApplied = false;
};

// Decodes PNG, JPEG, WebP, GIF (first frame) or BMP. A JPEG larger than the fitted
// size is decoded at 1/2, 1/4 or 1/8 scale by libjpeg. Blocking; thread-safe.
Result<Decoded> decodeRaster(const QByteArray &bytes, const QByteArray &format, int longEdge,
                             qint64 maxPixels);

// Rasterises an SVG on white at its intrinsic size, at least 1024 px on the long edge
// (a vector diagram loses nothing), then fitted to `longEdge`/`maxPixels`. Needs a
// QGuiApplication (fonts); without one it returns an error.
Result<Decoded> rasteriseSvg(const QByteArray &bytes, int longEdge, qint64 maxPixels);

} // namespace reposcope::images
