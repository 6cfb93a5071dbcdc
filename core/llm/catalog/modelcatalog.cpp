// SPDX-License-Identifier: MIT
#include "llm/catalog/modelcatalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

namespace reposcope::llm {

namespace {

std::optional<double> optionalNumber(const QJsonValue &v) {
    if (v.isDouble())
        return v.toDouble();
    return std::nullopt;
}

QString quoted(const QString &s) {
    return QLatin1Char('"') + s + QLatin1Char('"');
}

// A string field restricted to `allowed`; absent or null gives `fallback`.
Result<QString> oneOf(const QJsonObject &o, const char *key, const QStringList &allowed,
                      const QString &fallback, const QString &where) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return fallback;
    const QString s = v.toString();
    if (!v.isString() || !allowed.contains(s)) {
        QStringList shown;
        for (const QString &a : allowed)
            shown << (a.isEmpty() ? QStringLiteral("\"\"") : a);
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: \"%2\" must be one of %3 (found %4)")
                               .arg(where, QLatin1String(key), shown.join(QStringLiteral(", ")),
                                    v.isString() ? quoted(s) : QStringLiteral("a non-string")));
    }
    return s;
}

// A non-negative whole number; absent or null gives 0.
Result<qint64> count(const QJsonObject &o, const char *key, const QString &where) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return qint64(0);
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d != double(qint64(d)))
        return Error::make(
            Error::Code::InvalidData,
            QStringLiteral("%1: \"%2\" must be a whole number ≥ 0").arg(where, QLatin1String(key)));
    return qint64(d);
}

Result<ImageLimits> parseImages(const QJsonValue &v, const QString &where) {
    ImageLimits limits;
    if (v.isUndefined() || v.isNull())
        return limits;
    if (!v.isObject())
        return Error::make(Error::Code::InvalidData,
                           where + QStringLiteral(": \"images\" must be an object"));
    const QJsonObject o = v.toObject();
    const QString at = where + QStringLiteral(" images");
    Result<qint64> edge = count(o, "maxLongEdge", at);
    Result<qint64> pixels = count(o, "maxPixels", at);
    Result<qint64> bytes = count(o, "maxBytesPerImage", at);
    Result<qint64> perRequest = count(o, "maxImagesPerRequest", at);
    for (const Result<qint64> *r : {&edge, &pixels, &bytes, &perRequest})
        if (!*r)
            return r->error();
    limits.maxLongEdge = int(qMin<qint64>(*edge, 1 << 30));
    limits.maxPixels = *pixels;
    limits.maxBytesPerImage = *bytes;
    limits.maxImagesPerRequest = int(qMin<qint64>(*perRequest, 1 << 30));
    const QJsonValue types = o.value(QLatin1String("mimeTypes"));
    if (!types.isUndefined() && !types.isNull() && !types.isArray())
        return Error::make(Error::Code::InvalidData,
                           at + QStringLiteral(": \"mimeTypes\" must be a list"));
    for (const QJsonValue &t : types.toArray()) {
        if (!t.isString() || !t.toString().startsWith(QLatin1String("image/")))
            return Error::make(Error::Code::InvalidData,
                               at + QStringLiteral(": \"mimeTypes\" holds image/… types only"));
        limits.mimeTypes << t.toString();
    }
    limits.note = o.value(QLatin1String("note")).toString();
    return limits;
}

