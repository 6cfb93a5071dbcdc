// SPDX-License-Identifier: MIT
// FindingsTracker on a real Conversation streaming from the loopback server, verified
// against a real pack of a scratch repository; and ChatSession handing it the pack.
#include "eventloop.h"
#include "findings/sourceset.h"
#include "llm/client/chatclient.h"
#include "llm/conversation.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "trackersupport.h"
#include "workspace/chatsession.h"
#include "workspace/findingstracker.h"
#include "workspacetest.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::test;
using findings::VerificationStatus;
using workspace::FindingsTracker;

namespace {

void writeRepo(ScratchRepo &repo) {
    repo.write(QStringLiteral("api/user.go"), userGo());
    repo.write(QStringLiteral("internal/auth/token.go"),
               "package auth\nconst secret = \"hunter2\"\n");
    repo.write(QStringLiteral("a/util.go"), "package a\nfunc Helper() {}\n");
}

const QString kSqlLine = QStringLiteral(
    "- [HIGH] SQL injection — api/user.go:42 — \"rows, err := db.Query(\"SELECT * FROM users "
    "WHERE id = \" + id)\" — the id is concatenated into the query.\n");
const QString kSecretLine = QStringLiteral("- [MEDIUM] Hard-coded secret — auth/token.go:2 — "
                                           "\"const secret = \"hunter2\"\" — move it out of the "
                                           "code.\n");
const QString kGhostLine = QStringLiteral(
    "- [LOW] Invented helper — api/ghost.go:7 — \"ghost()\" — this file does not exist.\n");

QString securityAnswer() {
    return QStringLiteral("Reviewed the handlers; the lookup starts at api/user.go:3.\n\n") +
           kSqlLine + kSecretLine + kGhostLine +
           QStringLiteral("\nSee also a/util.go:2 for the shared helper.");
}

// Finding bullets whose line is complete in `text`.
int completeBullets(const QString &text) {
    const qsizetype end = text.lastIndexOf(QLatin1Char('\n'));
    if (end < 0)
        return 0;
    int count = 0;
    for (const QString &line : text.left(end).split(QLatin1Char('\n')))
        count += line.startsWith(QLatin1String("- [")) ? 1 : 0;
    return count;
}

class FindingsTrackerTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        writeRepo(m_repo);
        m_sources = packSources(m_repo.path());
        ASSERT_TRUE(m_sources);
        m_conversation.setTarget(chatTargetFor(m_server));
        m_conversation.setPack("SYSTEM", "<repository>PACK</repository>", 1000);
    }
    void waitIdle() {
        ASSERT_TRUE(processEventsUntil([&] { return !m_conversation.isBusy(); }));
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

} // namespace

TEST_F(FindingsTrackerTest, FindingsAppearAsTheirLinesCompleteAndAreVerified) {
    m_tracker.setSources(m_sources);
    QSignalSpy added(&m_tracker, &FindingsTracker::findingAdded);
    // After every update of the answer, exactly its complete finding lines are findings.
    int updates = 0;
    QList<int> mismatches;
    QObject::connect(&m_conversation, &llm::Conversation::turnUpdated, &m_tracker, [&](int turn) {
        ++updates;
        const llm::Turn &t = m_conversation.turns().at(turn);
        if (t.phase == llm::ChatPhase::Done)
            return; // the last line is complete only now
        if (int(m_tracker.findings().size()) != completeBullets(t.answer))
            mismatches << int(t.answer.size());
    });
    m_server.enqueue(streamedAnswer(securityAnswer()));
    m_conversation.ask(QStringLiteral("Review"));
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    EXPECT_GT(updates, 10);
    EXPECT_TRUE(mismatches.isEmpty()) << "first at answer length " << mismatches.value(0);
    ASSERT_EQ(m_conversation.turns().constFirst().answer, securityAnswer());

    ASSERT_EQ(m_tracker.findings().size(), 3);
    EXPECT_EQ(added.count(), 3);
    const QList<findings::Finding> &found = m_tracker.findings();
    EXPECT_EQ(found[0].title, QStringLiteral("SQL injection"));
    EXPECT_EQ(found[0].resolved.status, VerificationStatus::Verified)
        << found[0].resolved.note.toStdString();
    EXPECT_EQ(found[0].resolved.startLine, 42);
    EXPECT_EQ(found[1].resolved.status, VerificationStatus::Corrected);
    EXPECT_EQ(found[1].resolved.path, QStringLiteral("internal/auth/token.go"));
    EXPECT_EQ(found[2].resolved.status, VerificationStatus::Unverified);
    EXPECT_FALSE(found[2].resolved.canNavigate());
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(m_tracker.turnOf(i), 0);

    // The prose mentions, including the last line that only the end of the answer completed.
    const QList<findings::Mention> mentions = m_tracker.mentions(0);
    bool sawUser = false;
    bool sawUtil = false;
    for (const findings::Mention &mention : mentions) {
        const QString text = securityAnswer().mid(mention.offset, mention.length);
        EXPECT_TRUE(text.contains(mention.citation.path)) << text.toStdString();
        if (mention.citation.path == QStringLiteral("api/user.go") &&
            mention.citation.startLine == 3) {
            sawUser = true;
            // No quote near it: the place exists, nothing was checked.
            EXPECT_EQ(mention.resolved.status, VerificationStatus::Located);
        }
        if (mention.citation.path == QStringLiteral("a/util.go")) {
            sawUtil = true;
            EXPECT_EQ(mention.resolved.status, VerificationStatus::Located);
        }
    }
    EXPECT_TRUE(sawUser);
    EXPECT_TRUE(sawUtil);
}

