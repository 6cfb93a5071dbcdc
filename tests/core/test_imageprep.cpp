// SPDX-License-Identifier: MIT
// prepareImage on generated images: bounds (long edge, pixels, bytes as sent), never
// upscaled, EXIF orientation, metadata stripped, original bytes kept when they can be,
// every input format; and every bad input gives a clear error instead of a crash.
#include "images/imageformat.h"
#include "images/imageprep.h"
#include "imagesamples.h"
#include "llm/catalog/modelcatalog.h"

#include <QDir>
#include <QFile>
#include <QImageWriter>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <unistd.h>

using namespace reposcope;
using namespace reposcope::images;
using namespace reposcope::test;

namespace {

QImage sentImage(const PreparedImage &p) {
    return QImage::fromData(p.part.data);
}

// The data URL exactly as the request carries it.
qint64 dataUrlSize(const PreparedImage &p) {
    return QByteArray("data:" + p.part.mimeType + ";base64," + p.part.data.toBase64()).size();
}

PrepareLimits llama4(int longEdge = 0) {
    PrepareLimits limits;
    limits.maxLongEdge = longEdge;
    limits.tokenRule = QStringLiteral("llama4-tiles");
    return limits;
}

std::string text(const Error &error) {
    return error.message.toStdString();
}

} // namespace

TEST(ImagePrep, PhotoIsDownscaledToTheLongEdgeAndSentAsJpeg) {
    const QByteArray png = encodeImage(photoLike(QSize(3000, 2000)), "png");
    const auto p = prepareImage(png, QStringLiteral("photo.png"), llama4(1000));
    ASSERT_TRUE(p.ok()) << text(p.error());
    EXPECT_EQ(p->originalFormat, "png");
    EXPECT_EQ(p->originalSize, QSize(3000, 2000));
    EXPECT_EQ(p->sentSize, QSize(1000, 666));
    EXPECT_TRUE(p->downscaled);
    EXPECT_TRUE(p->reencoded);
    EXPECT_EQ(p->part.mimeType, "image/jpeg");
    EXPECT_EQ(sentImage(*p).size(), p->sentSize);
    EXPECT_EQ(p->originalBytes, png.size());
    EXPECT_TRUE(p->note.contains(QStringLiteral("3000×2000 → 1000×666"))) << p->note.toStdString();
    EXPECT_EQ(p->tokens.tokens, imageTokens(p->sentSize, QStringLiteral("llama4-tiles")).tokens);
    EXPECT_TRUE(p->tokens.exact);
    EXPECT_LE(qMax(p->thumbnail.width(), p->thumbnail.height()), 160);
    EXPECT_FALSE(p->thumbnail.isNull());
}

TEST(ImagePrep, DefaultLongEdgeForLlama4Is1344) {
    EXPECT_EQ(effectiveLongEdge(llama4()), 1344);
    const auto p = prepareImage(encodeImage(photoLike(QSize(2000, 1500)), "jpeg", 90),
                                QStringLiteral("p.jpg"), llama4());
    ASSERT_TRUE(p.ok()) << text(p.error());
    EXPECT_EQ(p->sentSize, QSize(1344, 1008));
}

