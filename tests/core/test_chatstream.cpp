// SPDX-License-Identifier: MIT
// decodeChatChunk on real-looking chunks of each provider (OpenAI, Groq, OpenRouter, vLLM,
// llama-server, Ollama), the [DONE] sentinel, and everything malformed.
#include "llm/stream/chatstream.h"

#include <gtest/gtest.h>

using namespace reposcope::llm;

namespace {

StreamChunk decode(const QByteArray &data) {
    return decodeChatChunk(SseEvent{QByteArray(), data, QByteArray()});
}

QString s(const char *utf8) {
    return QString::fromUtf8(utf8);
}

void expectPlain(const StreamChunk &c) {
    EXPECT_FALSE(c.malformed) << c.malformedReason.toStdString();
    EXPECT_FALSE(c.done);
    EXPECT_FALSE(c.error.has_value());
}

TEST(ChatStream, DoneSentinel) {
    EXPECT_TRUE(decode("[DONE]").done);
    EXPECT_TRUE(decode(" [DONE]\n").done);
    EXPECT_FALSE(decode("[DONE]").malformed);
    EXPECT_FALSE(decode("[done]").done);
}

TEST(ChatStream, OpenAiContentFinishAndFinalUsage) {
    const auto first = decode(
        R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null})");
    expectPlain(first);
    EXPECT_TRUE(first.contentDelta.isEmpty());
    EXPECT_TRUE(first.finishReason.isEmpty());
    EXPECT_FALSE(first.usage.has_value());

    const auto mid = decode(
        R"({"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi \"there\"\nline\u00e9 😀"},"logprobs":null,"finish_reason":null}],"usage":null})");
    expectPlain(mid);
    EXPECT_EQ(mid.contentDelta, s("Hi \"there\"\nline\u00e9 😀"));

    const auto last = decode(
        R"({"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}],"usage":null})");
    expectPlain(last);
    EXPECT_EQ(last.finishReason, s("length"));

    const auto usage = decode(
        R"({"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":34,"total_tokens":1234,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}})");
    expectPlain(usage);
    ASSERT_TRUE(usage.usage.has_value());
    EXPECT_EQ(usage.usage->promptTokens, 1200);
    EXPECT_EQ(usage.usage->completionTokens, 34);
    EXPECT_EQ(usage.usage->cachedPromptTokens, 1024);
    EXPECT_TRUE(usage.contentDelta.isEmpty());
}

TEST(ChatStream, UsageWithoutCacheDetails) {
    const auto c = decode(R"({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2}})");
    ASSERT_TRUE(c.usage.has_value());
    EXPECT_EQ(c.usage->cachedPromptTokens, -1);
    EXPECT_TRUE(c.usage->valid());
}

TEST(ChatStream, GroqXGroqUsageAndError) {
    const auto first = decode(
        R"({"id":"chatcmpl-g","object":"chat.completion.chunk","created":1,"model":"openai/gpt-oss-120b","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"x_groq":{"id":"req_01"}})");
    expectPlain(first);
    EXPECT_FALSE(first.usage.has_value());

    const auto last = decode(
        R"({"id":"chatcmpl-g","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"x_groq":{"id":"req_01","usage":{"queue_time":0.02,"prompt_tokens":5000,"prompt_time":0.1,"completion_tokens":300,"completion_time":0.5,"total_tokens":5300,"total_time":0.6}}})");
    expectPlain(last);
    EXPECT_EQ(last.finishReason, s("stop"));
    ASSERT_TRUE(last.usage.has_value());
    EXPECT_EQ(last.usage->promptTokens, 5000);
    EXPECT_EQ(last.usage->completionTokens, 300);

    const auto error = decode(
        R"({"id":"chatcmpl-g","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_01","error":"Service Unavailable: the model is overloaded"}})");
    EXPECT_FALSE(error.malformed);
    ASSERT_TRUE(error.error.has_value());
    EXPECT_EQ(error.error->message, s("Service Unavailable: the model is overloaded"));
}

