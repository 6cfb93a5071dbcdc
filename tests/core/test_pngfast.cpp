// SPDX-License-Identifier: MIT
// The fast PNG path: pixel-exact against Qt at full size for every colour type it takes
// and every row filter, close to Qt's smooth scale when downscaling, and "not handled"
// (a null image, so Qt decodes) for everything unusual or damaged.
#include "images/pngfast.h"
#include "imagesamples.h"

#include <QRandomGenerator>
#include <QtEndian>

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <functional>

using namespace reposcope::images;
using namespace reposcope::test;

namespace {

quint32 crc32(const QByteArray &bytes) {
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 n = 0; n < 256; ++n) {
            quint32 c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    quint32 c = 0xffffffffu;
    for (const char byte : bytes)
        c = table[(c ^ quint8(byte)) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

QByteArray bigEndian(quint32 value) {
    QByteArray out(4, '\0');
    qToBigEndian(value, out.data());
    return out;
}

QByteArray chunk(const QByteArray &type, const QByteArray &data) {
    const QByteArray body = type + data;
    return bigEndian(quint32(data.size())) + body + bigEndian(crc32(body));
}

int channelsOf(int colourType) {
    return colourType == 0 ? 1 : colourType == 2 ? 3 : colourType == 4 ? 2 : 4;
}

struct Crafted {
    int width = 0;
    int height = 0;
    int colourType = 6;
    int depth = 8;
    int interlace = 0;
    QByteArray samples;    // height × width × channels × depth/8 bytes, unfiltered
    QByteArray extraChunk; // a whole chunk inserted before IDAT
    std::function<int(int)> filterOf = [](int y) { return y % 5; };
};

// Filters each row with the filter `c.filterOf(y)` (PNG's five), as an encoder would.
QByteArray filtered(const Crafted &c) {
    const int bpp = channelsOf(c.colourType) * c.depth / 8;
    const qsizetype rowBytes = qsizetype(c.width) * bpp;
    QByteArray out;
    const QByteArray zeros(rowBytes, '\0');
    for (int y = 0; y < c.height; ++y) {
        const auto *row = reinterpret_cast<const uchar *>(c.samples.constData()) + y * rowBytes;
        const auto *up =
            y == 0 ? reinterpret_cast<const uchar *>(zeros.constData()) : row - rowBytes;
        const int filter = c.filterOf(y);
        out.append(char(filter));
        for (qsizetype i = 0; i < rowBytes; ++i) {
            const int a = i >= bpp ? row[i - bpp] : 0, b = up[i], cc = i >= bpp ? up[i - bpp] : 0;
            const int p = a + b - cc;
            const int paeth =
                (std::abs(p - a) <= std::abs(p - b) && std::abs(p - a) <= std::abs(p - cc))
                    ? a
                    : (std::abs(p - b) <= std::abs(p - cc) ? b : cc);
            const int predictor[] = {0, a, b, (a + b) / 2, paeth, 0, 0, 0};
            out.append(char(uchar(row[i] - predictor[qMin(filter, 7)])));
        }
    }
    return out;
}

QByteArray header(const Crafted &c) {
    QByteArray ihdr = bigEndian(quint32(c.width)) + bigEndian(quint32(c.height));
    ihdr += char(c.depth);
    ihdr += char(c.colourType);
    ihdr += QByteArray(2, '\0');
    ihdr += char(c.interlace);
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr);
}

QByteArray zlibStream(const QByteArray &raw) {
    return qCompress(raw, 6).mid(4); // qCompress prefixes the length to a zlib stream
}

QByteArray craft(const Crafted &c, const QByteArray &idat) {
    return header(c) + c.extraChunk + chunk("IDAT", idat) + chunk("IEND", {});
}

QByteArray craft(const Crafted &c) {
    return craft(c, zlibStream(filtered(c)));
}

// Gradients plus noise, with alpha running from clear to opaque (some fully clear).
Crafted sample(int colourType, int width, int height, quint32 seed) {
    Crafted c;
    c.width = width;
    c.height = height;
    c.colourType = colourType;
    const int channels = channelsOf(colourType);
    QRandomGenerator random(seed);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int k = 0; k < channels; ++k) {
                const bool alpha = (channels == 2 || channels == 4) && k == channels - 1;
                const int base = alpha ? qMax(0, (x * 300) / width - 40) : (x * 7 + y * 3 + k * 50);
                c.samples.append(char(qBound(0, (base % 256) + int(random.bounded(17u)) - 8, 255)));
            }
    return c;
}

QImage expectedPixels(const Crafted &c) {
    const int channels = channelsOf(c.colourType);
    const bool alpha = channels == 2 || channels == 4;
    QImage out(c.width, c.height, alpha ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    const auto *p = reinterpret_cast<const uchar *>(c.samples.constData());
    for (int y = 0; y < c.height; ++y)
        for (int x = 0; x < c.width; ++x, p += channels) {
            const int g = channels >= 3 ? p[1] : p[0], b = channels >= 3 ? p[2] : p[0];
            out.setPixel(x, y, qRgba(p[0], g, b, alpha ? p[channels - 1] : 255));
        }
    return out;
}

QImage qtDecoded(const QByteArray &png) {
    QImage image = QImage::fromData(png, "png");
    image.convertTo(image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    return image;
}

// Mean and largest per-channel difference, compared premultiplied (hidden colour is moot).
std::pair<double, int> difference(QImage a, QImage b) {
    a.convertTo(QImage::Format_ARGB32_Premultiplied);
    b.convertTo(QImage::Format_ARGB32_Premultiplied);
    double sum = 0;
    int largest = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const QRgb p = a.pixel(x, y), q = b.pixel(x, y);
            for (const int d : {qRed(p) - qRed(q), qGreen(p) - qGreen(q), qBlue(p) - qBlue(q),
                                qAlpha(p) - qAlpha(q)}) {
                sum += std::abs(d);
                largest = qMax(largest, std::abs(d));
            }
        }
    return {sum / (4.0 * a.width() * a.height()), largest};
}

} // namespace

TEST(PngFast, QtWrittenPngsDecodePixelExactAtFullSize) {
    QImage argb = photoLike(QSize(131, 77), 3).convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < argb.height(); ++y)
        for (int x = 0; x < argb.width(); ++x) {
            const QRgb p = argb.pixel(x, y);
            argb.setPixel(x, y, qRgba(qRed(p), qGreen(p), qBlue(p), (x * 5 + y) % 256));
        }
    const struct {
        QImage image;
        char colourType;
    } cases[] = {
        {photoLike(QSize(131, 77), 1).convertToFormat(QImage::Format_Grayscale8), 0},
        {photoLike(QSize(131, 77), 2), 2},
        {argb, 6},
    };
    for (const auto &c : cases) {
        const QByteArray png = encodeImage(c.image, "png");
        ASSERT_EQ(png.at(25), c.colourType) << "Qt wrote another colour type";
        const QImage fast = decodePngFast(png, c.image.size());
        ASSERT_FALSE(fast.isNull()) << int(c.colourType);
        EXPECT_EQ(fast, qtDecoded(png)) << int(c.colourType);
    }
}