TEST_F(FindingsTrackerTest, FindingsBeforeTheSourcesArePendingUntilTheyArrive) {
    m_server.enqueue(streamedAnswer(securityAnswer(), 11));
    m_conversation.ask(QStringLiteral("Review"));
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    ASSERT_EQ(m_tracker.findings().size(), 3);
    for (const findings::Finding &finding : m_tracker.findings())
        EXPECT_EQ(finding.resolved.status, VerificationStatus::Pending);
    findings::Citation citation;
    citation.path = QStringLiteral("api/user.go");
    citation.startLine = citation.endLine = 42;
    EXPECT_EQ(m_tracker.resolve(citation).status, VerificationStatus::Unverified);
    EXPECT_FALSE(m_tracker.resolve(citation).note.isEmpty());

    QSignalSpy reset(&m_tracker, &FindingsTracker::findingsReset);
    m_tracker.setSources(m_sources);
    EXPECT_EQ(reset.count(), 1);
    EXPECT_EQ(m_tracker.findings()[0].resolved.status, VerificationStatus::Verified);
    EXPECT_EQ(m_tracker.findings()[1].resolved.status, VerificationStatus::Corrected);
    EXPECT_EQ(m_tracker.findings()[2].resolved.status, VerificationStatus::Unverified);
    EXPECT_EQ(m_tracker.resolve(citation).status, VerificationStatus::Verified);
    for (const findings::Mention &mention : m_tracker.mentions(0))
        EXPECT_NE(mention.resolved.status, VerificationStatus::Pending);

    // Forgetting the sources takes the findings back to Pending.
    m_tracker.setSources(nullptr);
    EXPECT_EQ(m_tracker.findings()[0].resolved.status, VerificationStatus::Pending);
}

TEST_F(FindingsTrackerTest, AReaskedTurnStartsItsFindingsAgain) {
    m_tracker.setSources(m_sources);
    m_server.enqueue(streamedAnswer(kSqlLine + kSecretLine));
    m_server.enqueue(streamedAnswer(QStringLiteral("Only one this time:\n") + kGhostLine));
    m_conversation.ask(QStringLiteral("Review"));
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    ASSERT_EQ(m_tracker.findings().size(), 2);

    QSignalSpy reset(&m_tracker, &FindingsTracker::findingsReset);
    m_conversation.reaskLast();
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    EXPECT_GE(reset.count(), 1);
    ASSERT_EQ(m_tracker.findings().size(), 1);
    EXPECT_EQ(m_tracker.findings()[0].title, QStringLiteral("Invented helper"));
    EXPECT_EQ(m_tracker.turnOf(0), 0);

    // A second question adds its findings after the first turn's.
    m_server.enqueue(streamedAnswer(kSecretLine));
    m_conversation.ask(QStringLiteral("And secrets?"));
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    ASSERT_EQ(m_tracker.findings().size(), 2);
    EXPECT_EQ(m_tracker.turnOf(1), 1);
    EXPECT_EQ(m_tracker.findings()[1].resolved.status, VerificationStatus::Corrected);
}

