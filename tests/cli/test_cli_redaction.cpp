// SPDX-License-Identifier: MIT
// The privacy guard end to end: `reposcope-cli ask` against a real loopback server, on a
// real git repository with planted secrets of every rule family (generated when the test
// runs). The recorded request holds none of them, holds the rest of every file with the
// same lines, and stderr says what was redacted; --no-redact and the allow list let
// secrets through; `scan` honours the allow list too.
#include "askrun.h"
#include "clirun.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "secretsamples.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope::test;
using reposcope::test::secrets::Sample;
using reposcope::test::secrets::SampleGenerator;

namespace {

// The lines of a secret that would give it away: long enough to be its own, and not the
// PEM or PuTTY framing lines (which are kept by no rule and appear in any key).
QList<QByteArray> telltaleLines(const QByteArray &secret) {
    QList<QByteArray> out;
    for (const QByteArray &line : secret.split('\n'))
        if (line.size() >= 8 && !line.startsWith("-----") && !line.startsWith("PuTTY") &&
            !line.contains(": "))
            out << line;
    return out;
}

// Every message text of the request, decoded from its JSON.
QByteArray sentText(const RecordedRequest &request) {
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    QByteArray text;
    for (const QJsonValue &m : body.value(QStringLiteral("messages")).toArray())
        text += m.toObject().value(QStringLiteral("content")).toString().toUtf8() + '\n';
    return text;
}

class CliRedactionTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        m_repo.initGit();
        SampleGenerator gen(1919);
        m_samples = gen.onePerRule();
        for (int i = 0; i < m_samples.size(); ++i) {
            // Each in an ordinary file of its own, between lines only that file has.
            const Sample &s = m_samples[i];
            const QByteArray path = "planted/" + QByteArray::number(i) + "/" + s.path;
            QByteArray content = before(i) + "\n" + s.text;
            if (!content.endsWith('\n'))
                content += '\n';
            content += after(i) + "\n";
            m_paths << path;
            m_contents << content;
            m_repo.write(QString::fromUtf8(path), content);
        }
        m_envSecret = "sk_live_" + gen.alnum(30);
        m_repo.write(QStringLiteral(".env"), "# ENV_FILE_FIRST_LINE\nSTRIPE_KEY=" + m_envSecret +
                                                 "\n# ENV_FILE_LAST_LINE\n");
        m_questionToken = gen.githubToken("ghp_");
        m_repo.commitAll();
    }

    static QByteArray before(int i) { return "# BEFORE_SECRET_" + QByteArray::number(i) + " keep"; }
    static QByteArray after(int i) { return "# AFTER_SECRET_" + QByteArray::number(i) + " keep"; }

    AskRun ask(QStringList extra = {}) {
        m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
        QStringList args{m_repo.path(),
                         QStringLiteral("--base-url"),
                         m_server.baseUrl().toString(),
                         QStringLiteral("--model"),
                         QStringLiteral("audit-model"),
                         QStringLiteral("--cache-dir"),
                         m_cache.path(),
                         QStringLiteral("--prompt"),
                         QStringLiteral("Review this. My token is %1, is it safe?")
                             .arg(QLatin1String(m_questionToken))};
        return runAsk(args + extra, m_home.path());
    }

    // The planted files that the selection leaves out as secret files (.pgpass): what
    // `scan --json` marks "excluded": "secret file".
    QSet<int> secretFileIndices() const {
        const CliRun scanned =
            runCli({QStringLiteral("scan"), m_repo.path(), QStringLiteral("--json")});
        QSet<int> out;
        for (const QJsonValue &v :
             QJsonDocument::fromJson(scanned.out).object().value(QStringLiteral("hits")).toArray())
            if (v.toObject().contains(QStringLiteral("excluded")))
                out.insert(int(m_paths.indexOf(
                    v.toObject().value(QStringLiteral("path")).toString().toUtf8())));
        out.remove(-1);
        return out;
    }

    // Asserts that each planted secret (those of secret files only when `withSecretFiles`)
    // became its markers in `sent`, the rest of its file kept line for line, and that stderr
    // lists it.
    void expectRedacted(const QByteArray &sent, const QByteArray &err, bool withSecretFiles);

    ScriptedServer m_server;
    ScratchRepo m_repo;
    QTemporaryDir m_cache;
    QTemporaryDir m_home;
    QList<Sample> m_samples;
    QList<QByteArray> m_paths;
    QList<QByteArray> m_contents;
    QByteArray m_envSecret;
    QByteArray m_questionToken;
};

