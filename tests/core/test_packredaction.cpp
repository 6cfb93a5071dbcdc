// SPDX-License-Identifier: MIT
// The privacy guard on a real pack of a real scratch repository: planted secrets (generated
// when the test runs) are replaced by markers with the line structure kept, the manifest
// still points at each file's content, the allow list and warn mode let secrets through,
// the token delta is what a recount gives, and citations verify against the marker text.
#include "findings/citationverifier.h"
#include "prompt/packwriter.h"
#include "scanhelpers.h"
#include "scratchrepo.h"
#include "secretsamples.h"
#include "security/secrets/secretscanner.h"
#include "tokenize/estimatortokenizer.h"
#include "workspace/packpreparation.h"

#include <QBuffer>
#include <QThreadPool>

#include <gtest/gtest.h>

using namespace reposcope;
using security::secrets::AllowList;
using security::secrets::RuleSet;
using security::secrets::SecretHit;
using security::secrets::SecretScanner;
using test::ScratchRepo;
using test::secrets::Sample;
using test::secrets::SampleGenerator;
using workspace::RedactionPolicy;

namespace {

std::shared_ptr<const SecretScanner> builtInScanner() {
    static const auto s = std::make_shared<const SecretScanner>(RuleSet::builtIn());
    return s;
}

// The marker lines a secret becomes: one marker per line it spans.
QByteArray markersFor(const QString &ruleId, const QByteArray &secret) {
    const QByteArray marker = security::secrets::redactionMarker(ruleId).toUtf8();
    QByteArray out = marker;
    for (const char c : secret)
        if (c == '\n')
            out += '\n' + marker;
    return out;
}

int lineOf(const QByteArray &text, const QByteArray &needle) {
    const qsizetype at = text.indexOf(needle);
    return at < 0 ? 0 : int(text.left(at).count('\n')) + 1;
}

struct PlantedFile {
    QByteArray path;
    QByteArray content;
    QList<Sample> secrets;
    QByteArray expected; // content with every secret replaced by its markers
};

class PackRedactionTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        SampleGenerator gen(19);
        QHash<QString, QList<Sample>> byRule;
        for (const Sample &s : gen.onePerRule())
            byRule[s.ruleId] << s;
        const auto pick = [&](const char *rule) { return byRule.value(QLatin1String(rule)).at(0); };
        plant("src/settings.py", {pick("aws-secret-access-key"), pick("github-pat")});
        plant("deploy/notes.txt", {pick("private-key"), pick("slack-bot-token")});
        plant("web/client.ts", {pick("generic-secret"), pick("jwt")});
        plant("scripts/db.sh", {pick("url-password"), pick("stripe-secret-key")});
        m_repo.write(QStringLiteral("README.md"), "# Shop\nNo secrets here.\n");
        m_snapshot = test::scanned(m_repo.path());
        ASSERT_TRUE(m_snapshot);
        for (const PlantedFile &f : m_files) {
            m_nodes.push_back(m_snapshot->find(f.path));
            ASSERT_GT(m_nodes.back(), 0) << f.path.constData();
        }
        m_nodes.push_back(m_snapshot->find("README.md"));
        m_options.lineNumbers = GetParam();
        QBuffer buffer(&m_pack);
        buffer.open(QIODevice::WriteOnly);
        Result<prompt::PackStats> stats =
            prompt::writePack(*m_snapshot, m_nodes, prompt::PackFormat(m_options), buffer, &m_pool);
        ASSERT_TRUE(stats.ok()) << stats.error().message.toStdString();
        m_manifest = stats->manifest;
        ASSERT_EQ(m_manifest.size(), m_files.size() + 1);
    }

    void plant(const char *path, const QList<Sample> &samples) {
        PlantedFile f;
        f.path = path;
        f.content = "# first line of " + f.path + "\n";
        for (const Sample &s : samples) {
            f.content += "# before " + s.ruleId.toUtf8() + "\n" + s.text;
            if (!f.content.endsWith('\n'))
                f.content += '\n';
            f.content += "# after " + s.ruleId.toUtf8() + "\n";
        }
        f.content += "# last line of " + f.path + "\n";
        f.expected = f.content;
        for (const Sample &s : samples) {
            ASSERT_TRUE(f.expected.contains(s.secret));
            f.expected.replace(s.secret, markersFor(s.ruleId, s.secret));
        }
        f.secrets = samples;
        m_repo.write(QString::fromUtf8(f.path), f.content);
        m_files << f;
    }

    workspace::RedactedPack redacted(const RedactionPolicy &policy) const {
        return workspace::redactPack(m_pack, m_manifest, policy, m_options.lineNumbers);
    }

    // Each file's text in `pack` as the model reads it (line prefixes removed).
    findings::SourceSetPtr sourcesOf(const workspace::RedactedPack &pack) const {
        return findings::makePackSourceSet(m_snapshot, pack.text, pack.manifest, m_options);
    }

    ScratchRepo m_repo;
    QThreadPool m_pool;
    QList<PlantedFile> m_files;
    repo::SnapshotPtr m_snapshot;
    std::vector<int> m_nodes;
    prompt::PackOptions m_options;
    QByteArray m_pack;
    prompt::PackManifest m_manifest;
};

