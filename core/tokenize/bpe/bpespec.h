// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "tokenize/vocablimits.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace reposcope::tokenize {

// Everything a byte-level BPE tokenizer needs, as plain data. Produced by the loaders
// (tiktoken rank files, Hugging Face tokenizer.json, the vocabulary inside a GGUF file)
// and consumed by BpeTokenizer. Tokens are raw bytes (loaders undo GPT-2's
// bytes-to-unicode mapping).
struct BpeSpec {
    QString id; // stable: includes a hash of the vocabulary file, e.g. "o200k_base:3f2a9c1d"
    QString displayName; // e.g. "o200k_base (tiktoken)"

    enum class Normalization { None, NFC, NFKC };
    Normalization normalization = Normalization::None;

    // Pre-tokenizer: regular expressions (PCRE2 syntax with Unicode properties) applied in
    // sequence; each splits every piece the previous one produced into its matches and the
    // text between them (Hugging Face Split with behaviour "Isolated"; tiktoken is a
    // single pattern whose gaps never occur in practice).
    QStringList splitPatterns;

    // Vocabulary: token bytes -> id.
    std::vector<std::pair<QByteArray, int>> vocab;
    // Merge ranks. Empty: tiktoken's rule (the rank of a pair is the id of the
    // concatenated token, if it exists). Otherwise the ordered merge list (rank = index).
    std::vector<std::pair<QByteArray, QByteArray>> merges;
    // Hugging Face "ignore_merges": a piece that is itself in the vocabulary is one token.
    bool ignoreMerges = false;
    // Special/added tokens: never matched inside file text when counting; kept for encode.
    std::vector<std::pair<QByteArray, int>> specialTokens;
};

// Loaders. Each names what is wrong in a malformed or truncated file, and refuses a
// vocabulary beyond `limits` (file size, entry counts) before parsing it, naming the limit
// and how to raise it.
// tiktoken@1.0.22 encoders/*.json
Result<BpeSpec> loadTiktokenJson(const QString &path, const VocabularyLimits &limits = {});
// Hugging Face tokenizer.json (BPE)
Result<BpeSpec> loadHfTokenizerJson(const QString &path, const VocabularyLimits &limits = {});
// tokenizer.ggml.* of a GGUF file
Result<BpeSpec> loadGgufVocabulary(const QString &path, const VocabularyLimits &limits = {});

} // namespace reposcope::tokenize
