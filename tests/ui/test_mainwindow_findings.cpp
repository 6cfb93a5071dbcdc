// SPDX-License-Identifier: MIT
// Findings in the main window, end to end against a real loopback server and a
// real scratch repository: a streamed security review fills the Findings panel;
// a double-click lands the viewer on the verified file, line and highlight (the
// corrected one on the corrected line, the invented one nowhere); a chat link
// opens its location; F8 and Alt+Down walk findings and a data flow; a file
// changed on disk since still shows the lines that were verified; triage
// survives a restart; SARIF export writes a file.
#include "mainwindow.h"

#include "chat/chatpane.h"
#include "eventloop.h"
#include "findings/citationurl.h"
#include "findings/findingscontroller.h"
#include "findings/findingsfilter.h"
#include "findings/findingsmodel.h"
#include "findings/findingspanel.h"
#include "findings/triage.h"
#include "llm/catalog/modelcatalog.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "transcript/transcriptview.h"
#include "uitestsupport.h"
#include "viewer/codeviewer.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QAction>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;
using findings::Finding;
using findings::VerificationStatus;
using models::FindingsModel;

namespace {

const char kDb[] = "import sqlite3\n"
                   "\n"
                   "\n"
                   "def find(conn, name):\n"
                   "    query = 'SELECT * FROM users WHERE name = ' + name\n"
                   "    return conn.execute(query).fetchall()\n";
const char kRoutes[] = "from flask import request\n"
                       "\n"
                       "from app.db import find\n"
                       "\n"
                       "\n"
                       "@app.route('/users')\n"
                       "def users():\n"
                       "    name = request.args.get('name')\n"
                       "    return find(db, name)\n";

// A security review in the templates' format, streamed in pieces split
// mid-line.
QStringList answerPieces() {
    const QString answer =
        QStringLiteral("## Findings\n\n"
                       "- [MEDIUM] Unvalidated user name — `app/routes.py:3` — \"name = "
                       "request.args.get('name')\" — no length or character check before use.\n"
                       "- [HIGH] SQL injection in find — `app/db.py:5` — \"query = 'SELECT * "
                       "FROM users "
                       "WHERE name = ' + name\" — the name from the query string is "
                       "concatenated into SQL.\n"
                       "  Flow: app/routes.py:8 → app/db.py:5 → app/db.py:6\n"
                       "- [LOW] Debug server — `app/ghost.py:12` — \"app.run(debug=True)\" — "
                       "the debugger "
                       "runs code.\n\n"
                       "Use bound parameters (`app/db.py:5`).\n");
    return {answer.left(40), answer.mid(40, 123), answer.mid(163, 200), answer.mid(363)};
}

class MainWindowFindingsTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_server.isListening());
        llm::ProviderEntry provider = loopbackProvider(m_server.baseUrl());
        provider.capSource = QStringLiteral("llama-server-props");
        provider.models[0].inputPerMillion.reset(); // this window's model has no known prices
        provider.models[0].outputPerMillion.reset();
        useProvider(m_catalog, provider);

        m_repo.initGit();
        m_repo.write(QStringLiteral("app/db.py"), kDb);
        m_repo.write(QStringLiteral("app/routes.py"), kRoutes);
        m_repo.commitAll();
        m_server.enqueue(
            ScriptedResponse::json(200, R"({"default_generation_settings":{"n_ctx":65536}})"));
        startWindow();
    }

    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }

    void startWindow() {
        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        services.network = &m_network;
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
    }

    // Opens the scratch repository, asks, streams the review and waits for every
    // finding to be verified.
    void askForReview(const QStringList &pieces = answerPieces(), int findingCount = 3) {
        ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
        QList<QByteArray> events{sse::roleChunk()};
        for (const QString &piece : pieces)
            events.append(sse::contentChunk(piece));
        events += {sse::finishChunk(), sse::usageChunk(500, 120), sse::done()};
        m_server.enqueue(ScriptedResponse::sse(events));
        auto *composer = m_window->findChild<QPlainTextEdit *>(QStringLiteral("chatComposer"));
        auto *send = m_window->findChild<QPushButton *>(QStringLiteral("chatSendButton"));
        ASSERT_TRUE(composer && send);
        composer->setPlainText(QStringLiteral("Perform a security review"));
        ASSERT_TRUE(processEventsUntil([&] { return send->isEnabled(); }));
        send->click();
        auto *pane = m_window->findChild<ui::ChatPane *>();
        ASSERT_TRUE(processEventsUntil([&] {
            if (pane->isBusy() || model()->rowCount() != findingCount)
                return false;
            for (int row = 0; row < findingCount; ++row)
                if (model()->finding(row).resolved.status == VerificationStatus::Pending)
                    return false;
            return true;
        }));
    }

    models::FindingsModel *model() const { return m_window->findingsPanel()->model(); }
    ui::CodeViewer *viewer() const { return m_window->codeViewer(); }
    QString statusText() const { return m_window->statusBar()->currentMessage(); }

    int rowTitled(const QString &prefix) const {
        for (int row = 0; row < model()->rowCount(); ++row)
            if (model()->finding(row).title.startsWith(prefix))
                return row;
        return -1;
    }

    void doubleClickFinding(int row) {
        ui::FindingsPanel *panel = m_window->findingsPanel();
        const QModelIndex index =
            panel->proxy()->mapFromSource(model()->index(row, models::FindingsModel::TitleColumn));
        ASSERT_TRUE(index.isValid());
        QTableView *view = panel->view();
        view->scrollTo(index);
        const QPoint centre = view->visualRect(index).center();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centre);
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, centre);
    }

    QAction *actionFor(const QKeySequence &keys) const {
        for (QAction *action : m_window->findChildren<QAction *>())
            if (action->shortcut() == keys)
                return action;
        return nullptr;
    }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_files;
    std::unique_ptr<ui::MainWindow> m_window;
};

} // namespace

