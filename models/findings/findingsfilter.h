// SPDX-License-Identifier: MIT
#pragma once

#include <QSortFilterProxyModel>

namespace reposcope::models {

/// Sorting and filtering for a FindingsModel: free text (title, paths,
/// category; case insensitive, every word must match), a minimum severity, a
/// verification status and a triage state. Sorts on FindingsModel::SortRole;
/// equal keys keep the answer's order, so sorting by severity lists each
/// level's findings as the model wrote them. UI thread only.
class FindingsFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    enum class StatusFilter { Any, Navigable, Verified, Corrected, Located, Unverified, Pending };
    enum class TriageFilter { Any, Open, Untriaged, Confirmed, FalsePositive, Fixed };

    explicit FindingsFilterProxy(QObject *parent = nullptr);

    void setText(const QString &text);
    /// Shows findings at least this severe: 0 = critical only ... 4 = everything.
    void setMaxSeverityRank(int rank);
    void setStatusFilter(StatusFilter filter);
    /// Open = neither a false positive nor fixed.
    void setTriageFilter(TriageFilter filter);

    QString text() const { return m_text; }
    int maxSeverityRank() const { return m_maxRank; }
    StatusFilter statusFilter() const { return m_status; }
    TriageFilter triageFilter() const { return m_triage; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    bool statusAccepts(int status) const;
    bool triageAccepts(int triage) const;

    QString m_text;
    QStringList m_words;
    int m_maxRank = 4;
    StatusFilter m_status = StatusFilter::Any;
    TriageFilter m_triage = TriageFilter::Any;
};

} // namespace reposcope::models
