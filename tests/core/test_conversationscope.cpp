// SPDX-License-Identifier: MIT
// What a conversation is about and what its requests carry: the answer reserve fits the
// model's context, a model without vision gets no image parts (neither new nor earlier), and
// another repository or ref closes the conversation so no follow-up sends the old pack.
#include "eventloop.h"
#include "llm/client/chatclient.h"
#include "llm/conversation.h"
#include "prompt/budget.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "workspace/chatsession.h"
#include "workspacetest.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::test;

namespace {

int imagePartsIn(const RecordedRequest &request) {
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    int count = 0;
    for (const QJsonValue &m : body.value(QStringLiteral("messages")).toArray())
        for (const QJsonValue &part : m.toObject().value(QStringLiteral("content")).toArray())
            count += part.toObject().value(QStringLiteral("type")).toString() ==
                     QLatin1String("image_url");
    return count;
}

QByteArray userTextOf(const RecordedRequest &request) {
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    QByteArray text;
    for (const QJsonValue &m : body.value(QStringLiteral("messages")).toArray()) {
        const QJsonValue content = m.toObject().value(QStringLiteral("content"));
        text += content.toString().toUtf8();
        for (const QJsonValue &part : content.toArray())
            text += part.toObject().value(QStringLiteral("text")).toString().toUtf8();
    }
    return text;
}

} // namespace

TEST(AnswerReserve, IsAtMostHalfTheContextAndTheModelsMaximumOutput) {
    EXPECT_EQ(prompt::answerReserve(8192, 131072), 8192);
    EXPECT_EQ(prompt::answerReserve(8192, 8192), 4096); // an 8K model keeps room for the prompt
    EXPECT_EQ(prompt::answerReserve(8192, 2048, 4096), 1024);
    EXPECT_EQ(prompt::answerReserve(8192, 131072, 512), 512);
    EXPECT_EQ(prompt::answerReserve(100000, 0), 100000); // unknown context: the user's figure
    EXPECT_EQ(prompt::answerReserve(-5, 8192), 0);
    // An 8K model, the default reserve and a 300-token repository: not over the cap.
    prompt::BudgetInput in;
    in.contentTokens = 300;
    in.contextCap = 8192;
    in.reservedOutputTokens = prompt::answerReserve(8192, in.contextCap);
    EXPECT_NE(prompt::computeBudget(in).level, prompt::BudgetFigures::Level::Over);
}

class ImagesFollowTheModelTest : public ::testing::Test {
protected:
    QThreadPool m_pool;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    llm::ChatClient m_client{&m_network, &m_pool};
    llm::Conversation m_conversation{&m_client};

    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        m_conversation.setTarget(chatTargetFor(m_server));
        m_conversation.setPack("SYSTEM", "<repository>PACK</repository>", 1000);
    }
    void askAndWait(const QString &question, const QList<llm::ImagePart> &images = {}) {
        m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
        const int before = m_server.requestCount();
        m_conversation.ask(question, QString(), images);
        ASSERT_TRUE(processEventsUntil(
            [&] { return m_server.requestCount() == before + 1 && !m_conversation.isBusy(); }));
    }
};

TEST_F(ImagesFollowTheModelTest, AModelWithoutVisionGetsNoImagePartsFromAnyTurn) {
    const llm::ImagePart png{"image/png", QByteArray("\x89PNG\r\n\x1a\n fake", 13)};
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("Look"), {png, png}));
    EXPECT_EQ(imagePartsIn(m_server.requests().last()), 2);
    EXPECT_EQ(m_conversation.historyImageCount(), 2);
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("Again")));
    EXPECT_EQ(imagePartsIn(m_server.requests().last()), 2); // a vision model sees them again

    llm::ChatTarget target = m_conversation.target();
    target.acceptsImages = false;
    m_conversation.setTarget(target);
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("Text only"), {png}));
    EXPECT_EQ(imagePartsIn(m_server.requests().last()), 0);
    EXPECT_FALSE(m_server.requests().last().body.contains("image_url"));
    // The history's text is still sent, and the turns keep their images for the transcript.
    EXPECT_TRUE(userTextOf(m_server.requests().last()).contains("Look"));
    EXPECT_EQ(m_conversation.turns()[0].images.size(), 2);
    EXPECT_EQ(m_conversation.historyImageCount(), 3);
}