TEST_F(MainWindowFindingsTest, ClickingAFindingLandsOnTheVerifiedLine) {
    ASSERT_NO_FATAL_FAILURE(askForReview());
    const int sql = rowTitled(QStringLiteral("SQL injection"));
    const int name = rowTitled(QStringLiteral("Unvalidated"));
    const int ghost = rowTitled(QStringLiteral("Debug server"));
    ASSERT_TRUE(sql >= 0 && name >= 0 && ghost >= 0);
    EXPECT_EQ(model()->finding(sql).resolved.status, VerificationStatus::Verified);
    EXPECT_EQ(model()->finding(name).resolved.status, VerificationStatus::Corrected);
    EXPECT_EQ(model()->finding(ghost).resolved.status, VerificationStatus::Unverified);
    // Sorted by severity: the HIGH finding is on top although the answer put it
    // second.
    EXPECT_EQ(m_window->findingsPanel()->proxy()->index(0, 0).data().toString(),
              QStringLiteral("HIGH"));

    doubleClickFinding(sql);
    EXPECT_EQ(viewer()->currentPath(), QStringLiteral("app/db.py"));
    EXPECT_EQ(viewer()->currentLine(), 5);
    EXPECT_EQ(viewer()->highlightedRange(), std::make_pair(5, 5));
    EXPECT_TRUE(viewer()->textCursor().block().text().contains(QStringLiteral("SELECT *")));
    EXPECT_TRUE(statusText().contains(QStringLiteral("verified")));

    // Corrected: the quote is at line 8, not at the cited 3.
    doubleClickFinding(name);
    EXPECT_EQ(viewer()->currentPath(), QStringLiteral("app/routes.py"));
    EXPECT_EQ(viewer()->currentLine(), 8);
    EXPECT_EQ(viewer()->highlightedRange(), std::make_pair(8, 8));
    EXPECT_TRUE(statusText().contains(QStringLiteral("corrected: cited line 3, found at 8")))
        << statusText().toStdString();

    // Invented: the viewer stays where it was, and says why.
    doubleClickFinding(ghost);
    EXPECT_EQ(viewer()->currentPath(), QStringLiteral("app/routes.py"));
    EXPECT_EQ(viewer()->currentLine(), 8);
    EXPECT_TRUE(statusText().contains(QStringLiteral("unverified"))) << statusText().toStdString();
    EXPECT_TRUE(statusText().contains(QStringLiteral("not moved")));
}

