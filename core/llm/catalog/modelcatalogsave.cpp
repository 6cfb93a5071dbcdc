// SPDX-License-Identifier: MIT
// Writing the catalog back: entries as JSON and the user file as a difference
// from the built-in resource.
#include "llm/catalog/modelcatalog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace reposcope::llm {

namespace {

QJsonValue optionalJson(const std::optional<double> &v) {
    return v ? QJsonValue(*v) : QJsonValue();
}

QJsonObject headersJson(const QList<QPair<QByteArray, QByteArray>> &headers) {
    QJsonObject o;
    for (const auto &[name, value] : headers)
        o.insert(QString::fromLatin1(name), QString::fromUtf8(value));
    return o;
}

// The fields of `now` that differ from `base` ("id" kept). For extraHeaders, a
// header the base has and `now` lacks is written as null: the overlay merges
// objects key by key.
QJsonObject difference(const QJsonObject &now, const QJsonObject &base) {
    QJsonObject diff;
    for (auto it = now.begin(); it != now.end(); ++it) {
        if (it.key() == QLatin1String("models") || base.value(it.key()) == *it)
            continue;
        if (it.key() == QLatin1String("extraHeaders")) {
            QJsonObject headers = it->toObject();
            const QJsonObject baseHeaders = base.value(it.key()).toObject();
            for (auto h = baseHeaders.begin(); h != baseHeaders.end(); ++h)
                if (!headers.contains(h.key()))
                    headers.insert(h.key(), QJsonValue());
            diff.insert(it.key(), headers);
            continue;
        }
        diff.insert(it.key(), *it);
    }
    if (!diff.isEmpty())
        diff.insert(QStringLiteral("id"), now.value(QLatin1String("id")));
    return diff;
}

} // namespace

QJsonObject ModelCatalog::toJson(const ModelEntry &m) {
    return QJsonObject{
        {QStringLiteral("id"), m.id},
        {QStringLiteral("name"), m.name},
        {QStringLiteral("context"), m.contextTokens},
        {QStringLiteral("maxOutput"), m.maxOutputTokens},
        {QStringLiteral("inputPerM"), optionalJson(m.inputPerMillion)},
        {QStringLiteral("outputPerM"), optionalJson(m.outputPerMillion)},
        {QStringLiteral("vision"), m.vision},
        {QStringLiteral("imageTokenRule"), m.imageTokenRule},
        {QStringLiteral("tokenizer"), m.tokenizer},
        {QStringLiteral("tokenizerExact"), m.tokenizerExact},
        {QStringLiteral("asOf"), m.asOf},
        {QStringLiteral("status"), m.status},
        {QStringLiteral("note"), m.note},
    };
}

QJsonObject ModelCatalog::toJson(const ProviderEntry &p) {
    QJsonArray models;
    for (const ModelEntry &m : p.models)
        models.append(toJson(m));
    const QJsonObject images{
        {QStringLiteral("maxLongEdge"), p.images.maxLongEdge},
        {QStringLiteral("maxPixels"), p.images.maxPixels},
        {QStringLiteral("maxBytesPerImage"), p.images.maxBytesPerImage},
        {QStringLiteral("maxImagesPerRequest"), p.images.maxImagesPerRequest},
        {QStringLiteral("mimeTypes"), QJsonArray::fromStringList(p.images.mimeTypes)},
        {QStringLiteral("note"), p.images.note},
    };
    return QJsonObject{
        {QStringLiteral("id"), p.id},
        {QStringLiteral("name"), p.name},
        {QStringLiteral("kind"), p.kind},
        {QStringLiteral("baseUrl"), p.baseUrl},
        {QStringLiteral("asOf"), p.asOf},
        {QStringLiteral("note"), p.note},
        {QStringLiteral("auth"), p.auth},
        {QStringLiteral("keyEnv"), p.keyEnv},
        {QStringLiteral("usageMode"), p.usageMode},
        {QStringLiteral("tokenizeApi"), p.tokenizeApi},
        {QStringLiteral("capSource"), p.capSource},
        {QStringLiteral("dropsOldMessages"), p.dropsOldMessages},
        {QStringLiteral("returnProgress"), p.returnProgress},
        {QStringLiteral("extraHeaders"), headersJson(p.extraHeaders)},
        {QStringLiteral("images"), images},
        {QStringLiteral("models"), models},
    };
}

QJsonObject ModelCatalog::userOverlay(const QJsonObject &previous) const {
    QJsonArray providers;
    for (const ProviderEntry &p : m_providers) {
        const ProviderEntry *base = builtInProvider(p.id);
        if (!base) {
            providers.append(toJson(p));
            continue;
        }
        QJsonObject diff = difference(toJson(p), toJson(*base));
        QJsonArray models;
        for (const ModelEntry &m : p.models) {
            const ModelEntry *baseModel = nullptr;
            for (const ModelEntry &b : base->models)
                if (b.id == m.id)
                    baseModel = &b;
            if (!baseModel) {
                models.append(toJson(m));
            } else {
                const QJsonObject changed = difference(toJson(m), toJson(*baseModel));
                if (!changed.isEmpty())
                    models.append(changed);
            }
        }
        if (!models.isEmpty()) {
            diff.insert(QStringLiteral("id"), p.id);
            diff.insert(QStringLiteral("models"), models);
        }
        if (!diff.isEmpty())
            providers.append(diff);
    }
    QJsonObject out = previous;
    out.insert(QStringLiteral("providers"), providers);
    return out;
}

Result<Ok> ModelCatalog::saveUserFile(const QString &file) const {
    QJsonObject previous;
    QFile in(file);
    if (in.exists()) {
        if (!in.open(QIODevice::ReadOnly))
            return Error::make(Error::Code::Io,
                               QStringLiteral("cannot read %1: %2").arg(file, in.errorString()));
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(in.readAll(), &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("%1 is not a valid catalog file; fix or remove it "
                                              "before saving providers")
                                   .arg(file));
        previous = doc.object();
    }
    if (!QDir().mkpath(QFileInfo(file).absolutePath()))
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot create the folder of %1").arg(file));
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) ||
        out.write(QJsonDocument(userOverlay(previous)).toJson()) < 0 || !out.commit())
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot save %1: %2").arg(file, out.errorString()));
    return Ok{};
}

} // namespace reposcope::llm
