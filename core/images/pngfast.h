// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QImage>
#include <QSize>

namespace reposcope::images {

// Internal to core/images: a fast decoder for the common PNG only: bit depth 8, grey,
// grey+alpha, RGB or RGBA, not interlaced, and no chunk that changes pixels or needs Qt
// (PLTE, tRNS, iCCP, gAMA, cHRM, eXIf, sBIT, or anything unknown). Every chunk's CRC is
// checked. The zlib stream is inflated by libdeflate into height × (1 + width × channels)
// bytes; each row is unfiltered and at once area-averaged into `target` (premultiplied when
// there is alpha), so the full-size image never exists as a QImage.
//
// Returns RGB32, or ARGB32 for grey+alpha and RGBA, at `target`; pixel-exact when `target`
// is the stored size. Returns a null QImage when the file is anything else, damaged, or
// `target` is empty or larger than the stored size on either edge: the caller then decodes
// with Qt, which reports the problem. Blocking; thread-safe; memory about the inflated size
// plus the compressed data.
QImage decodePngFast(const QByteArray &bytes, QSize target);

} // namespace reposcope::images
