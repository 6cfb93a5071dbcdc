// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QImage>
#include <QStringList>

#include <atomic>

namespace reposcope::images {

// Internal to core/images: choosing the output format and encoding to a byte limit.

struct Encoded {
    QByteArray data;
    QByteArray format; // "png" or "jpeg"
    QImage image;      // what was encoded (smaller than the input when the bytes forced it)
    int quality = -1;  // JPEG quality used; -1 for PNG
};

// The image in `format` ("png", "jpeg", ...; quality -1 for the writer's default), or empty
// bytes when it cannot be written. Blocking; thread-safe.
QByteArray encodeImage(const QImage &image, const QByteArray &format, int quality = -1);

// Bytes a data URL of `encodedBytes` takes as sent: "data:" + type + ";base64," +
// the base64 text (4 characters per 3 bytes).
qint64 dataUrlBytes(qint64 encodedBytes, const QByteArray &mimeType);

// A deep copy with sRGB pixels and no text keys or colour space attached, so
// QImageWriter writes no tEXt/COM/ICC metadata. Cost: one copy of the pixels.
QImage strippedCopy(QImage image);
// True when some pixel is not fully opaque. Linear in the pixels.
bool hasTransparency(const QImage &image);
// True for diagrams, screenshots and line art: most pixels (≥ 85 % of a sample of at
// most 64k) share at most 32 colours. Photos fail fast (over 4096 colours).
bool looksLikeLineArt(const QImage &image);

// Encodes as PNG (`preferPng`) or JPEG at quality 85, falling back to the other when
// `mimeTypes` (non-empty) excludes the preferred one; when the data URL would exceed
// `maxBytes` (0 = no limit) it steps JPEG quality 85 → 75 → 65 → 50, then shrinks the
// image by 3/4 and tries again (at most 8 rounds). Blocking; thread-safe.
Result<Encoded> encodeToFit(QImage image, bool preferPng, const QStringList &mimeTypes,
                            qint64 maxBytes, const std::atomic_bool *cancel);

} // namespace reposcope::images