Result<QList<QPair<QByteArray, QByteArray>>> parseHeaders(const QJsonValue &v,
                                                          const QString &where) {
    QList<QPair<QByteArray, QByteArray>> headers;
    if (v.isUndefined() || v.isNull())
        return headers;
    if (!v.isObject())
        return Error::make(Error::Code::InvalidData,
                           where + QStringLiteral(": \"extraHeaders\" must be an object"));
    // RFC 9110 token characters; a value must not smuggle in another header line.
    static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it->isNull())
            continue; // the user file removes a built-in header with null
        const QString value = it->toString();
        if (!token.match(it.key()).hasMatch() || !it->isString() ||
            value.contains(QLatin1Char('\r')) || value.contains(QLatin1Char('\n')))
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("%1: extra header %2 is not a valid HTTP header")
                                   .arg(where, quoted(it.key())));
        headers.append({it.key().toLatin1(), value.toUtf8()});
    }
    return headers;
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
    Result<QString> rule = oneOf(o, "imageTokenRule", {QStringLiteral("llama4-tiles"), QString()},
                                 QString(), where + QStringLiteral(" model ") + quoted(m.id));
    if (!rule)
        return rule.error();
    m.imageTokenRule = *rule;
    m.tokenizer = o.value(QLatin1String("tokenizer")).toString(QStringLiteral("estimate"));
    m.tokenizerExact = o.value(QLatin1String("tokenizerExact")).toBool();
    m.asOf = o.value(QLatin1String("asOf")).toString();
    m.status = o.value(QLatin1String("status")).toString();
    m.note = o.value(QLatin1String("note")).toString();
    return m;
}

Result<ProviderEntry> parseProvider(const QJsonObject &po) {
    ProviderEntry p;
    p.id = po.value(QLatin1String("id")).toString();
    if (p.id.isEmpty())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("catalog: a provider has no \"id\""));
    const QString where = QStringLiteral("provider ") + quoted(p.id);
    p.name = po.value(QLatin1String("name")).toString(p.id);
    p.baseUrl = po.value(QLatin1String("baseUrl")).toString();
    if (!p.baseUrl.isEmpty()) {
        const QUrl url(p.baseUrl, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("%1: \"baseUrl\" %2 is not an http(s) URL")
                                   .arg(where, quoted(p.baseUrl)));
    }
    p.asOf = po.value(QLatin1String("asOf")).toString();
    p.note = po.value(QLatin1String("note")).toString();
    p.keyEnv = po.value(QLatin1String("keyEnv")).toString();
    static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    if (!p.keyEnv.isEmpty() && !envName.match(p.keyEnv).hasMatch())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: \"keyEnv\" %2 is not an environment variable name")
                               .arg(where, quoted(p.keyEnv)));
    struct Choice {
        const char *key;
        QStringList allowed;
        QString fallback;
        QString *into;
    };
    const Choice choices[] = {
        {"kind",
         {QStringLiteral("cloud"), QStringLiteral("self-hosted"), QStringLiteral("local"),
          QStringLiteral("custom")},
         QStringLiteral("cloud"),
         &p.kind},
        {"auth",
         {QStringLiteral("bearer"), QStringLiteral("none")},
         QStringLiteral("bearer"),
         &p.auth},
        {"usageMode",
         {QStringLiteral("include_usage"), QStringLiteral("always"), QStringLiteral("none")},
         QStringLiteral("include_usage"),
         &p.usageMode},
        {"tokenizeApi",
         {QStringLiteral("vllm"), QStringLiteral("llama-server"), QString()},
         QString(),
         &p.tokenizeApi},
        {"capSource",
         {QStringLiteral("openrouter-models"), QStringLiteral("vllm-tokenize"),
          QStringLiteral("llama-server-props"), QStringLiteral("lmstudio-models"), QString()},
         QString(),
         &p.capSource},
    };
    for (const Choice &c : choices) {
        Result<QString> value = oneOf(po, c.key, c.allowed, c.fallback, where);
        if (!value)
            return value.error();
        *c.into = *value;
    }
    p.dropsOldMessages = po.value(QLatin1String("dropsOldMessages")).toBool();
    p.returnProgress = po.value(QLatin1String("returnProgress")).toBool();
    Result<QList<QPair<QByteArray, QByteArray>>> headers =
        parseHeaders(po.value(QLatin1String("extraHeaders")), where);
    if (!headers)
        return headers.error();
    p.extraHeaders = *headers;
    Result<ImageLimits> images = parseImages(po.value(QLatin1String("images")), where);
    if (!images)
        return images.error();
    p.images = *images;
    for (const QJsonValue &mv : po.value(QLatin1String("models")).toArray()) {
        Result<ModelEntry> m = parseModel(mv.toObject(), where);
        if (!m)
            return m.error();
        if (m->asOf.isEmpty())
            m->asOf = p.asOf;
        p.models.append(*m);
    }
    return p;
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
    // A document of the wrong shape would otherwise read as an empty catalog and
    // a user's override file would be ignored without a word.
    if (!doc.isObject())
        return Error::make(
            Error::Code::InvalidData,
            QStringLiteral("catalog: the top level must be an object with \"providers\""));
    const QJsonValue providersValue = doc.object().value(QLatin1String("providers"));
    if (!providersValue.isUndefined() && !providersValue.isArray())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("catalog: \"providers\" must be a list"));
    ModelCatalog catalog;
    for (const QJsonValue &pv : providersValue.toArray()) {
        Result<ProviderEntry> p = parseProvider(pv.toObject());
        if (!p)
            return p.error();
        catalog.m_providers.append(*p);
    }
    return catalog;
}

