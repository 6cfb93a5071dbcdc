// SPDX-License-Identifier: MIT
#include "scriptedserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace reposcope::test {

namespace {

QByteArray reasonFor(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

bool sameName(const QByteArray &a, const QByteArray &b) {
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

} // namespace

// ---------------------------------------------------------------------------------------
// RecordedRequest

QByteArray RecordedRequest::header(const QByteArray &name) const {
    for (const auto &h : headers)
        if (sameName(h.first, name))
            return h.second;
    return QByteArray();
}

bool RecordedRequest::hasHeader(const QByteArray &name) const {
    return headerCount(name) > 0;
}

int RecordedRequest::headerCount(const QByteArray &name) const {
    int n = 0;
    for (const auto &h : headers)
        if (sameName(h.first, name))
            ++n;
    return n;
}

// ---------------------------------------------------------------------------------------
// ScriptedResponse

ScriptedResponse::ScriptedResponse(int status, QByteArray reason)
    : m_status(status)
    , m_reason(reason.isEmpty() ? reasonFor(status) : std::move(reason)) {}

ScriptedResponse ScriptedResponse::sse(const QList<QByteArray> &events) {
    ScriptedResponse r(200);
    r.header("Content-Type", "text/event-stream").header("Cache-Control", "no-cache");
    r.framing(Framing::Chunked);
    for (const QByteArray &e : events)
        r.write(e);
    return r;
}

ScriptedResponse ScriptedResponse::json(int status, const QByteArray &body) {
    ScriptedResponse r(status);
    r.header("Content-Type", "application/json");
    r.write(body);
    return r;
}

ScriptedResponse ScriptedResponse::silent() {
    ScriptedResponse r(0);
    r.withoutHead().hang();
    return r;
}

ScriptedResponse &ScriptedResponse::header(const QByteArray &name, const QByteArray &value) {
    m_headers.append({name, value});
    return *this;
}

ScriptedResponse &ScriptedResponse::framing(Framing framing) {
    m_framing = framing;
    return *this;
}

ScriptedResponse &ScriptedResponse::write(const QByteArray &bytes) {
    m_steps.append(Step{Step::Kind::Write, bytes, 0});
    return *this;
}

ScriptedResponse &ScriptedResponse::trickle(const QByteArray &bytes, int delayMs) {
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        write(bytes.mid(i, 1));
        if (i + 1 < bytes.size())
            delay(delayMs);
    }
    return *this;
}

ScriptedResponse &ScriptedResponse::delay(int ms) {
    m_steps.append(Step{Step::Kind::Delay, QByteArray(), ms});
    return *this;
}

ScriptedResponse &ScriptedResponse::delayHead(int ms) {
    m_headDelayMs = ms;
    return *this;
}

ScriptedResponse &ScriptedResponse::close() {
    m_steps.append(Step{Step::Kind::Close, QByteArray(), 0});
    return *this;
}

ScriptedResponse &ScriptedResponse::reset() {
    m_steps.append(Step{Step::Kind::Reset, QByteArray(), 0});
    return *this;
}

ScriptedResponse &ScriptedResponse::hang() {
    m_steps.append(Step{Step::Kind::Hang, QByteArray(), 0});
    return *this;
}

ScriptedResponse &ScriptedResponse::withoutHead() {
    m_sendHead = false;
    return *this;
}

QByteArray ScriptedResponse::head() const {
    QByteArray out = "HTTP/1.1 " + QByteArray::number(m_status) + ' ' + m_reason + "\r\n";
    for (const auto &h : m_headers)
        out += h.first + ": " + h.second + "\r\n";
    switch (m_framing) {
    case Framing::ContentLength: {
        qsizetype total = 0;
        for (const Step &s : m_steps)
            if (s.kind == Step::Kind::Write)
                total += s.bytes.size();
        out += "Content-Length: " + QByteArray::number(total) + "\r\n";
        break;
    }
    case Framing::Chunked:
        out += "Transfer-Encoding: chunked\r\n";
        break;
    case Framing::UntilClose:
        out += "Connection: close\r\n";
        break;
    }
    out += "\r\n";
    return out;
}

// ---------------------------------------------------------------------------------------
// One accepted socket: reads requests one after the other and runs each
// response's steps. A child of its socket, so a pending delay never outlives
// the socket.

class ScriptedServer::Connection : public QObject {
public:
    Connection(ScriptedServer *server, QTcpSocket *socket, int number)
        : QObject(socket)
        , m_server(server)
        , m_socket(socket)
        , m_number(number) {
        connect(socket, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        connect(socket, &QTcpSocket::disconnected, this, [this] {
            ++m_server->m_closed;
            m_socket->deleteLater();
        });
    }

private:
    enum class State { Head, Body, Responding, Closed };

    void onReadyRead() {
        if (m_state == State::Closed) {
            m_socket->readAll();
            return;
        }
        if (m_buffer.isEmpty() && m_state == State::Head && !m_haveFirstByte) {
            m_haveFirstByte = true;
            m_current = RecordedRequest();
            m_current.connection = m_number;
            m_current.firstByteAt = std::chrono::steady_clock::now();
            if (m_server->m_onFirstByte)
                m_server->m_onFirstByte();
        }
        m_buffer += m_socket->readAll();
        parse();
    }

    void parse() {
        while (true) {
            if (m_state == State::Head) {
                const qsizetype end = m_buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                if (!m_haveFirstByte) { // a pipelined request already in the buffer
                    m_current = RecordedRequest();
                    m_current.connection = m_number;
                    m_current.firstByteAt = std::chrono::steady_clock::now();
                }
                m_haveFirstByte = true;
                parseHead(m_buffer.first(end));
                m_buffer.remove(0, end + 4);
                m_current.headAt = std::chrono::steady_clock::now();
                m_bodyLength = m_current.header("Content-Length").toLongLong();
                m_current.body.reserve(m_bodyLength);
                if (m_current.header("Expect").compare("100-continue", Qt::CaseInsensitive) == 0)
                    m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
                m_state = State::Body;
            }
            if (m_state == State::Body) {
                const qsizetype need = m_bodyLength - m_current.body.size();
                const qsizetype take = std::min(need, m_buffer.size());
                if (take > 0) {
                    m_current.body += m_buffer.first(take);
                    m_buffer.remove(0, take);
                }
                if (m_current.body.size() < m_bodyLength)
                    return;
                m_current.completeAt = std::chrono::steady_clock::now();
                m_state = State::Responding;
                m_haveFirstByte = false;
                m_server->m_requests.append(m_current);
                if (m_server->m_onRequest)
                    m_server->m_onRequest(m_server->m_requests.constLast());
                startResponse(m_server->takeResponse());
                return; // the next request is parsed when this response has ended
            }
            if (m_state != State::Head)
                return;
        }
    }

    void parseHead(const QByteArray &head) {
        const QList<QByteArray> lines = head.split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        m_current.method = requestLine.value(0);
        m_current.target = requestLine.value(1);
        m_current.version = requestLine.value(2);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            m_current.headers.append({line.first(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }
    }

    void startResponse(ScriptedResponse response) {
        m_response = std::move(response);
        m_step = 0;
        if (m_response.m_headDelayMs > 0) {
            QTimer::singleShot(m_response.m_headDelayMs, this, [this] { sendHeadAndRun(); });
            return;
        }
        sendHeadAndRun();
    }

    void sendHeadAndRun() {
        if (m_response.m_sendHead)
            m_socket->write(m_response.head());
        runSteps();
    }

    void runSteps() {
        using Kind = ScriptedResponse::Step::Kind;
        const bool chunked =
            m_response.m_sendHead && m_response.m_framing == ScriptedResponse::Framing::Chunked;
        while (m_step < m_response.m_steps.size()) {
            const ScriptedResponse::Step &step = m_response.m_steps[m_step];
            switch (step.kind) {
            case Kind::Write:
                ++m_step;
                if (step.bytes.isEmpty())
                    break;
                if (chunked)
                    m_socket->write(QByteArray::number(step.bytes.size(), 16) + "\r\n" +
                                    step.bytes + "\r\n");
                else
                    m_socket->write(step.bytes);
                break;
            case Kind::Delay:
                ++m_step;
                QTimer::singleShot(step.delayMs, this, [this] { runSteps(); });
                return;
            case Kind::Close:
                m_state = State::Closed;
                m_socket->disconnectFromHost(); // flushes what is queued first
                return;
            case Kind::Reset:
                if (m_socket->bytesToWrite() > 0) {
                    // Let the queued bytes reach the peer, then reset.
                    m_socket->flush();
                    QTimer::singleShot(1, this, [this] { runSteps(); });
                    return;
                }
                m_state = State::Closed;
                resetSocket(m_socket);
                return;
            case Kind::Hang:
                m_state = State::Closed; // nothing more on this connection
                return;
            }
        }
        // Every step ran: end the body and wait for the next request on this
        // connection.
        if (chunked)
            m_socket->write("0\r\n\r\n");
        if (!m_response.m_sendHead ||
            m_response.m_framing == ScriptedResponse::Framing::UntilClose) {
            m_state = State::Closed;
            m_socket->disconnectFromHost();
            return;
        }
        m_state = State::Head;
        if (!m_buffer.isEmpty())
            parse();
    }

public:
    static void resetSocket(QTcpSocket *socket) {
        // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
#ifdef Q_OS_UNIX
        const qintptr fd = socket->socketDescriptor();
        if (fd >= 0) {
            struct linger lingerOption {};
            lingerOption.l_onoff = 1;
            lingerOption.l_linger = 0;
            ::setsockopt(int(fd), SOL_SOCKET, SO_LINGER, &lingerOption, sizeof lingerOption);
        }
#endif
        socket->abort();
    }

private:
    ScriptedServer *m_server;
    QTcpSocket *m_socket;
    int m_number;
    State m_state = State::Head;
    bool m_haveFirstByte = false;
    QByteArray m_buffer;
    RecordedRequest m_current;
    qint64 m_bodyLength = 0;
    ScriptedResponse m_response;
    qsizetype m_step = 0;
};

// ---------------------------------------------------------------------------------------
// ScriptedServer

ScriptedServer::ScriptedServer(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this)) {
    connect(m_server, &QTcpServer::newConnection, this, [this] { onNewConnection(); });
    m_server->listen(QHostAddress::LocalHost, 0);
}

ScriptedServer::~ScriptedServer() {
    dropConnections();
}

bool ScriptedServer::isListening() const {
    return m_server->isListening();
}

quint16 ScriptedServer::port() const {
    return m_server->serverPort();
}

QUrl ScriptedServer::baseUrl() const {
    return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port()));
}

void ScriptedServer::enqueue(ScriptedResponse response) {
    m_queue.push_back(std::move(response));
}

ScriptedResponse ScriptedServer::takeResponse() {
    if (m_queue.empty())
        return ScriptedResponse::json(500, R"({"error":{"message":"no scripted response"}})");
    ScriptedResponse r = std::move(m_queue.front());
    m_queue.pop_front();
    return r;
}

void ScriptedServer::onNewConnection() {
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        ++m_connections;
        // Each write goes out at once, as SSE servers flush per event (no Nagle wait for
        // the peer's delayed ACK between two small writes).
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        new Connection(this, socket, m_connections);
    }
}

