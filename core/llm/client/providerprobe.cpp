// SPDX-License-Identifier: MIT
#include "llm/client/providerprobe.h"

#include "llm/client/providerendpoint.h"
#include "llm/keyscrub.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace reposcope::llm {

namespace {

const char *const kCancelledProperty = "reposcope_probe_cancelled";

ChatError protocolError(const QString &message, int status = 0) {
    ChatError e;
    e.kind = ChatError::Kind::Protocol;
    e.httpStatus = status;
    e.message = message;
    return e;
}

QString hostOf(const QUrl &url) {
    return url.port() > 0 ? url.host() + QLatin1Char(':') + QString::number(url.port())
                          : url.host();
}

QUrl atRoot(const Endpoint &endpoint, const QString &path) {
    return serverRoot(endpoint.baseUrl).resolved(QUrl(path));
}

qint64 wholeNumber(const QJsonValue &v) {
    return v.isDouble() && v.toDouble() > 0 ? qint64(v.toDouble()) : 0;
}

// The model ids of an OpenAI-style list ({"data": [{"id"}]}), or of
// llama-server's and Ollama's native shape ({"models": [{"model"|"name"}]}).
std::optional<QStringList> modelIds(const QJsonDocument &doc) {
    const QJsonObject o = doc.object();
    const QJsonValue data = o.value(QLatin1String("data"));
    const QJsonValue models = o.value(QLatin1String("models"));
    if (!data.isArray() && !models.isArray())
        return std::nullopt;
    QStringList ids;
    for (const QJsonValue &m : (data.isArray() ? data : models).toArray()) {
        const QJsonObject mo = m.toObject();
        QString id = mo.value(QLatin1String("id")).toString();
        if (id.isEmpty())
            id = mo.value(QLatin1String("model")).toString();
        if (id.isEmpty())
            id = mo.value(QLatin1String("name")).toString();
        if (!id.isEmpty() && !ids.contains(id))
            ids << id;
    }
    return ids;
}

} // namespace

ProviderProbe::ProviderProbe(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network) {}

