// SPDX-License-Identifier: MIT
// What the conversation's findings and links say, driven through a real Conversation and
// FindingsTracker streaming from the loopback server and checked against a real pack of a
// scratch repository: a chat link is checked with the code span after it ("verified" means
// the quote holds; without one it is only "located"); a Continue after a stop in the middle
// of a finding gives one finding, never one from the broken half, and a repeated finding is
// merged; the export of a continued answer names the question, not the "continue" prompt.
#include "eventloop.h"
#include "findings/findingsexport.h"
#include "findings/mentionquote.h"
#include "llm/client/chatclient.h"
#include "llm/conversation.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "trackersupport.h"
#include "workspace/findingstracker.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QThreadPool>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::test;
using findings::VerificationStatus;
using workspace::FindingsTracker;

namespace {

// app/web.py: the query string is read at line 7; line 3 is a harmless global.
const QByteArray kWebPy = "from flask import Flask, request\n"
                          "app = Flask(__name__)\n"
                          "name = None\n"
                          "\n"
                          "@app.route(\"/hello\")\n"
                          "def hello():\n"
                          "    who = request.args.get(\"name\", \"\")\n"
                          "    return \"<p>Hello \" + who + \"</p>\"\n";

const QString kSqlLine = QStringLiteral(
    "- [HIGH] SQL injection — api/user.go:42 — \"rows, err := db.Query(\"SELECT * FROM users "
    "WHERE id = \" + id)\" — the id is concatenated into the query.\n");
const QString kSecretLine =
    QStringLiteral("- [MEDIUM] Hard-coded secret — internal/auth/token.go:2 "
                   "— \"const secret = \"hunter2\"\" — move it out of "
                   "the code.\n");
const QString kGhostLine = QStringLiteral(
    "- [LOW] Invented helper — api/ghost.go:7 — \"ghost()\" — this file does not exist.\n");

findings::Citation citation(const QString &path, int line) {
    findings::Citation c;
    c.path = path;
    c.startLine = c.endLine = line;
    c.text = path + QLatin1Char(':') + QString::number(line);
    return c;
}

class FindingsJoinTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        m_repo.write(QStringLiteral("app/web.py"), kWebPy);
        m_repo.write(QStringLiteral("api/user.go"), userGo());
        m_repo.write(QStringLiteral("internal/auth/token.go"),
                     "package auth\nconst secret = \"hunter2\"\n");
        m_sources = packSources(m_repo.path());
        ASSERT_TRUE(m_sources);
        m_conversation.setTarget(chatTargetFor(m_server));
        m_conversation.setPack("SYSTEM", "<repository>PACK</repository>", 1000);
        m_tracker.setSources(m_sources);
    }
    void waitIdle() {
        ASSERT_TRUE(processEventsUntil([&] { return !m_conversation.isBusy(); }));
    }
    // Asks, streaming `first` and cutting the connection after it; then Continue, streaming
    // `rest` to the end.
    void askCutAndContinue(const QString &first, const QString &rest) {
        m_server.enqueue(streamedAnswer(first, 5, false));
        m_conversation.ask(QStringLiteral("Review the handlers"),
                           QStringLiteral("Security review"));
        ASSERT_NO_FATAL_FAILURE(waitIdle());
        ASSERT_FALSE(m_conversation.turns().constLast().complete());
        m_server.enqueue(streamedAnswer(rest, 5));
        m_conversation.continueLast();
        ASSERT_NO_FATAL_FAILURE(waitIdle());
        ASSERT_EQ(m_conversation.turns().size(), 2);
        ASSERT_TRUE(m_conversation.turns().constLast().complete());
    }
    QStringList titles() const {
        QStringList out;
        for (const findings::Finding &finding : m_tracker.findings())
            out << finding.title;
        return out;
    }

    ScratchRepo m_repo;
    findings::SourceSetPtr m_sources;
    QThreadPool m_pool;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    llm::ChatClient m_client{&m_network, &m_pool};
    llm::Conversation m_conversation{&m_client};
    FindingsTracker m_tracker{&m_conversation};
};

std::string str(const QString &s) {
    return s.toStdString();
}

} // namespace