void ScriptedServer::dropConnections() {
    // Accepted sockets are children of the QTcpServer.
    const QList<QTcpSocket *> sockets = m_server->findChildren<QTcpSocket *>();
    for (QTcpSocket *socket : sockets) {
        if (socket->state() == QAbstractSocket::ConnectedState)
            Connection::resetSocket(socket);
    }
}

quint16 unusedLoopbackPort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

// ---------------------------------------------------------------------------------------
// SSE builders

namespace sse {

namespace {

QByteArray compact(const QJsonObject &o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject chunkWith(const QJsonObject &delta, const QJsonValue &finishReason) {
    QJsonObject choice;
    choice.insert(QStringLiteral("index"), 0);
    choice.insert(QStringLiteral("delta"), delta);
    choice.insert(QStringLiteral("finish_reason"), finishReason);
    QJsonObject o;
    o.insert(QStringLiteral("id"), QStringLiteral("chatcmpl-test"));
    o.insert(QStringLiteral("object"), QStringLiteral("chat.completion.chunk"));
    o.insert(QStringLiteral("created"), 1750000000);
    o.insert(QStringLiteral("model"), QStringLiteral("test-model"));
    o.insert(QStringLiteral("choices"), QJsonArray{choice});
    return o;
}

QJsonObject usageObject(qint64 prompt, qint64 completion, qint64 cached) {
    QJsonObject usage;
    usage.insert(QStringLiteral("prompt_tokens"), prompt);
    usage.insert(QStringLiteral("completion_tokens"), completion);
    usage.insert(QStringLiteral("total_tokens"), prompt + completion);
    if (cached >= 0)
        usage.insert(QStringLiteral("prompt_tokens_details"),
                     QJsonObject{{QStringLiteral("cached_tokens"), cached}});
    return usage;
}

} // namespace

QByteArray event(const QByteArray &data) {
    return "data: " + data + "\n\n";
}

QByteArray roleChunk() {
    return event(
        compact(chunkWith(QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                      {QStringLiteral("content"), QString()}},
                          QJsonValue::Null)));
}

QByteArray contentChunk(const QString &delta) {
    return event(
        compact(chunkWith(QJsonObject{{QStringLiteral("content"), delta}}, QJsonValue::Null)));
}

QByteArray reasoningChunk(const QString &delta) {
    return event(compact(
        chunkWith(QJsonObject{{QStringLiteral("reasoning_content"), delta}}, QJsonValue::Null)));
}

QByteArray finishChunk(const QString &reason) {
    return event(compact(chunkWith(QJsonObject(), reason)));
}

QByteArray usageChunk(qint64 promptTokens, qint64 completionTokens, qint64 cachedTokens) {
    QJsonObject o = chunkWith(QJsonObject(), QJsonValue::Null);
    o.insert(QStringLiteral("choices"), QJsonArray());
    o.insert(QStringLiteral("usage"), usageObject(promptTokens, completionTokens, cachedTokens));
    return event(compact(o));
}

QByteArray progressChunk(qint64 total, qint64 cache, qint64 processed, qint64 timeMs) {
    QJsonObject progress{{QStringLiteral("total"), total},
                         {QStringLiteral("cache"), cache},
                         {QStringLiteral("processed"), processed},
                         {QStringLiteral("time_ms"), timeMs}};
    QJsonObject o = chunkWith(QJsonObject(), QJsonValue::Null);
    o.insert(QStringLiteral("choices"), QJsonArray());
    o.insert(QStringLiteral("prompt_progress"), progress);
    return event(compact(o));
}

QByteArray errorEvent(const QString &message, const QString &type, const QString &code) {
    QJsonObject error{{QStringLiteral("message"), message}};
    if (!type.isEmpty())
        error.insert(QStringLiteral("type"), type);
    if (!code.isEmpty())
        error.insert(QStringLiteral("code"), code);
    return event(compact(QJsonObject{{QStringLiteral("error"), error}}));
}

QByteArray keepAlive(const QByteArray &comment) {
    return ": " + comment + "\n\n";
}

QByteArray done() {
    return event("[DONE]");
}

QList<QByteArray> completion(const QStringList &deltas,
                             std::optional<QPair<qint64, qint64>> usage) {
    QList<QByteArray> events;
    events.append(roleChunk());
    for (const QString &d : deltas)
        events.append(contentChunk(d));
    events.append(finishChunk());
    if (usage)
        events.append(usageChunk(usage->first, usage->second));
    events.append(done());
    return events;
}

QByteArray join(const QList<QByteArray> &events) {
    QByteArray out;
    for (const QByteArray &e : events)
        out += e;
    return out;
}

} // namespace sse

