// SPDX-License-Identifier: MIT
// A partial answer (cut off at the token limit, or broken off) is marked in every export:
// SARIF's invocation fails with a notification that says why, the report says it at the
// top, and every CSV row says "partial".
#include "findingsamples.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace reposcope::findings;
using namespace reposcope::test;

namespace {

const QString kReason = QStringLiteral(
    "The answer stopped at the output token limit (512 tokens, finish reason \"length\") and is "
    "incomplete.");

QJsonObject runOf(const QByteArray &sarif) {
    return QJsonDocument::fromJson(sarif)
        .object()
        .value(QStringLiteral("runs"))
        .toArray()
        .at(0)
        .toObject();
}

QJsonObject invocationOf(const QJsonObject &run) {
    return run.value(QStringLiteral("invocations")).toArray().at(0).toObject();
}

TEST(PartialExports, SarifInvocationIsUnsuccessfulAndSaysWhy) {
    ExportContext context = sampleContext(QStringLiteral("/home/dev/shop"));
    const QList<Finding> findings = sampleFindings();

    const QJsonObject whole = runOf(toSarif(findings, context));
    EXPECT_TRUE(invocationOf(whole).value(QStringLiteral("executionSuccessful")).toBool(false));
    EXPECT_FALSE(invocationOf(whole).contains(QStringLiteral("toolExecutionNotifications")));
    EXPECT_FALSE(whole.value(QStringLiteral("properties"))
                     .toObject()
                     .contains(QStringLiteral("incompleteReason")));

    context.answerComplete = false;
    context.incompleteReason = kReason;
    const QJsonObject run = runOf(toSarif(findings, context));
    const QJsonObject invocation = invocationOf(run);
    EXPECT_FALSE(invocation.value(QStringLiteral("executionSuccessful")).toBool(true));
    const QJsonArray notifications =
        invocation.value(QStringLiteral("toolExecutionNotifications")).toArray();
    ASSERT_EQ(notifications.size(), 1);
    const QString text = notifications.at(0)
                             .toObject()
                             .value(QStringLiteral("message"))
                             .toObject()
                             .value(QStringLiteral("text"))
                             .toString();
    EXPECT_TRUE(text.contains(QStringLiteral("findings may be missing"))) << text.toStdString();
    EXPECT_TRUE(text.contains(kReason)) << text.toStdString();
    const QJsonObject properties = run.value(QStringLiteral("properties")).toObject();
    EXPECT_FALSE(properties.value(QStringLiteral("answerComplete")).toBool(true));
    EXPECT_EQ(properties.value(QStringLiteral("incompleteReason")).toString(), kReason);
    // The findings it holds are all there.
    EXPECT_EQ(run.value(QStringLiteral("results")).toArray().size(), findings.size());
}

TEST(PartialExports, ReportSaysWhyAtTheTop) {
    ExportContext context = sampleContext(QStringLiteral("/home/dev/shop"));
    context.answerComplete = false;
    context.incompleteReason = kReason;
    const QString md = QString::fromUtf8(toMarkdown(sampleFindings(), context));
    const qsizetype partial = md.indexOf(QStringLiteral("> **Partial answer:**"));
    ASSERT_GE(partial, 0) << md.toStdString();
    EXPECT_LT(partial, md.indexOf(QStringLiteral("## Findings")));
    const QString line = md.mid(partial, md.indexOf(QLatin1Char('\n'), partial) - partial);
    EXPECT_TRUE(line.contains(QStringLiteral("output token limit (512 tokens")))
        << line.toStdString();
}

TEST(PartialExports, EveryCsvRowSaysPartial) {
    ExportContext context = sampleContext(QStringLiteral("/home/dev/shop"));
    const QList<Finding> findings = sampleFindings();
    const auto lastFields = [&findings](const QByteArray &csv) {
        QStringList last;
        for (const QString &record :
             QString::fromUtf8(csv).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts))
            last << record.section(QLatin1Char(','), -1);
        return last;
    };
    context.answerComplete = false;
    QStringList partial = lastFields(toCsv(findings, context));
    // Records with line breaks inside quotes split into more pieces; every record's end is
    // still its answer field.
    ASSERT_FALSE(partial.isEmpty());
    EXPECT_EQ(partial.takeFirst(), QStringLiteral("answer"));
    EXPECT_EQ(partial.count(QStringLiteral("partial")), findings.size());
    EXPECT_EQ(partial.count(QStringLiteral("complete")), 0);

    context.answerComplete = true;
    QStringList complete = lastFields(toCsv(findings, context));
    complete.takeFirst();
    EXPECT_EQ(complete.count(QStringLiteral("complete")), findings.size());
    EXPECT_EQ(complete.count(QStringLiteral("partial")), 0);
}

} // namespace
