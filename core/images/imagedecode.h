// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QImage>
#include <QSize>

#include <atomic>

namespace reposcope::images {

// Internal to core/images: decoding with the safety limits prepareImage promises.

// The memory one image may take as decoded pixels: checked against the header's size before
// anything is decoded (64 megapixels as 32-bit RGBA, e.g. 8000×8000; a JPEG counts at the
// 1/2–1/8 scale libjpeg decodes it at, plus the coefficients of a progressive one).
inline constexpr qint64 kMaxDecodeBytes = 256'000'000;
inline constexpr qint64 kMaxDecodePixels = kMaxDecodeBytes / 4;
// A JPEG decoded at 1/8 needs little memory, but libjpeg still works through every
// stored pixel: above this (16384×16384) it is refused too.
inline constexpr qint64 kMaxJpegPixels = 16384ll * 16384;
// QImageReader's allocation limit (in MiB: 256 MiB ≈ 268 MB, just above kMaxDecodeBytes): a
// second guard for anything Qt allocates that the header check did not foresee.
inline constexpr int kAllocationLimitMb = 256;

// The largest size within `longEdge` and `maxPixels` (0 = none) with `size`'s aspect
// ratio; never larger than `size`.
QSize fitSize(QSize size, int longEdge, qint64 maxPixels);

struct Decoded {
    QImage image;       // 32-bit (ARGB32 or RGB32), orientation applied, ≥ the fitted size
    QSize originalSize; // as stored, orientation applied
    bool orientationApplied = false;
};

// Decodes PNG, JPEG, WebP, GIF (first frame) or BMP. A JPEG larger than the fitted
// size is decoded at 1/2, 1/4 or 1/8 scale by libjpeg. Refused (InvalidData, saying why
// and what to do) before decoding: a header whose pixels need more than kMaxDecodeBytes, a
// file whose pixel data is incomplete (truncationProblem); after decoding: an image with no
// visible pixel (every one fully transparent). Blocking; thread-safe; peak memory up to
// about twice kMaxDecodeBytes (Qt's decoded image plus one 32-bit copy).
Result<Decoded> decodeRaster(const QByteArray &bytes, const QByteArray &format, int longEdge,
                             qint64 maxPixels);

// Rasterises an SVG on white at its intrinsic size, at least 1024 px on the long edge
// (a vector diagram loses nothing), then fitted to `longEdge`/`maxPixels`. Needs a
// QGuiApplication (fonts); without one it returns an error.
Result<Decoded> rasteriseSvg(const QByteArray &bytes, int longEdge, qint64 maxPixels);

} // namespace reposcope::images
