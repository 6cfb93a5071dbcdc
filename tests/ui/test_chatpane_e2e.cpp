// SPDX-License-Identifier: MIT
// The chat pane bound to a real Conversation and ChatClient talking to the loopback ScriptedServer:
// what the user sees from Send to the last token, on Esc, on a rate limit and on a context
// overflow.
#include "chat/chatpane.h"
#include "eventloop.h"
#include "scriptedserver.h"
#include "transcript/transcriptview.h"

#include "llm/client/chatclient.h"
#include "llm/conversation.h"

#include <KSyntaxHighlighting/Repository>

#include <QLabel>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QThreadPool>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;
using reposcope::ui::ChatPane;

namespace {

void setUserSettingsPath(const QString &path) {
    for (QSettings::Format format : {QSettings::NativeFormat, QSettings::IniFormat})
        QSettings::setPath(format, QSettings::UserScope, path);
}

class ChatPaneEndToEndTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_repository = std::make_unique<KSyntaxHighlighting::Repository>();
    }
    static void TearDownTestSuite() { s_repository.reset(); }

    void SetUp() override {
        ASSERT_TRUE(m_settingsDir.isValid());
        setUserSettingsPath(m_settingsDir.path());
        ASSERT_TRUE(m_server.isListening());
        llm::ChatTarget target = chatTargetFor(m_server);
        target.inputPerMillion = 1.0;
        target.outputPerMillion = 2.0;
        m_conversation.setTarget(target);
        m_conversation.setPack("SYSTEM", "<repository>PACK</repository>", 1000);

        m_pane = std::make_unique<ChatPane>(s_repository.get());
        m_pane->setConversation(&m_conversation, &m_client);
        ui::ChatTargetSummary summary;
        summary.providerId = QStringLiteral("custom");
        summary.providerName = QStringLiteral("test server");
        summary.model = QStringLiteral("test-model");
        summary.configured = true;
        m_pane->setTargetSummary(summary);
        // The owner's wiring (ChatController in the app), minus the pack writing.
        QObject::connect(m_pane.get(), &ChatPane::sendRequested, &m_conversation,
                         [this](const QString &question, const QString &title) {
                             m_conversation.ask(question, title);
                         });
        QObject::connect(m_pane.get(), &ChatPane::stopRequested, &m_conversation,
                         &llm::Conversation::stop);
        QObject::connect(m_pane.get(), &ChatPane::continueRequested, &m_conversation,
                         &llm::Conversation::continueLast);
    }
    void TearDown() override {
        m_pane->setConversation(nullptr);
        m_pane.reset();
        setUserSettingsPath(
            QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation));
    }

    QPlainTextEdit *composer() const {
        return m_pane->findChild<QPlainTextEdit *>(QStringLiteral("chatComposer"));
    }
    QString indicatorText() const {
        return m_pane->findChild<QLabel *>(QStringLiteral("chatPhaseText"))->text();
    }
    void send(const QString &question) {
        composer()->setPlainText(question);
        m_pane->findChild<QPushButton *>(QStringLiteral("chatSendButton"))->click();
    }
    bool waitUntilIdle() {
        return processEventsUntil([this] { return !m_conversation.isBusy(); });
    }

    static inline std::unique_ptr<KSyntaxHighlighting::Repository> s_repository;
    QTemporaryDir m_settingsDir;
    QThreadPool m_pool;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    llm::ChatClient m_client{&m_network, &m_pool};
    llm::Conversation m_conversation{&m_client};
    std::unique_ptr<ChatPane> m_pane;
};

} // namespace

