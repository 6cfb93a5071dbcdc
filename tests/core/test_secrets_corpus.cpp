// SPDX-License-Identifier: MIT
// The scanner against planted secrets (generated when the test runs, seeded) and against
// text that looks like secrets but is not.
#include "secretsamples.h"
#include "security/secrets/secretscanner.h"

#include <QSet>

#include <gtest/gtest.h>

using reposcope::security::secrets::RuleSet;
using reposcope::security::secrets::SecretHit;
using reposcope::security::secrets::SecretScanner;
using reposcope::test::secrets::Sample;
using reposcope::test::secrets::SampleGenerator;

namespace {

const SecretScanner &scanner() {
    static const SecretScanner s(RuleSet::builtIn());
    return s;
}

// The hit that covers exactly `secret` in `text`, or null.
const SecretHit *hitFor(const QList<SecretHit> &hits, const QByteArray &text,
                        const QByteArray &secret) {
    for (const SecretHit &h : hits)
        if (text.mid(h.begin, h.end - h.begin) == secret)
            return &h;
    return nullptr;
}

std::string describe(const QList<SecretHit> &hits) {
    std::string out;
    for (const SecretHit &h : hits)
        out += " [" + h.ruleId.toStdString() + " " + std::to_string(h.begin) + ".." +
               std::to_string(h.end) + "]";
    return out.empty() ? " none" : out;
}

void expectAllFound(const QByteArray &text, const QList<Sample> &planted, const char *where,
                    const QByteArray &path = "planted.txt") {
    const QList<SecretHit> hits = scanner().scan(QByteArrayView(text), path);
    for (const Sample &s : planted) {
        const SecretHit *h = hitFor(hits, text, s.secret);
        EXPECT_TRUE(h) << where << ": " << s.ruleId.toStdString()
                       << " not found; hits:" << describe(hits);
        if (h) {
            EXPECT_EQ(h->ruleId, s.ruleId) << where;
        }
    }
}

} // namespace

TEST(SecretCorpus, BuiltInRulesAllCompile) {
    EXPECT_TRUE(scanner().problems().isEmpty()) << scanner().problems().join(u'\n').toStdString();
    EXPECT_GE(scanner().rules().rules().size(), 50);
}

TEST(SecretCorpus, EverySampleIsFoundByItsRuleAndEveryRuleHasASample) {
    SampleGenerator gen(19);
    const QList<Sample> samples = gen.onePerRule();
    QSet<QString> covered;
    for (const Sample &s : samples) {
        covered.insert(s.ruleId);
        const QList<SecretHit> hits = scanner().scan(QByteArrayView(s.text), s.path);
        const SecretHit *h = hitFor(hits, s.text, s.secret);
        ASSERT_TRUE(h) << s.ruleId.toStdString() << " missed in:\n"
                       << s.text.toStdString() << "hits:" << describe(hits);
        EXPECT_EQ(h->ruleId, s.ruleId) << s.text.toStdString();
        EXPECT_EQ(hits.size(), 1) << s.ruleId.toStdString() << describe(hits);
        EXPECT_FALSE(h->masked.toUtf8().contains(s.secret));
    }
    for (const auto &rule : scanner().rules().rules())
        EXPECT_TRUE(covered.contains(rule.id)) << "no sample for rule " << rule.id.toStdString();
}

TEST(SecretCorpus, ManySeedsAllCaught) {
    // Different random draws of every format: no format is caught only by luck.
    for (quint64 seed = 100; seed < 140; ++seed) {
        SampleGenerator gen(seed);
        for (const Sample &s : gen.onePerRule()) {
            const QList<SecretHit> hits = scanner().scan(QByteArrayView(s.text), s.path);
            const SecretHit *h = hitFor(hits, s.text, s.secret);
            EXPECT_TRUE(h && h->ruleId == s.ruleId)
                << "seed " << seed << " " << s.ruleId.toStdString() << ":\n"
                << s.text.toStdString() << "hits:" << describe(hits);
        }
    }
}

TEST(SecretCorpus, InsideJsonYamlTomlAndStrings) {
    SampleGenerator gen(7);
    QList<Sample> tokens;
    for (const Sample &s : gen.onePerRule())
        if (!s.secret.contains('\n') && !s.ruleId.startsWith(QLatin1String("generic")) &&
            s.ruleId != QLatin1String("kubernetes-secret-data") &&
            s.ruleId != QLatin1String("pgpass-password") &&
            s.ruleId != QLatin1String("htpasswd-hash") &&
            s.ruleId != QLatin1String("netrc-password"))
            tokens << s;
    // Each token in the surroundings its own sample gives, inside a JSON document, a YAML
    // file, a TOML file and a string in code.
    QByteArray json = "{\n  \"services\": [\n";
    QByteArray yaml = "services:\n";
    QByteArray toml = "[services]\n";
    QByteArray code = "def settings():\n    return [\n";
    for (const Sample &s : tokens) {
        QByteArray line = s.text.trimmed();
        QByteArray escaped = line;
        escaped.replace('\\', "\\\\").replace('"', "\\\"");
        json += "    {\"name\": \"svc\", \"config\": \"" + escaped + "\"},\n";
        yaml += "  - config: '" + QByteArray(line).replace('\'', "''") + "'\n";
        toml += "config = \"\"\"" + line + "\"\"\"\n";
        code += "        (\"" + escaped + "\"),\n";
    }
    json += "    {}\n  ]\n}\n";
    code += "    ]\n";
    expectAllFound(json, tokens, "json");
    expectAllFound(yaml, tokens, "yaml");
    expectAllFound(toml, tokens, "toml");
    expectAllFound(code, tokens, "python string");
}

