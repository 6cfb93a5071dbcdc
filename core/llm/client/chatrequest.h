// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

#include <optional>

#include <vector>

namespace reposcope::llm {

// An image content part, already prepared to the model's limits (the diagrams feature
// does that); sent as an `image_url` part with a data URL.
struct ImagePart {
    QByteArray mimeType; // "image/png", "image/jpeg", ...
    QByteArray data;     // encoded bytes
};

struct ChatMessage {
    enum class Role { System, User, Assistant };
    Role role = Role::User;
    QByteArray text;         // UTF-8; implicitly shared
    QList<ImagePart> images; // user messages only; text part first, then images
    // Sent before `text` (content = prefix + text), both implicitly shared: a conversation
    // puts its multi-MB pack here and the question in `text`, so nothing joins them on
    // the UI thread (the body builder escapes one after the other, on the pool). Must end
    // on a character boundary.
    QByteArray prefix;
};

// How a server wants the key.
enum class AuthStyle {
    Bearer, // Authorization: Bearer KEY
    None,   // no header (LM Studio by default, local servers)
};

// Where and how to send. The key is held only in memory and only ever put into the
// Authorization header.
struct Endpoint {
    QUrl baseUrl;         // ".../v1"; "chat/completions" is appended
    QString providerName; // for messages: "Groq", "vLLM at 10.0.0.5:8000"
    AuthStyle auth = AuthStyle::Bearer;
    QString apiKey;
    QList<QPair<QByteArray, QByteArray>> extraHeaders; // e.g. OpenRouter's HTTP-Referer, X-Title
};

struct ChatRequestSpec {
    Endpoint endpoint;
    QString model;
    std::vector<ChatMessage> messages;
    int maxTokens = 0;           // 0 = not sent
    bool includeUsage = true;    // stream_options.include_usage
    bool returnProgress = false; // llama-server / local engine: prefill progress, per-chunk timings
    std::optional<double> temperature;
};

// The JSON body of a streaming chat-completions request. Escapes the UTF-8 text directly
// (no QString round trip): ~8 MB in well under 100 ms. Thread-safe, pure: call it on a
// worker thread for large packs.
QByteArray buildChatBody(const ChatRequestSpec &spec);

// The full URL for chat completions under baseUrl (handles a trailing slash).
QUrl chatCompletionsUrl(const QUrl &baseUrl);
// Same for any path under the base URL ("models", "tokenize"...).
QUrl endpointUrl(const QUrl &baseUrl, const QString &path);

// "sk-abc…wxyz" style mask for showing a key; never the whole key.
QString maskKey(const QString &key);

} // namespace reposcope::llm
