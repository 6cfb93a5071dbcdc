// SPDX-License-Identifier: MIT
// The local engine in the main window: Model ▸ Local Models…, a missing model
// file reported with the window still usable, a model that the engine cannot
// start (no Node.js where it is told to look) selecting the local provider with
// the chosen context and the GGUF as the tokenizer, and the real engine host on
// a tiny model: ready, the chat pointed at it, and no process left once the
// window and the supervisor are gone.
#include "mainwindow.h"

#include "budget/budgetmeter.h"
#include "enginefixture.h"
#include "eventloop.h"
#include "llm/local/enginesupervisor.h"
#include "llm/local/localengine.h"
#include "local/enginestatus.h"
#include "uitestsupport.h"

#include <KSyntaxHighlighting/Repository>

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QStatusBar>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace reposcope;
using namespace reposcope::test;

namespace {

class MainWindowLocalTest : public ServicesTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(ServicesTest::SetUp());
        ASSERT_TRUE(m_files.isValid());
        m_engine = std::make_unique<llm::EngineSupervisor>();
        ui::MainWindowServices services{m_workspace.get(), &m_catalog, &m_syntax};
        services.network = &m_network;
        services.engine = m_engine.get();
        m_window = std::make_unique<ui::MainWindow>(services);
    }

    void TearDown() override {
        m_window.reset();
        m_engine.reset();
        ServicesTest::TearDown();
    }

    QString sendHint() const {
        auto *send = m_window->findChild<QPushButton *>(QStringLiteral("chatSendButton"));
        return send ? send->toolTip() : QString();
    }

    KSyntaxHighlighting::Repository m_syntax;
    QNetworkAccessManager m_network;
    QTemporaryDir m_files;
    std::unique_ptr<llm::EngineSupervisor> m_engine;
    std::unique_ptr<ui::MainWindow> m_window;
};

// Points REPOSCOPE_NODE somewhere without Node.js for its lifetime.
class NoNode {
public:
    explicit NoNode(const QString &missing)
        : m_previous(qgetenv("REPOSCOPE_NODE")) {
        qputenv("REPOSCOPE_NODE", missing.toUtf8());
    }
    ~NoNode() {
        if (m_previous.isNull())
            qunsetenv("REPOSCOPE_NODE");
        else
            qputenv("REPOSCOPE_NODE", m_previous);
    }

private:
    QByteArray m_previous;
};

TEST_F(MainWindowLocalTest, ModelMenuOpensLocalModelsWithCtrlL) {
    QAction *action = nullptr;
    for (QAction *a : m_window->menuBar()->findChildren<QAction *>())
        if (a->text() == QStringLiteral("&Local Models…"))
            action = a;
    ASSERT_NE(action, nullptr);
    EXPECT_EQ(action->shortcut(), QKeySequence(QStringLiteral("Ctrl+L")));
    ASSERT_NE(m_window->engineStatus(), nullptr);
    EXPECT_TRUE(m_window->engineStatus()->isHidden()); // not used yet
}

TEST_F(MainWindowLocalTest, LocalProviderWithoutAModelSaysHowToPickOne) {
    m_window->budgetMeter()->selectModel(llm::localProviderId(), QStringLiteral("gguf"));
    EXPECT_EQ(m_window->budgetMeter()->currentProviderId(), llm::localProviderId());
    EXPECT_TRUE(sendHint().contains(QStringLiteral("Model ▸ Local Models… (Ctrl+L)")))
        << sendHint().toStdString();
}

TEST_F(MainWindowLocalTest, MissingModelFileIsReportedAndNothingStarts) {
    ModalCloser closer;
    m_window->loadLocalModel(m_files.filePath(QStringLiteral("nowhere.gguf")));
    ASSERT_TRUE(processEventsUntil([&] { return !closer.texts().isEmpty(); }));
    EXPECT_TRUE(closer.texts().first().contains(QStringLiteral("nowhere.gguf")))
        << closer.texts().first().toStdString();
    EXPECT_EQ(m_engine->state(), llm::EngineState::Stopped);
    EXPECT_NE(m_window->budgetMeter()->currentProviderId(), llm::localProviderId());
}

