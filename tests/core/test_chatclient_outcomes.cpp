// SPDX-License-Identifier: MIT
// How a stream ended, named truthfully, against a real loopback HTTP server: an answer cut
// off at the token limit, a reasoning model that only thought, a stream of nothing but
// [DONE], an error before any text (OpenRouter's shape, with the upstream provider), the
// shortest wait of retry-after-ms and Retry-After, and a proxy's 502/504 HTML page
// retried like a 503.
#include "llm/conversation.h"
#include "llm/stream/answerend.h"
#include "test_chatclient.h"

#include <chrono>

using namespace reposcope;
using namespace reposcope::test;
using llm::AnswerEnd;
using llm::ChatError;
using llm::ChatPhase;

namespace {

using ChatClientOutcomes = ChatClientTest;

std::string str(const QString &text) {
    return text.toStdString();
}

const QByteArray kBadGatewayPage =
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.24.0</center>"
    "</body></html>\n";

// OpenRouter's error event once the stream has started: HTTP stays 200.
QByteArray openRouterError(const QString &message, int code, const QString &providerName) {
    return sse::event(QStringLiteral(R"({"id":"gen-1","object":"chat.completion.chunk",)"
                                     R"("error":{"code":%1,"message":"%2","metadata":)"
                                     R"({"provider_name":"%3"}},"choices":[{"index":0,)"
                                     R"("delta":{"content":""},"finish_reason":"error"}]})")
                          .arg(code)
                          .arg(message, providerName)
                          .toUtf8());
}

qint64 msBetween(const RecordedRequest &first, const RecordedRequest &second) {
    using namespace std::chrono;
    return duration_cast<milliseconds>(second.firstByteAt - first.completeAt).count();
}

TEST_F(ChatClientOutcomes, AnswerCutOffAtTheTokenLimitIsDoneButIncomplete) {
    server.enqueue(ScriptedResponse::sse(
        {sse::roleChunk(), sse::contentChunk(QStringLiteral("1. SQL injection in")),
         sse::finishChunk(QStringLiteral("length")), sse::usageChunk(900, 512), sse::done()}));
    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.stats().finishReason, QStringLiteral("length"));
    const AnswerEnd end =
        llm::answerEnd(client.text(), client.reasoning(), client.stats().finishReason);
    EXPECT_EQ(end, AnswerEnd::CutOff);
    const QString message = llm::answerEndMessage(end, client.stats(), 512);
    EXPECT_TRUE(message.contains(QStringLiteral("output token limit (512 tokens"))) << str(message);
    EXPECT_TRUE(message.contains(QStringLiteral("Continue"))) << str(message);
}

TEST_F(ChatClientOutcomes, ReasoningOnlyThenLengthSpentTheBudgetThinking) {
    server.enqueue(ScriptedResponse::sse(
        {sse::roleChunk(), sse::reasoningChunk(QStringLiteral("Let me look at every file. ")),
         sse::reasoningChunk(QStringLiteral("First, db.py...")),
         sse::finishChunk(QStringLiteral("length")), sse::done()}));
    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_TRUE(client.text().isEmpty());
    EXPECT_FALSE(client.reasoning().isEmpty());
    const AnswerEnd end =
        llm::answerEnd(client.text(), client.reasoning(), client.stats().finishReason);
    EXPECT_EQ(end, AnswerEnd::ThinkingOnly);
    const QString message = llm::answerEndMessage(end, client.stats(), 256);
    EXPECT_TRUE(message.contains(QStringLiteral("whole output budget (256 tokens) thinking")))
        << str(message);
    EXPECT_TRUE(message.contains(QStringLiteral("no answer"))) << str(message);
}

