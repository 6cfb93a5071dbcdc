// SPDX-License-Identifier: MIT
#include "local/enginestatus.h"

#include <QContextMenuEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QToolButton>

#include <algorithm>

namespace reposcope::ui {

namespace {

constexpr int kMaxReasonChars = 90; // the status bar shows the start; Details the rest

QString shortContext(qint64 tokens) {
    if (tokens >= 1024 && tokens % 1024 == 0)
        return QString::number(tokens / 1024) + QLatin1Char('K');
    return QString::number(tokens);
}

// The first line of a reason, cut to fit the status bar.
QString shortReason(const QString &reason) {
    QString line = reason.section(QLatin1Char('\n'), 0, 0).trimmed();
    if (line.size() > kMaxReasonChars)
        line = line.left(kMaxReasonChars - 1) + QStringLiteral("…");
    return line;
}

bool isRunning(llm::EngineState state) {
    return state != llm::EngineState::Stopped && state != llm::EngineState::Failed;
}

} // namespace

EngineStatus::EngineStatus(QWidget *parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_details(new QToolButton(this))
    , m_stop(new QToolButton(this))
    , m_restart(new QToolButton(this)) {
    setObjectName(QStringLiteral("engineStatus"));
    m_label->setObjectName(QStringLiteral("engineStatusLabel"));
    m_progress->setRange(0, 100);
    m_progress->setTextVisible(false);
    m_progress->setFixedSize(80, 12);
    m_details->setText(tr("Details"));
    m_details->setToolTip(tr("Why the engine failed, and its last messages"));
    m_stop->setText(tr("Stop"));
    m_stop->setToolTip(tr("Stop the local engine"));
    m_restart->setText(tr("Restart"));
    m_restart->setToolTip(tr("Start the local engine again with the same model and settings"));
    for (QToolButton *button : {m_details, m_stop, m_restart})
        button->setAutoRaise(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_label);
    layout->addWidget(m_progress);
    layout->addWidget(m_details);
    layout->addWidget(m_stop);
    layout->addWidget(m_restart);
    connect(m_details, &QToolButton::clicked, this, &EngineStatus::showDetails);
    connect(m_stop, &QToolButton::clicked, this, &EngineStatus::stopRequested);
    connect(m_restart, &QToolButton::clicked, this, &EngineStatus::restartRequested);
    setView({});
}

void EngineStatus::attach(llm::EngineSupervisor *engine) {
    m_engine = engine;
    if (!engine)
        return;
    connect(engine, &llm::EngineSupervisor::stateChanged, this, &EngineStatus::refreshFromEngine);
    connect(engine, &llm::EngineSupervisor::loadProgressed, this, &EngineStatus::refreshFromEngine);
    connect(engine, &llm::EngineSupervisor::failed, this, &EngineStatus::refreshFromEngine);
    connect(engine, &llm::EngineSupervisor::crashed, this, &EngineStatus::refreshFromEngine);
    connect(this, &EngineStatus::stopRequested, engine, &llm::EngineSupervisor::stop);
    connect(this, &EngineStatus::restartRequested, engine, [engine] {
        if (!engine->config().modelPath.isEmpty())
            engine->start(engine->config());
    });
    refreshFromEngine();
}

void EngineStatus::refreshFromEngine() {
    if (m_engine)
        setView(viewOf(*m_engine));
}

EngineStatusView EngineStatus::viewOf(const llm::EngineSupervisor &engine) {
    EngineStatusView v;
    v.state = engine.state();
    v.progress = engine.loadProgress();
    const bool loaded = v.state == llm::EngineState::Ready || v.state == llm::EngineState::Busy;
    v.model = loaded && !engine.info().model.isEmpty()
                  ? engine.info().model
                  : QFileInfo(engine.config().modelPath).fileName();
    v.contextSize = loaded ? engine.info().contextSize : engine.config().contextSize;
    v.restartCount = engine.restartCount();
    v.maxRestarts = engine.config().maxRestarts;
    v.error = engine.lastError();
    v.stderrTail = engine.stderrTail();
    return v;
}

QString EngineStatus::textFor(const EngineStatusView &v) {
    QString what;
    switch (v.state) {
    case llm::EngineState::Stopped:
        what = tr("stopped");
        break;
    case llm::EngineState::Starting:
        what = tr("starting…");
        break;
    case llm::EngineState::Loading:
        what = tr("loading %1%").arg(int(std::clamp(v.progress, 0.0, 1.0) * 100));
        break;
    case llm::EngineState::Ready:
        what = v.contextSize > 0
                   ? tr("ready — %1, %2 context").arg(v.model, shortContext(v.contextSize))
                   : tr("ready — %1").arg(v.model);
        break;
    case llm::EngineState::Busy:
        what = tr("busy — %1").arg(v.model);
        break;
    case llm::EngineState::Crashed:
        what = tr("crashed — restarting (%1 of %2)")
                   .arg(std::max(1, v.restartCount + 1))
                   .arg(std::max(1, v.maxRestarts));
        break;
    case llm::EngineState::Failed:
        what =
            tr("failed: %1").arg(v.error.isEmpty() ? tr("unknown reason") : shortReason(v.error));
        break;
    }
    return tr("Local engine: %1").arg(what);
}

void EngineStatus::setView(const EngineStatusView &view) {
    m_view = view;
    m_used = m_used || view.state != llm::EngineState::Stopped;
    setVisible(m_used);
    m_label->setText(textFor(view));
    const bool failed = view.state == llm::EngineState::Failed;
    const bool crashed = view.state == llm::EngineState::Crashed;
    m_label->setStyleSheet(failed    ? QStringLiteral("color: #c0392b; font-weight: bold;")
                           : crashed ? QStringLiteral("color: #d68910;")
                                     : QString());
    m_label->setToolTip(view.error.isEmpty() ? QString() : view.error);
    m_progress->setVisible(view.state == llm::EngineState::Loading);
    m_progress->setValue(int(std::clamp(view.progress, 0.0, 1.0) * 100));
    m_details->setVisible(failed || crashed);
    m_stop->setVisible(isRunning(view.state));
    m_restart->setVisible(!isRunning(view.state) || view.state == llm::EngineState::Ready);
}

QString EngineStatus::text() const {
    return m_label->text();
}

QString EngineStatus::detailsText() const {
    QString text = m_view.error;
    if (!m_view.stderrTail.isEmpty())
        text += QStringLiteral("\n\n") + tr("The engine's last messages:") + QLatin1Char('\n') +
                m_view.stderrTail.join(QLatin1Char('\n'));
    return text;
}

void EngineStatus::showDetails() {
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Local Engine"), textFor(m_view),
                                QMessageBox::Close, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(tr("Pick another model or a smaller context in Model "
                               "▸ Local Models… (Ctrl+L)."));
    box->setDetailedText(detailsText());
    box->open();
}

void EngineStatus::contextMenuEvent(QContextMenuEvent *event) {
    QMenu menu(this);
    QAction *stop = menu.addAction(tr("Stop the Local Engine"), this, &EngineStatus::stopRequested);
    stop->setEnabled(isRunning(m_view.state));
    menu.addAction(tr("Restart the Local Engine"), this, &EngineStatus::restartRequested);
    if (!m_view.error.isEmpty())
        menu.addAction(tr("Details…"), this, &EngineStatus::showDetails);
    menu.exec(event->globalPos());
}

} // namespace reposcope::ui
