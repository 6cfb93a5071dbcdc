// SPDX-License-Identifier: MIT
// The transport half of chaterror.h: network failures and the Retry-After header.
#include "llm/client/chaterror.h"

#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>
#include <climits>
#include <cmath>

namespace reposcope::llm {

ChatError classifyNetworkError(QNetworkReply::NetworkError code, const QString &errorString,
                               bool midStream, const QString &host) {
    using NE = QNetworkReply::NetworkError;
    ChatError e;
    e.serverMessage = errorString;
    const QString where = host.isEmpty() ? QStringLiteral("the server") : host;
    const bool mentionsTimeout =
        errorString.contains(QLatin1String("timeout"), Qt::CaseInsensitive) ||
        errorString.contains(QLatin1String("timed out"), Qt::CaseInsensitive);

    switch (code) {
    case NE::HostNotFoundError:
    case NE::ProxyNotFoundError:
        e.kind = ChatError::Kind::HostNotFound;
        e.message = QStringLiteral("Cannot resolve %1: check the base URL and your network.")
                        .arg(code == NE::ProxyNotFoundError ? QStringLiteral("the proxy") : where);
        return e;
    case NE::ConnectionRefusedError:
    case NE::ProxyConnectionRefusedError:
        e.kind = ChatError::Kind::ConnectionRefused;
        e.message =
            code == NE::ProxyConnectionRefusedError
                ? QStringLiteral("The proxy refused the connection to %1: check the proxy "
                                 "settings.")
                      .arg(where)
                : QStringLiteral("Nothing is listening at %1: is the server running?").arg(where);
        return e;
    case NE::SslHandshakeFailedError:
        e.kind = ChatError::Kind::Tls;
        e.message = QStringLiteral("The secure connection to %1 failed (%2): check the URL's "
                                   "scheme (http or https) and the server's certificate.")
                        .arg(where, errorString);
        return e;
    case NE::TimeoutError:
    case NE::ProxyTimeoutError:
        break; // below, with the cancellations caused by a transfer timeout
    case NE::OperationCanceledError:
        if (!mentionsTimeout) {
            e.kind = ChatError::Kind::Cancelled;
            e.message = midStream ? QStringLiteral("Stopped; the partial answer is kept.")
                                  : QStringLiteral("Cancelled.");
            return e;
        }
        break;
    case NE::RemoteHostClosedError:
    case NE::ProxyConnectionClosedError:
    case NE::NetworkSessionFailedError:
    case NE::TemporaryNetworkFailureError:
    case NE::BackgroundRequestNotAllowedError:
    case NE::UnknownNetworkError:
    case NE::UnknownProxyError:
        e.kind = ChatError::Kind::ConnectionDropped;
        e.retryable = true;
        e.message = midStream ? QStringLiteral("The connection dropped mid-answer; the partial "
                                               "answer is kept and can be continued.")
                              : QStringLiteral("The connection to %1 closed before an answer "
                                               "arrived (%2). Try again.")
                                    .arg(where, errorString);
        return e;
    case NE::ProxyAuthenticationRequiredError:
    case NE::AuthenticationRequiredError:
        e.kind = ChatError::Kind::Authentication;
        e.message = code == NE::ProxyAuthenticationRequiredError
                        ? QStringLiteral("The proxy needs credentials: check the proxy settings.")
                        : QStringLiteral("%1 rejected the credentials. Check the key in Settings "
                                         "▸ Providers or its environment variable.")
                              .arg(where);
        return e;
    case NE::ProtocolFailure:
    case NE::ProtocolUnknownError:
    case NE::ProtocolInvalidOperationError:
    case NE::TooManyRedirectsError:
    case NE::InsecureRedirectError:
        e.kind = ChatError::Kind::Protocol;
        e.message = QStringLiteral("%1 did not speak the expected protocol (%2): check the base "
                                   "URL.")
                        .arg(where, errorString);
        return e;
    default:
        e.kind = ChatError::Kind::Other;
        e.message = QStringLiteral("The request to %1 failed: %2").arg(where, errorString);
        return e;
    }

    e.kind = ChatError::Kind::Timeout;
    e.retryable = true;
    e.message = midStream ? QStringLiteral("The answer stalled: no data from %1 for too long. "
                                           "The partial answer is kept and can be continued.")
                                .arg(where)
                          : QStringLiteral("%1 did not answer in time. Large prompts take a "
                                           "while to prefill: try again or raise the timeout.")
                                .arg(where);
    return e;
}

std::optional<qint64> parseRetryAfterMs(const QByteArray &value) {
    bool ok = false;
    const double ms = value.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(ms) || ms < 0)
        return std::nullopt;
    return qint64(std::min(std::ceil(ms), 9.0e15));
}

