// SPDX-License-Identifier: MIT
// The privacy guard in the window: the background scan marks the tree, the confirmation
// strip counts the selection's secrets and opens the review list, whose allow actions (and
// their undo) change the count; secrets ask again even with "don't ask again". Real scratch
// repository, secrets generated when the test runs, a real loopback server.
#include "mainwindow.h"

#include "chat/chatpane.h"
#include "eventloop.h"
#include "privacy/secretreviewdialog.h"
#include "repotreemodel.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "secretsamples.h"
#include "security/secrets/allowlist.h"
#include "uitestsupport.h"
#include "viewer/codeviewer.h"
#include "widgets/confirmstrip.h"
#include "workspace/secretindex.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;

namespace {

class SecretReviewTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_server.isListening());
        // Keyless and on loopback, but a "cloud" kind: the window treats it as remote.
        llm::ProviderEntry provider = loopbackProvider(
            m_server.baseUrl(), QStringLiteral("test-remote"), QStringLiteral("Remote-ish"));
        provider.kind = QStringLiteral("cloud");
        provider.auth = QStringLiteral("none");
        useProvider(m_catalog, provider);
        secrets::SampleGenerator gen(0x9a4d);
        m_aws = "AKIA" + gen.fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
        m_github = gen.githubToken("ghp_");
        m_repo.initGit();
        m_repo.write(QStringLiteral("app/settings.py"),
                     "import os\n\nAWS_KEY = \"" + m_aws + "\"\nDEBUG = False\n");
        m_repo.write(QStringLiteral("ci/deploy.sh"),
                     "#!/bin/sh\nexport GITHUB_TOKEN=" + m_github + "\n./deploy\n");
        m_repo.write(QStringLiteral("app/main.py"), "print('hello')\n");
        m_repo.commitAll();

        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        services.network = &m_network;
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
        m_index = m_window->secretIndex();
        ASSERT_TRUE(processEventsUntil([&] { return m_index->isComplete(); }));
        m_pane = m_window->findChild<ui::ChatPane *>();
        m_composer = find<QPlainTextEdit>(QStringLiteral("chatComposer"));
        m_send = find<QPushButton>(QStringLiteral("chatSendButton"));
        ASSERT_TRUE(m_pane && m_composer && m_send);
    }

    void TearDown() override {
        const QString root = m_index ? m_index->rootPath() : QString();
        m_window.reset();
        ServicesTest::TearDown();
        if (!root.isEmpty())
            QFile::remove(security::secrets::AllowList::userFileFor(root));
    }

    template <typename T> T *find(const QString &name) { return m_window->findChild<T *>(name); }

    void typeAndSend(const QString &question) {
        m_composer->setPlainText(question);
        ASSERT_TRUE(processEventsUntil([&] { return m_send->isEnabled(); }));
        m_send->click();
    }
    QString stripText() const { return m_pane->confirmStrip()->text(); }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    ScratchRepo m_repo;
    QByteArray m_aws;
    QByteArray m_github;
    std::unique_ptr<ui::MainWindow> m_window;
    workspace::SecretIndex *m_index = nullptr;
    ui::ChatPane *m_pane = nullptr;
    QPlainTextEdit *m_composer = nullptr;
    QPushButton *m_send = nullptr;
};

