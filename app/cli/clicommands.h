// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace reposcope::cli {

// Exit codes, documented in --help.
enum ExitCode {
    ExitOk = 0,
    ExitFailure = 1, // unexpected failure
    ExitUsage = 2,   // bad command line
    ExitOpen = 3,    // path missing, not readable, corrupt repository, unknown ref
    ExitOutput = 4,  // could not write the output (disk full, permissions)
    ExitCancelled = 130,
};

int runCount(const QStringList &arguments);
int runPack(const QStringList &arguments);
QString mainHelp();

} // namespace reposcope::cli
