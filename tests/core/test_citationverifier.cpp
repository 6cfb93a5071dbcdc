// SPDX-License-Identifier: MIT
// CitationVerifier against a real pack of a real scratch repository: invented paths,
// out-of-range lines, off-by-N lines, changed whitespace, duplicate names, tolerated path
// spellings, ellipses, missing quotes, flows and mentions.
#include "findings/citationverifier.h"
#include "prompt/packwriter.h"
#include "scanhelpers.h"
#include "scratchrepo.h"

#include <QBuffer>
#include <QThreadPool>

#include <gtest/gtest.h>

using namespace reposcope::findings;
using namespace reposcope::prompt;
using reposcope::test::ScratchRepo;

namespace {

// api/user.go: filler lines with a few known ones.
constexpr int kQueryLine = 42;          // the SQL concatenation
constexpr int kCheckLines[] = {10, 50}; // "if err != nil {" twice
constexpr int kUserLines = 60;

QByteArray userGo() {
    QByteArray text;
    for (int line = 1; line <= kUserLines; ++line) {
        if (line == kQueryLine)
            text += "\trows, err := db.Query(\"SELECT * FROM users WHERE id = \" + id)\n";
        else if (line == kCheckLines[0] || line == kCheckLines[1])
            text += "\tif err != nil {\n";
        else if (line == kQueryLine + 1)
            text += "\tdefer rows.Close()\n";
        else
            text += "\t// step " + QByteArray::number(line) + "\n";
    }
    return text;
}

// upload.py lines 3-8: a function whose body a quote re-wraps and elides.
const QByteArray kUploadPy = "import os\n"
                             "\n"
                             "def save(name, data):\n"
                             "    path = os.path.join(UPLOADS,\n"
                             "                        name)\n"
                             "    with open(path, 'wb') as f:\n"
                             "        f.write(data)\n"
                             "    return path\n";

class CitationVerifierTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_repo.write(QStringLiteral("api/user.go"), userGo());
        m_repo.write(QStringLiteral("a/util.go"), "package a\nfunc Helper() {}\n");
        m_repo.write(QStringLiteral("b/util.go"), "package b\nfunc Helper() {}\n");
        m_repo.write(QStringLiteral("internal/auth/token.go"),
                     "package auth\nconst secret = \"hunter2\"\n");
        m_repo.write(QStringLiteral("src/handlers/upload.py"), kUploadPy);
        m_repo.write(QStringLiteral("README.md"), "# Demo\n");
        const reposcope::repo::SnapshotPtr snap = reposcope::test::scanned(m_repo.path());
        ASSERT_TRUE(snap);
        // Line numbers on: the verifier must see the code without the prefixes.
        PackOptions options;
        options.lineNumbers = true;
        std::vector<int> nodes;
        for (const char *path : {"api/user.go", "a/util.go", "b/util.go", "internal/auth/token.go",
                                 "src/handlers/upload.py"}) {
            nodes.push_back(snap->find(path));
            ASSERT_GT(nodes.back(), 0) << path;
        }
        QThreadPool pool;
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        auto stats = writePack(*snap, nodes, PackFormat(options), buffer, &pool);
        ASSERT_TRUE(stats.ok()) << stats.error().message.toStdString();
        m_root = snap->name(0);
        m_verifier = std::make_unique<CitationVerifier>(
            makePackSourceSet(snap, buffer.data(), stats->manifest, options));
    }

    ResolvedLocation check(const QString &path, int start, int end = 0,
                           const QString &quote = QString()) const {
        Citation citation;
        citation.path = path;
        citation.startLine = start;
        citation.endLine = end ? end : start;
        citation.text = path + QLatin1Char(':') + QString::number(start);
        return m_verifier->verify(citation, quote);
    }

    ScratchRepo m_repo;
    QString m_root;
    std::unique_ptr<CitationVerifier> m_verifier;
};

