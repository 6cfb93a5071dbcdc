// SPDX-License-Identifier: MIT
// reposcope-cli ask never lets the API key out: with every reposcope.* category logging at
// debug, against a loopback server that quotes the key back in its errors (verbatim,
// base64, percent-encoded), through a retry, a 401 and a dropped connection, no form of the
// key is on stdout or stderr, in any file under the run's home (settings, data), the token
// cache or the exports (SARIF, report, CSV), nor in the request bodies (the pack). Each run
// also proves the key did reach the server, in the Authorization header.
#include "askrun.h"
#include "keyleaks.h"
#include "scratchrepo.h"
#include "scriptedserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QUrl>

#include <sys/types.h>

#include <gtest/gtest.h>

#include <csignal>

using namespace reposcope::test;

namespace {

constexpr int kExitServer = 9;

// An error body quoting the request back, key and all, in every encoding.
QByteArray echoingBody(const QString &key) {
    const QByteArray k = key.toUtf8();
    const QString message =
        QStringLiteral("Invalid header Authorization: Bearer ") + key +
        QStringLiteral(" (base64 ") + QString::fromLatin1(k.toBase64()) +
        QStringLiteral(", URL ?key=") + QString::fromLatin1(QUrl::toPercentEncoding(key)) +
        QStringLiteral(", Basic ") +
        QString::fromLatin1(QByteArrayLiteral("user:").append(k).toBase64()) + QStringLiteral(")");
    return QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                      QJsonObject{{QStringLiteral("message"), message}}}})
        .toJson(QJsonDocument::Compact);
}

class CliKeyHygiene : public ::testing::Test {
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
                         QStringLiteral("--api-key-env"),
                         QStringLiteral("RS_HYGIENE_KEY"),
                         QStringLiteral("--model"),
                         QStringLiteral("audit-model"),
                         QStringLiteral("--prompt"),
                         QStringLiteral("Find SQL injection"),
                         QStringLiteral("--cache-dir"),
                         m_cache.path()};
        QProcessEnvironment env;
        env.insert(QStringLiteral("RS_HYGIENE_KEY"), m_key);
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("reposcope.*=true"));
        const AskRun run = runAsk(args + extra, m_home.path(), env);
        m_said += run.out + '\n' + run.err + '\n';
        return run;
    }

    // No form of the key anywhere this test's runs could write or print; every request
    // carried it.
    void expectNoLeak() {
        EXPECT_TRUE(keyLeakIn(m_said, m_key).isEmpty())
            << keyLeakIn(m_said, m_key).constData() << "\n"
            << m_said.constData();
        int scanned = 0;
        for (const QString &dir : {m_home.path(), m_cache.path(), m_out.path()})
            EXPECT_EQ(keyLeaksUnder(dir, m_key, &scanned), QStringList());
        EXPECT_GT(scanned, 0);
        ASSERT_GT(m_server.requestCount(), 0);
        for (const RecordedRequest &r : m_server.requests()) {
            EXPECT_EQ(r.header("Authorization"), "Bearer " + m_key.toUtf8());
            EXPECT_TRUE(keyLeakIn(r.body, m_key).isEmpty()) << "the key is in the pack sent";
            EXPECT_TRUE(keyLeakIn(r.target, m_key).isEmpty()) << "the key is in the URL";
        }
    }

    const QString m_key = randomApiKey();
    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_cache;
    QTemporaryDir m_home;
    QTemporaryDir m_out;
    QByteArray m_said;
};

} // namespace

TEST_F(CliKeyHygiene, ARetryAfterAnEchoingErrorThenAnAnswerAndItsExportsLeakNothing) {
    m_server.enqueue(
        ScriptedResponse::json(503, echoingBody(m_key)).header("retry-after-ms", "10"));
    m_server.enqueue(ScriptedResponse::sse(sse::completion(
        {QStringLiteral("## Findings\n\n- [HIGH] SQL injection in find — app/db.py:2 — "
                        "`return run(\"SELECT * FROM t WHERE n='\" + name)` — concatenated.\n")},
        QPair<qint64, qint64>{400, 40})));
    const AskRun run = ask({QStringLiteral("--sarif"), m_out.filePath(QStringLiteral("a.sarif")),
                            QStringLiteral("--report"), m_out.filePath(QStringLiteral("a.md")),
                            QStringLiteral("--csv"), m_out.filePath(QStringLiteral("a.csv"))});
    EXPECT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_TRUE(run.err.contains("retrying in")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("Invalid header Authorization")) << run.err.constData();
    EXPECT_TRUE(run.out.contains("SQL injection")) << run.out.constData();
    EXPECT_TRUE(QFile::exists(m_out.filePath(QStringLiteral("a.sarif"))));
    EXPECT_EQ(m_server.requestCount(), 2);
    expectNoLeak();
}

TEST_F(CliKeyHygiene, AnEchoing401AndADroppedConnectionLeakNothing) {
    m_server.enqueue(ScriptedResponse::json(401, echoingBody(m_key)));
    const AskRun rejected = ask();
    EXPECT_NE(rejected.exitCode, 0);
    EXPECT_TRUE(rejected.err.contains("401")) << rejected.err.constData();

    m_server.enqueue(ScriptedResponse(200).header("Content-Type", "text/event-stream").reset());
    const AskRun dropped = ask();
    EXPECT_EQ(dropped.exitCode, kExitServer) << dropped.err.constData();

    m_server.enqueue(ScriptedResponse::sse(
        {sse::roleChunk(), sse::errorEvent(QStringLiteral("upstream said ") +
                                           QString::fromUtf8(echoingBody(m_key)))}));
    const AskRun streamError = ask();
    EXPECT_NE(streamError.exitCode, 0);
    EXPECT_EQ(m_server.requestCount(), 3);
    expectNoLeak();
}

TEST_F(CliKeyHygiene, ACrashDuringARequestLeaksNothing) {
    // No crash handler of its own: the process dies of SIGSEGV while the server holds the
    // request, and whatever it had written by then holds no form of the key.
    m_server.enqueue(ScriptedResponse::silent());
    QProcess proc;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path() + QStringLiteral("/data"));
    env.insert(QStringLiteral("RS_HYGIENE_KEY"), m_key);
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("reposcope.*=true"));
    proc.setProcessEnvironment(env);
    proc.start(QStringLiteral(REPOSCOPE_CLI),
               {QStringLiteral("ask"), m_repo.path(), QStringLiteral("--base-url"),
                m_server.baseUrl().toString(), QStringLiteral("--api-key-env"),
                QStringLiteral("RS_HYGIENE_KEY"), QStringLiteral("--model"),
                QStringLiteral("audit-model"), QStringLiteral("--prompt"),
                QStringLiteral("Find SQL injection"), QStringLiteral("--cache-dir"),
                m_cache.path()});
    ASSERT_TRUE(processEventsUntil([&] { return m_server.requestCount() == 1; }));
    ::kill(pid_t(proc.processId()), SIGSEGV);
    ASSERT_TRUE(processEventsUntil([&] { return proc.state() == QProcess::NotRunning; }));
    EXPECT_EQ(proc.exitStatus(), QProcess::CrashExit);
    m_said += proc.readAllStandardOutput() + '\n' + proc.readAllStandardError();
    expectNoLeak();
}
