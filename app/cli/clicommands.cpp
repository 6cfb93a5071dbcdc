// SPDX-License-Identifier: MIT
#include "clicommands.h"
#include "clishared.h"

#include "common/renameover.h"

#include "prompt/packwriter.h"
#include "tokenize/tokencache.h"
#include "tokenize/tokenizerregistry.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryFile>
#include <QTextStream>
#include <QThreadPool>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/stat.h>

namespace reposcope::cli {

namespace {

// Decoded file contents the pack command keeps from counting (above this, files are read
// a second time when the pack is written).
constexpr qint64 kHeldTextBudget = qint64(512) << 20;

// Gives `file` the permissions a new file (or the replaced one) would have and renames it
// over `target`. Returns "" on success, else what went wrong.
QString replaceWith(QTemporaryFile &file, const QString &target) {
    struct stat st;
    mode_t mode;
    if (::stat(QFile::encodeName(target).constData(), &st) == 0) {
        mode = st.st_mode & 07777;
    } else {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        mode = 0666 & ~mask;
    }
    if (::fchmod(file.handle(), mode) != 0)
        return QString::fromLocal8Bit(strerror(errno));
    return renameOver(file, target);
}

} // namespace

QString mainHelp() {
    return QStringLiteral(
               "Usage: reposcope-cli COMMAND [options]\n\n"
               "Commands:\n"
               "  count PATH   token, byte and line table of the files that would be audited\n"
               "  pack PATH    write exactly the pack that would be sent to a model\n"
               "  ask PATH     send the pack and a question to a model; stream the answer\n"
               "  scan PATH    report the secrets in the files a pack would hold (masked)\n\n"
               "Run 'reposcope-cli COMMAND --help' for a command's flags.\n\n") +
           QLatin1String(kExitCodes);
}

int runCount(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral(
            "Counts the tokens of every file and folder. Files excluded by default (binary, over "
            "the size cap, "
            "lock files, generated, vendored) are listed with their reason and not counted in the "
            "selected totals.\n\n") +
        exitCodesFor(QStringLiteral("count")));
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("PATH"),
        QStringLiteral("Repository or folder (a subfolder scopes the repository)."));
    SelectionFlags flags;
    flags.addTo(parser);
    QCommandLineOption json(QStringLiteral("json"),
                            QStringLiteral("Print JSON instead of a table."));
    parser.addOption(json);
    if (const std::optional<int> done = parseArguments(parser, arguments))
        return *done;
    QThreadPool pool;
    pool.setMaxThreadCount(2 * QThread::idealThreadCount()); // reading waits on the disk
    Opened opened = openAndCount(parser, flags, &pool, {});
    if (opened.exitCode != ExitOk || !opened.workspace)
        return opened.exitCode;
    const workspace::Workspace &ws = *opened.workspace;
    const prompt::Selection &sel = *ws.selection();
    const repo::RepoSnapshot &snap = sel.snapshot();
    const bool exact = ws.countsAreExact();

    if (parser.isSet(json)) {
        QJsonArray files, folders;
        for (int node = 0; node < snap.nodeCount(); ++node) {
            const QString path = snap.visiblePath(node);
            if (snap.isDirectory(node)) {
                QJsonObject o{{QStringLiteral("path"), path},
                              {QStringLiteral("selected"), totalsJson(sel.selected(node))},
                              {QStringLiteral("total"), totalsJson(sel.total(node))}};
                folders.append(o);
                continue;
            }
            const prompt::FileState &f = sel.file(node);
            QJsonObject o{{QStringLiteral("path"), path},
                          {QStringLiteral("tokens"), qint64(f.stats.tokens)},
                          {QStringLiteral("bytes"), snap.file(node).size},
                          {QStringLiteral("lines"), qint64(f.stats.lines)},
                          {QStringLiteral("selected"), f.checked}};
            if (f.exclusion != repo::Exclusion::None)
                o.insert(QStringLiteral("excluded"), repo::exclusionLabel(f.exclusion));
            if (!f.problem.isEmpty())
                o.insert(QStringLiteral("problem"), f.problem);
            files.append(o);
        }
        const repo::RepoInfo &info = snap.info();
        // The totals first: a reader (or `head`) sees them before thousands of files.
        out() << orderedJson({
            {QStringLiteral("selected"), totalsJson(sel.selected(0))},
            {QStringLiteral("total"), totalsJson(sel.total(0))},
            {QStringLiteral("packOverheadTokens"), sel.selected(0).overhead + ws.fixedOverhead()},
            {QStringLiteral("exact"), exact},
            {QStringLiteral("tokenizer"), ws.tokenizer().id()},
            {QStringLiteral("repository"), info.rootPath},
            {QStringLiteral("scope"), info.scopePrefix},
            {QStringLiteral("ref"), info.ref},
            {QStringLiteral("commit"), info.shortSha},
            {QStringLiteral("files"), files},
            {QStringLiteral("folders"), folders},
        });
        return ExitOk;
    }

    const QString approx = exact ? QString() : QStringLiteral("~");
    out() << QStringLiteral("%1 %2 %3  %4\n")
                 .arg(QStringLiteral("tokens"), 12)
                 .arg(QStringLiteral("bytes"), 12)
                 .arg(QStringLiteral("lines"), 9)
                 .arg(QStringLiteral("path"));
    for (int node = 1; node < snap.nodeCount(); ++node) {
        const QString indent(2 * (snap.depth(node) - 1), QLatin1Char(' '));
        if (snap.isDirectory(node)) {
            const prompt::Totals &t = sel.selected(node);
            out() << QStringLiteral("%1 %2 %3  %4%5/\n")
                         .arg(approx + QString::number(t.tokens), 12)
                         .arg(t.bytes, 12)
                         .arg(t.lines, 9)
                         .arg(indent, snap.name(node));
            continue;
        }
        const prompt::FileState &f = sel.file(node);
        QString note;
        if (f.exclusion != repo::Exclusion::None)
            note = QStringLiteral("  [") +
                   (f.checked ? QStringLiteral("included: ") : QStringLiteral("excluded: ")) +
                   repo::exclusionLabel(f.exclusion) + QLatin1Char(']');
        if (!f.problem.isEmpty())
            note += QStringLiteral("  [") + f.problem + QLatin1Char(']');
        const QString tokens =
            f.checked ? approx + QString::number(f.stats.tokens) : QStringLiteral("-");
        out() << QStringLiteral("%1 %2 %3  %4%5%6\n")
                     .arg(tokens, 12)
                     .arg(snap.file(node).size, 12)
                     .arg(qint64(f.stats.lines), 9)
                     .arg(indent, snap.name(node), note);
    }
    const prompt::Totals &s = sel.selected(0);
    const prompt::Totals &t = sel.total(0);
    out() << QStringLiteral("\nselected: %1%2 tokens in %3 files (%4 bytes, %5 lines); pack "
                            "overhead %1%6 tokens\n")
                 .arg(approx)
                 .arg(s.tokens)
                 .arg(s.files)
                 .arg(s.bytes)
                 .arg(s.lines)
                 .arg(s.overhead + ws.fixedOverhead());
    out() << QStringLiteral("all files: %1%2 tokens in %3 files; tokenizer: %4\n")
                 .arg(approx)
                 .arg(t.tokens)
                 .arg(t.files)
                 .arg(ws.tokenizer().displayName());
    return ExitOk;
}

