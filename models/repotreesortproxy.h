// SPDX-License-Identifier: MIT
#pragma once

#include <QSortFilterProxyModel>

namespace reposcope::models {

// The repository tree's sort and name filter over a RepoTreeModel: sorts by
// RepoTreeModel::SortRole, and rows whose figure is unknown (an invalid SortRole: a
// file not read, binary, or not counted yet) come after every known one in both orders,
// so "largest first" starts with real figures.
class RepoTreeSortProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit RepoTreeSortProxy(QObject *parent = nullptr);

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
};

} // namespace reposcope::models
