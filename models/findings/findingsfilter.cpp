// SPDX-License-Identifier: MIT
#include "findings/findingsfilter.h"

#include "findings/finding.h"
#include "findings/findingsmodel.h"
#include "findings/triage.h"

namespace reposcope::models {

using findings::TriageState;
using findings::VerificationStatus;

FindingsFilterProxy::FindingsFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent) {
    setSortRole(FindingsModel::SortRole);
    setDynamicSortFilter(true);
}

void FindingsFilterProxy::setText(const QString &text) {
    if (text == m_text)
        return;
    m_text = text;
    m_words = text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    invalidateFilter();
}

void FindingsFilterProxy::setMaxSeverityRank(int rank) {
    if (rank == m_maxRank)
        return;
    m_maxRank = rank;
    invalidateFilter();
}

void FindingsFilterProxy::setStatusFilter(StatusFilter filter) {
    if (filter == m_status)
        return;
    m_status = filter;
    invalidateFilter();
}

void FindingsFilterProxy::setTriageFilter(TriageFilter filter) {
    if (filter == m_triage)
        return;
    m_triage = filter;
    invalidateFilter();
}

bool FindingsFilterProxy::statusAccepts(int status) const {
    const auto value = VerificationStatus(status);
    switch (m_status) {
    case StatusFilter::Any:
        return true;
    case StatusFilter::Navigable:
        return value == VerificationStatus::Verified || value == VerificationStatus::Corrected ||
               value == VerificationStatus::Located;
    case StatusFilter::Verified:
        return value == VerificationStatus::Verified;
    case StatusFilter::Corrected:
        return value == VerificationStatus::Corrected;
    case StatusFilter::Located:
        return value == VerificationStatus::Located;
    case StatusFilter::Unverified:
        return value == VerificationStatus::Unverified;
    case StatusFilter::Pending:
        return value == VerificationStatus::Pending;
    }
    return true;
}

bool FindingsFilterProxy::triageAccepts(int triage) const {
    const auto value = TriageState(triage);
    switch (m_triage) {
    case TriageFilter::Any:
        return true;
    case TriageFilter::Open:
        return value != TriageState::FalsePositive && value != TriageState::Fixed;
    case TriageFilter::Untriaged:
        return value == TriageState::Untriaged;
    case TriageFilter::Confirmed:
        return value == TriageState::Confirmed;
    case TriageFilter::FalsePositive:
        return value == TriageState::FalsePositive;
    case TriageFilter::Fixed:
        return value == TriageState::Fixed;
    }
    return true;
}

bool FindingsFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const {
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (index.data(FindingsModel::SeverityRankRole).toInt() > m_maxRank)
        return false;
    if (!statusAccepts(index.data(FindingsModel::StatusRole).toInt()))
        return false;
    if (!triageAccepts(index.data(FindingsModel::TriageRole).toInt()))
        return false;
    if (m_words.isEmpty())
        return true;
    const QString haystack = index.data(FindingsModel::SearchTextRole).toString();
    for (const QString &word : m_words) {
        if (!haystack.contains(word, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

bool FindingsFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const {
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    const QPartialOrdering order = QVariant::compare(a, b);
    if (order == QPartialOrdering::Less)
        return true;
    if (order == QPartialOrdering::Greater)
        return false;
    // Equal keys: the answer's order, whichever way the column is sorted.
    const bool before = left.row() < right.row();
    return sortOrder() == Qt::AscendingOrder ? before : !before;
}

} // namespace reposcope::models
