// SPDX-License-Identifier: MIT
#include "security/secrets/secretrule.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>

namespace reposcope::security::secrets {

namespace {

const QLatin1String kRules("rules");
const QLatin1String kPlaceholders("placeholders");
const QLatin1String kAllow("allow");

QStringList stringList(const QJsonValue &v) {
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out << item.toString();
    return out;
}

QJsonArray jsonList(const QStringList &list) {
    QJsonArray out;
    for (const QString &s : list)
        out.append(s);
    return out;
}

Result<Severity> parseSeverity(const QString &name) {
    if (name == QLatin1String("critical"))
        return Severity::Critical;
    if (name == QLatin1String("high") || name.isEmpty())
        return Severity::High;
    if (name == QLatin1String("medium"))
        return Severity::Medium;
    if (name == QLatin1String("low"))
        return Severity::Low;
    return Error::make(
        Error::Code::InvalidData,
        QStringLiteral("unknown severity \"%1\" (critical, high, medium or low)").arg(name));
}

Result<Rule> parseRule(const QJsonObject &o) {
    Rule r;
    r.id = o.value(QLatin1String("id")).toString();
    if (r.id.isEmpty())
        return Error::make(Error::Code::InvalidData, QStringLiteral("a rule has no \"id\""));
    r.description = o.value(QLatin1String("description")).toString();
    const Result<Severity> severity = parseSeverity(o.value(QLatin1String("severity")).toString());
    if (!severity)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("rule %1: %2").arg(r.id, severity.error().message));
    r.severity = *severity;
    for (const QString &k : stringList(o.value(QLatin1String("keywords"))))
        r.keywords << k.toLower();
    r.pattern = o.value(QLatin1String("pattern")).toString();
    if (r.pattern.isEmpty())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("rule %1 has no \"pattern\"").arg(r.id));
    r.validators = stringList(o.value(QLatin1String("validators")));
    r.minEntropy = o.value(QLatin1String("minEntropy")).toDouble(0);
    r.minLength = o.value(QLatin1String("minLength")).toInt(0);
    for (const QString &s : stringList(o.value(QLatin1String("stopwords"))))
        r.stopwords << s.toLower();
    for (const QString &s : stringList(o.value(QLatin1String("placeholderValues"))))
        r.placeholderValues << s.toLower();
    r.context = o.value(QLatin1String("context")).toString();
    r.contextBytes = o.value(QLatin1String("contextBytes")).toInt(400);
    r.paths = o.value(QLatin1String("paths")).toString();
    r.generic = o.value(QLatin1String("generic")).toBool(false);
    r.keywordLine = o.value(QLatin1String("keywordLine")).toBool(false);
    r.enabled = o.value(QLatin1String("enabled")).toBool(true);
    return r;
}

// `overlay` on top of `base`: rules merged field by field by id, lists appended.
QJsonObject overlayJson(QJsonObject base, const QJsonObject &overlay) {
    QJsonArray rules = base.value(kRules).toArray();
    for (const QJsonValue &v : overlay.value(kRules).toArray()) {
        const QJsonObject o = v.toObject();
        const QString id = o.value(QLatin1String("id")).toString();
        bool merged = false;
        for (qsizetype i = 0; i < rules.size() && !merged; ++i) {
            QJsonObject existing = rules.at(i).toObject();
            if (existing.value(QLatin1String("id")).toString() != id)
                continue;
            for (auto it = o.begin(); it != o.end(); ++it)
                existing.insert(it.key(), *it);
            rules.replace(i, existing);
            merged = true;
        }
        if (!merged)
            rules.append(o);
    }
    base.insert(kRules, rules);
    for (const QLatin1String key : {kPlaceholders, kAllow}) {
        QJsonArray list = base.value(key).toArray();
        for (const QJsonValue &v : overlay.value(key).toArray())
            list.append(v);
        base.insert(key, list);
    }
    return base;
}

QByteArray builtInJson() {
    QFile file(QStringLiteral(":/reposcope/secrets.json"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

Result<QJsonObject> readOverlay(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("%1: %2").arg(path, file.errorString()));
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &err);
    if (err.error != QJsonParseError::NoError)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: not valid JSON (offset %2: %3)")
                               .arg(path)
                               .arg(err.offset)
                               .arg(err.errorString()));
    if (!doc.isObject() || (doc.object().contains(kRules) && !doc.object().value(kRules).isArray()))
        return Error::make(
            Error::Code::InvalidData,
            QStringLiteral("%1: the top level must be an object whose \"rules\" is a list")
                .arg(path));
    return doc.object();
}

} // namespace

