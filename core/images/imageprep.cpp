// SPDX-License-Identifier: MIT
#include "images/imageprep.h"
#include "common/figures.h"

#include "images/imagedecode.h"
#include "images/imageencode.h"
#include "images/imageformat.h"
#include "llm/catalog/modelcatalog.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>

namespace reposcope::images {

namespace {

constexpr int kThumbnailEdge = 160;
constexpr int kLlama4DefaultLongEdge = 4 * 336; // a 4×4 tile grid
constexpr int kOtherDefaultLongEdge = 2048;

bool isCancelled(const std::atomic_bool *cancel) {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

Error cancelledError() {
    return Error::make(Error::Code::Cancelled, QStringLiteral("image preparation cancelled"));
}

QString dimensions(QSize size) {
    return QStringLiteral("%1×%2").arg(size.width()).arg(size.height());
}

QString kilobytes(qint64 bytes) {
    return formatBytes(bytes);
}

// Why the original bytes cannot go as they are; empty when they can.
QString reasonToReencode(const QByteArray &bytes, const QByteArray &format,
                         const PrepareLimits &limits, const Decoded &decoded, QSize target) {
    const QByteArray mime = mimeTypeFor(format);
    if (mime.isEmpty())
        return QStringLiteral("converted from %1").arg(displayName(format));
    if (target != decoded.originalSize)
        return QStringLiteral("downscaled");
    if (decoded.orientationApplied)
        return QStringLiteral("orientation applied");
    if (!limits.mimeTypes.isEmpty() && !limits.mimeTypes.contains(QString::fromLatin1(mime)))
        return QStringLiteral("%1 not accepted").arg(displayName(format));
    if (hasMetadata(bytes, format))
        return QStringLiteral("metadata stripped");
    if (limits.maxBytesPerImage > 0 && dataUrlBytes(bytes.size(), mime) > limits.maxBytesPerImage)
        return QStringLiteral("over %1 as sent").arg(kilobytes(limits.maxBytesPerImage));
    return {};
}

QImage thumbnailOf(const QImage &image) {
    if (qMax(image.width(), image.height()) <= kThumbnailEdge)
        return image;
    return image.scaled(kThumbnailEdge, kThumbnailEdge, Qt::KeepAspectRatio,
                        Qt::SmoothTransformation);
}

Result<Decoded> decode(const QByteArray &bytes, const QByteArray &format, int longEdge,
                       qint64 maxPixels) {
    if (format == "svg")
        return rasteriseSvg(bytes, longEdge, maxPixels);
    return decodeRaster(bytes, format, longEdge, maxPixels);
}

// Fills the part, sizes and note of `out` from the decoded image.
Result<Ok> finish(PreparedImage &out, const QByteArray &bytes, const Decoded &decoded,
                  const PrepareLimits &limits, const std::atomic_bool *cancel) {
    // An SVG was rasterised at its final size already.
    const QSize target =
        out.originalFormat == "svg"
            ? decoded.image.size()
            : fitSize(decoded.originalSize, effectiveLongEdge(limits), limits.maxPixels);
    const QString reason = reasonToReencode(bytes, out.originalFormat, limits, decoded, target);
    if (reason.isEmpty()) {
        out.part = llm::ImagePart{mimeTypeFor(out.originalFormat), bytes};
        out.sentSize = decoded.originalSize;
        out.thumbnail = thumbnailOf(decoded.image);
        out.note = QStringLiteral("sent as is (%1 %2)")
                       .arg(displayName(out.originalFormat), kilobytes(bytes.size()));
        return Ok{};
    }
    QImage image = decoded.image;
    if (image.size() != target)
        image = image.scaled(target, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    if (isCancelled(cancel))
        return cancelledError();
    image = strippedCopy(std::move(image));
    const bool png =
        out.originalFormat == "svg" || hasTransparency(image) || looksLikeLineArt(image);
    auto encoded =
        encodeToFit(std::move(image), png, limits.mimeTypes, limits.maxBytesPerImage, cancel);
    if (!encoded)
        return encoded.error();
    out.part = llm::ImagePart{"image/" + encoded->format, encoded->data};
    out.sentSize = encoded->image.size();
    out.reencoded = true;
    out.downscaled = out.sentSize != decoded.originalSize && out.originalFormat != "svg";
    out.orientationApplied = decoded.orientationApplied;
    out.metadataStripped = hasMetadata(bytes, out.originalFormat);
    out.thumbnail = thumbnailOf(encoded->image);
    const QString encodedAs =
        QStringLiteral("%1 %2").arg(displayName(encoded->format), kilobytes(encoded->data.size()));
    if (out.originalFormat == "svg")
        out.note =
            QStringLiteral("rasterised at %1 as %2").arg(dimensions(out.sentSize), encodedAs);
    else if (out.downscaled)
        out.note = QStringLiteral("downscaled %1 → %2, re-encoded as %3")
                       .arg(dimensions(decoded.originalSize), dimensions(out.sentSize), encodedAs);
    else
        out.note = QStringLiteral("re-encoded as %1 (%2)").arg(encodedAs, reason);
    return Ok{};
}

} // namespace

PrepareLimits limitsFor(const llm::ProviderEntry &provider, const llm::ModelEntry &model) {
    PrepareLimits limits;
    limits.maxLongEdge = provider.images.maxLongEdge;
    limits.maxPixels = provider.images.maxPixels;
    limits.maxBytesPerImage = provider.images.maxBytesPerImage;
    limits.mimeTypes = provider.images.mimeTypes;
    limits.maxImagesPerRequest = provider.images.maxImagesPerRequest;
    limits.tokenRule = model.imageTokenRule;
    return limits;
}

PrepareLimits defaultLimits() {
    PrepareLimits limits;
    limits.tokenRule = QString(kLlama4TilesRule);
    return limits;
}

int effectiveLongEdge(const PrepareLimits &limits) {
    if (limits.maxLongEdge > 0)
        return limits.maxLongEdge;
    // Llama 4 reads at most 16 tiles of 336 px; a square image fills a 4×4 grid, so
    // pixels past 1344 on the long edge are only scaled away by the server.
    return limits.tokenRule == kLlama4TilesRule ? kLlama4DefaultLongEdge : kOtherDefaultLongEdge;
}

Result<PreparedImage> prepareImage(const QByteArray &bytes, const QString &name,
                                   const PrepareLimits &limits, const std::atomic_bool *cancel) {
    if (bytes.isEmpty())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("the file is empty; attach the image itself"));
    PreparedImage out;
    out.name = name;
    out.originalBytes = bytes.size();
    out.originalFormat = sniffFormat(bytes);
    if (out.originalFormat.isEmpty())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("unsupported format (%1); attach PNG, JPEG, WebP, GIF, "
                                          "BMP or SVG")
                               .arg(describeUnsupported(bytes)));
    if (isCancelled(cancel))
        return cancelledError();
    const auto decoded =
        decode(bytes, out.originalFormat, effectiveLongEdge(limits), limits.maxPixels);
    if (!decoded)
        return decoded.error();
    out.originalSize = decoded->originalSize;
    if (isCancelled(cancel))
        return cancelledError();
    const auto finished = finish(out, bytes, *decoded, limits, cancel);
    if (!finished)
        return finished.error();
    out.tokens = imageTokens(out.sentSize, limits.tokenRule);
    return out;
}

Result<PreparedImage> prepareImageFile(const QString &path, const PrepareLimits &limits,
                                       const std::atomic_bool *cancel) {
    QFile file(path);
    if (!file.exists())
        return Error::make(Error::Code::NotFound,
                           QStringLiteral("%1 does not exist; check the path").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("cannot read %1: %2; check its permissions")
                               .arg(path, file.errorString()));
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    return prepareImage(bytes, QFileInfo(path).fileName(), limits, cancel);
}

bool looksLikeImageFile(const QString &path) {
    static const QStringList kExtensions = {QStringLiteral("png"),  QStringLiteral("jpg"),
                                            QStringLiteral("jpeg"), QStringLiteral("webp"),
                                            QStringLiteral("gif"),  QStringLiteral("bmp"),
                                            QStringLiteral("svg")};
    const int dot = path.lastIndexOf(QLatin1Char('.'));
    return dot >= 0 && kExtensions.contains(path.mid(dot + 1).toLower());
}

QString summary(const PreparedImage &image) {
    const QString tokens = formatCount(image.tokens.tokens);
    const QString sent = QStringLiteral("%1 %2").arg(displayName(image.part.mimeType.mid(6)),
                                                     kilobytes(image.part.data.size()));
    const QString size = image.originalSize == image.sentSize
                             ? dimensions(image.sentSize)
                             : QStringLiteral("%1 → %2").arg(dimensions(image.originalSize),
                                                             dimensions(image.sentSize));
    return QStringLiteral("%1 %2, %3%4 tokens")
        .arg(size, sent, image.tokens.exact ? QString() : QStringLiteral("≈"), tokens);
}

} // namespace reposcope::images
