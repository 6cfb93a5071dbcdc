// SPDX-License-Identifier: MIT
// ProviderProbe against a real HTTP server on 127.0.0.1 serving canned JSON:
// the model list, live context caps per provider kind, /tokenize counts,
// errors, cancellation.
#include "eventloop.h"
#include "llm/catalog/modelcatalog.h"
#include "llm/client/providerendpoint.h"
#include "llm/client/providerprobe.h"
#include "scriptedserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace reposcope::llm;
using reposcope::test::ScriptedResponse;
using reposcope::test::ScriptedServer;

namespace {

class ProviderProbeTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_server.isListening());
        m_catalog = ModelCatalog::load(QString(), nullptr);
    }

    // The catalog's provider, pointed at the loopback server (base path kept).
    ProviderEntry provider(const char *id, const QString &basePath = QStringLiteral("/v1")) {
        const ProviderEntry *p = m_catalog.provider(QLatin1String(id));
        EXPECT_NE(p, nullptr) << id;
        ProviderEntry copy = p ? *p : ProviderEntry{};
        copy.baseUrl = QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.port()).arg(basePath);
        return copy;
    }

    template <typename Result, typename Signal> Result waitFor(Signal signal, quint64 id) {
        QSignalSpy spy(&m_probe, signal);
        EXPECT_TRUE(spy.wait()) << "no answer";
        if (spy.isEmpty())
            return Result{};
        EXPECT_EQ(spy.size(), 1);
        EXPECT_EQ(spy.first().at(0).template value<quint64>(), id);
        return spy.first().at(1).template value<Result>();
    }
    ProbeModels models(const Endpoint &e) {
        const quint64 id = m_probe.testConnection(e);
        return waitFor<ProbeModels>(&ProviderProbe::modelsListed, id);
    }
    ContextCap cap(const ProviderEntry &p, const Endpoint &e, const QString &model) {
        const quint64 id = m_probe.readContextCap(p, e, model);
        return waitFor<ContextCap>(&ProviderProbe::contextCapRead, id);
    }
    TokenCount count(const ProviderEntry &p, const Endpoint &e, const QString &text) {
        const quint64 id = m_probe.countTokens(p, e, QStringLiteral("m"), text);
        return waitFor<TokenCount>(&ProviderProbe::tokensCounted, id);
    }
    QJsonObject lastBody() const {
        return QJsonDocument::fromJson(m_server.requests().last().body).object();
    }

    ScriptedServer m_server;
    QNetworkAccessManager m_network;
    ProviderProbe m_probe{&m_network};
    ModelCatalog m_catalog;
};

} // namespace

TEST_F(ProviderProbeTest, TestConnectionListsModelsWithAuthAndExtraHeaders) {
    m_server.enqueue(ScriptedResponse::json(
        200, R"({"object": "list", "data": [{"id": "meta-llama/llama-4-scout"}, {"id": "b"}]})"));
    const ProviderEntry p = provider("openrouter", QStringLiteral("/api/v1"));
    const ProbeModels result = models(endpointFor(p, QStringLiteral("sk-or-secret-123456")));
    ASSERT_TRUE(result.ok()) << result.error->message.toStdString();
    EXPECT_EQ(result.ids,
              (QStringList{QStringLiteral("meta-llama/llama-4-scout"), QStringLiteral("b")}));
    ASSERT_EQ(m_server.requestCount(), 1);
    const auto &request = m_server.requests().first();
    EXPECT_EQ(request.method, QByteArray("GET"));
    EXPECT_EQ(request.target, QByteArray("/api/v1/models"));
    EXPECT_EQ(request.header("Authorization"), QByteArray("Bearer sk-or-secret-123456"));
    EXPECT_EQ(request.header("X-Title"), QByteArray("RepoScope"));
    EXPECT_FALSE(request.header("HTTP-Referer").isEmpty());
}

