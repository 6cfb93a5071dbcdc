// SPDX-License-Identifier: MIT
#include "chat/chatpane.h"
#include "transcript/transcriptview.h"

#include "llm/client/chatclient.h"
#include "llm/conversation.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <gtest/gtest.h>

using reposcope::llm::ChatError;
using reposcope::llm::ChatPhase;
using reposcope::llm::Turn;
using reposcope::ui::ChatPane;
using reposcope::ui::ChatTargetSummary;
using reposcope::ui::ChatTaskTemplate;

namespace {

void setUserSettingsPath(const QString &path) {
    for (QSettings::Format format : {QSettings::NativeFormat, QSettings::IniFormat})
        QSettings::setPath(format, QSettings::UserScope, path);
}

ChatTargetSummary localTarget() {
    ChatTargetSummary target;
    target.providerId = QStringLiteral("local");
    target.providerName = QStringLiteral("Local engine");
    target.model = QStringLiteral("scout-q4");
    target.configured = true;
    target.remote = false;
    target.files = 12;
    target.promptTokens = 50'000;
    return target;
}

ChatTargetSummary remoteTarget(const QString &id, const QString &name) {
    ChatTargetSummary target = localTarget();
    target.providerId = id;
    target.providerName = name;
    target.model = QStringLiteral("meta-llama/llama-4-scout");
    target.remote = true;
    target.files = 340;
    target.promptTokens = 1'020'000;
    target.estimatedCost = 0.11;
    return target;
}

// The pane with a turn list the test plays the conversation on, and settings of its own.
class ChatPaneTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_settingsDir.isValid());
        setUserSettingsPath(m_settingsDir.path());
        m_pane = std::make_unique<ChatPane>();
        m_pane->setTurns(&m_turns);
    }
    void TearDown() override {
        m_pane.reset();
        setUserSettingsPath(
            QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation));
    }

    template <typename T> T *child(const char *name) const {
        T *found = m_pane->findChild<T *>(QLatin1String(name));
        EXPECT_NE(found, nullptr) << name;
        return found;
    }
    QPlainTextEdit *composer() const { return child<QPlainTextEdit>("chatComposer"); }
    QPushButton *button(const char *name) const { return child<QPushButton>(name); }

    // Plays Conversation::ask: a new turn that starts at once.
    void startTurn(const QString &question, ChatPhase phase = ChatPhase::Preparing) {
        Turn turn;
        turn.question = question;
        turn.phase = phase;
        m_turns << turn;
        m_pane->onTurnStarted(int(m_turns.size()) - 1);
    }
    void setPhase(ChatPhase phase) {
        m_turns.last().phase = phase;
        m_pane->onTurnUpdated(int(m_turns.size()) - 1);
    }
    void finish(ChatPhase outcome, const QString &answer) {
        m_turns.last().phase = outcome;
        m_turns.last().answer = answer;
        m_pane->onTurnUpdated(int(m_turns.size()) - 1);
        m_pane->onTurnFinished(int(m_turns.size()) - 1);
    }

    QTemporaryDir m_settingsDir;
    QList<Turn> m_turns;
    std::unique_ptr<ChatPane> m_pane;
};

} // namespace

TEST_F(ChatPaneTest, SendIsDisabledWithAHintUntilATargetIsConfigured) {
    composer()->setPlainText(QStringLiteral("Where is the bug?"));
    QPushButton *send = button("chatSendButton");
    EXPECT_FALSE(send->isEnabled());
    EXPECT_TRUE(send->toolTip().contains(QStringLiteral("provider")));
    EXPECT_TRUE(composer()->isEnabled()); // typing is always possible
    ChatTargetSummary target = localTarget();
    target.configured = false;
    target.setupHint = QStringLiteral("Enter the Groq API key in Settings ▸ Providers.");
    m_pane->setTargetSummary(target);
    EXPECT_EQ(send->toolTip(), target.setupHint);
    QSignalSpy sends(m_pane.get(), &ChatPane::sendRequested);
    QTest::keyClick(composer(), Qt::Key_Return, Qt::ControlModifier);
    EXPECT_EQ(sends.size(), 0);
    m_pane->setTargetSummary(localTarget());
    EXPECT_TRUE(send->isEnabled());
}

