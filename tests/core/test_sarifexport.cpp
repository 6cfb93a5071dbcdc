// SPDX-License-Identifier: MIT
// SARIF export: the structure code-scanning services rely on, checked here in C++, and
// the whole log validated against the official 2.1.0 schema with python3-jsonschema.
#include "findingsamples.h"

#include "findings/findingextractor.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <iostream>

using namespace reposcope::findings;
using namespace reposcope::test;

namespace {

QJsonObject parse(const QByteArray &sarif) {
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(sarif, &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError) << error.errorString().toStdString();
    return doc.object();
}

QJsonObject runOf(const QJsonObject &log) {
    return log.value(QStringLiteral("runs")).toArray().at(0).toObject();
}

QJsonObject at(const QJsonObject &o, const QStringList &path) {
    QJsonObject cur = o;
    for (const QString &key : path)
        cur = cur.value(key).toObject();
    return cur;
}

QStringList resultFingerprints(const QByteArray &sarif) {
    QStringList out;
    for (const QJsonValue &r : runOf(parse(sarif)).value(QStringLiteral("results")).toArray())
        out << at(r.toObject(), {QStringLiteral("partialFingerprints")})
                   .value(QStringLiteral("reposcopeFinding/v1"))
                   .toString();
    return out;
}

// Validates `instance` against the schema; returns the validator's output, or nullopt
// when python3 or jsonschema is missing.
std::optional<QPair<int, QString>> validate(const QString &schema, const QString &instance) {
    static const char *kScript =
        "import json, sys\n"
        "try:\n"
        "    import jsonschema\n"
        "except ImportError:\n"
        "    sys.exit(77)\n"
        "schema = json.load(open(sys.argv[1]))\n"
        "instance = json.load(open(sys.argv[2]))\n"
        "cls = jsonschema.validators.validator_for(schema)\n"
        "cls.check_schema(schema)\n"
        "checker = getattr(cls, 'FORMAT_CHECKER', None)\n"
        "errors = list(cls(schema, format_checker=checker).iter_errors(instance))\n"
        "for e in errors:\n"
        "    print('/'.join(map(str, e.absolute_path)), ':', e.message[:300])\n"
        "sys.exit(1 if errors else 0)\n";
    QProcess python;
    python.start(QStringLiteral("python3"),
                 {QStringLiteral("-c"), QString::fromLatin1(kScript), schema, instance});
    if (!python.waitForStarted() || !python.waitForFinished(-1) ||
        python.exitStatus() != QProcess::NormalExit || python.exitCode() == 77)
        return std::nullopt;
    return QPair<int, QString>{python.exitCode(), QString::fromUtf8(python.readAllStandardOutput() +
                                                                    python.readAllStandardError())};
}

class SarifExport : public ::testing::Test {
protected:
    void SetUp() override {
        m_findings = sampleFindings();
        triageSamples(m_triage, m_findings);
        m_context = sampleContext(QStringLiteral("/home/dev/my shop"));
        m_context.triage = &m_triage;
        m_log = parse(toSarif(m_findings, m_context));
        m_run = runOf(m_log);
        m_results = m_run.value(QStringLiteral("results")).toArray();
    }
    QJsonObject result(int i) const { return m_results.at(i).toObject(); }

    QList<Finding> m_findings;
    TriageStore m_triage;
    ExportContext m_context;
    QJsonObject m_log;
    QJsonObject m_run;
    QJsonArray m_results;
};

} // namespace

TEST_F(SarifExport, TopLevelAndTool) {
    EXPECT_EQ(m_log.value(QStringLiteral("version")).toString(), QStringLiteral("2.1.0"));
    EXPECT_EQ(m_log.value(QStringLiteral("$schema")).toString(),
              QStringLiteral("https://json.schemastore.org/sarif-2.1.0.json"));
    EXPECT_EQ(m_log.value(QStringLiteral("runs")).toArray().size(), 1);
    const QJsonObject driver = at(m_run, {QStringLiteral("tool"), QStringLiteral("driver")});
    EXPECT_EQ(driver.value(QStringLiteral("name")).toString(), QStringLiteral("RepoScope"));
    EXPECT_EQ(driver.value(QStringLiteral("semanticVersion")).toString(), QStringLiteral("0.1.0"));
    EXPECT_EQ(m_results.size(), m_findings.size());
}

