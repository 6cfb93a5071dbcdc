// SPDX-License-Identifier: MIT
// ChatClient's request lifecycle: body, request, upload, retries, cancel, the end. The
// response side (headers, SSE, JSON, errors) is in chatclientresponse.cpp.
#include "llm/client/chatclient.h"
#include "llm/keyscrub.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace reposcope::llm {

namespace {

Q_LOGGING_CATEGORY(lcChat, "reposcope.llm.chat", QtInfoMsg)

} // namespace

QString ChatClient::hostOf(const QUrl &url) {
    // Never url.authority(): it may carry user info (credentials).
    QString host = url.host();
    if (url.port() > 0)
        host += QLatin1Char(':') + QString::number(url.port());
    return host;
}

QString ChatClient::durationText(qint64 ms) {
    if (ms < 10000) // "0.3 s", "2.5 s"
        return QCoreApplication::translate("ChatClient", "%1 s")
            .arg(QString::number(double(ms) / 1000.0, 'g', 2));
    const qint64 s = (ms + 999) / 1000;
    if (s < 120)
        return QCoreApplication::translate("ChatClient", "%n s", nullptr, int(s));
    return QCoreApplication::translate("ChatClient", "%n min", nullptr, int((s + 59) / 60));
}

QString phaseName(ChatPhase phase) {
    switch (phase) {
    case ChatPhase::Idle:
        return QCoreApplication::translate("ChatClient", "Idle");
    case ChatPhase::Preparing:
        return QCoreApplication::translate("ChatClient", "Preparing");
    case ChatPhase::Uploading:
        return QCoreApplication::translate("ChatClient", "Uploading");
    case ChatPhase::Waiting:
        return QCoreApplication::translate("ChatClient", "Waiting for the first token");
    case ChatPhase::Streaming:
        return QCoreApplication::translate("ChatClient", "Streaming");
    case ChatPhase::Retrying:
        return QCoreApplication::translate("ChatClient", "Retrying");
    case ChatPhase::Done:
        return QCoreApplication::translate("ChatClient", "Done");
    case ChatPhase::Failed:
        return QCoreApplication::translate("ChatClient", "Failed");
    case ChatPhase::Cancelled:
        return QCoreApplication::translate("ChatClient", "Cancelled");
    }
    return QString();
}

double ChatStats::tokensPerSecond() const {
    if (ttftMs < 0 || totalMs <= ttftMs)
        return 0.0;
    const qint64 tokens =
        usage.completionTokens >= 0 ? usage.completionTokens : outputTokensEstimate;
    return double(tokens) * 1000.0 / double(totalMs - ttftMs);
}

ChatClient::ChatClient(QNetworkAccessManager *network, QThreadPool *pool, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_pool(pool) {
    m_retryTimer.setSingleShot(true);
    // A coarse timer may fire 5% early: never before the server's Retry-After.
    m_retryTimer.setTimerType(Qt::PreciseTimer);
    m_idleTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        if (m_phase != ChatPhase::Retrying)
            return;
        ++m_stats.attempt;
        startAttempt();
    });
    connect(&m_idleTimer, &QTimer::timeout, this, &ChatClient::onIdleTimeout);
}

ChatClient::~ChatClient() {
    // No signal may reach a receiver from here on: dropReply() disconnects before
    // aborting, and a body still being built is discarded by its watcher (a
    // child, destroyed with us; the job owns its copy of the spec).
    ++m_generation;
    m_retryTimer.stop();
    m_idleTimer.stop();
    dropReply();
}

bool ChatClient::isBusy() const {
    switch (m_phase) {
    case ChatPhase::Preparing:
    case ChatPhase::Uploading:
    case ChatPhase::Waiting:
    case ChatPhase::Streaming:
    case ChatPhase::Retrying:
        return true;
    default:
        return false;
    }
}

QString ChatClient::providerName() const {
    if (!m_spec.endpoint.providerName.isEmpty())
        return m_spec.endpoint.providerName;
    return hostOf(m_spec.endpoint.baseUrl);
}