class ConversationScopeTest : public WorkspaceTest {
protected:
    void SetUp() override {
        WorkspaceTest::SetUp();
        if (HasFatalFailure())
            return;
        m_first.initGit();
        m_first.write(QStringLiteral("billing/invoice.go"), "package billing // FIRST_REPO\n");
        m_first.commitAll();
        m_second.initGit();
        m_second.write(QStringLiteral("auth/login.go"), "package auth // SECOND_REPO\n");
        m_second.commitAll();
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_first.path()));
        m_session = std::make_unique<workspace::ChatSession>(m_workspace.get(), &m_network);
        m_session->setTarget(chatTargetFor(m_server));
    }
    void TearDown() override {
        m_session.reset();
        WorkspaceTest::TearDown();
    }
    void askAndWait(const QString &question) {
        m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
        const int before = m_server.requestCount();
        ASSERT_TRUE(m_session->ask(question));
        ASSERT_TRUE(processEventsUntil(
            [&] { return m_server.requestCount() == before + 1 && !m_session->isBusy(); }));
    }

    ScratchRepo m_first;
    ScratchRepo m_second;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    std::unique_ptr<workspace::ChatSession> m_session;
};

TEST_F(ConversationScopeTest, AnotherRepositoryClosesTheConversation) {
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("first question")));
    ASSERT_TRUE(m_session->packSnapshot());
    const QString label =
        workspace::ChatSession::repositoryLabel(m_session->packSnapshot()->info());
    EXPECT_EQ(label, QFileInfo(m_first.path()).fileName() + QStringLiteral(" @ ") +
                         m_workspace->snapshot()->info().shortSha);

    QSignalSpy closed(m_session.get(), &workspace::ChatSession::conversationClosed);
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_second.path()));
    ASSERT_EQ(closed.count(), 1);
    EXPECT_EQ(closed.at(0).at(0).toString(), label);
    EXPECT_EQ(closed.at(0).at(1).toInt(), 1);
    EXPECT_FALSE(m_session->conversation()->hasPack());
    EXPECT_TRUE(m_session->conversation()->turns().isEmpty());
    EXPECT_FALSE(m_session->packSnapshot());

    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("second question")));
    const QByteArray sent = userTextOf(m_server.requests().last());
    EXPECT_TRUE(sent.contains("SECOND_REPO"));
    EXPECT_FALSE(sent.contains("FIRST_REPO"));
    EXPECT_FALSE(sent.contains("first question"));
}

TEST_F(ConversationScopeTest, AnotherRefClosesItTheSameTreeAgainDoesNot) {
    m_first.git({QStringLiteral("tag"), QStringLiteral("v1")});
    m_first.write(QStringLiteral("billing/invoice.go"), "package billing // FIRST_REPO v2\n");
    m_first.commitAll();
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_first.path()));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("head")));
    QSignalSpy closed(m_session.get(), &workspace::ChatSession::conversationClosed);

    // The same folder at the same commit, scanned again: the conversation goes on.
    ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_first.path()));
    EXPECT_EQ(closed.count(), 0);
    EXPECT_TRUE(m_session->conversation()->hasPack());

    // Another ref of it: closed, and the old label names the commit the pack was written from.
    const QString head = workspace::ChatSession::repositoryLabel(m_session->packSnapshot()->info());
    repo::ScanOptions options;
    options.path = m_first.path();
    options.ref = QStringLiteral("v1");
    m_workspace->open(options);
    ASSERT_TRUE(processEventsUntil([&] { return closed.count() == 1; }));
    EXPECT_EQ(closed.at(0).at(0).toString(), head);
    EXPECT_FALSE(m_session->conversation()->hasPack());
    EXPECT_EQ(workspace::ChatSession::repositoryLabel(m_workspace->snapshot()->info()),
              QFileInfo(m_first.path()).fileName() + QStringLiteral(" @ v1 (") +
                  m_workspace->snapshot()->info().shortSha + QStringLiteral(")"));
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("tag")));
    const QByteArray sent = userTextOf(m_server.requests().last());
    EXPECT_FALSE(sent.contains("FIRST_REPO v2"));
    EXPECT_TRUE(sent.contains("FIRST_REPO"));
}