TEST_F(MainWindowFindingsTest, ChatLinksShortcutsAndFlowStepsMoveTheViewer) {
    ASSERT_NO_FATAL_FAILURE(askForReview());
    auto *pane = m_window->findChild<ui::ChatPane *>();
    // A path:line link in the answer.
    Q_EMIT pane->linkActivated(
        findings::citationUrl({QStringLiteral("app/db.py"), 6, 6, QStringLiteral("app/db.py:6")}));
    EXPECT_EQ(viewer()->currentPath(), QStringLiteral("app/db.py"));
    EXPECT_EQ(viewer()->currentLine(), 6);
    EXPECT_EQ(viewer()->highlightedRange(), std::make_pair(6, 6));
    // A link to a line past the end of the file never jumps.
    Q_EMIT pane->linkActivated(findings::citationUrl(
        {QStringLiteral("app/routes.py"), 90, 90, QStringLiteral("app/routes.py:90")}));
    EXPECT_NE(viewer()->currentLine(), 90);
    EXPECT_EQ(viewer()->highlightedRange(), std::make_pair(0, 0));
    EXPECT_TRUE(statusText().contains(QStringLiteral("unverified")));

    // F8 from nothing selected: the first finding in the panel's order (HIGH).
    QAction *next = actionFor(QKeySequence(Qt::Key_F8));
    QAction *previous = actionFor(QKeySequence(Qt::SHIFT | Qt::Key_F8));
    QAction *nextStep = actionFor(QKeySequence(Qt::ALT | Qt::Key_Down));
    QAction *previousStep = actionFor(QKeySequence(Qt::ALT | Qt::Key_Up));
    ASSERT_TRUE(next && previous && nextStep && previousStep);
    m_window->findingsPanel()->setCurrentFinding(-1);
    next->trigger();
    EXPECT_EQ(m_window->findingsPanel()->currentFinding(), rowTitled(QStringLiteral("SQL")));
    EXPECT_EQ(viewer()->currentLine(), 5);
    // Its flow: routes.py:8 -> db.py:5 -> db.py:6.
    nextStep->trigger();
    EXPECT_EQ(viewer()->currentPath(), QStringLiteral("app/routes.py"));
    EXPECT_EQ(viewer()->currentLine(), 8);
    EXPECT_TRUE(statusText().startsWith(QStringLiteral("Step 1 of 3")));
    nextStep->trigger();
    nextStep->trigger();
    EXPECT_EQ(viewer()->currentPath(), QStringLiteral("app/db.py"));
    EXPECT_EQ(viewer()->currentLine(), 6);
    EXPECT_EQ(m_window->findingsPanel()->flowList()->currentRow(), 2);
    nextStep->trigger(); // already at the last step: stays
    EXPECT_EQ(viewer()->currentLine(), 6);
    previousStep->trigger();
    EXPECT_EQ(viewer()->currentLine(), 5);
    // Shift+F8 wraps around to the last finding (LOW, unverified): the viewer
    // stays.
    previous->trigger();
    EXPECT_EQ(m_window->findingsPanel()->currentFinding(), rowTitled(QStringLiteral("Debug")));
    EXPECT_EQ(viewer()->currentLine(), 5);
}

