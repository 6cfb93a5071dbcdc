// SPDX-License-Identifier: MIT
// Markdown report and CSV export: what a person reads, and what a spreadsheet parses.
#include "findingsamples.h"

#include <gtest/gtest.h>

using namespace reposcope::findings;
using namespace reposcope::test;

namespace {

// A strict RFC 4180 reader: records end with CRLF, quoted fields may hold commas, quotes
// (doubled) and line breaks. Returns nullopt on malformed input.
std::optional<QList<QStringList>> parseCsv(const QString &text) {
    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;    // inside a quoted field
    bool wasQuoted = false; // the current field was quoted (only a separator may follow)
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c != QLatin1Char('"')) {
                field += c;
            } else if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else {
                quoted = false;
                wasQuoted = true;
            }
        } else if (c == QLatin1Char(',')) {
            record << field;
            field.clear();
            wasQuoted = false;
        } else if (c == QLatin1Char('\r')) {
            if (i + 1 >= text.size() || text[i + 1] != QLatin1Char('\n'))
                return std::nullopt; // a bare CR outside quotes
            record << field;
            records << record;
            record.clear();
            field.clear();
            wasQuoted = false;
            ++i;
        } else if (c == QLatin1Char('"')) {
            if (!field.isEmpty() || wasQuoted)
                return std::nullopt; // a quote inside an unquoted field
            quoted = true;
        } else if (c == QLatin1Char('\n') || wasQuoted) {
            return std::nullopt; // a bare LF, or text after a closing quote
        } else {
            field += c;
        }
    }
    if (quoted || !field.isEmpty() || !record.isEmpty())
        return std::nullopt; // the last record must end with CRLF
    return records;
}

class TextExports : public ::testing::Test {
protected:
    void SetUp() override {
        m_findings = sampleFindings();
        triageSamples(m_triage, m_findings);
        m_context = sampleContext(QStringLiteral("/home/dev/shop"));
        m_context.triage = &m_triage;
    }
    QList<Finding> m_findings;
    TriageStore m_triage;
    ExportContext m_context;
};

} // namespace

TEST(CsvReader, RejectsWhatIsNotRfc4180) {
    EXPECT_TRUE(parseCsv(QStringLiteral("a,\"b,\"\"c\"\"\r\nd\"\r\n")).has_value());
    EXPECT_EQ(parseCsv(QStringLiteral("a,\"b,\"\"c\"\"\r\nd\"\r\n"))->at(0).at(1),
              QStringLiteral("b,\"c\"\r\nd"));
    EXPECT_FALSE(parseCsv(QStringLiteral("a,b\n")).has_value());
    EXPECT_FALSE(parseCsv(QStringLiteral("a,b\"c\r\n")).has_value());
    EXPECT_FALSE(parseCsv(QStringLiteral("\"a\"b\r\n")).has_value());
    EXPECT_FALSE(parseCsv(QStringLiteral("a,b")).has_value());
}

TEST_F(TextExports, CsvCellsNeverStartAFormula) {
    QList<Finding> findings = m_findings.mid(0, 1);
    findings[0].title = QStringLiteral("=HYPERLINK(\"http://x\",\"click\")");
    findings[0].quote = QStringLiteral("-1 + 2");
    findings[0].explanation = QStringLiteral("@SUM(A1)");
    const std::optional<QList<QStringList>> records =
        parseCsv(QString::fromUtf8(toCsv(findings, m_context)));
    ASSERT_TRUE(records.has_value());
    const QStringList row = records->at(1);
    EXPECT_EQ(row[1], QStringLiteral("'=HYPERLINK(\"http://x\",\"click\")"));
    EXPECT_EQ(row[8], QStringLiteral("'-1 + 2"));
    EXPECT_EQ(row[9], QStringLiteral("'@SUM(A1)"));
    EXPECT_EQ(row[0], severityName(findings[0].severity)); // ordinary cells untouched
}

TEST_F(TextExports, CsvRoundTripsEveryField) {
    const QByteArray bytes = toCsv(m_findings, m_context);
    const QString text = QString::fromUtf8(bytes);
    EXPECT_EQ(text.toUtf8(), bytes); // valid UTF-8
    EXPECT_FALSE(bytes.startsWith("\xEF\xBB\xBF"));
    const std::optional<QList<QStringList>> records = parseCsv(text);
    ASSERT_TRUE(records.has_value()) << bytes.constData();
    ASSERT_EQ(records->size(), m_findings.size() + 1);
    const QStringList header = records->at(0);
    EXPECT_EQ(header, (QStringList{QStringLiteral("severity"), QStringLiteral("title"),
                                   QStringLiteral("category"), QStringLiteral("path"),
                                   QStringLiteral("start line"), QStringLiteral("end line"),
                                   QStringLiteral("status"), QStringLiteral("note"),
                                   QStringLiteral("quote"), QStringLiteral("explanation"),
                                   QStringLiteral("flow"), QStringLiteral("triage"),
                                   QStringLiteral("triage note"), QStringLiteral("fingerprint"),
                                   QStringLiteral("answer")}));
    for (int i = 0; i < m_findings.size(); ++i) {
        const Finding &f = m_findings[i];
        const QStringList row = records->at(i + 1);
        ASSERT_EQ(row.size(), header.size()) << i;
        EXPECT_EQ(row[0], severityName(f.severity));
        EXPECT_EQ(row[1], f.title);
        EXPECT_EQ(row[2], f.category);
        EXPECT_EQ(row[6], statusName(f.resolved.status));
        EXPECT_EQ(row[7], f.resolved.note);
        EXPECT_EQ(row[8], f.quote);
        EXPECT_EQ(row[9], f.explanation);
        EXPECT_EQ(row[13], fingerprint(f));
        EXPECT_EQ(row[14], QStringLiteral("complete"));
    }
    const auto row = [&records](int i) { return records->at(i + 1); };
    EXPECT_EQ(row(0)[3], QStringLiteral("api/user.go"));
    EXPECT_EQ(row(0)[4], QStringLiteral("42"));
    EXPECT_EQ(row(0)[5], QStringLiteral("44"));
    EXPECT_EQ(
        row(0)[10],
        QStringLiteral("api/handler.go:12 (request parameter) -> api/user.go:43 (query executed)"));
    EXPECT_EQ(row(0)[11], QStringLiteral("confirmed"));
    EXPECT_EQ(row(0)[12], QStringLiteral("reproduced"));
    EXPECT_EQ(row(1)[4], QStringLiteral("47"));              // corrected line
    EXPECT_EQ(row(2)[3], QStringLiteral("web/invented.js")); // as cited, marked unverified
    EXPECT_EQ(row(3)[4], QString());                         // no line: empty, not 0
    EXPECT_EQ(row(3)[6], QStringLiteral("located"));         // no quote: never "verified"
    EXPECT_EQ(row(4)[3], QStringLiteral("conf/my settings/clé.yml"));
    EXPECT_EQ(row(4)[11], QStringLiteral("false-positive"));
    EXPECT_EQ(row(4)[12], QStringLiteral("test fixture, \"not\" a real token"));
    EXPECT_EQ(row(6)[3], QString());
}

