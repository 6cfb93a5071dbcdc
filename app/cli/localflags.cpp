// SPDX-License-Identifier: MIT
#include "localflags.h"

#include "clicommands.h"
#include "clishared.h"

#include "llm/local/localengine.h"
#include "llm/local/localmodels.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QThread>

#include <algorithm>

namespace reposcope::cli {

namespace {

// A positive integer flag; 0 when not given; -1 (printed) when invalid.
int positiveFlag(const QCommandLineParser &parser, const QCommandLineOption &option) {
    if (!parser.isSet(option))
        return 0;
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (ok && value > 0)
        return value;
    err() << "error: --" << option.names().constFirst() << " needs a positive number\n";
    return -1;
}

} // namespace

std::optional<int> parseLocalFlags(const QCommandLineParser &parser, const LocalFlags &flags,
                                   const QStringList &excluded, LocalSettings *settings) {
    for (const QString &name : excluded) {
        if (parser.isSet(name)) {
            err() << "error: --local runs the model on this machine: leave out --" << name << "\n";
            return ExitUsage;
        }
    }
    const int ctx = positiveFlag(parser, flags.ctx);
    const int threads = positiveFlag(parser, flags.threads);
    if (ctx < 0 || threads < 0)
        return ExitUsage;
    const QString gpu =
        parser.isSet(flags.gpu) ? parser.value(flags.gpu).toLower() : QStringLiteral("cpu");
    if (gpu != QLatin1String("cpu") && gpu != QLatin1String("cuda") &&
        gpu != QLatin1String("vulkan")) {
        err() << "error: --gpu must be cpu, cuda or vulkan\n";
        return ExitUsage;
    }
    const QFileInfo file(parser.value(flags.local));
    if (!file.isFile()) {
        err() << "error: the model file " << parser.value(flags.local)
              << " does not exist: give the path of a .gguf file\n";
        return ExitUsage;
    }
    const llm::LocalModel model =
        llm::inspectLocalModel(file.absoluteFilePath(), llm::modelsource::folder(), QString());
    if (!model.error.isEmpty()) {
        err() << "error: " << file.fileName() << " is not a usable GGUF model: " << model.error
              << "\n";
        return ExitEngine;
    }
    settings->config.modelPath = file.absoluteFilePath();
    settings->config.contextSize = ctx;
    settings->contextGiven = ctx > 0;
    settings->model = model;
    settings->config.threads = threads > 0 ? threads : QThread::idealThreadCount();
    settings->config.gpu = gpu;
    settings->modelName = file.fileName();
    return std::nullopt;
}

int reservedOutputTokens(int maxTokens, qint64 contextSize) {
    if (maxTokens > 0)
        return maxTokens;
    return int(qMin<qint64>(512, contextSize / 4));
}

qint64 autoContextSize(qint64 needed, qint64 trainedContext) {
    const qint64 withMargin = needed + needed / 10;
    qint64 size = std::max<qint64>(2048, (withMargin + 1023) / 1024 * 1024);
    if (trainedContext > 0)
        size = std::min(size, trainedContext);
    return size;
}

int startLocalEngine(LocalSettings settings, const prompt::PromptTokens &prompt, int maxTokens,
                     llm::EngineSupervisor &engine, llm::ChatTarget *target) {
    const qint64 promptTokens = prompt.total();
    if (!settings.contextGiven) {
        const qint64 trained = settings.model.trainedContext;
        const int answer = maxTokens > 0 ? maxTokens : 512;
        settings.config.contextSize = int(autoContextSize(promptTokens + answer, trained));
    }
    const qint64 context = settings.config.contextSize;
    const int reserved = reservedOutputTokens(maxTokens, context);
    const llm::MemoryEstimate memory =
        llm::estimateMemory(settings.model, context, llm::availableMemoryBytes());
    if (memory.availableBytes >= 0 && !memory.fits)
        err() << "warning: at a context of " << context << " the model " << memory.summary
              << "; it may swap or fail to load (use a smaller --ctx, or a smaller model)\n";
    if (promptTokens + reserved > context) {
        err() << "error: the prompt is " << promptTokens << " tokens (pack " << prompt.pack
              << " + system prompt " << prompt.systemPrompt << " + question " << prompt.question
              << " + chat template " << prompt.chatTemplate << ") + " << reserved
              << " reserved for the answer = " << promptTokens + reserved
              << "; the local context is " << context
              << (settings.contextGiven ? ": use a larger --ctx, or narrow"
                                        : " (what the model was trained for): narrow")
              << " the selection (--include/--exclude, a subfolder) or shorten the question\n";
        return ExitContext;
    }
    err() << "starting the local engine: " << settings.modelName << " (ctx " << context << ", "
          << settings.config.threads << " threads)\n";
    err().flush();
    QElapsedTimer clock;
    clock.start();
    QEventLoop loop;
    int lastDecile = -1;
    QObject::connect(&engine, &llm::EngineSupervisor::loadProgressed, &loop,
                     [&lastDecile](double progress) {
                         const int percent = int(progress * 100);
                         if (percent >= 100 || percent / 10 == lastDecile)
                             return;
                         lastDecile = percent / 10;
                         err() << "loading " << percent << "%\n";
                         err().flush();
                     });
    QObject::connect(&engine, &llm::EngineSupervisor::ready, &loop, [&loop] { loop.quit(); });
    QObject::connect(&engine, &llm::EngineSupervisor::failed, &loop, [&loop] { loop.quit(); });
    engine.start(settings.config);
    if (engine.state() != llm::EngineState::Failed)
        loop.exec();
    if (engine.state() != llm::EngineState::Ready) {
        err() << "error: " << engine.lastError() << "\n";
        return ExitEngine;
    }
    err() << "ready in " << QString::number(double(clock.elapsed()) / 1000.0, 'f', 1)
          << " s (context " << engine.info().contextSize << ")\n";
    err().flush();
    QObject::connect(&engine, &llm::EngineSupervisor::crashed, &engine, [](const QString &reason) {
        err() << "error: " << reason << "\n";
        err().flush();
    });
    *target = llm::localChatTarget(engine, reserved);
    return ExitOk;
}

} // namespace reposcope::cli
