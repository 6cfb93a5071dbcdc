// SPDX-License-Identifier: MIT
// The secret scanner's parts: validators, the keyword pre-filter, rule overlays, masking,
// redaction, and the secret-file exclusions.
#include "repo/exclusionrules.h"
#include "secretsamples.h"
#include "security/secrets/keywordfilter.h"
#include "security/secrets/secretscanner.h"
#include "security/secrets/validators.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtConcurrent/QtConcurrentRun>

#include <gtest/gtest.h>

#include <random>

using namespace reposcope::security::secrets;
using reposcope::test::secrets::Sample;
using reposcope::test::secrets::SampleGenerator;

namespace {

void writeFile(const QString &path, const QByteArray &bytes) {
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

} // namespace

TEST(SecretValidators, EntropyAndChecksums) {
    EXPECT_DOUBLE_EQ(validators::shannonEntropy("aaaa"), 0.0);
    EXPECT_DOUBLE_EQ(validators::shannonEntropy("abcd"), 2.0);
    EXPECT_DOUBLE_EQ(validators::shannonEntropy("0123456789abcdef"), 4.0);
    EXPECT_EQ(validators::crc32("123456789"), 0xCBF43926u); // the CRC-32 check value
    EXPECT_EQ(validators::base62(0, 6), QByteArray("000000"));
    EXPECT_EQ(validators::base62(61, 2), QByteArray("0z"));
    EXPECT_EQ(validators::base62(62, 1), QByteArray("10"));
    SampleGenerator gen(3);
    for (int i = 0; i < 20; ++i) {
        QByteArray token = gen.githubToken("ghp_");
        EXPECT_EQ(validators::crc32(token.mid(4, 30)),
                  reposcope::test::secrets::crc32Bitwise(token.mid(4, 30)));
        EXPECT_TRUE(validators::githubChecksumValid(token)) << token.constData();
        token[4 + i] = token[4 + i] == 'Q' ? 'R' : 'Q';
        EXPECT_FALSE(validators::githubChecksumValid(token)) << token.constData();
    }
}

TEST(SecretValidators, JwtPlaceholdersAndCharacterMix) {
    const QByteArray header =
        QByteArray(R"({"alg":"none"})")
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    EXPECT_TRUE(validators::jwtHeaderValid(QByteArray(header + ".eyJzdWIiOiIxIn0.c2ln")));
    EXPECT_FALSE(validators::jwtHeaderValid("eyJub3Rqc29u.eyJzdWIiOiIxIn0.c2ln"));
    const QByteArray array = QByteArray("[1,2]").toBase64(QByteArray::Base64UrlEncoding);
    EXPECT_FALSE(validators::jwtHeaderValid(QByteArray(array + ".x.y")));
    const QStringList words{QStringLiteral("example"), QStringLiteral("xxxx"),
                            QStringLiteral("changeme"), QStringLiteral("password")};
    EXPECT_TRUE(validators::isPlaceholder("AKIAIOSFODNN7EXAMPLE", words));
    EXPECT_TRUE(validators::isPlaceholder("ghp_xxxxxxxxxxxxxxxx", words));
    EXPECT_TRUE(validators::isPlaceholder("${API_KEY}", words));
    EXPECT_TRUE(validators::isPlaceholder("<your key>", words));
    EXPECT_TRUE(validators::isPlaceholder("{{ .Values.key }}", words));
    EXPECT_TRUE(validators::isPlaceholder("00000000000000", words));
    EXPECT_TRUE(validators::isPlaceholder("pa%73sword", words)); // "password", percent-encoded
    EXPECT_FALSE(validators::isPlaceholder("q8Xr2LmZ0pVt7Wc", words));
    EXPECT_TRUE(validators::mixedCharacters("abc123"));
    EXPECT_FALSE(validators::mixedCharacters("abcdef"));
    EXPECT_TRUE(validators::lettersAndDigits("a1"));
    EXPECT_FALSE(validators::lettersAndDigits("ABCdef"));
    EXPECT_TRUE(validators::base64Decodes("c2VjcmV0LXZhbHVlLTE=", 8));
    EXPECT_FALSE(validators::base64Decodes("not*base64*at*all", 8));
}

TEST(SecretKeywordFilter, AgreesWithAPlainSearch) {
    const QList<QByteArray> keywords{"ghp_",    "akia", "-----begin", "token", "ken",
                                     "sk-ant-", "a",    "://",        "aiza"};
    const KeywordFilter filter(keywords);
    std::mt19937 rng(5);
    const QByteArray alphabet = "ghp_akiAKIA-begin tokenTOKEN:/sz";
    for (int round = 0; round < 500; ++round) {
        QByteArray text;
        const int n = int(rng() % 60);
        for (int i = 0; i < n; ++i)
            text += alphabet[int(rng() % alphabet.size())];
        const std::vector<bool> found = filter.present(text);
        for (qsizetype k = 0; k < keywords.size(); ++k)
            EXPECT_EQ(found[size_t(k)], text.toLower().contains(keywords[k]))
                << text.constData() << " / " << keywords[k].constData();
    }
}

TEST(SecretRules, UserAndRepositoryFilesOverlayTheBuiltInRules) {
    QTemporaryDir dir;
    const QString user = dir.filePath(QStringLiteral("user.json"));
    const QString repo = dir.filePath(QStringLiteral("repo.json"));
    writeFile(user, R"({"rules": [{"id": "jwt", "enabled": false},
        {"id": "internal-ticket-token", "description": "Our ticket system's token",
         "severity": "low", "keywords": ["tkt-"], "pattern": "tkt-[0-9a-f]{24}"}]})");
    writeFile(repo, R"({"allow": ["AKIA[A-Z2-7]{12}TEST"], "placeholders": ["sandbox"]})");
    QStringList warnings;
    const RuleSet set = RuleSet::load(user, repo, &warnings);
    EXPECT_TRUE(warnings.isEmpty()) << warnings.join(u'\n').toStdString();
    ASSERT_TRUE(set.rule(QStringLiteral("jwt")));
    EXPECT_FALSE(set.rule(QStringLiteral("jwt"))->enabled);
    ASSERT_TRUE(set.rule(QStringLiteral("internal-ticket-token")));
    EXPECT_EQ(set.rules().size(), RuleSet::builtIn().rules().size() + 1);

    const SecretScanner scanner(set);
    SampleGenerator gen(4);
    const QByteArray header =
        QByteArray(R"({"alg":"HS256"})")
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QByteArray text =
        "t = " + header + ".eyJ" + gen.base64url(20) + "." + gen.base64url(30) + "\nticket: tkt-" +
        gen.hex(24) + "\nid: AKIA" + gen.fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 12) + "TEST\n" +
        "id2: AKIASANDBOX" + gen.fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 9) + "\nid3: AKIA" +
        gen.fromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 16) + "\n";
    const QList<SecretHit> hits = scanner.scan(QByteArrayView(text));
    QStringList ids;
    for (const SecretHit &h : hits)
        ids << h.ruleId + QLatin1Char(':') + QString::number(h.line);
    // No JWT (switched off), the new rule, and only the AKIA id the allow list and the extra
    // placeholder word leave.
    EXPECT_EQ(ids, (QStringList{QStringLiteral("internal-ticket-token:2"),
                                QStringLiteral("aws-access-key-id:5")}));
    // The built-in set alone finds the JWT and all three ids.
    EXPECT_EQ(SecretScanner(RuleSet::builtIn()).scan(QByteArrayView(text)).size(), 4);
}