void ChatClient::send(ChatRequestSpec spec) {
    if (isBusy())
        cancel(); // the running request ends with finished(Cancelled)
    ++m_generation;
    const quint64 generation = m_generation;
    m_retryTimer.stop();
    m_idleTimer.stop();
    dropReply();

    m_spec = std::move(spec);
    m_body = QByteArray();
    m_text.clear();
    m_reasoning.clear();
    m_error.reset();
    m_stats = ChatStats();
    m_firstAttemptMs = -1;
    m_clock.start();
    setPhase(ChatPhase::Preparing);
    if (generation != m_generation)
        return; // a phaseChanged receiver cancelled or sent again

    // Escaping a multi-MB pack takes tens of milliseconds: never on this (UI)
    // thread. The job gets its own copy of the spec; ChatMessage::text is
    // implicitly shared, so no pack byte is copied, and the job stays valid if
    // this client is destroyed first.
    auto *watcher = new QFutureWatcher<QByteArray>(this);
    connect(watcher, &QFutureWatcher<QByteArray>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation || m_phase != ChatPhase::Preparing)
            return; // cancelled or superseded: drop the body
        m_body = watcher->result();
        m_stats.bodyBytes = m_body.size();
        startAttempt();
    });
    QThreadPool *pool = m_pool ? m_pool : QThreadPool::globalInstance();
    watcher->setFuture(QtConcurrent::run(pool, [spec = m_spec] { return buildChatBody(spec); }));
}

void ChatClient::startAttempt() {
    m_parser.reset();
    m_events.clear();
    m_errorBody.clear();
    m_jsonBody.clear();
    m_httpStatus = 0;
    m_mode = BodyMode::Unknown;
    m_sawDone = false;
    m_gotStreamBytes = false;
    if (m_text.isEmpty()) // never otherwise: no retry once content has arrived
        m_reasoning.clear();
    m_stats.bytesSent = 0;
    m_stats.firstByteSentMs = -1;
    m_stats.uploadDoneMs = -1;
    m_stats.finishReason.clear();
    if (m_firstAttemptMs < 0)
        m_firstAttemptMs = m_clock.elapsed();
    m_stats.earlierAttemptsMs = m_clock.elapsed() - m_firstAttemptMs;

    const Endpoint &endpoint = m_spec.endpoint;
    QNetworkRequest request(chatCompletionsUrl(endpoint.baseUrl));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "text/event-stream");
    // The key goes into this header and nowhere else (never a URL, a body, a log
    // line).
    if (endpoint.auth == AuthStyle::Bearer && !endpoint.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + endpoint.apiKey.toUtf8());
    for (const auto &header : endpoint.extraHeaders)
        request.setRawHeader(header.first, header.second);
    // HTTP/1.1 only: one predictable connection per request, uploadProgress per
    // write.
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    // Idle detection is m_idleTimer (any byte resets it, SSE comments included).
    // Qt's own transfer timeout, which a shared manager may set low, only backs
    // it up, far later.
    if (m_policy.idleTimeoutMs > 0)
        request.setTransferTimeout(m_policy.idleTimeoutMs * 2 + 1000);

    m_stats.bodyBytes = m_body.size();
    // QNetworkAccessManager wraps the array in a QBuffer: shared, not copied.
    QNetworkReply *reply = m_network->post(request, m_body);
    m_reply = reply;
    connect(reply, &QNetworkReply::uploadProgress, this, &ChatClient::onUploadProgress);
    connect(reply, &QNetworkReply::metaDataChanged, this, &ChatClient::onMetaDataChanged);
    connect(reply, &QNetworkReply::readyRead, this, &ChatClient::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &ChatClient::onReplyFinished);
    if (m_policy.idleTimeoutMs > 0)
        m_idleTimer.start(m_policy.idleTimeoutMs);

    const quint64 generation = m_generation;
    setPhase(ChatPhase::Uploading);
    if (generation != m_generation)
        return;
    Q_EMIT uploadProgressed(0, m_stats.bodyBytes);
}

void ChatClient::onUploadProgress(qint64 sent, qint64 total) {
    if (!m_reply || total <= 0) // Qt reports (0, 0) when a reply ends
        return;
    if (m_idleTimer.isActive())
        m_idleTimer.start();
    m_stats.bytesSent = std::max(m_stats.bytesSent, sent);
    if (sent > 0 && m_stats.firstByteSentMs < 0)
        m_stats.firstByteSentMs = m_clock.elapsed();
    if (m_phase != ChatPhase::Uploading)
        return;
    const quint64 generation = m_generation;
    Q_EMIT uploadProgressed(sent, total);
    if (generation == m_generation && sent >= total)
        enterWaiting();
}