TEST_F(TextExports, MarkdownHasContextSummaryAndFindings) {
    const QString md = QString::fromUtf8(toMarkdown(m_findings, m_context));
    EXPECT_TRUE(md.startsWith(QStringLiteral("# RepoScope findings: shop\n"))) << qPrintable(md);
    EXPECT_TRUE(md.contains(QStringLiteral("| Repository | shop `/home/dev/shop` |")));
    EXPECT_TRUE(md.contains(
        QStringLiteral("| Commit | `0123456789abcdef0123456789abcdef01234567` on `main` |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| Provider | Groq |")));
    EXPECT_TRUE(
        md.contains(QStringLiteral("| Model | `meta-llama/llama-4-scout-17b-16e-instruct` |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| Task | Security review |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| Date | 2025-03-04 05:06 UTC |")));
    EXPECT_FALSE(md.contains(QStringLiteral("Partial answer")));
    // Summary by severity and by status.
    EXPECT_TRUE(md.contains(QStringLiteral("| CRITICAL | 1 |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| HIGH | 2 |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| MEDIUM | 2 |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| LOW | 1 |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| INFO | 1 |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| **Total** | **7** |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| verified | 2 |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| located | 1 |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| corrected | 2 |")));
    EXPECT_TRUE(md.contains(QStringLiteral("| unverified | 2 |")));
    // Each finding: heading, location with status and note, quote, explanation, flow, triage.
    EXPECT_TRUE(md.contains(QStringLiteral("### 1. [CRITICAL] SQL injection in user lookup\n")));
    EXPECT_TRUE(md.contains(QStringLiteral("- **Location:** `api/user.go:42-44` — verified\n")));
    EXPECT_TRUE(md.contains(QStringLiteral(
        "- **Location:** `tools/run.py:47` — corrected (cited line 40, found at 47)\n")));
    EXPECT_TRUE(md.contains(QStringLiteral("`web/invented.js:10` — unverified, as cited (")));
    EXPECT_TRUE(md.contains(QStringLiteral("- **Location:** `api/login.go` — located\n")));
    EXPECT_TRUE(md.contains(QStringLiteral("- **Triage:** confirmed — reproduced\n")));
    EXPECT_TRUE(
        md.contains(QStringLiteral("```go\n") + m_findings[0].quote + QStringLiteral("\n```\n")));
    EXPECT_TRUE(md.contains(QStringLiteral("```python\nos.system")));
    EXPECT_TRUE(md.contains(m_findings[0].explanation));
    EXPECT_TRUE(md.contains(QStringLiteral("1. `api/handler.go:12` — verified — request parameter\n"
                                           "2. `api/user.go:43` — verified — query executed\n")));
}

TEST_F(TextExports, MarkdownEscapesWhatTheModelWrote) {
    const QString md = QString::fromUtf8(toMarkdown(m_findings, m_context));
    // The title's emphasis, HTML and pipe are literal text.
    EXPECT_TRUE(md.contains(QStringLiteral(
        "### 5. [INFO] Token in \\*config\\* \\<script\\>alert(1)\\</script\\> \\| \\`x\\`\n")))
        << qPrintable(md);
    EXPECT_FALSE(md.contains(QStringLiteral("<script>")));
    // A quote holding ``` gets a longer fence, and a yaml info string.
    EXPECT_TRUE(md.contains(QStringLiteral("````yaml\ntoken: \"abc,def\"\n# ```not a fence```\n")));
    // A line of the explanation that would start a list stays text.
    EXPECT_TRUE(md.contains(QStringLiteral("\n\\- not a list\n")));
    EXPECT_TRUE(md.contains(QStringLiteral("- **Triage:** false-positive — test fixture")));
}

TEST_F(TextExports, MarkdownSaysWhenTheAnswerIsPartialOrEmpty) {
    m_context.answerComplete = false;
    const QString md = QString::fromUtf8(toMarkdown({}, m_context));
    EXPECT_TRUE(md.contains(QStringLiteral("**Partial answer:**")));
    EXPECT_TRUE(md.contains(QStringLiteral("No findings.")));
    EXPECT_TRUE(md.contains(QStringLiteral("| **Total** | **0** |")));
}
