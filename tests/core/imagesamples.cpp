// SPDX-License-Identifier: MIT
#include "imagesamples.h"

#include <QPainter>
#include <QRandomGenerator>
#include <QtEndian>

namespace reposcope::test {

namespace {

quint32 crc32(const QByteArray &bytes) {
    quint32 crc = 0xFFFFFFFFu;
    for (const char c : bytes) {
        crc ^= uchar(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray bigEndian32(quint32 value) {
    QByteArray out(4, '\0');
    qToBigEndian(value, out.data());
    return out;
}

QByteArray littleEndian16(int value) {
    return QByteArray(1, char(value & 0xFF)) + QByteArray(1, char((value >> 8) & 0xFF));
}

// LZW codes of 3 bits (a 4-colour table): a clear code before every two pixels keeps
// the dictionary, and so the code size, from growing.
QByteArray gifImageData(int pixels, int index) {
    constexpr int kClear = 4;
    constexpr int kEnd = 5;
    QList<int> codes;
    for (int i = 0; i < pixels; ++i) {
        if (i % 2 == 0)
            codes << kClear;
        codes << index;
    }
    codes << kEnd;
    QByteArray packed;
    quint32 bits = 0;
    int count = 0;
    for (const int code : codes) {
        bits |= quint32(code) << count;
        count += 3;
        while (count >= 8) {
            packed += char(bits & 0xFF);
            bits >>= 8;
            count -= 8;
        }
    }
    if (count > 0)
        packed += char(bits & 0xFF);
    QByteArray blocks(1, char(2)); // LZW minimum code size
    for (qsizetype at = 0; at < packed.size(); at += 255) {
        const QByteArray block = packed.mid(at, 255);
        blocks += char(block.size()) + block;
    }
    return blocks + QByteArray(1, '\0');
}

} // namespace

QByteArray pngChunk(const QByteArray &type, const QByteArray &data) {
    return bigEndian32(quint32(data.size())) + type + data + bigEndian32(crc32(type + data));
}

QImage photoLike(QSize size, quint32 seed) {
    QImage image(size, QImage::Format_RGB32);
    QRandomGenerator random(seed);
    for (int y = 0; y < size.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < size.width(); ++x) {
            const int noise = int(random.bounded(24u)) - 12;
            const int r = qBound(0, x * 255 / size.width() + noise, 255);
            const int g = qBound(0, y * 255 / size.height() + noise, 255);
            const int b = qBound(0, (x + y) * 255 / (size.width() + size.height()) - noise, 255);
            line[x] = qRgb(r, g, b);
        }
    }
    return image;
}

QImage diagram(QSize size) {
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setPen(QPen(Qt::black, 3));
    const int w = size.width();
    const int h = size.height();
    painter.setBrush(QColor(200, 220, 255));
    painter.drawRect(w / 10, h / 10, w / 4, h / 5);
    painter.setBrush(QColor(255, 230, 180));
    painter.drawRect(w * 6 / 10, h * 6 / 10, w / 4, h / 5);
    painter.drawLine(w / 10 + w / 4, h / 5, w * 6 / 10, h * 7 / 10);
    painter.end();
    return image;
}

QImage quadrants(QSize size) {
    QImage image(size, QImage::Format_RGB32);
    QPainter painter(&image);
    const int w = size.width() / 2;
    const int h = size.height() / 2;
    painter.fillRect(0, 0, w, h, Qt::red);
    painter.fillRect(w, 0, size.width() - w, h, Qt::green);
    painter.fillRect(0, h, w, size.height() - h, Qt::blue);
    painter.fillRect(w, h, size.width() - w, size.height() - h, Qt::yellow);
    painter.end();
    return image;
}

QByteArray withExifOrientation(const QByteArray &jpeg, int orientation) {
    // Big-endian TIFF header, one IFD with one SHORT entry (tag 0x0112), no next IFD.
    QByteArray tiff = QByteArrayLiteral("MM\x00\x2A\x00\x00\x00\x08");
    tiff += QByteArrayLiteral("\x00\x01");                         // one entry
    tiff += QByteArrayLiteral("\x01\x12\x00\x03\x00\x00\x00\x01"); // Orientation, SHORT, 1
    tiff += char(0) + QByteArray(1, char(orientation)) + QByteArrayLiteral("\x00\x00");
    tiff += QByteArrayLiteral("\x00\x00\x00\x00"); // no next IFD
    const QByteArray payload = QByteArrayLiteral("Exif\x00\x00") + tiff;
    const int length = int(payload.size()) + 2;
    const QByteArray segment = QByteArrayLiteral("\xFF\xE1") + QByteArray(1, char(length >> 8)) +
                               QByteArray(1, char(length & 0xFF)) + payload;
    return jpeg.left(2) + segment + jpeg.mid(2); // right after SOI
}

QByteArray withPngText(const QByteArray &png, const QByteArray &key, const QByteArray &value) {
    constexpr qsizetype kAfterIhdr = 8 + 12 + 13; // signature, IHDR chunk
    return png.left(kAfterIhdr) + pngChunk("tEXt", key + '\0' + value) + png.mid(kAfterIhdr);
}

QByteArray pngHeaderClaiming(QSize size) {
    QByteArray ihdr = bigEndian32(quint32(size.width())) + bigEndian32(quint32(size.height()));
    ihdr += QByteArrayLiteral("\x08\x02\x00\x00\x00"); // 8-bit RGB
    return QByteArrayLiteral("\x89PNG\r\n\x1A\n") + pngChunk("IHDR", ihdr) +
           pngChunk("IDAT", QByteArrayLiteral("\x78\x9C\x03\x00\x00\x00\x00\x01")) +
           pngChunk("IEND", {});
}

QByteArray twoFrameGif(QSize size, QColor first, QColor second) {
    QByteArray gif = QByteArrayLiteral("GIF89a");
    gif += littleEndian16(size.width()) + littleEndian16(size.height());
    gif += QByteArrayLiteral("\xF1\x00\x00"); // global table of 4 colours
    for (const QColor &c : {first, second, QColor(Qt::black), QColor(Qt::white)})
        gif += char(c.red()) + QByteArray(1, char(c.green())) + QByteArray(1, char(c.blue()));
    for (int frame = 0; frame < 2; ++frame) {
        gif += QByteArrayLiteral("\x21\xF9\x04\x00\x0A\x00\x00\x00"); // 100 ms, no transparency
        gif += QByteArrayLiteral("\x2C\x00\x00\x00\x00") + littleEndian16(size.width()) +
               littleEndian16(size.height()) + QByteArrayLiteral("\x00");
        gif += gifImageData(size.width() * size.height(), frame);
    }
    return gif + QByteArrayLiteral("\x3B");
}

bool near(QColor a, QColor b, int tolerance) {
    return qAbs(a.red() - b.red()) <= tolerance && qAbs(a.green() - b.green()) <= tolerance &&
           qAbs(a.blue() - b.blue()) <= tolerance;
}

} // namespace reposcope::test
