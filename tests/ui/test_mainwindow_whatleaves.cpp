// SPDX-License-Identifier: MIT
// "What leaves the machine" in the window, end to end against a real loopback server: Chat ▸
// What Leaves the Machine… and the confirmation strip's button open it; what it shows is
// byte for byte what the server then receives; a loopback server warns and sends secrets
// unless the provider's "Redact secrets before sending" is on; a remote provider redacts.
#include "mainwindow.h"

#include "chat/chatpane.h"
#include "eventloop.h"
#include "llm/catalog/redactiondefault.h"
#include "privacy/outgoingview.h"
#include "scratchrepo.h"
#include "scriptedserver.h"
#include "secretsamples.h"
#include "security/secrets/allowlist.h"
#include "uitestsupport.h"
#include "viewer/codeviewer.h"
#include "widgets/confirmstrip.h"
#include "widgets/phaseindicator.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QAction>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

using namespace reposcope;
using namespace reposcope::test;

namespace {

class WhatLeavesWindowTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_server.isListening());
        secrets::SampleGenerator generator(33);
        for (const secrets::Sample &s : generator.onePerRule())
            if (s.ruleId == QLatin1String("github-pat")) {
                m_secret = s.secret;
                break;
            }
        ASSERT_FALSE(m_secret.isEmpty());
        m_repo.initGit();
        m_repo.write(QStringLiteral("deploy/ci.sh"),
                     "#!/bin/sh\nGITHUB_TOKEN=" + m_secret + "\ncurl -sf api/ci\necho done\n");
        m_repo.commitAll();
    }
    void TearDown() override {
        m_window.reset();
        ServicesTest::TearDown();
    }

    // `kind` "self-hosted": a loopback llama-server; "cloud": a cloud provider (its requests
    // leave the machine, so the confirmation strip asks first) served by the same server.
    void startWindow(const QString &kind) {
        m_provider = loopbackProvider(m_server.baseUrl());
        m_provider.kind = kind;
        useProvider(m_catalog, m_provider);
        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        services.network = &m_network;
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        m_pane = m_window->findChild<ui::ChatPane *>();
        m_composer = m_window->findChild<QPlainTextEdit *>(QStringLiteral("chatComposer"));
        m_send = m_window->findChild<QPushButton *>(QStringLiteral("chatSendButton"));
        ASSERT_TRUE(m_pane && m_composer && m_send);
        ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));
    }

    // Opens the view from the Chat menu and waits until it shows the request.
    ui::OutgoingView *openFromMenu() {
        auto *action = m_window->findChild<QAction *>(QStringLiteral("whatLeavesAction"));
        EXPECT_NE(action, nullptr);
        if (!action)
            return nullptr;
        EXPECT_EQ(action->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+L")));
        action->trigger();
        return waitForView();
    }
    ui::OutgoingView *waitForView() {
        auto *view = m_window->findChild<ui::OutgoingView *>();
        EXPECT_NE(view, nullptr);
        if (!view)
            return nullptr;
        EXPECT_TRUE(view->isVisible());
        EXPECT_TRUE(processEventsUntil([&] { return !view->isPreparing(); }));
        EXPECT_TRUE(processEventsUntil([&] { return view->viewer()->isLoaded(); }));
        return view;
    }
    // The parts after the system prompt, joined: what the user messages carry.
    static QByteArray userBytes(const ui::OutgoingView &view) {
        QByteArray bytes;
        for (const workspace::OutgoingPart &part : view.request().parts)
            if (part.kind != workspace::OutgoingPart::Kind::System &&
                part.kind != workspace::OutgoingPart::Kind::Answer)
                bytes += part.text;
        return bytes;
    }
    QString sentUserText() const {
        const QJsonArray messages = QJsonDocument::fromJson(m_server.requests().last().body)
                                        .object()
                                        .value(QStringLiteral("messages"))
                                        .toArray();
        QString text;
        for (const QJsonValue &m : messages) {
            if (m.toObject().value(QStringLiteral("role")).toString() != QLatin1String("user"))
                continue;
            const QJsonValue content = m.toObject().value(QStringLiteral("content"));
            if (content.isString())
                text += content.toString();
            for (const QJsonValue &part : content.toArray())
                text += part.toObject().value(QStringLiteral("text")).toString();
        }
        return text;
    }
    void enqueueAnswer(const QString &answer) {
        m_server.enqueue(
            ScriptedResponse::sse({sse::roleChunk(), sse::contentChunk(answer), sse::finishChunk(),
                                   sse::usageChunk(300, 5), sse::done()}));
    }
    // Secrets that no confirmation covered make the strip ask once, also for a loopback
    // server (as a warning): confirm it like a user would.
    void confirmSecretsWarning() {
        ui::ConfirmStrip *strip = m_pane->confirmStrip();
        ASSERT_TRUE(processEventsUntil([&] { return strip->isVisible(); }));
        EXPECT_TRUE(strip->text().contains(QStringLiteral("secret")))
            << strip->text().toStdString();
        strip->sendButton()->click();
    }
    void waitForAnswer(int requests, const QString &answer) {
        ASSERT_TRUE(processEventsUntil([&] {
            return m_server.requestCount() == requests && !m_pane->isBusy() &&
                   m_pane->lastAnswerMarkdown() == answer;
        }));
    }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    ScriptedServer m_server;
    ScratchRepo m_repo;
    QByteArray m_secret;
    llm::ProviderEntry m_provider;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::ChatPane *m_pane = nullptr;
    QPlainTextEdit *m_composer = nullptr;
    QPushButton *m_send = nullptr;
};

} // namespace

