// SPDX-License-Identifier: MIT
// The local engine end to end: the real host (engine/host.mjs, Node.js, llama.cpp through
// node-llama-cpp) with a tiny model written by tinyLlama(), driven by EngineSupervisor and
// talked to through the same ChatClient and Conversation as every cloud backend. These
// tests FAIL, never skip, when Node.js or engine/node_modules is missing
// (scripts/bootstrap.sh installs it).
#include "enginefixture.h"
#include "eventloop.h"

#include "llm/client/chatclient.h"
#include "llm/conversation.h"
#include "llm/local/enginesupervisor.h"
#include "llm/local/localengine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThreadPool>

#include <gtest/gtest.h>

#include <csignal>
#include <memory>

#include <sys/types.h>

using namespace reposcope;
using namespace reposcope::test;
using llm::ChatPhase;
using llm::EngineState;

namespace {

// Plain English: about 4.75 tokens a word with the tiny vocabulary's few merges.
QByteArray longText(int words) {
    static const char *const kWords[] = {"the",  "quick", "brown", "fox",  "jumps", "over",
                                         "lazy", "dog",   "while", "code", "runs",  "audit"};
    QByteArray text;
    for (int i = 0; i < words; ++i) {
        text += kWords[(i * 7 + i / 12) % 12];
        text += (i % 17 == 16) ? ".\n" : " ";
    }
    return text;
}

struct HttpAnswer {
    int status = 0;
    QJsonObject body;
};

class LocalEngineE2eTest : public ::testing::Test {
protected:
    void SetUp() override {
        const QString why = engineUnavailableReason();
        ASSERT_TRUE(why.isEmpty()) << "the local engine cannot run: " << why.toStdString();
        ASSERT_TRUE(m_dir.isValid());
        m_model = writeTinyModel(m_dir.path());
        ASSERT_FALSE(m_model.isEmpty());
    }

    llm::EngineConfig config(int contextSize = 2048) const {
        llm::EngineConfig c;
        c.modelPath = m_model;
        c.contextSize = contextSize;
        c.threads = 1;
        return c;
    }

    HttpAnswer get(const llm::Endpoint &endpoint, const QString &path, const QString &token) {
        QNetworkRequest request(llm::endpointUrl(endpoint.baseUrl, path));
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        QNetworkReply *reply = m_network.get(request);
        EXPECT_TRUE(processEventsUntil([reply] { return reply->isFinished(); }));
        HttpAnswer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return answer;
    }

    llm::ChatRequestSpec request(const llm::EngineSupervisor &engine, const QByteArray &text,
                                 int maxTokens) const {
        const llm::ChatTarget target = llm::localChatTarget(engine, maxTokens);
        llm::ChatRequestSpec spec;
        spec.endpoint = target.endpoint;
        spec.model = target.model;
        spec.maxTokens = maxTokens;
        spec.includeUsage = target.includeUsage;
        spec.returnProgress = target.returnProgress;
        spec.temperature = 0.0;
        spec.messages.push_back({llm::ChatMessage::Role::User, text, {}, {}});
        return spec;
    }

    // Sends and waits for the one `finished` of the request.
    ChatPhase sendAndWait(llm::ChatClient &client, llm::ChatRequestSpec spec) {
        QSignalSpy finished(&client, &llm::ChatClient::finished);
        client.send(std::move(spec));
        EXPECT_TRUE(processEventsUntil([&] { return finished.size() == 1; }));
        return finished.isEmpty() ? ChatPhase::Idle : finished.at(0).at(0).value<ChatPhase>();
    }

    QTemporaryDir m_dir;
    QString m_model;
    QNetworkAccessManager m_network;
    QThreadPool m_pool;
};

} // namespace

