// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace reposcope::test {

// A scratch folder in a QTemporaryDir, optionally a real git repository made with the
// git command line (so tests compare against git itself, not against our own code).
class ScratchRepo {
public:
    ScratchRepo();
    QString path() const { return m_dir.path(); }
    QString filePath(const QString &relative) const;

    void write(const QString &relative, const QByteArray &content);
    // Runs git with the given arguments inside the folder; returns stdout. Fails the
    // current test on a non-zero exit.
    QByteArray git(const QStringList &args) const;
    void initGit(); // git init + identity config
    void commitAll(const QString &message = QStringLiteral("commit"));
    // Waits a second, then has git refresh and rewrite the index, as a later `git status`
    // would: its entries are then no longer racily clean, so a scan trusts their stat data.
    void settleIndex();
    // Sorted output of `git ls-files --cached --others --exclude-standard` as UTF-8 paths.
    QStringList gitLsFiles() const;

private:
    QTemporaryDir m_dir;
};

} // namespace reposcope::test
