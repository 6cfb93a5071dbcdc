// SPDX-License-Identifier: MIT
// `reposcope-cli scan` as a black box on a real git repository with planted secrets.
#include "clirun.h"
#include "scratchrepo.h"
#include "secretsamples.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using reposcope::test::CliRun;
using reposcope::test::runCli;
using reposcope::test::ScratchRepo;
using reposcope::test::secrets::Sample;
using reposcope::test::secrets::SampleGenerator;

namespace {

class CliScanTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_repo.initGit();
        SampleGenerator gen(2026);
        m_samples = gen.onePerRule();
        int i = 0;
        for (const Sample &s : m_samples) {
            // Each in a file of its own, between lines of ordinary code.
            const QString path = QStringLiteral("planted/%1/").arg(i++) + QString::fromUtf8(s.path);
            m_repo.write(path, "// config\n" + s.text + "// end\n");
        }
        m_repo.write(QStringLiteral("src/main.go"), "package main\n\nfunc main() {}\n");
        m_repo.write(QStringLiteral(".env"), "STRIPE_KEY=sk_live_" + gen.alnum(30) + "\n");
        m_repo.commitAll();
    }
    CliRun scan(QStringList extra = {}) {
        return runCli(QStringList{QStringLiteral("scan"), m_repo.path()} + extra);
    }
    ScratchRepo m_repo;
    QList<Sample> m_samples;
};

} // namespace

TEST_F(CliScanTest, FindsEveryPlantedSecretAndPrintsOnlyMaskedPreviews) {
    const CliRun run = scan();
    EXPECT_EQ(run.exitCode, 11) << run.err.constData();
    for (const Sample &s : m_samples) {
        EXPECT_TRUE(run.out.contains(QByteArray(" " + s.ruleId.toUtf8() + " ")))
            << s.ruleId.toStdString();
        // No line of a secret (a key's body lines included) appears anywhere.
        for (const QByteArray &line : s.secret.split('\n'))
            if (line.size() >= 8 && !line.startsWith("-----") && !line.startsWith("PuTTY") &&
                !line.contains(": ")) {
                EXPECT_FALSE(run.out.contains(line)) << s.ruleId.toStdString();
                EXPECT_FALSE(run.err.contains(line)) << s.ruleId.toStdString();
            }
    }
    EXPECT_TRUE(run.out.contains(".env:1:12: stripe-secret-key (critical) sk_l…"));
    EXPECT_TRUE(run.out.contains("[secret file]"));
    EXPECT_TRUE(run.err.contains("secret(s) in"));
}

TEST_F(CliScanTest, JsonAndSarifAreValidAndHoldNoSecret) {
    QTemporaryDir out;
    const QString sarifPath = out.filePath(QStringLiteral("secrets.sarif"));
    const CliRun run = scan({QStringLiteral("--json"), QStringLiteral("--sarif"), sarifPath});
    ASSERT_EQ(run.exitCode, 11) << run.err.constData();
    QJsonParseError error{};
    const QJsonObject doc = QJsonDocument::fromJson(run.out, &error).object();
    ASSERT_EQ(error.error, QJsonParseError::NoError) << run.out.constData();
    const QJsonArray hits = doc.value(QStringLiteral("hits")).toArray();
    EXPECT_EQ(doc.value(QStringLiteral("secrets")).toInt(), hits.size());
    EXPECT_EQ(hits.size(), m_samples.size() + 1); // every sample once, plus the .env
    QSet<QString> rules;
    for (const QJsonValue &v : hits) {
        const QJsonObject h = v.toObject();
        rules.insert(h.value(QStringLiteral("rule")).toString());
        EXPECT_GE(h.value(QStringLiteral("line")).toInt(), 1);
        EXPECT_FALSE(h.value(QStringLiteral("masked")).toString().isEmpty());
    }
    for (const Sample &s : m_samples)
        EXPECT_TRUE(rules.contains(s.ruleId)) << s.ruleId.toStdString();

    QFile sarifFile(sarifPath);
    ASSERT_TRUE(sarifFile.open(QIODevice::ReadOnly));
    const QByteArray sarif = sarifFile.readAll();
    for (const Sample &s : m_samples)
        for (const QByteArray &line : s.secret.split('\n'))
            if (line.size() >= 16 && !line.startsWith("-----") && !line.contains(": ")) {
                EXPECT_FALSE(sarif.contains(line)) << s.ruleId.toStdString();
            }
    const QJsonObject log = QJsonDocument::fromJson(sarif).object();
    const QJsonArray results = log.value(QStringLiteral("runs"))
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value(QStringLiteral("results"))
                                   .toArray();
    EXPECT_EQ(results.size(), hits.size());

    QString schema = QStringLiteral(REPOSCOPE_SARIF_SCHEMA);
    if (!QFile::exists(schema))
        schema = QStringLiteral(REPOSCOPE_SARIF_SCHEMA_NPM);
    if (!QFile::exists(schema))
        GTEST_SKIP() << "no SARIF 2.1.0 schema (scripts/bootstrap.sh installs one)";
    QProcess python;
    python.start(QStringLiteral("python3"),
                 {QStringLiteral("-c"),
                  QStringLiteral("import json,sys,jsonschema\n"
                                 "s=json.load(open(sys.argv[1]));i=json.load(open(sys.argv[2]))\n"
                                 "c=jsonschema.validators.validator_for(s)\n"
                                 "e=list(c(s).iter_errors(i))\n"
                                 "[print(x.message[:300]) for x in e]\nsys.exit(1 if e else 0)\n"),
                  schema, sarifPath});
    ASSERT_TRUE(python.waitForFinished(-1));
    if (python.readAllStandardError().contains("ModuleNotFoundError"))
        GTEST_SKIP() << "python3-jsonschema is not installed";
    EXPECT_EQ(python.exitCode(), 0) << python.readAllStandardOutput().constData();
}