RedactionPolicy redacting() {
    RedactionPolicy policy;
    policy.scanner = builtInScanner();
    return policy;
}

const SecretHit *hitIn(const QList<SecretHit> &hits, const QByteArray &path, const QString &rule) {
    for (const SecretHit &h : hits)
        if (h.path == path && h.ruleId == rule)
            return &h;
    return nullptr;
}

} // namespace

TEST_P(PackRedactionTest, EverySecretBecomesItsMarkersAndTheRestOfEachFileStays) {
    const workspace::RedactedPack out = redacted(redacting());
    const findings::SourceSetPtr sources = sourcesOf(out);
    for (const PlantedFile &f : m_files) {
        for (const Sample &s : f.secrets) {
            EXPECT_FALSE(out.text.contains(s.secret)) << s.ruleId.toStdString();
            EXPECT_TRUE(out.text.contains(security::secrets::redactionMarker(s.ruleId).toUtf8()));
        }
        // The manifest points at exactly the redacted file: every other byte is the file's.
        const std::optional<QByteArray> sent = sources->text(QString::fromUtf8(f.path));
        ASSERT_TRUE(sent) << f.path.constData();
        EXPECT_EQ(*sent, f.expected) << f.path.constData();
        EXPECT_EQ(sent->count('\n'), f.content.count('\n')) << f.path.constData();
    }
    const std::optional<QByteArray> readme = sources->text(QStringLiteral("README.md"));
    ASSERT_TRUE(readme);
    EXPECT_EQ(*readme, "# Shop\nNo secrets here.\n");
    // Outside the files' contents (preamble, tree, headers), the pack is unchanged.
    QByteArray frameBefore = m_pack, frameAfter = out.text;
    for (qsizetype i = m_manifest.size() - 1; i >= 0; --i) {
        frameBefore.remove(m_manifest[i].offset, m_manifest[i].length);
        frameAfter.remove(out.manifest[i].offset, out.manifest[i].length);
    }
    EXPECT_EQ(frameBefore, frameAfter);
    EXPECT_TRUE(out.secrets.allowed.isEmpty());
    EXPECT_TRUE(out.secrets.warned.isEmpty());
}

TEST_P(PackRedactionTest, HitsCarryTheFilesOwnPathLineAndColumn) {
    const workspace::RedactedPack out = redacted(redacting());
    int planted = 0;
    for (const PlantedFile &f : m_files) {
        for (const Sample &s : f.secrets) {
            ++planted;
            const SecretHit *h = hitIn(out.secrets.redacted, f.path, s.ruleId);
            ASSERT_TRUE(h) << f.path.constData() << " " << s.ruleId.toStdString();
            const qsizetype at = f.content.indexOf(s.secret);
            const qsizetype lineStart = f.content.lastIndexOf('\n', at - 1) + 1;
            EXPECT_EQ(h->line, lineOf(f.content, s.secret)) << s.ruleId.toStdString();
            EXPECT_EQ(h->column, int(at - lineStart) + 1) << s.ruleId.toStdString();
            EXPECT_EQ(h->endLine, h->line + int(s.secret.count('\n')));
        }
    }
    EXPECT_EQ(out.secrets.redacted.size(), planted);
    // The fingerprints are those a scan of the file itself gives (the workspace scan's).
    for (const PlantedFile &f : m_files) {
        const QList<SecretHit> direct = builtInScanner()->scan(QByteArrayView(f.content), f.path);
        for (const SecretHit &d : direct) {
            const SecretHit *h = hitIn(out.secrets.redacted, f.path, d.ruleId);
            ASSERT_TRUE(h);
            EXPECT_EQ(h->fingerprint, d.fingerprint);
        }
    }
}

