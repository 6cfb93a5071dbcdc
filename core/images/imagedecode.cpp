// SPDX-License-Identifier: MIT
#include "images/imagedecode.h"

#include "common/figures.h"
#include "images/imageformat.h"
#include "images/pngfast.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QImageReader>
#include <QPainter>
#include <QSvgRenderer>
#include <QtEndian>

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

// The bytes per pixel of what Qt's decoder allocates: at least a 32-bit copy follows.
qint64 decodedBytesPerPixel(QImageReader &reader) {
    const QImage::Format format = reader.imageFormat();
    if (format == QImage::Format_Invalid)
        return 4;
    return qMax<qint64>(4, QImage::toPixelFormat(format).bitsPerPixel() / 8);
}

// What decoding `stored` pixels would allocate: the decoded image (a JPEG at the scale
// libjpeg decodes it at) and, for a progressive JPEG, libjpeg's whole-image coefficient
// buffers (2 bytes per coefficient, each component at most full size).
qint64 decodeBytes(QImageReader &reader, const QByteArray &bytes, const QByteArray &format,
                   QSize stored, QSize decodeSize) {
    const qint64 storedPixels = qint64(stored.width()) * stored.height();
    if (format != "jpeg")
        return storedPixels * decodedBytesPerPixel(reader);
    const QSize decoded = decodeSize.isValid() ? decodeSize : stored;
    qint64 total = qint64(decoded.width()) * decoded.height() * 4;
    const JpegFrame frame = jpegFrame(bytes);
    if (frame.progressive)
        total += storedPixels * 2 * qMax(1, frame.components);
    return total;
}

// A PNG's size and bytes per decoded pixel from its IHDR chunk, read without libpng (which
// allocates whatever length a chunk declares before reading it). Invalid: no IHDR first.
QSize pngHeaderSize(const QByteArray &bytes, qint64 *bytesPerPixel) {
    if (bytes.size() < 33 || bytes.mid(12, 4) != "IHDR")
        return {};
    const auto *at = reinterpret_cast<const uchar *>(bytes.constData());
    const quint32 width = qFromBigEndian<quint32>(at + 16);
    const quint32 height = qFromBigEndian<quint32>(at + 20);
    if (width == 0 || height == 0 || width > 0x7fffffff || height > 0x7fffffff)
        return {};
    *bytesPerPixel = uchar(bytes.at(24)) == 16 ? 8 : 4;
    return QSize(int(width), int(height));
}

Error tooLarge(QSize stored, const QString &kind, qint64 needed) {
    return invalid(
        QStringLiteral("%1 %2 is too large to decode: it needs %3 of memory, over the "
                       "%4 limit for one image (%5 megapixels as 32-bit pixels); "
                       "scale it down (e.g. to 8000×8000) before attaching it")
            .arg(dimensions(stored), kind, formatBytes(needed), formatBytes(kMaxDecodeBytes))
            .arg(kMaxDecodePixels / 1'000'000));
}

// True when no pixel would show: every one fully transparent (a decoder's blank canvas).
// `image` is ARGB32 or RGB32 (normalised or the fast PNG path).
bool nothingVisible(const QImage &image) {
    if (image.format() != QImage::Format_ARGB32)
        return false;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            if (qAlpha(line[x]) != 0)
                return false;
    }
    return true;
}

Error blank(const QString &kind) {
    return invalid(QStringLiteral("the %1 decodes to nothing visible (every pixel is fully "
                                  "transparent), so the model would see a blank image; "
                                  "re-export it with its content")
                       .arg(kind));
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
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    if (format == "png") {
        // Nothing asks Qt (libpng) about a PNG before its own chunk walk has found every chunk
        // inside the file: a 134-byte PNG whose text chunk claims 1.4 GB made libpng allocate
        // that much just to report the image's size. A bomb is still named as one first.
        qint64 perPixel = 4;
        const QSize header = pngHeaderSize(bytes, &perPixel);
        const qint64 needed = qint64(header.width()) * header.height() * perPixel;
        if (header.isValid() && needed > kMaxDecodeBytes)
            return tooLarge(header, kind, needed);
        const QString truncated = truncationProblem(bytes, format);
        if (!truncated.isEmpty())
            return invalid(
                QStringLiteral("corrupt or truncated %1: %2; re-export or re-save the image")
                    .arg(kind, truncated));
    }
    QImageReader reader(&buffer, format);
    reader.setAutoTransform(true);
    reader.setAllocationLimit(kAllocationLimitMb);
    const QSize stored = reader.size();
    const QSize target = stored.isValid() ? fitSize(stored, longEdge, maxPixels) : QSize();
    const QSize jpegSize =
        format == "jpeg" && stored.isValid() ? jpegDecodeSize(stored, target) : QSize();
    if (stored.isValid()) {
        const qint64 pixels = qint64(stored.width()) * stored.height();
        const qint64 needed = decodeBytes(reader, bytes, format, stored, jpegSize);
        if (needed > kMaxDecodeBytes)
            return tooLarge(stored, kind, needed);
        if (format == "jpeg" && pixels > kMaxJpegPixels)
            return invalid(QStringLiteral("%1 JPEG is too large to decode (over %2 megapixels, "
                                          "16384×16384); scale it down before attaching it")
                               .arg(dimensions(stored))
                               .arg(kMaxJpegPixels / 1'000'000));
    }
    // After the size check, so that a bomb is named as one even when its data is missing too.
    const QString truncated = truncationProblem(bytes, format);
    if (!truncated.isEmpty())
        return invalid(QStringLiteral("corrupt or truncated %1: %2; re-export or re-save the image")
                           .arg(kind, truncated));
    if (format == "png" && stored.isValid()) {
        // The common PNG decodes and downscales in one pass, several times faster than
        // Qt's decode plus smooth scale; anything it does not handle goes through Qt below.
        QImage fast = decodePngFast(bytes, target);
        if (!fast.isNull()) {
            if (nothingVisible(fast))
                return blank(kind);
            Decoded out;
            out.originalSize = stored;
            out.image = std::move(fast);
            return out;
        }
    }
    if (jpegSize.isValid())
        reader.setScaledSize(jpegSize);
    QImage image;
    if (!reader.read(&image) || image.isNull())
        return invalid(QStringLiteral("corrupt or truncated %1: %2; re-export or re-save the image")
                           .arg(kind, reader.errorString()));
    const bool rotated = reader.transformation().testFlag(QImageIOHandler::TransformationRotate90);
    Decoded out;
    out.orientationApplied = reader.transformation() != QImageIOHandler::TransformationNone;
    out.originalSize = stored.isValid() ? (rotated ? stored.transposed() : stored) : image.size();
    out.image = normalised(std::move(image));
    if (nothingVisible(out.image))
        return blank(kind);
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
