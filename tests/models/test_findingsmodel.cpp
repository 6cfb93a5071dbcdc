// SPDX-License-Identifier: MIT
// The findings table model (QAbstractItemModelTester in fatal mode) and its
// filter proxy: rows appended and replaced as a tracker reports them, display
// and roles, triage looked up by fingerprint and edited, filters and a stable
// severity sort.
#include "findings/findingsfilter.h"
#include "findings/findingsmodel.h"

#include <QAbstractItemModelTester>
#include <QIcon>
#include <QImage>
#include <QPixmap>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using findings::Finding;
using findings::Severity;
using findings::TriageState;
using findings::VerificationStatus;
using models::FindingsFilterProxy;
using models::FindingsModel;

namespace {

Finding makeFinding(Severity severity, const QString &title, const QString &path, int line,
                    VerificationStatus status, const QString &quote = QString()) {
    Finding f;
    f.severity = severity;
    f.title = title;
    f.category = QStringLiteral("general");
    f.quote = quote.isEmpty() ? title + QStringLiteral("()") : quote;
    f.citation.path = path;
    f.citation.startLine = line;
    f.citation.endLine = line;
    f.citation.text = QStringLiteral("%1:%2").arg(path).arg(line);
    f.resolved.status = status;
    if (status == VerificationStatus::Verified || status == VerificationStatus::Corrected) {
        f.resolved.path = path;
        f.resolved.startLine = status == VerificationStatus::Corrected ? line + 7 : line;
        f.resolved.endLine = f.resolved.startLine;
    }
    if (status == VerificationStatus::Corrected)
        f.resolved.note = QStringLiteral("cited line %1, found at %2").arg(line).arg(line + 7);
    if (status == VerificationStatus::Unverified)
        f.resolved.note = QStringLiteral("%1 is not a file of the repository").arg(path);
    return f;
}

QList<Finding> sample() {
    return {makeFinding(Severity::Medium, QStringLiteral("Dynamic ORDER BY"),
                        QStringLiteral("app/report.py"), 14, VerificationStatus::Verified),
            makeFinding(Severity::High, QStringLiteral("SQL injection in find"),
                        QStringLiteral("app/db.py"), 2, VerificationStatus::Corrected),
            makeFinding(Severity::Low, QStringLiteral("Verbose errors"),
                        QStringLiteral("app/ghost.py"), 9, VerificationStatus::Unverified),
            makeFinding(Severity::High, QStringLiteral("Hard-coded secret"),
                        QStringLiteral("config/settings.py"), 3, VerificationStatus::Verified)};
}

class FindingsModelTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_tester = std::make_unique<QAbstractItemModelTester>(
            &m_model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        m_proxy.setSourceModel(&m_model);
        m_proxyTester = std::make_unique<QAbstractItemModelTester>(
            &m_proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    }

    QString cell(int row, int column, int role = Qt::DisplayRole) const {
        return m_model.index(row, column).data(role).toString();
    }
    QStringList proxyTitles() const {
        QStringList out;
        for (int row = 0; row < m_proxy.rowCount(); ++row)
            out << m_proxy.index(row, models::FindingsModel::TitleColumn).data().toString();
        return out;
    }

    models::FindingsModel m_model;
    models::FindingsFilterProxy m_proxy;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;
};

} // namespace

TEST_F(FindingsModelTest, ShowsEachFindingWithItsLocationAndStatus) {
    m_model.setFindings(sample());
    ASSERT_EQ(m_model.rowCount(), 4);
    ASSERT_EQ(m_model.columnCount(), models::FindingsModel::ColumnCount);
    EXPECT_EQ(cell(1, models::FindingsModel::SeverityColumn), QStringLiteral("HIGH"));
    EXPECT_EQ(cell(1, models::FindingsModel::TitleColumn), QStringLiteral("SQL injection in find"));
    // A corrected finding shows where it really is; its tooltip says what was
    // corrected.
    EXPECT_EQ(cell(1, models::FindingsModel::LocationColumn), QStringLiteral("app/db.py:9"));
    EXPECT_EQ(cell(1, models::FindingsModel::StatusColumn), QStringLiteral("Corrected"));
    EXPECT_TRUE(cell(1, models::FindingsModel::StatusColumn, Qt::ToolTipRole)
                    .contains(QStringLiteral("cited line 2, found at 9")));
    // An unverified one shows the location as cited, and why it could not be
    // checked.
    EXPECT_EQ(cell(2, models::FindingsModel::LocationColumn), QStringLiteral("app/ghost.py:9"));
    EXPECT_TRUE(cell(2, models::FindingsModel::LocationColumn, Qt::ToolTipRole)
                    .contains(QStringLiteral("not a file of the repository")));
    EXPECT_TRUE(
        m_model.index(2, models::FindingsModel::LocationColumn).data(Qt::FontRole).isValid());
    EXPECT_FALSE(
        m_model.index(0, models::FindingsModel::LocationColumn).data(Qt::FontRole).isValid());
    EXPECT_FALSE(m_model.index(0, models::FindingsModel::StatusColumn)
                     .data(Qt::DecorationRole)
                     .value<QIcon>()
                     .isNull());
    EXPECT_EQ(m_model.index(3, 0).data(models::FindingsModel::SeverityRankRole).toInt(),
              int(Severity::High));
    EXPECT_EQ(m_model.headerData(models::FindingsModel::StatusColumn, Qt::Horizontal).toString(),
              QStringLiteral("Status"));
}

