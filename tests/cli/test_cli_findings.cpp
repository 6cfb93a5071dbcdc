// SPDX-License-Identifier: MIT
// reposcope-cli ask --sarif/--report/--csv: the answer's findings are verified against the
// files sent and written once the answer is complete, or cut off; a file that cannot be
// written fails the run only after the answer was printed.
#include "askrun.h"
#include "eventloop.h"
#include "scratchrepo.h"
#include "scriptedserver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope::test;

namespace {

// One finding per verification outcome: exact, off by 3 lines with a correct quote, and
// a file that does not exist.
const QStringList kAnswer{
    QStringLiteral("## Findings\n\n- [HIGH] SQL injection in find — app/db.py:2 — "
                   "`return run(\"SELECT * FROM t WHERE n='\" + name)` — the name is "
                   "concatenated into the query.\n"),
    QStringLiteral("- [CRITICAL] Command injection in ping — app/net.py:5 — "
                   "`os.system(\"ping -c 1 \" + host)` — host comes from the request.\n- [ME"),
    QStringLiteral("DIUM] Secret in settings — app/settings_prod.py:4 — `KEY = \"abc\"` — "
                   "a key is committed.\n\nThat is all.\n"),
};

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

class CliFindingsTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        m_repo.initGit();
        m_repo.write(QStringLiteral("app/db.py"),
                     "def find(name):\n    return run(\"SELECT * FROM t WHERE n='\" + name)\n");
        m_repo.write(QStringLiteral("app/net.py"), "import os\n\n\ndef ping(host):\n"
                                                   "    # check the host is up\n"
                                                   "    timeout = 1\n"
                                                   "    retries = 2\n"
                                                   "    os.system(\"ping -c 1 \" + host)\n");
        m_repo.commitAll();
    }

    AskRun ask(QStringList args) {
        args << m_repo.path() << QStringLiteral("--base-url") << m_server.baseUrl().toString()
             << QStringLiteral("--model") << QStringLiteral("audit-model")
             << QStringLiteral("--prompt") << QStringLiteral("Find vulnerabilities")
             << QStringLiteral("--cache-dir") << m_cache.path();
        return runAsk(args, m_home.path());
    }
    QString output(const QString &name) const { return m_outDir.filePath(name); }

    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_cache;
    QTemporaryDir m_home;
    QTemporaryDir m_outDir;
};

QJsonObject physical(const QJsonObject &result) {
    return result.value(QStringLiteral("locations"))
        .toArray()
        .at(0)
        .toObject()
        .value(QStringLiteral("physicalLocation"))
        .toObject();
}

QJsonObject properties(const QJsonObject &result) {
    return result.value(QStringLiteral("properties")).toObject();
}

} // namespace

TEST_F(CliFindingsTest, VerifiedFindingsGoToSarifReportAndCsv) {
    m_server.enqueue(ScriptedResponse::sse(sse::completion(kAnswer)));
    const AskRun run = ask({QStringLiteral("--sarif"), output(QStringLiteral("out.sarif")),
                            QStringLiteral("--report"), output(QStringLiteral("out.md")),
                            QStringLiteral("--csv"), output(QStringLiteral("out.csv"))});
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_EQ(run.out, QByteArray(kAnswer.join(QString()).toUtf8() + "\n"));
    EXPECT_TRUE(run.err.contains(
        QByteArray("findings: 3 (1 verified, 1 corrected, 0 located, 1 unverified) -> " +
                   output(QStringLiteral("out.sarif")).toUtf8())))
        << run.err.constData();

    const QJsonObject log =
        QJsonDocument::fromJson(readFile(output(QStringLiteral("out.sarif")))).object();
    EXPECT_EQ(log.value(QStringLiteral("version")).toString(), QStringLiteral("2.1.0"));
    const QJsonObject sarifRun = log.value(QStringLiteral("runs")).toArray().at(0).toObject();
    const QJsonArray results = sarifRun.value(QStringLiteral("results")).toArray();
    ASSERT_EQ(results.size(), 3);
    const QJsonObject exact = results.at(0).toObject();
    EXPECT_EQ(exact.value(QStringLiteral("ruleId")).toString(), QStringLiteral("sql-injection"));
    EXPECT_EQ(properties(exact).value(QStringLiteral("verificationStatus")).toString(),
              QStringLiteral("verified"));
    EXPECT_EQ(physical(exact)
                  .value(QStringLiteral("artifactLocation"))
                  .toObject()
                  .value(QStringLiteral("uri"))
                  .toString(),
              QStringLiteral("app/db.py"));
    EXPECT_EQ(physical(exact)
                  .value(QStringLiteral("region"))
                  .toObject()
                  .value(QStringLiteral("startLine")),
              2);
    // Off by three with the right quote: corrected to the line that holds it.
    const QJsonObject moved = results.at(1).toObject();
    EXPECT_EQ(moved.value(QStringLiteral("level")).toString(), QStringLiteral("error"));
    EXPECT_EQ(properties(moved).value(QStringLiteral("verificationStatus")).toString(),
              QStringLiteral("corrected"));
    EXPECT_EQ(physical(moved)
                  .value(QStringLiteral("region"))
                  .toObject()
                  .value(QStringLiteral("startLine")),
              8);
    // Invented: still exported (a person decides), marked unverified, as cited.
    const QJsonObject invented = results.at(2).toObject();
    EXPECT_EQ(properties(invented).value(QStringLiteral("verificationStatus")).toString(),
              QStringLiteral("unverified"));
    EXPECT_FALSE(properties(invented).value(QStringLiteral("locationVerified")).toBool(true));
    EXPECT_EQ(sarifRun.value(QStringLiteral("properties"))
                  .toObject()
                  .value(QStringLiteral("model"))
                  .toString(),
              QStringLiteral("audit-model"));
    EXPECT_TRUE(sarifRun.value(QStringLiteral("originalUriBaseIds"))
                    .toObject()
                    .value(QStringLiteral("SRCROOT"))
                    .toObject()
                    .value(QStringLiteral("uri"))
                    .toString()
                    .endsWith(QLatin1Char('/')));
    EXPECT_TRUE(sarifRun.contains(QStringLiteral("versionControlProvenance")));

    const QString report = QString::fromUtf8(readFile(output(QStringLiteral("out.md"))));
    EXPECT_TRUE(report.contains(QStringLiteral("| **Total** | **3** |"))) << qPrintable(report);
    EXPECT_TRUE(report.contains(QStringLiteral("`app/db.py:2` — verified")));
    EXPECT_TRUE(report.contains(QStringLiteral("`app/net.py:8` — corrected")));
    EXPECT_TRUE(report.contains(QStringLiteral("`app/settings_prod.py:4` — unverified")));
    EXPECT_TRUE(report.contains(QStringLiteral("| Model | `audit-model` |")));

    const QString csv = QString::fromUtf8(readFile(output(QStringLiteral("out.csv"))));
    const QStringList records = csv.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    ASSERT_EQ(records.size(), 4) << qPrintable(csv);
    EXPECT_TRUE(records[0].startsWith(QStringLiteral("severity,title,category,path")));
    EXPECT_TRUE(records[1].startsWith(QStringLiteral("HIGH,SQL injection in find,sql-injection,"
                                                     "app/db.py,2,2,verified,")));
    EXPECT_TRUE(records[2].startsWith(
        QStringLiteral("CRITICAL,Command injection in ping,command-injection,app/net.py,8,8,"
                       "corrected,")))
        << qPrintable(records[2]);
    EXPECT_TRUE(records[3].contains(QStringLiteral(",app/settings_prod.py,4,4,unverified,")));
}

