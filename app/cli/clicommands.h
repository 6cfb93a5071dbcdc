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
    ExitNetwork = 5, // ask: DNS, refused, TLS, timeout, dropped connection
    ExitAuth = 6,    // ask: 401/403/402
    ExitContext = 7, // ask: context overflow, or a prompt over the account's TPM limit
    ExitRateLimited = 8,
    ExitServer = 9,  // ask: model not found, 5xx, error inside the stream, protocol
    ExitEngine = 10, // ask --local: the local engine could not start (Node.js, packages, model)
    ExitSecretsFound = 11, // scan: at least one secret
    // ask: the stream ended but gave no complete answer: cut off at the output token limit,
    // the whole budget spent thinking, or no answer text at all
    ExitIncomplete = 12,

    ExitCancelled = 130,
};

int runCount(const QStringList &arguments);
int runPack(const QStringList &arguments);
int runAsk(const QStringList &arguments);
int runScan(const QStringList &arguments);
QString mainHelp();

} // namespace reposcope::cli
