// SPDX-License-Identifier: MIT
#include "tokenmap/tokenmapview.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QRubberBand>
#include <QToolTip>

namespace reposcope::ui {

TokenMapView::TokenMapView(QWidget *parent)
    : QWidget(parent)
    , m_band(new QRubberBand(QRubberBand::Rectangle, this)) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(120, 80);
    setAccessibleName(tr("Token map"));
}

void TokenMapView::setSelection(const prompt::Selection *selection) {
    m_selection = selection;
    update();
}

void TokenMapView::setMapLayout(std::shared_ptr<const models::MapLayout> layout) {
    m_layout = std::move(layout);
    m_hover = -1;
    update();
}

void TokenMapView::setWeights(std::shared_ptr<const models::MapWeights> weights) {
    m_weights = std::move(weights);
}

void TokenMapView::setKinds(std::shared_ptr<const std::vector<models::FileKind>> kinds) {
    m_kinds = std::move(kinds);
    update();
}

void TokenMapView::setPalette(MapPalette palette) {
    m_palette = palette;
    update();
}

void TokenMapView::clearMap(const QString &message) {
    m_layout.reset();
    m_weights.reset();
    m_selection = nullptr;
    m_marked.clear();
    m_hover = -1;
    m_placeholder = message;
    update();
}

void TokenMapView::setPlaceholder(const QString &message) {
    m_placeholder = message;
    update();
}

void TokenMapView::setToolTipProvider(std::function<QString(int)> provider) {
    m_toolTip = std::move(provider);
}

MapScene TokenMapView::scene() const {
    return MapScene{m_layout.get(), m_selection, m_weights.get(), m_kinds.get(), m_palette};
}

std::vector<int> TokenMapView::markedNodes() const {
    std::vector<int> nodes(m_marked.begin(), m_marked.end());
    std::sort(nodes.begin(), nodes.end());
    return nodes;
}

void TokenMapView::setMarkedNodes(const std::vector<int> &nodes) {
    m_marked = std::unordered_set<int>(nodes.begin(), nodes.end());
    update();
}

QPointF TokenMapView::toLayout(QPointF pos) const {
    if (!m_layout || width() <= 0 || height() <= 0)
        return pos;
    return {pos.x() * m_layout->size.width() / width(),
            pos.y() * m_layout->size.height() / height()};
}

QRectF TokenMapView::toWidget(const QRectF &r) const {
    if (!m_layout || m_layout->size.isEmpty())
        return {};
    const qreal sx = width() / m_layout->size.width();
    const qreal sy = height() / m_layout->size.height();
    return {r.x() * sx, r.y() * sy, r.width() * sx, r.height() * sy};
}

int TokenMapView::rectAt(QPointF pos) const {
    if (!m_layout || !m_selection)
        return -1;
    return m_layout->hitTest(toLayout(pos));
}

int TokenMapView::nodeAt(QPointF pos) const {
    const int i = rectAt(pos);
    return i < 0 ? -1 : m_layout->rects[size_t(i)].node;
}

QRectF TokenMapView::rectOfNode(int node) const {
    if (!m_layout)
        return {};
    for (const models::MapRect &r : m_layout->rects)
        if (r.node == node)
            return toWidget(r.rect);
    return {};
}

QString TokenMapView::toolTipAt(QPointF pos) const {
    const int node = nodeAt(pos);
    return node >= 0 && m_toolTip ? m_toolTip(node) : QString();
}

bool TokenMapView::event(QEvent *event) {
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void TokenMapView::paintEvent(QPaintEvent *) {
    QPainter painter(this);
    if (!m_layout || !m_selection) {
        painter.fillRect(rect(), palette().window());
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
                         m_placeholder);
    } else {
        if (m_layout->rects.empty())
            painter.fillRect(rect(), palette().window());
        const MapDecorations decorations{m_hover, &m_marked};
        TokenMapRenderer::paint(painter, scene(), QRectF(rect()), decorations);
    }
    ++m_paintCount;
    Q_EMIT painted();
}

void TokenMapView::resizeEvent(QResizeEvent *event) {
    QWidget::resizeEvent(event);
    Q_EMIT resized();
}

void TokenMapView::mousePressEvent(QMouseEvent *event) {
    if (event->button() == Qt::LeftButton) {
        m_pressPos = event->position().toPoint();
        m_pressed = true;
    }
    QWidget::mousePressEvent(event);
}

void TokenMapView::mouseMoveEvent(QMouseEvent *event) {
    const QPoint pos = event->position().toPoint();
    if (m_pressed && (event->buttons() & Qt::LeftButton) &&
        (pos - m_pressPos).manhattanLength() >= QApplication::startDragDistance()) {
        m_band->setGeometry(QRect(m_pressPos, pos).normalized());
        m_band->show();
    }
    const int hover = rectAt(event->position());
    if (hover != m_hover) {
        // Only the old and new hover outlines change.
        if (m_hover >= 0 && m_layout)
            update(toWidget(m_layout->rects[size_t(m_hover)].rect)
                       .toAlignedRect()
                       .adjusted(-1, -1, 1, 1));
        m_hover = hover;
        if (m_hover >= 0)
            update(toWidget(m_layout->rects[size_t(m_hover)].rect)
                       .toAlignedRect()
                       .adjusted(-1, -1, 1, 1));
    }
    QWidget::mouseMoveEvent(event);
}

void TokenMapView::mouseReleaseEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton || !m_pressed)
        return QWidget::mouseReleaseEvent(event);
    m_pressed = false;
    if (m_band->isVisible()) {
        m_band->hide();
        m_marked.clear();
        if (m_layout) {
            const QRectF band = QRectF(m_band->geometry());
            const QRectF inLayout(toLayout(band.topLeft()), toLayout(band.bottomRight()));
            for (int i : m_layout->filesIn(inLayout))
                m_marked.insert(m_layout->rects[size_t(i)].node);
        }
        update();
        return;
    }
    const int node = nodeAt(event->position());
    if (node < 0)
        return;
    m_marked = {node};
    update();
    Q_EMIT nodeClicked(node);
}

void TokenMapView::mouseDoubleClickEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton)
        return QWidget::mouseDoubleClickEvent(event);
    m_pressed = false;
    const int i = rectAt(event->position());
    if (i < 0)
        return;
    const models::MapRect &r = m_layout->rects[size_t(i)];
    if (r.folder)
        Q_EMIT folderDoubleClicked(r.node);
    else
        Q_EMIT fileDoubleClicked(r.node);
}

void TokenMapView::leaveEvent(QEvent *event) {
    if (m_hover >= 0) {
        m_hover = -1;
        update();
    }
    QWidget::leaveEvent(event);
}

void TokenMapView::keyPressEvent(QKeyEvent *event) {
    if (event->key() == Qt::Key_Space && event->modifiers() == Qt::NoModifier) {
        if (!m_marked.empty())
            Q_EMIT toggleRequested(markedNodes());
        return;
    }
    if (event->key() == Qt::Key_Backspace ||
        (event->key() == Qt::Key_Up && (event->modifiers() & Qt::AltModifier))) {
        Q_EMIT backRequested();
        return;
    }
    QWidget::keyPressEvent(event);
}

void TokenMapView::contextMenuEvent(QContextMenuEvent *event) {
    const int node = nodeAt(event->pos());
    if (node >= 0 && !m_marked.count(node)) {
        m_marked = {node};
        update();
    }
    Q_EMIT contextMenuRequested(node, event->globalPos());
}

} // namespace reposcope::ui
