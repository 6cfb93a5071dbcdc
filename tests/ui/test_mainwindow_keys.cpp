// SPDX-License-Identifier: MIT
// The window without a keychain and around a running request, against a real loopback
// server: a key typed in Settings ▸ Providers while the real keychain fails (no D-Bus
// session bus) is kept for this run, the dialog says so, and the next request carries it;
// quitting during a request asks first; a long error never widens the chat dock; a failed
// turn is named and can be cleared; counts in messages are grouped.
#include "mainwindow.h"

#include "budget/budgetmeter.h"
#include "chat/chatcontroller.h"
#include "chat/chatpane.h"
#include "envvar.h"
#include "eventloop.h"
#include "llm/catalog/modelcatalog.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "security/apikeystore.h"
#include "settings/providersdialog.h"
#include "transcript/transcriptview.h"
#include "uitestsupport.h"
#include "workspace/chatsession.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;

namespace {

const QString kCloud = QStringLiteral("test-cloud");
const QString kLocal = QStringLiteral("test-llama");

class MainWindowKeysTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_server.isListening());
        ASSERT_TRUE(m_files.isValid());
        // A cloud-like provider that needs a key, served by the loopback server.
        llm::ProviderEntry cloud;
        cloud.id = kCloud;
        cloud.name = QStringLiteral("Test cloud");
        cloud.kind = QStringLiteral("cloud");
        cloud.baseUrl = m_server.baseUrl().toString();
        cloud.auth = QStringLiteral("bearer");
        cloud.keyEnv = QStringLiteral("RS_TEST_CLOUD_KEY_UNSET");
        cloud.models = {loadedModel(131072)};
        m_catalog.upsertProvider(cloud);
        // A server that takes no key, for the tests about a running request.
        llm::ProviderEntry local = cloud;
        local.id = kLocal;
        local.name = QStringLiteral("Test llama-server");
        local.kind = QStringLiteral("self-hosted");
        local.auth = QStringLiteral("none");
        local.keyEnv.clear();
        m_catalog.upsertProvider(local);
        QSettings().setValue(QStringLiteral("chat/sendWithoutConfirmation"),
                             QStringList{kCloud, kLocal});

        writeSqlDemo(m_repo);
    }

    void TearDown() override {
        if (m_window) {
            // Nothing may ask any more: the fixture ends the request first.
            if (auto *pane = m_window->findChild<ui::ChatPane *>(); pane && pane->isBusy())
                Q_EMIT pane->stopRequested();
            processEventsUntil([&] {
                auto *pane = m_window->findChild<ui::ChatPane *>();
                return !pane || !pane->isBusy();
            });
        }
        m_window.reset();
        m_keys.reset();
        ServicesTest::TearDown();
    }

    void openWindow(const QString &provider) {
        QSettings().setValue(QStringLiteral("budget/provider"), provider);
        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax, nullptr, nullptr};
        services.network = &m_network;
        services.keys = m_keys.get();
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void sendQuestion(const QString &question) {
        auto *composer = find<QPlainTextEdit>(QStringLiteral("chatComposer"));
        auto *send = find<QPushButton>(QStringLiteral("chatSendButton"));
        ASSERT_TRUE(composer && send);
        composer->setPlainText(question);
        ASSERT_TRUE(processEventsUntil([&] { return send->isEnabled(); }))
            << send->toolTip().toStdString();
        send->click();
    }

    QAction *menuAction(const QString &text) {
        const QList<QAction *> actions = m_window->findChildren<QAction *>();
        for (QAction *action : actions)
            if (action->text() == text)
                return action;
        return nullptr;
    }

    template <typename T> T *find(const QString &name) { return m_window->findChild<T *>(name); }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_files;
    std::unique_ptr<security::ApiKeyStore> m_keys;
    std::unique_ptr<ui::MainWindow> m_window;
};

