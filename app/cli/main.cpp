// SPDX-License-Identifier: MIT
// reposcope-cli: the same core, headless, for nightly and CI audits.
#include "clicommands.h"
#include "clishared.h"

#include "common/hugepages.h"
#include "repo/gitutil.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QTextStream>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <malloc.h>
#include <unistd.h>

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

// The main thread's heap on transparent huge pages (see common/hugepages.h): a fresh 4 KiB
// page costs a page fault, which on a virtual machine is tens of microseconds. The heap
// grows in 64 MiB steps and keeps what it has, and the first step is advised at once; the
// selection, the counts and the pack's manifest then fill huge pages (warm pack of the Go
// tree: 750 page faults and ~10 ms fewer). Worker threads keep their own arenas.
void adviseMainHeap() {
#ifdef __GLIBC__
    mallopt(M_TOP_PAD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    char *const start = static_cast<char *>(sbrk(0));
    void *block = std::malloc(16 << 20); // makes the heap grow by one step now
    char *const end = static_cast<char *>(sbrk(0));
    std::free(block);
    if (start != reinterpret_cast<char *>(-1) && end > start)
        reposcope::adviseHugePages(start, size_t(end - start));
#endif
}

} // namespace

int main(int argc, char **argv) {
    adviseMainHeap();
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
    } else if (command == QLatin1String("scan")) {
        code = reposcope::cli::runScan(args);
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
