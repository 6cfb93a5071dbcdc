// SPDX-License-Identifier: MIT
#include "images/imageencode.h"
#include "common/figures.h"

#include <QBuffer>
#include <QColorSpace>
#include <QHash>
#include <QImageWriter>
#include <QPainter>

#include <algorithm>

namespace reposcope::images {

namespace {

constexpr int kJpegQualities[] = {85, 75, 65, 50};
constexpr int kShrinkRounds = 8;
constexpr int kSampleEdge = 256;
constexpr int kLineArtColours = 32;
constexpr int kPhotoColours = 4096;
constexpr double kLineArtShare = 0.85;

bool isCancelled(const std::atomic_bool *cancel) {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

// JPEG has no alpha: composite on white, as the SVG path does.
QImage flattened(const QImage &image) {
    if (!image.hasAlphaChannel())
        return image;
    QImage flat(image.size(), QImage::Format_RGB32);
    flat.fill(Qt::white);
    QPainter painter(&flat);
    painter.drawImage(0, 0, image);
    painter.end();
    return flat;
}

bool accepts(const QStringList &mimeTypes, const QByteArray &format) {
    return mimeTypes.isEmpty() || mimeTypes.contains(QString::fromLatin1("image/" + format));
}

QImage shrunk(const QImage &image) {
    const QSize size(qMax(1, image.width() * 3 / 4), qMax(1, image.height() * 3 / 4));
    return image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
}

} // namespace

QByteArray encodeImage(const QImage &image, const QByteArray &format, int quality) {
    QByteArray data;
    QBuffer buffer(&data);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, format);
    writer.setQuality(quality);
    if (!writer.write(image))
        return {};
    return data;
}

qint64 dataUrlBytes(qint64 encodedBytes, const QByteArray &mimeType) {
    constexpr qint64 kFraming = 5 + 8; // "data:" and ";base64,"
    return kFraming + mimeType.size() + 4 * ((encodedBytes + 2) / 3);
}

QImage strippedCopy(QImage image) {
    const QColorSpace srgb(QColorSpace::SRgb);
    if (image.colorSpace().isValid() && image.colorSpace() != srgb)
        image.convertToColorSpace(srgb);
    // Wrapping the pixels drops text keys and the colour space; copy() detaches.
    return QImage(image.constBits(), image.width(), image.height(), image.bytesPerLine(),
                  image.format())
        .copy();
}

bool hasTransparency(const QImage &image) {
    if (!image.hasAlphaChannel())
        return false;
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < argb.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x) {
            if (qAlpha(line[x]) != 255)
                return true;
        }
    }
    return false;
}

bool looksLikeLineArt(const QImage &image) {
    if (image.isNull())
        return false;
    const int stepX = qMax(1, image.width() / kSampleEdge);
    const int stepY = qMax(1, image.height() / kSampleEdge);
    QHash<QRgb, int> counts;
    int samples = 0;
    for (int y = 0; y < image.height(); y += stepY) {
        for (int x = 0; x < image.width(); x += stepX) {
            ++counts[image.pixel(x, y)];
            ++samples;
        }
        if (counts.size() > kPhotoColours)
            return false;
    }
    QList<int> values = counts.values();
    const qsizetype top = qMin<qsizetype>(kLineArtColours, values.size());
    std::partial_sort(values.begin(), values.begin() + top, values.end(), std::greater<int>());
    qint64 covered = 0;
    for (qsizetype i = 0; i < top; ++i)
        covered += values.at(i);
    return double(covered) >= kLineArtShare * double(samples);
}

Result<Encoded> encodeToFit(QImage image, bool preferPng, const QStringList &mimeTypes,
                            qint64 maxBytes, const std::atomic_bool *cancel) {
    QByteArray format = preferPng ? QByteArrayLiteral("png") : QByteArrayLiteral("jpeg");
    if (!accepts(mimeTypes, format))
        format = preferPng ? QByteArrayLiteral("jpeg") : QByteArrayLiteral("png");
    if (!accepts(mimeTypes, format))
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("the provider accepts only %1, which RepoScope cannot "
                                          "write; use PNG or JPEG in the catalog's mimeTypes")
                               .arg(mimeTypes.join(QStringLiteral(", "))));
    if (format == "jpeg")
        image = flattened(image);
    const QByteArray mime = "image/" + format;
    const auto fits = [&](const QByteArray &data) {
        return !data.isEmpty() && (maxBytes <= 0 || dataUrlBytes(data.size(), mime) <= maxBytes);
    };
    for (int round = 0; round < kShrinkRounds; ++round) {
        if (format == "png") {
            QByteArray data = encodeImage(image, format, -1);
            if (fits(data))
                return Encoded{std::move(data), format, image, -1};
        } else {
            for (const int quality : kJpegQualities) {
                if (isCancelled(cancel))
                    break;
                QByteArray data = encodeImage(image, format, quality);
                if (fits(data))
                    return Encoded{std::move(data), format, image, quality};
            }
        }
        if (isCancelled(cancel))
            return Error::make(Error::Code::Cancelled, QStringLiteral("cancelled"));
        image = shrunk(image);
    }
    return Error::make(Error::Code::InvalidData,
                       QStringLiteral("could not bring it under %1 as sent even at %2×%3; "
                                      "crop the image or raise maxBytesPerImage in the catalog")
                           .arg(formatBytes(maxBytes))
                           .arg(image.width())
                           .arg(image.height()));
}

} // namespace reposcope::images
