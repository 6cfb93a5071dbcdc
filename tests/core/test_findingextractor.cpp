// SPDX-License-Identifier: MIT
// FindingExtractor: real-looking answers in every accepted style (bullets, tables, JSON
// blocks, headed prose, mixed), flows, code fences, malformed and unterminated blocks, CRLF,
// severities; the same findings and mentions for every split of a streamed answer; exact
// mention offsets; categories.
#include "findings/findingextractor.h"
#include "prompt/tasktemplates.h"

#include <QFile>
#include <QStringList>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace reposcope::findings;

namespace {

std::string str(const QString &s) {
    return s.toStdString();
}

std::string describe(const Citation &c) {
    return str(c.path) + "|" + std::to_string(c.startLine) + "-" + std::to_string(c.endLine) + "|" +
           str(c.text);
}

// Every field of a finding, so comparing descriptions compares findings field by field.
std::string describe(const Finding &f) {
    std::string out = std::to_string(f.ordinal) + " " + str(severityName(f.severity)) + " [" +
                      str(f.title) + "] @" + describe(f.citation) + " q[" + str(f.quote) + "] e[" +
                      str(f.explanation) + "] c=" + str(f.category) +
                      " off=" + std::to_string(f.answerOffset);
    for (const FlowStep &step : f.flow)
        out += " -> {" + describe(step.citation) + " q[" + str(step.quote) + "] l[" +
               str(step.label) + "]}";
    return out;
}

std::string describe(const Mention &m) {
    return describe(m.citation) + " @" + std::to_string(m.offset) + "+" + std::to_string(m.length);
}

std::vector<std::string> describeAll(const FindingExtractor &e) {
    std::vector<std::string> out;
    for (const Finding &f : e.findings())
        out.push_back(describe(f));
    for (const Mention &m : e.mentions())
        out.push_back("mention " + describe(m));
    return out;
}

QString answer(const char *utf8) {
    return QString::fromUtf8(utf8);
}

// A real-looking answer from tests/data/findings (bullets, bullet variants, tables, JSON,
// headed prose).
QString sample(const char *name) {
    QFile file(QStringLiteral(REPOSCOPE_TEST_DATA "/findings/") + QLatin1String(name));
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << name;
    return QString::fromUtf8(file.readAll());
}

// Feeds the answer in pieces cut at `cuts` (ascending), checking the updates as it goes.
FindingExtractor extractSplit(const QString &text, const std::vector<qsizetype> &cuts) {
    FindingExtractor e;
    QList<int> added;
    QList<int> mentionsAdded;
    qsizetype from = 0;
    const auto record = [&](const FindingExtractor::Update &u) {
        added += u.added;
        mentionsAdded += u.mentionsAdded;
        for (int changed : u.changed)
            EXPECT_FALSE(u.added.contains(changed)) << "an added finding is not also changed";
    };
    for (qsizetype cut : cuts) {
        record(e.feed(QStringView(text).sliced(from, cut - from)));
        from = cut;
    }
    record(e.feed(QStringView(text).sliced(from)));
    record(e.finish());
    for (int k = 0; k < added.size(); ++k)
        EXPECT_EQ(added[k], k) << "each finding is added once, in order";
    EXPECT_EQ(added.size(), e.findings().size());
    for (int k = 0; k < mentionsAdded.size(); ++k)
        EXPECT_EQ(mentionsAdded[k], k);
    EXPECT_EQ(mentionsAdded.size(), e.mentions().size());
    return e;
}

void expectExactMentions(const FindingExtractor &e) {
    for (const Mention &m : e.mentions()) {
        ASSERT_GE(m.offset, 0);
        ASSERT_LE(m.offset + m.length, e.text().size());
        EXPECT_EQ(e.text().mid(m.offset, m.length), m.citation.text) << describe(m);
    }
}

const Finding &at(const FindingExtractor &e, int index) {
    static const Finding kNone;
    return index < e.findings().size() ? e.findings()[index] : kNone;
}

} // namespace

// Readable QStrings in failure messages (internal linkage: other tests may define theirs).
static void PrintTo(const QString &s, std::ostream *os) {
    *os << '"' << s.toStdString() << '"';
}