TEST_F(ChatClientOutcomes, AStreamOfNothingButDoneIsAnError) {
    server.enqueue(ScriptedResponse::sse({sse::done()}));
    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::Protocol);
    EXPECT_TRUE(client.error()->message.contains(QStringLiteral("without an answer")))
        << errorText().toStdString();
    EXPECT_TRUE(client.error()->message.contains(QStringLiteral("Loopback")));

    // llama-server's first delta (content null) and a usage chunk are still no answer.
    server.enqueue(ScriptedResponse::sse({sse::roleChunk(), sse::usageChunk(900, 0), sse::done()}));
    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::Protocol);
}

TEST_F(ChatClientOutcomes, AnEmptyNonStreamedCompletionIsAnErrorToo) {
    server.enqueue(
        ScriptedResponse::json(200, R"({"id":"x","object":"chat.completion","choices":[]})"));
    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::Protocol) << errorText().toStdString();
}

TEST_F(ChatClientOutcomes, FinishReasonWithoutTextIsDoneWithNoText) {
    // The model chose to say nothing: the stream is whole, the answer is empty; the turn
    // says so (never an error of the server's).
    server.enqueue(ScriptedResponse::sse({sse::roleChunk(), sse::finishChunk(), sse::done()}));
    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(llm::answerEnd(client.text(), client.reasoning(), client.stats().finishReason),
              AnswerEnd::NoText);
}

TEST_F(ChatClientOutcomes, AnErrorBeforeAnyTextSaysSoAndNamesTheUpstream) {
    ScriptedResponse response = ScriptedResponse::sse({});
    response.write(sse::keepAlive("OPENROUTER PROCESSING"))
        .write(sse::roleChunk())
        .write(openRouterError(QStringLiteral("Upstream error from DeepInfra: overloaded"), 502,
                               QStringLiteral("DeepInfra")));
    server.enqueue(response);
    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::StreamError);
    const QString message = client.error()->message;
    EXPECT_TRUE(message.contains(QStringLiteral("the server reported an error before answering")))
        << str(message);
    EXPECT_TRUE(message.contains(QStringLiteral("upstream provider DeepInfra"))) << str(message);
    EXPECT_TRUE(message.contains(QStringLiteral("code 502"))) << str(message);
    EXPECT_TRUE(message.contains(QStringLiteral("overloaded"))) << str(message);
    EXPECT_FALSE(message.contains(QStringLiteral("mid-answer"))) << str(message);
    EXPECT_FALSE(message.contains(QStringLiteral("partial answer"))) << str(message);
    EXPECT_TRUE(client.text().isEmpty());
}

TEST_F(ChatClientOutcomes, AnErrorAfterTextKeepsThePartialAnswer) {
    ScriptedResponse response = ScriptedResponse::sse({});
    response.write(sse::roleChunk())
        .write(sse::contentChunk(QStringLiteral("The first finding")))
        .write(openRouterError(QStringLiteral("Provider disconnected"), 502,
                               QStringLiteral("Lambda")));
    server.enqueue(response);
    ASSERT_EQ(run(), ChatPhase::Failed);
    const QString message = client.error()->message;
    EXPECT_TRUE(message.contains(QStringLiteral("mid-answer"))) << str(message);
    EXPECT_TRUE(message.contains(QStringLiteral("partial answer is kept"))) << str(message);
    EXPECT_TRUE(message.contains(QStringLiteral("upstream provider Lambda"))) << str(message);
    EXPECT_FALSE(message.contains(QStringLiteral("before answering"))) << str(message);
    EXPECT_EQ(client.text(), QStringLiteral("The first finding"));
}

TEST_F(ChatClientOutcomes, RetryAfterMsIsHonouredAndTheShortestWaitWins) {
    ScriptedResponse limited = ScriptedResponse::json(
        429, R"({"error":{"message":"Rate limit reached","code":"rate_limit_exceeded"}})");
    limited.header("retry-after-ms", "250").header("Retry-After", "20");
    server.enqueue(limited);
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("after the wait")})));

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    ASSERT_EQ(recorder.retries.size(), 1);
    EXPECT_EQ(recorder.retries[0].delayMs, 250); // not 20 s
    EXPECT_EQ(recorder.retries[0].why.retryAfterMs.value_or(-1), 250);
    EXPECT_EQ(recorder.retries[0].why.retryAfterSeconds.value_or(-1), 1); // rounded up
    ASSERT_EQ(server.requestCount(), 2);
    EXPECT_GE(msBetween(server.requests()[0], server.requests()[1]), 240);
    EXPECT_EQ(client.text(), QStringLiteral("after the wait"));
}

