// SPDX-License-Identifier: MIT
// ChatSession and the privacy guard, without a window: the request the loopback server
// receives holds none of the planted secrets (pack and questions), holds the rest of the
// file, and the tokens handed to the conversation are those of what was sent.
#include "eventloop.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "secretsamples.h"
#include "security/secrets/scannerload.h"
#include "security/secrets/secretscanner.h"
#include "workspace/chatsession.h"
#include "workspacetest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::test;

namespace {

// Every text of the request's messages, decoded from the JSON (markers are not ASCII).
QByteArray messagesOf(const RecordedRequest &request) {
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    QByteArray text;
    for (const QJsonValue &m : body.value(QStringLiteral("messages")).toArray()) {
        const QJsonValue content = m.toObject().value(QStringLiteral("content"));
        text += content.toString().toUtf8();
        for (const QJsonValue &part : content.toArray())
            text += part.toObject().value(QStringLiteral("text")).toString().toUtf8();
        text += '\n';
    }
    return text;
}

class ChatSessionRedactionTest : public WorkspaceTest {
protected:
    void SetUp() override {
        WorkspaceTest::SetUp();
        if (HasFatalFailure())
            return;
        secrets::SampleGenerator gen(1919);
        m_pat = gen.githubToken("ghp_");
        m_key = gen.pem("RSA PRIVATE KEY", 6);
        m_questionToken = gen.githubToken("ghp_");
        m_content = "package deploy // BEFORE_THE_TOKEN\n"
                    "const token = \"" +
                    m_pat +
                    "\"\n"
                    "// BETWEEN_THE_SECRETS\n"
                    "const key = `" +
                    m_key +
                    "`\n"
                    "func main() {} // AFTER_THE_KEY\n";
        m_repo.initGit();
        m_repo.write(QStringLiteral("deploy/main.go"), m_content);
        m_repo.commitAll();
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
        m_session = std::make_unique<workspace::ChatSession>(m_workspace.get(), &m_network);
        m_session->setTarget(chatTargetFor(m_server));
    }
    void TearDown() override {
        m_session.reset();
        WorkspaceTest::TearDown();
    }
    void askAndWait(const QString &question) {
        m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("ok")})));
        const int before = m_server.requestCount();
        ASSERT_TRUE(m_session->ask(question));
        ASSERT_TRUE(processEventsUntil(
            [&] { return m_server.requestCount() == before + 1 && !m_session->isBusy(); }));
    }
    QString questionWithToken() const {
        return QStringLiteral("Is this token still used? %1").arg(QLatin1String(m_questionToken));
    }

    ScratchRepo m_repo;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    std::unique_ptr<workspace::ChatSession> m_session;
    QByteArray m_pat, m_key, m_questionToken, m_content;
};

} // namespace

TEST_F(ChatSessionRedactionTest, ByDefaultTheRequestHoldsNoSecretButTheRestOfTheFile) {
    QSignalSpy handled(m_session.get(), &workspace::ChatSession::secretsHandled);
    ASSERT_NO_FATAL_FAILURE(askAndWait(questionWithToken()));
    const QByteArray sent = messagesOf(m_server.requests().last());
    EXPECT_FALSE(sent.contains(m_pat));
    EXPECT_FALSE(sent.contains(m_questionToken));
    for (const QByteArray &line : m_key.split('\n'))
        EXPECT_FALSE(sent.contains(line)) << line.constData();
    EXPECT_TRUE(sent.contains("const token = \"«redacted:github-pat»\""));
    EXPECT_TRUE(sent.contains("const key = `«redacted:private-key»\n«redacted:private-key»"));
    EXPECT_TRUE(sent.contains("Is this token still used? «redacted:github-pat»"));
    for (const char *kept : {"package deploy // BEFORE_THE_TOKEN", "// BETWEEN_THE_SECRETS",
                             "func main() {} // AFTER_THE_KEY"})
        EXPECT_TRUE(sent.contains(kept)) << kept;
    // The file keeps its line count: the sources (what citations are checked against) too.
    const std::optional<QByteArray> source =
        m_session->sources()->text(QStringLiteral("deploy/main.go"));
    ASSERT_TRUE(source);
    EXPECT_EQ(source->count('\n'), m_content.count('\n'));
    EXPECT_FALSE(source->contains(m_pat));

    const workspace::SecretReport &report = m_session->lastSecrets();
    EXPECT_EQ(report.redacted.size(), 3); // two in the file, one in the question
    EXPECT_TRUE(report.warned.isEmpty());
    ASSERT_EQ(handled.size(), 1);
    EXPECT_EQ(handled.at(0).at(0).value<workspace::SecretReport>().total(), 3);

    // A follow-up's secret is redacted too and added to the report.
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("And %1?").arg(QLatin1String(m_pat))));
    const QByteArray followUp = messagesOf(m_server.requests().last());
    EXPECT_FALSE(followUp.contains(m_pat));
    EXPECT_FALSE(followUp.contains(m_questionToken)); // the history as sent
    EXPECT_TRUE(followUp.contains("And «redacted:github-pat»?"));
    EXPECT_EQ(m_session->lastSecrets().redacted.size(), 4);
    EXPECT_EQ(handled.size(), 2);

    m_session->newConversation();
    EXPECT_TRUE(m_session->lastSecrets().isEmpty());
}

