// SPDX-License-Identifier: MIT
#include "text/textdecoder.h"

#include <QStringDecoder>

#include <algorithm>
#include <cstring>

namespace reposcope::text {

namespace {

// Length of the valid UTF-8 sequence starting at p (1..4), or 0 if invalid.
int sequenceLength(const unsigned char *p, const unsigned char *end) {
    const unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    auto cont = [&](int i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF)
        return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2))
            return 0;
        if (c == 0xE0 && p[1] < 0xA0)
            return 0; // overlong
        if (c == 0xED && p[1] > 0x9F)
            return 0; // surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3))
            return 0;
        if (c == 0xF0 && p[1] < 0x90)
            return 0;
        if (c == 0xF4 && p[1] > 0x8F)
            return 0;
        return 4;
    }
    return 0;
}

bool allAscii8(const unsigned char *p) {
    quint64 word;
    std::memcpy(&word, p, 8);
    return (word & 0x8080808080808080ULL) == 0;
}

// Source code is nearly all ASCII: 64 bytes at a time (the compiler vectorises this).
bool allAscii64(const unsigned char *p) {
    quint64 any = 0;
    for (int i = 0; i < 64; i += 8) {
        quint64 word;
        std::memcpy(&word, p + i, 8);
        any |= word;
    }
    return (any & 0x8080808080808080ULL) == 0;
}

struct Utf8Scan {
    qint64 invalid = 0;
    qint64 multibyte = 0;
};

Utf8Scan scanUtf8(const unsigned char *p, const unsigned char *end) {
    Utf8Scan scan;
    while (p < end) {
        if (end - p >= 64 && allAscii64(p)) {
            p += 64;
            continue;
        }
        if (end - p >= 8 && allAscii8(p)) {
            p += 8;
            continue;
        }
        const int n = sequenceLength(p, end);
        if (n == 0) {
            ++scan.invalid;
            ++p;
        } else {
            scan.multibyte += n > 1;
            p += n;
        }
    }
    return scan;
}

QByteArray replaceInvalid(const unsigned char *p, const unsigned char *end) {
    QByteArray out;
    out.reserve(end - p + 16);
    while (p < end) {
        const int n = sequenceLength(p, end);
        if (n == 0) {
            out.append("\xEF\xBF\xBD", 3);
            ++p;
        } else {
            out.append(reinterpret_cast<const char *>(p), n);
            p += n;
        }
    }
    return out;
}

} // namespace

QString encodingLabel(Encoding encoding) {
    switch (encoding) {
    case Encoding::Utf8:
        return QStringLiteral("UTF-8");
    case Encoding::Utf8Bom:
        return QStringLiteral("UTF-8 with BOM");
    case Encoding::Utf16LE:
        return QStringLiteral("UTF-16 LE");
    case Encoding::Utf16BE:
        return QStringLiteral("UTF-16 BE");
    case Encoding::Legacy8Bit:
        return QStringLiteral("8-bit legacy (read as Windows-1252)");
    }
    return {};
}

QString DecodedText::note() const {
    if (binary)
        return QStringLiteral("binary content (a NUL byte in the first 8000 bytes)");
    QString result;
    if (encoding != Encoding::Utf8)
        result = encodingLabel(encoding) + QStringLiteral(", converted to UTF-8");
    if (replacedBytes > 0) {
        if (!result.isEmpty())
            result += QStringLiteral("; ");
        result +=
            QStringLiteral("%1 invalid UTF-8 byte(s) replaced with U+FFFD").arg(replacedBytes);
    }
    return result;
}

bool isValidUtf8(QByteArrayView bytes) {
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    return scanUtf8(p, p + bytes.size()).invalid == 0;
}

qint64 countLines(QByteArrayView text) {
    if (text.isEmpty())
        return 0;
    qint64 newlines = 0;
    const char *p = text.data();
    const char *end = p + text.size();
    // memchr is vectorised in glibc; far faster than a byte loop on source code.
    while (p < end) {
        const void *hit = std::memchr(p, '\n', size_t(end - p));
        if (!hit)
            break;
        ++newlines;
        p = static_cast<const char *>(hit) + 1;
    }
    return newlines + (text.back() != '\n' ? 1 : 0);
}

bool isPlainUtf8(QByteArrayView raw) {
    const auto *p = reinterpret_cast<const unsigned char *>(raw.data());
    const bool bomOrUtf16 = raw.size() >= 2 && (p[0] == 0xFF || p[0] == 0xFE || p[0] == 0xEF);
    const qsizetype probe = std::min<qsizetype>(raw.size(), 8000);
    return !bomOrUtf16 && std::memchr(p, 0, size_t(probe)) == nullptr &&
           scanUtf8(p, p + raw.size()).invalid == 0;
}

DecodedText decodeText(const QByteArray &raw) {
    if (isPlainUtf8(raw)) {
        DecodedText out;
        out.utf8 = raw; // implicitly shared, no copy
        return out;
    }
    return decodeText(QByteArrayView(raw));
}

DecodedText decodeText(QByteArrayView raw) {
    DecodedText out;
    const auto *begin = reinterpret_cast<const unsigned char *>(raw.data());
    const auto *end = begin + raw.size();

    if (raw.size() >= 2 && (begin[0] == 0xFF && begin[1] == 0xFE)) {
        out.encoding = Encoding::Utf16LE;
    } else if (raw.size() >= 2 && begin[0] == 0xFE && begin[1] == 0xFF) {
        out.encoding = Encoding::Utf16BE;
    }
    if (out.encoding == Encoding::Utf16LE || out.encoding == Encoding::Utf16BE) {
        QStringDecoder decoder(out.encoding == Encoding::Utf16LE ? QStringConverter::Utf16LE
                                                                 : QStringConverter::Utf16BE,
                               QStringConverter::Flag::Stateless);
        const QString s = decoder.decode(raw.sliced(2));
        out.utf8 = s.toUtf8();
        out.replacedBytes = std::count(s.begin(), s.end(), QChar(QChar::ReplacementCharacter));
        return out;
    }

    const qsizetype probe = std::min<qsizetype>(raw.size(), 8000);
    if (std::memchr(begin, 0, size_t(probe)) != nullptr) {
        out.binary = true;
        return out;
    }

    if (raw.size() >= 3 && begin[0] == 0xEF && begin[1] == 0xBB && begin[2] == 0xBF) {
        out.encoding = Encoding::Utf8Bom;
        begin += 3;
    }
    const Utf8Scan scan = scanUtf8(begin, end);
    if (scan.invalid == 0) {
        out.utf8 = QByteArray(reinterpret_cast<const char *>(begin), end - begin);
        return out;
    }
    // Mostly UTF-8 (valid multi-byte sequences outnumber the bad bytes): keep it UTF-8.
    if (out.encoding == Encoding::Utf8Bom || scan.multibyte > scan.invalid) {
        out.utf8 = replaceInvalid(begin, end);
        out.replacedBytes = scan.invalid;
        return out;
    }
    out.encoding = Encoding::Legacy8Bit;
    QStringDecoder legacy("windows-1252");
    QString s = legacy.isValid() ? legacy.decode(raw) : QString::fromLatin1(raw);
    out.utf8 = s.toUtf8();
    return out;
}

} // namespace reposcope::text
