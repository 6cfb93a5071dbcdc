// SPDX-License-Identifier: MIT
#pragma once

#include "llm/client/chatclient.h"

#include <QString>

namespace reposcope::llm {

// True for the finish reasons that mean "stopped at the output token limit": "length"
// (OpenAI and every OpenAI-compatible server), "max_tokens" (Anthropic, passed through by
// some gateways), "max_output_tokens", Gemini's "MAX_TOKENS" and Anthropic's
// "model_context_window_exceeded". Case-insensitive.
bool isCutOffReason(const QString &finishReason);

// How a request that ended Done (the stream said it was over) ended for the person who
// asked: the text of the answer, the thinking and the finish reason decide.
enum class AnswerEnd {
    Complete,     // text, and the model stopped by itself
    CutOff,       // text, then the output token limit: the answer is incomplete
    ThinkingOnly, // only reasoning, then the limit: the whole budget went on thinking
    NoText,       // the model ended without any answer text (reasoning or not)
};
AnswerEnd answerEnd(const QString &answer, const QString &reasoning, const QString &finishReason);

// Whether an answer that ended so is incomplete (exports mark it partial, Continue applies).
inline bool isIncomplete(AnswerEnd end) {
    return end == AnswerEnd::CutOff || end == AnswerEnd::ThinkingOnly;
}

// What to tell the person about an answer that did not end Complete: what happened and what
// to do, in the window's words (the CLI's cliWording turns the hints into its flags). Empty
// for Complete. `maxOutputTokens`: the tokens the request kept for the answer (0: the
// server's default). The hints are kAnswerEndHint* below, so a caller can replace them.
QString answerEndMessage(AnswerEnd end, const ChatStats &stats, int maxOutputTokens);

inline constexpr char kCutOffHint[] =
    "Press Continue, or raise the reserve for the answer in the Budget panel and ask again.";
inline constexpr char kThinkingOnlyHint[] =
    "Raise the reserve for the answer in the Budget panel and ask again, or ask a narrower "
    "question.";

} // namespace reposcope::llm
