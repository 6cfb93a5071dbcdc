// SPDX-License-Identifier: MIT
// The phase line tells the truth, in the main window against a real loopback server: a stream
// that stops sending is called stalled (with Stop and Retry, and the idle timeout still ends
// it), a wait that outlasts the ETA too, and the latency model learns the prefill of the attempt
// that answered, not the wait on a 429 before it.
#include "mainwindow.h"

#include "budget/budgetmeter.h"
#include "chat/chatpane.h"
#include "eventloop.h"
#include "llm/catalog/latencymodel.h"
#include "llm/catalog/modelcatalog.h"
#include "llm/client/chatclient.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
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
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;

namespace {

constexpr qint64 kTestStallMs = 300; // the application's is PhaseIndicator::kStallNoticeMs

class MainWindowPhasesTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_server.isListening());
        llm::ProviderEntry provider = loopbackProvider(m_server.baseUrl());
        provider.returnProgress = true; // llama-server: progress and per-chunk timings
        useProvider(m_catalog, provider);
        writeSqlDemo(m_repo);

        m_latency = std::make_unique<llm::LatencyModel>(m_files.filePath(QStringLiteral("l.json")));
        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        services.network = &m_network;
        services.latency = m_latency.get();
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        m_pane = m_window->findChild<ui::ChatPane *>();
        m_client = m_window->findChild<llm::ChatClient *>();
        ASSERT_TRUE(m_pane && m_client);
        m_indicator = m_pane->phaseIndicator();
        m_indicator->setStallThresholdMs(kTestStallMs);

        ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    }

    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }

    template <typename T> T *find(const QString &name) { return m_window->findChild<T *>(name); }

    void ask(const QString &question) {
        auto *composer = find<QPlainTextEdit>(QStringLiteral("chatComposer"));
        auto *send = find<QPushButton>(QStringLiteral("chatSendButton"));
        ASSERT_TRUE(composer && send);
        composer->setPlainText(question);
        ASSERT_TRUE(processEventsUntil([&] { return send->isEnabled(); }));
        send->click();
    }

    QPushButton *stopButton() { return find<QPushButton>(QStringLiteral("chatPhaseStopButton")); }
    QPushButton *retryButton() { return find<QPushButton>(QStringLiteral("chatPhaseRetryButton")); }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_files;
    std::unique_ptr<llm::LatencyModel> m_latency;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::ChatPane *m_pane = nullptr;
    llm::ChatClient *m_client = nullptr;
    ui::PhaseIndicator *m_indicator = nullptr;
};

} // namespace

TEST_F(MainWindowPhasesTest, AStreamThatStopsIsCalledStalledAndRetryAsksAgain) {
    // Two chunks, then the server keeps the connection open and sends nothing.
    m_server.enqueue(ScriptedResponse::sse({sse::roleChunk(),
                                            sse::contentChunk(QStringLiteral("## Finding\n\n")),
                                            sse::contentChunk(QStringLiteral("`app/db.py:2` "))})
                         .hang());
    QSignalSpy stall(m_indicator, &ui::PhaseIndicator::stallChanged);
    ask(QStringLiteral("Find every SQL injection"));
    ASSERT_TRUE(stall.wait(30000));
    ASSERT_TRUE(stall.last().at(0).toBool());
    EXPECT_TRUE(m_pane->isBusy()); // still running: only named, not ended
    EXPECT_EQ(m_indicator->phase(), llm::ChatPhase::Streaming);
    EXPECT_TRUE(m_indicator->text().startsWith(QStringLiteral("Stalled: no data for ")))
        << m_indicator->text().toStdString();
    ASSERT_TRUE(stopButton() && retryButton());
    EXPECT_TRUE(stopButton()->isVisible());
    EXPECT_TRUE(retryButton()->isVisible());

    // Retry: the stalled request is stopped and the question sent again.
    m_server.enqueue(ScriptedResponse::sse(
        sse::completion({QStringLiteral("`app/db.py:2` concatenates `name`.")}, {{40, 9}})));
    retryButton()->click();
    ASSERT_TRUE(processEventsUntil(
        [&] { return !m_pane->isBusy() && m_indicator->phase() == llm::ChatPhase::Done; }));
    EXPECT_EQ(m_pane->lastAnswerMarkdown(), QStringLiteral("`app/db.py:2` concatenates `name`."));
    EXPECT_FALSE(m_indicator->isStalled());
    EXPECT_FALSE(stopButton()->isVisible());
    EXPECT_FALSE(retryButton()->isVisible());
    ASSERT_EQ(m_server.requestCount(), 2);
    for (const RecordedRequest &request : m_server.requests()) {
        EXPECT_EQ(request.target, "/v1/chat/completions");
        const QJsonArray messages = QJsonDocument::fromJson(request.body)
                                        .object()
                                        .value(QStringLiteral("messages"))
                                        .toArray();
        EXPECT_TRUE(messages.last()
                        .toObject()
                        .value(QStringLiteral("content"))
                        .toString()
                        .endsWith(QStringLiteral("Find every SQL injection")));
    }
    // The retry is the same question, not a continuation of the half answer.
    EXPECT_EQ(m_server.requests()[0].body, m_server.requests()[1].body);
}

