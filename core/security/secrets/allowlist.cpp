// SPDX-License-Identifier: MIT
#include "security/secrets/allowlist.h"

#include "common/repositoryfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace reposcope::security::secrets {

namespace {

constexpr int kVersion = 1;

template <typename T> QList<T> sortedList(const QSet<T> &set) {
    QList<T> out(set.cbegin(), set.cend());
    std::sort(out.begin(), out.end());
    return out;
}

bool isHexFingerprint(const QString &s) {
    if (s.size() != 64)
        return false;
    return std::all_of(s.cbegin(), s.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
    });
}

// The strings of `object[key]`, or an error naming the key.
Result<QStringList> stringArray(const QJsonObject &object, const char *key) {
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined())
        return QStringList();
    if (!value.isArray())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("\"%1\" is not a list").arg(QLatin1String(key)));
    QStringList out;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString() || item.toString().isEmpty())
            return Error::make(
                Error::Code::InvalidData,
                QStringLiteral("\"%1\" holds something that is not a non-empty string")
                    .arg(QLatin1String(key)));
        out << item.toString();
    }
    return out;
}

} // namespace

bool AllowList::allows(const SecretHit &hit) const {
    return m_secrets.contains(hit.fingerprint) || m_rules.contains(hit.ruleId) ||
           m_files.contains(hit.path);
}

bool AllowList::isEmpty() const {
    return m_secrets.isEmpty() && m_rules.isEmpty() && m_files.isEmpty();
}

void AllowList::allowSecret(const QByteArray &fingerprint) {
    m_secrets.insert(fingerprint.toLower());
}

void AllowList::allowRule(const QString &ruleId) {
    m_rules.insert(ruleId);
}

void AllowList::allowFile(const QByteArray &path) {
    m_files.insert(path);
}

bool AllowList::removeSecret(const QByteArray &fingerprint) {
    return m_secrets.remove(fingerprint.toLower());
}

bool AllowList::removeRule(const QString &ruleId) {
    return m_rules.remove(ruleId);
}

bool AllowList::removeFile(const QByteArray &path) {
    return m_files.remove(path);
}

QList<QByteArray> AllowList::secrets() const {
    return sortedList(m_secrets);
}

QStringList AllowList::rules() const {
    return sortedList(m_rules);
}

QList<QByteArray> AllowList::files() const {
    return sortedList(m_files);
}

void AllowList::merge(const AllowList &other) {
    m_secrets.unite(other.m_secrets);
    m_rules.unite(other.m_rules);
    m_files.unite(other.m_files);
}

QByteArray AllowList::toJson() const {
    QJsonArray secrets;
    for (const QByteArray &s : this->secrets())
        secrets.append(QString::fromLatin1(s));
    QJsonArray rules;
    for (const QString &r : this->rules())
        rules.append(r);
    QJsonArray files;
    for (const QByteArray &f : this->files())
        files.append(QString::fromUtf8(f));
    const QJsonObject root{{QStringLiteral("version"), kVersion},
                           {QStringLiteral("secrets"), secrets},
                           {QStringLiteral("rules"), rules},
                           {QStringLiteral("files"), files}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<AllowList> AllowList::fromJson(const QByteArray &json) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("not valid JSON (%1 at byte %2)")
                               .arg(parseError.errorString())
                               .arg(parseError.offset));
    if (!doc.isObject())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("not a JSON object with \"secrets\", \"rules\" and "
                                          "\"files\" lists"));
    const QJsonObject root = doc.object();
    const QJsonValue version = root.value(QStringLiteral("version"));
    if (!version.isUndefined() && version.toInt(-1) != kVersion)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("version %1 is not one this RepoScope reads (it reads "
                                          "version %2)")
                               .arg(version.toVariant().toString())
                               .arg(kVersion));
    const Result<QStringList> secrets = stringArray(root, "secrets");
    if (!secrets)
        return secrets.error();
    const Result<QStringList> rules = stringArray(root, "rules");
    if (!rules)
        return rules.error();
    const Result<QStringList> files = stringArray(root, "files");
    if (!files)
        return files.error();
    AllowList list;
    for (const QString &s : *secrets) {
        const QString lower = s.toLower();
        if (!isHexFingerprint(lower))
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("\"secrets\" holds \"%1\", which is not a "
                                              "fingerprint (64 hexadecimal digits)")
                                   .arg(s.left(80)));
        list.allowSecret(lower.toLatin1());
    }
    for (const QString &r : *rules)
        list.allowRule(r);
    for (const QString &f : *files)
        list.allowFile(f.toUtf8());
    return list;
}

Result<AllowList> AllowList::load(const QString &file) {
    QFile in(file);
    if (!in.exists())
        return AllowList();
    if (!in.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("%1: cannot read the secrets allow list (%2); fix its "
                                          "permissions or remove it")
                               .arg(QDir::toNativeSeparators(file), in.errorString()));
    Result<AllowList> list = fromJson(in.readAll());
    if (!list)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: the secrets allow list is %2; correct it or "
                                          "remove it")
                               .arg(QDir::toNativeSeparators(file), list.error().message));
    return list;
}

Result<Ok> AllowList::save(const QString &file) const {
    return saveFileAtomically(file, toJson(), QStringLiteral("the secrets allow list"),
                              QStringLiteral("the previous list is unchanged"));
}

QString AllowList::userFileFor(const QString &repositoryRoot) {
    return perRepositoryFile(repositoryRoot, QStringLiteral("allowlists"));
}

QString AllowList::repositoryFile(const QString &repositoryRoot) {
    return QDir(repositoryRoot).filePath(QStringLiteral(".reposcope/secrets-allow.json"));
}

AllowList AllowList::loadFor(const QString &repositoryRoot, QStringList *warnings) {
    AllowList merged;
    for (const QString &file : {userFileFor(repositoryRoot), repositoryFile(repositoryRoot)}) {
        Result<AllowList> list = load(file);
        if (list)
            merged.merge(*list);
        else if (warnings)
            *warnings << list.error().message + QStringLiteral(" (its entries are ignored)");
    }
    return merged;
}

} // namespace reposcope::security::secrets
