// SPDX-License-Identifier: MIT
// reposcope-cli ask as a black box against a real loopback server: the answer streams to
// stdout, progress to stderr, and every failure has its own exit code.
#include "askrun.h"
#include "eventloop.h"
#include "scratchrepo.h"
#include "scriptedserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope::test;

namespace {

const QString kKey = QStringLiteral("sk-cli-test-9f8e7d6c5b4a-NeverPrinted");

class CliAskTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        m_repo.initGit();
        m_repo.write(QStringLiteral("app/db.py"),
                     "def find(name):\n    return run(\"SELECT * FROM t WHERE n='\" + name)\n");
        m_repo.write(QStringLiteral("README.md"), "# Demo\n");
        m_repo.commitAll();
    }

    AskRun ask(QStringList args, const QProcessEnvironment &env = {}) {
        args << QStringLiteral("--cache-dir") << m_cache.path();
        return runAsk(args, m_home.path(), env);
    }
    QStringList baseArgs() const {
        return {m_repo.path(), QStringLiteral("--base-url"), m_server.baseUrl().toString(),
                QStringLiteral("--model"), QStringLiteral("audit-model")};
    }

    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_cache;
    QTemporaryDir m_home;
};

QJsonObject bodyOf(const RecordedRequest &request) {
    return QJsonDocument::fromJson(request.body).object();
}

} // namespace

TEST_F(CliAskTest, StreamsTheAnswerToStdoutAndProgressToStderr) {
    m_server.enqueue(ScriptedResponse::sse(
        sse::completion({QStringLiteral("The query in "), QStringLiteral("app/db.py:2 "),
                         QStringLiteral("concatenates input.")},
                        QPair<qint64, qint64>{321, 9})));
    const AskRun run =
        ask(baseArgs() << QStringLiteral("--prompt") << QStringLiteral("Find SQL injection"));
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_EQ(run.out, "The query in app/db.py:2 concatenates input.\n");
    EXPECT_TRUE(run.err.contains("first token after")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("prompt 321 tokens")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("completion 9 tokens")) << run.err.constData();

    ASSERT_EQ(m_server.requestCount(), 1);
    const RecordedRequest &request = m_server.requests().constFirst();
    EXPECT_EQ(request.target, "/v1/chat/completions");
    EXPECT_FALSE(request.hasHeader("Authorization")); // no key given, none sent
    const QJsonObject body = bodyOf(request);
    EXPECT_EQ(body.value(QStringLiteral("model")).toString(), QStringLiteral("audit-model"));
    EXPECT_TRUE(body.value(QStringLiteral("stream")).toBool());
    const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
    ASSERT_EQ(messages.size(), 2);
    const QString user = messages[1].toObject().value(QStringLiteral("content")).toString();
    EXPECT_TRUE(user.contains(QStringLiteral("SELECT * FROM t WHERE n=")));
    EXPECT_TRUE(user.contains(QStringLiteral("app/db.py")));
    EXPECT_TRUE(user.endsWith(QStringLiteral("Find SQL injection")));
}

TEST_F(CliAskTest, TaskTemplateIsSentAndMaxTokensHonoured) {
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    const AskRun run =
        ask(baseArgs() << QStringLiteral("--task") << QStringLiteral("security-review")
                       << QStringLiteral("--max-tokens") << QStringLiteral("77"));
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    const QJsonObject body = bodyOf(m_server.requests().constFirst());
    EXPECT_EQ(body.value(QStringLiteral("max_tokens")).toInt(), 77);
    const QString user = body.value(QStringLiteral("messages"))
                             .toArray()[1]
                             .toObject()
                             .value(QStringLiteral("content"))
                             .toString();
    EXPECT_TRUE(user.contains(QStringLiteral("SQL"), Qt::CaseInsensitive));
    EXPECT_FALSE(user.contains(QStringLiteral("{findings_format}")));
}

TEST_F(CliAskTest, KeyFromTheNamedVariableGoesOnlyIntoTheAuthorizationHeader) {
    m_server.enqueue(ScriptedResponse::json(401, R"({"error":{"message":"Invalid API Key"}})"));
    QProcessEnvironment env;
    env.insert(QStringLiteral("MY_TEST_KEY"), kKey);
    const AskRun run =
        ask(baseArgs() << QStringLiteral("--api-key-env") << QStringLiteral("MY_TEST_KEY")
                       << QStringLiteral("--prompt") << QStringLiteral("q"),
            env);
    EXPECT_EQ(run.exitCode, 6) << run.err.constData();
    EXPECT_TRUE(run.err.contains("401")) << run.err.constData();
    EXPECT_FALSE(run.err.contains(kKey.toUtf8()));
    EXPECT_FALSE(run.out.contains(kKey.toUtf8()));
    ASSERT_EQ(m_server.requestCount(), 1);
    const RecordedRequest &request = m_server.requests().constFirst();
    EXPECT_EQ(request.header("Authorization"), "Bearer " + kKey.toUtf8());
    EXPECT_FALSE(request.body.contains(kKey.toUtf8()));
    EXPECT_FALSE(request.target.contains(kKey.toUtf8()));
}

