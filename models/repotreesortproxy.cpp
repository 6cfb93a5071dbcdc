// SPDX-License-Identifier: MIT
#include "repotreesortproxy.h"

#include "repotreemodel.h"

namespace reposcope::models {

RepoTreeSortProxy::RepoTreeSortProxy(QObject *parent)
    : QSortFilterProxyModel(parent) {
    setSortRole(RepoTreeModel::SortRole);
}

bool RepoTreeSortProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const {
    const QVariant l = left.data(sortRole());
    const QVariant r = right.data(sortRole());
    const bool lKnown = l.isValid();
    const bool rKnown = r.isValid();
    if (lKnown && rKnown)
        return QSortFilterProxyModel::lessThan(left, right);
    if (lKnown == rKnown) // both unknown: by name, A to Z in either order
        return sortOrder() == Qt::AscendingOrder
                   ? left.siblingAtColumn(0).data(sortRole()).toString() <
                         right.siblingAtColumn(0).data(sortRole()).toString()
                   : right.siblingAtColumn(0).data(sortRole()).toString() <
                         left.siblingAtColumn(0).data(sortRole()).toString();
    // A descending sort puts the rows for which lessThan(row, other) is false first, so
    // an unknown row must compare "less" there to come last.
    return lKnown ? sortOrder() == Qt::AscendingOrder : sortOrder() == Qt::DescendingOrder;
}

} // namespace reposcope::models
