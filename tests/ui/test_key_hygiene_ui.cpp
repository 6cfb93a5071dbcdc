// SPDX-License-Identifier: MIT
// The window never lets the API key out. A random key is typed in Settings ▸ Providers with
// no keychain (no session bus: the key is kept in memory, as on a headless machine); the
// loopback server quotes it back in a 503 (retried) and later a 401, in every encoding;
// findings are exported as SARIF, Markdown and CSV; the window closes. Then no form of the
// key is in any widget's text, the transcript, the log (all reposcope.* categories at
// debug), the settings, the caches or the exports, while every request carried it.
#include "mainwindow.h"

#include "chat/chatpane.h"
#include "envvar.h"
#include "eventloop.h"
#include "findings/findingscontroller.h"
#include "findings/findingspanel.h"
#include "keyleaks.h"
#include "llm/client/chatrequest.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "security/apikeystore.h"
#include "settings/providersdialog.h"
#include "uitestsupport.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QAction>
#include <QApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTextEdit>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::test;

namespace {

const QString kCloud = QStringLiteral("test-cloud");

QByteArray echoingBody(const QString &key) {
    const QByteArray k = key.toUtf8();
    const QString message = QStringLiteral("Invalid header Authorization: Bearer ") + key +
                            QStringLiteral(" (base64 ") + QString::fromLatin1(k.toBase64()) +
                            QStringLiteral(", URL ?key=") +
                            QString::fromLatin1(QUrl::toPercentEncoding(key)) + QStringLiteral(")");
    return QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                      QJsonObject{{QStringLiteral("message"), message}}}})
        .toJson(QJsonDocument::Compact);
}

// Every text a person could read or copy out of `root` and its children.
QByteArray visibleTexts(QWidget *root) {
    QByteArray all;
    for (auto *w : root->findChildren<QLabel *>())
        all += w->text().toUtf8() + '\n' + w->toolTip().toUtf8() + '\n';
    for (auto *w : root->findChildren<QLineEdit *>())
        all += w->text().toUtf8() + '\n';
    for (auto *w : root->findChildren<QPlainTextEdit *>())
        all += w->toPlainText().toUtf8() + '\n';
    for (auto *w : root->findChildren<QTextEdit *>())
        all += w->toPlainText().toUtf8() + '\n' + w->toHtml().toUtf8() + '\n';
    for (auto *w : root->findChildren<QWidget *>())
        all += w->toolTip().toUtf8() + '\n' + w->statusTip().toUtf8() + '\n';
    return all;
}

class KeyHygieneUi : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_server.isListening());
        ASSERT_TRUE(m_files.isValid());
        llm::ProviderEntry cloud;
        cloud.id = kCloud;
        cloud.name = QStringLiteral("Test cloud");
        cloud.kind = QStringLiteral("cloud");
        cloud.baseUrl = m_server.baseUrl().toString();
        cloud.auth = QStringLiteral("bearer");
        cloud.keyEnv = QStringLiteral("RS_TEST_CLOUD_KEY_UNSET");
        cloud.models = {loadedModel(131072)};
        m_catalog.upsertProvider(cloud);
        QSettings().setValue(QStringLiteral("chat/sendWithoutConfirmation"), QStringList{kCloud});
        QSettings().setValue(QStringLiteral("budget/provider"), kCloud);
        writeSqlDemo(m_repo);
    }
    void TearDown() override {
        m_window.reset();
        m_keys.reset();
        ServicesTest::TearDown();
    }

    void send(const QString &question) {
        auto *composer = m_window->findChild<QPlainTextEdit *>(QStringLiteral("chatComposer"));
        auto *button = m_window->findChild<QPushButton *>(QStringLiteral("chatSendButton"));
        ASSERT_TRUE(composer && button);
        composer->setPlainText(question);
        ASSERT_TRUE(processEventsUntil([&] { return button->isEnabled(); }));
        button->click();
    }

    const QString m_key = randomApiKey();
    LogCapture m_log;
    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_files;
    std::unique_ptr<security::ApiKeyStore> m_keys;
    std::unique_ptr<ui::MainWindow> m_window;
};

} // namespace

