// SPDX-License-Identifier: MIT
// The parsing behind the stream outcomes: retry-after-ms against Retry-After (the shortest
// wait wins), 502/504 from a proxy (HTML or JSON) retryable like a 503, OpenRouter's
// upstream provider and code in HTTP and in-stream errors, an error before any text, and
// the cached prompt figures of every server that reports them.
#include "llm/client/chaterror.h"
#include "llm/stream/chatstream.h"

#include <QDateTime>
#include <QLocale>

#include <gtest/gtest.h>

using namespace reposcope::llm;
using Kind = ChatError::Kind;

namespace {

std::string str(const QString &s) {
    return s.toStdString();
}

StreamChunk decode(const QByteArray &data) {
    return decodeChatChunk(SseEvent{QByteArray(), data, QByteArray()});
}

ChatError http(int status, const QByteArray &body, const RawHeaders &headers = {}) {
    return classifyHttpError(status, body, headers, QStringLiteral("OpenRouter"));
}

TEST(RetryAfterMs, ParsesMillisecondsWholeOrFractional) {
    EXPECT_EQ(parseRetryAfterMs("250"), 250);
    EXPECT_EQ(parseRetryAfterMs(" 0 "), 0);
    EXPECT_EQ(parseRetryAfterMs("1500.2"), 1501); // rounded up: never early
    EXPECT_FALSE(parseRetryAfterMs("").has_value());
    EXPECT_FALSE(parseRetryAfterMs("-5").has_value());
    EXPECT_FALSE(parseRetryAfterMs("soon").has_value());
    EXPECT_FALSE(parseRetryAfterMs("nan").has_value());
    EXPECT_FALSE(parseRetryAfterMs("inf").has_value());
}

TEST(RetryAfterMs, TheShortestExplicitWaitWins) {
    const QByteArray body = R"({"error":{"message":"Rate limit reached"}})";
    const auto msShorter = http(429, body, {{"retry-after-ms", "1200"}, {"Retry-After", "30"}});
    EXPECT_EQ(msShorter.kind, Kind::RateLimited);
    EXPECT_EQ(msShorter.retryAfterMs, 1200);
    EXPECT_EQ(msShorter.retryAfterSeconds, 2); // the message's figure, rounded up
    EXPECT_TRUE(msShorter.message.contains(QStringLiteral("Retry in 2 s")))
        << str(msShorter.message);

    const auto secondsShorter = http(429, body, {{"Retry-After", "3"}, {"Retry-After-Ms", "9000"}});
    EXPECT_EQ(secondsShorter.retryAfterMs, 3000);
    EXPECT_EQ(secondsShorter.retryAfterSeconds, 3);

    const auto msOnly = http(429, body, {{"RETRY-AFTER-MS", "40"}});
    EXPECT_EQ(msOnly.retryAfterMs, 40);
    EXPECT_EQ(msOnly.retryAfterSeconds, 1);

    // An HTTP-date against milliseconds: the date is two minutes away, the ms 500.
    const QByteArray date = QLocale::c()
                                .toString(QDateTime::currentDateTimeUtc().addSecs(120),
                                          QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
                                .toLatin1();
    const auto dateAndMs = http(503, "busy", {{"Retry-After", date}, {"retry-after-ms", "500"}});
    EXPECT_EQ(dateAndMs.retryAfterMs, 500);

    // A garbage retry-after-ms leaves Retry-After in charge.
    const auto garbage = http(429, body, {{"retry-after-ms", "later"}, {"Retry-After", "4"}});
    EXPECT_EQ(garbage.retryAfterMs, 4000);

    // The explicit headers win over Groq's budget resets, even a shorter reset.
    const auto groq =
        http(429, body, {{"x-ratelimit-reset-tokens", "200ms"}, {"retry-after", "2"}});
    EXPECT_EQ(groq.retryAfterMs, 2000);
    // Without them the reset stands in, to the millisecond.
    const auto reset = http(429, body, {{"x-ratelimit-reset-tokens", "7.66s"}});
    EXPECT_EQ(reset.retryAfterMs, 7660);
    EXPECT_EQ(reset.retryAfterSeconds, 8);
}

TEST(GatewayErrors, AProxys502Or504HtmlPageIsRetryableAndNeverDumped) {
    const QByteArray page = "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n"
                            "<body><center><h1>504 Gateway Time-out</h1></center><hr>"
                            "<center>nginx</center></body></html>";
    const auto e = classifyHttpError(504, page, {{"Retry-After", "5"}},
                                     QStringLiteral("vLLM at 10.0.0.5:8000"));
    EXPECT_EQ(e.kind, Kind::ServerError);
    EXPECT_TRUE(e.retryable);
    EXPECT_EQ(e.retryAfterMs, 5000);
    EXPECT_TRUE(
        e.message.contains(QStringLiteral("the proxy/gateway returned 504 Gateway Timeout")))
        << str(e.message);
    EXPECT_TRUE(e.message.contains(QStringLiteral("Retry in 5 s"))) << str(e.message);
    EXPECT_FALSE(e.message.contains(QLatin1Char('<'))) << str(e.message);
    EXPECT_FALSE(e.message.contains(QStringLiteral("nginx"))) << str(e.message);
    EXPECT_TRUE(e.serverMessage.isEmpty());

    const auto bad = classifyHttpError(502, "<!DOCTYPE html><html><body>Bad</body></html>", {},
                                       QStringLiteral("Loopback"));
    EXPECT_TRUE(bad.retryable);
    EXPECT_TRUE(bad.message.contains(QStringLiteral("the proxy/gateway returned 502 Bad Gateway")))
        << str(bad.message);
    EXPECT_TRUE(bad.message.contains(QStringLiteral("Retry shortly"))) << str(bad.message);

    // 500 stays a plain server failure: nothing says waiting helps.
    const auto internal = http(500, "<html><body>Internal Server Error</body></html>");
    EXPECT_FALSE(internal.retryable);
}

TEST(GatewayErrors, OpenRouters502NamesTheUpstreamProviderAndCode) {
    const auto e = http(
        502,
        R"({"error":{"code":502,"message":"Provider returned error","metadata":{"provider_name":"Fireworks","raw":"upstream connect error"}}})");
    EXPECT_EQ(e.kind, Kind::ServerError);
    EXPECT_TRUE(e.retryable);
    EXPECT_TRUE(e.message.contains(QStringLiteral("502 Bad Gateway"))) << str(e.message);
    EXPECT_TRUE(e.message.contains(QStringLiteral("upstream provider Fireworks, code 502")))
        << str(e.message);
    EXPECT_TRUE(e.message.contains(QStringLiteral("upstream connect error"))) << str(e.message);

    // Any other status names them too.
    const auto refused = http(
        400,
        R"({"error":{"code":400,"message":"Provider returned error","metadata":{"provider_name":"Together","raw":"bad"}}})");
    EXPECT_TRUE(refused.message.contains(QStringLiteral("upstream provider Together")))
        << str(refused.message);
}

TEST(StreamErrorsBeforeText, SayTheServerFailedBeforeAnswering) {
    const auto before =
        fromStreamError(QStringLiteral("Upstream timed out"), QString(), QStringLiteral("504"),
                        QStringLiteral("OpenRouter"), false, QStringLiteral("Chutes"));
    EXPECT_EQ(before.kind, Kind::StreamError);
    EXPECT_TRUE(before.message.contains(QStringLiteral("the server reported an error before "
                                                       "answering (upstream provider Chutes, "
                                                       "code 504): Upstream timed out")))
        << str(before.message);
    EXPECT_FALSE(before.message.contains(QStringLiteral("mid-answer")));
    EXPECT_FALSE(before.message.contains(QStringLiteral("partial answer")));

    const auto rate = fromStreamError(QStringLiteral("Rate limit exceeded"), QString(),
                                      QStringLiteral("429"), QStringLiteral("OpenRouter"), false);
    EXPECT_EQ(rate.kind, Kind::RateLimited);
    EXPECT_TRUE(rate.message.contains(QStringLiteral("before answering"))) << str(rate.message);
    EXPECT_FALSE(rate.message.contains(QStringLiteral("partial answer"))) << str(rate.message);

    const auto mid = fromStreamError(QStringLiteral("Provider disconnected"), QString(), QString(),
                                     QStringLiteral("OpenRouter"), true);
    EXPECT_TRUE(mid.message.contains(QStringLiteral("mid-answer"))) << str(mid.message);
    EXPECT_TRUE(mid.message.contains(QStringLiteral("partial answer is kept")));
}

TEST(StreamChunkErrors, OpenRouterMetadataIsRead) {
    const StreamChunk c = decode(
        R"({"id":"gen-1","object":"chat.completion.chunk","error":{"code":502,"message":"Provider returned error","metadata":{"provider_name":"DeepInfra","raw":"overloaded"}},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]})");
    ASSERT_TRUE(c.error.has_value());
    EXPECT_EQ(c.error->code, QStringLiteral("502"));
    EXPECT_EQ(c.error->upstreamProvider, QStringLiteral("DeepInfra"));
    EXPECT_EQ(c.error->message, QStringLiteral("Provider returned error: overloaded"));
}

TEST(CachedPromptTokens, EveryServersSpelling) {
    // OpenAI, OpenRouter, Groq: prompt_tokens_details.cached_tokens
    const StreamChunk openai = decode(
        R"({"choices":[],"usage":{"prompt_tokens":2000,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":1536}}})");
    ASSERT_TRUE(openai.usage.has_value());
    EXPECT_EQ(openai.usage->cachedPromptTokens, 1536);

    // Anthropic's names (messages API usage, passed through by gateways): input_tokens
    // excludes the cached prefix, so the prompt is their sum.
    const StreamChunk anthropic = decode(
        R"({"choices":[],"usage":{"input_tokens":40,"cache_read_input_tokens":9000,"cache_creation_input_tokens":60,"output_tokens":12}})");
    ASSERT_TRUE(anthropic.usage.has_value());
    EXPECT_EQ(anthropic.usage->promptTokens, 9100);
    EXPECT_EQ(anthropic.usage->completionTokens, 12);
    EXPECT_EQ(anthropic.usage->cachedPromptTokens, 9000);

    // cache_read_input_tokens beside OpenAI's names
    const StreamChunk mixed = decode(
        R"({"choices":[],"usage":{"prompt_tokens":9100,"completion_tokens":12,"cache_read_input_tokens":9000}})");
    ASSERT_TRUE(mixed.usage.has_value());
    EXPECT_EQ(mixed.usage->promptTokens, 9100);
    EXPECT_EQ(mixed.usage->cachedPromptTokens, 9000);

    // llama-server: usage without cached figures, timings.cache_n beside it
    const StreamChunk llama = decode(
        R"({"choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":3},"timings":{"cache_n":1100,"prompt_n":100,"predicted_n":3}})");
    ASSERT_TRUE(llama.usage.has_value());
    EXPECT_EQ(llama.usage->promptTokens, 1200);
    EXPECT_EQ(llama.usage->cachedPromptTokens, 1100);

    // llama-server's native field name
    const StreamChunk native = decode(
        R"({"choices":[],"usage":{"prompt_tokens":700,"completion_tokens":3},"tokens_cached":650})");
    ASSERT_TRUE(native.usage.has_value());
    EXPECT_EQ(native.usage->cachedPromptTokens, 650);

    // A server's own figure is never replaced by timings.
    const StreamChunk both = decode(
        R"({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":4}},"timings":{"cache_n":9,"prompt_n":1}})");
    ASSERT_TRUE(both.usage.has_value());
    EXPECT_EQ(both.usage->cachedPromptTokens, 4);

    // Nothing reported: -1, not 0.
    const StreamChunk none =
        decode(R"({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":1}})");
    ASSERT_TRUE(none.usage.has_value());
    EXPECT_EQ(none.usage->cachedPromptTokens, -1);
}

} // namespace
