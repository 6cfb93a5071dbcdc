// SPDX-License-Identifier: MIT
// RepoScope's own API keys never leak from core: not in a retry notice, an error message, a
// log line (every reposcope.* category at debug), a provider probe's answer or an engine
// crash message, whatever the server or the engine echoes back (verbatim, percent-encoded,
// base64, cut off at a length limit). Each case also proves the key reached the server.
#include "keyleaks.h"
#include "llm/client/providerprobe.h"
#include "llm/keyscrub.h"
#include "llm/local/enginesupervisor.h"
#include "test_chatclient.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace reposcope;
using namespace reposcope::test;
using llm::ChatError;
using llm::ChatPhase;

namespace {

// A server error body that quotes the request back, key and all, in every encoding.
QByteArray echoingBody(const QString &key, const QString &lead = {}) {
    const QByteArray k = key.toUtf8();
    const QString message =
        lead + QStringLiteral("Invalid header Authorization: Bearer ") + key +
        QStringLiteral(" (as base64: ") + QString::fromLatin1(k.toBase64()) +
        QStringLiteral("; in the URL: ?key=") + QString::fromLatin1(QUrl::toPercentEncoding(key)) +
        QStringLiteral("; Basic ") +
        QString::fromLatin1(QByteArrayLiteral("user:").append(k).toBase64()) + QStringLiteral(")");
    return QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                      QJsonObject{{QStringLiteral("message"), message}}}})
        .toJson(QJsonDocument::Compact);
}

class KeyHygiene : public ChatClientTest {
protected:
    llm::ChatRequestSpec keyedSpec() const {
        llm::ChatRequestSpec spec = makeSpec();
        spec.endpoint.apiKey = m_key;
        return spec;
    }
    // Every recorded request carried the key in its Authorization header.
    void expectKeySent() const {
        ASSERT_GT(server.requestCount(), 0);
        for (const RecordedRequest &r : server.requests())
            EXPECT_EQ(r.header("Authorization"), "Bearer " + m_key.toUtf8());
    }
    QByteArray everythingSaid() const {
        QByteArray all = LogCapture::all();
        for (const ClientRecorder::Retry &r : recorder.retries)
            all += '\n' + r.why.message.toUtf8() + '\n' + r.why.serverMessage.toUtf8();
        all += '\n' + errorText().toUtf8();
        return all;
    }

    const QString m_key = randomApiKey();
    LogCapture m_log;
};

} // namespace

TEST(KeyScrub, MasksEveryEncodingAndLeavesOtherTextAlone) {
    const QString key = randomApiKey();
    const QString scrubbed = llm::scrubKey(QString::fromUtf8(echoingBody(key)), key);
    EXPECT_TRUE(keyLeakIn(scrubbed.toUtf8(), key).isEmpty()) << scrubbed.toStdString();
    EXPECT_TRUE(scrubbed.contains(llm::maskKey(key))) << scrubbed.toStdString();
    EXPECT_TRUE(scrubbed.contains(QStringLiteral("Invalid header Authorization: Bearer ")));
    const QByteArray bytes = llm::scrubKey(echoingBody(key), key);
    EXPECT_TRUE(keyLeakIn(bytes, key).isEmpty()) << bytes.constData();
    // A key cut off by a length limit: the part that is left is masked too.
    const QString cut = QStringLiteral("said: ") + key.left(key.size() - 7) + QChar(0x2026);
    EXPECT_TRUE(keyLeakIn(llm::scrubKey(cut, key).toUtf8(), key).isEmpty());
    // Text without the key is untouched, and an empty or tiny key changes nothing.
    const QString plain = QStringLiteral("Invalid model gpt-x (HTTP 404) sk-other-key-123456789");
    EXPECT_EQ(llm::scrubKey(plain, key), plain);
    EXPECT_EQ(llm::scrubKey(plain, QStringLiteral("sk")), plain);
    EXPECT_EQ(llm::scrubKey(plain, QString()), plain);
}

TEST_F(KeyHygiene, ServerErrorsThatEchoTheKeyAcrossARetryLeakNothing) {
    // A 503 that quotes the key (retried), then a 401 that quotes it again.
    server.enqueue(ScriptedResponse::json(503, echoingBody(m_key)));
    server.enqueue(ScriptedResponse::json(401, echoingBody(m_key)));
    ASSERT_EQ(run(keyedSpec()), ChatPhase::Failed);
    EXPECT_EQ(errorKind(), ChatError::Kind::Authentication) << errorText().toStdString();
    ASSERT_EQ(recorder.retries.size(), 1);
    ASSERT_EQ(server.requestCount(), 2);
    expectKeySent();
    // The server's words are still there, with the mask in place of the key.
    EXPECT_TRUE(recorder.retries[0].why.message.contains(QStringLiteral("Invalid header")))
        << recorder.retries[0].why.message.toStdString();
    EXPECT_TRUE(errorText().contains(llm::maskKey(m_key))) << errorText().toStdString();
    EXPECT_GT(LogCapture::count(), 0); // the debug logging was on and said something
    const QByteArray said = everythingSaid();
    EXPECT_TRUE(keyLeakIn(said, m_key).isEmpty()) << keyLeakIn(said, m_key).constData() << "\n"
                                                  << said.constData();
}