const QString kQuery =
    QStringLiteral("rows, err := db.Query(\"SELECT * FROM users WHERE id = \" + id)");

std::string str(const QString &s) {
    return s.toStdString();
}

} // namespace

TEST_F(CitationVerifierTest, CorrectCitationWithQuoteIsVerified) {
    const ResolvedLocation r = check(QStringLiteral("api/user.go"), kQueryLine, 0, kQuery);
    EXPECT_EQ(r.status, VerificationStatus::Verified) << str(r.note);
    EXPECT_EQ(r.path, QStringLiteral("api/user.go"));
    EXPECT_EQ(r.startLine, kQueryLine);
    EXPECT_EQ(r.endLine, kQueryLine);
    EXPECT_TRUE(r.quoteChecked);
    EXPECT_TRUE(r.note.isEmpty()) << str(r.note);
    EXPECT_TRUE(r.canNavigate());
}

TEST_F(CitationVerifierTest, InventedPathIsUnverified) {
    const ResolvedLocation r = check(QStringLiteral("api/users_handler.go"), 12, 0, kQuery);
    EXPECT_EQ(r.status, VerificationStatus::Unverified);
    EXPECT_TRUE(r.path.isEmpty());
    EXPECT_FALSE(r.canNavigate());
    EXPECT_EQ(str(r.note), "no file 'api/users_handler.go' in the snapshot");
}

TEST_F(CitationVerifierTest, LinesPastTheEndAreUnverifiedWithoutAQuote) {
    ResolvedLocation r = check(QStringLiteral("api/user.go"), 900);
    EXPECT_EQ(r.status, VerificationStatus::Unverified);
    EXPECT_EQ(str(r.note), "line 900 is past the end (60 lines)");
    EXPECT_EQ(r.startLine, 0);
    EXPECT_FALSE(r.canNavigate());

    r = check(QStringLiteral("api/user.go"), 55, 70);
    EXPECT_EQ(r.status, VerificationStatus::Unverified);
    EXPECT_EQ(str(r.note), "lines 55-70 run past the end (60 lines)");
}

TEST_F(CitationVerifierTest, LinesPastTheEndWithARealQuoteAreCorrected) {
    const ResolvedLocation r = check(QStringLiteral("api/user.go"), 420, 0, kQuery);
    EXPECT_EQ(r.status, VerificationStatus::Corrected);
    EXPECT_EQ(r.startLine, kQueryLine);
    EXPECT_EQ(str(r.note), "line 420 is past the end (60 lines); the quote is at 42");
}

TEST_F(CitationVerifierTest, OffByNLinesWithACorrectQuoteAreCorrected) {
    for (const int cited : {1, 40, 41, 43, 47, 60}) {
        const ResolvedLocation r = check(QStringLiteral("api/user.go"), cited, 0, kQuery);
        EXPECT_EQ(r.status, VerificationStatus::Corrected) << cited;
        EXPECT_EQ(r.startLine, kQueryLine) << cited;
        EXPECT_EQ(r.endLine, kQueryLine) << cited;
        EXPECT_EQ(str(r.note), "cited line " + std::to_string(cited) + ", the quote is at 42");
        EXPECT_TRUE(r.canNavigate());
    }
}

TEST_F(CitationVerifierTest, ARepeatedQuoteIsCorrectedToTheNearestOccurrence) {
    const QString quote = QStringLiteral("if err != nil {");
    EXPECT_EQ(check(QStringLiteral("api/user.go"), 10, 0, quote).status,
              VerificationStatus::Verified);
    EXPECT_EQ(check(QStringLiteral("api/user.go"), 50, 0, quote).status,
              VerificationStatus::Verified);
    EXPECT_EQ(check(QStringLiteral("api/user.go"), 14, 0, quote).startLine, 10);
    EXPECT_EQ(check(QStringLiteral("api/user.go"), 45, 0, quote).startLine, 50);
    EXPECT_EQ(check(QStringLiteral("api/user.go"), 30, 0, quote).startLine, 10); // a tie: earlier
    EXPECT_EQ(check(QStringLiteral("api/user.go"), 58, 0, quote).status,
              VerificationStatus::Corrected);
}

