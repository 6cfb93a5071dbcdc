// SPDX-License-Identifier: MIT
#include "prompt/tasktemplates.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

namespace reposcope::prompt {

namespace {

QString problemWith(const TaskTemplate &t) {
    static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9][a-z0-9-]*$"));
    if (!idPattern.match(t.id).hasMatch())
        return QStringLiteral("task id \"%1\" must be lowercase letters, digits and dashes")
            .arg(t.id);
    if (t.title.trimmed().isEmpty())
        return QStringLiteral("task \"%1\" has no title").arg(t.id);
    if (t.prompt.trimmed().isEmpty())
        return QStringLiteral("task \"%1\" has no prompt").arg(t.id);
    return QString();
}

QJsonObject toJson(const TaskTemplate &t) {
    return QJsonObject{{QStringLiteral("id"), t.id},
                       {QStringLiteral("title"), t.title},
                       {QStringLiteral("description"), t.description},
                       {QStringLiteral("prompt"), t.prompt}};
}

// Overlays the user's tasks on the built-in ones, field by field, matched by id.
QJsonObject overlay(QJsonObject base, const QJsonObject &user) {
    QJsonArray tasks = base.value(QLatin1String("tasks")).toArray();
    for (const QJsonValue &v : user.value(QLatin1String("tasks")).toArray()) {
        const QJsonObject u = v.toObject();
        const QString id = u.value(QLatin1String("id")).toString();
        qsizetype match = -1;
        for (qsizetype i = 0; !id.isEmpty() && i < tasks.size(); ++i)
            if (tasks[i].toObject().value(QLatin1String("id")).toString() == id)
                match = i;
        if (match < 0) {
            tasks.append(u);
            continue;
        }
        QJsonObject merged = tasks[match].toObject();
        for (auto it = u.begin(); it != u.end(); ++it)
            merged.insert(it.key(), *it);
        tasks[match] = merged;
    }
    for (auto it = user.begin(); it != user.end(); ++it)
        if (it.key() != QLatin1String("tasks"))
            base.insert(it.key(), *it);
    base.insert(QStringLiteral("tasks"), tasks);
    return base;
}

// An id the user's file lists twice (the overlay would merge them without a word).
QString duplicateId(const QJsonObject &user) {
    QStringList seen;
    for (const QJsonValue &v : user.value(QLatin1String("tasks")).toArray()) {
        const QString id = v.toObject().value(QLatin1String("id")).toString();
        if (!id.isEmpty() && seen.contains(id))
            return id;
        seen << id;
    }
    return QString();
}

QByteArray builtInJson() {
    QFile file(QStringLiteral(":/reposcope/tasks.json"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

Result<TaskTemplates> TaskTemplates::fromJson(const QByteArray &json) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("tasks are not valid JSON (offset %1: %2)")
                               .arg(err.offset)
                               .arg(err.errorString()));
    if (!doc.isObject() || !doc.object().value(QLatin1String("tasks")).isArray())
        return Error::make(Error::Code::InvalidData,
                           QStringLiteral("tasks: the top level must be an object with a "
                                          "\"tasks\" list"));
    TaskTemplates out;
    out.m_findingsFormat = doc.object().value(QLatin1String("findingsFormat")).toString();
    for (const QJsonValue &v : doc.object().value(QLatin1String("tasks")).toArray()) {
        const QJsonObject o = v.toObject();
        TaskTemplate t{o.value(QLatin1String("id")).toString(),
                       o.value(QLatin1String("title")).toString(),
                       o.value(QLatin1String("description")).toString(),
                       o.value(QLatin1String("prompt")).toString()};
        if (const QString problem = problemWith(t); !problem.isEmpty())
            return Error::make(Error::Code::InvalidData, QStringLiteral("tasks: ") + problem);
        if (out.find(t.id))
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("tasks: the id \"%1\" appears twice").arg(t.id));
        out.m_templates.append(t);
    }
    return out;
}

TaskTemplates TaskTemplates::load(const QString &userFile, QStringList *warnings) {
    const QByteArray builtIn = builtInJson();
    TaskTemplates out;
    if (Result<TaskTemplates> parsed = fromJson(builtIn))
        out = *parsed;
    else if (warnings)
        *warnings << QStringLiteral("built-in tasks: ") + parsed.error().message;
    out.m_builtIn = out.m_templates;
    out.m_builtInFindingsFormat = out.m_findingsFormat;

    QFile user(userFile);
    if (userFile.isEmpty() || !user.exists())
        return out;
    QString problem;
    if (!user.open(QIODevice::ReadOnly)) {
        problem = user.errorString();
    } else {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(user.readAll(), &err);
        if (err.error != QJsonParseError::NoError) {
            problem = QStringLiteral("not valid JSON (offset %1: %2)")
                          .arg(err.offset)
                          .arg(err.errorString());
        } else if (!doc.isObject() || (doc.object().contains(QLatin1String("tasks")) &&
                                       !doc.object().value(QLatin1String("tasks")).isArray())) {
            problem = QStringLiteral("the top level must be an object with a \"tasks\" list");
        } else if (const QString twice = duplicateId(doc.object()); !twice.isEmpty()) {
            problem = QStringLiteral("the id \"%1\" appears twice").arg(twice);
        } else {
            Result<TaskTemplates> merged = fromJson(
                QJsonDocument(overlay(QJsonDocument::fromJson(builtIn).object(), doc.object()))
                    .toJson());
            if (merged) {
                merged->m_builtIn = out.m_builtIn;
                merged->m_builtInFindingsFormat = out.m_builtInFindingsFormat;
                return *merged;
            }
            problem = merged.error().message;
        }
    }
    if (warnings)
        *warnings << QStringLiteral("%1: %2 (the built-in tasks are used instead)")
                         .arg(userFile, problem);
    return out;
}

QString TaskTemplates::defaultUserFile() {
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/tasks.json");
}

const TaskTemplate *TaskTemplates::find(const QString &id) const {
    for (const TaskTemplate &t : m_templates)
        if (t.id == id)
            return &t;
    return nullptr;
}

QString TaskTemplates::promptFor(const TaskTemplate &task) const {
    QString prompt = task.prompt;
    return prompt.replace(QLatin1String(kFindingsPlaceholder), m_findingsFormat);
}

QString TaskTemplates::promptFor(const QString &id) const {
    const TaskTemplate *t = find(id);
    return t ? promptFor(*t) : QString();
}

bool TaskTemplates::isBuiltIn(const QString &id) const {
    for (const TaskTemplate &t : m_builtIn)
        if (t.id == id)
            return true;
    return false;
}

bool TaskTemplates::isModified(const QString &id) const {
    const TaskTemplate *now = find(id);
    for (const TaskTemplate &t : m_builtIn)
        if (t.id == id)
            return now && !(*now == t);
    return false;
}

bool TaskTemplates::upsert(const TaskTemplate &task, QString *why) {
    const QString problem = problemWith(task);
    if (!problem.isEmpty()) {
        if (why)
            *why = problem;
        return false;
    }
    for (TaskTemplate &t : m_templates) {
        if (t.id == task.id) {
            t = task;
            return true;
        }
    }
    m_templates.append(task);
    return true;
}

void TaskTemplates::removeOrReset(const QString &id) {
    for (const TaskTemplate &b : m_builtIn) {
        if (b.id == id) {
            upsert(b);
            return;
        }
    }
    m_templates.removeIf([&id](const TaskTemplate &t) { return t.id == id; });
}

QJsonObject TaskTemplates::userOverlay(const QJsonObject &previous) const {
    QJsonArray tasks;
    for (const TaskTemplate &t : m_templates) {
        const TaskTemplate *base = nullptr;
        for (const TaskTemplate &b : m_builtIn)
            if (b.id == t.id)
                base = &b;
        if (!base) {
            tasks.append(toJson(t));
            continue;
        }
        const QJsonObject now = toJson(t), was = toJson(*base);
        QJsonObject diff;
        for (auto it = now.begin(); it != now.end(); ++it)
            if (was.value(it.key()) != *it)
                diff.insert(it.key(), *it);
        if (!diff.isEmpty()) {
            diff.insert(QStringLiteral("id"), t.id);
            tasks.append(diff);
        }
    }
    QJsonObject out = previous;
    out.insert(QStringLiteral("tasks"), tasks);
    if (m_findingsFormat != m_builtInFindingsFormat)
        out.insert(QStringLiteral("findingsFormat"), m_findingsFormat);
    else
        out.remove(QStringLiteral("findingsFormat"));
    return out;
}

Result<Ok> TaskTemplates::save(const QString &userFile) const {
    QJsonObject previous;
    QFile in(userFile);
    if (in.exists()) {
        if (!in.open(QIODevice::ReadOnly))
            return Error::make(
                Error::Code::Io,
                QStringLiteral("cannot read %1: %2").arg(userFile, in.errorString()));
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(in.readAll(), &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return Error::make(Error::Code::InvalidData,
                               QStringLiteral("%1 is not a valid tasks file; fix or remove it "
                                              "before saving tasks")
                                   .arg(userFile));
        previous = doc.object();
    }
    if (!QDir().mkpath(QFileInfo(userFile).absolutePath()))
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot create the folder of %1").arg(userFile));
    QSaveFile out(userFile);
    if (!out.open(QIODevice::WriteOnly) ||
        out.write(QJsonDocument(userOverlay(previous)).toJson()) < 0 || !out.commit())
        return Error::make(Error::Code::Io,
                           QStringLiteral("cannot save %1: %2").arg(userFile, out.errorString()));
    return Ok{};
}

} // namespace reposcope::prompt
