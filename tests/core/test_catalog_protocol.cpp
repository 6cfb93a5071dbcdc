// SPDX-License-Identifier: MIT
// ModelCatalog: per-provider protocol facts, their validation and overlay,
// endpointFor, and saving the user's changes as a difference from the built-in
// catalog.
#include "llm/catalog/modelcatalog.h"
#include "llm/client/providerendpoint.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace reposcope::llm;

namespace {

QString writeFile(const QTemporaryDir &dir, const QByteArray &content) {
    const QString path = dir.path() + QStringLiteral("/catalog.json");
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
    return path;
}

QJsonObject readObject(const QString &path) {
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << path.toStdString();
    return QJsonDocument::fromJson(f.readAll()).object();
}

// A minimal one-provider document with `fields` spliced into the provider
// object.
QByteArray withProviderFields(const QByteArray &fields) {
    return R"({"providers": [{"id": "p", )" + fields +
           R"(, "models": [{"id": "m", "context": 1000}]}]})";
}

QString errorOf(const QByteArray &json) {
    const auto r = ModelCatalog::fromJson(json);
    EXPECT_FALSE(r.ok()) << json.constData();
    return r.ok() ? QString() : r.error().message;
}

QByteArray header(const ProviderEntry &p, const QByteArray &name) {
    for (const auto &[n, v] : p.extraHeaders)
        if (n == name)
            return v;
    return {};
}

} // namespace

TEST(CatalogProtocol, BuiltInProvidersStateTheirProtocolFacts) {
    QStringList warnings;
    const ModelCatalog c = ModelCatalog::load(QString(), &warnings);
    ASSERT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    const auto p = [&c](const char *id) {
        const ProviderEntry *e = c.provider(QLatin1String(id));
        EXPECT_NE(e, nullptr) << id;
        return e ? *e : ProviderEntry{};
    };
    const ProviderEntry groq = p("groq");
    EXPECT_EQ(groq.auth, QStringLiteral("bearer"));
    EXPECT_EQ(groq.keyEnv, QStringLiteral("GROQ_API_KEY"));
    EXPECT_EQ(groq.usageMode, QStringLiteral("include_usage"));
    EXPECT_EQ(groq.images.maxBytesPerImage, 4000000);
    EXPECT_EQ(groq.images.maxPixels, 33177600);
    EXPECT_EQ(groq.images.maxImagesPerRequest, 5);
    EXPECT_TRUE(groq.images.note.contains(QStringLiteral("UNCONFIRMED")));
    EXPECT_EQ(p("together").keyEnv, QStringLiteral("TOGETHER_API_KEY"));
    EXPECT_EQ(p("fireworks").keyEnv, QStringLiteral("FIREWORKS_API_KEY"));

    const ProviderEntry openrouter = p("openrouter");
    EXPECT_EQ(openrouter.keyEnv, QStringLiteral("OPENROUTER_API_KEY"));
    EXPECT_EQ(openrouter.usageMode, QStringLiteral("always"));
    EXPECT_EQ(openrouter.capSource, QStringLiteral("openrouter-models"));
    EXPECT_EQ(header(openrouter, "X-Title"), QByteArray("RepoScope"));
    EXPECT_TRUE(header(openrouter, "HTTP-Referer").startsWith("https://"));

    const ProviderEntry vllm = p("vllm");
    EXPECT_EQ(vllm.keyEnv, QStringLiteral("OPENAI_API_KEY"));
    EXPECT_EQ(vllm.tokenizeApi, QStringLiteral("vllm"));
    EXPECT_EQ(vllm.capSource, QStringLiteral("vllm-tokenize"));
    EXPECT_EQ(vllm.images.maxImagesPerRequest, 10);

    const ProviderEntry ollama = p("ollama");
    EXPECT_EQ(ollama.auth, QStringLiteral("none"));
    EXPECT_TRUE(ollama.keyEnv.isEmpty());
    EXPECT_TRUE(ollama.dropsOldMessages);
    EXPECT_TRUE(ollama.capSource.isEmpty());
    EXPECT_EQ(ollama.images.mimeTypes,
              (QStringList{QStringLiteral("image/jpeg"), QStringLiteral("image/png"),
                           QStringLiteral("image/webp")}));

    const ProviderEntry lmstudio = p("lmstudio");
    EXPECT_EQ(lmstudio.auth, QStringLiteral("none"));
    EXPECT_EQ(lmstudio.usageMode, QStringLiteral("none"));
    EXPECT_EQ(lmstudio.capSource, QStringLiteral("lmstudio-models"));

    const ProviderEntry llama = p("llama-server");
    EXPECT_TRUE(llama.returnProgress);
    EXPECT_EQ(llama.tokenizeApi, QStringLiteral("llama-server"));
    EXPECT_EQ(llama.capSource, QStringLiteral("llama-server-props"));

    const ProviderEntry custom = p("custom");
    EXPECT_EQ(custom.kind, QStringLiteral("custom"));
    EXPECT_EQ(custom.keyEnv, QStringLiteral("OPENAI_API_KEY"));

    // Only OpenRouter sends extra headers; only Ollama drops history; no key for "none".
    for (const ProviderEntry &e : c.providers()) {
        const std::string id = e.id.toStdString();
        EXPECT_TRUE(e.extraHeaders.isEmpty() || e.id == QLatin1String("openrouter")) << id;
        EXPECT_FALSE(e.dropsOldMessages && e.id != QLatin1String("ollama")) << id;
        EXPECT_FALSE(e.auth == QLatin1String("none") && !e.keyEnv.isEmpty()) << id;
    }

    const ModelEntry *scout =
        c.model(QStringLiteral("openrouter"), QStringLiteral("meta-llama/llama-4-scout"));
    ASSERT_NE(scout, nullptr);
    EXPECT_EQ(scout->imageTokenRule, QStringLiteral("llama4-tiles"));
    const ModelEntry *oss = c.model(QStringLiteral("groq"), QStringLiteral("openai/gpt-oss-120b"));
    ASSERT_NE(oss, nullptr);
    EXPECT_TRUE(oss->imageTokenRule.isEmpty());
}

