// SPDX-License-Identifier: MIT
#include "budget/meterbar.h"

#include "budget/budgetsegments.h"

#include <QPainter>
#include <QStyle>
#include <QStyleOptionProgressBar>

#include <algorithm>
#include <cmath>

namespace reposcope::ui {

MeterBar::MeterBar(QWidget *parent)
    : QProgressBar(parent)
    , m_fill(0x2e, 0x86, 0xc1) {}

void MeterBar::setFillColour(const QColor &colour) {
    m_fill = colour;
    update();
}

QColor MeterBar::trackColour() const {
    return palette().color(QPalette::Base);
}

QColor MeterBar::textColourOnFill() const {
    return textColourOn(m_fill);
}

QColor MeterBar::textColourOnTrack() const {
    return textColourOn(trackColour());
}

QRect MeterBar::filledRect() const {
    QStyleOptionProgressBar opt;
    initStyleOption(&opt);
    const QRect contents = style()->subElementRect(QStyle::SE_ProgressBarContents, &opt, this);
    const double span = double(maximum()) - double(minimum());
    const double share = span > 0 ? (double(value()) - double(minimum())) / span : 0.0;
    const int w = int(std::lround(std::clamp(share, 0.0, 1.0) * contents.width()));
    return {contents.left(), contents.top(), w, contents.height()};
}

void MeterBar::paintEvent(QPaintEvent *) {
    QPainter p(this);
    QStyleOptionProgressBar opt;
    initStyleOption(&opt);
    const QString text = opt.text;
    opt.textVisible = false; // drawn below, in two colours
    style()->drawControl(QStyle::CE_ProgressBar, &opt, &p, this);
    if (!isTextVisible() || text.isEmpty())
        return;
    const QRect all = rect();
    const QRect fill = filledRect();
    const QString shown =
        fontMetrics().elidedText(text, Qt::ElideRight, std::max(0, all.width() - 8));
    p.save();
    p.setClipRect(QRect(fill.left() - 1, all.top(), fill.width() + 1, all.height()));
    p.setPen(textColourOnFill());
    p.drawText(all, Qt::AlignCenter, shown);
    p.restore();
    p.setClipRegion(QRegion(all).subtracted(QRegion(fill)));
    p.setPen(textColourOnTrack());
    p.drawText(all, Qt::AlignCenter, shown);
}

} // namespace reposcope::ui
