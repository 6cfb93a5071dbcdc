// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace reposcope::prompt {

// One audit task the user can start from: a title for menus and a prompt asking for
// findings in the shared format.
struct TaskTemplate {
    QString id; // lowercase letters, digits and dashes
    QString title;
    QString description; // one line for menus and tooltips
    QString prompt;      // may contain {findings_format}
    bool operator==(const TaskTemplate &) const = default;
};

// The built-in templates (resource :/reposcope/tasks.json) overlaid field by field, by
// id, with the user's file, which may also add templates or replace the findings format.
// A value type; load() and save() do small synchronous file I/O.
class TaskTemplates {
public:
    static constexpr const char *kFindingsPlaceholder = "{findings_format}";

    static Result<TaskTemplates> fromJson(const QByteArray &json);
    // Built-in templates plus `userFile` if it exists; its errors go to `warnings` and
    // the built-in templates are used instead.
    static TaskTemplates load(const QString &userFile, QStringList *warnings);
    // AppConfigLocation/tasks.json
    static QString defaultUserFile();

    const QList<TaskTemplate> &templates() const { return m_templates; }
    const TaskTemplate *find(const QString &id) const;
    const QString &findingsFormat() const { return m_findingsFormat; }
    // The prompt to send: the template's text with the findings format filled in.
    QString promptFor(const TaskTemplate &task) const;
    QString promptFor(const QString &id) const;

    bool isBuiltIn(const QString &id) const;
    bool isModified(const QString &id) const; // a built-in the user changed
    // Adds a template or replaces the one with the same id; false when it is invalid.
    bool upsert(const TaskTemplate &task, QString *why = nullptr);
    // A user template is removed; a built-in one goes back to its built-in text.
    void removeOrReset(const QString &id);
    void setFindingsFormat(const QString &format) { m_findingsFormat = format; }

    // The user file's content: changed fields of built-in templates, whole added ones,
    // the findings format if changed; `previous`'s other keys are kept.
    QJsonObject userOverlay(const QJsonObject &previous = {}) const;
    Result<Ok> save(const QString &userFile) const;

private:
    QList<TaskTemplate> m_templates;
    QList<TaskTemplate> m_builtIn;
    QString m_findingsFormat;
    QString m_builtInFindingsFormat;
};

} // namespace reposcope::prompt