TEST_F(ChatSessionRedactionTest, PackTokensAreThoseOfWhatIsSent) {
    const qint64 counted = m_workspace->selection()->selected(0).tokens +
                           m_workspace->selection()->selected(0).overhead +
                           m_workspace->fixedOverhead();
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("Any problem?")));
    const std::optional<QByteArray> sent =
        m_session->sources()->text(QStringLiteral("deploy/main.go"));
    ASSERT_TRUE(sent);
    const tokenize::Tokenizer &tok = m_workspace->tokenizer();
    const qint64 delta = tok.count(sent->toStdString()) - tok.count(m_content.toStdString());
    EXPECT_NE(delta, 0);
    EXPECT_EQ(m_session->packTokens(), counted + delta);
}

TEST_F(ChatSessionRedactionTest, WarnPolicySendsAsItIsAndAllowListLetsOneThrough) {
    QStringList warnings;
    workspace::RedactionPolicy warn;
    warn.scanner = security::secrets::loadScanner(m_repo.path(), &warnings);
    warn.redact = false;
    m_session->setRedactionPolicy(warn);
    ASSERT_NO_FATAL_FAILURE(askAndWait(questionWithToken()));
    QByteArray sent = messagesOf(m_server.requests().last());
    EXPECT_TRUE(sent.contains(m_pat));
    EXPECT_TRUE(sent.contains(m_questionToken));
    EXPECT_EQ(m_session->lastSecrets().warned.size(), 3);
    EXPECT_TRUE(m_session->lastSecrets().redacted.isEmpty());

    // Redacting again, with the file's token allowed by its fingerprint.
    const QList<security::secrets::SecretHit> hits =
        warn.scanner->scan(QByteArrayView(m_content), "deploy/main.go");
    ASSERT_EQ(hits.size(), 2);
    ASSERT_EQ(hits[0].ruleId, QStringLiteral("github-pat"));
    workspace::RedactionPolicy allowOne = warn;
    allowOne.redact = true;
    allowOne.allow.allowSecret(hits[0].fingerprint);
    m_session->setRedactionPolicy(allowOne);
    m_session->newConversation();
    ASSERT_NO_FATAL_FAILURE(askAndWait(questionWithToken()));
    sent = messagesOf(m_server.requests().last());
    EXPECT_TRUE(sent.contains(m_pat));
    EXPECT_FALSE(sent.contains(m_questionToken)); // the same rule elsewhere is not allowed
    EXPECT_FALSE(sent.contains(m_key.split('\n').at(1)));
    EXPECT_EQ(m_session->lastSecrets().allowed.size(), 1);
    EXPECT_EQ(m_session->lastSecrets().redacted.size(), 2);
}

TEST_F(ChatSessionRedactionTest, TheDefaultPolicyIsReloadedForEachConversation) {
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("First")));
    EXPECT_FALSE(messagesOf(m_server.requests().last()).contains(m_pat));
    // The repository's allow list now names the rule: the next conversation reads it.
    m_repo.write(QStringLiteral(".reposcope/secrets-allow.json"),
                 R"({"version": 1, "rules": ["github-pat"]})");
    m_session->newConversation();
    ASSERT_NO_FATAL_FAILURE(askAndWait(QStringLiteral("Second")));
    const QByteArray sent = messagesOf(m_server.requests().last());
    EXPECT_TRUE(sent.contains(m_pat));
    EXPECT_FALSE(sent.contains(m_key.split('\n').at(1)));
    EXPECT_EQ(m_session->lastSecrets().allowed.size(), 1);
    EXPECT_EQ(m_session->lastSecrets().redacted.size(), 1);
}
