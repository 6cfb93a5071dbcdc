// SPDX-License-Identifier: MIT
#include "llm/local/enginesupervisor.h"
#include "llm/keyscrub.h"

#include "llm/local/localengine.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QRandomGenerator>

#include <algorithm>
#include <csignal>

#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#include <unistd.h>
#endif

namespace reposcope::llm {

namespace {

Q_LOGGING_CATEGORY(lcEngine, "reposcope.llm.engine", QtInfoMsg)

constexpr int kStderrLines = 20;
constexpr int kStderrLineChars = 400;
constexpr int kReasonStderrLines = 6; // how many stderr lines a failure message quotes
constexpr int kStopGraceMs = 3000;
constexpr qint64 kRestartWindowSecs = 300;

QString randomToken() {
    quint32 words[8];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray bytes(reinterpret_cast<const char *>(words), int(sizeof words));
    return QString::fromLatin1(bytes.toHex());
}

QString signalName(int signal) {
    switch (signal) {
    case SIGKILL:
        return QStringLiteral("SIGKILL");
    case SIGTERM:
        return QStringLiteral("SIGTERM");
    case SIGABRT:
        return QStringLiteral("SIGABRT");
    case SIGSEGV:
        return QStringLiteral("SIGSEGV");
    case SIGBUS:
        return QStringLiteral("SIGBUS");
    case SIGILL:
        return QStringLiteral("SIGILL");
    case SIGFPE:
        return QStringLiteral("SIGFPE");
    case SIGINT:
        return QStringLiteral("SIGINT");
    case SIGHUP:
        return QStringLiteral("SIGHUP");
    case SIGPIPE:
        return QStringLiteral("SIGPIPE");
    default:
        return QStringLiteral("signal %1").arg(signal);
    }
}

} // namespace

QString engineStateName(EngineState state) {
    switch (state) {
    case EngineState::Stopped:
        return QStringLiteral("stopped");
    case EngineState::Starting:
        return QStringLiteral("starting");
    case EngineState::Loading:
        return QStringLiteral("loading");
    case EngineState::Ready:
        return QStringLiteral("ready");
    case EngineState::Busy:
        return QStringLiteral("busy");
    case EngineState::Crashed:
        return QStringLiteral("crashed");
    case EngineState::Failed:
        return QStringLiteral("failed");
    }
    return QString();
}

EngineSupervisor::EngineSupervisor(QObject *parent)
    : QObject(parent) {
    m_readyTimer.setSingleShot(true);
    m_restartTimer.setSingleShot(true);
    connect(&m_readyTimer, &QTimer::timeout, this, [this] { onReadyTimeout(); });
    connect(&m_restartTimer, &QTimer::timeout, this, [this] {
        ++m_restartCount;
        launch();
    });
}

EngineSupervisor::~EngineSupervisor() {
    m_readyTimer.stop();
    m_restartTimer.stop();
    QList<QProcess *> processes;
    if (m_process)
        processes << m_process;
    for (const QPointer<QProcess> &p : std::as_const(m_retiring))
        if (p)
            processes << p.data();
    m_process = nullptr;
    m_retiring.clear();
    // Ask every host to end at once, then wait: the shutdowns overlap.
    for (QProcess *p : std::as_const(processes)) {
        disconnect(p, nullptr, this, nullptr);
        p->closeWriteChannel();
        p->terminate();
    }
    for (QProcess *p : std::as_const(processes)) {
        if (!p->waitForFinished(kStopGraceMs)) {
            p->kill();
            p->waitForFinished(kStopGraceMs);
        }
        delete p;
    }
}

void EngineSupervisor::start(const EngineConfig &config) {
    m_readyTimer.stop();
    m_restartTimer.stop();
    if (m_process)
        retire(m_process);
    m_config = config;
    m_restartCount = 0;
    m_restartTimes.clear();
    m_lastError.clear();
    m_stderrTail.clear();
    launch();
}

void EngineSupervisor::stop() {
    m_readyTimer.stop();
    m_restartTimer.stop();
    if (m_process)
        retire(m_process);
    setState(EngineState::Stopped);
    checkAllStopped();
}

Endpoint EngineSupervisor::endpoint() const {
    Endpoint endpoint;
    if (m_port > 0)
        endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(m_port));
    const QString model =
        m_info.model.isEmpty() ? QFileInfo(m_config.modelPath).fileName() : m_info.model;
    endpoint.providerName = QStringLiteral("local engine (%1)").arg(model);
    endpoint.auth = AuthStyle::Bearer;
    endpoint.apiKey = m_token;
    return endpoint;
}

