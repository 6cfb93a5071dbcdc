// SPDX-License-Identifier: MIT
#pragma once
// Images generated in memory for the image preparation suites: photo-like and diagram
// content, every input format, and hand-built files (EXIF orientation, PNG text chunks,
// a header claiming a huge size, a two-frame GIF) that Qt's writers cannot produce.

#include "images/imageencode.h"

#include <QByteArray>
#include <QColor>
#include <QImage>
#include <QSize>

namespace reposcope::test {

// Gradients plus per-pixel noise: compresses like a photo (JPEG wins, PNG is large).
QImage photoLike(QSize size, quint32 seed = 7);
// White paper, coloured boxes and lines: few colours, PNG wins.
QImage diagram(QSize size);
// Red top-left, green top-right, blue bottom-left, yellow bottom-right quarters.
QImage quadrants(QSize size);

// Any sample in any format Qt writes.
using images::encodeImage;

// `jpeg` with an APP1 Exif segment holding only Orientation = `orientation`.
QByteArray withExifOrientation(const QByteArray &jpeg, int orientation);
// `png` with a tEXt chunk (key, value) after IHDR, CRC included.
QByteArray withPngText(const QByteArray &png, const QByteArray &key, const QByteArray &value);
// One PNG chunk: length, type, data, CRC.
QByteArray pngChunk(const QByteArray &type, const QByteArray &data);
// A PNG whose IHDR claims `size` with one tiny IDAT and IEND: the header of a huge image.
QByteArray pngHeaderClaiming(QSize size);
// A GIF of `size` with two frames, filled with `first` then `second`.
QByteArray twoFrameGif(QSize size, QColor first, QColor second);

// True when `a` and `b` differ by at most `tolerance` in each channel.
bool near(QColor a, QColor b, int tolerance = 40);

} // namespace reposcope::test