TEST_F(ChatPaneTest, CtrlEnterSendsAndEnterInsertsANewline) {
    m_pane->setTargetSummary(localTarget());
    QSignalSpy sends(m_pane.get(), &ChatPane::sendRequested);
    composer()->setFocus();
    QTest::keyClicks(composer(), QStringLiteral("line one"));
    QTest::keyClick(composer(), Qt::Key_Return);
    QTest::keyClicks(composer(), QStringLiteral("line two"));
    EXPECT_EQ(sends.size(), 0);
    EXPECT_EQ(composer()->toPlainText(), QStringLiteral("line one\nline two"));
    QTest::keyClick(composer(), Qt::Key_Return, Qt::ControlModifier);
    ASSERT_EQ(sends.size(), 1);
    EXPECT_EQ(sends.at(0).at(0).toString(), QStringLiteral("line one\nline two"));
    EXPECT_EQ(sends.at(0).at(1).toString(), QString());
}

TEST_F(ChatPaneTest, RefusedSendKeepsTheComposerText) {
    m_pane->setTargetSummary(localTarget());
    QObject::connect(m_pane.get(), &ChatPane::sendRequested, m_pane.get(),
                     [this] { m_pane->rejectSend(QStringLiteral("nothing is selected.")); });
    composer()->setPlainText(QStringLiteral("A long question I typed carefully"));
    button("chatSendButton")->click();
    EXPECT_EQ(composer()->toPlainText(), QStringLiteral("A long question I typed carefully"));
    EXPECT_FALSE(composer()->isReadOnly());
    EXPECT_FALSE(m_pane->isBusy());
    EXPECT_FALSE(button("chatSendButton")->isHidden());
    EXPECT_EQ(m_pane->phaseIndicator()->text(), QStringLiteral("Not sent: nothing is selected."));
    EXPECT_TRUE(m_turns.isEmpty());
}

TEST_F(ChatPaneTest, ComposerIsClearedOnlyWhenTheTurnStarts) {
    m_pane->setTargetSummary(localTarget());
    QSignalSpy sends(m_pane.get(), &ChatPane::sendRequested);
    composer()->setPlainText(QStringLiteral("Explain main()"));
    button("chatSendButton")->click();
    ASSERT_EQ(sends.size(), 1);
    // The pack is being written: the text stays, read-only, and Stop replaces Send.
    EXPECT_EQ(composer()->toPlainText(), QStringLiteral("Explain main()"));
    EXPECT_TRUE(composer()->isReadOnly());
    EXPECT_TRUE(m_pane->isBusy());
    EXPECT_TRUE(button("chatSendButton")->isHidden());
    EXPECT_FALSE(button("chatStopButton")->isHidden());
    EXPECT_TRUE(
        m_pane->phaseIndicator()->text().startsWith(QStringLiteral("Building the request")));

    startTurn(QStringLiteral("Explain main()"));
    EXPECT_TRUE(composer()->toPlainText().isEmpty());
    EXPECT_FALSE(composer()->isReadOnly());
    EXPECT_TRUE(m_pane->isBusy());
    finish(ChatPhase::Done, QStringLiteral("It starts the app."));
    EXPECT_FALSE(m_pane->isBusy());
    EXPECT_FALSE(button("chatSendButton")->isHidden());
    EXPECT_TRUE(button("chatStopButton")->isHidden());
}

TEST_F(ChatPaneTest, QuestionComesBackWhenTheRequestFailsBeforeAnyAnswer) {
    m_pane->setTargetSummary(localTarget());
    composer()->setPlainText(QStringLiteral("Audit the parser"));
    button("chatSendButton")->click();
    startTurn(QStringLiteral("Audit the parser"));
    EXPECT_TRUE(composer()->toPlainText().isEmpty());
    m_turns.last().error = ChatError{};
    m_turns.last().error->message = QStringLiteral("Nothing listens at 127.0.0.1:8080.");
    finish(ChatPhase::Failed, QString());
    EXPECT_EQ(composer()->toPlainText(), QStringLiteral("Audit the parser"));
    EXPECT_EQ(m_pane->phaseIndicator()->text(),
              QStringLiteral("Failed: Nothing listens at 127.0.0.1:8080."));
}