TEST_F(SarifExport, OneRulePerCategoryAndConsistentRuleIndex) {
    const QJsonArray rules = at(m_run, {QStringLiteral("tool"), QStringLiteral("driver")})
                                 .value(QStringLiteral("rules"))
                                 .toArray();
    QStringList ids;
    for (const QJsonValue &r : rules)
        ids << r.toObject().value(QStringLiteral("id")).toString();
    EXPECT_EQ(ids, (QStringList{QStringLiteral("sql-injection"),
                                QStringLiteral("command-injection"), QStringLiteral("xss"),
                                QStringLiteral("general"), QStringLiteral("hardcoded-secret")}));
    for (int i = 0; i < m_results.size(); ++i) {
        const QJsonObject r = result(i);
        const int index = r.value(QStringLiteral("ruleIndex")).toInt(-1);
        ASSERT_GE(index, 0);
        ASSERT_LT(index, rules.size());
        EXPECT_EQ(r.value(QStringLiteral("ruleId")).toString(), ids[index]);
        EXPECT_EQ(r.value(QStringLiteral("ruleId")).toString(), m_findings[i].category);
    }
    const QJsonObject sqlRule = rules.at(0).toObject();
    EXPECT_EQ(
        at(sqlRule, {QStringLiteral("shortDescription")}).value(QStringLiteral("text")).toString(),
        categoryTitle(QStringLiteral("sql-injection")));
    EXPECT_EQ(at(sqlRule, {QStringLiteral("defaultConfiguration")})
                  .value(QStringLiteral("level"))
                  .toString(),
              QStringLiteral("error"));
    EXPECT_EQ(at(sqlRule, {QStringLiteral("properties")}).value(QStringLiteral("tags")).toArray(),
              QJsonArray{QStringLiteral("security")});
    EXPECT_FALSE(at(rules.at(3).toObject(), {QStringLiteral("properties")})
                     .contains(QStringLiteral("tags"))); // "general" is no security rule
}

TEST_F(SarifExport, LevelsAndSecuritySeverityFollowTheSeverity) {
    const QStringList levels{QStringLiteral("error"),   QStringLiteral("error"),
                             QStringLiteral("warning"), QStringLiteral("note"),
                             QStringLiteral("note"),    QStringLiteral("error"),
                             QStringLiteral("warning")};
    const QStringList scores{QStringLiteral("9.5"), QStringLiteral("8.0"), QStringLiteral("5.5"),
                             QStringLiteral("3.0"), QStringLiteral("0.0"), QStringLiteral("8.0"),
                             QStringLiteral("5.5")};
    for (int i = 0; i < m_results.size(); ++i) {
        EXPECT_EQ(result(i).value(QStringLiteral("level")).toString(), levels[i]) << i;
        EXPECT_EQ(at(result(i), {QStringLiteral("properties")})
                      .value(QStringLiteral("security-severity")),
                  QJsonValue(scores[i]))
            << i;
    }
}

