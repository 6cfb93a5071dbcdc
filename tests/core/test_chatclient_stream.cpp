// SPDX-License-Identifier: MIT
// ChatClient against a real loopback HTTP server: well-behaved streams
// delivered in awkward ways (slow first token, single bytes, every split point,
// keep-alive comments), usage, prefill progress, reasoning, a very long answer,
// a non-streamed JSON answer and the upload of a multi-MB pack.
#include "test_chatclient.h"

using namespace reposcope;
using namespace reposcope::test;
using llm::ChatPhase;

namespace {

using ChatClientStream = ChatClientTest;

const QList<ChatPhase> kHappyPhases = {ChatPhase::Preparing, ChatPhase::Uploading,
                                       ChatPhase::Waiting, ChatPhase::Streaming, ChatPhase::Done};

TEST_F(ChatClientStream, SlowFirstTokenMeasuresTtftAndWaitsBeforeStreaming) {
    constexpr int kPrefillMs = 300;
    ScriptedResponse response = ScriptedResponse::sse({});
    response.delay(kPrefillMs); // headers at once, then a long "prefill"
    for (const QByteArray &e :
         sse::completion({QStringLiteral("Hello"), QStringLiteral(", world")}))
        response.write(e);
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("Hello, world"));
    EXPECT_EQ(recorder.phases, kHappyPhases);
    ASSERT_EQ(recorder.phaseAtDelta.size(), 2);
    EXPECT_EQ(recorder.phaseAtDelta.first(), ChatPhase::Streaming);
    const llm::ChatStats &s = client.stats();
    // The server waited kPrefillMs after sending its headers: the first token
    // cannot have come sooner (timers below 2 s are precise; a small margin for
    // clock granularity).
    EXPECT_GE(s.ttftMs, kPrefillMs - 5);
    EXPECT_GE(s.uploadDoneMs, 0);
    EXPECT_LE(s.uploadDoneMs, s.ttftMs);
    EXPECT_GE(s.totalMs, s.ttftMs);
    EXPECT_EQ(s.outputChunks, 2);
    EXPECT_EQ(s.finishReason, QStringLiteral("stop"));
    EXPECT_EQ(s.attempt, 1);
    EXPECT_FALSE(client.error().has_value());
    EXPECT_FALSE(client.isBusy());
}

TEST_F(ChatClientStream, TrickledSingleBytes) {
    const QByteArray stream =
        sse::join(sse::completion({QStringLiteral("Byte"), QStringLiteral(" by "),
                                   QString::fromUtf8("byte \xC3\xA9\xE2\x9C\x93")},
                                  QPair<qint64, qint64>{40, 3}));
    ScriptedResponse response = ScriptedResponse::sse({});
    response.trickle(stream, 1);
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text(), QString::fromUtf8("Byte by byte \xC3\xA9\xE2\x9C\x93"));
    EXPECT_EQ(recorder.deltas.size(), 3);
    EXPECT_EQ(client.stats().usage.promptTokens, 40);
    EXPECT_EQ(client.stats().usage.completionTokens, 3);
}

TEST_F(ChatClientStream, EveryChunkBoundaryOfAShortStream) {
    // A keep-alive comment, CRLF line ends in one event and a multi-byte
    // character make the split points interesting.
    QByteArray stream = sse::keepAlive();
    stream += sse::roleChunk();
    stream += sse::contentChunk(QString::fromUtf8("H\xC3\xA9")).replace("\n\n", "\r\n\r\n");
    stream += sse::contentChunk(QStringLiteral("llo"));
    stream += sse::finishChunk();
    stream += sse::done();
    for (qsizetype split = 1; split < stream.size(); ++split) {
        SCOPED_TRACE(split);
        ScriptedResponse response = ScriptedResponse::sse({});
        response.write(stream.left(split)).delay(2).write(stream.mid(split));
        server.enqueue(response);
        ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
        ASSERT_EQ(client.text(), QString::fromUtf8("H\xC3\xA9llo"));
        ASSERT_EQ(client.stats().finishReason, QStringLiteral("stop"));
    }
    EXPECT_EQ(server.requestCount(), int(stream.size() - 1));
}