TEST(CatalogProtocol, DefaultsWhenAProviderStatesNothing) {
    const auto r = ModelCatalog::fromJson(withProviderFields(R"("name": "P")"));
    ASSERT_TRUE(r.ok()) << r.error().message.toStdString();
    const ProviderEntry &p = r->providers().first();
    EXPECT_EQ(p.auth, QStringLiteral("bearer"));
    EXPECT_EQ(p.usageMode, QStringLiteral("include_usage"));
    EXPECT_TRUE(p.keyEnv.isEmpty());
    EXPECT_TRUE(p.tokenizeApi.isEmpty());
    EXPECT_TRUE(p.capSource.isEmpty());
    EXPECT_FALSE(p.dropsOldMessages);
    EXPECT_FALSE(p.returnProgress);
    EXPECT_TRUE(p.extraHeaders.isEmpty());
    EXPECT_EQ(p.images, ImageLimits{});
}

TEST(CatalogProtocol, InvalidFactsAreRejectedWithTheFieldNamed) {
    struct Case {
        QByteArray fields;
        const char *mustMention;
    };
    const Case cases[] = {
        {R"("auth": "basic")", "auth"},
        {R"("auth": 1)", "auth"},
        {R"("usageMode": "sometimes")", "usageMode"},
        {R"("tokenizeApi": "ollama")", "tokenizeApi"},
        {R"("capSource": "guess")", "capSource"},
        {R"("kind": "remote")", "kind"},
        {R"("keyEnv": "GROQ API KEY")", "keyEnv"},
        {R"("keyEnv": "1KEY")", "keyEnv"},
        {R"("baseUrl": "ftp://example.com/v1")", "baseUrl"},
        {R"("baseUrl": "not a url")", "baseUrl"},
        {R"("extraHeaders": {"X-Title": "a\r\nAuthorization: Bearer x"})", "X-Title"},
        {R"("extraHeaders": {"Bad Name": "v"})", "Bad Name"},
        {R"("extraHeaders": ["X-Title"])", "extraHeaders"},
        {R"("images": {"maxImagesPerRequest": -1})", "maxImagesPerRequest"},
        {R"("images": {"maxBytesPerImage": 1.5})", "maxBytesPerImage"},
        {R"("images": {"mimeTypes": ["text/plain"]})", "mimeTypes"},
        {R"("images": {"mimeTypes": "image/png"})", "mimeTypes"},
        {R"("images": 5)", "images"},
    };
    for (const Case &c : cases) {
        const QString message = errorOf(withProviderFields(c.fields));
        EXPECT_TRUE(message.contains(QLatin1String(c.mustMention)))
            << c.fields.constData() << " -> " << message.toStdString();
        EXPECT_TRUE(message.contains(QStringLiteral("\"p\""))) << message.toStdString();
    }
    const QString rule = errorOf(
        R"({"providers": [{"id": "p", "models": [{"id": "m", "context": 9, "imageTokenRule": "x"}]}]})");
    EXPECT_TRUE(rule.contains(QStringLiteral("imageTokenRule"))) << rule.toStdString();
    EXPECT_TRUE(rule.contains(QStringLiteral("\"m\""))) << rule.toStdString();
}

TEST(CatalogProtocol, UserFileOverlaysFactsFieldByField) {
    QTemporaryDir dir;
    const QString file = writeFile(dir, R"({"providers": [
        {"id": "openrouter", "usageMode": "include_usage",
         "extraHeaders": {"HTTP-Referer": null, "X-Extra": "1"}},
        {"id": "ollama", "images": {"mimeTypes": ["image/png"]}},
        {"id": "vllm", "images": {"maxImagesPerRequest": 4}}
    ]})");
    QStringList warnings;
    const ModelCatalog c = ModelCatalog::load(file, &warnings);
    ASSERT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    const ProviderEntry *openrouter = c.provider(QStringLiteral("openrouter"));
    ASSERT_NE(openrouter, nullptr);
    EXPECT_EQ(openrouter->usageMode, QStringLiteral("include_usage"));
    EXPECT_EQ(openrouter->capSource, QStringLiteral("openrouter-models")) << "kept";
    EXPECT_EQ(header(*openrouter, "X-Title"), QByteArray("RepoScope"));
    EXPECT_EQ(header(*openrouter, "X-Extra"), QByteArray("1"));
    EXPECT_TRUE(header(*openrouter, "HTTP-Referer").isEmpty()) << "null removes a header";
    EXPECT_EQ(openrouter->extraHeaders.size(), 2);
    // A list of types is replaced, not appended to.
    EXPECT_EQ(c.provider(QStringLiteral("ollama"))->images.mimeTypes,
              QStringList{QStringLiteral("image/png")});
    const ProviderEntry *vllm = c.provider(QStringLiteral("vllm"));
    EXPECT_EQ(vllm->images.maxImagesPerRequest, 4);
    EXPECT_FALSE(vllm->images.note.isEmpty()) << "the other image fields stay";

    const QString bad = writeFile(dir, R"({"providers": [{"id": "groq", "auth": "magic"}]})");
    warnings.clear();
    const ModelCatalog fallback = ModelCatalog::load(bad, &warnings);
    ASSERT_EQ(warnings.size(), 1);
    EXPECT_TRUE(warnings.first().contains(QStringLiteral("auth")))
        << warnings.first().toStdString();
    EXPECT_EQ(fallback.provider(QStringLiteral("groq"))->auth, QStringLiteral("bearer"));
}

