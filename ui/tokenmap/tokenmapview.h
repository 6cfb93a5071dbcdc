// SPDX-License-Identifier: MIT
#pragma once

#include "tokenmap/tokenmaprenderer.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <unordered_set>
#include <vector>

class QRubberBand;

namespace reposcope::ui {

// The token map: paints the last layout it was given (scaled to the widget until the
// next one arrives, so a resize or a recount never shows an empty frame) with the
// selection's colours at paint time. Knows nothing of workspaces: it reports clicks,
// double-clicks, the rubber band, Space, Backspace / Alt+Up and context menus as signals
// (TokenMapController acts on them). UI thread only; painting is O(rects).
class TokenMapView : public QWidget {
    Q_OBJECT
public:
    explicit TokenMapView(QWidget *parent = nullptr);

    // Not owned; must outlive the view or be reset with setSelection(nullptr).
    void setSelection(const prompt::Selection *selection);
    void setMapLayout(std::shared_ptr<const models::MapLayout> layout);
    void setWeights(std::shared_ptr<const models::MapWeights> weights);
    void setKinds(std::shared_ptr<const std::vector<models::FileKind>> kinds);
    void setPalette(MapPalette palette);
    // Drops the layout (a new snapshot replaces the old) and shows `message` instead.
    void clearMap(const QString &message);
    // Text shown when there is no layout yet.
    void setPlaceholder(const QString &message);
    // Tooltip text for a node (the controller computes it).
    void setToolTipProvider(std::function<QString(int node)> provider);

    const models::MapLayout *mapLayout() const { return m_layout.get(); }
    std::shared_ptr<const models::MapLayout> mapLayoutPtr() const { return m_layout; }
    MapScene scene() const;
    MapPalette mapPalette() const { return m_palette; }
    // Files marked by the last rubber band (or the last clicked node), for Space.
    std::vector<int> markedNodes() const;
    void setMarkedNodes(const std::vector<int> &nodes);
    // The node under a widget position, or -1.
    int nodeAt(QPointF pos) const;
    // Where a node's rectangle is, in widget coordinates (empty if not drawn).
    QRectF rectOfNode(int node) const;
    // How many times paintEvent ran (tests and the bench probe watch it).
    quint64 paintCount() const { return m_paintCount; }
    // The tooltip text for the node at pos ("" for none).
    QString toolTipAt(QPointF pos) const;

Q_SIGNALS:
    void nodeClicked(int node);
    void folderDoubleClicked(int node);
    void fileDoubleClicked(int node);
    void toggleRequested(const std::vector<int> &nodes);
    void backRequested();
    void contextMenuRequested(int node, const QPoint &globalPos);
    void resized();
    void painted();

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    int rectAt(QPointF pos) const;
    QPointF toLayout(QPointF pos) const;
    QRectF toWidget(const QRectF &layoutRect) const;

    const prompt::Selection *m_selection = nullptr;
    std::shared_ptr<const models::MapLayout> m_layout;
    std::shared_ptr<const models::MapWeights> m_weights;
    std::shared_ptr<const std::vector<models::FileKind>> m_kinds;
    MapPalette m_palette = MapPalette::State;
    QString m_placeholder;
    std::function<QString(int)> m_toolTip;
    std::unordered_set<int> m_marked;
    int m_hover = -1;
    QPoint m_pressPos;
    bool m_pressed = false;
    QRubberBand *m_band = nullptr;
    quint64 m_paintCount = 0;
};

} // namespace reposcope::ui