TEST_F(MainWindowPhasesTest, StopOnAStallKeepsThePartialAnswer) {
    m_server.enqueue(ScriptedResponse::sse(
                         {sse::roleChunk(), sse::contentChunk(QStringLiteral("Half an answer"))})
                         .hang());
    QSignalSpy stall(m_indicator, &ui::PhaseIndicator::stallChanged);
    ask(QStringLiteral("Audit"));
    ASSERT_TRUE(stall.wait(30000));
    ASSERT_TRUE(stopButton()->isVisible());
    stopButton()->click();
    ASSERT_TRUE(processEventsUntil([&] { return !m_pane->isBusy(); }));
    EXPECT_EQ(m_indicator->phase(), llm::ChatPhase::Cancelled);
    EXPECT_EQ(m_pane->lastAnswerMarkdown(), QStringLiteral("Half an answer"));
    EXPECT_EQ(m_server.requestCount(), 1);
}

TEST_F(MainWindowPhasesTest, TheIdleTimeoutStillEndsAStalledStream) {
    llm::RetryPolicy policy = m_client->retryPolicy();
    policy.idleTimeoutMs = int(kTestStallMs * 4);
    m_client->setRetryPolicy(policy);
    m_server.enqueue(
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(QStringLiteral("Half"))})
            .hang());
    QSignalSpy stall(m_indicator, &ui::PhaseIndicator::stallChanged);
    ask(QStringLiteral("Audit"));
    ASSERT_TRUE(stall.wait(30000)); // named stalled first ...
    EXPECT_TRUE(stall.last().at(0).toBool());
    ASSERT_TRUE(processEventsUntil([&] { return !m_pane->isBusy(); })); // ... then ended
    EXPECT_EQ(m_indicator->phase(), llm::ChatPhase::Failed);
    EXPECT_TRUE(m_indicator->text().contains(QStringLiteral("No data from")))
        << m_indicator->text().toStdString();
    EXPECT_FALSE(m_indicator->isStalled());
    EXPECT_EQ(m_pane->lastAnswerMarkdown(), QStringLiteral("Half"));
}

TEST_F(MainWindowPhasesTest, AWaitBeyondTheEtaIsCalledStalled) {
    // Headers, then nothing at all: no progress, no token. The latency model's seed gives a
    // small prompt well under a second, so past max(2 × ETA, ETA + threshold) it is a stall.
    m_server.enqueue(ScriptedResponse::sse({}).hang());
    QSignalSpy stall(m_indicator, &ui::PhaseIndicator::stallChanged);
    ask(QStringLiteral("Audit"));
    ASSERT_TRUE(stall.wait(30000));
    EXPECT_EQ(m_indicator->phase(), llm::ChatPhase::Waiting);
    EXPECT_TRUE(m_indicator->text().contains(QStringLiteral("while waiting for the first token")))
        << m_indicator->text().toStdString();
    EXPECT_TRUE(retryButton()->isVisible());
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("Fine.")})));
    retryButton()->click();
    ASSERT_TRUE(processEventsUntil([&] { return !m_pane->isBusy(); }));
    EXPECT_EQ(m_pane->lastAnswerMarkdown(), QStringLiteral("Fine."));
    EXPECT_EQ(m_server.requestCount(), 2);
}

