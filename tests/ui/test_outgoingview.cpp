// SPDX-License-Identifier: MIT
// "What leaves the machine" on its own, over a real repository with secrets generated in the
// test: the pack is written and redacted on the pool (the view says "Preparing…" meanwhile),
// each marker is tinted, the planted secret is not in the text and the code around it is;
// with a policy that does not redact, the secret is shown and tinted as sent; Ctrl+F finds;
// Cancel stops a build.
#include "eventloop.h"
#include "privacy/outgoingview.h"
#include "scratchrepo.h"
#include "secretsamples.h"
#include "security/secrets/scannerload.h"
#include "security/secrets/secretscanner.h"
#include "uitestsupport.h"
#include "viewer/codeviewer.h"
#include "viewer/findbar.h"
#include "workspace/outgoingrequest.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::test;

namespace {

secrets::Sample sampleFor(const char *ruleId, quint64 seed) {
    secrets::SampleGenerator generator(seed);
    for (const secrets::Sample &s : generator.onePerRule())
        if (s.ruleId == QLatin1String(ruleId))
            return s;
    ADD_FAILURE() << "no sample for " << ruleId;
    return {};
}

class OutgoingViewTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        m_token = sampleFor("github-pat", 19);
        m_aws = sampleFor("aws-secret-access-key", 20);
        m_repo.initGit();
        m_repo.write(QStringLiteral("deploy/ci.sh"), "#!/bin/sh\nset -e\n" + m_token.text +
                                                         "curl -H \"token\" api/ci\necho done\n");
        m_repo.write(QStringLiteral("app/main.py"), "def main():\n    return 42\n");
        m_repo.commitAll();
        ASSERT_NO_FATAL_FAILURE(openAndWaitForCounting(m_repo.path()));
        QStringList warnings;
        m_scanner = security::secrets::loadScanner(m_repo.path(), &warnings);
        ASSERT_TRUE(m_scanner);
        m_view = std::make_unique<ui::OutgoingView>(m_syntax, &m_pool);
        m_view->show();
    }
    void TearDown() override {
        m_view.reset();
        ServicesTest::TearDown();
    }
    workspace::OutgoingInputs inputs(bool redact, const QString &question) {
        workspace::OutgoingInputs in;
        in.systemPrompt = "You are a careful auditor.";
        in.snapshot = m_workspace->snapshot();
        in.files = m_workspace->selection()->selectedFiles();
        in.format = m_workspace->packFormat();
        in.question = question;
        in.policy.scanner = m_scanner;
        in.policy.redact = redact;
        in.tokenizer = m_workspace->tokenizerPtr();
        return in;
    }
    void prepareAndWait(workspace::OutgoingInputs in) {
        QSignalSpy prepared(m_view.get(), &ui::OutgoingView::prepared);
        m_view->prepare(std::move(in));
        EXPECT_TRUE(m_view->isPreparing());
        EXPECT_TRUE(m_view->findChild<QProgressBar *>(QStringLiteral("outgoingBusy"))->isVisible());
        EXPECT_TRUE(m_view->statusText().startsWith(QStringLiteral("Preparing")));
        ASSERT_TRUE(prepared.wait(30000)) << m_view->statusText().toStdString();
        ASSERT_FALSE(m_view->isPreparing());
        ASSERT_TRUE(processEventsUntil([&] { return m_view->viewer()->isLoaded(); }));
    }
    // The marks of a colour class, as (text) strings of the shown text.
    QStringList marked(workspace::OutgoingLayout::Span::Kind kind) const {
        QStringList out;
        for (const auto &span : m_view->layout().spans)
            if (span.kind == kind)
                out << m_view->viewer()->shownText().mid(span.position, span.length);
        return out;
    }

    KSyntaxHighlighting::Repository m_syntax;
    ScratchRepo m_repo;
    secrets::Sample m_token;
    secrets::Sample m_aws;
    std::shared_ptr<const security::secrets::SecretScanner> m_scanner;
    std::unique_ptr<ui::OutgoingView> m_view;
};

} // namespace

TEST_F(OutgoingViewTest, ShowsTheMarkerAndNotTheSecretAndKeepsTheCodeAround) {
    const QString question = QStringLiteral("Is this key used anywhere? aws_secret_access_key = ") +
                             QString::fromLatin1(m_aws.secret);
    ASSERT_NO_FATAL_FAILURE(prepareAndWait(inputs(true, question)));
    const QString text = m_view->viewer()->shownText();
    const QString pat = QStringLiteral("«redacted:github-pat»");
    const QString aws = QStringLiteral("«redacted:aws-secret-access-key»");
    EXPECT_FALSE(text.contains(QString::fromLatin1(m_token.secret)));
    EXPECT_FALSE(text.contains(QString::fromLatin1(m_aws.secret)));
    EXPECT_TRUE(text.contains(QStringLiteral("GITHUB_TOKEN=") + pat)) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("curl -H \"token\" api/ci\necho done")));
    EXPECT_TRUE(text.contains(QStringLiteral("def main():")));
    EXPECT_TRUE(text.contains(QStringLiteral("You are a careful auditor.")));
    EXPECT_TRUE(
        text.contains(QStringLiteral("Is this key used anywhere? aws_secret_access_key = ") + aws));
    // Every marker is tinted; nothing is sent as it is.
    EXPECT_EQ(marked(workspace::OutgoingLayout::Span::Kind::Marker), (QStringList{pat, aws}));
    EXPECT_TRUE(marked(workspace::OutgoingLayout::Span::Kind::Secret).isEmpty());
    const QList<ui::TextMark> &marks = m_view->viewer()->marks();
    ASSERT_EQ(marks.size(), m_view->layout().spans.size());
    const qsizetype at = text.indexOf(pat);
    EXPECT_TRUE(std::any_of(marks.cbegin(), marks.cend(), [&](const ui::TextMark &m) {
        return m.position == at && m.length == pat.size() && m.background.isValid();
    }));
    // The parts are labelled, in the order they are sent.
    QStringList labels;
    for (const workspace::OutgoingPart &part : m_view->request().parts)
        labels << part.label;
    EXPECT_EQ(labels, (QStringList{QStringLiteral("System prompt"),
                                   QStringLiteral("Repository pack (2 files)"),
                                   QStringLiteral("Your question (not sent yet)")}));
    qint64 bytes = 0;
    for (const workspace::OutgoingPart &part : m_view->request().parts)
        bytes += part.text.size();
    EXPECT_EQ(m_view->request().bytes, bytes);
    EXPECT_GT(m_view->request().tokens, 0);
    EXPECT_TRUE(m_view->summaryText().contains(QStringLiteral("2 secrets redacted")))
        << m_view->summaryText().toStdString();
    EXPECT_FALSE(m_view->summaryText().contains(QStringLiteral("Redaction is off")));
}

