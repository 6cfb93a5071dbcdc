// SPDX-License-Identifier: MIT
#include "findings/triage.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace reposcope::findings {

namespace {

constexpr int kFormatVersion = 1;

QString canonicalRoot(const QString &root) {
    const QFileInfo info(root);
    const QString canonical = info.canonicalFilePath();
    return QDir::cleanPath(canonical.isEmpty() ? info.absoluteFilePath() : canonical);
}

Error corrupt(const QString &file, const QString &what) {
    return Error::make(Error::Code::InvalidData,
                       QStringLiteral("the triage file %1 is damaged (%2); no verdicts were "
                                      "loaded and the file was left as it is: fix or remove it")
                           .arg(QDir::toNativeSeparators(file), what));
}

// One entry of the file; nullopt (with *why) when it does not make sense.
std::optional<Triage> entryFromJson(const QJsonValue &value, QString *why) {
    if (!value.isObject()) {
        *why = QStringLiteral("an entry is not an object");
        return std::nullopt;
    }
    const QJsonObject o = value.toObject();
    const QString stateName = o.value(QLatin1String("state")).toString();
    const std::optional<TriageState> state = parseTriage(stateName);
    if (!state) {
        *why = QStringLiteral("unknown state \"%1\"").arg(stateName);
        return std::nullopt;
    }
    Triage triage;
    triage.state = *state;
    triage.note = o.value(QLatin1String("note")).toString();
    triage.updated =
        QDateTime::fromString(o.value(QLatin1String("updated")).toString(), Qt::ISODateWithMs);
    if (triage.updated.isValid())
        triage.updated = triage.updated.toUTC();
    return triage;
}

} // namespace

QString triageName(TriageState state) {
    switch (state) {
    case TriageState::Untriaged:
        return QStringLiteral("untriaged");
    case TriageState::Confirmed:
        return QStringLiteral("confirmed");
    case TriageState::FalsePositive:
        return QStringLiteral("false-positive");
    case TriageState::Fixed:
        return QStringLiteral("fixed");
    }
    return QString();
}

std::optional<TriageState> parseTriage(QStringView name) {
    for (const TriageState state : {TriageState::Untriaged, TriageState::Confirmed,
                                    TriageState::FalsePositive, TriageState::Fixed}) {
        if (name.compare(triageName(state), Qt::CaseInsensitive) == 0)
            return state;
    }
    return std::nullopt;
}

QString TriageStore::defaultPathFor(const QString &repositoryRoot) {
    // A hash keeps the name short and free of path characters; the root is in the file.
    const QByteArray hash =
        QCryptographicHash::hash(canonicalRoot(repositoryRoot).toUtf8(), QCryptographicHash::Sha256)
            .toHex()
            .left(24);
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/triage/") + QString::fromLatin1(hash) + QStringLiteral(".json");
}

TriageStore TriageStore::forRepository(const QString &repositoryRoot) {
    TriageStore store(defaultPathFor(repositoryRoot));
    store.setRepositoryRoot(canonicalRoot(repositoryRoot));
    return store;
}

Result<Ok> TriageStore::load() {
    m_entries.clear();
    QFile in(m_path);
    if (!in.exists())
        return Ok{};
    if (!in.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot read the triage file %1: %2")
                               .arg(QDir::toNativeSeparators(m_path), in.errorString()));
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(in.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return corrupt(m_path, QStringLiteral("not JSON: %1 at byte %2")
                                   .arg(parseError.errorString())
                                   .arg(parseError.offset));
    const QJsonObject root = doc.object();
    if (!doc.isObject() || !root.value(QLatin1String("entries")).isObject())
        return corrupt(m_path, QStringLiteral("no \"entries\" object"));
    const int version = root.value(QLatin1String("version")).toInt(0);
    if (version != kFormatVersion)
        return corrupt(
            m_path,
            QStringLiteral("format version %1, expected %2").arg(version).arg(kFormatVersion));
    QHash<QString, Triage> entries;
    const QJsonObject json = root.value(QLatin1String("entries")).toObject();
    for (auto it = json.begin(); it != json.end(); ++it) {
        QString why;
        const std::optional<Triage> triage = entryFromJson(it.value(), &why);
        if (!triage)
            return corrupt(m_path, QStringLiteral("%1 in entry %2").arg(why, it.key()));
        entries.insert(it.key(), *triage);
    }
    if (m_repositoryRoot.isEmpty())
        m_repositoryRoot = root.value(QLatin1String("repositoryRoot")).toString();
    m_entries = std::move(entries);
    return Ok{};
}

Result<Ok> TriageStore::save() const {
    if (m_path.isEmpty())
        return Error::make(Error::Code::Usage, QStringLiteral("the triage store has no file"));
    QJsonObject entries;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        QJsonObject o{{QStringLiteral("state"), triageName(it->state)}};
        if (!it->note.isEmpty())
            o.insert(QStringLiteral("note"), it->note);
        if (it->updated.isValid())
            o.insert(QStringLiteral("updated"), it->updated.toUTC().toString(Qt::ISODateWithMs));
        entries.insert(it.key(), o);
    }
    const QJsonObject root{{QStringLiteral("version"), kFormatVersion},
                           {QStringLiteral("repositoryRoot"), m_repositoryRoot},
                           {QStringLiteral("entries"), entries}};
    const QString native = QDir::toNativeSeparators(m_path);
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath()))
        return Error::make(
            Error::Code::Io,
            QStringLiteral("cannot create the folder of the triage file %1").arg(native));
    // QSaveFile writes a temporary file and renames it over the old one on commit, so a
    // crash mid-write never leaves a half-written store.
    QSaveFile out(m_path);
    if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(root).toJson()) < 0 ||
        !out.commit())
        return Error::make(
            Error::Code::Io,
            QStringLiteral("cannot save the triage file %1: %2").arg(native, out.errorString()));
    return Ok{};
}

Triage TriageStore::get(const QString &fingerprint) const {
    return m_entries.value(fingerprint);
}

void TriageStore::set(const QString &fingerprint, const Triage &triage) {
    if (triage.state == TriageState::Untriaged && triage.note.isEmpty()) {
        m_entries.remove(fingerprint);
        return;
    }
    Triage stored = triage;
    stored.updated =
        triage.updated.isValid() ? triage.updated.toUTC() : QDateTime::currentDateTimeUtc();
    m_entries.insert(fingerprint, stored);
}

} // namespace reposcope::findings
