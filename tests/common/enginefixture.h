// SPDX-License-Identifier: MIT
#pragma once

#include "ggufwriter.h"

#include <QList>
#include <QString>

namespace reposcope::llm {
class EngineSupervisor;
struct EngineConfig;
} // namespace reposcope::llm

namespace reposcope::test {

// Why the real local engine cannot run here, "" when it can: Node.js, engine/host.mjs and
// engine/node_modules (scripts/bootstrap.sh installs them). Engine tests FAIL with this
// message rather than skip: CI must have the engine.
QString engineUnavailableReason();

// A tiny llama model llama.cpp loads (random weights, ChatML template, trained context
// `context`), written to `folder/name`; returns its path.
QString writeTinyModel(const QString &folder, const QString &name = QStringLiteral("tiny.gguf"),
                       quint32 context = 8192);
// Broken variants: "truncated" (the file cut in the middle of its tensors) or
// "no-head-count" (llama.attention.head_count missing: llama.cpp aborts loading).
QString writeBrokenModel(const QString &folder, const QString &kind);

// Starts `supervisor` and spins the event loop until it is Ready or Failed (or a minute
// passed); true when Ready.
bool startAndWaitReady(llm::EngineSupervisor &supervisor, const llm::EngineConfig &config);

// True while /proc/<pid> exists and is not a zombie.
bool processAlive(qint64 pid);
// Live processes whose command line contains `needle` (e.g. a test's unique model path).
QList<qint64> processesWithArgument(const QString &needle);

} // namespace reposcope::test