TEST_F(OutgoingViewTest, WithoutRedactionTheSecretIsShownAndMarkedAsSent) {
    ASSERT_NO_FATAL_FAILURE(prepareAndWait(inputs(false, QStringLiteral("Any secrets?"))));
    const QString text = m_view->viewer()->shownText();
    EXPECT_TRUE(text.contains(QString::fromLatin1(m_token.secret)));
    EXPECT_FALSE(text.contains(QStringLiteral("«redacted:")));
    EXPECT_EQ(marked(workspace::OutgoingLayout::Span::Kind::Secret),
              QStringList{QString::fromLatin1(m_token.secret)});
    EXPECT_EQ(m_view->request().secrets.warned.size(), 1);
    EXPECT_TRUE(m_view->summaryText().contains(QStringLiteral("1 secret sent as it is")))
        << m_view->summaryText().toStdString();
    EXPECT_TRUE(m_view->summaryText().contains(QStringLiteral("Redaction is off")));
}

TEST_F(OutgoingViewTest, CtrlFFindsAndStepsThroughMatches) {
    ASSERT_NO_FATAL_FAILURE(prepareAndWait(
        inputs(true, QStringLiteral("token? ") + QString::fromLatin1(m_token.secret))));
    m_view->activateWindow();
    QTest::keyClick(m_view.get(), Qt::Key_F, Qt::ControlModifier);
    ui::FindBar *bar = m_view->findBar();
    ASSERT_TRUE(bar->isVisible());
    QTest::keyClicks(bar->lineEdit(), QStringLiteral("redacted:github-pat"));
    EXPECT_EQ(bar->matchCount(), 2); // the pack's and the question's
    EXPECT_EQ(bar->countText(), QStringLiteral("1 of 2"));
    QTest::keyClick(m_view.get(), Qt::Key_F3);
    EXPECT_EQ(bar->currentIndex(), 1);
    QTest::keyClick(m_view.get(), Qt::Key_F3, Qt::ShiftModifier);
    EXPECT_EQ(bar->currentIndex(), 0);
    bar->setFindText(QString::fromLatin1(m_token.secret));
    EXPECT_EQ(bar->matchCount(), 0);
}

TEST_F(OutgoingViewTest, CancelStopsTheBuildAndSaysSo) {
    QSignalSpy failed(m_view.get(), &ui::OutgoingView::failed);
    m_view->prepare(inputs(true, QStringLiteral("q")));
    auto *cancel = m_view->findChild<QPushButton *>(QStringLiteral("outgoingCancel"));
    ASSERT_TRUE(cancel->isVisible());
    cancel->click();
    ASSERT_TRUE(failed.wait(30000));
    EXPECT_TRUE(failed.first().first().toString().startsWith(QStringLiteral("Cancelled")));
    EXPECT_FALSE(m_view->isPreparing());
    EXPECT_FALSE(cancel->isVisible());
    EXPECT_TRUE(m_view->viewer()->shownText().isEmpty());
}

TEST_F(OutgoingViewTest, AFollowUpShowsTheConversationAsItWillBeSent) {
    // What a conversation's buildMessages gives for the next question: the frozen pack
    // opens the first user message, earlier turns follow.
    workspace::OutgoingInputs in = inputs(true, QStringLiteral("And the tests?"));
    in.messages = {
        {llm::ChatMessage::Role::System, "sys", {}, {}},
        {llm::ChatMessage::Role::User, "\n\nFirst?", {}, "<pack «redacted:github-pat»>"},
        {llm::ChatMessage::Role::Assistant, "One finding.", {}, {}},
        {llm::ChatMessage::Role::User, {}, {}, {}},
    };
    ASSERT_NO_FATAL_FAILURE(prepareAndWait(in));
    QStringList labels;
    QList<QByteArray> texts;
    for (const workspace::OutgoingPart &part : m_view->request().parts) {
        labels << part.label;
        texts << part.text;
    }
    EXPECT_EQ(labels,
              (QStringList{QStringLiteral("System prompt"), QStringLiteral("Repository pack"),
                           QStringLiteral("Question 1 (sent before)"), QStringLiteral("Answer 1"),
                           QStringLiteral("Your question (not sent yet)")}));
    EXPECT_EQ(texts, (QList<QByteArray>{"sys", "<pack «redacted:github-pat»>", "\n\nFirst?",
                                        "One finding.", "And the tests?"}));
    EXPECT_FALSE(m_view->request().packIsNew);
    EXPECT_TRUE(m_view->summaryText().contains(QStringLiteral("1 secret redacted")))
        << m_view->summaryText().toStdString();
}
