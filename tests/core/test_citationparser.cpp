// SPDX-License-Identifier: MIT
// findCitations() and parseCitation(): every form the header lists, offsets, punctuation and
// wrappers around a match, backslashes, Unicode paths, and what is not a citation (URLs,
// times, versions, host names, plain words).
#include "findings/citationparser.h"

#include <gtest/gtest.h>

using namespace reposcope::findings;

namespace {

struct Expected {
    const char *text; // UTF-8
    const char *path; // expected path ('/'-separated)
    int start;
    int end;
    const char *match; // the matched text
};

std::string str(const QString &s) {
    return s.toStdString();
}

} // namespace

TEST(CitationParser, EveryFormInTheHeader) {
    const Expected cases[] = {
        {"see api/user.go:42 for it", "api/user.go", 42, 42, "api/user.go:42"},
        {"in api/user.go:40-52.", "api/user.go", 40, 52, "api/user.go:40-52"},
        {"in api/user.go:40\u201352", "api/user.go", 40, 52, "api/user.go:40\u201352"},
        {"at api/user.go:L42", "api/user.go", 42, 42, "api/user.go:L42"},
        {"api/user.go:L40-L52", "api/user.go", 40, 52, "api/user.go:L40-L52"},
        {"api/user.go#L10-L20", "api/user.go", 10, 20, "api/user.go#L10-L20"},
        {"api/user.go#L10", "api/user.go", 10, 10, "api/user.go#L10"},
        {"api/user.go line 10", "api/user.go", 10, 10, "api/user.go line 10"},
        {"api/user.go, line 10", "api/user.go", 10, 10, "api/user.go, line 10"},
        {"api/user.go lines 10-20", "api/user.go", 10, 20, "api/user.go lines 10-20"},
        {"api/user.go lines 10 to 20", "api/user.go", 10, 20, "api/user.go lines 10 to 20"},
        {"api/user.go Line 7", "api/user.go", 7, 7, "api/user.go Line 7"},
        {"api/user.go (line 10) does", "api/user.go", 10, 10, "api/user.go (line 10)"},
        {"api/user.go (lines 3\u20135)", "api/user.go", 3, 5, "api/user.go (lines 3\u20135)"},
        {"api/user.go at line 9", "api/user.go", 9, 9, "api/user.go at line 9"},
        {"the `api/user.go:42` call", "api/user.go", 42, 42, "api/user.go:42"},
        {"the `api/user.go`:42 call", "api/user.go", 42, 42, "`api/user.go`:42"},
        {"the `api/user.go` line 42", "api/user.go", 42, 42, "`api/user.go` line 42"},
        {"api/user.go:42:7", "api/user.go", 42, 42, "api/user.go:42:7"},
        {"main.go:3", "main.go", 3, 3, "main.go:3"},
        {"Makefile:12", "Makefile", 12, 12, "Makefile:12"},
        {"Dockerfile line 3", "Dockerfile", 3, 3, "Dockerfile line 3"},
        {".env:2", ".env", 2, 2, ".env:2"},
        {"./cmd/app/main.go:1", "./cmd/app/main.go", 1, 1, "./cmd/app/main.go:1"},
        {"scripts/run:4", "scripts/run", 4, 4, "scripts/run:4"},
        {"src/Foo$Bar.java:8", "src/Foo$Bar.java", 8, 8, "src/Foo$Bar.java:8"},
        {"@scope/pkg/index.ts:5", "@scope/pkg/index.ts", 5, 5, "@scope/pkg/index.ts:5"},
        {"a.go:52-40", "a.go", 52, 52, "a.go:52-40"}, // a reversed range keeps its start
    };
    for (const Expected &c : cases) {
        const QString text = QString::fromUtf8(c.text);
        const QList<CitationMatch> matches = findCitations(text);
        ASSERT_EQ(matches.size(), 1) << c.text;
        const CitationMatch &m = matches.first();
        EXPECT_EQ(str(m.citation.path), c.path) << c.text;
        EXPECT_EQ(m.citation.startLine, c.start) << c.text;
        EXPECT_EQ(m.citation.endLine, c.end) << c.text;
        EXPECT_EQ(str(text.mid(m.offset, m.length)), c.match) << c.text;
        EXPECT_EQ(m.citation.text, text.mid(m.offset, m.length)) << c.text;
    }
}

TEST(CitationParser, OffsetsOfSeveralMatches) {
    const QString text = QStringLiteral(
        "The id enters at api/handler.go:31, reaches store/user.go:88-90 and ends in "
        "`store/db.go:12`; see also docs/README.md line 4.");
    const QList<CitationMatch> matches = findCitations(text);
    ASSERT_EQ(matches.size(), 4);
    const char *expected[] = {"api/handler.go:31", "store/user.go:88-90", "store/db.go:12",
                              "docs/README.md line 4"};
    qsizetype previousEnd = 0;
    for (int k = 0; k < 4; ++k) {
        EXPECT_EQ(str(text.mid(matches[k].offset, matches[k].length)), expected[k]);
        EXPECT_EQ(matches[k].offset, text.indexOf(QString::fromUtf8(expected[k])));
        EXPECT_GE(matches[k].offset, previousEnd) << "in order, not overlapping";
        previousEnd = matches[k].offset + matches[k].length;
    }
}