QString ModelCatalog::defaultUserFile() {
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/catalog.json");
}

namespace {

// Overlays `overlay` on `base` field by field; arrays of objects with an "id"
// are merged by id (so a user file can change one model's context without
// restating the rest); other arrays (mime types) are replaced.
QJsonObject overlayJson(QJsonObject base, const QJsonObject &overlay) {
    for (auto it = overlay.begin(); it != overlay.end(); ++it) {
        const QJsonValue current = base.value(it.key());
        bool byId = it->isArray() && current.isArray();
        for (const QJsonValue &item : it->toArray())
            byId = byId && item.isObject();
        if (it->isObject() && current.isObject()) {
            base.insert(it.key(), overlayJson(current.toObject(), it->toObject()));
        } else if (byId) {
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
    catalog.m_builtIn = catalog.m_providers;

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
    if (merged) {
        merged->m_builtIn = catalog.m_builtIn;
        return *merged;
    }
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

const ProviderEntry *ModelCatalog::builtInProvider(const QString &id) const {
    for (const ProviderEntry &p : m_builtIn)
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

QList<const ModelEntry *> ModelCatalog::pickerOrder(const QString &providerId) const {
    QList<const ModelEntry *> order;
    const ProviderEntry *p = provider(providerId);
    if (!p)
        return order;
    for (const ModelEntry &m : p->models)
        if (!m.isRetired())
            order.append(&m);
    for (const ModelEntry &m : p->models)
        if (m.isRetired())
            order.append(&m);
    return order;
}

const ModelEntry *ModelCatalog::defaultModel(const QString &providerId) const {
    const QList<const ModelEntry *> order = pickerOrder(providerId);
    return order.isEmpty() ? nullptr : order.constFirst();
}

QString ModelCatalog::pickerLabel(const ModelEntry &model) {
    if (!model.isRetired())
        return model.name;
    if (model.name.contains(model.status, Qt::CaseInsensitive))
        return model.name;
    // An older name may carry the fact in its own words ("Llama 4 Scout (retired on
    // Groq)"): say it once, with the date, from the status.
    QString name = model.name;
    static const QRegularExpression said(
        QStringLiteral("\\s*\\([^()]*\\b(retired|removed|deprecated|shut down)\\b[^()]*\\)\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    name.remove(said);
    return name + QStringLiteral(" — ") + model.status;
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

void ModelCatalog::upsertProvider(const ProviderEntry &provider) {
    for (ProviderEntry &p : m_providers) {
        if (p.id == provider.id) {
            p = provider;
            return;
        }
    }
    m_providers.append(provider);
}

bool ModelCatalog::removeProvider(const QString &id) {
    if (builtInProvider(id))
        return false;
    return m_providers.removeIf([&id](const ProviderEntry &p) { return p.id == id; }) > 0;
}

bool ModelCatalog::removeModel(const QString &providerId, const QString &modelId) {
    if (const ProviderEntry *base = builtInProvider(providerId))
        for (const ModelEntry &m : base->models)
            if (m.id == modelId)
                return false;
    for (ProviderEntry &p : m_providers)
        if (p.id == providerId)
            return p.models.removeIf([&modelId](const ModelEntry &m) { return m.id == modelId; }) >
                   0;
    return false;
}

} // namespace reposcope::llm
