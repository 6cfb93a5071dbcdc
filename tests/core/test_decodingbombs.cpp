// SPDX-License-Identifier: MIT
// Decoding bombs: tiny files that declare huge images are refused from their headers, with
// the reason and the limit, without the memory the old decoder spent (900 MB for a 34-byte
// GIF); files whose pixel data is missing or invisible are refused instead of being sent
// blank. The memory bound is this process's peak resident size, reset before each call.
#include "bombsamples.h"
#include "images/imageprep.h"
#include "imagesamples.h"
#include "peakmemory.h"

#include <QBuffer>
#include <QImageWriter>
#include <QtEndian>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::images;
using namespace reposcope::test;

namespace {

// Far below a decode of any of the bombs (225 megapixels × 4 bytes = 900 MB), above what
// reading a header and building the message takes.
constexpr qint64 kMemoryBound = 48ll * 1024 * 1024;

PrepareLimits llama4() {
    PrepareLimits limits;
    limits.tokenRule = QStringLiteral("llama4-tiles");
    return limits;
}

std::string text(const Error &error) {
    return error.message.toStdString();
}

// Prepares `bytes`, expects a refusal whose message holds every one of `expected`, and that
// the peak resident memory grew by less than kMemoryBound meanwhile.
void expectRefusedCheaply(const QByteArray &bytes, std::initializer_list<const char *> expected) {
    const PeakGrowth growth;
    ASSERT_TRUE(growth.available()) << "/proc/self/clear_refs cannot reset the peak here";
    const auto p = prepareImage(bytes, QStringLiteral("bomb"), llama4());
    const qint64 grown = growth.bytes();
    ASSERT_FALSE(p.ok()) << "accepted, " << grown / 1'000'000 << " MB";
    EXPECT_EQ(p.error().code, Error::Code::InvalidData);
    for (const char *part : expected)
        EXPECT_TRUE(p.error().message.contains(QString::fromUtf8(part))) << text(p.error());
    EXPECT_LT(grown, kMemoryBound) << text(p.error());
}

QByteArray progressiveJpeg(QSize size) {
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "jpeg");
    writer.setProgressiveScanWrite(true);
    EXPECT_TRUE(writer.write(photoLike(size)));
    return out;
}

// A complete 1-bit BMP of `size`, all pixels 0: 9 MB for 72 megapixels, which Qt would
// decode into 32-bit pixels.
QByteArray monochromeBmp(QSize size) {
    const qint64 stride = (qint64(size.width()) + 31) / 32 * 4;
    const qint64 pixels = stride * size.height();
    QByteArray header(62, '\0');
    auto put32 = [&header](int at, quint32 v) { qToLittleEndian(v, header.data() + at); };
    header[0] = 'B';
    header[1] = 'M';
    put32(2, quint32(62 + pixels)); // file size
    put32(10, 62);                  // pixel data offset
    put32(14, 40);                  // BITMAPINFOHEADER
    put32(18, quint32(size.width()));
    put32(22, quint32(size.height()));
    qToLittleEndian(quint16(1), header.data() + 26); // planes
    qToLittleEndian(quint16(1), header.data() + 28); // bits per pixel
    put32(46, 2);                                    // colours used
    put32(58, 0x00FFFFFF);                           // palette: black, white
    return header + QByteArray(pixels, '\0');
}

} // namespace

TEST(DecodingBombs, GifOf34BytesDeclaring15000x15000IsRefusedFromItsHeader) {
    const QByteArray gif = emptyGif(QSize(15000, 15000));
    EXPECT_LE(gif.size(), 35);
    expectRefusedCheaply(gif, {"15000×15000 GIF is too large to decode", "900.0 MB",
                               "256.0 MB limit", "scale it down"});
}

TEST(DecodingBombs, AllZeroPngOf15000x15000IsRefusedFromItsHeader) {
    const QByteArray png = zeroPng(QSize(15000, 15000), true);
    EXPECT_LT(png.size(), 8'000'000); // 900 MB of pixels
    expectRefusedCheaply(png, {"15000×15000 PNG is too large to decode", "256.0 MB limit"});
}