TEST_F(SarifExport, LocationsRegionsAndSnippets) {
    const QJsonObject base =
        at(m_run, {QStringLiteral("originalUriBaseIds"), QStringLiteral("SRCROOT")});
    EXPECT_EQ(base.value(QStringLiteral("uri")).toString(),
              QStringLiteral("file:///home/dev/my%20shop/"));
    for (int i = 0; i < m_results.size(); ++i) {
        const QJsonArray locations = result(i).value(QStringLiteral("locations")).toArray();
        for (const QJsonValue &l : locations) {
            const QJsonObject physical = at(l.toObject(), {QStringLiteral("physicalLocation")});
            const QJsonObject artifact = at(physical, {QStringLiteral("artifactLocation")});
            EXPECT_EQ(artifact.value(QStringLiteral("uriBaseId")).toString(),
                      QStringLiteral("SRCROOT"));
            EXPECT_FALSE(
                artifact.value(QStringLiteral("uri")).toString().startsWith(QLatin1Char('/')));
            if (physical.contains(QStringLiteral("region"))) {
                const QJsonObject region = at(physical, {QStringLiteral("region")});
                EXPECT_GE(region.value(QStringLiteral("startLine")).toInt(), 1) << i;
                EXPECT_GE(region.value(QStringLiteral("endLine")).toInt(),
                          region.value(QStringLiteral("startLine")).toInt());
            }
        }
    }
    const QJsonObject first =
        at(result(0).value(QStringLiteral("locations")).toArray().at(0).toObject(),
           {QStringLiteral("physicalLocation")});
    EXPECT_EQ(
        at(first, {QStringLiteral("artifactLocation")}).value(QStringLiteral("uri")).toString(),
        QStringLiteral("api/user.go"));
    EXPECT_EQ(at(first, {QStringLiteral("region")}).value(QStringLiteral("startLine")).toInt(), 42);
    EXPECT_EQ(at(first, {QStringLiteral("region")}).value(QStringLiteral("endLine")).toInt(), 44);
    EXPECT_EQ(at(first, {QStringLiteral("region"), QStringLiteral("snippet")})
                  .value(QStringLiteral("text"))
                  .toString(),
              m_findings[0].quote);
    // Corrected: the resolved line, not the cited one.
    const QJsonObject corrected =
        at(result(1).value(QStringLiteral("locations")).toArray().at(0).toObject(),
           {QStringLiteral("physicalLocation"), QStringLiteral("region")});
    EXPECT_EQ(corrected.value(QStringLiteral("startLine")).toInt(), 47);
    // No line: a location without a region, and the quote kept elsewhere.
    const QJsonObject noLine =
        at(result(3).value(QStringLiteral("locations")).toArray().at(0).toObject(),
           {QStringLiteral("physicalLocation")});
    EXPECT_FALSE(noLine.contains(QStringLiteral("region")));
    // No location at all: no locations array.
    EXPECT_FALSE(result(6).contains(QStringLiteral("locations")));
    // A path with a space and a non-ASCII letter is percent-encoded.
    EXPECT_EQ(at(result(4).value(QStringLiteral("locations")).toArray().at(0).toObject(),
                 {QStringLiteral("physicalLocation"), QStringLiteral("artifactLocation")})
                  .value(QStringLiteral("uri"))
                  .toString(),
              QStringLiteral("conf/my%20settings/cl%C3%A9.yml"));
}

TEST_F(SarifExport, VerificationTriageAndSuppressions) {
    const auto props = [this](int i) { return at(result(i), {QStringLiteral("properties")}); };
    EXPECT_EQ(props(0).value(QStringLiteral("verificationStatus")).toString(),
              QStringLiteral("verified"));
    EXPECT_EQ(props(1).value(QStringLiteral("verificationStatus")).toString(),
              QStringLiteral("corrected"));
    EXPECT_EQ(props(1).value(QStringLiteral("verificationNote")).toString(),
              QStringLiteral("cited line 40, found at 47"));
    // Unverified findings are exported with the cited location, flagged.
    EXPECT_EQ(props(2).value(QStringLiteral("verificationStatus")).toString(),
              QStringLiteral("unverified"));
    EXPECT_FALSE(props(2).value(QStringLiteral("locationVerified")).toBool(true));
    EXPECT_TRUE(props(0).value(QStringLiteral("locationVerified")).toBool(false));
    EXPECT_TRUE(props(0).value(QStringLiteral("quoteVerified")).toBool(false));
    EXPECT_TRUE(props(1).value(QStringLiteral("quoteVerified")).toBool(false));
    EXPECT_FALSE(props(2).value(QStringLiteral("quoteVerified")).toBool(true));
    // Located (no quote to check): a trusted place, no checked quote, the severity's level.
    EXPECT_EQ(props(3).value(QStringLiteral("verificationStatus")).toString(),
              QStringLiteral("located"));
    EXPECT_TRUE(props(3).value(QStringLiteral("locationVerified")).toBool(false));
    EXPECT_FALSE(props(3).value(QStringLiteral("quoteVerified")).toBool(true));
    EXPECT_EQ(result(3).value(QStringLiteral("level")).toString(), QStringLiteral("note"));
    EXPECT_EQ(at(result(2).value(QStringLiteral("locations")).toArray().at(0).toObject(),
                 {QStringLiteral("physicalLocation"), QStringLiteral("region")})
                  .value(QStringLiteral("startLine"))
                  .toInt(),
              10);
    EXPECT_EQ(props(0).value(QStringLiteral("triageState")).toString(),
              QStringLiteral("confirmed"));
    EXPECT_EQ(props(0).value(QStringLiteral("triageNote")).toString(),
              QStringLiteral("reproduced"));
    EXPECT_FALSE(result(0).contains(QStringLiteral("suppressions")));
    const QJsonArray suppressions = result(4).value(QStringLiteral("suppressions")).toArray();
    ASSERT_EQ(suppressions.size(), 1);
    const QJsonObject s = suppressions.at(0).toObject();
    EXPECT_EQ(s.value(QStringLiteral("kind")).toString(), QStringLiteral("external"));
    EXPECT_EQ(s.value(QStringLiteral("status")).toString(), QStringLiteral("accepted"));
    EXPECT_EQ(s.value(QStringLiteral("justification")).toString(),
              QStringLiteral("test fixture, \"not\" a real token"));
    const QString message =
        at(result(0), {QStringLiteral("message")}).value(QStringLiteral("text")).toString();
    EXPECT_TRUE(message.startsWith(m_findings[0].title));
    EXPECT_TRUE(message.contains(m_findings[0].explanation));
}

