// SPDX-License-Identifier: MIT
// The findings panel as a person drives it: the empty state, the table filled
// and sorted, a double-click reporting the model's row (not the sorted one),
// next/previous wrapping, details with the flow steps clickable, triage buttons
// and note, filters, and export.
#include "findings/findingsfilter.h"
#include "findings/findingsmodel.h"
#include "findings/findingspanel.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using findings::Finding;
using findings::Severity;
using findings::TriageState;
using findings::VerificationStatus;
using models::FindingsModel;
using ui::FindingsPanel;

namespace {

Finding makeFinding(Severity severity, const QString &title, const QString &path, int line,
                    VerificationStatus status) {
    Finding f;
    f.severity = severity;
    f.title = title;
    f.category = QStringLiteral("general");
    f.quote = title + QStringLiteral("(x)");
    f.explanation = QStringLiteral("Why %1 matters.").arg(title);
    f.citation = {path, line, line, QStringLiteral("%1:%2").arg(path).arg(line)};
    f.resolved.status = status;
    if (status != VerificationStatus::Unverified) {
        f.resolved.path = path;
        f.resolved.startLine = line;
        f.resolved.endLine = line;
    } else {
        f.resolved.note = QStringLiteral("%1 was not found").arg(path);
    }
    return f;
}

class FindingsPanelTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_panel = std::make_unique<FindingsPanel>(&m_model);
        m_panel->resize(700, 600);
        m_panel->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_panel.get()));
    }

    void fill() {
        Finding flow = makeFinding(Severity::High, QStringLiteral("SQL injection"),
                                   QStringLiteral("app/db.py"), 2, VerificationStatus::Verified);
        findings::FlowStep source;
        source.citation = {QStringLiteral("app/routes.py"), 8, 8,
                           QStringLiteral("app/routes.py:8")};
        source.label = QStringLiteral("reads name");
        source.resolved = {VerificationStatus::Verified, QStringLiteral("app/routes.py"), 8, 8};
        findings::FlowStep sink;
        sink.citation = {QStringLiteral("app/db.py"), 2, 2, QStringLiteral("app/db.py:2")};
        sink.resolved = {VerificationStatus::Verified, QStringLiteral("app/db.py"), 2, 2};
        flow.flow = {source, sink};
        m_model.setFindings(
            {makeFinding(Severity::Low, QStringLiteral("Verbose errors"),
                         QStringLiteral("app/errors.py"), 5, VerificationStatus::Verified),
             flow,
             makeFinding(Severity::Medium, QStringLiteral("Invented"),
                         QStringLiteral("app/ghost.py"), 9, VerificationStatus::Unverified)});
    }

    QPoint centreOf(int proxyRow, int column = models::FindingsModel::TitleColumn) const {
        QTableView *view = m_panel->view();
        return view->visualRect(m_panel->proxy()->index(proxyRow, column)).center();
    }

    template <typename T> T *find(const QString &name) const {
        return m_panel->findChild<T *>(name);
    }

    models::FindingsModel m_model;
    std::unique_ptr<FindingsPanel> m_panel;
};

} // namespace

TEST_F(FindingsPanelTest, SaysHowToGetFindingsUntilThereAreSome) {
    auto *empty = find<QLabel>(QStringLiteral("findingsEmpty"));
    auto *exportButton = find<QToolButton>(QStringLiteral("findingsExportButton"));
    ASSERT_TRUE(empty && exportButton);
    EXPECT_TRUE(empty->isVisible());
    EXPECT_TRUE(empty->text().contains(QStringLiteral("Security review")));
    EXPECT_FALSE(exportButton->isEnabled());
    EXPECT_FALSE(m_panel->view()->isVisible());
    fill();
    EXPECT_FALSE(empty->isVisible());
    EXPECT_TRUE(m_panel->view()->isVisible());
    EXPECT_TRUE(exportButton->isEnabled());
    EXPECT_EQ(find<QLabel>(QStringLiteral("findingsSummary"))->text(),
              QStringLiteral("3 findings"));
    m_model.clear();
    EXPECT_TRUE(empty->isVisible());
}

