// SPDX-License-Identifier: MIT
// Conversation and ChatSession against the real loopback server: the pack is written off
// the UI thread, frozen, and stays a byte-identical prefix turn after turn.
#include "eventloop.h"
#include "llm/client/chatclient.h"
#include "llm/conversation.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "workspace/chatsession.h"
#include "workspacetest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::test;

namespace {

struct SentMessage {
    QString role;
    QByteArray content;
};

QList<SentMessage> messagesOf(const RecordedRequest &request) {
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    QList<SentMessage> out;
    for (const QJsonValue &v : body.value(QStringLiteral("messages")).toArray()) {
        const QJsonObject m = v.toObject();
        out.append({m.value(QStringLiteral("role")).toString(),
                    m.value(QStringLiteral("content")).toString().toUtf8()});
    }
    return out;
}

llm::ChatTarget targetFor(const ScriptedServer &server) {
    llm::ChatTarget target = chatTargetFor(server);
    target.inputPerMillion = 1.0;
    target.outputPerMillion = 2.0;
    return target;
}

class ConversationTest : public ::testing::Test {
protected:
    QThreadPool m_pool;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    llm::ChatClient m_client{&m_network, &m_pool};
    llm::Conversation m_conversation{&m_client};

    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        m_conversation.setTarget(targetFor(m_server));
        m_conversation.setPack("SYSTEM", "<repository>PACK</repository>", 1000);
    }
    void askAndWait(const QString &question) {
        const int before = int(m_conversation.turns().size());
        m_conversation.ask(question);
        ASSERT_TRUE(processEventsUntil(
            [&] { return m_conversation.turns().size() > before && !m_conversation.isBusy(); }));
    }
};

} // namespace

TEST_F(ConversationTest, ThePackIsAByteIdenticalPrefixAcrossTurns) {
    m_server.enqueue(ScriptedResponse::sse(sse::completion(
        {QStringLiteral("First "), QStringLiteral("answer.")}, QPair<qint64, qint64>{1200, 3})));
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("Second.")})));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("Where is main?")));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("And the tests?")));
    ASSERT_EQ(m_server.requestCount(), 2);

    const QList<SentMessage> first = messagesOf(m_server.requests()[0]);
    const QList<SentMessage> second = messagesOf(m_server.requests()[1]);
    ASSERT_EQ(first.size(), 2);
    EXPECT_EQ(first[0].role, QStringLiteral("system"));
    EXPECT_EQ(first[0].content, "SYSTEM");
    EXPECT_EQ(first[1].role, QStringLiteral("user"));
    EXPECT_EQ(first[1].content, "<repository>PACK</repository>\n\nWhere is main?");
    ASSERT_EQ(second.size(), 4);
    // Same system and first user message, then the answer, then the new question.
    EXPECT_EQ(second[0].content, first[0].content);
    EXPECT_EQ(second[1].content, first[1].content);
    EXPECT_EQ(second[2].role, QStringLiteral("assistant"));
    EXPECT_EQ(second[2].content, "First answer.");
    EXPECT_EQ(second[3].role, QStringLiteral("user"));
    EXPECT_EQ(second[3].content, "And the tests?");
    // The second body starts with the first body's messages byte for byte.
    const QByteArray prefix =
        m_server.requests()[0].body.left(m_server.requests()[0].body.indexOf("Where is main?"));
    EXPECT_TRUE(m_server.requests()[1].body.contains(prefix));
}

TEST_F(ConversationTest, FinishedTurnsKeepTheirFiguresAndCost) {
    m_server.enqueue(ScriptedResponse::sse(
        sse::completion({QStringLiteral("Done.")}, QPair<qint64, qint64>{1000000, 500000})));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("q")));
    const llm::Turn &turn = m_conversation.turns().constFirst();
    EXPECT_EQ(turn.phase, llm::ChatPhase::Done);
    EXPECT_EQ(turn.answer, QStringLiteral("Done."));
    EXPECT_EQ(turn.stats.usage.promptTokens, 1000000);
    EXPECT_EQ(turn.stats.usage.completionTokens, 500000);
    ASSERT_TRUE(turn.cost.has_value());
    EXPECT_DOUBLE_EQ(*turn.cost, 1.0 + 1.0); // 1M in at $1/M + 0.5M out at $2/M
    EXPECT_DOUBLE_EQ(m_conversation.runningCost(), 2.0);
    EXPECT_GE(turn.stats.ttftMs, 0);
    EXPECT_EQ(turn.model, QStringLiteral("test-model"));
}

