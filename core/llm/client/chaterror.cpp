// SPDX-License-Identifier: MIT
#include "llm/client/chaterror.h"
#include "common/figures.h"

#include "llm/stream/jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>

#include <QStringList>

#include <algorithm>
#include <climits>
#include <cmath>
#include <tuple>

namespace reposcope::llm {

namespace {

constexpr qsizetype kServerMessageMax = 500;

QString cut(QString text) {
    text = text.trimmed();
    if (text.size() > kServerMessageMax) {
        text.truncate(kServerMessageMax);
        text += QChar(0x2026);
    }
    return text;
}

// What an error body said, whatever its shape.
struct BodyInfo {
    QString message; // the server's words (full; cut() for display)
    QString type;
    QString code;
    QString upstream; // OpenRouter's metadata.provider_name
    bool html = false;
    std::optional<qint64> nPromptTokens; // llama-server exceed_context_size_error
    std::optional<qint64> nCtx;
};

std::optional<qint64> jsonInteger(const QJsonObject &o, QLatin1String key) {
    const QJsonValue v = o.value(key);
    if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 9.0e15)
        return std::nullopt;
    return qint64(v.toDouble());
}

void readErrorObject(const QJsonObject &e, BodyInfo &info) {
    info.message = jsonText(e.value(QLatin1String("message")));
    info.type = jsonText(e.value(QLatin1String("type")));
    info.code = jsonText(e.value(QLatin1String("code")));
    info.nPromptTokens = jsonInteger(e, QLatin1String("n_prompt_tokens"));
    info.nCtx = jsonInteger(e, QLatin1String("n_ctx"));
    // OpenRouter wraps the upstream provider's own text in metadata.raw
    const QJsonObject metadata = e.value(QLatin1String("metadata")).toObject();
    info.upstream = jsonText(metadata.value(QLatin1String("provider_name")));
    const QString raw = jsonText(metadata.value(QLatin1String("raw")));
    if (!raw.isEmpty() && !info.message.contains(raw))
        info.message += (info.message.isEmpty() ? QString() : QStringLiteral(": ")) + raw;
}

BodyInfo readBody(const QByteArray &body) {
    BodyInfo info;
    const QByteArray trimmed = body.trimmed();
    if (trimmed.isEmpty())
        return info;
    if (trimmed.startsWith('<')) {
        const QByteArray head = trimmed.left(512).toLower();
        if (head.contains("<html") || head.contains("<!doctype") || head.contains("<head") ||
            head.contains("<body") || head.contains("<title")) {
            info.html = true;
            return info;
        }
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &parseError);
    if (parseError.error == QJsonParseError::NoError && doc.isObject()) {
        const QJsonObject root = doc.object();
        const QJsonValue error = root.value(QLatin1String("error"));
        if (error.isObject()) {
            readErrorObject(error.toObject(), info);
        } else if (error.isString()) {
            info.message = error.toString();
            info.type = jsonText(root.value(QLatin1String("type")));
            info.code = jsonText(root.value(QLatin1String("code")));
        } else if (root.contains(QLatin1String("message"))) {
            readErrorObject(root, info); // vLLM's older {"object":"error","message",...}
        } else if (root.contains(QLatin1String("detail"))) {
            // FastAPI: a string, or a list of {"msg": ...} validation errors
            const QJsonValue detail = root.value(QLatin1String("detail"));
            if (detail.isArray()) {
                QStringList parts;
                for (const QJsonValue &item : detail.toArray()) {
                    const QString msg = jsonText(item.toObject().value(QLatin1String("msg")));
                    parts << (msg.isEmpty() ? jsonText(item) : msg);
                }
                info.message = parts.join(QStringLiteral("; "));
            } else {
                info.message = jsonText(detail);
            }
        } else {
            info.message = QString::fromUtf8(trimmed);
        }
        if (info.message.isEmpty())
            info.message = QString::fromUtf8(trimmed);
        return info;
    }
    info.message = QString::fromUtf8(trimmed); // plain text
    return info;
}

QString providerOr(const QString &provider) {
    return provider.isEmpty() ? QStringLiteral("The server") : provider;
}

// "131,072" -> 131072.
std::optional<qint64> number(const QString &digits) {
    QString clean = digits;
    clean.remove(QLatin1Char(','));
    bool ok = false;
    const qint64 n = clean.toLongLong(&ok);
    return ok ? std::optional<qint64>(n) : std::nullopt;
}

std::optional<qint64> firstMatch(const QString &text, const QList<QRegularExpression> &patterns) {
    for (const QRegularExpression &re : patterns) {
        const QRegularExpressionMatch m = re.match(text);
        if (m.hasMatch())
            return number(m.captured(1));
    }
    return std::nullopt;
}

#define NUM "(\\d(?:[\\d,]*\\d)?)"

QRegularExpression re(const char *pattern) {
    return QRegularExpression(QLatin1String(pattern), QRegularExpression::CaseInsensitiveOption);
}

// The context size a server names, in the wordings of PROVIDERS.md.
const QList<QRegularExpression> &limitPatterns() {
    static const QList<QRegularExpression> patterns = {
        re("maximum context length\\s*(?:is|of)?\\s*:?\\s*" NUM), // vLLM, Groq, OpenAI, Fireworks
        re("context length is only " NUM),                        // vLLM
        re("context length of only " NUM),                        // LM Studio
        re("maximum model length (?:is|of)? *" NUM),              // vLLM V1
        re("must be <= *" NUM),                                   // Together / TGI
        re("exceeds? (?:the )?(?:limit|maximum) of " NUM),        // vLLM "exceeds limit of"
        re("context (?:length|window|size) (?:is|of) " NUM),      // generic
        re("\"?n_ctx\"?\\s*[:=]\\s*" NUM),                        // llama-server text
    };
    return patterns;
}

// The size of the request a server names (prompt, or prompt + reserved output when the
// server counts both against the limit, as vLLM's "you requested N tokens" does).
const QList<QRegularExpression> &requestPatterns() {
    static const QList<QRegularExpression> patterns = {
        re("you requested (?:about )?" NUM " tokens"),        // vLLM, OpenRouter
        re("your request has " NUM " input tokens"),          // vLLM V1
        re("(?:messages|prompt) resulted in " NUM " tokens"), // OpenAI
        re("prompt is too long: " NUM),                       // Fireworks
        re("given: " NUM " `?inputs`? tokens"),               // Together / TGI
        re("input prompt \\(" NUM " tokens\\)"),              // vLLM "Input prompt (N tokens)"
        re("prompt \\(length " NUM "\\)"),                    // vLLM "decoder prompt (length N)"
        re("keep the first " NUM " tokens"),                  // LM Studio
        re("\"?n_prompt_tokens\"?\\s*[:=]\\s*" NUM),          // llama-server text
        re("requested:? " NUM),                               // generic
    };
    return patterns;
}

// Together: "... <= N. Given: X `inputs` tokens and Y `max_new_tokens`" counts both.
std::optional<qint64> togetherTotal(const QString &text) {
    static const QRegularExpression together =
        re("given: " NUM " `?inputs`? tokens and " NUM " `?max_new_tokens`?");
    const QRegularExpressionMatch m = together.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const auto inputs = number(m.captured(1));
    const auto output = number(m.captured(2));
    if (!inputs || !output)
        return std::nullopt;
    return *inputs + *output;
}

bool mentionsOverflow(const BodyInfo &info) {
    if (info.code == QLatin1String("context_length_exceeded") ||
        info.type == QLatin1String("exceed_context_size_error") ||
        info.code == QLatin1String("exceed_context_size_error"))
        return true;
    static const QRegularExpression words =
        re("maximum context length|context length is only|context length of only|input characters|"
           "`inputs` tokens \\+ `max_new_tokens`|inputs tokens \\+ max_new_tokens|"
           "prompt is too long|longer than the context length|when context the overflows|"
           "exceeds the available context size|maximum model length|context_length_exceeded|"
           "exceed_context_size|context window (?:is )?exceeded|exceeds the context window|"
           "too long and exceeds|"
           "too many tokens in the (?:prompt|input)");
    return words.match(info.message).hasMatch();
}

bool mentionsTokensPerMinute(const BodyInfo &info) {
    static const QRegularExpression tpm = re("tokens per minute|\\(TPM\\)|\\bTPM\\b");
    return tpm.match(info.message).hasMatch();
}

// Groq 413 "Request too large ... tokens per minute (TPM)" with code rate_limit_exceeded.
bool mentionsPerMinuteLimit(const BodyInfo &info) {
    return mentionsTokensPerMinute(info) &&
           (info.code == QLatin1String("rate_limit_exceeded") ||
            info.message.contains(QLatin1String("too large"), Qt::CaseInsensitive));
}

QString figure(qint64 n) {
    return formatCount(n);
}

ChatError overflowError(int status, const BodyInfo &info, const QString &provider) {
    ChatError e;
    e.kind = ChatError::Kind::ContextOverflow;
    e.httpStatus = status;
    e.serverMessage = cut(info.message);
    e.contextLimit = info.nCtx ? info.nCtx : firstMatch(info.message, limitPatterns());
    e.promptTokens = info.nPromptTokens;
    if (!e.promptTokens)
        e.promptTokens = togetherTotal(info.message);
    if (!e.promptTokens)
        e.promptTokens = firstMatch(info.message, requestPatterns());

    QString what;
    if (const auto over = e.tokensOver())
        what = QStringLiteral("The request is %1 tokens over the model's context of %2.")
                   .arg(figure(*over), figure(*e.contextLimit));
    else if (e.promptTokens && e.contextLimit)
        what = QStringLiteral("The request (%1 tokens) does not fit the model's context of %2.")
                   .arg(figure(*e.promptTokens), figure(*e.contextLimit));
    else if (e.contextLimit)
        what = QStringLiteral("The request is over the model's context of %1 tokens.")
                   .arg(figure(*e.contextLimit));
    else if (e.promptTokens)
        what = QStringLiteral("The request (%1 tokens) is over the model's context.")
                   .arg(figure(*e.promptTokens));
    else if (status == 413 && !mentionsOverflow(info))
        what = QStringLiteral("%1 says the request is too large (HTTP 413).")
                   .arg(providerOr(provider));
    else
        what = QStringLiteral("The request is over the model's context.");
    e.message = what + QStringLiteral(" Deselect files or use Fit to budget.");
    return e;
}

// Groq's "(TPM): Limit 30000, Requested 120000" and "Limit 6000, Used 5000, Requested 2000".
std::pair<std::optional<qint64>, std::optional<qint64>> perMinuteFigures(const QString &text) {
    static const QRegularExpression limit = re("\\blimit:? " NUM);
    static const QRegularExpression requested = re("\\brequested:? " NUM);
    const QRegularExpressionMatch l = limit.match(text);
    const QRegularExpressionMatch r = requested.match(text);
    return {l.hasMatch() ? number(l.captured(1)) : std::nullopt,
            r.hasMatch() ? number(r.captured(1)) : std::nullopt};
}

ChatError perMinuteError(int status, const BodyInfo &info, const QString &provider) {
    ChatError e;
    e.kind = ChatError::Kind::TooLargeForRateLimit;
    e.httpStatus = status;
    e.serverMessage = cut(info.message);
    e.retryable = false;
    // Not context figures, but the same remedy: the request must shrink below the limit.
    std::tie(e.contextLimit, e.promptTokens) = perMinuteFigures(info.message);
    QString figures;
    if (e.contextLimit && e.promptTokens)
        figures = QStringLiteral(" (%1 tokens requested, %2 allowed per minute)")
                      .arg(figure(*e.promptTokens), figure(*e.contextLimit));
    e.message = QStringLiteral("The prompt alone exceeds the account's per-minute token limit at "
                               "%1%2; waiting will not help: send fewer tokens or raise the "
                               "limit.")
                    .arg(providerOr(provider), figures);
    return e;
}

// Sets both forms of the wait: to the millisecond for the retry timer, in whole seconds
// (rounded up) for messages.
void setRetryAfter(ChatError &e, const RawHeaders &headers) {
    e.retryAfterMs = retryAfterFrom(headers);
    if (e.retryAfterMs)
        e.retryAfterSeconds = int(std::min<qint64>((*e.retryAfterMs + 999) / 1000, INT_MAX));
}

// "Bad Gateway" for 502, "Gateway Timeout" for 504.
QString gatewayReason(int status) {
    return status == 502 ? QStringLiteral("Bad Gateway") : QStringLiteral("Gateway Timeout");
}

// "upstream provider Fireworks, code 502": who and which code, when the error names them.
QString sourceNote(const QString &upstream, const QString &code) {
    QStringList parts;
    if (!upstream.isEmpty())
        parts << QStringLiteral("upstream provider ") + cut(upstream);
    if (!code.isEmpty())
        parts << QStringLiteral("code ") + cut(code);
    return parts.join(QStringLiteral(", "));
}

// `server` is the suffix built in classifyHttpError: the server's words, or a note that it
// sent an HTML page (never the page itself).
QString withServerWords(const QString &message, const QString &server) {
    return server.isEmpty() ? message : message + QLatin1Char(' ') + server;
}

bool isModelNotFound(const BodyInfo &info) {
    static const QRegularExpression words =
        re("model.{0,120}(?:not found|does not exist|not exist)|not a valid model|"
           "unknown model|no such model|model_not_found|invalid model");
    return info.code == QLatin1String("model_not_found") || words.match(info.message).hasMatch();
}

#undef NUM

} // namespace

