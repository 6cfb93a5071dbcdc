// SPDX-License-Identifier: MIT
// ModelCatalog: the built-in resource, the user's override file, parse errors.
#include "llm/catalog/modelcatalog.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <algorithm>

using namespace reposcope::llm;

namespace {

QStringList ids(const ModelCatalog &c) {
    QStringList out;
    for (const ProviderEntry &p : c.providers())
        out << p.id;
    return out;
}

QString writeFile(const QTemporaryDir &dir, const QByteArray &content) {
    const QString path = dir.path() + QStringLiteral("/catalog.json");
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
    return path;
}

QString errorOf(const QByteArray &json) {
    const auto r = ModelCatalog::fromJson(json);
    EXPECT_FALSE(r.ok()) << json.constData();
    if (r.ok())
        return {};
    EXPECT_EQ(r.error().code, reposcope::Error::Code::InvalidData);
    return r.error().message;
}

} // namespace

TEST(ModelCatalog, BuiltInResourceLoadsWithEveryProvider) {
    QStringList warnings;
    const ModelCatalog c = ModelCatalog::load(QString(), &warnings);
    EXPECT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(ids(c), (QStringList{QStringLiteral("groq"), QStringLiteral("together"),
                                   QStringLiteral("fireworks"), QStringLiteral("openrouter"),
                                   QStringLiteral("vllm"), QStringLiteral("ollama"),
                                   QStringLiteral("lmstudio"), QStringLiteral("llama-server"),
                                   QStringLiteral("local"), QStringLiteral("custom")}));
    const QRegularExpression date(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    int models = 0;
    for (const ProviderEntry &p : c.providers()) {
        EXPECT_FALSE(p.name.isEmpty()) << p.id.toStdString();
        EXPECT_TRUE(p.kind == QLatin1String("cloud") || p.kind == QLatin1String("self-hosted") ||
                    p.kind == QLatin1String("local") || p.kind == QLatin1String("custom"))
            << p.kind.toStdString();
        for (const ModelEntry &m : p.models) {
            ++models;
            const std::string where = p.id.toStdString() + "/" + m.id.toStdString();
            EXPECT_TRUE(date.match(m.asOf).hasMatch())
                << where << " asOf '" << m.asOf.toStdString() << "'";
            EXPECT_GT(m.contextTokens, 0) << where;
            EXPECT_GT(m.maxOutputTokens, 0) << where;
            EXPECT_FALSE(m.tokenizer.isEmpty()) << where;
            EXPECT_EQ(c.model(p.id, m.id), &m) << where;
        }
    }
    EXPECT_GT(models, 0);
    // Figures from the file itself: a model's own asOf wins over its provider's.
    const ModelEntry *scout = c.model(QStringLiteral("groq"),
                                      QStringLiteral("meta-llama/llama-4-scout-17b-16e-instruct"));
    ASSERT_NE(scout, nullptr);
    EXPECT_EQ(scout->asOf, QStringLiteral("2026-07-17"));
    EXPECT_EQ(scout->contextTokens, 131072);
    ASSERT_TRUE(scout->inputPerMillion.has_value());
    EXPECT_DOUBLE_EQ(*scout->inputPerMillion, 0.11);
    EXPECT_TRUE(scout->vision);
    const ModelEntry *oss = c.model(QStringLiteral("groq"), QStringLiteral("openai/gpt-oss-120b"));
    ASSERT_NE(oss, nullptr);
    EXPECT_EQ(oss->asOf, QStringLiteral("2026-09-01")); // inherited from the provider
    EXPECT_FALSE(oss->inputPerMillion.has_value()) << "null price means unknown";
    EXPECT_EQ(c.provider(QStringLiteral("nope")), nullptr);
    EXPECT_EQ(c.model(QStringLiteral("groq"), QStringLiteral("nope")), nullptr);
}

TEST(ModelCatalog, MissingUserFileIsNotAWarning) {
    QTemporaryDir dir;
    QStringList warnings;
    const ModelCatalog c =
        ModelCatalog::load(dir.path() + QStringLiteral("/absent.json"), &warnings);
    EXPECT_TRUE(warnings.isEmpty());
    EXPECT_EQ(c.providers().size(), 10);
}

TEST(ModelCatalog, UserFileMergesByIdAndAddsProviders) {
    QTemporaryDir dir;
    const QString file = writeFile(dir, R"({"providers": [
        {"id": "groq", "baseUrl": "https://proxy.example/v1", "models": [
            {"id": "openai/gpt-oss-120b", "name": "OSS via proxy", "context": 65536, "inputPerM": 0.2,
             "asOf": "2026-10-01"},
            {"id": "my/extra", "context": 8000}
        ]},
        {"id": "mine", "name": "My server", "kind": "self-hosted", "baseUrl": "http://box:8000/v1",
         "asOf": "2026-05-05", "models": [{"id": "m1", "context": 4096, "tokenizer": "llama3"}]}
    ]})");
    QStringList warnings;
    const ModelCatalog c = ModelCatalog::load(file, &warnings);
    EXPECT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(ids(c).size(), 11);
    EXPECT_EQ(ids(c).last(), QStringLiteral("mine"));

    const ProviderEntry *groq = c.provider(QStringLiteral("groq"));
    ASSERT_NE(groq, nullptr);
    EXPECT_EQ(groq->baseUrl, QStringLiteral("https://proxy.example/v1"));
    EXPECT_EQ(groq->name, QStringLiteral("Groq")) << "fields the user did not give are kept";
    EXPECT_EQ(groq->models.size(), 4);
    const ModelEntry *oss = c.model(QStringLiteral("groq"), QStringLiteral("openai/gpt-oss-120b"));
    ASSERT_NE(oss, nullptr);
    EXPECT_EQ(oss->name, QStringLiteral("OSS via proxy"));
    EXPECT_EQ(oss->contextTokens, 65536);
    EXPECT_DOUBLE_EQ(oss->inputPerMillion.value_or(-1), 0.2);
    EXPECT_EQ(oss->asOf, QStringLiteral("2026-10-01"));
    // Untouched built-in models stay as they were.
    const ModelEntry *scout = c.model(QStringLiteral("groq"),
                                      QStringLiteral("meta-llama/llama-4-scout-17b-16e-instruct"));
    ASSERT_NE(scout, nullptr);
    EXPECT_EQ(scout->contextTokens, 131072);
    const ModelEntry *extra = c.model(QStringLiteral("groq"), QStringLiteral("my/extra"));
    ASSERT_NE(extra, nullptr);
    EXPECT_EQ(extra->name, QStringLiteral("my/extra")) << "name defaults to the id";
    EXPECT_EQ(extra->maxOutputTokens, 8192);
    EXPECT_EQ(extra->tokenizer, QStringLiteral("estimate"));

    const ModelEntry *m1 = c.model(QStringLiteral("mine"), QStringLiteral("m1"));
    ASSERT_NE(m1, nullptr);
    EXPECT_EQ(m1->asOf, QStringLiteral("2026-05-05"));
    EXPECT_EQ(m1->tokenizer, QStringLiteral("llama3"));
    EXPECT_EQ(c.provider(QStringLiteral("mine"))->kind, QStringLiteral("self-hosted"));
}