TEST(SecretRules, ABrokenOverlayIsReportedAndSkipped) {
    QTemporaryDir dir;
    const QString user = dir.filePath(QStringLiteral("user.json"));
    writeFile(user, "{\"rules\": [{\"id\": \"x\"}]}"); // no pattern
    const QString repo = dir.filePath(QStringLiteral("repo.json"));
    writeFile(repo, "{ not json");
    QStringList warnings;
    const RuleSet set = RuleSet::load(user, repo, &warnings);
    ASSERT_EQ(warnings.size(), 2);
    EXPECT_TRUE(warnings[0].contains(QStringLiteral("no \"pattern\"")))
        << warnings[0].toStdString();
    EXPECT_TRUE(warnings[1].contains(QStringLiteral("not valid JSON")))
        << warnings[1].toStdString();
    EXPECT_EQ(set.rules(), RuleSet::builtIn().rules());

    RuleSet bad = *RuleSet::fromJson(R"({"rules": [{"id": "b", "pattern": "(unclosed"}]})");
    const SecretScanner scanner(bad);
    ASSERT_EQ(scanner.problems().size(), 1);
    EXPECT_TRUE(scanner.problems()[0].contains(QStringLiteral("secret rule b")));
    EXPECT_TRUE(scanner.scan(QByteArrayView("(unclosed")).isEmpty());
}

TEST(SecretRedaction, KeepsLinesAndTheCodeAround) {
    SampleGenerator gen(12);
    const SecretScanner scanner(RuleSet::builtIn());
    QList<Sample> samples;
    for (const Sample &s : gen.onePerRule())
        if (scanner.rules().rule(s.ruleId)->paths.isEmpty()) // path-bound rules: see the CLI test
            samples << s;
    for (const QByteArray &eol : {QByteArray("\n"), QByteArray("\r\n")}) {
        QByteArray text;
        QList<QByteArray> markers;
        for (const Sample &s : samples) {
            QByteArray t = "// before " + s.ruleId.toUtf8() + "\n" + s.text + "// after\n";
            text += t.replace("\n", eol);
        }
        const QList<SecretHit> hits = scanner.scan(QByteArrayView(text));
        const QByteArray redacted = redact(QByteArrayView(text), hits);
        EXPECT_EQ(redacted.count('\n'), text.count('\n'));
        EXPECT_EQ(redacted.count("\r\n"), text.count("\r\n"));
        for (const Sample &s : samples) {
            QByteArray secret = s.secret;
            secret.replace("\n", eol);
            EXPECT_FALSE(redacted.contains(secret)) << s.ruleId.toStdString();
            EXPECT_TRUE(redacted.contains(QByteArray("// before " + s.ruleId.toUtf8() + eol)));
            EXPECT_TRUE(redacted.contains(redactionMarker(s.ruleId).toUtf8()))
                << s.ruleId.toStdString();
        }
        // Line by line: every line without a secret is unchanged.
        const QList<QByteArray> before = text.split('\n'), after = redacted.split('\n');
        ASSERT_EQ(before.size(), after.size());
        for (qsizetype i = 0; i < before.size(); ++i)
            if (!after[i].contains("«redacted:")) {
                EXPECT_EQ(before[i], after[i]);
            }
    }
    // A six-line key becomes six marker lines.
    const QByteArray key = gen.pem("RSA PRIVATE KEY", 3);
    ASSERT_EQ(key.count('\n'), 5);
    const QByteArray text = "a\n" + key + "\nb\n";
    EXPECT_EQ(redact(QByteArrayView(text), scanner.scan(QByteArrayView(text))),
              QByteArray("a\n") + QByteArray("«redacted:private-key»\n").repeated(6) + "b\n");
}

TEST(SecretRedaction, QStringOffsetsAreUtf16) {
    SampleGenerator gen(13);
    const SecretScanner scanner(RuleSet::builtIn());
    const QByteArray token = gen.githubToken("ghp_");
    const QString text = QStringLiteral("// naïve café 😀 — ünïcode\nconst t = \"ü") +
                         QString::fromLatin1(token) + QStringLiteral("\"; // 😀 done\n");
    const QList<SecretHit> hits = scanner.scan(text, "a.js");
    ASSERT_EQ(hits.size(), 1);
    EXPECT_EQ(text.mid(hits[0].begin, hits[0].end - hits[0].begin), QString::fromLatin1(token));
    EXPECT_EQ(hits[0].line, 2);
    EXPECT_EQ(hits[0].column, 13);
    EXPECT_EQ(hits[0].masked, QStringLiteral("ghp_…") + QString::fromLatin1(token.right(2)));
    EXPECT_EQ(redact(text, hits),
              QStringLiteral("// naïve café 😀 — ünïcode\nconst t = \"ü«redacted:github-pat»\"; "
                             "// 😀 done\n"));
}

TEST(SecretScannerThreads, ConcurrentScansAgree) {
    SampleGenerator gen(14);
    QByteArray text;
    for (const Sample &s : gen.onePerRule())
        text += s.text;
    const SecretScanner scanner(RuleSet::builtIn());
    const QList<SecretHit> expected = scanner.scan(QByteArrayView(text));
    ASSERT_GT(expected.size(), 50);
    QList<QFuture<QList<SecretHit>>> runs;
    for (int i = 0; i < 8; ++i)
        runs << QtConcurrent::run([&] { return scanner.scan(QByteArrayView(text)); });
    for (QFuture<QList<SecretHit>> &f : runs)
        EXPECT_EQ(f.result(), expected);
}

TEST(SecretFiles, ExcludedByNameUnlessSwitchedOff) {
    using reposcope::repo::ExclusionRules;
    for (const char *name : {".env",
                             ".env.local",
                             ".env.production",
                             "server.pem",
                             "tls.key",
                             "id_rsa",
                             "id_ed25519",
                             "id_ecdsa_sk",
                             "cert.p12",
                             "cert.pfx",
                             "release.keystore",
                             "app.jks",
                             ".npmrc",
                             ".pypirc",
                             ".netrc",
                             "credentials.json",
                             "credentials-prod.json",
                             "service-account.json",
                             "ci-sa-key.json",
                             ".pgpass",
                             "deploy.ppk"})
        EXPECT_TRUE(ExclusionRules::isSecretFileName(name)) << name;
    for (const char *name :
         {".env.example", ".env.sample", ".env.template", "id_rsa.pub", "environment.ts", "keys.go",
          "package.json", "key.txt", "my.pem.txt", "credentials.go", ".envrc"})
        EXPECT_FALSE(ExclusionRules::isSecretFileName(name)) << name;
    reposcope::repo::ScanOptions options;
    EXPECT_EQ(ExclusionRules(options).classify("config/.env", 10),
              reposcope::repo::Exclusion::SecretFile);
    EXPECT_EQ(reposcope::repo::exclusionLabel(reposcope::repo::Exclusion::SecretFile),
              QStringLiteral("secret file"));
    options.excludeSecretFiles = false;
    EXPECT_EQ(ExclusionRules(options).classify("config/.env", 10),
              reposcope::repo::Exclusion::None);
}