TEST(ChatStream, OpenRouterUsageAndErrorEvent) {
    const auto content = decode(
        R"({"id":"gen-1","provider":"Groq","model":"meta-llama/llama-4-scout","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":"Found"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]})");
    expectPlain(content);
    EXPECT_EQ(content.contentDelta, s("Found"));

    const auto usage = decode(
        R"({"id":"gen-1","provider":"Groq","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop","native_finish_reason":"stop"}],"usage":{"prompt_tokens":90000,"completion_tokens":812,"total_tokens":90812,"cost":0.0077,"prompt_tokens_details":{"cached_tokens":0}}})");
    expectPlain(usage);
    EXPECT_EQ(usage.finishReason, s("stop"));
    ASSERT_TRUE(usage.usage.has_value());
    EXPECT_EQ(usage.usage->promptTokens, 90000);
    EXPECT_EQ(usage.usage->cachedPromptTokens, 0);

    const auto error = decode(
        R"({"id":"cmpl-abc","object":"chat.completion.chunk","created":1,"model":"x","provider":"openai","error":{"code":"server_error","message":"Provider disconnected unexpectedly"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]})");
    EXPECT_FALSE(error.malformed);
    ASSERT_TRUE(error.error.has_value());
    EXPECT_EQ(error.error->message, s("Provider disconnected unexpectedly"));
    EXPECT_EQ(error.error->code, s("server_error"));
    EXPECT_EQ(error.finishReason, s("error"));

    // numeric code, with metadata
    const auto numeric = decode(
        R"({"error":{"code":429,"message":"Rate limit exceeded","metadata":{"provider_name":"Groq"}}})");
    ASSERT_TRUE(numeric.error.has_value());
    EXPECT_EQ(numeric.error->code, s("429"));
    EXPECT_EQ(numeric.error->message, s("Rate limit exceeded"));
}

TEST(ChatStream, ReasoningFields) {
    const auto deepseek = decode(
        R"({"choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"Let me think"},"finish_reason":null}]})");
    expectPlain(deepseek);
    EXPECT_EQ(deepseek.reasoningDelta, s("Let me think"));
    EXPECT_TRUE(deepseek.contentDelta.isEmpty());

    const auto openrouter =
        decode(R"({"choices":[{"index":0,"delta":{"content":"","reasoning":"step 1"}}]})");
    EXPECT_EQ(openrouter.reasoningDelta, s("step 1"));

    const auto both = decode(
        R"({"choices":[{"delta":{"content":"a","reasoning":null,"reasoning_content":"b"}}]})");
    EXPECT_EQ(both.contentDelta, s("a"));
    EXPECT_EQ(both.reasoningDelta, s("b"));
}

TEST(ChatStream, VllmContinuousUsageAndError) {
    const auto c = decode(
        R"({"id":"chatcmpl-v","object":"chat.completion.chunk","created":1,"model":"meta-llama/Llama-4-Scout-17B-16E-Instruct","choices":[{"index":0,"delta":{"content":" the"},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":300000,"total_tokens":300007,"completion_tokens":7}})");
    expectPlain(c);
    EXPECT_EQ(c.contentDelta, s(" the"));
    ASSERT_TRUE(c.usage.has_value());
    EXPECT_EQ(c.usage->promptTokens, 300000);
    EXPECT_EQ(c.usage->completionTokens, 7);

    const auto error = decode(
        R"({"error": {"object": "error", "message": "The decoder prompt is too long", "type": "BadRequestError", "param": null, "code": 400}})");
    EXPECT_FALSE(error.malformed);
    ASSERT_TRUE(error.error.has_value());
    EXPECT_EQ(error.error->type, s("BadRequestError"));
    EXPECT_EQ(error.error->code, s("400"));
    EXPECT_EQ(error.error->message, s("The decoder prompt is too long"));
}

