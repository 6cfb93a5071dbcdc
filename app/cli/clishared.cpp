// SPDX-License-Identifier: MIT
#include "clishared.h"

#include "clicommands.h"
#include "llm/stream/answerend.h"
#include "presetflags.h"
#include "repo/reposcanner.h"
#include "terminaloutput.h"
#include "tokenize/tokencache.h"
#include "tokenize/tokenizerregistry.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThreadPool>

#include <cstdio>
#include <future>

namespace reposcope::cli {

QTextStream &err() {
    // On a terminal every message is filtered: errors quote server bodies, model names and
    // file metadata, which must not act on it. A file or pipe gets the exact bytes.
    static TerminalGuardDevice device(stderr);
    static QTextStream s(&device);
    return s;
}

QTextStream &out() {
    static QTextStream s(stdout);
    return s;
}

const char *const kExitCodes =
    "Exit codes:\n"
    "  0    success\n"
    "  1    unexpected failure\n"
    "  2    bad command line (usage)\n"
    "  3    cannot open the path: missing, unreadable, corrupt repository or unknown ref\n"
    "  4    cannot write the output (disk full, permissions)\n"
    "  5    ask: network failure (DNS, refused, TLS, timeout, connection dropped)\n"
    "  6    ask: authentication (missing, wrong or insufficient API key; credits)\n"
    "  7    ask: the prompt does not fit the model's context or the account's token limit\n"
    "  8    ask: rate limited, still after the retries\n"
    "  9    ask: the server failed or refused the request (model id, 5xx, error in the stream)\n"
    "  10   ask --local: the local engine could not start or load the model\n"
    "  11   scan: secrets were found\n"
    "  12   ask: no complete answer (cut off at the --max-tokens limit, only thinking, or empty)\n"
    "  130  cancelled\n";

QString exitCodesFor(const QString &command) {
    // count reads and prints; pack also writes a file; scan also finds secrets (and may
    // write SARIF); ask also talks to a model.
    const QList<int> codes = command == QLatin1String("count")  ? QList<int>{0, 1, 2, 3, 130}
                             : command == QLatin1String("pack") ? QList<int>{0, 1, 2, 3, 4, 130}
                             : command == QLatin1String("scan")
                                 ? QList<int>{0, 1, 2, 3, 4, 11, 130}
                                 : QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 130};
    const QString prefix = command + QStringLiteral(": ");
    QString text;
    for (const QString &line : QString::fromLatin1(kExitCodes).split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        const int code = trimmed.section(QLatin1Char(' '), 0, 0).toInt();
        const bool isCode = !trimmed.isEmpty() && trimmed.front().isDigit();
        if (isCode && !codes.isEmpty() && !codes.contains(code))
            continue;
        QString kept = line;
        kept.replace(prefix, QString());
        if (!kept.isEmpty())
            text += kept + QLatin1Char('\n');
    }
    return text;
}

QString cliWording(const QString &message) {
    // Each GUI hint the core's messages end with, and what the CLI says instead.
    static const QList<QPair<QString, QString>> kHints = {
        {QStringLiteral("Check the key in Settings ▸ Providers or its environment variable."),
         QStringLiteral("Check the key in the provider's environment variable (or the one "
                        "--api-key-env names).")},
        {QStringLiteral("Check the key and its permissions in Settings ▸ Providers."),
         QStringLiteral("Check the key and its permissions (the provider's environment "
                        "variable, or --api-key-env).")},
        {QStringLiteral("Deselect files or use Fit to budget."),
         QStringLiteral("Select fewer files.")},
        {QStringLiteral(", or open the folder again with File > Open."), QStringLiteral(".")},
        {QString::fromLatin1(llm::kCutOffHint),
         QStringLiteral("Raise the limit with --max-tokens N and ask again, or ask a narrower "
                        "question.")},
        {QString::fromLatin1(llm::kThinkingOnlyHint),
         QStringLiteral("Raise the limit with --max-tokens N and ask again (reasoning models "
                        "need room to think and then answer), or ask a narrower question.")},
    };
    QString text = message;
    for (const auto &[gui, cli] : kHints)
        text.replace(gui, cli);
    return text;
}

