// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTreeView;

namespace reposcope::workspace {
class Workspace;
}
namespace reposcope::models {
class RepoTreeModel;
}

namespace reposcope::ui {

class TokenMapPanel;

// The repository dock: what is open (path, ref, short SHA, dirty), the file tree with
// check boxes and token columns, a name filter, and the counting progress with Cancel.
// Owns its view and proxy; the model and workspace are injected.
class RepoPanel : public QWidget {
    Q_OBJECT
public:
    RepoPanel(workspace::Workspace *workspace, models::RepoTreeModel *model,
              QWidget *parent = nullptr);

    QTreeView *treeView() const { return m_tree; }
    // The "Map" tab (the token map); the tab shown is remembered.
    TokenMapPanel *tokenMap() const { return m_map; }
    QTabWidget *viewTabs() const { return m_tabs; }
    // The repository-relative path of the current item, "" if none.
    QString currentPath() const;
    // Makes `node` the current row (expanding its folders) without activating it.
    void revealNode(int node);
    // The default columns: Name stretches, Tokens, Size and Lines are as wide as their
    // widest likely figure and their header with its sort indicator, Notes is elided.
    void resetColumns();
    // The width this panel needs to show every column at its default width with a
    // readable Name column (for the window's default dock sizes).
    int preferredWidth() const;

Q_SIGNALS:
    // A file was activated (double-click / Enter): show it in the viewer.
    void fileActivated(int node);
    // "Attach as Image" on an image file: attach it to the next chat question.
    void attachImageRequested(int node);

private:
    void onOpened(qint64 scanMs);
    void showContextMenu(const QPoint &pos);
    void expandTopLevel();
    // Ticks or clears every selected row (Space toggles just the current one).
    void setSelectedRowsChecked(bool checked);
    // Pins or unpins the row's node and remembers the repository's pins.
    void setPinned(int node, bool pinned);
    void restorePins();
    void onProgress(int done, int total);
    void onCountingFinished(bool cancelled, qint64 elapsedMs);
    // Says so above the tree when there is no file, or when every file is excluded.
    void updateEmptyNote();

    workspace::Workspace *m_workspace;
    models::RepoTreeModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_header;
    QLineEdit *m_filter;
    QLabel *m_emptyNote;
    QTreeView *m_tree;
    TokenMapPanel *m_map;
    QTabWidget *m_tabs;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QLabel *m_status;
};

} // namespace reposcope::ui