TEST_F(SarifExport, CodeFlowForDataFlowChains) {
    const QJsonArray flows = result(0).value(QStringLiteral("codeFlows")).toArray();
    ASSERT_EQ(flows.size(), 1);
    const QJsonArray steps = flows.at(0)
                                 .toObject()
                                 .value(QStringLiteral("threadFlows"))
                                 .toArray()
                                 .at(0)
                                 .toObject()
                                 .value(QStringLiteral("locations"))
                                 .toArray();
    ASSERT_EQ(steps.size(), 2);
    const QJsonObject sink = at(steps.at(1).toObject(), {QStringLiteral("location")});
    EXPECT_EQ(at(sink, {QStringLiteral("message")}).value(QStringLiteral("text")).toString(),
              QStringLiteral("query executed"));
    EXPECT_EQ(at(sink, {QStringLiteral("physicalLocation"), QStringLiteral("region")})
                  .value(QStringLiteral("startLine"))
                  .toInt(),
              43);
    EXPECT_FALSE(result(1).contains(QStringLiteral("codeFlows")));
}

TEST_F(SarifExport, RunContextProvenanceAndInvocation) {
    const QJsonObject provenance =
        m_run.value(QStringLiteral("versionControlProvenance")).toArray().at(0).toObject();
    EXPECT_EQ(provenance.value(QStringLiteral("revisionId")).toString(), m_context.commit);
    EXPECT_EQ(provenance.value(QStringLiteral("branch")).toString(), QStringLiteral("main"));
    EXPECT_EQ(provenance.value(QStringLiteral("repositoryUri")).toString(),
              QStringLiteral("file:///home/dev/my%20shop/"));
    const QJsonObject invocation =
        m_run.value(QStringLiteral("invocations")).toArray().at(0).toObject();
    EXPECT_TRUE(invocation.value(QStringLiteral("executionSuccessful")).toBool());
    EXPECT_EQ(invocation.value(QStringLiteral("startTimeUtc")).toString(),
              QStringLiteral("2025-03-04T05:06:07.000Z"));
    const QJsonObject props = at(m_run, {QStringLiteral("properties")});
    EXPECT_EQ(props.value(QStringLiteral("provider")).toString(), QStringLiteral("Groq"));
    EXPECT_EQ(props.value(QStringLiteral("model")).toString(), m_context.model);
    EXPECT_EQ(props.value(QStringLiteral("task")).toString(), QStringLiteral("Security review"));
    EXPECT_EQ(props.value(QStringLiteral("question")).toString(), m_context.question);

    // Without a commit there is no provenance.
    ExportContext plain = m_context;
    plain.commit.clear();
    EXPECT_FALSE(runOf(parse(toSarif(m_findings, plain)))
                     .contains(QStringLiteral("versionControlProvenance")));
}

TEST_F(SarifExport, FingerprintsSurviveMovedLinesButNotChangedCode) {
    const QStringList before = resultFingerprints(toSarif(sampleFindings(0), m_context));
    const QStringList moved = resultFingerprints(toSarif(sampleFindings(+7), m_context));
    ASSERT_EQ(before.size(), m_findings.size());
    EXPECT_EQ(before, moved);
    EXPECT_EQ(QSet<QString>(before.begin(), before.end()).size(), before.size()); // distinct
    for (int i = 0; i < before.size(); ++i) {
        EXPECT_EQ(before[i].size(), 32);
        EXPECT_EQ(before[i], fingerprint(m_findings[i]));
    }
    QList<Finding> changed = sampleFindings(0);
    changed[0].quote = QStringLiteral("q := \"SELECT * FROM users WHERE id='\" + id + \"'\"");
    const QStringList after = resultFingerprints(toSarif(changed, m_context));
    EXPECT_NE(after[0], before[0]);
    EXPECT_EQ(after[1], before[1]);
}