TEST_F(WhatLeavesWindowTest, ALoopbackServerWarnsAndTheViewShowsWhatIsSent) {
    ASSERT_NO_FATAL_FAILURE(startWindow(QStringLiteral("self-hosted")));
    m_composer->setPlainText(QStringLiteral("Where is the token used?"));
    ui::OutgoingView *view = openFromMenu();
    ASSERT_NE(view, nullptr);
    EXPECT_TRUE(view->viewer()->shownText().contains(QString::fromLatin1(m_secret)));
    EXPECT_EQ(view->layout().secrets, 1);
    EXPECT_TRUE(view->summaryText().contains(QStringLiteral("Redaction is off")))
        << view->summaryText().toStdString();
    const QByteArray shown = userBytes(*view);
    EXPECT_TRUE(shown.endsWith("\n\nWhere is the token used?"));

    enqueueAnswer(QStringLiteral("In CI."));
    ASSERT_TRUE(processEventsUntil([&] { return m_send->isEnabled(); }))
        << m_pane->phaseIndicator()->text().toStdString();
    m_send->click();
    ASSERT_NO_FATAL_FAILURE(confirmSecretsWarning());
    ASSERT_NO_FATAL_FAILURE(waitForAnswer(1, QStringLiteral("In CI.")));
    // Warned, not redacted: and exactly the bytes the view showed.
    EXPECT_EQ(sentUserText().toStdString(), shown.toStdString());
}

TEST_F(WhatLeavesWindowTest, RedactionTurnedOnForALoopbackServerRedactsViewAndRequest) {
    ASSERT_NO_FATAL_FAILURE(startWindow(QStringLiteral("self-hosted")));
    llm::storeRedaction(m_provider.id, true, false); // as Settings ▸ Providers saves it
    m_composer->setPlainText(QStringLiteral("Where is the token used?"));
    ui::OutgoingView *view = openFromMenu();
    ASSERT_NE(view, nullptr);
    const QString text = view->viewer()->shownText();
    EXPECT_FALSE(text.contains(QString::fromLatin1(m_secret)));
    EXPECT_TRUE(
        text.contains(QStringLiteral("GITHUB_TOKEN=«redacted:github-pat»\ncurl -sf api/ci")));
    const QByteArray shown = userBytes(*view);

    enqueueAnswer(QStringLiteral("In CI."));
    ASSERT_TRUE(processEventsUntil([&] { return m_send->isEnabled(); }));
    m_send->click();
    ASSERT_NO_FATAL_FAILURE(confirmSecretsWarning());
    ASSERT_NO_FATAL_FAILURE(waitForAnswer(1, QStringLiteral("In CI.")));
    EXPECT_EQ(sentUserText().toStdString(), shown.toStdString());
    EXPECT_FALSE(m_server.requests().last().body.contains(m_secret));

    // A follow-up: the frozen pack, the first turn and the new question, as sent next.
    m_composer->setPlainText(QStringLiteral("And in tests?"));
    view = openFromMenu();
    ASSERT_NE(view, nullptr);
    QStringList labels;
    for (const workspace::OutgoingPart &part : view->request().parts)
        labels << part.label;
    EXPECT_EQ(labels,
              (QStringList{QStringLiteral("System prompt"), QStringLiteral("Repository pack"),
                           QStringLiteral("Question 1 (sent before)"), QStringLiteral("Answer 1"),
                           QStringLiteral("Your question (not sent yet)")}));
    const QByteArray followUp = userBytes(*view);
    enqueueAnswer(QStringLiteral("Nowhere."));
    m_send->click();
    ASSERT_NO_FATAL_FAILURE(waitForAnswer(2, QStringLiteral("Nowhere.")));
    EXPECT_EQ(sentUserText().toStdString(), followUp.toStdString());
}

