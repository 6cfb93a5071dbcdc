// SPDX-License-Identifier: MIT
// reposcope-cli: the same core, headless, for nightly and CI audits.
#include "clicommands.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("RepoScope"));
    QCoreApplication::setApplicationName(QStringLiteral("RepoScope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REPOSCOPE_VERSION));
    QStringList args = QCoreApplication::arguments();
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h") ||
        args[1] == QLatin1String("help")) {
        (args.size() < 2 ? err : out) << reposcope::cli::mainHelp();
        return args.size() < 2 ? reposcope::cli::ExitUsage : reposcope::cli::ExitOk;
    }
    if (args[1] == QLatin1String("--version")) {
        out << "reposcope-cli " << QCoreApplication::applicationVersion() << "\n";
        return reposcope::cli::ExitOk;
    }
    const QString command = args[1];
    args.removeAt(1); // the parsers see "reposcope-cli [options] PATH"
    if (command == QLatin1String("count"))
        return reposcope::cli::runCount(args);
    if (command == QLatin1String("pack"))
        return reposcope::cli::runPack(args);
    if (command == QLatin1String("ask"))
        return reposcope::cli::runAsk(args);
    err << "error: unknown command '" << command << "'\n\n" << reposcope::cli::mainHelp();
    return reposcope::cli::ExitUsage;
}