TEST_F(ProviderProbeTest, NoAuthorizationHeaderWhenTheProviderWantsNone) {
    m_server.enqueue(ScriptedResponse::json(200, R"({"data": []})"));
    const ProbeModels result = models(endpointFor(provider("lmstudio"), QStringLiteral("x")));
    ASSERT_TRUE(result.ok());
    EXPECT_TRUE(result.ids.isEmpty());
    EXPECT_FALSE(m_server.requests().first().hasHeader("Authorization"));
}

TEST_F(ProviderProbeTest, NativeModelListShapesAreRead) {
    // llama-server and Ollama's own shape, without "data".
    m_server.enqueue(ScriptedResponse::json(
        200, R"({"models": [{"model": "qwen.gguf", "name": "qwen"}, {"name": "llama4:scout"}]})"));
    const ProbeModels result = models(endpointFor(provider("llama-server"), QString()));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.ids,
              (QStringList{QStringLiteral("qwen.gguf"), QStringLiteral("llama4:scout")}));
}

TEST_F(ProviderProbeTest, ServerErrorsAreClassifiedAndNeverEchoTheKey) {
    m_server.enqueue(ScriptedResponse::json(
        401, R"({"error": {"message": "Invalid API Key", "type": "invalid_request_error"}})"));
    const QString key = QStringLiteral("gsk_do_not_show_me_0123456789");
    const ProbeModels denied = models(endpointFor(provider("groq"), key));
    ASSERT_FALSE(denied.ok());
    EXPECT_EQ(denied.error->kind, ChatError::Kind::Authentication);
    EXPECT_EQ(denied.error->httpStatus, 401);
    EXPECT_FALSE(denied.error->message.contains(key));
    EXPECT_FALSE(denied.error->serverMessage.contains(key));

    m_server.enqueue(ScriptedResponse::json(200, R"({"unexpected": true})"));
    const ProbeModels odd = models(endpointFor(provider("groq"), key));
    ASSERT_FALSE(odd.ok());
    EXPECT_EQ(odd.error->kind, ChatError::Kind::Protocol);

    m_server.enqueue(
        ScriptedResponse::json(200, "<html>a web page</html>").header("Content-Type", "text/html"));
    const ProbeModels page = models(endpointFor(provider("groq"), key));
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error->kind, ChatError::Kind::Protocol);
    EXPECT_TRUE(page.error->message.contains(QStringLiteral("base URL")))
        << page.error->message.toStdString();
}

TEST_F(ProviderProbeTest, ConnectionRefusedWhenNothingListens) {
    ProviderEntry p = provider("vllm");
    p.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(reposcope::test::unusedLoopbackPort());
    const ProbeModels result = models(endpointFor(p, QString()));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error->kind, ChatError::Kind::ConnectionRefused);
}

TEST_F(ProviderProbeTest, OpenRouterCapFromTheModelList) {
    const QByteArray list = R"({"data": [
        {"id": "other/model", "context_length": 8192},
        {"id": "meta-llama/llama-4-scout", "context_length": 327680,
         "architecture": {"input_modalities": ["text", "image"]}}]})";
    m_server.enqueue(ScriptedResponse::json(200, list));
    const ProviderEntry p = provider("openrouter", QStringLiteral("/api/v1"));
    const Endpoint e = endpointFor(p, QStringLiteral("k"));
    const ContextCap found = cap(p, e, QStringLiteral("meta-llama/llama-4-scout"));
    ASSERT_TRUE(found.ok()) << found.error->message.toStdString();
    EXPECT_EQ(found.tokens, 327680);
    EXPECT_EQ(found.vision, std::optional<bool>(true));
    EXPECT_EQ(m_server.requests().last().target, QByteArray("/api/v1/models"));

    m_server.enqueue(ScriptedResponse::json(200, list));
    const ContextCap missing = cap(p, e, QStringLiteral("no/such-model"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error->kind, ChatError::Kind::ModelNotFound);
    EXPECT_TRUE(missing.error->message.contains(QStringLiteral("no/such-model")));
}

