// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

namespace reposcope::ui {

/// A thin track with a short segment sliding back and forth: "working, progress unknown".
/// Used instead of a QProgressBar with range 0..0, which the Fusion style (and any style without
/// its animation running, as offscreen) draws as a full bar, indistinguishable from "100% done".
/// Not animated by itself: the owner calls advance(ms) from its own tick, and setFrozen(true)
/// stops the motion (a stalled stream must not look busy). UI thread only.
class BusyStrip : public QWidget {
public:
    explicit BusyStrip(QWidget *parent = nullptr);

    /// Moves the segment to where it is `elapsedMs` into its cycle and repaints.
    void advance(qint64 elapsedMs);
    void setFrozen(bool frozen);
    bool isFrozen() const { return m_frozen; }
    /// The segment's left edge as a fraction of the free track (0..1), for tests.
    double position() const { return m_position; }

    QSize sizeHint() const override { return {120, 6}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    double m_position = 0.0;
    bool m_frozen = false;
};

} // namespace reposcope::ui