TEST_F(ConversationTest, ADroppedAnswerIsKeptAndCanBeContinued) {
    ScriptedResponse dropped =
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(QStringLiteral("Partial ans"))});
    dropped.reset();
    m_server.enqueue(dropped);
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("Explain")));
    const llm::Turn &first = m_conversation.turns().constFirst();
    EXPECT_EQ(first.phase, llm::ChatPhase::Failed);
    EXPECT_EQ(first.answer, QStringLiteral("Partial ans"));
    ASSERT_TRUE(first.error.has_value());

    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("wer.")})));
    m_conversation.continueLast();
    ASSERT_TRUE(processEventsUntil([&] { return !m_conversation.isBusy(); }));
    ASSERT_EQ(m_conversation.turns().size(), 2);
    EXPECT_TRUE(m_conversation.turns()[1].continuation);
    EXPECT_EQ(m_conversation.turns()[1].answer, QStringLiteral("wer."));
    const QList<SentMessage> sent = messagesOf(m_server.requests().constLast());
    ASSERT_EQ(sent.size(), 4);
    EXPECT_EQ(sent[2].role, QStringLiteral("assistant"));
    EXPECT_EQ(sent[2].content, "Partial ans");
    EXPECT_TRUE(sent[3].content.contains("Continue exactly where it stopped"));
}

TEST_F(ConversationTest, ReaskReplacesTheLastAnswer) {
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("one")})));
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("two")})));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("q")));
    m_conversation.reaskLast();
    ASSERT_TRUE(processEventsUntil([&] { return !m_conversation.isBusy(); }));
    ASSERT_EQ(m_conversation.turns().size(), 1);
    EXPECT_EQ(m_conversation.turns()[0].answer, QStringLiteral("two"));
    // The re-ask does not carry the replaced answer as history.
    EXPECT_EQ(messagesOf(m_server.requests()[1]).size(), 2);
}

TEST_F(ConversationTest, AFailedQuestionWithoutAnswerIsLeftOutOfTheHistory) {
    m_server.enqueue(ScriptedResponse::json(500, R"({"error":{"message":"boom"}})"));
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("first")));
    EXPECT_EQ(m_conversation.turns()[0].phase, llm::ChatPhase::Failed);
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("second")));
    const QList<SentMessage> sent = messagesOf(m_server.requests().constLast());
    ASSERT_EQ(sent.size(), 2); // system + (pack + second): user/assistant still alternate
    EXPECT_TRUE(sent[1].content.endsWith("second"));
    EXPECT_TRUE(sent[1].content.startsWith("<repository>PACK</repository>"));
}

// Clear failed turns takes off only the turns that got no answer (no answer text is lost),
// keeps every index, and the next request carries none of them.
TEST_F(ConversationTest, ClearFailedHidesOnlyTurnsWithoutAnswer) {
    m_server.enqueue(ScriptedResponse::json(500, R"({"error":{"message":"boom"}})"));
    ScriptedResponse dropped =
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(QStringLiteral("Partial ans"))});
    dropped.reset();
    m_server.enqueue(dropped);
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("first-question-that-failed")));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("second")));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("third")));
    ASSERT_EQ(m_conversation.turns().size(), 3);
    EXPECT_TRUE(m_conversation.turns()[0].endedWithoutAnswer());
    EXPECT_EQ(m_conversation.turns()[1].phase, llm::ChatPhase::Failed);
    EXPECT_FALSE(m_conversation.turns()[1].endedWithoutAnswer()) << "it kept a partial answer";

    EXPECT_EQ(m_conversation.clearFailed(), 1);
    ASSERT_EQ(m_conversation.turns().size(), 3) << "indices stay";
    EXPECT_TRUE(m_conversation.turns()[0].cleared);
    EXPECT_FALSE(m_conversation.turns()[1].cleared);
    EXPECT_EQ(m_conversation.turns()[1].answer, QStringLiteral("Partial ans"));
    EXPECT_FALSE(m_conversation.turns()[2].cleared);
    EXPECT_EQ(m_conversation.clearFailed(), 0) << "nothing left to clear";

    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("four")})));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("fourth")));
    const RecordedRequest &last = m_server.requests().constLast();
    EXPECT_FALSE(last.body.contains("first-question-that-failed"));
    const QList<SentMessage> sent = messagesOf(last);
    ASSERT_EQ(sent.size(), 6); // system, second/partial, third/ok, fourth
    EXPECT_TRUE(sent[1].content.endsWith("second"));
    EXPECT_EQ(sent[2].content, "Partial ans");
    EXPECT_TRUE(sent[5].content.endsWith("fourth"));
}

TEST_F(ConversationTest, AClearedLastTurnIsNotAskedAgain) {
    m_server.enqueue(ScriptedResponse::json(500, R"({"error":{"message":"boom"}})"));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("q")));
    ASSERT_EQ(m_conversation.clearFailed(), 1);
    m_conversation.reaskLast();
    EXPECT_FALSE(m_conversation.isBusy());
    EXPECT_EQ(m_server.requestCount(), 1);
}

