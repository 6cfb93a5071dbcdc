// SPDX-License-Identifier: MIT
#pragma once

#include "budget/budgetsegments.h"

#include <QWidget>

#include <vector>

namespace reposcope::ui {

// The stacked bar under the budget meter: what takes the space of one request, segment by
// segment (budgetSegments), against the context cap. The free remainder is empty track; past
// the cap the bar is drawn to the used total with a mark at the cap and says by how much it
// is over. While counts are partial the segments are hatched and the bar says so, as the
// meter does. Segments are labelled where the label fits; every segment has a tooltip (name,
// tokens, share of the cap). A click, Enter or Space on a folder segment emits folderClicked;
// Tab focuses the bar and the arrow keys move between segments. Painting is O(segments).
class BudgetBar : public QWidget {
    Q_OBJECT
public:
    explicit BudgetBar(QWidget *parent = nullptr);

    // `partialNote` non-empty: the counts are partial ("counting… 40% of files").
    void setSegments(std::vector<BudgetSegment> segments, qint64 contextCap,
                     const QString &partialNote = {});

    const std::vector<BudgetSegment> &segments() const { return m_segments; }
    qint64 contextCap() const { return m_cap; }
    qint64 totalTokens() const;
    bool isPartial() const { return !m_partialNote.isEmpty(); }
    // The segment's rectangle in widget coordinates (empty when too thin to draw).
    QRect segmentRect(int index) const;
    int segmentAt(const QPoint &pos) const;
    QColor colourOf(int index) const;
    // "src/ — 12,345 tokens (9.4% of the cap)".
    QString describe(int index) const;
    // What the bar says besides the segments: "over the cap by …", the partial note, or
    // "free …".
    QString statusText() const;
    int currentSegment() const { return m_current; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    // A folder segment was clicked (or activated from the keyboard): its snapshot node.
    void folderClicked(int node);

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    QRect trackRect() const;
    void activate(int index);
    void updateAccessibleText();

    std::vector<BudgetSegment> m_segments;
    std::vector<QColor> m_colours;
    qint64 m_cap = 0;
    QString m_partialNote;
    int m_current = -1; // keyboard focus segment
};

} // namespace reposcope::ui
