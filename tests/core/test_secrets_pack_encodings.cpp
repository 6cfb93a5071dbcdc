// SPDX-License-Identifier: MIT
// The pack decodes every file to UTF-8, so a scan of the pack (what is sent) finds a secret
// in a UTF-16 LE/BE or UTF-8-BOM file as it finds one in plain UTF-8; the masked preview
// and the secret's bytes are the same in each.
#include "prompt/packwriter.h"
#include "repo/reposcanner.h"
#include "scanhelpers.h"
#include "scratchrepo.h"
#include "secretsamples.h"
#include "security/secrets/secretscanner.h"

#include <QBuffer>
#include <QStringEncoder>
#include <QThreadPool>

#include <gtest/gtest.h>

using namespace reposcope;
using reposcope::security::secrets::RuleSet;
using reposcope::security::secrets::SecretHit;
using reposcope::security::secrets::SecretScanner;
using reposcope::test::ScratchRepo;
using reposcope::test::secrets::Sample;
using reposcope::test::secrets::SampleGenerator;

TEST(SecretPackEncodings, APackScanFindsSecretsFromUtf16AndBomFiles) {
    SampleGenerator gen(7716);
    QList<Sample> samples;
    QStringList taken;
    for (const Sample &s : gen.onePerRule())
        if ((s.ruleId == QLatin1String("aws-access-key-id") ||
             s.ruleId == QLatin1String("github-pat") ||
             s.ruleId == QLatin1String("stripe-secret-key")) &&
            !taken.contains(s.ruleId)) {
            taken << s.ruleId;
            samples << s;
        }
    ASSERT_EQ(samples.size(), 3);
    ScratchRepo repo;
    QList<QByteArray> paths;
    const auto encode = [](QStringConverter::Encoding e, const QByteArray &utf8) -> QByteArray {
        QStringEncoder encoder(e, QStringConverter::Flag::WriteBom);
        return encoder.encode(QString::fromUtf8(utf8));
    };
    int i = 0;
    for (const Sample &s : samples) {
        const QByteArray text = "// config\n" + s.text + "// end\n";
        const QString n = QString::number(i++);
        repo.write(n + QStringLiteral("/le.txt"), encode(QStringConverter::Utf16LE, text));
        repo.write(n + QStringLiteral("/be.txt"), encode(QStringConverter::Utf16BE, text));
        repo.write(n + QStringLiteral("/bom.txt"), encode(QStringConverter::Utf8, text));
        for (const char *name : {"/le.txt", "/be.txt", "/bom.txt"})
            paths << n.toUtf8() + name;
    }
    const repo::SnapshotPtr snap = test::scanned(repo.path());
    std::vector<int> nodes;
    for (const QByteArray &p : paths) {
        nodes.push_back(snap->find(p));
        ASSERT_GE(nodes.back(), 0) << p.constData();
    }
    QThreadPool pool;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    prompt::PackOptions options;
    options.format = prompt::PackOptions::Format::Markdown;
    ASSERT_TRUE(prompt::writePack(*snap, nodes, prompt::PackFormat(options), buffer, &pool).ok());
    const QByteArray pack = buffer.data();

    const SecretScanner scanner(RuleSet::builtIn());
    const QList<SecretHit> hits = scanner.scan(QByteArrayView(pack), "pack.md");
    for (const Sample &s : samples) {
        int found = 0;
        for (const SecretHit &h : hits)
            if (h.ruleId == s.ruleId && pack.mid(h.begin, h.end - h.begin) == s.secret)
                ++found;
        EXPECT_EQ(found, 3) << s.ruleId.toStdString() << ": once per encoding";
    }
}