TEST(CatalogProtocol, EndpointForCarriesAuthHeadersAndName) {
    const ModelCatalog c = ModelCatalog::load(QString(), nullptr);
    const Endpoint groq = endpointFor(*c.provider(QStringLiteral("groq")), QStringLiteral("gsk_1"));
    EXPECT_EQ(groq.baseUrl, QUrl(QStringLiteral("https://api.groq.com/openai/v1")));
    EXPECT_EQ(groq.auth, AuthStyle::Bearer);
    EXPECT_EQ(groq.apiKey, QStringLiteral("gsk_1"));
    EXPECT_EQ(groq.providerName, QStringLiteral("Groq"));
    EXPECT_TRUE(groq.extraHeaders.isEmpty());

    const Endpoint noKey = endpointFor(*c.provider(QStringLiteral("groq")), QString());
    EXPECT_EQ(noKey.auth, AuthStyle::None) << "never an empty Bearer header";

    const Endpoint ollama =
        endpointFor(*c.provider(QStringLiteral("ollama")), QStringLiteral("unused"));
    EXPECT_EQ(ollama.auth, AuthStyle::None);
    EXPECT_TRUE(ollama.apiKey.isEmpty()) << "a key the server does not want is not kept";
    EXPECT_EQ(ollama.providerName, QStringLiteral("Ollama at 127.0.0.1:11434"));

    const Endpoint openrouter =
        endpointFor(*c.provider(QStringLiteral("openrouter")), QStringLiteral("sk-or-1"));
    EXPECT_EQ(openrouter.extraHeaders, c.provider(QStringLiteral("openrouter"))->extraHeaders);
    EXPECT_EQ(openrouter.providerName, QStringLiteral("OpenRouter"));

    ProviderEntry box;
    box.id = QStringLiteral("box");
    box.name = QStringLiteral("GPU box");
    box.kind = QStringLiteral("custom");
    box.baseUrl = QStringLiteral("http://10.0.0.5:8000/v1");
    const Endpoint custom = endpointFor(box, QStringLiteral("k"));
    EXPECT_EQ(custom.providerName, QStringLiteral("GPU box at 10.0.0.5:8000"));
    EXPECT_EQ(custom.auth, AuthStyle::Bearer);
}