// Answers the next "A request is running" question with the button named `button`, as a
// person would click it; remembers that it was asked.
class QuitAnswer : public QObject {
public:
    explicit QuitAnswer(const char *button)
        : m_button(QLatin1String(button)) {
        m_timer.setInterval(10);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box || box->objectName() != QLatin1String("quitWhileBusy"))
                return;
            m_text = box->text();
            if (auto *b = box->findChild<QAbstractButton *>(m_button))
                b->click();
        });
        m_timer.start();
    }
    const QString &text() const { return m_text; }

private:
    QTimer m_timer;
    QString m_button;
    QString m_text;
};

} // namespace

TEST_F(MainWindowKeysTest, TypedKeyWithoutAKeychainIsKeptAndSent) {
    // No session bus: the real QtKeychain backend fails as it does under Xvfb or on a
    // headless machine. Set before the first use of the bus in this process.
    EnvVar bus("DBUS_SESSION_BUS_ADDRESS",
               "unix:path=" + QFile::encodeName(m_files.filePath(QStringLiteral("no-bus"))));
    m_keys = std::make_unique<security::ApiKeyStore>(
        security::makeKeychainBackend(QStringLiteral("RepoScopeTests")));
    ASSERT_NO_FATAL_FAILURE(openWindow(kCloud));
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));

    QAction *providers = menuAction(QStringLiteral("&Providers and API Keys…"));
    ASSERT_NE(providers, nullptr);
    providers->trigger();
    auto *dialog = m_window->findChild<ui::ProvidersDialog *>();
    ASSERT_NE(dialog, nullptr);
    ASSERT_EQ(dialog->currentProviderId(), kCloud);
    auto *keySource = dialog->findChild<QLabel *>(QStringLiteral("keySource"));
    auto *status = dialog->findChild<QLabel *>(QStringLiteral("status"));
    auto *key = dialog->findChild<QLineEdit *>(QStringLiteral("apiKey"));
    auto *save = dialog->findChild<QPushButton *>(QStringLiteral("saveKey"));
    ASSERT_TRUE(keySource && status && key && save);
    ASSERT_TRUE(processEventsUntil([&] {
        return keySource->text().startsWith(QStringLiteral("No key set"));
    })) << keySource->text().toStdString();

    const QString typed = QStringLiteral("sk-typed-in-the-dialog-4711");
    QTest::keyClicks(key, typed);
    ASSERT_TRUE(save->isEnabled());
    save->click();
    ASSERT_TRUE(processEventsUntil([&] {
        return status->text().startsWith(
            QStringLiteral("No keychain: the key is kept until you quit."));
    })) << status->text().toStdString();
    EXPECT_FALSE(status->text().contains(QStringLiteral("Unknown error")))
        << status->text().toStdString();
    EXPECT_TRUE(status->text().contains(QStringLiteral("D-Bus"))) << "the bus's own error";
    EXPECT_FALSE(status->text().contains(typed));
    ASSERT_TRUE(processEventsUntil([&] {
        return keySource->text().contains(
            QStringLiteral("memory (no keychain: the key is kept until you quit)"));
    })) << keySource->text().toStdString();
    EXPECT_FALSE(keySource->text().contains(typed)) << "shown masked";
    EXPECT_TRUE(key->text().isEmpty());
    dialog->reject();

    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("Looked.")})));
    ASSERT_NO_FATAL_FAILURE(sendQuestion(QStringLiteral("Any injection?")));
    auto *pane = m_window->findChild<ui::ChatPane *>();
    ASSERT_TRUE(
        processEventsUntil([&] { return !pane->isBusy() && m_server.requestCount() == 1; }));
    ASSERT_EQ(m_server.requestCount(), 1);
    const RecordedRequest &chat = m_server.requests()[0];
    EXPECT_EQ(chat.target, "/v1/chat/completions");
    EXPECT_EQ(chat.header("Authorization"), "Bearer " + typed.toUtf8());
    EXPECT_EQ(pane->lastAnswerMarkdown(), QStringLiteral("Looked."));
}

