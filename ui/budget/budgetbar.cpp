// SPDX-License-Identifier: MIT
#include "budget/budgetbar.h"

#include "repotreemodel.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionFocusRect>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace reposcope::ui {

namespace {

constexpr int kTrackPadding = 8; // track height = font height + this

} // namespace

BudgetBar::BudgetBar(QWidget *parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("budgetBar"));
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAccessibleName(tr("Budget breakdown"));
    updateAccessibleText();
}

void BudgetBar::setSegments(std::vector<BudgetSegment> segments, qint64 contextCap,
                            const QString &partialNote) {
    m_segments = std::move(segments);
    m_cap = contextCap;
    m_partialNote = partialNote;
    m_colours.clear();
    int folder = 0;
    for (const BudgetSegment &s : m_segments)
        m_colours.push_back(
            segmentColour(s.kind, s.kind == BudgetSegment::Kind::Folder ? folder++ : 0));
    if (m_current >= int(m_segments.size()))
        m_current = int(m_segments.size()) - 1;
    updateAccessibleText();
    update();
}

qint64 BudgetBar::totalTokens() const {
    qint64 sum = 0;
    for (const BudgetSegment &s : m_segments)
        sum += s.tokens;
    return sum;
}

QColor BudgetBar::colourOf(int index) const {
    return index >= 0 && index < int(m_colours.size()) ? m_colours[size_t(index)] : QColor();
}

QSize BudgetBar::sizeHint() const {
    const QFontMetrics fm(font());
    // The track and one caption line: the same height whatever the bar shows.
    return {fm.horizontalAdvance(QLatin1Char('0')) * 40,
            fm.height() + kTrackPadding + fm.lineSpacing() + 2};
}

QSize BudgetBar::minimumSizeHint() const {
    return {QFontMetrics(font()).horizontalAdvance(QLatin1Char('0')) * 10, sizeHint().height()};
}

QRect BudgetBar::trackRect() const {
    const QFontMetrics fm(font());
    return {1, 1, std::max(0, width() - 2), fm.height() + kTrackPadding - 2};
}

QRect BudgetBar::segmentRect(int index) const {
    if (index < 0 || index >= int(m_segments.size()))
        return {};
    const QRect track = trackRect();
    const double scale = double(std::max(m_cap, totalTokens()));
    if (scale <= 0)
        return {};
    qint64 before = 0;
    for (int i = 0; i < index; ++i)
        before += m_segments[size_t(i)].tokens;
    const qint64 after = before + m_segments[size_t(index)].tokens;
    // Edges from running sums: neighbours share an edge, no gaps or overlaps.
    const int x0 = track.left() + int(std::lround(double(before) / scale * track.width()));
    const int x1 = track.left() + int(std::lround(double(after) / scale * track.width()));
    return {x0, track.top(), x1 - x0, track.height()};
}

int BudgetBar::segmentAt(const QPoint &pos) const {
    for (int i = 0; i < int(m_segments.size()); ++i)
        if (const QRect r = segmentRect(i); r.width() > 0 && r.contains(pos))
            return i;
    return -1;
}

QString BudgetBar::describe(int index) const {
    if (index < 0 || index >= int(m_segments.size()))
        return {};
    const BudgetSegment &s = m_segments[size_t(index)];
    const QLocale loc;
    QString text = tr("%1 — %2 tokens").arg(s.label, loc.toString(s.tokens));
    if (m_cap > 0)
        text += tr(" (%1% of the cap)").arg(double(s.tokens) * 100.0 / double(m_cap), 0, 'f', 1);
    if (s.kind == BudgetSegment::Kind::Folder)
        text += tr(" — click to select it in the tree");
    return text;
}

QString BudgetBar::statusText() const {
    const QLocale loc;
    const qint64 total = totalTokens();
    if (!m_partialNote.isEmpty())
        return tr("%1 — the figures so far").arg(m_partialNote);
    if (m_cap <= 0)
        return tr("%1 tokens; no context cap").arg(loc.toString(total));
    if (total > m_cap)
        return tr("Over the cap by %1 tokens (%2% of the cap)")
            .arg(loc.toString(total - m_cap))
            .arg(double(total) * 100.0 / double(m_cap), 0, 'f', 1);
    return tr("Free: %1 tokens (%2% of the cap)")
        .arg(loc.toString(m_cap - total))
        .arg(double(m_cap - total) * 100.0 / double(m_cap), 0, 'f', 1);
}