ProviderProbe::~ProviderProbe() {
    // Nobody is left to answer: abort quietly.
    for (const QPointer<QNetworkReply> &reply : std::as_const(m_inFlight)) {
        if (!reply)
            continue;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

int ProviderProbe::requestsInFlight() const {
    int n = 0;
    for (const QPointer<QNetworkReply> &reply : m_inFlight)
        n += reply ? 1 : 0;
    return n;
}

void ProviderProbe::cancelAll() {
    const QList<QPointer<QNetworkReply>> replies = m_inFlight;
    for (const QPointer<QNetworkReply> &reply : replies) {
        if (!reply)
            continue;
        reply->setProperty(kCancelledProperty, true);
        reply->abort(); // finished() follows at once and answers with Cancelled
    }
}

QNetworkRequest ProviderProbe::makeRequest(const QUrl &url, const Endpoint &endpoint) const {
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("User-Agent", QByteArrayLiteral("RepoScope/") + REPOSCOPE_VERSION);
    if (endpoint.auth == AuthStyle::Bearer && !endpoint.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + endpoint.apiKey.toUtf8());
    for (const auto &[name, value] : endpoint.extraHeaders)
        request.setRawHeader(name, value);
    return request;
}

void ProviderProbe::later(std::function<void()> answer) {
    QTimer::singleShot(0, this, std::move(answer));
}

void ProviderProbe::watch(QNetworkReply *reply, const Endpoint &endpoint, Handler handler) {
    m_inFlight.append(reply);
    // Servers sometimes quote the key back in an error body: no answer carries it.
    handler = [handler = std::move(handler),
               key = endpoint.apiKey](const QJsonDocument &doc, std::optional<ChatError> error) {
        if (error) {
            error->message = scrubKey(std::move(error->message), key);
            error->serverMessage = scrubKey(std::move(error->serverMessage), key);
        }
        handler(doc, std::move(error));
    };
    connect(reply, &QNetworkReply::finished, this, [this, reply, endpoint, handler] {
        m_inFlight.removeAll(reply);
        m_inFlight.removeAll(nullptr);
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = scrubKey(reply->readAll(), endpoint.apiKey);
        if (status >= 400) {
            handler({}, classifyHttpError(status, body, reply->rawHeaderPairs(),
                                          endpoint.providerName));
            return;
        }
        if (reply->error() != QNetworkReply::NoError) {
            QNetworkReply::NetworkError code = reply->error();
            // A transfer timeout aborts the reply too; only cancelAll() is a
            // cancellation.
            if (code == QNetworkReply::OperationCanceledError &&
                !reply->property(kCancelledProperty).toBool())
                code = QNetworkReply::TimeoutError;
            handler({}, classifyNetworkError(code, reply->errorString(), false,
                                             hostOf(endpoint.baseUrl)));
            return;
        }
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) {
            handler({}, protocolError(
                            tr("%1 answered %2 with something that is not a JSON "
                               "object: is this the right base URL?")
                                .arg(endpoint.providerName, reply->url().path(QUrl::FullyDecoded)),
                            status));
            return;
        }
        handler(doc, std::nullopt);
    });
}

quint64 ProviderProbe::testConnection(const Endpoint &endpoint) {
    const quint64 id = m_nextId++;
    QNetworkReply *reply = m_network->get(
        makeRequest(endpointUrl(endpoint.baseUrl, QStringLiteral("models")), endpoint));
    watch(reply, endpoint,
          [this, id, endpoint](const QJsonDocument &doc, std::optional<ChatError> error) {
              ProbeModels result;
              result.error = std::move(error);
              if (!result.error) {
                  if (const std::optional<QStringList> ids = modelIds(doc))
                      result.ids = *ids;
                  else
                      result.error =
                          protocolError(tr("%1 answered /models without a model list: is this an "
                                           "OpenAI-compatible base URL (usually ending in /v1)?")
                                            .arg(endpoint.providerName));
              }
              Q_EMIT modelsListed(id, result);
          });
    return id;
}

quint64 ProviderProbe::readContextCap(const ProviderEntry &provider, const Endpoint &endpoint,
                                      const QString &model) {
    const quint64 id = m_nextId++;
    const QString source = provider.capSource;
    auto answer = [this, id](ContextCap cap) { Q_EMIT contextCapRead(id, cap); };

    if (source == QLatin1String("openrouter-models")) {
        QNetworkReply *reply = m_network->get(
            makeRequest(endpointUrl(endpoint.baseUrl, QStringLiteral("models")), endpoint));
        watch(reply, endpoint, [answer, model, endpoint](const QJsonDocument &doc, auto error) {
            ContextCap cap;
            cap.error = std::move(error);
            cap.source = QStringLiteral("GET /models context_length");
            if (!cap.error) {
                bool listed = false;
                for (const QJsonValue &m : doc.object().value(QLatin1String("data")).toArray()) {
                    const QJsonObject mo = m.toObject();
                    if (mo.value(QLatin1String("id")).toString() != model)
                        continue;
                    listed = true;
                    cap.tokens = wholeNumber(mo.value(QLatin1String("context_length")));
                    const QJsonValue modalities = mo.value(QLatin1String("architecture"))
                                                      .toObject()
                                                      .value(QLatin1String("input_modalities"));
                    if (modalities.isArray())
                        cap.vision = modalities.toArray().contains(QStringLiteral("image"));
                }
                if (!listed) {
                    ChatError e;
                    e.kind = ChatError::Kind::ModelNotFound;
                    e.message =
                        tr("%1 does not list the model %2.").arg(endpoint.providerName, model);
                    cap.error = e;
                } else if (cap.tokens == 0) {
                    cap.warning = tr("%1 lists %2 without a context length.")
                                      .arg(endpoint.providerName, model);
                }
            }
            answer(cap);
        });
    } else if (source == QLatin1String("vllm-tokenize")) {
        QJsonObject body{{QStringLiteral("prompt"), QStringLiteral("x")}};
        if (!model.isEmpty())
            body.insert(QStringLiteral("model"), model);
        QNetworkRequest request =
            makeRequest(atRoot(endpoint, QStringLiteral("tokenize")), endpoint);
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        QNetworkReply *reply =
            m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
        watch(reply, endpoint, [answer, endpoint](const QJsonDocument &doc, auto error) {
            ContextCap cap;
            cap.error = std::move(error);
            cap.source = QStringLiteral("POST /tokenize max_model_len");
            if (!cap.error) {
                cap.tokens = wholeNumber(doc.object().value(QLatin1String("max_model_len")));
                if (cap.tokens == 0)
                    cap.error = protocolError(tr("%1's /tokenize did not state max_model_len: "
                                                 "is this a vLLM server?")
                                                  .arg(endpoint.providerName));
            }
            answer(cap);
        });
    } else if (source == QLatin1String("llama-server-props")) {
        QNetworkReply *reply =
            m_network->get(makeRequest(atRoot(endpoint, QStringLiteral("props")), endpoint));
        watch(reply, endpoint, [answer, endpoint](const QJsonDocument &doc, auto error) {
            ContextCap cap;
            cap.error = std::move(error);
            cap.source = QStringLiteral("GET /props n_ctx");
            if (!cap.error) {
                const QJsonObject o = doc.object();
                cap.tokens = wholeNumber(o.value(QLatin1String("default_generation_settings"))
                                             .toObject()
                                             .value(QLatin1String("n_ctx")));
                if (cap.tokens == 0)
                    cap.tokens = wholeNumber(o.value(QLatin1String("n_ctx")));
                const QJsonValue vision =
                    o.value(QLatin1String("modalities")).toObject().value(QLatin1String("vision"));
                if (vision.isBool())
                    cap.vision = vision.toBool();
                if (cap.tokens == 0)
                    cap.error =
                        protocolError(tr("%1's /props did not state n_ctx: is this a llama-server?")
                                          .arg(endpoint.providerName));
            }
            answer(cap);
        });
    } else if (source == QLatin1String("lmstudio-models")) {
        QNetworkReply *reply = m_network->get(
            makeRequest(atRoot(endpoint, QStringLiteral("api/v0/models")), endpoint));
        watch(reply, endpoint, [answer, model, endpoint](const QJsonDocument &doc, auto error) {
            ContextCap cap;
            cap.error = std::move(error);
            if (!cap.error) {
                // The named model, else the one that is loaded.
                QJsonObject chosen;
                for (const QJsonValue &m : doc.object().value(QLatin1String("data")).toArray()) {
                    const QJsonObject mo = m.toObject();
                    if (mo.value(QLatin1String("id")).toString() == model) {
                        chosen = mo;
                        break;
                    }
                    if (chosen.isEmpty() &&
                        mo.value(QLatin1String("state")).toString() == QLatin1String("loaded"))
                        chosen = mo;
                }
                const qint64 loaded =
                    wholeNumber(chosen.value(QLatin1String("loaded_context_length")));
                cap.tokens = loaded > 0
                                 ? loaded
                                 : wholeNumber(chosen.value(QLatin1String("max_context_length")));
                cap.source = loaded > 0 ? QStringLiteral("GET /api/v0/models loaded_context_length")
                                        : QStringLiteral("GET /api/v0/models max_context_length");
                if (chosen.contains(QLatin1String("type")))
                    cap.vision =
                        chosen.value(QLatin1String("type")).toString() == QLatin1String("vlm");
                if (chosen.isEmpty()) {
                    ChatError e;
                    e.kind = ChatError::Kind::ModelNotFound;
                    e.message = tr("%1 has no model %2 and none is loaded: load one in LM "
                                   "Studio first.")
                                    .arg(endpoint.providerName, model);
                    cap.error = e;
                } else if (loaded == 0) {
                    cap.warning = tr("The model is not loaded; this is its maximum context, "
                                     "the loaded one may be smaller.");
                }
            }
            answer(cap);
        });
    } else {
        ContextCap cap;
        cap.warning = provider.dropsOldMessages
                          ? tr("%1 does not report its context size. Its cap is whatever the "
                               "server was started with (OLLAMA_CONTEXT_LENGTH or the "
                               "Modelfile's num_ctx; 4096 by default below ~23 GiB of VRAM), "
                               "and it silently drops the oldest messages past it: set the "
                               "cap to the server's value.")
                                .arg(endpoint.providerName)
                          : tr("%1 does not report its context size; the catalog's figure is "
                               "used.")
                                .arg(endpoint.providerName);
        later([answer, cap] { answer(cap); });
    }
    return id;
}

quint64 ProviderProbe::countTokens(const ProviderEntry &provider, const Endpoint &endpoint,
                                   const QString &model, const QString &text) {
    const quint64 id = m_nextId++;
    auto answer = [this, id](TokenCount count) { Q_EMIT tokensCounted(id, count); };
    QJsonObject body;
    if (provider.tokenizeApi == QLatin1String("vllm")) {
        body = {{QStringLiteral("prompt"), text}, {QStringLiteral("add_special_tokens"), false}};
        if (!model.isEmpty())
            body.insert(QStringLiteral("model"), model);
    } else if (provider.tokenizeApi == QLatin1String("llama-server")) {
        body = {{QStringLiteral("content"), text}, {QStringLiteral("add_special"), false}};
    } else {
        TokenCount count;
        ChatError e;
        e.kind = ChatError::Kind::Other;
        e.message = tr("%1 has no /tokenize endpoint; token counts are estimates.")
                        .arg(endpoint.providerName);
        count.error = e;
        later([answer, count] { answer(count); });
        return id;
    }
    QNetworkRequest request = makeRequest(atRoot(endpoint, QStringLiteral("tokenize")), endpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply =
        m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    watch(reply, endpoint, [answer, endpoint](const QJsonDocument &doc, auto error) {
        TokenCount count;
        count.error = std::move(error);
        if (!count.error) {
            const QJsonObject o = doc.object();
            const QJsonValue tokens = o.value(QLatin1String("tokens"));
            if (o.value(QLatin1String("count")).isDouble())
                count.tokens = qint64(o.value(QLatin1String("count")).toDouble());
            else if (tokens.isArray())
                count.tokens = tokens.toArray().size();
            if (const qint64 cap = wholeNumber(o.value(QLatin1String("max_model_len"))))
                count.maxModelLen = cap;
            if (count.tokens < 0)
                count.error = protocolError(
                    tr("%1's /tokenize answered without tokens.").arg(endpoint.providerName));
        }
        answer(count);
    });
    return id;
}

} // namespace reposcope::llm