TEST_F(MainWindowKeysTest, QuittingDuringARequestAsksFirst) {
    ASSERT_NO_FATAL_FAILURE(openWindow(kLocal));
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    m_server.enqueue(ScriptedResponse::silent());
    ASSERT_NO_FATAL_FAILURE(sendQuestion(QStringLiteral("Summarise")));
    auto *pane = m_window->findChild<ui::ChatPane *>();
    ASSERT_TRUE(processEventsUntil([&] { return m_server.requestCount() == 1; }));
    ASSERT_TRUE(pane->isBusy());

    QAction *quit = menuAction(QStringLiteral("&Quit"));
    ASSERT_NE(quit, nullptr);
    EXPECT_EQ(quit->shortcut(), QKeySequence(QKeySequence::Quit));
    {
        QuitAnswer keep("keepRunning");
        quit->trigger();
        EXPECT_EQ(keep.text(), QStringLiteral("A request is running."));
        EXPECT_TRUE(m_window->isVisible()) << "Keep Running keeps the window";
        EXPECT_TRUE(pane->isBusy()) << "and the request";
    }
    {
        QuitAnswer stop("quitAndStop");
        m_window->close(); // the window's close button takes the same path
        EXPECT_EQ(stop.text(), QStringLiteral("A request is running."));
        EXPECT_FALSE(m_window->isVisible());
        ASSERT_TRUE(processEventsUntil([&] { return !pane->isBusy(); }));
        EXPECT_EQ(m_window->findChild<ui::ChatPane *>()->transcript()->turns()->last().phase,
                  llm::ChatPhase::Cancelled);
    }
}

TEST_F(MainWindowKeysTest, NothingIsAskedWhenNoRequestRuns) {
    ASSERT_NO_FATAL_FAILURE(openWindow(kLocal));
    QuitAnswer keep("keepRunning");
    m_window->close();
    QCoreApplication::processEvents();
    EXPECT_FALSE(m_window->isVisible());
    EXPECT_TRUE(keep.text().isEmpty());
}

TEST_F(MainWindowKeysTest, ALongErrorDoesNotWidenTheChatDock) {
    ASSERT_NO_FATAL_FAILURE(openWindow(kLocal));
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    auto *pane = m_window->findChild<ui::ChatPane *>();
    QDockWidget *dock = nullptr;
    for (QDockWidget *d : m_window->findChildren<QDockWidget *>())
        if (d->isAncestorOf(pane))
            dock = d;
    ASSERT_NE(dock, nullptr);
    QCoreApplication::processEvents();
    const int initial = dock->width();
    ASSERT_GT(initial, 0);
    // A first answer (Stop gives way to Send, the cost line appears) keeps the width too.
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("Fine.")})));
    ASSERT_NO_FATAL_FAILURE(sendQuestion(QStringLiteral("Warm up")));
    ASSERT_TRUE(
        processEventsUntil([&] { return !pane->isBusy() && m_server.requestCount() == 1; }));
    QCoreApplication::processEvents();
    const int before = dock->width();
    EXPECT_EQ(before, initial) << "after the first answer";

    // A 2,000-character server error: words, then one unbroken token (a base64 blob).
    QString words;
    while (words.size() < 1000)
        words += QStringLiteral("the upstream gateway refused ");
    const QString blob(1000, QLatin1Char('Q'));
    const QString message = words + blob;
    ASSERT_GE(message.size(), 2000);
    m_server.enqueue(ScriptedResponse::json(
        400, QStringLiteral("{\"error\":{\"message\":\"%1\"}}").arg(message).toUtf8()));
    ASSERT_NO_FATAL_FAILURE(sendQuestion(QStringLiteral("Why?")));
    ASSERT_TRUE(processEventsUntil([&] {
        return !pane->isBusy() && pane->transcript()->turns()->size() == 2 &&
               pane->transcript()->turns()->last().phase == llm::ChatPhase::Failed;
    }));
    QCoreApplication::processEvents();
    EXPECT_EQ(dock->width(), before) << "after the failed turn";
    EXPECT_LE(pane->transcript()->horizontalScrollBar()->maximum(), 0)
        << "the error wraps in the transcript";

    // The full 2,000 characters, unbroken token included, in the phase line.
    pane->rejectSend(message);
    QCoreApplication::processEvents();
    EXPECT_EQ(dock->width(), before) << "after a 2,000-character notice";
    EXPECT_LE(pane->minimumSizeHint().width(), before);
}

