// SPDX-License-Identifier: MIT
// The chat stream layer against the issue's targets: SSE parser throughput on a synthetic
// ~50 MB OpenAI-style stream (target > 200 MB/s), parser + chunk decoder on the same
// stream, and buildChatBody on an 8 MB pack (target: well under 100 ms).
#include "llm/client/chatrequest.h"
#include "llm/stream/chatstream.h"
#include "llm/stream/sseparser.h"

#include <benchmark/benchmark.h>

#include <QString>

#include <vector>

using namespace reposcope::llm;

namespace {

constexpr qsizetype kStreamBytes = 50 << 20;
constexpr qsizetype kNetworkChunk = 16 << 10; // what QNetworkReply::readyRead typically hands over

// ~150-byte `data:` lines as OpenAI / Groq send them, with an occasional keep-alive comment
// and a final usage chunk and [DONE].
const QByteArray &syntheticStream() {
    static const QByteArray stream = [] {
        const char *words[] = {"the ",  "buffer ", "is ",        "never ", "freed ", "in ",
                               "parse", "_chunk ", "\\n",        "é ",     "— ",     "if ",
                               "(len ", "> cap) ", "{\\\"a\\\"", "} ",     "🙂",   "return "};
        QByteArray s;
        s.reserve(kStreamBytes + 4096);
        quint32 seed = 1;
        for (int i = 0; s.size() < kStreamBytes; ++i) {
            if (i % 500 == 0)
                s += ": OPENROUTER PROCESSING\n\n";
            seed = seed * 1664525u + 1013904223u;
            s +=
                R"(data: {"id":"chatcmpl-8x2","object":"chat.completion.chunk","created":1717000000,"model":"llama-4-scout","choices":[{"index":0,"delta":{"content":")";
            s += words[(seed >> 16) % (sizeof words / sizeof *words)];
            s += R"("},"finish_reason":null}]})";
            s += "\n\n";
        }
        s +=
            R"(data: {"id":"chatcmpl-8x2","choices":[],"usage":{"prompt_tokens":90000,"completion_tokens":300000}})";
        s += "\n\ndata: [DONE]\n\n";
        return s;
    }();
    return stream;
}

void setThroughput(benchmark::State &state, qint64 bytesPerIteration) {
    state.SetBytesProcessed(state.iterations() * bytesPerIteration);
    state.counters["MB/s"] = benchmark::Counter(double(bytesPerIteration) / 1e6,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

void BM_SseParser(benchmark::State &state) {
    const QByteArray &stream = syntheticStream();
    std::vector<SseEvent> events;
    events.reserve(1024);
    qint64 count = 0;
    for (auto _ : state) {
        SseParser parser;
        for (qsizetype from = 0; from < stream.size(); from += kNetworkChunk) {
            parser.feed(
                QByteArrayView(stream).sliced(from, std::min(kNetworkChunk, stream.size() - from)),
                events);
            count += qint64(events.size());
            events.clear(); // the client hands each batch on, then clears
        }
        parser.finish(events);
        benchmark::DoNotOptimize(events.data());
    }
    setThroughput(state, stream.size());
    state.counters["events"] = double(count) / double(state.iterations());
}
BENCHMARK(BM_SseParser)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_SseParserAndDecoder(benchmark::State &state) {
    const QByteArray &stream = syntheticStream();
    std::vector<SseEvent> events;
    events.reserve(1024);
    qint64 chars = 0;
    for (auto _ : state) {
        SseParser parser;
        QString answer;
        for (qsizetype from = 0; from < stream.size(); from += kNetworkChunk) {
            parser.feed(
                QByteArrayView(stream).sliced(from, std::min(kNetworkChunk, stream.size() - from)),
                events);
            for (const SseEvent &event : events) {
                const StreamChunk chunk = decodeChatChunk(event);
                answer += chunk.contentDelta;
            }
            events.clear();
        }
        chars = answer.size();
        benchmark::DoNotOptimize(answer.data());
    }
    setThroughput(state, stream.size());
    state.counters["answer_chars"] = double(chars);
}
BENCHMARK(BM_SseParserAndDecoder)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_DecodeChunk(benchmark::State &state) {
    const SseEvent event{
        QByteArray(),
        R"({"id":"chatcmpl-8x2","object":"chat.completion.chunk","created":1717000000,"model":"llama-4-scout","choices":[{"index":0,"delta":{"content":"the "},"finish_reason":null}]})",
        QByteArray()};
    for (auto _ : state) {
        const StreamChunk chunk = decodeChatChunk(event);
        benchmark::DoNotOptimize(chunk.contentDelta.data());
    }
    state.counters["chunks/s"] =
        benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeChunk);

QByteArray eightMegabytePack() {
    QByteArray pack;
    pack.reserve(8 << 20);
    int line = 0;
    while (pack.size() < (8 << 20)) {
        pack += "src/server/handler";
        pack += QByteArray::number(line % 97);
        pack += ".cpp:";
        pack += QByteArray::number(line);
        pack += "\t    if (request.path() == \"/api/v1\") { return \"caf\xC3\xA9\\\\n\"; } // "
                "\xE2\x9C\x93 checked\n";
        ++line;
    }
    return pack;
}

void BM_BuildChatBody(benchmark::State &state) {
    ChatRequestSpec spec;
    spec.model = QStringLiteral("meta-llama/llama-4-scout");
    spec.messages.push_back({ChatMessage::Role::System, "You audit code.", {}});
    spec.messages.push_back({ChatMessage::Role::User, eightMegabytePack(), {}});
    spec.maxTokens = 8192;
    const qint64 bytes = spec.messages[1].text.size();
    for (auto _ : state) {
        const QByteArray body = buildChatBody(spec);
        benchmark::DoNotOptimize(body.constData());
    }
    setThroughput(state, bytes);
}
BENCHMARK(BM_BuildChatBody)->Unit(benchmark::kMillisecond)->MinTime(2.0);

} // namespace
