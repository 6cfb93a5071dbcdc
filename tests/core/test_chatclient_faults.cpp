// SPDX-License-Identifier: MIT
// ChatClient against a real loopback HTTP server that misbehaves: HTTP errors
// of each kind, an error object inside a 200 stream, a reset or closed
// connection mid-stream, an invalid chunk, silence (idle timeout), nothing
// listening.
#include "test_chatclient.h"

using namespace reposcope;
using namespace reposcope::test;
using llm::ChatError;
using llm::ChatPhase;

namespace {

using ChatClientFaults = ChatClientTest;

// The first content delta, then whatever `tail` does.
ScriptedResponse partialStream(const QString &partial) {
    ScriptedResponse response = ScriptedResponse::sse({});
    response.write(sse::roleChunk()).write(sse::contentChunk(partial));
    return response;
}

TEST_F(ChatClientFaults, ErrorObjectMidStreamKeepsPartialText) {
    ScriptedResponse response = partialStream(QStringLiteral("The first finding is "));
    response.delay(20).write(sse::errorEvent(QStringLiteral("Upstream provider overloaded"),
                                             QStringLiteral("server_error"),
                                             QStringLiteral("502")));
    response.write(sse::done());
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::StreamError);
    EXPECT_TRUE(errorText().contains(QStringLiteral("Upstream provider overloaded")))
        << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("The first finding is "));
    EXPECT_EQ(client.phase(), ChatPhase::Failed);
    EXPECT_GE(client.stats().totalMs, 0);
    EXPECT_EQ(server.requestCount(), 1); // never retried once content arrived
}

TEST_F(ChatClientFaults, ServerError500) {
    server.enqueue(ScriptedResponse::json(
        500, R"({"error":{"message":"Internal server error","type":"server_error"}})"));

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::ServerError);
    EXPECT_EQ(client.error()->httpStatus, 500);
    EXPECT_TRUE(client.text().isEmpty());
    EXPECT_EQ(server.requestCount(), 1);
    EXPECT_TRUE(recorder.retries.isEmpty());
}

TEST_F(ChatClientFaults, Unauthorized401NeverShowsTheKey) {
    // OpenAI-style servers quote part of the key back; this one quotes all of it.
    const QByteArray body =
        R"({"error":{"message":"Incorrect API key provided: )" + kTestKey.toUtf8() +
        R"(. You can find your API key at https://example.com.","type":"invalid_request_error","code":"invalid_api_key"}})";
    server.enqueue(ScriptedResponse::json(401, body));

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::Authentication);
    EXPECT_EQ(client.error()->httpStatus, 401);
    EXPECT_FALSE(client.error()->message.isEmpty());
    EXPECT_FALSE(errorText().contains(kTestKey)) << errorText().toStdString();
    EXPECT_FALSE(errorText().contains(kTestKey.mid(8))) << errorText().toStdString();
    EXPECT_EQ(server.requestCount(), 1);
}

TEST_F(ChatClientFaults, ModelNotFound404) {
    server.enqueue(ScriptedResponse::json(
        404,
        R"({"error":{"message":"The model `test-model` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}})"));

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::ModelNotFound);
    EXPECT_EQ(client.error()->httpStatus, 404);
}

TEST_F(ChatClientFaults, ContextOverflow400ExtractsFigures) {
    server.enqueue(ScriptedResponse::json(
        400,
        R"({"error":{"object":"error","type":"invalid_request_error","message":"The prompt is too long: 264613, model maximum context length: 262141"}})"));

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::ContextOverflow);
    const ChatError &e = *client.error();
    EXPECT_EQ(e.httpStatus, 400);
    ASSERT_TRUE(e.promptTokens.has_value());
    ASSERT_TRUE(e.contextLimit.has_value());
    EXPECT_EQ(*e.promptTokens, 264613);
    EXPECT_EQ(*e.contextLimit, 262141);
    EXPECT_EQ(e.tokensOver().value_or(0), 264613 - 262141);
    EXPECT_TRUE(recorder.retries.isEmpty());
}

TEST_F(ChatClientFaults, LlamaServerOverflowFigures) {
    server.enqueue(ScriptedResponse::json(
        400,
        R"({"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":40123,"n_ctx":32768}})"));

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::ContextOverflow);
    EXPECT_EQ(client.error()->promptTokens.value_or(-1), 40123);
    EXPECT_EQ(client.error()->contextLimit.value_or(-1), 32768);
}