// A turn that failed before any answer says "Failed" (not "Incomplete") and offers to
// clear it; clearing takes it off the screen and out of every later request.
TEST_F(MainWindowKeysTest, AFailedTurnIsNamedSoAndCanBeCleared) {
    ASSERT_NO_FATAL_FAILURE(openWindow(kLocal));
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    auto *pane = m_window->findChild<ui::ChatPane *>();
    ui::TranscriptView *transcript = pane->transcript();
    m_server.enqueue(ScriptedResponse::json(400, R"({"error":{"message":"bad request"}})"));
    ASSERT_NO_FATAL_FAILURE(sendQuestion(QStringLiteral("first-question-that-failed")));
    ASSERT_TRUE(processEventsUntil([&] {
        return !pane->isBusy() && !transcript->turns()->isEmpty() &&
               transcript->turns()->last().phase == llm::ChatPhase::Failed;
    }));
    const QString failed = transcript->renderedTurnText(0);
    EXPECT_TRUE(failed.contains(QStringLiteral("⚠ Failed: "))) << failed.toStdString();
    EXPECT_FALSE(failed.contains(QStringLiteral("Incomplete"))) << failed.toStdString();
    ASSERT_TRUE(failed.contains(QStringLiteral("Clear failed turns")));

    // Click the link as a person would.
    const QString text = transcript->document()->toPlainText();
    const qsizetype at = text.indexOf(QStringLiteral("Clear failed turns"));
    ASSERT_GE(at, 0);
    QTextCursor cursor(transcript->document());
    cursor.setPosition(int(at) + 3);
    transcript->ensureCursorVisible();
    transcript->setTextCursor(cursor);
    QTest::mouseClick(transcript->viewport(), Qt::LeftButton, {},
                      transcript->cursorRect(cursor).center());
    ASSERT_TRUE(processEventsUntil([&] { return transcript->turns()->first().cleared; }));
    EXPECT_FALSE(transcript->document()->toPlainText().contains(
        QStringLiteral("first-question-that-failed")));
    EXPECT_FALSE(transcript->document()->toPlainText().contains(QStringLiteral("Failed")));

    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("Fine.")})));
    auto *composer = find<QPlainTextEdit>(QStringLiteral("chatComposer"));
    composer->clear(); // the failed question was given back to it
    ASSERT_NO_FATAL_FAILURE(sendQuestion(QStringLiteral("second")));
    ASSERT_TRUE(
        processEventsUntil([&] { return !pane->isBusy() && m_server.requestCount() == 2; }));
    EXPECT_FALSE(m_server.requests()[1].body.contains("first-question-that-failed"));
    EXPECT_TRUE(transcript->document()->toPlainText().contains(QStringLiteral("Fine.")));
}

// Counts in chat and status messages carry thousands separators.
TEST_F(MainWindowKeysTest, CountsInMessagesAreGrouped) {
    for (int i = 0; i < 1200; ++i)
        m_repo.write(QStringLiteral("src/m%1.py").arg(i), "x = 1\n");
    m_repo.commitAll();
    ASSERT_NO_FATAL_FAILURE(openWindow(kLocal));
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    auto *controller = m_window->findChild<ui::ChatController *>();
    auto *pane = m_window->findChild<ui::ChatPane *>();
    ASSERT_TRUE(controller && pane);
    QString shown;
    QObject::connect(controller->session(), &workspace::ChatSession::packPreparing, pane,
                     [&] { shown = pane->phaseIndicator()->text(); });
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    ASSERT_NO_FATAL_FAILURE(sendQuestion(QStringLiteral("Count")));
    ASSERT_TRUE(
        processEventsUntil([&] { return !pane->isBusy() && m_server.requestCount() == 1; }));
    EXPECT_TRUE(shown.contains(QStringLiteral("packing 1,201 file"))) << shown.toStdString();
}