TEST_F(CitationVerifierTest, ChangedWhitespaceAndIndentationStillMatch) {
    for (const QString &quote :
         {QStringLiteral("    rows, err :=   db.Query(\"SELECT * FROM users WHERE id = \" + id)"),
          QStringLiteral("rows,\terr := db.Query(\"SELECT * FROM users WHERE id = \"\n + id)"),
          QStringLiteral("`db.Query(\"SELECT * FROM users WHERE id = \" + id)`"),
          QStringLiteral("\"rows, err := db.Query(\"SELECT * FROM users WHERE id = \" + id)\""),
          QStringLiteral("```go\n\trows, err := db.Query(\"SELECT * FROM users WHERE id = \" + "
                         "id)\n```")}) {
        const ResolvedLocation r = check(QStringLiteral("api/user.go"), kQueryLine, 0, quote);
        EXPECT_EQ(r.status, VerificationStatus::Verified) << str(quote) << " " << str(r.note);
        EXPECT_TRUE(r.quoteChecked);
    }
}

// Models copy the numbered pack; the prefixes are not part of the code.
TEST_F(CitationVerifierTest, QuotesWithCopiedLineNumbersMatch) {
    const QString quote =
        QStringLiteral("42: ") + kQuery + QStringLiteral("\n43: defer rows.Close()");
    const ResolvedLocation r = check(QStringLiteral("api/user.go"), 42, 43, quote);
    EXPECT_EQ(r.status, VerificationStatus::Verified) << str(r.note);
}

TEST_F(CitationVerifierTest, AQuoteNotInTheFileIsUnverifiedEvenWhenTheLineExists) {
    const ResolvedLocation r = check(QStringLiteral("api/user.go"), kQueryLine, 0,
                                     QStringLiteral("db.Exec(\"DROP TABLE users\")"));
    EXPECT_EQ(r.status, VerificationStatus::Unverified);
    EXPECT_TRUE(r.quoteChecked);
    EXPECT_EQ(r.path, QStringLiteral("api/user.go"));
    EXPECT_EQ(r.startLine, 0);
    EXPECT_FALSE(r.canNavigate());
    EXPECT_EQ(str(r.note), "the quote is not in api/user.go");
}

// "Verified" means the quote holds: an existing place without a quote is only located.
TEST_F(CitationVerifierTest, NoQuoteIsLocatedNeverVerified) {
    ResolvedLocation r = check(QStringLiteral("api/user.go"), 5, 7);
    EXPECT_EQ(r.status, VerificationStatus::Located);
    EXPECT_EQ(str(statusName(r.status)), "located");
    EXPECT_FALSE(r.quoteChecked);
    EXPECT_TRUE(r.canNavigate());
    EXPECT_EQ(r.path, QStringLiteral("api/user.go"));
    EXPECT_EQ(r.startLine, 5);
    EXPECT_EQ(r.endLine, 7);
    // Blank quotes, or only an ellipsis, are no quote.
    r = check(QStringLiteral("api/user.go"), 5, 0, QStringLiteral(" ` … ` "));
    EXPECT_EQ(r.status, VerificationStatus::Located);
    EXPECT_FALSE(r.quoteChecked);
    // A file without a line.
    r = check(QStringLiteral("api/user.go"), 0);
    EXPECT_EQ(r.status, VerificationStatus::Located);
    EXPECT_EQ(r.startLine, 0);
    // The same place with its quote is verified.
    r = check(QStringLiteral("api/user.go"), kQueryLine, 0, kQuery);
    EXPECT_EQ(r.status, VerificationStatus::Verified);
    EXPECT_TRUE(r.quoteChecked);
}

