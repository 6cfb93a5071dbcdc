// SPDX-License-Identifier: MIT
#pragma once

#include "llm/conversation.h"
#include "llm/local/enginesupervisor.h"
#include "llm/local/localmodels.h"
#include "prompt/prompttokens.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <optional>

// `ask --local MODEL.gguf`: the flags of the embedded local engine, and starting it for one
// request (the supervisor stops it when the command ends).
namespace reposcope::cli {

struct LocalFlags {
    QCommandLineOption local{
        QStringLiteral("local"),
        QStringLiteral("Run this GGUF model on this machine with the embedded engine (Node.js "
                       "and llama.cpp; no server, no key). Excludes --provider and --base-url; "
                       "counts with the model's own vocabulary."),
        QStringLiteral("MODEL.gguf")};
    QCommandLineOption ctx{QStringLiteral("ctx"),
                           QStringLiteral("--local: context size in tokens (default: what the "
                                          "pack and the answer need, rounded up, at most the "
                                          "model's trained context)."),
                           QStringLiteral("N")};
    QCommandLineOption threads{
        QStringLiteral("threads"),
        QStringLiteral("--local: CPU threads (default: the machine's cores)."),
        QStringLiteral("N")};
    QCommandLineOption gpu{QStringLiteral("gpu"),
                           QStringLiteral("--local: cpu (default), cuda or vulkan."),
                           QStringLiteral("cpu|cuda|vulkan")};

    void addTo(QCommandLineParser &p) { p.addOptions({local, ctx, threads, gpu}); }
    bool isSet(const QCommandLineParser &p) const { return p.isSet(local); }
};

// What --local asks for, checked.
struct LocalSettings {
    llm::EngineConfig config;  // threads resolved (never 0); contextSize 0 until sized
    QString modelName;         // the file name, for messages
    llm::LocalModel model;     // its metadata, for the memory estimate
    bool contextGiven = false; // --ctx: else the context is sized to the pack
};

// The context to start the engine with when --ctx is not given: the whole prompt plus the
// answer plus a tenth, rounded up to a multiple of 1024,
// at least 2048, at most the model's trained context (0 when it does not say).
qint64 autoContextSize(qint64 needed, qint64 trainedContext);

// Checks the --local flags against the others (--provider and --base-url are refused) and
// reads the model's metadata (its trained context when --ctx is not given). Prints the
// error and returns the exit code on failure.
std::optional<int> parseLocalFlags(const QCommandLineParser &parser, const LocalFlags &flags,
                                   const QStringList &excluded, LocalSettings *settings);

// The tokens kept free for the answer: --max-tokens when given, else what the engine keeps
// by default (min(512, context / 4)).
int reservedOutputTokens(int maxTokens, qint64 contextSize);

// Sizes the context (see autoContextSize) unless --ctx gave it, warns when the estimated
// memory exceeds what is free, refuses a pack that cannot fit (exit 7, before anything
// starts), then starts the engine,
// printing "starting", "loading N%" and "ready in X s" to stderr, and waits for it. On
// success `target` is the running engine's and ExitOk is returned; on failure the error is
// printed and ExitContext or ExitEngine returned. Runs a local event loop.
int startLocalEngine(LocalSettings settings, const prompt::PromptTokens &prompt, int maxTokens,
                     llm::EngineSupervisor &engine, llm::ChatTarget *target);

} // namespace reposcope::cli