TEST_F(MainWindowPhasesTest, TheLatencyModelLearnsThePrefillNotTheRateLimitWait) {
    m_server.enqueue(ScriptedResponse::json(429, R"({"error":{"message":"Rate limit reached"}})")
                         .header("Retry-After", "1"));
    // The answering attempt takes a little while of its own (a prefill of 60 tokens).
    m_server.enqueue(
        ScriptedResponse::sse(sse::completion({QStringLiteral("Done.")}, {{60, 2}})).delayHead(30));
    ask(QStringLiteral("Audit"));
    ASSERT_TRUE(processEventsUntil([&] { return !m_pane->isBusy(); }));
    ASSERT_EQ(m_indicator->phase(), llm::ChatPhase::Done) << m_indicator->text().toStdString();
    ASSERT_EQ(m_server.requestCount(), 2);

    const QJsonArray samples = m_latency->toJson()
                                   .value(QStringLiteral("backends"))
                                   .toObject()
                                   .value(llm::LatencyModel::backendKey(
                                       QStringLiteral("test-llama"), QStringLiteral("default")))
                                   .toArray();
    ASSERT_EQ(samples.size(), 1) << QJsonDocument(m_latency->toJson()).toJson().toStdString();
    const qint64 learnedMs = samples.at(0).toArray().at(1).toInteger();
    const llm::ChatStats &stats = m_client->stats();
    // The time to first token the user saw includes the second of Retry-After ...
    EXPECT_GE(stats.ttftMs, 1000);
    EXPECT_GE(stats.earlierAttemptsMs, 1000);
    // ... the model learned only the attempt that answered.
    EXPECT_EQ(learnedMs, stats.ttftMs - stats.earlierAttemptsMs);
    EXPECT_LT(learnedMs, stats.ttftMs - 1000 + 1);
}

TEST_F(MainWindowPhasesTest, TheLiveTokenCountIsTheServersAndAgreesWithTheFinalUsage) {
    // llama-server's timings_per_token: each chunk carries the real count so far. The text is
    // short for its tokens (a chars/4 estimate would say 2), as with a small model's vocabulary.
    const auto piece = [](const char *text, int predicted) {
        return sse::event(QByteArrayLiteral(R"({"choices":[{"index":0,"delta":{"content":")") +
                          text + QByteArrayLiteral(R"("}}],"timings":{"predicted_n":)") +
                          QByteArray::number(predicted) + "}}");
    };
    m_server.enqueue(ScriptedResponse::sse({sse::roleChunk(), piece("a b ", 4), piece("c", 7)})
                         .delay(600)
                         .write(sse::finishChunk())
                         .write(sse::usageChunk(50, 7))
                         .write(sse::done()));
    ask(QStringLiteral("Audit"));
    ASSERT_TRUE(processEventsUntil(
        [&] { return m_pane->lastAnswerMarkdown() == QStringLiteral("a b c"); }));
    const QString live = m_indicator->text();
    EXPECT_TRUE(live.startsWith(QStringLiteral("Streaming: 7 tokens"))) << live.toStdString();
    EXPECT_FALSE(live.contains(QStringLiteral("≈"))) << live.toStdString();
    ASSERT_TRUE(processEventsUntil([&] { return !m_pane->isBusy(); }));
    EXPECT_TRUE(m_indicator->text().contains(QStringLiteral(" 7 completion")))
        << m_indicator->text().toStdString();
    ASSERT_EQ(m_server.requestCount(), 1);
    const QJsonObject body = QJsonDocument::fromJson(m_server.requests()[0].body).object();
    EXPECT_EQ(body.value(QStringLiteral("timings_per_token")), QJsonValue(true));
}