TEST_F(FindingsModelTest, AppendsAndReplacesRowsAsTheTrackerReportsThem) {
    QSignalSpy inserted(&m_model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&m_model, &QAbstractItemModel::dataChanged);
    Finding pending = sample().at(1);
    pending.resolved = {};
    m_model.setFinding(0, pending);
    m_model.setFinding(5, pending); // a gap is refused
    ASSERT_EQ(m_model.rowCount(), 1);
    EXPECT_EQ(inserted.count(), 1);
    EXPECT_EQ(cell(0, models::FindingsModel::StatusColumn), QStringLiteral("Pending"));
    EXPECT_EQ(cell(0, models::FindingsModel::LocationColumn), QStringLiteral("app/db.py:2"));

    m_model.setFinding(0, sample().at(1)); // verified later
    EXPECT_EQ(m_model.rowCount(), 1);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(cell(0, models::FindingsModel::StatusColumn), QStringLiteral("Corrected"));
    EXPECT_EQ(cell(0, models::FindingsModel::LocationColumn), QStringLiteral("app/db.py:9"));
    m_model.clear();
    EXPECT_EQ(m_model.rowCount(), 0);
}

TEST_F(FindingsModelTest, TriageIsLookedUpByFingerprintAndEditsAreReported) {
    QList<Finding> list = sample();
    list.append(list.at(3)); // the same finding reported twice shares one verdict
    const QString secret = findings::fingerprint(list.at(3));
    m_model.setTriageLookup([secret](const QString &key) {
        findings::Triage triage;
        if (key == secret)
            triage = {TriageState::Confirmed, QStringLiteral("rotate the key"), {}};
        return triage;
    });
    m_model.setFindings(list);
    EXPECT_EQ(cell(3, models::FindingsModel::TriageColumn), QStringLiteral("Confirmed"));
    EXPECT_EQ(cell(3, models::FindingsModel::TriageColumn, Qt::ToolTipRole)
                  .contains(QStringLiteral("rotate")),
              true);
    EXPECT_EQ(cell(0, models::FindingsModel::TriageColumn), QString());
    EXPECT_EQ(m_model.fingerprintAt(3), secret);

    QList<std::pair<QString, findings::Triage>> edited;
    QObject::connect(&m_model, &models::FindingsModel::triageEdited, &m_model,
                     [&](const QString &key, const findings::Triage &t) {
                         edited.append({key, t});
                     });
    m_model.setTriage(4, {TriageState::FalsePositive, QStringLiteral("test key"), {}});
    ASSERT_EQ(edited.count(), 1);
    EXPECT_EQ(edited.at(0).first, secret);
    const findings::Triage triage = edited.at(0).second;
    EXPECT_EQ(triage.state, TriageState::FalsePositive);
    EXPECT_TRUE(triage.updated.isValid());
    EXPECT_EQ(m_model.triage(3).state, TriageState::FalsePositive);
    EXPECT_EQ(cell(3, models::FindingsModel::TriageColumn), QStringLiteral("False positive"));
    EXPECT_EQ(m_model.triage(0).state, TriageState::Untriaged);
}

TEST_F(FindingsModelTest, FiltersByTextSeverityStatusAndTriage) {
    m_model.setFindings(sample());
    m_proxy.setText(QStringLiteral("APP/ db"));
    EXPECT_EQ(proxyTitles(), QStringList{QStringLiteral("SQL injection in find")});
    m_proxy.setText(QStringLiteral("settings"));
    EXPECT_EQ(proxyTitles(), QStringList{QStringLiteral("Hard-coded secret")});
    m_proxy.setText({});
    EXPECT_EQ(m_proxy.rowCount(), 4);

    m_proxy.setMaxSeverityRank(int(Severity::High));
    EXPECT_EQ(m_proxy.rowCount(), 2);
    m_proxy.setMaxSeverityRank(int(Severity::Info));

    m_proxy.setStatusFilter(models::FindingsFilterProxy::StatusFilter::Navigable);
    EXPECT_EQ(m_proxy.rowCount(), 3);
    m_proxy.setStatusFilter(models::FindingsFilterProxy::StatusFilter::Unverified);
    EXPECT_EQ(proxyTitles(), QStringList{QStringLiteral("Verbose errors")});
    m_proxy.setStatusFilter(models::FindingsFilterProxy::StatusFilter::Any);

    m_model.setTriage(0, {TriageState::Fixed, {}, {}});
    m_model.setTriage(1, {TriageState::Confirmed, {}, {}});
    m_proxy.setTriageFilter(models::FindingsFilterProxy::TriageFilter::Open);
    EXPECT_EQ(m_proxy.rowCount(), 3);
    m_proxy.setTriageFilter(models::FindingsFilterProxy::TriageFilter::Fixed);
    EXPECT_EQ(proxyTitles(), QStringList{QStringLiteral("Dynamic ORDER BY")});
    // The filter follows triage edits.
    m_model.setTriage(0, {TriageState::Untriaged, {}, {}});
    EXPECT_EQ(m_proxy.rowCount(), 0);
}