QString severityName(Severity severity) {
    switch (severity) {
    case Severity::Critical:
        return QStringLiteral("critical");
    case Severity::High:
        return QStringLiteral("high");
    case Severity::Medium:
        return QStringLiteral("medium");
    case Severity::Low:
        return QStringLiteral("low");
    }
    return {};
}

Result<RuleSet> RuleSet::fromJson(const QByteArray &json) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("the secret rules are not a JSON object (offset %1: %2)")
                               .arg(err.offset)
                               .arg(err.errorString()));
    RuleSet set;
    for (const QJsonValue &v : doc.object().value(kRules).toArray()) {
        Result<Rule> rule = parseRule(v.toObject());
        if (!rule)
            return rule.error();
        if (set.rule(rule->id))
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("rule id %1 is used twice").arg(rule->id));
        set.m_rules.append(*rule);
    }
    for (const QString &p : stringList(doc.object().value(kPlaceholders)))
        set.m_placeholders << p.toLower();
    set.m_allow = stringList(doc.object().value(kAllow));
    return set;
}

RuleSet RuleSet::builtIn() {
    Result<RuleSet> set = fromJson(builtInJson());
    return set ? *set : RuleSet{};
}

RuleSet RuleSet::load(const QString &userFile, const QString &repositoryFile,
                      QStringList *warnings) {
    QJsonObject merged = QJsonDocument::fromJson(builtInJson()).object();
    RuleSet set = builtIn();
    for (const QString &path : {userFile, repositoryFile}) {
        if (path.isEmpty() || !QFile::exists(path))
            continue;
        const Result<QJsonObject> overlay = readOverlay(path);
        Result<RuleSet> candidate =
            overlay ? fromJson(QJsonDocument(overlayJson(merged, *overlay)).toJson())
                    : Result<RuleSet>(overlay.error());
        if (!candidate) {
            if (warnings)
                *warnings << QStringLiteral("%1 (these secret rules are ignored)")
                                 .arg(overlay
                                          ? path + QStringLiteral(": ") + candidate.error().message
                                          : candidate.error().message);
            continue;
        }
        merged = overlayJson(merged, *overlay);
        set = *candidate;
    }
    return set;
}

QString RuleSet::defaultUserFile() {
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/secrets.json");
}

QString RuleSet::repositoryFile(const QString &rootPath) {
    return QDir(rootPath).filePath(QStringLiteral(".reposcope/secrets.json"));
}

const Rule *RuleSet::rule(const QString &id) const {
    for (const Rule &r : m_rules)
        if (r.id == id)
            return &r;
    return nullptr;
}

QJsonObject RuleSet::toJson(const Rule &r) {
    QJsonObject o{{QStringLiteral("id"), r.id},
                  {QStringLiteral("description"), r.description},
                  {QStringLiteral("severity"), severityName(r.severity)},
                  {QStringLiteral("pattern"), r.pattern}};
    if (!r.keywords.isEmpty())
        o.insert(QStringLiteral("keywords"), jsonList(r.keywords));
    if (!r.validators.isEmpty())
        o.insert(QStringLiteral("validators"), jsonList(r.validators));
    if (r.minEntropy > 0)
        o.insert(QStringLiteral("minEntropy"), r.minEntropy);
    if (r.minLength > 0)
        o.insert(QStringLiteral("minLength"), r.minLength);
    if (!r.stopwords.isEmpty())
        o.insert(QStringLiteral("stopwords"), jsonList(r.stopwords));
    if (!r.placeholderValues.isEmpty())
        o.insert(QStringLiteral("placeholderValues"), jsonList(r.placeholderValues));
    if (!r.context.isEmpty()) {
        o.insert(QStringLiteral("context"), r.context);
        o.insert(QStringLiteral("contextBytes"), r.contextBytes);
    }
    if (!r.paths.isEmpty())
        o.insert(QStringLiteral("paths"), r.paths);
    if (r.generic)
        o.insert(QStringLiteral("generic"), true);
    if (r.keywordLine)
        o.insert(QStringLiteral("keywordLine"), true);
    if (!r.enabled)
        o.insert(QStringLiteral("enabled"), false);
    return o;
}

} // namespace reposcope::security::secrets