TEST_F(CliScanTest, CleanSelectionExitsZeroAndSecretFilesAreExcludedFromCount) {
    const CliRun clean = scan({QStringLiteral("--include"), QStringLiteral("src/**")});
    EXPECT_EQ(clean.exitCode, 0) << clean.out.constData() << clean.err.constData();
    EXPECT_TRUE(clean.out.isEmpty());
    EXPECT_TRUE(clean.err.contains("0 secret(s) in 0 file(s)"));

    const CliRun count = runCli({QStringLiteral("count"), m_repo.path(), QStringLiteral("--json"),
                                 QStringLiteral("--tokenizer"), QStringLiteral("estimate"),
                                 QStringLiteral("--no-cache")});
    ASSERT_EQ(count.exitCode, 0) << count.err.constData();
    const QJsonArray files =
        QJsonDocument::fromJson(count.out).object().value(QStringLiteral("files")).toArray();
    bool sawEnv = false;
    for (const QJsonValue &v : files) {
        const QJsonObject f = v.toObject();
        if (f.value(QStringLiteral("path")).toString() != QLatin1String(".env"))
            continue;
        sawEnv = true;
        EXPECT_EQ(f.value(QStringLiteral("excluded")).toString(), QStringLiteral("secret file"));
        EXPECT_FALSE(f.value(QStringLiteral("selected")).toBool());
    }
    EXPECT_TRUE(sawEnv);
    const CliRun included =
        runCli({QStringLiteral("count"), m_repo.path(), QStringLiteral("--json"),
                QStringLiteral("--tokenizer"), QStringLiteral("estimate"),
                QStringLiteral("--no-cache"), QStringLiteral("--include-secret-files")});
    ASSERT_EQ(included.exitCode, 0);
    for (const QJsonValue &v :
         QJsonDocument::fromJson(included.out).object().value(QStringLiteral("files")).toArray())
        if (v.toObject().value(QStringLiteral("path")).toString() == QLatin1String(".env")) {
            EXPECT_TRUE(v.toObject().value(QStringLiteral("selected")).toBool());
        }
}

TEST(CliScan, HelpListsItsExitCodesAndBadPathsFail) {
    const CliRun help = runCli({QStringLiteral("scan"), QStringLiteral("--help")});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_TRUE(help.out.contains("  11   secrets were found")) << help.out.constData();
    EXPECT_FALSE(help.out.contains("network failure"));
    const CliRun missing =
        runCli({QStringLiteral("scan"), QStringLiteral("/nonexistent/reposcope")});
    EXPECT_EQ(missing.exitCode, 3) << missing.err.constData();
}