void CliRedactionTest::expectRedacted(const QByteArray &sent, const QByteArray &err,
                                      bool withSecretFiles) {
    ASSERT_GE(m_samples.size(), 60);
    const QSet<int> secretFiles = secretFileIndices();
    for (int i = 0; i < m_samples.size(); ++i) {
        const Sample &s = m_samples[i];
        const std::string what = s.ruleId.toStdString() + " in " + m_paths[i].toStdString();
        if (secretFiles.contains(i) && !withSecretFiles) {
            // Left out whole by default.
            EXPECT_FALSE(sent.contains(before(i))) << what;
            EXPECT_FALSE(sent.contains(s.secret)) << what;
            continue;
        }
        EXPECT_FALSE(sent.contains(s.secret)) << what;
        for (const QByteArray &line : telltaleLines(s.secret))
            EXPECT_FALSE(sent.contains(line)) << what;
        EXPECT_TRUE(sent.contains(QByteArray("«redacted:" + s.ruleId.toUtf8() + "»"))) << what;
        // The rest of the file is there, with the same number of lines in between.
        const qsizetype from = sent.indexOf(QByteArray(before(i) + "\n"));
        const qsizetype to = sent.indexOf(QByteArray(after(i) + "\n"));
        ASSERT_GE(from, 0) << what;
        ASSERT_GT(to, from) << what;
        const QByteArray sentFile = sent.mid(from, to - from);
        EXPECT_EQ(sentFile.count('\n'), m_contents[i].count('\n') - 1) << what;
        // Outside the secret, each line of the sample is sent as it is.
        const QByteArray around = QByteArray(s.text).replace(s.secret, "\n");
        for (const QByteArray &line : around.split('\n'))
            if (line.trimmed().size() >= 3) {
                EXPECT_TRUE(sentFile.contains(line)) << what << ": " << line.constData();
            }
        // stderr names the file, the line and the rule.
        const int line = int(m_contents[i].left(m_contents[i].indexOf(s.secret)).count('\n')) + 1;
        EXPECT_TRUE(
            err.contains(QByteArray("redacted: " + m_paths[i] + ":" + QByteArray::number(line) +
                                    "  " + s.ruleId.toUtf8() + "  ")))
            << what << "\n"
            << err.constData();
    }
}

} // namespace

TEST_F(CliRedactionTest, TheRequestHoldsNoSecretButTheRestOfEveryFile) {
    const AskRun run = ask();
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    ASSERT_EQ(m_server.requestCount(), 1);
    const QByteArray sent = sentText(m_server.requests().constFirst());
    ASSERT_NO_FATAL_FAILURE(expectRedacted(sent, run.err, false));
    // The question's secret is redacted too.
    EXPECT_FALSE(sent.contains(m_questionToken));
    EXPECT_TRUE(sent.contains("My token is «redacted:github-pat», is it safe?"));
    EXPECT_TRUE(run.err.contains("redacted: question:1  github-pat  ghp_")) << run.err.constData();
    // The secret file is not in the pack at all by default.
    EXPECT_FALSE(sent.contains("ENV_FILE_FIRST_LINE"));
    EXPECT_FALSE(sent.contains(m_envSecret));
    EXPECT_TRUE(run.err.contains("redacted, 0 allowed, 0 sent as they are")) << run.err.constData();
    EXPECT_FALSE(run.err.contains("warning: not redacted"));
    // No secret on stderr either: masked previews only.
    for (const Sample &s : m_samples)
        EXPECT_FALSE(run.err.contains(s.secret)) << s.ruleId.toStdString();
}