TEST_F(ChatPaneTest, QuestionComesBackWhenStoppedBeforeAnyAnswerButNotAfter) {
    m_pane->setTargetSummary(localTarget());
    composer()->setPlainText(QStringLiteral("First"));
    button("chatSendButton")->click();
    startTurn(QStringLiteral("First"), ChatPhase::Waiting);
    finish(ChatPhase::Cancelled, QString());
    EXPECT_EQ(composer()->toPlainText(), QStringLiteral("First"));

    button("chatSendButton")->click();
    startTurn(QStringLiteral("First"), ChatPhase::Streaming);
    finish(ChatPhase::Cancelled, QStringLiteral("Half an answer"));
    EXPECT_TRUE(composer()->toPlainText().isEmpty()); // the answer is there to continue
}

TEST_F(ChatPaneTest, StopBeforeTheTurnStartsKeepsTheQuestion) {
    m_pane->setTargetSummary(localTarget());
    QSignalSpy stops(m_pane.get(), &ChatPane::stopRequested);
    composer()->setPlainText(QStringLiteral("Q"));
    button("chatSendButton")->click();
    button("chatStopButton")->click();
    EXPECT_EQ(stops.size(), 1);
    EXPECT_FALSE(m_pane->isBusy());
    EXPECT_EQ(composer()->toPlainText(), QStringLiteral("Q"));
    EXPECT_FALSE(composer()->isReadOnly());
}

TEST_F(ChatPaneTest, EscStopsInEveryRunningPhase) {
    m_pane->setTargetSummary(localTarget());
    QSignalSpy stops(m_pane.get(), &ChatPane::stopRequested);
    // Idle: Esc is left to the window (Cancel Counting).
    QTest::keyClick(composer(), Qt::Key_Escape);
    EXPECT_EQ(stops.size(), 0);
    // Pending (pack being written).
    composer()->setPlainText(QStringLiteral("Q"));
    button("chatSendButton")->click();
    QTest::keyClick(composer(), Qt::Key_Escape);
    EXPECT_EQ(stops.size(), 1);
    startTurn(QStringLiteral("Q"));
    int expected = 1;
    for (ChatPhase phase : {ChatPhase::Preparing, ChatPhase::Uploading, ChatPhase::Waiting,
                            ChatPhase::Streaming, ChatPhase::Retrying}) {
        setPhase(phase);
        QTest::keyClick(m_pane->transcript(), Qt::Key_Escape);
        EXPECT_EQ(stops.size(), ++expected) << int(phase);
    }
    finish(ChatPhase::Cancelled, QStringLiteral("part"));
    QTest::keyClick(composer(), Qt::Key_Escape);
    EXPECT_EQ(stops.size(), expected);
}

TEST_F(ChatPaneTest, EscIsOnlyClaimedWhileSomethingRuns) {
    m_pane->setTargetSummary(localTarget());
    QKeyEvent idle(QEvent::ShortcutOverride, Qt::Key_Escape, Qt::NoModifier);
    idle.ignore();
    QApplication::sendEvent(composer(), &idle);
    EXPECT_FALSE(idle.isAccepted()); // the window's Esc (Cancel Counting) still works
    startTurn(QStringLiteral("Q"), ChatPhase::Waiting);
    QKeyEvent busy(QEvent::ShortcutOverride, Qt::Key_Escape, Qt::NoModifier);
    busy.ignore();
    QApplication::sendEvent(composer(), &busy);
    EXPECT_TRUE(busy.isAccepted());
}