TEST_F(CliFindingsTest, AWriteFailureExitsAfterTheAnswerWasPrinted) {
    m_server.enqueue(ScriptedResponse::sse(sse::completion(kAnswer)));
    const QString missing = output(QStringLiteral("no/such/folder/out.sarif"));
    const AskRun run = ask({QStringLiteral("--sarif"), missing, QStringLiteral("--csv"),
                            output(QStringLiteral("out.csv"))});
    EXPECT_EQ(run.exitCode, 4) << run.err.constData();
    EXPECT_EQ(run.out, QByteArray(kAnswer.join(QString()).toUtf8() + "\n")); // nothing lost
    EXPECT_TRUE(run.err.contains(QByteArray("cannot write " + missing.toUtf8())))
        << run.err.constData();
    EXPECT_FALSE(QFile::exists(missing));
    EXPECT_TRUE(QFile::exists(output(QStringLiteral("out.csv")))); // the others are written
}

TEST_F(CliFindingsTest, APartialAnswerStillExportsWhatItHolds) {
    ScriptedResponse dropped = ScriptedResponse::sse(
        {sse::roleChunk(), sse::contentChunk(kAnswer[0]), sse::contentChunk(kAnswer[1])});
    dropped.reset();
    m_server.enqueue(dropped);
    const AskRun run = ask({QStringLiteral("--sarif"), output(QStringLiteral("out.sarif")),
                            QStringLiteral("--report"), output(QStringLiteral("out.md"))});
    EXPECT_EQ(run.exitCode, 5) << run.err.constData(); // the network error wins
    EXPECT_TRUE(run.err.contains("partial")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("findings: 2 (1 verified, 1 corrected, 0 located, 0 unverified)"))
        << run.err.constData();
    const QJsonObject sarifRun =
        QJsonDocument::fromJson(readFile(output(QStringLiteral("out.sarif"))))
            .object()
            .value(QStringLiteral("runs"))
            .toArray()
            .at(0)
            .toObject();
    EXPECT_EQ(sarifRun.value(QStringLiteral("results")).toArray().size(), 2);
    EXPECT_FALSE(sarifRun.value(QStringLiteral("properties"))
                     .toObject()
                     .value(QStringLiteral("answerComplete"))
                     .toBool(true));
    EXPECT_TRUE(readFile(output(QStringLiteral("out.md"))).contains("Partial answer"));
}

TEST_F(CliFindingsTest, TheFlagsAreInTheHelp) {
    QProcess proc;
    proc.start(QStringLiteral(REPOSCOPE_CLI), {QStringLiteral("ask"), QStringLiteral("--help")});
    ASSERT_TRUE(processEventsUntil([&] { return proc.state() == QProcess::NotRunning; }));
    const QByteArray help = proc.readAllStandardOutput();
    EXPECT_TRUE(help.contains("--sarif <FILE>")) << help.constData();
    EXPECT_TRUE(help.contains("--report <FILE>"));
    EXPECT_TRUE(help.contains("--csv <FILE>"));
}
