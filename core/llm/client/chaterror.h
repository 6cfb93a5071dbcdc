// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QPair>
#include <QString>

#include <optional>

namespace reposcope::llm {

// Why a chat request failed, as a kind the caller can branch on (the CLI maps kinds to
// exit codes, the chat pane offers "Fit to budget" on ContextOverflow) plus a message a
// person can act on. `serverMessage` keeps the server's own words (never an API key).
struct ChatError {
    enum class Kind {
        Authentication,       // 401/403: the key is missing, wrong or lacks access
        ModelNotFound,        // 404 or "model not found"
        ContextOverflow,      // 400/413 the prompt does not fit the model's context
        TooLargeForRateLimit, // Groq's 413 "Request too large ... tokens per minute": waiting won't
                              // help
        RateLimited,          // 429: retryable after retryAfterSeconds
        PaymentRequired,      // 402 (OpenRouter credits)
        ServerError,          // 5xx (503 is retryable)
        BadRequest,           // other 4xx
        HostNotFound,         // DNS
        ConnectionRefused,    // nothing listens there
        Tls,                  // certificate / handshake
        Timeout,              // no byte for the configured time
        ConnectionDropped,    // the connection ended before the stream did
        StreamError,          // an error object inside a 200 stream
        Protocol,             // invalid JSON chunk, not an event stream, ...
        Cancelled,
        Other,
    };
    Kind kind = Kind::Other;
    int httpStatus = 0;
    QString message;       // what happened and what to do
    QString serverMessage; // the server's own text, if any
    bool retryable = false;
    std::optional<int> retryAfterSeconds; // the wait the server asked for, rounded up
    std::optional<qint64> retryAfterMs;   // the same wait to the millisecond (retry-after-ms)
    // Context overflow figures, when the server states them.
    std::optional<qint64> promptTokens;
    std::optional<qint64> contextLimit;
    std::optional<qint64> tokensOver() const {
        if (promptTokens && contextLimit && *promptTokens > *contextLimit)
            return *promptTokens - *contextLimit;
        return std::nullopt;
    }
};

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

// Classifies an HTTP error response (status >= 400) from its status, body and headers.
// Recognises the overflow wordings of PROVIDERS.md (Groq, Together, Fireworks, vLLM,
// llama-server, LM Studio, Ollama), Groq's TPM 413, and the wait to retry after: the
// shortest of `retry-after-ms` and `Retry-After` (seconds or HTTP-date), else Groq's reset
// headers. A 502/504 (a proxy or gateway, often with an HTML page) is retryable like a 503.
// `providerName` is used in messages ("Groq rejected the API key ...").
ChatError classifyHttpError(int status, const QByteArray &body, const RawHeaders &headers,
                            const QString &providerName);

// Classifies a transport failure. `midStream`: bytes of the answer had arrived already.
ChatError classifyNetworkError(QNetworkReply::NetworkError code, const QString &errorString,
                               bool midStream, const QString &host);

// An error object received inside a stream. `answerStarted`: answer text had arrived
// before it (the message then says the partial answer is kept; otherwise that the server
// failed before answering). `upstreamProvider`: who really failed behind a router
// (OpenRouter's metadata.provider_name), named in the message with the code.
ChatError fromStreamError(const QString &message, const QString &type, const QString &code,
                          const QString &providerName, bool answerStarted = true,
                          const QString &upstreamProvider = QString());

// Parses a Retry-After value: delta-seconds or an HTTP-date (relative to now).
std::optional<int> parseRetryAfter(const QByteArray &value);
// Parses a retry-after-ms value (OpenAI, Azure): milliseconds, possibly fractional.
std::optional<qint64> parseRetryAfterMs(const QByteArray &value);
// The wait in milliseconds a response's headers ask for before a retry: the shortest of
// retry-after-ms and Retry-After, else Groq's x-ratelimit-reset-* durations.
std::optional<qint64> retryAfterFrom(const RawHeaders &headers);

} // namespace reposcope::llm
