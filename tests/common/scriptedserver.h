// SPDX-License-Identifier: MIT
#pragma once

#include "llm/conversation.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>

class QTcpServer;
class QTcpSocket;

namespace reposcope::test {

// One HTTP/1.1 request as the loopback server read it off the socket.
struct RecordedRequest {
    QByteArray method;
    QByteArray target; // path and query, as sent ("/v1/chat/completions")
    QByteArray version;
    QList<QPair<QByteArray, QByteArray>> headers; // in order, names as sent
    QByteArray body;
    int connection = 0; // 1 for the first accepted connection, 2 for the next, ...
    // When the socket first had bytes of this request to read, when the head was
    // parsed and when the body was complete. Steady clock, comparable with the
    // caller's.
    std::chrono::steady_clock::time_point firstByteAt;
    std::chrono::steady_clock::time_point headAt;
    std::chrono::steady_clock::time_point completeAt;

    // The first header of that name (case-insensitive); empty when absent.
    QByteArray header(const QByteArray &name) const;
    bool hasHeader(const QByteArray &name) const;
    int headerCount(const QByteArray &name) const;
};

// What the server answers to one request: a status line and headers, then steps
// run in order (writes, non-blocking delays, close, reset). Build with the
// chained setters.
class ScriptedResponse {
public:
    enum class Framing {
        ContentLength, // Content-Length = the sum of all writes (the default)
        Chunked,       // Transfer-Encoding: chunked, one chunk per write, terminator at
                       // the end
        UntilClose,    // no length: the body ends when the server closes the
                       // connection
    };
    struct Step {
        enum class Kind { Write, Delay, Close, Reset, Hang };
        Kind kind = Kind::Write;
        QByteArray bytes;
        int delayMs = 0;
    };

    explicit ScriptedResponse(int status = 200, QByteArray reason = QByteArray());

    // A 200 text/event-stream response, chunked, one write per event.
    static ScriptedResponse sse(const QList<QByteArray> &events);
    // A JSON body with the given status, Content-Length framed.
    static ScriptedResponse json(int status, const QByteArray &body);
    // Reads the request and never answers (not even a status line).
    static ScriptedResponse silent();

    ScriptedResponse &header(const QByteArray &name, const QByteArray &value);
    ScriptedResponse &framing(Framing framing);
    ScriptedResponse &write(const QByteArray &bytes);
    // Each byte of `bytes` in its own write, `delayMs` apart.
    ScriptedResponse &trickle(const QByteArray &bytes, int delayMs = 1);
    ScriptedResponse &delay(int ms);
    ScriptedResponse &delayHead(int ms); // before the status line
    ScriptedResponse &close();           // graceful close once the writes are flushed
    ScriptedResponse &reset();           // TCP reset (SO_LINGER 0 + abort) once flushed
    ScriptedResponse &hang();            // stop here; keep the connection open
    ScriptedResponse &withoutHead();     // the steps write everything, status line included

    int status() const { return m_status; }
    const QList<Step> &steps() const { return m_steps; }

private:
    friend class ScriptedServer;
    QByteArray head() const;

    int m_status = 200;
    QByteArray m_reason;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    Framing m_framing = Framing::ContentLength;
    bool m_sendHead = true;
    int m_headDelayMs = 0;
    QList<Step> m_steps;
};

// A real HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests: it parses
// requests (request line, headers, Content-Length bodies of many MB, `Expect:
// 100-continue`), records each one and answers with the next queued
// ScriptedResponse (or a 500 saying none was queued). Keep-alive connections
// serve several requests in turn. Everything runs on the event loop of the
// thread that owns the server (the test's); delays are timers, never sleeps.
// Not thread-safe.
class ScriptedServer : public QObject {
public:
    explicit ScriptedServer(QObject *parent = nullptr);
    ~ScriptedServer() override;

    bool isListening() const;
    quint16 port() const;
    // "http://127.0.0.1:PORT/v1"
    QUrl baseUrl() const;

    void enqueue(ScriptedResponse response);
    int pendingResponses() const { return int(m_queue.size()); }

    const QList<RecordedRequest> &requests() const { return m_requests; }
    int requestCount() const { return int(m_requests.size()); }
    int connectionCount() const { return m_connections; }
    int closedConnections() const { return m_closed; } // closed by either side
    // Called after each complete request is recorded, before its response starts.
    void setOnRequest(std::function<void(const RecordedRequest &)> callback) {
        m_onRequest = std::move(callback);
    }
    // Called when a socket first has bytes of a request to read.
    void setOnFirstByte(std::function<void()> callback) { m_onFirstByte = std::move(callback); }

    // Closes every open connection at once (RST), e.g. between cases that reuse a
    // server.
    void dropConnections();

private:
    class Connection;
    friend class Connection;

    void onNewConnection();
    ScriptedResponse takeResponse();

    QTcpServer *m_server;
    std::deque<ScriptedResponse> m_queue;
    QList<RecordedRequest> m_requests;
    int m_connections = 0;
    int m_closed = 0;
    std::function<void(const RecordedRequest &)> m_onRequest;
    std::function<void()> m_onFirstByte;
};

// A port on 127.0.0.1 where nothing listens (bound once, then released).
quint16 unusedLoopbackPort();

// Server-sent event builders in the OpenAI chat-completions shape. Each returns
// one whole event, blank line included.
namespace sse {
QByteArray event(const QByteArray &data);
QByteArray roleChunk(); // {"role":"assistant","content":""}
QByteArray contentChunk(const QString &delta);
QByteArray reasoningChunk(const QString &delta);
QByteArray finishChunk(const QString &reason = QStringLiteral("stop"));
QByteArray usageChunk(qint64 promptTokens, qint64 completionTokens, qint64 cachedTokens = -1);
QByteArray progressChunk(qint64 total, qint64 cache, qint64 processed, qint64 timeMs);
QByteArray errorEvent(const QString &message, const QString &type = QString(),
                      const QString &code = QString());
QByteArray keepAlive(const QByteArray &comment = QByteArrayLiteral("keep-alive"));
QByteArray done();
// role chunk, one content chunk per delta, finish chunk, optional usage chunk,
// [DONE].
QList<QByteArray> completion(const QStringList &deltas,
                             std::optional<QPair<qint64, qint64>> usage = std::nullopt);
QByteArray join(const QList<QByteArray> &events);
} // namespace sse

// A non-streamed chat completion body ({"choices":[{"message":{...}}],
// "usage"}).
QByteArray jsonCompletion(const QString &content, qint64 promptTokens = -1,
                          qint64 completionTokens = -1);

// A chat target that sends to `server` without a key: provider "custom", model
// "test-model", at most 256 output tokens, no prices.
llm::ChatTarget chatTargetFor(const ScriptedServer &server);

} // namespace reposcope::test