TEST_F(LocalEngineE2eTest, StartsLoadsAndServesWithTheToken) {
    llm::EngineSupervisor engine;
    QSignalSpy stateSpy(&engine, &llm::EngineSupervisor::stateChanged);
    QSignalSpy progressSpy(&engine, &llm::EngineSupervisor::loadProgressed);
    ASSERT_TRUE(startAndWaitReady(engine, config())) << engine.lastError().toStdString();

    QList<EngineState> states;
    for (const QList<QVariant> &args : stateSpy)
        states << args.at(0).value<EngineState>();
    EXPECT_EQ(states, (QList<EngineState>{EngineState::Starting, EngineState::Loading,
                                          EngineState::Ready}));
    double last = 0.0;
    for (const QList<QVariant> &args : progressSpy) {
        EXPECT_GE(args.at(0).toDouble(), last);
        last = args.at(0).toDouble();
    }
    EXPECT_EQ(last, 1.0);

    const llm::EngineInfo &info = engine.info();
    EXPECT_EQ(info.model, QStringLiteral("tiny.gguf"));
    EXPECT_EQ(info.contextSize, 2048);
    EXPECT_EQ(info.trainedContext, 8192);
    EXPECT_EQ(info.vocabSize, tinyVocab().tokens.size());
    EXPECT_EQ(info.threads, 1);
    EXPECT_EQ(info.gpu, QStringLiteral("cpu"));
    EXPECT_GE(info.loadMs, 0);

    const llm::Endpoint endpoint = engine.endpoint();
    EXPECT_EQ(endpoint.baseUrl.host(), QStringLiteral("127.0.0.1"));
    const HttpAnswer models = get(endpoint, QStringLiteral("models"), endpoint.apiKey);
    EXPECT_EQ(models.status, 200);
    const QJsonArray data = models.body.value(QLatin1String("data")).toArray();
    ASSERT_EQ(data.size(), 1);
    EXPECT_EQ(data.at(0).toObject().value(QLatin1String("id")).toString(),
              QStringLiteral("tiny.gguf"));
    EXPECT_EQ(get(endpoint, QStringLiteral("models"), QString()).status, 401);
    EXPECT_EQ(get(endpoint, QStringLiteral("models"), QStringLiteral("0123")).status, 401);
}

TEST_F(LocalEngineE2eTest, BrokenModelsFailWithAMessageAndNoRestartLoop) {
    for (const QString &kind : {QStringLiteral("truncated"), QStringLiteral("no-head-count")}) {
        SCOPED_TRACE(kind.toStdString());
        llm::EngineSupervisor engine;
        QSignalSpy stateSpy(&engine, &llm::EngineSupervisor::stateChanged);
        llm::EngineConfig c = config();
        c.modelPath = writeBrokenModel(m_dir.path(), kind);
        EXPECT_FALSE(startAndWaitReady(engine, c));
        EXPECT_EQ(engine.state(), EngineState::Failed);
        EXPECT_FALSE(engine.lastError().isEmpty());
        EXPECT_TRUE(processEventsUntil([&] { return !engine.isRunning(); }));
        EXPECT_FALSE(stateSpy.wait(1500)) << "the engine was restarted";
        EXPECT_EQ(engine.restartCount(), 0);
        EXPECT_EQ(engine.state(), EngineState::Failed);
    }
}

TEST_F(LocalEngineE2eTest, MissingNodeFailsNamingNode) {
    llm::EngineSupervisor engine;
    llm::EngineConfig c = config();
    c.nodeExecutable = QStringLiteral("/nonexistent");
    EXPECT_FALSE(startAndWaitReady(engine, c));
    EXPECT_TRUE(engine.lastError().contains(QStringLiteral("Node.js")));
    EXPECT_TRUE(engine.lastError().contains(QStringLiteral("/nonexistent")));
}

