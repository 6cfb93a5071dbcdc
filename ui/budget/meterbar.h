// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QProgressBar>

namespace reposcope::ui {

// The budget meter's progress bar with its text drawn by itself, centred, in the colour
// that reads best on what lies under each part of it: textColourOn(fill) over the filled
// part, textColourOn(track) over the rest (the style draws the groove and the chunk, its
// style sheet included). So a red bar over the cap gets white text, an amber one black, in
// light and dark palettes alike.
class MeterBar : public QProgressBar {
    Q_OBJECT
public:
    explicit MeterBar(QWidget *parent = nullptr);

    // The chunk's colour as the style sheet paints it (a striped chunk: its darker stripe).
    void setFillColour(const QColor &colour);
    QColor fillColour() const { return m_fill; }
    // The groove's colour: the palette's base.
    QColor trackColour() const;
    // The text colours over the filled part and over the track.
    QColor textColourOnFill() const;
    QColor textColourOnTrack() const;
    // The filled part of the bar, in widget coordinates.
    QRect filledRect() const;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QColor m_fill;
};

} // namespace reposcope::ui