TEST_F(FindingsModelTest, SortsBySeverityKeepingTheAnswersOrderWithinALevel) {
    m_model.setFindings(sample());
    m_proxy.sort(models::FindingsModel::SeverityColumn, Qt::AscendingOrder);
    EXPECT_EQ(
        proxyTitles(),
        (QStringList{QStringLiteral("SQL injection in find"), QStringLiteral("Hard-coded secret"),
                     QStringLiteral("Dynamic ORDER BY"), QStringLiteral("Verbose errors")}));
    m_proxy.sort(models::FindingsModel::SeverityColumn, Qt::DescendingOrder);
    EXPECT_EQ(proxyTitles(),
              (QStringList{QStringLiteral("Verbose errors"), QStringLiteral("Dynamic ORDER BY"),
                           QStringLiteral("SQL injection in find"),
                           QStringLiteral("Hard-coded secret")}));
    // Status: unverified first, then corrected, then verified.
    m_proxy.sort(models::FindingsModel::StatusColumn, Qt::AscendingOrder);
    EXPECT_EQ(proxyTitles().first(), QStringLiteral("Verbose errors"));
    EXPECT_EQ(proxyTitles().at(1), QStringLiteral("SQL injection in find"));
    m_proxy.sort(models::FindingsModel::LocationColumn, Qt::AscendingOrder);
    EXPECT_EQ(proxyTitles().first(),
              QStringLiteral("SQL injection in find")); // app/db.py
    // A finding added later lands in its sorted place.
    m_model.setFinding(4, makeFinding(Severity::Critical, QStringLiteral("Shell injection"),
                                      QStringLiteral("app/a.py"), 1, VerificationStatus::Verified));
    EXPECT_EQ(proxyTitles().first(), QStringLiteral("Shell injection"));
}

// A finding whose place exists but that had no quote to check is "located": shown, sorted,
// filtered and coloured as its own status, never as verified.
TEST_F(FindingsModelTest, LocatedIsAStatusOfItsOwn) {
    QList<Finding> findings = sample();
    Finding located = makeFinding(Severity::Medium, QStringLiteral("Unchecked name"),
                                  QStringLiteral("app/routes.py"), 8, VerificationStatus::Located);
    located.quote.clear();
    located.resolved.path = located.citation.path;
    located.resolved.startLine = located.resolved.endLine = 8;
    findings.append(located);
    m_model.setFindings(findings);

    const QModelIndex status = m_model.index(4, models::FindingsModel::StatusColumn);
    EXPECT_EQ(status.data().toString(), QStringLiteral("Located"));
    EXPECT_EQ(models::FindingsModel::statusText(VerificationStatus::Located),
              QStringLiteral("Located"));
    const QIcon icon = status.data(Qt::DecorationRole).value<QIcon>();
    ASSERT_FALSE(icon.isNull());
    const QImage locatedImage = icon.pixmap(14, 14).toImage();
    const QImage verifiedImage = m_model.index(0, models::FindingsModel::StatusColumn)
                                     .data(Qt::DecorationRole)
                                     .value<QIcon>()
                                     .pixmap(14, 14)
                                     .toImage();
    EXPECT_NE(locatedImage, verifiedImage);
    EXPECT_NE(models::FindingsModel::statusColor(VerificationStatus::Located, false),
              models::FindingsModel::statusColor(VerificationStatus::Verified, false));
    // The tooltip says where it opens, and nothing about being verified.
    const QString tip = status.data(Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.contains(QStringLiteral("Opens: app/routes.py:8"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("no quote to check"))) << tip.toStdString();
    EXPECT_FALSE(tip.contains(QStringLiteral("erified"))) << tip.toStdString();

    m_proxy.setStatusFilter(models::FindingsFilterProxy::StatusFilter::Located);
    EXPECT_EQ(proxyTitles(), QStringList{QStringLiteral("Unchecked name")});
    m_proxy.setStatusFilter(models::FindingsFilterProxy::StatusFilter::Verified);
    EXPECT_FALSE(proxyTitles().contains(QStringLiteral("Unchecked name")));
    m_proxy.setStatusFilter(models::FindingsFilterProxy::StatusFilter::Navigable);
    EXPECT_TRUE(proxyTitles().contains(QStringLiteral("Unchecked name")));
    m_proxy.setStatusFilter(models::FindingsFilterProxy::StatusFilter::Any);

    // Sorted after the corrected ones, before the verified ones.
    m_proxy.sort(models::FindingsModel::StatusColumn, Qt::AscendingOrder);
    EXPECT_EQ(
        proxyTitles(),
        (QStringList{QStringLiteral("Verbose errors"), QStringLiteral("SQL injection in find"),
                     QStringLiteral("Unchecked name"), QStringLiteral("Dynamic ORDER BY"),
                     QStringLiteral("Hard-coded secret")}));
}