TEST(FindingExtractor, FormatBullets) {
    const FindingExtractor e = FindingExtractor::extractAll(sample("bullets.md"));
    ASSERT_EQ(e.findings().size(), 4);
    const Finding &sql = at(e, 0);
    EXPECT_EQ(sql.severity, Severity::Critical);
    EXPECT_EQ(sql.title, QStringLiteral("SQL injection in user lookup"));
    EXPECT_EQ(sql.citation.path, QStringLiteral("store/user.go"));
    EXPECT_EQ(sql.citation.startLine, 88);
    EXPECT_EQ(sql.quote,
              QStringLiteral("rows, err := db.Query(\"SELECT * FROM users WHERE id = \" + id)"));
    EXPECT_EQ(sql.explanation,
              QStringLiteral(
                  "The id from the query string is concatenated into SQL; use a placeholder."));
    EXPECT_EQ(sql.category, QStringLiteral("sql-injection"));
    EXPECT_EQ(sql.answerOffset, e.text().indexOf(QStringLiteral("- [CRITICAL]")));
    ASSERT_EQ(sql.flow.size(), 3);
    EXPECT_EQ(sql.flow[0].citation.path, QStringLiteral("api/handler.go"));
    EXPECT_EQ(sql.flow[0].citation.startLine, 31);
    EXPECT_EQ(sql.flow[0].quote, QStringLiteral("id := r.URL.Query().Get(\"id\")"));
    EXPECT_EQ(sql.flow[1].citation.text, QStringLiteral("store/user.go:88"));
    EXPECT_TRUE(sql.flow[1].quote.isEmpty());
    EXPECT_EQ(sql.flow[2].quote, QStringLiteral("db.Query(q)"));
    EXPECT_EQ(at(e, 1).category, QStringLiteral("hardcoded-secret"));
    EXPECT_EQ(at(e, 1).quote, QStringLiteral("const apiKey = \"sk-live-123\""));
    EXPECT_EQ(at(e, 2).citation.startLine, 40);
    EXPECT_EQ(at(e, 2).citation.endLine, 52);
    EXPECT_EQ(at(e, 2).category, QStringLiteral("missing-authz"));
    EXPECT_EQ(at(e, 3).severity, Severity::Low);
    EXPECT_EQ(at(e, 3).explanation, QStringLiteral("Internal details leak."));
    // 4 finding citations + 3 flow steps; the prose path without a line is no mention.
    EXPECT_EQ(e.mentions().size(), 7);
    expectExactMentions(e);
}

TEST(FindingExtractor, BulletVariants) {
    const FindingExtractor e = FindingExtractor::extractAll(sample("bullet-variants.md"));
    ASSERT_EQ(e.findings().size(), 6);
    EXPECT_EQ(at(e, 0).severity, Severity::High);
    EXPECT_EQ(at(e, 0).title, QStringLiteral("Command injection in backup job"));
    EXPECT_EQ(at(e, 0).citation.text, QStringLiteral("scripts/backup.py:22"));
    EXPECT_EQ(at(e, 0).quote, QStringLiteral("subprocess.call(\"tar czf \" + name, shell=True)"));
    EXPECT_EQ(at(e, 0).category, QStringLiteral("command-injection"));
    EXPECT_EQ(at(e, 1).severity, Severity::Medium);
    EXPECT_EQ(at(e, 1).citation.startLine, 40);
    EXPECT_EQ(at(e, 1).citation.endLine, 44);
    EXPECT_EQ(at(e, 1).quote, QStringLiteral("path := filepath.Join(root, r.URL.Path)"));
    EXPECT_EQ(at(e, 1).explanation, QStringLiteral("`..` segments escape the root."));
    EXPECT_EQ(at(e, 1).category, QStringLiteral("path-traversal"));
    EXPECT_EQ(at(e, 2).severity, Severity::Low);
    EXPECT_EQ(at(e, 2).title, QStringLiteral("Weak hash for tokens"));
    EXPECT_EQ(at(e, 2).citation.path, QStringLiteral("auth/token.go"));
    EXPECT_EQ(at(e, 2).citation.startLine, 19);
    EXPECT_EQ(at(e, 2).quote, QStringLiteral("h := md5.Sum([]byte(token))"));
    EXPECT_EQ(at(e, 2).category, QStringLiteral("weak-crypto"));
    EXPECT_EQ(at(e, 3).severity, Severity::Critical);
    EXPECT_EQ(at(e, 3).title, QStringLiteral("Unsafe deserialization of session cookie"));
    EXPECT_EQ(at(e, 3).citation.endLine, 61);
    EXPECT_EQ(at(e, 3).category, QStringLiteral("deserialization"));
    EXPECT_EQ(at(e, 4).severity, Severity::Medium);
    EXPECT_EQ(at(e, 4).explanation,
              QStringLiteral(
                  "Not guarded by the mutex. The same pattern appears in worker/pool.go:131."));
    EXPECT_EQ(at(e, 4).category, QStringLiteral("race-condition"));
    EXPECT_EQ(at(e, 5).severity, Severity::Info);
    EXPECT_EQ(at(e, 5).quote, QStringLiteral("debug: true"));
    EXPECT_EQ(e.mentions().size(), 7);
    expectExactMentions(e);
}