TEST_F(ChatClientStream, KeepAliveCommentsAreSkippedAndResetTheIdleTimer) {
    // Comments alone span more than the idle timeout: each one must reset it.
    constexpr int kIdleMs = 1500;
    constexpr int kGapMs = 150;
    setIdleTimeout(kIdleMs);
    ScriptedResponse response = ScriptedResponse::sse({});
    for (int i = 0; i < 20; ++i) // 3 s of nothing but comments
        response.write(sse::keepAlive(i % 2 ? "OPENROUTER PROCESSING" : "keep-alive"))
            .delay(kGapMs);
    response.write(sse::contentChunk(QStringLiteral("after the wait")));
    response.write(sse::keepAlive());
    response.write(sse::finishChunk()).write(sse::done());
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("after the wait"));
    EXPECT_EQ(recorder.deltas, QStringList{QStringLiteral("after the wait")});
    EXPECT_GE(client.stats().ttftMs, 20 * kGapMs - 50);
}

TEST_F(ChatClientStream, UsageChunkFillsStats) {
    QList<QByteArray> events = sse::completion({QStringLiteral("four tokens right here")});
    events.insert(events.size() - 1, sse::usageChunk(123456, 4, 120000));
    server.enqueue(ScriptedResponse::sse(events));

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    const llm::TokenUsage &usage = client.stats().usage;
    EXPECT_EQ(usage.promptTokens, 123456);
    EXPECT_EQ(usage.completionTokens, 4);
    EXPECT_EQ(usage.cachedPromptTokens, 120000);
    ASSERT_EQ(recorder.usages.size(), 1);
    EXPECT_EQ(recorder.usages.first().promptTokens, 123456);
}

TEST(ChatStatsTest, TokensPerSecondPrefersReportedUsage) {
    llm::ChatStats s;
    EXPECT_EQ(s.tokensPerSecond(), 0.0); // nothing streamed yet
    s.ttftMs = 1000;
    s.totalMs = 3000;
    s.outputTokensEstimate = 50;
    EXPECT_DOUBLE_EQ(s.tokensPerSecond(), 25.0);
    s.usage.completionTokens = 80;
    EXPECT_DOUBLE_EQ(s.tokensPerSecond(), 40.0);
    s.totalMs = s.ttftMs; // a one-chunk answer: no rate
    EXPECT_EQ(s.tokensPerSecond(), 0.0);
}

TEST_F(ChatClientStream, PromptProgressEventsInOrderWhileWaiting) {
    QList<QByteArray> events;
    events.append(sse::progressChunk(1000, 100, 100, 0));
    events.append(sse::progressChunk(1000, 100, 550, 40));
    events.append(sse::progressChunk(1000, 100, 1000, 90));
    events.append(sse::join(sse::completion({QStringLiteral("ok")})));
    ScriptedResponse response = ScriptedResponse::sse({});
    for (const QByteArray &e : events)
        response.write(e).delay(5);
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    ASSERT_EQ(recorder.progress.size(), 3);
    EXPECT_EQ(recorder.progress[0].processed, 100);
    EXPECT_EQ(recorder.progress[1].processed, 550);
    EXPECT_EQ(recorder.progress[2].processed, 1000);
    EXPECT_EQ(recorder.progress[1].timeMs, 40);
    EXPECT_EQ(recorder.progress[2].total, 1000);
    EXPECT_EQ(recorder.progress[2].cache, 100);
    ASSERT_TRUE(client.stats().progress.has_value());
    EXPECT_DOUBLE_EQ(client.stats().progress->fraction(), 1.0);
    // Progress is prefill: the phase only becomes Streaming with the first token.
    EXPECT_EQ(recorder.phases, kHappyPhases);
    EXPECT_EQ(client.text(), QStringLiteral("ok"));
}

TEST_F(ChatClientStream, ReasoningDeltasSetTtftAndAreKeptApart) {
    QList<QByteArray> events;
    events.append(sse::roleChunk());
    events.append(sse::reasoningChunk(QStringLiteral("Let me think. ")));
    events.append(sse::reasoningChunk(QStringLiteral("Done thinking.")));
    events.append(sse::contentChunk(QStringLiteral("Answer.")));
    events.append(sse::finishChunk());
    events.append(sse::done());
    server.enqueue(ScriptedResponse::sse(events));

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.reasoning(), QStringLiteral("Let me think. Done thinking."));
    EXPECT_EQ(client.text(), QStringLiteral("Answer."));
    EXPECT_EQ(recorder.reasoning.size(), 2);
    EXPECT_EQ(recorder.deltas, QStringList{QStringLiteral("Answer.")});
    EXPECT_EQ(client.stats().outputChunks, 1);
    EXPECT_GE(client.stats().ttftMs, 0);
}