// An existing file cited at a line it does not have is never verified by the line alone.
TEST_F(CitationVerifierTest, AnExistingFileAtALineItDoesNotHaveIsUnverified) {
    for (const auto &[start, end] : {std::pair{61, 61}, std::pair{59, 64}, std::pair{400, 400}}) {
        const ResolvedLocation r = check(QStringLiteral("api/user.go"), start, end);
        EXPECT_EQ(r.status, VerificationStatus::Unverified) << start << "-" << end;
        EXPECT_FALSE(r.canNavigate());
        EXPECT_FALSE(r.note.isEmpty());
    }
    // A quote that is not in the file does not rescue it either.
    const ResolvedLocation r =
        check(QStringLiteral("api/user.go"), 61, 0, QStringLiteral("request.args"));
    EXPECT_EQ(r.status, VerificationStatus::Unverified);
}

// A quote found at another line than cited moves the location there: corrected.
TEST_F(CitationVerifierTest, AQuoteAtAnotherLineThanCitedIsCorrected) {
    const ResolvedLocation r = check(QStringLiteral("api/user.go"), 3, 0, kQuery);
    EXPECT_EQ(r.status, VerificationStatus::Corrected);
    EXPECT_TRUE(r.quoteChecked);
    EXPECT_EQ(r.startLine, kQueryLine);
    EXPECT_EQ(str(r.note), "cited line 3, the quote is at 42");
}

TEST_F(CitationVerifierTest, AQuoteWithoutALineSuppliesTheLines) {
    const ResolvedLocation r = check(QStringLiteral("api/user.go"), 0, 0, kQuery);
    EXPECT_EQ(r.status, VerificationStatus::Verified);
    EXPECT_EQ(r.startLine, kQueryLine);
    EXPECT_EQ(str(r.note), "no line cited; the quote is at 42");
}

TEST_F(CitationVerifierTest, DuplicateFileNamesAreAmbiguousUnlessASuffixIsUnique) {
    ResolvedLocation r = check(QStringLiteral("util.go"), 2);
    EXPECT_EQ(r.status, VerificationStatus::Unverified);
    EXPECT_EQ(str(r.note), "'util.go' is ambiguous: a/util.go, b/util.go");
    r = check(QStringLiteral("pkg/util.go"), 2);
    EXPECT_EQ(r.status, VerificationStatus::Unverified);
    EXPECT_EQ(str(r.note),
              "no file 'pkg/util.go', and 'util.go' is ambiguous: a/util.go, b/util.go");

    r = check(QStringLiteral("b/util.go"), 1, 0, QStringLiteral("package b"));
    EXPECT_EQ(r.status, VerificationStatus::Verified);
    EXPECT_EQ(r.path, QStringLiteral("b/util.go"));

    r = check(QStringLiteral("auth/token.go"), 2, 0, QStringLiteral("const secret = \"hunter2\""));
    EXPECT_EQ(r.status, VerificationStatus::Corrected);
    EXPECT_EQ(r.path, QStringLiteral("internal/auth/token.go"));
    EXPECT_EQ(r.startLine, 2);
    EXPECT_EQ(str(r.note), "'auth/token.go' is internal/auth/token.go");

    // Another folder, but the only file of that name.
    r = check(QStringLiteral("server/token.go"), 2);
    EXPECT_EQ(r.status, VerificationStatus::Corrected);
    EXPECT_EQ(r.path, QStringLiteral("internal/auth/token.go"));
    EXPECT_EQ(str(r.note),
              "no file 'server/token.go'; the only 'token.go' is internal/auth/token.go");

    QString why;
    EXPECT_TRUE(m_verifier->resolvePath(QStringLiteral("util.go"), &why).isEmpty());
    EXPECT_FALSE(why.isEmpty());
    EXPECT_EQ(m_verifier->resolvePath(QStringLiteral("token.go")),
              QStringLiteral("internal/auth/token.go"));
}