TEST_F(KeyHygiene, AKeyAtTheLengthLimitOfAServerMessageIsNotLeftHalfQuoted) {
    // The key straddles the 500-character cut of a server message.
    const QString lead(470, QLatin1Char('x'));
    server.enqueue(ScriptedResponse::json(503, echoingBody(m_key, lead)));
    server.enqueue(ScriptedResponse::json(400, echoingBody(m_key, lead)));
    run(keyedSpec());
    expectKeySent();
    const QByteArray said = everythingSaid();
    EXPECT_TRUE(keyLeakIn(said, m_key).isEmpty()) << keyLeakIn(said, m_key).constData() << "\n"
                                                  << said.constData();
}

TEST_F(KeyHygiene, AStreamErrorEventAndADroppedConnectionLeakNothing) {
    server.enqueue(ScriptedResponse::sse(
        {sse::roleChunk(),
         sse::errorEvent(QStringLiteral("upstream rejected Bearer ") + m_key +
                         QStringLiteral(" / ") + QString::fromLatin1(m_key.toUtf8().toBase64()))}));
    run(keyedSpec());
    server.enqueue(ScriptedResponse(200).header("Content-Type", "text/event-stream").reset());
    run(keyedSpec());
    ASSERT_EQ(server.requestCount(), 2);
    expectKeySent();
    const QByteArray said = everythingSaid();
    EXPECT_TRUE(keyLeakIn(said, m_key).isEmpty()) << said.constData();
}

TEST_F(KeyHygiene, AProviderProbeErrorThatEchoesTheKeyLeaksNothing) {
    llm::ProviderProbe probe(&network);
    llm::Endpoint endpoint;
    endpoint.baseUrl = server.baseUrl();
    endpoint.providerName = QStringLiteral("Loopback");
    endpoint.apiKey = m_key;
    endpoint.auth = llm::AuthStyle::Bearer;
    server.enqueue(ScriptedResponse::json(401, echoingBody(m_key)));
    QSignalSpy spy(&probe, &llm::ProviderProbe::modelsListed);
    probe.testConnection(endpoint);
    ASSERT_TRUE(spy.wait(30000));
    const auto result = spy.at(0).at(1).value<llm::ProbeModels>();
    ASSERT_TRUE(result.error.has_value());
    ASSERT_EQ(server.requestCount(), 1);
    EXPECT_EQ(server.requests()[0].header("Authorization"), "Bearer " + m_key.toUtf8());
    const QByteArray said = result.error->message.toUtf8() + '\n' +
                            result.error->serverMessage.toUtf8() + '\n' + LogCapture::all();
    EXPECT_TRUE(result.error->message.contains(llm::maskKey(m_key)) ||
                result.error->serverMessage.contains(llm::maskKey(m_key)))
        << said.constData();
    EXPECT_TRUE(keyLeakIn(said, m_key).isEmpty()) << said.constData();
    recorder.finishes.clear(); // no send() in this case
}

TEST(EngineKeyHygiene, AnEngineThatPrintsItsTokenAndCrashesLeaksNothing) {
    LogCapture log;
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QDir(dir.path()).mkpath(QStringLiteral("engine/node_modules/node-llama-cpp"));
    const auto write = [&](const QString &name, const QByteArray &content) {
        QFile file(dir.filePath(name));
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(content);
    };
    write(QStringLiteral("engine/host.mjs"), "// stand-in\n");
    write(QStringLiteral("model.gguf"), "GGUF");
    // A host that dumps its environment's token to stderr (plain and base64), becomes
    // ready, then dies of SIGSEGV.
    write(QStringLiteral("node"),
          "#!/bin/sh\n"
          "printf '%s' \"$REPOSCOPE_ENGINE_TOKEN\" > \"$(dirname \"$0\")/token\"\n"
          "echo \"fatal: token=$REPOSCOPE_ENGINE_TOKEN\" >&2\n"
          "echo \"env: $(printf '%s' \"$REPOSCOPE_ENGINE_TOKEN\" | base64 -w0)\" >&2\n"
          "echo '{\"event\":\"listening\",\"port\":4321}'\n"
          "echo '{\"event\":\"ready\",\"model\":\"tiny.gguf\",\"contextSize\":4096,"
          "\"trainedContext\":8192,\"vocabSize\":300,\"threads\":2,\"gpu\":\"cpu\","
          "\"loadMs\":12}'\n"
          "sleep 0.2\n"
          "kill -SEGV $$\n");
    QFile::setPermissions(dir.filePath(QStringLiteral("node")),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    llm::EngineConfig config;
    config.nodeExecutable = dir.filePath(QStringLiteral("node"));
    config.hostScript = dir.filePath(QStringLiteral("engine/host.mjs"));
    config.modelPath = dir.filePath(QStringLiteral("model.gguf"));
    config.contextSize = 4096;
    config.threads = 2;

    llm::EngineSupervisor supervisor;
    QSignalSpy crashed(&supervisor, &llm::EngineSupervisor::crashed);
    supervisor.start(config);
    ASSERT_TRUE(processEventsUntil([&] { return !crashed.isEmpty(); }));
    supervisor.stop();
    QFile tokenFile(dir.filePath(QStringLiteral("token")));
    ASSERT_TRUE(tokenFile.open(QIODevice::ReadOnly));
    const QString token = QString::fromUtf8(tokenFile.readAll());
    ASSERT_GE(token.size(), 16); // the engine got its token
    const QString reason = crashed.at(0).at(0).toString();
    EXPECT_TRUE(reason.contains(QStringLiteral("fatal: token="))) << reason.toStdString();
    const QByteArray said =
        reason.toUtf8() + '\n' + supervisor.lastError().toUtf8() + '\n' + LogCapture::all();
    EXPECT_TRUE(keyLeakIn(said, token).isEmpty()) << said.constData();
}