TEST(ChatStream, LlamaServerNullContentTimingsAndProgress) {
    const auto role = decode(
        R"({"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1,"id":"chatcmpl-l","model":"gpt-3.5-turbo","system_fingerprint":"b6000","object":"chat.completion.chunk"})");
    expectPlain(role);
    EXPECT_TRUE(role.contentDelta.isEmpty());

    const auto progress = decode(
        R"({"choices":[],"created":1,"id":"chatcmpl-l","object":"chat.completion.chunk","prompt_progress":{"total":120000,"cache":20000,"processed":70000,"time_ms":4512}})");
    expectPlain(progress);
    ASSERT_TRUE(progress.progress.has_value());
    EXPECT_EQ(progress.progress->total, 120000);
    EXPECT_EQ(progress.progress->cache, 20000);
    EXPECT_EQ(progress.progress->processed, 70000);
    EXPECT_EQ(progress.progress->timeMs, 4512);
    EXPECT_DOUBLE_EQ(progress.progress->fraction(), 70000.0 / 120000.0);

    const auto closing = decode(
        R"({"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1,"id":"chatcmpl-l","object":"chat.completion.chunk","usage":{"completion_tokens":50,"prompt_tokens":120000,"total_tokens":120050},"timings":{"cache_n":20000,"prompt_n":100000,"prompt_ms":40000.1,"predicted_n":50,"predicted_ms":900.5}})");
    expectPlain(closing);
    EXPECT_EQ(closing.finishReason, s("stop"));
    ASSERT_TRUE(closing.usage.has_value());
    EXPECT_EQ(closing.usage->promptTokens, 120000); // `usage` wins over `timings`

    // timings alone still give the figures (prompt_n excludes the cached prefix)
    const auto timingsOnly = decode(
        R"({"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"timings":{"cache_n":5,"prompt_n":95,"predicted_n":12}})");
    ASSERT_TRUE(timingsOnly.usage.has_value());
    EXPECT_EQ(timingsOnly.usage->promptTokens, 100);
    EXPECT_EQ(timingsOnly.usage->completionTokens, 12);
    EXPECT_EQ(timingsOnly.usage->cachedPromptTokens, 5);

    const auto error = decode(
        R"({"error":{"code":500,"message":"the request exceeds the available context size","type":"exceed_context_size_error","n_prompt_tokens":9000,"n_ctx":8192}})");
    ASSERT_TRUE(error.error.has_value());
    EXPECT_EQ(error.error->type, s("exceed_context_size_error"));
    EXPECT_EQ(error.error->code, s("500"));
}

TEST(ChatStream, OllamaChunks) {
    const auto c = decode(
        R"({"id":"chatcmpl-94","object":"chat.completion.chunk","created":1,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]})");
    expectPlain(c);
    EXPECT_EQ(c.contentDelta, s("Hello"));
    const auto usage = decode(
        R"({"id":"chatcmpl-94","object":"chat.completion.chunk","created":1,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":26,"completion_tokens":10,"total_tokens":36}})");
    ASSERT_TRUE(usage.usage.has_value());
    EXPECT_EQ(usage.usage->promptTokens, 26);
}

TEST(ChatStream, PlainStringError) {
    const auto c = decode(R"({"error":"upstream timed out"})");
    EXPECT_FALSE(c.malformed);
    ASSERT_TRUE(c.error.has_value());
    EXPECT_EQ(c.error->message, s("upstream timed out"));
    EXPECT_TRUE(c.error->code.isEmpty());
}

TEST(ChatStream, ErrorEventType) {
    // `event: error` whose data is the error object itself, or plain text
    const auto object = decodeChatChunk(
        SseEvent{"error", R"({"message":"model overloaded","type":"server_error"})", {}});
    EXPECT_FALSE(object.malformed) << object.malformedReason.toStdString();
    ASSERT_TRUE(object.error.has_value());
    EXPECT_EQ(object.error->message, s("model overloaded"));
    EXPECT_EQ(object.error->type, s("server_error"));
    const auto text = decodeChatChunk(SseEvent{"error", "Internal Server Error", {}});
    EXPECT_FALSE(text.malformed);
    ASSERT_TRUE(text.error.has_value());
    EXPECT_EQ(text.error->message, s("Internal Server Error"));
    // the same data without the event type is malformed
    EXPECT_TRUE(decode("Internal Server Error").malformed);
}

