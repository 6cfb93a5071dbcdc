// SPDX-License-Identifier: MIT
#include "llm/stream/chatstream.h"

#include "llm/stream/jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>

#include <cmath>

namespace reposcope::llm {

namespace {

// The first 80 bytes of the data, for a reason a person can read in a log.
QString excerpt(const QByteArray &data) {
    constexpr qsizetype kMax = 80;
    QString text = QString::fromUtf8(data.first(std::min(data.size(), kMax)));
    if (data.size() > kMax)
        text += QChar(0x2026);
    return text;
}

StreamChunk malformed(const QString &why, const QByteArray &data) {
    StreamChunk chunk;
    chunk.malformed = true;
    chunk.malformedReason = why + QStringLiteral(": ") + excerpt(data);
    return chunk;
}

// A non-negative integer field, or -1 when it is absent or not a number.
qint64 integer(const QJsonObject &object, QLatin1String key) {
    const QJsonValue value = object.value(key);
    if (!value.isDouble())
        return -1;
    const double d = value.toDouble();
    if (!std::isfinite(d) || d < 0 || d > 9.0e15)
        return -1;
    return qint64(d);
}

std::optional<TokenUsage> usageFrom(const QJsonValue &value) {
    if (!value.isObject())
        return std::nullopt; // OpenAI sends "usage": null on every chunk but the last
    const QJsonObject o = value.toObject();
    TokenUsage usage;
    usage.promptTokens = integer(o, QLatin1String("prompt_tokens"));
    usage.completionTokens = integer(o, QLatin1String("completion_tokens"));
    const QJsonValue details = o.value(QLatin1String("prompt_tokens_details"));
    if (details.isObject())
        usage.cachedPromptTokens = integer(details.toObject(), QLatin1String("cached_tokens"));
    if (usage.cachedPromptTokens < 0) // DeepSeek's spelling
        usage.cachedPromptTokens = integer(o, QLatin1String("prompt_cache_hit_tokens"));
    // Anthropic's names: input_tokens leaves out the prompt read from or written to the cache.
    const qint64 cacheRead = integer(o, QLatin1String("cache_read_input_tokens"));
    if (usage.cachedPromptTokens < 0)
        usage.cachedPromptTokens = cacheRead;
    if (usage.promptTokens < 0) {
        const qint64 input = integer(o, QLatin1String("input_tokens"));
        if (input >= 0)
            usage.promptTokens =
                input + std::max<qint64>(cacheRead, 0) +
                std::max<qint64>(integer(o, QLatin1String("cache_creation_input_tokens")), 0);
    }
    if (usage.completionTokens < 0)
        usage.completionTokens = integer(o, QLatin1String("output_tokens"));
    if (!usage.valid())
        return std::nullopt;
    return usage;
}

// llama-server's `timings` (prompt_n excludes the cached prefix, cache_n is that prefix).
std::optional<TokenUsage> usageFromTimings(const QJsonValue &value) {
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject o = value.toObject();
    const qint64 promptN = integer(o, QLatin1String("prompt_n"));
    const qint64 cacheN = integer(o, QLatin1String("cache_n"));
    TokenUsage usage;
    if (promptN >= 0)
        usage.promptTokens = promptN + std::max<qint64>(cacheN, 0);
    usage.completionTokens = integer(o, QLatin1String("predicted_n"));
    usage.cachedPromptTokens = cacheN;
    if (!usage.valid())
        return std::nullopt;
    return usage;
}

std::optional<StreamError> errorFrom(const QJsonValue &value) {
    if (value.isString()) {
        const QString message = value.toString();
        if (message.isEmpty())
            return std::nullopt;
        return StreamError{message, QString(), QString()};
    }
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject o = value.toObject();
    StreamError error;
    error.message = jsonText(o.value(QLatin1String("message")));
    error.type = jsonText(o.value(QLatin1String("type")));
    error.code = jsonText(o.value(QLatin1String("code")));
    // OpenRouter: {"code": 502, "message": "Provider returned error", "metadata":
    // {"provider_name": "...", "raw": "the upstream's own words"}}
    const QJsonObject metadata = o.value(QLatin1String("metadata")).toObject();
    error.upstreamProvider = jsonText(metadata.value(QLatin1String("provider_name")));
    const QString raw = jsonText(metadata.value(QLatin1String("raw")));
    if (!raw.isEmpty() && !error.message.contains(raw))
        error.message += (error.message.isEmpty() ? QString() : QStringLiteral(": ")) + raw;
    if (error.message.isEmpty()) // keep something a person can read
        error.message = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    return error;
}

// `content` is a string, null, or (some servers) an array of {type: "text", text} parts.
// Returns false when it is something else.
bool appendContent(const QJsonValue &value, QString &out) {
    if (value.isString()) {
        out += value.toString();
        return true;
    }
    if (value.isNull() || value.isUndefined())
        return true;
    if (!value.isArray())
        return false;
    for (const QJsonValue &part : value.toArray()) {
        if (part.isString())
            out += part.toString();
        else if (part.isObject())
            out += part.toObject().value(QLatin1String("text")).toString();
        else
            return false;
    }
    return true;
}

} // namespace

StreamChunk decodeChatChunk(const SseEvent &event) {
    const QByteArray data = event.data.trimmed();
    if (data == "[DONE]") {
        StreamChunk chunk;
        chunk.done = true;
        return chunk;
    }
    if (data.isEmpty())
        return malformed(QStringLiteral("empty data"), data);

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Qt also rejects top-level scalars ("42", "\"text\""), valid JSON or not
        if (event.event == "error") { // `event: error` with a plain-text reason
            StreamChunk chunk;
            chunk.error = StreamError{QString::fromUtf8(data), QString(), QString()};
            return chunk;
        }
        const bool objectLike = data.front() == '{' || data.front() == '[';
        return malformed((objectLike
                              ? QStringLiteral("invalid JSON (%1 at byte %2)")
                              : QStringLiteral("invalid JSON, not a JSON object (%1 at byte %2)"))
                             .arg(parseError.errorString())
                             .arg(parseError.offset),
                         data);
    }
    if (!doc.isObject())
        return malformed(doc.isArray() ? QStringLiteral("a JSON array, not an object")
                                       : QStringLiteral("not a JSON object"),
                         data);
    const QJsonObject root = doc.object();

