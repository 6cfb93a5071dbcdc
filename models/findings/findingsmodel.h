// SPDX-License-Identifier: MIT
#pragma once

#include "findings/finding.h"
#include "findings/triage.h"

#include <QAbstractTableModel>
#include <QIcon>

#include <functional>

namespace reposcope::models {

/// The findings of a conversation as a table: severity, title, location,
/// verification status and triage, one row per finding.
///
/// The model keeps a copy of each finding; its owner feeds it
/// (FindingsController follows a FindingsTracker, so row i is the tracker's
/// finding i). Triage verdicts are looked up by fingerprint through a function
/// the owner sets (the TriageStore), and a verdict given here (setTriage) is
/// reported through triageEdited() for the owner to store: the model never
/// saves anything itself. Rows sharing a fingerprint share their verdict.
///
/// Roles besides the usual display, tooltip and decoration ones: SortRole (per
/// column, what sorting compares), SeverityRankRole, StatusRole, TriageRole and
/// SearchTextRole, read by FindingsFilterProxy. Status icons and severity
/// colours follow the application palette (light or dark); call
/// paletteChanged() when it changes.
///
/// UI thread only. Cost: O(1) per row and call, setFindings() O(n).
class FindingsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        SeverityColumn,
        TitleColumn,
        LocationColumn,
        StatusColumn,
        TriageColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // what sorting by the column compares
        SeverityRankRole,            // int: 0 = critical ... 4 = info
        StatusRole,                  // int(findings::VerificationStatus)
        TriageRole,                  // int(findings::TriageState)
        SearchTextRole,              // title, paths, category and quote, for text filtering
        FingerprintRole,             // QString: findings::fingerprint()
    };
    using TriageLookup = std::function<findings::Triage(const QString &fingerprint)>;

    explicit FindingsModel(QObject *parent = nullptr);

    /// Where verdicts come from; every row's verdict is read again.
    void setTriageLookup(TriageLookup lookup);
    /// Replaces every row (a reset).
    void setFindings(const QList<findings::Finding> &findings);
    /// Row `row` becomes `finding`: appended when row == rowCount(), else
    /// replaced (its fingerprint, hence its verdict, is recomputed).
    void setFinding(int row, const findings::Finding &finding);
    void clear();

    const findings::Finding &finding(int row) const { return m_rows.at(row).finding; }
    QList<findings::Finding> findings() const;
    QString fingerprintAt(int row) const { return m_rows.at(row).fingerprint; }
    findings::Triage triage(int row) const { return m_rows.at(row).triage; }
    /// A person's verdict on row `row` (and on every row with the same
    /// fingerprint); the update time is set when empty. Emits triageEdited()
    /// once.
    void setTriage(int row, findings::Triage triage);

    /// Icons drawn for the current palette (cached).
    QIcon statusIcon(findings::VerificationStatus status) const;
    QIcon severityIcon(findings::Severity severity) const;
    /// The palette changed (light <-> dark): icons and colours are redrawn.
    void paletteChanged();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// "api/user.go:42-50": the resolved location when there is one, else as
    /// cited.
    static QString locationText(const findings::Finding &finding);
    static QString locationText(const QString &path, int first, int last);
    static QString triageText(findings::TriageState state);         // "False positive", ...
    static QString statusText(findings::VerificationStatus status); // "Verified", ...
    /// A colour for the status that reads on the palette's base colour (dark or
    /// light).
    static QColor statusColor(findings::VerificationStatus status, bool dark);
    static QColor severityColor(findings::Severity severity, bool dark);

Q_SIGNALS:
    void triageEdited(const QString &fingerprint, const findings::Triage &triage);

private:
    struct Row {
        findings::Finding finding;
        QString fingerprint;
        findings::Triage triage;
    };
    Row makeRow(const findings::Finding &finding) const;
    QVariant displayData(const Row &row, int column) const;
    QVariant toolTipData(const Row &row, int column) const;
    QVariant sortData(const Row &row, int column) const;
    void rebuildIcons();

    QList<Row> m_rows;
    TriageLookup m_lookup;
    bool m_dark = false;
    QList<QIcon> m_statusIcons;   // by int(VerificationStatus)
    QList<QIcon> m_severityIcons; // by int(Severity)
};

} // namespace reposcope::models
