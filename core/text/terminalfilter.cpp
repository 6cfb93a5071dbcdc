// SPDX-License-Identifier: MIT
#include "terminalfilter.h"

#include "text/utf8append.h"

namespace reposcope::text {

namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kControlPictures = 0x2400; // U+2400 "␀" .. U+241F "␟"
constexpr char32_t kDeletePicture = 0x2421;   // "␡"
constexpr char32_t kCarriageReturnPicture = 0x240D;

// Shown as "<U+XXXX>": no Control Picture exists for C1, and the bidi controls are invisible.
bool shownByNumber(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

void appendNumber(char32_t cp, QByteArray &out) {
    out += "<U+";
    out += QByteArray::number(uint(cp), 16).toUpper().rightJustified(4, '0');
    out += '>';
}

} // namespace

QByteArray TerminalFilter::feed(QByteArrayView chunk) {
    QByteArray out;
    out.reserve(chunk.size() + 8);
    for (const char c : chunk) {
        const auto byte = static_cast<unsigned char>(c);
        if (m_need > 0) {
            if (byte >= m_low && byte <= m_high) {
                m_cp = (m_cp << 6) | (byte & 0x3F);
                m_low = 0x80;
                m_high = 0xBF;
                if (--m_need == 0)
                    codePoint(m_cp, out);
                continue;
            }
            // The character ended early: one U+FFFD for what came of it, and this byte
            // starts afresh (Unicode's "maximal subpart" practice).
            invalid(out);
        }
        startSequence(byte, out);
    }
    return out;
}

QByteArray TerminalFilter::finish() {
    QByteArray out;
    if (m_need > 0)
        invalid(out);
    if (m_pendingCr) {
        appendUtf8(out, kCarriageReturnPicture);
        m_pendingCr = false;
    }
    return out;
}

QByteArray TerminalFilter::filtered(QByteArrayView text) {
    TerminalFilter filter;
    QByteArray out = filter.feed(text);
    out += filter.finish();
    return out;
}

void TerminalFilter::startSequence(unsigned char byte, QByteArray &out) {
    // The well-formed sequences of the Unicode standard's table 3-7: no overlong forms,
    // no surrogates, nothing above U+10FFFF.
    m_low = 0x80;
    m_high = 0xBF;
    if (byte < 0x80) {
        codePoint(byte, out);
    } else if (byte >= 0xC2 && byte <= 0xDF) {
        m_need = 1;
        m_cp = byte & 0x1F;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
        m_need = 2;
        m_cp = byte & 0x0F;
        if (byte == 0xE0)
            m_low = 0xA0;
        else if (byte == 0xED)
            m_high = 0x9F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
        m_need = 3;
        m_cp = byte & 0x07;
        if (byte == 0xF0)
            m_low = 0x90;
        else if (byte == 0xF4)
            m_high = 0x8F;
    } else {
        // A stray continuation byte (a raw 8-bit C1 control such as 0x9B among them),
        // C0/C1 (overlong) or F5..FF.
        codePoint(kReplacement, out);
    }
}

void TerminalFilter::invalid(QByteArray &out) {
    m_need = 0;
    codePoint(kReplacement, out);
}

void TerminalFilter::codePoint(char32_t cp, QByteArray &out) {
    if (cp == '\n') {
        if (m_pendingCr)
            out += '\r';
        m_pendingCr = false;
        out += '\n';
        return;
    }
    if (m_pendingCr) {
        appendUtf8(out, kCarriageReturnPicture);
        m_pendingCr = false;
    }
    if (cp == '\r')
        m_pendingCr = true; // CRLF stays; a bare CR is known only at the next character
    else if (cp == '\t')
        out += '\t';
    else if (cp < 0x20)
        appendUtf8(out, kControlPictures + cp);
    else if (cp == 0x7F)
        appendUtf8(out, kDeletePicture);
    else if (shownByNumber(cp))
        appendNumber(cp, out);
    else
        appendUtf8(out, cp);
}

} // namespace reposcope::text