TEST_F(ChatPaneTest, ConfirmationIsShownOncePerRemoteProvider) {
    m_pane->setTargetSummary(remoteTarget(QStringLiteral("groq"), QStringLiteral("Groq")));
    QSignalSpy sends(m_pane.get(), &ChatPane::sendRequested);
    auto *strip = child<reposcope::ui::ConfirmStrip>("chatConfirmStrip");
    composer()->setPlainText(QStringLiteral("First"));
    button("chatSendButton")->click();
    EXPECT_EQ(sends.size(), 0);
    ASSERT_FALSE(strip->isHidden());
    const QString text = strip->text();
    EXPECT_TRUE(text.contains(QStringLiteral("Groq")));
    EXPECT_TRUE(text.contains(QStringLiteral("meta-llama/llama-4-scout")));
    EXPECT_TRUE(text.contains(QStringLiteral("340 files")));
    EXPECT_TRUE(text.contains(QStringLiteral("1,020,000 tokens")));
    EXPECT_TRUE(text.contains(QStringLiteral("$0.11")));
    EXPECT_FALSE(button("chatSendButton")->isEnabled()); // answer the strip first
    strip->sendButton()->click();
    ASSERT_EQ(sends.size(), 1);
    EXPECT_TRUE(strip->isHidden());
    startTurn(QStringLiteral("First"));
    finish(ChatPhase::Done, QStringLiteral("A"));

    composer()->setPlainText(QStringLiteral("Second"));
    button("chatSendButton")->click();
    EXPECT_EQ(sends.size(), 2); // same provider: no second question
    EXPECT_TRUE(strip->isHidden());
    startTurn(QStringLiteral("Second"));
    finish(ChatPhase::Done, QStringLiteral("B"));

    m_pane->setTargetSummary(
        remoteTarget(QStringLiteral("openrouter"), QStringLiteral("OpenRouter")));
    composer()->setPlainText(QStringLiteral("Third"));
    button("chatSendButton")->click();
    EXPECT_EQ(sends.size(), 2);
    ASSERT_FALSE(strip->isHidden());
    EXPECT_TRUE(strip->text().contains(QStringLiteral("OpenRouter")));
    QTest::keyClick(composer(), Qt::Key_Escape); // Esc answers Cancel
    EXPECT_TRUE(strip->isHidden());
    EXPECT_EQ(sends.size(), 2);
    EXPECT_EQ(composer()->toPlainText(), QStringLiteral("Third"));
    // Not remembered: asked again next time.
    button("chatSendButton")->click();
    EXPECT_FALSE(strip->isHidden());
    EXPECT_TRUE(
        QSettings().value(QStringLiteral("chat/sendWithoutConfirmation")).toStringList().isEmpty());
}

TEST_F(ChatPaneTest, DontAskAgainIsPersistedPerProvider) {
    m_pane->setTargetSummary(remoteTarget(QStringLiteral("groq"), QStringLiteral("Groq")));
    auto *strip = child<reposcope::ui::ConfirmStrip>("chatConfirmStrip");
    composer()->setPlainText(QStringLiteral("First"));
    button("chatSendButton")->click();
    ASSERT_FALSE(strip->isHidden());
    strip->findChild<QCheckBox *>(QStringLiteral("chatConfirmDontAsk"))->setChecked(true);
    strip->sendButton()->click();
    EXPECT_EQ(QSettings().value(QStringLiteral("chat/sendWithoutConfirmation")).toStringList(),
              QStringList{QStringLiteral("groq")});

    // A new session (a new pane) does not ask for Groq, but does for another provider.
    ChatPane next;
    QList<Turn> turns;
    next.setTurns(&turns);
    next.setTargetSummary(remoteTarget(QStringLiteral("groq"), QStringLiteral("Groq")));
    QSignalSpy sends(&next, &ChatPane::sendRequested);
    next.setComposerText(QStringLiteral("Again"));
    next.findChild<QPushButton *>(QStringLiteral("chatSendButton"))->click();
    EXPECT_EQ(sends.size(), 1);
    EXPECT_TRUE(next.confirmStrip()->isHidden());
    next.rejectSend(QStringLiteral("test"));
    next.setTargetSummary(remoteTarget(QStringLiteral("fireworks"), QStringLiteral("Fireworks")));
    next.findChild<QPushButton *>(QStringLiteral("chatSendButton"))->click();
    EXPECT_EQ(sends.size(), 1);
    EXPECT_FALSE(next.confirmStrip()->isHidden());
}

TEST_F(ChatPaneTest, LocalTargetsNeverAsk) {
    m_pane->setTargetSummary(localTarget());
    QSignalSpy sends(m_pane.get(), &ChatPane::sendRequested);
    composer()->setPlainText(QStringLiteral("Q"));
    button("chatSendButton")->click();
    EXPECT_EQ(sends.size(), 1);
    EXPECT_TRUE(m_pane->confirmStrip()->isHidden());
}

