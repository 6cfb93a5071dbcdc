// SPDX-License-Identifier: MIT
#pragma once

#include "llm/catalog/modelcatalog.h"
#include "llm/client/chaterror.h"
#include "llm/client/chatrequest.h"

#include <QJsonDocument>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace reposcope::llm {

// The models a server lists at GET {base}/models.
struct ProbeModels {
    QStringList ids;
    std::optional<ChatError> error;
    bool ok() const { return !error; }
};

// The context cap a live server reports for one model (PROVIDERS.md "Reading
// the real cap at run time").
struct ContextCap {
    qint64 tokens = 0;          // 0 = the server does not say
    std::optional<bool> vision; // when the server says (llama-server modalities, OpenRouter)
    QString source;             // what was read, e.g. "GET /props n_ctx"
    QString warning;            // e.g. Ollama: no way to read it
    std::optional<ChatError> error;
    bool ok() const { return !error; }
};

// An exact token count from a server's /tokenize.
struct TokenCount {
    qint64 tokens = -1;
    std::optional<qint64> maxModelLen; // vLLM sends its cap along
    std::optional<ChatError> error;
    bool ok() const { return !error; }
};

// Asks live servers what the catalog can only guess: which models they serve,
// their real context cap, exact token counts. Asynchronous over an injected
// QNetworkAccessManager (not owned; same thread as this object, normally the UI
// thread); each call returns a request id and is answered exactly once by the
// matching signal, also when it fails or is cancelled. Never logs or echoes the
// API key.
class ProviderProbe : public QObject {
    Q_OBJECT
public:
    explicit ProviderProbe(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~ProviderProbe() override;

    // No byte for this long ends a request with a Timeout error (default 30 s).
    void setTransferTimeoutMs(int ms) { m_timeoutMs = ms; }

    // GET {base}/models → modelsListed.
    quint64 testConnection(const Endpoint &endpoint);
    // The live cap of `model` by provider.capSource → contextCapRead. A provider
    // with no source (Ollama) answers with a warning and tokens = 0.
    quint64 readContextCap(const ProviderEntry &provider, const Endpoint &endpoint,
                           const QString &model);
    // Exact count of `text` by provider.tokenizeApi (vLLM or llama-server
    // /tokenize, at the server root) → tokensCounted. Encodes the body on this
    // thread: meant for a file or a question, not a whole multi-MB pack.
    quint64 countTokens(const ProviderEntry &provider, const Endpoint &endpoint,
                        const QString &model, const QString &text);

    // Aborts every request in flight; each is answered with a Cancelled error.
    void cancelAll();
    int requestsInFlight() const;

Q_SIGNALS:
    void modelsListed(quint64 request, const reposcope::llm::ProbeModels &result);
    void contextCapRead(quint64 request, const reposcope::llm::ContextCap &result);
    void tokensCounted(quint64 request, const reposcope::llm::TokenCount &result);

private:
    // Called once per request with the parsed JSON body or the classified error.
    using Handler = std::function<void(const QJsonDocument &body, std::optional<ChatError>)>;
    QNetworkRequest makeRequest(const QUrl &url, const Endpoint &endpoint) const;
    void watch(QNetworkReply *reply, const Endpoint &endpoint, Handler handler);
    // Answers on the next event-loop turn (the caller has its id by then).
    void later(std::function<void()> answer);

    QNetworkAccessManager *m_network;
    QList<QPointer<QNetworkReply>> m_inFlight;
    quint64 m_nextId = 1;
    int m_timeoutMs = 30000;
};

} // namespace reposcope::llm