TEST_P(PackRedactionTest, AMultiLineKeyBecomesAsManyMarkerLines) {
    const PlantedFile &notes = m_files[1];
    const Sample &key = notes.secrets[0];
    ASSERT_EQ(key.ruleId, QStringLiteral("private-key"));
    const int keyLines = int(key.secret.count('\n')) + 1;
    ASSERT_GT(keyLines, 5);
    const workspace::RedactedPack out = redacted(redacting());
    const QByteArray sent = *sourcesOf(out)->text(QStringLiteral("deploy/notes.txt"));
    const QList<QByteArray> lines = sent.split('\n');
    const int first = lineOf(notes.content, key.secret);
    for (int i = 0; i < keyLines; ++i)
        EXPECT_EQ(lines.at(first - 1 + i), "«redacted:private-key»") << "line " << first + i;
    // The line after the key keeps its number.
    EXPECT_EQ(lines.at(first - 1 + keyLines), "# after private-key");
    EXPECT_EQ(lineOf(sent, "# after private-key"), lineOf(notes.content, "# after private-key"));
}

TEST_P(PackRedactionTest, AllowedBySecretRuleOrFileIsSentAsItIs) {
    const workspace::RedactedPack first = redacted(redacting());
    const SecretHit *pat =
        hitIn(first.secrets.redacted, "src/settings.py", QStringLiteral("github-pat"));
    ASSERT_TRUE(pat);
    const QByteArray patSecret = m_files[0].secrets[1].secret;

    RedactionPolicy bySecret = redacting();
    bySecret.allow.allowSecret(pat->fingerprint);
    workspace::RedactedPack out = redacted(bySecret);
    EXPECT_TRUE(out.text.contains(patSecret));
    ASSERT_EQ(out.secrets.allowed.size(), 1);
    EXPECT_EQ(out.secrets.allowed[0].fingerprint, pat->fingerprint);
    EXPECT_EQ(out.secrets.redacted.size(), first.secrets.redacted.size() - 1);
    EXPECT_FALSE(out.text.contains(m_files[0].secrets[0].secret)); // its neighbour is not allowed

    RedactionPolicy byRule = redacting();
    byRule.allow.allowRule(QStringLiteral("jwt"));
    out = redacted(byRule);
    EXPECT_TRUE(out.text.contains(m_files[2].secrets[1].secret));
    ASSERT_EQ(out.secrets.allowed.size(), 1);
    EXPECT_EQ(out.secrets.allowed[0].ruleId, QStringLiteral("jwt"));
    EXPECT_FALSE(out.text.contains(m_files[2].secrets[0].secret));

    RedactionPolicy byFile = redacting();
    byFile.allow.allowFile("scripts/db.sh");
    out = redacted(byFile);
    EXPECT_EQ(*sourcesOf(out)->text(QStringLiteral("scripts/db.sh")), m_files[3].content);
    EXPECT_EQ(out.secrets.allowed.size(), 2);
    EXPECT_EQ(*sourcesOf(out)->text(QStringLiteral("src/settings.py")), m_files[0].expected);
}

TEST_P(PackRedactionTest, WarnModeSendsThePackAsItIsAndReportsEverySecret) {
    RedactionPolicy warn = redacting();
    warn.redact = false;
    const workspace::RedactedPack out = redacted(warn);
    EXPECT_EQ(out.text, m_pack);
    EXPECT_EQ(out.manifest.size(), m_manifest.size());
    for (qsizetype i = 0; i < m_manifest.size(); ++i) {
        EXPECT_EQ(out.manifest[i].offset, m_manifest[i].offset);
        EXPECT_EQ(out.manifest[i].length, m_manifest[i].length);
    }
    EXPECT_TRUE(out.secrets.redacted.isEmpty());
    EXPECT_EQ(out.secrets.warned.size(), 8);
    EXPECT_EQ(out.secrets.total(), 8);

    const workspace::RedactedPack none = redacted(RedactionPolicy{});
    EXPECT_EQ(none.text, m_pack);
    EXPECT_TRUE(none.secrets.isEmpty());
}

