// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

namespace reposcope::images {

// Content sniffing and structure checks that QImageReader leaves to us. All pure
// functions over the encoded bytes: thread-safe, linear in the size at worst.

// The format by magic bytes, never by name: "png", "jpeg", "webp", "gif", "bmp",
// "svg", or empty when it is none of those.
QByteArray sniffFormat(const QByteArray &bytes);
// What an unsupported content looks like, for the error ("TIFF", "HEIC/AVIF",
// "PDF", "text", "unknown binary data").
QString describeUnsupported(const QByteArray &bytes);
// "image/png" for "png" and so on; empty for a format never sent as is.
QByteArray mimeTypeFor(const QByteArray &format);
// "PNG", "JPEG", "WebP", ... for messages.
QString displayName(const QByteArray &format);

// True when the file carries metadata worth stripping before sending: EXIF, XMP,
// ICC profiles, IPTC, comments and text chunks (PNG tEXt/zTXt/iTXt/eXIf/iCCP/tIME,
// JPEG APP1–APP13/APP15 and COM, WebP EXIF/XMP/ICCP chunks).
bool hasMetadata(const QByteArray &bytes, const QByteArray &format);

// Empty when the structure is complete; otherwise what is missing ("no IEND chunk",
// "no end-of-image marker"). Qt's decoders return a grey-filled image for a
// truncated JPEG and may for a PNG, so completeness is checked before decoding.
QString truncationProblem(const QByteArray &bytes, const QByteArray &format);

} // namespace reposcope::images