// A citation without a quote is "located": it opens, but neither the transcript link nor the
// findings panel ever calls it verified; a link followed by a code span is checked with it.
TEST_F(MainWindowFindingsTest, ACitationWithoutAQuoteIsShownAsLocated) {
    const QString answer = QStringLiteral(
        "- [MEDIUM] Unchecked user name — `app/routes.py:8` — no length or character check.\n\n"
        "The handler at `app/routes.py:7` reads `request.args` unchecked. The query is run "
        "at app/db.py:6.\n");
    ASSERT_NO_FATAL_FAILURE(askForReview({answer.left(50), answer.mid(50)}, 1));
    const Finding finding = model()->finding(0);
    ASSERT_EQ(finding.title, QStringLiteral("Unchecked user name"));
    ASSERT_TRUE(finding.quote.isEmpty());
    EXPECT_EQ(finding.resolved.status, VerificationStatus::Located);

    // The panel: the status column, its tooltip, the details and the filters.
    const QModelIndex status = model()->index(0, models::FindingsModel::StatusColumn);
    EXPECT_EQ(status.data().toString(), QStringLiteral("Located"));
    EXPECT_FALSE(status.data(Qt::ToolTipRole).toString().contains(QStringLiteral("erified")));
    ui::FindingsPanel *panel = m_window->findingsPanel();
    models::FindingsFilterProxy *proxy = panel->proxy();
    proxy->setStatusFilter(models::FindingsFilterProxy::StatusFilter::Verified);
    EXPECT_EQ(proxy->rowCount(), 0);
    proxy->setStatusFilter(models::FindingsFilterProxy::StatusFilter::Located);
    EXPECT_EQ(proxy->rowCount(), 1);
    proxy->setStatusFilter(models::FindingsFilterProxy::StatusFilter::Navigable);
    EXPECT_EQ(proxy->rowCount(), 1);
    proxy->setStatusFilter(models::FindingsFilterProxy::StatusFilter::Any);
    doubleClickFinding(0);
    auto *details = m_window->findChild<QTextBrowser *>(QStringLiteral("findingsDetailsText"));
    ASSERT_TRUE(details);
    EXPECT_TRUE(details->toPlainText().contains(QStringLiteral("Located:")))
        << details->toPlainText().toStdString();
    EXPECT_FALSE(details->toPlainText().contains(QStringLiteral("Verified")));
    // It opens at its line, and the status bar says located.
    EXPECT_EQ(viewer()->currentPath(), QStringLiteral("app/routes.py"));
    EXPECT_EQ(viewer()->currentLine(), 8);
    EXPECT_TRUE(statusText().contains(QStringLiteral("located"))) << statusText().toStdString();
    EXPECT_FALSE(statusText().contains(QStringLiteral("verified"))) << statusText().toStdString();

    // The transcript's links: located, corrected by the code span after it, located.
    auto *pane = m_window->findChild<ui::ChatPane *>();
    QHash<QString, QString> tips;
    const QTextDocument *document = pane->transcript()->document();
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat format = it.fragment().charFormat();
            if (format.isAnchor() &&
                format.anchorHref().startsWith(QStringLiteral("reposcope-cite:")))
                tips.insert(it.fragment().text(), format.toolTip());
        }
    }
    ASSERT_EQ(tips.size(), 3) << QStringList(tips.keys()).join(QLatin1Char('|')).toStdString();
    const QString finding8 = tips.value(QStringLiteral("app/routes.py:8"));
    EXPECT_TRUE(finding8.contains(QStringLiteral("located"))) << finding8.toStdString();
    EXPECT_FALSE(finding8.contains(QStringLiteral("verified"))) << finding8.toStdString();
    const QString quoted = tips.value(QStringLiteral("app/routes.py:7"));
    EXPECT_TRUE(quoted.contains(QStringLiteral("corrected: cited line 7, the quote is at 8")))
        << quoted.toStdString();
    const QString bare = tips.value(QStringLiteral("app/db.py:6"));
    EXPECT_TRUE(bare.contains(QStringLiteral("located"))) << bare.toStdString();
    EXPECT_FALSE(bare.contains(QStringLiteral("verified"))) << bare.toStdString();
}

// Stop in the middle of a finding, then Continue: the model starts its answer again, and
// the panel lists each finding once, none made of the broken half; the Markdown report of
// the continued answer names the question asked, not the "continue" prompt.
TEST_F(MainWindowFindingsTest, ContinueAfterAStopMidFindingJoinsItsHalves) {
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    const QString answer = answerPieces().join(QString());
    const qsizetype cut = answer.indexOf(QLatin1String("FROM users")); // in the SQL quote
    ASSERT_GT(cut, 0);
    m_server.enqueue(
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(answer.left(cut))}).hang());
    m_server.enqueue(ScriptedResponse::sse(
        {sse::roleChunk(), sse::contentChunk(answer), sse::finishChunk(), sse::done()}));
    auto *composer = m_window->findChild<QPlainTextEdit *>(QStringLiteral("chatComposer"));
    auto *send = m_window->findChild<QPushButton *>(QStringLiteral("chatSendButton"));
    auto *stop = m_window->findChild<QPushButton *>(QStringLiteral("chatStopButton"));
    auto *resume = m_window->findChild<QPushButton *>(QStringLiteral("chatContinueButton"));
    ASSERT_TRUE(composer && send && stop && resume);
    composer->setPlainText(QStringLiteral("Perform a security review"));
    ASSERT_TRUE(processEventsUntil([&] { return send->isEnabled(); }));
    send->click();
    // The first finding is complete, the SQL one is cut in its quote.
    ASSERT_TRUE(processEventsUntil([&] { return model()->rowCount() == 1; }));
    ASSERT_TRUE(processEventsUntil([&] { return stop->isEnabled(); }));
    stop->click();
    ASSERT_TRUE(processEventsUntil([&] { return resume->isEnabled(); }));
    EXPECT_EQ(model()->rowCount(), 1);

    resume->click();
    auto *pane = m_window->findChild<ui::ChatPane *>();
    ASSERT_TRUE(processEventsUntil([&] { return !pane->isBusy() && !resume->isEnabled(); }));
    ASSERT_EQ(m_server.requestCount(), 3); // the /props probe, the question, the continuation
    ASSERT_EQ(model()->rowCount(), 3);
    QStringList titles;
    for (int row = 0; row < model()->rowCount(); ++row)
        titles << model()->finding(row).title;
    EXPECT_EQ(titles, (QStringList{QStringLiteral("Unvalidated user name"),
                                   QStringLiteral("SQL injection in find"),
                                   QStringLiteral("Debug server")}));
    const Finding sql = model()->finding(1);
    EXPECT_TRUE(sql.quote.endsWith(QLatin1String("+ name"))) << sql.quote.toStdString();
    EXPECT_EQ(sql.resolved.status, VerificationStatus::Verified);

    const QString report = m_files.filePath(QStringLiteral("review.md"));
    ASSERT_TRUE(
        m_window->findingsController()->exportTo(report, ui::FindingsFormat::Markdown).ok());
    QFile file(report);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QString md = QString::fromUtf8(file.readAll());
    EXPECT_TRUE(md.contains(QLatin1String("> Perform a security review"))) << md.toStdString();
    EXPECT_FALSE(md.contains(QLatin1String("Continue"))) << md.toStdString();
    EXPECT_FALSE(md.contains(QLatin1String("cut off"))) << md.toStdString();
}