TEST(ModelCatalog, MalformedUserFileWarnsAndKeepsTheBuiltIn) {
    QStringList builtInWarnings;
    const ModelCatalog builtIn = ModelCatalog::load(QString(), &builtInWarnings);
    QTemporaryDir dir;
    const QList<QByteArray> broken{
        "{ \"providers\": [ {\"id\": \"groq\", ",                      // not JSON
        R"({"providers": [{"id": "groq", "models": [{"id": "x"}]}]})", // no context
        R"({"providers": [{"name": "no id"}]})",                       // provider without id
        R"([{"id": "groq", "models": []}])",                           // not an object
        R"({"providers": {"id": "groq"}})",                            // providers not a list
    };
    for (const QByteArray &content : broken) {
        const QString file = writeFile(dir, content);
        QStringList warnings;
        const ModelCatalog c = ModelCatalog::load(file, &warnings);
        ASSERT_EQ(warnings.size(), 1) << content.constData();
        EXPECT_TRUE(warnings.first().contains(file)) << warnings.first().toStdString();
        EXPECT_EQ(ids(c), ids(builtIn));
        const ModelEntry *oss =
            c.model(QStringLiteral("groq"), QStringLiteral("openai/gpt-oss-120b"));
        ASSERT_NE(oss, nullptr);
        EXPECT_EQ(oss->contextTokens, 131072);
    }
}

