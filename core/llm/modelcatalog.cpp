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

namespace {

// Overlays `overlay` on `base` field by field; arrays of objects with an "id" are merged
// by id (so a user file can change one model's context without restating the rest).
QJsonObject overlayJson(QJsonObject base, const QJsonObject &overlay) {
    for (auto it = overlay.begin(); it != overlay.end(); ++it) {
        const QJsonValue current = base.value(it.key());
        if (it->isObject() && current.isObject()) {
            base.insert(it.key(), overlayJson(current.toObject(), it->toObject()));
        } else if (it->isArray() && current.isArray()) {
            QJsonArray merged = current.toArray();
            for (const QJsonValue &item : it->toArray()) {
                const QString id = item.toObject().value(QLatin1String("id")).toString();
                qsizetype match = -1;
                for (qsizetype i = 0; !id.isEmpty() && i < merged.size(); ++i)
                    if (merged[i].toObject().value(QLatin1String("id")).toString() == id)
                        match = i;
                if (match >= 0)
                    merged[match] = overlayJson(merged[match].toObject(), item.toObject());
                else
                    merged.append(item);
            }
            base.insert(it.key(), merged);
        } else {
            base.insert(it.key(), *it);
        }
    }
    return base;
}

} // namespace

ModelCatalog ModelCatalog::load(const QString &userFile, QStringList *warnings) {
    QFile builtInFile(QStringLiteral(":/reposcope/catalog.json"));
    QByteArray builtIn;
    if (builtInFile.open(QIODevice::ReadOnly))
        builtIn = builtInFile.readAll();
    ModelCatalog catalog;
    if (Result<ModelCatalog> parsed = fromJson(builtIn))
        catalog = *parsed;
    else if (warnings)
        *warnings << QStringLiteral("built-in catalog: ") + parsed.error().message;

    QFile user(userFile);
    if (userFile.isEmpty() || !user.exists())
        return catalog;
    if (!user.open(QIODevice::ReadOnly)) {
        if (warnings)
            *warnings << QStringLiteral("%1: %2").arg(userFile, user.errorString());
        return catalog;
    }
    QJsonParseError err{};
    const QJsonDocument userDoc = QJsonDocument::fromJson(user.readAll(), &err);
    Result<ModelCatalog> merged = Error::make(
        Error::Code::InvalidData,
        QStringLiteral("not valid JSON (offset %1: %2)").arg(err.offset).arg(err.errorString()));
    if (err.error == QJsonParseError::NoError) {
        if (!userDoc.isObject())
            merged = Error::make(Error::Code::InvalidData,
                                 QStringLiteral("the top level must be a JSON object"));
        else if (userDoc.object().contains(QLatin1String("providers")) &&
                 !userDoc.object().value(QLatin1String("providers")).isArray())
            merged = Error::make(Error::Code::InvalidData,
                                 QStringLiteral("\"providers\" must be a list"));
        else
            merged = fromJson(QJsonDocument(overlayJson(QJsonDocument::fromJson(builtIn).object(),
                                                        userDoc.object()))
                                  .toJson());
    }
    if (merged)
        return *merged;
    if (warnings)
        *warnings << QStringLiteral("%1: %2 (the built-in catalog is used instead)")
                         .arg(userFile, merged.error().message);
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

} // namespace reposcope::llm