TEST_F(FindingsPanelTest, DoubleClickReportsTheModelRowOfTheSortedRow) {
    fill();
    // Sorted by severity: the HIGH finding (model row 1) comes first.
    ASSERT_EQ(m_panel->proxy()->index(0, models::FindingsModel::TitleColumn).data().toString(),
              QStringLiteral("SQL injection"));
    QSignalSpy activated(m_panel.get(), &FindingsPanel::findingActivated);
    QWidget *viewport = m_panel->view()->viewport();
    QTest::mouseClick(viewport, Qt::LeftButton, {}, centreOf(0));
    QTest::mouseDClick(viewport, Qt::LeftButton, {}, centreOf(0));
    ASSERT_GE(activated.count(), 1);
    EXPECT_EQ(activated.last().at(0).toInt(), 1);
    EXPECT_EQ(m_panel->currentFinding(), 1);
    // Enter on the selected row activates it too.
    activated.clear();
    m_panel->view()->setFocus();
    QTest::keyClick(m_panel->view(), Qt::Key_Down);
    QTest::keyClick(m_panel->view(), Qt::Key_Return);
    ASSERT_EQ(activated.count(), 1);
    EXPECT_EQ(activated.at(0).at(0).toInt(),
              2); // MEDIUM, second in severity order
}

TEST_F(FindingsPanelTest, NextAndPreviousFollowTheShownOrderAndWrap) {
    EXPECT_EQ(m_panel->selectAdjacent(1), -1); // nothing to select
    fill();
    EXPECT_EQ(m_panel->selectAdjacent(1), 1);  // HIGH
    EXPECT_EQ(m_panel->selectAdjacent(1), 2);  // MEDIUM
    EXPECT_EQ(m_panel->selectAdjacent(1), 0);  // LOW
    EXPECT_EQ(m_panel->selectAdjacent(1), 1);  // wrapped
    EXPECT_EQ(m_panel->selectAdjacent(-1), 0); // wrapped back
    // Filtered out rows are skipped.
    auto *severity = find<QComboBox>(QStringLiteral("findingsSeverityFilter"));
    severity->setCurrentIndex(severity->findData(int(Severity::Medium)));
    EXPECT_EQ(m_panel->proxy()->rowCount(), 2);
    EXPECT_EQ(m_panel->selectAdjacent(1), 1);
    EXPECT_EQ(m_panel->selectAdjacent(1), 2);
    EXPECT_EQ(m_panel->selectAdjacent(1), 1);
    EXPECT_FALSE(m_panel->setCurrentFinding(0)); // hidden by the filter
}

TEST_F(FindingsPanelTest, DetailsShowTheQuoteAndNoteAndFlowStepsAreClickable) {
    fill();
    ASSERT_TRUE(m_panel->setCurrentFinding(2));
    auto *text = find<QTextBrowser>(QStringLiteral("findingsDetailsText"));
    ASSERT_TRUE(text);
    EXPECT_TRUE(text->toPlainText().contains(QStringLiteral("Invented(x)")));
    EXPECT_TRUE(text->toPlainText().contains(QStringLiteral("app/ghost.py was not found")));
    EXPECT_TRUE(text->toPlainText().contains(QStringLiteral("Why Invented matters.")));
    EXPECT_FALSE(m_panel->flowList()->isVisible());

    ASSERT_TRUE(m_panel->setCurrentFinding(1));
    QListWidget *flow = m_panel->flowList();
    ASSERT_TRUE(flow->isVisible());
    ASSERT_EQ(flow->count(), 2);
    EXPECT_EQ(flow->item(0)->text(), QStringLiteral("1. app/routes.py:8 — reads name"));
    QSignalSpy step(m_panel.get(), &FindingsPanel::flowStepActivated);
    QTest::mouseClick(flow->viewport(), Qt::LeftButton, {},
                      flow->visualItemRect(flow->item(1)).center());
    ASSERT_GE(step.count(), 1);
    EXPECT_EQ(step.last().at(0).toInt(), 1);
    EXPECT_EQ(step.last().at(1).toInt(), 1);
    m_panel->setCurrentFlowStep(0);
    EXPECT_EQ(flow->currentRow(), 0);
}

