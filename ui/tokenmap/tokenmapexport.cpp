// SPDX-License-Identifier: MIT
#include "tokenmap/tokenmapexport.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace reposcope::ui {

namespace {

constexpr int kTitleHeight = 28;
constexpr int kLegendHeight = 24;

QString tr(const char *text) {
    return QCoreApplication::translate("reposcope::ui::TokenMapExport", text);
}

void paintPage(QPainter &painter, const MapExportPage &page) {
    const QSize size = exportImageSize(page);
    painter.fillRect(QRect(QPoint(0, 0), size), Qt::white);
    QFont font = painter.font();
    font.setPixelSize(14);
    font.setBold(true);
    painter.setFont(font);
    painter.setPen(Qt::black);
    const QRect title(8, 0, size.width() - 16, kTitleHeight);
    painter.drawText(title, Qt::AlignLeft | Qt::AlignVCenter,
                     painter.fontMetrics().elidedText(page.title, Qt::ElideMiddle, title.width()));
    TokenMapRenderer::paint(painter, page.scene,
                            QRectF(0, kTitleHeight, page.mapSize.width(), page.mapSize.height()));
    font.setBold(false);
    font.setPixelSize(11);
    painter.setFont(font);
    int x = 8;
    const int y = kTitleHeight + page.mapSize.height();
    for (const LegendEntry &entry : page.legend) {
        const int w = painter.fontMetrics().horizontalAdvance(entry.label);
        if (x + 16 + w > size.width())
            break;
        painter.fillRect(QRect(x, y + 6, 12, 12), entry.color);
        painter.setPen(Qt::black);
        painter.drawRect(QRect(x, y + 6, 12, 12));
        painter.drawText(QRect(x + 16, y, w + 2, kLegendHeight), Qt::AlignVCenter, entry.label);
        x += 16 + w + 14;
    }
}

} // namespace

QSize exportImageSize(const MapExportPage &page) {
    return {page.mapSize.width(), page.mapSize.height() + kTitleHeight + kLegendHeight};
}

QByteArray renderMapPng(const MapExportPage &page) {
    QImage image(exportImageSize(page), QImage::Format_RGB32);
    {
        QPainter painter(&image);
        paintPage(painter, page);
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

QByteArray renderMapSvg(const MapExportPage &page) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    const QSize size = exportImageSize(page);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(page.title);
    generator.setDescription(tr("RepoScope token map"));
    {
        QPainter painter(&generator);
        paintPage(painter, page);
    }
    return bytes;
}

Result<Ok> writeExportFile(const QString &path, const QByteArray &bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::make(Error::Code::Io,
                           tr("Could not write %1: %2. Choose a folder you can write to.")
                               .arg(path, file.errorString()));
    if (file.write(bytes) != bytes.size() || !file.commit())
        return Error::make(
            Error::Code::Io,
            tr("Could not save %1: %2. Free some disk space or choose another folder, then "
               "save again.")
                .arg(path, file.errorString()));
    return Ok{};
}

} // namespace reposcope::ui
