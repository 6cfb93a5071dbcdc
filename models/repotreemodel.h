// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractItemModel>
#include <QIcon>
#include <QTimer>

#include <functional>
#include <vector>

namespace reposcope::workspace {
class SecretIndex;
class Workspace;
} // namespace reposcope::workspace
namespace reposcope::prompt {
class Selection;
}

namespace reposcope::models {

class SelectionHistory;

// The repository tree with tri-state check boxes and token / byte / line columns,
// adapting a Workspace's snapshot and selection. Rows are snapshot nodes (the internal
// id is the node index). Count updates are coalesced and published at most every
// 100 ms, and only for folders a view has asked about, so a 78k-file tree stays fluid.
class RepoTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, TokensColumn, BytesColumn, LinesColumn, NoteColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, // numeric value for sorting
        NodeRole,                    // snapshot node index
        PathRole,                    // repository-relative path (QString)
        IsDirectoryRole,
        ExcludedRole, // bool: excluded by a default rule or a glob
        PinnedRole,   // bool: the node itself is pinned (kept by Fit to budget)
        // int: secrets not allowed in the file, or files holding such secrets under the
        // folder (0 without a secret index)
        SecretsRole,
    };

    explicit RepoTreeModel(workspace::Workspace *workspace, QObject *parent = nullptr);

    void setIcons(const QIcon &folder, const QIcon &file);
    // Marks files holding secrets the allow list does not allow (a badge on the icon, a note
    // and the tooltip) and, subtly, folders containing such files. Not owned; may be null.
    void setSecretIndex(const workspace::SecretIndex *index);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    QModelIndex indexForNode(int node, int column = NameColumn) const;
    int nodeForIndex(const QModelIndex &index) const;

    // Selection edits that touch many files; each refreshes the views once.
    void setNodeChecked(int node, bool checked);
    int checkByGlob(const QString &glob, bool checked);
    void invertSelection();
    int selectOnly(const QList<QByteArray> &paths);
    // Call after editing the workspace's selection directly.
    void refreshAll();
    // Runs `edit` on the selection as one undo step named `name` ("Fit to Budget"), then
    // refreshes the views. Every edit above goes through it.
    void editSelection(const QString &name, const std::function<void(prompt::Selection &)> &edit);
    // Undo / redo of the edits above; owned by the model.
    SelectionHistory *history() const { return m_history; }
    // Pins (not an undo step): shown in the Name column and kept by Fit to budget.
    void setPinned(int node, bool pinned);
    // Views report which folders are expanded: only visible rows get change notifications
    // (rows of collapsed folders are read afresh when they are expanded). Without any
    // report every folder a view has asked about is notified.
    void setExpanded(int node, bool expanded);
    // Forget the expansion reports and notify every folder (e.g. after a view's expandAll(),
    // which reports nothing); the next setExpanded() starts tracking again.
    void stopTrackingExpansion();

Q_SIGNALS:
    // The selected totals changed (toggle, glob, counts arriving).
    void selectionTotalsChanged();

private:
    void onOpened();
    void onCountsApplied(const QList<int> &nodes);
    void flushPending();
    void emitRowsChanged(const std::vector<int> &parents);
    bool hasSelection() const;
    QString secretsNote(int node) const;
    QIcon icon(int node, bool dir, bool pinned) const;

    workspace::Workspace *m_workspace;
    SelectionHistory *m_history;
    QIcon m_folderIcon;
    QIcon m_fileIcon;
    QIcon m_pinnedFolderIcon; // the icons with a pin mark
    QIcon m_pinnedFileIcon;
    QIcon m_secretIcons[4]; // with a secret mark: folder, file, pinned folder, pinned file
    const workspace::SecretIndex *m_secrets = nullptr;
    mutable std::vector<bool> m_seen; // folders whose rows a view has asked for
    std::vector<bool> m_expanded;     // folders a view shows expanded
    bool m_tracksExpansion = false;
    std::vector<int> m_pendingParents;
    std::vector<bool> m_pendingMark;
    QTimer m_flushTimer;
    bool m_resetting = false;
};

// Compact token figure: 987, 12.3K, 4.56M.
QString formatTokens(qint64 tokens);
// Sizes: reposcope::formatBytes (common/figures.h).

} // namespace reposcope::models