TEST_F(ChatPaneTest, TaskPickerFillsTheComposerAndNamesTheTurn) {
    m_pane->setTargetSummary(localTarget());
    m_pane->setTaskTemplates(
        {{QStringLiteral("security"), QStringLiteral("Security review"),
          QStringLiteral("Review the code for vulnerabilities.")},
         {QStringLiteral("arch"), QStringLiteral("Architecture"), QStringLiteral("Describe it.")}});
    auto *tasks = child<QComboBox>("chatTaskPicker");
    ASSERT_EQ(tasks->count(), 3);
    EXPECT_EQ(tasks->itemText(0), QStringLiteral("Free question"));
    composer()->setPlainText(QStringLiteral("my own words"));
    tasks->setCurrentIndex(1);
    Q_EMIT tasks->activated(1);
    EXPECT_EQ(composer()->toPlainText(), QStringLiteral("Review the code for vulnerabilities."));
    // Nothing typed is lost: the replacement can be undone.
    composer()->undo();
    EXPECT_EQ(composer()->toPlainText(), QStringLiteral("my own words"));
    composer()->redo();
    composer()->appendPlainText(QStringLiteral("Focus on parse()."));
    QSignalSpy sends(m_pane.get(), &ChatPane::sendRequested);
    button("chatSendButton")->click();
    ASSERT_EQ(sends.size(), 1);
    EXPECT_EQ(sends.at(0).at(0).toString(),
              QStringLiteral("Review the code for vulnerabilities.\nFocus on parse()."));
    EXPECT_EQ(sends.at(0).at(1).toString(), QStringLiteral("Security review"));
    startTurn(sends.at(0).at(0).toString());
    EXPECT_EQ(tasks->currentIndex(), 0);
}

TEST_F(ChatPaneTest, ContinueReaskCopyAndNewFollowTheLastTurn) {
    m_pane->setTargetSummary(localTarget());
    QPushButton *continueButton = button("chatContinueButton");
    QPushButton *reask = button("chatReaskButton");
    QPushButton *copy = button("chatCopyButton");
    QPushButton *newConversation = button("chatNewButton");
    EXPECT_FALSE(continueButton->isEnabled());
    EXPECT_FALSE(reask->isEnabled());
    EXPECT_FALSE(copy->isEnabled());
    EXPECT_FALSE(newConversation->isEnabled());

    startTurn(QStringLiteral("Q"), ChatPhase::Streaming);
    EXPECT_FALSE(continueButton->isEnabled());
    EXPECT_FALSE(reask->isEnabled());
    finish(ChatPhase::Failed, QStringLiteral("## Part one\n\n```cpp\nint x"));
    EXPECT_TRUE(continueButton->isEnabled());
    EXPECT_TRUE(reask->isEnabled());
    EXPECT_TRUE(copy->isEnabled());
    QSignalSpy continues(m_pane.get(), &ChatPane::continueRequested);
    QSignalSpy reasks(m_pane.get(), &ChatPane::reaskRequested);
    continueButton->click();
    reask->click();
    EXPECT_EQ(continues.size(), 1);
    EXPECT_EQ(reasks.size(), 1);

    Turn continuation;
    continuation.question = QStringLiteral("Your previous answer was cut off.");
    continuation.continuation = true;
    continuation.phase = ChatPhase::Preparing;
    m_turns << continuation;
    m_pane->onTurnStarted(1);
    finish(ChatPhase::Done, QStringLiteral(" = 1;\n```\n"));
    EXPECT_FALSE(continueButton->isEnabled());
    copy->click();
    EXPECT_EQ(QApplication::clipboard()->text(),
              QStringLiteral("## Part one\n\n```cpp\nint x = 1;\n```\n"));
    EXPECT_EQ(m_pane->lastAnswerMarkdown(), QApplication::clipboard()->text());

    // While the next question waits, Copy still gives the answer before it.
    startTurn(QStringLiteral("Next"), ChatPhase::Waiting);
    EXPECT_TRUE(copy->isEnabled());
    EXPECT_EQ(m_pane->lastAnswerMarkdown(),
              QStringLiteral("## Part one\n\n```cpp\nint x = 1;\n```\n"));

    QSignalSpy news(m_pane.get(), &ChatPane::newConversationRequested);
    QObject::connect(m_pane.get(), &ChatPane::newConversationRequested, m_pane.get(),
                     [this] { m_turns.clear(); });
    newConversation->click();
    EXPECT_EQ(news.size(), 1);
    EXPECT_TRUE(m_pane->transcript()->document()->toPlainText().trimmed().isEmpty());
    EXPECT_FALSE(newConversation->isEnabled());
    EXPECT_TRUE(m_pane->phaseIndicator()->text().startsWith(QStringLiteral("Ready")));
}

