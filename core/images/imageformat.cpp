// SPDX-License-Identifier: MIT
#include "images/imageformat.h"

#include <QtEndian>

#include <array>

namespace reposcope::images {

namespace {

// `magic` may hold NUL bytes: its length is the array's, less the terminator.
template <qsizetype N>
bool startsWith(const QByteArray &bytes, const char (&magic)[N], qsizetype at = 0) {
    constexpr qsizetype n = N - 1;
    return bytes.size() >= at + n && bytes.mid(at, n) == QByteArray::fromRawData(magic, n);
}

quint32 bigEndian32(const QByteArray &bytes, qsizetype at) {
    return qFromBigEndian<quint32>(reinterpret_cast<const uchar *>(bytes.constData() + at));
}

// An SVG is XML text whose root element is <svg>: look at the first 4 KB only.
bool looksLikeSvg(const QByteArray &bytes) {
    const QByteArray head = bytes.left(4096);
    qsizetype i = head.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    while (i < head.size() && QChar::isSpace(uchar(head.at(i))))
        ++i;
    if (i >= head.size() || head.at(i) != '<')
        return false;
    return head.indexOf("<svg") >= 0;
}

// PNG chunks that carry metadata rather than pixels or how to render them.
bool isPngMetadataChunk(const QByteArray &type) {
    return type == "tEXt" || type == "zTXt" || type == "iTXt" || type == "eXIf" || type == "iCCP" ||
           type == "tIME";
}

bool pngHasMetadata(const QByteArray &bytes) {
    for (qsizetype at = 8; at + 8 <= bytes.size();) {
        const qint64 length = bigEndian32(bytes, at);
        const QByteArray type = bytes.mid(at + 4, 4);
        if (isPngMetadataChunk(type))
            return true;
        if (type == "IEND")
            break;
        at += 12 + length;
    }
    return false;
}

// JPEG markers before the first scan: APP0 (JFIF) and APP14 (Adobe colour transform)
// are needed to decode; the other APPn segments and COM are metadata.
bool jpegHasMetadata(const QByteArray &bytes) {
    for (qsizetype at = 2; at + 4 <= bytes.size();) {
        if (uchar(bytes.at(at)) != 0xFF)
            return false;
        const uchar marker = uchar(bytes.at(at + 1));
        if (marker == 0xFF) { // fill byte
            ++at;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) // start of scan / end of image
            return false;
        if ((marker >= 0xE1 && marker <= 0xED) || marker == 0xEF || marker == 0xFE)
            return true;
        at += 2 +
              qFromBigEndian<quint16>(reinterpret_cast<const uchar *>(bytes.constData()) + at + 2);
    }
    return false;
}

bool webpHasMetadata(const QByteArray &bytes) {
    for (qsizetype at = 12; at + 8 <= bytes.size();) {
        const QByteArray type = bytes.mid(at, 4);
        if (type == "EXIF" || type == "XMP " || type == "ICCP")
            return true;
        const qint64 length =
            qFromLittleEndian<quint32>(reinterpret_cast<const uchar *>(bytes.constData()) + at + 4);
        at += 8 + length + (length & 1);
    }
    return false;
}

QString pngTruncation(const QByteArray &bytes) {
    for (qsizetype at = 8; at + 8 <= bytes.size();) {
        const qint64 length = bigEndian32(bytes, at);
        if (bytes.mid(at + 4, 4) == "IEND")
            return {};
        at += 12 + length;
    }
    return QStringLiteral("the file ends before the IEND chunk");
}

// The first scan's position, walking the marker segments; -1 when there is none.
qsizetype jpegFirstScan(const QByteArray &bytes) {
    for (qsizetype at = 2; at + 4 <= bytes.size();) {
        if (uchar(bytes.at(at)) != 0xFF)
            return -1;
        const uchar marker = uchar(bytes.at(at + 1));
        if (marker == 0xFF) {
            ++at;
            continue;
        }
        if (marker == 0xDA)
            return at;
        at += 2 +
              qFromBigEndian<quint16>(reinterpret_cast<const uchar *>(bytes.constData()) + at + 2);
    }
    return -1;
}

QString jpegTruncation(const QByteArray &bytes) {
    const qsizetype scan = jpegFirstScan(bytes);
    if (scan < 0)
        return QStringLiteral("the file ends before the image data");
    // Entropy-coded data stuffs 0xFF as FF 00, so FF D9 after the first scan is the
    // end-of-image marker (an EXIF thumbnail's own EOI lies before the scan).
    if (bytes.indexOf(QByteArray("\xFF\xD9", 2), scan) < 0)
        return QStringLiteral("the file ends before the end-of-image marker");
    return {};
}

quint16 littleEndian16(const uchar *p) {
    return qFromLittleEndian<quint16>(p);
}

// Moves `at` past a chain of GIF data sub-blocks (length byte, bytes; a zero length ends it).
bool skipSubBlocks(const uchar *data, qsizetype size, qsizetype &at) {
    while (at < size) {
        const uchar length = data[at++];
        if (length == 0)
            return true;
        at += length;
    }
    return false;
}

// How many pixels a GIF frame's LZW data yields, stopping at `enough`, at the end code, at a
// code that cannot occur or at the end of the data. Only string lengths are kept (the
// dictionary's strings never are), so the cost is one pass over the bytes and 16 KB.
quint64 lzwPixels(const uchar *data, qsizetype size, qsizetype at, int minCodeSize,
                  quint64 enough) {
    const int clear = 1 << minCodeSize;
    const int end = clear + 1;
    std::array<quint32, 4096> length{};
    for (int i = 0; i < clear; ++i)
        length[size_t(i)] = 1;
    int codeSize = minCodeSize + 1;
    int next = clear + 2;
    int previous = -1;
    quint64 pixels = 0;
    quint32 bits = 0;
    int bitCount = 0;
    while (at < size) {
        const int block = data[at++];
        if (block == 0)
            break;
        for (int i = 0; i < block && at < size; ++i, ++at) {
            bits |= quint32(data[at]) << bitCount;
            bitCount += 8;
            while (bitCount >= codeSize) {
                const int code = int(bits & ((1u << codeSize) - 1));
                bits >>= codeSize;
                bitCount -= codeSize;
                if (code == clear) {
                    codeSize = minCodeSize + 1;
                    next = clear + 2;
                    previous = -1;
                    continue;
                }
                if (code == end)
                    return pixels;
                quint32 produced = 0;
                if (code < next && (code < clear || code > end))
                    produced = length[size_t(code)];
                else if (code == next && previous >= 0)
                    produced = length[size_t(previous)] + 1; // the string just being defined
                else
                    return pixels; // a code that cannot occur: the data is damaged
                pixels += produced;
                if (pixels >= enough)
                    return pixels;
                if (previous >= 0 && next < 4096) {
                    length[size_t(next++)] = length[size_t(previous)] + 1;
                    if (next == (1 << codeSize) && codeSize < 12)
                        ++codeSize;
                }
                previous = code;
            }
        }
    }
    return pixels;
}

// The first frame must be there and its data must cover every pixel of it: Qt leaves the
// rest blank, so a 35-byte file claiming 15000×15000 would decode to an empty picture.
QString gifTruncation(const QByteArray &bytes) {
    const auto *data = reinterpret_cast<const uchar *>(bytes.constData());
    const qsizetype size = bytes.size();
    if (size < 13)
        return QStringLiteral("the file ends inside the header");
    qsizetype at = 13;
    if (data[10] & 0x80)
        at += 3 * (2 << (data[10] & 7)); // global colour table
    for (;;) {
        if (at >= size)
            return QStringLiteral("the file ends before the first frame");
        if (data[at] == 0x21) { // extension: label, then sub-blocks
            at += 2;
            if (!skipSubBlocks(data, size, at))
                return QStringLiteral("the file ends inside an extension block");
            continue;
        }
        if (data[at] == 0x3B)
            return QStringLiteral("the file holds no frame");
        if (data[at] != 0x2C)
            return {}; // something Qt may make sense of; its decoder decides
        break;
    }
    if (at + 10 > size)
        return QStringLiteral("the file ends inside the first frame's header");
    const quint64 pixels = quint64(littleEndian16(data + at + 5)) * littleEndian16(data + at + 7);
    const uchar flags = data[at + 9];
    at += 10;
    if (flags & 0x80)
        at += 3 * (2 << (flags & 7)); // local colour table
    if (at >= size)
        return QStringLiteral("the file ends before the first frame's image data");
    const int minCodeSize = data[at++];
    if (minCodeSize < 1 || minCodeSize > 11)
        return {}; // not valid LZW; Qt's decoder reports it
    const quint64 decoded = lzwPixels(data, size, at, minCodeSize, pixels);
    if (decoded < pixels)
        return QStringLiteral("the first frame's image data ends after %1 of its %2 pixels, so "
                              "it would decode to a blank picture")
            .arg(decoded)
            .arg(pixels);
    return {};
}

// An uncompressed BMP's rows must fit between the pixel-data offset and the end of the file.
QString bmpTruncation(const QByteArray &bytes) {
    const auto *data = reinterpret_cast<const uchar *>(bytes.constData());
    if (bytes.size() < 26)
        return QStringLiteral("the file ends inside the header");
    const quint32 offset = qFromLittleEndian<quint32>(data + 10);
    const quint32 headerSize = qFromLittleEndian<quint32>(data + 14);
    qint64 width = 0, height = 0, bitsPerPixel = 0;
    if (headerSize == 12) { // OS/2 BITMAPCOREHEADER: never compressed
        width = littleEndian16(data + 18);
        height = littleEndian16(data + 20);
        bitsPerPixel = littleEndian16(data + 24);
    } else if (headerSize >= 40 && bytes.size() >= 34) {
        const quint32 compression = qFromLittleEndian<quint32>(data + 30);
        if (compression != 0 && compression != 3 && compression != 6)
            return {}; // RLE or embedded JPEG/PNG: Qt's decoder checks those
        width = qFromLittleEndian<qint32>(data + 18);
        height = qAbs(qint64(qFromLittleEndian<qint32>(data + 22))); // negative: top-down
        bitsPerPixel = littleEndian16(data + 28);
    } else {
        return {};
    }
    if (width <= 0 || height <= 0 || bitsPerPixel <= 0 || bitsPerPixel > 32)
        return {}; // Qt's decoder names what is wrong
    const qint64 stride = (width * bitsPerPixel + 31) / 32 * 4;
    // Compared by division: stride × height can overflow 64 bits for a hostile header.
    const qint64 room = qint64(bytes.size()) - qint64(offset);
    if (room < 0 || stride > room / height)
        return QStringLiteral("the file ends before its pixel rows (%1 of %2 bytes)")
            .arg(bytes.size())
            .arg(QString::number(double(offset) + double(stride) * double(height), 'f', 0));
    return {};
}

} // namespace

JpegFrame jpegFrame(const QByteArray &bytes) {
    JpegFrame frame;
    for (qsizetype at = 2; at + 4 <= bytes.size();) {
        if (uchar(bytes.at(at)) != 0xFF)
            return frame;
        const uchar marker = uchar(bytes.at(at + 1));
        if (marker == 0xFF) {
            ++at;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9)
            return frame;
        const bool sof =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            frame.found = true;
            frame.progressive =
                marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
            frame.components = at + 9 < bytes.size() ? uchar(bytes.at(at + 9)) : 0;
            return frame;
        }
        at += 2 +
              qFromBigEndian<quint16>(reinterpret_cast<const uchar *>(bytes.constData()) + at + 2);
    }
    return frame;
}

