// SPDX-License-Identifier: MIT
#include "scratchrepo.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <gtest/gtest.h>

#include <unistd.h>

namespace reposcope::test {

ScratchRepo::ScratchRepo() {
    EXPECT_TRUE(m_dir.isValid());
}

QString ScratchRepo::filePath(const QString &relative) const {
    return m_dir.path() + QLatin1Char('/') + relative;
}

void ScratchRepo::write(const QString &relative, const QByteArray &content) {
    const QString full = filePath(relative);
    QDir().mkpath(QFileInfo(full).absolutePath());
    QFile file(full);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate)) << full.toStdString();
    file.write(content);
}

QByteArray ScratchRepo::git(const QStringList &args) const {
    QProcess proc;
    proc.setWorkingDirectory(m_dir.path());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    env.insert(QStringLiteral("HOME"), m_dir.path() + QStringLiteral("/.home"));
    proc.setProcessEnvironment(env);
    proc.start(QStringLiteral("git"), args);
    proc.waitForFinished(120000);
    EXPECT_EQ(proc.exitCode(), 0) << "git " << args.join(QLatin1Char(' ')).toStdString() << ": "
                                  << proc.readAllStandardError().toStdString();
    return proc.readAllStandardOutput();
}

void ScratchRepo::initGit() {
    git({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"),
         QStringLiteral("main")});
    git({QStringLiteral("config"), QStringLiteral("user.email"),
         QStringLiteral("t@example.invalid")});
    git({QStringLiteral("config"), QStringLiteral("user.name"), QStringLiteral("Test")});
    git({QStringLiteral("config"), QStringLiteral("core.quotePath"), QStringLiteral("false")});
}

void ScratchRepo::commitAll(const QString &message) {
    git({QStringLiteral("add"), QStringLiteral("-A")});
    git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--allow-empty"),
         QStringLiteral("-m"), message});
}

void ScratchRepo::settleIndex() {
    sleep(1); // racy means "modified in the same second as the index was written"
    git({QStringLiteral("update-index"), QStringLiteral("--really-refresh")});
    git({QStringLiteral("update-index"), QStringLiteral("--force-write-index")});
}

QStringList ScratchRepo::gitLsFiles() const {
    const QByteArray out =
        git({QStringLiteral("ls-files"), QStringLiteral("-z"), QStringLiteral("--cached"),
             QStringLiteral("--others"), QStringLiteral("--exclude-standard")});
    QStringList files;
    for (const QByteArray &p : out.split('\0'))
        if (!p.isEmpty())
            files << QString::fromUtf8(p);
    files.sort();
    files.removeDuplicates();
    return files;
}

} // namespace reposcope::test
