// SPDX-License-Identifier: MIT
#include "llm/modelcatalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

namespace reposcope::llm {

namespace {

std::optional<double> optionalNumber(const QJsonValue &v) {
    if (v.isDouble())
        return v.toDouble();
    return std::nullopt;
}

Result<ModelEntry> parseModel(const QJsonObject &o, const QString &where) {
    ModelEntry m;
    m.id = o.value(QLatin1String("id")).toString();
    if (m.id.isEmpty())
        return Error::make(Error::Code::InvalidData,
                           where + QStringLiteral(": a model has no \"id\""));
    m.name = o.value(QLatin1String("name")).toString(m.id);
    m.contextTokens = qint64(o.value(QLatin1String("context")).toDouble());
    if (m.contextTokens <= 0)
        return Error::make(
            Error::Code::InvalidData,
            where + QStringLiteral(": model \"%1\" needs a positive \"context\"").arg(m.id));
    m.maxOutputTokens = qint64(o.value(QLatin1String("maxOutput")).toDouble(8192));
    m.inputPerMillion = optionalNumber(o.value(QLatin1String("inputPerM")));
    m.outputPerMillion = optionalNumber(o.value(QLatin1String("outputPerM")));
    m.vision = o.value(QLatin1String("vision")).toBool();
    m.tokenizer = o.value(QLatin1String("tokenizer")).toString(QStringLiteral("estimate"));
    m.tokenizerExact = o.value(QLatin1String("tokenizerExact")).toBool();
    m.asOf = o.value(QLatin1String("asOf")).toString();
    m.status = o.value(QLatin1String("status")).toString();
    m.note = o.value(QLatin1String("note")).toString();
    return m;
}

} // namespace

Result<ModelCatalog> ModelCatalog::fromJson(const QByteArray &json) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("catalog is not valid JSON (offset %1: %2)")
                               .arg(err.offset)
                               .arg(err.errorString()));
    // A document of the wrong shape would otherwise read as an empty catalog and a
    // user's override file would be ignored without a word.
    if (!doc.isObject())
        return Error::make(
            Error::Code::InvalidData,
            QStringLiteral("catalog: the top level must be an object with \"providers\""));
    const QJsonValue providersValue = doc.object().value(QLatin1String("providers"));
    if (!providersValue.isUndefined() && !providersValue.isArray())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("catalog: \"providers\" must be a list"));
    const QJsonArray providers = providersValue.toArray();
    ModelCatalog catalog;
    for (const QJsonValue &pv : providers) {
        const QJsonObject po = pv.toObject();
        ProviderEntry p;
        p.id = po.value(QLatin1String("id")).toString();
        if (p.id.isEmpty())
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("catalog: a provider has no \"id\""));
        p.name = po.value(QLatin1String("name")).toString(p.id);
        p.kind = po.value(QLatin1String("kind")).toString(QStringLiteral("cloud"));
        p.baseUrl = po.value(QLatin1String("baseUrl")).toString();
        p.asOf = po.value(QLatin1String("asOf")).toString();
        p.note = po.value(QLatin1String("note")).toString();
        for (const QJsonValue &mv : po.value(QLatin1String("models")).toArray()) {
            Result<ModelEntry> m =
                parseModel(mv.toObject(), QStringLiteral("provider \"%1\"").arg(p.id));
            if (!m)
                return m.error();
            if (m->asOf.isEmpty())
                m->asOf = p.asOf;
            p.models.append(*m);
        }
        catalog.m_providers.append(p);
    }
    return catalog;
}

QString ModelCatalog::defaultUserFile() {
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/catalog.json");
}

ModelCatalog ModelCatalog::load(const QString &userFile, QStringList *warnings) {
    QFile builtIn(QStringLiteral(":/reposcope/catalog.json"));
    ModelCatalog catalog;
    if (builtIn.open(QIODevice::ReadOnly)) {
        Result<ModelCatalog> parsed = fromJson(builtIn.readAll());
        if (parsed)
            catalog = *parsed;
        else if (warnings)
            *warnings << QStringLiteral("built-in catalog: ") + parsed.error().message;
    }
    QFile user(userFile);
    if (!userFile.isEmpty() && user.exists()) {
        if (!user.open(QIODevice::ReadOnly)) {
            if (warnings)
                *warnings << QStringLiteral("%1: %2").arg(userFile, user.errorString());
        } else if (Result<ModelCatalog> parsed = fromJson(user.readAll())) {
            catalog.merge(*parsed);
        } else if (warnings) {
            *warnings << QStringLiteral("%1: %2 (the built-in catalog is used instead)")
                             .arg(userFile, parsed.error().message);
        }
    }
    return catalog;
}

const ProviderEntry *ModelCatalog::provider(const QString &id) const {
    for (const ProviderEntry &p : m_providers)
        if (p.id == id)
            return &p;
    return nullptr;
}

const ModelEntry *ModelCatalog::model(const QString &providerId, const QString &modelId) const {
    const ProviderEntry *p = provider(providerId);
    if (!p)
        return nullptr;
    for (const ModelEntry &m : p->models)
        if (m.id == modelId)
            return &m;
    return nullptr;
}

void ModelCatalog::upsertModel(const QString &providerId, const ModelEntry &model) {
    for (ProviderEntry &p : m_providers) {
        if (p.id != providerId)
            continue;
        for (ModelEntry &m : p.models) {
            if (m.id == model.id) {
                m = model;
                return;
            }
        }
        p.models.append(model);
        return;
    }
}

void ModelCatalog::merge(const ModelCatalog &other) {
    for (const ProviderEntry &incoming : other.m_providers) {
        ProviderEntry *existing = nullptr;
        for (ProviderEntry &p : m_providers)
            if (p.id == incoming.id)
                existing = &p;
        if (!existing) {
            m_providers.append(incoming);
            continue;
        }
        if (!incoming.baseUrl.isEmpty())
            existing->baseUrl = incoming.baseUrl;
        if (!incoming.note.isEmpty())
            existing->note = incoming.note;
        for (const ModelEntry &m : incoming.models)
            upsertModel(incoming.id, m);
    }
}

} // namespace reposcope::llm