TEST(CatalogProtocol, ServerRootStripsTheV1Suffix) {
    const auto root = [](const char *url) {
        return serverRoot(QUrl(QLatin1String(url))).toString();
    };
    EXPECT_EQ(root("http://h:8000/v1"), QStringLiteral("http://h:8000/"));
    EXPECT_EQ(root("http://h:8000/v1/"), QStringLiteral("http://h:8000/"));
    EXPECT_EQ(root("http://h:8080"), QStringLiteral("http://h:8080/"));
    EXPECT_EQ(root("https://proxy.example/llm/v1"), QStringLiteral("https://proxy.example/llm/"));
    EXPECT_EQ(root("https://openrouter.ai/api/v1"), QStringLiteral("https://openrouter.ai/api/"));
}

TEST(CatalogProtocol, UpsertProviderAndRemoveOnlyWhatTheUserAdded) {
    ModelCatalog c = ModelCatalog::load(QString(), nullptr);
    const qsizetype builtInCount = c.providers().size();
    ProviderEntry mine;
    mine.id = QStringLiteral("mine");
    mine.name = QStringLiteral("Mine");
    mine.kind = QStringLiteral("custom");
    mine.baseUrl = QStringLiteral("http://box:9000/v1");
    c.upsertProvider(mine);
    ASSERT_EQ(c.providers().size(), builtInCount + 1);
    mine.name = QStringLiteral("Mine, renamed");
    c.upsertProvider(mine);
    EXPECT_EQ(c.providers().size(), builtInCount + 1);
    EXPECT_EQ(c.provider(QStringLiteral("mine"))->name, QStringLiteral("Mine, renamed"));
    EXPECT_EQ(c.builtInProvider(QStringLiteral("mine")), nullptr);
    ASSERT_NE(c.builtInProvider(QStringLiteral("groq")), nullptr);

    EXPECT_FALSE(c.removeProvider(QStringLiteral("groq")));
    EXPECT_NE(c.provider(QStringLiteral("groq")), nullptr);
    EXPECT_FALSE(c.removeModel(QStringLiteral("groq"), QStringLiteral("openai/gpt-oss-120b")));
    ModelEntry extra;
    extra.id = QStringLiteral("x");
    extra.contextTokens = 5000;
    c.upsertModel(QStringLiteral("groq"), extra);
    EXPECT_TRUE(c.removeModel(QStringLiteral("groq"), QStringLiteral("x")));
    EXPECT_EQ(c.model(QStringLiteral("groq"), QStringLiteral("x")), nullptr);
    EXPECT_TRUE(c.removeProvider(QStringLiteral("mine")));
    EXPECT_FALSE(c.removeProvider(QStringLiteral("mine")));
    EXPECT_EQ(c.providers().size(), builtInCount);
}