TEST_F(ChatPaneEndToEndTest, StreamsAHighlightedAnswerAndEndsWithItsFigures) {
    const QStringList deltas = {QStringLiteral("The bug is in "),
                                QStringLiteral("`parse()`:\n\n``"),
                                QStringLiteral("`cpp\nint parse(const char *s) {\n"),
                                QStringLiteral("    return -1; "),
                                QStringLiteral("// wrong\n}\n``"),
                                QStringLiteral("`\n\nFix the return value.")};
    m_server.enqueue(
        ScriptedResponse::sse(sse::completion(deltas, QPair<qint64, qint64>{1200, 30})));
    QStringList seen; // what the indicator said after each update
    QObject::connect(&m_conversation, &llm::Conversation::turnUpdated, m_pane.get(),
                     [&] { seen << indicatorText().section(u':', 0, 0); });
    send(QStringLiteral("Where is the bug?"));
    EXPECT_TRUE(composer()->toPlainText().isEmpty()); // the turn started: cleared
    ASSERT_TRUE(waitUntilIdle());

    ASSERT_EQ(m_conversation.turns().size(), 1);
    EXPECT_EQ(m_conversation.turns()[0].phase, llm::ChatPhase::Done);
    EXPECT_TRUE(seen.contains(QStringLiteral("Streaming"))) << seen.join(u'|').toStdString();
    EXPECT_EQ(seen.last(), QStringLiteral("Done"));
    EXPECT_TRUE(indicatorText().contains(QStringLiteral("1,200 prompt · 30 completion")))
        << indicatorText().toStdString();

    const QString text = m_pane->transcript()->renderedTurnText(0);
    EXPECT_TRUE(text.contains(QStringLiteral("Where is the bug?")));
    EXPECT_TRUE(text.contains(QStringLiteral("The bug is in parse():")));
    EXPECT_TRUE(text.contains(QStringLiteral("    return -1; // wrong")));
    EXPECT_TRUE(text.contains(QStringLiteral("Fix the return value.")));
    EXPECT_FALSE(text.contains(QStringLiteral("```")));
    EXPECT_TRUE(text.contains(QStringLiteral("test-model · first token")));
    EXPECT_TRUE(text.contains(QStringLiteral("$0.00126"))) << text.toStdString();
    bool highlighted = false;
    for (QTextBlock block = m_pane->transcript()->document()->begin(); block.isValid();
         block = block.next()) {
        if (block.text() != QStringLiteral("    return -1; // wrong"))
            continue;
        QSet<QRgb> colours;
        for (auto it = block.begin(); !it.atEnd(); ++it)
            colours.insert(it.fragment().charFormat().foreground().color().rgba());
        highlighted = colours.size() >= 2;
    }
    EXPECT_TRUE(highlighted);
    EXPECT_EQ(m_pane->findChild<QLabel *>(QStringLiteral("chatCostLabel"))->text(),
              QStringLiteral("Conversation: $0.00126"));
}

TEST_F(ChatPaneEndToEndTest, EscStopsARequestWaitingForItsFirstToken) {
    m_server.enqueue(ScriptedResponse::silent());
    send(QStringLiteral("Summarise the repository"));
    ASSERT_TRUE(processEventsUntil([this] {
        return indicatorText().startsWith(QStringLiteral("Waiting for the first token"));
    }));
    QTest::keyClick(composer(), Qt::Key_Escape);
    ASSERT_TRUE(waitUntilIdle());
    EXPECT_EQ(m_conversation.turns()[0].phase, llm::ChatPhase::Cancelled);
    EXPECT_EQ(indicatorText(), QStringLiteral("Stopped before any answer arrived."));
    EXPECT_TRUE(m_pane->transcript()->renderedTurnText(0).contains(
        QStringLiteral("Incomplete: stopped before any answer arrived.")));
    // Nothing arrived, so the question is back in the composer.
    EXPECT_EQ(composer()->toPlainText(), QStringLiteral("Summarise the repository"));
}

TEST_F(ChatPaneEndToEndTest, RateLimitCountsDownThenTheAnswerArrives) {
    m_server.enqueue(ScriptedResponse::json(
                         429, QByteArrayLiteral("{\"error\":{\"message\":\"Rate limit reached\"}}"))
                         .header("Retry-After", "1"));
    m_server.enqueue(ScriptedResponse::sse(sse::completion({QStringLiteral("Fine.")})));
    send(QStringLiteral("Q"));
    ASSERT_TRUE(processEventsUntil([this] {
        return indicatorText().startsWith(QStringLiteral("Rate limited; retrying in "));
    }));
    EXPECT_TRUE(indicatorText().contains(QStringLiteral("(attempt 2 of ")))
        << indicatorText().toStdString();
    ASSERT_TRUE(waitUntilIdle());
    EXPECT_TRUE(indicatorText().startsWith(QStringLiteral("Done")));
    EXPECT_TRUE(m_pane->transcript()->renderedTurnText(0).contains(QStringLiteral("Fine.")));
}

TEST_F(ChatPaneEndToEndTest, ContextOverflowOffersFitToBudget) {
    m_server.enqueue(ScriptedResponse::json(
        400, QByteArrayLiteral("{\"error\":{\"message\":\"This model's maximum context length is "
                               "131072 tokens. However, you requested 140000 tokens.\","
                               "\"type\":\"BadRequestError\"}}")));
    QSignalSpy fit(m_pane.get(), &ChatPane::fitToBudgetRequested);
    send(QStringLiteral("Q"));
    ASSERT_TRUE(waitUntilIdle());
    ASSERT_EQ(m_conversation.turns()[0].phase, llm::ChatPhase::Failed);
    // The classified error, not a generic failure: the details come after the phase.
    EXPECT_TRUE(
        indicatorText().startsWith(QStringLiteral("Failed: The request is 8,928 tokens over")))
        << indicatorText().toStdString();
    bool link = false;
    for (QTextBlock block = m_pane->transcript()->document()->begin(); block.isValid();
         block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            link = link || it.fragment().charFormat().anchorHref() ==
                               QStringLiteral("reposcope:fit-to-budget");
        }
    }
    EXPECT_TRUE(link);
    auto *button = m_pane->findChild<QPushButton *>(QStringLiteral("chatFitToBudgetButton"));
    ASSERT_FALSE(button->isHidden());
    button->click();
    EXPECT_EQ(fit.size(), 1);
}
