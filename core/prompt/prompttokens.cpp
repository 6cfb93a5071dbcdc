// SPDX-License-Identifier: MIT
#include "prompt/prompttokens.h"

#include <string_view>

namespace reposcope::prompt {

namespace {

qint64 countBytes(const tokenize::Tokenizer &tokenizer, const QByteArray &text) {
    return qint64(tokenizer.count(std::string_view(text.constData(), size_t(text.size()))));
}

} // namespace

PromptTokens firstRequestTokens(const tokenize::Tokenizer &tokenizer,
                                const QByteArray &systemPrompt, qint64 packTokens,
                                const QString &question) {
    PromptTokens t;
    t.pack = packTokens;
    t.systemPrompt = countBytes(tokenizer, systemPrompt);
    t.question = countBytes(tokenizer, QByteArray(kQuestionSeparator) + question.toUtf8());
    const int messages = systemPrompt.isEmpty() ? 1 : 2;
    t.chatTemplate = kTemplateTokensPerMessage * (messages + 1); // + the assistant's header
    return t;
}

} // namespace reposcope::prompt
