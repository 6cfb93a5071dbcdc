// SPDX-License-Identifier: MIT
#pragma once

#include "security/secrets/allowlist.h"

#include <QDialog>
#include <QList>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

namespace reposcope::workspace {
class SecretIndex;
class Workspace;
} // namespace reposcope::workspace

namespace reposcope::ui {

/// The review list of the privacy guard: every secret the background scan found (in the
/// selected files, or in all files), with file, line, rule, severity, a masked preview and
/// what happens to it. The user allows a single secret, a rule or a file for this repository,
/// or removes an allowance; the allow list is the user's list of SecretIndex (saved as hashes,
/// never the secret) and the confirmation strip's count follows it.
///
/// Keys: Enter (or a double-click) opens the file at the secret's line (openRequested),
/// Delete removes the current row's allowance, Ctrl+Z undoes the last change, Esc closes.
/// Not modal: the viewer stays usable beside it. UI thread only.
class SecretReviewDialog : public QDialog {
    Q_OBJECT
public:
    /// Neither is owned; both must outlive the dialog.
    SecretReviewDialog(workspace::SecretIndex *index, workspace::Workspace *workspace,
                       QWidget *parent = nullptr);
    ~SecretReviewDialog() override;

    /// Shows only the secrets of the selected files (the default), or all.
    void setSelectedOnly(bool selectedOnly);
    void setFilter(const QString &text);
    /// Rows shown (after the filter).
    int rowCount() const;
    QTableView *table() const { return m_table; }

    /// The actions on the current row; false when there is none or nothing changed.
    bool allowCurrentSecret();
    bool allowCurrentRule();
    bool allowCurrentFile();
    bool removeCurrentAllowance();
    /// Restores the allow list as it was before the last change; false when none.
    bool undo();

Q_SIGNALS:
    /// Show this repository-relative file (as the tree shows paths) at `line`.
    void openRequested(const QString &path, int line);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void rebuild();
    void updateButtons();
    void openCurrent();
    // The row's hit, or false when no row is current.
    bool currentHit(security::secrets::SecretHit *hit) const;
    bool change(security::secrets::AllowList list);

    workspace::SecretIndex *m_index;
    workspace::Workspace *m_workspace;
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLineEdit *m_filter;
    QCheckBox *m_selectedOnly;
    QLabel *m_summary;
    QPushButton *m_allowSecret;
    QPushButton *m_allowRule;
    QPushButton *m_allowFile;
    QPushButton *m_remove;
    QList<security::secrets::AllowList> m_undo; // the user's lists before each change
    QList<security::secrets::SecretHit> m_hits; // by row of m_model
};

} // namespace reposcope::ui