TEST_F(SecretReviewTest, stripCountsSecretsAndTheReviewListAllowsAndUndoes) {
    models::RepoTreeModel *model = m_window->treeModel();
    const int settings = m_workspace->snapshot()->find("app/settings.py");
    EXPECT_EQ(model->indexForNode(settings).data(models::RepoTreeModel::SecretsRole).toInt(), 1);

    ASSERT_NO_FATAL_FAILURE(typeAndSend(QStringLiteral("Review the deployment")));
    ui::ConfirmStrip *strip = m_pane->confirmStrip();
    ASSERT_FALSE(strip->isHidden());
    EXPECT_TRUE(stripText().contains(QStringLiteral("2 secrets will be redacted")))
        << stripText().toStdString();
    ASSERT_FALSE(strip->reviewButton()->isHidden());

    strip->reviewButton()->click();
    auto *dialog = m_window->findChild<ui::SecretReviewDialog *>();
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(QTest::qWaitForWindowExposed(dialog));
    QTableView *table = dialog->table();
    ASSERT_EQ(dialog->rowCount(), 2);
    const QAbstractItemModel *rows = table->model();
    // Sorted by file: app/settings.py first. The preview is masked.
    EXPECT_EQ(rows->index(0, 0).data().toString(), QStringLiteral("app/settings.py"));
    EXPECT_EQ(rows->index(0, 1).data().toString(), QStringLiteral("3"));
    EXPECT_EQ(rows->index(0, 2).data().toString(), QStringLiteral("aws-access-key-id"));
    const QString preview = rows->index(0, 4).data().toString();
    EXPECT_TRUE(preview.startsWith(QStringLiteral("AKIA"))) << preview.toStdString();
    EXPECT_FALSE(preview.contains(QString::fromLatin1(m_aws)));
    EXPECT_EQ(rows->index(1, 2).data().toString(), QStringLiteral("github-pat"));

    // Allow the first secret: the strip, still shown, counts one.
    table->setFocus();
    table->setCurrentIndex(rows->index(0, 0));
    find<QPushButton>(QStringLiteral("secretReviewAllowSecret"))->click();
    EXPECT_TRUE(stripText().contains(QStringLiteral("1 secret will be redacted")))
        << stripText().toStdString();
    EXPECT_TRUE(rows->index(0, 5).data().toString().contains(QStringLiteral("allowed")));
    EXPECT_EQ(model->indexForNode(settings).data(models::RepoTreeModel::SecretsRole).toInt(), 0);

    // Delete removes the allowance again; Ctrl+Z restores it.
    table->setCurrentIndex(rows->index(0, 0));
    QTest::keyClick(table, Qt::Key_Delete);
    EXPECT_TRUE(stripText().contains(QStringLiteral("2 secrets will be redacted")));
    QTest::keyClick(table, Qt::Key_Z, Qt::ControlModifier);
    EXPECT_TRUE(stripText().contains(QStringLiteral("1 secret will be redacted")));

    // Allow the second one's rule for the repository: none left, Review goes away.
    table->setCurrentIndex(rows->index(1, 0));
    find<QPushButton>(QStringLiteral("secretReviewAllowRule"))->click();
    EXPECT_FALSE(stripText().contains(QStringLiteral("redacted")));
    EXPECT_TRUE(strip->reviewButton()->isHidden());

    // Saved on the pool as hashes and ids only.
    const QString file = security::secrets::AllowList::userFileFor(m_index->rootPath());
    ASSERT_TRUE(processEventsUntil([&] {
        const auto loaded = security::secrets::AllowList::load(file);
        return loaded && loaded->rules() == QStringList{QStringLiteral("github-pat")} &&
               loaded->secrets().size() == 1;
    }));
    QFile saved(file);
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    const QByteArray json = saved.readAll();
    EXPECT_FALSE(json.contains(m_aws));
    EXPECT_FALSE(json.contains(m_github));

    // The filter narrows the list; Enter opens the file at the secret's line.
    dialog->setFilter(QStringLiteral("deploy"));
    ASSERT_EQ(dialog->rowCount(), 1);
    table->setCurrentIndex(rows->index(0, 0));
    QTest::keyClick(table, Qt::Key_Return);
    ui::CodeViewer *viewer = m_window->codeViewer();
    ASSERT_TRUE(processEventsUntil([&] {
        return viewer->currentPath() == QStringLiteral("ci/deploy.sh") &&
               viewer->currentLine() == 2;
    }));
    // Esc closes the list.
    dialog->activateWindow();
    table->setFocus();
    QTest::keyClick(table, Qt::Key_Escape);
    EXPECT_TRUE(dialog->isHidden());
}