TEST(SecretCorpus, MinifiedOnOneLine) {
    SampleGenerator gen(8);
    QList<Sample> planted;
    QByteArray minified = "!function(){var e={";
    int i = 0;
    for (const Sample &s : gen.onePerRule()) {
        if (s.secret.contains('\n') || s.ruleId.startsWith(QLatin1String("generic")) ||
            s.ruleId == QLatin1String("kubernetes-secret-data") ||
            s.ruleId == QLatin1String("pgpass-password") ||
            s.ruleId == QLatin1String("htpasswd-hash") ||
            s.ruleId == QLatin1String("netrc-password") ||
            s.ruleId == QLatin1String("gcp-service-account"))
            continue;
        QByteArray line = s.text.trimmed();
        line.replace('\\', "\\\\").replace('"', "\\\"");
        minified += "k" + QByteArray::number(i++) + ":\"" + line + "\",";
        planted << s;
    }
    minified += "apiKey:\"";
    const QByteArray generic = gen.alnum(32);
    minified += generic + "\"};return e}();";
    planted << Sample{QStringLiteral("generic-secret"), generic, {}, {}};
    ASSERT_FALSE(minified.contains('\n'));
    ASSERT_GT(planted.size(), 40);
    expectAllFound(minified, planted, "minified", "dist/app.min.js");
}

TEST(SecretCorpus, CrlfFileAndKeysSplitAcrossLines) {
    SampleGenerator gen(9);
    QByteArray file;
    QList<Sample> planted;
    for (Sample s : gen.onePerRule()) {
        if (s.ruleId == QLatin1String("pgpass-password") ||
            s.ruleId == QLatin1String("kubernetes-secret-data") ||
            s.ruleId == QLatin1String("gcp-service-account"))
            continue; // these need a file of their own (path or manifest)
        s.text.replace("\n", "\r\n");
        s.secret.replace("\n", "\r\n");
        file += s.text + "\r\n";
        planted << s;
    }
    expectAllFound(file, planted, "crlf");

    // A PEM key as a JSON string with escaped line breaks (a service-account file), in a YAML
    // block scalar, and as concatenated string literals.
    const QByteArray body = gen.base64(64) + "\\n" + gen.base64(64) + "\\n" + gen.base64(30) + "==";
    const QByteArray escaped =
        "-----BEGIN PRIVATE KEY-----\\n" + body + "\\n-----END PRIVATE KEY-----";
    const QByteArray keyId = gen.hex(40);
    const QByteArray sa = "{\"type\": \"service_account\", \"private_key_id\": \"" + keyId +
                          "\", \"private_key\": \"" + escaped + "\\n\", \"client_id\": \"1\"}\n";
    expectAllFound(sa,
                   {{QStringLiteral("private-key"), escaped, {}, {}},
                    {QStringLiteral("gcp-service-account"), keyId, {}, {}}},
                   "service account");
    QByteArray block = "-----BEGIN RSA PRIVATE KEY-----\n";
    for (int i = 0; i < 6; ++i)
        block += "    " + gen.base64(64) + "\n";
    block += "    -----END RSA PRIVATE KEY-----";
    expectAllFound("tls:\n  key: |\n    " + block + "\n  cert: none\n",
                   {{QStringLiteral("private-key"), block, {}, {}}}, "yaml block");
    QByteArray concatenated = "-----BEGIN EC PRIVATE KEY-----\\n\"\n";
    for (int i = 0; i < 4; ++i)
        concatenated += "    \"" + gen.base64(64) + "\\n\"\n";
    concatenated += "    \"-----END EC PRIVATE KEY-----";
    expectAllFound("static const char *key =\n    \"" + concatenated + "\\n\";\n",
                   {{QStringLiteral("private-key"), concatenated, {}, {}}}, "c strings");
}