ChatError classifyHttpError(int status, const QByteArray &body, const RawHeaders &headers,
                            const QString &providerName) {
    const BodyInfo info = readBody(body);
    const QString provider = providerOr(providerName);

    ChatError e;
    e.httpStatus = status;
    e.serverMessage = info.html ? QString() : cut(info.message);
    const QString source = sourceNote(info.upstream, info.code);
    const QString server =
        info.html ? QStringLiteral("The server answered with an HTML page (HTTP %1), not an API "
                                   "error: check the base URL.")
                        .arg(status)
        : e.serverMessage.isEmpty() ? QString()
        : source.isEmpty()          ? QStringLiteral("Server says: ") + e.serverMessage
                           : QStringLiteral("Server says (%1): %2").arg(source, e.serverMessage);

    // Content first: a Groq 413 can be either of two very different things.
    if (status != 429 && mentionsPerMinuteLimit(info))
        return perMinuteError(status, info, providerName);
    if (status == 429 && mentionsTokensPerMinute(info)) {
        // A 429 whose single request is larger than the whole per-minute budget: waiting
        // will not help either.
        const auto [limit, requested] = perMinuteFigures(info.message);
        if (limit && requested && *requested > *limit)
            return perMinuteError(status, info, providerName);
    }
    if (status != 401 && status != 403 && status != 429 &&
        (mentionsOverflow(info) || status == 413))
        return overflowError(status, info, providerName);

    switch (status) {
    case 401:
        e.kind = ChatError::Kind::Authentication;
        e.message = QStringLiteral("%1 rejected the API key (HTTP 401). Check the key in Settings "
                                   "▸ Providers or its environment variable.")
                        .arg(provider);
        return e;
    case 403:
        e.kind = ChatError::Kind::Authentication;
        e.message = withServerWords(
            QStringLiteral("%1 refused access (HTTP 403): the key lacks access to this model or "
                           "endpoint. Check the key and its permissions in Settings ▸ Providers.")
                .arg(provider),
            server);
        return e;
    case 402:
        e.kind = ChatError::Kind::PaymentRequired;
        e.message = withServerWords(
            QStringLiteral("%1 needs payment (HTTP 402): add credits to the account or choose a "
                           "free model.")
                .arg(provider),
            server);
        return e;
    case 408:
        e.kind = ChatError::Kind::Timeout;
        e.retryable = true;
        setRetryAfter(e, headers);
        e.message = QStringLiteral("%1 timed out waiting for the request (HTTP 408). Try again; "
                                   "a smaller request uploads faster.")
                        .arg(provider);
        return e;
    case 429:
        if (info.code == QLatin1String("insufficient_quota")) {
            e.kind = ChatError::Kind::PaymentRequired;
            e.message = withServerWords(
                QStringLiteral("%1 reports the account's quota is used up (HTTP 429); waiting "
                               "will not help: check the plan and billing.")
                    .arg(provider),
                server);
            return e;
        }
        e.kind = ChatError::Kind::RateLimited;
        e.retryable = true;
        setRetryAfter(e, headers);
        e.message =
            e.retryAfterSeconds
                ? QStringLiteral("%1 is rate-limiting this key (HTTP 429). Retry in %2 s.")
                      .arg(provider)
                      .arg(*e.retryAfterSeconds)
                : QStringLiteral("%1 is rate-limiting this key (HTTP 429). Wait a moment and "
                                 "retry.")
                      .arg(provider);
        return e;
    default:
        break;
    }

    if (status == 404 || (status >= 400 && status < 500 && isModelNotFound(info))) {
        e.kind = ChatError::Kind::ModelNotFound;
        e.message = withServerWords(QStringLiteral("%1 does not know this model or path (HTTP "
                                                   "%2): check the model id and the base URL.")
                                        .arg(provider)
                                        .arg(status),
                                    server);
        return e;
    }
    if (status == 503) {
        e.kind = ChatError::Kind::ServerError;
        e.retryable = true;
        setRetryAfter(e, headers);
        e.message = withServerWords(
            (e.retryAfterSeconds
                 ? QStringLiteral("%1 is overloaded or down for now (HTTP 503). Retry in %2 s.")
                       .arg(provider)
                       .arg(*e.retryAfterSeconds)
                 : QStringLiteral("%1 is overloaded or down for now (HTTP 503). Retry shortly.")
                       .arg(provider)),
            server);
        return e;
    }
    if (status == 502 || status == 504) {
        // A proxy or gateway (nginx, Cloudflare, a load balancer, OpenRouter in front of its
        // upstream) got no answer from the server behind it: as transient as a 503.
        e.kind = ChatError::Kind::ServerError;
        e.retryable = true;
        setRetryAfter(e, headers);
        const QString when = e.retryAfterMs && *e.retryAfterMs >= 1000
                                 ? QStringLiteral("Retry in %1 s").arg(*e.retryAfterSeconds)
                                 : QStringLiteral("Retry shortly");
        if (info.html) {
            e.message = QStringLiteral("%1: the proxy/gateway returned %2 %3. The server answered "
                                       "with an HTML page (HTTP %2), not an API error: the "
                                       "proxy did not get an answer from the server behind it. "
                                       "%4; if it persists, check that server and the base URL.")
                            .arg(provider)
                            .arg(status)
                            .arg(gatewayReason(status), when);
        } else {
            e.message = withServerWords(
                QStringLiteral("%1: the proxy/gateway returned %2 %3: the server behind it did "
                               "not answer. %4, or choose another provider.")
                    .arg(provider)
                    .arg(status)
                    .arg(gatewayReason(status), when),
                server);
        }
        return e;
    }
    if (status >= 500 && status < 600) {
        e.kind = ChatError::Kind::ServerError;
        e.message = withServerWords(
            QStringLiteral("%1 failed with a server error (HTTP %2). Try again later or choose "
                           "another provider.")
                .arg(provider)
                .arg(status),
            server);
        return e;
    }
    if (status >= 400 && status < 500) {
        e.kind = ChatError::Kind::BadRequest;
        e.message = withServerWords(
            QStringLiteral("%1 rejected the request (HTTP %2).").arg(provider).arg(status), server);
        return e;
    }
    e.kind = ChatError::Kind::Other;
    e.message = withServerWords(
        QStringLiteral("%1 answered with unexpected HTTP status %2.").arg(provider).arg(status),
        server);
    return e;
}