TEST(PngFast, EveryFilterAndColourTypeDecodesPixelExact) {
    for (const int colourType : {0, 2, 4, 6}) {
        const Crafted c = sample(colourType, 53, 41, quint32(colourType) + 1);
        const QByteArray png = craft(c);
        const QImage fast = decodePngFast(png, QSize(c.width, c.height));
        ASSERT_FALSE(fast.isNull()) << colourType;
        EXPECT_EQ(fast, expectedPixels(c)) << colourType;
        EXPECT_EQ(fast, qtDecoded(png)) << colourType;
    }
}

TEST(PngFast, DownscaleIsCloseToQtSmoothScale) {
    const QSize targets[] = {QSize(200, 150), QSize(333, 217), QSize(97, 31), QSize(1, 1)};
    for (const int colourType : {0, 2, 4, 6}) {
        const Crafted c = sample(colourType, 640, 480, quint32(colourType) + 11);
        const QByteArray png = craft(c);
        const QImage full = qtDecoded(png);
        for (const QSize target : targets) {
            const QImage fast = decodePngFast(png, target);
            ASSERT_EQ(fast.size(), target) << colourType;
            const QImage qt = full.scaled(target, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
            const auto [mean, largest] = difference(fast, qt);
            EXPECT_LE(mean, 3.0) << colourType << " to " << target.width() << "x"
                                 << target.height();
            EXPECT_LE(largest, 24)
                << colourType << " to " << target.width() << "x" << target.height();
        }
    }
}

TEST(PngFast, DownscaleOfAFlatImageIsExact) {
    Crafted c = sample(6, 90, 70, 5);
    for (qsizetype i = 0; i < c.samples.size(); i += 4)
        c.samples.replace(i, 4, QByteArray("\x40\x80\xc0\x99", 4));
    const QImage fast = decodePngFast(craft(c), QSize(37, 23));
    ASSERT_FALSE(fast.isNull());
    for (int y = 0; y < fast.height(); ++y)
        for (int x = 0; x < fast.width(); ++x)
            ASSERT_EQ(fast.pixel(x, y), qRgba(0x40, 0x80, 0xc0, 0x99)) << x << "," << y;
}

TEST(PngFast, LeavesUnusualOrDamagedFilesToQt) {
    const Crafted good = sample(2, 40, 30, 9);
    const QSize size(40, 30);
    ASSERT_FALSE(decodePngFast(craft(good), size).isNull());

    Crafted interlaced = good;
    interlaced.interlace = 1;
    EXPECT_TRUE(decodePngFast(craft(interlaced), size).isNull()) << "interlaced";

    Crafted deep = good;
    deep.depth = 16;
    deep.samples = good.samples + good.samples;
    EXPECT_TRUE(decodePngFast(craft(deep), size).isNull()) << "16-bit";

    QImage indexed = photoLike(size, 4).convertToFormat(QImage::Format_Indexed8);
    const QByteArray palettePng = encodeImage(indexed, "png");
    ASSERT_EQ(palettePng.at(25), 3);
    EXPECT_TRUE(decodePngFast(palettePng, size).isNull()) << "palette";

    for (const char *type : {"tRNS", "iCCP", "gAMA", "cHRM", "eXIf", "sBIT", "abCd"}) {
        Crafted extra = good;
        extra.extraChunk = chunk(type, QByteArray(6, '\1'));
        EXPECT_TRUE(decodePngFast(craft(extra), size).isNull()) << type;
    }

    const QByteArray stream = zlibStream(filtered(good));
    EXPECT_TRUE(decodePngFast(craft(good, stream.left(stream.size() / 2)), size).isNull())
        << "truncated IDAT";
    QByteArray corrupt = stream;
    for (qsizetype i = 10; i < corrupt.size() - 10; i += 7)
        corrupt[i] = char(corrupt[i] ^ 0x5a);
    EXPECT_TRUE(decodePngFast(craft(good, corrupt), size).isNull()) << "corrupt zlib";
    QByteArray shortRows = filtered(good);
    shortRows.chop(1);
    EXPECT_TRUE(decodePngFast(craft(good, zlibStream(shortRows)), size).isNull()) << "short";

    Crafted badFilter = good;
    badFilter.filterOf = [](int y) { return y == 17 ? 5 : 0; };
    EXPECT_TRUE(decodePngFast(craft(badFilter), size).isNull()) << "filter byte 5";

    QByteArray badCrc = craft(good);
    badCrc[40] = char(badCrc[40] ^ 1); // inside the IDAT data: CRC mismatch
    EXPECT_TRUE(decodePngFast(badCrc, size).isNull()) << "bad CRC";
    const QByteArray noEnd = craft(good).chopped(12);
    EXPECT_TRUE(decodePngFast(noEnd, size).isNull()) << "no IEND";

    EXPECT_TRUE(decodePngFast(craft(good), QSize(41, 30)).isNull()) << "upscale";
    EXPECT_TRUE(decodePngFast(craft(good), QSize()).isNull()) << "empty target";
    EXPECT_TRUE(decodePngFast(encodeImage(photoLike(size), "jpeg"), size).isNull()) << "JPEG";
}

TEST(PngFast, HarmlessChunksAreSkipped) {
    Crafted withText = sample(6, 40, 30, 12);
    withText.extraChunk =
        chunk("tEXt", QByteArray("Comment\0hello", 13)) + chunk("pHYs", QByteArray(9, '\0'));
    const QByteArray png = craft(withText);
    const QImage fast = decodePngFast(png, QSize(40, 30));
    ASSERT_FALSE(fast.isNull());
    EXPECT_EQ(fast, expectedPixels(withText));
}