QByteArray orderedJson(const QList<QPair<QString, QJsonValue>> &members) {
    QByteArray text = "{\n";
    for (qsizetype i = 0; i < members.size(); ++i) {
        // One-element array: QJsonDocument writes any value, indented one level already.
        QByteArray value =
            QJsonDocument(QJsonArray{members[i].second}).toJson(QJsonDocument::Indented).trimmed();
        value = value.mid(1, value.size() - 2).trimmed(); // drop the array's brackets
        text += "    " +
                QJsonDocument(QJsonArray{members[i].first})
                    .toJson(QJsonDocument::Compact)
                    .mid(1)
                    .chopped(1) +
                ": " + value + (i + 1 < members.size() ? ",\n" : "\n");
    }
    return text + "}\n";
}

std::optional<int> scanOptionsFrom(const QCommandLineParser &parser, const SelectionFlags &flags,
                                   repo::ScanOptions *options) {
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        err() << "error: give exactly one PATH (see --help)\n";
        return ExitUsage;
    }
    options->path = QFileInfo(positional.first()).absoluteFilePath();
    options->ref = parser.value(flags.ref);
    options->includeGlobs = parser.values(flags.include);
    options->excludeGlobs = parser.values(flags.exclude);
    if (parser.isSet(flags.sizeCap)) {
        bool ok = false;
        options->sizeCap = parser.value(flags.sizeCap).toLongLong(&ok);
        if (!ok || options->sizeCap <= 0) {
            err() << "error: --size-cap needs a positive number of bytes\n";
            return ExitUsage;
        }
    }
    options->checkModified = false; // the CLI never reports it
    if (parser.isSet(flags.keepDefaults))
        options->excludeLockFiles = options->excludeGenerated = options->excludeVendored = false;
    options->excludeSecretFiles = !parser.isSet(flags.secretFiles);
    return std::nullopt;
}

// Parses, opens and counts; prints a clear error and sets exitCode on failure.
Opened openAndCount(QCommandLineParser &parser, SelectionFlags &flags, QThreadPool *pool,
                    const prompt::PackOptions &packOptions, qint64 heldTextBudget) {
    Opened result;
    repo::ScanOptions options;
    if (const std::optional<int> wrong = scanOptionsFrom(parser, flags, &options)) {
        result.exitCode = *wrong;
        return result;
    }
    const QString cacheFolder = parser.isSet(flags.noCache) ? QString()
                                : parser.isSet(flags.cacheDir)
                                    ? parser.value(flags.cacheDir)
                                    : tokenize::TokenCache::defaultFolder();

    tokenize::TokenizerRegistry registry(tokenize::TokenizerRegistry::defaultDataFolder());
    registry.setSnapshotFolder(cacheFolder); // "" with --no-cache: no snapshots either
    const Result<tokenize::VocabularyLimits> limits =
        parser.isSet(flags.maxVocabTokens)
            ? tokenize::parseVocabularyLimit(parser.value(flags.maxVocabTokens),
                                             QStringLiteral("--max-vocab-tokens"))
            : tokenize::vocabularyLimitsFromEnvironment();
    if (!limits) {
        err() << "error: " << limits.error().message << "\n";
        result.exitCode = ExitUsage;
        return result;
    }
    registry.setVocabularyLimits(*limits);
    const QString wanted = !parser.isSet(flags.tokenizer) && !flags.tokenizerFallback.isEmpty()
                               ? flags.tokenizerFallback
                               : parser.value(flags.tokenizer);
    const bool isFile = wanted.contains(QLatin1Char('/')) ||
                        wanted.endsWith(QLatin1String(".json")) ||
                        wanted.endsWith(QLatin1String(".gguf"));
    if (!isFile && wanted != QLatin1String("estimate") && registry.fileForName(wanted).isEmpty()) {
        err() << "error: unknown tokenizer '" << wanted << "' (see --help)\n";
        result.exitCode = ExitUsage;
        return result;
    }
    // The scan needs no tokenizer: it runs while the vocabulary loads (a first load parses
    // it, ~200 ms, which is longer than most scans). The scan stays on this thread, whose
    // heap is on huge pages (main.cpp): libgit2's index alone fills thousands of small
    // blocks.
    std::future<tokenize::TokenizerChoice> resolving =
        std::async(std::launch::async, [&registry, &wanted, isFile] {
            return registry.resolve(isFile ? QString() : wanted, true, isFile ? wanted : QString());
        });
    Result<repo::ScanResult> scanned = repo::scanRepository(options, nullptr);
    tokenize::TokenizerChoice choice = resolving.get();
    if (parser.isSet(flags.listPresets) && scanned) {
        result.exitCode = listPresets(scanned->info.rootPath);
        return result;
    }
    if (!choice.exactForModel && wanted != QLatin1String("estimate"))
        err() << "warning: " << choice.note << "\n";
    result.workspace = std::make_unique<workspace::Workspace>(pool, choice.tokenizer, cacheFolder);
    workspace::Workspace &ws = *result.workspace;
    ws.setPackOptions(packOptions);
    ws.setHeldTextBudget(heldTextBudget);
    QEventLoop loop;
    QObject::connect(&ws, &workspace::Workspace::scanFailed, &loop, [&](const Error &error) {
        err() << "error: " << cliWording(error.message) << "\n";
        result.exitCode = ExitOpen;
        loop.quit();
    });
    QObject::connect(&ws, &workspace::Workspace::countingFinished, &loop,
                     [&](bool cancelled, qint64) {
                         if (cancelled)
                             result.exitCode = ExitCancelled;
                         loop.quit();
                     });
    ws.open(options, std::move(scanned));
    loop.exec();
    if (result.exitCode == ExitOk && parser.isSet(flags.preset) && ws.selection()) {
        if (const std::optional<int> wrong =
                applyPresetByName(ws.selection()->snapshot().info().rootPath,
                                  parser.value(flags.preset), *ws.selection())) {
            result.exitCode = *wrong;
            return result;
        }
    }
    if (!ws.cacheProblem().isEmpty())
        err() << "warning: " << ws.cacheProblem() << "\n";
    // Saved while the files were counted; known by now.
    if (const QString problem = registry.snapshotProblem(); !problem.isEmpty())
        err() << "warning: " << problem << "\n";
    return result;
}