ChatError fromStreamError(const QString &message, const QString &type, const QString &code,
                          const QString &providerName, bool answerStarted,
                          const QString &upstreamProvider) {
    BodyInfo info;
    info.message = message;
    info.type = type;
    info.code = code;
    const QString provider = providerOr(providerName);

    // llama-server puts n_prompt_tokens / n_ctx beside the message; a caller passing only
    // text still gets the figures if the text names them.
    if (mentionsPerMinuteLimit(info))
        return perMinuteError(0, info, providerName);
    if (mentionsOverflow(info))
        return overflowError(0, info, providerName);

    ChatError e;
    e.serverMessage = cut(message);
    // "(upstream provider DeepInfra, code 502)": who failed behind a router, and how.
    QString source = sourceNote(upstreamProvider, code);
    if (!source.isEmpty())
        source = QStringLiteral(" (") + source + QLatin1Char(')');
    static const QRegularExpression rateWords =
        re("rate.?limit|too many requests|rate_limit_exceeded");
    if (code == QLatin1String("429") || code == QLatin1String("rate_limit_exceeded") ||
        rateWords.match(message).hasMatch()) {
        e.kind = ChatError::Kind::RateLimited;
        e.retryable = true;
        e.message = answerStarted
                        ? QStringLiteral("%1 hit a rate limit mid-answer%2; the partial answer is "
                                         "kept. Wait a moment and continue.")
                              .arg(provider, source)
                        : QStringLiteral("%1 hit a rate limit before answering%2. Wait a moment "
                                         "and try again.")
                              .arg(provider, source);
        return e;
    }
    if (code == QLatin1String("402")) {
        e.kind = ChatError::Kind::PaymentRequired;
        e.message = QStringLiteral("%1 stopped: the account needs credits (%2).")
                        .arg(provider, e.serverMessage);
        return e;
    }
    e.kind = ChatError::Kind::StreamError;
    const QString words =
        e.serverMessage.isEmpty() ? QStringLiteral("no details") : e.serverMessage;
    e.message = answerStarted
                    ? QStringLiteral("%1 reported an error mid-answer%2: %3. The partial answer "
                                     "is kept.")
                          .arg(provider, source, words)
                    : QStringLiteral("%1: the server reported an error before answering%2: %3. "
                                     "Nothing was answered; try again, or choose another model "
                                     "or provider.")
                          .arg(provider, source, words);
    return e;
}

} // namespace reposcope::llm