qint64 EngineSupervisor::processId() const {
    return m_process ? m_process->processId() : 0;
}

bool EngineSupervisor::isRunning() const {
    if (m_process)
        return true;
    for (const QPointer<QProcess> &p : m_retiring)
        if (p)
            return true;
    return false;
}

Result<QString> EngineSupervisor::findHostScript() {
    return findEngineHostScript();
}

Result<QString> EngineSupervisor::findNode() {
    return findNodeExecutable();
}

Result<QStringList> EngineSupervisor::prepareLaunch(QString *program) const {
    if (!m_config.nodeExecutable.isEmpty()) {
        const QFileInfo node(m_config.nodeExecutable);
        if (!node.isFile() || !node.isExecutable())
            return Error::make(Error::Code::NotFound,
                               QStringLiteral("Node.js was not found at %1: the local engine "
                                              "needs Node.js 20 or newer (node)")
                                   .arg(m_config.nodeExecutable));
        *program = node.absoluteFilePath();
    } else {
        const Result<QString> node = findNodeExecutable();
        if (!node)
            return node.error();
        *program = *node;
    }
    QString host = m_config.hostScript;
    if (host.isEmpty()) {
        const Result<QString> found = findEngineHostScript();
        if (!found)
            return found.error();
        host = *found;
    } else if (!QFileInfo(host).isFile()) {
        return Error::make(Error::Code::NotFound,
                           QStringLiteral("the local engine host %1 does not exist").arg(host));
    }
    if (const Result<Ok> packages = checkEnginePackages(host); !packages)
        return packages.error();
    if (!QFileInfo(m_config.modelPath).isFile())
        return Error::make(Error::Code::NotFound,
                           QStringLiteral("the model file %1 does not exist: choose a .gguf file")
                               .arg(m_config.modelPath));
    QStringList args{QFileInfo(host).absoluteFilePath(),
                     QStringLiteral("--model"),
                     QFileInfo(m_config.modelPath).absoluteFilePath(),
                     QStringLiteral("--ctx"),
                     QString::number(qMax(0, m_config.contextSize)),
                     QStringLiteral("--threads"),
                     QString::number(qMax(0, m_config.threads))};
    if (!m_config.gpu.isEmpty())
        args << QStringLiteral("--gpu") << m_config.gpu;
    return args;
}

void EngineSupervisor::launch() {
    m_info = EngineInfo{};
    m_port = 0;
    m_progress = 0.0;
    m_fatalMessage.clear();
    m_stderrPartial.clear();
    QString program;
    const Result<QStringList> args = prepareLaunch(&program);
    if (!args) {
        fail(args.error().message);
        return;
    }
    m_token = randomToken();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("REPOSCOPE_ENGINE_TOKEN"), m_token);

    auto *p = new QProcess(this);
    p->setProgram(program);
    p->setArguments(*args);
    p->setProcessEnvironment(env);
    p->setWorkingDirectory(QFileInfo(args->constFirst()).absolutePath());
#ifdef Q_OS_LINUX
    // The child gets SIGTERM when this (forking) thread dies, so a killed app leaves no
    // engine behind; a parent that died before prctl ran is caught by getppid().
    const pid_t parent = ::getpid();
    p->setChildProcessModifier([parent] {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent)
            ::raise(SIGTERM);
    });
#endif
    connect(p, &QProcess::readyReadStandardOutput, this, [this, p] {
        if (p == m_process)
            onStdout();
        else
            p->readAllStandardOutput();
    });
    connect(p, &QProcess::readyReadStandardError, this, [this, p] {
        if (p == m_process)
            onStderr();
        else
            p->readAllStandardError();
    });
    connect(p, &QProcess::errorOccurred, this, [this, p](QProcess::ProcessError error) {
        if (p == m_process)
            onProcessError(error);
    });
    connect(p, &QProcess::finished, this, [this, p](int exitCode, QProcess::ExitStatus status) {
        if (p == m_process) {
            onProcessFinished(exitCode, status);
            return;
        }
        m_retiring.removeAll(p);
        p->deleteLater();
        checkAllStopped();
    });
    m_process = p;
    setState(EngineState::Starting);
    m_readyTimer.start(qMax(1, m_config.readyTimeoutMs));
    m_launchClock.start();
    qCDebug(lcEngine) << "starting" << program << args->join(QLatin1Char(' '));
    // stdin stays open: the host treats its end as the death of this process.
    p->start(QIODevice::ReadWrite);
}

