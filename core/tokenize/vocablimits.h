// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QString>

namespace reposcope::tokenize {

// How large a vocabulary the loaders accept, checked before anything is parsed: above any
// real one (the largest, Gemma 3's, holds 262,144 tokens and 514,906 merges in a 33 MB
// tokenizer.json), far below what would exhaust memory (a 300 MB JSON parses into several
// GB). A value type.
struct VocabularyLimits {
    static constexpr qint64 kDefaultMaxTokens = 600'000;
    // Merges may number this many times the token limit (Gemma 3 has 1.96 per token).
    static constexpr qint64 kMergesPerToken = 2;
    // tokenizer.json and tiktoken files may take this many bytes per token of the limit
    // (real ones take 10–130), so the default allows 76.8 MB.
    static constexpr qint64 kFileBytesPerToken = 128;

    // Vocabulary entries and added tokens (tokenizer.json), ranks (tiktoken), tokens and
    // token types (GGUF), each.
    qint64 maxTokens = kDefaultMaxTokens;

    qint64 maxMerges() const { return maxTokens * kMergesPerToken; }
    qint64 maxFileBytes() const { return maxTokens * kFileBytesPerToken; }
};

// The environment variable that raises (or lowers) the limit for the app and the CLI.
inline constexpr char kMaxVocabTokensEnv[] = "REPOSCOPE_MAX_VOCAB_TOKENS";

// `text` as a limit: a positive whole number of tokens. `source` names where it came from
// for the error ("--max-vocab-tokens", "REPOSCOPE_MAX_VOCAB_TOKENS").
Result<VocabularyLimits> parseVocabularyLimit(const QString &text, const QString &source);
// The built-in limits, or $REPOSCOPE_MAX_VOCAB_TOKENS when it is set; an error (Usage) when it
// is set to something that is not a positive number. Reads the environment; cheap.
Result<VocabularyLimits> vocabularyLimitsFromEnvironment();

// The sentence a refusal ends with: how to raise the limit.
QString raiseVocabularyLimitHint();

// "tokenizer.json is 300.0 MB, over the 64.0 MB limit for a vocabulary file" style refusal
// texts, shared by the loaders so every one names the limit and how to raise it.
QString vocabularyFileTooLarge(qint64 size, const VocabularyLimits &limits);
// `merges`: `what` is a merge list, held to maxMerges() rather than maxTokens.
QString vocabularyTooLarge(const QString &what, qint64 count, const VocabularyLimits &limits,
                           bool merges = false);

} // namespace reposcope::tokenize
