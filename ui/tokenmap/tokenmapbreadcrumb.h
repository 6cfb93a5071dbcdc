// SPDX-License-Identifier: MIT
#pragma once

#include "repo/reposnapshot.h"

#include <QWidget>

class QHBoxLayout;
class QToolButton;

namespace reposcope::ui {

// The way from the repository's root down to the folder the token map shows: one flat
// button per folder; a click on one zooms back out to it. "Back" goes up one level.
class TokenMapBreadcrumb : public QWidget {
    Q_OBJECT
public:
    explicit TokenMapBreadcrumb(QWidget *parent = nullptr);

    // Shows the path to `node` of `snapshot` (null: nothing).
    void setPath(const repo::SnapshotPtr &snapshot, int node);
    // The folder names shown, root first (tests read them).
    QStringList segments() const;

Q_SIGNALS:
    void folderChosen(int node);
    void backRequested();

private:
    QToolButton *m_back;
    QHBoxLayout *m_segments;
    QStringList m_names;
};

} // namespace reposcope::ui