void BudgetBar::paintEvent(QPaintEvent *) {
    QPainter p(this);
    const QRect track = trackRect();
    const QPalette &pal = palette();
    p.setPen(pal.color(QPalette::Mid));
    p.setBrush(pal.color(QPalette::Base));
    p.drawRect(track.adjusted(0, 0, -1, -1));
    const QFontMetrics fm(font());
    for (int i = 0; i < int(m_segments.size()); ++i) {
        const QRect r = segmentRect(i);
        if (r.width() <= 0)
            continue;
        const QColor fill = m_colours[size_t(i)];
        p.fillRect(r, fill);
        if (isPartial()) // the figures are not final: hatched, as the meter is striped
            p.fillRect(r, QBrush(QColor(255, 255, 255, 90), Qt::BDiagPattern));
        if (r.width() > 2) { // a thin line between neighbours
            p.setPen(pal.color(QPalette::Base));
            p.drawLine(r.topRight(), r.bottomRight());
        }
        const int room = r.width() - 6;
        if (room >= fm.horizontalAdvance(QStringLiteral("ab…"))) {
            const QString text = fm.elidedText(m_segments[size_t(i)].label, Qt::ElideRight, room);
            if (text != QStringLiteral("…")) {
                p.setPen(textColourOn(fill));
                p.drawText(r.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
            }
        }
    }
    const qint64 total = totalTokens();
    if (m_cap > 0 && total > m_cap) { // the cap's place, and the overrun past it
        const int x =
            track.left() + int(std::lround(double(m_cap) / double(total) * track.width()));
        p.fillRect(QRect(x, track.top(), track.right() - x + 1, track.height()),
                   QBrush(QColor(0xc0, 0x39, 0x2b, 160), Qt::DiagCrossPattern));
        p.fillRect(QRect(x - 1, track.top() - 1, 3, track.height() + 2), pal.color(QPalette::Text));
    }
    if (hasFocus() && m_current >= 0) {
        QStyleOptionFocusRect focus;
        focus.initFrom(this);
        focus.rect = segmentRect(m_current).adjusted(1, 1, -1, -1);
        style()->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, &p, this);
    }
    QRect caption(0, track.bottom() + 2, width(), fm.lineSpacing());
    QFont f = font();
    const bool over = !isPartial() && m_cap > 0 && total > m_cap;
    f.setBold(over);
    p.setFont(f);
    p.setPen(pal.color(QPalette::WindowText));
    const QString text = hasFocus() && m_current >= 0 ? describe(m_current) : statusText();
    p.drawText(caption, Qt::AlignVCenter | Qt::AlignLeft,
               QFontMetrics(f).elidedText(text, Qt::ElideRight, caption.width()));
}

bool BudgetBar::event(QEvent *event) {
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int index = segmentAt(help->pos());
        if (index >= 0)
            QToolTip::showText(help->globalPos(), describe(index), this, segmentRect(index));
        else
            QToolTip::showText(help->globalPos(), statusText(), this);
        return true;
    }
    return QWidget::event(event);
}

void BudgetBar::mousePressEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    const int index = segmentAt(event->position().toPoint());
    if (index >= 0) {
        m_current = index;
        activate(index);
        update();
    }
}

void BudgetBar::keyPressEvent(QKeyEvent *event) {
    const int n = int(m_segments.size());
    switch (event->key()) {
    case Qt::Key_Left:
    case Qt::Key_Right:
        if (n > 0) {
            const int step = event->key() == Qt::Key_Right ? 1 : -1;
            m_current =
                m_current < 0 ? (step > 0 ? 0 : n - 1) : std::clamp(m_current + step, 0, n - 1);
            updateAccessibleText();
            update();
        }
        return;
    case Qt::Key_Home:
    case Qt::Key_End:
        if (n > 0) {
            m_current = event->key() == Qt::Key_Home ? 0 : n - 1;
            updateAccessibleText();
            update();
        }
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        activate(m_current);
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

void BudgetBar::activate(int index) {
    if (index < 0 || index >= int(m_segments.size()))
        return;
    const BudgetSegment &s = m_segments[size_t(index)];
    if (s.kind == BudgetSegment::Kind::Folder && s.node >= 0)
        Q_EMIT folderClicked(s.node);
}

void BudgetBar::updateAccessibleText() {
    QStringList parts;
    for (int i = 0; i < int(m_segments.size()); ++i)
        parts << describe(i);
    parts << statusText();
    setAccessibleDescription(parts.join(QStringLiteral("; ")));
    setToolTip(QString()); // tooltips are per segment (event())
}

} // namespace reposcope::ui
