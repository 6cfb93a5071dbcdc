// SPDX-License-Identifier: MIT
// The exact HTTP request ChatClient puts on the wire, as a real loopback server
// reads it: method, path, headers, JSON body, and where the API key may (and
// may not) appear.
#include "test_chatclient.h"

#include <QJsonArray>

using namespace reposcope;
using namespace reposcope::test;
using llm::ChatPhase;

namespace {

using ChatClientRequest = ChatClientTest;

// The text of a message's content: a string, or the text parts of an array.
QString contentText(const QJsonValue &content) {
    if (content.isString())
        return content.toString();
    QString text;
    for (const QJsonValue &part : content.toArray())
        if (part.toObject().value(QLatin1String("type")).toString() == QLatin1String("text"))
            text += part.toObject().value(QLatin1String("text")).toString();
    return text;
}

QJsonObject bodyOf(const RecordedRequest &request) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError) << error.errorString().toStdString();
    return doc.object();
}

TEST_F(ChatClientRequest, ExactRequestOnTheWire) {
    llm::ChatRequestSpec spec =
        makeSpec("File: a.go\npackage main // \"quoted\" \\ and \xC3\xA9\n");
    spec.endpoint.extraHeaders = {{"HTTP-Referer", "https://github.com/reposcope/reposcope"},
                                  {"X-Title", "RepoScope"}};
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));

    ASSERT_EQ(run(spec), ChatPhase::Done) << errorText().toStdString();
    ASSERT_EQ(server.requestCount(), 1);
    const RecordedRequest &r = server.requests().first();
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/v1/chat/completions");
    EXPECT_EQ(r.version, "HTTP/1.1");
    EXPECT_EQ(r.headerCount("Authorization"), 1);
    EXPECT_EQ(r.header("Authorization"), "Bearer " + kTestKey.toUtf8());
    EXPECT_EQ(r.header("Accept"), "text/event-stream");
    EXPECT_TRUE(r.header("Content-Type").startsWith("application/json"))
        << r.header("Content-Type").toStdString();
    EXPECT_EQ(r.header("Content-Length").toLongLong(), r.body.size());
    EXPECT_EQ(r.header("HTTP-Referer"), "https://github.com/reposcope/reposcope");
    EXPECT_EQ(r.header("X-Title"), "RepoScope");
    EXPECT_EQ(r.header("Host"), "127.0.0.1:" + QByteArray::number(server.port()));

    const QJsonObject body = bodyOf(r);
    EXPECT_EQ(body.value(QLatin1String("model")).toString(), QStringLiteral("test-model"));
    EXPECT_EQ(body.value(QLatin1String("stream")), QJsonValue(true));
    EXPECT_EQ(body.value(QLatin1String("stream_options"))
                  .toObject()
                  .value(QLatin1String("include_usage")),
              QJsonValue(true));
    EXPECT_EQ(body.value(QLatin1String("max_tokens")).toInt(), 512);
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    ASSERT_EQ(messages.size(), 2);
    EXPECT_EQ(messages[0].toObject().value(QLatin1String("role")).toString(),
              QStringLiteral("system"));
    EXPECT_EQ(contentText(messages[0].toObject().value(QLatin1String("content"))),
              QStringLiteral("You audit code."));
    EXPECT_EQ(messages[1].toObject().value(QLatin1String("role")).toString(),
              QStringLiteral("user"));
    EXPECT_EQ(contentText(messages[1].toObject().value(QLatin1String("content"))),
              QString::fromUtf8("File: a.go\npackage main // \"quoted\" \\ and \xC3\xA9\n"));
}

TEST_F(ChatClientRequest, AuthStyleNoneSendsNoAuthorization) {
    llm::ChatRequestSpec spec = makeSpec();
    spec.endpoint.auth = llm::AuthStyle::None;
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));

    ASSERT_EQ(run(spec), ChatPhase::Done) << errorText().toStdString();
    ASSERT_EQ(server.requestCount(), 1);
    EXPECT_FALSE(server.requests().first().hasHeader("Authorization"));
    EXPECT_FALSE(server.requests().first().body.contains(kTestKey.toUtf8()));
}

TEST_F(ChatClientRequest, BearerWithoutKeySendsNoAuthorization) {
    llm::ChatRequestSpec spec = makeSpec();
    spec.endpoint.apiKey.clear();
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));

    ASSERT_EQ(run(spec), ChatPhase::Done) << errorText().toStdString();
    EXPECT_FALSE(server.requests().first().hasHeader("Authorization"));
}

TEST_F(ChatClientRequest, KeyAppearsOnlyInTheAuthorizationHeader) {
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));

    ASSERT_EQ(run(), ChatPhase::Done) << errorText().toStdString();
    const RecordedRequest &r = server.requests().first();
    const QByteArray key = kTestKey.toUtf8();
    EXPECT_FALSE(r.target.contains(key));
    EXPECT_FALSE(r.body.contains(key));
    int carriers = 0;
    for (const auto &header : r.headers) {
        if (header.second.contains(key)) {
            ++carriers;
            EXPECT_EQ(header.first.toLower(), "authorization");
        }
    }
    EXPECT_EQ(carriers, 1);
}

TEST_F(ChatClientRequest, OptionsAreSentWhenSet) {
    llm::ChatRequestSpec spec = makeSpec();
    spec.maxTokens = 0; // not sent
    spec.includeUsage = false;
    spec.returnProgress = true;
    spec.temperature = 0.25;
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));

    ASSERT_EQ(run(spec), ChatPhase::Done) << errorText().toStdString();
    const QJsonObject body = bodyOf(server.requests().first());
    EXPECT_FALSE(body.contains(QLatin1String("max_tokens")));
    EXPECT_EQ(body.value(QLatin1String("return_progress")), QJsonValue(true));
    EXPECT_DOUBLE_EQ(body.value(QLatin1String("temperature")).toDouble(), 0.25);
    EXPECT_NE(body.value(QLatin1String("stream_options"))
                  .toObject()
                  .value(QLatin1String("include_usage")),
              QJsonValue(true));
}

TEST_F(ChatClientRequest, BaseUrlWithTrailingSlash) {
    llm::ChatRequestSpec spec = makeSpec();
    spec.endpoint.baseUrl = QUrl(server.baseUrl().toString() + QLatin1Char('/'));
    server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));

    ASSERT_EQ(run(spec), ChatPhase::Done) << errorText().toStdString();
    EXPECT_EQ(server.requests().first().target, "/v1/chat/completions");
}

} // namespace
