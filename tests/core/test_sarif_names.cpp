// SPDX-License-Identifier: MIT
// A finding on a file whose name is shown escaped ("inv\xff.txt", "a\n.txt") exports a SARIF
// URI that names the file's real bytes, percent-encoded.
#include "findings/findingsexport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace reposcope::findings;

namespace {

// The URI for a finding cited as `cited` and resolved to `resolvedPath` ("" = not found).
QString firstUri(const QString &cited, const QString &resolvedPath) {
    Finding f;
    f.title = QStringLiteral("Command injection");
    f.citation.path = cited;
    f.citation.startLine = 1;
    f.citation.endLine = 1;
    f.resolved.status =
        resolvedPath.isEmpty() ? VerificationStatus::Unverified : VerificationStatus::Located;
    f.resolved.path = resolvedPath;
    f.resolved.startLine = 1;
    f.resolved.endLine = 1;
    ExportContext context;
    context.repositoryName = QStringLiteral("repo");
    context.repositoryRoot = QStringLiteral("/tmp/repo");
    const QJsonObject log = QJsonDocument::fromJson(toSarif({f}, context)).object();
    return log.value(QStringLiteral("runs"))
        .toArray()
        .at(0)
        .toObject()
        .value(QStringLiteral("results"))
        .toArray()
        .at(0)
        .toObject()
        .value(QStringLiteral("locations"))
        .toArray()
        .at(0)
        .toObject()
        .value(QStringLiteral("physicalLocation"))
        .toObject()
        .value(QStringLiteral("artifactLocation"))
        .toObject()
        .value(QStringLiteral("uri"))
        .toString();
}

} // namespace

TEST(SarifNames, UriNamesTheRawBytesOfAnEscapedPath) {
    const auto resolved = [](const QString &p) { return firstUri(p, p); };
    EXPECT_EQ(resolved(QStringLiteral("src/inv\\xff.txt")), QStringLiteral("src/inv%FF.txt"));
    EXPECT_EQ(resolved(QStringLiteral("a\\n.txt")), QStringLiteral("a%0A.txt"));
    EXPECT_EQ(resolved(QStringLiteral("x\\\\n.txt")), QStringLiteral("x%5Cn.txt"));
    EXPECT_EQ(resolved(QStringLiteral("src/main.c")), QStringLiteral("src/main.c"));
    // An unresolved Windows-style citation still reads as a relative path.
    EXPECT_EQ(firstUri(QStringLiteral("src\\main.c"), QString()), QStringLiteral("src/main.c"));
}
