// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "llm/client/chatrequest.h"

#include <QByteArray>
#include <QDateTime>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace reposcope::llm {

// How to run the local engine host (engine/host.mjs) for one model.
struct EngineConfig {
    QString modelPath;
    int contextSize = 0;                 // 0 = the model's trained context
    int threads = 0;                     // 0 = the machine's real parallelism
    QString gpu = QStringLiteral("cpu"); // "cpu", "cuda", "vulkan" or "auto"
    QString nodeExecutable;              // "" = $REPOSCOPE_NODE, else `node` on PATH
    QString hostScript;                  // "" = findHostScript()
    int readyTimeoutMs = 120000;         // from start() to the host's "ready" line
    int maxRestarts = 3;                 // crash restarts allowed within 5 minutes
};

enum class EngineState {
    Stopped,  // no process (never started, or stop() was called)
    Starting, // process launched, HTTP server not listening yet
    Loading,  // listening; the model is loading (loadProgress())
    Ready,    // model loaded, idle
    Busy,     // serving a request
    Crashed,  // died after it was ready; a restart is scheduled
    Failed,   // gave up: lastError() says why and what to do
};
// "stopped", "starting", "loading", "ready", "busy", "crashed", "failed".
QString engineStateName(EngineState state);

// What the host reported when it became ready.
struct EngineInfo {
    QString model; // the model file's base name, as /v1/models lists it
    qint64 contextSize = 0;
    qint64 trainedContext = 0;
    qint64 vocabSize = 0;
    int threads = 0;
    QString gpu;
    qint64 loadMs = 0;
};

// Starts, watches and stops the local engine host: a Node.js child process (QProcess) that
// serves one GGUF model over OpenAI-compatible HTTP on 127.0.0.1 with an ephemeral port and
// a random bearer token (handed over in REPOSCOPE_ENGINE_TOKEN, never on the command line).
// Reads the host's JSON-lines stdout for its state and keeps the tail of its stderr to
// explain failures. A crash after it was ready is restarted with backoff (1 s, 2 s, 4 s; at
// most config.maxRestarts within 5 minutes, then Failed); a failure before ready (bad model,
// missing Node or packages, readiness timeout) is Failed at once, with no restart loop.
//
// Lives on the UI thread and never blocks it, except the destructor, which waits up to a
// few seconds for the process to end. No orphans: on Linux the child gets
// PR_SET_PDEATHSIG(SIGTERM), and its stdin (which the host watches) closes when this
// process dies.
class EngineSupervisor : public QObject {
    Q_OBJECT
public:
    explicit EngineSupervisor(QObject *parent = nullptr);
    ~EngineSupervisor() override; // stops the host and waits for it: leaves no process

    // (Re)starts the host with this config; a running host is stopped first. Checks Node,
    // the host script, its node_modules and the model file at once: a missing one is Failed
    // (state and failed() are set before start() returns) with what to run or fix.
    void start(const EngineConfig &config);
    // Graceful: closes stdin, sends SIGTERM, kills after 3 s. State becomes Stopped at once;
    // stopped() is emitted when no process of this supervisor remains.
    void stop();

    EngineState state() const { return m_state; }
    double loadProgress() const { return m_progress; } // 0..1 while Loading; 1 once ready
    const EngineConfig &config() const { return m_config; }
    const EngineInfo &info() const { return m_info; } // valid when Ready or Busy
    // http://127.0.0.1:PORT/v1 with the bearer token; baseUrl is empty before "listening".
    Endpoint endpoint() const;
    QString lastError() const { return m_lastError; } // why it failed or crashed, in words
    // How the last host process ended, for a sentence about the engine: "was killed by
    // SIGKILL", "exited with code 3"; empty before one ended.
    QString lastExit() const { return m_lastExit; }
    QStringList stderrTail() const { return m_stderrTail; } // last ~20 lines of stderr
    int restartCount() const { return m_restartCount; }     // crash restarts since start()
    // The running host's pid, 0 when none (tests check /proc with it).
    qint64 processId() const;
    // True while any host process of this supervisor is alive (also one being stopped).
    bool isRunning() const;

    // $REPOSCOPE_ENGINE_DIR/host.mjs, else <app dir>/../share/reposcope/engine/host.mjs, else
    // the source tree's engine/host.mjs. Error: none exists. Touches a few files.
    static Result<QString> findHostScript();
    // $REPOSCOPE_NODE, else `node` on PATH. Error: not found, with what to install.
    static Result<QString> findNode();

Q_SIGNALS:
    void stateChanged(reposcope::llm::EngineState state);
    void loadProgressed(double progress);
    void ready();
    void crashed(const QString &reason);
    void failed(const QString &reason);
    void stopped();

private:
    Result<QStringList> prepareLaunch(QString *program) const;
    void launch();
    void retire(QProcess *process);
    void onStdout();
    void onStderr();
    void onProcessError(QProcess::ProcessError error);
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void onReadyTimeout();
    void handleEvent(const QByteArray &line);
    void appendStderr(const QByteArray &bytes);
    void scheduleRestart(const QString &reason);
    void fail(const QString &reason);
    void setState(EngineState state);
    void checkAllStopped();
    QString exitDescription(int exitCode, QProcess::ExitStatus status) const;
    QString withStderr(const QString &message) const;

    EngineConfig m_config;
    EngineState m_state = EngineState::Stopped;
    double m_progress = 0.0;
    EngineInfo m_info;
    QString m_token;
    int m_port = 0;
    QString m_lastError;
    QString m_lastExit;
    QString m_fatalMessage; // the host's own "fatal" line, if any
    QStringList m_stderrTail;
    QByteArray m_stderrPartial;
    int m_restartCount = 0;
    QList<QDateTime> m_restartTimes; // for the "within 5 minutes" window

    QProcess *m_process = nullptr;        // the current host (owned, child of this)
    QList<QPointer<QProcess>> m_retiring; // being stopped; deleted when they exit
    QTimer m_readyTimer;
    QTimer m_restartTimer;
    QElapsedTimer m_launchClock;
};

} // namespace reposcope::llm

Q_DECLARE_METATYPE(reposcope::llm::EngineState)