TEST_F(CitationVerifierTest, ToleratedPathSpellingsAreExact) {
    const QStringList spellings{QStringLiteral("./api/user.go"),
                                QStringLiteral("/api/user.go"),
                                QStringLiteral("api\\user.go"),
                                QStringLiteral("`api/user.go`"),
                                m_root + QStringLiteral("/api/user.go"),
                                QStringLiteral("./") + m_root + QStringLiteral("/api/user.go")};
    for (const QString &path : spellings) {
        const ResolvedLocation r = check(path, kQueryLine, 0, kQuery);
        EXPECT_EQ(r.status, VerificationStatus::Verified) << str(path) << " " << str(r.note);
        EXPECT_EQ(r.path, QStringLiteral("api/user.go")) << str(path);
    }
}

TEST_F(CitationVerifierTest, MultiLineQuotesWithAnEllipsis) {
    const QString quote = QStringLiteral("def save(name, data):\n"
                                         "    path = os.path.join(UPLOADS, name)\n"
                                         "    ...\n"
                                         "    return path");
    // Cited at the def, or a couple of lines off: within the window of a multi-line quote.
    for (const int cited : {3, 4, 1}) {
        const ResolvedLocation r = check(QStringLiteral("src/handlers/upload.py"), cited, 0, quote);
        EXPECT_EQ(r.status, VerificationStatus::Verified) << cited << " " << str(r.note);
    }
    const ResolvedLocation moved =
        check(QStringLiteral("src/handlers/upload.py"), 1, 0,
              QStringLiteral("with open(path, 'wb') as f: … return path"));
    EXPECT_EQ(moved.status, VerificationStatus::Corrected) << str(moved.note);
    EXPECT_EQ(moved.startLine, 6);
    EXPECT_EQ(moved.endLine, 8);
    EXPECT_EQ(str(moved.note), "cited line 1, the quote is at 6-8");
    // The pieces must come in order.
    const ResolvedLocation reversed = check(QStringLiteral("src/handlers/upload.py"), 3, 0,
                                            QStringLiteral("return path ... def save"));
    EXPECT_EQ(reversed.status, VerificationStatus::Unverified);
}

TEST_F(CitationVerifierTest, EveryFlowStepIsVerified) {
    Finding finding;
    finding.citation.path = QStringLiteral("api/user.go");
    finding.citation.startLine = finding.citation.endLine = kQueryLine;
    finding.quote = kQuery;
    auto step = [](const QString &path, int line, const QString &quote) {
        FlowStep s;
        s.citation.path = path;
        s.citation.startLine = s.citation.endLine = line;
        s.quote = quote;
        return s;
    };
    finding.flow = {step(QStringLiteral("src/handlers/upload.py"), 3, QStringLiteral("def save")),
                    step(QStringLiteral("api/user.go"), 44, kQuery),
                    step(QStringLiteral("api/missing.go"), 3, QString())};
    m_verifier->verify(finding);
    EXPECT_EQ(finding.resolved.status, VerificationStatus::Verified);
    ASSERT_EQ(finding.flow.size(), 3);
    EXPECT_EQ(finding.flow[0].resolved.status, VerificationStatus::Verified);
    EXPECT_EQ(finding.flow[1].resolved.status, VerificationStatus::Corrected);
    EXPECT_EQ(finding.flow[1].resolved.startLine, kQueryLine);
    EXPECT_EQ(finding.flow[2].resolved.status, VerificationStatus::Unverified);
}