TEST_F(SarifExport, FingerprintsOfReExtractedAnswersWithShiftedLines) {
    const auto answer = [](int line) {
        return QStringLiteral("- [HIGH] SQL injection in lookup — app/db.py:%1 — "
                              "`cur.execute(\"SELECT * FROM t WHERE n='\" + name)` — "
                              "input is concatenated into the query\n")
            .arg(line);
    };
    const QList<Finding> a = FindingExtractor::extractAll(answer(12)).findings();
    const QList<Finding> b = FindingExtractor::extractAll(answer(19)).findings();
    ASSERT_EQ(a.size(), 1);
    ASSERT_EQ(b.size(), 1);
    EXPECT_EQ(b[0].citation.startLine, 19);
    EXPECT_EQ(resultFingerprints(toSarif(a, m_context)), resultFingerprints(toSarif(b, m_context)));
    QString other = answer(12);
    other.replace(QStringLiteral("name)"), QStringLiteral("user)"));
    const QList<Finding> c = FindingExtractor::extractAll(other).findings();
    ASSERT_EQ(c.size(), 1);
    EXPECT_NE(resultFingerprints(toSarif(a, m_context)), resultFingerprints(toSarif(c, m_context)));
}

TEST_F(SarifExport, PartialAnswerIsSaidInTheRun) {
    m_context.answerComplete = false;
    const QJsonObject run = runOf(parse(toSarif(m_findings, m_context)));
    EXPECT_FALSE(at(run, {QStringLiteral("properties")})
                     .value(QStringLiteral("answerComplete"))
                     .toBool(true));
    EXPECT_EQ(run.value(QStringLiteral("invocations"))
                  .toArray()
                  .at(0)
                  .toObject()
                  .value(QStringLiteral("toolExecutionNotifications"))
                  .toArray()
                  .size(),
              1);
}

TEST_F(SarifExport, ValidAgainstTheOfficialSchema) {
    QString schema = QStringLiteral(REPOSCOPE_SARIF_SCHEMA);
    if (!QFile::exists(schema))
        schema = QStringLiteral(REPOSCOPE_SARIF_SCHEMA_NPM); // the bootstrap installs it
    if (!QFile::exists(schema))
        GTEST_SKIP() << "no SARIF 2.1.0 schema: neither " REPOSCOPE_SARIF_SCHEMA " nor "
                     << schema.toStdString() << " (scripts/bootstrap.sh installs the second)";
    std::cout << "validating against " << schema.toStdString() << std::endl;
    QTemporaryDir dir;
    const auto write = [&dir](const QString &name, const QByteArray &bytes) {
        QFile file(dir.filePath(name));
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        return file.fileName();
    };
    ExportContext partial = m_context;
    partial.answerComplete = false;
    partial.incompleteReason = QStringLiteral("The answer stopped at the output token limit.");
    partial.commit.clear();
    const QList<QPair<QString, QByteArray>> logs{
        {QStringLiteral("rich.sarif"), toSarif(m_findings, m_context)},
        {QStringLiteral("partial.sarif"), toSarif(m_findings, partial)},
        {QStringLiteral("empty.sarif"), toSarif({}, ExportContext{})},
    };
    for (const auto &[name, bytes] : logs) {
        const auto verdict = validate(schema, write(name, bytes));
        if (!verdict)
            GTEST_SKIP() << "python3 with the jsonschema module is not installed "
                            "(Debian: python3-jsonschema)";
        EXPECT_EQ(verdict->first, 0) << name.toStdString() << "\n" << verdict->second.toStdString();
    }
    // The validator can fail: a log with a level SARIF does not know is rejected.
    QByteArray broken = logs.constFirst().second;
    broken.replace("\"level\": \"error\"", "\"level\": \"fatal\"");
    const auto rejected = validate(schema, write(QStringLiteral("broken.sarif"), broken));
    ASSERT_TRUE(rejected);
    EXPECT_EQ(rejected->first, 1);
    EXPECT_TRUE(rejected->second.contains(QStringLiteral("fatal")))
        << rejected->second.toStdString();
}