TEST_F(KeyHygieneUi, TypedKeyEchoedByTheServerExportedFindingsAndQuitLeakNothing) {
    EnvVar bus("DBUS_SESSION_BUS_ADDRESS",
               "unix:path=" + QFile::encodeName(m_files.filePath(QStringLiteral("no-bus"))));
    m_keys = std::make_unique<security::ApiKeyStore>(
        security::makeKeychainBackend(QStringLiteral("RepoScopeTests")));
    ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax, nullptr, nullptr};
    services.network = &m_network;
    services.keys = m_keys.get();
    m_window = std::make_unique<ui::MainWindow>(services);
    m_window->resize(1400, 900);
    m_window->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));

    // The key, typed in the dialog.
    QAction *providers = nullptr;
    for (QAction *a : m_window->findChildren<QAction *>())
        if (a->text() == QStringLiteral("&Providers and API Keys…"))
            providers = a;
    ASSERT_NE(providers, nullptr);
    providers->trigger();
    auto *dialog = m_window->findChild<ui::ProvidersDialog *>();
    ASSERT_NE(dialog, nullptr);
    auto *keySource = dialog->findChild<QLabel *>(QStringLiteral("keySource"));
    auto *key = dialog->findChild<QLineEdit *>(QStringLiteral("apiKey"));
    auto *save = dialog->findChild<QPushButton *>(QStringLiteral("saveKey"));
    ASSERT_TRUE(keySource && key && save);
    QTest::keyClicks(key, m_key);
    save->click();
    ASSERT_TRUE(processEventsUntil([&] {
        return keySource->text().contains(QStringLiteral("memory"));
    })) << keySource->text().toStdString();
    QByteArray said = visibleTexts(dialog);
    dialog->reject();

    // A 503 quoting the key (retried), then an answer with a finding.
    m_server.enqueue(
        ScriptedResponse::json(503, echoingBody(m_key)).header("retry-after-ms", "10"));
    m_server.enqueue(ScriptedResponse::sse(sse::completion(
        {QStringLiteral("## Findings\n\n- [HIGH] SQL injection in find — app/db.py:2 — "
                        "`return run(\"SELECT * FROM t WHERE n='\" + name)` — concatenated.\n")})));
    ASSERT_NO_FATAL_FAILURE(send(QStringLiteral("Any injection?")));
    auto *pane = m_window->findChild<ui::ChatPane *>();
    ASSERT_TRUE(
        processEventsUntil([&] { return m_server.requestCount() >= 2 && !pane->isBusy(); }));
    said += visibleTexts(m_window.get());
    // Then a 401 quoting it again.
    m_server.enqueue(ScriptedResponse::json(401, echoingBody(m_key)));
    ASSERT_NO_FATAL_FAILURE(send(QStringLiteral("And XSS?")));
    ASSERT_TRUE(
        processEventsUntil([&] { return m_server.requestCount() >= 3 && !pane->isBusy(); }));
    said += visibleTexts(m_window.get());
    EXPECT_TRUE(said.contains("401")) << "the failure is shown";
    // With the server's words, the key in them masked: shown, and scrubbed.
    EXPECT_TRUE(said.contains(llm::maskKey(m_key).toUtf8())) << said.constData();

    // Exports.
    QTemporaryDir out;
    for (const auto &[name, format] :
         {std::pair{QStringLiteral("f.sarif"), ui::FindingsFormat::Sarif},
          std::pair{QStringLiteral("f.md"), ui::FindingsFormat::Markdown},
          std::pair{QStringLiteral("f.csv"), ui::FindingsFormat::Csv}})
        EXPECT_TRUE(m_window->findingsController()->exportTo(out.filePath(name), format).ok());
    // Quit.
    m_window->close();
    m_window.reset();
    QSettings().sync();

    ASSERT_GE(m_server.requestCount(), 3);
    for (const RecordedRequest &r : m_server.requests()) {
        if (r.target.endsWith("/chat/completions")) {
            EXPECT_EQ(r.header("Authorization"), "Bearer " + m_key.toUtf8());
        }
        EXPECT_TRUE(keyLeakIn(r.body, m_key).isEmpty()) << "the key is in a request body";
    }
    said += LogCapture::all();
    EXPECT_GT(LogCapture::count(), 0);
    EXPECT_TRUE(keyLeakIn(said, m_key).isEmpty()) << keyLeakIn(said, m_key).constData() << "\n"
                                                  << said.constData();
    int scanned = 0;
    for (const QString &dir : {m_settingsDir.path(), m_cacheDir.path(), out.path(),
                               QStandardPaths::writableLocation(QStandardPaths::AppDataLocation),
                               QStandardPaths::writableLocation(QStandardPaths::CacheLocation),
                               QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)})
        if (!dir.isEmpty()) {
            EXPECT_EQ(keyLeaksUnder(dir, m_key, &scanned), QStringList()) << dir.toStdString();
        }
    EXPECT_GE(scanned, 4); // the settings file and three exports at least
}