TEST(DecodingBombs, JpegWebpAndBmpHeadersWithHugeSizesAreRefused) {
    const QImage small = photoLike(QSize(32, 24));
    const QByteArray jpeg = withDeclaredSize(encodeImage(small, "jpeg", 90), QSize(60000, 60000));
    const QByteArray webp = withDeclaredSize(encodeImage(small, "webp", 80), QSize(16383, 16383));
    const QByteArray bmp = withDeclaredSize(encodeImage(small, "bmp"), QSize(20000, 20000));
    ASSERT_FALSE(jpeg.isEmpty());
    ASSERT_FALSE(webp.isEmpty()) << "Qt wrote no lossy VP8 WebP";
    ASSERT_FALSE(bmp.isEmpty());
    expectRefusedCheaply(jpeg, {"60000×60000 JPEG is too large to decode"});
    expectRefusedCheaply(webp, {"16383×16383 WebP is too large to decode", "256.0 MB limit"});
    // Qt reads no size from a BMP header whose rows cannot fit the file: the structure check
    // refuses it, naming the 1.2 GB the rows would need.
    expectRefusedCheaply(bmp, {"corrupt or truncated BMP", "of 1200000054 bytes"});
    // A complete BMP declaring more than the limit: the size check, from the header.
    const QByteArray complete = monochromeBmp(QSize(9000, 8000));
    expectRefusedCheaply(complete, {"9000×8000 BMP is too large to decode", "256.0 MB limit"});
}

TEST(DecodingBombs, ProgressiveJpegCountsItsCoefficientBuffers) {
    // Decoded at 1/8 it would be 1500×1500, but libjpeg keeps every coefficient of a
    // progressive scan: 144 megapixels × 3 components × 2 bytes.
    const QByteArray jpeg = withDeclaredSize(progressiveJpeg(QSize(64, 48)), QSize(12000, 12000));
    ASSERT_FALSE(jpeg.isEmpty());
    expectRefusedCheaply(jpeg, {"12000×12000 JPEG is too large to decode", "256.0 MB limit"});
}

TEST(DecodingBombs, GifWithoutPixelDataIsAnErrorNotABlankImage) {
    // Under the memory limit, so only the missing data can refuse it.
    expectRefusedCheaply(
        emptyGif(QSize(2000, 2000)),
        {"corrupt or truncated GIF", "ends after 0 of its 4000000 pixels", "blank"});
}

TEST(DecodingBombs, BmpWhosePixelRowsAreMissingIsAnError) {
    const QByteArray bmp = encodeImage(photoLike(QSize(400, 300)), "bmp");
    expectRefusedCheaply(bmp.left(bmp.size() / 3), {"corrupt or truncated BMP", "pixel rows"});
}

TEST(DecodingBombs, FullyTransparentImageIsAnErrorButBlackIsAnImage) {
    const auto clear =
        prepareImage(zeroPng(QSize(3000, 2000), true), QStringLiteral("c"), llama4());
    ASSERT_FALSE(clear.ok());
    EXPECT_TRUE(clear.error().message.contains(QLatin1String("decodes to nothing visible")))
        << text(clear.error());

    const auto black =
        prepareImage(zeroPng(QSize(3000, 2000), false), QStringLiteral("b"), llama4());
    ASSERT_TRUE(black.ok()) << text(black.error());
    EXPECT_EQ(black->originalSize, QSize(3000, 2000));
    EXPECT_EQ(black->sentSize, QSize(1344, 896));
}

TEST(DecodingBombs, ImagesUnderTheLimitStillDecode) {
    // 8000×8000 is exactly 64 megapixels: the largest square the limit lets through.
    const auto p = prepareImage(zeroPng(QSize(8000, 8000), false), QStringLiteral("big"), llama4());
    ASSERT_TRUE(p.ok()) << text(p.error());
    EXPECT_EQ(p->originalSize, QSize(8000, 8000));
    const auto over =
        prepareImage(zeroPng(QSize(8000, 8001), false), QStringLiteral("o"), llama4());
    ASSERT_FALSE(over.ok());
    EXPECT_TRUE(over.error().message.contains(QLatin1String("too large"))) << text(over.error());
}