TEST_F(CliRedactionTest, ASecretFileIncludedOnRequestIsSentRedacted) {
    const AskRun run = ask({QStringLiteral("--include-secret-files")});
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    const QByteArray sent = sentText(m_server.requests().constFirst());
    EXPECT_TRUE(sent.contains("# ENV_FILE_FIRST_LINE\nSTRIPE_KEY=«redacted:stripe-secret-key»\n"
                              "# ENV_FILE_LAST_LINE"))
        << run.err.constData();
    EXPECT_FALSE(sent.contains(m_envSecret));
    EXPECT_TRUE(run.err.contains("redacted: .env:2  stripe-secret-key")) << run.err.constData();
    ASSERT_FALSE(secretFileIndices().isEmpty()); // .pgpass: its secret is sent redacted too
    ASSERT_NO_FATAL_FAILURE(expectRedacted(sent, run.err, true));
}

TEST_F(CliRedactionTest, NoRedactSendsThemAsTheyAreAndStillListsThem) {
    const AskRun run = ask({QStringLiteral("--no-redact")});
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    const QByteArray sent = sentText(m_server.requests().constFirst());
    const QSet<int> secretFiles = secretFileIndices();
    for (int i = 0; i < m_samples.size(); ++i)
        EXPECT_EQ(sent.contains(m_samples[i].secret), !secretFiles.contains(i))
            << m_samples[i].ruleId.toStdString();
    EXPECT_TRUE(sent.contains(m_questionToken));
    EXPECT_FALSE(sent.contains("«redacted:"));
    EXPECT_TRUE(run.err.contains("warning: not redacted (--no-redact): planted/"))
        << run.err.constData();
    EXPECT_TRUE(run.err.contains("warning: not redacted (--no-redact): question:1  github-pat"));
    EXPECT_TRUE(run.err.contains("secrets: 0 redacted, 0 allowed, "));
    EXPECT_FALSE(run.err.contains("\nredacted: "));
}

TEST_F(CliRedactionTest, AnAllowListEntryLetsExactlyThatOneThrough) {
    // The fingerprint comes from `scan --json`, as a user would copy it.
    const CliRun scanned =
        runCli({QStringLiteral("scan"), m_repo.path(), QStringLiteral("--json")});
    ASSERT_EQ(scanned.exitCode, 11) << scanned.err.constData();
    const QJsonArray hits =
        QJsonDocument::fromJson(scanned.out).object().value(QStringLiteral("hits")).toArray();
    int chosen = -1;
    QString fingerprint;
    for (const QJsonValue &v : hits) {
        const QJsonObject h = v.toObject();
        if (h.value(QStringLiteral("rule")).toString() != QLatin1String("aws-secret-access-key"))
            continue;
        chosen = int(m_paths.indexOf(h.value(QStringLiteral("path")).toString().toUtf8()));
        fingerprint = h.value(QStringLiteral("fingerprint")).toString();
        break;
    }
    ASSERT_GE(chosen, 0);
    m_repo.write(QStringLiteral(".reposcope/secrets-allow.json"),
                 "{\"version\": 1, \"secrets\": [\"" + fingerprint.toLatin1() + "\"]}\n");

    const AskRun run = ask();
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    const QByteArray sent = sentText(m_server.requests().constFirst());
    EXPECT_TRUE(sent.contains(m_samples[chosen].secret));
    for (int i = 0; i < m_samples.size(); ++i)
        if (i != chosen && m_samples[i].secret != m_samples[chosen].secret) {
            EXPECT_FALSE(sent.contains(m_samples[i].secret)) << m_samples[i].ruleId.toStdString();
        }
    EXPECT_TRUE(run.err.contains(QByteArray("allowed: " + m_paths[chosen] + ":")))
        << run.err.constData();
    EXPECT_TRUE(run.err.contains(", 1 allowed, ")) << run.err.constData();

    // scan reports it no more, and says so.
    const CliRun again = runCli({QStringLiteral("scan"), m_repo.path(), QStringLiteral("--json")});
    const QJsonObject doc = QJsonDocument::fromJson(again.out).object();
    EXPECT_EQ(doc.value(QStringLiteral("hits")).toArray().size(), hits.size() - 1);
    EXPECT_EQ(doc.value(QStringLiteral("allowed")).toInt(), 1);
    EXPECT_TRUE(again.err.contains("1 more allowed by the allow list")) << again.err.constData();
}

