// SPDX-License-Identifier: MIT
// Findings from prose answers (tests/core/prosecorpus.cpp): each answer gives exactly its
// expected findings (severity, title, location, quote, related locations, flow, no
// closing summary in the explanation), and the same findings, mentions and updates
// however it is split into stream chunks (every 2-piece split, random n-piece splits with a
// fixed seed, one character at a time) through the incremental API the app uses. Also the
// "line N of path" citations and SARIF relatedLocations.
#include "prosecorpus.h"

#include "findings/citationparser.h"
#include "findings/findingextractor.h"
#include "findings/findingsexport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace reposcope::findings;
using reposcope::test::ExpectedProseFinding;
using reposcope::test::ProseCase;
using reposcope::test::proseCorpus;

namespace {

std::string str(const QString &s) {
    return s.toStdString();
}

std::string range(const Citation &c) {
    std::string out = str(c.path);
    if (c.hasLine())
        out += ":" + std::to_string(c.startLine) + "-" + std::to_string(c.endLine);
    return out;
}

std::string ranges(const QList<FlowStep> &steps) {
    std::string out;
    for (const FlowStep &step : steps)
        out += (out.empty() ? "" : " ") + range(step.citation);
    return out;
}

// Every field, so equal descriptions mean equal results.
std::vector<std::string> describeAll(const FindingExtractor &e) {
    std::vector<std::string> out;
    for (const Finding &f : e.findings()) {
        std::string d = std::to_string(f.ordinal) + " " + str(severityName(f.severity)) + " [" +
                        str(f.title) + "] @" + range(f.citation) + "|" + str(f.citation.text) +
                        " q[" + str(f.quote) + "] e[" + str(f.explanation) +
                        "] c=" + str(f.category) + " off=" + std::to_string(f.answerOffset);
        for (const FlowStep &s : f.flow)
            d += " flow{" + range(s.citation) + " q[" + str(s.quote) + "] l[" + str(s.label) + "]}";
        for (const FlowStep &s : f.related)
            d += " rel{" + range(s.citation) + "|" + str(s.citation.text) + "}";
        out.push_back(d);
    }
    for (const Mention &m : e.mentions())
        out.push_back("mention " + range(m.citation) + " @" + std::to_string(m.offset) + "+" +
                      std::to_string(m.length));
    return out;
}

// Feeds the answer cut at `cuts` (ascending) and checks the updates as they come: each
// finding added once, in order, and a changed finding is never one added in the same call.
FindingExtractor extractSplit(const QString &text, const std::vector<qsizetype> &cuts) {
    FindingExtractor e;
    QList<int> added;
    QList<int> mentionsAdded;
    const auto record = [&](const FindingExtractor::Update &u) {
        added += u.added;
        mentionsAdded += u.mentionsAdded;
        for (int changed : u.changed) {
            EXPECT_FALSE(u.added.contains(changed));
            EXPECT_LT(changed, e.findings().size());
        }
    };
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        record(e.feed(QStringView(text).sliced(from, cut - from)));
        from = cut;
    }
    record(e.feed(QStringView(text).sliced(from)));
    record(e.finish());
    for (int k = 0; k < added.size(); ++k)
        EXPECT_EQ(added[k], k);
    EXPECT_EQ(added.size(), e.findings().size());
    EXPECT_EQ(mentionsAdded.size(), e.mentions().size());
    return e;
}

void expectFinding(const Finding &f, const ExpectedProseFinding &x, const char *name, int k) {
    SCOPED_TRACE(std::string(name) + " #" + std::to_string(k));
    EXPECT_EQ(f.severity, x.severity) << str(severityName(f.severity));
    EXPECT_EQ(str(f.title), x.title);
    EXPECT_EQ(range(f.citation), x.location);
    EXPECT_EQ(str(f.quote), x.quote);
    EXPECT_EQ(ranges(f.related), x.related);
    EXPECT_EQ(ranges(f.flow), x.flow);
    if (*x.explanationHas) {
        EXPECT_TRUE(f.explanation.contains(QString::fromUtf8(x.explanationHas)))
            << str(f.explanation);
    }
}

} // namespace

TEST(ProseFindings, TheCorpusIsLargeEnough) {
    EXPECT_GE(proseCorpus().size(), 30u);
    int withoutFindings = 0;
    for (const ProseCase &c : proseCorpus())
        withoutFindings += c.findings.empty() ? 1 : 0;
    EXPECT_GE(withoutFindings, 2) << "answers that must give no finding";
}

