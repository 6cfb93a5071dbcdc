// SPDX-License-Identifier: MIT
// DirWalk with several threads finds exactly what one thread finds, on a deep random tree
// with .gitignore files at many levels, and leaves no descriptor open, cancelled or not.
#include "repo/dirwalker.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <dirent.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

using namespace reposcope::repo;

namespace {

void writeFile(const QString &path, const QByteArray &bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly)) << path.toStdString();
    f.write(bytes);
}

// About 400 folders up to 7 deep, 2,000 files, and a .gitignore in one folder of five
// (ignoring a name pattern, a folder, or re-including with '!').
void makeTree(const QString &root, quint32 seed) {
    QRandomGenerator rng(seed);
    QStringList folders{QString()};
    for (int i = 0; i < 400; ++i) {
        const QString parent = folders[int(rng.bounded(folders.size()))];
        if (parent.count(QLatin1Char('/')) >= 7)
            continue;
        folders << parent + QStringLiteral("d%1/").arg(i);
    }
    for (const QString &folder : folders) {
        QDir().mkpath(root + QLatin1Char('/') + folder);
        if (rng.bounded(5) == 0) {
            static const char *const rules[] = {"*.log\n", "skip*/\n", "*.tmp\n!keep.tmp\n",
                                                "/top.txt\n", "d1*\n"};
            writeFile(root + QLatin1Char('/') + folder + QStringLiteral(".gitignore"),
                      rules[rng.bounded(5)]);
        }
    }
    static const char *const names[] = {"a.cpp",   "b.log",          "keep.tmp", "x.tmp",
                                        "top.txt", "skipme/inner.c", "README"};
    for (int i = 0; i < 2000; ++i) {
        const QString folder = folders[int(rng.bounded(folders.size()))];
        const QString name = QString::fromLatin1(names[rng.bounded(7)]);
        writeFile(root + QLatin1Char('/') + folder + QString::number(i) + name,
                  QByteArray(int(rng.bounded(100)), 'x'));
    }
}

std::vector<std::pair<QByteArray, qint64>> walk(const QString &root, int threads,
                                                const std::atomic_bool *cancel = nullptr,
                                                bool *cancelled = nullptr) {
    IgnoreStack ignores;
    DirWalk w;
    w.root = QFile::encodeName(root);
    w.ignores = &ignores;
    w.threads = threads;
    w.cancel = cancel;
    EXPECT_TRUE(w.run());
    if (cancelled)
        *cancelled = w.cancelled;
    std::vector<std::pair<QByteArray, qint64>> found;
    for (const ScannedFile &f : w.files)
        found.emplace_back(f.path, f.size);
    std::sort(found.begin(), found.end());
    return found;
}

int openDescriptors() {
    int n = 0;
    if (DIR *d = opendir("/proc/self/fd")) {
        while (readdir(d))
            ++n;
        closedir(d);
    }
    return n;
}

} // namespace

TEST(DirWalk, SharedAmongThreadsFindsWhatOneThreadFinds) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    makeTree(dir.path(), 20261129);
    const int before = openDescriptors();
    const auto one = walk(dir.path(), 1);
    ASSERT_GT(one.size(), 500u);  // the tree is not mostly ignored...
    ASSERT_LT(one.size(), 2400u); // ...nor ignored not at all
    for (int threads : {2, 3, 8}) {
        EXPECT_EQ(walk(dir.path(), threads), one) << threads << " threads";
    }
    EXPECT_EQ(openDescriptors(), before);
}

TEST(DirWalk, CancelledSharedWalkClosesEverything) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    makeTree(dir.path(), 7);
    const int before = openDescriptors();
    std::atomic_bool cancel{true};
    bool cancelled = false;
    EXPECT_TRUE(walk(dir.path(), 4, &cancel, &cancelled).empty());
    EXPECT_TRUE(cancelled);
    EXPECT_EQ(openDescriptors(), before);
}

// Cancelled at varying moments while the walkers share folders: whatever was queued is
// closed, and a walk that finished anyway found everything.
TEST(DirWalk, CancelledMidWalkClosesEverything) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    makeTree(dir.path(), 11);
    const auto full = walk(dir.path(), 1);
    const int before = openDescriptors();
    for (int attempt = 0; attempt < 12; ++attempt) {
        std::atomic_bool cancel{false};
        bool cancelled = false;
        std::thread stopper([&cancel, attempt] {
            std::this_thread::sleep_for(std::chrono::microseconds(250 * attempt));
            cancel = true;
        });
        const auto found = walk(dir.path(), 4, &cancel, &cancelled);
        stopper.join();
        if (!cancelled) {
            EXPECT_EQ(found, full) << "attempt " << attempt;
        }
        EXPECT_EQ(openDescriptors(), before) << "attempt " << attempt;
    }
}