TEST(RequestCost, NeedsBothPrices) {
    EXPECT_FALSE(llm::requestCost(10, 10, std::nullopt, 1.0).has_value());
    EXPECT_FALSE(llm::requestCost(10, 10, 1.0, std::nullopt).has_value());
    EXPECT_DOUBLE_EQ(*llm::requestCost(2000000, 1000000, 0.11, 0.34), 0.22 + 0.34);
}

// ChatSession: the whole path from a selection to the request body.
class ChatSessionTest : public WorkspaceTest {
protected:
    void SetUp() override {
        WorkspaceTest::SetUp();
        if (HasFatalFailure())
            return;
        m_repo.initGit();
        m_repo.write(QStringLiteral("main.go"), "package main\n\nfunc main() {}\n");
        m_repo.write(QStringLiteral("db/query.go"), "package db\n// SELECT * FROM users\n");
        m_repo.commitAll();
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
        m_session = std::make_unique<workspace::ChatSession>(m_workspace.get(), &m_network);
        m_session->setTarget(targetFor(m_server));
    }
    void TearDown() override {
        m_session.reset();
        WorkspaceTest::TearDown();
    }

    ScratchRepo m_repo;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    std::unique_ptr<workspace::ChatSession> m_session;
};

TEST_F(ChatSessionTest, PacksTheSelectionOnceAndFreezesItForTheConversation) {
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("a")})));
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("b")})));
    QList<int> readyFiles;
    QObject::connect(m_session.get(), &workspace::ChatSession::packReady, m_session.get(),
                     [&](int files, qint64, const QStringList &) { readyFiles << files; });
    ASSERT_TRUE(m_session->ask(QStringLiteral("first")));
    EXPECT_TRUE(m_session->isBusy());
    ASSERT_TRUE(processEventsUntil([&] { return !m_session->isBusy(); }));
    ASSERT_EQ(readyFiles, QList<int>{2});
    EXPECT_GT(m_session->packTokens(), 0);

    const QList<SentMessage> first = messagesOf(m_server.requests()[0]);
    ASSERT_EQ(first.size(), 2);
    EXPECT_TRUE(first[1].content.contains("func main() {}"));
    EXPECT_TRUE(first[1].content.contains("SELECT * FROM users"));
    EXPECT_TRUE(first[1].content.endsWith("first"));

    // Deselecting a file afterwards does not change the frozen pack, and says so.
    prompt::Selection *selection = m_workspace->selection();
    const repo::RepoSnapshot &snap = selection->snapshot();
    for (int node = 0; node < snap.nodeCount(); ++node)
        if (snap.path(node) == "db/query.go")
            selection->setChecked(node, false);
    EXPECT_TRUE(m_session->selectionChangedSincePack());
    ASSERT_TRUE(m_session->ask(QStringLiteral("second")));
    ASSERT_TRUE(processEventsUntil([&] { return !m_session->isBusy(); }));
    EXPECT_EQ(readyFiles.size(), 1); // not packed again
    const QList<SentMessage> second = messagesOf(m_server.requests()[1]);
    ASSERT_EQ(second.size(), 4);
    EXPECT_EQ(second[1].content, first[1].content);

    // A new conversation packs the current selection.
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("c")})));
    m_session->newConversation();
    EXPECT_FALSE(m_session->selectionChangedSincePack());
    ASSERT_TRUE(m_session->ask(QStringLiteral("third")));
    ASSERT_TRUE(processEventsUntil([&] { return !m_session->isBusy(); }));
    const QList<SentMessage> third = messagesOf(m_server.requests()[2]);
    ASSERT_EQ(third.size(), 2);
    EXPECT_FALSE(third[1].content.contains("SELECT * FROM users"));
    EXPECT_TRUE(third[1].content.contains("func main() {}"));
}

TEST_F(ChatSessionTest, RefusesWithNothingSelectedAndKeepsIdle) {
    prompt::Selection *selection = m_workspace->selection();
    selection->setChecked(0, false);
    EXPECT_FALSE(m_session->ask(QStringLiteral("anything")));
    EXPECT_FALSE(m_session->isBusy());
    EXPECT_EQ(m_server.requestCount(), 0);
}

TEST_F(ChatSessionTest, StopWhileWaitingEndsTheTurnAsCancelled) {
    m_server.enqueue(ScriptedResponse::silent());
    ASSERT_TRUE(m_session->ask(QStringLiteral("slow")));
    ASSERT_TRUE(processEventsUntil([&] { return m_server.requestCount() == 1; }));
    m_session->stop();
    ASSERT_TRUE(processEventsUntil([&] { return !m_session->isBusy(); }));
    ASSERT_EQ(m_session->conversation()->turns().size(), 1);
    EXPECT_EQ(m_session->conversation()->turns()[0].phase, llm::ChatPhase::Cancelled);
}
