// SPDX-License-Identifier: MIT
#include "llm/local/localengine.h"

#include "llm/local/enginesupervisor.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace reposcope::llm {

namespace {

QString hostIn(const QString &folder) {
    return QDir(folder).absoluteFilePath(QStringLiteral("host.mjs"));
}

bool isFile(const QString &path) {
    return !path.isEmpty() && QFileInfo(path).isFile();
}

} // namespace

ChatTarget localChatTarget(const Endpoint &endpoint, const EngineInfo &info, int maxOutputTokens) {
    ChatTarget target;
    target.endpoint = endpoint;
    target.providerId = localProviderId();
    target.model = info.model;
    target.contextCap = info.contextSize;
    target.maxOutputTokens = maxOutputTokens;
    target.inputPerMillion = 0.0;
    target.outputPerMillion = 0.0;
    target.includeUsage = true;
    target.returnProgress = true;
    return target;
}

ChatTarget localChatTarget(const EngineSupervisor &supervisor, int maxOutputTokens) {
    return localChatTarget(supervisor.endpoint(), supervisor.info(), maxOutputTokens);
}

ModelEntry localModelEntry(const QString &modelPath, qint64 contextSize, qint64 maxOutputTokens) {
    ModelEntry model;
    model.id = QFileInfo(modelPath).fileName();
    model.name = QFileInfo(modelPath).completeBaseName();
    model.contextTokens = contextSize;
    model.maxOutputTokens = maxOutputTokens;
    model.inputPerMillion = 0.0;
    model.outputPerMillion = 0.0;
    // No catalog vocabulary: the GGUF itself is the tokenizer (passed as the user file).
    model.tokenizer = QStringLiteral("estimate");
    model.tokenizerExact = true;
    model.note = modelPath;
    return model;
}

ProviderEntry localProviderEntry(const ProviderEntry *builtIn, const QString &modelPath,
                                 qint64 contextSize, const Endpoint &endpoint) {
    ProviderEntry provider;
    if (builtIn) {
        provider = *builtIn;
    } else {
        provider.id = localProviderId();
        provider.name = QStringLiteral("Local engine (embedded llama.cpp)");
        provider.kind = QStringLiteral("local");
        provider.auth = QStringLiteral("bearer");
        provider.usageMode = QStringLiteral("include_usage");
        provider.returnProgress = true;
    }
    provider.tokenizeApi = QStringLiteral("llama-server");
    provider.capSource = QStringLiteral("llama-server-props");
    if (!endpoint.baseUrl.isEmpty())
        provider.baseUrl = endpoint.baseUrl.toString();
    const qint64 maxOutput =
        builtIn && !builtIn->models.isEmpty() ? builtIn->models.constFirst().maxOutputTokens : 4096;
    provider.models = {localModelEntry(modelPath, contextSize, maxOutput)};
    return provider;
}

Result<QString> findEngineHostScript() {
    QStringList tried;
    const QString envDir = qEnvironmentVariable("REPOSCOPE_ENGINE_DIR");
    if (!envDir.isEmpty()) {
        const QString host = hostIn(envDir);
        if (isFile(host))
            return host;
        tried << host;
    }
    const QString appDir =
        QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QString();
    if (!appDir.isEmpty()) {
        const QString host = hostIn(appDir + QStringLiteral("/../share/reposcope/engine"));
        if (isFile(host))
            return QFileInfo(host).canonicalFilePath();
        tried << QDir::cleanPath(host);
    }
#ifdef REPOSCOPE_ENGINE_SOURCE_DIR
    const QString source = hostIn(QStringLiteral(REPOSCOPE_ENGINE_SOURCE_DIR));
    if (isFile(source))
        return source;
    tried << source;
#endif
    return Error::make(Error::Code::NotFound,
                       QStringLiteral("the local engine host (host.mjs) was not found (looked at "
                                      "%1): set REPOSCOPE_ENGINE_DIR to the engine folder")
                           .arg(tried.join(QStringLiteral(", "))));
}

Result<QString> findNodeExecutable() {
    const QString fromEnv = qEnvironmentVariable("REPOSCOPE_NODE");
    if (!fromEnv.isEmpty()) {
        const QFileInfo info(fromEnv);
        if (info.isFile() && info.isExecutable())
            return info.absoluteFilePath();
        return Error::make(Error::Code::NotFound,
                           QStringLiteral("Node.js was not found at %1 (REPOSCOPE_NODE): point "
                                          "it at a node executable (version 20 or newer)")
                               .arg(fromEnv));
    }
#ifdef REPOSCOPE_ENGINE_SOURCE_DIR
    // scripts/bootstrap.sh fetches Node.js 22 here when the system's is older than 20.
    const QFileInfo fetched(QStringLiteral(REPOSCOPE_ENGINE_SOURCE_DIR "/../.deps/node/bin/node"));
    if (fetched.isFile() && fetched.isExecutable())
        return QDir::cleanPath(fetched.absoluteFilePath());
#endif
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (!onPath.isEmpty())
        return onPath;
    return Error::make(Error::Code::NotFound,
                       QStringLiteral("Node.js (node) was not found on PATH: the local engine "
                                      "needs Node.js 20 or newer; install it, or set "
                                      "REPOSCOPE_NODE to its executable"));
}

Result<Ok> checkEnginePackages(const QString &hostScript) {
    const QDir dir = QFileInfo(hostScript).absoluteDir();
    const QString package = dir.absoluteFilePath(QStringLiteral("node_modules/node-llama-cpp"));
    if (QFileInfo(package).isDir())
        return Ok{};
    return Error::make(Error::Code::NotFound,
                       QStringLiteral("the local engine's packages are not installed (%1 is "
                                      "missing): run scripts/bootstrap.sh, or `npm ci "
                                      "--omit=optional` in %2")
                           .arg(package, dir.absolutePath()));
}

} // namespace reposcope::llm