TEST_F(CliAskTest, ContextOverflowHasItsOwnExitCode) {
    m_server.enqueue(ScriptedResponse::json(
        400,
        R"({"error":{"message":"The prompt is too long: 264613, model maximum context length: 262141","code":"invalid_request_error"}})"));
    const AskRun run = ask(baseArgs() << QStringLiteral("--prompt") << QStringLiteral("q"));
    EXPECT_EQ(run.exitCode, 7) << run.err.constData();
    EXPECT_TRUE(run.err.contains("2,472")) << run.err.constData(); // tokens over
}

TEST_F(CliAskTest, ServerErrorAndNetworkFailureAreDistinct) {
    m_server.enqueue(ScriptedResponse::json(500, R"({"error":{"message":"internal"}})"));
    const AskRun server = ask(baseArgs() << QStringLiteral("--prompt") << QStringLiteral("q"));
    EXPECT_EQ(server.exitCode, 9) << server.err.constData();

    const QString refused = QStringLiteral("http://127.0.0.1:%1/v1").arg(unusedLoopbackPort());
    const AskRun network =
        ask({m_repo.path(), QStringLiteral("--base-url"), refused, QStringLiteral("--model"),
             QStringLiteral("m"), QStringLiteral("--prompt"), QStringLiteral("q")});
    EXPECT_EQ(network.exitCode, 5) << network.err.constData();
}

TEST_F(CliAskTest, ADroppedStreamKeepsThePartialAnswerAndFails) {
    ScriptedResponse dropped =
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(QStringLiteral("Half an"))});
    dropped.reset();
    m_server.enqueue(dropped);
    const AskRun run = ask(baseArgs() << QStringLiteral("--prompt") << QStringLiteral("q"));
    EXPECT_EQ(run.exitCode, 5) << run.err.constData();
    EXPECT_TRUE(run.out.startsWith("Half an"));
    EXPECT_TRUE(run.err.contains("incomplete")) << run.err.constData();
}

TEST_F(CliAskTest, UsageErrors) {
    EXPECT_EQ(ask({m_repo.path(), QStringLiteral("--base-url"), m_server.baseUrl().toString(),
                   QStringLiteral("--prompt"), QStringLiteral("q")})
                  .exitCode,
              2);                           // no model
    EXPECT_EQ(ask(baseArgs()).exitCode, 2); // neither task nor prompt
    EXPECT_EQ(
        ask(baseArgs() << QStringLiteral("--task") << QStringLiteral("no-such-task")).exitCode, 2);
    EXPECT_EQ(ask({m_repo.path(), QStringLiteral("--provider"), QStringLiteral("nope"),
                   QStringLiteral("--model"), QStringLiteral("m"), QStringLiteral("--prompt"),
                   QStringLiteral("q")})
                  .exitCode,
              2);
    EXPECT_EQ(m_server.requestCount(), 0);
}

TEST_F(CliAskTest, CloudProviderWithoutKeyNamesTheVariable) {
    const AskRun run = ask({m_repo.path(), QStringLiteral("--provider"), QStringLiteral("groq"),
                            QStringLiteral("--model"), QStringLiteral("openai/gpt-oss-120b"),
                            QStringLiteral("--prompt"), QStringLiteral("q")});
    EXPECT_EQ(run.exitCode, 6);
    EXPECT_TRUE(run.err.contains("GROQ_API_KEY")) << run.err.constData();
}

TEST_F(CliAskTest, ListTasks) {
    const AskRun run = ask({QStringLiteral("--list-tasks")});
    EXPECT_EQ(run.exitCode, 0);
    EXPECT_TRUE(run.out.contains("security-review"));
    EXPECT_TRUE(run.out.contains("migration-plan"));
}

TEST_F(CliAskTest, ACatalogModelKeepsAtMostHalfItsContextForTheAnswer) {
    // Ollama's Llama 4 Scout: a 4,096 context and a 4,096 maximum output. Sending max_tokens
    // 4096 would leave no room for the prompt; as in the window, half the context is kept.
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
    const AskRun run = ask({m_repo.path(), QStringLiteral("--provider"), QStringLiteral("ollama"),
                            QStringLiteral("--base-url"), m_server.baseUrl().toString(),
                            QStringLiteral("--model"), QStringLiteral("llama4:scout"),
                            QStringLiteral("--prompt"), QStringLiteral("Anything?")});
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    ASSERT_EQ(m_server.requestCount(), 1);
    EXPECT_EQ(bodyOf(m_server.requests().constFirst()).value(QStringLiteral("max_tokens")).toInt(),
              2048);
}
