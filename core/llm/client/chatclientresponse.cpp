// SPDX-License-Identifier: MIT
// ChatClient's response side: status and headers, SSE bytes fed to the parser as they
// arrive, a non-streamed JSON answer, HTTP and transport errors, the idle timeout. All on
// the client's thread, inside QNetworkReply's signals; the lifecycle is in chatclient.cpp.
#include "common/figures.h"
#include "llm/client/chatclient.h"
#include "llm/keyscrub.h"

#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

namespace reposcope::llm {

namespace {

// An error body is only read for its message; a misbehaving server cannot make us hold more.
constexpr qsizetype kMaxErrorBody = 64 * 1024;
// A whole non-streamed completion: generous (a long answer), but bounded.
constexpr qsizetype kMaxJsonBody = 64 * 1024 * 1024;

// A stream that ended well-formed but said nothing at all: no answer text, no reasoning, no
// finish reason (a bare `[DONE]`, or an empty completion). Never an empty success.
ChatError nothingAnswered(const QString &provider, int httpStatus) {
    ChatError error;
    error.kind = ChatError::Kind::Protocol;
    error.httpStatus = httpStatus;
    error.message = ChatClient::tr("%1 ended the stream without an answer: no text and no finish "
                                   "reason came before its end marker. Check the model id and "
                                   "the server's log, then try again.")
                        .arg(provider);
    return error;
}

} // namespace

void ChatClient::onMetaDataChanged() {
    if (!m_reply)
        return;
    if (m_idleTimer.isActive())
        m_idleTimer.start();
    m_httpStatus = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const quint64 generation = m_generation;
    Q_EMIT dataArrived();
    if (generation == m_generation && m_httpStatus >= 200)
        enterWaiting();
}

void ChatClient::onReadyRead() {
    if (!m_reply)
        return;
    if (m_idleTimer.isActive())
        m_idleTimer.start();
    if (m_httpStatus == 0)
        m_httpStatus = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const quint64 generation = m_generation;
    Q_EMIT dataArrived();
    if (generation != m_generation || !m_reply)
        return;
    enterWaiting();
    if (generation != m_generation || !m_reply)
        return;
    processBytes(m_reply->readAll());
}

void ChatClient::processBytes(const QByteArray &bytes) {
    if (bytes.isEmpty())
        return;
    if (m_httpStatus >= 400) {
        if (m_errorBody.size() < kMaxErrorBody)
            m_errorBody += bytes.first(std::min(bytes.size(), kMaxErrorBody - m_errorBody.size()));
        return;
    }
    if (m_mode == BodyMode::Unknown) {
        // Some servers ignore `stream: true` and send one JSON completion. Decide
        // on the Content-Type, and on the first byte when the type says neither.
        const QByteArray type =
            m_reply ? m_reply->rawHeader("Content-Type").toLower() : QByteArray();
        if (type.contains("text/event-stream"))
            m_mode = BodyMode::EventStream;
        else if (type.contains("json"))
            m_mode = BodyMode::Json;
        else
            m_mode = bytes.trimmed().startsWith('{') ? BodyMode::Json : BodyMode::EventStream;
    }
    if (m_mode == BodyMode::Json) {
        if (m_jsonBody.size() + bytes.size() > kMaxJsonBody) {
            ChatError error;
            error.kind = ChatError::Kind::Protocol;
            error.httpStatus = m_httpStatus;
            error.message = tr("%1 sent a non-streamed answer larger than %2; "
                               "stopped reading.")
                                .arg(providerName(), formatBytes(kMaxJsonBody));
            fail(error);
            return;
        }
        m_jsonBody += bytes;
        return;
    }
    m_gotStreamBytes = true;
    m_parser.feed(bytes, m_events);
    dispatchEvents();
}

void ChatClient::dispatchEvents() {
    // Taken out first: a receiver may re-enter (cancel, send) while we iterate.
    std::vector<SseEvent> events;
    events.swap(m_events);
    const quint64 generation = m_generation;
    for (const SseEvent &event : events) {
        // Named events other than errors (pings of some proxies) carry no chat
        // data.
        if (!event.event.isEmpty() && event.event != "message" && event.event != "error")
            continue;
        if (event.data.trimmed().isEmpty())
            continue; // "data:" alone: nothing to decode
        handleChunk(decodeChatChunk(event));
        if (generation != m_generation)
            return; // failed, done, cancelled or re-sent
    }
}

void ChatClient::markFirstToken() {
    if (m_stats.ttftMs >= 0)
        return;
    enterWaiting();
    m_stats.ttftMs = m_clock.elapsed();
    setPhase(ChatPhase::Streaming);
}

void ChatClient::handleChunk(const StreamChunk &chunk) {
    if (chunk.malformed) {
        ChatError error;
        error.kind = ChatError::Kind::Protocol;
        error.httpStatus = m_httpStatus;
        error.message = tr("%1 sent a chunk that is not a valid chat-completions "
                           "event (%2); the answer "
                           "stops here, the text received so far is kept.")
                            .arg(providerName(), chunk.malformedReason);
        fail(error);
        return;
    }
    const quint64 generation = m_generation;
    if (chunk.progress) {
        m_stats.progress = *chunk.progress;
        Q_EMIT promptProgressed(*chunk.progress);
        if (generation != m_generation)
            return;
    }
    if (!chunk.reasoningDelta.isEmpty()) {
        m_reasoning += chunk.reasoningDelta;
        m_stats.outputTokensEstimate = (m_text.size() + m_reasoning.size() + 3) / 4;
        markFirstToken();
        if (generation != m_generation)
            return;
        Q_EMIT reasoningReceived(chunk.reasoningDelta);
        if (generation != m_generation)
            return;
    }
    if (!chunk.contentDelta.isEmpty()) {
        m_text += chunk.contentDelta;
        ++m_stats.outputChunks;
        m_stats.outputTokensEstimate = (m_text.size() + m_reasoning.size() + 3) / 4;
        markFirstToken();
        if (generation != m_generation)
            return;
        Q_EMIT deltaReceived(chunk.contentDelta);
        if (generation != m_generation)
            return;
    }
    if (chunk.usage) {
        m_stats.usage = *chunk.usage;
        Q_EMIT usageReceived(*chunk.usage);
        if (generation != m_generation)
            return;
    }
    if (!chunk.finishReason.isEmpty())
        m_stats.finishReason = chunk.finishReason;
    if (chunk.error) {
        // Before any answer text the error is the whole outcome, not a break in an answer.
        ChatError error =
            fromStreamError(chunk.error->message, chunk.error->type, chunk.error->code,
                            providerName(), !m_text.isEmpty(), chunk.error->upstreamProvider);
        error.httpStatus = m_httpStatus;
        fail(std::move(error));
        return;
    }
    if (chunk.done) {
        // [DONE] ends the answer even if the server keeps the response open.
        m_sawDone = true;
        if (!contentArrived() && m_stats.finishReason.isEmpty())
            fail(nothingAnswered(providerName(), m_httpStatus));
        else
            finish(ChatPhase::Done);
    }
}

void ChatClient::finishJsonBody() {
    const StreamChunk chunk = decodeChatChunk(SseEvent{QByteArray(), m_jsonBody, QByteArray()});
    m_jsonBody.clear();
    const quint64 generation = m_generation;
    if (chunk.malformed) {
        ChatError error;
        error.kind = ChatError::Kind::Protocol;
        error.httpStatus = m_httpStatus;
        error.message = tr("%1 answered with JSON that is not a chat completion (%2).")
                            .arg(providerName(), chunk.malformedReason);
        fail(error);
        return;
    }
    StreamChunk whole = chunk;
    whole.done = false; // the end of the body is the end of the answer
    handleChunk(whole);
    if (generation != m_generation)
        return;
    if (!contentArrived() && m_stats.finishReason.isEmpty())
        fail(nothingAnswered(providerName(), m_httpStatus));
    else
        finish(ChatPhase::Done);
}

void ChatClient::onReplyFinished() {
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_idleTimer.stop();
    const quint64 generation = m_generation;
    if (m_httpStatus == 0)
        m_httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->bytesAvailable() > 0) {
        if (m_httpStatus > 0 && m_httpStatus < 400)
            enterWaiting();
        if (generation != m_generation)
            return;
        processBytes(reply->readAll());
        if (generation != m_generation)
            return;
    }