// An answer cut off mid-line is continued: the continuation feeds the same extractor, so
// the finding split across the two turns is one finding with the whole quote.
TEST_F(FindingsTrackerTest, AContinuationContinuesTheSameExtractor) {
    m_tracker.setSources(m_sources);
    const QString whole = kSqlLine + kSecretLine + kGhostLine;
    const qsizetype cut = kSqlLine.indexOf(QLatin1String("FROM users"));
    m_server.enqueue(streamedAnswer(whole.left(cut), 5, false));
    m_conversation.ask(QStringLiteral("Review"));
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    ASSERT_EQ(m_conversation.turns().constFirst().phase, llm::ChatPhase::Failed);
    EXPECT_TRUE(m_tracker.findings().isEmpty()); // the line is not complete

    m_server.enqueue(streamedAnswer(whole.mid(cut), 5));
    m_conversation.continueLast();
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    ASSERT_EQ(m_conversation.turns().size(), 2);
    ASSERT_EQ(m_tracker.findings().size(), 3);
    const findings::Finding &first = m_tracker.findings()[0];
    EXPECT_EQ(first.title, QStringLiteral("SQL injection"));
    EXPECT_TRUE(first.quote.contains(QLatin1String("FROM users"))) << first.quote.toStdString();
    EXPECT_EQ(first.resolved.status, VerificationStatus::Verified);
    EXPECT_EQ(m_tracker.turnOf(0), 0); // it starts in the first turn's text
    EXPECT_EQ(m_tracker.turnOf(1), 1);
    EXPECT_EQ(m_tracker.joinedOffset(0), 0);
    EXPECT_EQ(m_tracker.joinedOffset(1), cut);

    // Asking the continuation again re-feeds the first turn, then the new text.
    m_server.enqueue(streamedAnswer(whole.mid(cut, kSqlLine.size() - cut) + kGhostLine, 5));
    QSignalSpy reset(&m_tracker, &FindingsTracker::findingsReset);
    m_conversation.reaskLast();
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    EXPECT_GE(reset.count(), 1);
    ASSERT_EQ(m_tracker.findings().size(), 2);
    EXPECT_EQ(m_tracker.findings()[0].resolved.status, VerificationStatus::Verified);
    EXPECT_EQ(m_tracker.findings()[1].title, QStringLiteral("Invented helper"));
}

TEST_F(FindingsTrackerTest, ATrackerCreatedLateCatchesUp) {
    m_server.enqueue(streamedAnswer(securityAnswer(), 50));
    m_conversation.ask(QStringLiteral("Review"));
    ASSERT_NO_FATAL_FAILURE(waitIdle());
    FindingsTracker late(&m_conversation);
    late.setSources(m_sources);
    ASSERT_EQ(late.findings().size(), 3);
    EXPECT_EQ(late.findings()[0].resolved.status, VerificationStatus::Verified);
    EXPECT_FALSE(late.mentions(0).isEmpty());
    late.clear();
    EXPECT_TRUE(late.findings().isEmpty());
}

// ChatSession builds the sources with the pack and hands them to its tracker.
class ChatSessionFindingsTest : public WorkspaceTest {
protected:
    void SetUp() override {
        WorkspaceTest::SetUp();
        if (HasFatalFailure())
            return;
        writeRepo(m_repo);
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
        m_session = std::make_unique<workspace::ChatSession>(m_workspace.get(), &m_network);
        m_session->setTarget(chatTargetFor(m_server));
    }
    void TearDown() override {
        m_session.reset();
        WorkspaceTest::TearDown();
    }

    ScratchRepo m_repo;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    std::unique_ptr<workspace::ChatSession> m_session;
};

TEST_F(ChatSessionFindingsTest, ThePacksSourcesVerifyTheAnswersFindings) {
    EXPECT_FALSE(m_session->sources());
    findings::SourceSetPtr atReady;
    QObject::connect(m_session.get(), &workspace::ChatSession::packReady, m_session.get(),
                     [&](int, qint64, const QStringList &) { atReady = m_session->sources(); });
    m_server.enqueue(streamedAnswer(securityAnswer()));
    ASSERT_TRUE(m_session->ask(QStringLiteral("Review")));
    ASSERT_TRUE(processEventsUntil([&] { return !m_session->isBusy(); }));
    ASSERT_TRUE(atReady);
    EXPECT_EQ(atReady, m_session->sources());
    EXPECT_EQ(m_session->findings()->sources(), m_session->sources());
    EXPECT_EQ(m_session->sources()->text(QStringLiteral("api/user.go")), userGo());

    FindingsTracker *tracker = m_session->findings();
    ASSERT_EQ(tracker->findings().size(), 3);
    EXPECT_EQ(tracker->findings()[0].resolved.status, VerificationStatus::Verified);
    EXPECT_EQ(tracker->findings()[2].resolved.status, VerificationStatus::Unverified);

    m_session->newConversation();
    EXPECT_FALSE(m_session->sources());
    EXPECT_FALSE(tracker->sources());
    EXPECT_TRUE(tracker->findings().isEmpty());
}
