// SPDX-License-Identifier: MIT
#include "images/imageformat.h"

#include <QtEndian>

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

} // namespace

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
    return {};
}

} // namespace reposcope::images
