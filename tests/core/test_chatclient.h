// SPDX-License-Identifier: MIT
#pragma once
// Shared fixture of the ChatClient suites (test_chatclient_*.cpp): a real
// loopback HTTP server, a real QNetworkAccessManager and a recorder of every
// signal the client emits.

#include "eventloop.h"
#include "llm/client/chatclient.h"
#include "scriptedserver.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QThreadPool>

#include <gtest/gtest.h>

#include <memory>

namespace reposcope::llm {

// Readable GoogleTest output for phases and error kinds.
inline void PrintTo(ChatPhase phase, std::ostream *os) {
    *os << phaseName(phase).toStdString();
}

inline void PrintTo(ChatError::Kind kind, std::ostream *os) {
    static const char *const names[] = {"Authentication",
                                        "ModelNotFound",
                                        "ContextOverflow",
                                        "TooLargeForRateLimit",
                                        "RateLimited",
                                        "PaymentRequired",
                                        "ServerError",
                                        "BadRequest",
                                        "HostNotFound",
                                        "ConnectionRefused",
                                        "Tls",
                                        "Timeout",
                                        "ConnectionDropped",
                                        "StreamError",
                                        "Protocol",
                                        "Cancelled",
                                        "Other"};
    const auto index = static_cast<std::size_t>(kind);
    *os << (index < std::size(names) ? names[index] : "?");
}

} // namespace reposcope::llm

namespace reposcope::test {

inline const QString kTestKey = QStringLiteral("sk-test-4f9Qz81mKeyThatMustNeverLeak");

// Records the client's signals, in order.
class ClientRecorder : public QObject {
public:
    struct Retry {
        int nextAttempt = 0;
        int delayMs = 0;
        llm::ChatError why;
    };

    explicit ClientRecorder(llm::ChatClient *client) {
        using llm::ChatClient;
        connect(client, &ChatClient::phaseChanged, this,
                [this](llm::ChatPhase p) { phases.append(p); });
        connect(client, &ChatClient::uploadProgressed, this, [this](qint64 sent, qint64 total) {
            uploads.append({sent, total});
        });
        connect(client, &ChatClient::promptProgressed, this,
                [this](const llm::PromptProgress &p) { progress.append(p); });
        connect(client, &ChatClient::deltaReceived, this, [this, client](const QString &d) {
            deltas.append(d);
            phaseAtDelta.append(client->phase());
        });
        connect(client, &ChatClient::reasoningReceived, this,
                [this](const QString &d) { reasoning.append(d); });
        connect(client, &ChatClient::usageReceived, this,
                [this](const llm::TokenUsage &u) { usages.append(u); });
        connect(client, &ChatClient::retryScheduled, this,
                [this](int next, int delayMs, const llm::ChatError &why) {
                    retries.append(Retry{next, delayMs, why});
                });
        connect(client, &ChatClient::finished, this,
                [this](llm::ChatPhase outcome) { finishes.append(outcome); });
    }

    QList<llm::ChatPhase> phases;
    QList<QPair<qint64, qint64>> uploads;
    QList<llm::PromptProgress> progress;
    QStringList deltas;
    QList<llm::ChatPhase> phaseAtDelta;
    QStringList reasoning;
    QList<llm::TokenUsage> usages;
    QList<Retry> retries;
    QList<llm::ChatPhase> finishes;
};

class ChatClientTest : public ::testing::Test {
protected:
    ChatClientTest() {
        llm::RetryPolicy policy;
        policy.baseDelayMs = 20; // backoff without Retry-After stays short in tests
        client.setRetryPolicy(policy);
    }

    void TearDown() override {
        // finished() exactly once per send(), also once everything pending has run.
        QCoreApplication::processEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QCoreApplication::processEvents();
        EXPECT_EQ(recorder.finishes.size(), m_sends) << "finished() must come once per send()";
    }

    void setIdleTimeout(int ms) {
        llm::RetryPolicy policy = client.retryPolicy();
        policy.idleTimeoutMs = ms;
        client.setRetryPolicy(policy);
    }

    void setMaxAttempts(int n) {
        llm::RetryPolicy policy = client.retryPolicy();
        policy.maxAttempts = n;
        client.setRetryPolicy(policy);
    }

    llm::ChatRequestSpec makeSpec(const QByteArray &pack = QByteArrayLiteral(
                                      "File: main.cpp\nint main() { return 0; }\n")) const {
        llm::ChatRequestSpec spec;
        spec.endpoint.baseUrl = server.baseUrl();
        spec.endpoint.providerName = QStringLiteral("Loopback");
        spec.endpoint.apiKey = kTestKey;
        spec.model = QStringLiteral("test-model");
        spec.messages.push_back({llm::ChatMessage::Role::System, "You audit code.", {}});
        spec.messages.push_back({llm::ChatMessage::Role::User, pack, {}});
        spec.maxTokens = 512;
        return spec;
    }

    void send(llm::ChatRequestSpec spec) {
        ++m_sends;
        client.send(std::move(spec));
    }
    void send() { send(makeSpec()); }

    // Waits (event loop, one-minute deadline for hangs only) for the latest send
    // to finish.
    bool waitFinished() {
        const qsizetype target = m_sends;
        return processEventsUntil([&] { return recorder.finishes.size() >= target; });
    }

    // send() and wait; the outcome.
    llm::ChatPhase run(llm::ChatRequestSpec spec) {
        send(std::move(spec));
        if (!waitFinished())
            return llm::ChatPhase::Idle;
        return recorder.finishes.constLast();
    }
    llm::ChatPhase run() { return run(makeSpec()); }

    llm::ChatError::Kind errorKind() const {
        return client.error() ? client.error()->kind : llm::ChatError::Kind::Other;
    }
    QString errorText() const {
        return client.error()
                   ? client.error()->message + QLatin1Char('\n') + client.error()->serverMessage
                   : QString();
    }

    ScriptedServer server;
    QThreadPool pool;
    QNetworkAccessManager network;
    llm::ChatClient client{&network, &pool};
    ClientRecorder recorder{&client};

private:
    qsizetype m_sends = 0;
};

} // namespace reposcope::test
