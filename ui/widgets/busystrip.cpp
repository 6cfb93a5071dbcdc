// SPDX-License-Identifier: MIT
#include "widgets/busystrip.h"

#include <QPainter>

#include <cmath>
#include <numbers>

namespace reposcope::ui {

namespace {

constexpr qint64 kCycleMs = 2400;        // there and back
constexpr double kSegmentFraction = 0.2; // of the track's width

} // namespace

BusyStrip::BusyStrip(QWidget *parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("chatPhaseBusy"));
    setFixedHeight(6);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void BusyStrip::advance(qint64 elapsedMs) {
    if (m_frozen)
        return;
    // A triangle wave, eased at the ends so the turn does not look like a jump.
    const double t = double(elapsedMs % kCycleMs) / double(kCycleMs);
    const double linear = t < 0.5 ? t * 2.0 : (1.0 - t) * 2.0;
    const double eased = 0.5 - 0.5 * std::cos(linear * std::numbers::pi);
    if (std::abs(eased - m_position) < 1e-4)
        return;
    m_position = eased;
    update();
}

void BusyStrip::setFrozen(bool frozen) {
    if (m_frozen == frozen)
        return;
    m_frozen = frozen;
    update();
}

void BusyStrip::paintEvent(QPaintEvent *) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF track = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    const double radius = track.height() / 2.0;
    const QPalette &colors = palette();
    QColor groove = colors.color(QPalette::Mid);
    groove.setAlpha(90);
    painter.setPen(Qt::NoPen);
    painter.setBrush(groove);
    painter.drawRoundedRect(track, radius, radius);
    QColor segment = colors.color(QPalette::Highlight);
    if (m_frozen)
        segment = colors.color(QPalette::Disabled, QPalette::WindowText);
    const double width = std::max(track.width() * kSegmentFraction, track.height() * 2);
    const double left = track.left() + (track.width() - width) * m_position;
    painter.setBrush(segment);
    painter.drawRoundedRect(QRectF(left, track.top(), width, track.height()), radius, radius);
}

} // namespace reposcope::ui
