// SPDX-License-Identifier: MIT
#pragma once

#include "llm/client/chaterror.h"
#include "llm/client/chatrequest.h"
#include "llm/stream/chatstream.h"
#include "llm/stream/sseparser.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QThreadPool;

namespace reposcope::llm {

// The phase of one request, shown by the chat pane at every moment.
enum class ChatPhase {
    Idle,
    Preparing, // building the body off the UI thread
    Uploading, // bytes sent of total
    Waiting,   // request sent, no token yet (prefill)
    Streaming, // tokens arriving
    Retrying,  // waiting out a 429/503 before the next attempt
    Done,
    Failed,
    Cancelled,
};
QString phaseName(ChatPhase phase);
// Done, Failed or Cancelled: the request is over, nothing of the turn changes any more.
inline bool isFinal(ChatPhase phase) {
    return phase == ChatPhase::Done || phase == ChatPhase::Failed || phase == ChatPhase::Cancelled;
}

// Live and final figures of one request. Times are milliseconds since send().
struct ChatStats {
    qint64 bodyBytes = 0;
    qint64 bytesSent = 0;
    // First request byte on the wire, approximated by Qt's first uploadProgress with sent > 0:
    // the first body bytes written to the socket, right after the request line and headers.
    qint64 firstByteSentMs = -1;
    qint64 uploadDoneMs = -1;
    qint64 ttftMs = -1; // first content or reasoning token (retry waits included)
    // Time spent on earlier attempts and retry waits before the attempt that ran last: the
    // prefill of that attempt alone is ttftMs - earlierAttemptsMs (what the ETA learns).
    qint64 earlierAttemptsMs = 0;
    qint64 totalMs = -1;
    qint64 outputChunks = 0;         // content deltas received
    qint64 outputTokensEstimate = 0; // ~ chars/4 until usage arrives
    TokenUsage usage;                // from the server, when reported
    std::optional<PromptProgress> progress;
    int attempt = 1;
    QString finishReason;
    double tokensPerSecond() const;
};

struct RetryPolicy {
    int maxAttempts = 4;    // first try included
    int baseDelayMs = 2000; // doubled each time when the server gives no Retry-After
    int maxDelayMs = 60000; // a longer Retry-After fails instead of waiting
    int idleTimeoutMs =
        600000; // no byte at all for this long: Timeout (prefill of 10M tokens can take minutes)
};

// One chat-completions request at a time over an injected QNetworkAccessManager (lives on
// the caller's thread, normally the UI thread). The body is built on the injected pool;
// SSE bytes are parsed in readyRead as they arrive. Retries 429/503 with backoff honouring
// Retry-After (not Groq's 413). cancel() works in every phase. The text received so far
// is kept whatever happens (a partial answer can be continued).
class ChatClient : public QObject {
    Q_OBJECT
public:
    ChatClient(QNetworkAccessManager *network, QThreadPool *pool, QObject *parent = nullptr);
    ~ChatClient() override;

    void setRetryPolicy(const RetryPolicy &policy) { m_policy = policy; }
    const RetryPolicy &retryPolicy() const { return m_policy; }

    // Starts a request; a running one is cancelled first.
    void send(ChatRequestSpec spec);
    void cancel();

    bool isBusy() const;
    ChatPhase phase() const { return m_phase; }
    const ChatStats &stats() const { return m_stats; }
    const QString &text() const { return m_text; }
    const QString &reasoning() const { return m_reasoning; }
    // The error of the last failed request (kind Cancelled after cancel()).
    const std::optional<ChatError> &error() const { return m_error; }

Q_SIGNALS:
    void phaseChanged(reposcope::llm::ChatPhase phase);
    void uploadProgressed(qint64 sent, qint64 total);
    void promptProgressed(const reposcope::llm::PromptProgress &progress);
    void deltaReceived(const QString &delta);
    void reasoningReceived(const QString &delta);
    void usageReceived(const reposcope::llm::TokenUsage &usage);
    void retryScheduled(int nextAttempt, int delayMs, const reposcope::llm::ChatError &why);
    // Bytes of the response arrived (headers, SSE comments and events alike): what a stall
    // detector watches. Cheap; emitted on every read.
    void dataArrived();
    // Exactly once per send(): phase is Done, Failed or Cancelled; text() holds the answer
    // or the partial answer.
    void finished(reposcope::llm::ChatPhase outcome);

private:
    // How the body of a 2xx response is read: an SSE stream, or one JSON completion from a
    // server that ignored `stream: true`.
    enum class BodyMode { Unknown, EventStream, Json };

    void startAttempt();
    void onUploadProgress(qint64 sent, qint64 total);
    void onMetaDataChanged();
    void onReadyRead();
    void onReplyFinished();
    void onIdleTimeout();
    void processBytes(const QByteArray &bytes);
    void dispatchEvents();
    void finishJsonBody();
    void handleChunk(const StreamChunk &chunk);
    void enterWaiting();
    void markFirstToken();
    bool contentArrived() const { return !m_text.isEmpty() || !m_reasoning.isEmpty(); }
    QString providerName() const;
    static QString hostOf(const QUrl &url); // host[:port], never user info
    static QString durationText(qint64 ms); // "0.3 s", "45 s", "60 min"
    void fail(ChatError error);
    void finish(ChatPhase outcome);
    void setPhase(ChatPhase phase);
    void scheduleRetry(ChatError why);
    void dropReply(bool graceful = false);

    QNetworkAccessManager *m_network;
    QThreadPool *m_pool;
    RetryPolicy m_policy;

    ChatRequestSpec m_spec;
    QByteArray m_body; // built once per send(), shared (not copied) by every attempt
    // Bumped by send() and by every end of a request: a body built for a superseded send(),
    // and code running after a signal whose receiver cancelled or re-sent, see it changed.
    quint64 m_generation = 0;
    QPointer<QNetworkReply> m_reply;
    QTimer m_retryTimer;
    QTimer m_idleTimer;
    QElapsedTimer m_clock;
    qint64 m_firstAttemptMs = -1; // on m_clock
    SseParser m_parser;
    std::vector<SseEvent> m_events;
    QByteArray m_errorBody; // body of a non-2xx response (capped)
    QByteArray m_jsonBody;  // body of a non-streamed 2xx completion (capped)
    int m_httpStatus = 0;
    BodyMode m_mode = BodyMode::Unknown;
    bool m_sawDone = false;
    bool m_gotStreamBytes = false;

    ChatPhase m_phase = ChatPhase::Idle;
    ChatStats m_stats;
    QString m_text;
    QString m_reasoning;
    std::optional<ChatError> m_error;
};

} // namespace reposcope::llm

Q_DECLARE_METATYPE(reposcope::llm::ChatPhase)
