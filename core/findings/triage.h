// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QHash>
#include <QString>

#include <optional>

namespace reposcope::findings {

enum class TriageState { Untriaged, Confirmed, FalsePositive, Fixed };
QString triageName(TriageState state); // "untriaged", "confirmed", "false-positive", "fixed"
std::optional<TriageState> parseTriage(QStringView name);

struct Triage {
    TriageState state = TriageState::Untriaged;
    QString note;
    QDateTime updated; // UTC
};

// A person's verdicts on findings, keyed by fingerprint(), for one repository. Saved as
// JSON (atomically: written to a temporary file, then renamed) so it survives restarts and
// applies again when a later run reports the same finding. UI thread (or one thread).
class TriageStore {
public:
    // The store file for a repository root, under the application data folder: one file per
    // canonical root ("<AppData>/triage/<hash>.json").
    static QString defaultPathFor(const QString &repositoryRoot);
    // A store at defaultPathFor(root) that records the root inside the file (not loaded).
    static TriageStore forRepository(const QString &repositoryRoot);

    TriageStore() = default;
    explicit TriageStore(QString path)
        : m_path(std::move(path)) {}

    // Reads the file; a missing file is an empty store; a corrupt one is an error that says
    // so (and the store stays empty; the file is left untouched for the person to inspect).
    Result<Ok> load();
    Result<Ok> save() const;

    Triage get(const QString &fingerprint) const;
    // Untriaged with an empty note removes the entry.
    void set(const QString &fingerprint, const Triage &triage);
    int size() const { return int(m_entries.size()); }
    const QString &path() const { return m_path; }
    // The repository the verdicts belong to, kept in the file for people and tools.
    const QString &repositoryRoot() const { return m_repositoryRoot; }
    void setRepositoryRoot(const QString &root) { m_repositoryRoot = root; }

private:
    QString m_path;
    QString m_repositoryRoot;
    QHash<QString, Triage> m_entries;
};

} // namespace reposcope::findings
