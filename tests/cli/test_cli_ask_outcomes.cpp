// SPDX-License-Identifier: MIT
// reposcope-cli ask says how a stream ended, in the exit code and on stderr, against a real
// loopback server: an answer cut off at the token limit (exit 12, exports marked partial),
// a reasoning model that only thought (12), a stream of nothing but [DONE] (9), an error
// before any text (9, "before answering", the upstream provider), retry-after-ms (the
// shortest wait), a proxy's 502 HTML page (retried, never dumped), cached prompt tokens.
#include "askrun.h"
#include "scratchrepo.h"
#include "scriptedserver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <chrono>

using namespace reposcope::test;

namespace {

constexpr int kExitServer = 9;
constexpr int kExitIncomplete = 12;

class CliAskOutcomes : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        m_repo.initGit();
        m_repo.write(QStringLiteral("app/db.py"),
                     "def find(name):\n    return run(\"SELECT * FROM t WHERE n='\" + name)\n");
        m_repo.commitAll();
    }

    AskRun ask(const QStringList &extra = {}) {
        QStringList args{m_repo.path(),
                         QStringLiteral("--base-url"),
                         m_server.baseUrl().toString(),
                         QStringLiteral("--model"),
                         QStringLiteral("audit-model"),
                         QStringLiteral("--prompt"),
                         QStringLiteral("Find SQL injection"),
                         QStringLiteral("--cache-dir"),
                         m_cache.path()};
        return runAsk(args + extra, m_home.path());
    }
    QString output(const QString &name) const { return m_outDir.filePath(name); }

    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_cache;
    QTemporaryDir m_home;
    QTemporaryDir m_outDir;
};

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// One whole finding, then the next one cut off in its middle.
const char kFinding[] = "## Findings\n\n- [HIGH] SQL injection in find — app/db.py:2 — "
                        "`return run(\"SELECT * FROM t WHERE n='\" + name)` — the name is "
                        "concatenated into the query.\n- [MEDIUM] Missing input valid";

TEST_F(CliAskOutcomes, ACutOffAnswerExitsElevenAndTheExportsSayPartial) {
    m_server.enqueue(ScriptedResponse::sse(
        {sse::roleChunk(), sse::contentChunk(QString::fromUtf8(kFinding)),
         sse::finishChunk(QStringLiteral("length")), sse::usageChunk(400, 64), sse::done()}));
    const AskRun run = ask({QStringLiteral("--max-tokens"), QStringLiteral("64"),
                            QStringLiteral("--sarif"), output(QStringLiteral("out.sarif")),
                            QStringLiteral("--report"), output(QStringLiteral("out.md")),
                            QStringLiteral("--csv"), output(QStringLiteral("out.csv"))});
    EXPECT_EQ(run.exitCode, kExitIncomplete) << run.err.constData();
    EXPECT_TRUE(run.out.startsWith("## Findings\n\n- [HIGH] SQL injection in find"))
        << run.out.constData();
    EXPECT_TRUE(run.err.contains("cut off: time to first token")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("error: The answer stopped at the output token limit (64 tokens, "
                                 "finish reason \"length\") and is incomplete."))
        << run.err.constData();
    EXPECT_TRUE(run.err.contains("--max-tokens N")) << run.err.constData(); // what to do
    EXPECT_TRUE(run.err.contains("hint: --max-tokens 128")) << run.err.constData();
    EXPECT_FALSE(run.err.contains("done:")) << run.err.constData();
    EXPECT_FALSE(run.err.contains("Budget panel")) << run.err.constData(); // the GUI's words
    EXPECT_TRUE(run.err.contains("the answer is partial")) << run.err.constData();

    const QJsonObject sarifRun =
        QJsonDocument::fromJson(readFile(output(QStringLiteral("out.sarif"))))
            .object()
            .value(QStringLiteral("runs"))
            .toArray()
            .at(0)
            .toObject();
    const QJsonObject invocation =
        sarifRun.value(QStringLiteral("invocations")).toArray().at(0).toObject();
    EXPECT_FALSE(invocation.value(QStringLiteral("executionSuccessful")).toBool(true));
    EXPECT_TRUE(invocation.value(QStringLiteral("toolExecutionNotifications"))
                    .toArray()
                    .at(0)
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toObject()
                    .value(QStringLiteral("text"))
                    .toString()
                    .contains(QStringLiteral("output token limit")));
    EXPECT_FALSE(sarifRun.value(QStringLiteral("properties"))
                     .toObject()
                     .value(QStringLiteral("answerComplete"))
                     .toBool(true));
    // The whole finding is there (the cut one may be too, as far as it goes).
    const QJsonArray results = sarifRun.value(QStringLiteral("results")).toArray();
    ASSERT_GE(results.size(), 1);
    EXPECT_TRUE(QJsonDocument(results.at(0).toObject()).toJson().contains("SQL injection in find"));
    EXPECT_TRUE(readFile(output(QStringLiteral("out.md"))).contains("**Partial answer:**"));
    const QByteArray csv = readFile(output(QStringLiteral("out.csv")));
    const QList<QByteArray> records = csv.split('\n');
    ASSERT_GE(records.size(), 2) << csv.constData();
    EXPECT_TRUE(records[0].trimmed().endsWith(",answer")) << csv.constData();
    EXPECT_TRUE(records[1].trimmed().endsWith(",partial")) << csv.constData();
}