TEST_F(MainWindowLocalTest, LoadingSelectsTheLocalProviderWithTheContextAsCap) {
    const NoNode noNode(m_files.filePath(QStringLiteral("no-node")));
    const QString model = writeTinyModel(m_files.path(), QStringLiteral("tiny.gguf"), 65536);
    ASSERT_FALSE(model.isEmpty());
    m_window->loadLocalModel(model, 4096, 1);
    ASSERT_TRUE(processEventsUntil([&] { return m_engine->state() != llm::EngineState::Stopped; }));
    ui::BudgetMeter *budget = m_window->budgetMeter();
    EXPECT_EQ(budget->currentProviderId(), llm::localProviderId());
    ASSERT_NE(budget->currentModel(), nullptr);
    EXPECT_EQ(budget->currentModel()->id, QStringLiteral("tiny.gguf"));
    EXPECT_EQ(budget->contextCap(), 4096);
    EXPECT_EQ(budget->tokenizerFileSetting(), model);
    EXPECT_EQ(budget->currentModel()->inputPerMillion, 0.0);
    EXPECT_EQ(m_engine->config().contextSize, 4096);
    EXPECT_EQ(m_engine->config().threads, 1);
    EXPECT_EQ(m_engine->config().gpu, QStringLiteral("cpu"));
    // No Node.js: failed at once, said in the status bar and in the chat.
    EXPECT_EQ(m_engine->state(), llm::EngineState::Failed);
    EXPECT_TRUE(
        m_window->engineStatus()->text().startsWith(QStringLiteral("Local engine: failed")));
    EXPECT_TRUE(sendHint().startsWith(QStringLiteral("The local engine failed")))
        << sendHint().toStdString();
}

TEST_F(MainWindowLocalTest, ContextDefaultsToTheTrainedContextUpTo8K) {
    const NoNode noNode(m_files.filePath(QStringLiteral("no-node")));
    const QString small = writeTinyModel(m_files.path(), QStringLiteral("small.gguf"), 2048);
    m_window->loadLocalModel(small);
    ASSERT_TRUE(processEventsUntil([&] { return m_engine->state() != llm::EngineState::Stopped; }));
    EXPECT_EQ(m_engine->config().contextSize, 2048);
    EXPECT_EQ(m_window->budgetMeter()->contextCap(), 2048);
    m_engine->stop();
    const QString large = writeTinyModel(m_files.path(), QStringLiteral("large.gguf"), 131072);
    m_window->loadLocalModel(large);
    ASSERT_TRUE(processEventsUntil([&] {
        return m_engine->config().modelPath == large &&
               m_engine->state() != llm::EngineState::Stopped;
    }));
    EXPECT_EQ(m_engine->config().contextSize, 8192);
    EXPECT_EQ(m_window->budgetMeter()->contextCap(), 8192);
}

TEST_F(MainWindowLocalTest, RealEngineBecomesTheChatTargetAndLeavesNoProcess) {
    const QString unavailable = engineUnavailableReason();
    ASSERT_TRUE(unavailable.isEmpty()) << unavailable.toStdString();
    const QString model = writeTinyModel(m_files.path(), QStringLiteral("tiny-ui.gguf"), 8192);
    m_window->loadLocalModel(model, 2048, 1);
    ASSERT_TRUE(processEventsUntil([&] {
        return m_engine->state() == llm::EngineState::Ready ||
               m_engine->state() == llm::EngineState::Failed;
    }));
    ASSERT_EQ(m_engine->state(), llm::EngineState::Ready) << m_engine->lastError().toStdString();
    EXPECT_EQ(m_window->engineStatus()->text(),
              QStringLiteral("Local engine: ready — tiny-ui.gguf, 2K context"));
    // The chat is configured: its hint is no longer a set-up step.
    EXPECT_FALSE(sendHint().contains(QStringLiteral("Local Models"))) << sendHint().toStdString();
    EXPECT_FALSE(sendHint().contains(QStringLiteral("local engine"))) << sendHint().toStdString();
    EXPECT_EQ(m_window->budgetMeter()->contextCap(), 2048);
    const qint64 pid = m_engine->processId();
    ASSERT_GT(pid, 0);
    EXPECT_TRUE(processAlive(pid));
    m_window.reset();
    m_engine.reset(); // as the app quits: the supervisor goes before QApplication
    EXPECT_FALSE(processAlive(pid));
    EXPECT_TRUE(processesWithArgument(model).isEmpty());
}

} // namespace
