// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QWidget>

#include "common/result.h"

#include <functional>

class QComboBox;
class QLabel;

namespace reposcope::workspace {
class Workspace;
}
namespace reposcope::models {
class RepoTreeModel;
}

namespace reposcope::ui {

class TokenMapBreadcrumb;
class TokenMapController;
class TokenMapView;

// The "Map" tab of the repository panel: breadcrumb, colour switch (remembered), the map,
// its legend and status, the context menu and the PNG / SVG export.
class TokenMapPanel : public QWidget {
    Q_OBJECT
public:
    enum class ExportFormat { Png, Svg };

    TokenMapPanel(workspace::Workspace *workspace, models::RepoTreeModel *model,
                  QWidget *parent = nullptr);
    ~TokenMapPanel() override;

    TokenMapView *view() const { return m_view; }
    TokenMapController *controller() const { return m_controller; }
    TokenMapBreadcrumb *breadcrumb() const { return m_breadcrumb; }
    void setCapProvider(std::function<qint64()> cap);
    // Renders the map as shown now and writes it on the pool; exportFinished reports.
    void saveMap(const QString &path, ExportFormat format);
    // Asks for a file name, then saveMap.
    void chooseAndSave(ExportFormat format);
    QString legendText() const;
    QString statusText() const;

Q_SIGNALS:
    // A click: the repository panel makes the node the tree's current row.
    void nodeClicked(int node);
    // "Show in Tree": the same, and the tree is brought to the front.
    void showInTreeRequested(int node);
    void fileActivated(int node);
    // error is empty on success.
    void exportFinished(const QString &path, const QString &error);

private:
    void showContextMenu(int node, const QPoint &globalPos);
    void updateLegend();

    workspace::Workspace *m_workspace;
    TokenMapBreadcrumb *m_breadcrumb;
    QComboBox *m_paletteBox;
    TokenMapView *m_view;
    QLabel *m_legend;
    QLabel *m_status;
    TokenMapController *m_controller;
    QFutureWatcher<Result<Ok>> m_saveWatcher;
    QString m_savePath;
};

} // namespace reposcope::ui
