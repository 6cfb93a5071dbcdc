// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <gtest/gtest.h>

namespace reposcope::test {

// What one run of the CLI gave back.
struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs `reposcope-cli ARGS` to its end (blocking: for commands that need no server on this
// test's event loop; runAsk in askrun.h is for those that do).
inline CliRun runCli(const QStringList &args) {
    QProcess proc;
    proc.start(QStringLiteral(REPOSCOPE_CLI), args);
    EXPECT_TRUE(proc.waitForFinished(300000));
    return {proc.exitCode(), proc.readAllStandardOutput(), proc.readAllStandardError()};
}

} // namespace reposcope::test