// The bug: `app/web.py:3` was shown verified on `name = None` while the prose quotes
// `request.args` from line 7.
TEST_F(FindingsJoinTest, AChatLinkIsCheckedWithTheCodeSpanAfterIt) {
    const QString answer = QStringLiteral(
        "The greeting handler at `app/web.py:3` echoes `request.args` into the page unescaped. "
        "The app object is made at app/web.py:2, and nothing is at app/web.py:40.\n"
        "See `app/web.py:7`, where `request.args.get(\"name\", \"\")` is read.\n");
    m_server.enqueue(streamedAnswer(answer));
    m_conversation.ask(QStringLiteral("Review"));
    ASSERT_NO_FATAL_FAILURE(waitIdle());

    QHash<QString, findings::Mention> byText;
    for (const findings::Mention &mention : m_tracker.mentions(0))
        byText.insert(mention.citation.path + QLatin1Char(':') +
                          QString::number(mention.citation.startLine),
                      mention);
    ASSERT_EQ(byText.size(), 4) << str(QStringList(byText.keys()).join(QLatin1Char(' ')));

    const findings::Mention moved = byText.value(QStringLiteral("app/web.py:3"));
    EXPECT_EQ(moved.quote, QStringLiteral("request.args"));
    EXPECT_EQ(moved.resolved.status, VerificationStatus::Corrected) << str(moved.resolved.note);
    EXPECT_EQ(moved.resolved.startLine, 7);
    EXPECT_EQ(str(moved.resolved.note), "cited line 3, the quote is at 7");

    const findings::Mention bare = byText.value(QStringLiteral("app/web.py:2"));
    EXPECT_TRUE(bare.quote.isEmpty()) << str(bare.quote);
    EXPECT_EQ(bare.resolved.status, VerificationStatus::Located);
    EXPECT_TRUE(bare.resolved.canNavigate());
    EXPECT_EQ(bare.resolved.startLine, 2);

    // An existing file at a line it does not have: unverified, never verified by the line.
    EXPECT_EQ(byText.value(QStringLiteral("app/web.py:40")).resolved.status,
              VerificationStatus::Unverified);

    const findings::Mention held = byText.value(QStringLiteral("app/web.py:7"));
    EXPECT_EQ(held.quote, QStringLiteral("request.args.get(\"name\", \"\")"));
    EXPECT_EQ(held.resolved.status, VerificationStatus::Verified) << str(held.resolved.note);

    // What a transcript link (and a click on it) gets for the same citations.
    const findings::ResolvedLocation link =
        m_tracker.resolve(citation(QStringLiteral("app/web.py"), 3));
    EXPECT_EQ(link.status, VerificationStatus::Corrected);
    EXPECT_EQ(link.startLine, 7);
    EXPECT_EQ(m_tracker.resolve(citation(QStringLiteral("app/web.py"), 2)).status,
              VerificationStatus::Located);
    EXPECT_EQ(m_tracker.resolve(citation(QStringLiteral("app/web.py"), 40)).status,
              VerificationStatus::Unverified);
}

// A finding's own citation, as a link, shows the finding's result (its quote was checked).
TEST_F(FindingsJoinTest, ALinkToAFindingsCitationUsesTheFindingsQuote) {
    m_server.enqueue(streamedAnswer(kSqlLine + QStringLiteral("\nFix api/user.go:42 first.\n")));
    m_conversation.ask(QStringLiteral("Review"));
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    ASSERT_EQ(m_tracker.findings().size(), 1);
    EXPECT_EQ(m_tracker.findings()[0].resolved.status, VerificationStatus::Verified);
    EXPECT_EQ(m_tracker.resolve(citation(QStringLiteral("api/user.go"), 42)).status,
              VerificationStatus::Verified);
    // Another line of the same file, never quoted: located.
    EXPECT_EQ(m_tracker.resolve(citation(QStringLiteral("api/user.go"), 41)).status,
              VerificationStatus::Located);
}

TEST(MentionQuote, TheCodeSpanAfterAMentionInItsSentence) {
    using findings::quoteAfterMention;
    auto after = [](const QString &text, const QString &mention) {
        return quoteAfterMention(text, text.indexOf(mention) + mention.size());
    };
    const QString plain = QStringLiteral("The handler at app/web.py:3 reads `request.args`.");
    EXPECT_EQ(after(plain, QStringLiteral("app/web.py:3")), QStringLiteral("request.args"));
    // The mention inside its own code span: the span after it, not its closing backtick.
    const QString spanned = QStringLiteral("In `app/web.py:3`, `name = None` is set.");
    EXPECT_EQ(after(spanned, QStringLiteral("app/web.py:3")), QStringLiteral("name = None"));
    // A longer fence holds a backtick.
    const QString fenced = QStringLiteral("app/a.py:1 uses ``a ` b`` here");
    EXPECT_EQ(after(fenced, QStringLiteral("app/a.py:1")), QStringLiteral("a ` b"));
    // Not past the end of the sentence or the line.
    EXPECT_TRUE(after(QStringLiteral("See app/web.py:3. Then `x = 1` runs."),
                      QStringLiteral("app/web.py:3"))
                    .isEmpty());
    EXPECT_TRUE(after(QStringLiteral("See app/web.py:3\n`x = 1`"), QStringLiteral("app/web.py:3"))
                    .isEmpty());
    // Not a span that is itself a place.
    EXPECT_TRUE(after(QStringLiteral("`app/a.py:1` → `app/b.py:2`"), QStringLiteral("app/a.py:1"))
                    .isEmpty());
    EXPECT_TRUE(after(QStringLiteral("app/a.py:1 calls into `app/b.py` later"),
                      QStringLiteral("app/a.py:1"))
                    .isEmpty());
    // Not too far away.
    const QString far = QStringLiteral("app/a.py:1 ") + QString(findings::kQuoteReach + 1, u'x') +
                        QStringLiteral(" `call()`");
    EXPECT_TRUE(after(far, QStringLiteral("app/a.py:1")).isEmpty());
    // Not what belongs to the next mention.
    const QString two = QStringLiteral("app/a.py:1 and app/b.py:2 read `argv`");
    EXPECT_TRUE(quoteAfterMention(two, 10, two.indexOf(QStringLiteral("app/b.py"))).isEmpty());
    EXPECT_EQ(after(two, QStringLiteral("app/b.py:2")), QStringLiteral("argv"));
}