TEST(FindingExtractor, Tables) {
    const FindingExtractor e = FindingExtractor::extractAll(sample("tables.md"));
    ASSERT_EQ(e.findings().size(), 5);
    EXPECT_EQ(at(e, 0).severity, Severity::High);
    EXPECT_EQ(at(e, 0).title, QStringLiteral("SSRF in webhook test"));
    EXPECT_EQ(at(e, 0).citation.text, QStringLiteral("api/webhook.go:27"));
    EXPECT_EQ(at(e, 0).quote, QStringLiteral("resp, err := http.Get(req.URL)"));
    EXPECT_EQ(at(e, 0).explanation, QStringLiteral("The server fetches any URL a user gives."));
    EXPECT_EQ(at(e, 0).category, QStringLiteral("ssrf"));
    EXPECT_EQ(at(e, 1).citation.endLine, 63);
    EXPECT_EQ(at(e, 1).category, QStringLiteral("open-redirect"));
    EXPECT_EQ(at(e, 2).severity, Severity::Low);
    EXPECT_TRUE(at(e, 2).citation.path.isEmpty()) << "a dash is an empty cell";
    EXPECT_TRUE(at(e, 2).quote.isEmpty());
    EXPECT_EQ(at(e, 3).severity, Severity::Critical);
    EXPECT_EQ(at(e, 3).citation.path, QStringLiteral("src/db/query.ts"));
    EXPECT_EQ(at(e, 3).citation.startLine, 14);
    EXPECT_EQ(at(e, 3).title, QStringLiteral("SQL injection via template literal"));
    EXPECT_EQ(at(e, 4).citation.startLine, 30);
    EXPECT_EQ(at(e, 4).citation.endLine, 41);
    EXPECT_EQ(at(e, 4).explanation, QStringLiteral("Any extension | type is accepted."));
    // Table rows are prose: the row citations, the file columns and the plain table's cell.
    QStringList mentioned;
    for (const Mention &m : e.mentions())
        mentioned << m.citation.text;
    EXPECT_EQ(
        mentioned,
        (QStringList{QStringLiteral("api/webhook.go:27"), QStringLiteral("api/login.go:61-63"),
                     QStringLiteral("src/db/query.ts"), QStringLiteral("src/routes/upload.ts"),
                     QStringLiteral("src/routes/index.ts:1")}));
    EXPECT_EQ(e.mentions()[2].citation.startLine, 14) << "the line column completes the link";
    expectExactMentions(e);
}

