// SPDX-License-Identifier: MIT
// The local engine's status-bar widget: its text and controls for every state
// (driven by hand), and a real supervisor that fails at once (no Node.js where
// it is told to look).
#include "local/enginestatus.h"

#include "llm/local/enginesupervisor.h"

#include <QLabel>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>

#include <gtest/gtest.h>

using reposcope::ui::EngineStatus;
using reposcope::ui::EngineStatusView;
namespace llm = reposcope::llm;

namespace {

QToolButton *button(const EngineStatus &status, const QString &text) {
    for (QToolButton *b : status.findChildren<QToolButton *>())
        if (b->text() == text)
            return b;
    return nullptr;
}

EngineStatusView viewIn(llm::EngineState state) {
    EngineStatusView v;
    v.state = state;
    v.model = QStringLiteral("tiny.gguf");
    v.contextSize = 8192;
    v.maxRestarts = 3;
    return v;
}

TEST(EngineStatusTest, HiddenUntilTheEngineIsFirstUsed) {
    EngineStatus status;
    EXPECT_TRUE(status.isHidden());
    status.setView(viewIn(llm::EngineState::Stopped));
    EXPECT_TRUE(status.isHidden());
    status.setView(viewIn(llm::EngineState::Starting));
    EXPECT_FALSE(status.isHidden());
    EXPECT_EQ(status.text(), QStringLiteral("Local engine: starting…"));
    // Once used, stopping it is shown, with a way to start it again.
    status.setView(viewIn(llm::EngineState::Stopped));
    EXPECT_FALSE(status.isHidden());
    EXPECT_EQ(status.text(), QStringLiteral("Local engine: stopped"));
    ASSERT_NE(button(status, QStringLiteral("Restart")), nullptr);
    EXPECT_FALSE(button(status, QStringLiteral("Restart"))->isHidden());
    EXPECT_TRUE(button(status, QStringLiteral("Stop"))->isHidden());
}

TEST(EngineStatusTest, LoadingShowsThePercentageAndABar) {
    EngineStatus status;
    EngineStatusView v = viewIn(llm::EngineState::Loading);
    v.progress = 0.42;
    status.setView(v);
    EXPECT_EQ(status.text(), QStringLiteral("Local engine: loading 42%"));
    auto *bar = status.findChild<QProgressBar *>();
    ASSERT_NE(bar, nullptr);
    EXPECT_FALSE(bar->isHidden());
    EXPECT_EQ(bar->value(), 42);
    EXPECT_FALSE(button(status, QStringLiteral("Stop"))->isHidden());
    status.setView(viewIn(llm::EngineState::Ready));
    EXPECT_TRUE(bar->isHidden());
}

TEST(EngineStatusTest, ReadyBusyAndCrashedSayWhatIsHappening) {
    EngineStatus status;
    status.setView(viewIn(llm::EngineState::Ready));
    EXPECT_EQ(status.text(), QStringLiteral("Local engine: ready — tiny.gguf, 8K context"));
    status.setView(viewIn(llm::EngineState::Busy));
    EXPECT_EQ(status.text(), QStringLiteral("Local engine: busy — tiny.gguf"));
    EngineStatusView crashed = viewIn(llm::EngineState::Crashed);
    crashed.error = QStringLiteral("the local engine stopped unexpectedly (killed by signal 9)");
    status.setView(crashed);
    EXPECT_EQ(status.text(), QStringLiteral("Local engine: crashed — restarting (1 of 3)"));
    crashed.restartCount = 1;
    status.setView(crashed);
    EXPECT_EQ(status.text(), QStringLiteral("Local engine: crashed — restarting (2 of 3)"));
    EXPECT_FALSE(button(status, QStringLiteral("Details"))->isHidden());
}

TEST(EngineStatusTest, FailureIsRedWithDetailsFromStderr) {
    EngineStatus status;
    EngineStatusView v = viewIn(llm::EngineState::Failed);
    v.error = QStringLiteral("the local engine could not start: not a GGUF file\nmore");
    v.stderrTail = {QStringLiteral("llama_model_load: error loading model"),
                    QStringLiteral("gguf_init: invalid magic")};
    status.setView(v);
    EXPECT_EQ(status.text(),
              QStringLiteral("Local engine: failed: the local engine could not start: not a GGUF "
                             "file"));
    auto *label = status.findChild<QLabel *>(QStringLiteral("engineStatusLabel"));
    ASSERT_NE(label, nullptr);
    EXPECT_TRUE(label->styleSheet().contains(QStringLiteral("#c0392b")));
    EXPECT_EQ(label->toolTip(), v.error);
    ASSERT_NE(button(status, QStringLiteral("Details")), nullptr);
    EXPECT_FALSE(button(status, QStringLiteral("Details"))->isHidden());
    EXPECT_TRUE(status.detailsText().contains(QStringLiteral("gguf_init: invalid magic")));
    EXPECT_TRUE(status.detailsText().startsWith(v.error));
    // A ready engine is not red.
    status.setView(viewIn(llm::EngineState::Ready));
    EXPECT_TRUE(label->styleSheet().isEmpty());
    EXPECT_TRUE(button(status, QStringLiteral("Details"))->isHidden());
}

TEST(EngineStatusTest, LongReasonsAreCutInTheBarButKeptInDetails) {
    EngineStatus status;
    EngineStatusView v = viewIn(llm::EngineState::Failed);
    v.error = QString(300, QLatin1Char('x'));
    status.setView(v);
    EXPECT_LT(status.text().size(), 130);
    EXPECT_TRUE(status.detailsText().contains(v.error));
}

TEST(EngineStatusTest, StopAndRestartButtonsAskForThem) {
    EngineStatus status;
    QSignalSpy stop(&status, &EngineStatus::stopRequested);
    QSignalSpy restart(&status, &EngineStatus::restartRequested);
    status.setView(viewIn(llm::EngineState::Ready));
    button(status, QStringLiteral("Stop"))->click();
    button(status, QStringLiteral("Restart"))->click();
    EXPECT_EQ(stop.count(), 1);
    EXPECT_EQ(restart.count(), 1);
}

TEST(EngineStatusTest, FollowsARealSupervisorThatCannotFindNode) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QByteArray previous = qgetenv("REPOSCOPE_NODE");
    qputenv("REPOSCOPE_NODE", dir.filePath(QStringLiteral("no-such-node")).toUtf8());
    llm::EngineSupervisor engine;
    EngineStatus status;
    status.attach(&engine);
    EXPECT_TRUE(status.isHidden());
    llm::EngineConfig config;
    config.modelPath = dir.filePath(QStringLiteral("model.gguf"));
    config.contextSize = 1024;
    engine.start(config);
    if (previous.isNull())
        qunsetenv("REPOSCOPE_NODE");
    else
        qputenv("REPOSCOPE_NODE", previous);
    ASSERT_EQ(engine.state(), llm::EngineState::Failed);
    EXPECT_FALSE(status.isHidden());
    EXPECT_TRUE(status.text().startsWith(QStringLiteral("Local engine: failed: ")))
        << status.text().toStdString();
    EXPECT_EQ(status.view().error, engine.lastError());
    EXPECT_FALSE(button(status, QStringLiteral("Details"))->isHidden());
    // Restart tries again with the same settings (and fails the same way here).
    status.setView(viewIn(llm::EngineState::Stopped));
    Q_EMIT status.restartRequested();
    EXPECT_EQ(engine.config().modelPath, config.modelPath);
    EXPECT_EQ(status.view().state, engine.state());
}

} // namespace