TEST(ChatStream, ContentAsArrayOfParts) {
    const auto c = decode(
        R"({"choices":[{"delta":{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]})");
    expectPlain(c);
    EXPECT_EQ(c.contentDelta, s("ab"));
}

void expectMalformed(const QByteArray &data, const char *needle) {
    const auto c = decode(data);
    EXPECT_TRUE(c.malformed) << data.toStdString();
    EXPECT_TRUE(c.malformedReason.contains(QLatin1String(needle)))
        << c.malformedReason.toStdString() << "\n  expected: " << needle;
    EXPECT_FALSE(c.done);
    EXPECT_TRUE(c.contentDelta.isEmpty());
}

TEST(ChatStream, MalformedInputsNameWhatWasWrong) {
    expectMalformed(R"({"choices":[{"delta":{"content":"a"})", "invalid JSON");
    expectMalformed("not json at all", "invalid JSON");
    expectMalformed(R"([{"choices":[]}])", "array");
    expectMalformed(R"("just a string")", "not a JSON object");
    expectMalformed("42", "not a JSON object");
    expectMalformed("", "empty");
    expectMalformed(R"({"id":"x","object":"chat.completion.chunk"})", "no choices");
    expectMalformed(R"({"choices":{"delta":{}}})", "choices is not an array");
    expectMalformed(R"({"choices":[42]})", "choices[0]");
    expectMalformed(R"({"choices":[{"delta":"text"}]})", "delta is not an object");
    expectMalformed(R"({"choices":[{"delta":{"content":7}}]})", "content");
}

TEST(ChatStream, MalformedReasonQuotesAtMost80Bytes) {
    const QByteArray data = QByteArray("{") + QByteArray(500, 'x');
    const auto c = decode(data);
    ASSERT_TRUE(c.malformed);
    // "{" and 79 x, then an ellipsis
    EXPECT_TRUE(c.malformedReason.endsWith(QLatin1Char('{') + QString(79, QLatin1Char('x')) +
                                           QChar(0x2026)))
        << c.malformedReason.toStdString();
}

TEST(ChatStream, NeverCrashesOnGarbage) {
    // deterministic soup of JSON-ish bytes, plus deep nesting
    const char alphabet[] = "{}[]\":,01 nulltrue\\u\xC3\xA9\xFF"
                            "choicesdeltacontenterrorusage";
    quint32 seed = 7;
    for (int round = 0; round < 3000; ++round) {
        QByteArray data;
        const int n = int((seed >> 8) % 120);
        for (int i = 0; i < n; ++i) {
            seed = seed * 1664525u + 1013904223u;
            data += alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        const auto c = decode(data);
        if (c.malformed) {
            EXPECT_FALSE(c.malformedReason.isEmpty());
        }
    }
    const auto deep = decode(QByteArray(100000, '[') + QByteArray(100000, ']'));
    EXPECT_TRUE(deep.malformed);
    const auto deepObject =
        decode("{\"choices\":" + QByteArray(5000, '[') + QByteArray(5000, ']') + "}");
    EXPECT_TRUE(deepObject.malformed);
}

TEST(ChatStream, WrongTypesInsideKnownFieldsAreTolerated) {
    // usage with strings instead of numbers: not reported, not a crash
    const auto c = decode(R"({"choices":[],"usage":{"prompt_tokens":"many"}})");
    EXPECT_FALSE(c.malformed);
    EXPECT_FALSE(c.usage.has_value());
    const auto p = decode(R"({"prompt_progress":{"total":"x","processed":-5}})");
    ASSERT_TRUE(p.progress.has_value());
    EXPECT_EQ(p.progress->total, 0);
    EXPECT_EQ(p.progress->processed, 0);
    EXPECT_DOUBLE_EQ(p.progress->fraction(), 0.0);
}

} // namespace
