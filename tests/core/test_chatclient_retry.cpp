// SPDX-License-Identifier: MIT
// ChatClient retries against a real loopback HTTP server: 429 with Retry-After,
// 429 until the attempts run out, 503 with backoff, a Retry-After too long to
// wait, and Groq's 413 "tokens per minute" which waiting cannot fix.
#include "test_chatclient.h"

using namespace reposcope;
using namespace reposcope::test;
using llm::ChatError;
using llm::ChatPhase;

namespace {

using ChatClientRetry = ChatClientTest;

ScriptedResponse rateLimited(const QByteArray &retryAfter) {
    ScriptedResponse response = ScriptedResponse::json(
        429,
        R"({"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}})");
    if (!retryAfter.isEmpty())
        response.header("Retry-After", retryAfter);
    return response;
}

TEST_F(ChatClientRetry, RateLimitedWithRetryAfterThenSuccess) {
    server.enqueue(rateLimited("1"));
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("second time lucky")})));

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("second time lucky"));
    // The first token came after the wait; the answering attempt began after it too.
    EXPECT_GE(client.stats().earlierAttemptsMs, 1000);
    EXPECT_GE(client.stats().ttftMs, client.stats().earlierAttemptsMs);
    ASSERT_EQ(recorder.retries.size(), 1);
    EXPECT_EQ(recorder.retries[0].nextAttempt, 2);
    EXPECT_EQ(recorder.retries[0].delayMs, 1000);
    EXPECT_EQ(recorder.retries[0].why.kind, ChatError::Kind::RateLimited);
    EXPECT_EQ(recorder.retries[0].why.retryAfterSeconds.value_or(-1), 1);
    EXPECT_EQ(client.stats().attempt, 2);
    EXPECT_TRUE(recorder.phases.contains(ChatPhase::Retrying));
    EXPECT_EQ(recorder.phases.constLast(), ChatPhase::Done);
    // One more request, the same body (built once, sent twice).
    ASSERT_EQ(server.requestCount(), 2);
    EXPECT_EQ(server.requests()[0].body, server.requests()[1].body);
    EXPECT_EQ(server.requests()[1].header("Authorization"),
              server.requests()[0].header("Authorization"));
    // The wait really happened (a lower bound only; the server saw both
    // requests).
    using namespace std::chrono;
    EXPECT_GE(duration_cast<milliseconds>(server.requests()[1].firstByteAt -
                                          server.requests()[0].completeAt)
                  .count(),
              990);
    EXPECT_FALSE(client.error().has_value());
}

TEST_F(ChatClientRetry, RateLimitedBeyondMaxAttemptsFails) {
    setMaxAttempts(3);
    for (int i = 0; i < 3; ++i)
        server.enqueue(rateLimited("0"));
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("never reached")})));

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::RateLimited);
    EXPECT_EQ(server.requestCount(), 3);
    EXPECT_EQ(recorder.retries.size(), 2);
    EXPECT_EQ(client.stats().attempt, 3);
    EXPECT_TRUE(client.text().isEmpty());
    EXPECT_EQ(server.pendingResponses(), 1);
}

TEST_F(ChatClientRetry, ServiceUnavailable503BacksOffWithJitter) {
    server.enqueue(ScriptedResponse::json(
        503, R"({"error":{"message":"The server is overloaded","type":"server_error"}})"));
    server.enqueue(ScriptedResponse::json(
        503, R"({"error":{"message":"The server is overloaded","type":"server_error"}})"));
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("recovered")})));

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("recovered"));
    ASSERT_EQ(recorder.retries.size(), 2);
    EXPECT_EQ(recorder.retries[0].why.kind, ChatError::Kind::ServerError);
    EXPECT_EQ(recorder.retries[0].why.httpStatus, 503);
    // baseDelayMs = 20, doubled per attempt, +-20%.
    EXPECT_GE(recorder.retries[0].delayMs, 16);
    EXPECT_LE(recorder.retries[0].delayMs, 24);
    EXPECT_GE(recorder.retries[1].delayMs, 32);
    EXPECT_LE(recorder.retries[1].delayMs, 48);
    EXPECT_EQ(recorder.retries[1].nextAttempt, 3);
    EXPECT_EQ(client.stats().attempt, 3);
    EXPECT_EQ(server.requestCount(), 3);
}

TEST_F(ChatClientRetry, RetryAfterLongerThanMaxDelayFailsWithTheWait) {
    server.enqueue(rateLimited("3600"));

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::RateLimited);
    EXPECT_TRUE(recorder.retries.isEmpty());
    EXPECT_EQ(server.requestCount(), 1);
    // Says how long to wait: 3600 s = 60 min.
    EXPECT_TRUE(client.error()->message.contains(QStringLiteral("60 min")))
        << client.error()->message.toStdString();
}

TEST_F(ChatClientRetry, GroqTooLargeForTokensPerMinuteIsNotRetried) {
    server.enqueue(ScriptedResponse::json(
        413,
        R"({"error":{"message":"Request too large for model `meta-llama/llama-4-scout-17b-16e-instruct` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 30000, Requested 2104317, please reduce your message size and try again.","type":"tokens","code":"rate_limit_exceeded"}})"));
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("never reached")})));

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::TooLargeForRateLimit);
    EXPECT_EQ(client.error()->httpStatus, 413);
    EXPECT_TRUE(recorder.retries.isEmpty());
    EXPECT_EQ(server.requestCount(), 1);
    EXPECT_EQ(server.pendingResponses(), 1);
}

} // namespace
