// SPDX-License-Identifier: MIT
#include "enginefixture.h"

#include "eventloop.h"

#include "llm/local/enginesupervisor.h"
#include "llm/local/localengine.h"

#include <QDir>
#include <QFile>

namespace reposcope::test {

QString engineUnavailableReason() {
    const Result<QString> node = llm::findNodeExecutable();
    if (!node)
        return node.error().message;
    const Result<QString> host = llm::findEngineHostScript();
    if (!host)
        return host.error().message;
    const Result<Ok> packages = llm::checkEnginePackages(*host);
    if (!packages)
        return packages.error().message;
    return QString();
}

QString writeTinyModel(const QString &folder, const QString &name, quint32 context) {
    TinyLlamaOptions options;
    options.context = context;
    const QString path = QDir(folder).filePath(name);
    if (!tinyLlama(options).write(path))
        return QString();
    return path;
}

QString writeBrokenModel(const QString &folder, const QString &kind) {
    TinyLlamaOptions options;
    options.context = 8192;
    QByteArray bytes;
    if (kind == QLatin1String("no-head-count")) {
        options.headCount = false;
        bytes = tinyLlama(options).build();
    } else {
        bytes = tinyLlama(options).build();
        bytes.truncate(bytes.size() / 2);
    }
    const QString path = QDir(folder).filePath(kind + QStringLiteral(".gguf"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return QString();
    return path;
}

bool startAndWaitReady(llm::EngineSupervisor &supervisor, const llm::EngineConfig &config) {
    supervisor.start(config);
    processEventsUntil([&supervisor] {
        return supervisor.state() == llm::EngineState::Ready ||
               supervisor.state() == llm::EngineState::Failed;
    });
    return supervisor.state() == llm::EngineState::Ready;
}

bool processAlive(qint64 pid) {
    if (pid <= 0)
        return false;
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = status.readAll();
    return !text.contains("State:\tZ") && !text.contains("State:\tX");
}

QList<qint64> processesWithArgument(const QString &needle) {
    QList<qint64> found;
    const QByteArray wanted = needle.toUtf8();
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!cmdline.open(QIODevice::ReadOnly))
            continue;
        if (cmdline.readAll().contains(wanted) && processAlive(pid))
            found << pid;
    }
    return found;
}

} // namespace reposcope::test