TEST_F(ChatClientStream, VeryLongAnswerIsExact) {
    constexpr int kDeltas = 20000;
    QStringList deltas;
    QString expected;
    for (int i = 0; i < kDeltas; ++i) {
        deltas.append(QStringLiteral("w%1 ").arg(i));
        expected += deltas.constLast();
    }
    // Written in bursts of events, so both one-event and many-event reads happen.
    const QList<QByteArray> events = sse::completion(deltas, QPair<qint64, qint64>{10, kDeltas});
    ScriptedResponse response = ScriptedResponse::sse({});
    QByteArray burst;
    for (qsizetype i = 0; i < events.size(); ++i) {
        burst += events[i];
        if (i % 97 == 0 || i + 1 == events.size()) {
            response.write(burst);
            burst.clear();
        }
    }
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text().size(), expected.size());
    EXPECT_TRUE(client.text() == expected);
    EXPECT_EQ(recorder.deltas.size(), kDeltas);
    EXPECT_EQ(client.stats().outputChunks, kDeltas);
    EXPECT_EQ(client.stats().usage.completionTokens, kDeltas);
}

TEST_F(ChatClientStream, NonStreamedJsonAnswerIsOneDelta) {
    server.enqueue(
        ScriptedResponse::json(200, jsonCompletion(QStringLiteral("The whole answer."), 900, 4)));

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("The whole answer."));
    EXPECT_EQ(recorder.deltas, QStringList{QStringLiteral("The whole answer.")});
    EXPECT_EQ(client.stats().usage.promptTokens, 900);
    EXPECT_EQ(client.stats().usage.completionTokens, 4);
    EXPECT_EQ(client.stats().finishReason, QStringLiteral("stop"));
    EXPECT_EQ(recorder.phases.constLast(), ChatPhase::Done);
}

TEST_F(ChatClientStream, EventStreamWithoutFinalBlankLineStillCounts) {
    // Some servers close right after the last data line.
    QByteArray stream = sse::join(sse::completion({QStringLiteral("tail")}));
    stream.chop(1); // "data: [DONE]\n" without the blank line
    ScriptedResponse response = ScriptedResponse::sse({});
    response.write(stream);
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("tail"));
}

TEST_F(ChatClientStream, LargePackUploadReportsProgressAndArrivesWhole) {
    // ~8 MB, the size of a 2M-token pack.
    QByteArray pack;
    const QByteArray line =
        "    if (err != nil) { return fmt.Errorf(\"open %s: %w\", path, err) }\n";
    while (pack.size() < 8 * 1024 * 1024)
        pack += line;
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));

    ASSERT_EQ(run(makeSpec(pack)), ChatPhase::Done) << errorText().toStdString();
    ASSERT_EQ(server.requestCount(), 1);
    const RecordedRequest &request = server.requests().first();
    EXPECT_EQ(request.header("Content-Length").toLongLong(), request.body.size());
    QByteArray escaped = line; // as JSON string content
    escaped.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    EXPECT_TRUE(request.body.contains(escaped));
    EXPECT_EQ(request.body.count(escaped), pack.count(line));
    EXPECT_GT(request.body.size(), pack.size());
    const llm::ChatStats &s = client.stats();
    EXPECT_EQ(s.bodyBytes, request.body.size());
    EXPECT_EQ(s.bytesSent, s.bodyBytes);
    ASSERT_FALSE(recorder.uploads.isEmpty());
    EXPECT_EQ(recorder.uploads.constLast().first, s.bodyBytes);
    EXPECT_EQ(recorder.uploads.constLast().second, s.bodyBytes);
    for (qsizetype i = 1; i < recorder.uploads.size(); ++i)
        EXPECT_GE(recorder.uploads[i].first, recorder.uploads[i - 1].first);
    EXPECT_GE(s.firstByteSentMs, 0);
    EXPECT_GE(s.uploadDoneMs, s.firstByteSentMs);
    EXPECT_GE(s.ttftMs, s.uploadDoneMs);
    EXPECT_EQ(recorder.phases, kHappyPhases);
}

TEST_F(ChatClientStream, SecondSendStartsAfresh) {
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("one")})));
    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("one"));
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("two")})));
    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.text(),
              QStringLiteral("two")); // text starts afresh per send()
    EXPECT_EQ(recorder.deltas, (QStringList{QStringLiteral("one"), QStringLiteral("two")}));
    EXPECT_EQ(server.requestCount(), 2);
}

} // namespace