TEST_F(ProviderProbeTest, VllmCapFromTokenizeAtTheServerRoot) {
    m_server.enqueue(
        ScriptedResponse::json(200, R"({"count": 1, "max_model_len": 1048576, "tokens": [87]})"));
    const ProviderEntry p = provider("vllm");
    const ContextCap found = cap(p, endpointFor(p, QStringLiteral("vk")), QStringLiteral("scout"));
    ASSERT_TRUE(found.ok()) << found.error->message.toStdString();
    EXPECT_EQ(found.tokens, 1048576);
    const auto &request = m_server.requests().last();
    EXPECT_EQ(request.method, QByteArray("POST"));
    EXPECT_EQ(request.target, QByteArray("/tokenize")) << "not under /v1";
    EXPECT_EQ(request.header("Authorization"), QByteArray("Bearer vk"));
    EXPECT_EQ(lastBody(), (QJsonObject{{QStringLiteral("model"), QStringLiteral("scout")},
                                       {QStringLiteral("prompt"), QStringLiteral("x")}}));

    m_server.enqueue(ScriptedResponse::json(200, R"({"count": 1, "tokens": [87]})"));
    const ContextCap noCap = cap(p, endpointFor(p, QString()), QStringLiteral("scout"));
    ASSERT_FALSE(noCap.ok());
    EXPECT_EQ(noCap.error->kind, ChatError::Kind::Protocol);
}

TEST_F(ProviderProbeTest, LlamaServerCapAndVisionFromProps) {
    m_server.enqueue(ScriptedResponse::json(
        200, R"({"default_generation_settings": {"n_ctx": 65536, "params": {}},
                 "modalities": {"vision": true, "audio": false}, "total_slots": 1})"));
    const ProviderEntry p = provider("llama-server");
    const ContextCap found = cap(p, endpointFor(p, QString()), QStringLiteral("default"));
    ASSERT_TRUE(found.ok()) << found.error->message.toStdString();
    EXPECT_EQ(found.tokens, 65536);
    EXPECT_EQ(found.vision, std::optional<bool>(true));
    EXPECT_EQ(m_server.requests().last().target, QByteArray("/props"));
    EXPECT_EQ(m_server.requests().last().method, QByteArray("GET"));
}

TEST_F(ProviderProbeTest, LmStudioCapOfTheLoadedModel) {
    const QByteArray list = R"({"object": "list", "data": [
        {"id": "other", "state": "not-loaded", "type": "llm", "max_context_length": 131072},
        {"id": "qwen2-vl", "state": "loaded", "type": "vlm", "loaded_context_length": 32768,
         "max_context_length": 131072}]})";
    const ProviderEntry p = provider("lmstudio");
    m_server.enqueue(ScriptedResponse::json(200, list));
    const ContextCap loaded = cap(p, endpointFor(p, QString()), QStringLiteral("local-model"));
    ASSERT_TRUE(loaded.ok()) << loaded.error->message.toStdString();
    EXPECT_EQ(loaded.tokens, 32768);
    EXPECT_EQ(loaded.vision, std::optional<bool>(true));
    EXPECT_TRUE(loaded.warning.isEmpty());
    EXPECT_EQ(m_server.requests().last().target, QByteArray("/api/v0/models"));

    m_server.enqueue(ScriptedResponse::json(200, list));
    const ContextCap named = cap(p, endpointFor(p, QString()), QStringLiteral("other"));
    ASSERT_TRUE(named.ok());
    EXPECT_EQ(named.tokens, 131072);
    EXPECT_EQ(named.vision, std::optional<bool>(false));
    EXPECT_FALSE(named.warning.isEmpty()) << "not loaded: the loaded cap may be smaller";
}

TEST_F(ProviderProbeTest, OllamaCapIsAWarningWithoutARequest) {
    const ProviderEntry p = provider("ollama");
    const ContextCap none = cap(p, endpointFor(p, QString()), QStringLiteral("llama4:scout"));
    EXPECT_TRUE(none.ok());
    EXPECT_EQ(none.tokens, 0);
    EXPECT_TRUE(none.warning.contains(QStringLiteral("OLLAMA_CONTEXT_LENGTH")))
        << none.warning.toStdString();
    EXPECT_EQ(m_server.requestCount(), 0);
}