TEST_F(WhatLeavesWindowTest, TheConfirmationStripOpensTheViewOfARemoteRequest) {
    ASSERT_NO_FATAL_FAILURE(startWindow(QStringLiteral("cloud")));
    m_composer->setPlainText(QStringLiteral("Audit it."));
    ASSERT_TRUE(processEventsUntil([&] { return m_send->isEnabled(); }));
    m_send->click();
    auto *strip = m_window->findChild<ui::ConfirmStrip *>(QStringLiteral("chatConfirmStrip"));
    ASSERT_NE(strip, nullptr);
    ASSERT_TRUE(processEventsUntil([&] { return strip->isVisible(); }));
    EXPECT_EQ(m_server.requestCount(), 0);
    QPushButton *whatLeaves = strip->whatLeavesButton();
    ASSERT_TRUE(whatLeaves->isVisible());
    whatLeaves->click();
    ui::OutgoingView *view = waitForView();
    ASSERT_NE(view, nullptr);
    EXPECT_TRUE(strip->isVisible()); // still asking
    EXPECT_FALSE(view->viewer()->shownText().contains(QString::fromLatin1(m_secret)));
    EXPECT_TRUE(view->viewer()->shownText().contains(QStringLiteral("«redacted:github-pat»")));
    EXPECT_TRUE(view->summaryText().contains(QStringLiteral("1 secret redacted")))
        << view->summaryText().toStdString();
    const QByteArray shown = userBytes(*view);

    enqueueAnswer(QStringLiteral("Done."));
    strip->sendButton()->click();
    ASSERT_NO_FATAL_FAILURE(waitForAnswer(1, QStringLiteral("Done.")));
    EXPECT_EQ(sentUserText().toStdString(), shown.toStdString());
    EXPECT_FALSE(m_server.requests().last().body.contains(m_secret));
}

TEST_F(WhatLeavesWindowTest, ABrokenAllowListIsNamedInTheView) {
    m_repo.write(QStringLiteral(".reposcope/secrets-allow.json"), "{\"version\": 1, \"rules\": ");
    ASSERT_NO_FATAL_FAILURE(startWindow(QStringLiteral("cloud")));
    m_composer->setPlainText(QStringLiteral("Audit it."));
    ui::OutgoingView *view = openFromMenu();
    ASSERT_NE(view, nullptr);
    EXPECT_TRUE(view->statusText().contains(QStringLiteral("secrets-allow.json")))
        << view->statusText().toStdString();
    EXPECT_TRUE(view->statusText().contains(QStringLiteral("ignored")));
    // The rest of the guard works: the secret is still redacted.
    EXPECT_TRUE(view->viewer()->shownText().contains(QStringLiteral("«redacted:github-pat»")));
}

TEST_F(WhatLeavesWindowTest, AnAllowedRuleIsShownAsSentAndSent) {
    ASSERT_NO_FATAL_FAILURE(startWindow(QStringLiteral("cloud")));
    m_composer->setPlainText(QStringLiteral("Audit it."));
    ui::OutgoingView *view = openFromMenu();
    ASSERT_NE(view, nullptr);
    ASSERT_TRUE(view->viewer()->shownText().contains(QStringLiteral("«redacted:github-pat»")));

    // The user allows the rule for this repository (as the review list does): the view reads
    // the allow list again when it is opened, and the request follows it.
    security::secrets::AllowList allow;
    allow.allowRule(QStringLiteral("github-pat"));
    ASSERT_TRUE(allow.save(security::secrets::AllowList::userFileFor(m_repo.path())));
    view = openFromMenu();
    ASSERT_NE(view, nullptr);
    EXPECT_TRUE(view->viewer()->shownText().contains(QString::fromLatin1(m_secret)));
    EXPECT_EQ(view->request().secrets.allowed.size(), 1);
    EXPECT_TRUE(view->summaryText().contains(QStringLiteral("1 secret sent as it is")))
        << view->summaryText().toStdString();
    const QByteArray shown = userBytes(*view);

    enqueueAnswer(QStringLiteral("Done."));
    m_send->click();
    auto *strip = m_window->findChild<ui::ConfirmStrip *>(QStringLiteral("chatConfirmStrip"));
    ASSERT_TRUE(processEventsUntil([&] { return strip->isVisible(); }));
    strip->sendButton()->click();
    ASSERT_NO_FATAL_FAILURE(waitForAnswer(1, QStringLiteral("Done.")));
    EXPECT_EQ(sentUserText().toStdString(), shown.toStdString());
}
