// SPDX-License-Identifier: MIT
#include "text/visibletext.h"

#include "text/utf8append.h"

#include <limits>

namespace reposcope::text {

namespace {

constexpr qsizetype kUnlimited = std::numeric_limits<qsizetype>::max();

// Code points above ASCII that are written as \u escapes (see the header).
bool isHidden(char32_t cp) {
    if (cp >= 0x80 && cp <= 0x9F)
        return true; // C1 controls (U+0085 NEL breaks lines, U+009B is CSI)
    switch (cp) {
    case 0x00AD: // soft hyphen
    case 0x061C: // Arabic letter mark
    case 0x200B: // zero width space
    case 0x200E: // left-to-right mark
    case 0x200F: // right-to-left mark
    case 0x2028: // line separator
    case 0x2029: // paragraph separator
    case 0xFEFF: // zero width no-break space (BOM)
    case 0xFFFE: // non-characters, not allowed in XML 1.0
    case 0xFFFF:
        return true;
    default:
        break;
    }
    return (cp >= 0x202A && cp <= 0x202E) ||   // bidi embeddings and overrides
           (cp >= 0x2060 && cp <= 0x2064) ||   // word joiner, invisible operators
           (cp >= 0x2066 && cp <= 0x2069) ||   // bidi isolates
           (cp >= 0xFFF9 && cp <= 0xFFFB) ||   // interlinear annotation
           (cp >= 0xE0000 && cp <= 0xE007F) || // tag characters ("ASCII smuggling")
           (cp >= 0xD800 && cp <= 0xDFFF);     // lone surrogates (QString input only)
}

bool escapedAscii(unsigned char c) {
    return c < 0x20 || c == 0x7F || c == '\\';
}

const char kHex[] = "0123456789abcdef";

void appendHex(QString &out, char32_t value, int digits) {
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        out += QLatin1Char(kHex[(value >> shift) & 0xF]);
}

void appendAscii(QString &out, unsigned char c) {
    switch (c) {
    case '\\':
        out += QLatin1String("\\\\");
        return;
    case '\n':
        out += QLatin1String("\\n");
        return;
    case '\r':
        out += QLatin1String("\\r");
        return;
    case '\t':
        out += QLatin1String("\\t");
        return;
    default:
        break;
    }
    if (escapedAscii(c)) {
        out += QLatin1String("\\x");
        appendHex(out, c, 2);
    } else {
        out += QLatin1Char(char(c));
    }
}

void appendCodePoint(QString &out, char32_t cp) {
    if (cp < 0x80) {
        appendAscii(out, static_cast<unsigned char>(cp));
    } else if (isHidden(cp)) {
        if (cp > 0xFFFF) {
            out += QLatin1String("\\U");
            appendHex(out, cp, 8);
        } else {
            out += QLatin1String("\\u");
            appendHex(out, cp, 4);
        }
    } else {
        const char32_t one[1] = {cp};
        out += QString::fromUcs4(one, 1);
    }
}

// Decodes the valid UTF-8 sequence at p into cp; returns its length (1..4), 0 if invalid
// (overlong forms, surrogates and values past U+10FFFF are invalid).
int decodeUtf8(const unsigned char *p, const unsigned char *end, char32_t &cp) {
    const unsigned char c = p[0];
    auto cont = [&](int i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF && cont(1)) {
        cp = char32_t(c & 0x1F) << 6 | (p[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
            return 0;
        cp = char32_t(c & 0x0F) << 12 | char32_t(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
            return 0;
        cp = char32_t(c & 0x07) << 18 | char32_t(p[1] & 0x3F) << 12 | char32_t(p[2] & 0x3F) << 6 |
             (p[3] & 0x3F);
        return 4;
    }
    return 0;
}

// Escapes raw bytes until the output holds at least maxChars characters; `consumed` gets
// the number of input bytes written out.
QString escapeBytes(QByteArrayView raw, qsizetype maxChars, qsizetype &consumed) {
    QString out;
    out.reserve(std::min(raw.size(), maxChars) + 8);
    const auto *begin = reinterpret_cast<const unsigned char *>(raw.data());
    const auto *p = begin;
    const auto *end = p + raw.size();
    while (p < end && out.size() < maxChars) {
        char32_t cp = 0;
        const int n = decodeUtf8(p, end, cp);
        if (n == 0) {
            out += QLatin1String("\\x");
            appendHex(out, *p, 2);
            ++p;
        } else {
            appendCodePoint(out, cp);
            p += n;
        }
    }
    consumed = p - begin;
    return out;
}

QString escapeString(QStringView text, qsizetype maxChars, qsizetype &consumed) {
    QString out;
    out.reserve(std::min(text.size(), maxChars) + 8);
    qsizetype i = 0;
    while (i < text.size() && out.size() < maxChars) {
        const QChar c = text[i];
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            appendCodePoint(out, QChar::surrogateToUcs4(c, text[i + 1]));
            i += 2;
        } else {
            appendCodePoint(out, c.unicode());
            ++i;
        }
    }
    consumed = i;
    return out;
}

QString withCut(QString quoted, qsizetype totalBytes) {
    quoted += QStringLiteral("\u2026 (%1 bytes)").arg(totalBytes);
    return quoted;
}

int hexValue(QChar c) {
    const char16_t u = c.unicode();
    if (u >= '0' && u <= '9')
        return u - '0';
    if (u >= 'a' && u <= 'f')
        return u - 'a' + 10;
    if (u >= 'A' && u <= 'F')
        return u - 'A' + 10;
    return -1;
}

// `digits` hex digits at visible[at...], or -1.
qint64 readHex(QStringView visible, qsizetype at, int digits) {
    if (at + digits > visible.size())
        return -1;
    qint64 value = 0;
    for (int i = 0; i < digits; ++i) {
        const int d = hexValue(visible[at + i]);
        if (d < 0)
            return -1;
        value = value * 16 + d;
    }
    return value;
}

} // namespace

bool needsEscape(QByteArrayView raw) {
    const auto *p = reinterpret_cast<const unsigned char *>(raw.data());
    const auto *end = p + raw.size();
    while (p < end) {
        if (*p < 0x80) {
            if (escapedAscii(*p))
                return true;
            ++p;
            continue;
        }
        char32_t cp = 0;
        const int n = decodeUtf8(p, end, cp);
        if (n == 0 || isHidden(cp))
            return true;
        p += n;
    }
    return false;
}

QString visibleName(QByteArrayView raw) {
    if (!needsEscape(raw))
        return QString::fromUtf8(raw);
    qsizetype consumed = 0;
    return escapeBytes(raw, kUnlimited, consumed);
}

QString visibleName(QStringView name) {
    qsizetype consumed = 0;
    return escapeString(name, kUnlimited, consumed);
}

QByteArray visibleNameUtf8(const QByteArray &raw) {
    if (!needsEscape(raw))
        return raw;
    qsizetype consumed = 0;
    return escapeBytes(raw, kUnlimited, consumed).toUtf8();
}

std::optional<QByteArray> rawName(QStringView visible) {
    QByteArray out;
    out.reserve(visible.size());
    qsizetype i = 0;
    while (i < visible.size()) {
        const QChar c = visible[i];
        if (c != QLatin1Char('\\')) {
            if (c.isHighSurrogate() && i + 1 < visible.size() && visible[i + 1].isLowSurrogate()) {
                appendUtf8(out, QChar::surrogateToUcs4(c, visible[i + 1]));
                i += 2;
            } else {
                appendUtf8(out, c.unicode());
                ++i;
            }
            continue;
        }
        if (i + 1 >= visible.size())
            return std::nullopt;
        const char16_t kind = visible[i + 1].unicode();
        i += 2;
        switch (kind) {
        case '\\':
            out += '\\';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'x': {
            const qint64 byte = readHex(visible, i, 2);
            if (byte < 0)
                return std::nullopt;
            out += char(byte);
            i += 2;
            break;
        }
        case 'u':
        case 'U': {
            const int digits = kind == 'u' ? 4 : 8;
            const qint64 cp = readHex(visible, i, digits);
            if (cp < 0 || cp > 0x10FFFF)
                return std::nullopt;
            appendUtf8(out, char32_t(cp));
            i += digits;
            break;
        }
        default:
            return std::nullopt;
        }
    }
    return out;
}

QString visibleQuote(QByteArrayView bytes, qsizetype maxChars) {
    qsizetype consumed = 0;
    QString out = escapeBytes(bytes, std::max<qsizetype>(maxChars, 1), consumed);
    return consumed < bytes.size() ? withCut(std::move(out), bytes.size()) : out;
}

QString visibleQuote(QStringView text, qsizetype maxChars) {
    qsizetype consumed = 0;
    QString out = escapeString(text, std::max<qsizetype>(maxChars, 1), consumed);
    if (consumed >= text.size())
        return out;
    return withCut(std::move(out), text.toUtf8().size());
}

} // namespace reposcope::text
