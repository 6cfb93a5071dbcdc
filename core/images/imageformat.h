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
// "no end-of-image marker", "the first frame's image data ends after 12 of its 225000000
// pixels"). Qt's decoders return a grey-filled image for a truncated JPEG, may for a PNG,
// and a blank one for a GIF whose frame holds (almost) no data, so completeness is checked
// before decoding: PNG, JPEG, GIF (the first frame's LZW data is walked, counting the pixels
// it yields without storing them) and uncompressed BMP (the pixel rows must fit the file).
QString truncationProblem(const QByteArray &bytes, const QByteArray &format);

// A JPEG's frame header (SOFn), read without decoding.
struct JpegFrame {
    bool found = false;
    bool progressive = false; // SOF2, SOF6, SOF10, SOF14: libjpeg buffers every coefficient
    int components = 0;
};
JpegFrame jpegFrame(const QByteArray &bytes);

} // namespace reposcope::images