TEST_F(MainWindowFindingsTest, ShowsTheVerifiedTextWhenTheDiskChangedSince) {
    ASSERT_NO_FATAL_FAILURE(askForReview());
    m_repo.write(QStringLiteral("app/db.py"),
                 QByteArray("# inserted\n# lines\n") + QByteArray(kDb));
    doubleClickFinding(rowTitled(QStringLiteral("SQL")));
    EXPECT_EQ(viewer()->currentLine(), 5);
    EXPECT_TRUE(viewer()->textCursor().block().text().contains(QStringLiteral("SELECT *")));
    EXPECT_TRUE(processEventsUntil([&] {
        return statusText().contains(QStringLiteral("changed on disk"));
    })) << statusText().toStdString();
}

TEST_F(MainWindowFindingsTest, TriageSurvivesARestartAndExportWritesSarif) {
    ASSERT_NO_FATAL_FAILURE(askForReview());
    const int sql = rowTitled(QStringLiteral("SQL"));
    const QString fingerprint = model()->fingerprintAt(sql);
    model()->setTriage(sql, {findings::TriageState::Confirmed, QStringLiteral("ticket 42"), {}});
    const QString root = m_workspace->snapshot()->info().rootPath;

    const QString sarif = m_files.filePath(QStringLiteral("review.sarif"));
    ASSERT_TRUE(m_window->findingsController()->exportTo(sarif, ui::FindingsFormat::Sarif).ok());
    QFile file(sarif);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QJsonObject log = QJsonDocument::fromJson(file.readAll()).object();
    EXPECT_EQ(log.value(QStringLiteral("version")).toString(), QStringLiteral("2.1.0"));
    const QJsonObject run = log.value(QStringLiteral("runs")).toArray().at(0).toObject();
    EXPECT_EQ(run.value(QStringLiteral("results")).toArray().size(), 3);
    EXPECT_TRUE(QJsonDocument(log).toJson().contains("ticket 42")); // triage note exported
    const Result<Ok> failed = m_window->findingsController()->exportTo(
        m_files.filePath(QStringLiteral("missing/dir/out.csv")), ui::FindingsFormat::Csv);
    ASSERT_FALSE(failed.ok());
    EXPECT_TRUE(failed.error().message.contains(QStringLiteral("out.csv")));

    // A restart: the window goes, a new store reads the same file.
    m_window.reset();
    findings::TriageStore store(findings::TriageStore::defaultPathFor(root));
    ASSERT_TRUE(store.load().ok());
    EXPECT_EQ(store.get(fingerprint).state, findings::TriageState::Confirmed);
    EXPECT_EQ(store.get(fingerprint).note, QStringLiteral("ticket 42"));

    // The same review in a new window shows the verdict again.
    m_server.enqueue(
        ScriptedResponse::json(200, R"({"default_generation_settings":{"n_ctx":65536}})"));
    ASSERT_NO_FATAL_FAILURE(startWindow());
    ASSERT_NO_FATAL_FAILURE(askForReview());
    const int again = rowTitled(QStringLiteral("SQL"));
    EXPECT_EQ(model()->triage(again).state, findings::TriageState::Confirmed);
    EXPECT_EQ(model()->index(again, models::FindingsModel::TriageColumn).data().toString(),
              QStringLiteral("Confirmed"));
}