TEST_F(ProviderProbeTest, ExactCountsThroughTokenize) {
    const ProviderEntry vllm = provider("vllm");
    m_server.enqueue(ScriptedResponse::json(
        200, R"({"count": 7, "max_model_len": 4096, "tokens": [1, 2, 3, 4, 5, 6, 7]})"));
    const QString text = QStringLiteral("int main() { return 0; } // é \"quoted\"");
    const TokenCount v = count(vllm, endpointFor(vllm, QString()), text);
    ASSERT_TRUE(v.ok()) << v.error->message.toStdString();
    EXPECT_EQ(v.tokens, 7);
    EXPECT_EQ(v.maxModelLen, std::optional<qint64>(4096));
    EXPECT_EQ(m_server.requests().last().target, QByteArray("/tokenize"));
    EXPECT_EQ(lastBody().value(QLatin1String("prompt")).toString(), text);
    EXPECT_EQ(lastBody().value(QLatin1String("model")).toString(), QStringLiteral("m"));
    EXPECT_FALSE(lastBody().value(QLatin1String("add_special_tokens")).toBool(true));

    const ProviderEntry llama = provider("llama-server");
    m_server.enqueue(ScriptedResponse::json(200, R"({"tokens": [10, 20, 30]})"));
    const TokenCount l = count(llama, endpointFor(llama, QString()), text);
    ASSERT_TRUE(l.ok()) << l.error->message.toStdString();
    EXPECT_EQ(l.tokens, 3);
    EXPECT_FALSE(l.maxModelLen.has_value());
    EXPECT_EQ(lastBody().value(QLatin1String("content")).toString(), text);
    EXPECT_FALSE(lastBody().value(QLatin1String("add_special")).toBool(true));

    const int before = m_server.requestCount();
    const ProviderEntry ollama = provider("ollama");
    const TokenCount none = count(ollama, endpointFor(ollama, QString()), text);
    ASSERT_FALSE(none.ok());
    EXPECT_TRUE(none.error->message.contains(QStringLiteral("estimate")));
    EXPECT_EQ(m_server.requestCount(), before);

    m_server.enqueue(ScriptedResponse::json(404, R"({"detail": "Not Found"})"));
    const TokenCount missing = count(vllm, endpointFor(vllm, QString()), text);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error->httpStatus, 404);
}

TEST_F(ProviderProbeTest, SilentServerTimesOut) {
    m_probe.setTransferTimeoutMs(200);
    m_server.enqueue(ScriptedResponse::silent());
    const ProbeModels result = models(endpointFor(provider("vllm"), QString()));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error->kind, ChatError::Kind::Timeout) << result.error->message.toStdString();
}

TEST_F(ProviderProbeTest, CancelAllAnswersEachRequestOnceAsCancelled) {
    m_server.enqueue(ScriptedResponse::silent());
    m_server.enqueue(ScriptedResponse::silent());
    QSignalSpy listed(&m_probe, &ProviderProbe::modelsListed);
    QSignalSpy caps(&m_probe, &ProviderProbe::contextCapRead);
    const ProviderEntry p = provider("llama-server");
    m_probe.testConnection(endpointFor(p, QString()));
    m_probe.readContextCap(p, endpointFor(p, QString()), QStringLiteral("default"));
    EXPECT_EQ(m_probe.requestsInFlight(), 2);
    ASSERT_TRUE(
        reposcope::test::processEventsUntil([this] { return m_server.requestCount() == 2; }));
    m_probe.cancelAll();
    if (listed.isEmpty()) {
        ASSERT_TRUE(listed.wait());
    }
    if (caps.isEmpty()) {
        ASSERT_TRUE(caps.wait());
    }
    ASSERT_EQ(listed.size(), 1);
    ASSERT_EQ(caps.size(), 1);
    EXPECT_EQ(listed.first().at(1).value<ProbeModels>().error->kind, ChatError::Kind::Cancelled);
    EXPECT_EQ(caps.first().at(1).value<ContextCap>().error->kind, ChatError::Kind::Cancelled);
    EXPECT_EQ(m_probe.requestsInFlight(), 0);
}