QJsonObject totalsJson(const prompt::Totals &t) {
    return QJsonObject{{QStringLiteral("tokens"), t.tokens},
                       {QStringLiteral("bytes"), t.bytes},
                       {QStringLiteral("lines"), t.lines},
                       {QStringLiteral("files"), t.files}};
}

QCommandLineOption allowUncountedOption() {
    return QCommandLineOption(
        QStringLiteral("allow-uncounted"),
        QStringLiteral("Go on when some selected files could not be counted (unreadable, gone): "
                       "they are left out of the pack, which then holds only counted files."));
}

std::optional<int> checkUncounted(const prompt::Selection &sel, bool allowed) {
    const repo::RepoSnapshot &snap = sel.snapshot();
    QStringList lines;
    for (int node = 0; node < snap.nodeCount(); ++node) {
        if (snap.isDirectory(node))
            continue;
        const prompt::FileState &f = sel.file(node);
        // Wanted by the selection rules (not excluded by the scan), but no count; or found
        // unreadable by the scan itself.
        const repo::Exclusion scanned = snap.file(node).exclusion;
        const bool wanted = scanned == repo::Exclusion::None;
        if (scanned == repo::Exclusion::Unreadable)
            lines << QStringLiteral("  ") + snap.visiblePath(node) +
                         QStringLiteral(": could not be read (check its permissions)");
        else if ((wanted && !f.problem.isEmpty()) || (f.checked && !f.counted))
            lines << QStringLiteral("  ") + snap.visiblePath(node) + QStringLiteral(": ") +
                         sel.uncountedReason(node);
    }
    if (lines.isEmpty())
        return std::nullopt;
    if (allowed) {
        err() << "warning: " << lines.size()
              << " file(s) could not be counted and are left out of the pack:\n"
              << lines.join(QLatin1Char('\n')) << "\n";
        return std::nullopt;
    }
    err() << "error: " << lines.size()
          << " selected file(s) could not be counted, so their tokens are unknown:\n"
          << lines.join(QLatin1Char('\n'))
          << "\nMake them readable, leave them out with --exclude, or pass --allow-uncounted to "
             "go on without them.\n";
    return ExitOpen;
}

std::optional<int> parseArguments(QCommandLineParser &parser, const QStringList &arguments) {
    if (!parser.parse(arguments)) {
        err() << "error: " << parser.errorText() << "\n";
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        // Qt names the executable only; the usage line names the command too.
        QString text = parser.helpText();
        const QStringList all = QCoreApplication::arguments();
        const QString written = QStringLiteral("Usage: ") + all.value(0);
        if (text.startsWith(written) && all.size() > 1)
            text.replace(0, written.size(), QStringLiteral("Usage: reposcope-cli ") + all[1]);
        out() << text;
        return ExitOk;
    }
    return std::nullopt;
}

} // namespace reposcope::cli