TEST_F(CliAskOutcomes, AReasoningOnlyAnswerSaysTheBudgetWentOnThinking) {
    m_server.enqueue(ScriptedResponse::sse(
        {sse::roleChunk(), sse::reasoningChunk(QStringLiteral("The user wants SQL injection. ")),
         sse::reasoningChunk(QStringLiteral("Let me read db.py line by line...")),
         sse::finishChunk(QStringLiteral("length")), sse::usageChunk(400, 200), sse::done()}));
    const AskRun run = ask({QStringLiteral("--max-tokens"), QStringLiteral("200"),
                            QStringLiteral("--report"), output(QStringLiteral("out.md"))});
    EXPECT_EQ(run.exitCode, kExitIncomplete) << run.err.constData();
    EXPECT_EQ(run.out.trimmed(), QByteArray()); // no answer text, and no thinking on stdout
    EXPECT_TRUE(run.err.contains("error: The model spent its whole output budget (200 tokens) "
                                 "thinking and wrote no answer."))
        << run.err.constData();
    EXPECT_TRUE(run.err.contains("--max-tokens N")) << run.err.constData();
    EXPECT_FALSE(run.err.contains("done:")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("no findings file written")) << run.err.constData();
    EXPECT_FALSE(QFile::exists(output(QStringLiteral("out.md"))));
}

TEST_F(CliAskOutcomes, AStreamOfNothingButDoneIsAnError) {
    m_server.enqueue(ScriptedResponse::sse({sse::done()}));
    const AskRun run = ask();
    EXPECT_EQ(run.exitCode, kExitServer) << run.err.constData();
    EXPECT_TRUE(
        run.err.contains("ended the stream without an answer: no text and no finish reason"))
        << run.err.constData();
    EXPECT_FALSE(run.err.contains("done:")) << run.err.constData();
    EXPECT_FALSE(run.err.contains("incomplete")) << run.err.constData(); // nothing to be part of
}

TEST_F(CliAskOutcomes, AnErrorBeforeAnyTextSaysTheServerFailedBeforeAnswering) {
    ScriptedResponse response = ScriptedResponse::sse({});
    response.write(sse::keepAlive("OPENROUTER PROCESSING"))
        .write(sse::roleChunk())
        .write(sse::event(
            R"({"id":"gen-7","object":"chat.completion.chunk","error":{"code":502,"message":"Upstream error from Chutes: no capacity","metadata":{"provider_name":"Chutes"}},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]})"));
    m_server.enqueue(response);
    const AskRun run = ask();
    EXPECT_EQ(run.exitCode, kExitServer) << run.err.constData();
    EXPECT_TRUE(run.err.contains("the server reported an error before answering (upstream "
                                 "provider Chutes, code 502): Upstream error from Chutes: no "
                                 "capacity"))
        << run.err.constData();
    EXPECT_FALSE(run.err.contains("mid-answer")) << run.err.constData();
    EXPECT_FALSE(run.err.contains("partial answer")) << run.err.constData();
    EXPECT_FALSE(run.err.contains("the answer above is incomplete")) << run.err.constData();
    EXPECT_EQ(m_server.requestCount(), 1);
}

