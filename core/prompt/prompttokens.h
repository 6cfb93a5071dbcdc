// SPDX-License-Identifier: MIT
#pragma once

#include "tokenize/tokenizer.h"

#include <QByteArray>
#include <QString>

namespace reposcope::prompt {

// Between the pack and the first question in the first user message (the pack stays a
// byte-identical prefix of every request of a conversation).
inline constexpr char kQuestionSeparator[] = "\n\n";

// A chat template wraps each message in role markers (Llama 3: a header of 4 tokens and an
// end-of-turn token; ChatML: 5), and opens the assistant's turn: an allowance per message that
// no common template exceeds, so a pre-flight check never passes what the server refuses.
inline constexpr qint64 kTemplateTokensPerMessage = 8;

// The prompt of one request as the model sees it, part by part, so a refusal can say how the
// parts add up.
struct PromptTokens {
    qint64 pack = 0;         // the selected files and the pack's headers, tree and line numbers
    qint64 systemPrompt = 0; // counted with the request's tokenizer
    qint64 question = 0;     // the separator and the question
    qint64 chatTemplate = 0; // role markers around each message
    qint64 total() const { return pack + systemPrompt + question + chatTemplate; }
};

// The prompt of a first request: system prompt, then one user message of pack and question.
PromptTokens firstRequestTokens(const tokenize::Tokenizer &tokenizer,
                                const QByteArray &systemPrompt, qint64 packTokens,
                                const QString &question);

} // namespace reposcope::prompt