TEST_P(PackRedactionTest, PreparePackSendsTheRedactedPackAndCountsTheTokenDelta) {
    const tokenize::EstimatorTokenizer tokenizer;
    Result<workspace::PreparedPack> prepared =
        workspace::preparePack(m_snapshot, m_nodes, prompt::PackFormat(m_options), &m_pool, nullptr,
                               redacting(), tokenizer);
    ASSERT_TRUE(prepared.ok()) << prepared.error().message.toStdString();
    EXPECT_EQ(prepared->files, int(m_nodes.size()));
    EXPECT_EQ(prepared->secrets.redacted.size(), 8);
    qint64 recount = 0;
    for (const PlantedFile &f : m_files) {
        for (const Sample &s : f.secrets)
            EXPECT_FALSE(prepared->text.contains(s.secret));
        const std::optional<QByteArray> sent = prepared->sources->text(QString::fromUtf8(f.path));
        ASSERT_TRUE(sent);
        EXPECT_EQ(*sent, f.expected);
        if (!m_options.lineNumbers)
            recount +=
                tokenizer.count(sent->toStdString()) - tokenizer.count(f.content.toStdString());
    }
    if (m_options.lineNumbers) {
        // With prefixes: the same files recounted as the pack holds them, through the manifest
        // of an independent pack written without the guard and one written with it.
        const workspace::RedactedPack out = redacted(redacting());
        for (qsizetype i = 0; i < m_manifest.size(); ++i)
            recount += tokenizer.count(QByteArrayView(out.text)
                                           .sliced(out.manifest[i].offset, out.manifest[i].length)
                                           .toByteArray()
                                           .toStdString()) -
                       tokenizer.count(QByteArrayView(m_pack)
                                           .sliced(m_manifest[i].offset, m_manifest[i].length)
                                           .toByteArray()
                                           .toStdString());
        EXPECT_EQ(prepared->text, out.text);
    }
    EXPECT_NE(prepared->tokenDelta, 0);
    EXPECT_EQ(prepared->tokenDelta, recount);

    RedactionPolicy warn = redacting();
    warn.redact = false;
    prepared = workspace::preparePack(m_snapshot, m_nodes, prompt::PackFormat(m_options), &m_pool,
                                      nullptr, warn, tokenizer);
    ASSERT_TRUE(prepared.ok());
    EXPECT_EQ(prepared->tokenDelta, 0);
    EXPECT_EQ(prepared->text, m_pack);
    EXPECT_EQ(prepared->secrets.warned.size(), 8);
}

TEST_P(PackRedactionTest, CitationsVerifyAgainstTheMarkerText) {
    const tokenize::EstimatorTokenizer tokenizer;
    const Result<workspace::PreparedPack> prepared =
        workspace::preparePack(m_snapshot, m_nodes, prompt::PackFormat(m_options), &m_pool, nullptr,
                               redacting(), tokenizer);
    ASSERT_TRUE(prepared.ok());
    const findings::CitationVerifier verifier(prepared->sources);
    const PlantedFile &settings = m_files[0];
    const Sample &aws = settings.secrets[0];
    const int line = lineOf(settings.content, aws.secret);
    findings::Citation citation;
    citation.path = QStringLiteral("src/settings.py");
    citation.startLine = citation.endLine = line;
    citation.text = QStringLiteral("src/settings.py:%1").arg(line);
    const QString markerLine = QString::fromUtf8(settings.expected.split('\n').at(line - 1));
    ASSERT_TRUE(markerLine.contains(QStringLiteral("«redacted:aws-secret-access-key»")));
    findings::ResolvedLocation r = verifier.verify(citation, markerLine);
    EXPECT_EQ(r.status, findings::VerificationStatus::Verified) << r.note.toStdString();
    // The secret itself was never sent: a quote of it does not verify.
    r = verifier.verify(citation, QString::fromUtf8(aws.secret));
    EXPECT_NE(r.status, findings::VerificationStatus::Verified);
    // A line after the key keeps its number.
    const int after = lineOf(m_files[1].content, "# after slack-bot-token");
    citation.path = QStringLiteral("deploy/notes.txt");
    citation.startLine = citation.endLine = after;
    r = verifier.verify(citation, QStringLiteral("# after slack-bot-token"));
    EXPECT_EQ(r.status, findings::VerificationStatus::Verified) << r.note.toStdString();
}