TEST_F(CliAskOutcomes, RetryAfterMsIsHonouredAsTheShortestWait) {
    ScriptedResponse limited = ScriptedResponse::json(
        429, R"({"error":{"message":"Rate limit reached","code":"rate_limit_exceeded"}})");
    limited.header("retry-after-ms", "300").header("Retry-After", "30");
    m_server.enqueue(limited);
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("second try")})));
    const AskRun run = ask();
    EXPECT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_EQ(run.out, "second try\n");
    EXPECT_TRUE(run.err.contains("retrying in 0.3 s (attempt 2)")) << run.err.constData();
    ASSERT_EQ(m_server.requestCount(), 2);
    using namespace std::chrono;
    EXPECT_GE(duration_cast<milliseconds>(m_server.requests()[1].firstByteAt -
                                          m_server.requests()[0].completeAt)
                  .count(),
              290);
    EXPECT_TRUE(run.err.contains("done:")) << run.err.constData();
}

TEST_F(CliAskOutcomes, AProxys502HtmlPageIsRetriedAndNeverDumped) {
    const QByteArray page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                            "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>"
                            "nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n";
    ScriptedResponse first(502);
    first.header("Content-Type", "text/html").header("retry-after-ms", "100").write(page);
    m_server.enqueue(first);
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("through")})));
    const AskRun run = ask();
    EXPECT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_EQ(run.out, "through\n");
    EXPECT_EQ(m_server.requestCount(), 2);
    EXPECT_TRUE(run.err.contains(
        QStringLiteral("retrying in 0.1 s (attempt 2): custom server at 127.0.0.1:%1: the "
                       "proxy/gateway returned 502 Bad Gateway.")
            .arg(m_server.port())
            .toUtf8()))
        << run.err.constData();
    EXPECT_FALSE(run.err.contains("<")) << run.err.constData();
    EXPECT_FALSE(run.err.contains("nginx")) << run.err.constData();
}

TEST_F(CliAskOutcomes, A502ThatNeverClearsFailsWithTheServerExitCode) {
    for (int i = 0; i < 4; ++i) {
        ScriptedResponse page(502);
        page.header("Content-Type", "text/html")
            .header("retry-after-ms", "10")
            .write("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>");
        m_server.enqueue(page);
    }
    const AskRun run = ask();
    EXPECT_EQ(run.exitCode, kExitServer) << run.err.constData();
    EXPECT_EQ(m_server.requestCount(), 4);
    EXPECT_TRUE(
        run.err.contains(QStringLiteral("error: custom server at 127.0.0.1:%1: the proxy/gateway "
                                        "returned 502 Bad Gateway.")
                             .arg(m_server.port())
                             .toUtf8()))
        << run.err.constData();
    EXPECT_TRUE(run.err.contains("(gave up after 4 attempts)")) << run.err.constData();
    EXPECT_FALSE(run.err.contains("<")) << run.err.constData();
}

TEST_F(CliAskOutcomes, TheDoneLinePrintsCachedPromptTokens) {
    m_server.enqueue(
        ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(QStringLiteral("ok")),
                               sse::finishChunk(), sse::usageChunk(1500, 2, 1280), sse::done()}));
    const AskRun run = ask();
    EXPECT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_TRUE(run.err.contains("done: ")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("prompt 1500 tokens (1280 cached), completion 2 tokens"))
        << run.err.constData();

    // Not reported: not printed (never "0 cached").
    m_server.enqueue(ScriptedResponse::sse(
        sse::completion({QStringLiteral("ok")}, QPair<qint64, qint64>{1500, 2})));
    const AskRun plain = ask();
    EXPECT_EQ(plain.exitCode, 0) << plain.err.constData();
    EXPECT_TRUE(plain.err.contains("prompt 1500 tokens, completion 2 tokens"))
        << plain.err.constData();
}

TEST_F(CliAskOutcomes, TheIncompleteExitCodeIsInTheHelp) {
    const AskRun run = runAsk({QStringLiteral("--help")}, m_home.path());
    EXPECT_EQ(run.exitCode, 0);
    EXPECT_TRUE(run.out.contains("  12   no complete answer")) << run.out.constData();
}

} // namespace