TEST_F(CliRedactionTest, ScanWithEveryHitAllowedExitsCleanly) {
    QByteArray rules;
    for (const Sample &s : m_samples)
        rules += (rules.isEmpty() ? "\"" : ", \"") + s.ruleId.toUtf8() + "\"";
    m_repo.write(QStringLiteral(".reposcope/secrets-allow.json"), "{\"rules\": [" + rules + "]}");
    const CliRun run = runCli({QStringLiteral("scan"), m_repo.path()});
    EXPECT_EQ(run.exitCode, 0) << run.out.constData() << run.err.constData();
    EXPECT_TRUE(run.err.contains("0 secret(s) in 0 file(s), ")) << run.err.constData();
    EXPECT_TRUE(run.err.contains("more allowed by the allow list")) << run.err.constData();

    m_repo.write(QStringLiteral(".reposcope/secrets-allow.json"), "{broken");
    const CliRun broken = runCli({QStringLiteral("scan"), m_repo.path()});
    EXPECT_EQ(broken.exitCode, 11);
    EXPECT_TRUE(broken.err.contains("secrets-allow.json")) << broken.err.constData();
}

TEST_F(CliRedactionTest, FindingsVerifyAgainstThePackAsSentMarkersIncluded) {
    int aws = -1;
    for (int i = 0; i < m_samples.size() && aws < 0; ++i)
        if (m_samples[i].ruleId == QLatin1String("aws-secret-access-key") &&
            m_samples[i].text.startsWith("aws_secret_access_key = "))
            aws = i;
    ASSERT_GE(aws, 0);
    const QString path = QString::fromUtf8(m_paths[aws]);
    const int line = 2; // after the BEFORE line
    const QString answer =
        QStringLiteral("## Findings\n\n- [HIGH] Committed AWS key — %1:%2 — "
                       "`aws_secret_access_key = «redacted:aws-secret-access-key»` — a key is "
                       "committed.\n- [HIGH] Quoted secret — %1:%3 — `aws_secret_access_key = %4` "
                       "— never sent, so never verified.\n")
            .arg(path)
            .arg(line)
            .arg(line + 1)
            .arg(QString::fromUtf8(m_samples[aws].secret));
    m_server.enqueue(ScriptedResponse::sse(sse::completion({answer})));
    QTemporaryDir out;
    const QString sarif = out.filePath(QStringLiteral("out.sarif"));
    const AskRun run =
        runAsk({m_repo.path(), QStringLiteral("--base-url"), m_server.baseUrl().toString(),
                QStringLiteral("--model"), QStringLiteral("audit-model"),
                QStringLiteral("--cache-dir"), m_cache.path(), QStringLiteral("--prompt"),
                QStringLiteral("Find secrets"), QStringLiteral("--sarif"), sarif},
               m_home.path());
    ASSERT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_TRUE(run.err.contains("findings: 2 (1 verified, 0 corrected, 0 located, 1 unverified)"))
        << run.err.constData();
}

TEST_F(CliRedactionTest, ThePackTokensPrintedAreThoseOfWhatIsSent) {
    const auto packFigure = [](const QByteArray &err) {
        const qsizetype at = err.indexOf("(pack ");
        return at < 0 ? QByteArray() : err.mid(at + 6, err.indexOf(' ', at + 6) - at - 6);
    };
    const AskRun redacted = ask();
    ASSERT_EQ(redacted.exitCode, 0) << redacted.err.constData();
    const AskRun asIs = ask({QStringLiteral("--no-redact")});
    ASSERT_EQ(asIs.exitCode, 0) << asIs.err.constData();
    const QByteArray a = packFigure(redacted.err), b = packFigure(asIs.err);
    ASSERT_FALSE(a.isEmpty()) << redacted.err.constData();
    ASSERT_FALSE(b.isEmpty()) << asIs.err.constData();
    // Over 60 secrets replaced by markers: the count moves, and it is the sent pack's.
    EXPECT_NE(a, b);
}

TEST(CliRedactionHelp, AskAndScanDocumentIt) {
    const CliRun ask = runCli({QStringLiteral("ask"), QStringLiteral("--help")});
    EXPECT_TRUE(ask.out.contains("--no-redact")) << ask.out.constData();
    EXPECT_TRUE(ask.out.contains("secrets-allow.json")) << ask.out.constData();
    const CliRun scan = runCli({QStringLiteral("scan"), QStringLiteral("--help")});
    EXPECT_TRUE(scan.out.contains("allow list")) << scan.out.constData();
}
