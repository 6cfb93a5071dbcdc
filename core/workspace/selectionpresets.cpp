// SPDX-License-Identifier: MIT
#include "workspace/selectionpresets.h"

#include "common/repositoryfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>

namespace reposcope::workspace {

namespace {

constexpr int kVersion = 1;

Error invalid(const QString &message) {
    return Error::make(Error::Code::InvalidData, message);
}

Result<QStringList> stringArray(const QJsonObject &object, const char *key, const QString &name) {
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined())
        return QStringList();
    if (!value.isArray())
        return invalid(QStringLiteral("preset \"%1\": \"%2\" is not a list of strings")
                           .arg(name.left(80), QLatin1String(key)));
    QStringList out;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            return invalid(QStringLiteral("preset \"%1\": \"%2\" holds something that is not a "
                                          "string")
                               .arg(name.left(80), QLatin1String(key)));
        out << item.toString();
    }
    return out;
}

QJsonArray bytesArray(const QList<QByteArray> &list) {
    QJsonArray out;
    for (const QByteArray &b : list)
        out.append(QString::fromUtf8(b));
    return out;
}

QList<QByteArray> toBytes(const QStringList &list) {
    QList<QByteArray> out;
    out.reserve(list.size());
    for (const QString &s : list)
        out << s.toUtf8();
    return out;
}

} // namespace

const SelectionPreset *PresetFile::find(const QString &name) const {
    for (const SelectionPreset &p : m_presets)
        if (p.name == name)
            return &p;
    return nullptr;
}

void PresetFile::put(const SelectionPreset &preset) {
    for (SelectionPreset &p : m_presets)
        if (p.name == preset.name) {
            p = preset;
            return;
        }
    m_presets << preset;
}

bool PresetFile::remove(const QString &name) {
    for (qsizetype i = 0; i < m_presets.size(); ++i)
        if (m_presets[i].name == name) {
            m_presets.removeAt(i);
            return true;
        }
    return false;
}

void PresetFile::insert(qsizetype index, const SelectionPreset &preset) {
    remove(preset.name);
    m_presets.insert(std::clamp<qsizetype>(index, 0, m_presets.size()), preset);
}

qsizetype PresetFile::indexOf(const QString &name) const {
    for (qsizetype i = 0; i < m_presets.size(); ++i)
        if (m_presets[i].name == name)
            return i;
    return -1;
}

Result<Ok> PresetFile::rename(const QString &from, const QString &to) {
    const Result<QString> name = checkName(to);
    if (!name)
        return name.error();
    if (*name != from && find(*name))
        return Error::make(Error::Code::Usage,
                           QStringLiteral("there is already a preset named \"%1\"; pick another "
                                          "name or delete that one first")
                               .arg(*name));
    for (SelectionPreset &p : m_presets)
        if (p.name == from) {
            p.name = *name;
            return Ok{};
        }
    return Error::make(Error::Code::NotFound,
                       QStringLiteral("there is no preset named \"%1\"").arg(from));
}

Result<QString> PresetFile::checkName(const QString &name) {
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return Error::make(Error::Code::Usage, QStringLiteral("give the preset a name"));
    if (trimmed.size() > kMaxNameLength)
        return Error::make(Error::Code::Usage,
                           QStringLiteral("the name is %1 characters long; keep it to %2")
                               .arg(trimmed.size())
                               .arg(kMaxNameLength));
    for (const QChar c : trimmed)
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format ||
            c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            return Error::make(Error::Code::Usage,
                               QStringLiteral("the name holds a control or invisible character; "
                                              "use letters, digits, spaces and punctuation"));
    return trimmed;
}