TEST(ImagePrep, PixelLimitHoldsAndTheAspectRatioIsKept) {
    PrepareLimits limits = llama4(4000);
    limits.maxPixels = 1'000'000;
    const auto p =
        prepareImage(encodeImage(photoLike(QSize(2000, 1700)), "png"), QStringLiteral("p"), limits);
    ASSERT_TRUE(p.ok()) << text(p.error());
    EXPECT_LE(qint64(p->sentSize.width()) * p->sentSize.height(), 1'000'000);
    EXPECT_GE(qint64(p->sentSize.width()) * p->sentSize.height(), 990'000);
    EXPECT_NEAR(double(p->sentSize.width()) / p->sentSize.height(), 2000.0 / 1700.0, 0.01);
}

TEST(ImagePrep, BytesAsSentStayUnderTheLimitBase64Included) {
    PrepareLimits limits = llama4(2000);
    limits.maxBytesPerImage = 120'000;
    const auto p =
        prepareImage(encodeImage(photoLike(QSize(1600, 1200)), "png"), QStringLiteral("p"), limits);
    ASSERT_TRUE(p.ok()) << text(p.error());
    EXPECT_LE(dataUrlSize(*p), 120'000);
    // base64 counts: the raw bytes alone would fit a limit 4/3 smaller than they need.
    EXPECT_GT(dataUrlSize(*p), p->part.data.size());
    EXPECT_FALSE(sentImage(*p).isNull());
}

TEST(ImagePrep, ImpossibleByteLimitIsAClearError) {
    PrepareLimits limits = llama4();
    limits.maxBytesPerImage = 50;
    const auto p =
        prepareImage(encodeImage(photoLike(QSize(800, 600)), "png"), QStringLiteral("p"), limits);
    ASSERT_FALSE(p.ok());
    EXPECT_TRUE(p.error().message.contains(QStringLiteral("maxBytesPerImage"))) << text(p.error());
}

TEST(ImagePrep, SmallImagesAreNeverUpscaledAndGoUntouched) {
    for (const char *format : {"png", "jpeg"}) {
        const QByteArray bytes = encodeImage(diagram(QSize(200, 100)), format, 90);
        const auto p = prepareImage(bytes, QStringLiteral("small"), llama4(2000));
        ASSERT_TRUE(p.ok()) << format << ": " << text(p.error());
        EXPECT_EQ(p->sentSize, QSize(200, 100)) << format;
        EXPECT_FALSE(p->downscaled);
        EXPECT_FALSE(p->reencoded) << format << ": " << p->note.toStdString();
        EXPECT_EQ(p->part.data, bytes) << format; // byte-identical
        EXPECT_EQ(p->part.mimeType, QByteArray("image/").append(format));
    }
}

TEST(ImagePrep, ExifOrientationIsAppliedAndTheTagDropped) {
    // Orientation 6: the stored pixels are shown rotated 90° clockwise.
    const QByteArray jpeg =
        withExifOrientation(encodeImage(quadrants(QSize(200, 100)), "jpeg", 95), 6);
    ASSERT_TRUE(hasMetadata(jpeg, "jpeg"));
    const auto p = prepareImage(jpeg, QStringLiteral("rotated.jpg"), llama4());
    ASSERT_TRUE(p.ok()) << text(p.error());
    EXPECT_TRUE(p->orientationApplied);
    EXPECT_TRUE(p->reencoded);
    EXPECT_EQ(p->originalSize, QSize(100, 200));
    EXPECT_EQ(p->sentSize, QSize(100, 200));
    const QImage sent = sentImage(*p);
    ASSERT_EQ(sent.size(), QSize(100, 200));
    // Clockwise: bottom-left → top-left, top-left → top-right, and so on.
    EXPECT_TRUE(near(sent.pixelColor(10, 10), Qt::blue))
        << sent.pixelColor(10, 10).name().toStdString();
    EXPECT_TRUE(near(sent.pixelColor(90, 10), Qt::red));
    EXPECT_TRUE(near(sent.pixelColor(10, 190), Qt::yellow));
    EXPECT_TRUE(near(sent.pixelColor(90, 190), Qt::green));
    EXPECT_FALSE(hasMetadata(p->part.data, sniffFormat(p->part.data)));
}

TEST(ImagePrep, PngTextChunksAreStrippedLosslessly) {
    const QImage source = diagram(QSize(300, 200));
    const QByteArray png = withPngText(encodeImage(source, "png"), "Author", "someone@example.com");
    ASSERT_TRUE(hasMetadata(png, "png"));
    ASSERT_EQ(QImage::fromData(png).size(), source.size()); // the chunk is well-formed
    const auto p = prepareImage(png, QStringLiteral("erd.png"), llama4());
    ASSERT_TRUE(p.ok()) << text(p.error());
    EXPECT_TRUE(p->metadataStripped);
    EXPECT_TRUE(p->reencoded);
    EXPECT_EQ(p->part.mimeType, "image/png"); // a diagram stays PNG
    EXPECT_FALSE(p->part.data.contains("someone@example.com"));
    EXPECT_FALSE(hasMetadata(p->part.data, "png"));
    EXPECT_EQ(sentImage(*p).convertToFormat(QImage::Format_RGB32), source);
}

TEST(ImagePrep, GifSendsItsFirstFrameAsPng) {
    const QByteArray gif = twoFrameGif(QSize(16, 8), Qt::red, Qt::blue);
    ASSERT_EQ(sniffFormat(gif), "gif");
    const auto p = prepareImage(gif, QStringLiteral("anim.gif"), llama4());
    ASSERT_TRUE(p.ok()) << text(p.error());
    EXPECT_EQ(p->originalFormat, "gif");
    EXPECT_EQ(p->part.mimeType, "image/png");
    const QImage sent = sentImage(*p);
    ASSERT_EQ(sent.size(), QSize(16, 8));
    EXPECT_EQ(sent.pixelColor(8, 4), QColor(Qt::red));
}

TEST(ImagePrep, BmpIsConverted) {
    const auto p = prepareImage(encodeImage(diagram(QSize(120, 90)), "bmp"),
                                QStringLiteral("d.bmp"), llama4());
    ASSERT_TRUE(p.ok()) << text(p.error());
    EXPECT_EQ(p->originalFormat, "bmp");
    EXPECT_TRUE(p->reencoded);
    EXPECT_EQ(p->part.mimeType, "image/png");
    EXPECT_EQ(sentImage(*p).size(), QSize(120, 90));
}

TEST(ImagePrep, SvgIsRasterisedOnWhiteWithinTheLimits) {
    const QByteArray svg =
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" "
        "height=\"100\" viewBox=\"0 0 200 100\"><rect x=\"0\" y=\"0\" width=\"100\" "
        "height=\"100\" fill=\"#ff0000\"/></svg>\n";
    const auto big = prepareImage(svg, QStringLiteral("arch.svg"), llama4());
    ASSERT_TRUE(big.ok()) << text(big.error());
    EXPECT_EQ(big->originalFormat, "svg");
    EXPECT_EQ(big->originalSize, QSize(200, 100));
    EXPECT_EQ(big->sentSize, QSize(1024, 512)); // a vector drawing is drawn large enough
    EXPECT_EQ(big->part.mimeType, "image/png");
    const QImage sent = sentImage(*big);
    EXPECT_TRUE(near(sent.pixelColor(100, 256), Qt::red, 2));
    EXPECT_TRUE(near(sent.pixelColor(900, 256), Qt::white, 2));

    const auto bounded = prepareImage(svg, QStringLiteral("arch.svg"), llama4(600));
    ASSERT_TRUE(bounded.ok()) << text(bounded.error());
    EXPECT_EQ(bounded->sentSize, QSize(600, 300));
}

TEST(ImagePrep, WebpDecodesAndIsKeptWhenAccepted) {
    if (!QImageWriter::supportedImageFormats().contains("webp"))
        GTEST_SKIP() << "Qt's WebP plugin is missing (qt6-image-formats-plugins)";
    const QByteArray webp = encodeImage(photoLike(QSize(400, 300)), "webp", 80);
    ASSERT_EQ(sniffFormat(webp), "webp");
    const auto kept = prepareImage(webp, QStringLiteral("p.webp"), llama4());
    ASSERT_TRUE(kept.ok()) << text(kept.error());
    EXPECT_EQ(kept->sentSize, QSize(400, 300));
    EXPECT_EQ(kept->part.mimeType, "image/webp");
    EXPECT_EQ(kept->part.data, webp);

    PrepareLimits noWebp = llama4();
    noWebp.mimeTypes = {QStringLiteral("image/jpeg"), QStringLiteral("image/png")};
    const auto converted = prepareImage(webp, QStringLiteral("p.webp"), noWebp);
    ASSERT_TRUE(converted.ok()) << text(converted.error());
    EXPECT_EQ(converted->part.mimeType, "image/jpeg");
    EXPECT_TRUE(converted->reencoded);
}

TEST(ImagePrep, FormatIsSniffedFromTheContentNotTheName) {
    const QByteArray jpeg = encodeImage(photoLike(QSize(64, 48)), "jpeg", 90);
    const auto p = prepareImage(jpeg, QStringLiteral("misnamed.png"), llama4());
    ASSERT_TRUE(p.ok()) << text(p.error());
    EXPECT_EQ(p->originalFormat, "jpeg");
    EXPECT_EQ(p->part.mimeType, "image/jpeg");
}

TEST(ImagePrep, CorruptAndTruncatedInputIsAClearError) {
    const QByteArray png = encodeImage(photoLike(QSize(300, 200)), "png");
    const QByteArray jpeg = encodeImage(photoLike(QSize(300, 200)), "jpeg", 90);
    struct Case {
        QByteArray bytes;
        const char *expect;
    };
    const Case cases[] = {
        {png.left(png.size() / 2), "corrupt or truncated PNG"},
        {jpeg.left(jpeg.size() / 2), "corrupt or truncated JPEG"},
        {png.left(40), "corrupt or truncated PNG"},
        {QByteArray("\x89PNG\r\n\x1A\n") + QByteArray(300, 'x'), "corrupt or truncated PNG"},
        {QByteArray("\xFF\xD8\xFF") + QByteArray(300, 'x'), "corrupt or truncated JPEG"},
    };
    for (const Case &c : cases) {
        const auto p = prepareImage(c.bytes, QStringLiteral("bad"), llama4());
        ASSERT_FALSE(p.ok()) << c.expect;
        EXPECT_EQ(p.error().code, Error::Code::InvalidData);
        EXPECT_TRUE(p.error().message.contains(QLatin1String(c.expect))) << text(p.error());
    }
    // A damaged IDAT with the structure intact: libpng's own error.
    QByteArray damaged = png;
    for (qsizetype i = 100; i < damaged.size() - 20; i += 7)
        damaged[i] = char(damaged[i] ^ 0x5A);
    const auto p = prepareImage(damaged, QStringLiteral("bad"), llama4());
    ASSERT_FALSE(p.ok());
    EXPECT_TRUE(p.error().message.contains(QLatin1String("PNG"))) << text(p.error());
}

TEST(ImagePrep, HugeHeaderIsRefusedBeforeDecoding) {
    const auto p =
        prepareImage(pngHeaderClaiming(QSize(20000, 20000)), QStringLiteral("huge.png"), llama4());
    ASSERT_FALSE(p.ok());
    EXPECT_TRUE(p.error().message.contains(QStringLiteral("20000×20000"))) << text(p.error());
    EXPECT_TRUE(p.error().message.contains(QLatin1String("too large"))) << text(p.error());
}

TEST(ImagePrep, UnsupportedFormatsNameWhatTheyAre) {
    struct Case {
        QByteArray bytes;
        const char *expect;
    };
    QByteArray random(512, '\0');
    for (int i = 0; i < random.size(); ++i)
        random[i] = char((i * 131 + 7) % 251);
    const Case cases[] = {
        {QByteArray("II*\0", 4) + QByteArray(100, '\0'), "TIFF"},
        {QByteArray("%PDF-1.7\n"), "PDF"},
        {QByteArray("just some notes\nnot an image\n"), "text"},
        {random, "unknown binary data"},
    };
    for (const Case &c : cases) {
        const auto p = prepareImage(c.bytes, QStringLiteral("x"), llama4());
        ASSERT_FALSE(p.ok()) << c.expect;
        EXPECT_TRUE(p.error().message.startsWith(QStringLiteral("unsupported format")))
            << text(p.error());
        EXPECT_TRUE(p.error().message.contains(QLatin1String(c.expect))) << text(p.error());
        EXPECT_TRUE(p.error().message.contains(QStringLiteral("PNG, JPEG, WebP, GIF, BMP or SVG")));
    }
}

TEST(ImagePrep, EmptyMissingAndFolderPathsAreClearErrors) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString empty = dir.filePath(QStringLiteral("empty.png"));
    {
        QFile file(empty);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    }
    const auto e = prepareImageFile(empty, llama4());
    ASSERT_FALSE(e.ok());
    EXPECT_TRUE(e.error().message.contains(QLatin1String("empty"))) << text(e.error());

    const auto missing = prepareImageFile(dir.filePath(QStringLiteral("nope.png")), llama4());
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Error::Code::NotFound);
    EXPECT_TRUE(missing.error().message.contains(QLatin1String("nope.png")));

    const auto folder = prepareImageFile(dir.path(), llama4());
    ASSERT_FALSE(folder.ok());
    EXPECT_TRUE(folder.error().message.contains(dir.path())) << text(folder.error());
}