TEST_F(ChatClientOutcomes, RetryAfterSecondsWinsWhenItIsShorter) {
    ScriptedResponse limited = ScriptedResponse::json(429, R"({"error":{"message":"slow down"}})");
    limited.header("Retry-After", "0").header("retry-after-ms", "45000");
    server.enqueue(limited);
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    ASSERT_EQ(recorder.retries.size(), 1);
    EXPECT_EQ(recorder.retries[0].delayMs, 0);
}

TEST_F(ChatClientOutcomes, AProxys502HtmlPageIsRetriedLikeA503) {
    ScriptedResponse page(502);
    page.header("Content-Type", "text/html").header("Server", "nginx").write(kBadGatewayPage);
    server.enqueue(page);
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("behind the proxy")})));

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("behind the proxy"));
    EXPECT_EQ(server.requestCount(), 2);
    ASSERT_EQ(recorder.retries.size(), 1);
    const ChatError &why = recorder.retries[0].why;
    EXPECT_EQ(why.kind, ChatError::Kind::ServerError);
    EXPECT_EQ(why.httpStatus, 502);
    EXPECT_TRUE(why.message.contains(QStringLiteral("the proxy/gateway returned 502 Bad Gateway")))
        << str(why.message);
    EXPECT_FALSE(why.message.contains(QLatin1Char('<'))) << str(why.message);
    EXPECT_FALSE(why.message.contains(QStringLiteral("nginx"))) << str(why.message);
}

TEST_F(ChatClientOutcomes, A504ThatNeverClearsFailsAfterTheAttempts) {
    setMaxAttempts(3);
    for (int i = 0; i < 3; ++i) {
        ScriptedResponse page(504, "Gateway Timeout");
        page.header("Content-Type", "text/html")
            .write("<html><head><title>504 Gateway Time-out</title></head><body>504</body></html>");
        server.enqueue(page);
    }
    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::ServerError);
    EXPECT_EQ(server.requestCount(), 3);
    EXPECT_EQ(recorder.retries.size(), 2);
    const QString message = client.error()->message;
    EXPECT_TRUE(message.contains(QStringLiteral("the proxy/gateway returned 504 Gateway Timeout")))
        << str(message);
    EXPECT_TRUE(message.contains(QStringLiteral("gave up after 3 attempts"))) << str(message);
    EXPECT_FALSE(message.contains(QLatin1Char('<'))) << str(message);
}

TEST_F(ChatClientOutcomes, CachedPromptTokensFromLlamaServerTimingsBesideUsage) {
    // llama-server's last chunk carries usage (without cached figures) and timings.cache_n.
    server.enqueue(ScriptedResponse::sse(
        {sse::roleChunk(), sse::contentChunk(QStringLiteral("ok")), sse::finishChunk(),
         sse::event(R"({"choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":3},)"
                    R"("timings":{"cache_n":1100,"prompt_n":100,"predicted_n":3}})"),
         sse::done()}));
    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.stats().usage.promptTokens, 1200);
    EXPECT_EQ(client.stats().usage.cachedPromptTokens, 1100);
}

// The conversation's turn carries the end: a cut-off answer is not complete, so Continue
// applies and the exports say partial; a reasoning-only one has nothing to continue.
class ConversationOutcomes : public ::testing::Test {
protected:
    ConversationOutcomes() {
        conversation.setTarget(chatTargetFor(server));
        conversation.setPack("You audit code.", "File: a.py\nprint(1)\n", 10);
    }