TEST(FindingExtractor, JsonBlocks) {
    const FindingExtractor e = FindingExtractor::extractAll(sample("json.md"));
    ASSERT_EQ(e.findings().size(), 4);
    const Finding &xss = at(e, 0);
    EXPECT_EQ(xss.severity, Severity::High);
    EXPECT_EQ(xss.citation.path, QStringLiteral("web/src/Comment.tsx"));
    EXPECT_EQ(xss.citation.startLine, 18);
    EXPECT_EQ(xss.citation.endLine, 20);
    EXPECT_EQ(xss.quote,
              QStringLiteral("<div dangerouslySetInnerHTML={{ __html: comment.body }} />"));
    EXPECT_EQ(xss.category, QStringLiteral("xss"));
    ASSERT_EQ(xss.flow.size(), 2);
    EXPECT_EQ(xss.flow[0].citation.text, QStringLiteral("api/comments.go:44"));
    EXPECT_EQ(xss.flow[0].quote, QStringLiteral("json.NewDecoder(r.Body).Decode(&c)"));
    EXPECT_EQ(xss.flow[1].citation.startLine, 18);
    EXPECT_EQ(xss.answerOffset, e.text().indexOf(QStringLiteral("web/src/Comment.tsx")));
    EXPECT_EQ(at(e, 1).severity, Severity::Medium);
    EXPECT_EQ(at(e, 1).citation.text, QStringLiteral("auth/reset.go:9"));
    EXPECT_EQ(at(e, 1).quote, QStringLiteral("token := rand.Intn(1000000)"));
    EXPECT_EQ(at(e, 1).explanation,
              QStringLiteral("math/rand is predictable. Fix: Use crypto/rand."));
    EXPECT_EQ(at(e, 2).severity, Severity::Critical);
    EXPECT_EQ(at(e, 2).citation.text, QStringLiteral("tools/run.sh:12"));
    EXPECT_EQ(at(e, 2).quote, QStringLiteral("eval \"$CMD\""));
    ASSERT_EQ(at(e, 2).flow.size(), 2);
    EXPECT_EQ(at(e, 2).flow[0].citation.path, QStringLiteral("tools/env.sh"));
    EXPECT_EQ(at(e, 2).flow[0].citation.startLine, 3);
    EXPECT_EQ(at(e, 2).flow[0].label, QStringLiteral("read CMD"));
    EXPECT_EQ(at(e, 2).flow[1].citation.startLine, 12);
    EXPECT_EQ(at(e, 3).citation.path, QStringLiteral("auth/login.go"));
    EXPECT_EQ(at(e, 3).citation.startLine, 77);
    EXPECT_EQ(at(e, 3).category, QStringLiteral("todo"));
    // Each finding's location and flow steps are links, placed where the block names them.
    EXPECT_EQ(e.mentions().size(), 8);
    expectExactMentions(e);
    for (qsizetype k = 1; k < e.mentions().size(); ++k)
        EXPECT_GT(e.mentions()[k].offset, e.mentions()[k - 1].offset);
}

TEST(FindingExtractor, HeadedProse) {
    const FindingExtractor e = FindingExtractor::extractAll(sample("headed.md"));
    ASSERT_EQ(e.findings().size(), 4);
    const Finding &sql = at(e, 0);
    EXPECT_EQ(sql.severity, Severity::High);
    EXPECT_EQ(sql.title, QStringLiteral("SQL injection in user lookup"));
    EXPECT_EQ(sql.citation.text, QStringLiteral("store/user.go:88"));
    EXPECT_EQ(sql.quote, QStringLiteral("db.Query(\"SELECT * FROM users WHERE id = \" + id)"));
    EXPECT_EQ(sql.explanation,
              QStringLiteral("The id parameter is concatenated into the query string."));
    ASSERT_EQ(sql.flow.size(), 3);
    EXPECT_EQ(sql.flow[0].citation.text, QStringLiteral("api/handler.go:31"));
    EXPECT_EQ(sql.flow[2].citation.text, QStringLiteral("store/db.go:12"));
    EXPECT_TRUE(sql.flow[1].label.isEmpty());
    const Finding &csrf = at(e, 1);
    EXPECT_EQ(csrf.severity, Severity::Medium);
    EXPECT_EQ(csrf.citation.path, QStringLiteral("web/forms.py"));
    EXPECT_EQ(csrf.citation.startLine, 12);
    EXPECT_EQ(csrf.quote, QStringLiteral("@app.route(\"/transfer\", methods=[\"POST\"])"))
        << "a bare Quote: line takes the fence that follows";
    EXPECT_EQ(csrf.explanation, QStringLiteral("State-changing form without a token."));
    EXPECT_EQ(csrf.category, QStringLiteral("csrf"));
    const Finding &dep = at(e, 2);
    EXPECT_EQ(dep.severity, Severity::Low);
    EXPECT_EQ(dep.title, QStringLiteral("Outdated dependency"));
    EXPECT_EQ(dep.citation.path, QStringLiteral("go.mod"));
    EXPECT_EQ(dep.citation.startLine, 7);
    EXPECT_EQ(dep.category, QStringLiteral("deprecated-api"));
    const Finding &traversal = at(e, 3);
    EXPECT_EQ(traversal.severity, Severity::High) << "the Severity: line under a plain heading";
    EXPECT_EQ(traversal.title, QStringLiteral("Path traversal in download handler"));
    EXPECT_EQ(traversal.citation.text, QStringLiteral("server/download.go:23-25"));
    EXPECT_EQ(traversal.quote, QStringLiteral("f, _ := os.Open(filepath.Join(base, name))"));
    EXPECT_EQ(traversal.explanation,
              QStringLiteral("Reads any file the process can read. Recommendation: Clean the path "
                             "and check it stays under base."));
    EXPECT_EQ(traversal.answerOffset, e.text().indexOf(QStringLiteral("#### 1.")));
    ASSERT_EQ(traversal.flow.size(), 2);
    EXPECT_EQ(traversal.flow[0].label, QStringLiteral("registers the route"));
    EXPECT_EQ(traversal.flow[1].quote, QStringLiteral("name := r.FormValue(\"name\")"));
    expectExactMentions(e);
    EXPECT_EQ(e.mentions().last().citation.text, QStringLiteral("store/user.go:88"))
        << "prose after the findings is still linked";
}