TEST(ImagePrep, UnreadableFileIsAClearError) {
    if (::geteuid() == 0)
        GTEST_SKIP() << "root reads files whatever their permissions";
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString locked = dir.filePath(QStringLiteral("locked.png"));
    QFile file(locked);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(encodeImage(diagram(QSize(10, 10)), "png"));
    file.close();
    ASSERT_TRUE(file.setPermissions(QFileDevice::Permissions()));
    const auto unreadable = prepareImageFile(locked, llama4());
    ASSERT_FALSE(unreadable.ok());
    EXPECT_EQ(unreadable.error().code, Error::Code::Unreadable);
    EXPECT_TRUE(unreadable.error().message.contains(QLatin1String("cannot read")));
}

TEST(ImagePrep, CancelStopsPreparation) {
    const std::atomic_bool cancel{true};
    const auto p = prepareImage(encodeImage(photoLike(QSize(400, 300)), "png"), QStringLiteral("p"),
                                llama4(), &cancel);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, Error::Code::Cancelled);
}

TEST(ImagePrep, LooksLikeImageFileByExtension) {
    EXPECT_TRUE(looksLikeImageFile(QStringLiteral("docs/architecture.PNG")));
    EXPECT_TRUE(looksLikeImageFile(QStringLiteral("a/b.svg")));
    EXPECT_TRUE(looksLikeImageFile(QStringLiteral("x.jpeg")));
    EXPECT_FALSE(looksLikeImageFile(QStringLiteral("main.go")));
    EXPECT_FALSE(looksLikeImageFile(QStringLiteral("png")));
}

TEST(ImagePrep, LimitsComeFromTheCatalogEntries) {
    llm::ProviderEntry provider;
    provider.images.maxLongEdge = 1000;
    provider.images.maxPixels = 33'177'600;
    provider.images.maxBytesPerImage = 4'000'000;
    provider.images.maxImagesPerRequest = 5;
    provider.images.mimeTypes = {QStringLiteral("image/png")};
    llm::ModelEntry model;
    model.imageTokenRule = QStringLiteral("llama4-tiles");
    const PrepareLimits limits = limitsFor(provider, model);
    EXPECT_EQ(limits.maxLongEdge, 1000);
    EXPECT_EQ(limits.maxPixels, 33'177'600);
    EXPECT_EQ(limits.maxBytesPerImage, 4'000'000);
    EXPECT_EQ(limits.maxImagesPerRequest, 5);
    EXPECT_EQ(limits.mimeTypes, QStringList{QStringLiteral("image/png")});
    EXPECT_EQ(limits.tokenRule, QStringLiteral("llama4-tiles"));
    EXPECT_EQ(defaultLimits().tokenRule, QStringLiteral("llama4-tiles"));
}
