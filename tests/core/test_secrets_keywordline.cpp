// SPDX-License-Identifier: MIT
// "keywordLine" rules (the generic ones) are tried from keyword lines only: the hits must be
// exactly those of the plain walk over the whole text, on texts made to stress it: several
// assignments on one line, a value on the line after its name, "client_secret" (the match
// starts before the keyword), CRLF, the keyword at the very end, long lines.
#include "secretsamples.h"
#include "security/secrets/secretscanner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using reposcope::security::secrets::RuleSet;
using reposcope::security::secrets::SecretHit;
using reposcope::security::secrets::SecretScanner;
using reposcope::test::secrets::SampleGenerator;

namespace {

// The built-in rules with every keywordLine promise taken away.
RuleSet withoutKeywordLines() {
    QFile file(QStringLiteral(":/reposcope/secrets.json"));
    EXPECT_TRUE(file.open(QIODevice::ReadOnly));
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    QJsonArray rules = root.value(QStringLiteral("rules")).toArray();
    int promised = 0;
    for (QJsonValueRef v : rules) {
        QJsonObject o = v.toObject();
        promised += o.contains(QStringLiteral("keywordLine")) ? 1 : 0;
        o.remove(QStringLiteral("keywordLine"));
        v = o;
    }
    EXPECT_GE(promised, 2); // generic-secret and generic-secret-config
    root.insert(QStringLiteral("rules"), rules);
    auto set = RuleSet::fromJson(QJsonDocument(root).toJson());
    EXPECT_TRUE(bool(set));
    return set ? *set : RuleSet();
}

QByteArray stressText(SampleGenerator &gen, const QByteArray &eol) {
    QByteArray t;
    const auto v = [&]() -> QByteArray {
        return "\"" + gen.alnum(8) + "9Zq" + gen.alnum(14) + "\"";
    };
    for (int i = 0; i < 40; ++i) {
        t += "package auth" + eol + "// token handling, see token.go" + eol;
        t += "var apiToken = " + v() + eol;
        t += "a_token=" + v() + " b_secret=" + v() + " c_password: " + v() + eol;
        t += "client_secret =" + eol + "    " + v() + eol;
        t += "x := token.Lookup(name) // secret" + eol;
        t += QByteArray(300, 'q') + " clientSecret: " + v() + eol;
        t += "DB_PASSWORD=" + gen.alnum(10) + "7Kx" + gen.alnum(9) + eol;
        t += "  export SIGNING_KEY=" + gen.alnum(24) + eol;
        t += "encryption_key := " + v() + ", auth_key => " + v() + eol;
        t += "nothing here " + gen.alnum(40) + eol;
    }
    t += "last_token = " + v();
    return t;
}

} // namespace

TEST(SecretKeywordLine, SameHitsAsTheWholeTextWalk) {
    const SecretScanner fast(RuleSet::builtIn());
    const SecretScanner plain(withoutKeywordLines());
    ASSERT_TRUE(fast.problems().isEmpty());
    ASSERT_TRUE(plain.problems().isEmpty());
    SampleGenerator gen(4242);
    qsizetype total = 0;
    for (const QByteArray &eol : {QByteArray("\n"), QByteArray("\r\n")}) {
        for (int round = 0; round < 5; ++round) {
            const QByteArray text = stressText(gen, eol);
            const QList<SecretHit> a = fast.scan(QByteArrayView(text), "auth/config.go");
            const QList<SecretHit> b = plain.scan(QByteArrayView(text), "auth/config.go");
            ASSERT_EQ(a.size(), b.size()) << "round " << round;
            for (qsizetype i = 0; i < a.size(); ++i)
                EXPECT_EQ(a[i], b[i]) << a[i].ruleId.toStdString() << " line " << a[i].line;
            total += a.size();
        }
    }
    EXPECT_GT(total, 400); // most planted values are found
}
