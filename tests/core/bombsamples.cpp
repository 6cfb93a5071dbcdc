// SPDX-License-Identifier: MIT
#include "bombsamples.h"

#include "imagesamples.h"

#include <QtEndian>

namespace reposcope::test {

namespace {

QByteArray littleEndian16(int value) {
    QByteArray out(2, '\0');
    qToLittleEndian(quint16(value), out.data());
    return out;
}

QByteArray bigEndian32(quint32 value) {
    QByteArray out(4, '\0');
    qToBigEndian(value, out.data());
    return out;
}

// Deflate's bits: header fields least significant bit first, Huffman codes most significant
// bit first (RFC 1951, 3.1.1).
class BitWriter {
public:
    void bits(quint32 value, int count) {
        for (int i = 0; i < count; ++i)
            bit((value >> i) & 1u);
    }
    void code(quint32 value, int length) {
        for (int i = length - 1; i >= 0; --i)
            bit((value >> i) & 1u);
    }
    QByteArray finish() {
        if (m_count > 0)
            m_out += char(m_byte);
        m_byte = 0;
        m_count = 0;
        return m_out;
    }

private:
    void bit(quint32 b) {
        m_byte |= quint8(b << m_count);
        if (++m_count == 8) {
            m_out += char(m_byte);
            m_byte = 0;
            m_count = 0;
        }
    }
    QByteArray m_out;
    quint8 m_byte = 0;
    int m_count = 0;
};

// A zlib stream of `n` zero bytes: one literal 0, then copies of 258 bytes at distance 1.
QByteArray zlibZeros(qint64 n) {
    BitWriter w;
    w.bits(1, 1);                          // BFINAL
    w.bits(1, 2);                          // BTYPE 01: fixed Huffman codes
    constexpr quint32 kLiteralZero = 0x30; // literal 0: 8 bits 00110000
    constexpr quint32 kLength258 = 0xC5;   // symbol 285: 8 bits 11000101, no extra bits
    w.code(kLiteralZero, 8);
    qint64 left = n - 1;
    for (; left >= 258; left -= 258) {
        w.code(kLength258, 8);
        w.code(0, 5); // distance code 0: distance 1
    }
    for (; left > 0; --left)
        w.code(kLiteralZero, 8);
    w.code(0, 7);                                          // end of block (256)
    const quint32 adler = (quint32(n % 65521) << 16) | 1u; // a = 1, b = n: all bytes zero
    return QByteArrayLiteral("\x78\x01") + w.finish() + bigEndian32(adler);
}

qsizetype indexOfMarker(const QByteArray &jpeg, char second) {
    const char marker[2] = {'\xFF', second};
    return jpeg.indexOf(QByteArrayView(marker, 2));
}

} // namespace

QByteArray emptyGif(QSize size) {
    QByteArray gif = QByteArrayLiteral("GIF89a");
    gif += littleEndian16(size.width()) + littleEndian16(size.height());
    gif += QByteArrayLiteral("\x80\x00\x00");             // a global table of 2 colours
    gif += QByteArrayLiteral("\x00\x00\x00\xFF\xFF\xFF"); // black, white
    gif += QByteArrayLiteral("\x2C\x00\x00\x00\x00") + littleEndian16(size.width()) +
           littleEndian16(size.height()) + QByteArrayLiteral("\x00");
    // LZW minimum code size 2 (3-bit codes); one sub-block: clear (4) then end (5).
    gif += QByteArrayLiteral("\x02\x01\x2C\x00");
    return gif + QByteArrayLiteral("\x3B");
}

QByteArray zeroPng(QSize size, bool alpha) {
    const int channels = alpha ? 4 : 3;
    QByteArray ihdr = bigEndian32(quint32(size.width())) + bigEndian32(quint32(size.height()));
    ihdr += QByteArray(1, '\x08') + QByteArray(1, alpha ? '\x06' : '\x02') +
            QByteArray(3, '\0'); // depth 8, deflate, adaptive filter, not interlaced
    const qint64 raw = (1 + qint64(size.width()) * channels) * size.height();
    return QByteArrayLiteral("\x89PNG\r\n\x1A\n") + pngChunk("IHDR", ihdr) +
           pngChunk("IDAT", zlibZeros(raw)) + pngChunk("IEND", {});
}

QByteArray withDeclaredSize(const QByteArray &encoded, QSize size) {
    QByteArray out = encoded;
    if (out.startsWith("\xFF\xD8")) { // JPEG: SOF0 or SOF2, height then width, big-endian
        qsizetype sof = indexOfMarker(out, '\xC0');
        if (sof < 0)
            sof = indexOfMarker(out, '\xC2');
        if (sof < 0)
            return {};
        qToBigEndian(quint16(size.height()), out.data() + sof + 5);
        qToBigEndian(quint16(size.width()), out.data() + sof + 7);
        return out;
    }
    if (out.startsWith("RIFF") && out.mid(12, 4) == "VP8 ") {
        // Lossy WebP: the key frame's 14-bit width and height after the start code.
        qToLittleEndian(quint16(size.width() & 0x3FFF), out.data() + 26);
        qToLittleEndian(quint16(size.height() & 0x3FFF), out.data() + 28);
        return out;
    }
    if (out.startsWith("BM")) { // BITMAPINFOHEADER: width and height, little-endian int32
        qToLittleEndian(qint32(size.width()), out.data() + 18);
        qToLittleEndian(qint32(size.height()), out.data() + 22);
        return out;
    }
    return {};
}

} // namespace reposcope::test