TEST_F(ChatPaneTest, ShowsTheRunningCost) {
    m_pane->setTargetSummary(localTarget());
    auto *cost = child<QLabel>("chatCostLabel");
    EXPECT_TRUE(cost->text().isEmpty());
    startTurn(QStringLiteral("Q1"));
    m_turns.last().cost = 0.25;
    finish(ChatPhase::Done, QStringLiteral("A1"));
    startTurn(QStringLiteral("Q2"));
    m_turns.last().cost = 0.5;
    finish(ChatPhase::Done, QStringLiteral("A2"));
    EXPECT_EQ(cost->text(), QStringLiteral("Conversation: $0.75"));
}

TEST_F(ChatPaneTest, ContextOverflowAsksToFitToBudget) {
    m_pane->setTargetSummary(localTarget());
    QSignalSpy fit(m_pane.get(), &ChatPane::fitToBudgetRequested);
    startTurn(QStringLiteral("Q"));
    m_turns.last().error = ChatError{};
    m_turns.last().error->kind = ChatError::Kind::ContextOverflow;
    m_turns.last().error->message = QStringLiteral("Too long by 40,000 tokens.");
    finish(ChatPhase::Failed, QString());
    auto *fitButton = child<QPushButton>("chatFitToBudgetButton");
    ASSERT_FALSE(fitButton->isHidden());
    fitButton->click();
    EXPECT_EQ(fit.size(), 1);
    Q_EMIT m_pane->transcript()->anchorClicked(QUrl(QStringLiteral("reposcope:fit-to-budget")));
    EXPECT_EQ(fit.size(), 2);
    QSignalSpy links(m_pane.get(), &ChatPane::linkActivated);
    Q_EMIT m_pane->transcript()->anchorClicked(QUrl(QStringLiteral("src/a.cpp#L3")));
    ASSERT_EQ(links.size(), 1);
    EXPECT_EQ(fit.size(), 2);
}

TEST_F(ChatPaneTest, RetryCountdownComesFromTheClient) {
    m_pane->setTargetSummary(localTarget());
    m_pane->setMaxAttempts(4);
    startTurn(QStringLiteral("Q"), ChatPhase::Waiting);
    ChatError why;
    why.kind = ChatError::Kind::RateLimited;
    m_pane->showRetry(2, 5'000, why);
    setPhase(ChatPhase::Retrying);
    EXPECT_EQ(m_pane->phaseIndicator()->text(),
              QStringLiteral("Rate limited; retrying in 5 s (attempt 2 of 4)"));
}

// The pane bound to a real Conversation: ask() starts the turn, the composer empties and the
// question shows in the transcript.
TEST_F(ChatPaneTest, SendThroughAConversationClearsTheComposerWhenTheTurnStarts) {
    QNetworkAccessManager network;
    QThreadPool pool;
    reposcope::llm::ChatClient client(&network, &pool);
    reposcope::llm::Conversation conversation(&client);
    m_pane->setConversation(&conversation, &client);
    m_pane->setTargetSummary(localTarget());
    QObject::connect(m_pane.get(), &ChatPane::sendRequested, &conversation,
                     [&conversation](const QString &question, const QString &title) {
                         conversation.ask(question, title);
                     });
    composer()->setPlainText(QStringLiteral("What does main() do?"));
    button("chatSendButton")->click();
    ASSERT_EQ(conversation.turns().size(), 1);
    EXPECT_TRUE(composer()->toPlainText().isEmpty());
    EXPECT_TRUE(
        m_pane->transcript()->renderedTurnText(0).contains(QStringLiteral("What does main() do?")));
    m_pane->setConversation(nullptr);
}