TEST(ModelCatalog, FromJsonErrorsNameWhatIsWrong) {
    EXPECT_TRUE(errorOf("{ nope").contains(QStringLiteral("not valid JSON")));
    EXPECT_TRUE(errorOf(R"({"providers": [{"name": "x"}]})")
                    .contains(QStringLiteral("provider has no \"id\"")));
    const QString noModelId =
        errorOf(R"({"providers": [{"id": "p1", "models": [{"context": 5}]}]})");
    EXPECT_TRUE(noModelId.contains(QStringLiteral("p1"))) << noModelId.toStdString();
    EXPECT_TRUE(noModelId.contains(QStringLiteral("no \"id\""))) << noModelId.toStdString();
    const QString noContext =
        errorOf(R"({"providers": [{"id": "p1", "models": [{"id": "m9", "context": 0}]}]})");
    EXPECT_TRUE(noContext.contains(QStringLiteral("p1"))) << noContext.toStdString();
    EXPECT_TRUE(noContext.contains(QStringLiteral("m9"))) << noContext.toStdString();
    EXPECT_TRUE(noContext.contains(QStringLiteral("context"))) << noContext.toStdString();
    EXPECT_FALSE(errorOf("[]").isEmpty());
    EXPECT_TRUE(errorOf(R"({"providers": 3})").contains(QStringLiteral("providers")));

    // A minimal valid document, with defaults.
    const auto ok = ModelCatalog::fromJson(R"({"providers": [{"id": "p", "asOf": "2026-01-02",
        "models": [{"id": "m", "context": 1000, "outputPerM": 1.5}]}]})");
    ASSERT_TRUE(ok.ok()) << ok.error().message.toStdString();
    const ModelEntry *m = ok->model(QStringLiteral("p"), QStringLiteral("m"));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(ok->provider(QStringLiteral("p"))->name, QStringLiteral("p"));
    EXPECT_EQ(ok->provider(QStringLiteral("p"))->kind, QStringLiteral("cloud"));
    EXPECT_EQ(m->asOf, QStringLiteral("2026-01-02"));
    EXPECT_FALSE(m->inputPerMillion.has_value());
    EXPECT_DOUBLE_EQ(m->outputPerMillion.value_or(-1), 1.5);
    EXPECT_FALSE(m->vision);
    // An empty catalog is valid.
    const auto empty = ModelCatalog::fromJson(R"({"providers": []})");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->providers().isEmpty());
}

TEST(ModelCatalog, UpsertModelAddsOrReplaces) {
    ModelCatalog c = ModelCatalog::load(QString(), nullptr);
    ModelEntry m;
    m.id = QStringLiteral("mine");
    m.contextTokens = 12345;
    m.asOf = QStringLiteral("2026-11-29");
    c.upsertModel(QStringLiteral("custom"), m);
    ASSERT_NE(c.model(QStringLiteral("custom"), QStringLiteral("mine")), nullptr);
    EXPECT_EQ(c.model(QStringLiteral("custom"), QStringLiteral("mine"))->contextTokens, 12345);
    m.contextTokens = 999;
    c.upsertModel(QStringLiteral("custom"), m);
    EXPECT_EQ(c.provider(QStringLiteral("custom"))->models.size(), 1);
    EXPECT_EQ(c.model(QStringLiteral("custom"), QStringLiteral("mine"))->contextTokens, 999);
}