TEST(CatalogProtocol, SavingWritesOnlyWhatDiffersAndLoadsBackTheSame) {
    QTemporaryDir dir;
    const QString file = writeFile(dir, R"({"comment": "mine", "providers": []})");
    ModelCatalog c = ModelCatalog::load(file, nullptr);
    EXPECT_TRUE(c.userOverlay().value(QLatin1String("providers")).toArray().isEmpty())
        << "an unchanged catalog writes no provider";

    ProviderEntry groq = *c.provider(QStringLiteral("groq"));
    groq.baseUrl = QStringLiteral("https://proxy.example/v1");
    for (ModelEntry &m : groq.models)
        if (m.id == QLatin1String("openai/gpt-oss-120b"))
            m.contextTokens = 65536;
    c.upsertProvider(groq);
    ProviderEntry openrouter = *c.provider(QStringLiteral("openrouter"));
    openrouter.extraHeaders.removeIf([](const auto &h) { return h.first == "HTTP-Referer"; });
    c.upsertProvider(openrouter);
    ProviderEntry mine;
    mine.id = QStringLiteral("mine");
    mine.name = QStringLiteral("Mine");
    mine.kind = QStringLiteral("custom");
    mine.baseUrl = QStringLiteral("http://box:9000/v1");
    mine.keyEnv = QStringLiteral("MY_KEY");
    mine.images.maxImagesPerRequest = 3;
    ModelEntry m1;
    m1.id = QStringLiteral("m1");
    m1.name = QStringLiteral("M1");
    m1.contextTokens = 200000;
    m1.maxOutputTokens = 4096;
    m1.inputPerMillion = 0.5;
    m1.tokenizer = QStringLiteral("estimate");
    m1.asOf = QStringLiteral("2026-11-30");
    mine.models = {m1};
    c.upsertProvider(mine);

    ASSERT_TRUE(c.saveUserFile(file).ok());
    const QJsonObject saved = readObject(file);
    EXPECT_EQ(saved.value(QLatin1String("comment")).toString(), QStringLiteral("mine"));
    const QJsonArray providers = saved.value(QLatin1String("providers")).toArray();
    ASSERT_EQ(providers.size(), 3);
    const QJsonObject g = providers[0].toObject();
    EXPECT_EQ(g.keys(), (QStringList{QStringLiteral("baseUrl"), QStringLiteral("id"),
                                     QStringLiteral("models")}));
    const QJsonArray gm = g.value(QLatin1String("models")).toArray();
    ASSERT_EQ(gm.size(), 1);
    EXPECT_EQ(gm[0].toObject(),
              (QJsonObject{{QStringLiteral("id"), QStringLiteral("openai/gpt-oss-120b")},
                           {QStringLiteral("context"), 65536}}));
    const QJsonObject o = providers[1].toObject();
    EXPECT_EQ(o.keys(), (QStringList{QStringLiteral("extraHeaders"), QStringLiteral("id")}));
    EXPECT_TRUE(o.value(QLatin1String("extraHeaders"))
                    .toObject()
                    .value(QLatin1String("HTTP-Referer"))
                    .isNull());
    EXPECT_EQ(providers[2].toObject().value(QLatin1String("id")).toString(),
              QStringLiteral("mine"));

    QStringList warnings;
    const ModelCatalog back = ModelCatalog::load(file, &warnings);
    ASSERT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(back.providers(), c.providers());
    EXPECT_TRUE(back.provider(QStringLiteral("mine"))->models.first().inputPerMillion.has_value());
    EXPECT_FALSE(
        back.provider(QStringLiteral("mine"))->models.first().outputPerMillion.has_value());
}

TEST(CatalogProtocol, SavingRefusesToOverwriteABrokenUserFile) {
    QTemporaryDir dir;
    const QString file = writeFile(dir, "{ not json");
    const ModelCatalog c = ModelCatalog::load(QString(), nullptr);
    const auto saved = c.saveUserFile(file);
    ASSERT_FALSE(saved.ok());
    EXPECT_TRUE(saved.error().message.contains(file));
    QFile f(file);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_EQ(f.readAll(), QByteArray("{ not json"));

    const QString fresh = dir.path() + QStringLiteral("/sub/dir/catalog.json");
    ASSERT_TRUE(c.saveUserFile(fresh).ok()) << "the folder is created";
    EXPECT_TRUE(readObject(fresh).value(QLatin1String("providers")).isArray());
}