    StreamChunk chunk;
    bool recognised = false;

    const QJsonValue choices = root.value(QLatin1String("choices"));
    if (choices.isArray()) {
        recognised = true;
        const QJsonArray array = choices.toArray();
        if (!array.isEmpty()) {
            if (!array.first().isObject())
                return malformed(QStringLiteral("choices[0] is not an object"), data);
            const QJsonObject choice = array.first().toObject();
            QJsonValue delta = choice.value(QLatin1String("delta"));
            if (delta.isUndefined() || delta.isNull())
                delta = choice.value(QLatin1String("message")); // servers that send whole messages
            if (delta.isObject()) {
                const QJsonObject d = delta.toObject();
                if (!appendContent(d.value(QLatin1String("content")), chunk.contentDelta))
                    return malformed(QStringLiteral("delta.content is not a string"), data);
                QJsonValue reasoning = d.value(QLatin1String("reasoning_content"));
                if (!reasoning.isString())
                    reasoning = d.value(QLatin1String("reasoning"));
                if (reasoning.isString())
                    chunk.reasoningDelta = reasoning.toString();
            } else if (!delta.isUndefined() && !delta.isNull()) {
                return malformed(QStringLiteral("choices[0].delta is not an object"), data);
            } else if (choice.value(QLatin1String("text")).isString()) {
                chunk.contentDelta = choice.value(QLatin1String("text")).toString();
            }
            const QJsonValue finish = choice.value(QLatin1String("finish_reason"));
            if (finish.isString())
                chunk.finishReason = finish.toString();
        }
    } else if (!choices.isUndefined() && !choices.isNull()) {
        return malformed(QStringLiteral("choices is not an array"), data);
    }

    if (root.contains(QLatin1String("usage"))) {
        recognised = true;
        chunk.usage = usageFrom(root.value(QLatin1String("usage")));
    }

    const QJsonValue groq = root.value(QLatin1String("x_groq"));
    if (groq.isObject()) {
        recognised = true;
        const QJsonObject g = groq.toObject();
        if (!chunk.usage)
            chunk.usage = usageFrom(g.value(QLatin1String("usage")));
        chunk.error = errorFrom(g.value(QLatin1String("error")));
    }

    const QJsonValue timings = root.value(QLatin1String("timings"));
    if (timings.isObject()) {
        recognised = true;
        const std::optional<TokenUsage> timed = usageFromTimings(timings);
        if (!chunk.usage)
            chunk.usage = timed;
        else if (chunk.usage->cachedPromptTokens < 0 && timed) // llama-server's last chunk
            chunk.usage->cachedPromptTokens = timed->cachedPromptTokens;
    }
    // llama-server's native completion names the reused prefix `tokens_cached`.
    if (const qint64 cached = integer(root, QLatin1String("tokens_cached"));
        cached >= 0 && chunk.usage && chunk.usage->cachedPromptTokens < 0)
        chunk.usage->cachedPromptTokens = cached;

    const QJsonValue progress = root.value(QLatin1String("prompt_progress"));
    if (progress.isObject()) {
        recognised = true;
        const QJsonObject p = progress.toObject();
        PromptProgress pp;
        pp.total = std::max<qint64>(integer(p, QLatin1String("total")), 0);
        pp.cache = std::max<qint64>(integer(p, QLatin1String("cache")), 0);
        pp.processed = std::max<qint64>(integer(p, QLatin1String("processed")), 0);
        pp.timeMs = std::max<qint64>(integer(p, QLatin1String("time_ms")), 0);
        chunk.progress = pp;
    }

    if (root.contains(QLatin1String("error"))) {
        recognised = true;
        if (auto error = errorFrom(root.value(QLatin1String("error"))))
            chunk.error = std::move(error); // a top-level error wins over x_groq.error
    }

    if (!chunk.error && event.event == "error") { // `event: error` carrying the error itself
        chunk.error = errorFrom(root);
        recognised = chunk.error.has_value();
    }

    if (!recognised)
        return malformed(QStringLiteral("no choices, usage, error or prompt_progress"), data);
    return chunk;
}

} // namespace reposcope::llm
