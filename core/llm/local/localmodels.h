// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>

namespace reposcope::llm {

// Where a model was found (LocalModel::source).
namespace modelsource {
inline QString folder() {
    return QStringLiteral("folder");
}
inline QString llamaCppCache() {
    return QStringLiteral("llama.cpp cache");
}
inline QString huggingFaceCache() {
    return QStringLiteral("Hugging Face cache");
}
inline QString lmStudio() {
    return QStringLiteral("LM Studio");
}
inline QString ollama() {
    return QStringLiteral("Ollama");
}
} // namespace modelsource

// One GGUF model on disk, as a model list shows it. Shape fields are 0 when the file does
// not say; a file that cannot be read is still listed, with `error` set and the metadata
// fields left empty.
struct LocalModel {
    QString path;        // the file to load (the first part of a split model)
    QString displayName; // "llama3:8b" (Ollama), "org/repo/file" (Hugging Face), ...
    QString source;      // one of modelsource::*
    qint64 fileSize = 0; // bytes, all parts of a split model together
    int partCount = 1;   // > 1 for "-00001-of-0000N" split models

    QString architecture; // general.architecture, e.g. "llama"
    qint64 parameterCount = 0;
    // False when general.parameter_count gave the count; true when it was summed from the
    // tensor shapes of the part(s) read instead.
    bool parameterCountEstimated = false;
    QString quantization;      // from general.file_type, e.g. "Q4_K_M"; empty when unknown
    qint64 trainedContext = 0; // <arch>.context_length
    qint64 layerCount = 0;     // <arch>.block_count
    qint64 embeddingLength = 0;
    qint64 headCount = 0;
    qint64 headCountKv = 0; // equals headCount when the file does not say (no GQA)
    qint64 keyLength = 0;   // <arch>.attention.key_length when the file says, else 0
    qint64 valueLength = 0; // <arch>.attention.value_length when the file says, else 0

    QString error; // why the file could not be read (the reader's message); empty when fine
};

// Where discovery looks. Empty entries are skipped; missing folders are not an error.
struct DiscoveryRoots {
    QStringList folders;    // the user's own folders, searched recursively
    QString llamaCppCache;  // ~/.cache/llama.cpp: *.gguf at the top level
    QString huggingFaceHub; // $HF_HOME/hub: models--org--name/snapshots/<rev>/...
    QStringList lmStudio;   // <root>/<publisher>/<model>/*.gguf
    QString ollamaModels;   // $OLLAMA_MODELS: manifests/ and blobs/

    // The well-known locations for this user, from the environment (HOME, XDG_CACHE_HOME,
    // HF_HOME, HF_HUB_CACHE, OLLAMA_MODELS) plus `folders`. Cheap; touches no files.
    static DiscoveryRoots defaults(const QStringList &folders = {});
};

// Finds GGUF models under `roots` and reads each one's metadata (header and key/values
// plus tensor descriptions; never tensor data: a few ms per model). A file reached twice
// (an Ollama blob behind two tags, the same Hugging Face blob in two snapshots, a folder
// that contains a cache) is listed once, the first way it was found, in the order of the
// DiscoveryRoots fields. Symbolic links are followed, but a directory is never entered
// twice, so link loops end. Blocking and file-system bound: call it on a worker thread.
// Thread-safe (no shared state). `cancel` (may be null) is checked between files and
// directories; when it is set the models found so far are returned.
QList<LocalModel> discoverLocalModels(const DiscoveryRoots &roots,
                                      const std::atomic_bool *cancel = nullptr);

// Reads one GGUF file (and the other parts of a split model) into a LocalModel; on failure
// the result carries `error`. `source` and `displayName` are copied in. Blocking.
LocalModel inspectLocalModel(const QString &path, const QString &source,
                             const QString &displayName);

// Compute buffers and runtime state that llama.cpp allocates besides weights and KV cache;
// a fixed, deliberately generous allowance rather than a per-model figure.
inline constexpr qint64 kEngineOverheadBytes = qint64(512) << 20;

struct MemoryEstimate {
    qint64 weightsBytes = 0;   // the file size: weights are mapped as stored
    qint64 kvCacheBytes = 0;   // f16 K and V for every layer at the chosen context
    qint64 overheadBytes = 0;  // kEngineOverheadBytes
    qint64 totalBytes = 0;     // the sum of the three
    qint64 availableBytes = 0; // what it was compared with; < 0 when unknown
    qint64 contextTokens = 0;  // the context the KV cache was sized for
    bool kvCacheKnown = true;  // false when the file lacks the shape keys (KV counted as 0)
    bool fits = false;         // totalBytes <= availableBytes (false when unknown)
    QString summary;           // "needs ≈5.1 GB of 7.8 GB free"
};

// Memory to run `model` with a context of `contextTokens` (<= 0: its trained context),
// against `availableBytes` (< 0: unknown). KV cache at f16 = 2 (K and V) × layers ×
// context × (key/value length × kv heads) × 2 bytes, where the key/value length is
// embedding / heads unless the file states it. Pure arithmetic; any thread.
MemoryEstimate estimateMemory(const LocalModel &model, qint64 contextTokens, qint64 availableBytes);

// MemAvailable from /proc/meminfo in bytes; -1 when it cannot be read (not Linux).
// Reads one small file; any thread.
qint64 availableMemoryBytes();
// The parser behind it, for tests: the MemAvailable line of a /proc/meminfo text.
qint64 parseMemAvailable(const QByteArray &meminfo);

} // namespace reposcope::llm