    if (m_httpStatus >= 400) {
        // Scrubbed before the message is cut to length, so no part of a quoted key is left.
        ChatError error =
            classifyHttpError(m_httpStatus, scrubKey(m_errorBody, m_spec.endpoint.apiKey),
                              reply->rawHeaderPairs(), providerName());
        dropReply();
        const bool retryKind = error.kind == ChatError::Kind::RateLimited ||
                               error.kind == ChatError::Kind::ServerError;
        if (error.retryable && retryKind)
            scheduleRetry(error);
        else
            fail(std::move(error));
        return;
    }

    const QNetworkReply::NetworkError code = reply->error();
    if (code != QNetworkReply::NoError) {
        ChatError error;
        if (code == QNetworkReply::OperationCanceledError) {
            // Not our abort (we disconnect first): Qt's transfer timeout backstop
            // fired.
            error.kind = ChatError::Kind::Timeout;
            error.message =
                tr("No data from %1 for too long; the request was stopped.").arg(providerName());
        } else {
            error = classifyNetworkError(code, reply->errorString(), contentArrived(),
                                         hostOf(reply->url()));
        }
        error.httpStatus = m_httpStatus;
        dropReply();
        fail(std::move(error));
        return;
    }

    // The response ended cleanly.
    if (m_mode == BodyMode::Json) {
        dropReply();
        finishJsonBody();
        return;
    }
    m_parser.finish(m_events); // an event whose blank line never came
    dispatchEvents();
    if (generation != m_generation)
        return;
    const QString host = hostOf(reply->url());
    dropReply();
    if (m_sawDone || !m_stats.finishReason.isEmpty()) {
        finish(ChatPhase::Done);
        return;
    }
    if (contentArrived()) {
        ChatError error = classifyNetworkError(
            QNetworkReply::RemoteHostClosedError,
            tr("The server closed the stream before the answer was complete"), true, host);
        error.kind = ChatError::Kind::ConnectionDropped;
        error.httpStatus = m_httpStatus;
        fail(std::move(error));
        return;
    }
    ChatError error;
    error.kind = ChatError::Kind::Protocol;
    error.httpStatus = m_httpStatus;
    error.message =
        m_gotStreamBytes
            ? tr("%1 ended the response without an answer or an end-of-stream "
                 "marker; is this an OpenAI-compatible chat-completions "
                 "endpoint?")
                  .arg(providerName())
            : tr("%1 sent an empty response (HTTP %2).").arg(providerName()).arg(m_httpStatus);
    fail(std::move(error));
}

void ChatClient::onIdleTimeout() {
    if (!m_reply)
        return;
    ChatError error;
    error.kind = ChatError::Kind::Timeout;
    error.httpStatus = m_httpStatus;
    const QString phase =
        m_phase == ChatPhase::Streaming
            ? tr("in the middle of the answer")
            : (m_phase == ChatPhase::Uploading ? tr("while uploading")
                                               : tr("while waiting for the first token"));
    error.message = tr("No data from %1 for %2 %3; the request was stopped. A very long "
                       "prompt "
                       "can take minutes to process: raise the idle timeout if the server is "
                       "just slow.")
                        .arg(providerName(), durationText(m_policy.idleTimeoutMs), phase);
    fail(std::move(error));
}

} // namespace reposcope::llm