TEST(FindingExtractor, MixedStylesInOneAnswer) {
    const QString text = sample("bullets.md") + sample("tables.md") + sample("json.md") +
                         sample("headed.md") + sample("bullet-variants.md");
    const FindingExtractor e = FindingExtractor::extractAll(text);
    ASSERT_EQ(e.findings().size(), 4 + 5 + 4 + 4 + 6);
    for (int k = 0; k < e.findings().size(); ++k) {
        EXPECT_EQ(e.findings()[k].ordinal, k);
        if (k > 0) {
            EXPECT_GT(e.findings()[k].answerOffset, e.findings()[k - 1].answerOffset);
        }
    }
    expectExactMentions(e);
}

TEST(FindingExtractor, NothingIsAFindingInsideCodeFences) {
    const QString text = answer(R"MD(Example of the format:
```
- [HIGH] Not a finding — fake/path.go:1 — "x" — inside a fence
```
~~~markdown
```
- [HIGH] Still inside the tilde fence — fake/other.go:2 — "y" — z
~~~
  ````text
  | Severity | Title |
  |---|---|
  | HIGH | fenced table row |
  ````
- [LOW] Real finding after the fences — real/file.go:5 — "ok" — counted
)MD");
    const FindingExtractor e = FindingExtractor::extractAll(text);
    ASSERT_EQ(e.findings().size(), 1);
    EXPECT_EQ(at(e, 0).title, QStringLiteral("Real finding after the fences"));
    ASSERT_EQ(e.mentions().size(), 1) << "fenced code is not linked";
    EXPECT_EQ(e.mentions()[0].citation.path, QStringLiteral("real/file.go"));
}

TEST(FindingExtractor, FindingsWithoutCitationAndBulletsWithoutSeverity) {
    const QString text = answer(R"MD(- [HIGH] Secrets may be logged somewhere in the request path
- Logging happens in log/log.go:5 but that is fine
- High-level overview of api/server.go:1
- **Note:** the tests in api/server_test.go:9 were not shown
- Critical path: the scheduler
WARNING: this is prose
)MD");
    const FindingExtractor e = FindingExtractor::extractAll(text);
    ASSERT_EQ(e.findings().size(), 1);
    EXPECT_EQ(at(e, 0).title,
              QStringLiteral("Secrets may be logged somewhere in the request path"));
    EXPECT_TRUE(at(e, 0).citation.path.isEmpty());
    EXPECT_EQ(e.mentions().size(), 3) << "the mentions of the other bullets are still links";
}

TEST(FindingExtractor, SeveritiesInOtherCaseAndSynonyms) {
    struct Case {
        const char *line;
        Severity severity;
    };
    const Case cases[] = {
        {"- [high] T — a.go:1", Severity::High},
        {"- [Blocker] T — a.go:1", Severity::Critical},
        {"- **Critical** T — a.go:1", Severity::Critical},
        {"- **major**: T — a.go:1", Severity::High},
        {"- [Moderate] T — a.go:1", Severity::Medium},
        {"- (minor) T — a.go:1", Severity::Low},
        {"- [Informational] T — a.go:1", Severity::Info},
        {"- [WARNING] T — a.go:1", Severity::Medium},
        {"- [error] T — a.go:1", Severity::High},
        {"- MED: T — a.go:1", Severity::Medium},
        {"- INFO — T — a.go:1", Severity::Info},
        {"1) [LOW] T — a.go:1", Severity::Low},
        {"[CRITICAL] T — a.go:1", Severity::Critical},
        {"### Low: T — a.go:1", Severity::Low},
        {"- __HIGH__ T — a.go:1", Severity::High},
    };
    for (const Case &c : cases) {
        const FindingExtractor e = FindingExtractor::extractAll(QString::fromUtf8(c.line));
        ASSERT_EQ(e.findings().size(), 1) << c.line;
        EXPECT_EQ(at(e, 0).severity, c.severity) << c.line;
        EXPECT_EQ(at(e, 0).title, QStringLiteral("T")) << c.line;
        EXPECT_EQ(at(e, 0).citation.text, QStringLiteral("a.go:1")) << c.line;
    }
    for (const char *prose :
         {"- **Warning:** x — a.go:1", "- Note: x — a.go:1", "- high risk — a.go:1",
          "- [Highlights] — a.go:1", "- Low-hanging fruit — a.go:1", "ERROR: x — a.go:1"})
        EXPECT_TRUE(FindingExtractor::extractAll(QString::fromUtf8(prose)).findings().isEmpty())
            << prose;
}

TEST(FindingExtractor, MalformedJsonFallsBackToMentions) {
    const QString text = answer(R"MD(```json
[{"severity": "HIGH", "title": "Broken", "location": "a/b.go:3",}
  {"severity": "LOW" "title": "Also broken", "file": "c/d.go", "line": 4}
```
- [LOW] After it — e/f.go:9 — "x" — y
)MD");
    const FindingExtractor e = FindingExtractor::extractAll(text);
    ASSERT_EQ(e.findings().size(), 1);
    EXPECT_EQ(at(e, 0).citation.text, QStringLiteral("e/f.go:9"));
    ASSERT_EQ(e.mentions().size(), 2);
    EXPECT_EQ(e.mentions()[0].citation.text, QStringLiteral("a/b.go:3"));
    expectExactMentions(e);
}

TEST(FindingExtractor, UnterminatedFenceAtTheEnd) {
    const QString json = answer(R"MD(Findings:
```json
[{"severity": "HIGH", "title": "Cut at the end", "location": "x/y.go:2", "quote": "q"}]
)MD");
    FindingExtractor e;
    e.feed(json);
    EXPECT_TRUE(e.findings().isEmpty()) << "the block waits for its closing fence";
    const FindingExtractor::Update update = e.finish();
    ASSERT_EQ(e.findings().size(), 1);
    EXPECT_EQ(update.added, QList<int>{0});
    EXPECT_EQ(at(e, 0).citation.text, QStringLiteral("x/y.go:2"));
    // An unterminated plain fence swallows what follows, and finish() closes it quietly.
    const FindingExtractor plain = FindingExtractor::extractAll(
        answer("```go\n- [HIGH] T — a.go:1 — \"x\" — y\nfunc main() {"));
    EXPECT_TRUE(plain.findings().isEmpty());
    EXPECT_TRUE(plain.mentions().isEmpty());
    // The last line without a newline is processed by finish().
    const FindingExtractor last = FindingExtractor::extractAll(answer("- [LOW] T — a.go:1"));
    ASSERT_EQ(last.findings().size(), 1);
}

TEST(FindingExtractor, CrlfLineEndsGiveTheSameFindings) {
    const QString lf = sample("bullets.md") + sample("headed.md") + sample("tables.md");
    QString crlf = lf;
    crlf.replace(QStringLiteral("\n"), QStringLiteral("\r\n"));
    const FindingExtractor a = FindingExtractor::extractAll(lf);
    const FindingExtractor b = FindingExtractor::extractAll(crlf);
    ASSERT_EQ(a.findings().size(), b.findings().size());
    for (int k = 0; k < a.findings().size(); ++k) {
        Finding fa = a.findings()[k];
        Finding fb = b.findings()[k];
        fa.answerOffset = fb.answerOffset = 0;
        EXPECT_EQ(describe(fa), describe(fb));
    }
    ASSERT_EQ(a.mentions().size(), b.mentions().size());
    for (int k = 0; k < a.mentions().size(); ++k)
        EXPECT_EQ(describe(a.mentions()[k].citation), describe(b.mentions()[k].citation));
    expectExactMentions(b);
}

TEST(FindingExtractor, LaterLinesReportChanges) {
    FindingExtractor e;
    FindingExtractor::Update u = e.feed(QStringLiteral("### [HIGH] SQL injection\n"));
    EXPECT_EQ(u.added, QList<int>{0});
    u = e.feed(QStringLiteral("Location: a/b.go:3\n"));
    EXPECT_TRUE(u.added.isEmpty());
    EXPECT_EQ(u.changed, QList<int>{0});
    EXPECT_EQ(u.mentionsAdded, QList<int>{0});
    u = e.feed(QStringLiteral("Flow: a/a.go:1 → a/b.go:3\n- [LOW] Next — c.go:1\n"));
    EXPECT_EQ(u.changed, QList<int>{0});
    EXPECT_EQ(u.added, QList<int>{1});
    EXPECT_EQ(u.mentionsAdded, (QList<int>{1, 2, 3}));
    u = e.feed(QStringLiteral("  Flow: c.go:1 -> d.go:2"));
    EXPECT_TRUE(u.changed.isEmpty()) << "the line is not complete yet";
    u = e.finish();
    EXPECT_EQ(u.changed, QList<int>{1});
    EXPECT_EQ(at(e, 1).flow.size(), 2);
    e.reset();
    EXPECT_TRUE(e.findings().isEmpty());
    EXPECT_TRUE(e.text().isEmpty());
}

// The result is identical however the answer is split: every two-way split, 200 random
// n-way splits, and one character at a time.
TEST(FindingExtractor, EverySplitGivesTheSameResult) {
    const QString text = sample("bullets.md") + sample("json.md") + sample("headed.md") +
                         sample("tables.md") + sample("bullet-variants.md") +
                         answer("```json\n[{\"severity\": \"LOW\", \"location\": \"z.go:1\"");
    const FindingExtractor whole = FindingExtractor::extractAll(text);
    const std::vector<std::string> expected = describeAll(whole);
    ASSERT_EQ(whole.findings().size(), 4 + 4 + 4 + 5 + 6);
    for (qsizetype cut = 0; cut <= text.size(); ++cut) {
        const FindingExtractor split = extractSplit(text, {cut});
        ASSERT_EQ(describeAll(split), expected) << "split at " << cut;
    }
    std::mt19937 random(20240611);
    for (int round = 0; round < 200; ++round) {
        std::uniform_int_distribution<int> count(2, 40);
        std::uniform_int_distribution<qsizetype> position(0, text.size());
        std::vector<qsizetype> cuts(count(random));
        for (qsizetype &cut : cuts)
            cut = position(random);
        std::sort(cuts.begin(), cuts.end());
        ASSERT_EQ(describeAll(extractSplit(text, cuts)), expected) << "round " << round;
    }
    std::vector<qsizetype> everyChar;
    for (qsizetype k = 1; k < text.size(); ++k)
        everyChar.push_back(k);
    const FindingExtractor byChar = extractSplit(text, everyChar);
    EXPECT_EQ(describeAll(byChar), expected);
    EXPECT_EQ(byChar.text(), text);
}

// A 1 MB answer in 10-character deltas: the line scan resumes where it stopped, so this
// stays linear (a rescan from the start would make it run for minutes).
TEST(FindingExtractor, LargeAnswerInSmallDeltas) {
    const QString unit = sample("bullets.md") + sample("headed.md") + sample("tables.md");
    QString text;
    int units = 0;
    while (text.size() < 1024 * 1024) {
        text += unit;
        ++units;
    }
    text += QString(2000, u'x') + u'\n'; // one long line too
    FindingExtractor e;
    for (qsizetype from = 0; from < text.size(); from += 10)
        e.feed(QStringView(text).sliced(from, std::min<qsizetype>(10, text.size() - from)));
    e.finish();
    EXPECT_EQ(e.findings().size(), units * (4 + 4 + 5));
    EXPECT_EQ(describeAll(e), describeAll(FindingExtractor::extractAll(text)));
}

// An answer that follows the built-in format's example lines to the letter parses fully.
TEST(FindingExtractor, TheTemplateFormatParses) {
    QStringList warnings;
    const reposcope::prompt::TaskTemplates tasks =
        reposcope::prompt::TaskTemplates::load(QString(), &warnings);
    QStringList example;
    for (const QString &line : tasks.findingsFormat().split(u'\n')) {
        if (line.startsWith(QLatin1String("- [")) || line.startsWith(QLatin1String("  Flow: ")))
            example << line;
    }
    ASSERT_EQ(example.size(), 2) << "the bullet and its flow line";
    QString text = example.join(u'\n');
    text.replace(QStringLiteral("[SEVERITY]"), QStringLiteral("[HIGH]"));
    text.replace(QStringLiteral("path:line"), QStringLiteral("api/user.go:42"));
    const FindingExtractor e = FindingExtractor::extractAll(text);
    ASSERT_EQ(e.findings().size(), 1);
    const Finding &f = at(e, 0);
    EXPECT_EQ(f.title, QStringLiteral("Title"));
    EXPECT_EQ(f.citation.text, QStringLiteral("api/user.go:42"));
    EXPECT_EQ(f.quote, QStringLiteral("quote"));
    EXPECT_EQ(f.explanation, QStringLiteral("explanation"));
    ASSERT_EQ(f.flow.size(), 3);
    EXPECT_EQ(f.flow[0].quote, QStringLiteral("quote"));
    EXPECT_TRUE(f.flow[1].quote.isEmpty());
    EXPECT_EQ(f.flow[2].citation.startLine, 42);
    EXPECT_EQ(f.flow[2].quote, QStringLiteral("quote"));
}

TEST(FindingExtractor, Categories) {
    EXPECT_EQ(categorize(QStringLiteral("SQL injection in user lookup"), QString()),
              QStringLiteral("sql-injection"));
    EXPECT_EQ(categorize(QStringLiteral("Unsafe query"),
                         QStringLiteral("User input reaches os/exec via a shell injection.")),
              QStringLiteral("command-injection"))
        << "the explanation decides when the title does not";
    EXPECT_EQ(categorize(QStringLiteral("Stored XSS in comments"), QStringLiteral("SQL injection")),
              QStringLiteral("xss"))
        << "the title wins";
    EXPECT_EQ(categorize(QStringLiteral("Path Traversal"), QString()),
              QStringLiteral("path-traversal"));
    EXPECT_EQ(categorize(QStringLiteral("SSRF via webhook"), QString()), QStringLiteral("ssrf"));
    // The title decides before the explanation: a weak signature that mentions the secret
    // key is weak cryptography, not a hard-coded secret.
    EXPECT_EQ(categorize(QStringLiteral("Weak token signature"),
                         QStringLiteral("MD5 of secret+message is open to length extension")),
              QStringLiteral("weak-crypto"));
    EXPECT_TRUE(isSecurityCategory(QStringLiteral("sql-injection")));
    EXPECT_TRUE(isSecurityCategory(QStringLiteral("file-upload")));
    EXPECT_FALSE(isSecurityCategory(QStringLiteral("dead-code")));
    EXPECT_FALSE(isSecurityCategory(QStringLiteral("general")));
    EXPECT_EQ(categorize(QStringLiteral("Signature compared with =="),
                         QStringLiteral("not constant-time")),
              QStringLiteral("weak-crypto"));
    EXPECT_EQ(categorize(QStringLiteral("Hard-coded password"), QString()),
              QStringLiteral("hardcoded-secret"));
    EXPECT_EQ(categorize(QStringLiteral("MD5 used for passwords"), QString()),
              QStringLiteral("weak-crypto"));
    EXPECT_EQ(categorize(QStringLiteral("Missing authorization on delete"), QString()),
              QStringLiteral("missing-authz"));
    EXPECT_EQ(categorize(QStringLiteral("Data race on counter"), QString()),
              QStringLiteral("race-condition"));
    EXPECT_EQ(categorize(QStringLiteral("Unsafe pickle of cookies"), QString()),
              QStringLiteral("deserialization"));
    EXPECT_EQ(categorize(QStringLiteral("Something odd"), QStringLiteral("Hard to say.")),
              QStringLiteral("general"));
    EXPECT_EQ(categorize(QStringLiteral("Resource use"), QStringLiteral("Sourced from x")),
              QStringLiteral("general"))
        << "keywords match at word starts only (no 'rce' in 'Sourced')";
    EXPECT_EQ(categoryTitle(QStringLiteral("sql-injection")), QStringLiteral("SQL injection"));
    EXPECT_EQ(categoryTitle(QStringLiteral("general")), QStringLiteral("General"));
    EXPECT_EQ(categoryTitle(QStringLiteral("made-up-rule")), QStringLiteral("Made up rule"));
}
