// SPDX-License-Identifier: MIT
#pragma once
// Decoding bombs, generated in memory: tiny files whose headers declare huge images, and a
// complete PNG of all-zero pixels whose deflate stream is small. For the image limits
// suites (core) and, written to files, the CLI's.

#include <QByteArray>
#include <QSize>

namespace reposcope::test {

// A GIF declaring `size` whose one frame's LZW data is a clear code and the end code:
// 34 bytes, however large the size.
QByteArray emptyGif(QSize size);
// A complete PNG (IHDR, IDAT, IEND, valid CRCs and Adler-32) of `size` pixels, every byte
// zero: RGBA (fully transparent) when `alpha`, else RGB (black). The zlib stream is one
// fixed-Huffman block of 258-byte back-references, about 1/160 of the pixel data.
QByteArray zeroPng(QSize size, bool alpha);
// `encoded` (a JPEG, WebP or BMP that Qt wrote) with its header's dimensions replaced by
// `size`; the pixel data stays as small as it was.
QByteArray withDeclaredSize(const QByteArray &encoded, QSize size);

} // namespace reposcope::test
