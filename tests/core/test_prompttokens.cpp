// SPDX-License-Identifier: MIT
// The prompt of a request as the model reads it: every part counted, nothing left out.
#include "prompt/prompttokens.h"
#include "prompt/systemprompt.h"
#include "tokenize/estimatortokenizer.h"

#include <gtest/gtest.h>

using namespace reposcope;

namespace {

qint64 count(const tokenize::Tokenizer &tok, const QByteArray &text) {
    return qint64(tok.count(std::string_view(text.constData(), size_t(text.size()))));
}

} // namespace

TEST(PromptTokens, CountsSystemPromptQuestionAndTemplateBesideThePack) {
    const tokenize::EstimatorTokenizer tok;
    const QByteArray system = prompt::defaultSystemPrompt();
    const QString question = QStringLiteral("Find every SQL injection and explain the data flow.");
    const prompt::PromptTokens t = prompt::firstRequestTokens(tok, system, 295, question);
    EXPECT_EQ(t.pack, 295);
    EXPECT_EQ(t.systemPrompt, count(tok, system));
    EXPECT_GT(t.systemPrompt, 0);
    EXPECT_EQ(t.question, count(tok, "\n\n" + question.toUtf8()));
    // system, user, and the assistant's opening header
    EXPECT_EQ(t.chatTemplate, 3 * prompt::kTemplateTokensPerMessage);
    EXPECT_EQ(t.total(), 295 + t.systemPrompt + t.question + t.chatTemplate);
}

TEST(PromptTokens, NoSystemPromptMeansOneMessageLess) {
    const tokenize::EstimatorTokenizer tok;
    const prompt::PromptTokens t = prompt::firstRequestTokens(tok, {}, 10, QStringLiteral("Hi?"));
    EXPECT_EQ(t.systemPrompt, 0);
    EXPECT_EQ(t.chatTemplate, 2 * prompt::kTemplateTokensPerMessage);
}
