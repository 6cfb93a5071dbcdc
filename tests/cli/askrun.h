// SPDX-License-Identifier: MIT
#pragma once

#include "eventloop.h"

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <gtest/gtest.h>

namespace reposcope::test {

struct AskRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs `reposcope-cli ask ARGS` without blocking the event loop a loopback server lives on.
// `home` stands in for the user's home, configuration and data folders (no user catalog,
// no triage); `env` adds variables; the machine's own GROQ_API_KEY is removed unless `env`
// gives one.
inline AskRun runAsk(QStringList args, const QString &home, const QProcessEnvironment &env = {}) {
    args.prepend(QStringLiteral("ask"));
    QProcess proc;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home);
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home);
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    for (const QString &name : env.keys())
        environment.insert(name, env.value(name));
    if (!env.contains(QStringLiteral("GROQ_API_KEY")))
        environment.remove(QStringLiteral("GROQ_API_KEY"));
    proc.setProcessEnvironment(environment);
    proc.start(QStringLiteral(REPOSCOPE_CLI), args);
    EXPECT_TRUE(processEventsUntil([&] { return proc.state() == QProcess::NotRunning; }));
    return {proc.exitCode(), proc.readAllStandardOutput(), proc.readAllStandardError()};
}

} // namespace reposcope::test