// A prose answer's other citations (Finding::related) are checked like flow steps: SARIF's
// relatedLocations and the panel show their status, never an unchecked place.
TEST_F(CitationVerifierTest, EveryRelatedLocationIsVerified) {
    Finding finding;
    finding.citation.path = QStringLiteral("api/user.go");
    finding.citation.startLine = finding.citation.endLine = kQueryLine;
    finding.quote = kQuery;
    FlowStep elsewhere;
    elsewhere.citation.path = QStringLiteral("api/user.go");
    elsewhere.citation.startLine = elsewhere.citation.endLine = 44;
    elsewhere.quote = kQuery;
    FlowStep invented;
    invented.citation.path = QStringLiteral("api/missing.go");
    invented.citation.startLine = invented.citation.endLine = 3;
    finding.related = {elsewhere, invented};
    m_verifier->verify(finding);
    ASSERT_EQ(finding.related.size(), 2);
    EXPECT_EQ(finding.related[0].resolved.status, VerificationStatus::Corrected);
    EXPECT_EQ(finding.related[0].resolved.startLine, kQueryLine);
    EXPECT_EQ(finding.related[1].resolved.status, VerificationStatus::Unverified);
}

TEST_F(CitationVerifierTest, MentionsAreCheckedWithTheirQuote) {
    Mention good;
    good.citation.path = QStringLiteral("api/user.go");
    good.citation.startLine = good.citation.endLine = 3;
    m_verifier->verify(good);
    EXPECT_EQ(good.resolved.status, VerificationStatus::Located);
    EXPECT_FALSE(good.resolved.quoteChecked);
    Mention bad = good;
    bad.citation.startLine = bad.citation.endLine = 61;
    m_verifier->verify(bad);
    EXPECT_EQ(bad.resolved.status, VerificationStatus::Unverified);
    // With the code span that followed it: the quote decides.
    Mention quoted = good;
    quoted.quote = QStringLiteral("db.Query(");
    m_verifier->verify(quoted);
    EXPECT_EQ(quoted.resolved.status, VerificationStatus::Corrected);
    EXPECT_EQ(quoted.resolved.startLine, kQueryLine);
    quoted.citation.startLine = quoted.citation.endLine = kQueryLine;
    m_verifier->verify(quoted);
    EXPECT_EQ(quoted.resolved.status, VerificationStatus::Verified);
    quoted.quote = QStringLiteral("request.args");
    m_verifier->verify(quoted);
    EXPECT_EQ(quoted.resolved.status, VerificationStatus::Unverified);
}

// The sources are the pack: a file rewritten on disk after the question is still checked
// against what the model read.
TEST_F(CitationVerifierTest, FilesChangedSinceTheSnapshotAreCheckedAsTheyWere) {
    m_repo.write(QStringLiteral("api/user.go"), "package api\n\n" + userGo());
    const ResolvedLocation r = check(QStringLiteral("api/user.go"), kQueryLine, 0, kQuery);
    EXPECT_EQ(r.status, VerificationStatus::Verified) << str(r.note);
    EXPECT_EQ(r.startLine, kQueryLine);
}

TEST(CitationVerifier, WithoutSourcesNothingIsVerified) {
    const CitationVerifier verifier(nullptr);
    Citation citation;
    citation.path = QStringLiteral("a.go");
    citation.startLine = citation.endLine = 1;
    const ResolvedLocation r = verifier.verify(citation);
    EXPECT_EQ(r.status, VerificationStatus::Unverified);
    EXPECT_FALSE(r.note.isEmpty());
}

TEST(CitationVerifier, EmptyFilesAndUnreadableFiles) {
    const CitationVerifier verifier(
        makeMemorySourceSet({{QStringLiteral("empty.txt"), QByteArray()}}));
    Citation citation;
    citation.path = QStringLiteral("empty.txt");
    citation.startLine = citation.endLine = 1;
    ResolvedLocation r = verifier.verify(citation);
    EXPECT_EQ(r.status, VerificationStatus::Unverified);
    EXPECT_EQ(str(r.note), "line 1 cited, but the file is empty");
    citation.startLine = citation.endLine = 0;
    r = verifier.verify(citation);
    // The file exists, nothing was checked: located, not verified.
    EXPECT_EQ(r.status, VerificationStatus::Located);
}