TEST(CitationParser, PunctuationAndWrappersAreNotPartOfTheMatch) {
    const char *texts[] = {"See api/user.go:42.",    "(api/user.go:42),", "**api/user.go:42**",
                           "\"api/user.go:42\"",     "[api/user.go:42]",  "'api/user.go:42';",
                           "\u2192 api/user.go:42!", "<api/user.go:42>"};
    for (const char *t : texts) {
        const QString text = QString::fromUtf8(t);
        const QList<CitationMatch> matches = findCitations(text);
        ASSERT_EQ(matches.size(), 1) << t;
        EXPECT_EQ(matches[0].citation.text, QStringLiteral("api/user.go:42")) << t;
        EXPECT_EQ(matches[0].citation.path, QStringLiteral("api/user.go")) << t;
    }
}

TEST(CitationParser, NotCitations) {
    const char *texts[] = {
        "https://github.com/org/repo/blob/main/api/user.go#L10",
        "http://example.com:8080/api/user.go",
        "see example.com:443 and www.example.org:80",
        "git@github.com:org/repo.go",
        "the meeting is at 10:30, or 10:30-11:00",
        "upgrade to v1.2:3 or 1.2.3:4 or 3.14:15",
        "line 10 of the file",
        "note: 42 items",
        "ratio 16:9",
        "api/user.go:0 is not a line",
        "api/user.go:42abc",
        "src/:12",
        "e.g.:3",
        "C:\\src\\app.go:3",
        "the user.go file has 42 lines",
    };
    for (const char *t : texts) {
        const QList<CitationMatch> matches = findCitations(QString::fromUtf8(t));
        EXPECT_TRUE(matches.isEmpty())
            << t << " -> " << (matches.isEmpty() ? "" : str(matches[0].citation.text));
    }
}

TEST(CitationParser, WindowsBackslashesBecomeSlashes) {
    const QString text = QStringLiteral("in src\\api\\user.go:42-44 here");
    const QList<CitationMatch> matches = findCitations(text);
    ASSERT_EQ(matches.size(), 1);
    EXPECT_EQ(matches[0].citation.path, QStringLiteral("src/api/user.go"));
    EXPECT_EQ(matches[0].citation.text, QStringLiteral("src\\api\\user.go:42-44"));
    EXPECT_EQ(matches[0].citation.endLine, 44);
}

TEST(CitationParser, UnicodePaths) {
    const QString text =
        QString::fromUtf8("siehe docs/\u00fcber/stra\u00dfe.md:3 und src/\u65e5\u672c/"
                          "\u30d5\u30a1\u30a4\u30eb.ts:10-12.");
    const QList<CitationMatch> matches = findCitations(text);
    ASSERT_EQ(matches.size(), 2);
    EXPECT_EQ(matches[0].citation.path, QString::fromUtf8("docs/\u00fcber/stra\u00dfe.md"));
    EXPECT_EQ(matches[1].citation.path,
              QString::fromUtf8("src/\u65e5\u672c/\u30d5\u30a1\u30a4\u30eb.ts"));
    EXPECT_EQ(matches[1].citation.startLine, 10);
    EXPECT_EQ(matches[1].citation.endLine, 12);
    for (const CitationMatch &m : matches)
        EXPECT_EQ(m.citation.text, text.mid(m.offset, m.length));
}

TEST(CitationParser, ParseCitationField) {
    struct Field {
        const char *text;
        const char *path;
        int start;
        int end;
    };
    const Field fields[] = {
        {"api/user.go:42-50", "api/user.go", 42, 50},
        {"`api/user.go` line 42", "api/user.go", 42, 42},
        {"api/user.go", "api/user.go", 0, 0},
        {"`api/user.go`", "api/user.go", 0, 0},
        {"api\\user.go", "api/user.go", 0, 0},
        {"Makefile", "Makefile", 0, 0},
        {"go.mod", "go.mod", 0, 0},
        {"api/user.go:42, store/db.go:12", "api/user.go", 42, 42},
        {"In the handler (api/user.go, lines 3-9)", "api/user.go", 3, 9},
    };
    for (const Field &f : fields) {
        const std::optional<Citation> citation = parseCitation(QString::fromUtf8(f.text));
        ASSERT_TRUE(citation.has_value()) << f.text;
        EXPECT_EQ(str(citation->path), f.path) << f.text;
        EXPECT_EQ(citation->startLine, f.start) << f.text;
        EXPECT_EQ(citation->endLine, f.end) << f.text;
        EXPECT_EQ(citation->hasLine(), f.start > 0) << f.text;
    }
    for (const char *none : {"see the handler", "", "e.g.", "line 42", "https://x.org/a.go"})
        EXPECT_FALSE(parseCitation(QString::fromUtf8(none)).has_value()) << none;
}
