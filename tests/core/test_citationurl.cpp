// SPDX-License-Identifier: MIT
#include "findings/citationurl.h"

#include <gtest/gtest.h>

using namespace reposcope::findings;

namespace {

Citation cite(const QString &path, int start, int end) {
    Citation citation;
    citation.path = path;
    citation.startLine = start;
    citation.endLine = end;
    citation.text = path;
    return citation;
}

} // namespace

TEST(CitationUrl, RoundTripsAwkwardPaths) {
    const QStringList paths{
        QStringLiteral("api/user.go"),
        QStringLiteral("docs/my notes/read me.md"),
        QStringLiteral("src/übersicht/日本語.cpp"),
        QStringLiteral("weird/#hash#/a?b=c&d=e.py"),
        QStringLiteral("plus+sign/100%/x;y,z.txt"),
        QStringLiteral("emoji/🚀.rs"),
    };
    for (const QString &path : paths) {
        const Citation in = cite(path, 40, 52);
        const QUrl url = citationUrl(in);
        EXPECT_TRUE(url.isValid()) << path.toStdString();
        EXPECT_EQ(url.scheme(), QStringLiteral("reposcope-cite"));
        // Survives the trip through a string, as an anchor href does.
        const QUrl reparsed(url.toString(QUrl::FullyEncoded), QUrl::StrictMode);
        const std::optional<Citation> out = citationFromUrl(reparsed);
        ASSERT_TRUE(out.has_value()) << path.toStdString();
        EXPECT_EQ(out->path, path);
        EXPECT_EQ(out->startLine, 40);
        EXPECT_EQ(out->endLine, 52);
        EXPECT_EQ(out->text, path + QStringLiteral(":40-52"));
        EXPECT_FALSE(reparsed.hasFragment()) << "'#' must stay inside the query";
    }
}

TEST(CitationUrl, SingleLineAndNoLine) {
    const std::optional<Citation> one =
        citationFromUrl(citationUrl(cite(QStringLiteral("a.go"), 42, 42)));
    ASSERT_TRUE(one);
    EXPECT_EQ(one->startLine, 42);
    EXPECT_EQ(one->endLine, 42);
    EXPECT_EQ(one->text, QStringLiteral("a.go:42"));

    const QUrl bare = citationUrl(cite(QStringLiteral("Makefile"), 0, 0));
    EXPECT_FALSE(bare.query().contains(QStringLiteral("start")));
    const std::optional<Citation> none = citationFromUrl(bare);
    ASSERT_TRUE(none);
    EXPECT_EQ(none->path, QStringLiteral("Makefile"));
    EXPECT_FALSE(none->hasLine());
}

TEST(CitationUrl, RejectsOtherUrls) {
    EXPECT_FALSE(citationFromUrl(QUrl(QStringLiteral("https://example.invalid/a.go?path=a.go"))));
    EXPECT_FALSE(citationFromUrl(QUrl(QStringLiteral("reposcope:fit-to-budget"))));
    EXPECT_FALSE(citationFromUrl(QUrl(QStringLiteral("reposcope-cite:?start=3&end=4"))));
    EXPECT_FALSE(citationFromUrl(QUrl(QStringLiteral("reposcope-cite:?path=a.go&start=x"))));
    EXPECT_FALSE(citationFromUrl(QUrl(QStringLiteral("reposcope-cite:?path=a.go&start=9&end=3"))));
    EXPECT_FALSE(citationFromUrl(QUrl(QStringLiteral("reposcope-cite:?path=a.go&start=0"))));
    EXPECT_FALSE(citationFromUrl(QUrl()));
}
