// SPDX-License-Identifier: MIT
#include "tokenize/correctionstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace reposcope::tokenize {

CorrectionStore::CorrectionStore(QString file)
    : m_file(std::move(file)) {
    QFile in(m_file);
    if (m_file.isEmpty() || !in.open(QIODevice::ReadOnly))
        return;
    const QJsonObject root = QJsonDocument::fromJson(in.readAll()).object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QJsonObject o = it->toObject();
        Sums s{o.value(QLatin1String("counted")).toDouble(),
               o.value(QLatin1String("reported")).toDouble(),
               o.value(QLatin1String("samples")).toInt()};
        if (s.counted > 0 && s.reported > 0 && s.samples > 0)
            m_sums.insert(it.key(), s);
    }
}

QString CorrectionStore::defaultFile() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/corrections.json");
}

QString CorrectionStore::keyFor(const QString &provider, const QString &model,
                                const QString &tokenizerId) {
    return provider + QLatin1Char('|') + model + QLatin1Char('|') + tokenizerId;
}

Correction CorrectionStore::correction(const QString &key) const {
    const auto it = m_sums.constFind(key);
    if (it == m_sums.cend())
        return {};
    return {it->reported / it->counted, it->samples};
}

void CorrectionStore::record(const QString &key, qint64 counted, qint64 reported) {
    if (counted <= 0 || reported <= 0)
        return;
    const double ratio = double(reported) / double(counted);
    if (ratio < 0.25 || ratio > 4.0)
        return;
    Sums &s = m_sums[key];
    s.counted += double(counted);
    s.reported += double(reported);
    ++s.samples;
    save();
}

void CorrectionStore::save() const {
    if (m_file.isEmpty())
        return;
    QJsonObject root;
    for (auto it = m_sums.cbegin(); it != m_sums.cend(); ++it)
        root.insert(it.key(), QJsonObject{{QStringLiteral("counted"), it->counted},
                                          {QStringLiteral("reported"), it->reported},
                                          {QStringLiteral("samples"), it->samples}});
    QDir().mkpath(QFileInfo(m_file).absolutePath());
    QSaveFile out(m_file);
    if (out.open(QIODevice::WriteOnly)) {
        out.write(QJsonDocument(root).toJson());
        out.commit(); // a failure only loses the latest sample; the next request tries again
    }
}

} // namespace reposcope::tokenize