    const llm::Turn &ask() {
        conversation.ask(QStringLiteral("Find bugs"));
        EXPECT_TRUE(processEventsUntil([this] { return !conversation.isBusy(); }));
        return conversation.turns().constLast();
    }

    ScriptedServer server;
    QThreadPool pool;
    QNetworkAccessManager network;
    llm::ChatClient client{&network, &pool};
    llm::Conversation conversation{&client};
};

TEST_F(ConversationOutcomes, ACutOffTurnIsIncompleteAndCanBeContinued) {
    server.enqueue(ScriptedResponse::sse(
        {sse::roleChunk(), sse::contentChunk(QStringLiteral("1. Missing check")),
         sse::finishChunk(QStringLiteral("length")), sse::done()}));
    const llm::Turn &turn = ask();
    EXPECT_EQ(turn.phase, ChatPhase::Done);
    EXPECT_EQ(turn.end(), AnswerEnd::CutOff);
    EXPECT_FALSE(turn.complete());
    EXPECT_EQ(turn.maxOutputTokens, 256);
    EXPECT_FALSE(conversation.answerComplete(0));

    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral(" in a.py:1.")})));
    conversation.continueLast();
    ASSERT_TRUE(processEventsUntil([this] { return !conversation.isBusy(); }));
    ASSERT_EQ(conversation.turns().size(), 2);
    EXPECT_TRUE(conversation.turns()[1].continuation);
    EXPECT_TRUE(conversation.turns()[1].complete());
    EXPECT_TRUE(conversation.answerComplete(0));
    ASSERT_EQ(server.requestCount(), 2);
    // The continuation carries the cut-off answer back to the model.
    EXPECT_TRUE(server.requests()[1].body.contains("1. Missing check"));
}

TEST_F(ConversationOutcomes, AReasoningOnlyTurnIsIncompleteWithNothingToContinue) {
    server.enqueue(
        ScriptedResponse::sse({sse::roleChunk(), sse::reasoningChunk(QStringLiteral("Thinking...")),
                               sse::finishChunk(QStringLiteral("max_tokens")), sse::done()}));
    const llm::Turn &turn = ask();
    EXPECT_EQ(turn.end(), AnswerEnd::ThinkingOnly);
    EXPECT_FALSE(turn.complete());
    conversation.continueLast(); // no answer text to continue: nothing is sent
    EXPECT_FALSE(conversation.isBusy());
    EXPECT_EQ(server.requestCount(), 1);
}

TEST_F(ConversationOutcomes, ADoneOnlyStreamFailsTheTurn) {
    server.enqueue(ScriptedResponse::sse({sse::done()}));
    const llm::Turn &turn = ask();
    EXPECT_EQ(turn.phase, ChatPhase::Failed);
    ASSERT_TRUE(turn.error.has_value());
    EXPECT_EQ(turn.error->kind, ChatError::Kind::Protocol);
    EXPECT_TRUE(turn.endedWithoutAnswer());
}

TEST(AnswerEnd, CutOffReasonsOfEveryKnownServer) {
    for (const char *reason : {"length", "max_tokens", "MAX_TOKENS", "max_output_tokens",
                               "model_context_window_exceeded"})
        EXPECT_TRUE(llm::isCutOffReason(QString::fromLatin1(reason))) << reason;
    for (const char *reason : {"stop", "end_turn", "tool_calls", "content_filter", "", "eos"})
        EXPECT_FALSE(llm::isCutOffReason(QString::fromLatin1(reason))) << reason;
    EXPECT_EQ(llm::answerEnd(QStringLiteral("text"), QString(), QStringLiteral("stop")),
              AnswerEnd::Complete);
    EXPECT_EQ(
        llm::answerEnd(QStringLiteral("  \n"), QStringLiteral("thought"), QStringLiteral("length")),
        AnswerEnd::ThinkingOnly);
    EXPECT_EQ(llm::answerEnd(QString(), QString(), QStringLiteral("length")), AnswerEnd::NoText);
}

} // namespace
