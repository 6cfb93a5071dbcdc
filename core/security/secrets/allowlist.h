// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "security/secrets/secrethit.h"

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace reposcope::security::secrets {

// What the user allowed to be sent for one repository, although the scanner flags it: single
// secrets (by SecretHit::fingerprint, a hash of path, rule and secret), whole rules (by id)
// and whole files (by repository-relative path). It never holds a secret.
//
// Stored as JSON {"version":1,"secrets":[hex…],"rules":[id…],"files":[path…]}: the user's
// list for a repository under userFileFor(root), and a list the repository itself may commit
// at repositoryFile(root) (for CI: `scan` and `ask` read both; the window writes only the
// user's list).
class AllowList {
public:
    bool allows(const SecretHit &hit) const; // its fingerprint, its rule or its file is allowed
    bool isEmpty() const;

    void allowSecret(const QByteArray &fingerprint);
    void allowRule(const QString &ruleId);
    void allowFile(const QByteArray &path);
    // Undo of the three above; false when it was not there.
    bool removeSecret(const QByteArray &fingerprint);
    bool removeRule(const QString &ruleId);
    bool removeFile(const QByteArray &path);

    QList<QByteArray> secrets() const; // sorted
    QStringList rules() const;         // sorted
    QList<QByteArray> files() const;   // sorted

    // Entries of `other` added to these.
    void merge(const AllowList &other);

    QByteArray toJson() const;
    static Result<AllowList> fromJson(const QByteArray &json);
    // A missing file is an empty list; an unreadable or malformed one is an error that says
    // which file and what to do.
    static Result<AllowList> load(const QString &file);
    // Written atomically (QSaveFile); the folder is made when missing.
    Result<Ok> save(const QString &file) const;

    // <AppDataLocation>/allowlists/<sha256 of the canonical root path>.json
    static QString userFileFor(const QString &repositoryRoot);
    // <root>/.reposcope/secrets-allow.json
    static QString repositoryFile(const QString &repositoryRoot);
    // The user's list and the repository's list for `repositoryRoot`, merged; problems with
    // either file go to `warnings` (that file is then skipped).
    static AllowList loadFor(const QString &repositoryRoot, QStringList *warnings);

    bool operator==(const AllowList &) const = default;

private:
    QSet<QByteArray> m_secrets;
    QSet<QString> m_rules;
    QSet<QByteArray> m_files;
};

} // namespace reposcope::security::secrets
