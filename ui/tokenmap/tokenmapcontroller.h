// SPDX-License-Identifier: MIT
#pragma once

#include "tokenmap/tokenmaplayout.h"
#include "tokenmap/tokenmappalette.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

namespace reposcope::workspace {
class Workspace;
}
namespace reposcope::models {
class RepoTreeModel;
class TokenMapLayouter;
} // namespace reposcope::models

namespace reposcope::ui {

class TokenMapView;

// Wires a TokenMapView to the workspace and the tree model:
//  - weights (MapWeights) are rebuilt from the selection when counts arrive, at most every
//    250 ms while counting, and a layout is requested from TokenMapLayouter on the
//    workspace's pool (never laid out on the UI thread); the view keeps painting the old
//    layout until the new one is delivered;
//  - a selection change only repaints (colours are read at paint time), never relays out;
//  - a resize re-requests the layout after 120 ms of quiet;
//  - Space toggles the marked nodes through the model (one undo step); a double-click zooms.
// Lives on the UI thread; owns the layouter.
class TokenMapController : public QObject {
    Q_OBJECT
public:
    TokenMapController(workspace::Workspace *workspace, models::RepoTreeModel *model,
                       TokenMapView *view, QObject *parent = nullptr);
    ~TokenMapController() override;

    // The model's context cap (the budget meter's), for the share in tooltips. 0 = unknown.
    void setCapProvider(std::function<qint64()> cap) { m_cap = std::move(cap); }
    qint64 cap() const { return m_cap ? m_cap() : 0; }

    int root() const { return m_root; }
    void zoomTo(int folder);
    void zoomOut();
    // Ticks all of `nodes` if any is not ticked, else clears them all (one undo step).
    void toggle(const std::vector<int> &nodes);
    void setPalette(MapPalette palette);
    MapPalette mapPalette() const { return m_palette; }

    QString toolTip(int node) const;
    // Legend entries for the current palette and snapshot.
    QList<LegendEntry> legend() const;
    // "areas by size until counts finish", or a summary of what is shown.
    QString statusText() const;
    // The title line of an export: repository, tokens, tokenizer.
    QString titleText() const;
    bool hasEstimates() const;

    // Layouts asked of the layouter so far (tests check a selection change asks none).
    int layoutRequests() const { return m_layoutRequests; }
    models::TokenMapLayouter *layouter() const { return m_layouter; }

Q_SIGNALS:
    void zoomChanged(int root);
    // Legend or status text changed.
    void legendChanged();
    // A layout for the current weights and size was delivered.
    void layoutDelivered();

private:
    void onAboutToReplace();
    void onOpened();
    void rebuildWeights();
    void requestLayout();
    void onLaidOut(std::shared_ptr<const models::MapLayout> layout);

    workspace::Workspace *m_workspace;
    models::RepoTreeModel *m_model;
    TokenMapView *m_view;
    models::TokenMapLayouter *m_layouter;
    std::function<qint64()> m_cap;
    std::shared_ptr<const models::MapWeights> m_weights;
    std::shared_ptr<const std::vector<models::FileKind>> m_kinds;
    QList<repo::Exclusion> m_reasons; // exclusion reasons the snapshot has
    quint64 m_generation = 0;
    int m_root = 0;
    int m_layoutRequests = 0;
    MapPalette m_palette = MapPalette::State;
    QTimer m_weightsTimer;
    QTimer m_resizeTimer;
};

} // namespace reposcope::ui