TEST(SecretCorpus, FalsePositivesAreNotFlagged) {
    SampleGenerator gen(11);
    QList<QPair<const char *, QByteArray>> texts;
    QByteArray uuids;
    for (int i = 0; i < 50; ++i)
        uuids += "id: " + gen.hex(8) + "-" + gen.hex(4) + "-4" + gen.hex(3) + "-8" + gen.hex(3) +
                 "-" + gen.hex(12) + "\nrequest_token_id = \"" + gen.hex(8) + "-" + gen.hex(4) +
                 "-4" + gen.hex(3) + "-8" + gen.hex(3) + "-" + gen.hex(12) + "\"\n";
    texts.append({"uuids", uuids});
    QByteArray lock = "{\n  \"packages\": {\n";
    for (int i = 0; i < 30; ++i)
        lock +=
            "    \"node_modules/p" + QByteArray::number(i) +
            "\": {\"version\": \"1.0.0\", "
            "\"resolved\": \"https://registry.local/p/-/p-1.0.0.tgz\", \"integrity\": \"sha512-" +
            gen.base64(86) + "==\"},\n";
    texts.append({"package-lock", lock + "  }\n}\n"});
    QByteArray cargo;
    for (int i = 0; i < 30; ++i)
        cargo += "[[package]]\nname = \"c" + QByteArray::number(i) +
                 "\"\nversion = \"0.1.0\"\nsource = \"registry+https://example.invalid/index\"\n"
                 "checksum = \"" +
                 gen.hex(64) + "\"\n\n";
    texts.append({"Cargo.lock", cargo});
    QByteArray gosum;
    for (int i = 0; i < 30; ++i)
        gosum += "golang.org/x/m" + QByteArray::number(i) + " v0.1.0 h1:" + gen.base64(43) +
                 "=\ngolang.org/x/m" + QByteArray::number(i) +
                 " v0.1.0/go.mod h1:" + gen.base64(43) + "=\n";
    texts.append({"go.sum", gosum});
    texts.append({"css image", ".logo{background:url(data:image/png;base64," + gen.base64(6000) +
                                   "==) no-repeat}\n.icon{background-image:url(\"data:image/"
                                   "svg+xml;base64," +
                                   gen.base64(900) + "\")}\n"});
    texts.append(
        {"test vectors",
         QByteArray(
             "var sha256Tests = []struct{ out, in string }{\n"
             "\t{\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\", \"abc\"},\n"
             "\t{\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\", \"\"},\n"
             "}\nconst hmacKey = \"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b\"\n"
             "tokenizer_vocab_size = 50257\n")});
    QByteArray shas;
    for (int i = 0; i < 30; ++i)
        shas += "commit " + gen.hex(40) + "\nMerge: " + gen.hex(7) + " " + gen.hex(7) +
                "\n{\"sha\": \"" + gen.hex(40) + "\", \"tree_sha\": \"" + gen.hex(40) + "\"}\n";
    texts.append({"git shas", shas});
    texts.append(
        {"placeholders", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                         "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
                         "api_key = \"your_api_key_here\"\n"
                         "password: changeme\n"
                         "GITHUB_TOKEN=${GITHUB_TOKEN}\n"
                         "token: \"{{ .Values.token }}\"\n"
                         "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
                         "secret = \"<SECRET>\"\n"
                         "OPENAI_API_KEY=sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n"
                         "DATABASE_URL=postgres://user:password@localhost:5432/db\n"
                         "client_secret: dummy-client-secret-0000\n"
                         "STRIPE_KEY=sk_test_" +
                             QByteArray(24, 'x') +
                             "\n"
                             "export SLACK_TOKEN=xoxb-your-token-here\n"});
    // Token-shaped strings whose format check fails: a GitHub token with a wrong checksum, a
    // "JWT" whose header is not JSON, a PEM block with no END line, a public certificate.
    QByteArray badChecksum = gen.githubToken("ghp_");
    badChecksum[10] = badChecksum[10] == 'a' ? 'b' : 'a';
    texts.append({"format checks fail",
                  "see " + badChecksum + "\nauth = eyJub3Rqc29u" + gen.base64url(20) + ".eyJ" +
                      gen.base64url(30) + "." + gen.base64url(30) +
                      "\n-----BEGIN RSA PRIVATE KEY-----\n" + gen.base64(64) + "\n" +
                      gen.base64(64) + "\n(truncated)\n" + "-----BEGIN CERTIFICATE-----\n" +
                      gen.base64(64) + "\n-----END CERTIFICATE-----\n"});
    const QByteArray configMap =
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  blob: " + gen.base64(40) + "\n";
    texts.append({"k8s configmap", configMap});
    texts.append(
        {"code identifiers",
         QByteArray(
             "token := s.Scan()\npassword = os.Getenv(\"PASSWORD\")\nsecretKey = "
             "config.get_secret_key_from_vault()\napi_key: str = field(default_factory=str)\n"
             "const tokenRegex = /^[A-Za-z0-9_]{20,40}$/;\n")});
    for (const auto &[name, text] : texts) {
        const QList<SecretHit> hits = scanner().scan(QByteArrayView(text), "fixture.txt");
        EXPECT_TRUE(hits.isEmpty())
            << name << " flagged:" << describe(hits) << "\n"
            << (hits.isEmpty() ? std::string() : text.mid(hits[0].begin, 80).toStdString());
    }
}