std::optional<int> parseRetryAfter(const QByteArray &value) {
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 seconds = v.toLongLong(&ok);
    if (ok)
        return seconds < 0 ? std::nullopt
                           : std::optional<int>(int(std::min<qint64>(seconds, INT_MAX)));
    const double fractional = v.toDouble(&ok); // not in the RFC, but seen ("1.5")
    if (ok)
        return fractional < 0 || !std::isfinite(fractional)
                   ? std::nullopt
                   : std::optional<int>(int(std::min(std::ceil(fractional), double(INT_MAX))));

    // HTTP-date: IMF-fixdate, or the obsolete RFC 850 and asctime forms.
    const QString text = QString::fromLatin1(v).simplified();
    QDateTime when = QDateTime::fromString(text, Qt::RFC2822Date); // carries its GMT offset
    if (!when.isValid()) {
        const QLocale c = QLocale::c();
        when = c.toDateTime(text, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
        if (!when.isValid()) {
            // RFC 850, "Sunday, 06-Nov-94 08:49:37 GMT": a two-digit year more than 50 years
            // ahead is in the past century (RFC 9110 5.6.7)
            static const QRegularExpression rfc850(QStringLiteral(
                "^[A-Za-z]+, (\\d{2})-([A-Za-z]{3})-(\\d{2}) (\\d{2}:\\d{2}:\\d{2}) GMT$"));
            const QRegularExpressionMatch m = rfc850.match(text);
            if (m.hasMatch()) {
                int year = 2000 + m.captured(3).toInt();
                if (year > QDate::currentDate().year() + 50)
                    year -= 100;
                when = c.toDateTime(m.captured(1) + QLatin1Char(' ') + m.captured(2) +
                                        QLatin1Char(' ') + QString::number(year) +
                                        QLatin1Char(' ') + m.captured(4),
                                    QStringLiteral("dd MMM yyyy HH:mm:ss"));
            }
        }
        if (!when.isValid())
            when = c.toDateTime(text, QStringLiteral("ddd MMM d HH:mm:ss yyyy"));
        if (!when.isValid())
            return std::nullopt;
        // parsed as local wall time, but every HTTP-date is GMT
        when = QDateTime(when.date(), when.time(), Qt::UTC);
    }
    const qint64 delta = QDateTime::currentDateTimeUtc().secsTo(when);
    return int(std::clamp<qint64>(delta, 0, INT_MAX));
}

namespace {

QByteArray header(const RawHeaders &headers, const char *name) {
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value.trimmed();
    return QByteArray();
}

// Groq's reset durations, Go style: "7.66s", "2m59.56s", "1h2m", "450ms"; milliseconds.
std::optional<qint64> parseGoDuration(const QByteArray &value) {
    static const QRegularExpression part(QStringLiteral("(\\d+(?:\\.\\d+)?)(ms|h|m|s)"));
    const QString text = QString::fromLatin1(value.trimmed());
    if (text.isEmpty())
        return std::nullopt;
    double seconds = 0;
    qsizetype consumed = 0;
    auto it = part.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedStart() != consumed)
            return std::nullopt;
        consumed = m.capturedEnd();
        const double n = m.captured(1).toDouble();
        const QString unit = m.captured(2);
        seconds += unit == QLatin1String("h")    ? n * 3600
                   : unit == QLatin1String("m")  ? n * 60
                   : unit == QLatin1String("ms") ? n / 1000
                                                 : n;
    }
    if (consumed != text.size() || consumed == 0 || seconds > INT_MAX)
        return std::nullopt;
    return qint64(std::ceil(seconds * 1000));
}

// The wait in milliseconds the headers ask for. The explicit ones (retry-after-ms, which
// OpenAI and Azure send, and Retry-After in seconds or as a date) say when a retry may
// succeed: the shortest of them is the soonest the server allows. Only without them do
// Groq's budget resets stand in: the reset of whichever budget is exhausted, tokens if
// unclear.
} // namespace

std::optional<qint64> retryAfterFrom(const RawHeaders &headers) {
    std::optional<qint64> explicitWait;
    const auto consider = [&explicitWait](std::optional<qint64> ms) {
        if (ms && (!explicitWait || *ms < *explicitWait))
            explicitWait = ms;
    };
    consider(parseRetryAfterMs(header(headers, "retry-after-ms")));
    if (const auto s = parseRetryAfter(header(headers, "retry-after")))
        consider(qint64(*s) * 1000);
    if (explicitWait)
        return explicitWait;
    const QByteArray remainingRequests = header(headers, "x-ratelimit-remaining-requests");
    const auto requests = parseGoDuration(header(headers, "x-ratelimit-reset-requests"));
    const auto tokens = parseGoDuration(header(headers, "x-ratelimit-reset-tokens"));
    if (remainingRequests == "0" && requests)
        return requests;
    if (tokens)
        return tokens;
    return requests;
}

} // namespace reposcope::llm
