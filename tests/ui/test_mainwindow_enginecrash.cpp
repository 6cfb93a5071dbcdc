// SPDX-License-Identifier: MIT
// The real local engine (node-llama-cpp on a tiny model) killed with SIGKILL in the middle of an
// answer: the chat names the crash instead of a closed connection, the engine restarts, and
// Retry sends the question again to the restarted engine, which answers.
#include "mainwindow.h"

#include "chat/chatpane.h"
#include "enginefixture.h"
#include "eventloop.h"
#include "llm/client/chatclient.h"
#include "llm/local/enginesupervisor.h"
#include "llm/local/localengine.h"
#include "scratchrepo.h"
#include "uitestsupport.h"
#include "widgets/phaseindicator.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <csignal>
#include <memory>

#include <sys/types.h>

using namespace reposcope;
using namespace reposcope::test;

namespace {

class MainWindowEngineCrashTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        const QString unavailable = engineUnavailableReason();
        ASSERT_TRUE(unavailable.isEmpty()) << unavailable.toStdString();
        ASSERT_TRUE(m_files.isValid());
        m_engine = std::make_unique<llm::EngineSupervisor>();
        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        services.network = &m_network;
        services.engine = m_engine.get();
        m_window = std::make_unique<ui::MainWindow>(services);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));

        writeSqlDemo(m_repo);
    }

    void TearDown() override {
        m_window.reset();
        m_engine.reset();
        ServicesTest::TearDown();
    }

    template <typename T> T *find(const QString &name) { return m_window->findChild<T *>(name); }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    QTemporaryDir m_files;
    ScratchRepo m_repo;
    std::unique_ptr<llm::EngineSupervisor> m_engine;
    std::unique_ptr<ui::MainWindow> m_window;
};

} // namespace

TEST_F(MainWindowEngineCrashTest, AKilledEngineIsNamedAndRetryWorksOnceItIsBack) {
    const QString model = writeTinyModel(m_files.path(), QStringLiteral("tiny-crash.gguf"), 8192);
    ASSERT_FALSE(model.isEmpty());
    m_window->loadLocalModel(model, 4096, 1);
    ASSERT_TRUE(processEventsUntil([&] {
        return m_engine->state() == llm::EngineState::Ready ||
               m_engine->state() == llm::EngineState::Failed;
    }));
    ASSERT_EQ(m_engine->state(), llm::EngineState::Ready) << m_engine->lastError().toStdString();

    ASSERT_NO_FATAL_FAILURE(openInWindow(*m_window, m_repo.path()));

    auto *pane = m_window->findChild<ui::ChatPane *>();
    auto *client = m_window->findChild<llm::ChatClient *>();
    auto *composer = find<QPlainTextEdit>(QStringLiteral("chatComposer"));
    auto *send = find<QPushButton>(QStringLiteral("chatSendButton"));
    ASSERT_TRUE(pane && client && composer && send);
    ui::PhaseIndicator *indicator = pane->phaseIndicator();

    // SIGKILL the host as soon as the first piece of the answer arrives: mid-request.
    const qint64 firstPid = m_engine->processId();
    ASSERT_GT(firstPid, 0);
    bool killed = false;
    QObject::connect(client, &llm::ChatClient::deltaReceived, m_window.get(), [&] {
        if (!std::exchange(killed, true)) {
            ASSERT_EQ(::kill(pid_t(firstPid), SIGKILL), 0);
        }
    });
    composer->setPlainText(QStringLiteral("Write a long story about this code."));
    ASSERT_TRUE(processEventsUntil([&] { return send->isEnabled(); }));
    send->click();
    ASSERT_TRUE(processEventsUntil([&] { return killed && !pane->isBusy(); }));
    EXPECT_EQ(indicator->phase(), llm::ChatPhase::Failed);

    // Named, whichever came first (the closed socket or the reaped process).
    ASSERT_TRUE(processEventsUntil([&] {
        return indicator->text().contains(QStringLiteral("The local engine was killed by SIGKILL"));
    })) << indicator->text().toStdString();
    const QString failure = indicator->text();
    EXPECT_FALSE(failure.contains(QStringLiteral("closed"))) << failure.toStdString();
    auto *retry = find<QPushButton>(QStringLiteral("chatPhaseRetryButton"));
    ASSERT_NE(retry, nullptr);
    if (m_engine->state() != llm::EngineState::Ready) {
        EXPECT_TRUE(failure.contains(QStringLiteral("is restarting"))) << failure.toStdString();
        EXPECT_TRUE(retry->isHidden()); // nothing to retry against yet
    }

    // Once the engine is back, the line says so and Retry is offered.
    ASSERT_TRUE(processEventsUntil([&] {
        return m_engine->state() == llm::EngineState::Ready && retry->isVisible();
    })) << m_engine->lastError().toStdString();
    EXPECT_NE(m_engine->processId(), firstPid);
    EXPECT_EQ(m_engine->restartCount(), 1);
    EXPECT_TRUE(indicator->text().contains(QStringLiteral("has restarted")))
        << indicator->text().toStdString();

    retry->click();
    ASSERT_TRUE(processEventsUntil([&] { return !pane->isBusy(); }));
    EXPECT_EQ(indicator->phase(), llm::ChatPhase::Done) << indicator->text().toStdString();
    EXPECT_FALSE(pane->lastAnswerMarkdown().isEmpty());
}
