// SPDX-License-Identifier: MIT
// The chat wired into the main window, end to end against a real loopback server: the
// live cap replaces the catalog's, a question is packed, sent, streamed and rendered, and
// the request teaches the latency model and the count correction.
#include "mainwindow.h"

#include "budget/budgetmeter.h"
#include "chat/chatpane.h"
#include "eventloop.h"
#include "llm/catalog/latencymodel.h"
#include "llm/catalog/modelcatalog.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "tokenize/correctionstore.h"
#include "uitestsupport.h"
#include "widgets/phaseindicator.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;

namespace {

class MainWindowChatTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_server.isListening());
        llm::ProviderEntry provider = loopbackProvider(m_server.baseUrl());
        provider.capSource = QStringLiteral("llama-server-props");
        provider.returnProgress = true;
        useProvider(m_catalog, provider);
        writeSqlDemo(m_repo);

        // The window reads the live cap as soon as the provider is chosen.
        m_server.enqueue(ScriptedResponse::json(
            200,
            R"({"default_generation_settings":{"n_ctx":65536},"modalities":{"vision":false}})"));
        m_latency = std::make_unique<llm::LatencyModel>(m_files.filePath(QStringLiteral("l.json")));
        m_corrections =
            std::make_unique<tokenize::CorrectionStore>(m_files.filePath(QStringLiteral("c.json")));
        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax, nullptr,
                                        m_corrections.get()};
        services.network = &m_network;
        services.latency = m_latency.get();
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }

    template <typename T> T *find(const QString &name) { return m_window->findChild<T *>(name); }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_files;
    std::unique_ptr<llm::LatencyModel> m_latency;
    std::unique_ptr<tokenize::CorrectionStore> m_corrections;
    std::unique_ptr<ui::MainWindow> m_window;
};

} // namespace

TEST_F(MainWindowChatTest, AsksStreamsRendersAndLearns) {
    auto *budget = m_window->findChild<ui::BudgetMeter *>();
    auto *pane = m_window->findChild<ui::ChatPane *>();
    ASSERT_TRUE(budget && pane);
    // The server's n_ctx replaces the catalog's 32768.
    ASSERT_TRUE(processEventsUntil([&] { return budget->contextCap() == 65536; }));
    ASSERT_EQ(m_server.requestCount(), 1);
    EXPECT_EQ(m_server.requests()[0].target, "/props");

    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));

    m_server.enqueue(ScriptedResponse::sse(
        {sse::progressChunk(400, 0, 200, 5), sse::progressChunk(400, 0, 400, 9), sse::roleChunk(),
         sse::contentChunk(QStringLiteral("## Finding\n\n`app/db.py:2` ")),
         sse::contentChunk(QStringLiteral("concatenates `name`.")), sse::finishChunk(),
         sse::usageChunk(500, 12), sse::done()}));
    auto *composer = find<QPlainTextEdit>(QStringLiteral("chatComposer"));
    auto *send = find<QPushButton>(QStringLiteral("chatSendButton"));
    ASSERT_TRUE(composer && send);
    composer->setPlainText(QStringLiteral("Find every SQL injection"));
    ASSERT_TRUE(processEventsUntil([&] { return send->isEnabled(); }));
    send->click();
    ASSERT_TRUE(processEventsUntil([&] {
        return pane->lastAnswerMarkdown().contains(QStringLiteral("concatenates")) &&
               !pane->isBusy();
    }));
    EXPECT_EQ(pane->lastAnswerMarkdown(),
              QStringLiteral("## Finding\n\n`app/db.py:2` concatenates `name`."));
    EXPECT_TRUE(composer->toPlainText().isEmpty()); // cleared once the request started

    ASSERT_EQ(m_server.requestCount(), 2);
    const RecordedRequest &chat = m_server.requests()[1];
    EXPECT_EQ(chat.target, "/v1/chat/completions");
    const QJsonObject body = QJsonDocument::fromJson(chat.body).object();
    EXPECT_EQ(body.value(QStringLiteral("model")).toString(), QStringLiteral("default"));
    EXPECT_TRUE(body.value(QStringLiteral("return_progress")).toBool());
    const QString user = body.value(QStringLiteral("messages"))
                             .toArray()
                             .last()
                             .toObject()
                             .value(QStringLiteral("content"))
                             .toString();
    EXPECT_TRUE(user.contains(QStringLiteral("SELECT * FROM t WHERE n=")));
    EXPECT_TRUE(user.endsWith(QStringLiteral("Find every SQL injection")));

    // The finished request taught the ETA and, since the estimator only approximates,
    // the count correction (500 reported against RepoScope's own count).
    EXPECT_EQ(m_latency->sampleCount(llm::LatencyModel::backendKey(QStringLiteral("test-llama"),
                                                                   QStringLiteral("default"))),
              1);
    const tokenize::Correction correction = m_corrections->correction(
        tokenize::CorrectionStore::keyFor(QStringLiteral("test-llama"), QStringLiteral("default"),
                                          m_workspace->tokenizer().id()));
    EXPECT_EQ(correction.samples, 1);
    EXPECT_GT(correction.factor, 1.0);
}

TEST_F(MainWindowChatTest, SendingWithNothingOpenKeepsTheQuestionAndSaysWhy) {
    auto *pane = m_window->findChild<ui::ChatPane *>();
    auto *composer = find<QPlainTextEdit>(QStringLiteral("chatComposer"));
    auto *send = find<QPushButton>(QStringLiteral("chatSendButton"));
    ASSERT_TRUE(pane && composer && send);
    ASSERT_TRUE(processEventsUntil([&] { return m_server.requestCount() == 1; })); // /props
    composer->setPlainText(QStringLiteral("What does this do?"));
    // No request can be sent: Send waits, and the status line (not only a tooltip) says why
    // instead of "Ready. Ctrl+Enter sends".
    ASSERT_TRUE(processEventsUntil([&] {
        return pane->phaseIndicator()->text().startsWith(QStringLiteral("Open a repository first"));
    })) << pane->phaseIndicator()->text().toStdString();
    EXPECT_FALSE(send->isEnabled());
    send->click();
    QCoreApplication::processEvents();
    EXPECT_EQ(composer->toPlainText(), QStringLiteral("What does this do?"));
    EXPECT_FALSE(pane->isBusy());
    EXPECT_EQ(m_server.requestCount(), 1); // the /props probe only
}
