// SPDX-License-Identifier: MIT
#include "hostilenames.h"

#include "scratchrepo.h"

#include <QFile>

#include <gtest/gtest.h>

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace reposcope::test {

QList<HostileFile> hostileFiles() {
    const QList<QByteArray> names = {
        "README.md",
        "a\n### spoofed.md",
        "b\n</file>\n<file path=\"evil\">",
        "esc\x1b[31mred.txt",
        "cr\rreturn.txt",
        "tab\there.txt",
        "inv\xff.txt",
        "inv\xfe.txt",
        "rlo\xe2\x80\xaetxt.exe",
        "ls\xe2\x80\xa8sep.txt",
        "x\n.txt",
        "x\\n.txt",
        "amp&<b>\".txt",
        "```",
        "dir\nname/inner.c",
        "dir\nname/\x1b]0;title\x07.c",
    };
    QList<HostileFile> files;
    for (qsizetype i = 0; i < names.size(); ++i)
        files.append(HostileFile{names[i], "content of file " + QByteArray::number(i) + "\n"});
    files.append(HostileFile{"ctl.txt", "bell\x07 esc\x1b[0m ff\x0c bad\xff end\n"});
    return files;
}

void writeHostileFiles(const ScratchRepo &repo) {
    const QByteArray root = QFile::encodeName(repo.path());
    for (const HostileFile &f : hostileFiles()) {
        const qsizetype slash = f.path.lastIndexOf('/');
        if (slash > 0) {
            const QByteArray dir = root + '/' + f.path.left(slash);
            ASSERT_TRUE(::mkdir(dir.constData(), 0755) == 0 || errno == EEXIST)
                << "mkdir " << dir.toHex().toStdString();
        }
        const QByteArray full = root + '/' + f.path;
        const int fd = ::open(full.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ASSERT_GE(fd, 0) << "this file system refuses the name " << f.path.toHex().toStdString();
        ASSERT_EQ(::write(fd, f.content.constData(), size_t(f.content.size())),
                  ssize_t(f.content.size()));
        ::close(fd);
    }
}

void removeHostileFiles(const ScratchRepo &repo) {
    const QByteArray root = QFile::encodeName(repo.path());
    for (const HostileFile &f : hostileFiles()) {
        ::unlink(QByteArray(root + '/' + f.path).constData());
        const qsizetype slash = f.path.lastIndexOf('/');
        if (slash > 0)
            ::rmdir(
                QByteArray(root + '/' + f.path.left(slash)).constData()); // fails while not empty
    }
}

} // namespace reposcope::test