QByteArray sniffFormat(const QByteArray &bytes) {
    if (startsWith(bytes, "\x89PNG\r\n\x1A\n"))
        return QByteArrayLiteral("png");
    if (startsWith(bytes, "\xFF\xD8\xFF"))
        return QByteArrayLiteral("jpeg");
    if (startsWith(bytes, "RIFF") && startsWith(bytes, "WEBP", 8))
        return QByteArrayLiteral("webp");
    if (startsWith(bytes, "GIF87a") || startsWith(bytes, "GIF89a"))
        return QByteArrayLiteral("gif");
    if (startsWith(bytes, "BM") && bytes.size() >= 26)
        return QByteArrayLiteral("bmp");
    if (looksLikeSvg(bytes))
        return QByteArrayLiteral("svg");
    return {};
}

QString describeUnsupported(const QByteArray &bytes) {
    if (startsWith(bytes, "II*") || startsWith(bytes, "MM\0*"))
        return QStringLiteral("TIFF");
    if (startsWith(bytes, "ftyp", 4))
        return QStringLiteral("HEIC/AVIF");
    if (startsWith(bytes, "%PDF"))
        return QStringLiteral("PDF");
    if (startsWith(bytes, "\x1F\x8B"))
        return QStringLiteral("gzip data (a compressed SVG? unpack it first)");
    const QByteArray head = bytes.left(512);
    const bool text = !head.isEmpty() && !head.contains('\0');
    return text ? QStringLiteral("text") : QStringLiteral("unknown binary data");
}

QByteArray mimeTypeFor(const QByteArray &format) {
    if (format == "png" || format == "jpeg" || format == "webp")
        return "image/" + format;
    return {};
}

QString displayName(const QByteArray &format) {
    if (format == "webp")
        return QStringLiteral("WebP");
    return QString::fromLatin1(format.toUpper());
}

bool hasMetadata(const QByteArray &bytes, const QByteArray &format) {
    if (format == "png")
        return pngHasMetadata(bytes);
    if (format == "jpeg")
        return jpegHasMetadata(bytes);
    if (format == "webp")
        return webpHasMetadata(bytes);
    return false;
}

QString truncationProblem(const QByteArray &bytes, const QByteArray &format) {
    if (format == "png")
        return pngTruncation(bytes);
    if (format == "jpeg")
        return jpegTruncation(bytes);
    if (format == "gif")
        return gifTruncation(bytes);
    if (format == "bmp")
        return bmpTruncation(bytes);
    return {};
}

} // namespace reposcope::images