INSTANTIATE_TEST_SUITE_P(LineNumbers, PackRedactionTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &info) {
                             return info.param ? "Numbered" : "Plain";
                         });

TEST(RedactText, AQuestionsSecretIsReplacedAndReportedWithItsLabel) {
    SampleGenerator gen(7);
    const QByteArray token = gen.githubToken("ghp_");
    const QString question = QStringLiteral("Why does CI fail?\nI set GITHUB_TOKEN=%1 in the job.")
                                 .arg(QLatin1String(token));
    workspace::SecretReport report;
    const QString sent =
        workspace::redactText(question, QStringLiteral("question"), redacting(), &report);
    EXPECT_EQ(sent, QStringLiteral("Why does CI fail?\nI set GITHUB_TOKEN=«redacted:github-pat» "
                                   "in the job."));
    ASSERT_EQ(report.redacted.size(), 1);
    EXPECT_EQ(report.redacted[0].path, "question");
    EXPECT_EQ(report.redacted[0].line, 2);

    RedactionPolicy allow = redacting();
    allow.allow.allowFile("question");
    workspace::SecretReport allowed;
    EXPECT_EQ(workspace::redactText(question, QStringLiteral("question"), allow, &allowed),
              question);
    EXPECT_EQ(allowed.allowed.size(), 1);
    EXPECT_EQ(
        workspace::redactText(question, QStringLiteral("question"), RedactionPolicy{}, nullptr),
        question);

    report.append(allowed);
    EXPECT_EQ(report.total(), 2);
    EXPECT_EQ(report.redacted.size(), 1);
    EXPECT_EQ(report.allowed.size(), 1);
    EXPECT_FALSE(report.isEmpty());
}

TEST(PackRedactionCrlf, ACrlfKeyKeepsItsLineBreaksAndLineCount) {
    SampleGenerator gen(11);
    const QByteArray key = gen.pem("EC PRIVATE KEY", 5, "\r\n");
    const QByteArray content = "first\r\nconst key = `" + key + "`\r\nlast line\r\n";
    ScratchRepo repo;
    repo.write(QStringLiteral("keys.go"), content);
    const repo::SnapshotPtr snapshot = test::scanned(repo.path());
    ASSERT_TRUE(snapshot);
    for (const bool numbered : {false, true}) {
        prompt::PackOptions options;
        options.lineNumbers = numbered;
        QThreadPool pool;
        const tokenize::EstimatorTokenizer tokenizer;
        const Result<workspace::PreparedPack> prepared = workspace::preparePack(
            snapshot, {snapshot->find("keys.go")}, prompt::PackFormat(options), &pool, nullptr,
            redacting(), tokenizer);
        ASSERT_TRUE(prepared.ok());
        const std::optional<QByteArray> sent = prepared->sources->text(QStringLiteral("keys.go"));
        ASSERT_TRUE(sent);
        QByteArray expected = content;
        const QByteArray markers =
            QByteArray("«redacted:private-key»\r\n").repeated(key.count('\n')) +
            QByteArray("«redacted:private-key»");
        expected.replace(key, markers);
        EXPECT_EQ(*sent, expected) << "numbered " << numbered;
        EXPECT_EQ(sent->count('\n'), content.count('\n'));
        ASSERT_EQ(prepared->secrets.redacted.size(), 1);
        EXPECT_EQ(prepared->secrets.redacted[0].line, 2);
        EXPECT_EQ(prepared->secrets.redacted[0].endLine, 2 + int(key.count('\n')));
    }
}