QByteArray PresetFile::toJson() const {
    QJsonArray presets;
    for (const SelectionPreset &p : m_presets) {
        QJsonObject o{{QStringLiteral("name"), p.name},
                      {QStringLiteral("paths"), bytesArray(p.paths)}};
        if (!p.globs.isEmpty())
            o.insert(QStringLiteral("globs"), QJsonArray::fromStringList(p.globs));
        if (!p.pins.isEmpty())
            o.insert(QStringLiteral("pins"), bytesArray(p.pins));
        presets.append(o);
    }
    const QJsonObject root{{QStringLiteral("version"), kVersion},
                           {QStringLiteral("presets"), presets}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<PresetFile> PresetFile::fromJson(const QByteArray &json, bool fromRepository) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return invalid(QStringLiteral("not valid JSON (%1 at byte %2)")
                           .arg(parseError.errorString())
                           .arg(parseError.offset));
    if (!doc.isObject() || !doc.object().value(QStringLiteral("presets")).isArray())
        return invalid(QStringLiteral("not a JSON object with a \"presets\" list"));
    const QJsonObject root = doc.object();
    const QJsonValue version = root.value(QStringLiteral("version"));
    if (!version.isUndefined() && version.toInt(-1) != kVersion)
        return invalid(QStringLiteral("version %1 is not one this RepoScope reads (it reads "
                                      "version %2)")
                           .arg(version.toVariant().toString())
                           .arg(kVersion));
    PresetFile file;
    QSet<QString> seen;
    for (const QJsonValue &item : root.value(QStringLiteral("presets")).toArray()) {
        if (!item.isObject())
            return invalid(QStringLiteral("\"presets\" holds something that is not an object"));
        const QJsonObject o = item.toObject();
        const Result<QString> name = checkName(o.value(QStringLiteral("name")).toString());
        if (!name)
            return invalid(
                QStringLiteral("a preset's name is not usable: %1").arg(name.error().message));
        if (seen.contains(*name))
            return invalid(QStringLiteral("two presets are named \"%1\"").arg(*name));
        seen.insert(*name);
        SelectionPreset preset;
        preset.name = *name;
        preset.fromRepository = fromRepository;
        const Result<QStringList> paths = stringArray(o, "paths", *name);
        if (!paths)
            return paths.error();
        const Result<QStringList> globs = stringArray(o, "globs", *name);
        if (!globs)
            return globs.error();
        const Result<QStringList> pins = stringArray(o, "pins", *name);
        if (!pins)
            return pins.error();
        preset.paths = toBytes(*paths);
        preset.globs = *globs;
        preset.pins = toBytes(*pins);
        file.m_presets << preset;
    }
    return file;
}

Result<PresetFile> PresetFile::load(const QString &file, bool fromRepository) {
    QFile in(file);
    if (!in.exists())
        return PresetFile();
    if (!in.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Unreadable,
                           QStringLiteral("%1: cannot read the selection presets (%2); fix its "
                                          "permissions or remove it")
                               .arg(QDir::toNativeSeparators(file), in.errorString()));
    Result<PresetFile> presets = fromJson(in.readAll(), fromRepository);
    if (!presets)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("%1: the selection presets file is %2; correct it or "
                                          "move it away")
                               .arg(QDir::toNativeSeparators(file), presets.error().message));
    return presets;
}

Result<Ok> PresetFile::save(const QString &file) const {
    if (QFileInfo::exists(file)) {
        // Never replace what we cannot read: it may be a newer version's file, or one the
        // user is repairing by hand.
        const Result<PresetFile> existing = load(file);
        if (!existing)
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("%1; the presets were not saved, so that it is not "
                                              "overwritten")
                                   .arg(existing.error().message));
    }
    return saveFileAtomically(file, toJson(), QStringLiteral("the selection presets"),
                              QStringLiteral("the previous presets are unchanged"));
}

QString PresetFile::userFileFor(const QString &repositoryRoot) {
    return perRepositoryFile(repositoryRoot, QStringLiteral("presets"));
}

QString PresetFile::repositoryFile(const QString &repositoryRoot) {
    return QDir(repositoryRoot).filePath(QStringLiteral(".reposcope/presets.json"));
}

const SelectionPreset *RepositoryPresets::find(const QString &name) const {
    if (const SelectionPreset *p = user.find(name))
        return p;
    return repository.find(name);
}

QList<SelectionPreset> RepositoryPresets::all() const {
    QList<SelectionPreset> out = user.presets();
    for (const SelectionPreset &p : repository.presets())
        if (!user.find(p.name))
            out << p;
    return out;
}

RepositoryPresets RepositoryPresets::loadFor(const QString &repositoryRoot) {
    RepositoryPresets result;
    Result<PresetFile> user = PresetFile::load(PresetFile::userFileFor(repositoryRoot));
    if (user) {
        result.user = *user;
    } else {
        result.problems << user.error().message;
        result.userFileBroken = true;
    }
    Result<PresetFile> shared = PresetFile::load(PresetFile::repositoryFile(repositoryRoot), true);
    if (shared)
        result.repository = *shared;
    else
        result.problems << shared.error().message +
                               QStringLiteral(" (the repository's presets are not offered)");
    return result;
}

} // namespace reposcope::workspace