TEST_F(LocalEngineE2eTest, AKilledHostIsDetectedAndRestarted) {
    llm::EngineSupervisor engine;
    QSignalSpy crashedSpy(&engine, &llm::EngineSupervisor::crashed);
    ASSERT_TRUE(startAndWaitReady(engine, config())) << engine.lastError().toStdString();
    const qint64 first = engine.processId();
    ASSERT_EQ(::kill(pid_t(first), SIGKILL), 0);
    ASSERT_TRUE(processEventsUntil([&] { return engine.state() == EngineState::Crashed; }));
    ASSERT_EQ(crashedSpy.size(), 1);
    EXPECT_TRUE(crashedSpy.at(0).at(0).toString().contains(QStringLiteral("SIGKILL")));
    ASSERT_TRUE(processEventsUntil([&] { return engine.state() == EngineState::Ready; }));
    EXPECT_EQ(engine.restartCount(), 1);
    EXPECT_NE(engine.processId(), first);
    const llm::Endpoint endpoint = engine.endpoint();
    EXPECT_EQ(get(endpoint, QStringLiteral("models"), endpoint.apiKey).status, 200);
}

TEST_F(LocalEngineE2eTest, StoppingOrDestroyingLeavesNoProcess) {
    llm::EngineSupervisor engine;
    ASSERT_TRUE(startAndWaitReady(engine, config())) << engine.lastError().toStdString();
    const qint64 pid = engine.processId();
    QSignalSpy stoppedSpy(&engine, &llm::EngineSupervisor::stopped);
    engine.stop();
    ASSERT_TRUE(processEventsUntil([&] { return stoppedSpy.size() == 1; }));
    EXPECT_FALSE(processAlive(pid));

    auto owned = std::make_unique<llm::EngineSupervisor>();
    ASSERT_TRUE(startAndWaitReady(*owned, config()));
    const qint64 second = owned->processId();
    ASSERT_TRUE(processAlive(second));
    owned.reset();
    EXPECT_FALSE(processAlive(second));
    EXPECT_TRUE(processesWithArgument(m_model).isEmpty());
}

TEST_F(LocalEngineE2eTest, StreamsAnAnswerWithPrefillProgressInOrder) {
    llm::EngineSupervisor engine;
    ASSERT_TRUE(startAndWaitReady(engine, config(4096))) << engine.lastError().toStdString();
    llm::ChatClient client(&m_network, &m_pool);
    QList<llm::PromptProgress> progress;
    QObject::connect(&client, &llm::ChatClient::promptProgressed, &client,
                     [&](const llm::PromptProgress &p) { progress << p; });
    QSignalSpy deltas(&client, &llm::ChatClient::deltaReceived);
    const ChatPhase outcome = sendAndWait(client, request(engine, longText(400), 24));
    ASSERT_EQ(outcome, ChatPhase::Done)
        << (client.error() ? client.error()->message.toStdString() : std::string());

    EXPECT_GT(deltas.size(), 0);
    EXPECT_FALSE(client.text().isEmpty());
    ASSERT_GE(progress.size(), 2);
    EXPECT_EQ(progress.first().processed, progress.first().cache);
    for (qsizetype i = 1; i < progress.size(); ++i) {
        EXPECT_GE(progress[i].processed, progress[i - 1].processed);
        EXPECT_EQ(progress[i].total, progress.first().total);
    }
    EXPECT_EQ(progress.last().processed, progress.last().total);
    const llm::TokenUsage &usage = client.stats().usage;
    EXPECT_EQ(usage.promptTokens, progress.last().total);
    EXPECT_GT(usage.completionTokens, 0);
    EXPECT_LE(usage.completionTokens, 24);
}

