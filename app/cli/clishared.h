// SPDX-License-Identifier: MIT
#pragma once

#include "prompt/packformat.h"
#include "prompt/selection.h"
#include "workspace/workspace.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QTextStream>

#include <memory>
#include <optional>

class QThreadPool;

// Pieces shared by the CLI commands: output streams, the selection flags and opening a
// repository with counting.
namespace reposcope::cli {

QTextStream &err();
QTextStream &out();

extern const char *const kExitCodes;

// The exit codes a command can end with, for its --help ("count", "pack" or "ask").
QString exitCodesFor(const QString &command);

// A core message as the command line says it: hints that name the GUI's menus and buttons
// (Settings ▸ Providers, File > Open, Fit to budget) become what to do with the CLI's flags.
QString cliWording(const QString &message);

// An indented JSON object whose keys keep the given order (QJsonObject sorts them): the
// totals go first, before the long per-file lists.
QByteArray orderedJson(const QList<QPair<QString, QJsonValue>> &members);

// Selection flags shared by count, pack and ask.
struct SelectionFlags {
    QCommandLineOption ref{
        QStringLiteral("ref"),
        QStringLiteral("Audit this commit, branch or tag instead of the working tree."),
        QStringLiteral("R")};
    QCommandLineOption include{
        QStringLiteral("include"),
        QStringLiteral("Only files matching this glob (repeatable; gitignore-like: *.go, src/**)."),
        QStringLiteral("G")};
    QCommandLineOption exclude{QStringLiteral("exclude"),
                               QStringLiteral("Leave out files matching this glob (repeatable)."),
                               QStringLiteral("G")};
    QCommandLineOption sizeCap{
        QStringLiteral("size-cap"),
        QStringLiteral("Exclude files larger than N bytes (default 1048576)."),
        QStringLiteral("N")};
    QCommandLineOption keepDefaults{
        QStringLiteral("no-default-excludes"),
        QStringLiteral(
            "Do not exclude lock files, generated/minified files and vendored folders.")};
    QCommandLineOption secretFiles{
        QStringLiteral("include-secret-files"),
        QStringLiteral(
            "Do not exclude secret files (.env, *.pem, id_rsa, credentials*.json, ...).")};
    QCommandLineOption cacheDir{QStringLiteral("cache-dir"),
                                QStringLiteral("Token cache folder (default: the user cache)."),
                                QStringLiteral("DIR")};
    QCommandLineOption noCache{QStringLiteral("no-cache"),
                               QStringLiteral("Do not read or write the token cache.")};

    QCommandLineOption tokenizer{
        QStringLiteral("tokenizer"),
        QStringLiteral("Count with NAME (o200k, cl100k, llama3, qwen3, deepseek_v3, estimate) or a "
                       "tokenizer.json "
                       "/ GGUF file. Default: o200k; the estimator if the vocabulary is missing."),
        QStringLiteral("NAME|FILE"), QStringLiteral("o200k")};

    QCommandLineOption maxVocabTokens{
        QStringLiteral("max-vocab-tokens"),
        QStringLiteral("Refuse vocabularies with more than N tokens, merges or added tokens, and "
                       "tokenizer files over N × 128 bytes, before parsing them (default 500000; "
                       "also $REPOSCOPE_MAX_VOCAB_TOKENS)."),
        QStringLiteral("N")};

    QCommandLineOption preset{
        QStringLiteral("preset"),
        QStringLiteral("Select the files of the saved selection preset NAME: yours for this "
                       "repository (saved in the window), else the repository's "
                       ".reposcope/presets.json. --include/--exclude and the default excludes "
                       "still leave files out."),
        QStringLiteral("NAME")};
    QCommandLineOption listPresets{QStringLiteral("list-presets"),
                                   QStringLiteral("List the selection presets of PATH and exit.")};

    // Counted with this (a tokenizer name or file) when --tokenizer is not given: ask --local
    // counts with the model's own GGUF vocabulary.
    QString tokenizerFallback;

    void addTo(QCommandLineParser &p) {
        p.addOptions({ref, include, exclude, sizeCap, keepDefaults, secretFiles, cacheDir, noCache,
                      tokenizer, maxVocabTokens, preset, listPresets});
    }
};

// The scan options the selection flags and the one PATH give; prints a clear error and
// returns the exit code to stop with when they are wrong.
std::optional<int> scanOptionsFrom(const QCommandLineParser &parser, const SelectionFlags &flags,
                                   repo::ScanOptions *options);

struct Opened {
    // Null when the command is done already (--list-presets).
    std::unique_ptr<workspace::Workspace> workspace;
    int exitCode = 0;
};

// Parses, opens and counts; prints a clear error and sets exitCode on failure.
// heldTextBudget > 0: the workspace keeps up to that many bytes of the decoded text it
// reads while counting (Workspace::takeHeldTexts).
Opened openAndCount(QCommandLineParser &parser, SelectionFlags &flags, QThreadPool *pool,
                    const prompt::PackOptions &packOptions, qint64 heldTextBudget = 0);

QJsonObject totalsJson(const prompt::Totals &t);

// --allow-uncounted, for the commands that write or send a pack (pack, ask).
QCommandLineOption allowUncountedOption();
// Files the selection rules would send but that could not be counted (unreadable, gone):
// they are never packed. Without --allow-uncounted this names them and returns the exit
// code to stop with; with it, it names them as a warning and returns nothing.
std::optional<int> checkUncounted(const prompt::Selection &selection, bool allowed);

// Parses a command's arguments: the exit code when the command is done already (a usage
// error, printed, or --help, shown), or nothing when it should run.
std::optional<int> parseArguments(QCommandLineParser &parser, const QStringList &arguments);

} // namespace reposcope::cli
