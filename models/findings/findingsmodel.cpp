// SPDX-License-Identifier: MIT
#include "findings/findingsmodel.h"

#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

namespace reposcope::models {

using findings::Finding;
using findings::Severity;
using findings::TriageState;
using findings::VerificationStatus;

namespace {

constexpr int kIconSize = 14;

bool paletteIsDark() {
    return QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
}

// Sorting by status puts the findings a person should look at first on top:
// those that could not be checked, then the corrected ones, then those only located
// (no quote was checked), then the verified ones.
int statusOrder(VerificationStatus status) {
    switch (status) {
    case VerificationStatus::Unverified:
        return 0;
    case VerificationStatus::Corrected:
        return 1;
    case VerificationStatus::Located:
        return 2;
    case VerificationStatus::Verified:
        return 3;
    case VerificationStatus::Pending:
        return 4;
    }
    return 5;
}

QString html(const QString &text) {
    return text.toHtmlEscaped().replace(QLatin1Char('\n'), QLatin1String("<br>"));
}

QPixmap blankPixmap() {
    QPixmap pixmap(kIconSize, kIconSize);
    pixmap.fill(Qt::transparent);
    return pixmap;
}

// A filled disc with a white glyph: a tick (verified), a bent arrow
// (corrected), a dot (located: the place exists, nothing was checked), a cross
// (unverified); pending is a ring.
QIcon drawStatusIcon(VerificationStatus status, const QColor &color) {
    QPixmap pixmap = blankPixmap();
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF disc(1, 1, kIconSize - 2, kIconSize - 2);
    if (status == VerificationStatus::Pending) {
        painter.setPen(QPen(color, 1.5));
        painter.drawEllipse(disc.adjusted(0.5, 0.5, -0.5, -0.5));
        return QIcon(pixmap);
    }
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(disc);
    painter.setPen(QPen(Qt::white, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.setBrush(Qt::NoBrush);
    QPainterPath glyph;
    if (status == VerificationStatus::Verified) {
        glyph.moveTo(4, 7.2);
        glyph.lineTo(6.2, 9.4);
        glyph.lineTo(10, 4.8);
    } else if (status == VerificationStatus::Corrected) {
        glyph.moveTo(4, 9.5);
        glyph.lineTo(4, 6);
        glyph.lineTo(9.5, 6);
        glyph.moveTo(7.5, 4);
        glyph.lineTo(9.7, 6);
        glyph.lineTo(7.5, 8);
    } else if (status == VerificationStatus::Located) {
        painter.setBrush(Qt::white);
        painter.setPen(Qt::NoPen);
        painter.drawEllipse(QPointF(7, 7), 2.2, 2.2);
        return QIcon(pixmap);
    } else {
        glyph.moveTo(4.5, 4.5);
        glyph.lineTo(9.5, 9.5);
        glyph.moveTo(9.5, 4.5);
        glyph.lineTo(4.5, 9.5);
    }
    painter.drawPath(glyph);
    return QIcon(pixmap);
}

QIcon drawSeverityIcon(const QColor &color) {
    QPixmap pixmap = blankPixmap();
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawRoundedRect(QRectF(2, 2, kIconSize - 4, kIconSize - 4), 2, 2);
    return QIcon(pixmap);
}

} // namespace

FindingsModel::FindingsModel(QObject *parent)
    : QAbstractTableModel(parent) {
    rebuildIcons();
}

void FindingsModel::setTriageLookup(TriageLookup lookup) {
    m_lookup = std::move(lookup);
    for (Row &row : m_rows)
        row.triage = m_lookup ? m_lookup(row.fingerprint) : findings::Triage{};
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

FindingsModel::Row FindingsModel::makeRow(const Finding &finding) const {
    Row row{finding, findings::fingerprint(finding), {}};
    if (m_lookup)
        row.triage = m_lookup(row.fingerprint);
    return row;
}

void FindingsModel::setFindings(const QList<Finding> &list) {
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(list.size());
    for (const Finding &finding : list)
        m_rows.append(makeRow(finding));
    endResetModel();
}

void FindingsModel::setFinding(int row, const Finding &finding) {
    if (row < 0 || row > rowCount())
        return;
    if (row == rowCount()) {
        beginInsertRows({}, row, row);
        m_rows.append(makeRow(finding));
        endInsertRows();
        return;
    }
    m_rows[row] = makeRow(finding);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void FindingsModel::clear() {
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

QList<Finding> FindingsModel::findings() const {
    QList<Finding> out;
    out.reserve(m_rows.size());
    for (const Row &row : m_rows)
        out.append(row.finding);
    return out;
}

void FindingsModel::setTriage(int row, findings::Triage triage) {
    if (row < 0 || row >= rowCount())
        return;
    if (!triage.updated.isValid())
        triage.updated = QDateTime::currentDateTimeUtc();
    const QString key = m_rows.at(row).fingerprint;
    for (int i = 0; i < rowCount(); ++i) {
        if (m_rows.at(i).fingerprint != key)
            continue;
        m_rows[i].triage = triage;
        Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
    }
    Q_EMIT triageEdited(key, triage);
}

void FindingsModel::paletteChanged() {
    rebuildIcons();
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void FindingsModel::rebuildIcons() {
    m_dark = paletteIsDark();
    m_statusIcons.clear();
    for (VerificationStatus status :
         {VerificationStatus::Pending, VerificationStatus::Verified, VerificationStatus::Corrected,
          VerificationStatus::Located, VerificationStatus::Unverified})
        m_statusIcons.append(drawStatusIcon(status, statusColor(status, m_dark)));
    m_severityIcons.clear();
    for (Severity severity :
         {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info})
        m_severityIcons.append(drawSeverityIcon(severityColor(severity, m_dark)));
}

QIcon FindingsModel::statusIcon(VerificationStatus status) const {
    return m_statusIcons.value(int(status));
}

QIcon FindingsModel::severityIcon(Severity severity) const {
    return m_severityIcons.value(int(severity));
}

int FindingsModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FindingsModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FindingsModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const Finding &finding = row.finding;
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, column);
    case Qt::ToolTipRole:
        return toolTipData(row, column);
    case Qt::DecorationRole:
        if (column == SeverityColumn)
            return severityIcon(finding.severity);
        if (column == StatusColumn)
            return statusIcon(finding.resolved.status);
        return {};
    case Qt::ForegroundRole:
        // A location that cannot be opened looks like it.
        if (column == LocationColumn && !finding.resolved.canNavigate())
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        if (column == StatusColumn)
            return statusColor(finding.resolved.status, m_dark);
        return {};
    case Qt::FontRole:
        if (column == LocationColumn && !finding.resolved.canNavigate()) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case SortRole:
        return sortData(row, column);
    case SeverityRankRole:
        return int(finding.severity);
    case StatusRole:
        return int(finding.resolved.status);
    case TriageRole:
        return int(row.triage.state);
    case SearchTextRole:
        return QStringList{finding.title, finding.citation.path, finding.resolved.path,
                           finding.category}
            .join(QLatin1Char('\n'));
    case FingerprintRole:
        return row.fingerprint;
    default:
        return {};
    }
}

QVariant FindingsModel::displayData(const Row &row, int column) const {
    const Finding &finding = row.finding;
    switch (column) {
    case SeverityColumn:
        return findings::severityName(finding.severity);
    case TitleColumn:
        // Titles often carry Markdown code ticks ("SQL injection in `find`").
        return QString(finding.title).remove(QLatin1Char('`'));
    case LocationColumn:
        return locationText(finding);
    case StatusColumn:
        return statusText(finding.resolved.status);
    case TriageColumn:
        if (row.triage.state == TriageState::Untriaged)
            return row.triage.note.isEmpty() ? QString() : tr("Note");
        return triageText(row.triage.state);
    default:
        return {};
    }
}

QVariant FindingsModel::toolTipData(const Row &row, int column) const {
    const Finding &finding = row.finding;
    switch (column) {
    case SeverityColumn:
        return tr("Severity: %1").arg(findings::severityName(finding.severity));
    case TitleColumn:
        return finding.explanation.isEmpty()
                   ? QVariant()
                   : QVariant(QStringLiteral("<p>%1</p>").arg(html(finding.explanation)));
    case LocationColumn:
    case StatusColumn: {
        QString tip = tr("Cited: %1")
                          .arg(finding.citation.text.isEmpty()
                                   ? locationText(finding.citation.path, finding.citation.startLine,
                                                  finding.citation.endLine)
                                   : finding.citation.text);
        if (finding.resolved.canNavigate())
            tip += QLatin1Char('\n') +
                   tr("Opens: %1")
                       .arg(locationText(finding.resolved.path, finding.resolved.startLine,
                                         finding.resolved.endLine));
        if (finding.resolved.status == VerificationStatus::Located)
            tip += QLatin1Char('\n') +
                   tr("Located: the lines exist, but there was no quote to check.");
        if (!finding.resolved.note.isEmpty())
            tip += QLatin1Char('\n') + finding.resolved.note;
        else if (finding.resolved.status == VerificationStatus::Pending)
            tip += QLatin1Char('\n') + tr("Not checked yet: the request's files are not known.");
        return QStringLiteral("<p>%1</p>").arg(html(tip));
    }
    case TriageColumn:
        if (row.triage.note.isEmpty())
            return {};
        return QStringLiteral("<p>%1</p>").arg(html(row.triage.note));
    default:
        return {};
    }
}

QVariant FindingsModel::sortData(const Row &row, int column) const {
    const Finding &finding = row.finding;
    switch (column) {
    case SeverityColumn:
        return int(finding.severity);
    case TitleColumn:
        return finding.title.toLower();
    case LocationColumn: {
        const bool resolved = !finding.resolved.path.isEmpty();
        const QString path = resolved ? finding.resolved.path : finding.citation.path;
        const int line = resolved ? finding.resolved.startLine : finding.citation.startLine;
        return QString(path.toLower() + QStringLiteral(":%1").arg(line, 9, 10, QLatin1Char('0')));
    }
    case StatusColumn:
        return statusOrder(finding.resolved.status);
    case TriageColumn:
        return int(row.triage.state);
    default:
        return {};
    }
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case TitleColumn:
        return tr("Finding");
    case LocationColumn:
        return tr("Location");
    case StatusColumn:
        return tr("Status");
    case TriageColumn:
        return tr("Triage");
    default:
        return {};
    }
}

QString FindingsModel::locationText(const QString &path, int first, int last) {
    if (path.isEmpty())
        return tr("(no location)");
    if (first <= 0)
        return path;
    if (last > first)
        return QStringLiteral("%1:%2-%3").arg(path).arg(first).arg(last);
    return QStringLiteral("%1:%2").arg(path).arg(first);
}

QString FindingsModel::locationText(const Finding &finding) {
    if (finding.resolved.canNavigate() && !finding.resolved.path.isEmpty())
        return locationText(finding.resolved.path, finding.resolved.startLine,
                            finding.resolved.endLine);
    return locationText(finding.citation.path, finding.citation.startLine,
                        finding.citation.endLine);
}

QString FindingsModel::triageText(TriageState state) {
    switch (state) {
    case TriageState::Untriaged:
        return tr("Untriaged");
    case TriageState::Confirmed:
        return tr("Confirmed");
    case TriageState::FalsePositive:
        return tr("False positive");
    case TriageState::Fixed:
        return tr("Fixed");
    }
    return {};
}

QString FindingsModel::statusText(VerificationStatus status) {
    switch (status) {
    case VerificationStatus::Pending:
        return tr("Pending");
    case VerificationStatus::Verified:
        return tr("Verified");
    case VerificationStatus::Corrected:
        return tr("Corrected");
    case VerificationStatus::Located:
        return tr("Located");
    case VerificationStatus::Unverified:
        return tr("Unverified");
    }
    return {};
}

QColor FindingsModel::statusColor(VerificationStatus status, bool dark) {
    switch (status) {
    case VerificationStatus::Verified:
        return dark ? QColor(0x6f, 0xcf, 0x7f) : QColor(0x1e, 0x7b, 0x34);
    case VerificationStatus::Corrected:
        return dark ? QColor(0xf0, 0xb4, 0x4c) : QColor(0x9a, 0x62, 0x00);
    case VerificationStatus::Located:
        return dark ? QColor(0x7a, 0xb7, 0xf0) : QColor(0x1f, 0x5f, 0xa8);
    case VerificationStatus::Unverified:
        return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e);
    case VerificationStatus::Pending:
        break;
    }
    return dark ? QColor(0x9a, 0xa0, 0xa6) : QColor(0x6a, 0x73, 0x7d);
}

QColor FindingsModel::severityColor(Severity severity, bool dark) {
    switch (severity) {
    case Severity::Critical:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0x8e, 0x0b, 0x0b);
    case Severity::High:
        return dark ? QColor(0xff, 0x8a, 0x50) : QColor(0xc9, 0x3c, 0x0c);
    case Severity::Medium:
        return dark ? QColor(0xf0, 0xc6, 0x4c) : QColor(0xc7, 0x8a, 0x00);
    case Severity::Low:
        return dark ? QColor(0x7a, 0xb8, 0xff) : QColor(0x1f, 0x6f, 0xc5);
    case Severity::Info:
        break;
    }
    return dark ? QColor(0x9a, 0xa0, 0xa6) : QColor(0x6a, 0x73, 0x7d);
}

} // namespace reposcope::models
