// SPDX-License-Identifier: MIT
#pragma once

#include "llm/stream/sseparser.h"

#include <QString>

#include <optional>

namespace reposcope::llm {

// Token figures a backend reported. -1 = not reported.
struct TokenUsage {
    qint64 promptTokens = -1;
    qint64 completionTokens = -1;
    qint64 cachedPromptTokens = -1; // prompt tokens served from the provider's prefix cache
    bool valid() const { return promptTokens >= 0 || completionTokens >= 0; }
};

// Real prefill progress, in llama-server's shape (`return_progress: true`), which the
// local engine also emits: overall = processed / total.
struct PromptProgress {
    qint64 total = 0;
    qint64 cache = 0;
    qint64 processed = 0;
    qint64 timeMs = 0;
    double fraction() const { return total > 0 ? double(processed) / double(total) : 0.0; }
};

// An error object a server put inside a stream whose HTTP status was 200 (OpenRouter,
// vLLM, llama-server, Groq's x_groq.error).
struct StreamError {
    QString message;
    QString type;
    QString code;
    QString upstreamProvider; // OpenRouter's metadata.provider_name: who really failed
};

// What one SSE event of an OpenAI-compatible chat-completions stream said.
struct StreamChunk {
    QString contentDelta;
    QString reasoningDelta; // `reasoning_content` / `reasoning` of thinking models
    QString finishReason;   // "stop", "length", ... when this chunk ends the choice
    std::optional<TokenUsage> usage;
    std::optional<PromptProgress> progress;
    std::optional<StreamError> error;
    bool done = false;      // the `[DONE]` sentinel
    bool malformed = false; // data that is not valid JSON, or JSON of the wrong shape
    QString malformedReason;
};

// Decodes the data of one SSE event into a StreamChunk. Understands the variants of
// PROVIDERS.md: usage in a final chunk with `choices: []` (OpenAI, vLLM, Ollama),
// `x_groq.usage` / `x_groq.error` (Groq), usage on every chunk (vLLM
// continuous_usage_stats), llama-server's `timings` (whose `cache_n` also completes a
// `usage` without cached figures), `prompt_progress` and a first delta with
// `content: null`, OpenRouter's error events (with metadata.provider_name), Anthropic's
// usage names (input_tokens, output_tokens, cache_read_input_tokens). Stateless; cheap.
StreamChunk decodeChatChunk(const SseEvent &event);

} // namespace reposcope::llm