TEST_F(LocalEngineE2eTest, ASecondTurnReusesThePrefix) {
    llm::EngineSupervisor engine;
    ASSERT_TRUE(startAndWaitReady(engine, config(4096))) << engine.lastError().toStdString();
    llm::ChatClient client(&m_network, &m_pool);
    llm::Conversation conversation(&client);
    conversation.setTarget(llm::localChatTarget(engine, 16));
    const QByteArray pack = longText(250);
    conversation.setPack("You audit code.", pack, 1200);
    for (const QString &question : {QStringLiteral("Any bugs?"), QStringLiteral("And tests?")}) {
        QSignalSpy finished(&conversation, &llm::Conversation::turnFinished);
        conversation.ask(question);
        ASSERT_TRUE(processEventsUntil([&] { return finished.size() == 1; }));
    }
    ASSERT_EQ(conversation.turns().size(), 2);
    const llm::Turn &first = conversation.turns()[0];
    const llm::Turn &second = conversation.turns()[1];
    ASSERT_EQ(first.phase, ChatPhase::Done);
    ASSERT_EQ(second.phase, ChatPhase::Done);
    EXPECT_EQ(second.providerId, QStringLiteral("local"));
    EXPECT_EQ(second.cost, 0.0);
    EXPECT_LE(first.stats.usage.cachedPromptTokens, 0);
    // The pack and the first question are served from the KV cache the second time.
    EXPECT_GT(second.stats.usage.cachedPromptTokens, first.stats.usage.promptTokens / 2);
    EXPECT_LT(second.stats.usage.cachedPromptTokens, second.stats.usage.promptTokens);
    ASSERT_TRUE(second.stats.progress.has_value());
    EXPECT_EQ(second.stats.progress->cache, second.stats.usage.cachedPromptTokens);
}

TEST_F(LocalEngineE2eTest, CancelMidPrefillThenANewRequestSucceeds) {
    llm::EngineSupervisor engine;
    ASSERT_TRUE(startAndWaitReady(engine, config(4096))) << engine.lastError().toStdString();
    llm::ChatClient client(&m_network, &m_pool);
    llm::PromptProgress seen;
    QObject::connect(&client, &llm::ChatClient::promptProgressed, &client,
                     [&](const llm::PromptProgress &p) {
                         seen = p;
                         if (p.processed < p.total)
                             client.cancel();
                     });
    const ChatPhase outcome = sendAndWait(client, request(engine, longText(600), 16));
    EXPECT_EQ(outcome, ChatPhase::Cancelled);
    EXPECT_LT(seen.processed, seen.total) << "no progress event arrived before the prompt ended";
    EXPECT_TRUE(client.text().isEmpty());

    QObject::disconnect(&client, &llm::ChatClient::promptProgressed, &client, nullptr);
    EXPECT_EQ(sendAndWait(client, request(engine, "Say something.", 8)), ChatPhase::Done);
    EXPECT_EQ(engine.restartCount(), 0);
}

TEST_F(LocalEngineE2eTest, CancelMidDecodeThenANewRequestSucceeds) {
    llm::EngineSupervisor engine;
    ASSERT_TRUE(startAndWaitReady(engine, config(4096))) << engine.lastError().toStdString();
    llm::ChatClient client(&m_network, &m_pool);
    QObject::connect(&client, &llm::ChatClient::deltaReceived, &client,
                     [&client](const QString &) { client.cancel(); });
    const ChatPhase outcome = sendAndWait(client, request(engine, "Write a long story.", 3000));
    EXPECT_EQ(outcome, ChatPhase::Cancelled);
    EXPECT_FALSE(client.text().isEmpty());

    QObject::disconnect(&client, &llm::ChatClient::deltaReceived, &client, nullptr);
    EXPECT_EQ(sendAndWait(client, request(engine, "Say something.", 8)), ChatPhase::Done);
    EXPECT_EQ(engine.state(), EngineState::Ready);
}

TEST_F(LocalEngineE2eTest, ContextOverflowIsRefusedCleanly) {
    llm::EngineSupervisor engine;
    ASSERT_TRUE(startAndWaitReady(engine, config(512))) << engine.lastError().toStdString();
    llm::ChatClient client(&m_network, &m_pool);
    QSignalSpy progress(&client, &llm::ChatClient::promptProgressed);
    const ChatPhase outcome = sendAndWait(client, request(engine, longText(300), 64));
    ASSERT_EQ(outcome, ChatPhase::Failed);
    ASSERT_TRUE(client.error().has_value());
    EXPECT_EQ(client.error()->kind, llm::ChatError::Kind::ContextOverflow)
        << client.error()->message.toStdString();
    EXPECT_EQ(progress.size(), 0); // refused before any evaluation
    EXPECT_EQ(sendAndWait(client, request(engine, "Short.", 8)), ChatPhase::Done);
}
