// SPDX-License-Identifier: MIT
// reposcope-cli: the same core, headless, for nightly and CI audits.
#include "clicommands.h"
#include "clishared.h"

#include "repo/gitutil.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QTextStream>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace {

// `ask --image` may rasterise an SVG, whose text is laid out with the GUI's font database:
// only then is the application a QGuiApplication, on the headless "offscreen" platform
// unless QT_QPA_PLATFORM says otherwise. Every other command stays a QCoreApplication.
std::unique_ptr<QCoreApplication> makeApplication(int &argc, char **argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--image") == 0 || std::strncmp(argv[i], "--image=", 8) == 0) {
            if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
                qputenv("QT_QPA_PLATFORM", "offscreen");
            return std::make_unique<QGuiApplication>(argc, argv);
        }
    }
    return std::make_unique<QCoreApplication>(argc, argv);
}

} // namespace

int main(int argc, char **argv) {
    const std::unique_ptr<QCoreApplication> app = makeApplication(argc, argv);
    reposcope::repo::git::ensureInit(); // here, on the main thread: see gitutil.h
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
    int code = reposcope::cli::ExitUsage;
    if (command == QLatin1String("count")) {
        code = reposcope::cli::runCount(args);
    } else if (command == QLatin1String("pack")) {
        code = reposcope::cli::runPack(args);
    } else if (command == QLatin1String("ask")) {
        code = reposcope::cli::runAsk(args);
    } else {
        err << "error: unknown command '" << command << "'\n\n" << reposcope::cli::mainHelp();
        return reposcope::cli::ExitUsage;
    }
    // The command has stopped everything it started (threads joined, the engine host ended)
    // and written its files. What is left at exit only frees memory: library clean-ups
    // (OpenSSL's, Qt's globals) that take tens of milliseconds. Flush and leave.
    reposcope::cli::out().flush();
    reposcope::cli::err().flush();
    std::fflush(nullptr);
    std::_Exit(code);
}