int runPack(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Writes exactly the pack that would be sent: a "
                                                    "preamble, the directory tree of the selected "
                                                    "files, then each file in full.\n\n") +
                                     exitCodesFor(QStringLiteral("pack")));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Repository or folder."));
    SelectionFlags flags;
    flags.addTo(parser);
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                              QStringLiteral("Write the pack to FILE ('-' for standard output)."),
                              QStringLiteral("FILE"));
    QCommandLineOption format(QStringLiteral("format"),
                              QStringLiteral("xml (default) or markdown."), QStringLiteral("F"),
                              QStringLiteral("xml"));
    QCommandLineOption lineNumbers(QStringLiteral("line-numbers"),
                                   QStringLiteral("Prefix every line with its number."));
    const QCommandLineOption allowUncounted = allowUncountedOption();
    parser.addOptions({output, format, lineNumbers, allowUncounted});
    if (const std::optional<int> done = parseArguments(parser, arguments))
        return *done;
    if (!parser.isSet(output)) {
        err() << "error: pack needs -o FILE (see --help)\n";
        return ExitUsage;
    }
    const std::optional<prompt::PackOptions::Format> fmt =
        prompt::parseFormat(parser.value(format));
    if (!fmt) {
        err() << "error: --format must be xml or markdown\n";
        return ExitUsage;
    }
    prompt::PackOptions packOptions;
    packOptions.format = *fmt;
    packOptions.lineNumbers = parser.isSet(lineNumbers);

    QElapsedTimer timer;
    timer.start();
    QThreadPool pool;
    pool.setMaxThreadCount(2 * QThread::idealThreadCount()); // reading waits on the disk
    // Keep what counting reads so that the pack is written without reading it again.
    Opened opened = openAndCount(parser, flags, &pool, packOptions, kHeldTextBudget);
    if (opened.exitCode != ExitOk || !opened.workspace)
        return opened.exitCode;
    workspace::Workspace &ws = *opened.workspace;
    const prompt::Selection &sel = *ws.selection();
    const prompt::PackFormat packFormat(packOptions);
    const prompt::HeldTexts held = ws.takeHeldTexts();
    if (const std::optional<int> refused = checkUncounted(sel, parser.isSet(allowUncounted)))
        return *refused;

    // The pack is written by readers, one per core, and this thread: the files are in the page
    // cache (counting has just read them, or their counts were cached), so more readers only
    // contend with the writing thread (measured: 10-30 ms slower on the Go tree with 4).
    QThreadPool writers;
    writers.setMaxThreadCount(QThread::idealThreadCount());
    const QString target = parser.value(output);
    Result<prompt::PackStats> stats = Error{};
    if (target == QLatin1String("-")) {
        QFile stdoutFile;
        if (!stdoutFile.open(stdout, QIODevice::WriteOnly))
            return ExitOutput;
        stats = prompt::writePack(sel.snapshot(), sel.selectedFiles(), packFormat, stdoutFile,
                                  &writers, nullptr, &held);
    } else {
        // Like QSaveFile (a temporary file beside the target, renamed over it only once
        // everything is written, so a failed run leaves the old pack alone) but without its
        // fdatasync: a pack can be written again, and syncing 80 MB costs more than the
        // rest of a warm run.
        QTemporaryFile file(target + QStringLiteral(".XXXXXX"));
        if (!file.open()) {
            err() << "error: cannot write " << target << ": " << file.errorString() << "\n";
            return ExitOutput;
        }
        stats = prompt::writePack(sel.snapshot(), sel.selectedFiles(), packFormat, file, &writers,
                                  nullptr, &held);
        if (stats) {
            const QString problem = replaceWith(file, target);
            if (!problem.isEmpty()) {
                err() << "error: cannot save " << target << ": " << problem
                      << " (is the disk full?)\n";
                return ExitOutput;
            }
        }
    }
    if (!stats) {
        err() << "error: " << cliWording(stats.error().message) << "\n";
        return ExitOutput;
    }
    for (const QString &problem : stats->problems)
        err() << "warning: " << cliWording(problem) << "\n";
    const QString approx = ws.countsAreExact() ? QString() : QStringLiteral("~");
    err() << QStringLiteral(
                 "packed %1 files, %2 bytes, %3%4 tokens (files %3%5 + overhead %3%6) in %7 ms\n")
                 .arg(stats->files)
                 .arg(stats->bytes)
                 .arg(approx)
                 .arg(sel.selected(0).tokens + sel.selected(0).overhead + ws.fixedOverhead())
                 .arg(sel.selected(0).tokens)
                 .arg(sel.selected(0).overhead + ws.fixedOverhead())
                 .arg(timer.elapsed());
    return ExitOk;
}

} // namespace reposcope::cli
