// SPDX-License-Identifier: MIT
#include "images/imagedecode.h"

#include "images/imageformat.h"
#include "images/pngfast.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QImageReader>
#include <QPainter>
#include <QSvgRenderer>

#include <cmath>

namespace reposcope::images {

namespace {

constexpr int kSvgMinLongEdge = 1024;

Error invalid(const QString &message) {
    return Error::make(Error::Code::InvalidData, message);
}

QString dimensions(QSize size) {
    return QStringLiteral("%1×%2").arg(size.width()).arg(size.height());
}

// One 32-bit format for everything after decoding, so scaling and encoding see
// the same pixels whatever the source depth (paletted GIF, 16-bit PNG, grey JPEG).
QImage normalised(QImage image) {
    const QImage::Format wanted =
        image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32;
    if (image.format() != wanted)
        image.convertTo(wanted);
    return image;
}

// libjpeg decodes at 1/2, 1/4 or 1/8 for free; pick the smallest that stays at
// least `target`, so the final smooth scale still has pixels to average.
QSize jpegDecodeSize(QSize stored, QSize target) {
    int k = 1;
    while (k < 8 && stored.width() / (k * 2) >= target.width() &&
           stored.height() / (k * 2) >= target.height())
        k *= 2;
    return k == 1 ? QSize() : QSize(stored.width() / k, stored.height() / k);
}

} // namespace

QSize fitSize(QSize size, int longEdge, qint64 maxPixels) {
    if (size.isEmpty())
        return size;
    double scale = 1.0;
    const int longest = qMax(size.width(), size.height());
    if (longEdge > 0 && longest > longEdge)
        scale = double(longEdge) / double(longest);
    const double pixels = double(size.width()) * double(size.height());
    if (maxPixels > 0 && pixels * scale * scale > double(maxPixels))
        scale = std::sqrt(double(maxPixels) / pixels);
    if (scale >= 1.0)
        return size;
    QSize fitted(qMax(1, int(std::floor(size.width() * scale))),
                 qMax(1, int(std::floor(size.height() * scale))));
    // Rounding can leave one pixel too many on either bound: shave the long side.
    while (maxPixels > 0 && qint64(fitted.width()) * fitted.height() > maxPixels) {
        if (fitted.width() >= fitted.height())
            fitted.rwidth() -= 1;
        else
            fitted.rheight() -= 1;
    }
    return fitted;
}

Result<Decoded> decodeRaster(const QByteArray &bytes, const QByteArray &format, int longEdge,
                             qint64 maxPixels) {
    const QString kind = displayName(format);
    const QString truncated = truncationProblem(bytes, format);
    if (!truncated.isEmpty())
        return invalid(QStringLiteral("corrupt or truncated %1: %2; re-export or re-save the image")
                           .arg(kind, truncated));
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer, format);
    reader.setAutoTransform(true);
    reader.setAllocationLimit(kAllocationLimitMb);
    const QSize stored = reader.size();
    if (stored.isValid() && qint64(stored.width()) * stored.height() > kMaxDecodePixels)
        return invalid(QStringLiteral("%1 is too large to decode (over %2 megapixels); "
                                      "scale it down before attaching it")
                           .arg(dimensions(stored))
                           .arg(kMaxDecodePixels / 1'000'000));
    if (format == "png" && stored.isValid()) {
        // The common PNG decodes and downscales in one pass, several times faster than
        // Qt's decode plus smooth scale; anything it does not handle goes through Qt below.
        QImage fast = decodePngFast(bytes, fitSize(stored, longEdge, maxPixels));
        if (!fast.isNull()) {
            Decoded out;
            out.originalSize = stored;
            out.image = std::move(fast);
            return out;
        }
    }
    if (format == "jpeg" && stored.isValid()) {
        const QSize decodeSize = jpegDecodeSize(stored, fitSize(stored, longEdge, maxPixels));
        if (decodeSize.isValid())
            reader.setScaledSize(decodeSize);
    }
    QImage image;
    if (!reader.read(&image) || image.isNull())
        return invalid(QStringLiteral("corrupt or truncated %1: %2; re-export or re-save the image")
                           .arg(kind, reader.errorString()));
    const bool rotated = reader.transformation().testFlag(QImageIOHandler::TransformationRotate90);
    Decoded out;
    out.orientationApplied = reader.transformation() != QImageIOHandler::TransformationNone;
    out.originalSize = stored.isValid() ? (rotated ? stored.transposed() : stored) : image.size();
    out.image = normalised(std::move(image));
    return out;
}

Result<Decoded> rasteriseSvg(const QByteArray &bytes, int longEdge, qint64 maxPixels) {
    // QSvgRenderer lays out text with QFont, which needs the GUI's font database.
    if (qobject_cast<QGuiApplication *>(QCoreApplication::instance()) == nullptr)
        return invalid(QStringLiteral("SVG needs the desktop app to rasterise it; "
                                      "export the diagram as PNG for the command line"));
    QSvgRenderer renderer(bytes);
    if (!renderer.isValid())
        return invalid(QStringLiteral("corrupt SVG: the XML could not be read as an SVG "
                                      "drawing; open it in an editor and save it again"));
    QSizeF intrinsic = renderer.defaultSize();
    if (intrinsic.isEmpty())
        intrinsic = renderer.viewBoxF().size();
    if (intrinsic.isEmpty())
        intrinsic = QSizeF(kSvgMinLongEdge, kSvgMinLongEdge);
    const double longest = qMax(intrinsic.width(), intrinsic.height());
    const double up = longest < kSvgMinLongEdge ? kSvgMinLongEdge / longest : 1.0;
    const QSize wanted(qMax(1, qRound(intrinsic.width() * up)),
                       qMax(1, qRound(intrinsic.height() * up)));
    const QSize size =
        fitSize(wanted, longEdge,
                qMin<qint64>(maxPixels > 0 ? maxPixels : kMaxDecodePixels, kMaxDecodePixels));
    Decoded out;
    out.originalSize = intrinsic.toSize().expandedTo(QSize(1, 1));
    out.image = QImage(size, QImage::Format_RGB32);
    out.image.fill(Qt::white); // servers that drop alpha would show black; diagrams want paper
    QPainter painter(&out.image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    renderer.render(&painter, QRectF(QPointF(0, 0), QSizeF(size)));
    painter.end();
    return out;
}

} // namespace reposcope::images