TEST_F(FindingsPanelTest, TriageButtonsAndNoteWriteTheModel) {
    fill();
    ASSERT_TRUE(m_panel->setCurrentFinding(1));
    QList<findings::Triage> edits;
    QObject::connect(&m_model, &models::FindingsModel::triageEdited, &m_model,
                     [&](const QString &, const findings::Triage &t) { edits.append(t); });
    auto *note = find<QLineEdit>(QStringLiteral("findingsTriageNote"));
    auto *falsePositive = find<QAbstractButton>(QStringLiteral("triage-false-positive"));
    ASSERT_TRUE(note && falsePositive);
    note->setFocus();
    QTest::keyClicks(note, QStringLiteral("parameterised upstream"));
    QTest::keyClick(note, Qt::Key_Return);
    ASSERT_EQ(edits.size(), 1);
    EXPECT_EQ(edits.at(0).state, TriageState::Untriaged);
    EXPECT_EQ(edits.at(0).note, QStringLiteral("parameterised upstream"));
    falsePositive->click();
    ASSERT_EQ(edits.size(), 2);
    EXPECT_EQ(edits.at(1).state, TriageState::FalsePositive);
    EXPECT_EQ(edits.at(1).note, QStringLiteral("parameterised upstream"));
    EXPECT_EQ(m_model.triage(1).state, TriageState::FalsePositive);
    // Another finding shows its own (empty) triage; coming back shows the saved
    // one.
    ASSERT_TRUE(m_panel->setCurrentFinding(0));
    EXPECT_TRUE(note->text().isEmpty());
    EXPECT_TRUE(find<QAbstractButton>(QStringLiteral("triage-untriaged"))->isChecked());
    ASSERT_TRUE(m_panel->setCurrentFinding(1));
    EXPECT_EQ(note->text(), QStringLiteral("parameterised upstream"));
    EXPECT_TRUE(falsePositive->isChecked());
    // The triage filter hides it now.
    auto *triage = find<QComboBox>(QStringLiteral("findingsTriageFilter"));
    triage->setCurrentIndex(triage->findData(int(models::FindingsFilterProxy::TriageFilter::Open)));
    EXPECT_EQ(m_panel->proxy()->rowCount(), 2);
}

TEST_F(FindingsPanelTest, TextFilterAndExportMenu) {
    fill();
    auto *filter = find<QLineEdit>(QStringLiteral("findingsFilter"));
    QTest::keyClicks(filter, QStringLiteral("ghost"));
    EXPECT_EQ(m_panel->proxy()->rowCount(), 1);
    EXPECT_EQ(find<QLabel>(QStringLiteral("findingsSummary"))->text(),
              QStringLiteral("1 of 3 shown"));
    filter->clear();
    EXPECT_EQ(m_panel->proxy()->rowCount(), 3);

    QSignalSpy exported(m_panel.get(), &FindingsPanel::exportRequested);
    QMenu *menu = find<QToolButton>(QStringLiteral("findingsExportButton"))->menu();
    ASSERT_TRUE(menu);
    ASSERT_EQ(menu->actions().size(), 3);
    menu->actions().at(0)->trigger();
    menu->actions().at(2)->trigger();
    ASSERT_EQ(exported.count(), 2);
    EXPECT_EQ(exported.at(0).at(0).value<ui::FindingsFormat>(), ui::FindingsFormat::Sarif);
    EXPECT_EQ(exported.at(1).at(0).value<ui::FindingsFormat>(), ui::FindingsFormat::Csv);
}