TEST_F(ChatClientFaults, ConnectionResetMidStreamKeepsPartialText) {
    ScriptedResponse response = partialStream(QStringLiteral("partial answer"));
    response.delay(100).reset();
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::ConnectionDropped) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("partial answer"));
    EXPECT_EQ(server.requestCount(), 1);
}

TEST_F(ChatClientFaults, ChunkedStreamClosedWithoutDoneAfterContent) {
    ScriptedResponse response = partialStream(QStringLiteral("cut here"));
    response.delay(20).close(); // no [DONE], no finish_reason, no last chunk
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::ConnectionDropped) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("cut here"));
}

TEST_F(ChatClientFaults, CleanEndWithoutDoneOrFinishReasonIsADrop) {
    // The body is framed by the close itself, so HTTP-wise it ended cleanly; the
    // stream still never said it was complete.
    ScriptedResponse response = partialStream(QStringLiteral("looks complete"));
    response.framing(ScriptedResponse::Framing::UntilClose);
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::ConnectionDropped) << errorText().toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("looks complete"));
}

TEST_F(ChatClientFaults, FinishReasonWithoutDoneIsComplete) {
    ScriptedResponse response = partialStream(QStringLiteral("complete"));
    response.write(sse::finishChunk(QStringLiteral("length")));
    response.framing(ScriptedResponse::Framing::UntilClose);
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(client.stats().finishReason, QStringLiteral("length"));
}

TEST_F(ChatClientFaults, InvalidJsonChunkIsAProtocolError) {
    ScriptedResponse response = partialStream(QStringLiteral("good start"));
    response.write(sse::event(R"({"choices":[{"delta":{"content":"tru)"));
    response.write(sse::contentChunk(QStringLiteral(" never shown"))).write(sse::done());
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::Protocol);
    // The message names the bad chunk.
    EXPECT_TRUE(client.error()->message.contains(QStringLiteral("\"choices\"")))
        << client.error()->message.toStdString();
    EXPECT_EQ(client.text(), QStringLiteral("good start"));
}

TEST_F(ChatClientFaults, NotAnEventStreamIsAProtocolError) {
    ScriptedResponse response(200);
    response.header("Content-Type", "text/html").write("<html><body>Captive portal</body></html>");
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::Protocol);
    EXPECT_TRUE(client.text().isEmpty());
}

TEST_F(ChatClientFaults, IdleTimeoutWhenTheServerSaysNothing) {
    setIdleTimeout(300);
    server.enqueue(ScriptedResponse::silent());

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::Timeout);
    EXPECT_FALSE(client.error()->message.isEmpty());
    EXPECT_EQ(server.requestCount(), 1);
}

TEST_F(ChatClientFaults, IdleTimeoutMidStreamKeepsPartialText) {
    setIdleTimeout(300);
    ScriptedResponse response = partialStream(QStringLiteral("half"));
    response.hang();
    server.enqueue(response);

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::Timeout);
    EXPECT_EQ(client.text(), QStringLiteral("half"));
}

TEST_F(ChatClientFaults, ConnectionRefused) {
    llm::ChatRequestSpec spec = makeSpec();
    spec.endpoint.baseUrl =
        QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(unusedLoopbackPort()));

    ASSERT_EQ(run(spec), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::ConnectionRefused) << errorText().toStdString();
    EXPECT_FALSE(errorText().contains(kTestKey));
    EXPECT_TRUE(recorder.retries.isEmpty());
}

TEST_F(ChatClientFaults, ResetBeforeAnyResponseIsADrop) {
    // Qt's HTTP layer itself resends a request whose connection closed before any response
    // byte; every try is reset here.
    for (int i = 0; i < 4; ++i) {
        ScriptedResponse response(0);
        response.withoutHead().reset();
        server.enqueue(response);
    }

    ASSERT_EQ(run(), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::ConnectionDropped) << errorText().toStdString();
    EXPECT_TRUE(client.text().isEmpty());
    EXPECT_GE(server.pendingResponses(), 1) << "every try was answered by a reset";
    EXPECT_TRUE(recorder.retries.isEmpty());
}

} // namespace