TEST(ProseFindings, EachAnswerGivesItsFindings) {
    for (const ProseCase &c : proseCorpus()) {
        const FindingExtractor e = FindingExtractor::extractAll(QString::fromUtf8(c.answer));
        EXPECT_EQ(e.findings().size(), qsizetype(c.findings.size()))
            << c.name << "\n"
            << [&] {
                   std::string all;
                   for (const std::string &d : describeAll(e))
                       all += d + "\n";
                   return all;
               }();
        if (e.findings().size() != qsizetype(c.findings.size()))
            continue;
        for (int k = 0; k < int(c.findings.size()); ++k) {
            const Finding &f = e.findings()[k];
            expectFinding(f, c.findings[size_t(k)], c.name, k);
            if (*c.explanationLacks) {
                EXPECT_FALSE(f.explanation.contains(QString::fromUtf8(c.explanationLacks)))
                    << c.name << ": " << str(f.explanation);
            }
            EXPECT_TRUE(e.text().contains(QString(f.citation.path).remove(QStringLiteral("./")),
                                          Qt::CaseInsensitive) ||
                        f.citation.text.contains(u'\\'))
                << c.name;
        }
    }
}

TEST(ProseFindings, EverySplitGivesTheSameResult) {
    std::mt19937 random(20261207);
    for (const ProseCase &c : proseCorpus()) {
        SCOPED_TRACE(c.name);
        const QString text = QString::fromUtf8(c.answer);
        const std::vector<std::string> expected = describeAll(FindingExtractor::extractAll(text));
        for (qsizetype cut = 0; cut <= text.size(); ++cut)
            ASSERT_EQ(describeAll(extractSplit(text, {cut})), expected) << "split at " << cut;
        for (int round = 0; round < 40; ++round) {
            std::uniform_int_distribution<int> count(2, 30);
            std::uniform_int_distribution<qsizetype> position(0, text.size());
            std::vector<qsizetype> cuts(size_t(count(random)));
            for (qsizetype &cut : cuts)
                cut = position(random);
            std::sort(cuts.begin(), cuts.end());
            ASSERT_EQ(describeAll(extractSplit(text, cuts)), expected) << "round " << round;
        }
        std::vector<qsizetype> everyChar;
        for (qsizetype k = 1; k < text.size(); ++k)
            everyChar.push_back(k);
        EXPECT_EQ(describeAll(extractSplit(text, everyChar)), expected);
    }
}

// The whole corpus as one answer: the findings of each part, in order.
TEST(ProseFindings, TheCorpusAsOneAnswer) {
    QString all;
    size_t expected = 0;
    for (const ProseCase &c : proseCorpus()) {
        all += QString::fromUtf8(c.answer) + QStringLiteral("\n\n## Next\n\n");
        expected += c.findings.size();
    }
    const FindingExtractor e = FindingExtractor::extractAll(all);
    EXPECT_EQ(size_t(e.findings().size()), expected);
}

TEST(ProseFindings, AFindingGrowsAsItsLinesArrive) {
    FindingExtractor e;
    FindingExtractor::Update u = e.feed(QStringLiteral("1. **SQL injection** (High)\n"));
    EXPECT_TRUE(u.added.isEmpty()) << "no location yet";
    u = e.feed(QStringLiteral("   - Location: `app/db.py:12`\n"));
    ASSERT_EQ(u.added, QList<int>{0});
    EXPECT_TRUE(e.findings()[0].quote.isEmpty());
    u = e.feed(QStringLiteral("   - Code: `db.execute(q)`\n   - see also app/x.py:3\n"));
    EXPECT_EQ(u.changed, QList<int>{0});
    EXPECT_EQ(e.findings()[0].quote, QStringLiteral("db.execute(q)"));
    ASSERT_EQ(e.findings()[0].related.size(), 1);
    u = e.feed(QStringLiteral("\nSummary: done.\n"));
    EXPECT_TRUE(u.changed.isEmpty()) << "the summary is not part of it";
    e.finish();
    EXPECT_EQ(e.findings().size(), 1);
}

TEST(ProseFindings, ListsWithoutSeverityOrLocationAreNotFindings) {
    const char *answers[] = {
        "1. Install the deps\n2. Run the tests in tests/test_app.py:3\n",
        "1. **High availability** is a goal of app/server.py\n",
        "- Critical path: app/server.py:31 starts the app\n",
        "- **Note:** the tests in app/test_x.py:9 were not shown\n",
        "### Critical\n\nNothing critical was found.\n",
        "Overall, app/db.py:12 (High) looks risky.\n",
        "The most critical code is in app/db.py:12.\n",
        // Labels quoted as code, an emoji mid-sentence, "n/a" in backticks: no severity or
        // no location (found by running the extractor over docs/findings.md).
        "- **Rules**: labels such as `(High)` or `**Low**` in app/x.py:3 are examples\n",
        "- Colours: red \xf0\x9f\x94\xb4 means critical, see app/x.py:3\n",
        "- **Empty cells** (High): `n/a` and `-` are no file\n",
    };
    for (const char *answer : answers)
        EXPECT_TRUE(FindingExtractor::extractAll(QString::fromUtf8(answer)).findings().isEmpty())
            << answer;
}