void EngineSupervisor::retire(QProcess *process) {
    if (process == m_process)
        m_process = nullptr;
    if (process->state() == QProcess::NotRunning) {
        process->deleteLater();
        return;
    }
    process->closeWriteChannel();
    process->terminate();
    m_retiring << QPointer<QProcess>(process);
    QTimer::singleShot(kStopGraceMs, process, [process] { process->kill(); });
}

void EngineSupervisor::onStdout() {
    while (m_process && m_process->canReadLine()) {
        const QByteArray line = m_process->readLine().trimmed();
        if (!line.isEmpty())
            handleEvent(line);
    }
}

void EngineSupervisor::onStderr() {
    appendStderr(m_process->readAllStandardError());
}

void EngineSupervisor::appendStderr(const QByteArray &bytes) {
    m_stderrPartial += bytes;
    qsizetype newline;
    while ((newline = m_stderrPartial.indexOf('\n')) >= 0) {
        const QByteArray line = m_stderrPartial.left(newline).trimmed();
        m_stderrPartial.remove(0, newline + 1);
        if (line.isEmpty())
            continue;
        // The tail is quoted in crash messages: the engine's token never is.
        m_stderrTail << QString::fromUtf8(scrubKey(line, m_token).left(kStderrLineChars));
        while (m_stderrTail.size() > kStderrLines)
            m_stderrTail.removeFirst();
    }
    if (m_stderrPartial.size() > 4 * kStderrLineChars)
        m_stderrPartial = m_stderrPartial.right(kStderrLineChars);
}

void EngineSupervisor::handleEvent(const QByteArray &line) {
    const QJsonObject event = QJsonDocument::fromJson(line).object();
    const QString name = event.value(QLatin1String("event")).toString();
    if (name.isEmpty()) {
        qCDebug(lcEngine) << "ignored stdout line from the engine:" << line.left(200);
        return;
    }
    if (name == QLatin1String("listening")) {
        m_port = event.value(QLatin1String("port")).toInt();
        if (m_state == EngineState::Starting)
            setState(EngineState::Loading);
    } else if (name == QLatin1String("loading")) {
        if (m_state == EngineState::Starting)
            setState(EngineState::Loading);
        const double progress = qBound(0.0, event.value(QLatin1String("progress")).toDouble(), 1.0);
        if (progress > m_progress) {
            m_progress = progress;
            Q_EMIT loadProgressed(m_progress);
        }
    } else if (name == QLatin1String("ready")) {
        m_info.model = event.value(QLatin1String("model")).toString();
        m_info.contextSize = event.value(QLatin1String("contextSize")).toInteger();
        m_info.trainedContext = event.value(QLatin1String("trainedContext")).toInteger();
        m_info.vocabSize = event.value(QLatin1String("vocabSize")).toInteger();
        m_info.threads = event.value(QLatin1String("threads")).toInt();
        m_info.gpu = event.value(QLatin1String("gpu")).toString();
        m_info.loadMs = event.value(QLatin1String("loadMs")).toInteger();
        m_readyTimer.stop();
        if (m_progress < 1.0) {
            m_progress = 1.0;
            Q_EMIT loadProgressed(m_progress);
        }
        setState(EngineState::Ready);
        Q_EMIT ready();
    } else if (name == QLatin1String("busy")) {
        if (m_state == EngineState::Ready)
            setState(EngineState::Busy);
    } else if (name == QLatin1String("idle")) {
        if (m_state == EngineState::Busy)
            setState(EngineState::Ready);
    } else if (name == QLatin1String("fatal")) {
        m_fatalMessage = event.value(QLatin1String("message")).toString();
        if (m_state != EngineState::Ready && m_state != EngineState::Busy)
            fail(withStderr(
                QStringLiteral("the local engine could not start: %1").arg(m_fatalMessage)));
    }
}

