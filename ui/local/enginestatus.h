// SPDX-License-Identifier: MIT
#pragma once

#include "llm/local/enginesupervisor.h"

#include <QPointer>
#include <QStringList>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace reposcope::ui {

// What the status widget shows of the engine; viewOf() takes it from a
// supervisor, tests build it by hand.
struct EngineStatusView {
    llm::EngineState state = llm::EngineState::Stopped;
    double progress = 0.0; // 0..1 while loading
    QString model;         // the model's name (the file's base name)
    qint64 contextSize = 0;
    int restartCount = 0; // crash restarts so far
    int maxRestarts = 0;
    QString error; // why it failed or crashed
    QStringList stderrTail;
};

// The local engine in the status bar: hidden until the engine is first used,
// then "Local engine: starting…", "loading 42%" (with a small bar), "ready —
// MODEL, 8K context", "busy", "crashed — restarting (1 of 3)" or "failed:
// REASON" in red with a Details button (the reason and the engine's last stderr
// lines), and Stop / Restart buttons (also in its context menu). UI thread
// only.
class EngineStatus : public QWidget {
    Q_OBJECT
public:
    explicit EngineStatus(QWidget *parent = nullptr);

    // Follows `engine` (not owned; may be destroyed first): shows its state and
    // makes Stop and Restart act on it.
    void attach(llm::EngineSupervisor *engine);
    // Shows `view` (what attach() does on every change of the engine).
    void setView(const EngineStatusView &view);
    const EngineStatusView &view() const { return m_view; }
    // The label's text, e.g. "Local engine: loading 42%".
    QString text() const;
    // The details shown by the Details button: the reason and the stderr tail.
    QString detailsText() const;

    static EngineStatusView viewOf(const llm::EngineSupervisor &engine);
    // "Local engine: ready — tiny.gguf, 8K context" for a view.
    static QString textFor(const EngineStatusView &view);

Q_SIGNALS:
    // The user asked to stop or restart the engine (attach() connects them to
    // it).
    void stopRequested();
    void restartRequested();

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void refreshFromEngine();
    void showDetails();

    QPointer<llm::EngineSupervisor> m_engine;
    EngineStatusView m_view;
    bool m_used = false; // shown once the engine left Stopped
    QLabel *m_label;
    QProgressBar *m_progress;
    QToolButton *m_details;
    QToolButton *m_stop;
    QToolButton *m_restart;
};

} // namespace reposcope::ui
