// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "llm/catalog/modelcatalog.h"
#include "llm/conversation.h"

#include <QString>

namespace reposcope::llm {

class EngineSupervisor;
struct EngineInfo;

// The catalog id of the embedded local engine.
inline QString localProviderId() {
    return QStringLiteral("local");
}

// What a conversation with a running local engine is sent to: provider "local", the model
// the host reported, context cap = the context it runs with, prices 0, usage and prefill
// progress requested. `maxOutputTokens` 0 = let the host reserve its default. Pure.
ChatTarget localChatTarget(const Endpoint &endpoint, const EngineInfo &info,
                           int maxOutputTokens = 0);
// The same from a supervisor that is Ready or Busy (its endpoint and info).
ChatTarget localChatTarget(const EngineSupervisor &supervisor, int maxOutputTokens = 0);

// The catalog's model entry for a GGUF file run by the local engine: id = the file's base
// name (what the host's /v1/models lists), context = the chosen context size, prices 0.
// Counts are exact with the model's own vocabulary: resolve the tokenizer with
// TokenizerRegistry::resolve(entry.tokenizer, entry.tokenizerExact, modelPath) (the GGUF as
// the user file). Pure.
ModelEntry localModelEntry(const QString &modelPath, qint64 contextSize,
                           qint64 maxOutputTokens = 4096);
// The "local" provider for the budget meter and the chat: `builtIn` (the catalog's entry,
// may be null) with its models replaced by localModelEntry(modelPath, contextSize), and the
// base URL of the running engine when `endpoint` has one. Pure.
ProviderEntry localProviderEntry(const ProviderEntry *builtIn, const QString &modelPath,
                                 qint64 contextSize, const Endpoint &endpoint = {});

// Where the engine host and Node.js are (EngineSupervisor::findHostScript / findNode).
// Touch a few files; any thread.
Result<QString> findEngineHostScript();
Result<QString> findNodeExecutable();
// The host's packages (node-llama-cpp) beside `hostScript`: an error naming what to run
// when they are not installed.
Result<Ok> checkEnginePackages(const QString &hostScript);

} // namespace reposcope::llm