void EngineSupervisor::onProcessError(QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart)
        return; // a crash is handled when `finished` arrives
    QProcess *p = m_process;
    m_process = nullptr;
    const QString why = p->errorString();
    p->deleteLater();
    fail(QStringLiteral("could not run Node.js (%1): %2").arg(p->program(), why));
}

void EngineSupervisor::onProcessFinished(int exitCode, QProcess::ExitStatus status) {
    QProcess *p = m_process;
    appendStderr(p->readAllStandardError());
    appendStderr(QByteArrayLiteral("\n"));
    onStdout(); // events still buffered (a last "fatal")
    m_process = nullptr;
    p->deleteLater();
    m_readyTimer.stop();
    if (m_state == EngineState::Stopped || m_state == EngineState::Failed) {
        checkAllStopped();
        return;
    }
    const QString how = exitDescription(exitCode, status);
    m_lastExit = status == QProcess::CrashExit
                     ? QStringLiteral("was killed by %1").arg(signalName(exitCode))
                     : QStringLiteral("exited with code %1").arg(exitCode);
    if (m_state != EngineState::Ready && m_state != EngineState::Busy) {
        const QString reason =
            m_fatalMessage.isEmpty()
                ? QStringLiteral("the local engine exited before it was ready (%1)").arg(how)
                : QStringLiteral("the local engine could not start (%1): %2")
                      .arg(how, m_fatalMessage);
        fail(withStderr(reason));
        return;
    }
    QString reason = QStringLiteral("the local engine stopped unexpectedly (%1)").arg(how);
    if (!m_fatalMessage.isEmpty())
        reason += QStringLiteral(": ") + m_fatalMessage;
    scheduleRestart(withStderr(reason));
}

void EngineSupervisor::onReadyTimeout() {
    if (m_state != EngineState::Starting && m_state != EngineState::Loading)
        return;
    fail(withStderr(QStringLiteral("the local engine was not ready after %1 s (loaded %2%): "
                                   "try a smaller model or context")
                        .arg(m_config.readyTimeoutMs / 1000.0, 0, 'f', 1)
                        .arg(int(m_progress * 100))));
}

void EngineSupervisor::scheduleRestart(const QString &reason) {
    m_lastError = reason;
    setState(EngineState::Crashed);
    Q_EMIT crashed(reason);
    if (m_state != EngineState::Crashed)
        return; // a receiver stopped or restarted the engine
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_restartTimes.erase(
        std::remove_if(m_restartTimes.begin(), m_restartTimes.end(),
                       [&now](const QDateTime &t) { return t.secsTo(now) > kRestartWindowSecs; }),
        m_restartTimes.end());
    const int recent = int(m_restartTimes.size());
    if (recent >= m_config.maxRestarts) {
        fail(reason + QStringLiteral("; gave up after %1 restarts within 5 minutes").arg(recent));
        return;
    }
    m_restartTimes << now;
    const int delayMs = 1000 << qMin(recent, 6);
    qCInfo(lcEngine).noquote() << reason << "- restarting in" << delayMs << "ms";
    m_restartTimer.start(delayMs);
}

void EngineSupervisor::fail(const QString &reason) {
    m_readyTimer.stop();
    m_restartTimer.stop();
    if (m_process)
        retire(m_process);
    m_lastError = reason;
    qCWarning(lcEngine).noquote() << reason;
    setState(EngineState::Failed);
    Q_EMIT failed(reason);
}

void EngineSupervisor::setState(EngineState state) {
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void EngineSupervisor::checkAllStopped() {
    if (m_state == EngineState::Stopped && !isRunning())
        Q_EMIT stopped();
}

QString EngineSupervisor::exitDescription(int exitCode, QProcess::ExitStatus status) const {
    if (status == QProcess::CrashExit)
        return QStringLiteral("killed by %1").arg(signalName(exitCode));
    return QStringLiteral("exit code %1").arg(exitCode);
}

QString EngineSupervisor::withStderr(const QString &message) const {
    if (m_stderrTail.isEmpty())
        return message;
    const QStringList last = m_stderrTail.mid(qMax(0, m_stderrTail.size() - kReasonStderrLines));
    return message + QStringLiteral("; its last output:\n") + last.join(QLatin1Char('\n'));
}

} // namespace reposcope::llm
