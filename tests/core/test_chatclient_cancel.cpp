// SPDX-License-Identifier: MIT
// ChatClient cancel() in every phase, a new send() over a running one, and
// destruction mid-stream, against a real loopback HTTP server.
#include "test_chatclient.h"

using namespace reposcope;
using namespace reposcope::test;
using llm::ChatError;
using llm::ChatPhase;

namespace {

using ChatClientCancel = ChatClientTest;

// Status line and headers, then nothing: the client sits in Waiting.
ScriptedResponse headersThenNothing() {
    ScriptedResponse response = ScriptedResponse::sse({});
    response.hang();
    return response;
}

void expectCancelled(const llm::ChatClient &client) {
    EXPECT_EQ(client.phase(), ChatPhase::Cancelled);
    ASSERT_TRUE(client.error().has_value());
    EXPECT_EQ(client.error()->kind, ChatError::Kind::Cancelled);
    EXPECT_FALSE(client.isBusy());
    EXPECT_GE(client.stats().totalMs, 0);
}

TEST_F(ChatClientCancel, InPreparingDropsTheBody) {
    QByteArray pack;
    while (pack.size() < 4 * 1024 * 1024)
        pack += "const char *s = \"escape \\\"me\\\" please\";\n";
    send(makeSpec(pack));
    ASSERT_EQ(client.phase(), ChatPhase::Preparing);
    client.cancel();
    ASSERT_EQ(recorder.finishes, QList<ChatPhase>{ChatPhase::Cancelled});
    expectCancelled(client);
    client.cancel(); // idempotent: nothing more is emitted

    // The next request is the only one the server ever sees: the cancelled body,
    // built later on the pool, is ignored.
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("fresh")})));
    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    ASSERT_EQ(server.requestCount(), 1);
    EXPECT_FALSE(server.requests().first().body.contains("escape"));
    EXPECT_EQ(client.text(), QStringLiteral("fresh"));
    EXPECT_EQ(recorder.finishes, (QList<ChatPhase>{ChatPhase::Cancelled, ChatPhase::Done}));
}

TEST_F(ChatClientCancel, InWaiting) {
    server.enqueue(headersThenNothing());
    send();
    ASSERT_TRUE(processEventsUntil([&] { return client.phase() == ChatPhase::Waiting; }));
    client.cancel();
    ASSERT_EQ(recorder.finishes, QList<ChatPhase>{ChatPhase::Cancelled});
    expectCancelled(client);
    EXPECT_TRUE(client.text().isEmpty());
    EXPECT_EQ(client.stats().ttftMs, -1);
    EXPECT_EQ(server.requestCount(), 1);
}

TEST_F(ChatClientCancel, InStreamingKeepsTheText) {
    ScriptedResponse response = ScriptedResponse::sse({});
    response.write(sse::roleChunk()).write(sse::contentChunk(QStringLiteral("so far"))).hang();
    server.enqueue(response);
    send();
    ASSERT_TRUE(processEventsUntil([&] { return !recorder.deltas.isEmpty(); }));
    EXPECT_EQ(client.phase(), ChatPhase::Streaming);
    client.cancel();
    ASSERT_EQ(recorder.finishes, QList<ChatPhase>{ChatPhase::Cancelled});
    expectCancelled(client);
    EXPECT_EQ(client.text(), QStringLiteral("so far"));
}

TEST_F(ChatClientCancel, InRetryingStopsTheTimer) {
    server.enqueue(
        ScriptedResponse::json(503, R"({"error":{"message":"overloaded","type":"server_error"}})"));
    send();
    ASSERT_TRUE(processEventsUntil([&] { return !recorder.retries.isEmpty(); }));
    EXPECT_EQ(client.phase(), ChatPhase::Retrying);
    client.cancel();
    ASSERT_EQ(recorder.finishes, QList<ChatPhase>{ChatPhase::Cancelled});
    expectCancelled(client);

    // A later request finishes well after the cancelled retry would have fired
    // (20-24 ms): still only two requests reached the server.
    ScriptedResponse slow = ScriptedResponse::sse(sse::completion({QStringLiteral("later")}));
    slow.delayHead(200);
    server.enqueue(slow);
    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(server.requestCount(), 2);
    EXPECT_EQ(client.stats().attempt, 1);
}

TEST_F(ChatClientCancel, CancelFromADeltaReceiver) {
    ScriptedResponse response = ScriptedResponse::sse({});
    response.write(sse::contentChunk(QStringLiteral("one")) +
                   sse::contentChunk(QStringLiteral("two")) + sse::done());
    server.enqueue(response);
    QObject context;
    QObject::connect(&client, &llm::ChatClient::deltaReceived, &context,
                     [this](const QString &) { client.cancel(); });
    ASSERT_EQ(run(), ChatPhase::Cancelled);
    EXPECT_EQ(client.text(),
              QStringLiteral("one")); // nothing handled after the cancel
    EXPECT_EQ(recorder.deltas, QStringList{QStringLiteral("one")});
}

TEST_F(ChatClientCancel, SendWhileBusyCancelsTheRunningRequest) {
    server.enqueue(headersThenNothing());
    send();
    ASSERT_TRUE(processEventsUntil([&] { return client.phase() == ChatPhase::Waiting; }));
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("second")})));
    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(recorder.finishes, (QList<ChatPhase>{ChatPhase::Cancelled, ChatPhase::Done}));
    EXPECT_EQ(client.text(), QStringLiteral("second"));
}

TEST_F(ChatClientCancel, DestroyedMidStreamEmitsNothingMore) {
    ScriptedResponse response = ScriptedResponse::sse({});
    response.write(sse::contentChunk(QStringLiteral("x"))).delay(50);
    for (int i = 0; i < 50; ++i)
        response.write(sse::contentChunk(QStringLiteral("y"))).delay(5);
    response.write(sse::done());
    server.enqueue(response);

    auto *doomed = new llm::ChatClient(&network, &pool);
    ClientRecorder doomedRecorder(doomed);
    doomed->send(makeSpec());
    ASSERT_TRUE(processEventsUntil([&] { return !doomedRecorder.deltas.isEmpty(); }));
    delete doomed;
    // The server notices the aborted connection; the event loop keeps running
    // meanwhile (with the reply's signals for a dead client, were they still
    // connected).
    ASSERT_TRUE(processEventsUntil([&] { return server.closedConnections() == 1; }));
    EXPECT_TRUE(doomedRecorder.finishes.isEmpty());
    EXPECT_EQ(doomedRecorder.deltas.size(), 1);
}

TEST_F(ChatClientCancel, DestroyedWhilePreparing) {
    QByteArray pack(2 * 1024 * 1024, 'a');
    auto *doomed = new llm::ChatClient(&network, &pool);
    ClientRecorder doomedRecorder(doomed);
    doomed->send(makeSpec(pack));
    delete doomed;
    pool.waitForDone(); // the body job finishes on its own copy of the spec
    QCoreApplication::processEvents();
    EXPECT_TRUE(doomedRecorder.finishes.isEmpty());
    EXPECT_EQ(server.requestCount(), 0);
}

} // namespace