QByteArray jsonCompletion(const QString &content, qint64 promptTokens, qint64 completionTokens) {
    QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                        {QStringLiteral("content"), content}};
    QJsonObject choice{{QStringLiteral("index"), 0},
                       {QStringLiteral("message"), message},
                       {QStringLiteral("finish_reason"), QStringLiteral("stop")}};
    QJsonObject o{{QStringLiteral("id"), QStringLiteral("chatcmpl-test")},
                  {QStringLiteral("object"), QStringLiteral("chat.completion")},
                  {QStringLiteral("model"), QStringLiteral("test-model")},
                  {QStringLiteral("choices"), QJsonArray{choice}}};
    if (promptTokens >= 0 || completionTokens >= 0)
        o.insert(QStringLiteral("usage"),
                 sse::usageObject(std::max<qint64>(promptTokens, 0),
                                  std::max<qint64>(completionTokens, 0), -1));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

llm::ChatTarget chatTargetFor(const ScriptedServer &server) {
    llm::ChatTarget target;
    target.endpoint.baseUrl = server.baseUrl();
    target.endpoint.providerName = QStringLiteral("test server");
    target.endpoint.auth = llm::AuthStyle::None;
    target.providerId = QStringLiteral("custom");
    target.model = QStringLiteral("test-model");
    target.maxOutputTokens = 256;
    return target;
}

} // namespace reposcope::test