void ChatClient::enterWaiting() {
    // Qt may not report upload progress for a small body: the response headers
    // (or first bytes) end the upload at the latest.
    if (m_phase != ChatPhase::Uploading)
        return;
    if (m_stats.uploadDoneMs < 0)
        m_stats.uploadDoneMs = m_clock.elapsed();
    m_stats.bytesSent = m_stats.bodyBytes;
    if (m_stats.firstByteSentMs < 0)
        m_stats.firstByteSentMs = m_stats.uploadDoneMs;
    setPhase(ChatPhase::Waiting);
}

void ChatClient::scheduleRetry(ChatError why) {
    // Servers sometimes quote the key back: the retry notice must not carry it either.
    why.message = scrubKey(std::move(why.message), m_spec.endpoint.apiKey);
    why.serverMessage = scrubKey(std::move(why.serverMessage), m_spec.endpoint.apiKey);
    const int attempt = m_stats.attempt;
    if (contentArrived() || attempt >= m_policy.maxAttempts) {
        ChatError error = why;
        if (attempt > 1)
            error.message += QLatin1Char(' ') + tr("(gave up after %n attempts)", nullptr, attempt);
        fail(std::move(error));
        return;
    }
    qint64 delayMs = 0;
    if (why.retryAfterMs || why.retryAfterSeconds) {
        delayMs = std::max<qint64>(0, why.retryAfterMs ? *why.retryAfterMs
                                                       : qint64(*why.retryAfterSeconds) * 1000);
        if (delayMs > m_policy.maxDelayMs) {
            ChatError error = why;
            error.message =
                tr("%1 asks to wait %2 before the next request, longer than this "
                   "client waits (%3); try again in %2.")
                    .arg(providerName(), durationText(delayMs), durationText(m_policy.maxDelayMs));
            fail(std::move(error));
            return;
        }
    } else {
        // Exponential backoff with +-20% jitter, so clients that failed together
        // spread out.
        const double base = double(m_policy.baseDelayMs) * std::pow(2.0, attempt - 1);
        const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
        delayMs = qint64(std::min(base * jitter, double(m_policy.maxDelayMs)));
    }
    const quint64 generation = m_generation;
    setPhase(ChatPhase::Retrying);
    if (generation != m_generation)
        return;
    m_retryTimer.start(int(delayMs));
    qCInfo(lcChat) << "retrying in" << delayMs << "ms, attempt" << attempt + 1;
    Q_EMIT retryScheduled(attempt + 1, int(delayMs), why);
}

void ChatClient::cancel() {
    if (!isBusy())
        return;
    ChatError error;
    error.kind = ChatError::Kind::Cancelled;
    error.message =
        contentArrived() ? tr("Stopped; the text received so far is kept.") : tr("Cancelled.");
    m_error = std::move(error);
    finish(ChatPhase::Cancelled);
}

void ChatClient::fail(ChatError error) {
    // Servers sometimes quote the (partial) key back in a 401 message; a message of
    // ours must never carry it, in any encoding.
    const QString &key = m_spec.endpoint.apiKey;
    error.message = scrubKey(std::move(error.message), key);
    error.serverMessage = scrubKey(std::move(error.serverMessage), key);
    qCInfo(lcChat).noquote() << "request to" << providerName() << "failed:" << error.message;
    m_error = std::move(error);
    finish(ChatPhase::Failed);
}

void ChatClient::finish(ChatPhase outcome) {
    ++m_generation; // a pending body, timer or reply slot now belongs to nothing
    m_retryTimer.stop();
    m_idleTimer.stop();
    dropReply(outcome == ChatPhase::Done);
    m_events.clear();
    m_stats.totalMs = m_clock.elapsed();
    setPhase(outcome);
    Q_EMIT finished(outcome);
}

void ChatClient::setPhase(ChatPhase phase) {
    if (m_phase == phase)
        return;
    m_phase = phase;
    Q_EMIT phaseChanged(phase);
}

void ChatClient::dropReply(bool graceful) {
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_reply = nullptr;
    disconnect(reply, nullptr, this,
               nullptr); // before abort(), which emits finished()
    if (reply->isFinished()) {
        reply->deleteLater();
    } else if (graceful) {
        // After [DONE] only the end of the response is left: let it arrive so the
        // connection can be reused (no new TCP/TLS handshake next turn). The
        // request's transfer timeout bounds a server that never ends it.
        connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    } else {
        reply->abort();
        reply->deleteLater();
    }
}

} // namespace reposcope::llm