TEST(ModelCatalog, UserFileOverridesSingleFieldsOfAModel) {
    QTemporaryDir dir;
    // Only the context: name, prices, vision and date of the built-in entry must survive.
    const QString file = writeFile(dir, R"({"providers": [{"id": "openrouter", "models": [
        {"id": "meta-llama/llama-4-scout", "context": 327680}]}]})");
    QStringList warnings;
    const ModelCatalog c = ModelCatalog::load(file, &warnings);
    EXPECT_TRUE(warnings.isEmpty()) << warnings.join(QLatin1Char('\n')).toStdString();
    const ModelEntry *scout =
        c.model(QStringLiteral("openrouter"), QStringLiteral("meta-llama/llama-4-scout"));
    ASSERT_NE(scout, nullptr);
    EXPECT_EQ(scout->contextTokens, 327680);
    EXPECT_EQ(scout->name, QStringLiteral("Llama 4 Scout"));
    EXPECT_DOUBLE_EQ(scout->inputPerMillion.value_or(-1), 0.08);
    EXPECT_TRUE(scout->vision);
    EXPECT_EQ(scout->asOf, QStringLiteral("2026-09-01"));
    EXPECT_EQ(c.provider(QStringLiteral("openrouter"))->models.size(), 1);
}

// Retired and removed entries stay as history: listed last, labelled once, never the default.
TEST(ModelCatalog, RetiredModelsAreListedLastLabelledOnceAndNeverTheDefault) {
    const ModelCatalog c = ModelCatalog::load(QString(), nullptr);
    const QList<const ModelEntry *> groq = c.pickerOrder(QStringLiteral("groq"));
    ASSERT_GE(groq.size(), 3);
    EXPECT_TRUE(groq.constLast()->isRetired());
    EXPECT_EQ(groq.constLast()->id, QStringLiteral("meta-llama/llama-4-scout-17b-16e-instruct"));
    bool seenRetired = false;
    for (const ModelEntry *m : groq) {
        EXPECT_FALSE(seenRetired && !m->isRetired()) << m->id.toStdString();
        seenRetired = seenRetired || m->isRetired();
    }
    const ModelEntry *def = c.defaultModel(QStringLiteral("groq"));
    ASSERT_NE(def, nullptr);
    EXPECT_FALSE(def->isRetired());
    EXPECT_EQ(def->id, QStringLiteral("openai/gpt-oss-120b"));
    EXPECT_EQ(ModelCatalog::pickerLabel(*groq.constLast()),
              QStringLiteral("Llama 4 Scout — retired 2026-07-17"));

    // Every provider: the default is available wherever anything is, and every label says
    // its status exactly once.
    for (const ProviderEntry &p : c.providers()) {
        const ModelEntry *d = c.defaultModel(p.id);
        const bool anyAvailable = std::any_of(p.models.begin(), p.models.end(),
                                              [](const ModelEntry &m) { return !m.isRetired(); });
        if (anyAvailable) {
            ASSERT_NE(d, nullptr) << p.id.toStdString();
            EXPECT_FALSE(d->isRetired()) << p.id.toStdString();
        }
        for (const ModelEntry &m : p.models) {
            const QString label = ModelCatalog::pickerLabel(m);
            if (m.isRetired()) {
                EXPECT_EQ(label.count(m.status), 1) << label.toStdString();
            }
            const QRegularExpression word(QStringLiteral("retired|removed"),
                                          QRegularExpression::CaseInsensitiveOption);
            EXPECT_LE(label.count(word), 1) << label.toStdString();
        }
    }
}

TEST(ModelCatalog, AnOldNameThatSaysRetiredIsNotLabelledTwice) {
    ModelEntry m;
    m.name = QStringLiteral("Llama 4 Scout (retired on Groq)");
    m.status = QStringLiteral("retired 2026-07-17");
    EXPECT_EQ(ModelCatalog::pickerLabel(m), QStringLiteral("Llama 4 Scout — retired 2026-07-17"));
    m.name = QStringLiteral("Scout, retired 2026-07-17");
    EXPECT_EQ(ModelCatalog::pickerLabel(m), m.name);
    m.status.clear();
    m.name = QStringLiteral("gpt-oss-120b");
    EXPECT_EQ(ModelCatalog::pickerLabel(m), m.name);
    // A provider whose only model is removed still has one to show.
    const auto only = ModelCatalog::load(QString(), nullptr);
    const ModelEntry *together = only.defaultModel(QStringLiteral("together"));
    ASSERT_NE(together, nullptr);
    EXPECT_TRUE(together->isRetired());
}
