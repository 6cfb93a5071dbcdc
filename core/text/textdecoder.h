// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace reposcope::text {

enum class Encoding : quint8 {
    Utf8,
    Utf8Bom,
    Utf16LE,   // with BOM
    Utf16BE,   // with BOM
    Legacy8Bit // not UTF-8: decoded as Windows-1252 (a superset of Latin-1 for text)
};

QString encodingLabel(Encoding encoding);

// What the decoder did with a file's bytes. Pure function of the input; thread-safe.
struct DecodedText {
    Encoding encoding = Encoding::Utf8;
    bool binary = false;      // content looks binary; utf8 is empty
    qint64 replacedBytes = 0; // invalid bytes replaced by U+FFFD (UTF-8 with a few bad bytes)
    QByteArray utf8;          // the text as valid UTF-8, BOM removed

    // One line for the tree's tooltip, e.g. "UTF-16 LE (converted)"; "" for plain UTF-8.
    QString note() const;
};

// Decides how to read a file's bytes as text:
//  - UTF-8 with or without BOM; UTF-16 with a BOM;
//  - binary when a NUL byte occurs in the first 8000 bytes (git's rule) and no UTF-16 BOM;
//  - mostly-valid UTF-8 with a few invalid bytes: those bytes become U+FFFD (counted);
//  - otherwise an 8-bit legacy encoding, decoded as Windows-1252.
// Never fails, never drops content silently: the caller reports note().
DecodedText decodeText(QByteArrayView raw);
// Same, but valid UTF-8 without a BOM shares `raw`'s buffer instead of copying it.
DecodedText decodeText(const QByteArray &raw);
// True when decodeText would return `raw` unchanged: valid UTF-8, no BOM, not binary.
bool isPlainUtf8(QByteArrayView raw);

// Fast check used by the decoder and the tokenizers.
bool isValidUtf8(QByteArrayView bytes);

// Number of lines as an editor shows them ("" = 0, "a" = 1, "a\n" = 1, "a\nb" = 2).
qint64 countLines(QByteArrayView text);

} // namespace reposcope::text