TEST(ProseCitations, TheLineBeforeThePath) {
    struct Case {
        const char *text;
        const char *path;
        int start;
        int end;
        const char *match;
    };
    const Case cases[] = {
        {"see line 12 of app/db.py.", "app/db.py", 12, 12, "line 12 of app/db.py"},
        {"lines 12\u201314 of app/db.py", "app/db.py", 12, 14, "lines 12\u201314 of app/db.py"},
        {"Lines 40-52 in `app/reports.py` load", "app/reports.py", 40, 52,
         "Lines 40-52 in `app/reports.py`"},
        {"lines 3 to 5 of src\\app\\web.py", "src/app/web.py", 3, 5,
         "lines 3 to 5 of src\\app\\web.py"},
    };
    for (const Case &c : cases) {
        const QString text = QString::fromUtf8(c.text);
        const QList<CitationMatch> matches = findCitations(text);
        ASSERT_EQ(matches.size(), 1) << c.text;
        EXPECT_EQ(str(matches[0].citation.path), c.path) << c.text;
        EXPECT_EQ(matches[0].citation.startLine, c.start) << c.text;
        EXPECT_EQ(matches[0].citation.endLine, c.end) << c.text;
        EXPECT_EQ(str(text.mid(matches[0].offset, matches[0].length)), c.match) << c.text;
    }
    for (const char *text : {"line 10 of the file", "line 3 of 10", "lines 0 of a.py",
                             "line 4 of `a.py", "the line of app/db.py"})
        EXPECT_TRUE(findCitations(QString::fromUtf8(text)).isEmpty()) << text;
}

TEST(ProseFindings, SarifHasRelatedLocationsAndFlows) {
    const QString answer = QStringLiteral(
        "1. **Signature compared with == (Low)**: `if signature == sign(user_id):` at "
        "app/auth.py:13; the same pattern is in app/admin.py:20 and app/api.py:8-9.\n"
        "2. **Stored XSS (High)**: the body read at `app/routes.py:40` flows to "
        "`app/templates/comment.html:8`, where `{{ body|safe }}` renders it.\n");
    const QList<Finding> found = FindingExtractor::extractAll(answer).findings();
    ASSERT_EQ(found.size(), 2);
    const QJsonObject log = QJsonDocument::fromJson(toSarif(found, ExportContext())).object();
    const QJsonArray results = log.value(QStringLiteral("runs"))
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value(QStringLiteral("results"))
                                   .toArray();
    ASSERT_EQ(results.size(), 2);
    const QJsonArray related =
        results.at(0).toObject().value(QStringLiteral("relatedLocations")).toArray();
    ASSERT_EQ(related.size(), 2);
    const auto physical = [](const QJsonValue &v) {
        return v.toObject().value(QStringLiteral("physicalLocation")).toObject();
    };
    EXPECT_EQ(related.at(0).toObject().value(QStringLiteral("id")).toInt(), 1);
    EXPECT_EQ(physical(related.at(0))
                  .value(QStringLiteral("artifactLocation"))
                  .toObject()
                  .value(QStringLiteral("uri"))
                  .toString(),
              QStringLiteral("app/admin.py"));
    EXPECT_EQ(physical(related.at(1))
                  .value(QStringLiteral("region"))
                  .toObject()
                  .value(QStringLiteral("endLine"))
                  .toInt(),
              9);
    EXPECT_FALSE(results.at(0).toObject().contains(QStringLiteral("codeFlows")));
    const QJsonObject xss = results.at(1).toObject();
    EXPECT_FALSE(xss.contains(QStringLiteral("relatedLocations")));
    const QJsonArray steps = xss.value(QStringLiteral("codeFlows"))
                                 .toArray()
                                 .at(0)
                                 .toObject()
                                 .value(QStringLiteral("threadFlows"))
                                 .toArray()
                                 .at(0)
                                 .toObject()
                                 .value(QStringLiteral("locations"))
                                 .toArray();
    ASSERT_EQ(steps.size(), 2);
    EXPECT_EQ(steps.at(0)
                  .toObject()
                  .value(QStringLiteral("location"))
                  .toObject()
                  .value(QStringLiteral("physicalLocation"))
                  .toObject()
                  .value(QStringLiteral("region"))
                  .toObject()
                  .value(QStringLiteral("startLine"))
                  .toInt(),
              40);
}

// A 1 MB prose answer in 10-character deltas: each item is read at most up to its first
// kProseItemLimit characters, so this stays linear (re-reading whole sections on every
// line would make it run for minutes).
TEST(ProseFindings, LargeAnswerInSmallDeltas) {
    QString unit = QStringLiteral("## Findings\n\n");
    size_t perUnit = 0;
    for (const ProseCase &c : proseCorpus()) {
        unit += QString::fromUtf8(c.answer) + QStringLiteral("\n\n## Next\n\n");
        perUnit += c.findings.size();
    }
    QString text;
    size_t units = 0;
    while (text.size() < 1024 * 1024) {
        text += unit;
        ++units;
    }
    FindingExtractor e;
    for (qsizetype from = 0; from < text.size(); from += 10)
        e.feed(QStringView(text).sliced(from, std::min<qsizetype>(10, text.size() - from)));
    e.finish();
    EXPECT_EQ(size_t(e.findings().size()), units * perUnit);
    EXPECT_EQ(describeAll(e), describeAll(FindingExtractor::extractAll(text)));
}