TEST_F(SecretReviewTest, newSecretsAskEvenWithDontAskAgainAndTheRequestHoldsNone) {
    QSettings().setValue(QStringLiteral("chat/sendWithoutConfirmation"),
                         QStringList{QStringLiteral("test-remote")});
    m_pane->setTargetSummary(m_pane->targetSummary()); // as any refresh would
    ASSERT_NO_FATAL_FAILURE(typeAndSend(QStringLiteral("First question")));
    ui::ConfirmStrip *strip = m_pane->confirmStrip();
    ASSERT_FALSE(strip->isHidden()) << "secrets are a reason to ask";
    EXPECT_TRUE(stripText().contains(QStringLiteral("2 secrets will be redacted")));
    EXPECT_EQ(m_server.requestCount(), 0);

    m_server.enqueue(
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(QStringLiteral("Looks fine.")),
                               sse::finishChunk(), sse::done()}));
    strip->sendButton()->click();
    ASSERT_TRUE(processEventsUntil([&] {
        return m_pane->lastAnswerMarkdown().contains(QStringLiteral("Looks fine")) &&
               !m_pane->isBusy();
    }));
    ASSERT_EQ(m_server.requestCount(), 1);
    const QByteArray body = m_server.requests()[0].body;
    EXPECT_FALSE(body.contains(m_aws));
    EXPECT_FALSE(body.contains(m_github));
    EXPECT_TRUE(body.contains("DEBUG = False")); // the code around the secret is sent

    // The same secrets once confirmed: the next send goes without asking.
    m_server.enqueue(
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(QStringLiteral("Still fine.")),
                               sse::finishChunk(), sse::done()}));
    ASSERT_NO_FATAL_FAILURE(typeAndSend(QStringLiteral("Second question")));
    EXPECT_TRUE(strip->isHidden());
    ASSERT_TRUE(processEventsUntil([&] {
        return m_pane->lastAnswerMarkdown().contains(QStringLiteral("Still fine")) &&
               !m_pane->isBusy();
    }));

    // A new secret in the repository (re-opened): the strip asks again, counting all three.
    secrets::SampleGenerator gen(0x51ac);
    m_repo.write(QStringLiteral("app/notify.py"),
                 "SLACK = \"" + gen.githubToken("ghp_") + "\"\nsend = print\n");
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    ASSERT_TRUE(processEventsUntil([&] {
        return m_index->isComplete() && m_index->hitCount() == 3 &&
               m_pane->targetSummary().secrets == 3;
    }));
    find<QPushButton>(QStringLiteral("chatNewButton"))->click(); // a fresh pack
    ASSERT_NO_FATAL_FAILURE(typeAndSend(QStringLiteral("Third question")));
    ASSERT_FALSE(strip->isHidden()) << "a new secret asks again";
    EXPECT_TRUE(stripText().contains(QStringLiteral("3 secrets will be redacted")))
        << stripText().toStdString();
}

TEST_F(SecretReviewTest, chatMenuOpensTheReviewListOfAllFilesOnRequest) {
    // Untick the file with the AWS key: the list of the selection shows one secret, all two.
    const int settings = m_workspace->snapshot()->find("app/settings.py");
    m_window->treeModel()->setNodeChecked(settings, false);
    QMenu *chat = m_window->menuBar()->findChild<QMenu *>(QStringLiteral("chatMenu"));
    ASSERT_NE(chat, nullptr);
    QAction *review = m_window->findChild<QAction *>(QStringLiteral("reviewSecretsAction"));
    ASSERT_NE(review, nullptr);
    EXPECT_TRUE(chat->actions().contains(review));
    review->trigger();
    auto *dialog = m_window->findChild<ui::SecretReviewDialog *>();
    ASSERT_NE(dialog, nullptr);
    EXPECT_EQ(dialog->rowCount(), 1);
    dialog->setSelectedOnly(false);
    EXPECT_EQ(dialog->rowCount(), 2);
    EXPECT_TRUE(find<QLabel>(QStringLiteral("secretReviewSummary"))
                    ->text()
                    .contains(QStringLiteral("2 will be redacted")));
}

} // namespace

namespace {

TEST(ConfirmStripSecrets, saysWhatHappensToTheSecretsAndOffersReview) {
    ui::ConfirmStrip strip;
    ui::ChatTargetSummary target;
    target.providerName = QStringLiteral("Groq");
    target.model = QStringLiteral("m");
    target.remote = true;
    target.files = 3;
    strip.ask(target);
    EXPECT_FALSE(strip.text().contains(QStringLiteral("secret")));
    EXPECT_TRUE(strip.reviewButton()->isHidden());

    target.secrets = 2;
    target.secretsScanning = true;
    strip.refresh(target);
    EXPECT_TRUE(strip.text().contains(QStringLiteral("It leaves this machine. 2 secrets will be "
                                                     "redacted. (Still scanning for more.)")))
        << strip.text().toStdString();
    EXPECT_FALSE(strip.reviewButton()->isHidden());

    target.remote = false;
    target.secretsRedacted = false;
    target.secretsScanning = false;
    target.secrets = 1;
    strip.refresh(target);
    EXPECT_TRUE(strip.text().contains(QStringLiteral(
        "It stays on this machine. 1 secret found; it will be sent as it is (local).")))
        << strip.text().toStdString();
    QSignalSpy review(&strip, &ui::ConfirmStrip::reviewRequested);
    strip.reviewButton()->click();
    EXPECT_EQ(review.size(), 1);
    EXPECT_FALSE(strip.isHidden()) << "reviewing keeps the question waiting";

    // A choice strip has no review button, and a refresh does not turn it back.
    strip.askChoice(QStringLiteral("Which pack?"), QStringLiteral("New"), QStringLiteral("Old"));
    strip.refresh(target);
    EXPECT_EQ(strip.text(), QStringLiteral("Which pack?"));
    EXPECT_TRUE(strip.reviewButton()->isHidden());
}

} // namespace
