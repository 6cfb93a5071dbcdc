// SPDX-License-Identifier: MIT
#include "tokenmap/tokenmaprenderer.h"

#include "prompt/selection.h"

#include <QFontMetricsF>
#include <QPainter>

namespace reposcope::ui {

namespace {

constexpr qreal kMinTextWidth = 28.0;

bool isEstimated(const models::MapWeights *weights, int node) {
    return weights && size_t(node) < weights->estimated.size() && weights->estimated[size_t(node)];
}

} // namespace

void TokenMapRenderer::paint(QPainter &painter, const MapScene &scene, const QRectF &target,
                             const MapDecorations &decorations) {
    if (!scene.layout || !scene.selection || scene.layout->rects.empty() ||
        scene.layout->size.isEmpty())
        return;
    const models::MapLayout &layout = *scene.layout;
    const prompt::Selection &selection = *scene.selection;
    const repo::RepoSnapshot &snapshot = selection.snapshot();
    const qreal sx = target.width() / layout.size.width();
    const qreal sy = target.height() / layout.size.height();
    auto toTarget = [&](const QRectF &r) {
        return QRectF(target.x() + r.x() * sx, target.y() + r.y() * sy, r.width() * sx,
                      r.height() * sy);
    };

    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    QFont font = painter.font();
    font.setPixelSize(11);
    painter.setFont(font);
    const QFontMetricsF metrics(font);
    const QBrush hatch(QColor(255, 255, 255, 150), Qt::BDiagPattern);

    for (size_t i = 0; i < layout.rects.size(); ++i) {
        const models::MapRect &mr = layout.rects[i];
        const QRectF r = toTarget(mr.rect);
        const int node = mr.node;
        const bool estimated = isEstimated(scene.weights, node);
        QColor fill;
        if (mr.folder) {
            fill = TokenMapColors::folderColor(scene.palette, selection, node);
        } else {
            const models::FileKind kind = scene.kinds && size_t(node) < scene.kinds->size()
                                              ? (*scene.kinds)[size_t(node)]
                                              : models::FileKind::Other;
            fill =
                TokenMapColors::fileColor(scene.palette, selection.checkState(node) == Qt::Checked,
                                          selection.exclusion(node), kind);
        }
        if (estimated)
            fill = TokenMapColors::estimated(fill);
        // Files leave a pixel of their folder's darker background as a separator.
        const QRectF cell =
            !mr.folder && r.width() >= 3 && r.height() >= 3 ? r.adjusted(0, 0, -1, -1) : r;
        painter.fillRect(cell, fill);
        if (estimated && !mr.folder && r.width() >= 4 && r.height() >= 4)
            painter.fillRect(cell, hatch);
        if (mr.folder) {
            if (mr.depth <= 1) {
                painter.setPen(QPen(fill.darker(170), 1));
                painter.setBrush(Qt::NoBrush);
                painter.drawRect(r.adjusted(0, 0, -1, -1));
            }
            const QRectF label = toTarget(mr.labelRect);
            if (!mr.labelRect.isEmpty() && label.width() >= kMinTextWidth) {
                painter.setPen(TokenMapColors::textOn(fill));
                const QString name = mr.depth == 0 && node == 0
                                         ? snapshot.name(node)
                                         : snapshot.name(node) + QLatin1Char('/');
                painter.drawText(label.adjusted(3, 0, -2, 0), Qt::AlignLeft | Qt::AlignVCenter,
                                 metrics.elidedText(name, Qt::ElideMiddle, label.width() - 5));
            }
        } else if (r.width() >= kMinTextWidth + 12 && r.height() >= metrics.height() + 4) {
            painter.setPen(TokenMapColors::textOn(fill));
            painter.drawText(
                r.adjusted(3, 1, -2, -1), Qt::AlignLeft | Qt::AlignTop,
                metrics.elidedText(snapshot.name(node), Qt::ElideMiddle, r.width() - 5));
        }
    }

    // The rubber band's files and the hovered rectangle, on top of everything.
    if (decorations.marked && !decorations.marked->empty()) {
        painter.setPen(QPen(QColor(0xff, 0xd6, 0x00), 2));
        painter.setBrush(QColor(0xff, 0xd6, 0x00, 70));
        for (const models::MapRect &mr : layout.rects)
            if (decorations.marked->count(mr.node))
                painter.drawRect(toTarget(mr.rect).adjusted(1, 1, -1, -1));
    }
    if (decorations.hoverRect >= 0 && size_t(decorations.hoverRect) < layout.rects.size()) {
        const QRectF r = toTarget(layout.rects[size_t(decorations.hoverRect)].rect);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(Qt::black, 1));
        painter.drawRect(r.adjusted(0, 0, -1, -1));
        painter.setPen(QPen(Qt::white, 1));
        painter.drawRect(r.adjusted(1, 1, -2, -2));
    }
    painter.restore();
}

} // namespace reposcope::ui
