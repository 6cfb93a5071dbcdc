// SPDX-License-Identifier: MIT
// `reposcope-cli scan` finds secrets in files the pack decodes: UTF-16 LE and BE with a BOM,
// UTF-8 with a BOM, CRLF line ends (and UTF-16 with CRLF), each hit on the file's own line
// and at the column of the decoded text. Secrets are generated in the test.
#include "clirun.h"
#include "scratchrepo.h"
#include "secretsamples.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringEncoder>

#include <gtest/gtest.h>

using reposcope::test::CliRun;
using reposcope::test::runCli;
using reposcope::test::ScratchRepo;
using reposcope::test::secrets::Sample;
using reposcope::test::secrets::SampleGenerator;

namespace {

struct Form {
    const char *name;
    bool crlf;
    std::optional<QStringConverter::Encoding> encoding; // none: UTF-8 without BOM
    bool bom;
};

const Form kForms[] = {
    {"utf16le", false, QStringConverter::Utf16LE, true},
    {"utf16be", false, QStringConverter::Utf16BE, true},
    {"utf8bom", false, QStringConverter::Utf8, true},
    {"crlf", true, std::nullopt, false},
    {"utf16le-crlf", true, QStringConverter::Utf16LE, true},
};

QByteArray encoded(const QByteArray &utf8, const Form &form) {
    QByteArray text = utf8;
    if (form.crlf)
        text.replace("\n", "\r\n");
    if (!form.encoding)
        return text;
    QStringEncoder encoder(*form.encoding, form.bom ? QStringConverter::Flag::WriteBom
                                                    : QStringConverter::Flag::Default);
    return encoder.encode(QString::fromUtf8(text));
}

struct Expected {
    QString path;
    QString rule;
    int line = 0;
    int column = 0;
};

} // namespace

TEST(CliScanEncodings, SecretsInUtf16Utf8BomAndCrlfFilesAreFoundOnTheirLines) {
    ScratchRepo repo;
    repo.initGit();
    SampleGenerator gen(1916);
    const QList<Sample> samples = gen.onePerRule();
    QList<Expected> expected;
    int i = 0;
    for (const Sample &s : samples) {
        const qsizetype at = s.text.indexOf(s.secret);
        ASSERT_GE(at, 0) << s.ruleId.toStdString();
        const QByteArray before = s.text.left(at);
        const int line = 3 + int(before.count('\n'));
        const int column = int(at - (before.lastIndexOf('\n') + 1)) + 1;
        for (const Form &form : kForms) {
            const QString path = QStringLiteral("%1/%2/").arg(QLatin1String(form.name)).arg(i) +
                                 QString::fromUtf8(s.path);
            repo.write(path,
                       encoded("// first line\n// second line\n" + s.text + "// end\n", form));
            expected.append({path, s.ruleId, line, column});
        }
        ++i;
    }
    repo.commitAll();

    const CliRun run = runCli({QStringLiteral("scan"), repo.path(), QStringLiteral("--json")});
    ASSERT_EQ(run.exitCode, 11) << run.err.constData();
    const QJsonArray hits =
        QJsonDocument::fromJson(run.out).object().value(QStringLiteral("hits")).toArray();
    for (const Expected &e : expected) {
        bool found = false;
        for (const QJsonValue &v : hits) {
            const QJsonObject h = v.toObject();
            if (h.value(QStringLiteral("path")).toString() == e.path &&
                h.value(QStringLiteral("rule")).toString() == e.rule) {
                found = true;
                EXPECT_EQ(h.value(QStringLiteral("line")).toInt(), e.line) << e.path.toStdString();
                EXPECT_EQ(h.value(QStringLiteral("column")).toInt(), e.column)
                    << e.path.toStdString();
            }
        }
        EXPECT_TRUE(found) << e.rule.toStdString() << " missed in " << e.path.toStdString();
    }
    // Only masked previews: no secret in any encoding on stdout.
    for (const Sample &s : samples)
        if (s.secret.size() >= 16 && !s.secret.startsWith("-----")) {
            EXPECT_FALSE(run.out.contains(s.secret)) << s.ruleId.toStdString();
        }
}