// Stopped in the middle of a finding; the model restarts the item when asked to continue.
// The halves join into one finding; the broken half never becomes one.
TEST_F(FindingsJoinTest, AContinueThatRestartsTheCutFindingGivesOneFinding) {
    const qsizetype cut = kSqlLine.indexOf(QLatin1String("FROM users"));
    for (const QString &lead : {QString(), QStringLiteral("\n"), QStringLiteral("\n\n  ")}) {
        SCOPED_TRACE(str(QStringLiteral("continuation starts with '%1'").arg(lead)));
        m_conversation.clear();
        m_tracker.clear();
        QSignalSpy added(&m_tracker, &FindingsTracker::findingAdded);
        ASSERT_NO_FATAL_FAILURE(
            askCutAndContinue(kSqlLine.left(cut), lead + kSqlLine + kSecretLine));
        ASSERT_EQ(titles(), QStringList({QStringLiteral("SQL injection"),
                                         QStringLiteral("Hard-coded secret")}));
        EXPECT_EQ(added.count(), 2) << "no finding was ever made of the broken half";
        const findings::Finding &sql = m_tracker.findings()[0];
        EXPECT_TRUE(sql.quote.endsWith(QLatin1String("+ id)"))) << str(sql.quote);
        EXPECT_EQ(sql.resolved.status, VerificationStatus::Verified) << str(sql.resolved.note);
        EXPECT_EQ(sql.resolved.startLine, 42);
        EXPECT_EQ(m_tracker.findings()[1].resolved.status, VerificationStatus::Verified);
        EXPECT_EQ(m_tracker.turnOf(0), 1); // the restarted text is the continuation's
    }
}

// Cut just after the first letters of a finding; the model restarts from the last complete
// finding: the findings it repeats are replaced, not doubled.
TEST_F(FindingsJoinTest, AContinueThatRestartsAnEarlierLineReplacesItsFindings) {
    ASSERT_NO_FATAL_FAILURE(askCutAndContinue(
        kSqlLine + kSecretLine + QStringLiteral("- [LOW] Inv"), kSecretLine + kGhostLine));
    EXPECT_EQ(titles(),
              QStringList({QStringLiteral("SQL injection"), QStringLiteral("Hard-coded secret"),
                           QStringLiteral("Invented helper")}));
    EXPECT_EQ(m_tracker.turnOf(0), 0);
    EXPECT_EQ(m_tracker.turnOf(1), 1);
    EXPECT_EQ(m_tracker.turnOf(2), 1);
}

// The model continues where it stopped, then repeats an earlier finding with more words:
// one finding, completed by the repeat.
TEST_F(FindingsJoinTest, AFindingTheContinuationRepeatsIsMerged) {
    const qsizetype cut = kSecretLine.indexOf(QLatin1String("hunter2"));
    QString repeat = kSqlLine;
    repeat.replace(QStringLiteral("the id is concatenated into the query."),
                   QStringLiteral("the id is concatenated into the query; use a placeholder "
                                  "(`?`) and pass the id as an argument."));
    QSignalSpy changed(&m_tracker, &FindingsTracker::findingChanged);
    ASSERT_NO_FATAL_FAILURE(askCutAndContinue(kSqlLine + kSecretLine.left(cut),
                                              kSecretLine.mid(cut) + repeat + kGhostLine));
    ASSERT_EQ(titles(),
              QStringList({QStringLiteral("SQL injection"), QStringLiteral("Hard-coded secret"),
                           QStringLiteral("Invented helper")}));
    const findings::Finding &sql = m_tracker.findings()[0];
    EXPECT_TRUE(sql.explanation.contains(QLatin1String("placeholder"))) << str(sql.explanation);
    EXPECT_EQ(sql.resolved.status, VerificationStatus::Verified);
    EXPECT_EQ(m_tracker.turnOf(0), 0);
    EXPECT_EQ(m_tracker.turnOf(1), 0); // completed by the continuation, started in the first
    bool sawSql = false;
    for (const QList<QVariant> &args : changed)
        sawSql |= args.at(0).toInt() == 0;
    EXPECT_TRUE(sawSql);
    // The secret's quote was cut in the middle and completed by the continuation.
    EXPECT_EQ(m_tracker.findings()[1].resolved.status, VerificationStatus::Verified);
}

// A continuation that is not a restart still just follows the text (nothing is cut).
TEST_F(FindingsJoinTest, AnExactContinuationIsNotTakenForARestart) {
    const qsizetype cut = kSqlLine.indexOf(QLatin1String("WHERE"));
    ASSERT_NO_FATAL_FAILURE(
        askCutAndContinue(kSecretLine + kSqlLine.left(cut), kSqlLine.mid(cut) + kGhostLine));
    EXPECT_EQ(titles(),
              QStringList({QStringLiteral("Hard-coded secret"), QStringLiteral("SQL injection"),
                           QStringLiteral("Invented helper")}));
    EXPECT_EQ(m_tracker.findings()[1].resolved.status, VerificationStatus::Verified);
    EXPECT_EQ(m_tracker.turnOf(1), 0);
}

// The Markdown export of a continued answer names the user's question and task.
TEST_F(FindingsJoinTest, TheExportOfAContinuedAnswerNamesTheQuestion) {
    const qsizetype cut = kSqlLine.indexOf(QLatin1String("FROM users"));
    ASSERT_NO_FATAL_FAILURE(askCutAndContinue(kSqlLine.left(cut), kSqlLine.mid(cut) + kGhostLine));
    const int last = m_tracker.turnOf(int(m_tracker.findings().size()) - 1);
    ASSERT_EQ(last, 1);
    EXPECT_EQ(m_conversation.questionOf(last), 0);
    EXPECT_EQ(m_conversation.questionOf(0), 0);
    EXPECT_EQ(m_conversation.questionOf(2), -1);
    EXPECT_TRUE(m_conversation.answerComplete(0)); // its continuation ended it
    EXPECT_TRUE(m_conversation.answerComplete(1));

    findings::ExportContext context;
    workspace::describeAnswer(context, m_conversation, last);
    EXPECT_EQ(context.question, QStringLiteral("Review the handlers"));
    EXPECT_EQ(context.task, QStringLiteral("Security review"));
    EXPECT_TRUE(context.answerComplete);
    EXPECT_EQ(context.askedAt, m_conversation.turns().constFirst().startedAt);
    const QString md = QString::fromUtf8(findings::toMarkdown(m_tracker.findings(), context));
    EXPECT_TRUE(md.contains(QLatin1String("> Review the handlers"))) << str(md);
    EXPECT_TRUE(md.contains(QLatin1String("| Task | Security review |"))) << str(md);
    EXPECT_FALSE(md.contains(QLatin1String("cut off"))) << str(md);
    EXPECT_FALSE(md.contains(QLatin1String("Continue"))) << str(md);

    // Described from the first turn, the answer is the same; before the Continue it was
    // partial, and said so.
    findings::ExportContext first;
    workspace::describeAnswer(first, m_conversation, 0);
    EXPECT_EQ(first.question, context.question);
    m_server.enqueue(streamedAnswer(kSqlLine.left(cut), 5, false));
    m_conversation.ask(QStringLiteral("And the admin routes?"));
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    findings::ExportContext partial;
    workspace::describeAnswer(partial, m_conversation, 2);
    EXPECT_EQ(partial.question, QStringLiteral("And the admin routes?"));
    EXPECT_EQ(partial.task, QStringLiteral("Custom question"));
    EXPECT_FALSE(partial.answerComplete);
}

// Two items that only begin alike are two findings: a continuation starting a new item like
// the last complete one is not a restart of it.
TEST_F(FindingsJoinTest, ANewItemThatBeginsLikeTheLastOneIsNotARestart) {
    const QString other = QStringLiteral("- [HIGH] SQL injection in the search — api/user.go:41 — "
                                         "\"// step 41\" — a second query built from input.\n");
    ASSERT_NO_FATAL_FAILURE(askCutAndContinue(kSqlLine, other));
    ASSERT_EQ(titles(), QStringList({QStringLiteral("SQL injection"),
                                     QStringLiteral("SQL injection in the search")}));
    EXPECT_EQ(m_tracker.turnOf(0), 0);
    EXPECT_EQ(m_tracker.turnOf(1), 1);
    EXPECT_EQ(m_tracker.findings()[1].resolved.status, VerificationStatus::Verified);
}
